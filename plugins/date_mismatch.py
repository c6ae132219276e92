"""The `date-mismatch` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from provlint import Document, DocumentCheck, Finding, Location, Severity, hookimpl
from provlint.dates import parse_declared


def _where(loc: Location, doc_path: str) -> str:
    return f"line {loc.line}" if loc.path == doc_path else f"{loc.path}:{loc.line}"


class DateMismatch(DocumentCheck):
    """Two declared dates for one document disagree.

    **What it does.** Compares every declared publication `date` of a
    document with the others: its INDEX.md row against its header. Plain
    dates must be equal; when either side is a date-time with a UTC offset,
    the calendar dates may differ by one day (time zones).

    **Why it matters.** When the catalogue and the file disagree, at least
    one is wrong, and a silent choice between them hides the error from
    everyone downstream.

    **Example.** `seeds/s.md:5:7: PV201 date-mismatch: header date
    2021-12-08 (line 5) disagrees with INDEX.md date 2021-12-07
    (INDEX.md:20); expected the same date in both`

    **Options.** None.
    """

    code = "PV201"
    name = "date-mismatch"
    severity = Severity.ERROR

    def check_document(self, doc: Document) -> Iterator[Finding]:
        for a, b in doc.pairs("date"):
            da, db = parse_declared(a.value), parse_declared(b.value)
            if da is None or db is None:
                continue  # malformed: the schema checks report it
            timed = "T" in str(a.value) or "T" in str(b.value) or " " in str(a.value).strip()
            if abs((da - db).days) <= (1 if timed else 0):
                continue
            # Report at the document's side (the header) when there is one.
            here, there = (b, a) if b.location.path == doc.path else (a, b)
            name_here = "header" if here.origin == "header" else here.origin
            name_there = "INDEX.md" if there.origin == "index" else there.origin
            yield self.finding(
                here.location.path,
                here.location.line,
                here.location.column,
                f"{name_here} date {here.value} ({_where(here.location, doc.path)}) "
                f"disagrees with {name_there} date {there.value} "
                f"({_where(there.location, doc.path)}); "
                "expected the same date in both",
                doc_id=doc.doc_id,
                related=[there.location],
            )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [DateMismatch]
