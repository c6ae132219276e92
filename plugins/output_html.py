"""The `html` output format: one self-contained HTML page.

The page holds a summary (counts by severity and by check), an inline SVG
timeline of the corpus's declared dates, and every finding grouped by
document. It needs no network: CSS is inline, there is no script, no font
and no external resource, and a Content-Security-Policy forbids loading
any. Everything taken from the corpus is HTML-escaped (``html.escape``,
quotes included, so it is safe in attributes too).

The timeline places one marker per dated INDEX.md row at its declared date.
A document with a ``date-mismatch`` or ``date-inconsistent`` finding is
drawn in a warning colour, with a dashed line from its declared date to
each ISO date (``YYYY-MM-DD``) its date findings' messages name: the dates
its text supports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import TextIO

from provlint import Severity, hookimpl
from provlint.catalogue import read_catalogue
from provlint.model import Finding
from provlint.output import FormatOptions, OutputFormat, escape_path, sanitize
from provlint.report import Report

DATE_CHECKS = frozenset({"date-mismatch", "date-inconsistent"})
PADDING_DAYS = 3

# Dates in a message that are not evidence from the text: today's date.
_NOT_EVIDENCE = re.compile(r"today is \d{4}-\d{2}-\d{2}")

_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)

# SVG geometry
_W = 1100
_LEFT = 40
_RIGHT = 40
_TOP = 30
_STACK = 16  # vertical distance between markers sharing a date
_AXIS_GAP = 40  # space under the axis for tick labels
_ARC_MAX = 60  # highest rise of an evidence arc above its ends

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 color:#1d2330;background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
h3{font-size:15px;margin:18px 0 6px;font-family:ui-monospace,Menlo,Consolas,monospace}
.meta{color:#5b6475}
table{border-collapse:collapse;background:#fff;margin:6px 0}
th,td{border:1px solid #d9dde5;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#eef0f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.sev{display:inline-block;min-width:58px;padding:1px 6px;border-radius:4px;color:#fff;
 font-size:12px;text-align:center}
.sev-error{background:#c62828}.sev-warning{background:#b26a00}.sev-info{background:#1565c0}
.doc-block{background:#fff;border:1px solid #d9dde5;border-radius:6px;padding:6px 14px 10px;
 margin:10px 0}
.finding{border-top:1px solid #eceef2;padding:6px 0}
.finding:first-of-type{border-top:0}
.loc,.code{font-family:ui-monospace,Menlo,Consolas,monospace}
.msg{white-space:pre-wrap;overflow-wrap:anywhere}
.related{margin:2px 0 0 18px;padding:0;color:#5b6475;list-style:square}
.timeline{background:#fff;border:1px solid #d9dde5;border-radius:6px;max-width:100%;height:auto}
.legend span{margin-right:18px}
.sw{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px}
.clean-sw{background:#3f7cc4}.flagged-sw{background:#e65100}
svg .axis{stroke:#3a4150;stroke-width:1.5}
svg .tick line{stroke:#c5cad3}
svg .tick text{font-size:11px;fill:#5b6475;text-anchor:middle}
svg .doc{fill:#3f7cc4;stroke:#fff;stroke-width:1}
svg .doc.flagged{fill:#e65100;stroke:#7a2a00;stroke-width:1.5}
svg .evidence{stroke:#e65100;stroke-width:2;stroke-dasharray:6 4;fill:none}
svg .evidence-date{fill:#fff;stroke:#e65100;stroke-width:2}
svg .label{font-size:11px;fill:#7a2a00}
"""


def _t(value: object) -> str:
    """File-derived text, safe for HTML text and attribute values."""
    import html

    return html.escape(sanitize(str(value)), quote=True)


def _p(path: object) -> str:
    """A file name or path, escaped as :func:`provlint.output.escape_path`
    shows it, safe for HTML text and attribute values."""
    import html

    return html.escape(escape_path(str(path)), quote=True)


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    m = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?\s*", text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def evidence_dates(message: str) -> list[dt.date]:
    """The ISO dates a date finding's message names, in order, without
    repeats; ``a..b`` ranges give both ends; today's date is left out."""
    text = _NOT_EVIDENCE.sub("", message)
    out: list[dt.date] = []
    for m in re.finditer(r"\d{4}-\d{2}-\d{2}", text):
        d = _parse_date(m.group(0))
        if d is not None and d not in out:
            out.append(d)
    return out


def _norm(path: str) -> str:
    text = path.replace("\\", "/").strip()
    return str(PurePosixPath(text)) if text else ""


class _Doc:
    __slots__ = ("date", "evidence", "file", "flagged", "id", "messages")

    def __init__(self, id: str, file: str, date: dt.date) -> None:
        self.id = id
        self.file = file
        self.date = date
        self.flagged = False
        self.evidence: list[dt.date] = []
        self.messages: list[str] = []


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
        for doc in targets:
            doc.flagged = True
            doc.messages.append(f.message)
            for d in evidence_dates(f.message):
                if d != doc.date and d not in doc.evidence:
                    doc.evidence.append(d)
    return docs


def _shift(d: dt.date, days: int) -> dt.date:
    """``d`` moved by ``days``, held within the dates Python can represent
    (year 1 to 9999)."""
    n = min(max(d.toordinal() + days, dt.date.min.toordinal()), dt.date.max.toordinal())
    return dt.date.fromordinal(n)


def _ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    span = (end - start).days
    out: list[tuple[dt.date, str]] = []
    first, last = start.toordinal(), end.toordinal()
    if span <= 24:
        for n in range(first, last + 1):
            d = dt.date.fromordinal(n)
            out.append((d, f"{d:%b} {d.day}"))
    elif span <= 120:
        for n in range(first + (7 - start.weekday()) % 7, last + 1, 7):  # Mondays
            d = dt.date.fromordinal(n)
            out.append((d, f"{d:%b} {d.day}"))
    elif span <= 3 * 366:
        y, m = start.year, start.month
        while y <= dt.MAXYEAR:
            d = dt.date(y, m, 1)
            if d > end:
                break
            if d >= start:
                out.append((d, f"{d:%b %Y}" if m == 1 or not out else f"{d:%b}"))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    else:
        step = max(1, span // 366 // 12 + 1)
        for y in range(start.year + 1, end.year + 1, step):
            out.append((dt.date(y, 1, 1), str(y)))
    return out


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


def render_timeline(docs: Sequence[_Doc], svg_id: str = "timeline") -> str:
    """An inline SVG of ``docs`` on a time axis; empty when none is dated."""
    if not docs:
        return ""
    all_dates = [d.date for d in docs] + [e for d in docs for e in d.evidence]
    first, last = min(all_dates), max(all_dates)
    # Padding stops at year 1 and year 9999: any valid date renders.
    start = _shift(first, -PADDING_DAYS)
    end = _shift(last, PADDING_DAYS)
    span = max(1, (end - start).days)
    plot_w = _W - _LEFT - _RIGHT

    def x(d: dt.date) -> float:
        return round(_LEFT + plot_w * (d - start).days / span, 1)

    # Stack the markers that would overlap (within 8 px), flagged ones on top.
    order = sorted(docs, key=lambda d: (d.date, d.flagged, d.id, d.file))
    levels = stack_levels([x(doc.date) for doc in order])
    max_level = max(levels, default=0)
    height = _TOP + _ARC_MAX + 20 + (max_level + 1) * _STACK + _AXIS_GAP
    axis_y = height - _AXIS_GAP
    parts: list[str] = [
        f'<svg id="{svg_id}" class="timeline" '
        f'width="{_W}" height="{height}" viewBox="0 0 {_W} {height}" role="img" '
        f'aria-label="Timeline of declared document dates">',
        f"<title>Declared dates {first} to {last}</title>",
        '<g class="ticks">',
    ]
    for d, label in _ticks(start, end):
        xd = x(d)
        parts.append(
            f'<g class="tick"><line x1="{xd}" y1="{_TOP}" x2="{xd}" y2="{axis_y + 5}"/>'
            f'<text x="{xd}" y="{axis_y + 20}">{_t(label)}</text></g>'
        )
    parts.append("</g>")
    parts.append(
        f'<line class="axis" x1="{_LEFT}" y1="{axis_y}" x2="{_W - _RIGHT}" y2="{axis_y}"/>'
    )

    def y(level: int) -> float:
        return axis_y - 12 - level * _STACK

    # Evidence lines first, so markers are drawn over them.
    ev_parts: list[str] = []
    marker_parts: list[str] = []
    for n, (doc, lvl) in enumerate(zip(order, levels, strict=True)):
        xd, yd = x(doc.date), y(lvl)
        file = escape_path(doc.file)
        name = doc.id or file
        for e in doc.evidence:
            xe = x(e)
            ye = axis_y - 12
            # A quadratic arc over the axis: several targets stay apart.
            lift = min(_ARC_MAX, 14 + abs(xe - xd) * 0.12)
            cx, cy = round((xd + xe) / 2, 1), round(min(yd, ye) - 2 * lift, 1)
            ev_parts.append(
                f'<path class="evidence" data-doc="{_t(name)}" data-from="{doc.date}" '
                f'data-to="{e}" d="M {xd} {yd} Q {cx} {cy} {xe} {ye}">'
                f"<title>{_t(name)}: declared {doc.date}, text supports {e}</title></path>"
                f'<circle class="evidence-date" cx="{xe}" cy="{ye}" r="4">'
                f"<title>{_t(name)}: text supports {e}</title></circle>"
            )
        cls = "doc flagged" if doc.flagged else "doc"
        tip = f"{name} ({file}): {doc.date}" if doc.id and doc.file else f"{name}: {doc.date}"
        if doc.flagged:
            tip += " (dates disagree: " + "; ".join(doc.messages) + ")"
        r = 7 if doc.flagged else 5
        marker_parts.append(
            f'<circle id="{svg_id}-doc-{n}" class="{cls}" data-id="{_t(doc.id)}" '
            f'data-file="{_p(doc.file)}" data-date="{doc.date}" cx="{xd}" cy="{yd}" r="{r}">'
            f"<title>{_t(tip)}</title></circle>"
        )
        if doc.flagged:
            marker_parts.append(
                f'<text class="label" x="{xd}" y="{yd - 11}" text-anchor="middle">{_t(name)}</text>'
            )
    parts.append('<g class="evidence-lines">')
    parts.extend(ev_parts)
    parts.append('</g><g class="markers">')
    parts.extend(marker_parts)
    parts.append("</g></svg>")
    return "\n".join(parts)


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


def _finding_html(report: Report, f: Finding, options: FormatOptions) -> str:
    shown = escape_path(report.display_path(f.path, options.base)) if f.path else "provlint"
    where = shown + (f":{f.line or 1}:{f.column or 1}" if f.path else "")
    out = [
        f'<div class="finding sev-row-{_t(f.severity.value)}">',
        f'{_sev(f.severity)} <span class="loc">{_t(where)}</span> '
        f'<span class="code">{_t(f.code)} {_t(f.check)}</span>',
    ]
    if f.doc_id:
        out.append(f' <span class="meta">id {_t(f.doc_id)}</span>')
    out.append(f'<div class="msg">{_t(f.message)}</div>')
    if f.related:
        out.append('<ul class="related">')
        for loc in f.related:
            rel = escape_path(report.display_path(loc.path, options.base)) if loc.path else ""
            text = (
                rel
                + (f":{loc.line}" if loc.line else "")
                + (f":{loc.column}" if loc.line and loc.column else "")
            )
            note = f" ({_t(loc.note)})" if loc.note else ""
            out.append(f'<li><span class="loc">{_t(text)}</span>{note}</li>')
        out.append("</ul>")
    out.append("</div>")
    return "".join(out)


def _grouped(report: Report) -> Iterable[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        groups[f.path].append(f)
    for path in sorted(groups, key=lambda p: (p == "", p)):
        yield path, groups[path]


class HtmlFormat(OutputFormat):
    """One self-contained HTML page: summary, SVG date timeline, findings."""

    name = "html"
    description = "a self-contained HTML page: summary, date timeline, findings by document"

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        by_sev, by_check = _summary(reports)
        documents = sum(int(r.stats.get("documents", 0)) for r in reports)
        suppressed = sum(len(r.suppressed) for r in reports)
        w = stream.write
        w('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n')
        w(
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">\n"
        )
        w('<meta name="viewport" content="width=device-width, initial-scale=1">\n')
        w("<title>provlint report</title>\n")
        w(f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n")
        w("<h1>provlint report</h1>\n")
        roots = ", ".join(_p(r.root) for r in reports)
        w(f'<p class="meta">Corpus: {roots or "(none)"}</p>\n')

        w('<section id="summary"><h2>Summary</h2>\n')
        total = sum(by_sev.values())
        w(
            f"<p>{documents} document{'' if documents == 1 else 's'} checked, "
            f"<strong>{total}</strong> finding{'' if total == 1 else 's'}"
            f"{f', {suppressed} suppressed inline' if suppressed else ''}.</p>\n"
        )
        w('<table class="by-severity"><tr><th>Severity</th><th>Findings</th></tr>\n')
        for sev in _SEVERITY_ORDER:
            w(f'<tr><td>{_sev(sev)}</td><td class="n">{by_sev[sev]}</td></tr>\n')
        w("</table>\n")
        if by_check:
            w('<table class="by-check"><tr><th>Code</th><th>Check</th><th>Findings</th></tr>\n')
            for (code, check), n in sorted(by_check.items()):
                w(
                    f'<tr><td class="code">{_t(code)}</td><td>{_t(check)}</td>'
                    f'<td class="n">{n}</td></tr>\n'
                )
            w("</table>\n")
        w("</section>\n")

        w('<section id="timelines"><h2>Timeline of declared dates</h2>\n')
        w(
            '<p class="legend"><span><i class="sw clean-sw"></i>document at its declared '
            'date</span><span><i class="sw flagged-sw"></i>dates disagree (date-mismatch or '
            "date-inconsistent); dashed lines lead to the dates its text supports</span></p>\n"
        )
        for i, report in enumerate(reports):
            if len(reports) > 1:
                w(f"<h3>{_p(report.root)}</h3>\n")
            svg = render_timeline(timeline_documents(report), svg_id=f"timeline-{i}")
            w(svg + "\n" if svg else '<p class="meta">No dated documents in INDEX.md.</p>\n')
        w("</section>\n")

        w('<section id="findings"><h2>Findings by document</h2>\n')
        if not total:
            w("<p>No findings.</p>\n")
        for report in reports:
            for path, findings in _grouped(report):
                shown = escape_path(report.display_path(path, options.base)) if path else "(corpus)"
                ids = sorted({f.doc_id for f in findings if f.doc_id})
                w('<div class="doc-block">\n')
                w(f"<h3>{_t(shown)}")
                if ids:
                    w(f' <span class="meta">({_t(", ".join(ids))})</span>')
                w("</h3>\n")
                for f in findings:
                    w(_finding_html(report, f, options) + "\n")
                w("</div>\n")
        w("</section>\n</main>\n</body>\n</html>\n")


@hookimpl
def provlint_register_formats() -> Sequence[type[OutputFormat]]:
    return [HtmlFormat]
