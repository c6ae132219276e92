"""The ``duplicate-content`` check."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING, Any

from provlint import CorpusCheck, Document, DocumentCheck, Finding, Location, Severity, hookimpl
from provlint.model import Corpus

if TYPE_CHECKING:
    from provlint.similarity import Pair

KEY = "duplicate-content"


def _derived(doc: Document) -> set[str]:
    return {ident for ident, _ in doc.derived_ids()}


class DuplicateContent(DocumentCheck, CorpusCheck):
    """Two documents carry the same text, and neither declares the other in `derived_from`.

    **What it does.** Folds each text (case, whitespace, punctuation and
    digits) and compares documents two ways:

    - *exact duplicates*: the folded texts are identical;
    - *near duplicates*: word 5-gram shingles, scored by both **Jaccard**
      (shared / all) and **containment** (the share of the smaller text
      found in the other). Either reaching `threshold` (0.8) flags the pair.
      A raw page scrape and its cleaned copy share little page furniture, so
      their Jaccard is low (about 0.5) but their containment is near 1.

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
    is a near duplicate of seeds/raw-scrape.txt (containment 0.97, Jaccard
    0.46); expected a derived_from link between them`

    **Options.** `threshold` (0 to 1, default 0.8); `exact-limit` (default
    3000); `min-words` (default 30): shorter texts are not compared.
    """

    code = "PV302"
    name = "duplicate-content"
    severity = Severity.ERROR
    scope = "corpus"
    options = {
        "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        "exact-limit": {"type": "integer", "minimum": 0, "maximum": 10_000},
        "min-words": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
    }
    defaults = {"threshold": 0.8, "exact-limit": 3000, "min-words": 30}

    def corpus_size_breaks(self) -> tuple[int, ...]:
        return (int(self.config["exact-limit"]),)

    def check_document(self, doc: Document) -> Iterator[Finding]:
        from provlint.similarity import signature, text_print

        if doc.text is None:
            return iter(())
        count, digest, hashes = text_print(doc.body)
        if count < int(self.config["min-words"]):
            return iter(())
        info: dict[str, Any] = {"hash": digest, "size": len(hashes), "words": count}
        if doc.corpus_size <= int(self.config["exact-limit"]):
            info["set"] = hashes
        else:
            info["sig"] = signature(hashes)
        doc.summary[KEY] = info
        return iter(())

    def check_corpus(self, corpus: Corpus) -> Iterator[Finding]:
        from provlint.dates import parse_declared
        from provlint.similarity import exact_pairs, lsh_pairs

        # What the pairs need of each document, not the documents: they may
        # be streamed from disk.
        docs: dict[str, _Doc] = {}
        infos: dict[str, Any] = {}
        for d in corpus.documents:
            if KEY in d.summary:
                decl = d.first("date")
                day = parse_declared(decl.value) if decl is not None else None
                docs[d.path] = _Doc(d.doc_id, frozenset(_derived(d)), day)
                infos[d.path] = d.summary[KEY]
        order = {p: _order(p, doc) for p, doc in docs.items()}

        # Exact duplicates first, by hash: each group is scored once, through
        # its representative (the earliest-dated member, else the first by
        # path), so n copies of one text cost n, not n * n.
        by_hash: dict[str, list[str]] = defaultdict(list)
        for p in sorted(infos, key=order.__getitem__):
            by_hash[infos[p]["hash"]].append(p)
        found: list[tuple[str, str, Pair | None, int]] = []  # copy, origin, scores, group size
        links: dict[str, _Links] = {}  # representative -> what its group declares
        for group in by_hash.values():
            rep = group[0]
            if len(group) == 1:
                doc = docs[rep]
                links[rep] = _Links(frozenset((doc.doc_id,) if doc.doc_id else ()), doc.derived)
                continue
            members = [docs[p] for p in group]
            links[rep] = _Links(
                frozenset(m.doc_id for m in members if m.doc_id),
                frozenset().union(*(m.derived for m in members)),
            )
            for first in _undeclared_families(members):
                found.append((group[first], rep, None, len(group)))

        # Near duplicates among the representatives: each document is
        # reported at most once, against the earliest of the earlier
        # documents it nearly duplicates without a declared link.
        threshold = float(self.config["threshold"])
        sets = {p: infos[p]["set"] for p in links if "set" in infos[p]}
        sigs = {p: (infos[p]["sig"], infos[p]["size"]) for p in links if "sig" in infos[p]}
        if len(sets) < 2:
            sets = {}  # nothing to compare it with: no index of its shingles
        near: dict[str, Pair] = {}
        for pair in chain(exact_pairs(sets, threshold), lsh_pairs(sigs, threshold)):
            a, b = sorted((pair.a, pair.b), key=order.__getitem__)
            if links[a].declares(links[b]):
                continue
            best = near.get(b)
            if best is None or order[a] < order[_origin(best, b)]:
                near[b] = pair
        for copy, pair in near.items():
            found.append((copy, _origin(pair, copy), pair, 1))

        for copy, origin, scored, size in sorted(found, key=lambda f: f[0]):
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
            yield self.finding(
                copy,
                1,
                1,
                f"the text is {what} of {origin} ({scores}){many}; expected a derived_from "
                "link between them, or one copy removed",
                doc_id=docs[copy].doc_id,
                related=[Location(origin, 1, 1, "the earlier copy")],
            )


@dataclass(frozen=True, slots=True)
class _Doc:
    """What the corpus phase needs of a document."""

    doc_id: str | None
    derived: frozenset[str]
    date: date | None


def _order(path: str, doc: _Doc) -> tuple[int, str, str]:
    """Which of two copies is taken as the earlier one: the earlier declared
    date, a dated document before an undated one, then the path."""
    return (0, doc.date.isoformat(), path) if doc.date else (1, "", path)


def _origin(pair: Pair, copy: str) -> str:
    """The other document of ``pair``."""
    return pair.a if pair.b == copy else pair.b


@dataclass(frozen=True, slots=True)
class _Links:
    """The ids of a group of identical documents and the ids they declare
    derived from."""

    ids: frozenset[str]
    derived: frozenset[str]

    def declares(self, other: _Links) -> bool:
        """True when a document of one group names one of the other in
        ``derived_from``, or both name the same origin."""
        return bool(
            self.ids & other.derived or other.ids & self.derived or self.derived & other.derived
        )


def _undeclared_families(members: Sequence[_Doc]) -> Iterator[int]:
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
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [DuplicateContent]
