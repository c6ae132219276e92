"""Renamed files: a catalogued file that is missing, and a file no row names,
that look like one document under its old and its new name.

`missing-file` and `unindexed-file` both join the two kinds of document
with the keyed protocol, so that a rename is reported once, as a link,
incrementally and on any engine:

- ``match``: each missing document (a row whose file does not exist) and
  each unindexed document (a file no row names) is emitted under its
  evidence: content hash (the row's `sha256`, the file's hash), `id`,
  `url` and `title` (the row's cells, the file's header), its name without
  folder, extension, case or punctuation, and the head and tail of that
  name within its folder (for names that differ a little). A key holding
  both kinds gives every (missing, unindexed) pair a *candidate*.
- ``side``: each document weighs its candidates (hash 8, id 4, url 4,
  title 2, name 1; the signals of one partner are added) and chooses the
  partner with the highest weight, when no other partner has as much.
- ``pair``: two documents that chose each other are *linked*.
- ``final``: each check reports its own kind of document: missing-file
  names the new file of a linked row ("renamed?"); unindexed-file reports
  only the files that are not linked, so a rename is one finding.
"""

from __future__ import annotations

import difflib
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar, NamedTuple

from provlint import Document, Emit, Finding, KeyedCheck, Totals

MISSING = "missing"
UNINDEXED = "unindexed"
WEIGHTS = {"sha256": 8, "id": 4, "url": 4, "title": 2, "name": 1}
"""How much each kind of evidence weighs when a document chooses its partner."""
SAYS = {
    "sha256": "content matches the row's sha256",
    "id": "header id is the row's id",
    "url": "header url is the row's url",
    "title": "header title is the row's title",
    "name": "name is nearly the same",
}
MAX_PAIRS = 2500
"""A key shared by more (missing x unindexed) pairs than this is no evidence
(a title every file has): it gives no candidates."""
EDGE = 4
"""Characters of a name's head and tail that group names to compare."""
_SHA = re.compile(r"^[0-9a-fA-F]{64}$")
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")


class End(NamedTuple):
    """One side of a possible rename: a missing or an unindexed document."""

    kind: str
    path: str
    line: int
    """The row's line (a missing document), else 1."""
    column: int
    """The `file` cell's column (a missing document), else 1."""
    written: str
    """The `file` cell as written (a missing document), else the path."""
    doc_id: str | None
    index_path: str


class Candidate(NamedTuple):
    """Evidence that ``partner`` is the other side of ``me``'s rename."""

    me: End
    partner: End
    signal: str


class Choice(NamedTuple):
    """A document's chosen partner, with the evidence."""

    chooser: End
    signals: tuple[str, ...]


class Linked(NamedTuple):
    """The document and ``partner`` chose each other."""

    partner: End
    signals: tuple[str, ...]


def stem(path: str) -> str:
    """A file name without folder and extension, case-folded, letters and
    digits only: ``Notes/Harbour-Board.TXT`` gives ``harbourboard``."""
    base = posixpath.basename(path)
    name = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    name = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in name if ch.isalnum())


def alike(a: str, b: str) -> bool:
    """Whether two stems share most of a name: one holds the other, or they
    are 80% alike (difflib's ratio); both at least :data:`EDGE` long. Names
    that differ only in their numbers (``report-3``, ``report-4``) are two
    documents of a series, not a rename; adding a number (a date in front)
    is a rename."""
    if a == b or len(a) < EDGE or len(b) < EDGE:
        return a == b
    if _DIGITS.sub("", a) == _DIGITS.sub("", b):
        da, db = _DIGITS.findall(a), _DIGITS.findall(b)
        if da and db:
            return False
    if a in b or b in a:
        return True
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= 0.8


def _words(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(_WORD.findall(unicodedata.normalize("NFKC", value).casefold()))
    return text or None


def _url(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().rstrip("/")


def end_of(doc: Document) -> End | None:
    """The document as a side of a rename, or None when it is neither
    missing nor unindexed."""
    row = doc.row
    if row is not None:
        if doc.exists or doc.read_error or doc.escapes_root:
            return None
        cell = row.cells.get("file")
        return End(
            MISSING,
            doc.path,
            row.line,
            cell.column if cell else 1,
            cell.value if cell else doc.path,
            row.id,
            doc.index_path,
        )
    if doc.read_error:
        return None  # unreadable (a pipe, a folder too deep): missing-file says why
    return End(UNINDEXED, doc.path, 1, 1, doc.path, doc.doc_id, doc.index_path)


def evidence(doc: Document, end: End) -> Iterator[tuple[str, ...]]:
    """The keys (without the stage) the document's evidence goes under."""
    if end.kind == MISSING:
        assert doc.row is not None
        digest = doc.row.get("sha256")
        values: dict[str, Any] = {name: doc.row.get(name) for name in ("id", "url", "title")}
    else:
        digest = doc.sha256
        fields = doc.header.fields if doc.header is not None else {}
        values = {name: fields.get(name) for name in ("id", "url", "title")}
    if digest and _SHA.match(digest):
        yield ("sha256", digest.lower())
    if isinstance(values["id"], str) and values["id"].strip():
        yield ("id", values["id"].strip())
    url = _url(values["url"])
    if url:
        yield ("url", url)
    title = _words(values["title"])
    if title:
        yield ("title", title)
    name = stem(doc.path)
    if name:
        yield ("name", name)
        if len(name) >= EDGE:
            folder = posixpath.dirname(doc.path)
            yield ("head", folder, name[:EDGE])
            yield ("tail", folder, name[-EDGE:])


class RenameJoin(KeyedCheck):
    """The keyed join of missing and unindexed documents (see the module's
    documentation); a subclass reports the documents of kind ``own``."""

    own: ClassVar[str] = ""
    stages = ("match", "side", "pair", "final")
    records = (End, Candidate, Choice, Linked)
    lonely = frozenset({"match", "pair"})

    def emit(self, doc: Document) -> Iterator[tuple[tuple[Any, ...], End]]:
        end = end_of(doc)
        if end is None:
            return
        if end.kind == self.own:
            yield ("final", end.kind, end.path), end
        for key in evidence(doc, end):
            yield ("match", *key), end

    def judge(
        self, key: tuple[Any, ...], records: Sequence[Any], totals: Totals
    ) -> Iterable[Finding | Emit]:
        stage = key[0]
        if stage == "match":
            return self._match(key, records)
        if stage == "side":
            return self._side(records)
        if stage == "pair":
            return self._pair(records)
        return self.report(records)

    def _match(self, key: tuple[Any, ...], records: Sequence[End]) -> Iterator[Emit]:
        gone = [r for r in records if r.kind == MISSING]
        new = [r for r in records if r.kind == UNINDEXED]
        if not gone or not new or len(gone) * len(new) > MAX_PAIRS:
            return
        signal = key[1]
        fuzzy = signal in ("head", "tail")
        for m in gone:
            for u in new:
                if fuzzy and not alike(stem(m.path), stem(u.path)):
                    continue
                name = "name" if fuzzy else signal
                yield Emit(("side", MISSING, m.path), Candidate(m, u, name))
                yield Emit(("side", UNINDEXED, u.path), Candidate(u, m, name))

    def _side(self, records: Sequence[Candidate]) -> Iterator[Emit]:
        signals: dict[End, set[str]] = {}
        for c in records:
            signals.setdefault(c.partner, set()).add(c.signal)
        if not signals:
            return
        weight = {p: sum(WEIGHTS[s] for s in found) for p, found in signals.items()}
        best = max(weight.values())
        top = [p for p, w in weight.items() if w == best]
        if len(top) != 1:
            return  # two partners fit as well: no link
        partner = top[0]
        me = records[0].me
        pair = (me.path, partner.path) if me.kind == MISSING else (partner.path, me.path)
        yield Emit(("pair", *pair), Choice(me, tuple(sorted(signals[partner]))))

    def _pair(self, records: Sequence[Choice]) -> Iterator[Emit]:
        kinds = {c.chooser.kind: c for c in records}
        if len(records) != 2 or set(kinds) != {MISSING, UNINDEXED}:
            return
        mine = kinds[self.own]
        other = kinds[UNINDEXED if self.own == MISSING else MISSING]
        yield Emit(("final", self.own, mine.chooser.path), Linked(other.chooser, mine.signals))

    def report(self, records: Sequence[Any]) -> Iterator[Finding]:
        """Findings for one document of kind ``own``: its :class:`End` and,
        when it is linked, the :class:`Linked` partner."""
        raise NotImplementedError

