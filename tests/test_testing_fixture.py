"""Tests of provlint's pytest plugin (``provlint.testing``): the
``provlint_corpus`` fixture and its ``CorpusBuilder``."""

from __future__ import annotations

import datetime
import sys
import textwrap
from pathlib import Path

import provlint
import pytest
from provlint import Document, DocumentCheck, Finding, Severity
from provlint.testing import DEFAULT_BODY, CorpusBuilder

pytest_plugins = ("pytester",)


class LongBody(DocumentCheck):
    """Reports a body longer than ``max`` characters.

    **What it does.** Counts the body. **Why it matters.** Tests only.
    **Example.** ``a.txt:1:1: TT501 long-body``. **Options.** ``max``.
    """

    code = "TT501"
    name = "long-body"
    severity = Severity.INFO
    options = {"max": {"type": "integer", "minimum": 0}}
    defaults = {"max": 20}

    def check_document(self, doc: Document) -> list[Finding]:
        if len(doc.body) <= self.config["max"]:
            return []
        return [self.finding(doc.path, 1, 1, f"body is {len(doc.body)} characters long")]


class SeesHeader(DocumentCheck):
    """Reports the header format and fields it was given (for these tests)."""

    code = "TT502"
    name = "sees-header"
    severity = Severity.INFO

    def check_document(self, doc: Document) -> list[Finding]:
        h = doc.header
        what = "none" if h is None else f"{h.format} {sorted(h.fields.items())!r} {h.body!r}"
        return [self.finding(doc.path, 1, 1, what)]


def seen(corpus: CorpusBuilder) -> dict[str, str]:
    return {
        f.path: f.message for f in corpus.findings(plugins=[SeesHeader], select=["sees-header"])
    }


# ----------------------------------------------------------------------
# Building
# ----------------------------------------------------------------------


def test_fixture_is_bound_to_tmp_path(provlint_corpus: CorpusBuilder, tmp_path: Path) -> None:
    assert provlint_corpus.path == tmp_path / "corpus"
    assert not provlint_corpus.path.exists()  # nothing written before write()/run()
    assert provlint_corpus.write() == tmp_path / "corpus"
    assert (tmp_path / "corpus" / "INDEX.md").is_file()


def test_rows_make_one_table_with_the_union_of_columns(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt", title="A | B", date=datetime.date(2021, 12, 5))
    provlint_corpus.row("b1", "sub/b.txt", source="Wire", title=None)
    provlint_corpus.row(None, "c.txt", **{"derived_from": "a1", "odd name": 3})
    root = provlint_corpus.write()
    assert (root / "INDEX.md").read_text(encoding="utf-8") == textwrap.dedent(
        """\
        | id | file | title | date | source | derived_from | odd name |
        |---|---|---|---|---|---|---|
        | a1 | a.txt | A \\| B | 2021-12-05 |  |  |  |
        | b1 | sub/b.txt |  |  | Wire |  |  |
        |  | c.txt |  |  |  | a1 | 3 |
        """
    )


def test_rows_are_parsed_back_as_written(provlint_corpus: CorpusBuilder) -> None:
    from provlint.catalogue import parse_catalogue

    provlint_corpus.row("a1", "a.txt", title="A | B", source="Wire")
    provlint_corpus.row("b1", "b.txt", source="AP")
    cat = parse_catalogue(provlint_corpus.index_markdown() or "")
    assert cat.problems == ()
    assert [(r.line, r.id, r.file, r.get("title"), r.get("source")) for r in cat.rows] == [
        (3, "a1", "a.txt", "A | B", "Wire"),
        (4, "b1", "b.txt", None, "AP"),
    ]


def test_a_line_break_in_a_cell_is_refused(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt", title="two\nlines")
    with pytest.raises(ValueError, match="line break"):
        provlint_corpus.write()


def test_no_rows_still_writes_an_empty_catalogue(provlint_corpus: CorpusBuilder) -> None:
    assert provlint_corpus.index_markdown() == "| id | file |\n|---|---|\n"


def test_index_text_is_written_verbatim(provlint_corpus: CorpusBuilder) -> None:
    text = "# Catalogue\n\n| ID | File |\n| -- | -- |\n| a1 | a.txt |\n"
    provlint_corpus.row("x", "x.txt").index_text(text)
    assert (provlint_corpus.write() / "INDEX.md").read_text(encoding="utf-8") == text


def test_no_index(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt").no_index()
    provlint_corpus.doc("a.txt")
    root = provlint_corpus.write()
    assert not (root / "INDEX.md").exists()
    assert ("INDEX.md", "index-schema") in provlint_corpus.names()


def test_front_matter(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.doc(
        "a.md",
        header={
            "date": "2021-12-05",
            "retrieved": datetime.date(2022, 1, 2),
            "title": 'Café | "quoted" ' + " ".join(["long"] * 30),
            "draft": "yes",
            "tags": ["a", "b"],
        },
        body="Body.\n",
    )
    text = (provlint_corpus.write() / "a.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "---"
    assert lines[1] == "date: '2021-12-05'"  # a string stays a string
    assert lines[2] == "retrieved: 2022-01-02"
    assert lines[3].startswith("title: Café |")  # UTF-8, one line however long
    assert lines[4] == "draft: 'yes'"
    assert lines[5:8] == ["tags:", "- a", "- b"]
    assert lines[8:] == ["---", "Body."]
    import yaml

    assert yaml.safe_load(text.split("---\n")[1])["date"] == "2021-12-05"
    assert seen(provlint_corpus)["a.md"].startswith("yaml-front-matter [('date', '2021-12-05'), ")


def test_front_matter_keeps_key_order_and_positions(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire")
    provlint_corpus.doc("a.txt", header={"title": "T", "date": "2021-12-05"})
    provlint_corpus.row("b1", "b.txt", date="2021-12-05", source="Wire")
    provlint_corpus.doc("b.txt", header={"title": "T", "date": "2021-12-06"})
    [f] = provlint_corpus.findings(select=["date-mismatch"])
    assert (f.path, f.line) == ("b.txt", 3)  # the date key is the second line of the YAML


def test_header_as_text_and_empty_header(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.doc("a.md", header="date: [unclosed", body="x\n")
    provlint_corpus.doc("b.md", header={}, body="y\n")
    root = provlint_corpus.write()
    assert (root / "a.md").read_text(encoding="utf-8") == "---\ndate: [unclosed\n---\nx\n"
    assert (root / "b.md").read_text(encoding="utf-8") == "---\n---\ny\n"
    assert ("a.md", "header-schema") in provlint_corpus.names()


def test_legacy_header(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.doc("a.txt", legacy_date="2021-12-05", body="Lavrov said.\n")
    provlint_corpus.doc("b.txt", legacy_date=datetime.date(2021, 12, 6))
    root = provlint_corpus.write()
    assert (root / "a.txt").read_bytes() == b" date 2021-12-05 Lavrov said.\n"
    assert (root / "b.txt").read_bytes() == b" date 2021-12-06 " + DEFAULT_BODY.encode()
    assert seen(provlint_corpus) == {
        "a.txt": "legacy-date-line [('date', '2021-12-05')] 'Lavrov said.\\n'",
        "b.txt": f"legacy-date-line [('date', '2021-12-06')] {DEFAULT_BODY!r}",
    }


def test_no_header(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.doc("a.txt", "Just text.\n").doc("b.txt")
    root = provlint_corpus.write()
    assert (root / "a.txt").read_text(encoding="utf-8") == "Just text.\n"
    assert (root / "b.txt").read_text(encoding="utf-8") == DEFAULT_BODY
    assert seen(provlint_corpus) == {"a.txt": "none", "b.txt": "none"}


def test_raw_bytes(provlint_corpus: CorpusBuilder) -> None:
    data = b"\xef\xbb\xbf---\r\ndate: 2021-12-05\r\n---\r\ncaf\xe9\r\n"
    provlint_corpus.row("a1", "a.txt", source="Wire")
    provlint_corpus.doc("a.txt", raw=data)
    assert (provlint_corpus.write() / "a.txt").read_bytes() == data
    assert provlint_corpus.names(select=["encoding"]) == [("a.txt", "encoding")]


def test_doc_argument_errors(provlint_corpus: CorpusBuilder) -> None:
    with pytest.raises(ValueError, match="raw"):
        provlint_corpus.doc("a.txt", "body", raw=b"x")
    with pytest.raises(ValueError, match="not both"):
        provlint_corpus.doc("a.txt", header={"date": "2021-12-05"}, legacy_date="2021-12-05")
    with pytest.raises(ValueError, match="relative"):
        provlint_corpus.doc(str(Path("/abs/a.txt").resolve()))


def test_write_is_idempotent_and_removes_only_its_own_stale_files(
    provlint_corpus: CorpusBuilder,
) -> None:
    provlint_corpus.row("a1", "a.txt").doc("a.txt").doc("sub/dir/b.txt", "b\n")
    root = provlint_corpus.write()
    snapshot = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert provlint_corpus.write() == root
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == (
        snapshot
    )
    assert snapshot == ["INDEX.md", "a.txt", "sub/dir/b.txt"]
    (root / "notes.txt").write_text("mine\n")
    provlint_corpus.doc("a.txt", "changed\n").no_index()
    provlint_corpus.write()
    assert (root / "a.txt").read_text() == "changed\n"
    assert not (root / "INDEX.md").exists()
    assert (root / "notes.txt").read_text() == "mine\n"


def test_docstring_example(tmp_path: Path) -> None:
    corpus = CorpusBuilder(tmp_path / "corpus")
    corpus.row("a1", "a.txt", title="A title", source="Wire", date="2021-12-05")
    corpus.doc("a.txt", header={"date": "2021-12-05"}, body="Text.\n")
    corpus.doc("b.txt", legacy_date="2021-12-06", body="Text.")
    corpus.doc("c.txt", raw=b"caf\xe9\n")  # Latin-1, not UTF-8
    report = corpus.run()
    assert isinstance(report, provlint.Report)
    assert corpus.codes(select=["unindexed-file"]) == [("b.txt", "PV105"), ("c.txt", "PV105")]


# ----------------------------------------------------------------------
# Running
# ----------------------------------------------------------------------


def test_run_returns_the_report(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire", date="2021-12-05")
    provlint_corpus.doc("a.txt", legacy_date="2021-12-05")
    report = provlint_corpus.run()
    assert report is provlint_corpus.report
    assert report.root == provlint_corpus.path
    assert report.findings == ()
    assert report.exit_code == 0
    assert report.stats["documents"] == 1


def test_entry_points_are_off_by_default(provlint_corpus: CorpusBuilder) -> None:
    report = provlint_corpus.run()
    assert report.registry is not None
    assert {p.origin for p in report.registry.plugins} == {"builtin"}


def test_select_and_ignore_take_a_string_or_a_list(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire").doc("a.txt", "no header\n")
    provlint_corpus.doc("b.txt", "no header\n")  # stray: not catalogued
    everything = provlint_corpus.names()
    assert everything == [("a.txt", "missing-date"), ("b.txt", "unindexed-file")]
    assert provlint_corpus.names(select="missing-date") == [("a.txt", "missing-date")]
    assert provlint_corpus.names(select=["missing-date", "PV105"]) == everything
    assert provlint_corpus.names(ignore="missing-date") == [("b.txt", "unindexed-file")]


def test_a_check_class_is_wrapped_in_a_plugin(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.doc("a.txt", "x" * 30).doc("b.txt", "short")
    [f] = provlint_corpus.findings(plugins=[LongBody], select=["long-body"])
    assert (f.path, f.code, f.check, f.severity) == ("a.txt", "TT501", "long-body", Severity.INFO)
    assert f.plugin == "checks:LongBody"
    assert provlint_corpus.codes(
        plugins=[LongBody, SeesHeader], select=["TT"], check_options={"long-body": {"max": 2}}
    ) == [("a.txt", "TT501"), ("a.txt", "TT502"), ("b.txt", "TT501"), ("b.txt", "TT502")]


def test_plugin_objects_and_module_names(
    provlint_corpus: CorpusBuilder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "plugs"
    pkg.mkdir()
    (pkg / "tt_long_body_plugin.py").write_text(
        textwrap.dedent(
            """\
            from provlint import hookimpl
            from test_testing_fixture import LongBody

            @hookimpl
            def provlint_register_checks():
                return [LongBody]
            """
        )
    )
    monkeypatch.syspath_prepend(str(pkg))
    monkeypatch.setitem(sys.modules, "test_testing_fixture", sys.modules[__name__])
    provlint_corpus.doc("a.txt", "x" * 30)
    by_name = provlint_corpus.findings(plugins=["tt_long_body_plugin"], select=["TT"])
    assert [(f.path, f.plugin) for f in by_name] == [("a.txt", "tt_long_body_plugin")]
    import tt_long_body_plugin

    by_object = provlint_corpus.findings(plugins=[tt_long_body_plugin], select=["TT"])
    assert [(f.path, f.plugin) for f in by_object] == [("a.txt", "tt_long_body_plugin")]


def test_other_config_fields_are_passed_through(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.doc("a.txt").doc("b.md").doc("skip/c.txt")
    names = provlint_corpus.names(select="unindexed-file", documents="**/*.txt", exclude=["skip/*"])
    assert names == [("a.txt", "unindexed-file")]
    # Selecting a check whose plugin is blocked selects nothing: a usage error.
    with pytest.raises(provlint.ConfigError, match="matches no check"):
        provlint_corpus.names(select="unindexed-file", blocked_plugins=["unindexed_file"])


def test_only_keeps_findings_on_the_named_files(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire").row("b1", "b.txt", source="Wire")
    provlint_corpus.doc("a.txt").doc("b.txt").doc("c.txt")
    select = ["missing-date", "unindexed-file"]
    assert provlint_corpus.names(select=select) == [
        ("a.txt", "missing-date"),
        ("b.txt", "missing-date"),
        ("c.txt", "unindexed-file"),  # a stray file: no row, no header
    ]
    assert provlint_corpus.names(select=select, only=["b.txt"]) == [("b.txt", "missing-date")]
    assert provlint_corpus.names(select=select, only="c.txt") == [
        ("c.txt", "unindexed-file"),
    ]


def test_only_a_file_that_does_not_exist_is_a_config_error(provlint_corpus: CorpusBuilder) -> None:
    with pytest.raises(provlint.ConfigError, match=r"nope\.txt"):
        provlint_corpus.run(only=["nope.txt"])


def test_bad_check_options_are_a_config_error(provlint_corpus: CorpusBuilder) -> None:
    with pytest.raises(provlint.ConfigError, match="long-body"):
        provlint_corpus.run(plugins=[LongBody], check_options={"long-body": {"max": "ten"}})


def test_unknown_config_field_is_a_type_error(provlint_corpus: CorpusBuilder) -> None:
    with pytest.raises(TypeError, match="colour"):
        provlint_corpus.run(colour="red")


def test_fixture_is_available_in_any_pytest_session(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_it(provlint_corpus):
            provlint_corpus.row("a1", "a.txt", source="Wire")
            provlint_corpus.doc("a.txt", legacy_date="2021-12-05")
            assert provlint_corpus.names() == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
