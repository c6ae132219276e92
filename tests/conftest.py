from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_seeds(tmp_path: Path) -> Path:
    """A writable copy of the real seed corpus; skipped when ../shared is absent."""
    src = SHARED / "seeds"
    if not (src / "INDEX.md").is_file():
        pytest.skip("../shared/seeds is not available on this machine")
    dst = tmp_path / "seeds"
    shutil.copytree(src, dst)
    return dst


def copy_fixture(src: Path, tmp_path: Path) -> Path:
    """Copy a fixture corpus to a temporary folder (tests never run in place)."""
    dst = tmp_path / src.name
    shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns("expected.txt"))
    return dst


BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_benchmark(name: str) -> ModuleType:
    """Import ``benchmarks/<name>.py`` (the corpus generators and
    evaluators are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, mod)
    spec.loader.exec_module(mod)
    return mod


# A clean corpus of one document: its INDEX.md and alpha.md.
ONE_DOC_INDEX = """\
# Corpus

| id | file | title | source | url | date |
|---|---|---|---|---|---|
| alpha | alpha.md | Alpha report | Example Wire | https://example.test/alpha | 2021-12-03 |
"""
ONE_DOC = """\
---
id: alpha
title: "Alpha report"
source: Example Wire
url: https://example.test/alpha
date: 2021-12-03
---
# Alpha report

The ministers met in Stockholm on Friday.
"""


# Building and installing real plugin distributions (the plugin tests).
def cannot_build_wheels() -> str | None:
    """Why ``pip wheel --no-build-isolation`` cannot work here, if it cannot:
    setuptools before 70.1 needs the separate ``wheel`` package for it."""
    try:
        version = metadata.version("setuptools")
    except metadata.PackageNotFoundError:
        return "setuptools is not installed"
    parts = [int(p) for p in version.split(".")[:2] if p.isdigit()]
    if tuple(parts) >= (70, 1):
        return None
    try:
        metadata.version("wheel")
    except metadata.PackageNotFoundError:
        return f"setuptools {version} needs the 'wheel' package to build a wheel without isolation"
    return None


def pip(*args: str, cwd: Path) -> None:
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pip", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"pip {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
