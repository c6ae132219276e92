"""Signatures and pair finding for duplicate-content."""

from __future__ import annotations

import random
from array import array

from provlint.plugins.duplicate_content.similarity import (
    estimate,
    exact_pairs,
    lsh_pairs,
    shingles,
    signature,
    text_hash,
    words,
)

VOCAB = [f"w{i}" for i in range(3000)]


def _text(rnd: random.Random, n: int = 500) -> list[str]:
    return [rnd.choice(VOCAB) for _ in range(n)]


def test_words_fold_case_punctuation_digits() -> None:
    assert words("The Minister, on 12 Dec., said: “No!”") == [
        "the",
        "minister",
        "on",
        "dec",
        "said",
        "no",
    ]
    assert text_hash(words("A b, C.")) == text_hash(words("a B c"))


def test_shingles_are_stable_across_runs() -> None:
    assert shingles(["a", "b", "c", "d", "e", "f"]) == shingles(["a", "b", "c", "d", "e", "f"])
    assert len(shingles(["a", "b", "c", "d", "e", "f"])) == 2
    assert shingles(["a", "b"]) == set()


def test_signature_estimates_jaccard_and_containment() -> None:
    rnd = random.Random(1)
    base = _text(rnd, 800)
    scrape = _text(rnd, 400) + base + _text(rnd, 400)  # base inside page furniture
    sa, sb = shingles(base), shingles(scrape)
    jac, con = estimate(signature(sa), signature(sb), len(sa), len(sb))
    true_j = len(sa & sb) / len(sa | sb)
    assert abs(jac - true_j) < 0.12
    assert con > 0.85


def test_lsh_finds_the_pairs_exact_comparison_finds() -> None:
    rnd = random.Random(7)
    texts = {f"d{i:03d}": _text(rnd) for i in range(300)}
    planted = set()
    for i in range(0, 60, 3):  # near copies: 1% of words changed, or wrapped in furniture
        src = texts[f"d{i:03d}"]
        copy = [w if rnd.random() > 0.01 else rnd.choice(VOCAB) for w in src]
        texts[f"c{i:03d}"] = copy if i % 2 else _text(rnd, 60) + copy + _text(rnd, 60)
        planted.add((f"c{i:03d}", f"d{i:03d}"))
    sets = {k: shingles(v) for k, v in texts.items()}
    exact = {
        (p.a, p.b) for p in exact_pairs({k: array("I", sorted(s)) for k, s in sets.items()}, 0.8)
    }
    lsh = {(p.a, p.b) for p in lsh_pairs({k: (signature(s), len(s)) for k, s in sets.items()}, 0.8)}
    assert exact == planted
    assert lsh == exact


def test_derived_from_compares_moments_across_time_zones(provlint_corpus) -> None:  # type: ignore[no-untyped-def]
    provlint_corpus.row("src", "a.txt", source="W", date="2021-12-06T01:15+09:00")
    provlint_corpus.row(
        "copy", "b.txt", source="W", date="2021-12-05T20:30-05:00", derived_from="src"
    )
    provlint_corpus.doc("a.txt").doc("b.txt")
    assert provlint_corpus.names(select="derived-from") == []  # nine hours after its source
    provlint_corpus.row(
        "late", "c.txt", source="W", date="2021-12-04T20:30-05:00", derived_from="src"
    )
    provlint_corpus.doc("c.txt")
    assert provlint_corpus.names(select="derived-from") == [("INDEX.md", "derived-from")]


# --------------------------------------------------------------------------
# duplicate-content: which copy is reported, and against which
# --------------------------------------------------------------------------

# Letters only: the folding drops digits, so VOCAB's words would all read "w".
_WORDS = [a + b + c for a in "bdklmnprst" for b in "aeiou" for c in "lnrst"]
_STORY = " ".join(random.Random(11).choices(_WORDS, k=120))


def _dups(corpus) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(reported copy, the copy it is reported against) per finding."""
    found = corpus.findings(select="duplicate-content")
    return [(f.path, f.related[0].path) for f in found]


def test_the_earliest_dated_copy_is_the_origin(provlint_corpus) -> None:  # type: ignore[no-untyped-def]
    provlint_corpus.row("a", "a.txt", source="W", date="2021-12-05")
    provlint_corpus.row("b", "b.txt", source="W", date="2021-12-01")
    provlint_corpus.row("c", "c.txt", source="W")  # undated: after every dated copy
    for name in ("a.txt", "b.txt", "c.txt"):
        provlint_corpus.doc(name, body=_STORY)
    assert _dups(provlint_corpus) == [("a.txt", "b.txt"), ("c.txt", "b.txt")]


def test_copies_linked_to_each_other_are_one_family(provlint_corpus) -> None:  # type: ignore[no-untyped-def]
    """A chain of declared copies is documented end to end; a family of
    copies linked to each other but not to the earliest is one finding."""
    provlint_corpus.row("a", "a.txt", source="W", date="2021-12-01")
    provlint_corpus.row("b", "b.txt", source="W", date="2021-12-02", derived_from="a")
    provlint_corpus.row("c", "c.txt", source="W", date="2021-12-03", derived_from="b")
    provlint_corpus.row("d", "d.txt", source="W", date="2021-12-04")
    provlint_corpus.row("e", "e.txt", source="W", date="2021-12-05", derived_from="d")
    provlint_corpus.row("f", "f.txt", source="W", date="2021-12-06", derived_from="x")
    provlint_corpus.row("g", "g.txt", source="W", date="2021-12-07", derived_from="x")
    for name in "abcdefg":
        provlint_corpus.doc(f"{name}.txt", body=_STORY)
    # b and c lead back to a; d and e are one undeclared family, f and g
    # (same declared origin) another.
    assert _dups(provlint_corpus) == [("d.txt", "a.txt"), ("f.txt", "a.txt")]


def test_a_near_duplicate_is_reported_once(provlint_corpus) -> None:  # type: ignore[no-untyped-def]
    """Three near duplicates of one story: two findings (each later copy
    against the earliest), not one per pair."""
    base = _STORY.split()
    for i, name in enumerate(("a", "b", "c")):
        text = list(base)
        if i:
            text[40 * i] = "changed"  # one word each: b and c differ from a and each other
        provlint_corpus.row(name, f"{name}.txt", source="W", date=f"2021-12-0{i + 1}")
        provlint_corpus.doc(f"{name}.txt", body=" ".join(text))
    found = provlint_corpus.findings(select="duplicate-content")
    assert [(f.path, f.related[0].path) for f in found] == [("b.txt", "a.txt"), ("c.txt", "a.txt")]
    assert all("near duplicate" in f.message for f in found)


def test_text_print_in_chunks_equals_the_whole_word_list() -> None:
    """Read a few characters at a time (cut at whitespace), the word count,
    text hash and shingles are those of the whole word list: final sigma,
    Unicode spaces and punctuation at the cuts included."""
    from provlint.plugins.duplicate_content.similarity import text_print

    rnd = random.Random(1)
    pieces = ["a", "bb", "ΟΔΟΣ", "Σ", "x.", "—", "12", "İs", "é", "ß", "ǅ"]
    pieces += [" ", "  ", "\n", "\t", "\u00a0", "\u2003", "\x1c"]
    for _ in range(2000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 60)))
        tokens = words(text)
        whole = (len(tokens), text_hash(tokens), array("I", sorted(shingles(tokens))))
        for chunk in (1, 2, 3, 7, 1 << 20):
            assert text_print(text, chunk) == whole, (text, chunk)
