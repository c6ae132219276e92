"""Date stamps near the top of a page: the page's own claim about its date.

A *stamp* is a complete date (with its year) on a short line among the
first lines of a text, that the line shows to be the page's date:

- a label before it says so: ``Published: 19 Nov 2019``, ``Veröffentlicht
  am 13. März 2019``, ``Publié le 5 mars 2021`` (role ``published``), or
  that it is a later edit: ``Updated: Nov 20, 2019``, ``Aktualisiert am
  …`` (role ``updated``: the page was published on or before it);
- or it comes with a time or a time zone: ``Nov. 20, 2019 5:52 AM EST``,
  ``12. November 2015 / 13:48``;
- or it stands alone on its line (with at most a weekday, a time and a
  few characters besides): ``July 2, 2018``, ``27/09/2018``;
- or it follows an author: ``By Ann Lee - January 10, 2020``;
- or it starts a post's meta line: ``8 January 2020 · by Ann · in
  Travel``, ``3 May 2019 Leave a comment``.

Where: when the text's first line (a page's title) comes back as a
headline further down, the lines around the headline (five above, ten
below) and the title line; otherwise the first lines. A site's header
above the headline shows the day's date on every page; the article's own
sits by its headline.

What is not a stamp: the date of a reader comment (``Alex on September
17, 2018 at 6:34 am said:``, a name above, a "Reply" below), of a user
(``Member since``), a copyright, a citation, a capture, an event or an
expiry (a future marker: ``Next rehearsal:``, ``available until``), an
embedded post (``(@name)``), code or data (``"Timestamp": …``, a sheet of
``Name: value`` lines), one of a list of dated lines (headlines, an
archive widget), a range's end (``14 - 20 January 2022``), a date after
two paragraphs of text without a label, and a site header's date above
its menu (``Wednesday, 8 July 2020`` over ``Login``).

The words are kept in ``stamp-words.txt`` beside this module, by role and
language. :func:`find_stamps` reads one text; :func:`doc_stamps` reads a
document's body once and keeps the result in the document's cache.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .datetext import (
    Mention,
    TextIndex,
    body_index,
    body_mentions,
    extract,
    has_present,
    is_forward,
    is_past,
)

WORDS_FILE = Path(__file__).with_name("stamp-words.txt")

STAMP_LINES = 25
"""How many lines from the top of the body are searched for stamps."""
STAMP_CHARS = 20_000
"""How many characters from the top of the body are searched."""
STAMP_LINE_CHARS = 160
"""The longest line that can hold a stamp (a byline, not a paragraph)."""
ALONE_REST = 12
"""How many other characters a line may hold for its date to stand alone."""
RUN_WINDOW = 4
LIST_LINE = 100
"""A date is one of a list (of headlines, an archive) when one of the
``RUN_WINDOW`` lines either side of its line holds another date, on a line
of at most ``LIST_LINE`` characters that is not a sentence."""

_COMPLETE = frozenset({"full", "iso", "dotted", "datetime", "numeric"})


@dataclass(frozen=True)
class Stamp:
    """A date stamp: where it is (``line`` and ``column`` in the file,
    ``start`` the offset of its line in the body), its phrase, the dates it
    can mean (two for an ambiguous ``05/03/2021``), its ``role``
    (``published``, ``updated`` or ``plain``) and why it counts
    (``label``, ``time``, ``alone``, ``byline``, ``lead``: it starts a
    meta line, or ``line``: it follows a stamp on its line)."""

    line: int
    column: int
    start: int
    text: str
    candidates: tuple[date, ...]
    role: str
    why: str
    line_text: str

    @property
    def date(self) -> date | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def words() -> dict[str, tuple[str, ...]]:
    """The phrases of ``stamp-words.txt`` by section."""
    out: dict[str, list[str]] = {}
    section = ""
    for raw in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            out.setdefault(section, [])
            continue
        out.setdefault(section, []).append(line.casefold())
    return {k: tuple(v) for k, v in out.items()}


def _alternation(phrases: Iterable[str]) -> str:
    parts = sorted({re.escape(p).replace(r"\ ", r"\s+") for p in phrases}, key=len, reverse=True)
    return "|".join(parts)


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    w = words()
    out = {
        name: re.compile(r"(?<!\w)(?:" + _alternation(w.get(name, ())) + r")(?!\w)", re.IGNORECASE)
        for name in ("published", "updated", "byline", "meta", "comment", "not-a-stamp")
    }
    # An author at the start of the line or of one of its parts: "By Ann
    # Lee, 3 May 2020", "Tips | By Ann Lee | 3 May 2020".
    out["byline-start"] = re.compile(
        r"(?:^|[|·•]|\s[-–—/]\s)[\s,|·•/–—-]*(?:" + _alternation(w.get("byline", ())) + r")(?!\w)",
        re.IGNORECASE,
    )
    return out


# A time of day: 5:52 AM, 13:48, 10h30, 6 pm, 11:14 Uhr.
_TIME = re.compile(
    r"(?<![\d.:])(?:\d{1,2}[:h.]\d\d(?::\d\d)?\s*(?:[ap]\.?\s?m\.?|uhr|h)?|\d{1,2}\s*(?:[ap]\.?m\.?|uhr))"
    r"(?![\w:])",
    re.IGNORECASE,
)
_TIME_BEFORE = re.compile(_TIME.pattern + r"[\s,|/·•–—-]*$", re.IGNORECASE)
_TIME_AFTER = re.compile(
    r"[\s,|/·•–—-]*(?:(?:um|at|à|a las|a la|kl\.?|klo)\s+)?(?:" + _TIME.pattern + ")", re.IGNORECASE
)
_RANGE_NEXT = re.compile(r"\s*[-–—]\s*\d")
_HOURS = re.compile(
    r"(?<![\d.])\d{1,2}(?:[:.]\d\d)?\s*[-–—]\s*\d{1,2}(?:[:.]\d\d)?\s*(?:uhr|h|[ap]\.?m\.?)(?!\w)",
    re.IGNORECASE,
)
_ZONE = re.compile(
    r"(?<![\w])(?:[ECMP][SD]T|GMT|UTC|CES?T|MES?Z|BST|IST|JST|KST|HKT|SGT|AE[SD]T|MSK|Z)(?![\w])"
    r"|(?<![\w])(?:GMT|UTC)?[+-]\d\d:?\d\d(?!\d)"
)
_ZONE_AFTER = re.compile(r"[\s,|]*(?:" + _ZONE.pattern + ")")
_WEEKDAY = re.compile(
    r"(?<![\w])(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"mon|tues?|wed|thu(?:rs?)?|fri|sat|sun|"
    r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"lunes|martes|miércoles|jueves|viernes|sábado|domingo|"
    r"mo|di|mi|do|fr|sa|so)\.?(?![\w])",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"(?<![\w])(?:on|at|the|am|um|den|dem|le|à|el|de|del|a las|à|h|uhr|de la)(?![\w])",
    re.IGNORECASE,
)
_NOT_SOLID = re.compile(r"[\s,.\-–—|·•:;/()\[\]*]+")
_SEPARATOR = re.compile(r"\s[|·•]\s|\s//?\s|\s[-–—]\s|\|")
_LEADING_SEPARATOR = re.compile(r"\s*(?:[|·•/–—-]|//)")
# "1 February 2022, Ann Lee": a short name after a comma, not a clause.
_COMMA_TAIL = re.compile(r"\s*,\s*[^.,;:!?]{2,40}$")
# The end of a range before a date: "14. - 20. Januar 2022", "3 to 5 May 2020".
_RANGE_START = re.compile(r"\d{1,2}\.?\s*(?:[-–—]|to|bis|au|al)\s*$", re.IGNORECASE)
# Naive scrapers glue neighbouring elements: "Posted on28. Juli 201928. Juli 2019Author".
_GLUE = re.compile(
    r"(?<=[^\W\d_])(?<![0-9]T)(?=\d)"
    r"|(?<=\d{4})(?=[^\W\d_])"
    r"|(?<=(?:19|20)\d\d)(?=\d{1,2}(?:\.\s*\d{1,2}\.|\.?\s*[^\W\d_]{3}))"
    r"|(?<=[+-]\d\d:\d\d)(?=\d)"
)


def _unglue(line: str) -> tuple[str, list[int]]:
    """``line`` with a space where two elements were glued together, and
    the offsets (in the new text) of the spaces added."""
    added: list[int] = []
    out: list[str] = []
    last = 0
    for m in _GLUE.finditer(line):
        out.append(line[last : m.start()])
        added.append(m.start() + len(added))
        out.append(" ")
        last = m.start()
    out.append(line[last:])
    return "".join(out), added


def _back(pos: int, added: list[int]) -> int:
    """Offset in the original line of offset ``pos`` of the unglued one."""
    return pos - sum(1 for a in added if a < pos)


# --------------------------------------------------------------------------
# Reading one line
# --------------------------------------------------------------------------


def _solid(text: str) -> int:
    return len(_NOT_SOLID.sub("", text))


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(text):  # noqa: B007
        pass
    return found


_AFTER_DATE = re.compile(r"[\d:]")


def _line_mentions(line: str) -> list[tuple[Mention, int, int]]:
    """The complete dates of one line: each mention with its start and end
    in the line. A date glued to more digits (``28.09.1912:44``, a
    two-digit year and a time) is not one."""
    fixed, added = _unglue(line)
    out = []
    for m in extract(fixed):
        if m.kind not in _COMPLETE or not m.candidates:
            continue
        if m.kind != "datetime" and _AFTER_DATE.match(fixed, m.end):
            continue
        out.append((m, _back(m.start, added), _back(m.end, added)))
    return out


def _blank(line: str, spans: Iterable[tuple[int, int]]) -> str:
    for a, b in spans:
        line = line[:a] + " " * (b - a) + line[b:]
    return line


def _classify(
    line: str, dates: list[tuple[Mention, int, int]], k: int, title: bool
) -> tuple[str, str] | None:
    """Role and reason of the ``k``-th date of ``line``, or None when the
    line does not show it as a stamp. ``title``: the line is the text's
    first (a page's title), where a date may stand alone between
    separators."""
    pats = _patterns()
    m, start, end = dates[k]
    # The text before the date that belongs to it: after the previous date
    # and after the last separator.
    lo = dates[k - 1][2] if k else 0
    before = line[lo:start]
    if _RANGE_START.search(before):
        return None  # the end of a range of days
    sep = _last(_SEPARATOR, before)
    lead = before[sep.end() :] if sep is not None else before
    hi = dates[k + 1][1] if k + 1 < len(dates) else len(line)
    after = line[end:hi]
    upd = _last(pats["updated"], lead)
    pub = _last(pats["published"], lead)
    label = upd if upd is not None and (pub is None or upd.start() > pub.start()) else pub
    if label is not None:
        if _SENTENCE_END.search(lead, label.end()):
            return None  # "… published no account. A crowd gathered on …": not its label
        if _sentence(line) and len(lead[: label.start()].split()) > LABEL_WORDS:
            return None  # "The new timetable was published on …": about something else
        return ("updated" if label is upd else "published"), "label"
    if m.kind == "datetime" or _TIME_BEFORE.search(lead):
        return "plain", "time"
    if _HOURS.search(line, end):
        return None  # "from 12 - 18 h": opening hours, an event
    t = _TIME_AFTER.match(after)
    if t is not None:
        if _RANGE_NEXT.match(after, t.end()):
            return None  # "from 12 - 18 h": opening hours, an event
        return "plain", "time"
    if _ZONE_AFTER.match(after):
        return "plain", "time"
    rest = _blank(line, [(a, b) for _, a, b in dates])
    for rx in (_TIME, _WEEKDAY, _FILLER):
        rest = rx.sub(" ", rest)
    if _solid(rest) <= ALONE_REST and not _clause(line, rest):
        return "plain", "alone"
    if title:
        seg_lo = sep.end() + lo if sep is not None else 0
        cut = _SEPARATOR.search(line, end)
        seg = _WEEKDAY.sub(" ", line[seg_lo:start] + " " + line[end : cut.start() if cut else None])
        if _solid(seg) <= ALONE_REST:
            return "plain", "alone"
    if _sentence(line):
        return None
    if pats["byline-start"].search(line[:start]):
        return "plain", "byline"
    if _solid(_FILLER.sub(" ", _WEEKDAY.sub(" ", lead))) > 2:
        return None
    # A post's meta line that the date starts, or a segment of it:
    # "8 January 2020 · by Ann · in Travel", "Ann · 3 May 2019 · 7 comments".
    tail = line[end:]
    if pats["meta"].search(tail):
        return "plain", "lead"
    if _solid(_FILLER.sub(" ", _WEEKDAY.sub(" ", line[:start]))) <= 2:
        if pats["byline-start"].match(tail) or _LEADING_SEPARATOR.match(tail):
            return "plain", "lead"
        comma = _COMMA_TAIL.match(tail)
        if comma is not None:
            return "plain", "lead"
    return None


_SENTENCE_END = re.compile(r"(?<![\d.])[.!?]\s+[A-ZÀ-Ý]")
LABEL_WORDS = 3
"""How many words may come before a label ("Article updated on", "Story
first published") in a line that reads as a sentence; after more, the
sentence tells when something else was published."""


def _clause(line: str, rest: str) -> bool:
    """A short sentence around a date ("It was held on 4 June 2030."): the
    line ends as a sentence does and its words besides the date have a verb
    in the past, the present or the future."""
    return line.rstrip().endswith((".", "!", "?")) and (
        is_past(rest) or has_present(rest) or is_forward(rest)
    )


def _sentence(line: str) -> bool:
    """A line of running text: eight words or more, ending as a sentence ends."""
    s = line.strip()
    return s.endswith((".", "!", "?")) and len(s.split()) >= 8


def _comment_line(line: str) -> bool:
    """A reader comment's chrome: a comment word alone on its line (a
    "Reply" button) or ending it before a colon ("Alex says:")."""
    s = line.strip().rstrip(":").strip()
    if not s or len(s) > 80:
        return False
    m = _last(_patterns()["comment"], s)
    return m is not None and m.end() == len(s) and (m.start() == 0 or line.rstrip().endswith(":"))


# --------------------------------------------------------------------------
# Finding stamps
# --------------------------------------------------------------------------

LINE_CAP = 2000
"""How much of each line is read (lines hold up to the whole text)."""
HEADLINE_LINES = 150
"""How far down the headline (the title repeated) is looked for."""
ABOVE_HEADLINE = 5
BELOW_HEADLINE = 10
"""With a headline, stamps are looked for from ``ABOVE_HEADLINE`` lines
above it to ``BELOW_HEADLINE`` lines below it (and on the title line)."""


def find_stamps(
    text: str,
    *,
    index: TextIndex | None = None,
    line_offset: int = 0,
    first_column: int = 1,
    max_lines: int = STAMP_LINES,
    max_chars: int = STAMP_CHARS,
    today: date | None = None,
    mentions: Iterable[Mention] = (),
) -> list[Stamp]:
    """The date stamps near the top of ``text``, in order.

    Without a headline, the first ``max_lines`` lines are read; when the
    text's first line (a title) comes back as a headline within
    :data:`HEADLINE_LINES` lines, the lines around the headline are read
    instead, and the title line. At most ``max_chars`` characters of lines
    are read either way. Line numbers start at ``line_offset + 1``;
    ``first_column`` is the column of the text's first character (a body
    that starts after a header on its line). ``mentions`` (the text's
    dates, :func:`~provlint.plugins.dates.datetext.extract`) decide the
    order of an ambiguous ``05/03/2021`` when the text shows it elsewhere;
    ``today`` drops stamps after it (an event's date, not the page's)."""
    ix = index if index is not None and index.text is text else TextIndex(text)
    starts = ix.starts
    lines: list[tuple[int, str]] = []
    for i in range(min(HEADLINE_LINES, len(starts))):
        a, b = ix.line_span(i)
        # A longer line is neither a stamp nor a headline: its start is enough.
        lines.append((a, text[a : min(b, a + LINE_CAP)]))
    heads = _headlines([line for _, line in lines])
    if not heads:
        region = list(range(min(max_lines, len(lines))))
    else:
        near_head = {0}
        for h in heads:
            near_head.update(range(max(1, h - ABOVE_HEADLINE), h + BELOW_HEADLINE + 1))
        region = sorted(i for i in near_head if i < len(lines))
    region = [i for i in region if lines[i][0] < max_chars]
    memo: dict[int, list[tuple[Mention, int, int]]] = {}

    def dates_of(i: int) -> list[tuple[Mention, int, int]]:
        if i not in memo:
            line = lines[i][1] if 0 <= i < len(lines) else ""
            ok = len(line.strip()) <= STAMP_LINE_CHARS and any(ch.isdigit() for ch in line)
            memo[i] = _line_mentions(line) if ok else []
        return memo[i]

    def labelled(i: int) -> bool:
        line = lines[i][1]
        dates = dates_of(i)
        return any(_classify(line, dates, k, title=i == 0) in _LABELLED for k in range(len(dates)))

    order = _numeric_order(mentions)
    out: list[Stamp] = []
    for i in region:
        a, line = lines[i]
        dates = dates_of(i)
        if not dates or _not_a_stamp(line):
            continue
        near = range(max(0, i - 2), min(len(lines), i + 3))
        if any(_comment_line(lines[j][1]) for j in near):
            continue  # a reader comment's date
        if any(_label_above(lines, j) for j in (i - 1, i + 1)):
            continue  # "1 capture", "Event:" just above or below
        sheet = [lines[j][1] for j in range(max(0, i - 3), min(len(lines), i + 4)) if j != i]
        if sum(1 for ln in sheet if len(ln) <= 80 and _FIELD.match(ln)) >= SHEET_FIELDS:
            continue  # a field of a data sheet (a photo's details)
        # One of a list of dated lines (headlines, an archive): another
        # date nearby, unless it is labelled ("Published …" over "Updated
        # …") or the same date again.
        mine = {c for m, _, _ in dates for c in m.candidates}
        listed = any(
            j != i
            and dates_of(j)
            and len(lines[j][1]) <= LIST_LINE
            and not _sentence(lines[j][1])
            and not labelled(j)
            and not {c for m, _, _ in dates_of(j) for c in m.candidates} <= mine
            for j in range(max(0, i - RUN_WINDOW), min(len(lines), i + RUN_WINDOW + 1))
        )
        found: list[tuple[Mention, int, int, str, str]] = []
        for k, (m, start, end) in enumerate(dates):
            got = _classify(line, dates, k, title=i == 0)
            if got is None and found:
                got = ("updated", "label") if found[-1][3] == "updated" else ("plain", "line")
            if got is None:
                continue
            role, why = got
            if why != "label":
                if listed or _forward(line, dates, k, lines[i - 1][1] if i else ""):
                    continue  # one of a list, or an event ahead
                top = max((h - ABOVE_HEADLINE for h in heads if h - ABOVE_HEADLINE <= i), default=0)
                if _after_body(lines, max(top, 0), i):
                    continue  # the text has begun: a date in it, or another post's
                if why == "alone" and _masthead(line, [ln for _, ln in lines[i + 1 : i + 3]]):
                    continue
            found.append((m, start, end, role, why))
        for m, start, end, role, why in found:
            cands = _resolve(m, order)
            if today is not None:
                cands = tuple(c for c in cands if c <= today)
            if not cands:
                continue
            col = start + 1 + (first_column - 1 if i == 0 else 0)
            out.append(
                Stamp(line_offset + i + 1, col, a, line[start:end], cands, role, why, line.strip())
            )
    return out


PARAGRAPH = 200
"""A line at least this long is a paragraph of running text."""


def _after_body(lines: list[tuple[int, str]], start: int, i: int) -> bool:
    """Whether two paragraphs or more come between line ``start`` (the
    top of the headline's window, or of the text) and line ``i``: the text
    has begun, and a date
    after it is not the page's stamp (a one-paragraph teaser may come
    before the byline)."""
    return sum(1 for j in range(start, i) if len(lines[j][1]) >= PARAGRAPH) >= 2


def _label_above(lines: list[tuple[int, str]], j: int) -> bool:
    """Whether line ``j`` is a short label or a field name that says the
    date next to it is not the page's ("Event:", "1 capture"); a headline
    with such a word ("Singer died at 82") is not one."""
    if not 0 <= j < len(lines):
        return False
    s = lines[j][1].strip()
    return (len(s) <= 15 or s.endswith(":")) and _not_a_stamp(s)


_LABELLED = (("published", "label"), ("updated", "label"))
MENU_LINE = 20


def _masthead(line: str, below: list[str]) -> bool:
    """A site's header showing the day's date ("Wednesday, 8 July 2020")
    with its navigation below: a weekday, and the next two lines short
    menu entries."""
    return (
        _WEEKDAY.search(line) is not None
        and len(below) == 2
        and all(0 < len(b.strip()) <= MENU_LINE for b in below)
    )


_EMBED = re.compile(r"\(@\w+\)")
# Code and data: a JSON member ("Timestamp": "…"), an assignment, a tag.
_CODE = re.compile(r"\"[^\"]{1,60}\"\s*:\s*[\"{\[\d]|\w\s*=\s*[\"']|</?[a-z][\w-]*[\s>]")
# A field of a data sheet: "Exposure: 60 x 3 min", "- Date: 31/08/2019".
_FIELD = re.compile(r"^[\s*•-]*[^\W\d_][^:]{0,30}:\s*\S")
SHEET_FIELDS = 5
"""A line with at least this many ``Name: value`` lines among the three
lines either side is a field of a data sheet, not a stamp."""


def is_code(line: str) -> bool:
    """Whether ``line`` is code or data rather than prose: a JSON member
    (``"Timestamp": "2030-08-14 17:43:12"``), an assignment, a markup tag."""
    return _CODE.search(line) is not None


def _not_a_stamp(line: str) -> bool:
    """A line whose dates are not the page's: a comment's, a user's, a
    copyright's, an event's, an embedded post's ("(@name)")."""
    return (
        _patterns()["not-a-stamp"].search(line) is not None
        or _EMBED.search(line) is not None
        or _CODE.search(line) is not None
    )


def _forward(line: str, dates: list[tuple[Mention, int, int]], k: int, prev: str) -> bool:
    """Whether the ``k``-th date of ``line`` is ahead of the text (an event,
    an expiry): a future marker in its part of the line, or in a short line
    just above that introduces it ("Available until:")."""
    _, start, end = dates[k]
    lo = dates[k - 1][2] if k else 0
    hi = dates[k + 1][1] if k + 1 < len(dates) else len(line)
    cut = _last(_SEPARATOR, line[lo:start])
    seg_lo = lo + cut.end() if cut is not None else lo
    nxt = _SEPARATOR.search(line, end, hi)
    seg = line[seg_lo:start] + " " + line[end : nxt.start() if nxt is not None else hi]
    if is_forward(seg):
        return True
    p = prev.strip()
    return bool(p) and (p.endswith(":") or len(p) <= 30) and is_forward(p)


_SLASH_PARTS = re.compile(r"(\d{1,2})/(\d{1,2})/")


def _numeric_order(mentions: Iterable[Mention]) -> str | None:
    """Whether the text writes numeric dates day first (``dmy``) or month
    first (``mdy``), as its unambiguous ones show (``27/09/2018`` is day
    first, ``09/27/2018`` month first), or None when they do not say or
    disagree. The language is no guide: German sites write ``11/01/2021``
    for 1 November too."""
    votes = {"dmy": 0, "mdy": 0}
    for m in mentions:
        if m.kind == "numeric":
            p = _SLASH_PARTS.match(m.text)
            if p is None:
                continue
            a, b = int(p.group(1)), int(p.group(2))
            if a > 12 >= b:
                votes["dmy"] += 1
            elif b > 12 >= a:
                votes["mdy"] += 1
    if votes["dmy"] and not votes["mdy"]:
        return "dmy"
    if votes["mdy"] and not votes["dmy"]:
        return "mdy"
    return None


def _resolve(m: Mention, order: str | None) -> tuple[date, ...]:
    """The dates a stamp can mean: an ambiguous numeric date read in the
    text's ``order`` when it has one."""
    if m.kind != "numeric" or len(m.candidates) < 2 or order is None:
        return m.candidates
    p = _SLASH_PARTS.match(m.text)
    if p is None:
        return m.candidates
    a, b = int(p.group(1)), int(p.group(2))
    month, day = (b, a) if order == "dmy" else (a, b)
    return tuple(c for c in m.candidates if (c.month, c.day) == (month, day)) or m.candidates


_TITLE_SPLIT = re.compile(r"\s+(?:[|–—\-·»«›‹/]|::)\s+|:\s+")


def _fold(s: str) -> str:
    return " ".join(s.casefold().split())


HEADLINES = 3
HEADLINE_SPREAD = 20
"""How many lines repeating the title are taken as headlines, and how far
below the first the others may be (further down, a repeat is a link)."""


def _headlines(lines: list[str]) -> list[int]:
    """The indices of the first lines (at most :data:`HEADLINES`) that
    repeat the first line (a page's title) as a headline. The title may
    carry the site's name before or after a separator (``Headline |
    Site``): a line counts when it is the title, one of its parts, or its
    start or end, at least 12 characters and 40% of it long. The site's
    name may count too, which is why several are kept."""
    if len(lines) < 2:
        return []
    title = _fold(lines[0])
    if len(title) < 12:
        return []
    parts = {p for p in (_fold(x) for x in _TITLE_SPLIT.split(lines[0])) if len(p) >= 12}
    least = max(12, int(0.4 * len(title)))
    out: list[int] = []
    longest = len(lines[0]) + 2
    for i in range(1, len(lines)):
        if out and i > out[0] + HEADLINE_SPREAD:
            break
        if not least <= len(lines[i]) <= 2 * longest:
            continue  # cannot fold to a part of the title: skip the work
        cand = _fold(lines[i])
        if cand == title or (
            len(cand) >= least and (cand in parts or title.startswith(cand) or title.endswith(cand))
        ):
            out.append(i)
            if len(out) == HEADLINES:
                break
    return out


def doc_stamps(
    doc: object,
    max_lines: int = STAMP_LINES,
    max_chars: int = STAMP_CHARS,
    today: date | None = None,
) -> list[Stamp]:
    """The stamps of a :class:`~provlint.model.Document`'s body, with lines
    and columns as they are in the file; computed once per document."""
    cache = getattr(doc, "cache", None)
    key = ("stamps", max_lines, max_chars, today)
    if cache is not None and key in cache:
        return cache[key]  # type: ignore[no-any-return]
    body, mentions = body_mentions(doc)
    header = getattr(doc, "header", None)
    result = find_stamps(
        body,
        index=body_index(doc),
        line_offset=(header.body_line - 1) if header is not None else 0,
        first_column=header.body_column if header is not None else 1,
        max_lines=max_lines,
        max_chars=max_chars,
        today=today,
        mentions=mentions,
    )
    if cache is not None:
        cache[key] = result
    return result
