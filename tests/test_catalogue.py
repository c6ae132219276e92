"""The INDEX.md table parser."""

from __future__ import annotations

import pytest
from provlint.catalogue import parse_catalogue, split_row

HEAD = "| id | file | title |\n|---|:---:|---:|\n"


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("| a | b |", [("a", 3), ("b", 7)]),
        ("a | b", [("a", 1), ("b", 5)]),
        ("| a \\| b | c |", [("a | b", 3), ("c", 12)]),
        ("|  | x |", [("", 4), ("x", 6)]),
        ("no pipes here", None),
    ],
)
def test_split_row(line: str, cells: list[tuple[str, int]] | None) -> None:
    assert split_row(line) == cells


def test_rows_keep_line_and_column_and_drop_empty_cells() -> None:
    cat = parse_catalogue(
        "# Title\n\nSome text.\n\n" + HEAD + "| a1 | a.txt | |\n| a2 | b.txt | T |\n"
    )
    assert cat.columns == ("id", "file", "title")
    assert cat.header_line == 5
    assert [r.line for r in cat.rows] == [7, 8]
    assert "title" not in cat.rows[0].cells
    assert cat.rows[1].cells["title"].value == "T"
    assert cat.rows[1].cells["file"].column == 8
    assert cat.problems == ()


def test_header_matched_case_insensitively_and_unknown_columns_kept() -> None:
    cat = parse_catalogue("| ID | File | Curator |\n|--|--|--|\n| x | y.txt | Ann |\n")
    assert cat.rows[0].get("curator") == "Ann"
    assert cat.rows[0].id == "x"


def test_escaped_pipe_and_inline_markup_in_cells() -> None:
    cat = parse_catalogue(
        "| id | file | title | url |\n|---|---|---|---|\n"
        "| a | `a.txt` | A \\| B | [site](https://example.org/x) |\n"
        "| b | b.txt | B | <https://example.org/y> |\n"
    )
    assert cat.rows[0].file == "a.txt"
    assert cat.rows[0].get("title") == "A | B"
    assert cat.rows[0].get("url") == "https://example.org/x"
    assert cat.rows[1].get("url") == "https://example.org/y"


def test_ragged_rows_are_problems_not_crashes() -> None:
    cat = parse_catalogue(HEAD + "| a | a.txt |\n| b | b.txt | T | extra |\n")
    assert len(cat.rows) == 2
    messages = [p.message for p in cat.problems]
    assert any("2 cells but the header has 3" in m for m in messages)
    assert any("4 cells but the header has 3" in m for m in messages)
    # 'T | extra' or 'T' (with 'extra' past the last column): title is unknown.
    assert cat.rows[1].get("title") is None and cat.rows[1].unknown == ("title",)
    assert cat.rows[1].file == "b.txt"


H7 = "| id | file | title | source | url | date | sha256 |\n|---|---|---|---|---|---|---|\n"
SHA = "ab" * 32


def _row(head: str, row: str) -> tuple[dict[str, str], tuple[str, ...], list[tuple[int, str]]]:
    cat = parse_catalogue(head + row + "\n")
    (r,) = cat.rows
    return (
        {k: c.value for k, c in r.cells.items()},
        r.unknown,
        [(p.column, p.message) for p in cat.problems],
    )


def test_unescaped_pipe_in_a_title_is_one_problem_at_the_pipe() -> None:
    """The cells after the split are read shifted back; the two free-text
    cells that could hold the '|' are unknown, not read; one problem, at
    the likely '|', names the extra cell."""
    row = "| b2 | b.txt | Profit | loss | Wire | https://example.org/b | 2021-12-06 | |"
    cells, unknown, problems = _row(H7, row)
    assert cells == {
        "id": "b2",
        "file": "b.txt",
        "url": "https://example.org/b",
        "date": "2021-12-06",
    }
    assert unknown == ("title", "source")
    [(col, message)] = problems
    assert col == row.index("| loss") + 1  # the '|' after 'Profit'
    assert message.index("loss") < message.index("unescaped")
    assert message.startswith("row has 8 cells but the header has 7: 'loss' (column ")
    assert "unescaped '|' in the 'title' cell at column" in message
    assert "'title', 'source' are not read" in message


def test_unescaped_pipe_with_one_plausible_place_is_read_whole() -> None:
    """Only the url can hold the '|' (any other split breaks the url, date
    or sha256 cell): the row is read that way, nothing is unknown."""
    row = f"| a | a.txt | T | S | https://example.org/?q=1|2 | 2021-12-03 | {SHA} |"
    cells, unknown, [(col, message)] = _row(H7, row)
    assert unknown == ()
    assert cells["url"] == "https://example.org/?q=1|2" and cells["sha256"] == SHA
    assert row[col - 1] == "|" and row[col - 2] == "1"
    assert "'url' is read as 'https://example.org/?q=1|2'" in message


def test_extra_cell_past_the_last_column_is_ignored() -> None:
    row = f"| a | a.txt | T | S | https://example.org/ | 2021-12-03 | {SHA} | oops |"
    cells, unknown, [(col, message)] = _row(H7, row)
    assert unknown == () and cells["sha256"] == SHA and len(cells) == 7
    assert row[col - 1 :].startswith("oops") and "extra cells from column" in message


def test_short_row_missing_cells_at_the_end_are_empty() -> None:
    row = "| a | a.txt | T | S | https://example.org/ | 2021-12-03 |"
    cells, unknown, [(col, message)] = _row(H7, row)
    assert unknown == () and "sha256" not in cells and cells["date"] == "2021-12-03"
    assert col == 1 and "the missing cells ('sha256') are read as empty" in message


def test_short_row_missing_cell_in_the_middle() -> None:
    """The url cell was left out: only that reading keeps date and sha256
    valid, so every other cell is read where it belongs."""
    row = f"| a | a.txt | T | S | 2021-12-03 | {SHA} |"
    cells, unknown, [(col, message)] = _row(H7, row)
    assert unknown == ()
    assert cells == {"id": "a", "file": "a.txt", "title": "T", "source": "S",
                     "date": "2021-12-03", "sha256": SHA}  # fmt: skip
    assert row[col - 1 :].startswith("2021") and "likely 'url'" in message


def test_short_row_with_free_text_cells_leaves_them_unknown() -> None:
    cells, unknown, [(_col, message)] = _row(HEAD, "| a | a.txt |")
    assert cells == {"id": "a", "file": "a.txt"} and unknown == ()  # only title can be missing
    cells, unknown, [(_col, message)] = _row(
        "| id | file | title | source |\n|---|---|---|---|\n", "| a | a.txt | T |"
    )
    assert cells == {"id": "a", "file": "a.txt"} and unknown == ("title", "source")
    assert "'title', 'source' are not read" in message


def test_table_in_code_fence_is_ignored_and_second_table_reported() -> None:
    text = (
        "```\n| id | file |\n|---|---|\n| x | x.txt |\n```\n\n"
        + HEAD
        + "| a | a.txt | A |\n\n"
        + HEAD
        + "| b | b.txt | B |\n"
    )
    cat = parse_catalogue(text)
    assert [r.id for r in cat.rows] == ["a"]
    assert len(cat.problems) == 1
    assert "second catalogue table" in cat.problems[0].message


def test_other_tables_are_not_the_catalogue() -> None:
    cat = parse_catalogue(
        "| name | value |\n|---|---|\n| x | y |\n\n" + HEAD + "| a | a.txt | A |\n"
    )
    assert [r.id for r in cat.rows] == ["a"]
    assert cat.problems == ()


def test_no_table() -> None:
    cat = parse_catalogue("# Just prose\n")
    assert cat.rows == ()
    assert "no catalogue table" in cat.problems[0].message


def test_duplicate_column() -> None:
    cat = parse_catalogue("| id | file | id |\n|---|---|---|\n| a | a.txt | b |\n")
    assert cat.rows[0].id == "a"
    assert "appears twice" in cat.problems[0].message


def test_table_ends_at_blank_line() -> None:
    cat = parse_catalogue(HEAD + "| a | a.txt | A |\n\n| b | b.txt | B |\n")
    assert [r.id for r in cat.rows] == ["a"]


def test_large_catalogue_parses() -> None:
    rows = "".join(f"| id{i} | f{i}.txt | Title {i} |\n" for i in range(20000))
    cat = parse_catalogue(HEAD + rows)
    assert len(cat.rows) == 20000
    assert cat.rows[-1].line == 20002


def test_link_text_outside_url_columns() -> None:
    cat = parse_catalogue(
        "| id | file | source | url |\n|---|---|---|---|\n"
        "| a | [a](a.txt) | [Site](https://site.example/x) | [here](https://site.example/a) |\n"
    )
    assert cat.rows[0].file == "a.txt"
    assert cat.rows[0].get("source") == "Site"
    assert cat.rows[0].get("url") == "https://site.example/a"


def test_longer_fence_is_not_closed_by_a_shorter_one() -> None:
    text = (
        "````\n```\n| id | file |\n|---|---|\n| x | x.txt |\n````\n\n"
        + HEAD
        + "| a | a.txt | A |\n"
    )
    assert [r.id for r in parse_catalogue(text).rows] == ["a"]


def test_row_after_a_blank_line_is_reported() -> None:
    cat = parse_catalogue(HEAD + "| a | a.txt | A |\n\n| b | b.txt | B |\n")
    assert [r.id for r in cat.rows] == ["a"]
    (problem,) = cat.problems
    assert problem.line == 5 and "blank line 4 ended the table" in problem.message


def test_short_row_keeps_a_date_that_fits_only_its_own_column() -> None:
    """A free-text cell was left out before the date: the readings that
    keep '2021-12-03' in the date column are preferred to the one that
    puts it in 'source'; which of title and source is missing stays
    unknown."""
    cells, unknown, [_problem] = _row(
        "| id | file | title | source | date |\n|---|---|---|---|---|\n",
        "| a1 | a.txt | Harbour board meets | 2021-12-03 |",
    )
    assert cells == {"id": "a1", "file": "a.txt", "date": "2021-12-03"}
    assert unknown == ("title", "source")


def test_many_broken_rows_parse_quickly() -> None:
    """Lining up is per ragged row, with each cell's verdict remembered:
    20,000 rows with an unescaped '|' parse in well under the time a
    check would be given."""
    import time

    rows = "".join(
        f"| r{i} | f{i}.txt | Profit | loss {i} | Wire | https://example.org/{i} "
        f"| 2021-12-{i % 28 + 1:02d} | |\n"
        for i in range(20_000)
    )
    start = time.perf_counter()
    cat = parse_catalogue(H7 + rows)
    assert time.perf_counter() - start < 10
    assert all(r.unknown == ("title", "source") for r in cat.rows)
    assert all(r.get("date") for r in cat.rows)


def test_cell_ok_agrees_with_the_row_schema() -> None:
    """The parser's quick per-cell test gives the row schema's verdict on
    that cell, for every column kind (a pattern, a format, a length, a
    reference, free text)."""
    from provlint.schema import cell_ok, iter_errors

    values = [
        "a1", "has space", "a,b", "x.txt", "https://example.org/a", "example.org", "mailto:x@y",
        "https://exa mple.org", "2021-12-03", "2021-13-03", "2021-12-03T10:00+01:00",
        "2021-12-03T10:00", "ab" * 32, "AB" * 32, "ab" * 31, "a, b", "a,,b", "en", "de-CH",
        "english", "Profit | loss", "x" * 300, "\u00e9t\u00e9",
    ]  # fmt: skip
    columns = ["id", "file", "url", "date", "retrieved", "sha256", "derived_from", "language",
               "title", "source", "curator"]  # fmt: skip
    for column in columns:
        for value in values:
            row = {"id": "x", "file": "x", column: value}
            full = not any(p[:1] == (column,) for p, _ in iter_errors("index-row", row))
            assert cell_ok(column, value) is full, (column, value)


def test_only_ragged_rows_carry_unknown_columns() -> None:
    """A row of the header's width is a plain IndexRow (no field more to
    hold for a million rows); a ragged one a RaggedRow."""
    from provlint.model import IndexRow, RaggedRow

    cat = parse_catalogue(HEAD + "| a | a.txt | A |\n| b | b.txt | B | extra |\n")
    plain, ragged = cat.rows
    assert type(plain) is IndexRow and plain.unknown == ()
    assert type(ragged) is RaggedRow and ragged.unknown == ragged.unknown_columns == ("title",)
