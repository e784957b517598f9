"""The ``exactmd`` command line.

The kernel's subcommands::

    exactmd lp solve FILE [--method auto|exact|hint] [--trace] [--max-pivots N] [--time-limit S] [-o OUT]
    exactmd verify FILE... [--claims SOURCE] [--plugin MODULE_OR_FILE.py]
    exactmd explain CERT [--format text|markdown|latex] [-o FILE]
    exactmd design ENV.toml [--constraints IC,interim-IR,BB] [--objective planner] [--feasible] [--method M] [--plugin P] [-o OUT]
        [--deterministic [--max-nodes N]] [--then "min transfers" ...] [--symmetrise]
    exactmd evaluate ENV.toml MECH.json [--constraints IC,interim-IR]
    exactmd sweep ENV.toml --param NAME=VALUES [--param ...] [--set PATH=EXPR] [--constraints ...] [--objective ...]
        [--certificates DIR] [--format csv|markdown|latex|json] [-o OUT]          (exactmd.sweeps)
    exactmd claims [--claims SOURCE]
    exactmd check [SOURCE] [CLAIM...] [--claims SOURCE] [--examples N] [--seed S] [--out DIR] [--shrink-seconds S]
    exactmd reproduce [CLAIM...] [--claims SOURCE] [--out DIR]

Every subcommand takes ``--progress`` / ``--no-progress``: a status line on stderr while
it works (:mod:`exactmd.progress`; default: when stderr is a terminal), never on stdout.

SOURCE is a user's claims file (``mypaper.py``) or an importable module
(:func:`exactmd.sources.load_source`); with it, ``check`` and ``reproduce`` run that
source's claims, and ``verify`` can decide the entries of their manifest again.

and the groups ``exactmd table …`` and ``exactmd plot …``, where plug-ins add theirs
(:mod:`exactmd.commands`).  The papers' plug-ins add::

    exactmd table bargaining [--K 1..8] [--prior uniform] [--format csv|markdown|latex|json]
    exactmd table neeman-pavlov [--format csv|markdown|latex|json]
    exactmd renegotiation ENV.toml [--budget balanced|feasible] [--shape] [-o OUT]
    exactmd uc ENV.toml --grid N [--eps 1/10] [--universe grid|no-vertices] [--workers K | --scheduler ADDR] [-o REPORT] [--plot PNG]
    exactmd covers ENV.toml --belief "θ=p; ..." [--device FILE] [--B all|grid:N|no-vertices:N|uc:T:grid:N|uc:T:no-vertices:N] [--eps 1/10] [-o CERT]
    exactmd plot bargaining [--K 6] [--prior uniform] [-o region.png]

Errors are one line on stderr and exit status 2; ``verify`` exits 1 when a
certificate fails; a refuted claim in ``check`` exits 1.  Options and sizes are
checked before any work (limits: README "Limits and safety").  ``-o`` never replaces
an input of the command, nor, without ``--force``, an existing file that is not an
exactmd output; outputs are written atomically (:mod:`exactmd.files`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from ._version import __version__
from .belief import label, profile_label
from .certificates import verify_document
from .claims import CLAIMS, get_claim
from .families import with_file_cost
from .commands import (GROUPS, add_output_options, add_progress_options, check_range, echo, output_path, progress,
                       registered_commands, write_text)
from .design import feasible_mechanism, optimal_mechanism
from .parametric_output import run_cli as run_parametric
from .deterministic import DEFAULT_MAX_NODES, MAX_NODES, deterministic_mechanism
from .environment import load_environment
from .evaluation import evaluate, load_mechanism
from .errors import ClaimError, ExactMDError, InputError
from .jsonio import load_strict
from .lexicographic import CONVEX, lexicographic_mechanism
from .explain import FORMATS, explain_document
from .lp import solve_problem
from .lp.formats import load_problem
from .progress import reporting
from .sources import is_source, load_source, source_claims
from .rational import fmt
from .reproduce import check_claims, reproduce, verify_manifest
from . import figures as _figures, sweeps as _sweeps  # noqa: F401  (register ``exactmd sweep``, ``plot sweep``, ``plot allocation``)

__all__ = ["main"]

MAX_EXAMPLES = 100_000  # check --examples


_print = echo
_progress = progress
_out = output_path
_write = write_text
_check_range = check_range


# ---------------------------------------------------------------------------------
def _cmd_lp_solve(args: argparse.Namespace) -> int:
    _check_budget(args)
    out = _out(args, args.file)
    problem = load_problem(args.file)
    trace = _progress if args.trace else None  # stderr; clears the status line first
    res = solve_problem(problem, method=args.method, max_pivots=args.max_pivots, time_limit=args.time_limit, trace=trace)
    text = res.to_json()
    if out:
        _write(out, text + "\n")
        _progress(f"{res.status.value}; certificate written to {args.output}")
    else:
        _print(text)
    return 0


def _load_claims_source(args: argparse.Namespace) -> str | None:
    if getattr(args, "source", None):
        load_source(args.source)
    return getattr(args, "source", None)


def _cmd_verify(args: argparse.Namespace) -> int:
    source = _load_claims_source(args)
    for src in args.plugin:  # a user's constraint families, so that their rows are re-derived
        load_source(src, role="--plugin")
    bad = 0
    for f in args.files:
        try:
            doc = load_strict(f, source=None)
            if isinstance(doc, dict) and doc.get("format") == "exactmd-manifest/1":
                ok, why = verify_manifest(f, log=_progress, source=source)  # decides every entry again (progress on stderr)
            else:
                ok, why = verify_document(doc)
        except OSError as e:
            ok, why = False, f"cannot read: {e.strerror}"
        except InputError as e:  # duplicate keys, NaN, floats, too deep, too large
            ok, why = False, str(e)
        except ExactMDError as e:  # a value refused while rebuilding the question (a number beyond the bounds, ...)
            ok, why = False, f"malformed: {e}"
        _print(f"{'OK  ' if ok else 'FAIL'} {f}: {why}")
        bad += not ok
    return 1 if bad else 0


def _cmd_explain(args: argparse.Namespace) -> int:
    out = _out(args, args.file)
    text = explain_document(load_strict(args.file), args.file, args.format)
    if out:
        _write(out, text)
        _progress(f"proof written to {args.output}")
    else:
        _print(text, end="")
    return 0


def _check_budget(args: argparse.Namespace) -> None:
    _check_range("--max-pivots", args.max_pivots, 1, 10**12)
    _check_range("--time-limit", args.time_limit, 0.001, 10**9)  # float-ok: wall-clock budget


def _cmd_design(args: argparse.Namespace) -> int:
    _check_budget(args)
    out = _out(args, args.env)
    if args.param:  # exact parametric analysis in one λ (docs/parametric.md)
        d = run_parametric(args, args.env, _print)
        if out:
            _write(out, json.dumps(d.certificate, indent=1, ensure_ascii=False) + "\n")
            _progress(f"certificate written to {args.output} (check it with: exactmd verify {args.output})")
        return 0
    env = load_environment(args.env)
    for src in args.plugin:
        load_source(src, role="--plugin")
    constraints = with_file_cost(args.constraints, args.env)  # BB-cost & co. read the file's [cost] table
    kw = dict(method=args.method, max_pivots=args.max_pivots, time_limit=args.time_limit)
    # the stage objectives of exactmd.lexicographic ("min transfers", "losses", ...) are answered in stages too
    staged = not args.feasible and (len(args.objective.split()) > 1 or args.objective in CONVEX)
    canonical = args.then or args.symmetrise or staged
    if args.max_nodes is not None and not args.deterministic:
        raise InputError("--max-nodes bounds the branch and bound of --deterministic; give --deterministic too")
    if (args.deterministic or canonical) and args.feasible:
        raise InputError("--feasible asks whether any mechanism exists; it takes no --deterministic, --then or --symmetrise")
    if args.deterministic and canonical:
        what = "--then" if args.then else "--symmetrise" if args.symmetrise else f"--objective {args.objective!r}"
        raise InputError(f"--deterministic cannot be combined with {what} (it optimises planner, welfare, revenue or "
                         "agent:NAME, with --sense)")
    if args.deterministic:
        nodes = DEFAULT_MAX_NODES if args.max_nodes is None else args.max_nodes
        _check_range("--max-nodes", nodes, 1, MAX_NODES)
        res: Any = deterministic_mechanism(env, constraints, args.objective, sense=args.sense, max_nodes=nodes, **kw)
        mech = res.mechanism
    elif canonical:
        first = args.objective if len(args.objective.split()) == 2 else f"{args.sense} {args.objective}"
        res = lexicographic_mechanism(env, constraints, [first, *(args.then or [])], symmetrise=args.symmetrise, **kw)
        mech = res.best
    elif args.feasible:
        res = feasible_mechanism(env, constraints, **kw)
        mech = res.mechanism
    else:
        res = optimal_mechanism(env, constraints, args.objective, sense=args.sense, **kw)
        mech = res.mechanism
    _print(res.certificate["statement"])  # its LP certificates were verified when they were solved
    if mech is not None:
        for th in env.profiles():
            lot = mech(th)
            if env.kind == "quasilinear" and len(lot) > 1:  # a lottery: its transfers are expected transfers
                t = ", ".join(fmt(mech.expected_transfer(i, th)) for i in range(env.n))
                _print(f"  {profile_label(th)}: " + ", ".join(f"{label(x.allocation)} w.p. {fmt(q)}" for x, q in lot.items())
                       + f"; expected transfers ({t})")
                continue
            parts = []
            for x, q in lot.items():
                parts.append(f"{x!r} w.p. {fmt(q)}" if env.kind == "quasilinear" else f"{label(x)} w.p. {fmt(q)}")
            _print(f"  {profile_label(th)}: " + ", ".join(parts))
    if out:
        _write(out, res.to_json() + "\n")
        _progress(f"certificate written to {args.output} (check it with: exactmd verify {args.output})")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    env = load_environment(args.env)
    doc = load_strict(args.mechanism)
    if isinstance(doc, dict) and isinstance(doc.get("environment"), dict) and doc["environment"] != env.to_dict():
        _progress(f"note: the environment inside {args.mechanism} differs from {args.env}; the mechanism is evaluated in {args.env}")
    _print(evaluate(env, load_mechanism(env, doc), args.constraints).to_text())
    return 0


def _cmd_claims(args: argparse.Namespace) -> int:
    source = _load_claims_source(args)
    ids = set(source_claims(source)) if source else None
    for cid, c in sorted(CLAIMS.items()):
        if ids is not None and cid not in ids:
            continue
        _print(f"{cid}  ({c.where})\n    \"{c.statement}\"")
        for r in c.readings:
            if r.id == "as-stated":
                _print("    reading as-stated: the statement read literally")
            else:
                _print(f"    reading {r.id}: {r.sentence}\n        the paper: \"{r.support}\"")
        for d in c.domains:
            if d.decided == "the instance":
                _print("    domain: the instance (one of the paper's environments)")
            else:
                _print(f"    domain: {d.decided}, for {d.paper} ({'contains what it contains' if d.contains else 'omits part of it'}): {d.meaning}")
        _print(f"    checks: {c.checks}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    _check_range("--examples", args.examples, 1, MAX_EXAMPLES)
    _check_range("--seed", args.seed, 0, 2**64 - 1)
    _check_range("--shrink-seconds", args.shrink_seconds, 0, 10**6)
    if args.out is not None and Path(args.out).exists() and not Path(args.out).is_dir():
        raise ExactMDError(f"--out {args.out!r} is a file, not a folder")
    claims = list(args.claims)
    if claims and not args.source and _positional_source(claims[0]):  # exactmd check mypaper.py [CLAIM...]
        args.source = claims.pop(0)
    _load_claims_source(args)
    return check_claims(claims, examples=args.examples, seed=args.seed, out=args.out, log=_progress, echo=_print,
                        shrink_seconds=args.shrink_seconds, source=args.source)


def _positional_source(arg: str) -> bool:
    """The first argument of ``check`` names a claims source, not a claim: a ``.py``
    file, or a module Python can find whose name is no claim's id or prefix."""
    if arg.endswith(".py"):
        return True
    if not is_source(arg):
        return False
    try:
        get_claim(arg)
        return False
    except ClaimError:
        return True


def _cmd_reproduce(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    rc = reproduce(Path(args.out), claims=args.claims or None, source=args.source, log=_progress, echo=_print)
    _progress(f"done in {time.monotonic() - t0:.1f} s")  # float-ok: wall-clock report only
    return rc


# ---------------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """Usage errors are one line too (the usage is in ``--help``)."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def _claims_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--claims", dest="source", metavar="SOURCE", default=None, help=help)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="exactmd", description="Exact finite mechanism design with certificates.")
    p.add_argument("--version", action="version", version=f"exactmd {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lp = sub.add_parser("lp", help="exact linear programming")
    lps = lp.add_subparsers(dest="lp_command", required=True, parser_class=_Parser)
    solve = lps.add_parser("solve", help="solve an LP (.json, .lp, .mps) and print its certificate")
    solve.add_argument("file")
    solve.add_argument("--trace", action="store_true", help="print every simplex pivot (to stderr)")
    solve.add_argument("--method", choices=["auto", "exact", "hint"], default="auto",
                       help="exact: exact simplex only; hint: HiGHS's basis re-solved exactly; auto: hint for large LPs when installed")
    solve.add_argument("--max-pivots", type=int, default=None, help="give up after this many pivots")
    solve.add_argument("--time-limit", type=float, default=None, help="give up after this many seconds")  # float-ok: a wall-clock budget, never a decision
    solve.add_argument("-o", "--output", help="write the certificate here instead of stdout")
    solve.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    add_progress_options(solve)
    solve.set_defaults(func=_cmd_lp_solve)

    ver = sub.add_parser("verify", help="re-check certificate files (LP or mechanism)")
    ver.add_argument("files", nargs="+")
    _claims_option(ver, "load a user's claims (a .py file or a module) so that their manifest's entries can be decided again")
    ver.add_argument("--plugin", action="append", default=[], metavar="MODULE_OR_FILE.py",
                     help="import a module of constraint families (register_family) so that their rows are re-derived")
    add_progress_options(ver)
    ver.set_defaults(func=_cmd_verify)

    ex = sub.add_parser("explain", help="a certificate as a proof a referee can check by hand (docs/explain.md)")
    ex.add_argument("file")
    ex.add_argument("--format", default="text", choices=FORMATS, help="text (default), markdown or latex (a standalone document)")
    ex.add_argument("--full", action="store_true", help=argparse.SUPPRESS)  # the proof is always complete
    add_output_options(ex, "write the proof to this file (atomically) instead of stdout")
    add_progress_options(ex)
    ex.set_defaults(func=_cmd_explain)

    de = sub.add_parser("design", help="optimal or feasible mechanism for an environment file")
    de.add_argument("env")
    de.add_argument("--constraints", default="IC,interim-IR", help="comma-separated families (default IC,interim-IR)")
    de.add_argument("--objective", default="planner",
                    help="planner | welfare | revenue | agent:NAME; 'min transfers', 'min losses' (docs/canonical-mechanisms.md)")
    de.add_argument("--sense", default="max", choices=["max", "min"])
    de.add_argument("--feasible", action="store_true", help="only ask whether a mechanism exists")
    de.add_argument("--method", choices=["auto", "exact", "hint"], default="auto")
    de.add_argument("--max-pivots", type=int, default=None)
    de.add_argument("--time-limit", type=float, default=None)  # float-ok: wall-clock budget
    de.add_argument("--plugin", action="append", default=[], metavar="MODULE_OR_FILE.py",
                    help="import a module of constraint families (register_family) first")
    de.add_argument("--deterministic", action="store_true",
                    help="the best mechanism whose allocation probabilities are all 0 or 1 (exact branch and bound)")
    de.add_argument("--max-nodes", type=int, default=None, help=f"node LPs --deterministic may solve (default {DEFAULT_MAX_NODES})")
    de.add_argument("--then", action="append", metavar="OBJ",
                    help="break ties by a further objective, e.g. 'min transfers', 'min losses', 'max planner' (repeatable)")
    de.add_argument("--symmetrise", action="store_true",
                    help="average the optimum over the agent permutations that leave the environment invariant")
    de.add_argument("--param", action="append", default=[], metavar="NAME=LO:HI",
                    help="parametric analysis: a number of the file (dotted path) over [LO, HI], or mix=OTHER.toml[:LO:HI] "
                         "for the prior (1 − λ)p + λp_OTHER (docs/parametric.md)")
    de.add_argument("--plot", metavar="FILE.png|pdf", help="with --param: the value against λ")
    de.add_argument("--format", choices=["markdown", "csv", "latex", "json"], default=None, help="with --param: the table's format")
    de.add_argument("-o", "--output", help="write the mechanism certificate here")
    de.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    add_progress_options(de)
    de.set_defaults(func=_cmd_design)

    ev = sub.add_parser("evaluate", help="revenue, welfare, interim tables, virtual values and constraint slack of a given mechanism")
    ev.add_argument("env")
    ev.add_argument("mechanism", help="a mechanism certificate (exactmd design -o) or its 'mechanism' table, JSON")
    ev.add_argument("--constraints", default=None, help="comma-separated families to check (default: every family that applies)")
    add_progress_options(ev)
    ev.set_defaults(func=_cmd_evaluate)

    groups = {}
    for name, help_ in GROUPS.items():
        g = sub.add_parser(name, help=help_)
        groups[name] = g.add_subparsers(dest=name, required=True, parser_class=_Parser)
    for cmd in registered_commands():  # the plug-ins' commands (the papers': uc, covers, renegotiation, tables, plots)
        parent = groups[cmd.path[0]] if len(cmd.path) == 2 else sub
        c = parent.add_parser(cmd.path[-1], help=cmd.help)
        cmd.arguments(c)
        add_progress_options(c)
        c.set_defaults(func=cmd.run)

    cl = sub.add_parser("claims", help="list the registered claims")
    _claims_option(cl, "list only the claims of this source (a .py file or a module)")
    add_progress_options(cl)
    cl.set_defaults(func=_cmd_claims)

    ch = sub.add_parser("check", help="run claims as property tests over random instances")
    ch.add_argument("claims", nargs="*", help="claim ids (or prefixes); the first may be a claims source (FILE.py or MODULE)")
    _claims_option(ch, "run the claims of this source (a .py file or a module)")
    ch.add_argument("--examples", type=int, default=25)
    ch.add_argument("--seed", type=int, default=0)
    ch.add_argument("--shrink-seconds", type=float, default=60.0, metavar="S",  # float-ok: wall clock
                    help="stop shrinking a refutation after S seconds and report the last refuted instance (default 60)")
    ch.add_argument("--out", default=None, help="write counterexample certificates here")
    add_progress_options(ch)
    ch.set_defaults(func=_cmd_check)

    rp = sub.add_parser("reproduce", help="regenerate and verify every claim on the papers' instances")
    rp.add_argument("claims", nargs="*")
    _claims_option(rp, "run the claims of this source (a .py file or a module) only; OUT gets their manifest")
    rp.add_argument("--out", default="proofs")
    add_progress_options(rp)
    rp.set_defaults(func=_cmd_reproduce)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        parser = _parser()  # loads the plug-ins, whose commands it adds
    except ExactMDError as e:
        print(f"exactmd: error: {e}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    try:
        with reporting(getattr(args, "progress", None)):  # a status line on stderr, never on stdout
            return int(args.func(args))
    except ExactMDError as e:
        print(f"exactmd: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:
        print(f"exactmd: error: {e.filename or ''}: {e.strerror}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as e:
        print(f"exactmd: error: not JSON: {e.msg} at line {e.lineno}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as e:
        print(f"exactmd: error: the input is not UTF-8 text (byte {e.start}: {e.object[e.start:e.start + 1]!r})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("exactmd: interrupted", file=sys.stderr)
        return 130
    except RecursionError:  # last resort: the readers bound nesting themselves
        print("exactmd: error: the input is nested too deeply", file=sys.stderr)
        return 2
    except MemoryError:  # last resort: sizes are bounded before work where they are known
        print("exactmd: error: out of memory (the input is too large)", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
