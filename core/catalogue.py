"""A line-based parser for the catalogue table in INDEX.md.

INDEX.md is Markdown: free text plus one GFM table whose header row has at
least ``id`` and ``file`` columns (matched case-insensitively). Only that
table is read; everything else is left alone. The parser never raises on
text: whatever it cannot read becomes a :class:`TableProblem` with a line
and column, which the ``index-schema`` check reports.

It is a careful line scanner rather than a full Markdown parser: a
100,000-row catalogue parses in well under a second.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .limits import FINDINGS_PER_FILE
from .model import Catalogue, Cells, IndexRow, RaggedRow, TableProblem

_DELIM_CELL = re.compile(r"^\s*:?-+:?\s*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_LINK = re.compile(r"^\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)$")
# Columns whose cell holds a location: a link gives its target there, its text elsewhere.
_TARGET_COLUMNS = frozenset({"url", "file"})
REQUIRED_COLUMNS = ("id", "file")
_SPAN_LIMIT = 1 << 31
"""Rows longer than this keep their cell texts, not spans of the line."""
_NAMED = 10  # how many missing columns a problem names


def split_row(line: str) -> list[tuple[str, int]] | None:
    """Split a GFM table row into (cell text, 1-based column) pairs.

    ``\\|`` is an escaped pipe. Leading and trailing pipes are optional.
    Returns None when the line has no unescaped pipe (not a table row).
    """
    cells: list[tuple[str, int]] = []
    if "|" not in line:
        return None
    if "\\" not in line:  # fast path: no escapes
        pieces = line.split("|")
        start = 0
        for piece in pieces:
            cells.append((piece, start))
            start += len(piece) + 1
        # As _trim, without escapes: a blank first piece means a leading
        # pipe, a blank last one a trailing pipe.
        first = 1 if not pieces[0].strip() else 0
        last = len(pieces) - 1 if not pieces[-1].strip() else len(pieces)
        out = []
        for text, col in cells[first:last]:
            stripped = text.strip()
            lead = text.find(stripped) if stripped else len(text)
            out.append((stripped, col + lead + 1))
        return out
    buf: list[str] = []
    start = 0
    i = 0
    n = len(line)
    saw_pipe = False
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n and line[i + 1] == "|":
            buf.append("|")
            i += 2
            continue
        if ch == "|":
            saw_pipe = True
            cells.append(("".join(buf), start))
            buf = []
            start = i + 1
            i += 1
            continue
        buf.append(ch)
        i += 1
    if not saw_pipe:
        return None
    cells.append(("".join(buf), start))
    return _trim(line, cells)


def _trim(line: str, cells: list[tuple[str, int]]) -> list[tuple[str, int]]:
    # A leading pipe makes an empty first piece; a trailing one an empty last.
    if cells and not cells[0][0].strip() and line.lstrip().startswith("|"):
        cells = cells[1:]
    if (
        cells
        and not cells[-1][0].strip()
        and line.rstrip().endswith("|")
        and not line.rstrip().endswith("\\|")
    ):
        cells = cells[:-1]
    out = []
    for text, col in cells:
        stripped = text.strip()
        lead = len(text) - len(text.lstrip())
        out.append((stripped, col + lead + 1))
    return out


def _is_delimiter(line: str) -> bool:
    cells = split_row(line)
    if not cells:
        return False
    return all(_DELIM_CELL.match(text) for text, _ in cells)


def clean_cell(value: str, column: str = "url") -> str:
    """Resolve the inline Markdown a curator commonly puts in a cell:
    a code span, an autolink ``<…>`` or a ``[text](target)`` link (its
    target in the ``url`` and ``file`` columns, its text in the others)."""
    v = value.strip()
    if len(v) >= 2 and v[0] == "`" and v[-1] == "`":
        v = v.strip("`").strip()
    elif len(v) >= 2 and v[0] == "<" and v[-1] == ">" and " " not in v:
        v = v[1:-1]
    else:
        m = _LINK.match(v)
        if m:
            v = m.group(2) if column in _TARGET_COLUMNS else m.group(1).strip()
    return v


class _Problems:
    """The parser's problems, at most ``limit`` of them listed: the rest
    are counted into one closing problem (400,000 broken rows cost a count,
    not a message each)."""

    def __init__(self, limit: int = FINDINGS_PER_FILE) -> None:
        self.limit = limit
        self.listed: list[TableProblem] = []
        self.more = 0
        self.first_more: TableProblem | None = None

    def append(self, problem: TableProblem) -> None:
        if len(self.listed) < self.limit:
            self.listed.append(problem)
            return
        self.more += 1
        if self.first_more is None:
            self.first_more = problem

    def result(self) -> tuple[TableProblem, ...]:
        first = self.first_more
        if first is None:
            return tuple(self.listed)
        n = self.more
        closing = TableProblem(
            first.line,
            first.column,
            f"… and {n:,} more table problem{'s' if n != 1 else ''}, not listed (at most "
            f"{self.limit} are); the first of them, here: {first.message}",
            {**(first.data or {}), "not_listed": n},
        )
        return (*self.listed, closing)


def parse_catalogue(text: str, path: str = "INDEX.md") -> Catalogue:
    """Parse INDEX.md text into a :class:`Catalogue`."""
    return _parse(text.splitlines(), path)


def _parse(lines: list[str], path: str) -> Catalogue:
    """Parse INDEX.md's lines (the catalogue's rows are emptied in
    ``lines`` as they are read)."""
    problems = _Problems()
    columns: tuple[str, ...] = ()
    header_line = 0
    rows: list[IndexRow] = []
    in_fence: str | None = None
    i = 0
    n = len(lines)
    found = False
    while i < n:
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(1)
            if in_fence is None:
                in_fence = marker
            elif marker[0] == in_fence[0] and len(marker) >= len(in_fence):
                in_fence = None  # closed by the same character, at least as long
            i += 1
            continue
        if in_fence is not None or i + 1 >= n or "|" not in line:
            i += 1
            continue
        if not _is_delimiter(lines[i + 1]):
            i += 1
            continue
        head = split_row(line) or []
        names = tuple(clean_cell(t).lower() for t, _ in head)
        is_catalogue = all(c in names for c in REQUIRED_COLUMNS)
        body_start = i + 2
        body_end = body_start
        while body_end < n and "|" in lines[body_end] and lines[body_end].strip():
            body_end += 1
        if is_catalogue and not found:
            found = True
            columns = names
            header_line = i + 1
            delim = split_row(lines[i + 1]) or []
            if len(delim) != len(head):
                problems.append(
                    TableProblem(
                        i + 2,
                        1,
                        f"the alignment row has {len(delim)} cells but the header row has "
                        f"{len(head)}",
                        {
                            "problem": "alignment-row",
                            "cells": len(delim),
                            "header_cells": len(head),
                        },
                    )
                )
            seen: dict[str, int] = {}
            for name, (_, col) in zip(names, head, strict=False):
                if not name:
                    problems.append(
                        TableProblem(
                            i + 1, col, "a header cell is empty", {"problem": "empty-header-cell"}
                        )
                    )
                elif name in seen:
                    problems.append(
                        TableProblem(
                            i + 1,
                            col,
                            f"column '{name}' appears twice in the header row "
                            f"(first at column {seen[name]}); the second is ignored",
                            {
                                "problem": "duplicate-column",
                                "column_name": name,
                                "first_column": seen[name],
                            },
                        )
                    )
                else:
                    seen[name] = col
            rows.extend(_rows(lines, body_start, body_end, names, problems))
        elif is_catalogue:
            problems.append(
                TableProblem(
                    i + 1,
                    1,
                    f"a second catalogue table starts here; only the first (line {header_line}) "
                    "is read, so its rows are ignored",
                    {"problem": "second-table", "first_table_line": header_line},
                )
            )
        if is_catalogue and found and header_line == i + 1:
            _stray_rows(lines, body_end, len(names), problems)
        i = body_end
    if not found:
        problems.append(
            TableProblem(
                1,
                1,
                "no catalogue table found: expected a Markdown table whose header row has "
                "'id' and 'file' columns",
                {"problem": "no-table"},
            )
        )
    return Catalogue(
        path=path,
        exists=True,
        columns=columns,
        header_line=header_line,
        rows=tuple(rows),
        problems=problems.result(),
    )


def _stray_rows(
    lines: list[str], end: int, width: int, problems: list[TableProblem] | _Problems
) -> None:
    """A blank line ends a GFM table. When what follows still looks like
    catalogue rows, say so instead of dropping them silently."""
    j = end
    while j < len(lines) and not lines[j].strip():
        j += 1
    if j == end or j >= len(lines) or not lines[j].lstrip().startswith("|"):
        return
    cells = split_row(lines[j]) or []
    nxt = lines[j + 1] if j + 1 < len(lines) else ""
    if len(cells) == width and not _is_delimiter(nxt):
        problems.append(
            TableProblem(
                j + 1,
                1,
                f"this looks like a catalogue row, but the blank line {end + 1} ended the "
                "table, so it is not read; remove the blank line",
                {"problem": "stray-row", "blank_line": end + 1},
            )
        )


def _rows(
    lines: list[str], start: int, end: int, names: tuple[str, ...], problems: _Problems
) -> Iterable[IndexRow]:
    width = len(names)
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # one names tuple for rows alike
    fit: _Fit | None = None
    for j in range(start, end):
        line = lines[j]
        cells = split_row(line) or []
        lines[j] = ""  # read: only its cells (or this line, in them) are kept
        sliced = "\\" not in line and len(line) < _SPAN_LIMIT
        spans: list[int] = []
        lineno = j + 1
        unknown: tuple[str, ...] = ()
        placed: Sequence[tuple[str, int] | None] = cells
        if len(cells) != width:
            fit = fit or _Fit(names)
            placed, unknown, problem = _line_up(line, cells, names, fit, lineno)
            problems.append(problem)
        filled: list[str] = []
        flat: list[str | int] = []
        for name, cell in zip(names, placed, strict=False):
            if cell is None or not cell[0] or not name:
                continue  # unknown, empty or unnamed
            value, col = cell
            # The cell is stripped: only inline Markdown needs cleaning.
            v = clean_cell(value, name) if value[0] in "`<[" else value
            if v and name not in filled:
                filled.append(name)
                flat += (v, col)
                if sliced:
                    begin = col - 1
                    end_ = begin + len(v)
                    if line[begin:end_] == v:
                        spans += (begin, end_)
                    else:  # cleaned: not a slice of the line
                        sliced = False
        key = tuple(filled)
        names_key = shared.setdefault(key, key)
        if sliced and spans:
            # Every text is a slice of the line: keep the line and the
            # spans, not a copy of each text.
            row_cells = Cells.from_line(names_key, line, spans)
        else:
            row_cells = Cells(names_key, tuple(flat))
        if len(cells) == width:
            yield IndexRow(line=lineno, cells=row_cells, raw_cell_count=width)
        else:
            yield RaggedRow(lineno, row_cells, len(cells), unknown)


# --------------------------------------------------------------------------
# Rows with more or fewer cells than the header
# --------------------------------------------------------------------------
#
# Which cell is which cannot be known for sure in such a row. Each way of
# lining its cells up with the header is a *reading*: for a row with more
# cells, one cell holding the unescaped '|'s (or extra cells past the last
# column, which Markdown ignores); for a row with fewer, the missing cells
# at one place (at the end, Markdown reads them as empty). The plausible
# readings are those whose cells break the row schema least; then those
# that fill more of the formatted columns (id, file, url, date...) with
# text of their format; then, for extra cells, those with the '|' in a
# free-text column such as a title. A cell is read only when every
# plausible reading gives it the same text; the others are *unknown*:
# neither read nor reported as empty by any check.


class _Fit:
    """Whether a cell's text breaks the row schema, remembered per text (a
    catalogue's broken rows often repeat their values)."""

    def __init__(self, names: tuple[str, ...]) -> None:
        from .schema import constrained_columns

        self.constrained = constrained_columns()
        seen: set[str] = set()
        self.used: list[bool] = []  # a named column, its first occurrence: it makes a cell
        for name in names:
            self.used.append(bool(name) and name not in seen)
            seen.add(name)
        self.names = names
        self._memo: dict[tuple[str, str], tuple[int, int]] = {}

    def score(self, i: int, raw: str) -> tuple[int, int]:
        """(1 when the text breaks column ``i``'s schema, 1 when it fills a
        formatted column with text of its format)."""
        if not self.used[i]:
            return 0, 0
        name = self.names[i]
        key = (name, raw)
        hit = self._memo.get(key)
        if hit is None:
            value = clean_cell(raw, name)
            if not value:
                hit = (int(name in REQUIRED_COLUMNS), 0)
            elif name not in self.constrained:
                hit = (0, 0)
            else:
                from .schema import cell_ok

                hit = (0, 1) if cell_ok(name, value) else (1, 0)
            if len(self._memo) < 4096:
                self._memo[key] = hit
        return hit


def _raw_end(cell: tuple[str, int]) -> int:
    """Where a cell's text ends in its line (0-based, exclusive): each '|'
    in the text was written as '\\|'."""
    text, col = cell
    return col - 1 + len(text) + text.count("|")


def _pipe_before(line: str, cell: tuple[str, int]) -> int:
    """The 1-based column of the '|' that opens ``cell``."""
    return line.rfind("|", 0, cell[1] - 1) + 1


def _short(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:_NAMED])
    if len(names) > _NAMED:
        shown += f" and {len(names) - _NAMED:,} more"
    return shown


def _line_up(
    line: str, cells: list[tuple[str, int]], names: tuple[str, ...], fit: _Fit, lineno: int
) -> tuple[list[tuple[str, int] | None], tuple[str, ...], TableProblem]:
    """A ragged row's cells, one per column (None: unknown), the names of
    its unknown columns, and the problem that reports the row."""
    n, width = len(cells), len(names)
    # Where each column's text comes from in each reading: the cell at the
    # same place, the cell ``n - width`` places on, the merged cells of a
    # split, or nothing (a missing cell). Each is scored once.
    shift = n - width
    left = [fit.score(i, cells[i][0]) for i in range(min(n, width))]
    right = {i: fit.score(i, cells[i + shift][0]) for i in range(max(0, -shift), width)}
    merged: list[tuple[str, int]] = []
    if shift > 0:
        for k in range(width):
            raw = line[cells[k][1] - 1 : _raw_end(cells[k + shift])].replace("\\|", "|").strip()
            merged.append((raw, cells[k][1]))
        places = range(width + 1)  # k == width: extra cells past the last column
    else:
        places = range(n + 1)

    def source(k: int, i: int) -> tuple[str, int] | None:
        """Reading ``k``'s cell for column ``i`` (None: a missing cell)."""
        if shift > 0:
            return cells[i] if k == width or i < k else merged[k] if i == k else cells[i + shift]
        return cells[i] if i < k else None if i < k - shift else cells[i + shift]

    ranked = []
    for k in places:
        errors = filled = 0
        for i in range(width):
            if shift > 0:
                bad, fill = (
                    left[i] if k == width or i < k
                    else fit.score(i, merged[k][0]) if i == k
                    else right[i]
                )  # fmt: skip
            else:
                bad, fill = left[i] if i < k else fit.score(i, "") if i < k - shift else right[i]
            errors += bad
            filled += fill
        typed = shift > 0 and k < width and names[k] in fit.constrained
        ranked.append(((errors, -filled, typed), k))
    best = min(rank for rank, _k in ranked)
    plausible = [k for rank, k in ranked if rank == best]
    # Extra cells: the first plausible '|'; missing cells: the last plausible
    # place (at the end, when that is plausible).
    likely = plausible[0] if shift > 0 else plausible[-1]
    placed: list[tuple[str, int] | None] = []
    unknown: list[str] = []
    for i in range(width):
        texts = set()
        for k in plausible:
            cell = source(k, i)
            texts.add(clean_cell(cell[0], names[i]) if cell is not None else "")
        if len(texts) == 1:
            placed.append(source(likely, i))
        else:
            placed.append(None)
            if fit.used[i]:
                unknown.append(names[i])
    head = f"row has {n} cells but the header has {width}"
    data: dict[str, Any] = {"problem": "ragged-row", "cells": n, "header_cells": width}
    if unknown:
        data["unknown"] = list(unknown)
    not_read = ""
    if unknown:
        verb = "is" if len(unknown) == 1 else "are"
        not_read = f"; other readings fit as well, so {_listed(unknown)} {verb} not read"
    if n > width and likely < width:
        extra = n - width
        pipe = _pipe_before(line, cells[likely + 1])
        spare = cells[likely + 1]
        what = (
            f"'{_short(spare[0])}' (column {spare[1]}) is one cell"
            if extra == 1
            else f"the {extra} cells from column {spare[1]} are"
        )
        message = (
            f"{head}: {what} too many, likely split off by an unescaped '|' in the "
            f"'{names[likely]}' cell at column {pipe} (write it as '\\|')"
        )
        if not unknown:
            message += f"; '{names[likely]}' is read as '{_short(merged[likely][0])}'"
        data["split_cell"] = names[likely]
        return placed, tuple(unknown), TableProblem(lineno, pipe, message + not_read, data)
    if n > width:
        col = cells[width][1]
        message = (
            f"{head}; the extra cells from column {col} are ignored "
            "(an unescaped '|' inside a cell? write it as '\\|')"
        )
        return placed, tuple(unknown), TableProblem(lineno, col, message + not_read, data)
    missing = names[likely : likely + width - n]
    if unknown:
        first = [source(likely, i) for i in range(width) if placed[i] is None]
        col = next((c[1] for c in first if c is not None), 1)
        message = f"{head}{not_read}"
        return placed, tuple(unknown), TableProblem(lineno, col, message, data)
    if likely == n:
        message = f"{head}; the missing cells ({_listed(missing)}) are read as empty"
        return placed, (), TableProblem(lineno, 1, message, {**data, "missing": list(missing)})
    col = cells[likely][1]
    message = (
        f"{head}; the missing cells are likely {_listed(missing)}, before column {col}, "
        "and are read as empty"
    )
    return placed, (), TableProblem(lineno, col, message, {**data, "missing": list(missing)})


def read_catalogue(root: Path) -> Catalogue:
    """Read and parse the corpus folder's INDEX.md. A symlinked INDEX.md is
    read only when it stays inside the folder (one that points elsewhere
    could make findings quote any file), and only a regular file is read;
    whatever cannot be read is described in ``read_error``, never raised."""
    from .discovery import INDEX_NAME, resolve_inside
    from .reading import decode, read_regular

    path = root / INDEX_NAME
    if os.path.islink(path):
        real, why = resolve_inside(root.resolve(), INDEX_NAME)
        if real is None:
            return Catalogue(path=INDEX_NAME, exists=False, read_error=f"{why}; it was not read")
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        return Catalogue(path=INDEX_NAME, exists=False)
    except OSError as exc:
        return Catalogue(path=INDEX_NAME, exists=False, read_error=exc.strerror or str(exc))
    digest = hashlib.sha256(raw).hexdigest()
    text, problem = decode(raw)
    if text is None:
        return Catalogue(
            path=INDEX_NAME,
            exists=True,
            read_error=problem[1] if problem else "unreadable",
            digest=digest,
        )
    where = None
    if problem:
        line = raw[: problem[0]].count(b"\n") + 1
        col = problem[0] - (raw.rfind(b"\n", 0, problem[0]) + 1) + 1
        where = TableProblem(
            line,
            col,
            f"{problem[1]} at byte {problem[0]}",
            {"problem": "encoding", "byte": problem[0]},
        )
    # Neither the bytes nor the text are kept while the rows are made.
    del raw
    lines = text.splitlines()
    del text
    cat = replace(_parse(lines, INDEX_NAME), digest=digest)
    if where is not None:
        cat = replace(cat, problems=(where, *cat.problems))
    return cat
