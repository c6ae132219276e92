"""The dask engine: the document phase on a dask cluster.

``provlint validate --engine dask [--scheduler tcp://host:8786]`` runs the
same checks as the local engine and gives byte-identical output; only where
the document phase runs changes:

* the **client** (this process) reads INDEX.md, lists the documents, takes
  unchanged ones from the result cache, and sends the rest to the cluster
  in batches of :data:`provlint.runner.BATCH` documents (a
  :class:`provlint.model.Document` is a small picklable record before it is
  read);
* each **worker** thread builds its own engine once (plugins, registry,
  check instances: :func:`provlint.runner.make_engine`) and, per batch,
  reads every file once, parses its header and runs the document checks,
  sending back the pickled :class:`provlint.runner.DocResult` of each
  document (findings plus the light document without its text);
* back in the client, the corpus checks run over the light documents, then
  suppressions, per-file ignores and sorting, exactly as for the local
  engine (:func:`provlint.runner._run_target` does all of it; this module
  only supplies its ``executor``).

Beside the document phase, the cluster also groups the documents it read by
id, by sha256 and by folded-text hash (and, on request, by MinHash LSH band
key), with ``dask.bag`` ``foldby`` reductions, and reports the group counts
in ``Report.stats["dask"]``. Findings never come from these reductions: they
come from the corpus checks, so that both engines report the same thing.

dask and distributed are imported only when this engine runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import importlib
import logging
import os
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import runner
from .cache import dumps
from .config import Config, ConfigError
from .execution import Processor
from .model import Document

INSTALL_HINT = "--engine dask needs the dask extra: pip install 'provlint[dask]'"
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a scheduler (and for its first worker)."""
INDEX_PROBE_BYTES = 1 << 20
"""How much of INDEX.md a worker hashes to confirm it sees the same corpus."""

# --------------------------------------------------------------------------
# Worker side (runs in dask worker processes)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What a worker needs to rebuild the client's engine. Sent to the
    cluster once per corpus (scattered), not with every batch."""

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
    :class:`~provlint.runner.DocResult`, in the order given."""
    with _fewer_collections():
        engine = _engine_for(ctx)
        return [dumps(engine.process(doc)) for doc in batch]


# --------------------------------------------------------------------------
# Client side
# --------------------------------------------------------------------------


@dataclass
class _Run:
    """One corpus on the cluster: the executor, and what it leaves behind."""

    client: Any
    """A ``distributed.Client`` (dask objects are typed ``Any``: they
    ship no type information)."""
    window: int
    stats: dict[str, Any] = field(default_factory=dict)

    def executor(self, engine: Processor, todo: list[Document]) -> Iterator[list[bytes]]:
        """A :data:`provlint.runner.Executor`: batches go to the cluster, at
        most ``window`` at a time; results come back in input order."""
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
        ctx = _Context(
            token=uuid.uuid4().hex,
            root=root,
            config=engine.config,
            checks=tuple(s.name for s in engine.selection.specs),
            index_stamp=stamp,
            version=__version__,
            corpus_size=engine.corpus_size,
            index_path=engine.index_path,
        )
        ctx_future = client.scatter(ctx, broadcast=True, hash=False)
        size = runner.BATCH
        batches = (todo[i : i + size] for i in range(0, len(todo), size))
        pending: deque[Any] = deque()

        def submit() -> bool:
            batch = next(batches, None)
            if batch is None:
                return False
            fut = client.submit(process_batch, ctx_future, batch, pure=False)
            pending.append(fut)
            return True

        count = 0
        try:
            while len(pending) < self.window and submit():
                pass
            while pending:
                fut = pending.popleft()
                blobs: list[bytes] = fut.result()
                fut.release()
                count += 1
                submit()
                yield blobs
        finally:
            for fut in pending:
                fut.cancel()
        self.stats.update(documents=len(todo), batches=count)


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """distributed logs connection chatter at INFO/WARNING; a lint run
    should print only its report."""
    loggers = [logging.getLogger(n) for n in ("distributed", "tornado", "bokeh")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
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
                    silence_logs=logging.ERROR,
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
    :param timeout: seconds to wait for the scheduler and its first worker
        (default :data:`CONNECT_TIMEOUT`).
    :raises ConfigError: for usage errors, a missing dask extra, an
        unreachable scheduler, or workers that do not see the corpus.
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
            run = _Run(client, window=max(8, 4 * nthreads))
            report = runner.run_target(target, config, (), progress, executor=run.executor)
            report.stats["engine"] = "dask"
            report.stats["dask"] = {
                "scheduler": scheduler or "local",
                "workers": len(info.get("workers", {})),
                "threads": nthreads,
                **run.stats,
            }
            reports.append(report)
    return reports
