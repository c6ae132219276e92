"""provlint: a metadata and provenance validator for folders of collected
documents.

Library use::

    import provlint

    report = provlint.run("path/to/corpus")
    for finding in report.findings:
        print(finding.path, finding.line, finding.code, finding.message)

The library never prints and never exits; only the ``provlint`` command does.
Plugin authors import :data:`hookimpl` and the check base classes from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Catalogue",
    "CatalogueCheck",
    "Check",
    "Config",
    "ConfigError",
    "Corpus",
    "CorpusCheck",
    "Declared",
    "Document",
    "DocumentCheck",
    "Emit",
    "Finding",
    "Header",
    "IndexRow",
    "KeyedCheck",
    "Location",
    "Report",
    "Severity",
    "Totals",
    "__version__",
    "hookimpl",
    "lazy_compile",
    "run",
    "run_many",
]

if TYPE_CHECKING:
    from ._lazy import lazy_compile
    from .config import Config, ConfigError
    from .hookspecs import hookimpl
    from .keyed import Emit, KeyedCheck, Totals
    from .model import (
        Catalogue,
        CatalogueCheck,
        Check,
        Corpus,
        CorpusCheck,
        Declared,
        Document,
        DocumentCheck,
        Finding,
        Header,
        IndexRow,
        Location,
        Severity,
    )
    from .report import Report
    from .runner import run, run_many

# Every public name is imported on first use: ``import provlint`` (which
# also happens for ``import provlint.testing``, the pytest plugin, in every
# pytest session) stays cheap, and a submodule is loaded only when a name
# from it is asked for.
_LAZY = {
    "lazy_compile": "_lazy",
    "hookimpl": "hookspecs",
    "Emit": "keyed",
    "KeyedCheck": "keyed",
    "Totals": "keyed",
    **dict.fromkeys(
        (
            "Catalogue",
            "CatalogueCheck",
            "Check",
            "Corpus",
            "CorpusCheck",
            "Declared",
            "Document",
            "DocumentCheck",
            "Finding",
            "Header",
            "IndexRow",
            "Location",
            "Severity",
        ),
        "model",
    ),
    "run": "runner",
    "run_many": "runner",
    "Report": "report",
    "Config": "config",
    "ConfigError": "config",
}


def __dir__() -> list[str]:
    return sorted(__all__)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'provlint' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value
