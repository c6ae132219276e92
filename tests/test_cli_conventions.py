"""Command-line conventions users bring from ruff and pytest: --output-format,
--config FILE and --isolated, a help line for everything, index and fix
writing by default, shell completion, and the Python 3.10 TOML path."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from provlint.cli import build_parser, main

GOOD = {
    "INDEX.md": "# Corpus\n\n| id | file | title | source | date |\n|---|---|---|---|---|\n"
    "| a1 | a.txt | A | Wire | 2021-12-05 |\n| b2 | b.md | B | Wire | 2021-12-06 |\n",
    "a.txt": " date 2021-12-05 Body text.\n",
    "b.md": "---\nid: b2\ndate: 2021-12-06\n---\nBody.\n",
}
BIN = Path(sys.executable).parent
HERE = Path(__file__).parent  # a working folder from which 'import provlint' is the installed one


def make(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------
# --output-format
# --------------------------------------------------------------------------


def test_output_format_is_a_spelling_of_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(tmp_path / "c", {**GOOD, "b.md": "---\nid: b2\ndate: 2021-12-09\n---\nBody.\n"})
    common = ("validate", "--no-entry-points", "--no-cache", str(root))
    code, by_format, _ = run(capsys, *common, "--format", "json")
    assert code == 1
    code, by_output_format, _ = run(capsys, *common, "--output-format", "json")
    assert code == 1 and by_output_format == by_format
    assert json.loads(by_output_format)["findings"][0]["check"] == "date-mismatch"
    code, eq_form, _ = run(capsys, *common, "--output-format=json")
    assert eq_form == by_format
    # The other commands that take --format take it too.
    assert json.loads(run(capsys, "checks", "--no-entry-points", "--output-format", "json")[1])
    out = run(capsys, "explain", "--no-entry-points", "PV201", "--output-format", "markdown")[1]
    assert out.startswith("## date-mismatch")
    out = run(capsys, "config", str(root), "--output-format", "json")[1]
    assert json.loads(out)["corpus"] == str(root)
    code, _, err = run(capsys, *common, "--output-format", "nonesuch")
    assert code == 2 and "unknown output format 'nonesuch'" in err


# --------------------------------------------------------------------------
# --config FILE and --isolated
# --------------------------------------------------------------------------


def test_config_file_replaces_the_found_one_and_isolated_ignores_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(tmp_path / "proj" / "c", {**GOOD, "a.txt": "no header\n"})
    (root / "INDEX.md").write_text("| id | file |\n|---|---|\n| a1 | a.txt |\n")
    (tmp_path / "proj" / "pyproject.toml").write_text(
        '[tool.provlint]\nselect = ["missing-date"]\n'
    )
    own = tmp_path / "elsewhere" / "provlint.toml"
    own.parent.mkdir()
    own.write_text('select = ["missing-source"]\n')
    common = ("validate", "--no-entry-points", "--no-cache", "--format", "json", str(root))

    def checks(*flags: str) -> set[str]:
        code, out, err = run(capsys, *common, *flags)
        assert code in (0, 1), err
        return {f["check"] for f in json.loads(out)["findings"]}

    assert checks() == {"missing-date"}  # found from the corpus upwards
    assert checks("--config", str(own)) == {"missing-source"}  # FILE instead of the found one
    isolated = checks("--isolated")  # defaults: every check
    assert {"missing-date", "missing-source"} <= isolated

    # config shows where its values come from under each flag.
    out = run(capsys, "config", str(root), "--format", "json", "--config", str(own))[1]
    assert json.loads(out)["file"] == str(own)
    out = run(capsys, "config", str(root), "--format", "json", "--isolated")[1]
    assert json.loads(out)["file"] is None
    out = run(capsys, "config", str(root), "--format", "json")[1]
    assert json.loads(out)["file"] == str(tmp_path / "proj" / "pyproject.toml")

    # index takes them too: the found file's documents glob, or the defaults.
    (tmp_path / "proj" / "pyproject.toml").write_text(
        '[tool.provlint]\ndocuments = ["*.md"]\n'
    )
    (root / "new.txt").write_text("---\ndate: 2020-01-01\n---\nNew.\n")
    out = run(capsys, "index", "--check", str(root))[1]
    assert "new.txt" not in out  # not a document under the found configuration
    code, out, _ = run(capsys, "index", "--check", "--isolated", str(root))
    assert code == 1 and "new.txt" in out  # the default globs take it


def test_config_and_isolated_exclude_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = tmp_path / "provlint.toml"
    own.write_text("")
    for command in ("validate", "config", "index", "fix"):
        with pytest.raises(SystemExit) as exc:
            main([command, "--config", str(own), "--isolated"])
        assert exc.value.code == 2
        assert "not allowed with argument" in capsys.readouterr().err


def test_a_missing_config_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(tmp_path / "c", GOOD)
    code, _, err = run(
        capsys, "validate", "--no-entry-points", str(root), "--config", str(tmp_path / "no.toml")
    )
    assert code == 2 and "no.toml" in err


# --------------------------------------------------------------------------
# --help
# --------------------------------------------------------------------------


def _parsers(
    parser: argparse.ArgumentParser, path: str = "provlint"
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(path, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helped = {a.dest for a in action._choices_actions if (a.help or "").strip()}
            missing = sorted(set(action.choices) - helped)
            assert not missing, f"{path}: subcommands without a help line: {missing}"
            for name, sub in action.choices.items():
                found.extend(_parsers(sub, f"{path} {name}"))
    return found


def test_every_flag_and_subcommand_has_a_help_line() -> None:
    parsers = _parsers(build_parser())
    assert len(parsers) > 5
    missing = [
        f"{path} {'/'.join(action.option_strings) or action.dest}"
        for path, parser in parsers
        for action in parser._actions
        if not (action.help or "").strip() or action.help == argparse.SUPPRESS
    ]
    assert not missing, f"without a help line: {missing}"


def test_top_level_help_lists_every_subcommand_and_loads_no_plugin() -> None:
    code = (
        "import sys\n"
        "from provlint.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('provlint.registry', 'provlint.plugins', 'jsonschema', 'yaml')"
        " if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=HERE, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    for command in ("validate", "cache", "checks", "config", "explain", "index", "fix"):
        assert f"\n    {command} " in proc.stdout or f"\n    {command}\n" in proc.stdout
    assert "completion" in proc.stdout
    assert "'provlint validate --help' lists every one" in proc.stdout


FORMAT_PLUGIN = '''
from provlint import hookimpl
from provlint.output import OutputFormat


class CountFormat(OutputFormat):
    name = "count-only"
    description = "the number of findings, nothing else"

    def render(self, reports, stream, options):
        stream.write(str(sum(len(r.findings) for r in reports)) + "\\n")


@hookimpl
def provlint_register_formats():
    return [CountFormat]
'''


def test_validate_help_lists_every_format_plugin_formats_included(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cli_count_format.py").write_text(FORMAT_PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    from provlint.registry import build_registry

    builtin = build_registry(load_entrypoints=False).formats
    assert {"text", "json", "sarif", "html"} <= set(builtin)
    with pytest.raises(SystemExit) as exc:
        main(["validate", "--no-entry-points", "-p", "cli_count_format", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    section = out.split("output formats (--format, --output-format):\n")[1].split("\n\n")[0]
    listed = {line.split()[0]: line for line in section.splitlines()}
    assert set(listed) == {*builtin, "count-only"}
    assert "the number of findings, nothing else" in listed["count-only"]
    assert "SARIF 2.1.0" in listed["sarif"]
    # And the format it lists is one validate takes.
    root = make(tmp_path / "c", GOOD)
    code, out, _ = run(
        capsys, "validate", "--no-entry-points", "--no-cache", "-p", "cli_count_format",
        "--output-format", "count-only", str(root),
    )
    assert (code, out) == (0, "0\n")
    sys.modules.pop("cli_count_format", None)


# --------------------------------------------------------------------------
# index and fix: both write unless --check or --diff
# --------------------------------------------------------------------------

LEGACY = {
    "INDEX.md": "| id | file | date |\n|---|---|---|\n| a | a.txt | 2021-12-05 |\n",
    "a.txt": " date 2021-12-05 Registration was successful!\n",
}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.is_file()}


@pytest.mark.parametrize("flag", ["--check", "--diff"])
def test_index_and_fix_write_unless_check_or_diff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    root = make(tmp_path / "c", LEGACY)
    before = _snapshot(root)
    for command in ("fix", "index"):
        code, out, err = run(capsys, command, flag, str(root))
        assert code == 1, err  # something would change
        assert "--- a/" in out and "+++ b/" in out  # the diff, on stdout
        assert "would" in err
        assert _snapshot(root) == before  # nothing written
    code, out, err = run(capsys, "fix", str(root))
    assert code == 0 and "1 file fixed" in out, err
    assert (root / "a.txt").read_text().startswith("---\ndate: 2021-12-05\n---\n")
    code, out, err = run(capsys, "index", str(root))
    assert code == 0, err
    assert "sha256" in (root / "INDEX.md").read_text()
    for command in ("fix", "index"):
        assert run(capsys, command, flag, str(root))[0] == 0  # nothing left to change


def test_fix_write_still_works_with_a_deprecation_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(tmp_path / "c", LEGACY)
    code, out, err = run(capsys, "fix", "--write", str(root))
    assert code == 0 and "1 file fixed" in out
    assert "--write is deprecated: fix writes by default now" in err
    with pytest.raises(SystemExit) as exc:
        main(["fix", "--write", "--check", str(root)])
    assert exc.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_index_and_fix_convention_is_documented() -> None:
    doc = (REPO / "docs" / "index-and-fix.md").read_text()
    assert "write by default" in doc
    assert "`--check`" in doc and "`--diff`" in doc
    assert "deprecated" in doc


# --------------------------------------------------------------------------
# Shell completion
# --------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _completion(shell: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "provlint", "completion", shell, "--no-entry-points"],
        cwd=HERE,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


BASH_PROBE = r"""
source <(provlint completion bash --no-entry-points)
complete -p provlint
t() {
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    _provlint
    echo "${COMPREPLY[*]}"
}
t provlint val
t provlint validate --output-f
t provlint validate --format s
t provlint validate --format = j
t provlint cache ''
t provlint explain date-m
t provlint fix --d
t provlint completion ''
"""


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_is_registered_and_completes() -> None:
    if shutil.which("provlint", path=str(BIN)) is None:
        pytest.skip("the provlint console script is not installed beside this Python")
    proc = subprocess.run(
        ["bash", "-c", BASH_PROBE], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[0] == "complete -o default -F _provlint provlint"
    assert lines[1:] == [
        "validate",
        "--output-format",
        "sarif",
        "json json-lines junit",
        "clear dir",
        "date-mismatch",
        "--diff",
        "bash zsh fish",
    ]


def test_completion_scripts_are_generated_from_the_parser() -> None:
    parser = build_parser()
    scripts = {shell: _completion(shell) for shell in ("bash", "zsh", "fish")}
    for path, sub in _parsers(parser):
        for action in sub._actions:
            for flag in action.option_strings:
                for shell, text in scripts.items():
                    shown = flag if shell != "fish" else (
                        f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}"
                    )
                    assert shown in text, f"{shell}: {path} {flag}"
    for fmt in ("text", "json", "sarif", "html", "junit"):
        assert all(fmt in text for text in scripts.values())


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_completion_parses(tmp_path: Path) -> None:
    script = tmp_path / "_provlint"
    script.write_text(_completion("zsh"))
    proc = subprocess.run(["zsh", "-n", str(script)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    # Loaded after compinit, it registers itself for provlint.
    probe = f"autoload -Uz compinit && compinit -u -D && source {script} && print $_comps[provlint]"
    proc = subprocess.run(
        ["zsh", "-f", "-c", probe], capture_output=True, text=True, timeout=60,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "_provlint", proc.stderr


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
def test_fish_completion_parses_and_completes(tmp_path: Path) -> None:
    script = tmp_path / "provlint.fish"
    script.write_text(_completion("fish"))
    proc = subprocess.run(
        ["fish", "--no-execute", str(script)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    probe = (
        f"source {script}; complete -C 'provlint validate --format s'; "
        "complete -C 'provlint cache '; complete -C 'provlint ch'"
    )
    proc = subprocess.run(
        ["fish", "--no-config", "-c", probe], capture_output=True, text=True, timeout=60,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr
    got = [line.split("\t")[0] for line in proc.stdout.splitlines()]
    assert got == ["sarif", "clear", "dir", "checks"]


# --------------------------------------------------------------------------
# Python 3.10: tomli instead of tomllib
# --------------------------------------------------------------------------


def test_configuration_is_read_with_tomli_on_python_310(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tomli = pytest.importorskip("tomli")  # the 'test' extra installs it on every Python
    from provlint.config import ConfigError, load_config

    calls: list[str] = []
    real = tomli.loads

    def spy(text: str) -> object:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(tomli, "loads", spy)
    monkeypatch.setattr(sys, "version_info", (3, 10, 14, "final", 0))
    monkeypatch.setitem(sys.modules, "tomllib", None)  # as on 3.10: no tomllib
    root = make(tmp_path / "c", GOOD)
    (root / "provlint.toml").write_text('select = ["missing-date"]\n')
    assert load_config(root).select == ("missing-date",)
    assert calls == ['select = ["missing-date"]\n']
    (root / "provlint.toml").write_text("select = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(root)  # tomli's own error type is caught too
    assert len(calls) == 2


def test_date_words_are_read_with_tomli_on_python_310() -> None:
    pytest.importorskip("tomli")
    code = (
        "import sys\n"
        "sys.modules['tomllib'] = None  # as on 3.10: no tomllib\n"
        "from provlint.plugins.dates import datetext\n"
        "assert 'tomli' in sys.modules\n"
        "assert datetext.WORDS and all(datetext.WORDS.values())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=HERE, timeout=60
    )
    assert proc.returncode == 0, proc.stderr


def test_python_versions_agree_across_tox_and_classifiers() -> None:
    import configparser
    import re

    text = (REPO / "pyproject.toml").read_text()
    classified = set(re.findall(r'"Programming Language :: Python :: (3\.\d+)"', text))
    tox = configparser.ConfigParser()
    tox.read(REPO / "tox.ini")
    envs = {e.strip() for e in tox["tox"]["envlist"].split(",")}
    tested = {f"3.{e[3:]}" for e in envs if re.fullmatch(r"py3\d+", e)}
    assert classified == tested == {"3.10", "3.11", "3.12", "3.13"}
    assert 'requires-python = ">=3.10"' in text
