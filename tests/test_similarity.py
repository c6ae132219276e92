"""Signatures and pair finding for duplicate-content."""

from __future__ import annotations

import random
import re
from array import array
from pathlib import Path
from typing import Any

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


# --------------------------------------------------------------------------
# Furniture does not count
# --------------------------------------------------------------------------

_MENU = "\n".join(
    "Home News Harbour Islands Business Weather Sport Opinion Culture Podcasts Video Archive "
    "Events Jobs Notices Puzzles Travel Food Schools Health Tides Shipping Fishing Farming "
    "Property Motors Letters Crosswords Gardening Books Music Theatre Film Science".split()
)
_TEASERS = "\n".join(
    [
        "Council votes to keep the old harbour lights on",
        "A new bakery opens its doors on the north quay",
        "Why the island bus is late again this winter",
        "The lifeboat crew that trains in the dark",
        "Ten years of the summer regatta in pictures",
        "How the fish market plans to cut its waste",
        "The school that teaches sailing to every pupil",
        "What the new tide tables mean for walkers",
        "The choir that sings on the pier each Sunday",
        "A guide to the coastal path for beginners",
        "The last net maker on the west side of town",
        "Where to watch the seals this spring",
        "A lighthouse keeper's diary goes on show",
        "Pupils build a raft from recycled bottles",
        "Divers find an old anchor off the breakwater",
        "A walk along the sea wall at low tide",
    ]
)
_BODIES = [
    "The harbour board approved the new ferry timetable on Monday after a long debate, and "
    "the first crossings under it are due to run from the spring, the board said.",
    "Engineers will close the old bridge to lorries from March while they replace the "
    "bearings, the county said on Tuesday, and a speed limit will apply until autumn.",
    "The town library will open until eight on weekday evenings from next month, after a "
    "petition signed by more than a thousand readers, the council announced.",
    "A second crane will be installed at the container quay this summer so that the larger "
    "ships can be unloaded in one tide, the port company said in its annual report.",
]


def _page(body: str) -> str:
    return f"{_MENU}\n\n{body}\n\nMost read\n{_TEASERS}\n\nPrivacy Policy\nTerms of Use\n"


def _site_pages(tmp: Path, bodies: list[str], hosts: list[Any], **options: Any) -> list[Any]:
    """The (copy, origin) pairs duplicate-content reports on pages of one
    layout, each from ``hosts`` (None: no url), in a new corpus under ``tmp``."""
    from provlint.testing import CorpusBuilder

    corpus = CorpusBuilder(tmp / f"c{len(list(tmp.iterdir()))}")
    for i, (body, host) in enumerate(zip(bodies, hosts, strict=True)):
        url = f"https://{host}/2021/12/0{i + 1}/story-{i}" if host else None
        corpus.row(f"p{i}", f"p{i}.txt", source="Harbour Post", date=f"2021-12-0{i + 1}", url=url)
        corpus.doc(f"p{i}.txt", body=_page(body))
    opts = {"duplicate-content": options} if options else {}
    found = corpus.findings(select="duplicate-content", check_options=opts)
    return sorted((f.path, f.related[0].path) for f in found)


def test_furniture_print_leaves_out_residue_lines() -> None:
    from provlint.plugins.duplicate_content.similarity import furniture_print, text_print
    from provlint.plugins.scrape_residue import classify

    text = _page(_BODIES[0])
    lines = text.split("\n")
    kept, short = furniture_print(lines, classify(lines, text))
    body = text_print(_BODIES[0] + "\n" + _TEASERS)[2]
    assert kept == body  # the menu, "Most read" and the footer are gone
    assert len(short) == 16  # the headlines: short lines the site may repeat
    held = set().union(*(s for _, s in short))
    assert held <= set(kept)


def test_different_articles_in_the_same_furniture_are_not_copies(tmp_path: Path) -> None:
    """Short articles of one site inside identical menus and lists of
    headlines: the menus are residue, and the headlines, on three texts of
    the site, are its furniture; neither counts. Before, such pairs had a
    containment of about 0.8."""
    hosts = ["www.harbour-post.example"] * 3
    assert _site_pages(tmp_path, _BODIES[:3], hosts) == []
    # The same pages with the repeated-line rule off: the headlines count.
    assert _site_pages(tmp_path, _BODIES[:3], hosts, **{"repeat-min-docs": 4}) != []
    # On two texts of the site only, the headlines are not yet furniture.
    assert _site_pages(tmp_path, _BODIES[:2], hosts[:2]) != []


def test_lines_repeated_on_other_sites_do_not_add_up(tmp_path: Path) -> None:
    hosts = ["north.example", "south.example", "east.example"]
    assert _site_pages(tmp_path, _BODIES[:3], hosts) != []
    assert _site_pages(tmp_path, _BODIES[:3], [None, None, None]) != []


def test_copies_on_one_site_are_still_copies(tmp_path: Path) -> None:
    """The site's repeated lines are short and at the ends of the page: an
    article copied on three of its pages is still reported, in both modes."""
    story = " ".join([_BODIES[0], _BODIES[1], _BODIES[2]])
    bodies = [story, story.replace("Monday", "Tuesday"), story.replace("spring", "summer")]
    bodies.append(_BODIES[3])
    hosts = ["www.harbour-post.example"] * 4
    want = [("p1.txt", "p0.txt"), ("p2.txt", "p0.txt")]
    assert _site_pages(tmp_path, bodies, hosts) == want
    assert _site_pages(tmp_path, bodies, hosts, **{"exact-limit": 0}) == want


def test_large_corpora_leave_the_same_furniture_out(tmp_path: Path) -> None:
    hosts = ["www.harbour-post.example"] * 3
    assert _site_pages(tmp_path, _BODIES[:3], hosts, **{"exact-limit": 0}) == []


def test_a_raw_scrape_and_its_clean_copy_score_alike_in_both_modes() -> None:
    """The bundled raw scrape and its cleaned copy: without the furniture
    their texts nearly coincide, by exact shingles and by signatures."""
    import re

    import provlint
    from conftest import REPO

    scores = []
    for limit in (3000, 0):
        config = provlint.Config(
            load_entrypoints=False,
            documents=("seeds/*.txt", "seeds/*.md"),
            select=("duplicate-content",),
            check_options={"duplicate-content": {"exact-limit": limit}},
        )
        (f,) = provlint.run(REPO, config).findings
        assert (f.path, f.related[0].path) == ("seeds/clean-copy.txt", "seeds/raw-scrape.txt")
        m = re.search(r"containment ([\d.]+), Jaccard ([\d.]+)", f.message)
        assert m is not None
        scores.append((float(m.group(1)), float(m.group(2))))
    (c_exact, j_exact), (c_sig, j_sig) = scores
    assert c_exact >= 0.95 and j_exact >= 0.85  # furniture included: Jaccard 0.69
    assert abs(c_sig - c_exact) <= 0.1 and abs(j_sig - j_exact) <= 0.1


def test_signatures_keep_the_text_sizes(tmp_path: Path) -> None:
    """Containment from signatures needs each text's size: a copy of half a
    page (Jaccard about 0.5) is reported with a containment near 1."""
    from provlint.testing import CorpusBuilder

    corpus = CorpusBuilder(tmp_path / "c")
    corpus.row("a", "a.txt", date="2021-12-01", url="https://www.harbour-post.example/a")
    corpus.row("b", "b.txt", date="2021-12-02")
    page = f"{_MENU}\n\n{' '.join(_BODIES)}\n\nPrivacy Policy\nTerms of Use\n"
    corpus.doc("a.txt", body=page).doc("b.txt", body=" ".join(_BODIES[:2]))
    opts = {"duplicate-content": {"exact-limit": 0}}
    (f,) = corpus.findings(select="duplicate-content", check_options=opts)
    assert f.path == "b.txt"
    assert re.search(r"containment (0\.9\d|1\.00), Jaccard 0\.[45]", f.message), f.message
