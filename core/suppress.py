"""Inline suppressions in a document's header, and baselines.

A header may carry::

    provlint:
      ignore:
        date-inconsistent: "the forum shows the poster's join date"

Each key is a check name or code; the value, the reason, is required. A
suppressed finding leaves the findings but stays in the report (SARIF shows
it as suppressed, with the reason). A suppression that suppresses nothing is
itself reported as ``unused-suppression``.

A baseline is a JSON file of accepted findings, keyed by their corpus and a
fingerprint that never uses line numbers, so it survives edits elsewhere in
a file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .model import Check, Document, Finding, Location, Severity, bounded_data

_POSITIONS = re.compile(r"(?:\blines? \d+|:\d+(?::\d+)?\b|\bcolumn \d+)")


class UnusedSuppression(Check):
    """An inline suppression in a header that suppresses nothing, or has no reason.

    **What it does.** Reads `provlint: {ignore: {CHECK: "reason"}}` in a
    document's YAML header. Findings of that check on the document (or on
    its INDEX.md row) are suppressed; a suppression that matched no finding,
    names no known check, or gives no reason is reported here.

    **Why it matters.** Stale suppressions hide the next real problem, and a
    suppression without a reason cannot be reviewed.

    **Example.** `seeds/a.md:6:5: PV002 unused-suppression: 'date-inconsistent'
    is suppressed here but the check found nothing to suppress; remove it`

    **Options.** None.
    """

    code = "PV002"
    name = "unused-suppression"
    severity = Severity.WARNING
    scope = "corpus"


@dataclass(frozen=True)
class Suppression:
    doc_path: str
    doc_id: str | None
    key: str
    reason: str
    location: Location


def header_suppressions(doc: Document) -> tuple[list[Suppression], list[Finding]]:
    """The suppressions a document's header declares, and findings for the
    malformed ones."""
    header = doc.header
    if header is None or "provlint" not in header.fields:
        return [], []
    out: list[Suppression] = []
    bad: list[Finding] = []
    block = header.fields["provlint"]
    ignore = block.get("ignore") if isinstance(block, dict) else None
    if not isinstance(ignore, dict):
        line, col = header.position("provlint")
        bad.append(_finding(doc, line, col, "expected 'provlint: {ignore: {CHECK: \"reason\"}}'"))
        return [], bad
    for key, reason in ignore.items():
        line, col = header.position("provlint", "ignore", key)
        if not isinstance(reason, str) or not reason.strip():
            bad.append(
                _finding(
                    doc,
                    line,
                    col,
                    f"the suppression of {key!r} gives no reason; a reason is required",
                    {"problem": "no-reason", "suppressed": str(key)},
                )
            )
            continue
        out.append(
            Suppression(
                doc.path,
                doc.doc_id,
                str(key),
                reason.strip(),
                Location(doc.path, line, col, "suppression"),
            )
        )
    return out, bad


def _finding(
    doc: Document, line: int, col: int, message: str, data: dict[str, str] | None = None
) -> Finding:
    return Finding(
        path=doc.path,
        line=line,
        column=col,
        code=UnusedSuppression.code,
        check=UnusedSuppression.name,
        severity=UnusedSuppression.severity,
        message=message,
        doc_id=doc.doc_id,
        plugin="core",
        properties=bounded_data(data or {"problem": "malformed"}),
    )


def apply_suppressions(
    findings: Sequence[Finding],
    suppressions: Iterable[Suppression],
    known: dict[str, str],
    index_path: str,
    ran: frozenset[str] | None = None,
) -> tuple[list[Finding], list[tuple[Finding, str]], list[Finding]]:
    """Split findings into kept and suppressed (with the reason); report
    unused suppressions. ``known`` maps codes and names to check names;
    a suppression of a check that did not run (``ran``) is not unused."""
    kept: list[Finding] = []
    suppressed: list[tuple[Finding, str]] = []
    used: set[Suppression] = set()
    sups = list(suppressions)
    # (check name, document path) and (check name, document id) -> the
    # first suppression there: each finding is matched in constant time.
    by_path: dict[tuple[str, str], Suppression] = {}
    by_id: dict[tuple[str, str], Suppression] = {}
    for s in sups:
        name = known.get(s.key) or known.get(s.key.upper())
        if name is None or name == "internal-error":
            continue
        by_path.setdefault((name, s.doc_path), s)
        if s.doc_id is not None:
            by_id.setdefault((name, s.doc_id), s)
    for f in findings:
        match = by_path.get((f.check, f.path))
        if match is None and f.path == index_path and f.doc_id is not None:
            match = by_id.get((f.check, f.doc_id))
        if match is None:
            kept.append(f)
        else:
            used.add(match)
            suppressed.append((f, match.reason))
    unused = []
    for s in sups:
        name = known.get(s.key) or known.get(s.key.upper())
        if s in used or (name is not None and ran is not None and name not in ran):
            continue
        what = (
            "names no known check"
            if s.key not in known and s.key.upper() not in known
            else "is suppressed here but the check found nothing to suppress"
        )
        unused.append(
            Finding(
                path=s.doc_path,
                line=s.location.line,
                column=s.location.column,
                code=UnusedSuppression.code,
                check=UnusedSuppression.name,
                severity=UnusedSuppression.severity,
                message=f"{s.key!r} {what}; remove the suppression",
                doc_id=s.doc_id,
                plugin="core",
                properties=bounded_data(
                    {
                        "problem": "unknown-check" if name is None else "unused",
                        "suppressed": s.key,
                        "reason": s.reason,
                    }
                ),
            )
        )
    return kept, suppressed, unused


# --------------------------------------------------------------------------
# Baselines
# --------------------------------------------------------------------------


def fingerprint(f: Finding) -> str:
    """Check name, document id (or path) and the message without line or
    column numbers: stable when edits elsewhere move the finding."""
    evidence = _POSITIONS.sub("", f.message)
    key = f"{f.check}\0{f.doc_id or f.path}\0{evidence}"
    # surrogatepass: a lone surrogate (an undecodable byte in a file name)
    # hashes instead of raising; valid text encodes exactly as before.
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


BaselineKey = tuple[str | None, str]
"""A baseline entry's key: (corpus, fingerprint). The corpus is the corpus
folder relative to the baseline's folder, None for an entry written before
entries recorded it (such an entry matches a finding of any corpus)."""


def entry_key(entry: Mapping[str, Any]) -> BaselineKey:
    """The (corpus, fingerprint) key of a baseline entry."""
    corpus = entry.get("corpus")
    if corpus is not None and not isinstance(corpus, str):
        # Not a folder name: a key no corpus matches, kept apart from the rest.
        corpus = "\0" + json.dumps(corpus, sort_keys=True, default=str)
    return (corpus, str(entry.get("fingerprint")))


def read_baseline(path: Path) -> dict[BaselineKey, dict[str, Any]]:
    """The entries of the baseline at ``path`` by (corpus, fingerprint), in
    file order ({} when there is no file yet). The same finding in two
    corpora is two entries."""
    from .config import ConfigError
    from .reading import read_regular

    try:
        data = json.loads(read_regular(path).decode("utf-8"))
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from exc
    except (ValueError, RecursionError) as exc:
        raise ConfigError(f"{path}: cannot read the baseline: {exc}") from exc
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f'{path}: a baseline is {{"findings": [...]}}')
    return {entry_key(e): e for e in entries if isinstance(e, dict)}


def baseline_match(
    entries: Mapping[BaselineKey, Any], corpus: str, fp: str
) -> BaselineKey | None:
    """The key of the entry that accepts a finding with fingerprint ``fp``
    in ``corpus``: the corpus's own entry, else one that names no corpus."""
    for key in ((corpus, fp), (None, fp)):
        if key in entries:
            return key
    return None


class _Scope(Protocol):
    def covers(self, path: str, doc_id: str | None) -> bool: ...


def entry_covered(entry: Mapping[str, Any], corpus: str, scope: _Scope | None) -> bool:
    """Whether a run over ``corpus`` (as baseline entries name it) with
    ``scope`` (None: the whole corpus) could have reported the finding a
    baseline entry records. Only such entries can be stale, and only they
    are rewritten by ``--update-baseline``; an entry of another corpus, or
    of a file outside a restricted run, is kept as it is."""
    named = entry.get("corpus")
    if named is not None and named != corpus:
        return False
    if scope is None:
        return True
    doc = entry.get("doc")
    doc = doc if isinstance(doc, str) else None
    path = entry.get("path")
    if isinstance(path, str) and scope.covers(path, doc):
        return True
    # Entries written before paths were recorded name the id, or the path.
    return doc is not None and scope.covers(doc, doc)


def baseline_entries(
    findings: Iterable[Finding],
    previous: Mapping[BaselineKey, dict[str, Any]],
    corpus: str | None = None,
) -> list[dict[str, Any]]:
    """Sorted, timestamp-free entries for the findings (reasons kept: from
    the corpus's previous entry, or one that named no corpus). ``corpus`` is
    the corpus folder relative to the baseline's folder."""
    out: dict[str, dict[str, Any]] = {}
    for f in findings:
        if f.check == "internal-error":
            continue
        fp = fingerprint(f)
        entry: dict[str, Any] = {
            "check": f.check,
            "doc": f.doc_id or f.path,
            "fingerprint": fp,
            "message": _POSITIONS.sub("", f.message),
            "path": f.path,
        }
        if corpus is not None:
            entry["corpus"] = corpus
        before = previous.get((corpus, fp)) or previous.get((None, fp)) or {}
        reason = before.get("reason")
        if reason:
            entry["reason"] = reason
        out[fp] = entry
    return sort_entries(out.values())


def sort_entries(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries in the baseline's order: by document, check, fingerprint,
    corpus."""
    return sorted(
        entries,
        key=lambda e: (
            str(e.get("doc")),
            str(e.get("check")),
            str(e.get("fingerprint")),
            str(e.get("corpus") or ""),
        ),
    )


def write_baseline(path: Path, entries: list[dict[str, Any]]) -> None:
    from .writer import atomic_write

    text = json.dumps({"version": 1, "findings": entries}, indent=2, sort_keys=True) + "\n"
    atomic_write(path, text.encode("utf-8"))
