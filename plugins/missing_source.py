"""The `missing-source` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from provlint import Document, DocumentCheck, Finding, Severity, hookimpl


class MissingSource(DocumentCheck):
    """Neither a `source` nor a `url` is known for a document.

    **What it does.** Looks for a `source` (publisher or site name) or a
    `url` in the document's INDEX.md row and in its header. When neither
    gives either, the document is reported. A row whose `source` or `url`
    cell cannot be told (more or fewer cells than the header, see
    index-schema) is not reported here.

    **Why it matters.** A text whose origin is unknown cannot be weighed,
    cited or checked again: provenance starts with where it came from.

    **Example.** `seeds/b.txt:1:1: PV106 missing-source: no source or url
    declared; expected 'source' (publisher or site) or 'url' in its INDEX.md
    row (line 7) or header`

    **Options.** None.
    """

    code = "PV106"
    name = "missing-source"
    severity = Severity.ERROR

    def check_document(self, doc: Document) -> Iterator[Finding]:
        if doc.get("source") or doc.get("url"):
            return
        if doc.unknown("source") or doc.unknown("url"):
            return  # its row is ragged, which index-schema reports
        if doc.row is None and doc.header is None:
            return  # a stray file: unindexed-file reports it, once
        where, related = doc.anchor()
        row = f"its INDEX.md row (line {doc.row.line})" if doc.row else "an INDEX.md row"
        yield self.finding(
            where.path,
            where.line,
            where.column,
            f"no source or url declared; expected 'source' (publisher or site) or 'url' in {row} "
            "or the header",
            doc_id=doc.doc_id,
            related=related,
            properties={"missing": ["source", "url"]}
            | ({"index_line": doc.row.line} if doc.row else {}),
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [MissingSource]
