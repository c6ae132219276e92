"""Renamed files: missing-file and unindexed-file join the missing and the
unindexed documents (plugins/renamed.py), so that a rename is one finding
that names both sides."""

from __future__ import annotations

import hashlib

import pytest
from provlint.plugins import renamed
from provlint.plugins.renamed import alike, stem
from provlint.testing import CorpusBuilder

SELECT = ["missing-file", "unindexed-file"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("Notes/Harbour-Board.TXT", "harbourboard"),
        ("a/b/report_2021.md", "report2021"),
        (".hidden", "hidden"),
        ("Café Ølen.txt", "caféølen"),
    ],
)
def test_stem(path: str, expected: str) -> None:
    assert stem(path) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("harbour", "harbourboard", True),  # a word added
        ("report", "20211203report", True),  # a date put in front
        ("councilnotes", "budgetnotes", False),  # a shared word is not most of a name
        ("reportdraft", "reportdraf", True),
        ("minutes", "minuets", True),  # a typo fixed
        ("report3", "report4", False),  # the next of a series
        ("article0001", "article0002", False),
        ("d3", "d4", False),  # too short to compare
        ("abc", "abc", True),  # the same name always
        ("harbour", "library", False),
    ],
)
def test_alike(a: str, b: str, expected: bool) -> None:
    assert alike(a, b) is expected


def test_a_rename_is_one_finding_that_names_both_files(provlint_corpus: CorpusBuilder) -> None:
    text = "The harbour board met on 3 December 2021.\n"
    digest = hashlib.sha256(text.encode()).hexdigest()
    provlint_corpus.row("h1", "harbour.txt", source="Wire", date="2021-12-03", sha256=digest)
    provlint_corpus.doc("minutes-of-the-board.txt", body=text)
    (f,) = provlint_corpus.findings(select=SELECT)
    assert (f.path, f.line, f.check) == ("INDEX.md", 3, "missing-file")
    assert f.message == (
        "row 'h1': file 'harbour.txt' does not exist; renamed to 'minutes-of-the-board.txt'? "
        "No row names that file, and its content matches the row's sha256"
    )
    assert [(r.path, r.note) for r in f.related] == [
        ("harbour.txt", "expected file"),
        ("minutes-of-the-board.txt", "unindexed file: the renamed file?"),
    ]


def test_a_run_on_the_new_file_alone_reports_the_rename(provlint_corpus: CorpusBuilder) -> None:
    """pre-commit passes the files that changed: the new name is enough to
    see the finding (it cites that file)."""
    provlint_corpus.row("h1", "harbour.txt", source="Wire", date="2021-12-03")
    provlint_corpus.doc("harbour-board.txt", body="The board met.\n")
    provlint_corpus.doc("other.txt", body="Other.\n")
    found = provlint_corpus.findings(select=SELECT, only="harbour-board.txt")
    assert [(f.check, f.related[-1].path) for f in found] == [("missing-file", "harbour-board.txt")]


def test_the_best_fit_must_be_mutual(provlint_corpus: CorpusBuilder) -> None:
    """Row a's best fit is new.txt (by name), but new.txt fits row b
    better (by its header id): new.txt goes with b, and a stays a plain
    missing file."""
    provlint_corpus.row("a1", "new.md", source="Wire", date="2021-12-03")
    provlint_corpus.row("b2", "old.txt", source="Wire", date="2021-12-03")
    provlint_corpus.doc("new.txt", header={"id": "b2"}, body="Text.\n")
    found = provlint_corpus.findings(select=SELECT)
    messages = {f.doc_id: f.message for f in found}
    assert set(messages) == {"a1", "b2"} and all(f.check == "missing-file" for f in found)
    assert "renamed to 'new.txt'?" in messages["b2"]
    assert "header id is the row's id" in messages["b2"]
    assert "renamed" not in messages["a1"]


def test_a_common_title_is_no_evidence(
    provlint_corpus: CorpusBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key shared by more missing x unindexed pairs than MAX_PAIRS (every
    file titled "Untitled") gives no candidate."""
    monkeypatch.setattr(renamed, "MAX_PAIRS", 3)
    for i in range(2):
        provlint_corpus.row(f"r{i}", f"gone{i}.txt", title="Untitled", date="2021-12-03")
    for i in range(2):
        provlint_corpus.doc(f"zz{i}.txt", header={"title": "Untitled"}, body="Text.\n")
    found = provlint_corpus.findings(select=SELECT)
    assert sorted(f.check for f in found) == ["missing-file"] * 2 + ["unindexed-file"] * 2
    assert not any("renamed" in f.message for f in found)
