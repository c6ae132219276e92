"""``provlint fix``: rewrite legacy one-line headers as YAML front matter
and, with ``--unsafe-fixes``, write the date ``date-mismatch`` proposes.

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

**Unsafe fixes** (:func:`plan_fix` with ``unsafe=True``): the
``date-mismatch`` check runs on the corpus, and each document for which it
proposes a date (the URL, a stamp, a timestamp or a dateline agree on it:
the finding's ``properties``) gets that date in its INDEX.md ``date`` cell
and in its header's ``date`` (YAML front matter or the legacy date line),
wherever they say another day. Nothing else in the files changes; a header
edit is checked to read back with the new date and every other field and
the body the same. A document or INDEX.md reached through a symlink is
never written (the fix is refused and noted): a proposal is a guess that a
person accepts, for the file they see.

Like :mod:`provlint.indexer`, this module never prints or exits.
"""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalogue import parse_catalogue
from .config import Config
from .discovery import Target, resolve_inside, safe_relpath
from .headers import parse_front_matter, parse_legacy
from .indexer import (
    UNLISTABLE,
    IndexPlan,
    Note,
    document_paths,
    plan_cell_update,
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
class DateFix:
    """An unsafe fix: the date ``date-mismatch`` proposes for one document,
    what gives it, and where the old date is replaced (``index_row``: the
    line of its INDEX.md row; ``header``: whether its header changes)."""

    path: str
    proposed: str
    confidence: str
    reason: str
    old: list[str] = field(default_factory=list)
    index_row: int | None = None
    index_old: str = ""
    header: bool = False

    def describe(self) -> str:
        where = ", ".join(self.old)
        return (
            f"date {where} -> {self.proposed}: {self.reason} ({self.confidence} confidence; "
            "an unsafe fix)"
        )


@dataclass
class FixPlan:
    """What ``fix`` would do to one corpus."""

    root: Path
    fixes: list[FileFix] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    index: IndexPlan | None = None
    index_error: str | None = None  # set by apply_fix when INDEX.md could not be written
    dates: list[DateFix] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.fixes) or bool(self.index and self.index.changed)

    def index_dates(self, written: set[str] | None = None) -> dict[int, tuple[str, str]]:
        """INDEX.md rows whose date cell changes (line -> (old, new)); with
        ``written``, only for documents whose header, if it changes, was
        written (a row and its header move together)."""
        return {
            d.index_row: (d.index_old, d.proposed)
            for d in self.dates
            if d.index_row is not None and (written is None or not d.header or d.path in written)
        }


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


def plan_fix(
    target: Target,
    config: Config,
    documents: Sequence[str] | None = None,
    *,
    unsafe: bool = False,
) -> FixPlan:
    """Find every document of the corpus with a legacy header and plan its
    rewrite, and the INDEX.md digest update that goes with it. With
    ``unsafe``, also the dates ``date-mismatch`` proposes (see the module's
    docstring)."""
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
    if unsafe:
        _plan_dates(plan, target, config)
    plan.index = plan_cell_update(
        target.root, {f.path: (f.old_sha256, f.new_sha256) for f in plan.fixes}, plan.index_dates()
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
    dates = plan.index_dates({f.path for f in written})
    if written or dates:
        # Re-read INDEX.md now: only the rows of the files actually written.
        index = plan_cell_update(
            plan.root, {f.path: (f.old_sha256, f.new_sha256) for f in written}, dates
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


# --------------------------------------------------------------------------
# Unsafe fixes: the date date-mismatch proposes
# --------------------------------------------------------------------------

DATE_HEADERS = ("yaml-front-matter", "legacy-date-line")
"""The header formats whose date an unsafe fix rewrites."""


def set_header_date(raw: bytes, old: str, new: str) -> bytes:
    """``raw`` with its header's ``date`` (YAML front matter or the legacy
    date line) changed from ``old`` to ``new``, every other byte kept.

    Raises :class:`FixError` when the header does not hold ``old`` as its
    date, when the file is not clean UTF-8 up to the date, or when the
    result would not read back with the new date and everything else
    unchanged."""
    bom = _BOM if raw.startswith(_BOM) else b""
    text, _ = decode(raw)
    if text is None or raw[len(bom) :].startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FixError("not a UTF-8 text")
    header = parse_front_matter(text) or parse_legacy(text)
    if header is None or header.errors or str(header.fields.get("date")) != old:
        raise FixError(f"its header's date is no longer {old}")
    line, col = header.position("date")
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    at = start + col - 1
    if text.startswith(old, at):
        pass
    elif text[at : at + 1] in ("'", '"') and text.startswith(old + text[at], at + 1):
        at += 1
    else:
        raise FixError(f"its header's date {old} is not written where it was read")
    head = text[:at].encode("utf-8")
    if raw[len(bom) : len(bom) + len(head)] != head:
        raise FixError("the header is not clean UTF-8")
    cut = len(bom) + len(head)
    out = raw[:cut] + new.encode("utf-8") + raw[cut + len(old.encode("utf-8")) :]
    new_text, _ = decode(out)
    check = parse_front_matter(new_text or "") or parse_legacy(new_text or "")
    if (
        check is None
        or check.errors
        or check.format != header.format
        or check.fields != {**header.fields, "date": new}
        or check.body != header.body
    ):
        raise FixError("the header would not read back with the new date")
    return out


def _through_symlink(root: Path, rel: str) -> bool:
    """Whether ``root/rel`` is a symlink or lies below one (inside ``root``)."""
    here = root
    for part in rel.split("/"):
        here = here / part
        try:
            if here.is_symlink():
                return True
        except OSError:
            return True
    return False


def _proposals(target: Target, config: Config) -> dict[str, dict[str, Any]]:
    """Each document's proposal: the ``properties`` of its ``date-mismatch``
    findings that carry a ``proposed`` date (suppressed findings left out,
    and the message kept), by document path."""
    from .runner import run_target

    cfg = config.with_overrides(select=("date-mismatch",), extend_select=())
    report = run_target(target, cfg)
    out: dict[str, dict[str, Any]] = {}
    for f in report.findings:
        props = f.properties
        if f.check != "date-mismatch" or not props or "proposed" not in props:
            continue
        out.setdefault(str(props["document"]), dict(props) | {"message": f.message})
    return out


def _plan_dates(plan: FixPlan, target: Target, config: Config) -> None:
    """Add the dates ``date-mismatch`` proposes to ``plan``."""
    from .dates import parse_declared

    proposals = _proposals(target, config)
    if not proposals:
        return
    root = target.root
    if _through_symlink(root, "INDEX.md"):
        plan.notes.append(
            Note("INDEX.md", 0, "is a symlink; unsafe fixes never write through one (none made)")
        )
        return
    by_path = {f.path: f for f in plan.fixes}
    for key in sorted(proposals):
        props = proposals[key]
        proposed = str(props["proposed"])
        want = parse_declared(proposed)
        message = str(props.get("message", ""))
        reason = message.rsplit("; ", 1)[-1] if "; " in message else ""
        fix = DateFix(key, proposed, str(props.get("confidence", "")), reason)
        header_old: str | None = None
        refused = False
        for decl in props.get("declarations") or []:
            value = str(decl.get("value", ""))
            if parse_declared(value) == want:
                continue
            if decl.get("origin") == "index":
                fix.index_row = int(decl["line"])
                fix.index_old = value
                fix.old.append(f"{value} (INDEX.md:{decl['line']})")
            elif decl.get("origin") == "header" and decl.get("format") in DATE_HEADERS:
                header_old = value
                fix.path = str(decl["path"])
                fix.old.append(f"{value} ({decl['path']}:{decl['line']})")
            else:
                plan.notes.append(
                    Note(
                        str(decl.get("path", key)),
                        int(decl.get("line", 0)),
                        f"its date is declared in a {decl.get('format')} header, which unsafe "
                        "fixes do not rewrite; not changed",
                    )
                )
                refused = True
        if refused or not fix.old:
            continue
        if header_old is not None:
            rel = fix.path
            if _through_symlink(root, rel):
                plan.notes.append(
                    Note(rel, 0, "is a symlink; unsafe fixes never write through one (not changed)")
                )
                continue
            current = by_path.get(rel)
            try:
                raw = current.new if current is not None else read_regular(root / rel)
                new = set_header_date(raw, header_old, proposed)
            except (OSError, FixError) as exc:
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                plan.notes.append(Note(rel, 0, f"date not changed: {why}"))
                continue
            if current is not None:
                current.new = new
            else:
                f = FileFix(rel, root / rel, raw, new)
                plan.fixes.append(f)
                by_path[rel] = f
            fix.header = True
        plan.dates.append(fix)
