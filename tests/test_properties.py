"""Property-based tests (hypothesis) for provlint's text parsers.

These check robustness invariants only: the parsers never raise on
arbitrary input and what they return keeps its documented shape.
"""

from __future__ import annotations

import calendar
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provlint.catalogue import parse_catalogue, split_row
from provlint.headers import near_miss_legacy, parse_front_matter, parse_legacy
from provlint.model import Header
from provlint.plugins.dates.datetext import extract
from provlint.runner import decode, safe_relpath

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _line_bound(text: str) -> int:
    """A generous upper bound on the number of lines in ``text``."""
    return max(len(text.splitlines()), text.count("\n") + 1, 1)


# --------------------------------------------------------------------------
# 1. Header parsers
# --------------------------------------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from(list(":-[]{}&*!|>\n \t'\"#,?%@`abcxyzKV019\\é")),
    max_size=120,
)
BODY = st.text(max_size=60)


def _walk(value: object) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str), repr(k)
            _walk(v)
    elif isinstance(value, list):
        for v in value:
            _walk(v)
    else:
        assert isinstance(value, str), repr(value)


def _check_header(result: object) -> None:
    if result is None:
        return
    assert isinstance(result, Header)
    assert isinstance(result.fields, dict)
    for err in result.errors:
        line, col, msg = err
        assert isinstance(line, int) and line >= 1, err
        assert isinstance(col, int) and col >= 1, err
        assert isinstance(msg, str), err
    _walk(result.fields)


PARSERS = st.sampled_from([parse_front_matter, parse_legacy, near_miss_legacy])


@SETTINGS
@given(parser=PARSERS, text=st.text(max_size=200))
def test_header_parsers_arbitrary_text(parser, text):
    _check_header(parser(text))


@SETTINGS
@given(parser=PARSERS, yaml=YAMLISH, body=BODY)
def test_header_parsers_front_matter_shaped(parser, yaml, body):
    _check_header(parser("---\n" + yaml + "\n---\n" + body))


@SETTINGS
@given(yaml=YAMLISH, body=BODY)
def test_front_matter_unclosed(yaml, body):
    _check_header(parse_front_matter("---\n" + yaml + body))


# --------------------------------------------------------------------------
# 2. Catalogue parser
# --------------------------------------------------------------------------


@SETTINGS
@given(line=st.text(max_size=120))
def test_split_row_arbitrary(line):
    cells = split_row(line)
    if cells is None:
        return
    for value, col in cells:
        assert isinstance(value, str)
        assert value == value.strip()
        assert isinstance(col, int) and col >= 1


def _check_catalogue(text: str) -> None:
    cat = parse_catalogue(text)
    n = _line_bound(text)
    for row in cat.rows:
        assert 1 <= row.line <= n, (row.line, n)
    for p in cat.problems:
        assert 1 <= p.line <= n, (p, n)
        assert p.column >= 1, p


@SETTINGS
@given(text=st.text(max_size=300))
def test_parse_catalogue_arbitrary(text):
    _check_catalogue(text)


TABLEISH = st.text(alphabet=st.sampled_from(list("|-:\\`[]()<> \nabidfle~")), max_size=200)


@SETTINGS
@given(text=TABLEISH)
def test_parse_catalogue_tableish(text):
    _check_catalogue("| id | file |\n|---|---|\n" + text)


CELL_ALPHABET = st.characters(
    min_codepoint=0x20, max_codepoint=0x7E
)  # printable ASCII: no line breaks
CELL_CHARS = list("|\\`[]()<>ab x1-")


def _plain_cell(v: str) -> bool:
    """Values the cell cleaner returns unchanged (after stripping)."""
    if v != v.strip() or not v:
        return False
    if v.endswith("\\"):  # would escape the following separator pipe
        return False
    if v.startswith("`") or v.endswith("`"):
        return False
    if v.startswith("<") and v.endswith(">"):
        return False
    if v.startswith("[") and v.endswith(")"):
        return False
    return True


CELL = st.one_of(
    st.text(alphabet=CELL_ALPHABET, min_size=1, max_size=15),
    st.text(alphabet=st.sampled_from(CELL_CHARS), min_size=1, max_size=10),
).filter(_plain_cell)
COLNAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)


@st.composite
def tables(draw):
    extra = draw(
        st.lists(COLNAME.filter(lambda c: c not in ("id", "file")), max_size=3, unique=True)
    )
    names = ["id", "file", *extra]
    names = draw(st.permutations(names))
    rows = draw(
        st.lists(
            st.lists(st.one_of(st.just(""), CELL), min_size=len(names), max_size=len(names)),
            max_size=6,
        )
    )
    return list(names), rows


def _esc(v: str) -> str:
    return v.replace("|", "\\|")


@SETTINGS
@given(table=tables(), prefix=st.sampled_from(["", "# Catalogue\n\n", "intro text\n\n"]))
def test_parse_catalogue_round_trip(table, prefix):
    names, rows = table
    lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
    for row in rows:
        lines.append("| " + " | ".join(_esc(v) for v in row) + " |")
    text = prefix + "\n".join(lines) + "\n"
    cat = parse_catalogue(text)
    assert cat.columns == tuple(names)
    assert len(cat.rows) == len(rows)
    first = prefix.count("\n") + 3
    for k, (parsed, row) in enumerate(zip(cat.rows, rows, strict=True)):
        assert parsed.line == first + k
        expected = {name: v for name, v in zip(names, row, strict=True) if v}
        got = {name: cell.value for name, cell in parsed.cells.items()}
        assert got == expected, (text, got, expected)
    assert not [p for p in cat.problems if "cells but the header" in p.message]


# --------------------------------------------------------------------------
# 3. Date extractor
# --------------------------------------------------------------------------


def _check_mentions(text: str) -> None:
    n = _line_bound(text)
    for m in extract(text):
        assert 1 <= m.line <= n, (m, n)
        assert text[m.start : m.end] == m.text, m
        for c in m.candidates:
            assert isinstance(c, date), c


@SETTINGS
@given(text=st.text(max_size=200))
def test_extract_arbitrary(text):
    _check_mentions(text)


@SETTINGS
@given(
    parts=st.lists(
        st.sampled_from(
            [
                "0",
                "1",
                "2",
                "9",
                "31",
                "2024",
                "1999",
                "/",
                "-",
                ".",
                ",",
                " ",
                "\n",
                "Jan",
                "March",
                "Sept",
                "Feb",
                "29",
                "Monday",
                "today",
                "last week",
                "th",
                "of",
            ]
        ),
        max_size=20,
    )
)
def test_extract_dateish(parts):
    _check_mentions("".join(parts))


@SETTINGS
@given(
    when=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    before=st.sampled_from(["", "Published ", "On ", "text\n"]),
    after=st.sampled_from(["", ".", " in Paris", "\nmore"]),
)
def test_extract_full_date(when, before, after):
    text = f"{before}{calendar.month_name[when.month]} {when.day}, {when.year}{after}"
    found = [m for m in extract(text) if when in m.candidates]
    assert len(found) == 1, (text, extract(text))
    m = found[0]
    assert m.candidates == (when,)
    assert m.text == f"{calendar.month_name[when.month]} {when.day}, {when.year}"


# --------------------------------------------------------------------------
# 4. decode
# --------------------------------------------------------------------------


@SETTINGS
@given(
    raw=st.one_of(
        st.binary(max_size=200),
        st.tuples(
            st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
            st.binary(max_size=100),
        ).map(b"".join),
    )
)
def test_decode(raw):
    text, problem = decode(raw)
    assert text is None or isinstance(text, str)
    if problem is not None:
        offset, what = problem
        assert isinstance(offset, int) and offset >= 0
        assert isinstance(what, str)
    if text is None:
        assert problem is not None


# --------------------------------------------------------------------------
# 5. safe_relpath
# --------------------------------------------------------------------------


@SETTINGS
@given(
    value=st.one_of(
        st.text(max_size=60),
        st.lists(
            st.sampled_from(["..", ".", "/", "\\", "a", "b.md", "\x00", "C:", "//", " "]),
            max_size=10,
        ).map("".join),
    )
)
def test_safe_relpath(value):
    path, why = safe_relpath(value)
    assert (path is None) != (why is None)
    if path is not None:
        assert isinstance(path, str)
        assert not path.startswith("/")
        # A leading ".." *component* would escape; a name like "..notes.md" is fine.
        assert path != ".." and not path.startswith("../"), path
        assert ".." not in path.split("/"), path
        assert "\x00" not in path
    else:
        assert isinstance(why, str)
