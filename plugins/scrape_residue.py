"""The ``scrape-residue`` check."""

from __future__ import annotations

import math
import re
import zlib
from array import array
from collections.abc import Hashable, Iterator, Sequence
from itertools import compress
from typing import Any, NamedTuple

from provlint import Document, Emit, Finding, KeyedCheck, Severity, Totals, hookimpl
from provlint._lazy import lazy_compile

# --------------------------------------------------------------------------
# Line classifier
# --------------------------------------------------------------------------

# Kinds of residue line. A *strong* kind is page furniture on sight; a weak
# one only counts towards the residue share.
XPATH = "XPath"
IMAGE = "image URL"
URL = "bare URL"
SIGNUP = "sign-up prompt"
SHARE = "share prompt"
COOKIE = "cookie banner"
FOOTER = "footer"
FOOTER_LINK = "footer link"
CREDIT = "photo credit"
CONTACT = "contact line"
FEED = "news-feed chrome"
TICKER = "news ticker"
FORUM = "forum chrome"
LANGUAGE = "language picker"
LANGNAME = "language name"  # a language picker when three come in a row
MENU = "menu"
BREADCRUMB = "breadcrumb"
METADATA = "metadata value"
GLUED = "run-together words"
CONTEXT = "between residue"
REPEATED = "repeated"

STRONG = frozenset({XPATH, IMAGE, SIGNUP, SHARE, COOKIE, FOOTER, FEED, TICKER, FORUM, LANGUAGE})

_SOCIAL = (
    "facebook|twitter|x|linkedin|whatsapp|telegram|pinterest|reddit|xing|vk|threads|bluesky"
    "|mastodon|flipboard|e-mail|email|mail|print|sms"
)
_LANGS = (
    "english|deutsch|français|francais|español|espanol|italiano|português|portugues"
    "|nederlands|polski|русский|українська|türkçe|svenska|dansk|norsk|suomi|čeština"
    "|ελληνικά|magyar|română|العربية|中文|日本語|한국어|فارسی"
)
# Page furniture that a line consists of, by kind. Every alternative starts
# with a literal word or a group of literal words, so that a line is only
# matched against the patterns its first word can start (see _phrase).
_PHRASE_PATTERNS: dict[str, list[str]] = {
    SIGNUP: [
        r"registration (?:was|is) successful\W*",
        r"(?:thanks|thank) (?:you )?for (?:signing up|subscribing|registering|joining|your "
        r"(?:subscription|registration))\b.{0,80}",
        r"please (?:follow|click|open) the (?:link|button) (?:from|in) the (?:e-?mail|message)"
        r".{0,80}",
        r"check your (?:inbox|e-?mail|mailbox)\b.{0,100}",
        r"please check your (?:inbox|e-?mail|mailbox)\b.{0,100}",
        r"sign up for (?:\w+ ){0,3}(?:news|alerts|briefing|newsletters?|updates|emails?)\b.{0,40}",
        r"subscribe now\b.{0,60}",
        r"(?:subscribe|sign up) (?:for|to get) unlimited access\b.{0,40}",
        r"enter your e-?mail(?: address)?\W{0,3}",
        r"you have reached your (?:limit|free article limit|article limit)\b.{0,80}",
        r"you(?:'ve| have) (?:used|read) (?:all )?(?:your )?\d* ?free articles?\b.{0,80}",
        r"(?:log in|sign in) ?[|/] ?(?:register|sign up|subscribe)\W{0,3}",
        r"(?:my account|mein konto)\W{0,3}",
        r"jetzt kostenlos (?:registrieren|anmelden|abonnieren)\W{0,3}",
        r"bitte bestätigen sie ihre e-?mail-adresse\W{0,3}",
        r"please (?:confirm|verify) your (?:e-?mail|subscription|registration|account)\b.{0,80}",
        r"(?:confirm|verify) your (?:e-?mail|subscription|registration|account)\b.{0,80}",
        r"(?:subscribe|register)(?: now| today| here| for free| free)?(?: to (?:our|the) "
        r"(?:\w+ )?newsletters?)?\W{0,3}",
        r"sign up(?: now| today| here| for free| free)?\W{0,3}",
        r"(?:sign up|subscribe|register) (?:for|to) (?:our|the|a) .{0,60}"
        r"(?:newsletters?|updates|alerts)\W{0,3}",
        r"(?:get|receive) (?:our|the) .{0,40}newsletters?\b.{0,60}",
        r"(?:newsletter|newsletters)\W{0,3}",
        r"(?:sign in|signin|sign-in|log in|login|log-in)(?: (?:or|/) (?:register|sign ?up"
        r"|create an account))?(?: to .{0,60})?\W{0,3}",
        r"you must log in or register\b.{0,60}",
        r"to (?:participate|take part) in the (?:discussion|conversation)\b.{0,40}",
        r"(?:create|open) (?:an|your|a free) account\b.{0,60}",
        r"already (?:have an account|a (?:member|subscriber|user))\W{0,3}.{0,40}",
        r"not a (?:member|subscriber)(?: yet)?\W{0,3}.{0,40}",
        r"forgot (?:your )?(?:password|username)\W{0,3}",
        r"(?:jetzt|kostenlos) (?:registrieren|anmelden|einloggen|abonnieren)\W{0,3}",
        r"(?:registrieren|anmelden|einloggen|abonnieren)\W{0,3}",
        r"newsletter abonnieren\W{0,3}",
        r"passwort vergessen\W{0,3}",
        r"(?:mitgliedsname|benutzername|passwort):.{0,60}",
    ],
    SHARE: [
        r"share(?: this| the)?(?: story| article| page| post| link)?(?: (?:on|via) (?:"
        + _SOCIAL
        + r"))?\W{0,3}",
        r"(?:post|tweet|send) (?:on|to|via|by) (?:" + _SOCIAL + r")\W{0,3}",
        r"(?:" + _SOCIAL + r")(?:\s*[|·•/,]?\s*(?:" + _SOCIAL + r")){1,8}",
        r"(?:tweet|pin it)\W{0,3}",
        r"copy link\W{0,3}",
        r"follow us(?: on .{1,40})?",
        r"like us on facebook",
        r"(?:e-mail|email|print)(?: this)?(?: article| page| story)?\W{0,3}",
        r"(?:diesen|den) artikel (?:teilen|drucken|versenden)",
        r"artikel (?:teilen|drucken|versenden)",
        r"(?:teilen|drucken)",
        r"folgen sie uns.{0,40}",
    ],
    COOKIE: [
        r"(?:cookie|privacy|consent) (?:settings|preferences|consent|notice|banner)",
        r"(?:cookie-einstellungen|cookie-richtlinie|cookie-hinweis|cookie-erklärung)",
        r"(?:accept|reject|allow|deny) all(?: cookies)?",
        r"manage (?:consent|preferences|cookies)",
        r"alle (?:akzeptieren|ablehnen)",
        r"do not sell my personal information",
        r"we (?:and our (?:partners|vendors) )?use cookies\b.{0,160}",
    ],
    FOOTER: [
        r"(?:about us|contact us)",
        r"privacy (?:policy|notice|feedback|statement)",
        r"terms (?:of (?:use|service)|and conditions|& conditions)",
        r"cookie policy",
        r"press info",
        r"advertise with us",
        r"editorial (?:policy|standards)",
        r"(?:impressum|datenschutz|datenschutzerklärung|datenschutzhinweise"
        r"|nutzungsbedingungen|mediadaten)",
    ],
    FOOTER_LINK: [
        r"(?:about|contact|privacy|terms|imprint|kontakt|agb|help|faq|rss|sitemap|careers|jobs"
        r"|advertise|accessibility|corrections)",
    ],
    FEED: [
        r"(?:newsfeed|news feed|newsfeedbreaking)(?: ?breaking)?",
        r"breaking(?: news)?",
        r"(?:advertisement|anzeige|werbung|sponsored content|sponsored)\W{0,3}",
        r"story continues below(?: the)? advertisement\W{0,3}",
        r"latest(?: news| stories)?",
        r"most (?:read|popular|viewed|shared)",
        r"trending(?: now)?",
        r"related(?: articles| stories| news| posts| topics| content)?",
        r"read (?:more|next)",
        r"more (?:from|on) .{1,40}",
        r"more (?:stories|news|articles)",
        r"recommended(?: for you)?",
        r"you (?:may|might) also like",
        r"top stories",
        r"(?:editor's|editors) picks",
        r"weitere artikel",
        r"mehr zum thema",
        r"meistgelesen",
        r"lesen sie auch",
        r"das könnte sie auch interessieren",
        r"auch interessant",
        r"go to the photo bank",
        r"all materials",
        r"write to the author",
        r"new first ?old first",
        r"(?:loader|loading)\W{0,3}",
        r"(?:live|chats|discuss)",
        r"(?:comments|comment)",
        r"show comments",
        r"leave a (?:comment|reply)",
        r"add (?:a )?comment",
        r"(?:kommentar|kommentare)",
    ],
    FORUM: [
        r"(?:what's|whats|what\u2019s) new",
        r"(?:users|user) who (?:are|is) viewing this (?:thread|page|topic)\b.{0,80}",
        r"(?:reply|quote|report|like|edit|delete|multi-quote|multiquote)"
        r"(?:\s*[-|·•/]?\s*(?:reply|quote|report|like|share|edit|delete|multi-?quote"
        r"|reply with quote)){1,5}",
        r"reply with quote",
        r"top\s*[-|·•/]?\s*bottom",
        r"click to expand\W{0,3}",
        r"thread starter\b.{0,80}",
        r"(?:joined|member since|registriert seit|mitglied seit|dabei seit)\W{0,2}\s*"
        r"[\w .,/-]{3,30}",
        r"(?:messages|posts|beiträge|reaction score|likes received|points|trophy points"
        r"|reputation)\W{0,2}\s*[\d.,]+",
        r"(?:new posts|search forums|latest activity|mark forums read|unanswered threads)",
        r"last edited(?: by)?\b.{0,60}",
        r"(?:antworten|zitieren|melden)(?:\s*[-|·•/]?\s*(?:antworten|zitieren|melden)){1,3}",
    ],
    LANGUAGE: [
        r"(?:edition|language|sprache|langue|idioma|select language|choose language"
        r"|choose your language)\s*:?",
    ],
    LANGNAME: [r"(?:" + _LANGS + r")"],
}


_PHRASE_KINDS = tuple(_PHRASE_PATTERNS)
_FIRST_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")


def _first_words(alternative: str) -> list[str]:
    """The literal words an alternative can start with."""
    m = re.match(r"\(\?:([^()]*)\)", alternative)
    heads = m.group(1).split("|") if m else [alternative]
    out = []
    for head in heads:
        w = _FIRST_WORD.match(head)
        if w is None:
            raise ValueError(f"pattern {alternative!r} does not start with a literal word")
        out.append(w.group(0).lower())
    return out


def _index_phrases() -> dict[str, dict[str, list[str]]]:
    by_word: dict[str, dict[str, list[str]]] = {}
    for kind, alternatives in _PHRASE_PATTERNS.items():
        for alt in alternatives:
            for word in _first_words(alt):
                by_word.setdefault(word, {}).setdefault(kind, []).append(alt)
    return by_word


_PHRASE_INDEX = _index_phrases()
_PHRASE_CACHE: dict[str, re.Pattern[str]] = {}


def _phrase(word: str) -> re.Pattern[str]:
    """The patterns a line starting with ``word`` (a key of _PHRASE_INDEX)
    may match, compiled on first use (one group per kind, named by its index)."""
    rx = _PHRASE_CACHE.get(word)
    if rx is None:
        kinds = _PHRASE_INDEX[word]
        rx = re.compile(
            "|".join(
                f"(?P<k{_PHRASE_KINDS.index(kind)}>{'|'.join(alts)})"
                for kind, alts in kinds.items()
            ),
            re.IGNORECASE,
        )
        _PHRASE_CACHE[word] = rx
    return rx


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


def match_line(s: str, flags: tuple[bool, bool] = (True, True)) -> str | None:
    """The furniture kind of one stripped, non-empty line by its patterns
    alone (None when no pattern matches). ``flags`` come from text_flags()
    on the whole document and let lines skip tests that cannot succeed."""
    core = s.lstrip(_BULLETS) or s
    n = len(core)
    if n > MAX_MATCH_LENGTH:
        return None
    c = core[0]
    if c.isalpha():
        word = core[:24].split(None, 1)[0].lower().rstrip(":!?.,;")
        if word in _PHRASE_INDEX:
            m = _phrase(word).fullmatch(core)
            if m is not None and m.lastgroup:
                return _PHRASE_KINDS[int(m.lastgroup[1:])]
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


def classify(lines: Sequence[str], text: str | None = None) -> list[str | None]:
    """The residue kind of every line (None for content and blank lines).

    A rule-based classifier in the spirit of jusText: patterns for known
    furniture, then runs of short item-like lines (menus, tag lists), then
    context: short, non-prose lines between two residue lines are residue.
    """
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
        kind = match_line(s, flags)
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
# The check
# --------------------------------------------------------------------------

_SHORT_LINE = 60  # lines up to this length are hashed for the corpus phase
_SHORT_KEEP = 12  # from the top and from the bottom of each document
_EXCERPT = 48


def _excerpt(s: str) -> str:
    return s if len(s) <= _EXCERPT else s[: _EXCERPT - 1].rstrip() + "…"


def _line_hash(s: str) -> int:
    """A stable 64-bit hash of a line, case and spacing folded (the built-in
    hash() differs between processes)."""
    b = " ".join(s.casefold().split()).encode()
    return zlib.crc32(b) << 32 | zlib.adler32(b)


def residue_summary(text: str, first_line: int = 1, first_column: int = 1) -> dict[str, Any]:
    """What the document phase keeps of one body: counts, the first line of
    each residue kind, and hashes of its short content lines."""
    lines = text.split("\n")
    kinds = classify(lines, text)
    total = chars = residue = rchars = 0
    strong: set[str] = set()
    first: dict[str, tuple[int, int, str]] = {}
    candidates: list[int] = []

    def where(i: int) -> tuple[int, int]:
        raw = lines[i]
        return first_line + i, len(raw) - len(raw.lstrip()) + (first_column if i == 0 else 1)

    fence = False
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            continue
        n = len(s)
        total += 1
        chars += n
        kind = kinds[i]
        if kind is None:
            if s[0] in "`~" and s.startswith(("```", "~~~")):
                fence = not fence
            elif n <= _SHORT_LINE and not fence and s[0] not in "#|":
                candidates.append(i)  # headings, tables and code are structure
            continue
        residue += 1
        rchars += n
        if kind in STRONG:
            strong.add(" ".join(s.casefold().split()))
        if kind not in first:
            first[kind] = (*where(i), _excerpt(s))
    if len(candidates) > 2 * _SHORT_KEEP:
        candidates = candidates[:_SHORT_KEEP] + candidates[-_SHORT_KEEP:]
    # Compact: the summaries of every document stay in memory together.
    hashes = array("Q")
    places = array("I")
    excerpts = []
    for i in candidates:
        s = lines[i].strip()
        hashes.append(_line_hash(s))
        places.extend((*where(i), len(s)))
        excerpts.append(_excerpt(s))
    return {
        "lines": total,
        "chars": chars,
        "strong": len(strong),
        "residue": residue,
        "rchars": rchars,
        "first": first,
        "short": (hashes, places, "\n".join(excerpts)),
    }


class Residue(NamedTuple):
    """What a document's own lines say (the corpus adds repeated lines)."""

    doc_id: str | None
    lines: int
    chars: int
    strong: int
    residue: int
    rchars: int
    first: tuple[tuple[str, tuple[int, int, str]], ...]
    """The first line of each residue kind: kind, (line, column, excerpt)."""


class Short(NamedTuple):
    """A short content line of a document, under the key of its hash: a line
    many documents share is boilerplate."""

    path: str
    occurrences: tuple[tuple[int, int, int, int], ...]
    """Where the document has it: (index among its short lines, line,
    column, characters)."""
    excerpt: str


class Repeated(NamedTuple):
    """One of the document's short lines, found in ``documents`` documents."""

    documents: int
    occurrences: tuple[tuple[int, int, int, int], ...]
    excerpt: str


class ScrapeResidue(KeyedCheck):
    """A document still carries the page it was scraped from: menus, banners, footers, feeds.

    **What it does.** Classifies every line of each document's body with a
    rule-based classifier in the spirit of jusText:

    - *patterns* for page furniture, matched against the whole line (after
      list bullets): XPath lines such as
      `/html/head/meta[@name='og:title']/@content`; cookie and consent
      banners; sign-up, sign-in and share prompts (`Registration was
      successful!`, `Please follow the link from the email`, `Subscribe`,
      `Share this story`); copyright and footer lines (`© 2021 …`, `All
      rights reserved`, `Privacy Policy`, `Impressum`); news-feed chrome
      (`Newsfeed`, `Read more`, `5 minutes ago`) and tickers (three or more
      `14:05 GMT Headline` lines in a row); forum chrome (`What's new`,
      `Users Who Are Viewing This Thread`, `Reply - Quote - Report`,
      `Top Bottom`, `Joined: …`); language pickers (`Edition:` then
      `English`, `Deutsch`, …, or names run together); bare image URLs.
      English and German phrasings;
    - *runs*: four or more short item-like lines in a row (a menu or a tag
      list: few words, mostly no stop words, no sentence punctuation; a
      Markdown list item is content, not a menu);
    - *weak signs*: metadata values alone on a line (`1920`, `true`,
      `en_EN`), contact lines, photo credits, breadcrumbs, words run
      together (`All materialsWrite to the author`), and a bare URL next to
      other residue;
    - *context*: short labels between two residue lines are residue
      (jusText's rule; headlines and dates there are kept);
    - *the corpus*: a short line (up to 60 characters; not a heading, a
      table row or code) that appears in at least `repeat-min-docs`
      documents and at least `repeat-share` of the corpus is boilerplate.

    A document is reported when residue is clearly present: at least
    `min-strong-lines` distinct lines of the unmistakable kinds (patterns
    and tickers; not the weak signs, menus, context or repeated lines), or
    at least `min-lines` residue lines of any kind making up at least
    `min-share` of the text's characters. The finding sits on the first
    residue line and quotes up to three lines of different kinds.

    **Why it matters.** A scrape that kept its page furniture is not the
    text the catalogue describes: menus, tickers and other articles'
    headlines give the date, duplicate and story checks words and dates
    that are not the document's, and mislead whoever quotes it.

    **Example.** `seeds/raw-scrape.txt:1:18: PV304 scrape-residue: page
    residue: 36 of 47 lines (31% of the text): line 1 "Thanks for signing
    up!" (sign-up prompt), line 20 "/html/head/meta[@name='og:title']/@content"
    (XPath), line 22 "https://cdn.example-news.test/img/2021/12/05/bl…"
    (image URL), …`

    **Options.** `min-strong-lines` (integer, default 2): distinct
    unmistakable furniture lines that flag a document on their own; one
    stray `Share this story` does not, a sign-up banner and a footer do.
    `min-lines` (default 5) and `min-share` (default 0.1): residue lines of
    any kind, and their share of the text's characters, that flag a
    document together (a menu of five items in a long article does not).
    `repeat-min-docs` (default 3) and `repeat-share` (default 0.05): in how
    many documents, and in what share of the corpus, a short line must
    appear to be boilerplate; a credit such as `Bloomberg` on two documents
    never is, and a repeated line only adds to the residue share.
    """

    code = "PV304"
    name = "scrape-residue"
    severity = Severity.WARNING
    scope = "corpus"
    options = {
        "min-strong-lines": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        "min-lines": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        "min-share": {"type": "number", "minimum": 0, "maximum": 1},
        "repeat-min-docs": {"type": "integer", "minimum": 2, "maximum": 1_000_000},
        "repeat-share": {"type": "number", "minimum": 0, "maximum": 1},
    }
    defaults = {
        "min-strong-lines": 2,
        "min-lines": 5,
        "min-share": 0.1,
        "repeat-min-docs": 3,
        "repeat-share": 0.05,
    }

    stages = ("line", "doc")
    records = (Residue, Short, Repeated)
    lonely = frozenset({"line"})

    def _need(self, totals: Totals) -> int:
        """In how many documents a short line must appear to be boilerplate."""
        return max(
            int(self.config["repeat-min-docs"]),
            math.ceil(float(self.config["repeat-share"]) * totals.emitters),
        )

    def totals_key(self, totals: Totals) -> Hashable:
        return self._need(totals)

    def emit(self, doc: Document) -> Iterator[tuple[tuple[Any, ...], Any]]:
        if doc.text is None:
            return
        header = doc.header
        if header is not None:
            info = residue_summary(header.body, header.body_line, header.body_column)
        else:
            info = residue_summary(doc.text)
        yield ("doc", doc.path), Residue(
            doc.doc_id,
            info["lines"],
            info["chars"],
            info["strong"],
            info["residue"],
            info["rchars"],
            tuple(info["first"].items()),
        )
        hashes, places, excerpts = info["short"]
        texts = excerpts.split("\n")
        seen: dict[int, list[tuple[int, int, int, int]]] = {}
        first_excerpt: dict[int, str] = {}
        for k, h in enumerate(hashes):
            seen.setdefault(h, []).append((k, places[3 * k], places[3 * k + 1], places[3 * k + 2]))
            first_excerpt.setdefault(h, texts[k])
        for h, occurrences in seen.items():
            yield ("line", h), Short(doc.path, tuple(occurrences), first_excerpt[h])

    def judge(
        self, key: tuple[Any, ...], records: Sequence[Any], totals: Totals
    ) -> Iterator[Finding | Emit]:
        if key[0] == "line":
            if len(records) >= self._need(totals):
                for short in records:
                    yield Emit(
                        ("doc", short.path),
                        Repeated(len(records), short.occurrences, short.excerpt),
                    )
            return
        own = [r for r in records if isinstance(r, Residue)]
        if not own:
            return
        info = own[0]
        residue, rchars = info.residue, info.rchars
        first = dict(info.first)
        repeated = [(occ, r) for r in records if isinstance(r, Repeated) for occ in r.occurrences]
        residue += len(repeated)
        rchars += sum(occ[3] for occ, _ in repeated)
        if repeated:
            (_k, line, col, _n), r = min(repeated, key=lambda item: item[0][0])
            first[f"{REPEATED} in {r.documents} documents"] = (line, col, r.excerpt)
        share = rchars / info.chars if info.chars else 0.0
        min_strong = int(self.config["min-strong-lines"])
        min_lines = int(self.config["min-lines"])
        min_share = float(self.config["min-share"])
        if info.strong >= min_strong or (residue >= min_lines and share >= min_share):
            yield self._finding(key[1], info.doc_id, info.lines, residue, share, first)

    def _finding(
        self,
        path: str,
        doc_id: str | None,
        lines: int,
        residue: int,
        share: float,
        first: dict[str, tuple[int, int, str]],
    ) -> Finding:
        by_line = sorted(first.items(), key=lambda kv: kv[1][:2])
        strong = [kv for kv in by_line if kv[0] in STRONG]
        weak = [kv for kv in by_line if kv[0] not in STRONG]
        shown = sorted((strong + weak)[:3], key=lambda kv: kv[1][:2])
        parts = [f'line {line} "{text}" ({kind})' for kind, (line, _c, text) in shown]
        if residue > len(shown):
            parts.append("…")
        pct = f"{share:.0%}" if share >= 0.005 or share == 0 else "<1%"
        line, col, _ = by_line[0][1]
        return self.finding(
            path,
            line,
            col,
            f"page residue: {residue} of {lines} lines ({pct} of the text): " + ", ".join(parts),
            doc_id=doc_id,
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[KeyedCheck]]:
    return [ScrapeResidue]
