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

from ._lazy import lazy_compile
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
    from .config import Config, ConfigError
    from .report import Report
    from .runner import run, run_many

_LAZY = {
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

    return getattr(importlib.import_module(f".{module}", __name__), name)
