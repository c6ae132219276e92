"""Hostile corpora that used to make the findings, the report or the work
grow faster than the corpus: many copies of one text, derivation cycles
that share documents, documents and catalogues holding one defect
hundreds of thousands of times.

The corpora come from ``benchmarks/hostile_growth_cases.py`` (the same
cases the growth measurements use), at sizes small enough for a test. The
tests check counts and sizes, never timings; a generous subprocess timeout
only guards against a hang.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import provlint
import pytest
from conftest import load_benchmark
from provlint import CorpusCheck, Document, DocumentCheck, Finding, Severity
from provlint.catalogue import parse_catalogue
from provlint.model import Corpus
from provlint.plugins import encoding as enc

cases = load_benchmark("hostile_growth_cases")

MORE = re.compile(r"… and ([\d,]+) more")
FINDINGS_PER_FILE = 50  # provlint.limits.FINDINGS_PER_FILE


def _write(tmp_path: Path, files: dict[str, bytes]) -> Path:
    return cases.write_corpus(files, tmp_path / "corpus")


def _run(root: Path, *select: str) -> provlint.Report:
    return provlint.run(root, provlint.Config(select=select, load_entrypoints=False))


def _cli_json(root: Path) -> tuple[bytes, list[dict[str, Any]]]:
    """The JSON report of a whole ``provlint validate`` run, and its findings."""
    proc = subprocess.run(
        [sys.executable, "-m", "provlint", "validate", ".", "--no-cache", "--format", "json"],
        cwd=root,
        capture_output=True,
        timeout=300,  # a hang guard, not a timing
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")[-2000:]
    return proc.stdout, json.loads(proc.stdout)["findings"]


def _more(message: str) -> int:
    m = MORE.search(message)
    assert m, message
    return int(m.group(1).replace(",", ""))


# --------------------------------------------------------------------------
# duplicate-content: n copies of one text
# --------------------------------------------------------------------------


def test_identical_copies_give_one_finding_per_copy(tmp_path: Path) -> None:
    """300 identical documents: 299 findings (each copy once, against the
    earliest-dated), not 300 * 299 / 2 = 44,850 pair findings."""
    n = 300
    root = _write(tmp_path, cases.make_identical_copies(n))
    found = [f for f in _run(root, "duplicate-content").findings]
    assert len(found) == n - 1
    assert len({f.path for f in found}) == n - 1
    earliest = "docs/d0000000.txt"  # dated 2021-01-01, the earliest
    assert earliest not in {f.path for f in found}
    assert all(f.related[0].path == earliest for f in found)
    assert all(f"{n:,} documents have this text" in f.message for f in found)
    assert max(len(f.message) for f in found) < 400


def test_identical_copies_are_scored_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exact duplicates are grouped by hash before any pair is scored: the
    pairwise comparison sees one document of the group, not 300."""
    from provlint.plugins.duplicate_content import similarity

    seen: list[int] = []
    real = similarity.exact_pairs

    def spy(sets: Any, threshold: float) -> Iterator[Any]:
        seen.append(len(sets))
        return real(sets, threshold)

    monkeypatch.setattr(similarity, "exact_pairs", spy)
    root = _write(tmp_path, cases.make_identical_copies(300))
    _run(root, "duplicate-content")
    assert max(seen, default=0) <= 1  # never more than one document of the group


# --------------------------------------------------------------------------
# derived-from: cycles sharing documents
# --------------------------------------------------------------------------


def test_mutual_derivation_clique_is_one_bounded_finding(tmp_path: Path) -> None:
    """120 documents each derived from all the others: one cycle finding
    (one strongly connected component), not one per cycle met (7,140), and
    its message and related locations stay bounded."""
    n = 120
    root = _write(tmp_path, cases.make_derivation_clique(n))
    cycles = [f for f in _run(root, "derived-from").findings if "cycle" in f.message]
    assert len(cycles) == 1
    (f,) = cycles
    assert f"join {n:,} documents" in f.message
    assert "and 110 more" in f.message
    assert len(f.message) < 600
    assert len(f.related) <= 10


def test_long_derivation_chain_is_one_bounded_finding(tmp_path: Path) -> None:
    """600 documents on one long cycle, each also derived from the first:
    one finding (showing a shortest cycle, d0 -> d1 -> d0) instead of 599
    findings whose chains grow to 600 ids, and a report of bounded size."""
    n = 600
    root = _write(tmp_path, cases.make_derivation_chain(n))
    raw, findings = _cli_json(root)
    cycles = [f for f in findings if f["check"] == "derived-from"]
    assert len(cycles) == 1
    message = cycles[0]["message"]
    assert "d0000000 -> d0000001 -> d0000000" in message
    assert f"join {n:,} documents" in message
    assert len(message) < 600 and len(cycles[0]["related"]) <= 10
    assert len(raw) < 20_000


def test_strongly_connected_is_iterative_and_linear_in_size() -> None:
    """A ring of 200,000 links (far deeper than Python's recursion limit)
    is one component; its shortest cycle through a node is the whole ring."""
    from provlint.plugins.derived_from import shortest_cycle, strongly_connected

    n = 200_000
    graph = {f"n{i}": [f"n{(i + 1) % n}"] for i in range(n)}
    (component,) = strongly_connected(graph)
    assert len(component) == n
    assert len(shortest_cycle(graph, "n0", set(component))) == n


def test_components_apart_are_reported_apart() -> None:
    from provlint.plugins.derived_from import shortest_cycle, strongly_connected

    graph = {"a": ["b"], "b": ["a", "c"], "c": ["d"], "d": ["c"], "e": ["a"]}
    assert sorted(strongly_connected(graph)) == [["a", "b"], ["c", "d"]]
    assert shortest_cycle(graph, "a", {"a", "b"}) == ["a", "b"]


# --------------------------------------------------------------------------
# One defect many times in one file
# --------------------------------------------------------------------------


def _no_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the listing functions fail: the check must count as it scans
    (a list of 2,000,000 (offset, character) tuples was about 110 bytes
    per byte of text)."""

    def listing(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the encoding check listed every occurrence")

    monkeypatch.setattr(enc, "find_controls", listing)
    monkeypatch.setattr(enc, "find_mojibake", listing)


def test_control_counts_match_the_listing_reference() -> None:
    """The counting path (bytes.count, no tuple per character) gives the
    counts of the listing one, joiners and mojibake sequences included."""
    rnd = random.Random(7)
    alphabet = [*"ab A.\n\t", *"\x00\x01\x1b\x7f\x85\x92\x9d\u200b\u200c\u200d\u202e\ufeff"]
    alphabet += [*"éÃÂâ€©ð\u00a0\u2019\u2026\u201d»ï¿"]
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        spans = [(i, i + len(s)) for i, s in enc.find_mojibake(text)]
        listed = Counter(ch for _, ch in enc.find_controls(text, spans))
        inside = Counter(
            ch for _, seq in enc.find_mojibake(text) for ch in seq if "\x80" <= ch <= "\x9f"
        )
        counted = enc.count_controls(text)
        counted.subtract(inside)
        assert +counted == listed, repr(text)


def test_controls_among_mojibake_counted_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document of controls among mojibake that holds C1 controls: each
    kind is one finding with the right count (the C1 controls inside the
    mojibake are not counted as controls). Skipping those used to test
    every control against every mojibake sequence, a check-timeout."""
    _no_lists(monkeypatch)
    files = cases.make_controls_in_mojibake(400_000)
    lines = files["docs/big.txt"].count(b"\n")
    root = _write(tmp_path, files)
    found = _run(root, "encoding", "internal-error").findings
    assert [f.check for f in found] == ["encoding", "encoding"]
    mojibake, controls = sorted(found, key=lambda f: "control" in f.message)
    assert f"mojibake: {2 * lines} sequences" in mojibake.message
    assert f"{3 * lines} control or invisible characters" in controls.message
    assert "U+0085" not in controls.message and "U+009D" not in controls.message


def test_control_character_document_is_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_lists(monkeypatch)
    root = _write(tmp_path, cases.make_control_characters(2_000_000))
    (f,) = _run(root, "encoding", "internal-error").findings
    assert f.check == "encoding"
    assert f.message.startswith("1975000 control or invisible characters (U+0001 control")
    assert (f.line, f.column) == (1, 1) and len(f.message) < 300


def test_mojibake_document_is_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_lists(monkeypatch)
    files = cases.make_mojibake(2_000_000)
    lines = files["docs/big.txt"].count(b"\n")
    root = _write(tmp_path, files)
    (f,) = _run(root, "encoding", "internal-error").findings
    assert f.check == "encoding"
    assert f.message.startswith(f'mojibake: {40 * lines} sequences such as "Ã©" (for "é")')
    assert len(f.message) < 300


def test_catalogue_problems_are_capped() -> None:
    """10,000 rows a cell short: the parser keeps 50 problems and one that
    counts the other 9,950, not 10,000 messages."""
    text = "| id | file | date |\n|---|---|---|\n" + "|---|---|\n" * 10_000
    cat = parse_catalogue(text)
    assert len(cat.rows) == 10_000
    assert len(cat.problems) == FINDINGS_PER_FILE + 1
    closing = cat.problems[-1]
    assert _more(closing.message) == 10_000 - FINDINGS_PER_FILE
    assert closing.line == 3 + FINDINGS_PER_FILE


def test_junk_catalogue_gives_a_bounded_report(tmp_path: Path) -> None:
    """20,000 broken rows naming one id and one file: each check lists at
    most 50 findings on INDEX.md and says how many more there were; the
    JSON report stays small (it was about 2 KB per row)."""
    n = 20_000
    root = _write(tmp_path, cases.make_junk_index(n))
    raw, findings = _cli_json(root)
    # Capped per check and document: the table's problems (no document)
    # apart from the rows' (all about the one id they repeat).
    per_doc = Counter((f["check"], f["doc_id"]) for f in findings if f["path"] == "INDEX.md")
    assert per_doc[("index-schema", None)] == FINDINGS_PER_FILE + 1
    assert per_doc[("index-schema", "---")] == FINDINGS_PER_FILE + 1
    assert per_doc[("duplicate-id", "---")] == FINDINGS_PER_FILE + 1
    assert max(per_doc.values()) <= FINDINGS_PER_FILE + 1
    closing = [f for f in findings if f["message"].startswith("… and ")]
    more = {(f["check"], f["doc_id"]): _more(f["message"]) for f in closing}
    assert more[("duplicate-id", "---")] == n - 1 - FINDINGS_PER_FILE  # every row but the first
    assert more[("index-schema", "---")] >= n - 1 - FINDINGS_PER_FILE
    assert len(raw) < 100_000


# --------------------------------------------------------------------------
# The runner's cap, for any check
# --------------------------------------------------------------------------


class _Noisy(DocumentCheck):
    """Reports every line of a document (a check a plugin might write)."""

    code = "X901"
    name = "noisy-lines"
    severity = Severity.WARNING

    def check_document(self, doc: Document) -> Iterator[Finding]:
        for i, _line in enumerate((doc.text or "").splitlines(), 1):
            severity = Severity.ERROR if i == 500 else None
            yield self.finding(doc.path, i, 1, f"line {i} is noisy", severity=severity)


class _Spread(CorpusCheck):
    """One finding on each of many files: never capped."""

    code = "X902"
    name = "spread"
    severity = Severity.INFO

    def check_corpus(self, corpus: Corpus) -> Iterator[Finding]:
        for i in range(300):
            yield self.finding(f"f{i}.txt", 1, 1, "one finding here")


def test_runner_caps_one_check_on_one_file(provlint_corpus: Any) -> None:
    """1,000 findings of one check on one document: 50 listed and one that
    counts the other 950, where the first of them is, with the most severe
    severity among them (so the exit code does not change)."""
    provlint_corpus.row("a1", "a.txt", source="Wire", date="2021-12-01")
    provlint_corpus.doc("a.txt", body="x\n" * 1000)
    report = provlint_corpus.run(select="noisy-lines", plugins=[_Noisy, _Spread])
    noisy = [f for f in report.findings if f.check == "noisy-lines"]
    assert len(noisy) == FINDINGS_PER_FILE + 1
    (closing,) = [f for f in noisy if f.message.startswith("… and ")]
    assert _more(closing.message) == 1000 - FINDINGS_PER_FILE
    assert closing.line == FINDINGS_PER_FILE + 1 and closing.path == "a.txt"
    assert closing.severity is Severity.ERROR and report.exit_code == 1
    assert f"line {FINDINGS_PER_FILE + 1} is noisy" in closing.message


def test_runner_cap_is_per_file(provlint_corpus: Any) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire", date="2021-12-01")
    provlint_corpus.doc("a.txt")
    report = provlint_corpus.run(select="spread", plugins=[_Spread])
    assert len([f for f in report.findings if f.check == "spread"]) == 300


# --------------------------------------------------------------------------
# The measurement cases themselves
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_every_case_is_a_corpus(name: str) -> None:
    small = cases.CASES[name](200)
    bigger = cases.CASES[name](400)
    assert "INDEX.md" in small and all(isinstance(v, bytes) for v in small.values())
    assert sum(map(len, bigger.values())) > sum(map(len, small.values()))
