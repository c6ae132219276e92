"""Opening files from a hostile folder.

Every file provlint reads from a checked folder (documents, INDEX.md, the
configuration, a baseline) is opened here. A name in the folder may be a
named pipe, a socket or a device instead of a file: opening a FIFO for
reading blocks until a writer appears, which is forever, and reading a
device never ends. So a file is opened without blocking, checked with
``fstat`` on the descriptor that will be read (no race between the check
and the read), and anything but a regular file is refused with
:class:`NotRegularFile`, an :class:`OSError` whose ``strerror`` says what
the name is.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from .model import Document, Header

__all__ = [
    "HEADER_BYTES",
    "NotRegularFile",
    "decode",
    "kind_of",
    "open_regular",
    "read_document",
    "read_inside",
    "read_regular",
]

HEADER_BYTES = 64 * 1024
"""What is read of a too-large document: its header."""

_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


class NotRegularFile(OSError):
    """The name is not a regular file: a folder, a named pipe, a socket or a
    device. ``strerror`` says which, ready for a message ("is a named pipe
    (FIFO), not a regular file")."""


def kind_of(mode: int) -> str:
    """What a file of ``mode`` is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a symlink"
    return "not a regular file"


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` for reading in binary mode if it is a regular file.

    The file is opened without blocking (a FIFO opens at once instead of
    waiting for a writer) and checked with ``fstat`` on the open
    descriptor. Raises :class:`NotRegularFile` for anything else, and the
    usual :class:`OSError` subclasses (``FileNotFoundError``,
    ``PermissionError``, ...) when it cannot be opened; a socket (which
    cannot be opened at all) is reported as one.
    """
    try:
        fd = os.open(path, _FLAGS)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a device with nothing behind it
            try:
                mode = os.stat(path).st_mode
            except OSError:
                raise exc from None
            raise NotRegularFile(errno.ENXIO, f"is {kind_of(mode)}, not a regular file") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            code = errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL
            raise NotRegularFile(code, f"is {kind_of(mode)}, not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return open(fd, "rb")  # the caller closes it
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | os.PathLike[str], limit: int | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (see :func:`open_regular`).

    With ``limit``, at most ``limit + 1`` bytes are read, so a caller can
    tell "exactly at the limit" from "over it" without reading a huge file
    whole.
    """
    with open_regular(path) as fh:
        return fh.read() if limit is None else fh.read(limit + 1)


def read_inside(root: str | os.PathLike[str], rel: str, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``rel`` (relative to ``root``), read
    only when it really lies inside ``root``: a path that leads out, a
    symlink (at any level) that resolves outside, or a file in ``.git`` (see
    :data:`provlint.discovery.PRIVATE_FOLDERS`) raises
    :class:`PermissionError` and nothing is opened. See :func:`read_regular`
    for ``limit``."""
    from .discovery import private_part

    base = os.path.realpath(root)
    real = os.path.realpath(os.path.join(base, rel))
    if os.path.commonpath([base, real]) != base:
        raise PermissionError(errno.EACCES, "leads outside the corpus folder")
    folder = private_part(Path(os.path.relpath(real, base)).parts)
    if folder is not None:
        raise PermissionError(errno.EACCES, f"lies in {folder}")
    return read_regular(real, limit)


def decode(raw: bytes) -> tuple[str | None, tuple[int, str] | None]:
    """Decode a document's bytes. Returns (text, problem): text is None for
    binary data; problem is (byte offset, what) for anything not clean
    UTF-8. A UTF-8 BOM is dropped silently; a UTF-16 BOM is decoded."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), (0, "UTF-16 (byte-order mark); expected UTF-8")
        except UnicodeDecodeError as exc:
            return None, (exc.start, "invalid UTF-16")
    nul = raw.find(b"\x00", 0, 8192)
    if nul >= 0:
        return None, (nul, "binary data (NUL byte)")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return raw.decode("utf-8", "replace"), (
            exc.start,
            f"invalid UTF-8 byte 0x{raw[exc.start]:02x}",
        )


def other_normalisation(
    rel: str, resolve: Callable[[str], tuple[Path | None, str | None]]
) -> Path | None:
    """The path (relative, as ``rel``) under which the file exists in the
    other Unicode normalisation of the last component of ``rel`` (macOS
    archives often carry decomposed names), if it does inside the corpus:
    ``resolve`` (see :func:`read_document`) maps the other name to a real
    path inside the corpus, and a symlink leading out counts as nothing
    there, whether or not its target exists (telling the two apart would
    probe the file system outside)."""
    import unicodedata

    parent, sep, name = rel.rpartition("/")
    for form in ("NFC", "NFD"):
        alt = unicodedata.normalize(form, name)
        if alt == name:
            continue
        alt_rel = f"{parent}{sep}{alt}"
        real, _ = resolve(alt_rel)
        if real is not None and os.path.lexists(real):
            return Path(alt_rel)
    return None


def unreadable(exc: OSError) -> str:
    """Why a file could not be opened, for a message."""
    if exc.errno == errno.ENAMETOOLONG:
        return "cannot be read: its path is longer than the system allows (nested too deeply)"
    return f"cannot be read: {exc.strerror or exc}"


def _read_upto(fh: BinaryIO, most: int) -> bytes:
    """At most ``most`` bytes of ``fh``, without allocating more than the
    file holds: a configuration's limit may be far larger than memory, and
    ``read(n)`` sets ``n`` bytes aside before it reads. The file's size (from
    ``fstat``) sizes the first read; a file that grew since is read on in
    chunks, so any file of at most ``most`` bytes is read whole."""
    try:
        size = os.fstat(fh.fileno()).st_size
    except (OSError, AttributeError, ValueError):
        size = 0
    first = fh.read(min(most, size + 1))
    if len(first) < min(most, size + 1):
        return first  # end of file
    chunks = [first]
    have = len(first)
    while have < most:
        chunk = fh.read(min(1 << 20, most - have))
        if not chunk:
            break
        chunks.append(chunk)
        have += len(chunk)
    return first if len(chunks) == 1 else b"".join(chunks)


def read_document(
    doc: Document,
    resolve: Callable[[str], tuple[Path | None, str | None]],
    limit: int,
    parse_header: Callable[[str, str], Header | None],
) -> None:
    """Fill ``doc`` from disk: one read, then hash, decode, header.

    ``resolve`` maps the normalised path to a real path inside the corpus
    (a :class:`provlint.discovery.Resolver`); a document larger than
    ``limit`` bytes is hashed in chunks and only its first
    :data:`HEADER_BYTES` are decoded, for the header. Whatever goes wrong
    is recorded on the document (``read_error``, ``escapes_root``,
    ``decode_error``), never raised."""
    from .discovery import safe_relpath

    rel, why = safe_relpath(doc.path)
    if rel is None:
        doc.escapes_root = True
        doc.read_error = why
        return
    real, why = resolve(rel)
    if real is None:
        doc.escapes_root = True
        doc.read_error = why
        return
    try:
        with open_regular(real) as fh:
            raw = _read_upto(fh, limit + 1)
            if len(raw) > limit:
                # Too large: hash it all in chunks, keep only the top for the header.
                digest = hashlib.sha256(raw)
                size = len(raw)
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
                    size += len(chunk)
                doc.exists = True
                doc.size = size
                doc.sha256 = digest.hexdigest()
                doc.too_large = True
                top, doc.decode_error = decode(raw[:HEADER_BYTES])
                if top is not None:
                    doc.header = parse_header(doc.path, top)
                    if doc.header is not None:
                        doc.header.body = ""
                return
    except FileNotFoundError:
        other = other_normalisation(rel, resolve)
        if other is not None:
            doc.read_error = (
                f"is not on disk under that name, but {other.name!r} is: the same name "
                "in another Unicode normalisation (NFC/NFD); rename one to match"
            )
            doc.exists = True
        return
    except NotRegularFile as exc:  # a folder, a named pipe, a socket, a device
        doc.exists = True
        doc.read_error = exc.strerror
        return
    except IsADirectoryError:
        doc.exists = True
        doc.read_error = "is a folder, not a regular file"
        return
    except OSError as exc:
        doc.exists = True
        doc.read_error = unreadable(exc)
        return
    doc.exists = True
    doc.size = len(raw)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    doc.text, doc.decode_error = decode(raw)
    if doc.decode_error is not None:
        doc.raw = raw  # for checks that describe the bad bytes
    if doc.text is not None:
        doc.header = parse_header(doc.path, doc.text)
