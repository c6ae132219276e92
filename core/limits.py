"""Bounds on what one check may report about one document.

A hostile file can hold the same defect a million times (400,000 broken
catalogue rows naming one id, a text of control characters). Listing each
is no more useful than listing a few, and it costs memory and report size
in proportion. The runner passes every finding through a
:class:`FindingCap`: per file, check and document (the finding's
``doc_id``: findings on INDEX.md rows about different documents are
counted apart, so a large catalogue's real findings are all listed), the
first :data:`FINDINGS_PER_FILE` findings are kept and the rest are counted
into one closing finding that says how many were left out, where the first
of them was and what it said.

The cap bounds the report. Checks should still not build a list of every
occurrence before yielding (the cap only sees what a check produces):
they yield lazily or summarise (a count and the first position).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from .model import Finding

__all__ = ["FINDINGS_PER_FILE", "MESSAGE_CHARS", "FindingCap", "cut_message"]

FINDINGS_PER_FILE = 50
"""How many findings of one check on one file, about one document, a run lists."""

MESSAGE_CHARS = 1000
"""The longest message a finding carries: a longer one (a message quoting a
200 KB ``file`` cell or id) is cut in the middle."""

_CUT = " … "


def cut_message(message: str, limit: int = MESSAGE_CHARS) -> str:
    """``message`` if it has at most ``limit`` characters, else its start and
    its end joined by " … " (``limit`` characters in all): the start says
    what was found, the end what was expected."""
    if len(message) <= limit:
        return message
    room = limit - len(_CUT)
    head = (room + 1) // 2
    return f"{message[:head]}{_CUT}{message[len(message) - (room - head):]}"

_QUOTE = 200
"""How much of the first left-out finding's message the closing one quotes."""
_RELATED = 10
"""How many of its related locations the closing finding keeps."""


_CLOSING = re.compile(r"… and ([\d,]+) more (\S+) findings? like (?:it|them), not listed \(")
_QUOTED = "; the first of them, here: "


def _closing_count(finding: Finding) -> int:
    """How many findings ``finding`` stands for: a closing finding of an
    earlier cap stands for the count it gives, any other for 1."""
    if not finding.message.startswith("…"):
        return 1
    m = _CLOSING.match(finding.message)
    if m is None or m.group(2) != finding.check:
        return 1
    return int(m.group(1).replace(",", ""))


class _Overflow:
    """What was left out for one (file, check): a count, the first one and
    the most severe severity among them."""

    __slots__ = ("count", "first", "severity")

    def __init__(self, first: Finding, count: int) -> None:
        self.count = count
        self.first = first
        self.severity = first.severity

    def add(self, finding: Finding, count: int) -> None:
        self.count += count
        if finding.severity.rank < self.severity.rank:
            self.severity = finding.severity


class FindingCap:
    """Keeps at most ``limit`` findings per (file, check, document) and counts the
    rest; :meth:`findings` gives the kept findings in their order, then one
    closing finding per (file, check) that overflowed. A closing finding of
    an earlier cap counts for the findings it stands for, so caps can be
    chained (per call, then per check)."""

    def __init__(self, limit: int = FINDINGS_PER_FILE) -> None:
        self.limit = max(1, limit)
        self._kept: list[Finding] = []
        self._counts: dict[tuple[str, str, str], int] = {}
        self._over: dict[tuple[str, str, str], _Overflow] = {}

    def add(self, finding: Finding) -> None:
        """Keep ``finding``, or count it when its file and check have
        reached the limit."""
        key = (finding.path, finding.check, finding.doc_id or "")
        count = _closing_count(finding)
        n = self._counts.get(key, 0)
        if n < self.limit and count == 1:
            self._counts[key] = n + 1
            self._kept.append(finding)
            return
        over = self._over.get(key)
        if over is None:
            self._over[key] = _Overflow(finding, count)
        else:
            over.add(finding, count)

    def findings(self) -> Iterator[Finding]:
        """The kept findings, then the closing ones."""
        yield from self._kept
        for over in self._over.values():
            yield self._closing(over)

    def _closing(self, over: _Overflow) -> Finding:
        first = over.first
        n = over.count
        quoted = first.message
        if _closing_count(first) > 1:
            quoted = quoted.split(_QUOTED, 1)[-1]  # what the earlier cap quoted
        elif len(quoted) > _QUOTE:
            quoted = quoted[: _QUOTE - 1].rstrip() + "…"
        related = first.related[:_RELATED]
        message = (
            f"… and {n:,} more {first.check} finding{'s' if n != 1 else ''} like "
            f"{'them' if n != 1 else 'it'}, not listed (a check lists at most {self.limit} per "
            f"file and document; fix those and run again){_QUOTED}{quoted}"
        )
        return replace(first, message=message, severity=over.severity, related=related)
