"""Start-up: what a small run imports, and the lazy names of the package.

A pre-commit run on a few documents is mostly start-up, so the checks that
a small corpus does not need must not be imported on its path. These tests
look at ``sys.modules`` in a fresh interpreter; they do not time anything.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import provlint
import pytest
from provlint.plugins.scrape_residue.phrases import WIDE_RANGES, is_wide

ROOT = Path(__file__).resolve().parents[1]

# Libraries a run on the bundled corpus has no use for: the reference
# validator (all its headers and rows are valid), the accelerators (worth
# their import only on a large corpus), the distributed engine, and
# standard-library modules that only the cache or packaging look-ups need.
NOT_ON_THE_SMALL_PATH = (
    "jsonschema",
    "jsonschema_rs",
    "numpy",
    "dask",
    "distributed",
    "importlib.metadata",
    "importlib.resources",
    "email.utils",
    "socket",
    "tempfile",
    "secrets",
    "hmac",
)


def _modules_after(code: str, cwd: Path = ROOT) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert "Traceback" not in done.stderr, done.stderr
    return set(done.stderr.split())


def test_a_run_on_the_bundled_corpus_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from provlint.cli import main\n"
        "sys.argv = ['provlint', 'validate', '--format', 'json', '-q']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, 1), exit.code\n"
    )
    loaded = _modules_after(code)
    assert "provlint.plugins.header_schema" in loaded  # the run did check headers
    assert "provlint.plugins.dates.datetext" in loaded  # and dates
    assert sorted(m for m in NOT_ON_THE_SMALL_PATH if m in loaded) == []


def test_an_invalid_header_still_gets_jsonschema_messages(tmp_path: Path) -> None:
    (tmp_path / "INDEX.md").write_text(
        "# Index\n\n| id | file | date |\n|---|---|---|\n| a 1 | a.md | 2021-03-04 |\n"
    )
    (tmp_path / "a.md").write_text("---\nid: a1\ndate: 2021-03-04\n---\nText.\n")
    code = (
        "import sys\n"
        "from provlint.cli import main\n"
        "sys.argv = ['provlint', 'validate', '--no-cache', '-q', '.']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
    )
    assert "jsonschema" in _modules_after(code, tmp_path)


def test_the_pytest_plugin_imports_only_itself() -> None:
    base = _modules_after("import pytest")
    loaded = _modules_after("import pytest\nimport provlint.testing")
    assert sorted(loaded - base) == ["provlint", "provlint.testing"]


def test_import_provlint_loads_no_submodule() -> None:
    loaded = _modules_after("import provlint")
    assert sorted(m for m in loaded if m.startswith("provlint")) == ["provlint"]


@pytest.mark.parametrize("name", provlint.__all__)
def test_lazy_names_resolve_to_their_module_objects(name: str) -> None:
    value = getattr(provlint, name)
    if name == "__version__":
        assert isinstance(value, str)
        return
    home = sys.modules[f"provlint.{provlint._LAZY[name]}"]
    assert value is getattr(home, name)


def test_lazy_names_are_listed_and_complete() -> None:
    assert dir(provlint) == sorted(provlint.__all__)
    assert set(provlint._LAZY) | {"__version__"} == set(provlint.__all__)
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        provlint.no_such_name  # noqa: B018
    from provlint import Finding, hookimpl

    assert Finding is provlint.model.Finding
    assert hookimpl is provlint.hookspecs.hookimpl


def test_wide_characters_by_code_point_match_the_character_class() -> None:
    ranges = "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in WIDE_RANGES)
    wide = re.compile(f"[{ranges}]")
    assert ranges == "\\u1100-\\u11ff\\u2e80-\\ua4cf\\uac00-\\ud7af\\uf900-\\ufaff\\uff00-\\uffef"
    mismatched = [
        c for c in range(sys.maxunicode + 1) if bool(wide.match(chr(c))) != is_wide(chr(c))
    ]
    assert mismatched == []
