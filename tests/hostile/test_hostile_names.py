"""Hostile file names: a name is data from the checked folder, like a file's
text, and must not reach a terminal, a CI log, a page or INDEX.md raw.

The corpus holds files whose names carry an OSC 52 clipboard write, a bare
carriage return that would overwrite the line, a right-to-left override
(U+202E), a newline, a tab, a C1 control (NEL), leading spaces and a byte
that is not UTF-8. Every output format, to standard output and to ``-o
FILE``, must exit normally, hold none of those characters raw, stay
parseable, and still name each file (escaped as README's "Security model"
documents: ``\\xNN`` for a control character or an undecodable byte,
``\\uNNNN`` for the other characters). ``provlint index`` must refuse those
names with a note naming each file, and write the rest.

Everything is generated inside ``tmp_path`` at test time.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from provlint import output

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="Windows forbids control characters in file names"
)

HEADER = "---\nid: {id}\ntitle: A title\nsource: A source\ndate: 2021-12-05\n---\nBody text.\n"

# name on disk -> (its header id, how the human-facing formats must show it)
HOSTILE: dict[str, tuple[str, str]] = {
    "osc\x1b]52;c;ZXZpbA==\x07.txt": ("osc", r"osc\x1b]52;c;ZXZpbA==\x07.txt"),
    "cr\rFAKE: all clean.txt": ("cr", r"cr\x0dFAKE: all clean.txt"),
    "evil\u202etxt.md": ("evil", r"evil\u202etxt.md"),
    "nl\nx.txt": ("nl", r"nl\x0ax.txt"),
    "tab\tx.txt": ("tab", r"tab\x09x.txt"),
    "nel\x85x.txt": ("nel", r"nel\u0085x.txt"),
    "  lead.txt": ("lead", "  lead.txt"),
    os.fsdecode(b"bad\xff.txt"): ("bad", r"bad\xff.txt"),
}
# What the JSON formats carry: the exact name, but an undecodable byte as \xNN text.
JSON_PATHS = {name: (r"bad\xff.txt" if name.startswith("bad") else name) for name in HOSTILE}
# A second file with the same header id as the OSC 52 one: a duplicate-id
# finding whose related location is that hostile name.
TWIN = "twin.txt"

# Raw characters no human-facing output may hold: C0 controls but newline,
# DEL, C1 controls, line and paragraph separators, bidi controls.
_RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
# JSON as written: ASCII only, so no raw character at all.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _build(tmp_path: Path) -> Path:
    root = tmp_path / "c"
    root.mkdir()
    (root / "INDEX.md").write_text(
        "# c\n\n| id | file | title | source | date |\n|---|---|---|---|---|\n"
        "| ok | ok.txt | A title | A source | 2021-12-05 |\n",
        encoding="utf-8",
    )
    (root / "ok.txt").write_text(HEADER.format(id="ok"), encoding="utf-8")
    (root / TWIN).write_text(HEADER.format(id="osc"), encoding="utf-8")
    for name, (doc_id, _) in HOSTILE.items():
        try:
            (root / name).write_bytes(HEADER.format(id=doc_id).encode())
        except (OSError, UnicodeEncodeError) as exc:  # pragma: no cover - such file systems
            pytest.skip(f"the file system refuses the name {name!r}: {exc}")
    return root


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "provlint", *args],
        capture_output=True,
        cwd=cwd,
        timeout=600,  # a hang guard, not a speed test
        env={**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"},
    )


def _validate(root: Path, fmt: str, *extra: str) -> subprocess.CompletedProcess[bytes]:
    proc = _run(
        root.parent,
        "validate",
        root.name,
        "--format",
        fmt,
        "--no-progress",
        "--no-cache",
        "--color",
        "never",
        *extra,
    )
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    assert b"internal error" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    return proc


def _human(data: bytes) -> str:
    """Output a person reads: valid UTF-8, no raw control or bidi character."""
    text = data.decode("utf-8")  # strict: no lone surrogate was written
    raw = _RAW.search(text)
    assert raw is None, (
        f"raw {raw.group(0)!r} at {raw.start()}: {text[raw.start() - 60 : raw.start() + 20]!r}"
    )
    return text


def _walk_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_walk_strings(k), *_walk_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _walk_strings(v)]
    return []


def _no_surrogates(value: Any) -> None:
    for s in _walk_strings(value):
        assert _SURROGATE.search(s) is None, f"lone surrogate in {s!r}"


# --------------------------------------------------------------------------
# validate: every format
# --------------------------------------------------------------------------


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "o-file"])
def test_text_output_escapes_names(tmp_path: Path, to_file: bool) -> None:
    """Text (with --show-source and -v related locations) names every file
    escaped, holds no raw control or bidi character, and writes to -o FILE
    without crashing on the undecodable name."""
    root = _build(tmp_path)
    extra = ["-o", str(tmp_path / "out.txt")] if to_file else []
    proc = _validate(root, "text", "-v", "--show-source", *extra)
    text = _human((tmp_path / "out.txt").read_bytes() if to_file else proc.stdout)
    _human(proc.stderr)
    for _, shown in HOSTILE.values():
        assert f"c/{shown}:" in text, shown
    # -v: the duplicate-id on twin.txt points at the OSC 52 file, escaped.
    assert "    related: c/osc\\x1b]52;c;ZXZpbA==\\x07.txt:2" in text


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "o-file"])
def test_github_output_escapes_names(tmp_path: Path, to_file: bool) -> None:
    """The ``file=`` property of every annotation is escaped like the text
    output (then ``:`` and ``,`` as the runner expects)."""
    root = _build(tmp_path)
    extra = ["-o", str(tmp_path / "out.log")] if to_file else []
    proc = _validate(root, "github", *extra)
    text = _human((tmp_path / "out.log").read_bytes() if to_file else proc.stdout)
    files = set(re.findall(r"^::\w+ file=([^,]*),", text, re.MULTILINE))
    for _, shown in HOSTILE.values():
        assert "c/" + shown.replace(":", "%3A") in files, shown


def test_json_output_keeps_exact_names(tmp_path: Path) -> None:
    """JSON is data: each path is the exact name (JSON escapes control and
    bidi characters itself; the output is ASCII), except that an
    undecodable byte is the text ``\\xNN``, never a lone surrogate."""
    root = _build(tmp_path)
    proc = _validate(root, "json", "-v")
    assert proc.stdout.isascii()
    data = json.loads(proc.stdout.decode("ascii"))
    _no_surrogates(data)
    paths = {f["path"] for f in data["findings"]}
    related = {r["path"] for f in data["findings"] for r in f["related"]}
    for name in HOSTILE:
        assert f"c/{JSON_PATHS[name]}" in paths, name
    assert "c/osc\x1b]52;c;ZXZpbA==\x07.txt" in related


def test_json_lines_output_keeps_exact_names(tmp_path: Path) -> None:
    """json-lines: one strict JSON value per line, the same paths as json
    (an undecodable byte as ``\\xNN`` text, not U+FFFD)."""
    root = _build(tmp_path)
    proc = _validate(root, "json-lines")
    assert proc.stdout.isascii()
    lines = proc.stdout.decode("ascii").splitlines()
    records = [json.loads(line) for line in lines]
    _no_surrogates(records)
    paths = {r["path"] for r in records if "path" in r}
    for name in HOSTILE:
        assert f"c/{JSON_PATHS[name]}" in paths, name
    assert "summary" in records[-1]


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "o-file"])
def test_sarif_output_percent_encodes_names(tmp_path: Path, to_file: bool) -> None:
    """SARIF does not crash on a name that is not UTF-8: every artifact URI
    is the name's bytes percent-encoded (``%FF`` for the byte 0xff), after
    the corpus folder (the URIs are relative to the current directory
    outside git)."""
    root = _build(tmp_path)
    extra = ["-o", str(tmp_path / "out.sarif")] if to_file else []
    proc = _validate(root, "sarif", *extra)
    data_bytes = (tmp_path / "out.sarif").read_bytes() if to_file else proc.stdout
    assert data_bytes.isascii()
    log = json.loads(data_bytes.decode("ascii"))
    _no_surrogates(log)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
        for loc in result.get("locations", []) + result.get("relatedLocations", [])
    }
    from urllib.parse import quote

    for name in HOSTILE:
        assert "c/" + quote(os.fsencode(name), safe="/") in uris, name
    assert "c/bad%FF.txt" in uris
    assert "c/osc%1B%5D52%3Bc%3BZXZpbA%3D%3D%07.txt" in uris
    assert "c/evil%E2%80%AEtxt.md" in uris


def test_junit_output_escapes_names(tmp_path: Path) -> None:
    """JUnit XML parses, and each test case is named by the escaped name
    (no U+202E in a CI test report, no control character dropped to U+FFFD)."""
    root = _build(tmp_path)
    proc = _validate(root, "junit")
    text = _human(proc.stdout)
    tree = ET.fromstring(text)
    names = {case.get("name") for case in tree.iter("testcase")}
    for _, shown in HOSTILE.values():
        assert "c/" + shown in names, shown
    out = " ".join(f.text or "" for f in tree.iter("system-out"))
    assert "c/osc\\x1b]52;c;ZXZpbA==\\x07.txt:1:1: PV105" in out


def test_html_output_escapes_names(tmp_path: Path) -> None:
    """The HTML page (-o FILE) is valid UTF-8 and shows each name escaped,
    with no bidi control to reorder it."""
    import html

    root = _build(tmp_path)
    _validate(root, "html", "-o", str(tmp_path / "report.html"))
    text = _human((tmp_path / "report.html").read_bytes())
    import re

    for _, shown in HOSTILE.values():
        loc = re.escape(html.escape("c/" + shown) + ":")
        assert re.search(f'<a class="loc" href="#f-[0-9a-f]{{12}}">{loc}', text), shown


# --------------------------------------------------------------------------
# index
# --------------------------------------------------------------------------


def test_index_refuses_hostile_names_and_writes_the_rest(tmp_path: Path) -> None:
    """`provlint index` exits normally, writes none of the names into
    INDEX.md, names each refused file (escaped) in a note saying why, and
    still adds the file with an ordinary name."""
    root = _build(tmp_path)
    (root / "INDEX.md").unlink()
    proc = _run(tmp_path, "index", "c")
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    _human(proc.stderr)
    _human(proc.stdout)
    index = (root / "INDEX.md").read_bytes()
    text = _human(index)
    for name, (_, shown) in HOSTILE.items():
        assert os.fsencode(name) not in index, name
        assert name.strip() not in text, name
        note = next((line for line in err.splitlines() if f"c/{shown}: its name " in line), "")
        assert "not added to INDEX.md" in note, (shown, err)
    assert "its name holds a control character (\\x1b)" in err
    assert "its name holds a bidirectional-text control (\\u202e)" in err
    assert "its name holds a byte that is not UTF-8 (\\xff)" in err
    assert "its name begins with a space" in err
    rows = [line for line in text.splitlines() if line.startswith("| ") and ".txt" in line]
    assert {row.split("|")[2].strip() for row in rows} == {"ok.txt", TWIN}


def test_index_refuses_a_trailing_space_name(tmp_path: Path) -> None:
    """A name ending in a space cannot read back from a trimmed table cell:
    a note says so, instead of writing a row that names another file."""
    root = tmp_path / "c"
    root.mkdir()
    (root / "trail.txt ").write_text(HEADER.format(id="trail"), encoding="utf-8")
    (root / "fine.txt").write_text(HEADER.format(id="fine"), encoding="utf-8")
    proc = _run(tmp_path, "index", "c", "--documents", "*")
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 0, err
    assert "c/trail.txt : its name ends with a space" in err
    text = (root / "INDEX.md").read_text(encoding="utf-8")
    assert "| fine.txt |" in text
    assert "trail" not in text


def test_index_does_not_copy_a_bidi_header_value(tmp_path: Path) -> None:
    """A header value holding a bidi control is not copied into INDEX.md."""
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text(
        "---\nid: a\ntitle: invoice\u202efdp.exe\ndate: 2021-12-05\n---\nBody.\n",
        encoding="utf-8",
    )
    proc = _run(tmp_path, "index", "c")
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 0, err
    text = (root / "INDEX.md").read_text(encoding="utf-8")
    assert "\u202e" not in text and "invoice" not in text
    assert "| a.txt |" in text
    assert "header title not copied: it holds a bidirectional-text control (\\u202e)" in err


def test_hostile_folder_name(tmp_path: Path) -> None:
    """The corpus folder's own name is escaped too: in the heading of a new
    INDEX.md, in index's summary line and in validate's output to -o FILE."""
    folder = os.fsdecode(b"d\xff\x1b]0;x\x07")
    root = tmp_path / folder
    try:
        root.mkdir()
    except (OSError, UnicodeEncodeError) as exc:  # pragma: no cover - such file systems
        pytest.skip(f"the file system refuses the name {folder!r}: {exc}")
    (root / "a.txt").write_text(HEADER.format(id="a"), encoding="utf-8")
    proc = _run(tmp_path, "index", folder)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert "d\\xff\\x1b]0;x\\x07/INDEX.md: created" in _human(proc.stdout)
    index = _human((root / "INDEX.md").read_bytes())
    assert index.startswith("# d\\xff\\x1b]0;x\\x07\n")
    proc = _run(tmp_path, "validate", folder, "--no-cache", "-o", str(tmp_path / "out.txt"))
    assert proc.returncode in (0, 1), proc.stderr.decode("utf-8", "replace")
    _human(proc.stderr)
    _human((tmp_path / "out.txt").read_bytes())


# --------------------------------------------------------------------------
# The escape itself
# --------------------------------------------------------------------------


def _unescape(shown: str) -> str:
    """Read escape_path's notation back (the inverse the docs describe)."""
    out: list[str] = []
    i = 0
    while i < len(shown):
        ch = shown[i]
        nxt = shown[i + 1 : i + 2]
        if ch == "\\" and nxt == "\\":
            out.append("\\")
            i += 2
        elif ch == "\\" and nxt == "x":
            n = int(shown[i + 2 : i + 4], 16)
            out.append(chr(n) if n < 0x80 else chr(0xDC00 + n))
            i += 4
        elif ch == "\\" and nxt == "u":
            out.append(chr(int(shown[i + 2 : i + 6], 16)))
            i += 6
        elif ch == "\\" and nxt == "U":
            out.append(chr(int(shown[i + 2 : i + 10], 16)))
            i += 10
        else:
            out.append(ch)
            i += 1
    return "".join(out)


_NAME_CHARS = st.one_of(
    st.characters(),  # anything, lone surrogates included
    st.sampled_from(["\\", "x", "u", "\x1b", "\r", "\n", "\u202e", "\x85", "\udcff", "\ud800"]),
)


@given(st.text(alphabet=_NAME_CHARS))
def test_escape_path_keeps_names_distinct(name: str) -> None:
    """Two different names never look the same: the escape reads back to the
    name, holds no raw control, bidi control or surrogate, and leaves a name
    that needs no escape unchanged."""
    shown = output.escape_path(name)
    assert _unescape(shown) == name
    assert _RAW.search(shown) is None and _SURROGATE.search(shown) is None
    shown.encode("utf-8")
    if output.unsafe_character(name) is None and "\\" not in name:
        assert shown == name


def test_escape_path_examples() -> None:
    escape_path = output.escape_path
    assert escape_path("seeds/café.txt") == "seeds/café.txt"
    assert escape_path("a\x1b[31m.txt") == "a\\x1b[31m.txt"
    assert escape_path("evil\u202etxt.md") == "evil\\u202etxt.md"
    assert escape_path(os.fsdecode(b"bad\xff.txt")) == "bad\\xff.txt"
    assert escape_path("nel\x85") == "nel\\u0085"  # not \x85: that is an undecodable byte
    assert escape_path("dir\\name") == "dir\\name"  # a backslash alone stays single
    assert escape_path("a\\x1b") == "a\\\\x1b"  # ... unless it would read as an escape


def test_sanitize_replaces_bidi_controls_and_undecodable_bytes() -> None:
    """Message text: bidi controls and lone surrogates become U+FFFD, as
    control characters already did; tabs and newlines stay."""
    text = "a\u202eb\u2066c\u200fd" + os.fsdecode(b"\xff") + "\te\nf\x1b[31mg"
    assert output.sanitize(text) == "a\ufffdb\ufffdc\ufffdd\ufffd\te\nfg"


def test_json_safe_writes_undecodable_bytes_as_text() -> None:
    value = {"path": os.fsdecode(b"bad\xff.txt"), "related": [{"note": "ok\u202e"}], "n": 1}
    assert output.json_safe(value) == {
        "path": "bad\\xff.txt",
        "related": [{"note": "ok\u202e"}],
        "n": 1,
    }
