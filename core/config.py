"""Configuration: ``[tool.provlint]`` in ``pyproject.toml`` or a standalone
``provlint.toml``, found by walking up from the corpus folder.

The file is data only (TOML); nothing from the checked folder is ever
imported or run.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DOCUMENTS = ("**/*.txt", "**/*.md")
# Files that are about a folder, not documents in it.
DEFAULT_EXCLUDE = (
    "INDEX.md",
    "README.md",
    "README.txt",
    "CHANGELOG.md",
    "CHANGES.md",
    "CONTRIBUTING.md",
    "CODE_OF_CONDUCT.md",
    "SECURITY.md",
    "LICENSE.md",
    "LICENSE.txt",
    "requirements*.txt",
    ".*.provlint-tmp-*",  # provlint's own atomic-write temporary files
)


class ConfigError(Exception):
    """A usage or configuration error: the CLI exits 2 with this message."""


@dataclass
class Config:
    """The effective configuration of a run. Library users build one
    directly; the CLI builds it from the file and the flags."""

    documents: tuple[str, ...] = DEFAULT_DOCUMENTS
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    plugins: tuple[str, ...] = ()
    """Plugins the configuration selects. Each names an installed plugin (an
    entry point of the ``provlint`` group, or its distribution); where the
    configuration is ``trusted``, a name that is neither is imported as a
    module."""
    plugin_modules: tuple[str, ...] = ()
    """Modules the person running provlint named (``-p MODULE``): always
    imported."""
    trusted: bool = True
    """False for a configuration file found in or above the checked folder:
    such a file may only select installed plugins, never name a module to
    import. A configuration built in code, or passed with ``--config FILE``,
    is trusted."""
    blocked_plugins: tuple[str, ...] = ()
    load_entrypoints: bool = True
    check_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    required_plugins: tuple[str, ...] = ()
    max_document_bytes: int = 16 * 1024 * 1024
    respect_gitignore: bool = True
    """Leave out what the ``.gitignore`` files inside the corpus folder
    ignore when documents are discovered (see :mod:`provlint.gitignore`)."""
    check_timeout: float = 10.0
    jobs: int = 0
    """Worker processes for the document phase; 0 means one per CPU."""
    cache: bool = False
    """Keep per-document results between runs (the CLI turns this on unless
    ``--no-cache``)."""
    cache_dir: Path | None = None
    """Where the cache lives; default ``.provlint_cache`` beside INDEX.md."""
    extra: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    from_file: frozenset[str] = frozenset()
    """The keys the configuration file set (the rest are defaults)."""

    def with_overrides(self, **changes: Any) -> Config:
        data = dict(self.__dict__)
        for key, value in changes.items():
            if value is None:
                continue
            data[key] = value
        return Config(**data)


_LIST_KEYS = {
    "documents": "documents",
    "exclude": "exclude",
    "select": "select",
    "ignore": "ignore",
    "extend-select": "extend_select",
    "plugins": "plugins",
    "required-plugins": "required_plugins",
}
_TABLE_KEYS = {
    "check",
    "per-file-ignores",
    "max-document-bytes",
    "check-timeout",
    "respect-gitignore",
}


MAX_FOLDER_TIMEOUT = 600.0
"""The longest ``check-timeout`` a configuration found with the checked
folder may set (it may not set 0, which turns the limit off)."""

MAX_FOLDER_GLOBS = 256
"""The most glob patterns a configuration found with the checked folder may
list, in ``documents``, ``exclude`` and ``per-file-ignores`` together: each
file is matched against each pattern, so patterns times files is the work."""

MAX_FOLDER_DOCUMENT_BYTES = 1 << 30
"""The largest ``max-document-bytes`` a configuration found with the checked
folder may set (1 GiB): a document is held in memory whole up to it."""

CONFIG_BYTES = 16 * 1024 * 1024
"""A configuration file larger than this is refused, not read."""


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    from .reading import read_regular

    try:
        raw = read_regular(path, CONFIG_BYTES)
        if len(raw) > CONFIG_BYTES:
            raise ConfigError(f"{path}: larger than {CONFIG_BYTES // (1 << 20)} MiB; not read")
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    except RecursionError:
        # The parser recurses once per nested array or table.
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
    if _depth(data) > MAX_DEPTH:
        # Whatever reads the values later (schemas, digests) recurses too.
        raise ConfigError(f"{path}: values nested more than {MAX_DEPTH} levels deep")
    return data


MAX_DEPTH = 64
"""Deepest nesting of arrays and tables a configuration file may have."""


def _depth(value: Any) -> int:
    """How deeply ``value``'s lists and dicts nest, without recursion."""
    deepest = 0
    if not isinstance(value, (dict, list)):
        return 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, (dict, list)):
                if level + 1 > MAX_DEPTH:
                    return level + 1
                stack.append((child, level + 1))
        deepest = max(deepest, level)
    return deepest


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """Walk up from ``start``; the first ``provlint.toml``, or
    ``pyproject.toml`` with a ``[tool.provlint]`` table, wins."""
    here = start.resolve()
    for folder in (here, *here.parents):
        standalone = folder / "provlint.toml"
        if standalone.is_file():
            return standalone, _read_toml(standalone)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            data = _read_toml(pyproject)
            tool = data.get("tool", {})
            if isinstance(tool, dict) and "provlint" in tool:
                section = tool["provlint"]
                if not isinstance(section, dict):
                    raise ConfigError(f"{pyproject}: [tool.provlint] must be a table")
                return pyproject, section
    return None


def _string_list(source: Path, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: '{key}' must be a list of strings, found {value!r}")
    return tuple(value)


def config_from_mapping(data: Mapping[str, Any], source: Path, *, trusted: bool = True) -> Config:
    kwargs: dict[str, Any] = {"source": source, "from_file": frozenset(data), "trusted": trusted}
    for key, value in data.items():
        if key in _LIST_KEYS:
            kwargs[_LIST_KEYS[key]] = _string_list(source, key, value)
        elif key == "max-document-bytes":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1024:
                raise ConfigError(f"{source}: 'max-document-bytes' must be an integer >= 1024")
            if not trusted and value > MAX_FOLDER_DOCUMENT_BYTES:
                raise ConfigError(
                    f"{source}: 'max-document-bytes' must be at most {MAX_FOLDER_DOCUMENT_BYTES} "
                    "(1 GiB) in a configuration found with the checked folder (to lift the "
                    "limit, pass --config FILE)"
                )
            kwargs["max_document_bytes"] = value
        elif key == "respect-gitignore":
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: 'respect-gitignore' must be true or false")
            kwargs["respect_gitignore"] = value
        elif key == "check-timeout":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{source}: 'check-timeout' must be a number of seconds >= 0")
            if not trusted and not 0 < value <= MAX_FOLDER_TIMEOUT:
                # The time limit guards against hostile input: a file that
                # comes with the checked folder may not lift it.
                raise ConfigError(
                    f"{source}: 'check-timeout' must be more than 0 and at most "
                    f"{MAX_FOLDER_TIMEOUT:g} seconds in a configuration found with the checked "
                    "folder (to lift the limit, pass --config FILE)"
                )
            kwargs["check_timeout"] = float(value)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(
                    f"{source}: 'per-file-ignores' must be a table of glob = [checks], "
                    'e.g. "archive/**" = ["missing-source"]'
                )
            kwargs["per_file_ignores"] = {
                str(k): _string_list(source, f"per-file-ignores.{k}", v) for k, v in value.items()
            }
        elif key == "check":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(
                    f"{source}: 'check' must be a table of tables, e.g. [tool.provlint.check.NAME]"
                )
            kwargs["check_options"] = {str(k): dict(v) for k, v in value.items()}
        else:
            # Perhaps a key a plugin contributes: checked once plugins are loaded.
            kwargs.setdefault("extra", {})[key] = value
    if not trusted:
        _limit_globs(source, data, kwargs)
    return Config(**kwargs)


def _limit_globs(source: Path, data: Mapping[str, Any], kwargs: Mapping[str, Any]) -> None:
    """Refuse a configuration found with the checked folder that lists more
    than :data:`MAX_FOLDER_GLOBS` glob patterns: the key that goes over the
    limit is named."""
    counts = {
        "documents": len(kwargs.get("documents", ())),
        "exclude": len(kwargs.get("exclude", ())),
        "per-file-ignores": len(kwargs.get("per_file_ignores", {})),
    }
    total = 0
    for key in (k for k in data if k in counts):
        total += counts[key]
        if total > MAX_FOLDER_GLOBS:
            listed = ", ".join(f"{k} {n}" for k, n in counts.items() if n)
            raise ConfigError(
                f"{source}: '{key}': a configuration found with the checked folder may list at "
                f"most {MAX_FOLDER_GLOBS} glob patterns in documents, exclude and "
                f"per-file-ignores together; this one lists {sum(counts.values())} ({listed}); "
                "to lift the limit, pass --config FILE"
            )


CORE_KEYS = (*_LIST_KEYS, *_TABLE_KEYS)


def validate_plugin_config(
    config: Config,
    option_schemas: Mapping[str, Mapping[str, Any]],
    check_options: Mapping[str, Mapping[str, Any]],
) -> None:
    """Check the keys plugins contribute and every per-check option table
    against their JSON Schemas. Raises :class:`ConfigError` naming the key."""
    where = f"{config.source}: " if config.source else ""
    for key, value in config.extra.items():
        schema = option_schemas.get(key)
        if schema is None:
            known = ", ".join(sorted([*CORE_KEYS, *option_schemas]))
            raise ConfigError(f"{where}unknown configuration key '{key}' (known keys: {known})")
        _validate(where, key, value, schema)
    for name, opts in config.check_options.items():
        props = check_options.get(name)
        if props is None:
            raise ConfigError(f"{where}[check.{name}]: no check is named '{name}'")
        for key, value in opts.items():
            if key == "severity":
                if value not in ("error", "warning", "info"):
                    raise ConfigError(
                        f"{where}check.{name}.severity: expected error, warning or info, "
                        f"found {value!r}"
                    )
                continue
            if key not in props:
                known = ", ".join(sorted(["severity", *props])) or "severity"
                raise ConfigError(f"{where}check.{name}: unknown option '{key}' (options: {known})")
            _validate(where, f"check.{name}.{key}", value, props[key])


def config_schema(
    option_schemas: Mapping[str, Mapping[str, Any]],
    check_options: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """The whole configuration's JSON Schema: the core keys
    (schemas/config.schema.json), the keys plugins contribute, and a
    ``check.NAME`` table per check with ``severity`` and its options."""
    from .schema import load_schema

    schema = load_schema("config")
    props = schema["properties"]
    for key, sub_schema in sorted(option_schemas.items()):
        props[key] = dict(sub_schema)
    props["check"] = {
        "description": props["check"].get("description", ""),
        "type": "object",
        "properties": {
            name: {
                "type": "object",
                "properties": {
                    "severity": {"enum": ["error", "warning", "info"]},
                    **{k: dict(v) for k, v in sorted(opts.items())},
                },
                "additionalProperties": False,
            }
            for name, opts in sorted(check_options.items())
        },
        "additionalProperties": False,
    }
    return schema


_ANNOTATIONS = frozenset({"description", "title", "default", "examples", "$comment"})
_BOUNDS: dict[str, Callable[[Any, Any], bool]] = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}
_PLAIN_TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "number": (int, float),
    "string": (str,),
    "boolean": (bool,),
}


def _plainly_valid(value: Any, schema: Mapping[str, Any]) -> bool:
    """True when ``value`` certainly satisfies ``schema``, told without
    jsonschema (slow to import) for the simple schemas check options use,
    such as ``{"type": "integer", "minimum": 0}``. False means "ask
    jsonschema", not "invalid": any other keyword, or a value of a type
    not exactly listed (``True`` for an integer, ``1.0``), goes to it."""
    kind = schema.get("type")
    if not isinstance(kind, str) or kind not in _PLAIN_TYPES:
        return False
    if type(value) not in _PLAIN_TYPES[kind]:
        return False
    for keyword, bound in schema.items():
        if keyword == "type" or keyword in _ANNOTATIONS:
            continue
        test = _BOUNDS.get(keyword)
        if test is None or kind not in ("integer", "number") or type(bound) not in (int, float):
            return False
        if not test(value, bound):
            return False
    return True


def _validate(where: str, key: str, value: Any, schema: Mapping[str, Any]) -> None:
    if _plainly_valid(value, schema):
        return
    import jsonschema

    error = jsonschema.exceptions.best_match(
        jsonschema.validators.validator_for(schema)(schema).iter_errors(value)
    )
    if error is not None:
        raise ConfigError(f"{where}'{key}': {error.message}")


def load_config(start: Path) -> Config:
    """The configuration found by walking up from ``start`` (the checked
    folder), or the defaults. It is not trusted: see :attr:`Config.trusted`."""
    found = find_config_file(start)
    if found is None:
        return Config()
    path, data = found
    if path.name == "provlint.toml":
        data = _standalone(data)
    return config_from_mapping(data, path, trusted=False)


def load_config_file(path: Path) -> Config:
    """The configuration in ``path``, a file the person running provlint
    named (``--config FILE``): trusted, so its ``plugins`` may name modules.
    A ``pyproject.toml`` is read from its ``[tool.provlint]`` table; any
    other file may use that table or top-level keys."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        section = tool.get("provlint") if isinstance(tool, dict) else None
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: no [tool.provlint] table")
        data = section
    else:
        data = _standalone(data)
    return config_from_mapping(data, path.resolve(), trusted=True)


def _standalone(data: dict[str, Any]) -> dict[str, Any]:
    """A standalone file may use a [tool.provlint] table or top-level keys."""
    tool = data.get("tool")
    if isinstance(tool, dict) and isinstance(tool.get("provlint"), dict) and len(data) == 1:
        section: dict[str, Any] = tool["provlint"]
        return section
    return data


def matches_selector(code: str, name: str, selectors: Iterable[str]) -> bool:
    """True when a check (code, name) is named by any selector: ``ALL``, an
    exact name, an exact code, or a code prefix such as ``PV1``."""
    for sel in selectors:
        s = sel.strip()
        if not s:
            continue
        if s.upper() == "ALL" or s == name or code.startswith(s.upper()):
            return True
    return False
