"""Hostile-input tests: provlint must neither crash, hang, leak, write nor
reach the network when validating a deliberately nasty corpus.

Everything is generated inside ``tmp_path`` at test time; no binary blobs are
committed.  This module does not import ``tests/conftest.py`` helpers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

SECRET = "OUTSIDE-SECRET-7f3a9c1e-do-not-leak"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

ROWS = [
    # id, file
    ("binary", "binary.txt"),
    ("badutf8", "badutf8.txt"),
    ("utf16", "utf16.txt"),
    ("empty", "empty.txt"),
    ("nul", "nul.txt"),
    ("crlf", "crlf.txt"),
    ("unreadable", "unreadable.txt"),
    ("dir", "dir.txt"),
    ("bomb", "bomb.md"),
    ("pyobj", "pyobj.md"),
    ("deep", "deep.md"),
    ("dupkeys", "dupkeys.md"),
    ("unclosed", "unclosed.md"),
    ("ansi", "ansi.md"),
    ("outside", "../outside.txt"),
    ("passwd", "/etc/passwd"),
    ("winpath", "C:\\\\x"),
    ("linkout", "link-out.txt"),
    ("linkin", "link-in.txt"),
    ("cyclea", "cycle-a.txt"),
    ("cycleb", "cycle-b.txt"),
]


def _build(tmp_path: Path, *, big: bool) -> tuple[Path, Path]:
    """Return (corpus, outside_file)."""
    outside = tmp_path / "outside.txt"
    outside.write_text(f"date 2021-12-05 {SECRET}\n{SECRET}\n", encoding="utf-8")
    root = tmp_path / "corpus"
    root.mkdir()

    w = lambda name, data: (root / name).write_bytes(data)  # noqa: E731
    w("binary.txt", bytes(range(256)) * 64 + b"\x89PNG\r\n\x1a\n\x00\x00")
    w("badutf8.txt", b"date 2021-12-05 caf\xe9 \xc3\x28 \xff\xfe broken\n")
    w("utf16.txt", "date 2021-12-05 hello utf16\n".encode("utf-16"))
    w("empty.txt", b"")
    w("nul.txt", b"date 2021-12-05 a\x00b\x00c\nmore\x00text\n")
    w(
        "crlf.txt",
        b"---\r\nid: crlf\r\ntitle: CRLF doc\r\ndate: 2021-12-05\r\n---\r\nbody\r\nline\r\n",
    )
    w("unreadable.txt", b"date 2021-12-05 you cannot read me\n")
    (root / "dir.txt").mkdir()
    (root / "dir.txt" / "inner.bin").write_bytes(b"\x00\x01")

    laughs = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        laughs.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    laughs += ["title: laughs", "---", "body"]
    w("bomb.md", ("\n".join(laughs) + "\n").encode())
    w(
        "pyobj.md",
        b"---\nid: pyobj\ntitle: !!python/object/apply:os.system ['touch PWNED']\n"
        b"x: !!python/object/apply:os.system ['touch PWNED']\n---\nbody\n",
    )
    depth = 5000
    w(
        "deep.md",
        (
            "---\nid: deep\nx: "
            + "[" * depth
            + "]" * depth
            + "\ny:\n"
            + "".join("  " * i + f"k{i}:\n" for i in range(1, 200))
            + "---\nbody\n"
        ).encode(),
    )
    w(
        "dupkeys.md",
        b"---\nid: dupkeys\ntitle: one\ntitle: two\n"
        b"date: 2021-12-05\ndate: 2021-12-06\n---\nbody\n",
    )
    w(
        "unclosed.md",
        b"---\nid: unclosed\ntitle: never closed\ndate: 2021-12-05\nbody without end\n",
    )
    w(
        "ansi.md",
        b'---\nid: ansi\ntitle: "evil \\e[31mRED\\e]0;title\\a done"\n'
        b'source: "\x1b[31mred\x1b]0;title\x07"\ndate: 2021-12-05\n---\n'
        b"body \x1b[31mred\x1b]0;title\x07\n",
    )
    # raw escape bytes also in a plain-text title line of a legacy doc
    w("ansi2.txt", b"date 2021-12-05 \x1b[31mRED\x1b]0;title\x07 text\n")

    (root / "inside-target.txt").write_bytes(b"date 2021-12-05 linked inside\n")
    os.symlink(outside, root / "link-out.txt")
    os.symlink("inside-target.txt", root / "link-in.txt")
    os.symlink("cycle-b.txt", root / "cycle-a.txt")
    os.symlink("cycle-a.txt", root / "cycle-b.txt")
    os.symlink("..", root / "uplink")  # symlinked folder leading out

    if big:
        w("big.txt", b"a" * 60_000_000)

    lines = ["# Hostile corpus", "", "| id | file | title | date |", "|---|---|---|---|"]
    for doc_id, f in ROWS:
        title = "ansi \x1b[31mRED\x1b]0;title\x07" if doc_id == "ansi" else f"t\\|{doc_id}"
        lines.append(f"| {doc_id} | {f} | {title} | 2021-12-05 |")
    if big:
        lines.append("| big | big.txt | big | 2021-12-05 |")
    lines += [
        "| ragged-short | x.txt |",
        "| ragged-long | y.txt | a | 2021-12-05 | extra | more |",
        "| pipe | p\\|q.txt | esc \\| pipe | 2021-12-05 |",
        "",
        "Second catalogue:",
        "",
        "| id | file |",
        "|---|---|",
        "| second | second.txt |",
        "",
    ]
    (root / "INDEX.md").write_text("\n".join(lines), encoding="utf-8")
    os.chmod(root / "unreadable.txt", 0)
    return root, outside


def _snapshot(root: Path) -> dict[str, tuple]:
    snap: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            st = os.lstat(p)
            rel = str(p.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                snap[rel] = ("link", os.readlink(p), st.st_mtime_ns)
            elif stat.S_ISDIR(st.st_mode):
                snap[rel] = ("dir", st.st_mtime_ns)
            else:
                try:
                    digest = hashlib.sha256(p.read_bytes()).hexdigest()
                except PermissionError:
                    digest = "unreadable"
                snap[rel] = ("file", digest, st.st_mtime_ns, st.st_mode)
    return snap


def _cli(root: Path, fmt: str, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    t0 = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "provlint",
            "validate",
            str(root),
            "--format",
            fmt,
            "--no-progress",
            "--color",
            "never",
            *extra,
        ],
        capture_output=True,
        cwd=root.parent,
        # A hang guard, not a speed test: speed is measured in benchmarks/.
        timeout=600,
        env={**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return proc, time.monotonic() - t0


def _check_corpus(tmp_path: Path, *, big: bool) -> None:
    root, outside = _build(tmp_path, big=big)
    before = _snapshot(root)
    outside_before = outside.read_bytes()

    results = {}
    for fmt in ("json", "text", "json"):
        proc, _ = _cli(root, fmt)
        results.setdefault(fmt, []).append(proc)
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        detail = f"format={fmt} rc={proc.returncode}\nSTDOUT:\n{out[:3000]}\nSTDERR:\n{err[:3000]}"
        assert proc.returncode in (0, 1), detail
        assert "Traceback" not in out and "Traceback" not in err, detail
        assert SECRET not in out and SECRET not in err, detail
        if fmt == "text":
            assert "\x1b[" not in out and "\x1b]" not in out, detail
            assert "\x07" not in out, detail
        else:
            data = json.loads(proc.stdout)
            assert isinstance(data["findings"], list)
            for f in data["findings"]:
                for key in ("path", "line", "column", "code"):
                    assert key in f, f
            # the raw ESC byte must never be emitted either (JSON escapes it)
            assert "\x1b" not in out

    j1, j2 = results["json"]
    assert j1.stdout == j2.stdout, "two runs gave different JSON output"

    assert not (root / "PWNED").exists()
    assert not (root.parent / "PWNED").exists()
    assert not Path("PWNED").exists()
    assert outside.read_bytes() == outside_before
    after = _snapshot(root)
    # The only write there may be is the result cache, in its own git-ignored
    # folder (a corpus this small does not use it).
    cache = {k for k in after if k.startswith(".provlint_cache")}
    names = {k.split("/", 1)[1] for k in cache if "/" in k}
    assert all(n.startswith("results-") or n in ("CACHEDIR.TAG", ".gitignore") for n in names)
    after = {k: v for k, v in after.items() if k not in cache}
    assert after == before, {
        k: (before.get(k), after.get(k))
        for k in set(before) | set(after)
        if before.get(k) != after.get(k)
    }
    # With --no-cache nothing at all is written.
    shutil.rmtree(root / ".provlint_cache", ignore_errors=True)
    proc, _ = _cli(root, "json", "--no-cache")
    assert proc.stdout == j1.stdout
    assert _snapshot(root) == before

    data = json.loads(j1.stdout)
    paths = {f["path"] for f in data["findings"]}
    # sanity: hostile files are reported, not silently dropped
    assert any("binary.txt" in p for p in paths)
    if not IS_ROOT:
        # root can read a mode-000 file, so the unreadable case only exists
        # for non-root users
        assert any("unreadable.txt" in p for p in paths)


def test_hostile_corpus_small(tmp_path: Path) -> None:
    _check_corpus(tmp_path, big=False)


@pytest.mark.slow
def test_hostile_corpus_with_60mb_line(tmp_path: Path) -> None:
    _check_corpus(tmp_path, big=True)


@pytest.mark.slow
def test_index_with_100k_rows(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    lines = ["| id | file | date |", "|---|---|---|"]
    lines += [f"| d{i} | docs/d{i}.txt | 2021-12-05 |" for i in range(100_000)]
    (root / "INDEX.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc, _ = _cli(root, "json")
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode in (0, 1), err[-3000:]
    assert "Traceback" not in err
    data = json.loads(proc.stdout)
    assert len(data["findings"]) >= 100_000  # every row names a missing file


def test_no_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import provlint

    root, _ = _build(tmp_path, big=False)
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access is forbidden in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.chdir(tmp_path)
    report = provlint.run(root)
    assert attempts == []
    assert not (root / "PWNED").exists() and not (tmp_path / "PWNED").exists()
    assert SECRET not in repr([(f.path, f.message) for f in report.findings])
