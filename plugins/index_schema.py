"""The `index-schema` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from provlint import Catalogue, CatalogueCheck, Finding, Location, Severity, hookimpl
from provlint.discovery import safe_relpath


class IndexSchema(CatalogueCheck):
    """INDEX.md is missing, has no catalogue table, or a row breaks the schema.

    **What it does.** Reads INDEX.md's catalogue table (the first Markdown
    table whose header row has `id` and `file` columns) and validates
    every row against `schemas/index-row.schema.json`: `id` and `file`
    are required; `date` and `retrieved` are `YYYY-MM-DD` or an ISO
    8601 date-time with offset and a real calendar date; `url` is an
    absolute URL; `sha256` is 64 hex digits. It also reports table
    problems: a ragged row, a duplicate column, a second catalogue table, a
    file catalogued twice, text that is not UTF-8.

    A row with more or fewer cells than the header (an unescaped `|` in a
    cell, a cell left out) is one finding, at the likely place: the cell
    with the unescaped `|` (naming the extra cell) or the gap. provlint
    tries every way of lining the row's cells up with the header (the `|`
    in one cell, or extra cells past the last column; the missing cells at
    one place, or at the end) and keeps those that break the schema least,
    then those that fill more formatted columns (`id`, `file`, `url`,
    `date`...) with text of their format, then those with the `|` in a
    free-text cell such as a title. A cell is read when all of those
    readings agree on it; the others are *unknown*: not validated, not read
    by any check, and not reported as empty. So the cells that a stray `|`
    shifted give no findings of their own, here or in field-mismatch,
    missing-date, missing-source, checksum-mismatch or the date checks,
    while the cells every reading agrees on are still checked.

    **Why it matters.** Every other check trusts the catalogue. A date of
    `2021-13-05` or a row whose extra `|` shifted every cell silently
    corrupts what the corpus claims.

    **Example.** `INDEX.md:12:58: PV101 index-schema: row 'a1': 'date':
    '2021-13-05' is not a real calendar date or time`;
    `INDEX.md:6:23: PV101 index-schema: row has 8 cells but the header has
    7: 'loss' (column 25) is one cell too many, likely split off by an
    unescaped '|' in the 'title' cell at column 23 (write it as '\\|');
    other readings fit as well, so 'title', 'source' are not read`

    **Options.** None.
    """

    code = "PV101"
    name = "index-schema"
    severity = Severity.ERROR

    def check_catalogue(self, catalogue: Catalogue) -> Iterator[Finding]:
        from provlint.schema import iter_errors

        cat = catalogue
        if not cat.exists:
            why = f" ({cat.read_error})" if cat.read_error else ""
            # None there at all: say which command writes one.
            hint = "" if cat.read_error else "; `provlint index` on this folder writes one"
            yield self.finding(
                cat.path,
                0,
                0,
                f"no readable INDEX.md in the corpus folder{why}: expected a catalogue with "
                f"a Markdown table that has 'id' and 'file' columns{hint}",
                properties={"problem": "no-index", "reason": cat.read_error or "missing"},
            )
            return
        if cat.read_error:
            yield self.finding(
                cat.path,
                1,
                1,
                f"INDEX.md cannot be read as text: {cat.read_error}",
                properties={"problem": "unreadable", "reason": cat.read_error},
            )
            return
        for problem in cat.problems:
            yield self.finding(
                cat.path,
                problem.line,
                problem.column,
                problem.message,
                properties=problem.data or {"problem": "table"},
            )
        first_file: dict[str, int] = {}
        for row in cat.rows:
            label = f"row {row.id!r}" if row.id else f"row on line {row.line}"
            values = {name: cell.value for name, cell in row.cells.items()}
            # A cell the row's shape leaves unknown is not there to test; its
            # absence is no "required field is missing" either.
            unknown = {f"required field '{u}' is missing" for u in row.unknown}
            for path, message in iter_errors("index-row", values):
                if message in unknown:
                    continue
                name = str(path[0]) if path else None
                cell = row.cells.get(name) if name else None
                data: dict[str, Any] = {"problem": "schema"}
                if name:
                    data["field"] = name
                if cell is not None:
                    data["value"] = cell.value
                yield self.finding(
                    cat.path,
                    row.line,
                    cell.column if cell else 1,
                    f"{label}: {message}",
                    doc_id=row.id,
                    properties=data,
                )
            if row.file:
                norm, _ = safe_relpath(row.file)
                key = norm or row.file
                if key in first_file:
                    yield self.finding(
                        cat.path,
                        row.line,
                        row.cells["file"].column,
                        f"{label}: file {row.file!r} is already catalogued on line "
                        f"{first_file[key]}; expected one row per file",
                        doc_id=row.id,
                        related=[Location(cat.path, first_file[key], 1, "first row for this file")],
                        properties={
                            "problem": "file-catalogued-twice",
                            "file": row.file,
                            "first_line": first_file[key],
                        },
                    )
                else:
                    first_file[key] = row.line


@hookimpl
def provlint_register_checks() -> Sequence[type[CatalogueCheck]]:
    return [IndexSchema]
