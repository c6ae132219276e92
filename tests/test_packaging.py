"""The wheel maps core/, plugins/ and schemas/ onto one import package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import provlint
import pytest
from conftest import REPO


@pytest.mark.slow
def test_wheel_contents(tmp_path: Path) -> None:
    src = tmp_path / "src"
    files = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=False
    ).stdout.split()
    if not files:
        pytest.skip("not a git checkout")
    for name in files:
        if (REPO / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(src),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 and "No module named" in proc.stderr:
        pytest.skip(f"cannot build a wheel here: {proc.stderr[-200:]}")
    assert proc.returncode == 0, proc.stderr
    (wheel,) = (tmp_path / "dist").glob("provlint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    info = f"provlint-{provlint.__version__}.dist-info"  # the one version, core/__init__.py's
    assert tops == {"provlint", info}, tops
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert f"\nVersion: {provlint.__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata
    licence = zipfile.ZipFile(wheel).read(f"{info}/licenses/LICENSE").decode()
    assert licence == (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "provlint/schemas/index-row.schema.json" in names
    assert "provlint/schemas/header.schema.json" in names
    assert "provlint/schemas/output.schema.json" in names  # the JSON output's schema
    assert "provlint/plugins/date_inconsistent.py" in names
    assert "provlint/plugins/dates/words.toml" in names  # the date rules' word lists
    assert "provlint/plugins/dates/stamp-words.txt" in names  # data beside its check
    assert "provlint/plugins/scrape_residue/data/en.txt" in names
    assert "provlint/py.typed" in names
    entry_points = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "provlint = provlint.cli:main" in entry_points
    assert "provlint = provlint.testing" in entry_points


def test_schemas_load_from_the_package() -> None:
    from provlint.schema import load_schema

    assert load_schema("index-row")["required"] == ["id", "file"]
    assert "date" in load_schema("header")["properties"]
