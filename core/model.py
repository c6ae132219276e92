"""Data model shared by the runner, the checks and the output formats.

Everything here is plain data: frozen dataclasses and small containers that
pickle cleanly, so that document checks can later run in worker processes.
"""

from __future__ import annotations

import enum
import re
import struct
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

__all__ = [
    "SEVERITIES",
    "Catalogue",
    "CatalogueCheck",
    "Cell",
    "Cells",
    "Check",
    "Corpus",
    "CorpusCheck",
    "Declared",
    "Document",
    "DocumentCheck",
    "Finding",
    "Header",
    "IndexRow",
    "Location",
    "RaggedRow",
    "Severity",
    "bounded_data",
    "phrase_end",
]


_ID_SEPARATORS = re.compile(r"[\s,]+")


def split_ids(value: Any) -> list[str]:
    """The ids a `derived_from` value names: a list, or text with ids
    separated by commas or spaces. Empty items are dropped."""
    items = value if isinstance(value, list) else _ID_SEPARATORS.split(str(value))
    return [s for s in (str(v).strip() for v in items) if s]


class Severity(str, enum.Enum):
    """How serious a finding is. Only ``error`` fails a run by default."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    def __str__(self) -> str:
        return self.value

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
SEVERITIES = tuple(s.value for s in Severity)


DATA_CHARS = 1000
"""The longest string a finding's data keeps; a longer one is cut in the
middle, as a message is (the file's text may quote anything)."""
DATA_ITEMS = 50
"""The most items a list in a finding's data keeps (the first ones)."""


def bounded_data(value: Any, depth: int = 0) -> Any:
    """``value`` (a finding's data) with every string of more than
    :data:`DATA_CHARS` characters cut in the middle (`` … `` between its
    start and end), every list cut to its first :data:`DATA_ITEMS` items,
    and nothing nested more than 8 deep."""
    if isinstance(value, str):
        if len(value) <= DATA_CHARS:
            return value
        room = DATA_CHARS - 3
        head = (room + 1) // 2
        return f"{value[:head]} … {value[len(value) - (room - head) :]}"
    if depth >= 8 and isinstance(value, (Mapping, list, tuple)):
        return None
    if isinstance(value, Mapping):
        return {bounded_data(str(k)): bounded_data(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [bounded_data(v, depth + 1) for v in value[:DATA_ITEMS]]
    return value


def phrase_end(text: str | None, line: int, column: int, phrase: str) -> tuple[int, int]:
    """Where ``phrase`` ends (the line and column of its last character)
    when it stands in ``text`` at ``line`` and ``column`` (1-based), else
    ``(0, 0)``: a finding's ``end_line`` and ``end_column``, given only
    when the text confirms them."""
    if not text or not phrase or line < 1 or column < 1:
        return 0, 0
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if start == 0:
            return 0, 0
    at = start + column - 1
    if not text.startswith(phrase, at) or "\n" in text[start:at]:
        return 0, 0
    lines = phrase.count("\n")
    last = phrase.rsplit("\n", 1)[-1]
    return line + lines, (len(last) if lines else column - 1 + len(phrase))


@dataclass(frozen=True, order=True, slots=True)
class Location:
    """A place in the corpus: a path relative to the corpus root, 1-based
    line and column (0 when unknown), and a short note saying what is there."""

    path: str
    line: int = 0
    column: int = 0
    note: str = ""

    def __str__(self) -> str:
        out = self.path
        if self.line:
            out += f":{self.line}"
            if self.column:
                out += f":{self.column}"
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "column": self.column, "note": self.note}

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt by the constructor: twice as fast to unpickle as the
        # generic state of a frozen slotted dataclass (results are pickled
        # between processes and into the cache).
        return (Location, (self.path, self.line, self.column, self.note))


@dataclass(frozen=True, slots=True)
class Finding:
    """One inconsistency, with its evidence.

    ``path`` is relative to the corpus root (POSIX separators); ``line`` and
    ``column`` are 1-based, 0 meaning "the whole file". ``related`` holds the
    other side of a contradiction: another file and line, or an INDEX.md row.
    ``properties`` is structured data a check adds (JSON values: strings,
    numbers, booleans, lists and string-keyed mappings): the dates, scores
    and ids its message quotes, such as the date ``date-mismatch`` proposes
    (the ``data`` member of the JSON output); it does not take part in
    comparisons. ``end_line`` and ``end_column`` end the span the finding
    points at (the column of its last character), 0 when unknown.
    """

    path: str
    line: int
    column: int
    code: str
    check: str
    severity: Severity
    message: str
    doc_id: str | None = None
    related: tuple[Location, ...] = ()
    plugin: str = ""
    properties: Mapping[str, Any] | None = field(default=None, compare=False)
    end_line: int = field(default=0, compare=False)
    end_column: int = field(default=0, compare=False)

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            Finding,
            (
                self.path,
                self.line,
                self.column,
                self.code,
                self.check,
                self.severity,
                self.message,
                self.doc_id,
                self.related,
                self.plugin,
                self.properties,
                self.end_line,
                self.end_column,
            ),
        )

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.column)

    def to_dict(self) -> dict[str, Any]:
        """Its JSON form (schemas/output.schema.json): ``properties`` is
        ``data``, an empty mapping when the check added none."""
        out = {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "code": self.code,
            "check": self.check,
            "severity": self.severity.value,
            "message": self.message,
            "doc_id": self.doc_id,
            "related": [r.to_dict() for r in self.related],
            "plugin": self.plugin,
            "data": dict(self.properties) if self.properties else {},
        }
        return out


# --------------------------------------------------------------------------
# Inputs: the catalogue and the documents
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One non-empty INDEX.md cell: its text (escapes resolved, trimmed) and
    the 1-based column where the cell's text starts."""

    value: str
    column: int

    def __reduce__(self) -> tuple[Any, ...]:
        return (Cell, (self.value, self.column))


class Cells(Mapping[str, Cell]):
    """A catalogue row's non-empty cells by column name, held compactly (a
    catalogue of a million rows keeps every row for the whole run): the
    names, one tuple shared by the rows that have the same cells filled,
    and either a flat tuple of each cell's text and column or, when every
    text is a plain slice of the row's line (no escape, no inline
    Markdown), the line itself with each cell's start and end packed in
    ``spans`` (:meth:`from_line`), so that no cell text is held twice. A
    :class:`Cell` is made when one is asked for."""

    __slots__ = ("_flat", "_line", "_names", "_spans")

    def __init__(self, names: tuple[str, ...], flat: tuple[str | int, ...]) -> None:
        self._names = names
        self._flat = flat
        self._line = ""
        self._spans = b""

    @classmethod
    def from_line(cls, names: tuple[str, ...], line: str, spans: Sequence[int]) -> Cells:
        """Cells whose texts are ``line[start:end]``: ``spans`` holds one
        (start, end) pair a name, flat. A cell's column is ``start + 1``."""
        cells = cls(names, ())
        cells._line = line
        cells._spans = struct.pack(f"={len(spans)}I", *spans)
        return cells

    def _cell(self, i: int) -> Cell:
        if self._spans:
            start, end = _SPAN.unpack_from(self._spans, i * _SPAN.size)
            return Cell(self._line[start:end], start + 1)
        return Cell(self._flat[2 * i], self._flat[2 * i + 1])  # type: ignore[arg-type]

    def __getitem__(self, name: str) -> Cell:
        try:
            i = self._names.index(name)
        except ValueError:
            raise KeyError(name) from None
        return self._cell(i)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return repr(dict(self))

    def _flat_form(self) -> tuple[str | int, ...]:
        if not self._spans:
            return self._flat
        flat: list[str | int] = []
        for i in range(len(self._names)):
            cell = self._cell(i)
            flat += (cell.value, cell.column)
        return tuple(flat)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Cells, (self._names, self._flat_form()))

    def key(self) -> str:
        """Every name, text and column, as one string: equal for equal cells
        in the same order (a cheap stand-in for the sorted items)."""
        if self._spans:
            return repr((self._names, self._line, self._spans))
        return repr((self._names, self._flat))


_SPAN = struct.Struct("=II")
"""A cell's (start, end) in its row's line, in :attr:`Cells._spans`."""


@dataclass(frozen=True, slots=True)
class IndexRow:
    """A catalogue row. ``cells`` maps the lower-cased column name to the
    cell; empty cells are absent. Unknown columns are kept. (The parser
    gives a :class:`Cells`; any mapping will do.)

    :attr:`unknown` names the columns whose cell cannot be told in a row
    with more or fewer cells than the header (an unescaped ``|``, a lost
    cell): they are absent from ``cells`` although the row may well hold a
    value for them, so a check must not report them as empty.
    ``index-schema`` reports the row's shape, once. Such a row is a
    :class:`RaggedRow`, so that the others (nearly all) hold nothing more."""

    line: int
    cells: Mapping[str, Cell]
    raw_cell_count: int = 0

    @property
    def unknown(self) -> tuple[str, ...]:
        """The columns whose cell this row's shape leaves unknown."""
        return ()

    def get(self, name: str) -> str | None:
        cell = self.cells.get(name)
        return cell.value if cell is not None else None

    @property
    def id(self) -> str | None:
        return self.get("id")

    @property
    def file(self) -> str | None:
        return self.get("file")

    def location(self, index_path: str, name: str | None = None, note: str = "") -> Location:
        cell = self.cells.get(name) if name else None
        return Location(index_path, self.line, cell.column if cell else 1, note)


@dataclass(frozen=True, slots=True)
class RaggedRow(IndexRow):
    """A catalogue row with more or fewer cells than the header, and
    ``unknown_columns``: the columns its cells cannot be lined up with
    (see :attr:`IndexRow.unknown`)."""

    unknown_columns: tuple[str, ...] = ()

    @property
    def unknown(self) -> tuple[str, ...]:
        return self.unknown_columns


@dataclass(frozen=True, slots=True)
class TableProblem:
    """Something the INDEX.md parser could not read as the contract says.
    ``data`` holds the values its message quotes, with the kind of problem
    under ``problem`` (index-schema's finding data)."""

    line: int
    column: int
    message: str
    data: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The parsed INDEX.md. ``path`` is relative to the corpus root (normally
    ``INDEX.md``). ``columns`` is the header row, lower-cased, in order."""

    path: str
    exists: bool
    columns: tuple[str, ...] = ()
    header_line: int = 0
    rows: tuple[IndexRow, ...] = ()
    problems: tuple[TableProblem, ...] = ()
    read_error: str | None = None
    digest: str = ""
    """The SHA-256 of INDEX.md's bytes ("" when it was not read)."""


@dataclass(frozen=True, slots=True)
class Declared:
    """A value declared for a document field, with where it was declared.
    ``origin`` is ``"index"``, ``"header"`` or a plugin-chosen word."""

    value: Any
    origin: str
    location: Location

    def __reduce__(self) -> tuple[Any, ...]:
        return (Declared, (self.value, self.origin, self.location))


@dataclass(slots=True)
class Header:
    """What a header parser made of the top of a document.

    ``fields`` holds the raw values (strings, lists of strings or mappings:
    YAML scalars are never converted), ``positions`` the 1-based (line,
    column) of each top-level key's value, keyed by a JSON-pointer-like tuple
    path. ``body_line``/``body_column`` say where the body starts, and
    ``errors`` lists (line, column, message) problems met while parsing.
    """

    format: str
    fields: dict[str, Any] = field(default_factory=dict)
    positions: dict[tuple[Any, ...], tuple[int, int]] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    body_column: int = 1
    errors: list[tuple[int, int, str]] = field(default_factory=list)

    def position(self, *path: Any) -> tuple[int, int]:
        """Best position for ``path``: the deepest known prefix, else line 1."""
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))


@dataclass(slots=True)
class Document:
    """One document, as every document check sees it.

    A document comes from an INDEX.md row, from a file that matches the
    document globs, or both. ``text`` is the decoded file (None when it could
    not be read), ``header`` what a header parser made of it. ``declared``
    maps a field name to every declaration of it, INDEX.md first.
    ``summary`` is where document checks leave compact facts for corpus
    checks (it must stay small and picklable).
    """

    path: str
    row: IndexRow | None = None
    index_path: str = "INDEX.md"
    exists: bool = False
    read_error: str | None = None
    escapes_root: bool = False
    size: int = 0
    sha256: str | None = None
    text: str | None = None
    decode_error: tuple[int, str] | None = None
    raw: bytes | None = field(default=None, repr=False)
    """The file's bytes, during the document phase only and only when they
    did not decode as clean UTF-8 (``decode_error`` is set), for checks that
    describe the bad bytes; never kept for the corpus phase."""
    header: Header | None = None
    own_declared: dict[str, list[Declared]] | None = field(default=None, repr=False)
    """The declarations as set by the runner or a plugin; None when they
    are rebuilt from the row and the header on each use (light copies)."""
    summary: dict[str, Any] = field(default_factory=dict)
    too_large: bool = False
    """Larger than the configured limit: only the header was read."""
    corpus_size: int = 0
    """How many documents the run holds (so a check can choose its method)."""
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Per-document memo for work several checks share (dropped before the
    corpus phase)."""

    @property
    def declared(self) -> dict[str, list[Declared]]:
        """Every declaration of each field, INDEX.md first."""
        if self.own_declared is not None:
            return self.own_declared
        return declarations(self)

    @declared.setter
    def declared(self, value: dict[str, list[Declared]]) -> None:
        self.own_declared = value

    @property
    def doc_id(self) -> str | None:
        if self.own_declared is None:  # the quick way, same answer
            rid = self.row.id if self.row is not None else None
            if rid is not None:
                return rid
            value = self.header.fields.get("id") if self.header is not None else None
            return None if _empty(value) else str(value)
        ids = self.own_declared.get("id")
        return str(ids[0].value) if ids else None

    def declarations_of(self, name: str) -> list[Declared]:
        """Every declaration of one field (``declared[name]``, without
        building the others)."""
        if self.own_declared is not None:
            return self.own_declared.get(name, [])
        out = []
        cell = self.row.cells.get(name) if self.row is not None and name != "file" else None
        if cell is not None:
            out.append(_from_row(self, cell))
        value = self.header.fields.get(name) if self.header is not None else None
        if not _empty(value):
            out.append(_from_header(self, name, value))
        return out

    def get(self, name: str) -> Any:
        """The effective value of a field: INDEX.md's when it has one, else
        the header's. Disagreements are reported by checks, never hidden."""
        values = self.declarations_of(name)
        return values[0].value if values else None

    def first(self, name: str) -> Declared | None:
        values = self.declarations_of(name)
        return values[0] if values else None

    def unknown(self, name: str) -> bool:
        """True when the document's INDEX.md row may hold ``name`` but its
        cells cannot be lined up with the header (see
        :attr:`IndexRow.unknown`): a check that reports a missing field
        stays silent then, as index-schema reports the row."""
        return self.row is not None and name in self.row.unknown

    @property
    def body(self) -> str:
        if self.header is not None:
            return self.header.body
        return self.text or ""

    def derived_ids(self) -> list[tuple[str, Declared]]:
        """Every id named in `derived_from` (INDEX.md and header), with the
        declaration that names it."""
        return [(i, d) for d in self.declarations_of("derived_from") for i in split_ids(d.value)]

    def pairs(self, name: str) -> list[tuple[Declared, Declared]]:
        """Every pair of declarations of ``name`` that come from different
        places (INDEX.md first), for checks that compare them."""
        values = self.declarations_of(name)
        return [
            (a, b)
            for i, a in enumerate(values)
            for b in values[i + 1 :]
            if a.location.path != b.location.path or a.origin != b.origin
        ]

    def row_location(self, column_name: str | None = None, note: str = "INDEX.md row") -> Location:
        """The document's INDEX.md row (at a cell when named), or the index
        file itself when the document has no row."""
        if self.row is None:
            return Location(self.index_path, 0, 0, "no INDEX.md row")
        return self.row.location(self.index_path, column_name, note)

    def anchor(self) -> tuple[Location, tuple[Location, ...]]:
        """Where a finding about the document's metadata as a whole goes,
        and what to cite beside it: the file (line 1) citing its row, or
        the row when the file cannot be read."""
        if self.exists and not self.read_error:
            related = (self.row_location(),) if self.row is not None else ()
            return Location(self.path, 1, 1), related
        return self.row_location(), ()

    def lightweight(self) -> Document:
        """A copy without the text, for corpus checks. It keeps the positions
        of top-level header keys only, and rebuilds ``declared`` on use
        unless a plugin added declarations of its own."""
        header = self.header
        if header is not None:
            header = Header(
                format=header.format,
                fields=header.fields,
                positions={k: v for k, v in header.positions.items() if len(k) <= 1},
                body="",
                body_line=header.body_line,
                body_column=header.body_column,
                errors=header.errors,
            )
        return Document(
            path=self.path,
            row=self.row,
            index_path=self.index_path,
            exists=self.exists,
            read_error=self.read_error,
            escapes_root=self.escapes_root,
            size=self.size,
            sha256=self.sha256,
            text=None,
            decode_error=self.decode_error,
            header=header,
            own_declared=self._own_if_needed(),
            summary=self.summary,
            corpus_size=self.corpus_size,
            too_large=self.too_large,
        )


    def _own_if_needed(self) -> dict[str, list[Declared]] | None:
        own = self.own_declared
        if own is None:
            return None
        if all(d.origin in ("index", "header") for ds in own.values() for d in ds):
            return None  # what declarations() rebuilds
        return own


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def declarations(doc: Document) -> dict[str, list[Declared]]:
    """The declarations of a document's fields: its INDEX.md row's cells
    (but ``file``), then its header's non-empty top-level fields."""
    declared: dict[str, list[Declared]] = {}
    if doc.row is not None:
        for name, cell in doc.row.cells.items():
            if name != "file":
                declared.setdefault(name, []).append(_from_row(doc, cell))
    if doc.header is not None:
        for name, value in doc.header.fields.items():
            if not _empty(value):
                declared.setdefault(name, []).append(_from_header(doc, name, value))
    return declared


def _from_row(doc: Document, cell: Cell) -> Declared:
    assert doc.row is not None
    note = sys.intern(f"{doc.index_path} row")
    return Declared(cell.value, "index", Location(doc.index_path, doc.row.line, cell.column, note))


def _from_header(doc: Document, name: str, value: Any) -> Declared:
    assert doc.header is not None
    line, col = doc.header.position(name)
    return Declared(value, "header", Location(doc.path, line, col, "header"))


@dataclass(frozen=True, slots=True)
class Corpus:
    """What corpus checks see: the catalogue and every document's metadata
    and summary (never all the texts at once)."""

    root: str
    catalogue: Catalogue
    documents: Sequence[Document]

    def by_path(self) -> dict[str, Document]:
        return {d.path: d for d in self.documents}


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


class Check:
    """Base class of every check, built-in or third-party.

    Subclasses set the class attributes and implement ``check_document``
    (for :class:`DocumentCheck`) or ``check_corpus`` (for
    :class:`CorpusCheck`). The class docstring is the check's documentation,
    with the sections *What it does*, *Why it matters*, *Example* and
    *Options*; ``provlint explain`` prints it.

    ``options`` is a JSON Schema ``properties`` mapping for the check's
    options; ``defaults`` their default values.
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.ERROR
    scope: ClassVar[Literal["document", "corpus"]] = "document"
    options: ClassVar[dict[str, Any]] = {}
    defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, options: Mapping[str, Any] | None = None, plugin: str = "") -> None:
        merged = dict(self.defaults)
        merged.update(options or {})
        self.config: dict[str, Any] = merged
        self.plugin = plugin

    def finding(
        self,
        path: str,
        line: int,
        column: int,
        message: str,
        *,
        doc_id: str | None = None,
        related: Iterable[Location] = (),
        severity: Severity | None = None,
        properties: Mapping[str, Any] | None = None,
        end_line: int = 0,
        end_column: int = 0,
    ) -> Finding:
        """Build a finding of this check. ``properties`` holds the values
        the message quotes (see :class:`Finding`), bounded by
        :func:`bounded_data`; ``end_line`` and ``end_column`` end its span,
        when known."""
        return Finding(
            path=path,
            line=line,
            column=column,
            code=self.code,
            check=self.name,
            severity=severity or self.severity,
            message=message,
            doc_id=doc_id,
            related=tuple(related),
            plugin=self.plugin,
            properties=bounded_data(properties) if properties else None,
            end_line=end_line,
            end_column=end_column,
        )

    def corpus_size_breaks(self) -> tuple[int, ...]:
        """Corpus sizes at which this check's per-document work changes.

        A document check may look at ``Document.corpus_size`` to choose its
        method (exact sets for small corpora, signatures for large ones).
        A cached result is reused only while the corpus stays on the same
        side of each of these sizes; a check that reads ``corpus_size``
        must list them here.

        .. versionadded:: 0.1
        """
        return ()

    def volatile_key(self) -> str:
        """Anything besides the document, its INDEX.md row, the options and
        the corpus-size class that this check's result on a document depends
        on, as text (default: nothing). A cached result is reused only while
        this is unchanged: a check that compares dates with today returns
        today's date.

        .. versionadded:: 0.1
        """
        return ""

    @classmethod
    def summary_line(cls) -> str:
        doc = (cls.__doc__ or "").strip()
        return doc.splitlines()[0].strip() if doc else ""


class DocumentCheck(Check):
    """A check that sees one document at a time. It may run in any order, or
    in another process, so it must not keep state between documents."""

    scope: ClassVar[Literal["document", "corpus"]] = "document"

    def check_document(self, doc: Document) -> Iterator[Finding] | Iterable[Finding]:
        raise NotImplementedError


class CorpusCheck(Check):
    """A check that sees the catalogue and every document's metadata and
    summary at once, after the document phase, in :meth:`check_corpus`.

    This is the simple, older way to write a corpus check. It is neither
    incremental nor distributed: it runs in full on every run, in the
    process that started the run, and provlint must keep every document's
    light copy (metadata and ``summary``) for it. Prefer
    :class:`provlint.KeyedCheck`, which is both."""

    scope: ClassVar[Literal["document", "corpus"]] = "corpus"

    def check_corpus(self, corpus: Corpus) -> Iterator[Finding] | Iterable[Finding]:
        raise NotImplementedError


class CatalogueCheck(Check):
    """A check of INDEX.md as a whole (its table, its rows), run once per
    run on the parsed catalogue; its findings are kept until INDEX.md
    changes."""

    scope: ClassVar[Literal["document", "corpus"]] = "corpus"

    def check_catalogue(self, catalogue: Catalogue) -> Iterator[Finding] | Iterable[Finding]:
        raise NotImplementedError
