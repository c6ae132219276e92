"""provlint-example-plugin: an example third-party provlint plugin.

It adds one check, ``title-length`` (EX101). provlint finds it through the
``provlint`` entry point declared in ``pyproject.toml``::

    [project.entry-points.provlint]
    example = "provlint_example_plugin"

The module itself is the plugin: provlint registers it and calls the
hook implementations it defines (here only ``provlint_register_checks``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from provlint import Declared, Document, DocumentCheck, Finding, Location, Severity, hookimpl

__version__ = "0.1.0"
__all__ = ["TitleLength", "provlint_register_checks"]


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


@hookimpl
def provlint_register_checks() -> Sequence[type[DocumentCheck]]:
    return [TitleLength]
