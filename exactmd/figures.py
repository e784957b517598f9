"""Figures of a user's own computations (extra ``plot``: matplotlib): a sweep's value against a
parameter, and a mechanism's allocation probabilities on the type grid of any two-agent
environment.  PNG, PDF or SVG by the output's suffix; math text in mathtext (``$\\rho$``).

The data functions are exact and tested; the drawing converts to floats only to place
marks, and every number printed on a figure is the exact fraction:

* :func:`sweep_series` — the points (x, value) of a sweep table (its rows, or the JSON /
  CSV file ``exactmd sweep`` writes), x and value exact; points without a value
  (infeasible, unbounded) are returned apart, with their status.
* :func:`allocation_grid` — for a two-agent environment and a mechanism, the matrix
  ``a[j][i]`` = probability of allocation (outcome) ``x`` at the profile
  (θ_1 = T1[i], θ_2 = T2[j]).

``exactmd plot sweep TABLE --x NAME [-o sweep.png]`` and ``exactmd plot allocation
ENV.toml [--mechanism CERT.json | --constraints ... --objective ...] [--outcome X]
[-o allocation.png]`` draw them.
"""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from flint import fmpq

from .belief import label
from .commands import add_output_options, output_path, progress, read_json, register_command
from .design import optimal_mechanism
from .environment import Environment, load_environment
from .errors import ExactMDError, ModelError
from .evaluation import load_mechanism
from .families import with_file_cost
from .plots import check_image_path, pyplot, require_matplotlib, save_figure
from .rational import Q, fmt, is_rational_string

__all__ = ["sweep_series", "read_sweep_table", "allocation_grid", "plot_sweep", "plot_allocation"]

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "theta", "lambda", "mu", "rho", "sigma", "tau",
          "phi", "omega", "kappa", "eta", "xi", "pi", "psi", "chi", "nu", "zeta"}


def _math(name: str) -> str:
    """A parameter's name as axis text: a Greek name in mathtext (``rho`` → ``$\\rho$``)."""
    return f"${chr(92)}{name}$" if name in _GREEK else name.replace("$", r"\$")


def read_sweep_table(path: str | Path) -> list[dict[str, Any]]:
    """The rows of a sweep table file (``.json`` or ``.csv``, as ``exactmd sweep`` writes them)."""
    p = Path(path)
    if p.suffix.lower() == ".json":
        rows = read_json(str(p), "table")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ModelError(f"{p}: a sweep table in JSON is a list of rows (objects)")
        return rows
    if p.suffix.lower() == ".csv":
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as e:
            raise ModelError(f"cannot read {str(p)!r}: {e.strerror}") from None
        return list(csv.DictReader(io.StringIO(text)))
    raise ModelError(f"table {str(p)!r} must be the .json or .csv output of exactmd sweep")


def sweep_series(rows: Sequence[Mapping[str, Any]], x: str, y: str = "value") -> tuple[list[tuple[fmpq, fmpq]], list[tuple[fmpq, str]]]:
    """((x, y) for every row with a value, (x, status) for the others), exact, in the rows' order.

    >>> sweep_series([{"rho": "0", "value": "3/2", "status": "optimal"},
    ...               {"rho": "1/2", "value": "", "status": "infeasible"}], "rho")
    ([(0, 3/2)], [(1/2, 'infeasible')])
    """
    if not rows:
        raise ModelError("the sweep table has no rows")
    for col in (x, y):
        if col not in rows[0]:
            raise ModelError(f"the sweep table has no column {col!r} (columns: {', '.join(rows[0])})")
    pts, other = [], []
    for n, r in enumerate(rows, 1):
        xv, yv = r[x], r[y]
        if not (isinstance(xv, int) and not isinstance(xv, bool)) and not (isinstance(xv, str) and is_rational_string(xv)):
            raise ModelError(f"row {n}: {x}={xv!r} is not an exact number")
        if yv in (None, ""):
            other.append((Q(xv), str(r.get("status", "no value"))))
        elif isinstance(yv, str) and is_rational_string(yv) or isinstance(yv, int) and not isinstance(yv, bool):
            pts.append((Q(xv), Q(yv)))
        else:
            raise ModelError(f"row {n}: {y}={yv!r} is not an exact number")
    return pts, other


def plot_sweep(rows: Sequence[Mapping[str, Any]], x: str, path: str | Path, *, y: str = "value", title: str | None = None) -> Path:
    """Draw value against ``x`` (points joined; exact values labelled; points without a value
    marked on the axis with their status)."""
    check_image_path(path)
    pts, other = sweep_series(rows, x, y)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5.5, 3.8))  # float-ok: drawing coordinates, never a decision
    if pts:
        xs, ys = [float(a) for a, _ in pts], [float(b) for _, b in pts]  # float-ok: drawing only
        ax.plot(xs, ys, marker="o", color="tab:blue", lw=1.2)  # float-ok: line width, drawing only
        if len(pts) <= 25:
            for (a, b), fx, fy in zip(pts, xs, ys):
                ax.annotate(fmt(b), (fx, fy), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7)
    for a, status in other:
        ax.plot([float(a)], [0], marker="x", color="tab:red")  # float-ok: drawing only
        ax.annotate(status, (float(a), 0), textcoords="offset points", xytext=(0, -12), ha="center", fontsize=7,  # float-ok: drawing
                    color="tab:red")
    ax.set_xlabel(_math(x))
    ax.set_ylabel(y)
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    try:
        return save_figure(fig, path, dpi=110)
    finally:
        plt.close(fig)


def allocation_grid(env: Environment, mechanism: Any, x: Any) -> list[list[fmpq]]:
    """``a[j][i]`` = the probability of allocation (outcome) ``x`` at (T1[i], T2[j]), exactly."""
    if env.n != 2:
        raise ModelError(f"an allocation figure needs two agents; {env.name or 'the environment'} has {env.n}")
    xo = env.resolve_outcome(x)
    T1, T2 = env.types
    return [[mechanism.allocation_prob(xo, (t1, t2)) for t1 in T1] for t2 in T2]


def plot_allocation(env: Environment, mechanism: Any, path: str | Path, outcomes: Sequence[Any] | None = None,
                    title: str | None = None) -> Path:
    """One heatmap per allocation (outcome) over the type grid, each cell labelled with its exact probability."""
    check_image_path(path)
    xs = list(env.outcomes) if not outcomes else [env.resolve_outcome(o) for o in outcomes]
    grids = [allocation_grid(env, mechanism, o) for o in xs]
    plt = pyplot()
    T1, T2 = env.types
    fig, axes = plt.subplots(1, len(xs), figsize=(0.6 + 3.6 * len(xs), 3.6), squeeze=False)  # float-ok: drawing
    for ax, o, g in zip(axes[0], xs, grids):
        ax.imshow([[float(v) for v in row] for row in g], origin="lower", cmap="Greens", vmin=0, vmax=1)  # float-ok: drawing
        for j, row in enumerate(g):
            for i, v in enumerate(row):
                ax.text(i, j, fmt(v), ha="center", va="center", fontsize=8, color="white" if v > Q("1/2") else "black")
        ax.set_xticks(range(len(T1)), [label(t) for t in T1])
        ax.set_yticks(range(len(T2)), [label(t) for t in T2])
        ax.set_xlabel(rf"type of {env.agent_name(0)}, $\theta_1$")
        ax.set_ylabel(rf"type of {env.agent_name(1)}, $\theta_2$")
        ax.set_title(f"P[{label(o)}]", fontsize=9)
    fig.suptitle(title or f"{env.name or 'environment'}: probability of each allocation", fontsize=10)
    fig.tight_layout()
    try:
        return save_figure(fig, path, dpi=110)
    finally:
        plt.close(fig)


# ---------------------------------------------------------------------------------
def _sweep_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("table", help="the .json or .csv table of exactmd sweep")
    p.add_argument("--x", required=True, help="the parameter on the horizontal axis (a column of the table)")
    p.add_argument("--y", default="value", help="the column on the vertical axis (default value)")
    p.add_argument("--title", default=None)
    add_output_options(p, default="sweep.png")


def _cmd_sweep(args: argparse.Namespace) -> int:
    check_image_path(args.output)
    out = output_path(args, args.table)
    require_matplotlib()
    assert out is not None
    progress(f"picture written to {plot_sweep(read_sweep_table(args.table), args.x, out, y=args.y, title=args.title)}")
    return 0


def _allocation_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", help="a two-agent environment file (.toml)")
    p.add_argument("--mechanism", default=None, help="a mechanism certificate (exactmd design -o); default: design it")
    p.add_argument("--constraints", default="IC,interim-IR")
    p.add_argument("--objective", default="planner")
    p.add_argument("--sense", default="max", choices=["max", "min"])
    p.add_argument("--outcome", action="append", default=None, help="draw only this allocation (outcome); repeatable")
    add_output_options(p, default="allocation.png")


def _cmd_allocation(args: argparse.Namespace) -> int:
    check_image_path(args.output)
    out = output_path(args, args.env, args.mechanism)
    require_matplotlib()
    env = load_environment(args.env)
    if env.n != 2:
        raise ExactMDError(f"an allocation figure needs two agents; {args.env} has {env.n}")
    if args.mechanism:
        mech = load_mechanism(env, read_json(args.mechanism, "--mechanism"))
        title = None
    else:
        res = optimal_mechanism(env, with_file_cost(args.constraints, args.env), args.objective, sense=args.sense)
        if res.mechanism is None:
            raise ExactMDError(f"{args.env}: no mechanism under {args.constraints} ({res.status}); nothing to draw")
        mech = res.mechanism
        title = f"{env.name or args.env}: {args.sense} {args.objective} under {args.constraints} = {fmt(res.value)}"
    assert out is not None
    progress(f"picture written to {plot_allocation(env, mech, out, args.outcome, title)}")
    return 0


register_command(("plot", "sweep"), help="a sweep's value against a parameter (from exactmd sweep's .json or .csv)",
                 arguments=_sweep_arguments, run=_cmd_sweep, owner="exactmd")
register_command(("plot", "allocation"), help="a mechanism's allocation probabilities on the type grid (two agents)",
                 arguments=_allocation_arguments, run=_cmd_allocation, owner="exactmd")
