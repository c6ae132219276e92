"""End-to-end tests of the pre-commit hooks in ``.pre-commit-hooks.yaml``.

These run the real ``pre-commit`` tool against the real hook manifest:

* this repository (every tracked file plus untracked, not-ignored ones, as
  they are in the working tree, so ``.pre-commit-hooks.yaml`` counts before it
  is committed) is copied into a throwaway git repository with one commit,
  which pre-commit clones as a hook repository at that commit's sha;
* pre-commit builds the hook environment from it (a virtualenv and
  ``pip install .``, which fetches pluggy, jsonschema, PyYAML and setuptools
  from the configured package index) under a temporary ``PRE_COMMIT_HOME``;
* each test gets a temporary git repository holding a small, valid corpus
  and a ``.pre-commit-config.yaml`` pointing at the hook repository by local
  path and ``rev``.

Nothing outside the temporary folders is touched: ``HOME`` and the XDG
folders point into them, git identity is set with ``git config`` inside each
temporary repository, and git variables inherited from a calling hook are
dropped. The tests are skipped when git or pre-commit is missing, and when
the hook environment cannot be installed for lack of network access.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent

INDEX = """\
# Test corpus

Two documents, catalogued consistently.

| id | file | title | source | url | date |
|---|---|---|---|---|---|
| alpha | docs/alpha.md | Alpha report | Example Wire | https://example.test/alpha | 2021-12-03 |
| beta | docs/beta.txt | Beta report | Example Daily | https://example.test/beta | 2021-12-06 |
"""

ALPHA = """\
---
id: alpha
title: "Alpha report"
source: Example Wire
url: https://example.test/alpha
date: 2021-12-03
---
# Alpha report

The ministers met in Stockholm on Thursday.
"""

BETA = " date 2021-12-06 Beta report. The ministers met again on Monday.\n"

README = "# Test corpus\n\nNot a document: provlint never checks a README.md.\n"

# Output of pip or pre-commit that means "no route to a package index".
# "from versions: none" for a widely published package (setuptools, pluggy,
# jsonschema, PyYAML) means no index answered; a resolution error that lists
# versions is a real failure, not a reason to skip.
NETWORK_FAILURE = re.compile(
    r"Temporary failure in name resolution|Name or service not known|"
    r"Failed to establish a new connection|NewConnectionError|Network is unreachable|"
    r"Connection refused|Max retries exceeded|ConnectTimeoutError|Read timed out|"
    r"Could not find a version that satisfies the requirement \S+ \(from versions: none\)",
    re.IGNORECASE,
)

# Git variables set when this test itself runs inside a git hook; they would
# point the nested git commands at the outer repository.
_GIT_LEAKS = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_EXEC_PATH",
)


def _pre_commit_command() -> list[str]:
    if importlib.util.find_spec("pre_commit") is not None:
        return [sys.executable, "-m", "pre_commit"]
    exe = shutil.which("pre-commit")
    if exe is None:
        pytest.skip("pre-commit is neither importable nor on PATH (pip install pre-commit)")
    return [exe]


@dataclass
class Tools:
    pre_commit: list[str]
    env: dict[str, str]
    hook_repo: Path
    rev: str

    def run(
        self,
        args: Sequence[str],
        cwd: Path,
        *,
        extra_env: dict[str, str] | None = None,
        timeout: float = 180,
    ) -> subprocess.CompletedProcess[str]:
        env = dict(self.env)
        env.update(extra_env or {})
        return subprocess.run(
            list(args),
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def git(self, repo: Path, *args: str) -> str:
        proc = self.run(["git", *args], repo)
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout + proc.stderr

    def pc(self, repo: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return self.run([*self.pre_commit, *args], repo, timeout=timeout)

    def init_repo(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        self.git(path, "-c", "init.defaultBranch=main", "init", "-q")
        self.git(path, "config", "user.name", "provlint tests")
        self.git(path, "config", "user.email", "tests@provlint.invalid")
        self.git(path, "config", "commit.gpgsign", "false")
        self.git(path, "config", "core.autocrlf", "false")
        return path

    def commit_all(self, path: Path, message: str) -> str:
        self.git(path, "add", "-A")
        self.git(path, "commit", "-q", "--no-verify", "-m", message)
        return self.git(path, "rev-parse", "HEAD").strip()


def _isolated_env(base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LEAKS}
    for name in ("PRE_COMMIT", "PRE_COMMIT_ALLOW_NO_CONFIG", "SKIP", "FORCE_COLOR"):
        env.pop(name, None)
    home = base / "home"
    home.mkdir()
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        PRE_COMMIT_HOME=str(base / "cache"),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _copy_repository(dst: Path) -> None:
    """Copy this repository's files as they are in the working tree: tracked
    files plus untracked ones that .gitignore does not exclude."""
    proc = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        env={k: v for k, v in os.environ.items() if k not in _GIT_LEAKS},
    )
    if proc.returncode != 0 or not proc.stdout:
        pytest.skip(f"{REPO} is not a git checkout of provlint (git ls-files failed)")
    listed = proc.stdout.decode("utf-8", "surrogateescape")
    for rel in sorted(set(filter(None, listed.split("\0")))):
        src = REPO / rel
        if not src.exists() and not src.is_symlink():
            continue  # tracked but deleted in the working tree
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            os.symlink(os.readlink(src), target)
        else:
            shutil.copy2(src, target)


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Tools:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    cmd = _pre_commit_command()
    base = tmp_path_factory.mktemp("precommit")
    env = _isolated_env(base)
    probe = subprocess.run([*cmd, "--version"], capture_output=True, text=True, env=env)
    if probe.returncode != 0:
        pytest.skip(f"pre-commit is not runnable: {probe.stderr.strip() or probe.stdout.strip()}")

    hook_repo = base / "provlint-hook-repo"
    hook_repo.mkdir()
    _copy_repository(hook_repo)
    assert (hook_repo / ".pre-commit-hooks.yaml").is_file()
    t = Tools(cmd, env, hook_repo, rev="")
    t.init_repo(hook_repo)
    t.rev = t.commit_all(hook_repo, "provlint snapshot for the pre-commit tests")

    # Build the hook environment once (it is cached in PRE_COMMIT_HOME and
    # shared by every test), so a failure to install shows up here.
    scratch = make_corpus_repo(t, base / "scratch")
    proc = t.pc(scratch, "install-hooks", timeout=300)
    if proc.returncode != 0:
        log = Path(env["PRE_COMMIT_HOME"]) / "pre-commit.log"
        text = proc.stdout + proc.stderr + (log.read_text(errors="replace") if log.exists() else "")
        offline = NETWORK_FAILURE.search(text)
        if offline:
            pytest.skip(
                "pre-commit could not install the hook environment: no package index "
                f"reachable ({offline.group(0)})"
            )
        raise AssertionError(f"pre-commit install-hooks failed:\n{text}")
    return t


def make_corpus_repo(
    t: Tools,
    path: Path,
    hooks: Sequence[str] = ("provlint", "provlint-all"),
    *,
    corpus: str = "",
) -> Path:
    """A git repository holding a valid corpus (at its root, or in the
    folder ``corpus`` with the repository's README.md outside it) and a
    ``.pre-commit-config.yaml`` using ``hooks``; all committed."""
    repo = t.init_repo(path)
    root = repo / corpus if corpus else repo
    (root / "docs").mkdir(parents=True)
    (root / "INDEX.md").write_text(INDEX, encoding="utf-8")
    (root / "docs" / "alpha.md").write_text(ALPHA, encoding="utf-8")
    (root / "docs" / "beta.txt").write_text(BETA, encoding="utf-8")
    (root / "README.md").write_text(README, encoding="utf-8")
    (repo / "README.md").write_text(README, encoding="utf-8")
    args = f"        args: [{corpus}]\n" if corpus else ""
    hook_lines = "".join(
        f"      - id: {h}\n" + (args if h == "provlint-all" else "") for h in hooks
    )
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {t.hook_repo.as_posix()}\n    rev: {t.rev}\n    hooks:\n" + hook_lines,
        encoding="utf-8",
    )
    t.commit_all(repo, "a valid corpus")
    return repo


def _add_row(repo: Path, row: str) -> None:
    with (repo / "INDEX.md").open("a", encoding="utf-8") as fh:
        fh.write(row + "\n")


def _head(t: Tools, repo: Path) -> str:
    return t.git(repo, "rev-parse", "HEAD").strip()


def _hook_block(output: str, hook_id: str) -> str:
    """The part of pre-commit's output that belongs to one hook."""
    m = re.search(rf"- hook id: {re.escape(hook_id)}\n(.*?)(?=\n\S[^\n]*\.{{3,}}|\Z)", output, re.S)
    return m.group(1) if m else ""


def test_valid_corpus_passes_run_all_files(tools: Tools, tmp_path: Path) -> None:
    repo = make_corpus_repo(tools, tmp_path / "corpus")
    proc = tools.pc(repo, "run", "--all-files", "--color", "never")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"^provlint\.+Passed$", out, re.M), out
    assert re.search(r"^provlint \(whole corpus\)\.+Passed$", out, re.M), out


def test_corpus_in_a_subfolder_with_a_readme_outside_it(tools: Tools, tmp_path: Path) -> None:
    """The manifest's ``exclude`` keeps README.md away from provlint: the
    repository's own README.md lies outside every corpus and, if passed,
    would stop the hook with "no INDEX.md found" (exit 2). ``provlint-all``
    finds the corpus in its subfolder through ``args``."""
    repo = make_corpus_repo(tools, tmp_path / "repo", corpus="corpus")
    proc = tools.pc(repo, "run", "--all-files", "--color", "never")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"^provlint\.+Passed$", out, re.M), out
    assert re.search(r"^provlint \(whole corpus\)\.+Passed$", out, re.M), out

    beta = repo / "corpus" / "docs" / "beta.txt"
    beta.write_text(BETA.replace("2021-12-06", "2021-12-07"), encoding="utf-8")
    proc = tools.pc(repo, "run", "--all-files", "--color", "never")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    for hook in ("provlint", "provlint-all"):
        assert "corpus/docs/beta.txt:1:7: PV201 date-mismatch" in _hook_block(out, hook), out


def test_git_commit_rejects_bad_document_and_accepts_good_one(tools: Tools, tmp_path: Path) -> None:
    """A real ``git commit`` through the hook installed by ``pre-commit install``."""
    repo = make_corpus_repo(tools, tmp_path / "corpus")
    proc = tools.pc(repo, "install")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    start = _head(tools, repo)

    # A new document whose header date disagrees with its new INDEX.md row.
    (repo / "docs" / "gamma.md").write_text(
        '---\nid: gamma\ntitle: "Gamma report"\nsource: Example Wire\n'
        "url: https://example.test/gamma\ndate: 2021-12-09\n---\n# Gamma report\n\nText.\n",
        encoding="utf-8",
    )
    _add_row(
        repo,
        "| gamma | docs/gamma.md | Gamma report | Example Wire | "
        "https://example.test/gamma | 2021-12-08 |",
    )
    tools.git(repo, "add", "-A")
    proc = tools.run(["git", "commit", "-m", "add gamma"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    block = _hook_block(out, "provlint")
    assert "docs/gamma.md" in block and "PV201 date-mismatch" in block, out
    assert _head(tools, repo) == start

    # Fixed: the header now agrees with the row; the commit goes through.
    text = (repo / "docs" / "gamma.md").read_text(encoding="utf-8")
    (repo / "docs" / "gamma.md").write_text(text.replace("2021-12-09", "2021-12-08"), "utf-8")
    tools.git(repo, "add", "-A")
    proc = tools.run(["git", "commit", "-m", "add gamma"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"^provlint\.+Passed$", out, re.M), out
    assert _head(tools, repo) != start

    # A new row and file with neither source nor url: rejected.
    (repo / "docs" / "delta.txt").write_text(" date 2021-12-10 Delta. Text.\n", encoding="utf-8")
    _add_row(repo, "| delta | docs/delta.txt | Delta | | | 2021-12-10 |")
    tools.git(repo, "add", "-A")
    before = _head(tools, repo)
    proc = tools.run(["git", "commit", "-m", "add delta"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "docs/delta.txt" in out and "PV106 missing-source" in out, out
    assert _head(tools, repo) == before


def test_git_commit_of_a_document_alone_is_checked(tools: Tools, tmp_path: Path) -> None:
    """Only the document is staged (INDEX.md unchanged), so the per-file hook
    gets just that file: provlint still reads the whole corpus, and reports
    the disagreement with the document's INDEX.md row. ``SKIP=provlint-all``
    shows that the per-file hook alone stops the commit."""
    repo = make_corpus_repo(tools, tmp_path / "corpus")
    assert tools.pc(repo, "install").returncode == 0
    start = _head(tools, repo)
    (repo / "docs" / "beta.txt").write_text(BETA.replace("2021-12-06", "2021-12-07"), "utf-8")
    tools.git(repo, "add", "docs/beta.txt")
    proc = tools.run(["git", "commit", "-m", "edit beta"], repo, extra_env={"SKIP": "provlint-all"})
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    block = _hook_block(out, "provlint")
    assert "docs/beta.txt" in block and "PV201 date-mismatch" in block, out
    assert _head(tools, repo) == start


def test_provlint_all_catches_a_deleted_document(tools: Tools, tmp_path: Path) -> None:
    """Deleting a document but keeping its row passes no file to the per-file
    hook (pre-commit never passes deleted files); the whole-corpus hook,
    which always runs, rejects the commit."""
    repo = make_corpus_repo(tools, tmp_path / "corpus")
    assert tools.pc(repo, "install").returncode == 0
    start = _head(tools, repo)
    tools.git(repo, "rm", "-q", "docs/beta.txt")
    proc = tools.run(["git", "commit", "-m", "drop beta"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert re.search(r"^provlint\.+\(no files to check\)Skipped$", out, re.M), out
    block = _hook_block(out, "provlint-all")
    assert "missing-file" in block and "docs/beta.txt" in block, out
    assert _head(tools, repo) == start


def _write_config(t: Tools, repo: Path, hooks: Sequence[dict[str, object]]) -> None:
    """``.pre-commit-config.yaml`` with these hook entries (``id`` plus any
    override, such as ``require_serial`` or ``args``)."""
    lines = [f"repos:\n  - repo: {t.hook_repo.as_posix()}\n    rev: {t.rev}\n    hooks:\n"]
    for hook in hooks:
        items = list(hook.items())
        key, value = items[0]
        lines.append(f"      - {key}: {value}\n")
        for key, value in items[1:]:
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, list):
                value = "[" + ", ".join(str(v) for v in value) + "]"
            lines.append(f"        {key}: {value}\n")
    (repo / ".pre-commit-config.yaml").write_text("".join(lines), encoding="utf-8")


FINDING_LINE = re.compile(r"^\S[^\n]*?: PV\d{3} [a-z][a-z-]*(?: \[[a-z]+\])?: [^\n]*$", re.M)


def _provlint(t: Tools, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """provlint from the environment running the tests (the same code as
    the hook repository's snapshot), in ``repo``."""
    return t.run([sys.executable, "-P", "-m", "provlint", *args], repo, timeout=600)


BIG = 2000
LONG = "x" * 110  # long folder names: pre-commit must cut the file list


def _big_corpus_repo(t: Tools, path: Path) -> tuple[Path, dict[str, str]]:
    """A git repository with 2,000 documents under long folder names (about
    150 bytes a path, 300 KB of file names: more than pre-commit puts on one
    command line) and defects of every kind of place, all committed:

    * ``shared``: the first and the last document share an id, so the
      findings (on the last one's INDEX.md row and header) cite a place in
      another invocation's files;
    * a header date that disagrees with its row (on the document);
    * a row and header without source or url (on the document, citing the row);
    * a row naming a missing file (on INDEX.md);
    * a document without a row (on the document).
    """
    repo = t.init_repo(path)
    rows = []
    paths = {}
    for i in range(BIG):
        folder = f"documents/section-{i // 100:02d}-{LONG}"
        rel = f"{folder}/doc-{i:04d}.md"
        paths[f"doc{i}"] = rel
        ident = "shared" if i in (0, BIG - 1) else f"doc-{i:04d}"
        date = f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}"
        row_date = "2020-01-01" if i == 500 else date
        source, url = ("", "") if i == 1000 else ("Wire", f"https://example.test/{i}")
        head = f'---\nid: {ident}\ntitle: "Doc {i}"\n'
        if source:
            head += f"source: {source}\nurl: {url}\n"
        doc = repo / rel
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(f"{head}date: {date}\n---\n# Doc {i}\n\nText.\n", encoding="utf-8")
        rows.append(f"| {ident} | {rel} | Doc {i} | {source} | {url} | {row_date} |")
    rows.append("| gone | documents/gone.md | Gone | Wire | https://example.test/g | 2021-01-01 |")
    unindexed = repo / "documents" / "unindexed.md"
    unindexed.write_text(
        '---\nid: loose\ntitle: "Loose"\nsource: Wire\nurl: https://example.test/loose\n'
        "date: 2021-02-02\n---\n# Loose\n\nText.\n",
        encoding="utf-8",
    )
    (repo / "INDEX.md").write_text(
        "# Big corpus\n\n| id | file | title | source | url | date |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    (repo / ".gitignore").write_text(".provlint_cache/\n", encoding="utf-8")
    return repo, paths


@pytest.mark.parametrize("serial", [True, False], ids=["serial", "parallel"])
def test_all_files_split_prints_each_finding_once(
    tools: Tools, tmp_path: Path, serial: bool
) -> None:
    """``pre-commit run --all-files`` on 2,000 documents: pre-commit cuts
    the list into several invocations (one after another, or with
    ``require_serial: false`` in parallel), INDEX.md lands in one of them.
    Every finding of the whole corpus is printed, each exactly once: the
    findings equal those of one ``provlint validate`` of the whole corpus,
    line for line."""
    repo, _ = _big_corpus_repo(tools, tmp_path / "big")
    _write_config(tools, repo, [{"id": "provlint", "require_serial": serial}])
    tools.commit_all(repo, "2,000 documents, some defects")

    whole = _provlint(tools, repo, "validate", "--no-cache")
    assert whole.returncode == 1, whole.stdout + whole.stderr
    expected = sorted(FINDING_LINE.findall(whole.stdout))
    codes = {re.search(r": (PV\d{3}) ", line).group(1) for line in expected}  # type: ignore[union-attr]
    assert {"PV103", "PV201", "PV106", "PV104", "PV105"} <= codes, expected
    assert any(line.startswith("INDEX.md:") for line in expected), expected

    proc = tools.pc(repo, "run", "provlint", "--all-files", "--color", "never", timeout=900)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    block = _hook_block(out, "provlint")
    summaries = re.findall(r"^(?:Found \d+ findings? .*|All checks passed.*)$", block, re.M)
    assert len(summaries) >= 2, f"pre-commit did not split the file list:\n{out[:3000]}"
    printed = sorted(FINDING_LINE.findall(block))
    assert printed == expected, (
        f"{len(summaries)} invocations printed {len(printed)} finding lines, the whole corpus "
        f"has {len(expected)}:\n" + "\n".join(printed)
    )


def _old_defects_repo(t: Tools, path: Path, hooks: Sequence[str] = ("provlint",)) -> Path:
    """The valid corpus, then a commit (made without hooks) with two
    defects: alpha's header date disagrees with its row, and beta's row and
    legacy header give neither source nor url."""
    repo = make_corpus_repo(t, path, hooks)
    alpha = repo / "docs" / "alpha.md"
    alpha.write_text(ALPHA.replace("date: 2021-12-03", "date: 2021-12-02"), encoding="utf-8")
    index = (repo / "INDEX.md").read_text(encoding="utf-8")
    index = index.replace(
        "| beta | docs/beta.txt | Beta report | Example Daily | https://example.test/beta |",
        "| beta | docs/beta.txt | Beta report | | |",
    )
    (repo / "INDEX.md").write_text(index, encoding="utf-8")
    t.commit_all(repo, "two defects, committed without the hooks")
    whole = _provlint(t, repo, "validate", "--no-cache")
    assert whole.returncode == 1, whole.stdout
    assert "docs/alpha.md:6:7: PV201 date-mismatch" in whole.stdout, whole.stdout
    assert "docs/beta.txt:1:1: PV106 missing-source" in whole.stdout, whole.stdout
    assert t.pc(repo, "install").returncode == 0
    return repo


GAMMA = (
    '---\nid: gamma\ntitle: "Gamma report"\nsource: Example Wire\n'
    "url: https://example.test/gamma\ndate: 2021-12-08\n---\n# Gamma report\n\nText.\n"
)
GAMMA_ROW = (
    "| gamma | docs/gamma.md | Gamma report | Example Wire | https://example.test/gamma | "
    "2021-12-08 |"
)


def test_old_committed_defect_does_not_block_adding_a_row(tools: Tools, tmp_path: Path) -> None:
    """A real ``git commit`` that adds one document and its row, with INDEX.md
    staged, while two committed defects remain: it goes through, and the
    old defects are not printed. ``provlint-all`` still reports them."""
    repo = _old_defects_repo(tools, tmp_path / "corpus")
    start = _head(tools, repo)
    (repo / "docs" / "gamma.md").write_text(GAMMA, encoding="utf-8")
    _add_row(repo, GAMMA_ROW)
    tools.git(repo, "add", "-A")
    proc = tools.run(["git", "commit", "-m", "add gamma"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"^provlint\.+Passed$", out, re.M), out
    assert _head(tools, repo) != start

    _write_config(tools, repo, [{"id": "provlint-all"}])
    proc = tools.pc(repo, "run", "provlint-all", "--all-files", "--color", "never")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    block = _hook_block(out, "provlint-all")
    assert "docs/alpha.md:6:7: PV201 date-mismatch" in block, out
    assert "docs/beta.txt:1:1: PV106 missing-source" in block, out


def test_new_bad_row_blocks_the_commit(tools: Tools, tmp_path: Path) -> None:
    """Rows the staged change adds or alters are reported, with their
    documents, even when the document is not staged; the old defects stay
    out of the output."""
    repo = _old_defects_repo(tools, tmp_path / "corpus")
    start = _head(tools, repo)

    # An altered row: gamma's date changed in INDEX.md only, so the
    # committed (unchanged, unstaged) document now disagrees with it.
    (repo / "docs" / "gamma.md").write_text(GAMMA, encoding="utf-8")
    _add_row(repo, GAMMA_ROW)
    tools.commit_all(repo, "gamma")
    start = _head(tools, repo)
    index = (repo / "INDEX.md").read_text(encoding="utf-8")
    (repo / "INDEX.md").write_text(index.replace("2021-12-08 |", "2021-12-09 |"), "utf-8")
    tools.git(repo, "add", "INDEX.md")
    proc = tools.run(["git", "commit", "-m", "re-date gamma"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    block = _hook_block(out, "provlint")
    lines = FINDING_LINE.findall(block)
    assert lines and all(line.startswith("docs/gamma.md:") for line in lines), out
    assert "PV201 date-mismatch" in block and "2021-12-09" in block, out
    assert "alpha" not in block and "beta" not in block, out
    assert _head(tools, repo) == start
    tools.git(repo, "reset", "-q")
    tools.git(repo, "checkout", "--", "INDEX.md")

    # A new row naming a file that does not exist.
    _add_row(repo, "| ghost | docs/ghost.md | Ghost | Wire | https://example.test/g | 2021-12-10 |")
    tools.git(repo, "add", "INDEX.md")
    proc = tools.run(["git", "commit", "-m", "add ghost"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    block = _hook_block(out, "provlint")
    assert re.search(r"^INDEX\.md:\d+:\d+: PV104 missing-file: .*docs/ghost\.md", block, re.M), out
    assert "alpha" not in block and "beta" not in block, out
    assert _head(tools, repo) == start


def test_provlint_index_hook(tools: Tools, tmp_path: Path) -> None:
    """``provlint-index`` fails a commit whose document has no INDEX.md row,
    printing the diff ``provlint index`` would apply; after it is applied
    and staged, the commit goes through."""
    repo = make_corpus_repo(tools, tmp_path / "corpus", hooks=("provlint-index",))
    done = _provlint(tools, repo, "index")
    assert done.returncode == 0, done.stdout + done.stderr
    tools.commit_all(repo, "INDEX.md as provlint index writes it")
    assert tools.pc(repo, "install").returncode == 0
    start = _head(tools, repo)

    (repo / "docs" / "gamma.md").write_text(GAMMA, encoding="utf-8")
    tools.git(repo, "add", "docs/gamma.md")
    proc = tools.run(["git", "commit", "-m", "add gamma without a row"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    block = _hook_block(out, "provlint-index")
    assert re.search(r"^\+\| gamma \| docs/gamma\.md \|", block, re.M), out
    assert "would be updated; 1 row added" in block, out
    assert _head(tools, repo) == start

    done = _provlint(tools, repo, "index")
    assert done.returncode == 0, done.stdout + done.stderr
    tools.git(repo, "add", "-A")
    proc = tools.run(["git", "commit", "-m", "add gamma with its row"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"^provlint index --check\.+Passed$", out, re.M), out


def test_provlint_fix_hook(tools: Tools, tmp_path: Path) -> None:
    """``provlint-fix`` rewrites a staged document's legacy one-line header
    as YAML front matter; pre-commit fails the commit because a file
    changed. The fixed file, staged, commits. Unstaged legacy documents
    (beta.txt, committed) are left alone."""
    repo = make_corpus_repo(tools, tmp_path / "corpus", hooks=("provlint-fix", "provlint"))
    assert tools.pc(repo, "install").returncode == 0
    beta = (repo / "docs" / "beta.txt").read_bytes()
    start = _head(tools, repo)

    delta = repo / "docs" / "delta.txt"
    delta.write_text(" date 2021-12-10 Delta report. The ministers met.\n", encoding="utf-8")
    _add_row(
        repo,
        "| delta | docs/delta.txt | Delta report | Example Wire | https://example.test/d | "
        "2021-12-10 |",
    )
    tools.git(repo, "add", "-A")
    proc = tools.run(["git", "commit", "-m", "add delta"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "files were modified by this hook" in _hook_block(out, "provlint-fix"), out
    assert _head(tools, repo) == start
    text = delta.read_text(encoding="utf-8")
    assert text.startswith("---\n") and "date: 2021-12-10" in text, text
    assert text.endswith("Delta report. The ministers met.\n"), text
    assert (repo / "docs" / "beta.txt").read_bytes() == beta

    tools.git(repo, "add", "-A")
    proc = tools.run(["git", "commit", "-m", "add delta"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"^provlint fix\.+Passed$", out, re.M), out
    assert _head(tools, repo) != start
