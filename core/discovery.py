"""Finding the corpus and its documents, safely.

:func:`locate` turns command-line paths into corpora (:class:`Target`);
:func:`discover` lists the files the ``documents`` globs match;
:func:`join_documents` joins them with the catalogue's rows on the
normalised path, giving every document of the corpus once. Every path from
the folder goes through :func:`safe_relpath` (no absolute paths, no
``..``) and :class:`Resolver` (no symlink leading out), before anything is
opened.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import DEFAULT_DOCUMENTS, DEFAULT_EXCLUDE, Config, ConfigError
from .globs import PathMatcher
from .model import Catalogue, Document

__all__ = [
    "INDEX_NAME",
    "Resolver",
    "Target",
    "discover",
    "join_documents",
    "locate",
    "private_part",
    "resolve_inside",
    "safe_relpath",
]

INDEX_NAME = "INDEX.md"
_SKIP_DIRS = frozenset(
    {
        "node_modules",
        "__pycache__",
        "venv",
        "env",
        "site-packages",
        "build",
        "dist",
        ".provlint_cache",
    }
)
_DRIVE = re.compile(r"^[A-Za-z]:")
PRIVATE_FOLDERS = {
    ".git": "version control's own files",
    ".hg": "version control's own files",
    ".svn": "version control's own files",
    ".provlint_cache": "provlint's own files",
}
"""Folders whose files are never documents, INDEX.md or anything provlint
reads or writes for a corpus: what lies in them is not the corpus's text
(``.git/config`` holds credentials and hooks)."""


def private_part(parts: Sequence[str]) -> str | None:
    """The folder of :data:`PRIVATE_FOLDERS` a path with these components
    lies in, in words ("the .git folder (version control's own files)"),
    or None. Compared without case, as a file system that ignores case
    would."""
    for part in parts:
        what = PRIVATE_FOLDERS.get(part.lower())
        if what is not None:
            return f"the {part} folder ({what})"
    return None


@dataclass
class Target:
    root: Path
    only: frozenset[str] | None  # paths relative to root; None = everything
    explicit: bool


def _find_index_upwards(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        if os.path.isfile(folder / INDEX_NAME):
            return folder
    return None


_HINT_ENTRIES = 5000  # entries the hint below looks at, at most


def _no_corpus_hint(cwd: Path) -> str:
    """What to do when no INDEX.md lies at or above ``cwd``: name the
    sub-folders that hold one (pass them), else the folders that hold
    documents but no catalogue (``provlint index`` writes one). Looks at
    no more than :data:`_HINT_ENTRIES` entries below ``cwd``."""
    matcher = PathMatcher(DEFAULT_DOCUMENTS, DEFAULT_EXCLUDE)
    corpora: list[str] = []
    holders: dict[str, None] = {}  # first path component -> None, in walk order
    seen = 0
    stack = [""]
    while stack and seen < _HINT_ENTRIES:
        rel_dir = stack.pop()
        try:
            with os.scandir(os.path.join(cwd, rel_dir) if rel_dir else cwd) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        below = []
        for entry in entries:
            seen += 1
            if seen > _HINT_ENTRIES:
                break
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if not is_dir:
                if matcher(rel):
                    holders.setdefault(rel_dir.split("/")[0] if rel_dir else "", None)
                continue
            if entry.name.startswith(".") or entry.name in _SKIP_DIRS:
                continue
            if os.path.isfile(os.path.join(entry.path, INDEX_NAME)):
                corpora.append(rel)
                continue
            below.append(rel)
        stack.extend(reversed(below))
    if corpora:
        shown = " ".join(_shell_word(c) for c in corpora[:3])
        return f"{INDEX_NAME} found below it: run `provlint validate {shown}`"
    if "" in holders:
        return (
            f"this folder holds documents but no catalogue: `provlint index` writes its "
            f"{INDEX_NAME} from the documents' headers (or pass a corpus folder as an argument)"
        )
    if holders:
        folders = list(holders)
        shown = ", ".join(f"{f}/" for f in folders[:3]) + (", …" if len(folders) > 3 else "")
        return (
            f"documents but no catalogue in {shown}: `provlint index "
            f"{_shell_word(folders[0])}` writes that folder's {INDEX_NAME} from the documents' "
            "headers (or pass a corpus folder as an argument)"
        )
    return "pass a corpus folder as an argument"


def _shell_word(text: str) -> str:
    """``text`` as one word of a shell command line, quoted when needed."""
    import shlex

    return shlex.quote(text)


def locate(
    paths: Sequence[str | os.PathLike[str]],
    cwd: Path | None = None,
    *,
    skip_outside: bool = False,
) -> list[Target]:
    """Turn command-line paths into corpora to check.

    A folder is a corpus (its INDEX.md may be missing: that is a PV101
    finding, for the command line and the library alike);
    an INDEX.md names its folder; a document file belongs to the nearest
    folder above it that has an INDEX.md, and only findings on the named
    files (and the rows that name them) are reported. With no paths, the
    corpus is the nearest folder at or above ``cwd`` with an INDEX.md; when
    there is none, :class:`ConfigError` says "no corpus found" and what to
    run instead (the command line exits 2 with the same message).
    With ``skip_outside``, document files that belong to no corpus are
    skipped instead of being an error (what a pre-commit hook wants).
    """
    cwd = (cwd or Path.cwd()).resolve()
    if not paths:
        root = _find_index_upwards(cwd)
        if root is None:
            raise ConfigError(
                f"no corpus found: no {INDEX_NAME} in {cwd} or any folder above it; "
                + _no_corpus_hint(cwd)
            )
        return [Target(root, None, explicit=False)]
    whole: dict[Path, Target] = {}
    partial: dict[Path, set[str]] = {}
    for raw in paths:
        p = Path(raw)
        p = p if p.is_absolute() else cwd / p
        if os.path.isdir(p):
            folder = p.resolve()
            if not os.path.isfile(folder / INDEX_NAME):
                # A folder inside a corpus: check the corpus, report on the folder.
                above = _find_index_upwards(folder.parent)
                if above is not None:
                    rel = Path(os.path.relpath(folder, above)).as_posix()
                    partial.setdefault(above, set()).add(rel + "/")
                    continue
            whole.setdefault(folder, Target(folder, None, explicit=True))
            continue
        if not os.path.lexists(p):
            raise ConfigError(f"{raw}: no such file or folder")
        parent = p.parent.resolve()
        if p.name == INDEX_NAME:
            whole.setdefault(parent, Target(parent, None, explicit=True))
            continue
        root = _find_index_upwards(parent)
        if root is None:
            if skip_outside:
                continue
            raise ConfigError(f"{raw}: no {INDEX_NAME} found in its folder or any folder above it")
        rel = Path(os.path.relpath(parent / p.name, root)).as_posix()
        partial.setdefault(root, set()).add(rel)
    targets = list(whole.values())
    for root, files in partial.items():
        if root not in whole:
            targets.append(Target(root, frozenset(files), explicit=True))
    return sorted(targets, key=lambda t: str(t.root))


def discover(
    root: Path,
    matcher: PathMatcher,
    unreadable: list[str] | None = None,
    *,
    gitignore: bool = False,
) -> list[str]:
    """Document files under ``root`` that match the globs, as sorted
    POSIX paths. Hidden folders, nested corpora (a subfolder with its own
    INDEX.md) and tool folders are skipped; symlinked folders are not
    followed. Folders that cannot be listed (no permission, or a path
    longer than the system allows) are added to ``unreadable``. With
    ``gitignore``, what the ``.gitignore`` files inside ``root`` ignore is
    skipped too (see :mod:`provlint.gitignore`).

    The walk keeps its own stack, so any depth of nesting is fine."""
    from .gitignore import GITIGNORE, Ignores, read_gitignore

    found: list[str] = []
    stack: list[tuple[str, Ignores]] = [("", Ignores())]
    while stack:
        rel_dir, ignores = stack.pop()
        here = os.path.join(root, rel_dir) if rel_dir else str(root)
        try:
            with os.scandir(here) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            if rel_dir and unreadable is not None:
                unreadable.append(rel_dir)
            continue
        if gitignore:
            own = next((e for e in entries if e.name == GITIGNORE), None)
            if own is not None and not own.is_symlink() and own.is_file():
                shown = f"{rel_dir}/{GITIGNORE}" if rel_dir else GITIGNORE
                ignores = ignores.below(rel_dir, read_gitignore(own.path, shown), shown)
        below = []
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                if matcher(rel) and not (ignores and ignores.ignored(rel, False)):
                    found.append(rel)
                continue
            if entry.name.startswith(".") or entry.name in _SKIP_DIRS or entry.is_symlink():
                continue
            if os.path.isfile(os.path.join(entry.path, INDEX_NAME)):
                continue  # a nested corpus
            if matcher.excludes_folder(rel) or (ignores and ignores.ignored(rel, True)):
                continue
            below.append((rel, ignores))
        stack.extend(reversed(below))
    return sorted(found)


def safe_relpath(value: str) -> tuple[str | None, str | None]:
    """Normalise an INDEX.md ``file`` cell. Returns (path, None) or
    (None, why it is refused)."""
    if (
        value
        and value[0] not in "./"
        and value[-1] != "/"
        and value[1:2] != ":"
        and "//" not in value
        and "/." not in value
        and "\\" not in value
        and "\x00" not in value
    ):
        # Already normal, and no component starts with a dot (so none is
        # ".", ".." or a private folder): the common case, without normpath.
        return value, None
    if "\x00" in value:
        return None, "contains a NUL character"
    v = value.replace("\\", "/")
    if v.startswith("/") or _DRIVE.match(v):
        return None, "is an absolute path; paths must be relative to INDEX.md's folder"
    norm = posixpath.normpath(v)
    if norm == ".." or norm.startswith("../"):
        return None, "leads outside the corpus folder"
    if norm in (".", ""):
        return None, "does not name a file"
    folder = private_part(norm.split("/"))
    if folder is not None:
        return None, f"lies in {folder}"
    return norm, None


def resolve_inside(root_real: Path, rel: str) -> tuple[Path | None, str | None]:
    """``rel`` (normalised by :func:`safe_relpath`) as a real path inside the
    corpus folder ``root_real`` (already resolved), or (None, why not): a
    symlink loop, a symlink leading out, or one leading into a folder of
    :data:`PRIVATE_FOLDERS` (``.git``)."""
    candidate = root_real / rel
    try:
        real = candidate.resolve(strict=False)
    except (RuntimeError, OSError):
        return None, "is a symlink loop"
    try:
        below = real.relative_to(root_real)
    except ValueError:
        return None, "is a symlink that leads outside the corpus folder"
    folder = private_part(below.parts)
    if folder is not None:
        return None, f"is a symlink that leads into {folder}"
    return real, None


class Resolver:
    """Resolves normalised paths inside one corpus folder, each folder once:
    the file itself is resolved only when it is a symlink."""

    def __init__(self, root: Path) -> None:
        self.root_real = root.resolve()
        self._dirs: dict[str, tuple[Path | None, str | None]] = {}

    def __call__(self, rel: str) -> tuple[Path | None, str | None]:
        """``rel`` as a real path inside the corpus, or (None, why not)."""
        real, why = self.text(rel)
        return (Path(real) if real is not None else None), why

    def text(self, rel: str) -> tuple[str | None, str | None]:
        """Like calling the resolver, with the real path as a string."""
        parent, _, name = rel.rpartition("/")
        known = self._dirs.get(parent)
        if known is None:
            known = resolve_inside(self.root_real, parent) if parent else (self.root_real, None)
            self._dirs[parent] = known
        real_dir, why = known
        if real_dir is None:
            return None, why
        candidate = f"{real_dir}/{name}"
        if os.path.islink(candidate):
            real, why = resolve_inside(self.root_real, rel)
            return (str(real) if real is not None else None), why
        return candidate, None


def join_documents(root: Path, catalogue: Catalogue, config: Config) -> list[Document]:
    """Every document of the corpus, once: the catalogue's rows (by the
    normalised path of their ``file`` cell, the first row of a path; a
    second one is reported by index-schema), then the files the globs
    match that no row names, then folders that could not be listed (reading
    them fails with the reason, which missing-file reports)."""
    docs: list[Document] = []
    seen: set[str] = set()
    for row in catalogue.rows:
        f = row.file
        if not f:
            continue
        norm, _ = safe_relpath(f)
        key = norm or f
        if key in seen:
            continue
        seen.add(key)
        docs.append(Document(path=key, row=row, index_path=catalogue.path))
    matcher = PathMatcher(config.documents, (*DEFAULT_EXCLUDE, *config.exclude))
    unreadable: list[str] = []
    for rel in discover(root, matcher, unreadable, gitignore=config.respect_gitignore):
        if rel not in seen:
            seen.add(rel)
            docs.append(Document(path=rel, index_path=catalogue.path))
    docs.extend(Document(path=rel, index_path=catalogue.path) for rel in unreadable)
    return docs
