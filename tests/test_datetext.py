"""Table-driven tests of the date extraction module."""

from __future__ import annotations

from datetime import date

import pytest
from provlint.plugins.dates.datetext import (
    TextIndex,
    extract,
    full_stop,
    in_code,
    is_dateline,
    is_forward,
    is_furniture,
    is_past,
    last_weekday,
    nearest_year,
    sentence,
    standalone_date,
    url_date,
)

D = date

# (text, kind, phrase, candidates or (month, day))
CASES = [
    ("Published 2021-12-05.", "iso", "2021-12-05", (D(2021, 12, 5),)),
    ("at 2021-12-05T13:24+0000 UTC", "datetime", "2021-12-05T13:24+0000", (D(2021, 12, 5),)),
    ("Stand: 13:24 GMT 05.12.2021", "datetime", "13:24 GMT 05.12.2021", (D(2021, 12, 5),)),
    ("am 05.12.2021 in Berlin", "dotted", "05.12.2021", (D(2021, 12, 5),)),
    ("on 2021/12/05 at noon", "iso", "2021/12/05", (D(2021, 12, 5),)),
    ("on 12/05/2021 we met", "numeric", "12/05/2021", (D(2021, 5, 12), D(2021, 12, 5))),
    ("on 25/12/2021 we met", "numeric", "25/12/2021", (D(2021, 12, 25),)),
    ("On December 1, 2021 they met", "full", "December 1, 2021", (D(2021, 12, 1),)),
    ("On Dec. 1st 2021 they met", "full", "Dec. 1st 2021", (D(2021, 12, 1),)),
    ("the 1st of December 2021", "full", "1st of December 2021", (D(2021, 12, 1),)),
    ("am 1. Dezember 2021 in Wien", "full", "1. Dezember 2021", (D(2021, 12, 1),)),
    ("am 3. März 2020", "full", "3. März 2020", (D(2020, 3, 3),)),
    ("le 1er décembre 2021", "full", "1er décembre 2021", (D(2021, 12, 1),)),
    ("le 14 juillet 2020", "full", "14 juillet 2020", (D(2020, 7, 14),)),
    ("el 1 de diciembre de 2021", "full", "1 de diciembre de 2021", (D(2021, 12, 1),)),
    ("in Stockholm on December 1, to renew", "month-day", "December 1", (12, 1)),
    ("Wednesday, November 16 was cold", "month-day", "Wednesday, November 16", (11, 16)),
    ("in December 2021 there was", "month-year", "December 2021", (12, None)),
]


@pytest.mark.parametrize(("text", "kind", "phrase", "expect"), CASES, ids=[c[0] for c in CASES])
def test_extract_one(text: str, kind: str, phrase: str, expect: tuple) -> None:  # type: ignore[type-arg]
    mentions = [m for m in extract(text) if m.kind not in ("weekday", "relative")]
    assert len(mentions) == 1, mentions
    (m,) = mentions
    assert (m.kind, m.text) == (kind, phrase)
    if kind in ("month-day", "month-year"):
        assert (m.month, m.day) == expect
    else:
        assert m.candidates == expect
    assert text[m.start : m.end] == phrase


@pytest.mark.parametrize(
    ("text", "weekday", "offset"),
    [
        ("a virtual meeting tomorrow, Tuesday.", 1, 1),
        ("a call tomorrow (Tuesday) between", 1, 1),
        ("It happened yesterday (Monday) at", 0, -1),
        ("on Friday - today - the", 4, 0),
    ],
)
def test_relative_weekday(text: str, weekday: int, offset: int) -> None:
    (m,) = [m for m in extract(text) if m.kind == "relative-weekday"]
    assert (m.weekday, m.offset) == (weekday, offset)


@pytest.mark.parametrize(
    "text",
    [
        "It may be true.",  # "May" without a day
        "two days ago 5 people",  # no month named "ago"
        "version 1.2.3 and 10/20",  # not dates
        "Call 555-1234 now",
        "The year 2021 ended.",  # a year alone is not a date
        "sun 5 degrees",  # weekday abbreviations alone are not weekdays
        "Tonnage: Jan 41.2, Feb 32.9, Mar 6.8",  # monthly figures
        "News 15 JAN 20",  # a day and month with a two-digit year
    ],
)
def test_no_false_mentions(text: str) -> None:
    assert [m for m in extract(text) if m.kind not in ("relative",)] == []


def test_line_and_column_and_offsets() -> None:
    text = "Title\n\nOn December 1, 2021 they met.\n"
    (m,) = extract(text, line_offset=4)
    assert (m.line, m.column) == (7, 4)


def test_overlaps_prefer_longest() -> None:
    kinds = [m.kind for m in extract("Wednesday, December 1, 2021")]
    assert kinds == ["full"]


@pytest.mark.parametrize(
    ("month", "day", "anchor", "weekday", "expected"),
    [
        (12, 1, D(2021, 12, 6), None, D(2021, 12, 1)),
        (12, 1, D(2021, 7, 18), None, D(2021, 12, 1)),  # nearest: 136 days ahead
        (1, 3, D(2021, 12, 28), None, D(2022, 1, 3)),
        (11, 16, D(2021, 12, 6), 2, D(2022, 11, 16)),  # Wednesday, November 16 -> 2022
        (11, 16, D(2021, 12, 6), 1, D(2021, 11, 16)),  # Tuesday, November 16 -> 2021
    ],
)
def test_nearest_year(
    month: int, day: int, anchor: date, weekday: int | None, expected: date
) -> None:
    assert nearest_year(month, day, anchor, weekday) == expected


def test_last_weekday() -> None:
    assert last_weekday(2, D(2021, 12, 6)) == D(2021, 12, 1)  # Wednesday before Monday 6th
    assert last_weekday(0, D(2021, 12, 6)) == D(2021, 12, 6)


@pytest.mark.parametrize(
    ("url", "expected", "precision"),
    [
        ("https://ex.test/20211205/story-1091261798.html", D(2021, 12, 5), "day"),
        ("https://ex.test/news/2021/12/05/story", D(2021, 12, 5), "day"),
        ("https://ex.test/news/2021-12-05-story", D(2021, 12, 5), "day"),
        ("https://ex.test/2021/12/story", D(2021, 12, 1), "month"),
        ("https://ex.test/story-1091261798", None, None),
        ("https://20211205.ex.test/", None, None),
        # A number that counts the word after it is no day: the month stays.
        ("https://ex.test/2023/10/3-fragen-an-die-stadt", D(2023, 10, 1), "month"),
        ("https://ex.test/2019/11/10-things-to-know", D(2019, 11, 1), "month"),
        ("https://ex.test/2019/11/5g-rollout", D(2019, 11, 1), "month"),
        ("https://ex.test/news/2023-10-3-fragen-an-die-stadt", None, None),
        # A day ends the path or its segment, or comes before a word it does not count.
        ("https://ex.test/2019/11/10/10-things-to-know", D(2019, 11, 10), "day"),
        ("https://ex.test/2019/11/05-things-to-know", D(2019, 11, 5), "day"),
        ("https://ex.test/2019/11/5-update-on-ferries", D(2019, 11, 5), "day"),
        ("https://ex.test/2019/11/5", D(2019, 11, 5), "day"),
        ("https://ex.test/2019/11/05.html", D(2019, 11, 5), "day"),
        ("https://ex.test/news/20191105-things", D(2019, 11, 5), "day"),
    ],
)
def test_url_date(url: str, expected: date | None, precision: str | None) -> None:
    found = url_date(url)
    if expected is None:
        assert found is None
    else:
        assert found is not None and (found.when, found.precision) == (expected, precision)


@pytest.mark.parametrize(
    ("clause", "forward", "past"),
    [
        ("On December 7 a video call will take place", True, False),
        ("the meeting is scheduled for March 3", True, False),
        ("Lavrov spoke at a dinner on December 1", False, True),
        ("The summit was held on March 3, 2022", False, True),
        ("Her last day is April 1", False, False),
        ("Die Ausstellung findet am 3. November statt", True, False),
        ("Das Treffen fand am 3. November statt", False, True),
        ("The council voted on May 3, 2022", False, True),  # the month, not the verb
        ("Delegates from 40 countries met on March 3, 2022", False, True),
        ("The levy, approved in May, takes effect on March 1", True, False),
    ],
)
def test_tense(clause: str, forward: bool, past: bool) -> None:
    at = max(clause.rfind(w) for w in ("December", "March", "April", "November", "May 3"))
    month = clause[at:].split()[0]
    assert is_forward(clause, (at, at + len(month))) is forward
    assert is_past(clause, at) is past


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Joined: Jun 2, 2019", True),
        ("Member since Jun 2, 2019", True),
        ("© 2021 Example News", True),
        ("Last edited: Dec 3, 2021", True),
        ("Ministers will meet on Dec 3, 2021", False),
        ("Related story - October 10, 2020", True),
    ],
)
def test_furniture(text: str, expected: bool) -> None:
    pos = next(i for i, c in enumerate(text) if c.isdigit())
    assert is_furniture(text, pos) is expected


def test_dateline() -> None:
    text = "CAPE CANAVERAL, Nov 16 (Wire) - The rocket flew."
    (m,) = [m for m in extract(text) if m.kind == "month-day"]
    assert is_dateline(text, m)
    text = "They met in Paris, Nov 16 and again later."
    (m,) = [m for m in extract(text) if m.kind == "month-day"]
    assert not is_dateline(text, m)


def test_standalone_date_skips_furniture() -> None:
    text = "What's new\n\nThread title\n\nJoined: Jun 2, 2019\nJul 18, 2021\nBody text.\n"
    m = standalone_date(text, extract(text))
    assert m is not None and m.date == D(2021, 7, 18) and m.line == 6


def test_code_and_json_values_are_not_text() -> None:
    text = (
        'Log: { "Name": "quay sensor", "Timestamp": "2030-08-14 17:43:12" }\n'
        '{ "datePublished": "2021-01-02" }\n'
        "```\nrun on 2021-05-05\n```\n"
        "On 2021-06-06 the crews met.\n"
    )
    ix = TextIndex(text)
    got = {m.text: in_code(text, m, ix) for m in extract(text, index=ix)}
    assert got == {
        "2030-08-14 17:43:12": True,  # a quoted value after a key
        "2021-01-02": False,  # a key that names the publication keeps its date
        "2021-05-05": True,  # inside a fenced block
        "2021-06-06": False,
    }


def test_a_line_ends_a_clause_unless_the_text_is_wrapped() -> None:
    block = "Posted by the editor\nAugust 5, 2019\nThe crews were pleased.\n"
    (m,) = [m for m in extract(block) if m.kind == "full"]
    a, b = sentence(block, m.start, m.end)
    assert block[a:b].strip() == "August 5, 2019"
    wrapped = (
        "The council said that the harbour works would go on through the winter,\n"
        "and that the crews had already moved the first barges on August 5, 2019\n"
        "to the eastern quay, where the dredging was carried out over two weeks.\n"
        "The mayor said the town was pleased with the speed of the work so far.\n"
    )
    (m,) = [m for m in extract(wrapped) if m.kind == "full"]
    a, b = sentence(wrapped, m.start, m.end)
    assert "eastern quay" in wrapped[a:b]


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("Es tritt am 1. Juli in Kraft.", False),  # a day before a month
        ("He left on March 5. Then", True),
        ("in 2019. The", True),
        ("the U.S. government", False),
        ("on Feb. 9 at", False),
        ("Dr. Holt", False),
    ],
)
def test_full_stop(text: str, ends: bool) -> None:
    assert full_stop(text, text.index(". ")) is ends


@pytest.mark.parametrize(
    ("text", "line", "role"),
    [
        ("Storm news\n" + "Ferry timetable 12 May 2021\n" * 3, 1, "listing"),
        ("Tom on June 2, 2021 at 9:12 pm said:\nThe barges left.\n", 0, "comment"),
        ("Archive October 2021 (2) September 2021 (1) August 2021 (4)\n", 0, "dates"),
        ("Forum|--News| |--October 2021| |--Events| |--Help\n", 0, "menu"),
        ("Title: A Author: B Pages: 3 Release: 03.11.2022 Publisher: C\n", 0, "record"),
        ("Harbour works\n14 October 2021\n" + "The crews worked. " * 12 + "\n", 1, "stamp"),
        ("Home\n14 October 2021\nA\nB\nC\nD\n" + "The crews worked. " * 12 + "\n", 1, "masthead"),
    ],
)
def test_line_roles(text: str, line: int, role: str) -> None:
    ix = TextIndex(text)
    ix.attach(extract(text, index=ix))
    assert ix.line_role(ix.starts[line]) == role
