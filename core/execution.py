"""The document phase: every document read once, its header parsed, every
document check run on it and every keyed check's records emitted.

:class:`Processor` does it for one document (:meth:`Processor.process`),
in whatever process or thread it lives in; :func:`document_phase` runs it
over the corpus, taking unchanged documents from the result cache and
sending the rest to an *executor*: this process, a pool of forked worker
processes (:func:`run_pool`), or a dask cluster
(:mod:`provlint.engine_dask`). Results come back in corpus order whatever
the executor, so every engine reports the same thing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import stat
import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .cache import Stamp, Store, _storable, cache_dumps, cache_loads
from .discovery import INDEX_NAME, Resolver, safe_relpath
from .guard import Budget, call_check, check_label
from .keyed import emitted
from .model import Cells, Document, Finding, Header, declarations
from .reading import read_document
from .suppress import Suppression, header_suppressions

if TYPE_CHECKING:
    from .config import Config
    from .errors import ErrorCollector
    from .keyed import KeyedCheck, Totals
    from .registry import CheckSpec
    from .selection import Selection

__all__ = [
    "BATCH",
    "CACHE_FROM",
    "BadRecord",
    "Cluster",
    "DocResult",
    "Executor",
    "PhaseResult",
    "Processor",
    "default_jobs",
    "document_phase",
    "keyed_records",
]

BATCH = 250
"""Documents per task sent to a worker process (or a dask worker)."""

CACHE_FROM = 100
"""Corpora with fewer documents than this do not use the result cache."""

RECORD_WEIGHT_PER_BYTE = 8
RECORD_WEIGHT_SLACK = 1 << 20
"""The records one keyed check emits for one document weigh at most
:data:`RECORD_WEIGHT_PER_BYTE` times the document's size plus this many
bytes (see :func:`provlint.keyed.emitted`): room for every distinct word of
the text as a hash, not for records that outgrow the corpus."""


@dataclass(slots=True)
class DocResult:
    """What the document phase produced for one document. This is what
    worker processes send back and what the result cache keeps."""

    path: str
    doc_id: str | None
    sha256: str | None
    findings: list[Finding]
    """The document checks' findings."""
    suppressions: list[Suppression]
    bad_suppressions: list[Finding]
    errors: list[Finding]
    """Internal errors met on this document (a check that raised)."""
    tracebacks: list[str]
    emits: list[tuple[str, tuple[Any, ...], Any]]
    """The keyed checks' records: (check name, key, record)."""
    doc: Document | None = None
    """The light document (no text), kept only when a corpus check that
    needs every document (``check_corpus``) runs."""

    def reports(self) -> bool:
        """Whether the rest of the run needs this result: it has findings,
        suppressions, internal errors or a light document."""
        return bool(
            self.findings
            or self.suppressions
            or self.bad_suppressions
            or self.errors
            or self.tracebacks
            or self.doc is not None
        )


class Processor:
    """The document phase for one document at a time, with one run's checks.
    Each process (or dask worker thread) has its own."""

    def __init__(self, root: Path, config: Config, selection: Selection) -> None:
        self.root = root
        self.config = config
        self.selection = selection
        self.resolve = Resolver(root)
        self.budget = Budget()
        self.corpus_size = 0
        self.index_path = INDEX_NAME
        self.keep_light = bool(selection.legacy)

    @property
    def errors(self) -> Any:
        return self.selection.errors

    def parse_header(self, path: str, text: str) -> Header | None:
        """The first header a header parser (third-party ones first) makes of
        ``text``; a parser that fails is an internal error naming its
        plugin, at the top of the document (line 1, column 1: where a
        header is)."""
        registry = self.selection.registry
        try:
            header: Header | None = registry.pm.hook.provlint_parse_header(path=path, text=text)
        except Exception as exc:
            from .registry import raising_plugin

            info = raising_plugin(registry, "provlint_parse_header", exc)
            self.errors.report(
                f"the header parser of plugin {info.label if info else 'unknown'} raised "
                f"{type(exc).__name__} on {path}: {exc}",
                path=path,
                tb=traceback.format_exc(),
                plugin=info.identity if info else "",
                line=1,
                column=1,
            )
            return None
        if header is not None and not isinstance(header, Header):
            from .registry import answering_plugin

            info = answering_plugin(registry, "provlint_parse_header", path=path, text=text)
            self.errors.report(
                f"the header parser of plugin {info.label if info else 'unknown'} returned "
                f"{type(header).__name__} on {path}, expected a Header",
                path=path,
                plugin=info.identity if info else "",
                line=1,
                column=1,
            )
            return None
        return header

    def process(self, doc: Document) -> DocResult:
        """Read ``doc``, declare its fields, run every document check on it
        and collect every keyed check's records."""
        mark = self.errors.mark()
        # A fresh record: the caller's stays light (no text kept alive).
        doc = Document(path=doc.path, row=doc.row, index_path=doc.index_path)
        doc.corpus_size = self.corpus_size
        read_document(doc, self.resolve, self.config.max_document_bytes, self.parse_header)
        doc.declared = declarations(doc)
        sups, bad = header_suppressions(doc)
        seconds = self.config.check_timeout
        severity = self.selection.severity
        found: list[Finding] = []
        for spec, check in self.selection.documents:
            found += call_check(
                spec,
                doc.path,
                lambda c=check, d=doc: c.check_document(d),  # type: ignore[misc]
                budget=self.budget,
                seconds=seconds,
                errors=self.errors,
                severity=severity.get(spec.name),
            )
        emits: list[tuple[str, tuple[Any, ...], Any]] = []
        for spec, keyed in self.selection.keyed:
            emits += (
                (spec.name, key, record)
                for key, record in keyed_records(
                    spec,
                    keyed,
                    lambda c=keyed, d=doc: c.emit(d),  # type: ignore[misc]
                    doc.path,
                    f"on {doc.path}",
                    budget=self.budget,
                    seconds=seconds,
                    errors=self.errors,
                    limit=_record_limit(doc),
                )
            )
        errors, tracebacks = self.errors.take_since(mark)
        light = doc.lightweight() if self.keep_light else None
        return DocResult(
            doc.path, doc.doc_id, doc.sha256, found, sups, bad, errors, tracebacks, emits, light
        )


class BadRecord:
    """What a keyed check yielded that is not a good (key, record) pair:
    why, as a :class:`ValueError` of :func:`provlint.keyed.emitted` said."""

    __slots__ = ("why",)

    def __init__(self, why: str) -> None:
        self.why = why


def checked_records(
    keyed: KeyedCheck, items: Iterable[Any] | None, limit: int | None
) -> Iterator[tuple[tuple[Any, ...], Any] | BadRecord]:
    """``items``, yielded by ``emit`` or ``emit_catalogue``, as (key,
    record) pairs, up to the first bad one, given as a :class:`BadRecord`
    (also when the records weigh more than ``limit`` in all). Run inside
    the call's time limit: checking a record may run its class's pickling
    methods."""
    seen: set[int] = set()
    weight = 0
    for item in items or ():
        try:
            key, record, size = emitted(keyed, item, seen)
        except ValueError as exc:
            yield BadRecord(str(exc))
            return
        weight += size
        if limit is not None and weight > limit:
            yield BadRecord(
                f"its records weigh more than {limit:,} bytes, the most one document's may "
                f"({RECORD_WEIGHT_PER_BYTE} times its size, plus {RECORD_WEIGHT_SLACK:,} bytes)"
            )
            return
        yield key, record


def keyed_records(
    spec: CheckSpec,
    keyed: KeyedCheck,
    call: Callable[[], Iterable[Any] | None],
    path: str,
    where: str,
    *,
    budget: Budget,
    seconds: float,
    errors: ErrorCollector,
    limit: int | None = None,
) -> list[tuple[tuple[Any, ...], Any]]:
    """One guarded ``emit`` or ``emit_catalogue`` call of ``keyed`` on
    ``path``: its (key, record) pairs, up to the first bad one, which is an
    internal error (``where`` says where it came from in the message). With
    ``limit``, records that weigh more than that in all are bad (see
    :func:`provlint.keyed.emitted`)."""
    found = call_check(
        spec,
        path,
        lambda: checked_records(keyed, call(), limit),
        budget=budget,
        seconds=seconds,
        errors=errors,
        accept=(tuple, BadRecord),
    )
    if found and isinstance(found[-1], BadRecord):
        errors.report(
            f"{check_label(spec)} emitted a bad record {where}: {found.pop().why}",
            path=path,
            plugin=spec.plugin.identity,
        )
    return found


def _record_limit(doc: Document) -> int:
    """How much the records one keyed check emits for ``doc`` may weigh."""
    return RECORD_WEIGHT_SLACK + RECORD_WEIGHT_PER_BYTE * max(doc.size, 0)


Executor = Callable[[Processor, list[Document]], Iterable[list[bytes]]]
"""Runs the document phase somewhere else: given the processor and the
documents to read, yields batches of pickled :class:`DocResult`, every
document exactly once, in the order given (:func:`run_pool` is the local
one; the dask engine is another)."""


class Cluster(Protocol):
    """Another engine that runs both phases on other machines (the dask
    engine, :mod:`provlint.engine_dask`).

    The runner asks it for the document phase; when the run keeps no store,
    it asks the cluster to keep the keyed records where they were emitted
    and to judge them there too, so that this process never holds them."""

    def executor(
        self, processor: Processor, todo: list[Document], *, keep_records: bool
    ) -> Iterable[list[bytes]]:
        """An :data:`Executor`. With ``keep_records``, the results come
        back without their keyed records (``DocResult.emits`` empty): the
        cluster keeps them for :meth:`judge`."""
        ...

    def judge(
        self, selection: Selection, catalogue: dict[str, list[Any]], totals: Totals
    ) -> tuple[dict[str, list[Finding]], list[Finding], list[str]]:
        """Judge every keyed check on the records kept by the last
        :meth:`executor` (``keep_records``) and INDEX.md's, given here as
        index items by check. Returns the findings by check name, and the
        internal errors met (findings, tracebacks)."""
        ...


@dataclass
class PhaseResult:
    """What the document phase gives the rest of the run."""

    results: list[DocResult] = field(default_factory=list)
    """The results the rest of the run needs (see :meth:`DocResult.reports`),
    in corpus order; the others, most of a corpus, are only counted, so that
    memory does not grow with them (kept results carry no keyed records:
    the store's index has them)."""
    documents: int = 0
    """How many documents the phase went through."""
    ids: dict[str, set[str]] | None = None
    """Every document's path by its id, when asked for (the scope of a run
    restricted to some files)."""
    changed: dict[str, list[tuple[str, tuple[Any, ...], Any]]] = field(default_factory=dict)
    """The keyed records of the documents read in this run that the store
    does not hold (every document without a store); the store holds the
    others' until its index has them."""
    removed: list[str] = field(default_factory=list)
    """Documents whose records the store's keyed index holds that the
    corpus no longer has: those the store kept a result for, and those it
    listed as unkept in the run before."""
    unkept: list[str] = field(default_factory=list)
    """Documents read in this run whose result the store does not keep
    (not a regular file inside the corpus, a path it cannot store, errors,
    or a failed write), though the keyed index gets their records. The
    store forgets what it held for them (an older state of the file: a
    file that comes back with that content must not be taken from it) and
    lists them, so that their records leave the index when they leave the
    corpus (see :meth:`provlint.cache.Store.settle`)."""
    cached: int = 0
    workers: int = 1


# --------------------------------------------------------------------------
# The phase, with the store
# --------------------------------------------------------------------------


def document_phase(
    processor: Processor,
    docs: list[Document],
    *,
    jobs: int,
    store: Store | None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    ids: bool = False,
    wanted: Callable[[str], bool] | None = None,
) -> PhaseResult:
    """Every document's :class:`DocResult`, in corpus order: unchanged
    documents from ``store``, the rest from the executor (worker processes
    when there are enough of them, else this process).

    A document is unchanged when its file's stamp (times, size, inode) and
    its row are what the store holds; when only the times or inode differ
    (a fresh clone, a checkout), its content digest decides.

    With ``ids``, :attr:`PhaseResult.ids` lists every document's path by
    its id. With ``wanted`` (a run restricted to some files), an unchanged
    document it refuses is counted without loading its kept result: the
    report drops that result's findings anyway, and a kept result never
    holds errors."""
    out = PhaseResult(ids={} if ids else None)
    kept = store.kept() if store is not None else {}
    # A stamp is held until its document's result is stored, then dropped.
    stamps: dict[str, Stamp] = {}
    reuse: dict[str, Stamp] = {}
    if store is not None:
        size_class = _size_class(processor)
        restamp: list[tuple[str, Stamp]] = []
        for doc in docs:
            k = kept.pop(doc.path, None)  # what is left at the end is gone
            stamped = _stamp(processor, doc, size_class)
            if stamped is None:
                continue
            stamp, real = stamped
            if k is None or k.stamp.row != stamp.row or k.stamp.size != stamp.size:
                stamps[doc.path] = stamp
            elif k.stamp == stamp:
                reuse[doc.path] = stamp
            elif k.digest and _digest(real) == k.digest:
                reuse[doc.path] = stamp
                restamp.append((doc.path, stamp))
            else:
                stamps[doc.path] = stamp
        store.restamp(restamp)
        gone = set(kept)  # what is left of the kept results
        loose = store.unkept()  # read in the run before, but not kept
        if loose:
            present = {doc.path for doc in docs}
            gone.update(path for path in loose if path not in present)
        out.removed = sorted(gone)
        del kept, gone
    todo = [d for d in docs if d.path not in reuse]
    workers = _workers(jobs, len(todo))
    out.workers = workers
    pending: list[tuple[str, Stamp, str | None, bytes, bytes]] = []
    held: dict[str, list[tuple[str, tuple[Any, ...], Any]]] = {}  # what pending holds

    def flush() -> None:
        if store is not None and not store.put(pending):
            out.changed.update(held)  # not written: the corpus phase takes them from here
            out.unkept.extend(held)
        pending.clear()
        held.clear()

    def misses() -> Generator[DocResult | bytes, None, None]:
        if executor is not None or workers > 1:
            batches = executor(processor, todo) if executor else run_pool(processor, todo, workers)
            try:
                for batch in batches:
                    yield from batch
            finally:
                close = getattr(batches, "close", None)
                if close is not None:  # the executor's own clean-up, now
                    close()
        else:
            # One document in full at a time: the text, body and
            # per-document memo are dropped once its checks have run.
            for doc in todo:
                yield processor.process(doc)

    def count(result: DocResult) -> None:
        out.documents += 1
        if out.ids is not None and result.doc_id:
            out.ids.setdefault(result.doc_id, set()).add(result.path)
        if result.reports():
            out.results.append(result)

    def take(result: DocResult) -> None:
        emits, result.emits = result.emits, []
        count(result)
        stamp = stamps.pop(result.path, None)
        if store is None or stamp is None or result.errors:
            if emits or store is not None:  # not kept: its records stay in memory
                out.changed[result.path] = emits
            if store is not None:
                out.unkept.append(result.path)
            return
        pending.append((result.path, stamp, result.sha256, cache_dumps(result), cache_dumps(emits)))
        held[result.path] = emits
        if len(pending) >= 500:
            flush()

    computed = misses()
    with processor.budget, contextlib.closing(computed):
        for i, doc in enumerate(docs):
            if progress is not None and i % BATCH == 0:
                progress(i, len(docs))
            reused = reuse.pop(doc.path, None)
            if reused is not None:
                assert store is not None
                if wanted is not None and not wanted(doc.path):
                    out.cached += 1
                    out.documents += 1
                    continue
                kept_result = store.result(doc.path)
                if not isinstance(kept_result, DocResult) or kept_result.path != doc.path:
                    stamps[doc.path] = reused
                    take(processor.process(doc))  # a bad entry: check it here
                    continue
                out.cached += 1
                count(kept_result)
                continue
            result = _rebuilt(next(computed), doc, processor)
            if result.path != doc.path:  # pragma: no cover - an executor's bug
                raise RuntimeError(f"results out of order: {result.path} for {doc.path}")
            take(result)
        if next(computed, None) is not None:  # pragma: no cover - an executor's bug
            raise RuntimeError("an executor returned more results than documents")
    flush()
    return out


def _rebuilt(got: DocResult | bytes, doc: Document, processor: Processor) -> DocResult:
    """The result of ``doc``: ``got``, or what a worker process pickled
    (read with the restricted unpickler). A result that cannot be read is
    an internal error on the document, not the end of the run."""
    if isinstance(got, DocResult):
        return got
    try:
        result = cache_loads(got)
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}"
    else:
        if isinstance(result, DocResult):
            return result
        why = f"a {type(result).__name__}"  # pragma: no cover - a worker's bug
    mark = processor.errors.mark()
    processor.errors.report(
        f"the result of {doc.path} came back from a worker process unreadable ({why}): a "
        "check returned a value provlint does not rebuild (see 'Keys and records' in the "
        "plugin API); the document checks' findings on it are missing",
        path=doc.path,
    )
    errors, tracebacks = processor.errors.take_since(mark)
    return DocResult(doc.path, doc.doc_id, None, [], [], [], errors, tracebacks, [])


def _digest(path: str) -> str | None:
    """The SHA-256 of the regular file at ``path`` (None if unreadable)."""
    from .reading import open_regular

    digest = hashlib.sha256()
    try:
        with open_regular(path) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _size_class(processor: Processor) -> str:
    """Which side of each check's corpus-size breaks this run is on, and
    what each check's result depends on besides the document."""
    sides = []
    for spec, check in processor.selection.instances():
        for limit in check.corpus_size_breaks():
            sides.append(f"{spec.name}:{limit}:{int(processor.corpus_size <= limit)}")
        volatile = check.volatile_key()
        if volatile:
            sides.append(f"{spec.name}={volatile}")
    return ",".join(sides)


def _stamp(processor: Processor, doc: Document, size_class: str) -> tuple[Stamp, str] | None:
    """The document's stamp and real path, or None when it is not a regular
    file inside the corpus (then it is read, and its result not kept)."""
    rel, _ = safe_relpath(doc.path)
    if rel is None:
        return None
    real, _ = processor.resolve.text(rel)
    if real is None:
        return None
    try:
        st = os.stat(real)
    except OSError:
        return None
    if not _storable(doc.path) or not stat.S_ISREG(st.st_mode):
        return None
    row = doc.row
    row_key = ""
    if row is not None:
        cells = row.cells
        if isinstance(cells, Cells):
            row_key = f"{row.line}:{row.raw_cell_count}:{cells.key()}:{row.unknown}"
        else:
            items = sorted((k, c.value, c.column) for k, c in cells.items())
            row_key = repr((row.line, row.raw_cell_count, items, row.unknown))
    digest = hashlib.blake2b(
        f"{row_key}\0{doc.index_path}\0{size_class}".encode("utf-8", "surrogatepass"),
        digest_size=16,
    ).hexdigest()
    return Stamp(st.st_mtime_ns, st.st_size, digest, st.st_ino, st.st_ctime_ns), real


# --------------------------------------------------------------------------
# Worker processes
# --------------------------------------------------------------------------

_WORKER: Processor | None = None


def _workers(jobs: int, todo: int) -> int:
    """Worker processes worth starting: never more than one per batch."""
    if jobs <= 1 or todo < 2 * BATCH:
        return 1
    return max(1, min(jobs, -(-todo // BATCH)))


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _die_with_parent(parent: int) -> None:
    """Make this worker process exit when its parent dies, even by
    ``kill -9`` (which gives the parent no chance to stop its pool):
    Linux's PR_SET_PDEATHSIG, elsewhere a thread that watches the parent."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            if libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the call
                    os._exit(1)
                return
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass

    def watch() -> None:  # pragma: no cover - not Linux
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="provlint-parent-watch", daemon=True).start()


def start_worker(parent: int) -> None:
    """What every forked worker process does first: exit when its parent
    does, and ignore ^C (the parent shuts the pool down)."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _init_worker(processor: Processor, parent: int) -> None:
    global _WORKER
    start_worker(parent)
    _WORKER = processor
    processor.errors.clear()
    processor.budget.__enter__()


def _work(batch: list[Document]) -> list[bytes]:
    processor = _WORKER
    assert processor is not None
    return [cache_dumps(processor.process(doc)) for doc in batch]


def run_pool(processor: Processor, todo: list[Document], workers: int) -> Iterator[list[bytes]]:
    """Run the document phase of ``todo`` in ``workers`` forked processes,
    in batches, yielding each batch's pickled results in input order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        # Without fork, the processor (with its plugin objects) would have
        # to be pickled into every worker: run in this process instead.
        with processor.budget:
            for i in range(0, len(todo), BATCH):
                yield [cache_dumps(processor.process(d)) for d in todo[i : i + BATCH]]
        return
    ctx = multiprocessing.get_context("fork")
    batches = [todo[i : i + BATCH] for i in range(0, len(todo), BATCH)]
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(processor, os.getpid()),
    ) as pool:
        yield from pool.map(_work, batches)
