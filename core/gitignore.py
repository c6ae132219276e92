"""The corpus's own ``.gitignore`` files, read as git reads them.

With ``respect-gitignore`` (the default), a file that a ``.gitignore``
inside the corpus folder ignores is not discovered as a document, and a
folder it ignores is not entered. Only the ``.gitignore`` files inside the
corpus folder are read: none above it, not ``.git/info/exclude``, not the
global excludes file. A file that an INDEX.md row names is still checked.

As in git: the patterns of a ``.gitignore`` are matched against paths
relative to its folder; a deeper ``.gitignore`` overrides the ones above it,
and within a file the last matching pattern wins (``!pattern`` takes back);
a file in an ignored folder cannot be taken back, since the folder is never
entered, and the ``.gitignore`` files in such a folder are never read; a
``.gitignore`` that is a symlink is not read (git 2.32 and later refuse
them too). Patterns are matched by :mod:`provlint.globs`, without
backtracking.

The ``.gitignore`` files come from the checked folder, so their size and
the patterns in force for any one path are bounded
(:data:`MAX_GITIGNORE_BYTES`, :data:`MAX_GITIGNORE_PATTERNS`); past either
the run stops with a usage error naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from .config import ConfigError
from .globs import GlobSet

__all__ = [
    "GITIGNORE",
    "MAX_GITIGNORE_BYTES",
    "MAX_GITIGNORE_PATTERNS",
    "Ignores",
    "read_gitignore",
]

GITIGNORE = ".gitignore"

MAX_GITIGNORE_BYTES = 1 << 20
"""A ``.gitignore`` larger than this (1 MiB) stops the run."""

MAX_GITIGNORE_PATTERNS = 1024
"""The most patterns the ``.gitignore`` files of a folder and of the folders
above it (inside the corpus) may hold together: every file is matched
against each pattern in force for it, so this bounds the work per file."""

_HINT = "pass --no-respect-gitignore, or set respect-gitignore = false, to not read it"


def read_gitignore(path: str, shown: str) -> list[str]:
    """The pattern lines of the ``.gitignore`` at ``path`` (``shown`` names
    it in errors): a UTF-8 byte order mark and each line's trailing CR are
    dropped, as git does; undecodable bytes stay as they are (surrogate
    escapes), so a pattern with them matches only names with those bytes."""
    from .reading import read_regular

    try:
        raw = read_regular(path, MAX_GITIGNORE_BYTES)
    except OSError:
        return []  # unreadable: git skips it too
    if len(raw) > MAX_GITIGNORE_BYTES:
        raise ConfigError(
            f"{shown}: larger than {MAX_GITIGNORE_BYTES >> 20} MiB; provlint reads .gitignore "
            f"files up to that size ({_HINT})"
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8", "surrogateescape")
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


@dataclass(frozen=True)
class Ignores:
    """The ``.gitignore`` patterns in force in one folder of the walk: one
    (folder, patterns) level per ``.gitignore`` from the corpus root down."""

    levels: tuple[tuple[str, GlobSet], ...] = ()
    count: int = 0

    def below(self, rel_dir: str, lines: list[str], shown: str) -> Ignores:
        """The patterns in force in ``rel_dir``, whose ``.gitignore`` holds
        ``lines``."""
        level = GlobSet(lines, folders=False)
        if not level:
            return self
        count = self.count + len(level.globs)
        if count > MAX_GITIGNORE_PATTERNS:
            raise ConfigError(
                f"{shown}: with the .gitignore files above it, {count} patterns apply to this "
                f"folder; provlint reads at most {MAX_GITIGNORE_PATTERNS} ({_HINT})"
            )
        return Ignores((*self.levels, (rel_dir, level)), count)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Whether the file or folder ``rel`` (relative to the corpus root)
        is ignored: the deepest ``.gitignore`` with a pattern that matches
        it decides, and in it the last such pattern."""
        for base, level in reversed(self.levels):
            sub = rel[len(base) + 1 :] if base else rel
            verdict = level.verdict(sub, is_dir)
            if verdict is not None:
                return verdict
        return False

    def __bool__(self) -> bool:
        return bool(self.levels)
