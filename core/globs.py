"""Glob patterns with ``.gitignore`` semantics, matched without backtracking.

The ``documents``, ``exclude`` and ``per-file-ignores`` globs of the
configuration come from the checked folder, and so do the file names they
are matched against: both are hostile. A glob compiled to a backtracking
regular expression takes time exponential in its number of stars
(``*a*a*a*a*a*b`` against a 200-character name runs for minutes), so this
module matches without regular expressions:

* a path is split at ``/`` into segments, and so is the pattern;
* within one segment, the pattern is a sequence of literal runs separated
  by stars; each run is placed at its leftmost possible position after the
  previous one (the usual greedy argument: a star can absorb whatever lies
  between two runs, so an earlier placement never loses a match). That is
  O(len(pattern segment) x len(path segment)) at worst;
* a whole-segment ``**`` matches zero or more segments. The pattern's
  segments are matched left to right, keeping the *set* of path positions
  reachable so far (a small dynamic programme), so each pair of (pattern
  segment, path segment) is compared at most once.

Matching one pattern against one path therefore costs
O(len(pattern) x len(path)) in the worst case, whatever the pattern.

What a pattern means follows gitignore(5):

* ``*`` matches any run of characters but ``/``; ``?`` one character but
  ``/``; ``[abc]``, ``[a-z]``, ``[!a]`` / ``[^a]`` and the POSIX classes
  ``[[:alpha:]]`` etc. one character of (or not of) a set. An unclosed
  ``[`` or an unknown class makes the pattern match nothing, as in git;
* a backslash makes the next character literal (``\\*``, ``\\[``, ``\\!``,
  ``\\#``, ``\\ ``). One departure from git: a backslash before any other
  character (``notes\\drafts``) reads as ``/``, so that Windows-style
  paths keep working;
* a pattern with no ``/`` but a trailing one matches a name at any depth;
  a leading ``/`` (or ``./``) or a ``/`` in the middle anchors it to the
  root; a trailing ``/`` matches folders only;
* ``**/x`` matches ``x`` at any depth, ``x/**`` everything below ``x``,
  ``a/**/b`` ``a/b``, ``a/x/b``, ``a/x/y/b`` and so on; ``**`` that is not
  a whole segment is an ordinary ``*``;
* ``!pattern`` re-includes what an earlier pattern matched: in a list the
  last matching pattern decides. ``#`` starts a comment, blank patterns are
  ignored and trailing unescaped spaces are dropped.

Characters are Unicode code points (git compares bytes); matching is
case-sensitive.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

__all__ = ["Glob", "GlobSet", "PathMatcher", "compile_glob", "compile_globs", "split_path"]

# Characters a backslash escapes outside a bracket expression. Before any
# other character a backslash is a path separator (see the module docstring).
_ESCAPABLE = frozenset("\\*?[]!# /")


def _ascii(test: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda c: c.isascii() and test(c)


_POSIX_CLASSES: dict[str, Callable[[str], bool]] = {
    "alnum": _ascii(str.isalnum),
    "alpha": _ascii(str.isalpha),
    "blank": lambda c: c in " \t",
    "cntrl": lambda c: ord(c) < 32 or ord(c) == 127,
    "digit": lambda c: "0" <= c <= "9",
    "graph": lambda c: 33 <= ord(c) <= 126,
    "lower": lambda c: "a" <= c <= "z",
    "print": lambda c: 32 <= ord(c) <= 126,
    "punct": lambda c: 33 <= ord(c) <= 126 and not c.isalnum(),
    "space": lambda c: c in " \t\n\r\v\f",
    "upper": lambda c: "A" <= c <= "Z",
    "xdigit": lambda c: c in "0123456789abcdefABCDEF",
}


class _Invalid(Exception):
    """The pattern can match nothing (an unclosed ``[`` or an unknown class)."""


class _Tok(enum.Enum):
    """The tokens that are not a literal character or a bracket expression."""

    ANY = "?"
    STAR = "*"
    SEP = "/"


@dataclass(frozen=True)
class _CharSet:
    """A bracket expression: one character of (or, negated, not of) a set."""

    negated: bool
    chars: frozenset[str]
    ranges: tuple[tuple[str, str], ...]
    classes: tuple[str, ...]
    slash: bool = field(default=False, compare=False)
    """The expression's text holds a ``/`` (which anchors the pattern, as in
    git, though a bracket expression never matches ``/``)."""

    def __call__(self, c: str) -> bool:
        hit = (
            c in self.chars
            or any(lo <= c <= hi for lo, hi in self.ranges)
            or any(_POSIX_CLASSES[name](c) for name in self.classes)
        )
        return hit != self.negated


_Token = str | _Tok | _CharSet
_Chunk = str | tuple[_Token, ...]


def _bracket(p: str, i: int) -> tuple[_CharSet, int]:
    """Parse the bracket expression whose ``[`` is at ``p[i]``; return it and
    the index just past its ``]``. As in git's wildmatch: ``!`` or ``^`` first
    negates, a ``]`` first in the set is literal, ``-`` between two
    characters is a range, a backslash escapes the next character and
    ``[:name:]`` is a POSIX class."""
    start = i
    i += 1
    negated = i < len(p) and p[i] in "!^"
    if negated:
        i += 1
    chars: set[str] = set()
    ranges: list[tuple[str, str]] = []
    classes: list[str] = []
    prev = ""  # the previous single character, a possible range start
    first = True
    while True:
        if i >= len(p):
            raise _Invalid
        c = p[i]
        if c == "]" and not first:
            slash = "/" in p[start:i]
            return _CharSet(negated, frozenset(chars), tuple(ranges), tuple(classes), slash), i + 1
        first = False
        if c == "\\":
            i += 1
            if i >= len(p):
                raise _Invalid
            prev = p[i]
            chars.add(prev)
            i += 1
        elif c == "-" and prev and i + 1 < len(p) and p[i + 1] != "]":
            i += 1
            hi = p[i]
            if hi == "\\":
                i += 1
                if i >= len(p):
                    raise _Invalid
                hi = p[i]
            ranges.append((prev, hi))
            prev = ""
            i += 1
        elif c == "[" and p.startswith(":", i + 1):
            end = p.find("]", i + 2)
            if end < 0:
                raise _Invalid
            if end - 1 < i + 2 or p[end - 1] != ":":
                # No ":]" before the next "]": the "[" is an ordinary member.
                chars.add(c)
                prev = c
                i += 1
                continue
            name = p[i + 2 : end - 1]
            if name not in _POSIX_CLASSES:
                raise _Invalid
            classes.append(name)
            prev = ""
            i = end + 1
        else:
            chars.add(c)
            prev = c
            i += 1


def _tokens(p: str) -> list[_Token]:
    """Split a pattern (its leading ``!`` removed) into tokens."""
    out: list[_Token] = []
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            nxt = p[i + 1 : i + 2]
            if nxt and nxt in _ESCAPABLE:
                out.append(_Tok.SEP if nxt == "/" else nxt)
                i += 2
            else:
                out.append(_Tok.SEP)  # a Windows-style separator
                i += 1
        elif c == "/":
            out.append(_Tok.SEP)
            i += 1
        elif c == "*":
            out.append(_Tok.STAR)
            i += 1
        elif c == "?":
            out.append(_Tok.ANY)
            i += 1
        elif c == "[":
            cs, i = _bracket(p, i)
            out.append(cs)
        else:
            out.append(c)
            i += 1
    return out


def _chunk(run: list[_Token]) -> _Chunk:
    """A star-free run of tokens: a ``str`` when every token is a literal
    character (matched with ``str.startswith``/``str.find``)."""
    if all(isinstance(t, str) for t in run):
        return "".join(t for t in run if isinstance(t, str))
    return tuple(run)


def _tok_ok(t: _Token, c: str) -> bool:
    if isinstance(t, str):
        return t == c
    if isinstance(t, _CharSet):
        return t(c)
    return t is _Tok.ANY


def _at(chunk: _Chunk, s: str, i: int) -> bool:
    """Whether ``chunk`` matches ``s`` at position ``i``."""
    if isinstance(chunk, str):
        return s.startswith(chunk, i)
    if i + len(chunk) > len(s):
        return False
    return all(_tok_ok(t, s[i + k]) for k, t in enumerate(chunk))


def _find(chunk: _Chunk, s: str, start: int, end: int) -> int:
    """The leftmost ``i >= start`` where ``chunk`` matches and ends by
    ``end``, or -1."""
    if isinstance(chunk, str):
        return s.find(chunk, start, end)
    for i in range(start, end - len(chunk) + 1):
        if _at(chunk, s, i):
            return i
    return -1


class _Segment:
    """The pattern for one path segment: star-free chunks separated by stars.

    Without a star the segment must match the chunk exactly. With stars, the
    first chunk must match at the start, the last at the end, and each chunk
    in between is placed at its leftmost position after the previous one:
    placing a chunk further right never helps the chunks after it, so there
    is nothing to backtrack to. Cost: O(len(pattern) x len(segment)).
    """

    __slots__ = ("chunks", "starred", "width")

    def __init__(self, toks: Sequence[_Token]) -> None:
        chunks: list[_Chunk] = []
        run: list[_Token] = []
        for t in toks:
            if t is _Tok.STAR:
                chunks.append(_chunk(run))
                run = []
            else:
                run.append(t)
        chunks.append(_chunk(run))
        self.starred = len(chunks) > 1
        self.chunks = tuple(chunks)
        self.width = sum(len(c) for c in chunks)

    def match(self, s: str) -> bool:
        """Whether the whole of ``s`` (one path segment) matches."""
        chunks = self.chunks
        if not self.starred:
            return len(s) == self.width and _at(chunks[0], s, 0)
        if len(s) < self.width:
            return False
        first, last = chunks[0], chunks[-1]
        end = len(s) - len(last)
        if not (_at(first, s, 0) and _at(last, s, end)):
            return False
        pos = len(first)
        for c in chunks[1:-1]:
            i = _find(c, s, pos, end)
            if i < 0:
                return False
            pos = i + len(c)
        return True


def split_path(path: str) -> list[str]:
    """A relative path's segments; a leading ``./`` or ``/`` and empty
    segments are dropped."""
    while path.startswith("./"):
        path = path[2:]
    return [s for s in path.split("/") if s]


@dataclass(frozen=True)
class Glob:
    """One compiled pattern. :meth:`match` tests one path by itself;
    :class:`GlobSet` adds the folder rule and last-match-wins."""

    text: str
    """The pattern as written."""
    negated: bool
    """``!pattern``: re-includes what an earlier pattern matched."""
    dir_only: bool
    """A trailing ``/``: the pattern matches folders only."""
    anchored: bool
    """Matched from the root (a leading or middle ``/``); otherwise the
    pattern is one segment matched against the last segment at any depth."""
    segments: tuple[_Segment | None, ...]
    """The pattern's segments; None stands for a whole-segment ``**``."""
    valid: bool = True
    """False when the pattern can match nothing (an unclosed ``[``, an
    unknown ``[:class:]``)."""

    def levels(self, segs: Sequence[str]) -> set[int]:
        """Every ``k >= 1`` such that the pattern matches the first ``k``
        segments of ``segs`` (``dir_only`` and ``negated`` aside), found
        in one pass: O(len(pattern) x len(path))."""
        if not self.valid:
            return set()
        if not self.anchored:
            seg = self.segments[0]
            assert seg is not None
            return {k for k, s in enumerate(segs, 1) if seg.match(s)}
        n = len(segs)
        reach = {0}  # how many path segments the pattern so far can consume
        last = len(self.segments) - 1
        for idx, seg in enumerate(self.segments):
            if seg is None:
                # "**" is zero or more segments; a trailing "**" one or more.
                lo = min(reach) + (1 if idx == last else 0)
                reach = set(range(lo, n + 1))
            else:
                reach = {j + 1 for j in reach if j < n and seg.match(segs[j])}
            if not reach:
                break
        reach.discard(0)
        return reach

    def matches(self, segs: Sequence[str], is_dir: bool = False) -> bool:
        """Whether the pattern matches the path of segments ``segs`` itself."""
        if not segs or not self.valid or (self.dir_only and not is_dir):
            return False
        if not self.anchored:
            seg = self.segments[0]
            assert seg is not None
            return seg.match(segs[-1])
        return len(segs) in self.levels(segs)

    def match(self, path: str, is_dir: bool = False) -> bool:
        """Whether the pattern (its ``!`` aside) matches ``path`` itself, a
        ``/``-separated path relative to the root; folders above ``path``
        are not considered."""
        return self.matches(split_path(path), is_dir)


def compile_glob(pattern: str) -> Glob | None:
    """Compile one pattern; None for a blank pattern or a ``#`` comment."""
    if not pattern or pattern.startswith("#"):
        return None
    p = pattern.rstrip(" ")
    if p != pattern and (len(p) - len(p.rstrip("\\"))) % 2 == 1:
        p += " "  # an escaped trailing space is kept
    negated = p.startswith("!")
    if negated:
        p = p[1:]
    if p.startswith("./"):
        while p.startswith("./"):
            p = p[2:]
        p = p if p.startswith("/") else "/" + p  # "./x" is anchored like "/x"
    try:
        toks = _tokens(p)
    except _Invalid:
        return Glob(pattern, negated, False, True, (), valid=False)
    dir_only = bool(toks) and toks[-1] is _Tok.SEP
    if dir_only:
        toks.pop()
    if not toks:
        return None
    anchored = any(t is _Tok.SEP or (isinstance(t, _CharSet) and t.slash) for t in toks)
    if toks[0] is _Tok.SEP:
        toks.pop(0)
    parts: list[list[_Token]] = [[]]
    for t in toks:
        if t is _Tok.SEP:
            parts.append([])
        else:
            parts[-1].append(t)
    segments: list[_Segment | None] = []
    for part in parts:
        if anchored and len(part) >= 2 and all(t is _Tok.STAR for t in part):
            segments.append(None)
        else:
            segments.append(_Segment(part))
    if len(segments) == 2 and segments[0] is None and segments[1] is not None:
        anchored = False  # "**/x" is "x" at any depth
        segments.pop(0)
    return Glob(pattern, negated, dir_only, anchored, tuple(segments))


class GlobSet:
    """A list of patterns read the way git reads a ``.gitignore`` file: the
    last pattern that matches a path decides, ``!pattern`` re-includes.

    With ``folders`` (the default, gitignore's rule), a path also matches
    when a folder above it does, and a later ``!pattern`` cannot re-include
    a path below a matched folder. Without it (``folders=False``, the way
    ``documents`` reads), only the path itself is tested, so that ``*.md``
    never takes in the files of a folder named ``x.md``; a pattern with a
    trailing ``/`` then matches the paths below a folder it matches.
    """

    def __init__(self, patterns: Iterable[str], *, folders: bool = True) -> None:
        self.globs: tuple[Glob, ...] = tuple(
            g for g in map(compile_glob, patterns) if g is not None
        )
        self.folders = folders
        # The last parent folder looked up, and whether it matched: the files
        # of one folder come one after another when a tree is walked.
        self._parent: tuple[str, bool] = ("", False)

    def __bool__(self) -> bool:
        return bool(self.globs)

    def __repr__(self) -> str:
        return f"GlobSet({[g.text for g in self.globs]!r}, folders={self.folders})"

    def match(self, path: str, is_dir: bool = False) -> bool:
        """Whether ``path`` (relative to the root, ``/``-separated; a file
        unless ``is_dir``) is matched by the set."""
        segs = split_path(path)
        if not segs or not self.globs:
            return False
        if not self.folders:
            return self._entry(segs, is_dir)
        if len(segs) > 1:
            parent = "/".join(segs[:-1])
            cached = self._parent
            if cached[0] == parent:
                above = cached[1]
            else:
                above = self._folders_match(segs[:-1])
                self._parent = (parent, above)
            if above:
                return True
        return self._last(segs, is_dir)

    def verdict(self, path: str, is_dir: bool = False) -> bool | None:
        """What the last pattern that matches ``path`` itself says: True
        (matched), False (taken back by a ``!pattern``) or None (no pattern
        matches it). The folders above ``path`` are not looked at: a walk
        that does not enter a matched folder need not."""
        segs = split_path(path)
        if segs:
            for g in reversed(self.globs):
                if g.matches(segs, is_dir):
                    return not g.negated
        return None

    def _last(self, segs: Sequence[str], is_dir: bool) -> bool:
        """The verdict of the last pattern that matches ``segs`` itself."""
        for g in reversed(self.globs):
            if g.matches(segs, is_dir):
                return not g.negated
        return False

    def _folders_match(self, dirs: Sequence[str]) -> bool:
        """Whether any of the folders ``dirs[:1]``, ``dirs[:2]``, ... is
        matched, each by its own last matching pattern (one pass a pattern)."""
        verdict: dict[int, bool] = {}
        for g in reversed(self.globs):
            for k in g.levels(dirs):
                verdict.setdefault(k, not g.negated)
            if len(verdict) == len(dirs):
                break
        return any(verdict.values())

    def _entry(self, segs: Sequence[str], is_dir: bool) -> bool:
        """``folders=False``: the last pattern that matches the path itself
        (or, for a trailing-``/`` pattern, a folder above it) decides."""
        for g in reversed(self.globs):
            if g.matches(segs, is_dir) or (g.dir_only and bool(g.levels(segs[:-1]))):
                return not g.negated
        return False


def compile_globs(patterns: Iterable[str], *, folders: bool = True) -> GlobSet:
    """Compile a list of patterns (see :class:`GlobSet`)."""
    return GlobSet(patterns, folders=folders)


class PathMatcher:
    """Which files are documents: a file matches ``include`` (each pattern
    tested against the file itself) and not ``exclude`` (gitignore's rule:
    a matching folder excludes everything below it)."""

    def __init__(self, include: Iterable[str], exclude: Iterable[str]) -> None:
        self.include = GlobSet(include, folders=False)
        self.exclude = GlobSet(exclude, folders=True)

    def __call__(self, rel: str) -> bool:
        return self.include.match(rel) and not self.exclude.match(rel)

    def excludes_folder(self, rel: str) -> bool:
        """Whether the folder ``rel`` is excluded, with everything below it
        (no file below an excluded folder can be included again), so a
        walk need not enter it."""
        return self.exclude.match(rel, is_dir=True)
