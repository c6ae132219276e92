"""The ``too-large`` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from provlint import Document, DocumentCheck, Finding, Severity, hookimpl


class TooLarge(DocumentCheck):
    """A document is larger than the configured limit, so only its header was checked.

    **What it does.** Documents larger than `max-document-bytes` (a top-level
    setting, 16 MiB by default) are hashed in full but not read as text: only
    their first 64 KiB are parsed for a header, and the text checks skip them.
    This check says so, with the size.

    **Why it matters.** A 60 MB single-line file in a folder of news texts is
    almost certainly not a document, and reading it whole would make every
    run slow; bounding the work keeps pre-commit and CI fast whatever lands
    in the folder.

    **Example.** `dump.txt:1:1: PV305 too-large: 62,914,560 bytes, over the
    16,777,216-byte limit; only the header was checked`

    **Options.** None; the limit is the top-level `max-document-bytes`.
    """

    code = "PV305"
    name = "too-large"
    severity = Severity.WARNING

    def check_document(self, doc: Document) -> Iterator[Finding]:
        if doc.too_large:
            yield self.finding(
                doc.path,
                1,
                1,
                f"{doc.size:,} bytes, over the size limit (max-document-bytes); only the "
                "header was checked",
                doc_id=doc.doc_id,
                properties={"size": doc.size},
            )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [TooLarge]
