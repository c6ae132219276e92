"""``provlint fix``: rewrite legacy one-line headers as YAML front matter.

A legacy header is the first line's `` date 2021-12-05 `` with the body
carrying on on the same line. ``fix`` turns ::

     date 2021-12-05 Registration was successful!
    Please follow the link...

into ::

    ---
    date: 2021-12-05
    ---
    Registration was successful!
    Please follow the link...

The body (everything after the date and the one space or tab that follows
it, as :func:`provlint.headers.parse_legacy` reads it) is kept byte for
byte: the new file is the front matter followed by the original bytes from
that offset on. The front matter uses the file's own newline (CRLF when its
first line ends in CRLF) and a UTF-8 byte-order mark stays in front.

Only documents of the corpus (INDEX.md rows and files matching the document
globs) are touched, and only inside the corpus folder. With ``write``, each
file is replaced atomically, then the ``sha256`` cells of their rows are
updated through the indexer (:func:`provlint.indexer.plan_digest_update`).

Like :mod:`provlint.indexer`, this module never prints or exits.
"""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import parse_catalogue
from .config import Config
from .discovery import Target, resolve_inside, safe_relpath
from .headers import parse_front_matter, parse_legacy
from .indexer import (
    UNLISTABLE,
    IndexPlan,
    Note,
    document_paths,
    plan_digest_update,
    read_index_text,
    unified_diff,
)
from .reading import NotRegularFile, decode, read_regular

_BOM = b"\xef\xbb\xbf"


class FixError(Exception):
    """A rewrite that would not read back as intended (not written)."""


def fix_bytes(raw: bytes) -> bytes | None:
    """The document with its legacy header rewritten as YAML front matter,
    or None when it has no legacy header (or cannot be rewritten safely:
    binary, UTF-16, already front matter).

    Raises :class:`FixError` if the result would not parse back to the same
    date and the same body (it never should)."""
    bom = _BOM if raw.startswith(_BOM) else b""
    rest = raw[len(bom) :]
    if rest.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    text, _ = decode(raw)
    if text is None or parse_front_matter(text) is not None:
        return None
    header = parse_legacy(text)
    if header is None:
        return None
    date = str(header.fields["date"])
    prefix_len = len(text) - len(header.body)
    prefix = text[:prefix_len]
    # The legacy header is ASCII, so characters and bytes agree up to the body.
    if not prefix.isascii() or rest[:prefix_len] != prefix.encode("ascii"):
        raise FixError("the legacy header is not plain ASCII")
    first_nl = rest.find(b"\n")
    newline = b"\r\n" if first_nl > 0 and rest[first_nl - 1 : first_nl] == b"\r" else b"\n"
    front = b"---" + newline + b"date: " + date.encode("ascii") + newline + b"---" + newline
    new = bom + front + rest[prefix_len:]
    # Check: the new file reads as front matter with that date and the same body.
    new_text, _ = decode(new)
    check = parse_front_matter(new_text) if new_text is not None else None
    if (
        check is None
        or check.errors
        or check.fields != {"date": date}
        or check.body != header.body
        or new[len(bom) + len(front) :] != rest[prefix_len:]
    ):
        raise FixError("the rewritten header would not read back as the same date and body")
    return new


@dataclass
class FileFix:
    """One document to rewrite."""

    path: str  # relative to the corpus root, POSIX
    real: Path
    old: bytes
    new: bytes

    @property
    def old_sha256(self) -> str:
        return hashlib.sha256(self.old).hexdigest()

    @property
    def new_sha256(self) -> str:
        return hashlib.sha256(self.new).hexdigest()

    def diff(self, label: str | None = None) -> str:
        return unified_diff(self.old, self.new, label or self.path)


@dataclass
class FixPlan:
    """What ``fix`` would do to one corpus."""

    root: Path
    fixes: list[FileFix] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    index: IndexPlan | None = None
    index_error: str | None = None  # set by apply_fix when INDEX.md could not be written

    @property
    def changed(self) -> bool:
        return bool(self.fixes) or bool(self.index and self.index.changed)


def corpus_documents(
    target: Target, config: Config, documents: Sequence[str] | None = None
) -> tuple[list[str], list[Note]]:
    """The corpus's documents that ``fix`` may touch: rows and discovered
    files, normalised, restricted to the named files when ``target.only``
    is set. Named files that are not documents are noted."""
    notes: list[Note] = []
    _, text, _ = read_index_text(target.root)
    cat = parse_catalogue(text or "")
    unreadable: list[str] = []
    by_path, found = document_paths(target.root, cat, config, documents, unreadable)
    notes.extend(Note(folder, 0, UNLISTABLE) for folder in unreadable)
    paths: list[str] = []
    seen: set[str] = set()
    for rel in [*by_path, *found]:
        norm, why = safe_relpath(rel)
        if norm is None:
            notes.append(Note(rel, 0, f"{why}; skipped"))
            continue
        if norm not in seen:
            seen.add(norm)
            paths.append(norm)
    if target.only is not None:
        only = target.only
        # Entries ending in "/" name a folder: every document below it.
        for named in sorted(o for o in only - seen if not o.endswith("/")):
            notes.append(
                Note(
                    named,
                    0,
                    "not a document of the corpus (no INDEX.md row, and it does not match the "
                    "document globs); skipped",
                )
            )
        paths = [
            p for p in paths if p in only or any(o.endswith("/") and p.startswith(o) for o in only)
        ]
    return sorted(paths), notes


def plan_fix(target: Target, config: Config, documents: Sequence[str] | None = None) -> FixPlan:
    """Find every document of the corpus with a legacy header and plan its
    rewrite, and the INDEX.md digest update that goes with it."""
    plan = FixPlan(target.root)
    paths, plan.notes = corpus_documents(target, config, documents)
    root_real = target.root.resolve()
    done: set[Path] = set()
    for rel in paths:
        real, why = resolve_inside(root_real, rel)
        if real is None:
            plan.notes.append(Note(rel, 0, f"{why}; skipped"))
            continue
        if real in done:
            continue  # two names (a symlink) for one file
        try:
            raw = read_regular(real)
        except FileNotFoundError:
            continue  # a row whose file is missing: validate reports it
        except NotRegularFile as exc:  # a folder, a named pipe, a socket, a device
            if exc.errno != errno.EISDIR:  # a folder named like a document: not one
                plan.notes.append(Note(rel, 0, f"{exc.strerror}; skipped"))
            continue
        except OSError as exc:
            plan.notes.append(Note(rel, 0, f"cannot be read: {exc.strerror or exc}; skipped"))
            continue
        done.add(real)
        try:
            new = fix_bytes(raw)
        except FixError as exc:
            plan.notes.append(Note(rel, 1, f"{exc}; not rewritten"))
            continue
        if new is None:
            if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                text, _ = decode(raw)
                if text is not None and parse_legacy(text) is not None:
                    plan.notes.append(
                        Note(
                            rel,
                            1,
                            "has a legacy header but is UTF-16; not rewritten "
                            "(convert it to UTF-8 first)",
                        )
                    )
            continue
        plan.fixes.append(FileFix(rel, real, raw, new))
    plan.index = plan_digest_update(
        target.root, {f.path: (f.old_sha256, f.new_sha256) for f in plan.fixes}
    )
    plan.notes.extend(plan.index.notes)
    return plan


def apply_fix(plan: FixPlan) -> tuple[list[FileFix], list[Note]]:
    """Write the planned rewrites (each atomically, after checking the file
    did not change since it was planned), then the INDEX.md digests of the
    files written. Returns the files written and notes on those skipped."""
    from .writer import atomic_write, fsync_folder, remove_stale_temps_in

    written: list[FileFix] = []
    notes: list[Note] = []
    folders = sorted({fix.real.parent for fix in plan.fixes})
    for folder in folders:
        remove_stale_temps_in(folder)
    for fix in plan.fixes:
        try:
            current = read_regular(fix.real)
        except OSError as exc:
            notes.append(Note(fix.path, 0, f"cannot be read: {exc.strerror or exc}; not rewritten"))
            continue
        if current != fix.old:
            notes.append(Note(fix.path, 0, "changed while fixing; not rewritten"))
            continue
        try:
            atomic_write(fix.real, fix.new, sync_folder=False)
        except OSError as exc:
            notes.append(Note(fix.path, 0, f"cannot be written: {exc.strerror or exc}"))
            continue
        written.append(fix)
    for folder in folders:
        fsync_folder(folder)
    if written:
        # Re-read INDEX.md now: only the rows of the files actually written.
        index = plan_digest_update(
            plan.root, {f.path: (f.old_sha256, f.new_sha256) for f in written}
        )
        plan.index = index
        if index.changed:
            remove_stale_temps_in(index.index_file.parent)
            try:
                index.write()
            except OSError as exc:
                plan.index_error = f"cannot be written: {exc.strerror or exc}"
                notes.append(
                    Note(
                        "INDEX.md",
                        0,
                        f"{plan.index_error}; its sha256 cells are stale until "
                        "'provlint index' runs",
                    )
                )
    return written, notes
