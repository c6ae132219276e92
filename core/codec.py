"""What provlint keeps on disk between runs, and how it reads it back safely.

Results and keyed records are pickled (fast, and exact for the records'
arrays and tuples), but a store can arrive with a cloned repository, so a
pickle from disk is never loaded with the standard unpickler:
:func:`loads` rebuilds only plain data (tuples, lists, dicts, sets, str,
bytes, numbers, ``array.array``, enums and dataclasses of provlint's model,
and the record classes the loaded checks declare). Any other global in the
stream fails the load, and a load that fails is a cache miss. The store is
also bound to the user (see :mod:`provlint.cache`): a database nobody on
this machine wrote is never used.
"""

from __future__ import annotations

import io
import pickle
import struct
from collections.abc import Iterable
from typing import Any

__all__ = ["allow", "dumps", "loads", "pack", "unpack", "unpack_one"]

_ALLOWED: set[tuple[str, str]] = {
    ("builtins", name)
    for name in (
        "tuple",
        "list",
        "dict",
        "set",
        "frozenset",
        "str",
        "bytes",
        "bytearray",
        "int",
        "float",
        "bool",
        "complex",
        "slice",
    )
} | {
    ("array", "array"),
    ("array", "_array_reconstructor"),
    ("copyreg", "_reconstructor"),
    ("copyreg", "__newobj__"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("collections", "OrderedDict"),
}
_PROVLINT_MODULES = (
    "provlint.model",
    "provlint.keyed",
    "provlint.suppress",
    "provlint.execution",
)


def allow(classes: Iterable[type]) -> None:
    """Let :func:`loads` rebuild instances of ``classes`` (a check's
    declared record classes)."""
    for cls in classes:
        _ALLOWED.add((cls.__module__, cls.__qualname__))
        _FOUND.pop((cls.__module__, cls.__qualname__), None)


_FOUND: dict[tuple[str, str], Any] = {}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _FOUND.get((module, name))
        if found is not None:
            return found
        found = self._allowed(module, name)
        _FOUND[(module, name)] = found
        return found

    def _allowed(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED or (
            module in _PROVLINT_MODULES and not name.startswith("_") and "." not in name
        ):
            found = super().find_class(module, name)
            if module in _PROVLINT_MODULES and not isinstance(found, type):
                raise pickle.UnpicklingError(f"{module}.{name} is not a class")
            return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in provlint's store")


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes) -> Any:
    """``blob`` unpickled with only plain data and allowed classes; raises
    (UnpicklingError and others) for anything else."""
    return _Unpickler(io.BytesIO(blob)).load()


def pack(values: list[Any]) -> bytes:
    """``values`` pickled one by one into one blob, any of which
    :func:`unpack_one` reads without unpickling the others: a little-endian
    count, the end offset of each value, then the values."""
    body = io.BytesIO()  # one buffer, not a bytes object per value
    ends = [body.write(dumps(v)) for v in values]
    total = 0
    for i, n in enumerate(ends):
        total += n
        ends[i] = total
    head = struct.pack(f"<{len(ends) + 1}I", len(ends), *ends)
    return b"".join((head, body.getbuffer()))


def unpack_one(blob: bytes, i: int) -> Any:
    """The ``i``-th value of a blob made by :func:`pack` (safely unpickled)."""
    (n,) = struct.unpack_from("<I", blob, 0)
    if not 0 <= i < n:
        raise pickle.UnpicklingError(f"no value {i} in a packed blob of {n}")
    base = 4 + 4 * n
    start = struct.unpack_from("<I", blob, 4 * i)[0] if i else 0
    (end,) = struct.unpack_from("<I", blob, 4 + 4 * i)
    return loads(bytes(blob[base + start : base + end]))


def unpack(blob: bytes) -> list[Any]:
    """Every value of a blob made by :func:`pack`."""
    (n,) = struct.unpack_from("<I", blob, 0)
    return [unpack_one(blob, i) for i in range(n)]
