"""Time and peak memory of ``provlint validate`` on hostile inputs at
doubling sizes: each must grow no faster than the input.

For every case in ``hostile_cases`` (dates on one long line, long runs of
white space), ``hostile_growth_cases`` (identical copies, derivation chains
and cliques, control characters, mojibake, a junk INDEX.md) and a glob case
(a folder configuration with ``*a*a*a*a*a*b`` beside a long file name),
the corpus is generated at doubling sizes and checked in a fresh process
(``python -m provlint validate DIR --no-cache -j 1 --format json``). Each
row gives the input's size, the run's wall time and peak RSS (from
``wait4``), the JSON report's size, and the growth exponent against the
previous row: ``log2(time ratio) / log2(input ratio)`` on the time beyond
start-up (a run on an empty corpus), and the same for memory beyond the
start-up's. An exponent near 1 is linear; above about 1.3 is reported as
super-linear, unless the time beyond start-up is under a quarter of a
second (then noise decides). Figures from one run: the ratios matter, not
the seconds.

Run: ``python benchmarks/bench_hostile_growth.py`` (all cases, about five
minutes), ``--case NAME`` (repeatable), ``--steps N`` doublings,
``--list``.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hostile_cases
import hostile_growth_cases

SUPER_LINEAR = 1.3


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[int], dict[str, bytes]]
    start: int
    """The size parameter of the first row (doubled at each step)."""
    unit: str


def _glob_case(n: int) -> dict[str, bytes]:
    """A folder whose configuration excludes ``*a*a*a*a*a*b`` (a pattern a
    backtracking matcher needs exponential time for) beside ``n``
    documents named with 240 characters of ``a`` (name length itself is
    measured by ``hostile_glob_cases.py``, in one process)."""
    rows = ["| id | file | source | date |", "|---|---|---|---|"]
    files = {"pyproject.toml": b'[tool.provlint]\nexclude = ["*a*a*a*a*a*b"]\n'}
    for i in range(n):
        name = f"{i:06d}" + "a" * 240 + ".txt"
        rows.append(f"| d{i} | {name} | Wire | 2021-03-04 |")
        files[name] = b"A short text.\n"
    files["INDEX.md"] = ("\n".join(rows) + "\n").encode()
    return files


CASES = {
    **{
        f"dates/{name}": Case(f"dates/{name}", make, 20 * 1024, "bytes")
        for name, make in hostile_cases.CASES.items()
    },
    "copies": Case("copies", hostile_growth_cases.make_identical_copies, 250, "documents"),
    "chain": Case("chain", hostile_growth_cases.make_derivation_chain, 500, "documents"),
    "clique": Case("clique", hostile_growth_cases.make_derivation_clique, 50, "documents"),
    "control-characters": Case(
        "control-characters", hostile_growth_cases.make_control_characters, 1 << 20, "bytes"
    ),
    "mojibake": Case("mojibake", hostile_growth_cases.make_mojibake, 1 << 20, "bytes"),
    "controls-in-mojibake": Case(
        "controls-in-mojibake", hostile_growth_cases.make_controls_in_mojibake, 100_000, "bytes"
    ),
    "junk-index": Case("junk-index", hostile_growth_cases.make_junk_index, 25_000, "rows"),
    "glob": Case("glob", _glob_case, 50, "documents"),
}


@dataclass(frozen=True)
class Run:
    seconds: float
    rss_mb: float
    report_kb: float
    exit_code: int


def _write(files: dict[str, bytes], root: Path) -> int:
    total = 0
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        total += len(data)
    return total


def validate(root: Path, timeout: float) -> Run:
    """One ``provlint validate`` in a fresh process: wall time, peak RSS
    (the child's own, from ``wait4``) and the report's size."""
    report = root.parent / f"{root.name}.json"
    command = [
        sys.executable, "-m", "provlint", "validate", str(root), "--no-cache", "-j", "1",
        "--no-progress", "--format", "json", "-o", str(report),
    ]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    size = report.stat().st_size / 1024 if report.exists() else 0.0
    # ru_maxrss is in KiB on Linux.
    return Run(seconds, usage.ru_maxrss / 1024, size, proc.returncode)


def exponent(a: float, b: float, x: float, y: float) -> float:
    """Growth exponent of a -> b as the input goes x -> y."""
    if a <= 0 or b <= 0 or x <= 0 or y <= x:
        return float("nan")
    return math.log(b / a) / math.log(y / x)


def measure(case: Case, steps: int, timeout: float, base: Run, work: Path) -> list[str]:
    rows = [
        f"{case.name} ({case.unit})",
        f"{'size':>10} {'input KB':>10} {'seconds':>8} {'RSS MB':>7} {'report KB':>9} "
        f"{'exit':>4} {'time exp':>8} {'mem exp':>7}",
    ]
    previous: tuple[int, Run] | None = None
    for step in range(steps):
        n = case.start << step
        root = work / f"{case.name.replace('/', '-')}-{n}"
        root.mkdir(parents=True)
        total = _write(case.make(n), root)
        run = validate(root, timeout)
        t_exp = m_exp = float("nan")
        if previous is not None:
            p_total, p_run = previous
            t_exp = exponent(
                p_run.seconds - base.seconds, run.seconds - base.seconds, p_total, total
            )
            m_exp = exponent(p_run.rss_mb - base.rss_mb, run.rss_mb - base.rss_mb, p_total, total)
        small = previous is not None and min(previous[1].seconds, run.seconds) - base.seconds < 0.25
        flag = ""
        if t_exp > SUPER_LINEAR or m_exp > SUPER_LINEAR:
            flag = "  (too small to tell)" if small else "  super-linear?"
        rows.append(
            f"{n:>10} {total / 1024:>10.0f} {run.seconds:>8.2f} {run.rss_mb:>7.0f} "
            f"{run.report_kb:>9.1f} {run.exit_code:>4} {t_exp:>8.2f} {m_exp:>7.2f}{flag}"
        )
        previous = (total, run)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="default: all")
    parser.add_argument("--steps", type=int, default=4, help="sizes per case (default 4)")
    parser.add_argument("--timeout", type=float, default=300, help="per run, seconds")
    parser.add_argument("--list", action="store_true", help="list the cases")
    args = parser.parse_args(argv)
    if args.list:
        for name, case in CASES.items():
            print(f"{name:<24} from {case.start} {case.unit}, doubling")
        return 0
    with tempfile.TemporaryDirectory(prefix="provlint-growth-") as tmp:
        work = Path(tmp)
        empty = work / "empty"
        empty.mkdir()
        _write({"INDEX.md": b"| id | file |\n|---|---|\n"}, empty)
        base = validate(empty, args.timeout)
        print(f"start-up (an empty corpus): {base.seconds:.2f} s, {base.rss_mb:.0f} MB")
        print("exponents: time and memory beyond start-up against the input; 1 is linear\n")
        for name in args.case or list(CASES):
            print("\n".join(measure(CASES[name], args.steps, args.timeout, base, work)))
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
