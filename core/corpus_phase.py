"""The corpus phase: the checks that need more than one document.

- **Catalogue checks** (:class:`provlint.model.CatalogueCheck`) run once on
  the parsed INDEX.md (with a store: again only when INDEX.md changed).
- **Keyed checks** (:class:`provlint.KeyedCheck`): the records every source
  emitted (INDEX.md, each document) are grouped by key, and each group is
  judged; a judge may emit records for keys of a later stage, judged in
  turn. Without a store every group is judged (:func:`judge_all`). With
  one (:class:`provlint.cache.Store`), the changed sources replace theirs
  in the keyed index and only the keys they touched are judged again,
  stage by stage (:func:`judge_touched`); a check whose
  :meth:`~provlint.KeyedCheck.totals_key` changed is judged whole. Both
  give the same findings: each group's judgement depends only on the
  group's records and the totals.
- **Legacy corpus checks** (``check_corpus``) see every light document at
  once, on every run.

Every call into a check goes through :func:`provlint.guard.call_check`
(time limit, contained failures). The findings of each check are sorted
and capped per file and document (:class:`provlint.limits.FindingCap`)
over the whole phase, so the report does not depend on how the work was
divided.
"""

from __future__ import annotations

import contextlib
import json
import operator
import os
import signal
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .execution import BadRecord, keyed_records, start_worker
from .guard import Budget, call_check, check_label
from .index import Item, key_text, source_name
from .keyed import Emit, Key, KeyedCheck, Totals, checked_emit, stage_of
from .limits import FindingCap
from .model import Catalogue, Corpus, Document, Finding

if TYPE_CHECKING:
    from .cache import Store
    from .errors import ErrorCollector
    from .execution import Cluster
    from .index import KeyIndex
    from .registry import CheckSpec
    from .selection import Selection

__all__ = ["corpus_phase", "judge_all", "judge_touched", "key_text"]

CATALOGUE = source_name("C", "")
"""The name of INDEX.md as a source of keyed records."""


def doc_source(path: str) -> bytes:
    return source_name("D", path)


def key_source(stage: int, text: str) -> bytes:
    return source_name("K", f"{stage}:{text}")


@dataclass(frozen=True)
class Guard:
    """How every call into a check is made in this phase."""

    budget: Budget
    seconds: float
    errors: ErrorCollector
    severity: dict[str, Any] = field(default_factory=dict)


def corpus_phase(
    selection: Selection,
    *,
    root: str,
    catalogue: Catalogue,
    changed: dict[str, list[tuple[str, Key, Any]]],
    removed: Sequence[str],
    documents: Iterable[Document],
    totals: Totals,
    budget: Budget,
    seconds: float,
    store: Store | None = None,
    remote: Cluster | None = None,
    jobs: int = 1,
) -> list[Finding]:
    """The corpus-phase findings of one run.

    :param changed: the keyed records of each document the index does not
        have (every document without a store): path -> (check name, key,
        record).
    :param removed: documents gone since the store was last updated.
    :param documents: the light documents, for legacy corpus checks.
    :param remote: a cluster that kept the documents' keyed records where
        they were emitted (``changed`` holds none of them): the keyed checks
        are judged there, from those and INDEX.md's records.
    :param jobs: processes that may judge keyed checks side by side, each
        check whole in one of them (without a store; see
        :func:`_judge_checks`).
    """
    guard = Guard(budget, seconds, selection.errors, dict(selection.severity))
    whole = seconds * (30 + totals.documents / 100)  # a corpus-wide call grows with the corpus
    out: list[Finding] = []
    out += _catalogue_findings(selection, catalogue, replace(guard, seconds=whole), store)
    if selection.keyed and store is not None:
        touched = _apply(selection, store, changed, removed, catalogue, guard)
        for spec, keyed in selection.keyed:
            found = judge_touched(spec, keyed, store, touched[spec.name], totals, guard)
            out += _capped(found)
    elif selection.keyed:
        catalogue_items = _catalogue_items(selection, catalogue, guard)
        if remote is not None:
            by_name, errors, tracebacks = remote.judge(selection, catalogue_items, totals)
            guard.errors.extend(errors, tracebacks)
            for spec, _ in selection.keyed:
                out += _capped(by_name.get(spec.name, []))
        else:
            by_check = _items_by_check(selection, changed.items())
            judged = _judge_checks(selection, by_check, catalogue_items, totals, guard, jobs)
            for spec, _ in selection.keyed:
                out += _capped(judged[spec.name])
    if selection.legacy:
        corpus = Corpus(root=root, catalogue=catalogue, documents=list(documents))
        for spec, legacy in selection.legacy:
            found = call_check(
                spec,
                "",
                lambda c=legacy: c.check_corpus(corpus),  # type: ignore[misc]
                budget=budget,
                seconds=whole,
                errors=guard.errors,
                severity=selection.severity.get(spec.name),
            )
            out += _capped(found)
    return out


def _apply(
    selection: Selection,
    store: Store,
    changed: dict[str, list[tuple[str, Key, Any]]],
    removed: Sequence[str],
    catalogue: Catalogue,
    guard: Guard,
) -> dict[str, list[set[str]]]:
    """Write into the index what changed since it was last written: the
    records of every document the store holds but the index does not (read
    back from the store a batch at a time), of ``changed`` (documents the
    store could not hold), of INDEX.md when its bytes changed, and the
    removal of ``removed``. Returns, per check, the keys touched in each
    stage. A check the index holds nothing of yet gets every source
    written at once."""
    index: KeyIndex = store.index
    fresh = {spec.name: not index.has(spec.name) for spec, _ in selection.keyed}
    for name, first in fresh.items():
        if first:
            # Nothing of the check is indexed (its last run emitted nothing):
            # what is written now touches no key it knows, so the check is
            # judged whole (judge_touched does when this marker differs).
            store.set_meta(f"totals:{name}", None)
    touched: dict[str, list[set[str]]] = {
        spec.name: [set() for _ in keyed.stages] for spec, keyed in selection.keyed
    }

    def write(batch: Iterable[tuple[str, list[tuple[str, Key, Any]]]]) -> None:
        for name, by_path in _items_by_check(selection, batch).items():
            if fresh[name]:
                index.add(name, ((doc_source(p), items, ()) for p, items in by_path.items()))
                continue
            for path, items in by_path.items():
                for stage, text in index.replace(name, doc_source(path), items):
                    touched[name][stage].add(text)

    for batch in store.unindexed():
        write(batch)
    write(changed.items())
    for spec, keyed in selection.keyed:
        for path in removed:
            for stage, text in index.replace(spec.name, doc_source(path), None):
                touched[spec.name][stage].add(text)
        # INDEX.md's records, again only when its bytes changed (or their
        # last emit failed: it is reported again).
        marker = f"catalogue:{spec.name}"
        if not fresh[spec.name] and store.meta(marker) == catalogue.digest:
            continue
        mark = guard.errors.mark()
        items = _catalogue_items_of(spec, keyed, catalogue, guard)
        if fresh[spec.name]:
            index.add(spec.name, [(CATALOGUE, items, ())])
        else:
            for stage, text in index.replace(spec.name, CATALOGUE, items):
                touched[spec.name][stage].add(text)
        store.set_meta(marker, catalogue.digest if guard.errors.mark() == mark else None)
    return touched


PARALLEL_FROM = 20_000
"""Records the keyed checks must hold in all to be judged in several
processes (two checks at least must hold some): below it, starting the
processes costs more than it saves."""


def _judge_checks(
    selection: Selection,
    by_check: dict[str, dict[str, list[Item]]],
    catalogue_items: dict[str, list[Item]],
    totals: Totals,
    guard: Guard,
    jobs: int,
) -> dict[str, list[Finding]]:
    """Every keyed check judged whole, in memory (:func:`judge_all`): the
    findings of each, by name. With ``jobs`` > 1 and enough records, the
    checks are judged side by side in forked processes, the largest first,
    each check whole in one process (a check's groups depend on each
    other's emits, checks do not); their internal errors are added to
    ``guard.errors`` in the checks' order, as a serial run adds them."""

    def sources(name: str) -> list[tuple[bytes, Sequence[Item] | None]]:
        out: list[tuple[bytes, Sequence[Item] | None]] = [
            (doc_source(path), items) for path, items in by_check[name].items()
        ]
        out.append((CATALOGUE, catalogue_items[name]))
        return out

    sizes = {
        spec.name: sum(len(items) for items in by_check[spec.name].values())
        for spec, _ in selection.keyed
    }
    busy = sum(1 for size in sizes.values() if size)
    if jobs > 1 and busy > 1 and sum(sizes.values()) >= PARALLEL_FROM and _can_fork():
        order = sorted(selection.keyed, key=lambda pair: -sizes[pair[0].name])
        done = _judge_in_processes(order, sources, totals, guard, jobs)
        found: dict[str, list[Finding]] = {}
        for spec, _ in selection.keyed:  # errors in the order a serial run reports them
            findings, errors, tracebacks = done[spec.name]
            guard.errors.extend(errors, tracebacks)
            found[spec.name] = findings
        return found
    return {
        spec.name: judge_all(spec, keyed, sources(spec.name), totals, guard).findings
        for spec, keyed in selection.keyed
    }


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


_Judged = tuple[list[Finding], list[Finding], list[str]]  # findings, errors, tracebacks
_TODO: tuple[Any, ...] = ()  # what forked judges read: set before the fork, never pickled


def _judge_in_processes(
    order: list[tuple[CheckSpec, KeyedCheck]],
    sources: Any,
    totals: Totals,
    guard: Guard,
    jobs: int,
) -> dict[str, _Judged]:
    """Judge each check of ``order`` in one of ``jobs`` forked processes.
    The records stay where they are: a forked process reads the parent's
    memory. When a process dies (a check ended it, or it ran out of
    memory), the checks not yet judged are judged again one process each,
    so that only the check that kills its process is reported, as an
    internal error."""
    global _TODO
    _TODO = (order, sources, totals, guard)
    done: dict[str, _Judged] = {}
    try:
        _pool_judge(list(range(len(order))), min(jobs, len(order)), done)
        for i, (spec, _) in enumerate(order):
            if spec.name in done:
                continue
            if not _pool_judge([i], 1, done):
                done[spec.name] = _lost(
                    spec,
                    f"{check_label(spec)} ended the process that judged it (or that process "
                    "ran out of memory): its corpus findings are missing",
                )
    finally:
        _TODO = ()
    return done


def _pool_judge(todo: list[int], workers: int, done: dict[str, _Judged]) -> bool:
    """Judge the checks ``todo`` (their places in ``_TODO``'s order) in a
    pool of ``workers`` forked processes, into ``done``; False when a
    process died (``done`` then holds what was judged before)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    order = _TODO[0]
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=start_worker,
        initargs=(os.getpid(),),
    ) as pool:
        futures = [(i, pool.submit(_judge_one_check, i)) for i in todo]
        try:
            for i, future in futures:
                spec = order[i][0]
                try:
                    done[spec.name] = future.result()
                except BrokenProcessPool:
                    raise
                except Exception as exc:  # its findings could not come back (pickling)
                    done[spec.name] = _lost(
                        spec,
                        f"{check_label(spec)}: its corpus findings could not be taken from "
                        f"the process that judged it ({type(exc).__name__}: {exc})",
                    )
        except BrokenProcessPool:
            for i, future in futures:
                name = order[i][0].name
                if name not in done and future.done() and future.exception() is None:
                    done[name] = future.result()
            return False
        except BaseException:  # ^C: stop the judging processes, not wait for them
            pids = list(getattr(pool, "_processes", None) or {})
            pool.shutdown(wait=False, cancel_futures=True)
            for pid in pids:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGTERM)
            raise
    return True


def _lost(spec: CheckSpec, message: str) -> _Judged:
    """What a check judged in another process gives when its process died
    or its results could not be taken back: no findings, one internal
    error."""
    from .errors import ErrorCollector

    errors = ErrorCollector()
    errors.report(
        message,
        plugin=spec.plugin.identity,
        check=spec.name,
    )
    return [], errors.findings, errors.tracebacks


def _judge_one_check(i: int) -> _Judged:
    order, sources, totals, guard = _TODO
    spec, keyed = order[i]
    mark = guard.errors.mark()
    findings = judge_all(spec, keyed, sources(spec.name), totals, guard).findings
    errors, tracebacks = guard.errors.take_since(mark)
    return findings, errors, tracebacks


def _items_by_check(
    selection: Selection, changed: Iterable[tuple[str, list[tuple[str, Key, Any]]]]
) -> dict[str, dict[str, list[Item]]]:
    """The changed documents' records as index items, by check, then path."""
    checks = {spec.name: keyed for spec, keyed in selection.keyed}
    out: dict[str, dict[str, list[Item]]] = {name: {} for name in checks}
    for path, emits in changed:
        for items in out.values():
            items[path] = []
        for name, key, record in emits:
            keyed = checks.get(name)
            if keyed is not None:
                out[name][path].append((stage_of(keyed, key), key_text(key), record))
    return out


def _catalogue_items(
    selection: Selection, catalogue: Catalogue, guard: Guard
) -> dict[str, list[Item]]:
    """Every keyed check's records from INDEX.md, as index items."""
    return {
        spec.name: _catalogue_items_of(spec, keyed, catalogue, guard)
        for spec, keyed in selection.keyed
    }


def _catalogue_items_of(
    spec: CheckSpec, keyed: KeyedCheck, catalogue: Catalogue, guard: Guard
) -> list[Item]:
    """One keyed check's records from INDEX.md, as index items."""
    found = keyed_records(
        spec,
        keyed,
        lambda: keyed.emit_catalogue(catalogue),
        catalogue.path,
        f"from {catalogue.path}",
        budget=guard.budget,
        seconds=guard.seconds * (1 + len(catalogue.rows) / 100) if guard.seconds > 0 else 0,
        errors=guard.errors,
    )
    return [(stage_of(keyed, key), key_text(key), record) for key, record in found]


def _catalogue_findings(
    selection: Selection, catalogue: Catalogue, guard: Guard, store: Store | None
) -> list[Finding]:
    """The catalogue checks' findings: kept with a store until INDEX.md changes."""
    if not selection.catalogue:
        return []
    kept = store.meta("catalogue-findings") if store is not None else None
    if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == catalogue.digest:
        return list(kept[1])
    out: list[Finding] = []
    for spec, check in selection.catalogue:
        found = call_check(
            spec,
            "",
            lambda c=check: c.check_catalogue(catalogue),  # type: ignore[misc]
            budget=guard.budget,
            seconds=guard.seconds,
            errors=guard.errors,
            severity=guard.severity.get(spec.name),
        )
        out += _capped(found)
    if store is not None:
        store.set_meta("catalogue-findings", (catalogue.digest, out))
    return out


def _capped(findings: list[Finding]) -> list[Finding]:
    """One check's corpus-phase findings, sorted, at most
    :data:`~provlint.limits.FINDINGS_PER_FILE` per file, check and document."""
    cap = FindingCap()
    for f in sorted(findings, key=lambda f: f.sort_key):
        cap.add(f)
    return list(cap.findings())


# --------------------------------------------------------------------------
# Judging
# --------------------------------------------------------------------------


@dataclass
class Outcome:
    """Everything a keyed check judged: its findings, and what each judged
    key produced (its Emit records and findings, by source name)."""

    findings: list[Finding] = field(default_factory=list)
    judged: dict[bytes, tuple[list[Item], list[Finding]]] = field(default_factory=dict)


def judge_one(
    spec: CheckSpec,
    check: KeyedCheck,
    stage: int,
    key: Key,
    records: list[Any],
    totals: Totals,
    guard: Guard,
) -> tuple[list[Item], list[Finding]]:
    """One guarded ``judge`` call: its Emit records as index items (bad ones
    reported as internal errors) and its findings. The time limit grows with
    the group: ``check-timeout`` plus a hundredth of it per record."""
    seconds = guard.seconds * (1 + len(records) / 100) if guard.seconds > 0 else 0
    found = call_check(
        spec,
        "",
        lambda: _checked_emits(check, stage, check.judge(key, records, totals)),
        budget=guard.budget,
        seconds=seconds,
        errors=guard.errors,
        severity=guard.severity.get(spec.name),
        accept=(_Ready, BadRecord),
    )
    items: list[Item] = []
    findings: list[Finding] = []
    for item in found:
        if isinstance(item, BadRecord):
            guard.errors.report(
                f"{check_label(spec)} emitted a bad record: {item.why}",
                plugin=spec.plugin.identity,
            )
        elif isinstance(item, _Ready):
            items.append(item.item)
        else:
            findings.append(item)
    return items, findings


def _checked_emits(
    check: KeyedCheck, stage: int, found: Iterable[Any] | None
) -> Iterator[Any] | None:
    """What ``judge`` of ``stage`` yielded, each :class:`Emit` checked (a
    key of a later stage, a good record: :func:`provlint.keyed.emitted`)
    or turned into a :class:`BadRecord`. Run inside the call's time limit.
    None when ``judge`` returned None (an internal error)."""
    if found is None:
        return None
    return _emits_checked(check, stage, found)


class _Ready:
    """An :class:`Emit` of ``judge``, checked and ready for the index."""

    __slots__ = ("item",)

    def __init__(self, item: Item) -> None:
        self.item = item


def _emits_checked(check: KeyedCheck, stage: int, found: Iterable[Any]) -> Iterator[Any]:
    seen: set[int] = set()  # a record sent to several keys is checked once
    for item in found:
        if not isinstance(item, Emit):
            yield item
            continue
        try:
            later, key, record, _ = checked_emit(check, tuple(item), seen)
            if later <= stage:
                raise ValueError(
                    f"a record for stage {item.key[0]!r} from stage {check.stages[stage]!r}; "
                    "a judge may only emit to a later stage"
                )
        except ValueError as exc:
            yield BadRecord(str(exc))
            continue
        yield _Ready((later, key_text(key), record))


_BY_SOURCE = operator.itemgetter(0, 1)  # (source name, sequence number)


def judge_all(
    spec: CheckSpec,
    check: KeyedCheck,
    sources: Iterable[tuple[bytes, Sequence[Item] | None]],
    totals: Totals,
    guard: Guard,
) -> Outcome:
    """Group every source's records by key, in memory, and judge every
    group, stage by stage."""
    stages: list[dict[str, list[tuple[bytes, int, Any]]]] = [{} for _ in check.stages]
    emitters = 0
    for name, items in sources:
        if not items:
            continue
        if name[:1] == b"D":
            emitters += 1
        for seq, (stage, text, record) in enumerate(items):
            stages[stage].setdefault(text, []).append((name, seq, record))
    totals = totals._replace(emitters=emitters)
    outcome = Outcome()
    for i, stage_name in enumerate(check.stages):
        groups = stages[i]
        lonely = stage_name in check.lonely
        for text in sorted(groups):
            members = groups.pop(text)
            if lonely and len(members) < 2:
                continue
            members.sort(key=_BY_SOURCE)
            key = tuple(json.loads(text))
            items, findings = judge_one(spec, check, i, key, [m[2] for m in members], totals, guard)
            if items or findings:
                name = key_source(i, text)
                outcome.judged[name] = (items, findings)
                outcome.findings += findings
                for seq, (later, later_text, record) in enumerate(items):
                    stages[later].setdefault(later_text, []).append((name, seq, record))
    return outcome


def judge_touched(
    spec: CheckSpec,
    check: KeyedCheck,
    store: Store,
    touched: list[set[str]],
    totals: Totals,
    guard: Guard,
) -> list[Finding]:
    """Judge again the keys the index changes touched, stage by stage
    (their own judgements touch keys of later stages in turn), and return
    every finding the check's keys hold. A check judged for the first time,
    or whose :meth:`~provlint.KeyedCheck.totals_key` changed, is judged
    whole; so is a check one of whose ``judge`` calls failed in the run
    before (the index does not know which keys' judgements are missing, and
    the failure must be reported again, as a cold run would)."""
    index: KeyIndex = store.index
    totals = totals._replace(emitters=index.count(spec.name, "D"))
    marker = f"totals:{spec.name}"
    now = repr(check.totals_key(totals))
    mark = guard.errors.mark()
    if store.meta(marker) != now:
        _judge_whole(spec, check, index, totals, guard)
    else:
        for i, stage_name in enumerate(check.stages):
            lonely = stage_name in check.lonely
            for text in sorted(touched[i]):
                records = index.group(spec.name, i, text)
                out: tuple[list[Item], list[Finding]] = ([], [])
                if records and not (lonely and len(records) < 2):
                    key = tuple(json.loads(text))
                    out = judge_one(spec, check, i, key, records, totals, guard)
                for later, later_text in index.replace(spec.name, key_source(i, text), *out):
                    touched[later].add(later_text)
            touched[i].clear()
    store.set_meta(marker, now if guard.errors.mark() == mark else None)
    return list(index.findings(spec.name))


def _judge_whole(
    spec: CheckSpec, check: KeyedCheck, index: KeyIndex, totals: Totals, guard: Guard
) -> None:
    """Judge every key of the check again, stage by stage, reading the
    index a page of keys at a time, and keep what each judged key produced
    in place of what the index held."""
    index.drop_judged(spec.name)
    for i, stage_name in enumerate(check.stages):
        batch: list[tuple[bytes, list[Item], list[Finding]]] = []
        held = 0  # what batch holds: one key may emit a record per document
        for text, records in index.groups(spec.name, i, stage_name in check.lonely):
            key = tuple(json.loads(text))
            items, findings = judge_one(spec, check, i, key, records, totals, guard)
            if items or findings:
                batch.append((key_source(i, text), items, findings))
                held += 1 + len(items) + len(findings)
            if held >= 10_000:
                index.add(spec.name, batch)
                batch.clear()
                held = 0
        index.add(spec.name, batch)
