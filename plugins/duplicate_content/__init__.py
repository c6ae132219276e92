"""The ``duplicate-content`` check."""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from datetime import date
from itertools import combinations, filterfalse
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from provlint import Document, Emit, Finding, KeyedCheck, Location, Severity, Totals, hookimpl

_BUCKET_CAP = 100
"""An LSH bucket with more documents than this is skipped (as lsh_pairs does)."""


def _order(path: str, day: date | None) -> tuple[int, str, str]:
    """Which of two copies is taken as the earlier one: the earlier declared
    date, a dated document before an undated one, then the path."""
    return (0, day.isoformat(), path) if day else (1, "", path)


class Text(NamedTuple):
    """A document's folded text, under the key of its hash."""

    path: str
    doc_id: str | None
    derived: tuple[str, ...]
    """The ids it names in ``derived_from``."""
    order: tuple[int, str, str]
    size: int
    """Distinct shingles, furniture left out."""
    shingles: array[int] | None
    """Every shingle, furniture left out (corpora up to ``exact-limit``)."""
    sig: array[int] | None
    """The MinHash signature of the shingles held by none of ``lines``
    (larger corpora)."""
    lines: tuple[tuple[int, array[int]], ...] = ()
    """Short lines the document's site may repeat on its pages: the hash of
    each, and the shingles that hold one of its words."""


class Seen(NamedTuple):
    """A short line of a document, under the key of its site and hash."""

    path: str
    digest: str
    """The hash of the document's folded text (its key in stage ``text``)."""


class Drop(NamedTuple):
    """A line of the document at ``path`` that its site repeats on many
    pages: its shingles do not count."""

    path: str
    line: int


class Rep(NamedTuple):
    """The earliest document of a group of identical texts, which stands for
    the group in the near-duplicate comparison."""

    path: str
    doc_id: str | None
    order: tuple[int, str, str]
    ids: tuple[str, ...]
    """The ids of every document of the group."""
    derived: tuple[str, ...]
    """Every id the group's documents name in ``derived_from``."""
    size: int
    shingles: array[int] | None
    sig: array[int] | None

    def declares(self, other: Rep) -> bool:
        """True when a document of one group names one of the other in
        ``derived_from``, or both name the same origin."""
        mine, theirs = set(self.derived), set(other.derived)
        return bool(mine & set(other.ids) or theirs & set(self.ids) or mine & theirs)


class Near(NamedTuple):
    """An earlier document that the key's document nearly duplicates."""

    copy_id: str | None
    order: tuple[int, str, str]
    path: str
    jaccard: float
    containment: float


class DuplicateContent(KeyedCheck):
    """Two documents carry the same text, and neither declares the other in `derived_from`.

    **What it does.** Folds each text (case, whitespace, punctuation and
    digits) and compares documents two ways:

    - *exact duplicates*: the folded texts are identical;
    - *near duplicates*: word 5-gram shingles, scored by both **Jaccard**
      (shared / all) and **containment** (the share of the smaller text
      found in the other). Either reaching `threshold` (0.8) flags the pair.

    Page furniture does not count towards either score, so that two
    different articles of one site are not taken for copies because they
    share its menus and lists of headlines, and a raw page scrape scores
    close to its cleaned copy:

    - the lines that scrape-residue's line classifier takes for furniture
      (menus, sign-in prompts, footers, feeds...; the built-in phrase
      lists) give no shingles;
    - of the other lines, the short ones (up to 60 characters, the first
      and the last twelve of each text) are counted per site (the host of
      the document's `url`, without `www.`): a line on `repeat-min-docs`
      (3) different texts of one site is that site's furniture, and every
      page of the site that has it leaves out the shingles that hold its
      words. This is a keyed reduction of its own (one key per site and
      line), so incremental runs give what cold runs give. Documents
      without a `url` take no part in it; identical texts count once.

    Exact duplicates compare the whole folded text, furniture included.

    Up to `exact-limit` documents (3,000), every pair is scored exactly
    (prefix filtering finds every pair that can reach the threshold).
    Beyond, each document is reduced to a 128-value MinHash signature
    (512 bytes) and candidates come from LSH banding (42 bands of 3 rows),
    scored from the signatures: time and memory grow linearly; pairs with a
    Jaccard below about 0.35 (a short excerpt inside a long text) can be
    missed there.

    Exact duplicates are grouped by the hash of their folded text before
    any pair is scored: only one document per group (its earliest) takes
    part in the near-duplicate comparison, so many copies of one text cost
    no more than one.

    **What is reported.** Each copy once, never each pair: of two copies,
    the *earlier* one (the earlier declared `date`; a dated document before
    an undated one; then the first by path) is taken as the one the other
    came from. In a group of identical texts, every other document is
    reported against the group's earliest, so n copies give n - 1
    findings, not n(n - 1)/2. A near duplicate is reported once, against
    the earliest of the earlier documents it nearly duplicates.

    Copies linked by `derived_from` (either way), or declaring the same
    origin, are not reported: the copy is documented. Within a group of
    identical texts the links are followed from copy to copy (a copy
    derived from a documented copy is documented too), and a family of
    copies linked to each other but not to the earliest is reported once,
    on its earliest member.

    **Why it matters.** An undeclared copy counts one source twice and hides
    where a text really came from.

    **Example.** `seeds/clean-copy.txt:1:1: PV302 duplicate-content: the text
    is a near duplicate of seeds/raw-scrape.txt (containment 1.00, Jaccard
    0.92); expected a derived_from link between them, or one copy removed`

    **Options.** `threshold` (0 to 1, default 0.8); `exact-limit` (default
    3000); `min-words` (default 30): shorter texts are not compared (words
    of the whole text, furniture included); `repeat-min-docs` (default 3):
    on how many different texts of one site a short line must be to be the
    site's furniture.
    """

    code = "PV302"
    name = "duplicate-content"
    severity = Severity.ERROR
    options = {
        "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "exact-limit": {"type": "integer", "minimum": 0, "maximum": 10_000},
        "min-words": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        "repeat-min-docs": {"type": "integer", "minimum": 2, "maximum": 1_000_000},
    }
    defaults = {"threshold": 0.8, "exact-limit": 3000, "min-words": 30, "repeat-min-docs": 3}
    stages = ("line", "text", "all", "band", "near")
    records = (Seen, Drop, Text, Rep, Near)
    lonely = frozenset({"line", "band"})

    def corpus_size_breaks(self) -> tuple[int, ...]:
        return (int(self.config["exact-limit"]),)

    def totals_key(self, totals: Totals) -> Hashable:
        return totals.documents <= int(self.config["exact-limit"])

    def emit(self, doc: Document) -> Iterator[tuple[tuple[Any, ...], Seen | Text]]:
        from provlint import fastpath
        from provlint.dates import parse_declared
        from provlint.plugins.duplicate_content.similarity import (
            TEXT_NUMPY_FROM,
            furniture_print,
            signature,
            text_print,
        )
        from provlint.plugins.scrape_residue import body_lines

        if doc.text is None:
            return
        # The line classes first (scrape-residue shares them): when a line is
        # furniture, the shingles come from the other lines only, and those
        # of the whole text would go unused.
        lines, kinds = body_lines(doc)
        furniture = any(kinds)
        exact = doc.corpus_size <= int(self.config["exact-limit"])
        # Beyond the exact limit the shingles only make a signature: any order.
        np = fastpath.module("numpy") if doc.corpus_size >= TEXT_NUMPY_FROM else None
        count, digest, hashes = text_print(doc.body, shingled=not furniture, ordered=exact, np=np)
        if count < int(self.config["min-words"]):
            return
        site = _site(doc)
        if furniture or site:
            hashes, short = furniture_print(
                lines, kinds, None if furniture else hashes, ordered=exact, np=np
            )
        else:
            short = ()
        if site is None:
            short = ()  # only a site's own pages show what it repeats
        decl = doc.first("date")
        day = parse_declared(decl.value) if decl is not None else None
        derived = tuple(sorted({ident for ident, _ in doc.derived_ids()}))
        if exact:
            shingles, sig = hashes, None
        else:
            if short:
                held = set().union(*(s for _, s in short))
                hashes_kept = array("I", filterfalse(held.__contains__, hashes))
            else:
                hashes_kept = hashes
            shingles, sig = None, signature(hashes_kept)
        for line, _ in short:
            yield ("line", site, line), Seen(doc.path, digest)
        yield (
            ("text", digest),
            Text(
                doc.path,
                doc.doc_id,
                derived,
                _order(doc.path, day),
                len(hashes),
                shingles,
                sig,
                short,
            ),
        )

    def judge(
        self, key: tuple[Any, ...], records: Sequence[Any], totals: Totals
    ) -> Iterable[Finding | Emit]:
        stage = key[0]
        if stage == "line":
            return self._line(key, records)
        if stage == "text":
            return self._group(records, totals)
        if stage == "all":
            return self._exact(records)
        if stage == "band":
            return self._bucket(records)
        return self._near(key, records)

    def _line(self, key: tuple[Any, ...], records: Sequence[Seen]) -> Iterator[Emit]:
        """A short line of one site's pages: when it is on ``repeat-min-docs``
        different texts of the site, it is furniture, and every page that
        has it leaves out its shingles."""
        if len({r.digest for r in records}) < int(self.config["repeat-min-docs"]):
            return
        for r in records:
            yield Emit(("text", r.digest), Drop(r.path, key[2]))

    def _group(self, records: Sequence[Text | Drop], totals: Totals) -> Iterator[Finding | Emit]:
        """A group of identical texts: every copy not documented by a link
        is reported once, against the earliest; the earliest goes on to the
        near-duplicate comparison for all of them, without the lines its
        site repeats."""
        members = sorted((r for r in records if isinstance(r, Text)), key=lambda t: t.order)
        if not members:
            return
        rep = members[0]
        shingles, sig, distinct = _without_repeated(members, records)
        ids = tuple(sorted({m.doc_id for m in members if m.doc_id}))
        derived = tuple(sorted({d for m in members for d in m.derived}))
        size = len(members)
        if size > 1:
            for first in _undeclared_families(members):
                copy = members[first]
                yield self._report(copy.path, copy.doc_id, rep.path, None, size)
        out = Rep(rep.path, rep.doc_id, rep.order, ids, derived, distinct, shingles, sig)
        if totals.documents <= int(self.config["exact-limit"]):
            yield Emit(("all",), out)
            return
        if sig is None:
            return
        for band, rows in _bands(sig):
            yield Emit(("band", band, rows), out)

    def _exact(self, reps: Sequence[Rep]) -> Iterator[Emit]:
        """Every pair of groups scored exactly (small corpora)."""
        from provlint.plugins.duplicate_content.similarity import exact_pairs

        by_path = {r.path: r for r in reps if r.shingles is not None}
        if len(by_path) < 2:
            return
        sets = {p: r.shingles for p, r in by_path.items()}
        for pair in exact_pairs(sets, float(self.config["threshold"])):  # type: ignore[arg-type]
            yield from self._candidate(
                by_path[pair.a], by_path[pair.b], pair.jaccard, pair.containment
            )

    def _bucket(self, reps: Sequence[Rep]) -> Iterator[Emit]:
        """One LSH bucket: its pairs of groups are scored from their
        signatures (a pair that meets in several buckets is scored in each:
        its copy keeps one partner, the earliest)."""
        from provlint.plugins.duplicate_content.similarity import estimate

        if len(reps) > _BUCKET_CAP:
            return
        threshold = float(self.config["threshold"])
        for a, b in combinations(sorted(reps, key=lambda r: r.path), 2):
            if a.sig is None or b.sig is None:
                continue
            jac, con = estimate(a.sig, b.sig, a.size, b.size)
            if jac >= threshold or con >= threshold:
                yield from self._candidate(a, b, jac, con)

    def _candidate(self, x: Rep, y: Rep, jaccard: float, containment: float) -> Iterator[Emit]:
        """A scored near-duplicate pair of groups, unless a link documents it:
        the later one is a candidate copy of the earlier."""
        a, b = sorted((x, y), key=lambda r: r.order)
        if a.declares(b):
            return
        yield Emit(("near", b.path), Near(b.doc_id, a.order, a.path, jaccard, containment))

    def _near(self, key: tuple[Any, ...], partners: Sequence[Near]) -> Iterator[Finding]:
        """A near duplicate, reported once: against the earliest document it
        nearly duplicates."""
        best = min(partners, key=lambda n: n.order)
        yield self._report(key[1], best.copy_id, best.path, best, 1)

    def _report(
        self, path: str, doc_id: str | None, origin: str, scored: Near | None, size: int
    ) -> Finding:
        if scored is None:
            what = "an exact duplicate"
            scores = "same words once case, punctuation and digits are folded"
        else:
            what = "a near duplicate"
            scores = f"containment {scored.containment:.2f}, Jaccard {scored.jaccard:.2f}"
        many = (
            f"; {size:,} documents have this text, and copies are reported against the earliest"
            if size > 2
            else ""
        )
        return self.finding(
            path,
            1,
            1,
            f"the text is {what} of {origin} ({scores}){many}; expected a derived_from "
            "link between them, or one copy removed",
            doc_id=doc_id,
            related=[Location(origin, 1, 1, "the earlier copy")],
            properties={"duplicate_of": origin, "exact": True, "copies": size}
            if scored is None
            else {
                "duplicate_of": origin,
                "exact": False,
                "containment": round(scored.containment, 4),
                "jaccard": round(scored.jaccard, 4),
                "copies": size,
            },
        )


def _site(doc: Document) -> str | None:
    """The host of the document's ``url`` (without ``www.``), or None."""
    url = doc.get("url")
    if not isinstance(url, str):
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _without_repeated(
    members: Sequence[Text], records: Sequence[Any]
) -> tuple[array[int] | None, array[int] | None, int]:
    """The shingles (or the signature) and the size of a group of identical
    texts, without the shingles of the lines their site repeats on many
    pages (the group's Drop records)."""
    from provlint.plugins.duplicate_content.similarity import signature

    # Identical texts have the same lines; only those with a site list them.
    text = next((m for m in members if m.lines), members[0])
    dropped = {d.line for d in records if isinstance(d, Drop)}
    drop: set[int] = set()
    keep: set[int] = set()
    for line, held in text.lines:
        (drop if line in dropped else keep).update(held)
    if text.shingles is not None:
        if not drop:
            return text.shingles, None, text.size
        kept = array("I", (h for h in text.shingles if h not in drop))
        return kept, None, len(kept)
    if text.sig is None:
        return None, None, text.size
    sig = text.sig
    if keep - drop:
        extra = signature(array("I", keep - drop))  # an array: numpy may reduce it
        sig = array("I", map(min, sig, extra))
    return None, sig, max(0, text.size - len(drop))


def _bands(sig: array[int]) -> Iterator[tuple[int, int]]:
    """The LSH bands of a signature that hold a value: the band's number,
    and its rows' bytes read as one number (its bucket)."""
    from provlint.plugins.duplicate_content.similarity import BAND_ROWS, EMPTY, SIG_BINS

    # Slices of the signature's bytes: an array slice per band costs more.
    raw = sig.tobytes()
    width = BAND_ROWS * sig.itemsize
    blank = array("I", [EMPTY] * BAND_ROWS).tobytes()
    for band in range(SIG_BINS // BAND_ROWS):
        rows = raw[band * width : band * width + width]
        if rows != blank:
            yield band, int.from_bytes(rows, "little")


def _undeclared_families(members: Sequence[Text]) -> Iterator[int]:
    """The documents of one exact-duplicate group (the first being its
    representative) joined by declared links: one derived from another, or
    two from the same origin. Yields the first index of every family other
    than the representative's; each is an undeclared copy."""
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)  # a family's root is its first member

    holders: dict[str, list[int]] = defaultdict(list)  # an id -> the members that have it
    for i, m in enumerate(members):
        if m.doc_id:
            holders[m.doc_id].append(i)
    naming: dict[str, int] = {}  # an id named in derived_from -> the first member naming it
    for i, m in enumerate(members):
        for ident in m.derived:
            if ident in naming:
                join(i, naming[ident])
            else:
                naming[ident] = i
    for ident, i in naming.items():
        for j in holders.get(ident, ()):  # each id once: linear however many name it
            join(i, j)
    for i in range(1, len(members)):
        if root(i) == i and root(0) != i:
            yield i


@hookimpl
def provlint_register_checks() -> Sequence[type[KeyedCheck]]:
    return [DuplicateContent]
