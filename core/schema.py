"""Loading the contract's JSON Schemas and validating against them.

jsonschema is the reference validator: it is imported only here, only when
a schema check has something to report, and each validator is built once
per process.

Fast path: when ``jsonschema_rs`` is installed (the ``fast`` extra) and not
switched off (:mod:`provlint.fastpath`), a compiled validator built from the
same schema first answers "is this instance valid?". Valid instances (nearly
all of them) yield nothing without touching jsonschema; an invalid one is
validated again by jsonschema, which produces exactly the usual messages.
The fast validator is built so that its answer always agrees with
jsonschema's:

- the same format functions (``provlint-date``, ``uri``) are passed in, and
  no other format is asserted, as with jsonschema's format checker;
- every ``pattern`` is evaluated by Python's :mod:`re` (through a format
  callback), never by the Rust regex engine, whose ``$``, ``\\s`` and
  ``\\d`` differ from Python's (``$`` before a final newline, the
  U+001C..U+001F separators, Unicode versions);
- only the keywords listed in ``_FAST_KEYWORDS`` may appear, else the schema
  is always validated by jsonschema;
- only plain JSON instances (exact ``dict``/``list``/``str``/``int``/
  ``float``/``bool``/``None``, UTF-8-encodable strings) take the fast path:
  jsonschema_rs would, for example, accept a tuple as an array.
"""

from __future__ import annotations

import functools
import json
import pkgutil
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from . import fastpath
from .dates import date_problem

SCHEMA_FILES = {
    "index-row": "index-row.schema.json",
    "header": "header.schema.json",
    "config": "config.schema.json",
    "output": "output.schema.json",
}
DATE_FIELDS = frozenset({"date", "retrieved"})


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name`` (``index-row``, ``header``, ``config`` or
    ``output``, the JSON output's) shipped in ``provlint.schemas``."""
    # pkgutil reads through the package's loader, as importlib.resources
    # would, without importing what importlib.resources needs (zipfile,
    # tempfile...): it is on every run's path.
    raw = pkgutil.get_data("provlint.schemas", SCHEMA_FILES[name])
    if raw is None:
        raise FileNotFoundError(SCHEMA_FILES[name])
    data: dict[str, Any] = json.loads(raw.decode("utf-8"))
    return data


def _uri_ok(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    if not parts.scheme:
        return False
    if parts.scheme.lower() in ("http", "https", "ftp", "ftps"):
        return bool(parts.netloc) and " " not in value
    return True


def _date_ok(value: object) -> bool:
    return not isinstance(value, str) or date_problem(value) is None


# The formats both validators assert; any other format is not checked.
FORMATS: dict[str, Callable[[object], bool]] = {"provlint-date": _date_ok, "uri": _uri_ok}


@functools.cache
def validator(name: str) -> Any:
    """The reference (jsonschema) validator for schema ``name``."""
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    for fmt, func in FORMATS.items():
        checker.checks(fmt)(func)
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=checker)


# Keywords whose meaning jsonschema_rs shares exactly with jsonschema (for
# plain JSON instances); a schema using any other keyword is not translated.
_FAST_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$ref",
        "$defs",
        "title",
        "description",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "oneOf",
        "anyOf",
        "allOf",
        "items",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "pattern",
        "format",
    }
)
_FAST_TYPES = frozenset({"string", "object", "array", "boolean", "null"})
_DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
_MAX_DEPTH = 64


class _Unsupported(Exception):
    """The schema uses something the fast path cannot match exactly."""


def _count(value: object) -> int:
    if type(value) is not int or value < 0:
        raise _Unsupported(f"not a count: {value!r}")
    return value


def _translate(node: object, formats: dict[str, Callable[[object], bool]]) -> Any:
    """A copy of the (sub)schema ``node`` for jsonschema_rs: each ``pattern``
    becomes a format whose function is Python's ``re.search``."""
    if type(node) is bool:
        return node
    if type(node) is not dict:
        raise _Unsupported(f"not a schema: {node!r}")
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key not in _FAST_KEYWORDS:
            raise _Unsupported(f"keyword {key!r}")
        if key in ("properties", "$defs"):
            if type(value) is not dict:
                raise _Unsupported(key)
            out[key] = {str(k): _translate(v, formats) for k, v in value.items()}
        elif key in ("items", "additionalProperties"):
            out[key] = _translate(value, formats)
        elif key in ("oneOf", "anyOf", "allOf"):
            if type(value) is not list or not value:
                raise _Unsupported(key)
            out[key] = [_translate(v, formats) for v in value]
        elif key == "type":
            kinds = value if type(value) is list else [value]
            if not all(type(k) is str and k in _FAST_TYPES for k in kinds):
                raise _Unsupported(f"type {value!r}")
            out[key] = value
        elif key == "required":
            if type(value) is not list or not all(type(k) is str for k in value):
                raise _Unsupported(key)
            out[key] = list(value)
        elif key in ("minItems", "maxItems", "minLength", "maxLength"):
            out[key] = _count(value)
        elif key == "$ref":
            if type(value) is not str or not value.startswith("#/"):
                raise _Unsupported(f"$ref {value!r}")
            out[key] = value
        elif key == "$schema":
            if value != _DRAFT_2020_12:
                raise _Unsupported(f"$schema {value!r}")
            out[key] = value
        elif key == "format":
            if value not in FORMATS:
                raise _Unsupported(f"format {value!r}")
            out[key] = value
        elif key != "pattern":
            out[key] = value
    pattern = node.get("pattern")
    if pattern is not None:
        if type(pattern) is not str:
            raise _Unsupported("pattern")
        search = re.compile(pattern).search
        fmt = f"x-provlint-pattern-{len(formats)}"
        formats[fmt] = lambda v, search=search: search(v) is not None  # type: ignore[misc]
        out["allOf"] = [*out.get("allOf", []), {"format": fmt}]
    return out


@functools.cache
def _fast_validator(name: str) -> Any:
    """A jsonschema_rs validator for schema ``name``, or None when the
    library is missing or the schema cannot be matched exactly."""
    rs = fastpath.module("jsonschema_rs")
    if rs is None:
        return None
    formats = dict(FORMATS)
    try:
        schema = _translate(load_schema(name), formats)
    except _Unsupported:
        return None
    return rs.Draft202012Validator(
        schema, formats=formats, validate_formats=True, ignore_unknown_formats=False
    )


def _utf8(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _plain(value: object, depth: int = 0) -> bool:
    """True if ``value`` is built from exact JSON types only (what
    jsonschema_rs converts without changing its meaning)."""
    t = type(value)
    if t is str:
        return _utf8(value)  # type: ignore[arg-type]
    if value is None or t is bool or t is int or t is float:
        return True
    if depth >= _MAX_DEPTH:
        return False
    if t is dict:
        return all(
            type(k) is str and _utf8(k) and _plain(v, depth + 1)
            for k, v in value.items()  # type: ignore[attr-defined]
        )
    if t is list:
        return all(_plain(v, depth + 1) for v in value)  # type: ignore[attr-defined]
    return False


def fast_is_valid(name: str, instance: object) -> bool | None:
    """The fast validator's answer for ``instance`` against schema ``name``,
    or None when the fast path does not apply (switched off, library
    missing, schema or instance not supported)."""
    if fastpath.pure_python():
        return None
    fast = _fast_validator(name)
    if fast is None or not _plain(instance):
        return None
    try:
        return bool(fast.is_valid(instance))
    except Exception:  # a format function raised: let jsonschema report it
        return None


# --- the pure-Python validity test ------------------------------------------
#
# Most instances are valid. For them a small compiled test (closures built
# from the schema) answers without importing jsonschema, whose import alone
# costs more than checking a small corpus; jsonschema still writes every
# message. It accepts the keywords of ``_FAST_KEYWORDS`` and the types of
# ``_FAST_TYPES`` with jsonschema's meaning (isinstance type tests,
# ``re.search`` for ``pattern``, the same format functions), plain JSON
# instances only; anything else leaves the answer to the validators.

_Test = Callable[[Any], bool]


def _always(value: object) -> bool:
    return True


def _never(value: object) -> bool:
    return False


_TYPE_TESTS: dict[str, _Test] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def _resolve(root: dict[str, Any], ref: object) -> object:
    if type(ref) is not str or not ref.startswith("#/"):
        raise _Unsupported(f"$ref {ref!r}")
    node: object = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if type(node) is not dict or part not in node:
            raise _Unsupported(f"$ref {ref!r}")
        node = node[part]
    return node


def _size_test(kind: type[list[Any]] | type[str], n: int, at_least: bool) -> _Test:
    def test(v: Any) -> bool:
        if not isinstance(v, kind):
            return True
        return len(v) >= n if at_least else len(v) <= n

    return test


def _combined(key: str, subs: list[_Test]) -> _Test:
    if key == "allOf":
        return lambda v: all(t(v) for t in subs)
    if key == "anyOf":
        return lambda v: any(t(v) for t in subs)
    return lambda v: sum(1 for t in subs if t(v)) == 1  # oneOf


def _compile(node: object, root: dict[str, Any], depth: int = 0) -> _Test:
    """A function telling whether an instance is valid against ``node``."""
    if node is True:
        return _always
    if node is False:
        return _never
    if type(node) is not dict or depth > _MAX_DEPTH:
        raise _Unsupported(f"not a schema: {node!r}")
    for key in node:
        if key not in _FAST_KEYWORDS:
            raise _Unsupported(f"keyword {key!r}")
    if node.get("$schema", _DRAFT_2020_12) != _DRAFT_2020_12:
        raise _Unsupported(f"$schema {node['$schema']!r}")
    tests: list[_Test] = []
    if "type" in node:
        kinds = node["type"] if type(node["type"]) is list else [node["type"]]
        if not all(type(k) is str and k in _FAST_TYPES for k in kinds):
            raise _Unsupported(f"type {node['type']!r}")
        kind_tests = [_TYPE_TESTS[k] for k in kinds]
        tests.append(lambda v: any(t(v) for t in kind_tests))
    if "$ref" in node:
        tests.append(_compile(_resolve(root, node["$ref"]), root, depth + 1))
    props: dict[str, _Test] = {}
    if "properties" in node:
        if type(node["properties"]) is not dict:
            raise _Unsupported("properties")
        props = {str(k): _compile(v, root, depth + 1) for k, v in node["properties"].items()}
    extra = (
        _compile(node["additionalProperties"], root, depth + 1)
        if "additionalProperties" in node
        else None
    )
    if props or extra is not None:

        def members(v: Any, props: dict[str, _Test] = props, extra: _Test | None = extra) -> bool:
            if not isinstance(v, dict):
                return True
            for k, item in v.items():
                test = props.get(k, extra)
                if test is not None and not test(item):
                    return False
            return True

        tests.append(members)
    if "required" in node:
        names = node["required"]
        if type(names) is not list or not all(type(k) is str for k in names):
            raise _Unsupported("required")
        tests.append(lambda v: not isinstance(v, dict) or all(k in v for k in names))
    if "items" in node:
        item_test = _compile(node["items"], root, depth + 1)
        tests.append(lambda v: not isinstance(v, list) or all(item_test(i) for i in v))
    for key, kind in (
        ("minItems", list),
        ("maxItems", list),
        ("minLength", str),
        ("maxLength", str),
    ):
        if key in node:
            tests.append(_size_test(kind, _count(node[key]), key.startswith("min")))
    if "pattern" in node:
        if type(node["pattern"]) is not str:
            raise _Unsupported("pattern")
        search = re.compile(node["pattern"]).search
        tests.append(lambda v: not isinstance(v, str) or search(v) is not None)
    if "format" in node:
        if node["format"] not in FORMATS:
            raise _Unsupported(f"format {node['format']!r}")
        tests.append(FORMATS[node["format"]])
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            if type(node[key]) is not list or not node[key]:
                raise _Unsupported(key)
            subs = [_compile(sub, root, depth + 1) for sub in node[key]]
            tests.append(_combined(key, subs))
    if not tests:
        return _always
    if len(tests) == 1:
        return tests[0]
    return lambda v: all(t(v) for t in tests)


@functools.cache
def _quick_test(name: str) -> _Test | None:
    """The compiled validity test of schema ``name``, or None when the schema
    uses something it cannot match exactly."""
    schema = load_schema(name)
    try:
        return _compile(schema, schema)
    except _Unsupported:
        return None


def quick_is_valid(name: str, instance: object) -> bool | None:
    """Whether ``instance`` is valid against schema ``name``, answered in
    pure Python, or None when this test does not apply (schema or instance
    not supported, a format function raised)."""
    test = _quick_test(name)
    if test is None or not _plain(instance):
        return None
    try:
        return test(instance)
    except Exception:  # a format function raised: let jsonschema report it
        return None


FAST_FROM = 1000
"""After this many instances in one process (a large corpus), the compiled
jsonschema_rs validator, when installed, answers first: importing it costs
more than a small corpus's validation."""

_validated = 0


@functools.cache
def constrained_columns() -> frozenset[str]:
    """INDEX.md columns whose schema asks more than "a string" (a pattern,
    a format, a length): ``id``, ``file``, ``url``, ``date``... The others
    (``title``, ``source``, unknown columns) take any text."""
    props: dict[str, Any] = load_schema("index-row").get("properties", {})
    return frozenset(k for k, v in props.items() if set(v) - {"type", "description"})


_CELL_KEYWORDS = frozenset({"type", "description", "pattern", "format", "minLength", "maxLength"})


@functools.cache
def _cell_rules(column: str) -> tuple[Callable[[str], bool], ...] | None:
    """The tests a text in ``column`` of the row schema must pass, or None
    when its schema uses more than this simple subset (then the whole
    validator decides)."""
    schema = load_schema("index-row")
    node: Any = schema.get("properties", {}).get(column, schema.get("additionalProperties", {}))
    if isinstance(node, dict) and "$ref" in node and len(node) == 1:
        ref = str(node["$ref"])
        if not ref.startswith("#/$defs/"):
            return None
        node = schema.get("$defs", {}).get(ref.removeprefix("#/$defs/"))
    if not isinstance(node, dict) or set(node) - _CELL_KEYWORDS:
        return None
    if node.get("type", "string") != "string":
        return None
    rules: list[Callable[[str], bool]] = []
    if "pattern" in node:
        rules.append(re.compile(node["pattern"]).search)  # type: ignore[arg-type]
    if node.get("format") in FORMATS:
        rules.append(FORMATS[node["format"]])
    low, high = int(node.get("minLength", 0)), node.get("maxLength")
    top = int(high) if high is not None else None

    def length(value: str) -> bool:
        return len(value) >= low and (top is None or len(value) <= top)

    rules.append(length)
    return tuple(rules)


def cell_ok(column: str, value: str) -> bool:
    """Whether ``value`` is a valid INDEX.md cell for ``column`` (the row
    schema's test of that one property): cheap, for callers that test many
    texts, such as the parser lining up a row with a stray '|'."""
    rules = _cell_rules(column)
    if rules is None:
        row = {"id": "x", "file": "x", column: value}
        return not any(path[:1] == (column,) for path, _ in iter_errors("index-row", row))
    return all(rule(value) for rule in rules)


@functools.cache
def _known_fields(name: str) -> frozenset[str]:
    return frozenset(load_schema(name).get("properties", {}))


def explain_error(error: Any) -> str:
    """A one-line, human message for a jsonschema error: what was expected
    and what was found."""
    path = list(error.absolute_path)
    field = str(path[0]) if path else ""
    value = error.instance
    kind = error.validator
    if field in DATE_FIELDS and kind in ("pattern", "format"):
        return f"'{field}': {date_problem(value)}"
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"required field '{missing}' is missing"
    if kind == "format" and error.validator_value == "uri":
        return (
            f"'{field}': expected an absolute URL such as https://example.org/page, found {value!r}"
        )
    if kind == "pattern":
        hints = {
            "id": "an id without spaces or commas",
            "url": "an absolute URL such as https://example.org/page",
            "sha256": "64 hexadecimal digits",
            "derived_from": "an id or comma-separated ids",
            "language": "a language tag such as en or de-CH",
        }
        want = hints.get(field, f"text matching {error.validator_value}")
        return f"'{'/'.join(map(str, path))}': expected {want}, found {value!r}"
    if kind == "type":
        return (
            f"'{'/'.join(map(str, path))}': expected {error.validator_value}, "
            f"found {type(value).__name__} {_short(value)}"
        )
    if kind == "oneOf" and field == "derived_from":
        return (
            "'derived_from': expected an id, comma-separated ids or a list of ids, "
            f"found {_short(value)}"
        )
    where = "/".join(map(str, path))
    return f"'{where}': {error.message}" if where else error.message


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def iter_errors(name: str, instance: Mapping[str, Any]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Validate ``instance`` against schema ``name``; yield (path, message)
    for each error, in a stable order.

    A compiled test answers first when it can (pure Python, then, from
    :data:`FAST_FROM` instances on, jsonschema_rs when installed);
    jsonschema (imported only then) runs for instances found invalid or
    that cannot be judged that way."""
    global _validated
    data = dict(instance)
    _validated += 1
    valid = fast_is_valid(name, data) if _validated > FAST_FROM else None
    if valid is None:
        valid = quick_is_valid(name, data)
    if valid:
        return
    v = validator(name)
    errors = sorted(v.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    for error in errors:
        yield tuple(error.absolute_path), explain_error(error)
