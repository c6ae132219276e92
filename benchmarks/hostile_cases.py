"""Hostile inputs for the date checks, and how their cost grows.

Each ``make_<case>(size_bytes)`` returns the files of a small corpus
(relative path -> bytes, INDEX.md included) whose documents hold about
``size_bytes`` bytes of hostile text, most of them one long line
repeating a date phrase:

* ``day_month``: ``"1 May "`` (a day and a month name, no year);
* ``month_day``: ``"May 1, "`` (a month name and a day, no year);
* ``timestamp``: ``"13:24 GMT 05.12.2021 "`` (a machine timestamp);
* ``reported_past``: ``"it was held on 3 June 2030, "``: every mention is
  a past event after the declared date, so each one is evidence for
  ``date-inconsistent`` (the case for bounded finding messages);
* ``spaced_time``: ``"13:24"`` and a long run of spaces, twice: first
  ending in a letter (a pattern that let two quantifiers share the run was
  quadratic when it failed), then in a date (a timestamp as long as the
  run, which a message must not quote whole);
* ``blank_lines``: nothing but newlines, then a lower-case word (the same
  with a run of newlines, in date-inconsistent's sentence-opener pattern,
  which found no capitalised word after the run once per newline).

Every corpus holds the same text twice: ``dated.txt`` with a declared date
(so that the date checks weigh every mention against it) and
``undated.txt`` without one (so that they look for a standalone date near
the top instead). Text analysis that costs O(line) or O(text) per mention
(or a pattern that crosses a run of spaces once per way of splitting it)
makes these documents take time quadratic in their size; :func:`measure`
shows the growth by timing ``provlint.run`` at doubling sizes:

    python benchmarks/hostile_cases.py                    # 10 KB .. 320 KB, every case
    python benchmarks/hostile_cases.py --case timestamp --sizes 10,20,40

Standard library only (plus provlint, for the timing).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DECLARED = "2020-01-01"
# The checks that analyse dates in the text (missing-date looks for a
# standalone date in a document that declares none).
CHECKS = ("date-mismatch", "date-inconsistent", "missing-date")


def _corpus(unit: str, size_bytes: int) -> dict[str, bytes]:
    """Two documents of one line: ``unit`` repeated to ``size_bytes``."""
    data = unit.encode("utf-8")
    return _documents(data * max(1, size_bytes // len(data)) + b"\n")


def _documents(text: bytes) -> dict[str, bytes]:
    """INDEX.md and the two documents holding ``text``."""
    index = (
        "# Hostile date corpus\n\n"
        "| id | file | title | date |\n"
        "|---|---|---|---|\n"
        f"| dated | dated.txt | one long line | {DECLARED} |\n"
        "| undated | undated.txt | one long line, no date | |\n"
    )
    return {"INDEX.md": index.encode("utf-8"), "dated.txt": text, "undated.txt": text}


def make_day_month(size_bytes: int) -> dict[str, bytes]:
    """One long line of ``"1 May "``."""
    return _corpus("1 May ", size_bytes)


def make_month_day(size_bytes: int) -> dict[str, bytes]:
    """One long line of ``"May 1, "``."""
    return _corpus("May 1, ", size_bytes)


def make_timestamp(size_bytes: int) -> dict[str, bytes]:
    """One long line of ``"13:24 GMT 05.12.2021 "``."""
    return _corpus("13:24 GMT 05.12.2021 ", size_bytes)


def make_reported_past(size_bytes: int) -> dict[str, bytes]:
    """One long line of ``"it was held on 3 June 2030, "``: a past event
    after the declared date per mention, each one evidence."""
    return _corpus("it was held on 3 June 2030, ", size_bytes)


def make_spaced_time(size_bytes: int) -> dict[str, bytes]:
    """``"13:24"``, half of ``size_bytes`` in spaces and ``"x"``; then
    ``"13:24"``, as many spaces and ``"05.12.2021"``."""
    run = b" " * (size_bytes // 2)
    return _documents(b"13:24" + run + b"x\n13:24" + run + b"05.12.2021\n")


def make_blank_lines(size_bytes: int) -> dict[str, bytes]:
    """``size_bytes`` newlines, then ``"word"`` (on the last line)."""
    return _documents(b"\n" * size_bytes + b"word\n")


CASES: dict[str, Callable[[int], dict[str, bytes]]] = {
    "day_month": make_day_month,
    "month_day": make_month_day,
    "timestamp": make_timestamp,
    "reported_past": make_reported_past,
    "spaced_time": make_spaced_time,
    "blank_lines": make_blank_lines,
}


def write(files: dict[str, bytes], root: Path) -> Path:
    """Write a corpus returned by a ``make_<case>`` under ``root``."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def run_once(files: dict[str, bytes]) -> dict[str, object]:
    """Time ``provlint.run`` (the checks in :data:`CHECKS`) on one generated
    corpus; count its internal errors (a check stopped by check-timeout is
    one) and measure its longest message."""
    import provlint

    with tempfile.TemporaryDirectory(prefix="provlint-hostile-") as tmp:
        root = write(files, Path(tmp))
        cfg = provlint.Config(select=CHECKS, load_entrypoints=False)
        started = time.perf_counter()
        report = provlint.run(root, cfg)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "findings": len(report.findings),
        "timeouts": sum(1 for f in report.findings if f.check == "internal-error"),
        "longest_message": max((len(f.message) for f in report.findings), default=0),
    }


def measure(
    case: str, sizes_kb: tuple[int, ...] = (10, 20, 40, 80, 160, 320)
) -> list[dict[str, object]]:
    """``run_once`` at each size (in KB) for one case."""
    make = CASES[case]
    return [{"case": case, "kb": kb, **run_once(make(kb * 1024))} for kb in sizes_kb]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="default: all")
    parser.add_argument("--sizes", default="10,20,40,80,160,320", help="sizes in KB")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    rows = [row for case in args.case or list(CASES) for row in measure(case, sizes)]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(
        f"{'case':<14} {'KB':>5} {'seconds':>8} {'findings':>8} {'timeouts':>8} "
        f"{'longest msg':>11}"
    )
    for r in rows:
        print(
            f"{r['case']:<14} {r['kb']:>5} {r['seconds']:>8.2f} {r['findings']:>8} "
            f"{r['timeouts']:>8} {r['longest_message']:>11}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
