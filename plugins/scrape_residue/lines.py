"""The line classifier of ``scrape-residue``: which lines of a text are page furniture.

:func:`classify` gives the residue kind of every line of a text (None for
content); :func:`match_line` the kind of one line by its patterns alone.
Other checks may call them to leave furniture out of what they read.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Sequence
from itertools import compress

from provlint._lazy import lazy_compile

from .kinds import (
    BREADCRUMB,
    CONTACT,
    CONTEXT,
    COOKIE,
    CREDIT,
    FEED,
    FOOTER,
    GLUED,
    IMAGE,
    LANGNAME,
    LANGUAGE,
    MENU,
    METADATA,
    TICKER,
    URL,
    XPATH,
)
from .phrases import Phrases, builtin

# Lines recognised by their first character or a cheap substring test.
# The patterns below are compiled on first use: a run whose results all come
# from the cache, or whose lines never pass the cheap tests, compiles none.
_XPATH = lazy_compile(
    r"(?=\S*(?:\[|/@|^/+html\b))/{1,2}[a-z][\w:-]*(?:\[[^\]]*\])*"
    r"(?:/{1,2}(?:@[\w:-]+|\*|text\(\)|[a-z][\w:-]*(?:\[[^\]]*\])*))+",
    re.IGNORECASE,
)
_IMAGE = lazy_compile(
    r"(?:https?:)?//\S+?\.(?:jpe?g|png|gif|webp|svg|avif|bmp|ico|tiff?)(?:[?#]\S*)?",
    re.IGNORECASE,
)
_URL = lazy_compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# "© 2021 Example Wire", "Copyright (c) 2007 ...": a year near the mark (a
# sentence that starts with the word "Copyright" is not a footer).
_COPYRIGHT = lazy_compile(
    r"©(?=.{0,60}\b(?:19|20)\d\d\b).{0,120}"
    r"|(?:copyright\s*(?:©|\(c\))?|\(c\))\s*(?:19|20)\d\d\b.{0,120}",
    re.IGNORECASE,
)
_CONTACT = lazy_compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?:(?:tel|phone|fax|telefon)\W{0,2}\s*)?\+\d[\d\s()./-]{6,}\d"
    r"|(?:tel|phone|fax|telefon)\W{0,2}\s*\(?\d[\d\s()./-]{6,}\d",
    re.IGNORECASE,
)
_METADATA = lazy_compile(
    r"\d{1,10}|true|false|null|none|undefined|[a-z]{2}[_-][a-z]{2}"
    r"|\d{4}-\d\d-\d\dT[\d:.]+(?:z|[+-]\d\d:?\d\d)?",
    re.IGNORECASE,
)
# "14:05 GMT Headline": residue only in a run (a live blog has lone ones).
_TICKER = lazy_compile(
    r"\d{1,2}:\d\d\s*(?:gmt|utc|cet|cest|bst|est|edt|pst|pdt|msk|mez|mesz|uhr"
    r"|[ap]\.?m\.?)?\s*[^\s\d].{3,130}(?<!\.)",
    re.IGNORECASE,
)
_BREADCRUMB = lazy_compile(r"(?:[^>\u203a»|]{1,40}\s[>\u203a»]\s){2,6}[^>\u203a»|]{1,40}")
_MENU_ROW = lazy_compile(r"(?:[^|·•]{1,30}\s[|·•]\s){3,12}[^|·•]{1,30}")
# Furniture found inside a longer line: cookie banners, rights notices, ages.
# Each is tested on a window around a cheap substring hit (a regex search
# over a whole non-ASCII line is slow).
_COOKIE_NEAR = lazy_compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site|wir) (?:use|uses|verwenden|nutzen) cookies\b"
    r"|\bdiese (?:website|webseite|seite) (?:verwendet|nutzt) cookies\b"
    r"|\b(?:accept|reject|allow|manage|deny) (?:all )?cookies\b"
    r"|\bby continuing to (?:browse|use) (?:this|our) (?:web)?site\b",
    re.IGNORECASE,
)
_RIGHTS_NEAR = lazy_compile(r"\b(?:all rights reserved|alle rechte vorbehalten)\b", re.I)
_AGO_BEFORE = lazy_compile(r"\b\d+ (?:seconds?|minutes?|mins?|hours?|hrs?)$", re.IGNORECASE)
_VOR_AFTER = lazy_compile(r"\d+ (?:sekunden|minuten|stunden)\b", re.IGNORECASE)


def _inside(core: str, n: int) -> str | None:
    """Cookie banners (up to 400 characters), rights notices (200) and
    "5 minutes ago" stamps (100) inside a line."""
    for hint in ("ookie", "OOKIE", "y contin"):
        k = core.find(hint)
        if k >= 0 and _COOKIE_NEAR.search(core, max(0, k - 40), k + 40):
            return COOKIE
    if n <= 200:
        for hint in ("eserved", "ESERVED", "orbehalten"):
            k = core.find(hint)
            if k >= 0 and _RIGHTS_NEAR.search(core, max(0, k - 25), k + 12):
                return FOOTER
    if n <= 100:
        k = core.find(" ago")
        if k >= 0 and _AGO_BEFORE.search(core, max(0, k - 16), k):
            return FEED
        k = core.find("vor ")
        if k >= 0 and _VOR_AFTER.match(core, k + 4):
            return FEED
    return None


_SPECIALS = ("@", ">", "\u203a", "»", "|", "·", "•")
_HINTS = ("ookie", "OOKIE", " ago", "vor ", "eserved", "ESERVED", "orbehalten", "y contin")


def text_flags(text: str) -> tuple[bool, bool]:
    """Whether ``text`` holds any of the characters and words that
    match_line looks for inside a line (tested once per document)."""
    return any(c in text for c in _SPECIALS), any(h in text for h in _HINTS)


def match_line(
    s: str, flags: tuple[bool, bool] = (True, True), phrases: Phrases | None = None
) -> str | None:
    """The furniture kind of one stripped, non-empty line by its patterns
    alone (None when no pattern matches). ``flags`` come from text_flags()
    on the whole document and let lines skip tests that cannot succeed;
    ``phrases`` are the phrase lists (default: the built-in data files)."""
    core = s.lstrip(_BULLETS) or s
    n = len(core)
    if n > MAX_MATCH_LENGTH:
        return None
    c = core[0]
    if c.isalpha():
        kind = (phrases or builtin()).match(core)
        if kind is not None:
            return kind
    if c == "/" and _XPATH.fullmatch(core):
        return XPATH
    head = core[:9].lower()
    if "//" in head or head.startswith("www."):
        if _IMAGE.fullmatch(core):
            return IMAGE
        if _URL.fullmatch(core):
            return URL
    if c in "©(" or head == "copyright":
        if _COPYRIGHT.fullmatch(core):
            return FOOTER
        if c == "©":
            return CREDIT
    if n <= 10 or c.isdigit():
        if _METADATA.fullmatch(core):
            return METADATA
        if _TICKER.fullmatch(core):
            return TICKER
    specials, hints = flags
    if specials and n <= 200:
        if (c == "+" or "@" in core or head.startswith(("tel", "phone", "fax"))) and (
            _CONTACT.fullmatch(core)
        ):
            return CONTACT
        if (">" in core or "\u203a" in core or "»" in core) and _BREADCRUMB.fullmatch(core):
            return BREADCRUMB
        if core.count("|") + core.count("·") + core.count("•") >= 3 and _MENU_ROW.fullmatch(core):
            return MENU
    elif head.startswith(("tel", "phone", "fax")) and _CONTACT.fullmatch(core):
        return CONTACT
    if hints and n <= 400:
        return _inside(core, n)
    return None


# Kinds that are residue only in a run of consecutive lines (blank lines
# between them allowed): a lone "14:05 GMT ..." line may be a live blog
# entry, a lone "English" a word in a list.
_RUN_KINDS = {TICKER: 3, LANGNAME: 3}
_BULLETS = " \t•*·-\u2013\u2014|>▪►»"
# Language names glued to the word before: a language picker flattened to text
# ("MundoEspañolSpanish").
_LANG_GLUED = lazy_compile(
    r"(?<=[^\W\d_])(?:English|German|French|Spanish|Italian|Portuguese|Polish|Czech|Greek"
    r"|Serbian|Latvian|Lithuanian|Russian|Ukrainian|Arabic|Turkish|Persian|Chinese|Japanese"
    r"|Korean|Vietnamese|Armenian|Georgian|Kazakh|Uzbek|Deutsch|Français|Español|Italiano"
    r"|Português|Polski|Nederlands|Dutch)"
)
# Words run together where a page had separate links or blocks; in a short
# line only a word that starts in lower case counts ("materialsWrite", not
# "PlayStation").
_GLUED = lazy_compile(r"[a-zà-ÿа-я]{3}[A-ZÀ-ÞА-Я][a-zà-ÿа-я]{2}")
_GLUED_LOWER = lazy_compile(r"(?<!\S)[a-zà-ÿа-я]{3,}[A-ZÀ-ÞА-Я][a-zà-ÿа-я]{2}")
# A list item in Markdown or a trafilatura-style extraction: content lists
# (winners, ingredients, links) are not menus.
_LIST_ITEM = lazy_compile(r"(?:[-*+•·▪]|\d{1,3}[.)])\s")

STOP_WORDS = frozenset(
    """the a an and or but of to in on at for with by from as is are was were be been being
    has have had it its this that these those he she they we you i his her their our them him
    not no will would can could should may said says there which who whom what when where
    if so than then also about after over into up out more all one new just only very
    der die das den dem des ein eine einen einem einer eines und oder aber nicht ist sind
    war waren wurde wurden werden wird hat haben hatte mit von zu zum zur im in am an auf
    für bei aus nach vor über um es sie er wir ich ihr auch als wie noch nur dass sich so
    sein seine ihre dieser diese dieses""".split()
)

GOOD_LENGTH = 70  # jusText's length_low: shorter lines are never prose on their own
LONG_LENGTH = 200  # jusText's length_high: a line this long is content unless matched
MAX_MATCH_LENGTH = 400  # longer lines are only tested for glued words
GOOD_STOP_SHARE = 0.25  # a little under jusText's stopwords_low (0.30): lines are short
MENU_RUN = 4  # consecutive item-like lines that make a menu or tag list
MAX_CONTEXT_RUN = 10  # short lines between residue lines taken as residue


# With trailing punctuation too: splitting on spaces alone is much faster
# than a word pattern on non-ASCII text.
_STOP_LOOKUP = STOP_WORDS | {w + p for w in STOP_WORDS for p in ",.;:!?"}
_DIGIT = re.compile(r"\d")


def _stop_share(s: str) -> float:
    """Share of stop words among the first 40 words of ``s``."""
    words = s[:400].lower().split()[:40]
    if not words:
        return 0.0
    return sum(map(_STOP_LOOKUP.__contains__, words)) / len(words)


def classify(
    lines: Sequence[str], text: str | None = None, phrases: Phrases | None = None
) -> list[str | None]:
    """The residue kind of every line (None for content and blank lines).

    A rule-based classifier in the spirit of jusText: patterns for known
    furniture, then runs of short item-like lines (menus, tag lists), then
    context: short, non-prose lines between two residue lines are residue.
    ``text`` is the lines joined (computed when not given); ``phrases`` the
    phrase lists (default: the built-in data files).
    """
    phrases = phrases or builtin()
    kinds: list[str | None] = [None] * len(lines)
    # 0 blank, 1 short / headline-like, 2 prose; item-like lines for menus.
    # A byte per line each (a list would take eight).
    cls = bytearray(len(lines))
    item = bytearray(len(lines))
    label = bytearray(len(lines))
    url: list[int] = []
    flags = text_flags("\n".join(lines) if text is None else text)
    fence = False
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            continue
        if s[0] in "`~" and s.startswith(("```", "~~~")):
            fence = not fence
            cls[i] = 1
            continue
        if fence or s[0] == "|":
            cls[i] = 2  # code and tables are content, and break runs
            continue
        n = len(s)
        kind = match_line(s, flags, phrases)
        if kind is not None:
            cls[i] = 1
            if kind == URL:
                url.append(i)  # residue only beside other residue
                continue
            kinds[i] = kind
            item[i] = n <= 40
            continue
        spaces = s.count(" ")
        if n >= 20 and (spaces + 1) * 12 < n:
            # Few spaces for its length: run-together links or a flattened picker.
            if len(_LANG_GLUED.findall(s)) >= 2:
                kinds[i] = LANGUAGE
                cls[i] = 1
                continue
            if n >= 40 and len(_GLUED.findall(s)) >= 2:
                kinds[i] = GLUED
                cls[i] = 1
                continue
        if n <= 60 and spaces <= 5 and _GLUED_LOWER.search(s):
            kinds[i] = GLUED
            cls[i] = 1
            continue
        if n >= LONG_LENGTH or (n >= GOOD_LENGTH and _stop_share(s) >= GOOD_STOP_SHARE):
            cls[i] = 2
            continue
        cls[i] = 1
        digit = _DIGIT.search(s) is not None
        label[i] = spaces < 5 and not digit
        if (
            n <= 40
            and spaces < 5
            and s[-1] not in ".!?,;:"
            and ": " not in s
            and not (digit and not s.isdigit())
            and (s.isascii() or max(s) < "\u2e80")  # CJK has no spaces to count words by
            and not _LIST_ITEM.match(s)
            and (spaces == 0 or _stop_share(s) <= 1 / 3)
        ):
            item[i] = True

    nonblank = array("q", compress(range(len(lines)), cls))
    _runs(kinds, nonblank)
    _menus(kinds, item, nonblank)
    _context(kinds, cls, label, nonblank)
    if url:
        where = {i: k for k, i in enumerate(nonblank)}
        for i in url:
            k = where[i]
            near = [nonblank[t] for t in (k - 1, k + 1) if 0 <= t < len(nonblank)]
            if any(kinds[t] for t in near):
                kinds[i] = URL
    return kinds


def _runs(kinds: list[str | None], nonblank: Sequence[int]) -> None:
    """Kinds that count only in runs: drop the lone lines."""
    k = 0
    while k < len(nonblank):
        kind = kinds[nonblank[k]]
        if kind not in _RUN_KINDS:
            k += 1
            continue
        j = k
        while j + 1 < len(nonblank) and kinds[nonblank[j + 1]] == kind:
            j += 1
        keep = j - k + 1 >= _RUN_KINDS[kind]
        for t in range(k, j + 1):
            kinds[nonblank[t]] = (LANGUAGE if kind == LANGNAME else kind) if keep else None
        k = j + 1


def _menus(kinds: list[str | None], item: bytearray, nonblank: Sequence[int]) -> None:
    """Runs of item-like lines (residue lines may sit among them)."""
    k = 0
    while k < len(nonblank):
        i = nonblank[k]
        if not (item[i] or kinds[i]):
            k += 1
            continue
        j = k
        while j + 1 < len(nonblank) and (item[nonblank[j + 1]] or kinds[nonblank[j + 1]]):
            j += 1
        members = [nonblank[t] for t in range(k, j + 1) if item[nonblank[t]]]
        if len(members) >= MENU_RUN:
            for t in members:
                if kinds[t] is None:
                    kinds[t] = MENU
        k = j + 1


def _context(
    kinds: list[str | None], cls: bytearray, label: bytearray, nonblank: Sequence[int]
) -> None:
    """jusText's context rule: labels (short lines without digits) between
    residue lines are residue. Headlines and dates there are kept: a forum
    thread's title sits between chrome lines too."""
    k = 0
    while k < len(nonblank):
        i = nonblank[k]
        if kinds[i] is not None or cls[i] != 1:
            k += 1
            continue
        j = k
        while (
            j + 1 < len(nonblank) and kinds[nonblank[j + 1]] is None and cls[nonblank[j + 1]] == 1
        ):
            j += 1
        if not all(label[nonblank[t]] for t in range(k, j + 1)):
            k = j + 1
            continue
        before = kinds[nonblank[k - 1]] if k > 0 else None
        after = kinds[nonblank[j + 1]] if j + 1 < len(nonblank) else None
        if before and after and j - k + 1 <= MAX_CONTEXT_RUN:
            for t in range(k, j + 1):
                kinds[nonblank[t]] = CONTEXT
        k = j + 1


# --------------------------------------------------------------------------
