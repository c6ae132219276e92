"""Light documents kept on disk for the corpus phase.

Corpus checks see every document's metadata and summaries, but a large
corpus's light documents do not fit in memory (several KB each: a million
of them is several GB). :class:`DocumentStore` appends each one, pickled,
to an anonymous temporary file as the document phase produces it, and
reads them back one at a time whenever a corpus check iterates over
``corpus.documents``: memory stays flat, the price is one unpickling per
document per pass. Below :data:`STREAM_FROM` documents the store simply
keeps the objects.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from typing import IO, overload

from .model import Document

CHUNK = 1 << 20
STREAM_FROM = 20_000
"""Corpora with at least this many documents stream their light documents
through a temporary file."""


class DocumentStore(Sequence[Document]):
    """A sequence of light documents, in memory or in a temporary file."""

    def __init__(self, stream: bool) -> None:
        self.stream = stream
        self._items: list[Document] = []
        self._file: IO[bytes] | None = None
        self._ends = array("Q")
        self._writing = True

    def append(self, doc: Document, blob: bytes | None = None) -> None:
        """Add ``doc`` (``blob``: the document already pickled, if at hand)."""
        if not self.stream:
            self._items.append(doc)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="provlint-", suffix=".docs", buffering=CHUNK)
        data = blob if blob is not None else pickle.dumps(doc, pickle.HIGHEST_PROTOCOL)
        self._file.write(data)
        self._ends.append((self._ends[-1] if self._ends else 0) + len(data))

    def __len__(self) -> int:
        return len(self._ends) if self.stream else len(self._items)

    def __iter__(self) -> Iterator[Document]:
        if not self.stream:
            yield from self._items
            return
        if self._file is None:
            return
        self._file.flush()
        fd = self._file.fileno()
        # pread at explicit offsets, about a megabyte at a time: iterators
        # share no file position, so they may nest or interleave.
        buf = b""
        buf_start = 0
        start = 0
        for end in self._ends:
            if end > buf_start + len(buf):
                buf = os.pread(fd, max(CHUNK, end - start), start)
                buf_start = start
            yield pickle.loads(buf[start - buf_start : end - buf_start])
            start = end

    @overload
    def __getitem__(self, index: int) -> Document: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Document]: ...

    def __getitem__(self, index: int | slice) -> Document | Sequence[Document]:
        if not self.stream:
            return self._items[index]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("document index out of range")
        assert self._file is not None
        self._file.flush()
        start = self._ends[index - 1] if index else 0
        data = os.pread(self._file.fileno(), self._ends[index] - start, start)
        doc: Document = pickle.loads(data)
        return doc

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._items = []
