"""Phrase lists of page furniture, kept as data files beside the check.

The files are ``data/*.txt`` (UTF-8), one per language, plus
``common.txt`` for what reads the same in every language. Their format:

- a blank line, or a line starting with ``#``, is ignored;
- ``[section]`` starts a section: one of :data:`SECTIONS` (``sign-up``,
  ``share``, ``cookie``, ...), the kind of furniture its patterns find;
- in a ``[stop-words]`` section, each line holds function words separated
  by spaces (``the a an of``): a line with many of them reads as prose,
  not as a menu item;
- in a ``[define]`` section, ``name = regex`` defines ``%name%``, which
  patterns of any file may use (every file's definitions are read first);
- any other line is a *pattern*: a Python regular expression, matched
  case-insensitively against a whole line of the document (after list
  bullets and a leading ``¿`` or ``¡`` are stripped). It must start with a
  literal word, or with a group ``(?:word ...|word ...)`` whose
  alternatives each start with one; a pattern for Chinese, Japanese or
  Korean may start with any literal character of those scripts. A line is
  only tried against the patterns its first word (for those scripts, its
  first character) can start, so the lists can grow without slowing the
  check.

The check's ``phrases`` option adds *literal* phrases (never regular
expressions: a configuration found with a folder is data) to these lists,
by section: see :func:`literal`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .kinds import (
    BYLINE,
    COOKIE,
    CREDIT,
    FEED,
    FOOTER,
    FOOTER_LINK,
    FORUM,
    LANGNAME,
    LANGUAGE,
    NAV_LINK,
    NAVIGATION,
    RELATED,
    SHARE,
    SIGNUP,
    TAGS,
)

DATA = Path(__file__).resolve().parent / "data"

SECTIONS: dict[str, str] = {
    "sign-up": SIGNUP,
    "share": SHARE,
    "cookie": COOKIE,
    "footer": FOOTER,
    "footer-link": FOOTER_LINK,
    "feed": FEED,
    "forum": FORUM,
    "language": LANGUAGE,
    "language-name": LANGNAME,
    "navigation": NAVIGATION,
    "nav-link": NAV_LINK,
    "byline": BYLINE,
    "tags": TAGS,
    "related": RELATED,
    "credit": CREDIT,
}
"""Section names of the data files, and the kind of line each finds. When
a line matches patterns of several sections, the first section here wins."""

STOP = "stop-words"
"""The section of stop words: function words, separated by spaces (a line
with many of them is prose, not a menu item)."""

# Chinese, Japanese and Korean: the ranges of wide characters. Tested by
# code point: a character class this wide takes milliseconds to compile.
WIDE_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0xA4CF),
    (0xAC00, 0xD7AF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
)


def is_wide(c: str) -> bool:
    """Whether the character ``c`` is a wide (CJK) character."""
    o = ord(c)
    return o >= 0x1100 and any(low <= o <= high for low, high in WIDE_RANGES)


_LETTERS = re.compile(r"[^\W\d_]+")
_DEFINE = re.compile(r"%([a-z][a-z0-9-]*)%")


def key(s: str) -> str | None:
    """The index key of a line or pattern head: its first character in
    Chinese, Japanese and Korean, else its first run of letters, lower-cased
    (None when it starts with neither)."""
    if not s:
        return None
    if is_wide(s[0]):
        return s[0]
    m = _LETTERS.match(s)
    return m.group(0).lower() if m else None


def _heads(pattern: str) -> list[str]:
    """The index keys a pattern can start with."""
    heads = [pattern]
    if pattern.startswith("(?:"):
        # The alternatives of the leading group (nested groups kept whole).
        depth, start, heads = 0, 3, []
        for i, c in enumerate(pattern[3:], start=3):
            if c == "(" and pattern[i - 1] != "\\":
                depth += 1
            elif c == ")" and pattern[i - 1] != "\\":
                if depth == 0:
                    heads.append(pattern[start:i])
                    break
                depth -= 1
            elif c == "|" and depth == 0:
                heads.append(pattern[start:i])
                start = i + 1
    out = []
    for head in heads:
        k = key(head)
        if k is None:
            raise ValueError(f"pattern {pattern!r} does not start with a literal word")
        out.append(k)
    return out


def parse(text: str, source: str = "<phrases>") -> tuple[dict[str, str], dict[str, list[str]]]:
    """The definitions and the patterns by kind of one data file (stop
    words under the key ``stop-words``)."""
    defines: dict[str, str] = {}
    patterns: dict[str, list[str]] = {}
    section: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]") and " " not in line:
            section = line[1:-1]
            if section not in ("define", STOP) and section not in SECTIONS:
                raise ValueError(f"{source}:{number}: unknown section [{section}]")
            continue
        if section is None:
            raise ValueError(f"{source}:{number}: a pattern before any [section]")
        if section == "define":
            name, sep, value = line.partition("=")
            if not sep or not re.fullmatch(r"[a-z][a-z0-9-]*", name.strip()):
                raise ValueError(f"{source}:{number}: expected 'name = regex'")
            defines[name.strip()] = value.strip()
        elif section == STOP:
            patterns.setdefault(STOP, []).extend(line.lower().split())
        else:
            patterns.setdefault(SECTIONS[section], []).append(line)
    return defines, patterns


def _expand(pattern: str, defines: Mapping[str, str]) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in defines:
            raise ValueError(f"pattern {pattern!r} uses %{m.group(1)}%, which is not defined")
        return defines[m.group(1)]

    return _DEFINE.sub(sub, pattern)


def load(files: Iterable[Path]) -> dict[str, list[str]]:
    """The patterns by kind of the data files, definitions expanded."""
    defines: dict[str, str] = {}
    parsed = []
    for path in sorted(files):
        d, p = parse(path.read_text(encoding="utf-8"), path.name)
        defines.update(d)
        parsed.append(p)
    out: dict[str, list[str]] = {}
    for p in parsed:
        for kind, alternatives in p.items():
            if kind == STOP:
                out.setdefault(STOP, []).extend(alternatives)
            else:
                out.setdefault(kind, []).extend(_expand(a, defines) for a in alternatives)
    return out


_ELLIPSIS = ("…", "...")


def literal(phrase: str) -> str:
    """A literal phrase as a pattern: its words in order (case and the
    spacing between them ignored), then up to three punctuation marks; a
    phrase ending in ``…`` or ``...`` lets the line go on for up to 100
    characters. It must start with a letter (or a Chinese, Japanese or
    Korean character)."""
    words = phrase.split()
    tail = ""
    if words and words[-1].endswith(_ELLIPSIS):
        last = words[-1].rstrip(".…")
        words = words[:-1] + ([last] if last else [])
        tail = ".{0,100}"
    if not words or key(words[0]) is None:
        raise ValueError(f"phrase {phrase!r} must start with a letter")
    return r"\s+".join(map(re.escape, words)) + tail + r"\W{0,3}"


class Phrases:
    """Compiled phrase lists: which kind of furniture a whole line is.

    Patterns are grouped by the index key they can start with and compiled
    per key on first use (one regular expression per key, one named group
    per kind), so a line costs one dictionary look-up and at most one
    match."""

    def __init__(self, by_kind: Mapping[str, Sequence[str]]) -> None:
        order = list(SECTIONS.values())
        self.stop_words: frozenset[str] = frozenset(by_kind.get(STOP, ()))
        # With trailing punctuation too: splitting on spaces alone is much
        # faster than a word pattern on non-ASCII text.
        self.stop_lookup: frozenset[str] = self.stop_words | {
            w + p for w in self.stop_words for p in ",.;:!?"
        }
        by_kind = {k: v for k, v in by_kind.items() if k != STOP}
        self.kinds: tuple[str, ...] = tuple(sorted(by_kind, key=order.index))
        self.by_kind: dict[str, list[str]] = {k: list(by_kind[k]) for k in self.kinds}
        self.index: dict[str, dict[str, list[str]]] = {}
        for kind in self.kinds:
            for alt in by_kind[kind]:
                for word in _heads(alt):
                    self.index.setdefault(word, {}).setdefault(kind, []).append(alt)
        self._cache: dict[str, re.Pattern[str]] = {}

    def _pattern(self, word: str) -> re.Pattern[str]:
        rx = self._cache.get(word)
        if rx is None:
            kinds = self.index[word]
            rx = re.compile(
                "|".join(
                    f"(?P<k{self.kinds.index(kind)}>{'|'.join(alts)})"
                    for kind, alts in kinds.items()
                ),
                re.IGNORECASE,
            )
            self._cache[word] = rx
        return rx

    def match(self, core: str) -> str | None:
        """The kind of furniture ``core`` (a stripped line starting with a
        letter) is, or None."""
        c = core[0]
        if c >= "\u1100" and is_wide(c):
            word = c
        else:
            m = _LETTERS.match(core, 0, 24)
            if m is None:
                return None
            word = m.group(0).lower()
        if word not in self.index:
            return None
        m = self._pattern(word).fullmatch(core)
        if m is None or not m.lastgroup:
            return None
        return self.kinds[int(m.lastgroup[1:])]

    def extended(self, extra: Mapping[str, Sequence[str]]) -> Phrases:
        """These lists plus literal phrases by section name."""
        by_kind = {kind: list(alts) for kind, alts in self.by_kind.items()}
        by_kind[STOP] = sorted(self.stop_words)
        for section, phrases in extra.items():
            if section == STOP:
                by_kind[STOP] += [w.lower() for p in phrases for w in p.split()]
            elif section in SECTIONS:
                by_kind.setdefault(SECTIONS[section], []).extend(map(literal, phrases))
            else:
                raise ValueError(
                    f"unknown section {section!r}; expected {STOP} or one of {list(SECTIONS)}"
                )
        return Phrases(by_kind)


@functools.cache
def builtin() -> Phrases:
    """The phrase lists of the data files beside this module."""
    return Phrases(load(DATA.glob("*.txt")))
