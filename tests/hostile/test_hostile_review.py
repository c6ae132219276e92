"""Regression tests for a security review of the promises in README's
"Security model": each test tries what an attacker (a checked folder, the
repository around it, a configuration or a baseline that comes with it)
would, and failed before the fix it guards, except where its docstring
says it documents a safe form. Hang guards are generous subprocess
timeouts, never timings.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest

GUARD = 300  # seconds: a hang guard, not a speed test
SECRET = "OUTSIDE-SECRET-5c1e-do-not-leak"
REPO = Path(__file__).resolve().parents[2]
CONSOLE_SCRIPT = Path(sys.executable).with_name("provlint")
posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX symlinks and file names")


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1", **extra}
    env.pop("CI", None)
    env.pop("PYTHONSAFEPATH", None)
    return env


def provlint(
    *args: str, cwd: Path, timeout: float = GUARD, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the ``provlint`` console script (the safe form in a checked folder)."""
    if not CONSOLE_SCRIPT.exists():
        pytest.skip("the provlint console script is not installed next to this Python")
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=timeout,
        env=_env(**env),
    )


def corpus(
    root: Path, rows: list[tuple[str, str, str, str]] | None = None, *, create: bool = True
) -> Path:
    """A corpus with INDEX.md rows (id, file, source, date); with ``create``,
    each named file is written unless it exists. Default: two documents, the
    first without a source (a missing-source finding)."""
    root.mkdir(parents=True, exist_ok=True)
    if rows is None:
        rows = [("d0", "d0.txt", "", "2021-12-05"), ("d1", "d1.txt", "Wire", "2021-12-05")]
    lines = ["| id | file | source | date |", "|---|---|---|---|"]
    for id_, file, source, date in rows:
        lines.append(f"| {id_} | {file} | {source} | {date} |")
        path = root / file
        if create and file and not os.path.lexists(path) and "/" not in file:
            path.write_text(f"Document {id_} says hello.\n", encoding="utf-8")
    (root / "INDEX.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def findings(proc: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert proc.returncode in (0, 1), proc.stderr
    found: list[dict[str, object]] = json.loads(proc.stdout)["findings"]
    return found


# --------------------------------------------------------------------------
# 1. python -m provlint imports from the current folder: the safe forms
# --------------------------------------------------------------------------


def _planted_provlint(folder: Path) -> Path:
    """A ``provlint`` package in ``folder`` whose import leaves a marker."""
    marker = folder / "planted-provlint.imported"
    pkg = folder / "provlint"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).write_text('imported')\n",
        encoding="utf-8",
    )
    (pkg / "__main__.py").write_text("", encoding="utf-8")
    return marker


def test_console_script_does_not_import_from_the_current_folder(tmp_path: Path) -> None:
    """Documents the safe form README names: the ``provlint`` command."""
    root = corpus(tmp_path / "c")
    marker = _planted_provlint(root)
    proc = provlint("validate", "--no-cache", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert "missing-source" in proc.stdout
    assert not marker.exists()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="python -P is Python 3.11+")
def test_python_dash_p_does_not_import_from_the_current_folder(tmp_path: Path) -> None:
    """Documents the other safe form: ``python -P -m provlint``."""
    root = corpus(tmp_path / "c")
    marker = _planted_provlint(root)
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "provlint", "validate", "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=GUARD,
        env=_env(),
    )
    assert proc.returncode == 1, proc.stderr
    assert not marker.exists()


def test_readme_does_not_promise_that_python_m_is_safe() -> None:
    """README names the safe forms and no longer claims that ``python -m
    provlint`` drops the current folder (it imports provlint from it)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    model = readme.split("## Security model", 1)[1].split("\n## ", 1)[0]
    flat = " ".join(model.split())
    assert "`python -m provlint` drops" not in flat
    assert "`python -P -m provlint`" in flat and "`PYTHONSAFEPATH=1`" in flat
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: provlint validate" in hooks and "-m provlint" not in hooks


# --------------------------------------------------------------------------
# 2. dask workers import from the current folder
# --------------------------------------------------------------------------


def test_dask_workers_do_not_import_from_the_current_folder(tmp_path: Path) -> None:
    """A local cluster's worker processes start with ``python -c``; a
    ``multiprocessing/`` package in the current folder (the checked one)
    was imported by each of them."""
    pytest.importorskip("distributed")
    root = corpus(tmp_path / "c")
    marker = root / "planted-multiprocessing.imported"
    pkg = root / "multiprocessing"
    pkg.mkdir()
    # Leaves a marker, then hands over to the real module (the worker runs on).
    (pkg / "__init__.py").write_text(
        textwrap.dedent(
            f"""\
            import importlib, os, sys
            with open({str(marker)!r}, "a") as fh:
                fh.write("imported\\n")
            here = {str(root)!r}
            sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
            del sys.modules["multiprocessing"]
            sys.modules["multiprocessing"] = importlib.import_module("multiprocessing")
            """
        ),
        encoding="utf-8",
    )
    proc = provlint("validate", "--engine", "dask", "-j", "2", "--no-cache", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert "missing-source" in proc.stdout
    assert not marker.exists()
    assert "PYTHONSAFEPATH" not in os.environ


def test_dask_connect_restores_the_environment_and_folder(tmp_path: Path) -> None:
    """The local cluster starts from an empty folder with PYTHONSAFEPATH set;
    both are restored afterwards."""
    pytest.importorskip("distributed")
    from provlint.engine_dask import connect

    before = os.getcwd()
    os.environ.pop("PYTHONSAFEPATH", None)
    with connect(None, 1) as client:
        assert os.environ.get("PYTHONSAFEPATH") == "1"
        worker_cwd = next(iter(client.run(os.getcwd).values()))
        assert os.getcwd() == before
    assert Path(worker_cwd).name.startswith("provlint-dask-")
    assert "PYTHONSAFEPATH" not in os.environ
    assert os.getcwd() == before


# --------------------------------------------------------------------------
# 3. .git is never a document nor INDEX.md
# --------------------------------------------------------------------------


def _git(root: Path) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    config = root / ".git" / "config"
    config.write_text(f"[core]\n\tbare = false\n# {SECRET}\n", encoding="utf-8")
    return config


@posix_only
def test_index_does_not_write_through_a_symlinked_index_into_git(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text("A document.\n", encoding="utf-8")
    config = _git(root)
    before = config.read_bytes()
    (root / "INDEX.md").symlink_to(".git/config")
    proc = provlint("index", cwd=root)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert ".git folder" in proc.stderr
    assert config.read_bytes() == before
    assert (root / "INDEX.md").is_symlink()
    # validate does not read it as the catalogue either.
    proc = provlint("validate", "--no-cache", "--format", "json", cwd=root)
    assert SECRET not in proc.stdout + proc.stderr
    assert "bare" not in proc.stdout


def test_a_row_naming_a_file_in_git_is_reported_not_read(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c", [("g", ".git/config", "Wire", "2021-12-05")])
    _git(root)
    for name in (".git/config", "./.git/config", "sub/../.GIT/config"):
        corpus(root, [("g", name, "Wire", "2021-12-05")])
        proc = provlint("validate", "--no-cache", "--format", "json", "--show-source", cwd=root)
        found = findings(proc)
        assert SECRET not in proc.stdout
        [missing] = [f for f in found if f["check"] == "missing-file"]
        message = str(missing["message"]).lower()
        assert "lies in the .git folder (version control's own files)" in message
        assert "it was not read" in message
        # Not read: no finding about its header, its text or its digest.
        assert {f["check"] for f in found} <= {"missing-file", "unindexed-file"}


@posix_only
def test_a_document_symlinked_into_git_is_reported_not_read(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    _git(root)
    (root / "doc.txt").symlink_to(".git/config")
    (root / "sub").symlink_to(".git")
    corpus(
        root, [("d", "doc.txt", "Wire", "2021-12-05"), ("s", "sub/config", "Wire", "2021-12-05")]
    )
    proc = provlint("validate", "--no-cache", "--format", "json", cwd=root)
    found = findings(proc)
    assert SECRET not in proc.stdout
    messages = sorted(str(f["message"]) for f in found if f["check"] == "missing-file")
    assert len(messages) == 2, found
    for message in messages:
        assert "is a symlink that leads into the .git folder" in message


def test_safe_relpath_refuses_private_folders() -> None:
    from provlint.discovery import safe_relpath

    for name in (".git/config", "a/.hg/store", ".svn/entries", ".provlint_cache/x.txt"):
        norm, why = safe_relpath(name)
        assert norm is None and why is not None and why.startswith("lies in the "), name
    assert safe_relpath("a/.github/x.md") == ("a/.github/x.md", None)
    assert safe_relpath("git/config") == ("git/config", None)


# --------------------------------------------------------------------------
# 4, 5, 16. Baselines
# --------------------------------------------------------------------------


def _entries(path: Path) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))["findings"]
    return data


def _same_defect(tmp_path: Path) -> tuple[Path, Path]:
    """Corpora A and B, each with one identical defect (a row without a
    source, same id, same file)."""
    rows = [("d0", "d0.txt", "", "2021-12-05")]
    return corpus(tmp_path / "A", rows), corpus(tmp_path / "B", rows)


def test_a_baseline_shared_by_two_corpora_keeps_both_entries(tmp_path: Path) -> None:
    a, _b = _same_defect(tmp_path)
    base = tmp_path / "baseline.json"
    common = ("--no-cache", "--baseline", str(base))
    proc = provlint("validate", "A", "B", *common, "--update-baseline", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    entries = _entries(base)
    assert sorted(str(e["corpus"]) for e in entries) == ["A", "B"], entries
    assert entries[0]["fingerprint"] == entries[1]["fingerprint"]
    # Both are accepted, none is stale.
    proc = provlint("validate", "A", "B", *common, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "stale" not in proc.stdout + proc.stderr
    # Fix A, update from A alone: B's entry stays.
    corpus(a, [("d0", "d0.txt", "Wire", "2021-12-05")])
    proc = provlint("validate", "A", *common, cwd=tmp_path)
    assert "1 stale baseline entry" in proc.stdout, proc.stdout
    proc = provlint("validate", "A", *common, "--update-baseline", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [e["corpus"] for e in _entries(base)] == ["B"]
    proc = provlint("validate", "B", *common, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "stale" not in proc.stdout


def test_an_entry_without_a_corpus_still_matches_any_corpus(tmp_path: Path) -> None:
    """Entries written before "corpus" existed accept the finding in any
    corpus, and an update rewrites them with their corpus."""
    _same_defect(tmp_path)
    base = tmp_path / "baseline.json"
    common = ("--no-cache", "--baseline", str(base))
    provlint("validate", "A", *common, "--update-baseline", cwd=tmp_path)
    [entry] = _entries(base)
    del entry["corpus"]
    base.write_text(json.dumps({"version": 1, "findings": [entry]}), encoding="utf-8")
    proc = provlint("validate", "A", "B", *common, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = provlint("validate", "A", "B", *common, "--update-baseline", cwd=tmp_path)
    assert sorted(str(e.get("corpus")) for e in _entries(base)) == ["A", "B"]


def test_update_baseline_with_select_keeps_the_other_checks_entries(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c", [("d0", "d0.txt", "", "2021-12-05"), ("d1", "gone.txt", "W", "")])
    (root / "gone.txt").unlink()
    base = tmp_path / "baseline.json"
    common = ("--no-cache", "--baseline", str(base))
    provlint("validate", "c", *common, "--update-baseline", cwd=tmp_path)
    checks = sorted(str(e["check"]) for e in _entries(base))
    assert {"missing-source", "missing-file"} <= set(checks), checks
    for flag in (("--select", "missing-source"), ("--ignore", "missing-file")):
        proc = provlint("validate", "c", *common, *flag, "--update-baseline", cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert sorted(str(e["check"]) for e in _entries(base)) == checks
        proc = provlint("validate", "c", *common, *flag, cwd=tmp_path)
        assert "stale" not in proc.stdout, proc.stdout


FLAKY = '''\
"""A check that finds something, or fails when FLAKY_FAIL is set."""
import os

from provlint import DocumentCheck, Severity, hookimpl


class Flaky(DocumentCheck):
    """Finds one thing per document, or raises."""

    code = "PX901"
    name = "flaky"
    severity = Severity.ERROR

    def check_document(self, doc):
        if os.environ.get("FLAKY_FAIL"):
            raise RuntimeError("flaky failed")
        yield self.finding(doc.path, 1, 1, "flaky finding", doc_id=doc.doc_id)


@hookimpl
def provlint_register_checks():
    return [Flaky]
'''


def test_update_baseline_keeps_the_entries_of_a_check_that_failed(tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "flaky_plugin.py").write_text(FLAKY, encoding="utf-8")
    corpus(tmp_path / "c")
    base = tmp_path / "baseline.json"
    common = ("--no-cache", "-p", "flaky_plugin", "--baseline", str(base))
    env = {"PYTHONPATH": str(plugins)}
    proc = provlint("validate", "c", *common, "--update-baseline", cwd=tmp_path, **env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    flaky = [e for e in _entries(base) if e["check"] == "flaky"]
    assert len(flaky) == 2
    fail = {"FLAKY_FAIL": "1", **env}
    proc = provlint("validate", "c", *common, "--update-baseline", cwd=tmp_path, **fail)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "flaky failed" in proc.stdout
    assert [e for e in _entries(base) if e["check"] == "flaky"] == flaky
    proc = provlint("validate", "c", *common, cwd=tmp_path, **fail)
    assert "stale" not in proc.stdout + proc.stderr


def test_failed_checks_are_on_the_report(tmp_path: Path) -> None:
    from provlint.errors import ErrorCollector, failed_check

    errors = ErrorCollector()
    f = errors.report("check 'flaky' (plugin x) raised RuntimeError on a.txt: no", check="flaky")
    errors.report("a header parser raised ValueError on a.txt: no")
    assert errors.failed == {"flaky"}
    assert failed_check(f) == "flaky"
    moved = ErrorCollector()
    moved.extend(list(errors.findings), [])  # a worker's errors, back in the parent
    assert moved.failed == {"flaky"}


@posix_only
def test_a_symlinked_baseline_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "their-baseline.json"
    planted = {"check": "missing-source", "corpus": "zzz", "doc": SECRET, "fingerprint": "f" * 32}
    text = json.dumps({"version": 1, "findings": [planted]})
    target.write_text(text, encoding="utf-8")
    work = tmp_path / "work"
    corpus(work / "c")
    (work / "baseline.json").symlink_to(target)
    common = ("--no-cache", "--baseline", "baseline.json")
    proc = provlint("validate", "c", *common, cwd=work)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "is a symlink" in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    proc = provlint("validate", "c", *common, "--update-baseline", cwd=work)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert target.read_text(encoding="utf-8") == text
    assert not (work / "baseline.json").is_symlink()
    written = (work / "baseline.json").read_text(encoding="utf-8")
    assert SECRET not in written and "zzz" not in written
    assert "missing-source" in written


# --------------------------------------------------------------------------
# 6, 7. One line per message; folder names in config and cache
# --------------------------------------------------------------------------

_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_INJECTED = "::error file=INJECTED.txt::pwned"


def _no_injected_line(text: str) -> None:
    for line in text.splitlines():
        assert not line.lstrip().startswith("::error file=INJECTED"), repr(line)


def test_one_line_shows_every_line_break() -> None:
    from provlint.output import one_line

    for brk in _LINE_BREAKS:
        shown = one_line(f"a{brk}{_INJECTED}")
        assert len(shown.splitlines()) == 1, repr(shown)
        assert shown.endswith(_INJECTED)
    assert one_line("a\nb\rc") == "a\\nb\\rc"
    assert one_line("plain text") == "plain text"
    assert one_line("x\x1b[31my\u202ez") == "xy\ufffdz"


def test_config_errors_and_stale_notes_stay_on_one_line(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    key = f"x{_LINE_BREAKS}{_INJECTED}"
    (root / "provlint.toml").write_text(f"{json.dumps(key)} = 1\n", encoding="utf-8")
    proc = provlint("validate", "--no-cache", "--format", "github", cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert "unknown configuration key" in proc.stderr
    _no_injected_line(proc.stderr)
    assert len(proc.stderr.strip("\n").splitlines()) == 1, proc.stderr
    (root / "provlint.toml").unlink()
    # A stale entry whose text carries line breaks: the note stays one line.
    base = tmp_path / "baseline.json"
    entry = {"check": "missing-file", "corpus": "c", "doc": f"d{_LINE_BREAKS}{_INJECTED}",
             "fingerprint": "0" * 32, "path": "d0.txt"}  # fmt: skip
    base.write_text(json.dumps({"version": 1, "findings": [entry]}), encoding="utf-8")
    proc = provlint(
        "validate", "c", "--no-cache", "--format", "github", "--baseline", str(base), cwd=tmp_path
    )
    assert "stale baseline entry" in proc.stderr, proc.stderr
    _no_injected_line(proc.stderr)
    assert len(proc.stderr.strip("\n").splitlines()) == 1, proc.stderr


def test_messages_with_line_breaks_stay_one_line_in_every_format() -> None:
    from provlint.model import Finding, Severity
    from provlint.output import FormatOptions
    from provlint.plugins.output_ci import GithubFormat, JunitFormat
    from provlint.plugins.output_formats import TextFormat
    from provlint.report import Report

    message = f"bad{_LINE_BREAKS}{_INJECTED}%0A"
    f = Finding("x.txt", 1, 1, "PV101", "missing-source", Severity.ERROR, message)
    report = Report(root=Path.cwd(), findings=(f,))
    import io

    for fmt in (TextFormat, GithubFormat):
        out = io.StringIO()
        fmt().render([report], out, FormatOptions(base=Path.cwd()))
        _no_injected_line(out.getvalue())
        end = "pwned%0A" if fmt is TextFormat else "pwned%250A"
        assert out.getvalue().splitlines()[0].endswith(end)
    out = io.StringIO()
    JunitFormat().render([report], out, FormatOptions(base=Path.cwd()))
    _no_injected_line(out.getvalue())
    assert "\u2028" not in out.getvalue()


_HOSTILE_FOLDER = "c\x1b]0;title\x07\u202e\nnext"


def _raw_controls(text: str) -> list[str]:
    return [ch for ch in text if ch in "\x1b\x07\u202e" or ch in _LINE_BREAKS[1:]]


@posix_only
def test_config_command_escapes_folder_names_and_values(tmp_path: Path) -> None:
    root = corpus(tmp_path / _HOSTILE_FOLDER)
    (root / "provlint.toml").write_text(
        'exclude = ["a\\u001b[31m\\u202e\\u2028b"]\n[check.missing-source]\nseverity = "info"\n',
        encoding="utf-8",
    )
    proc = provlint("config", str(root), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert _raw_controls(proc.stdout) == []
    assert "\\x1b]0;title\\x07\\u202e\\x0anext" in proc.stdout
    # One line per value: the comment lines, then one per key.
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("# corpus: ") and lines[1].startswith("# file: ")
    assert all(" = " in line for line in lines[2:]), lines


@posix_only
def test_cache_commands_escape_folder_names(tmp_path: Path) -> None:
    root = corpus(tmp_path / _HOSTILE_FOLDER)
    for action in ("dir", "clear"):
        proc = provlint("cache", action, str(root), cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert _raw_controls(proc.stdout) == [], proc.stdout
        assert "\\x1b]0;title\\x07\\u202e\\x0anext" in proc.stdout
    proc = provlint("cache", "dir", "--cache-dir", str(tmp_path / "x\x1b[2Jy"), cwd=tmp_path)
    assert "x\\x1b[2Jy" in proc.stdout and "\x1b" not in proc.stdout


# --------------------------------------------------------------------------
# 8, 11. What a folder's configuration may set
# --------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["documents", "exclude", "per-file-ignores"])
def test_a_folder_config_may_list_at_most_256_globs(tmp_path: Path, key: str) -> None:
    root = corpus(tmp_path / "c")

    def write(n: int) -> None:
        globs = [f"g{i}/**" for i in range(n)]
        if key == "per-file-ignores":
            body = "[per-file-ignores]\n" + "".join(f'"{g}" = ["PV101"]\n' for g in globs)
        else:
            body = f"{key} = {json.dumps(['**/*.txt', *globs])}\n"
        (root / "provlint.toml").write_text(body, encoding="utf-8")

    write(255)
    proc = provlint("validate", "--no-cache", cwd=root)
    assert proc.returncode == 1, proc.stderr
    write(300)
    proc = provlint("validate", "--no-cache", cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert f"'{key}'" in proc.stderr and "at most 256 glob patterns" in proc.stderr
    # The same file, passed by the person running provlint, is trusted.
    proc = provlint("validate", "--no-cache", "--config", str(root / "provlint.toml"), cwd=root)
    assert proc.returncode == 1, proc.stderr


def test_the_glob_limit_counts_every_key_together(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    (root / "provlint.toml").write_text(
        f"documents = {json.dumps([f'd{i}/*.txt' for i in range(130)])}\n"
        f"exclude = {json.dumps([f'x{i}/**' for i in range(130)])}\n",
        encoding="utf-8",
    )
    proc = provlint("validate", "--no-cache", cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert "'exclude'" in proc.stderr and "260" in proc.stderr


def test_a_folder_config_cannot_set_a_huge_document_limit(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    (root / "provlint.toml").write_text("max-document-bytes = 68719476736\n", encoding="utf-8")
    proc = provlint("validate", "--no-cache", cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert "'max-document-bytes' must be at most 1073741824" in proc.stderr
    (root / "provlint.toml").write_text("max-document-bytes = 1073741824\n", encoding="utf-8")
    assert provlint("validate", "--no-cache", cwd=root).returncode == 1


def test_a_huge_document_limit_allocates_no_more_than_the_file(tmp_path: Path) -> None:
    """A trusted configuration may set any limit: reading a document still
    allocates no more than the file holds (it allocated limit + 1 bytes)."""
    root = corpus(tmp_path / "c")
    config = tmp_path / "trusted.toml"
    config.write_text("max-document-bytes = 68719476736\n", encoding="utf-8")
    proc = provlint("validate", "--no-cache", "--config", str(config), cwd=root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "MemoryError" not in proc.stdout + proc.stderr


def test_read_document_reads_a_file_whole_up_to_the_limit(tmp_path: Path) -> None:
    from provlint.discovery import Resolver
    from provlint.model import Document
    from provlint.reading import HEADER_BYTES, read_document

    body = b"x" * (HEADER_BYTES * 3)
    (tmp_path / "a.txt").write_bytes(body)
    for limit, too_large in ((len(body), False), (len(body) - 1, True), (1 << 40, False)):
        doc = Document(path="a.txt")
        read_document(doc, Resolver(tmp_path), limit, lambda path, text: None)
        assert doc.too_large is too_large and doc.size == len(body)
        assert doc.read_error is None
        if not too_large:
            assert doc.text == body.decode()


@pytest.mark.parametrize(
    ("check", "option", "value"),
    [
        ("date-inconsistent", "outlier-days", 99999999999999999),
        ("date-mismatch", "tolerance-days", 10**12),
        ("duplicate-content", "min-words", 10**30),
    ],
)
def test_huge_check_options_are_configuration_errors(
    tmp_path: Path, check: str, option: str, value: int
) -> None:
    root = corpus(tmp_path / "c")
    (root / "provlint.toml").write_text(f"[check.{check}]\n{option} = {value}\n", encoding="utf-8")
    proc = provlint("validate", "--no-cache", cwd=root)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"check.{check}.{option}" in proc.stderr


def test_every_numeric_check_option_has_a_maximum() -> None:
    from provlint.registry import build_registry

    registry = build_registry(load_entrypoints=False)
    for name, spec in registry.checks.items():
        for option, schema in dict(spec.cls.options).items():
            if schema.get("type") in ("integer", "number"):
                assert "maximum" in schema or "exclusiveMaximum" in schema, (name, option)


# --------------------------------------------------------------------------
# 9, 10. The HTML timeline
# --------------------------------------------------------------------------


def _naive_levels(xs: list[float]) -> list[int]:
    """The stacking as it was: each marker against every placed one."""
    levels: list[int] = []
    placed: list[tuple[float, int]] = []
    for xd in xs:
        used = {lvl for (px, lvl) in placed if abs(px - xd) < 8}
        lvl = 0
        while lvl in used:
            lvl += 1
        levels.append(lvl)
        placed.append((xd, lvl))
    return levels


def test_timeline_stacking_is_unchanged_on_small_inputs() -> None:
    from provlint.plugins.output_html import stack_levels

    rng = random.Random(7)
    for _ in range(500):
        n = rng.randint(0, 80)
        xs = sorted(
            round(rng.choice([rng.uniform(40, 1060), rng.uniform(40, 70), 300.0]), 1)
            for _ in range(n)
        )
        assert stack_levels(xs) == _naive_levels(xs), xs


class _Counted(float):
    """A float that counts the subtractions made with it."""

    calls = 0

    def __sub__(self, other: object) -> float:
        _Counted.calls += 1
        return float(self) - float(other)  # type: ignore[arg-type]

    def __rsub__(self, other: object) -> float:
        _Counted.calls += 1
        return float(other) - float(self)  # type: ignore[arg-type]


def test_timeline_stacking_work_grows_linearly() -> None:
    """20,000 markers on one date (and on a few) compare each marker with a
    bounded number of others; the old stacking compared it with every
    placed marker (200 million comparisons here)."""
    from provlint.plugins.output_html import stack_levels

    for xs in ([300.0] * 20_000, [40.0 + (i % 7) for i in range(20_000)]):
        _Counted.calls = 0
        levels = stack_levels([_Counted(x) for x in sorted(xs)])
        assert _Counted.calls <= 3 * len(xs)
        assert levels == _naive_levels(sorted(xs)[:300]) + levels[300:]
    assert max(stack_levels([300.0] * 20_000)) == 19_999


@pytest.mark.parametrize(
    "dates",
    [("0001-01-01",), ("9999-12-31",), ("0001-01-01", "9999-12-31"), ("9999-12-29", "9999-12-31")],
)
def test_html_renders_extreme_dates(tmp_path: Path, dates: tuple[str, ...]) -> None:
    rows = [(f"d{i}", f"d{i}.txt", "Wire", d) for i, d in enumerate(dates)]
    root = corpus(tmp_path / "c", rows)
    proc = provlint("validate", "--no-cache", "--format", "html", cwd=root)
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr
    for d in dates:
        assert f'data-date="{d}"' in proc.stdout


# --------------------------------------------------------------------------
# 12. NFC/NFD probing outside the folder
# --------------------------------------------------------------------------


@posix_only
def test_the_other_normalisation_does_not_probe_outside(tmp_path: Path) -> None:
    """A row names the NFC name; on disk, the NFD name is a symlink leading
    out. Whether its target exists must not change the message."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "exists.txt").write_text(SECRET, encoding="utf-8")
    nfc = unicodedata.normalize("NFC", "café.txt")
    nfd = unicodedata.normalize("NFD", nfc)
    messages = []
    for target in ("exists.txt", "missing.txt"):
        root = tmp_path / f"c-{target}"
        root.mkdir()
        try:
            (root / nfd).symlink_to(outside / target)
        except OSError:
            pytest.skip("the file system cannot hold an NFD name apart from its NFC one")
        if os.path.lexists(root / nfc):
            pytest.skip("the file system normalises names")
        corpus(root, [("c", nfc, "Wire", "2021-12-05")], create=False)
        found = findings(provlint("validate", "--no-cache", "--format", "json", cwd=root))
        messages.append([str(f["message"]) for f in found if f["check"] == "missing-file"])
    assert messages[0] == messages[1], messages
    assert "does not exist" in messages[0][0] or "not on disk" not in messages[0][0]
    assert "normalisation" not in messages[0][0]


def test_the_other_normalisation_is_still_found_inside(tmp_path: Path) -> None:
    nfc = unicodedata.normalize("NFC", "café.txt")
    nfd = unicodedata.normalize("NFD", nfc)
    root = tmp_path / "c"
    root.mkdir()
    (root / nfd).write_text("A document.\n", encoding="utf-8")
    if os.path.lexists(root / nfc):
        pytest.skip("the file system normalises names")
    corpus(root, [("c", nfc, "Wire", "2021-12-05")], create=False)
    found = findings(provlint("validate", "--no-cache", "--format", "json", cwd=root))
    [missing] = [f for f in found if f["check"] == "missing-file"]
    assert "another Unicode normalisation" in str(missing["message"])


# --------------------------------------------------------------------------
# 13, 14. Bounded findings and messages
# --------------------------------------------------------------------------


def test_unused_suppressions_are_capped(tmp_path: Path) -> None:
    root = corpus(tmp_path / "c")
    ignores = "".join(f'    no-such-check-{i}: "why"\n' for i in range(5000))
    (root / "d1.txt").write_text(
        f"---\nprovlint:\n  ignore:\n{ignores}---\nDocument one says hello.\n", encoding="utf-8"
    )
    found = findings(provlint("validate", "--no-cache", "--format", "json", cwd=root))
    unused = [f for f in found if f["check"] == "unused-suppression"]
    assert 1 <= len(unused) <= 51, len(unused)
    assert "4,950 more unused-suppression findings" in str(unused[-1]["message"])


def test_long_messages_are_cut_in_the_middle(tmp_path: Path) -> None:
    huge_file = "f" * 200_000 + ".txt"
    huge_id = "i" * 200_000
    root = corpus(tmp_path / "c", [(huge_id, "x/" + huge_file, "Wire", "2021-12-05")])
    proc = provlint("validate", "--no-cache", "--format", "json", cwd=root)
    found = findings(proc)
    assert found
    for f in found:
        message = str(f["message"])
        assert len(message) <= 1000, (f["check"], len(message))
    [missing] = [f for f in found if f["check"] == "missing-file"]
    message = str(missing["message"])
    assert " … " in message and message.startswith("row 'iii")
    assert message.endswith("does not exist") or message[-40:].strip("f") != ""
    # Paths stay exact data.
    assert missing["path"] == "INDEX.md"
    assert len(proc.stdout) < 200_000 * 2 + 50_000


def test_cut_message_keeps_start_and_end() -> None:
    from provlint.limits import MESSAGE_CHARS, cut_message

    text = "START" + "x" * 5000 + "END"
    cut = cut_message(text)
    assert len(cut) == MESSAGE_CHARS
    assert cut.startswith("START") and cut.endswith("END") and " … " in cut
    assert cut_message("short") == "short"
    assert cut_message("y" * MESSAGE_CHARS) == "y" * MESSAGE_CHARS


# --------------------------------------------------------------------------
# 15. Invisible characters in file names
# --------------------------------------------------------------------------

_INVISIBLE = {
    "\u200b": "\\u200b",
    "\u00a0": "\\u00a0",
    "\ufeff": "\\ufeff",
    "\u2060": "\\u2060",
    "\u00ad": "\\u00ad",
}


def test_escape_path_escapes_invisible_characters() -> None:
    from provlint.output import escape_path, unsafe_character

    for ch, shown in _INVISIBLE.items():
        assert escape_path(f"a{ch}b.txt") == f"a{shown}b.txt"
        assert unsafe_character(f"a{ch}b.txt") is not None
    assert escape_path("a\\u200b.txt") == "a\\\\u200b.txt"  # typed, not invisible
    assert escape_path("a\U000e0001b") == "a\\U000e0001b"
    assert escape_path("\ue000" + "1") == "\\ue0001"  # not U+E0001: that is \U000e0001
    assert escape_path("a b.txt") == "a b.txt" and unsafe_character("a b.txt") is None
    assert unsafe_character("\u00a0") == "a space other than U+0020 (\\u00a0)"


@posix_only
@pytest.mark.parametrize("fmt", ["text", "github"])
def test_invisible_characters_in_names_are_shown(tmp_path: Path, fmt: str) -> None:
    root = corpus(tmp_path / "c")
    for i, ch in enumerate(_INVISIBLE):
        (root / f"n{i}{ch}.txt").write_text("An unindexed document.\n", encoding="utf-8")
    proc = provlint("validate", "--no-cache", "--format", fmt, cwd=root)
    assert proc.returncode == 1, proc.stderr
    for i, (ch, shown) in enumerate(_INVISIBLE.items()):
        assert ch not in proc.stdout
        assert f"n{i}{shown}.txt" in proc.stdout


@posix_only
def test_index_does_not_write_invisible_characters(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    (root / "plain.txt").write_text("A document.\n", encoding="utf-8")
    for i, ch in enumerate(_INVISIBLE):
        (root / f"n{i}{ch}.txt").write_text("A document.\n", encoding="utf-8")
    proc = provlint("index", cwd=root)
    assert proc.returncode == 0, proc.stderr
    index = (root / "INDEX.md").read_text(encoding="utf-8")
    assert "plain.txt" in index
    for i, (ch, shown) in enumerate(_INVISIBLE.items()):
        assert ch not in index and f"n{i}" not in index
        assert f"n{i}{shown}.txt" in proc.stderr
