"""Paths relative to the repository root in every format, GitHub code
scanning's rules and result limit for SARIF, and the GitLab Code Quality
report."""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from provlint import Finding, Location, Severity
from provlint.cli import main
from provlint.output import FormatOptions, project_root
from provlint.plugins.output_gitlab import build_issues
from provlint.plugins.output_sarif import MAX_RESULTS, build_sarif
from provlint.report import Report
from provlint.testing import CorpusBuilder

SARIF_SCHEMA = (
    Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
FORMATS = ("text", "json", "json-lines", "github", "gitlab", "sarif", "junit", "html")


def _git(cwd: Path, *args: str) -> str:
    """git on a repository the test made, with no user or system config."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def _corpus(root: Path) -> Path:
    corpus = CorpusBuilder(root)
    corpus.row("a1", "a.txt", title="A", source="Wire", date="2021-12-07")
    corpus.doc("a.txt", header={"date": "2021-12-08"}, body="Text of a.\n")  # date-mismatch
    corpus.row("b1", "b.txt", title="B", date="2021-12-07")  # missing-source
    corpus.doc("b.txt", body="Text of b.\n")
    corpus.row("m1", "gone.txt", title="M", source="Wire", date="2021-12-07")  # missing-file
    corpus.doc("sub/odd name,%.txt", body="Stray.\n")  # unindexed-file warning
    return corpus.write()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with the corpus in ``documents/`` and an empty
    ``tools/`` folder to run from."""
    top = tmp_path / "repo"
    top.mkdir()
    _git(top, "init", "-q")
    _corpus(top / "documents")
    (top / "tools").mkdir()
    return top


def _run(cwd: Path, path: str, fmt: str, out: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(cwd)
    code = main(["validate", path, "--no-entry-points", "--format", fmt, "-o", str(out)])
    assert code == 1
    return out.read_text(encoding="utf-8")


def _paths(fmt: str, text: str) -> list[str]:
    """Every file path a format's output names."""
    if fmt == "text":
        return re.findall(r"^(.+?):\d+:\d+: ", text, re.M)
    if fmt in ("json", "json-lines"):
        found = (
            json.loads(text)["findings"]
            if fmt == "json"
            else [json.loads(line) for line in text.splitlines()][:-1]
        )
        return [f["path"] for f in found] + [r["path"] for f in found for r in f["related"]]
    if fmt == "github":
        return [unquote(m) for m in re.findall(r"^::\w+ file=([^,]+),", text, re.M)]
    if fmt == "gitlab":
        return [issue["location"]["path"] for issue in json.loads(text)]
    if fmt == "sarif":
        run = json.loads(text)["runs"][0]
        locations = [
            loc["physicalLocation"]
            for result in run["results"]
            for loc in result["locations"] + result.get("relatedLocations", [])
        ]
        return [unquote(loc["artifactLocation"]["uri"]) for loc in locations]
    if fmt == "junit":
        cases = ET.fromstring(text.encode("utf-8")).iter("testcase")
        return [str(c.get("name")) for c in cases]
    assert fmt == "html"
    return re.findall(r"(documents/[^<\":]+?\.(?:txt|md))", text)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_names_files_relative_to_the_repository_root(
    fmt: str, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the repository root or from a sub-folder, every format names
    a file by its path in the repository (``documents/a.txt``), the same
    bytes either way."""
    from_top = _run(repo, "documents", fmt, tmp_path / "top.out", monkeypatch)
    from_sub = _run(repo / "tools", "../documents", fmt, tmp_path / "sub.out", monkeypatch)
    assert from_sub == from_top
    paths = _paths(fmt, from_top)
    assert paths
    for path in paths:
        assert path.startswith("documents/"), path
    on_disk = {p for p in paths if (repo / p).is_file()}
    assert "documents/a.txt" in on_disk and "documents/INDEX.md" in on_disk
    assert "documents/sub/odd name,%.txt" in on_disk or fmt == "html"  # html: one regex


def test_without_git_paths_are_relative_to_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _corpus(tmp_path / "work" / "documents")
    assert project_root([tmp_path / "work" / "documents"], tmp_path) == tmp_path
    if project_root([tmp_path], Path("/nonexistent")) != Path("/nonexistent"):
        pytest.skip("the temporary folder lies inside a git work tree")
    text = _run(tmp_path / "work", "documents", "github", tmp_path / "out", monkeypatch)
    assert "::error file=documents/a.txt," in text
    text = _run(tmp_path / "work" / "documents", ".", "gitlab", tmp_path / "out", monkeypatch)
    assert {i["location"]["path"] for i in json.loads(text)} >= {"a.txt", "INDEX.md"}


def test_project_root_agrees_with_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The top found by walking up to ``.git`` is the one ``git rev-parse
    --show-toplevel`` prints: a repository, a folder inside it, a linked
    worktree (``.git`` is a file), a repository nested in another. git's
    environment is not followed."""
    top = tmp_path / "top"
    (top / "a" / "b").mkdir(parents=True)
    _git(top, "init", "-q")
    (top / "a" / "f.txt").write_text("x\n")
    _git(top, "add", ".")
    _git(top, "commit", "-q", "-m", "one")
    _git(top, "worktree", "add", "-q", str(tmp_path / "linked"))
    (tmp_path / "linked" / "a" / "b").mkdir(exist_ok=True)
    nested = top / "a" / "nested"
    nested.mkdir()
    _git(nested, "init", "-q")
    for folder in (top, top / "a" / "b", tmp_path / "linked" / "a" / "b", nested):
        expected = Path(_git(folder, "rev-parse", "--show-toplevel"))
        assert project_root([folder], tmp_path) == expected, folder
    # Corpora in two work trees: no common top, the current directory.
    assert project_root([top / "a", nested], tmp_path) == tmp_path
    assert project_root([top / "a", top / "a" / "b"], tmp_path) == top
    monkeypatch.setenv("GIT_DIR", str(nested / ".git"))
    monkeypatch.setenv("GIT_WORK_TREE", str(nested))
    assert project_root([top / "a" / "b"], tmp_path) == top


def test_a_hostile_repository_cannot_make_provlint_run_anything(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repository root is found without running git, so the checked
    repository's configuration (``core.fsmonitor``, an alias, a hook) runs
    nothing."""
    pwned = tmp_path / "pwned"
    with (repo / ".git" / "config").open("a", encoding="utf-8") as config:
        config.write(f"[core]\n\tfsmonitor = touch {pwned}\n\tpager = touch {pwned}\n")
    ran: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        ran.append(args)
        raise AssertionError("provlint ran a program")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    assert project_root([repo / "documents"], tmp_path) == repo
    monkeypatch.undo()
    for fmt in ("sarif", "gitlab", "text"):
        text = _run(repo, "documents", fmt, tmp_path / f"out.{fmt}", monkeypatch)
        assert "documents/a.txt" in text.replace("%2F", "/")
    assert not pwned.exists() and not ran


# --------------------------------------------------------------------------
# sarif: the OASIS schema and GitHub code scanning's rules
# --------------------------------------------------------------------------


def _validate_schema(log: dict[str, Any]) -> None:
    if not SARIF_SCHEMA.is_file():
        return  # ../shared/schemas/ is not available: GitHub's rules are still checked
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    errors = list(validator(schema).iter_errors(log))
    assert errors == [], [e.message for e in errors[:5]]


def _check_github_rules(log: dict[str, Any], repo: Path | None = None) -> None:
    """What GitHub code scanning needs of an upload: one run, at most
    25,000 results, each with a ruleId its driver defines and one physical
    location whose URI is relative to the repository root (the only base
    GitHub resolves against: ``%SRCROOT%`` is the one base id, and it is the
    repository root) with ``startLine`` >= 1 when it has a region, at most
    1,000 locations a result. With ``repo``, every URI names a file there."""
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    rule_ids = [r["id"] for r in rules]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert len(rule["fullDescription"]["text"]) <= 1000
    bases = run.get("originalUriBaseIds", {})
    assert set(bases) <= {"%SRCROOT%"}
    if repo is not None:
        assert bases["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    assert len(run["results"]) <= 25_000
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        (location,) = result["locations"]
        related = result.get("relatedLocations", [])
        assert 1 + len(related) <= 1000
        for n, loc in enumerate([location, *related]):
            physical = loc["physicalLocation"]
            artifact = physical["artifactLocation"]
            uri = artifact["uri"]
            assert artifact.get("uriBaseId", "%SRCROOT%") == "%SRCROOT%"
            assert not urlsplit(uri).scheme and not uri.startswith(("/", "./", "../"))
            assert ".." not in uri.split("/")
            if "region" in physical:
                assert physical["region"]["startLine"] >= 1
                assert physical["region"].get("startColumn", 1) >= 1
            if repo is not None and n == 0:  # a related one may be a missing file
                assert (repo / unquote(uri)).is_file(), uri


def test_sarif_of_a_corpus_in_a_sub_folder(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The log of ``documents/`` in a repository validates against the
    OASIS schema, keeps GitHub's rules, and every URI names the file in the
    repository: ``documents/a.txt``, not ``a.txt``."""
    log = json.loads(_run(repo / "tools", "../documents", "sarif", tmp_path / "s", monkeypatch))
    _validate_schema(log)
    _check_github_rules(log, repo)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert {"documents/a.txt", "documents/INDEX.md", "documents/sub/odd%20name%2C%25.txt"} <= uris


def _many(n_error: int, n_warning: int, n_info: int) -> tuple[Finding, ...]:
    """Findings on distinct files, the severities interleaved."""
    sev = [Severity.INFO] * n_info + [Severity.WARNING] * n_warning + [Severity.ERROR] * n_error
    sev = sev[::2] + sev[1::2]
    return tuple(
        Finding(f"d{i:05}.txt", 1, 1, "PV103", "missing-file", s, f"file {i} is missing", f"id{i}")
        for i, s in enumerate(sev)
    )


def test_sarif_caps_results_at_githubs_limit_keeping_the_most_severe(tmp_path: Path) -> None:
    """Over 25,000 results, the errors and warnings are kept, then the first
    notes; a notification in ``invocations[0]`` counts what was dropped."""
    n_error, n_warning, n_info = 1_500, 3_500, 22_000  # 27,000 findings
    findings = _many(n_error, n_warning, n_info)
    hidden = Finding("s.txt", 1, 1, "PV103", "missing-file", Severity.ERROR, "m", "s")
    suppressed = ((hidden, "ok"),)
    report = Report(root=tmp_path / "documents", findings=findings, suppressed=suppressed)
    log = build_sarif([report], tmp_path)
    (run,) = log["runs"]
    results = run["results"]
    assert len(results) == MAX_RESULTS == 25_000
    levels = [r["level"] for r in results]
    assert levels.count("error") == n_error and levels.count("warning") == n_warning
    assert levels.count("note") == MAX_RESULTS - n_error - n_warning
    assert not any("suppressions" in r for r in results)  # a suppressed one goes first
    # Kept in report order.
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == sorted(uris) and uris[0].startswith("documents/")
    notes = run["invocations"][0]["toolExecutionNotifications"]
    (capped,) = [n for n in notes if n.get("descriptor", {}).get("id") == "results-capped"]
    dropped = n_error + n_warning + n_info + 1 - MAX_RESULTS
    assert capped["properties"] == {"results": 27_001, "kept": MAX_RESULTS, "dropped": dropped}
    assert capped["message"]["text"].startswith(f"{dropped:,} of 27,001 results dropped")
    assert f"({dropped - 1:,} notes, 1 suppressed)" in capped["message"]["text"]
    assert run["tool"]["driver"]["notifications"][0]["id"] == "results-capped"
    _check_github_rules(log)
    if SARIF_SCHEMA.is_file():
        # The schema on a capped log of a few results (a 25,000-result
        # validation takes several seconds): the same code path.
        import provlint.plugins.output_sarif as sarif

        few = Report(root=tmp_path / "documents", findings=_many(2, 2, 4), suppressed=suppressed)
        original = sarif.MAX_RESULTS
        sarif.MAX_RESULTS = 5
        try:
            small = build_sarif([few], tmp_path)
        finally:
            sarif.MAX_RESULTS = original
        assert len(small["runs"][0]["results"]) == 5
        _validate_schema(small)


def test_sarif_under_the_limit_has_no_cap_notification(tmp_path: Path) -> None:
    report = Report(root=tmp_path / "documents", findings=_many(1, 1, MAX_RESULTS - 2))
    run = build_sarif([report], tmp_path)["runs"][0]
    assert len(run["results"]) == MAX_RESULTS
    assert run["invocations"][0]["toolExecutionNotifications"] == []
    assert "notifications" not in run["tool"]["driver"]


def test_sarif_outside_the_root_and_many_related_locations(tmp_path: Path) -> None:
    """A file outside the base folder has an absolute ``file`` URI (GitHub
    makes it relative to its checkout); a result has at most 1,000
    locations."""
    rel = tuple(Location(f"r{i}.txt", 1, 0, "other") for i in range(1_500))
    f = Finding("a b.txt", 2, 1, "PV201", "date-mismatch", Severity.ERROR, "m", "a", rel)
    outside = Report(root=tmp_path / "elsewhere", findings=(f,))
    log = build_sarif([outside], tmp_path / "repo")
    (result,) = log["runs"][0]["results"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": f"file://{(tmp_path / 'elsewhere').as_posix()}/a%20b.txt"}
    assert len(result["relatedLocations"]) == 999
    _validate_schema(log)
    inside = build_sarif([Report(root=tmp_path / "repo" / "c", findings=(f,))], tmp_path / "repo")
    _check_github_rules(inside)


# --------------------------------------------------------------------------
# gitlab: GitLab's Code Quality report
# --------------------------------------------------------------------------


def _check_gitlab_report(issues: Any, repo: Path | None = None) -> None:
    """GitLab's documented fields, with their types: a JSON array of
    objects with ``description``, ``check_name``, ``fingerprint`` (unique),
    ``severity`` (one of GitLab's five), ``location.path`` (relative to the
    repository root, without ``./``) and ``location.lines.begin``."""
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue, dict)
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str)
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
        assert issue["severity"] in GITLAB_SEVERITIES
        location = issue["location"]
        assert set(location) == {"path", "lines"}
        path = location["path"]
        assert isinstance(path, str) and path
        assert not path.startswith(("/", "./", "../")) and ".." not in path.split("/")
        assert set(location["lines"]) == {"begin"}
        begin = location["lines"]["begin"]
        assert isinstance(begin, int) and not isinstance(begin, bool) and begin >= 1
        if repo is not None:
            assert (repo / path).is_file(), path
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_gitlab_report_fields(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _run(repo, "documents", "gitlab", tmp_path / "gl.json", monkeypatch)
    assert not text.startswith("\ufeff") and text.isascii()
    issues = json.loads(text)
    _check_gitlab_report(issues, repo)
    by_check = {i["check_name"]: i for i in issues}
    assert {"date-mismatch", "missing-source", "missing-file", "unindexed-file"} <= set(by_check)
    mismatch = by_check["date-mismatch"]
    assert mismatch["location"]["path"] == "documents/a.txt"
    assert mismatch["severity"] == "major"
    assert mismatch["description"].startswith("PV201 date-mismatch: ")
    assert by_check["unindexed-file"]["severity"] == "minor"
    assert by_check["missing-file"]["location"]["path"] == "documents/INDEX.md"
    assert by_check["missing-file"]["location"]["lines"]["begin"] == 5  # its row


def test_gitlab_fingerprints_are_stable_and_unique(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same findings give the same fingerprints from any folder and
    after an edit moves their lines; identical findings still get
    different ones."""
    first = json.loads(_run(repo, "documents", "gitlab", tmp_path / "1", monkeypatch))
    again = json.loads(_run(repo / "tools", "../documents", "gitlab", tmp_path / "2", monkeypatch))
    assert [i["fingerprint"] for i in again] == [i["fingerprint"] for i in first]

    # Lines move: the date-mismatch finding keeps its fingerprint.
    a = repo / "documents" / "a.txt"
    head, _, body = a.read_text(encoding="utf-8").partition("\n\n")
    a.write_text(head + "\n\n\n\n\nMore text first.\n\n" + body, encoding="utf-8")
    moved = json.loads(_run(repo, "documents", "gitlab", tmp_path / "3", monkeypatch))

    def mismatch(issues: list[dict[str, Any]]) -> dict[str, Any]:
        return next(i for i in issues if i["check_name"] == "date-mismatch")

    assert mismatch(moved)["fingerprint"] == mismatch(first)["fingerprint"]

    twin = Finding("x.txt", 3, 1, "PV105", "unindexed-file", Severity.WARNING, "m", None)
    lost = Finding("", 0, 0, "PV001", "internal-error", Severity.ERROR, "plugin x: boom", None)
    one = Report(root=repo / "documents", findings=(twin, twin, lost))
    two = Report(root=repo / "other", findings=(twin,))
    issues = build_issues([one, two], FormatOptions(base=repo))
    _check_gitlab_report(issues)
    assert [i["location"]["path"] for i in issues] == [
        "documents/x.txt",
        "documents/x.txt",
        "documents/INDEX.md",  # a finding on no file: on the corpus's INDEX.md
        "other/x.txt",
    ]
    assert issues[2]["severity"] == "critical"  # an internal error
    assert build_issues([one, two], FormatOptions(base=repo)) == issues


def test_gitlab_empty_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = CorpusBuilder(tmp_path / "documents")
    corpus.row("a1", "a.txt", title="A", source="Wire", date="2021-12-07")
    corpus.doc("a.txt", body="Text of a.\n")
    corpus.write()
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "gl.json"
    args = ["validate", "documents", "--no-entry-points", "--format", "gitlab", "-o", str(out)]
    assert main(args) == 0
    assert out.read_text(encoding="utf-8") == "[]\n"
