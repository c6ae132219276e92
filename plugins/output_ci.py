"""Output formats for CI systems: `junit`, `github` and `json-lines`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from provlint import Severity, hookimpl, lazy_compile
from provlint.model import Finding
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
    summary,
)
from provlint.report import Report

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

INDEX_NAME = "INDEX.md"
# Characters XML 1.0 cannot hold at all, even escaped. (Compiled on first use:
# it takes milliseconds to compile, and most runs write no XML.)
_NOT_XML = lazy_compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _where(f: Finding, shown: str) -> str:
    """``path:line:col`` with the path escaped (:func:`provlint.output.escape_path`)."""
    return f"{escape_path(shown)}:{f.line or 1}:{f.column or 1}" if shown else "provlint"


# --------------------------------------------------------------------------
# junit
# --------------------------------------------------------------------------


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", sanitize(text))


def _document_paths(report: Report) -> list[str]:
    """Every document the run saw, as far as the report tells: the runner's
    list when it gives one, else INDEX.md's rows plus every finding's file
    and the files it cites (a document no row names has an `unindexed-file`
    finding, or is cited by the `missing-file` finding of the row it was
    renamed from)."""
    paths: set[str] = set()
    listed = report.stats.get("document_paths")
    if isinstance(listed, (list, tuple)):
        paths.update(str(p) for p in listed)
    else:
        try:
            from provlint.catalogue import read_catalogue

            catalogue = read_catalogue(report.root)
            paths.update(row.file for row in catalogue.rows if row.file)
        except Exception:  # pragma: no cover - the catalogue was reported already
            pass
    paths.update(f.path for f in report.findings if f.path)
    paths.update(r.path for f in report.findings for r in f.related if r.path)
    paths.discard(INDEX_NAME)
    return sorted(paths)


def build_junit(reports: Sequence[Report], base: Path | None = None) -> ET.Element:
    """A ``<testsuites>`` element: one suite per corpus, one case per
    document plus INDEX.md (and ``provlint`` for findings on no file).
    Paths are relative to ``base`` (default: the corpus root)."""
    import xml.etree.ElementTree as ET

    suites = ET.Element("testsuites", name="provlint")
    total_tests = total_failures = 0
    for report in reports:
        corpus = escape_path(report.root.name or str(report.root))
        by_path: dict[str, list[Finding]] = {}
        for f in report.findings:
            by_path.setdefault(f.path, []).append(f)
        names = [INDEX_NAME, *_document_paths(report)]
        if "" in by_path:
            names.append("")
        suite = ET.SubElement(suites, "testsuite", name=_xml(corpus))
        tests = failures = 0
        for path in names:
            tests += 1
            shown = report.display_path(path, base or report.root)
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_xml(corpus),
                name=_xml(escape_path(shown) or "provlint"),
            )
            out_lines = []
            failed = False
            for f in by_path.get(path, []):
                label = f"{f.code} {f.check}: {one_line(f.message)}"
                line = f"{_where(f, shown)}: {label}"
                if f.severity is Severity.ERROR:
                    failed = True
                    fail = ET.SubElement(case, "failure", message=_xml(label), type=f.code)
                    fail.text = _xml(line)
                else:
                    out_lines.append(_xml(f"{line} [{f.severity.value}]"))
            if out_lines:
                ET.SubElement(case, "system-out").text = "\n".join(out_lines) + "\n"
            failures += failed
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += failures
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", "0")
    return suites


class JunitFormat(OutputFormat):
    """JUnit XML: a test case per document, a failure per error finding."""

    name = "junit"
    description = "JUnit XML: one test case per document, a failure per error"

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        import xml.etree.ElementTree as ET

        root = build_junit(reports, options.base)
        ET.indent(root)
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(ET.tostring(root, encoding="unicode"))
        stream.write("\n")


# --------------------------------------------------------------------------
# github
# --------------------------------------------------------------------------

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's runner reads it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value (file, title)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(f: Finding, shown: str) -> str:
    props = []
    if shown:
        props.append(f"file={escape_property(escape_path(shown))}")
        if f.line:
            props.append(f"line={f.line}")
            if f.column:
                props.append(f"col={f.column}")
    props.append(f"title={escape_property(f'{f.code} {f.check}')}")
    # LF and CR as GitHub encodes them (the annotation shows the line break);
    # then one_line: no other line break (NEL, U+2028...) reaches the log raw.
    message = one_line(escape_data(f.message))
    return f"::{_COMMANDS[f.severity]} {','.join(props)}::{message}"


class GithubFormat(OutputFormat):
    """GitHub Actions workflow commands: an annotation per finding."""

    name = "github"
    description = "GitHub Actions annotations (::error file=…,line=…::message)"

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        for _report, f, shown in display_findings(reports, options.base):
            if options.quiet and f.severity is not Severity.ERROR:
                continue
            stream.write(github_command(f, shown) + "\n")


# --------------------------------------------------------------------------
# json-lines
# --------------------------------------------------------------------------


def _line(obj: Any) -> str:
    # ensure_ascii: U+2028, NEL and other line breaks never split a line.
    text = json.dumps(obj, ensure_ascii=True, separators=(",", ":"))
    if "\\ud" in text:
        # Maybe a lone surrogate (an undecodable byte in a file name), which
        # strict parsers refuse: json_safe writes each such byte as the text \xNN.
        text = json.dumps(json_safe(obj), ensure_ascii=True, separators=(",", ":"))
    return text + "\n"


class JsonLinesFormat(OutputFormat):
    """One JSON object per finding per line, then ``{"summary": {...}}``."""

    name = "json-lines"
    description = "one JSON object per finding per line, then a summary line"

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        for report, f, shown in display_findings(reports, options.base):
            stream.write(_line(finding_json(report, f, shown, options.base)))
        stream.write(_line({"schema_version": JSON_SCHEMA_VERSION, "summary": summary(reports)}))


@hookimpl
def provlint_register_formats() -> Sequence[type[OutputFormat]]:
    return [JunitFormat, GithubFormat, JsonLinesFormat]
