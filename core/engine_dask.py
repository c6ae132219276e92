"""The dask engine: both phases on a dask cluster.

``provlint validate --engine dask [--scheduler tcp://host:8786]`` runs the
same checks as the local engine and gives byte-identical output; only where
the work runs changes:

* the **client** (this process) reads INDEX.md, lists the documents, takes
  unchanged ones from the result cache, and sends the rest to the cluster
  in batches of :data:`provlint.execution.BATCH` documents (a
  :class:`provlint.model.Document` is a small picklable record before it is
  read);
* each **worker** thread builds its own processor once (plugins, registry,
  check instances: :func:`provlint.runner.make_processor`) and, per batch,
  reads every file once, parses its header, runs the document checks and
  every keyed check's ``emit``; it sends back the pickled
  :class:`provlint.execution.DocResult` of each document;
* **keyed checks**: without a store (``--no-cache``, or a run too small
  for the cache), each batch's keyed records stay on the worker that
  emitted them (a future per batch). The client builds a ``dask.bag`` of
  them and of INDEX.md's records, groups it by (check, key) with a
  task-based shuffle, and has the workers judge each partition of groups
  (:func:`judge_groups`), stage by stage: the records a judge emits for a
  later stage join that stage's shuffle. Only findings and internal errors
  come back. With the result cache, the records come back to the client
  instead, into the store's keyed index, so that the next run judges only
  what changed (:mod:`provlint.corpus_phase`);
* back in the client: catalogue checks, legacy ``check_corpus`` checks
  (over light documents: not distributed), then suppressions, per-file
  ignores and sorting, exactly as for the local engine.

dask and distributed are imported only when this engine runs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import hashlib
import importlib
import json
import logging
import operator
import os
import threading
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from . import runner
from .cache import dumps
from .config import Config, ConfigError
from .corpus_phase import CATALOGUE, Guard, doc_source, judge_one, key_source
from .execution import Processor
from .index import key_text
from .keyed import Totals, stage_of
from .model import Document, Finding
from .selection import Selection

INSTALL_HINT = "--engine dask needs the dask extra: pip install 'provlint[dask]'"
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler (and for its first worker)."""
GROUP_PARTITION_DOCUMENTS = 5000
"""Documents per partition of key groups, at most, when the keyed checks
are judged on the cluster (each document emits some tens of records)."""
INDEX_PROBE_BYTES = 1 << 20
"""How much of INDEX.md a worker hashes to confirm it sees the same corpus."""
POLL_SECONDS = 1.0
"""How often the client, waiting for the cluster, checks that it still has workers."""


class ClusterError(RuntimeError):
    """The cluster could not finish the run: dask gave up on a task (the
    workers that ran it died), dropped it (a restart), or was left without
    workers. The run stops; nothing is reported."""

# --------------------------------------------------------------------------
# Worker side (runs in dask worker processes)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What a worker needs to rebuild the client's engine. Sent to the
    cluster once per corpus (a task's result, which every batch needs), not
    with every batch."""

    token: str
    """Names this run: each worker thread builds one engine per run, as
    each process of the local engine's pool does."""
    root: str
    config: Config
    checks: tuple[str, ...]
    """The selected checks in the client: a worker that loads other
    plugins would report other findings, so it refuses to run."""
    index_stamp: tuple[int, str]
    """Size and sha256 of the first MiB of INDEX.md (-1, "") when absent."""
    version: str
    corpus_size: int
    index_path: str


class WorkerMismatch(ConfigError):
    """A worker does not see what the client sees (corpus, version, plugins)."""


_LOCAL = threading.local()
_MAX_ENGINES = 4  # per worker thread: runs of a few clients sharing a cluster


def _index_stamp(root: Path) -> tuple[int, str]:
    from .reading import open_regular

    try:
        with open_regular(root / runner.INDEX_NAME) as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(INDEX_PROBE_BYTES)
    except OSError:
        return -1, ""
    return size, hashlib.sha256(head).hexdigest()


def _where() -> str:
    """This worker, for error messages."""
    try:
        from distributed import get_worker

        return f"dask worker {get_worker().address}"
    except (ImportError, ValueError):  # pragma: no cover - outside a worker
        import socket

        return f"host {socket.gethostname()}"


def _check_sees_corpus(root: str, stamp: tuple[int, str], version: str) -> None:
    """Raise :class:`WorkerMismatch` unless this process sees the corpus at
    ``root`` as the client does and runs the same provlint."""
    from . import __version__

    if __version__ != version:
        raise WorkerMismatch(
            f"{_where()} runs provlint {__version__}, the client {version}: install the same "
            "provlint version (and plugins) on every worker"
        )
    if not os.path.isdir(root):
        raise WorkerMismatch(
            f"{_where()} cannot see the corpus folder {root}: every worker must see the corpus "
            "at the same path as the client (shared storage)"
        )
    if _index_stamp(Path(root)) != stamp:
        raise WorkerMismatch(
            f"{_where()} sees a different {root}/{runner.INDEX_NAME} than the client: every "
            "worker must see the same corpus (shared storage, not a copy)"
        )


def _probe(root: str, stamp: tuple[int, str], version: str) -> str | None:
    """Run on every worker before any batch: None when the worker sees the
    corpus, else why not."""
    try:
        _check_sees_corpus(root, stamp, version)
    except WorkerMismatch as exc:
        return str(exc)
    return None


def _engine_for(ctx: _Context) -> Processor:
    """This thread's engine for ``ctx``: built once, reused for every batch
    (each worker thread has its own, so checks need not be thread-safe)."""
    engines: dict[str, Processor] | None = getattr(_LOCAL, "engines", None)
    if engines is None:
        engines = _LOCAL.engines = {}
    engine = engines.get(ctx.token)
    if engine is None:
        _check_sees_corpus(ctx.root, ctx.index_stamp, ctx.version)
        engine = runner.make_processor(Path(ctx.root), ctx.config)
        checks = tuple(s.name for s in engine.selection.specs)
        if checks != ctx.checks:
            missing = sorted(set(ctx.checks) - set(checks))
            extra = sorted(set(checks) - set(ctx.checks))
            raise WorkerMismatch(
                f"{_where()} loads other checks than the client (missing: "
                f"{', '.join(missing) or 'none'}; extra: {', '.join(extra) or 'none'}): install "
                "the same plugins on every worker"
            )
        # Errors met while building the engine are the client's to report, once.
        engine.errors.clear()
        while len(engines) >= _MAX_ENGINES:
            engines.pop(next(iter(engines)))
        engines[ctx.token] = engine
    engine.corpus_size = ctx.corpus_size
    engine.index_path = ctx.index_path
    return engine


_GC_LOCK = threading.Lock()
_GC_STATE: list[Any] = [0, None]  # batches running in this process, thresholds before


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Raise the garbage collector's thresholds while batches run, as the
    local engine does for its whole run: a worker process holds many
    long-lived objects (dask's own), and default thresholds rescan them
    again and again for no garbage. Restored when the last batch of this
    process ends, so other tasks on a shared worker run as before."""
    with _GC_LOCK:
        if _GC_STATE[0] == 0:
            old = gc.get_threshold()
            _GC_STATE[1] = old
            gc.set_threshold(max(old[0], 50_000), max(old[1], 50), max(old[2], 100))
        _GC_STATE[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_STATE[0] -= 1
            if _GC_STATE[0] == 0:
                gc.set_threshold(*_GC_STATE[1])


def process_batch(ctx: _Context, batch: list[Document]) -> list[bytes]:
    """The dask task: the document phase for ``batch``, as pickled
    :class:`~provlint.execution.DocResult`, in the order given."""
    with _fewer_collections():
        engine = _engine_for(ctx)
        return [dumps(engine.process(doc)) for doc in batch]


Record = tuple[str, int, str, bytes, int, Any]
"""A keyed record on the cluster: (check name, stage index, key text,
source name, its place among the source's records, record)."""


def process_batch_keeping(
    ctx: _Context, batch: list[Document]
) -> tuple[list[bytes], list[Record], dict[str, int]]:
    """The dask task when the cluster keeps the keyed records: the results
    without their records (for the client), the records (for the bag the
    keyed checks are judged from), and how many documents emitted records,
    by check."""
    with _fewer_collections():
        engine = _engine_for(ctx)
        stages = {spec.name: keyed for spec, keyed in engine.selection.keyed}
        blobs: list[bytes] = []
        records: list[Record] = []
        emitters: dict[str, int] = {}
        for doc in batch:
            result = engine.process(doc)
            emits, result.emits = result.emits, []
            blobs.append(dumps(result))
            source = doc_source(result.path)
            seqs: dict[str, int] = {}
            for name, key, record in emits:
                seq = seqs.get(name, 0)
                seqs[name] = seq + 1
                records.append(
                    (name, stage_of(stages[name], key), key_text(key), source, seq, record)
                )
            for name in seqs:
                emitters[name] = emitters.get(name, 0) + 1
        return blobs, records, emitters


def _group_key(record: Record) -> tuple[str, str]:
    return record[0], record[2]


def _key_hash(key: tuple[str, str]) -> int:
    """A group key's partition: the same in every process (``hash`` of a
    string is not), and cheaper than dask's default, a token per key."""
    return zlib.crc32(f"{key[0]}\0{key[1]}".encode("utf-8", "surrogatepass"))


def _groupby(records: Any) -> Any:
    """``records`` (a bag) grouped by (check, key text), by a task-based
    shuffle: a partition holds every record of each of its keys."""
    core: Any = importlib.import_module("dask.bag.core")
    shuffle = getattr(core, "groupby_tasks", None)
    if shuffle is None:  # pragma: no cover - another dask: its own hash
        return records.groupby(_group_key, shuffle="tasks")
    return shuffle(records, _group_key, hash=_key_hash)


def _of_stage(stage: int, record: Record) -> bool:
    return record[1] == stage


def _is(tag: str, out: tuple[Any, ...]) -> bool:
    return bool(out[0] == tag)


def _record_of(out: tuple[Any, ...]) -> Record:
    return out[1]  # type: ignore[no-any-return]


def judge_groups(
    ctx: _Context,
    stage: int,
    totals: dict[str, Totals],
    groups: Iterable[tuple[tuple[str, str], list[Record]]],
) -> list[tuple[Any, ...]]:
    """The dask task that judges one partition of one stage's key groups,
    as the local engine judges them (:func:`provlint.corpus_phase.judge_all`):
    members in source order, lonely keys skipped. Returns tagged outputs:
    ``("F", check name, finding)``, ``("R", record)`` for the later stages,
    and ``("E", internal errors, tracebacks)``."""
    with _fewer_collections():
        engine = _engine_for(ctx)
        checks = {spec.name: (spec, keyed) for spec, keyed in engine.selection.keyed}
        guard = Guard(
            engine.budget, ctx.config.check_timeout, engine.errors, dict(engine.selection.severity)
        )
        mark = engine.errors.mark()
        out: list[tuple[Any, ...]] = []
        for (name, text), members in groups:
            spec, keyed = checks[name]
            if keyed.stages[stage] in keyed.lonely and len(members) < 2:
                continue
            members = sorted(members, key=lambda m: (m[3], m[4]))
            key = tuple(json.loads(text))
            records = [m[5] for m in members]
            items, findings = judge_one(spec, keyed, stage, key, records, totals[name], guard)
            out += [("F", name, f) for f in findings]
            source = key_source(stage, text)
            out += [
                ("R", (name, later, later_text, source, seq, record))
                for seq, (later, later_text, record) in enumerate(items)
            ]
        errors, tracebacks = engine.errors.take_since(mark)
        if errors or tracebacks:
            out.append(("E", errors, tracebacks))
        return out


def _context_of(ctx: _Context) -> _Context:
    return ctx


# --------------------------------------------------------------------------
# Client side
# --------------------------------------------------------------------------


@dataclass
class _Run:
    """One corpus on the cluster: a :class:`provlint.execution.Cluster`."""

    client: Any
    """A ``distributed.Client`` (dask objects are typed ``Any``: they
    ship no type information)."""
    window: int
    threads: int = 1
    """Worker threads in the cluster."""
    stats: dict[str, Any] = field(default_factory=dict)
    ctx: _Context | None = None
    records: list[Any] = field(default_factory=list)
    """Futures of the keyed records each batch left on the cluster."""
    emitters: dict[str, int] = field(default_factory=dict)
    timeout: float = CONNECT_TIMEOUT
    """Seconds without any worker after which the run stops."""

    def _wait(self, fut: Any, what: str) -> Any:
        """The result of ``fut``, which does ``what``. Raises
        :class:`ClusterError` when dask gives up on the task (every worker
        that ran it died: ``distributed.scheduler.allowed-failures``),
        drops it (a restart, data it cannot compute again), or when the
        cluster has no worker for :attr:`timeout` seconds (dask would wait
        for one forever). An exception the task raised is raised here."""
        killed: Any = importlib.import_module("distributed.scheduler").KilledWorker
        workerless: float | None = None
        while True:
            try:
                return fut.result(timeout=POLL_SECONDS)
            except (TimeoutError, asyncio.TimeoutError):
                if fut.status == "error":
                    raise  # the task's own
                if fut.done():
                    continue  # finished or cancelled since: the next call says which
                if self._workers() > 0:
                    workerless = None
                    continue
                now = time.monotonic()
                workerless = workerless if workerless is not None else now
                if now - workerless >= self.timeout:
                    raise ClusterError(
                        f"the dask cluster has had no workers for {self.timeout:g} s while "
                        f"{what}: they died or were stopped (a worker without a nanny is not "
                        "restarted when a check ends its process); the run stopped"
                    ) from None
            except killed as exc:
                raise ClusterError(
                    f"dask gave up {what}: every worker that ran it died (a check that ends "
                    "its process, with os._exit or a crash in C code, or a worker out of "
                    "memory); the run stopped"
                ) from exc
            except concurrent.futures.CancelledError as exc:
                why = (str(exc).splitlines() or [type(exc).__name__])[0]
                raise ClusterError(
                    f"the dask cluster dropped its work ({why}) while {what}: it was restarted, "
                    "or lost data it could not compute again; the run stopped"
                ) from exc

    def _workers(self) -> int:
        """How many workers the scheduler has."""
        try:
            info = self.client.scheduler_info()
        except Exception as exc:
            raise ClusterError(f"the dask scheduler stopped answering ({exc})") from exc
        return len(info.get("workers", {}))

    def _context(self, engine: Processor) -> Any:
        """Check that every worker sees the corpus; the run's context, on
        the cluster (a future)."""
        from . import __version__

        client = self.client
        root = str(engine.root)
        stamp = _index_stamp(engine.root)
        try:
            answers = client.run(_probe, root, stamp, __version__)
        except Exception as exc:
            raise WorkerMismatch(
                f"the dask workers cannot run provlint ({type(exc).__name__}: {exc}): install "
                "the same provlint version and plugins on every worker"
            ) from exc
        problems = sorted({p for p in answers.values() if p})
        if problems:
            raise WorkerMismatch("; ".join(problems))
        self.ctx = _Context(
            token=uuid.uuid4().hex,
            root=root,
            config=engine.config,
            checks=tuple(s.name for s in engine.selection.specs),
            index_stamp=stamp,
            version=__version__,
            corpus_size=engine.corpus_size,
            index_path=engine.index_path,
        )
        # A task, not scattered data: a worker that dies takes scattered
        # data with it for good, and every task that needs it is cancelled;
        # a task's result is computed again where it is needed.
        return client.submit(_context_of, self.ctx, pure=False)

    def executor(
        self, engine: Processor, todo: list[Document], *, keep_records: bool
    ) -> Iterator[list[bytes]]:
        """Batches go to the cluster, at most ``window`` at a time; results
        come back in input order. With ``keep_records``, each batch's keyed
        records stay on the worker that emitted them, as a future."""
        client = self.client
        ctx_future = self._context(engine)
        size = runner.BATCH
        batches = (todo[i : i + size] for i in range(0, len(todo), size))
        pending: deque[tuple[Any, Any, str]] = deque()  # (results, counts, what)
        self.records.clear()
        self.emitters.clear()

        def submit() -> bool:
            batch = next(batches, None)
            if batch is None:
                return False
            what = f"reading the documents {batch[0].path} to {batch[-1].path}"
            if not keep_records:
                fut = client.submit(process_batch, ctx_future, batch, pure=False)
                pending.append((fut, None, what))
                return True
            both = client.submit(process_batch_keeping, ctx_future, batch, pure=False)
            blobs = client.submit(operator.itemgetter(0), both, pure=False)
            counts = client.submit(operator.itemgetter(2), both, pure=False)
            self.records.append(client.submit(operator.itemgetter(1), both, pure=False))
            both.release()
            pending.append((blobs, counts, what))
            return True

        count = 0
        try:
            while len(pending) < self.window and submit():
                pass
            while pending:
                fut, counts, what = pending.popleft()
                results: list[bytes] = self._wait(fut, what)
                fut.release()
                if counts is not None:
                    for name, n in self._wait(counts, what).items():
                        self.emitters[name] = self.emitters.get(name, 0) + n
                    counts.release()
                count += 1
                submit()
                yield results
        finally:
            for fut, counts, _ in pending:
                fut.cancel()
                if counts is not None:
                    counts.cancel()
        self.stats.update(documents=len(todo), batches=count)

    def judge(
        self, selection: Selection, catalogue: dict[str, list[Any]], totals: Totals
    ) -> tuple[dict[str, list[Finding]], list[Finding], list[str]]:
        """Judge every keyed check on the cluster, stage by stage: the
        records are grouped by (check, key) with a task-based shuffle and
        each partition of groups is judged on a worker; the records a judge
        emits join the later stages' groups. Only findings and internal
        errors come back to this process."""
        bag: Any = importlib.import_module("dask.bag")
        assert self.ctx is not None or not self.records
        ctx = self.ctx
        if ctx is None:  # nothing was sent to the cluster: every document was kept
            return {}, [], []
        head: list[Record] = []
        for name, items in catalogue.items():
            head += [(name, st, text, CATALOGUE, i, rec) for i, (st, text, rec) in enumerate(items)]
        parts = [bag.from_sequence(head, npartitions=1)] if head else []
        if self.records:
            parts.append(bag.from_delayed(self.records))
        if not parts:
            return {}, [], []
        emitted = bag.concat(parts)
        by_check = {
            spec.name: totals._replace(emitters=self.emitters.get(spec.name, 0))
            for spec, _ in selection.keyed
        }
        # Partitions of groups per stage: enough to keep every worker busy,
        # and a few thousand documents' records each.
        width = max(2 * self.threads, totals.documents // GROUP_PARTITION_DOCUMENTS, 1)
        outputs = []
        doing: list[str] = []  # what each output does, for errors
        later: list[Any] = []  # each stage's records for the stages after it
        for stage in range(max((len(k.stages) for _, k in selection.keyed), default=0)):
            of_stage = partial(_of_stage, stage)
            records = bag.concat([emitted.filter(of_stage), *(b.filter(of_stage) for b in later)])
            if records.npartitions > width:
                records = records.repartition(npartitions=width)
            judged = _groupby(records).map_partitions(partial(judge_groups, ctx, stage, by_check))
            outputs.append(judged.filter(partial(_is, "F")))
            outputs.append(judged.filter(partial(_is, "E")))
            later.append(judged.filter(partial(_is, "R")).map(_record_of))
            stages = sorted({k.stages[stage] for _, k in selection.keyed if stage < len(k.stages)})
            doing += [f"judging the keyed checks' stage {stage + 1} ({', '.join(stages)})"] * 2
        futures: list[Any] = []
        try:
            futures = self.client.compute(outputs)
            computed = [self._wait(f, what) for f, what in zip(futures, doing, strict=True)]
        finally:
            for fut in [*futures, *self.records]:
                fut.release()
            self.records.clear()
        found: dict[str, list[Finding]] = {}
        errors: list[Finding] = []
        tracebacks: list[str] = []
        for part in computed:
            for out in part:
                if out[0] == "F":
                    found.setdefault(out[1], []).append(out[2])
                else:
                    errors += out[1]
                    tracebacks += out[2]
        self.stats["judged"] = {name: len(f) for name, f in sorted(found.items())}
        return found, errors, tracebacks


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """distributed logs connection chatter at INFO/WARNING, and a worker
    that dies at ERROR, with tracebacks; a lint run should print only its
    report, or one line saying why it stopped (:class:`ClusterError`)."""
    tops = ("distributed", "tornado", "bokeh")
    # dask's logging configuration gives some of their loggers levels of
    # their own (distributed.client: WARNING): each is set.
    names = {n for n in logging.root.manager.loggerDict if n.split(".")[0] in tops}
    loggers = [logging.getLogger(n) for n in sorted(names | set(tops))]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


@contextlib.contextmanager
def _safe_path_env() -> Iterator[None]:
    """``PYTHONSAFEPATH=1`` in the environment the local cluster's worker
    processes inherit, restored on exit."""
    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = before


@contextlib.contextmanager
def _in_folder(folder: str) -> Iterator[None]:
    """This process in ``folder`` for the block, the current folder restored
    on exit. Processes started in the block start there: the local cluster
    starts in an empty folder of its own, so that they find nothing to
    import in their current folder. Every path the run uses is absolute by
    then (corpus folders, the cache folder, a ``--config`` file)."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@contextlib.contextmanager
def connect(scheduler: str | None, workers: int, timeout: float = CONNECT_TIMEOUT) -> Iterator[Any]:
    """A ``distributed.Client`` on the scheduler at ``scheduler``, or on a
    local cluster of ``workers`` single-threaded processes; both closed on
    exit."""
    try:
        importlib.import_module("dask.bag")
        distributed: Any = importlib.import_module("distributed")
    except ImportError as exc:
        raise ConfigError(INSTALL_HINT) from exc
    Client, LocalCluster = distributed.Client, distributed.LocalCluster
    with _quiet_logs(), contextlib.ExitStack() as stack:
        if scheduler is None:
            # The workers' statistical profiler samples every thread every
            # 10 ms: CPU spent on a profile nobody looks at here.
            dask_config: Any = importlib.import_module("dask.config")
            stack.enter_context(dask_config.set({"distributed.worker.profile.enabled": False}))
            # Worker processes are fresh interpreters started with ``-c``:
            # their sys.path begins with the current folder, often the
            # checked one, where a planted ``multiprocessing/`` would be
            # imported. PYTHONSAFEPATH (Python 3.11+) keeps it off, for
            # the whole run (a worker restarted later too), and the cluster
            # starts from an empty folder of its own (for Python 3.10).
            stack.enter_context(_safe_path_env())
            import tempfile

            # Removed after the cluster is closed (callbacks run last first).
            empty = stack.enter_context(tempfile.TemporaryDirectory(prefix="provlint-dask-"))
            with _in_folder(empty):
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                )
            stack.callback(cluster.close)
            client = Client(cluster)
        else:
            try:
                client = Client(scheduler, timeout=timeout)
            except (OSError, TimeoutError, asyncio.TimeoutError, ValueError, TypeError) as exc:
                raise ConfigError(
                    f"--scheduler {scheduler}: cannot connect to a dask scheduler there "
                    f"within {timeout:g} s ({type(exc).__name__}: {exc}); start one with "
                    "'dask scheduler' and workers with 'dask worker ADDRESS'"
                ) from exc
        stack.callback(client.close)
        try:
            client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, asyncio.TimeoutError) as exc:
            raise ConfigError(
                f"the dask scheduler {scheduler or '(local)'} has no workers after {timeout:g} s; "
                "start some with 'dask worker ADDRESS'"
            ) from exc
        yield client


def run_targets_dask(
    targets: Sequence[runner.Target],
    config: Config | None = None,
    scheduler: str | None = None,
    *,
    plugins: Iterable[Any] = (),
    progress: Callable[[int, int], None] | None = None,
    timeout: float | None = None,
) -> list[runner.Report]:
    """Check corpora found by :func:`provlint.runner.locate` with the
    document phase on a dask cluster; the reports equal those of
    :func:`provlint.runner.run_targets` except for ``stats``.

    :param scheduler: a scheduler address (``tcp://host:8786``); None starts
        a local cluster of ``config.jobs`` (default: one per CPU) worker
        processes for this run.
    :param plugins: not supported (workers cannot receive plugin objects);
        any given raises :class:`ConfigError`.
    :param timeout: seconds to wait for the scheduler and its first worker,
        and at most without any worker during the run (default
        :data:`CONNECT_TIMEOUT`).
    :raises ConfigError: for usage errors, a missing dask extra, an
        unreachable scheduler, or workers that do not see the corpus.
    :raises ClusterError: when the cluster cannot finish the run (see
        :meth:`_Run._wait`).
    """
    if tuple(plugins):
        raise ConfigError(
            "--engine dask cannot use plugin objects passed in the plugins= argument: each "
            "worker builds its own checks, so install the plugin on every worker (an entry "
            "point, or a module named in the 'plugins' setting) and pass no objects"
        )
    workers = (config.jobs if config is not None else 0) or runner.default_jobs()
    reports: list[runner.Report] = []
    wait = CONNECT_TIMEOUT if timeout is None else timeout
    with connect(scheduler, workers, wait) as client:
        info = client.scheduler_info()
        nthreads = sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
        for target in targets:
            run = _Run(client, window=max(8, 4 * nthreads), threads=nthreads, timeout=wait)
            report = runner.run_target(target, config, (), progress, cluster=run)
            report.stats["engine"] = "dask"
            report.stats["dask"] = {
                "scheduler": scheduler or "local",
                "workers": len(info.get("workers", {})),
                "threads": nthreads,
                **run.stats,
            }
            reports.append(report)
    return reports
