"""The keyed index: every keyed check's records, kept on disk between runs.

A keyed check's records come from *sources*: INDEX.md, each document, and
each judged key (whose :class:`~provlint.Emit` records feed a later stage).
The index keeps, per check:

- ``srcs``: one row per source, under a name that also orders the sources
  (``C`` for INDEX.md, ``D`` + path for a document, ``K`` + stage + key for
  a judged key): what it emitted, as a list of (stage, key, record number);
  its distinct records, packed so that one can be read without the others
  (:func:`provlint.codec.pack`); and the findings it produced (a judged
  key's);
- ``recs``: one row per emitted record, by (check, stage, key hash): the
  key, which source emitted it, in what order, and which of the source's
  records it is. A record that a source emits under 42 keys (a document's
  MinHash signature under its LSH bands) is kept once.

Replacing a source's records tells which keys it touched (its old keys and
its new ones): those are the groups to judge again
(:mod:`provlint.corpus_phase` does it, stage by stage). A check judged
whole walks its keys in pages, so memory does not grow with the corpus.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from . import codec
from .model import Finding

__all__ = ["Item", "KeyIndex", "Touched", "source_name"]

TABLES = (
    "CREATE TABLE IF NOT EXISTS checks (id INTEGER PRIMARY KEY, name TEXT UNIQUE)",
    "CREATE TABLE IF NOT EXISTS srcs (id INTEGER PRIMARY KEY, chk INTEGER, name BLOB,"
    " items BLOB, records BLOB, findings BLOB)",
    "CREATE UNIQUE INDEX IF NOT EXISTS srcs_name ON srcs (chk, name)",
    "CREATE TABLE IF NOT EXISTS recs (chk INTEGER, stage INTEGER, keyh INTEGER, src INTEGER,"
    " seq INTEGER, rec INTEGER, key TEXT, PRIMARY KEY (chk, stage, keyh, src, seq))"
    " WITHOUT ROWID",
)
OWN_OBJECTS = {
    ("table", "checks", "checks"),
    ("index", "sqlite_autoindex_checks_1", "checks"),
    ("table", "srcs", "srcs"),
    ("index", "srcs_name", "srcs"),
    ("table", "recs", "recs"),
}
PAGE = 4000
"""Keys listed at a time when a whole stage is judged."""
PAGE_RECORDS = 10_000
"""Records read at a time when a whole stage is judged (a key with more
is read whole)."""

Touched = set[tuple[int, str]]
"""Keys to judge again: (stage index, key text)."""

Item = tuple[int, str, Any]
"""One emitted record: (stage index, key text, record)."""

_KEY = json.JSONEncoder(separators=(",", ":")).encode


def _key_encoder() -> Callable[[tuple[Any, ...]], str]:
    """``_KEY``, without building an encoder per call: the C encoder that
    ``json`` makes for each ``encode`` call, made once (keys hold only
    ``str``, ``int``, ``bool`` and ``None``, so no circularity check is
    needed). ``_KEY`` where there is no C encoder."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - an interpreter without _json
        return _KEY
    chunks = make(
        None,  # markers: no circularity check
        None,  # default: never called for these types
        json.encoder.encode_basestring_ascii,
        None,  # indent
        ":",
        ",",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )
    join = "".join

    def encode(key: tuple[Any, ...]) -> str:
        return join(chunks(key, 0))

    return encode


key_text: Callable[[tuple[Any, ...]], str] = _key_encoder()
"""A key as text: its name in the index, and its stable order."""


def source_name(kind: str, text: str) -> bytes:
    """A source's name: its kind (``C``, ``D``, ``K``) then its text. Names
    order the sources as records reach ``judge``: INDEX.md, then documents
    by path, then judged keys."""
    return kind.encode() + text.encode("utf-8", "surrogatepass")


def _damaged(exc: Exception) -> sqlite3.DatabaseError:
    return sqlite3.DatabaseError(f"a damaged entry in the keyed index: {exc}")


class _Packed:
    """One source's items and records, ready to be written: ``items`` is
    (stage, key hash, record number) per emitted record, packed as 64-bit
    integers; ``records`` the distinct records (see :func:`codec.pack`)."""

    __slots__ = ("items", "records", "rows")

    def __init__(self, items: Sequence[Item], keyh: Any) -> None:
        distinct: dict[int, int] = {}
        records: list[Any] = []
        self.rows: list[tuple[int, str, int, int]] = []
        flat = array("q")
        for stage, text, record in items:
            number = distinct.get(id(record))
            if number is None:
                number = distinct[id(record)] = len(records)
                records.append(record)
            h = keyh(text)
            self.rows.append((stage, text, h, number))
            flat.extend((stage, h, number))
        self.items = flat.tobytes()
        self.records = codec.pack(records)


def _unflat(blob: bytes | None) -> list[tuple[int, int, int]]:
    """The (stage, key hash, record number) of each item of a packed list."""
    if not blob:
        return []
    flat = array("q")
    flat.frombytes(blob)
    return [(flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)]


class KeyIndex:
    """The keyed index on ``db`` (a connection of :class:`provlint.cache.Store`).
    ``salt`` keys the hash of key texts, so that no input can choose
    colliding hashes."""

    def __init__(self, db: sqlite3.Connection, salt: bytes, cache_size: int = 10_000) -> None:
        self.db = db
        self.salt = salt
        self._checks: dict[str, int] = {}
        self._records: OrderedDict[tuple[int, int], Any] = OrderedDict()
        self._cache_size = cache_size

    @staticmethod
    def create(db: sqlite3.Connection) -> None:
        for statement in TABLES:
            db.execute(statement)

    def keyh(self, text: str) -> int:
        digest = hashlib.blake2b(
            text.encode("utf-8", "surrogatepass"), digest_size=8, key=self.salt
        ).digest()
        return int.from_bytes(digest, "big", signed=True)

    def check_id(self, name: str) -> int:
        found = self._checks.get(name)
        if found is None:
            self.db.execute("INSERT OR IGNORE INTO checks (name) VALUES (?)", (name,))
            (found,) = self.db.execute("SELECT id FROM checks WHERE name = ?", (name,)).fetchone()
            self._checks[name] = found
        return found

    def _record(self, src: int, number: int, blob: bytes) -> Any:
        cached = self._records.get((src, number), _MISSING)
        if cached is not _MISSING:
            return cached
        try:
            value = codec.unpack_one(blob, number)
        except Exception as exc:  # damaged or planted: the index is not used
            raise _damaged(exc) from exc
        self._records[(src, number)] = value
        if len(self._records) > self._cache_size:
            self._records.popitem(last=False)
        return value

    # -- sources ---------------------------------------------------------------

    def replace(
        self,
        check: str,
        name: bytes,
        items: Sequence[Item] | None,
        findings: Sequence[Finding] = (),
    ) -> Touched:
        """Set what the source ``name`` of ``check`` emitted (None: the
        source is gone) and the findings it produced; return the keys whose
        groups changed (none when the records are the same as before)."""
        chk = self.check_id(check)
        old = self.db.execute(
            "SELECT id, items, records, findings FROM srcs WHERE chk = ? AND name = ?",
            (chk, name),
        ).fetchone()
        packed = _Packed(items, self.keyh) if items else None
        found = codec.dumps(list(findings)) if findings else None
        touched: Touched = set()
        if old is not None:
            src, old_items, old_records, old_found = old
            if packed is not None and (old_items, old_records) == (packed.items, packed.records):
                if old_found != found:
                    self.db.execute("UPDATE srcs SET findings = ? WHERE id = ?", (found, src))
                return touched
            gone = [
                (chk, stage, h, src, seq) for seq, (stage, h, _n) in enumerate(_unflat(old_items))
            ]
            for args in gone:
                row = self.db.execute(
                    "SELECT stage, key FROM recs WHERE chk = ? AND stage = ? AND keyh = ? "
                    "AND src = ? AND seq = ?",
                    args,
                ).fetchone()
                if row is not None:
                    touched.add((row[0], row[1]))
            self.db.executemany(
                "DELETE FROM recs WHERE chk = ? AND stage = ? AND keyh = ? AND src = ? AND seq = ?",
                gone,
            )
            self._records.clear()
            if packed is None and found is None:
                self.db.execute("DELETE FROM srcs WHERE id = ?", (src,))
                return touched
            self.db.execute(
                "UPDATE srcs SET items = ?, records = ?, findings = ? WHERE id = ?",
                (packed.items if packed else None, packed.records if packed else None, found, src),
            )
        else:
            if packed is None and found is None:
                return touched
            cur = self.db.execute(
                "INSERT INTO srcs (chk, name, items, records, findings) VALUES (?, ?, ?, ?, ?)",
                (chk, name, packed.items if packed else None, packed.records if packed else None,
                 found),
            )  # fmt: skip
            src = int(cur.lastrowid or 0)
        if packed is not None:
            self.db.executemany(
                "INSERT OR IGNORE INTO recs VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (chk, stage, h, src, seq, number, text)
                    for seq, (stage, text, h, number) in enumerate(packed.rows)
                ],
            )
            touched.update((stage, text) for stage, text, _h, _n in packed.rows)
        return touched

    def add(
        self, check: str, sources: Iterable[tuple[bytes, Sequence[Item], Sequence[Finding]]]
    ) -> None:
        """Write sources the index does not hold yet (a check's first run,
        or a stage judged whole): no old records to compare or remove. The
        rows go in a few large statements."""
        chk = self.check_id(check)
        (last,) = self.db.execute("SELECT coalesce(max(id), 0) FROM srcs").fetchone()
        srcs: list[tuple[Any, ...]] = []
        packs: list[tuple[int, _Packed]] = []
        held = 0
        keyh = self.keyh

        def write() -> None:
            self.db.executemany("INSERT INTO srcs VALUES (?, ?, ?, ?, ?, ?)", srcs)
            self.db.executemany(
                "INSERT OR IGNORE INTO recs VALUES (?, ?, ?, ?, ?, ?, ?)",
                (  # one row at a time: INDEX.md alone may emit a record per row
                    (chk, stage, h, src, seq, number, text)
                    for src, packed in packs
                    for seq, (stage, text, h, number) in enumerate(packed.rows)
                ),
            )
            srcs.clear()
            packs.clear()

        for name, items, findings in sources:
            packed = _Packed(items, keyh) if items else None
            found = codec.dumps(list(findings)) if findings else None
            if packed is None and found is None:
                continue
            last += 1
            srcs.append(
                (last, chk, name, packed.items if packed else None,
                 packed.records if packed else None, found)
            )  # fmt: skip
            if packed is not None:
                packs.append((last, packed))
                held += len(packed.rows)
            if held >= 20_000:
                write()
                held = 0
        write()

    def has(self, check: str) -> bool:
        """Whether the index holds anything of the check."""
        row = self.db.execute(
            "SELECT 1 FROM srcs WHERE chk = ? LIMIT 1", (self.check_id(check),)
        ).fetchone()
        return row is not None

    def count(self, check: str, kind: str) -> int:
        """How many sources of one kind hold records of the check."""
        chk = self.check_id(check)
        prefix = kind.encode()
        (n,) = self.db.execute(
            "SELECT count(*) FROM srcs WHERE chk = ? AND name >= ? AND name < ? "
            "AND items IS NOT NULL",
            (chk, prefix, bytes([prefix[0] + 1])),
        ).fetchone()
        return int(n)

    def drop_judged(self, check: str) -> None:
        """Forget what the check's keys were judged to (before judging it
        whole)."""
        chk = self.check_id(check)
        self.db.execute(
            "DELETE FROM recs WHERE chk = ? AND src IN "
            "(SELECT id FROM srcs WHERE chk = ? AND name >= X'4B' AND name < X'4C')",
            (chk, chk),
        )
        self.db.execute("DELETE FROM srcs WHERE chk = ? AND name >= X'4B' AND name < X'4C'", (chk,))
        self._records.clear()

    # -- groups ----------------------------------------------------------------

    def group(self, check: str, stage: int, text: str) -> list[Any]:
        """The records emitted under the key ``text`` of ``stage``, in order
        (by source name, then as emitted)."""
        rows = self.db.execute(
            "SELECT s.name, r.seq, r.src, r.rec, s.records FROM recs r JOIN srcs s ON s.id = r.src "
            "WHERE r.chk = ? AND r.stage = ? AND r.keyh = ? AND r.key = ?",
            (self.check_id(check), stage, self.keyh(text), text),
        ).fetchall()
        rows.sort(key=lambda r: (bytes(r[0]), r[1]))
        return [self._record(src, number, blob) for _n, _s, src, number, blob in rows]

    def groups(self, check: str, stage: int, lonely: bool) -> Iterator[tuple[str, list[Any]]]:
        """Every key of one stage with its records, a page of keys at a time,
        and at most :data:`PAGE_RECORDS` records at a time unless one key
        has more (``lonely``: keys with a single record are left out). What
        is written between two pages (records of later stages) does not
        disturb the walk."""
        chk = self.check_id(check)
        after = -(1 << 63)
        op = ">="
        having = "HAVING count(*) > 1" if lonely else ""
        while True:
            page = self.db.execute(
                f"SELECT keyh, count(*) FROM recs WHERE chk = ? AND stage = ? AND keyh {op} ? "
                f"GROUP BY keyh {having} ORDER BY keyh LIMIT {PAGE}",
                (chk, stage, after),
            ).fetchall()
            if not page:
                return
            part: list[int] = []
            held = 0
            for h, n in page:
                if part and held + n > PAGE_RECORDS:
                    yield from self._groups(chk, stage, lonely, part)
                    part, held = [], 0
                part.append(h)
                held += n
            yield from self._groups(chk, stage, lonely, part)
            after, op = page[-1][0], ">"

    def _groups(
        self, chk: int, stage: int, lonely: bool, hashes: Sequence[int]
    ) -> Iterator[tuple[str, list[Any]]]:
        """The keys of one stage under ``hashes``, with their records."""
        rows = []
        for part in _chunks(hashes):
            rows += self.db.execute(
                "SELECT key, seq, src, rec FROM recs WHERE chk = ? AND stage = ? AND keyh IN "
                f"({','.join('?' * len(part))})",
                (chk, stage, *part),
            ).fetchall()
        names, blobs = self._sources({src for _k, _s, src, _r in rows})
        by_key: dict[str, list[tuple[bytes, int, int, int]]] = {}
        for text, seq, src, number in rows:
            by_key.setdefault(text, []).append((names[src], seq, src, number))
        del rows
        for text in sorted(by_key):
            members = by_key.pop(text)
            if lonely and len(members) < 2:
                continue
            members.sort()
            yield text, [self._record(src, n, blobs[src]) for _a, _b, src, n in members]

    def _sources(self, srcs: set[int]) -> tuple[dict[int, bytes], dict[int, bytes]]:
        """The names and packed records of ``srcs``."""
        names: dict[int, bytes] = {}
        blobs: dict[int, bytes] = {}
        for part in _chunks(sorted(srcs)):
            marks = ",".join("?" * len(part))
            for src, name, records in self.db.execute(
                f"SELECT id, name, records FROM srcs WHERE id IN ({marks})", part
            ):
                names[src] = bytes(name)
                blobs[src] = records
        return names, blobs

    def findings(self, check: str) -> Iterator[Finding]:
        """Every finding the check's sources produced."""
        chk = self.check_id(check)
        for (blob,) in self.db.execute(
            "SELECT findings FROM srcs WHERE chk = ? AND findings IS NOT NULL", (chk,)
        ).fetchall():
            try:
                found = codec.loads(blob)
            except Exception as exc:
                raise _damaged(exc) from exc
            yield from found


_MISSING = object()


def _chunks(values: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    """``values`` in parts small enough for one SQL statement's parameters."""
    for i in range(0, len(values), size):
        yield values[i : i + size]
