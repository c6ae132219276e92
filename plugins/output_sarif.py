"""The `sarif` output format: SARIF 2.1.0, as GitHub code scanning reads it.

One run per invocation. Every check that ran is a rule (``id`` = code,
``name`` = check name, descriptions from its docstring); every finding is a
result whose location is relative to the corpus root through the
``CORPUSROOT`` base id, with a ``partialFingerprints`` entry that survives
edits moving lines. Output is deterministic.
"""

from __future__ import annotations

import inspect
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from provlint import Severity, hookimpl
from provlint.model import Check, Location
from provlint.output import CHECKS_DOCS_URL, FormatOptions, OutputFormat, json_safe, sanitize
from provlint.report import Report
from provlint.suppress import fingerprint

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/provlint/provlint"
HELP_URI = CHECKS_DOCS_URL + "#{name}"
BASE_ID = "CORPUSROOT"
FINGERPRINT_KEY = "provlintFingerprint/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_DIGITS = re.compile(r"\d")


def _text(value: str) -> str:
    """File-derived text made safe for a JSON consumer and a viewer: no
    control characters, no bidi controls, no lone surrogates."""
    return sanitize(value)


def _rule(cls: type[Check], builtin: bool) -> dict[str, Any]:
    doc = inspect.cleandoc(cls.__doc__ or "") or cls.name
    plain = _BOLD.sub(r"\1", doc)
    rule: dict[str, Any] = {
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": cls.summary_line() or cls.name},
        "fullDescription": {"text": plain},
        "help": {"text": plain, "markdown": doc},
    }
    if builtin:
        rule["helpUri"] = HELP_URI.format(name=cls.name)
    rule["defaultConfiguration"] = {"level": LEVELS[Severity(cls.severity)]}
    return rule


def _uri(path: str) -> str:
    """A relative URI for ``path``: its bytes on disk, percent-encoded (an
    undecodable byte in a file name is the byte itself, ``%FF``; control
    and bidi characters are encoded too)."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate no file system name decodes to
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


def _physical(path: str, line: int, column: int, base_id: str) -> dict[str, Any]:
    loc: dict[str, Any] = {"artifactLocation": {"uri": _uri(path), "uriBaseId": base_id}}
    if line > 0:
        region: dict[str, int] = {"startLine": line}
        if column > 0:
            region["startColumn"] = column
        loc["region"] = region
    return loc


def _related(rel: Location, index: int, base_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": index,
        "physicalLocation": _physical(rel.path, rel.line, rel.column, base_id),
    }
    if rel.note:
        out["message"] = {"text": _text(rel.note)}
    return out


def _base_ids(reports: Sequence[Report]) -> dict[Path, str]:
    """``CORPUSROOT`` for the first corpus, ``CORPUSROOT2``… for the others."""
    ids: dict[Path, str] = {}
    for report in reports:
        root = report.root.resolve()
        if root not in ids:
            ids[root] = BASE_ID if not ids else f"{BASE_ID}{len(ids) + 1}"
    return ids


def build_sarif(reports: Sequence[Report]) -> dict[str, Any]:
    """The SARIF log for ``reports`` as a plain dict."""
    from provlint import __version__

    # Rules: every check that ran, plus any check a finding names (internal errors).
    classes: dict[str, tuple[type[Check], bool]] = {}
    for report in reports:
        for spec in report.checks:
            classes.setdefault(spec.name, (spec.cls, spec.plugin.origin == "builtin"))
        known = report.registry.checks if report.registry is not None else {}
        for f in report.findings:
            if f.check not in classes and f.check in known:
                spec = known[f.check]
                classes[f.check] = (spec.cls, spec.plugin.origin == "builtin")
    rules: list[dict[str, Any]] = [
        _rule(cls, builtin)
        for cls, builtin in sorted(classes.values(), key=lambda cb: (cb[0].code, cb[0].name))
    ]
    for report in reports:  # a finding of a check no registry knows: a minimal rule
        for f in report.findings:
            if all(r["name"] != f.check for r in rules):
                rules.append({"id": f.code, "name": f.check})
    index_of = {r["name"]: i for i, r in enumerate(rules)}

    base_ids = _base_ids(reports)
    results: list[dict[str, Any]] = []
    for report in reports:
        base_id = base_ids[report.root.resolve()]
        entries = [(f, "") for f in report.findings] + list(report.suppressed)
        for f, reason in entries:
            result: dict[str, Any] = {
                "ruleId": f.code,
                "ruleIndex": index_of[f.check],
                "level": LEVELS[f.severity],
                "message": {"text": _text(f.message) or f.check},
            }
            if f.path:
                result["locations"] = [
                    {"physicalLocation": _physical(f.path, f.line, f.column, base_id)}
                ]
                related = [r for r in f.related if r.path]
                if related:
                    result["relatedLocations"] = [
                        _related(r, i, base_id) for i, r in enumerate(related, 1)
                    ]
            result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(f)}
            if f.properties:  # a check's structured data: SARIF's property bag
                result["properties"] = json_safe(dict(f.properties))
            if reason:  # suppressed inline in the document's header
                result["suppressions"] = [{"kind": "inSource", "justification": _text(reason)}]
            results.append(result)

    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "provlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "originalUriBaseIds": {
            base_id: {"uri": root.as_uri().rstrip("/") + "/"} for root, base_id in base_ids.items()
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


class SarifFormat(OutputFormat):
    """SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

    name = "sarif"
    description = "SARIF 2.1.0 (GitHub code scanning)"

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        json.dump(build_sarif(reports), stream, indent=2, ensure_ascii=True)
        stream.write("\n")


@hookimpl
def provlint_register_formats() -> Sequence[type[OutputFormat]]:
    return [SarifFormat]
