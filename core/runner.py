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

import gc
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from .catalogue import read_catalogue
from .config import Config, ConfigError, load_config
from .corpus_phase import corpus_phase
from .discovery import INDEX_NAME, Target, join_documents, locate, safe_relpath
from .execution import (
    BATCH,
    CACHE_FROM,
    DocResult,
    Executor,
    Processor,
    default_jobs,
    document_phase,
)
from .globs import PathMatcher
from .keyed import Totals
from .reading import decode
from .report import Report, Scope, finish
from .selection import select_checks

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
    executor: Executor | None = None,
) -> Report:
    """Check one corpus: the whole run, step by step."""
    started = time.perf_counter()
    cfg = config if config is not None else load_config(target.root)
    processor = make_processor(target.root, cfg, plugins)
    selection = processor.selection
    catalogue = read_catalogue(target.root)
    docs = join_documents(target.root, catalogue, cfg)
    processor.corpus_size = len(docs)
    processor.index_path = catalogue.path
    cache = _open_cache(target, cfg, processor, len(docs))
    # Many small long-lived objects: full collections would rescan them all
    # again and again for no garbage. Collect less often during the run.
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 50), max(thresholds[2], 100))
    try:
        phase = document_phase(
            processor,
            docs,
            jobs=cfg.jobs or default_jobs(),
            cache=cache,
            partial=target.only is not None,
            executor=executor,
            progress=progress,
        )
    finally:
        gc.set_threshold(*thresholds)
        if cache is not None:
            cache.close()
    results = phase.results
    errors = selection.errors
    findings = [f for r in results for f in r.findings]
    for r in results:
        errors.extend(r.errors, r.tracebacks)
    with processor.budget:
        findings += corpus_phase(
            selection,
            root=str(target.root),
            catalogue=catalogue,
            emits=((name, r.path, key, rec) for r in results for name, key, rec in r.emits),
            documents=(r.doc for r in results if r.doc is not None),
            totals=Totals(documents=len(docs)),
            budget=processor.budget,
            seconds=cfg.check_timeout,
        )
    scope = None
    if target.only is not None:
        by_id: dict[str, set[str]] = {}
        for r in results:
            if r.doc_id:
                by_id.setdefault(r.doc_id, set()).add(r.path)
        scope = Scope(target.only, by_id)
    stats: dict[str, Any] = {
        "documents": len(results),
        "rows": len(catalogue.rows),
        "checks": len(selection.specs),
        "cached": phase.cached,
        "jobs": phase.workers,
        "seconds": round(time.perf_counter() - started, 6),
    }
    if cache is not None and cache.problem:
        stats["cache_problem"] = cache.problem
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


def _open_cache(target: Target, cfg: Config, processor: Processor, size: int) -> Any:
    """The result cache, when the run uses one: not with ``--no-cache``, not
    for a small corpus (read faster than a cache is opened), and not when a
    plugin or check failed to load (its findings would be missing from
    every cached result)."""
    if not cfg.cache or size < CACHE_FROM or processor.selection.errors:
        return None
    from .cache import open_result_cache

    return open_result_cache(target.root, cfg, processor.selection)
