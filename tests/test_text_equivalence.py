"""The quick ways of the per-document text analysis against the plain ones.

duplicate-content and scrape-residue compute some things in a roundabout
way because it is cheaper per document: shingles hashed with their steps
mapped in C, shingles left unsorted when only a signature is made of them,
the line classes asked before the shingles, each line tokenised once. Each
must give exactly what the straightforward version gives.
"""

from __future__ import annotations

from array import array

from hypothesis import given, settings
from hypothesis import strategies as st
from provlint.plugins.duplicate_content import similarity
from provlint.plugins.scrape_residue import classify

# Pieces that stress the folding: final sigma, dotted I, title-case
# digraphs, Unicode spaces and punctuation, digits, menus and footers.
_PIECES = [
    "a", "bb", "word", "ΟΔΟΣ", "Σ", "x.", "—", "12", "İs", "é", "ß", "ǅ", "“q”",
    "Home", "|", "·", "©", "2021", "Cookies", "reserved", "»", "@", "ago",
    " ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2003", "\x1c",
]  # fmt: skip
_texts = st.lists(st.sampled_from(_PIECES), max_size=300).map("".join)
# Long lines of many words, a few of them short: the neighbours of a short
# line are read from their ends.
_line = st.lists(st.sampled_from([p for p in _PIECES if "\n" not in p]), max_size=80)
_paragraphs = st.lists(_line.map("".join), max_size=12).map("\n".join)
_words = st.lists(st.sampled_from(["a", "b", "cc", "Σ", "é", "ok", "ß", "ǅ"]), max_size=60)


@settings(max_examples=300, deadline=None)
@given(tokens=_words)
def test_shingles_equal_the_reference(tokens: list[str]) -> None:
    assert similarity.shingles(tokens) == similarity._shingles_py(tokens)


@settings(max_examples=300, deadline=None)
@given(text=_texts, chunk=st.sampled_from([1, 5, 40, similarity.CHUNK]))
def test_text_print_unordered_and_unshingled_equal_the_full_print(text: str, chunk: int) -> None:
    count, digest, hashes = similarity.text_print(text, chunk)
    tokens = similarity.words(text)
    assert (count, digest) == (len(tokens), similarity.text_hash(tokens))
    assert hashes == array("I", sorted(similarity._shingles_py(tokens)))
    loose = similarity.text_print(text, chunk, ordered=False)
    assert loose[:2] == (count, digest)
    assert len(loose[2]) == len(hashes) and sorted(loose[2]) == list(hashes)
    assert similarity.signature(loose[2]) == similarity.signature(hashes)
    assert similarity.text_print(text, chunk, shingled=False) == (count, digest, array("I"))


def _furniture_print_plain(
    lines: list[str], kinds: list[str | None]
) -> tuple[array, tuple[tuple[int, array], ...]]:  # type: ignore[type-arg]
    """furniture_print written the plain way: the kept text printed whole,
    every neighbour tokenised again for each short line."""
    s = similarity
    kept = [line for line, kind in zip(lines, kinds, strict=True) if kind is None]
    hashes = s.text_print("\n".join(kept))[2]
    short = [i for i, line in enumerate(kept) if len(line.strip()) <= s.LINE_CHARS]
    if len(short) > 2 * s.LINE_KEEP:
        short = short[: s.LINE_KEEP] + short[-s.LINE_KEEP :]
    out: dict[int, set[int]] = {}
    for i in short:
        tokens = s.words(kept[i])
        if not tokens:
            continue
        before = [w for line in kept[:i] for w in s.words(line)][-(s.SHINGLE - 1) :]
        after = [w for line in kept[i + 1 :] for w in s.words(line)][: s.SHINGLE - 1]
        window = before + tokens + after
        lo, hi = len(before), len(before) + len(tokens)
        found = {
            h
            for start in range(len(window) - s.SHINGLE + 1)
            if start < hi and start + s.SHINGLE > lo
            for h in s._shingles_py(window[start : start + s.SHINGLE])
        }
        out.setdefault(s.line_hash(tokens), set()).update(found)
    return hashes, tuple((h, array("I", sorted(v))) for h, v in out.items() if v)


@settings(max_examples=500, deadline=None)
@given(text=_texts | _paragraphs)
def test_furniture_print_equals_the_plain_version(text: str) -> None:
    lines = text.split("\n")
    kinds = classify(lines, text)
    plain = _furniture_print_plain(lines, kinds)
    assert similarity.furniture_print(lines, kinds) == plain
    loose = similarity.furniture_print(lines, kinds, ordered=False)
    assert sorted(loose[0]) == list(plain[0]) and loose[1] == plain[1]
    if not any(kinds):
        whole = similarity.text_print(text)[2]
        assert similarity.furniture_print(lines, kinds, whole) == plain


@settings(max_examples=300, deadline=None)
@given(
    hashes=st.sets(st.integers(0, 0xFFFFFFFF), max_size=400),
    empty=st.sets(st.integers(0, similarity.SIG_BINS - 1), max_size=similarity.SIG_BINS),
)
def test_band_keys_equal_the_array_slices(hashes: set[int], empty: set[int]) -> None:
    from provlint.plugins.duplicate_content import _bands

    sig = similarity.signature(hashes)
    for b in empty:  # whole bands empty too, not only a bin here and there
        sig[b] = similarity.EMPTY
    rows, plain = similarity.BAND_ROWS, []
    for band in range(similarity.SIG_BINS // rows):
        part = sig[band * rows : band * rows + rows]
        if not all(v == similarity.EMPTY for v in part):
            plain.append((band, int.from_bytes(part.tobytes(), "little")))
    assert list(_bands(sig)) == plain


@settings(max_examples=300, deadline=None)
@given(hashes=st.lists(st.integers(0, 0xFFFFFFFF), max_size=700))
def test_signature_of_an_array_equals_the_reference(hashes: list[int]) -> None:
    from provlint import fastpath

    reference = similarity._signature_py(hashes)
    assert similarity.signature(array("I", hashes)) == reference
    assert similarity.signature(iter(hashes)) == reference
    np = fastpath.module("numpy")
    if np is not None:
        assert similarity._signature_np(np, array("I", hashes)) == reference


@settings(max_examples=500, deadline=None)
@given(text=_texts)
def test_text_flags_equal_the_plain_search(text: str) -> None:
    from provlint.plugins.scrape_residue import lines

    plain = (
        any(c in text for c in lines._SPECIALS),
        any(h in text for h in lines._COOKIE_HINTS),
        any(h in text for h in lines._RIGHTS_HINTS),
        True,
    )
    assert lines.text_flags(text) == plain
    ascii_text = text.encode("ascii", "ignore").decode()
    assert lines.text_flags(ascii_text)[:3] == tuple(
        any(n in ascii_text for n in group) for group in lines._NEEDLES
    )


def test_furniture_print_equals_the_plain_version_on_long_paragraphs() -> None:
    """Short lines between paragraphs of many words: what a short line's
    shingles take from its neighbours is read from their ends only."""
    import random

    rnd = random.Random(15)
    vocab = ["w", "Σ", "x.", "—", "12", "é", "ß", "a-b", "“q”", "ok"]
    for _ in range(300):
        lines = []
        for _ in range(rnd.randint(1, 10)):
            n = rnd.choice([0, 1, 2, 3, 5, 9, 30])
            lines.append(" ".join(rnd.choice(vocab) + str(rnd.randint(0, 5)) for _ in range(n)))
        kinds: list[str | None] = [None] * len(lines)
        assert similarity.furniture_print(lines, kinds) == _furniture_print_plain(lines, kinds)


@settings(max_examples=300, deadline=None)
@given(text=_texts | _paragraphs, chunk=st.sampled_from([1, 5, 40, similarity.CHUNK]))
def test_text_print_with_numpy_equals_the_pure_print(text: str, chunk: int) -> None:
    from provlint import fastpath

    np = fastpath.module("numpy")
    if np is None:
        return
    plain = similarity.text_print(text, chunk)
    assert similarity.text_print(text, chunk, np=np) == plain
    assert similarity.text_print(text, chunk, ordered=False, np=np) == plain
    lines = text.split("\n")
    kinds = classify(lines, text)
    assert similarity.furniture_print(lines, kinds, np=np) == similarity.furniture_print(
        lines, kinds
    )
