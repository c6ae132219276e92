"""The date scan's fast patterns find what the plain ones do.

The anchors of :func:`provlint.plugins.dates.datetext.extract` and the
sentence openers of the story names start with a character class rather
than an assertion, so that the regular-expression engine can skip to the
characters a match may start with. These tests pin that the rewritten
patterns match exactly where the plain ones (``\\b(word)\\b``, ``\\d+``,
``(?:^|[.!?:]\\s+|\\n…)``) do, on random text built from date-like tokens.
"""

from __future__ import annotations

import re
import sys
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provlint.plugins import date_inconsistent
from provlint.plugins.dates import datetext

# The plain forms the fast patterns replace.
PLAIN_WORD = re.compile(r"\b" + datetext._ANCHOR_TRIE + r"\b")
PLAIN_NUM = re.compile(r"\d+")
PLAIN_OPENER = re.compile(r"(?:^|[.!?:]\s+|\n(?![^\S\n]*\n)\s*)([A-Z][a-z]+)\b")

TOKENS = [
    *sorted(datetext._MONTHS),
    *sorted(datetext._WEEKDAY_NUM),
    "today",
    "tomorrow",
    "yesterday",
    "tonight",
    "last",
    "next",
    "this",
    "past",
    "coming",
    "week",
    "month",
    "year",
    "of",
    "de",
    "the",
    "on",
    "May",
    "MAY",
    "March",
    "Mars",
    "JAN",
    "Sept.",
    "Dez",
    "Août",
    "İstanbul",
    "Talks",
    "According",
    "Reuters",
    "McDonald",
    "Über",
    "Ann",
    "Lee",
    "USA",
    "NATO",
    "2021",
    "12",
    "5",
    "05",
    "1st",
    "3rd",
    "20",
    "\u0661\u0662",
    "\u00b2",
    "_",
    "x",
    "jan2020",
    "2021-12-05",
    "05.12.2021",
    "12/05/2021",
    "13:24",
    "T",
    "Z",
]
SEPARATORS = [
    " ",
    "  ",
    "\n",
    "\n\n",
    " \n ",
    "\t",
    ".",
    ". ",
    ", ",
    "-",
    "/",
    ":",
    ": ",
    "! ",
    "? ",
    "(",
    ")",
    "_",
    "é",
    "'",
    "\u2019",
    "—",
    "\u00a0",
    "",
]

date_text = st.lists(
    st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)), max_size=40
).map(lambda parts: "".join(token + sep for token, sep in parts))
# Now and then the text starts with a separator: the start of the text counts too.
texts = st.tuples(st.sampled_from(["", *SEPARATORS]), date_text).map("".join)

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def word_anchors(low: str) -> list[tuple[int, int, str]]:
    return [(m.start(1), m.end(1), m.group(1)) for m in datetext._word_anchors(low)]


@SETTINGS
@given(texts)
def test_word_anchors_are_the_whole_words_of_the_trie(text: str) -> None:
    for low in (text.lower(), text):
        plain = [(m.start(), m.end(), m.group()) for m in PLAIN_WORD.finditer(low)]
        assert word_anchors(low) == plain


@SETTINGS
@given(texts)
def test_number_anchors_are_the_runs_of_digits(text: str) -> None:
    assert [m.span() for m in datetext._number_anchors(text)] == [
        m.span() for m in PLAIN_NUM.finditer(text)
    ]


@SETTINGS
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 ./-:,aAmMyY_\n\t\u0661\u00b2\u212a")), max_size=60
    )
)
def test_anchors_on_any_characters(text: str) -> None:
    """ASCII and non-ASCII texts take different patterns: both agree with
    the plain ones (a Kelvin sign lower-cases to an ASCII k)."""
    assert [m.span() for m in datetext._number_anchors(text)] == [
        m.span() for m in PLAIN_NUM.finditer(text)
    ]
    low = text.lower()
    plain = [(m.start(), m.end(), m.group()) for m in PLAIN_WORD.finditer(low)]
    assert word_anchors(low) == plain


def test_word_anchors_examples() -> None:
    low = "may 5, in mayfield last week; 3 jan.\nsunday_x tue:fri"
    assert [w for _, _, w in word_anchors(low)] == ["may", "last", "jan", "tue", "fri"]
    assert word_anchors("") == []
    assert word_anchors("x") == []


@SETTINGS
@given(texts)
def test_openers_are_those_of_the_plain_pattern(text: str) -> None:
    assert date_inconsistent._openers(text) == Counter(PLAIN_OPENER.findall(text))


def plain_story_names(text: str, keep: int = 24) -> tuple[str, ...]:
    """story_names as first written: every token filtered, then counted."""
    counts = Counter(
        t
        for t in date_inconsistent._NAME.findall(text)
        if t.isalpha() and (t[1:].islower() or (t.isupper() and len(t) <= 6))
    )
    openers = Counter(PLAIN_OPENER.findall(text))
    for word, n in openers.items():
        if counts.get(word, 0) <= n:
            counts.pop(word, None)
    for word in date_inconsistent._STOP.intersection(counts):
        del counts[word]
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    return tuple(sys.intern(name) for name, _ in ranked)


@SETTINGS
@given(texts, st.integers(min_value=1, max_value=30))
def test_story_names_as_first_written(text: str, keep: int) -> None:
    assert date_inconsistent.story_names(text, keep) == plain_story_names(text, keep)


def test_story_names_example() -> None:
    text = (
        "Talks in Marport stalled. Ann Lee met NATO envoys.\nAccording to Ann Lee, "
        "Marport will wait. Marport waits.\n  Talks go on: Lee said so."
    )
    names = date_inconsistent.story_names(text)
    assert names == plain_story_names(text)
    assert names[:2] == ("Lee", "Marport")
    assert "Talks" not in names and "According" not in names


PLAIN_GLUED = re.compile(r"(?<=[^\s\d(\[„“\"'/.,-])\d{1,2}\.\d{1,2}\.(?:19|20)\d\d")
GLUE_TOKENS = ["05.12.2021", "5.1.1999", "123.4.2020", "1.12.20", "x", "Handysucht?", "(", "„"]
glued = st.lists(
    st.tuples(st.sampled_from(GLUE_TOKENS + TOKENS), st.sampled_from(SEPARATORS)), max_size=30
).map(lambda parts: "".join(token + sep for token, sep in parts))


@SETTINGS
@given(glued)
def test_glued_dates_are_those_of_the_plain_pattern(text: str) -> None:
    assert datetext._GLUED_DATE.findall(text) == PLAIN_GLUED.findall(text)


def test_glued_dates_example() -> None:
    line = "Handysucht?09.02.2020 Ein Thema(12.03.2021) Mehr:01.04.2019 am 05.06.2020"
    assert datetext._GLUED_DATE.findall(line) == ["09.02.2020", "01.04.2019"]


REPLY_TOKENS = ["says", "Says", "schrieb", "a écrit", "dijo", "Reply", "Alex", ":", " :", ": "]
reply_lines = st.lists(
    st.tuples(st.sampled_from(REPLY_TOKENS + TOKENS), st.sampled_from(SEPARATORS)), max_size=12
).map(lambda parts: "".join(token + sep for token, sep in parts).strip())


@SETTINGS
@given(reply_lines, st.integers(min_value=0, max_value=60))
def test_reply_end_is_the_pattern_on_stripped_lines(line: str, pos: int) -> None:
    assert datetext._reply_end(line, pos) == (datetext._REPLY_END.search(line, pos) is not None)


def test_reply_end_examples() -> None:
    assert datetext._reply_end("Alex says:")
    assert datetext._reply_end("Ann Lee schrieb :")
    assert not datetext._reply_end("Alex says: soon")
    assert not datetext._reply_end("Alex says")


ascii_texts = st.lists(
    st.tuples(
        st.sampled_from([t for t in TOKENS if t.isascii()]),
        st.sampled_from([s for s in SEPARATORS if s.isascii()]),
    ),
    max_size=40,
).map(lambda parts: "".join(token + sep for token, sep in parts))


@SETTINGS
@given(ascii_texts)
def test_anchors_of_ascii_texts(text: str) -> None:
    assert [m.span() for m in datetext._number_anchors(text)] == [
        m.span() for m in PLAIN_NUM.finditer(text)
    ]
    low = text.lower()
    assert word_anchors(low) == [(m.start(), m.end(), m.group()) for m in PLAIN_WORD.finditer(low)]
