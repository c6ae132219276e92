"""The keyed index: every keyed check's records, kept on disk between runs.

A keyed check's records come from *sources*: INDEX.md, each document, and
each judged key (whose :class:`~provlint.Emit` records feed a later stage).
The index keeps, per check:

- ``srcs``: each source's records (its *payload*: the list of (stage, key,
  record) it emitted, in order) and the findings it produced (a judged
  key's), under a name that also orders the sources: ``C`` for INDEX.md,
  ``D`` + path for a document, ``K`` + stage + key for a judged key;
- ``recs``: one row per emitted record, by (check, stage, key hash): which
  source holds it, and where in its payload. A group is read by its key
  hash, and only the records whose key is exactly the key are kept, so a
  hash collision cannot merge two groups.

Replacing a source's payload tells which keys it touched (its old keys and
its new ones): those are the groups to judge again
(:mod:`provlint.corpus_phase` does it, stage by stage). Everything goes
through one SQLite connection (:class:`provlint.cache.Store`); a run's
changes are applied in one transaction.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from . import codec
from .model import Finding

__all__ = ["KeyIndex", "Touched", "source_name"]

TABLES = (
    "CREATE TABLE IF NOT EXISTS checks (id INTEGER PRIMARY KEY, name TEXT UNIQUE)",
    "CREATE TABLE IF NOT EXISTS srcs (id INTEGER PRIMARY KEY, chk INTEGER, name BLOB,"
    " payload BLOB, findings BLOB)",
    "CREATE UNIQUE INDEX IF NOT EXISTS srcs_name ON srcs (chk, name)",
    "CREATE TABLE IF NOT EXISTS recs (chk INTEGER, stage INTEGER, keyh INTEGER, src INTEGER,"
    " slot INTEGER, PRIMARY KEY (chk, stage, keyh, src, slot)) WITHOUT ROWID",
)
OWN_OBJECTS = {
    ("table", "checks", "checks"),
    ("index", "sqlite_autoindex_checks_1", "checks"),
    ("table", "srcs", "srcs"),
    ("index", "srcs_name", "srcs"),
    ("table", "recs", "recs"),
}

Touched = set[tuple[int, str]]
"""Keys to judge again: (stage index, key text)."""

Item = tuple[int, str, Any]
"""One emitted record: (stage index, key text, record)."""


def source_name(kind: str, text: str) -> bytes:
    """A source's name: its kind (``C``, ``D``, ``K``) then its text. Names
    order the sources as records reach ``judge``: INDEX.md, then documents
    by path, then judged keys."""
    return kind.encode() + text.encode("utf-8", "surrogatepass")


class KeyIndex:
    """The keyed index on ``db`` (a connection of :class:`provlint.cache.Store`).
    ``salt`` keys the hash of key texts, so that no input can choose
    colliding hashes."""

    def __init__(self, db: sqlite3.Connection, salt: bytes, cache_size: int = 20_000) -> None:
        self.db = db
        self.salt = salt
        self._checks: dict[str, int] = {}
        self._payloads: OrderedDict[int, list[Item]] = OrderedDict()
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

    # -- sources ---------------------------------------------------------------

    def _source(self, chk: int, name: bytes) -> tuple[int, bytes | None, bytes | None] | None:
        row = self.db.execute(
            "SELECT id, payload, findings FROM srcs WHERE chk = ? AND name = ?", (chk, name)
        ).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def _payload(self, src: int, blob: bytes | None) -> list[Item]:
        cached = self._payloads.get(src)
        if cached is not None:
            self._payloads.move_to_end(src)
            return cached
        try:
            items: list[Item] = codec.loads(blob) if blob else []
        except Exception as exc:  # damaged or planted: the index is not used
            raise sqlite3.DatabaseError(f"a damaged entry in the keyed index: {exc}") from exc
        self._payloads[src] = items
        if len(self._payloads) > self._cache_size:
            self._payloads.popitem(last=False)
        return items

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
        old = self._source(chk, name)
        payload = codec.dumps(list(items)) if items else None
        found = codec.dumps(list(findings)) if findings else None
        touched: Touched = set()
        if old is not None:
            src, old_payload, old_found = old
            if old_payload == payload:
                if old_found != found:
                    self.db.execute("UPDATE srcs SET findings = ? WHERE id = ?", (found, src))
                return touched
            self._payloads.pop(src, None)
            gone = self._payload(src, old_payload)
            self._payloads.pop(src, None)
            self.db.executemany(
                "DELETE FROM recs WHERE chk = ? AND stage = ? AND keyh = ? AND src = ? "
                "AND slot = ?",
                [
                    (chk, stage, self.keyh(text), src, slot)
                    for slot, (stage, text, _) in enumerate(gone)
                ],
            )
            touched.update((stage, text) for stage, text, _ in gone)
            if payload is None and found is None:
                self.db.execute("DELETE FROM srcs WHERE id = ?", (src,))
                return touched
            self.db.execute(
                "UPDATE srcs SET payload = ?, findings = ? WHERE id = ?", (payload, found, src)
            )
        else:
            if payload is None and found is None:
                return touched
            cur = self.db.execute(
                "INSERT INTO srcs (chk, name, payload, findings) VALUES (?, ?, ?, ?)",
                (chk, name, payload, found),
            )
            src = int(cur.lastrowid or 0)
        rows = []
        for slot, (stage, text, _) in enumerate(items or ()):
            touched.add((stage, text))
            rows.append((chk, stage, self.keyh(text), src, slot))
        self.db.executemany("INSERT OR IGNORE INTO recs VALUES (?, ?, ?, ?, ?)", rows)
        return touched

    def emitted(self, check: str, name: bytes) -> list[Item]:
        """What the source ``name`` emitted last time ([] if nothing)."""
        old = self._source(self.check_id(check), name)
        return [] if old is None else list(self._payload(old[0], old[1]))

    def names(self, check: str, kind: str) -> Iterator[bytes]:
        """The names of the check's sources of one kind."""
        chk = self.check_id(check)
        prefix = kind.encode()
        for (name,) in self.db.execute(
            "SELECT name FROM srcs WHERE chk = ? AND name >= ? AND name < ?",
            (chk, prefix, bytes([prefix[0] + 1])),
        ):
            yield bytes(name)

    def count(self, check: str, kind: str) -> int:
        """How many sources of one kind hold records of the check."""
        chk = self.check_id(check)
        prefix = kind.encode()
        (n,) = self.db.execute(
            "SELECT count(*) FROM srcs WHERE chk = ? AND name >= ? AND name < ? "
            "AND payload IS NOT NULL",
            (chk, prefix, bytes([prefix[0] + 1])),
        ).fetchone()
        return int(n)

    # -- groups ----------------------------------------------------------------

    def group(self, check: str, stage: int, text: str) -> list[Any]:
        """The records emitted under the key ``text`` of ``stage``, in order
        (by source name, then as emitted)."""
        chk = self.check_id(check)
        rows = self.db.execute(
            "SELECT s.name, r.slot, s.id, s.payload FROM recs r JOIN srcs s ON s.id = r.src "
            "WHERE r.chk = ? AND r.stage = ? AND r.keyh = ?",
            (chk, stage, self.keyh(text)),
        ).fetchall()
        rows.sort(key=lambda r: (bytes(r[0]), r[1]))
        out = []
        for _name, slot, src, blob in rows:
            item = self._payload(src, blob)[slot]
            if item[1] == text:
                out.append(item[2])
        return out

    def keys(self, check: str, stage: int) -> Iterator[str]:
        """Every key text of one stage (for judging them all again)."""
        chk = self.check_id(check)
        seen: set[str] = set()
        rows = self.db.execute(
            "SELECT r.keyh, r.slot, s.id, s.payload FROM recs r JOIN srcs s ON s.id = r.src "
            "WHERE r.chk = ? AND r.stage = ? ORDER BY r.keyh",
            (chk, stage),
        )
        current = None
        for keyh, slot, src, blob in rows:
            if keyh != current:
                current = keyh
                seen.clear()
            text = self._payload(src, blob)[slot][1]
            if text not in seen:
                seen.add(text)
                yield text

    def findings(self, check: str) -> Iterator[Finding]:
        """Every finding the check's sources produced."""
        chk = self.check_id(check)
        for (blob,) in self.db.execute(
            "SELECT findings FROM srcs WHERE chk = ? AND findings IS NOT NULL", (chk,)
        ).fetchall():
            try:
                found = codec.loads(blob)
            except Exception as exc:
                raise sqlite3.DatabaseError(f"a damaged entry in the keyed index: {exc}") from exc
            yield from found

    def drop(self, checks: Iterable[str] = ()) -> None:
        """Forget everything of ``checks`` (all when empty)."""
        names = list(checks)
        if not names:
            self.db.execute("DELETE FROM recs")
            self.db.execute("DELETE FROM srcs")
        for name in names:
            chk = self.check_id(name)
            self.db.execute("DELETE FROM recs WHERE chk = ?", (chk,))
            self.db.execute("DELETE FROM srcs WHERE chk = ?", (chk,))
        self._payloads.clear()
