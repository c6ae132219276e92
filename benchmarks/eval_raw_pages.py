"""Measure provlint's checks on raw web pages: labelled main text, furniture and dates.

Reads ``../shared/eval/raw-pages/`` (990 saved web pages, gzipped HTML, with
``pages.jsonl``: each page's url, hand-labelled publication date where known,
``with`` snippets of its main text and ``without`` snippets of page
furniture; third-party data, read from its place and never copied) and, for
the overlap with clean text, ``../shared/eval/dated-pages.jsonl``. Without
the first it prints a message and exits with status 0; without the second
it leaves the overlap out.

Each page is turned into *raw text* the way a naive scraper would
(:func:`html_to_text`, standard library only): the bytes are decoded as
UTF-8, else with the charset the page declares, else as cp1252; the
contents of ``script``, ``style``, ``noscript`` and ``template`` are
dropped; every block element (``p``, ``div``, ``li``, ``h1``-``h6``,
``tr``, ``br``, ``section``, ``article``, ``header``, ``footer``, ``nav``,
``aside``, ``title``, ``table``, ``ul``, ``blockquote`` ... see ``BLOCK``)
starts and ends a line; the cells of a table row (``td``, ``th``) are
joined on one line with spaces; whitespace is collapsed and empty lines are
dropped. The text goes into a temporary corpus (INDEX.md plus one file per
page with YAML front matter) and ``provlint.run`` checks it with only the
measured checks selected, in one process by default (``--jobs``).

Sections:

* **dates** (pages with a labelled ``date``): corpora declaring the true
  date (every date finding of warning or error severity is a false alarm)
  and the date shifted 30, 90 and 365 days early (every such finding is a
  detection), each with the page's ``url`` declared (INDEX.md and header;
  a page labelled with no http(s) url never has one) and without it. Per
  run: the share of pages with a finding, by check (date-mismatch,
  date-inconsistent).

  *Stamp detection at -30 d*: among the pages whose raw text has a date
  stamp near the top (:func:`stamp_line`: one of the first ``STAMP_LINES``
  lines, at most ``STAMP_CHARS`` characters long, that contains the true
  date written as ``2021-03-05``, ``March 5, 2021`` / ``Mar. 5, 2021``,
  ``5 March 2021`` / ``5. März 2021`` / ``5 mars 2021``, ``05.03.2021`` /
  ``5.3.2021`` or ``05/03/2021``, not inside a longer number; English,
  German and French month names and English abbreviations), the share
  with a date finding when the date is declared 30 days early, with and
  without the url.

  *Raw against clean*: the pages also in ``dated-pages.jsonl`` (same
  normalised url, :func:`norm_url`) whose two labelled dates agree. Their
  clean text (that file's ``text``) goes into a corpus of its own declaring
  the same date; the false alarms (true date) and detections (-30 d) of the
  raw and the clean text of the same pages are printed side by side.

* **scrape-residue**: a page is *positive* (its raw text carries page
  furniture) when at least one of its ``without`` snippets survives in the
  raw text (case and whitespace folded, substring match), *negative*
  otherwise. One run on all raw pages with only scrape-residue selected:
  recall = positive pages flagged / positive pages, precision = positive
  pages flagged / pages flagged (a negative page is only one whose
  labelled furniture did not survive: flagged, it counts as a false
  positive even if it carries other furniture). A second run on *clean
  bodies*, one document per page made of its ``with`` snippets only (one
  paragraph each): every finding there is a false alarm. The finding names one line, not the
  lines it counts, so the line-level figures call the check's own line
  classifier (``classify`` in ``provlint.plugins.scrape_residue``; without
  the corpus rule for lines repeated across documents) on each raw text: the
  share of lines holding a surviving ``without`` snippet that it classes as
  residue, against the share of lines holding a ``with`` snippet. They are
  left out, with a note, if that function is gone or has changed shape.

* **duplicate-content**: one run on all raw pages. A reported pair (the
  finding's document and the one in its ``related``) is a true positive
  when the two pages are the same article: the same normalised url, or
  each holding at least half of the other's ``with`` snippets
  (:func:`same_article`); otherwise it is a false pair, printed with both
  urls. Precision = true pairs / reported pairs. Recall: a second run on
  all raw pages plus copies of ``--copies`` of them (a seeded sample of
  pages of at least 30 words, the check's ``min-words``) under other file
  names, every other copy with small edits (its shortest line dropped,
  three words changed, a line added: :func:`edit_copy`). A copy is
  detected when a finding pairs it with its original, or with a page that
  is the same article as its original (of identical texts, the check
  reports each copy against the earliest one only).

    python benchmarks/eval_raw_pages.py                  # everything, under a minute
    python benchmarks/eval_raw_pages.py --limit 100 --show 3
    python benchmarks/eval_raw_pages.py --sections residue,duplicates --json

Exit status 0 whatever the figures (it measures; it asserts nothing).
"""

from __future__ import annotations

import argparse
import bisect
import gzip
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "eval" / "raw-pages"
DEFAULT_CLEAN = REPO.parent / "shared" / "eval" / "dated-pages.jsonl"
DATE_CHECKS = ("date-mismatch", "date-inconsistent")
SHIFTS = (0, 30, 90, 365)
SECTIONS = ("dates", "residue", "duplicates")
MIN_WORDS = 30
"""duplicate-content's default ``min-words``: shorter texts are never compared."""

# --------------------------------------------------------------------------
# HTML to raw text
# --------------------------------------------------------------------------

SKIP = frozenset({"script", "style", "noscript", "template"})
"""Elements whose content a naive scraper drops."""
BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "li",
        "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
        "tfoot", "thead", "title", "tr", "ul",
    }
)  # fmt: skip
"""Elements that start and end a line."""
CELL = frozenset({"td", "th"})
"""Table cells: joined on their row's line, separated by a space."""

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(raw: bytes) -> str:
    """The page's text: UTF-8 when the bytes are valid UTF-8, else the
    charset its first ``<meta>`` declares, else cp1252 (undecodable bytes
    replaced)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(raw[:8192])
    if m:
        try:
            return raw.decode(m.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return raw.decode("cp1252", errors="replace")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP:
            self.skip += 1
        elif tag in BLOCK:
            self.parts.append("\n")
        elif tag in CELL:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK:
            self.parts.append("\n")
        elif tag in CELL:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            # Line breaks in the source are spaces: only elements break lines.
            self.parts.append(data.replace("\n", " ").replace("\r", " "))


def html_to_text(html: str) -> str:
    """Raw text of an HTML page, one line per block element (see the module
    docstring)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------
# The data
# --------------------------------------------------------------------------


@dataclass
class Page:
    pid: str
    url: str
    day: date | None
    with_: list[str]
    without: list[str]
    text: str = ""
    folded: str = field(default="", repr=False)

    @property
    def web_url(self) -> str | None:
        """The url, when it is one (a few pages are labelled ``hard::FILE``)."""
        return self.url if self.url.startswith(("http://", "https://")) else None


def fold(s: str) -> str:
    """Case and whitespace folded, for snippet matching."""
    return " ".join(s.casefold().split())


def norm_url(url: str) -> str:
    """A url without scheme, ``www.``, fragment, ``utm_*`` parameters and
    trailing slash, host in lower case."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")])
    return host + parts.path.rstrip("/") + ("?" + query if query else "")


_LABEL = re.compile(r"(\d{4})\D(\d{1,2})\D(\d{1,2})")


def parse_label(value: str | None) -> date | None:
    """A labelled date: ``YYYY-MM-DD``, read leniently (a few labels read
    ``2022-01.26``, ``2022-11-1``, or ``2022-29-11`` with day and month
    swapped); None when absent or impossible."""
    m = _LABEL.fullmatch(value.strip()) if value else None
    if not m:
        return None
    y, a, b = map(int, m.groups())
    for month, day in ((a, b), (b, a)):
        try:
            return date(y, month, day)
        except ValueError:
            continue
    return None


def load_pages(data: Path, limit: int = 0) -> list[Page]:
    """The pages of ``data/pages.jsonl`` (the first ``limit`` when given),
    with their raw text."""
    pages: list[Page] = []
    with (data / "pages.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            pid = f"p{len(pages):04d}"
            html = decode_html(gzip.decompress((data / rec["file"]).read_bytes()))
            text = html_to_text(html)
            pages.append(
                Page(
                    pid,
                    rec["url"],
                    parse_label(rec.get("date")),
                    [s for s in rec.get("with") or () if s.strip()],
                    [s for s in rec.get("without") or () if s.strip()],
                    text,
                    fold(text),
                )
            )
            if limit and len(pages) >= limit:
                break
    return pages


def load_clean(path: Path) -> dict[str, dict[str, str]]:
    """``dated-pages.jsonl`` by normalised url."""
    out = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rec = json.loads(line)
                out[norm_url(rec["url"])] = rec
    return out


# --------------------------------------------------------------------------
# Running provlint
# --------------------------------------------------------------------------


@dataclass
class Doc:
    pid: str
    text: str
    url: str | None = None
    day: date | None = None
    folder: str = "pages"


def write_corpus(root: Path, docs: Iterable[Doc]) -> None:
    """INDEX.md and one file per document, with YAML front matter (id, and
    url and date when given)."""
    rows = ["| id | file | source | url | date |", "|---|---|---|---|---|"]
    for d in docs:
        rel = f"{d.folder}/{d.pid}.txt"
        (root / d.folder).mkdir(exist_ok=True)
        host = (urlsplit(d.url).hostname if d.url else None) or "unknown"
        url = d.url.replace("|", "%7C") if d.url else ""
        when = d.day.isoformat() if d.day else ""
        rows.append(f"| {d.pid} | {rel} | {host} | {url} | {when} |")
        header = f"---\nid: {d.pid}\n"
        if d.url:
            header += f"url: {json.dumps(d.url)}\n"
        if d.day:
            header += f"date: {when}\n"
        (root / rel).write_text(header + "---\n" + d.text + "\n", encoding="utf-8")
    (root / "INDEX.md").write_text(
        "# Evaluation corpus\n\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )


@dataclass
class Run:
    seconds: float
    findings: list[Any]


def run_checks(docs: Sequence[Doc], select: Sequence[str], jobs: int) -> Run:
    import provlint

    with tempfile.TemporaryDirectory(prefix="provlint-raw-") as tmp:
        root = Path(tmp)
        write_corpus(root, docs)
        cfg = provlint.Config(select=tuple(select), load_entrypoints=False, jobs=jobs)
        started = time.perf_counter()
        report = provlint.run(root, cfg)
        seconds = time.perf_counter() - started
    return Run(seconds, list(report.findings))


def _serious(f: Any) -> bool:
    return bool(f.severity.value in ("error", "warning"))


def _show(findings: Iterable[Any], n: int, out: Callable[[str], None]) -> None:
    for f in list(findings)[:n]:
        out(f"    {f.path}:{f.line}: {f.check}: {f.message[:300]}")


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

STAMP_LINES = 15
"""How many lines from the top of the raw text may hold the date stamp."""
STAMP_CHARS = 100
"""The longest line taken as a stamp (a byline or a dateline, not a paragraph)."""

_EN = ("january february march april may june july august september october november "
       "december").split()  # fmt: skip
_DE = "januar februar märz april mai juni juli august september oktober november dezember".split()
_FR = ("janvier février mars avril mai juin juillet août septembre octobre novembre "
       "décembre").split()  # fmt: skip
_ABBR = "jan feb mar apr may jun jul aug sep oct nov dec".split()


def _stamp_pattern(day: date) -> re.Pattern[str]:
    """The written forms of ``day`` a stamp line may hold (case folded)."""
    d, m, y = day.day, day.month, day.year
    months = {_EN[m - 1], _DE[m - 1], _FR[m - 1], _ABBR[m - 1] + r"\.?"}
    if m == 9:
        months.add(r"sept\.?")
    if m == 3:
        months.add("maerz")
    month = "(?:" + "|".join(sorted(months)) + ")"
    day_num = rf"0?{d}" if d < 10 else str(d)
    forms = [
        rf"{y}-{m:02d}-{d:02d}",
        rf"{month} {day_num}(?:st|nd|rd|th)?,? {y}",
        rf"{day_num}(?:\.|er|st|nd|rd|th)? ?{month},? {y}",
        rf"0?{d}\.0?{m}\.{y}",
        rf"{d:02d}/{m:02d}/{y}",
    ]
    return re.compile(r"(?<![\w-])(?:" + "|".join(forms) + r")(?![\d-])")


def stamp_line(text: str, day: date) -> int | None:
    """The number (1-based) of the first of the first ``STAMP_LINES`` lines
    of ``text`` that is at most ``STAMP_CHARS`` long and holds ``day`` in a
    common written form, or None."""
    pattern = _stamp_pattern(day)
    for i, line in enumerate(text.split("\n")[:STAMP_LINES], 1):
        if len(line) <= STAMP_CHARS and pattern.search(" ".join(line.casefold().split())):
            return i
    return None


def _touched(findings: Iterable[Any], checks: Sequence[str]) -> dict[str, set[str]]:
    """doc id -> the checks with a warning or error finding on it."""
    out: dict[str, set[str]] = {}
    for f in findings:
        if f.check in checks and _serious(f):
            out.setdefault(f.doc_id or Path(f.path).stem, set()).add(f.check)
    return out


def _share(n: int, of: int) -> float:
    return n / of if of else 0.0


def _date_row(
    touched: dict[str, set[str]], ids: Sequence[str], checks: Sequence[str]
) -> dict[str, Any]:
    mine = {i: touched[i] for i in ids if i in touched}
    row: dict[str, Any] = {
        "pages": len(ids),
        "any": len(mine),
        "share": _share(len(mine), len(ids)),
    }
    for c in checks:
        n = sum(1 for v in mine.values() if c in v)
        row[c] = {"pages": n, "share": _share(n, len(ids))}
    return row


def _declared(page: Page, shift: int) -> date:
    """The date a corpus declares for a dated page: ``shift`` days early."""
    assert page.day is not None
    return page.day - timedelta(days=shift)


def eval_dates(
    pages: Sequence[Page],
    clean: dict[str, dict[str, str]] | None,
    shifts: Sequence[int],
    jobs: int,
    show: int,
    out: Callable[[str], None],
) -> dict[str, Any]:
    dated = [p for p in pages if p.day is not None]
    ids = [p.pid for p in dated]
    stamps = {p.pid: n for p in dated if (n := stamp_line(p.text, _declared(p, 0))) is not None}
    runs = []
    touched_at: dict[tuple[int, bool], dict[str, set[str]]] = {}
    for shift in shifts:
        for with_url in (True, False):
            docs = [
                Doc(p.pid, p.text, p.web_url if with_url else None, _declared(p, shift))
                for p in dated
            ]
            run = run_checks(docs, DATE_CHECKS, jobs)
            touched = _touched(run.findings, DATE_CHECKS)
            touched_at[shift, with_url] = touched
            runs.append(
                {"shift": shift, "url": with_url, "seconds": run.seconds}
                | _date_row(touched, ids, DATE_CHECKS)
            )
            if show:
                what = f"-{shift} d" if shift else "the true date"
                out(f"  dates, {what}, url {'declared' if with_url else 'not declared'}:")
                _show((f for f in run.findings if _serious(f)), show, out)
    result: dict[str, Any] = {"pages": len(dated), "runs": runs}
    if 30 in shifts:
        stamped = sorted(stamps)
        result["stamp"] = {
            "pages": len(stamped),
            "lines": STAMP_LINES,
            "max_chars": STAMP_CHARS,
            "url": _date_row(touched_at[30, True], stamped, DATE_CHECKS),
            "no_url": _date_row(touched_at[30, False], stamped, DATE_CHECKS),
        }
        if show:
            missed = [p for p in dated if p.pid in stamps and p.pid not in touched_at[30, False]]
            out("  stamped pages missed at -30 d (url not declared):")
            for p in missed[:show]:
                line = p.text.split("\n")[stamps[p.pid] - 1]
                out(f"    {p.pid} {p.day} line {stamps[p.pid]}: {line[:120]}")
    if clean is not None:
        result["overlap"] = _eval_overlap(dated, clean, touched_at, shifts, jobs, show, out)
    return result


def _eval_overlap(
    dated: Sequence[Page],
    clean: dict[str, dict[str, str]],
    touched_at: dict[tuple[int, bool], dict[str, set[str]]],
    shifts: Sequence[int],
    jobs: int,
    show: int,
    out: Callable[[str], None],
) -> dict[str, Any]:
    both = [(p, clean[norm_url(p.url)]) for p in dated if norm_url(p.url) in clean]
    agree = [(p, c) for p, c in both if c.get("date") == _declared(p, 0).isoformat()]
    ids = [p.pid for p, _ in agree]
    res: dict[str, Any] = {
        "matched": len(both),
        "dates_agree": len(agree),
        "runs": [],
    }
    for shift in [s for s in (0, 30) if s in shifts]:
        for with_url in (True, False):
            docs = [
                Doc(p.pid, c["text"], p.web_url if with_url else None, _declared(p, shift))
                for p, c in agree
            ]
            run = run_checks(docs, DATE_CHECKS, jobs)
            res["runs"].append(
                {
                    "shift": shift,
                    "url": with_url,
                    "raw": _date_row(touched_at[shift, with_url], ids, DATE_CHECKS),
                    "clean": _date_row(_touched(run.findings, DATE_CHECKS), ids, DATE_CHECKS),
                }
            )
            if show and shift == 0:
                url = "declared" if with_url else "not declared"
                out(f"  clean text of the overlap, the true date, url {url}:")
                _show((f for f in run.findings if _serious(f)), show, out)
    return res


# --------------------------------------------------------------------------
# scrape-residue
# --------------------------------------------------------------------------


def _present(snippets: Iterable[str], folded_text: str) -> list[str]:
    return [s for s in snippets if fold(s) and fold(s) in folded_text]


def _line_spans(lines: Sequence[str]) -> tuple[str, list[int]]:
    """The folded lines joined by spaces, and where each starts."""
    starts, parts, at = [], [], 0
    for line in lines:
        f = fold(line)
        starts.append(at)
        parts.append(f)
        at += len(f) + 1
    return " ".join(parts), starts


def _lines_with(snippets: Iterable[str], joined: str, starts: Sequence[int]) -> set[int]:
    """The indices of the lines that hold an occurrence of a snippet."""
    hit: set[int] = set()
    for s in snippets:
        needle = fold(s)
        if not needle:
            continue
        at = joined.find(needle)
        while at >= 0:
            first = bisect.bisect_right(starts, at) - 1
            last = bisect.bisect_right(starts, at + len(needle) - 1) - 1
            hit.update(range(first, last + 1))
            at = joined.find(needle, at + 1)
    return hit


def _classifier() -> Callable[[Sequence[str], str], list[str | None]] | None:
    try:
        from provlint.plugins.scrape_residue import classify
    except ImportError:
        return None
    try:
        kinds = classify(["a b c", "Privacy Policy"], "a b c\nPrivacy Policy")
    except TypeError:
        return None
    if not isinstance(kinds, list) or len(kinds) != 2:
        return None
    return classify


def eval_residue(
    pages: Sequence[Page], jobs: int, show: int, out: Callable[[str], None]
) -> dict[str, Any]:
    positive = {p.pid for p in pages if _present(p.without, p.folded)}
    body_ok = sum(1 for p in pages if len(_present(p.with_, p.folded)) == len(p.with_))
    raw = run_checks([Doc(p.pid, p.text, p.web_url) for p in pages], ("scrape-residue",), jobs)
    flagged = set(_touched(raw.findings, ("scrape-residue",)))
    hits = flagged & positive
    bodies = [Doc(p.pid, "\n\n".join(p.with_), p.web_url) for p in pages if p.with_]
    clean = run_checks(bodies, ("scrape-residue",), jobs)
    clean_flagged = set(_touched(clean.findings, ("scrape-residue",)))
    res: dict[str, Any] = {
        "pages": len(pages),
        "body_present": body_ok,
        "positive": len(positive),
        "negative": len(pages) - len(positive),
        "flagged": len(flagged),
        "flagged_positive": len(hits),
        "flagged_negative": len(flagged - positive),
        "recall": _share(len(hits), len(positive)),
        "precision": _share(len(hits), len(flagged)),
        "clean_bodies": len(bodies),
        "clean_flagged": len(clean_flagged),
        "clean_false_alarm_rate": _share(len(clean_flagged), len(bodies)),
        "seconds": raw.seconds + clean.seconds,
    }
    classify = _classifier()
    if classify is None:
        res["lines"] = None
    else:
        res["lines"] = _residue_lines(pages, flagged, classify)
    if show:
        out("  scrape-residue on raw pages, flagged:")
        _show(raw.findings, show, out)
        out("  scrape-residue, positive pages not flagged:")
        for p in [p for p in pages if p.pid in positive and p.pid not in flagged][:show]:
            out(f"    {p.pid} {p.url}: surviving {_present(p.without, p.folded)[:3]}")
        out("  scrape-residue on clean bodies (false alarms):")
        _show(clean.findings, show, out)
    return res


def _residue_lines(
    pages: Sequence[Page],
    flagged: set[str],
    classify: Callable[[Sequence[str], str], list[str | None]],
) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    for p in pages:
        lines = p.text.split("\n")
        kinds = classify(lines, p.text)
        joined, starts = _line_spans(lines)
        furniture = _lines_with(p.without, joined, starts)
        body = _lines_with(p.with_, joined, starts)
        both = furniture & body
        scopes = ("all", "flagged") if p.pid in flagged else ("all",)
        for scope in scopes:
            for label, idx in (("without", furniture - both), ("with", body - both)):
                counts[f"{scope}.{label}"] += len(idx)
                counts[f"{scope}.{label}.residue"] += sum(1 for i in idx if kinds[i] is not None)
            counts[f"{scope}.lines"] += len(lines)
            counts[f"{scope}.lines.residue"] += sum(1 for k in kinds if k is not None)
        counts["both"] += len(both)
    res: dict[str, Any] = {"mixed_lines": counts["both"]}
    for scope in ("all", "flagged"):
        res[scope] = {
            label: {
                "lines": counts[f"{scope}.{label}"],
                "residue": counts[f"{scope}.{label}.residue"],
                "share": _share(counts[f"{scope}.{label}.residue"], counts[f"{scope}.{label}"]),
            }
            for label in ("without", "with", "lines")
        }
    return res


# --------------------------------------------------------------------------
# duplicate-content
# --------------------------------------------------------------------------


def same_article(a: Page, b: Page) -> bool:
    """The same normalised url, or each page holds at least half of the
    other's ``with`` snippets."""
    if norm_url(a.url) == norm_url(b.url):
        return True
    if not a.with_ or not b.with_:
        return False
    return len(_present(a.with_, b.folded)) * 2 >= len(a.with_) and len(
        _present(b.with_, a.folded)
    ) * 2 >= len(b.with_)


def _pairs(findings: Iterable[Any]) -> set[tuple[str, str]]:
    out = set()
    for f in findings:
        if f.check == "duplicate-content" and f.related:
            a, b = Path(f.path).stem, Path(f.related[0].path).stem
            out.add((min(a, b), max(a, b)))
    return out


def edit_copy(text: str, rng: random.Random) -> str:
    """A lightly edited copy: its shortest line dropped (of more than
    three), three words replaced, one line added."""
    lines = text.split("\n")
    if len(lines) > 3:
        del lines[min(range(len(lines)), key=lambda i: len(lines[i]))]
    for _ in range(3):
        i = rng.randrange(len(lines))
        words = lines[i].split(" ")
        words[rng.randrange(len(words))] = "edited"
        lines[i] = " ".join(words)
    lines.insert(rng.randrange(len(lines) + 1), "A line added to the copy.")
    return "\n".join(lines)


def eval_duplicates(
    pages: Sequence[Page], copies: int, seed: int, jobs: int, show: int, out: Callable[[str], None]
) -> dict[str, Any]:
    by_id = {p.pid: p for p in pages}
    docs = [Doc(p.pid, p.text, p.web_url) for p in pages]
    run = run_checks(docs, ("duplicate-content",), jobs)
    pairs = sorted(_pairs(run.findings))
    true = [pr for pr in pairs if same_article(by_id[pr[0]], by_id[pr[1]])]
    false = [pr for pr in pairs if pr not in set(true)]
    res: dict[str, Any] = {
        "pages": len(pages),
        "reported": len(pairs),
        "true": len(true),
        "false": len(false),
        "precision": _share(len(true), len(pairs)) if pairs else None,
        "false_pairs": [[by_id[a].url, by_id[b].url] for a, b in false],
        "seconds": run.seconds,
    }
    if show:
        out("  duplicate-content on raw pages:")
        _show(run.findings, show, out)
    eligible = [p for p in pages if len(p.text.split()) >= MIN_WORDS]
    rng = random.Random(seed)
    sample = rng.sample(eligible, min(copies, len(eligible)))
    originals: dict[str, str] = {}
    copy_docs = []
    for k, p in enumerate(sample):
        cid = f"c{k:04d}"
        originals[cid] = p.pid
        text = edit_copy(p.text, rng) if k % 2 else p.text
        copy_docs.append(Doc(cid, text, None, None, "copies"))
    rec = run_checks(docs + copy_docs, ("duplicate-content",), jobs)
    found: set[str] = set()
    elsewhere: set[str] = set()
    for a, b in _pairs(rec.findings):
        for cid, other in ((a, b), (b, a)):
            if cid not in originals:
                continue
            orig = by_id[originals[cid]]
            if other == orig.pid or (other in by_id and same_article(orig, by_id[other])):
                found.add(cid)
            else:
                elsewhere.add(cid)
    elsewhere -= found
    exact = [c for k, c in enumerate(originals) if k % 2 == 0]
    edited = [c for k, c in enumerate(originals) if k % 2]
    res["recall"] = {
        "copies": len(originals),
        "detected": len(found),
        "recall": _share(len(found), len(originals)) if originals else None,
        "exact": {"copies": len(exact), "detected": len(found & set(exact))},
        "edited": {"copies": len(edited), "detected": len(found & set(edited))},
        "paired_elsewhere": len(elsewhere),
        "seconds": rec.seconds,
    }
    if show:
        out("  copies not detected:")
        for cid in [c for c in originals if c not in found][:show]:
            out(f"    {cid} (copy of {originals[cid]} {by_id[originals[cid]].url})")
    return res


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def evaluate(
    data: Path,
    clean_path: Path | None = None,
    *,
    sections: Sequence[str] = SECTIONS,
    shifts: Sequence[int] = SHIFTS,
    limit: int = 0,
    copies: int = 50,
    seed: int = 1,
    jobs: int = 1,
    show: int = 0,
    out: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Every section's figures for the pages in ``data`` (a folder laid out
    like ``raw-pages/``)."""
    started = time.perf_counter()
    pages = load_pages(data, limit)
    result: dict[str, Any] = {
        "data": str(data),
        "pages": len(pages),
        "empty_text": sum(1 for p in pages if not p.text),
        "no_web_url": sum(1 for p in pages if p.web_url is None),
        "convert_seconds": time.perf_counter() - started,
    }
    if "dates" in sections:
        clean = load_clean(clean_path) if clean_path is not None and clean_path.is_file() else None
        result["dates"] = eval_dates(pages, clean, shifts, jobs, show, out)
    if "residue" in sections:
        result["residue"] = eval_residue(pages, jobs, show, out)
    if "duplicates" in sections:
        result["duplicates"] = eval_duplicates(pages, copies, seed, jobs, show, out)
    result["seconds"] = time.perf_counter() - started
    return result


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def _row_cells(row: dict[str, Any]) -> str:
    return f"{row['any']:>5} {_pct(row['share']):>7}  " + "  ".join(
        f"{c} {row[c]['pages']:>4} {_pct(row[c]['share']):>6}" for c in DATE_CHECKS
    )


def report(res: dict[str, Any], out: Callable[[str], None] = print) -> None:
    out(
        f"{res['pages']} pages from {res['data']} ({res['empty_text']} with no text, "
        f"{res['no_web_url']} with no http(s) url); "
        f"HTML to text {res['convert_seconds']:.1f} s"
    )
    dates = res.get("dates")
    if dates:
        out(f"\nDates: {dates['pages']} pages with a labelled date; pages with a date finding")
        out(f"{'shift':>8} {'url':>4} {'pages':>5} {'share':>7}  by check")
        for r in dates["runs"]:
            label = "0 (true)" if r["shift"] == 0 else f"-{r['shift']} d"
            out(f"{label:>8} {'yes' if r['url'] else 'no':>4} {_row_cells(r)}")
        st = dates.get("stamp")
        if st:
            out(
                f"\nStamp detection at -30 d: {st['pages']} pages with the true date in a line of "
                f"at most {st['max_chars']} characters among the first {st['lines']}"
            )
            out(f"  url declared     {_row_cells(st['url'])}")
            out(f"  url not declared {_row_cells(st['no_url'])}")
        ov = dates.get("overlap")
        if ov:
            out(
                f"\nRaw against clean text: {ov['matched']} dated pages also in dated-pages.jsonl, "
                f"{ov['dates_agree']} with the same date label"
            )
            out(f"{'shift':>8} {'url':>4} {'text':>5} {'pages':>5} {'share':>7}  by check")
            for r in ov["runs"]:
                label = "0 (true)" if r["shift"] == 0 else f"-{r['shift']} d"
                url = "yes" if r["url"] else "no"
                for kind in ("raw", "clean"):
                    out(f"{label:>8} {url:>4} {kind:>5} {_row_cells(r[kind])}")
    sr = res.get("residue")
    if sr:
        out(
            f"\nscrape-residue: {sr['positive']} positive pages (a `without` snippet survives), "
            f"{sr['negative']} negative; {sr['body_present']} of {sr['pages']} pages keep "
            "every `with` snippet"
        )
        out(
            f"  raw pages flagged {sr['flagged']}: {sr['flagged_positive']} positive, "
            f"{sr['flagged_negative']} negative; recall {_pct(sr['recall'])}, "
            f"precision {_pct(sr['precision'])}"
        )
        out(
            f"  clean bodies (`with` snippets only) flagged {sr['clean_flagged']} of "
            f"{sr['clean_bodies']} ({_pct(sr['clean_false_alarm_rate'])} false alarms)"
        )
        lines = sr.get("lines")
        if lines is None:
            out("  line level: left out (the check's classify() is not available)")
        else:
            out("  line level (the check's line classifier, without the repeated-line rule):")
            out(f"    {'pages':>8} {'lines holding':>14} {'lines':>7} {'residue':>7} {'share':>7}")
            for scope in ("all", "flagged"):
                for label, what in (("without", "`without`"), ("with", "`with`"), ("lines", "any")):
                    c = lines[scope][label]
                    out(
                        f"    {scope:>8} {what:>14} {c['lines']:>7} {c['residue']:>7} "
                        f"{_pct(c['share']):>7}"
                    )
            out(f"    ({lines['mixed_lines']} lines hold both kinds and are left out)")
    dup = res.get("duplicates")
    if dup:
        out(
            f"\nduplicate-content: {dup['reported']} pairs among {dup['pages']} raw pages, "
            f"{dup['true']} the same article, {dup['false']} false; "
            f"precision {_pct(dup['precision'])}"
        )
        for a, b in dup["false_pairs"]:
            out(f"  false pair: {a}  ~  {b}")
        rc = dup["recall"]
        out(
            f"  recall on {rc['copies']} copies: {rc['detected']} detected "
            f"({_pct(rc['recall'])}); exact {rc['exact']['detected']}/{rc['exact']['copies']}, "
            f"edited {rc['edited']['detected']}/{rc['edited']['copies']}; "
            f"{rc['paired_elsewhere']} paired with another page only"
        )
    out(f"\ntook {res['seconds']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the raw-pages folder")
    parser.add_argument(
        "--clean", type=Path, default=DEFAULT_CLEAN, help="dated-pages.jsonl (clean text)"
    )
    parser.add_argument("--sections", default=",".join(SECTIONS), help="of " + ",".join(SECTIONS))
    parser.add_argument("--shifts", default=",".join(map(str, SHIFTS)), help="days early")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--copies", type=int, default=50, help="copies for duplicate recall")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="provlint worker processes")
    parser.add_argument("--show", type=int, default=0, help="print N example findings a section")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not (args.data / "pages.jsonl").is_file():
        print(f"no raw pages at {args.data}; nothing to measure", file=sys.stderr)
        return 0
    sections = [s for s in args.sections.split(",") if s]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    shifts = [int(s) for s in args.shifts.split(",") if s]
    # --show output goes to stderr with --json, so that stdout stays one JSON object.
    show_out = (lambda s: print(s, file=sys.stderr)) if args.json else print
    res = evaluate(
        args.data,
        args.clean,
        sections=sections,
        shifts=shifts,
        limit=args.limit,
        copies=args.copies,
        seed=args.seed,
        jobs=args.jobs,
        show=args.show,
        out=show_out,
    )
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        report(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
