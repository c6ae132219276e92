"""The ``derived-from`` check."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
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

    Documents derived from each other through chains of links form one
    group (a strongly connected component of the links); each group is
    reported once, however many cycles run through it, on its first
    member's link: the message shows one shortest cycle through that
    member and, when the group is larger, how many documents it joins,
    naming at most 10 of them.

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
        """One finding per strongly connected component of the links (the
        documents derived, through some chain, from each other), however
        many cycles run through it: on its first member's link into one
        shortest cycle, which the message shows, with the members listed
        up to a bound."""
        for members in sorted(strongly_connected(graph)):
            first = members[0]
            doc = by_id[first]
            inside = set(members)
            cycle = shortest_cycle(graph, first, inside)
            links = [decl for t, decl in doc.links if t == cycle[1]]
            links = links or [decl for t, decl in doc.links if t in inside]
            loc = links[0].location if links else Location(doc.path, 1, 1)
            if len(cycle) <= SHOWN:
                chain = " -> ".join([*cycle, first])
            else:
                chain = " -> ".join(
                    [*cycle[: SHOWN - 1], f"… ({len(cycle) - SHOWN:,} more)", cycle[-1], first]
                )
            joined = ""
            if len(members) > len(cycle):
                listed = ", ".join(members[:SHOWN])
                if len(members) > SHOWN:
                    listed += f" and {len(members) - SHOWN:,} more"
                joined = (
                    f"; its links join {len(members):,} documents that are each derived, "
                    f"through some chain, from all the others ({listed})"
                )
            on_cycle = set(cycle)
            others = [*cycle[1:SHOWN], *(m for m in members if m not in on_cycle)][: SHOWN - 1]
            yield self._at(
                loc,
                f"derived_from forms a cycle: {chain}{joined}; expected each copy to lead "
                "back to an origin",
                doc,
                related=[Location(by_id[c].path, 1, 1, "in the cycle") for c in others],
            )


SHOWN = 10
"""How many documents a cycle finding names (in its chain, its member list
and its related locations)."""


def strongly_connected(graph: Mapping[str, Sequence[str]]) -> Iterator[list[str]]:
    """The strongly connected components of ``graph`` with more than one
    node, each as a sorted list (Tarjan's algorithm, iterative: a chain of a
    million links needs no recursion). Time and memory are linear in the
    nodes and links."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    for start in sorted(graph):
        if start in index:
            continue
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        work: list[tuple[str, Iterator[str]]] = [(start, iter(graph.get(start, ())))]
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, ()))))
                    break
                if child in on_stack and index[child] < low[node]:
                    low[node] = index[child]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[node] < low[parent]:
                        low[parent] = low[node]
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        yield sorted(component)


def shortest_cycle(graph: Mapping[str, Sequence[str]], start: str, inside: set[str]) -> list[str]:
    """A shortest cycle through ``start`` using only the nodes of
    ``inside`` (its strongly connected component), from ``start`` on
    (without repeating it at the end); breadth-first, linear in the
    component's links."""
    came_from: dict[str, str] = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in graph.get(node, ()):
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return path[::-1]
            if child in inside and child not in came_from:
                came_from[child] = node
                queue.append(child)
    return [start]  # not reached for a component of two or more


@hookimpl
def provlint_register_checks() -> Sequence[type[CorpusCheck]]:
    return [DerivedFrom]
