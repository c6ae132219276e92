"""The plugin host: guarded loading, clashes, misspelt hooks, crashing checks."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from types import ModuleType

import provlint
import pytest
from provlint import DocumentCheck, Severity, hookimpl
from provlint.registry import build_registry

CORPUS = {
    "INDEX.md": "| id | file | title | source | date |\n|---|---|---|---|---|\n"
    "| a1 | a.txt | A title | Wire | 2021-12-05 |\n",
    "a.txt": " date 2021-12-05 Body text.\n",
}


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in CORPUS.items():
        (root / name).write_text(text)
    return root


def _plugin(name: str, *checks: type) -> ModuleType:
    mod = ModuleType(name)

    @hookimpl
    def provlint_register_checks() -> list[type]:
        return list(checks)

    mod.provlint_register_checks = provlint_register_checks  # type: ignore[attr-defined]
    return mod


class Boom(DocumentCheck):
    """Always raises."""

    code = "TT901"
    name = "boom"

    def check_document(self, doc):  # type: ignore[no-untyped-def]
        raise ValueError("kaboom")


class Garbage(DocumentCheck):
    """Returns something that is not a finding."""

    code = "TT902"
    name = "garbage"

    def check_document(self, doc):  # type: ignore[no-untyped-def]
        return ["not a finding"]


class Fine(DocumentCheck):
    """Reports every document, at warning."""

    code = "TT903"
    name = "fine"
    severity = Severity.WARNING

    def check_document(self, doc):  # type: ignore[no-untyped-def]
        yield self.finding(doc.path, 1, 1, "seen", doc_id=doc.doc_id)


def _cfg() -> provlint.Config:
    return provlint.Config(load_entrypoints=False)


def test_crashing_and_garbage_checks_become_internal_errors(corpus: Path) -> None:
    report = provlint.run(corpus, _cfg(), plugins=[_plugin("tplug", Boom, Garbage, Fine)])
    internal = [f for f in report.findings if f.check == "internal-error"]
    assert len(internal) == 2
    assert any(
        "'boom'" in f.message and "ValueError" in f.message and "kaboom" in f.message
        for f in internal
    )
    assert any(
        "'garbage'" in f.message and "str instead of a Finding" in f.message for f in internal
    )
    assert all(f.plugin == "tplug" for f in internal)
    assert any(f.check == "fine" for f in report.findings)  # the others still ran
    assert report.exit_code == 3
    assert report.tracebacks


def test_code_clash_names_both_plugins(corpus: Path) -> None:
    class Clash(Fine):
        """Same code as a built-in."""

        code = "PV101"
        name = "clash"

    report = provlint.run(corpus, _cfg(), plugins=[_plugin("clashing", Clash)])
    (f,) = [f for f in report.findings if f.check == "internal-error"]
    assert "its code is taken by check index-schema" in f.message
    assert "clashing" in f.message and "provlint" in f.message
    assert report.exit_code == 3


def test_misspelt_hook_is_an_error_and_others_still_load() -> None:
    mod = ModuleType("typo")

    @hookimpl
    def provlint_register_check() -> list[type]:  # missing "s"
        return []

    mod.provlint_register_check = provlint_register_check  # type: ignore[attr-defined]
    reg = build_registry(load_entrypoints=False, objects=[mod])
    assert any("typo" in f.message and "could not be registered" in f.message for f in reg.findings)
    assert "index-schema" in reg.checks


def test_invalid_check_declarations_are_refused() -> None:
    class BadName(Fine):
        """Doc."""

        code = "TT904"
        name = "Bad_Name"

    class NoDoc(DocumentCheck):
        code = "TT905"
        name = "no-doc"

    reg = build_registry(load_entrypoints=False, objects=[_plugin("bad", BadName, NoDoc, 42)])
    messages = " | ".join(f.message for f in reg.findings)
    assert (
        "kebab-case" in messages
        and "no docstring" in messages
        and "not a DocumentCheck" in messages
    )
    assert "Bad_Name" not in reg.checks


def test_plugin_module_that_fails_to_import(corpus: Path) -> None:
    cfg = provlint.Config(load_entrypoints=False, plugins=("provlint_no_such_plugin_xyz",))
    report = provlint.run(corpus, cfg)
    (f,) = [f for f in report.findings if f.check == "internal-error"]
    assert "provlint_no_such_plugin_xyz" in f.message and "failed to import" in f.message
    assert report.exit_code == 3


def test_p_module_loads_and_no_blocks(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "tt_plugin_mod.py").write_text(
        textwrap.dedent(
            '''
            from provlint import DocumentCheck, hookimpl

            class Hello(DocumentCheck):
                """Says hello."""
                code = "TT950"
                name = "hello"

                def check_document(self, doc):
                    yield self.finding(doc.path, 1, 1, "hello")

            @hookimpl
            def provlint_register_checks():
                return [Hello]
            '''
        )
    )
    monkeypatch.syspath_prepend(str(site))
    report = provlint.run(
        corpus, provlint.Config(load_entrypoints=False, plugins=("tt_plugin_mod",))
    )
    assert [f.check for f in report.findings] == ["hello"]
    report = provlint.run(
        corpus,
        provlint.Config(
            load_entrypoints=False, plugins=("tt_plugin_mod",), blocked_plugins=("tt_plugin_mod",)
        ),
    )
    assert report.findings == ()
    sys.modules.pop("tt_plugin_mod", None)


def test_builtin_plugin_can_be_blocked(corpus: Path) -> None:
    (corpus / "a.txt").write_text("no header\n")
    report = provlint.run(corpus, provlint.Config(load_entrypoints=False))
    assert (
        any(f.check == "date-mismatch" or f.check == "missing-date" for f in report.findings)
        is False
    )
    report = provlint.run(
        corpus, provlint.Config(load_entrypoints=False, blocked_plugins=("missing_source",))
    )
    assert "missing-source" not in {s.name for s in report.checks}


def test_fresh_plugin_manager_per_run(corpus: Path) -> None:
    r1 = provlint.run(corpus, _cfg(), plugins=[_plugin("p1", Fine)])
    r2 = provlint.run(corpus, _cfg())
    assert any(f.check == "fine" for f in r1.findings)
    assert not any(f.check == "fine" for f in r2.findings)
    assert r1.registry is not r2.registry


def test_third_party_header_parser_goes_first(corpus: Path) -> None:
    mod = ModuleType("tomlhdr")

    @hookimpl
    def provlint_parse_header(path: str, text: str) -> provlint.Header | None:
        if not text.startswith("+++\n"):
            return None
        end = text.index("+++\n", 4)
        fields = dict(line.split(" = ", 1) for line in text[4:end].splitlines())
        return provlint.Header(
            format="toml", fields={k: v.strip('"') for k, v in fields.items()}, body=text[end + 4 :]
        )

    mod.provlint_parse_header = provlint_parse_header  # type: ignore[attr-defined]
    (corpus / "a.txt").write_text('+++\ndate = "2021-12-04"\n+++\nBody\n')
    report = provlint.run(corpus, _cfg(), plugins=[mod])
    assert [f.check for f in report.findings] == ["date-mismatch"]


def test_selection_by_code_name_and_prefix(corpus: Path) -> None:
    (corpus / "a.txt").write_text("no header\n")
    (corpus / "INDEX.md").write_text("| id | file |\n|---|---|\n| a1 | a.txt |\n")

    def names(**kw: tuple[str, ...]) -> set[str]:
        return {
            f.check
            for f in provlint.run(corpus, provlint.Config(load_entrypoints=False, **kw)).findings
        }

    assert names() == {"missing-source", "missing-date"}
    assert names(select=("PV107",)) == {"missing-date"}
    assert names(select=("missing-source",)) == {"missing-source"}
    assert names(select=("PV1",), ignore=("PV106",)) == {"missing-date"}
    assert names(select=("PV107",), extend_select=("missing-source",)) == {
        "missing-source",
        "missing-date",
    }


class Forever(DocumentCheck):
    """Never returns."""

    code = "TT906"
    name = "forever"

    def check_document(self, doc):  # type: ignore[no-untyped-def]
        while True:
            pass


def test_a_check_that_runs_forever_is_stopped(corpus: Path) -> None:
    cfg = provlint.Config(load_entrypoints=False, check_timeout=0.5)
    report = provlint.run(corpus, cfg, plugins=[_plugin("slow", Forever, Fine)])
    (f,) = [f for f in report.findings if f.check == "internal-error"]
    assert "'forever'" in f.message and "ran longer than 0.5 s" in f.message
    assert any(f.check == "fine" for f in report.findings)
    assert report.exit_code == 3


def test_corpus_check_budget_grows_with_the_corpus(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A corpus check may take 30 times check-timeout plus a hundredth of it
    per document (a fixed budget stopped the corpus checks of a
    million-document corpus); a document check gets check-timeout."""
    import signal

    from provlint import CorpusCheck
    from provlint.config import Config

    class Whole(CorpusCheck):
        """Looks at the whole corpus."""

        code = "XT001"
        name = "whole-corpus"

        def check_corpus(self, corpus: provlint.Corpus) -> list[provlint.Finding]:
            return []

    armed: list[float] = []
    real = signal.setitimer

    def record(which: int, seconds: float, *rest: float) -> tuple[float, float]:
        if seconds:
            armed.append(seconds)
        return real(which, seconds, *rest)

    monkeypatch.setattr(signal, "setitimer", record)
    report = provlint.run(
        corpus,
        Config(check_timeout=2.0, load_entrypoints=False, select=("whole-corpus",)),
        plugins=[_plugin("whole", Whole)],
    )
    n = report.stats["documents"]
    assert armed and armed[-1] == pytest.approx(2.0 * (30 + n / 100))
