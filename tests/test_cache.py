"""The result cache (core/cache.py) and the parallel document phase (core/runner.py).

Every test works on a copy of a generated corpus (benchmarks/gen_corpus.py) in
its own temporary folder, with the per-user cache key in a temporary file
(PROVLINT_CACHE_KEY_FILE), so the real home folder is never touched. The
output of a warm run is always compared with the output of a cold
``--no-cache`` run on the same corpus: the cache may make a run faster, never
different.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO
from provlint import execution, runner
from provlint.cache import CACHE_DIR_NAME
from provlint.cli import main
from provlint.config import Config
from provlint.runner import CACHE_FROM, Report, run

sys.path.insert(0, str(REPO / "benchmarks"))
import gen_corpus

BIG = 600  # >= 2 * runner.BATCH: with --jobs 2 the document phase runs in a pool
SMALL = 150  # above CACHE_FROM, small enough to check quickly
SEED = 7

# One document of each corpus that gen_corpus leaves without a defect.
PLAIN_DOC = "docs/0000/doc-0000010.md"
PLAIN_ID = "doc-0000010"

_COLD: dict[str, str] = {}
"""Cold ``--no-cache`` JSON output of the untouched corpora, by name."""


# --------------------------------------------------------------------------
# Fixtures and helpers
# --------------------------------------------------------------------------


def _generate(folder: Path, n: int) -> Path:
    manifest = gen_corpus.generate(folder, n, seed=SEED, defects=0.02)
    assert PLAIN_ID not in manifest["defective_ids"]
    (folder / gen_corpus.MANIFEST).unlink()  # not a document; keep the corpus minimal
    return folder


@pytest.fixture(scope="module")
def big_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine 600-document corpus (never modified: tests copy it)."""
    return _generate(tmp_path_factory.mktemp("big") / "corpus", BIG)


@pytest.fixture(scope="module")
def small_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pristine 150-document corpus (never modified: tests copy it)."""
    return _generate(tmp_path_factory.mktemp("small") / "corpus", SMALL)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Key file and XDG cache in tmp_path; tmp_path as the working folder."""
    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(tmp_path / "keys" / "cache-key"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("CI", "1")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def reports(monkeypatch: pytest.MonkeyPatch) -> list[Report]:
    """Every Report the runner makes during the test, CLI runs included."""
    made: list[Report] = []
    original = runner.run_target

    def spy(*args: Any, **kwargs: Any) -> Report:
        report = original(*args, **kwargs)
        made.append(report)
        return report

    monkeypatch.setattr(runner, "run_target", spy)
    return made


def _copy(src: Path, tmp_path: Path) -> Path:
    """A writable copy at tmp_path/corpus (so displayed paths read corpus/...)."""
    dst = tmp_path / "corpus"
    shutil.copytree(src, dst)
    return dst


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``provlint validate --format json`` in this process: (exit code, stdout, stderr)."""
    code = main(["validate", "--no-entry-points", "--no-progress", "--format", "json", *args])
    out, err = capsys.readouterr()
    return code, out, err


def cold(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> str:
    """The JSON output of a cold run that neither reads nor writes a cache."""
    code, out, err = cli(capsys, "--no-cache", *args, str(root))
    assert code in (0, 1), err
    return out


def cold_pristine(capsys: pytest.CaptureFixture[str], root: Path) -> str:
    """``cold`` for an unmodified copy of a generated corpus, computed once per size."""
    key = str(sum(1 for _ in root.glob("docs/*/*.md")))
    if key not in _COLD:
        _COLD[key] = cold(capsys, root)
    return _COLD[key]


def lib(root: Path, **changes: Any) -> Report:
    """The library API on ``root`` without entry-point plugins."""
    return run(root, Config(load_entrypoints=False, **changes))


def cache_folder(root: Path) -> Path:
    return root / str(CACHE_DIR_NAME)


def databases(folder: Path) -> list[Path]:
    return sorted(folder.glob("store-*.sqlite"))


def only_database(root: Path) -> Path:
    dbs = databases(cache_folder(root))
    assert len(dbs) == 1, dbs
    return dbs[0]


def rows(db: Path) -> int:
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count: int = con.execute("SELECT count(*) FROM docs").fetchone()[0]
    con.close()
    return count


def codes_for(output: str, doc_id: str) -> list[str]:
    return [f["code"] for f in json.loads(output)["findings"] if f.get("doc_id") == doc_id]


def edit_row(root: Path, doc_id: str, change: Callable[[list[str]], None]) -> None:
    """Rewrite the INDEX.md row of ``doc_id``; ``change`` edits its cells
    (id, file, title, source, url, date, sha256) in place."""
    index = root / "INDEX.md"
    lines = index.read_text(encoding="utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith(f"| {doc_id} |"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            change(cells)
            lines[i] = "| " + " | ".join(cells) + " |"
            break
    else:
        raise AssertionError(f"no row for {doc_id}")
    index.write_text("\n".join(lines), encoding="utf-8")


# --------------------------------------------------------------------------
# 1. Parallel runner
# --------------------------------------------------------------------------


def test_jobs_1_and_2_give_identical_output(
    big_src: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Guards: the forked pool gives exactly the in-process result (same bytes,
    same order), and --jobs 2 on 600 documents really uses a 2-process pool."""
    root = _copy(big_src, tmp_path)
    pools: list[int] = []
    original = execution.run_pool

    def spy(engine: Any, todo: list[Any], workers: int) -> Iterator[list[bytes]]:
        pools.append(workers)
        batches: Iterator[list[bytes]] = original(engine, todo, workers)
        return batches

    monkeypatch.setattr(execution, "run_pool", spy)
    code1, out1, err1 = cli(capsys, "--jobs", "1", "--no-cache", str(root))
    assert pools == [], "--jobs 1 must not start a pool"
    code2, out2, err2 = cli(capsys, "--jobs", "2", "--no-cache", str(root))
    assert pools == [2]
    assert (code1, code2) == (1, 1), err1 + err2
    assert out1 == out2
    summary = json.loads(out1)["summary"]
    assert summary["documents"] == BIG
    assert summary["findings"] == 12  # 2 % of 600: 4 of each injected defect

    report = lib(root, jobs=2)
    assert report.stats["jobs"] == 2
    assert report.stats["cached"] == 0
    from_json = [(f["code"], f["line"], f["message"]) for f in json.loads(out1)["findings"]]
    assert [(f.code, f.line, f.message) for f in report.findings] == from_json
    assert not cache_folder(root).exists()  # the library default is no cache


# --------------------------------------------------------------------------
# 2. Cold and warm runs
# --------------------------------------------------------------------------


def test_warm_run_reuses_every_document(
    big_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """Guards: the first run writes a tagged, git-ignored cache with one
    database; the second reuses all 600 entries and reports exactly the same."""
    root = _copy(big_src, tmp_path)
    code_cold, out_cold, _ = cli(capsys, "--jobs", "2", str(root))
    assert reports[-1].stats["cached"] == 0
    assert reports[-1].stats["jobs"] == 2
    folder = cache_folder(root)
    tag = (folder / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert "*" in (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert rows(only_database(root)) == BIG  # entries written by the pool's results

    code_warm, out_warm, _ = cli(capsys, "--jobs", "2", str(root))
    assert reports[-1].stats["cached"] == BIG
    assert reports[-1].stats["jobs"] == 1  # nothing left to do: no pool
    assert (code_warm, out_warm) == (code_cold, out_cold)

    # The library API: same database, same Finding tuples as the cold run.
    fresh = reports[0]
    warm = lib(root, cache=True, jobs=2)
    assert warm.stats["cached"] == BIG
    assert len(fresh.findings) == 12
    assert warm.findings == fresh.findings
    assert warm.suppressed == fresh.suppressed
    assert warm.exit_code == fresh.exit_code == 1
    assert len(databases(cache_folder(root))) == 1


def test_a_restricted_warm_run_reads_only_the_named_results(
    big_src: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Guards: a run restricted to some files (the pre-commit hook's)
    loads the kept results of those files alone, and reports exactly what
    the whole run reports on them and on the INDEX.md rows naming them."""
    from provlint.cache import Store

    root = _copy(big_src, tmp_path)
    code, out, _ = cli(capsys, str(root))
    assert code == 1
    whole = json.loads(out)["findings"]
    # Files with a finding of their own, or named by a row with one.
    by_id = {f["doc_id"]: f["path"] for f in whole if f["path"].startswith("corpus/docs/")}
    named = [*sorted(set(by_id.values()))[:3], "corpus/" + PLAIN_DOC]
    loaded: list[str] = []
    original = Store.result

    def spy(self: Store, path: str) -> Any:
        loaded.append(path)
        return original(self, path)

    monkeypatch.setattr(Store, "result", spy)
    code_r, out_r, _ = cli(capsys, *(str(tmp_path / n) for n in named))
    assert sorted(loaded) == sorted(n.removeprefix("corpus/") for n in named)
    expected = [
        f
        for f in whole
        if f["path"] in named
        or (f["path"] == "corpus/INDEX.md" and by_id.get(f["doc_id"]) in named)
    ]
    got = json.loads(out_r)["findings"]
    assert got == expected and len(got) >= 3
    assert code_r == (1 if expected else 0)


# --------------------------------------------------------------------------
# 3-4. Invalidation by file and by INDEX.md row
# --------------------------------------------------------------------------


def test_changed_and_touched_documents_are_checked_again(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """Guards: a changed document (new bytes) is re-checked; a touched one
    (same bytes, new mtime, as after a fresh clone) is recognised by its
    content digest and reused; every other document comes from the cache."""
    root = _copy(small_src, tmp_path)
    _, before, _ = cli(capsys, str(root))
    assert "PV108" not in codes_for(before, PLAIN_ID)

    doc = root / PLAIN_DOC
    with doc.open("a", encoding="utf-8") as fh:
        fh.write("A line added after the digest in INDEX.md was taken.\n")
    code, out, _ = cli(capsys, str(root))
    assert reports[-1].stats["cached"] == SMALL - 1
    assert "PV108" in codes_for(out, PLAIN_ID)  # checksum-mismatch: the new bytes were read
    assert out == cold(capsys, root)
    assert code == 1

    st = doc.stat()
    os.utime(doc, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    _, touched, _ = cli(capsys, str(root))
    assert reports[-1].stats["cached"] == SMALL
    assert touched == out


def test_changed_index_row_invalidates_its_document(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """Guards: a document's entry depends on its INDEX.md row: a new date in
    the row re-checks that document (date-mismatch appears), and only it."""
    root = _copy(small_src, tmp_path)
    _, before, _ = cli(capsys, str(root))
    assert "PV201" not in codes_for(before, PLAIN_ID)

    def later(cells: list[str]) -> None:
        cells[5] = (date.fromisoformat(cells[5]) + timedelta(days=30)).isoformat()

    edit_row(root, PLAIN_ID, later)
    _, out, _ = cli(capsys, str(root))
    assert reports[-1].stats["cached"] == SMALL - 1
    assert "PV201" in codes_for(out, PLAIN_ID)
    assert out == cold(capsys, root)


# --------------------------------------------------------------------------
# 5. Configuration
# --------------------------------------------------------------------------


def test_other_configuration_uses_other_database(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """Guards: results are never reused across configurations: a check option
    in provlint.toml and a --select each select a database of their own."""
    root = _copy(small_src, tmp_path)
    cli(capsys, str(root))
    assert len(databases(cache_folder(root))) == 1

    (root / "provlint.toml").write_text('[check.date-mismatch]\nseverity = "warning"\n')
    _, out, _ = cli(capsys, str(root))
    assert reports[-1].stats["cached"] == 0
    assert len(databases(cache_folder(root))) == 2
    severities = {f["severity"] for f in json.loads(out)["findings"] if f["code"] == "PV201"}
    assert severities == {"warning"}  # not the cached "error"
    assert out == cold(capsys, root)

    _, selected, _ = cli(capsys, "--select", "PV108", str(root))
    assert reports[-1].stats["cached"] == 0
    assert len(databases(cache_folder(root))) == 3
    assert {f["code"] for f in json.loads(selected)["findings"]} == {"PV108"}
    assert selected == cold(capsys, root, "--select", "PV108")


# --------------------------------------------------------------------------
# 6-8. Damaged, tampered and hostile caches
# --------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_database_is_rebuilt(
    damage: str,
    small_src: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    reports: list[Report],
) -> None:
    """Guards: a database that is not SQLite (or is cut short) costs a cold
    run, never a crash or a wrong result, and is rebuilt with every entry."""
    root = _copy(small_src, tmp_path)
    expected = cold_pristine(capsys, root)
    cli(capsys, str(root))
    db = only_database(root)
    if damage == "garbage":
        db.write_bytes(b"this is not an SQLite database\n" * 512)
    else:
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2])

    code, out, err = cli(capsys, str(root))
    assert code == 1
    assert "Traceback" not in err and "internal error" not in err
    assert out == expected
    assert reports[-1].stats["cached"] == 0
    assert only_database(root) == db
    assert rows(db) == SMALL

    cli(capsys, str(root))
    assert reports[-1].stats["cached"] == SMALL


def _pick_paths(db: Path) -> tuple[str, str]:
    with sqlite3.connect(db) as con:
        paths = [r[0] for r in con.execute("SELECT path FROM docs ORDER BY path")]
    con.close()
    return PLAIN_DOC, next(p for p in paths if p != PLAIN_DOC)


@pytest.mark.parametrize("tamper", ["other-pickle", "other-row", "signature"])
def test_tampered_entry_is_not_used(
    tamper: str,
    small_src: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    reports: list[Report],
) -> None:
    """Guards: an entry that is not a result of its own document is a miss
    (another valid pickle, another row's result), and a database whose
    signature does not verify with this user's key is not used at all."""
    root = _copy(small_src, tmp_path)
    expected = cold_pristine(capsys, root)
    cli(capsys, str(root))
    db = only_database(root)
    victim, donor = _pick_paths(db)
    with sqlite3.connect(db) as con:
        (blob,) = con.execute("SELECT result FROM docs WHERE path = ?", (donor,)).fetchone()
        if tamper == "other-pickle":
            con.execute(
                "UPDATE docs SET result = ? WHERE path = ?", (pickle.dumps(("x", [])), victim)
            )
        elif tamper == "other-row":
            con.execute("UPDATE docs SET result = ? WHERE path = ?", (blob, victim))
        else:
            con.execute("UPDATE meta SET value = ? WHERE name = 'mac'", (b"forged" * 8,))
    con.close()

    code, out, _ = cli(capsys, str(root))
    assert reports[-1].stats["cached"] == (0 if tamper == "signature" else SMALL - 1)
    assert (code, out) == (1, expected)


def test_entries_signed_with_another_key_are_not_used(
    small_src: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    reports: list[Report],
) -> None:
    """Guards: the MAC key is per user: a cache written under another key
    (another user, a cloned repository) is not reused at all."""
    root = _copy(small_src, tmp_path)
    expected = cold_pristine(capsys, root)
    cli(capsys, str(root))
    first_key = tmp_path / "keys" / "cache-key"
    assert len(first_key.read_bytes()) >= 32
    assert first_key.stat().st_mode & 0o077 == 0  # created private

    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(tmp_path / "other" / "cache-key"))
    _, out, _ = cli(capsys, str(root))
    assert reports[-1].stats["cached"] == 0
    assert out == expected
    assert (tmp_path / "other" / "cache-key").read_bytes() != first_key.read_bytes()


class _OpenOnLoad:
    """Unpickling this creates the file ``target`` (a stand-in for any code)."""

    def __init__(self, target: Path) -> None:
        self.target = str(target)

    def __reduce__(self) -> tuple[Any, ...]:
        return (open, (self.target, "w"))


@pytest.mark.parametrize("where", ["result", "payload"])
def test_hostile_pickle_is_never_loaded(
    where: str,
    small_src: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    reports: list[Report],
) -> None:
    """Guards: a pickle that would run code (as a tampered database could
    hold), in a document's result or in the keyed index, is refused by the
    store's unpickler: its code never runs, and the run's output is right."""
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_OpenOnLoad(probe))).close()
    assert probe.exists(), "the payload must be live for this test to mean anything"

    root = _copy(small_src, tmp_path)
    cli(capsys, str(root))
    pwned = tmp_path / "PWNED"
    hostile = pickle.dumps(_OpenOnLoad(pwned))
    db = only_database(root)
    with sqlite3.connect(db) as con:  # signature kept, blobs replaced
        if where == "result":
            con.execute("UPDATE docs SET result = ?", (hostile,))
        else:
            con.execute("UPDATE srcs SET records = ? WHERE records IS NOT NULL", (hostile,))
    con.close()
    (root / PLAIN_DOC).write_text("A changed document, so that the index is read.\n")
    expected = cold(capsys, root)

    code, out, _ = cli(capsys, str(root))
    assert not pwned.exists()
    assert (code, out) == (1, expected)


# --------------------------------------------------------------------------
# 9. When there is no cache
# --------------------------------------------------------------------------


def test_no_cache_writes_nothing(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """Guards: --no-cache neither creates the cache folder nor the user key."""
    root = _copy(small_src, tmp_path)
    cold(capsys, root)
    assert reports[-1].stats["cached"] == 0
    assert not cache_folder(root).exists()
    assert not (tmp_path / "keys").exists()


def test_small_corpus_never_uses_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Guards: CACHE_FROM: 99 documents run without a cache, 100 with one."""
    below = _generate(tmp_path / "below", CACHE_FROM - 1)
    at = _generate(tmp_path / "at", CACHE_FROM)
    cli(capsys, str(below))
    cli(capsys, str(below))
    assert not cache_folder(below).exists()
    assert not (tmp_path / "keys").exists()
    cli(capsys, str(at))
    assert rows(only_database(at)) == CACHE_FROM


# --------------------------------------------------------------------------
# 10. provlint cache clear / dir
# --------------------------------------------------------------------------


def test_cache_clear_and_dir(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Guards: `cache dir` prints the folder, `cache clear` removes it and
    says so, and a second clear reports there is nothing to remove."""
    root = _copy(small_src, tmp_path)
    folder = cache_folder(root.resolve())
    assert main(["cache", "dir", str(root)]) == 0
    assert capsys.readouterr().out == f"{folder}\n"
    assert main(["cache", "dir", "--cache-dir", "elsewhere"]) == 0
    assert capsys.readouterr().out == f"{(tmp_path / 'elsewhere').resolve()}\n"

    cli(capsys, str(root))
    assert folder.is_dir()
    assert main(["cache", "clear", str(root)]) == 0
    assert capsys.readouterr().out == f"provlint: removed {folder} (1 database)\n"
    assert not folder.exists()
    assert (root / "INDEX.md").is_file()
    assert main(["cache", "clear", str(root)]) == 0
    assert capsys.readouterr().out == f"provlint: no cache at {folder}\n"


def test_cache_clear_refuses_a_folder_provlint_did_not_make(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Guards: `cache clear --cache-dir DIR` never deletes a folder without
    CACHEDIR.TAG (a mistyped path must not cost the user their files)."""
    precious = tmp_path / "precious"
    (precious / "sub").mkdir(parents=True)
    (precious / "thesis.sqlite").write_bytes(b"keep me")
    (precious / "sub" / "notes.md").write_text("keep me too\n")
    assert main(["cache", "clear", "--cache-dir", str(precious)]) == 2
    captured = capsys.readouterr()
    assert "not a provlint cache" in captured.err
    assert "removed" not in captured.out
    assert (precious / "thesis.sqlite").read_bytes() == b"keep me"
    assert (precious / "sub" / "notes.md").is_file()


# --------------------------------------------------------------------------
# 11. Concurrent runs
# --------------------------------------------------------------------------


def test_concurrent_runs_share_the_cache(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """Guards: three runs at once (as pre-commit starts them) all succeed with
    the same output, leave one sound database, and a fourth run reuses it all."""
    root = _copy(small_src, tmp_path)
    expected = cold_pristine(capsys, root)
    env = {
        **os.environ,
        "PROVLINT_CACHE_KEY_FILE": str(tmp_path / "keys" / "cache-key"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
        "NO_COLOR": "1",
        "CI": "1",
    }
    cmd = [sys.executable, "-m", "provlint", "validate", "--no-entry-points", "--no-progress"]
    cmd += ["--format", "json", str(root)]
    procs = [
        subprocess.Popen(
            cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    for code, _, err in results:
        assert code == 1, err
        assert err == ""
    assert [out for _, out, _ in results] == [expected] * 3

    assert rows(only_database(root)) == SMALL
    _, out, _ = cli(capsys, str(root))
    assert reports[-1].stats["cached"] == SMALL
    assert out == expected


# --------------------------------------------------------------------------
# 12-13. Where the cache lives
# --------------------------------------------------------------------------


def test_cache_dir_option(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """Guards: --cache-dir DIR puts the tagged database in DIR (created) and
    nothing in the corpus folder; the next run with it reuses everything."""
    root = _copy(small_src, tmp_path)
    expected = cold_pristine(capsys, root)
    where = tmp_path / "caches" / "provlint"
    _, first, _ = cli(capsys, "--cache-dir", str(where), str(root))
    assert (where / "CACHEDIR.TAG").is_file()
    assert len(databases(where)) == 1
    assert not cache_folder(root).exists()
    assert [p for p in root.rglob("*") if "sqlite" in p.name] == []

    _, second, _ = cli(capsys, "--cache-dir", str(where), str(root))
    assert reports[-1].stats["cached"] == SMALL
    assert first == second == expected
    assert not cache_folder(root).exists()


def test_read_only_corpus_runs_without_cache(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """Guards: a corpus folder the user cannot write to is checked as usual,
    only without a cache."""
    if os.geteuid() == 0:
        pytest.skip("running as root: permissions are not enforced, the folder stays writable")
    root = _copy(small_src, tmp_path)
    expected = cold_pristine(capsys, root)
    root.chmod(0o555)
    try:
        code, out, err = cli(capsys, str(root))
        assert not cache_folder(root).exists()
    finally:
        root.chmod(0o755)
    assert (code, out) == (1, expected), err
    assert "Traceback" not in err
    assert reports[-1].stats["cached"] == 0
    assert "cache_problem" in reports[-1].stats


def test_cache_folder_that_cannot_be_made(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """Guards: when .provlint_cache cannot be created (here a file has the
    name; works as root too) the run succeeds without a cache and says why
    in the stats."""
    root = _copy(small_src, tmp_path)
    expected = cold_pristine(capsys, root)
    cache_folder(root).write_text("not a folder\n")
    for _ in range(2):
        code, out, err = cli(capsys, str(root))
        assert (code, out) == (1, expected), err
        assert reports[-1].stats["cached"] == 0
        assert reports[-1].stats["cache_problem"].startswith("cache unusable")
    assert cache_folder(root).read_text() == "not a folder\n"


# --------------------------------------------------------------------------
# Lock timeouts and the day of the run
# --------------------------------------------------------------------------


def test_lock_timeout_keeps_the_database(
    small_src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guards: a write lock held by another run past the timeout leaves the
    database alone (the run only skips its update)."""
    root = _copy(small_src, tmp_path)
    lib(root, cache=True, jobs=1)
    db = only_database(root)
    (root / PLAIN_DOC).write_text("changed\n")  # something to store
    connect = sqlite3.connect

    def impatient(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        kwargs["timeout"] = 0.2  # instead of 60 s
        con: sqlite3.Connection = connect(*args, **kwargs)
        return con

    monkeypatch.setattr(sqlite3, "connect", impatient)
    holder = connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another run writing its results
    try:
        report = lib(root, cache=True, jobs=1)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert report.stats["cached"] == SMALL - 1
    assert "corrupt" not in report.stats.get("cache_problem", "")
    assert db.exists()


def test_cached_result_does_not_outlive_today(
    small_src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guards: a document dated a few days ahead is 'in the future' today, and
    no longer once that day has come, cache or no cache."""
    from provlint.plugins import date_mismatch

    root = _copy(small_src, tmp_path)
    ahead = (date.today() + timedelta(days=5)).isoformat()
    doc = root / PLAIN_DOC
    text = doc.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("date: "))
    doc.write_text(text.replace(old, f"date: {ahead}", 1), encoding="utf-8")

    def set_date(cells: list[str]) -> None:
        cells[5] = ahead

    edit_row(root, PLAIN_ID, set_date)
    today = lib(root, cache=True, jobs=1)
    assert any("in the future" in f.message for f in today.findings)

    class Later(date):
        @classmethod
        def today(cls) -> Later:
            real = date.today() + timedelta(days=30)
            return cls(real.year, real.month, real.day)

    monkeypatch.setattr(date_mismatch, "date", Later)
    monkeypatch.setattr(runner, "date", Later, raising=False)  # for a fix that reads the day
    later_cold = lib(root, jobs=1)
    assert not any("in the future" in f.message for f in later_cold.findings)
    later_warm = lib(root, cache=True, jobs=1)
    assert later_warm.findings == later_cold.findings


def test_a_symlinked_cache_folder_is_not_followed(small_src: Path, tmp_path: Path) -> None:
    """Guards: a `.provlint_cache` symlink shipped in a repository does not
    make provlint write into the folder it points at."""
    root = _copy(small_src, tmp_path)
    victim = tmp_path / "victim"
    victim.mkdir()
    (root / ".provlint_cache").symlink_to(victim, target_is_directory=True)
    report = lib(root, cache=True, jobs=1)
    assert report.stats["cached"] == 0
    assert "symlink" in report.stats["cache_problem"]
    assert list(victim.iterdir()) == []


def test_a_file_name_that_is_not_utf8_is_checked_not_cached(
    small_src: Path, tmp_path: Path
) -> None:
    """Guards: a document whose name is not valid UTF-8 (SQLite stores
    text) is checked on every run and does not break the cache."""
    root = _copy(small_src, tmp_path)
    bad = os.fsencode(root / "docs") + b"/bad\xff.md"
    with open(bad, "wb") as fh:
        fh.write(b"---\ndate: 2021-12-05\nsource: Wire\n---\nBody.\n")
    first = lib(root, cache=True, jobs=1)
    second = lib(root, cache=True, jobs=1)
    assert "cache_problem" not in second.stats
    assert second.stats["cached"] == first.stats["documents"] - 1
    assert second.findings == first.findings
    assert any("bad" in f.path for f in second.findings)  # reported as unindexed


def test_planted_links_in_the_cache_folder_are_not_followed(
    small_src: Path, tmp_path: Path
) -> None:
    """Guards: a repository that ships `.provlint_cache/.gitignore` as a
    dangling symlink cannot make provlint create the file it points at."""
    root = _copy(small_src, tmp_path)
    folder = cache_folder(root)
    folder.mkdir()
    target = tmp_path / "victim-ignore"
    (folder / ".gitignore").symlink_to(target)
    report = lib(root, cache=True, jobs=1)
    assert not target.exists()
    assert "cache_problem" not in report.stats  # the cache itself still works
    assert databases(folder)


def test_a_damaged_key_file_is_replaced(
    small_src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guards: an empty key file (a crash while it was written) is replaced,
    never used as an empty signing key."""
    key = tmp_path / "short-key"
    key.write_bytes(b"")
    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(key))
    root = _copy(small_src, tmp_path)
    lib(root, cache=True, jobs=1)
    assert len(key.read_bytes()) >= 32
    assert lib(root, cache=True, jobs=1).stats["cached"] == SMALL


def test_a_run_with_a_broken_plugin_is_not_cached(small_src: Path, tmp_path: Path) -> None:
    """Guards: a check that could not be created would be missing from every
    cached result; such a run neither reads nor writes the cache."""
    from provlint import DocumentCheck, hookimpl

    class Broken(DocumentCheck):
        """Cannot start. **What it does.** - **Why it matters.** - **Example.** - **Options.** -"""

        code = "XB001"
        name = "broken-start"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise RuntimeError("missing library")

    class Plugin:
        @hookimpl
        def provlint_register_checks(self) -> list[type[DocumentCheck]]:
            return [Broken]

    root = _copy(small_src, tmp_path)
    report = run(root, Config(load_entrypoints=False, cache=True, jobs=1), plugins=[Plugin()])
    assert report.exit_code == 3
    assert not cache_folder(root).exists()


def test_every_file_of_a_plugin_keys_the_cache(tmp_path: Path, small_src: Path) -> None:
    """Guards: editing any part of a plugin that is not installed as a
    package (a submodule, a data file, a helper module it imports) is seen
    by the next run, as with --no-cache, never served from the cache."""
    pkgs = tmp_path / "src"
    (pkgs / "tplug").mkdir(parents=True)
    (pkgs / "tplug" / "__init__.py").write_text(
        "from tplug.check import provlint_register_checks\n"
    )
    (pkgs / "tplug" / "words.txt").write_text("first\n")
    (pkgs / "tplug_helper.py").write_text("SUFFIX = 'one'\n")
    (pkgs / "tplug" / "check.py").write_text(
        textwrap.dedent(
            '''
            from pathlib import Path
            from provlint import DocumentCheck, Severity, hookimpl
            import tplug_helper

            class Word(DocumentCheck):
                """Reports a word from a data file.

                **What it does.** Tests. **Why it matters.** Tests.
                **Example.** None. **Options.** None.
                """
                code = "TP101"
                name = "tplug-word"
                severity = Severity.WARNING

                def check_document(self, doc):
                    word = (Path(__file__).parent / "words.txt").read_text().strip()
                    if doc.path.endswith("doc-0000010.md"):
                        yield self.finding(doc.path, 1, 1, f"{word} {tplug_helper.SUFFIX} 1")

            @hookimpl
            def provlint_register_checks():
                return [Word]
            '''
        )
    )
    root = _copy(small_src, tmp_path)
    env = {**os.environ, "PYTHONPATH": str(pkgs)}

    def message() -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "provlint", "validate", str(root), "-p", "tplug",
             "--select", "TP101", "--format", "json", "--no-progress"],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        [finding] = json.loads(proc.stdout)["findings"]
        return str(finding["message"])

    assert message() == "first one 1"
    assert message() == "first one 1"  # from the cache
    (pkgs / "tplug" / "words.txt").write_text("second\n")
    assert message() == "second one 1"
    # Python's bytecode cache trusts a source's size and mtime in whole
    # seconds: an edit of the same size within the second would run the
    # old code whatever provlint's cache does, so the edits move the mtime.
    helper = pkgs / "tplug_helper.py"
    helper.write_text("SUFFIX = 'two'\n")
    _later(helper)
    assert message() == "second two 1"
    check = pkgs / "tplug" / "check.py"
    check.write_text(check.read_text().replace(" 1\")", " 2\")"))
    _later(check)
    assert message() == "second two 2"


def _later(path: Path) -> None:
    """Move ``path``'s modification time 10 s into the future."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))


def test_the_cache_survives_a_fresh_clone(
    small_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], reports: list[Report]
) -> None:
    """As in CI with a restored cache: a real ``git clone`` gives every file
    new times and inodes; with the cache folder restored into the clone,
    every document is recognised by its content digest, none is read again
    for its checks, and the output is a cold run's. One document changed
    in the clone is the only one checked again."""
    src = _copy(small_src, tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", str(src)], check=True)
    subprocess.run([*git, "-C", str(src), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(src), "commit", "-qm", "corpus"], check=True)
    cli(capsys, str(src))  # fills src/.provlint_cache (git-ignored)
    assert reports[-1].stats["cached"] == 0
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(src), str(clone)], check=True)
    assert not (clone / ".provlint_cache").exists()
    shutil.copytree(src / ".provlint_cache", clone / ".provlint_cache")  # actions/cache
    _, out, _ = cli(capsys, str(clone))
    assert reports[-1].stats["cached"] == SMALL
    assert out == cold(capsys, clone)
    with (clone / PLAIN_DOC).open("a", encoding="utf-8") as fh:
        fh.write("One more line.\n")
    _, changed, _ = cli(capsys, str(clone))
    assert reports[-1].stats["cached"] == SMALL - 1
    assert changed == cold(capsys, clone)


def test_a_plugin_fingerprint_is_its_code_not_where_or_when_it_was_installed(
    tmp_path: Path,
) -> None:
    """Two installs of the same files (other folder, other times, as a CI
    job's fresh install) fingerprint the same; one changed byte does not."""
    from provlint.cache import _files_fingerprint

    def install(where: Path, mtime: int) -> list[Path]:
        files = []
        for rel, text in {"pkg/__init__.py": "X = 1\n", "pkg/data/words.txt": "a\nb\n"}.items():
            f = where / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(text, encoding="utf-8")
            os.utime(f, ns=(mtime, mtime))
            files.append(f)
        return files

    one = _files_fingerprint("pkg", install(tmp_path / "venv1", 10**18))
    two = _files_fingerprint("pkg", install(tmp_path / "venv2", 2 * 10**18))
    assert one == two
    (tmp_path / "venv2/pkg/data/words.txt").write_text("a\nc\n", encoding="utf-8")
    assert _files_fingerprint("pkg", sorted((tmp_path / "venv2").rglob("*.*"))) != one
