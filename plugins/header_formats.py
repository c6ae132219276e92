"""Built-in header parsers: YAML front matter, then the legacy one-line
`date YYYY-MM-DD` header. Third-party parsers are tried first."""

from __future__ import annotations

from provlint import hookimpl
from provlint.headers import near_miss_legacy, parse_front_matter, parse_legacy
from provlint.model import Header


@hookimpl(trylast=True)
def provlint_parse_header(path: str, text: str) -> Header | None:
    return parse_front_matter(text) or parse_legacy(text) or near_miss_legacy(text)
