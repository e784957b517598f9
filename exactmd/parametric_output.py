"""Output of a parametric analysis: the table of pieces and breakpoints, the figure, the CLI door.

``exactmd design ENV.toml --param NAME=LO:HI`` or ``--param mix=OTHER.toml[:LO:HI]``
(:mod:`exactmd.parametric`); tables through :func:`exactmd.tables.render`, the figure
through matplotlib (the ``plot`` extra), each piece drawn from its exact formula.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flint import fmpq

from .environment import load_environment
from .errors import InputError
from .parametric import ParametricDesign, parametric_design, parametric_file, parse_param
from .plots import pyplot, save_figure
from .tables import render

__all__ = ["plot", "plotted_points", "report", "run_cli"]


def plot(design: ParametricDesign, path: str | Path, *, samples: int = 40, title: str | None = None) -> Path:
    """The value against λ, each piece drawn from its exact formula, breakpoints marked."""
    plt = pyplot()
    res = design.result
    fig, ax = plt.subplots(figsize=(6, 3.6))  # float-ok: the figure size in inches, drawing only
    for x, y, filled in plotted_points(design):
        ax.plot([x], [y], "o", ms=5, zorder=3, color="C3" if filled else "white", mec="C3")
    for pc in res.pieces:
        a, b = pc.lo.bounds()[0], pc.hi.bounds()[1]
        a, b = max(a, res.lo), min(b, res.hi)
        if pc.lo == pc.hi:
            continue
        ts = [a + (b - a) * fmpq(k, samples) for k in range(samples + 1)]
        ts = [t for t in ts if pc.value[1](t) != 0]
        ax.plot([float(t) for t in ts], [float(pc.value_at(t)) for t in ts], lw=2)  # float-ok: drawing only
    for pt in res.points:
        ax.axvline(float(pt.at.bounds()[0]), color="0.7", lw=0.8, ls="--")  # float-ok: drawing only
    ax.set_xlabel(f"${res.parameter}$" if res.parameter == "λ" else res.parameter)
    ax.set_ylabel("optimal value")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    out = save_figure(fig, path)
    plt.close(fig)
    return out


def plotted_points(design: ParametricDesign) -> list[tuple[float, float, bool]]:
    """The marks of a plot besides the pieces' curves, at rational breakpoints where the value
    jumps: a filled dot for the value at the point (a one-point piece, or an exact solve there),
    an open circle for the end a piece does not include, at its limit value."""
    res = design.result
    out: list[tuple[float, float, bool]] = []
    for pt in res.points:
        x = pt.at.q
        if pt.kind != "value changes" or x is None:
            continue
        if pt.value is not None:
            out.append((float(x), float(pt.value), True))  # float-ok: drawing only
        for pc in res.pieces:
            if pc.lo == pc.hi or pc.value[1](x) == 0:
                continue
            if (pc.lo == pt.at and not pc.closed[0]) or (pc.hi == pt.at and not pc.closed[1]):
                out.append((float(x), float(pc.value_at(x)), False))  # float-ok: drawing only
    return out


def report(design: ParametricDesign, style: str = "markdown") -> str:
    """The table of pieces and the table of breakpoints (exactmd.tables.render)."""
    text = render(design.rows(), style)
    pts = design.result.point_rows()
    if pts:
        text += "\n" + render(pts, style)
    return text


def run_cli(args: Any, env_path: str, emit: Callable[[str], None]) -> ParametricDesign:
    """``exactmd design ENV --param …``: the analysis, printed; the caller writes ``-o``."""
    if len(args.param) != 1:
        raise InputError(f"--param is given {len(args.param)} times; a parametric analysis takes one parameter")
    if args.feasible or args.deterministic or args.then or args.symmetrise:
        raise InputError("--param takes no --feasible, --deterministic, --then or --symmetrise")
    name, other, lo, hi = parse_param(args.param[0])
    kw = dict(sense=args.sense, method=args.method)
    constraints = args.constraints
    if name == "mix":
        env = load_environment(env_path)
        mix = load_environment(other)  # type: ignore[arg-type]
        d = parametric_design(env, constraints, args.objective, mix=mix, interval=(lo, hi), **kw)
    else:
        d = parametric_file(env_path, name, lo, hi, constraints, args.objective, **kw)
    emit(d.statement)
    emit(report(d, getattr(args, "format", None) or "markdown").rstrip("\n"))
    if args.plot:
        plot(d, args.plot)
    return d
