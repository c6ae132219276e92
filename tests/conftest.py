from __future__ import annotations

import shutil
from pathlib import Path

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
