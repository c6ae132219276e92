"""Inline suppressions and baselines."""

from __future__ import annotations

import json
from pathlib import Path

import provlint
import pytest
from provlint.cli import main
from provlint.suppress import fingerprint

FORUM = "Jul 18, 2021\n\nThe presidents hold a virtual meeting tomorrow, Tuesday.\n"


def test_suppression_moves_the_finding_and_keeps_its_reason(provlint_corpus) -> None:  # type: ignore[no-untyped-def]
    provlint_corpus.row("a1", "a.md", source="Wire", date="2021-07-18")
    provlint_corpus.doc("a.md", FORUM)
    assert provlint_corpus.names(select="date-inconsistent") == [("a.md", "date-inconsistent")]
    provlint_corpus.doc(
        "a.md",
        FORUM,
        header={"id": "a1", "provlint": {"ignore": {"PV202": "thread date, checked"}}},
    )
    report = provlint_corpus.run()
    assert not [
        f for f in report.findings if f.check in ("date-inconsistent", "unused-suppression")
    ]
    ((finding, reason),) = report.suppressed
    assert finding.check == "date-inconsistent" and reason == "thread date, checked"


def _corpus(root: Path, date: str, body_lines: int = 0) -> None:
    root.mkdir(exist_ok=True)
    (root / "INDEX.md").write_text(
        "# Catalogue\n\n"
        + "Notes.\n\n" * body_lines
        + f"| id | file | source | date |\n|---|---|---|---|\n| a1 | a.md | Wire | {date} |\n"
        "| b2 | b.md | | 2021-12-06 |\n"
    )
    (root / "a.md").write_text(
        "---\nid: a1\ndate: 2021-12-05\n---\n" + "filler\n" * body_lines + "x\n"
    )
    (root / "b.md").write_text("Body.\n")


def test_baseline_accepts_old_findings_fails_on_new_and_survives_moves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "c"
    _corpus(root, "2021-12-04")
    base = tmp_path / "baseline.json"
    args = ["validate", "--no-entry-points", str(root), "--baseline", str(base)]
    assert main([*args, "--update-baseline"]) == 0
    data = json.loads(base.read_text())
    assert [e["check"] for e in data["findings"]] == ["date-mismatch", "missing-source"]
    assert "T" not in base.read_text().split('"message"')[0]  # no timestamps
    capsys.readouterr()
    assert main(args) == 0  # old findings accepted
    _corpus(root, "2021-12-04", body_lines=30)  # edits move lines: still accepted
    moved = provlint.run(root, provlint.Config(load_entrypoints=False))
    (msg,) = [f.message for f in moved.findings if f.check == "date-mismatch"]
    assert "INDEX.md:5)" not in msg  # the evidence moved 60 lines down
    assert main(args) == 0
    (root / "b.md").write_text("---\nid: b2\nsource: Wire\ndate: 2021-12-09\n---\nBody.\n")
    capsys.readouterr()
    assert main(args) == 1  # a new finding fails, and the fixed one is stale
    out = capsys.readouterr().out
    assert "date-mismatch" in out and "stale baseline entr" in out


def test_exit_zero_and_strict(tmp_path: Path) -> None:
    root = tmp_path / "c"
    _corpus(root, "2021-12-05")
    (root / "INDEX.md").write_text(
        "| id | file | source | date |\n|---|---|---|---|\n| a1 | a.md | Wire | 2021-12-05 |\n"
    )
    (root / "b.md").write_text("---\nsource: W\ndate: 2021-12-05\n---\nunlisted\n")
    base = ["validate", "--no-entry-points", str(root)]
    assert main(base) == 0  # a warning only
    assert main([*base, "--strict"]) == 1
    (root / "b.md").write_text("no header and not listed\n")
    (root / "INDEX.md").write_text("| id | file |\n|---|---|\n| a1 | a.md |\n")
    assert main(base) == 1
    assert main([*base, "--exit-zero"]) == 0


def test_fingerprint_ignores_positions() -> None:
    f1 = provlint.Finding(
        "a.md",
        3,
        7,
        "PV201",
        "date-mismatch",
        provlint.Severity.ERROR,
        "header date 2021-12-05 (line 3) disagrees with INDEX.md:5",
        "a1",
    )
    f2 = provlint.Finding(
        "a.md",
        9,
        7,
        "PV201",
        "date-mismatch",
        provlint.Severity.ERROR,
        "header date 2021-12-05 (line 9) disagrees with INDEX.md:12",
        "a1",
    )
    f3 = provlint.Finding(
        "a.md",
        9,
        7,
        "PV201",
        "date-mismatch",
        provlint.Severity.ERROR,
        "header date 2021-12-06 (line 9) disagrees with INDEX.md:12",
        "a1",
    )
    assert fingerprint(f1) == fingerprint(f2) != fingerprint(f3)
