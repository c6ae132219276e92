"""The JSON output's contract: every `json` and `json-lines` output of the
fixture corpora validates against schemas/output.schema.json; every finding
of a built-in check carries the values its message quotes in `data`; `url`
leads to the check's section of docs/checks.md; end positions, where given,
point at the text the finding is about."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import FIXTURES, REPO, copy_fixture
from provlint.cli import main
from provlint.output import CHECKS_DOCS_URL, JSON_SCHEMA_VERSION
from provlint.schema import load_schema

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CASES = sorted(p for p in (FIXTURES / "checks").glob("*/*") if p.is_dir())
SCHEMA = load_schema("output")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _errors(instance: Any, schema: dict[str, Any]) -> list[str]:
    return [
        f"{list(e.absolute_path)}: {e.message}" for e in _validator(schema).iter_errors(instance)
    ]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str, str]]:
    """Each fixture corpus (every check run on it): its copy, its `json`
    output and its `json-lines` output."""
    out: dict[str, tuple[Path, str, str]] = {}
    for case in CASES:
        name = f"{case.parent.name}/{case.name}"
        base = tmp_path_factory.mktemp(case.parent.name)
        corpus = copy_fixture(case, base)
        texts = []
        for fmt in ("json", "json-lines"):
            dest = base / f"out.{fmt}"
            main(["validate", str(corpus), "--format", fmt, "--no-cache", "-o", str(dest)])
            texts.append(dest.read_text(encoding="utf-8"))
        out[name] = (corpus, texts[0], texts[1])
    return out


def test_schema_is_valid_and_shipped() -> None:
    jsonschema.validators.validator_for(SCHEMA).check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema_version"]["const"] == JSON_SCHEMA_VERSION
    assert (REPO / "schemas" / "output.schema.json").is_file()


def test_every_json_output_validates(outputs: dict[str, tuple[Path, str, str]]) -> None:
    assert len(outputs) >= 60
    total = 0
    for name, (_corpus, text, _lines) in outputs.items():
        doc = json.loads(text)
        assert doc["schema_version"] == JSON_SCHEMA_VERSION, name
        assert _errors(doc, SCHEMA) == [], name
        total += len(doc["findings"])
    assert total > 100  # the comparison is not vacuous


def test_every_json_lines_output_validates(outputs: dict[str, tuple[Path, str, str]]) -> None:
    finding = {**SCHEMA["$defs"]["finding"], "$defs": SCHEMA["$defs"]}
    last = {**SCHEMA["$defs"]["summaryLine"], "$defs": SCHEMA["$defs"]}
    for name, (_corpus, text, lines) in outputs.items():
        rows = [json.loads(line) for line in lines.splitlines()]
        for row in rows[:-1]:
            assert _errors(row, finding) == [], name
        assert _errors(rows[-1], last) == [], name
        # The same findings as the json format, in the same order.
        assert rows[:-1] == json.loads(text)["findings"], name


def test_schema_rejects_what_it_should() -> None:
    good = {
        "schema_version": 1,
        "version": "0.1.0",
        "findings": [],
        "summary": {
            "documents": 0,
            "findings": 0,
            "errors": 0,
            "warnings": 0,
            "info": 0,
            "by_check": {},
            "exit_code": 0,
        },
    }
    assert _errors(good, SCHEMA) == []
    assert _errors({**good, "schema_version": 2}, SCHEMA)
    bad_finding = {"path": "a.md", "line": 1, "column": 1, "code": "PV1", "check": "x"}
    assert _errors({**good, "findings": [bad_finding]}, SCHEMA)


def test_builtin_findings_carry_data(outputs: dict[str, tuple[Path, str, str]]) -> None:
    """Every finding of a built-in check in the fixtures has a non-empty
    `data` mapping, and every fixture's check is among them."""
    seen: set[str] = set()
    for name, (_corpus, text, _lines) in outputs.items():
        for f in json.loads(text)["findings"]:
            assert f["url"] is not None, (name, f["check"])  # every check here is built in
            assert f["data"], (name, f["check"], f["message"])
            seen.add(f["check"])
    assert {c.parent.name for c in CASES} <= seen


def _date_findings(outputs: dict[str, tuple[Path, str, str]], check: str) -> list[dict[str, Any]]:
    return [
        f
        for _corpus, text, _lines in outputs.values()
        for f in json.loads(text)["findings"]
        if f["check"] == check
    ]


def test_date_findings_give_declared_evidence_and_proposed(
    outputs: dict[str, tuple[Path, str, str]],
) -> None:
    """The dates a date finding quotes, as ISO dates: `declared`, and
    `evidence` where the text or URL gives one, and `proposed` exactly when
    the message proposes a date ("... give(s) YYYY-MM-DD")."""
    mismatches = _date_findings(outputs, "date-mismatch")
    assert len(mismatches) >= 20
    with_evidence = 0
    for f in mismatches:
        data = f["data"]
        assert ISO_DAY.match(data["declared"]), f
        if "evidence" in data:
            with_evidence += 1
            assert ISO_DAY.match(data["evidence"]), f
            assert data["evidence"] in f["message"] or data["evidence_text"][:20] in f["message"]
        proposes = re.search(r"gives? (\d{4}-\d{2}-\d{2})$", f["message"])
        if proposes:
            assert data["proposed"] == proposes.group(1), f
        else:
            assert "proposed" not in data, f
    assert with_evidence >= 10
    inconsistent = _date_findings(outputs, "date-inconsistent")
    assert inconsistent
    for f in inconsistent:
        data = f["data"]
        assert ISO_DAY.match(data["declared"]) and data["declared"] in f["message"], f
        if "evidence" in data:
            assert data["mentions"][0]["text"][:10] in f["message"], f


def test_scores_and_ids_are_the_messages(outputs: dict[str, tuple[Path, str, str]]) -> None:
    for f in _date_findings(outputs, "duplicate-content"):
        data = f["data"]
        assert data["duplicate_of"] in f["message"]
        if not data["exact"]:
            assert f"containment {data['containment']:.2f}" in f["message"]
            assert f"Jaccard {data['jaccard']:.2f}" in f["message"]
    ids = _date_findings(outputs, "duplicate-id")
    assert ids
    for f in ids:
        data = f["data"]
        quoted = data.get("id") or data.get("header_id")
        assert repr(quoted) in f["message"], f
    sums = _date_findings(outputs, "checksum-mismatch")
    assert sums
    for f in sums:
        assert f["data"]["sha256"] in f["message"]
        assert f["data"]["declared_sha256"] in f["message"]


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors of the Markdown headings: lower case, punctuation
    but '-' and '_' dropped, spaces as '-'."""
    out = set()
    for line in markdown.splitlines():
        m = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
            out.add(slug)
    return out


def test_url_leads_to_an_anchor_of_docs_checks(
    outputs: dict[str, tuple[Path, str, str]],
) -> None:
    anchors = _anchors((REPO / "docs" / "checks.md").read_text(encoding="utf-8"))
    urls = {
        f["url"] for _corpus, text, _lines in outputs.values() for f in json.loads(text)["findings"]
    }
    assert len(urls) >= 15
    for url in urls:
        base, _, anchor = url.partition("#")
        assert base == CHECKS_DOCS_URL
        assert anchor in anchors, url
    # Every built-in check, not only those the fixtures trigger.
    from provlint.registry import build_registry

    registry = build_registry(load_entrypoints=False)
    builtin = [s.name for s in registry.checks.values() if s.plugin.origin == "builtin"]
    assert len(builtin) >= 18
    assert set(builtin) <= anchors


def test_url_base_is_the_project_metadata() -> None:
    meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["urls"]["Checks"] == CHECKS_DOCS_URL
    # The path of that URL is this repository's docs/checks.md.
    assert CHECKS_DOCS_URL.endswith("/blob/main/docs/checks.md")
    assert (REPO / "docs" / "checks.md").is_file()


def test_end_positions_point_at_the_text(outputs: dict[str, tuple[Path, str, str]]) -> None:
    """Where a finding gives its end, the span from (line, column) to
    (end_line, end_column) in the file is the value the data names."""
    spans = 0
    for _name, (corpus, text, _lines) in outputs.items():
        for f in json.loads(text)["findings"]:
            if not f["end_line"]:
                assert f["end_column"] == 0
                continue
            spans += 1
            assert (f["end_line"], f["end_column"]) >= (f["line"], f["column"])
            rel = Path(f["path"]).resolve().relative_to(corpus.resolve())
            lines = (corpus / rel).read_text(encoding="utf-8").split("\n")
            assert f["end_line"] == f["line"]  # every span given today is on one line
            span = lines[f["line"] - 1][f["column"] - 1 : f["end_column"]]
            data = f["data"]
            wanted = data.get("evidence_text") or data.get("value")
            if f["check"] == "encoding":
                assert len(span) == 1 and f"U+{ord(span):04X}" in data["characters"]
            elif wanted is None:  # a declared date: its value as written
                assert span.startswith(data["declared"]), f
            else:
                assert span == str(wanted), f
    assert spans >= 5


def test_data_is_bounded() -> None:
    """Data quotes the folder's text, so a huge value is cut like a
    message, and a long list keeps its first items."""
    from provlint.model import DATA_CHARS, DATA_ITEMS, DocumentCheck, bounded_data

    class Probe(DocumentCheck):
        code = "PV999"
        name = "probe"

    f = Probe().finding(
        "a.md", 1, 1, "m", properties={"file": "f" * 200_000, "ids": list(range(1000))}
    )
    assert f.properties is not None
    cut = f.properties["file"]
    assert len(cut) == DATA_CHARS and " … " in cut and cut.startswith("fff")
    assert f.properties["ids"] == list(range(DATA_ITEMS))
    assert bounded_data({"a": [{"b": "x"}]}) == {"a": [{"b": "x"}]}
