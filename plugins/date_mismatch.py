"""The ``date-mismatch`` check."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from provlint import Declared, Document, DocumentCheck, Finding, Location, Severity, hookimpl
from provlint.dates import parse_declared
from provlint.model import phrase_end


def _where(loc: Location, doc_path: str) -> str:
    return f"line {loc.line}" if loc.path == doc_path else f"{loc.path}:{loc.line}"


def _origin(decl: Declared) -> str:
    return "INDEX.md" if decl.origin == "index" else decl.origin


class DateMismatch(DocumentCheck):
    """Two declared dates disagree: INDEX.md, header, source URL, a timestamp, dateline or stamp.

    **What it does.** Collects every date that *declares* when the document
    was published and compares them:

    - the `date` in its INDEX.md row and in its header;
    - the date in its source `url`: `/2021/12/05/`, `/20211205/`,
      `2021-12-05` in a slug, or `/2021/12/` (then any day of that month
      agrees);
    - machine timestamps near the top of the text (`2021-12-05T13:24+0000`,
      `13:24 GMT 05.12.2021`), skipping lines that say *updated*, *edited*
      and the like, lines of code or data (`"Timestamp": "..."`) and dates
      after today;
    - a news dateline (`CAPE CANAVERAL, Nov 16 (Reuters) -`), its year taken
      as the nearest to the declared date;
    - a date stamp near the top of the text: the page's own claim about
      its date, as a byline shows it (`Nov. 20, 2019 5:52 AM EST`,
      `PUBLISHED: 10:48, Tue, Nov 19, 2019 | UPDATED: ...`, `Veröffentlicht
      am 13. März 2019`, `By Ann Lee - January 10, 2020`) or as a date alone
      on its line (`July 2, 2018`, `27/09/2018`). A stamp is a complete
      date on a short line that a label (`Published`, `Posted`,
      `Veröffentlicht`, `Publié`, `Publicado`...), a time or time zone, an
      author, a post's meta line, or nothing else shows to be the page's
      date. It is looked for around the headline when the page's first
      line (its title) comes back as one, else among the first
      `stamp-lines` lines. A label inside a sentence that tells when
      something else was published (`The new timetable was published on
      …`) makes no stamp. The dates of reader comments, users, copyright,
      citations, events, embedded posts, code and data sheets are not
      stamps, nor one of a list of dated lines (headlines, an archive), nor
      a site header's date above its menu. An *updated* stamp (`Updated`,
      `Aktualisiert`, `Mis à jour`...) only says that the page was published
      on or before it. An ambiguous `05/03/2021` is read the way the text's
      unambiguous numeric dates read, else both ways (then both readings
      must disagree). The words are kept by language in
      `plugins/dates/stamp-words.txt`.

    It also reports a publication date in the future, and a `retrieved`
    date before the publication date (a capture cannot precede
    publication). Plain dates from INDEX.md and the header must be equal. Everything
    else may differ by `tolerance-days` (one by default, for time zones),
    a URL by `url-tolerance-days` (seven) and a stamp by
    `stamp-tolerance-days` (two). The timestamps, datelines and stamps of
    one text count as one claim: when one of them agrees with the declared
    date, the text raises no finding; so does an *updated* stamp that
    gives the declared date (a catalogue may record the page's last
    update: any date the page shows for itself is no mismatch). The
    message names both places, with their lines.

    **Proposing the right date.** When the evidence agrees on a date
    (the URL, a stamp, a machine timestamp, a dateline with its year, none
    of them giving another), the message says which date and on what:
    `the URL, the date stamp and the machine timestamp all give
    2021-12-05`. The finding's data (`data` in JSON, `properties` in
    SARIF) carries it: `proposed` (the date), `confidence` (`high` when two
    kinds of evidence or more agree, `medium` for one), `document` (its
    path), `support` (each piece of evidence: `kind`, `date`, `text`,
    `path`, `line`, `column`) and `declarations` (each declaration of the
    date: `origin`, `format`, `path`, `line`, `column`, `value`).
    `provlint fix --unsafe-fixes` writes it into INDEX.md and the header
    (`--diff` shows the change and writes nothing; see docs/index-and-fix.md).

    **Why it matters.** A curator's date is wrong more often than its format.
    When the page's own URL or timestamp says 5 December and the catalogue
    says 18 July, one of them is wrong, and downstream timelines inherit it.

    **Example.** `seeds/a.txt:4:1: PV201 date-mismatch: timestamp
    '2021-12-05T13:24+0000' (line 4) disagrees with the declared date
    2021-07-18 (INDEX.md:9); expected within 1 day; the URL and the machine
    timestamp both give 2021-12-05`

    **Options.** `tolerance-days` (integer, default 1): how far a
    timestamp or dateline may be from the declared date.
    `url-tolerance-days` (integer, default 7): the same for the URL's date.
    `stamp-tolerance-days` (integer, default 2): the same for a date stamp.
    `timestamp-lines` (integer, default 60): how many lines from the top of
    the text are searched for timestamps and datelines. `stamp-lines`
    (integer, default 25): how many lines from the top are searched for a
    stamp when the page's title does not come back as a headline (0: no
    stamps).
    """

    code = "PV201"
    name = "date-mismatch"
    severity = Severity.ERROR
    options = {
        "tolerance-days": {"type": "integer", "minimum": 0, "maximum": 36500},
        "url-tolerance-days": {"type": "integer", "minimum": 0, "maximum": 36500},
        "stamp-tolerance-days": {"type": "integer", "minimum": 0, "maximum": 36500},
        "timestamp-lines": {"type": "integer", "minimum": 0, "maximum": 1_000_000},
        "stamp-lines": {"type": "integer", "minimum": 0, "maximum": 10_000},
    }
    defaults = {
        "tolerance-days": 1,
        "url-tolerance-days": 7,
        "stamp-tolerance-days": 2,
        "timestamp-lines": 60,
        "stamp-lines": 25,
    }

    def volatile_key(self) -> str:
        # "is in the future" depends on the day of the run.
        return date.today().isoformat()

    def check_document(self, doc: Document) -> Iterator[Finding]:
        declared = doc.first("date")
        if declared is None:
            return  # nothing to compare (missing-date reports it)
        when = parse_declared(declared.value)
        evidence = self._evidence(doc, when)
        proposal = _propose(evidence, doc)
        yield from self._declared_pairs(doc, proposal)
        if when is None:
            return
        yield from self._order(doc, declared, when, proposal)
        yield from self._url(doc, declared, when, evidence, proposal)
        yield from self._text(doc, declared, when, evidence, proposal)

    # -- evidence ----------------------------------------------------------

    def _evidence(self, doc: Document, when: date | None) -> list[Evidence]:
        """Every date the document's URL and text claim for it, in that
        order (the text's by line). A dateline without its year is resolved
        near the declared date ``when`` (and left out without one)."""
        from provlint.plugins.dates.datetext import url_date

        out: list[Evidence] = []
        url_tol = int(self.config["url-tolerance-days"])
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
            shown = f"{found.when:%Y-%m}" if found.precision == "month" else found.when.isoformat()
            out.append(
                Evidence(
                    "url",
                    (found.when,),
                    found.text,
                    decl.location,
                    url_tol,
                    precision=found.precision,
                    shown=shown,
                )
            )
        if doc.text is not None:
            out.extend(self._text_evidence(doc, when))
        return out

    def _text_evidence(self, doc: Document, when: date | None) -> list[Evidence]:
        from provlint.plugins.dates.datetext import (
            body_index,
            body_mentions,
            is_dateline,
            line_text,
            nearest_year,
        )
        from provlint.plugins.dates.stamps import doc_stamps, is_code

        tol = int(self.config["tolerance-days"])
        today = date.today()
        max_line = int(self.config["timestamp-lines"]) + (doc.header.body_line if doc.header else 0)
        body, mentions = body_mentions(doc)
        # Line facts (an edit word, room for a dateline) are computed once per
        # line, not once per mention: one line may hold thousands of dates.
        index = body_index(doc)
        out: list[Evidence] = []
        for m in mentions:
            if m.line > max_line:
                break
            where = Location(doc.path, m.line, m.column)
            if m.kind == "datetime" and m.date is not None:
                if index.line_search(_EDIT_WORDS, m.start) or m.date > today:
                    continue  # an edit's time, or a date that has not come
                if index.line_search(_CODE_HINT, m.start) and is_code(
                    line_text(body, m.start, index)
                ):
                    continue  # a JSON example, a line of code
                out.append(Evidence("timestamp", (m.date,), m.text, where, tol))
            elif m.kind in ("month-day", "full") and is_dateline(body, m, index):
                if m.kind == "full" and m.date is not None:
                    out.append(Evidence("dateline", (m.date,), m.text, where, tol))
                elif when is not None:
                    resolved = nearest_year(m.month or 1, m.day or 1, when)
                    if resolved is not None:
                        out.append(
                            Evidence("dateline", (resolved,), m.text, where, tol, precision="guess")
                        )
        if int(self.config["stamp-lines"]) > 0:
            stol = int(self.config["stamp-tolerance-days"])
            machine = {(e.location.line, e.location.column) for e in out}
            for st in doc_stamps(doc, int(self.config["stamp-lines"]), today=today):
                if (st.line, st.column) in machine:
                    continue  # a timestamp or dateline already: one piece of evidence
                out.append(
                    Evidence(
                        "updated" if st.role == "updated" else "stamp",
                        st.candidates,
                        st.line_text,
                        Location(doc.path, st.line, st.column),
                        stol,
                        precision="day" if len(st.candidates) == 1 else "either",
                    )
                )
        out.sort(key=lambda e: (e.location.line, e.location.column, _KIND_ORDER[e.kind]))
        return out

    # -- findings ----------------------------------------------------------

    def _declared_pairs(self, doc: Document, proposal: Proposal | None) -> Iterator[Finding]:
        for a, b in doc.pairs("date"):
            da, db = parse_declared(a.value), parse_declared(b.value)
            if da is None or db is None:
                continue  # malformed: the schema checks report it
            timed = any("T" in str(v) or " " in str(v).strip() for v in (a.value, b.value))
            if abs((da - db).days) <= (1 if timed else 0):
                continue
            here, there = (b, a) if b.location.path == doc.path else (a, b)
            end = _end(doc, here.location, str(here.value))
            yield self.finding(
                here.location.path,
                here.location.line,
                here.location.column,
                f"{_origin(here)} date {here.value} ({_where(here.location, doc.path)}) "
                f"disagrees with {_origin(there)} date {there.value} "
                f"({_where(there.location, doc.path)}); expected the same date in both"
                + _said(proposal),
                doc_id=doc.doc_id,
                related=[there.location],
                end_line=end[0],
                end_column=end[1],
                properties={
                    "declared": da.isoformat() if here is a else db.isoformat(),
                    "other_declared": db.isoformat() if here is a else da.isoformat(),
                    **(_properties(proposal) or {}),
                },
            )

    def _order(
        self, doc: Document, declared: Declared, when: date, proposal: Proposal | None
    ) -> Iterator[Finding]:
        """Publication cannot be in the future, nor after the capture."""
        today = date.today()
        if (when - today).days > 1:
            yield self.finding(
                declared.location.path,
                declared.location.line,
                declared.location.column,
                f"the {self._declared_text(declared, doc)} is in the future (today is "
                f"{today.isoformat()}); expected a date that has happened" + _said(proposal),
                doc_id=doc.doc_id,
                properties={
                    "declared": when.isoformat(),
                    "today": today.isoformat(),
                    **(_properties(proposal) or {}),
                },
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
                    properties={"declared": when.isoformat(), "retrieved": captured.isoformat()},
                )

    def _declared_text(self, declared: Declared, doc: Document) -> str:
        return f"declared date {declared.value} ({_where(declared.location, doc.path)})"

    def _url(
        self,
        doc: Document,
        declared: Declared,
        when: date,
        evidence: list[Evidence],
        proposal: Proposal | None,
    ) -> Iterator[Finding]:
        for ev in evidence:
            if ev.kind != "url" or ev.agrees(when):
                continue
            tol = ev.tolerance
            end = _end(doc, ev.location, ev.text)
            yield self.finding(
                ev.location.path,
                ev.location.line,
                ev.location.column,
                f"the source URL carries the date {ev.shown} ({ev.text!r}, "
                f"{_where(ev.location, doc.path)}) but the {self._declared_text(declared, doc)} "
                f"differs; expected within {tol} day{'s' if tol != 1 else ''}" + _said(proposal),
                doc_id=doc.doc_id,
                related=[declared.location],
                properties=_properties(proposal, declared, ev),
                end_line=end[0],
                end_column=end[1],
            )

    def _text(
        self,
        doc: Document,
        declared: Declared,
        when: date,
        evidence: list[Evidence],
        proposal: Proposal | None,
    ) -> Iterator[Finding]:
        """The text's timestamps, datelines and stamps are one claim: when
        one of them agrees with the declared date, it stands."""
        from provlint.plugins.dates.datetext import shorten

        claims = [e for e in evidence if e.kind in ("timestamp", "dateline", "stamp")]
        if any(e.agrees(when) for e in claims):
            return
        if any(e.kind == "updated" and e.near(when) for e in evidence):
            return  # the declared date is the page's own update stamp: a date it shows
        if claims:
            ev = claims[0]
            what = {"timestamp": "timestamp", "dateline": "dateline", "stamp": "date stamp"}
            extra = ""
            if ev.precision == "guess":
                extra = f", resolves to {ev.dates[0].isoformat()}"
            elif ev.precision == "either":
                extra = ", " + " or ".join(d.isoformat() for d in ev.dates)
            others = f"; {len(claims) - 1} more disagree" if len(claims) > 1 else ""
            tol = ev.tolerance
            message = (
                f"{what[ev.kind]} {shorten(ev.text)!r} (line {ev.location.line}{extra}) "
                f"disagrees with the {self._declared_text(declared, doc)}; expected within "
                f"{tol} day{'s' if tol != 1 else ''}{others}"
            )
        else:
            late = [e for e in evidence if e.kind == "updated" and e.before(when)]
            if not late:
                return
            ev = late[0]
            message = (
                f"update stamp {shorten(ev.text)!r} (line {ev.location.line}) says the page was "
                f"updated on {ev.shown}, before the {self._declared_text(declared, doc)}; a page "
                "is published on or before its first update"
            )
        end = _end(doc, ev.location, ev.text)
        yield self.finding(
            doc.path,
            ev.location.line,
            ev.location.column,
            message + _said(proposal),
            doc_id=doc.doc_id,
            related=[declared.location],
            properties=_properties(proposal, declared, ev),
            end_line=end[0],
            end_column=end[1],
        )


# --------------------------------------------------------------------------
# Evidence and the proposed date
# --------------------------------------------------------------------------

_KIND_ORDER = {"url": 0, "timestamp": 1, "dateline": 2, "stamp": 3, "updated": 4}
_KIND_NAME = {
    "url": "the URL",
    "timestamp": "the machine timestamp",
    "dateline": "the dateline",
    "stamp": "the date stamp",
}


@dataclass(frozen=True)
class Evidence:
    """One date the document claims for itself: ``kind`` is ``url``,
    ``timestamp``, ``dateline``, ``stamp`` (published) or ``updated`` (a
    later edit: publication on or before it); ``dates`` one date, or the
    two readings of an ambiguous ``05/03/2021`` (``precision`` ``either``).
    ``precision`` is ``day``, ``month`` (a URL's ``/2021/12/``), ``guess``
    (a dateline's year taken near the declared date) or ``either``."""

    kind: str
    dates: tuple[date, ...]
    text: str
    location: Location
    tolerance: int
    precision: str = "day"
    shown: str = ""

    def __post_init__(self) -> None:
        if not self.shown:
            object.__setattr__(self, "shown", " or ".join(d.isoformat() for d in self.dates))

    def agrees(self, when: date) -> bool:
        """Whether ``when`` is what this evidence says, within its tolerance."""
        if self.kind == "updated":
            return not self.before(when)
        if self.precision == "month":
            first = self.dates[0]
            return (first.year, first.month) == (when.year, when.month) or any(
                abs((when - d).days) <= self.tolerance for d in _month_edges(first)
            )
        return any(abs((d - when).days) <= self.tolerance for d in self.dates)

    def near(self, when: date) -> bool:
        """Whether a reading is within the tolerance of ``when``, either way."""
        return any(abs((d - when).days) <= self.tolerance for d in self.dates)

    def before(self, when: date) -> bool:
        """Whether every reading is more than the tolerance before ``when``."""
        return all((when - d).days > self.tolerance for d in self.dates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "date": self.shown,
            "text": self.text,
            "path": self.location.path,
            "line": self.location.line,
            "column": self.location.column,
        }


@dataclass(frozen=True)
class Proposal:
    """The date the evidence agrees on: the pieces that give it, how sure
    (``high``: two kinds or more; ``medium``: one) and the document's
    declarations of its date."""

    when: date
    confidence: str
    support: tuple[Evidence, ...]
    declared: tuple[dict[str, Any], ...]
    document: str = ""

    def kinds(self) -> list[str]:
        out: list[str] = []
        for e in self.support:
            if e.kind not in out:
                out.append(e.kind)
        return sorted(out, key=_KIND_ORDER.__getitem__)


def _propose(evidence: list[Evidence], doc: Document) -> Proposal | None:
    """The date every piece of evidence allows, when one or more pieces
    give it to the day and none gives another (a dateline without its year
    must give its month and day, an update stamp must not come before it);
    None otherwise. The date chosen is the one most kinds of evidence give
    (within a day of it), then the one most pieces give exactly."""
    pieces = [e for e in evidence if e.kind != "updated" and e.precision != "guess"]
    exact = [e for e in pieces if e.precision == "day"]
    if not exact:
        return None

    def support(d: date) -> list[Evidence]:
        out = []
        for e in pieces:
            if e.precision == "month":
                if (e.dates[0].year, e.dates[0].month) == (d.year, d.month):
                    out.append(e)
            elif any(abs((x - d).days) <= 1 for x in e.dates):
                out.append(e)
        return out

    best = max(
        sorted({e.dates[0] for e in exact}),
        key=lambda d: (
            len({e.kind for e in support(d)}),
            sum(1 for e in exact if e.dates[0] == d),
        ),
    )
    backing = support(best)
    if len(backing) != len(pieces):
        return None  # some evidence gives another date
    if any(e.precision == "guess" and not _same_day_of_year(e.dates[0], best) for e in evidence):
        return None  # a dateline gives another day (its year unknown)
    if any(e.kind == "updated" and e.before(best) for e in evidence):
        return None  # published after its own update
    kinds = {e.kind for e in backing}
    declared = []
    for decl in doc.declarations_of("date"):
        declared.append(
            {
                "origin": decl.origin,
                "format": doc.header.format
                if decl.origin == "header" and doc.header is not None
                else "index"
                if decl.origin == "index"
                else decl.origin,
                "path": decl.location.path,
                "line": decl.location.line,
                "column": decl.location.column,
                "value": str(decl.value),
            }
        )
    return Proposal(
        best, "high" if len(kinds) >= 2 else "medium", tuple(backing), tuple(declared), doc.path
    )


def _same_day_of_year(guess: date, when: date) -> bool:
    """Whether a month and day (``guess``'s; its year is a guess) fall within
    a day of ``when`` in some year."""
    for year in (when.year - 1, when.year, when.year + 1):
        try:
            if abs((guess.replace(year=year) - when).days) <= 1:
                return True
        except ValueError:  # 29 February
            continue
    return False


def _said(proposal: Proposal | None) -> str:
    """The message's last clause: what the evidence says, when it agrees."""
    if proposal is None:
        return ""
    names = [_KIND_NAME[k] for k in proposal.kinds()]
    when = proposal.when.isoformat()
    if len(names) == 1:
        return f"; {names[0]} gives {when}"
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    return f"; {listed} {'both' if len(names) == 2 else 'all'} give {when}"


def _end(doc: Document, where: Location, phrase: str) -> tuple[int, int]:
    """``end_line`` and ``end_column`` of ``phrase`` at ``where``, when the
    document's text shows it there; else (0, 0)."""
    if where.path != doc.path:
        return 0, 0
    return phrase_end(doc.text, where.line, where.column, phrase)


def _properties(
    proposal: Proposal | None, declared: Declared | None = None, found: Evidence | None = None
) -> dict[str, Any] | None:
    """A finding's structured data: the declared date and the date the
    evidence gives (ISO dates), and the proposed date with its evidence
    (``support``) and the date's declarations (``declarations``)."""
    out: dict[str, Any] = {}
    if declared is not None and found is not None:
        when = parse_declared(declared.value)
        if when is not None:
            out["declared"] = when.isoformat()
        out["evidence"] = found.dates[0].isoformat()
        out["evidence_dates"] = [d.isoformat() for d in found.dates]
        out["evidence_kind"] = found.kind
        out["evidence_precision"] = found.precision
        out["evidence_text"] = found.text
    if proposal is not None:
        out["document"] = proposal.document
        out["proposed"] = proposal.when.isoformat()
        out["confidence"] = proposal.confidence
        out["support"] = [e.to_dict() for e in proposal.support]
        out["declarations"] = [dict(d) for d in proposal.declared]
    return out or None


def _month_edges(first: date) -> tuple[date, date]:
    from datetime import timedelta

    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


_CODE_HINT = re.compile(r"[\"=<]")
_EDIT_WORDS = re.compile(
    r"updat|modif|edit|revis|aktualisiert|geändert|mis à jour|actualiz|corrected|correction",
    re.IGNORECASE,
)


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [DateMismatch]
