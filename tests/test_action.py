"""The composite GitHub Action in ``action.yml``, run here as GitHub's runner
would run it: each step's ``run`` script in bash, with its ``env`` and its
``${{ ... }}`` expressions filled in (inputs, ``github.action_path``,
``runner.temp``), and a ``GITHUB_OUTPUT`` file whose lines become the
action's outputs.

The fast tests run the validate step with provlint from this environment in
place of the action's virtual environment; the slow test runs every step
verbatim, installing provlint from a copy of this repository's working tree
(it needs a package index for provlint's dependencies, and skips without
one)."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ONE_DOC, ONE_DOC_INDEX, REPO

ACTION = REPO / "action.yml"
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

INDEX, ALPHA = ONE_DOC_INDEX, ONE_DOC  # a clean one-document corpus

NETWORK_FAILURE = re.compile(
    r"Temporary failure in name resolution|Name or service not known|"
    r"Failed to establish a new connection|NewConnectionError|Network is unreachable|"
    r"Max retries exceeded|ConnectTimeoutError|Read timed out|"
    r"Could not find a version that satisfies the requirement \S+ \(from versions: none\)",
    re.IGNORECASE,
)


def _action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _substitute(text: str, values: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        assert m.group(1) in values, f"action.yml uses an expression the test lacks: {m.group(0)}"
        return values[m.group(1)]

    return EXPR.sub(one, text)


def _workspace(tmp_path: Path, *, bad: bool = False) -> Path:
    """A git repository (the workflow's checkout) with the corpus in documents/."""
    ws = tmp_path / "workspace"
    corpus = ws / "documents"
    corpus.mkdir(parents=True)
    (corpus / "INDEX.md").write_text(INDEX, encoding="utf-8")
    alpha = ALPHA.replace("date: 2021-12-03", "date: 2021-12-04") if bad else ALPHA
    (corpus / "alpha.md").write_text(alpha, encoding="utf-8")
    if shutil.which("git"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        subprocess.run(["git", "init", "-q", str(ws)], check=True, env=env)
    return ws


class Runner:
    """Runs the action's steps in order, as the runner does, stopping at the
    first that fails; ``outputs`` are the action's outputs afterwards."""

    def __init__(self, tmp_path: Path, action_path: Path, inputs: dict[str, str]) -> None:
        self.action = _action()
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir(exist_ok=True)
        declared = self.action["inputs"]
        unknown = set(inputs) - set(declared)
        assert not unknown, unknown
        self.values = {f"inputs.{k}": str(v.get("default", "")) for k, v in declared.items()}
        self.values.update({f"inputs.{k}": v for k, v in inputs.items()})
        self.values["github.action_path"] = str(action_path)
        self.values["runner.temp"] = str(self.temp)
        self.step_outputs: dict[str, dict[str, str]] = {}
        self.log = ""

    def run(self, workspace: Path, *, skip: tuple[str, ...] = ()) -> int:
        for i, step in enumerate(self.action["runs"]["steps"]):
            if step.get("name") in skip:
                continue
            assert step["shell"] == "bash", step
            out_file = self.temp / f"github-output-{i}"
            out_file.write_text("")
            env = dict(os.environ)
            step_env = step.get("env", {})
            env.update({k: _substitute(str(v), self.values) for k, v in step_env.items()})
            env.update(GITHUB_OUTPUT=str(out_file), RUNNER_TEMP=str(self.temp), CI="true")
            script = _substitute(step["run"], self.values)
            # GitHub runs `bash --noprofile --norc -eo pipefail {0}`.
            path = self.temp / f"step-{i}.sh"
            path.write_text(script, encoding="utf-8")
            proc = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(path)],
                cwd=workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            self.log += proc.stdout + proc.stderr
            if "id" in step:
                pairs = (line.split("=", 1) for line in out_file.read_text().splitlines() if line)
                self.step_outputs[step["id"]] = dict(pairs)
            if proc.returncode != 0:
                return proc.returncode
        return 0

    @property
    def outputs(self) -> dict[str, str]:
        values = dict(self.values)
        for sid, outs in self.step_outputs.items():
            for k, v in outs.items():
                values[f"steps.{sid}.outputs.{k}"] = v
        result = {}
        for name, spec in self.action["outputs"].items():
            result[name] = EXPR.sub(lambda m: values.get(m.group(1), ""), spec["value"])
        return result


def _fake_venv(runner: Runner) -> None:
    """provlint of this test environment where the install step puts it."""
    bin_dir = runner.temp / "provlint-action-venv" / "bin"
    bin_dir.mkdir(parents=True)
    exe = bin_dir / "provlint"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m provlint "$@"\n')
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)


def test_action_yml_declares_its_inputs_outputs_and_steps() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert set(inputs) == {"path", "format", "baseline", "args"}
    assert inputs["format"]["default"] == "sarif"
    assert inputs["path"]["default"] == "."
    assert all(not spec.get("required", False) for spec in inputs.values())
    assert set(action["outputs"]) == {"report", "exit-code"}
    steps = action["runs"]["steps"]
    assert all(step.get("shell") == "bash" for step in steps)
    install = steps[0]["run"]
    assert '"${{ github.action_path }}"' in install and "pip install" in install
    # Inputs reach the scripts through env only: an input never becomes shell code.
    for step in steps:
        assert "inputs." not in step["run"], step["name"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("bad", [False, True])
def test_action_writes_a_sarif_report_and_its_outputs(tmp_path: Path, bad: bool) -> None:
    ws = _workspace(tmp_path, bad=bad)
    runner = Runner(tmp_path, REPO, {"path": "documents", "args": "--exit-zero"})
    _fake_venv(runner)
    code = runner.run(ws, skip=("Install provlint from the action's checkout",))
    assert code == 0, runner.log
    out = runner.outputs
    assert out["exit-code"] == "0"
    report = Path(out["report"])
    assert report.is_file() and report.suffix == ".sarif"
    sarif = json.loads(report.read_text(encoding="utf-8"))
    rules = [r["ruleId"] for r in sarif["runs"][0]["results"]]
    assert rules == (["PV201"] if bad else []), rules


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_fails_as_the_cli_does_and_still_names_the_report(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, bad=True)
    runner = Runner(tmp_path, REPO, {"path": "documents", "format": "github"})
    _fake_venv(runner)
    code = runner.run(ws, skip=("Install provlint from the action's checkout",))
    assert code == 1, runner.log
    assert runner.outputs["exit-code"] == "1"
    assert runner.outputs["report"].endswith("provlint-report.txt")
    # github's workflow commands are printed to the log, where they annotate.
    assert re.search(r"^::error file=documents/alpha\.md,", runner.log, re.M), runner.log


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_baseline_and_args_inputs(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, bad=True)
    baseline = "provlint-baseline.json"
    # Record the finding in a baseline through `args`, then the baseline accepts it.
    runner = Runner(
        tmp_path,
        REPO,
        {"path": "documents", "baseline": baseline, "args": "--update-baseline --format json"},
    )
    _fake_venv(runner)
    runner.run(ws, skip=("Install provlint from the action's checkout",))
    assert (ws / baseline).is_file(), runner.log
    runner = Runner(tmp_path, REPO, {"path": "documents", "baseline": baseline, "format": "json"})
    code = runner.run(ws, skip=("Install provlint from the action's checkout",))
    assert code == 0, runner.log
    report = json.loads(Path(runner.outputs["report"]).read_text(encoding="utf-8"))
    assert report["findings"] == [], report


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_usage_error_has_no_report(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    runner = Runner(tmp_path, REPO, {"path": "no-such-folder"})
    _fake_venv(runner)
    code = runner.run(ws, skip=("Install provlint from the action's checkout",))
    assert code == 2, runner.log
    assert runner.outputs == {"report": "", "exit-code": "2"}
    assert "no-such-folder: no such file or folder" in runner.log


def _copy_working_tree(dst: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    proc = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        env=env,
    )
    if proc.returncode != 0 or not proc.stdout:
        pytest.skip("not a git checkout of provlint")
    listed = proc.stdout.decode("utf-8", "surrogateescape").split("\0")
    for rel in sorted(set(filter(None, listed))):
        src = REPO / rel
        if src.is_file() and not src.is_symlink():
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / rel)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_action_installs_from_its_checkout_and_runs(tmp_path: Path) -> None:
    """Every step verbatim: a virtual environment, ``pip install`` of the
    action's checkout (a copy of this working tree), then validate."""
    if shutil.which("python3") is None:
        pytest.skip("python3 is not on PATH")
    checkout = tmp_path / "action-checkout"
    _copy_working_tree(checkout)
    ws = _workspace(tmp_path, bad=True)
    runner = Runner(tmp_path, checkout, {"path": "documents", "args": "--exit-zero"})
    code = runner.run(ws)
    if code != 0 and NETWORK_FAILURE.search(runner.log):
        pytest.skip("the action's pip install could not reach a package index")
    assert code == 0, runner.log
    report = Path(runner.outputs["report"])
    sarif = json.loads(report.read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PV201"]
    venv_python = runner.temp / "provlint-action-venv" / "bin" / "python"
    version = subprocess.run(
        [str(venv_python), "-c", "import provlint; print(provlint.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    import provlint

    assert version == provlint.__version__
