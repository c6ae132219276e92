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
    assert cat.rows[1].get("title") == "T"


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
