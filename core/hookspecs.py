"""The provlint plugin API: every hook a plugin may implement.

A plugin is a module (or any object) with functions marked by
``provlint.hookimpl``. Built-in checks are plugins too, registered from an
explicit list exactly as third-party ones are; third-party plugins are found
through the ``provlint`` entry-point group or named with ``-p MODULE``.

Each hook's docstring below is its documentation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .model import Check, Header
    from .output import OutputFormat

PROJECT = "provlint"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def provlint_register_checks() -> Sequence[type[Check]]:
    """Return the check classes this plugin provides.

    Each class subclasses one of:

    - :class:`provlint.DocumentCheck`: ``check_document(doc)``, one
      document at a time;
    - :class:`provlint.KeyedCheck`: a corpus check as a keyed reduction,
      ``emit(doc)`` per document and ``judge(key, records, totals)`` per
      key, which provlint runs incrementally and can distribute (a class
      may also be a DocumentCheck);
    - :class:`provlint.CatalogueCheck`: ``check_catalogue(catalogue)``,
      INDEX.md as a whole;
    - :class:`provlint.CorpusCheck` (legacy): ``check_corpus(corpus)``,
      every document at once, on every run, in one process.

    It sets ``code`` (e.g. ``"XY101"``), ``name`` (kebab-case),
    ``severity`` and a docstring with the sections *What it does / Why it
    matters / Example / Options*. Codes and names must be unique across
    every loaded plugin; a clash is a load error naming both plugins. See
    ``docs/plugin-api.md``.

    :return: a sequence of check classes (not instances).

    .. versionadded:: 0.1
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def provlint_parse_header(path: str, text: str) -> Header | None:
    """Parse the header at the top of a document, if it is in your format.

    Parsers are tried until one returns a :class:`provlint.Header`; return
    ``None`` when the text is not in your format. Third-party parsers are
    tried before the built-in ones (YAML front matter, then the legacy
    one-line ``date YYYY-MM-DD`` header). A parser must not raise on
    malformed input: put the problem in ``Header.errors`` with its line and
    column inside the file.

    :param path: the document's path relative to the corpus root.
    :param text: the whole decoded document (BOM removed, newlines as read).
    :return: a header, or ``None`` to let the next parser try.

    .. versionadded:: 0.1
    """
    raise NotImplementedError


@hookspec
def provlint_register_formats() -> Sequence[type[OutputFormat]]:
    """Return the output formats this plugin provides.

    Each class subclasses :class:`provlint.output.OutputFormat`, sets a
    unique ``name`` (what ``--format`` takes) and implements ``render``.

    :return: a sequence of output format classes.

    .. versionadded:: 0.1
    """
    raise NotImplementedError


@hookspec
def provlint_config_options() -> dict[str, dict[str, Any]]:
    """Contribute top-level configuration keys.

    Return a mapping from key name to a JSON Schema that its value must
    satisfy. The keys may then appear in ``[tool.provlint]`` (or
    ``provlint.toml``); unknown keys are a configuration error. Per-check
    options are declared on the check class (``Check.options``) instead.

    :return: ``{key: schema}``.

    .. versionadded:: 0.1
    """
    raise NotImplementedError
