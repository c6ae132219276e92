"""Internal errors of one run, collected as findings.

A plugin that fails to load, a check that raises, returns garbage or runs
past its time limit: each becomes an ``internal-error`` finding (PV001)
naming the plugin and the check, and the run goes on. The
:class:`ErrorCollector` keeps those findings and their tracebacks (shown
with ``--verbose``); the registry, the document phase and the corpus phase
each report into the run's collector.
"""

from __future__ import annotations

from .model import Finding, Severity

INTERNAL_ERROR_CODE = "PV001"
INTERNAL_ERROR_NAME = "internal-error"


class ErrorCollector:
    """The internal-error findings of a run, in the order they happened,
    and the tracebacks behind them."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.tracebacks: list[str] = []

    def report(
        self, message: str, *, path: str = "", tb: str | None = None, plugin: str = ""
    ) -> Finding:
        """Record one internal error; ``tb`` is its traceback, if any."""
        f = Finding(
            path=path,
            line=0,
            column=0,
            code=INTERNAL_ERROR_CODE,
            check=INTERNAL_ERROR_NAME,
            severity=Severity.ERROR,
            message=message,
            plugin=plugin,
        )
        self.findings.append(f)
        if tb:
            self.tracebacks.append(tb)
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
        self.findings.extend(findings)
        self.tracebacks.extend(tracebacks)

    def clear(self) -> None:
        self.findings.clear()
        self.tracebacks.clear()

    def __bool__(self) -> bool:
        return bool(self.findings)
