"""The ``date-inconsistent`` check."""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Sequence
from datetime import date, timedelta
from itertools import combinations
from typing import TYPE_CHECKING, Any, NamedTuple

from provlint import Document, Emit, Finding, KeyedCheck, Location, Severity, Totals, hookimpl
from provlint.dates import parse_declared

if TYPE_CHECKING:
    from provlint.plugins.dates.datetext import TextIndex

_UNKNOWN = object()  # not asked for yet
_RARE = 6  # rarest names per document that key the story buckets
_BUCKET_CAP = 64  # a pair of names shared by more documents is not a story
_EXACT_UP_TO = 1000  # corpora up to this size compare every pair sharing a name
_QUOTED = 3  # mentions quoted in a finding's message; the rest are counted
_PATH_CHARS = 120  # a declaring file's path as the message shows it
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Capitalised words and short acronyms; the filter in story_names is faster
# in Python than in the pattern.
_NAME = re.compile(r"[A-Z]\w+")
# A capitalised word that opens a sentence: after ".", "!", "?" or ":" and
# white space, or after a newline (the last of its run of white space: the
# same words are found, but a run of many newlines is crossed once, not once
# per newline). Every match starts with one of those characters, so the
# engine skips to them at once instead of trying every position; the word
# at the very start of the text is read by _FIRST_WORD.
_OPENER = re.compile(r"[.!?:\n](?:(?<=\n)(?![^\S\n]*\n)\s*|(?<=[.!?:])\s+)([A-Z][a-z]+)\b")
_FIRST_WORD = re.compile(r"([A-Z][a-z]+)\b")
_STOP = frozenset(
    """The This That These Those There Then When Where What Which Who Why How And But For
    With From Into Over After Before During About Under Since Until While Although Because
    Also Some Many Most More Other Such Each Every Both All Any One Two Three Four Five Ten
    First Second Third Last Next New Old Our Your Their His Her Its They She He We You It
    Mr Mrs Ms Dr In On At By Of To As An If Or No Not So Yes Here Now Today Yesterday
    Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
    March April May June July August September October November December Jan Feb Mar Apr
    Jun Jul Aug Sep Sept Oct Nov Dec Der Die Das Und Ein Eine Le La Les Des Un Une El Los
    Las Del Read More Share Click Home News Image Photo Video Copyright Reuters AP AFP
    US UK EU UN TV PM AM GMT UTC""".split()
)


def _openers(text: str) -> Counter[str]:
    """How often each capitalised word opens a sentence of ``text`` (or
    the text itself)."""
    openers = Counter(_OPENER.findall(text))
    first = _FIRST_WORD.match(text)
    if first is not None:
        openers[first.group(1)] += 1
    return openers


def story_names(text: str, keep: int = 24) -> tuple[str, ...]:
    """The names (capitalised words and acronyms) a text mentions most:
    what a story is about, for grouping documents into stories."""
    # Counted first, then filtered: the filter reads each distinct word once.
    counts = {
        t: n
        for t, n in Counter(_NAME.findall(text)).items()
        if t.isalpha() and (t[1:].islower() or (t.isupper() and len(t) <= 6))
    }
    # A capitalised word seen only at the start of sentences ("Talks",
    # "According") is an ordinary word, not a name.
    openers = _openers(text)
    for word, n in openers.items():
        if counts.get(word, 0) <= n:
            counts.pop(word, None)
    for word in _STOP.intersection(counts):
        del counts[word]
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    return tuple(sys.intern(name) for name, _ in ranked)  # names recur across documents


def _phrase(body: str, start: int, end: int, clause_start: int, words: int = 4) -> str:
    """The mention with up to ``words`` words before it from its clause."""
    left = start
    for _ in range(words):
        j = body.rfind(" ", clause_start, max(left - 1, clause_start))
        if j < 0:
            left = clause_start
            break
        left = j + 1
    text = " ".join(body[left:end].split())
    return text.strip(" ,;:.(\"'“”")


class Info(NamedTuple):
    """A document's date and what its text says against it."""

    doc_id: str | None
    date: str | None
    """The declared (or inferred) date, ISO."""
    where: tuple[str, int, int] | None
    inferred: str
    evidence: tuple[tuple[Any, ...], ...]
    """Each contradicting mention: (line, column, phrase, resolved date,
    rule, severity)."""


class Member(NamedTuple):
    """A document on the story graph: by its id (a ``derived_from`` link
    joins two), or by its names."""

    path: str
    date: str | None
    names: tuple[str, ...] = ()
    rank: tuple[int, int, str] = (0, 0, "")
    holds: bool = False
    """Under an id key: the document has the id (else it links to it)."""


Neighbour = tuple[str, str | None]
"""Another document on the document's story: (path, date). Plain tuples, as
the counts below: a story graph has many, and plain data is kept small."""

NameCount = tuple[str, int]
"""How many dated documents mention one of the document's names."""


class DateInconsistent(KeyedCheck):
    """The text contradicts the declared date: later events told as past, wrong weekdays, outliers.

    **What it does.** Reads every date the text mentions and tests it
    against the document's declared date (INDEX.md or header; for a document
    with neither, a standalone date line near the top, reported as
    *inferred*). Three rules fire, each quoting its evidence with its line:

    1. *Anachronism*: the text reports a date after the declared date as a
       past event. Full dates count directly (`on December 1, 2021`,
       `1. Dezember 2021`, `2021-12-01`); a date without a year is resolved
       to the year nearest the declared date, or, with a weekday
       (`Wednesday, November 16`), to the nearest year where that pair
       exists, unless its sentence says otherwise: a year named before it
       (`In 2005, … on July 10`), `last year`, `a century ago`, or a month
       named alone in a past sentence (`arrested in April for a March 21
       call`: the same year as that April, on or before the declared
       date). Sentences that look forward (`will`, `is scheduled`,
       `plans to`, `expected to`, `due`, `ending`, `to be featured`,
       invitations, `next week`, a deadline, `through March 2022`, a
       postponement's new date (`adjourned the hearing to`, `renvoyé le
       procès au`), the
       present tense of announcements in German, French and Spanish: `Im
       September kommt …`), dates that name an event (`the January 6
       attack`, `at the Oscars on Feb. 9`) and page furniture are never
       evidence. Furniture is read from the page's lines: `Member since`,
       `Joined`, `©`, `Last edited`, footers; a line scrape-residue's
       classifier takes for another item's furniture (a menu, a feed, a
       ticker, a teaser; its analysis of the document's lines is shared,
       and a byline or tag line is the page's own, not furniture); lists
       of headlines, related posts and events (three or more short dated
       lines close together);
       comment stamps (`Alex on September 17, 2018 at 6:34 am said:`, a
       date beside `Reply`, anything after `12 Comments`); archive
       widgets and menus (`July 2018 June 2018 …`); records of labelled
       fields; a date shown above the article far from it (today's date in
       a masthead); on a page that shows its date stamp at the top, a
       dated label further down (a teaser card's `12 September 2022. 4 min
       read`, an edition box: a date with a few words and no verb, on no
       byline) is another item's date; the author's biography below the
       article (a paragraph starting with the name on the byline, `By Mira
       Holt` above, `Mira Holt has reported …` below); and code: a fenced
       block, or a quoted value after a key (`"Timestamp": "2030-08-14
       17:43:12"`). A monthly figure (`Feb
       32.9, Mar 6.8`) is no date. The page's own date stamp (a date alone
       on its line just above the article, or labelled `Published`) and a
       quoted post's date (`— Ann Lee (@annlee) March 16, 2020`) count
       without a tense: the text cannot be older than either. A stamp
       that `date-mismatch` reads among the page's first lines is its
       evidence, not this check's: with a declared date, its line gives
       no evidence here, so one wrong stamp makes one finding. An
       editor's note above the article that it was updated, written as a
       sentence (`Article updated on 7 January 2022.`, `Article mis à jour
       le 7 janvier 2020.`; not a site's `Updated 2022-01-07T06:09Z`
       stamp), says the text was revised then: what it reports up to that
       day is no anachronism, and a date without a tense counts from it.
    2. *Relative days*: `tomorrow, Tuesday` means the text was written on a
       Monday; `yesterday (Monday)` on a Tuesday. A declared date on
       another weekday contradicts it.
    3. *Story outliers*: documents on the same story (linked by
       `derived_from`, or sharing many names and places) are dated within
       days of each other; one declared months away from all the others is
       flagged with their dates.

    One finding per document: its message quotes the first three
    mentions (each phrase cut to 100 characters) and counts the rest, so
    it stays short however many dates the text holds.

    **Why it matters.** A repost dated by the forum's thread date, or a
    catalogue date typed from the wrong field, silently puts a December
    event in July. The text usually knows better.

    **Severity.** An anachronism with an explicit year, or a relative-day
    contradiction, is an error: the text states a fact the date cannot
    allow. A yearless date, a weekday-resolved year or a story outlier alone
    rests on a rule that is right most but not all of the time (a bare
    month-day resolves to the nearest year correctly about 94% of the time
    in news text), so it is a warning.

    **Example.** `forum.txt:14:26: PV202 date-inconsistent: declared
    2021-07-18 (INDEX.md:13) but "tomorrow, Tuesday" (line 18) needs a
    Monday, 2021-07-18 is a Sunday; "in Stockholm on December 1" (line 14)
    is reported as past but resolves to 2021-12-01 (nearest year); the 4
    other documents on this story are dated 2021-12-05..2021-12-06`

    **Options.** `anachronism-days` (integer, default 2): how far after the
    declared date a past event must be. `yearless-days` (default 14): how far
    a date without a year must resolve after it. `unmarked-days` (default
    180): a full date in a sentence with no tense marker at all counts (as a
    warning) only this far after the declared date. `outlier-days` (default 45): how
    far a story member must be from every other member. `story-days`
    (default 14): how tight the other members' dates must be.
    `story-min-names` (default 6) and `story-min-overlap` (default 0.3):
    how many of the top names two documents must share, and what share of
    them, to be the same story. `min-story-size` (default 2): how many other
    dated members a story needs.
    """

    code = "PV202"
    name = "date-inconsistent"
    severity = Severity.ERROR
    scope = "corpus"
    options = {
        "anachronism-days": {"type": "integer", "minimum": 0, "maximum": 36500},
        "unmarked-days": {"type": "integer", "minimum": 0, "maximum": 36500},
        "yearless-days": {"type": "integer", "minimum": 0, "maximum": 36500},
        "outlier-days": {"type": "integer", "minimum": 1, "maximum": 36500},
        "story-days": {"type": "integer", "minimum": 0, "maximum": 36500},
        "story-min-names": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        "story-min-overlap": {"type": "number", "minimum": 0, "maximum": 1},
        "min-story-size": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
    }
    defaults = {
        "anachronism-days": 2,
        "unmarked-days": 180,
        "yearless-days": 14,
        "outlier-days": 45,
        "story-days": 14,
        "story-min-names": 6,
        "story-min-overlap": 0.3,
        "min-story-size": 2,
    }

    stages = ("id", "name", "df", "bucket", "nb")
    records = (Info, Member)
    lonely = frozenset({"id", "name", "bucket"})

    def totals_key(self, totals: Totals) -> Hashable:
        return totals.documents <= _EXACT_UP_TO

    # ------------------------------------------------------------------
    # Document phase: evidence from the text, and the story keys
    # ------------------------------------------------------------------

    def emit(self, doc: Document) -> Iterator[tuple[tuple[Any, ...], Info | Member]]:
        from provlint.plugins.dates.datetext import body_index, body_mentions, standalone_date
        from provlint.plugins.dates.stamps import doc_stamps
        from provlint.plugins.scrape_residue import body_lines

        declared = doc.first("date")
        when = parse_declared(declared.value) if declared else None
        label = ""
        loc: Location | None = declared.location if declared else None
        body, mentions = body_mentions(doc) if doc.text is not None else ("", [])
        index = body_index(doc) if doc.text is not None else None
        if declared is None and mentions:
            inferred = standalone_date(body, mentions, index=index)
            if inferred is not None:
                when = inferred.date
                loc = Location(doc.path, inferred.line, inferred.column, "inferred date")
                label = f"date inferred from line {inferred.line}"
        iso = when.isoformat() if when else None
        stamps: list[Any] | None = None

        def own_stamps() -> list[Any]:
            nonlocal stamps
            if stamps is None:
                stamps = doc_stamps(doc) if declared is not None else []
            return stamps

        def revision() -> date | None:
            """The latest editor's note above the article saying that it was
            updated ("Article mis à jour le 7 janvier 2020.": an update stamp
            written as a sentence, not a site's "Updated" time stamp): the
            text was revised then, and may report what happened up to that
            day."""
            assert index is not None
            return max(
                (
                    max(st.candidates)
                    for st in own_stamps()
                    if st.role == "updated"
                    and st.line_text.rstrip().endswith((".", "!"))
                    and index.line_index(st.start) < index.body_start
                ),
                default=None,
            )

        evidence = (
            self._evidence(
                body,
                mentions,
                when,
                index,
                lambda: body_lines(doc)[1],
                revision,
                lambda: bool(own_stamps()),
            )
            if when
            else []
        )
        if evidence and declared is not None:
            # A date stamp near the top is date-mismatch's evidence (it
            # reports the stamp when no claim of the text agrees): one cause,
            # one finding. Its line gives no evidence here.
            stamped = {st.line for st in own_stamps()}
            evidence = [e for e in evidence if e[0] not in stamped]
        yield (
            ("nb", doc.path),
            Info(
                doc.doc_id,
                iso,
                (loc.path, loc.line, loc.column) if loc else None,
                label,
                tuple(evidence),
            ),
        )
        rank = (0, doc.row.line, doc.path) if doc.row is not None else (1, 0, doc.path)
        if doc.doc_id:
            yield ("id", doc.doc_id), Member(doc.path, iso, rank=rank, holds=True)
        for ident, _ in doc.derived_ids():
            yield ("id", ident), Member(doc.path, iso, rank=rank)
        names = story_names(body) if body and iso else ()
        if not names:
            return
        member = Member(doc.path, iso, names)
        for name in names:
            yield ("name", name), member
        if doc.corpus_size > _EXACT_UP_TO:
            yield ("df", doc.path), member

    def _evidence(
        self,
        body: str,
        mentions: list[Any],
        when: date,
        index: TextIndex | None = None,
        line_kinds: Callable[[], Sequence[str | None]] | None = None,
        revision: Callable[[], date | None] | None = None,
        stamped: Callable[[], bool] | None = None,
    ) -> list[tuple[Any, ...]]:
        """Each mention that contradicts ``when``: (line, column, phrase,
        resolved date, rule, severity). Every test looks at the mention's
        line through ``index`` (classified once per line) or at a window of
        bounded size around it, so a line holding thousands of dates costs
        linear time. ``line_kinds`` gives the residue kind of every line of
        the body (scrape-residue's per-document analysis, ``body_lines``),
        asked for only when a mention gets that far. ``revision`` gives the
        date of an editor's note that the text was updated, if any (asked
        for likewise): the text may report what happened up to that day,
        and a date without a tense counts from then. ``stamped`` says
        whether the page shows its date stamp at the top (then a dated
        label further down is another item's)."""
        from provlint.plugins.dates.datetext import (
            CLAUSE_WINDOW,
            TextIndex,
            attributive,
            context_date,
            date_role,
            event_reference,
            has_present,
            is_forward,
            is_furniture,
            is_past,
            looks_ahead,
            looks_back,
            nearest_year,
            quoted_post,
            sentence,
        )

        if index is None:
            index = TextIndex(body)
        if index.mentions is None:
            index.attach(mentions)
        tol = int(self.config["anachronism-days"])
        unmarked = int(self.config["unmarked-days"])
        starts = [m.start for m in mentions]
        revised: Any = _UNKNOWN
        out: list[tuple[Any, ...]] = []
        for m in mentions:
            if m.kind == "relative-weekday":
                writing = (m.weekday - m.offset) % 7
                # Published on the day it was written or the day after, never before.
                if (when.weekday() - writing) % 7 not in (0, 1):
                    phrase = " ".join(m.text.split())
                    out.append(
                        (
                            m.line,
                            m.column,
                            phrase,
                            None,
                            f"needs a {WEEKDAY_NAMES[writing]} (or the day after, for a late "
                            f"publication), but {when.isoformat()} is a "
                            f"{WEEKDAY_NAMES[when.weekday()]}",
                            "error",
                        )
                    )
                continue
            if m.kind in ("datetime", "weekday", "relative"):
                continue
            yearless = m.kind == "month-day"
            if m.kind == "month-year":
                resolved: date | None = date(m.year, m.month, 1)
            elif yearless:
                resolved = nearest_year(m.month, m.day, when, m.weekday)
            elif m.kind == "numeric" and len(m.candidates) > 1:
                resolved = min(m.candidates)  # both readings must be late
            else:
                resolved = m.date
            if resolved is None or (resolved - when).days <= tol:
                continue
            if yearless and m.text.rstrip(".").split()[-1].startswith("0"):
                continue  # "Februar 08" is more likely a year than a day
            if is_furniture(body, m.start, index):
                continue
            if yearless and (resolved - when).days < int(self.config["yearless-days"]):
                continue
            if date_role(body, m, index, residue=False):
                continue  # a listing, a comment's stamp, an archive, a menu
            # The clause reaches at most 100 characters either side; the
            # sentence start (for the quoted phrase) at most CLAUSE_WINDOW.
            a, b = sentence(body, m.start, m.end, index, window=CLAUSE_WINDOW)
            left, right = max(a, m.start - 100), min(b, m.end + 100)
            clause = body[left:right]
            if is_forward(clause, (m.start - left, m.end - left)) or looks_ahead(body, m, left):
                continue
            # The page's own date (its byline's stamp) and a quoted post's
            # date need no tense: the text cannot be older than either.
            own = "post" if quoted_post(body, m) else ""
            if not own and not yearless and index.byline(m.start):
                own = "stamp"
            if (
                not own
                and stamped is not None
                and index.line_role(m.start) == "stamp"
                and not index.own_kind(m.start, line_kinds)
                and stamped()
            ):
                continue  # the page has its stamp at the top: this dated label is another item's
            if not own:
                if revised is _UNKNOWN:
                    revised = revision() if revision is not None else None
                if revised is not None and (resolved - revised).days <= tol:
                    continue  # told by a revision of the text made after it
            past = looks_back(body, m, left) or is_past(clause, m.start - left)
            if yearless:
                if attributive(body, m) or event_reference(body, m, left):
                    continue
                k, j = bisect_left(starts, left), bisect_left(starts, m.start)
                years = tuple(o.year for o in mentions[k:j] if o.year is not None)
                before, after = body[left : m.start], body[m.end : right]
                ctx = context_date(before, after, m.month, m.day, when, past, years)
                if ctx is not None and (ctx[0] - when).days <= tol:
                    continue  # its sentence puts it before the declared date
            if (
                not past
                and not own
                and (
                    yearless
                    or (resolved - max(when, revised or when)).days <= unmarked
                    or has_present(clause)
                )
            ):
                continue
            if not own and (
                index.residue_kind(m.start, line_kinds) or index.author_bio(m.start, line_kinds)
            ):
                continue  # page furniture, as scrape-residue classifies its line; a biography
            how = (
                "nearest year"
                if yearless and m.weekday is None
                else (f"the year where {WEEKDAY_NAMES[m.weekday]} fits" if yearless else "")
            )
            if own == "stamp":
                told = "is the page's date stamp"
            elif own == "post":
                told = "dates a quoted post"
            elif past:
                told = "is reported as past"
            else:
                told = f"is stated without a future marker {(resolved - when).days} days later"
            if how:
                rule = f"{told} but resolves to {resolved.isoformat()} ({how})"
            elif m.kind != "month-year":
                rule = f"{told} but is after the declared date ({resolved.isoformat()})"
            else:
                rule = f"{told} but {resolved:%B %Y} is after the declared date"
            severity = "error" if past and not yearless and not own else "warning"
            out.append(
                (
                    m.line,
                    m.column,
                    _phrase(body, m.start, m.end, a),
                    resolved.isoformat(),
                    rule,
                    severity,
                )
            )
        return out

    # ------------------------------------------------------------------
    # Corpus phase: the story graph, then one finding per document
    # ------------------------------------------------------------------

    def judge(
        self, key: tuple[Any, ...], records: Sequence[Any], totals: Totals
    ) -> Iterator[Finding | Emit]:
        stage = key[0]
        if stage == "id":
            yield from self._linked(records)
        elif stage == "name":
            yield from self._named(key[1], records, totals)
        elif stage == "df":
            yield from self._rare(records)
        elif stage == "bucket":
            if len(records) <= _BUCKET_CAP:
                yield from self._stories(records)
        else:
            yield from self._judged(key[1], records)

    @staticmethod
    def _edge(a: Member, b: Member) -> Iterator[Emit]:
        """Two documents on one story: each is the other's neighbour."""
        yield Emit(("nb", a.path), (b.path, b.date))
        yield Emit(("nb", b.path), (a.path, a.date))

    def _linked(self, members: Sequence[Member]) -> Iterator[Emit]:
        """A ``derived_from`` link joins a document to the one with the id
        (the last of them in corpus order, should several have it)."""
        holders = [m for m in members if m.holds]
        if not holders:
            return
        holder = max(holders, key=lambda m: m.rank)
        for m in members:
            if not m.holds and m.path != holder.path:
                yield from self._edge(m, holder)

    def _stories(self, members: Sequence[Member]) -> Iterator[Emit]:
        """Every pair of ``members`` that shares enough names (checked on
        their full name sets) is on one story. A pair met under several keys
        is found under each: the neighbours of a document are a set."""
        by_path = {m.path: m for m in members}
        min_names = int(self.config["story-min-names"])
        overlap = float(self.config["story-min-overlap"])
        # Each member's name set is built once, not once per pair.
        ordered = [(by_path[p], frozenset(by_path[p].names)) for p in sorted(by_path)]
        for (a, names_a), (b, names_b) in combinations(ordered, 2):
            k = len(names_a & names_b)
            if k >= min_names and k / min(len(a.names), len(b.names)) >= overlap:
                yield from self._edge(a, b)

    def _named(self, name: str, members: Sequence[Member], totals: Totals) -> Iterator[Emit]:
        """A name several dated documents mention. In a small corpus its
        documents are candidate pairs (unless it is too common to mark a
        story); in a large one, each document learns how common it is."""
        if totals.documents <= _EXACT_UP_TO:
            if len(members) <= max(50, totals.documents // 20):
                yield from self._stories(members)
            return
        for m in members:
            yield Emit(("df", m.path), (name, len(members)))

    def _rare(self, records: Sequence[Member | NameCount]) -> Iterator[Emit]:
        """A document's rarest names key the story buckets it joins."""
        own = [r for r in records if isinstance(r, Member)]
        if not own:
            return
        me = own[0]
        if len(me.names) < int(self.config["story-min-names"]):
            return
        counts: dict[str, int] = {
            r[0]: int(r[1]) for r in records if type(r) is tuple and r[1] is not None
        }
        rare = sorted((n for n in me.names if counts.get(n, 1) > 1), key=lambda n: (counts[n], n))
        for a, b in combinations(rare[:_RARE], 2):
            yield Emit(("bucket", a, b), me)

    def _judged(self, path: str, records: Sequence[Info | Neighbour]) -> Iterator[Finding]:
        """One finding per document: its evidence, and whether it is an
        outlier on its story."""
        from provlint.plugins.dates.datetext import shorten

        own = [r for r in records if isinstance(r, Info)]
        if not own:
            return
        info = own[0]
        evidence = info.evidence
        story = self._outlier(info, [r for r in records if not isinstance(r, Info)])
        if not evidence and not story:
            return
        where = info.where
        decl_loc = Location(where[0], where[1], where[2], "declared date") if where else None
        if info.inferred:
            head = f"{info.inferred} ({info.date})"
        else:
            origin = f"{shorten(where[0], _PATH_CHARS)}:{where[1]}" if where else "?"
            head = f"declared {info.date} ({origin})"
        # The first mentions are quoted, each cut to a bounded length; the
        # rest are counted, so the message stays short however many dates
        # the text holds.
        parts = [
            f'"{shorten(phrase)}" (line {line}) {rule}'
            for line, _col, phrase, _iso, rule, _sev in evidence[:_QUOTED]
        ]
        if len(evidence) > _QUOTED:
            parts.append(f"and {len(evidence) - _QUOTED} more from line {evidence[_QUOTED][0]} on")
        related = [decl_loc] if decl_loc else []
        if story:
            others, lo, hi = story
            span = lo if lo == hi else f"{lo}..{hi}"
            parts.append(
                f"the {len(others)} other document{'s' if len(others) != 1 else ''} on this "
                f"story {'are' if len(others) != 1 else 'is'} dated {span}"
            )
            related.extend(Location(p, 1, 1, "same story") for p in others[:10])
        data: dict[str, Any] = {"declared": info.date, "inferred": bool(info.inferred)}
        if evidence:
            data["evidence"] = evidence[0][3]
            data["mentions"] = [
                {"line": ln, "column": c, "text": phrase, "date": iso, "rule": rule}
                for ln, c, phrase, iso, rule, _sev in evidence[:_QUOTED]
            ]
            data["mention_count"] = len(evidence)
        if story:
            data["story"] = {
                "documents": story[0][:10],
                "count": len(story[0]),
                "earliest": story[1],
                "latest": story[2],
            }
        severities = {sev for *_, sev in evidence}
        severity = Severity.ERROR if "error" in severities else Severity.WARNING
        line, col = (evidence[0][0], evidence[0][1]) if evidence else (1, 1)
        yield self.finding(
            path,
            line,
            col,
            f"{head} but " + "; ".join(parts),
            doc_id=info.doc_id,
            related=related,
            severity=severity,
            properties=data,
        )

    def _outlier(
        self, info: Info, neighbours: Sequence[Neighbour]
    ) -> tuple[list[str], str, str] | None:
        """(the other members, their earliest and latest date) when the
        document is dated far from every other member of its story, and
        those agree among themselves; else None."""
        if not info.date:
            return None
        own = date.fromisoformat(info.date)
        dated = {path: date.fromisoformat(day) for path, day in neighbours if day}
        others = sorted(dated)
        if len(others) < int(self.config["min-story-size"]):
            return None
        when = [dated[q] for q in others]
        if (max(when) - min(when)).days > int(self.config["story-days"]):
            return None
        far = timedelta(days=int(self.config["outlier-days"]))
        if all(abs(own - w) > far for w in when):
            return others, min(when).isoformat(), max(when).isoformat()
        return None


@hookimpl
def provlint_register_checks() -> Sequence[type[KeyedCheck]]:
    return [DateInconsistent]
