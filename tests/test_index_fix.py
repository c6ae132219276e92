"""`provlint index`, `provlint fix` and the crash-safe writer.

Every corpus is built in tmp_path; nothing here writes into the repository.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import provlint
import pytest
from conftest import REPO
from hypothesis import given
from hypothesis import strategies as st
from provlint.catalogue import parse_catalogue, split_row
from provlint.cli import main
from provlint.fixer import fix_bytes
from provlint.headers import parse_front_matter, parse_legacy
from provlint.indexer import raw_cells
from provlint.runner import decode
from provlint.writer import atomic_write, is_temp_name, remove_stale_temps, stale_temps

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX signals and modes")


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            p.write_bytes(data)
        else:
            p.write_bytes(data.encode("utf-8"))
    return root


def sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rows(root: Path) -> list[dict[str, str]]:
    cat = parse_catalogue((root / "INDEX.md").read_text("utf-8"))
    return [{k: c.value for k, c in r.cells.items()} for r in cat.rows]


def findings(root: Path) -> set[tuple[str, str, str | None, str]]:
    """What validate reports, as (check, path, doc id, severity).

    A document's own findings are anchored at its file, so the path names
    the document; the doc id is kept only for findings on INDEX.md rows. (A
    file without a row or a header id has no doc id until `index` gives it
    one: comparing ids would count the same finding twice.)"""
    report = provlint.run(root, provlint.Config(load_entrypoints=False))
    return {
        (f.check, f.path, f.doc_id if f.path == "INDEX.md" else None, f.severity.value)
        for f in report.findings
    }


def temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if is_temp_name(p.name))


def dead_pid() -> int:
    """A process id that is certainly gone."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --------------------------------------------------------------------------
# index: creating
# --------------------------------------------------------------------------

LEGACY_A = " date 2021-12-05 Body of a.\n"
FRONT_B = (
    "---\nid: bee\ntitle: The B story\nsource: Wire\nurl: https://example.org/b\n"
    "date: 2021-12-06\n---\nBody of b.\n"
)


def test_index_creates_index_for_bare_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(
        tmp_path / "corpus",
        {
            "a.txt": LEGACY_A,
            "b.md": FRONT_B,
            "sub/c.txt": "No header at all.\n",
            "README.md": "not a document\n",
            ".hidden/x.txt": "skipped\n",
        },
    )
    code, out, err = cli(capsys, "index", str(root))
    assert code == 0, err
    assert "created; 3 rows added" in out
    assert (root / "INDEX.md").read_text() == (
        "# corpus\n"
        "\n"
        "| id | file | title | source | url | date | sha256 |\n"
        "|---|---|---|---|---|---|---|\n"
        f"| a | a.txt | | | | 2021-12-05 | {sha(LEGACY_A)} |\n"
        "| bee | b.md | The B story | Wire | https://example.org/b | 2021-12-06 | "
        f"{sha(FRONT_B)} |\n"
        f"| c | sub/c.txt | | | | | {sha('No header at all.' + chr(10))} |\n"
    )
    checks = {f[0] for f in findings(root)}
    assert not checks & {"index-schema", "unindexed-file", "checksum-mismatch", "field-mismatch"}
    assert not checks & {"duplicate-id", "date-mismatch"}
    assert cli(capsys, "index", "--check", str(root))[0] == 0


def test_index_default_folder_is_cwd_without_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make(tmp_path / "bare", {"a.txt": LEGACY_A})
    monkeypatch.chdir(root)
    code, out, _ = cli(capsys, "index")
    assert code == 0 and out.startswith("INDEX.md: created")
    assert [r["file"] for r in rows(root)] == ["a.txt"]
    # From a subfolder, the corpus above is found (as validate does).
    (root / "sub").mkdir()
    monkeypatch.chdir(root / "sub")
    assert cli(capsys, "index", "--check")[0] == 0
    assert not (root / "sub" / "INDEX.md").exists()


def test_index_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cli(capsys, "index", str(tmp_path / "nope"))
    assert code == 2 and "no such folder" in err
    (tmp_path / "file.txt").write_text("x")
    code, _, err = cli(capsys, "index", str(tmp_path / "file.txt"))
    assert code == 2 and "expected a corpus folder" in err


# --------------------------------------------------------------------------
# index: updating in place
# --------------------------------------------------------------------------

OLD_INDEX = """\
# My corpus

Free text *before* the table | with a pipe.

| File | id | curator | date |
| :--- | -- | ------- | ---- |
| a.txt | a1 | Jo (by hand) | |
| b.md | b1 | | 2021-12-07 |
| gone.txt | g1 | Al | 2020-01-01 |

Free text after the table.

```
| id | file |
|----|------|
| fenced | not.txt |
```
"""


def test_update_preserves_everything_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(
        tmp_path / "c",
        {
            "INDEX.md": OLD_INDEX,
            "a.txt": LEGACY_A,
            "b.md": "---\ndate: 2021-12-06\ntitle: B\n---\nBody.\n",
            "new/z.txt": "z\n",
            "new/m.md": "---\nid: em\ndate: 2021-12-01\n---\nm\n",
        },
    )
    code, out, err = cli(capsys, "index", str(root))
    assert code == 0, err
    assert out.strip() == (
        f"{root}/INDEX.md: updated; 2 rows added, 2 digests updated, 1 cell filled, "
        "column sha256 added, 1 missing file"
    )
    assert "gone.txt' is missing; row kept" in err
    text = (root / "INDEX.md").read_text()
    assert text == (
        "# My corpus\n"
        "\n"
        "Free text *before* the table | with a pipe.\n"
        "\n"
        "| File | id | curator | date | sha256 |\n"
        "| :--- | -- | ------- | ---- | ---- |\n"
        f"| a.txt | a1 | Jo (by hand) | 2021-12-05 | {sha(LEGACY_A)} |\n"
        # A non-empty cell is never overwritten, even when the header disagrees.
        f"| b.md | b1 | | 2021-12-07 | {sha((root / 'b.md').read_bytes())} |\n"
        "| gone.txt | g1 | Al | 2020-01-01 | |\n"
        f"| new/m.md | em | | 2021-12-01 | {sha((root / 'new/m.md').read_bytes())} |\n"
        f"| new/z.txt | z | | | {sha('z' + chr(10))} |\n"
        "\n"
        "Free text after the table.\n"
        "\n"
        "```\n"
        "| id | file |\n"
        "|----|------|\n"
        "| fenced | not.txt |\n"
        "```\n"
    )
    # Rows kept their line numbers; validate still sees the mismatch the curator must settle.
    old_lines = {r.line for r in parse_catalogue(OLD_INDEX).rows}
    new_cat = parse_catalogue(text)
    assert old_lines <= {r.line for r in new_cat.rows}
    assert "date-mismatch" in {f[0] for f in findings(root)}
    # Idempotent.
    assert cli(capsys, "index", "--check", str(root))[0] == 0


def test_sha256_refreshed_other_cells_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = "alpha\n", "beta\n"
    stale = "0" * 64
    index = (
        "| id | file | title | sha256 |\n"
        "|----|------|-------|--------|\n"
        f"| a | a.txt | Hand title | {stale} |\n"
        f"| b | b.txt | | {sha(b).upper()} |\n"
    )
    root = make(tmp_path / "c", {"INDEX.md": index, "a.txt": a, "b.txt": b})
    code, out, _ = cli(capsys, "index", str(root))
    assert code == 0 and "1 digest updated" in out
    assert (root / "INDEX.md").read_text() == index.replace(stale, sha(a))


def test_crlf_bom_and_trailing_newline_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = "\ufeffIntro\r\n\r\n| id | file |\r\n|---|---|\r\n| a | a.txt |\r\n\r\nEnd"
    root = make(tmp_path / "c", {"INDEX.md": index, "a.txt": "a\n", "b.txt": "b\n"})
    assert cli(capsys, "index", str(root))[0] == 0
    raw = (root / "INDEX.md").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfIntro\r\n\r\n| id | file | sha256 |\r\n|---|---|---|\r\n")
    assert raw.endswith(b"\r\n\r\nEnd\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert [r["file"] for r in rows(root)] == ["a.txt", "b.txt"]
    assert cli(capsys, "index", "--check", str(root))[0] == 0


def test_mixed_line_endings_each_line_keeps_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = "Intro\n| id | file |\r\n|---|---|\n| a | a.txt |\r\nEnd\n"
    root = make(tmp_path / "c", {"INDEX.md": index, "a.txt": "a\n"})
    assert cli(capsys, "index", str(root))[0] == 0
    assert (root / "INDEX.md").read_bytes() == (
        f"Intro\n| id | file | sha256 |\r\n|---|---|---|\n| a | a.txt | {sha('a' + chr(10))} |\r\n"
        "End\n"
    ).encode()


def test_index_without_table_gets_one_appended(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prose = "# Notes\n\nJust prose, no table yet."
    root = make(tmp_path / "c", {"INDEX.md": prose, "a.txt": LEGACY_A})
    code, _, err = cli(capsys, "index", str(root))
    assert code == 0 and "has no catalogue table" in err
    text = (root / "INDEX.md").read_text()
    assert text.startswith(prose + "\n\n| id | file |")
    assert [r["id"] for r in rows(root)] == ["a"]


def test_no_rows_added_while_rows_stray_after_a_blank_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = "| id | file |\n|---|---|\n| a | a.txt |\n\n| b | b.txt |\n"
    root = make(tmp_path / "c", {"INDEX.md": index, "a.txt": "a\n", "b.txt": "b\n"})
    code, out, err = cli(capsys, "index", str(root))
    assert code == 0 and "0 rows added, 1 digest updated" in out
    assert "INDEX.md:5: looks like a catalogue row, but a blank line ends the table" in err
    assert "1 new row was not added" in err
    # The digest column is still added to the rows of the table.
    tail = f"| a | a.txt | {sha('a' + chr(10))} |\n\n| b | b.txt |\n"
    assert (root / "INDEX.md").read_text().endswith(tail)


def test_missing_files_reported_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = "| id | file |\n|---|---|\n| gone | gone.txt |\n| a | a.txt |\n"
    root = make(tmp_path / "c", {"INDEX.md": index, "a.txt": "a\n"})
    code, out, err = cli(capsys, "index", str(root))
    assert code == 0
    assert "1 missing file" in out
    assert f"{root}/INDEX.md:3: row 'gone': file 'gone.txt' is missing; row kept" in err
    assert [r["id"] for r in rows(root)] == ["gone", "a"]
    assert "sha256" not in rows(root)[0]


def test_check_exit_codes_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = "| id | file |\n|---|---|\n| a | a.txt |\n"
    root = make(tmp_path / "c", {"INDEX.md": index, "a.txt": "a\n"})
    code, out, err = cli(capsys, "index", "--check", str(root))
    assert code == 1
    assert (root / "INDEX.md").read_text() == index  # nothing written
    assert out.startswith(f"--- a/{root}/INDEX.md\n+++ b/{root}/INDEX.md\n@@ ")
    assert "-| id | file |\n" in out and "+| id | file | sha256 |\n" in out
    assert "would be updated" in err
    assert cli(capsys, "index", str(root))[0] == 0
    code, out, _ = cli(capsys, "index", "--check", str(root))
    assert code == 0 and "up to date" in out

    bare = make(tmp_path / "bare", {"a.txt": "a\n"})
    code, out, _ = cli(capsys, "index", "--check", str(bare))
    assert code == 1 and out.startswith("--- /dev/null\n")
    assert not (bare / "INDEX.md").exists()


def test_pipes_escaped_and_line_breaks_collapsed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = (
        "---\nid: p1\ntitle: 'Left | Right'\nsource: |\n  Wire\n  Service\n"
        "date: 2021-12-05\n---\nBody.\n"
    )
    root = make(tmp_path / "c", {"a|b.txt": doc, "back\\slash.txt": "x\n"})
    code, _, err = cli(capsys, "index", str(root))
    assert code == 0
    text = (root / "INDEX.md").read_text()
    assert "| p1 | a\\|b.txt | Left \\| Right | Wire Service | | 2021-12-05 |" in text
    (got,) = rows(root)
    assert got["title"] == "Left | Right" and got["file"] == "a|b.txt"
    # A backslash is a folder separator in INDEX.md: such a name cannot be catalogued.
    assert "back\\slash.txt: its name cannot be written in INDEX.md" in err
    found = findings(root)
    assert not {f[0] for f in found} & {"index-schema", "field-mismatch", "missing-file"}
    assert {f[1] for f in found if f[0] == "unindexed-file"} == {"back\\slash.txt"}


def test_invalid_header_values_are_not_copied(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = "---\nid: has space\ndate: 2021-13-45\nurl: not a url\ntitle: '`code`'\n---\nBody.\n"
    root = make(tmp_path / "c", {"a.txt": doc})
    code, _, err = cli(capsys, "index", str(root))
    assert code == 0
    assert "header date not copied" in err and "header url not copied" in err
    assert "header title not copied" in err and "header id 'has space' not copied" in err
    (row,) = rows(root)
    assert row["id"] == "a" and set(row) == {"id", "file", "sha256"}
    assert "index-schema" not in {f[0] for f in findings(root)}


def test_ragged_rows_are_never_edited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index = "| id | file | title |\n|---|---|---|\n| a | a.txt | A | B |\n| b | b.txt | |\n"
    root = make(tmp_path / "c", {"INDEX.md": index, "a.txt": "a\n", "b.txt": "b\n"})
    code, _, err = cli(capsys, "index", str(root))
    assert code == 0
    assert "row has 4 cells but the header has 3; the sha256 column was not added" in err
    assert (root / "INDEX.md").read_text() == index  # nothing else to do

    index2 = (
        "| id | file | title | sha256 |\n|---|---|---|---|\n| a | a.txt | A | B | x |\n"
        "| b | b.txt | |\n"
    )
    (root / "INDEX.md").write_text(index2)
    code, _, err = cli(capsys, "index", str(root))
    assert "INDEX.md:3: row has 5 cells but the header has 4; not updated" in err
    assert "INDEX.md:4: row has 3 cells but the header has 4; not updated" in err
    assert (root / "INDEX.md").read_text() == index2


def test_unreadable_binary_and_escaping_files_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = make(tmp_path / "outside", {"secret.txt": "secret\n"})
    index = "| id | file |\n|---|---|\n| up | ../outside/secret.txt |\n| ln | link.txt |\n"
    root = make(tmp_path / "c", {"INDEX.md": index, "bin.txt": b"\x00\x01binary", "ok.txt": "ok\n"})
    (root / "link.txt").symlink_to(outside / "secret.txt")
    (root / "dir.txt").mkdir()
    code, _, err = cli(capsys, "index", str(root))
    assert code == 0, err
    assert "leads outside the corpus folder; not updated" in err
    assert "is a symlink that leads outside the corpus folder; not updated" in err
    assert "bin.txt: is not text" in err
    assert [r["file"] for r in rows(root)] == ["../outside/secret.txt", "link.txt", "ok.txt"]
    assert "secret" not in (root / "INDEX.md").read_text().replace("secret.txt", "")
    assert sha("secret\n") not in (root / "INDEX.md").read_text()


def test_unreadable_index_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = b"| id | file |\n|---|---|\n| a | a.txt |\n\xff\n"
    root = make(tmp_path / "c", {"INDEX.md": bad, "a.txt": "a\n"})
    code, _, err = cli(capsys, "index", str(root))
    assert code == 2 and "invalid UTF-8 byte 0xff" in err
    assert (root / "INDEX.md").read_bytes() == bad


def test_index_link_outside_the_corpus_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = make(tmp_path / "elsewhere", {"INDEX.md": "| id | file |\n|---|---|\n"})
    root = make(tmp_path / "c", {"a.txt": "a\n"})
    (root / "INDEX.md").symlink_to(elsewhere / "INDEX.md")
    code, _, err = cli(capsys, "index", str(root))
    assert code == 2 and "leads outside the corpus folder; not updated" in err
    assert (elsewhere / "INDEX.md").read_text() == "| id | file |\n|---|---|\n"
    # Inside the corpus, a symlinked INDEX.md is written through.
    (root / "INDEX.md").unlink()
    (root / "catalogue.md").write_text("| id | file |\n|---|---|\n")
    (root / "INDEX.md").symlink_to("catalogue.md")
    assert cli(capsys, "index", str(root), "--documents", "*.txt")[0] == 0
    assert (root / "INDEX.md").is_symlink()
    assert [r["file"] for r in rows(root)] == ["a.txt"]


def test_documents_globs_from_flag_and_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(
        tmp_path / "c",
        {
            "a.txt": "a\n",
            "b.md": "b\n",
            "drafts/c.txt": "c\n",
            "provlint.toml": 'documents = ["**/*.txt"]\nexclude = ["drafts/**"]\n',
        },
    )
    # The configuration: *.txt outside drafts/.
    assert cli(capsys, "index", str(root))[0] == 0
    assert [r["file"] for r in rows(root)] == ["a.txt"]
    (root / "INDEX.md").unlink()
    # --documents replaces the configuration's globs; its exclude still applies.
    assert cli(capsys, "index", str(root), "--documents", "**/*.md,**/*.txt")[0] == 0
    assert [r["file"] for r in rows(root)] == ["a.txt", "b.md"]
    code, out, _ = cli(capsys, "index", "--check", str(root), "--documents", "*.md")
    assert code == 0 and "up to date" in out


def test_generated_ids_are_unique_and_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(
        tmp_path / "c",
        {
            "x/a.txt": "1\n",
            "y/a.txt": "2\n",
            "my doc, v2.txt": "3\n",
            "z.md": "---\nid: a\n---\n4\n",  # a header id takes precedence
        },
    )
    assert cli(capsys, "index", str(root))[0] == 0
    assert [(r["id"], r["file"]) for r in rows(root)] == [
        ("my-doc-v2", "my doc, v2.txt"),
        ("a-2", "x/a.txt"),
        ("a-3", "y/a.txt"),
        ("a", "z.md"),
    ]
    assert "duplicate-id" not in {f[0] for f in findings(root)}


def test_nested_corpora_and_temp_files_are_not_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(
        tmp_path / "c",
        {
            "a.txt": "a\n",
            "nested/INDEX.md": "| id | file |\n|---|---|\n",
            "nested/n.txt": "n\n",
            ".a.txt.provlint-tmp-99999999-abcdef": "half\n",
            "provlint.toml": 'documents = ["**/*"]\n',
        },
    )
    assert cli(capsys, "index", str(root))[0] == 0
    assert [r["file"] for r in rows(root)] == ["a.txt", "provlint.toml"]


# --------------------------------------------------------------------------
# raw cell spans agree with the catalogue parser
# --------------------------------------------------------------------------


@given(st.text(alphabet="|\\ a`-:\t", max_size=30))
def test_raw_cells_split_like_the_parser(line: str) -> None:
    spans = raw_cells(line)
    cells = split_row(line)
    if cells is None:
        assert spans is None
        return
    assert spans is not None and len(spans) == len(cells)
    for (s, e), (text, col) in zip(spans, cells, strict=True):
        assert line[s:e].replace("\\|", "|").strip() == text
        if text:
            assert s + (len(line[s:e]) - len(line[s:e].lstrip())) + 1 == col


_CELL = st.text(alphabet="ab |\\`<>[]()-:\t", max_size=8)


@given(
    cells=st.lists(_CELL, min_size=4, max_size=4),
    column=st.sampled_from(["title", "note"]),
    value=st.text(alphabet="ab |\\`<>-\n", min_size=1, max_size=10),
    trailing_pipe=st.booleans(),
)
def test_table_editor_writes_any_value_into_any_row(
    cells: list[str], column: str, value: str, trailing_pipe: bool
) -> None:
    from provlint.indexer import TableEditor, cell_problem, collapse, escape

    line = "| " + " | ".join(cells) + (" |" if trailing_pipe else "")
    text = f"Intro\n\n| id | file | title | note |\n|---|---|---|---|\n{line}\nAfter\n"
    editor = TableEditor(text)
    (row,) = editor.cat.rows
    plain = collapse(value)
    if editor.ragged(row) or not plain or cell_problem(column, plain):
        return
    before = {k: c.value for k, c in row.cells.items()}
    editor.set_cell(row, column, escape(plain))
    new_text = editor.text()  # raises IndexerError if it does not read back as intended
    (new_row,) = parse_catalogue(new_text).rows
    assert new_row.get(column) == plain
    assert {k: c.value for k, c in new_row.cells.items() if k != column} == {
        k: v for k, v in before.items() if k != column
    }
    assert new_text.startswith("Intro\n\n| id | file | title | note |\n")
    assert new_text.endswith("\nAfter\n")


# --------------------------------------------------------------------------
# fix
# --------------------------------------------------------------------------


def _legacy_corpus(tmp_path: Path) -> Path:
    a = " date 2021-12-05 Registration was successful!\nMore text.\n"
    b = "---\ndate: 2021-12-06\n---\nAlready front matter.\n"
    index = (
        "| id | file | date | sha256 |\n|---|---|---|---|\n"
        f"| a | a.txt | 2021-12-05 | {sha(a)} |\n| b | b.md | 2021-12-06 | {sha(b)} |\n"
    )
    return make(tmp_path / "c", {"INDEX.md": index, "a.txt": a, "b.md": b})


def test_fix_dry_run_then_write(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _legacy_corpus(tmp_path)
    before = {p.name: p.read_bytes() for p in root.iterdir()}
    code, out, err = cli(capsys, "fix", "--check", str(root))
    assert code == 1
    assert f"--- a/{root}/a.txt\n+++ b/{root}/a.txt\n" in out
    assert "- date 2021-12-05 Registration was successful!\n" in out
    assert "+---\n+date: 2021-12-05\n+---\n+Registration was successful!\n" in out
    assert f"--- a/{root}/INDEX.md\n" in out  # the digest it would update
    assert "1 file would be fixed" in err
    assert {p.name: p.read_bytes() for p in root.iterdir()} == before  # dry run wrote nothing

    if os.name == "posix":  # a temporary file from an interrupted fix: removed
        (root / f".a.txt.provlint-tmp-{dead_pid()}-0a1b2c").write_bytes(b"---\ndate: 2021")
    code, out, _ = cli(capsys, "fix", str(root))
    assert code == 0
    assert "1 file fixed" in out and "1 digest updated" in out
    new_a = (root / "a.txt").read_bytes()
    assert new_a == b"---\ndate: 2021-12-05\n---\nRegistration was successful!\nMore text.\n"
    assert (root / "b.md").read_bytes() == before["b.md"]
    assert rows(root)[0]["sha256"] == sha(new_a)
    assert not temps(root)
    code, out, _ = cli(capsys, "fix", "--check", str(root))
    assert code == 0 and "no legacy header to fix" in out


BODIES = {
    "trailing spaces": b" date 2021-12-05 Body with trailing spaces   \nline two  \t\n",
    "crlf": b" date 2021-12-05 First line\r\nsecond\r\n\r\n",
    "unicode": " date 2021-12-05 Größe \u2013 \u201cquoted\u201d 東京 🚀\nmore ünïcödé\n".encode(),
    "tab after date": b"date 2021-12-05\tTabbed body\n",
    "two spaces": b"  date 2021-12-05  Body keeps its second space\n",
    "no body": b" date 2021-12-05",
    "datetime": b" date 2021-12-05T13:24+00:00 Timed body\n",
    "invalid utf-8 later": b" date 2021-12-05 Body \xff\xfe bytes\n",
    "bom": b"\xef\xbb\xbf date 2021-12-05 After a BOM\n",
    "no final newline": b" date 2021-12-05 ends here",
}


@pytest.mark.parametrize("raw", BODIES.values(), ids=BODIES.keys())
def test_fix_keeps_the_body_byte_for_byte(raw: bytes) -> None:
    text, _ = decode(raw)
    assert text is not None
    legacy = parse_legacy(text)
    assert legacy is not None
    new = fix_bytes(raw)
    assert new is not None
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    nl = b"\r\n" if b"\r\n" in raw else b"\n"
    front = b"---" + nl + b"date: " + legacy.fields["date"].encode() + nl + b"---" + nl
    body_bytes = raw[len(bom) + len(text) - len(legacy.body) :]
    assert new == bom + front + body_bytes
    # The body is what the legacy parser said, and what front matter now gives.
    new_text, _ = decode(new)
    assert new_text is not None
    header = parse_front_matter(new_text)
    assert header is not None and not header.errors
    assert header.fields == legacy.fields
    assert header.body == legacy.body
    assert fix_bytes(new) is None  # nothing left to fix


def test_fix_leaves_other_files_alone() -> None:
    for raw in (
        b"No header\n",
        b"---\ndate: 2021-12-05\n---\nbody\n",
        b"\x00\x01 date 2021-12-05 binary",
        " date 2021-12-05 utf-16\n".encode("utf-16"),
        b"Body\n date 2021-12-05 not on line one\n",
    ):
        assert fix_bytes(raw) is None


def test_fix_crlf_file_on_disk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = b" date 2021-12-05 Body   \r\nTwo\r\n"
    root = make(tmp_path / "c", {"INDEX.md": "| id | file |\n|---|---|\n| a | a.txt |\n"})
    (root / "a.txt").write_bytes(raw)
    assert cli(capsys, "fix", str(root))[0] == 0
    assert (root / "a.txt").read_bytes() == b"---\r\ndate: 2021-12-05\r\n---\r\nBody   \r\nTwo\r\n"
    assert (root / "INDEX.md").read_text() == "| id | file |\n|---|---|\n| a | a.txt |\n"


def test_fix_write_failures_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import provlint.indexer
    import provlint.writer

    root = _legacy_corpus(tmp_path)
    index = (root / "INDEX.md").read_bytes()

    def no_index(self: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(provlint.indexer.IndexPlan, "write", no_index)
    code, out, err = cli(capsys, "fix", str(root))
    assert code == 1 and "1 file fixed" in out and "0 digests updated" in out
    assert "INDEX.md: cannot be written: Permission denied; its sha256 cells are stale" in err
    assert (root / "INDEX.md").read_bytes() == index
    monkeypatch.undo()
    assert cli(capsys, "index", str(root))[0] == 0  # the way out

    root = _legacy_corpus(tmp_path / "two")
    before = (root / "a.txt").read_bytes()

    def no_space(path: object, data: bytes, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(provlint.writer, "atomic_write", no_space)
    code, out, err = cli(capsys, "fix", str(root))
    assert code == 1 and "0 files fixed" in out
    assert "a.txt: cannot be written: No space left on device" in err
    assert (root / "a.txt").read_bytes() == before
    assert (root / "INDEX.md").read_bytes() == index


def test_fix_refuses_an_unreadable_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make(
        tmp_path / "c",
        {"INDEX.md": b"| id | file |\n|---|---|\n\xff\n", "a.txt": " date 2021-12-05 A\n"},
    )
    code, _, err = cli(capsys, "fix", str(root))
    assert code == 2 and "invalid UTF-8" in err
    assert (root / "a.txt").read_text() == " date 2021-12-05 A\n"


def test_fix_leaves_stale_digests_stale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = " date 2021-12-05 A\n"
    stale = "f" * 64
    index = f"| id | file | sha256 |\n|---|---|---|\n| a | a.txt | {stale} |\n| b | b.txt | |\n"
    root = make(tmp_path / "c", {"INDEX.md": index, "a.txt": a, "b.txt": " date 2021-12-06 B\n"})
    code, out, err = cli(capsys, "fix", str(root))
    assert code == 0 and "2 files fixed" in out and "0 digests updated" in out
    assert "sha256 did not match a.txt before the fix either; left unchanged" in err
    assert (root / "INDEX.md").read_text() == index


def test_fix_touches_only_corpus_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = " date 2021-12-05 Body\n"
    outside = make(tmp_path / "outside", {"o.txt": legacy})
    index = (
        "| id | file |\n|---|---|\n| up | ../outside/o.txt |\n| ln | link.txt |\n| a | a.txt |\n"
    )
    root = make(
        tmp_path / "c",
        {"INDEX.md": index, "a.txt": legacy, "b.txt": legacy, "notes.log": legacy},
    )
    (root / "link.txt").symlink_to(outside / "o.txt")
    # Only the named file.
    code, _, err = cli(capsys, "fix", str(root / "b.txt"), str(root / "notes.log"))
    assert code == 0
    assert "notes.log: not a document of the corpus" in err
    assert (root / "b.txt").read_bytes().startswith(b"---\n")
    assert (root / "a.txt").read_bytes() == legacy.encode()
    # The whole corpus: never outside it, never non-documents.
    code, _, err = cli(capsys, "fix", str(root))
    assert code == 0
    assert "leads outside the corpus folder; skipped" in err
    assert (root / "a.txt").read_bytes().startswith(b"---\n")
    assert (outside / "o.txt").read_bytes() == legacy.encode()
    assert (root / "notes.log").read_bytes() == legacy.encode()


def test_fix_a_folder_inside_the_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    legacy = " date 2021-12-05 Body\n"
    root = make(
        tmp_path / "c",
        {"INDEX.md": "| id | file |\n|---|---|\n", "top.txt": legacy, "sub/s.txt": legacy},
    )
    assert cli(capsys, "fix", str(root / "sub"))[0] == 0
    assert (root / "sub" / "s.txt").read_bytes().startswith(b"---\n")
    assert (root / "top.txt").read_bytes() == legacy.encode()


# --------------------------------------------------------------------------
# Round trip: fix, then index, adds no finding
# --------------------------------------------------------------------------


def _round_trip(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = findings(root)
    assert cli(capsys, "fix", str(root))[0] == 0
    # fix is neutral: the same findings on the same documents, digests kept in step.
    assert findings(root) == before
    assert cli(capsys, "index", str(root))[0] == 0
    after = findings(root)
    assert after <= before, after - before
    # What index resolves, and nothing else.
    assert {f[0] for f in before - after} <= {"checksum-mismatch", "unindexed-file"}
    assert cli(capsys, "fix", "--check", str(root))[0] == 0
    assert cli(capsys, "index", "--check", str(root))[0] == 0


def test_round_trip_synthetic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = " date 2021-12-05 Ministers met in Stockholm on Wednesday.   \r\nMore.\r\n"
    b = " date 2021-12-09 A copy: ministers met in Stockholm on Wednesday.\n"
    c = "---\nid: c3\ndate: 2021-12-06\nsource: Wire\n---\nAnother story, told 1 December 2021.\n"
    d = " date 2021-12-07 Unindexed, tagged 東京.\n"
    index = (
        "Intro.\n\n| id | file | source | date | sha256 |\n|---|---|---|---|---|\n"
        f"| a1 | a.txt | Wire | 2021-12-05 | {sha(a)} |\n"
        f"| b2 | b.txt | | 2021-12-08 | {'0' * 64} |\n"
        f"| c3 | c.md | Wire | | {sha(c)} |\n"
        "| g4 | gone.txt | Wire | 2021-12-01 | |\n"
    )
    root = make(tmp_path / "c", {"INDEX.md": index, "a.txt": a, "b.txt": b, "c.md": c})
    (root / "d.txt").write_bytes(d.encode())
    _round_trip(root, capsys)


def test_round_trip_bundled_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "example"
    root.mkdir()
    shutil.copy(REPO / "INDEX.md", root)
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / "provlint.toml").write_text('documents = ["seeds/*.txt", "seeds/*.md"]\n')
    _round_trip(root, capsys)


def test_round_trip_real_seeds(shared_seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _round_trip(shared_seeds, capsys)


# --------------------------------------------------------------------------
# The writer
# --------------------------------------------------------------------------


@posix_only
def test_atomic_write_keeps_mode_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "INDEX.md"
    target.write_bytes(b"old")
    target.chmod(0o640)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not temps(tmp_path)


@posix_only
def test_atomic_write_new_file_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.md", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640


def test_atomic_write_replaces_a_symlink_never_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"old")
    link = tmp_path / "INDEX.md"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert not link.is_symlink() and link.read_bytes() == b"new"
    assert real.read_bytes() == b"old"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere" / "created.json")
    atomic_write(dangling, b"{}")
    assert not dangling.is_symlink() and not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("fail_in", ["write", "fsync", "replace"])
def test_atomic_write_failure_keeps_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fail_in: str
) -> None:
    target = tmp_path / "INDEX.md"
    target.write_bytes(b"original")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    if fail_in == "write":
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, fd: int, mode: str) -> None:
                self.fh = real_fdopen(fd, mode)

            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: object) -> None:
                self.fh.close()

            def fileno(self) -> int:
                return self.fh.fileno()

            def write(self, data: bytes) -> None:
                self.fh.write(data[:3])
                self.fh.flush()
                boom()

        monkeypatch.setattr(os, "fdopen", Full)
    else:
        monkeypatch.setattr(os, fail_in, boom)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, b"replacement")
    monkeypatch.undo()
    assert target.read_bytes() == b"original"
    assert not temps(tmp_path)


@posix_only
def test_stale_temps_only_of_dead_or_old_writers(tmp_path: Path) -> None:
    target = tmp_path / "INDEX.md"
    target.write_bytes(b"x")
    pid = dead_pid()
    dead = tmp_path / f".INDEX.md.provlint-tmp-{pid}-abc123"
    alive = tmp_path / f".INDEX.md.provlint-tmp-{os.getpid()}-abc123"
    old = tmp_path / f".INDEX.md.provlint-tmp-{os.getpid()}-def456"
    other = tmp_path / f".a.txt.provlint-tmp-{pid}-abc123"
    for p in (dead, alive, old, other):
        p.write_bytes(b"partial")
    past = time.time() - 7200
    os.utime(old, (past, past))
    assert stale_temps(target) == sorted([dead, old])
    assert remove_stale_temps(target) == sorted([dead, old])
    assert alive.exists() and other.exists() and target.read_bytes() == b"x"


# --------------------------------------------------------------------------
# Interrupted writes: SIGKILL in the middle of `provlint index`
# --------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import os, sys, time
    mode, root = sys.argv[1], sys.argv[2]
    if mode in ("fsync", "replace"):
        def hang(*args, **kwargs):
            time.sleep(600)
        setattr(os, mode, hang)
    else:  # "slow-write": the new INDEX.md reaches the disk 4 KiB at a time
        real_fdopen = os.fdopen
        class Slow:
            def __init__(self, fd, mode):
                self.fh = real_fdopen(fd, mode)
            def __enter__(self):
                return self
            def __exit__(self, *exc):
                self.fh.close()
            def fileno(self):
                return self.fh.fileno()
            def flush(self):
                self.fh.flush()
            def write(self, data):
                for i in range(0, len(data), 4096):
                    self.fh.write(data[i:i + 4096])
                    self.fh.flush()
                    time.sleep(0.05)
        os.fdopen = Slow
    from provlint.cli import main
    sys.exit(main(["index", root]))
    """
)


@pytest.mark.slow
@posix_only
@pytest.mark.parametrize("mode", ["fsync", "replace", "slow-write"])
def test_sigkill_mid_write_keeps_index_intact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str
) -> None:
    n = 2000  # a large INDEX.md (~250 KiB once digests are added)
    index = "# Big\n\n| id | file | title |\n|---|---|---|\n" + "".join(
        f"| d{i} | docs/d{i}.txt | Title {i} |\n" for i in range(n)
    )
    root = make(tmp_path / "c", {"INDEX.md": index})
    for i in range(n):
        make(root / "docs", {f"d{i}.txt": f" date 2021-12-05 Document {i}\n"})
    original = (root / "INDEX.md").read_bytes()
    child = subprocess.Popen([sys.executable, "-c", _CHILD, mode, str(root)])
    try:
        deadline = time.monotonic() + 60
        while True:
            found = temps(root)
            if found and (mode != "slow-write" or found[0].stat().st_size > 0):
                break
            assert child.poll() is None, "the writer finished before it could be killed"
            assert time.monotonic() < deadline, "no temporary file appeared"
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    # The original is intact byte for byte; only a temporary file remains.
    assert (root / "INDEX.md").read_bytes() == original
    (tmp,) = temps(root)
    assert tmp.name.startswith(f".INDEX.md.provlint-tmp-{child.pid}-")
    if mode == "slow-write":
        assert 0 < tmp.stat().st_size < len(original)  # killed part-way through
    # validate and index --check ignore it; index removes it and does its job.
    assert "unindexed-file" not in {f[0] for f in findings(root)}
    code, out, _ = cli(capsys, "index", "--check", str(root))
    assert code == 1 and ".provlint-tmp-" not in out
    code, out, err = cli(capsys, "index", str(root))
    assert code == 0 and f"removed {tmp}" in err and f"{n} digests updated" in out
    assert not temps(root)
    assert all(len(r.get("sha256", "")) == 64 for r in rows(root))


TOML_HEADERS = '''
"""Headers between +++ lines, one key = "value" per line."""
import provlint


@provlint.hookimpl
def provlint_parse_header(path, text):
    if not text.startswith("+++\\n"):
        return None
    end = text.index("+++\\n", 4)
    if "boom" in text[:end]:
        raise ValueError("a broken header")
    fields = dict(line.split(" = ", 1) for line in text[4:end].splitlines())
    return provlint.Header(
        format="toml", fields={k: v.strip('"') for k, v in fields.items()}, body=text[end + 4 :]
    )
'''


def test_index_reads_headers_as_validate_does_with_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`provlint index` fills cells from every header format validate
    knows: a plugin's (``-p``) too; a parser that fails is a note."""
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "toml_headers.py").write_text(TOML_HEADERS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(plugins))
    root = make(
        tmp_path / "c",
        {
            "a.txt": '+++\ntitle = "From TOML"\ndate = "2021-12-04"\n+++\nBody\n',
            "b.txt": '+++\ntitle = "boom"\n+++\nBody\n',
        },
    )
    assert main(["index", str(root), "--no-entry-points", "-p", "toml_headers"]) == 0
    err = capsys.readouterr().err
    index = (root / "INDEX.md").read_text(encoding="utf-8")
    assert "| From TOML |" in index and "2021-12-04" in index
    assert "b.txt" in err and "a header parser raised ValueError" in err
    # Without the plugin, the header is not read: no title.
    (root / "INDEX.md").unlink()
    assert main(["index", str(root), "--no-entry-points"]) == 0
    assert "From TOML" not in (root / "INDEX.md").read_text(encoding="utf-8")
