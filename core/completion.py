"""Shell completion scripts (``provlint completion bash|zsh|fish``),
generated from the command's argument parser.

Subcommands, their options and the choices of each option come from the
parser; the values of ``--format`` and the check names ``explain`` takes
come from the plugins loaded when the script is made.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class _Option:
    strings: tuple[str, ...]
    help: str
    takes_value: bool
    repeatable: bool
    choices: tuple[str, ...] = ()
    files: bool = False


@dataclass
class _Positional:
    name: str
    help: str
    many: bool
    choices: tuple[str, ...] = ()


@dataclass
class _Command:
    name: str
    help: str
    options: list[_Option] = field(default_factory=list)
    positionals: list[_Positional] = field(default_factory=list)


# Option values that name a file or a folder (completed as paths); other
# values without choices (a module, a code, a number) get no completion.
_PATH_METAVARS = {"FILE", "DIR"}


def _help(action: argparse.Action) -> str:
    text = action.help if action.help and action.help != argparse.SUPPRESS else ""
    return " ".join(text.split())


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction | None:  # type: ignore[type-arg]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return None


def _describe(
    name: str, help: str, parser: argparse.ArgumentParser, formats: Sequence[str],
    checks: Sequence[str],
) -> _Command:
    cmd = _Command(name, help)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        choices = tuple(str(c) for c in action.choices or ())
        if not action.option_strings:
            if action.dest == "check":
                choices = tuple(checks)
            many = action.nargs in ("*", "+")
            cmd.positionals.append(_Positional(action.dest, _help(action), many, choices))
            continue
        if action.dest == "format" and not choices:
            choices = tuple(formats)
        elif action.metavar == "CODE|NAME|PREFIX":
            choices = ("ALL", *checks)
        takes_value = action.nargs != 0
        cmd.options.append(
            _Option(
                tuple(action.option_strings),
                _help(action),
                takes_value,
                isinstance(action, argparse._AppendAction),
                choices,
                takes_value and not choices and str(action.metavar) in _PATH_METAVARS,
            )
        )
    return cmd


def describe(
    parser: argparse.ArgumentParser, formats: Sequence[str], checks: Sequence[str]
) -> tuple[_Command, list[_Command]]:
    """The top-level command and each subcommand, read from ``parser``."""
    top = _describe(parser.prog, "", parser, formats, checks)
    sub = _subparsers(parser)
    commands: list[_Command] = []
    if sub is not None:
        helps = {a.dest: _help(a) for a in sub._choices_actions}
        for name, subparser in sub.choices.items():
            commands.append(_describe(name, helps.get(name, ""), subparser, formats, checks))
    return top, commands


def script(
    shell: str, parser: argparse.ArgumentParser, formats: Sequence[str], checks: Sequence[str]
) -> str:
    top, commands = describe(parser, formats, checks)
    make = {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell]
    return make(parser.prog, top, commands)


# --------------------------------------------------------------------------
# bash
# --------------------------------------------------------------------------


def _words(values: Sequence[str]) -> str:
    # Option names, choices, format and check names: no quoting is needed,
    # but nothing from a plugin may break out of the double quotes.
    return " ".join(v for v in values if v and all(c.isalnum() or c in "-_.:+" for c in v))


def _bash(prog: str, top: _Command, commands: list[_Command]) -> str:
    fn = "_" + prog.replace("-", "_")
    names = [c.name for c in commands]
    top_words = [*names, *(s for o in top.options for s in o.strings)]
    value_cases: list[str] = []
    command_cases: list[str] = []
    for cmd in commands:
        for opt in cmd.options:
            if not opt.takes_value:
                continue
            pattern = "|".join(f"{cmd.name}:{s}" for s in opt.strings)
            if opt.choices:
                reply = f'COMPREPLY=($(compgen -W "{_words(opt.choices)}" -- "$cur"))'
            elif opt.files:
                reply = 'COMPREPLY=($(compgen -f -- "$cur"))'
            else:
                reply = "COMPREPLY=()"
            value_cases.append(f"        {pattern}) {reply}; return ;;")
        flags = _words([s for o in cmd.options for s in o.strings])
        first = next((p for p in cmd.positionals if p.choices), None)
        if first is not None:
            positional = (
                f'            if [[ $npos -eq 0 ]]; then\n'
                f'                COMPREPLY=($(compgen -W "{_words(first.choices)}" -- "$cur"))\n'
                f"            fi\n"
            )
        else:
            positional = "            :  # paths: the shell's own file completion\n"
        command_cases.append(
            f"        {cmd.name})\n"
            f'            if [[ $cur == -* ]]; then\n'
            f'                COMPREPLY=($(compgen -W "{flags}" -- "$cur"))\n'
            f"                return\n"
            f"            fi\n"
            f"{positional}"
            f"            ;;"
        )
    takes = [
        f"{cmd.name}:{s}" for cmd in commands for o in cmd.options if o.takes_value
        for s in o.strings
    ]
    return f"""\
# bash completion for {prog}, generated by '{prog} completion bash'.
# Load it with: source <({prog} completion bash)
{fn}() {{
    local cur prev cmd="" npos=0 i word skip=0
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    COMPREPLY=()
    # COMP_WORDBREAKS splits --format=json into --format, = and json.
    if [[ $cur == "=" ]]; then
        cur=""
    elif [[ $prev == "=" && $COMP_CWORD -ge 2 ]]; then
        prev="${{COMP_WORDS[COMP_CWORD-2]}}"
    fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${{COMP_WORDS[i]}}"
        if [[ -n $cmd && $word == "=" ]]; then
            skip=1
            continue
        fi
        if [[ -z $cmd ]]; then
            case "$word" in
                {"|".join(names)}) cmd="$word" ;;
            esac
            continue
        fi
        if [[ $skip -eq 1 ]]; then
            skip=0
            continue
        fi
        case "$cmd:$word" in
            {"|".join(takes) or "''"}) skip=1 ;;
            *:-*) ;;
            *) npos=$((npos + 1)) ;;
        esac
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "{_words(top_words)}" -- "$cur"))
        return
    fi
    case "$cmd:$prev" in
{chr(10).join(value_cases)}
    esac
    case "$cmd" in
{chr(10).join(command_cases)}
    esac
}}
complete -o default -F {fn} {prog}
"""


# --------------------------------------------------------------------------
# zsh
# --------------------------------------------------------------------------


def _zq(text: str) -> str:
    """``text`` inside single quotes in zsh."""
    return text.replace("'", "'\\''")


def _zdesc(text: str) -> str:
    """A description inside an ``_arguments`` spec: brackets and colons
    escaped."""
    for c in "\\[]:":
        text = text.replace(c, "\\" + c)
    return _zq(text)


def _zsh_specs(cmd: _Command) -> list[str]:
    specs: list[str] = []
    for opt in cmd.options:
        desc = _zdesc(opt.help)
        if opt.choices:
            action = f"({' '.join(_words(opt.choices).split())})"
        elif opt.files:
            action = "_files"
        else:
            action = " "
        for s in opt.strings:
            star = "*" if opt.repeatable else ""
            if not opt.takes_value:
                specs.append(f"'{star}{s}[{desc}]'")
                continue
            sep = "=" if s.startswith("--") else "+"
            specs.append(f"'{star}{s}{sep}[{desc}]:{_zdesc(s.lstrip('-'))}:{action}'")
    for n, pos in enumerate(cmd.positionals, start=1):
        action = f"({_words(pos.choices)})" if pos.choices else "_files"
        desc = _zdesc(pos.help or pos.name)
        specs.append(f"'*:{desc}:{action}'" if pos.many else f"'{n}:{desc}:{action}'")
    return specs


def _zsh(prog: str, top: _Command, commands: list[_Command]) -> str:
    fn = "_" + prog.replace("-", "_")
    described = "\n".join(
        f"        '{_zq(c.name)}:{_zdesc(c.help)}'" for c in commands
    )
    cases = []
    for cmd in commands:
        specs = " \\\n                ".join(_zsh_specs(cmd))
        cases.append(
            f"            {cmd.name})\n                _arguments {specs}\n                ;;"
        )
    top_specs = " \\\n        ".join(_zsh_specs(top))
    return f"""\
#compdef {prog}
# zsh completion for {prog}, generated by '{prog} completion zsh'.
# Load it with: source <({prog} completion zsh)   (after compinit)
{fn}() {{
    local curcontext="$curcontext" state line
    typeset -A opt_args
    local -a commands
    commands=(
{described}
    )
    _arguments -C \\
        {top_specs} \\
        '1: :->command' \\
        '*:: :->arguments'
    case $state in
        command)
            _describe -t commands '{prog} command' commands
            ;;
        arguments)
            curcontext="${{curcontext%:*:*}}:{prog}-$words[1]:"
            case $words[1] in
{chr(10).join(cases)}
            esac
            ;;
    esac
}}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    {fn} "$@"
else
    compdef {fn} {prog}
fi
"""


# --------------------------------------------------------------------------
# fish
# --------------------------------------------------------------------------


def _fq(text: str) -> str:
    """``text`` inside single quotes in fish."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_option(prog: str, condition: str, opt: _Option) -> str:
    parts = [f"complete -c {prog} -n {_fq(condition)}"]
    for s in opt.strings:
        parts.append(f"-l {s[2:]}" if s.startswith("--") else f"-s {s[1:]}")
    if opt.takes_value:
        if opt.choices:
            parts.append(f"-x -a {_fq(_words(opt.choices))}")
        elif opt.files:
            parts.append("-r -F")
        else:
            parts.append("-x")
    if opt.help:
        parts.append(f"-d {_fq(opt.help)}")
    return " ".join(parts)


def _fish(prog: str, top: _Command, commands: list[_Command]) -> str:
    names = " ".join(c.name for c in commands)
    lines = [
        f"# fish completion for {prog}, generated by '{prog} completion fish'.",
        f"# Install it with: {prog} completion fish > ~/.config/fish/completions/{prog}.fish",
        f"complete -c {prog} -e",
    ]
    top_condition = f"not __fish_seen_subcommand_from {names}"
    for opt in top.options:
        lines.append(_fish_option(prog, top_condition, opt))
    for cmd in commands:
        lines.append(
            f"complete -c {prog} -n {_fq(top_condition)} -f -a {cmd.name} -d {_fq(cmd.help)}"
        )
    for cmd in commands:
        condition = f"__fish_seen_subcommand_from {cmd.name}"
        for opt in cmd.options:
            lines.append(_fish_option(prog, condition, opt))
        for pos in cmd.positionals:
            if pos.choices:
                lines.append(
                    f"complete -c {prog} -n {_fq(condition)} -f -a {_fq(_words(pos.choices))}"
                )
    return "\n".join(lines) + "\n"
