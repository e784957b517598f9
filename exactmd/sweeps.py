"""Sweeps: an environment file's design question re-solved, exactly, for every value of its numbers.

``exactmd sweep ENV.toml --param NAME=VALUES [--param ...] [--set PATH=EXPR ...]
--constraints ... --objective ...`` (and :func:`sweep` in Python) replace numbers of the
file (:mod:`exactmd.sweep_params`: paths, values, expressions), solve the design
question of ``exactmd design`` at every point of the grid the ``--param`` values span
(several ``--param`` form a grid, the first varying slowest), and answer with a
:class:`~exactmd.table.Table`:

    point | one column per --param | one per --set | status | value [| certificate]

``status`` is ``optimal``, ``infeasible`` or ``unbounded`` (``feasible`` / ``infeasible``
with ``--feasible``) and ``value`` the exact optimum (empty unless optimal).  Every
point is checked before any LP is solved: a prior that stops summing to 1, a negative
mass or a value the environment refuses is one line naming the parameter and value.
With ``--certificates DIR`` every point's mechanism certificate is written to
``DIR/point-N.json`` (``exactmd verify DIR/*.json`` re-checks each from scratch).  The
jobs run through :func:`exactmd.sweep.run` (``--workers``, ``--scheduler``, progress on
a terminal); the arithmetic is exact, so the table does not depend on where they ran.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flint import fmpq

from .commands import add_output_options, emit, output_path, progress, register_command, sweep_options, write_text
from .constraints import parse_constraints
from .design import feasible_mechanism, optimal_mechanism
from .environment import Environment, read_environment_toml
from .errors import ExactMDError, ModelError
from .families import COST_FAMILIES, BudgetBalanceCost
from .files import check_output_path
from .notebook import Card, Displayable
from .rational import Q, fmt
from .sweep import run
from .sweep_params import MAX_VALUES, Expr, Param, assign, number_at, parse_param, parse_set, path_text
from .table import Column, Table
from .tables import FORMATS, add_table_options, register_columns, register_header, table_options

__all__ = ["MAX_POINTS", "SweepPoint", "SweepResult", "sweep", "format_for"]

#: at most this many points in one sweep (each is an LP)
MAX_POINTS = MAX_VALUES

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "kappa", "lambda", "mu",
          "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}

# a sweep table's header (its columns vary with the parameters): recognised as exactmd's by -o
register_header(r"point,.+,status,value(,certificate)?")
register_header(r"\| point \| .+ \| status \| value( \| certificate)? \|")
register_columns([Column("point"), Column("status"), Column("value")])  # a JSON sweep table starts with "point"


@dataclass(frozen=True)
class SweepPoint:
    """One point: the parameters' values, the numbers written into the file, the answer."""

    index: int
    params: Mapping[str, fmpq]
    numbers: Mapping[str, fmpq]
    status: str
    value: fmpq | None
    certificate: str | None = None


@dataclass(frozen=True)
class SweepResult(Displayable):
    """The points of a sweep, in grid order, and their :class:`~exactmd.table.Table`."""

    file: str
    params: tuple[Param, ...]
    sets: tuple[str, ...]
    question: str
    points: tuple[SweepPoint, ...]
    certificates: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def table(self, caption: str | None = None, label: str | None = None) -> Table:
        cols = [Column("point", "point")]
        for p in self.params:
            cols.append(Column(p.name, p.name, f"${chr(92)}{p.name}$" if p.name in _GREEK else None))
        cols += [Column(s, s) for s in self.sets if s not in {p.name for p in self.params}]
        cols += [Column("status"), Column("value")]
        if self.certificates is not None:
            cols.append(Column("certificate"))
        rows = []
        for pt in self.points:
            r: dict[str, Any] = {"point": pt.index, **pt.params, **pt.numbers, "status": pt.status, "value": pt.value}
            if self.certificates is not None:
                r["certificate"] = pt.certificate
            rows.append(r)
        return Table(cols, rows, caption=caption, label=label)

    def __repr__(self) -> str:
        return f"SweepResult({self.file!r}, {len(self.points)} points of {', '.join(p.name for p in self.params)})"

    def _card(self) -> Card:
        facts: tuple[tuple[str, Any], ...] = (("question", self.question), ("points", len(self.points)),
                                              ("parameters", ", ".join(p.name for p in self.params)))
        if self.certificates is not None:
            facts += (("certificates", self.certificates),)
        return Card(f"sweep of {self.file}", facts, (("", self.table()),))


def _family_list(constraints: Any, body: Mapping[str, Any], file: str) -> list[Any]:
    """The constraint families, the cost families given the (changed) file's [cost] table."""
    items = [s.strip() for s in constraints.split(",") if s.strip()] if isinstance(constraints, str) else list(constraints)
    if not any(isinstance(s, str) and s in COST_FAMILIES for s in items):
        return items
    cost = body.get("cost")
    if not isinstance(cost, Mapping):
        name = next(s for s in items if isinstance(s, str) and s in COST_FAMILIES)
        raise ModelError(f"{name} needs a production cost: the environment file {file!r} has no [cost] table")
    return [BudgetBalanceCost(dict(cost), s) if isinstance(s, str) and s in COST_FAMILIES else s for s in items]


def _solve_point(job: tuple[Any, ...]) -> tuple[str, str | None, str]:
    """One point's answer (top level, so that worker processes can run it): status, value, certificate."""
    body, file, constraints, objective, sense, feasible, method = job
    env = Environment.from_dict(body, source=file)
    fams = _family_list(constraints, body, file)
    if feasible:
        res = feasible_mechanism(env, fams, method=method)
    else:
        res = optimal_mechanism(env, fams, objective, sense=sense, method=method)
    return str(res.status), None if res.value is None else fmt(res.value), res.to_json()


def _point_words(params: Mapping[str, fmpq]) -> str:
    return ", ".join(f"{k}={fmt(v)}" for k, v in params.items())


def sweep(file: str | Path, params: Iterable[str | Param], sets: Iterable[str] = (), *, constraints: Any = "IC,interim-IR",
          objective: str = "planner", sense: str = "max", feasible: bool = False, method: str = "auto",
          certificates: str | Path | None = None, force: bool = False, workers: int | None = None,
          scheduler: str | None = None, progress: bool | None = None) -> SweepResult:
    """Solve the design question of ``file`` at every point of the parameters' grid (module text).

    ``params``: ``"NAME=VALUES"`` strings (or :class:`~exactmd.sweep_params.Param`);
    ``sets``: ``"PATH=EXPR"`` strings.  Everything is checked before the first LP.

    >>> r = sweep("examples/auction-2x3.toml", ["valuation.1.1.\\"3,*\\"=3,4"], constraints="IC,interim-IR",
    ...           objective="revenue")
    >>> [(fmt(p.params['valuation.1.1."3,*"']), p.status, fmt(p.value)) for p in r.points]
    [('3', 'optimal', '2'), ('4', 'optimal', '20/9')]
    """
    file = str(file)
    ps = [p if isinstance(p, Param) else parse_param(p) for p in params]
    if not ps:
        raise ModelError("a sweep needs at least one --param NAME=VALUES")
    names = [p.name for p in ps]
    if len(set(names)) != len(names):
        raise ModelError(f"--param {next(n for n in names if names.count(n) > 1)} is given twice")
    ss = [parse_set(s) for s in sets]
    symbols = {p.name for p in ps if p.path is None}
    for path, ex in ss:
        unknown = sorted(ex.names - symbols)
        if unknown:
            raise ModelError(f"--set {path_text(path)}={ex.text}: {', '.join(unknown)} is no --param name "
                             f"(named parameters: {', '.join(sorted(symbols)) or 'none'})")
    unused = sorted(symbols - set().union(*(ex.names for _, ex in ss))) if ss else sorted(symbols)
    if unused:
        raise ModelError(f"--param {unused[0]} names no number of the file and no --set uses it "
                         "(write a path such as cost.build, or add --set PATH=EXPR)")
    targets = [path_text(p.path) for p in ps if p.path is not None] + [path_text(path) for path, _ in ss]
    if len(set(targets)) != len(targets):
        raise ModelError(f"{next(t for t in targets if targets.count(t) > 1)} is set twice (by --param and --set)")
    n = 1
    for p in ps:
        n *= len(p.values)
        if n > MAX_POINTS:
            raise ModelError(f"the grid of {', '.join(names)} has more than {MAX_POINTS} points")
    parse_constraints([c for c in _split(constraints) if c not in COST_FAMILIES])  # unknown families: one line, now
    if certificates is not None:
        d = Path(certificates)
        if d.exists() and not d.is_dir():
            raise ModelError(f"--certificates {str(d)!r} is a file, not a folder")
        if not d.exists() and not d.parent.is_dir():
            raise ModelError(f"--certificates {str(d)!r}: its folder {str(d.parent)!r} does not exist")
    data = read_environment_toml(file)
    body = data.get("environment", data)
    for p in ps:
        if p.path is not None:
            number_at(body, p.path, file)
    for path, _ in ss:
        number_at(body, path, file)
    width = len(str(n))
    points: list[tuple[dict[str, fmpq], dict[str, fmpq], dict[str, Any]]] = []
    for k, combo in enumerate(itertools.product(*(p.values for p in ps)), 1):
        at = {p.name: v for p, v in zip(ps, combo)}
        values: dict[tuple[str, ...], fmpq] = {p.path: v for p, v in zip(ps, combo) if p.path is not None}
        numbers = {}
        for path, ex in ss:
            values[path] = numbers[path_text(path)] = ex.value(at)
        changed = assign(body, values, file)
        try:
            Environment.from_dict(changed, source=file)
            _family_list(constraints, changed, file)
        except ExactMDError as e:
            raise ModelError(f"at {_point_words(at)}: {e}") from None
        points.append((at, numbers, changed))
    paths: list[Path | None] = [None] * len(points)
    if certificates is not None:
        d = Path(certificates)
        cert_paths: list[Path] = [d / f"point-{k:0{width}d}.json" for k in range(1, len(points) + 1)]
        paths = list(cert_paths)
        if d.is_dir():
            for q in cert_paths:
                check_output_path(q, [file], force=force, option="--certificates")
    jobs = [(changed, file, constraints, objective, sense, feasible, method) for _, _, changed in points]
    answers = run(_solve_point, jobs, workers=workers, scheduler=scheduler, progress=progress, desc="points")
    if certificates is not None:
        Path(certificates).mkdir(exist_ok=True)
    out = []
    for k, ((at, numbers, _), (status, value, cert), cpath) in enumerate(zip(points, answers, paths), 1):
        if cpath is not None:
            write_text(cpath, cert + "\n")
        out.append(SweepPoint(k, at, numbers, status, None if value is None else Q(value),
                              None if cpath is None else cpath.name))
    return SweepResult(file, tuple(ps), tuple(path_text(path) for path, _ in ss), "feasible" if feasible else "optimal",
                       tuple(out), None if certificates is None else str(certificates),
                       {"constraints": constraints, "objective": None if feasible else objective, "sense": sense})


def _split(constraints: Any) -> list[Any]:
    return [s.strip() for s in constraints.split(",") if s.strip()] if isinstance(constraints, str) else list(constraints)


# ---------------------------------------------------------------------------------
# the command
_SUFFIX = {".csv": "csv", ".md": "markdown", ".tex": "latex", ".json": "json"}


def format_for(fmt_: str | None, output: str | None) -> str:
    """``--format``, or the one ``-o``'s suffix names (.csv .md .tex .json), else markdown."""
    if fmt_ is not None:
        return fmt_
    return _SUFFIX.get(Path(output).suffix.lower(), "markdown") if output else "markdown"


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("env", help="an environment file (.toml)")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUES", required=True,
                   help="a number of the file (prior.joint.\"H,H\", cost.build, valuation.buyer.trade.\"5,*\") or a "
                        "name for --set, and its exact values: 0,1/4,1/2 or START:STOP:STEP (repeat for a grid)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=EXPR",
                   help="a number of the file as an expression of named parameters, e.g. 'prior.joint.\"H,H\"=(1+rho)/4'")
    p.add_argument("--constraints", default="IC,interim-IR", help="comma-separated families (as for design)")
    p.add_argument("--objective", default="planner", help="planner | welfare | revenue | agent:NAME")
    p.add_argument("--sense", default="max", choices=["max", "min"])
    p.add_argument("--feasible", action="store_true", help="only ask, at each point, whether a mechanism exists")
    p.add_argument("--method", choices=["auto", "exact", "hint"], default="auto")
    p.add_argument("--certificates", metavar="DIR", default=None,
                   help="write every point's certificate to DIR/point-N.json (exactmd verify re-checks them)")
    p.add_argument("--workers", type=int, default=None, help="local worker processes (default: serial)")
    p.add_argument("--scheduler", default=None, help="a Dask scheduler address (needs exactmd[distributed])")
    add_table_options(p, default=None)
    add_output_options(p, "write the table here (its suffix .csv .md .tex .json sets the format)")


def _run(args: argparse.Namespace) -> int:
    opts = sweep_options(args)
    args.format = format_for(args.format, args.output)
    if args.format not in FORMATS:
        raise ExactMDError(f"--format {args.format!r} must be one of {', '.join(FORMATS)}")
    out = output_path(args, args.env)
    res = sweep(args.env, args.param, args.set, constraints=args.constraints, objective=args.objective, sense=args.sense,
                feasible=args.feasible, method=args.method, certificates=args.certificates, force=args.force, **opts)
    what = "whether a mechanism exists" if args.feasible else f"{args.sense} {args.objective}"
    caption = f"{Path(args.env).name}: {what} under {args.constraints}, for each value of {', '.join(p.name for p in res.params)}"
    if args.certificates:
        progress(f"{len(res.points)} certificates written to {args.certificates} (check them with: exactmd verify "
                 f"{args.certificates}/*.json)")
    table = res.table()
    o = table_options(args, caption=caption)
    return emit(Table(table.columns, table.rows, caption=o.pop("caption"), label=o.pop("label")).render(args.format, **o), out)


register_command(("sweep",), help="re-solve an environment file's design for every value of its numbers (a table)",
                 arguments=_arguments, run=_run, owner="exactmd")
