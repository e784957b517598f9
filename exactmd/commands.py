"""Subcommands of ``exactmd`` that plug-ins add, and the helpers every subcommand uses.

A plug-in registers a subcommand with :func:`register_command` — a path (``("uc",)``, or
``("table", "bargaining")`` under the kernel's ``table`` and ``plot`` groups), a help
line, a function that adds its options to an ``argparse`` parser and a function that
runs it and returns the exit status.  :mod:`exactmd.cli` adds every registered command
after its own.  The helpers keep the command line's rules in one place: outputs are
checked before any work and written atomically (:mod:`exactmd.files`), numeric options
are range-checked by name, errors are :class:`~exactmd.errors.ExactMDError` (one line,
exit status 2).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ExactMDError, PluginError
from .files import check_output_path, write_text_atomic
from .jsonio import load_strict
from .lp.solution import dump_json
from .plugins import load_plugins
from .progress import note
from .sweep import describe

__all__ = ["Command", "GROUPS", "register_command", "registered_commands", "echo", "progress", "add_progress_options", "output_path",
           "write_text", "write_json", "check_range", "read_json", "sweep_options", "emit", "add_output_options"]

#: the kernel's command groups under which a plug-in may add subcommands
GROUPS = {"table": "exact tables for papers", "plot": "pictures (needs the plot extra: matplotlib)"}


@dataclass(frozen=True)
class Command:
    """A subcommand: ``path`` (one name, or a group of :data:`GROUPS` and a name), ``help``,
    ``arguments(parser)`` adding its options, ``run(args) -> exit status``, ``owner``."""

    path: tuple[str, ...]
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    owner: str


_COMMANDS: dict[tuple[str, ...], Command] = {}
_KERNEL = {"lp", "verify", "explain", "design", "evaluate", "claims", "check", "reproduce", *GROUPS}


def register_command(path: str | tuple[str, ...], *, help: str, arguments: Callable[[argparse.ArgumentParser], None],
                     run: Callable[[argparse.Namespace], int], owner: str) -> Command:
    """Register a subcommand (see the module text); a path taken refuses with PluginError."""
    p = (path,) if isinstance(path, str) else tuple(path)
    if not (len(p) == 1 or (len(p) == 2 and p[0] in GROUPS)) or not all(isinstance(x, str) and x for x in p):
        raise PluginError(f"command path {path!r} must be a name or (group, name) with group one of {', '.join(GROUPS)}")
    if p in _COMMANDS or (len(p) == 1 and p[0] in _KERNEL):
        who = _COMMANDS[p].owner if p in _COMMANDS else "exactmd"
        raise PluginError(f"command {' '.join(p)!r} is registered by {who} and again by {owner}")
    c = Command(p, help, arguments, run, owner)
    _COMMANDS[p] = c
    return c


def registered_commands() -> tuple[Command, ...]:
    """Every registered command, in registration order (plug-ins loaded first)."""
    load_plugins()
    return tuple(_COMMANDS.values())


# ---------------------------------------------------------------------------------
# helpers
def echo(*a: Any, **k: Any) -> None:
    """Print to stdout, flushed (the command's answer)."""
    print(*a, **k, flush=True)


def progress(msg: str) -> None:
    """Print a line to stderr, flushed (where outputs went, what is being decided); the
    status line of :mod:`exactmd.progress`, when shown, is cleared first."""
    note(msg)


def add_progress_options(parser: argparse.ArgumentParser) -> None:
    """``--progress`` / ``--no-progress``: the status line on stderr (default: when stderr is a terminal)."""
    if "--progress" in parser._option_string_actions:  # the command has its own
        return
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="a status line on stderr while it works (default: when stderr is a terminal); "
                             "never changes stdout or a file")


def output_path(args: argparse.Namespace, *inputs: Any, attr: str = "output", option: str = "-o") -> Path | None:
    """The checked output path of ``-o`` (:func:`exactmd.files.check_output_path`), before any work."""
    out = getattr(args, attr, None)
    if out is None:
        return None
    return check_output_path(out, inputs, force=getattr(args, "force", False), option=option)


def write_text(path: Path, text: str) -> None:
    """Write atomically (:func:`exactmd.files.write_text_atomic`)."""
    write_text_atomic(path, text)


def write_json(path: str | Path, doc: Any) -> None:
    """Write a JSON document atomically, in exactmd's canonical form."""
    write_text(Path(path), dump_json(doc) + "\n")


def check_range(option: str, value: Any, lo: Any, hi: Any) -> None:
    """Refuse a numeric option outside [lo, hi] (or not finite), naming it."""
    if value is None:
        return
    if isinstance(value, float) and value != value:  # float-ok: NaN check of a wall-clock budget
        raise ExactMDError(f"{option} {value} is not a number")
    if not lo <= value <= hi:
        raise ExactMDError(f"{option} {value} is outside {lo}..{hi}")


def read_json(path: str, option: str) -> Any:
    """A JSON input file of the command (not a certificate), read by the strict reader with one-line errors."""
    try:
        return load_strict(path)
    except ExactMDError as e:
        raise ExactMDError(f"{option} {path}: {e}") from None


def sweep_options(args: argparse.Namespace) -> dict[str, Any]:
    """``--workers`` / ``--scheduler`` checked before any work, as keyword arguments of a sweep."""
    if args.scheduler and args.workers:
        raise ExactMDError("give --workers or --scheduler, not both")
    describe(workers=args.workers, scheduler=args.scheduler)  # checks both, before any work
    return {"workers": args.workers, "scheduler": args.scheduler, "progress": getattr(args, "progress", None)}


def emit(text: str, output: Path | None, what: str = "table") -> int:
    """Write ``text`` to ``output`` (atomically) or stdout; exit status 0."""
    if output:
        write_text(output, text)
        progress(f"{what} written to {output}")
    else:
        echo(text, end="")
    return 0


def add_output_options(parser: argparse.ArgumentParser, help: str = "write the output here", default: str | None = None) -> None:
    """The ``-o/--output`` and ``--force`` pair every command that writes a file has."""
    parser.add_argument("-o", "--output", help=help, default=default)
    parser.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
