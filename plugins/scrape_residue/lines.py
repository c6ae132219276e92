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

from provlint import lazy_compile

from .kinds import (
    BREADCRUMB,
    BYLINE,
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
    NAV_LINK,
    NAVIGATION,
    STRONG,
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
    r"[©ⓒ](?=.{0,60}\b(?:19|20)\d\d(?!\d)).{0,120}"
    r"|(?:copyright\s*(?:[©ⓒ]|\(c\))?|\(c\))\s*(?:19|20)\d\d(?!\d).{0,120}",
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
# "Home > World > Europe > Title": the last step may be the page's own title.
_BREADCRUMB = lazy_compile(r"(?:[^>\u203a»|]{1,40}\s[>\u203a»]\s){2,6}[^>\u203a»|]{1,100}")
# "Home | World | Sport": separators between short items (a regular
# expression with optional spaces backtracks too much; split instead).
_MENU_SEP = re.compile(r"[|·•]|\s//?\s")


# "[Home] [About] [Contact]": links in brackets.
_BRACKET_ROW = re.compile(r"(?:\[[^\[\]]{1,30}\]\s*){3,13}")


def _furniture_row(core: str, phrases: Phrases) -> str | None:
    """A short row of items separated by bars or dots, every one of them
    furniture ("Datenschutz · Impressum"): the first strong kind among
    theirs, else the first kind."""
    items = [it.strip() for it in _MENU_SEP.split(core)]
    if len(items) < 2 or not all(items):
        return None
    found = []
    for it in items:
        kind = phrases.match(it) if it[0].isalpha() else None
        if kind is None:
            return None
        found.append(kind)
    return next((k for k in found if k in STRONG), found[0])


def _menu_row(core: str) -> bool:
    """Four to thirteen items of up to 30 characters, separated by bars,
    dots or slashes."""
    items = _MENU_SEP.split(core)
    return 4 <= len(items) <= 13 and all(0 < len(it.strip()) <= 30 for it in items)


# Furniture found inside a longer line: cookie banners, rights notices, ages.
# Each is tested on a window around a cheap substring hit (a regex search
# over a whole non-ASCII line is slow).
_COOKIE_NEAR = lazy_compile(
    r"\b(?:we|this (?:web)?site|our (?:web)?site|wir) (?:use|uses|verwenden|nutzen) cookies\b"
    r"|\bdiese (?:website|webseite|seite) (?:verwendet|nutzt) cookies\b"
    r"|\b(?:accept|reject|allow|manage|deny) (?:all )?cookies\b"
    r"|\bby continuing to (?:browse|use) (?:this|our) (?:web)?site\b"
    # The verb of "(this site) uses cookies" in French, Spanish, Portuguese,
    # Italian, Dutch, Polish and Russian, up to three words before the noun.
    r"|\b(?:utilise|utilisons|utilisent|dépose|utiliza|utilizamos|usa|usamos|utilizza"
    r"|utilizziamo|usiamo|gebruikt|gebruiken|maakt gebruik van|maken gebruik van|używa"
    r"|używamy|korzysta z|korzystamy z|wykorzystuje|stosuje|использует|используем|применяем)"
    r"(?: \w+){0,3} (?:cookies?|cookie-bestanden|куки)\b",
    re.IGNORECASE,
)
_RIGHTS_NEAR = lazy_compile(
    r"\b(?:all rights reserved|alle rechte vorbehalten|tous droits réservés"
    r"|(?:todos los )?derechos reservados|(?:todos os )?direitos reservados"
    r"|(?:tutti i )?diritti riservati|alle rechten voorbehouden|все права защищены"
    r"|(?:wszelkie|wszystkie) prawa zastrzeżone)\b"
    r"|무단 ?전재|版权所有|版權所有|無断転載|無断複製",
    re.I,
)
_AGO = lazy_compile(
    r"\b\d+ ?(?:seconds?|minutes?|mins?|hours?|hrs?) ago\b"
    r"|\bvor \d+ (?:sekunden|minuten|stunden)\b"
    r"|\bil y a \d+ (?:secondes?|minutes?|min|heures?|h)\b"
    r"|\b(?:hace|há) \d+ (?:segundos?|minutos?|min|horas?)\b"
    r"|\b\d+ (?:secondi|minuti|minuto|ore|ora) fa\b"
    r"|\b\d+ (?:seconden|minuten|minuut|uur) geleden\b"
    r"|\b\d+ (?:секунд[уы]?|минут[уы]?|час(?:а|ов)?) назад"  # noqa: RUF001
    r"|\b\d+ (?:sekund[ya]?|minut[ya]?|godzin[ya]?) temu\b"
    r"|\d+ ?(?:초|분|시간) ?전|\d+ ?(?:秒|分|時間|分钟|分鐘|小时|小時)前",
    re.IGNORECASE,
)
# "3 Comments", "12 комментариев": a count and what it counts.
_COUNT_LABEL = lazy_compile(
    r"\d[\d,.]{0,8} ?(?:comments?|responses?|replies|kommentare?|antworten|commentaires?"
    r"|réactions?|comentarios?|comentários?|commenti|reacties|komentarz[ey]?"
    r"|комментари(?:й|я|ев)|ответ(?:а|ов)?|views|aufrufe|vues|visitas|visualizações"  # noqa: RUF001
    r"|visualizzazioni|просмотр(?:а|ов)?|wyświetleń|条评论|條評論|件のコメント|개의 댓글)\W{0,3}",  # noqa: RUF001
    re.IGNORECASE,
)
# Chinese site licence numbers ("京ICP备…号"), always in the footer.
_ICP = lazy_compile(r"icp\s*(?:备|備|证|證)|公网安备|公網安備", re.IGNORECASE)
# "홍길동 기자": a Korean byline (a name, then the word for reporter).
_KO_BYLINE = lazy_compile(
    r"(?:\([^)]{1,20}\)\s*)?[가-힣]{2,4} ?(?:기자|특파원|객원기자|인턴기자|선임기자|논설위원)"
    r"(?:\s*[\w.+-]+@[\w.-]+)?\s*=?\W{0,3}"
)


def _inside(core: str, n: int, flags: Flags) -> str | None:
    """Cookie banners (up to 400 characters), rights notices (200) and
    "5 minutes ago" stamps (100) inside a line; ``flags`` say which of them
    the document's text can hold at all."""
    if flags[1]:
        for m in _COOKIE_HINT.finditer(core):
            k = m.start()
            if _COOKIE_NEAR.search(core, max(0, k - 60), k + 40):
                return COOKIE
    if flags[2] and n <= 200:
        for m in _RIGHTS_HINT.finditer(core):
            k = m.start()
            if _RIGHTS_NEAR.search(core, max(0, k - 25), k + 16):
                return FOOTER
    if flags[3] and n <= 100 and _DIGIT.search(core) and _AGO_HINT.search(core):
        return FEED if _AGO.search(core) else None
    return None


_SPECIALS = ("@", ">", "\u203a", "»", "|", "·", "•", "/")
_COOKIE_HINTS = ("ookie", "OOKIE", "y contin", "куки")
_RIGHTS_HINTS = (
    "eserved", "ESERVED", "orbehalten", "éservés", "ESERVADOS", "eservados", "iservati",
    "oorbehouden", "защищены", "zastrzeżone", "무단", "版权所有", "版權所有", "無断",
)  # fmt: skip
_AGO_HINTS = (
    " ago", "vor ", "il y a ", "hace ", "há ", "ti fa", "to fa", "re fa", "ra fa", "geleden",
    "назад", "temu", "분 전", "분전", "간 전", "간전", "초 전", "分前", "間前", "秒前", "钟前",
    "鐘前", "时前", "時前",
)  # fmt: skip
# One search for any of the hints (a loop of str.find costs more per line).
_COOKIE_HINT = re.compile("|".join(map(re.escape, _COOKIE_HINTS)))
_RIGHTS_HINT = re.compile("|".join(map(re.escape, _RIGHTS_HINTS)))
_AGO_HINT = re.compile("|".join(map(re.escape, _AGO_HINTS)))


Flags = tuple[bool, ...]
"""What :func:`text_flags` found in a text: separators, then cookie,
rights and "minutes ago" hints."""
ALL_FLAGS: Flags = (True, True, True, True)


def text_flags(text: str) -> Flags:
    """Whether ``text`` holds any of the characters and words that
    match_line looks for inside a line (tested once per document)."""
    # An ASCII text cannot hold the others: look for the ASCII ones only.
    specials, cookie, rights = _ASCII_NEEDLES if text.isascii() else _NEEDLES
    has = text.__contains__
    return (
        any(map(has, specials)),
        any(map(has, cookie)),
        any(map(has, rights)),
        True,  # "minutes ago" hints: tested per short line with a digit (cheaper)
    )


_NEEDLES = (_SPECIALS, _COOKIE_HINTS, _RIGHTS_HINTS)
_ASCII_NEEDLES = tuple(tuple(filter(str.isascii, needles)) for needles in _NEEDLES)


def _arrows(s: str) -> str | None:
    """Links drawn with arrows: to the neighbouring posts ("← Older post",
    "Newer post →"; navigation), or a short link or breadcrumb step
    ("Weiter »", "Home \u203a")."""
    if s[0] == "\u2190" or s[-1] == "\u2192":
        return NAVIGATION if len(s) <= 200 else None
    if len(s) <= 40 and (s.endswith((" »", " \u203a")) or s.startswith(("« ", "\u2039 "))):
        return BREADCRUMB
    return None


def match_line(s: str, flags: Flags = ALL_FLAGS, phrases: Phrases | None = None) -> str | None:
    """The furniture kind of one stripped, non-empty line by its patterns
    alone (None when no pattern matches). ``flags`` come from text_flags()
    on the whole document and let lines skip tests that cannot succeed;
    ``phrases`` are the phrase lists (default: the built-in data files).
    A pair ``(separators, hints)``, as text_flags() gave before, is read as
    four flags."""
    if len(flags) < 4:
        flags = (flags[0], flags[1], flags[1], flags[1])
    core = s.lstrip(_BULLETS) or s
    n = len(core)
    if n > MAX_MATCH_LENGTH:
        return None
    arrows = _arrows(s)
    if arrows is not None:
        return arrows
    c = core[0]
    if c == "[" and core[-1] == "]" and core.count("[") >= 3 and _BRACKET_ROW.fullmatch(core):
        return MENU
    if c in _OPENERS and n <= 60:
        # "[Print]", "【纠错】", "¿Olvidaste tu contraseña?": the words inside.
        inner = core.strip(_OPENERS + _CLOSERS + " ")
        if inner and inner[0].isalpha():
            kind = (phrases or builtin()).match(inner)
            if kind is not None:
                return kind
    if c.isalpha():
        kind = (phrases or builtin()).match(core)
        if kind is not None:
            return kind
        if c >= "\uac00" and n <= 60 and _KO_BYLINE.fullmatch(core):
            return BYLINE
    if n <= 200 and ("ICP" in core or "icp" in core or "安备" in core or "安備" in core):
        if _ICP.search(core):
            return FOOTER
    if c == "/" and _XPATH.fullmatch(core):
        return XPATH
    head = core[:9].lower()
    if "//" in head or head.startswith("www."):
        if _IMAGE.fullmatch(core):
            return IMAGE
        if _URL.fullmatch(core):
            return URL
    if c in "©ⓒ(" or head == "copyright":
        if _COPYRIGHT.fullmatch(core):
            return FOOTER
        if c in "©ⓒ":
            return CREDIT
    if n <= 10 or c.isdigit():
        if _METADATA.fullmatch(core):
            return METADATA
        if _TICKER.fullmatch(core):
            return TICKER
        if n <= 40 and _COUNT_LABEL.fullmatch(core):
            return FEED
    specials = flags[0]
    if specials and n <= 200:
        if (c == "+" or "@" in core or head.startswith(("tel", "phone", "fax"))) and (
            _CONTACT.fullmatch(core)
        ):
            return CONTACT
        if (">" in core or "\u203a" in core or "»" in core) and _BREADCRUMB.fullmatch(core):
            return BREADCRUMB
        bars = core.count("|") + core.count("·") + core.count("•")
        if bars + core.count(" / ") + core.count("//") >= 3 and _menu_row(core):
            return MENU
        if bars and n <= 120:
            row = _furniture_row(core, phrases or builtin())
            if row is not None:
                return row
    elif head.startswith(("tel", "phone", "fax")) and _CONTACT.fullmatch(core):
        return CONTACT
    if n <= 400 and (flags[1] or flags[2] or flags[3]):
        return _inside(core, n, flags)
    return None


# Kinds that are residue only in a run of consecutive lines (blank lines
# between them allowed): a lone "14:05 GMT ..." line may be a live blog
# entry, a lone "English" a word in a list.
_RUN_KINDS = {TICKER: 3, LANGNAME: 3}
# Kinds that are residue only next to other residue: a bare URL, a lone
# "Home" or "Search".
_BESIDE = frozenset({URL, NAV_LINK})
_BULLETS = " \t•*·-\u2013\u2014|>▪►»←→↑↓▸▶"
# A line in brackets, or a question or exclamation opened Spanish-style.
_OPENERS = "[【「『（(<‹«¿¡"  # noqa: RUF001
_CLOSERS = "]】」』）)>›»?!:"  # noqa: RUF001
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

# Chinese, Japanese and Korean (the ranges of wide characters, as in
# phrases.WIDE_RANGES). Wide classes are slow to compile: only text that is
# not ASCII needs them.
_WIDE = lazy_compile(r"[\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_HAN = lazy_compile(r"[\u2e80-\u9fff\uf900-\ufaff]")  # ideographs and kana, not Hangul
_HANGUL = lazy_compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_CJK_END = ".!?,;:\u3002\uff01\uff1f\uff0c\uff1b\uff1a\u2026\u3001"
# Sentence punctuation inside a line: a line of prose, not a headline or label.
_CJK_PROSE = re.compile(r"[\u3002\uff0c\u3001\uff01\uff1f\uff1b]|[,.] ")
# Sentence particles (Chinese), two case particles (Japanese), a verb
# ending (Korean): a sentence, not a menu item.
_CJK_SENTENCE = re.compile(r"[了吗呢吧啊嗎]|[はがをにで].*[はがをにで]|[다요]\W*$")
MAX_WIDE_ITEM = 24  # display width of a menu item in wide characters (12 of them)

GOOD_LENGTH = 70  # jusText's length_low: shorter lines are never prose on their own
LONG_LENGTH = 200  # jusText's length_high: a line this long is content unless matched
MAX_MATCH_LENGTH = 400  # longer lines are only tested for glued words
GOOD_STOP_SHARE = 0.25  # a little under jusText's stopwords_low (0.30): lines are short
MENU_RUN = 4  # consecutive item-like lines that make a menu or tag list
MAX_CONTEXT_RUN = 10  # short lines between residue lines taken as residue


_DIGIT = re.compile(r"\d")


def _stop_share(s: str, stop: frozenset[str]) -> float:
    """Share of stop words (``stop``: see Phrases.stop_lookup) among the
    first 40 words of ``s``."""
    words = s[:400].lower().split()[:40]
    if not words:
        return 0.0
    return sum(map(stop.__contains__, words)) / len(words)


def _cjk_menu_row(s: str) -> bool:
    """Chinese or Japanese menu items on one line, separated by spaces
    ("时政 地方 法治 高层 人事"): five or more short words, most of them in
    ideographs or kana (prose in these scripts has no spaces; Korean, which
    has, is left out)."""
    if s.isascii():  # no ideographs, no kana
        return False
    words = s.split()
    if len(words) < 5 or _HANGUL.search(s):
        return False
    if max(map(len, words)) > 6 or sum(map(len, words)) > 4.5 * len(words):
        return False
    return sum(1 for w in words if _HAN.match(w)) * 3 >= len(words) * 2


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
    stop = phrases.stop_lookup
    kinds: list[str | None] = [None] * len(lines)
    # 0 blank, 1 short / headline-like, 2 prose; item-like lines for menus.
    # A byte per line each (a list would take eight).
    cls = bytearray(len(lines))
    item = bytearray(len(lines))
    label = bytearray(len(lines))
    beside: list[tuple[int, str]] = []
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
            if kind in _BESIDE:
                beside.append((i, kind))  # residue only beside other residue
                item[i] = kind != URL and n <= 40
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
        wide = 0 if s.isascii() else len(_WIDE.findall(s))
        if wide:
            # Chinese, Japanese and Korean: length by display width (a wide
            # character counts two), sentences by their punctuation and
            # particles, since there are no stop words to count.
            width = n + wide
            if width >= LONG_LENGTH or (width >= GOOD_LENGTH and _CJK_PROSE.search(s)):
                cls[i] = 2
                continue
            if _cjk_menu_row(s):
                kinds[i] = MENU
                cls[i] = 1
                continue
            cls[i] = 1
            digit = _DIGIT.search(s) is not None
            label[i] = width <= 2 * MAX_WIDE_ITEM and not digit
            item[i] = (
                width <= MAX_WIDE_ITEM
                and s[-1] not in _CJK_END
                and "\uff1a" not in s
                and ": " not in s
                and not (digit and not s.isdigit())
                and not _LIST_ITEM.match(s)
                and not _CJK_SENTENCE.search(s)
            )
            continue
        if n >= LONG_LENGTH or (n >= GOOD_LENGTH and _stop_share(s, stop) >= GOOD_STOP_SHARE):
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
            and not _LIST_ITEM.match(s)
            and (spaces == 0 or _stop_share(s, stop) <= 1 / 3)
        ):
            item[i] = True

    nonblank = array("q", compress(range(len(lines)), cls))
    _runs(kinds, nonblank)
    _menus(kinds, item, nonblank)
    _context(kinds, cls, label, nonblank)
    if beside:
        where = {i: k for k, i in enumerate(nonblank)}
        for i, kind in beside:
            k = where[i]
            near = [nonblank[t] for t in (k - 1, k + 1) if 0 <= t < len(nonblank)]
            if kinds[i] is None and any(kinds[t] for t in near):
                kinds[i] = kind
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


_MEMO = "scrape-residue.lines"


def body_lines(doc: object, phrases: Phrases | None = None) -> tuple[list[str], list[str | None]]:
    """The lines of a document's body (:attr:`~provlint.Document.body`) and
    the residue kind of each (:func:`classify`), computed once per document:
    the result is kept in ``doc.cache`` for the other checks of the
    document phase (duplicate-content leaves furniture out of its shingles
    with it). ``phrases`` other than the built-in lists are not shared."""
    phrases = phrases or builtin()
    cache = getattr(doc, "cache", None)
    shared = phrases is builtin() and isinstance(cache, dict)
    if shared:
        hit = cache.get(_MEMO)  # type: ignore[union-attr]
        if hit is not None:
            return hit  # type: ignore[no-any-return]
    text: str = getattr(doc, "body", "") or ""
    lines = text.split("\n")
    result = (lines, classify(lines, text, phrases))
    if shared:
        cache[_MEMO] = result  # type: ignore[index]
    return result
