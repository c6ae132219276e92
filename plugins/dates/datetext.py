"""Finding dates in text: one module, compiled regular expressions, no
guessing library.

:func:`extract` returns every date-like :class:`Mention` in a text with its
line, column and phrase: ISO dates and date-times, ``dd.mm.yyyy``, US/EU
numeric dates (with the ambiguity kept), English, German, French and Spanish
month names, weekdays, ``today``/``yesterday``/``tomorrow`` and
``last``/``next week``. :func:`context` says whether the sentence around a
mention reports the past, looks forward, or is page furniture. The rules
that turn mentions into findings live in the date checks; this module only
reads.

The text is hostile: one line may hold thousands of dates. The questions
asked about one mention (:func:`sentence`, :func:`is_furniture`,
:func:`is_dateline`, :func:`standalone_date`) take the text's
:class:`TextIndex`, which finds line starts once and classifies each line
once, and read only a window of bounded size around the mention, so that a
whole text costs time linear in its length.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from provlint._lazy import lazy_compile

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
# with a trie-shaped pattern; numbers with \d+. Everything else is matched
# only at those positions, which keeps a 3 KB text to a few hundred µs.
_ANCHOR_WORD = re.compile(
    r"\b" + _trie({*_MONTHS, *_WEEKDAY_NUM, *_REL_WORDS, *_UNIT_WORDS}) + r"\b"
)
_ANCHOR_NUM = re.compile(r"\d+")
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

    __slots__ = ("_fences", "_memo", "_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts: list[int] | None = None
        self._memo: dict[tuple[object, int], Any] = {}
        self._fences: list[int] | None = None

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


_NONSPACE = re.compile(r"\S")
_FENCE = lazy_compile(r"^[ \t]*(?:```|~~~)", re.MULTILINE)
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
    for n in _ANCHOR_NUM.finditer(text):
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
    for w in _ANCHOR_WORD.finditer(low):
        p = w.start()
        word = w.group(0)
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
                add(p, w.end(), "weekday", weekday=_WEEKDAY_NUM[word])
            else:
                add(p, w.end(), "relative", offset=_RELATIVE_DAYS[word])
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
_FORWARD = re.compile(
    r"\b(?=[\w'])(?:will|won't|shall|would|'ll|going to|is to|are to|set to|set for|"
    r"due(?: to| on| by|\s+in)?|"
    r"scheduled|schedule|plans?(?: to)?|planned|planning|expected|expects?|expecting|"
    r"intends?|aims?|hopes?|upcoming|forthcoming|ahead of|next|coming|deadline|until|till|"
    r"by the end|no later than|starting|starts|begins|opens|to be held|into force|"
    r"takes effect|take effect|comes into|"
    r"to take place|may|might|could|should|must|forecast|predicted|projected|"
    r"anticipated|proposed|tentative|pending|postponed to|delayed to|effective|valid|"
    r"available|registration|register|apply|applications?|tickets?|"
    # German: future, and the present tense announcements use
    r"wird|werden|soll|sollen|geplant|bis|ab|zum|findet|finden|kommenden?|nächsten?|"
    r"künftig|voraussichtlich|termin|anmeld\w*|einsendeschluss|frist|gültig|verfügbar|"
    r"tritt|treten|beginnt|startet|öffnet|läuft|dauert|verschoben|vertagt|postponed|"
    r"moved to|rescheduled|"
    # French and Spanish
    r"sera|seront|prévu|prévue|prévus|doit|devra|dès|à partir|jusqu'au|jusqu’au|prochain|"
    r"prochaine|aura lieu|será|serán|prevista|previsto|próximo|próxima|hasta|a partir)\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?=\w)(?:was|were|had|did|said|told|held|met|took place|took|happened|occurred|began|"
    r"ended|came|went|saw|made|gave|left|won|lost|fell|rose|died|killed|arrived|announced|"
    r"reported|released|published|signed|launched|opened|closed|passed|ruled|voted|agreed|"
    r"decided|attended|visited|spoke|wrote|argued|clashed|erupted|hosted|"
    r"ago|earlier|previously|already|recently|"
    r"(?!(?:need|speed|feed|seed|indeed|bed|red|shed|hundred|based|related|limited|united|"
    r"detailed|advanced|interested|expected|scheduled|planned|proposed|anticipated|"
    r"registered|required|needed|supposed|concerned|involved|used)\b)\w{3,}ed|"
    # German, French, Spanish past tenses
    r"war|waren|wurde|wurden|hatte|hatten|fand|fanden|kam|kamen|sagte|erklärte|"
    r"était|étaient|avait|avaient|a eu lieu|ont eu lieu|a été|ont été|"
    r"fue|fueron|había|habían|se celebró)\b",
    re.IGNORECASE,
)
_FURNITURE = re.compile(
    r"\b(?=\w)(?:member since|joined|registered|last edited|last updated|last modified|updated|"
    r"modified|edited|copyright|all rights reserved|accessed|retrieved|archived|"
    r"posted by|posted|reply|replies|replied|quote|report post|permalink|comments?|"
    r"subscribe|newsletter|correction|corrected|clarification|editor's note|"
    r"cookies?|privacy|terms of|log ?in|sign ?up|sign ?in|mitglied seit|dabei seit|"
    r"aktualisiert|zuletzt|mis à jour|actualizado|stand:|letzte änderung)\b|©|\(c\)",
    re.IGNORECASE,
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
    for sep in _CLAUSE_SEPS:
        j = text.rfind(sep, lo, start)
        if j >= 0 and j + 1 > left:
            left = j + 1
    # The first clause end at or after the mention's last character (a
    # mention may end with "1."): as _SENT_END.search would find it, but
    # deciding each newline from the line after it, once per line.
    for m in _BREAK_CHAR.finditer(text, max(start, end - 1), hi):
        p = m.start()
        if text[p] == "\n":
            if ix.breaks_before(ix.line_index(p + 1)):
                return left, p + 1
        elif _SENT_END.match(text, p):
            return left, p + 1
    return left, hi


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


_PRESENT = re.compile(
    r"\b(?=\w)(?:is|are|ends|begins|starts|runs|remains|lasts|falls|closes|opens|takes|expires|"
    r"comes|resumes?|applies|holds|meets?|walk|walks|goes|becomes|"
    r"ist|sind|endet|beginnt|est|sont)\b",
    re.IGNORECASE,
)


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
