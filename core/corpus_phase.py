"""The corpus phase: the checks that need more than one document.

- **Catalogue checks** (:class:`provlint.model.CatalogueCheck`) run once on
  the parsed INDEX.md.
- **Keyed checks** (:class:`provlint.KeyedCheck`): the records every
  document emitted are grouped by key, and each group is judged; a judge
  may emit records for keys of a later stage, judged in turn
  (:func:`run_keyed`).
- **Legacy corpus checks** (``check_corpus``) see every light document at
  once.

Every call into a check goes through :func:`provlint.guard.call_check`
(time limit, contained failures). The findings of each check are sorted
and capped per file (:class:`provlint.limits.FindingCap`) over the whole
phase, so the report does not depend on how the work was divided.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .guard import Budget, call_check
from .keyed import Emit, Key, KeyedCheck, Totals, emitted, stage_of
from .limits import FindingCap
from .model import Catalogue, Corpus, Document, Finding

if TYPE_CHECKING:
    from .errors import ErrorCollector
    from .registry import CheckSpec
    from .selection import Selection

__all__ = ["corpus_phase", "key_text", "run_keyed"]

Source = tuple[int, str]
"""Where a record came from, in the order records reach judge: (0, the
document's path) for a document's records, (1, the emitting key's text)
for a judge's."""


def key_text(key: Key) -> str:
    """A key as text: its stable order, and its name in the index."""
    return json.dumps(key, separators=(",", ":"))


def corpus_phase(
    selection: Selection,
    *,
    root: str,
    catalogue: Catalogue,
    emits: Iterable[tuple[str, str, Key, Any]],
    documents: Iterable[Document],
    totals: Totals,
    budget: Budget,
    seconds: float,
) -> list[Finding]:
    """The corpus-phase findings of one run. ``emits`` are the keyed
    checks' records: (check name, source path, key, record)."""
    errors = selection.errors
    whole = seconds * (30 + totals.documents / 100)  # a corpus-wide call grows with the corpus
    out: list[Finding] = []
    for spec, check in selection.catalogue:
        found = call_check(
            spec,
            "",
            lambda c=check: c.check_catalogue(catalogue),  # type: ignore[misc]
            budget=budget,
            seconds=whole,
            errors=errors,
            severity=selection.severity.get(spec.name),
        )
        out += _capped(found)
    if selection.keyed:
        by_check: dict[str, list[tuple[Source, int, Key, Any]]] = {
            spec.name: [] for spec, _ in selection.keyed
        }
        for name, key, record in catalogue_emits(selection, catalogue, budget, seconds):
            by_check[name].append(((-1, catalogue.path), len(by_check[name]), key, record))
        for seq, (name, path, key, record) in enumerate(emits):
            by_check[name].append(((0, path), seq, key, record))
        for spec, keyed in selection.keyed:
            entries = by_check.pop(spec.name)
            emitters = len({source for source, *_ in entries if source[0] == 0})
            found = run_keyed(
                spec,
                keyed,
                entries,
                totals._replace(emitters=emitters),
                budget=budget,
                seconds=seconds,
                errors=errors,
                severity=selection.severity.get(spec.name),
            )
            out += _capped(found)
    if selection.legacy:
        corpus = Corpus(root=root, catalogue=catalogue, documents=list(documents))
        for spec, legacy in selection.legacy:
            found = call_check(
                spec,
                "",
                lambda c=legacy: c.check_corpus(corpus),  # type: ignore[misc]
                budget=budget,
                seconds=whole,
                errors=errors,
                severity=selection.severity.get(spec.name),
            )
            out += _capped(found)
    return out


def catalogue_emits(
    selection: Selection, catalogue: Catalogue, budget: Budget, seconds: float
) -> list[tuple[str, Key, Any]]:
    """Every keyed check's records from INDEX.md: (check name, key, record)."""
    out: list[tuple[str, Key, Any]] = []
    for spec, keyed in selection.keyed:
        items = call_check(
            spec,
            catalogue.path,
            lambda c=keyed: c.emit_catalogue(catalogue),  # type: ignore[misc]
            budget=budget,
            seconds=seconds * (1 + len(catalogue.rows) / 100) if seconds > 0 else 0,
            errors=selection.errors,
            accept=(tuple,),
        )
        for item in items:
            try:
                key, record = emitted(keyed, item)
            except ValueError as exc:
                selection.errors.report(
                    f"check {spec.name!r} (plugin {spec.plugin.label}) emitted a bad record "
                    f"from {catalogue.path}: {exc}",
                    path=catalogue.path,
                    plugin=spec.plugin.name,
                )
                break
            out.append((spec.name, key, record))
    return out


def _capped(findings: list[Finding]) -> list[Finding]:
    """One check's corpus-phase findings, sorted, at most
    :data:`~provlint.limits.FINDINGS_PER_FILE` per file and check."""
    cap = FindingCap()
    for f in sorted(findings, key=lambda f: f.sort_key):
        cap.add(f)
    return list(cap.findings())


def run_keyed(
    spec: CheckSpec,
    check: KeyedCheck,
    entries: list[tuple[Source, int, Key, Any]],
    totals: Totals,
    *,
    budget: Budget,
    seconds: float,
    errors: ErrorCollector,
    severity: Any = None,
) -> list[Finding]:
    """Group ``entries`` (source, sequence number, key, record) by key, in
    memory, and judge every group, stage by stage."""
    stages: list[dict[str, tuple[Key, list[tuple[Source, int, Any]]]]] = [
        {} for _ in check.stages
    ]
    for source, seq, key, record in entries:
        text = key_text(key)
        group = stages[stage_of(check, key)].setdefault(text, (key, []))
        group[1].append((source, seq, record))
    entries.clear()
    found: list[Finding] = []
    for i, stage in enumerate(check.stages):
        groups = stages[i]
        lonely = stage in check.lonely
        for text in sorted(groups):
            key, members = groups.pop(text)
            if lonely and len(members) < 2:
                continue
            members.sort(key=lambda m: (m[0], m[1]))
            records = [m[2] for m in members]
            for item in judge(
                spec, check, key, records, totals, budget=budget, seconds=seconds, errors=errors,
                severity=severity,
            ):  # fmt: skip
                if isinstance(item, Emit):
                    later = stage_of(check, item.key)
                    if later <= i:
                        errors.report(
                            f"check {spec.name!r} (plugin {spec.plugin.label}) emitted a record "
                            f"for stage {item.key[0]!r} from stage {stage!r}; a judge may only "
                            "emit to a later stage",
                            plugin=spec.plugin.name,
                        )
                        continue
                    target = stages[later].setdefault(key_text(item.key), (item.key, []))
                    target[1].append(((1, text), len(target[1]), item.record))
                else:
                    found.append(item)
    return found


def judge(
    spec: CheckSpec,
    check: KeyedCheck,
    key: Key,
    records: list[Any],
    totals: Totals,
    *,
    budget: Budget,
    seconds: float,
    errors: ErrorCollector,
    severity: Any = None,
) -> Iterator[Finding | Emit]:
    """One guarded ``judge`` call: its findings and its :class:`Emit`
    records (bad ones reported as internal errors). The time limit grows
    with the group: ``check-timeout`` plus a hundredth of it per record."""
    items = call_check(
        spec,
        "",
        lambda: check.judge(key, records, totals),
        budget=budget,
        seconds=seconds * (1 + len(records) / 100) if seconds > 0 else 0,
        errors=errors,
        severity=severity,
        accept=(Emit,),
    )
    for item in items:
        if isinstance(item, Emit):
            try:
                stage_of(check, item.key)
            except ValueError as exc:
                errors.report(
                    f"check {spec.name!r} (plugin {spec.plugin.label}) emitted a bad record: "
                    f"{exc}",
                    plugin=spec.plugin.name,
                )
                continue
        yield item
