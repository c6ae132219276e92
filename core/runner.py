"""The runner: one pass over a corpus.

:func:`run` is the library API. It returns a :class:`Report` and never
prints or exits; only the CLI does. A run reads as its steps, each a module
of its own::

    discover   provlint.discovery     the corpus, its catalogue and files, path safety
    read       provlint.reading       one read per file, decoding, the header
    select     provlint.selection     plugins, checks, options, severities
    documents  provlint.execution     document checks and keyed emits (serial, pool, dask)
    corpus     provlint.corpus_phase  catalogue checks, keyed reductions
    report     provlint.report        suppressions, per-file ignores, scope, order
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .catalogue import read_catalogue
from .config import Config, ConfigError, load_config
from .corpus_phase import corpus_phase
from .discovery import INDEX_NAME, Target, join_documents, locate, safe_relpath
from .execution import (
    BATCH,
    CACHE_FROM,
    Cluster,
    DocResult,
    Executor,
    PhaseResult,
    Processor,
    default_jobs,
    document_phase,
)
from .globs import PathMatcher
from .keyed import Totals
from .reading import decode
from .report import Report, Scope, finish
from .selection import select_checks

if TYPE_CHECKING:
    from .cache import Store
    from .model import Catalogue, Document, Finding
    from .staged import ChunkScope

__all__ = [
    "BATCH",
    "CACHE_FROM",
    "INDEX_NAME",
    "DocResult",
    "Executor",
    "PathMatcher",
    "Report",
    "Scope",
    "Target",
    "decode",
    "default_jobs",
    "locate",
    "make_processor",
    "run",
    "run_many",
    "run_targets",
    "safe_relpath",
]


def run(
    paths: Sequence[str | os.PathLike[str]] | str | os.PathLike[str] = (),
    config: Config | None = None,
    *,
    plugins: Iterable[Any] = (),
    cwd: Path | None = None,
) -> Report:
    """Check one corpus and return its :class:`Report`.

    :param paths: a corpus folder, its INDEX.md, or document files inside
        one corpus (then only findings on those files are kept). Empty: the
        corpus at or above the current directory.
    :param config: the configuration; by default it is read from
        ``provlint.toml`` / ``pyproject.toml`` found from the corpus upwards.
    :param plugins: extra plugin objects to register (modules or instances
        with hook implementations).
    :raises ConfigError: for usage and configuration errors.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    targets = locate(paths, cwd)
    if len(targets) != 1:
        raise ConfigError(
            "these paths belong to more than one corpus: "
            + ", ".join(str(t.root) for t in targets)
            + "; use run_many()"
        )
    return run_target(targets[0], config, plugins)


def run_many(
    paths: Sequence[str | os.PathLike[str]] = (),
    config: Config | None = None,
    *,
    plugins: Iterable[Any] = (),
    cwd: Path | None = None,
) -> list[Report]:
    """Like :func:`run`, for paths that may span several corpora."""
    return run_targets(locate(paths, cwd), config, plugins=plugins)


def run_targets(
    targets: Sequence[Target],
    config: Config | None = None,
    *,
    plugins: Iterable[Any] = (),
    progress: Callable[[int, int], None] | None = None,
) -> list[Report]:
    """Check corpora already found by :func:`locate`. ``progress(done,
    total)`` is called as documents are read (the CLI draws a bar with it)."""
    return [run_target(t, config, plugins, progress) for t in targets]


def make_processor(root: Path, cfg: Config, plugins: Iterable[Any] = ()) -> Processor:
    """A fresh plugin manager, registry and check instances for one run,
    ready for the document phase (also what each worker of another engine
    builds for itself)."""
    return Processor(root, cfg, select_checks(cfg, plugins))


def run_target(
    target: Target,
    config: Config | None,
    plugins: Iterable[Any] = (),
    progress: Callable[[int, int], None] | None = None,
    cluster: Cluster | None = None,
) -> Report:
    """Check one corpus: the whole run, step by step. With ``cluster``,
    both phases run there (see :class:`provlint.execution.Cluster`)."""
    started = time.perf_counter()
    cfg = config if config is not None else load_config(target.root)
    processor = make_processor(target.root, cfg, plugins)
    selection = processor.selection
    catalogue = read_catalogue(target.root)
    only, chunk = _restriction(target, catalogue)
    docs = join_documents(target.root, catalogue, cfg)
    size = processor.corpus_size = len(docs)
    processor.index_path = catalogue.path
    stack = contextlib.ExitStack()
    opened = _open_store(target, cfg, processor, size, stack, cluster is not None)
    store = opened if opened is not None and opened.db is not None else None
    # Many small long-lived objects: full collections would rescan them all
    # again and again for no garbage. Collect less often during the run.
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 50), max(thresholds[2], 100))
    remote = cluster if store is None else None
    executor: Executor | None = None
    if cluster is not None:

        def executor(p: Processor, todo: list[Document]) -> Iterable[list[bytes]]:
            assert cluster is not None
            return cluster.executor(p, todo, keep_records=remote is not None)

    try:
        phase = document_phase(
            processor,
            docs,
            jobs=cfg.jobs or default_jobs(),
            store=store,
            executor=executor,
            progress=progress,
            ids=only is not None and chunk is None,
            wanted=chunk.wanted if chunk else Scope(only).named if only is not None else None,
        )
        paths = [d.path for d in docs] if store is not None else []
        del docs  # the documents are read: the corpus phase has room for its work
        results = phase.results
        errors = selection.errors
        findings = [f for r in results for f in r.findings]
        for r in results:
            errors.extend(r.errors, r.tracebacks)

        def corpus_findings(store: Store | None) -> list[Finding]:
            return corpus_phase(
                selection,
                root=str(target.root),
                catalogue=catalogue,
                changed=phase.changed,
                removed=phase.removed if store is not None else (),
                documents=(r.doc for r in results if r.doc is not None),
                totals=Totals(documents=size),
                budget=processor.budget,
                seconds=cfg.check_timeout,
                store=store,
                remote=remote,
                jobs=cfg.jobs or default_jobs(),
            )

        with processor.budget:
            if store is None:
                findings += corpus_findings(None)
            else:
                try:
                    with store.transaction(entries=20 * size):
                        found = corpus_findings(store)
                        store.settle(phase.removed, phase.unkept)
                    findings += found
                except sqlite3.Error as exc:
                    # The store's index cannot be used (locked past the
                    # timeout, damaged): judge in memory, from every
                    # document's records, the kept ones read back.
                    if not _all_records(store, phase, paths):
                        store.broken(exc)
                        return run_target(
                            target, cfg.with_overrides(cache=False), plugins, progress, cluster
                        )
                    if isinstance(exc, sqlite3.OperationalError):
                        store.problem = f"cache not updated: {exc}"
                    else:
                        store.broken(exc)
                    findings += corpus_findings(None)
    finally:
        gc.set_threshold(*thresholds)
        if store is not None:
            store.close()
        stack.close()
    scope: Scope | None = chunk
    if only is not None and chunk is None:
        scope = Scope(only, phase.ids or {})
    stats: dict[str, Any] = {
        "documents": phase.documents,
        "rows": len(catalogue.rows),
        "checks": len(selection.specs),
        "cached": phase.cached,
        "jobs": phase.workers,
        "seconds": round(time.perf_counter() - started, 6),
    }
    if opened is not None and opened.problem:
        stats["cache_problem"] = opened.problem
    return finish(
        root=target.root,
        findings=findings,
        errors=list(errors.findings),
        suppressions=[s for r in results for s in r.suppressions],
        bad_suppressions=[f for r in results for f in r.bad_suppressions],
        index_path=catalogue.path,
        specs=selection.specs,
        registry=selection.registry,
        config=cfg,
        scope=scope,
        stats=stats,
        tracebacks=errors.tracebacks,
    )


def _restriction(
    target: Target, catalogue: Catalogue
) -> tuple[frozenset[str] | None, ChunkScope | None]:
    """The files a run reports on (None: all), and, for the files of one
    pre-commit invocation inside a git work tree, the
    :class:`provlint.staged.ChunkScope` that decides what it prints.
    Outside a work tree a named INDEX.md means the whole corpus, as it does
    without ``--pre-commit``."""
    only = target.only
    if not target.chunk or only is None:
        return only, None
    from .staged import chunk_scope

    scope = chunk_scope(target.root, only, catalogue)
    if scope is None and (catalogue.path or INDEX_NAME) in only:
        return None, None
    return only, scope


def _all_records(store: Store, phase: PhaseResult, paths: list[str]) -> bool:
    """Complete ``phase.changed`` with the keyed records the store kept for
    every other document of ``paths`` (read only); False when one cannot be
    read."""
    for path in paths:
        if path not in phase.changed:
            emits = store.emits(path)
            if not isinstance(emits, list):
                return False
            phase.changed[path] = emits
    return True


STREAM_FROM = 20_000
"""From this many documents, a run without the cache still keeps its keyed
records on disk (a temporary store), so its memory does not grow with the
corpus."""


def _open_store(
    target: Target,
    cfg: Config,
    processor: Processor,
    size: int,
    stack: contextlib.ExitStack,
    cluster: bool = False,
) -> Store | None:
    """The store, when the run uses one: the cache (not with ``--no-cache``,
    not for a small corpus, read faster than a store is opened, and not when
    a plugin or check failed to load: its findings would be missing from
    every kept result); or, for a large corpus without the cache, a
    temporary store for this run alone (not on a cluster: the records stay
    there)."""
    from .cache import open_store, temporary_store

    if not cfg.cache or processor.selection.errors:
        if size >= STREAM_FROM and not cluster:
            return stack.enter_context(temporary_store())
        return None
    if size < CACHE_FROM:
        return None
    return open_store(target.root, cfg, processor.selection)
