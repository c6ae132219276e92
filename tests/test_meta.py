"""Meta-tests that keep the registry honest."""

from __future__ import annotations

import re

from conftest import FIXTURES, REPO
from provlint.registry import BUILTIN_PLUGINS, build_registry

SECTIONS = ("What it does.", "Why it matters.", "Example.", "Options.")


def _builtin_checks() -> dict[str, type]:
    reg = build_registry(load_entrypoints=False)
    assert not reg.findings, [f.message for f in reg.findings]
    return {name: spec.cls for name, spec in reg.checks.items()}


def test_every_builtin_plugin_loads() -> None:
    reg = build_registry(load_entrypoints=False)
    assert {p.module for p in reg.plugins} == set(BUILTIN_PLUGINS)


def test_codes_and_names_unique_and_well_formed() -> None:
    checks = _builtin_checks()
    codes = [c.code for c in checks.values()]
    assert len(codes) == len(set(codes))
    for name, cls in checks.items():
        assert re.fullmatch(r"PV\d{3}", cls.code), cls
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", name)


def test_every_check_documented() -> None:
    for name, cls in _builtin_checks().items():
        doc = cls.__doc__ or ""
        for section in SECTIONS:
            assert f"**{section}**" in doc, f"{name}: docstring lacks '{section}'"


def test_every_check_has_pass_and_fail_fixtures() -> None:
    for name in _builtin_checks():
        if name == "internal-error":
            continue  # exercised with real broken plugins in test_plugins_api.py
        cases = [p.name for p in (FIXTURES / "checks" / name).glob("*") if p.is_dir()]
        assert any(c.startswith("pass") for c in cases), f"{name} has no pass fixture"
        fails = [c for c in cases if c.startswith("fail")]
        assert fails, f"{name} has no fail fixture"
        for case in fails:
            expected = (FIXTURES / "checks" / name / case / "expected.txt").read_text()
            assert name in expected, f"{name}/{case}/expected.txt does not expect {name}"


def test_readme_lists_every_check() -> None:
    readme = (REPO / "README.md").read_text()
    for name, cls in _builtin_checks().items():
        assert re.search(rf"\|\s*`?{cls.code}`?\s*\|\s*`?{name}`?\s*\|", readme), (
            f"README lacks {cls.code} {name}"
        )


def test_readme_states_the_exit_codes_the_cli_uses() -> None:
    from provlint import cli

    readme = (REPO / "README.md").read_text()
    for code in (cli.EXIT_OK, cli.EXIT_FINDINGS, cli.EXIT_USAGE, cli.EXIT_INTERNAL):
        assert re.search(rf"^\|\s*{code}\s*\|", readme, re.M), f"exit code {code} not in README"


def test_ci_runs_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    ci = (REPO / ".ci" / "run").read_text()
    command = "python -m pip install -e '.[test]' && python -m pytest"
    assert f"```sh\n{command}\n```" in readme
    assert command in ci.splitlines()


def test_docs_checks_page_is_generated_from_the_registry() -> None:
    from provlint.cli import checks_markdown

    page = (REPO / "docs" / "checks.md").read_text()
    assert page == checks_markdown(build_registry(load_entrypoints=False)), (
        "docs/checks.md is stale: run `provlint checks --no-entry-points --format markdown "
        "> docs/checks.md`"
    )


def test_config_schema_accepts_this_repository_and_names_every_check() -> None:
    import sys

    import jsonschema
    from provlint.config import config_schema

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    reg = build_registry(load_entrypoints=False)
    checks = {name: dict(spec.cls.options) for name, spec in reg.checks.items()}
    schema = config_schema(reg.option_schemas, checks)
    table = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["provlint"]
    jsonschema.validate(table, schema)
    assert set(schema["properties"]["check"]["properties"]) == set(reg.checks)
    bad = {"check": {"date-mismatch": {"url-tolerance-days": -1}}}
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(bad))


def test_docs_configuration_page_is_generated_from_the_schema() -> None:
    from provlint.cli import config_markdown

    page = (REPO / "docs" / "configuration.md").read_text()
    assert page == config_markdown(build_registry(load_entrypoints=False)), (
        "docs/configuration.md is stale: regenerate it with provlint.cli.config_markdown"
    )


def test_readme_checks_table_is_generated_from_the_registry() -> None:
    from provlint.cli import checks_table

    readme = (REPO / "README.md").read_text()
    start = readme.index("<!-- checks-table:")
    block = readme[readme.index("\n", start) + 1 : readme.index("<!-- end checks-table -->")]
    assert block == checks_table(build_registry(load_entrypoints=False))


def test_fuzz_script_runs_clean_for_a_moment() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "fuzz_parsers", REPO / "tests/fuzz/fuzz_parsers.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--seconds", "1", "--seed", "7"]) == 0
