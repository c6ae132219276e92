"""``provlint fix --unsafe-fixes``: the date date-mismatch proposes, written
into INDEX.md and the header: diff first, never without the flag,
atomically, never through a symlink."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import provlint
import pytest
from provlint.catalogue import parse_catalogue
from provlint.cli import main
from provlint.fixer import FixError, set_header_date
from provlint.writer import is_temp_name

A_MD = (
    "---\ntitle: Harbour\ndate: 2019-10-21\n---\nHarbour expansion approved\n"
    "Nov. 20, 2019 5:52 AM EST\nThe port authority voted.\n"
)
B_TXT = " date 2018-06-02 Summer fair\nJuly 2, 2018\nThousands came.\n"
C_MD = "No header here.\nPublished: 3 February 2020\nBody.\n"
D_MD = "---\ndate: 2021-03-01\n---\nAgreeing\nMarch 1, 2021\nBody.\n"


def sha(data: str | bytes) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def corpus(root: Path) -> Path:
    root.mkdir(parents=True)
    files = {"a.md": A_MD, "b.txt": B_TXT, "c.md": C_MD, "d.md": D_MD}
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "INDEX.md").write_text(
        "# Corpus\n\n| id | file | url | date | sha256 |\n|---|---|---|---|---|\n"
        f"| a | a.md | https://example.test/2019/11/20/harbour | 2019-10-21 | {sha(A_MD)} |\n"
        f"| b | b.txt | | 2018-06-02 | {sha(B_TXT)} |\n"
        f"| c | c.md | | 2020-01-01 | {sha(C_MD)} |\n"
        f"| d | d.md | | 2021-03-01 | {sha(D_MD)} |\n",
        encoding="utf-8",
    )
    return root


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rows(root: Path) -> dict[str, dict[str, str]]:
    cat = parse_catalogue((root / "INDEX.md").read_text("utf-8"))
    return {r.cells["id"].value: {k: c.value for k, c in r.cells.items()} for r in cat.rows}


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in root.iterdir() if p.is_file()}


def date_findings(root: Path) -> list[provlint.Finding]:
    cfg = provlint.Config(select=("date-mismatch",), load_entrypoints=False)
    return list(provlint.run(root, cfg).findings)


def test_never_without_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = corpus(tmp_path / "c")
    code, out, err = cli(capsys, "fix", "--check", str(root))
    assert code == 1  # the legacy header of b.txt: a safe fix
    assert "2018-07-02" not in out and "2019-11-20" not in out and "unsafe" not in err
    code, out, _ = cli(capsys, "fix", str(root))
    assert code == 0
    assert rows(root)["a"]["date"] == "2019-10-21"
    assert "date: 2018-06-02" in (root / "b.txt").read_text()
    assert (root / "a.md").read_text() == A_MD


def test_dry_run_shows_the_diff_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = corpus(tmp_path / "c")
    before = snapshot(root)
    code, out, err = cli(capsys, "fix", "--check", "--unsafe-fixes", str(root))
    assert code == 1
    assert snapshot(root) == before
    assert f"--- a/{root}/a.md\n+++ b/{root}/a.md\n" in out
    assert "-date: 2019-10-21\n+date: 2019-11-20\n" in out
    assert "+date: 2018-07-02\n" in out  # the legacy header, rewritten with its new date
    assert "| a | a.md | https://example.test/2019/11/20/harbour | 2019-11-20 |" in out
    assert "| c | c.md | | 2020-02-03 |" in out
    assert f"{root}/d.md" not in out  # its date agrees
    assert (
        f"{root}/a.md: date 2019-10-21 (INDEX.md:5), 2019-10-21 (a.md:3) -> 2019-11-20: the URL "
        "and the date stamp both give 2019-11-20 (high confidence; an unsafe fix)"
    ) in err
    assert "the date stamp gives 2020-02-03 (medium confidence; an unsafe fix)" in err
    assert "3 files would be fixed (3 dates changed: unsafe fixes)" in err
    assert "run 'provlint fix --unsafe-fixes' to apply" in err


def test_write_shows_the_diff_first_then_writes_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = corpus(tmp_path / "c")
    assert len(date_findings(root)) >= 3
    inode = os.stat(root / "a.md").st_ino
    code, out, _ = cli(capsys, "fix", "--unsafe-fixes", str(root))
    assert code == 0
    assert "-date: 2019-10-21\n+date: 2019-11-20\n" in out
    assert out.index("+date: 2019-11-20") < out.index("2 files fixed")
    assert "2 files fixed" in out and "INDEX.md: 2 digests updated, 3 date cells changed" in out
    a = (root / "a.md").read_text()
    assert a == A_MD.replace("date: 2019-10-21", "date: 2019-11-20")
    assert os.stat(root / "a.md").st_ino != inode  # replaced, not rewritten in place
    assert (root / "b.txt").read_text().startswith("---\ndate: 2018-07-02\n---\nSummer fair\n")
    assert (root / "c.md").read_text() == C_MD  # no header: only its row changes
    got = rows(root)
    assert [got[k]["date"] for k in "abcd"] == [
        "2019-11-20",
        "2018-07-02",
        "2020-02-03",
        "2021-03-01",
    ]
    assert got["a"]["sha256"] == sha(a)
    assert not [p for p in root.iterdir() if is_temp_name(p.name)]
    assert date_findings(root) == []
    code, out, _ = cli(capsys, "fix", "--check", "--unsafe-fixes", str(root))
    assert code == 0 and "no legacy header to fix and no date to change" in out


def test_a_failed_write_leaves_the_document_and_its_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import provlint.writer

    root = corpus(tmp_path / "c")
    real = provlint.writer.atomic_write

    def fail_a(path: object, data: bytes, **kwargs: object) -> None:
        if Path(str(path)).name == "a.md":
            raise OSError(28, "No space left on device")
        real(path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(provlint.writer, "atomic_write", fail_a)
    code, _, err = cli(capsys, "fix", "--unsafe-fixes", str(root))
    assert code == 1
    assert "a.md: cannot be written: No space left on device" in err
    assert (root / "a.md").read_text() == A_MD
    got = rows(root)
    assert got["a"]["date"] == "2019-10-21"  # a row moves with its header
    assert got["c"]["date"] == "2020-02-03"


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_never_through_a_symlinked_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = corpus(tmp_path / "c")
    (root / "store").mkdir()
    (root / "a.md").rename(root / "store" / "a.keep")  # not a document itself
    (root / "a.md").symlink_to(Path("store") / "a.keep")
    _, _, err = cli(capsys, "fix", "--unsafe-fixes", str(root))
    assert "a.md: is a symlink; unsafe fixes never write through one (not changed)" in err
    assert (root / "store" / "a.keep").read_text() == A_MD
    assert (root / "a.md").is_symlink()
    assert rows(root)["a"]["date"] == "2019-10-21"
    assert rows(root)["c"]["date"] == "2020-02-03"  # the others are fixed


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_never_through_a_symlinked_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "c"
    (root / "store").mkdir(parents=True)
    (root / "store" / "a.keep").write_text(A_MD)
    (root / "sub").symlink_to("store")
    (root / "sub.md").write_text("not used")
    (root / "INDEX.md").write_text(
        "| id | file | date |\n|---|---|---|\n| a | sub/a.keep | 2019-10-21 |\n"
    )
    assert date_findings(root)  # the document is read through the folder's link
    before = (root / "INDEX.md").read_text()
    _, _, err = cli(capsys, "fix", "--unsafe-fixes", str(root))
    assert "sub/a.keep: is a symlink; unsafe fixes never write through one" in err
    assert (root / "store" / "a.keep").read_text() == A_MD
    assert (root / "INDEX.md").read_text() == before


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_never_through_a_symlinked_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = corpus(tmp_path / "c")
    (root / "INDEX.md").rename(root / "catalogue.md")
    (root / "INDEX.md").symlink_to("catalogue.md")
    before = snapshot(root)
    _, out, err = cli(capsys, "fix", "--check", "--unsafe-fixes", str(root))
    assert "INDEX.md: is a symlink; unsafe fixes never write through one (none made)" in err
    assert "2019-11-20" not in out
    cli(capsys, "fix", "--unsafe-fixes", str(root))
    assert (root / "a.md").read_text() == A_MD
    assert (root / "catalogue.md").read_bytes().count(b"2019-10-21") == 1
    assert snapshot(root)["a.md"] == before["a.md"]


def test_a_suppressed_finding_is_not_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = corpus(tmp_path / "c")
    text = A_MD.replace(
        "title: Harbour\n",
        "title: Harbour\nprovlint:\n  ignore:\n    date-mismatch: the catalogue date is checked\n",
    )
    (root / "a.md").write_text(text)
    _, out, _ = cli(capsys, "fix", "--check", "--unsafe-fixes", str(root))
    assert "2019-11-20" not in out
    assert "2020-02-03" in out  # the others still are


def test_plugin_header_formats_are_left_alone(tmp_path: Path) -> None:
    from provlint.fixer import DATE_HEADERS

    assert DATE_HEADERS == ("yaml-front-matter", "legacy-date-line")


@pytest.mark.parametrize(
    "raw, new",
    [
        (b"---\ndate: 2021-07-18\n---\nBody\n", b"---\ndate: 2021-12-05\n---\nBody\n"),
        (
            b"---\r\ndate: '2021-07-18'\r\n---\r\nBody\r\n",
            b"---\r\ndate: '2021-12-05'\r\n---\r\nBody\r\n",
        ),
        (
            b'\xef\xbb\xbf---\ndate: "2021-07-18" # kept\n---\nB\xff\n',
            b'\xef\xbb\xbf---\ndate: "2021-12-05" # kept\n---\nB\xff\n',
        ),
        (b" date 2021-07-18 Body on line one\n", b" date 2021-12-05 Body on line one\n"),
    ],
    ids=["yaml", "quoted crlf", "bom, comment, bad byte in the body", "legacy"],
)
def test_set_header_date_changes_only_the_date(raw: bytes, new: bytes) -> None:
    assert set_header_date(raw, "2021-07-18", "2021-12-05") == new


def test_set_header_date_refuses_what_it_cannot_read_back() -> None:
    with pytest.raises(FixError):
        set_header_date(b"---\ndate: 2021-07-19\n---\n", "2021-07-18", "2021-12-05")
    with pytest.raises(FixError):
        set_header_date(b"No header\n", "2021-07-18", "2021-12-05")
    with pytest.raises(FixError):  # the value is folded over two lines: not where it was read
        set_header_date(b"---\ndate: >-\n  2021-07-18\n---\n", "2021-07-18", "2021-12-05")


def test_a_value_already_on_that_day_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "c"
    root.mkdir()
    text = A_MD.replace("date: 2019-10-21", "date: 2019-11-20T10:00:00+01:00")
    (root / "a.md").write_text(text)
    (root / "INDEX.md").write_text(
        "| id | file | url | date |\n|---|---|---|---|\n"
        "| a | a.md | https://example.test/2019/11/20/harbour | 2019-10-21 |\n"
    )
    code, out, _ = cli(capsys, "fix", "--unsafe-fixes", str(root))
    assert code == 0 and "0 files fixed" in out and "1 date cell changed" in out
    assert (root / "a.md").read_text() == text
    assert rows(root)["a"]["date"] == "2019-11-20"


def test_nothing_when_the_check_is_turned_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = corpus(tmp_path / "c")
    config = tmp_path / "provlint.toml"
    config.write_text('ignore = ["date-mismatch"]\n')
    _, out, _ = cli(capsys, "fix", "--check", "--unsafe-fixes", "--config", str(config), str(root))
    assert "2019-11-20" not in out and "2020-02-03" not in out


TOML_HEADERS = """\
import provlint


@provlint.hookimpl
def provlint_parse_header(path, text):
    if not text.startswith("+++\\n"):
        return None
    end = text.index("+++\\n", 4)
    fields = dict(line.split(" = ", 1) for line in text[4:end].splitlines())
    return provlint.Header(
        format="toml", fields={k: v.strip('"') for k, v in fields.items()}, body=text[end + 4 :]
    )
"""


def test_a_plugin_header_format_is_not_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "stamps_toml_headers.py").write_text(TOML_HEADERS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(plugins))
    config = tmp_path / "provlint.toml"
    config.write_text('plugins = ["stamps_toml_headers"]\n')
    root = tmp_path / "c"
    root.mkdir()
    text = '+++\ndate = "2018-06-02"\n+++\nFair\nJuly 2, 2018\nBody.\n'
    (root / "a.md").write_text(text)
    (root / "INDEX.md").write_text(
        "| id | file | date |\n|---|---|---|\n| a | a.md | 2018-06-02 |\n"
    )
    _, _, err = cli(
        capsys, "fix", "--unsafe-fixes", "--config", str(config), str(root)
    )
    assert "its date is declared in a toml header, which unsafe fixes do not rewrite" in err
    assert (root / "a.md").read_text() == text
    assert rows(root)["a"]["date"] == "2018-06-02"
