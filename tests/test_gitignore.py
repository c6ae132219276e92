"""respect-gitignore: the .gitignore files inside the corpus folder, read as
git reads them (checked against git itself), and only those; the flag and
the configuration key; the limits on what a hostile .gitignore can cost."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from provlint.cli import main
from provlint.config import Config, ConfigError
from provlint.discovery import discover
from provlint.gitignore import MAX_GITIGNORE_BYTES, MAX_GITIGNORE_PATTERNS
from provlint.globs import PathMatcher

HEADER = "---\nid: {id}\ndate: 2021-12-05\nsource: Wire\n---\nText.\n"
INDEX = "| id | file | date | source |\n|---|---|---|---|\n"
GIT = shutil.which("git")


def _git_env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


def _unindexed(root: Path, *flags: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    args = ["validate", str(root), "--select", "unindexed-file", "--format", "json"]
    code = main([*args, "--no-cache", *flags])
    assert code in (0, 1)
    findings = json.loads(capsys.readouterr().out)["findings"]
    return sorted(
        Path(f["path"]).resolve().relative_to(root.resolve()).as_posix() for f in findings
    )


CORPUS = {
    "INDEX.md": INDEX,
    ".gitignore": "drafts/\n*.tmp.md\nkeep/*\n!keep/f.md\n# a comment\n\n",
    "a.md": "x",
    "drafts/e.md": "x",
    "keep/f.md": "x",
    "keep/g.md": "x",
    "x.tmp.md": "x",
    "sub/.gitignore": "deep\n!c.tmp.md\n",
    "sub/c.tmp.md": "x",
    "sub/deep/d.md": "x",
}


def test_ignored_files_are_not_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _write(tmp_path / "c", CORPUS)
    assert _unindexed(root, capsys=capsys) == ["a.md", "keep/f.md", "sub/c.tmp.md"]
    everything = ["a.md", "drafts/e.md", "keep/f.md", "keep/g.md", "sub/c.tmp.md"]
    everything += ["sub/deep/d.md", "x.tmp.md"]
    assert _unindexed(root, "--no-respect-gitignore", capsys=capsys) == everything


def test_configuration_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _write(tmp_path / "c", {**CORPUS, "provlint.toml": "respect-gitignore = false\n"})
    assert len(_unindexed(root, capsys=capsys)) == 7
    (root / "provlint.toml").write_text("respect-gitignore = true\n", encoding="utf-8")
    assert len(_unindexed(root, capsys=capsys)) == 3
    (root / "provlint.toml").write_text('respect-gitignore = "no"\n', encoding="utf-8")
    assert main(["validate", str(root), "--no-cache"]) == 2
    assert "'respect-gitignore' must be true or false" in capsys.readouterr().err
    assert Config().respect_gitignore is True


def test_a_catalogued_ignored_file_is_still_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _write(
        tmp_path / "c",
        {
            "INDEX.md": INDEX + "| d1 | drafts/d.md | | Wire |\n",
            ".gitignore": "drafts/\n",
            "drafts/d.md": "Text.\n",
        },
    )
    main(["validate", str(root), "--format", "json", "--no-cache"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [f["check"] for f in found] == ["missing-date"]


def test_gitignore_outside_the_corpus_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A .gitignore above the corpus folder (the repository's), and
    .git/info/exclude, are not read: only the corpus's own files count."""
    repo = tmp_path / "repo"
    _write(repo, {".gitignore": "*.md\n", "docs/INDEX.md": INDEX, "docs/a.md": "x"})
    (repo / ".git" / "info").mkdir(parents=True)
    (repo / ".git" / "info" / "exclude").write_text("a.md\n", encoding="utf-8")
    assert _unindexed(repo / "docs", capsys=capsys) == ["a.md"]


def test_symlinked_gitignore_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside"
    outside.write_text("*.md\n", encoding="utf-8")
    root = _write(tmp_path / "c", {"INDEX.md": INDEX, "a.md": "x"})
    (root / ".gitignore").symlink_to(outside)
    assert _unindexed(root, capsys=capsys) == ["a.md"]


def test_index_leaves_ignored_files_out(tmp_path: Path) -> None:
    root = _write(
        tmp_path / "c",
        {
            "INDEX.md": INDEX,
            ".gitignore": "drafts/\n",
            "a.md": HEADER.format(id="a"),
            "drafts/b.md": HEADER.format(id="b"),
        },
    )
    assert main(["index", str(root)]) == 0
    text = (root / "INDEX.md").read_text(encoding="utf-8")
    assert "a.md" in text and "drafts/b.md" not in text
    assert main(["index", str(root), "--no-respect-gitignore"]) == 0
    assert "drafts/b.md" in (root / "INDEX.md").read_text(encoding="utf-8")


def test_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _write(tmp_path / "c", {"INDEX.md": INDEX, "sub/a.md": "x"})
    (root / ".gitignore").write_text(
        "\n".join(f"p{i}" for i in range(MAX_GITIGNORE_PATTERNS // 2)), encoding="utf-8"
    )
    (root / "sub" / ".gitignore").write_text(
        "\n".join(f"q{i}" for i in range(MAX_GITIGNORE_PATTERNS // 2)), encoding="utf-8"
    )
    assert _unindexed(root, capsys=capsys) == ["sub/a.md"]  # exactly at the limit
    with (root / "sub" / ".gitignore").open("a", encoding="utf-8") as fh:
        fh.write("\none-more\n")
    assert main(["validate", str(root), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "sub/.gitignore" in err and f"at most {MAX_GITIGNORE_PATTERNS}" in err
    assert "--no-respect-gitignore" in err
    assert _unindexed(root, "--no-respect-gitignore", capsys=capsys) == ["sub/a.md"]
    (root / "sub" / ".gitignore").write_bytes(b"#" * (MAX_GITIGNORE_BYTES + 1))
    with pytest.raises(ConfigError, match="larger than 1 MiB"):
        discover(root, PathMatcher(["*.md"], ()), gitignore=True)


def test_hostile_patterns_cost_linear_time(tmp_path: Path) -> None:
    """Patterns that make a backtracking matcher explode, against long
    names: the walk stays fast (a regex-based matcher takes minutes on one
    of these names)."""
    root = tmp_path / "c"
    root.mkdir()
    hostile = ["*a*a*a*a*a*a*a*a*a*a*b", "**/a*a*a*a*a*a*a*b/**", "*?a*?a*?a*?a*?a*[!a]?"]
    lines = [hostile[i % len(hostile)] + str(i) for i in range(MAX_GITIGNORE_PATTERNS)]
    (root / ".gitignore").write_text("\n".join(lines), encoding="utf-8")
    for i in range(40):
        (root / ("a" * 200 + f"{i:03d}.md")).write_text("x", encoding="utf-8")
    start = time.perf_counter()
    found = discover(root, PathMatcher(["*.md"], ()), gitignore=True)
    elapsed = time.perf_counter() - start
    assert len(found) == 40
    assert elapsed < 20, elapsed  # 40 x 1,024 matches of a 200-character name


NAMES = ["a", "b", "ab", "ba", "x.md", "y.md"]
ATOMS = ["a", "b", "*", "?", "[ab]", "[!a]", "**", "/", ".md", "x", "y"]


def _pattern(rng: random.Random) -> str:
    body = "".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 4)))
    if rng.random() < 0.2:
        body += "/"
    return ("!" if rng.random() < 0.3 else "") + body


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_agrees_with_git(tmp_path: Path) -> None:
    """Random trees with random .gitignore files at several levels: the
    documents found are the untracked files git does not ignore."""
    env = _git_env(tmp_path)
    rng = random.Random(14)
    compared = differed = 0
    for case in range(40):
        root = tmp_path / f"r{case}"
        files = {
            "/".join(rng.choice(NAMES[:4]) for _ in range(rng.randint(0, 2))) + "/" + f
            for f in rng.sample(NAMES[4:], 2)
            for _ in range(6)
        }
        files = {f.lstrip("/") for f in files}
        folders = {f.rsplit("/", i)[0] for f in files for i in range(1, f.count("/") + 1)}
        files = {f for f in files if f not in folders}
        for rel in files:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text("x", encoding="utf-8")
        for folder in ["", *sorted(folders)]:
            if rng.random() < 0.6:
                pats = [_pattern(rng) for _ in range(rng.randint(1, 3))]
                (root / folder / ".gitignore").write_text("\n".join(pats) + "\n", "utf-8")
        subprocess.run(["git", "init", "-q", str(root)], check=True, env=env)
        proc = subprocess.run(
            ["git", "ls-files", "--others", "--exclude-per-directory=.gitignore", "-z"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        by_git = sorted(p for p in proc.stdout.split("\0") if p.endswith(".md"))
        ours = discover(root, PathMatcher(["*.md"], ()), gitignore=True)
        compared += len(files)
        differed += len(files) - len(by_git)
        assert ours == by_git, (case, sorted(files))
    assert differed > compared // 10  # the comparison is not vacuous
