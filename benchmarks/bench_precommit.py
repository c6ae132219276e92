#!/usr/bin/env python3
"""How long a one-document ``git commit`` takes through the ``provlint`` pre-commit hook.

    python benchmarks/bench_precommit.py [--sizes 2000,20000] [--repeat 5]
                                         [--workdir DIR] [--defects 0.02] [--json]

Public tools only: ``git`` and the real ``pre-commit`` (``pip install
pre-commit``; the test extra has it). For each size N:

1. ``gen_corpus.py`` writes N documents (with ``--defects`` of them given a
   defect: committed defects that the hook must not report) into a fresh
   git repository, ``.provlint_cache/`` is git-ignored, and everything is
   committed without hooks;
2. the repository's ``.pre-commit-config.yaml`` uses the ``provlint`` hook
   of a snapshot of this checkout (its files as they are in the working
   tree, committed into a throwaway repository, as the tests do);
   ``pre-commit install`` and ``install-hooks`` build the hook environment
   (``pip install`` of the snapshot, so a package index must be reachable);
3. the first commit through the hook is timed on its own: provlint fills
   its cache then;
4. ``--repeat`` times, alternately, two commits of the same kind are timed,
   one with ``--no-verify`` (git alone) and one through the hook, for each
   change:

   ``edit``
       one document's body gets a line, and its INDEX.md ``sha256`` cell
       the new digest (two files staged, as ``provlint fix`` or
       ``provlint index`` leave them);
   ``add``
       one new document and its INDEX.md row.

Each timed command is a whole ``git commit`` (wall time, medians). The hook's
own cost is the difference between the two. Everything lives in the work
folder (default: a temporary one, removed afterwards): its own
``PRE_COMMIT_HOME``, ``HOME`` and git identity. POSIX only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _env(work: Path) -> dict[str, str]:
    drop = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "PRE_COMMIT", "SKIP")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    home = work / "home"
    home.mkdir(exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        PRE_COMMIT_HOME=str(work / "pre-commit-home"),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
    )
    return env


def _run(cmd: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout + proc.stderr


def _git_init(path: Path, env: dict[str, str]) -> None:
    path.mkdir(parents=True, exist_ok=True)
    _run(["git", "-c", "init.defaultBranch=main", "init", "-q"], path, env)
    for key, value in (
        ("user.name", "provlint benchmark"),
        ("user.email", "bench@provlint.invalid"),
        ("commit.gpgsign", "false"),
    ):
        _run(["git", "config", key, value], path, env)


def hook_repository(work: Path, env: dict[str, str]) -> tuple[Path, str]:
    """This checkout's files (tracked and untracked, not ignored) committed
    into a throwaway repository: (its path, the commit)."""
    dst = work / "provlint-hook-repo"
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        env=env,
        check=True,
    ).stdout.decode("utf-8", "surrogateescape")
    for rel in sorted(set(filter(None, listed.split("\0")))):
        src = REPO / rel
        if src.is_file():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)
    _git_init(dst, env)
    _run(["git", "add", "-A"], dst, env)
    _run(["git", "commit", "-q", "--no-verify", "-m", "snapshot"], dst, env)
    return dst, _run(["git", "rev-parse", "HEAD"], dst, env).strip()


def corpus_repository(
    work: Path, n: int, defects: float, hook: tuple[Path, str], env: dict[str, str]
) -> Path:
    repo = work / f"corpus-{n}"
    generate = [sys.executable, str(HERE / "gen_corpus.py"), str(repo), "-n", str(n)]
    _run([*generate, "--defects", str(defects)], work, env)
    _git_init(repo, env)
    (repo / ".gitignore").write_text(".provlint_cache/\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook[0].as_posix()}\n    rev: {hook[1]}\n"
        "    hooks:\n      - id: provlint\n",
        encoding="utf-8",
    )
    _run(["git", "add", "-A"], repo, env)
    _run(["git", "commit", "-q", "--no-verify", "-m", "corpus"], repo, env)
    _run([sys.executable, "-m", "pre_commit", "install"], repo, env)
    _run([sys.executable, "-m", "pre_commit", "install-hooks"], repo, env)
    return repo


class Changes:
    """One-document changes that keep the corpus valid, each new."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.count = 0
        self.index = repo / "INDEX.md"
        self.clean = self._clean_documents()

    def _clean_documents(self) -> list[str]:
        """Documents gen_corpus.py gave no defect (its manifest says which)."""
        manifest = json.loads((self.repo / "manifest.json").read_text(encoding="utf-8"))
        defective = set(manifest["defective_ids"])
        clean = []
        for line in self.index.read_text(encoding="utf-8").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 7 and cells[1].endswith(".md") and cells[0] not in defective:
                clean.append(cells[1])
        return clean[len(clean) // 3 :]

    def edit(self) -> list[str]:
        rel = self.clean[self.count % len(self.clean)]
        self.count += 1
        path = self.repo / rel
        old = hashlib.sha256(path.read_bytes()).hexdigest()
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"\nA line added by the benchmark ({self.count}).\n")
        new = hashlib.sha256(path.read_bytes()).hexdigest()
        text = self.index.read_text(encoding="utf-8")
        self.index.write_text(text.replace(old, new, 1), encoding="utf-8")
        return [rel, "INDEX.md"]

    def add(self) -> list[str]:
        self.count += 1
        ident = f"bench-{self.count:04d}"
        rel = f"docs/bench/{ident}.md"
        path = self.repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f'---\nid: {ident}\ntitle: "Benchmark document {self.count}"\n'
            f"source: Benchmark Wire\nurl: https://example.test/{ident}\n"
            f"date: 2021-06-{1 + self.count % 28:02d}\nlanguage: en\n---\n"
            f"# Benchmark document {self.count}\n\nA short text.\n",
            encoding="utf-8",
        )
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with self.index.open("a", encoding="utf-8") as fh:
            fh.write(
                f"| {ident} | {rel} | Benchmark document {self.count} | Benchmark Wire | "
                f"https://example.test/{ident} | 2021-06-{1 + self.count % 28:02d} | {digest} |\n"
            )
        return [rel, "INDEX.md"]


def timed_commit(repo: Path, files: list[str], env: dict[str, str], verify: bool) -> float:
    _run(["git", "add", "--", *files], repo, env)
    cmd = ["git", "commit", "-q", "-m", "one document"]
    if not verify:
        cmd.insert(2, "--no-verify")
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"the commit failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def bench_size(
    work: Path, n: int, repeat: int, defects: float, hook: tuple[Path, str], env: dict[str, str]
) -> dict[str, Any]:
    started = time.perf_counter()
    repo = corpus_repository(work, n, defects, hook, env)
    setup = time.perf_counter() - started
    changes = Changes(repo)
    first = timed_commit(repo, changes.add(), env, verify=True)
    out: dict[str, Any] = {"documents": n, "setup_seconds": round(setup, 1)}
    out["first_commit_seconds"] = round(first, 3)
    for kind in ("edit", "add"):
        git_alone: list[float] = []
        hooked: list[float] = []
        for _ in range(repeat):
            git_alone.append(timed_commit(repo, getattr(changes, kind)(), env, verify=False))
            hooked.append(timed_commit(repo, getattr(changes, kind)(), env, verify=True))
        out[kind] = {
            "git_commit_no_verify_median": round(statistics.median(git_alone), 3),
            "git_commit_with_hook_median": round(statistics.median(hooked), 3),
            "hook_median": round(statistics.median(hooked) - statistics.median(git_alone), 3),
            "with_hook_runs": [round(s, 3) for s in hooked],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="2000,20000", help="corpus sizes (default 2000,20000)")
    ap.add_argument("--repeat", type=int, default=5, help="timed commits per kind (default 5)")
    ap.add_argument("--defects", type=float, default=0.02, help="committed defects (default 0.02)")
    ap.add_argument("--workdir", help="keep everything in DIR (default: a temporary folder)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if shutil.which("git") is None:
        ap.error("git is not installed")
    probe = subprocess.run([sys.executable, "-m", "pre_commit", "--version"], capture_output=True)
    if probe.returncode != 0:
        ap.error("pre-commit is not installed in this environment (pip install pre-commit)")
    tmp = None
    if args.workdir:
        work = Path(args.workdir).resolve()
        if work.exists() and any(work.iterdir()):
            ap.error(f"{work} is not empty")
        work.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="provlint-bench-precommit-")
        work = Path(tmp.name)
    try:
        env = _env(work)
        hook = hook_repository(work, env)
        results = [bench_size(work, n, args.repeat, args.defects, hook, env) for n in sizes]
    finally:
        if tmp is not None:
            tmp.cleanup()
    if args.json:
        json.dump(results, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    print("| documents | change | git commit --no-verify s | git commit with the hook s | hook s |")
    print("|---:|---|---:|---:|---:|")
    for r in results:
        for kind in ("edit", "add"):
            k = r[kind]
            print(
                f"| {r['documents']:,} | {kind} | {k['git_commit_no_verify_median']:.3f} | "
                f"{k['git_commit_with_hook_median']:.3f} | {k['hook_median']:.3f} |"
            )
    for r in results:
        print(
            f"{r['documents']:,} documents: first commit through the hook (cache filled) "
            f"{r['first_commit_seconds']:.2f} s; set-up {r['setup_seconds']:.0f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
