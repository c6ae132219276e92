"""The command line: output formats, exit codes, pre-commit style paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from provlint.cli import main

GOOD = {
    "INDEX.md": "# Corpus\n\n| id | file | title | source | date |\n|---|---|---|---|---|\n"
    "| a1 | a.txt | A | Wire | 2021-12-05 |\n| b2 | b.md | B | Wire | 2021-12-06 |\n",
    "a.txt": " date 2021-12-05 Body text.\n",
    "b.md": "---\nid: b2\ndate: 2021-12-06\n---\nBody.\n",
}


def make(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


@pytest.fixture
def good(tmp_path: Path) -> Path:
    return make(tmp_path / "corpus", GOOD)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", "--no-entry-points", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_corpus_exit_0(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, str(good))
    assert code == 0
    assert "All checks passed: 2 documents" in out


def test_error_exit_1_and_text_format(
    good: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (good / "b.md").write_text("---\nid: b2\ndate: 2021-12-09\n---\nBody.\n")
    monkeypatch.chdir(good)
    code, out, _ = cli(capsys, "--color", "never")
    assert code == 1
    assert out.splitlines()[0] == (
        "b.md:3:7: PV201 date-mismatch: header date 2021-12-09 (line 3) disagrees with INDEX.md "
        "date 2021-12-06 (INDEX.md:6); expected the same date in both"
    )
    assert "Found 1 finding (1 error) in 2 documents." in out


def test_warning_only_exit_0(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make(good, {"c.md": "---\ndate: 2021-12-07\nsource: Wire\n---\nunlisted\n"})
    code, out, _ = cli(capsys, str(good))
    assert code == 0
    assert "PV105 unindexed-file [warning]" in out


NO_DATE_ROW = GOOD["INDEX.md"].replace("| A | Wire | 2021-12-05 |", "| A | Wire | |")


def test_json_format(
    good: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (good / "a.txt").write_text("no header\n")
    (good / "INDEX.md").write_text(NO_DATE_ROW)
    monkeypatch.chdir(good)
    code, out, _ = cli(capsys, "--format", "json")
    data = json.loads(out)
    assert code == 1
    (f,) = data["findings"]
    assert {k: f[k] for k in ("code", "check", "severity", "path", "line", "column", "doc_id")} == {
        "code": "PV107",
        "check": "missing-date",
        "severity": "error",
        "path": "a.txt",
        "line": 1,
        "column": 1,
        "doc_id": "a1",
    }
    assert f["related"][0]["path"] == "INDEX.md" and f["related"][0]["line"] == 5
    assert data["summary"]["errors"] == 1 and data["summary"]["exit_code"] == 1


def test_json_is_deterministic(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (good / "a.txt").write_text("no header\n")
    _, first, _ = cli(capsys, "--format", "json", str(good))
    _, second, _ = cli(capsys, "--format", "json", str(good))
    assert first == second


def test_document_paths_report_only_those_files(
    good: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (good / "a.txt").write_text("no header\n")
    (good / "INDEX.md").write_text(NO_DATE_ROW)
    (good / "b.md").write_text("---\nid: a1\n---\nBody.\n")  # duplicate id with a.txt's row
    monkeypatch.chdir(good)
    _, out_a, _ = cli(capsys, "--format", "json", "a.txt")
    _, out_b, _ = cli(capsys, "--format", "json", "b.md")
    checks_a = {(f["path"], f["check"]) for f in json.loads(out_a)["findings"]}
    checks_b = {(f["path"], f["check"]) for f in json.loads(out_b)["findings"]}
    assert ("a.txt", "missing-date") in checks_a
    assert all(path != "b.md" for path, _ in checks_a if _ != "duplicate-id")
    # the corpus-wide duplicate is still found when only b.md is named
    assert ("b.md", "duplicate-id") in checks_b
    assert ("a.txt", "missing-date") not in checks_b


def test_select_and_ignore_flags(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (good / "a.txt").write_text("no header\n")
    (good / "INDEX.md").write_text("| id | file |\n|---|---|\n| a1 | a.txt |\n")
    _, out, _ = cli(capsys, str(good), "--select", "PV106,PV107", "--ignore", "missing-date")
    assert "missing-source" in out and "missing-date" not in out


def test_usage_errors_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli(capsys, str(tmp_path / "nope"))
    assert code == 2 and "no such file or folder" in err
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys)
    assert code == 2 and "no corpus found" in err
    make(tmp_path / "c", GOOD)
    code, _, err = cli(capsys, str(tmp_path / "c"), "--format", "yaml")
    assert code == 2 and "unknown output format 'yaml'" in err
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--no-such-flag"])
    assert exc.value.code == 2


def test_bad_config_exit_2(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (good / "provlint.toml").write_text('documents = ["*.txt"]\nbogus = 1\n')
    code, _, err = cli(capsys, str(good))
    assert code == 2 and "unknown configuration key 'bogus'" in err


def test_config_documents_globs(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make(good, {"notes/todo.md": "a note\n"})
    code, out, _ = cli(capsys, str(good))
    assert code == 0 and "notes/todo.md:1:1: PV105 unindexed-file" in out
    (good / "provlint.toml").write_text('documents = ["/*.txt", "/*.md"]\n')
    code, out, _ = cli(capsys, str(good))
    assert code == 0 and "notes/todo.md" not in out


def test_folder_without_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make(tmp_path / "bare", {"a.txt": "text\n"})
    code, out, _ = cli(capsys, str(tmp_path / "bare"))
    assert code == 1 and "PV101 index-schema: no readable INDEX.md" in out


def test_output_file(good: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "report.json"
    code, out, _ = cli(capsys, str(good), "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["summary"]["documents"] == 2


def test_terminal_output_is_sanitised(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (good / "b.md").write_text(
        '---\nid: b2\ndate: 2021-12-06\nsource: "\\e[31mRED\\e[0m"\n---\nBody.\n'
    )
    code, out, _ = cli(capsys, str(good), "--color", "never")
    assert code == 1  # field-mismatch quotes the header's source
    assert "\x1b" not in out and "RED" in out


def test_checks_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks", "--no-entry-points", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["checks"]
    by_name = {r["name"]: r for r in rows}
    assert by_name["missing-date"]["code"] == "PV107"
    assert by_name["missing-date"]["plugin"] == "provlint"
    assert main(["explain", "--no-entry-points", "PV107"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PV107 missing-date (error by default")
    assert "What it does." in out and "Why it matters." in out
    assert main(["explain", "--no-entry-points", "no-such-check"]) == 2


def test_python_dash_m_and_console_script(good: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "provlint", "validate", str(good)],
        capture_output=True,
        text=True,
        env=env,
        cwd=good,
    )
    assert proc.returncode == 0, proc.stderr
    assert "All checks passed" in proc.stdout


def test_python_dash_m_does_not_import_from_the_checked_folder(good: Path) -> None:
    (good / "yaml.py").write_text("raise SystemExit('imported from the corpus!')\n")
    (good / "provlint_evil.py").write_text("raise SystemExit('imported from the corpus!')\n")
    proc = subprocess.run(
        [sys.executable, "-m", "provlint", "validate", "-p", "provlint_evil"],
        capture_output=True,
        text=True,
        cwd=good,
    )
    assert "imported from the corpus" not in proc.stdout + proc.stderr
    assert proc.returncode == 3  # the -p module was not found: an internal-error finding
    assert "provlint_evil" in proc.stdout


def test_repository_main_command() -> None:
    """README's main command: `provlint validate` in the repository root."""
    proc = subprocess.run(
        [sys.executable, "-m", "provlint", "validate"], capture_output=True, text=True, cwd=REPO
    )
    assert proc.returncode == 1, proc.stderr  # the example corpus has deliberate defects
    assert "seeds/forum-repost.txt" in proc.stdout or "seeds/clean-copy.txt" in proc.stdout
    assert "in 7 documents" in proc.stdout


def test_check_options_and_severity_override_validated(
    good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make(good, {"c.md": "---\ndate: 2021-12-07\nsource: Wire\n---\nunlisted\n"})
    (good / "provlint.toml").write_text('[check.unindexed-file]\nseverity = "error"\n')
    code, out, _ = cli(capsys, str(good))
    assert code == 1 and "PV105 unindexed-file: no INDEX.md row" in out
    (good / "provlint.toml").write_text('[check.unindexed-file]\nseverity = "fatal"\n')
    code, _, err = cli(capsys, str(good))
    assert code == 2 and "check.unindexed-file.severity" in err
    (good / "provlint.toml").write_text("[check.no-such-check]\nx = 1\n")
    code, _, err = cli(capsys, str(good))
    assert code == 2 and "no check is named 'no-such-check'" in err
    (good / "provlint.toml").write_text("[check.missing-date]\nx = 1\n")
    code, _, err = cli(capsys, str(good))
    assert code == 2 and "unknown option 'x'" in err


def test_skip_outside_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make(tmp_path / "repo", {"requirements.txt": "x\n", "corpus/INDEX.md": GOOD["INDEX.md"]})
    make(tmp_path / "repo" / "corpus", {k: v for k, v in GOOD.items() if k != "INDEX.md"})
    outside = str(tmp_path / "repo" / "requirements.txt")
    code, _, err = cli(capsys, outside)
    assert code == 2 and "no INDEX.md found" in err
    code, out, _ = cli(capsys, "--skip-outside-corpus", outside)
    assert code == 0 and out == ""
    inside = str(tmp_path / "repo" / "corpus" / "a.txt")
    code, out, _ = cli(capsys, "--skip-outside-corpus", outside, inside)
    assert code == 0 and "All checks passed" in out


def test_exclude_folder_and_stray_files(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make(good, {"drafts/x.md": "draft\n", "requirements.txt": "x\n", "CHANGELOG.md": "log\n"})
    (good / "provlint.toml").write_text('exclude = ["drafts"]\n')
    code, out, _ = cli(capsys, str(good))
    assert code == 0, out
    assert "drafts" not in out and "requirements" not in out and "CHANGELOG" not in out


def test_subfolder_path_checks_the_corpus_above(
    good: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    make(good, {"sub/c.md": "---\nid: c3\ndate: 2021-12-07\nsource: Wire\n---\nBody.\n"})
    monkeypatch.chdir(good / "sub")
    code, out, _ = cli(capsys, ".")
    assert code == 0  # a warning only
    assert "no readable INDEX.md" not in out
    assert "c.md:1:1: PV105 unindexed-file" in out
    assert "a.txt" not in out  # outside the named folder


def test_unicode_normalisation_mismatch_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import unicodedata

    root = make(tmp_path / "c", {"INDEX.md": "| id | file |\n|---|---|\n| a1 | café.md |\n"})
    (root / unicodedata.normalize("NFD", "café.md")).write_text("---\ndate: 2021-12-05\n---\nx\n")
    code, out, _ = cli(capsys, str(root))
    assert code == 1  # missing-file is an error
    assert "another Unicode normalisation" in out


def test_config_shows_values_and_where_they_came_from(
    good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (good / "provlint.toml").write_text(
        'ignore = ["unindexed-file"]\n[check.date-mismatch]\nurl-tolerance-days = 3\n'
    )
    assert main(["config", str(good), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    values = {v["key"]: (v["value"], v["from"]) for v in data["values"]}
    assert values["ignore"] == (["unindexed-file"], str(good / "provlint.toml"))
    assert values["select"] == ([], "default")
    assert values["check.date-mismatch.url-tolerance-days"][0] == 3


def test_show_source_and_statistics(good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (good / "b.md").write_text("---\nid: b2\ndate: 2021-12-09\n---\nBody.\n")
    code, out, _ = cli(capsys, str(good), "--show-source", "--statistics", "--color", "never")
    assert code == 1
    lines = out.splitlines()
    i = lines.index(next(x for x in lines if "PV201 date-mismatch" in x))
    assert lines[i - 1].endswith("b.md")  # grouped under the file
    assert lines[i + 1] == "    3 | date: 2021-12-09"
    assert lines[i + 2] == "      |       ^"
    assert any(x.strip() == "1  PV201 date-mismatch" for x in lines)


def test_per_file_ignores_and_required_plugins(
    good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make(good, {"archive/old.md": "---\ndate: 2021-12-07\n---\nold\n"})
    code, out, _ = cli(capsys, str(good))
    assert "archive/old.md:1:1: PV106 missing-source" in out
    (good / "provlint.toml").write_text(
        '[per-file-ignores]\n"archive/**" = ["missing-source", "PV105"]\n'
    )
    code, out, _ = cli(capsys, str(good))
    assert code == 0 and "archive" not in out
    (good / "provlint.toml").write_text('[per-file-ignores]\n"archive/**" = ["missing-sauce"]\n')
    code, _, err = cli(capsys, str(good))
    assert code == 2 and "per-file-ignores.archive/**" in err
    (good / "provlint.toml").write_text('required-plugins = ["provlint-nonexistent-plugin"]\n')
    code, _, err = cli(capsys, str(good))
    assert code == 2 and "required plugin not loaded: provlint-nonexistent-plugin" in err
    (good / "provlint.toml").write_text('required-plugins = ["missing_source"]\n')
    assert cli(capsys, str(good))[0] == 1


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_only_on_a_terminal_and_not_in_ci(tmp_path: Path) -> None:
    import pty

    root = tmp_path / "big"
    files = {"INDEX.md": "| id | file |\n|---|---|\n"}
    files.update(
        {
            f"d{i:04d}.md": f"---\nid: d{i}\nsource: W\ndate: 2021-12-05\n---\nx\n"
            for i in range(600)
        }
    )
    make(root, files)

    def stderr_of(*extra: str, ci: bool = False) -> str:
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        if ci:
            env["CI"] = "true"
        master, slave = pty.openpty()
        proc = subprocess.run(
            # --no-cache: every run reads all documents, so each would draw a bar
            [sys.executable, "-m", "provlint", "validate", str(root), "-q", "--no-cache", *extra],
            stdout=subprocess.DEVNULL,
            stderr=slave,
            env=env,
            check=False,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        os.close(master)
        assert proc.returncode in (0, 1)
        return b"".join(chunks).decode("utf-8", "replace")

    shown = stderr_of()
    assert "documents" in shown and "ETA" in shown
    assert "ETA" not in stderr_of("--no-progress")
    assert "ETA" not in stderr_of(ci=True)


def test_config_found_by_walking_up_and_flags_override_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make(tmp_path / "proj" / "corpus", {k: v for k, v in GOOD.items()})
    (tmp_path / "proj" / "corpus" / "a.txt").write_text("no header\n")
    (tmp_path / "proj" / "corpus" / "INDEX.md").write_text(
        "| id | file |\n|---|---|\n| a1 | a.txt |\n"
    )
    (tmp_path / "proj" / "pyproject.toml").write_text(
        '[tool.provlint]\nselect = ["missing-date"]\n'
    )
    corpus = str(tmp_path / "proj" / "corpus")
    _, out, _ = cli(capsys, corpus)
    assert "missing-date" in out and "missing-source" not in out  # the file one level up
    _, out, _ = cli(capsys, corpus, "--select", "missing-source")
    assert "missing-source" in out and "missing-date" not in out  # the flag wins
