"""Plugin ergonomics, against real installed plugin packages.

Two small third-party distributions are written here, built into wheels
and installed with pip into private folders (never into the test
environment), then used through the real command line in subprocesses:

- ``provlint-embargo`` 1.2.0: entry point ``embargo`` =
  ``provlint_embargo.plugin``, a module with a document check
  (``embargo-date``, EM101, which takes its time on a document that asks
  for it), a header parser (the legacy date line extended with
  ``| embargo DATE | title TEXT``, which raises on a document that says
  ``EXPLODE``) and a configuration key (``embargo-desk``). Its package
  re-exports the plugin's hooks, as packages often do.
- ``provlint-broken-checks`` 0.3.0: entry point ``broken``, with a check
  that implements no check method, one whose ``check_document`` returns
  None, and one whose code another plugin's check has.

Nothing here uses the network: the wheels are built without build
isolation, with the setuptools of the running environment.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import provlint
import pytest
from conftest import cannot_build_wheels, pip
from provlint import CatalogueCheck, KeyedCheck, Severity
from provlint.registry import build_registry
from provlint.testing import CorpusBuilder

EMBARGO_PLUGIN = '''
"""provlint-embargo: documents under embargo."""

from __future__ import annotations

import re
import time

from provlint import DocumentCheck, Header, Severity, hookimpl

DAY = r"(\\d{4}-\\d{2}-\\d{2})"
LINE = re.compile(rf" date {DAY} \\| embargo {DAY}(?: \\| title ([^\\n]*))?\\n")


class EmbargoDate(DocumentCheck):
    """A document is under embargo.

    **What it does.** Reports a document whose header declares an `embargo`.

    **Why it matters.** An embargoed document must not be published early.

    **Example.** `a.txt:1:31: EM101 embargo-date [warning]: under embargo until 2021-12-10`

    **Options.** `desk` (string): the desk to tell.
    """

    code = "EM101"
    name = "embargo-date"
    severity = Severity.WARNING
    options = {"desk": {"type": "string"}}
    defaults = {"desk": "news"}

    def check_document(self, doc):
        if doc.text and "SLOW-CHECK" in doc.text:
            time.sleep(4)
        if doc.header is None or "embargo" not in doc.header.fields:
            return
        line, column = doc.header.position("embargo")
        yield self.finding(
            doc.path, line, column,
            f"under embargo until {doc.header.fields['embargo']}", doc_id=doc.doc_id,
        )


@hookimpl
def provlint_register_checks():
    return [EmbargoDate]


@hookimpl
def provlint_parse_header(path, text):
    if "EXPLODE" in text[:200]:
        raise ValueError("cannot read this embargo line")
    m = LINE.match(text)
    if m is None:
        return None
    header = Header(format="embargo-line")
    header.fields = {"date": m.group(1), "embargo": m.group(2)}
    header.positions = {(): (1, 1), ("date",): (1, 7), ("embargo",): (1, m.start(2) + 1)}
    if m.group(3):
        header.fields["title"] = m.group(3)
        header.positions[("title",)] = (1, m.start(3) + 1)
    header.body, header.body_line = text[m.end():], 2
    return header


@hookimpl
def provlint_config_options():
    return {"embargo-desk": {"type": "string"}}
'''

EMBARGO_INIT = '''
"""provlint-embargo. The plugin is the module provlint_embargo.plugin; its
hooks are re-exported here for convenience."""

from .plugin import (  # noqa: F401
    EmbargoDate,
    provlint_config_options,
    provlint_parse_header,
    provlint_register_checks,
)
'''

BROKEN_PLUGIN = '''
"""provlint-broken-checks: checks written wrong."""

from provlint import DocumentCheck, Severity, hookimpl


class NoProtocol(DocumentCheck):
    """A check whose method has the wrong name."""

    code = "BK101"
    name = "no-protocol"
    severity = Severity.WARNING

    def check(self, doc):  # should be check_document
        return [self.finding(doc.path, 1, 1, "never called")]


class ReturnsNone(DocumentCheck):
    """A check that builds its findings and forgets to return them."""

    code = "BK102"
    name = "returns-none"
    severity = Severity.WARNING

    def check_document(self, doc):
        found = [self.finding(doc.path, 1, 1, "lost")]  # noqa: F841


class SameCode(DocumentCheck):
    """A check whose code provlint-embargo's check has too."""

    code = "EM101"
    name = "embargo-clash"
    severity = Severity.INFO

    def check_document(self, doc):
        return []


@hookimpl
def provlint_register_checks():
    return [NoProtocol, ReturnsNone, SameCode]
'''


def _pyproject(name: str, module: str, entry: str, value: str, version: str) -> str:
    return textwrap.dedent(
        f"""\
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{name}"
        version = "{version}"
        requires-python = ">=3.10"
        dependencies = ["provlint"]

        [project.entry-points.provlint]
        {entry} = "{value}"

        [tool.setuptools]
        packages = ["{module}"]
        """
    )


DISTRIBUTIONS = {
    "embargo": (
        "provlint_embargo-1.2.0",
        {
            "pyproject.toml": _pyproject(
                "provlint-embargo",
                "provlint_embargo",
                "embargo",
                "provlint_embargo.plugin",
                "1.2.0",
            ),
            "provlint_embargo/__init__.py": EMBARGO_INIT,
            "provlint_embargo/plugin.py": EMBARGO_PLUGIN,
        },
    ),
    "broken": (
        "provlint_broken_checks-0.3.0",
        {
            "pyproject.toml": _pyproject(
                "provlint-broken-checks",
                "provlint_broken_checks",
                "broken",
                "provlint_broken_checks",
                "0.3.0",
            ),
            "provlint_broken_checks/__init__.py": BROKEN_PLUGIN,
        },
    ),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each distribution built into a wheel and installed (module and
    dist-info) into a folder of its own."""
    why = cannot_build_wheels()
    if why:
        pytest.skip(why)
    tmp = tmp_path_factory.mktemp("ergonomics")
    out = {}
    for key, (stem, files) in DISTRIBUTIONS.items():
        project = tmp / f"{key}-project"
        for rel, text in files.items():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            (project / rel).write_text(text.lstrip("\n"), encoding="utf-8")
        dist = tmp / f"{key}-dist"
        pip(
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(dist),
            str(project),
            cwd=tmp,
        )
        [wheel] = dist.glob(f"{stem}-*.whl")
        out[key] = tmp / f"{key}-site"
        pip("install", "--no-deps", "--no-index", "--target", str(out[key]), str(wheel), cwd=tmp)
        shutil.rmtree(project)
    return out


def _env(*sites: Path) -> dict[str, str]:
    entries = [str(s) for s in sites]
    package_dir = Path(provlint.__file__).resolve().parent
    if package_dir.name == "provlint":
        entries.append(str(package_dir.parent))
    if os.environ.get("PYTHONPATH"):
        entries.append(os.environ["PYTHONPATH"])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(entries), "PYTHONDONTWRITEBYTECODE": "1"}
    for name in ("NO_COLOR", "FORCE_COLOR", "PYTEST_ADDOPTS", "CI"):
        env.pop(name, None)
    return env


def _provlint(
    sites: list[Path], *args: str, cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "provlint", *args],
        cwd=cwd,
        env=_env(*sites),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _json(sites: list[Path], *args: str, cwd: Path, exit_code: int) -> tuple[Any, str]:
    proc = _provlint(sites, *args, "--format", "json", cwd=cwd)
    assert proc.returncode == exit_code, proc.stdout + proc.stderr
    return json.loads(proc.stdout), proc.stderr


def _corpus(path: Path, **docs: bytes) -> Path:
    corpus = CorpusBuilder(path)
    for i, (stem, raw) in enumerate(sorted(docs.items())):
        corpus.row(f"d{i}", f"{stem}.txt", source="Wire", date="2021-12-05")
        corpus.doc(f"{stem}.txt", raw=raw)
    return corpus.write()


EMBARGOED = b" date 2021-12-05 | embargo 2021-12-10\nThe council met.\n"
PLAIN = b"---\ndate: 2021-12-05\n---\nThe council met again.\n"


def _codes(out: Any) -> list[tuple[str, str]]:
    return [(f["path"], f["code"]) for f in out["findings"]]


# --------------------------------------------------------------------------
# Loading the same plugin twice
# --------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "flags",
    [
        [],
        ["-p", "provlint_embargo.plugin"],  # the entry point's own module
        ["-p", "provlint_embargo"],  # its package, which re-exports the hooks
        ["-p", "embargo"],  # the entry point's name
        ["-p", "provlint-embargo"],  # the distribution's name
        ["--no-entry-points", "-p", "provlint_embargo"],
        ["--config", "trusted.toml"],
        ["--no-entry-points", "--config", "trusted.toml"],
    ],
    ids=" ".join,
)
def test_a_plugin_named_twice_loads_once_quietly(
    sites: dict[str, Path], tmp_path: Path, flags: list[str]
) -> None:
    root = _corpus(tmp_path / "c", a=EMBARGOED, b=PLAIN)
    (root / "trusted.toml").write_text(
        'plugins = ["provlint_embargo", "provlint_embargo.plugin"]\n'
    )
    out, err = _json([sites["embargo"]], "validate", str(root), *flags, cwd=root, exit_code=0)
    assert err == ""
    # Its check and its header parser are there, once.
    assert _codes(out) == [("a.txt", "EM101")]
    [finding] = out["findings"]
    assert (finding["line"], finding["column"]) == (1, 28)
    assert finding["plugin"] == "provlint-embargo"


@pytest.mark.slow
def test_a_folder_configuration_selects_it_once(sites: dict[str, Path], tmp_path: Path) -> None:
    root = _corpus(tmp_path / "c", a=EMBARGOED)
    (root / "provlint.toml").write_text('plugins = ["embargo", "provlint-embargo"]\n')
    for flags in ([], ["--no-entry-points"], ["-p", "provlint_embargo"]):
        out, err = _json([sites["embargo"]], "validate", str(root), *flags, cwd=root, exit_code=0)
        assert (err, _codes(out)) == ("", [("a.txt", "EM101")]), flags


@pytest.mark.slow
def test_checks_lists_it_once(sites: dict[str, Path], tmp_path: Path) -> None:
    proc = _provlint(
        [sites["embargo"]], "checks", "--format", "json", "-p", "provlint_embargo", cwd=tmp_path
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    rows = json.loads(proc.stdout)["checks"]
    assert [r["plugin"] for r in rows if r["code"] == "EM101"] == ["provlint-embargo"]


def test_a_name_taken_by_another_plugin_is_one_short_line() -> None:
    """Two plugin objects of one name: the second is not loaded, and the
    message says so in a line, without listing every registered plugin."""

    class First:
        __name__ = "twin"

        @provlint.hookimpl
        def provlint_config_options(self) -> dict[str, Any]:
            return {"twin-one": {"type": "string"}}

    class Second(First):
        @provlint.hookimpl
        def provlint_config_options(self) -> dict[str, Any]:
            return {"twin-two": {"type": "string"}}

    reg = build_registry(load_entrypoints=False, objects=[First(), Second()])
    [error] = reg.findings
    assert error.message == (
        "plugin 'twin' (twin, object) is not loaded: its name 'twin' is already taken by "
        "plugin 'twin' (twin)"
    )
    assert "\n" not in error.message and "date_mismatch" not in error.message
    assert set(reg.option_schemas) == {"twin-one"}


def test_a_module_reexporting_a_plugins_hooks_is_not_loaded_again() -> None:
    import types

    @provlint.hookimpl
    def provlint_config_options() -> dict[str, Any]:
        return {"first-key": {"type": "string"}}

    @provlint.hookimpl
    def provlint_register_formats() -> list[type]:
        return []

    plugin = types.ModuleType("pkg.plugin")
    plugin.provlint_config_options = provlint_config_options  # type: ignore[attr-defined]
    package = types.ModuleType("pkg")  # re-exports the plugin's hooks
    package.provlint_config_options = provlint_config_options  # type: ignore[attr-defined]
    extra = types.ModuleType("pkg.extra")  # a hook of its own, and a re-exported one
    extra.provlint_config_options = provlint_config_options  # type: ignore[attr-defined]
    extra.provlint_register_formats = provlint_register_formats  # type: ignore[attr-defined]
    reg = build_registry(load_entrypoints=False, objects=[plugin, package, extra])
    assert reg.findings == []
    assert [p.name for p in reg.plugins if p.origin == "object"] == ["pkg.plugin", "pkg.extra"]


# --------------------------------------------------------------------------
# Check classes validated at load time; None where findings are expected
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_check_without_its_method_is_reported_once_at_load(
    sites: dict[str, Path], tmp_path: Path
) -> None:
    root = _corpus(tmp_path / "c", a=PLAIN, b=PLAIN, c=PLAIN)
    out, _ = _json([sites["broken"]], "validate", str(root), cwd=root, exit_code=3)
    load = [f for f in out["findings"] if "no-protocol" in f["message"]]
    assert len(load) == 1  # once, not once per document
    [error] = load
    assert (error["code"], error["path"], error["plugin"]) == (
        "PV001",
        "",
        "provlint-broken-checks",
    )
    assert error["message"] == (
        "plugin 'provlint-broken-checks': check no-protocol (BK101) does not implement "
        "check_document(doc), which a DocumentCheck runs on each document"
    )
    # `provlint checks` says it too, and leaves the check out.
    proc = _provlint([sites["broken"]], "checks", cwd=tmp_path)
    assert proc.returncode == 3
    assert "check no-protocol (BK101) does not implement check_document(doc)" in proc.stderr
    assert "BK101" not in proc.stdout and "BK102" in proc.stdout


@pytest.mark.slow
def test_none_returned_for_findings_is_reported(sites: dict[str, Path], tmp_path: Path) -> None:
    root = _corpus(tmp_path / "c", a=PLAIN)
    out, _ = _json(
        [sites["broken"]], "validate", str(root), "--select", "BK102", cwd=root, exit_code=3
    )
    [error] = [f for f in out["findings"] if "returns-none" in f["message"]]
    assert error["message"] == (
        "check 'returns-none' (plugin provlint-broken-checks 0.3.0) returned None on a.txt, "
        "not an iterable of findings (yield each finding, or return a list; an empty one when "
        "there is none)"
    )
    assert (error["path"], error["plugin"]) == ("a.txt", "provlint-broken-checks")


class _Judge(KeyedCheck):
    """A keyed check whose judge returns None."""

    code = "XE301"
    name = "judge-returns-none"
    severity = Severity.WARNING
    stages = ("k",)

    def emit(self, doc: provlint.Document) -> Iterator[tuple[Any, Any]]:
        yield ("k", 1), doc.path

    def judge(self, key: Any, records: Any, totals: Any) -> Any:
        return None


class _Catalogue(CatalogueCheck):
    """A catalogue check that returns None."""

    code = "XE302"
    name = "catalogue-returns-none"
    severity = Severity.WARNING

    def check_catalogue(self, catalogue: Any) -> Any:
        return None


@pytest.mark.parametrize("cls", [_Judge, _Catalogue], ids=lambda c: c.name)
def test_none_from_judge_or_a_catalogue_check_is_reported(
    provlint_corpus: CorpusBuilder, cls: type
) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire", date="2021-12-05").doc("a.txt")
    report = provlint_corpus.run(plugins=[cls], select=[cls.code])  # type: ignore[attr-defined]
    [error] = report.findings
    assert error.code == "PV001"
    assert "returned None on the corpus, not an iterable of findings" in error.message
    assert report.failed_checks == {cls.name}  # type: ignore[attr-defined]


# --------------------------------------------------------------------------
# A header parser that raises; code clashes
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_a_header_parser_that_raises_names_its_plugin(
    sites: dict[str, Path], tmp_path: Path
) -> None:
    root = _corpus(tmp_path / "c", a=EMBARGOED, b=b"EXPLODE\nbody\n")
    out, _ = _json([sites["embargo"]], "validate", str(root), cwd=root, exit_code=3)
    [error] = [f for f in out["findings"] if f["code"] == "PV001"]
    assert {k: error[k] for k in ("path", "line", "column", "plugin")} == {
        "path": "b.txt",
        "line": 1,
        "column": 1,
        "plugin": "provlint-embargo",
    }
    assert error["message"] == (
        "the header parser of plugin provlint-embargo 1.2.0 raised ValueError on b.txt: "
        "cannot read this embargo line"
    )
    # The text format puts it at the same place.
    proc = _provlint([sites["embargo"]], "validate", str(root), "--color", "never", cwd=root)
    assert proc.returncode == 3
    assert "b.txt:1:1: PV001 internal-error" in proc.stdout


@pytest.mark.slow
def test_a_code_clash_says_which_plugins_check_was_dropped(
    sites: dict[str, Path], tmp_path: Path
) -> None:
    proc = _provlint([sites["broken"], sites["embargo"]], "checks", cwd=tmp_path)
    assert proc.returncode == 3
    # Entry points load by name: 'broken' first, so embargo's EM101 is the one dropped.
    assert (
        "check embargo-date (EM101) of plugin provlint-embargo 1.2.0 is not loaded: its code "
        "is taken by check embargo-clash (EM101) of plugin provlint-broken-checks 0.3.0, "
        "loaded first"
    ) in proc.stderr
    assert "embargo-clash" in proc.stdout and "embargo-date" not in proc.stdout


# --------------------------------------------------------------------------
# -p no:NAME
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_p_no_with_an_unknown_name_says_so(sites: dict[str, Path], tmp_path: Path) -> None:
    root = _corpus(tmp_path / "c", a=EMBARGOED)
    for command in (["checks"], ["validate", str(root)]):
        proc = _provlint([sites["embargo"]], *command, "-p", "no:embargoo", cwd=root)
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == (
            "provlint: warning: -p no:embargoo: no plugin is named 'embargoo', so nothing was "
            "blocked (a plugin is named by its entry point, its distribution or its module; "
            "`provlint checks` lists the loaded plugins)\n"
        )
        assert "EM101" in proc.stdout  # nothing was blocked
    # Every name of the plugin blocks it, without a warning.
    for name in ("embargo", "provlint-embargo", "provlint_embargo.plugin"):
        proc = _provlint([sites["embargo"]], "checks", "-p", f"no:{name}", cwd=root)
        assert (proc.returncode, proc.stderr) == (0, ""), name
        assert "EM101" not in proc.stdout


BLOCKED_CONFIG = """\
embargo-desk = "politics"
ignore = ["EM1"]

[check.embargo-date]
desk = "politics"
severity = "error"
"""


@pytest.mark.slow
def test_the_sections_of_a_blocked_plugin_are_inactive_with_a_warning(
    sites: dict[str, Path], tmp_path: Path
) -> None:
    # Blocked, the line is a legacy header: the embargo is the same day, so
    # that date-mismatch has nothing to say of it.
    root = _corpus(tmp_path / "c", a=b" date 2021-12-05 | embargo 2021-12-05\nThe council met.\n")
    (root / "provlint.toml").write_text(BLOCKED_CONFIG)
    out, err = _json([sites["embargo"]], "validate", str(root), cwd=root, exit_code=0)
    assert (err, out["findings"]) == ("", [])  # loaded: the configuration is used (EM1 ignored)
    out, err = _json(
        [sites["embargo"]], "validate", str(root), "-p", "no:embargo", cwd=root, exit_code=0
    )
    assert out["findings"] == []
    config = root / "provlint.toml"
    assert err.splitlines() == [
        f"provlint: warning: {config}: 'embargo-desk': no loaded plugin declares this key; "
        "left inactive, as -p no:embargo blocked a plugin that may provide it",
        f"provlint: warning: {config}: [check.embargo-date]: no loaded check is named "
        "'embargo-date'; left inactive, as -p no:embargo blocked a plugin that may provide it",
        "provlint: warning: ignore: 'EM1' matches no loaded check; left inactive, as "
        "-p no:embargo blocked a plugin that may provide it",
    ]
    # Without a plugin blocked, the same sections are a configuration error.
    proc = _provlint([], "validate", str(root), cwd=root)
    assert proc.returncode == 2
    assert "unknown configuration key 'embargo-desk'" in proc.stderr


@pytest.mark.slow
def test_required_plugins_says_blocked(sites: dict[str, Path], tmp_path: Path) -> None:
    root = _corpus(tmp_path / "c", a=PLAIN)
    (root / "provlint.toml").write_text('required-plugins = ["provlint-embargo"]\n')
    proc = _provlint([sites["embargo"]], "validate", str(root), "-p", "no:embargo", cwd=root)
    assert proc.returncode == 2
    assert proc.stderr == (
        "provlint: error: required plugin provlint-embargo is blocked (-p no:NAME); unblock it, "
        "or remove it from 'required-plugins'\n"
    )
    proc = _provlint([], "validate", str(root), cwd=root)  # not installed
    assert proc.returncode == 2 and "install it" in proc.stderr


# --------------------------------------------------------------------------
# One plugin identity
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_one_plugin_identity_everywhere(sites: dict[str, Path], tmp_path: Path) -> None:
    root = CorpusBuilder(tmp_path / "c")
    root.row("a1", "a.txt", source="Wire").doc("a.txt", raw=EMBARGOED)
    root.row("b1", "b.txt", source="Wire").doc("b.txt", raw=b"no header\n")
    folder = root.write()
    for flags in ([], ["--no-entry-points", "-p", "provlint_embargo.plugin"]):
        out, _ = _json([sites["embargo"]], "validate", str(folder), *flags, cwd=folder, exit_code=1)
        assert {(f["check"], f["plugin"]) for f in out["findings"]} == {
            ("embargo-date", "provlint-embargo"),
            ("missing-date", "provlint"),
        }, flags
    rows = json.loads(
        _provlint([sites["embargo"]], "checks", "--format", "json", cwd=tmp_path).stdout
    )["checks"]
    assert {r["plugin"] for r in rows} == {"provlint", "provlint-embargo"}
    proc = _provlint([sites["embargo"]], "explain", "EM101", cwd=tmp_path)
    assert "plugin provlint-embargo 1.2.0)" in proc.stdout.splitlines()[0]


def test_the_library_gives_builtins_the_name_provlint(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire").doc("a.txt")
    [finding] = provlint_corpus.findings(select=["missing-date"])
    assert finding.plugin == "provlint"


# --------------------------------------------------------------------------
# index and fix: -p, and the plugins' header parsers
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_index_and_fix_take_p_and_read_the_plugins_headers(
    sites: dict[str, Path], tmp_path: Path
) -> None:
    line = b" date 2021-12-05 | embargo 2021-12-10 | title Budget vote\nThe council met.\n"
    site = [sites["embargo"]]
    plugin = ["--no-entry-points", "-p", "provlint_embargo.plugin"]

    root = tmp_path / "index"
    root.mkdir()
    (root / "a.txt").write_bytes(line)
    proc = _provlint(site, "index", str(root), *plugin, cwd=root)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    assert "| Budget vote |" in (root / "INDEX.md").read_text()

    root = tmp_path / "fix"
    root.mkdir()
    (root / "a.txt").write_bytes(line)
    assert _provlint(site, "index", str(root), *plugin, cwd=root).returncode == 0
    # With the plugin, the line is its header, not a legacy one: fix leaves it.
    proc = _provlint(site, "fix", str(root), *plugin, cwd=root)
    assert proc.returncode == 0, proc.stderr
    assert "a.txt:1: its first line looks like a legacy header, but validate reads it as a " in (
        proc.stderr
    )
    assert "'embargo-line' header (a plugin's format); not rewritten" in proc.stderr
    # Without it, the line is the legacy header, and fix would rewrite it.
    proc = _provlint(site, "fix", str(root), "--no-entry-points", "--check", cwd=root)
    assert proc.returncode == 1 and "+date: 2021-12-05" in proc.stdout
    assert (root / "a.txt").read_bytes() == line
    proc = _provlint(site, "fix", str(root), "-p", "no:embargo", "--check", cwd=root)
    assert proc.returncode == 1


# --------------------------------------------------------------------------
# Slow checks: --check-timeout, and which check runs, on a terminal
# --------------------------------------------------------------------------


@pytest.mark.slow
def test_check_timeout_flag(sites: dict[str, Path], tmp_path: Path) -> None:
    root = _corpus(tmp_path / "c", a=b"---\ndate: 2021-12-05\n---\nSLOW-CHECK\n")
    out, _ = _json(
        [sites["embargo"]], "validate", str(root), "--check-timeout", "0.5", cwd=root, exit_code=3
    )
    [error] = out["findings"]
    assert error["message"] == (
        "check 'embargo-date' (plugin provlint-embargo 1.2.0) ran longer than 0.5 s on a.txt "
        "and was stopped (check-timeout)"
    )
    proc = _provlint([sites["embargo"]], "validate", "--check-timeout", "-1", str(root), cwd=root)
    assert proc.returncode == 2 and "expected a number of seconds >= 0" in proc.stderr


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run ``args`` with stderr a pseudo-terminal: the exit code and what
    the terminal showed."""
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=follower, timeout=300
        )
        os.close(follower)
        follower = -1
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the other side is closed: everything is read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(leader)
        if follower != -1:
            os.close(follower)
    return proc.returncode, seen.decode("utf-8", "replace")


SLOW_DOC = b"---\ndate: 2021-12-05\n---\nSLOW-CHECK\n"
NOTICE = "provlint: check 'embargo-date' (plugin provlint-embargo 1.2.0) still running on {} (3 s)"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_slow_check_is_named_on_a_terminal(sites: dict[str, Path], tmp_path: Path) -> None:
    root = _corpus(tmp_path / "c", a=SLOW_DOC)
    args = [sys.executable, "-m", "provlint", "validate", str(root), "--no-cache", "-q"]
    env = _env(sites["embargo"])
    started = time.monotonic()
    code, shown = _on_a_terminal(args, root, env)
    assert code == 0, shown
    assert time.monotonic() - started >= 4
    assert NOTICE.format("a.txt") in shown, shown
    # Not a terminal, or --no-progress: nothing is said.
    proc = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert (proc.returncode, proc.stderr) == (0, "")
    code, shown = _on_a_terminal([*args, "--no-progress"], root, env)
    assert (code, shown) == (0, "")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_a_slow_check_in_a_worker_process_is_named_too(
    sites: dict[str, Path], tmp_path: Path
) -> None:
    corpus = CorpusBuilder(tmp_path / "c")
    for i in range(500):  # enough documents for two worker processes
        corpus.row(f"d{i}", f"d{i:03}.txt", source="Wire", date="2021-12-05")
        corpus.doc(f"d{i:03}.txt", raw=SLOW_DOC if i == 7 else PLAIN)
    root = corpus.write()
    args = [sys.executable, "-m", "provlint", "validate", str(root), "--no-cache", "-q", "-j", "2"]
    code, shown = _on_a_terminal(args, root, _env(sites["embargo"]))
    assert code == 0, shown
    assert NOTICE.format("d007.txt") in shown, shown


# --------------------------------------------------------------------------
# The same rules, from Python (quick)
# --------------------------------------------------------------------------


def _checks_object(*classes: type) -> Any:
    class Checks:
        __name__ = "local-checks"

        @provlint.hookimpl
        def provlint_register_checks(self) -> list[type]:
            return list(classes)

    return Checks()


class _NoEmit(KeyedCheck):
    """A keyed check that emits nothing."""

    code, name = "XE311", "no-emit"
    stages = ("k",)

    def judge(self, key: Any, records: Any, totals: Any) -> Any:
        return []


class _NoCatalogue(CatalogueCheck):
    """A catalogue check without check_catalogue."""

    code, name = "XE312", "no-catalogue"


class _NoCorpus(provlint.CorpusCheck):
    """A corpus check without check_corpus."""

    code, name = "XE313", "no-corpus"


class _HalfDocument(provlint.DocumentCheck, KeyedCheck):
    """Keyed, and a document check without check_document."""

    code, name = "XE314", "half-document"
    stages = ("k",)

    def emit(self, doc: provlint.Document) -> Iterator[tuple[Any, Any]]:
        yield ("k", 1), doc.path


@pytest.mark.parametrize(
    "cls, says",
    [
        (
            _NoEmit,
            "does not implement the keyed protocol of a KeyedCheck: emit(doc) or "
            "emit_catalogue(catalogue), with judge(key, records, totals)",
        ),
        (_NoCatalogue, "does not implement check_catalogue(catalogue)"),
        (_NoCorpus, "does not implement check_corpus(corpus)"),
        (_HalfDocument, "does not implement check_document(doc)"),
    ],
    ids=lambda v: getattr(v, "name", ""),
)
def test_each_kind_of_check_is_validated_at_load(cls: type, says: str) -> None:
    reg = build_registry(load_entrypoints=False, objects=[_checks_object(cls)])
    [error] = reg.findings
    assert error.message.startswith(f"plugin 'local-checks': check {cls.name} ")  # type: ignore[attr-defined]
    assert says in error.message
    assert error.plugin == "local-checks"
    assert cls.name not in reg.checks  # type: ignore[attr-defined]


def test_a_header_parser_returning_garbage_names_its_plugin(
    provlint_corpus: CorpusBuilder,
) -> None:
    class Garbage:
        __name__ = "garbage-headers"

        @provlint.hookimpl
        def provlint_parse_header(self, path: str, text: str) -> Any:
            return "not a header" if "GARBAGE" in text else None

    provlint_corpus.row("a1", "a.txt", source="Wire", date="2021-12-05")
    provlint_corpus.doc("a.txt", raw=b"GARBAGE\n")
    [error] = provlint_corpus.findings(plugins=[Garbage()], select=["PV001"])
    assert (error.path, error.line, error.column, error.plugin) == (
        "a.txt",
        1,
        1,
        "garbage-headers",
    )
    assert error.message == (
        "the header parser of plugin garbage-headers returned str on a.txt, expected a Header"
    )


def test_blocked_plugins_leave_selectors_inactive_with_warnings(
    provlint_corpus: CorpusBuilder,
) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire").doc("a.txt").doc("b.txt")
    report = provlint_corpus.run(
        select=["missing-date", "unindexed-file"],
        blocked_plugins=["missing_date"],
        extend_select=["PV107"],
        per_file_ignores={"*.txt": ["missing-date"]},
        check_options={"missing-date": {"severity": "info"}},
    )
    assert [(f.path, f.check) for f in report.findings] == [("b.txt", "unindexed-file")]
    assert report.registry is not None
    assert report.registry.warnings == [
        "[check.missing-date]: no loaded check is named 'missing-date'; left inactive, as "
        "-p no:missing_date blocked a plugin that may provide it",
        *(
            f"{key}: {sel!r} matches no loaded check; left inactive, as -p no:missing_date "
            "blocked a plugin that may provide it"
            for key, sel in [
                ("select", "missing-date"),
                ("extend-select", "PV107"),
                ("per-file-ignores.*.txt", "missing-date"),
            ]
        ),
    ]


def test_an_unknown_block_is_a_warning_from_python_too(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire").doc("a.txt")
    report = provlint_corpus.run(blocked_plugins=["missing_dates"], select=["missing-date"])
    assert [f.check for f in report.findings] == ["missing-date"]
    assert report.registry is not None
    [warning] = report.registry.warnings
    assert warning.startswith("-p no:missing_dates: no plugin is named 'missing_dates'")


def test_the_slow_notice_repeats_while_the_call_goes_on() -> None:
    import io

    from provlint.guard import SlowNotice

    stream = io.StringIO()
    notice = SlowNotice()
    notice.enable(stream, after=0.2, every=0.5)
    try:
        with notice.running("check 'slow' (plugin p 1.0)", "a\x1b[31m.txt"):
            time.sleep(1.0)
        with notice.running("check 'quick' (plugin p 1.0)", ""):
            pass
        time.sleep(0.4)
    finally:
        notice.disable()
    lines = stream.getvalue().split("\n")
    said = [line.rsplit("\x1b[K", 1)[-1] for line in lines if line]
    assert said[:2] == [
        "provlint: check 'slow' (plugin p 1.0) still running on a\\x1b[31m.txt (0 s)",
        "provlint: check 'slow' (plugin p 1.0) still running on a\\x1b[31m.txt (1 s)",
    ]
    assert len(said) == 2  # not a third time, and nothing of the quick call


@pytest.mark.parametrize(
    "tty, env, no_progress, shown",
    [
        (True, {}, False, True),
        (False, {}, False, False),
        (True, {"CI": "true"}, False, False),
        (True, {}, True, False),
    ],
)
def test_the_slow_notice_is_for_terminals_only(
    monkeypatch: pytest.MonkeyPatch, tty: bool, env: dict[str, str], no_progress: bool, shown: bool
) -> None:
    import argparse
    import io

    from provlint import cli
    from provlint.guard import SLOW

    class Err(io.StringIO):
        def isatty(self) -> bool:
            return tty

    monkeypatch.delenv("CI", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    err = Err()
    monkeypatch.setattr(sys, "stderr", err)
    try:
        cli._slow_notice(argparse.Namespace(no_progress=no_progress))
        assert (SLOW.stream is err) is shown
    finally:
        SLOW.disable()


class _OneFinding(provlint.DocumentCheck):
    """A document check that returns one finding, not an iterable of them."""

    code, name = "XE321", "one-finding"

    def check_document(self, doc: provlint.Document) -> Any:
        return self.finding(doc.path, 1, 1, "alone")


def test_a_single_finding_returned_is_reported(provlint_corpus: CorpusBuilder) -> None:
    provlint_corpus.row("a1", "a.txt", source="Wire", date="2021-12-05").doc("a.txt")
    [error] = provlint_corpus.findings(plugins=[_OneFinding], select=["XE321"])
    assert error.message == (
        "check 'one-finding' (plugin checks:_OneFinding) returned a Finding on a.txt, not an "
        "iterable of findings (yield each finding, or return a list; an empty one when there "
        "is none)"
    )
