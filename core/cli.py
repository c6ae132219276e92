"""The ``provlint`` command. Only this module prints and exits.

Imports are lazy: ``provlint --help`` and ``provlint explain`` load no more
than they need.

Exit codes: 0 no finding of error severity; 1 at least one; 2 a usage or
configuration error; 3 an internal or plugin error.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from pathlib import Path

    from .config import Config
    from .model import Check
    from .registry import Registry

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

EPILOG = """\
exit codes:
  0  no finding of error severity
  1  at least one finding of error severity
  2  usage or configuration error (bad flag, no corpus found)
  3  internal or plugin error (see the internal-error findings)
"""

INDEX_EPILOG = """\
exit codes:
  0  INDEX.md written, or already up to date
  1  with --check or --diff: INDEX.md would change (the diff is printed)
  2  usage or configuration error, or INDEX.md cannot be read or written
  3  internal error (nothing was written)
"""

FIX_EPILOG = """\
unsafe fixes:
  --unsafe-fixes also writes the date date-mismatch proposes (when the URL,
  a date stamp, a machine timestamp or a dateline agree on it) into the
  INDEX.md date cell and the header. It is a guess for a person to accept:
  review it first with --diff; when written, the diff is printed too.

exit codes:
  0  nothing to fix, or every change applied
  1  with --check or --diff: something would change (the diffs are printed);
     otherwise: a file could not be rewritten
  2  usage or configuration error (no corpus found, INDEX.md unreadable)
  3  internal error
"""


def _split(values: Sequence[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return tuple(out)


def _add_plugin_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-p",
        dest="plugins",
        action="append",
        metavar="MODULE",
        default=[],
        help="load plugin MODULE (an installed module); -p no:NAME blocks plugin NAME",
    )
    p.add_argument(
        "--no-entry-points",
        action="store_true",
        help="do not load third-party plugins from the 'provlint' entry-point group",
    )


def _add_config_args(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--config",
        metavar="FILE",
        help="read the configuration from FILE (a provlint.toml or pyproject.toml) instead of "
        "the one found from the corpus upwards; FILE is trusted: its 'plugins' may name modules",
    )
    group.add_argument(
        "--isolated",
        action="store_true",
        help="ignore every configuration file: defaults and command-line flags only",
    )
    p.add_argument(
        "--no-respect-gitignore",
        action="store_true",
        help="also find documents that the corpus's .gitignore files ignore",
    )


def _base_config(args: argparse.Namespace, root: Path) -> Config:
    """:func:`_file_config`, with --no-respect-gitignore."""
    cfg = _file_config(args, root)
    if getattr(args, "no_respect_gitignore", False):
        cfg = cfg.with_overrides(respect_gitignore=False)
    return cfg


def _file_config(args: argparse.Namespace, root: Path) -> Config:
    """The configuration a command starts from: --config FILE, none with
    --isolated, else the file found from ``root`` upwards."""
    from pathlib import Path

    from .config import Config, ConfigError, load_config, load_config_file

    if getattr(args, "config", None):
        if getattr(args, "isolated", False):
            raise ConfigError("--config and --isolated cannot be used together")
        return load_config_file(Path(args.config))
    if getattr(args, "isolated", False):
        return Config()
    return load_config(root)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="provlint",
        description="Validate the metadata and provenance of a folder of collected documents.",
        epilog="output formats:\n  'provlint validate --help' lists every one, plugin formats "
        "included\n\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"provlint {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="'provlint COMMAND --help' shows its options"
    )

    v = sub.add_parser(
        "validate",
        add_help=False,
        help="check a corpus (INDEX.md and every document's header)",
        description="Check a corpus: INDEX.md and every document's header. PATH may be a "
        "corpus folder, its INDEX.md, or document files inside one corpus (as pre-commit "
        "passes them): the whole corpus is checked and only findings on those files, and on "
        "the rows that name them, are reported.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument(
        "-h", "--help", action=_HelpWithFormats, help="show this help, with every output format"
    )
    v.add_argument(
        "paths", nargs="*", metavar="PATH", help="corpus folders, INDEX.md files or documents"
    )
    v.add_argument(
        "--format",
        "--output-format",
        dest="format",
        default="text",
        metavar="FORMAT",
        help="output format: text (default) or one listed under 'output formats' below",
    )
    v.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    v.add_argument(
        "--select",
        action="append",
        metavar="CODE|NAME|PREFIX",
        help="only run these checks (comma-separated; repeatable)",
    )
    v.add_argument(
        "--extend-select",
        action="append",
        metavar="CODE|NAME|PREFIX",
        help="run these checks in addition to the selected ones",
    )
    v.add_argument(
        "--ignore", action="append", metavar="CODE|NAME|PREFIX", help="do not run these checks"
    )
    v.add_argument(
        "--skip-outside-corpus",
        action="store_true",
        help="ignore document files that have no INDEX.md above them (for pre-commit)",
    )
    v.add_argument(
        "--baseline",
        metavar="FILE",
        help="accept the findings recorded in FILE (JSON); report stale entries",
    )
    v.add_argument(
        "--update-baseline",
        action="store_true",
        help="write the current findings to the --baseline FILE",
    )
    v.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even when findings of error severity remain (not on exit 3)",
    )
    v.add_argument("--strict", action="store_true", help="fail (exit 1) on warnings too")
    v.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (it only shows on a terminal, never in CI)",
    )
    v.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        metavar="N",
        help="worker processes for reading and checking documents (default: one per CPU; "
        "a small corpus runs in one process)",
    )
    v.add_argument(
        "--no-cache",
        action="store_true",
        help="neither read nor write the result cache",
    )
    v.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep the result cache in DIR (default: .provlint_cache beside INDEX.md)",
    )
    v.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local (default): this machine's processes; dask: a dask cluster "
        "(pip install 'provlint[dask]')",
    )
    v.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the scheduler to use, such as tcp://host:8786 "
        "(default: a local cluster with --jobs workers)",
    )
    v.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text format: auto (default: on a terminal), always or never",
    )
    v.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    _add_config_args(v)
    v.add_argument(
        "--show-source",
        action="store_true",
        help="text format: group findings by file and show each line with a caret",
    )
    v.add_argument(
        "--statistics",
        action="store_true",
        help="text format: count the findings of each check after the list",
    )
    v.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print related locations and the tracebacks of internal errors",
    )
    _add_plugin_args(v)

    k = sub.add_parser(
        "cache",
        help="manage the result cache",
        description="The result cache keeps what the document checks found for each file, so "
        "that an unchanged file is not read again. It lives in .provlint_cache beside "
        "INDEX.md, or in --cache-dir.",
    )
    k.add_argument("action", choices=("clear", "dir"), help="clear: empty it; dir: print where")
    k.add_argument("folder", nargs="?", metavar="FOLDER", help="the corpus (default: as validate)")
    k.add_argument("--cache-dir", metavar="DIR", help="the cache folder, when not the default")

    c = sub.add_parser("checks", help="list every available check")
    c.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default), json or markdown",
    )
    _add_plugin_args(c)

    g = sub.add_parser(
        "config", help="show the effective configuration and where each value came from"
    )
    g.add_argument(
        "path", nargs="?", default=None, metavar="PATH", help="the corpus (default: as validate)"
    )
    g.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=("text", "json"),
        default="text",
        help="text (default) or json",
    )
    g.add_argument(
        "--schema",
        action="store_true",
        help="print the assembled JSON Schema of the configuration instead",
    )
    _add_plugin_args(g)
    _add_config_args(g)

    e = sub.add_parser("explain", help="print a check's documentation")
    e.add_argument("check", metavar="NAME|CODE", help="a check's name or code")
    e.add_argument(
        "--format",
        "--output-format",
        dest="format",
        choices=("text", "markdown"),
        default="text",
        help="text (default) or markdown",
    )
    _add_plugin_args(e)

    i = sub.add_parser(
        "index",
        help="create or update INDEX.md: add new files, fill empty cells, refresh digests",
        description="Create INDEX.md for FOLDER, or update it in place: a row for every "
        "document that has none, empty cells filled from the documents' headers, the sha256 "
        "of every file. Free text, column order, hand-written cells and row positions are "
        "kept; rows whose file is missing are kept and reported. FOLDER defaults to the "
        "nearest folder at or above the current one with an INDEX.md, else the current one.",
        epilog=INDEX_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    i.add_argument(
        "folder", nargs="?", metavar="FOLDER", help="the corpus folder (default: as validate)"
    )
    _add_dry_run_args(i, "INDEX.md")
    i.add_argument(
        "--documents",
        action="append",
        metavar="GLOB",
        help="which files are documents (comma-separated; repeatable); default: the "
        "configuration's 'documents'",
    )
    _add_config_args(i)
    _add_plugin_args(i)

    f = sub.add_parser(
        "fix",
        help="rewrite legacy one-line date headers as YAML front matter",
        description="Rewrite legacy one-line headers (' date 2021-12-05 Body...') as YAML "
        "front matter, keeping the body byte for byte. PATH may be a corpus folder, its "
        "INDEX.md, or document files inside one. Rewrites the files atomically and updates "
        "their sha256 cells in INDEX.md; with --check or --diff, writes nothing, prints the "
        "diff and exits 1 if anything would change (as index does).",
        epilog=FIX_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    f.add_argument(
        "paths", nargs="*", metavar="PATH", help="corpus folders, INDEX.md files or documents"
    )
    dry = _add_dry_run_args(f, "a file")
    dry.add_argument(
        "--write",
        action="store_true",
        help="deprecated: writing is the default now (a note says so on stderr)",
    )
    f.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also write the dates date-mismatch proposes into INDEX.md and the headers "
        "(the diff is printed too)",
    )
    _add_config_args(f)

    sc = sub.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description="Print a completion script for SHELL, generated from this command's "
        "options, output formats and checks. bash: source <(provlint completion bash) in "
        "~/.bashrc; zsh: source <(provlint completion zsh) in ~/.zshrc, after compinit; "
        "fish: provlint completion fish > ~/.config/fish/completions/provlint.fish",
    )
    sc.add_argument("shell", choices=("bash", "zsh", "fish"), help="the shell to complete for")
    _add_plugin_args(sc)
    return parser


def _add_dry_run_args(p: argparse.ArgumentParser, what: str) -> Any:
    """index and fix write by default, as ``ruff format`` does; --check and
    --diff (the same) write nothing and exit 1 when something would change."""
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--check",
        action="store_true",
        help=f"write nothing; print the diff and exit 1 if {what} would change",
    )
    group.add_argument("--diff", action="store_true", help="the same as --check")
    return group


class _HelpWithFormats(argparse.Action):
    """``validate --help``: the help, with every output format the plugins
    provide (built-in, entry points, and ``-p`` modules named before it).
    Only this help builds the plugin registry."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(
            option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, help=help
        )

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        namespace.plugins = getattr(namespace, "plugins", None) or []
        namespace.no_entry_points = getattr(namespace, "no_entry_points", False)
        registry = _registry(namespace)
        parser.epilog = _formats_epilog(registry) + "\n" + (parser.epilog or "")
        parser.print_help()
        _report_load_errors(registry)  # a plugin that failed: why its format is missing
        parser.exit()


def _formats_epilog(registry: Registry) -> str:
    formats = sorted(registry.formats.items())
    wide = max((len(name) for name, _ in formats), default=0)
    lines = ["output formats (--format, --output-format):"]
    for name, fmt in formats:
        about = getattr(fmt, "description", "") or (fmt.__doc__ or "").strip().split("\n")[0]
        lines.append(f"  {name:<{wide}}  {about}".rstrip())
    return "\n".join(lines) + "\n"


def _plugin_flags(args: argparse.Namespace) -> tuple[tuple[str, ...], tuple[str, ...]]:
    extra, blocked = [], []
    for spec in args.plugins:
        if spec.startswith("no:"):
            blocked.append(spec[3:])
        else:
            extra.append(spec)
    return tuple(extra), tuple(blocked)


def _registry(args: argparse.Namespace) -> Registry:
    from .registry import build_registry

    extra, blocked = _plugin_flags(args)
    return build_registry(extra, blocked, load_entrypoints=not args.no_entry_points)


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def cmd_validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .config import ConfigError
    from .output import FormatOptions, project_root
    from .runner import locate, run_targets

    targets = locate(args.paths, skip_outside=args.skip_outside_corpus)
    if not targets:
        return EXIT_OK  # every file named lies outside any corpus: nothing to check
    base_cfg = _base_config(args, targets[0].root)
    extra, blocked = _plugin_flags(args)
    cfg = base_cfg.with_overrides(
        select=_split(args.select),
        ignore=_split(args.ignore),
        extend_select=_split(args.extend_select),
        plugin_modules=(*base_cfg.plugin_modules, *extra),
        blocked_plugins=(*base_cfg.blocked_plugins, *blocked),
        load_entrypoints=False if args.no_entry_points else None,
        jobs=args.jobs,
        cache=not args.no_cache,
        cache_dir=Path(args.cache_dir).resolve() if args.cache_dir else None,
    )
    if args.engine == "dask":
        from .engine_dask import run_targets_dask

        reports = run_targets_dask(
            targets, cfg, scheduler=args.scheduler, progress=_progress_bar(args)
        )
    else:
        if args.scheduler:
            raise ConfigError("--scheduler needs --engine dask")
        reports = run_targets(targets, cfg, progress=_progress_bar(args))
    stale: list[dict[str, Any]] = []
    if args.baseline:
        reports, stale = _apply_baseline(reports, args.baseline, args.update_baseline)
    elif args.update_baseline:
        raise ConfigError("--update-baseline needs --baseline FILE")
    registry = reports[0].registry if reports else None
    formats: dict[str, Any] = registry.formats if registry else {}
    fmt_cls = formats.get(args.format)
    if fmt_cls is None:
        known = ", ".join(sorted(formats))
        raise ConfigError(f"unknown output format {args.format!r} (available: {known})")
    # Every format writes paths relative to one folder: the repository root.
    base = project_root([r.root for r in reports])

    def emit(out: TextIO, color: bool) -> None:
        options = FormatOptions(
            color=color,
            verbose=args.verbose,
            quiet=args.quiet,
            base=base,
            show_source=args.show_source,
            statistics=args.statistics,
        )
        fmt_cls().render(reports, out, options)
        if stale:
            note = out if args.format == "text" else sys.stderr
            note.write(_stale_note(stale))

    if args.output:
        roots = [r.root for r in reports]
        _write_output(args.output, roots, lambda out: emit(out, color=False))
    else:
        emit(sys.stdout, _use_color(args.color, sys.stdout))
    code = max((r.exit_code for r in reports), default=EXIT_OK)
    if code == EXIT_OK and args.strict and any(r.findings for r in reports):
        code = EXIT_FINDINGS  # --strict: warnings fail too
    if code == EXIT_FINDINGS and args.exit_zero:
        code = EXIT_OK
    return code


def _stale_note(stale: Sequence[dict[str, Any]]) -> str:
    """One line naming the first stale entries (the baseline's text, from
    the folder, made safe and kept on one line)."""
    from .output import one_line

    shown = ", ".join(f"{e.get('check')} on {e.get('doc')}" for e in stale[:5])
    more = f" and {len(stale) - 5} more" if len(stale) > 5 else ""
    return (
        one_line(
            f"provlint: {len(stale)} stale baseline entr{'y' if len(stale) == 1 else 'ies'} "
            f"(the findings are gone): {shown}{more}; run with --update-baseline"
        )
        + "\n"
    )


def _writable(name: str, roots: Sequence[Path] = ()) -> tuple[Path, bool]:
    """Where to write the file ``name`` (from -o or --baseline), and
    whether to replace it atomically.

    A checked-out repository could plant symlinks anywhere below the
    current folder or a checked corpus: there, a symlinked folder on the way
    is refused, and a symlink at ``name`` itself is replaced, never written
    through. Elsewhere (``/dev/stdout``, the user's own folders) links are
    followed. A regular file is replaced atomically; a device or a named
    pipe (``/dev/null``) is written in place."""
    import stat
    from pathlib import Path

    from .config import ConfigError

    path = Path(os.path.abspath(name))
    guarded = [Path.cwd(), *roots]
    for base in guarded:
        try:
            below = path.parent.relative_to(base)
        except ValueError:
            continue
        here = base
        for part in below.parts:
            here = here / part
            if here.is_symlink():
                raise ConfigError(
                    f"{name}: {_shown(here)} is a symlink; provlint does not write through "
                    "symlinks (name a real folder)"
                )
    link = os.path.islink(path)
    if link and _guarded_link(path, roots):
        return path, True  # the link is replaced; its target is never touched
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return path, True  # a new file (or an error the write reports)
    if stat.S_ISDIR(mode):
        raise ConfigError(f"{name}: is a folder")
    if not stat.S_ISREG(mode):
        return path, False  # /dev/null, /dev/stdout, a pipe: written in place
    return (Path(os.path.realpath(path)) if link else path), True


def _write_output(name: str, roots: Sequence[Path], render: Callable[[TextIO], None]) -> None:
    """Render the report into ``name``: a regular file is replaced
    atomically, so a render that fails leaves the previous file as it was;
    see :func:`_writable` for symlinks, devices and pipes."""
    import contextlib
    import io

    from .config import ConfigError
    from .writer import atomic_file

    path, atomic = _writable(name, roots)
    try:
        with contextlib.ExitStack() as stack:
            if atomic:
                raw: Any = stack.enter_context(atomic_file(path))
            else:
                # A pipe with no reader fails at once instead of blocking.
                flags = os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
                fd = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
                os.set_blocking(fd, True)
                raw = stack.enter_context(open(fd, "wb"))
            out = io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", newline="\n")
            render(out)
            out.flush()
            out.detach()
    except OSError as exc:
        raise ConfigError(f"-o {name}: cannot write: {exc.strerror or exc}") from exc


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(
            f"expected a number of processes (0: one per CPU), found {value!r}"
        )
    return n


def cmd_cache(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .cache import clear, default_folder
    from .config import ConfigError
    from .output import escape_path
    from .runner import locate

    if args.cache_dir:
        folders = [Path(args.cache_dir).resolve()]
    else:
        folders = [default_folder(t.root) for t in locate([args.folder] if args.folder else [])]
    for folder in folders:
        shown = escape_path(str(folder))  # a folder's name is the folder's text
        if args.action == "dir":
            print(shown)
            continue
        if not folder.exists():
            print(f"provlint: no cache at {shown}")
            continue
        try:
            count = clear(folder)
        except (ValueError, OSError) as exc:
            raise ConfigError(str(exc)) from exc
        print(f"provlint: removed {shown} ({count} database{'s' if count != 1 else ''})")
    return EXIT_OK


def _progress_bar(args: argparse.Namespace) -> Any:
    """A progress bar on stderr for big corpora, only on a terminal and
    never in CI (the CI variable) or with --no-progress."""
    if args.no_progress or os.environ.get("CI") or not sys.stderr.isatty():
        return None
    import time

    state = {"start": time.monotonic(), "shown": False}

    def show(done: int, total: int) -> None:
        if total < 500:
            return
        elapsed = time.monotonic() - state["start"]
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate else 0.0
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} documents "
            f"{rate:,.0f}/s ETA {eta:4.0f}s"
        )
        sys.stderr.flush()
        state["shown"] = True
        if done + 200 >= total:
            sys.stderr.write("\r\x1b[K")

    return show


def _apply_baseline(
    reports: list[Any], name: str, update: bool
) -> tuple[list[Any], list[dict[str, Any]]]:
    """Drop the findings the baseline accepts; return the stale entries.

    Entries are keyed by (corpus, fingerprint): the same finding in two
    corpora is two entries. Only entries this run covers take part: those of
    its corpora, of a check that ran and did not fail (an internal error),
    and, for a run restricted to some files (pre-commit), of those files.
    With ``update``, the covered entries are rewritten from the current
    findings and every other entry is kept as it was.

    A baseline that is a symlink below the current folder or a checked
    corpus is never read through: with ``update`` it counts as absent (the
    link is replaced by the new file), without it the run stops with a
    configuration error."""
    from dataclasses import replace
    from pathlib import Path

    from .config import ConfigError
    from .suppress import (
        baseline_entries,
        baseline_match,
        entry_covered,
        entry_key,
        fingerprint,
        read_baseline,
        sort_entries,
        write_baseline,
    )

    roots = [r.root for r in reports]
    path = _writable(name, roots)[0] if update else Path(name)
    planted = _guarded_link(Path(os.path.abspath(name)), roots)
    if planted and not update:
        raise ConfigError(
            f"--baseline {name}: is a symlink; provlint does not follow a symlinked baseline in "
            "the checked folder (name the real file)"
        )
    previous = {} if planted else read_baseline(path)
    runs = [(_corpus_label(r.root, path.parent), r) for r in reports]
    # The checks whose entries this run can judge: those that ran and did not fail.
    ran = [{s.name for s in r.checks} - r.failed_checks for _label, r in runs]
    covered = {
        key
        for key, entry in previous.items()
        if any(
            str(entry.get("check")) in ran[i] and entry_covered(entry, label, r.scope)
            for i, (label, r) in enumerate(runs)
        )
    }
    if update:
        kept = {key: e for key, e in previous.items() if key not in covered}
        for label, report in runs:
            for entry in baseline_entries(report.findings, previous, label):
                kept[entry_key(entry)] = entry
        write_baseline(path, sort_entries(kept.values()))
        previous = read_baseline(path)
        covered = set()  # every covered entry was just rewritten: none is stale
    seen: set[tuple[str | None, str]] = set()
    out = []
    for label, report in runs:
        kept_findings = []
        for f in report.findings:
            key = None
            if f.check != "internal-error":
                key = baseline_match(previous, label, fingerprint(f))
            if key is not None:
                seen.add(key)
            else:
                kept_findings.append(f)
        report.stats["baselined"] = len(report.findings) - len(kept_findings)
        out.append(replace(report, findings=tuple(kept_findings)))
    stale = [
        e
        for key, e in sorted(previous.items(), key=lambda kv: (kv[0][1], kv[0][0] or ""))
        if key in covered and key not in seen
    ]
    return out, stale


def _guarded_link(path: Path, roots: Sequence[Path]) -> bool:
    """Whether ``path`` is a symlink below the current folder or one of
    ``roots``: there, a checked-out repository could have planted it."""
    from pathlib import Path

    return os.path.islink(path) and any(
        path.is_relative_to(base) for base in (Path.cwd(), *roots)
    )


def _corpus_label(root: Path, base: Path) -> str:
    """A corpus folder as baseline entries name it: relative to the
    baseline's folder, with "/" separators."""
    from pathlib import Path

    try:
        return Path(os.path.relpath(root, base.resolve())).as_posix()
    except ValueError:  # pragma: no cover - another drive on Windows
        return Path(root).as_posix()


def _check_rows(registry: Registry) -> list[dict[str, Any]]:
    rows = []
    for spec in sorted(registry.checks.values(), key=lambda s: s.code):
        rows.append(
            {
                "code": spec.code,
                "name": spec.name,
                "severity": str(spec.cls.severity),
                "scope": spec.cls.scope,
                "plugin": spec.plugin.dist or spec.plugin.name,
                "plugin_version": spec.plugin.version,
                "summary": spec.cls.summary_line(),
            }
        )
    return rows


def cmd_checks(args: argparse.Namespace) -> int:
    registry = _registry(args)
    rows = _check_rows(registry)
    if args.format == "json":
        import json

        json.dump({"checks": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "markdown":
        sys.stdout.write(checks_markdown(registry))
    else:
        wide = max(len(r["name"]) for r in rows)
        for r in rows:
            plugin = f"{r['plugin']} {r['plugin_version']}".strip()
            sys.stdout.write(
                f"{r['code']:<7} {r['name']:<{wide}}  {r['severity']:<7}  {r['scope']:<8}  "
                f"{plugin:<18}  {r['summary']}\n"
            )
    _report_load_errors(registry)
    return EXIT_INTERNAL if registry.findings else EXIT_OK


def config_markdown(registry: Registry) -> str:
    """The configuration reference (docs/configuration.md), generated from
    the assembled JSON Schema."""
    import json

    from .config import config_schema

    checks = {name: dict(spec.cls.options) for name, spec in registry.checks.items()}
    schema = config_schema(registry.option_schemas, checks)
    out = [
        "# Configuration reference\n",
        "Generated from the configuration's JSON Schema (`provlint config --schema`). "
        "Keys go in `[tool.provlint]` of `pyproject.toml` or in a `provlint.toml`.\n",
        "| key | type | meaning |",
        "|---|---|---|",
    ]
    for key, prop in schema["properties"].items():
        if key == "check":
            continue
        kind = prop.get("type", "")
        if kind == "array":
            kind = f"list of {prop.get('items', {}).get('type', 'values')}"
        out.append(f"| `{key}` | {kind} | {prop.get('description', '')} |")
    out.append("\n## Per-check settings: `[tool.provlint.check.NAME]`\n")
    out.append("Every check takes `severity` (`error`, `warning` or `info`) and its options:\n")
    out.append("| check | option | schema |")
    out.append("|---|---|---|")
    for name, prop in schema["properties"]["check"]["properties"].items():
        for opt, sub_schema in prop["properties"].items():
            if opt == "severity":
                continue
            out.append(f"| `{name}` | `{opt}` | `{json.dumps(sub_schema, sort_keys=True)}` |")
    out.append(
        "\nEach option's meaning and default is in the check's documentation "
        "(`provlint explain NAME`, [checks.md](checks.md))."
    )
    return "\n".join(out) + "\n"


def checks_table(registry: Registry) -> str:
    """The table of checks README.md shows (between its checks-table
    markers), generated from the registry."""
    rows = ["| code | name | severity | what it flags |", "|---|---|---|---|"]
    for s in sorted(registry.checks.values(), key=lambda s: s.code):
        summary = s.cls.summary_line().rstrip(".")
        rows.append(f"| {s.code} | {s.name} | {s.cls.severity} | {summary} |")
    return "\n".join(rows) + "\n"


def checks_markdown(registry: Registry) -> str:
    """The checks reference page (docs/checks.md): a table, then each
    check's documentation under an anchor named after the check."""
    import inspect

    specs = sorted(registry.checks.values(), key=lambda s: s.code)
    out = [
        "# Checks\n",
        "Generated by `provlint checks --format markdown`; each section is what "
        "`provlint explain NAME` prints.\n",
        "| code | name | severity | scope | plugin |",
        "|---|---|---|---|---|",
    ]
    for s in specs:
        out.append(
            f"| {s.code} | [{s.name}](#{s.name}) | {s.cls.severity} | {s.cls.scope} | "
            f"{s.plugin.dist or s.plugin.name} |"
        )
    for s in specs:
        doc = inspect.cleandoc(s.cls.__doc__ or "")
        out.append(f"\n## {s.name}\n\n`{s.code}`, {s.cls.severity} by default.\n\n{doc}")
    return "\n".join(out) + "\n"


def _report_load_errors(registry: Registry) -> None:
    from .output import one_line

    for f in registry.findings:
        sys.stderr.write(f"provlint: {f.code} {f.check}: {one_line(f.message)}\n")


_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")


def explain_text(cls: type[Check], plugin: str) -> str:
    import inspect

    doc = inspect.cleandoc(cls.__doc__ or "")
    head = f"{cls.code} {cls.name} ({cls.severity} by default, {cls.scope} check, plugin {plugin})"
    plain = _BOLD.sub(r"\1", doc)  # **What it does.** -> What it does.
    return f"{head}\n\n{plain}\n"


def cmd_explain(args: argparse.Namespace) -> int:
    registry = _registry(args)
    spec = registry.by_code_or_name(args.check)
    if spec is None:
        names = ", ".join(sorted(registry.checks))
        sys.stderr.write(f"provlint: error: no check named {args.check!r} (known: {names})\n")
        return EXIT_USAGE
    if args.format == "markdown":
        import inspect

        doc = inspect.cleandoc(spec.cls.__doc__ or "")
        sys.stdout.write(
            f"## {spec.name}\n\n`{spec.code}`, {spec.cls.severity} by default, "
            f"{spec.cls.scope} check, plugin {spec.plugin.label}.\n\n{doc}\n"
        )
        return EXIT_OK
    sys.stdout.write(explain_text(spec.cls, spec.plugin.label))
    return EXIT_OK


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when inside it, escaped for a
    terminal (:func:`provlint.output.escape_path`)."""
    from pathlib import Path

    from .output import escape_path

    try:
        rel = os.path.relpath(path, Path.cwd())
    except ValueError:  # pragma: no cover - other drive on Windows
        return escape_path(str(path))
    return escape_path(str(path) if rel.startswith("..") else Path(rel).as_posix())


def _notes(root: Path, notes: Sequence[Any]) -> None:
    """Print the notes of an index or fix plan on stderr: the file escaped
    (:func:`_shown`), the message made safe and kept on one line."""
    from .output import one_line

    for note in notes:
        where = _shown(root / note.path) if note.path else _shown(root)
        sys.stderr.write(f"provlint: {one_line(note.render(where))}\n")


def cmd_index(args: argparse.Namespace) -> int:
    from .indexer import plan_index, resolve_folder
    from .writer import remove_stale_temps

    root = resolve_folder(args.folder)
    base = _base_config(args, root)
    extra, blocked = _plugin_flags(args)
    cfg = base.with_overrides(
        plugin_modules=(*base.plugin_modules, *extra),
        blocked_plugins=(*base.blocked_plugins, *blocked),
        load_entrypoints=False if args.no_entry_points else None,
    )
    plan = plan_index(root, cfg, documents=_split(args.documents))
    label = _shown(plan.index_file)
    _notes(root, plan.notes)
    if args.check or args.diff:
        if not plan.changed:
            sys.stdout.write(plan.summary(label) + "\n")
            return EXIT_OK
        sys.stdout.write(plan.diff(label))
        sys.stderr.write(f"provlint: {plan.summary(label, would=True)}\n")
        return EXIT_FINDINGS
    for tmp in remove_stale_temps(plan.index_file):
        sys.stderr.write(f"provlint: removed {_shown(tmp)} (left behind by an interrupted write)\n")
    try:
        plan.write()
    except OSError as exc:
        sys.stderr.write(f"provlint: error: cannot write {label}: {exc.strerror or exc}\n")
        return EXIT_USAGE
    sys.stdout.write(plan.summary(label) + "\n")
    return EXIT_OK


def cmd_fix(args: argparse.Namespace) -> int:
    from .fixer import apply_fix, plan_fix
    from .runner import locate

    unsafe = bool(args.unsafe_fixes)
    if args.write:
        sys.stderr.write(
            "provlint: note: --write is deprecated: fix writes by default now "
            "(--check or --diff for a dry run)\n"
        )
    write = not (args.check or args.diff)
    would = failed = dates = 0
    for target in locate(args.paths):
        plan = plan_fix(target, _base_config(args, target.root), unsafe=unsafe)
        _notes(target.root, plan.notes)
        index = plan.index
        index_label = _shown(target.root / "INDEX.md")
        if not write or plan.dates:
            # Unsafe fixes are always shown before they are written.
            for fix in plan.fixes:
                sys.stdout.write(fix.diff(_shown(target.root / fix.path)))
            if index is not None and index.changed:
                sys.stdout.write(index.diff(index_label))
            for d in plan.dates:
                _notes(target.root, [_date_note(d)])
        if not write:
            would += len(plan.fixes)
            dates += len(plan.dates)
            if index is not None and index.changed and index.dates_changed:
                would += 1  # INDEX.md itself: its date cells
            continue
        written, notes = apply_fix(plan)
        _notes(target.root, notes)
        failed += len(plan.fixes) - len(written) + bool(plan.index_error)
        ok = plan.index is not None and not plan.index_error
        digests = plan.index.digests_updated if plan.index is not None and ok else 0
        line = (
            f"{_shown(target.root)}: {len(written)} file{'s' if len(written) != 1 else ''} "
            f"fixed; {index_label}: {digests} digest{'s' if digests != 1 else ''} updated"
        )
        if unsafe:
            changed = plan.index.dates_changed if plan.index is not None and ok else 0
            line += f", {changed} date cell{'s' if changed != 1 else ''} changed"
        sys.stdout.write(line + "\n")
    if write:
        return EXIT_FINDINGS if failed else EXIT_OK
    if would:
        what = f"{would} file{'s' if would != 1 else ''} would be fixed"
        if unsafe:
            what += f" ({dates} date{'s' if dates != 1 else ''} changed: unsafe fixes)"
        command = "provlint fix --unsafe-fixes" if unsafe else "provlint fix"
        sys.stderr.write(f"provlint: {what}; run '{command}' to apply\n")
        return EXIT_FINDINGS
    sys.stdout.write(
        "provlint: no legacy header to fix" + (" and no date to change\n" if unsafe else "\n")
    )
    return EXIT_OK


def _date_note(fix: Any) -> Any:
    from .indexer import Note

    return Note(fix.path, 0, fix.describe())


def cmd_config(args: argparse.Namespace) -> int:
    import json

    from .config import _LIST_KEYS
    from .output import escape_path, one_line
    from .runner import locate

    if args.schema:
        from .config import config_schema

        registry = _registry(args)
        checks = {name: dict(spec.cls.options) for name, spec in registry.checks.items()}
        json.dump(config_schema(registry.option_schemas, checks), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    targets = locate([args.path] if args.path else [])
    cfg = _base_config(args, targets[0].root)
    where = str(cfg.source) if cfg.source else ""
    rows: list[tuple[str, Any, str]] = []
    for key, attr in _LIST_KEYS.items():
        set_here = key in cfg.from_file
        rows.append((key, list(getattr(cfg, attr)), where if set_here else "default"))
    for name, opts in sorted(cfg.check_options.items()):
        for key, value in sorted(opts.items()):
            rows.append((f"check.{name}.{key}", value, where))
    for key, value in sorted(cfg.extra.items()):
        rows.append((key, value, where))
    if args.format == "json":
        data = {
            "corpus": str(targets[0].root),
            "file": where or None,
            "values": [{"key": k, "value": v, "from": f} for k, v, f in rows],
        }
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    # Folder names and the configuration's keys and values are the folder's
    # text: paths escaped, everything else made safe and kept on one line.
    shown_where = escape_path(where) if where else "(none: defaults)"
    sys.stdout.write(f"# corpus: {escape_path(str(targets[0].root))}\n# file: {shown_where}\n")
    for key, value, origin in rows:
        shown_origin = escape_path(origin) if origin == where and where else origin
        line = f"{one_line(key)} = {one_line(json.dumps(value, ensure_ascii=False))}"
        sys.stdout.write(f"{line}  # {shown_origin}\n")
    return EXIT_OK


def cmd_completion(args: argparse.Namespace) -> int:
    from .completion import script

    registry = _registry(args)
    checks = sorted({*registry.checks, *(spec.code for spec in registry.checks.values())})
    sys.stdout.write(script(args.shell, build_parser(), sorted(registry.formats), checks))
    return EXIT_OK


COMMANDS = {
    "validate": cmd_validate,
    "config": cmd_config,
    "checks": cmd_checks,
    "explain": cmd_explain,
    "index": cmd_index,
    "fix": cmd_fix,
    "cache": cmd_cache,
    "completion": cmd_completion,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from .config import ConfigError
    from .output import one_line

    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        # Messages may quote a configuration key or a file name: text from
        # the checked folder, made safe for the terminal like any other, and
        # kept on one line (a line of its own could be a CI workflow command).
        sys.stderr.write(f"provlint: error: {one_line(str(exc))}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("provlint: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: never a bare traceback
        if getattr(args, "verbose", False):
            import traceback

            traceback.print_exc()
        sys.stderr.write(
            f"provlint: internal error: {type(exc).__name__}: {one_line(str(exc))} "
            "(run with --verbose for the traceback)\n"
        )
        return EXIT_INTERNAL
