"""Text signatures for finding duplicated documents.

Per document: the words of the text with case, punctuation and digits
folded; a hash of them (exact duplicates); the set of word 5-gram shingles,
hashed to 32 bits; and a one-permutation MinHash signature of that set
(``SIG_BINS`` values, 512 bytes). Corpus checks see signatures, never texts.
:func:`text_print` computes the first three a chunk of text at a time, so a
large document costs its shingles at 4 bytes each, not a list of its words.

Two ways to compare:

- :func:`exact_pairs`: every pair of documents that share a shingle, scored
  exactly from the shingle sets (an inverted index; for corpora up to a few
  thousand documents);
- :func:`lsh_pairs`: candidates from LSH banding over the signatures,
  scored from the signatures (for large corpora: memory and time linear in
  the number of documents).

Both score a pair by Jaccard (shared / union) and by containment (the share
of the smaller text found in the other): a raw page scrape and its cleaned
copy have a low Jaccard but a containment near 1.

Fast paths: when numpy is installed (the ``fast`` extra) and not switched off
(:mod:`provlint.fastpath`), the corpus-phase functions :func:`estimate` and
:func:`lsh_pairs` run vectorised, and :func:`words` maps its steps in C. Each
gives exactly the result of its pure-Python reference (the ``_*_py``
functions), which ``tests/test_fastpath.py`` checks both ways. numpy is
imported on first use, never at module import. Per document, numpy only
takes the last steps of the shingles (mixing, sorting, dropping repeats:
the hashes stay zlib's CRCs) and of a signature, when the caller passes it
or the hashes come as an array; duplicate-content does so from
:data:`TEXT_NUMPY_FROM` documents (a small corpus would pay more for the
import than it saves).
"""

from __future__ import annotations

import hashlib
import math
import re
import string
import zlib
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import combinations, repeat
from typing import Any

from provlint import fastpath

SHINGLE = 5
SIG_BINS = 128
NUMPY_FROM = 1000
"""Signatures from which :func:`lsh_pairs` takes its numpy path."""
BAND_ROWS = 3
EMPTY = 0xFFFFFFFF
_PUNCT = (
    string.punctuation
    + string.digits
    + "\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u2013\u2014\u2026\u00b7\u2022\u00a9\u00ae\u2122"
)
_MIX = 0x9E3779B1
_I_IS_U32 = array("I").itemsize == 4


def words(text: str) -> list[str]:
    """The text's words, lower-cased, punctuation and digits folded away."""
    if fastpath.pure_python():
        return _words_py(text)
    return _words_c(text)


def _words_c(text: str) -> list[str]:
    # The reference's steps, each mapped in C: split, strip, drop the empty.
    return list(filter(None, map(str.strip, text.lower().split(), repeat(_PUNCT))))


def _words_py(text: str) -> list[str]:
    return [w for w in (x.strip(_PUNCT) for x in text.lower().split()) if w]


def text_hash(tokens: list[str]) -> str:
    """A hash of the normalised text: equal for exact duplicates that differ
    only in case, whitespace, punctuation or digits."""
    return hashlib.blake2b(" ".join(tokens).encode("utf-8"), digest_size=12).hexdigest()


def shingles(tokens: list[str]) -> set[int]:
    """Word 5-gram shingles, each hashed to 32 bits."""
    w = tokens
    # :func:`_shingles_py`'s steps, each mapped in C but the last.
    grams = map(" ".join, zip(w, w[1:], w[2:], w[3:], w[4:], strict=False))
    return {(c * _MIX) & 0xFFFFFFFF for c in map(zlib.crc32, map(str.encode, grams))}


def _shingles_py(tokens: list[str]) -> set[int]:
    """The reference for :func:`shingles`."""
    w = tokens
    return {
        (zlib.crc32(" ".join(t).encode("utf-8")) * _MIX) & 0xFFFFFFFF
        for t in zip(w, w[1:], w[2:], w[3:], w[4:], strict=False)
    }


_SPACE = re.compile(r"\s")  # what str.split splits on
CHUNK = 1 << 20
"""Characters of text :func:`text_print` reads at a time."""


def text_print(
    text: str,
    chunk: int = CHUNK,
    *,
    shingled: bool = True,
    ordered: bool = True,
    np: Any = None,
) -> tuple[int, str, array]:  # type: ignore[type-arg]
    """The number of :func:`words` of ``text``, their :func:`text_hash` and
    their sorted distinct :func:`shingles` (as 32-bit values), exactly as
    from the whole word list, but read ``chunk`` characters at a time (cut
    at whitespace): a 16 MB text costs its shingles at 4 bytes each, not a
    list of its 2.7 million words and a set of their shingles (about 35
    bytes per byte of text).

    ``shingled=False`` leaves the shingles out (an empty array) for a
    caller that needs only the count and the hash; ``ordered=False`` lets
    a text read in one chunk give its distinct shingles unsorted (for a
    MinHash signature, which does not depend on their order). ``np`` is
    numpy, when the caller finds its import worth it (a large corpus): the
    shingles are then mixed, sorted and made distinct by numpy (the same
    values, sorted, for half the cost per document)."""
    digest = hashlib.blake2b(digest_size=12)
    runs: list[array] = []  # type: ignore[type-arg]
    carry: list[str] = []
    count = 0
    start, n = 0, len(text)
    whole = n <= chunk
    while start < n:
        end = start + chunk
        if end < n:
            space = _SPACE.search(text, end)
            end = space.start() if space else n
        else:
            end = n
        tokens = words(text[start:end])
        if tokens:
            digest.update((" " * bool(count) + " ".join(tokens)).encode("utf-8"))
            count += len(tokens)
            if shingled:
                window = carry + tokens if carry else tokens
                if np is not None and _I_IS_U32:
                    run = _shingles_np(np, window)
                    if run:
                        runs.append(run)
                else:
                    hashes = shingles(window)
                    if hashes:
                        runs.append(array("I", sorted(hashes) if ordered or not whole else hashes))
                carry = window[-(SHINGLE - 1) :]
        start = end
    return count, digest.hexdigest(), _merged(runs)


def _shingles_np(np: Any, tokens: list[str]) -> array:  # type: ignore[type-arg]
    """The sorted distinct :func:`shingles` of ``tokens``: the CRCs in C,
    mixed (a 32-bit product wraps as the reference's mask cuts), sorted and
    made distinct by numpy."""
    w = tokens
    grams = map(" ".join, zip(w, w[1:], w[2:], w[3:], w[4:], strict=False))
    crcs = array("I", map(zlib.crc32, map(str.encode, grams)))
    if not crcs:
        return crcs
    mixed = np.frombuffer(crcs, dtype=np.uint32) * np.uint32(_MIX)
    mixed.sort()
    first = np.empty(len(mixed), dtype=bool)
    first[0] = True
    np.not_equal(mixed[1:], mixed[:-1], out=first[1:])
    return array("I", mixed[first].tobytes())


TEXT_NUMPY_FROM = 2000
"""Documents in a corpus from which duplicate-content hashes shingles with
numpy (its import, about 0.1 s, then costs less than it saves)."""


def _merged(runs: list[array]) -> array:  # type: ignore[type-arg]
    """The sorted distinct values of sorted ``runs``, one 1/64 of the 32-bit
    range at a time (a set of a few thousand values, not of all)."""
    if len(runs) <= 1:
        return runs[0] if runs else array("I")
    out = array("I")
    step = 1 << 26
    for low in range(0, 1 << 32, step):
        part: set[int] = set()
        for run in runs:
            i = bisect_left(run, low)
            j = bisect_left(run, low + step, i)
            if i < j:
                part.update(run[i:j])
        out.extend(sorted(part))
    return out


def signature(hashes: Iterable[int]) -> array:  # type: ignore[type-arg]
    """One-permutation MinHash: the low bits of a shingle's hash pick a bin,
    the high bits compete for its minimum. Empty bins hold ``EMPTY``.

    An array of 32-bit hashes is reduced by numpy when it is there (a bin's
    minimum is the same whichever way it is found)."""
    if isinstance(hashes, array) and hashes.typecode == "I" and _I_IS_U32:
        np = fastpath.module("numpy")
        if np is not None:
            return _signature_np(np, hashes)
    return _signature_py(hashes)


def _signature_py(hashes: Iterable[int]) -> array:  # type: ignore[type-arg]
    """The reference for :func:`signature`."""
    sig = [EMPTY] * SIG_BINS
    mask = SIG_BINS - 1
    shift = SIG_BINS.bit_length() - 1
    for h in hashes:
        b = h & mask
        v = h >> shift
        if v < sig[b]:
            sig[b] = v
    return array("I", sig)


def _signature_np(np: Any, hashes: array) -> array:  # type: ignore[type-arg]
    """:func:`signature` of 32-bit hashes, the minimum of each bin found by numpy."""
    values = np.frombuffer(hashes, dtype=np.uint32)
    sig = np.full(SIG_BINS, EMPTY, dtype=np.uint32)
    np.minimum.at(sig, values & (SIG_BINS - 1), values >> (SIG_BINS.bit_length() - 1))
    return array("I", sig.tobytes())


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    jaccard: float
    containment: float


def _containment(shared: float, size_a: int, size_b: int) -> float:
    smaller = min(size_a, size_b)
    return min(1.0, shared / smaller) if smaller else 0.0


def exact_pairs(
    sets: Mapping[str, array],  # type: ignore[type-arg]
    threshold: float,
) -> Iterator[Pair]:
    """Every pair whose exact Jaccard or containment reaches ``threshold``.

    Prefix filtering keeps this fast without losing a pair: with shingles
    ordered rarest first, if the smaller text A has containment >= t in B,
    then B holds at least one of A's first ``|A| - ceil(t|A|) + 1`` shingles.
    Only those prefixes are indexed; each document probes the index with all
    of its shingles, and every candidate is scored exactly. (Jaccard >= t
    implies containment >= t, so both scores are covered.)
    """
    df: Counter[int] = Counter()
    for hashes in sets.values():
        df.update(hashes)
    order = {k: (len(v), k) for k, v in sets.items()}
    index: dict[int, list[str]] = defaultdict(list)
    for key in sorted(sets):
        hashes = sets[key]
        n = len(hashes)
        if not n:
            continue
        keep = n - math.ceil(threshold * n) + 1
        for h in sorted(hashes, key=lambda x: (df[x], x))[:keep]:
            index[h].append(key)
    for key_b in sorted(sets):
        set_b = set(sets[key_b])
        rank_b = order[key_b]
        candidates: set[str] = set()
        for h in set_b:
            for key_a in index.get(h, ()):
                if order[key_a] < rank_b:
                    candidates.add(key_a)
        for key_a in sorted(candidates):
            set_a = set(sets[key_a])
            inter = len(set_a & set_b)
            union = len(set_a) + len(set_b) - inter
            jac = inter / union if union else 0.0
            con = _containment(inter, len(set_a), len(set_b))
            if jac >= threshold or con >= threshold:
                a, b = sorted((key_a, key_b))
                yield Pair(a, b, jac, con)


def estimate(sig_a: array, sig_b: array, size_a: int, size_b: int) -> tuple[float, float]:  # type: ignore[type-arg]
    """Jaccard and containment estimated from two signatures and the two
    shingle-set sizes (|A∩B| = J(|A|+|B|)/(1+J))."""
    same = both_empty = 0
    for x, y in zip(sig_a, sig_b, strict=True):
        if x == y:
            if x == EMPTY:
                both_empty += 1
            else:
                same += 1
    return _scores(same, both_empty, size_a, size_b)


_estimate_py = estimate  # one implementation: it scores one pair at a time


def _scores(same: int, both_empty: int, size_a: int, size_b: int) -> tuple[float, float]:
    """Jaccard and containment from the bin counts; both paths call this, so
    their floats are the same."""
    used = SIG_BINS - both_empty
    jac = same / used if used else 0.0
    inter = jac * (size_a + size_b) / (1 + jac) if jac else 0.0
    return jac, _containment(inter, size_a, size_b)


def lsh_pairs(
    sigs: Mapping[str, tuple[array, int]],  # type: ignore[type-arg]
    threshold: float,
    bucket_cap: int = 100,
) -> Iterator[Pair]:
    """Candidates from LSH banding (``SIG_BINS / BAND_ROWS`` bands of
    ``BAND_ROWS`` rows), scored from the signatures."""
    # numpy only pays for its import on a large corpus.
    np = fastpath.module("numpy") if len(sigs) >= NUMPY_FROM else None
    if np is not None and all(_u32_sig(sig) for sig, _ in sigs.values()):
        return _lsh_pairs_np(np, sigs, threshold, bucket_cap)
    return _lsh_pairs_py(sigs, threshold, bucket_cap)


def _lsh_pairs_py(
    sigs: Mapping[str, tuple[array, int]],  # type: ignore[type-arg]
    threshold: float,
    bucket_cap: int,
) -> Iterator[Pair]:
    bands = SIG_BINS // BAND_ROWS
    seen: set[tuple[str, str]] = set()
    keys = sorted(sigs)
    for band in range(bands):
        lo = band * BAND_ROWS
        buckets: dict[bytes, list[str]] = defaultdict(list)
        for key in keys:
            sig = sigs[key][0]
            rows = sig[lo : lo + BAND_ROWS]
            if all(v == EMPTY for v in rows):
                continue
            buckets[rows.tobytes()].append(key)
        for members in buckets.values():
            if len(members) < 2 or len(members) > bucket_cap:
                continue
            for a, b in combinations(members, 2):
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                (sa, na), (sb, nb) = sigs[a], sigs[b]
                jac, con = estimate(sa, sb, na, nb)
                if jac >= threshold or con >= threshold:
                    yield Pair(a, b, jac, con)


# --- numpy fast paths -------------------------------------------------------
# Each function below takes the numpy module as its first argument (imported
# by the caller through provlint.fastpath, never at module import).

_PAIR_CHUNK = 1 << 15


def _u32_sig(sig: object) -> bool:
    """True if ``sig`` is a signature numpy can view as ``SIG_BINS`` uint32."""
    return _I_IS_U32 and isinstance(sig, array) and sig.typecode == "I" and len(sig) == SIG_BINS


def _band_pairs(np: Any, rows: Any, bucket_cap: int) -> Any:
    """The candidate pairs of one band, as (i, j) row indices with i < j, in
    the pure path's order: buckets by first member, then ``combinations``."""
    idx = np.flatnonzero(~(rows == EMPTY).all(axis=1))
    if idx.size < 2:
        return None
    r = rows[idx]
    order = np.lexsort(r.T[::-1])  # stable: equal rows stay in key order
    rs = r[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (rs[1:] != rs[:-1]).any(axis=1)
    starts = np.flatnonzero(new)
    sizes = np.diff(np.append(starts, len(order)))
    keep = (sizes >= 2) & (sizes <= bucket_cap)
    if not keep.any():
        return None
    gs, gl = starts[keep], sizes[keep]
    by_first = np.argsort(order[gs], kind="stable")
    gs, gl = gs[by_first], gl[by_first]
    total = int(gl.sum())
    within = np.arange(total) - np.repeat(np.cumsum(gl) - gl, gl)
    members = idx[order[np.repeat(gs, gl) + within]]
    partners = np.repeat(gl, gl) - 1 - within
    first = np.repeat(np.arange(total), partners)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(partners) - partners, partners)
    return members[first], members[first + 1 + offset]


def _lsh_pairs_np(
    np: Any,
    sigs: Mapping[str, tuple[array, int]],  # type: ignore[type-arg]
    threshold: float,
    bucket_cap: int,
) -> Iterator[Pair]:
    """:func:`lsh_pairs` with the banding and bin counts done by numpy."""
    keys = sorted(sigs)
    n = len(keys)
    if n < 2:
        return
    mat = np.frombuffer(b"".join([sigs[k][0].tobytes() for k in keys]), dtype=np.uint32)
    mat = mat.reshape(n, SIG_BINS)
    codes = []
    for band in range(SIG_BINS // BAND_ROWS):
        lo = band * BAND_ROWS
        found = _band_pairs(np, mat[:, lo : lo + BAND_ROWS], bucket_cap)
        if found is not None:
            codes.append(found[0].astype(np.int64) * n + found[1])
    if not codes:
        return
    every = np.concatenate(codes)
    _, first_seen = np.unique(every, return_index=True)
    ordered = every[np.sort(first_seen)]
    sizes = [sigs[k][1] for k in keys]
    for lo in range(0, len(ordered), _PAIR_CHUNK):
        chunk = ordered[lo : lo + _PAIR_CHUNK]
        ia, ib = chunk // n, chunk % n
        sa = mat[ia]
        eq = sa == mat[ib]
        both_empty = np.count_nonzero(eq & (sa == EMPTY), axis=1)
        same = np.count_nonzero(eq, axis=1) - both_empty
        for a, b, s, e in zip(
            ia.tolist(), ib.tolist(), same.tolist(), both_empty.tolist(), strict=True
        ):
            jac, con = _scores(s, e, sizes[a], sizes[b])
            if jac >= threshold or con >= threshold:
                yield Pair(keys[a], keys[b], jac, con)


# --- furniture ---------------------------------------------------------------

LINE_CHARS = 60
"""Lines up to this long may be furniture a site repeats on its pages."""
LINE_KEEP = 12
"""Such lines kept from the top and from the bottom of a text."""


def line_hash(tokens: list[str]) -> int:
    """A stable 64-bit hash of a line's :func:`words`."""
    b = " ".join(tokens).encode("utf-8")
    return zlib.crc32(b) << 32 | zlib.adler32(b)


def _window_shingles(tokens: list[str], lo: int, hi: int) -> set[int]:
    """The :func:`shingles` of ``tokens`` that hold one of ``tokens[lo:hi]``."""
    out = set()
    for s in range(max(0, lo - SHINGLE + 1), min(hi, len(tokens) - SHINGLE + 1)):
        out.add((zlib.crc32(" ".join(tokens[s : s + SHINGLE]).encode("utf-8")) * _MIX) & 0xFFFFFFFF)
    return out


def furniture_print(
    lines: list[str],
    kinds: list[str | None],
    whole: array | None = None,  # type: ignore[type-arg]
    *,
    ordered: bool = True,
    np: Any = None,
) -> tuple[array, tuple[tuple[int, array], ...]]:  # type: ignore[type-arg]
    """The shingles of a text with its furniture left out, and the short
    lines a site may repeat on all its pages.

    ``kinds`` are the residue kinds of ``lines`` (scrape-residue's line
    classifier): lines of any kind are left out. Of the lines kept, those
    of up to :data:`LINE_CHARS` characters, the first and the last
    :data:`LINE_KEEP` of them, come back as ``(line hash, shingles)``: the
    hash of the line's words, and the shingles that hold one of them (so
    that they can be left out too, once the corpus shows the line on many
    pages of the document's site). ``whole`` is the shingles of the whole
    text, when known: they are the answer when no line is furniture.
    ``ordered`` and ``np`` are :func:`text_print`'s."""
    if whole is not None and not any(kinds):
        kept, hashes = lines, whole
    else:
        kept = [line for line, kind in zip(lines, kinds, strict=True) if kind is None]
        hashes = text_print("\n".join(kept), ordered=ordered, np=np)[2]
    short = [i for i, line in enumerate(kept) if len(line.strip()) <= LINE_CHARS]
    if len(short) > 2 * LINE_KEEP:
        short = short[:LINE_KEEP] + short[-LINE_KEEP:]
    split = _words_py if fastpath.pure_python() else _words_c  # asked once, not per line
    tokenised: dict[int, list[str]] = {}  # the words of each line read, once

    def tokens_of(j: int) -> list[str]:
        found = tokenised.get(j)
        if found is None:
            found = tokenised[j] = split(kept[j])
        return found

    def last_words(j: int, n: int) -> list[str]:
        """``tokens_of(j)[-n:]``, reading only the end of a long line."""
        if j not in tokenised:
            fields = kept[j].rsplit(None, 2 * n)
            if len(fields) > 2 * n:
                tail = split(" ".join(fields[1:]))
                if len(tail) >= n:
                    return tail[-n:]
        return tokens_of(j)[-n:]

    def first_words(j: int, n: int) -> list[str]:
        """``tokens_of(j)[:n]``, reading only the start of a long line."""
        if j not in tokenised:
            fields = kept[j].split(None, 2 * n)
            if len(fields) > 2 * n:
                head = split(" ".join(fields[:-1]))
                if len(head) >= n:
                    return head[:n]
        return tokens_of(j)[:n]

    out: dict[int, set[int]] = {}
    for i in short:
        tokens = tokens_of(i)
        if not tokens:
            continue
        before: list[str] = []
        j = i - 1
        while j >= 0 and len(before) < SHINGLE - 1:
            before = last_words(j, SHINGLE - 1 - len(before)) + before
            j -= 1
        after: list[str] = []
        j = i + 1
        while j < len(kept) and len(after) < SHINGLE - 1:
            after += first_words(j, SHINGLE - 1 - len(after))
            j += 1
        window = before + tokens + after
        found = _window_shingles(window, len(before), len(before) + len(tokens))
        out.setdefault(line_hash(tokens), set()).update(found)
    lines_out = tuple((h, array("I", sorted(s))) for h, s in out.items() if s)
    return hashes, lines_out
