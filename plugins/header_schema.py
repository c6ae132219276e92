"""The `header-schema` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from provlint import Document, DocumentCheck, Finding, Severity, hookimpl
from provlint.model import phrase_end


class HeaderSchema(DocumentCheck):
    """A document's header cannot be parsed, or breaks the header schema.

    **What it does.** Reports YAML front matter that is not valid YAML, is
    never closed, is not a mapping, repeats a key, uses an object tag such as
    `!!python/object`, or expands beyond a safe size (an alias bomb); then
    validates the header's fields against `schemas/header.schema.json`
    (the same fields and formats as INDEX.md). Each finding gives the line
    and column *inside the document*, mapped back from the YAML node.

    **Why it matters.** A header that does not parse is a header whose
    metadata is silently lost; a date of `2021-13-45` in a header is a
    claim nobody can check.

    **Example.** `seeds/a.md:4:7: PV102 header-schema: 'date': '2021-13-45'
    is not a real calendar date or time`

    **Options.** None.
    """

    code = "PV102"
    name = "header-schema"
    severity = Severity.ERROR

    def check_document(self, doc: Document) -> Iterator[Finding]:
        header = doc.header
        if header is None:
            return
        from provlint.schema import iter_errors

        for line, column, message in header.errors:
            yield self.finding(
                doc.path,
                line,
                column,
                message,
                doc_id=doc.doc_id,
                properties={"problem": "parse", "format": header.format},
            )
        for path, message in iter_errors("header", header.fields):
            line, column = header.position(*path)
            data: dict[str, Any] = {"problem": "schema", "format": header.format}
            if path:
                data["field"] = ".".join(str(p) for p in path)
                value: Any = header.fields
                for part in path:
                    try:
                        value = value[part]
                    except (KeyError, IndexError, TypeError):
                        value = None
                        break
                if value is None or isinstance(value, (str, int, float, bool)):
                    data["value"] = value
                else:
                    data["value"] = str(value)
            end_line, end_column = (
                phrase_end(doc.text, line, column, str(data["value"]))
                if isinstance(data.get("value"), str)
                else (0, 0)
            )
            yield self.finding(
                doc.path,
                line,
                column,
                message,
                doc_id=doc.doc_id,
                properties=data,
                end_line=end_line,
                end_column=end_column,
            )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [HeaderSchema]
