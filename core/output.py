"""Output formats: the base class and helpers shared by the formatters.

Each format is a plugin registered through ``provlint_register_formats``.
A format renders a sequence of reports (one per corpus checked) to a text
stream; only the CLI chooses the stream.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TextIO

if TYPE_CHECKING:
    from .model import Finding
    from .runner import Report

# C0 and C1 controls except tab and newline, DEL, and ANSI escape sequences.
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def sanitize(text: str) -> str:
    """Make file-derived text safe for a terminal or CI log: strip escape
    sequences and control characters, keep tabs and newlines."""
    return _CONTROL.sub(lambda m: "" if m.group(0).startswith("\x1b") else "\ufffd", text)


@dataclass
class FormatOptions:
    """What the CLI tells a format about the run."""

    color: bool = False
    verbose: bool = False
    quiet: bool = False
    base: Path = field(default_factory=Path.cwd)
    show_source: bool = False
    statistics: bool = False


class OutputFormat:
    """Base class of output formats. Subclasses set ``name`` and
    ``description`` and implement :meth:`render`."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        raise NotImplementedError


def display_findings(reports: Sequence[Report], base: Path) -> list[tuple[Report, Finding, str]]:
    """Every finding of every report, with the path a user should see."""
    out = []
    for report in reports:
        for f in report.findings:
            out.append((report, f, report.display_path(f.path, base) if f.path else ""))
    return out
