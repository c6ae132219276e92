"""Measure the date checks on real web pages with known publication dates.

Reads ``../shared/eval/dated-pages.jsonl`` (981 pages: url, true date,
extracted text; third-party data, read from its place, never copied) and,
for each shift (0 = the true dates), builds a corpus in a temporary folder
whose INDEX.md and headers declare ``true date - shift days``. It then runs
provlint's date checks and prints the share of pages touched by a date
finding of warning or error severity: with shift 0 every one is a false
alarm; with a shift every one is a detection.

    python benchmarks/eval_real_pages.py [--data PATH] [--shifts 0,30,90,365]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "dated-pages.jsonl"
DATE_CHECKS = ("date-mismatch", "date-inconsistent")


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build(pages: list[dict[str, str]], shift: int, root: Path) -> None:
    rows = ["| id | file | source | url | date |", "|---|---|---|---|---|"]
    for i, page in enumerate(pages):
        when = (date.fromisoformat(page["date"]) - timedelta(days=shift)).isoformat()
        pid = f"p{i:04d}"
        url = page["url"].replace("|", "%7C")
        host = urlsplit(page["url"]).hostname or "unknown"
        rows.append(f"| {pid} | pages/{pid}.txt | {host} | {url} | {when} |")
        header = f"---\nid: {pid}\nurl: {json.dumps(page['url'])}\ndate: {when}\n---\n"
        (root / "pages" / f"{pid}.txt").write_text(header + page["text"], encoding="utf-8")
    (root / "INDEX.md").write_text(
        "# Evaluation corpus\n\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )


def evaluate(pages: list[dict[str, str]], shift: int) -> dict[str, object]:
    import provlint

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pages").mkdir()
        build(pages, shift, root)
        cfg = provlint.Config(select=DATE_CHECKS, load_entrypoints=False)
        started = time.perf_counter()
        report = provlint.run(root, cfg)
        seconds = time.perf_counter() - started
    touched: dict[str, set[str]] = {}
    for f in report.findings:
        if f.check in DATE_CHECKS and f.severity.value in ("error", "warning"):
            touched.setdefault(f.doc_id or f.path, set()).add(f.check)
    by_check = Counter(c for checks in touched.values() for c in checks)
    return {
        "shift": shift,
        "pages": len(pages),
        "touched": len(touched),
        "share": len(touched) / len(pages),
        "by_check": dict(by_check),
        "seconds": seconds,
        "findings": [f.to_dict() for f in report.findings],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--shifts", default="0,30,90,365")
    parser.add_argument("--show", type=int, default=0, help="print N findings of each run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"no evaluation data at {args.data}; nothing to measure", file=sys.stderr)
        return 0
    pages = load(args.data)
    results = []
    for shift in (int(s) for s in args.shifts.split(",")):
        res = evaluate(pages, shift)
        results.append(res)
        if args.show:
            for f in res["findings"][: args.show]:  # type: ignore[index]
                print(f"  {f['path']}:{f['line']}: {f['check']}: {f['message'][:300]}")
    if args.json:
        print(
            json.dumps([{k: v for k, v in r.items() if k != "findings"} for r in results], indent=2)
        )
        return 0
    print(f"{'shift (days)':>12}  {'pages touched':>13}  {'share':>7}  by check")
    for r in results:
        label = "0 (true)" if r["shift"] == 0 else f"-{r['shift']}"
        print(f"{label:>12}  {r['touched']:>13}  {r['share']:>7.1%}  {r['by_check']}")
    secs = [r["seconds"] for r in results]
    print(
        f"\n{len(pages)} pages per run; provlint.run took {min(secs):.2f}-{max(secs):.2f} s a run"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
