"""The security model's promises, each tried as an attacker would.

A checked folder (and the repository around it) is hostile: it must not
choose what provlint imports, make provlint read or write outside it, hang
it, or make a baseline lose entries. Every test here failed before the fix
it guards. Hang guards are generous subprocess timeouts, never timings.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

GUARD = 300  # seconds: a hang guard, not a speed test
SECRET = "OUTSIDE-SECRET-2b9d-do-not-leak"
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file types and signals")


def run_cli(
    *args: str, cwd: Path, pythonpath: Path | None = None, timeout: float = GUARD
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CI", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-m", "provlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        env=env,
    )


def corpus(root: Path, n: int = 2, *, defect: bool = True) -> Path:
    """A small corpus; with ``defect`` its first document has no source."""
    root.mkdir(parents=True, exist_ok=True)
    rows = ["| id | file | source | date |", "|---|---|---|---|"]
    for i in range(n):
        source = "" if defect and i == 0 else "Wire"
        rows.append(f"| d{i} | d{i}.txt | {source} | 2021-12-05 |")
        (root / f"d{i}.txt").write_text(f"Document number {i} says hello.\n", encoding="utf-8")
    (root / "INDEX.md").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def marker_module(where: Path, name: str) -> Path:
    """A module whose import leaves a marker file (the proof of import)."""
    where.mkdir(parents=True, exist_ok=True)
    marker = where / f"{name}.imported"
    (where / f"{name}.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('imported')\n",
        encoding="utf-8",
    )
    return marker


# --------------------------------------------------------------------------
# What a folder's configuration may load
# --------------------------------------------------------------------------


def test_folder_config_cannot_import_a_module(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    marker = marker_module(tmp_path / "pkgs", "evil_marker")
    (root / "pyproject.toml").write_text('[tool.provlint]\nplugins = ["evil_marker"]\n')
    proc = run_cli("validate", str(root), cwd=root, pythonpath=tmp_path / "pkgs")
    assert proc.returncode == 2, proc.stderr
    assert "plugins: 'evil_marker' is not an installed provlint plugin" in proc.stderr
    assert "-p evil_marker or --config FILE" in proc.stderr
    assert not marker.exists()
    # The same module, named by the person running the command, is imported.
    proc = run_cli("validate", str(root), "-p", "evil_marker", cwd=root, pythonpath=marker.parent)
    assert proc.returncode == 1, proc.stderr
    assert marker.exists()


def test_explicit_config_file_is_trusted(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    marker = marker_module(tmp_path / "pkgs", "trusted_marker")
    own = tmp_path / "my-provlint.toml"
    own.write_text('plugins = ["trusted_marker"]\n')
    proc = run_cli("validate", str(root), "--config", str(own), cwd=root, pythonpath=marker.parent)
    assert proc.returncode == 1, proc.stderr
    assert marker.exists()


def test_stdlib_module_with_side_effects_is_refused_on_the_bundled_corpus(tmp_path: Path) -> None:
    """``venv.__main__`` made the bundled corpus exit 0 and created a
    virtual environment inside it."""
    project = Path(__file__).resolve().parents[2]
    root = tmp_path / "bundled"
    (root / "seeds").mkdir(parents=True)
    for f in (project / "seeds").iterdir():
        (root / "seeds" / f.name).write_bytes(f.read_bytes())
    (root / "INDEX.md").write_bytes((project / "INDEX.md").read_bytes())
    config = (project / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(
        config.replace("[tool.provlint]\n", '[tool.provlint]\nplugins = ["venv.__main__"]\n')
    )
    proc = run_cli("validate", cwd=root)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "'venv.__main__'" in proc.stderr
    assert sorted(p.name for p in root.iterdir()) == ["INDEX.md", "pyproject.toml", "seeds"]


def _fake_distribution(site: Path, marker_dir: Path) -> Path:
    """An installed distribution 'fakeplug' with a provlint entry point
    'fake' -> module fakeplug_mod (importing it leaves a marker)."""
    marker = marker_module(site, "fakeplug_mod")
    dist = site / "fakeplug-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fakeplug\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[provlint]\nfake = fakeplug_mod\n")
    return marker


@pytest.mark.parametrize("name", ["fake", "fakeplug"])
def test_folder_config_selects_installed_plugins_by_entry_point_or_distribution(
    tmp_path: Path, name: str
) -> None:
    site = tmp_path / "site"
    marker = _fake_distribution(site, site)
    root = corpus(tmp_path / "c")
    (root / "provlint.toml").write_text(f'plugins = ["{name}"]\n')
    proc = run_cli("validate", str(root), "--no-entry-points", cwd=root, pythonpath=site)
    assert proc.returncode == 1, proc.stderr
    assert marker.exists()  # selected by name, so loaded despite --no-entry-points


def test_a_plugin_named_twice_is_loaded_once(tmp_path: Path) -> None:
    site = tmp_path / "site"
    _fake_distribution(site, site)
    root = corpus(tmp_path / "c")
    proc = run_cli("validate", str(root), "-p", "fakeplug_mod", cwd=root, pythonpath=site)
    assert proc.returncode == 1, proc.stderr  # no internal error from a second registration
    assert "internal-error" not in proc.stdout


def test_folder_config_cannot_lift_the_time_limit(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    for value in ("0", "100000"):
        (root / "provlint.toml").write_text(f"check-timeout = {value}\n")
        proc = run_cli("validate", str(root), cwd=tmp_path)
        assert proc.returncode == 2 and "'check-timeout' must be more than 0" in proc.stderr
    own = tmp_path / "own.toml"
    own.write_text("check-timeout = 0\n")
    proc = run_cli("validate", str(root), "--config", str(own), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr


def test_config_errors_quoting_the_folder_are_made_safe(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    (root / "provlint.toml").write_text(
        '"\\u001b]52;c;ZXZpbA==\\u0007\\u202e\\rFAKE: all clean" = 1\n'
    )
    proc = run_cli("validate", str(root), cwd=tmp_path)
    assert proc.returncode == 2 and "unknown configuration key" in proc.stderr
    assert not any(c in proc.stderr for c in "\x1b\x07\r\u202e"), repr(proc.stderr)
    proc = run_cli("config", str(root), cwd=tmp_path)  # prints every key it read
    assert proc.returncode == 0 and "FAKE: all clean" in proc.stdout
    assert not any(c in proc.stdout for c in "\x1b\x07\r\u202e"), repr(proc.stdout)


# --------------------------------------------------------------------------
# Writes and reads outside the folder
# --------------------------------------------------------------------------


def test_output_file_symlink_is_replaced_never_followed(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET)
    (root / "report.json").symlink_to(outside)
    proc = run_cli("validate", ".", "--format", "json", "-o", "report.json", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert outside.read_text() == SECRET
    assert not (root / "report.json").is_symlink()
    assert json.loads((root / "report.json").read_text())["findings"]
    # A dangling link creates nothing where it points.
    (root / "r2.json").symlink_to(tmp_path / "nowhere" / "new.json")
    assert run_cli("validate", ".", "-o", "r2.json", cwd=root).returncode == 1
    assert not (tmp_path / "nowhere").exists()


@posix_only
def test_output_to_a_device_or_a_planted_pipe(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    proc = run_cli("validate", ".", "--format", "json", "-o", os.devnull, cwd=root)
    assert proc.returncode == 1 and proc.stdout == "", proc.stderr
    os.mkfifo(root / "report.json")  # planted, and nobody reads it
    proc = run_cli("validate", ".", "-o", "report.json", cwd=root, timeout=120)
    assert proc.returncode == 2 and "cannot write" in proc.stderr


def test_output_through_a_symlinked_folder_is_refused(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "out").symlink_to(elsewhere)
    proc = run_cli("validate", ".", "-o", "out/report.txt", cwd=root)
    assert proc.returncode == 2
    assert "out is a symlink; provlint does not write through symlinks" in proc.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_render_that_fails_leaves_the_old_output_intact(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    pkgs = tmp_path / "pkgs"
    pkgs.mkdir()
    (pkgs / "broken_format.py").write_text(
        textwrap.dedent(
            """
            from provlint import hookimpl

            class Broken:
                name = "broken"
                def render(self, reports, stream, options):
                    stream.write("partial output" * 1000)
                    raise RuntimeError("renderer crashed")

            @hookimpl
            def provlint_register_formats():
                return [Broken]
            """
        )
    )
    report = root / "report.txt"
    report.write_text("the previous report\n")
    proc = run_cli(
        "validate", ".", "-p", "broken_format", "--format", "broken", "-o", "report.txt",
        cwd=root, pythonpath=pkgs,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert report.read_text() == "the previous report\n"
    assert [p.name for p in root.iterdir() if ".provlint-tmp-" in p.name] == []


def test_update_baseline_never_writes_through_a_symlink(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    target = tmp_path / "elsewhere" / "created.json"
    (root / "baseline.json").symlink_to(target)
    proc = run_cli(
        "validate", ".", "--baseline", "baseline.json", "--update-baseline", cwd=root
    )
    assert proc.returncode == 0, proc.stderr
    assert not target.parent.exists()
    assert not (root / "baseline.json").is_symlink()
    assert json.loads((root / "baseline.json").read_text())["findings"]


def test_symlinked_index_outside_the_folder_is_not_read(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    secret_index = tmp_path / "private" / "INDEX.md"
    secret_index.parent.mkdir()
    secret_index.write_text(f"| id | file |\n|---|---|\n| {SECRET} | missing-{SECRET}.txt |\n")
    (root / "INDEX.md").unlink()
    (root / "INDEX.md").symlink_to(secret_index)
    for fmt in ("text", "json"):
        proc = run_cli("validate", ".", "--format", fmt, cwd=root)
        assert proc.returncode == 1, proc.stderr
        assert SECRET not in proc.stdout + proc.stderr
        assert "leads outside the corpus folder; it was not read" in proc.stdout


@posix_only
@pytest.mark.parametrize("command", ["validate", "index --check", "fix --check", "fix"])
def test_a_fifo_named_like_a_document_never_hangs(tmp_path: Path, command: str) -> None:
    root = corpus(tmp_path / "c")
    os.mkfifo(root / "doc.txt")
    os.mkfifo(root / "d1.txt.fifo")
    (root / "d1.txt").unlink()
    os.mkfifo(root / "d1.txt")  # a catalogued name, too
    proc = run_cli(*command.split(), ".", cwd=root, timeout=120)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    if command == "validate":
        assert "doc.txt" in proc.stdout and "named pipe (FIFO)" in proc.stdout
        assert "d1.txt" in proc.stdout


@posix_only
def test_a_fifo_as_index_or_config_never_hangs(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    (root / "INDEX.md").unlink()
    os.mkfifo(root / "INDEX.md")
    proc = run_cli("validate", str(root), cwd=tmp_path, timeout=120)
    assert proc.returncode == 1 and "named pipe (FIFO)" in proc.stdout, proc.stderr
    proc = run_cli("index", "--check", str(root), cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "named pipe (FIFO)" in proc.stderr
    base = tmp_path / "b.json"
    os.mkfifo(base)
    (root / "INDEX.md").unlink()
    corpus(root)
    proc = run_cli("validate", str(root), "--baseline", str(base), cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and "named pipe (FIFO)" in proc.stderr


# --------------------------------------------------------------------------
# Processes and the cache
# --------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c", 600, defect=False)
    pkgs = tmp_path / "pkgs"
    pkgs.mkdir()
    (pkgs / "slow_check.py").write_text(
        textwrap.dedent(
            '''
            import time
            from provlint import DocumentCheck, Severity, hookimpl

            class Slow(DocumentCheck):
                """Sleeps on every document.

                **What it does.** Nothing. **Why it matters.** Tests.
                **Example.** None. **Options.** None.
                """
                code = "ZZ901"
                name = "slow-check"
                severity = Severity.WARNING

                def check_document(self, doc):
                    time.sleep(0.2)
                    return []

            @hookimpl
            def provlint_register_checks():
                return [Slow]
            '''
        )
    )
    env = {**os.environ, "PYTHONPATH": str(pkgs)}
    parent = subprocess.Popen(
        [sys.executable, "-m", "provlint", "validate", str(root), "-j", "2", "--no-cache",
         "-p", "slow_check"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline:
            # The pool's workers: the parent's children that run Python.
            workers = [p for p in _children(parent.pid) if _alive(p)]
            time.sleep(0.1)
        assert len(workers) >= 2, "the pool never started"
        parent.kill()  # SIGKILL: the parent cannot stop its pool
        parent.wait()
        deadline = time.monotonic() + 60
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(p) for p in workers), "orphaned workers live on"
    finally:
        if parent.poll() is None:
            parent.kill()


def test_a_planted_cache_database_with_a_trigger_is_refused(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c", 120)
    first = run_cli("validate", str(root), "--format", "json", cwd=tmp_path)
    [db_path] = (root / ".provlint_cache").glob("store-*.sqlite")
    db = sqlite3.connect(db_path)
    db.execute(
        "CREATE TRIGGER spin BEFORE INSERT ON docs BEGIN "
        "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT x FROM c); END"
    )
    db.commit()
    db.close()
    (root / "d5.txt").write_text("Document number five has changed.\n")
    second = run_cli("validate", str(root), "--format", "json", cwd=tmp_path, timeout=120)
    assert second.returncode == first.returncode == 1, second.stderr
    db = sqlite3.connect(db_path)
    kinds = db.execute("SELECT type, name FROM sqlite_master").fetchall()
    db.close()
    assert ("trigger", "spin") not in kinds  # the foreign database was replaced


def test_symlinked_cache_journal_files_are_refused(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c", 120)
    assert run_cli("validate", str(root), cwd=tmp_path).returncode == 1
    [db_path] = (root / ".provlint_cache").glob("store-*.sqlite")
    victim = tmp_path / "victim.txt"
    victim.write_text(SECRET)
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        Path(f"{db_path}{suffix}").symlink_to(victim)
    (root / "d3.txt").write_text("changed\n")
    proc = run_cli("validate", str(root), cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert victim.read_text() == SECRET


# --------------------------------------------------------------------------
# Crashes where a finding or a usage error belongs
# --------------------------------------------------------------------------


def test_deeply_nested_config_is_a_configuration_error(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    for depth in (100, 5000):
        nested = "[" * depth + "]" * depth
        (root / "pyproject.toml").write_text(f"[tool.provlint]\nx = {nested}\n")
        proc = run_cli("validate", str(root), cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert "nested" in proc.stderr and "Traceback" not in proc.stderr


@posix_only
@pytest.mark.parametrize("command", ["validate", "index --check", "fix --check"])
def test_folders_nested_past_path_max(tmp_path: Path, command: str) -> None:
    root = corpus(tmp_path / "c")
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(80):  # 80 x 61 characters: well past PATH_MAX (4096)
            os.mkdir("d" * 60, dir_fd=fd)
            inner = os.open("d" * 60, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        made = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(made, b"deep\n")
        os.close(made)
    finally:
        os.close(fd)
    proc = run_cli(*command.split(), ".", cwd=root)
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    said = proc.stdout + proc.stderr
    assert "longer than the system allows" in said


# --------------------------------------------------------------------------
# Baselines never lose entries
# --------------------------------------------------------------------------


def test_restricted_run_keeps_other_baseline_entries(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    rows = ["| id | file | date |", "|---|---|---|"]
    for i in range(53):
        rows.append(f"| d{i} | d{i}.txt | 2021-12-05 |")  # no source: one finding each
        (root / f"d{i}.txt").write_text(f"Document {i}.\n")
    (root / "INDEX.md").write_text("\n".join(rows) + "\n")
    args = ["validate", "--baseline", "baseline.json"]
    assert run_cli(*args, "--update-baseline", ".", cwd=root).returncode == 0
    before = (root / "baseline.json").read_bytes()
    entries = json.loads(before)["findings"]
    assert len(entries) == 53
    # A run on one file (as pre-commit does) reports no stale entries ...
    proc = run_cli(*args, "d7.txt", cwd=root)
    assert proc.returncode == 0 and "stale" not in proc.stdout + proc.stderr, proc.stdout
    # ... and updating from it keeps the other 52 entries, byte for byte.
    assert run_cli(*args, "--update-baseline", "d7.txt", cwd=root).returncode == 0
    assert (root / "baseline.json").read_bytes() == before
    # Fixing d7 and updating from d7 alone drops d7's entry only.
    (root / "d7.txt").write_text("---\nsource: Wire\n---\nDocument 7.\n")
    proc = run_cli(*args, "d7.txt", cwd=root)
    assert "1 stale baseline entry" in proc.stdout, proc.stdout
    assert run_cli(*args, "--update-baseline", "d7.txt", cwd=root).returncode == 0
    after = json.loads((root / "baseline.json").read_text())["findings"]
    assert [e for e in entries if e["doc"] != "d7"] == after
    # --skip-outside-corpus restricts a run the same way.
    proc = run_cli(*args, "--skip-outside-corpus", "d8.txt", cwd=root)
    assert proc.returncode == 0 and "stale" not in proc.stdout


def test_whole_corpus_run_still_reports_stale_entries(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c", 3)
    args = ["validate", ".", "--baseline", "b.json"]
    assert run_cli(*args, "--update-baseline", cwd=root).returncode == 0
    (root / "INDEX.md").write_text((root / "INDEX.md").read_text().replace("|  |", "| Wire |"))
    proc = run_cli(*args, cwd=root)
    assert proc.returncode == 0 and "1 stale baseline entry" in proc.stdout, proc.stdout


def test_read_inside_refuses_paths_and_links_leading_out(tmp_path: Path) -> None:
    from provlint.reading import NotRegularFile, read_inside

    root = corpus(tmp_path / "c")
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET)
    (root / "link.txt").symlink_to(outside)
    (root / "sub").mkdir()
    (root / "sub" / "up").symlink_to(tmp_path)
    assert read_inside(root, "d1.txt") == b"Document number 1 says hello.\n"
    for rel in ("link.txt", "../outside.txt", "sub/up/outside.txt", "/etc/passwd"):
        with pytest.raises(PermissionError):
            read_inside(root, rel)
    with pytest.raises(NotRegularFile):
        read_inside(root, "sub")
