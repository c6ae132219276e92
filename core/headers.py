"""The built-in header parsers: YAML front matter and the legacy one-line
``date YYYY-MM-DD`` header.

YAML is composed (never constructed) with a base loader that has no implicit
resolvers, so every scalar stays a string (``2021-13-45`` is kept for the
schema check to report, not turned into an exception) and no tag can build an
object. The node tree is then walked here with a budget, so alias bombs and
absurd nesting become findings rather than hangs.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Header

# Headers larger than this are not parsed (a finding says so).
MAX_HEADER_BYTES = 256 * 1024
# How many YAML nodes a header may expand to (aliases count every time).
MAX_NODES = 10_000
MAX_DEPTH = 64

_LEGACY = re.compile(
    r"[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)(?=[ \t]|$)[ \t]?"
)
_SAFE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t
    for t in ("str", "map", "seq", "int", "float", "bool", "null", "timestamp", "binary", "omap")
)


def _loader_class() -> Any:
    import yaml

    return getattr(yaml, "CBaseLoader", None) or yaml.BaseLoader


def parse_front_matter(text: str) -> Header | None:
    """Parse YAML front matter, or return None when the first line is not
    ``---``."""
    first_nl = text.find("\n")
    first = text if first_nl < 0 else text[:first_nl]
    if first.rstrip("\r \t") != "---":
        return None
    header = Header(format="yaml-front-matter")
    close_line = 0
    body_start = len(text)
    pos = first_nl + 1 if first_nl >= 0 else len(text)
    lineno = 1
    yaml_end = pos
    while pos < len(text):
        lineno += 1
        nl = text.find("\n", pos)
        end = len(text) if nl < 0 else nl
        line = text[pos:end].rstrip("\r \t")
        if line in ("---", "..."):
            close_line = lineno
            yaml_end = pos
            body_start = len(text) if nl < 0 else nl + 1
            break
        pos = len(text) if nl < 0 else nl + 1
    if not close_line:
        header.errors.append(
            (1, 1, "front matter opened with '---' on line 1 is never closed by '---' or '...'")
        )
        header.body = text[first_nl + 1 :] if first_nl >= 0 else ""
        header.body_line = 2
        return header
    header.body = text[body_start:]
    header.body_line = close_line + 1
    yaml_text = text[first_nl + 1 : yaml_end]
    if len(yaml_text.encode("utf-8", "surrogatepass")) > MAX_HEADER_BYTES:
        header.errors.append(
            (2, 1, f"front matter is larger than {MAX_HEADER_BYTES // 1024} KiB; not parsed")
        )
        return header
    _compose_into(header, yaml_text, line_offset=1)
    return header


def _compose_into(header: Header, yaml_text: str, line_offset: int) -> None:
    import yaml

    loader = _loader_class()(yaml_text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
        col = (mark.column + 1) if mark else 1
        problem = " ".join((exc.problem or exc.context or "invalid YAML").split("\n")[0].split())
        header.errors.append((line, col, f"YAML error: {problem}"))
        return
    except yaml.YAMLError as exc:
        header.errors.append((1 + line_offset, 1, f"YAML error: {exc}"))
        return
    except RecursionError:
        header.errors.append((1 + line_offset, 1, "YAML is nested too deeply to read"))
        return
    finally:
        dispose = getattr(loader, "dispose", None)
        if dispose:
            dispose()
    if node is None:
        header.positions[()] = (1, 1)
        return
    header.positions[()] = (node.start_mark.line + 1 + line_offset, node.start_mark.column + 1)
    if not isinstance(node, yaml.MappingNode):
        line, col = header.positions[()]
        header.errors.append((line, col, "front matter must be a YAML mapping of field: value"))
        return
    walker = _Walker(header, line_offset)
    try:
        value = walker.walk(node, (), 0)
    except _Budget as exc:
        header.errors.append((exc.line, exc.column, str(exc)))
        return
    if isinstance(value, dict):
        header.fields = value


class _Budget(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class _Walker:
    def __init__(self, header: Header, line_offset: int) -> None:
        self.header = header
        self.offset = line_offset
        self.count = 0

    def pos(self, node: Any) -> tuple[int, int]:
        return (node.start_mark.line + 1 + self.offset, node.start_mark.column + 1)

    def walk(self, node: Any, path: tuple[Any, ...], depth: int) -> Any:
        import yaml

        self.count += 1
        if self.count > MAX_NODES:
            line, col = self.pos(node)
            raise _Budget(
                f"front matter expands to more than {MAX_NODES} values "
                "(a YAML alias bomb?); not read",
                line,
                col,
            )
        if depth > MAX_DEPTH:
            line, col = self.pos(node)
            raise _Budget(f"front matter is nested more than {MAX_DEPTH} levels deep", line, col)
        tag = node.tag or ""
        if tag.startswith("!") or (tag.startswith("tag:") and tag not in _SAFE_TAGS):
            line, col = self.pos(node)
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            self.header.errors.append(
                (line, col, f"tag '{shown}' is not allowed in a header; it was read as plain text")
            )
        self.header.positions.setdefault(path, self.pos(node))
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            first_seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = self.pos(key_node)
                    self.header.errors.append((line, col, "a key must be a plain word"))
                    continue
                key = str(key_node.value)
                kline, kcol = self.pos(key_node)
                if key in first_seen:
                    self.header.errors.append(
                        (
                            kline,
                            kcol,
                            f"duplicate key '{key}' (first on line {first_seen[key]}); "
                            "the first value is kept",
                        )
                    )
                    continue
                first_seen[key] = kline
                out[key] = self.walk(value_node, (*path, key), depth + 1)
            return out
        return None  # pragma: no cover - PyYAML has no other node kinds


def parse_legacy(text: str) -> Header | None:
    """Parse the legacy one-line header: optional whitespace, ``date``, an
    ISO date, then body text carrying on on the same line."""
    m = _LEGACY.match(text)
    if m is None:
        return None
    # Only the first line may hold it.
    if "\n" in text[: m.end(1)]:
        return None
    header = Header(format="legacy-date-line")
    header.fields = {"date": m.group(1)}
    header.positions[("date",)] = (1, m.start(1) + 1)
    header.positions[()] = (1, 1)
    header.body = text[m.end() :]
    header.body_line = 1
    header.body_column = m.end() + 1
    return header


_NEAR_LEGACY = re.compile(r"[ \t]*date[ \t]*[:=]?[ \t]*\d{4}-\d{1,2}-\d{1,2}", re.IGNORECASE)


def near_miss_legacy(text: str) -> Header | None:
    """A first line that looks like the legacy header but is not in its form
    (``Date 2021-12-05``, ``date: 2021-12-05``, `` date 2021-12-5``): a
    header with an error saying so, so the date is not silently ignored."""
    m = _NEAR_LEGACY.match(text)
    if m is None or "\n" in text[: m.end()]:
        return None
    header = Header(format="legacy-date-line")
    header.positions[()] = (1, 1)
    header.body = text
    header.errors.append(
        (
            1,
            m.start() + 1 + (len(m.group(0)) - len(m.group(0).lstrip())),
            f"line 1 looks like a legacy date header ({m.group(0).strip()!r}) but is not "
            "in its form: optional spaces, the word 'date' in lower case, a space, then "
            "YYYY-MM-DD; it was not read",
        )
    )
    return header
