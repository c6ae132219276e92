"""The `html` output format: one self-contained HTML page.

The page holds a summary (counts by severity, by check and by document),
filters, an inline SVG timeline of the corpus's declared dates, a graph of
the ``derived_from`` links and duplicate groups, every finding grouped by
document with the line it points at, and the run's details (provlint's
version and effective configuration). It needs no network: CSS is inline,
there is no script, no font and no external resource, and a
Content-Security-Policy forbids loading any. Everything taken from the
corpus is HTML-escaped (``html.escape``, quotes included, so it is safe in
attributes too).

**Anchors.** Each document has one anchor (``#doc-…``) and each finding one
(``#f-…``), both derived from the path (and the finding's position, code and
message), so a link stays valid from one run to the next while the finding
stays. Summary rows, timeline marks, graph nodes and related locations are
links to them.

**Filters** are CSS only: a checkbox per severity and per check, read with
``:has()``; opening a document's anchor (``#doc-…``) shows that document
alone (``:target``).

**Timeline.** One mark per dated INDEX.md row at its declared date; where
marks would stack higher than a few, every column of a few pixels becomes a
bar whose height counts its documents. Gaps in the dates much longer than
the dated stretches are cut out of the axis (a break mark stands for them).
Labels (tick dates, the names of documents whose dates disagree) are placed
from estimated text boxes so that none overlaps another or leaves the
drawing; a label that finds no free place is left out (the mark keeps its
tooltip and link). Below the axis, a strip per document with a
``date-mismatch`` or ``date-inconsistent`` finding (at most
:data:`STRIP_MAX`, those whose dates are furthest apart) shows its declared
date against the dates its evidence supports: the ``properties`` of its
findings (:data:`EVIDENCE_KEYS`) where the check sets them, else the ISO
dates (``YYYY-MM-DD``) its messages name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, TextIO

from provlint import Severity, hookimpl
from provlint.catalogue import read_catalogue
from provlint.model import Finding, split_ids
from provlint.output import (
    FormatOptions,
    OutputFormat,
    escape_path,
    sanitize,
    source_line,
)
from provlint.report import Report

DATE_CHECKS = frozenset({"date-mismatch", "date-inconsistent"})
DUPLICATE_CHECKS = frozenset({"duplicate-content"})
PADDING_DAYS = 3

# Dates in a message that are not evidence from the text: today's date.
_NOT_EVIDENCE = re.compile(r"today is \d{4}-\d{2}-\d{2}")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")

_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)

# SVG geometry
W = 1100
"""The width of every drawing (px)."""
_LEFT = 170  # room for the strip's document names
_RIGHT = 30
_TOP = 8
_STACK = 12  # vertical distance between marks sharing a column
_MAX_DOTS = 8  # the highest stack drawn as dots; higher: bars
_BIN = 6  # bar width (px) in bar mode
_BAR_H = 110  # the tallest bar (px)
_LABEL_H = 14  # height of a label row
_LABEL_ROWS = 8  # the most label rows above the marks
_CHAR_W = 6.6  # estimated width of one character at 11px (a generous average)
_BREAK_W = 28  # width of an axis break
_MIN_SEG_W = 70  # narrowest segment of a broken axis
_MAX_BREAKS = 6
_STRIP_ROW = 18
STRIP_MAX = 30
"""The most documents the date strip shows (those whose dates are furthest apart)."""
_SRC_WINDOW = 160  # characters of a long source line shown around the column
GRAPH_MAX_NODES = 80
"""The most documents the provenance graph draws; the rest are counted."""
_GRAPH_COL = 180
_NODE_W = 150
_GRAPH_ROW = 22
_GRAPH_COL_MAX = 14  # nodes drawn per column of one group

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 color:#1d2330;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
h3{font-size:15px;margin:4px 0 6px;font-family:ui-monospace,Menlo,Consolas,monospace}
a{color:#1a4f9c}
.meta{color:#5b6475}
table{border-collapse:collapse;background:#fff;margin:6px 12px 6px 0}
.tables{display:flex;flex-wrap:wrap;align-items:flex-start}
th,td{border:1px solid #d9dde5;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#eef0f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;min-width:58px;padding:1px 6px;border-radius:4px;color:#fff;
 font-size:12px;text-align:center}
.sev-error{background:#c62828}.sev-warning{background:#b26a00}.sev-info{background:#1565c0}
.filters{background:#fff;border:1px solid #d9dde5;border-radius:6px;padding:8px 14px;margin:10px 0}
.filters fieldset{border:0;margin:0;padding:2px 0}
.filters legend{float:left;font-weight:600;margin-right:10px;padding:0}
.filters label{margin-right:14px;white-space:nowrap;display:inline-block}
.filters .docs ul{columns:3;margin:4px 0;padding-left:18px;max-height:240px;overflow:auto}
.doc-block{background:#fff;border:1px solid #d9dde5;border-radius:6px;padding:6px 14px 10px;
 margin:10px 0}
.doc-block:target,.finding:target{outline:3px solid #f2b705;outline-offset:2px}
.finding{border-top:1px solid #eceef2;padding:6px 0}
.finding:first-of-type{border-top:0}
.loc,.code{font-family:ui-monospace,Menlo,Consolas,monospace}
.msg{white-space:pre-wrap;overflow-wrap:anywhere}
.src{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;background:#f3f4f7;
 border-left:3px solid #c5cad3;padding:2px 8px;margin:4px 0;white-space:pre-wrap;
 overflow-wrap:anywhere}
.src .ln{color:#8a93a3;user-select:none;margin-right:8px}
mark{background:#ffe08a;color:inherit;border-radius:2px;padding:0 1px}
.related{margin:2px 0 0 18px;padding:0;color:#5b6475;list-style:square}
.timeline,.graph{background:#fff;border:1px solid #d9dde5;border-radius:6px;max-width:100%;
 height:auto}
.legend span{margin-right:18px}
.sw{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px}
.clean-sw{background:#3f7cc4}.flagged-sw{background:#e65100}.ev-sw{border:2px solid #e65100}
dl.run{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;background:#fff;
 border:1px solid #d9dde5;border-radius:6px;padding:8px 14px}
dl.run dt{font-weight:600}dl.run dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;
 overflow-wrap:anywhere}
svg .axis{stroke:#3a4150;stroke-width:1.5}
svg .tick line,svg .grid{stroke:#e1e4ea}
svg text{font-size:11px;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
svg .tick text{fill:#5b6475}
svg .doc{fill:#3f7cc4;stroke:#fff;stroke-width:1}
svg .doc.flagged{fill:#e65100;stroke:#7a2a00;stroke-width:1.5}
svg .bar{fill:#3f7cc4}svg .bar-flagged{fill:#e65100}
svg a:hover .doc,svg a:hover .bar,svg a:hover .node rect{stroke:#111;stroke-width:2}
svg .break{fill:#f6f7f9;stroke:none}svg .break-mark{stroke:#3a4150;stroke-width:1.5;fill:none}
svg .leader{stroke:#c9a27e;stroke-width:1}
svg .label{fill:#7a2a00}
svg .strip-base{stroke:#eceef2}
svg .strip-name{fill:#1d2330}
svg .declared{fill:#3f7cc4;stroke:#1d2330;stroke-width:1}
svg .evidence{stroke:#e65100;stroke-width:2;stroke-dasharray:5 3;fill:none}
svg .evidence-date{fill:#fff;stroke:#e65100;stroke-width:2}
svg .node rect{fill:#eef3fb;stroke:#3f7cc4;stroke-width:1}
svg .node.more rect{fill:#f6f7f9;stroke:#9aa3b2;stroke-dasharray:3 2}
svg .node text{fill:#1d2330}
svg .edge{stroke:#3f7cc4;stroke-width:1.5;fill:none}
svg .edge.dup{stroke:#b26a00;stroke-dasharray:5 3}
svg .arrow{fill:#3f7cc4}
"""


def _t(value: object) -> str:
    """File-derived text, safe for HTML text and attribute values."""
    return html.escape(sanitize(str(value)), quote=True)


def _p(path: object) -> str:
    """A file name or path, escaped as :func:`provlint.output.escape_path`
    shows it, safe for HTML text and attribute values."""
    return html.escape(escape_path(str(path)), quote=True)


def _hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _parse_date(text: object) -> dt.date | None:
    if not isinstance(text, str) or not text:
        return None
    m = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?\s*", text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _dates_in(text: str) -> list[dt.date]:
    out: list[dt.date] = []
    for m in _ISO.finditer(text):
        d = _parse_date(m.group(0))
        if d is not None and d not in out:
            out.append(d)
    return out


def evidence_dates(message: str) -> list[dt.date]:
    """The ISO dates a date finding's message names, in order, without
    repeats; ``a..b`` ranges give both ends; today's date is left out."""
    return _dates_in(_NOT_EVIDENCE.sub("", message))


def _property_dates(value: Any) -> list[dt.date]:
    """The ISO dates in a property's value: a date string (``a or b`` gives
    both), a mapping's ``date``/``dates``/``when`` values, or a list of them."""
    if isinstance(value, str):
        return _dates_in(value)
    if isinstance(value, Mapping):
        out: list[dt.date] = []
        for key in ("date", "dates", "when", "value", "earliest", "latest"):
            if key in value:
                out += _property_dates(value[key])
        return out
    if isinstance(value, list | tuple):
        return [d for item in value for d in _property_dates(item)]
    return []


EVIDENCE_KEYS = (
    "found",
    "evidence",
    "evidence_dates",
    "mentions",
    "support",
    "story",
    "proposed",
    "proposed_date",
)
"""The ``properties`` keys whose dates are the dates a finding's evidence supports."""


def finding_dates(f: Finding) -> tuple[dt.date | None, list[dt.date]]:
    """The declared date a date finding names and the dates its evidence
    supports: from ``properties`` where the check sets them (``expected``
    or ``declared``; the keys of :data:`EVIDENCE_KEYS`), else the ISO dates
    the message names (and no declared date)."""
    props = f.properties or {}
    declared: dt.date | None = None
    for key in ("expected", "declared"):
        ds = _property_dates(props.get(key))
        if ds:
            declared = ds[0]
            break
    evidence: list[dt.date] = []
    for key in EVIDENCE_KEYS:
        for d in _property_dates(props.get(key)):
            if d not in evidence:
                evidence.append(d)
    if evidence:
        return declared, evidence
    return declared, evidence_dates(f.message)


def _norm(path: str) -> str:
    text = path.replace("\\", "/").strip()
    return str(PurePosixPath(text)) if text else ""


# --- anchors -------------------------------------------------------------------------------


class Anchors:
    """The page's anchors: one per document (by path) and one per finding,
    stable across runs, unique in the page."""

    def __init__(self) -> None:
        self._docs: dict[tuple[int, str], str] = {}
        self._findings: dict[int, str] = {}
        self._used: set[str] = set()

    def _unique(self, base: str) -> str:
        name, n = base, 2
        while name in self._used:
            name, n = f"{base}-{n}", n + 1
        self._used.add(name)
        return name

    def doc(self, report: int, path: str) -> str:
        key = (report, _norm(path))
        if key not in self._docs:
            self._docs[key] = self._unique(f"doc-{_hash(f'{report}:{key[1]}')}")
        return self._docs[key]

    def has_doc(self, report: int, path: str) -> bool:
        return (report, _norm(path)) in self._docs

    def finding(self, report: int, f: Finding) -> str:
        key = id(f)
        if key not in self._findings:
            text = f"{report}:{f.path}:{f.line}:{f.column}:{f.code}:{f.message}"
            self._findings[key] = self._unique(f"f-{_hash(text)}")
        return self._findings[key]


# --- timeline --------------------------------------------------------------------------------


class _Doc:
    __slots__ = ("date", "evidence", "file", "flagged", "id", "messages")

    def __init__(self, id: str, file: str, date: dt.date) -> None:
        self.id = id
        self.file = file
        self.date = date
        self.flagged = False
        self.evidence: list[dt.date] = []
        self.messages: list[str] = []

    @property
    def name(self) -> str:
        return self.id or escape_path(self.file)


def timeline_documents(report: Report) -> list[_Doc]:
    """The dated catalogue rows of ``report``'s corpus, with the evidence
    dates of their date findings."""
    try:
        catalogue = read_catalogue(report.root)
    except Exception:  # a broken catalogue is already a finding
        return []
    docs: list[_Doc] = []
    by_file: dict[str, list[_Doc]] = defaultdict(list)
    by_id: dict[str, list[_Doc]] = defaultdict(list)
    for row in catalogue.rows:
        when = _parse_date(row.get("date"))
        if when is None:
            continue
        doc = _Doc(row.id or "", row.file or "", when)
        docs.append(doc)
        if doc.file:
            by_file[_norm(doc.file)].append(doc)
        if doc.id:
            by_id[doc.id].append(doc)
    for f in report.findings:
        if f.check not in DATE_CHECKS:
            continue
        targets = by_file.get(_norm(f.path), []) if f.path else []
        if not targets and f.doc_id:
            targets = by_id.get(f.doc_id, [])
        _declared, evidence = finding_dates(f)
        for doc in targets:
            doc.flagged = True
            doc.messages.append(f.message)
            for d in evidence:
                if d != doc.date and d not in doc.evidence:
                    doc.evidence.append(d)
    return docs


def _shift(d: dt.date, days: int) -> dt.date:
    """``d`` moved by ``days``, held within the dates Python can represent
    (year 1 to 9999)."""
    n = min(max(d.toordinal() + days, dt.date.min.toordinal()), dt.date.max.toordinal())
    return dt.date.fromordinal(n)


@dataclass(frozen=True)
class Segment:
    """A stretch of the axis: dates ``start``..``end`` drawn from ``x0`` over ``width`` px."""

    start: dt.date
    end: dt.date
    x0: float
    width: float

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)

    def x(self, d: dt.date) -> float:
        return round(self.x0 + self.width * (d - self.start).days / self.days, 1)


@dataclass
class Axis:
    """A time axis over ``segments``, broken between them."""

    segments: list[Segment]

    def x(self, d: dt.date) -> float:
        starts = [s.start for s in self.segments]
        i = max(0, bisect_right(starts, d) - 1)
        return self.segments[i].x(d)

    @property
    def breaks(self) -> list[tuple[float, float, int]]:
        """(x from, x to, days cut) of each break."""
        out = []
        for a, b in zip(self.segments, self.segments[1:], strict=False):
            out.append((a.x0 + a.width, b.x0, (b.start - a.end).days))
        return out


def make_axis(dates: Iterable[dt.date], left: float = _LEFT, right: float = W - _RIGHT) -> Axis:
    """An axis over ``dates``: the gaps between dated stretches that are
    long (over 45 days and over a tenth of the whole span) are cut, at most
    :data:`_MAX_BREAKS` of them, the longest first; each stretch is padded
    and gets a width in proportion to its days (at least a minimum)."""
    days = sorted(set(dates))
    first, last = days[0], days[-1]
    span = max(1, (last - first).days)
    gaps = [
        (days[i + 1].toordinal() - days[i].toordinal(), i)
        for i in range(len(days) - 1)
        if days[i + 1].toordinal() - days[i].toordinal() > max(45, span // 10)
    ]
    cuts = sorted(i for _, i in sorted(gaps, reverse=True)[:_MAX_BREAKS])
    stretches: list[tuple[dt.date, dt.date]] = []
    lo = 0
    for i in cuts:
        stretches.append((days[lo], days[i]))
        lo = i + 1
    stretches.append((days[lo], days[-1]))
    padded = []
    for a, b in stretches:
        pad = max(PADDING_DAYS if len(stretches) == 1 else 1, (b - a).days // 30)
        padded.append((_shift(a, -pad), _shift(b, pad)))
    total_w = right - left - _BREAK_W * (len(padded) - 1)
    spare = max(0.0, total_w - _MIN_SEG_W * len(padded))
    total_days = sum(max(1, (b - a).days) for a, b in padded)
    segments = []
    x0 = left
    for a, b in padded:
        width = _MIN_SEG_W + spare * max(1, (b - a).days) / total_days
        segments.append(Segment(a, b, x0, width))
        x0 += width + _BREAK_W
    return Axis(segments)


def _tick_candidates(start: dt.date, end: dt.date, width: float) -> list[tuple[dt.date, str]]:
    """Tick dates in ``start..end``, about one per 70 px of ``width``."""
    span = max(1, (end - start).days)
    per_px = span / max(width, 1)
    step_days = per_px * 70
    first, last = start.toordinal(), end.toordinal()
    out: list[tuple[dt.date, str]] = []
    if step_days <= 1:
        for n in range(first, last + 1):
            d = dt.date.fromordinal(n)
            out.append((d, f"{d:%b} {d.day}"))
    elif step_days <= 10:
        step = 7 if step_days > 3 else max(1, math.ceil(step_days))
        n0 = first + (7 - start.weekday()) % 7 if step == 7 else first
        for n in range(n0, last + 1, step):
            d = dt.date.fromordinal(n)
            out.append((d, f"{d:%b} {d.day}"))
    elif step_days <= 300:
        months = max(1, round(step_days / 30))
        for m in (1, 2, 3, 4, 6, 12):
            if m >= months:
                months = m
                break
        y, m = start.year, start.month
        while y <= dt.MAXYEAR:
            d = dt.date(y, m, 1)
            if d > end:
                break
            if d >= start and (m - 1) % months == 0:
                out.append((d, f"{d:%b %Y}" if m == 1 or not out else f"{d:%b}"))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        step = max(1, math.ceil(step_days / 365))
        for y in range(start.year + 1, end.year + 1):
            if y % step == 0:
                out.append((dt.date(y, 1, 1), str(y)))
    return out


def text_width(text: str) -> float:
    """A generous estimate of ``text``'s width at 11px (wide characters count double)."""
    wide = sum(1 for c in text if ord(c) > 0x2E80)
    return (len(text) + wide) * _CHAR_W + 4


Box = tuple[float, float, float, float]


def _overlap(a: Box, b: Box, gap: float = 2) -> bool:
    return a[0] < b[2] + gap and b[0] < a[2] + gap and a[1] < b[3] + gap and b[1] < a[3] + gap


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def stack_levels(xs: Sequence[float], gap: float = 8) -> list[int]:
    """The stacking level of each marker at x positions ``xs`` (in
    non-decreasing order): the lowest level that no earlier marker less than
    ``gap`` to its left holds. One pass: the markers within ``gap`` are a
    window that slides right, with a count per level held in it and a heap
    of the levels that became free, so n markers at one date take
    O(n log n), not O(n²)."""
    import heapq
    from collections import deque

    levels: list[int] = []
    window: deque[tuple[float, int]] = deque()
    held: list[int] = []  # markers in the window at each level
    free: list[int] = []  # levels whose count fell to 0 (some may be taken again)
    for xd in xs:
        while window and not abs(window[0][0] - xd) < gap:
            _, lvl = window.popleft()
            held[lvl] -= 1
            if held[lvl] == 0:
                heapq.heappush(free, lvl)
        while free and held[free[0]] > 0:
            heapq.heappop(free)  # taken again since it was freed
        if free:
            lvl = heapq.heappop(free)
        else:
            lvl = len(held)  # every level so far is held: a new one
            held.append(0)
        held[lvl] += 1
        levels.append(lvl)
        window.append((xd, lvl))
    return levels


@dataclass
class Timeline:
    """A rendered timeline: its SVG and the boxes of the labels it placed."""

    svg: str
    label_boxes: list[Box] = field(default_factory=list)
    mode: str = "dots"
    omitted_labels: int = 0
    strip_rows: int = 0
    strip_total: int = 0


def _place(
    boxes: list[Box], want_x: float, width: float, rows: Sequence[float], height: float
) -> Box | None:
    """The first free box of ``width`` centred near ``want_x`` in one of
    ``rows`` (each a baseline y), kept inside the drawing; None when every
    row is taken there."""
    half = width / 2
    cx = min(max(want_x, 2 + half), W - 2 - half)
    for base in rows:
        box = (cx - half, base - height + 3, cx + half, base + 3)
        if not any(_overlap(box, b) for b in boxes):
            return box
    return None


def render_timeline(
    docs: Sequence[_Doc], svg_id: str = "timeline", href: Mapping[str, str] | None = None
) -> Timeline:
    """An inline SVG of ``docs`` on a time axis; empty when none is dated.
    ``href`` maps a document's file to its anchor."""
    href = href or {}
    if not docs:
        return Timeline("")
    axis = make_axis([d.date for d in docs] + [e for d in docs for e in d.evidence])
    x = axis.x
    order = sorted(docs, key=lambda d: (d.date, d.flagged, d.id, d.file))
    xs = [x(doc.date) for doc in order]
    levels = stack_levels(xs)
    mode = "dots" if max(levels, default=0) < _MAX_DOTS else "bars"

    def apart(doc: _Doc) -> int:
        return max((abs((e - doc.date).days) for e in doc.evidence), default=0)

    # Labels of the flagged documents (dots only; bars leave naming to the
    # strip): in rows above the marks, the documents whose dates are
    # furthest apart first, each in the lowest row where it overlaps no
    # other label and stays inside the drawing (row 0's baseline at y 0).
    placed: list[tuple[_Doc, str, Box]] = []
    omitted = 0
    if mode == "dots":
        rel: list[Box] = []
        rel_rows = [-i * _LABEL_H for i in range(_LABEL_ROWS)]
        flagged_x = [(x(d.date), d) for d in order if d.flagged]
        for xd, doc in sorted(flagged_x, key=lambda a: (-apart(a[1]), a[0])):
            text = _shorten(doc.name, 28)
            box = _place(rel, xd, text_width(text), rel_rows, 12)
            if box is None:
                omitted += 1
                continue
            rel.append(box)
            placed.append((doc, text, box))
    label_rows = round(-min((b[1] for *_, b in placed), default=0) / _LABEL_H + 0.49)
    label_top = _TOP + label_rows * _LABEL_H + 6
    plot_h = (max(levels) + 1) * _STACK + 6 if mode == "dots" else _BAR_H + 6
    axis_y = label_top + 10 + plot_h
    boxes: list[Box] = []
    parts_ticks: list[str] = []
    parts_marks: list[str] = []
    parts_labels: list[str] = []

    def link(doc: _Doc, inner: str) -> str:
        target = href.get(_norm(doc.file))
        return f'<a href="#{target}">{inner}</a>' if target else inner

    # Marks, and where each flagged document's label would go.
    anchors_for_labels: list[tuple[float, float, _Doc]] = []
    if mode == "dots":
        for n, (doc, lvl, xd) in enumerate(zip(order, levels, xs, strict=True)):
            yd = axis_y - 8 - lvl * _STACK
            cls = "doc flagged" if doc.flagged else "doc"
            file = escape_path(doc.file)
            tip = (
                f"{doc.name} ({file}): {doc.date}"
                if doc.id and doc.file
                else f"{doc.name}: {doc.date}"
            )
            if doc.flagged:
                tip += " (dates disagree: " + "; ".join(doc.messages) + ")"
            r = 5 if doc.flagged else 4
            parts_marks.append(
                link(
                    doc,
                    f'<circle id="{svg_id}-doc-{n}" class="{cls}" data-id="{_t(doc.id)}" '
                    f'data-file="{_p(doc.file)}" data-date="{doc.date}" cx="{xd}" cy="{yd}" '
                    f'r="{r}"><title>{_t(tip)}</title></circle>',
                )
            )
            if doc.flagged:
                anchors_for_labels.append((xd, yd - r, doc))
    else:
        columns: dict[int, list[_Doc]] = defaultdict(list)
        for doc, xd in zip(order, xs, strict=True):
            columns[int((xd - _LEFT) // _BIN)].append(doc)
        peak = max(len(c) for c in columns.values())
        for col, members in sorted(columns.items()):
            x0 = round(_LEFT + col * _BIN, 1)
            n_all = len(members)
            flagged = [d for d in members if d.flagged]
            h = max(2.0, _BAR_H * n_all / peak)
            hf = _BAR_H * len(flagged) / peak if flagged else 0.0
            if flagged:
                hf = max(2.0, hf)
            lo, hi = members[0].date, members[-1].date
            when = str(lo) if lo == hi else f"{lo}..{hi}"
            tip = f"{n_all} document{'s' if n_all != 1 else ''} dated {when}"
            if flagged:
                tip += f", {len(flagged)} with dates that disagree"
            first = flagged[0] if flagged else members[0]
            bar = (
                f'<g class="col" data-count="{n_all}" data-flagged="{len(flagged)}" '
                f'data-from="{lo}" data-to="{hi}"><title>{_t(tip)}</title>'
                f'<rect class="bar" x="{x0}" y="{round(axis_y - h, 1)}" width="{_BIN - 1}" '
                f'height="{round(h, 1)}"/>'
            )
            if flagged:
                bar += (
                    f'<rect class="bar-flagged" x="{x0}" y="{round(axis_y - hf, 1)}" '
                    f'width="{_BIN - 1}" height="{round(hf, 1)}"/>'
                )
            parts_marks.append(link(first, bar + "</g>"))
        scale = f"{peak} documents"
        sbox = (_LEFT - 8 - text_width(scale), axis_y - _BAR_H - 7, _LEFT - 8, axis_y - _BAR_H + 7)
        parts_marks.append(
            f'<line class="axis" x1="{_LEFT - 5}" y1="{axis_y - _BAR_H}" x2="{_LEFT}" '
            f'y2="{axis_y - _BAR_H}"/><text class="scale" x="{_LEFT - 8}" '
            f'y="{axis_y - _BAR_H + 4}" text-anchor="end" data-box="{_box(sbox)}">{scale}</text>'
            f'<text class="scale" x="{_LEFT - 8}" y="{axis_y + 4}" text-anchor="end" '
            f'data-box="{_box((_LEFT - 8 - text_width("0"), axis_y - 7, _LEFT - 8, axis_y + 7))}"'
            ">0</text>"
        )
        boxes.append(sbox)
        boxes.append((_LEFT - 8 - text_width("0"), axis_y - 7, _LEFT - 8, axis_y + 7))

    # Axis, breaks and ticks (tick labels placed first: they must not collide).
    tick_y = axis_y + 18
    parts_ticks.append(
        f'<line class="axis" x1="{_LEFT}" y1="{axis_y}" x2="{W - _RIGHT}" y2="{axis_y}"/>'
    )
    tick_xs: list[float] = []
    for seg in axis.segments:
        shown_first = False
        for d, label in _tick_candidates(seg.start, seg.end, seg.width):
            if not shown_first and str(d.year) not in label:
                label = f"{label} {d.year}"
            xd = seg.x(d)
            wdt = text_width(label)
            box = (xd - wdt / 2, tick_y - 11, xd + wdt / 2, tick_y + 3)
            if box[0] < 2 or box[2] > W - 2 or any(_overlap(box, b, 6) for b in boxes):
                continue
            boxes.append(box)
            shown_first = True
            tick_xs.append(xd)
            parts_ticks.append(
                f'<g class="tick"><line x1="{xd}" y1="{label_top}" x2="{xd}" y2="{axis_y + 5}"/>'
                f'<text x="{xd}" y="{tick_y}" text-anchor="middle" '
                f'data-box="{_box(box)}">{_t(label)}</text></g>'
            )
    for xa, xb, days in axis.breaks:
        mid = (xa + xb) / 2
        parts_ticks.append(
            f'<g class="axis-break" data-days="{days}"><title>{days} days without a date '
            f'left out</title><rect class="break" x="{xa + 4}" y="{label_top - 2}" '
            f'width="{xb - xa - 8}" height="{axis_y - label_top + 8}"/>'
            f'<path class="break-mark" d="M {mid - 7} {axis_y + 6} L {mid - 1} {axis_y - 6} '
            f'M {mid + 1} {axis_y + 6} L {mid + 7} {axis_y - 6}"/></g>'
        )

    shift = label_top - 6
    marks_at = {id(doc): (xd, ytop) for xd, ytop, doc in anchors_for_labels}
    for doc, text, rbox in placed:
        box = (rbox[0], rbox[1] + shift, rbox[2], rbox[3] + shift)
        boxes.append(box)
        xd, ytop = marks_at[id(doc)]
        cx = round((box[0] + box[2]) / 2, 1)
        parts_labels.append(
            f'<line class="leader" x1="{round(xd, 1)}" y1="{round(ytop - 1, 1)}" x2="{cx}" '
            f'y2="{round(box[3] - 1, 1)}"/>'
            + link(
                doc,
                f'<text class="label" x="{cx}" y="{round(box[3] - 3, 1)}" text-anchor="middle" '
                f'data-box="{_box(box)}">{_t(text)}<title>{_t(doc.name)}</title></text>',
            )
        )

    # The strip: declared date against the evidence dates, one row per flagged document.
    flagged_docs = [d for d in docs if d.flagged]
    flagged_docs.sort(key=lambda d: (-apart(d), d.date, d.name))
    shown = flagged_docs[:STRIP_MAX]
    strip_top = tick_y + 16
    parts_strip: list[str] = []
    if shown:
        title = "Declared date (filled) against the dates the text supports (open)"
        if len(flagged_docs) > len(shown):
            title += f"; the {len(shown)} of {len(flagged_docs)} furthest apart"
        tbox = (_LEFT, strip_top + 2 - 11, _LEFT + text_width(title), strip_top + 2 + 3)
        boxes.append(tbox)
        parts_strip.append(
            f'<text class="strip-title" x="{_LEFT}" y="{strip_top + 2}" '
            f'data-box="{_box(tbox)}">{title}</text>'
        )
    if shown:
        bottom = strip_top + 14 + len(shown) * _STRIP_ROW
        parts_strip.extend(
            f'<line class="grid" x1="{xt}" y1="{strip_top + 14}" x2="{xt}" y2="{bottom}"/>'
            for xt in tick_xs
        )
    for i, doc in enumerate(shown):
        yr = strip_top + 14 + i * _STRIP_ROW + _STRIP_ROW / 2
        xd = x(doc.date)
        name = _shorten(doc.name, int((_LEFT - 16) / _CHAR_W) - 1)
        wdt = text_width(name)
        box = (_LEFT - 10 - wdt, yr - 8, _LEFT - 10, yr + 5)
        row = [
            f'<g class="strip-row" data-doc="{_t(doc.name)}" data-date="{doc.date}">',
            f"<title>{_t(doc.name)}: declared {doc.date}; "
            + _t("; ".join(doc.messages))
            + "</title>",
            f'<line class="strip-base" x1="{_LEFT}" y1="{yr}" x2="{W - _RIGHT}" y2="{yr}"/>',
            f'<text class="strip-name" x="{_LEFT - 10}" y="{yr + 4}" text-anchor="end" '
            f'data-box="{_box(box)}">{_t(name)}</text>',
        ]
        boxes.append(box)
        for e in doc.evidence:
            xe = x(e)
            row.append(
                f'<path class="evidence" data-doc="{_t(doc.name)}" data-from="{doc.date}" '
                f'data-to="{e}" d="M {xd} {yr} L {xe} {yr}"/>'
                f'<circle class="evidence-date" cx="{xe}" cy="{yr}" r="4">'
                f"<title>{_t(doc.name)}: text supports {e}</title></circle>"
            )
        row.append(f'<circle class="declared" cx="{xd}" cy="{yr}" r="5"/></g>')
        parts_strip.append(link(doc, "".join(row)))
    height = round(strip_top + (14 + len(shown) * _STRIP_ROW + 8 if shown else 0) + 6)
    for xa, xb, _days in axis.breaks if shown else []:
        parts_strip.append(
            f'<rect class="break" x="{xa + 4}" y="{strip_top + 14}" width="{xb - xa - 8}" '
            f'height="{len(shown) * _STRIP_ROW}"/>'
        )
    first_date = min(d.date for d in docs)
    last_date = max(d.date for d in docs)
    svg = "\n".join(
        [
            f'<svg id="{svg_id}" class="timeline" data-mode="{mode}" width="{W}" '
            f'height="{height}" viewBox="0 0 {W} {height}" role="img" '
            f'aria-label="Timeline of declared document dates">',
            f"<title>Declared dates {first_date} to {last_date}</title>",
            '<g class="ticks">',
            *parts_ticks,
            '</g><g class="markers">',
            *parts_marks,
            '</g><g class="labels">',
            *parts_labels,
            '</g><g class="strip">',
            *parts_strip,
            "</g></svg>",
        ]
    )
    return Timeline(svg, boxes, mode, omitted, len(shown), len(flagged_docs))


def _box(box: Box) -> str:
    return " ".join(str(round(v, 1)) for v in box)


# --- provenance graph ------------------------------------------------------------------------


@dataclass
class Graph:
    svg: str
    nodes: int
    edges: int
    groups: int
    shown_nodes: int
    sizes: Counter[int]
    """How many groups have each size."""


def provenance_edges(report: Report) -> list[tuple[str, str, str]]:
    """(copy, source, kind) edges between documents, by corpus path: INDEX.md's
    ``derived_from`` links (kind ``derived``) and ``duplicate-content``
    findings with their earlier copy (kind ``duplicate``)."""
    edges: list[tuple[str, str, str]] = []
    try:
        catalogue = read_catalogue(report.root)
    except Exception:
        catalogue = None
    if catalogue is not None:
        by_id = {row.id: _norm(row.file or row.id) for row in catalogue.rows if row.id}
        for row in catalogue.rows:
            links = row.get("derived_from")
            if not links:
                continue
            me = _norm(row.file or row.id or "")
            for target in split_ids(links):
                edges.append((me, by_id.get(target, f"? {target}"), "derived"))
    for f in report.findings:
        if f.check in DUPLICATE_CHECKS and f.path:
            for loc in f.related[:1]:
                if loc.path:
                    edges.append((_norm(f.path), _norm(loc.path), "duplicate"))
    return sorted(set(edges))


def render_graph(
    edges: Sequence[tuple[str, str, str]],
    names: Mapping[str, str],
    href: Mapping[str, str],
    svg_id: str = "graph",
) -> Graph:
    """A layered drawing of ``edges``: each group of linked documents in a
    band, sources on the left, copies to their right. At most
    :data:`GRAPH_MAX_NODES` documents are drawn, largest groups first; a
    column of one group shows at most a few, with a "+N more" box."""
    if not edges:
        return Graph("", 0, 0, 0, 0, Counter())
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b, _ in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[str, list[str]] = defaultdict(list)
    for node in parent:
        groups[find(node)].append(node)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), sorted(g)))
    out_edges: dict[str, list[str]] = defaultdict(list)
    for a, b, _ in edges:
        out_edges[a].append(b)
    n_nodes = len(parent)

    parts: list[str] = []
    pos: dict[str, tuple[float, float]] = {}
    y = 12.0
    shelf_x = 0.0
    shelf_h = 0.0
    drawn = 0
    width_used = 0.0
    for members in ordered:
        if drawn + min(len(members), 2) > GRAPH_MAX_NODES:
            break
        # Depth: the longest chain of links from a document to a source (bounded, cycles safe).
        depth = dict.fromkeys(members, 0)
        for _ in range(min(len(members), 6)):
            changed = False
            for a in members:
                for b in out_edges.get(a, []):
                    if depth[a] < depth[b] + 1 and depth[b] + 1 <= 4:
                        depth[a] = depth[b] + 1
                        changed = True
            if not changed:
                break
        cols: dict[int, list[str]] = defaultdict(list)
        for m in sorted(members):
            cols[depth[m]].append(m)
        rows = min(_GRAPH_COL_MAX, max(len(c) for c in cols.values()))
        if any(len(c) > _GRAPH_COL_MAX for c in cols.values()):
            rows += 1
        # Groups side by side on a shelf while they fit the width, then a new shelf.
        group_w = (max(cols) + 1) * _GRAPH_COL
        if shelf_x and shelf_x + group_w > W:
            y += shelf_h + 14
            shelf_x, shelf_h = 0.0, 0.0
        parts.append(f'<g class="group" data-size="{len(members)}">')
        for c, col_members in sorted(cols.items()):
            xc = 10 + shelf_x + c * _GRAPH_COL
            room = GRAPH_MAX_NODES - drawn
            limit = min(len(col_members), _GRAPH_COL_MAX, room)
            if limit < len(col_members):
                limit = max(0, limit - 1)
            for r, m in enumerate(col_members[:limit]):
                yr = y + r * _GRAPH_ROW
                pos[m] = (xc, yr)
                label = _shorten(names.get(m, m), int((_NODE_W - 10) / _CHAR_W))
                node = (
                    f'<g class="node" data-path="{_p(m)}"><title>{_p(m)}</title>'
                    f'<rect x="{xc}" y="{yr}" width="{_NODE_W}" height="16" rx="3"/>'
                    f'<text x="{xc + 5}" y="{yr + 12}">{_t(label)}</text></g>'
                )
                target = href.get(m)
                parts.append(f'<a href="#{target}">{node}</a>' if target else node)
                drawn += 1
            rest = len(col_members) - limit
            if rest:
                yr = y + limit * _GRAPH_ROW
                parts.append(
                    f'<g class="node more" data-more="{rest}"><rect x="{xc}" y="{yr}" '
                    f'width="{_NODE_W}" height="16" rx="3"/><text x="{xc + 5}" '
                    f'y="{yr + 12}">+{rest} more</text></g>'
                )
            width_used = max(width_used, xc + _GRAPH_COL)
        parts.append("</g>")
        shelf_x += group_w
        shelf_h = max(shelf_h, rows * _GRAPH_ROW)
    y += shelf_h
    lines: list[str] = []
    n_edges = 0
    for a, b, kind in edges:
        n_edges += 1
        if a not in pos or b not in pos:
            continue
        (xa, ya), (xb, yb) = pos[a], pos[b]
        # From the copy's left side to the source's right side (or around, same column).
        if xa > xb:
            x1, y1, x2, y2 = xa, ya + 8, xb + _NODE_W, yb + 8
            d = f"M {x1} {y1} C {x1 - 20} {y1} {x2 + 20} {y2} {x2 + 4} {y2}"
        else:
            x1, y1, x2, y2 = xa + _NODE_W, ya + 8, xb + _NODE_W, yb + 8
            d = f"M {x1} {y1} C {x1 + 30} {y1} {x2 + 30} {y2} {x2 + 4} {y2}"
        cls = "edge dup" if kind == "duplicate" else "edge"
        what = "duplicates" if kind == "duplicate" else "is derived from"
        lines.append(
            f'<path class="{cls}" data-from="{_p(a)}" data-to="{_p(b)}" d="{d}">'
            f"<title>{_p(a)} {what} {_p(b)}</title></path>"
            f'<path class="arrow" d="M {x2} {y2} l 7 -4 l 0 8 z"/>'
        )
    height = round(y + 4)
    width = round(max(width_used, 300))
    svg = (
        f'<svg id="{svg_id}" class="graph" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="Provenance graph">'
        + "".join(lines)
        + "".join(parts)
        + "</svg>"
    )
    sizes = Counter(len(g) for g in groups.values())
    return Graph(svg, n_nodes, n_edges, len(groups), drawn, sizes)


# --- findings ---------------------------------------------------------------------------------


_QUOTED = re.compile(r"'((?:[^'\\]|\\.){2,})'|\"([^\"]{2,})\"")


def quoted_phrases(f: Finding) -> list[str]:
    """The phrases a finding quotes from its document: its ``properties``'
    evidence texts, then the quoted strings of its message (a shortened
    quote gives the part before its ``…``)."""
    out: list[str] = []
    props = f.properties or {}
    for key in ("evidence_text", "mentions", "evidence", "support", "found_text", "text"):
        value = props.get(key)
        items = value if isinstance(value, list) else [value]
        for item in items:
            text = item.get("text") if isinstance(item, Mapping) else item
            if isinstance(text, str) and text.strip():
                out.append(text)
    for m in _QUOTED.finditer(f.message):
        out.append(m.group(1) if m.group(1) is not None else m.group(2))
    out += _ISO.findall(f.message)  # a date the message names, as the line may write it
    cleaned: list[str] = []
    for phrase in out:
        for part in phrase.replace("...", "…").split("…"):
            part = part.strip()
            if len(part) >= 2 and part not in cleaned:
                cleaned.append(part)
    return cleaned


def highlight(source: str, column: int, phrases: Sequence[str]) -> tuple[str, int, int]:
    """(shown text, mark start, mark end) for a source line: the quoted
    phrase nearest ``column`` (1-based) that the line holds, else the word
    at the column; a long line is cut to a window around the mark."""
    col = max(column - 1, 0)
    start = end = -1
    best = None
    for phrase in phrases:
        for m in re.finditer(re.escape(phrase), source):
            dist = abs(m.start() - col)
            if best is None or dist < best:
                best, start, end = dist, m.start(), m.end()
        if best is not None:
            break
    if start < 0 and col < len(source):
        word = re.compile(r"\w[\w/.:-]*\w|\S").match(source, col)
        if word:
            start, end = word.start(), word.end()
    if len(source) <= _SRC_WINDOW:
        return source, start, end
    anchor = start if start >= 0 else col
    lo = max(0, min(anchor - _SRC_WINDOW // 3, len(source) - _SRC_WINDOW))
    hi = lo + _SRC_WINDOW
    lead = "…" if lo else ""
    tail = "…" if hi < len(source) else ""
    text = lead + source[lo:hi] + tail
    if start >= 0:
        start = max(start - lo, 0) + len(lead)
        end = min(end - lo, hi - lo) + len(lead)
    return text, start, end


def _summary(reports: Sequence[Report]) -> tuple[Counter[Severity], Counter[tuple[str, str]]]:
    by_sev: Counter[Severity] = Counter()
    by_check: Counter[tuple[str, str]] = Counter()
    for r in reports:
        for f in r.findings:
            by_sev[f.severity] += 1
            by_check[(f.code, f.check)] += 1
    return by_sev, by_check


def _sev(sev: Severity) -> str:
    return f'<span class="sev sev-{_t(sev.value)}">{_t(sev.value)}</span>'


def _grouped(report: Report) -> Iterable[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        groups[f.path].append(f)
    for path in sorted(groups, key=lambda p: (p == "", p)):
        yield path, groups[path]


@dataclass
class _Page:
    """What the page's parts share: anchors, check classes, INDEX.md rows."""

    reports: Sequence[Report]
    options: FormatOptions
    anchors: Anchors = field(default_factory=Anchors)
    check_class: dict[tuple[str, str], str] = field(default_factory=dict)
    row_files: list[dict[int, str]] = field(default_factory=list)
    """Per report: INDEX.md line -> the file its row names."""
    row_names: list[dict[str, str]] = field(default_factory=list)
    """Per report: file -> its id (or path), for labels."""


def _finding_html(
    page: _Page, ri: int, report: Report, f: Finding, lines_of: dict[tuple[str, str], list[str]]
) -> str:
    options = page.options
    shown = escape_path(report.display_path(f.path, options.base)) if f.path else "provlint"
    where = shown + (f":{f.line or 1}:{f.column or 1}" if f.path else "")
    sev = f.severity.value
    cc = page.check_class[(f.code, f.check)]
    fid = page.anchors.finding(ri, f)
    out = [
        f'<div class="finding s-{sev} {cc} k-{sev}-{cc}" id="{fid}">',
        f'{_sev(f.severity)} <a class="loc" href="#{fid}">{_t(where)}</a> '
        f'<span class="code">{_t(f.code)} {_t(f.check)}</span>',
    ]
    if f.doc_id:
        out.append(f' <span class="meta">id {_t(f.doc_id)}</span>')
    out.append(f'<div class="msg">{_t(f.message)}</div>')
    if f.path and f.line:
        source = source_line(report, f.path, f.line, lines_of)
        phrases = quoted_phrases(f)
        if (f.line, f.column) == (1, 1) and not any(p in (source or "") for p in phrases):
            source = None  # a finding on the whole file: its first line says nothing
        if source is not None and source.strip():
            text, a, b = highlight(source, f.column, phrases)
            body = (
                _t(text[:a]) + "<mark>" + _t(text[a:b]) + "</mark>" + _t(text[b:])
                if 0 <= a < b
                else _t(text)
            )
            out.append(f'<div class="src"><span class="ln">{f.line}</span>{body}</div>')
    if f.related:
        out.append('<ul class="related">')
        files = page.row_files[ri]
        for loc in f.related:
            rel = escape_path(report.display_path(loc.path, options.base)) if loc.path else ""
            text = (
                rel
                + (f":{loc.line}" if loc.line else "")
                + (f":{loc.column}" if loc.line and loc.column else "")
            )
            note = f" ({_t(loc.note)})" if loc.note else ""
            target_path = loc.path
            if _norm(loc.path) == "INDEX.md" and loc.line in files:
                target_path = files[loc.line]  # a catalogue row: its document
            if target_path and page.anchors.has_doc(ri, target_path):
                link = f'<a class="loc" href="#{page.anchors.doc(ri, target_path)}">{_t(text)}</a>'
            else:
                link = f'<span class="loc">{_t(text)}</span>'
            out.append(f"<li>{link}{note}</li>")
        out.append("</ul>")
    out.append("</div>")
    return "".join(out)


def _filter_css(page: _Page, pairs: Iterable[tuple[str, str]]) -> str:
    """The rules behind the filters: a finding is hidden when its severity
    or its check is unchecked; a document is shown while one of its
    findings is (one rule per severity and check that occur together)."""
    some_off = "main:has(.filters input[type=checkbox]:not(:checked))"
    rules = []
    for sev in _SEVERITY_ORDER:
        rules.append(f"main:has(#fs-{sev.value}:not(:checked)) .finding.s-{sev.value}")
    for cc in page.check_class.values():
        rules.append(f"main:has(#f{cc}:not(:checked)) .finding.{cc}")
    out = [",\n".join(rules) + "{display:none}"] if rules else []
    out.append(f"{some_off} .doc-block{{display:none}}")
    shows = [
        f"{some_off}:has(#fs-{sev}:checked):has(#f{cc}:checked) .doc-block.k-{sev}-{cc}"
        for sev, cc in sorted(pairs)
    ]
    if shows:
        out.append(",\n".join(shows) + "{display:block}")
    # A document's anchor opened: that document alone.
    out.append("main:has(.doc-block:target) .doc-block:not(:target){display:none!important}")
    out.append("main:has(.doc-block:target) .doc-list-all{display:inline}")
    out.append(".doc-list-all{display:none}")
    return "\n".join(out)


def _run_details(reports: Sequence[Report], stream: TextIO) -> None:
    from provlint import __version__

    w = stream.write
    w('<section id="run"><h2>Run details</h2>\n<dl class="run">\n')
    w(f"<dt>provlint</dt><dd>{_t(__version__)}</dd>\n")
    for report in reports:
        cfg = report.config
        w(f"<dt>corpus</dt><dd>{_p(report.root)}</dd>\n")
        # The run's counts; not its duration, so that the page of one corpus
        # is the same bytes from one run to the next.
        stats = ", ".join(f"{k} {v}" for k, v in sorted(report.stats.items()) if k != "seconds")
        w(f"<dt>run</dt><dd>{_t(stats)}</dd>\n")
        if report.checks:
            checks = ", ".join(
                f"{s.code} {s.name}"
                + (f" ({s.plugin.name})" if getattr(s.plugin, "name", "") else "")
                for s in report.checks
            )
            w(f"<dt>checks run</dt><dd>{_t(checks)}</dd>\n")
        if cfg is None:
            continue
        w(
            f"<dt>configuration file</dt><dd>{_p(cfg.source) if cfg.source else '(none: defaults)'}"
            "</dd>\n"
        )
        values: list[tuple[str, Any]] = [
            ("documents", list(cfg.documents)),
            ("exclude", list(cfg.exclude)),
            ("select", list(cfg.select)),
            ("ignore", list(cfg.ignore)),
            ("extend-select", list(cfg.extend_select)),
            ("plugins", list(cfg.plugins)),
            ("required-plugins", list(cfg.required_plugins)),
            ("per-file-ignores", {k: list(v) for k, v in cfg.per_file_ignores.items()}),
            ("max-document-bytes", cfg.max_document_bytes),
            ("check-timeout", cfg.check_timeout),
            ("jobs", cfg.jobs),
            ("cache", cfg.cache),
        ]
        for name, opts in sorted(cfg.check_options.items()):
            for key, value in sorted(opts.items()):
                values.append((f"check.{name}.{key}", value))
        for key, value in sorted(cfg.extra.items()):
            values.append((key, value))
        for key, value in values:
            origin = " (file)" if key in cfg.from_file else ""
            text = json.dumps(value, ensure_ascii=False, default=str)
            w(f"<dt>{_t(key)}</dt><dd>{_t(text)}{origin}</dd>\n")
    w("</dl></section>\n")


class HtmlFormat(OutputFormat):
    """One self-contained HTML page: summary, filters, SVG date timeline,
    provenance graph, findings, run details."""

    name = "html"
    description = (
        "a self-contained HTML page: summary, filters, date timeline, provenance graph, "
        "findings by document, run details"
    )

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        page = _Page(reports, options)
        by_sev, by_check = _summary(reports)
        for i, key in enumerate(sorted(by_check)):
            page.check_class[key] = f"c{i}"
        pairs: set[tuple[str, str]] = set()
        for ri, report in enumerate(reports):
            for f in report.findings:
                pairs.add((f.severity.value, page.check_class[(f.code, f.check)]))
                if f.path:
                    page.anchors.doc(ri, f.path)
            files: dict[int, str] = {}
            names: dict[str, str] = {}
            try:
                catalogue = read_catalogue(report.root)
                rows = catalogue.rows
            except Exception:
                rows = ()
            for row in rows:
                if row.file:
                    files[row.line] = _norm(row.file)
                    names[_norm(row.file)] = row.id or escape_path(row.file)
                    page.anchors.doc(ri, row.file)
            page.row_files.append(files)
            page.row_names.append(names)
        documents = sum(int(r.stats.get("documents", 0)) for r in reports)
        suppressed = sum(len(r.suppressed) for r in reports)
        first_of: dict[object, str] = {}
        for ri, report in enumerate(reports):
            for f in report.findings:
                fid = page.anchors.finding(ri, f)
                first_of.setdefault(f.severity, fid)
                first_of.setdefault((f.code, f.check), fid)

        w = stream.write
        w('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
        w(
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">\n"
        )
        w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
        w("<title>provlint report</title>\n")
        w(f"<style>{CSS}\n{_filter_css(page, pairs)}</style>\n</head>\n<body>\n<main>\n")
        w("<h1>provlint report</h1>\n")
        roots = ", ".join(_p(r.root) for r in reports)
        w(
            f'<p class="meta">Corpus: {roots or "(none)"} · <a href="#timelines">timeline</a> · '
            '<a href="#provenance">provenance</a> · <a href="#findings">findings</a> · '
            '<a href="#run">run details</a></p>\n'
        )

        w('<section id="summary"><h2>Summary</h2>\n')
        total = sum(by_sev.values())
        w(
            f"<p>{documents} document{'' if documents == 1 else 's'} checked, "
            f"<strong>{total}</strong> finding{'' if total == 1 else 's'}"
            f"{f', {suppressed} suppressed inline' if suppressed else ''}.</p>\n"
        )
        w('<div class="tables">')
        w('<table class="by-severity"><tr><th>Severity</th><th>Findings</th></tr>\n')
        for sev in _SEVERITY_ORDER:
            n = by_sev[sev]
            cell = f'<a href="#{first_of[sev]}">{n}</a>' if sev in first_of else str(n)
            w(f'<tr><td>{_sev(sev)}</td><td class="n">{cell}</td></tr>\n')
        w("</table>\n")
        if by_check:
            w('<table class="by-check"><tr><th>Code</th><th>Check</th><th>Findings</th></tr>\n')
            for (code, check), n in sorted(by_check.items()):
                target = first_of[(code, check)]
                w(
                    f'<tr><td class="code"><a href="#{target}">{_t(code)}</a></td>'
                    f'<td><a href="#{target}">{_t(check)}</a></td>'
                    f'<td class="n">{n}</td></tr>\n'
                )
            w("</table>\n")
        # The documents with the most findings.
        per_doc: Counter[tuple[int, str]] = Counter()
        for ri, report in enumerate(reports):
            for f in report.findings:
                if f.path:
                    per_doc[(ri, f.path)] += 1
        if per_doc:
            top = sorted(per_doc.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
            w('<table class="by-document"><tr><th>Document</th><th>Findings</th></tr>\n')
            for (ri, path), n in top:
                shown = escape_path(reports[ri].display_path(path, options.base))
                w(
                    f'<tr><td class="code"><a href="#{page.anchors.doc(ri, path)}">{_t(shown)}'
                    f'</a></td><td class="n">{n}</td></tr>\n'
                )
            if len(per_doc) > len(top):
                w(
                    f'<tr><td colspan="2" class="meta">and {len(per_doc) - len(top)} more '
                    "documents (listed under Filters)</td></tr>\n"
                )
            w("</table>\n")
        w("</div></section>\n")

        if total:
            self._filters(page, stream, by_sev, per_doc)

        w('<section id="timelines"><h2>Timeline of declared dates</h2>\n')
        w(
            '<p class="legend"><span><i class="sw clean-sw"></i>document at its declared '
            'date</span><span><i class="sw flagged-sw"></i>dates disagree (date-mismatch or '
            'date-inconsistent)</span><span><i class="sw ev-sw"></i>a date its text supports'
            "</span></p>\n"
        )
        for ri, report in enumerate(reports):
            if len(reports) > 1:
                w(f"<h3>{_p(report.root)}</h3>\n")
            href = {path: page.anchors.doc(ri, path) for path in page.row_names[ri]}
            tl = render_timeline(timeline_documents(report), svg_id=f"timeline-{ri}", href=href)
            if not tl.svg:
                w('<p class="meta">No dated documents in INDEX.md.</p>\n')
                continue
            w(tl.svg + "\n")
            notes = []
            if tl.mode == "bars":
                notes.append(
                    f"each bar counts the documents dated within {_BIN} px of the axis; "
                    "the orange part those whose dates disagree; the strip below names them"
                )
            if tl.omitted_labels:
                notes.append(f"{tl.omitted_labels} names left out for lack of room")
            if tl.strip_total > tl.strip_rows:
                notes.append(
                    f"the strip shows {tl.strip_rows} of the {tl.strip_total} documents whose "
                    "dates disagree, those furthest apart"
                )
            if notes:
                w(f'<p class="meta">{_t("; ".join(notes)).capitalize()}.</p>\n')
        w("</section>\n")

        w('<section id="provenance"><h2>Provenance</h2>\n')
        any_graph = False
        for ri, report in enumerate(reports):
            edges = provenance_edges(report)
            names = page.row_names[ri]
            href = {p: page.anchors.doc(ri, p) for p in names}
            for a, b, _ in edges:
                for p in (a, b):
                    if page.anchors.has_doc(ri, p):
                        href[p] = page.anchors.doc(ri, p)
            g = render_graph(edges, names, href, svg_id=f"graph-{ri}")
            if not g.svg:
                continue
            any_graph = True
            w(
                f'<p class="meta">{g.nodes} document{"s" if g.nodes != 1 else ""} in '
                f"{g.groups} group{'s' if g.groups != 1 else ''}, {g.edges} link"
                f"{'s' if g.edges != 1 else ''}: solid arrows lead from a copy to the source "
                "it is derived from (derived_from), dashed ones to the earlier copy of a "
                "duplicate"
                + (
                    f"; the largest groups are drawn, {g.shown_nodes} of {g.nodes} documents "
                    "(groups by size: "
                    + ", ".join(
                        f"{n} of {size}" for size, n in sorted(g.sizes.items(), reverse=True)
                    )
                    + ")"
                    if g.shown_nodes < g.nodes
                    else ""
                )
                + ".</p>\n"
            )
            w(g.svg + "\n")
        if not any_graph:
            w('<p class="meta">No derived_from links and no duplicates.</p>\n')
        w("</section>\n")

        w('<section id="findings"><h2>Findings by document</h2>\n')
        if not total:
            w("<p>No findings.</p>\n")
        else:
            w(
                '<p class="meta doc-list-all">One document shown: <a href="#findings">show '
                "all</a>.</p>\n"
            )
        lines_of: dict[tuple[str, str], list[str]] = {}
        for ri, report in enumerate(reports):
            for path, findings in _grouped(report):
                shown = escape_path(report.display_path(path, options.base)) if path else "(corpus)"
                ids = sorted({f.doc_id for f in findings if f.doc_id})
                keys = sorted(
                    {
                        f"k-{f.severity.value}-{page.check_class[(f.code, f.check)]}"
                        for f in findings
                    }
                )
                anchor = page.anchors.doc(ri, path) if path else f"corpus-{ri}"
                w(f'<div class="doc-block {" ".join(keys)}" id="{anchor}">\n')
                w(f'<h3><a href="#{anchor}">{_t(shown)}</a>')
                if ids:
                    w(f' <span class="meta">({_t(", ".join(ids))})</span>')
                w("</h3>\n")
                for f in findings:
                    w(_finding_html(page, ri, report, f, lines_of) + "\n")
                w("</div>\n")
        w("</section>\n")

        # Documents without findings: their anchors.
        clean: list[tuple[int, str]] = []
        for ri, report in enumerate(reports):
            with_findings = {_norm(f.path) for f in report.findings if f.path}
            clean += [(ri, p) for p in page.row_names[ri] if p not in with_findings]
        if clean:
            w(
                f'<section id="clean"><details><summary>Documents without findings '
                f'({len(clean)})</summary><ul class="clean-docs">\n'
            )
            for ri, p in clean:
                w(f'<li id="{page.anchors.doc(ri, p)}"><span class="loc">{_p(p)}</span></li>\n')
            w("</ul></details></section>\n")
        _run_details(reports, stream)
        w("</main>\n</body>\n</html>\n")

    def _filters(
        self,
        page: _Page,
        stream: TextIO,
        by_sev: Counter[Severity],
        per_doc: Counter[tuple[int, str]],
    ) -> None:
        w = stream.write
        w(
            '<section id="filters"><h2>Filters</h2>\n<form class="filters">\n'
            "<fieldset><legend>Severity</legend>"
        )
        for sev in _SEVERITY_ORDER:
            w(
                f'<label><input type="checkbox" id="fs-{sev.value}" checked> {_sev(sev)} '
                f"({by_sev[sev]})</label>"
            )
        w("</fieldset>\n<fieldset><legend>Check</legend>")
        counts: Counter[str] = Counter()
        for report in page.reports:
            for f in report.findings:
                counts[page.check_class[(f.code, f.check)]] += 1
        for (code, check), cc in sorted(page.check_class.items()):
            w(
                f'<label><input type="checkbox" id="f{cc}" checked> <span class="code">'
                f"{_t(code)}</span> {_t(check)} ({counts[cc]})</label>"
            )
        w('</fieldset>\n<input type="reset" value="Show all">\n')
        w(
            f'<details class="docs"><summary>Document: show one ({len(per_doc)} with '
            "findings)</summary><ul>"
        )
        for ri, path in sorted(per_doc, key=lambda k: (k[0], k[1])):
            shown = escape_path(page.reports[ri].display_path(path, page.options.base))
            w(f'<li><a href="#{page.anchors.doc(ri, path)}">{_t(shown)}</a></li>')
        w('</ul><a href="#findings">every document</a></details>\n</form></section>\n')


@hookimpl
def provlint_register_formats() -> Sequence[type[OutputFormat]]:
    return [HtmlFormat]
