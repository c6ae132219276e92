"""date-mismatch: a date stamp as counter-evidence, and the date the
evidence proposes (message, JSON and SARIF properties)."""

from __future__ import annotations

import json
from pathlib import Path

import provlint
import pytest
from provlint.cli import main


def make(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def findings(root: Path, **options: object) -> list[provlint.Finding]:
    cfg = provlint.Config(select=("date-mismatch",), load_entrypoints=False, cache=False)
    if options:
        cfg = cfg.with_overrides(check_options={"date-mismatch": options})
    return list(provlint.run(root, cfg).findings)


INDEX = "| id | file | url | date |\n|---|---|---|---|\n"


def test_docstring_example(tmp_path: Path) -> None:
    """The check's documented example, word for word."""
    root = make(
        tmp_path / "seeds",
        {
            "INDEX.md": "# Seeds\n\n"
            + "\n" * 4
            + INDEX
            + "| a | a.txt | https://news.example.test/20211205/osce | 2021-07-18 |\n",
            "a.txt": "Ministers argue\nStockholm\nWire report\n2021-12-05T13:24+0000\nBody.\n",
        },
    )
    text = [f for f in findings(root) if f.path == "a.txt"]
    assert [f"{f.path}:{f.line}:{f.column}: {f.code} {f.check}: {f.message}" for f in text] == [
        "a.txt:4:1: PV201 date-mismatch: timestamp '2021-12-05T13:24+0000' (line 4) disagrees "
        "with the declared date 2021-07-18 (INDEX.md:9); expected within 1 day; the URL and "
        "the machine timestamp both give 2021-12-05"
    ]


def test_stamp_quoted_with_its_place_and_the_proposal(tmp_path: Path) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX
            + "| a | a.md | https://example.test/2019/11/20/harbour | 2019-10-21 |\n",
            "a.md": "---\ndate: 2019-10-21\n---\nHarbour expansion approved\n"
            "Nov. 20, 2019 5:52 AM EST\nThe port authority voted.\n",
        },
    )
    got = {(f.path, f.line, f.column): f for f in findings(root)}
    stamp = got["a.md", 5, 1]
    assert stamp.message == (
        "date stamp 'Nov. 20, 2019 5:52 AM EST' (line 5) disagrees with the declared date "
        "2019-10-21 (INDEX.md:3); expected within 2 days; the URL and the date stamp both "
        "give 2019-11-20"
    )
    props = stamp.properties
    assert props is not None
    assert props["declared"] == "2019-10-21" and props["evidence"] == "2019-11-20"
    assert props["evidence_kind"] == "stamp"
    assert props["proposed"] == "2019-11-20" and props["confidence"] == "high"
    assert [(e["kind"], e["date"]) for e in props["support"]] == [
        ("url", "2019-11-20"),
        ("stamp", "2019-11-20"),
    ]
    assert props["declarations"] == [
        {
            "origin": "index",
            "format": "index",
            "path": "INDEX.md",
            "line": 3,
            "column": 56,
            "value": "2019-10-21",
        },
        {
            "origin": "header",
            "format": "yaml-front-matter",
            "path": "a.md",
            "line": 2,
            "column": 7,
            "value": "2019-10-21",
        },
    ]
    # The URL's own finding (on its INDEX.md cell) proposes the same date.
    (url,) = [f for f in got.values() if f.path == "INDEX.md"]
    assert url.properties is not None and url.properties["proposed"] == "2019-11-20"
    assert url.properties["evidence_kind"] == "url"


def test_a_single_source_is_medium_and_three_are_listed(tmp_path: Path) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX
            + "| a | a.md | | 2021-07-18 |\n"
            + "| b | b.md | https://example.test/2021/12/05/x | 2021-07-18 |\n",
            "a.md": "Dinner in Stockholm\nDecember 5, 2021\nBody.\n",
            "b.md": "Dinner\nPublished: December 5, 2021\n2021-12-05T13:24+0000\nBody.\n",
        },
    )
    by_path = {f.path: f for f in findings(root) if f.path.endswith(".md")}
    a, b = by_path["a.md"], by_path["b.md"]
    assert a.message.endswith("; the date stamp gives 2021-12-05")
    assert a.properties is not None and a.properties["confidence"] == "medium"
    assert b.message.endswith(
        "; the URL, the machine timestamp and the date stamp all give 2021-12-05"
    )


def test_no_proposal_when_the_evidence_disagrees(tmp_path: Path) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX + "| a | a.md | https://example.test/2021/12/05/x | 2021-07-18 |\n",
            "a.md": "Dinner in Stockholm\nJanuary 9, 2022\nBody.\n",
        },
    )
    for f in findings(root):
        assert "give" not in f.message
        assert f.properties is None or "proposed" not in f.properties


def test_an_agreeing_timestamp_outweighs_a_stamp(tmp_path: Path) -> None:
    # The text's timestamps, datelines and stamps are one claim.
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX + "| a | a.md | | 2021-12-05 |\n",
            "a.md": "Dinner\nJanuary 9, 2022\n2021-12-05T13:24+0000\nBody.\n",
        },
    )
    assert findings(root) == []


def test_update_stamp_constrains_one_way(tmp_path: Path) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX + "| a | a.md | | 2020-04-10 |\n| b | b.md | | 2020-02-01 |\n",
            "a.md": "Menu\nUpdated: March 3, 2020\nBody.\n",
            "b.md": "Menu\nUpdated: March 3, 2020\nBody.\n",
        },
    )
    (f,) = findings(root)
    assert f.path == "a.md" and f.message.startswith(
        "update stamp 'Updated: March 3, 2020' (line 2) says the page was updated on 2020-03-03, "
        "before the declared date 2020-04-10"
    )
    assert f.properties is not None and "proposed" not in f.properties


def test_options(tmp_path: Path) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX + "| a | a.md | | 2018-06-28 |\n",
            "a.md": "Fair\nJuly 2, 2018\nBody.\n",
        },
    )
    assert len(findings(root)) == 1
    assert findings(root, **{"stamp-tolerance-days": 4}) == []
    assert findings(root, **{"stamp-lines": 0}) == []


def test_json_example_is_not_a_timestamp(tmp_path: Path) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX + "| a | a.md | | 2019-01-11 |\n",
            "a.md": 'Tracker\n{\n  "Timestamp": "2019-08-14 17:43:12",\n  "Store": 3\n}\n',
        },
    )
    assert findings(root) == []


def test_header_pair_finding_carries_the_proposal(tmp_path: Path) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX + "| a | a.md | | 2021-12-04 |\n",
            "a.md": "---\ndate: 2021-12-05\n---\nDinner\nDecember 5, 2021 10:00 CET\nBody.\n",
        },
    )
    (f,) = findings(root)
    assert "disagrees with INDEX.md date" in f.message
    assert f.properties is not None and f.properties["proposed"] == "2021-12-05"


@pytest.mark.parametrize("fmt", ["json", "sarif", "json-lines"])
def test_properties_in_structured_output(
    fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX + "| a | a.md | | 2018-06-02 |\n",
            "a.md": "Fair\nJuly 2, 2018\nBody.\n",
        },
    )
    main(["validate", str(root), "--select", "date-mismatch", "--format", fmt, "--no-cache"])
    out = capsys.readouterr().out
    if fmt == "json":
        (f,) = json.loads(out)["findings"]
        props = f["data"]
    elif fmt == "json-lines":
        props = json.loads(out.splitlines()[0])["data"]
    else:
        (result,) = json.loads(out)["runs"][0]["results"]
        props = result["properties"]
    assert props["proposed"] == "2018-07-02"
    assert props["support"][0]["text"] == "July 2, 2018"
    assert (props["declared"], props["evidence"]) == ("2018-06-02", "2018-07-02")


def test_every_json_finding_has_a_data_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(tmp_path / "c", {"INDEX.md": INDEX + "| a | a.md | | |\n", "a.md": "Text.\n"})
    main(["validate", str(root), "--format", "json", "--no-cache"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert found
    for f in found:
        assert "properties" not in f and isinstance(f["data"], dict)


def test_a_yearless_dateline_must_give_the_same_day(tmp_path: Path) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": INDEX
            + "| a | a.md | https://example.test/2021/12/05/x | 2021-07-18 |\n"
            + "| b | b.md | https://example.test/2021/12/05/x | 2021-07-18 |\n",
            "a.md": "STOCKHOLM, Nov 16 (Wire) - Ministers met.\n",
            "b.md": "STOCKHOLM, Dec 5 (Wire) - Ministers met.\n",
        },
    )
    props = {f.path: f.properties for f in findings(root) if f.path != "INDEX.md"}
    assert props["a.md"] is not None and "proposed" not in props["a.md"]
    assert props["b.md"] is not None and props["b.md"]["proposed"] == "2021-12-05"
