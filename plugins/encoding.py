"""The `encoding` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from provlint import Document, DocumentCheck, Finding, Severity, hookimpl


class Encoding(DocumentCheck):
    """A document is not clean UTF-8 text: binary data, invalid bytes, or UTF-16.

    **What it does.** Decodes every document as UTF-8 (a UTF-8 byte-order
    mark and CRLF line endings are accepted). Binary data (a NUL byte) and
    bytes that are not valid UTF-8 are errors, reported with their byte
    offset; the text is then read with replacement characters so the other
    checks still run. A UTF-16 file with a byte-order mark is decoded and
    reported as a warning.

    **Why it matters.** A garbled or binary file under a document's name is
    not the text the catalogue describes, and every text check on it is
    unreliable.

    **Example.** `seeds/a.txt:3:14: PV301 encoding: invalid UTF-8 byte 0xe9
    at byte offset 212; expected UTF-8 text`

    **Options.** None.
    """

    code = "PV301"
    name = "encoding"
    severity = Severity.ERROR

    def check_document(self, doc: Document) -> Iterator[Finding]:
        if doc.decode_error is None:
            return
        offset, what = doc.decode_error
        if doc.text is None:
            yield self.finding(
                doc.path,
                1,
                1,
                f"{what} at byte offset {offset}; expected a UTF-8 text document, "
                "so no text check ran on it",
                doc_id=doc.doc_id,
            )
            return
        if what.startswith("UTF-16"):
            yield self.finding(
                doc.path,
                1,
                1,
                f"the file is {what}; it was decoded, but tools expect UTF-8",
                doc_id=doc.doc_id,
                severity=Severity.WARNING,
            )
            return
        # Locate the offset as line:column in the text read with replacements.
        text = doc.text
        idx = text.find("\ufffd")
        line = text.count("\n", 0, idx) + 1 if idx >= 0 else 1
        col = idx - (text.rfind("\n", 0, idx) + 1) + 1 if idx >= 0 else 1
        yield self.finding(
            doc.path,
            line,
            col,
            f"{what} at byte offset {offset}; expected UTF-8 text (read with replacement "
            "characters so the other checks still ran)",
            doc_id=doc.doc_id,
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [Encoding]
