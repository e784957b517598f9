"""The ``exactmd`` command line.

Subcommands::

    exactmd lp solve FILE [--method auto|exact|hint] [--trace] [--max-pivots N] [--time-limit S] [-o OUT]
    exactmd verify FILE...
    exactmd explain CERT
    exactmd design ENV.toml [--constraints IC,interim-IR,BB] [--objective planner] [--feasible] [--method M] [-o OUT]
    exactmd table bargaining [--K 1..8] [--prior uniform] [--format csv|markdown|latex|json]
    exactmd table neeman-pavlov [--format csv|markdown|latex|json]
    exactmd renegotiation ENV.toml [--budget balanced|feasible] [--shape] [-o OUT]
    exactmd uc ENV.toml --grid N [--eps 1/10] [--universe grid|no-vertices] [--workers K | --scheduler ADDR] [-o REPORT] [--plot PNG]
    exactmd covers ENV.toml --belief "θ=p; ..." [--device FILE] [--B all|grid:N|no-vertices:N|uc:T:grid:N|uc:T:no-vertices:N] [--eps 1/10] [-o CERT]
    exactmd plot bargaining [--K 6] [--prior uniform] [-o region.png]
    exactmd claims
    exactmd check [CLAIM...] [--examples N] [--seed S] [--out DIR] [--shrink-seconds S]
    exactmd reproduce [CLAIM...] [--out DIR]

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

from . import __version__
from .errors import ExactMDError

__all__ = ["main"]

MAX_EXAMPLES = 100_000  # check --examples


def _print(*a: Any, **k: Any) -> None:
    print(*a, **k, flush=True)


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _out(args: argparse.Namespace, *inputs: Any, attr: str = "output", option: str = "-o") -> Path | None:
    """The checked output path of ``-o`` (exactmd.files.check_output_path), before any work."""
    from .files import check_output_path

    out = getattr(args, attr, None)
    if out is None:
        return None
    return check_output_path(out, inputs, force=getattr(args, "force", False), option=option)


def _write(path: Path, text: str) -> None:
    from .files import write_text_atomic

    write_text_atomic(path, text)


def _check_range(option: str, value: Any, lo: Any, hi: Any) -> None:
    """Refuse a numeric option outside [lo, hi] (or not finite), naming it."""
    if value is None:
        return
    if isinstance(value, float) and value != value:  # float-ok: NaN check of a wall-clock budget
        raise ExactMDError(f"{option} {value} is not a number")
    if not lo <= value <= hi:
        raise ExactMDError(f"{option} {value} is outside {lo}..{hi}")


# ---------------------------------------------------------------------------------
def _cmd_lp_solve(args: argparse.Namespace) -> int:
    from .lp import solve_problem
    from .lp.formats import load_problem

    _check_budget(args)
    out = _out(args, args.file)
    problem = load_problem(args.file)
    trace = (lambda line: _print(line, file=sys.stderr)) if args.trace else None
    res = solve_problem(problem, method=args.method, max_pivots=args.max_pivots, time_limit=args.time_limit, trace=trace)
    text = res.to_json()
    if out:
        _write(out, text + "\n")
        _progress(f"{res.status.value}; certificate written to {args.output}")
    else:
        _print(text)
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from .certificates import verify_document
    from .errors import InputError
    from .jsonio import load_strict

    bad = 0
    for f in args.files:
        try:
            doc = load_strict(f, source=None)
            if isinstance(doc, dict) and doc.get("format") == "exactmd-manifest/1":
                from .reproduce import verify_manifest

                ok, why = verify_manifest(f, log=_progress)  # decides every entry again (progress on stderr)
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
    from .jsonio import load_strict
    from .lp import explain_certificate

    doc = load_strict(args.file)
    if not isinstance(doc, dict):
        raise ExactMDError(f"{args.file}: a certificate must be a JSON object")
    _explainable(doc, args.file)
    if doc.get("format") != _LP_CERT:
        _print(doc.get("statement", ""))
        if "lp" not in doc:  # a recomputable check of a stated mechanism
            for row, amount in (doc.get("violations") or {}).items():
                _print(f"  {row}: violated by {amount}")
            if not doc.get("violations"):
                _print("  every row holds (exactmd verify recomputes them)")
            return 0
        while doc.get("format") != _LP_CERT and isinstance(doc.get("lp"), dict):  # the LP inside
            doc = doc["lp"]
    _print(explain_certificate(doc, None if args.full else 40))
    return 0


_LP_CERT = "exactmd-lp-certificate/1"


def _states(doc: Any) -> bool:
    """Whether the document's format carries a ``statement`` that explain prints."""
    from .certificates import get_format

    f = get_format(doc.get("format"))
    return f is not None and f.states


def _explainable(doc: Any, file: str) -> None:
    """Explain only what verifies: a document that fails ``exactmd verify`` is refused with
    the verifier's reason, before a word of it is repeated."""
    from .certificates import verify_document

    ok, why = verify_document(doc)
    if not ok:
        raise ExactMDError(f"{file}: not a valid certificate ({why}); nothing to explain")
    inner = doc
    while inner.get("format") != _LP_CERT and isinstance(inner.get("lp"), dict):
        inner = inner["lp"]
    if inner.get("format") != _LP_CERT and not (inner is doc and _states(doc)):
        raise ExactMDError(f"{file}: a {doc.get('format')!r} document has no LP certificate to explain; "
                           f"exactmd verify {file} re-checks it")


def _check_budget(args: argparse.Namespace) -> None:
    _check_range("--max-pivots", args.max_pivots, 1, 10**12)
    _check_range("--time-limit", args.time_limit, 0.001, 10**9)  # float-ok: wall-clock budget


def _cmd_design(args: argparse.Namespace) -> int:
    from .belief import label, profile_label
    from .design import feasible_mechanism, optimal_mechanism
    from .environment import load_environment
    from .rational import fmt

    _check_budget(args)
    out = _out(args, args.env)
    env = load_environment(args.env)
    kw = dict(method=args.method, max_pivots=args.max_pivots, time_limit=args.time_limit)
    if args.feasible:
        res = feasible_mechanism(env, args.constraints, **kw)
    else:
        res = optimal_mechanism(env, args.constraints, args.objective, sense=args.sense, **kw)
    res.verify()
    _print(res.certificate["statement"])
    if res.mechanism is not None:
        for th in env.profiles():
            lot = res.mechanism(th)
            parts = []
            for x, q in lot.items():
                parts.append(f"{x!r} w.p. {fmt(q)}" if env.kind == "quasilinear" else f"{label(x)} w.p. {fmt(q)}")
            _print(f"  {profile_label(th)}: " + ", ".join(parts))
    if out:
        _write(out, res.to_json() + "\n")
        _progress(f"certificate written to {args.output} (check it with: exactmd verify {args.output})")
    return 0


def _cmd_renegotiation(args: argparse.Namespace) -> int:
    from .environment import load_environment
    from .rational import fmt
    from .papers.neemanpavlov2007 import renegotiation_proof_mechanism, rp_shape

    out = _out(args, args.env)
    env = load_environment(args.env)
    res = renegotiation_proof_mechanism(env, args.budget)
    res.verify()
    if res.status == "infeasible":
        _print(f"No ex post renegotiation-proof mechanism ({args.budget} budget) exists in {env.name or args.env}: "
               f"Farkas certificate (exactmd explain shows the sum of rows).")
    else:
        _print(f"An ex post renegotiation-proof mechanism ({args.budget} budget) exists in {env.name or args.env}; a witness:")
        for rep, body in res.mechanism.to_dict().items():
            _print(f"  reports {rep}: {body['lottery']}, transfers {body['transfers']}")
        if args.shape:
            sh = rp_shape(env, args.budget)
            _print("forced variables (equal in every renegotiation-proof mechanism):")
            for v, q in sh.forced.items():
                _print(f"  {v} = {fmt(q)}")
            _print("rows that bind in every renegotiation-proof mechanism:")
            for r in sh.binding:
                _print(f"  {r}")
    if out:
        _write(out, res.to_json() + "\n")
        _progress(f"certificate written to {args.output} (check it with: exactmd verify {args.output})")
    return 0


def _parse_belief(env: Any, text: str) -> Any:
    """``"L,L=1/2; H,H=1/2"`` → a Belief (unlisted profiles get 0)."""
    from .belief import Belief

    probs: dict[str, str] = {}
    seen: dict[Any, str] = {}
    for part in text.replace("\n", ";").split(";"):
        if not part.strip():
            continue
        key, sep, val = part.rpartition("=")
        if not sep or not key.strip():
            raise ExactMDError(f"belief entry {part.strip()!r} is not 'profile=probability'")
        prof = env.resolve_profile(key.strip())
        if prof in seen:
            raise ExactMDError(f"belief lists profile {key.strip()!r} twice (also as {seen[prof]!r})")
        seen[prof] = key.strip()
        probs[key.strip()] = val.strip()
    return Belief(env.types, probs, name="belief")


_INTERIOR_REFUSED = ("'interior' is not accepted: it meant G_N without its vertices, which keeps the beliefs on the "
                     "boundary of the simplex; write 'no-vertices'")


def _universe(env: Any, kind: str, n: int) -> tuple[list[Any], str]:
    """G_N (``grid``) or G_N without its vertices (``no-vertices``), with its printed name."""
    from .papers.vartiainen2014 import grid

    if kind == "interior":
        raise ExactMDError(f"--universe/--B {_INTERIOR_REFUSED}")
    G = grid(env.types, n)
    if kind == "no-vertices":
        return [b for b in G if len(b.support()) >= 2], f"G_{n} without the vertices"
    return G, f"G_{n}"


def _parse_B(env: Any, spec: str, eps: str) -> tuple[Any, str]:
    """--B: ``all`` (Δ), ``grid:N``, ``no-vertices:N``, or ``uc:T:grid:N`` / ``uc:T:no-vertices:N``
    (the iterate UC^T of the UC sequence on that universe, computed first)."""
    from .papers.vartiainen2014 import ALL, uc_sequence

    if spec == "all":
        return ALL, "Δ"
    parts = spec.split(":")
    if len(parts) == 2 and parts[0] == "interior":
        raise ExactMDError(f"--B {spec!r}: {_INTERIOR_REFUSED} (no-vertices:{parts[1]})")
    if len(parts) == 2 and parts[0] in ("grid", "no-vertices") and parts[1].isdigit() and len(parts[1]) <= 6 and int(parts[1]) >= 1:
        return _universe(env, parts[0], int(parts[1]))
    if (len(parts) == 4 and parts[0] == "uc" and parts[1].isdigit() and len(parts[1]) <= 6
            and parts[2] in ("grid", "no-vertices", "interior") and parts[3].isdigit() and len(parts[3]) <= 6 and int(parts[3]) >= 1):
        T = int(parts[1])
        G, name = _universe(env, parts[2], int(parts[3]))
        _progress(f"computing UC^{T} on {name} ({len(G)} beliefs) for B")
        seq = uc_sequence(env, G, eps, name=name, progress=None)
        its, rep = seq.iterates, seq.repeats_at
        # UC^t for t ≥ rep repeats with period len(its) - 1 - rep
        idx = T if T < len(its) else rep + (T - rep) % (len(its) - 1 - rep)
        return its[idx], f"UC^{T} on {name} ({len(its[idx])} beliefs)"
    raise ExactMDError(f"--B {spec!r} must be 'all', 'grid:N', 'no-vertices:N', 'uc:T:grid:N' or 'uc:T:no-vertices:N'")


def _write_report(path: str, doc: Any) -> None:
    """Write a JSON document atomically (exactmd.files.write_text_atomic)."""
    from .lp.solution import dump_json

    _write(Path(path), dump_json(doc) + "\n")


def _sweep_options(args: argparse.Namespace) -> dict[str, Any]:
    from .sweep import describe

    if args.scheduler and args.workers:
        raise ExactMDError("give --workers or --scheduler, not both")
    describe(workers=args.workers, scheduler=args.scheduler)  # checks both, before any work
    return {"workers": args.workers, "scheduler": args.scheduler, "progress": None}


def _cmd_uc(args: argparse.Namespace) -> int:
    from .papers.vartiainen2014 import check_eps, uc_sequence
    from .papers.vartiainen2014.certificates import uc_sequence_certificate
    from .papers.vartiainen2014.commitment import _need_finite
    from .environment import load_environment
    from .rational import fmt
    from .sweep import describe

    opts = _sweep_options(args)
    out = _out(args, args.env, args.plot)
    plot = None
    if args.plot:
        from .plots import check_image_path

        check_image_path(args.plot)
        plot = _out(args, args.env, args.output, attr="plot", option="--plot")
    env = load_environment(args.env)
    args.eps = fmt(check_eps(args.eps))
    _need_finite(env)
    if plot:
        from .plots import check_ternary, require_matplotlib

        check_ternary(env)
        require_matplotlib()
    G, name = _universe(env, args.universe, args.grid)
    _progress(f"UC sequence of {env.name or args.env} on the universe {name} ({len(G)} beliefs), eps = {args.eps}, "
              f"{describe(workers=opts['workers'], scheduler=opts['scheduler'])}")
    t0 = time.perf_counter()
    seq = uc_sequence(env, G, args.eps, name=name, evidence=bool(args.output), **opts)
    d = seq.to_dict()
    _print(f"universe: {name} ({len(G)} beliefs); eps = {d['eps']}")
    for t, it in enumerate(seq.iterates):
        _print(f"  |UC^{t}| = {len(it)}")
    _print(f"  {d['repeats']}; UC^t ⊆ UC^t+1 for all t: {seq.monotone_increasing}")
    _print(f"UC* ({len(seq.star)} beliefs):")
    for b in seq.star:
        _print("  " + "; ".join(f"{k}={v}" for k, v in b.to_dict().items()))
    _progress(f"done in {time.perf_counter() - t0:.1f} s")
    if out:
        _write_report(out, uc_sequence_certificate(env, G, seq))
        _progress(f"report written to {args.output} (check it with: exactmd verify {args.output})")
    if plot:
        from .plots import uc_ternary

        _progress(f"picture written to {uc_ternary(env, seq, plot)}")
    return 0


def _cmd_covers(args: argparse.Namespace) -> int:
    from .papers.vartiainen2014 import check_eps, covered, covers
    from .papers.vartiainen2014.certificates import composite_from_dict, covering_certificate, covers_certificate
    from .environment import load_environment
    from .rational import fmt

    out = _out(args, args.env, args.device)
    env = load_environment(args.env)
    args.eps = fmt(check_eps(args.eps))
    p = _parse_belief(env, args.belief)
    B, bname = _parse_B(env, args.B, args.eps)
    if args.device:
        r = composite_from_dict(env, _device_doc(_read_json(args.device, "--device"), args.device))
        v = covers(env, r, p, B, args.eps)
        _print(("covers" if v.covers else f"does not cover (clause {v.clause})") + f" under {bname}: {v.reason}")
        if v.plan is not None:
            _print(f"blocking plan: at signal {v.plan.signal!r} play")
            _print(json.dumps(v.plan.response.to_dict(), indent=1, ensure_ascii=False))
        if out:
            _write_report(out, covers_certificate(env, r, p, B, args.eps, "r"))
            _progress(f"certificate written to {args.output} (check it with: exactmd verify {args.output})")
        return 0 if v.covers else 1
    c = covered(env, p, B, args.eps)
    _print(f"p is {'covered' if c.covered else 'not covered'} under {bname} (eps = {args.eps}, {c.method}): {c.evidence['reason']}")
    if c.witness is not None:
        _print("witness device (re-checked from the definition):")
        _print(json.dumps(c.witness.to_dict(), indent=1, ensure_ascii=False))
    if out:
        _write_report(out, covering_certificate(env, p, B, args.eps, c))
        _progress(f"certificate written to {args.output} (check it with: exactmd verify {args.output})")
    return 0


def _read_json(path: str, option: str) -> Any:
    """A JSON input file of the command (not a certificate), read by the strict reader with one-line errors."""
    from .jsonio import load_strict

    try:
        return load_strict(path)
    except ExactMDError as e:
        raise ExactMDError(f"{option} {path}: {e}") from None


def _device_doc(d: Any, file: str) -> Any:
    """The shape of a device file, checked before it is read: {"device": {profile: {signal:
    probability}}, "g": {signal: outcome}}."""
    def is_map(x: Any) -> bool:
        return isinstance(x, dict)

    if not is_map(d):
        raise ExactMDError(f"--device {file}: a device must be a JSON object {{\"device\": ..., \"g\": ...}}, got {type(d).__name__}")
    for key in ("device", "g"):
        if not is_map(d.get(key)):
            raise ExactMDError(f"--device {file}: {key!r} must be a JSON object")
    for prof, row in d["device"].items():
        if not is_map(row):
            raise ExactMDError(f"--device {file}: device[{prof!r}] must map signals to probabilities")
    for sig, x in d["g"].items():
        if not isinstance(x, (str, int)) or isinstance(x, bool):
            raise ExactMDError(f"--device {file}: g[{sig!r}]={x!r} must be an outcome label")
    return d


def _cmd_table_np(args: argparse.Namespace) -> int:
    from .tables import NEEMAN_PAVLOV_COLUMNS, neeman_pavlov_rows, render

    out = _out(args)
    return _emit_table(render(neeman_pavlov_rows(log=_progress), args.format, NEEMAN_PAVLOV_COLUMNS), out)


def _emit_table(text: str, output: Path | None) -> int:
    if output:
        _write(output, text)
        _progress(f"table written to {output}")
    else:
        _print(text, end="")
    return 0


def _cmd_table(args: argparse.Namespace) -> int:
    from .tables import bargaining_rows, parse_prior, parse_range, render

    Ks = parse_range(args.K)
    parse_prior(args.prior)
    out = _out(args)
    rows = bargaining_rows(Ks, args.prior, log=_progress)
    return _emit_table(render(rows, args.format), out)


def _cmd_plot(args: argparse.Namespace) -> int:
    from .plots import bargaining_regions, check_image_path
    from .tables import MAX_K, parse_prior

    check_image_path(args.output)
    _check_range("--K", args.K, 1, MAX_K)
    parse_prior(args.prior)
    out = bargaining_regions(args.K, args.prior, _out(args))
    _progress(f"picture written to {out}")
    return 0


def _cmd_claims(args: argparse.Namespace) -> int:
    from .claims import CLAIMS

    for cid, c in sorted(CLAIMS.items()):
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
    from .reproduce import check_claims

    _check_range("--examples", args.examples, 1, MAX_EXAMPLES)
    _check_range("--seed", args.seed, 0, 2**64 - 1)
    _check_range("--shrink-seconds", args.shrink_seconds, 0, 10**6)
    if args.out is not None and Path(args.out).exists() and not Path(args.out).is_dir():
        raise ExactMDError(f"--out {args.out!r} is a file, not a folder")
    return check_claims(args.claims, examples=args.examples, seed=args.seed, out=args.out, log=_progress, echo=_print,
                        shrink_seconds=args.shrink_seconds)


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from .reproduce import reproduce

    t0 = time.monotonic()
    rc = reproduce(Path(args.out), claims=args.claims or None, log=_progress, echo=_print)
    _progress(f"done in {time.monotonic() - t0:.1f} s")  # float-ok: wall-clock report only
    return rc


# ---------------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """Usage errors are one line too (the usage is in ``--help``)."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


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
                       help="exact: exact simplex only; hint: HiGHS's basis re-solved exactly (exactmd[fast]); auto: hint for large LPs when installed")
    solve.add_argument("--max-pivots", type=int, default=None, help="give up after this many pivots")
    solve.add_argument("--time-limit", type=float, default=None, help="give up after this many seconds")  # float-ok: a wall-clock budget, never a decision
    solve.add_argument("-o", "--output", help="write the certificate here instead of stdout")
    solve.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    solve.set_defaults(func=_cmd_lp_solve)

    ver = sub.add_parser("verify", help="re-check certificate files (LP or mechanism)")
    ver.add_argument("files", nargs="+")
    ver.set_defaults(func=_cmd_verify)

    ex = sub.add_parser("explain", help="explain a certificate in terms of its labelled rows")
    ex.add_argument("file")
    ex.add_argument("--full", action="store_true", help="list every row with a nonzero multiplier")
    ex.set_defaults(func=_cmd_explain)

    de = sub.add_parser("design", help="optimal or feasible mechanism for an environment file")
    de.add_argument("env")
    de.add_argument("--constraints", default="IC,interim-IR", help="comma-separated families (default IC,interim-IR)")
    de.add_argument("--objective", default="planner", help="planner | welfare | revenue | agent:NAME")
    de.add_argument("--sense", default="max", choices=["max", "min"])
    de.add_argument("--feasible", action="store_true", help="only ask whether a mechanism exists")
    de.add_argument("--method", choices=["auto", "exact", "hint"], default="auto")
    de.add_argument("--max-pivots", type=int, default=None)
    de.add_argument("--time-limit", type=float, default=None)  # float-ok: wall-clock budget
    de.add_argument("-o", "--output", help="write the mechanism certificate here")
    de.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    de.set_defaults(func=_cmd_design)

    tb = sub.add_parser("table", help="exact tables for papers")
    tbs = tb.add_subparsers(dest="table", required=True, parser_class=_Parser)
    tbb = tbs.add_parser("bargaining", help="Vartiainen §5: first best, second best, Proposition 2 per grid size K")
    tbb.add_argument("--K", default="1..6", help="grid sizes, e.g. 1..8 or 2,4,8 (default 1..6)")
    tbb.add_argument("--prior", default="uniform", help="uniform | increasing | decreasing, or BUYER:SELLER")
    tbb.add_argument("--format", default="markdown", choices=["csv", "markdown", "latex", "json"])
    tbb.add_argument("-o", "--output")
    tbb.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    tbb.set_defaults(func=_cmd_table)

    tbn = tbs.add_parser("neeman-pavlov", help="Neeman–Pavlov's examples and propositions: verdict per paper instance")
    tbn.add_argument("--format", default="markdown", choices=["csv", "markdown", "latex", "json"])
    tbn.add_argument("-o", "--output")
    tbn.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    tbn.set_defaults(func=_cmd_table_np)

    rn = sub.add_parser("renegotiation", help="ex post renegotiation-proof mechanism under complete information (Neeman–Pavlov §3)")
    rn.add_argument("env", help="a quasi-linear environment file (.toml)")
    rn.add_argument("--budget", default="balanced", choices=["balanced", "feasible"], help="Σ t = 0 (default) or Σ t ≤ 0")
    rn.add_argument("--shape", action="store_true", help="also: forced variables and rows binding throughout (many LPs)")
    rn.add_argument("-o", "--output", help="write the certificate here")
    rn.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    rn.set_defaults(func=_cmd_renegotiation)

    uc = sub.add_parser("uc", help="UC^0, UC^1, ... and UC* on a grid of beliefs (Vartiainen §4)")
    uc.add_argument("env", help="a finite environment file (.toml)")
    uc.add_argument("--grid", type=int, required=True, help="the universe G_N = {p : N p(θ) integer}")
    uc.add_argument("--eps", default="1/10", help="the planner's cost of changing plans (exact, e.g. 1/10)")
    uc.add_argument("--universe", default="grid", choices=["grid", "no-vertices", "interior"],
                    help="G_N, or G_N without its vertices (no-vertices; 'interior' is refused: it would keep boundary beliefs)")
    uc.add_argument("--workers", type=int, default=None, help="local worker processes (default: serial)")
    uc.add_argument("--scheduler", default=None, help="a Dask scheduler address (needs exactmd[distributed])")
    uc.add_argument("-o", "--output", help="write the report (a certificate exactmd verify recomputes)")
    uc.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    uc.add_argument("--plot", help="draw UC^t on the simplex (|Θ| = 3; needs exactmd[plot])")
    uc.set_defaults(func=_cmd_uc)

    cv = sub.add_parser("covers", help="is a belief covered (by some device, or by a given one)? (Vartiainen §4)")
    cv.add_argument("env", help="a finite environment file (.toml)")
    cv.add_argument("--belief", required=True, help='e.g. "L,L=1/2; H,H=1/2" (unlisted profiles: 0)')
    cv.add_argument("--device", help="a device JSON {device: {profile: {signal: prob}}, g: {signal: outcome}}")
    cv.add_argument("--B", default="all", help="all (default), grid:N, no-vertices:N (G_N without its vertices), or uc:T:grid:N / uc:T:no-vertices:N (UC^T on that universe)")
    cv.add_argument("--eps", default="1/10")
    cv.add_argument("-o", "--output", help="write the certificate here")
    cv.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    cv.set_defaults(func=_cmd_covers)

    pl = sub.add_parser("plot", help="pictures (needs the plot extra: matplotlib)")
    pls = pl.add_subparsers(dest="plot", required=True, parser_class=_Parser)
    plb = pls.add_parser("bargaining", help="trade regions of the second best and the best threshold allocation")
    plb.add_argument("--K", type=int, default=6)
    plb.add_argument("--prior", default="uniform")
    plb.add_argument("-o", "--output", default="region.png")
    plb.add_argument("--force", action="store_true", help="overwrite an existing file that is not an exactmd output")
    plb.set_defaults(func=_cmd_plot)

    cl = sub.add_parser("claims", help="list the registered claims")
    cl.set_defaults(func=_cmd_claims)

    ch = sub.add_parser("check", help="run claims as property tests over random instances")
    ch.add_argument("claims", nargs="*")
    ch.add_argument("--examples", type=int, default=25)
    ch.add_argument("--seed", type=int, default=0)
    ch.add_argument("--shrink-seconds", type=float, default=60.0, metavar="S",  # float-ok: wall clock
                    help="stop shrinking a refutation after S seconds and report the last refuted instance (default 60)")
    ch.add_argument("--out", default=None, help="write counterexample certificates here")
    ch.set_defaults(func=_cmd_check)

    rp = sub.add_parser("reproduce", help="regenerate and verify every claim on the papers' instances")
    rp.add_argument("claims", nargs="*")
    rp.add_argument("--out", default="proofs")
    rp.set_defaults(func=_cmd_reproduce)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
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
