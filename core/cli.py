"""The ``provlint`` command. Only this module prints and exits.

Imports are lazy: ``provlint --help`` and ``provlint explain`` load no more
than they need.

Exit codes: 0 no finding of error severity; 1 at least one; 2 a usage or
configuration error; 3 an internal or plugin error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
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


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="provlint",
        description="Validate the metadata and provenance of a folder of collected documents.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"provlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    v = sub.add_parser(
        "validate",
        help="check a corpus (INDEX.md and every document's header)",
        description="Check a corpus: INDEX.md and every document's header. PATH may be a "
        "corpus folder, its INDEX.md, or document files inside one corpus (as pre-commit "
        "passes them): the whole corpus is checked and only findings on those files, and on "
        "the rows that name them, are reported.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    v.add_argument("paths", nargs="*", metavar="PATH")
    v.add_argument("--format", default="text", help="output format: text (default), json, ...")
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
    v.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    v.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    v.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="print related locations and the tracebacks of internal errors",
    )
    _add_plugin_args(v)

    c = sub.add_parser("checks", help="list every available check")
    c.add_argument("--format", choices=("text", "json"), default="text")
    _add_plugin_args(c)

    e = sub.add_parser("explain", help="print a check's documentation")
    e.add_argument("check", metavar="NAME|CODE")
    _add_plugin_args(e)
    return parser


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

    from .config import ConfigError, load_config
    from .output import FormatOptions
    from .runner import locate, run_targets

    targets = locate(args.paths, skip_outside=args.skip_outside_corpus)
    if not targets:
        return EXIT_OK  # every file named lies outside any corpus: nothing to check
    base_cfg: Config = load_config(targets[0].root)
    extra, blocked = _plugin_flags(args)
    cfg = base_cfg.with_overrides(
        select=_split(args.select),
        ignore=_split(args.ignore),
        extend_select=_split(args.extend_select),
        plugins=(*base_cfg.plugins, *extra),
        blocked_plugins=(*base_cfg.blocked_plugins, *blocked),
        load_entrypoints=False if args.no_entry_points else None,
    )
    reports = run_targets(targets, cfg)
    registry = reports[0].registry if reports else None
    formats: dict[str, Any] = registry.formats if registry else {}
    fmt_cls = formats.get(args.format)
    if fmt_cls is None:
        known = ", ".join(sorted(formats))
        raise ConfigError(f"unknown output format {args.format!r} (available: {known})")
    out: TextIO
    if args.output:
        out = open(args.output, "w", encoding="utf-8", newline="\n")
    else:
        out = sys.stdout
    try:
        options = FormatOptions(
            color=_use_color(args.color, out) if not args.output else False,
            verbose=args.verbose,
            quiet=args.quiet,
            base=Path.cwd(),
        )
        fmt_cls().render(reports, out, options)
    finally:
        if args.output:
            out.close()
    return max((r.exit_code for r in reports), default=EXIT_OK)


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


def _report_load_errors(registry: Registry) -> None:
    from .output import sanitize

    for f in registry.findings:
        sys.stderr.write(f"provlint: {f.code} {f.check}: {sanitize(f.message)}\n")


def explain_text(cls: type[Check], plugin: str) -> str:
    import inspect

    doc = inspect.cleandoc(cls.__doc__ or "")
    head = f"{cls.code} {cls.name} ({cls.severity} by default, {cls.scope} check, plugin {plugin})"
    return f"{head}\n\n{doc.replace('**', '')}\n"


def cmd_explain(args: argparse.Namespace) -> int:
    registry = _registry(args)
    spec = registry.by_code_or_name(args.check)
    if spec is None:
        names = ", ".join(sorted(registry.checks))
        sys.stderr.write(f"provlint: error: no check named {args.check!r} (known: {names})\n")
        return EXIT_USAGE
    sys.stdout.write(explain_text(spec.cls, spec.plugin.label))
    return EXIT_OK


COMMANDS = {"validate": cmd_validate, "checks": cmd_checks, "explain": cmd_explain}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from .config import ConfigError

    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        sys.stderr.write(f"provlint: error: {exc}\n")
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
            f"provlint: internal error: {type(exc).__name__}: {exc} "
            "(run with --verbose for the traceback)\n"
        )
        return EXIT_INTERNAL
