"""The sarif, junit, github and json-lines output formats."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from provlint import Finding, Severity
from provlint.cli import main
from provlint.output import FormatOptions
from provlint.plugins.output_ci import escape_data, escape_property, github_command
from provlint.plugins.output_sarif import fingerprint
from provlint.runner import Report
from provlint.testing import CorpusBuilder

SARIF_SCHEMA = (
    Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)
ODD_NAME = "odd,name%:50.txt"


def _build(corpus: CorpusBuilder) -> CorpusBuilder:
    corpus.row("a1", "a.txt", title="A", source="Wire", date="2021-12-07")
    corpus.doc("a.txt", header={"date": "2021-12-08"}, body="Text of a.\n")  # date-mismatch
    corpus.row("b1", "b.txt", title="B", date="2021-12-07")  # missing-source
    corpus.doc("b.txt", body="Text of b.\n")
    corpus.row("c1", "c.txt", title="C", source="Wire", date="2021-12-07")  # clean
    corpus.doc("c.txt", body="Text of c.\n")
    corpus.doc(ODD_NAME, body="Stray.\n")  # unindexed-file warning
    corpus.doc("bytes.txt", raw=b"caf\xe9 \x1b[31m\x00\r\n\xe2\x80\xa8 end\n")  # encoding + warning
    return corpus


@pytest.fixture
def report(provlint_corpus: CorpusBuilder) -> Report:
    return _build(provlint_corpus).run()


def _render(report: Report, name: str, base: Path | None = None) -> str:
    assert report.registry is not None
    stream = io.StringIO()
    fmt = report.registry.formats[name]()
    fmt.render([report], stream, FormatOptions(base=base or report.root))
    return stream.getvalue()


def test_the_corpus_has_what_the_tests_need(report: Report) -> None:
    names = {(f.path, f.check) for f in report.findings}
    assert ("a.txt", "date-mismatch") in names
    assert ("b.txt", "missing-source") in names
    assert (ODD_NAME, "unindexed-file") in names
    assert any(f.related for f in report.findings)
    assert {Severity.ERROR, Severity.WARNING} <= {f.severity for f in report.findings}


def test_formats_are_registered(report: Report) -> None:
    assert report.registry is not None
    assert {"sarif", "junit", "github", "json-lines"} <= set(report.registry.formats)


# --------------------------------------------------------------------------
# sarif
# --------------------------------------------------------------------------


def test_sarif_validates_against_the_oasis_schema(report: Report) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip("../shared/schemas/sarif-schema-2.1.0.json is not available")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    errors = list(validator_cls(schema).iter_errors(json.loads(_render(report, "sarif"))))
    assert errors == [], [e.message for e in errors[:5]]


def test_sarif_rules_and_results(report: Report) -> None:
    log = json.loads(_render(report, "sarif"))
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "provlint"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert {r["name"] for r in rules} >= {spec.name for spec in report.checks}
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    by_name = {r["name"]: r for r in rules}
    ms = by_name["missing-source"]
    assert ms["id"] == "PV106"
    assert report.registry is not None
    cls = report.registry.checks["missing-source"].cls
    assert ms["shortDescription"]["text"] == cls.summary_line() != ""
    assert "**" not in ms["fullDescription"]["text"] and "**" not in ms["help"]["text"]
    assert "**What it does.**" in ms["help"]["markdown"]
    assert ms["helpUri"].endswith("#missing-source")
    assert ms["defaultConfiguration"]["level"] == "error"
    assert by_name["unindexed-file"]["defaultConfiguration"]["level"] == "warning"

    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == report.root.resolve().as_uri() + "/"
    results = run["results"]
    assert len(results) == len(report.findings)
    for res, f in zip(results, report.findings, strict=True):
        assert res["ruleId"] == f.code
        assert rules[res["ruleIndex"]]["id"] == f.code
        assert (
            res["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[f.severity.value]
        )
        assert res["message"]["text"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not loc["artifactLocation"]["uri"].startswith(("/", "file:"))
        if f.line:
            assert loc["region"]["startLine"] == f.line
        else:
            assert "region" not in loc
        assert re.fullmatch(r"[0-9a-f]{32}", res["partialFingerprints"]["provlintFingerprint/v1"])

    mismatch = next(r for r in results if r["ruleId"] == "PV201")
    loc = mismatch["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "a.txt"
    assert loc["region"]["startLine"] > 0 and loc["region"]["startColumn"] > 0
    related = mismatch["relatedLocations"][0]
    assert related["physicalLocation"]["artifactLocation"] == {
        "uri": "INDEX.md",
        "uriBaseId": "%SRCROOT%",
    }
    assert related["physicalLocation"]["region"]["startLine"] == 3
    assert related["message"]["text"]
    # An odd file name is percent-encoded in the URI.
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
        if r["ruleId"] == "PV105"
    }
    assert "odd%2Cname%25%3A50.txt" in uris


def test_sarif_is_deterministic(provlint_corpus: CorpusBuilder) -> None:
    _build(provlint_corpus)
    first = _render(provlint_corpus.run(), "sarif")
    assert _render(provlint_corpus.run(), "sarif") == first


def test_sarif_fingerprint_survives_moved_lines() -> None:
    def finding(line: int, message: str) -> Finding:
        return Finding("a.txt", line, 3, "PV201", "date-mismatch", Severity.ERROR, message, "a1")

    a = finding(5, "header date (line 5) disagrees with INDEX.md (INDEX.md:21)")
    b = finding(9, "header date (line 9) disagrees with INDEX.md (INDEX.md:30)")
    c = finding(5, "header title disagrees")
    d = finding(5, "header date 2021-12-06 (line 5) disagrees with INDEX.md (INDEX.md:21)")
    assert fingerprint(a) == fingerprint(b) != fingerprint(c)
    assert fingerprint(d) != fingerprint(a)  # the evidence (a date) still counts


# --------------------------------------------------------------------------
# junit
# --------------------------------------------------------------------------


def test_junit(report: Report) -> None:
    xml = _render(report, "junit")
    root = ET.fromstring(xml.encode("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    corpus = report.root.name
    assert suite.get("name") == corpus
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert {"INDEX.md", "a.txt", "b.txt", "c.txt", ODD_NAME, "bytes.txt"} <= set(cases)
    assert all(c.get("classname") == corpus for c in cases.values())
    assert suite.get("tests") == str(len(cases))
    failed = [n for n, c in cases.items() if c.find("failure") is not None]
    assert suite.get("failures") == str(len(failed))
    assert cases["c.txt"].find("failure") is None and cases["c.txt"].find("system-out") is None

    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    assert sum(len(c.findall("failure")) for c in cases.values()) == len(errors)
    fail = next(x for x in cases["a.txt"].findall("failure") if x.get("type") == "PV201")
    assert fail.get("message", "").startswith("PV201 date-mismatch: ")
    assert re.match(r"a\.txt:\d+:\d+: PV201 date-mismatch: ", fail.text or "")
    # The warning is a system-out line, not a failure.
    assert cases[ODD_NAME].find("failure") is None
    out = cases[ODD_NAME].findtext("system-out") or ""
    assert f"{ODD_NAME}:1:1: PV105 unindexed-file: " in out


# --------------------------------------------------------------------------
# github
# --------------------------------------------------------------------------

# ::error file={name},line={line},col={col},title={title}::{message}
COMMAND = re.compile(
    r"^::(?P<cmd>error|warning|notice) "
    r"file=(?P<file>[^,:\r\n]+)(?:,line=(?P<line>\d+)(?:,col=(?P<col>\d+))?)?"
    r",title=(?P<title>[^,:\r\n]+)::(?P<msg>[^\r\n]*)$"
)


def _unescape(text: str) -> str:
    for enc, ch in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(enc, ch)
    return text


def test_github(report: Report) -> None:
    text = _render(report, "github")
    lines = text.splitlines()
    assert len(lines) == len(report.findings)
    parsed = []
    for line in lines:
        m = COMMAND.match(line)
        assert m, line
        parsed.append(m)
    mismatch = next(m for m in parsed if _unescape(m["title"]) == "PV201 date-mismatch")
    assert mismatch["cmd"] == "error" and mismatch["file"] == "a.txt"
    assert int(mismatch["line"]) > 0 and int(mismatch["col"]) > 0
    odd = next(m for m in parsed if m["file"].startswith("odd"))
    assert odd["title"] == "PV105 unindexed-file"
    assert odd["cmd"] == "warning"
    assert odd["file"] == "odd%2Cname%25%3A50.txt" and _unescape(odd["file"]) == ODD_NAME


def test_github_path_is_relative_to_the_base(report: Report) -> None:
    text = _render(report, "github", base=report.root.parent)
    assert f"file={report.root.name}/a.txt," in text


def test_github_escaping() -> None:
    assert escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"
    f = Finding(
        "x.txt", 2, 0, "PV109", "field-mismatch", Severity.INFO, "line one\nline two: 100%", None
    )
    line = github_command(f, "dir,1/x:y.txt")
    assert line == (
        "::notice file=dir%2C1/x%3Ay.txt,line=2,title=PV109 field-mismatch::"
        "line one%0Aline two: 100%25"
    )
    assert COMMAND.match(line)
    no_file = Finding("", 0, 0, "PV001", "internal-error", Severity.ERROR, "boom")
    assert github_command(no_file, "") == "::error title=PV001 internal-error::boom"


# --------------------------------------------------------------------------
# json-lines
# --------------------------------------------------------------------------


def test_json_lines(report: Report) -> None:
    text = _render(report, "json-lines")
    assert text.endswith("\n")
    lines = text.split("\n")[:-1]
    objects = [json.loads(line) for line in lines]  # every line is one JSON value
    *findings, last = objects
    assert len(findings) == len(report.findings)
    assert set(last) == {"schema_version", "summary"}
    assert last["summary"]["findings"] == len(report.findings)
    assert last["summary"]["exit_code"] == report.exit_code
    # Same fields as the json format's findings.
    full = json.loads(_render(report, "json"))
    assert findings == full["findings"]
    assert last["summary"] == full["summary"]


def test_json_lines_survives_any_bytes() -> None:
    nasty = "a\nb\r\u2028c\u2029d\x85e\x00\x1b[31m\udcff\ufeff"
    f = Finding("a\udce9.txt", 1, 1, "PV301", "encoding", Severity.ERROR, nasty, None)
    report = Report(root=Path("/tmp/corpus"), findings=(f,))
    from provlint.plugins.output_ci import JsonLinesFormat

    stream = io.StringIO()
    JsonLinesFormat().render([report], stream, FormatOptions(base=Path("/tmp/corpus")))
    text = stream.getvalue()
    text.encode("utf-8")  # no lone surrogates left
    lines = text.split("\n")[:-1]
    assert len(lines) == 2
    assert all(line.isascii() for line in lines)
    assert json.loads(lines[0])["message"].startswith("a\nb\r\u2028c")


# --------------------------------------------------------------------------
# through the command line
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sarif", "junit", "github", "json-lines"])
def test_cli_format(
    name: str,
    provlint_corpus: CorpusBuilder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = _build(provlint_corpus).write()
    monkeypatch.chdir(root)
    out = tmp_path / f"report.{name}"
    code = main(["validate", str(root), "--no-entry-points", "--format", name, "-o", str(out)])
    assert code == 1
    assert capsys.readouterr().out == ""
    text = out.read_text(encoding="utf-8")
    data: Any
    if name == "sarif":
        data = json.loads(text)
        assert data["runs"][0]["results"]
        if SARIF_SCHEMA.is_file():
            import jsonschema

            schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
            jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)(
                schema
            ).validate(data)
    elif name == "junit":
        data = ET.fromstring(text.encode("utf-8"))
        assert int(data.get("failures", "0")) >= 2
    elif name == "github":
        assert all(COMMAND.match(line) for line in text.splitlines())
        assert "::error file=a.txt,line=" in text
    else:
        data = [json.loads(line) for line in text.splitlines()]
        assert "summary" in data[-1]


def test_sarif_finding_on_no_file_and_several_corpora(tmp_path: Path) -> None:
    """A finding on no file is a tool notification, not a result: GitHub
    rejects a whole upload over one result with no location. Two corpora
    share one base: their URIs differ by the corpus folder."""
    from provlint.plugins.output_sarif import build_sarif

    boom = Finding("", 0, 0, "PV001", "internal-error", Severity.ERROR, "plugin x: boom\x00")
    whole = Finding("a b.txt", 0, 0, "XY101", "foo", Severity.INFO, "m")
    one = Report(root=tmp_path / "c1", findings=(boom, whole))
    two = Report(root=tmp_path / "c 2", findings=(whole,))
    log = build_sarif([one, two], tmp_path)
    run = log["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.resolve().as_uri() + "/"}}
    first, second = run["results"]
    loc = first["locations"][0]["physicalLocation"]
    assert loc == {"artifactLocation": {"uri": "c1/a%20b.txt", "uriBaseId": "%SRCROOT%"}}
    assert first["level"] == "note"
    assert second["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "c%202/a%20b.txt"
    )
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False  # an internal error: exit 3
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"] == "PV001 internal-error: plugin x: boom\ufffd"
    rules = run["tool"]["driver"]["rules"]
    assert rules[note["associatedRule"]["index"]]["id"] == note["associatedRule"]["id"] == "PV001"
    if SARIF_SCHEMA.is_file():
        import jsonschema

        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft4Validator(schema).validate(log)


def test_sarif_shows_inline_suppressions_as_suppressed_results(provlint_corpus) -> None:  # type: ignore[no-untyped-def]
    from provlint.plugins.output_sarif import build_sarif

    provlint_corpus.row("a1", "a.md", source="Wire", date="2021-07-18")
    provlint_corpus.doc(
        "a.md",
        "Jul 18, 2021\n\nThe presidents hold a virtual meeting tomorrow, Tuesday.\n",
        header={"id": "a1", "provlint": {"ignore": {"date-inconsistent": "checked by hand"}}},
    )
    report = provlint_corpus.run()
    results = build_sarif([report])["runs"][0]["results"]
    (sup,) = [r for r in results if "suppressions" in r]
    assert sup["suppressions"] == [{"kind": "inSource", "justification": "checked by hand"}]
    assert report.exit_code == 0


# --------------------------------------------------------------------------
# A rename: one finding that cites the other side, in every format
# --------------------------------------------------------------------------


def test_every_format_carries_the_renamed_file(provlint_corpus: CorpusBuilder) -> None:
    """A catalogued file renamed on disk is one missing-file finding whose
    related locations name the file under its new name: SARIF
    relatedLocations, the JSON and json-lines `related`, the text format's
    `related:` lines (-v), the HTML list; JUnit lists the new file."""
    provlint_corpus.row("h1", "harbour.txt", title="Harbour", source="Wire", date="2021-12-03")
    provlint_corpus.doc("harbour-board.txt", body="The harbour board met.\n")
    report = provlint_corpus.run()
    (f,) = [f for f in report.findings if f.check in ("missing-file", "unindexed-file")]
    assert f.check == "missing-file" and "renamed to 'harbour-board.txt'?" in f.message
    assert [(r.path, r.line) for r in f.related] == [("harbour.txt", 0), ("harbour-board.txt", 1)]

    run = json.loads(_render(report, "sarif"))["runs"][0]
    (result,) = [r for r in run["results"] if r["ruleId"] == "PV104"]
    uris = [
        rel["physicalLocation"]["artifactLocation"]["uri"] for rel in result["relatedLocations"]
    ]
    assert uris == ["harbour.txt", "harbour-board.txt"]
    assert "renamed" in result["relatedLocations"][1]["message"]["text"]

    (found,) = [x for x in json.loads(_render(report, "json"))["findings"] if x["code"] == "PV104"]
    assert [r["path"] for r in found["related"]] == ["harbour.txt", "harbour-board.txt"]
    lines = [json.loads(x) for x in _render(report, "json-lines").splitlines()]
    assert any(x.get("related") == found["related"] for x in lines)

    assert report.registry is not None
    stream = io.StringIO()
    report.registry.formats["text"]().render(
        [report], stream, FormatOptions(base=report.root, verbose=True)
    )
    assert "    related: harbour-board.txt:1 unindexed file: the renamed file?" in stream.getvalue()
    assert "harbour-board.txt:1:1" in _render(report, "html")
    suite = ET.fromstring(_render(report, "junit").encode("utf-8")).find("testsuite")
    assert suite is not None
    assert "harbour-board.txt" in {c.get("name") for c in suite.findall("testcase")}
