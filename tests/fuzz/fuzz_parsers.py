"""Fuzz provlint's parsers for a set time with random and mutated inputs.

Targets: the header parsers, the INDEX.md parser, the date extractor,
``decode`` and ``safe_relpath``. Each input must give a value or ``None``,
never an exception. Uses only the standard library (atheris is optional and
not needed): inputs are random bytes, random text, and mutations of a seed
set of valid headers, tables and dated sentences.

    python tests/fuzz/fuzz_parsers.py --seconds 60 [--seed 1]

Prints how many inputs each target ran and any failure (with the input, so
it can become a test), and exits 1 if there was one.
"""

from __future__ import annotations

import argparse
import random
import time
import traceback

from provlint.catalogue import parse_catalogue, split_row
from provlint.headers import near_miss_legacy, parse_front_matter, parse_legacy
from provlint.plugins.dates.datetext import extract
from provlint.runner import decode, safe_relpath

SEEDS = [
    "---\nid: a1\ntitle: T\ndate: 2021-12-05\nderived_from: [b2, c3]\n---\nBody\n",
    " date 2021-12-05 Body on the same line.\nNext.\n",
    "| id | file | title |\n|---|:--:|--:|\n| a | a.txt | A \\| B |\n| b | b.txt |\n",
    "On Wednesday, December 1, 2021 they met; tomorrow, Tuesday, 05.12.2021 13:24 GMT.",
    "---\na: &x [1, 2]\nb: *x\nc: !!python/object/apply:os.system ['true']\n---\n",
]
ALPHABET = "-:|\\[]{}&*!>#'\"\n\r\t ,./0123456789aAzZéß€\x00\x1b\u200b"


def mutate(rnd: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rnd.randint(1, 8)):
        op = rnd.random()
        pos = rnd.randint(0, len(chars))
        if op < 0.4:
            chars.insert(pos, rnd.choice(ALPHABET))
        elif op < 0.7 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif chars:
            a = rnd.randint(0, len(chars) - 1)
            chars[a:a] = chars[a : a + rnd.randint(1, 40)]
    return "".join(chars)


def make_input(rnd: random.Random) -> str:
    r = rnd.random()
    if r < 0.5:
        return mutate(rnd, rnd.choice(SEEDS))
    if r < 0.8:
        return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 400)))
    return bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 400))).decode("latin-1")


TARGETS = {
    "parse_front_matter": parse_front_matter,
    "parse_legacy": parse_legacy,
    "near_miss_legacy": near_miss_legacy,
    "parse_catalogue": parse_catalogue,
    "split_row": lambda t: [split_row(line) for line in t.splitlines()],
    "extract": extract,
    "decode": lambda t: decode(t.encode("utf-8", "surrogatepass")),
    "safe_relpath": safe_relpath,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rnd = random.Random(args.seed)
    counts = dict.fromkeys(TARGETS, 0)
    failures: list[str] = []
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline and len(failures) < 10:
        text = make_input(rnd)
        for name, target in TARGETS.items():
            try:
                target(text)
            except Exception:  # any exception is a finding of the fuzzer
                failures.append(f"{name}({text!r}):\n{traceback.format_exc()}")
            counts[name] += 1
    total = sum(counts.values())
    print(f"ran {total:,} inputs in {args.seconds:g} s (seed {args.seed})")
    for name, n in counts.items():
        print(f"  {name:<20} {n:,}")
    print(f"failures: {len(failures)}")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
