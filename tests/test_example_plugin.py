"""The example plugin, installed as a real package: built into a wheel,
installed with pip into a private folder (never into the test environment),
then found by provlint through its entry point in a subprocess.

Nothing here uses the network: the wheel is built without build isolation,
with the setuptools of the running environment.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import provlint
import pytest
from conftest import cannot_build_wheels, pip
from provlint.testing import CorpusBuilder

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "provlint-example-plugin"
LONG_TITLE = "Blinken and Lavrov clash over Ukraine " * 5  # 190 characters
GOOD_TITLE = "Blinken and Lavrov clash over Ukraine at the OSCE dinner"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the installed example plugin (module + dist-info)."""
    why = cannot_build_wheels()
    if why:
        pytest.skip(why)
    tmp = tmp_path_factory.mktemp("example-plugin")
    # Build from a copy, so that setuptools' build/ and *.egg-info never land in the repo.
    project = tmp / "project"
    shutil.copytree(
        EXAMPLE,
        project,
        ignore=shutil.ignore_patterns(
            "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", "*.pyc"
        ),
    )
    dist = tmp / "dist"
    pip(
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        str(dist),
        str(project),
        cwd=tmp,
    )
    [wheel] = dist.glob("provlint_example_plugin-0.1.0-*.whl")
    target = tmp / "site"
    pip("install", "--no-deps", "--no-index", "--target", str(target), str(wheel), cwd=tmp)
    assert (target / "provlint_example_plugin" / "__init__.py").is_file()
    return target


def _env(site: Path) -> dict[str, str]:
    entries = [str(site)]
    # provlint must stay importable: it is normally found through the
    # interpreter's site-packages (an editable install included); when it was
    # found through a plain path entry instead, keep that entry.
    package_dir = Path(provlint.__file__).resolve().parent
    if package_dir.name == "provlint":
        entries.append(str(package_dir.parent))
    if os.environ.get("PYTHONPATH"):
        entries.append(os.environ["PYTHONPATH"])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(entries), "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("NO_COLOR", "FORCE_COLOR", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    return env


def _run(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=_env(site),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _provlint_json(site: Path, *args: str, cwd: Path, exit_code: int = 0) -> Any:
    proc = _run(site, "-m", "provlint", *args, "--format", "json", cwd=cwd)
    assert proc.returncode == exit_code, proc.stdout + proc.stderr
    assert proc.stderr == ""
    return json.loads(proc.stdout)


def _corpus(path: Path, title: str) -> Path:
    corpus = CorpusBuilder(path)
    corpus.row("osce-1", "osce.txt", title=title, source="Wire", date="2021-12-01")
    corpus.doc("osce.txt", legacy_date="2021-12-01", body="The ministers met in Stockholm.\n")
    return corpus.write()


def test_the_plugin_is_importable_from_the_private_site_only(site: Path, tmp_path: Path) -> None:
    code = "import provlint_example_plugin as m; print(m.__file__)"
    proc = _run(site, "-c", code, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).resolve().is_relative_to(site.resolve())
    # The test environment is untouched: the private site is not on its path.
    spec = importlib.util.find_spec("provlint_example_plugin")
    assert spec is None or not Path(spec.origin or "").resolve().is_relative_to(site.resolve())


def test_checks_lists_it_with_its_distribution_and_version(site: Path, tmp_path: Path) -> None:
    rows = _provlint_json(site, "checks", cwd=tmp_path)["checks"]
    [row] = [r for r in rows if r["code"] == "EX101"]
    assert row == {
        "code": "EX101",
        "name": "title-length",
        "severity": "warning",
        "scope": "document",
        "plugin": "provlint-example-plugin",
        "plugin_version": "0.1.0",
        "summary": "A document's title is longer or shorter than the configured limits.",
    }
    # The built-in checks are still there.
    assert {"missing-date", "index-schema"} <= {r["name"] for r in rows}


def test_p_no_example_blocks_it(site: Path, tmp_path: Path) -> None:
    rows = _provlint_json(site, "checks", "-p", "no:example", cwd=tmp_path)["checks"]
    assert "EX101" not in {r["code"] for r in rows}
    assert "missing-date" in {r["name"] for r in rows}


def test_explain(site: Path, tmp_path: Path) -> None:
    proc = _run(site, "-m", "provlint", "explain", "EX101", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first.startswith("EX101 title-length (warning by default, document check")
    assert "provlint-example-plugin 0.1.0" in first
    for section in ("What it does.", "Why it matters.", "Example.", "Options."):
        assert section in proc.stdout


def test_validate_reports_a_long_title(site: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "long", LONG_TITLE)
    out = _provlint_json(site, "validate", str(root), cwd=root)
    [finding] = out["findings"]
    assert {k: finding[k] for k in ("path", "line", "code", "check", "severity", "doc_id")} == {
        "path": "INDEX.md",
        "line": 3,
        "code": "EX101",
        "check": "title-length",
        "severity": "warning",
        "doc_id": "osce-1",
    }
    assert "expected at most 120 characters, found 189" in finding["message"]
    assert "declared in the INDEX.md row on line 3" in finding["message"]
    assert finding["plugin"] == "provlint-example-plugin"
    assert out["summary"]["exit_code"] == 0  # a warning does not fail the run


def test_validate_passes_a_good_title(site: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "good", GOOD_TITLE)
    out = _provlint_json(site, "validate", str(root), cwd=root)
    assert out["findings"] == []


def test_validate_without_the_plugin(site: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "long", LONG_TITLE)
    for flags in (["-p", "no:example"], ["--no-entry-points"]):
        out = _provlint_json(site, "validate", str(root), *flags, cwd=root)
        assert out["findings"] == [], flags


def test_validate_applies_its_options_from_the_config_file(site: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path / "configured", GOOD_TITLE)
    (root / "provlint.toml").write_text('[check.title-length]\nmax = 20\nseverity = "error"\n')
    out = _provlint_json(site, "validate", str(root), cwd=root, exit_code=1)
    assert [(f["code"], f["severity"]) for f in out["findings"]] == [("EX101", "error")]
    assert "expected at most 20 characters" in out["findings"][0]["message"]


def test_the_example_plugins_own_tests_pass(site: Path, tmp_path: Path) -> None:
    proc = _run(
        site,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-W",
        "error",
        str(EXAMPLE / "tests"),
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " passed" in proc.stdout
    assert "failed" not in proc.stdout and "skipped" not in proc.stdout


def test_its_keyed_check_runs_incrementally_from_the_installed_package(
    site: Path, tmp_path: Path
) -> None:
    """The keyed check of the installed plugin: its records are kept in the
    store (its record class rebuilt from the store, as it declares), and a
    change to one document changes the finding, as a cold run would."""
    corpus = CorpusBuilder(tmp_path / "authors")
    for i in range(120):  # enough documents for the store
        source = "Wire" if i != 7 else "Ledger"
        corpus.row(f"d{i}", f"d{i}.txt", source=source, date="2021-12-05", author=f"A{i % 60}")
        corpus.doc(f"d{i}.txt", body=f"Text {i}.\n")
    root = corpus.write()
    args = ("validate", str(root), "--select", "EX201")
    first = _provlint_json(site, *args, cwd=root)["findings"]
    assert [(f["code"], f["doc_id"]) for f in first] == [("EX201", "d67")]
    again = _provlint_json(site, *args, cwd=root)["findings"]
    assert again == first
    assert any(root.joinpath(".provlint_cache").glob("store-*.sqlite"))
    index = (root / "INDEX.md").read_text()
    (root / "INDEX.md").write_text(
        index.replace("| d67 | d67.txt | Wire |", "| d67 | d67.txt | Ledger |")
    )
    warm = _provlint_json(site, *args, cwd=root)["findings"]
    cold = _provlint_json(site, *args, "--no-cache", cwd=root)["findings"]
    assert warm == cold
    assert [f["doc_id"] for f in warm] == []
