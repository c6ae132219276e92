"""provlint.globs: gitignore semantics, checked against a table, against git
itself, and against a small reference matcher; and matching that does not
backtrack."""

from __future__ import annotations

import functools
import os
import pickle
import random
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from provlint.globs import PathMatcher, compile_glob, compile_globs

SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --------------------------------------------------------------------------
# The table: (patterns, path, is_dir, expected) for a gitignore-style list
# --------------------------------------------------------------------------

F, D = False, True  # is_dir

CASES: list[tuple[str | tuple[str, ...], str, bool, bool]] = [
    # a pattern without a slash matches a name at any depth
    ("*.md", "x.md", F, True),
    ("*.md", "a/b/x.md", F, True),
    ("*.md", "x.txt", F, False),
    ("*.md", "x.md/y.txt", F, True),  # a folder named x.md: everything below it
    ("x.md", "a/x.md", F, True),
    ("x.md", "a/xx.md", F, False),
    # a leading or middle slash anchors to the root
    ("/notes/*.md", "notes/x.md", F, True),
    ("/notes/*.md", "sub/notes/x.md", F, False),
    ("notes/*.md", "notes/x.md", F, True),
    ("notes/*.md", "sub/notes/x.md", F, False),
    ("/x.md", "x.md", F, True),
    ("/x.md", "a/x.md", F, False),
    ("./x.md", "x.md", F, True),  # "./" anchors like "/"
    ("./x.md", "a/x.md", F, False),
    ("x.md", "./x.md", F, True),  # a leading "./" in the path is dropped
    # "*" and "?" never match "/"
    ("notes/*.md", "notes/a/x.md", F, False),
    ("a*b", "a/b", F, False),
    ("/a*b", "ab", F, True),
    ("/a*b", "a/b", F, False),
    ("?.md", "a.md", F, True),
    ("?.md", "ab.md", F, False),
    ("/a?b", "a/b", F, False),
    ("*", "anything/at/all", F, True),
    # bracket expressions
    ("[ab]*.txt", "a1.txt", F, True),
    ("[ab]*.txt", "b.txt", F, True),
    ("[ab]*.txt", "sub/ab.txt", F, True),
    ("[ab]*.txt", "c.txt", F, False),
    ("[ab]*.txt", "A.txt", F, False),  # case-sensitive
    ("[!a]*", "abc", F, False),
    ("[!a]*", "bc", F, True),
    ("[^a]*", "bc", F, True),
    ("[^a]*", "ab", F, False),
    ("[a-c].md", "b.md", F, True),
    ("[a-c].md", "d.md", F, False),
    ("[c-a].md", "b.md", F, False),  # an empty range
    ("[a-cx-z]", "y", F, True),
    ("[]a]", "]", F, True),  # "]" first is a member
    ("[]a]", "a", F, True),
    ("[!]a]", "b", F, True),
    ("[!]a]", "]", F, False),
    ("[a-]", "-", F, True),  # "-" last is a member
    ("[-a]", "-", F, True),  # and first
    ("[[:digit:]]*.md", "1x.md", F, True),
    ("[[:digit:]]*.md", "x.md", F, False),
    ("[[:upper:][:digit:]]", "Q", F, True),
    ("[![:alpha:]]", "a", F, False),
    ("[![:alpha:]]", "_", F, True),
    ("[[:bogus:]]", "b", F, False),  # an unknown class matches nothing
    ("[ab", "[ab", F, False),  # an unclosed "[" matches nothing
    ("[ab", "a", F, False),
    ("[[:alpha]", "[", F, True),  # no ":]": "[" and ":alph" are members
    # backslash escapes
    ("\\*.md", "*.md", F, True),
    ("\\*.md", "x.md", F, False),
    ("\\[ab]", "[ab]", F, True),
    ("\\[ab]", "a", F, False),
    ("\\?", "?", F, True),
    ("\\?", "a", F, False),
    ("\\\\", "\\", F, True),
    ("[\\]]", "]", F, True),
    ("[a\\-z]", "-", F, True),
    ("[a\\-z]", "m", F, False),
    ("\\#notes", "#notes", F, True),
    ("\\!keep.md", "!keep.md", F, True),
    ("\\!keep.md", "keep.md", F, False),
    ("x\\ ", "x ", F, True),  # an escaped trailing space is kept
    ("x.md   ", "x.md", F, True),  # unescaped trailing spaces are dropped
    # a backslash before any other character is a separator (Windows paths)
    ("notes\\drafts", "notes/drafts", F, True),
    ("notes\\drafts", "sub/notes/drafts", F, False),
    ("drafts\\", "drafts/x.md", F, True),
    # comments and blank patterns
    ("#x.md", "#x.md", F, False),
    ("", "x", F, False),
    (("# a comment", "", "*.md"), "x.md", F, True),
    # a folder excludes everything below it; a trailing "/" only folders
    ("drafts", "drafts/x/y.md", F, True),
    ("drafts/", "drafts/x/y.md", F, True),
    ("drafts", "sub/drafts/x.md", F, True),
    ("drafts/", "sub/drafts/x.md", F, True),
    ("/drafts", "sub/drafts/x.md", F, False),
    ("drafts/", "drafts", F, False),
    ("drafts/", "drafts", D, True),
    ("drafts", "drafts", F, True),
    ("drafts", "draftsman/x.md", F, False),
    ("a/b/", "a/b/c", F, True),
    ("a/b/", "a/b", F, False),
    # "**"
    ("**/x", "x", F, True),
    ("**/x", "a/b/x", F, True),
    ("**/x", "a/xx", F, False),
    ("**/x/y", "x/y", F, True),
    ("**/x/y", "a/x/y", F, True),
    ("**/x/y", "x/z/y", F, False),
    ("x/**", "x/a", F, True),
    ("x/**", "x/a/b", F, True),
    ("x/**", "x", D, False),
    ("x/**", "y/x/a", F, False),
    ("a/**/b", "a/b", F, True),
    ("a/**/b", "a/x/b", F, True),
    ("a/**/b", "a/x/y/b", F, True),
    ("a/**/b", "b", F, False),
    ("a/**/b", "x/a/b", F, False),
    ("a/**/b", "a/x/bb", F, False),
    ("a/**/b/**/c", "a/1/b/2/3/c", F, True),
    ("a/**/**/b", "a/b", F, True),
    ("**", "a/b/c", F, True),
    ("/**", "a", F, True),
    ("**/", "a/b", F, True),  # every folder
    ("**/", "a", F, False),
    ("a**b", "axyb", F, True),  # "**" inside a segment is "*"
    ("/a**b", "ax/yb", F, False),
    ("a/**b", "a/xb", F, True),
    ("a/**b", "a/x/b", F, False),
    ("**a", "xa", F, True),
    # negation: the last match wins
    (("*.md", "!keep.md"), "keep.md", F, False),
    (("*.md", "!keep.md"), "sub/keep.md", F, False),
    (("*.md", "!keep.md"), "x.md", F, True),
    (("!keep.md", "*.md"), "keep.md", F, True),
    (("*.md", "!keep.md", "keep.md"), "keep.md", F, True),
    (("*.md", "!/keep.md"), "sub/keep.md", F, True),
    (("!x",), "x", F, False),
    # a file below an excluded folder cannot be re-included
    (("drafts/", "!drafts/keep.md"), "drafts/keep.md", F, True),
    (("drafts/*", "!drafts/keep.md"), "drafts/keep.md", F, False),
    (("drafts/*", "!drafts/keep.md"), "drafts/other.md", F, True),
    (("drafts", "!drafts/"), "drafts/x.md", F, False),  # the folder is re-included
    (("drafts", "!drafts/"), "drafts", F, True),  # but not a file of that name
]


@pytest.mark.parametrize(("patterns", "path", "is_dir", "expected"), CASES)
def test_gitignore_table(
    patterns: str | tuple[str, ...], path: str, is_dir: bool, expected: bool
) -> None:
    pats = (patterns,) if isinstance(patterns, str) else patterns
    assert compile_globs(pats).match(path, is_dir) is expected


def test_compile_glob_attributes() -> None:
    g = compile_glob("!/notes/")
    assert g is not None and g.negated and g.dir_only and g.anchored
    assert compile_glob("# comment") is None and compile_glob("") is None
    assert compile_glob("/") is None  # nothing is left of it
    g = compile_glob("*.md")
    assert g is not None and not g.anchored and not g.negated
    assert g.match("a/b.md") and g.match("a/b.md", is_dir=True) and not g.match("a/b.txt")
    bad = compile_glob("[ab")
    assert bad is not None and not bad.valid and not bad.match("a")


def test_globset_is_reusable_across_parents() -> None:
    """The set remembers the last parent folder; a different parent must
    not be answered from that memory."""
    g = compile_globs(["/drafts/"])
    assert g.match("drafts/a.md")
    assert not g.match("notes/a.md")
    assert g.match("drafts/b.md")
    assert not g.match("drafts")
    assert not compile_globs([]).match("x")
    assert not g.match("")


# --------------------------------------------------------------------------
# PathMatcher: which files are documents
# --------------------------------------------------------------------------


def test_pathmatcher_include_matches_files_not_folders() -> None:
    m = PathMatcher(["**/*.md", "**/*.txt"], ())
    assert m("x.md") and m("a/b/c.txt")
    # A folder whose name looks like a document does not take its files in.
    assert not m("dir.txt/inner.bin")
    # A trailing "/" in `documents` takes in the files below such folders.
    m = PathMatcher(["notes/"], ())
    assert m("notes/a.bin") and m("sub/notes/x/y.bin") and not m("notes")
    m = PathMatcher(["/notes/", "!*.bak"], ())
    assert m("notes/a.txt") and not m("notes/a.bak") and not m("sub/notes/a.txt")


def test_pathmatcher_exclude_and_negation() -> None:
    default_exclude = ("INDEX.md", "README.md", "requirements*.txt")
    m = PathMatcher(["*.md", "*.txt"], (*default_exclude, "drafts", "!README.md"))
    assert m("a.md") and m("README.md") and m("sub/README.md")
    assert not m("INDEX.md") and not m("sub/requirements-dev.txt")
    assert not m("drafts/x/y.md") and not m("sub/drafts/y.md")
    assert not PathMatcher(["*.md"], ["drafts/"])("drafts/x.md")
    assert not PathMatcher(["**/*.txt"], ["skip/*"])("skip/a/b.txt")
    assert PathMatcher(["**/*.txt"], ["skip/*"])("a/skip/b.txt")
    assert not PathMatcher(["**/*.txt"], ["drafts/**"])("drafts/a/b.txt")


def test_pathmatcher_compatible_spellings() -> None:
    """What the regex-based matcher accepted keeps working: a leading
    "./", backslashes as separators, "**" for zero or more folders."""
    assert PathMatcher(["./notes/*.md"], ())("notes/a.md")
    assert PathMatcher(["notes\\*.md"], ())("notes*.md")  # an escaped star
    assert PathMatcher(["notes\\sub/*.md"], ())("notes/sub/a.md")
    assert not PathMatcher(["*.md"], ["notes\\drafts"])("notes/drafts/a.md")
    assert PathMatcher(["notes/**/*.md"], ())("notes/a.md")
    assert PathMatcher(["notes/**/*.md"], ())("notes/a/b/c.md")
    assert not PathMatcher(["notes/**/*.md"], ())("other/notes/a.md")
    assert PathMatcher(["seeds/*.txt"], ())("seeds/a.txt")
    assert not PathMatcher(["seeds/*.txt"], ())("x/seeds/a.txt")


def test_pathmatcher_pickles() -> None:
    """A matcher survives pickling (as a worker process would receive it)."""
    m = PathMatcher(["*.md", "[!x]*.txt"], ["drafts/", "!keep.md", "?a[[:digit:]]*"])
    copy = pickle.loads(pickle.dumps(m))
    for path in ("a.md", "x.txt", "b.txt", "drafts/a.md", "keep.md", "ba1.md", "sub/ba.md"):
        assert copy(path) == m(path), path


def test_pathmatcher_reexported_by_runner() -> None:
    from provlint import runner

    assert runner.PathMatcher is PathMatcher


# --------------------------------------------------------------------------
# Against git itself
# --------------------------------------------------------------------------

ATOMS = ["a", "b", "/", "*", "?", "[ab]", "[!a]", "**"]
NAMES = ["a", "b", "aa", "ab", "ba", "bb", "aab"]


def _random_pattern(rng: random.Random) -> str:
    body = "".join(rng.choice(ATOMS) for _ in range(rng.randint(1, 6)))
    if rng.random() < 0.2:
        body += "/"
    return body


def _random_tree(rng: random.Random) -> tuple[list[str], list[str]]:
    """(files, folders) of a small random tree."""
    paths = {"/".join(rng.choice(NAMES) for _ in range(rng.randint(1, 3))) for _ in range(40)}
    folders = {p.rsplit("/", i)[0] for p in paths for i in range(1, p.count("/") + 1)}
    files = sorted(p for p in paths if p not in folders)
    return files, sorted(folders)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_agrees_with_git_check_ignore(tmp_path: Path) -> None:
    """Random pattern lists over a small alphabet, each in its own folder's
    .gitignore over the same random tree; git check-ignore decides which
    paths are ignored, and the matcher must say the same for every one."""
    rng = random.Random(20240611)
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    files, folders = _random_tree(rng)
    cases: list[list[str]] = []
    for i in range(120):
        pats = [_random_pattern(rng)]
        for _ in range(rng.randint(0, 2)):
            pats.append(("!" if rng.random() < 0.5 else "") + _random_pattern(rng))
        cases.append(pats)
        case = repo / f"c{i}"
        for d in folders:
            (case / d).mkdir(parents=True, exist_ok=True)
        case.mkdir(exist_ok=True)
        for f in files:
            (case / f).touch()
        (case / ".gitignore").write_text("\n".join(pats) + "\n", encoding="utf-8")
    queries = [(i, p, p in folders) for i in range(len(cases)) for p in (*files, *folders)]
    proc = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin", "-z"],
        input="".join(f"c{i}/{p}\0" for i, p, _ in queries),
        capture_output=True,
        text=True,
        cwd=repo,
        env=env,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    ignored = set(proc.stdout.split("\0")) - {""}
    assert len(ignored) > len(queries) // 10  # the comparison is not vacuous
    wrong = [
        (cases[i], p, is_dir, f"c{i}/{p}" in ignored)
        for i, p, is_dir in queries
        if compile_globs(cases[i]).match(p, is_dir) != (f"c{i}/{p}" in ignored)
    ]
    assert not wrong, f"{len(wrong)} disagreements with git, e.g. {wrong[:5]}"


# --------------------------------------------------------------------------
# Against a reference matcher (a memoised recursion over characters)
# --------------------------------------------------------------------------


def _atoms(p: str) -> list[str]:
    """The pattern's atoms: "[...]" expressions, runs of stars, characters."""
    out: list[str] = []
    i = 0
    while i < len(p):
        if p[i] == "[":
            j = p.index("]", i + 2)
            out.append(p[i : j + 1])
            i = j + 1
        elif p[i] == "*":
            j = i
            while j < len(p) and p[j] == "*":
                j += 1
            out.append(p[i:j])
            i = j
        else:
            out.append(p[i])
            i += 1
    return out


def _one_char(atom: str, c: str) -> bool:
    if atom == "?":
        return True
    if atom.startswith("[!"):
        return c not in atom[2:-1]
    if atom.startswith("["):
        return c in atom[1:-1]
    return atom == c


def _wild(pattern: str, text: str, pathname: bool) -> bool:
    """git's wildmatch for the test alphabet, written as a plain recursion:
    with ``pathname``, "*" and "?" stop at "/", and a "**" between slashes
    (or at an end) matches across them."""
    atoms = _atoms(pattern)

    @functools.cache
    def m(i: int, j: int) -> bool:
        if i == len(atoms):
            return j == len(text)
        a = atoms[i]
        if a.startswith("*"):
            star2 = (
                pathname
                and len(a) >= 2
                and (i == 0 or atoms[i - 1] == "/")
                and (i + 1 == len(atoms) or atoms[i + 1] == "/")
            )
            if star2:
                if i + 1 == len(atoms):
                    return True
                return m(i + 2, j) or any(m(i + 1, k) for k in range(j, len(text) + 1))
            k = j
            while True:
                if m(i + 1, k):
                    return True
                if k == len(text) or (pathname and text[k] == "/"):
                    return False
                k += 1
        if j == len(text):
            return False
        if a != "/" and pathname and text[j] == "/":
            return False
        return _one_char(a, text[j]) and m(i + 1, j + 1)

    return m(0, 0)


def _ref_one(pattern: str, path: str, is_dir: bool) -> bool:
    """Whether one pattern (no "!") matches ``path`` itself, per gitignore(5)."""
    p = pattern
    if p.endswith("/"):
        if not is_dir:
            return False
        p = p[:-1]
    if not p:
        return False
    if "/" not in p:
        return _wild(p, path.rsplit("/", 1)[-1], pathname=False)
    return _wild(p[1:] if p.startswith("/") else p, path, pathname=True)


def _ref_list(patterns: Sequence[str], path: str, is_dir: bool) -> bool:
    """gitignore's verdict: any folder above ``path`` or ``path`` itself
    excluded by its own last matching pattern."""
    segs = path.split("/")
    for k in range(1, len(segs) + 1):
        verdict = False
        for pat in patterns:
            neg = pat.startswith("!")
            if _ref_one(pat[1:] if neg else pat, "/".join(segs[:k]), k < len(segs) or is_dir):
                verdict = not neg
        if verdict:
            return True
    return False


PATTERN = st.lists(st.sampled_from([*ATOMS, "[a-b]"]), min_size=1, max_size=8).map("".join)
PATH = st.lists(st.text("ab", min_size=1, max_size=4), min_size=1, max_size=4).map("/".join)


@SETTINGS
@given(PATTERN, PATH, st.booleans())
def test_single_pattern_matches_reference(pattern: str, path: str, is_dir: bool) -> None:
    g = compile_glob(pattern)
    got = g is not None and g.match(path, is_dir)
    assert got == _ref_one(pattern, path, is_dir)


@SETTINGS
@given(
    st.lists(st.tuples(st.booleans(), PATTERN), min_size=1, max_size=3),
    PATH,
    st.booleans(),
)
def test_pattern_list_matches_reference(
    pats: list[tuple[bool, str]], path: str, is_dir: bool
) -> None:
    patterns = [("!" if neg else "") + p for neg, p in pats]
    assert compile_globs(patterns).match(path, is_dir) == _ref_list(patterns, path, is_dir)


@SETTINGS
@given(
    st.lists(st.tuples(st.booleans(), PATTERN), min_size=1, max_size=3),
    PATH,
)
def test_include_list_matches_reference(pats: list[tuple[bool, str]], path: str) -> None:
    """``folders=False`` (how `documents` reads): the path itself decides,
    and a trailing-"/" pattern also matches below a folder it matches."""
    patterns = [("!" if neg else "") + p for neg, p in pats]
    segs = path.split("/")
    expected = False
    for pat in patterns:
        body = pat.lstrip("!")
        hit = _ref_one(body, path, False) or (
            body.endswith("/")
            and any(_ref_one(body, "/".join(segs[:k]), True) for k in range(1, len(segs)))
        )
        if hit:
            expected = not pat.startswith("!")
    assert compile_globs(patterns, folders=False).match(path) == expected


# --------------------------------------------------------------------------
# No backtracking: many stars against long names
# --------------------------------------------------------------------------


def _dp_segment(pattern: str, text: str) -> bool:
    """Bottom-up wildcard DP for one segment ("*", "?", literals), O(m x n)."""
    row = [True] + [False] * len(text)
    for c in pattern:
        if c == "*":
            for j in range(1, len(text) + 1):
                row[j] = row[j] or row[j - 1]
        else:
            row = [False] + [row[j] and (c == "?" or c == text[j]) for j in range(len(text))]
    return row[-1]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.text("ab?", min_size=1, max_size=2), min_size=5, max_size=25),
    st.booleans(),
    st.booleans(),
    st.integers(200, 3000),
    st.text("ab", min_size=1, max_size=3),
)
def test_many_stars_long_names(
    chunks: list[str], lead: bool, trail: bool, n: int, tail: str
) -> None:
    """Patterns of many stars against long names (the shape that makes a
    backtracking regex run for minutes) finish, with the right answer."""
    pattern = ("*" if lead else "") + "*".join(chunks) + ("*" if trail else "")
    name = "a" * n + tail
    assert compile_globs([pattern]).match(name) == _dp_segment(pattern, name)
    deep = "/".join(["a" * 40] * 20) + "/" + name
    # The path itself (with the folder rule, a matching folder above it would
    # match the file too).
    assert compile_globs([f"**/{pattern}/**/{pattern}"], folders=False).match(deep) == (
        _dp_segment(pattern, "a" * 40) and _dp_segment(pattern, name)
    )


def test_hostile_pattern_against_long_name() -> None:
    name = "a" * 5000
    for stars in (5, 20, 100):
        pattern = "*a" * stars + "*b"
        assert not compile_globs([pattern]).match(name)
        assert compile_globs(["*a" * stars + "*"]).match(name)
        assert not PathMatcher([pattern], ())(name + ".txt")
        assert PathMatcher(["*.txt"], [pattern])(name + ".txt")


# --------------------------------------------------------------------------
# README's examples, through the command line
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('documents = ["[ab]*.txt"]', ["a1.txt", "b.txt", "sub/ab.txt"]),
        ('documents = ["[!a]*.txt"]', ["b.txt", "c.txt", "drafts/x.txt"]),
        ('documents = ["*.md"]\nexclude = ["*.md", "!keep.md"]', ["drafts/keep.md", "keep.md"]),
        (
            'documents = ["*.md"]\nexclude = ["drafts/*", "!drafts/keep.md"]',
            ["drafts/keep.md", "keep.md"],
        ),
        ('documents = ["*.md"]\nexclude = ["drafts/", "!drafts/keep.md"]', ["keep.md"]),
    ],
)
def test_readme_glob_examples_through_the_cli(
    config: str, expected: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The examples README gives for `documents` and `exclude`, in a real
    configuration file, decide which files `provlint validate` finds."""
    import json

    from provlint.cli import main

    root = tmp_path / "c"
    for rel in ("a1.txt", "b.txt", "c.txt", "sub/ab.txt", "drafts/x.txt", "keep.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    (root / "drafts" / "keep.md").write_text("x", encoding="utf-8")
    (root / "INDEX.md").write_text("| id | file |\n|---|---|\n", encoding="utf-8")
    (root / "provlint.toml").write_text(config + "\n", encoding="utf-8")
    main(["validate", str(root), "--select", "unindexed-file", "--format", "json", "--no-cache"])
    found = json.loads(capsys.readouterr().out)["findings"]
    got = sorted(Path(f["path"]).resolve().relative_to(root.resolve()).as_posix() for f in found)
    assert got == expected
