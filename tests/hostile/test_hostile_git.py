"""``provlint validate --pre-commit`` asks git about the staged change in a
folder that may be hostile: a ``.git/config`` there can name programs that
git runs (an fsmonitor hook, an external diff, a text conversion, clean
and smudge filters). provlint's git commands must run none of them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

INDEX = """\
# Corpus

| id | file | title | source | url | date |
|---|---|---|---|---|---|
| alpha | docs/alpha.md | Alpha | Wire | https://example.test/alpha | 2021-03-01 |
"""

ALPHA = (
    '---\nid: alpha\ntitle: "Alpha"\nsource: Wire\nurl: https://example.test/alpha\n'
    "date: 2021-03-01\n---\n# Alpha\n\nText.\n"
)


def git(repo: Path, *args: str) -> None:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(autouse=True)
def _no_outer_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    (repo / "INDEX.md").write_text(INDEX, "utf-8")
    (repo / "docs" / "alpha.md").write_text(ALPHA, "utf-8")
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    git(repo, "config", "user.name", "t")
    git(repo, "config", "user.email", "t@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "corpus")
    return repo


def test_git_runs_nothing_the_repository_configures(tmp_path: Path) -> None:
    """A folder's own ``.git/config`` can name programs git would run: an
    fsmonitor hook, an external diff, a text conversion, a clean filter.
    provlint's git commands run none of them, while a plain ``git status``
    does run the fsmonitor hook."""
    repo = _repo(tmp_path)
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\ncat\n', "utf-8")
    script.chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(script))
    git(repo, "config", "diff.external", str(script))
    git(repo, "config", "diff.evil.textconv", str(script))
    git(repo, "config", "diff.evil.command", str(script))
    git(repo, "config", "filter.evil.clean", str(script))
    git(repo, "config", "filter.evil.smudge", str(script))
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "attributes").write_text("* diff=evil filter=evil\n", "utf-8")
    with (repo / "INDEX.md").open("a", encoding="utf-8") as fh:
        fh.write("| extra | docs/alpha.md | Extra | Wire | https://example.test/x | 2021-05-02 |\n")
    subprocess.run(
        ["git", "-c", "core.fsmonitor=false", "-c", "filter.evil.clean=cat", "add", "INDEX.md"],
        cwd=repo,
        check=True,
    )
    marker.unlink(missing_ok=True)

    command = [sys.executable, "-P", "-m", "provlint", "validate", "--pre-commit", "--no-cache"]
    result = subprocess.run(
        [*command, "INDEX.md"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONSAFEPATH": "1"},
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "INDEX.md:6:11: PV101 index-schema" in result.stdout, result.stdout
    assert not marker.exists(), marker.read_text("utf-8")

    subprocess.run(["git", "status", "--short"], cwd=repo, capture_output=True)
    assert marker.exists(), "plain git did not run the fsmonitor hook: the test proves nothing"
