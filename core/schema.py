"""Loading the contract's JSON Schemas and validating against them.

jsonschema is imported only here, only when a schema check runs, and each
validator is built once per process.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from .dates import date_problem

SCHEMA_FILES = {
    "index-row": "index-row.schema.json",
    "header": "header.schema.json",
    "config": "config.schema.json",
}
DATE_FIELDS = frozenset({"date", "retrieved"})


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name`` (``index-row`` or ``header``) shipped in
    ``provlint.schemas``."""
    text = resources.files("provlint.schemas").joinpath(SCHEMA_FILES[name]).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
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


@functools.cache
def validator(name: str) -> Any:
    import jsonschema

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("provlint-date")(lambda v: not isinstance(v, str) or date_problem(v) is None)
    checker.checks("uri")(_uri_ok)
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=checker)


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
    for each error, in a stable order."""
    v = validator(name)
    errors = sorted(
        v.iter_errors(dict(instance)), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    for error in errors:
        yield tuple(error.absolute_path), explain_error(error)
