"""The `missing-file` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from provlint import Document, DocumentCheck, Finding, KeyedCheck, Location, Severity, hookimpl
from provlint.plugins.renamed import MISSING, SAYS, WEIGHTS, End, Linked, RenameJoin


class MissingFile(DocumentCheck, RenameJoin):
    """A catalogue row names a file that does not exist, cannot be read, or lies outside the corpus.

    **What it does.** For every INDEX.md row, checks that its `file` is a
    relative path that stays inside the corpus folder (no `..` out, no
    absolute path such as `/etc/passwd` or `C:\\x`, no symlink leading
    out, no symlink loop) and that a readable file is there. Paths outside
    the folder are never opened.

    A missing file is looked for among the files no row names: one whose
    content hash is the row's `sha256`, whose header `id`, `url` or
    `title` is the row's, or whose name is the same or nearly the same
    (without folder, extension, case and punctuation; one name holding the
    other, or 80% alike; names that differ only in their numbers, such as
    `report-3` and `report-4`, do not count). When exactly one such file
    fits best (by the strongest evidence: hash, then id and url, title,
    name) and this row is also the best fit for that file, the finding
    names it ("renamed?"), with the evidence, and cites it as a related
    location; `unindexed-file` then does not report that file, so a rename
    is one finding.

    **Why it matters.** A catalogue entry without its document is a broken
    promise: the metadata describes nothing. A path that escapes the folder
    could make a validator read files it has no business reading.

    **Example.** `INDEX.md:9:18: PV104 missing-file: row 'a2': file
    'seeds/gone.txt' does not exist`; for a renamed file, `INDEX.md:6:8:
    PV104 missing-file: row 'b2': file 'harbour.txt' does not exist;
    renamed to 'harbour-board.txt'? No row names that file, and its content
    matches the row's sha256 and its name is nearly the same`

    **Options.** None.
    """

    code = "PV104"
    name = "missing-file"
    severity = Severity.ERROR
    own = MISSING

    def check_document(self, doc: Document) -> Iterator[Finding]:
        row = doc.row
        if row is None:
            if doc.read_error:
                yield self.finding(
                    doc.path,
                    0,
                    0,
                    f"document {doc.read_error}",
                    doc_id=doc.doc_id,
                    properties={"file": doc.path, "reason": doc.read_error},
                )
            return
        if doc.exists and not doc.read_error:
            return
        if not doc.read_error and not doc.escapes_root:
            return  # missing: reported in the corpus phase, with a renamed file if one fits
        cell = row.cells.get("file")
        col = cell.column if cell else 1
        written = cell.value if cell else doc.path
        label = f"row {row.id!r}" if row.id else f"row on line {row.line}"
        if doc.escapes_root:
            message = f"{label}: file {written!r} {doc.read_error}; it was not read"
        else:
            message = f"{label}: file {written!r} {doc.read_error}"
        yield self.finding(
            doc.index_path,
            row.line,
            col,
            message,
            doc_id=row.id,
            related=[] if doc.escapes_root else [Location(doc.path, 0, 0, "expected file")],
            properties={"file": written, "path": doc.path, "reason": doc.read_error},
        )

    def report(self, records: Sequence[Any]) -> Iterator[Finding]:
        end = next((r for r in records if isinstance(r, End)), None)
        if end is None:
            return
        linked = next((r for r in records if isinstance(r, Linked)), None)
        label = f"row {end.doc_id!r}" if end.doc_id else f"row on line {end.line}"
        message = f"{label}: file {end.written!r} does not exist"
        if end.written != end.path:
            message += f" (looked for {end.path})"
        related = [Location(end.path, 0, 0, "expected file")]
        data: dict[str, Any] = {"file": end.written, "path": end.path, "reason": "does not exist"}
        if linked is not None:
            new = linked.partner.path
            says = " and its ".join(SAYS[s] for s in sorted(linked.signals, key=_strength))
            message += f"; renamed to {new!r}? No row names that file, and its {says}"
            related.append(Location(new, 1, 1, "unindexed file: the renamed file?"))
            data["renamed_to"] = new
            data["signals"] = sorted(linked.signals, key=_strength)
        yield self.finding(
            end.index_path,
            end.line,
            end.column,
            message,
            doc_id=end.doc_id,
            related=related,
            properties=data,
        )


def _strength(signal: str) -> tuple[int, str]:
    return (-WEIGHTS[signal], signal)


@hookimpl
def provlint_register_checks() -> Sequence[type[KeyedCheck]]:
    return [MissingFile]
