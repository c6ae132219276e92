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

import dataclasses
import enum
import io
import pickle
import struct
import sys
from array import array
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, timedelta, timezone
from typing import Any

__all__ = ["allow", "dumps", "loads", "pack", "unpack", "unpack_one", "weigh"]

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


# --------------------------------------------------------------------------
# What a record may hold
# --------------------------------------------------------------------------

DEPTH = 64
"""How deeply values may nest in a record."""

_SCALARS = frozenset({type(None), bool, float, complex, date, timedelta, timezone})
_SIZED = frozenset({str, bytes, bytearray})
_ITEMS = frozenset({tuple, list, set, frozenset})
_MAPPINGS = frozenset({dict, OrderedDict})
_NAMEDTUPLE_ARGS = getattr(namedtuple("_Probe", "a"), "__getnewargs__").__code__  # noqa: B009
_HOOKS = ("__reduce__", "__reduce_ex__", "__getstate__", "__setstate__", "__getnewargs_ex__")
_ROUND_TRIP = "round trip"
_PARTS: dict[type, Callable[[Any], Iterable[Any]] | str | None] = {}


def weigh(value: Any, listed: Collection[type] = ()) -> int:
    """Roughly how many bytes ``value`` holds (strings and bytes by length,
    arrays by their bytes, 8 more for each value), when :func:`loads`
    rebuilds ``dumps(value)`` as it is: plain data, ``array.array``,
    dates, provlint's own classes, and instances of the ``listed`` classes
    (a keyed check's records), nested at most :data:`DEPTH` deep. Raises
    ValueError, its message saying what the value holds that would not be
    rebuilt. Runs no code of the value's classes, except the pickling
    methods of a listed class that has its own (then the value is pickled
    and unpickled to see)."""
    return _weigh(value, listed, 0)


def _weigh(value: Any, listed: Collection[type], depth: int) -> int:
    kind = type(value)
    if kind in _SIZED:
        return 8 + len(value)
    if kind is int:
        return 8 + int(value.bit_length()) // 8
    if kind in _SCALARS:
        return 8
    if depth >= DEPTH:
        raise ValueError(f"nests values more than {DEPTH} deep")
    if kind in _ITEMS:
        return 8 + _weigh_all(value, listed, depth + 1)
    if kind in _MAPPINGS:
        return 8 + _weigh_all(value.keys(), listed, depth + 1) + _weigh_all(
            value.values(), listed, depth + 1
        )
    if kind is array:
        return 8 + int(value.itemsize) * len(value)
    if kind is datetime and (value.tzinfo is None or type(value.tzinfo) is timezone):
        return 8
    parts = _PARTS[kind] if kind in _PARTS else _parts_of(kind, listed)
    if parts is None:
        raise ValueError(
            f"holds a value of class {kind.__module__}.{kind.__qualname__}, which provlint "
            "does not rebuild (plain data, array.array, dates, provlint's Location and "
            "Declared, and the classes the check lists in 'records')"
        )
    if isinstance(parts, str):
        return 8 + _round_trip(value)
    return 8 + _weigh_all(parts(value), listed, depth + 1)


def _weigh_all(values: Iterable[Any], listed: Collection[type], depth: int) -> int:
    """The weight of each of ``values`` (strings and numbers without a call:
    records are mostly those)."""
    total = 0
    for value in values:
        kind = type(value)
        if kind is str:
            total += 8 + len(value)
        elif kind is int:
            total += 8 + value.bit_length() // 8
        elif value is None or kind is bool or kind is float:
            total += 8
        else:
            total += _weigh(value, listed, depth)
    return total


def _parts_of(kind: type, listed: Collection[type]) -> Callable[[Any], Iterable[Any]] | str | None:
    """How to reach what an instance of ``kind`` pickles: its tuple items,
    its fields, nothing (an enum), :data:`_ROUND_TRIP` (a listed class that
    pickles in a way of its own), or None when :func:`loads` refuses the
    class. Kept per class: a listed class is listed for the whole process."""
    parts: Callable[[Any], Iterable[Any]] | str | None = None
    if kind.__module__ in _PROVLINT_MODULES:
        if kind.__qualname__.startswith("_") or "." in kind.__qualname__:
            parts = None
        elif issubclass(kind, enum.Enum):
            parts = _nothing
        elif issubclass(kind, tuple) and hasattr(kind, "_fields"):
            parts = tuple.__iter__
        elif dataclasses.is_dataclass(kind):
            parts = _fields_of(tuple(f.name for f in dataclasses.fields(kind)))
    elif kind in listed:
        parts = tuple.__iter__ if _plain_namedtuple(kind) else _ROUND_TRIP
    else:
        return None  # another check may list it
    _PARTS[kind] = parts
    return parts


def _plain_namedtuple(kind: type) -> bool:
    """Whether ``kind`` is a NamedTuple that pickles as one: its items and
    the name it is found under, with no pickling methods, iteration or
    ``__dict__`` of its own."""
    if not issubclass(kind, tuple) or not hasattr(kind, "_fields") or kind.__dictoffset__:
        return False
    if getattr(getattr(kind, "__getnewargs__", None), "__code__", None) is not _NAMEDTUPLE_ARGS:
        return False
    if kind.__iter__ is not tuple.__iter__:
        return False
    if any(getattr(kind, hook, None) is not getattr(tuple, hook, None) for hook in _HOOKS):
        return False
    found: Any = sys.modules.get(kind.__module__)
    for part in kind.__qualname__.split("."):
        found = getattr(found, part, None)
    return found is kind


def _nothing(value: Any) -> Iterable[Any]:
    return ()


def _fields_of(names: tuple[str, ...]) -> Callable[[Any], Iterable[Any]]:
    def fields(value: Any) -> Iterable[Any]:
        return [getattr(value, name) for name in names]

    return fields


def _round_trip(value: Any) -> int:
    """The size of ``value``'s pickle, once :func:`loads` has rebuilt it."""
    try:
        blob = dumps(value)
        loads(blob)
    except Exception as exc:
        raise ValueError(
            f"cannot be rebuilt from its pickle ({type(exc).__name__}: {exc})"
        ) from None
    return len(blob)


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
