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
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

if TYPE_CHECKING:
    from .model import Finding
    from .report import Report

# Bidirectional-text controls: they reorder what a terminal, a log viewer or a
# browser shows (U+202E makes "evil\u202etxt.md" read "evildm.txt").
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
# C0 and C1 controls except tab and newline, DEL, ANSI escape sequences (CSI:
# dropped whole), bidi controls and lone surrogates (undecodable bytes, which
# no UTF-8 stream can hold).
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + r"\ud800-\udfff]"
)
# What a file name shown to a person never holds raw: every C0 and C1 control
# (tab, newline and carriage return included), DEL, the line and paragraph
# separators, bidi controls and lone surrogates.
_PATH_UNSAFE = r"\x00-\x1f\x7f-\x9f\u2028\u2029" + _BIDI + r"\ud800-\udfff"
_PATH_ESCAPE = re.compile(rf"[{_PATH_UNSAFE}]|\\(?=[\\xu{_PATH_UNSAFE}])")
_PATH_FIND = re.compile(f"[{_PATH_UNSAFE}]")
_BIDI_CHAR = re.compile(f"[{_BIDI}]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def sanitize(text: str) -> str:
    """Make file-derived text safe for a terminal or CI log: strip escape
    sequences, replace control characters, bidi controls and undecodable
    bytes with U+FFFD, keep tabs and newlines."""
    return _CONTROL.sub(lambda m: "" if m.group(0).startswith("\x1b") else "\ufffd", text)


def _char_escape(ch: str) -> str:
    """The visible escape of one character :func:`escape_path` escapes."""
    if ch == "\\":
        return "\\\\"
    n = ord(ch)
    if n < 0x80:
        return f"\\x{n:02x}"
    if 0xDC80 <= n <= 0xDCFF:  # an undecodable byte (surrogateescape): the byte itself
        return f"\\x{n - 0xDC00:02x}"
    return f"\\u{n:04x}"


def escape_path(path: str) -> str:
    """A file name as a terminal, a CI log or a page may show it.

    Every control character (tab, CR and LF included), DEL, C1 control,
    line or paragraph separator, bidi control and undecodable byte becomes a
    visible escape: ``\\xNN`` for a character below U+0080 and for an
    undecodable byte (the byte's value, 80 to ff), ``\\uNNNN`` for the
    others. A backslash that would otherwise start an escape (one before
    ``x``, ``u``, another backslash or an escaped character) is doubled, so
    two different names never look the same. Ordinary names, non-ASCII
    letters included, are returned unchanged.
    """
    # isprintable() is False for every character escaped here (controls,
    # format characters such as the bidi controls, separators, surrogates).
    if path.isprintable() and "\\" not in path:
        return path
    return _PATH_ESCAPE.sub(lambda m: _char_escape(m.group(0)), path)


def unsafe_character(text: str) -> str | None:
    """The first character of ``text`` that :func:`escape_path` would escape
    (a control character, a bidi control, a line separator, an undecodable
    byte), said in words with its escape; None when there is none."""
    m = _PATH_FIND.search(text)
    if m is None:
        return None
    ch = m.group(0)
    n = ord(ch)
    shown = _char_escape(ch)
    if 0xDC80 <= n <= 0xDCFF:
        return f"a byte that is not UTF-8 ({shown})"
    if 0xD800 <= n <= 0xDFFF:
        return f"a lone surrogate ({shown})"
    if _BIDI_CHAR.match(ch):
        return f"a bidirectional-text control ({shown})"
    if ch in "\u2028\u2029":
        return f"a line or paragraph separator ({shown})"
    return f"a control character ({shown})"


def json_safe(value: Any) -> Any:
    """``value`` (a JSON-ready str, list or dict) with each undecodable byte
    of its strings (a lone surrogate from the file system) written as the
    text ``\\xNN``, so the JSON holds only valid Unicode and any strict
    parser reads it. Everything else is left exact."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub(lambda m: _char_escape(m.group(0)), value)
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


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
