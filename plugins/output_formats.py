"""Built-in output formats: `text` and `json`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from provlint import Severity, hookimpl
from provlint.output import (
    JSON_SCHEMA_VERSION,
    FormatOptions,
    OutputFormat,
    display_findings,
    escape_path,
    finding_json,
    json_safe,
    one_line,
    sanitize,
    source_line,
    summary,
)
from provlint.report import Report

_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD = "\x1b[1m"
_RESET = "\x1b[0m"




def _docs(n: object) -> str:
    return f"{n} document{'' if n == 1 else 's'}"


class TextFormat(OutputFormat):
    """`path:line:col: CODE name: message` lines and a summary."""

    name = "text"
    description = "one line per finding, then a summary (colour on a terminal)"

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        color = options.color
        lines_of: dict[tuple[str, str], list[str]] = {}
        last_file = None
        for report, f, exact in display_findings(reports, options.base):
            if options.quiet and f.severity is not Severity.ERROR:
                continue
            shown = escape_path(exact)
            if options.show_source and shown != last_file:
                if last_file is not None:
                    stream.write("\n")
                header = shown or "provlint"
                stream.write(f"{_BOLD}{header}{_RESET}\n" if color else f"{header}\n")
                last_file = shown
            where = shown or "provlint"
            if shown:  # always path:line:col, for editors and CI problem matchers
                where += f":{f.line or 1}:{f.column or 1}"
            code = f"{f.code} {f.check}"
            if color:
                where = f"{_BOLD}{where}{_RESET}"
                code = f"{_COLORS[f.severity]}{code}{_RESET}"
            sev = "" if f.severity is Severity.ERROR else f" [{f.severity.value}]"
            message = " ".join(one_line(f.message).split())  # one finding, one line
            stream.write(f"{where}: {code}{sev}: {message}\n")
            if options.show_source and f.path and f.line:
                source = source_line(report, f.path, f.line, lines_of)
                if source is not None:
                    # Long lines (paragraphs): a window of 100 characters around the column.
                    col = max(f.column - 1, 0)
                    start = max(0, col - 50) if len(source) > 100 else 0
                    shown_src = source[start : start + 100]
                    lead = "…" if start else ""
                    tail = "…" if start + 100 < len(source) else ""
                    gutter = f"{f.line:>5} | "
                    stream.write(f"{gutter}{lead}{shown_src}{tail}\n")
                    pad = " " * (len(lead) + col - start)
                    stream.write(" " * (len(gutter) - 2) + "| " + pad + "^\n")
            if options.verbose:
                for rel in f.related:
                    shown_rel = escape_path(report.display_path(rel.path, options.base))
                    loc = shown_rel + (f":{rel.line}" if rel.line else "")
                    stream.write(f"    related: {loc} {one_line(rel.note)}\n")
        if options.verbose:
            for report in reports:
                for tb in report.tracebacks:
                    stream.write(sanitize(tb))
        s = summary(reports)
        if options.quiet and not s["errors"]:
            return
        if options.statistics and s["by_check"]:
            stream.write("\n")
            by_check: dict[str, int] = s["by_check"]  # type: ignore[assignment]
            for key, count in by_check.items():
                stream.write(f"{count:>6}  {key}\n")
        if s["findings"]:
            parts = [f"{s['errors']} error{'s' if s['errors'] != 1 else ''}"]
            if s["warnings"]:
                parts.append(f"{s['warnings']} warning{'s' if s['warnings'] != 1 else ''}")
            if s["info"]:
                parts.append(f"{s['info']} info")
            line = (
                f"Found {s['findings']} finding{'s' if s['findings'] != 1 else ''} "
                f"({', '.join(parts)}) in {_docs(s['documents'])}."
            )
        else:
            line = f"All checks passed: {_docs(s['documents'])}, no findings."
        stream.write(("\n" if s["findings"] else "") + line + "\n")


class JsonFormat(OutputFormat):
    """`{"findings": [...], "summary": {...}}`, deterministic."""

    name = "json"
    description = "one JSON object with every finding and a summary"

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        from provlint import __version__

        findings = [
            finding_json(report, f, shown, options.base)
            for report, f, shown in display_findings(reports, options.base)
        ]
        # One finding per line: as easy to diff and grep as it is to parse,
        # and written by the C encoder (an indented dump is several times slower).
        compact = json.JSONEncoder(ensure_ascii=True, separators=(", ", ": ")).encode
        body = ",".join(f"\n    {compact(d)}" for d in findings)
        if "\\ud" in body:
            # A lone surrogate (an undecodable byte in a file name) is written
            # \udcXX, which strict parsers refuse: encode again with each such
            # byte as the text \xNN (json_safe). Rare, so checked once.
            body = ",".join(f"\n    {compact(json_safe(d))}" for d in findings)
        stream.write(
            f'{{\n  "schema_version": {JSON_SCHEMA_VERSION},\n'
            f'  "version": {compact(__version__)},\n  "findings": ['
        )
        stream.write(body)
        stream.write("\n  ]" if findings else "]")
        totals = json.dumps(summary(reports), indent=2, ensure_ascii=True).replace("\n", "\n  ")
        stream.write(f',\n  "summary": {totals}\n}}\n')


@hookimpl
def provlint_register_formats() -> Sequence[type[OutputFormat]]:
    return [TextFormat, JsonFormat]
