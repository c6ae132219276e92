#!/usr/bin/env python3
"""Where a ``provlint validate`` run's memory goes.

    python benchmarks/bench_memory.py rss CORPUS [--jobs 2] [--no-cache | --cache-dir DIR]
    python benchmarks/bench_memory.py phases CORPUS [--jobs 2] [--no-cache | --cache-dir DIR]
    python benchmarks/bench_memory.py trace CORPUS [--jobs 2] [--no-cache | --cache-dir DIR]
                                      [--top 25] [--frames 1] [--trace-from STEP]

``rss`` runs ``provlint validate CORPUS --format json -o FILE`` in a fresh
interpreter and prints, as one JSON line: wall time, the peak RSS of the
main process (its own ``ru_maxrss``), the peak RSS of the largest worker
process (``RUSAGE_CHILDREN``), and the peak of the summed RSS of the whole
process tree, sampled from /proc every ``--interval`` seconds (an upper
bound: pages shared by several processes count in each).

``phases`` runs the same check in this process (``provlint.run``) and
prints, as each step ends (the catalogue read, the documents listed, the
document phase, the corpus phase, the run), the process's resident memory
now and at peak, the number of Python memory blocks alive, what SQLite
holds (its own count) and what the C heap holds in use and free (glibc's
``mallinfo2``). Memory freed but not given back to the system shows as
RSS well above the blocks alive.

``trace`` does the same with :mod:`tracemalloc` on (from the start, or
from ``--trace-from`` a later step) and prints the top allocation sites
(by line) alive at the end of each step, and near the traced peak (a
snapshot taken by a thread whenever the traced total grew by 5%). The RSS
figures it prints include tracemalloc's own memory and its snapshots;
take them from ``rss`` or ``phases``. tracemalloc slows the run several
times over: use small corpora (10,000 and 30,000 documents give the
per-document slope) or ``--trace-from corpus_phase``.

POSIX (Linux for the tree sampling); standard library only.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_scale  # the process-tree sampling, shared

MIB = 2**20

# The child: runs the CLI in-process, then reports its own peak and its
# reaped children's largest peak (ru_maxrss is in KiB on Linux).
CHILD = r"""
import json, os, resource, sys
from provlint.cli import main
try:
    code = main(sys.argv[2:])
except SystemExit as exc:
    code = exc.code
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
with open(sys.argv[1], "w") as fh:
    json.dump({"code": code, "main": own, "worker": kids}, fh)
"""


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    return [root, *bench_scale._descendants(root)]


_rss = bench_scale._rss


def validate_args(args: argparse.Namespace, output: str) -> list[str]:
    cmd = ["validate", str(args.corpus), "--jobs", str(args.jobs), "--no-progress"]
    if args.no_cache:
        cmd.append("--no-cache")
    elif args.cache_dir:
        cmd += ["--cache-dir", str(args.cache_dir)]
    return [*cmd, "--format", "json", "-o", output]


def measure_rss(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        out = os.path.join(tmp, "peaks.json")
        report = args.output or os.path.join(tmp, "report.json")
        cmd = [sys.executable, "-P", "-c", CHILD, out, *validate_args(args, report)]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd)
        total = 0
        while proc.poll() is None:
            total = max(total, sum(_rss(pid) for pid in _tree(proc.pid)))
            time.sleep(args.interval)
        seconds = time.perf_counter() - start
        with open(out) as fh:
            peaks = json.load(fh)
    return {
        "corpus": str(args.corpus),
        "jobs": args.jobs,
        "cache": "off" if args.no_cache else "on",
        "exit": peaks["code"],
        "seconds": round(seconds, 2),
        "main_peak_mib": round(peaks["main"] / MIB),
        "worker_peak_mib": round(peaks["worker"] / MIB),
        "tree_peak_mib": round(max(total, peaks["main"]) / MIB),
    }


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def _native() -> str:
    """What SQLite holds (its own count, now and at peak) and what the C
    heap holds in use and free (glibc's mallinfo2), when they can be read."""
    out = []
    try:
        import _sqlite3

        lib = ctypes.CDLL(_sqlite3.__file__)
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        lib.sqlite3_memory_highwater.restype = ctypes.c_int64
        used, high = lib.sqlite3_memory_used(), lib.sqlite3_memory_highwater(0)
        out.append(f"sqlite {used / MIB:.0f} MiB (peak {high / MIB:.0f})")
    except (ImportError, OSError, AttributeError):
        pass
    try:
        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = _Mallinfo2
        mi = libc.mallinfo2()
        out.append(
            f"malloc in use {mi.uordblks / MIB:.0f} MiB, free {mi.fordblks / MIB:.0f} MiB, "
            f"mmapped {mi.hblkhd / MIB:.0f} MiB"
        )
    except (OSError, AttributeError):
        pass
    return "; ".join(out)


def _status() -> str:
    """This process's resident memory now and its peak so far."""
    with open("/proc/self/status") as fh:
        fields = dict(line.split(":", 1) for line in fh)
    now, peak = (int(fields[k].split()[0]) * 1024 for k in ("VmRSS", "VmHWM"))
    return (
        f"RSS {now / MIB:.0f} MiB, peak {peak / MIB:.0f} MiB; "
        f"{sys.getallocatedblocks():,} Python blocks; {_native()}"
    )


class _PeakSampler:
    """Keeps a tracemalloc snapshot taken near the traced peak: every
    ``interval`` seconds, when more is traced than at the last snapshot
    (by 5%), a new one replaces it."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.traced = 0
        self.snapshot: tracemalloc.Snapshot | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            if not tracemalloc.is_tracing():
                continue
            now, _ = tracemalloc.get_traced_memory()
            if now > self.traced * 1.05:
                self.snapshot = tracemalloc.take_snapshot()
                self.traced = now

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def trace(args: argparse.Namespace) -> None:
    from provlint import runner
    from provlint.config import load_config

    traced = args.mode == "trace"
    start = time.perf_counter()

    def show(label: str, snap: tracemalloc.Snapshot | None = None) -> None:
        print(f"{time.perf_counter() - start:7.1f} s  {label}: {_status()}", flush=True)
        if not tracemalloc.is_tracing():
            return
        snap = snap or tracemalloc.take_snapshot()
        stats = snap.filter_traces(
            [tracemalloc.Filter(False, tracemalloc.__file__)]
        ).statistics("lineno")
        total = sum(s.size for s in stats)
        print(f"\n== {label}: {total / MIB:.1f} MiB alive in {len(stats)} sites")
        for s in stats[: args.top]:
            frame = s.traceback[0]
            where = f"{Path(frame.filename).parent.name}/{Path(frame.filename).name}:{frame.lineno}"
            print(f"{s.size / MIB:9.1f} MiB {s.count:>10,}  {where}")

    def after(name: str, label: str) -> None:
        original = getattr(runner, name)

        def wrapped(*a: Any, **k: Any) -> Any:
            if traced and name == args.trace_from and not tracemalloc.is_tracing():
                tracemalloc.start(args.frames)
            out = original(*a, **k)
            show(label)
            return out

        setattr(runner, name, wrapped)

    after("read_catalogue", "catalogue read")
    after("join_documents", "documents listed")
    after("document_phase", "end of the document phase")
    after("corpus_phase", "end of the corpus phase")
    overrides: dict[str, Any] = {"jobs": args.jobs, "cache": not args.no_cache}
    if args.cache_dir:
        overrides["cache_dir"] = args.cache_dir.resolve()
    cfg = load_config(args.corpus).with_overrides(**overrides)
    if traced and args.trace_from == "start":
        tracemalloc.start(args.frames)
    sampler = _PeakSampler() if traced else None
    report = runner.run(args.corpus, cfg)
    show("end of the run (the report alive)")
    if sampler is not None:
        sampler.stop()
        if sampler.snapshot is not None:
            show(f"at the traced peak ({sampler.traced / MIB:.0f} MiB)", sampler.snapshot)
    _, peak = tracemalloc.get_traced_memory()
    print(
        (f"traced peak {peak / MIB:.1f} MiB; " if traced else "")
        + f"{len(report.findings)} findings; {time.perf_counter() - start:.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=("rss", "phases", "trace"))
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--cache-dir", type=Path)
    ap.add_argument("--output", help="rss: keep the report here")
    ap.add_argument("--interval", type=float, default=0.05, help="rss: tree sampling period")
    ap.add_argument("--top", type=int, default=25, help="trace: sites shown")
    ap.add_argument("--frames", type=int, default=1, help="trace: frames kept per allocation")
    ap.add_argument(
        "--trace-from",
        choices=("start", "document_phase", "corpus_phase"),
        default="start",
        help="trace: start tracing when this step starts (later is faster)",
    )
    args = ap.parse_args(argv)
    if args.mode == "rss":
        print(json.dumps(measure_rss(args)))
    else:
        trace(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
