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
    assert re.search(r'<span class="loc">[^<]*x\.md:\d+:\d+</span>', text)
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
    # The July marker is far left of December ones: the line spans most of the axis.
    xs = {a["data-date"]: float(a["cx"] or 0) for a in markers}
    assert xs["2021-12-05"] - xs["2021-07-18"] > 700
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
