"""Hostile globs: a checked folder's configuration whose globs make a
backtracking matcher run for minutes against a long file name.

``*a*a*a*a*a*b`` compiled to a regular expression tries every way of
splitting a 200-character name among its six stars before it gives up.
provlint must finish at once; the subprocess timeout is only a hang guard
(speed is measured in ``benchmarks/hostile_glob_cases.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE = "*a*a*a*a*a*b"
LONG = "a" * 200 + ".txt"  # matched by no glob above, but tried against each
CLI = [sys.executable, "-m", "provlint", "validate", "--select", "unindexed-file"]
HANG_GUARD = 60  # seconds; the regex-based matcher needed more than 120

CONFIGS = {
    # an exclude glob: the long file stays a document; the folder
    # "sub/aaaaaab" matches, so the file below it is excluded
    "exclude": f'[tool.provlint]\nexclude = ["{HOSTILE}"]\n',
    # a documents glob tried before "*.txt": the extension-less "aaaaaab"
    # becomes a document through it (a documents glob picks files, so the
    # folder "sub/aaaaaab" does not count)
    "documents": f'[tool.provlint]\ndocuments = ["{HOSTILE}", "*.txt"]\n',
    # a per-file-ignores glob, tried against every finding's path; it
    # silences the finding on "aaaaaab" only
    "per-file-ignores": (
        '[tool.provlint]\ndocuments = ["*.txt", "/aaaaaab"]\n\n'
        f'[tool.provlint.per-file-ignores]\n"{HOSTILE}" = ["unindexed-file"]\n'
    ),
}

# The unindexed files each configuration reports.
EXPECTED = {
    "exclude": {LONG, "x.txt"},
    "documents": {LONG, "x.txt", "aaaaaab", "sub/aaaaaab/z.txt"},
    "per-file-ignores": {LONG, "x.txt", "sub/aaaaaab/z.txt"},
}


def _corpus(tmp_path: Path, config: str) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "INDEX.md").write_text(
        "# Corpus\n\n| id | file | title | date |\n|---|---|---|---|\n", encoding="utf-8"
    )
    (root / LONG).write_text("no header here\n", encoding="utf-8")
    (root / "x.txt").write_text("no header either\n", encoding="utf-8")
    (root / "aaaaaab").write_text("a file without an extension\n", encoding="utf-8")
    (root / "sub").mkdir()
    (root / "sub" / "aaaaaab").mkdir()
    (root / "sub" / "aaaaaab" / "z.txt").write_text("below a matching folder\n")
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    return root


@pytest.mark.parametrize("key", sorted(CONFIGS))
def test_hostile_glob_does_not_hang(tmp_path: Path, key: str) -> None:
    """provlint validate finishes, and reads the glob as a glob, when the
    folder's configuration sets ``*a*a*a*a*a*b`` as ``key`` and a file name
    is 200 characters long."""
    root = _corpus(tmp_path, CONFIGS[key])
    try:
        proc = subprocess.run(
            [*CLI, ".", "--format", "json", "--no-progress", "--no-cache"],
            capture_output=True,
            cwd=root,
            timeout=HANG_GUARD,
            env={**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"provlint validate hung on the glob {HOSTILE!r} in {key!r}")
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), err
    assert "Traceback" not in err
    findings = json.loads(proc.stdout)["findings"]
    assert {f["path"] for f in findings} == EXPECTED[key], findings
