#!/usr/bin/env python3
"""Performance at scale: ratios of ``provlint validate`` to baselines, in one run.

    python benchmarks/bench_scale.py [-n 10000] [--jobs 2] [--repeat 3] [--workdir DIR]
                                     [--corpus DIR ...] [--sizes 10000,100000[,1000000]]
                                     [--plot [SVG]] [--peers] [--scaling] [--skip-cold]
                                     [--skip-rerun] [--skip-startup] [--json]

Every figure is a ratio of two commands timed in the same run, alternately
(A B A B ...), so that the speed and the load of the machine cancel out.
Sections:

cold
    a bare read loop (``python -c``: walk the corpus folder, open and read
    every ``.md`` file as UTF-8 text) against
    ``provlint validate DIR --jobs J --no-cache --format json -o /dev/null``
    on a synthetic corpus of N documents; ratio of the medians (target
    <= 5x) and the peak memory of each (target <= 400 MB at 100k
    documents, <= 2 GB at 1M).
rerun
    the same command with a fresh ``--cache-dir`` (in the work folder): one
    run fills the cache, then, ``--repeat`` times, a run with nothing
    changed, one document changed (a line appended to its body, its
    INDEX.md digest updated so the corpus stays valid; ``--rerun-edit doc``
    leaves INDEX.md alone) and the re-run timed; the files are restored
    byte for byte, with their times, afterwards. Ratio re-run / cold
    (target <= 3%). Then, as the pre-commit hook runs, the same edit with
    only the changed file named on the command line, against twice
    ``python -c "import yaml"`` plus a walk that stats every file of the
    corpus (target: at most that).
peers (``--peers``)
    ``check-jsonschema --schemafile schemas/header.schema.json`` on every
    document's YAML front matter, extracted once into separate ``.yaml``
    files, against provlint running all its checks on the corpus (target
    provlint / check-jsonschema <= 1/10); ``yamllint`` too when installed.
scaling (``--scaling``)
    the cold command with ``--jobs 1`` against the same with ``--jobs J``,
    alternately, on N documents: the speed-up, wall(1) / wall(J) (target
    >= 0.9 J: 1.8x for two workers), and how much CPU each spends.
startup
    ``bench_validate.py``'s start-up comparison: provlint on the bundled
    seven-document corpus against ``python -c "import yaml"`` (target
    <= 3x).
growth (``--sizes``)
    cold time and peak memory for each size; ``--plot`` draws them as an
    SVG (default ``docs/performance-growth.svg``) and writes the figures as
    JSON next to it. 1M documents take about 6 minutes and 3.5 GB of disk
    to generate; they are only made when ``--sizes`` asks for them.

Corpora are made by ``gen_corpus.py`` and cached in the work folder, keyed
by N, seed and defect fraction (an incomplete one, without manifest.json,
is regenerated); ``--corpus DIR`` offers already generated ones. Commands
run through ``bench_validate.py``'s launcher (posix_spawn + wait4: wall
time, CPU of the process and its reaped children, and peak RSS of the
largest process). With ``--jobs`` the work is spread over several
processes, so the memory of the whole process tree is also sampled from
/proc (Linux; the sum of RSS, every ``--sample-interval`` seconds: an upper
bound, pages shared by several processes count in each).

The script asks ``provlint validate --help`` which options exist and
leaves out the ones that do not (``--jobs``, ``--no-cache``,
``--cache-dir``), saying so in the output; without ``--cache-dir`` the
rerun section is skipped. POSIX only; only the standard library is used.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_validate as bv  # noqa: E402
import gen_corpus  # noqa: E402
import plot_svg  # noqa: E402

REPO_ROOT = bv.REPO_ROOT
Sample = bv.Sample
BenchError = bv.BenchError
log = bv.log
OK = (0, 1)  # provlint: 1 = findings of error severity (the injected defects)
MB = 10**6
MIB = 2**20

TARGETS = {
    "cold_ratio": 5.0,  # cold / bare read loop
    "rerun_ratio": 0.03,  # re-run after one change / cold
    "peer_ratio": 0.1,  # provlint / check-jsonschema
    "startup_ratio": 3.0,  # provlint on the example corpus / python -c "import yaml"
    "precommit_ratio": 1.0,  # one-file run, warm cache / (2 x import yaml + stat the corpus)
    "scaling_per_job": 0.9,  # wall(--jobs 1) / wall(--jobs J) >= 0.9 J
}


def rss_target_bytes(n: int) -> int:
    """The peak-memory target for a corpus of n documents."""
    return 400 * MB if n <= 100_000 else 2000 * MB


# The baseline: the least any validator must do, read every document.
STAT_LOOP = r"""
import os, sys
total = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        total += os.stat(os.path.join(root, name)).st_size
print(total)
"""

BARE_LOOP = r"""
import os, sys
total = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith(".md"):
            with open(os.path.join(root, name), encoding="utf-8") as fh:
                total += len(fh.read())
print(total)
"""


# --------------------------------------------------------------------------
# Memory of the whole process tree
# --------------------------------------------------------------------------


def _descendants(root: int) -> list[int]:
    out: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    kids = [int(x) for x in fh.read().split()]
            except (OSError, ValueError):
                continue
            out += kids
            todo += kids
    return out


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _rss(pid: int) -> int:
    """Resident set size of one process in bytes (from /proc/PID/statm, which
    is cheap to read; smaps_rollup's PSS costs tens of ms per large process)."""
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def tree_sampling_works() -> bool:
    return Path(f"/proc/{os.getpid()}/task/{threading.get_native_id()}/children").exists()


class TreeSampler:
    """Samples the summed RSS of every descendant of ``root`` (the launcher;
    not the launcher itself) in a thread until stopped. Pages shared by
    several processes (libraries, copy-on-write pages of forked workers)
    count once per process: the sum is an upper bound of the memory used."""

    def __init__(self, root: int, interval: float) -> None:
        self.root, self.interval = root, interval
        self.peak_rss = 0
        self.peak_procs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            pids = _descendants(self.root)
            self.peak_rss = max(self.peak_rss, sum(_rss(pid) for pid in pids))
            self.peak_procs = max(self.peak_procs, len(pids))

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Run:
    sample: bv.Sample
    tree_rss: int | None = None  # sampled peak of the summed RSS of the process tree
    tree_procs: int | None = None


@dataclass
class Bench:
    """What every section needs: the launcher, the options and the cache of
    cold runs (by N) that several sections share."""

    args: argparse.Namespace
    workdir: Path
    launcher: bv.Launcher
    features: dict[str, bool]
    sample_tree: bool
    cold: dict[int, dict[str, Any]] = field(default_factory=dict)
    corpora: dict[int, tuple[Path, dict[str, Any], bool]] = field(default_factory=dict)

    def run(self, cmd: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> Run:
        try:
            if not self.sample_tree:
                return Run(self.launcher.run(cmd, cwd, ok))
            with TreeSampler(self.launcher.proc.pid, self.args.sample_interval) as ts:
                s = self.launcher.run(cmd, cwd, ok)
        except BenchError as exc:
            if "provlint" in cmd and "/dev/null" in cmd:
                raise BenchError(
                    f"{exc}\n(the report went to /dev/null: run the command with "
                    "'--format text' instead of '--format json -o /dev/null' to see the findings; "
                    "exit 3 means internal errors)"
                ) from exc
            raise
        return Run(s, ts.peak_rss or None, ts.peak_procs or None)

    # -- commands ----------------------------------------------------------

    def validate_cmd(self, folder: Path, cache: Path | None, output: str = os.devnull) -> list[str]:
        """``provlint validate`` with the options this provlint supports:
        cache None = no cache (--no-cache), else --cache-dir cache."""
        cmd = [sys.executable, "-m", "provlint", "validate", str(folder)]
        if self.features["--jobs"]:
            cmd += ["--jobs", str(self.args.jobs)]
        if cache is None:
            if self.features["--no-cache"]:
                cmd.append("--no-cache")
        else:
            cmd += ["--cache-dir", str(cache)]
        return [*cmd, "--format", "json", "-o", output]

    def shown_validate(self, cache: bool) -> str:
        parts = ["provlint validate DIR"]
        if self.features["--jobs"]:
            parts.append(f"--jobs {self.args.jobs}")
        if cache:
            parts.append("--cache-dir CACHE")
        elif self.features["--no-cache"]:
            parts.append("--no-cache")
        parts.append("--format json -o /dev/null")
        return " ".join(parts)

    def corpus(self, n: int) -> tuple[Path, dict[str, Any], bool]:
        if n not in self.corpora:
            self.corpora[n] = find_or_make_corpus(self.args, self.workdir, n)
        return self.corpora[n]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def source_state(provlint_path: str | None) -> dict[str, tuple[int, int]]:
    """Size and modification time of provlint's source files (its package
    and a ``plugins`` folder beside it), to notice edits during a run."""
    if not provlint_path:
        return {}
    pkg = Path(provlint_path).resolve().parent
    out: dict[str, tuple[int, int]] = {}
    for folder in (pkg, pkg.parent / "plugins"):
        for f in folder.rglob("*.py") if folder.is_dir() else ():
            try:
                st = f.stat()
            except OSError:
                continue
            out[str(f)] = (st.st_size, st.st_mtime_ns)
    return out


def cli_features() -> dict[str, bool]:
    """Which of the scale options ``provlint validate`` accepts."""
    r = subprocess.run(
        [sys.executable, "-m", "provlint", "validate", "--help"],
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    text = r.stdout + r.stderr
    return {opt: opt in text for opt in ("--jobs", "--no-cache", "--cache-dir")}


def find_or_make_corpus(
    args: argparse.Namespace, workdir: Path, n: int
) -> tuple[Path, dict[str, Any], bool]:
    """A complete corpus of n documents: one of the ``--corpus`` folders whose
    manifest matches, else the work folder's cached one (made if needed)."""
    want = (gen_corpus.FORMAT_VERSION, n, args.seed, args.defects)
    for folder in args.corpus or []:
        try:
            m = json.loads((folder / gen_corpus.MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (m.get("format"), m.get("n"), m.get("seed"), m.get("defects")) == want:
            check_outside_repo(folder.resolve(), "--corpus")
            return folder.resolve(), m, True
    return bv.ensure_corpus(workdir, n, args.seed, args.defects, args.regenerate)


def check_outside_repo(path: Path, what: str) -> None:
    # provlint walks up from the corpus for its configuration: a corpus inside
    # the repository would pick up the repository's own [tool.provlint].
    if path == REPO_ROOT or REPO_ROOT in path.parents:
        raise BenchError(f"{what} {path} is inside the repository; use a folder outside it")


def summary(runs: list[Run]) -> dict[str, Any]:
    out = bv.summarise([r.sample for r in runs])
    rss = [r.tree_rss for r in runs if r.tree_rss]
    procs = [r.tree_procs for r in runs if r.tree_procs]
    out["tree_rss_peak_mib"] = max(rss) / MIB if rss else None
    out["tree_processes"] = max(procs) if procs else None
    return out


def mem_peak_bytes(s: dict[str, Any]) -> float:
    """The memory figure compared with the target: the sampled RSS sum of the
    whole process tree when there is one, else the largest process."""
    mib = max(s["peak_rss_mib"], s.get("tree_rss_peak_mib") or 0.0)
    return float(mib * MIB)


def alternate(
    bench: Bench, cases: list[tuple[str, list[str], Path, tuple[int, ...]]], what: str
) -> dict[str, list[Run]]:
    """``--warmup`` untimed rounds (default 1), then ``--repeat`` rounds of A B C ..."""
    runs: dict[str, list[Run]] = {name: [] for name, *_ in cases}
    for _ in range(bench.args.warmup):
        log(f"{what}: warm-up round ...")
        for _, cmd, cwd, ok in cases:
            bench.run(cmd, cwd, ok)
    for i in range(bench.args.repeat):
        for name, cmd, cwd, ok in cases:
            r = bench.run(cmd, cwd, ok)
            runs[name].append(r)
            log(
                f"{what}: round {i + 1}/{bench.args.repeat}: {name}: {r.sample.wall:.3f} s, "
                f"{r.sample.rss / MIB:.0f} MiB"
            )
    return runs


# --------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------


def bench_cold(bench: Bench, n: int) -> dict[str, Any]:
    """Bare read loop against provlint cold, alternately, on N documents."""
    if n in bench.cold:
        return bench.cold[n]
    folder, manifest, _ = bench.corpus(n)
    cases = [
        ("bare", [sys.executable, "-c", BARE_LOOP, str(folder)], folder, (0,)),
        ("provlint", bench.validate_cmd(folder, None), folder, OK),
    ]
    runs = alternate(bench, cases, f"cold n={n}")
    bare, pv = summary(runs["bare"]), summary(runs["provlint"])
    out = {
        "n": n,
        "corpus_dir": str(folder),
        "corpus_mb": manifest.get("document_bytes", 0) / MB,
        "bare_command": 'python -c "<walk DIR, read every .md as UTF-8>" DIR',
        "command": bench.shown_validate(cache=False),
        "bare": bare,
        "provlint": pv,
        "ratio_wall": pv["wall_median_s"] / bare["wall_median_s"],
        "ratio_cpu": pv["cpu_median_s"] / bare["cpu_median_s"],
        "docs_per_s": n / pv["wall_median_s"],
        "rss_target_mb": rss_target_bytes(n) / MB,
        "memory_mb": mem_peak_bytes(pv) / MB,
    }
    bench.cold[n] = out
    return out


def bench_scaling(bench: Bench, n: int) -> dict[str, Any]:
    """``--jobs 1`` against ``--jobs J``, cold, alternately, on N documents."""
    folder, _, _ = bench.corpus(n)
    one = bench.validate_cmd(folder, None)
    at = one.index("--jobs") + 1
    one[at] = "1"
    cases = [
        ("--jobs 1", one, folder, OK),
        (f"--jobs {bench.args.jobs}", bench.validate_cmd(folder, None), folder, OK),
    ]
    runs = alternate(bench, cases, f"scaling n={n}")
    s1, sj = summary(runs[cases[0][0]]), summary(runs[cases[1][0]])
    return {
        "n": n,
        "jobs": bench.args.jobs,
        "command": bench.shown_validate(cache=False),
        "cases": {cases[0][0]: s1, cases[1][0]: sj},
        "speedup": s1["wall_median_s"] / sj["wall_median_s"],
        "cpu_ratio": sj["cpu_median_s"] / s1["cpu_median_s"],
        "goal": TARGETS["scaling_per_job"] * bench.args.jobs,
    }


def _index_row(index_text: str, rel: str) -> tuple[int, int, str]:
    """(start, end, sha256) of the INDEX.md row naming document ``rel``."""
    at = index_text.find(f"| {rel} |")
    if at < 0:
        raise BenchError(f"INDEX.md has no row for {rel}")
    start = index_text.rfind("\n", 0, at) + 1
    end = index_text.find("\n", at)
    end = len(index_text) if end < 0 else end
    cells = [c.strip() for c in index_text[start:end].strip().strip("|").split("|")]
    return start, end, cells[-1]


def pick_documents(folder: Path, manifest: dict[str, Any], count: int) -> list[Path]:
    """``count`` documents without injected defects, spread over the corpus."""
    n = manifest["n"]
    width = gen_corpus.doc_id_width(n)
    bad = set(manifest.get("defective_ids", {}))
    picked: list[Path] = []
    for k in range(count):
        i = (k + 1) * n // (count + 1)
        while i < n and f"doc-{i:0{width}d}" in bad:
            i += 1
        path = folder / "docs" / f"{i // gen_corpus.SHARD_SIZE:04d}" / f"doc-{i:0{width}d}.md"
        if i >= n or not path.is_file():
            raise BenchError(f"cannot find document {i} of the corpus at {path}")
        picked.append(path)
    return picked


class Saved:
    """A file's bytes and times, put back by restore()."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()
        st = path.stat()
        self.times = (st.st_atime_ns, st.st_mtime_ns)

    def restore(self) -> None:
        self.path.write_bytes(self.data)
        os.utime(self.path, ns=self.times)


def edit_document(folder: Path, doc: Path, k: int, update_index: bool) -> list[Saved]:
    """Append a line to doc's body (and update its INDEX.md digest); returns
    what to restore."""
    saved = [Saved(doc)]
    new = saved[0].data
    if not new.endswith(b"\n"):
        new += b"\n"
    new += f"\nA line appended by bench_scale.py, change {k + 1}.\n".encode()
    if update_index:
        index = folder / "INDEX.md"
        saved.append(Saved(index))
        text = saved[1].data.decode("utf-8")
        rel = doc.relative_to(folder).as_posix()
        start, end, old = _index_row(text, rel)
        if old != hashlib.sha256(saved[0].data).hexdigest():
            raise BenchError(f"INDEX.md's digest for {rel} is not the file's")
        row = text[start:end].replace(old, hashlib.sha256(new).hexdigest())
        try:
            doc.write_bytes(new)
            index.write_bytes((text[:start] + row + text[end:]).encode("utf-8"))
        except BaseException:
            for s in saved:
                s.restore()
            raise
    else:
        doc.write_bytes(new)
    return saved


def bench_rerun(bench: Bench, n: int) -> dict[str, Any]:
    if not bench.features["--cache-dir"]:
        return {"skipped": "provlint validate has no --cache-dir option (yet)"}
    cold = bench_cold(bench, n)
    folder, manifest, _ = bench.corpus(n)
    update_index = bench.args.rerun_edit == "doc+index"
    docs = pick_documents(folder, manifest, bench.args.repeat)
    cache = Path(tempfile.mkdtemp(prefix=f"cache-n{n}-", dir=bench.workdir))
    fill: list[Run] = []
    unchanged: list[Run] = []
    changed: list[Run] = []
    edited: list[str] = []
    try:
        log(f"rerun n={n}: filling the cache in {cache} ...")
        fill.append(bench.run(bench.validate_cmd(folder, cache), folder, OK))
        log(f"rerun n={n}: cache fill: {fill[0].sample.wall:.3f} s")
        for k, doc in enumerate(docs):
            # A run with nothing changed: the cache is current again after
            # the previous repetition's restore.
            r0 = bench.run(bench.validate_cmd(folder, cache), folder, OK)
            unchanged.append(r0)
            saved = edit_document(folder, doc, k, update_index)
            try:
                r1 = bench.run(bench.validate_cmd(folder, cache), folder, OK)
            finally:
                for s in saved:
                    s.restore()
            changed.append(r1)
            edited.append(doc.relative_to(folder).as_posix())
            log(
                f"rerun n={n}: {k + 1}/{len(docs)}: unchanged {r0.sample.wall:.3f} s, "
                f"{edited[-1]} changed {r1.sample.wall:.3f} s"
            )
        # As the pre-commit hook runs: the changed file alone named, the
        # rest of the corpus from the warm cache; against twice a bare
        # `import yaml` plus a walk that stats every file of the corpus.
        hook: list[Run] = []
        imports: list[Run] = []
        stats: list[Run] = []
        for k, doc in enumerate(docs):
            imports.append(bench.run([sys.executable, "-c", "import yaml"], folder))
            stats.append(bench.run([sys.executable, "-c", STAT_LOOP, str(folder)], folder))
            # Another edit than the re-run's: the cache has not seen it.
            saved = edit_document(folder, doc, len(docs) + k, update_index)
            try:
                cmd = bench.validate_cmd(folder, cache)
                cmd[cmd.index(str(folder))] = str(doc)
                hook.append(bench.run(cmd, folder, OK))
            finally:
                for s in saved:
                    s.restore()
            log(f"rerun n={n}: one-file run {hook[-1].sample.wall:.3f} s")
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    ch = summary(changed)
    budget = 2 * summary(imports)["wall_median_s"] + summary(stats)["wall_median_s"]
    precommit = {
        "one_file": summary(hook),
        "import_yaml": summary(imports),
        "stat_corpus": summary(stats),
        "budget_s": budget,
        "ratio": summary(hook)["wall_median_s"] / budget,
    }
    return {
        "n": n,
        "command": bench.shown_validate(cache=True),
        "edit": "append a line to the body; update the INDEX.md digest"
        if update_index
        else "append a line to the body (INDEX.md not updated: checksum-mismatch)",
        "edited": edited,
        "cache_fill": summary(fill),
        "unchanged": summary(unchanged),
        "one_changed": ch,
        "cold_wall_median_s": cold["provlint"]["wall_median_s"],
        "ratio_wall": ch["wall_median_s"] / cold["provlint"]["wall_median_s"],
        "ratio_unchanged": summary(unchanged)["wall_median_s"] / cold["provlint"]["wall_median_s"],
        "precommit": precommit,
    }


def extract_headers(folder: Path, workdir: Path, manifest: dict[str, Any]) -> tuple[Path, int]:
    """Write each document's YAML front matter to its own .yaml file (once:
    cached in the work folder, complete when ``done.json`` exists)."""
    out = workdir / (
        f"headers-n{manifest['n']}-seed{manifest['seed']}-defects{manifest['defects']:g}"
    )
    done = out / "done.json"
    if done.is_file():
        try:
            return out, int(json.loads(done.read_text(encoding="utf-8"))["files"])
        except (OSError, ValueError, KeyError):
            pass
    if out.exists():
        shutil.rmtree(out)
    log(f"peers: extracting the YAML headers into {out} ...")
    count = 0
    for shard in sorted((folder / "docs").iterdir()):
        if not shard.is_dir():
            continue
        target = out / shard.name
        target.mkdir(parents=True)
        for doc in sorted(shard.glob("*.md")):
            text = doc.read_text(encoding="utf-8")
            if not text.startswith("---\n"):
                continue
            end = text.find("\n---\n", 3)
            if end < 0:
                continue
            (target / (doc.stem + ".yaml")).write_text(text[4 : end + 1], encoding="utf-8")
            count += 1
    done.write_text(json.dumps({"files": count}), encoding="utf-8")
    return out, count


def arg_chunks(files: list[str], fixed: int) -> list[list[str]]:
    """Split ``files`` so that each command line stays well under ARG_MAX."""
    try:
        arg_max = os.sysconf("SC_ARG_MAX")
    except (ValueError, OSError):
        arg_max = 131072
    env = sum(len(k) + len(v) + 2 for k, v in os.environ.items())
    room = max(16384, min(arg_max // 2, 1 << 20) - env - fixed)
    chunks: list[list[str]] = [[]]
    used = 0
    for f in files:
        size = len(f) + 1 + 8  # the string, its NUL and its argv pointer
        if chunks[-1] and used + size > room:
            chunks.append([])
            used = 0
        chunks[-1].append(f)
        used += size
    return chunks


def find_tool(name: str) -> str | None:
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def bench_peers(bench: Bench, n: int) -> dict[str, Any]:
    folder, manifest, _ = bench.corpus(n)
    headers, count = extract_headers(folder, bench.workdir, manifest)
    files = sorted(p.relative_to(headers).as_posix() for p in headers.glob("*/*.yaml"))
    schema = REPO_ROOT / "schemas" / "header.schema.json"
    tools: list[tuple[str, str, list[str]]] = []
    cjs = find_tool("check-jsonschema")
    if cjs:
        tools.append(
            (
                "check-jsonschema",
                "check-jsonschema --schemafile schemas/header.schema.json FILE.yaml ...",
                [cjs, "--schemafile", str(schema)],
            )
        )
    yl = find_tool("yamllint")
    if yl:
        tools.append(("yamllint", "yamllint -d relaxed FILE.yaml ...", [yl, "-d", "relaxed"]))
    if not tools:
        return {"skipped": "neither check-jsonschema nor yamllint is installed"}

    def run_chunked(base: list[str]) -> Run:
        runs = [
            bench.run([*base, *chunk], headers, OK)
            for chunk in arg_chunks(files, sum(len(a) + 9 for a in base))
        ]
        s = bv.Sample(
            wall=sum(r.sample.wall for r in runs),
            cpu=sum(r.sample.cpu for r in runs),
            rss=max(r.sample.rss for r in runs),
            code=max(r.sample.code for r in runs),
        )
        tree = [r.tree_rss for r in runs if r.tree_rss]
        return Run(s, max(tree) if tree else None, None)

    # alternate() runs plain commands; the peers may need several chunks each.
    names = ["provlint", *(t[0] for t in tools)]
    runs: dict[str, list[Run]] = {name: [] for name in names}
    pv_cmd = bench.validate_cmd(folder, None)
    log("peers: warm-up round ...")
    bench.run(pv_cmd, folder, OK)
    for _, _, base in tools:
        run_chunked(base)
    for i in range(bench.args.repeat):
        runs["provlint"].append(bench.run(pv_cmd, folder, OK))
        for name, _, base in tools:
            runs[name].append(run_chunked(base))
        log(
            f"peers: round {i + 1}/{bench.args.repeat}: "
            + ", ".join(f"{k} {v[-1].sample.wall:.3f} s" for k, v in runs.items())
        )
    pv = summary(runs["provlint"])
    out: dict[str, Any] = {
        "n": n,
        "header_files": count,
        "invocations": len(arg_chunks(files, 0)),
        "provlint": {"command": bench.shown_validate(cache=False), **pv},
        "peers": {},
    }
    for name, shown, _ in tools:
        s = summary(runs[name])
        out["peers"][name] = {
            "command": shown,
            **s,
            "ratio_provlint_to_peer": pv["wall_median_s"] / s["wall_median_s"],
            "ratio_cpu": pv["cpu_median_s"] / s["cpu_median_s"],
        }
    return out


def bench_growth(bench: Bench, sizes: list[int]) -> dict[str, Any]:
    points = []
    for n in sizes:
        c = bench_cold(bench, n)
        pv, bare = c["provlint"], c["bare"]
        points.append(
            {
                "n": n,
                "wall_median_s": pv["wall_median_s"],
                "cpu_median_s": pv["cpu_median_s"],
                "peak_rss_mib": pv["peak_rss_mib"],
                "tree_rss_peak_mib": pv["tree_rss_peak_mib"],
                "bare_wall_median_s": bare["wall_median_s"],
                "bare_peak_rss_mib": bare["peak_rss_mib"],
                "ratio_wall": c["ratio_wall"],
                "ms_per_doc": 1000 * pv["wall_median_s"] / n,
                "kib_per_doc": mem_peak_bytes(pv) / 1024 / n,
            }
        )
    out: dict[str, Any] = {"command": bench.shown_validate(cache=False), "points": points}
    if len(points) >= 2:
        a, b = points[0], points[-1]
        out["time_growth_vs_n_growth"] = (b["wall_median_s"] / a["wall_median_s"]) / (
            b["n"] / a["n"]
        )
    return out


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def targets_table(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cold = result.get("cold")
    if cold:
        rows.append(
            {
                "target": f"cold / bare read loop, N={cold['n']}",
                "measured": f"{cold['provlint']['wall_median_s']:.2f} s vs "
                f"{cold['bare']['wall_median_s']:.2f} s",
                "ratio": cold["ratio_wall"],
                "goal": f"<= {TARGETS['cold_ratio']:g}x",
                "met": cold["ratio_wall"] <= TARGETS["cold_ratio"],
            }
        )
        rows.append(
            {
                "target": f"peak memory, N={cold['n']}",
                "measured": f"{cold['memory_mb']:.0f} MB",
                "ratio": cold["memory_mb"] / cold["rss_target_mb"],
                "goal": f"<= {cold['rss_target_mb']:.0f} MB",
                "met": cold["memory_mb"] <= cold["rss_target_mb"],
            }
        )
    for p in (result.get("growth") or {}).get("points", []):
        if cold and p["n"] == cold["n"]:
            continue
        mem = p["kib_per_doc"] * 1024 * p["n"] / MB
        goal = rss_target_bytes(p["n"]) / MB
        rows.append(
            {
                "target": f"cold / bare read loop, N={p['n']}",
                "measured": f"{p['wall_median_s']:.2f} s vs {p['bare_wall_median_s']:.2f} s",
                "ratio": p["ratio_wall"],
                "goal": f"<= {TARGETS['cold_ratio']:g}x",
                "met": p["ratio_wall"] <= TARGETS["cold_ratio"],
            }
        )
        rows.append(
            {
                "target": f"peak memory, N={p['n']}",
                "measured": f"{mem:.0f} MB",
                "ratio": mem / goal,
                "goal": f"<= {goal:.0f} MB",
                "met": mem <= goal,
            }
        )
    rr = result.get("rerun")
    if rr and "skipped" not in rr:
        rows.append(
            {
                "target": f"re-run, one document changed / cold, N={rr['n']}",
                "measured": f"{rr['one_changed']['wall_median_s']:.3f} s vs "
                f"{rr['cold_wall_median_s']:.2f} s",
                "ratio": rr["ratio_wall"],
                "goal": f"<= {TARGETS['rerun_ratio']:.0%}",
                "met": rr["ratio_wall"] <= TARGETS["rerun_ratio"],
            }
        )
    if rr and "precommit" in rr:
        pc = rr["precommit"]
        rows.append(
            {
                "target": f"one-file run, warm cache / (2 x import yaml + stat), N={rr['n']}",
                "measured": f"{pc['one_file']['wall_median_s']:.3f} s vs {pc['budget_s']:.3f} s",
                "ratio": pc["ratio"],
                "goal": f"<= {TARGETS['precommit_ratio']:g}x",
                "met": pc["ratio"] <= TARGETS["precommit_ratio"],
            }
        )
    pe = result.get("peers")
    if pe and "skipped" not in pe and "check-jsonschema" in pe["peers"]:
        c = pe["peers"]["check-jsonschema"]
        rows.append(
            {
                "target": f"provlint (all checks) / check-jsonschema, N={pe['n']}",
                "measured": f"{pe['provlint']['wall_median_s']:.2f} s vs "
                f"{c['wall_median_s']:.2f} s",
                "ratio": c["ratio_provlint_to_peer"],
                "goal": "<= 1/10",
                "met": c["ratio_provlint_to_peer"] <= TARGETS["peer_ratio"],
            }
        )
    sc = result.get("scaling")
    if sc:
        rows.append(
            {
                "target": f"--jobs 1 / --jobs {sc['jobs']} (speed-up), N={sc['n']}",
                "measured": _scaling_measured(sc),
                "ratio": sc["speedup"],
                "goal": f">= {sc['goal']:.1f}x",
                "met": sc["speedup"] >= sc["goal"],
            }
        )
    st = result.get("startup")
    if st:
        rows.append(
            {
                "target": 'start-up: example corpus / python -c "import yaml"',
                "measured": f"{st['cases']['provlint']['wall_median_s'] * 1000:.0f} ms vs "
                f"{st['cases']['import yaml']['wall_median_s'] * 1000:.0f} ms",
                "ratio": st["ratio_provlint_to_import_yaml"],
                "goal": f"<= {TARGETS['startup_ratio']:g}x",
                "met": st["ratio_provlint_to_import_yaml"] <= TARGETS["startup_ratio"],
            }
        )
    return rows


def _scaling_measured(sc: dict[str, Any]) -> str:
    one, many = sc["cases"].values()
    return f"{one['wall_median_s']:.2f} s vs {many['wall_median_s']:.2f} s"


def _ratio(x: float) -> str:
    return f"{x:.1%}" if x < 0.1 else f"{x:.2f}x"


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    out = []
    for j, r in enumerate([head, *rows]):
        cells = [r[0].ljust(widths[0])] + [
            x.rjust(w) for x, w in zip(r[1:], widths[1:], strict=True)
        ]
        out.append("  " + "  ".join(cells).rstrip())
        if j == 0:
            out.append("  " + "  ".join("-" * w for w in widths))
    return out


def _cases_rows(cases: dict[str, dict[str, Any]]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for name, s in cases.items():
        tree = s.get("tree_rss_peak_mib")
        rows.append(
            (
                name,
                f"{s['wall_median_s']:.3f}",
                f"{s['wall_min_s']:.3f}",
                f"{s['wall_max_s']:.3f}",
                f"{s['cpu_median_s']:.3f}",
                f"{s['peak_rss_mib']:.0f}",
                f"{tree:.0f}" if tree else "-",
            )
        )
    return rows


CASE_HEAD = ("", "median s", "min s", "max s", "CPU s", "RSS MiB", "tree RSS MiB")


def render_text(result: dict[str, Any]) -> str:
    env = result["environment"]
    lines = ["provlint scale benchmark", "=" * 24]
    lines.append(f"python    {env['python']} ({env['executable']})")
    lines.append(
        f"provlint  {env.get('provlint')} ({env.get('provlint_path')})"
        + (f", git {env['git']}" if env.get("git") else "")
    )
    lines.append(
        f"platform  {env['platform']}, {env['cpus']} CPUs"
        + (f", load {env['loadavg_at_start']}" if env.get("loadavg_at_start") else "")
    )
    missing = [k for k, v in result["cli_features"].items() if not v]
    lines.append(
        "options   "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in result["cli_features"].items())
        + (f" (left out of the commands: {', '.join(missing)})" if missing else "")
    )
    lines.append(
        f"memory    RSS = peak of the largest process (wait4); tree RSS = sampled sum over "
        f"the process tree every {result['sample_interval_s']} s"
        if result["tree_sampling"]
        else "memory    RSS = peak of the largest process (wait4); tree sampling off"
    )
    if not env["bytecode_cache"]:
        lines.append("bytecode  NOT cached (PYTHONDONTWRITEBYTECODE): modules compile at start")
    if result.get("source_changed_during_run"):
        lines.append(
            "WARNING   provlint's source changed during the run (the figures mix versions, "
            "and an edit invalidates the result cache): "
            + ", ".join(result["source_changed_during_run"])
        )

    c = result.get("cold")
    if c:
        lines += ["", f"Cold: N={c['n']} ({c['corpus_mb']:.0f} MB) in {c['corpus_dir']}"]
        lines.append(f"  bare:     {c['bare_command']}")
        lines.append(f"  provlint: {c['command']}")
        lines += _table(CASE_HEAD, _cases_rows({"bare": c["bare"], "provlint": c["provlint"]}))
        lines.append(
            f"  provlint / bare: {c['ratio_wall']:.2f}x wall, {c['ratio_cpu']:.2f}x CPU; "
            f"{c['docs_per_s']:,.0f} documents/s"
        )
    rr = result.get("rerun")
    if rr:
        lines.append("")
        if "skipped" in rr:
            lines.append(f"Re-run: skipped: {rr['skipped']}")
        else:
            lines.append(f"Re-run: N={rr['n']}, {rr['command']}")
            lines.append(f"  edit: {rr['edit']}; files: {', '.join(rr['edited'])}")
            lines += _table(
                CASE_HEAD,
                _cases_rows(
                    {
                        "cache fill": rr["cache_fill"],
                        "nothing changed": rr["unchanged"],
                        "one changed": rr["one_changed"],
                        **(
                            {
                                "one file named": rr["precommit"]["one_file"],
                                "import yaml": rr["precommit"]["import_yaml"],
                                "stat the corpus": rr["precommit"]["stat_corpus"],
                            }
                            if "precommit" in rr
                            else {}
                        ),
                    }
                ),
            )
            lines.append(
                f"  one changed / cold: {_ratio(rr['ratio_wall'])}; nothing changed / cold: "
                f"{_ratio(rr['ratio_unchanged'])} (cold {rr['cold_wall_median_s']:.3f} s)"
            )
    pe = result.get("peers")
    if pe:
        lines.append("")
        if "skipped" in pe:
            lines.append(f"Peers: skipped: {pe['skipped']}")
        else:
            lines.append(
                f"Peers: N={pe['n']}, {pe['header_files']} YAML headers, "
                f"{pe['invocations']} invocation(s) per peer run"
            )
            lines.append(f"  provlint: {pe['provlint']['command']}")
            for name, p in pe["peers"].items():
                lines.append(f"  {name}: {p['command']}")
            lines += _table(CASE_HEAD, _cases_rows({"provlint": pe["provlint"], **pe["peers"]}))
            for name, p in pe["peers"].items():
                lines.append(
                    f"  provlint / {name}: {_ratio(p['ratio_provlint_to_peer'])} wall, "
                    f"{_ratio(p['ratio_cpu'])} CPU"
                )
    sc = result.get("scaling")
    if sc:
        lines += ["", f"Scaling: N={sc['n']}, {sc['command']} against --jobs 1"]
        lines += _table(CASE_HEAD, _cases_rows(sc["cases"]))
        lines.append(
            f"  speed-up --jobs {sc['jobs']}: {sc['speedup']:.2f}x wall "
            f"(goal >= {sc['goal']:.1f}x); CPU {sc['cpu_ratio']:.2f}x of --jobs 1"
        )
    st = result.get("startup")
    if st:
        lines += ["", f"Start-up: {st['rounds']} alternating rounds (bench_validate.py)"]
        lines += _table(CASE_HEAD, _cases_rows(st["cases"]))
        lines.append(
            f"  provlint / import yaml: {st['ratio_provlint_to_import_yaml']:.2f}x "
            f"(+{st['provlint_minus_import_yaml_ms']:.0f} ms); provlint / python -c pass: "
            f"{st['ratio_provlint_to_python']:.2f}x"
        )
    g = result.get("growth")
    if g:
        lines += ["", f"Growth: {g['command']}"]
        head = ("N", "wall s", "CPU s", "ms/doc", "bare s", "ratio", "RSS MiB", "tree RSS MiB")
        rows = [
            (
                f"{p['n']:,}",
                f"{p['wall_median_s']:.2f}",
                f"{p['cpu_median_s']:.2f}",
                f"{p['ms_per_doc']:.3f}",
                f"{p['bare_wall_median_s']:.2f}",
                f"{p['ratio_wall']:.2f}x",
                f"{p['peak_rss_mib']:.0f}",
                f"{p['tree_rss_peak_mib']:.0f}" if p["tree_rss_peak_mib"] else "-",
            )
            for p in g["points"]
        ]
        lines += _table(head, rows)
        if "time_growth_vs_n_growth" in g:
            lines.append(
                f"  time grows {g['time_growth_vs_n_growth']:.2f}x as fast as N (1.00 = linear)"
            )
        if result.get("plot"):
            lines.append(f"  plot: {result['plot']} (figures: {result['plot_figures']})")
    rows_t = result.get("targets", [])
    if rows_t:
        lines += ["", "Targets"]
        lines += _table(
            ("target", "measured", "ratio", "goal", "met"),
            [
                (
                    t["target"],
                    t["measured"],
                    _ratio(t["ratio"]),
                    t["goal"],
                    "yes" if t["met"] else "NO",
                )
                for t in rows_t
            ],
        )
    return "\n".join(lines) + "\n"


def write_plot(result: dict[str, Any], svg: Path) -> Path:
    env = result["environment"]
    subtitle = f" ({env['cpus']} CPUs, --jobs {result['jobs']})"
    svg.parent.mkdir(parents=True, exist_ok=True)
    svg.write_text(plot_svg.growth_svg(result["growth"]["points"], subtitle), encoding="utf-8")
    figures = svg.with_suffix(".json")
    data = {
        "subtitle": subtitle,
        "environment": env,
        "cli_features": result["cli_features"],
        "command": result["growth"]["command"],
        "growth": result["growth"]["points"],
        "cold": result.get("cold"),
        "targets": result.get("targets"),
    }
    figures.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return figures


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(x.replace("_", "")) for x in text.split(",") if x.strip()})
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a list of integers: {text!r}") from exc
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Ratios of 'provlint validate' to baselines at scale, measured in one run "
        "(see benchmarks/README.md).",
    )
    ap.add_argument("-n", type=int, default=10000, help="documents for cold/rerun (default 10000)")
    ap.add_argument(
        "--sizes",
        type=_sizes,
        metavar="N,N,...",
        help="growth: cold time and memory for each size, e.g. 10000,100000,1000000 "
        "(1M: ~6 min and ~3.5 GB of disk to generate)",
    )
    ap.add_argument("--jobs", type=int, default=2, help="provlint --jobs (default 2)")
    ap.add_argument("--repeat", type=int, default=3, help="timed rounds per section (default 3)")
    ap.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="untimed rounds before the timed ones (default 1; 0 suits a 1M-document run)",
    )
    ap.add_argument(
        "--peers",
        action="store_true",
        help="compare with check-jsonschema (and yamllint when installed)",
    )
    ap.add_argument(
        "--peers-n", type=int, default=10000, help="documents for --peers (default 10000)"
    )
    ap.add_argument("--startup-repeat", type=int, default=20, help="start-up rounds (default 20)")
    ap.add_argument(
        "--rerun-edit",
        choices=("doc+index", "doc"),
        default="doc+index",
        help="rerun: also update the changed document's INDEX.md digest (default), or not",
    )
    bv.add_corpus_options(ap)
    ap.add_argument(
        "--corpus",
        type=Path,
        action="append",
        metavar="DIR",
        help="an already generated corpus (gen_corpus.py) to use when its manifest matches "
        "a needed N, seed and defect fraction; repeatable",
    )
    ap.add_argument(
        "--sample-interval",
        type=float,
        default=0.1,
        help="seconds between samples of the process tree's memory (0: off; default 0.1)",
    )
    ap.add_argument(
        "--plot",
        type=Path,
        nargs="?",
        const=REPO_ROOT / "docs" / "performance-growth.svg",
        metavar="SVG",
        help="write the growth plot (needs --sizes; default docs/performance-growth.svg) "
        "and its figures as JSON next to it",
    )
    ap.add_argument(
        "--scaling",
        action="store_true",
        help="compare --jobs 1 with --jobs J, cold, on N documents",
    )
    ap.add_argument("--skip-cold", action="store_true", help="skip the cold comparison")
    ap.add_argument("--skip-rerun", action="store_true", help="skip the one-change re-run")
    ap.add_argument("--skip-startup", action="store_true", help="skip the start-up comparison")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    if min(args.n, args.jobs, args.repeat, args.peers_n, args.startup_repeat) < 1:
        ap.error("-n, --jobs, --repeat, --peers-n and --startup-repeat must be at least 1")
    if not 0.0 <= args.defects <= 1.0:
        ap.error("--defects must be between 0 and 1")
    if args.plot and not args.sizes:
        ap.error("--plot needs --sizes")
    if not hasattr(os, "posix_spawn") or not hasattr(os, "wait4"):
        ap.error("POSIX only (os.posix_spawn, os.wait4)")

    workdir = args.workdir.resolve()
    try:
        check_outside_repo(workdir, "--workdir")
        workdir.mkdir(parents=True, exist_ok=True)
        features = cli_features()
        sampling = args.sample_interval > 0 and tree_sampling_works()
        result: dict[str, Any] = {
            "environment": bv.environment(None),
            "cli_features": features,
            "jobs": args.jobs,
            "repeat": args.repeat,
            "tree_sampling": sampling,
            "sample_interval_s": args.sample_interval if sampling else None,
        }
        sources = source_state(result["environment"].get("provlint_path"))
        missing = [k for k, v in features.items() if not v]
        if missing:
            log(f"provlint validate does not accept {', '.join(missing)} yet: left out")
        launcher = bv.Launcher(workdir)
        bench = Bench(args, workdir, launcher, features, sampling)
        try:
            if not args.skip_cold:
                result["cold"] = bench_cold(bench, args.n)
            if not args.skip_rerun:
                result["rerun"] = bench_rerun(bench, args.n)
            if args.peers:
                result["peers"] = bench_peers(bench, args.peers_n)
            if args.scaling:
                result["scaling"] = bench_scaling(bench, args.n)
            if not args.skip_startup:
                ns = argparse.Namespace(startup_repeat=args.startup_repeat)
                result["startup"] = bv.bench_startup(ns, launcher)
            if args.sizes:
                result["growth"] = bench_growth(bench, args.sizes)
        finally:
            launcher.close()
        after = source_state(result["environment"].get("provlint_path"))
        changed = sorted(f for f in sources.keys() | after.keys() if sources.get(f) != after.get(f))
        result["source_changed_during_run"] = [Path(f).name for f in changed]
        if changed:
            log(f"warning: provlint's source changed during the run: {', '.join(changed)}")
        floor = launcher.floor
        result["environment"]["rss_floor_mib"] = floor / MIB if floor else None
        result["targets"] = targets_table(result)
        if args.plot:
            result["plot"] = str(args.plot)
            result["plot_figures"] = str(write_plot(result, args.plot))
    except BenchError as exc:
        log(f"bench_scale: error: {exc}")
        return 2
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_text(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
