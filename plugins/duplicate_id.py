"""The `duplicate-id` check."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from provlint import (
    Catalogue,
    Document,
    DocumentCheck,
    Finding,
    KeyedCheck,
    Location,
    Severity,
    Totals,
    hookimpl,
)
from provlint.discovery import safe_relpath


class Claim(NamedTuple):
    """One declaration of an id: an INDEX.md row's `id` cell, or a header's
    `id` field."""

    rank: tuple[int, int, str]
    """Which claim comes first: rows by line, then headers (by their
    document's row line, then path)."""
    owner: str
    """The document that claims the id (a row that names no document is
    its own owner, ``INDEX.md:LINE``)."""
    location: Location
    what: str


class DuplicateId(DocumentCheck, KeyedCheck):
    """One id on two rows or in two headers, or a header id that differs from its row's id.

    **What it does.** Collects every id the corpus declares: each INDEX.md
    row's `id` cell and each header's `id` field. An id claimed by two
    different documents (two rows, two headers, or a row and another file's
    header) is reported at every claim after the first, naming the first. A
    document whose header `id` differs from its own row's `id` is
    reported at the header, naming the row.

    **Why it matters.** Ids are how `derived_from` links, baselines and
    downstream tools refer to a document. Two documents sharing one id
    make every such reference ambiguous.

    **Example.** `INDEX.md:14:3: PV103 duplicate-id: id 'a1' is already
    used by seeds/a.txt (INDEX.md:12); expected ids unique in the corpus`

    **Options.** None.
    """

    code = "PV103"
    name = "duplicate-id"
    severity = Severity.ERROR
    stages = ("id",)
    records = (Claim,)
    lonely = frozenset({"id"})

    def emit_catalogue(self, catalogue: Catalogue) -> Iterator[tuple[tuple[str, str], Claim]]:
        cat = catalogue
        seen: set[str] = set()
        for row in cat.rows:
            # The row's document, as the runner joins them: the first row
            # naming a file; any other row stands for itself.
            owner = f"{cat.path}:{row.line}"
            if row.file:
                norm = safe_relpath(row.file)[0] or row.file
                if norm not in seen:
                    seen.add(norm)
                    owner = norm
            rid = row.id
            if not rid:
                continue
            yield ("id", rid), Claim(
                (0, row.line, ""),
                owner,
                row.location(cat.path, "id", "INDEX.md row"),
                f"{owner} ({cat.path}:{row.line})",
            )

    def emit(self, doc: Document) -> Iterator[tuple[tuple[str, str], Claim]]:
        header = doc.header
        hid = header.fields.get("id") if header is not None else None
        if not isinstance(hid, str) or not hid or header is None:
            return
        line, col = header.position("id")
        rank = (1, doc.row.line if doc.row is not None else 1 << 62, doc.path)
        loc = Location(doc.path, line, col, "header id")
        yield ("id", hid), Claim(rank, doc.path, loc, f"{doc.path} (header, line {line})")

    def check_document(self, doc: Document) -> Iterator[Finding]:
        header = doc.header
        hid = header.fields.get("id") if header is not None else None
        row = doc.row
        if not isinstance(hid, str) or not hid or header is None or row is None:
            return
        if row.id is not None and row.id != hid:
            line, col = header.position("id")
            yield self.finding(
                doc.path,
                line,
                col,
                f"header id {hid!r} differs from the id {row.id!r} of its INDEX.md row "
                f"(line {row.line}); expected the same id in both",
                doc_id=row.id,
                related=[row.location(doc.index_path, "id", "INDEX.md row")],
                properties={"header_id": hid, "index_id": row.id, "index_line": row.line},
            )

    def judge(
        self, key: tuple[str, str], records: Sequence[Claim], totals: Totals
    ) -> Iterable[Finding]:
        ident = key[1]
        claims = sorted(records, key=lambda c: c.rank)
        first = claims[0]
        for claim in claims[1:]:
            if claim.owner == first.owner:
                continue
            yield self.finding(
                claim.location.path,
                claim.location.line,
                claim.location.column,
                f"id {ident!r} is already used by {first.what}; expected ids unique in the corpus",
                doc_id=ident,
                related=[first.location],
                properties={
                    "id": ident,
                    "first_path": first.location.path,
                    "first_line": first.location.line,
                },
            )


@hookimpl
def provlint_register_checks() -> Sequence[type[KeyedCheck]]:
    return [DuplicateId]
