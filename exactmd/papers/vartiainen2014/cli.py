"""Vartiainen (2014) on the command line: ``exactmd uc`` and ``exactmd covers`` (§4: the UC
sequence, covering), ``exactmd table bargaining`` and ``exactmd plot bargaining`` (§5).
Registered by :mod:`.plugin` through :func:`exactmd.commands.register_command`."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from exactmd.belief import Belief
from exactmd.commands import (add_output_options, check_range, echo, emit, output_path, progress, read_json, sweep_options,
                              write_json)
from exactmd.environment import load_environment
from exactmd.errors import ExactMDError
from exactmd.plots import check_image_path, check_ternary, require_matplotlib
from exactmd.rational import fmt
from exactmd.sweep import describe
from exactmd.tables import add_table_options, render, table_options

from .certificates import composite_from_dict, covering_certificate, covers_certificate, uc_sequence_certificate
from .commitment import ALL, _need_finite, check_eps
from .covering import covered, covers
from .plots import bargaining_regions, uc_ternary
from .tables import BARGAINING_CAPTION, BARGAINING_SPEC, MAX_K, bargaining_rows, parse_prior, parse_range
from .uc import grid, uc_sequence

__all__ = ["COMMANDS"]


def _parse_belief(env: Any, text: str) -> Any:
    """``"L,L=1/2; H,H=1/2"`` → a Belief (unlisted profiles get 0)."""
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
    if kind == "interior":
        raise ExactMDError(f"--universe/--B {_INTERIOR_REFUSED}")
    G = grid(env.types, n)
    if kind == "no-vertices":
        return [b for b in G if len(b.support()) >= 2], f"G_{n} without the vertices"
    return G, f"G_{n}"


def _parse_B(env: Any, spec: str, eps: str) -> tuple[Any, str]:
    """--B: ``all`` (Δ), ``grid:N``, ``no-vertices:N``, or ``uc:T:grid:N`` / ``uc:T:no-vertices:N``
    (the iterate UC^T of the UC sequence on that universe, computed first)."""
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
        progress(f"computing UC^{T} on {name} ({len(G)} beliefs) for B")
        seq = uc_sequence(env, G, eps, name=name, progress=None)
        its, rep = seq.iterates, seq.repeats_at
        # UC^t for t ≥ rep repeats with period len(its) - 1 - rep
        idx = T if T < len(its) else rep + (T - rep) % (len(its) - 1 - rep)
        return its[idx], f"UC^{T} on {name} ({len(its[idx])} beliefs)"
    raise ExactMDError(f"--B {spec!r} must be 'all', 'grid:N', 'no-vertices:N', 'uc:T:grid:N' or 'uc:T:no-vertices:N'")


def _cmd_uc(args: argparse.Namespace) -> int:
    opts = sweep_options(args)
    out = output_path(args, args.env, args.plot)
    plot = None
    if args.plot:
        check_image_path(args.plot)
        plot = output_path(args, args.env, args.output, attr="plot", option="--plot")
    env = load_environment(args.env)
    args.eps = fmt(check_eps(args.eps))
    _need_finite(env)
    if plot:
        check_ternary(env)
        require_matplotlib()
    G, name = _universe(env, args.universe, args.grid)
    progress(f"UC sequence of {env.name or args.env} on the universe {name} ({len(G)} beliefs), eps = {args.eps}, "
              f"{describe(workers=opts['workers'], scheduler=opts['scheduler'])}")
    t0 = time.perf_counter()
    seq = uc_sequence(env, G, args.eps, name=name, evidence=bool(args.output), **opts)
    d = seq.to_dict()
    echo(f"universe: {name} ({len(G)} beliefs); eps = {d['eps']}")
    for t, it in enumerate(seq.iterates):
        echo(f"  |UC^{t}| = {len(it)}")
    echo(f"  {d['repeats']}; UC^t ⊆ UC^t+1 for all t: {seq.monotone_increasing}")
    echo(f"UC* ({len(seq.star)} beliefs):")
    for b in seq.star:
        echo("  " + "; ".join(f"{k}={v}" for k, v in b.to_dict().items()))
    progress(f"done in {time.perf_counter() - t0:.1f} s")
    if out:
        write_json(out, uc_sequence_certificate(env, G, seq))
        progress(f"report written to {args.output} (check it with: exactmd verify {args.output})")
    if plot:
        progress(f"picture written to {uc_ternary(env, seq, plot)}")
    return 0


def _cmd_covers(args: argparse.Namespace) -> int:
    out = output_path(args, args.env, args.device)
    env = load_environment(args.env)
    args.eps = fmt(check_eps(args.eps))
    p = _parse_belief(env, args.belief)
    B, bname = _parse_B(env, args.B, args.eps)
    if args.device:
        r = composite_from_dict(env, _device_doc(read_json(args.device, "--device"), args.device))
        v = covers(env, r, p, B, args.eps)
        echo(("covers" if v.covers else f"does not cover (clause {v.clause})") + f" under {bname}: {v.reason}")
        if v.plan is not None:
            echo(f"blocking plan: at signal {v.plan.signal!r} play")
            echo(json.dumps(v.plan.response.to_dict(), indent=1, ensure_ascii=False))
        if out:
            write_json(out, covers_certificate(env, r, p, B, args.eps, "r"))
            progress(f"certificate written to {args.output} (check it with: exactmd verify {args.output})")
        return 0 if v.covers else 1
    c = covered(env, p, B, args.eps)
    echo(f"p is {'covered' if c.covered else 'not covered'} under {bname} (eps = {args.eps}, {c.method}): {c.evidence['reason']}")
    if c.witness is not None:
        echo("witness device (re-checked from the definition):")
        echo(json.dumps(c.witness.to_dict(), indent=1, ensure_ascii=False))
    if out:
        write_json(out, covering_certificate(env, p, B, args.eps, c))
        progress(f"certificate written to {args.output} (check it with: exactmd verify {args.output})")
    return 0


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



def _cmd_table_bargaining(args: argparse.Namespace) -> int:
    Ks = parse_range(args.K)
    parse_prior(args.prior)
    out = output_path(args)
    rows = bargaining_rows(Ks, args.prior, log=progress)
    return emit(render(rows, args.format, BARGAINING_SPEC, **table_options(args, caption=BARGAINING_CAPTION)), out)


def _cmd_plot(args: argparse.Namespace) -> int:
    check_image_path(args.output)
    check_range("--K", args.K, 1, MAX_K)
    parse_prior(args.prior)
    path = output_path(args)
    assert path is not None  # -o defaults to region.png (_plot_arguments)
    out = bargaining_regions(args.K, args.prior, path)
    progress(f"picture written to {out}")
    return 0


def _uc_arguments(uc: argparse.ArgumentParser) -> None:
    uc.add_argument("env", help="a finite environment file (.toml)")
    uc.add_argument("--grid", type=int, required=True, help="the universe G_N = {p : N p(θ) integer}")
    uc.add_argument("--eps", default="1/10", help="the planner's cost of changing plans (exact, e.g. 1/10)")
    uc.add_argument("--universe", default="grid", choices=["grid", "no-vertices", "interior"],
                    help="G_N, or G_N without its vertices (no-vertices; 'interior' is refused: it would keep boundary beliefs)")
    uc.add_argument("--workers", type=int, default=None, help="local worker processes (default: serial)")
    uc.add_argument("--scheduler", default=None, help="a Dask scheduler address (needs exactmd[distributed])")
    add_output_options(uc, "write the report (a certificate exactmd verify recomputes)")
    uc.add_argument("--plot", help="draw UC^t on the simplex (|Θ| = 3; needs exactmd[plot])")


def _covers_arguments(cv: argparse.ArgumentParser) -> None:
    cv.add_argument("env", help="a finite environment file (.toml)")
    cv.add_argument("--belief", required=True, help='e.g. "L,L=1/2; H,H=1/2" (unlisted profiles: 0)')
    cv.add_argument("--device", help="a device JSON {device: {profile: {signal: prob}}, g: {signal: outcome}}")
    cv.add_argument("--B", default="all", help="all (default), grid:N, no-vertices:N (G_N without its vertices), or uc:T:grid:N / uc:T:no-vertices:N (UC^T on that universe)")
    cv.add_argument("--eps", default="1/10")
    add_output_options(cv, "write the certificate here")


def _table_arguments(tbb: argparse.ArgumentParser) -> None:
    tbb.add_argument("--K", default="1..6", help="grid sizes, e.g. 1..8 or 2,4,8 (default 1..6)")
    tbb.add_argument("--prior", default="uniform", help="uniform | increasing | decreasing, or BUYER:SELLER")
    add_table_options(tbb)
    add_output_options(tbb)


def _plot_arguments(plb: argparse.ArgumentParser) -> None:
    plb.add_argument("--K", type=int, default=6)
    plb.add_argument("--prior", default="uniform")
    add_output_options(plb, default="region.png")


#: (path, help, arguments, run)
COMMANDS = (
    (("table", "bargaining"), "Vartiainen §5: first best, second best, Proposition 2 per grid size K", _table_arguments,
     _cmd_table_bargaining),
    (("uc",), "UC^0, UC^1, ... and UC* on a grid of beliefs (Vartiainen §4)", _uc_arguments, _cmd_uc),
    (("covers",), "is a belief covered (by some device, or by a given one)? (Vartiainen §4)", _covers_arguments, _cmd_covers),
    (("plot", "bargaining"), "trade regions of the second best and the best threshold allocation", _plot_arguments, _cmd_plot),
)
