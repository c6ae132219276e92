"""The ``derived-from`` check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from provlint import CorpusCheck, Declared, Finding, Location, Severity, hookimpl
from provlint.dates import parse_declared, parse_instant
from provlint.model import Corpus, Document


@dataclass(frozen=True, slots=True)
class _Node:
    """What the check needs of a document (corpus.documents may be streamed
    from disk, so documents are not kept)."""

    path: str
    doc_id: str | None
    links: tuple[tuple[str, Declared], ...]
    date: Declared | None

    @classmethod
    def of(cls, doc: Document, links: list[tuple[str, Declared]] | None = None) -> _Node:
        links = doc.derived_ids() if links is None else links
        return cls(doc.path, doc.doc_id, tuple(links), doc.first("date"))


class DerivedFrom(CorpusCheck):
    """`derived_from` names an unknown id, forms a cycle, or names a source dated after the copy.

    **What it does.** Follows every `derived_from` link (INDEX.md and
    header): the id must belong to another document of the corpus; the links
    must not form a cycle (a document derived, through any chain, from
    itself); and the source's declared date must not be after the derived
    copy's, because a copy cannot predate its origin (W3C PROV's ordering
    constraint: an entity is generated after the entities it was derived
    from).

    **Why it matters.** Derivation links are the provenance graph; a dangling
    or circular link, or a copy older than its source, means the graph
    records something that cannot have happened.

    **Example.** `INDEX.md:12:80: PV303 derived-from: syndicated-copy is
    declared derived from osce-dinner, dated 2021-12-09, after the copy's own
    date 2021-12-07 (INDEX.md:12); a copy cannot predate its origin`

    **Options.** `tolerance-days` (default 0): how far a source may be dated
    after its copy before it is reported (time zones, late catalogue dates).
    """

    code = "PV303"
    name = "derived-from"
    severity = Severity.ERROR
    options = {"tolerance-days": {"type": "integer", "minimum": 0}}
    defaults = {"tolerance-days": 0}

    def check_corpus(self, corpus: Corpus) -> Iterator[Finding]:
        # Pass 1: the documents that link, the ids that are linked to, and
        # which document first holds each id.
        first_with: dict[str, str] = {}
        linking: list[_Node] = []
        targets: set[str] = set()
        for d in corpus.documents:
            ident = d.doc_id
            if ident and ident not in first_with:
                first_with[ident] = d.path
            links = d.derived_ids()
            if links:
                linking.append(_Node.of(d, links))
                targets.update(t for t, _ in links)
        # Pass 2: the documents linked to (the first one with each id).
        by_id: dict[str, _Node] = {}
        if targets:
            for d in corpus.documents:
                ident = d.doc_id
                if ident in targets and ident not in by_id and first_with[ident] == d.path:
                    by_id[ident] = _Node.of(d)
        graph: dict[str, list[str]] = {}
        tol = int(self.config["tolerance-days"])
        for doc in sorted(linking, key=lambda d: d.path):
            name = doc.doc_id or doc.path
            for target, decl in doc.links:
                loc = decl.location
                src = by_id.get(target)
                if target == doc.doc_id:
                    yield self._at(loc, f"{name} is declared derived from itself", doc)
                    continue
                if src is None:
                    yield self._at(
                        loc,
                        f"{name} is declared derived from {target!r}, but no document has "
                        "that id; expected the id of a document in this corpus",
                        doc,
                    )
                    continue
                graph.setdefault(name, []).append(target)
                mine, theirs = doc.date, src.date
                d_mine = parse_declared(mine.value) if mine else None
                d_src = parse_declared(theirs.value) if theirs else None
                i_mine = parse_instant(mine.value) if mine else None
                i_src = parse_instant(theirs.value) if theirs else None
                if i_mine and i_src:  # both with offsets: compare the moments
                    later = (i_src - i_mine).total_seconds() > tol * 86400
                else:
                    later = bool(d_mine and d_src and (d_src - d_mine).days > tol)
                if d_mine and d_src and later:
                    assert theirs is not None
                    yield self._at(
                        loc,
                        f"{name} is declared derived from {target}, dated {d_src.isoformat()} "
                        f"({theirs.location}), after the copy's own date {d_mine.isoformat()}; "
                        "a copy cannot predate its origin",
                        doc,
                        related=[theirs.location],
                    )
        yield from self._cycles(graph, by_id)

    def _at(
        self, loc: Location, message: str, doc: _Node, related: Sequence[Location] = ()
    ) -> Finding:
        return self.finding(
            loc.path, loc.line, loc.column, message, doc_id=doc.doc_id, related=related
        )

    def _cycles(self, graph: dict[str, list[str]], by_id: dict[str, _Node]) -> Iterator[Finding]:
        state: dict[str, int] = {}  # 1 on the stack, 2 done
        reported: set[frozenset[str]] = set()
        for start in sorted(graph):
            if state.get(start):
                continue
            stack: list[tuple[str, Iterator[str]]] = [(start, iter(graph.get(start, ())))]
            path = [start]
            state[start] = 1
            while stack:
                node, children = stack[-1]
                child = next(children, None)
                if child is None:
                    stack.pop()
                    path.pop()
                    state[node] = 2
                    continue
                if state.get(child) == 1:
                    cycle = path[path.index(child) :]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        first = min(cycle)
                        doc = by_id[first]
                        links = [decl for t, decl in doc.links if t in key]
                        loc = links[0].location if links else Location(doc.path, 1, 1)
                        i = cycle.index(first)
                        chain = " -> ".join([*cycle[i:], *cycle[:i], first])
                        yield self._at(
                            loc,
                            f"derived_from forms a cycle: {chain}; expected each copy to "
                            "lead back to an origin",
                            doc,
                            related=[
                                Location(by_id[c].path, 1, 1, "in the cycle")
                                for c in cycle
                                if c != first
                            ],
                        )
                elif not state.get(child):
                    state[child] = 1
                    path.append(child)
                    stack.append((child, iter(graph.get(child, ()))))


@hookimpl
def provlint_register_checks() -> Sequence[type[CorpusCheck]]:
    return [DerivedFrom]
