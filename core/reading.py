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
import os
import stat
from typing import BinaryIO

__all__ = ["NotRegularFile", "kind_of", "open_regular", "read_inside", "read_regular"]

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
    only when it really lies inside ``root``: a path that leads out, or a
    symlink (at any level) that resolves outside, raises
    :class:`PermissionError` and nothing is opened. See :func:`read_regular`
    for ``limit``."""
    base = os.path.realpath(root)
    real = os.path.realpath(os.path.join(base, rel))
    if os.path.commonpath([base, real]) != base:
        raise PermissionError(errno.EACCES, "leads outside the corpus folder")
    return read_regular(real, limit)
