"""Finding dates in text: one module, compiled regular expressions, no
guessing library.

:func:`extract` returns every date-like :class:`Mention` in a text with its
line, column and phrase: ISO dates and date-times, ``dd.mm.yyyy``, US/EU
numeric dates (with the ambiguity kept), English, German, French and Spanish
month names, weekdays, ``today``/``yesterday``/``tomorrow`` and
``last``/``next week``. Around a mention, :func:`sentence`, :func:`is_past`,
:func:`is_forward` and their kin say whether its clause reports the past or
looks forward, :func:`context_date` what year its sentence gives a date
without one, and :func:`date_role` whether its line is a sentence of the
text at all: a page's furniture (a list of headlines, a comment's stamp, an
archive widget, a menu, a masthead date, what scrape-residue classifies as
furniture) is not, and code is no text (:func:`in_code`). The words these
rules read, by language, are kept in ``words.toml`` beside this module. The
rules that turn mentions into findings live in the date checks; this module
only reads.

The text is hostile: one line may hold thousands of dates. The questions
asked about one mention (:func:`sentence`, :func:`is_furniture`,
:func:`is_dateline`, :func:`standalone_date`, :func:`date_role`) take the
text's :class:`TextIndex`, which finds line starts once and classifies each
line once (the roles of all its dated lines in one pass, on first use), and
read only a window of bounded size around the mention, so that a whole text
costs time linear in its length.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from provlint import lazy_compile

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------


def _load_words() -> dict[str, dict[str, list[str]]]:
    """The word lists of ``words.toml`` (beside this module), by section
    and language."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    raw = Path(__file__).with_name("words.toml").read_text(encoding="utf-8")
    data: dict[str, dict[str, list[str]]] = tomllib.loads(raw)
    return data


WORDS = _load_words()
"""The language-aware word lists the date rules read (``words.toml``):
section -> language -> regular-expression fragments."""


def _alternation(section: str) -> str:
    return "|".join(entry for entries in WORDS[section].values() for entry in entries)


def _words(section: str, before: str = r"\b(?=\w)", after: str = r"\b") -> re.Pattern[str]:
    """One pattern for a section of :data:`WORDS`, every language at once
    (compiled when first used)."""
    return lazy_compile(before + "(?:" + _alternation(section) + ")" + after, re.IGNORECASE)


_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "january jan januar jänner jaenner janvier janv enero",
        "february feb februar février fevrier févr fevr febrero",
        "march mar märz maerz mär mars marzo",
        "april apr avril avr abril",
        "may mai mayo",
        "june jun juni juin junio",
        "july jul juli juillet juil julio",
        "august aug août aout agosto",
        "september sep sept septembre septiembre setiembre",
        "october oct oktober okt octobre octubre",
        "november nov novembre noviembre",
        "december dec dezember dez décembre decembre déc diciembre",
    ],
    start=1,
):
    for _n in _names.split():
        _MONTHS[_n] = _num

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_NUM = {name: i for i, name in enumerate(WEEKDAYS)}
for _i, _abbr in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
    _WEEKDAY_NUM[_abbr] = _i
_WEEKDAY_NUM["tues"] = 1
_WEEKDAY_NUM["thur"] = _WEEKDAY_NUM["thurs"] = 3

_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_WD_LONG = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_WD_ALT = _WD_LONG + "|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun"
_ORD = r"(?:st|nd|rd|th|er|e|º|\.)?"


def _trie(words: set[str]) -> str:
    """A regular expression matching exactly ``words``, factored as a trie
    so that the engine tries one branch per character, not one per word."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        alts = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not alts:
            return ""
        if "" in node:
            return "(?:" + "|".join(alts) + ")?"
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


_REL_WORDS = ("today", "tonight", "yesterday", "tomorrow")
_UNIT_WORDS = ("last", "next", "this", "past", "coming")
# Anchors: where a date could start. Words are found in the lower-cased text
# with a trie-shaped pattern; numbers as runs of digits. Everything else is matched
# only at those positions, which keeps a 3 KB text to a few hundred µs.
#
# Both anchors begin with a character class, not an assertion: the engine
# then skips at once to the characters that can start a match instead of
# trying the whole pattern at every position. A word starts a word (\b
# before it): it is matched after the non-word character before it
# (group 1 is the word), and at the start of the text by
# _ANCHOR_WORD_FIRST. The matches are those of \b(word)\b, as a test
# pins.
#
# In an ASCII text (most are) a word character is [0-9A-Za-z_] and a digit
# [0-9]: the same classes written as ranges, which the engine tests faster
# than the Unicode categories.
_ANCHOR_TRIE = _trie({*_MONTHS, *_WEEKDAY_NUM, *_REL_WORDS, *_UNIT_WORDS})
_ANCHOR_WORD = re.compile(r"\W(" + _ANCHOR_TRIE + r")\b")
_ANCHOR_WORD_ASCII = re.compile(r"[^0-9A-Za-z_](" + _ANCHOR_TRIE + r")\b")
_ANCHOR_WORD_FIRST = re.compile(r"(" + _ANCHOR_TRIE + r")\b")
_ANCHOR_NUM = re.compile(r"\d\d*")
_ANCHOR_NUM_ASCII = re.compile(r"[0-9][0-9]*")


def _word_anchors(low: str) -> Iterator[re.Match[str]]:
    """The anchor words of the lower-cased text ``low``, in order: each
    match's group 1 is a word of the anchor trie standing as a whole word,
    as ``\\b(word)\\b`` would find it."""
    first = _ANCHOR_WORD_FIRST.match(low)
    if first is not None:
        yield first
    yield from (_ANCHOR_WORD_ASCII if low.isascii() else _ANCHOR_WORD).finditer(low)


def _number_anchors(text: str) -> Iterator[re.Match[str]]:
    """The runs of digits of ``text``, in order, as ``\\d+`` finds them."""
    return (_ANCHOR_NUM_ASCII if text.isascii() else _ANCHOR_NUM).finditer(text)


_YEAR = r"(?:19|20)\d\d"
_TIME = r"(?P<hh>\d{1,2}):(?P<mm>\d\d)"
_ISO = re.compile(
    rf"(?P<year>{_YEAR})(?P<sep>[-/])(?P<mon>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}})"
    r"(?:[T ](?P<hh>\d\d):(?P<mm>\d\d)(?::\d\d(?:\.\d+)?)?\s*(?P<tz>Z|[+-]\d\d:?\d\d|UTC|GMT)?)?"
    r"(?![\d/])"
)
# The time's zone and comma are alternatives, each with its own leading
# space, so that a long run of spaces after "13:24" is crossed once, not
# once per way of sharing it between two space quantifiers.
_DOTTED = re.compile(
    rf"(?:{_TIME}(?:\s*(?P<tz>GMT|UTC|CET|CEST|MSK|MEZ|MESZ),?|\s*,)?\s+)?"
    rf"(?P<day>\d{{1,2}})\.(?P<mon>\d{{1,2}})\.(?P<year>{_YEAR})(?!\d)"
)
_SLASH = re.compile(rf"(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<year>{_YEAR})(?![\d/])")
# Without a year, a day and month followed by two digits ("15 JAN 20") has a
# two-digit year, and a month and number followed by a decimal ("Mar 6.8", a
# monthly figure) is no date: neither is a month-day.
_DMY = re.compile(
    rf"(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+|de\s+)?(?P<mon>{_MONTH_ALT})\b\.?"
    rf"(?:,?\s+(?:de\s+)?(?P<year>{_YEAR})(?!\d)|(?!\s+'?\d\d(?![\d:.])))",
    re.IGNORECASE,
)
_MDY = re.compile(
    rf"(?P<mon>{_MONTH_ALT})\.?\s+(?P<day>\d{{1,2}}){_ORD}(?!\d)"
    rf"(?:(?:,\s*|\s+)(?P<year>{_YEAR})(?!\d)|(?![.,]\d))",
    re.IGNORECASE,
)
_DAY_BEFORE = lazy_compile(rf"(?<![\d.,])\d{{1,2}}{_ORD}\s+(?:of\s+|de\s+)?$", re.IGNORECASE)
_MY = re.compile(rf"(?P<mon>{_MONTH_ALT})\.?,?\s+(?P<year>{_YEAR})(?!\d)", re.IGNORECASE)
_WD_BEFORE = re.compile(rf"\b(?P<wd>{_WD_ALT})\.?,?\s+(?:the\s+)?$", re.IGNORECASE)
_WD_REL = re.compile(
    rf"(?P<wd>{_WD_LONG})\s*(?:,|\(|—|–|-)\s*(?P<rel>today|tonight|yesterday|tomorrow)\b\)?",
    re.IGNORECASE,
)
_REL_WD = re.compile(
    r"(?P<rel>today|tonight|yesterday|tomorrow)\s*(?:,|\(|—|–|-)\s*(?:on\s+)?"
    rf"(?P<wd>{_WD_LONG})\b\)?",
    re.IGNORECASE,
)
_REL_UNIT = re.compile(
    r"(?:last|next|this|past|coming)\s+(?:week|weekend|month|year)\b", re.IGNORECASE
)
_RELATIVE_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}


@dataclass(frozen=True)
class Mention:
    """A date-like phrase in a text.

    ``kind`` is one of ``iso``, ``datetime`` (a date with a time: a machine
    timestamp), ``dotted``, ``numeric`` (slash date, maybe ambiguous),
    ``month-day`` (no year), ``full`` (month name with year), ``month-year``,
    ``weekday``, ``relative`` or ``relative-weekday``. ``candidates`` holds
    the calendar dates the phrase can mean when it is complete (two for an
    ambiguous ``05/12/2021``). ``month``/``day``/``weekday`` are set when
    given; ``offset`` is the relative day (-1 yesterday) for relative
    mentions.
    """

    start: int
    end: int
    line: int
    column: int
    text: str
    kind: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    offset: int | None = None
    candidates: tuple[date, ...] = ()

    @property
    def date(self) -> date | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


class TextIndex:
    """The lines of one text, found once and shared by every mention in it.

    Line starts are computed on first use and a line is found by bisection.
    What the date rules ask about a whole line (is it page furniture, a
    listing, does it hold an edit word, how much text besides the date) is
    computed the first time a mention on that line asks and kept by line
    index. A question about one mention therefore costs a bounded window
    around it, not a scan of its line or of the text: a text of one long
    line holding thousands of dates stays linear.
    """

    __slots__ = (
        "_authors",
        "_body",
        "_comments",
        "_fences",
        "_memo",
        "_residue",
        "_roles",
        "_starts",
        "_wrapped",
        "mentions",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._memo: dict[tuple[object, int], Any] = {}
        self.mentions: list[Mention] | None = None
        self._roles: dict[int, str] | None = None
        self._residue: Sequence[str | None] | None = None
        self._wrapped: bool | None = None
        self._fences: list[int] | None = None
        self._body: int | None = None
        self._comments: int | None = None
        self._authors: tuple[str, ...] | None = None

    def attach(self, mentions: list[Mention]) -> None:
        """Keep the text's mentions (from :func:`extract`): the roles of
        its lines (:meth:`line_role`) are read from them."""
        self.mentions = mentions
        self._roles = None

    @property
    def starts(self) -> list[int]:
        """Offset of the first character of every line."""
        if self._starts is None:
            text = self.text
            starts = [0]
            pos = text.find("\n")
            while pos >= 0:
                starts.append(pos + 1)
                pos = text.find("\n", pos + 1)
            self._starts = starts
        return self._starts

    def line_index(self, offset: int) -> int:
        """Index (from 0) of the line holding ``offset``."""
        return bisect.bisect_right(self.starts, offset) - 1

    def locate(self, offset: int) -> tuple[int, int]:
        """Line and column (from 1) of ``offset``."""
        i = self.line_index(offset)
        return i + 1, offset - self.starts[i] + 1

    def line_span(self, i: int) -> tuple[int, int]:
        """Start and end (before its newline) of line ``i``."""
        starts = self.starts
        end = starts[i + 1] - 1 if i + 1 < len(starts) else len(self.text)
        return starts[i], end

    def line_start(self, offset: int) -> int:
        """Offset where the line holding ``offset`` starts."""
        return self.starts[self.line_index(offset)]

    def _fact(self, key: object, i: int, compute: Callable[[int, int], Any]) -> Any:
        try:
            return self._memo[key, i]
        except KeyError:
            value = self._memo[key, i] = compute(*self.line_span(i))
            return value

    def line_search(self, pattern: re.Pattern[str], offset: int) -> bool:
        """Whether ``pattern`` occurs in the line holding ``offset``
        (searched once per line)."""
        i = self.line_index(offset)
        return bool(
            self._fact(pattern, i, lambda a, b: pattern.search(self.text, a, b) is not None)
        )

    def is_furniture_line(self, offset: int) -> bool:
        """Whether the whole line holding ``offset`` is page furniture: a
        short listing entry, or a short line with a furniture word."""

        def compute(a: int, b: int) -> bool:
            line = self.text[a:b] if b - a <= _FURNITURE_LINE else ""
            if line and _LISTING.search(line):
                return True
            return b - a <= _SHORT_LINE and _FURNITURE.search(line) is not None

        return bool(self._fact("furniture", self.line_index(offset), compute))

    def solid_chars(self, offset: int) -> int:
        """How many characters of the line holding ``offset`` are neither
        space nor the punctuation a standalone date may stand among."""
        return int(
            self._fact("solid", self.line_index(offset), lambda a, b: _solid(self.text, a, b))
        )

    def dateline_reach(self, offset: int) -> int:
        """How far into the line holding ``offset`` a dateline's date can
        start: past that, more non-space characters precede it than
        :data:`_DATELINE` and its comma can hold."""

        def compute(a: int, b: int) -> int:
            m = _DATELINE_SOLID.match(self.text, a, b)
            return m.end() if m else b + 1

        return int(self._fact("dateline", self.line_index(offset), compute))

    def breaks_before(self, i: int) -> bool:
        """Whether the newline before line ``i`` ends a clause: line ``i``
        is blank (and followed by another line) or starts a list item
        (``-``, ``*``, ``•``, ``>``), as :data:`_SENT_END` says."""

        def compute(a: int, b: int) -> bool:
            m = _NONSPACE.search(self.text, a, b)
            if m is None:
                return b < len(self.text)  # a blank line, a newline after it
            return m.group() in "-*•>"

        return bool(self._fact("break", i, compute))

    # ------------------------------------------------------------------
    # The page around the dates: wrapping, code, furniture
    # ------------------------------------------------------------------

    @property
    def wrapped(self) -> bool:
        """Whether the text is hard-wrapped prose (a sentence runs on over
        several lines): most of its lines are 40 to 100 characters long
        and hardly any is longer. A scraped page or an extractor's text has
        one line per paragraph or block, and there a line ends a clause."""
        if self._wrapped is None:
            starts, size = self.starts, len(self.text)
            lengths = [
                (starts[i + 1] - 1 if i + 1 < len(starts) else size) - starts[i]
                for i in range(len(starts))
            ]
            full = [n for n in lengths if n > 0]
            mid = sum(1 for n in full if 40 <= n <= 100)
            long = sum(1 for n in full if n > 110)
            self._wrapped = len(full) >= 3 and mid * 2 >= len(full) and long * 20 <= len(full)
        return self._wrapped

    def ends_clause(self, i: int) -> bool:
        """Whether the newline before line ``i`` ends a clause: always in a
        text that is not hard-wrapped, else only before a blank line or a
        list item (:meth:`breaks_before`)."""
        return not self.wrapped or self.breaks_before(i)

    def in_fence(self, offset: int) -> bool:
        """Whether ``offset`` is inside a fenced code block (between lines
        starting with three backticks or tildes)."""
        if self._fences is None:
            text = self.text
            has = "```" in text or "~~~" in text
            self._fences = (
                [self.line_index(m.start()) for m in _FENCE.finditer(text)] if has else []
            )
        if not self._fences:
            return False
        k = bisect.bisect_left(self._fences, self.line_index(offset))
        at_fence = k < len(self._fences) and self._fences[k] == self.line_index(offset)
        return k % 2 == 1 and not at_fence

    def residue_kind(
        self, offset: int, line_kinds: Callable[[], Sequence[str | None]] | None = None
    ) -> str | None:
        """The kind of page furniture scrape-residue's line classifier gives
        the line holding ``offset``; None for content, for the kinds that
        describe the page's own article (its byline, its tag line:
        ``OWN`` in :mod:`provlint.plugins.scrape_residue`), or when that
        check is not installed.

        ``line_kinds`` returns the kind of every line of the text: for a
        document's body, scrape-residue's shared per-document analysis
        (``body_lines(doc)[1]``, kept in ``doc.cache``), so that the lines
        are classified once for every check. It is called on first use
        only; without it, a text that belongs to no document is classified
        here."""
        kind = self._line_kind(offset, line_kinds)
        return None if kind is None or kind in _own_kinds() else kind

    def own_kind(
        self, offset: int, line_kinds: Callable[[], Sequence[str | None]] | None = None
    ) -> bool:
        """Whether scrape-residue's classifier gives the line holding
        ``offset`` a kind that describes the page's own article (a byline, a
        tag line); ``line_kinds`` as for :meth:`residue_kind`."""
        kind = self._line_kind(offset, line_kinds)
        return kind is not None and kind in _own_kinds()

    def author_bio(
        self, offset: int, line_kinds: Callable[[], Sequence[str | None]] | None = None
    ) -> bool:
        """Whether the line holding ``offset`` is the author's biography
        shown below the article: a paragraph after the text's prose begins
        that starts with the name of an author whose byline ("By Ann Lee",
        "Von Ann Lee", a line scrape-residue takes for a byline) stands
        above it. A biography tells the author's story up to the day the
        page was captured, not the article's."""
        i = self.line_index(offset)
        if i < self.body_start:
            return False
        if self._authors is None:
            names: list[str] = []
            for j in range(min(self.body_start + _BYLINE_GAP, len(self.starts))):
                a, b = self.line_span(j)
                if b - a > _STAMP_LINE:
                    continue
                if not self._is_byline(self.starts[j], line_kinds):
                    continue
                m = _AUTHOR.match(self.text, a, b)
                if m is not None:
                    names.append(" ".join(m.group(1).casefold().split()) + " ")
            self._authors = tuple(names)
        if not self._authors:
            return False
        a, b = self.line_span(i)
        head = " ".join(self.text[a : min(b, a + 60)].casefold().split()) + " "
        return b - a >= _BIO_LINE and head.startswith(self._authors)

    def _is_byline(
        self, offset: int, line_kinds: Callable[[], Sequence[str | None]] | None
    ) -> bool:
        kind = self._line_kind(offset, line_kinds)
        return kind is not None and kind == _byline_kind()

    def _line_kind(
        self, offset: int, line_kinds: Callable[[], Sequence[str | None]] | None
    ) -> str | None:
        if self._residue is None:
            try:
                from provlint.plugins.scrape_residue import classify
            except ImportError:  # pragma: no cover - the check ships with provlint
                self._residue = []
            else:
                self._residue = (
                    line_kinds()
                    if line_kinds is not None
                    else classify(self.text.split("\n"), self.text)
                )
        i = self.line_index(offset)
        return self._residue[i] if i < len(self._residue) else None

    def line_role(self, offset: int) -> str | None:
        """What the line holding ``offset`` is, when it is no sentence of
        the text:

        - ``stamp``: a date with at most a name, a time or a few words
          besides (a byline's date, a date line);
        - ``comment``: a stamp beside a comment's chrome ("Reply",
          "Antworten", a line ending "says:"), or ending so itself;
        - ``dates``: three or more dates with a few words each and no past
          verb (an archive widget, a list flattened onto one line);
        - ``record``: three or more labelled fields ("Autor: … Seiten: …
          Erscheinungstermin: …");
        - ``listing``: one of three or more short date-bearing lines
          (stamps, or lines that do not end as sentences do) close
          together: a headline list, a related-posts box, an events
          calendar, a comment thread.

        None for a line of prose, or when no mentions are attached. Only
        ``stamp`` may still be evidence (:func:`date_role`)."""
        if self._roles is None:
            self._roles = self._line_roles() if self.mentions is not None else {}
        return self._roles.get(self.line_index(offset))

    @property
    def body_start(self) -> int:
        """The index of the line where the text's prose begins: the first
        line of at least 150 characters that ends as a sentence does (or is
        longer than a stamp's line can be). What comes before it is the
        page's head: title, byline, date line."""
        if self._body is None:
            text, found = self.text, len(self.starts)
            for i in range(len(self.starts)):
                a, b = self.line_span(i)
                if b - a >= _BODY_LINE and (
                    b - a > _ROLE_LINE or _ENDS_SENTENCE.search(text, max(a, b - 8), b)
                ):
                    found = i
                    break
            self._body = found
        return self._body

    def byline(self, offset: int) -> bool:
        """Whether the line holding ``offset`` is the byline's date stamp: a
        ``stamp`` line at most three lines before :attr:`body_start` (a
        date shown on every page, above the headline or in the masthead,
        stands further from the article), or one labelled as the
        publication's date above the body."""
        i = self.line_index(offset)
        if self.line_role(offset) != "stamp" or i >= self.body_start:
            return False
        return self.body_start - i <= _BYLINE_GAP or self.published(i)

    def _line_roles(self) -> dict[int, str]:
        text = self.text
        by_line: dict[int, list[Mention]] = {}
        for m in self.mentions or ():
            if m.kind in DATED_KINDS:
                by_line.setdefault(self.line_index(m.start), []).append(m)
        roles: dict[int, str] = {}
        listish: list[int] = []
        for i in sorted(by_line):
            a, b = self.line_span(i)
            mentions = by_line[i]
            n = len(mentions)
            line = text[a:b].strip()
            words: list[str] = []
            if n >= 3 or len(line) <= _STAMP_LINE:
                parts, pos = [], a
                for m in mentions:
                    parts.append(text[pos : m.start])
                    pos = max(pos, m.end)
                parts.append(text[pos:b])
                rest = " ".join(parts)
                words = _REST_WORD.findall(_REST_NOISE.sub(" ", rest))
            if (
                n >= 3
                and len(words) <= _WORDS_PER_DATE * n
                and not (_SENTENCE_BREAK.search(line) or _PAST.search(rest))
            ) or (n >= 2 and len(_GLUED_DATE.findall(line)) >= 2):
                roles[i] = "dates"
                continue
            seps = sum(map(line.count, _MENU_SEPARATORS))
            if seps >= 3 and seps * _MENU_CHARS >= len(line):
                roles[i] = "menu"
                continue
            if b - a > _ROLE_LINE:
                continue  # a paragraph
            end = max(0, len(line) - 40)
            if _reply_end(line, end):
                roles[i] = "comment"
            elif (
                len(line) <= _STAMP_LINE
                and len(words) <= _STAMP_WORDS
                and not (_PAST.search(rest) or _FORWARD.search(rest) or _PRESENT.search(rest))
            ):
                comment = i > self.comments_start or self._beside_comment(i)
                roles[i] = "comment" if comment else "stamp"
            elif line.count(":") >= 3 and len({f.lower() for f in _FIELD.findall(line)}) >= 3:
                roles[i] = "record"
            if i in roles or (
                len(line) <= _TITLE_LINE and not _ENDS_SENTENCE.search(line, max(0, len(line) - 8))
            ):
                listish.append(i)
        _mark_runs(roles, listish, _RUN_GAP, _RUN_MIN)
        # After the body, two stamps near each other are a comment thread or
        # a teaser list (a furniture word, "Updated", does not count).
        body = self.body_start
        stamps = sorted(i for i, r in roles.items() if r == "stamp" and i > body)
        stamps = [i for i in stamps if not self.is_furniture_line(self.starts[i])]
        _mark_runs(roles, stamps, _STAMP_GAP, 2)
        if body < len(self.starts):
            # Above the body and away from it: a date every page shows (today's,
            # in a masthead, an archive's capture date), not the article's,
            # unless its label says it is the publication's.
            for i, r in roles.items():
                if r == "stamp" and body - i > _BYLINE_GAP and not self.published(i):
                    roles[i] = "masthead"
        return roles

    def published(self, i: int) -> bool:
        """Whether line ``i`` labels its date as the publication's
        ("Published", "Veröffentlicht", "Publié le")."""
        a, b = self.line_span(i)
        return _PUBLISHED.search(self.text, a, min(b, a + 80)) is not None

    @property
    def comments_start(self) -> int:
        """The index of the line that opens a comment section after the
        body ("12 Kommentare", "Leave a Reply", "3 responses to …"), or the
        number of lines when there is none."""
        if self._comments is None:
            found = len(self.starts)
            m = _COMMENTS_HEAD.search(self.text, self.starts[min(self.body_start, found - 1)])
            if m is not None:
                found = self.line_index(m.start())
            self._comments = found
        return self._comments

    def _beside_comment(self, i: int) -> bool:
        """Whether a line among the three either side of line ``i`` is a
        comment's or a widget's chrome: "Reply", "Antworten", a name ending
        "says:", a post number ("#15"), a calendar's weekday row ("M D M D
        F S S")."""

        def chrome(a: int, b: int) -> bool:
            if b - a > 60:
                return False
            line = self.text[a:b].strip()
            return bool(line) and bool(
                _COMMENT_LINE.fullmatch(line)
                or _reply_end(line)
                or _REPLY_SUBJECT.match(line)
                or _POST_NUMBER.fullmatch(line)
                or _WEEKDAY_ROW.fullmatch(line)
            )

        size = len(self.starts)
        return any(
            self._fact("chrome", j, chrome) for j in range(i - 3, i + 4) if j != i and 0 <= j < size
        )


@functools.lru_cache(maxsize=1)
def _byline_kind() -> str | None:
    """scrape-residue's kind for a byline (None when it is not installed)."""
    try:
        from provlint.plugins.scrape_residue import BYLINE
    except ImportError:  # pragma: no cover - the check ships with provlint
        return None
    return BYLINE


# The author's name on a byline: two or three capitalised words after "By".
_AUTHOR = lazy_compile(
    r"\W*(?:by|von|par|por|di|door)\s+"
    r"((?-i:[A-ZÀ-Ý])[\w'’.-]+(?:[ \t]+(?-i:[A-ZÀ-Ý])[\w'’.-]+){1,2})",
    re.IGNORECASE,
)
_BIO_LINE = 80
"""A biography is a paragraph of at least this many characters."""


@functools.lru_cache(maxsize=1)
def _own_kinds() -> frozenset[str]:
    """scrape-residue's kinds for lines that describe the page's own
    article (none when that check is not installed)."""
    try:
        from provlint.plugins.scrape_residue import OWN
    except ImportError:  # pragma: no cover - the check ships with provlint
        return frozenset()
    return OWN


def _mark_runs(roles: dict[int, str], lines: list[int], gap: int, least: int) -> None:
    """``least`` or more of ``lines`` (sorted), each at most ``gap`` lines
    from the one before: a listing. Their stamps become ``listing``."""
    run: list[int] = []
    for i in [*lines, -1]:
        if run and (i < 0 or i - run[-1] > gap):
            if len(run) >= least:
                for j in run:
                    if roles.get(j, "stamp") == "stamp":
                        roles[j] = "listing"
            run = []
        run.append(i)


_NONSPACE = re.compile(r"\S")
_FENCE = lazy_compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)
DATED_KINDS = frozenset({"iso", "datetime", "dotted", "numeric", "month-day", "full", "month-year"})
"""The kinds of :class:`Mention` that name a calendar date (or month)."""
_ROLE_LINE = 600  # a longer line is a paragraph: never a stamp or a listing
_TITLE_LINE = 300  # a line up to this long that does not end as a sentence is title-like
_BODY_LINE = 150
_BYLINE_GAP = 3
_STAMP_WORDS = 5  # words beside its dates, times and numbers that a stamp may hold
_STAMP_LINE = 160  # the longest line that can be a stamp
_WORDS_PER_DATE = 8
_RUN_GAP = 6  # lines from one date-bearing title-like line to the next in a listing
_RUN_MIN = 3
_STAMP_GAP = 20  # lines from one stamp to the next in a comment thread or a teaser list
_REST_NOISE = lazy_compile(
    r"(?:https?://|www\.)\S+"
    r"|\b\d{1,2}[:.h]\d\d(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?|uhr|h)?(?!\w)"
    r"|[\d_]+",
    re.IGNORECASE,
)
_REST_WORD = lazy_compile(r"[^\W\d_][\w'’.-]*")
_ENDS_SENTENCE = lazy_compile(r"[.!?…:;][\"'”’»)\]]*\s*$")
_SENTENCE_BREAK = lazy_compile(r"[a-zà-ÿ]{2}[.!?]\s+[A-ZÀ-Ý]")
_REPLY_END = _words("reply", before=r"(?=\w)", after=r"\s*:\s*$")


def _reply_end(line: str, pos: int = 0) -> bool:
    """Whether the stripped ``line`` ends with a comment word and a colon
    ("Reply:", "Alex says:"), looked for from ``pos``. Such a line ends
    with its colon: most lines are told by their last character without
    trying the pattern."""
    return line.endswith(":") and _REPLY_END.search(line, pos) is not None


# A date glued to the word before it ("Handysucht?09.02.2020"): blocks of a
# list flattened onto one line.
# The pattern starts with the day's first digit and looks behind it from
# there, so that the engine skips to digits: the matches are those of
# (?<=[^\s\d(\[„“"'/.,-])\d{1,2}\.\d{1,2}\.(?:19|20)\d\d.
_GLUED_DATE = lazy_compile(r"\d(?<=[^\s\d(\[„“\"'/.,-]\d)\d?\.\d{1,2}\.(?:19|20)\d\d")
_COMMENTS_HEAD = lazy_compile(
    r"^[ \t]*(?:\d+[ \t]+(?:comments?|kommentare?|responses?|replies|antworten|commentaires?"
    r"|comentarios?|réponses?)\b|(?:comments?|kommentare|commentaires|comentarios)[ \t]*:?[ \t]*$"
    r"|(?:leave a (?:comment|reply)|schreibe einen kommentar|hinterlasse einen kommentar"
    r"|laisser un commentaire|deja un comentario|kommentar schreiben|join the discussion"
    r"|discussion|diskussion))",
    re.IGNORECASE | re.MULTILINE,
)
_REPLY_SUBJECT = lazy_compile(r"(?:re|aw|antw|rép|resp)\s*:", re.IGNORECASE)
_MENU_SEPARATORS = "|•·»›"
_MENU_CHARS = 30  # a separator every this many characters makes a line a menu
_PUBLISHED = _words("published")
_POST_NUMBER = lazy_compile(r"#\d{1,6}")
_WEEKDAY_ROW = lazy_compile(r"(?:[^\W\d_]{1,2}\s+){6}[^\W\d_]{1,2}")
_COMMENT_LINE = lazy_compile(
    r"(?:\W*(?:" + _alternation("comment") + r")\b){1,4}\W*", re.IGNORECASE
)
_FIELD = lazy_compile(r"(?:^|\s)[A-ZÀ-Ý][\w-]{1,30}:\s")
# A dateline's place: _DATELINE matches at most 73 non-space characters,
# then comes the comma.
_DATELINE_SOLID = re.compile(r"(?:\s*\S){75}")
_STANDALONE_REST = 12
_STANDALONE_PUNCT = " ,.-–—|·:()"
_NOT_SOLID = re.compile(r"[\s" + re.escape(_STANDALONE_PUNCT) + "]+")


def _solid(text: str, a: int = 0, b: int | None = None) -> int:
    """Characters of ``text[a:b]`` that are neither white space nor in
    :data:`_STANDALONE_PUNCT`."""
    return len(_NOT_SOLID.sub("", text[a:b]))


def _mk(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month(name: str) -> int | None:
    return _MONTHS.get(name.lower().rstrip("."))


def extract(
    text: str, line_offset: int = 0, limit: int | None = None, index: TextIndex | None = None
) -> list[Mention]:
    """Every date mention in ``text``, in order, overlapping matches
    resolved in favour of the longer one. Line numbers start at
    ``line_offset + 1``. ``limit`` bounds how many characters are read.
    ``index`` is the text's :class:`TextIndex` when the caller keeps one."""
    if limit is not None and len(text) > limit:
        text = text[:limit]
    lines = index if index is not None and index.text is text else TextIndex(text)
    found: list[Mention] = []

    def add(start: int, end: int, kind: str, **kw: object) -> None:
        line, col = lines.locate(start)
        found.append(
            Mention(start, end, line + line_offset, col, text[start:end], kind, **kw)  # type: ignore[arg-type]
        )

    def weekday_before(pos: int) -> tuple[int, int | None]:
        # The weekday, its "." or "," or a "the" ends just before the white
        # space that ends just before the date: look no further otherwise.
        window = text[max(0, pos - 20) : pos]
        kept = window.rstrip()
        if len(kept) == len(window) or not kept or not (kept[-1].isalpha() or kept[-1] in ".,"):
            return pos, None
        w = _WD_BEFORE.search(text, max(0, pos - 20), pos)
        if w is None:
            return pos, None
        return w.start(), _WEEKDAY_NUM[w["wd"].lower()]

    size = len(text)
    for n in _number_anchors(text):
        p, e = n.span()
        prev = text[p - 1] if p else " "
        if prev in "-/.:" or prev.isalpha():
            continue
        after = text[e] if e < size else " "
        digits = e - p
        # Only a 4-digit year followed by - or /, or a 1-2 digit day, month
        # or hour can start a date: skip the rest without trying patterns.
        if digits == 4:
            if after not in "-/":
                continue
        elif digits > 2 or after in ",;)%":
            continue
        m = _ISO.match(text, p) or _DOTTED.match(text, p)
        if m:
            y, mo, d = int(m["year"]), int(m["mon"]), int(m["day"])
            when = _mk(y, mo, d)
            if when:
                kind = "datetime" if m["hh"] else ("iso" if m.re is _ISO else "dotted")
                add(p, m.end(), kind, year=y, month=mo, day=d, candidates=(when,))
            continue
        m = _SLASH.match(text, p)
        if m:
            a, b, y = int(m["a"]), int(m["b"]), int(m["year"])
            cands = tuple(sorted({c for c in (_mk(y, a, b), _mk(y, b, a)) if c}))
            if cands:
                add(p, m.end(), "numeric", year=y, candidates=cands)
            continue
        m = _DMY.match(text, p)
        if m:
            _month_mention(add, m, *weekday_before(p))

    low = text.lower()
    if len(low) != len(text):  # a few letters (İ) change length when lowered
        low = text.replace("\u0130", "I").lower()
        if len(low) != len(text):
            low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    for w in _word_anchors(low):
        p, end = w.span(1)
        word = w.group(1)
        if word in _MONTHS:
            m = _MDY.match(text, p)
            if m and not m["year"] and _DAY_BEFORE.search(text, max(0, p - 12), p):
                continue  # "15 JAN 20": the day came first, and is no date
            if m:
                _month_mention(add, m, *weekday_before(p))
                continue
            m = _MY.match(text, p)
            if m:
                add(p, m.end(), "month-year", year=int(m["year"]), month=_month(m["mon"]))
            continue
        if word in WEEKDAYS or word in _RELATIVE_DAYS:
            # "Tuesday (tomorrow)" or "tomorrow, Tuesday"; else the word alone.
            m = (_WD_REL if word in WEEKDAYS else _REL_WD).match(text, p)
            if m:
                add(
                    p,
                    m.end(),
                    "relative-weekday",
                    weekday=_WEEKDAY_NUM[m["wd"].lower()],
                    offset=_RELATIVE_DAYS[m["rel"].lower()],
                )
            elif word in WEEKDAYS:
                add(p, end, "weekday", weekday=_WEEKDAY_NUM[word])
            else:
                add(p, end, "relative", offset=_RELATIVE_DAYS[word])
            continue
        if word in _UNIT_WORDS:
            m = _REL_UNIT.match(text, p)
            if m:
                add(p, m.end(), "relative", offset=None)
    return _prefer_longest(found)


def _month_mention(add: Any, m: re.Match[str], start: int, weekday: int | None) -> None:
    mo = _month(m["mon"])
    if mo is None:
        return
    d = int(m["day"])
    if m["year"]:
        y = int(m["year"])
        when = _mk(y, mo, d)
        if when:
            add(
                start, m.end(), "full", year=y, month=mo, day=d, weekday=weekday, candidates=(when,)
            )
    elif 1 <= d <= 31 and _mk(2000, mo, d):  # 2000 is a leap year
        add(start, m.end(), "month-day", month=mo, day=d, weekday=weekday)


def _prefer_longest(found: list[Mention]) -> list[Mention]:
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    out: list[Mention] = []
    last_end = -1
    for m in found:
        if m.start >= last_end:
            out.append(m)
            last_end = m.end
    return out


# --------------------------------------------------------------------------
# Resolution rules
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def nearest_year(month: int, day: int, anchor: date, weekday: int | None = None) -> date | None:
    """Resolve a month-day without a year: the nearest such date to
    ``anchor``. With a weekday, only years where the pair exists count
    (searched up to 6 years either side); None when none does."""
    best: date | None = None
    for y in range(anchor.year - 6, anchor.year + 7):
        cand = _mk(y, month, day)
        if cand is None or (weekday is not None and cand.weekday() != weekday):
            continue
        if best is None or abs((cand - anchor).days) < abs((best - anchor).days):
            best = cand
    if weekday is None and best is not None and abs((best - anchor).days) > 190:
        return None  # only reachable for 29 February
    return best


def last_weekday(weekday: int, anchor: date) -> date:
    """A bare weekday: the most recent such day on or before ``anchor``."""
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


# --------------------------------------------------------------------------
# Context: tense, forward references, page furniture
# --------------------------------------------------------------------------

_SENT_END = re.compile(r"[.!?;]\s|\n\s*\n|\n(?=\s*[-*•>])")


# The tense and furniture patterns start with a lookahead for a word
# character (or the apostrophe of "'ll"), which every alternative begins
# with: the engine then skips word ends at once instead of trying every
# alternative there.
_FORWARD = _words("forward", before=r"\b(?=[\w'’])")
_PAST = _words("past")
_FURNITURE = lazy_compile(
    r"\b(?=\w)(?:" + _alternation("furniture") + r")\b|©|\(c\)", re.IGNORECASE
)
_FURNITURE_LINE = 160
_SHORT_LINE = 80
# A link list or feed entry: "Some headline - October 10, 2020", "… | 3 Nov 2023".
_LISTING = re.compile(
    r"(?:\s(?:-|–|—|\|)|:)\s*(?:\w+,?\s+)?(?:\d{1,2}\.?\s+)?[A-Za-zäé]+\.?\s+\d{1,4},?(?:\s+\d{4})?\s*$"
)


# How far around a mention the clause rules look: beyond this the words are
# another clause's, and a bound keeps each mention's cost independent of the
# length of its line.
CLAUSE_WINDOW = 400
_CLAUSE_SEPS = (". ", "? ", "! ", "; ")
_BREAK_CHAR = re.compile(r"[.!?;\n]")


def _index(text: str, index: TextIndex | None) -> TextIndex:
    return index if index is not None and index.text is text else TextIndex(text)


def sentence(
    text: str,
    start: int,
    end: int,
    index: TextIndex | None = None,
    window: int | None = None,
) -> tuple[int, int]:
    """Span of the sentence (or clause) around ``text[start:end]``.

    With ``window``, the span is cut to at most ``window`` characters either
    side of the mention and nothing further away is read: the result is
    ``(max(a, start - window), min(b, end + window))`` for the unbounded
    span ``(a, b)``. Pass the text's ``index`` when asking for many
    mentions, so that line starts are found once."""
    ix = _index(text, index)
    size = len(text)
    lo = 0 if window is None else max(0, start - window)
    hi = size if window is None else min(size, end + window)
    left = max(ix.line_start(start), lo)
    bound = left
    for sep in _CLAUSE_SEPS:
        j = text.rfind(sep, bound, start)
        while j >= 0 and sep == ". " and not full_stop(text, j):
            j = text.rfind(sep, bound, j)
        if j >= 0 and j + 1 > left:
            left = j + 1
    # The first clause end at or after the mention's last character (a
    # mention may end with "1."): as _SENT_END.search would find it, but
    # deciding each newline from the line after it, once per line.
    for m in _BREAK_CHAR.finditer(text, max(start, end - 1), hi):
        p = m.start()
        if text[p] == "\n":
            if ix.ends_clause(ix.line_index(p + 1)):
                return left, p + 1
        elif _SENT_END.match(text, p) and (text[p] != "." or full_stop(text, p)):
            return left, p + 1
    return left, hi


_ABBREVIATIONS = frozenset(
    """mr mrs ms dr st nr no prof gen sen rep gov lt col sgt jr sr co inc corp ltd vs ca bzw
    jan feb mar apr jun jul aug sep sept oct nov dec janv févr avr juil déc""".split()
)


_NEXT_WORD = lazy_compile(r"\s{1,3}(\w{3,12})")


def full_stop(text: str, p: int) -> bool:
    """Whether the full stop at ``p`` ends a sentence: not after the day
    of a date ("am 1. Juli"), an initial ("U.S.") or an abbreviation
    ("Feb.", "Dr.", "Nr.")."""
    k = p
    while k > 0 and p - k < 6 and text[k - 1].isalnum():
        k -= 1
    token = text[k:p]
    if not token or (p - k >= 6 and k > 0 and text[k - 1].isalnum()):
        return True
    if token.isdigit():
        if len(token) > 2:
            return True
        word = _NEXT_WORD.match(text, p + 1)
        return word is None or _month(word.group(1)) is None
    if len(token) == 1:
        return not token.isupper()
    return token.lower() not in _ABBREVIATIONS


def line_text(text: str, start: int, index: TextIndex | None = None) -> str:
    """The line holding ``start``, without its newline."""
    ix = _index(text, index)
    a, b = ix.line_span(ix.line_index(start))
    return text[a:b]


def is_furniture(text: str, start: int, index: TextIndex | None = None) -> bool:
    """True when the line holding ``start`` looks like page furniture:
    forum user data, edit stamps, copyright, comment chrome. In a long line
    (a paragraph) only the words just before the date count. Pass the
    text's ``index`` when asking for many mentions: each line is then
    classified once."""
    ix = _index(text, index)
    if ix.is_furniture_line(start):
        return True
    # In a sentence, only the words just before the date count (same line).
    line_start = ix.line_start(start)
    return _FURNITURE.search(text, max(line_start, start - 40), start) is not None


def is_forward(clause: str, skip: tuple[int, int] | None = None) -> bool:
    """True when the clause looks forward. ``skip`` is the mention's span in
    the clause, left out so that the month "May" is not the verb "may"."""
    if skip is not None:
        clause = clause[: skip[0]] + " " * (skip[1] - skip[0]) + clause[skip[1] :]
    return _FORWARD.search(clause) is not None


_PRESENT = _words("present")


def has_present(clause: str) -> bool:
    return _PRESENT.search(clause) is not None


def is_past(clause: str, at: int | None = None) -> bool:
    """True when the clause reports the past. With ``at`` (the mention's
    offset in the clause), the tense marker nearest to it decides, so
    "her last day is April 1" is present even if a past verb is further
    away."""
    past = [m.start() for m in _PAST.finditer(clause)]
    if not past:
        return False
    if at is None:
        return True
    present = [m.start() for m in _PRESENT.finditer(clause)]
    if not present:
        return True
    return min(abs(p - at) for p in past) < min(abs(p - at) for p in present)


# --------------------------------------------------------------------------
# What a date refers to: its line, the words around it, its year
# --------------------------------------------------------------------------

_QUOTED_POST = lazy_compile(r"\(@\w{1,30}\)[^()\n]{0,24}$")


def quoted_post(text: str, mention: Mention) -> bool:
    """Whether ``mention`` is the date of a quoted social-media post, after
    its author's handle: "— Ann Lee (@annlee) March 16, 2020"."""
    return _QUOTED_POST.search(text, max(0, mention.start - 40), mention.start) is not None


def date_role(
    text: str, mention: Mention, index: TextIndex | None = None, residue: bool = True
) -> str | None:
    """Why ``mention`` is no claim of the text about its own time, or None
    when it may be one: its line's role (:meth:`TextIndex.line_role`:
    ``comment``, ``dates``, ``menu``, ``record``, ``listing`` or
    ``masthead``; a ``stamp`` may be evidence), or ``residue`` (a line
    scrape-residue's classifier takes for page furniture; left out with
    ``residue=False``, as it classifies the whole text on first use). A
    quoted post's date ("— Ann Lee (@annlee) March 16, 2020") always may
    be. Pass the text's ``index`` with the mentions attached
    (:func:`body_mentions` does)."""
    ix = _index(text, index)
    if quoted_post(text, mention):
        return None
    role = ix.line_role(mention.start)
    if role and role != "stamp":
        return role
    if residue and ix.residue_kind(mention.start):
        return "residue"
    return None


_BEFORE_FORWARD = _words("before", after=r"\s+(?:the\s+|le\s+|la\s+|den\s+|dem\s+|el\s+|l['’])?$")


_SINCE_BEFORE = _words("since", after=r"\s+(?:the\s+|le\s+|la\s+|den\s+|dem\s+|el\s+|l['’])?$")


def looks_back(text: str, mention: Mention, clause_start: int = 0) -> bool:
    """Whether the word just before ``mention`` puts it in the past: "since
    March 2020", "seit dem 1. Januar 2022", "depuis le 3 mai"."""
    lo = max(clause_start, mention.start - 20)
    return _SINCE_BEFORE.search(text, lo, mention.start) is not None


def looks_ahead(text: str, mention: Mention, clause_start: int = 0) -> bool:
    """Whether the words just before ``mention`` make it a limit or a
    target rather than the time of an event: "through March 2022", "for
    February 26", "before the 5 May", "verlegt auf Januar 2024"."""
    lo = max(clause_start, mention.start - 40)
    return _BEFORE_FORWARD.search(text, lo, mention.start) is not None


_DETERMINER_BEFORE = lazy_compile(r"\b(?:the|a|an|its|his|her|their|our|this|that)\s+$", re.I)
_WORD_AFTER = lazy_compile(r"\s+([a-z][a-z'’-]*)")
_NOT_A_NOUN = frozenset(
    """and or to through at in on of was were is are will would had has have by for from
    with as when until till after before the a an he she they we it this that there but if
    than""".split()
)


def attributive(text: str, mention: Mention) -> bool:
    """Whether a date without a year names an event as an adjective does:
    "the January 6 attack", "a March 21 phone call", "its May 5 deadline".
    Such a name is read in any year, so it says nothing about the date."""
    if _DETERMINER_BEFORE.search(text, max(0, mention.start - 8), mention.start) is None:
        return False
    w = _WORD_AFTER.match(text, mention.end)
    return w is not None and w.group(1) not in _NOT_A_NOUN


_EVENT_BEFORE = lazy_compile(
    r"\b(?:at|for|before|ahead of|during)\s+the\s+(?:[\w'’.-]+\s+){0,3}(?:on\s+)?$", re.I
)


def event_reference(text: str, mention: Mention, clause_start: int) -> bool:
    """Whether a date without a year belongs to an event named before it
    ("contenders at the Oscars on Feb. 9", "at the annual meeting April
    23") with no past verb before that: the clause's verb then tells
    about something else, not when that event happened."""
    w = _EVENT_BEFORE.search(text, max(clause_start, mention.start - 60), mention.start)
    if w is None:
        return False
    return _PAST.search(text, clause_start, w.start()) is None


_YEAR_BEFORE = _words("year-before")
_YEAR_SAME = _words("year-same")
_LONG_AGO = _words("long-ago")
_BARE_YEAR = lazy_compile(
    r"\b(?:in|im|en|of|since|seit|depuis|desde|year|jahr|année|año|early|late|mid)\s+"
    r"((?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_BARE_MONTH = lazy_compile(
    r"\b(?:in|im|en|since|seit|depuis|desde|early|late|mid-?|end of|ende|anfang|mitte|début|fin)"
    rf"\s+(?P<mon>{_MONTH_ALT})\b(?!\.?\s*\d)",
    re.IGNORECASE,
)


def context_date(
    before: str,
    after: str,
    month: int,
    day: int,
    when: date,
    past: bool,
    years: tuple[int, ...] = (),
) -> tuple[date, str] | None:
    """The date a month-day without a year has by the words of its clause,
    with the reason, or None when they say nothing. ``before`` and
    ``after`` are the clause's text on either side of the mention.

    Anywhere in the clause, long ago ("a century ago", "vor Jahren") puts
    it on or before ``when``; "last year" in ``when``'s year before, "this
    year" in ``when``'s. Before it, a single year named ("In 2005, …", or
    the year of an earlier date there, passed in ``years``) puts it in that
    year; and in a past clause, a month named alone ("arrested in April for
    a March 21 call") in the same year as that month, the latest such
    month on or before ``when``. A year or month after the date is often
    another event's ("… on December 1, to renew the view that the events
    of 2014 …") and is not read."""
    clause = before + " " + after
    if _LONG_AGO.search(clause):
        got = _mk(when.year, month, day)
        if got is None or got > when:
            got = _mk(when.year - 1, month, day)
        return (got, "long before the writing") if got else None
    if _YEAR_BEFORE.search(clause):
        got = _mk(when.year - 1, month, day)
        return (got, "the year before") if got else None
    if _YEAR_SAME.search(clause):
        got = _mk(when.year, month, day)
        return (got, "this year") if got else None
    named = set(years) | {int(y) for y in _BARE_YEAR.findall(before)}
    if len(named) == 1:
        (year,) = named
        got = _mk(year, month, day)
        return (got, f"the year {year} in its sentence") if got else None
    if past:
        for bm in _BARE_MONTH.finditer(before):
            ref = _month(bm.group("mon"))
            if ref is None or month > ref:
                continue
            year = when.year if ref <= when.month else when.year - 1
            got = _mk(year, month, day)
            if got:
                return got, f"before {bm.group('mon')}"
    return None


# --------------------------------------------------------------------------
# Dates in URLs, datelines, inferred dates
# --------------------------------------------------------------------------

# A day ends at "/", at the end of the path (or its query, fragment or file
# extension), or at "-" or "_" before a word that is not counted by it: the
# digits of "/2019/11/5g-rollout" or "/2023/10/3-fragen-an-…" are no day.
_URL_YMD = re.compile(
    r"(?<![\d])((?:19|20)\d\d)([/_-])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?=[/_.?#-]|$)"
)
_URL_COMPACT = re.compile(
    r"(?<=[/_-])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=[/_.?#-]|$)"
)
_URL_YM = re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])/")
_URL_WORD = lazy_compile(r"[-_]([^\W\d_][\w%]*)")
_COUNT_WORDS = frozenset(entry.lower() for entries in WORDS["count"].values() for entry in entries)


def _counts(path: str, end: int, day: str) -> bool:
    """Whether the day that ends at ``end`` is a number counting the word
    after it ("3-fragen", "10-things-to-know"). A day written with a
    leading zero is always a day."""
    if day.startswith("0"):
        return False
    w = _URL_WORD.match(path, end)
    if w is None:
        return False
    word = w.group(1).lower()
    if "%" in word:  # a percent-encoded letter: the word as far as it goes
        word = word.split("%", 1)[0]
    return word in _COUNT_WORDS


@dataclass(frozen=True)
class UrlDate:
    """A date read from a URL. ``precision`` is ``day`` or ``month``
    (``/2021/12/``: any day of that month)."""

    when: date
    precision: str
    text: str


def url_date(url: str) -> UrlDate | None:
    """The date a URL's path carries: ``/2021/12/05/``, ``/20211205/``,
    ``2021-12-05`` in a slug, or ``/2021/12/`` (month precision). A day
    must end the path or its segment, or come before a word it does not
    count (see :func:`_counts`)."""
    start = url.find("://")
    path = url[url.find("/", start + 3) :] if start >= 0 else url
    if not path or (path == url and start >= 0):
        return None
    for m in _URL_YMD.finditer(path):
        when = _mk(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if when and not _counts(path, m.end(), m.group(4)):
            return UrlDate(when, "day", m.group(0))
    for m in _URL_COMPACT.finditer(path):
        when = _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if when and not _counts(path, m.end(), m.group(3)):
            return UrlDate(when, "day", m.group(0))
    month = _URL_YM.search(path)
    if month:
        when = _mk(int(month.group(1)), int(month.group(2)), 1)
        if when:
            return UrlDate(when, "month", month.group(0))
    return None


_DATELINE = re.compile(r"^\s*[A-ZÀ-Ý][A-Za-zÀ-ÿ.'’\- ]{1,40}(?:,\s*[A-Za-zÀ-ÿ.'’ ]{2,30})?,?\s*$")
_AFTER_DATELINE = re.compile(r"\s*(?:\((?:[A-Za-z][\w .&'-]{1,30})\)\s*)?[-–—]")


def is_dateline(text: str, mention: Mention, index: TextIndex | None = None) -> bool:
    """A news dateline: ``CAPE CANAVERAL, Nov 16 (Reuters) -`` at the start
    of a line (the place, the date, an optional agency, then a dash)."""
    ix = _index(text, index)
    if mention.start >= ix.dateline_reach(mention.start):
        return False  # too much text before it on its line for a place name
    a = ix.line_start(mention.start)
    before = text[a : mention.start]
    if not before.strip() or not before.rstrip().endswith(","):
        return False
    if not _DATELINE.match(before.rstrip()[:-1]):
        return False
    return _AFTER_DATELINE.match(text, mention.end) is not None


def standalone_date(
    text: str, mentions: list[Mention], max_line: int = 12, index: TextIndex | None = None
) -> Mention | None:
    """A complete date standing alone on one of the first lines (as a forum
    thread or blog post shows its date), not in page furniture."""
    ix = _index(text, index)
    for m in mentions:
        if m.line > max_line:
            break
        if m.date is None or m.kind not in ("full", "iso", "dotted", "datetime"):
            continue
        # What is left of the line once the date and punctuation are gone
        # holds at least the line's other solid characters: count them
        # (once per line) before copying the line.
        if ix.solid_chars(m.start) - _solid(m.text) > _STANDALONE_REST:
            continue
        line = line_text(text, m.start, ix).strip()
        rest = line.replace(m.text, "", 1).strip(_STANDALONE_PUNCT)
        if len(rest) <= _STANDALONE_REST and not is_furniture(text, m.start, ix):
            return m
    return None


# A quoted value after a key, a colon, "=" or an opening bracket: a date in
# code or JSON ("Timestamp": "2030-08-14 17:43:12"). A key that names the
# publication ("datePublished", "pubDate", "created_at") keeps its date.
_CODE_BEFORE = lazy_compile(r"""(?:["'](?P<key>[^"'\n]{1,40})["']\s*:|[:=,\[({])\s*["']$""")
_PUBLICATION_KEY = lazy_compile(r"publish|pub_?date|created|upload|issued", re.IGNORECASE)


def in_code(text: str, mention: Mention, index: TextIndex | None = None) -> bool:
    """Whether ``mention`` is code rather than text: inside a fenced code
    block, or a quoted value in a key/value shape (JSON, a program's
    literal), unless its key names the publication. Such dates are no
    evidence about the document."""
    ix = _index(text, index)
    start, end = mention.start, mention.end
    if 0 < start and end < len(text) and text[start - 1] in "\"'" and text[end] == text[start - 1]:
        w = _CODE_BEFORE.search(text, max(0, start - 48), start)
        if w is not None:
            key = w.group("key")
            return not (key and _PUBLICATION_KEY.search(key))
    return ix.in_fence(start)


MAX_SCAN_CHARS = 200_000


def body_mentions(doc: object) -> tuple[str, list[Mention]]:
    """The body of a :class:`~provlint.model.Document` and its mentions, with
    lines and columns as they are in the file. Computed once per document
    and shared by the date checks."""
    cache = getattr(doc, "cache", None)
    if cache is not None and "datetext" in cache:
        return cache["datetext"]  # type: ignore[no-any-return]
    header = getattr(doc, "header", None)
    body: str = getattr(doc, "body", "") or ""
    body = body[:MAX_SCAN_CHARS]
    first_line = header.body_line if header is not None else 1
    first_col = header.body_column if header is not None else 1
    index = TextIndex(body)
    mentions = [
        m
        for m in extract(body, line_offset=first_line - 1, index=index)
        if not in_code(body, m, index)
    ]
    if first_col > 1:
        mentions = [
            Mention(
                m.start,
                m.end,
                m.line,
                m.column + first_col - 1,
                m.text,
                m.kind,
                m.year,
                m.month,
                m.day,
                m.weekday,
                m.offset,
                m.candidates,
            )
            if m.line == first_line
            else m
            for m in mentions
        ]
    index.attach(mentions)
    result = (body, mentions)
    if cache is not None:
        cache["datetext"] = result
        cache["datetext-index"] = index
    return result


def body_index(doc: object) -> TextIndex:
    """The :class:`TextIndex` of the body :func:`body_mentions` returns,
    shared by the date checks like the mentions are: pass it to
    :func:`is_furniture`, :func:`sentence`, :func:`is_dateline`,
    :func:`standalone_date` and :func:`line_text` for every mention."""
    body, _ = body_mentions(doc)
    cache = getattr(doc, "cache", None)
    index = cache.get("datetext-index") if cache is not None else None
    if not isinstance(index, TextIndex) or index.text is not body:
        index = TextIndex(body)
        if cache is not None:
            cache["datetext-index"] = index
    return index


# --------------------------------------------------------------------------
# Quoting evidence in messages
# --------------------------------------------------------------------------

QUOTE_CHARS = 100


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters: its start and its end
    (where a quoted phrase has its date) joined by an ellipsis."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    tail = limit - 1 - head
    return text[:head] + "…" + (text[-tail:] if tail else "")
