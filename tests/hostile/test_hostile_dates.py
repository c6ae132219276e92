"""Hostile text for the date checks: long lines full of dates must neither
stop a check at its time budget (an ``internal-error`` finding) nor make a
finding's message grow with the number of dates.

The corpora come from ``benchmarks/hostile_cases.py``, which also measures
how the time grows with their size. Each run happens in a child process
under a generous timeout: a hang guard, not a speed test.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
MESSAGE_BOUND = 1000


def _cases() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_cases", BENCHMARKS / "hostile_cases.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


cases = _cases()

# provlint.run in a child process, its findings printed as JSON.
_RUN = """
import json, sys
import provlint
report = provlint.run(sys.argv[1])
print(json.dumps([
    {"path": f.path, "line": f.line, "code": f.code, "check": f.check, "message": f.message}
    for f in report.findings
]))
"""


def _run(tmp_path: Path, files: dict[str, bytes]) -> list[dict[str, object]]:
    root = cases.write(files, tmp_path / "corpus")
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, str(root)],
        capture_output=True,
        cwd=tmp_path,
        timeout=600,  # a hang guard: the run takes seconds
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    findings: list[dict[str, object]] = json.loads(proc.stdout)
    return findings


def _no_timeout(findings: list[dict[str, object]]) -> None:
    stopped = [f for f in findings if f["check"] == "internal-error" or f["code"] == "PV001"]
    assert not stopped, [str(f["message"])[:300] for f in stopped]


def _bounded(findings: list[dict[str, object]]) -> None:
    longest = max(findings, key=lambda f: len(str(f["message"])))
    assert len(str(longest["message"])) <= MESSAGE_BOUND, str(longest["message"])[:500]


@pytest.mark.parametrize("case", ["day_month", "month_day", "timestamp"])
def test_long_line_of_dates_completes(tmp_path: Path, case: str) -> None:
    """200 KB of one line repeating "1 May ", "May 1, " or a timestamp: every
    check finishes within its budget (before, each mention rescanned its
    whole line and the date checks were stopped after 10 s from ~40 KB on)."""
    findings = _run(tmp_path, cases.CASES[case](200 * 1024))
    _no_timeout(findings)
    _bounded(findings)
    # The date checks did run to the end: the undated copy is reported by
    # missing-date, and the dated timestamps by date-mismatch.
    assert any(f["check"] == "missing-date" and f["path"] == "undated.txt" for f in findings)
    if case == "timestamp":
        (stamp,) = [f for f in findings if f["check"] == "date-mismatch"]
        assert "'13:24 GMT 05.12.2021'" in str(stamp["message"])
        assert "declared date 2020-01-01" in str(stamp["message"])


@pytest.mark.parametrize(
    ("case", "size"),
    [("spaced_time", 100 * 1024), ("blank_lines", 200 * 1024)],
)
def test_long_runs_of_white_space_complete(tmp_path: Path, case: str, size: int) -> None:
    """A time followed by 50 KB of spaces (twice), or 200 KB of newlines:
    patterns that crossed the run once per way of splitting it are linear
    now."""
    findings = _run(tmp_path, cases.CASES[case](size))
    _no_timeout(findings)
    _bounded(findings)
    if case == "spaced_time":
        # The timestamp is found and quoted, cut around its spaces.
        (stamp,) = [f for f in findings if f["check"] == "date-mismatch"]
        message = str(stamp["message"])
        assert "'13:24 " in message and " 05.12.2021'" in message and "…" in message


def test_message_bounded_on_long_line_of_evidence(tmp_path: Path) -> None:
    """200 KB of "it was held on 3 June 2030, ": thousands of past events
    after the declared date make one date-inconsistent finding whose
    message quotes the first ones and counts the rest (before, it quoted
    all of them: hundreds of kilobytes)."""
    findings = _run(tmp_path, cases.make_reported_past(200 * 1024))
    _no_timeout(findings)
    _bounded(findings)
    (finding,) = [f for f in findings if f["check"] == "date-inconsistent"]
    message = str(finding["message"])
    assert finding["path"] == "dated.txt" and finding["line"] == 1
    # What was expected (the declared date) and what was found (the first
    # mentions, with the rule they break), then how many more.
    assert message.startswith("declared 2020-01-01 (INDEX.md:5) but ")
    assert message.count('"it was held on 3 June 2030" (line 1) is reported as past') == 3
    assert "after the declared date (2030-06-03)" in message
    n_more = int(message.split("; and ")[1].split(" more")[0])
    assert n_more > 5000


def test_message_quotes_are_cut(tmp_path: Path) -> None:
    """A phrase longer than the quote bound is cut with an ellipsis, and a
    few hundred mentions still make a short message (in process: this one
    is small)."""
    import provlint

    long_word = "x" * 300
    body = f"It was held {long_word} on 3 June 2030.\n" + (
        "It was held on 4 June 2030.\n" * 300
    )
    files = cases.make_reported_past(10)
    files["dated.txt"] = body.encode("utf-8")
    root = cases.write(files, tmp_path / "corpus")
    report = provlint.run(root, provlint.Config(select=("date-inconsistent",)))
    (finding,) = [f for f in report.findings if f.check == "date-inconsistent"]
    assert len(finding.message) <= MESSAGE_BOUND, finding.message[:500]
    first = finding.message.split('"')[1]
    assert len(first) <= 100 and "…" in first and first.endswith("on 3 June 2030")
    assert "and 298 more from line 4 on" in finding.message
