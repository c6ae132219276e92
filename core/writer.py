"""Crash-safe file replacement.

:func:`atomic_write` never truncates or loses the file it replaces: the new
bytes go to a temporary file in the same folder, which is flushed to disk
and then renamed over the original in one step (``os.replace``). Whatever
happens, even ``SIGKILL`` or a power cut, the path holds either the complete
old bytes or the complete new ones. At worst a temporary file named
``.NAME.provlint-tmp-PID-RANDOM`` is left beside it;
:func:`remove_stale_temps` removes those once their writer is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TMP_MARK = ".provlint-tmp-"
# A temporary file older than this is stale even if its process id is in use
# again (process ids are reused; no write takes anywhere near this long).
STALE_AGE_SECONDS = 3600.0
_TMP_NAME = re.compile(r"^\.(?P<target>.+)" + re.escape(TMP_MARK) + r"(?P<pid>\d+)-[0-9a-f]+$")


def temp_name(target: str) -> str:
    """A fresh temporary file name for ``target`` (a file name, not a path)."""
    return f".{target}{TMP_MARK}{os.getpid()}-{secrets.token_hex(6)}"


def is_temp_name(name: str) -> bool:
    """True for a name :func:`atomic_write` gives its temporary files."""
    return _TMP_NAME.match(name) is not None


def atomic_write(path: str | os.PathLike[str], data: bytes, *, sync_folder: bool = True) -> None:
    """Replace the file at ``path`` with ``data``, atomically and durably
    (see :func:`atomic_file`, which this writes ``data`` through)."""
    with atomic_file(path, sync_folder=sync_folder) as fh:
        fh.write(data)


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike[str], *, sync_folder: bool = True) -> Iterator[BinaryIO]:
    """A binary file to write the new contents of ``path`` into; when the
    ``with`` block ends without an error, it replaces ``path`` atomically.

    The bytes go to a temporary file in the same folder, which is flushed
    and ``fsync``-ed; it takes the original's permission bits (and, where
    allowed, its owner and group), is renamed over the original with
    ``os.replace``, and the folder is ``fsync``-ed so the rename itself
    survives a crash. A new file gets the usual permissions (``0o666``
    less the umask). If the block raises (a renderer that crashes, say),
    or anything fails, the temporary file is removed and the error
    re-raised: the original is untouched, never truncated.

    **Symlinks are never written through.** If ``path`` is a symlink, the
    link itself is replaced by the new file and its target is neither
    opened nor changed: a checked folder could plant a link to any file.
    A caller that means to update a link's target resolves it first (and
    checks where it leads). A file with several hard links loses them: the
    path gets a new file.

    ``sync_folder=False`` skips the folder's ``fsync`` for a caller that
    writes many files and calls :func:`fsync_folder` once per folder at the
    end (the replacement is atomic either way; only its durability waits).
    """
    target = Path(os.path.abspath(path))
    folder = target.parent
    try:
        original: os.stat_result | None = os.lstat(target)
    except FileNotFoundError:
        original = None
    if original is not None and stat.S_ISLNK(original.st_mode):
        original = None  # the link is replaced; its target is never touched
    elif original is not None and not stat.S_ISREG(original.st_mode):
        raise IsADirectoryError(f"{target} is not a regular file")
    tmp = folder / temp_name(target.name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    # Private until it has the original's mode; a new file follows the umask.
    fd = os.open(tmp, flags, 0o600 if original is not None else 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            if original is not None:
                _copy_metadata(fh.fileno(), tmp, original)
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if sync_folder:
        fsync_folder(folder)


def _copy_metadata(fd: int, tmp: Path, original: os.stat_result) -> None:
    mode = stat.S_IMODE(original.st_mode)
    if hasattr(os, "fchown"):
        mine = os.fstat(fd)
        if (mine.st_uid, mine.st_gid) != (original.st_uid, original.st_gid):
            # Best effort: only root may give a file away; a member may set the group.
            try:
                os.fchown(fd, original.st_uid, original.st_gid)
            except OSError:
                with contextlib.suppress(OSError):
                    os.fchown(fd, -1, original.st_gid)
    # After fchown, which may clear set-id bits.
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # pragma: no cover - Windows
        os.chmod(tmp, mode)


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (renames, new files) to disk; a no-op where
    folders cannot be opened."""
    if os.name != "posix":  # pragma: no cover - folders cannot be opened on Windows
        return
    try:
        dfd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # pragma: no cover - unusual filesystems
        return
    try:
        os.fsync(dfd)
    except OSError:  # pragma: no cover - some filesystems refuse to fsync folders
        pass
    finally:
        os.close(dfd)


def _process_alive(pid: int) -> bool:
    if os.name != "posix":  # pragma: no cover - os.kill(pid, 0) would terminate it on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    except OSError:  # pragma: no cover
        return True
    return True


def stale_temps(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files left beside ``path`` by interrupted writes: their
    process is gone, or they are older than an hour."""
    target = Path(os.path.realpath(path))
    return stale_temps_in(target.parent, target.name)


def stale_temps_in(folder: str | os.PathLike[str], target: str | None = None) -> list[Path]:
    """The stale temporary files in ``folder`` (of any file, or of the file
    named ``target``)."""
    out: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return out
    now = time.time()
    for entry in entries:
        m = _TMP_NAME.match(entry.name)
        if m is None or (target is not None and m.group("target") != target):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        pid = int(m.group("pid"))
        if now - info.st_mtime > STALE_AGE_SECONDS or not _process_alive(pid):
            out.append(Path(entry.path))
    return sorted(out)


def remove_stale_temps(path: str | os.PathLike[str]) -> list[Path]:
    """Remove the stale temporary files of ``path``; return those removed.

    Removing the temporary file of a writer that is in fact still running
    is harmless: its ``os.replace`` fails and the original stays intact.
    """
    return _remove(stale_temps(path))


def remove_stale_temps_in(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove every stale temporary file in ``folder``; return those removed."""
    return _remove(stale_temps_in(folder))


def _remove(paths: list[Path]) -> list[Path]:
    removed = []
    for tmp in paths:
        try:
            os.unlink(tmp)
        except OSError:
            continue
        removed.append(tmp)
    return removed
