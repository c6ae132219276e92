"""``provlint index``: create or update INDEX.md from the documents.

The catalogue is edited in place, line by line, never regenerated: free
text, the column order, hand-written cells, the rows' line numbers, every
untouched byte and each line's own newline stay as they were. What changes:

- a new file (a document that no row names) gets a row after the last one;
- an empty cell is filled from the document's header (``id`` falls back to
  the file name without its extension, made unique);
- the ``sha256`` cell gets the digest of the file's bytes (the column is
  appended when the table lacks it);
- nothing else: a non-empty cell other than ``sha256`` is never rewritten, a
  row whose file is missing is kept and reported.

The same table editor updates only the ``sha256`` cells of given rows for
``provlint fix`` (:func:`plan_digest_update`). Every edit is checked by
parsing the result again; if it would not read back as intended, nothing is
written (:class:`IndexerError`).

This module never prints or exits: it returns an :class:`IndexPlan` with
the new bytes, a diff and notes, and the CLI decides what to show.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .catalogue import _stray_rows, clean_cell, parse_catalogue
from .config import DEFAULT_EXCLUDE, Config, ConfigError
from .discovery import INDEX_NAME, discover, resolve_inside, safe_relpath
from .globs import PathMatcher
from .headers import parse_front_matter, parse_legacy
from .model import Catalogue, Header, IndexRow, TableProblem
from .reading import NotRegularFile, decode, read_regular
from .writer import is_temp_name

# The columns of a new catalogue, in order.
NEW_COLUMNS = ("id", "file", "title", "source", "url", "date", "sha256")
# Columns `index` maintains: appended to an existing table that lacks them.
MAINTAINED_COLUMNS = ("sha256",)
_NOT_FROM_HEADER = frozenset({"file", "sha256"})
_BOM = b"\xef\xbb\xbf"
_LINE_BREAKS = re.compile(r"\s*[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+\s*")
_ID_UNSAFE = re.compile(r"[\s,|]+")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


UNLISTABLE = (
    "this folder cannot be listed (no permission, or its path is longer than the system "
    "allows); the documents in it were skipped"
)


class IndexerError(Exception):
    """An edit that would not read back as intended: nothing is written."""


@dataclass(frozen=True)
class Note:
    """Something the user should know: a missing file, a skipped row."""

    path: str
    line: int
    message: str

    def render(self, display: str | None = None) -> str:
        where = display if display is not None else self.path
        return f"{where}:{self.line}: {self.message}" if self.line else f"{where}: {self.message}"


@dataclass
class DocInfo:
    """What `index` knows of one document file."""

    path: str
    sha256: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    missing: bool = False
    problem: str | None = None  # why it cannot be used (read error, escapes, binary)


@dataclass
class IndexPlan:
    """The result of planning an index update: old and new bytes, counts,
    notes. Nothing has been written yet (:meth:`write` does it)."""

    root: Path
    index_file: Path
    old: bytes | None
    new: bytes | None  # None: nothing to write (no INDEX.md and none planned)
    rows_added: list[str] = field(default_factory=list)
    digests_updated: int = 0
    cells_filled: int = 0
    dates_changed: int = 0  # `fix --unsafe-fixes`: date cells rewritten
    columns_added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def created(self) -> bool:
        return self.old is None

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new != self.old

    def diff(self, label: str = INDEX_NAME) -> str:
        """A unified diff of INDEX.md, old to new ('' when unchanged)."""
        if self.new is None or not self.changed:
            return ""
        return unified_diff(self.old, self.new, label)

    def summary(self, label: str = INDEX_NAME, would: bool = False) -> str:
        """One line saying what the update did (or, with ``would``, would do)."""
        parts = [
            _count(len(self.rows_added), "row added", "rows added"),
            _count(self.digests_updated, "digest updated", "digests updated"),
        ]
        if self.cells_filled:
            parts.append(_count(self.cells_filled, "cell filled", "cells filled"))
        if self.columns_added:
            parts.append("column " + ", ".join(self.columns_added) + " added")
        parts.append(_count(len(self.missing), "missing file", "missing files"))
        if not self.changed:
            head = f"{label}: up to date"
        elif self.created:
            head = f"{label}: {'would be ' if would else ''}created"
        else:
            head = f"{label}: {'would be ' if would else ''}updated"
        return f"{head}; " + ", ".join(parts)

    def write(self) -> None:
        """Write the new INDEX.md atomically (nothing when unchanged)."""
        from .writer import atomic_write

        if self.new is not None and self.changed:
            # A symlinked INDEX.md inside the corpus is updated where it
            # leads; one leading out was refused when it was read.
            real, why = resolve_inside(self.root.resolve(), INDEX_NAME)
            if real is None:
                raise OSError(f"{why}; not updated")
            atomic_write(real, self.new)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# --------------------------------------------------------------------------
# Diffs
# --------------------------------------------------------------------------


def unified_diff(old: bytes | None, new: bytes, label: str) -> str:
    """A unified diff of two versions of a file, for a terminal: text from
    the file is stripped of control characters, line endings are kept."""
    from .output import sanitize

    def lines(data: bytes | None) -> list[str]:
        if data is None:
            return []
        text, _ = decode(data)
        if text is None:
            text = data.decode("utf-8", "replace")
        return text.splitlines(keepends=True)

    out: list[str] = []
    diff = difflib.unified_diff(
        lines(old),
        lines(new),
        "/dev/null" if old is None else f"a/{label}",
        f"b/{label}",
        lineterm="\n",
    )
    for n, line in enumerate(diff):
        if n < 2 or line.startswith("@@"):
            out.append(line)
            continue
        body = line.splitlines()[0] if line.splitlines() else ""
        ending = line[len(body) :]
        out.append(sanitize(body) + (ending if ending in ("\n", "\r\n") else "\n"))
        if not ending:
            out.append("\\ No newline at end of file\n")
    return "".join(out)


# --------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------


def raw_cells(line: str) -> list[tuple[int, int]] | None:
    """The (start, end) span of each cell of a table row in ``line``,
    exactly as :func:`provlint.catalogue.split_row` splits it (``\\|`` is
    a literal pipe; a leading and a trailing pipe are optional). None when
    the line has no unescaped pipe."""
    if "|" not in line:
        return None
    pieces: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(line)
    saw_pipe = False
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n and line[i + 1] == "|":
            i += 2
            continue
        if ch == "|":
            saw_pipe = True
            pieces.append((start, i))
            start = i + 1
        i += 1
    if not saw_pipe:
        return None
    pieces.append((start, n))
    if pieces and not line[slice(*pieces[0])].strip() and line.lstrip().startswith("|"):
        pieces = pieces[1:]
    if (
        pieces
        and not line[slice(*pieces[-1])].strip()
        and line.rstrip().endswith("|")
        and not line.rstrip().endswith("\\|")
    ):
        pieces = pieces[:-1]
    return pieces


def collapse(value: str) -> str:
    """``value`` on one line: line breaks (and the spaces around them)
    collapsed to one space, trimmed."""
    return _LINE_BREAKS.sub(" ", value).strip()


def escape(value: str) -> str:
    """One-line text as cell text: ``|`` escaped as ``\\|``."""
    return value.replace("|", "\\|")


def cell_text(value: str) -> str:
    """``value`` as cell text: collapsed to one line, ``|`` escaped."""
    return escape(collapse(value))


def read_back(text: str, column: str) -> str:
    """What the catalogue parser makes of a cell of ``column`` written as
    ``text``."""
    return clean_cell(text.replace("\\|", "|").strip(), column)


def _fit(raw: str, text: str) -> str:
    """New raw cell text holding ``text``, keeping the cell's padding (and
    so an aligned table's width) where it can."""
    if not raw.strip():
        new = f" {text} "
        return new + " " * (len(raw) - len(new)) if len(raw) > len(new) else new
    lead = raw[: len(raw) - len(raw.lstrip())]
    trail = raw[len(raw.rstrip()) :]
    new = lead + text + trail
    if len(new) > len(raw) and len(trail) > 1:
        trail = trail[: max(1, len(trail) - (len(new) - len(raw)))]
    elif len(new) < len(raw) and trail:
        trail += " " * (len(raw) - len(new))
    if not trail and text.endswith("\\"):
        trail = " "  # a backslash right before '|' would escape it
    return lead + text + trail


# --------------------------------------------------------------------------
# The table editor
# --------------------------------------------------------------------------


class TableEditor:
    """Edits the catalogue table of an INDEX.md text in place.

    Lines are split exactly as the catalogue parser splits them, so row
    line numbers agree; each keeps its own line ending. Every planned cell
    value is remembered and checked against a fresh parse in :meth:`text`.
    """

    def __init__(self, text: str) -> None:
        self.cat: Catalogue = parse_catalogue(text)
        self.lines: list[str] = []
        self.endings: list[str] = []
        for piece in text.splitlines(keepends=True):
            content = piece.splitlines()[0] if piece.splitlines() else ""
            self.lines.append(content)
            self.endings.append(piece[len(content) :])
        self.newline = next(
            (e for e in self.endings if e in ("\r\n", "\n", "\r")),
            "\n",
        )
        self.columns: list[str] = list(self.cat.columns)
        self.header_line = self.cat.header_line
        self.old_width = len(self.columns)
        # Expected cells of every row, by line: checked after the edit.
        self.expected: dict[int, dict[str, str]] = {
            row.line: {k: c.value for k, c in row.cells.items()} for row in self.cat.rows
        }
        self.edited = False

    @property
    def has_table(self) -> bool:
        return self.header_line > 0

    @property
    def last_table_line(self) -> int:
        if self.cat.rows:
            return max(r.line for r in self.cat.rows)
        return self.header_line + 1

    def ragged(self, row: IndexRow) -> bool:
        return row.raw_cell_count != self.old_width

    def column_index(self, name: str) -> int | None:
        return self.columns.index(name) if name in self.columns else None

    # -- creating ----------------------------------------------------------

    def add_table(self, columns: Sequence[str]) -> None:
        """Append a new, empty catalogue table at the end of the text."""
        if self.lines and not self.endings[-1]:
            self.endings[-1] = self.newline
        if self.lines and self.lines[-1].strip():
            self.lines.append("")
            self.endings.append(self.newline)
        self.lines.append("| " + " | ".join(columns) + " |")
        self.endings.append(self.newline)
        self.lines.append("|" + "|".join("---" for _ in columns) + "|")
        self.endings.append(self.newline)
        self.columns = list(columns)
        self.header_line = len(self.lines) - 1
        self.old_width = len(columns)
        self.edited = True

    # -- columns -----------------------------------------------------------

    def over_long_rows(self) -> list[IndexRow]:
        return [r for r in self.cat.rows if r.raw_cell_count > self.old_width]

    def append_column(self, name: str) -> None:
        """Add a column at the end of the header, the alignment row and
        every row (empty). Only call when no row has more cells than the
        header (their extra cell would become the new column)."""
        hl = self.header_line - 1
        header = self.lines[hl]
        spans = raw_cells(header) or []
        last = header[slice(*spans[-1])] if spans else " x "
        pad_l = " " if last[:1].isspace() else ""
        pad_r = " " if last[-1:].isspace() else ""
        self.lines[hl] = _append(header, [f"{pad_l}{name}{pad_r}"])
        dl = self.header_line
        delim = self.lines[dl]
        dspans = raw_cells(delim) or []
        if len(dspans) <= self.old_width:
            sample = delim[slice(*dspans[-1])] if dspans else "---"
            dash = sample.replace(":", "-") if sample.strip() else "---"
            self.lines[dl] = _append(delim, [dash] * (self.old_width - len(dspans) + 1))
        for row in self.cat.rows:
            i = row.line - 1
            if len(raw_cells(self.lines[i]) or []) == len(self.columns):
                self.lines[i] = _append(self.lines[i], [" "])
        self.columns.append(name)
        self.edited = True

    # -- cells -------------------------------------------------------------

    def set_cell(self, row: IndexRow, name: str, value: str) -> None:
        """Write ``value`` (raw text, already escaped) into the row's cell."""
        k = self.column_index(name)
        if k is None:
            raise IndexerError(f"no column {name!r}")
        i = row.line - 1
        line = self.lines[i]
        spans = raw_cells(line) or []
        if k < len(spans):
            s, e = spans[k]
            self.lines[i] = line[:s] + _fit(line[s:e], value) + line[e:]
        elif k == len(spans):
            self.lines[i] = _append(line, [f" {value} "])
        else:  # pragma: no cover - callers never edit ragged rows
            raise IndexerError(f"line {row.line}: cannot reach column {name!r}")
        self.expected[row.line][name] = read_back(value, name)
        if not self.expected[row.line][name]:
            del self.expected[row.line][name]
        self.edited = True

    def append_rows(self, rows: Sequence[Mapping[str, str]]) -> list[int]:
        """Append rows (column name -> raw cell text) after the last row.
        Returns their line numbers."""
        if not rows:
            return []
        at = self.last_table_line  # 1-based line of the last table line
        head = self.lines[self.header_line - 1]
        indent = head[: len(head) - len(head.lstrip())]
        if not self.endings[at - 1]:
            self.endings[at - 1] = self.newline
        new_lines = []
        numbers = []
        for n, values in enumerate(rows):
            cells = [values.get(c, "") for c in self.columns]
            new_lines.append(indent + "|" + "|".join(f" {c} " if c else " " for c in cells) + "|")
            line_no = at + 1 + n
            numbers.append(line_no)
            self.expected[line_no] = {
                c: read_back(v, c)
                for c, v in values.items()
                if c in self.columns and read_back(v, c)
            }
        # Only free text follows the table: no row moves.
        self.lines[at:at] = new_lines
        self.endings[at:at] = [self.newline] * len(new_lines)
        self.edited = True
        return numbers

    # -- result ------------------------------------------------------------

    def text(self) -> str:
        endings = list(self.endings)
        if self.edited and self.lines and not endings[-1]:
            endings[-1] = self.newline
        out = "".join(c + e for c, e in zip(self.lines, endings, strict=True))
        if self.edited:
            self._verify(out)
        return out

    def _verify(self, text: str) -> None:
        cat = parse_catalogue(text)
        if cat.header_line != self.header_line or list(cat.columns) != self.columns:
            raise IndexerError(
                "the edited INDEX.md does not read back with the expected table header "
                f"(line {cat.header_line}, columns {list(cat.columns)}; expected line "
                f"{self.header_line}, columns {self.columns})"
            )
        got = {r.line: {k: c.value for k, c in r.cells.items()} for r in cat.rows}
        if got != self.expected:
            bad = sorted(set(got) ^ set(self.expected)) or sorted(
                ln for ln in got if got[ln] != self.expected.get(ln)
            )
            raise IndexerError(
                f"the edited INDEX.md does not read back as intended (line {bad[0]}); "
                "nothing was written"
            )


def _append(line: str, raws: Sequence[str]) -> str:
    """Add cells (raw text) at the end of a table row, after its last cell."""
    stripped = line.rstrip()
    tail = line[len(stripped) :]
    has_trailing = stripped.endswith("|") and not stripped.endswith("\\|")
    if has_trailing:
        return stripped + "".join(f"{r}|" for r in raws) + tail
    return stripped + "".join(f" |{r}" for r in raws) + tail


# --------------------------------------------------------------------------
# Reading the corpus
# --------------------------------------------------------------------------


def resolve_folder(folder: str | os.PathLike[str] | None, cwd: Path | None = None) -> Path:
    """The corpus folder for ``provlint index``: FOLDER (or the folder of
    an INDEX.md); by default the nearest folder at or above ``cwd`` with an
    INDEX.md, else ``cwd`` itself."""
    cwd = (cwd or Path.cwd()).resolve()
    if folder is None:
        for candidate in (cwd, *cwd.parents):
            if (candidate / INDEX_NAME).is_file():
                return candidate
        return cwd
    p = Path(folder)
    p = p if p.is_absolute() else cwd / p
    if p.is_dir():
        return p.resolve()
    if p.name == INDEX_NAME and p.parent.is_dir():
        return p.parent.resolve()
    if not p.exists():
        raise ConfigError(f"{folder}: no such folder")
    raise ConfigError(f"{folder}: expected a corpus folder or its {INDEX_NAME}")


def read_index_text(root: Path) -> tuple[bytes | None, str | None, bool]:
    """INDEX.md's bytes, its text and whether it starts with a UTF-8 BOM.
    (None, None, False) when it does not exist. Raises :class:`ConfigError`
    when it cannot be updated safely: unreadable, not UTF-8, or a symlink
    leading outside the corpus folder."""
    path = root / INDEX_NAME
    if path.is_symlink() or path.exists():
        real, why = resolve_inside(root.resolve(), INDEX_NAME)
        if real is None:
            raise ConfigError(f"{path}: {why}; not updated")
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        if path.is_symlink():
            raise ConfigError(f"{path}: a symlink to a missing file; not updated") from None
        return None, None, False
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    bom = raw.startswith(_BOM)
    body = raw[len(_BOM) :] if bom else raw
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(f"{path}: is UTF-16; convert it to UTF-8 first (nothing was written)")
    if b"\x00" in body:
        raise ConfigError(f"{path}: contains NUL bytes (binary?); nothing was written")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: invalid UTF-8 byte 0x{body[exc.start]:02x} at byte {exc.start + 3 * bom}; "
            "fix its encoding first (nothing was written)"
        ) from exc
    return raw, text, bom


HeaderParser = Callable[[str, str], Header | None]
"""``(path, text) -> Header | None``: every header format validate knows,
third-party ones first (:meth:`provlint.execution.Processor.parse_header`)."""


def builtin_header(path: str, text: str) -> Header | None:
    """The built-in header formats only: YAML front matter, then the
    legacy one-line header."""
    return parse_front_matter(text) or parse_legacy(text)


def read_document(
    root_real: Path, rel: str, parse_header: HeaderParser = builtin_header
) -> DocInfo:
    """Read one document: its digest and header fields, or why it cannot be
    used."""
    info = DocInfo(rel)
    norm, why = safe_relpath(rel)
    if norm is None:
        info.problem = why
        return info
    real, why = resolve_inside(root_real, norm)
    if real is None:
        info.problem = why
        return info
    try:
        raw = read_regular(real)
    except FileNotFoundError:
        info.missing = True
        return info
    except NotRegularFile as exc:  # a folder, a named pipe, a socket, a device
        info.problem = exc.strerror
        return info
    except OSError as exc:
        info.problem = f"cannot be read: {exc.strerror or exc}"
        return info
    info.sha256 = hashlib.sha256(raw).hexdigest()
    text, problem = decode(raw)
    if text is None:
        info.problem = f"is not text ({problem[1] if problem else 'binary'})"
        return info
    header = parse_header(rel, text)
    if header is not None:
        info.fields = dict(header.fields)
    return info


def document_paths(
    root: Path,
    cat: Catalogue,
    config: Config,
    documents: Sequence[str] | None = None,
    unreadable: list[str] | None = None,
) -> tuple[dict[str, list[IndexRow]], list[str]]:
    """Rows by normalised file path, and the discovered document files (as
    validate finds them), temporary files of interrupted writes excluded.
    Folders that cannot be listed go to ``unreadable``."""
    by_path: dict[str, list[IndexRow]] = {}
    for row in cat.rows:
        if row.file:
            norm, _ = safe_relpath(row.file)
            by_path.setdefault(norm or row.file, []).append(row)
    globs = tuple(documents) if documents else config.documents
    matcher = PathMatcher(globs, (*DEFAULT_EXCLUDE, *config.exclude))
    found = [
        p
        for p in discover(root, matcher, unreadable, gitignore=config.respect_gitignore)
        if not is_temp_name(PurePosixPath(p).name)
    ]
    return by_path, found


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


def header_value(name: str, value: Any) -> str | None:
    """A header field's value on one line, as a cell should read, or None
    when it cannot stand in a cell (a mapping, a list other than
    ``derived_from``, an empty value)."""
    if name == "derived_from" and isinstance(value, list):
        if not value or not all(isinstance(v, str) for v in value):
            return None
        value = ", ".join(v.strip() for v in value)
    if not isinstance(value, str):
        return None
    return collapse(value) or None


def cell_problem(name: str, value: str) -> str | None:
    """Why ``value`` (one line, unescaped) cannot go into column ``name``:
    the row schema refuses it, or the cell would read back differently
    (Markdown the parser resolves, such as a code span). None when it can."""
    from .output import unsafe_character
    from .schema import constrained_columns, iter_errors

    unsafe = unsafe_character(value)
    if unsafe is not None:
        return f"it holds {unsafe}, which {INDEX_NAME} must not carry"
    if read_back(escape(value), name) != value:
        return "it would not read back unchanged from a Markdown table cell"
    if name not in constrained_columns():
        return None  # any text will do
    row = {"id": "x", "file": "x", name: value}
    for path, message in iter_errors("index-row", row):
        if path and path[0] == name:
            return message
    return None


def name_problem(rel: str) -> str | None:
    """Why the file name ``rel`` cannot be written into INDEX.md as it is,
    or None. Refused: a control character (tab, CR and LF included), an
    escape sequence, a bidi control, a line separator or a byte that is not
    UTF-8 (INDEX.md is UTF-8 text, and whoever reads it in a terminal must
    see the name as it is), and a leading or trailing space (a table cell
    is trimmed when it is read, so the name would not read back)."""
    from .output import unsafe_character

    unsafe = unsafe_character(rel)
    if unsafe is not None:
        return f"its name holds {unsafe}"
    if rel != rel.strip():
        end = "begins" if rel[:1].isspace() else "ends"
        return (
            f"its name {end} with a space, which a Markdown table cell cannot keep "
            "(cells are trimmed when read)"
        )
    return None


def make_id(stem: str, used: set[str]) -> str:
    """An id from a file name: whitespace, commas and pipes become '-', a suffix
    ``-2``, ``-3``… makes it unique."""
    base = _ID_UNSAFE.sub("-", stem).strip("-") or "doc"
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base}-{n}"
        n += 1
    used.add(candidate)
    return candidate


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------


class _Planner:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root_real = root.resolve()
        self.raw, text, self.bom = read_index_text(root)
        self.editor = TableEditor(text or "")
        self.text = text
        self.plan = IndexPlan(root, root / INDEX_NAME, self.raw, self.raw)

    def note(self, line: int, message: str, path: str = INDEX_NAME) -> None:
        self.plan.notes.append(Note(path, line, message))

    def finish(self) -> IndexPlan:
        if self.editor.edited:
            new = self.editor.text().encode("utf-8")
            self.plan.new = (_BOM + new) if self.bom else new
        return self.plan

    def ragged_note(self, row: IndexRow) -> None:
        self.note(
            row.line,
            f"row has {row.raw_cell_count} cells but the header has {self.editor.old_width}; "
            "not updated (an unescaped '|' in a cell? write it as '\\|')",
        )


def _plugin_headers(root: Path, config: Config, p: _Planner) -> HeaderParser:
    """Every header format validate uses with ``config`` (the same plugins),
    a parser's failure becoming a note on the document."""
    from .runner import make_processor

    processor = make_processor(root, config)
    for error in processor.errors.findings:  # a plugin that failed to load
        p.note(0, f"plugin not loaded: {error.message}")
    processor.errors.clear()

    def parse(path: str, text: str) -> Header | None:
        header = processor.parse_header(path, text)
        for error in processor.errors.findings:
            p.note(0, error.message, path=path)
        processor.errors.clear()
        return header

    return parse


def _label(row: IndexRow) -> str:
    return f"row {row.id!r}" if row.id else "row"


def plan_index(
    root: Path,
    config: Config,
    documents: Sequence[str] | None = None,
    parse_header: HeaderParser | None = None,
) -> IndexPlan:
    """Plan ``provlint index`` on the corpus folder ``root``.

    :param parse_header: how headers are read; by default, as validate
        reads them with ``config``: the plugins' header formats first
        (a parser that fails is a note), then the built-in ones.
    """
    p = _Planner(root)
    if parse_header is None:
        parse_header = _plugin_headers(root, config, p)
    ed = p.editor
    if not ed.has_table:
        if p.text is None:
            from .output import escape_path

            # The folder's name, escaped: it may hold what INDEX.md must not.
            ed = p.editor = TableEditor(f"# {escape_path(root.name)}\n\n")
            ed.edited = True
        else:
            p.note(0, "has no catalogue table; one is added at the end")
        ed.add_table(NEW_COLUMNS)
    unreadable: list[str] = []
    by_path, found = document_paths(root, ed.cat, config, documents, unreadable)
    for folder in unreadable:
        p.note(0, UNLISTABLE, path=folder)

    infos: dict[str, DocInfo] = {}
    for rel in [*by_path, *(f for f in found if f not in by_path)]:
        infos[rel] = read_document(p.root_real, rel, parse_header)

    # The sha256 column, when missing.
    for name in MAINTAINED_COLUMNS:
        if name in ed.columns:
            continue
        long_rows = ed.over_long_rows()
        if long_rows:
            p.note(
                long_rows[0].line,
                f"row has {long_rows[0].raw_cell_count} cells but the header has "
                f"{ed.old_width}; the {name} column was not added (escape the '|' inside "
                "the cell as '\\|' first)",
            )
            continue
        ed.append_column(name)
        p.plan.columns_added.append(name)

    used_ids: set[str] = {r.id for r in ed.cat.rows if r.id}
    row_ids: dict[str, int] = {}
    for r in ed.cat.rows:
        if r.id:
            row_ids.setdefault(r.id, r.line)
    for info in infos.values():
        hid = header_value("id", info.fields.get("id"))
        if hid is not None:
            used_ids.add(hid)

    def fill_id(info: DocInfo, line: int | None) -> str:
        """Cell text for a document's id: its header id, else one made
        from its file name."""
        hid = header_value("id", info.fields.get("id"))
        if hid is not None:
            problem = cell_problem("id", hid)
            if problem is None:
                other = row_ids.get(hid)
                if other is not None and other != line:
                    p.note(
                        line or 0,
                        f"{info.path}: header id {hid!r} is already the id of the row on line "
                        f"{other}; validate will report duplicate-id",
                    )
                return escape(hid)
            p.note(
                line or 0,
                f"{info.path}: header id {hid!r} not copied ({problem}); "
                "an id made from the file name is used",
            )
        return escape(make_id(PurePosixPath(info.path).stem, used_ids))

    def fill_value(info: DocInfo, name: str, line: int | None) -> str | None:
        """Cell text for a field from the document's header, or None."""
        value = header_value(name, info.fields.get(name))
        if value is None:
            return None
        problem = cell_problem(name, value)
        if problem is not None:
            p.note(line or 0, f"{info.path}: header {name} not copied: {problem}")
            return None
        return escape(value)

    # Existing rows.
    digest_col = "sha256" in ed.columns
    for row in ed.cat.rows:
        if ed.ragged(row):
            p.ragged_note(row)
            continue
        if not row.file:
            p.note(row.line, f"{_label(row)} has no file; not updated")
            continue
        norm, _ = safe_relpath(row.file)
        info = infos[norm or row.file]
        if info.problem is not None:
            p.note(row.line, f"{_label(row)}: file {row.file!r} {info.problem}; not updated")
            continue
        if info.missing:
            p.plan.missing.append(row.file)
            p.note(row.line, f"{_label(row)}: file {row.file!r} is missing; row kept")
            continue
        for name in ed.columns:
            if name in _NOT_FROM_HEADER or row.get(name):
                continue
            value = fill_id(info, row.line) if name == "id" else fill_value(info, name, row.line)
            if value is not None:
                ed.set_cell(row, name, value)
                p.plan.cells_filled += 1
        if digest_col and info.sha256 is not None:
            current = row.get("sha256")
            if current is None or current.lower() != info.sha256:
                ed.set_cell(row, "sha256", info.sha256)
                p.plan.digests_updated += 1

    # New files.
    new_rows: list[dict[str, str]] = []
    for rel in found:
        if rel in by_path:
            continue
        refused = name_problem(rel)
        if refused is not None:
            p.note(0, f"{refused}; not added to {INDEX_NAME} (rename the file)", rel)
            continue
        if safe_relpath(rel)[0] != rel:
            p.note(
                0,
                f"its name cannot be written in {INDEX_NAME} ('\\' is read as a folder "
                "separator); not added",
                rel,
            )
            continue
        if read_back(escape(rel), "file") != rel:
            p.note(
                0,
                f"its name would not read back unchanged from a cell; not added to {INDEX_NAME}",
                rel,
            )
            continue
        info = infos[rel]
        if info.problem is not None or info.missing:
            p.note(0, f"{info.problem or 'vanished'}; not added to {INDEX_NAME}", rel)
            continue
        values = {"file": escape(rel), "id": fill_id(info, None)}
        for name in ed.columns:
            if name in values or name in _NOT_FROM_HEADER:
                continue
            value = fill_value(info, name, None)
            if value is not None:
                values[name] = value
        if digest_col and info.sha256:
            values["sha256"] = info.sha256
        new_rows.append(values)
        p.plan.rows_added.append(rel)
    if new_rows:
        stray: list[TableProblem] = []
        _stray_rows(ed.lines, ed.last_table_line, ed.old_width, stray)
        if stray:
            p.note(
                stray[0].line,
                "looks like a catalogue row, but a blank line ends the table before it; "
                f"{len(new_rows)} new row{'s were' if len(new_rows) != 1 else ' was'} not added "
                "(remove the blank line first)",
            )
            new_rows = []
            p.plan.rows_added = []
    ed.append_rows(new_rows)
    return p.finish()


def plan_digest_update(root: Path, changes: Mapping[str, tuple[str, str]]) -> IndexPlan:
    """Plan the ``sha256`` updates that follow ``provlint fix``: for each
    changed file (path -> (old digest, new digest)), the ``sha256`` cell of
    each row naming it, when the table has that column. A cell that did
    not hold the old digest is left alone (the file had changed since it was
    catalogued; ``provlint index`` refreshes it deliberately), and noted."""
    return plan_cell_update(root, changes, {})


def plan_cell_update(
    root: Path,
    changes: Mapping[str, tuple[str, str]],
    dates: Mapping[int, tuple[str, str]],
) -> IndexPlan:
    """:func:`plan_digest_update`, and the ``date`` cells of the rows on the
    lines of ``dates`` (line -> (old value, new value)): a cell is written
    only when it still holds the old value, and a ragged row never."""
    p = _Planner(root)
    ed = p.editor
    if p.text is None or not ed.has_table:
        return p.plan
    for row in ed.cat.rows:
        date = dates.get(row.line)
        if date is None:
            continue
        old, new = date
        if ed.ragged(row):
            p.ragged_note(row)
        elif row.get("date") != old:
            p.note(row.line, f"{_label(row)}: date is no longer {old}; left unchanged")
        elif "date" in ed.columns:
            ed.set_cell(row, "date", escape(new))
            p.plan.dates_changed += 1
    if "sha256" not in ed.columns:
        return p.finish()
    for row in ed.cat.rows:
        if not row.file:
            continue
        norm, _ = safe_relpath(row.file)
        change = changes.get(norm or row.file)
        if change is None:
            continue
        old, new = change
        current = row.get("sha256")
        if current is None:
            continue
        if ed.ragged(row):
            p.ragged_note(row)
            continue
        if current.lower() == new:
            continue
        if current.lower() != old:
            p.note(
                row.line,
                f"{_label(row)}: sha256 did not match {row.file} before the fix either; left "
                "unchanged (run 'provlint index' to record the current digest)",
            )
            continue
        ed.set_cell(row, "sha256", new)
        p.plan.digests_updated += 1
    return p.finish()
