"""Tests of the author-two-sources keyed check, written with provlint's
pytest plugin (``provlint_corpus``, from ``provlint.testing``)."""

from __future__ import annotations

from provlint_example_plugin import AuthorTwoSources


def run(corpus, **kwargs):
    return corpus.findings(plugins=[AuthorTwoSources], select=["author-two-sources"], **kwargs)


def test_one_author_two_sources_one_day(provlint_corpus):
    provlint_corpus.row("a1", "a.txt", source="Wire Daily", date="2021-12-05", author="Ada Reyes")
    provlint_corpus.row("b1", "b.txt", source="The Ledger", date="2021-12-05", author="ada  reyes")
    provlint_corpus.doc("a.txt").doc("b.txt")
    [finding] = run(provlint_corpus)
    assert (finding.path, finding.line, finding.code) == ("INDEX.md", 3, "EX201")
    assert finding.doc_id == "a1"  # "The Ledger" sorts first: Wire Daily is the other
    assert "credited by Wire Daily on 2021-12-05, but also by The Ledger (b.txt)" in (
        finding.message
    )
    assert [(r.path, r.line) for r in finding.related] == [("INDEX.md", 4)]


def test_other_days_other_authors_and_one_source_pass(provlint_corpus):
    provlint_corpus.row("a1", "a.txt", source="Wire", date="2021-12-05", author="Ada Reyes")
    provlint_corpus.row("b1", "b.txt", source="Ledger", date="2021-12-06", author="Ada Reyes")
    provlint_corpus.row("c1", "c.txt", source="Ledger", date="2021-12-05", author="Bo Lin")
    provlint_corpus.row("d1", "d.txt", source="wire", date="2021-12-05", author="Ada Reyes")
    for name in "abcd":
        provlint_corpus.doc(f"{name}.txt")
    assert run(provlint_corpus) == []


def test_the_author_may_come_from_the_header(provlint_corpus):
    provlint_corpus.row("a1", "a.txt", source="Wire", date="2021-12-05", author="Ada Reyes")
    provlint_corpus.row("b1", "b.txt", source="Ledger", date="2021-12-05")
    provlint_corpus.doc("a.txt").doc("b.txt", header={"author": "Ada Reyes"})
    [finding] = run(provlint_corpus)
    assert finding.path in ("INDEX.md", "b.txt")
