#!/usr/bin/env python3
"""Why the keyed index is SQLite: the index's three workloads on SQLite and DuckDB, in one run.

    python benchmarks/bench_index_store.py [-n 100000] [--records 20] [--edits 200] [--json]

The keyed index (``core/index.py``) keeps every keyed check's records on
disk between runs. What it must do fast, in the order a user meets it:

load
    a cold run writes every document's records (``-n`` documents,
    ``--records`` each; a fifth of the keys are shared by a few documents,
    the rest belong to one document, as ids, text hashes and LSH bands do);
edit
    a re-run after one change replaces one document's records and reads
    back the groups of every key it touched (its old and new keys):
    ``--edits`` such changes, each in its own transaction, as a run does;
walk
    a check judged whole reads every group of a stage, a page of keys at a
    time.

Both stores get the same table (check, stage, key hash, source, sequence,
key text, record blob), the layout ``core/index.py`` uses, in a file in a
temporary folder, and the same rows. Figures are seconds for each workload
and the ratio DuckDB / SQLite (above 1: SQLite is faster). DuckDB is
optional (``pip install duckdb``); without it only SQLite is timed.
Standard library otherwise.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Row = tuple[int, int, int, int, int, str, bytes]


def rows_of(doc: int, records: int, rng: random.Random, shared: int) -> list[Row]:
    out: list[Row] = []
    for seq in range(records):
        if seq % 5 == 0:
            key = f'["name","n{rng.randrange(shared)}"]'
        else:
            key = f'["band",{seq},{doc}]'
        keyh = zlib.crc32(key.encode()) - (1 << 31)
        out.append((1, seq % 3, keyh, doc, seq, key, bytes(24)))
    return out


def workload(n: int, records: int, seed: int = 1) -> Iterator[list[Row]]:
    rng = random.Random(seed)
    for doc in range(n):
        yield rows_of(doc, records, rng, shared=max(1, n // 3))


class SQLiteStore:
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute(
            "CREATE TABLE recs (chk INTEGER, stage INTEGER, keyh INTEGER, src INTEGER,"
            " seq INTEGER, key TEXT, rec BLOB, PRIMARY KEY (chk, stage, keyh, src, seq))"
            " WITHOUT ROWID"
        )
        self.db.execute("CREATE INDEX recs_src ON recs (chk, src)")

    def load(self, batches: Iterator[list[Row]]) -> None:
        self.db.execute("BEGIN")
        for rows in batches:
            self.db.executemany("INSERT INTO recs VALUES (?,?,?,?,?,?,?)", rows)
        self.db.execute("COMMIT")

    def replace(self, src: int, rows: list[Row]) -> int:
        self.db.execute("BEGIN")
        old = self.db.execute(
            "SELECT stage, keyh, key FROM recs WHERE chk = 1 AND src = ?", (src,)
        ).fetchall()
        self.db.execute("DELETE FROM recs WHERE chk = 1 AND src = ?", (src,))
        self.db.executemany("INSERT INTO recs VALUES (?,?,?,?,?,?,?)", rows)
        seen = 0
        for stage, keyh, key in {*old, *((r[1], r[2], r[5]) for r in rows)}:
            seen += len(
                self.db.execute(
                    "SELECT src, seq, rec FROM recs WHERE chk = 1 AND stage = ? AND keyh = ?"
                    " AND key = ?",
                    (stage, keyh, key),
                ).fetchall()
            )
        self.db.execute("COMMIT")
        return seen

    def walk(self, stage: int, page: int = 4000) -> int:
        after, op, groups = -(1 << 63), ">=", 0
        while True:
            keys = [
                h
                for (h,) in self.db.execute(
                    f"SELECT DISTINCT keyh FROM recs WHERE chk = 1 AND stage = ? AND keyh {op} ?"
                    f" ORDER BY keyh LIMIT {page}",
                    (stage, after),
                ).fetchall()
            ]
            if not keys:
                return groups
            self.db.execute(
                "SELECT key, src, seq, rec FROM recs WHERE chk = 1 AND stage = ? AND keyh"
                " BETWEEN ? AND ?",
                (stage, keys[0], keys[-1]),
            ).fetchall()
            groups += len(keys)
            after, op = keys[-1], ">"

    def close(self) -> None:
        self.db.close()


class DuckStore(SQLiteStore):
    name = "duckdb"

    def __init__(self, path: Path) -> None:
        import duckdb

        self.path = path
        self.db = duckdb.connect(str(path))
        self.db.execute(
            "CREATE TABLE recs (chk INTEGER, stage INTEGER, keyh BIGINT, src INTEGER,"
            " seq INTEGER, key VARCHAR, rec BLOB)"
        )

    def load(self, batches: Iterator[list[Row]]) -> None:
        # DuckDB's fast bulk path without pandas or pyarrow: a CSV file,
        # read by read_csv (parameter binding runs row by row, far slower).
        import csv

        path = self.path.with_suffix(".csv")
        with path.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh)
            for rows in batches:
                out.writerows((*r[:6], r[6].hex()) for r in rows)
        self.db.execute(
            "INSERT INTO recs SELECT chk, stage, keyh, src, seq, key, unhex(rec) FROM read_csv(?,"
            " header = false, columns = {'chk': 'INTEGER', 'stage': 'INTEGER', 'keyh': 'BIGINT',"
            " 'src': 'INTEGER', 'seq': 'INTEGER', 'key': 'VARCHAR', 'rec': 'VARCHAR'})",
            [str(path)],
        )
        path.unlink()
        # Indexes after the load, as DuckDB advises (ART indexes).
        self.db.execute("CREATE INDEX recs_key ON recs (chk, stage, keyh)")
        self.db.execute("CREATE INDEX recs_src ON recs (chk, src)")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def measure(cls: type[SQLiteStore], folder: Path, args: argparse.Namespace) -> dict[str, float]:
    store = cls(folder / f"index.{cls.name}")
    load, _ = timed(lambda: store.load(workload(args.n, args.records)))
    rng = random.Random(2)
    edits = [rng.randrange(args.n) for _ in range(args.edits)]
    fresh = random.Random(3)

    def edit_all() -> int:
        return sum(
            store.replace(d, rows_of(d, args.records, fresh, shared=max(1, args.n // 3)))
            for d in edits
        )

    edit, _ = timed(edit_all)
    walk, groups = timed(lambda: store.walk(0))
    store.close()
    return {"load": load, "edit": edit / args.edits, "walk": walk, "groups": groups}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("-n", type=int, default=100_000, help="documents")
    ap.add_argument("--records", type=int, default=20, help="records per document")
    ap.add_argument("--edits", type=int, default=200, help="one-document changes timed")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    stores: list[type[SQLiteStore]] = [SQLiteStore]
    try:
        import duckdb  # noqa: F401

        stores.append(DuckStore)
    except ImportError:
        print("duckdb is not installed: timing SQLite only", file=sys.stderr)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="provlint-bench-index-") as tmp:
        for cls in stores:
            results[cls.name] = measure(cls, Path(tmp), args)
    if args.json:
        print(json.dumps({"n": args.n, "records": args.records, "results": results}, indent=2))
        return 0
    rows = args.n * args.records
    print(f"{args.n} documents, {rows} records; one edit = replace one document's records")
    print(f"{'workload':<26}" + "".join(f"{name:>12}" for name in results) + "   ratio")
    for what, label in (
        ("load", "load (s)"),
        ("edit", "edit + touched groups (ms)"),
        ("walk", "walk one stage (s)"),
    ):
        scale = 1000 if what == "edit" else 1
        cells = "".join(f"{r[what] * scale:>12.3f}" for r in results.values())
        ratio = (
            f"   {results['duckdb'][what] / results['sqlite'][what]:.2f}x"
            if "duckdb" in results
            else ""
        )
        print(f"{label:<26}{cells}{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
