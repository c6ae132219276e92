#!/usr/bin/env python3
"""The dask engine's client: its memory and time as the corpus grows, in one run.

    python benchmarks/bench_dask.py [--sizes 2000,20000] [--workers 2] [--repeat 1]
                                    [--workdir DIR] [--json]

With ``--no-cache``, the dask engine keeps every keyed record on the
workers, shuffles them by key and judges them there: the client (the
process that runs ``provlint validate --engine dask``) only lists the
documents, sends them out in batches and takes back each document's result
and the findings. This script measures what that leaves on the client.

It generates one synthetic corpus per size (``gen_corpus.py``, cached in
the work folder), starts one dask ``LocalCluster`` of ``--workers``
single-threaded worker processes for the whole run (so worker start-up is
not counted), warms it up with one run, then, for every size, runs in a
fresh interpreter:

* the **dask** client, ``run_targets_dask(..., scheduler=ADDRESS)``;
* the **local** engine, ``run_targets`` with ``--jobs`` workers;

and reports each one's wall seconds and the peak RSS of the client process
(``getrusage(RUSAGE_SELF)``: the local engine's forked workers are not
counted, nor are dask's). Both runs' findings must be identical (the
script stops otherwise). The last lines give the client's memory per
document, from the difference between the largest and the smallest size,
and the ratio of the client's peak memory at the largest size to the
smallest.

Needs the dask extra (``pip install 'provlint[dask]'``); POSIX only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

CLIENT = r"""
import json, resource, sys, time
from pathlib import Path
from provlint.config import load_config
from provlint.runner import locate, run_targets

root, engine, address, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if __name__ == "__main__":
    cfg = load_config(Path(root)).with_overrides(cache=False, jobs=jobs)
    started = time.perf_counter()
    if engine == "dask":
        from provlint.engine_dask import run_targets_dask
        [report] = run_targets_dask(locate([root]), cfg, scheduler=address)
    else:
        [report] = run_targets(locate([root]), cfg)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    digest = sorted((f.path, f.line, f.column, f.code, f.message) for f in report.findings)
    print(json.dumps({"seconds": seconds, "peak": peak, "findings": len(digest),
                      "digest": hash(json.dumps(digest))}))
"""


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def corpus(workdir: Path, n: int) -> Path:
    root = workdir / f"c{n}"
    if not (root / "manifest.json").exists():
        print(f"generating {n} documents in {root}", file=sys.stderr)
        _load("gen_corpus").generate(root, n)
    return root


def client(root: Path, engine: str, address: str, jobs: int) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-P", "-c", CLIENT, str(root), engine, address, str(jobs)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the findings' digest below
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{engine} run on {root} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sizes", default="2000,20000")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    workdir = args.workdir or Path(tempfile.gettempdir()) / "provlint-bench-dask"
    workdir.mkdir(parents=True, exist_ok=True)
    roots = {n: corpus(workdir, n) for n in sizes}

    import logging

    import distributed

    rows: list[dict[str, Any]] = []
    with distributed.LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        address = cluster.scheduler_address
        client(roots[sizes[0]], "dask", address, args.workers)  # warm-up: workers import
        for n in sizes:
            for _ in range(args.repeat):
                there = client(roots[n], "dask", address, args.workers)
                here = client(roots[n], "local", address, args.workers)
                if (there["findings"], there["digest"]) != (here["findings"], here["digest"]):
                    raise SystemExit(f"different findings at {n} documents: {there} {here}")
                for engine, r in (("dask", there), ("local", here)):
                    rows.append({"documents": n, "engine": engine, **r})
    small, large = sizes[0], sizes[-1]

    def peak(n: int, engine: str) -> float:
        return min(r["peak"] for r in rows if r["documents"] == n and r["engine"] == engine)

    summary = {
        "rows": rows,
        "client_bytes_per_document": {
            e: (peak(large, e) - peak(small, e)) / max(1, large - small) for e in ("dask", "local")
        },
        "client_peak_ratio": {e: peak(large, e) / peak(small, e) for e in ("dask", "local")},
        "time": time.strftime("%Y-%m-%d %H:%M"),
    }
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"{'documents':>10} {'engine':>6} {'seconds':>8} {'client MB':>10} {'findings':>9}")
    for r in rows:
        print(
            f"{r['documents']:>10} {r['engine']:>6} {r['seconds']:>8.2f} "
            f"{r['peak'] / 2**20:>10.1f} {r['findings']:>9}"
        )
    for e in ("dask", "local"):
        print(
            f"{e}: client peak {small} -> {large} documents: "
            f"x{summary['client_peak_ratio'][e]:.2f}, "
            f"{summary['client_bytes_per_document'][e]:.0f} bytes per document"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
