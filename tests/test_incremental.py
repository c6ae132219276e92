"""Incremental runs give exactly the output of cold runs.

A property test (hypothesis): a small corpus that exercises every keyed
check (shared ids, derivation links and cycles, identical and near-identical
texts, page residue repeated across documents, stories with outliers,
missing files and files no row names, linked as renames by their digest or
name) goes through a random sequence of edits, additions, deletions,
renames and moves, INDEX.md changes (an unescaped '|' in a cell among
them). After every step, a run with the store (re-emitting only
what changed, re-judging only the keys it touched) must report exactly what
a cold run without a store reports: the same findings, the same
suppressions. Each check's other modes (LSH bands, rare-name buckets) are
forced by options and module constants, so they are covered too.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import provlint
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provlint import runner
from provlint.config import Config

WORDS = (
    "minister council harbour bridge budget vote strike railway summit ferry market talks "
    "court ruling storm flood election museum library festival treaty border river"
).split()
NAMES = (
    "Ardmore Belvin Corrask Dunmere Elwick Farrow Galloway Hestin Ilbury Jorvik Kestrel "
    "Lanmoor Morvane Nettleby"
).split()
RESIDUE = ["Subscribe to our newsletter", "Share this story", "Read more", "Cookie settings"]
# Short lines a site repeats on its pages, which the line classifier keeps:
# duplicate-content leaves them out once three texts of one site have them.
TEASERS = [
    "What the council said about the harbour plan",
    "How the island ferry got its name in the end",
]


def _text(seed: int, story: int, residue: bool) -> str:
    """A body of about 60 words: a story's names (so documents of one story
    share them), words chosen by ``seed``, and page residue when asked."""
    names = NAMES[story % 5 : story % 5 + 7]
    words = [WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(50)]
    sentences = []
    for i in range(0, 50, 10):
        k = i // 10
        sentences.append(
            f"Reports from {names[k]}, {names[k + 1]} and {names[k + 2]} say "
            + " ".join(words[i : i + 10])
            + "."
        )
    body = "\n\n".join(sentences)
    if story % 2 == 0:
        body += "\n\nThe summit was held on 20 March 2021 and the vote followed."
    if residue:
        body = "\n".join(RESIDUE) + "\n\n" + body + "\n\n" + "\n".join(RESIDUE + TEASERS)
    return body + "\n"


class Corpus:
    """A corpus on disk with an INDEX.md kept in step with ``self.rows``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rows: list[dict[str, str]] = []
        self.clock = 1_700_000_000_000_000_000

    def write_doc(self, name: str, text: str) -> None:
        path = self.root / name
        path.write_text(text, encoding="utf-8")
        self.clock += 10_000_000  # every write is a new modification time
        os.utime(path, ns=(self.clock, self.clock))

    def write_index(self) -> None:
        lines = [
            "| id | file | source | url | date | derived_from | sha256 |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in self.rows:
            lines.append(
                f"| {r['id']} | {r['file']} | {r.get('source', 'Wire')} | {r.get('url', '')} "
                f"| {r['date']} | {r.get('derived', '')} | {r.get('sha', '')} |"
            )
        self.write_doc("INDEX.md", "\n".join(lines) + "\n")

    def add(self, n: int, seed: int, story: int, day: int, residue: bool, derived: str) -> None:
        name = f"d{n}.txt"
        text = _text(seed, story, residue)
        self.write_doc(name, text)
        row = {
            "id": f"i{n % 7}",
            "file": name,
            "date": f"2021-03-{day:02d}",
            "derived": derived,
            "url": f"https://{('north', 'south')[n % 2]}.example/news/{name}",
        }
        if n % 2 == 0:  # the digest as catalogued: a renamed file is found by it
            row["sha"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.rows.append(row)


OPS = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 30), st.integers(0, 40), st.booleans()),
    st.tuples(st.just("same"), st.integers(0, 30)),  # a touch: same bytes, new time
    st.tuples(st.just("add"), st.integers(0, 40), st.integers(0, 3), st.integers(1, 28)),
    st.tuples(st.just("delete"), st.integers(0, 30), st.booleans()),
    st.tuples(st.just("rename"), st.integers(0, 30), st.booleans(), st.booleans()),
    st.tuples(st.just("pipe"), st.integers(0, 30)),  # an unescaped '|' in a cell, or not
    st.tuples(st.just("row"), st.integers(0, 30), st.integers(1, 28), st.integers(0, 9)),
    st.tuples(st.just("link"), st.integers(0, 30), st.integers(0, 9)),
    st.tuples(st.just("swap"), st.integers(0, 30)),
)


def _apply(c: Corpus, op: tuple[Any, ...], counter: list[int]) -> None:
    kind = op[0]
    if kind == "add":
        counter[0] += 1
        c.add(counter[0], op[1], op[2], op[3], op[1] % 3 == 0, "")
        c.write_index()
        return
    if not c.rows:
        return
    row = c.rows[op[1] % len(c.rows)]
    if kind == "edit":
        c.write_doc(row["file"], _text(op[2], op[2] % 4, op[3]))
    elif kind == "same":
        path = c.root / row["file"]
        if path.exists():
            c.write_doc(row["file"], path.read_text(encoding="utf-8"))
    elif kind == "delete":
        (c.root / row["file"]).unlink(missing_ok=True)
        if op[2]:
            c.rows.remove(row)
            c.write_index()
    elif kind == "rename":
        old = c.root / row["file"]
        if old.exists():
            counter[0] += 1
            # A new name, or the same name in another folder.
            new = f"moved{counter[0]}/{old.name}" if op[3] else f"r{counter[0]}.txt"
            (c.root / new).parent.mkdir(exist_ok=True)
            old.rename(c.root / new)
            if op[2]:
                row["file"] = new
                c.write_index()
    elif kind == "row":
        row["date"] = f"2021-{(op[2] % 12) + 1:02d}-{op[2]:02d}"
        row["id"] = f"i{op[3]}"
        c.write_index()
    elif kind == "pipe":
        row["source"] = "Wire" if "|" in row.get("source", "") else "Wire | Ledger"
        c.write_index()
    elif kind == "link":
        row["derived"] = f"i{op[2]}"
        c.write_index()
    elif kind == "swap":
        i = op[1] % len(c.rows)
        c.rows.insert(0, c.rows.pop(i))
        c.write_index()


MODES = {
    "exact": {},
    "large": {"duplicate-content": {"exact-limit": 0}},
}


def _config(tmp: Path, mode: str, cache: bool) -> Config:
    return Config(
        load_entrypoints=False,
        jobs=1,
        cache=cache,
        cache_dir=tmp / "store",
        check_options={k: dict(v) for k, v in MODES[mode].items()},
    )


def _outcome(report: provlint.Report) -> tuple[Any, ...]:
    return report.findings, report.suppressed, report.exit_code


@pytest.mark.parametrize("mode", sorted(MODES))
@settings(
    max_examples=int(os.environ.get("PROVLINT_PROPERTY_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(OPS, min_size=1, max_size=7), st.integers(6, 14))
def test_incremental_equals_cold(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    ops: list[tuple[Any, ...]],
    start: int,
) -> None:
    _replay(tmp_path_factory.mktemp("inc"), monkeypatch, mode, ops, start)


@pytest.mark.parametrize(
    ("mode", "start", "ops"),
    [
        # A file renamed away (its row kept, so the row's file is missing)
        # comes back with the same content: it must be read again, not
        # taken from the result kept before it went missing.
        ("large", 6, [("rename", 0, False, False), ("edit", 0, 0, True)]),
        ("large", 9, [("swap", 25), ("rename", 12, False, False), ("edit", 1, 0, True)]),
        # A row whose file is missing, then the row removed: the records of
        # the document (never kept as a result) leave the keyed index.
        ("exact", 6, [("delete", 0, False), ("delete", 0, True)]),
        ("exact", 6, [("rename", 0, False, False), ("delete", 0, True)]),
    ],
)
def test_incremental_equals_cold_on_known_sequences(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    start: int,
    ops: list[tuple[Any, ...]],
) -> None:
    """Sequences the property test found, replayed on every run."""
    _replay(tmp_path, monkeypatch, mode, ops, start)


def _replay(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, mode: str, ops: list[tuple[Any, ...]], start: int
) -> None:
    """Build the starting corpus, then apply ``ops`` one by one: after each,
    a run with the store must report what a cold run reports."""
    from provlint.plugins import date_inconsistent

    monkeypatch.setattr(runner, "CACHE_FROM", 0)  # the store from the first document
    if mode == "large":
        monkeypatch.setattr(date_inconsistent, "_EXACT_UP_TO", 0)  # rare-name buckets
    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(tmp / "key"))
    root = tmp / "corpus"
    root.mkdir()
    c = Corpus(root)
    for n in range(start):
        day = 1 + (n % 4) * 7 + n % 3  # a story's documents within days of each other
        c.add(n, n * 5 % 11, n % 4, day, n % 3 == 0, f"i{(n + 2) % 7}" if n % 4 else "")
    c.write_doc(f"d{start}.txt", _text(1, 1, False))  # an exact copy of d1's text
    c.rows.append({"id": f"i{start}", "file": f"d{start}.txt", "date": "2021-05-01"})
    c.write_doc("outlier.txt", _text(8, 0, False))  # story 0, dated months away
    c.rows.append({"id": "far", "file": "outlier.txt", "date": "2021-09-01"})
    c.write_index()
    counter = [start + 1]
    warm = provlint.run(root, _config(tmp, mode, True))
    assert _outcome(warm) == _outcome(provlint.run(root, _config(tmp, mode, False)))
    for op in ops:
        _apply(c, op, counter)
        cold = provlint.run(root, _config(tmp, mode, False))
        warm = provlint.run(root, _config(tmp, mode, True))
        assert "cache_problem" not in warm.stats, warm.stats
        assert _outcome(warm) == _outcome(cold), op


def _derivation_corpus(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Corpus]:
    """Three rows: a and c derived from b, which is dated after both."""
    monkeypatch.setattr(runner, "CACHE_FROM", 0)
    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(tmp / "key"))
    root = tmp / "corpus"
    root.mkdir()
    c = Corpus(root)
    for n in range(3):
        c.write_doc(f"d{n}.txt", _text(n * 3, n, False))
    c.rows = [
        {"id": "a", "file": "d0.txt", "date": "2021-03-01", "derived": "b"},
        {"id": "b", "file": "d1.txt", "date": "2021-03-05"},
        {"id": "c", "file": "d2.txt", "date": "2021-03-02", "derived": "b"},
    ]
    return root, c


def _derived(report: provlint.Report) -> list[str]:
    return [f.properties["problem"] for f in report.findings if f.check == "derived-from"]


def test_a_document_never_kept_leaves_the_keyed_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row whose file does not exist is a document whose result the store
    does not keep, but whose records (its id) reach the keyed index: when
    the row goes, its id must go too, and the links to it become links to
    an unknown id, as in a cold run."""
    root, c = _derivation_corpus(tmp_path, monkeypatch)
    (root / "d1.txt").unlink()
    c.write_index()
    first = provlint.run(root, _config(tmp_path, "exact", True))
    assert _derived(first) == ["origin-later", "origin-later"]
    del c.rows[1]
    c.write_index()
    cold = provlint.run(root, _config(tmp_path, "exact", False))
    warm = provlint.run(root, _config(tmp_path, "exact", True))
    assert _outcome(warm) == _outcome(cold)
    assert _derived(warm) == ["unknown-id", "unknown-id"]


def test_a_file_that_comes_back_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file moved away (its row kept: a missing file) and moved back
    unchanged is read again: the store forgot the result it kept for it
    while the keyed index took the missing document's records."""
    root, c = _derivation_corpus(tmp_path, monkeypatch)
    c.write_index()
    first = provlint.run(root, _config(tmp_path, "exact", True))
    (root / "d1.txt").rename(root / "away.txt")
    away = provlint.run(root, _config(tmp_path, "exact", True))
    assert [f.check for f in away.findings if f.check in ("missing-file", "unindexed-file")] == [
        "missing-file",
        "unindexed-file",
    ]
    (root / "away.txt").rename(root / "d1.txt")
    cold = provlint.run(root, _config(tmp_path, "exact", False))
    warm = provlint.run(root, _config(tmp_path, "exact", True))
    assert _outcome(warm) == _outcome(cold) == _outcome(first)
    assert warm.stats["cached"] == 2


def test_the_store_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The property above means something only if the warm runs reuse."""
    monkeypatch.setattr(runner, "CACHE_FROM", 0)
    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(tmp_path / "key"))
    root = tmp_path / "corpus"
    root.mkdir()
    c = Corpus(root)
    for n in range(8):
        c.add(n, n, n % 4, n + 1, n == 0, "")
    c.write_index()
    provlint.run(root, _config(tmp_path, "exact", True))
    c.write_doc("d3.txt", _text(30, 2, True))
    again = provlint.run(root, _config(tmp_path, "exact", True))
    assert again.stats["cached"] == 7


def test_a_large_run_without_the_cache_keeps_its_records_in_a_temporary_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From STREAM_FROM documents a run without the cache judges from a
    temporary store (bounded memory): the same findings as in memory, and
    nothing written in the corpus or the user's cache folder."""
    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(tmp_path / "never" / "key"))
    root = tmp_path / "corpus"
    root.mkdir()
    c = Corpus(root)
    for n in range(12):
        c.add(n, n * 5 % 11, n % 4, 1 + (n % 4) * 7 + n % 3, n % 5 == 0, f"i{(n + 2) % 7}")
    c.write_index()
    before = sorted(p.name for p in root.iterdir())
    in_memory = provlint.run(root, _config(tmp_path, "exact", False))
    monkeypatch.setattr(runner, "STREAM_FROM", 0)
    streamed = provlint.run(root, _config(tmp_path, "exact", False))
    assert _outcome(streamed) == _outcome(in_memory)
    assert len(in_memory.findings) > 10
    assert sorted(p.name for p in root.iterdir()) == before
    assert not (tmp_path / "never").exists() and not (tmp_path / "store").exists()


def test_a_check_that_emitted_nothing_before_is_judged_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """missing-file and unindexed-file emit nothing while every row has its
    file and every file its row: the first missing file after such a run
    must still be judged (and linked to its renamed file), as a cold run
    does."""
    monkeypatch.setattr(runner, "CACHE_FROM", 0)
    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(tmp_path / "key"))
    root = tmp_path / "corpus"
    root.mkdir()
    c = Corpus(root)
    for n in range(6):
        c.add(n, n, n % 4, n + 1, False, "")
    c.write_index()
    first = provlint.run(root, _config(tmp_path, "exact", True))
    assert not [f for f in first.findings if f.check in ("missing-file", "unindexed-file")]
    (root / "d2.txt").rename(root / "renamed.txt")  # d2's row carries its sha256
    cold = provlint.run(root, _config(tmp_path, "exact", False))
    warm = provlint.run(root, _config(tmp_path, "exact", True))
    assert _outcome(warm) == _outcome(cold)
    (link,) = [f for f in warm.findings if f.check == "missing-file"]
    assert "renamed to 'renamed.txt'?" in link.message
    assert [r.path for r in link.related] == ["d2.txt", "renamed.txt"]
    assert not [f for f in warm.findings if f.check == "unindexed-file"]
