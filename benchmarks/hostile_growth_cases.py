"""Hostile corpora whose size is one parameter, for measuring growth.

Each ``make_<case>(n)`` returns a corpus's files as ``{relative path:
bytes}`` (INDEX.md included). A benchmark writes them to a folder with
:func:`write_corpus`, runs ``provlint validate`` on it at doubling ``n``
and compares time, peak memory and report size: each should grow about as
fast as the corpus, never faster. ``tests/hostile/test_hostile_growth.py``
uses the same cases at small sizes to check the findings stay bounded.

The cases (standard library only, deterministic):

- :func:`make_identical_copies`: ``n`` documents with the same text;
- :func:`make_derivation_chain`: ``n`` documents, each derived from the
  next and from the first, the last from the first (one long cycle
  through every document, and a shorter one at every step);
- :func:`make_derivation_clique`: ``n`` documents, each derived from
  every other;
- :func:`make_control_characters`: one document of ``n`` bytes of C0
  control characters;
- :func:`make_mojibake`: one document of about ``n`` bytes of mojibake;
- :func:`make_controls_in_mojibake`: one document of about ``n`` bytes
  of control characters among mojibake that holds C1 controls;
- :func:`make_junk_index`: an INDEX.md whose catalogue table has ``n``
  rows of ``|---|---|``, each a cell short of the header.

Run as a script to write one case: ``python benchmarks/hostile_growth_cases.py
identical_copies 2000 OUT_DIR``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "CASES",
    "make_control_characters",
    "make_controls_in_mojibake",
    "make_derivation_chain",
    "make_derivation_clique",
    "make_identical_copies",
    "make_junk_index",
    "make_mojibake",
    "write_corpus",
]

_HEAD = "# Hostile corpus\n\nGenerated for growth measurements.\n\n"
_TEXT = (
    "The ministers met in the old town hall on a cold morning and spoke for two hours "
    "about the river, the bridge that the spring floods had carried away, the money "
    "promised for a new one and the families who still crossed by ferry every day. "
    "Nobody agreed on who would pay, and the meeting ended without a date for the next."
)


def _table(columns: list[str], rows: list[list[str]]) -> bytes:
    lines = [_HEAD, "| " + " | ".join(columns) + " |\n", "|" + "---|" * len(columns) + "\n"]
    lines.extend("| " + " | ".join(r) + " |\n" for r in rows)
    return "".join(lines).encode("utf-8")


def _name(i: int) -> str:
    return f"d{i:07d}"


def make_identical_copies(n: int) -> dict[str, bytes]:
    """``n`` documents with the same text, each catalogued with its own id,
    source and date (a day apart), none declaring a derivation."""
    files: dict[str, bytes] = {}
    rows = []
    for i in range(n):
        ident = _name(i)
        path = f"docs/{ident}.txt"
        files[path] = _TEXT.encode("utf-8") + b"\n"
        day = 1 + i % 28
        rows.append([ident, path, "Example Wire", f"2021-{1 + i // 28 % 12:02d}-{day:02d}"])
    files["INDEX.md"] = _table(["id", "file", "source", "date"], rows)
    return files


def _distinct_text(i: int) -> bytes:
    return f"Short note number {i} about the bridge.\n".encode()


def make_derivation_chain(n: int) -> dict[str, bytes]:
    """``n`` documents: each derived from the next one and from the first,
    the last from the first. Every document lies on a cycle; a depth-first
    search meets a new cycle at every step back along the chain."""
    files: dict[str, bytes] = {}
    rows = []
    for i in range(n):
        ident = _name(i)
        path = f"docs/{ident}.txt"
        files[path] = _distinct_text(i)
        links = []
        if i + 1 < n:
            links.append(_name(i + 1))
        if i > 0:
            links.append(_name(0))
        rows.append([ident, path, "Example Wire", "2021-03-04", ", ".join(links)])
    files["INDEX.md"] = _table(["id", "file", "source", "date", "derived_from"], rows)
    return files


def make_derivation_clique(n: int) -> dict[str, bytes]:
    """``n`` documents, each declared derived from every other one."""
    files: dict[str, bytes] = {}
    rows = []
    names = [_name(i) for i in range(n)]
    for i, ident in enumerate(names):
        path = f"docs/{ident}.txt"
        files[path] = _distinct_text(i)
        links = ", ".join(x for j, x in enumerate(names) if j != i)
        rows.append([ident, path, "Example Wire", "2021-03-04", links])
    files["INDEX.md"] = _table(["id", "file", "source", "date", "derived_from"], rows)
    return files


def _one_document(body: bytes) -> dict[str, bytes]:
    return {
        "INDEX.md": _table(
            ["id", "file", "source", "date"],
            [["big", "docs/big.txt", "Example Wire", "2021-03-04"]],
        ),
        "docs/big.txt": body,
    }


def make_control_characters(n: int) -> dict[str, bytes]:
    """One document of ``n`` bytes: C0 control characters, a newline every
    80 bytes (each line is a control-character run)."""
    line = bytes(range(1, 9)) * 10
    line = line[:79] + b"\n"
    reps = n // len(line) + 1
    return _one_document((line * reps)[:n])


def make_mojibake(n: int) -> dict[str, bytes]:
    """One document of about ``n`` bytes of mojibake: lines of ``Ã©`` (an
    ``é`` saved as UTF-8, read as Windows-1252 and saved again), 40 to a
    line; no control characters (see :func:`make_controls_in_mojibake`)."""
    line = ("Ã©" * 40 + "\n").encode()
    return _one_document(line * max(1, n // len(line)))


def make_controls_in_mojibake(n: int) -> dict[str, bytes]:
    """One document of about ``n`` bytes mixing control characters with
    mojibake whose sequences hold C1 controls (``â€\x9d``, a closing quote
    read as Windows-1252): the controls inside a sequence are part of the
    mojibake, the others are counted as controls."""
    line = "Ã© \x01\x02 â€\x9d x\x1b\n".encode()
    return _one_document(line * max(1, n // len(line)))


def make_junk_index(n: int) -> dict[str, bytes]:
    """An INDEX.md whose catalogue table (columns id, file and date) has
    ``n`` rows of ``|---|---|``: each is a cell short, and names the same
    missing file with the same id. No document."""
    head = _HEAD + "| id | file | date |\n|---|---|---|\n"
    return {"INDEX.md": head.encode("utf-8") + b"|---|---|\n" * n}


CASES: dict[str, Callable[[int], dict[str, bytes]]] = {
    "identical_copies": make_identical_copies,
    "derivation_chain": make_derivation_chain,
    "derivation_clique": make_derivation_clique,
    "control_characters": make_control_characters,
    "mojibake": make_mojibake,
    "controls_in_mojibake": make_controls_in_mojibake,
    "junk_index": make_junk_index,
}
"""Case name -> its ``make_<case>`` function."""


def write_corpus(files: dict[str, bytes], root: Path) -> Path:
    """Write ``files`` under ``root`` (created if needed); return ``root``."""
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def main(argv: list[str]) -> int:
    """``CASE N OUT_DIR``: write one case's corpus to OUT_DIR."""
    if len(argv) != 3 or argv[0] not in CASES:
        print(f"usage: hostile_growth_cases.py {{{','.join(CASES)}}} N OUT_DIR", file=sys.stderr)
        return 2
    write_corpus(CASES[argv[0]](int(argv[1])), Path(argv[2]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
