"""Regular expressions compiled on first use.

Some modules hold patterns that take milliseconds to compile but are only
needed when a cheap test has already matched (a cookie banner, mojibake, a
character XML cannot hold). :func:`lazy_compile` puts off compiling them
until a method is first looked up, so that a run which never needs them
never pays for them. After that first look-up, each method is read from the
proxy's own ``__dict__``: no slower than calling the compiled pattern.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, cast


class _LazyPattern:
    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self.__args = (pattern, flags)
        self.__compiled: re.Pattern[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        # Called only for what is not in __dict__ yet: compile, then keep it there.
        if name.startswith("_"):  # no public attribute of a pattern starts with "_"
            raise AttributeError(name)
        if self.__compiled is None:
            self.__compiled = re.compile(*self.__args)
        value = getattr(self.__compiled, name)
        self.__dict__[name] = value
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        return re.compile, self.__args

    def __repr__(self) -> str:
        return f"lazy_compile({self.__args[0]!r}, {self.__args[1]!r})"


def lazy_compile(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """Like :func:`re.compile`, but compiled when first used."""
    return cast("re.Pattern[AnyStr]", _LazyPattern(pattern, flags))
