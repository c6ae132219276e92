"""The ``date-mismatch`` check."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from provlint import Declared, Document, DocumentCheck, Finding, Location, Severity, hookimpl
from provlint.dates import parse_declared


def _where(loc: Location, doc_path: str) -> str:
    return f"line {loc.line}" if loc.path == doc_path else f"{loc.path}:{loc.line}"


def _origin(decl: Declared) -> str:
    return "INDEX.md" if decl.origin == "index" else decl.origin


class DateMismatch(DocumentCheck):
    """Two declared dates disagree: INDEX.md, header, source URL, a timestamp or dateline.

    **What it does.** Collects every date that *declares* when the document
    was published and compares them:

    - the `date` in its INDEX.md row and in its header;
    - the date in its source `url`: `/2021/12/05/`, `/20211205/`,
      `2021-12-05` in a slug, or `/2021/12/` (then any day of that month
      agrees);
    - machine timestamps near the top of the text (`2021-12-05T13:24+0000`,
      `13:24 GMT 05.12.2021`), skipping lines that say *updated*, *edited*
      and the like; when several appear, one that agrees is enough;
    - a news dateline (`CAPE CANAVERAL, Nov 16 (Reuters) -`), its year taken
      as the nearest to the declared date.

    It also reports a publication date in the future, and a `retrieved`
    date before the publication date (a capture cannot precede
    publication). Plain dates from INDEX.md and the header must be equal. Everything
    else may differ by `tolerance-days` (one by default), for time zones.
    The message names both places, with their lines.

    **Why it matters.** A curator's date is wrong more often than its format.
    When the page's own URL or timestamp says 5 December and the catalogue
    says 18 July, one of them is wrong, and downstream timelines inherit it.

    **Example.** `seeds/a.txt:4:1: PV201 date-mismatch: timestamp
    2021-12-05T13:24+0000 (line 4) disagrees with the declared date
    2021-07-18 (INDEX.md:9); expected within 1 day`

    **Options.** `tolerance-days` (integer, default 1): how far a URL,
    timestamp or dateline may be from the declared date. `timestamp-lines`
    (integer, default 60): how many lines from the top of the text are
    searched for timestamps and datelines.
    """

    code = "PV201"
    name = "date-mismatch"
    severity = Severity.ERROR
    options = {
        "tolerance-days": {"type": "integer", "minimum": 0, "maximum": 36500},
        "url-tolerance-days": {"type": "integer", "minimum": 0, "maximum": 36500},
        "timestamp-lines": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
    }
    defaults = {"tolerance-days": 1, "url-tolerance-days": 7, "timestamp-lines": 60}

    def volatile_key(self) -> str:
        # "is in the future" depends on the day of the run.
        return date.today().isoformat()

    def check_document(self, doc: Document) -> Iterator[Finding]:
        yield from self._declared_pairs(doc)
        declared = doc.first("date")
        when = parse_declared(declared.value) if declared else None
        if declared is None or when is None:
            return
        yield from self._order(doc, declared, when)
        yield from self._url(doc, declared, when)
        if doc.text is not None:
            yield from self._text(doc, declared, when)

    def _declared_pairs(self, doc: Document) -> Iterator[Finding]:
        for a, b in doc.pairs("date"):
            da, db = parse_declared(a.value), parse_declared(b.value)
            if da is None or db is None:
                continue  # malformed: the schema checks report it
            timed = any("T" in str(v) or " " in str(v).strip() for v in (a.value, b.value))
            if abs((da - db).days) <= (1 if timed else 0):
                continue
            here, there = (b, a) if b.location.path == doc.path else (a, b)
            yield self.finding(
                here.location.path,
                here.location.line,
                here.location.column,
                f"{_origin(here)} date {here.value} ({_where(here.location, doc.path)}) "
                f"disagrees with {_origin(there)} date {there.value} "
                f"({_where(there.location, doc.path)}); expected the same date in both",
                doc_id=doc.doc_id,
                related=[there.location],
            )

    def _order(self, doc: Document, declared: Declared, when: date) -> Iterator[Finding]:
        """Publication cannot be in the future, nor after the capture."""
        today = date.today()
        if (when - today).days > 1:
            yield self.finding(
                declared.location.path,
                declared.location.line,
                declared.location.column,
                f"the {self._declared_text(declared, doc)} is in the future (today is "
                f"{today.isoformat()}); expected a date that has happened",
                doc_id=doc.doc_id,
            )
        seen: set[str] = set()
        for got in doc.declared.get("retrieved", []):
            captured = parse_declared(got.value)
            if captured is None or str(got.value) in seen:
                continue
            seen.add(str(got.value))
            if (when - captured).days > 1:
                yield self.finding(
                    got.location.path,
                    got.location.line,
                    got.location.column,
                    f"retrieved {got.value} ({_where(got.location, doc.path)}) is before the "
                    f"{self._declared_text(declared, doc)}; a document cannot be captured "
                    "before it is published",
                    doc_id=doc.doc_id,
                    related=[declared.location],
                )

    def _declared_text(self, declared: Declared, doc: Document) -> str:
        return f"declared date {declared.value} ({_where(declared.location, doc.path)})"

    def _url(self, doc: Document, declared: Declared, when: date) -> Iterator[Finding]:
        from provlint.plugins.dates.datetext import url_date

        tol = int(self.config["url-tolerance-days"])
        seen: set[str] = set()
        # The document's own declaration first, so the finding lands on it.
        urls = sorted(doc.declared.get("url", []), key=lambda d: d.location.path != doc.path)
        for decl in urls:
            if not isinstance(decl.value, str) or decl.value in seen:
                continue
            seen.add(decl.value)
            found = url_date(decl.value)
            if found is None:
                continue
            if found.precision == "month":
                ok = (found.when.year, found.when.month) == (when.year, when.month) or any(
                    abs((when - d).days) <= tol for d in _month_edges(found.when)
                )
                shown = f"{found.when:%Y-%m}"
            else:
                ok = abs((found.when - when).days) <= tol
                shown = found.when.isoformat()
            if ok:
                continue
            yield self.finding(
                decl.location.path,
                decl.location.line,
                decl.location.column,
                f"the source URL carries the date {shown} ({found.text!r}, "
                f"{_where(decl.location, doc.path)}) but the {self._declared_text(declared, doc)} "
                f"differs; expected within {tol} day{'s' if tol != 1 else ''}",
                doc_id=doc.doc_id,
                related=[declared.location],
            )

    def _text(self, doc: Document, declared: Declared, when: date) -> Iterator[Finding]:
        from provlint.plugins.dates.datetext import (
            body_index,
            body_mentions,
            is_dateline,
            nearest_year,
            shorten,
        )

        tol = int(self.config["tolerance-days"])
        max_line = int(self.config["timestamp-lines"]) + (doc.header.body_line if doc.header else 0)
        body, mentions = body_mentions(doc)
        # Line facts (an edit word, room for a dateline) are computed once per
        # line, not once per mention: one line may hold thousands of dates.
        index = body_index(doc)
        stamps: list[tuple[Any, date, str]] = []
        for m in mentions:
            if m.line > max_line:
                break
            if m.kind == "datetime" and m.date is not None:
                if index.line_search(_EDIT_WORDS, m.start):
                    continue
                stamps.append((m, m.date, "timestamp"))
            elif m.kind in ("month-day", "full") and is_dateline(body, m, index):
                resolved = (
                    m.date if m.kind == "full" else nearest_year(m.month or 1, m.day or 1, when)
                )
                if resolved is not None:
                    stamps.append((m, resolved, "dateline"))
        if not stamps or any(abs((d - when).days) <= tol for _, d, _ in stamps):
            return
        m, d, what = stamps[0]
        extra = f", resolves to {d.isoformat()}" if what == "dateline" else ""
        others = f"; {len(stamps) - 1} more disagree" if len(stamps) > 1 else ""
        yield self.finding(
            doc.path,
            m.line,
            m.column,
            f"{what} {shorten(m.text)!r} (line {m.line}{extra}) disagrees with the "
            f"{self._declared_text(declared, doc)}; expected within {tol} day"
            f"{'s' if tol != 1 else ''}{others}",
            doc_id=doc.doc_id,
            related=[declared.location],
        )


def _month_edges(first: date) -> tuple[date, date]:
    from datetime import timedelta

    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


_EDIT_WORDS = re.compile(
    r"updat|modif|edit|revis|aktualisiert|geändert|mis à jour|actualiz|corrected|correction",
    re.IGNORECASE,
)


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [DateMismatch]
