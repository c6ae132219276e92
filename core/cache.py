"""The result cache: what the document phase found for each file, kept
between runs so that an unchanged file is not read or checked again.

It lives in ``.provlint_cache/`` beside INDEX.md (or under ``--cache-dir``),
one SQLite database per *context*: the provlint version, the Python version,
the configuration and the loaded plugins with their versions. A change to
any of them selects another database, so a result is never reused under a
different configuration. Within a context an entry is keyed by the
document's path and is valid while the file's modification time and size,
its INDEX.md row and the corpus-size class (see
:meth:`provlint.model.Check.corpus_size_breaks`) are unchanged.

Entries are pickled, so the cache must never be trusted blindly: a cache
folder can arrive inside a cloned repository. Every entry carries an HMAC
made with a key that lives outside the corpus, in the user's cache folder
(``$XDG_CACHE_HOME/provlint/cache-key``, created with mode 0600). An entry
whose MAC does not verify, or that fails to load, is a miss; a database
that SQLite reports corrupt is deleted and rebuilt. SQLite's locking makes
concurrent runs (pre-commit starts several) safe: each writes its results
in one transaction, and readers never see half a write.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import re
import sqlite3
import struct
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import codec

if TYPE_CHECKING:
    from .config import Config
    from .selection import Selection

CACHE_DIR_NAME = ".provlint_cache"
SCHEMA_VERSION = 3
_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by provlint.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)


def default_folder(root: Path) -> Path:
    """Where a corpus's cache lives unless ``--cache-dir`` says otherwise."""
    return root / CACHE_DIR_NAME


def clear(folder: Path) -> int:
    """Remove the cache folder ``folder``; return how many databases it
    held. Only a folder that provlint made (it has the cache tag) is
    removed."""
    if not folder.is_dir():
        return 0
    if not (folder / "CACHEDIR.TAG").is_file():
        raise ValueError(f"{folder} is not a provlint cache (no CACHEDIR.TAG); not removing it")
    import shutil

    count = len(list(folder.glob("*.sqlite")))
    shutil.rmtree(folder)
    return count


def _user_key() -> bytes:
    """The per-user secret that signs cache entries (created on first use)."""
    override = os.environ.get("PROVLINT_CACHE_KEY_FILE")
    if override:
        path = Path(override)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
        path = Path(base) / "provlint" / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
        damaged = True  # empty or short (a crash while it was written): replace it
    except OSError:
        damaged = False
    path.parent.mkdir(parents=True, exist_ok=True)
    import secrets

    key = secrets.token_bytes(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if damaged:
            os.replace(tmp, path)
            return key
        os.link(tmp, path)  # fails if another process made the key first
    except FileExistsError:
        key = path.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)
    if len(key) < 32:
        raise OSError(f"{path}: the cache key is damaged; delete the file")
    return key


def _storable(path: str) -> bool:
    """SQLite stores text: a path that is not valid UTF-8 (a file name with
    undecodable bytes) is never cached."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _create(path: Path, text: str) -> None:
    """Write a new file; never through a symlink (a cloned repository could
    ship one, even dangling), never over an existing file."""
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, 0o644)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def context_key(version: str, config: dict[str, Any], plugins: Iterable[tuple[str, ...]]) -> str:
    """A digest of everything besides the file that a result depends on."""
    data = {
        "schema": SCHEMA_VERSION,
        "provlint": version,
        "python": sys.version_info[:2],
        "config": config,
        "plugins": sorted(plugins),
    }
    text = json.dumps(data, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


LOCK_SECONDS = 60.0
"""How long to wait for another process's lock on the database."""

BASE_SECONDS = 30.0
"""The store's time bound for one operation, plus :data:`SECONDS_PER_ENTRY`
per entry it handles: a database that makes SQLite work longer is not used."""

SECONDS_PER_ENTRY = 0.002

_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB)",
    "CREATE TABLE IF NOT EXISTS docs (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,"
    " row TEXT, ino INTEGER, ctime_ns INTEGER, digest TEXT, result BLOB, emits BLOB,"
    " indexed INTEGER)",
)
_OWN_OBJECTS = {
    ("table", "meta", "meta"),
    ("index", "sqlite_autoindex_meta_1", "meta"),
    ("table", "docs", "docs"),
    ("index", "sqlite_autoindex_docs_1", "docs"),
}


def _has_tables(db: sqlite3.Connection) -> bool:
    """Whether every table provlint keeps is in the database already."""
    from .index import TABLES

    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    wanted = {_CREATED.match(s).group(1) for s in (*_TABLES, *TABLES) if "TABLE" in s}  # type: ignore[union-attr]
    return wanted <= names


_CREATED = re.compile(r"CREATE (?:UNIQUE )?(?:TABLE|INDEX) (?:IF NOT EXISTS )?(\w+)")


class ForeignSchema(sqlite3.DatabaseError):
    """The database holds schema objects provlint never creates, or was not
    written by this user's provlint."""


def _own_schema(db: sqlite3.Connection) -> None:
    """Refuse a database with any table, index, view or trigger provlint
    did not create, or whose tables are not exactly provlint's: a trigger
    or view in a planted database would run inside provlint's statements."""
    from .index import OWN_OBJECTS, TABLES

    own = _OWN_OBJECTS | OWN_OBJECTS
    expected = {
        _CREATED.match(statement).group(1): statement.replace(" IF NOT EXISTS", "")  # type: ignore[union-attr]
        for statement in (*_TABLES, *TABLES)
    }
    rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    for kind, name, table, sql in rows:
        if (kind, name, table) not in own:
            raise ForeignSchema(f"unexpected {kind} {name!r} in the cache database")
        if sql is not None and expected.get(name) != sql:
            raise ForeignSchema(f"the cache's {kind} {name!r} is not provlint's")


class Stamp:
    """What must be unchanged for a document's result to be reused without
    reading it: the file's modification time, size, inode and change time,
    and ``row`` (a digest of its INDEX.md row and whatever else its checks'
    results depend on). When only the file's times or inode differ (a fresh
    clone), its content digest decides.

    Held packed in one bytes object (a run holds one per document): equal
    stamps have equal bytes."""

    __slots__ = ("_packed",)

    def __init__(self, mtime_ns: int, size: int, row: str, ino: int, ctime_ns: int) -> None:
        self._packed = _STAMP.pack(mtime_ns, size, ino, ctime_ns) + row.encode(
            "utf-8", "surrogatepass"
        )

    def _ints(self) -> tuple[int, int, int, int]:
        return _STAMP.unpack_from(self._packed)

    @property
    def mtime_ns(self) -> int:
        return self._ints()[0]

    @property
    def size(self) -> int:
        return self._ints()[1]

    @property
    def ino(self) -> int:
        return self._ints()[2]

    @property
    def ctime_ns(self) -> int:
        return self._ints()[3]

    @property
    def row(self) -> str:
        return self._packed[_STAMP.size :].decode("utf-8", "surrogatepass")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stamp) and other._packed == self._packed

    def __hash__(self) -> int:
        return hash(self._packed)

    def __repr__(self) -> str:
        m, size, ino, c = self._ints()
        return f"Stamp(mtime_ns={m}, size={size}, row={self.row!r}, ino={ino}, ctime_ns={c})"


_STAMP = struct.Struct("=qqQq")
"""A stamp's times, size and inode (the row digest follows them)."""


@dataclass(frozen=True, slots=True)
class Kept:
    """A document's row in the store, as the document phase sees it."""

    stamp: Stamp
    digest: str | None
    indexed: bool


class Store:
    """One context's database: the document phase's results, per document,
    and the keyed index (:class:`provlint.index.KeyIndex`). Every method
    swallows SQLite and I/O errors: a store that cannot be used makes the
    run slower, never wrong."""

    def __init__(self, folder: Path, context: str, key: bytes | None = None) -> None:
        self.folder = folder
        self.context = context
        self._given_key = key
        """A key for a store of this run alone (see :func:`temporary_store`)."""
        self.path = folder / f"store-{context[:20]}.sqlite"
        self.db: sqlite3.Connection | None = None
        self.key = b""
        self.salt = b""
        self.problem: str | None = None
        """Why the store is not in use (None when it is)."""
        self.rebuilt = False
        self.deadline = time.monotonic() + BASE_SECONDS
        """When SQLite statements start being interrupted (see :meth:`bounded`)."""
        self._index: Any = None

    # -- opening -------------------------------------------------------------

    def open(self) -> bool:
        try:
            self.key = self._given_key or _user_key()
            self._make_folder()
            with self.bounded():
                self.db = self._connect()
        except sqlite3.OperationalError as exc:
            # Locked for longer than the timeout, read-only, I/O: not
            # corruption, so the file is left alone.
            self.problem = f"cache unusable: {exc}"
            self.db = None
            return False
        except sqlite3.DatabaseError:
            # Not a database, corrupt, foreign, or not this user's: start again.
            self._discard()
            try:
                with self.bounded():
                    self.db = self._connect()
                self.rebuilt = True
            except (sqlite3.Error, OSError) as exc:
                self.problem = f"cache unusable: {exc}"
                self.db = None
                return False
        except (sqlite3.Error, OSError, RuntimeError) as exc:  # RuntimeError: no home folder
            self.problem = f"cache unusable: {exc}"
            self.db = None
            return False
        self._prune_old()
        return True

    def _prune_old(self, days: int = 30) -> None:
        """Drop the databases of other contexts (another configuration or
        version) unused for ``days`` days, so the folder does not grow."""
        limit = time.time() - days * 86400
        for pattern in ("store-*.sqlite", "results-*.sqlite"):
            for other in self.folder.glob(pattern):
                if other == self.path:
                    continue
                try:
                    if other.stat().st_mtime < limit:
                        for suffix in ("", "-wal", "-shm"):
                            Path(str(other) + suffix).unlink(missing_ok=True)
                except OSError:
                    continue

    def _make_folder(self) -> None:
        if self.folder.is_symlink():
            # A cloned repository could ship one pointing anywhere.
            raise OSError(f"{self.folder} is a symlink; not using it as a cache")
        self.folder.mkdir(parents=True, exist_ok=True)
        _create(self.folder / "CACHEDIR.TAG", _TAG)
        _create(self.folder / ".gitignore", "# Created by provlint: not to be committed.\n*\n")

    def _connect(self) -> sqlite3.Connection:
        for suffix in ("", "-wal", "-shm", "-journal"):
            # SQLite opens these beside the database and follows links.
            if os.path.islink(f"{self.path}{suffix}"):
                raise OSError(f"{self.path}{suffix} is a symlink; not using it as a cache")
        db = sqlite3.connect(self.path, timeout=LOCK_SECONDS, isolation_level=None)
        try:
            # The database may come from a cloned repository: nothing in its
            # schema runs with side effects, every statement has a time
            # bound, and a schema provlint did not write is refused before
            # any statement touches a table.
            db.execute("PRAGMA trusted_schema=OFF")
            db.execute("PRAGMA cell_size_check=ON")
            db.set_progress_handler(self._over_time, 10_000)
            _own_schema(db)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            from .index import KeyIndex

            ready = self._salt(db) if _has_tables(db) else None
            if ready is None:
                # A new database (or one never signed): create and sign it.
                db.execute("BEGIN IMMEDIATE")
                for statement in _TABLES:
                    db.execute(statement)
                KeyIndex.create(db)
                ready = self._authenticate(db)
                db.execute("COMMIT")
                _own_schema(db)
            self.salt = ready
            # Only a database this user's provlint signed gets here. Damage
            # (a crash, a full disk) is caught page by page as it is read,
            # not by a whole-file check on every run, whose cost would grow
            # with the corpus: SQLITE_CORRUPT then drops the cache.
        except BaseException:
            db.close()
            raise
        return db

    def _salt(self, db: sqlite3.Connection) -> bytes | None:
        """The salt of a signed database, checked (read only); None when it
        is not signed yet."""
        rows = dict(db.execute("SELECT name, value FROM meta WHERE name IN ('salt', 'mac')"))
        if not rows:
            return None
        return self._authenticate(db)

    def _authenticate(self, db: sqlite3.Connection) -> bytes:
        """The database's salt, after checking that this user's provlint
        wrote it (an HMAC of the salt with the user's key): a database from
        anywhere else is never trusted. A new database gets a new salt."""
        rows = dict(db.execute("SELECT name, value FROM meta WHERE name IN ('salt', 'mac')"))
        salt, mac = rows.get("salt"), rows.get("mac")
        if salt is None and mac is None:
            for table in ("docs", "srcs", "recs", "checks"):
                if db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
                    raise ForeignSchema("the cache database has no signature")
            import secrets

            salt = secrets.token_bytes(16)
            db.execute("INSERT INTO meta VALUES ('salt', ?)", (salt,))
            db.execute("INSERT INTO meta VALUES ('mac', ?)", (self._sign(salt),))
            return bytes(salt)
        if not isinstance(salt, bytes) or not isinstance(mac, bytes):
            raise ForeignSchema("the cache database's signature is damaged")
        import hmac

        if not hmac.compare_digest(mac, self._sign(salt)):
            raise ForeignSchema("the cache database was not written by this user's provlint")
        return salt

    def _sign(self, salt: bytes) -> bytes:
        import hmac

        m = hmac.new(self.key, digestmod="blake2b")
        m.update(f"{self.context}\0".encode())
        m.update(salt)
        return m.digest()

    def _over_time(self) -> int:
        """SQLite's progress handler: a non-zero answer interrupts the
        statement (it fails with OperationalError "interrupted")."""
        return int(time.monotonic() > self.deadline)

    @contextlib.contextmanager
    def bounded(self, entries: int = 0) -> Iterator[None]:
        """Bound the statements run inside to :data:`BASE_SECONDS` plus
        :data:`SECONDS_PER_ENTRY` per entry they handle; past it, SQLite
        interrupts them (OperationalError), the store is skipped and the
        run goes on. Lock waits are bounded apart (:data:`LOCK_SECONDS`)."""
        self.deadline = time.monotonic() + BASE_SECONDS + SECONDS_PER_ENTRY * entries
        try:
            yield
        finally:
            self.deadline = time.monotonic() + BASE_SECONDS

    def _discard(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                Path(str(self.path) + suffix).unlink()

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None

    def broken(self, exc: Exception) -> None:
        """A database that fails mid-run is dropped; the next run rebuilds it."""
        self.problem = f"cache was corrupt and has been removed: {exc}"
        self.close()
        self._discard()

    @property
    def index(self) -> Any:
        """The keyed index on this database (a :class:`provlint.index.KeyIndex`)."""
        if self._index is None:
            from .index import KeyIndex

            assert self.db is not None
            self._index = KeyIndex(self.db, self.salt)
        return self._index

    # -- meta ------------------------------------------------------------------

    def meta(self, name: str) -> Any:
        """A value kept under ``name`` (None when absent or unreadable)."""
        if self.db is None:
            return None
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        try:
            return codec.loads(row[0])
        except Exception:
            return None

    def set_meta(self, name: str, value: Any) -> None:
        assert self.db is not None
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (name, codec.dumps(value)))

    # -- documents -------------------------------------------------------------

    def kept(self) -> dict[str, Kept]:
        """Every document the store holds a result for."""
        if self.db is None:
            return {}
        out: dict[str, Kept] = {}
        try:
            with self.bounded():
                rows = self.db.execute(
                    "SELECT path, mtime_ns, size, row, ino, ctime_ns, digest, indexed FROM docs"
                )
                for path, mtime, size, row, ino, ctime, digest, indexed in rows:
                    try:
                        stamp = Stamp(mtime, size, row, ino, ctime)
                    except (struct.error, TypeError, AttributeError):
                        continue  # not a stamp this version writes: checked again
                    out[path] = Kept(stamp, digest, bool(indexed))
        except sqlite3.OperationalError as exc:
            self.problem = f"cache not read: {exc}"
            return {}
        except sqlite3.DatabaseError as exc:
            self.broken(exc)
            return {}
        return out

    def result(self, path: str) -> Any:
        """The kept result of ``path`` (unpickled safely), or None."""
        return self._load("result", path)

    def emits(self, path: str) -> Any:
        """The kept keyed records of ``path``, or None."""
        return self._load("emits", path)

    def _load(self, column: str, path: str) -> Any:
        if self.db is None:
            return None
        try:
            with self.bounded():
                row = self.db.execute(
                    f"SELECT {column} FROM docs WHERE path = ?", (path,)
                ).fetchone()
        except sqlite3.OperationalError as exc:
            self.problem = f"cache not read: {exc}"
            return None
        except sqlite3.DatabaseError as exc:
            self.broken(exc)
            return None
        if row is None or row[0] is None:
            return None
        try:
            return codec.loads(row[0])
        except Exception:  # unreadable: a miss, never trusted
            return None

    def put(self, entries: Sequence[tuple[str, Stamp, str | None, bytes, bytes]]) -> bool:
        """Keep fresh results, each (path, stamp, content digest, pickled
        result, pickled keyed records), not yet applied to the keyed index.
        False when they could not be written."""
        if self.db is None:
            return False
        if not entries:
            return True
        rows = [
            (path, st.mtime_ns, st.size, st.row, st.ino, st.ctime_ns, digest, result, emits, 0)
            for path, st, digest, result, emits in entries
            if _storable(path)
        ]
        return self._write(
            "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )

    @contextlib.contextmanager
    def transaction(self, entries: int = 0) -> Iterator[None]:
        """One write transaction (the corpus phase's: the keyed index and
        the documents' state change together or not at all)."""
        assert self.db is not None
        with self.bounded(entries):
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def unindexed(self, batch: int = 500) -> Iterator[list[tuple[str, list[Any]]]]:
        """Inside :meth:`transaction`: the keyed records of every document
        the index does not have yet, ``batch`` documents at a time."""
        assert self.db is not None
        after = ""
        while True:
            rows = self.db.execute(
                "SELECT path, emits FROM docs WHERE indexed = 0 AND path > ? ORDER BY path "
                f"LIMIT {batch}",
                (after,),
            ).fetchall()
            if not rows:
                return
            out = []
            for path, blob in rows:
                try:
                    emits = codec.loads(blob) if blob else []
                except Exception as exc:
                    raise sqlite3.DatabaseError(f"a damaged result in the store: {exc}") from exc
                out.append((path, emits))
            yield out
            after = rows[-1][0]

    def settle(self, removed: Iterable[str], unkept: Sequence[str] = ()) -> None:
        """Inside :meth:`transaction`, once the index holds every document's
        records: mark them so; forget ``removed`` (documents the corpus no
        longer has) and what the store held for ``unkept`` (documents read
        in this run whose result it does not keep: what it held is stale);
        and list ``unkept`` for the next run (:meth:`unkept`), which removes
        their records from the index if they are gone by then."""
        assert self.db is not None
        self.db.execute("UPDATE docs SET indexed = 1 WHERE indexed = 0")
        self.db.executemany(
            "DELETE FROM docs WHERE path = ?",
            ((p,) for p in (*removed, *unkept) if _storable(p)),
        )
        self.set_meta("unkept", sorted(unkept))

    def unkept(self) -> list[str]:
        """The documents the last run read but did not keep a result for
        (see :meth:`settle`): the keyed index holds their records, and no
        kept result stands for them."""
        found = self.meta("unkept")
        if isinstance(found, list) and all(isinstance(p, str) for p in found):
            return found
        return []

    def restamp(self, stamps: Sequence[tuple[str, Stamp]]) -> None:
        """New stamps for documents whose content is unchanged (a fresh
        clone gives every file new times)."""
        self._write(
            "UPDATE docs SET mtime_ns = ?, ino = ?, ctime_ns = ? WHERE path = ?",
            [(st.mtime_ns, st.ino, st.ctime_ns, path) for path, st in stamps],
        )

    def _write(self, sql: str, rows: Sequence[tuple[Any, ...]]) -> bool:
        if self.db is None:
            return False
        if not rows:
            return True
        try:
            with self.bounded(len(rows)):
                self.db.execute("BEGIN IMMEDIATE")
                self.db.executemany(sql, rows)
                self.db.execute("COMMIT")
            return True
        except sqlite3.OperationalError as exc:  # locked for longer than the timeout
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            self.problem = f"cache not updated: {exc}"
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            self.broken(exc)
        except ValueError as exc:  # a value SQLite cannot store: the run goes on
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
            self.problem = f"cache not updated: {exc}"
        return False


dumps = codec.dumps
loads = codec.loads
cache_dumps, cache_loads = dumps, loads


# --------------------------------------------------------------------------
# The context: what besides the file a result depends on
# --------------------------------------------------------------------------


def _fingerprint(module_name: str, sources: Iterable[str] = ()) -> str:
    """A fingerprint of a plugin's code and data, so that an edited plugin
    never reuses results cached before the edit: every file of its package
    folder (data files included), and the source files of the helper
    modules it imported as it loaded. Every module of provlint shares one
    fingerprint: its whole package."""
    if module_name.startswith("provlint."):
        return _package_fingerprint()
    module = sys.modules.get(module_name.split(":")[0])
    files = [Path(f) for f in sources]
    where = getattr(module, "__file__", None)
    if where:
        top = sys.modules.get(module_name.split(".")[0].split(":")[0])
        folder = getattr(top, "__path__", None)
        if folder:  # a package: all of it
            for base in folder:
                files += _tree(Path(base))
        else:
            files.append(Path(where))
    if not files:
        return module_name
    return _files_fingerprint(module_name, sorted(set(files)))


def _tree(folder: Path, limit: int = 5000) -> list[Path]:
    """The files under ``folder`` (caches and hidden folders left out), at
    most ``limit``, folder by folder in name order. Symlinks to folders are
    not followed, and at most ``limit`` entries of any folder are looked at,
    so a folder of a million files, or nested a thousand deep, costs no
    more than one of ``limit`` files."""
    out: list[Path] = []
    folders = [folder]
    seen = 0
    while folders and len(out) < limit and seen < 4 * limit:
        here = folders.pop()
        try:
            with os.scandir(here) as it:
                entries = sorted(itertools.islice(it, limit), key=lambda e: e.name)
        except OSError:
            continue
        seen += len(entries) + 1
        below = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if entry.name != "__pycache__" and not entry.name.startswith("."):
                    below.append(Path(entry.path))
            elif not entry.name.endswith((".pyc", ".pyo")):
                out.append(Path(entry.path))
        folders += reversed(below)  # the first one next
    return out[:limit]


@functools.cache
def _package_fingerprint() -> str:
    from . import plugins, schemas

    files = _tree(Path(__file__).resolve().parent) + _tree(Path(plugins.__file__ or "").parent)
    files += _tree(Path(schemas.__file__ or "").resolve().parent)
    return _files_fingerprint("provlint", sorted(set(files)))


FINGERPRINT_BYTES = 64 << 20
"""How much of a plugin's files a fingerprint hashes; past it, the rest
count by size and modification time."""


def _files_fingerprint(name: str, files: Iterable[Path]) -> str:
    """The files' contents (not their times or the folder they are
    installed in: a fresh install of the same code, as in CI, fingerprints
    the same), each named by its path under the files' common folder.
    Only regular files count (a FIFO or device, even behind a symlink, is
    never opened for reading in a way that waits); past
    :data:`FINGERPRINT_BYTES` of content, a file counts by its size and
    modification time."""
    found = [f for f in files if f.is_file()]
    if not found:
        return name
    from .reading import open_regular

    base = os.path.commonpath([str(f.parent) for f in found])
    digest = hashlib.blake2b(name.encode(), digest_size=16)
    budget = FINGERPRINT_BYTES
    for f in found:
        rel = os.path.relpath(f, base)
        try:
            with open_regular(f) as fh:
                st = os.fstat(fh.fileno())
                if st.st_size <= budget:
                    mark, used = _content_mark(fh, budget)
                    budget -= used
                else:
                    mark = f"{st.st_size}:{st.st_mtime_ns}"
        except OSError:
            continue
        digest.update(f"{rel}\0{mark}\0".encode("utf-8", "surrogateescape"))
    return f"{name}:{digest.hexdigest()}"


def _content_mark(fh: Any, budget: int) -> tuple[str, int]:
    """The hash of what ``fh`` holds, read a MiB at a time, and how many
    bytes were read; a file that grows past ``budget`` as it is read counts
    by what was read and its new size."""
    mark = hashlib.blake2b(digest_size=16)
    used = 0
    while used <= budget:
        chunk = fh.read(min(1 << 20, budget + 1 - used))
        if not chunk:
            return mark.hexdigest(), used
        mark.update(chunk)
        used += len(chunk)
    return f"{mark.hexdigest()}+{os.fstat(fh.fileno()).st_size}", used


def _library_versions() -> dict[str, str]:
    """The versions of the libraries whose behaviour reaches the results."""
    from importlib import metadata

    out = {}
    for name in ("PyYAML", "jsonschema", "jsonschema-rs", "numpy", "pluggy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = ""
    return out


def open_store(root: Path, cfg: Config, selection: Selection) -> Store:
    """The result cache of this run's context (see :func:`context_key`):
    the configuration, every selected and instantiated check, every loaded
    plugin with a fingerprint of its code, and the libraries' versions."""
    from . import __version__

    # The default cache folder lies in the corpus: it names the corpus
    # wherever the corpus is (a clone elsewhere, a CI checkout). A shared
    # --cache-dir keeps the corpora apart by their paths.
    config = {
        "root": str(root.resolve()) if cfg.cache_dir is not None else "",
        "documents": cfg.documents,
        "exclude": cfg.exclude,
        "checks": [s.name for s in selection.specs],
        "instantiated": [s.name for s, _ in selection.instances()],
        "libraries": _library_versions(),
        "severity": {k: v.value for k, v in sorted(selection.severity.items())},
        "options": cfg.check_options,
        "max_document_bytes": cfg.max_document_bytes,
        "extra": cfg.extra,
    }
    registry = selection.registry
    plugins = [("provlint", "", "", "", _package_fingerprint())]
    for info in registry.plugins:
        obj = registry.pm.get_plugin(info.name)
        module = getattr(obj, "__name__", None) or type(obj).__module__
        plugins.append(
            (info.name, info.module, info.dist, info.version, _fingerprint(module, info.sources))
        )
    folder = cfg.cache_dir or default_folder(root)
    store = Store(folder, context_key(__version__, config, plugins))
    store.open()
    return store


@contextlib.contextmanager
def temporary_store() -> Iterator[Store]:
    """A store for one run only, in a new temporary folder outside the
    corpus (removed afterwards), signed with a key that lives in memory: how
    a large run without the cache keeps its memory bounded."""
    import secrets
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="provlint-run-"))
    store = Store(folder / "index", "run", key=secrets.token_bytes(32))
    try:
        store.open()
        yield store
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
