"""Acceptance: the real seed corpus (../shared/seeds, skipped when absent) and
the bundled example corpus (INDEX.md + seeds/ at the repository root)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import provlint
from conftest import REPO
from provlint.runner import INDEX_NAME

DATE_CHECKS = {"date-mismatch", "date-inconsistent", "missing-date"}


def _by_doc(report: provlint.Report) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for f in report.findings:
        out[f.doc_id or f.path].add(f.check)
    return out


def test_real_seeds(shared_seeds: Path) -> None:
    report = provlint.run(shared_seeds, provlint.Config(load_entrypoints=False))
    checks = _by_doc(report)
    assert "missing-date" in checks["001_e8c08d27b7ec2fba"]
    assert "missing-source" in checks["003_c954086afcf18a2f"]
    for doc in ("000_225db761ba281c06", "003_c954086afcf18a2f", "004_a5f4e6bad3abff13"):
        assert not checks[doc] & DATE_CHECKS, (doc, checks[doc])
    assert not any(f.check in ("index-schema", "header-schema") for f in report.findings)
    assert not any(f.check == "internal-error" for f in report.findings)


def test_real_seed_forum_repost_is_dated_wrong(shared_seeds: Path) -> None:
    report = provlint.run(shared_seeds, provlint.Config(load_entrypoints=False))
    (f,) = [f for f in report.findings if f.check == "date-inconsistent"]
    assert f.doc_id == "002_b3c2f43a44ebecce"
    assert "on December 1" in f.message and "tomorrow, Tuesday" in f.message
    assert "needs a Monday" in f.message and "2021-12-05..2021-12-06" in f.message
    assert f.severity.value == "error"
    assert any(r.path == "INDEX.md" and r.line == 13 for r in f.related)


def test_real_seed_copies(shared_seeds: Path) -> None:
    report = provlint.run(shared_seeds, provlint.Config(load_entrypoints=False))
    dups = [f for f in report.findings if f.check == "duplicate-content"]
    assert [(f.doc_id, f.related[0].path) for f in dups] == [
        ("001_e8c08d27b7ec2fba", "000_225db761ba281c06.txt")
    ]
    assert "containment 0.9" in dups[0].message


def test_real_seed_legacy_headers_are_read(shared_seeds: Path) -> None:
    from provlint.headers import parse_legacy

    for name, date in [
        ("000_225db761ba281c06.txt", "2021-12-05"),
        ("003_c954086afcf18a2f.txt", "2021-12-06"),
        ("004_a5f4e6bad3abff13.txt", "2021-12-06"),
    ]:
        text = (shared_seeds / name).read_text(encoding="utf-8")
        header = parse_legacy(text)
        assert header is not None and header.fields["date"] == date
        first_line = text.split("\n", 1)[0]
        assert header.body.startswith(first_line.split(date, 1)[1].lstrip(" "))
        assert not header.body.startswith(" ")


def test_validate_leaves_real_seeds_untouched(shared_seeds: Path) -> None:
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in shared_seeds.iterdir()}
    provlint.run(shared_seeds, provlint.Config(load_entrypoints=False))
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in shared_seeds.iterdir()}
    assert before == after


def test_bundled_example_corpus() -> None:
    assert (REPO / INDEX_NAME).is_file()
    report = provlint.run(
        REPO, provlint.Config(load_entrypoints=False, documents=("seeds/*.txt", "seeds/*.md"))
    )
    checks = _by_doc(report)
    assert "missing-date" in checks["clean-copy"]
    assert "missing-source" in checks["argument-report"]
    assert "date-mismatch" in checks["syndicated-copy"]
    for doc in ("raw-scrape", "argument-report", "osce-dinner", "ministerial-summary"):
        assert not checks[doc] & DATE_CHECKS, (doc, checks[doc])
    assert not checks["ministerial-summary"]
    (f,) = [f for f in report.findings if f.check == "date-inconsistent"]
    assert f.doc_id == "forum-repost"
    assert "on December 1" in f.message and "tomorrow, Tuesday" in f.message
    assert not any(
        f.check in ("index-schema", "header-schema", "internal-error") for f in report.findings
    )
    assert report.stats["documents"] == 7


def test_bundled_corpus_config_is_read_from_pyproject() -> None:
    report = provlint.run(REPO)
    assert report.stats["documents"] == 7
    assert not any(f.check == "unindexed-file" for f in report.findings)
