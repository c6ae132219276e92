"""docs/plugin-api.md stays true and complete.

- Its runnable examples run: each ``<!-- runnable: NAME -->`` block of one
  NAME is executed, in page order, as one module, and that module's
  ``test_*`` functions are called (``provlint_corpus`` is a fresh
  :class:`provlint.testing.CorpusBuilder`). Every other ``python`` block is
  marked ``<!-- fragment -->`` and must compile.
- Nothing public goes undocumented: every name of ``provlint.__all__``,
  every hook of ``provlint.hookspecs`` (its exact signature, and whether it
  is firstresult), and every public member of the API classes, within the
  section that documents the class.
- The promises the page makes about keyed checks (what an incremental run
  emits and judges again, the order of records, the time limits, what
  becomes an internal error) are tested here too.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import signal
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import provlint
import pytest
from conftest import REPO
from provlint import (
    CatalogueCheck,
    DocumentCheck,
    Emit,
    Finding,
    KeyedCheck,
    Location,
    Severity,
    Totals,
    hookspecs,
    runner,
)
from provlint.output import FormatOptions, OutputFormat
from provlint.testing import CorpusBuilder

PAGE = REPO / "docs" / "plugin-api.md"

_BLOCK = re.compile(
    r"^(?:<!-- (?P<mark>runnable: (?P<session>[\w-]+)|fragment) -->\n)?"
    r"```python\n(?P<code>.*?)^```$",
    re.M | re.S,
)
_HEADING = re.compile(r"^(#{1,6}) (.+)$", re.M)
_SPAN = re.compile(r"`([^`\n]+)`")


def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


def _blocks(text: str) -> list[tuple[str | None, str | None, int, str]]:
    """Every ``python`` block: (mark, session, first line of code, code)."""
    out = []
    for m in _BLOCK.finditer(text):
        line = text.count("\n", 0, m.start("code")) + 1
        out.append((m.group("mark"), m.group("session"), line, m.group("code")))
    return out


def _sessions() -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for _mark, session, line, code in _blocks(_page()):
        if session:
            out.setdefault(session, []).append((line, code))
    return out


def _headings(text: str) -> list[tuple[int, int, str]]:
    """(offset, level, title) of each Markdown heading outside code blocks."""
    fenced = [(m.start(), m.end()) for m in re.finditer(r"^```.*?^```$", text, re.M | re.S)]
    return [
        (m.start(), len(m.group(1)), m.group(2))
        for m in _HEADING.finditer(text)
        if not any(a <= m.start() < b for a, b in fenced)
    ]


def _section(text: str, name: str) -> str:
    """The section whose heading names ``name`` in backticks, up to the next
    heading of the same or a higher level."""
    heads = _headings(text)
    for i, (start, level, title) in enumerate(heads):
        if f"`{name}`" in title:
            end = next((s for s, lv, _ in heads[i + 1 :] if lv <= level), len(text))
            return text[start:end]
    raise AssertionError(f"docs/plugin-api.md has no heading naming `{name}`")


def _in_code(text: str, name: str) -> bool:
    """Whether ``name`` appears as a word in an inline code span of ``text``."""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b|\.{re.escape(name)}\b")
    return any(word.search(span) for span in _SPAN.findall(text))


# --------------------------------------------------------------------------
# The examples run
# --------------------------------------------------------------------------


def test_every_python_block_is_runnable_or_a_compiling_fragment() -> None:
    blocks = _blocks(_page())
    assert len(blocks) == _page().count("```python"), "a python block the pattern missed"
    for mark, _session, line, code in blocks:
        assert mark is not None, f"plugin-api.md:{line}: mark the block runnable or fragment"
        compile(textwrap.dedent(code), f"{PAGE}:{line}", "exec")
    assert len(_sessions()) >= 5


@pytest.mark.parametrize("session", sorted(_sessions()))
def test_runnable_examples(session: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = f"plugin_api_example_{session.replace('-', '_')}"
    module = types.ModuleType(name)
    # Importable by name: the store and worker processes rebuild records by it.
    monkeypatch.setitem(sys.modules, name, module)
    for line, code in _sessions()[session]:
        # Padded so that a traceback gives the page's line numbers.
        exec(compile("\n" * (line - 1) + code, str(PAGE), "exec"), module.__dict__)
    tests = {k: v for k, v in vars(module).items() if k.startswith("test_") and callable(v)}
    assert tests, f"runnable session {session!r} defines no test_ function"
    for test_name, fn in tests.items():
        wanted = inspect.signature(fn).parameters
        kwargs: dict[str, Any] = {}
        if "provlint_corpus" in wanted:
            kwargs["provlint_corpus"] = CorpusBuilder(tmp_path / test_name / "corpus")
        if "tmp_path" in wanted:
            kwargs["tmp_path"] = tmp_path / test_name
        fn(**kwargs)


# --------------------------------------------------------------------------
# Nothing public is left out
# --------------------------------------------------------------------------


def test_every_exported_name_is_documented() -> None:
    text = _page()
    heads = " ".join(title for _, _, title in _headings(text))
    for name in provlint.__all__:
        assert _in_code(text, name), f"provlint.{name} is not mentioned in docs/plugin-api.md"
        value = getattr(provlint, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert f"`{name}`" in heads, f"provlint.{name} has no section in docs/plugin-api.md"


def _hooks() -> dict[str, Any]:
    return {
        name: fn
        for name, fn in vars(hookspecs).items()
        if inspect.isfunction(fn) and hasattr(fn, f"{hookspecs.PROJECT}_spec")
    }


def test_every_hook_is_documented_with_its_signature() -> None:
    text = _page()
    hooks = _hooks()
    assert set(hooks) >= {"provlint_register_checks", "provlint_parse_header"}
    for name, fn in hooks.items():
        section = _section(text, name)
        signature = f"{name}{inspect.signature(fn)}".replace("'", "")
        assert f"`{signature}`" in section, f"{name}: the page does not give `{signature}`"
        first = bool(getattr(fn, f"{hookspecs.PROJECT}_spec").get("firstresult"))
        said = re.findall(r"\*\*firstresult:\*\*\s+(yes|no)", section)
        assert said == ["yes" if first else "no"], f"{name}: firstresult is {first}"


def _members(cls: type) -> set[str]:
    """Public fields, attributes, properties and methods defined on ``cls``."""
    names = {n for n in vars(cls) if not n.startswith("_")}
    if dataclasses.is_dataclass(cls):
        names |= {f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")}
    names |= set(getattr(cls, "_fields", ()))
    return names


# The class, and members set on instances (not visible on the class).
DOCUMENTED: list[tuple[type, set[str]]] = [
    (provlint.Check, {"config", "plugin"}),
    (DocumentCheck, set()),
    (KeyedCheck, set()),
    (CatalogueCheck, set()),
    (provlint.CorpusCheck, set()),
    (provlint.Corpus, set()),
    (provlint.Document, set()),
    (provlint.Declared, set()),
    (provlint.Header, set()),
    (provlint.IndexRow, set()),
    (provlint.Catalogue, set()),
    (Finding, set()),
    (Location, set()),
    (Severity, set()),
    (Emit, set()),
    (Totals, set()),
    (OutputFormat, set()),
    (FormatOptions, set()),
    (provlint.Config, set()),
    (provlint.Report, set()),
]


@pytest.mark.parametrize("cls, extra", DOCUMENTED, ids=lambda v: getattr(v, "__name__", ""))
def test_every_public_member_is_documented_in_its_section(cls: type, extra: set[str]) -> None:
    section = _section(_page(), cls.__name__)
    missing = sorted(m for m in _members(cls) | extra if not _in_code(section, m))
    assert not missing, f"{cls.__name__}: not documented in its section: {missing}"


def test_the_keyed_protocol_is_all_there() -> None:
    """The members the protocol consists of are among those checked above."""
    required = {"emit", "emit_catalogue", "judge", "totals_key", "stages", "records", "lonely"}
    assert required <= _members(KeyedCheck)
    assert {f.name for f in dataclasses.fields(FormatOptions)} <= _members(FormatOptions)


def _slug(title: str) -> str:
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def test_links_lead_somewhere() -> None:
    text = _page()
    anchors = {_slug(title) for _, _, title in _headings(text)}
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if target.startswith("#"):
            assert target[1:] in anchors, f"no heading for the link {target}"
        elif "://" not in target:
            assert (PAGE.parent / target.split("#")[0]).exists(), f"{target} does not exist"


def test_the_page_is_linked() -> None:
    for doc in ("README.md", "docs/plugin-testing.md"):
        assert "plugin-api.md" in (REPO / doc).read_text(encoding="utf-8"), doc
    assert "KeyedCheck" in (hookspecs.provlint_register_checks.__doc__ or "")


# --------------------------------------------------------------------------
# What the page says about keyed checks
# --------------------------------------------------------------------------

CALLS: list[tuple[Any, ...]] = []


class Tag(NamedTuple):
    """A record of the probe checks below."""

    source: str
    n: int


class Probe(KeyedCheck):
    """Records how it is called: one key per topic a document lists."""

    code = "XT901"
    name = "probe"
    stages = ("topic", "count")
    records = (Tag,)
    lonely = frozenset({"topic"})

    def emit_catalogue(self, catalogue: provlint.Catalogue) -> Iterator[tuple[Any, Tag]]:
        for row in catalogue.rows:
            for topic in (row.get("topic") or "").split():
                yield ("topic", topic), Tag(catalogue.path, row.line)

    def emit(self, doc: provlint.Document) -> Iterator[tuple[Any, Tag]]:
        CALLS.append(("emit", doc.path))
        for n, topic in enumerate(str(doc.get("topics") or "").split()):
            yield ("topic", topic), Tag(doc.path, n)

    def judge(self, key: Any, records: Any, totals: Totals) -> Iterator[Finding | Emit]:
        CALLS.append(("judge", key, tuple(records)))
        if key[0] == "topic":
            yield Emit(("count",), (key[1], len(records)))
            first = records[0]
            yield self.finding(first.source, 1, 1, f"{key[1]}: {len(records)} records")


class ProbeTotals(Probe):
    """The probe, judging by the number of documents."""

    code = "XT902"
    name = "probe-totals"

    def totals_key(self, totals: Totals) -> Any:
        return totals.documents


def _run(root: Path, cls: type, cache: Path | None, **config: Any) -> provlint.Report:
    cfg = provlint.Config(
        load_entrypoints=False,
        select=(cls.name,),  # type: ignore[attr-defined]
        cache=cache is not None,
        cache_dir=cache,
        **config,
    )
    return provlint.run(root, cfg, plugins=[_plugin(cls)])


def _plugin(*classes: type) -> Any:
    class Plugin:
        @provlint.hookimpl
        def provlint_register_checks(self) -> list[type]:
            return list(classes)

    return Plugin()


def _calls(kind: str) -> list[Any]:
    return [c[1] for c in CALLS if c[0] == kind]


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder, used whatever the corpus size."""
    monkeypatch.setattr(runner, "CACHE_FROM", 0)
    monkeypatch.setenv("PROVLINT_CACHE_KEY_FILE", str(tmp_path / "key"))
    CALLS.clear()
    return tmp_path / "cache"


def _topics(tmp_path: Path) -> CorpusBuilder:
    corpus = CorpusBuilder(tmp_path / "corpus").no_index()
    for name, topics in [("a", "x y"), ("b", "x"), ("c", "z"), ("d", "w")]:
        corpus.doc(f"{name}.txt", header={"topics": topics})
    return corpus


def _outcome(report: provlint.Report) -> list[dict[str, Any]]:
    return [f.to_dict() for f in report.findings]


def test_an_incremental_run_emits_changed_documents_and_judges_touched_keys(
    tmp_path: Path, cached: Path
) -> None:
    corpus = _topics(tmp_path)
    root = corpus.write()
    first = _run(root, Probe, cached)
    assert sorted(_calls("emit")) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert _calls("judge") == [("topic", "x"), ("count",)]  # lonely keys are skipped
    CALLS.clear()
    again = _run(root, Probe, cached)
    assert CALLS == [] and _outcome(again) == _outcome(first)
    corpus.doc("d.txt", header={"topics": "w z"}).write()  # d now shares z with c
    changed = _run(root, Probe, cached)
    assert _calls("emit") == ["d.txt"]
    assert _calls("judge") == [("topic", "z"), ("count",)]  # w alone again: skipped
    assert _outcome(changed) == _outcome(_run(root, Probe, None))
    assert [f.path for f in changed.findings] == ["a.txt", "c.txt"]


def test_a_changed_totals_key_judges_every_key(tmp_path: Path, cached: Path) -> None:
    corpus = _topics(tmp_path)
    root = corpus.write()
    _run(root, ProbeTotals, cached)
    CALLS.clear()
    corpus.doc("e.txt", header={"title": "no topics"}).write()
    report = _run(root, ProbeTotals, cached)
    assert _calls("emit") == ["e.txt"]
    assert _calls("judge") == [("topic", "x"), ("count",)]  # x untouched, judged again
    assert _outcome(report) == _outcome(_run(root, ProbeTotals, None))


@pytest.mark.parametrize("store", [False, True])
def test_records_reach_judge_by_source_then_in_emitted_order(
    tmp_path: Path, cached: Path, store: bool
) -> None:
    corpus = CorpusBuilder(tmp_path / "corpus")
    corpus.row("b1", "b.txt", topic="t u").row("a1", "a.txt", topic="t")  # b first in INDEX.md
    corpus.doc("b.txt", header={"topics": "u t t"}).doc("a.txt", header={"topics": "t u"})
    _run(corpus.write(), Probe, cached if store else None)
    judged = {c[1]: c[2] for c in CALLS if c[0] == "judge"}
    assert judged[("topic", "t")] == (
        Tag("INDEX.md", 3),
        Tag("INDEX.md", 4),
        Tag("a.txt", 0),
        Tag("b.txt", 1),
        Tag("b.txt", 2),
    )
    assert judged[("count",)] == (("t", 5), ("u", 3))  # by the emitting key


class Unlisted(NamedTuple):
    value: int


class BadRecord(KeyedCheck):
    """Emits a record of a class it does not list."""

    code = "XT911"
    name = "bad-record"
    stages = ("k",)

    def emit(self, doc: provlint.Document) -> Iterator[tuple[Any, Any]]:
        yield ("k", 1), Unlisted(1)


class NoStage(BadRecord):
    """Emits under a key of no stage."""

    code = "XT912"
    name = "no-stage"

    def emit(self, doc: provlint.Document) -> Iterator[tuple[Any, Any]]:
        yield ("elsewhere", 1), 1


class SameStage(BadRecord):
    """A judge that emits to its own stage."""

    code = "XT913"
    name = "same-stage"

    def emit(self, doc: provlint.Document) -> Iterator[tuple[Any, Any]]:
        yield ("k", 1), 1

    def judge(self, key: Any, records: Any, totals: Totals) -> Iterator[Emit]:
        yield Emit(("k", 2), 1)


class JudgeEmitsUnlisted(BadRecord):
    """A judge that emits a record of a class the check does not list."""

    code = "XT916"
    name = "judge-emits-unlisted"
    stages = ("k", "later")

    def emit(self, doc: provlint.Document) -> Iterator[tuple[Any, Any]]:
        yield ("k", 1), 1

    def judge(self, key: Any, records: Any, totals: Totals) -> Iterator[Emit]:
        if key[0] == "k":
            yield Emit(("later", 1), Unlisted(1))


class FindingFromEmit(BadRecord):
    """Yields a finding from emit."""

    code = "XT914"
    name = "finding-from-emit"

    def emit(self, doc: provlint.Document) -> Iterator[Any]:
        yield self.finding(doc.path, 1, 1, "not here")


class Garbage(DocumentCheck):
    """A finding, then something that is not one."""

    code = "XT915"
    name = "garbage"

    def check_document(self, doc: provlint.Document) -> Iterator[Any]:
        yield self.finding(doc.path, 1, 1, "kept")
        yield "not a finding"


@pytest.mark.parametrize(
    "cls, says",
    [
        (BadRecord, "which the check does not list in 'records'"),
        (NoStage, "names no stage of check 'no-stage'"),
        (SameStage, "a judge may only emit to a later stage"),
        (JudgeEmitsUnlisted, "which the check does not list in 'records'"),
        (FindingFromEmit, "emit must yield (key, record) pairs"),
        (Garbage, "returned str instead of a Finding on a.txt"),
    ],
    ids=lambda v: getattr(v, "name", ""),
)
def test_what_becomes_an_internal_error(tmp_path: Path, cls: type, says: str) -> None:
    root = CorpusBuilder(tmp_path / "corpus").no_index().doc("a.txt").write()
    report = _run(root, cls, None, ignore=("PV001",))  # reported all the same
    [error] = [f for f in report.findings if f.code == "PV001"]
    assert error.message.startswith(f"check {cls.name!r} (plugin ")  # type: ignore[attr-defined]
    assert says in error.message
    assert report.exit_code == 3
    assert report.failed_checks == {cls.name}  # type: ignore[attr-defined]
    if cls is Garbage:
        assert [f.message for f in report.findings if f.check == "garbage"] == ["kept"]


def test_time_limits_grow_with_the_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Catalogued(CatalogueCheck):
        """Looks at INDEX.md."""

        code = "XT921"
        name = "catalogued"

        def check_catalogue(self, catalogue: provlint.Catalogue) -> list[Finding]:
            return []

    armed: list[float] = []
    real = signal.setitimer

    def record(which: int, seconds: float, *rest: float) -> tuple[float, float]:
        if seconds:
            armed.append(round(seconds, 6))
        return real(which, seconds, *rest)

    corpus = CorpusBuilder(tmp_path / "corpus")
    for name in "abc":
        corpus.row(f"{name}1", f"{name}.txt", topic="t").doc(f"{name}.txt")
    root = corpus.write()
    monkeypatch.setattr(signal, "setitimer", record)
    cfg = provlint.Config(load_entrypoints=False, check_timeout=2.0, select=("probe", "catalogued"))
    report = provlint.run(root, cfg, plugins=[_plugin(Probe, Catalogued)])
    assert not [f for f in report.findings if f.code == "PV001"]
    assert 2.0 in armed  # emit, per document
    assert 2.0 * (1 + 3 / 100) in armed  # emit_catalogue (3 rows); judge of "t" (3 records)
    assert 2.0 * (1 + 1 / 100) in armed  # judge of ("count",): one record
    assert 2.0 * (30 + 3 / 100) in armed  # check_catalogue: 3 documents


class FailsOnX(Probe):
    """The probe, whose judge fails on topic x."""

    code = "XT917"
    name = "fails-on-x"

    def judge(self, key: Any, records: Any, totals: Totals) -> Iterator[Finding | Emit]:
        if key == ("topic", "x"):
            raise RuntimeError("x is not welcome")
        yield from super().judge(key, records, totals)


def test_a_failed_judge_is_reported_again_by_the_next_cached_run(
    tmp_path: Path, cached: Path
) -> None:
    """The index keeps no judgement of a key whose judge failed, so a
    re-run, with or without changes, reports the failure again, as a cold
    run does."""
    corpus = _topics(tmp_path)
    root = corpus.write()
    cold = _run(root, FailsOnX, cached)
    assert cold.exit_code == 3 and cold.failed_checks == {"fails-on-x"}
    again = _run(root, FailsOnX, cached)
    assert _outcome(again) == _outcome(cold) and again.exit_code == 3
    corpus.doc("e.txt", header={"topics": "w"}).write()
    changed = _run(root, FailsOnX, cached)
    assert _outcome(changed) == _outcome(_run(root, FailsOnX, None))
    assert changed.exit_code == 3
