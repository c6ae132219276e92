"""Declared dates: parsing and comparing ``YYYY-MM-DD`` and ISO 8601
date-times, as INDEX.md and headers carry them."""

from __future__ import annotations

import re
from datetime import date, datetime

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_declared(value: object) -> date | None:
    """The calendar date of a declared value, or None when it is not a valid
    ``YYYY-MM-DD`` or ISO 8601 date-time (an offset is required for
    date-times, as the contract says; see :func:`date_problem`)."""
    if not isinstance(value, str):
        return None
    v = value.strip()
    m = _DATE.match(v) or _DATETIME.match(v)
    if not m:
        return None
    try:
        d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m.re is _DATETIME:
            hour, minute = int(m.group(4)), int(m.group(5))
            second = int(m.group(6) or 0)
            datetime(d.year, d.month, d.day, hour, minute, min(second, 59))
    except ValueError:
        return None
    return d


def date_problem(value: object) -> str | None:
    """Why ``value`` is not an acceptable declared date, or None if it is."""
    if not isinstance(value, str):
        return f"expected a date as text, found {type(value).__name__}"
    v = value.strip()
    m = _DATE.match(v)
    if m is None:
        m = _DATETIME.match(v)
        if m is None:
            return f"expected YYYY-MM-DD or an ISO 8601 date-time, found {value!r}"
        if m.group(7) is None:
            return f"a date-time needs a UTC offset (e.g. 'Z' or '+01:00'), found {value!r}"
    if parse_declared(v) is None:
        return f"{value!r} is not a real calendar date or time"
    return None


def parse_instant(value: object) -> datetime | None:
    """The moment a declared date-time with a UTC offset names, or None for
    a plain date or anything else (then compare calendar dates)."""
    if not isinstance(value, str):
        return None
    v = value.strip()
    if _DATETIME.match(v) is None or parse_declared(v) is None:
        return None
    try:
        when = datetime.fromisoformat(v.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        m = _DATETIME.match(v)
        if m is None or m.group(7) is None:
            return None
        off = m.group(7).replace(":", "")
        fixed = f"{v[: m.start(7)]}{off[:3]}:{off[3:]}" if off != "Z" else v
        try:
            when = datetime.fromisoformat(fixed.replace("Z", "+00:00").replace(" ", "T", 1))
        except ValueError:
            return None
    return when if when.tzinfo is not None else None
