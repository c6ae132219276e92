"""Output formats: the base class and helpers shared by the formatters.

Each format is a plugin registered through ``provlint_register_formats``.
A format renders a sequence of reports (one per corpus checked) to a text
stream; only the CLI chooses the stream.
"""

from __future__ import annotations

import os
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
# Line breaks as :func:`str.splitlines` knows them: shown as escapes on a
# line that must stay one line.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BIDI_CHAR = re.compile(f"[{_BIDI}]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A soft hyphen shows as nothing (some Python versions call it printable).
_INVISIBLE = "\u00ad"


def sanitize(text: str) -> str:
    """Make file-derived text safe for a terminal or CI log: strip escape
    sequences, replace control characters, bidi controls and undecodable
    bytes with U+FFFD, keep tabs and newlines."""
    return _CONTROL.sub(lambda m: "" if m.group(0).startswith("\x1b") else "\ufffd", text)


def _break_escape(ch: str) -> str:
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    return _char_escape(ch)


def one_line(text: str) -> str:
    """``text`` made safe (:func:`sanitize`) and kept on one line: every
    line break (LF, CR, VT, FF, the file, group and record separators, NEL,
    U+2028, U+2029) is shown as a visible escape (``\\n``, ``\\r``,
    ``\\x0b``, ``\\u2028``...), so text from the folder can never start a
    line of its own in a log (a CI system's workflow command, say)."""
    if text.isprintable():
        return text
    return sanitize(_LINE_BREAKS.sub(lambda m: _break_escape(m.group(0)), text))


SOURCE_BYTES = 8 * 1024 * 1024
"""How much of a file :func:`source_line` reads."""


def source_line(
    report: Report, path: str, line: int, cache: dict[tuple[str, str], list[str]]
) -> str | None:
    """The text of ``line`` in ``path`` of ``report``'s corpus (tabs shown
    as one space, so a caret lines up), through :func:`one_line`; None when
    it cannot be read. Reads at most :data:`SOURCE_BYTES` of the file, never
    outside the corpus. Findings come sorted by path, so ``cache`` (a dict
    the caller keeps for one rendering) holds one file's lines at a time."""
    from provlint.reading import read_inside

    key = (str(report.root), path)
    if key not in cache:
        cache.clear()
        try:
            raw = read_inside(report.root, path, SOURCE_BYTES)[:SOURCE_BYTES]
            cache[key] = raw.decode("utf-8", "replace").splitlines()
        except OSError:
            cache[key] = []
    lines = cache[key]
    if not 0 < line <= len(lines):
        return None
    return one_line(lines[line - 1].replace("\t", " "))


def _char_escape(ch: str) -> str:
    """The visible escape of one character :func:`escape_path` escapes."""
    if ch == "\\":
        return "\\\\"
    n = ord(ch)
    if n < 0x80:
        return f"\\x{n:02x}"
    if 0xDC80 <= n <= 0xDCFF:  # an undecodable byte (surrogateescape): the byte itself
        return f"\\x{n - 0xDC00:02x}"
    if n > 0xFFFF:
        return f"\\U{n:08x}"
    return f"\\u{n:04x}"


def _unsafe(ch: str) -> bool:
    """Whether a file name never shows ``ch`` raw."""
    return not ch.isprintable() or ch == _INVISIBLE


def escape_path(path: str) -> str:
    """A file name as a terminal, a CI log or a page may show it.

    Every character that is not printable (:meth:`str.isprintable`: the
    control characters, tab, CR and LF included, DEL and the C1 controls;
    the format characters, such as the bidi controls and the zero-width
    space, joiners and byte-order mark; every space but U+0020, such as the
    no-break space; the line and paragraph separators; private-use and
    unassigned code points; undecodable bytes) and the soft hyphen becomes
    a visible escape: ``\\xNN`` for a character below U+0080 and for an
    undecodable byte (the byte's value, 80 to ff), ``\\uNNNN`` for the
    others (``\\UNNNNNNNN`` above U+FFFF). A backslash that would
    otherwise start an escape (one before ``x``, ``u``, ``U``, another
    backslash or an escaped character) is doubled, so two different names
    never look the same. Ordinary names, non-ASCII letters included, are
    returned unchanged.
    """
    if path.isprintable() and "\\" not in path and _INVISIBLE not in path:
        return path
    out: list[str] = []
    last = len(path) - 1
    for i, ch in enumerate(path):
        if ch == "\\":
            nxt = path[i + 1] if i < last else ""
            out.append("\\\\" if nxt and (nxt in "\\xuU" or _unsafe(nxt)) else "\\")
        elif _unsafe(ch):
            out.append(_char_escape(ch))
        else:
            out.append(ch)
    return "".join(out)


def unsafe_character(text: str) -> str | None:
    """The first character of ``text`` that :func:`escape_path` would escape
    (a control character, a bidi control, an invisible or look-alike
    character, a line separator, an undecodable byte), said in words with
    its escape; None when there is none."""
    if text.isprintable() and _INVISIBLE not in text:
        return None
    ch = next(c for c in text if _unsafe(c))
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
    if n < 0xA0:
        return f"a control character ({shown})"
    import unicodedata

    category = unicodedata.category(ch)
    if category == "Zs":
        return f"a space other than U+0020 ({shown})"
    if category in ("Cn", "Co"):
        return f"an unassigned or private-use character ({shown})"
    return f"an invisible character ({shown})"


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


def project_root(roots: Sequence[Path], cwd: Path | None = None) -> Path:
    """The folder every output format writes paths relative to: the top of
    the git work tree that holds the corpora, else the current directory
    (``cwd``), as GitHub and GitLab resolve a path against the repository
    root.

    The top is the nearest folder at or above a corpus root that has a
    ``.git`` entry (a folder, or the file of a linked worktree or a
    submodule): the folder ``git rev-parse --show-toplevel`` prints for an
    ordinary checkout. git is not run: its configuration comes from the
    checked repository (``core.fsmonitor`` names a program to run), and it
    refuses a repository another user owns, as a CI container often is. The
    walk is lexical (symlinks not resolved), as :meth:`Report.display_path`
    computes paths. Corpora in no work tree, or in different ones, give the
    current directory."""
    here = cwd or Path.cwd()
    tops: set[Path | None] = set()
    for root in roots:
        top = None
        start = Path(os.path.abspath(root))
        for folder in (start, *start.parents):
            if os.path.lexists(folder / ".git"):
                top = folder
                break
        tops.add(top)
    if len(tops) == 1:
        (top,) = tops
        if top is not None:
            return top
    return here


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


CHECKS_DOCS_URL = "https://github.com/provlint/provlint/blob/main/docs/checks.md"
"""Where the built-in checks are documented: the ``Checks`` URL of the
project's metadata (``[project.urls]`` in pyproject.toml). Each check has
a section there whose anchor is its name (``#date-mismatch``)."""

JSON_SCHEMA_VERSION = 1
"""The version of the ``json`` and ``json-lines`` shapes
(``schemas/output.schema.json``): a field added keeps it, a field removed,
renamed or changed in meaning raises it."""


def check_url(report: Report, check: str) -> str | None:
    """The documentation URL of a built-in check (its section of
    docs/checks.md); None for a check a third-party plugin provides."""
    registry = report.registry
    spec = registry.checks.get(check) if registry is not None else None
    if spec is None or spec.plugin.origin != "builtin":
        return None
    return f"{CHECKS_DOCS_URL}#{check}"


def finding_json(report: Report, f: Finding, shown: str, base: Path) -> dict[str, Any]:
    """A finding as the ``json`` and ``json-lines`` formats write it: its
    :meth:`~provlint.model.Finding.to_dict`, with paths as the user sees
    them and the check's documentation ``url``."""
    d = f.to_dict()
    d["path"] = shown
    d["related"] = [{**r.to_dict(), "path": report.display_path(r.path, base)} for r in f.related]
    d["url"] = check_url(report, f.check)
    return d


def display_findings(reports: Sequence[Report], base: Path) -> list[tuple[Report, Finding, str]]:
    """Every finding of every report, with the path a user should see."""
    out = []
    for report in reports:
        for f in report.findings:
            out.append((report, f, report.display_path(f.path, base) if f.path else ""))
    return out


def summary(reports: Sequence[Report]) -> dict[str, object]:
    """What the reports hold, counted: documents, findings by severity and
    by check (``"PV201 date-mismatch"``), and the exit code the run gives
    (the ``json`` format's ``summary`` object)."""
    from collections import Counter

    by_sev: Counter[str] = Counter()
    by_check: Counter[str] = Counter()
    documents = 0
    for r in reports:
        documents += int(r.stats.get("documents", 0))
        for f in r.findings:
            by_sev[f.severity.value] += 1
            by_check[f"{f.code} {f.check}"] += 1
    exit_code = max((r.exit_code for r in reports), default=0)
    return {
        "documents": documents,
        "findings": sum(by_sev.values()),
        "errors": by_sev["error"],
        "warnings": by_sev["warning"],
        "info": by_sev["info"],
        "by_check": dict(sorted(by_check.items())),
        "exit_code": exit_code,
    }
