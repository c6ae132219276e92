"""The ``scrape-residue`` check."""

from __future__ import annotations

import math
import zlib
from array import array
from collections.abc import Hashable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from provlint import Document, Emit, Finding, KeyedCheck, Severity, Totals, hookimpl

# The kinds and the line classifier are this module's interface too.
from .kinds import (
    BREADCRUMB,
    BYLINE,
    CONTACT,
    CONTEXT,
    COOKIE,
    CREDIT,
    FEED,
    FOOTER,
    FOOTER_LINK,
    FORUM,
    GLUED,
    IMAGE,
    LANGNAME,
    LANGUAGE,
    MENU,
    METADATA,
    NAV_LINK,
    NAVIGATION,
    OWN,
    RELATED,
    REPEATED,
    SHARE,
    SIGNUP,
    STRONG,
    TAGS,
    TICKER,
    URL,
    XPATH,
)
from .lines import body_lines, classify, match_line, text_flags
from .phrases import SECTIONS, STOP, Phrases, builtin

__all__ = [
    "BREADCRUMB",
    "BYLINE",
    "CONTACT",
    "CONTEXT",
    "COOKIE",
    "CREDIT",
    "FEED",
    "FOOTER",
    "FOOTER_LINK",
    "FORUM",
    "GLUED",
    "IMAGE",
    "LANGNAME",
    "LANGUAGE",
    "MENU",
    "METADATA",
    "NAVIGATION",
    "NAV_LINK",
    "OWN",
    "RELATED",
    "REPEATED",
    "SHARE",
    "SIGNUP",
    "STRONG",
    "TAGS",
    "TICKER",
    "URL",
    "XPATH",
    "Phrases",
    "ScrapeResidue",
    "body_lines",
    "builtin",
    "classify",
    "match_line",
    "residue_summary",
    "text_flags",
]

# --------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------

_FRAME = 2  # residue lines in the first and in the last fifth of a framed page
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


def residue_summary(
    text: str,
    first_line: int = 1,
    first_column: int = 1,
    phrases: Phrases | None = None,
    classified: tuple[list[str], list[str | None]] | None = None,
) -> dict[str, Any]:
    """What the document phase keeps of one body: counts, the first line of
    each residue kind, and hashes of its short content lines. ``classified``
    is ``text``'s lines and their kinds when already known."""
    if classified is None:
        lines = text.split("\n")
        kinds = classify(lines, text, phrases)
    else:
        lines, kinds = classified
    total = chars = residue = rchars = 0
    strong: set[str] = set()
    first: dict[str, tuple[int, int, str]] = {}
    candidates: list[int] = []

    def where(i: int) -> tuple[int, int]:
        raw = lines[i]
        return first_line + i, len(raw) - len(raw.lstrip()) + (first_column if i == 0 else 1)

    fence = False
    nonblank: list[int] = []
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            continue
        nonblank.append(i)
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
    # The first and the last fifth of the lines: furniture frames a page.
    fifth = max(1, len(nonblank) // 5)
    top = sum(1 for i in nonblank[:fifth] if kinds[i] is not None)
    bottom = sum(1 for i in nonblank[-fifth:] if kinds[i] is not None)
    top_until = first_line + nonblank[fifth - 1] if nonblank else 0
    bottom_from = first_line + nonblank[-fifth] if nonblank else 0
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
        "frame": (top, bottom, top_until, bottom_from),
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
    frame: tuple[int, int, int, int] = (0, 0, 0, 0)
    """Residue lines in the first and in the last fifth of the lines, and
    the line numbers where the first fifth ends and the last begins."""


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

    - *phrases* for page furniture, matched against the whole line (after
      list bullets): sign-in, registration and subscription prompts
      (`Registration was successful!`, `Passwort vergessen?`, `Mot de passe
      oublié ?`, `Войти`, `로그인`), share buttons (`Share this story`,
      `Compartir en Facebook`), cookie and consent banners, footers
      (`Privacy Policy`, `Impressum`, `Mentions légales`, `版权所有 …`),
      news-feed chrome and "related" headings (`Read more`, `Читайте также`,
      `関連記事`), navigation (`Skip to content`, `Volver arriba`,
      `← Older post`), forum chrome (`Reply - Quote - Report`, `Joined: …`),
      language pickers, and the weak signs bylines (`Par Jeanne Morel`,
      `김민준 기자`), tag lines, photo credits and related-article teasers
      (`Lesen Sie auch: …`). The lists cover English, German, French,
      Spanish, Portuguese, Italian, Dutch, Russian, Polish, Korean, Japanese
      and Chinese; they are data files beside the check
      (`plugins/scrape_residue/data/*.txt`, format described in
      `phrases.py`), and the `phrases` option adds to them;
    - *patterns*: XPath lines such as
      `/html/head/meta[@name='og:title']/@content`; copyright lines
      (`© 2021 …`); cookie banners, rights notices (`All rights reserved`,
      `Tous droits réservés`) and "5 minutes ago" stamps inside a longer
      line, in the same languages; tickers (three or more `14:05 GMT
      Headline` lines in a row); bare image URLs; counts such as `3
      Comments`; menus on one line (`Home | World | Sport`);
    - *runs*: four or more short item-like lines in a row (a menu or a tag
      list: few words, mostly no stop words, no sentence punctuation; a
      Markdown list item is content, not a menu). Chinese, Japanese and
      Korean lines are measured by display width (a wide character counts
      two) and read as sentences by their punctuation and particles, not
      by spaces; five or more short Chinese or Japanese words separated by
      spaces on one line are a menu;
    - *weak signs*: metadata values alone on a line (`1920`, `true`,
      `en_EN`), contact lines, breadcrumbs, words run together (`All
      materialsWrite to the author`), and a bare URL or a lone `Home` or
      `Search` next to other residue;
    - *context*: short labels between two residue lines are residue
      (jusText's rule; headlines and dates there are kept);
    - *the corpus*: a short line (up to 60 characters; not a heading, a
      table row or code) that appears in at least `repeat-min-docs`
      documents and at least `repeat-share` of the corpus is boilerplate.

    A document is reported when residue is clearly present: at least
    `min-strong-lines` distinct lines of the unmistakable kinds (phrases
    and patterns other than the weak signs; not menus, context or repeated
    lines); or at least `min-lines` residue lines of any kind making up at
    least `min-share` of the text's characters; or, whatever their share of
    a long page, at least `frame-lines` residue lines with two or more in
    the first fifth of the lines and two or more in the last fifth (the
    page's furniture above and below its text), or at least `count-lines`
    residue lines anywhere. The finding sits on the first residue line and
    quotes up to three lines of different kinds.

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
    `frame-lines` (default 10): residue lines that flag a document whatever
    their share when some sit above the text and some below it (a list of
    twenty names in the middle of an article does not). `count-lines`
    (default 40): residue lines that flag a document wherever they are.
    `repeat-min-docs` (default 3) and `repeat-share` (default 0.05): in how
    many documents, and in what share of the corpus, a short line must
    appear to be boilerplate; a credit such as `Bloomberg` on two documents
    never is, and a repeated line only adds to the residue count and share.
    `phrases` (a table of lists of strings, default empty): more furniture
    phrases by section of the data files (`sign-up`, `share`, `cookie`,
    `footer`, `footer-link`, `feed`, `related`, `forum`, `language`,
    `language-name`, `navigation`, `nav-link`, `byline`, `tags`, `credit`),
    and more `stop-words`. A phrase is literal text, never a regular
    expression: it matches a whole line, case and spacing ignored, with up
    to three punctuation marks after it; ending it with `…` lets the line go
    on. For example `[check.scrape-residue.phrases]` with `sign-up =
    ["Hafenblick Plus freischalten"]`.
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
        "frame-lines": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        "count-lines": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        "phrases": {
            "type": "object",
            "propertyNames": {"enum": [*SECTIONS, STOP]},
            "additionalProperties": {
                "type": "array",
                "items": {"type": "string", "minLength": 1, "maxLength": 200},
                "maxItems": 10_000,
            },
        },
    }
    defaults = {
        "min-strong-lines": 2,
        "min-lines": 5,
        "min-share": 0.1,
        "repeat-min-docs": 3,
        "repeat-share": 0.05,
        "frame-lines": 10,
        "count-lines": 40,
        "phrases": {},
    }

    stages = ("line", "doc")
    records = (Residue, Short, Repeated)
    lonely = frozenset({"line"})

    def __init__(self, options: Mapping[str, Any] | None = None, plugin: str = "") -> None:
        super().__init__(options, plugin)
        extra = self.config["phrases"]
        self.phrases = builtin().extended(extra) if extra else builtin()

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
        classified = body_lines(doc, self.phrases)
        if header is not None:
            info = residue_summary(
                header.body, header.body_line, header.body_column, classified=classified
            )
        else:
            info = residue_summary(doc.text, classified=classified)
        yield ("doc", doc.path), Residue(
            doc.doc_id,
            info["lines"],
            info["chars"],
            info["strong"],
            info["residue"],
            info["rchars"],
            tuple(info["first"].items()),
            info["frame"],
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
        top, bottom, top_until, bottom_from = info.frame
        first = dict(info.first)
        repeated = [(occ, r) for r in records if isinstance(r, Repeated) for occ in r.occurrences]
        residue += len(repeated)
        rchars += sum(occ[3] for occ, _ in repeated)
        top += sum(1 for occ, _ in repeated if occ[1] <= top_until)
        bottom += sum(1 for occ, _ in repeated if occ[1] >= bottom_from)
        if repeated:
            (_k, line, col, _n), r = min(repeated, key=lambda item: item[0][0])
            first[f"{REPEATED} in {r.documents} documents"] = (line, col, r.excerpt)
        share = rchars / info.chars if info.chars else 0.0
        min_strong = int(self.config["min-strong-lines"])
        min_lines = int(self.config["min-lines"])
        min_share = float(self.config["min-share"])
        framed = top >= _FRAME and bottom >= _FRAME
        if (
            info.strong >= min_strong
            or (residue >= min_lines and share >= min_share)
            or (framed and residue >= int(self.config["frame-lines"]))
            or residue >= int(self.config["count-lines"])
        ):
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
            properties={
                "residue_lines": residue,
                "lines": lines,
                "share": round(share, 4),
                "examples": [
                    {"kind": kind, "line": ln, "column": c, "text": text}
                    for kind, (ln, c, text) in shown
                ],
            },
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[KeyedCheck]]:
    return [ScrapeResidue]

