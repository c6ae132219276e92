"""The `gitlab` output format: a GitLab Code Quality report.

A JSON array with one issue per finding, carrying the fields GitLab reads
(https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format):
``description``, ``check_name``, ``fingerprint``, ``severity``,
``location.path`` (relative to the repository root, the format's ``base``;
a finding on no file is on the corpus's INDEX.md) and
``location.lines.begin`` (1 for a whole-file finding). Suppressed findings
are left out, as in the ``json`` format. Output is deterministic.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Sequence
from typing import Any, TextIO

from provlint import Severity, hookimpl
from provlint.model import Finding
from provlint.output import FormatOptions, OutputFormat, json_safe, sanitize
from provlint.report import INTERNAL_ERROR, Report
from provlint.suppress import fingerprint

INDEX_NAME = "INDEX.md"
SEVERITIES = {Severity.INFO: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}
# An internal error (exit 3): the run itself is incomplete.
INTERNAL_SEVERITY = "critical"


def severity(f: Finding) -> str:
    """GitLab's severity for ``f``: ``info``, ``minor``, ``major``, or
    ``critical`` for an internal error."""
    return INTERNAL_SEVERITY if f.code == INTERNAL_ERROR else SEVERITIES[f.severity]


def build_issues(reports: Sequence[Report], options: FormatOptions) -> list[dict[str, Any]]:
    """The Code Quality issues of ``reports``, in report order."""
    issues: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for report in reports:
        # The corpus's INDEX.md as the paths show it ("INDEX.md" at the
        # repository root, "documents/INDEX.md" in a sub-folder).
        index = report.display_path(INDEX_NAME, options.base)
        corpus = posixpath.dirname(index) or "."
        for f in report.findings:
            # A finding on no file (a plugin that failed to load) is shown on
            # the corpus's INDEX.md: GitLab requires the path of a file.
            path = report.display_path(f.path, options.base) if f.path else index
            # Stable: provlint's fingerprint (check, document id, message
            # without positions), so an issue keeps its identity when lines
            # move. Unique: the corpus, and a count of the identical ones
            # before it, are hashed in.
            key = f"{corpus}\0{fingerprint(f)}"
            n = seen.get(key, 0)
            seen[key] = n + 1
            digest = hashlib.sha256(f"{key}\0{n}".encode("utf-8", "surrogatepass"))
            issues.append(
                {
                    "description": sanitize(f"{f.code} {f.check}: {f.message}"),
                    "check_name": f.check,
                    "fingerprint": digest.hexdigest()[:32],
                    "severity": severity(f),
                    "location": {"path": path, "lines": {"begin": max(f.line, 1)}},
                }
            )
    return issues


class GitlabFormat(OutputFormat):
    """GitLab Code Quality: a JSON array of issues for ``artifacts:reports:codequality``."""

    name = "gitlab"
    description = "GitLab Code Quality report (artifacts:reports:codequality)"

    def render(self, reports: Sequence[Report], stream: TextIO, options: FormatOptions) -> None:
        issues = build_issues(reports, options)
        # ASCII (no byte-order mark, which GitLab's parser refuses), one
        # issue per line; an undecodable byte in a file name is the text \xNN.
        compact = json.JSONEncoder(ensure_ascii=True, separators=(", ", ": ")).encode
        lines = [compact(json_safe(issue)) for issue in issues]
        stream.write("[\n  " + ",\n  ".join(lines) + "\n]\n" if lines else "[]\n")


@hookimpl
def provlint_register_formats() -> Sequence[type[OutputFormat]]:
    return [GitlabFormat]
