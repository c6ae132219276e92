"""The start-up shortcuts give the answers of the slow paths they stand in for:
the entry-point pre-scan, lazily compiled patterns, the plain config-option
check and the quicker plugin registration."""

from __future__ import annotations

import math
import pickle
import re
import sys
from importlib import metadata
from importlib.machinery import PathFinder
from pathlib import Path
from types import ModuleType

import jsonschema
import pluggy
import pytest
from provlint import hookspecs
from provlint._lazy import lazy_compile
from provlint.config import _plainly_valid
from provlint.registry import BUILTIN_PLUGINS, _may_declare_entry_points, _PluginManager


def _dist(folder: Path, name: str, entry_points: str | None) -> None:
    info = folder / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points)


@pytest.mark.parametrize(
    ("text", "declared"),
    [
        (None, False),
        ("[console_scripts]\nprovlint = provlint.cli:main\n", False),
        ("[provlint]\nmine = my_plugin\n", True),
        ("  [provlint]  \n# comment\nmine = my_plugin\n", True),
        ("[[provlint]]\nmine = my_plugin\n", True),  # importlib.metadata strips every bracket
        ("# [provlint]\n[other]\nmine = my_plugin\n", False),
        ("[provlint.extra]\nmine = my_plugin\n", False),
    ],
)
def test_entry_point_prescan_agrees_with_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | None, declared: bool
) -> None:
    if metadata.entry_points(group="provlint"):
        pytest.skip("a provlint plugin is installed in this environment")
    before = _may_declare_entry_points("provlint")  # True: something it defers on
    _dist(tmp_path, "some_dist", text)
    monkeypatch.syspath_prepend(str(tmp_path))
    found = bool(metadata.entry_points(group="provlint"))
    assert found is declared
    # The pre-scan may say "maybe" without cause, never "no" when there is one.
    assert _may_declare_entry_points("provlint") is (declared or before)


def test_entry_point_prescan_defers_on_zip_and_other_finders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip file
    monkeypatch.syspath_prepend(str(archive))
    assert _may_declare_entry_points("provlint-nothing-declares-this")
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(archive)])

    class Finder:
        @staticmethod
        def find_distributions(*args: object, **kwargs: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    assert _may_declare_entry_points("provlint-nothing-declares-this")


def test_entry_point_prescan_is_false_for_an_unknown_group(tmp_path: Path) -> None:
    # Nothing on this path declares the group, and nothing asks for a deferral.
    assert (
        not _may_declare_entry_points("provlint-nothing-declares-this")
        or any(not isinstance(p, str) or p.lower().endswith((".zip", ".egg")) for p in sys.path)
        or any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path)
    )


def test_lazy_pattern_behaves_like_the_compiled_one() -> None:
    for pattern, flags, subject in [
        (r"(?P<w>[a-z]+)(\d)", re.IGNORECASE, "xx AB1 cd2"),
        (rb"\xc3[\x80-\xbf]", 0, b"a\xc3\xa9b"),
    ]:
        lazy, real = lazy_compile(pattern, flags), re.compile(pattern, flags)
        assert lazy.pattern == real.pattern and lazy.flags == real.flags
        assert lazy.groups == real.groups and lazy.groupindex == real.groupindex
        assert [m.span() for m in lazy.finditer(subject)] == [
            m.span() for m in real.finditer(subject)
        ]
        assert lazy.sub(subject[:0], subject) == real.sub(subject[:0], subject)
        assert pickle.loads(pickle.dumps(lazy)) == real
    with pytest.raises(AttributeError):
        lazy_compile("a").no_such_method  # noqa: B018


@pytest.mark.parametrize(
    "schema",
    [
        {"type": kind, **extra}
        for kind in ("integer", "number", "string", "boolean", "array", ["integer", "null"])
        for extra in (
            {},
            {"minimum": 0},
            {"minimum": 1, "description": "d"},
            {"maximum": 1},
            {"exclusiveMinimum": 0, "maximum": 1},
            {"exclusiveMaximum": 1},
            {"minimum": 0.5},
            {"minimum": True},
            {"enum": [1, 2]},
            {"minLength": 1},
        )
    ],
)
def test_plain_option_check_never_passes_what_jsonschema_rejects(schema: dict) -> None:
    validator = jsonschema.validators.validator_for(schema)(schema)
    values = [0, 1, -1, 2, 10**20, 0.0, 0.5, 1.0, 2.5, math.inf, -math.inf, math.nan]
    values += [True, False, "x", "", None, [1], {"a": 1}]
    for value in values:
        if _plainly_valid(value, schema):
            assert validator.is_valid(value), (value, schema)


def _hookimpls(pm: pluggy.PluginManager) -> list[tuple[str, str, str, str]]:
    return sorted(
        (name, impl.plugin_name, impl.function.__qualname__, repr(sorted(impl.opts.items())))
        for name in dir(pm.hook)
        if not name.startswith("_")
        for impl in getattr(pm.hook, name).get_hookimpls()
    )


def test_quick_registration_finds_the_hooks_pluggy_finds() -> None:
    import importlib

    odd = ModuleType("odd_plugin")
    exec(  # a module with every kind of value pluggy could look at
        "import re\n"
        "from provlint import hookimpl\n"
        "X = 1\nP = re.compile('a')\nclass C: pass\n"
        "@hookimpl\ndef provlint_register_formats():\n    return []\n"
        "@hookimpl(specname='provlint_register_checks')\ndef other_name():\n    return []\n"
        "def helper():\n    return 0\n"
        "@classmethod\ndef cm(cls): return cls\n"
        "@hookimpl\n@staticmethod\ndef provlint_config_options():\n    return {}\n",
        odd.__dict__,
    )
    modules = [importlib.import_module(m) for m in BUILTIN_PLUGINS] + [odd]
    plain = pluggy.PluginManager(hookspecs.PROJECT)
    quick = _PluginManager(hookspecs.PROJECT)
    for pm in (plain, quick):
        pm.add_hookspecs(hookspecs)
        for mod in modules:
            pm.register(mod, name=mod.__name__)
    assert _hookimpls(quick) == _hookimpls(plain)
    names = [i.function.__name__ for i in quick.hook.provlint_register_checks.get_hookimpls()]
    assert "other_name" in names
