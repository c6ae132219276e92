#!/usr/bin/env python3
"""Generate a synthetic provlint corpus for benchmarking.

    python benchmarks/gen_corpus.py OUT_DIR -n 10000 [--seed 1] [--defects 0.02]

OUT_DIR receives:

* ``INDEX.md``: a short preamble and one GFM table
  ``| id | file | title | source | url | date | sha256 |`` with one row per
  document (``sha256`` is the digest of the file's bytes);
* ``docs/SSSS/doc-NNNNNNN.md``: the documents, in shards of 1000 per folder,
  each about 3 KB: YAML front matter (id, title, source, url, date,
  language) and a body of made-up English-like news prose. Documents come
  in stories of three that share a date (within two days), a place, people
  and an organisation; the text mentions a few dates, consistent with the
  document's date (past events before it, announced ones after it), so a
  corpus without injected defects is clean;
* ``manifest.json``: the parameters and the defects that were injected
  (written last, so its presence means the corpus is complete).

Everything is derived from ``--seed``: the same seed, N and defect fraction
give byte-identical output. Document *i*'s text does not depend on N; which
documents get defects does.

``--defects F`` turns a fraction F of the documents (default 0.02) into
defective ones, one defect each, spread evenly over three kinds:

* ``date-mismatch``: the header date differs from the INDEX.md date
  (expected finding: date-mismatch);
* ``missing-source``: neither the row nor the header gives a source or a
  url (expected finding: missing-source);
* ``wrong-sha256``: the INDEX.md digest is well formed but wrong
  (expected finding: checksum-mismatch).

The text is generated here from small word lists; no external text is
copied. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

SHARD_SIZE = 1000
STORY_SIZE = 3  # documents per story
TARGET_BYTES = 3072
DEFECT_KINDS = ("date-mismatch", "missing-source", "wrong-sha256")
# The check (by name: codes may be renumbered) each defect should trigger.
EXPECTED_CHECK = {
    "date-mismatch": "date-mismatch",
    "missing-source": "missing-source",
    "wrong-sha256": "checksum-mismatch",
}
MANIFEST = "manifest.json"
INDEX_TITLE = "# Synthetic benchmark corpus (provlint benchmarks/gen_corpus.py)"
FORMAT_VERSION = 2

# --------------------------------------------------------------------------
# Word lists (made up for this generator)
# --------------------------------------------------------------------------

# fmt: off
SOURCES = (
    "Example Daily Ledger", "Northfield Courier", "Harbor City Times", "The Valley Observer",
    "Example News Wire", "Riverside Gazette", "Lakeshore Herald", "Capital Report",
    "Metro Example Post", "Coastal Bulletin", "Highland Chronicle", "Example Business Review",
)
HOSTS = (
    "news.example.test", "ledger.example.test", "courier.example.org", "times.example.net",
    "observer.example.test", "wire.example.com", "gazette.example.test", "herald.example.org",
)
# Story entities (places, people, organisations) are built from syllables,
# so that a corpus has thousands of distinct names, as real news has.
SYLLABLES = (
    "Ash", "Bel", "Cor", "Dun", "El", "Fen", "Gar", "Hol", "Ingle", "Kel", "Lan", "Mar",
    "Nor", "Or", "Pen", "Quin", "Ros", "Sal", "Tor", "Ul", "Val", "Wen", "Yar", "Zel",
)
PLACE_ENDS = (
    "ford", "wick", "ton", "bury", "mouth", "field", "haven", "stead", "more", "brook",
    "dale", "port",
)
SURNAME_ENDS = (
    "ley", "man", "son", "ridge", "worth", "ston", "ock", "ard", "well", "by", "croft", "ing",
)
FIRST_NAMES = (
    "Ada", "Ben", "Clara", "David", "Elena", "Farid", "Grace", "Hugo", "Iris", "Jonas",
    "Keiko", "Liam", "Maya", "Nikos", "Olga", "Pablo", "Quinn", "Rosa", "Samir", "Tara",
    "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe", "Anton", "Bea", "Chidi", "Dana",
    "Emil", "Fatima", "Goran", "Hana", "Ivan", "Jana", "Kofi", "Lena", "Marco", "Nadia",
)
ORG_KINDS = ("Holdings", "Group", "Institute", "Foundation", "Partners", "Trust", "Cooperative")
ROLES = (
    "the chair", "a director", "a spokesperson", "the chief executive", "the treasurer",
    "the head of policy",
)
ACTORS = (
    "the city council", "the regional government", "the transport ministry", "local officials",
    "the finance committee", "union representatives", "the health authority", "residents",
    "the opposition party", "the central bank", "the port authority", "school governors",
    "a group of economists", "the environment agency", "the mayor's office", "farmers",
    "small business owners", "the court", "the energy regulator", "hospital staff",
)
VERBS = (
    "approved", "rejected", "debated", "announced", "postponed", "criticised", "welcomed",
    "proposed", "reviewed", "extended", "questioned", "defended", "funded", "delayed",
    "endorsed", "challenged", "unveiled", "suspended", "expanded", "revised",
)
OBJECTS = (
    "a new transit budget", "the housing plan", "a water supply project", "the tax reform",
    "a bridge repair scheme", "the school funding formula", "a cycling network",
    "the harbour expansion", "new safety rules", "a rent support programme",
    "the hospital merger", "a flood defence scheme", "the energy subsidy", "the library closures",
    "a pension adjustment", "the trade agreement", "a recycling contract", "the airport runway",
    "emergency repairs", "the research grant",
)
ADVERBS = (
    "narrowly", "quietly", "formally", "unexpectedly", "once again", "after a long debate",
    "without a vote", "by a wide margin", "at a late-night session", "under pressure",
)
ADJECTIVES = (
    "sharp", "modest", "significant", "gradual", "surprising", "lengthy", "heated", "cautious",
    "broad", "limited", "renewed", "steady", "costly", "tentative", "lively",
)
NOUNS = (
    "increase", "decline", "debate", "review", "delay", "agreement", "shortfall", "surplus",
    "protest", "inquiry", "recovery", "dispute", "consultation", "rollout", "compromise",
)
SPEAKERS = (
    "a spokesperson", "a senior official", "one councillor", "an analyst", "a local trader",
    "the committee chair", "a union leader", "a resident", "the minister", "a campaigner",
)
SAYINGS = (
    "the decision reflects months of careful work",
    "the figures do not yet show the full picture",
    "more consultation is needed before anything changes",
    "the plan will be reviewed again next year",
    "the costs have been underestimated from the start",
    "families will notice the difference quickly",
    "the timetable remains ambitious but achievable",
    "nobody expected the debate to take so long",
    "the proposal was the best of several poor options",
    "the details will be published in due course",
)
TITLE_WORDS = (
    "Council", "Budget", "Transit", "Housing", "Plan", "Vote", "Delay", "Harbour", "Schools",
    "Energy", "Tax", "Reform", "Bridge", "Water", "Rent", "Hospital", "Flood", "Airport",
    "Talks", "Deal", "Inquiry", "Protest", "Recovery", "Funding", "Rules", "Review",
)
TITLE_VERBS = (
    "Approves", "Rejects", "Delays", "Backs", "Questions", "Unveils", "Extends", "Revises",
    "Weighs", "Debates", "Funds", "Halts",
)
TEMPLATES = (
    "In {place}, {actor} {verb} {obj} {adv}.",
    "{person} said {saying}.",
    "\"We think {saying},\" {person} told reporters in {place}.",
    "{person2} of the {org} said {saying}.",
    "The {org} {verb} {obj}, according to {person2}.",
    "{Actor} {verb} {obj}, according to {speaker}.",
    "The {adj} {noun} came after {actor} {verb} {obj}.",
    "{Speaker} said {saying}.",
    "\"We think {saying},\" {speaker} told reporters in {place}.",
    "Critics argued that {obj} would lead to a {adj} {noun}.",
    "Officials in {place} expect a {adj} {noun} over the coming months.",
    "The {noun} follows a {adj} {noun2} in {place} earlier in the year.",
    "{Actor} have {verb} {obj} twice before, with {adj} results.",
    "According to {speaker}, {saying}.",
    "Figures released by {actor} point to a {adj} {noun} in {place}.",
    "It is not the first time that {actor} {verb} {obj}.",
)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Dates in the text agree with the document's date: events reported as past
# are before it, forward-looking sentences after it.
PAST_DATE_TEMPLATES = (
    "The announcement was made on {wd} {d} {month} {y}.",
    "A first meeting took place on {month} {d}, {y}, according to {speaker}.",
    "Talks on {wd}, {month} {d}, ended without agreement.",
    "The figures were first published on {iso}.",
)
FUTURE_DATE_TEMPLATES = (
    "The next review is scheduled for {iso}.",
    "The new rules will apply from {d} {month} {y}, officials said.",
    "A final decision is expected on {month} {d}, {y}.",
)
# fmt: on

DATE_FIRST = date(2015, 1, 1).toordinal()
DATE_LAST = date(2024, 12, 31).toordinal()


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _sentence_pool(rng: random.Random, size: int) -> list[str]:
    """Pre-generate ``size`` sentences; documents draw from this pool, which
    keeps generation fast (no per-word random calls per document)."""
    pool = []
    for _ in range(size):
        actor = rng.choice(ACTORS)
        speaker = rng.choice(SPEAKERS)
        noun, noun2 = rng.sample(NOUNS, 2)
        pool.append(
            rng.choice(TEMPLATES).format(
                place="{P}",
                person=rng.choice(("{N1}", "{N2}", "{N3}")),
                person2=rng.choice(("{N1}", "{N2}", "{N3}")),
                org="{O}",
                actor=actor,
                Actor=_cap(actor),
                verb=rng.choice(VERBS),
                obj=rng.choice(OBJECTS),
                adv=rng.choice(ADVERBS),
                adj=rng.choice(ADJECTIVES),
                noun=noun,
                noun2=noun2,
                speaker=speaker,
                Speaker=_cap(speaker),
                saying=rng.choice(SAYINGS),
            )
        )
    return pool


def _date_sentence(rng: random.Random, around: date) -> str:
    if rng.random() < 0.6:
        d = around - timedelta(days=rng.randint(1, 60))
        template = rng.choice(PAST_DATE_TEMPLATES)
    else:
        d = around + timedelta(days=rng.randint(1, 45))
        template = rng.choice(FUTURE_DATE_TEMPLATES)
    return template.format(
        wd=WEEKDAYS[d.weekday()],
        d=d.day,
        month=MONTHS[d.month - 1],
        y=d.year,
        iso=d.isoformat(),
        speaker=rng.choice(SPEAKERS),
    )


@dataclass(frozen=True)
class Story:
    """What the documents of one story share: a date, a place, people and
    an organisation (several outlets covering the same event)."""

    when: date
    place: str
    people: tuple[str, str, str]
    org: str
    topic: tuple[str, str, str]


def _story(seed: int, number: int) -> Story:
    rng = random.Random(f"provlint-bench-story:{seed}:{number}")

    def surname() -> str:
        return rng.choice(SYLLABLES) + rng.choice(SURNAME_ENDS)

    people = tuple(f"{rng.choice(FIRST_NAMES)} {surname()}" for _ in range(3))
    return Story(
        when=date.fromordinal(rng.randint(DATE_FIRST, DATE_LAST)),
        place=rng.choice(SYLLABLES) + rng.choice(PLACE_ENDS),
        people=people,  # type: ignore[arg-type]
        org=f"{surname()} {rng.choice(ORG_KINDS)}",
        topic=(rng.choice(TITLE_WORDS), rng.choice(TITLE_WORDS), rng.choice(OBJECTS)),
    )


def _defect_plan(n: int, fraction: float, seed: int) -> dict[int, str]:
    """Which documents get which defect: round(n * fraction) distinct
    documents, kinds assigned round-robin so they are evenly spread."""
    count = min(n, round(n * fraction))
    if count <= 0:
        return {}
    rng = random.Random(f"provlint-bench-defects:{seed}:{n}")
    chosen = sorted(rng.sample(range(n), count))
    return {i: DEFECT_KINDS[k % len(DEFECT_KINDS)] for k, i in enumerate(chosen)}


def looks_generated(out: Path) -> bool:
    """True when ``out`` holds a corpus written by this script."""
    try:
        with open(out / "INDEX.md", encoding="utf-8") as fh:
            return fh.readline().startswith(INDEX_TITLE)
    except OSError:
        return False


def doc_id_width(n: int) -> int:
    return max(7, len(str(max(n - 1, 0))))


def generate(
    out_dir: str | os.PathLike[str], n: int, seed: int = 1, defects: float = 0.02
) -> dict[str, Any]:
    """Write the corpus into ``out_dir`` (created if needed) and return the
    manifest (also written to ``out_dir/manifest.json``)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    if not 0.0 <= defects <= 1.0:
        raise ValueError("defects must be between 0 and 1")
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if (out / "docs").exists():
        # A previous corpus may have had more documents: start from scratch,
        # but only ever delete what this script generated.
        if not looks_generated(out):
            raise FileExistsError(f"{out / 'docs'} exists and was not made by gen_corpus.py")
        shutil.rmtree(out / "docs")
    stale = out / MANIFEST
    if stale.exists():
        stale.unlink()

    pool_rng = random.Random(f"provlint-bench-pool:{seed}")
    pool = _sentence_pool(pool_rng, 4000)
    plan = _defect_plan(n, defects, seed)
    width = doc_id_width(n)

    rows = []
    total_bytes = 0
    made_dirs: set[str] = set()
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        kind = plan.get(i)
        doc_id = f"doc-{i:0{width}d}"
        shard = f"docs/{i // SHARD_SIZE:04d}"
        if shard not in made_dirs:
            (out / shard).mkdir(parents=True, exist_ok=True)
            made_dirs.add(shard)
        rel = f"{shard}/{doc_id}.md"

        story = _story(seed, i // STORY_SIZE)
        pub = story.when + timedelta(days=rng.randint(0, 2))
        place = story.place
        n1, n2, n3 = story.people
        title = (
            f"{place} {story.topic[0]} {rng.choice(TITLE_VERBS)} "
            f"{story.topic[1]} {rng.choice(TITLE_WORDS)}"
        )
        src_i = rng.randrange(len(SOURCES))
        source = SOURCES[src_i]
        slug = title.lower().replace(" ", "-")
        url = f"https://{HOSTS[src_i % len(HOSTS)]}/{pub:%Y/%m/%d}/{slug}-{i}.html"

        header_date = pub
        if kind == "date-mismatch":
            header_date = pub + timedelta(days=rng.randint(2, 40))
        head = ["---", f"id: {doc_id}", f'title: "{title}"']
        if kind != "missing-source":
            head += [f"source: {source}", f"url: {url}"]
        head += [f"date: {header_date.isoformat()}", "language: en", "---", "", f"# {title}", ""]
        header_text = "\n".join(head) + "\n"

        # Body: a dateline and lead naming the story's people, then
        # paragraphs of 3-6 sentences until about TARGET_BYTES in all.
        target = TARGET_BYTES + rng.randint(-300, 300) - len(header_text)
        picks = rng.sample(pool, 60)
        date_at = {rng.randrange(3, 12), rng.randrange(12, 24)}
        lead = (
            f"{place.upper()}, {MONTHS[pub.month - 1]} {pub.day}, {pub.year} -- "
            f"{n1}, {rng.choice(ROLES)} of the {story.org}, met {n2} and {n3} in {place} "
            f"to discuss {story.topic[2]}. {_date_sentence(rng, pub)}"
        )
        paras = []
        para = [lead]
        size = len(lead)
        k = 0
        while size < target:
            s = _date_sentence(rng, pub) if k in date_at else picks[k % len(picks)]
            k += 1
            para.append(s)
            size += len(s) + 1
            if len(para) >= 3 + (k % 4):
                paras.append(" ".join(para))
                size += 1
                para = []
        if para:
            paras.append(" ".join(para))
        body = "\n\n".join(paras)
        body = (
            body.replace("{P}", place)
            .replace("{N1}", n1)
            .replace("{N2}", n2)
            .replace("{N3}", n3)
            .replace("{O}", story.org)
        )
        raw = (header_text + body + "\n").encode("utf-8")

        with open(out / rel, "wb") as fh:
            fh.write(raw)
        total_bytes += len(raw)

        digest = hashlib.sha256(raw).hexdigest()
        if kind == "wrong-sha256":
            digest = hashlib.sha256(raw + b"\n").hexdigest()
        if kind == "missing-source":
            row_source, row_url = "", ""
        else:
            row_source, row_url = source, url
        rows.append(
            f"| {doc_id} | {rel} | {title} | {row_source} | {row_url} | {pub.isoformat()} "
            f"| {digest} |"
        )

    counts = {k: 0 for k in DEFECT_KINDS}
    for kind in plan.values():
        counts[kind] += 1
    index = [
        INDEX_TITLE,
        "",
        f"Generated by provlint's benchmarks/gen_corpus.py: {n} documents, seed {seed}, "
        f"defect fraction {defects}. The text is made up.",
        "",
        "| id | file | title | source | url | date | sha256 |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    with open(out / "INDEX.md", "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(index))

    manifest: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "n": n,
        "seed": seed,
        "defects": defects,
        "document_bytes": total_bytes,
        "defect_counts": counts,
        "expected_findings": {EXPECTED_CHECK[k]: v for k, v in counts.items() if v},
        "defective_ids": {f"doc-{i:0{width}d}": kind for i, kind in sorted(plan.items())},
        "generation_seconds": round(time.perf_counter() - started, 3),
    }
    with open(out / MANIFEST, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=1)
        fh.write("\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("out_dir", metavar="OUT_DIR")
    ap.add_argument("-n", type=int, default=10000, help="number of documents (default 10000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument(
        "--defects",
        type=float,
        default=0.02,
        help="fraction of documents given one defect (default 0.02)",
    )
    args = ap.parse_args(argv)
    if args.n < 0:
        ap.error("-n must be >= 0")
    if not 0.0 <= args.defects <= 1.0:
        ap.error("--defects must be between 0 and 1")
    out = Path(args.out_dir)
    if out.exists() and any(out.iterdir()) and not looks_generated(out):
        ap.error(f"{out} exists, is not empty and does not look like a generated corpus")
    m = generate(out, args.n, args.seed, args.defects)
    exp = ", ".join(f"{v} {k}" for k, v in m["expected_findings"].items()) or "none"
    print(
        f"wrote {args.n} documents ({m['document_bytes'] / 1e6:.1f} MB) to {out} "
        f"in {m['generation_seconds']} s; injected defects: {exp}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
