"""The `unindexed-file` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from provlint import Document, DocumentCheck, Finding, Severity, hookimpl


class UnindexedFile(DocumentCheck):
    """A document file that no INDEX.md row names.

    **What it does.** Every file matching the `documents` globs (default
    `**/*.txt` and `**/*.md`, except files about the folder such as
    INDEX.md, README.md, CHANGELOG.md or requirements.txt, hidden and tool
    folders, and sub-folders with their own INDEX.md) must have a row in
    INDEX.md. A file with neither a row nor a header gets only this warning,
    not missing-source and missing-date as well.

    **Why it matters.** A file outside the catalogue has no recorded
    provenance: nobody said where it came from or when.

    **Example.** `seeds/new.txt:1:1: PV105 unindexed-file: no INDEX.md row
    names this file; expected a row with file 'seeds/new.txt'`

    **Options.** Which files count as documents is set by the top-level
    `documents` and `exclude` globs in `[tool.provlint]`.
    """

    code = "PV105"
    name = "unindexed-file"
    severity = Severity.WARNING

    def check_document(self, doc: Document) -> Iterator[Finding]:
        if doc.row is not None or doc.read_error:
            return  # unreadable (a pipe, a folder too deep): missing-file says why
        yield self.finding(
            doc.path,
            1,
            1,
            f"no {doc.index_path} row names this file; expected a row with file {doc.path!r}",
            doc_id=doc.doc_id,
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [UnindexedFile]
