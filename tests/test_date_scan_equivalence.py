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
    "١٢",
    "²",
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
    assert [m.span() for m in datetext._ANCHOR_NUM.finditer(text)] == [
        m.span() for m in PLAIN_NUM.finditer(text)
    ]


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
