"""The document store: light documents streamed through a temporary file
give the corpus checks exactly what the in-memory list gives them."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_benchmark
from provlint import store as store_mod
from provlint.config import Config
from provlint.model import Document
from provlint.runner import run
from provlint.store import DocumentStore

gen_corpus = load_benchmark("gen_corpus")


def _docs(n: int) -> list[Document]:
    return [Document(path=f"d/{i:04d}.md", size=i, summary={"k": [i] * (i % 7)}) for i in range(n)]


@pytest.mark.parametrize("stream", [False, True])
def test_store_is_a_sequence(stream: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards: iteration (nested, interleaved), indexing and slicing agree
    with a list, across the chunk boundary of the streamed reader."""
    monkeypatch.setattr(store_mod, "CHUNK", 256)  # many chunks for few documents
    docs = _docs(120)
    store = DocumentStore(stream=stream)
    for d in docs:
        store.append(d)
    assert len(store) == 120
    assert list(store) == docs
    assert [(a.path, b.path) for a in store for b in store][:3] == [
        (docs[0].path, docs[0].path),
        (docs[0].path, docs[1].path),
        (docs[0].path, docs[2].path),
    ]
    assert list(zip(store, store, strict=True)) == list(zip(docs, docs, strict=True))
    assert store[0] == docs[0] and store[-1] == docs[-1] and store[57] == docs[57]
    assert list(store[10:20:3]) == docs[10:20:3]
    with pytest.raises(IndexError):
        store[120]
    store.append(Document(path="late.md"))  # appending after reading
    assert store[-1].path == "late.md" and len(list(store)) == 121
    store.close()


def test_streamed_corpus_gives_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guards: every corpus check (duplicates, stories, ids, derived_from,
    residue, encoding) gives the same findings when the light documents come
    from disk, read once per pass."""
    root = tmp_path / "corpus"
    gen_corpus.generate(root, n=400, seed=5, defects=0.05)
    in_memory = run(root, Config(jobs=1))
    monkeypatch.setattr(store_mod, "STREAM_FROM", 0)
    streamed = run(root, Config(jobs=1))
    assert in_memory.findings, "the corpus has injected defects"
    assert streamed.findings == in_memory.findings
