"""The fast paths (jsonschema_rs, numpy) against their pure-Python references.

Both implementations run on the same inputs and must agree exactly: the
valid/invalid answer for every fixture header and INDEX.md row and for
generated instances; the words, shingle hashes, signatures, estimates and
LSH pairs for generated texts. ``PROVLINT_PURE_PYTHON=1`` must select the
references.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provlint import fastpath, schema
from provlint.catalogue import parse_catalogue
from provlint.headers import parse_front_matter, parse_legacy
from provlint.plugins.duplicate_content import similarity

CHECKS = FIXTURES / "checks"
# The schemas the checks validate against (header-schema, index-schema).
VALIDATED = ("header", "index-row")


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast paths on (the default)."""
    monkeypatch.delenv(fastpath.ENV_VAR, raising=False)


@pytest.fixture
def pure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fallbacks forced."""
    monkeypatch.setenv(fastpath.ENV_VAR, "1")


def _with_env(monkeypatch: pytest.MonkeyPatch, pure_python: bool) -> None:
    if pure_python:
        monkeypatch.setenv(fastpath.ENV_VAR, "1")
    else:
        monkeypatch.delenv(fastpath.ENV_VAR, raising=False)


@contextlib.contextmanager
def _env(pure_python: bool) -> Iterator[None]:
    """The switch set for a block (usable inside hypothesis tests)."""
    with pytest.MonkeyPatch.context() as mp:
        _with_env(mp, pure_python)
        yield


def test_words_dispatch(fast: None) -> None:
    text = "The Minister, on 12 Dec., said: “No!” -- 'quoted' x\x1cy"
    assert similarity.words(text) == similarity._words_py(text)
    assert similarity.words(text)[-3:] == ["quoted", "x", "y"]  # U+001C splits, as str.split


# --- schemas ----------------------------------------------------------------


def _fixture_instances() -> list[tuple[str, str, dict[str, Any]]]:
    """(schema, where, instance) for every header and INDEX.md row in the
    check fixtures."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    for path in sorted(CHECKS.rglob("*")):
        if not path.is_file() or path.suffix not in (".md", ".txt"):
            continue
        try:
            text = path.read_text("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        where = str(path.relative_to(CHECKS))
        if path.name == "INDEX.md":
            for row in parse_catalogue(text).rows:
                values = {name: cell.value for name, cell in row.cells.items()}
                out.append(("index-row", f"{where}:{row.line}", values))
        header = parse_front_matter(text) or parse_legacy(text)
        if header is not None:
            out.append(("header", where, dict(header.fields)))
    return out


FIXTURE_INSTANCES = _fixture_instances()


def test_fixtures_have_instances() -> None:
    kinds = {name for name, _, _ in FIXTURE_INSTANCES}
    assert kinds == set(VALIDATED)
    assert len(FIXTURE_INSTANCES) > 50


def _reference_valid(name: str, instance: object) -> bool:
    return bool(schema.validator(name).is_valid(instance))


def _messages(name: str, instance: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    return list(schema.iter_errors(name, instance))


@pytest.mark.parametrize("name", VALIDATED)
def test_validated_schemas_take_the_fast_path(name: str, fast: None) -> None:
    pytest.importorskip("jsonschema_rs")
    assert schema._fast_validator(name) is not None


def test_unsupported_schema_falls_back(fast: None) -> None:
    pytest.importorskip("jsonschema_rs")
    # config.schema.json uses number keywords the translation does not accept.
    assert schema._fast_validator("config") is None
    with pytest.raises(schema._Unsupported):
        schema._translate({"patternProperties": {"^a": {}}}, {})
    with pytest.raises(schema._Unsupported):
        schema._translate({"format": "email"}, {})


@pytest.mark.parametrize(
    ("name", "where", "instance"),
    FIXTURE_INSTANCES,
    ids=[f"{n}:{w}" for n, w, _ in FIXTURE_INSTANCES],
)
def test_fixture_instances_agree(
    name: str, where: str, instance: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("jsonschema_rs")
    _with_env(monkeypatch, pure_python=False)
    answer = schema.fast_is_valid(name, instance)
    assert answer is not None, f"{where}: the fast path should apply"
    assert answer == _reference_valid(name, instance), where
    fast_messages = _messages(name, instance)
    _with_env(monkeypatch, pure_python=True)
    assert fast_messages == _messages(name, instance), where


# Strings near the schemas' edges: the patterns' anchors and classes (a final
# newline for `$`, U+001C..U+001F and U+0085 for `\s`, non-ASCII digits for
# `\d`), dates, URLs.
_EDGE_CHARS = "aZ09,-+.:/ T\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2028\u3000\u0663\uff11é_"
_SNIPPETS = [
    "2021-03-04",
    "2021-13-45",
    "2021-02-29",
    "2024-02-29",
    "2021-03-04T10:00Z",
    "2021-03-04 10:00:00.5+01:00",
    "2021-03-04T10:00",
    "٢٠٢١-٠٣-٠٤",
    "https://example.org/page",
    "http://example.org/a b",
    "http:x",
    "mailto:someone@example.org",
    "urn:isbn:0451450523",
    "ftp://",
    "a1",
    "a1, b2",
    "a1,,b2",
    "de-CH",
    "en",
    "e",
    "0" * 64,
    "f" * 63,
    "",
]
_edge_text = st.text(alphabet=_EDGE_CHARS, max_size=12)
_string = st.one_of(
    st.sampled_from(_SNIPPETS),
    _edge_text,
    st.builds(lambda a, b: a + b, st.sampled_from(_SNIPPETS), _edge_text),
    st.builds(lambda a, b: a + b, _edge_text, st.sampled_from(_SNIPPETS)),
    st.text(max_size=20),
)
_scalar = st.one_of(_string, st.none(), st.booleans(), st.integers(), st.floats())
_value = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["ignore", "x", "PV101"]), inner, max_size=3),
    ),
    max_leaves=6,
)
_KEYS = [
    "id",
    "file",
    "title",
    "source",
    "url",
    "date",
    "retrieved",
    "sha256",
    "derived_from",
    "language",
    "provlint",
    "notes",
]
_instance = st.dictionaries(
    st.one_of(st.sampled_from(_KEYS), st.text(max_size=5)),
    st.one_of(_string, _string, _value),
    max_size=8,
)


@pytest.mark.parametrize("name", VALIDATED)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=_instance)
def test_generated_instances_agree(name: str, instance: dict[str, Any]) -> None:
    pytest.importorskip("jsonschema_rs")
    answer = schema.fast_is_valid(name, instance)
    if answer is not None:
        assert answer == _reference_valid(name, instance)


@settings(max_examples=200, deadline=None)
@given(
    ignore=st.dictionaries(st.text(max_size=4), _value, max_size=3),
    derived=st.one_of(_string, st.lists(_string, max_size=3), _value),
)
def test_generated_nested_agree(ignore: dict[str, Any], derived: Any) -> None:
    pytest.importorskip("jsonschema_rs")
    instance = {"id": "a1", "provlint": {"ignore": ignore}, "derived_from": derived}
    answer = schema.fast_is_valid("header", instance)
    if answer is not None:
        assert answer == _reference_valid("header", instance)


def test_non_json_instances_take_the_reference(fast: None) -> None:
    pytest.importorskip("jsonschema_rs")
    # jsonschema_rs reads a tuple as an array; jsonschema does not.
    assert schema.fast_is_valid("header", {"derived_from": ("a", "b")}) is None
    assert not _reference_valid("header", {"derived_from": ("a", "b")})
    assert schema.fast_is_valid("header", {"id": "\ud800"}) is None
    assert schema.fast_is_valid("header", {"title": type("S", (str,), {})("x")}) is None
    assert schema.fast_is_valid("header", {"id": "a1"}) is True
    # Python's `$` matches before a final newline; the answers agree.
    assert schema.fast_is_valid("header", {"id": "a1\n"}) == _reference_valid(
        "header", {"id": "a1\n"}
    )


def test_valid_instances_do_not_import_jsonschema() -> None:
    pytest.importorskip("jsonschema_rs")
    code = (
        "import sys\n"
        "from provlint.schema import iter_errors\n"
        "row = {'id': 'a1', 'file': 'a.md', 'date': '2021-03-04', 'url': 'https://e.org/x'}\n"
        "assert list(iter_errors('index-row', row)) == []\n"
        "assert 'jsonschema' not in sys.modules, 'jsonschema imported'\n"
        "assert list(iter_errors('index-row', {'id': 'a 1', 'file': 'a.md'}))\n"
        "assert 'jsonschema' in sys.modules\n"
        "import provlint.plugins.duplicate_content.similarity\n"
    )
    env = {k: v for k, v in os.environ.items() if k != fastpath.ENV_VAR}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


# --- similarity -------------------------------------------------------------

_VOCAB = ["the", "minister", "said", "on", "Dec.", "“No!”", "grüße", "ÉTÉ", "x" * 70, "12", "--"]
_text_chars = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u2028\u3000.,;:!?'\"-()[]“”«»—…0123"
        ),
        st.characters(codec="utf-8"),
    ),
    max_size=300,
)
_vocab_text = st.lists(st.sampled_from(_VOCAB), max_size=200).map(" ".join)
_texts = st.one_of(_text_chars, _vocab_text)


@settings(max_examples=300, deadline=None)
@given(text=_texts)
def test_words_agree(text: str) -> None:
    with _env(pure_python=False):
        assert similarity.words(text) == similarity._words_py(text)


def test_words_agree_on_every_code_point(fast: None) -> None:
    chars = [chr(c) for c in range(0x110000)]
    for sep in ("", "a"):
        text = sep.join(f"x{c}y{c}{c}" for c in chars)
        assert similarity.words(text) == similarity._words_py(text)


def _signatures(texts: list[str]) -> dict[str, tuple[array, int]]:  # type: ignore[type-arg]
    sigs = {}
    for i, text in enumerate(texts):
        hashes = similarity._shingles_py(similarity._words_py(text))
        sigs[f"doc{i % 7}-{i}"] = (similarity._signature_py(hashes), len(hashes))
    return sigs


_near_copies = st.lists(
    st.lists(st.sampled_from([*_VOCAB[:6], "a", "b", "c"]), min_size=5, max_size=40).map(" ".join),
    min_size=0,
    max_size=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=_near_copies,
    threshold=st.sampled_from([0.0, 0.3, 0.5, 0.8, 1.0]),
    cap=st.sampled_from([0, 2, 3, 100]),
)
def test_estimate_and_lsh_pairs_agree(texts: list[str], threshold: float, cap: int) -> None:
    np = pytest.importorskip("numpy")
    sigs = _signatures(texts)
    got = list(similarity._lsh_pairs_np(np, sigs, threshold, cap))
    assert got == list(similarity._lsh_pairs_py(sigs, threshold, cap))
    items = list(sigs.values())
    for (sa, na), (sb, nb) in zip(items, items[1:] + items[:1], strict=True):
        with _env(pure_python=False):
            assert similarity.estimate(sa, sb, na, nb) == similarity._estimate_py(sa, sb, na, nb)


def test_lsh_pairs_agree_on_a_larger_corpus(fast: None) -> None:
    np = pytest.importorskip("numpy")
    import random

    rnd = random.Random(7)
    vocab = ["".join(rnd.choice("abcdefghijklmnop") for _ in range(6)) for _ in range(400)]
    bases = [[rnd.choice(vocab) for _ in range(300)] for _ in range(40)]
    texts = []
    for _ in range(600):
        tokens = list(rnd.choice(bases))
        for _ in range(rnd.randrange(0, 12)):
            tokens[rnd.randrange(len(tokens))] = rnd.choice(vocab)
        texts.append(" ".join(tokens))
    sigs = _signatures(texts)
    for threshold, cap in ((0.5, 100), (0.8, 100), (0.3, 20)):
        got = list(similarity._lsh_pairs_np(np, sigs, threshold, cap))
        assert got == list(similarity._lsh_pairs_py(sigs, threshold, cap))
        assert got or cap < 100


# --- the switch -------------------------------------------------------------


def test_pure_python_env_selects_the_fallbacks(pure: None, monkeypatch: pytest.MonkeyPatch) -> None:
    assert fastpath.pure_python()
    assert fastpath.module("numpy") is None
    assert fastpath.module("jsonschema_rs") is None
    assert schema.fast_is_valid("header", {"id": "a1"}) is None

    def boom(*args: object) -> None:
        raise AssertionError("fast path used")

    monkeypatch.setattr(schema, "_fast_validator", boom)
    for name in ("_lsh_pairs_np",):
        monkeypatch.setattr(similarity, name, boom)
    monkeypatch.setattr(similarity, "repeat", None)  # the fast words() needs it
    assert list(schema.iter_errors("header", {"id": "a1"})) == []
    tokens = similarity.words("one two three four five six seven")
    assert tokens == ["one", "two", "three", "four", "five", "six", "seven"]
    hashes = similarity.shingles(tokens)
    sig = similarity.signature(hashes)
    assert similarity.estimate(sig, sig, len(hashes), len(hashes)) == (1.0, 1.0)
    assert list(similarity.lsh_pairs({"a": (sig, 3), "b": (sig, 3)}, 0.5)) == [
        similarity.Pair("a", "b", 1.0, 1.0)
    ]


@pytest.mark.parametrize("value", ["", "0"])
def test_fast_paths_selected_by_default(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("numpy")
    pytest.importorskip("jsonschema_rs")
    monkeypatch.setenv(fastpath.ENV_VAR, value)
    assert not fastpath.pure_python()
    assert fastpath.module("numpy") is not None
    calls: list[str] = []
    real = similarity._lsh_pairs_np

    def spy(np: Any, *args: Any) -> Any:
        calls.append("numpy")
        return real(np, *args)

    monkeypatch.setattr(similarity, "_lsh_pairs_np", spy)
    monkeypatch.setattr(similarity, "NUMPY_FROM", 2)
    sig = similarity.signature(similarity.shingles("one two three four five six".split()))
    list(similarity.lsh_pairs({"a": (sig, 2), "b": (sig, 2)}, 0.5))
    assert calls == ["numpy"]
    assert schema.fast_is_valid("header", {"id": "a1"}) is True


def test_fixture_outputs_same_both_ways(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A whole duplicate-content run gives the same findings both ways."""
    import provlint
    from conftest import copy_fixture
    from provlint.config import load_config

    results = []
    for pure_python in (False, True):
        _with_env(monkeypatch, pure_python)
        out = []
        for case in sorted((CHECKS / "duplicate-content").iterdir()):
            corpus = copy_fixture(case, tmp_path / f"{pure_python}")
            cfg = load_config(corpus).with_overrides(
                select=("duplicate-content",), load_entrypoints=False
            )
            report = provlint.run(corpus, cfg)
            out.append(sorted((f.path, f.line, f.message) for f in report.findings))
        results.append(out)
    assert results[0] == results[1]


# --- the pure-Python validity test ----------------------------------------------


@pytest.mark.parametrize("name", VALIDATED)
def test_validated_schemas_have_a_quick_test(name: str) -> None:
    assert schema._quick_test(name) is not None


@pytest.mark.parametrize(
    ("name", "where", "instance"),
    FIXTURE_INSTANCES,
    ids=[f"{n}:{w}" for n, w, _ in FIXTURE_INSTANCES],
)
def test_quick_test_agrees_on_fixture_instances(
    name: str, where: str, instance: dict[str, Any]
) -> None:
    answer = schema.quick_is_valid(name, instance)
    assert answer is not None, f"{where}: the quick test should apply"
    assert answer == _reference_valid(name, instance), where


@pytest.mark.parametrize("name", VALIDATED)
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance=_instance)
def test_quick_test_agrees_on_generated_instances(name: str, instance: dict[str, Any]) -> None:
    answer = schema.quick_is_valid(name, instance)
    if answer is not None:
        assert answer == _reference_valid(name, instance)


@settings(max_examples=300, deadline=None)
@given(
    ignore=st.dictionaries(st.text(max_size=4), _value, max_size=3),
    derived=st.one_of(_string, st.lists(_string, max_size=3), _value),
)
def test_quick_test_agrees_on_nested_values(ignore: dict[str, Any], derived: Any) -> None:
    instance = {"id": "a1", "provlint": {"ignore": ignore}, "derived_from": derived}
    answer = schema.quick_is_valid("header", instance)
    if answer is not None:
        assert answer == _reference_valid("header", instance)


@pytest.mark.parametrize(
    "instance",
    [
        {},
        {"id": "a1", "file": "a.md"},
        {"id": "a 1", "file": "a.md"},
        {"id": "a1"},
        {"id": "a1", "file": ""},
        {"id": "a1", "file": "a.md", "notes": 3},
        {"id": "a1\n", "file": "a.md"},
        {"id": "a1", "file": "a.md", "sha256": "0" * 64},
        {"id": "a1", "file": "a.md", "sha256": "0" * 65},
        {"id": "a1", "file": "a.md", "date": "2021-02-29"},
        {"id": "a1", "file": "a.md", "date": "2024-02-29T10:00+01:00"},
        {"id": "a1", "file": "a.md", "url": "http://example.org/a b"},
        {"id": "a1", "file": "a.md", "url": "urn:isbn:0451450523"},
        {"id": "a1", "derived_from": []},
        {"id": "a1", "derived_from": ["b1", "c1"]},
        {"id": "a1", "derived_from": ["b1", "c 1"]},
        {"id": "a1", "derived_from": "b1, c1"},
        {"id": "a1", "derived_from": None},
        {"provlint": {"ignore": {"PV101": "why"}}},
        {"provlint": {"ignore": {"PV101": ""}}},
        {"provlint": {"ignore": {"PV101": "why"}, "other": 1}},
        {"provlint": []},
        {"language": "de-CH"},
        {"language": "deutsch-schweiz-x"},
        {"title": True},
    ],
)
def test_quick_test_agrees_on_a_table(instance: dict[str, Any]) -> None:
    for name in VALIDATED:
        assert schema.quick_is_valid(name, instance) == _reference_valid(name, instance)


def test_quick_test_declines_what_it_cannot_match() -> None:
    assert schema._quick_test("config") is None  # number keywords
    with pytest.raises(schema._Unsupported):
        schema._compile({"patternProperties": {"^a": {}}}, {})
    with pytest.raises(schema._Unsupported):
        schema._compile({"type": "integer"}, {})
    with pytest.raises(schema._Unsupported):
        schema._compile({"format": "email"}, {})
    with pytest.raises(schema._Unsupported):
        schema._compile({"$ref": "#/$defs/missing"}, {})
    assert schema.quick_is_valid("header", {"derived_from": ("a", "b")}) is None
    assert schema.quick_is_valid("header", {"title": type("S", (str,), {})("x")}) is None


def test_valid_instances_need_neither_validator_library() -> None:
    code = (
        "import sys\n"
        "from provlint.schema import iter_errors\n"
        "row = {'id': 'a1', 'file': 'a.md', 'date': '2021-03-04', 'url': 'https://e.org/x'}\n"
        "assert list(iter_errors('index-row', row)) == []\n"
        "assert list(iter_errors('header', {'id': 'a1', 'derived_from': ['b1']})) == []\n"
        "assert 'jsonschema' not in sys.modules, 'jsonschema imported'\n"
        "assert 'jsonschema_rs' not in sys.modules, 'jsonschema_rs imported'\n"
        "assert list(iter_errors('index-row', {'id': 'a 1', 'file': 'a.md'}))\n"
        "assert 'jsonschema' in sys.modules\n"
    )
    for pure in ("", "1"):
        env = {**os.environ, fastpath.ENV_VAR: pure}
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
