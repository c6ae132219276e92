"""Which checks run, with which options: the plugin registry of one run,
the checks the configuration selects, their instances and severities.

:func:`select_checks` is what every engine builds first (each worker of
another engine builds its own): a fresh plugin manager, the configuration
checked against what the plugins contribute, every selected check
instantiated with its options.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from . import codec
from .config import Config, ConfigError, _inactive, matches_selector, validate_plugin_config
from .errors import ErrorCollector
from .guard import check_label
from .keyed import KeyedCheck
from .model import CatalogueCheck, Check, CorpusCheck, DocumentCheck, Severity
from .registry import CheckSpec, InternalError, Registry, build_registry
from .suppress import UnusedSuppression

__all__ = ["Selection", "select_checks"]


@dataclass
class Selection:
    """The checks of one run, by the phase they take part in. A check may be
    in several lists (a document check that is also keyed)."""

    registry: Registry
    specs: tuple[CheckSpec, ...]
    """Every selected check, sorted by code (internal-error included)."""
    documents: list[tuple[CheckSpec, DocumentCheck]] = field(default_factory=list)
    keyed: list[tuple[CheckSpec, KeyedCheck]] = field(default_factory=list)
    catalogue: list[tuple[CheckSpec, CatalogueCheck]] = field(default_factory=list)
    legacy: list[tuple[CheckSpec, CorpusCheck]] = field(default_factory=list)
    """Corpus checks with ``check_corpus``: they need every light document."""
    severity: dict[str, Severity] = field(default_factory=dict)
    """Severity overrides from the configuration, by check name."""

    @property
    def errors(self) -> ErrorCollector:
        return self.registry.errors

    def instances(self) -> list[tuple[CheckSpec, Check]]:
        """Every instantiated check once, in code order."""
        seen: dict[str, tuple[CheckSpec, Check]] = {}
        for group in (self.documents, self.keyed, self.catalogue, self.legacy):
            for spec, check in group:
                seen.setdefault(spec.name, (spec, check))
        return sorted(seen.values(), key=lambda sc: sc[0].code)


def plugin_sources(cfg: Config) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the configuration's ``plugins`` load: (installed plugins it
    selects by entry-point or distribution name, modules to import).

    Only a trusted configuration (built in code, or ``--config FILE``) may
    name a module to import. A file found in or above the checked folder
    comes with the folder, so it may only select what is already installed;
    anything else is a configuration error, and nothing is imported.
    """
    if not cfg.plugins:
        return (), cfg.plugin_modules
    from .registry import ENTRY_POINT_GROUP, installed_plugins

    installed = installed_plugins()
    selected: list[str] = []
    modules = list(cfg.plugin_modules)
    for name in cfg.plugins:
        if name in installed:
            selected.append(name)
        elif name in cfg.plugin_modules:
            continue  # the person running provlint named it too (-p)
        elif cfg.trusted:
            modules.append(name)
        else:
            where = f"{cfg.source}: " if cfg.source else ""
            known = ", ".join(sorted(installed)) or "none"
            raise ConfigError(
                f"{where}plugins: {name!r} is not an installed provlint plugin. A configuration "
                f"file found with the checked folder may only select plugins registered in the "
                f"{ENTRY_POINT_GROUP!r} entry-point group (installed: {known}); to load a module "
                f"by name, pass -p {name} or --config FILE"
            )
    return tuple(selected), tuple(modules)


def selected(spec: CheckSpec, config: Config) -> bool:
    """Whether the configuration's select/extend-select/ignore run ``spec``."""
    if spec.cls is InternalError:
        return True
    code, name = spec.code, spec.name
    if config.select and not matches_selector(code, name, config.select):
        if not matches_selector(code, name, config.extend_select):
            return False
    return not matches_selector(code, name, config.ignore)


def _check_selectors(config: Config, registry: Registry) -> None:
    """A selector that names no loaded check is a usage error (a typo would
    otherwise silently select or ignore nothing), or a warning while a
    plugin is blocked (the selector may name one of its checks) as long as
    'select' still selects something."""
    specs = list(registry.checks.values())
    pairs = [
        ("select", config.select),
        ("extend-select", config.extend_select),
        ("ignore", config.ignore),
    ]
    pairs += [(f"per-file-ignores.{g}", s) for g, s in config.per_file_ignores.items()]
    def matches(sel: str) -> bool:
        return any(matches_selector(s.code, s.name, [sel]) for s in specs)

    # While a plugin is blocked, a selector may name one of its checks: a
    # warning, unless 'select' would then select nothing at all.
    selects = any(matches(sel) for sel in config.select if sel.strip())
    for key, selectors in pairs:
        for sel in selectors:
            if sel.strip() and not matches(sel):
                if registry.blocked and (key != "select" or selects):
                    registry.warn(
                        f"{key}: {sel!r} matches no loaded check; "
                        f"{_inactive(registry.blocked)}"
                    )
                    continue
                known = ", ".join(sorted(s.name for s in specs))
                raise ConfigError(
                    f"{key}: {sel!r} matches no check (a code such as PV107, a prefix such as "
                    f"PV1, a name, or ALL; checks: {known})"
                )


def _check_required(config: Config, registry: Registry) -> None:
    """Every plugin the configuration requires must be loaded."""
    names = {p.name for p in registry.plugins} | {p.dist for p in registry.plugins if p.dist}
    missing = [r for r in config.required_plugins if r not in names]
    blocked = [r for r in missing if r in registry.blocked_names]
    if blocked:
        raise ConfigError(
            f"required plugin{'s' if len(blocked) > 1 else ''} {', '.join(blocked)} "
            f"{'are' if len(blocked) > 1 else 'is'} blocked (-p no:NAME); unblock "
            f"{'them' if len(blocked) > 1 else 'it'}, or remove "
            f"{'them' if len(blocked) > 1 else 'it'} from 'required-plugins'"
        )
    if missing:
        raise ConfigError(
            f"required plugin{'s' if len(missing) > 1 else ''} not loaded: {', '.join(missing)} "
            f"(loaded: {', '.join(sorted(n for n in names if n))}); install it, or remove it "
            "from 'required-plugins'"
        )


def select_checks(cfg: Config, plugins: Iterable[Any] = ()) -> Selection:
    """A fresh plugin manager and registry, the configuration validated
    against it, and every selected check instantiated.

    :param plugins: extra plugin objects to register (modules or instances).
    :raises ConfigError: for an invalid configuration, a selector that
        matches no check, a required plugin that is missing, or options a
        check rejects.
    """
    wanted, modules = plugin_sources(cfg)
    registry = build_registry(
        modules, cfg.blocked_plugins, cfg.load_entrypoints, tuple(plugins), wanted
    )
    validate_plugin_config(
        cfg,
        registry.option_schemas,
        {name: dict(spec.cls.options) for name, spec in registry.checks.items()},
        blocked=registry.blocked,
        warn=registry.warn,
    )
    _check_selectors(cfg, registry)
    _check_required(cfg, registry)
    specs = tuple(
        sorted((s for s in registry.checks.values() if selected(s, cfg)), key=lambda s: s.code)
    )
    sel = Selection(registry, specs)
    for spec in specs:
        if spec.cls is InternalError or spec.cls is UnusedSuppression:
            continue
        opts = dict(cfg.check_options.get(spec.name, {}))
        sev = opts.pop("severity", None)
        if sev is not None:
            try:
                sel.severity[spec.name] = Severity(sev)
            except ValueError as exc:
                raise ConfigError(
                    f"check {spec.name}: severity must be error, warning or info, found {sev!r}"
                ) from exc
        try:
            instance = spec.cls(opts, plugin=spec.plugin.identity)
        except (ValueError, TypeError) as exc:
            # The options are wrong, not the plugin: a configuration error.
            raise ConfigError(f"check {spec.name}: {exc}") from exc
        except Exception as exc:
            registry.errors.report(
                f"{check_label(spec)} could not be created: {type(exc).__name__}: {exc}",
                tb=traceback.format_exc(),
                plugin=spec.plugin.identity,
                check=spec.name,
            )
            continue
        if isinstance(instance, DocumentCheck):
            sel.documents.append((spec, instance))
        if isinstance(instance, KeyedCheck):
            sel.keyed.append((spec, instance))
            codec.allow(instance.records)  # what the store and workers may rebuild
        if isinstance(instance, CatalogueCheck):
            sel.catalogue.append((spec, instance))
        if isinstance(instance, CorpusCheck):
            sel.legacy.append((spec, instance))
    return sel
