"""``provlint validate --pre-commit``: which invocation prints which
finding (:mod:`provlint.staged`), with real git repositories and provlint
called in-process; the end-to-end runs through the real pre-commit are in
``test_precommit.py``; that git runs nothing a repository configures is in
``tests/hostile/test_hostile_git.py``.

* However the file list is cut, the invocations print together exactly the
  findings they own, each once: every finding of the corpus under
  ``--all-files`` (nothing staged), and under a commit only those the
  staged change touches.
* A staged INDEX.md reports the rows the change adds or alters, and their
  documents; not the others.
* Outside a git work tree a named INDEX.md still means the whole corpus.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from provlint.config import Config
from provlint.model import Finding
from provlint.runner import locate, run_targets
from provlint.staged import changed_lines, git_state

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

_GIT_LEAKS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX")


@pytest.fixture(autouse=True)
def _no_outer_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The tests' git commands and provlint's own see only the temporary
    repositories (not a calling hook's index, not the user's config)."""
    for name in _GIT_LEAKS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def doc_text(ident: str, date: str, source: str = "Wire") -> str:
    head = f'---\nid: {ident}\ntitle: "{ident.title()}"\n'
    if source:
        head += f"source: {source}\nurl: https://example.test/{ident}\n"
    return head + f"date: {date}\n---\n# {ident.title()}\n\nText.\n"


def row(ident: str, path: str, date: str, source: str = "Wire") -> str:
    url = f"https://example.test/{ident}" if source else ""
    return f"| {ident} | {path} | {ident.title()} | {source} | {url} | {date} |"


HEAD = "# Corpus\n\n| id | file | title | source | url | date |\n|---|---|---|---|---|---|\n"


def make_repo(tmp_path: Path, padding: int = 0) -> Path:
    """Twelve documents with defects in every kind of place, committed:
    a shared id between d00 and d11, a date mismatch (d03), neither source
    nor url (d05), a missing file's row, an unindexed document; and
    ``padding`` clean documents (enough of them and the runs use the
    result cache)."""
    repo = tmp_path / "repo"
    (repo / "docs").mkdir(parents=True)
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    git(repo, "config", "user.name", "t")
    git(repo, "config", "user.email", "t@example.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    rows = []
    for i in range(12):
        ident = "shared" if i in (0, 11) else f"d{i:02d}"
        date = f"2021-03-{i + 1:02d}"
        source = "" if i == 5 else "Wire"
        (repo / "docs" / f"d{i:02d}.md").write_text(doc_text(ident, date, source), "utf-8")
        rows.append(row(ident, f"docs/d{i:02d}.md", "2021-01-01" if i == 3 else date, source))
    for i in range(padding):
        (repo / "pad").mkdir(exist_ok=True)
        (repo / "pad" / f"p{i:03d}.md").write_text(doc_text(f"p{i:03d}", "2021-07-01"), "utf-8")
        rows.append(row(f"p{i:03d}", f"pad/p{i:03d}.md", "2021-07-01"))
    rows.append(row("gone", "docs/gone.md", "2021-04-01"))
    (repo / "docs" / "loose.md").write_text(doc_text("loose", "2021-05-01"), "utf-8")
    (repo / "INDEX.md").write_text(HEAD + "\n".join(rows) + "\n", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "corpus")
    return repo


def findings(repo: Path, files: list[str] | None = None, cache: bool = False) -> list[Finding]:
    """What one provlint run prints: the whole corpus, or one invocation
    of the ``--pre-commit`` hook given ``files``."""
    if files is None:
        targets = locate([repo])
    else:
        targets = locate([repo / f for f in files], chunk=True)
    out: list[Finding] = []
    for report in run_targets(targets, Config(cache=cache)):
        out.extend(report.findings)
    return out


def corpus_files(repo: Path) -> list[str]:
    return sorted(
        p.relative_to(repo).as_posix() for p in repo.rglob("*.md") if ".git" not in p.parts
    )


def split_runs(repo: Path, files: list[str], seed: int, cache: bool = False) -> Counter[Finding]:
    """Every finding printed over a random cut of ``files`` into invocations."""
    rng = random.Random(seed)
    order = files[:]
    rng.shuffle(order)
    cuts = sorted(rng.sample(range(1, len(order)), rng.randint(1, min(5, len(order) - 1))))
    printed: Counter[Finding] = Counter()
    for part in (order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)], strict=True)):
        printed.update(findings(repo, part, cache))
    return printed


def test_any_split_of_all_files_prints_every_finding_once(tmp_path: Path) -> None:
    """Nothing staged (pre-commit's ``--all-files`` on a clean tree): any
    cut of the file list prints the whole corpus's findings, each once."""
    repo = make_repo(tmp_path)
    whole = findings(repo)
    codes = {f.code for f in whole}
    assert {"PV103", "PV201", "PV106", "PV104", "PV105"} <= codes, whole
    files = corpus_files(repo)
    for seed in range(6):
        printed = split_runs(repo, files, seed)
        assert set(printed) == set(whole), seed
        assert max(printed.values()) == 1, [f for f, n in printed.items() if n > 1]


@pytest.mark.parametrize("cache", [False, True], ids=["no-cache", "cache"])
def test_any_split_of_a_commit_prints_what_it_touches_once(tmp_path: Path, cache: bool) -> None:
    """A staged change: one row altered (d07's date, its document not
    staged), a new document with a new row sharing d02's id, d09 edited so
    that its header disagrees with its row. Over any cut of the staged
    files, exactly the findings the change touches are printed, each once;
    the committed defects are not. With the cache (a corpus big enough),
    an invocation loads the kept results it needs, and no other."""
    repo = make_repo(tmp_path, padding=120 if cache else 0)
    if cache:
        findings(repo, cache=True)  # fills the cache
    index = (repo / "INDEX.md").read_text("utf-8")
    old_row, new_row = (row("d07", "docs/d07.md", d) for d in ("2021-03-08", "2021-02-08"))
    index = index.replace(old_row, new_row)
    index += row("d02", "docs/new.md", "2021-06-01") + "\n"
    (repo / "INDEX.md").write_text(index, "utf-8")
    (repo / "docs" / "new.md").write_text(doc_text("d02", "2021-06-01"), "utf-8")
    (repo / "docs" / "d09.md").write_text(doc_text("d09", "2021-03-11"), "utf-8")
    git(repo, "add", "-A")

    staged = ["INDEX.md", "docs/d09.md", "docs/new.md"]
    alone = findings(repo, staged, cache)
    shown = {(f.path, f.code) for f in alone}
    assert ("docs/d07.md", "PV201") in shown, alone  # the altered row's document
    assert ("docs/d09.md", "PV201") in shown, alone  # the staged document
    assert any(f.code == "PV103" and f.path == "INDEX.md" for f in alone), alone  # new row
    old = {("docs/d03.md", "PV201"), ("docs/d05.md", "PV106"), ("INDEX.md", "PV104")}
    assert not old & shown, alone
    assert not any(f.code == "PV105" or "shared" in f.message for f in alone), alone
    for seed in range(6):
        printed = split_runs(repo, staged, seed, cache)
        assert set(printed) == set(alone), seed
        assert max(printed.values()) == 1, [f for f, n in printed.items() if n > 1]


def test_a_new_row_for_an_unstaged_document_reports_the_document(tmp_path: Path) -> None:
    """A row added for a committed, unindexed document (only INDEX.md is
    staged): the document's findings come with INDEX.md's invocation."""
    repo = make_repo(tmp_path)
    with (repo / "INDEX.md").open("a", encoding="utf-8") as fh:
        fh.write(row("loose", "docs/loose.md", "2021-05-02") + "\n")
    git(repo, "add", "INDEX.md")
    got = findings(repo, ["INDEX.md"])
    assert [(f.path, f.code) for f in got] == [("docs/loose.md", "PV201")], got


def test_changed_lines_of_a_diff() -> None:
    diff = b"@@ -5 +5 @@\n-a\n+b\n@@ -9,0 +10,2 @@\n+c\n+d\n@@ -20,3 +21,0 @@\n-e\n"
    assert changed_lines(diff) == {5, 10, 11}


def test_state_of_a_new_index_and_outside_git(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    state = git_state(repo)
    assert state is not None and not state.staged and not state.index_staged
    # Unstaged edits of INDEX.md beside staged ones: every row counts.
    with (repo / "INDEX.md").open("a", encoding="utf-8") as fh:
        fh.write(row("extra", "docs/extra.md", "2021-05-02") + "\n")
    git(repo, "add", "INDEX.md")
    state = git_state(repo)
    assert state is not None and state.index_staged and state.rows == {len(
        (repo / "INDEX.md").read_text("utf-8").splitlines()
    )}
    with (repo / "INDEX.md").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    state = git_state(repo)
    assert state is not None and state.index_staged and state.rows is None

    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    assert git_state(plain) is None


def test_outside_git_a_named_index_means_the_whole_corpus(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    assert set(findings(plain, ["INDEX.md"])) == set(findings(plain))
