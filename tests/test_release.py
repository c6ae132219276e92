"""Releases and copy-paste: one version, the changelog, the licence, the
tags, and every snippet in README.md and docs/ working as written.

The slow tests run the real consumers: README's pre-commit snippet with the
real ``pre-commit`` against a clone of this repository at the release tag,
and README's first set-up command in a fresh virtual environment. Both need
a package index for provlint's dependencies and skip without one."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import provlint
import pytest
import yaml
from conftest import ONE_DOC, ONE_DOC_INDEX, REPO
from provlint import cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10
    import tomli as tomllib

VERSION = provlint.__version__
TAG = f"v{VERSION}"
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^[ \t]*```([\w-]*)[^\n]*\n(.*?)^[ \t]*```", re.M | re.S)
NETWORK_FAILURE = re.compile(
    r"Temporary failure in name resolution|Name or service not known|"
    r"Failed to establish a new connection|NewConnectionError|Network is unreachable|"
    r"Max retries exceeded|ConnectTimeoutError|Read timed out|"
    r"Could not find a version that satisfies the requirement \S+ \(from versions: none\)",
    re.IGNORECASE,
)
# Git variables set when the tests run inside a git hook.
_GIT_LEAKS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
              "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_PREFIX")


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _blocks(path: Path) -> Iterator[tuple[str, str]]:
    """(language, text) of each fenced code block."""
    for m in FENCE.finditer(path.read_text(encoding="utf-8")):
        yield m.group(1), m.group(2)


# -- one version ---------------------------------------------------------------


def test_version_has_one_source() -> None:
    project = _pyproject()["project"]
    assert "version" not in project, "pyproject.toml must not repeat the version"
    assert "version" in project["dynamic"]
    dynamic = _pyproject()["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "provlint.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", VERSION), VERSION
    # The installed metadata is read from the same place (reinstall after a bump).
    assert importlib.metadata.version("provlint") == VERSION


def test_changelog_has_an_entry_for_the_current_version() -> None:
    text = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "[Keep a Changelog](https://keepachangelog.com/" in text
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, re.M)
    assert headings[0] == ("Unreleased", ""), headings
    assert headings[1][0] == VERSION and headings[1][1], f"no dated entry for {VERSION}"
    released = [v for v, _ in headings[1:]]
    keys = [tuple(int(x) for x in v.split(".")) for v in released]
    assert keys == sorted(keys, reverse=True), "entries must be newest first"
    for version, _ in headings:
        assert re.search(rf"^\[{re.escape(version)}\]: https://\S+$", text, re.M), version
    assert f"releases/tag/v{VERSION}" in text
    # What the entry names exists: its check codes and its subcommands.
    from provlint.registry import build_registry

    codes = {spec.cls.code for spec in build_registry(load_entrypoints=False).checks.values()}
    for lo, hi in re.findall(r"PV(\d{3})(?:-PV(\d{3}))?", text):
        for n in range(int(lo), int(hi or lo) + 1):
            assert f"PV{n:03d}" in codes, f"CHANGELOG names PV{n:03d}, which no check has"
    commands = set(_subparsers())
    for name in re.findall(r"`provlint (\w[\w-]*)", text):
        assert name in commands, f"CHANGELOG names `provlint {name}`"


def test_license_is_mit() -> None:
    licence = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in licence
    project = _pyproject()["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert "[`LICENSE`](LICENSE)" in (REPO / "README.md").read_text(encoding="utf-8")


def _git(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LEAKS}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)


def test_every_release_tag_carries_its_version() -> None:
    """A tag ``vX.Y.Z`` is made on a commit whose core/__init__.py says X.Y.Z."""
    if shutil.which("git") is None or _git("rev-parse", "HEAD").returncode != 0:
        pytest.skip("not a git checkout")
    tags = _git("tag", "--list", "v*").stdout.split()
    for tag in tags:
        source = _git("show", f"{tag}:core/__init__.py").stdout
        m = re.search(r'^__version__ = "([^"]+)"', source, re.M)
        assert m and f"v{m.group(1)}" == tag, f"{tag} holds version {m and m.group(1)}"


def test_releasing_doc_gives_the_tag_command() -> None:
    doc = (REPO / "docs" / "releasing.md").read_text(encoding="utf-8")
    assert 'git tag -a vX.Y.Z -m "provlint X.Y.Z"' in doc
    assert "core/__init__.py" in doc and "CHANGELOG.md" in doc
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/releasing.md" in readme


# -- snippets ------------------------------------------------------------------


def test_snippets_pin_the_current_release() -> None:
    """Every pinned ref of this repository in README and docs/ is the tag of
    the current version, the one docs/releasing.md has made."""
    pins: list[tuple[str, str]] = []
    for path in DOCS:
        for _lang, block in _blocks(path):
            for m in re.finditer(
                r"rev:\s*(\S+)|github\.com/provlint/provlint@(\S+?)[\"'\s]|"
                r"uses:\s*provlint/provlint@(\S+)",
                block + "\n",
            ):
                pins.append((path.name, next(g for g in m.groups() if g)))
    assert {name for name, _ in pins} >= {"README.md", "output-formats.md"}, pins
    for name, ref in pins:
        assert ref == TAG, f"{name} pins {ref}, not the current release {TAG}"


def _subparsers() -> dict[str, Any]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return dict(action.choices)  # type: ignore[attr-defined]


def _commands(lang: str, block: str) -> Iterator[str]:
    """Shell command lines of a code block: sh lines, console lines after
    ``$``, and the ``run:`` values of a workflow."""
    if lang in ("sh", "bash", "shell"):
        joined = block.replace("\\\n", " ")  # continuation lines
        lines = [ln for ln in joined.splitlines() if not ln.lstrip().startswith("#")]
    elif lang == "console":
        lines = [ln[2:] for ln in block.splitlines() if ln.startswith("$ ")]
    elif lang == "yaml":
        lines = [m.group(1) for m in re.finditer(r"^\s*-?\s*run:\s*(.+)$", block, re.M)]
    else:
        return
    for line in lines:
        if line.strip():
            yield line.split(" #", 1)[0]


def _simple_commands(line: str) -> Iterator[list[str]]:
    line = re.sub(r"\$\([^()]*\)", "X", line)  # a command substitution is one word's part
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words: list[str] = []
    for token in lexer:
        if token in ("&&", "||", "|", ";", "&", ">", ">>", "<", "2>"):
            if words:
                yield words
            words = []
            continue
        words.append(token)
    if words:
        yield words


def test_documented_commands_parse() -> None:
    """Every ``provlint …`` command in a code block of README or docs/ is
    accepted by the command's own parser, with a format that exists, and
    every ``pip install`` names real extras of this project."""
    from provlint.registry import build_registry

    formats = set(build_registry(load_entrypoints=False).formats)
    extras = set(_pyproject()["project"]["optional-dependencies"])
    parser = cli.build_parser()
    seen = {"provlint": 0, "pip": 0}
    for path in DOCS:
        for lang, block in _blocks(path):
            for line in _commands(lang, block):
                for words in _simple_commands(line):
                    if words[:3] == ["python", "-m", "provlint"]:
                        words = ["provlint", *words[3:]]
                    if words[0] == "provlint":
                        seen["provlint"] += 1
                        try:
                            args = parser.parse_args(words[1:])
                        except SystemExit:
                            pytest.fail(f"{path.name}: `{line}` does not parse")
                        fmt = getattr(args, "format", None)
                        if args.command == "validate" and fmt is not None:
                            assert fmt in formats, f"{path.name}: `{line}`: no format {fmt!r}"
                    if "pip" in words and "install" in words:
                        seen["pip"] += 1
                        for spec in words[words.index("install") + 1 :]:
                            m = re.match(r"(?:provlint|\.)\[([\w,-]+)\]", spec)
                            for extra in m.group(1).split(",") if m else ():
                                assert extra in extras, f"{path.name}: `{line}`: no extra {extra}"
                            if spec.startswith("provlint @ git+"):
                                assert spec.endswith(f"@{TAG}"), spec
    assert seen["provlint"] >= 10 and seen["pip"] >= 3, seen


def test_documented_code_blocks_parse(tmp_path: Path) -> None:
    """Every YAML, TOML and Python block in README and docs/ parses, and
    every TOML block is a configuration provlint loads."""
    import textwrap

    from provlint.config import load_config

    seen = {"yaml": 0, "toml": 0, "python": 0}
    for path in DOCS:
        for n, (lang, raw) in enumerate(_blocks(path)):
            block = textwrap.dedent(raw)  # a block inside a list item is indented
            where = f"{path.name}, block {n + 1}"
            if lang == "yaml":
                assert yaml.safe_load(block) is not None, where
            elif lang == "toml":
                tomllib.loads(block)
                folder = tmp_path / f"{path.stem}-{n}"
                folder.mkdir()
                name = "pyproject.toml" if "[tool.provlint" in block else "provlint.toml"
                (folder / name).write_text(block, encoding="utf-8")
                load_config(folder)
            elif lang == "python":
                compile(block, where, "exec")
            else:
                continue
            seen[lang] += 1
    assert all(seen.values()), seen


def _workflow() -> dict[str, Any]:
    doc = REPO / "docs" / "output-formats.md"
    for lang, block in _blocks(doc):
        if lang == "yaml" and "upload-sarif" in block and "jobs:" in block:
            data = yaml.safe_load(block)
            assert isinstance(data, dict)
            return data
    raise AssertionError("docs/output-formats.md has no upload-sarif workflow")


INDEX, ALPHA = ONE_DOC_INDEX, ONE_DOC  # a clean one-document corpus


def _run_step(command: str, cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    words = shlex.split(command)
    assert words[0] == "provlint"
    return subprocess.run(
        [sys.executable, "-m", "provlint", *words[1:], *extra],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "true"},
    )


@pytest.mark.parametrize("case", ["clean", "findings", "internal-error", "no-corpus"])
def test_ci_recipe_steps_do_what_its_table_says(tmp_path: Path, case: str) -> None:
    """The workflow of docs/output-formats.md, its provlint step run for real
    in a checkout with the corpus in documents/: exit 0 and a SARIF file on
    findings, exit 3 and a file on an internal error (a plugin that fails to
    load), exit 2 and no file when the corpus is not there, which the upload
    step's ``hashFiles`` condition skips."""
    steps = _workflow()["jobs"]["provlint"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    install, validate = runs
    assert install.endswith(f'"provlint @ git+https://github.com/provlint/provlint@{TAG}"')
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/"))
    sarif = upload["with"]["sarif_file"]
    assert upload["if"] == f"always() && hashFiles('{sarif}') != ''"
    args = cli.build_parser().parse_args(shlex.split(validate)[1:])
    assert args.paths == ["documents"], "the recipe names the corpus folder"
    assert args.output == sarif and args.format == "sarif" and args.exit_zero

    ws = tmp_path / "checkout"
    ws.mkdir()
    if case != "no-corpus":
        (ws / "documents").mkdir()
        (ws / "documents" / "INDEX.md").write_text(INDEX, encoding="utf-8")
        alpha = ALPHA.replace("date: 2021-12-03", "date: 2021-12-04")
        (ws / "documents" / "alpha.md").write_text(alpha if case != "clean" else ALPHA, "utf-8")
    extra = ("-p", "provlint_no_such_plugin") if case == "internal-error" else ()
    proc = _run_step(validate, ws, *extra)
    expected = {"clean": 0, "findings": 0, "internal-error": 3, "no-corpus": 2}[case]
    assert proc.returncode == expected, proc.stdout + proc.stderr
    report = ws / sarif
    assert report.is_file() == (case != "no-corpus")
    if report.is_file():
        run = json.loads(report.read_text())["runs"][0]
        rules = [r["ruleId"] for r in run["results"]]
        want = {"clean": [], "findings": ["PV201"], "internal-error": ["PV201"]}[case]
        assert sorted(rules) == want, rules
        # A plugin that failed to load is on no file: a notification, not a result.
        notes = run["invocations"][0].get("toolExecutionNotifications", [])
        failed = [n for n in notes if n.get("associatedRule", {}).get("id") == "PV001"]
        assert bool(failed) == (case == "internal-error"), notes
    # The page's table says the same, row by row.
    page = (REPO / "docs" / "output-formats.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| {expected} \| (.+)$", page, re.M)
    assert row, f"no table row for exit {expected}"
    assert ("not written" in row.group(1)) == (case == "no-corpus"), row.group(0)


def test_action_recipe_uses_the_actions_inputs_and_outputs() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    doc = REPO / "docs" / "output-formats.md"
    block = next(
        b for lang, b in _blocks(doc) if lang == "yaml" and "uses: provlint/provlint@" in b
    )
    steps = yaml.safe_load(block)["steps"]
    step = next(s for s in steps if str(s.get("uses", "")).startswith("provlint/provlint@"))
    assert step["uses"] == f"provlint/provlint@{TAG}"
    assert set(step["with"]) <= set(action["inputs"])
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/"))
    ref = f"steps.{step['id']}.outputs.report"
    assert ref in upload["if"] and ref in upload["with"]["sarif_file"]
    assert "report" in action["outputs"]


# -- the library and the command agree -------------------------------------------


def _no_index_above(path: Path) -> None:
    for folder in (path, *path.parents):
        if (folder / "INDEX.md").is_file():
            pytest.skip(f"{folder} has an INDEX.md above the temporary folder")


def test_library_and_cli_agree_on_a_named_folder_without_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "a.txt").write_text("text\n", encoding="utf-8")
    report = provlint.run(folder)
    code = cli.main(["validate", str(folder), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == report.exit_code == cli.EXIT_FINDINGS
    lib = [(f.code, f.path, f.message) for f in report.findings]
    cmd = [(f["code"], f["path"], f["message"]) for f in out["findings"]]
    assert [(c, Path(p).name, m) for c, p, m in lib] == [(c, Path(p).name, m) for c, p, m in cmd]
    assert lib[0][0] == "PV101" and "`provlint index` on this folder writes one" in lib[0][2]


@pytest.mark.parametrize(
    ("files", "cwd", "hint"),
    [
        ({"a.txt": "x\n"}, ".", "this folder holds documents but no catalogue: `provlint index`"),
        ({"documents/a.txt": "text\n"}, ".", "`provlint index documents` writes that folder's"),
        ({"documents/INDEX.md": INDEX}, ".", "run `provlint validate documents`"),
        ({}, ".", "; pass a corpus folder as an argument"),
    ],
)
def test_library_and_cli_agree_when_no_corpus_is_found(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str],
    cwd: str,
    hint: str,
) -> None:
    _no_index_above(tmp_path)
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / cwd)
    with pytest.raises(provlint.ConfigError) as exc:
        provlint.run()
    message = str(exc.value)
    assert message.startswith(f"no corpus found: no INDEX.md in {tmp_path.resolve()} ")
    assert hint in message, message
    assert cli.main(["validate"]) == cli.EXIT_USAGE
    assert capsys.readouterr().err == f"provlint: error: {message}\n"


# -- the real consumers (slow) ---------------------------------------------------


def _isolated_env(base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_LEAKS}
    for name in ("PRE_COMMIT", "SKIP", "FORCE_COLOR", "PIP_REQUIRE_VIRTUALENV"):
        env.pop(name, None)
    home = base / "home"
    home.mkdir(exist_ok=True)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        PRE_COMMIT_HOME=str(base / "pre-commit-home"),
        PRE_COMMIT_COLOR="never",
        NO_COLOR="1",
    )
    return env


def _readme_pre_commit_snippet() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## pre-commit\n") :]
    lang, block = next(_blocks_of(section))
    assert lang == "yaml"
    return block


def _blocks_of(text: str) -> Iterator[tuple[str, str]]:
    for m in FENCE.finditer(text):
        yield m.group(1), m.group(2)


@pytest.mark.slow
def test_readme_pre_commit_snippet_works_verbatim(tmp_path: Path) -> None:
    """README's snippet, with the URL replaced by a local clone of this
    repository in which the release tag exists (made there when it does not
    yet), run by the real pre-commit on a real repository with a commit, and
    through ``git commit`` once installed as the hook."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    env = _isolated_env(tmp_path)

    def run(args: list[str], cwd: Path, **kw: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=cwd, env={**env, **kw}, capture_output=True, text=True, timeout=600
        )

    def git(cwd: Path, *args: str) -> str:
        proc = run(["git", *args], cwd)
        assert proc.returncode == 0, f"git {args}: {proc.stdout}{proc.stderr}"
        return proc.stdout

    clone = tmp_path / "provlint-clone"
    proc = run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(clone)], tmp_path)
    if proc.returncode != 0:
        pytest.skip(f"cannot clone this repository: {proc.stderr.strip()}")
    if not git(clone, "tag", "--list", TAG).strip():
        git(clone, "-c", "user.name=provlint tests", "-c", "user.email=t@provlint.invalid",
            "tag", "-a", TAG, "-m", f"provlint {VERSION}")

    snippet = _readme_pre_commit_snippet()
    url = "https://github.com/provlint/provlint"
    assert f"repo: {url}\n" in snippet and f"rev: {TAG}" in snippet
    config = snippet.replace(url, clone.as_posix())

    repo = tmp_path / "corpus-repo"
    repo.mkdir()
    git(repo, "-c", "init.defaultBranch=main", "init", "-q")
    git(repo, "config", "user.name", "provlint tests")
    git(repo, "config", "user.email", "tests@provlint.invalid")
    git(repo, "config", "commit.gpgsign", "false")
    (repo / "INDEX.md").write_text(INDEX, encoding="utf-8")
    (repo / "alpha.md").write_text(ALPHA, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a corpus")

    pc = [sys.executable, "-m", "pre_commit"]
    proc = run([*pc, "run", "--all-files"], repo)
    out = proc.stdout + proc.stderr
    log = Path(env["PRE_COMMIT_HOME"]) / "pre-commit.log"
    if proc.returncode != 0 and NETWORK_FAILURE.search(
        out + (log.read_text(errors="replace") if log.exists() else "")
    ):
        pytest.skip("pre-commit could not install the hook environment: no package index")
    assert proc.returncode == 0, out
    assert re.search(r"^provlint\.+Passed$", out, re.M), out
    # `pre-commit autoupdate` keeps the newest tag, which this one is.
    proc = run([*pc, "autoupdate"], repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"rev: {TAG}" in (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    git(repo, "checkout", "--", ".pre-commit-config.yaml")

    assert run([*pc, "install"], repo).returncode == 0
    head = git(repo, "rev-parse", "HEAD")
    (repo / "alpha.md").write_text(ALPHA.replace("2021-12-03", "2021-12-04"), encoding="utf-8")
    git(repo, "add", "alpha.md")
    proc = run(["git", "commit", "-m", "a wrong date"], repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "alpha.md:6:7: PV201 date-mismatch" in out, out
    assert git(repo, "rev-parse", "HEAD") == head


@pytest.mark.slow
def test_readme_first_set_up_command_on_a_fresh_environment(tmp_path: Path) -> None:
    """README's first command, verbatim, in a new virtual environment and a
    clean copy of the working tree: it installs provlint and checks the
    bundled corpus (exit 1, its deliberate defects). The second command is
    what CI (.ci/run) runs itself; tests/test_meta.py keeps the two equal."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme[readme.index("\n## Quick start\n") :]
    blocks = [b for lang, b in _blocks_of(quick) if lang == "sh"]
    first = blocks[0].strip()
    assert first == "python -m pip install -e . && provlint validate"
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    src = tmp_path / "provlint"
    proc = _git("clone", "-q", "--no-hardlinks", str(REPO), str(src), cwd=tmp_path)
    if proc.returncode != 0:
        pytest.skip(f"cannot clone this repository: {proc.stderr.strip()}")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = _isolated_env(tmp_path)
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    proc = subprocess.run(
        ["sh", "-c", first], cwd=src, env=env, capture_output=True, text=True, timeout=900
    )
    out = proc.stdout + proc.stderr
    if proc.returncode not in (0, 1) and NETWORK_FAILURE.search(out):
        pytest.skip("pip could not reach a package index")
    assert proc.returncode == 1, out
    assert "seeds/syndicated-copy.md:5:7: PV201 date-mismatch" in proc.stdout, out
    assert re.search(r"^Found \d+ findings \(.*\) in 7 documents\.$", proc.stdout, re.M), out
