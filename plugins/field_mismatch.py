"""The `field-mismatch` check."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from provlint import Document, DocumentCheck, Finding, Severity, hookimpl
from provlint.model import phrase_end, split_ids

# Fields other checks compare, or that only one side may hold.
_OWNED = frozenset({"id", "date", "file", "sha256", "provlint"})
_SPACES = re.compile(r"\s+")


def normalise(name: str, value: Any) -> Any:
    """The comparable form of a declared value."""
    if name == "derived_from":
        return frozenset(split_ids(value))
    if isinstance(value, (list, dict)):
        return repr(value)
    text = _SPACES.sub(" ", str(value)).strip()
    if name in ("language",):
        return text.lower()
    if name in ("url",):
        return text.rstrip("/")
    return text


class FieldMismatch(DocumentCheck):
    """A document's header and its INDEX.md row give different values for the same field.

    **What it does.** For every field that both the INDEX.md row and the
    header declare (`title`, `source`, `url`, `retrieved`,
    `derived_from`, `language` and any extra column), compares the
    values: whitespace is folded, a trailing `/` on a URL and letter case
    in a language tag are ignored, and `derived_from` is compared as a set
    of ids. Dates and ids have their own checks (`date-mismatch`,
    `duplicate-id`).

    **Why it matters.** The effective metadata is the row merged with the
    header. When they disagree, provlint will not pick one silently: a
    curator must decide which is right.

    **Example.** `seeds/a.md:4:8: PV109 field-mismatch: header source
    'Reuters' (line 4) disagrees with INDEX.md source 'AP' (INDEX.md:12)`

    **Options.** None.
    """

    code = "PV109"
    name = "field-mismatch"
    severity = Severity.ERROR

    def check_document(self, doc: Document) -> Iterator[Finding]:
        for name in sorted(doc.declared):
            if name in _OWNED:
                continue
            for a, b in doc.pairs(name):
                if normalise(name, a.value) == normalise(name, b.value):
                    continue
                here, there = (b, a) if b.location.path == doc.path else (a, b)
                end_line, end_column = (
                    phrase_end(doc.text, here.location.line, here.location.column, str(here.value))
                    if here.location.path == doc.path
                    else (0, 0)
                )
                yield self.finding(
                    here.location.path,
                    here.location.line,
                    here.location.column,
                    f"{here.origin} {name} {_show(here.value)} (line {here.location.line}) "
                    f"disagrees with {'INDEX.md' if there.origin == 'index' else there.origin} "
                    f"{name} {_show(there.value)} ({there.location.path}:{there.location.line}); "
                    "expected the same value in both",
                    doc_id=doc.doc_id,
                    related=[there.location],
                    properties={
                        "field": name,
                        "value": _data(here.value),
                        "origin": here.origin,
                        "other_value": _data(there.value),
                        "other_origin": there.origin,
                    },
                    end_line=end_line,
                    end_column=end_column,
                )


def _data(value: Any) -> Any:
    """``value`` as JSON data: a string, number, boolean or null as it is,
    anything else (a date YAML read, a list) as its text."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "...'"


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [FieldMismatch]
