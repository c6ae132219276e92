"""The `unindexed-file` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from provlint import Finding, KeyedCheck, Severity, hookimpl
from provlint.plugins.renamed import UNINDEXED, End, Linked, RenameJoin


class UnindexedFile(RenameJoin):
    """A document file that no INDEX.md row names.

    **What it does.** Every file matching the `documents` globs (default
    `**/*.txt` and `**/*.md`, except files about the folder such as
    INDEX.md, README.md, CHANGELOG.md or requirements.txt, hidden and tool
    folders, and sub-folders with their own INDEX.md) must have a row in
    INDEX.md. A file with neither a row nor a header gets only this warning,
    not missing-source and missing-date as well.

    A file that looks like the new name of a catalogued file that is
    missing (see `missing-file`: the row's `sha256`, `id`, `url` or
    `title`, or nearly the same name, one file and one row that fit each
    other best) is not reported here: `missing-file` reports the rename
    once, at the row, naming this file.

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
    own = UNINDEXED

    def report(self, records: Sequence[Any]) -> Iterator[Finding]:
        end = next((r for r in records if isinstance(r, End)), None)
        if end is None or any(isinstance(r, Linked) for r in records):
            return  # renamed: missing-file reports the pair, once
        yield self.finding(
            end.path,
            1,
            1,
            f"no {end.index_path} row names this file; expected a row with file {end.path!r}",
            doc_id=end.doc_id,
            properties={"file": end.path, "index": end.index_path},
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[KeyedCheck]]:
    return [UnindexedFile]
