"""Internal errors of one run, collected as findings.

A plugin that fails to load, a check that raises, returns garbage or runs
past its time limit: each becomes an ``internal-error`` finding (PV001)
naming the plugin and the check, and the run goes on. The
:class:`ErrorCollector` keeps those findings and their tracebacks (shown
with ``--verbose``); the registry, the document phase and the corpus phase
each report into the run's collector.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .limits import cut_message
from .model import Finding, Severity

INTERNAL_ERROR_CODE = "PV001"
INTERNAL_ERROR_NAME = "internal-error"

# Every internal error about a check begins "check 'NAME' (plugin ...)":
# the check's name travels with the finding (from a worker process, or a
# cached result) in its message.
_FAILED_CHECK = re.compile(r"check '([^'\s]+)' \(plugin ")


def failed_check(finding: Finding) -> str | None:
    """The check an internal-error finding says failed, or None (a plugin
    that did not load, a header parser)."""
    if finding.check != INTERNAL_ERROR_NAME:
        return None
    m = _FAILED_CHECK.match(finding.message)
    return m.group(1) if m else None


def failed_checks(findings: Iterable[Finding]) -> set[str]:
    """The checks that failed, as these internal-error findings tell."""
    return {name for f in findings if (name := failed_check(f)) is not None}


class ErrorCollector:
    """The internal-error findings of a run, in the order they happened,
    the tracebacks behind them, and the names of the checks that failed
    (``failed``: a check that raised, timed out, returned garbage or could
    not be created; its results of this run are incomplete)."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.tracebacks: list[str] = []
        self.failed: set[str] = set()

    def report(
        self,
        message: str,
        *,
        path: str = "",
        tb: str | None = None,
        plugin: str = "",
        check: str | None = None,
    ) -> Finding:
        """Record one internal error; ``tb`` is its traceback, if any, and
        ``check`` the name of the check that failed, if one did."""
        data = {"check": check or "", "plugin": plugin}
        f = Finding(
            path=path,
            line=0,
            column=0,
            code=INTERNAL_ERROR_CODE,
            check=INTERNAL_ERROR_NAME,
            severity=Severity.ERROR,
            message=cut_message(message),
            plugin=plugin,
            properties=data,
        )
        self.findings.append(f)
        if tb:
            self.tracebacks.append(tb)
        named = check or failed_check(f)
        if named:
            self.failed.add(named)
        return f

    def mark(self) -> tuple[int, int]:
        """Where the collector stands, for :meth:`take_since`."""
        return len(self.findings), len(self.tracebacks)

    def take_since(self, mark: tuple[int, int]) -> tuple[list[Finding], list[str]]:
        """Remove and return what was reported since ``mark`` (a document's
        errors travel with its result, so a cached result replays them)."""
        nf, nt = mark
        found, tbs = self.findings[nf:], self.tracebacks[nt:]
        del self.findings[nf:]
        del self.tracebacks[nt:]
        return found, tbs

    def extend(self, findings: list[Finding], tracebacks: list[str]) -> None:
        """Add errors reported elsewhere (a worker's, a cached result's)."""
        self.findings.extend(findings)
        self.tracebacks.extend(tracebacks)
        self.failed |= failed_checks(findings)

    def clear(self) -> None:
        self.findings.clear()
        self.tracebacks.clear()
        self.failed.clear()

    def __bool__(self) -> bool:
        return bool(self.findings)
