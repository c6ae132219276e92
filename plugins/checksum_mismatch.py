"""The `checksum-mismatch` check."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from provlint import Document, DocumentCheck, Finding, Location, Severity, hookimpl

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


class ChecksumMismatch(DocumentCheck):
    """The `sha256` in INDEX.md differs from the SHA-256 of the file's bytes.

    **What it does.** When a row has a well-formed `sha256` cell, hashes
    the file's bytes (read once, with everything else) and compares.
    Malformed digests are reported by `index-schema` instead.

    **Why it matters.** The digest is the catalogue's record of exactly
    which text was collected. A mismatch means the file was edited,
    re-saved or replaced after it was catalogued.

    **Example.** `INDEX.md:9:77: PV108 checksum-mismatch: row 'a1': sha256
    in INDEX.md is 3f2a…; the file seeds/a.txt hashes to 9b1c…`

    **Options.** None.
    """

    code = "PV108"
    name = "checksum-mismatch"
    severity = Severity.ERROR

    def check_document(self, doc: Document) -> Iterator[Finding]:
        row = doc.row
        if row is None or doc.sha256 is None:
            return
        cell = row.cells.get("sha256")
        if cell is None or not _HEX64.match(cell.value):
            return
        if cell.value.lower() == doc.sha256:
            return
        yield self.finding(
            doc.index_path,
            row.line,
            cell.column,
            f"row {row.id!r}: sha256 in INDEX.md is {cell.value.lower()}; the file {doc.path} "
            f"({doc.size} bytes) hashes to {doc.sha256}; expected them equal",
            doc_id=row.id,
            related=[Location(doc.path, 0, 0, "the file")],
            properties={
                "declared_sha256": cell.value.lower(),
                "sha256": doc.sha256,
                "size": doc.size,
                "file": doc.path,
            },
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [ChecksumMismatch]
