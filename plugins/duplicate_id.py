"""The `duplicate-id` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from provlint import CorpusCheck, Finding, Location, Severity, hookimpl
from provlint.model import Corpus


@dataclass(frozen=True)
class _Claim:
    owner: str  # the document (or bare row) that claims the id
    location: Location
    what: str


class DuplicateId(CorpusCheck):
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

    def check_corpus(self, corpus: Corpus) -> Iterator[Finding]:
        cat = corpus.catalogue
        # The first claim of each id; a later one is reported as it is met,
        # so 400,000 rows sharing one id hold one claim, not 400,000.
        first: dict[str, _Claim] = {}
        # Paths, not documents: corpus.documents may be streamed from disk.
        paths_by_row = {d.row.line: d.path for d in corpus.documents if d.row is not None}
        for row in cat.rows:
            rid = row.id
            if not rid:
                continue
            owner = paths_by_row.get(row.line) or f"{cat.path}:{row.line}"
            yield from self._claim(
                first,
                rid,
                _Claim(
                    owner,
                    row.location(cat.path, "id", "INDEX.md row"),
                    f"{owner} ({cat.path}:{row.line})",
                ),
            )
        for doc in corpus.documents:
            header = doc.header
            hid = header.fields.get("id") if header is not None else None
            if not isinstance(hid, str) or not hid:
                continue
            line, col = header.position("id") if header is not None else (1, 1)
            loc = Location(doc.path, line, col, "header id")
            row_id = doc.row.id if doc.row is not None else None
            if row_id is not None and row_id != hid:
                yield self.finding(
                    doc.path,
                    line,
                    col,
                    f"header id {hid!r} differs from the id {row_id!r} of its INDEX.md row "
                    f"(line {doc.row.line if doc.row else 0}); expected the same id in both",
                    doc_id=row_id,
                    related=[doc.row.location(cat.path, "id", "INDEX.md row")] if doc.row else [],
                )
            yield from self._claim(
                first, hid, _Claim(doc.path, loc, f"{doc.path} (header, line {line})")
            )

    def _claim(self, first: dict[str, _Claim], ident: str, claim: _Claim) -> Iterator[Finding]:
        """Record ``claim`` on ``ident``, or report it when another owner
        claimed the id first."""
        earlier = first.setdefault(ident, claim)
        if earlier is claim or claim.owner == earlier.owner:
            return
        yield self.finding(
            claim.location.path,
            claim.location.line,
            claim.location.column,
            f"id {ident!r} is already used by {earlier.what}; expected ids unique in the corpus",
            doc_id=ident,
            related=[earlier.location],
        )


@hookimpl
def provlint_register_checks() -> Sequence[type[CorpusCheck]]:
    return [DuplicateId]
