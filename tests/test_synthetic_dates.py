"""The date checks on a labelled synthetic corpus (benchmarks/gen_dated_corpus.py):
per defect kind, precision at least 0.98 and recall at least 0.95."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import load_benchmark

N = 240
SEED = 20240607



gen = load_benchmark("gen_dated_corpus")
ev = load_benchmark("eval_synthetic_dates")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dated") / "corpus"
    gen.generate(root, N, SEED)
    return root


@pytest.fixture(scope="module")
def result(corpus: Path) -> dict[str, Any]:
    res: dict[str, Any] = ev.evaluate(corpus)
    return res


def test_corpus_shape(corpus: Path) -> None:
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    assert len(labels) == N
    counts = {k: sum(1 for v in labels.values() if v == k) for k in (gen.CLEAN, *gen.KINDS)}
    assert 0.5 <= counts[gen.CLEAN] / N <= 0.6
    assert all(counts[k] >= 10 for k in gen.KINDS), counts
    files = sorted(p.name for p in (corpus / "docs").iterdir())
    assert len(files) == N
    texts = [(corpus / "docs" / f).read_text(encoding="utf-8") for f in files]
    assert any(t.startswith("---\n") for t in texts)
    assert any(t.startswith(" date ") for t in texts)
    assert any(not t.startswith(("---\n", " date ")) for t in texts)
    assert "| id | file | title | source | url | date | derived_from |" in (
        corpus / "INDEX.md"
    ).read_text(encoding="utf-8")


def test_generation_is_deterministic(corpus: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    gen.generate(again, N, SEED)
    for name in ("INDEX.md", "labels.json", "corpus.json"):
        assert (again / name).read_bytes() == (corpus / name).read_bytes()
    for p in (corpus / "docs").iterdir():
        assert (again / "docs" / p.name).read_bytes() == p.read_bytes()


@pytest.mark.parametrize("kind", gen.KINDS)
def test_precision_and_recall(result: dict[str, Any], kind: str) -> None:
    k = result["kinds"][kind]
    detail = {
        "misses": {d: result["meta"][d]["evidence"] for d in result["misses"][kind]},
        "false_alarms": {d: result["flagged"][d] for d in result["false_alarms"]},
    }
    assert k["documents"] >= 10
    assert k["recall"] >= 0.95, detail
    assert k["precision"] >= 0.98, detail


def test_false_alarm_rate(result: dict[str, Any]) -> None:
    assert result["false_alarm_rate"] <= 0.02, result["false_alarms"]
