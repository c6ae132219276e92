"""What the date checks cost per document.

Runs ``provlint.run`` on a synthetic corpus (made by ``gen_corpus.py``, about
3 KB a document) alternately with every check and with the two date checks
(``date-mismatch``, ``date-inconsistent``) ignored, and prints the medians
and the difference per document.

    python benchmarks/bench_dates.py [-n 10000] [--repeat 3] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATE_CHECKS = ("date-mismatch", "date-inconsistent")


def corpus(n: int, workdir: Path) -> Path:
    root = workdir / f"dates-corpus-n{n}"
    if not (root / "INDEX.md").is_file():
        subprocess.run(
            [sys.executable, str(HERE / "gen_corpus.py"), str(root), "-n", str(n)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return root


def timed(root: Path, ignore: tuple[str, ...]) -> float:
    import provlint

    cfg = provlint.Config(ignore=ignore, load_entrypoints=False)
    start = time.perf_counter()
    provlint.run(root, cfg)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "provlint-bench"
    )
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    root = corpus(args.n, args.workdir)
    timed(root, ())  # warm the page cache and the imports
    with_dates, without = [], []
    for _ in range(args.repeat):
        with_dates.append(timed(root, ()))
        without.append(timed(root, DATE_CHECKS))
    a, b = statistics.median(with_dates), statistics.median(without)
    size = sum(p.stat().st_size for p in (root / "docs").rglob("*.md")) / args.n
    print(f"corpus: {args.n} documents, {size / 1024:.1f} KB each on average")
    print(f"all checks            median {a:7.3f} s  ({args.n / a:,.0f} docs/s)")
    print(f"without date checks   median {b:7.3f} s  ({args.n / b:,.0f} docs/s)")
    print(f"date checks add       {(a - b) / args.n * 1e3:.3f} ms per document")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
