"""duplicate-content at scale: speed, memory, and LSH against exact pairs.

Generates a corpus with ``gen_corpus.py`` (about 3 KB a document), plants
near copies of 1% of its documents (a word in 100 changed, half of them
wrapped in page furniture), then runs provlint's duplicate-content check as
whole processes:

- exact mode (every pair that shares a shingle, scored exactly) and LSH
  mode (MinHash signatures and banding), and compares the pairs they report;
- all checks except duplicate-content against duplicate-content alone
  added, for the time and peak memory it adds per document.

    python benchmarks/bench_duplicates.py [-n 20000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def make_corpus(n: int, workdir: Path) -> tuple[Path, int]:
    root = workdir / f"dups-corpus-n{n}"
    marker = root / "planted.json"
    if marker.is_file():
        return root, json.loads(marker.read_text())["planted"]
    if root.exists():
        shutil.rmtree(root)
    subprocess.run(
        [sys.executable, str(HERE / "gen_corpus.py"), str(root), "-n", str(n), "--defects", "0"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rnd = random.Random(3)
    docs = sorted((root / "docs").rglob("*.md"))
    planted = max(1, n // 100)
    (root / "copies").mkdir()
    for i, src in enumerate(rnd.sample(docs, planted)):
        body = src.read_text(encoding="utf-8").split("---\n", 2)[2]
        words = [w if rnd.random() > 0.01 else "changed" for w in body.split(" ")]
        text = " ".join(words)
        if i % 2:
            text = "Home | News | Sport\nSign in to read more\n" + text + "\nCopyright footer\n"
        (root / "copies" / f"copy-{i:05d}.txt").write_text(text, encoding="utf-8")
    # The copies are documents too: catalogue them so nothing else fires.
    rows = "".join(
        f"| copy-{i:05d} | copies/copy-{i:05d}.txt | Copy | Example | | 2021-01-01 | |\n"
        for i in range(planted)
    )
    index = root / "INDEX.md"
    index.write_text(index.read_text(encoding="utf-8").rstrip("\n") + "\n" + _pad(index, rows))
    marker.write_text(json.dumps({"planted": planted}))
    return root, planted


def _pad(index: Path, rows: str) -> str:
    """Rows with as many cells as the index's header."""
    header = next(
        line for line in index.read_text(encoding="utf-8").splitlines() if "| id |" in line
    )
    width = header.count("|") - 1
    out = []
    for row in rows.splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")][:width]
        cells += [""] * (width - len(cells))
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def run(root: Path, args: list[str]) -> tuple[float, float, dict]:  # type: ignore[type-arg]
    """One whole `provlint validate` process: wall seconds, peak RSS MiB, JSON."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = fh.name
    cmd = [
        sys.executable,
        "-m",
        "provlint",
        "validate",
        str(root),
        "--no-entry-points",
        "--format",
        "json",
        "-o",
        out,
        *args,
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    data = json.loads(Path(out).read_text())
    os.unlink(out)
    return wall, usage.ru_maxrss / 1024, data


def pairs(data: dict) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    return {
        tuple(sorted((f["path"], f["related"][0]["path"])))  # type: ignore[misc]
        for f in data["findings"]
        if f["check"] == "duplicate-content"
    }


def config(root: Path, exact_limit: int) -> None:
    (root / "provlint.toml").write_text(f"[check.duplicate-content]\nexact-limit = {exact_limit}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=20000)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "provlint-bench"
    )
    parser.add_argument("--skip-exact", action="store_true", help="LSH only (for very large N)")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    root, planted = make_corpus(args.n, args.workdir)
    total = args.n + planted
    print(f"corpus: {total} documents ({planted} planted near copies) in {root}")
    results = {}
    for mode, limit in (("exact", 10**9), ("lsh", 0)):
        if mode == "exact" and args.skip_exact:
            continue
        config(root, limit)
        wall, rss, data = run(root, ["--select", "duplicate-content"])
        results[mode] = pairs(data)
        print(f"{mode:>5}: {len(results[mode])} pairs, {wall:.2f} s, peak RSS {rss:.0f} MiB")
    found = results["lsh"]
    if "exact" in results:
        same = found == results["exact"]
        print(
            f"LSH pairs equal exact pairs: {same} (exact only: {len(results['exact'] - found)}, "
            f"LSH only: {len(found - results['exact'])})"
        )
    print(
        f"planted copies found: {sum(1 for p in found if 'copies/' in p[0] or 'copies/' in p[1])}"
        f" of {planted}"
    )
    config(root, 0)
    base_wall, base_rss, _ = run(root, ["--ignore", "duplicate-content"])
    with_wall, with_rss, _ = run(root, [])
    print(f"all other checks: {base_wall:.2f} s, peak RSS {base_rss:.0f} MiB")
    print(f"with duplicate-content (LSH): {with_wall:.2f} s, peak RSS {with_rss:.0f} MiB")
    print(
        f"duplicate-content adds {(with_wall - base_wall) / total * 1e3:.3f} ms and "
        f"{(with_rss - base_rss) * 1024 / total:.2f} KiB per document"
    )
    (root / "provlint.toml").unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
