"""How long one glob match takes as a hostile file name or path doubles.

A glob compiled to a backtracking regular expression takes time that grows
with the name length to the power of its number of stars: ``*a*a*a*a*a*b``
against a name of 100 ``a`` took about 4 s, and more than a minute at 200.
provlint's matcher (:mod:`provlint.globs`) does not backtrack; this script
shows its time at doubling name lengths (and path depths for ``**``), so
growth can be read off the ratios: about 2x a doubling is linear.

    python benchmarks/hostile_glob_cases.py [--sizes 50,100,200,400,800,1600]

Standard library only (besides provlint itself).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from provlint.globs import compile_globs

# Patterns that make a backtracking matcher explode, and patterns that make
# this matcher do its most work (chunks searched across the whole name).
NAME_PATTERNS = (
    "*a*a*a*a*a*b",
    "*a*a*a*a*a*a*a*a*a*a*b",
    "*a*a*a*a*a*b*",
    "*?a*?a*?a*?a*?a*[!a]?",
    "*[ab]a*[ab]a*[ab]a*[ab]a*[ab]b*",
)
PATH_PATTERNS = (
    "**/a/**/a/**/a/**/b",
    "a/**/*a*/**/*a*/**/b/**",
)


def _timed(match: Callable[[str], object], arg: str, min_total: float = 0.05) -> float:
    """Seconds for one call of ``match(arg)``, averaged over enough calls to
    last ``min_total`` seconds (a single call when one is that slow)."""
    calls = 0
    start = time.perf_counter()
    while True:
        match(arg)
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_total or calls >= 100_000:
            return elapsed / calls


def time_glob(pattern: str, name_len: int) -> float:
    """Seconds for one match of ``pattern`` against a file name of
    ``name_len`` ``a`` characters (compiling the pattern not counted)."""
    return _timed(compile_globs([pattern]).match, "a" * name_len)


def time_path(pattern: str, depth: int) -> float:
    """Seconds for one match of ``pattern`` against the path ``a/a/.../a``
    of ``depth`` segments, with the gitignore rule for the folders above."""
    globs = compile_globs([pattern])
    path = "/".join(["a"] * depth)
    deeper = path + "/a"

    def both(p: str) -> None:
        # Two paths with different parent folders, so that the set's memory
        # of the last parent never spares it the pass over the folders.
        globs.match(p)
        globs.match(deeper)

    return _timed(both, path) / 2


def _table(title: str, rows: list[tuple[int, float]]) -> None:
    print(title)
    prev = None
    for size, secs in rows:
        ratio = f"x{secs / prev:.1f}" if prev else ""
        print(f"  {size:>6}  {secs * 1e6:12.1f} us  {ratio}")
        prev = secs


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,100,200,400,800,1600", help="name lengths")
    ap.add_argument("--depths", default="50,100,200,400,800,1600", help="path depths")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    depths = [int(s) for s in args.depths.split(",")]
    for pattern in NAME_PATTERNS:
        _table(f"{pattern}  vs  'a' * n", [(n, time_glob(pattern, n)) for n in sizes])
    for pattern in PATH_PATTERNS:
        _table(f"{pattern}  vs  'a/a/.../a' (depth)", [(d, time_path(pattern, d)) for d in depths])


if __name__ == "__main__":
    main()
