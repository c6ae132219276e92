"""The `missing-date` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from provlint import Document, DocumentCheck, Finding, Severity, hookimpl


class MissingDate(DocumentCheck):
    """No publication date is known for a document.

    **What it does.** Looks for a `date` in the document's INDEX.md row and
    in its header (YAML front matter or the legacy `date YYYY-MM-DD`
    line). When neither gives one, the document is reported. A row whose
    `date` cell cannot be told (more or fewer cells than the header, see
    index-schema) is not reported here.

    **Why it matters.** Without a date a document cannot be placed in a
    story's timeline, and date checks have nothing to test.

    **Example.** `seeds/c.txt:1:1: PV107 missing-date: no publication date
    declared; expected 'date' in its INDEX.md row (line 8) or the header`

    When a standalone date line near the top of the text suggests the date
    (as a forum thread shows it), the message names it; `date-inconsistent`
    then uses it as the document's date, reported as *inferred*.

    **Options.** None.
    """

    code = "PV107"
    name = "missing-date"
    severity = Severity.ERROR

    def check_document(self, doc: Document) -> Iterator[Finding]:
        if doc.get("date") or doc.unknown("date"):
            return  # unknown: its row is ragged, which index-schema reports
        if doc.row is None and doc.header is None:
            return  # a stray file: unindexed-file reports it, once
        where, related = doc.anchor()
        row = f"its INDEX.md row (line {doc.row.line})" if doc.row else "an INDEX.md row"
        hint = ""
        data: dict[str, object] = {"missing": ["date"]}
        if doc.row is not None:
            data["index_line"] = doc.row.line
        if doc.text is not None:
            from provlint.plugins.dates.datetext import body_mentions, standalone_date

            body, mentions = body_mentions(doc)
            found = standalone_date(body, mentions)
            if found is not None and found.date is not None:
                hint = f" (the text shows {found.date.isoformat()} on line {found.line})"
                data["evidence"] = found.date.isoformat()
                data["evidence_line"] = found.line
        yield self.finding(
            where.path,
            where.line,
            where.column,
            f"no publication date declared; expected 'date' (YYYY-MM-DD) in {row} or the "
            f"header{hint}",
            doc_id=doc.doc_id,
            related=related,
            properties=data,
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [MissingDate]
