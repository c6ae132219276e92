"""The `html` output format: a self-contained page with an SVG date timeline."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from provlint.cli import main
from provlint.plugins.output_html import evidence_dates
from provlint.testing import CorpusBuilder

SCRIPT = "<script>alert(1)</script>"
STORY = (
    "Ministers from Sweden and Norway met with Erna Solberg and Magdalena Andersson "
    "at the OSCE council in Stockholm to discuss fishing quotas."
)


def _build(corpus: CorpusBuilder) -> CorpusBuilder:
    for i, date in enumerate(["2021-12-05", "2021-12-05", "2021-12-06", "2021-12-06"]):
        corpus.row(f"s{i}", f"s{i}.md", title=f"OSCE story {i}", source="Wire", date=date)
        corpus.doc(f"s{i}.md", header={"date": date}, body=f"{STORY} Day {i}.\n")
    # One document of the December story dated July; its title and body try script injection.
    corpus.row("x1", "x.md", title=SCRIPT, source="Wire", date="2021-07-18")
    corpus.doc(
        "x.md",
        header={"date": "2021-07-18", "title": SCRIPT},
        body=(
            f"{STORY}\nThe dinner was held in Stockholm on December 1.\n"
            f"They agreed a meeting tomorrow, Tuesday.\n{SCRIPT}\n"
        ),
    )
    return corpus


@pytest.fixture
def report_html(provlint_corpus: CorpusBuilder, tmp_path: Path) -> Path:
    root = _build(provlint_corpus).write()
    out = tmp_path / "report.html"
    code = main(["validate", str(root), "--format", "html", "-o", str(out), "--no-entry-points"])
    assert code == 1  # error findings
    return out


class _Attrs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_evidence_dates_from_messages() -> None:
    d = evidence_dates
    assert [str(x) for x in d("dateline 'X' (line 3, resolves to 2021-12-01) disagrees")] == [
        "2021-12-01"
    ]
    assert [str(x) for x in d("the 4 others are dated 2021-12-05..2021-12-06")] == [
        "2021-12-05",
        "2021-12-06",
    ]
    assert [str(x) for x in d("carries the date 2021-12-05 ('x')")] == ["2021-12-05"]
    assert d("the declared date is in the future (today is 2030-01-01)") == []


def test_html_report_content(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    # Escaped everywhere: the raw tag never appears, its escaped form does.
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    # Self-contained: no external resource of any kind.
    parser = _Attrs()
    parser.feed(text)
    for tag, attrs in parser.tags:
        for name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
            value = attrs.get(name)
            assert value is None or "http" not in value.lower(), (tag, name, value)
            assert value is None or "//" not in value, (tag, name, value)
    assert not any(tag in {"link", "script", "iframe", "img", "object"} for tag, _ in parser.tags)
    assert not re.search(r"url\(|@import", text)
    # Summary: severities and checks.
    assert 'class="by-severity"' in text and 'class="by-check"' in text
    assert "PV202" in text and "date-inconsistent" in text
    # Findings grouped by document, with file:line:col and related locations.
    assert re.search(r'<a class="loc" href="#f-[0-9a-f]{12}">[^<]*x\.md:\d+:\d+</a>', text)
    assert 'class="related"' in text and "INDEX.md:7" in text
    # Timeline: five markers, one flagged (x1), evidence to December dates.
    markers = [a for t, a in parser.tags if t == "circle" and "doc" in (a["class"] or "").split()]
    assert len(markers) == 5
    flagged = [a for a in markers if "flagged" in (a["class"] or "").split()]
    assert [(a["data-id"], a["data-date"]) for a in flagged] == [("x1", "2021-07-18")]
    lines = [a for t, a in parser.tags if a.get("class") == "evidence"]
    assert len(lines) == 3
    targets = {a["data-to"] for a in lines}
    assert {"2021-12-01", "2021-12-05", "2021-12-06"} <= targets
    assert all(a["data-from"] == "2021-07-18" and a["data-doc"] == "x1" for a in lines)
    # July to December is a long empty gap: the axis is broken there, and
    # the July marker stays left of the December ones.
    xs = {a["data-date"]: float(a["cx"] or 0) for a in markers}
    assert xs["2021-07-18"] < xs["2021-12-05"] < xs["2021-12-06"]
    breaks = [a for t, a in parser.tags if a.get("class") == "axis-break"]
    assert len(breaks) == 1 and int(breaks[0]["data-days"] or 0) > 100
    assert "<title>x1 (x.md): 2021-07-18" in text


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.slow
def test_html_report_in_headless_chromium(report_html: Path, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium or chromium-browser on PATH (Debian package: chromium)")
    profile = tmp_path / "chromium-profile"
    url = report_html.resolve().as_uri()
    base = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]

    dom = subprocess.run(
        [*base, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert re.search(r'<circle[^>]*class="doc flagged"[^>]*data-id="x1"', dom), dom[:2000]
    assert len(re.findall(r'<path class="evidence"[^>]*data-doc="x1"', dom)) == 3
    assert 'data-to="2021-12-01"' in dom
    assert "<script>alert(1)</script>" not in dom  # still text, not an element

    png = tmp_path / "report.png"
    subprocess.run(
        [*base, f"--screenshot={png}", "--window-size=1200,900", url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert png.is_file()
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5 * 1024


# --- anchors, filters, evidence, timeline, provenance, run details ---------------------------


def _ids_and_hrefs(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    parser = _Attrs()
    parser.feed(text)
    ids = [a["id"] or "" for _, a in parser.tags if a.get("id")]
    hrefs = [(t, a["href"] or "") for t, a in parser.tags if a.get("href")]
    return ids, hrefs


def test_html_anchors_and_links(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    ids, hrefs = _ids_and_hrefs(text)
    assert len(ids) == len(set(ids)), "anchors are unique"
    # Every link in the page leads to an anchor of the page.
    assert hrefs and all(h.startswith("#") and h[1:] in ids for _, h in hrefs), hrefs
    # One anchor per finding, one per document (the five rows and the catalogue).
    findings = re.findall(r'<div class="finding [^"]*" id="(f-[0-9a-f]{12})"', text)
    assert len(findings) == text.count('<div class="finding ')
    docs = set(re.findall(r'id="(doc-[0-9a-f]{12})"', text))
    assert len(docs) == 5  # s0-s3 and x.md: every row has its anchor
    # Summary rows link to findings; timeline marks and related locations to documents.
    summary = text[text.index('id="summary"') : text.index('id="timelines"')]
    assert re.search(r'class="by-check"[\s\S]*<a href="#f-[0-9a-f]{12}">PV202</a>', summary)
    assert re.search(r'class="by-severity"[\s\S]*<a href="#f-', summary)
    timeline = text[text.index('id="timelines"') : text.index('id="provenance"')]
    assert len(re.findall(r'<a href="#doc-[0-9a-f]{12}"><circle', timeline)) == 5
    related = re.findall(r'<li><a class="loc" href="#(doc-[0-9a-f]{12})">([^<]*)</a>', text)
    assert any("INDEX.md:" in shown for _, shown in related)  # a row leads to its document


def test_html_anchors_stable_across_runs(provlint_corpus: CorpusBuilder, tmp_path: Path) -> None:
    root = _build(provlint_corpus).write()
    outs = []
    for n in range(2):
        out = tmp_path / f"r{n}.html"
        main(["validate", str(root), "--format", "html", "-o", str(out), "--no-entry-points"])
        outs.append(sorted(_ids_and_hrefs(out.read_text(encoding="utf-8"))[0]))
    assert outs[0] == outs[1]


def test_html_filters_are_css_only(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    parser = _Attrs()
    parser.feed(text)
    assert not any(tag == "script" for tag, _ in parser.tags)
    assert not re.search(r"\son[a-z]+=", text)  # no event handler attributes
    assert "default-src 'none'; style-src 'unsafe-inline'; img-src data:" in text
    boxes = {a["id"]: a for t, a in parser.tags if t == "input" and a.get("type") == "checkbox"}
    assert {"fs-error", "fs-warning", "fs-info"} <= set(boxes)
    checks = [i for i in boxes if re.fullmatch(r"fc\d+", i)]
    assert len(checks) == len(
        re.findall(
            r"<tr><td class=\"code\">", text.split('class="by-check"')[1].split("</table>")[0]
        )
    )
    assert all("checked" in boxes[i] for i in boxes)
    # The rules read the checkboxes with :has(): a finding hides with its
    # severity or its check; a document shows while one of its findings does.
    assert "main:has(#fs-error:not(:checked)) .finding.s-error" in text
    for cc in checks:
        assert f"main:has(#{cc}:not(:checked)) .finding.{cc[1:]}" in text
    blocks = re.findall(r'<div class="doc-block ([^"]*)"', text)
    for classes in blocks:
        for key in classes.split():
            sev, cc = key.split("-")[1:]
            assert f":has(#fs-{sev}:checked):has(#f{cc}:checked) .doc-block.{key}" in text
    # Each finding carries its severity and check classes.
    for sev, cc in re.findall(r'<div class="finding s-(\w+) (c\d+) k-', text):
        assert f"#f{cc}" in text and sev in {"error", "warning", "info"}
    # One document alone: its anchor as :target.
    assert "main:has(.doc-block:target) .doc-block:not(:target){display:none!important}" in text
    assert '<input type="reset"' in text


def test_html_evidence_line_highlights_the_quoted_phrase(report_html: Path) -> None:
    text = report_html.read_text(encoding="utf-8")
    srcs = re.findall(r'<div class="src"><span class="ln">(\d+)</span>(.*?)</div>', text)
    assert srcs
    marks = [re.search(r"<mark>(.*?)</mark>", body) for _, body in srcs]
    shown = {m.group(1) for m in marks if m}
    # date-inconsistent quotes "... on December 1" from x.md's line 5.
    assert any("December 1" in m for m in shown), shown
    # The script in the body stays text, in the evidence line too.
    assert "<script" not in text.lower()


def test_highlight_windows_long_lines() -> None:
    from provlint.plugins.output_html import highlight

    line = "x" * 500 + " the phrase here " + "y" * 500
    shown, a, b = highlight(line, 502, ["the phrase"])
    assert shown[a:b] == "the phrase"
    assert shown.startswith("…") and shown.endswith("…") and len(shown) < 200
    shown, a, b = highlight("short line with word", 7, [])
    assert shown[a:b] == "line"


def test_finding_dates_prefer_properties() -> None:
    from provlint import Finding, Severity
    from provlint.plugins.output_html import finding_dates

    def f(message: str, props: dict[str, object] | None) -> Finding:
        return Finding(
            "a.md", 1, 1, "PV201", "date-mismatch", Severity.ERROR, message, properties=props
        )

    msg = "header date 2021-12-08 disagrees with INDEX.md date 2021-12-07"
    declared, ev = finding_dates(f(msg, None))
    assert declared is None and [str(d) for d in ev] == ["2021-12-08", "2021-12-07"]
    props = {
        "expected": "2021-12-07",
        "found": "2021-12-08",
        "evidence": [{"kind": "url", "date": "2021-12-09", "text": "/2021/12/09/"}],
    }
    declared, ev = finding_dates(f(msg, props))
    assert str(declared) == "2021-12-07" and [str(d) for d in ev] == ["2021-12-08", "2021-12-09"]
    # The shapes of the data keys: date-mismatch's declared / evidence /
    # proposed, date-inconsistent's mentions and story.
    props3 = {
        "declared": "2021-07-18",
        "evidence": "2021-12-01",
        "mentions": [{"line": 14, "text": "on December 1", "date": "2021-12-01"}],
        "story": {"documents": ["a.md"], "earliest": "2021-12-03", "latest": "2021-12-07"},
    }
    declared, ev = finding_dates(f(msg, props3))
    assert str(declared) == "2021-07-18"
    assert [str(d) for d in ev] == ["2021-12-01", "2021-12-03", "2021-12-07"]
    # The keys another format may give: declared / evidence / proposed.
    props2 = {"declared": "2021-12-07", "evidence": ["2021-12-01"], "proposed": "2021-12-01"}
    declared, ev = finding_dates(f(msg, props2))
    assert str(declared) == "2021-12-07" and [str(d) for d in ev] == ["2021-12-01"]


def _synthetic_docs(n: int, seed: int = 3) -> list[object]:
    import datetime as dt
    import random

    from provlint.plugins.output_html import _Doc

    rnd = random.Random(seed)
    out = []
    base = dt.date(2016, 1, 1)
    for i in range(n):
        d = _Doc(
            f"document-{i:05d}-with-a-long-id",
            f"docs/d{i}.md",
            base + dt.timedelta(days=rnd.randrange(0, 3000)),
        )
        if rnd.random() < 0.2:
            d.flagged = True
            d.evidence = [d.date + dt.timedelta(days=rnd.choice([-400, -30, 25, 200]))]
        out.append(d)
    return out


def _assert_boxes_clear(boxes: list[tuple[float, float, float, float]], height: float) -> None:
    from provlint.plugins.output_html import W

    for b in boxes:
        assert 0 <= b[0] < b[2] <= W and 0 <= b[1] < b[3] <= height, b
    ordered = sorted(boxes)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b[0] >= a[2]:
                break
            assert not (a[1] < b[3] and b[1] < a[3]), (a, b)


def _svg_height(svg: str) -> float:
    m = re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg)
    assert m
    return float(m.group(1))


@pytest.mark.parametrize("n", [7, 60, 1000, 10000])
def test_timeline_labels_never_overlap_or_clip(n: int) -> None:
    from provlint.plugins.output_html import render_timeline

    docs = _synthetic_docs(n)
    tl = render_timeline(docs)  # type: ignore[arg-type]
    assert tl.label_boxes
    height = _svg_height(tl.svg)
    _assert_boxes_clear(tl.label_boxes, height)
    # Every label drawn is one of the boxes checked.
    drawn = re.findall(r'data-box="([\d. -]+)"', tl.svg)
    assert len(drawn) == len(tl.label_boxes)
    assert tl.mode == ("dots" if n <= 60 else "bars")
    if n >= 1000:
        # Aggregated: far fewer marks than documents; the strip is bounded.
        assert tl.svg.count('class="col"') < 200
        assert tl.strip_rows == 30 < tl.strip_total
        assert len(tl.svg) < 200_000


def test_timeline_december_cluster_and_left_edge() -> None:
    """The issue's case: five December documents within a few days, one
    labelled at the very left of the axis; every label is placed clear of
    the others and inside the drawing."""
    import datetime as dt

    from provlint.plugins.output_html import _Doc, render_timeline

    docs = []
    for i, day in enumerate([1, 1, 2, 2, 3]):
        d = _Doc(f"december-story-{i}", f"d{i}.md", dt.date(2021, 12, day))
        d.flagged = True
        d.evidence = [dt.date(2021, 12, 20)]
        docs.append(d)
    early = _Doc("a-rather-long-document-name", "e.md", dt.date(2021, 11, 20))
    early.flagged = True
    early.evidence = [dt.date(2021, 11, 1)]
    docs.append(early)
    tl = render_timeline(docs)
    _assert_boxes_clear(tl.label_boxes, _svg_height(tl.svg))
    assert tl.omitted_labels == 0
    assert tl.svg.count('class="label"') == 6


def test_axis_breaks_long_gaps() -> None:
    import datetime as dt

    from provlint.plugins.output_html import make_axis

    dates = [dt.date(2001, 1, 1), dt.date(2001, 1, 20), dt.date(2019, 5, 1), dt.date(2019, 6, 1)]
    axis = make_axis(dates)
    assert len(axis.segments) == 2 and len(axis.breaks) == 1
    xs = [axis.x(d) for d in dates]
    assert xs == sorted(xs)
    # Each stretch gets a readable width, not a sliver.
    assert all(s.width >= 70 for s in axis.segments)
    assert make_axis([dt.date(2020, 1, 1)]).breaks == []


def test_provenance_graph(provlint_corpus: CorpusBuilder, tmp_path: Path) -> None:
    corpus = _build(provlint_corpus)
    corpus.row("c1", "c1.md", title="copy", source="Wire", date="2021-12-06", derived_from="s0")
    corpus.doc("c1.md", header={"date": "2021-12-06"}, body="A copy.\n")
    root = corpus.write()
    out = tmp_path / "r.html"
    main(["validate", str(root), "--format", "html", "-o", str(out), "--no-entry-points"])
    text = out.read_text(encoding="utf-8")
    graph = text[text.index('id="provenance"') : text.index('id="findings"')]
    assert re.search(r'<path class="edge" data-from="c1.md" data-to="s0.md"', graph)
    ids, _ = _ids_and_hrefs(text)
    nodes = re.findall(r'<a href="#(doc-[0-9a-f]{12})"><g class="node"', graph)
    assert len(nodes) >= 2 and all(n in ids for n in nodes)


def test_provenance_graph_is_bounded() -> None:
    from provlint.plugins.output_html import GRAPH_MAX_NODES, render_graph

    edges = [(f"d{i}.md", f"d{i // 50}.md", "derived") for i in range(50, 5000)]
    edges += [(f"x{i}.md", f"y{i}.md", "duplicate") for i in range(3000)]
    g = render_graph(edges, {}, {})
    assert g.nodes > 5000 and g.shown_nodes <= GRAPH_MAX_NODES
    assert g.svg.count('class="node"') + g.svg.count('class="node more"') <= GRAPH_MAX_NODES + 50
    assert len(g.svg) < 150_000


def test_html_run_details(provlint_corpus: CorpusBuilder, tmp_path: Path) -> None:
    from provlint import __version__

    root = _build(provlint_corpus).write()
    (root / "provlint.toml").write_text('ignore = ["PV304"]\n', encoding="utf-8")
    out = tmp_path / "r.html"
    main(["validate", str(root), "--format", "html", "-o", str(out), "--no-entry-points"])
    text = out.read_text(encoding="utf-8")
    run = text[text.index('id="run"') :]
    assert f"<dt>provlint</dt><dd>{__version__}</dd>" in run
    assert "provlint.toml" in run
    assert re.search(r"<dt>ignore</dt><dd>\[&quot;PV304&quot;\] \(file\)</dd>", run)
    assert "<dt>check-timeout</dt>" in run and "PV202 date-inconsistent" in run


# --- real browser: screenshots at 7, 1,000 and 10,000 documents ------------------------------

REPO = Path(__file__).resolve().parents[1]
REPORT_MAX_BYTES = 8 * 1024 * 1024
"""The most the report of 10,000 documents (about 4,800 findings) may weigh."""

# A test-only copy of the page gets this script (the report itself has none,
# and its CSP would block it): it writes what the browser laid out.
MEASURE = """<script>
function measure() {
const out = {texts: [], findings: [], blocks: 0};
for (const svg of document.querySelectorAll('svg.timeline')) {
  const vb = svg.viewBox.baseVal;
  for (const t of svg.querySelectorAll('text')) {
    const b = t.getBBox();
    out.texts.push({svg: svg.id, text: t.firstChild ? t.firstChild.textContent : '',
      box: [b.x, b.y, b.x + b.width, b.y + b.height], est: t.getAttribute('data-box'),
      w: vb.width, h: vb.height});
  }
}
for (const f of document.querySelectorAll('.finding')) {
  if (getComputedStyle(f).display !== 'none') out.findings.push(f.className.split(' ')[1]);
}
for (const d of document.querySelectorAll('.doc-block')) {
  if (getComputedStyle(d).display !== 'none') out.blocks += 1;
}
const pre = document.createElement('pre'); pre.id = 'measured';
pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
}
window.addEventListener('load', () => setTimeout(measure, 0));
</script>"""


def _browser_or_skip() -> str:
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium or chromium-browser on PATH (Debian package: chromium)")
    return browser


def _chrome(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )


def _measure(browser: str, page: Path, profile: Path, fragment: str = "") -> dict[str, object]:
    import json

    text = page.read_text(encoding="utf-8")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text, count=1)
    probe = page.with_name(page.stem + "-probe.html")
    probe.write_text(text.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    url = probe.resolve().as_uri() + fragment
    dom = _chrome(browser, profile, "--virtual-time-budget=5000", "--dump-dom", url).stdout
    m = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert m, dom[-2000:]
    import html as _html

    data: dict[str, object] = json.loads(_html.unescape(m.group(1)))
    return data


def _screenshot(browser: str, page: Path, profile: Path, name: str, height: int = 2400) -> Path:
    import os

    png = page.with_name(name)
    _chrome(
        browser,
        profile,
        f"--screenshot={png}",
        f"--window-size=1200,{height}",
        "--hide-scrollbars",
        page.resolve().as_uri(),
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5 * 1024
    keep = os.environ.get("PROVLINT_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        (Path(keep) / name).write_bytes(data)
    return png


def _corpus(n: int, tmp: Path) -> Path:
    if n == 7:
        return REPO  # the bundled example corpus: INDEX.md and seeds/
    import sys

    out = tmp / f"corpus-{n}"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "gen_dated_corpus.py"), str(out), "-n", str(n)],
        check=True,
        capture_output=True,
    )
    return out


def _assert_browser_boxes_clear(texts: list[dict[str, object]]) -> None:
    """The boxes Chromium gives every text of every timeline: inside the
    drawing, none overlapping another (1 px of glyph overhang allowed), and
    none wider than the renderer's estimate."""
    by_svg: dict[str, list[tuple[float, float, float, float]]] = {}
    for t in texts:
        x0, y0, x1, y1 = t["box"]  # type: ignore[misc]
        w, h = t["w"], t["h"]
        assert x0 >= 0 and x1 <= w and y0 >= 0 and y1 <= h, t  # type: ignore[operator]
        est = t["est"]
        if est:
            ex0, _, ex1, _ = (float(v) for v in str(est).split())
            assert x1 - x0 <= ex1 - ex0 + 0.5, t  # the estimate is generous
        by_svg.setdefault(str(t["svg"]), []).append((x0 + 1, y0 + 1, x1 - 1, y1 - 1))
    for boxes in by_svg.values():
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


@pytest.mark.slow
@pytest.mark.parametrize("n", [7, 1000, 10000])
def test_html_report_screenshots(n: int, tmp_path: Path) -> None:
    """Chromium lays the report out: every timeline text is clear of the
    others and inside the drawing; the 10,000-document page stays under
    REPORT_MAX_BYTES; a screenshot is taken of each (kept in
    $PROVLINT_SCREENSHOT_DIR when set)."""
    browser = _browser_or_skip()
    root = _corpus(n, tmp_path)
    out = tmp_path / f"report-{n}.html"
    code = main(
        [
            "validate",
            str(root),
            "--format",
            "html",
            "-o",
            str(out),
            "--no-entry-points",
            "--no-cache",
        ]
    )
    assert code == 1
    size = out.stat().st_size
    assert size < REPORT_MAX_BYTES, size
    profile = tmp_path / "profile"
    data = _measure(browser, out, profile)
    texts = data["texts"]
    assert isinstance(texts, list) and texts
    _assert_browser_boxes_clear(texts)
    mode = re.search(r'<svg id="timeline-0" class="timeline" data-mode="(\w+)"', out.read_text())
    assert mode and mode.group(1) == ("dots" if n == 7 else "bars")
    _screenshot(browser, out, profile, f"report-{n}.png")


@pytest.mark.slow
def test_html_filters_in_chromium(tmp_path: Path) -> None:
    """Unchecking a box (here: the page saved with it unchecked) hides the
    findings of that severity and the documents left empty; a document's
    anchor shows that document alone. No script in the report."""
    browser = _browser_or_skip()
    report_html = tmp_path / "example.html"
    main(
        [
            "validate",
            str(REPO),
            "--format",
            "html",
            "-o",
            str(report_html),
            "--no-entry-points",
            "--no-cache",
        ]
    )
    profile = tmp_path / "profile"
    text = report_html.read_text(encoding="utf-8")
    everything = _measure(browser, report_html, profile)
    shown = everything["findings"]
    assert isinstance(shown, list) and "s-error" in shown and "s-warning" in shown
    unchecked = report_html.with_name("no-errors.html")
    unchecked.write_text(text.replace('id="fs-error" checked', 'id="fs-error"'), encoding="utf-8")
    filtered = _measure(browser, unchecked, profile)
    assert set(filtered["findings"]) == {"s-warning"}  # type: ignore[arg-type]
    blocks_with_warning = len(re.findall(r'<div class="doc-block[^"]*k-warning-', text))
    assert filtered["blocks"] == blocks_with_warning < everything["blocks"]  # type: ignore[operator]
    # One check unchecked: its findings go, the others stay.
    cc = re.search(r'id="(fc\d+)" checked> <span class="code">PV202', text)
    assert cc
    no_check = report_html.with_name("no-check.html")
    no_check.write_text(
        text.replace(f'id="{cc.group(1)}" checked', f'id="{cc.group(1)}"'), encoding="utf-8"
    )
    rest = _measure(browser, no_check, profile)
    assert len(rest["findings"]) == len(shown) - text.count(f" {cc.group(1)[1:]} k-")  # type: ignore[arg-type]
    # A document's anchor: that document alone.
    anchor = re.search(r'<div class="doc-block [^"]*" id="(doc-[0-9a-f]+)"', text)
    assert anchor
    one = _measure(browser, report_html, profile, "#" + anchor.group(1))
    assert one["blocks"] == 1
    _screenshot(browser, unchecked, profile, "report-filtered.png", height=1600)


def test_html_example_corpus_evidence_and_documents(tmp_path: Path) -> None:
    """On the bundled example corpus: the date finding's line marks the
    date it quotes; a whole-file finding shows no line; the summary lists
    the documents with the most findings, linked."""
    out = tmp_path / "example.html"
    main(["validate", str(REPO), "--format", "html", "-o", str(out), "--no-cache"])
    text = out.read_text(encoding="utf-8")
    blocks = dict(
        re.findall(
            r'<div class="doc-block [^"]*" id="[^"]*">\n<h3><a[^>]*>([^<]*)</a>'
            r"([\s\S]*?)\n</div>",
            text,
        )
    )
    synd = next(v for k, v in blocks.items() if k.endswith("syndicated-copy.md"))
    assert re.search(r'<span class="ln">5</span>date: <mark>2021-12-08</mark>', synd)
    clean = next(v for k, v in blocks.items() if k.endswith("clean-copy.txt"))
    assert 'class="src"' not in clean  # missing-date and duplicate-content: whole file
    table = text.split('class="by-document"')[1].split("</table>")[0]
    rows = re.findall(r'<a href="#(doc-[0-9a-f]{12})">', table)
    assert len(rows) == 5 and all(f'id="{r}"' in text for r in rows)
    assert 'clean-copy.txt</a></td><td class="n">2<' in table
