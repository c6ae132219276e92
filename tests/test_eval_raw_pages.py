"""benchmarks/eval_raw_pages.py on a small raw-pages folder written here: the
HTML-to-text conversion, the stamp heuristic, and every section's figures."""

from __future__ import annotations

import gzip
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import load_benchmark

ev = load_benchmark("eval_raw_pages")

_WORDS = (
    "the a of and to in on for with from after before under over near council river garden "
    "bridge market school train weather harvest morning evening summer winter people workers "
    "visitors neighbours families children engineers farmers teachers opened closed planned "
    "repaired painted counted visited watched carried moved built said wrote asked found kept "
    "quiet busy early late small large old new green narrow wide long short slow careful"
).split()


def prose(seed: int, paragraphs: int) -> str:
    """Paragraphs of made-up sentences (no digits, no dates), different for
    each seed: long enough for duplicate-content's word shingles."""
    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        sentences = [" ".join(rng.choice(_WORDS) for _ in range(14)).capitalize() + "."]
        sentences += [" ".join(rng.choice(_WORDS) for _ in range(12)).capitalize() + "."]
        out.append("<p>" + " ".join(sentences) + "</p>")
    return "\n".join(out)


TERMS = prose(99, 12)
NEWS_URL = "https://news.example.test/2021/03/15/harbour-bridge-reopens/"
BLOG_URL = "https://blog.example.test/notes/garden-log"

PAGES: list[dict[str, Any]] = [
    {
        # A news article in its page: menu, cookie banner, stamp, footer.
        "url": NEWS_URL,
        "date": "2021-03-15",
        "html": """<!DOCTYPE html><html><head><title>Harbour bridge reopens</title>
<style>body { color: #333 }</style>
<script>var promo = "Subscribe now for unlimited access";</script></head>
<body><nav><ul><li><a href="/">Home</a></li><li>World</li><li>Sport</li><li>Weather</li>
<li>Culture</li></ul></nav>
<div class="consent">Accept all cookies</div>
<article><h1>Harbour bridge reopens</h1>
<p class="byline">By Ann Writer | 15 March 2021</p>
<p>The harbour bridge reopened to traffic on Monday after eight months of repairs,
the city council said in a statement.</p>
<p>Engineers replaced the main cables &amp; resurfaced both lanes; the work cost less
than the council had budgeted for it last spring.</p>
<p>Cyclists will have a separate lane from the summer, when the last barriers are removed
and the new lights are switched on along the whole length of the bridge.</p>
"""
        + prose(1, 8)
        + """
</article>
<footer><p>Share this story</p><p>© 2021 Example News. All rights reserved.</p>
<p>Privacy Policy</p><p>Terms of Use</p></footer>
</body></html>""",
        "with": [
            "The harbour bridge reopened to traffic on Monday",
            "Engineers replaced the main cables & resurfaced both lanes",
        ],
        "without": ["Privacy Policy", "Accept all cookies"],
    },
    {
        # A plain blog post with a machine timestamp; its furniture is only
        # in a script, which the conversion drops.
        "url": BLOG_URL,
        "date": "2020-06-01",
        "html": """<html><head><title>Garden log</title>
<script>document.write("Follow us on every platform");</script></head><body>
<h1>Garden log</h1><p>Posted 2020-06-01T10:00:00+02:00</p>
<p>The tomatoes went into the raised bed this week, a little later than usual because
the nights stayed cold for most of May.</p>
<p>The beans are climbing already, and the first strawberries are turning red under
the netting that keeps the blackbirds away from them.</p>
<p>Next month the plan is to sow a second row of lettuce and to mend the old water butt
before the dry weeks arrive.</p>
"""
        + prose(2, 8)
        + """
</body></html>""",
        "with": ["The tomatoes went into the raised bed this week"],
        "without": ["Follow us on every platform"],
    },
    {
        # The news article again, reached through a feed link: the same
        # article (same url once normalised), undated.
        "url": "http://www.news.example.test/2021/03/15/harbour-bridge-reopens?utm_source=feed",
        "date": None,
        "html": None,  # same page as the first
        "with": ["The harbour bridge reopened to traffic on Monday"],
        "without": ["Privacy Policy"],
    },
    {
        # Two shop pages of one site: different products, the same long
        # terms of sale (a false duplicate pair).
        "url": "https://shop.example.test/products/blue-teapot",
        "date": None,
        "html": f"""<html><body><h1>Blue teapot</h1><p>A blue teapot for four cups.</p>
<div class="terms">{TERMS}</div></body></html>""",
        "with": ["A blue teapot for four cups."],
        "without": [],
    },
    {
        "url": "https://shop.example.test/products/green-mug",
        "date": None,
        "html": f"""<html><body><h1>Green mug</h1><p>A green mug that holds half a litre.</p>
<div class="terms">{TERMS}</div></body></html>""",
        "with": ["A green mug that holds half a litre."],
        "without": [],
    },
]


def _write_data(root: Path) -> Path:
    data = root / "raw-pages"
    (data / "html").mkdir(parents=True)
    lines = []
    for i, page in enumerate(PAGES):
        html = page["html"] if page["html"] is not None else PAGES[0]["html"]
        name = f"html/page{i}.html.gz"
        (data / name).write_bytes(gzip.compress(html.encode("utf-8")))
        rec = {k: v for k, v in page.items() if k != "html"}
        lines.append(json.dumps(rec | {"file": name, "original_file": f"page{i}.html"}))
    (data / "pages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


def _write_clean(root: Path) -> Path:
    """The clean text of the first two pages; the second with another date label."""
    recs = [
        {
            "url": NEWS_URL.replace("https://", "http://www."),
            "date": "2021-03-15",
            "text": "Harbour bridge reopens\nThe harbour bridge reopened to traffic on Monday.",
        },
        {"url": BLOG_URL, "date": "2020-06-02", "text": "Garden log\nThe tomatoes went in."},
    ]
    path = root / "dated-pages.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return path


def test_html_to_text() -> None:
    html = """<html><head><title>T</title><style>p {}</style></head><body>
<script>hidden()</script><noscript>enable scripts</noscript><template><p>tpl</p></template>
<div>one
   two&nbsp;&amp; three</div><p>four<br>five<br/>six</p>
<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td><b>2</b></td></tr></table>
<ul><li>x</li><li>  </li><li>y <span>z</span></li></ul><p></p>
<section>end</section></body></html>"""
    assert ev.html_to_text(html).split("\n") == [
        "T",
        "one two & three",
        "four",
        "five",
        "six",
        "a b",
        "1 2",
        "x",
        "y z",
        "end",
    ]


def test_decode_html() -> None:
    assert ev.decode_html("café".encode()) == "café"
    latin = '<meta charset="iso-8859-1"><p>café</p>'.encode("latin-1")
    assert ev.decode_html(latin) == '<meta charset="iso-8859-1"><p>café</p>'
    assert ev.decode_html(b"<p>caf\xe9 \x80</p>") == "<p>café €</p>"  # cp1252


def test_stamp_line() -> None:
    day = date(2021, 3, 5)
    for stamp in (
        "2021-03-05",
        "March 5, 2021",
        "Mar. 5, 2021",
        "5 March 2021",
        "Posted on 5th March 2021 by Ann",
        "5. März 2021",
        "5 mars 2021",
        "05.03.2021",
        "5.3.2021",
        "05/03/2021",
    ):
        assert ev.stamp_line(f"Menu\nHome\n{stamp}\nText", day) == 3, stamp
    assert ev.stamp_line("Menu\n15 March 2021", day) is None  # another day
    assert ev.stamp_line("Menu\n2021-03-050", day) is None
    assert ev.stamp_line("x " * 60 + "5 March 2021", day) is None  # a paragraph, not a stamp
    assert ev.stamp_line("line\n" * ev.STAMP_LINES + "5 March 2021", day) is None  # too low


def test_norm_url_and_labels() -> None:
    assert ev.norm_url("https://www.Example.test/a/b/?utm_source=x&id=3#top") == (
        "example.test/a/b?id=3"
    )
    assert ev.parse_label("2022-01.26") == date(2022, 1, 26)
    assert ev.parse_label("2022-29-11") == date(2022, 11, 29)
    assert ev.parse_label(None) is None
    assert ev.Page("p0", "hard::page.html", None, [], []).web_url is None
    assert ev.Page("p0", BLOG_URL, None, [], []).web_url == BLOG_URL


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("rawpages")
    res: dict[str, Any] = ev.evaluate(
        _write_data(root), _write_clean(root), copies=2, seed=3, out=lambda s: None
    )
    return res


def test_pages_and_text(result: dict[str, Any], tmp_path: Path) -> None:
    assert result["pages"] == 5
    assert result["empty_text"] == 0
    assert result["no_web_url"] == 0
    pages = ev.load_pages(_write_data(tmp_path))
    news = pages[0].text.split("\n")
    assert news[:8] == [
        "Harbour bridge reopens",
        "Home",
        "World",
        "Sport",
        "Weather",
        "Culture",
        "Accept all cookies",
        "Harbour bridge reopens",
    ]
    assert "Subscribe now" not in pages[0].text
    assert "Engineers replaced the main cables & resurfaced both lanes;" in pages[0].text
    assert ev.stamp_line(pages[0].text, date(2021, 3, 15)) == 9
    assert "Follow us" not in pages[1].text
    assert ev.load_pages(_write_data(tmp_path / "again"), limit=2)[1].url == BLOG_URL


def _row(rows: list[dict[str, Any]], shift: int, url: bool) -> dict[str, Any]:
    (row,) = [r for r in rows if r["shift"] == shift and r["url"] is url]
    return row


def test_dates(result: dict[str, Any]) -> None:
    dates = result["dates"]
    assert dates["pages"] == 2
    runs = dates["runs"]
    assert len(runs) == 8
    for url in (True, False):
        assert _row(runs, 0, url)["any"] == 0  # no false alarm on the true dates
    for shift in (30, 90, 365):
        # The news page by its url, the blog post by its timestamp.
        with_url = _row(runs, shift, True)
        assert with_url["any"] == 2 and with_url["share"] == 1.0
        assert with_url["date-mismatch"]["pages"] == 2
        # Without the url, the news page has only its written stamp.
        assert 1 <= _row(runs, shift, False)["date-mismatch"]["pages"] <= 2
    stamp = dates["stamp"]
    assert stamp["pages"] == 2  # the news page's byline, the blog's timestamp
    assert stamp["url"]["any"] == 2 and stamp["url"]["share"] == 1.0
    assert stamp["no_url"]["date-mismatch"]["pages"] >= 1
    overlap = dates["overlap"]
    assert overlap["matched"] == 2 and overlap["dates_agree"] == 1
    assert [(r["shift"], r["url"]) for r in overlap["runs"]] == [
        (0, True),
        (0, False),
        (30, True),
        (30, False),
    ]
    first = overlap["runs"][0]
    assert first["raw"]["pages"] == first["clean"]["pages"] == 1
    assert first["raw"]["any"] == first["clean"]["any"] == 0
    assert overlap["runs"][2]["raw"]["any"] == 1  # the url date


def test_residue(result: dict[str, Any]) -> None:
    sr = result["residue"]
    assert sr["pages"] == 5
    assert sr["positive"] == 2  # the news page, twice; the blog's furniture was in a script
    assert sr["negative"] == 3
    assert sr["body_present"] == 5
    assert sr["flagged_positive"] == 2 and sr["flagged_negative"] == 0
    assert sr["recall"] == 1.0 and sr["precision"] == 1.0
    assert sr["clean_bodies"] == 5 and sr["clean_flagged"] == 0
    lines = sr["lines"]
    assert lines is not None
    assert lines["all"]["without"]["lines"] == 3  # two on the news page, one on its copy
    assert lines["all"]["without"]["residue"] >= 2
    assert lines["all"]["with"]["lines"] == 6
    assert lines["all"]["with"]["residue"] == 0
    assert lines["flagged"]["without"]["lines"] == 3


def test_duplicates(result: dict[str, Any]) -> None:
    dup = result["duplicates"]
    assert dup["reported"] == 2
    assert dup["true"] == 1 and dup["false"] == 1 and dup["precision"] == 0.5
    assert dup["false_pairs"] == [
        ["https://shop.example.test/products/blue-teapot",
         "https://shop.example.test/products/green-mug"]
    ]  # fmt: skip
    rc = dup["recall"]
    assert rc["copies"] == 2 and rc["detected"] == 2 and rc["recall"] == 1.0
    assert rc["exact"]["copies"] == rc["edited"]["copies"] == 1
    assert rc["paired_elsewhere"] == 0


def test_report_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_data(tmp_path)
    clean = _write_clean(tmp_path)
    argv = ["--data", str(data), "--clean", str(clean), "--copies", "1"]
    assert ev.main([*argv, "--sections", "residue,duplicates", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert set(res) >= {"residue", "duplicates"} and "dates" not in res
    assert ev.main([*argv, "--limit", "2", "--show", "1"]) == 0
    out = capsys.readouterr().out
    assert "Dates: 2 pages with a labelled date" in out
    assert "scrape-residue: 1 positive pages" in out
    assert "Stamp detection at -30 d: 2 pages" in out
    assert "(0 with no text, 0 with no http(s) url)" in out
    assert "took " in out


def test_skips_without_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ev.main(["--data", str(tmp_path / "absent")]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "no raw pages at" in captured.err
