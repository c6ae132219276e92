"""provlint-example-plugin: an example third-party provlint plugin.

It adds two checks: ``title-length`` (EX101), a document check, and
``author-two-sources`` (EX201), a keyed corpus check (see
:class:`AuthorTwoSources` for the pattern). provlint finds them through the
``provlint`` entry point declared in ``pyproject.toml``::

    [project.entry-points.provlint]
    example = "provlint_example_plugin"

The module itself is the plugin: provlint registers it and calls the
hook implementations it defines (here only ``provlint_register_checks``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from provlint import (
    Declared,
    Document,
    DocumentCheck,
    Finding,
    KeyedCheck,
    Location,
    Severity,
    Totals,
    hookimpl,
)

__version__ = "0.1.0"
__all__ = ["AuthorTwoSources", "Credit", "TitleLength", "provlint_register_checks"]


class TitleLength(DocumentCheck):
    """A document's title is longer or shorter than the configured limits.

    **What it does.** Takes the document's effective ``title`` (its INDEX.md
    row's when the row has one, else its header's), folds runs of
    whitespace into one space, and counts its characters (Unicode code
    points). A title longer than ``max`` or shorter than ``min`` is
    reported where it was declared: on the INDEX.md row's ``title`` cell,
    or on the ``title`` key of the document's header. A document without
    a title is left to other checks.

    **Why it matters.** A title of a few characters ("News", "Home") is
    usually a page-scrape placeholder, and one of several hundred is
    usually a lead paragraph pasted into the wrong field. Either way the
    catalogue cannot be read at a glance, and citations built from it are
    wrong.

    **Example.** ``INDEX.md:3:14: EX101 title-length [warning]: title is
    too long: expected at most 120 characters, found 187 (declared in the
    INDEX.md row on line 3)``

    **Options.** ``max`` (integer, default 120): the longest title
    accepted. ``min`` (integer, default 8): the shortest. For example::

        [tool.provlint.check.title-length]
        max = 80
        min = 4
    """

    code = "EX101"
    name = "title-length"
    severity = Severity.WARNING
    options = {
        "max": {"type": "integer", "minimum": 1, "description": "longest title accepted"},
        "min": {"type": "integer", "minimum": 0, "description": "shortest title accepted"},
    }
    defaults = {"max": 120, "min": 8}

    def __init__(self, options: Mapping[str, Any] | None = None, plugin: str = "") -> None:
        super().__init__(options, plugin)
        for key in ("max", "min"):
            value = self.config[key]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(
                    f"option {key!r} must be a whole number of characters, found {value!r}"
                )
        if self.config["min"] > self.config["max"]:
            raise ValueError(
                f"option 'min' ({self.config['min']}) is larger than 'max' ({self.config['max']})"
            )

    def check_document(self, doc: Document) -> Iterator[Finding]:
        title = doc.get("title")
        declared = doc.first("title")
        if not isinstance(title, str) or declared is None:
            return  # no title, or not text (header-schema reports that)
        found = len(" ".join(title.split()))
        longest, shortest = self.config["max"], self.config["min"]
        if found > longest:
            problem = f"too long: expected at most {longest}"
        elif found < shortest:
            problem = f"too short: expected at least {shortest}"
        else:
            return
        where = declared.location
        yield self.finding(
            where.path,
            where.line,
            where.column,
            f"title is {problem} characters, found {found} ({_declared_in(doc, declared)})",
            doc_id=doc.doc_id,
            related=_related(doc, declared),
        )


def _declared_in(doc: Document, declared: Declared) -> str:
    loc = declared.location
    if declared.origin == "index":
        return f"declared in the {loc.path} row on line {loc.line}"
    if declared.origin == "header":
        return f"declared in the header of {doc.path} on line {loc.line}"
    return f"declared by {declared.origin} at {loc}"


def _related(doc: Document, declared: Declared) -> tuple[Location, ...]:
    """The other side: the document when the title comes from its row,
    the row when it comes from the document."""
    if declared.location.path != doc.path:
        return (Location(doc.path, 1, 1, "document"),) if doc.exists else ()
    return (doc.row_location(),) if doc.row is not None else ()


class Credit(NamedTuple):
    """A record of AuthorTwoSources: one document crediting the author on
    the day (the key), and the source it names. Records are small, typed
    and plain: never the document itself."""

    path: str
    doc_id: str | None
    author: str
    """The author as written (the key holds it case-folded)."""
    source: str
    location: Location
    """Where the author is declared (INDEX.md cell or header key)."""


class AuthorTwoSources(KeyedCheck):
    """The same author is credited by two different sources on the same day.

    **What it does.** For every document with an ``author`` and a ``date``
    (from its INDEX.md row or its header) and a ``source``, groups the
    documents by author and day. When one author's articles of one day
    name more than one source, every document after the first (by source,
    then path) is reported, naming the first: a reporter does not usually
    write the same day's news for two outlets, so one of the credits is
    likely a syndicated copy whose ``source`` should name the original
    outlet (or whose ``derived_from`` is missing).

    This is a *keyed* check: ``emit`` turns each document into one small
    record under the key ``("author-day", author, date)``, and ``judge``
    sees one author's day at a time. provlint keeps the records between
    runs and, when a document changes, judges again only the author-days
    it touches; the dask engine runs the same two halves on its workers.

    **Why it matters.** Two sources for one byline is how syndication hides
    in a catalogue: the count of independent sources is wrong.

    **Example.** ``INDEX.md:5:40: EX201 author-two-sources [warning]:
    Ada Reyes is credited by Wire Daily on 2021-12-05, but also by The
    Ledger (b.txt); expected one source per author and day``

    **Options.** None.
    """

    code = "EX201"
    name = "author-two-sources"
    severity = Severity.WARNING
    stages = ("author-day",)
    records = (Credit,)
    lonely = frozenset({"author-day"})  # one article alone is never a finding

    def emit(self, doc: Document) -> Iterator[tuple[tuple[str, str, str], Credit]]:
        author, day, source = doc.first("author"), doc.get("date"), doc.get("source")
        if author is None or not isinstance(day, str) or not isinstance(source, str):
            return
        name = " ".join(str(author.value).split())
        if name:
            key = ("author-day", name.casefold(), day[:10])
            yield key, Credit(doc.path, doc.doc_id, name, source.strip(), author.location)

    def judge(
        self, key: tuple[str, str, str], records: Sequence[Credit], totals: Totals
    ) -> Iterator[Finding]:
        credits = sorted(records, key=lambda c: (c.source.casefold(), c.path))
        first = credits[0]
        for other in credits[1:]:
            if other.source.casefold() == first.source.casefold():
                continue
            where = other.location
            yield self.finding(
                where.path,
                where.line,
                where.column,
                f"{other.author} is credited by {other.source} on {key[2]}, but also by "
                f"{first.source} ({first.path}); expected one source per author and day",
                doc_id=other.doc_id,
                related=[first.location],
            )


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck] | type[KeyedCheck]]:
    return [TitleLength, AuthorTwoSources]
