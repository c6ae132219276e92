"""The report of one run, and the last step of a run: suppressions,
per-file ignores, the scope of a restricted run, and the order findings
are shown in.

:class:`Report` lives here, apart from the runner, so that output formats
(and the hook specifications that name them) can use it without importing
the engine.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Finding, Severity

if TYPE_CHECKING:
    from .config import Config
    from .globs import PathMatcher
    from .registry import CheckSpec, Registry
    from .suppress import Suppression

__all__ = ["Report", "Scope", "finish"]

INTERNAL_ERROR = "PV001"


@dataclass
class Report:
    """The result of one run over one corpus.

    ``findings`` are sorted by (path, line, column, code). Paths are relative
    to ``root`` with POSIX separators. ``stats`` holds counts; ``tracebacks``
    the tracebacks behind internal errors (the CLI shows them with
    ``--verbose``).
    """

    root: Path
    findings: tuple[Finding, ...]
    stats: dict[str, Any] = field(default_factory=dict)
    checks: tuple[CheckSpec, ...] = ()
    tracebacks: tuple[str, ...] = ()
    registry: Registry | None = field(default=None, repr=False)
    suppressed: tuple[tuple[Finding, str], ...] = ()
    """Findings suppressed inline in a header, with the reason given."""
    scope: Scope | None = None
    """What the run covered when it was restricted to some files (None: the
    whole corpus). Findings outside it were not reported."""
    failed_checks: frozenset[str] = frozenset()
    """The checks that failed in this run (an internal error: raised, ran
    past the time limit, returned garbage, or could not be created): what
    they found is incomplete, so a baseline keeps their entries as they
    are."""
    config: Config | None = field(default=None, repr=False, compare=False)
    """The effective configuration of the run (the ``html`` format shows it)."""
    _prefixes: dict[Path, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def exit_code(self) -> int:
        """0 no error finding, 1 at least one, 3 an internal or plugin error."""
        if any(f.code == INTERNAL_ERROR for f in self.findings):
            return 3
        if any(f.severity is Severity.ERROR for f in self.findings):
            return 1
        return 0

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            out[f.severity.value] += 1
        return out

    def display_path(self, path: str, base: Path | None = None) -> str:
        """``path`` (relative to the root) as a user should see it: relative
        to ``base`` (default: the current directory) when inside it."""
        if not path:
            return path
        base = base or Path.cwd()
        if posixpath.normpath(path) == path and not path.startswith(("/", "..")):
            # The common case, without a relpath per finding: the root's
            # place relative to base is worked out once.
            prefix = self._prefixes.get(base)
            if prefix is None:
                try:
                    prefix = Path(os.path.relpath(self.root, base)).as_posix()
                except ValueError:  # pragma: no cover - other drive on Windows
                    prefix = ""
                self._prefixes[base] = prefix
            if prefix:
                rel = path if prefix == "." else f"{prefix}/{path}"
                if rel.count("../") > 3:
                    return f"{Path(self.root).as_posix()}/{path}"
                return rel
        full = self.root / path
        try:
            rel = os.path.relpath(full, base)
        except ValueError:  # pragma: no cover - other drive on Windows
            return str(full)
        # Far outside the current folder an absolute path reads better.
        if rel.count("../") > 3:
            return str(full)
        return Path(rel).as_posix()


@dataclass(frozen=True)
class Scope:
    """What a run restricted to some files covered: the named files and
    folders (folders end in "/"), and the corpus's document paths by id, so
    that a finding on an INDEX.md row counts for the document it names."""

    only: frozenset[str]
    paths_by_id: dict[str, set[str]] = field(default_factory=dict)

    def named(self, path: str) -> bool:
        """True when ``path`` is a named file, or inside a named folder."""
        only = self.only
        return path in only or any(o.endswith("/") and path.startswith(o) for o in only)

    def covers(self, path: str, doc_id: str | None) -> bool:
        """Whether a finding on ``path`` about document ``doc_id`` is in
        this run's scope (a baseline entry's test)."""
        if path and self.named(path):
            return True
        return any(self.named(p) for p in self.paths_by_id.get(doc_id or "", ()))

    def keeps(self, f: Finding) -> bool:
        """Whether the run reports ``f``: it is about a named file, points
        at one, or has no file at all (a plugin that failed to load)."""
        if not f.path:
            return True
        return self.covers(f.path, f.doc_id) or any(self.named(r.path) for r in f.related)


def _per_file_ignored(f: Finding, rules: list[tuple[PathMatcher, tuple[str, ...]]]) -> bool:
    from .config import matches_selector

    return any(
        matcher(f.path) and matches_selector(f.code, f.check, selectors)
        for matcher, selectors in rules
    )


def finish(
    *,
    root: Path,
    findings: list[Finding],
    errors: Sequence[Finding],
    suppressions: Sequence[Suppression],
    bad_suppressions: Sequence[Finding],
    index_path: str,
    specs: tuple[CheckSpec, ...],
    registry: Registry,
    config: Config,
    scope: Scope | None,
    stats: dict[str, Any],
    tracebacks: Iterable[str],
    failed: Iterable[str] = (),
) -> Report:
    """The run's :class:`Report`: inline suppressions applied (and unused
    ones reported, at most :data:`provlint.limits.FINDINGS_PER_FILE` per
    file), per-file ignores, the scope of a restricted run, and the findings
    sorted by (path, line, column, code) without duplicates. The checks
    that failed are those ``failed`` names (an error collector's
    ``failed``) and those the ``errors`` say failed."""
    from .errors import failed_checks
    from .globs import PathMatcher
    from .limits import FindingCap
    from .suppress import UnusedSuppression, apply_suppressions

    known = {s.code: s.name for s in registry.checks.values()}
    known.update({s.name: s.name for s in registry.checks.values()})
    kept, suppressed, unused = apply_suppressions(
        findings, suppressions, known, index_path, ran=frozenset(s.name for s in specs)
    )
    if any(s.cls is UnusedSuppression for s in specs):
        # A header may hold thousands of suppressions: capped like any check.
        cap = FindingCap()
        for f in (*unused, *bad_suppressions):
            cap.add(f)
        kept += cap.findings()
    if config.per_file_ignores:
        rules = [(PathMatcher([glob], ()), sels) for glob, sels in config.per_file_ignores.items()]
        kept = [f for f in kept if not _per_file_ignored(f, rules)]
    kept += errors
    if scope is not None:
        kept = [f for f in kept if scope.keeps(f)]
        suppressed = [(f, r) for f, r in suppressed if scope.keeps(f)]
    return Report(
        root=root,
        findings=tuple(sorted(set(kept), key=lambda f: f.sort_key)),
        stats=stats,
        checks=specs,
        tracebacks=tuple(tracebacks),
        registry=registry,
        suppressed=tuple(sorted(suppressed, key=lambda fr: fr[0].sort_key)),
        scope=scope,
        failed_checks=frozenset({*failed, *failed_checks(errors)}),
        config=config,
    )
