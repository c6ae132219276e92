"""The keyed protocol: corpus checks as keyed reductions.

A corpus check that needs facts from many documents (two rows sharing an
id, a link to an id nobody has, two texts alike) is written as a
:class:`KeyedCheck`, in two halves:

- :meth:`KeyedCheck.emit` runs once per document, in the document phase,
  wherever that runs (this process, a worker process, a dask worker). It
  looks at one document and returns small *records*, each under a *key*:
  ``(("id", "a1"), Claim(...))``. It must be pure: the same document gives
  the same records.
- :meth:`KeyedCheck.judge` runs once per key, in the corpus phase, with
  every record emitted under that key (from any document) and the corpus
  :class:`Totals`. It yields findings, and may yield :class:`Emit` records
  for keys of a *later stage*, which are judged in turn.

Because a check only ever sees one key's records at a time, provlint can
keep the records in an index on disk and, on the next run, re-emit only the
documents that changed and re-judge only the keys they touch: the output is
the same as a cold run's, at the cost of the change. The same halves run
distributed: emit on the workers, a shuffle by key, judge on the workers.

Keys and records
----------------
A key is a tuple whose first item names the check's *stage* (one of
:attr:`KeyedCheck.stages`) and whose other items are ``str``, ``int``,
``bool`` or ``None``: ``("id", "a1")``, ``("band", 7, 123456789)``. A record
is small plain data: a ``NamedTuple`` or frozen dataclass of ``str``,
``int``, ``float``, ``bool``, ``None``, ``bytes``, tuples and frozensets of
those, or an ``array.array`` (a MinHash signature), never a
:class:`~provlint.Document`. Record classes are listed in
:attr:`KeyedCheck.records`: they are the only classes provlint will rebuild
from its index on disk.

Records reach :meth:`~KeyedCheck.judge` in a fixed order: by their source
(INDEX.md first, for :meth:`~KeyedCheck.emit_catalogue`; then each emitting
document, by path; for records emitted by ``judge``, the emitting key),
then in the order they were emitted. A judge that needs another order (the
catalogue's row order, say) sorts on a field of its records.

Stages
------
A check with one stage emits keys of that stage and judges them. A check
may chain stages: duplicate-content goes from text-hash and LSH band keys
to candidate pairs to scored pairs. ``judge`` of stage *i* may emit only to
keys of stages after *i*; provlint judges every key of a stage before the
next stage starts.

Totals
------
Global counts reach ``judge`` explicitly, as :class:`Totals`. A check whose
judgements depend on them says how in :meth:`KeyedCheck.totals_key`:
provlint re-judges every key of the check when that value changes, and
only then (so a rule that switches method at 3,000 documents returns
``documents <= 3000``, not ``documents``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple

from .codec import weigh
from .model import Check, Finding

if TYPE_CHECKING:
    from .model import Catalogue, Document

__all__ = ["Emit", "Key", "KeyedCheck", "Totals"]

Key = tuple[Any, ...]
"""A key: ``(stage, item, ...)``, the items ``str``, ``int``, ``bool`` or ``None``."""


class Emit(NamedTuple):
    """A record for a key of a later stage, yielded by :meth:`KeyedCheck.judge`."""

    key: Key
    record: Any


class Totals(NamedTuple):
    """Corpus-wide counts, given to every :meth:`KeyedCheck.judge` call."""

    documents: int
    """Documents in the corpus (catalogue rows and discovered files)."""
    emitters: int = 0
    """Documents that emitted at least one record for this check."""


class KeyedCheck(Check):
    """Base class of a corpus check written as keyed reductions (see the
    module's documentation). It may also be a
    :class:`~provlint.DocumentCheck`, for per-document findings."""

    scope: ClassVar[Literal["document", "corpus"]] = "corpus"
    stages: ClassVar[tuple[str, ...]] = ()
    """The check's stages, in order; each key's first item is one of them."""
    records: ClassVar[tuple[type, ...]] = ()
    """The record classes the check emits (NamedTuples or frozen dataclasses)."""
    lonely: ClassVar[frozenset[str]] = frozenset()
    """Stages whose ``judge`` yields nothing for a key with a single record
    (an id only one document has): provlint skips those calls."""

    def emit(self, doc: Document) -> Iterable[tuple[Key, Any]]:
        """The document's keyed records. Called once per document, in any
        order and any process; it must not keep state between calls."""
        return ()

    def emit_catalogue(self, catalogue: Catalogue) -> Iterable[tuple[Key, Any]]:
        """Keyed records from INDEX.md as a whole: what its rows claim,
        including rows that name no document (no file, or a file another
        row names first). Called once per run, and again only when INDEX.md
        changes. Its records come before any document's."""
        return ()

    def judge(self, key: Key, records: Sequence[Any], totals: Totals) -> Iterable[Finding | Emit]:
        """Findings for one key, given every record emitted under it; and
        :class:`Emit` records for keys of later stages. Like ``emit``, it
        may run in another process (with ``--jobs``, each keyed check is
        judged in one of several): state it keeps on the check is not
        seen by the process that started the run, nor by other checks."""
        return ()

    def totals_key(self, totals: Totals) -> Hashable:
        """What the check's judgements depend on in ``totals`` (default:
        nothing). Every key is judged again when this changes."""
        return ()


_STAGES: dict[Any, dict[Any, int]] = {}
"""Each ``stages`` tuple seen, as stage name -> index (first wins)."""


def stage_of(check: KeyedCheck, key: Key) -> int:
    """The index of ``key``'s stage in ``check.stages``; ValueError when the
    key names no stage of the check, or is not a tuple."""
    if not isinstance(key, tuple) or not key:
        raise ValueError(f"a key must be a non-empty tuple (stage, ...), found {key!r}")
    stages = check.stages
    try:
        index = _STAGES.get(stages)
        if index is None:
            index = {}
            for i, name in enumerate(stages):
                index.setdefault(name, i)
            _STAGES[stages] = index
        return index[key[0]]
    except (KeyError, TypeError):  # no such stage, or an unhashable one
        pass
    try:
        return list(stages).index(key[0])
    except ValueError:
        raise ValueError(
            f"key {key!r} names no stage of check {check.name!r} (stages: {check.stages})"
        ) from None


_PLAIN = (type(None), str, int, float, bool, bytes, tuple, frozenset)
KEY_INT_BITS = 1024
"""The largest integer a key may hold, in bits (a key is stored as text)."""


def emitted(
    check: KeyedCheck, item: Any, seen: set[int] | None = None
) -> tuple[Key, Any, int]:
    """``item``, yielded by ``emit``, ``emit_catalogue`` or (as an
    :class:`Emit`) ``judge``, as (key, record, weight); ValueError when it
    is not a (key, record) pair with a key of one of the check's stages
    whose other items are ``str``, ``int``, ``bool`` or ``None``, or when
    the record is neither plain data nor of a class in
    :attr:`KeyedCheck.records`, or holds anything that provlint's
    restricted unpickler would not rebuild as it is
    (:func:`provlint.codec.weigh`).

    The weight is roughly the record's size in bytes, plus the key's
    strings; a record object already in ``seen`` (the same record under
    several keys) weighs only its key. Each record object is added to
    ``seen``."""
    _, key, record, weight = checked_emit(check, item, seen)
    return key, record, weight


def checked_emit(
    check: KeyedCheck, item: Any, seen: set[int] | None = None
) -> tuple[int, Key, Any, int]:
    """:func:`emitted`, with the index of the key's stage first:
    (stage, key, record, weight)."""
    if isinstance(item, Finding) or not isinstance(item, tuple) or len(item) != 2:
        shown = repr(item)[:80]
        raise ValueError(f"emit must yield (key, record) pairs, not {shown}")
    key, record = item
    stage = stage_of(check, key)
    weight = 8 * len(key)
    for part in key:
        kind = type(part)
        if kind is str:
            weight += len(part)
        elif kind is int:
            if part.bit_length() > KEY_INT_BITS:
                raise ValueError(f"an integer of more than {KEY_INT_BITS} bits in a key")
        elif part is not None and kind is not bool:
            raise ValueError(
                f"a key item of class {kind.__qualname__} in the key of stage {key[0]!r} "
                "(key items are str, int, bool or None)"
            )
    kind = type(record)
    if kind not in check.records and kind not in _PLAIN:
        raise ValueError(
            f"a record of class {kind.__qualname__}, which the check does not list in "
            "'records' (only plain data and the listed classes can be kept and sent to workers)"
        )
    if seen is not None:
        if id(record) in seen:
            return stage, key, record, weight
        seen.add(id(record))
    try:
        weight += weigh(record, check.records)
    except ValueError as exc:
        raise ValueError(f"a record of class {kind.__qualname__} that {exc}") from None
    return stage, key, record, weight
