"""The ``derived-from`` check."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from provlint import (
    Declared,
    Document,
    Emit,
    Finding,
    KeyedCheck,
    Location,
    Severity,
    Totals,
    hookimpl,
)
from provlint.dates import parse_declared, parse_instant


class Holder(NamedTuple):
    """A document that has the id (the key): a link to the id leads to the
    first of them, in corpus order."""

    rank: tuple[int, int, str]
    path: str
    date: Declared | None


class Link(NamedTuple):
    """One id a document names in `derived_from` (the key's id)."""

    path: str
    doc_id: str | None
    order: int
    """The link's place among the document's links."""
    declared: Declared
    date: Declared | None


class Edge(NamedTuple):
    """A link that reached a document: an edge of the derivation graph."""

    source: str
    """The linking document's id (its path when it has none)."""
    source_path: str
    source_id: str | None
    order: int
    location: Location
    target: str
    target_path: str


def _rank(doc: Document) -> tuple[int, int, str]:
    """The document's place in the corpus: rows by line, then files by path."""
    return (0, doc.row.line, doc.path) if doc.row is not None else (1, 0, doc.path)


class DerivedFrom(KeyedCheck):
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
    options = {"tolerance-days": {"type": "integer", "minimum": 0, "maximum": 36500}}
    defaults = {"tolerance-days": 0}
    stages = ("id", "graph")
    records = (Holder, Link, Edge)

    def emit(self, doc: Document) -> Iterator[tuple[tuple[str, ...], Holder | Link]]:
        ident = doc.doc_id
        date = doc.first("date")
        if ident:
            yield ("id", ident), Holder(_rank(doc), doc.path, date)
        for order, (target, decl) in enumerate(doc.derived_ids()):
            yield ("id", target), Link(doc.path, ident, order, decl, date)

    def judge(
        self, key: tuple[str, ...], records: Sequence[Holder | Link | Edge], totals: Totals
    ) -> Iterable[Finding | Emit]:
        if key[0] == "graph":
            yield from self._cycles([r for r in records if isinstance(r, Edge)])
            return
        target = key[1]
        holders = sorted((r for r in records if isinstance(r, Holder)), key=lambda h: h.rank)
        src = holders[0] if holders else None
        tol = int(self.config["tolerance-days"])
        for link in sorted((r for r in records if isinstance(r, Link)), key=lambda r: r.path):
            name = link.doc_id or link.path
            loc = link.declared.location
            if target == link.doc_id:
                yield self._at(
                    loc,
                    f"{name} is declared derived from itself",
                    link.doc_id,
                    data={"problem": "self", "id": target},
                )
                continue
            if src is None:
                yield self._at(
                    loc,
                    f"{name} is declared derived from {target!r}, but no document has "
                    "that id; expected the id of a document in this corpus",
                    link.doc_id,
                    data={"problem": "unknown-id", "id": link.doc_id, "derived_from": target},
                )
                continue
            yield Emit(
                ("graph",),
                Edge(name, link.path, link.doc_id, link.order, loc, target, src.path),
            )
            mine, theirs = link.date, src.date
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
                    link.doc_id,
                    related=[theirs.location],
                    data={
                        "problem": "origin-later",
                        "id": link.doc_id,
                        "derived_from": target,
                        "declared": d_mine.isoformat(),
                        "origin_date": d_src.isoformat(),
                    },
                )

    def _at(
        self,
        loc: Location,
        message: str,
        doc_id: str | None,
        related: Sequence[Location] = (),
        data: Mapping[str, Any] | None = None,
    ) -> Finding:
        return self.finding(
            loc.path,
            loc.line,
            loc.column,
            message,
            doc_id=doc_id,
            related=related,
            properties=data,
        )

    def _cycles(self, edges: list[Edge]) -> Iterator[Finding]:
        """One finding per strongly connected component of the links (the
        documents derived, through some chain, from each other), however
        many cycles run through it: on its first member's link into one
        shortest cycle, which the message shows, with the members listed
        up to a bound."""
        edges.sort(key=lambda e: (e.source_path, e.order))
        graph: dict[str, list[str]] = {}
        holder: dict[str, str] = {}  # an id -> the path of the document that has it
        links: dict[str, list[Edge]] = {}  # a path -> its links that reached a document
        for e in edges:
            graph.setdefault(e.source, []).append(e.target)
            holder[e.target] = e.target_path
            links.setdefault(e.source_path, []).append(e)
        for members in sorted(strongly_connected(graph)):
            first = members[0]
            path = holder[first]
            own = links.get(path, [])
            inside = set(members)
            cycle = shortest_cycle(graph, first, inside)
            into = [e for e in own if e.target == cycle[1]] or [
                e for e in own if e.target in inside
            ]
            loc = into[0].location if into else Location(path, 1, 1)
            doc_id = into[0].source_id if into else first
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
                doc_id,
                related=[Location(holder[c], 1, 1, "in the cycle") for c in others],
                data={
                    "problem": "cycle",
                    "cycle": cycle[:SHOWN],
                    "cycle_length": len(cycle),
                    "members": members[:SHOWN],
                    "member_count": len(members),
                },
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
def provlint_register_checks() -> Sequence[type[KeyedCheck]]:
    return [DerivedFrom]
