"""What one pre-commit invocation reports (``provlint validate --pre-commit``).

pre-commit cuts a long file list into several invocations, run one after
another or in parallel, and none of them sees the others' files. Each
provlint invocation still checks the whole corpus; this module decides
which of the findings it prints, so that over all the invocations of one
run each finding is printed exactly once, by a rule that depends only on
the finding and on git's staged state (the same in every invocation), never
on how the list was cut:

* a finding's **owner** is the first of its locations (its own, then its
  related ones) that the staged change touches: a document that is staged
  (added or modified), an INDEX.md row that the staged change adds or
  alters, or the document such a row names. When the change touches none of
  them, the owner is the finding's own location: the finding is about files
  the commit does not change (an old defect), and with pre-commit's
  ``--all-files`` it is printed by the invocation that holds its file;
* the invocation that prints it is the one given the owner's file: the
  document itself when it is staged, else INDEX.md (a row's document that
  the commit does not change is reported with INDEX.md's invocation);
* with INDEX.md staged, INDEX.md findings on rows the change neither adds
  nor alters are not printed: an old defect does not block a commit that
  adds one row.

Git is asked read-only, and so that a repository's own configuration
cannot make it run a program: ``core.fsmonitor`` is turned off, external
diff drivers and text conversions are not used (``--no-ext-diff``,
``--no-textconv``), optional locks are not taken, and no command reads a
work-tree file through git (a ``clean`` filter would run): provlint
compares INDEX.md's staged bytes (``git cat-file blob``) with the file
itself. A repository git refuses (another user's, see ``safe.directory``),
a missing git, or a folder outside any work tree give ``None``: the run
then treats the named files as it does without ``--pre-commit``.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .discovery import INDEX_NAME, safe_relpath
from .model import Catalogue, Finding, Location, Severity
from .report import Scope

__all__ = ["ChunkScope", "GitState", "chunk_scope", "git_state"]

GIT_TIMEOUT = 60.0
"""Seconds one git command may take before the run gives up on git."""

_SAFE = (
    "--no-pager",
    "--no-optional-locks",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.untrackedCache=false",
    "-c",
    "diff.external=",
    "-c",
    "core.hooksPath=/dev/null",
)
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)


@dataclass(frozen=True)
class GitState:
    """What git's index holds for one corpus folder."""

    staged: frozenset[str]
    """Corpus-relative paths the index adds or modifies against HEAD."""
    index_staged: bool
    """INDEX.md itself is among them."""
    rows: frozenset[int] | None
    """With ``index_staged``: the line numbers of INDEX.md that the staged
    change adds or alters; None when every line counts (a new INDEX.md, or
    one whose work-tree bytes differ from the staged ones)."""


def _git(root: Path, *args: str) -> bytes | None:
    env = dict(os.environ)
    env.pop("GIT_EXTERNAL_DIFF", None)
    env["GIT_TERMINAL_PROMPT"] = "0"
    try:
        proc = subprocess.run(
            ["git", *_SAFE, *args],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def changed_lines(diff: bytes) -> frozenset[int]:
    """The new-side line numbers that a ``git diff -U0`` adds or alters."""
    lines: set[int] = set()
    for m in _HUNK.finditer(diff):
        start = int(m.group(1))
        count = 1 if m.group(2) is None else int(m.group(2))
        lines.update(range(start, start + count))
    return frozenset(lines)


def git_state(root: Path, index_name: str = INDEX_NAME) -> GitState | None:
    """The staged state of the corpus at ``root``, or None when ``root`` is
    not inside a git work tree (or git cannot be run)."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside is None or inside.strip() != b"true":
        return None
    out = _git(
        root,
        "diff",
        "--cached",
        "--name-status",
        "-z",
        "--no-renames",
        "--relative",
        "--no-ext-diff",
        "--no-textconv",
        "--",
        ".",
    )
    if out is None:
        return None
    fields = out.split(b"\0")
    staged: set[str] = set()
    added_index = False
    for status, raw in zip(fields[::2], fields[1::2], strict=False):
        if not status or status[:1] == b"D":
            continue
        path = raw.decode("utf-8", "surrogateescape")
        staged.add(path)
        if path == index_name and status[:1] == b"A":
            added_index = True
    if index_name not in staged:
        return GitState(frozenset(staged), False, None)
    rows: frozenset[int] | None = None
    if not added_index and _same_as_staged(root, index_name):
        diff = _git(
            root,
            "diff",
            "--cached",
            "-U0",
            "--text",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--relative",
            "--",
            index_name,
        )
        rows = changed_lines(diff) if diff is not None else None
    return GitState(frozenset(staged), True, rows)


def _same_as_staged(root: Path, index_name: str) -> bool:
    """Whether the work tree's INDEX.md holds the staged bytes (inside a
    commit pre-commit sets unstaged changes aside, so it does)."""
    blob = _git(root, "cat-file", "blob", f":./{index_name}")
    if blob is None:
        return False
    try:
        with open(root / index_name, "rb") as fh:
            return fh.read() == blob
    except OSError:
        return False


@dataclass(frozen=True)
class ChunkScope(Scope):
    """The scope of one ``--pre-commit`` invocation (see the module's
    docstring): ``only`` are the files it was given."""

    staged: frozenset[str] = frozenset()
    index_path: str = INDEX_NAME
    index_staged: bool = False
    rows: frozenset[int] | None = None
    row_docs: frozenset[str] = field(default_factory=frozenset)
    """The documents that the changed INDEX.md rows name."""

    def changed(self, loc: Location) -> bool:
        """Whether the staged change touches ``loc``."""
        if loc.path == self.index_path:
            return self.index_staged and (self.rows is None or loc.line in self.rows)
        return loc.path in self.staged or loc.path in self.row_docs

    def carrier(self, loc: Location) -> str:
        """The file whose invocation prints a finding owned by ``loc``."""
        if loc.path == self.index_path or loc.path in self.staged:
            return loc.path
        if loc.path in self.row_docs:
            return self.index_path
        return loc.path

    def owner(self, f: Finding) -> Location | None:
        """The location that owns ``f``; None when nothing prints it (an
        unchanged row of a staged INDEX.md)."""
        for loc in (f.location, *f.related):
            if loc.path and self.changed(loc):
                return loc
        if f.path == self.index_path and self.index_staged:
            return None
        return f.location

    def keeps(self, f: Finding) -> bool:
        if not f.path:
            return True  # about the run itself (a plugin that failed to load)
        loc = self.owner(f)
        return loc is not None and self.named(self.carrier(loc))

    def covers(self, path: str, doc_id: str | None) -> bool:
        if not path:
            return True
        return self.keeps(Finding(path, 0, 0, "", "", Severity.ERROR, "", doc_id))

    def wanted(self, path: str) -> bool:
        """Whether findings on document ``path`` may be printed here."""
        return self.named(path) or (
            path in self.row_docs and path not in self.staged and self.named(self.index_path)
        )


def row_documents(catalogue: Catalogue, lines: Iterable[int] | None) -> frozenset[str]:
    """The normalised ``file`` cells of the rows on ``lines`` (every row
    when None)."""
    wanted = None if lines is None else set(lines)
    out: set[str] = set()
    for row in catalogue.rows:
        if row.file and (wanted is None or row.line in wanted):
            out.add(safe_relpath(row.file)[0] or row.file)
    return frozenset(out)


def chunk_scope(root: Path, only: frozenset[str], catalogue: Catalogue) -> ChunkScope | None:
    """The scope of a ``--pre-commit`` invocation given ``only``, or None
    outside a git work tree."""
    state = git_state(root, catalogue.path or INDEX_NAME)
    if state is None:
        return None
    row_docs: frozenset[str] = frozenset()
    if state.index_staged:
        row_docs = row_documents(catalogue, state.rows)
    return ChunkScope(
        only=only,
        staged=state.staged,
        index_path=catalogue.path or INDEX_NAME,
        index_staged=state.index_staged,
        rows=state.rows,
        row_docs=row_docs,
    )
