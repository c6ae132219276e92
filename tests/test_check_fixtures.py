"""Every check against its positive (pass*) and negative (fail*) fixture folders.

``tests/fixtures/checks/<check-name>/<case>/`` is a small corpus. A ``pass``
case must give no finding of that check; a ``fail`` case must give exactly
the findings listed in its ``expected.txt`` (``path:line:col check-name``).
"""

from __future__ import annotations

from pathlib import Path

import provlint
import pytest
from conftest import FIXTURES, copy_fixture

CASES = sorted(p for p in (FIXTURES / "checks").glob("*/*") if p.is_dir())


def _run(corpus: Path, check: str) -> list[str]:
    from provlint.config import load_config

    # A fixture may carry its own provlint.toml (e.g. a small size limit).
    cfg = load_config(corpus).with_overrides(select=(check,), load_entrypoints=False)
    report = provlint.run(corpus, cfg)
    internal = [f for f in report.findings if f.check == "internal-error"]
    assert not internal, internal
    return sorted(f"{f.path}:{f.line}:{f.column} {f.check}" for f in report.findings)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(case: Path, tmp_path: Path) -> None:
    check = case.parent.name
    corpus = copy_fixture(case, tmp_path)
    got = _run(corpus, check)
    if case.name.startswith("pass"):
        assert got == [], f"{check} should not fire on {case.name}"
    else:
        expected = sorted((case / "expected.txt").read_text().split("\n"))
        expected = [e for e in expected if e.strip()]
        assert got == expected
