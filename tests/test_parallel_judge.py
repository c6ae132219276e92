"""Keyed checks judged side by side in forked processes (``--jobs`` > 1,
no store): the same findings and internal errors, in the same order, as
one process; a judging process that dies is its check's internal error."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import provlint
import pytest
from conftest import REPO
from provlint import Emit, Finding, KeyedCheck, Totals, hookimpl

sys.path.insert(0, str(REPO / "benchmarks"))
import gen_corpus

corpus_phase = importlib.import_module("provlint.corpus_phase")

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


class Initials(KeyedCheck):
    """Documents whose ids share their last digit: one finding per group,
    found in a second stage (a judge's Emit), so stages chain in the
    judging process."""

    code = "PJ001"
    name = "initials"
    stages = ("digit", "group")

    def emit(self, doc: provlint.Document) -> Iterator[tuple[tuple[Any, ...], Any]]:
        if doc.doc_id:
            yield ("digit", doc.doc_id[-1]), doc.path

    def judge(
        self, key: tuple[Any, ...], records: Sequence[Any], totals: Totals
    ) -> Iterator[Finding | Emit]:
        if key[0] == "digit":
            yield Emit(("group", key[1]), (len(records), records[0]))
        else:
            count, first = records[0]
            yield self.finding(first, 1, 1, f"{count} of {totals.documents} end in {key[1]}")


class Fragile(Initials):
    """Raises when judging one key: an internal error, reported from the
    judging process."""

    code = "PJ002"
    name = "fragile"
    stages = ("digit",)

    def judge(
        self, key: tuple[Any, ...], records: Sequence[Any], totals: Totals
    ) -> Iterator[Finding]:
        if key[1] == "3":
            raise RuntimeError("cannot judge 3")
        yield self.finding(records[0], 1, 1, f"digit {key[1]}")


class WhoJudges(KeyedCheck):
    """Says which process judged it."""

    code = "PJ003"
    name = "who-judges"
    stages = ("one",)

    def emit(self, doc: provlint.Document) -> Iterator[tuple[tuple[Any, ...], Any]]:
        yield ("one",), doc.path

    def judge(
        self, key: tuple[Any, ...], records: Sequence[Any], totals: Totals
    ) -> Iterator[Finding]:
        yield self.finding(min(records), 1, 1, f"pid {os.getpid()}")


class Dies(WhoJudges):
    """Ends the process that judges it."""

    code = "PJ004"
    name = "dies"

    def judge(
        self, key: tuple[Any, ...], records: Sequence[Any], totals: Totals
    ) -> Iterator[Finding]:
        os._exit(9)


def _plugin(*checks: type) -> ModuleType:
    mod = ModuleType("parallel_judge_checks")

    @hookimpl
    def provlint_register_checks() -> list[type]:
        return list(checks)

    mod.provlint_register_checks = provlint_register_checks  # type: ignore[attr-defined]
    return mod


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Fewer documents than the cache needs: the run has no store.
    root = tmp_path_factory.mktemp("parallel-judge")
    gen_corpus.generate(root, 60, seed=3, defects=0.1)
    (root / gen_corpus.MANIFEST).unlink()
    return root


def _run(corpus: Path, jobs: int, *checks: type) -> provlint.Report:
    cfg = provlint.Config(jobs=jobs)
    return provlint.run(corpus, cfg, plugins=[_plugin(*checks)])


def _shown(report: provlint.Report, without: str = "who-judges") -> list[dict[str, Any]]:
    return [
        json.loads(json.dumps(f.to_dict(), default=str))
        for f in report.findings
        if f.check != without
    ]


def test_judged_side_by_side_as_in_one_process(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = _run(corpus, 1, Initials, Fragile, WhoJudges)
    monkeypatch.setattr(corpus_phase, "PARALLEL_FROM", 0)
    parallel = _run(corpus, 2, Initials, Fragile, WhoJudges)

    assert _shown(parallel) == _shown(serial)
    assert [f.check for f in serial.findings].count("initials") == 10
    (error,) = [f for f in parallel.findings if f.check == "internal-error"]
    assert "'fragile'" in error.message and "cannot judge 3" in error.message
    assert parallel.exit_code == serial.exit_code == 3
    # and the keyed checks were judged in other processes
    (who,) = [f for f in parallel.findings if f.check == "who-judges"]
    assert who.message != f"pid {os.getpid()}"
    (who,) = [f for f in serial.findings if f.check == "who-judges"]
    assert who.message == f"pid {os.getpid()}"


def test_a_judging_process_that_dies_is_its_checks_internal_error(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_phase, "PARALLEL_FROM", 0)
    report = _run(corpus, 2, Initials, Dies)
    errors = [f for f in report.findings if f.check == "internal-error"]
    (error,) = errors
    assert "'dies'" in error.message and "ended the process" in error.message
    assert report.exit_code == 3
    # Every other check is judged: the same findings as a run without it.
    alone = _run(corpus, 2, Initials)
    assert _shown(report, without="internal-error") == _shown(alone, without="internal-error")


def test_small_runs_stay_in_one_process(corpus: Path) -> None:
    report = _run(corpus, 2, WhoJudges)
    (who,) = [f for f in report.findings if f.check == "who-judges"]
    assert who.message == f"pid {os.getpid()}"


class Unsendable(WhoJudges):
    """A finding whose properties cannot be pickled back to the parent."""

    code = "PJ005"
    name = "unsendable"

    def judge(
        self, key: tuple[Any, ...], records: Sequence[Any], totals: Totals
    ) -> Iterator[Finding]:
        yield Finding(
            path=min(records), line=1, column=1, code=self.code, check=self.name,
            severity=provlint.Severity.ERROR, message="m", properties={"f": lambda: 1},
        )  # fmt: skip


def test_findings_that_cannot_come_back_are_an_internal_error(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corpus_phase, "PARALLEL_FROM", 0)
    report = _run(corpus, 2, Initials, Unsendable)
    (error,) = [f for f in report.findings if f.check == "internal-error"]
    assert "'unsendable'" in error.message and "could not be taken" in error.message
    alone = _run(corpus, 2, Initials)
    assert _shown(report, without="internal-error") == _shown(alone, without="internal-error")
