"""provlint's pytest plugin: build a corpus in a few lines and run provlint on it.

It is loaded automatically (entry point ``pytest11``) in every pytest session
where provlint is installed, so a plugin author's tests need no conftest::

    from my_plugin import TitleLength

    def test_long_title_is_reported(provlint_corpus):
        provlint_corpus.row("a1", "a.txt", title="x" * 200, source="Wire", date="2021-12-05")
        provlint_corpus.doc("a.txt", header={"title": "x" * 200})
        assert provlint_corpus.names(plugins=[TitleLength], select=["title-length"]) == [
            ("INDEX.md", "title-length"),
        ]

The fixture ``provlint_corpus`` is a :class:`CorpusBuilder` bound to
``tmp_path / "corpus"``. Nothing is written until :meth:`CorpusBuilder.write`
or :meth:`CorpusBuilder.run` is called. See ``docs/plugin-testing.md``.

Only the standard library and pytest are imported here at module level:
this module is imported by every pytest session, so it must stay cheap.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from provlint import Finding
    from provlint.report import Report

__all__ = ["DEFAULT_BODY", "CorpusBuilder", "provlint_corpus"]

INDEX_NAME = "INDEX.md"
#: The body a document gets when ``doc()`` is not given one.
DEFAULT_BODY = "Body text.\n"
# Config fields that hold a tuple of strings: a list or a lone string is accepted.
_TUPLE_FIELDS = frozenset(
    {"documents", "exclude", "select", "ignore", "extend_select", "plugins", "blocked_plugins"}
)


def _strings(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, (_dt.date, _dt.datetime)) else str(value)
    if "\n" in text or "\r" in text:
        raise ValueError(
            f"INDEX.md cell {column!r} contains a line break, which would end the table row; "
            "use index_text() to write a broken table on purpose"
        )
    return text.replace("|", "\\|")


def _yaml_front_matter(header: Mapping[str, Any] | str) -> str:
    if isinstance(header, str):
        block = header if header.endswith("\n") or not header else header + "\n"
        return f"---\n{block}---\n"
    if not header:
        return "---\n---\n"
    import yaml

    # safe_dump quotes a string that YAML would read as something else
    # ('2021-12-05', 'yes', '1.0'), so it stays a string; a datetime.date is
    # written bare. provlint reads every scalar as text either way.
    block = yaml.safe_dump(
        dict(header),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,  # one line per scalar: predictable line numbers
    )
    return f"---\n{block}---\n"


def _checks_plugin(classes: list[type]) -> Any:
    """Wrap check classes in a plugin object whose ``provlint_register_checks``
    returns them."""
    from provlint import hookimpl

    class _Checks:
        def __init__(self) -> None:
            self.__name__ = "checks:" + ",".join(c.__name__ for c in classes)

        @hookimpl
        def provlint_register_checks(self) -> list[type]:
            return list(classes)

    return _Checks()


class CorpusBuilder:
    """Builds a corpus folder (INDEX.md plus documents) and runs provlint on it.

    Every building method returns the builder, so calls can be chained.
    INDEX.md is written as a bare GFM table: the header row on line 1, the
    alignment row on line 2, and the n-th ``row()`` (counting from 1) on
    line ``n + 2``.

    Example::

        corpus = CorpusBuilder(tmp_path / "corpus")
        corpus.row("a1", "a.txt", title="A title", source="Wire", date="2021-12-05")
        corpus.doc("a.txt", header={"date": "2021-12-05"}, body="Text.\\n")
        corpus.doc("b.txt", legacy_date="2021-12-06", body="Text.")
        corpus.doc("c.txt", raw=b"caf\\xe9\\n")  # Latin-1, not UTF-8
        report = corpus.run()
        assert corpus.codes(select=["unindexed-file"]) == [("b.txt", "PV105"), ("c.txt", "PV105")]
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        self._rows: list[dict[str, Any]] = []
        self._index_text: str | None = None
        self._index = True
        self._files: dict[str, bytes] = {}
        self._written: set[str] = set()
        #: The report of the last :meth:`run` (``None`` before the first).
        self.report: Report | None = None

    def __repr__(self) -> str:
        index = "raw" if self._index_text is not None else self._index
        return (
            f"<CorpusBuilder {self._path} rows={len(self._rows)} "
            f"files={sorted(self._files)} index={index}>"
        )

    # ------------------------------------------------------------------
    # Building
    # ------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The corpus root (it exists once :meth:`write` has run)."""
        return self._path

    def row(self, id: str | None, file: str | None, **fields: Any) -> CorpusBuilder:
        """Add an INDEX.md row. Columns are the union of every row's fields in
        the order first seen, ``id`` and ``file`` first; a field a row lacks,
        or given as ``None``, is an empty cell. Values are written with
        ``str()`` (dates as ISO text) and ``|`` escaped as ``\\|``. Use
        ``**{"odd name": value}`` for a column that is not an identifier."""
        self._rows.append({"id": id, "file": file, **fields})
        self._index_text = None
        self._index = True
        return self

    def index_text(self, text: str) -> CorpusBuilder:
        """Write ``text`` as INDEX.md verbatim, instead of the rows."""
        self._index_text = text
        self._index = True
        return self

    def no_index(self) -> CorpusBuilder:
        """Write no INDEX.md at all (the missing catalogue is then a finding)."""
        self._index = False
        return self

    def doc(
        self,
        file: str,
        body: str | None = None,
        *,
        header: Mapping[str, Any] | str | None = None,
        legacy_date: str | _dt.date | None = None,
        raw: bytes | None = None,
    ) -> CorpusBuilder:
        """Add (or replace) a document at ``file``, a path relative to the root.

        * ``header`` (a mapping): YAML front matter, ``---`` / the mapping
          dumped with ``yaml.safe_dump(sort_keys=False)`` / ``---``, then the
          body. Strings stay strings (``"2021-12-05"`` is quoted). A string
          is taken as the YAML text between the fences, verbatim (for
          malformed front matter).
        * ``legacy_date``: the legacy one-line header, ``" date YYYY-MM-DD "``
          followed by the body on the same line.
        * neither: the body alone, with no header.
        * ``raw``: these exact bytes and nothing else (no body, no header).

        The body defaults to :data:`DEFAULT_BODY`. Text is written as UTF-8
        with the newlines given.
        """
        rel = self._relpath(file)
        if raw is not None:
            if body is not None or header is not None or legacy_date is not None:
                raise ValueError("doc(raw=...) takes no body, header or legacy_date")
            self._files[rel] = bytes(raw)
            return self
        if header is not None and legacy_date is not None:
            raise ValueError("doc() takes a header or a legacy_date, not both")
        text = DEFAULT_BODY if body is None else body
        if header is not None:
            text = _yaml_front_matter(header) + text
        elif legacy_date is not None:
            date = legacy_date.isoformat() if isinstance(legacy_date, _dt.date) else legacy_date
            text = f" date {date} {text}"
        self._files[rel] = text.encode("utf-8")
        return self

    @staticmethod
    def _relpath(file: str | os.PathLike[str]) -> str:
        rel = PurePosixPath(Path(file).as_posix())
        if rel.is_absolute() or not rel.parts:
            raise ValueError(f"{file!r}: expected a path relative to the corpus root")
        return rel.as_posix()

    def index_markdown(self) -> str | None:
        """The INDEX.md text :meth:`write` would write (``None``: no INDEX.md)."""
        if not self._index:
            return None
        if self._index_text is not None:
            return self._index_text
        columns: dict[str, None] = {"id": None, "file": None}
        for row in self._rows:
            columns.update(dict.fromkeys(row))
        names = list(columns)
        lines = [
            "| " + " | ".join(names) + " |",
            "|" + "|".join("---" for _ in names) + "|",
        ]
        for row in self._rows:
            lines.append("| " + " | ".join(_cell(c, row.get(c)) for c in names) + " |")
        return "\n".join(lines) + "\n"

    def write(self) -> Path:
        """Write every file (again): INDEX.md and the documents. Files this
        builder wrote before but no longer holds are removed; other files
        in the folder are left alone. Returns the root."""
        root = self._path
        root.mkdir(parents=True, exist_ok=True)
        wanted = dict(self._files)
        index = self.index_markdown()
        if index is not None:
            wanted[INDEX_NAME] = index.encode("utf-8")
        for stale in sorted(self._written - set(wanted)):
            (root / stale).unlink(missing_ok=True)
        for rel, data in wanted.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self._written = set(wanted)
        return root

    # ------------------------------------------------------------------
    # Running
    # ------------------------------------------------------------------

    def _config(
        self,
        *,
        select: str | Iterable[str] | None = None,
        ignore: str | Iterable[str] | None = None,
        plugins: Iterable[Any] = (),
        entry_points: bool = False,
        **config: Any,
    ) -> tuple[Any, list[Any]]:
        """The ``provlint.Config`` and plugin objects :meth:`run` would use."""
        from provlint import Check, Config

        module_names: list[str] = []
        objects: list[Any] = []
        classes: list[type] = []
        for p in (plugins,) if isinstance(plugins, str) else plugins:
            if isinstance(p, str):
                module_names.append(p)
            elif isinstance(p, type) and issubclass(p, Check):
                classes.append(p)
            else:
                objects.append(p)
        if classes:
            objects.append(_checks_plugin(classes))
        kwargs: dict[str, Any] = {}
        for key, value in config.items():
            kwargs[key] = _strings(value) if key in _TUPLE_FIELDS else value
        kwargs["plugins"] = tuple(module_names)
        kwargs.setdefault("load_entrypoints", entry_points)
        cfg = Config(select=_strings(select), ignore=_strings(ignore), **kwargs)
        return cfg, objects

    def run(
        self,
        *,
        select: str | Iterable[str] | None = None,
        ignore: str | Iterable[str] | None = None,
        plugins: Iterable[Any] = (),
        entry_points: bool = False,
        only: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
        **config: Any,
    ) -> Report:
        """Write the corpus, run provlint on it and return the ``Report``.

        :param select: check codes, names or code prefixes to run (default:
            every check loaded).
        :param ignore: checks not to run.
        :param plugins: plugins to load besides the built-in ones: check
            classes (wrapped in a plugin for you), plugin objects or modules,
            or module names as strings (like ``-p MODULE``).
        :param entry_points: also load the installed plugins of the
            ``provlint`` entry-point group (off by default, so a test sees
            only what it names).
        :param only: document paths (relative to the root) to pass instead
            of the root, as pre-commit does: only findings on those files,
            and the rows that name them, are kept.
        :param config: any other ``provlint.Config`` field, e.g.
            ``check_options={"title-length": {"max": 40}}``,
            ``documents=["**/*.txt"]``, ``blocked_plugins=["missing_date"]``.
        """
        import provlint

        cfg, objects = self._config(
            select=select, ignore=ignore, plugins=plugins, entry_points=entry_points, **config
        )
        root = self.write()
        paths: list[str | os.PathLike[str]]
        if only is None:
            paths = [root]
        elif isinstance(only, (str, os.PathLike)):
            paths = [root / only]
        else:
            paths = [root / p for p in only]
        self.report = provlint.run(paths, cfg, plugins=objects)
        return self.report

    def findings(self, **kwargs: Any) -> list[Finding]:
        """The findings of :meth:`run` (same arguments), sorted by path,
        line, column and code."""
        return list(self.run(**kwargs).findings)

    def codes(self, **kwargs: Any) -> list[tuple[str, str]]:
        """Sorted ``(path, code)`` pairs, one per finding of :meth:`run`
        (same arguments); a finding on INDEX.md has path ``"INDEX.md"``,
        one on no file (a plugin failing to load) ``""``."""
        return sorted((f.path, f.code) for f in self.findings(**kwargs))

    def names(self, **kwargs: Any) -> list[tuple[str, str]]:
        """Like :meth:`codes` with the check's name: ``("a.txt", "missing-date")``."""
        return sorted((f.path, f.check) for f in self.findings(**kwargs))


@pytest.fixture
def provlint_corpus(tmp_path: Path) -> CorpusBuilder:
    """A :class:`provlint.testing.CorpusBuilder` bound to ``tmp_path / "corpus"``."""
    return CorpusBuilder(tmp_path / "corpus")
