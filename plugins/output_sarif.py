"""The `sarif` output format: SARIF 2.1.0, as GitHub code scanning reads it.

One run per invocation. Every check that ran is a rule (``id`` = code,
``name`` = check name, descriptions from its docstring); every finding on
a file is a result whose URI is relative to the repository root (the top
of the git work tree holding the corpus, else the current directory: the
format's ``base``), as GitHub resolves it, with a ``partialFingerprints``
entry that survives edits moving lines. GitHub's upload limits hold: at
most 25,000 results (the most severe kept, a notification counting the
rest) and 1,000 locations a result; a finding on no file, which GitHub
would reject the whole upload for, is a tool notification instead.
Output is deterministic.
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
from provlint.model import Check, Finding, Location
from provlint.output import (
    CHECKS_DOCS_URL,
    FormatOptions,
    OutputFormat,
    json_safe,
    project_root,
    sanitize,
)
from provlint.report import Report
from provlint.suppress import fingerprint

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/provlint/provlint"
HELP_URI = CHECKS_DOCS_URL + "#{name}"
BASE_ID = "%SRCROOT%"
FINGERPRINT_KEY = "provlintFingerprint/v1"
# GitHub code scanning's hard limits: an upload over them is rejected whole.
MAX_RESULTS = 25_000
MAX_LOCATIONS = 1_000  # a result's location and related locations together
# GitHub shows at most this many characters of a rule's fullDescription.
MAX_FULL_DESCRIPTION = 1_000
CAPPED_ID = "results-capped"
CAPPED = {
    "id": CAPPED_ID,
    "shortDescription": {"text": "Results over GitHub code scanning's limit were dropped."},
    "fullDescription": {
        "text": (
            f"GitHub code scanning rejects a run with more than {MAX_RESULTS:,} results: "
            "provlint keeps the most severe (active results before suppressed ones, then "
            "errors, warnings and notes, each in the usual order) and counts the others."
        )
    },
}

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)
_DIGITS = re.compile(r"\d")


def _text(value: str) -> str:
    """File-derived text made safe for a JSON consumer and a viewer: no
    control characters, no bidi controls, no lone surrogates."""
    return sanitize(value)


def _clip(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else its leading
    paragraphs that do (at least the first one, cut with an ellipsis)."""
    if len(text) <= limit:
        return text
    kept = ""
    for para in text.split("\n\n"):
        longer = f"{kept}\n\n{para}" if kept else para
        if len(longer) > limit:
            break
        kept = longer
    return kept or text[: limit - 1].rstrip() + "…"


def _rule(cls: type[Check], builtin: bool) -> dict[str, Any]:
    doc = inspect.cleandoc(cls.__doc__ or "") or cls.name
    plain = _BOLD.sub(r"\1", doc)
    rule: dict[str, Any] = {
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": cls.summary_line() or cls.name},
        "fullDescription": {"text": _clip(plain, MAX_FULL_DESCRIPTION)},
        "help": {"text": plain, "markdown": doc},
    }
    if builtin:
        rule["helpUri"] = HELP_URI.format(name=cls.name)
    rule["defaultConfiguration"] = {"level": LEVELS[Severity(cls.severity)]}
    return rule


def _bare_rule(code: str, name: str) -> dict[str, Any]:
    """The rule of a check no registry knows: GitHub still wants its texts."""
    text = {"text": name}
    return {
        "id": code,
        "name": name,
        "shortDescription": text,
        "fullDescription": text,
        "help": text,
    }


def _uri(path: str) -> str:
    """A relative URI for ``path``: its bytes on disk, percent-encoded (an
    undecodable byte in a file name is the byte itself, ``%FF``; control
    and bidi characters are encoded too)."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate no file system name decodes to
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw, safe="/")


def _artifact(report: Report, path: str, base: Path) -> dict[str, Any]:
    """The artifact location of ``path`` (relative to the report's root):
    relative to ``base`` under :data:`BASE_ID` when it lies inside, else an
    absolute ``file`` URI (a corpus outside the work tree and the current
    directory)."""
    shown = report.display_path(path, base)
    if shown.startswith(("/", "../")) or os.path.isabs(shown):
        full = (report.root / path).as_posix()
        return {"uri": "file://" + _uri(full if full.startswith("/") else "/" + full)}
    return {"uri": _uri(shown), "uriBaseId": BASE_ID}


def _physical(report: Report, path: str, line: int, column: int, base: Path) -> dict[str, Any]:
    loc: dict[str, Any] = {"artifactLocation": _artifact(report, path, base)}
    if line > 0:
        region: dict[str, int] = {"startLine": line}
        if column > 0:
            region["startColumn"] = column
        loc["region"] = region
    return loc


def _related(report: Report, rel: Location, index: int, base: Path) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": index,
        "physicalLocation": _physical(report, rel.path, rel.line, rel.column, base),
    }
    if rel.note:
        out["message"] = {"text": _text(rel.note)}
    return out


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def build_sarif(reports: Sequence[Report], base: Path | None = None) -> dict[str, Any]:
    """The SARIF log for ``reports`` as a plain dict, its URIs relative to
    ``base`` (default: :func:`provlint.output.project_root` of the
    reports)."""
    from provlint import __version__

    if base is None:
        base = project_root([r.root for r in reports])
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
                rules.append(_bare_rule(f.code, f.check))
    index_of = {r["name"]: i for i, r in enumerate(rules)}

    # Every finding on a file, in report order, with its rank for the cap:
    # active before suppressed, then errors, warnings, notes.
    entries: list[tuple[Report, Finding, str]] = []
    notifications: list[dict[str, Any]] = []
    for report in reports:
        for f, reason in [(f, "") for f in report.findings] + list(report.suppressed):
            if f.path:
                entries.append((report, f, reason))
            elif not reason:
                # GitHub rejects a whole upload over one result with no
                # location: a finding on no file is a notification.
                notifications.append(
                    {
                        "level": LEVELS[f.severity],
                        "message": {"text": f"{f.code} {f.check}: {_text(f.message) or f.check}"},
                        "associatedRule": {"id": f.code, "index": index_of[f.check]},
                    }
                )
    kept: Sequence[int] = range(len(entries))
    if len(entries) > MAX_RESULTS:
        order = sorted(kept, key=lambda i: (bool(entries[i][2]), _RANK[entries[i][1].severity], i))
        kept = sorted(order[:MAX_RESULTS])
        dropped = [entries[i] for i in order[MAX_RESULTS:]]
        by_level = {level: 0 for level in (*LEVELS.values(), "suppressed")}
        for _r, f, reason in dropped:
            by_level["suppressed" if reason else LEVELS[f.severity]] += 1
        counts = ", ".join(
            f"{n:,} suppressed" if level == "suppressed" else _plural(n, level)
            for level, n in by_level.items()
            if n
        )
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": (
                        f"{len(dropped):,} of {_plural(len(entries), 'result')} dropped "
                        f"({counts}): GitHub code scanning accepts at most {MAX_RESULTS:,} "
                        f"in a run, so the {MAX_RESULTS:,} most severe are kept. The json "
                        "format lists every finding."
                    )
                },
                "descriptor": {"id": CAPPED_ID, "index": 0},
                "properties": {
                    "results": len(entries),
                    "kept": MAX_RESULTS,
                    "dropped": len(dropped),
                },
            }
        )

    results: list[dict[str, Any]] = []
    for i in kept:
        report, f, reason = entries[i]
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index_of[f.check],
            "level": LEVELS[f.severity],
            "message": {"text": _text(f.message) or f.check},
            "locations": [{"physicalLocation": _physical(report, f.path, f.line, f.column, base)}],
        }
        related = [r for r in f.related if r.path][: MAX_LOCATIONS - 1]
        if related:
            result["relatedLocations"] = [
                _related(report, r, n, base) for n, r in enumerate(related, 1)
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
                **({"notifications": [CAPPED]} if len(entries) > MAX_RESULTS else {}),
            }
        },
        "invocations": [
            {
                "executionSuccessful": all(r.exit_code != 3 for r in reports),
                "toolExecutionNotifications": notifications,
            }
        ],
        # Where BASE_ID is on this machine. GitHub ignores it and resolves a
        # relative URI against the repository root, which base is.
        "originalUriBaseIds": {BASE_ID: {"uri": base.resolve().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


class SarifFormat(OutputFormat):
    """SARIF 2.1.0 for GitHub code scanning and other SARIF viewers."""

    name = "sarif"
    description = "SARIF 2.1.0 (GitHub code scanning)"

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        json.dump(build_sarif(reports, options.base), stream, indent=2, ensure_ascii=True)
        stream.write("\n")


@hookimpl
def provlint_register_formats() -> Sequence[type[OutputFormat]]:
    return [SarifFormat]
