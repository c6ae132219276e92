"""The `missing-file` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from provlint import Document, DocumentCheck, Finding, Location, Severity, hookimpl


class MissingFile(DocumentCheck):
    """A catalogue row names a file that does not exist, cannot be read, or lies outside the corpus.

    **What it does.** For every INDEX.md row, checks that its `file` is a
    relative path that stays inside the corpus folder (no `..` out, no
    absolute path such as `/etc/passwd` or `C:\\x`, no symlink leading
    out, no symlink loop) and that a readable file is there. Paths outside
    the folder are never opened.

    **Why it matters.** A catalogue entry without its document is a broken
    promise: the metadata describes nothing. A path that escapes the folder
    could make a validator read files it has no business reading.

    **Example.** `INDEX.md:9:18: PV104 missing-file: row 'a2': file
    'seeds/gone.txt' does not exist`

    **Options.** None.
    """

    code = "PV104"
    name = "missing-file"
    severity = Severity.ERROR

    def check_document(self, doc: Document) -> Iterator[Finding]:
        row = doc.row
        if row is None:
            if doc.read_error:
                yield self.finding(doc.path, 0, 0, f"document {doc.read_error}", doc_id=doc.doc_id)
            return
        if doc.exists and not doc.read_error:
            return
        cell = row.cells.get("file")
        col = cell.column if cell else 1
        written = cell.value if cell else doc.path
        label = f"row {row.id!r}" if row.id else f"row on line {row.line}"
        if doc.escapes_root:
            message = f"{label}: file {written!r} {doc.read_error}; it was not read"
        elif doc.read_error:
            message = f"{label}: file {written!r} {doc.read_error}"
        else:
            message = f"{label}: file {written!r} does not exist"
            if written != doc.path:
                message += f" (looked for {doc.path})"
        yield self.finding(
            doc.index_path,
            row.line,
            col,
            message,
            doc_id=row.id,
            related=[] if doc.escapes_root else [Location(doc.path, 0, 0, "expected file")],
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [MissingFile]
