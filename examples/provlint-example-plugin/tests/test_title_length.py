"""Tests of the title-length check, written with provlint's pytest plugin.

``provlint_corpus`` comes from provlint itself (``provlint.testing``): it
is available in every pytest session where provlint is installed.
"""

from __future__ import annotations

import provlint
import provlint_example_plugin
import pytest
from provlint_example_plugin import TitleLength

LONG = "A very long title " * 10  # 180 characters
GOOD = "Ministers clash over Ukraine at OSCE dinner"


def run(corpus, **kwargs):
    """Only this check, loaded as a check class (no entry points needed)."""
    return corpus.findings(plugins=[TitleLength], select=["title-length"], **kwargs)


def test_good_title_passes(provlint_corpus):
    provlint_corpus.row("a1", "a.txt", title=GOOD)
    provlint_corpus.doc("a.txt", header={"title": GOOD})
    assert run(provlint_corpus) == []


def test_no_title_is_not_this_checks_business(provlint_corpus):
    provlint_corpus.row("a1", "a.txt")
    provlint_corpus.doc("a.txt")
    assert run(provlint_corpus) == []


def test_long_title_in_index_is_reported_on_its_cell(provlint_corpus):
    provlint_corpus.row("a1", "a.txt", title=LONG)
    provlint_corpus.doc("a.txt")
    [finding] = run(provlint_corpus)
    assert (finding.path, finding.line, finding.code, finding.check) == (
        "INDEX.md", 3, "EX101", "title-length",
    )
    assert finding.column == provlint_corpus.index_markdown().splitlines()[2].index(LONG[:5]) + 1
    assert finding.severity.value == "warning"
    assert finding.doc_id == "a1"
    assert "expected at most 120 characters, found 179" in finding.message
    assert "declared in the INDEX.md row on line 3" in finding.message
    assert [r.path for r in finding.related] == ["a.txt"]


def test_short_title_in_header_is_reported_on_its_key(provlint_corpus):
    provlint_corpus.row("a1", "a.txt", source="Wire")
    provlint_corpus.doc("a.txt", header={"date": "2021-12-05", "title": "News"})
    [finding] = run(provlint_corpus)
    assert (finding.path, finding.line) == ("a.txt", 3)
    assert "too short: expected at least 8 characters, found 4" in finding.message
    assert "declared in the header of a.txt on line 3" in finding.message
    assert [(r.path, r.line) for r in finding.related] == [("INDEX.md", 3)]


def test_the_index_title_wins_over_the_header(provlint_corpus):
    # The effective title is the row's; a disagreement is field-mismatch's job.
    provlint_corpus.row("a1", "a.txt", title=GOOD)
    provlint_corpus.doc("a.txt", header={"title": LONG})
    assert run(provlint_corpus) == []


def test_whitespace_is_folded_before_counting(provlint_corpus):
    provlint_corpus.doc("a.txt", header={"title": "Short    title  "})
    assert run(provlint_corpus, check_options={"title-length": {"max": 11}}) == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, []),
        ({"max": 10}, [("a.txt", "EX101")]),
        ({"min": 20}, [("a.txt", "EX101")]),
        ({"min": 11, "max": 11}, []),
    ],
)
def test_options(provlint_corpus, options, expected):
    provlint_corpus.doc("a.txt", header={"title": "Eleven char"})
    codes = provlint_corpus.codes(
        plugins=[TitleLength], select=["EX101"], check_options={"title-length": options}
    )
    assert codes == expected


def test_severity_can_be_configured(provlint_corpus):
    provlint_corpus.doc("a.txt", header={"title": "Tiny"})
    [finding] = run(provlint_corpus, check_options={"title-length": {"severity": "error"}})
    assert finding.severity.value == "error"
    assert provlint_corpus.report.exit_code == 1


def test_inconsistent_options_are_a_configuration_error(provlint_corpus):
    # The check raises ValueError from __init__: provlint reports it as a
    # configuration error (exit 2), naming the check, not as a crash.
    provlint_corpus.doc("a.txt", header={"title": "Tiny"})
    with pytest.raises(provlint.ConfigError, match=r"title-length: .*'min' \(50\) is larger"):
        run(provlint_corpus, check_options={"title-length": {"min": 50, "max": 10}})


@pytest.mark.parametrize("options", [{"max": 0}, {"min": "8"}, {"maximum": 80}])
def test_invalid_options_are_a_configuration_error(provlint_corpus, options):
    provlint_corpus.doc("a.txt", header={"title": "Tiny"})
    with pytest.raises(provlint.ConfigError, match="title-length"):
        run(provlint_corpus, check_options={"title-length": options})


def test_the_module_is_a_plugin(provlint_corpus):
    # As provlint loads it from the entry point: the module itself.
    provlint_corpus.row("a1", "a.txt", title="Tiny")
    provlint_corpus.doc("a.txt")
    assert provlint_corpus.names(plugins=[provlint_example_plugin], select=["EX"]) == [
        ("INDEX.md", "title-length"),
    ]


def test_only_keeps_findings_of_the_named_files(provlint_corpus):
    provlint_corpus.row("a1", "a.txt", title="Tiny")
    provlint_corpus.row("b1", "b.txt", title="Also tiny")
    provlint_corpus.row("c1", "c.txt", title="Tiny too")
    for name in ("a.txt", "b.txt", "c.txt"):
        provlint_corpus.doc(name)
    findings = run(provlint_corpus, only=["c.txt"], check_options={"title-length": {"min": 9}})
    assert [(f.path, f.doc_id) for f in findings] == [("INDEX.md", "c1")]
