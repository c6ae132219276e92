#!/usr/bin/env python3
"""Time whole ``provlint validate`` processes.

    python benchmarks/bench_validate.py [-n 10000] [--repeat 5] [--workdir DIR]
                                        [--skip-startup] [--skip-corpus] [--json]

Two measurements, each of a fresh child process started with the same
interpreter as this script (``sys.executable``), so run it with the Python
whose environment has provlint installed:

corpus
    ``python -m provlint validate DIR --format json -o /dev/null`` on a
    synthetic corpus of N documents made by ``gen_corpus.py`` (cached in the
    work folder by N, seed and defect fraction). One warm-up run, which also
    writes the JSON report and checks that it finds the injected defects,
    then ``--repeat`` timed runs.

startup
    ``python -m provlint validate <repo root>`` on the bundled seven-document
    example corpus (it has deliberate defects, so exit code 1 is expected)
    against ``python -c pass`` and ``python -c "import yaml"``, run
    alternately (A B C A B C ...) so that drifting machine load hits all
    three alike.

Each command is started by a small launcher process (``python -S``) with
``os.posix_spawn`` and reaped with ``os.wait4``: wall time is
``time.perf_counter()`` around spawn + wait, CPU time and peak RSS come from
the ``rusage`` that ``os.wait4`` returns for that one child. (Spawning from
this script directly would make every child's peak RSS at least this
script's own; see ``Launcher``.) POSIX only; only the standard library is
used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import gen_corpus  # noqa: E402


@dataclass
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    rss: int  # peak resident set size of the child, bytes
    code: int  # exit code


class BenchError(Exception):
    pass


def _rss_bytes(ru_maxrss: int) -> int:
    # Linux and the BSDs report KiB; macOS reports bytes.
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024


# Why a separate launcher process: on Linux a child's ru_maxrss is never
# below the peak RSS of the process that spawned it (fork/vfork copy the
# parent's memory high-water mark, and exec keeps the maximum), so children
# spawned straight from this script would all report at least *this*
# script's peak RSS (tens of MiB after generating a corpus). The launcher is
# a bare ``python -S`` started once; it spawns each measured command with
# posix_spawn, reaps it with os.wait4 and reports that child's own wall
# time, CPU time and peak RSS. Its own peak RSS (the floor under every
# measurement, about that of ``python -c pass``) is reported as well.
LAUNCHER = r"""
import json, os, sys, time

def peak():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None

for line in sys.stdin:
    req = json.loads(line)
    os.chdir(req["cwd"])
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
    ]
    floor = peak()
    started = time.perf_counter()
    pid = os.posix_spawn(req["cmd"][0], req["cmd"], os.environ, file_actions=actions)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    sys.stdout.write(json.dumps({
        "wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "maxrss": ru.ru_maxrss,
        "code": os.waitstatus_to_exitcode(status), "floor": floor,
    }) + "\n")
    sys.stdout.flush()
"""


class Launcher:
    """A small helper process that runs and measures commands one at a time."""

    def __init__(self, scratch: Path, env: dict[str, str] | None = None) -> None:
        self.scratch = scratch
        self.floor: int | None = None
        self.proc = subprocess.Popen(
            [sys.executable, "-S", "-c", LAUNCHER],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def run(self, cmd: list[str], cwd: Path, ok_codes: tuple[int, ...] = (0,)) -> Sample:
        """Run ``cmd`` once and return its wall time, CPU time, peak RSS
        and exit code; raise BenchError on an unexpected exit code."""
        assert self.proc.stdin and self.proc.stdout
        err = self.scratch / "stderr.txt"
        exe = cmd[0] if os.path.isabs(cmd[0]) else shutil.which(cmd[0]) or cmd[0]
        req = {"cmd": [exe, *cmd[1:]], "cwd": str(cwd), "stderr": str(err)}
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise BenchError(f"the launcher process died running {' '.join(cmd)}")
        r = json.loads(line)
        if r["floor"] is not None:
            self.floor = max(self.floor or 0, r["floor"])
        if r["code"] not in ok_codes:
            tail = err.read_text(encoding="utf-8", errors="replace")[-4000:]
            raise BenchError(
                f"{' '.join(cmd)} (in {cwd}) exited {r['code']}, expected "
                f"{' or '.join(map(str, ok_codes))}:\n{tail}"
            )
        return Sample(r["wall"], r["cpu"], _rss_bytes(r["maxrss"]), r["code"])

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait()


def summarise(samples: list[Sample]) -> dict[str, Any]:
    walls = [s.wall for s in samples]
    return {
        "runs": len(samples),
        "wall_median_s": statistics.median(walls),
        "wall_min_s": min(walls),
        "wall_max_s": max(walls),
        "cpu_median_s": statistics.median(s.cpu for s in samples),
        "peak_rss_mib": max(s.rss for s in samples) / 2**20,
        "exit_codes": sorted({s.code for s in samples}),
        "wall_all_s": [round(w, 4) for w in walls],
    }


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Corpus benchmark
# --------------------------------------------------------------------------


def ensure_corpus(
    workdir: Path, n: int, seed: int, defects: float, regenerate: bool
) -> tuple[Path, dict[str, Any], bool]:
    """The corpus folder for (n, seed, defects), generated unless a complete
    one is already cached. Returns (folder, manifest, reused)."""
    folder = workdir / f"corpus-n{n}-seed{seed}-defects{defects:g}"
    manifest_path = folder / gen_corpus.MANIFEST
    if not regenerate and manifest_path.is_file():
        try:
            m = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            m = {}
        if (m.get("format"), m.get("n"), m.get("seed"), m.get("defects")) == (
            gen_corpus.FORMAT_VERSION,
            n,
            seed,
            defects,
        ):
            return folder, m, True
    if folder.exists() and any(folder.iterdir()) and not gen_corpus.looks_generated(folder):
        raise BenchError(f"{folder} exists and was not made by gen_corpus.py; not touching it")
    log(f"generating {n} documents in {folder} ...")
    m = gen_corpus.generate(folder, n, seed, defects)
    return folder, m, False


def verify_report(report_path: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Compare the warm-up run's JSON report with what was injected."""
    data = json.loads(report_path.read_text(encoding="utf-8"))
    summary = data.get("summary", {})
    by_name: dict[str, int] = {}
    for key, count in summary.get("by_check", {}).items():
        name = key.split(" ", 1)[-1]
        by_name[name] = by_name.get(name, 0) + count
    expected = dict(manifest.get("expected_findings", {}))
    problems = []
    if summary.get("documents") != manifest["n"]:
        problems.append(
            f"report counts {summary.get('documents')} documents, corpus has {manifest['n']}"
        )
    for name in sorted(set(expected) | set(by_name)):
        if expected.get(name, 0) != by_name.get(name, 0):
            problems.append(
                f"{name}: expected {expected.get(name, 0)}, found {by_name.get(name, 0)}"
            )
    return {
        "documents": summary.get("documents"),
        "findings": summary.get("findings"),
        "by_check": summary.get("by_check", {}),
        "exit_code": summary.get("exit_code"),
        "matches_injected": not problems,
        "problems": problems,
    }


def bench_corpus(args: argparse.Namespace, workdir: Path, launcher: Launcher) -> dict[str, Any]:
    py = sys.executable
    t0 = time.perf_counter()
    folder, manifest, reused = ensure_corpus(
        workdir, args.n, args.seed, args.defects, args.regenerate
    )
    gen_s = time.perf_counter() - t0
    ok = (0, 1)  # 1: the injected defects are error findings
    report_path = workdir / f"report-n{args.n}-seed{args.seed}-defects{args.defects:g}.json"
    base = [py, "-m", "provlint", "validate", str(folder), "--format", "json", "-o"]

    log(f"corpus: warm-up run (writes {report_path.name} and checks it) ...")
    warm = [launcher.run([*base, str(report_path)], folder, ok)]
    for _ in range(args.warmup - 1):
        warm.append(launcher.run([*base, os.devnull], folder, ok))
    check = verify_report(report_path, manifest)

    samples = []
    for i in range(args.repeat):
        s = launcher.run([*base, os.devnull], folder, ok)
        log(f"corpus: run {i + 1}/{args.repeat}: {s.wall:.3f} s, {s.rss / 2**20:.1f} MiB")
        samples.append(s)
    out = summarise(samples)
    out.update(
        {
            "command": " ".join(
                [
                    "python",
                    "-m",
                    "provlint",
                    "validate",
                    "DIR",
                    "--format",
                    "json",
                    "-o",
                    os.devnull,
                ]
            ),
            "corpus_dir": str(folder),
            "documents": args.n,
            "corpus_mb": manifest.get("document_bytes", 0) / 1e6,
            "corpus_reused": reused,
            "generation_s": None if reused else round(gen_s, 3),
            "docs_per_s": args.n / out["wall_median_s"] if out["wall_median_s"] else None,
            "ms_per_doc": 1000 * out["wall_median_s"] / args.n if args.n else None,
            "warmup_wall_s": [round(w.wall, 4) for w in warm],
            "verification": check,
        }
    )
    return out


# --------------------------------------------------------------------------
# Start-up benchmark
# --------------------------------------------------------------------------


def bench_startup(args: argparse.Namespace, launcher: Launcher) -> dict[str, Any]:
    py = sys.executable
    if not (REPO_ROOT / "INDEX.md").is_file():
        raise BenchError(f"{REPO_ROOT} has no INDEX.md: the example corpus is missing")
    cases = [
        (
            "provlint",
            "python -m provlint validate <repo root>",
            [py, "-m", "provlint", "validate", str(REPO_ROOT)],
            (0, 1),
        ),
        ("python -c pass", "python -c pass", [py, "-c", "pass"], (0,)),
        ("import yaml", 'python -c "import yaml"', [py, "-c", "import yaml"], (0,)),
    ]
    samples: dict[str, list[Sample]] = {name: [] for name, *_ in cases}
    log("startup: warm-up round ...")
    for _, _, cmd, ok in cases:
        launcher.run(cmd, REPO_ROOT, ok)
    log(f"startup: {args.startup_repeat} alternating rounds ...")
    for _ in range(args.startup_repeat):
        for name, _, cmd, ok in cases:
            samples[name].append(launcher.run(cmd, REPO_ROOT, ok))
    results = {}
    for name, shown, _, _ in cases:
        results[name] = {"command": shown, **summarise(samples[name])}
    pv = results["provlint"]["wall_median_s"]
    bare = results["python -c pass"]["wall_median_s"]
    yml = results["import yaml"]["wall_median_s"]
    return {
        "rounds": args.startup_repeat,
        "cases": results,
        "ratio_provlint_to_python": pv / bare,
        "ratio_provlint_to_import_yaml": pv / yml,
        "provlint_minus_python_ms": 1000 * (pv - bare),
        "provlint_minus_import_yaml_ms": 1000 * (pv - yml),
        "provlint_exit_code": results["provlint"]["exit_codes"],
    }


# --------------------------------------------------------------------------
# Environment and output
# --------------------------------------------------------------------------


def environment(child_env: dict[str, str] | None) -> dict[str, Any]:
    e = os.environ if child_env is None else child_env
    env: dict[str, Any] = {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        # Whether the children may use and write .pyc files (an editable
        # install compiles provlint from source on every start otherwise).
        "bytecode_cache": not e.get("PYTHONDONTWRITEBYTECODE"),
        "pycache_prefix": e.get("PYTHONPYCACHEPREFIX") or None,
    }
    try:
        env["loadavg_at_start"] = [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):  # pragma: no cover - Windows
        pass
    try:
        r = subprocess.run(
            [
                sys.executable,
                "-c",
                "import provlint; print(provlint.__version__); print(provlint.__file__)",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=tempfile.gettempdir(),
            env=child_env,
        )
        version, where = r.stdout.split("\n")[:2]
        env["provlint"] = version
        env["provlint_path"] = where
    except (subprocess.CalledProcessError, ValueError) as exc:
        raise BenchError(f"provlint is not importable by {sys.executable}: {exc}") from exc
    git = shutil.which("git")
    if git and (REPO_ROOT / ".git").exists():
        try:
            head = subprocess.run(
                [git, "rev-parse", "--short", "HEAD"],
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            dirty = subprocess.run(
                [git, "status", "--porcelain", "--untracked-files=no"],
                cwd=REPO_ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            env["git"] = head + ("+dirty" if dirty else "")
        except subprocess.CalledProcessError:
            pass
    return env


def _f(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def render_text(result: dict[str, Any]) -> str:
    lines = []
    env = result["environment"]
    lines.append("provlint validate benchmark")
    lines.append("=" * 27)
    lines.append(f"python    {env['python']} ({env['executable']})")
    lines.append(
        f"provlint  {env.get('provlint')} ({env.get('provlint_path')})"
        + (f", git {env['git']}" if env.get("git") else "")
    )
    lines.append(
        f"platform  {env['platform']}, {env['cpus']} CPUs"
        + (f", load {env['loadavg_at_start']}" if env.get("loadavg_at_start") else "")
    )
    if not env["bytecode_cache"]:
        lines.append(
            "bytecode  NOT cached: PYTHONDONTWRITEBYTECODE is set, so modules without a "
            ".pyc (an editable provlint) are compiled on every start; see --pycache"
        )
    elif env.get("pycache_prefix"):
        lines.append(f"bytecode  cached under {env['pycache_prefix']} (PYTHONPYCACHEPREFIX)")
    if env.get("rss_floor_mib"):
        lines.append(
            f"RSS floor {env['rss_floor_mib']:.1f} MiB at most (the launcher's own peak when "
            "it spawned a child; no child can report less than it)"
        )

    c = result.get("corpus")
    if c:
        lines.append("")
        made = "cached" if c["corpus_reused"] else f"generated in {_f(c['generation_s'], 2)} s"
        lines.append(
            f"Corpus: {c['documents']} documents, {c['corpus_mb']:.1f} MB ({made}) "
            f"in {c['corpus_dir']}"
        )
        lines.append(f"  command: {c['command']}")
        lines.append(
            f"  warm-up: {', '.join(_f(w) for w in c['warmup_wall_s'])} s; {c['runs']} timed runs"
        )
        rows = [
            ("wall median", f"{_f(c['wall_median_s'])} s"),
            ("wall min / max", f"{_f(c['wall_min_s'])} / {_f(c['wall_max_s'])} s"),
            ("CPU (user+sys) median", f"{_f(c['cpu_median_s'])} s"),
            ("throughput", f"{c['docs_per_s']:,.0f} docs/s ({c['ms_per_doc']:.3f} ms/doc)"),
            ("peak RSS", f"{c['peak_rss_mib']:.1f} MiB"),
            ("exit code", ", ".join(map(str, c["exit_codes"]))),
        ]
        wide = max(len(k) for k, _ in rows)
        lines += [f"  {k:<{wide}}  {v}" for k, v in rows]
        v = c["verification"]
        found = ", ".join(f"{n} {k}" for k, n in v["by_check"].items()) or "none"
        lines.append(
            f"  findings: {v['findings']} ({found}); "
            + (
                "matches the injected defects"
                if v["matches_injected"]
                else "DOES NOT match the injected defects: " + "; ".join(v["problems"])
            )
        )

    s = result.get("startup")
    if s:
        lines.append("")
        lines.append(f"Start-up: {s['rounds']} alternating rounds, cwd = repo root")
        head = ("command", "median s", "min s", "max s", "CPU s", "peak RSS MiB")
        table = [head]
        for case in s["cases"].values():
            table.append(
                (
                    case["command"],
                    _f(case["wall_median_s"]),
                    _f(case["wall_min_s"]),
                    _f(case["wall_max_s"]),
                    _f(case["cpu_median_s"]),
                    f"{case['peak_rss_mib']:.1f}",
                )
            )
        widths = [max(len(r[i]) for r in table) for i in range(len(head))]
        for j, r in enumerate(table):
            cells = [r[0].ljust(widths[0])] + [
                x.rjust(w) for x, w in zip(r[1:], widths[1:], strict=True)
            ]
            lines.append("  " + "  ".join(cells))
            if j == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
        lines.append(
            f"  provlint / python -c pass:   {s['ratio_provlint_to_python']:.2f}x "
            f"(+{s['provlint_minus_python_ms']:.0f} ms)"
        )
        lines.append(
            f"  provlint / import yaml:      {s['ratio_provlint_to_import_yaml']:.2f}x "
            f"(+{s['provlint_minus_import_yaml_ms']:.0f} ms)"
        )
        lines.append(
            f"  provlint exit code: {', '.join(map(str, s['provlint_exit_code']))} "
            "(1 expected: the example corpus has deliberate defects)"
        )
    return "\n".join(lines) + "\n"



def add_corpus_options(ap: argparse.ArgumentParser) -> None:
    """The options that pick and cache the synthetic corpus (shared by the
    benchmark scripts)."""
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument(
        "--defects", type=float, default=0.02, help="fraction of defective documents (default 0.02)"
    )
    ap.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "provlint-bench",
        help="where corpora are cached and scratch files written (default: %(default)s)",
    )
    ap.add_argument(
        "--regenerate", action="store_true", help="regenerate cached corpora even if complete"
    )

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Time whole 'provlint validate' processes (see benchmarks/README.md)."
    )
    ap.add_argument(
        "-n", type=int, default=10000, help="documents in the synthetic corpus (default 10000)"
    )
    ap.add_argument("--repeat", type=int, default=5, help="timed runs on the corpus (default 5)")
    ap.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="untimed warm-up runs on the corpus before them (default 1, at least 1)",
    )
    ap.add_argument(
        "--startup-repeat",
        type=int,
        default=20,
        help="alternating rounds of the start-up comparison (default 20)",
    )
    add_corpus_options(ap)
    ap.add_argument(
        "--pycache",
        type=Path,
        metavar="DIR",
        help="run the children with a bytecode cache in DIR (sets PYTHONPYCACHEPREFIX, "
        "unsets PYTHONDONTWRITEBYTECODE); nothing is written into the source tree",
    )
    ap.add_argument("--skip-startup", action="store_true", help="skip the start-up comparison")
    ap.add_argument("--skip-corpus", action="store_true", help="skip the corpus benchmark")
    ap.add_argument(
        "--json", action="store_true", help="print the figures as JSON instead of a table"
    )
    args = ap.parse_args(argv)
    if args.n < 1 or args.repeat < 1 or args.warmup < 1 or args.startup_repeat < 1:
        ap.error("-n, --repeat, --warmup and --startup-repeat must be at least 1")
    if not 0.0 <= args.defects <= 1.0:
        ap.error("--defects must be between 0 and 1")
    workdir = args.workdir.resolve()
    try:
        if workdir == REPO_ROOT or REPO_ROOT in workdir.parents:
            # provlint walks up from the corpus for its configuration: a
            # corpus inside the repository would pick up the repo's
            # [tool.provlint] (documents = seeds/...) and check nothing.
            raise BenchError(
                f"--workdir {workdir} is inside the repository; use a folder outside it"
            )
        workdir.mkdir(parents=True, exist_ok=True)
        child_env = None
        if args.pycache:
            # Give the children a bytecode cache outside the repository.
            child_env = dict(os.environ)
            child_env.pop("PYTHONDONTWRITEBYTECODE", None)
            child_env["PYTHONPYCACHEPREFIX"] = str(args.pycache.resolve())
        result: dict[str, Any] = {"environment": environment(child_env)}
        launcher = Launcher(workdir, child_env)
        try:
            if not args.skip_corpus:
                result["corpus"] = bench_corpus(args, workdir, launcher)
            if not args.skip_startup:
                result["startup"] = bench_startup(args, launcher)
        finally:
            launcher.close()
        floor = launcher.floor
        result["environment"]["rss_floor_mib"] = floor / 2**20 if floor else None
    except BenchError as exc:
        log(f"bench_validate: error: {exc}")
        return 2
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
