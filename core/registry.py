"""Plugin loading and the check registry.

A fresh :class:`pluggy.PluginManager` is built for every run; nothing is
loaded at import time. Built-in plugins come from an explicit list, third
party ones from the `provlint` entry-point group (found without importing
them first) and from `-p MODULE`. Every plugin is loaded guarded: one that
fails to import, has a misspelt hook or returns garbage becomes an
`internal-error` finding naming it, and the rest still load.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import traceback
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pluggy

from . import hookspecs
from .errors import INTERNAL_ERROR_CODE, INTERNAL_ERROR_NAME, ErrorCollector
from .model import CatalogueCheck, Check, CorpusCheck, DocumentCheck, Finding, Severity

BUILTIN_PLUGINS: tuple[str, ...] = (
    "provlint.plugins.header_formats",
    "provlint.plugins.output_formats",
    "provlint.plugins.output_sarif",
    "provlint.plugins.output_ci",
    "provlint.plugins.output_gitlab",
    "provlint.plugins.output_html",
    "provlint.plugins.index_schema",
    "provlint.plugins.header_schema",
    "provlint.plugins.duplicate_id",
    "provlint.plugins.missing_file",
    "provlint.plugins.unindexed_file",
    "provlint.plugins.missing_source",
    "provlint.plugins.missing_date",
    "provlint.plugins.date_mismatch",
    "provlint.plugins.date_inconsistent",
    "provlint.plugins.field_mismatch",
    "provlint.plugins.checksum_mismatch",
    "provlint.plugins.encoding",
    "provlint.plugins.scrape_residue",
    "provlint.plugins.duplicate_content",
    "provlint.plugins.derived_from",
    "provlint.plugins.too_large",
)
ENTRY_POINT_GROUP = "provlint"
CODE_RE = re.compile(r"^[A-Z]{1,5}[0-9]{2,4}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


_ABSENT = object()


class _PluginManager(pluggy.PluginManager):
    """pluggy's manager, quicker to register a module.

    pluggy looks at every name in a plugin module (imports, constants, check
    classes) with ``inspect.getattr_static``, which is slow. In a module,
    a class or an object that cannot be called is never a hook
    implementation, and a plain function is one exactly when it carries the
    marker; every other value goes to pluggy as before.
    """

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        if type(plugin) is types.ModuleType:
            value = plugin.__dict__.get(name, _ABSENT)
            if type(value) is types.FunctionType:
                opts = getattr(value, self.project_name + "_impl", None)
                return opts if isinstance(opts, dict) else None
            if isinstance(value, type) or not (
                value is _ABSENT or callable(value) or isinstance(value, classmethod)
            ):
                return None
        return super().parse_hookimpl_opts(plugin, name)


class InternalError(Check):
    """A plugin failed to load, or a check raised or returned something that is not a finding.

    **What it does.** Reports, as a finding, any failure inside provlint or a
    plugin: a plugin module that cannot be imported, a misspelt hook, two
    checks claiming one code or name, a check that raises on a document or
    returns something other than findings. The finding names the plugin and
    the check; `--verbose` adds the traceback.

    **Why it matters.** One broken plugin must not hide the results of every
    other check, and must not pass silently either: the run completes, and
    the exit code is 3 so CI notices.

    **Example.** `<plugin my_checks>:0:0: PV001 internal-error: check
    'title-length' (plugin my_checks 1.0) raised ValueError on
    seeds/a.txt: bad value`

    **Options.** None. It cannot be ignored or deselected.
    """

    code = INTERNAL_ERROR_CODE
    name = INTERNAL_ERROR_NAME
    severity = Severity.ERROR
    scope = "corpus"


@dataclass
class PluginInfo:
    """A plugin as the registry knows it."""

    name: str
    module: str
    origin: str  # "builtin", "entry-point" or "command-line"
    dist: str = ""
    version: str = ""
    loaded: bool = False
    sources: tuple[str, ...] = ()
    """Source modules the plugin brought in when it loaded (its own and the
    helpers it imports, outside installed packages and the standard
    library): the result cache fingerprints them, with the plugin's package
    folder."""

    @property
    def label(self) -> str:
        who = self.dist or self.name
        return f"{who} {self.version}".strip()


@dataclass
class CheckSpec:
    cls: type[Check]
    plugin: PluginInfo

    @property
    def code(self) -> str:
        return self.cls.code

    @property
    def name(self) -> str:
        return self.cls.name


@dataclass
class Registry:
    pm: pluggy.PluginManager
    plugins: list[PluginInfo] = field(default_factory=list)
    checks: dict[str, CheckSpec] = field(default_factory=dict)
    formats: dict[str, Any] = field(default_factory=dict)
    option_schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: ErrorCollector = field(default_factory=ErrorCollector)
    """Where loading (and the run built on this registry) reports internal errors."""

    @property
    def findings(self) -> list[Finding]:
        """The internal-error findings reported so far."""
        return self.errors.findings

    @property
    def tracebacks(self) -> list[str]:
        return self.errors.tracebacks

    def internal_error(
        self, message: str, *, path: str = "", tb: str | None = None, plugin: str = ""
    ) -> Finding:
        return self.errors.report(message, path=path, tb=tb, plugin=plugin)

    def by_code_or_name(self, key: str) -> CheckSpec | None:
        if key in self.checks:
            return self.checks[key]
        for spec in self.checks.values():
            if spec.code.upper() == key.upper():
                return spec
        return None


def _dist_of(module: str) -> tuple[str, str]:
    from importlib import metadata

    top = module.split(".")[0]
    try:
        dists = metadata.packages_distributions().get(top, [])
    except Exception:  # pragma: no cover - broken metadata
        dists = []
    for dist in dists:
        try:
            return dist, metadata.version(dist)
        except metadata.PackageNotFoundError:  # pragma: no cover
            continue
    return "", ""


_IGNORED_READ_ERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)


def _may_declare_entry_points(group: str) -> bool:
    """Whether any installed distribution may declare an entry point in ``group``.

    ``importlib.metadata`` is costly to import and scans every distribution
    on ``sys.path``; most runs have no third-party plugin at all. This looks
    for the group the way ``importlib.metadata`` would (each ``*.dist-info``
    and ``*.egg-info`` folder's ``entry_points.txt`` in each ``sys.path``
    folder, a ``[group]`` section header) without importing it, and errs on
    the side of True: anything it cannot judge cheaply (a zip file or an
    unpacked egg on the path, another finder that lists distributions, an
    unreadable file) leaves the decision to ``importlib.metadata``.
    """
    import os
    import sys
    from importlib.machinery import PathFinder

    for finder in sys.meta_path:
        if finder is PathFinder or not hasattr(finder, "find_distributions"):
            continue
        kind = type(finder)
        # The importlib_metadata backport (dask imports it) adds a finder that
        # reads the same sys.path folders the same way.
        if (kind.__module__, kind.__qualname__) != ("importlib_metadata", "MetadataPathFinder"):
            return True
    for entry in sys.path:
        if not isinstance(entry, str):
            return True
        root = entry or "."
        if os.path.basename(root).lower().endswith(".egg"):
            return True
        try:
            names = os.listdir(root)
        except FileNotFoundError:
            continue
        except OSError:
            return True  # a zip file, or a folder importlib.metadata may read differently
        for name in names:
            if not name.lower().endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(root, name, "entry_points.txt"), encoding="utf-8") as fh:
                    text = fh.read()
            except _IGNORED_READ_ERRORS:
                continue
            except Exception:
                return True
            if group in text and _declares_group(text, group):
                return True
    return False


def _declares_group(text: str, group: str) -> bool:
    """Whether ``entry_points.txt`` text has a ``[group]`` section, parsed
    as ``importlib.metadata`` parses it."""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]") and line.strip("[]") == group:
            return True
    return False


def _provlint_version() -> str:
    from . import __version__

    return __version__


def _new_sources(before: set[str]) -> tuple[str, ...]:
    """The files of modules imported since ``before`` (a set of module
    names) that are not installed packages or the standard library: a
    plugin's own source folder, and the helpers it imports from there."""
    import sys
    import sysconfig

    skip = tuple(
        os.path.realpath(p)
        for p in {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    )
    out = []
    for name in set(sys.modules) - before:
        where = getattr(sys.modules.get(name), "__file__", None)
        if where and not os.path.realpath(where).startswith(skip):
            out.append(where)
    return tuple(sorted(out))


def _register(reg: Registry, obj: Any, info: PluginInfo) -> None:
    if reg.pm.is_registered(obj):
        return  # named twice (an entry point and -p, say): loaded once
    try:
        reg.pm.register(obj, name=info.name)
        reg.pm.check_pending()
    except Exception as exc:
        if reg.pm.is_registered(obj):
            reg.pm.unregister(obj)
        reg.internal_error(
            f"plugin {info.name!r} ({info.module}) could not be registered: "
            f"{type(exc).__name__}: {exc}",
            tb=traceback.format_exc(),
            plugin=info.name,
        )
        return
    info.loaded = True
    reg.plugins.append(info)


def _blocked(info_name: str, module: str, blocked: Sequence[str]) -> bool:
    return any(b in (info_name, module, module.rsplit(".", 1)[-1]) for b in blocked)


def _entry_points() -> list[tuple[Any, str, str]]:
    """The installed ``provlint`` entry points, by name, each with its
    distribution's name and version ("" when unknown). Nothing is imported."""
    if not _may_declare_entry_points(ENTRY_POINT_GROUP):
        return []
    from importlib import metadata

    out = []
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = getattr(ep, "dist", None)
        dist_name = dist.metadata["Name"] if dist is not None else ""
        dist_version = dist.version if dist is not None else ""
        out.append((ep, dist_name or "", dist_version or ""))
    return out


def installed_plugins() -> dict[str, str]:
    """Every name that selects an installed plugin: each entry point's name
    and its distribution's name, mapped to the entry point's name."""
    out: dict[str, str] = {}
    for ep, dist_name, _ in _entry_points():
        out[ep.name] = ep.name
        if dist_name:
            out.setdefault(dist_name, ep.name)
    return out


def build_registry(
    extra_plugins: Sequence[str] = (),
    blocked: Sequence[str] = (),
    load_entrypoints: bool = True,
    objects: Iterable[Any] = (),
    selected: Sequence[str] = (),
) -> Registry:
    """Build a fresh plugin manager and registry.

    :param extra_plugins: module names to import and load (`-p MODULE`).
    :param blocked: plugin names or modules not to load (`-p no:NAME`).
    :param load_entrypoints: whether to load every `provlint` entry point.
    :param objects: already-imported plugin objects (used by tests and the
        pytest fixture).
    :param selected: entry-point or distribution names to load even when
        ``load_entrypoints`` is false (a configuration's `plugins`).
    """
    pm = _PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    reg = Registry(pm=pm)
    version = _provlint_version()

    for modname in BUILTIN_PLUGINS:
        short = modname.rsplit(".", 1)[-1]
        if _blocked(short, modname, blocked):
            continue
        info = PluginInfo(short, modname, "builtin", "provlint", version)
        try:
            module = importlib.import_module(modname)
        except Exception as exc:
            reg.internal_error(
                f"built-in plugin {modname} failed to import: {type(exc).__name__}: {exc}",
                tb=traceback.format_exc(),
                plugin=short,
            )
            continue
        _register(reg, module, info)

    wanted = set(selected)
    if load_entrypoints or wanted:
        for ep, dist_name, dist_version in _entry_points():
            if not load_entrypoints and not wanted & {ep.name, dist_name}:
                continue
            if _blocked(ep.name, ep.value.split(":")[0], blocked) or (
                dist_name and dist_name in blocked
            ):
                continue
            info = PluginInfo(ep.name, ep.value, "entry-point", dist_name, dist_version)
            before = set(sys.modules)
            try:
                obj = ep.load()
            except Exception as exc:
                reg.internal_error(
                    f"plugin {ep.name!r} (entry point {ep.value}"
                    f"{', from ' + dist_name + ' ' + dist_version if dist_name else ''}) "
                    f"failed to load: {type(exc).__name__}: {exc}",
                    tb=traceback.format_exc(),
                    plugin=ep.name,
                )
                continue
            info.sources = _new_sources(before)
            _register(reg, obj, info)

    for modname in extra_plugins:
        if _blocked(modname, modname, blocked):
            continue
        before = set(sys.modules)
        try:
            module = importlib.import_module(modname)
        except Exception as exc:
            reg.internal_error(
                f"plugin module {modname!r} (-p) failed to import: {type(exc).__name__}: {exc}",
                tb=traceback.format_exc(),
                plugin=modname,
            )
            continue
        dist, ver = _dist_of(modname)
        info = PluginInfo(modname, modname, "command-line", dist, ver, sources=_new_sources(before))
        _register(reg, module, info)

    for obj in objects:
        name = getattr(obj, "__name__", None) or type(obj).__name__
        _register(reg, obj, PluginInfo(str(name), str(name), "object"))

    _collect(reg)
    return reg


def _plugin_info(reg: Registry, plugin_name: str) -> PluginInfo:
    for info in reg.plugins:
        if info.name == plugin_name:
            return info
    return PluginInfo(plugin_name, plugin_name, "unknown")  # pragma: no cover


def _call_each(reg: Registry, hook_name: str) -> Iterable[tuple[PluginInfo, Any]]:
    caller = getattr(reg.pm.hook, hook_name)
    # Registration order: built-ins first, so their codes win a clash.
    for impl in caller.get_hookimpls():
        info = _plugin_info(reg, impl.plugin_name)
        try:
            yield info, impl.function()
        except Exception as exc:
            reg.internal_error(
                f"plugin {info.name!r}: hook {hook_name} raised {type(exc).__name__}: {exc}",
                tb=traceback.format_exc(),
                plugin=info.name,
            )


def _validate_check(cls: Any) -> str | None:
    from .keyed import KeyedCheck

    kinds = (DocumentCheck, KeyedCheck, CatalogueCheck, CorpusCheck)
    if not (isinstance(cls, type) and issubclass(cls, kinds)):
        return f"{cls!r} is not a DocumentCheck, KeyedCheck, CatalogueCheck or CorpusCheck subclass"
    if not CODE_RE.match(cls.code or ""):
        return (
            f"check {cls.__name__} has code {cls.code!r}; expected letters then digits, e.g. XY101"
        )
    if not NAME_RE.match(cls.name or ""):
        return f"check {cls.__name__} has name {cls.name!r}; expected kebab-case, e.g. title-length"
    try:
        Severity(cls.severity)
    except ValueError:
        return f"check {cls.name} has severity {cls.severity!r}; expected error, warning or info"
    if not (cls.__doc__ or "").strip():
        return f"check {cls.name} has no docstring; `provlint explain` needs one"
    return None


def _collect(reg: Registry) -> None:
    version = _provlint_version()
    core = PluginInfo("core", "provlint", "builtin", "provlint", version, loaded=True)
    from .suppress import UnusedSuppression

    reg.checks[InternalError.name] = CheckSpec(InternalError, core)
    reg.checks[UnusedSuppression.name] = CheckSpec(UnusedSuppression, core)
    codes = {
        InternalError.code: reg.checks[InternalError.name],
        UnusedSuppression.code: reg.checks[UnusedSuppression.name],
    }

    for info, result in _call_each(reg, "provlint_register_checks"):
        if result is None:
            continue
        if not isinstance(result, (list, tuple)):
            reg.internal_error(
                f"plugin {info.name!r}: provlint_register_checks returned "
                f"{type(result).__name__}, expected a list of check classes",
                plugin=info.name,
            )
            continue
        for cls in result:
            problem = _validate_check(cls)
            if problem:
                reg.internal_error(f"plugin {info.name!r}: {problem}", plugin=info.name)
                continue
            other = reg.checks.get(cls.name) or codes.get(cls.code)
            if other is not None:
                clash = "name" if other.name == cls.name else "code"
                reg.internal_error(
                    f"check {cls.name} ({cls.code}) from plugin {info.label!r} has the same "
                    f"{clash} as check {other.name} ({other.code}) from plugin "
                    f"{other.plugin.label!r}; the second is not loaded",
                    plugin=info.name,
                )
                continue
            spec = CheckSpec(cls, info)
            reg.checks[cls.name] = spec
            codes[cls.code] = spec

    for info, result in _call_each(reg, "provlint_register_formats"):
        for fmt in result or ():
            name = getattr(fmt, "name", None)
            if not name or not callable(getattr(fmt, "render", None)):
                reg.internal_error(
                    f"plugin {info.name!r}: output format {fmt!r} has no name or render()",
                    plugin=info.name,
                )
                continue
            if name in reg.formats:
                reg.internal_error(
                    f"plugin {info.name!r}: output format {name!r} is already provided",
                    plugin=info.name,
                )
                continue
            reg.formats[name] = fmt

    for _info, result in _call_each(reg, "provlint_config_options"):
        if not isinstance(result, dict):
            continue
        for key, schema in result.items():
            reg.option_schemas[str(key)] = schema
