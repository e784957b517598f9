"""A small exact modelling layer: named variables, linear expressions, labelled rows.

Conventions: bounds default to ``[0, ∞)``; ``None`` is an infinite bound; every number
goes through :func:`exactmd.rational.Q` (floats are refused); rows keep the names you
give them (``IC[agent 1: 3/5 -> 2/5]``) all the way into certificates.  ``to_problem()``
gives the ``problem`` object of the certificate format, ``solve()`` an
:class:`~exactmd.lp.solution.LPResult` whose certificate has been verified.

>>> m = Model("max")
>>> x, y = m.var("x"), m.var("y")
>>> _ = m.add(x + 2 * y <= 4, name="c0")
>>> _ = m.add(3 * x + y <= 6, name="c1")
>>> m.set_objective(x + y)
>>> r = m.solve()
>>> r.status.value, r.value, r.primal["x"], r.dual["c0"]
('optimal', 14/5, 8/5, 2/5)
>>> m.var("x")
Traceback (most recent call last):
...
exactmd.errors.LPError: variable 'x' is defined twice
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from ..errors import LPError
from ..rational import Q, fmt
from .exact import parse_problem
from .solution import LPResult, solve_problem

__all__ = ["Model", "Var", "LinExpr", "Constraint", "StrictResult", "strict_feasibility"]

#: An objective constant c is the fixed variable ``_objective_constant`` ∈ [1, 1] with
#: objective coefficient c, so that certificates stay constant-free and the optimal
#: value includes c (the LP and MPS readers use the same convention).
OBJECTIVE_CONSTANT = "_objective_constant"


class LinExpr:
    """Σ coeff·var + constant, exact."""

    __slots__ = ("terms", "const")

    def __init__(self, terms: Mapping[str, fmpq] | None = None, const: Any = 0) -> None:
        self.terms: dict[str, fmpq] = dict(terms or {})
        self.const = Q(const)

    @staticmethod
    def of(x: Any) -> "LinExpr":
        if isinstance(x, LinExpr):
            return x
        return LinExpr({}, Q(x))

    def __add__(self, other: Any) -> "LinExpr":
        o = LinExpr.of(other)
        t = dict(self.terms)
        for v, c in o.terms.items():
            t[v] = t.get(v, fmpq(0)) + c
        return LinExpr({v: c for v, c in t.items() if c != 0}, self.const + o.const)

    __radd__ = __add__

    def __neg__(self) -> "LinExpr":
        return LinExpr({v: -c for v, c in self.terms.items()}, -self.const)

    def __sub__(self, other: Any) -> "LinExpr":
        return self + (-LinExpr.of(other))

    def __rsub__(self, other: Any) -> "LinExpr":
        return LinExpr.of(other) - self

    def __mul__(self, k: Any) -> "LinExpr":
        if isinstance(k, LinExpr):
            raise LPError("the product of two expressions is not linear")
        q = Q(k)
        return LinExpr({v: c * q for v, c in self.terms.items() if c * q != 0}, self.const * q)

    __rmul__ = __mul__

    def __truediv__(self, k: Any) -> "LinExpr":
        q = Q(k)
        if q == 0:
            raise LPError("division of an expression by 0")
        return self * (1 / q)

    def _rel(self, other: Any, op: str) -> "Constraint":
        d = self - LinExpr.of(other)
        return Constraint(dict(d.terms), op, -d.const)

    def __le__(self, other: Any) -> "Constraint":
        return self._rel(other, "<=")

    def __ge__(self, other: Any) -> "Constraint":
        return self._rel(other, ">=")

    def __eq__(self, other: Any) -> "Constraint":  # type: ignore[override]
        return self._rel(other, "==")

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = [f"{fmt(c)}*{v}" for v, c in self.terms.items()]
        if self.const != 0 or not parts:
            parts.append(fmt(self.const))
        return " + ".join(parts)


class Var(LinExpr):
    """A named variable (an expression with one term)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        super().__init__({name: fmpq(1)}, 0)
        self.name = name


@dataclass(frozen=True)
class Constraint:
    """``Σ coeffs·x (op) rhs`` before it is added to a model (with a name)."""

    coeffs: dict[str, fmpq]
    op: str
    rhs: fmpq


class Model:
    """An exact LP under construction; see the module docstring."""

    def __init__(self, sense: str = "max") -> None:
        if sense not in ("max", "min"):
            raise LPError(f"sense={sense!r} must be 'max' or 'min'")
        self.sense = sense
        self._vars: dict[str, tuple[fmpq | None, fmpq | None]] = {}
        self._rows: list[tuple[str, dict[str, fmpq], str, fmpq]] = []
        self._names: set[str] = set()
        self._obj: dict[str, fmpq] = {}
        self._obj_const = fmpq(0)

    def var(self, name: str, lb: Any = 0, ub: Any = None) -> Var:
        """Add a variable with bounds ``lb ≤ x ≤ ub`` (None: infinite)."""
        if not isinstance(name, str) or not name:
            raise LPError(f"variable name {name!r} must be a non-empty string")
        if name == OBJECTIVE_CONSTANT:
            raise LPError(f"the variable name {name!r} is reserved for the objective's constant")
        if name in self._vars:
            raise LPError(f"variable {name!r} is defined twice")
        lo = None if lb is None else Q(lb, name=f"lower bound of {name!r}")
        hi = None if ub is None else Q(ub, name=f"upper bound of {name!r}")
        if lo is not None and hi is not None and lo > hi:
            raise LPError(f"variable {name!r} has lower bound {fmt(lo)} > upper bound {fmt(hi)}")
        self._vars[name] = (lo, hi)
        return Var(name)

    def add(self, c: Constraint, name: str | None = None) -> str:
        """Add a row built with ``<=``, ``>=`` or ``==``; returns its name (by default
        ``c{k}``, the first k ≥ the number of rows that is not taken)."""
        if not isinstance(c, Constraint):
            raise LPError(f"{c!r} is not a constraint (build it with <=, >= or ==)")
        if name is None:
            k = len(self._rows)
            while f"c{k}" in self._names:
                k += 1
            name = f"c{k}"
        return self.add_row(name, c.coeffs, c.op, c.rhs)

    def add_row(self, name: str, coeffs: Mapping[str, Any], op: str, rhs: Any) -> str:
        """Add ``Σ coeffs[v]·v (op) rhs`` under ``name``."""
        if name in self._names:
            raise LPError(f"two rows are named {name!r}")
        if op not in ("<=", ">=", "=="):
            raise LPError(f"op {op!r} in row {name!r} must be one of '<=', '>=', '=='")
        co: dict[str, fmpq] = {}
        for v, a in coeffs.items():
            if v not in self._vars:
                raise LPError(f"row {name!r} uses unknown variable {v!r}")
            q = Q(a, name=f"coefficient of {v!r} in row {name!r}")
            if q != 0:
                co[v] = q
        self._rows.append((name, co, op, Q(rhs, name=f"rhs of row {name!r}")))
        self._names.add(name)
        return name

    def rows(self) -> list[tuple[str, dict[str, fmpq], str, fmpq]]:
        """The rows ``(name, coefficients, op, rhs)`` in the order they were added (copies)."""
        return [(n, dict(co), op, b) for n, co, op, b in self._rows]

    def variable_names(self) -> list[str]:
        """The variables' names, in the order they were declared."""
        return list(self._vars)

    def drop_rows(self, prefix: str) -> int:
        """Remove every row whose name starts with ``prefix``; returns how many."""
        kept = [r for r in self._rows if not r[0].startswith(prefix)]
        n = len(self._rows) - len(kept)
        self._rows = kept
        self._names = {r[0] for r in kept}
        return n

    def set_objective(self, expr: Any) -> None:
        """The objective; a constant in it is kept (see ``OBJECTIVE_CONSTANT``)."""
        e = LinExpr.of(expr)
        for v in e.terms:
            if v not in self._vars:
                raise LPError(f"the objective uses unknown variable {v!r}")
        self._obj = dict(e.terms)
        self._obj_const = Q(e.const, name="the objective's constant")

    def maximize(self, expr: Any) -> None:
        self.sense = "max"
        self.set_objective(expr)

    def minimize(self, expr: Any) -> None:
        self.sense = "min"
        self.set_objective(expr)

    def to_problem(self) -> dict[str, Any]:
        """The certificate ``problem`` object (numbers as ``"p/q"`` strings)."""
        variables = {v: [None if lo is None else fmt(lo), None if hi is None else fmt(hi)] for v, (lo, hi) in self._vars.items()}
        objective = {v: fmt(c) for v, c in self._obj.items()}
        if self._obj_const != 0:
            variables[OBJECTIVE_CONSTANT] = ["1", "1"]
            objective[OBJECTIVE_CONSTANT] = fmt(self._obj_const)
        return {
            "sense": self.sense,
            "variables": variables,
            "objective": objective,
            "constraints": [{"name": n, "coeffs": {v: fmt(a) for v, a in co.items()}, "op": op, "rhs": fmt(b)} for n, co, op, b in self._rows],
        }

    @classmethod
    def from_problem(cls, d: Mapping[str, Any]) -> "Model":

        sense, names, lo, hi, obj, rows = parse_problem(d)  # validates
        m = cls(sense)
        const = None
        for k, v in enumerate(names):
            if v == OBJECTIVE_CONSTANT and lo[k] == 1 and hi[k] == 1:
                const = k
                continue
            m.var(v, lo[k], hi[k])
        for name, co, op, b in rows:
            if const in co:
                raise LPError(f"row {name!r} uses {OBJECTIVE_CONSTANT!r}, which is reserved for the objective's constant")
            m.add_row(name, {names[j]: a for j, a in co.items()}, op, b)
        m._obj = {names[j]: c for j, c in obj.items() if j != const}
        m._obj_const = obj.get(const, fmpq(0)) if const is not None else fmpq(0)
        return m

    def solve(self, *, method: str | None = None, max_pivots: int | None = None, time_limit: float | None = None,  # float-ok: wall clock
              trace: Callable[[str], None] | None = None) -> LPResult:
        """Solve exactly (``method`` as in :func:`~exactmd.lp.solve_problem`)."""
        return solve_problem(self.to_problem(), method=method, max_pivots=max_pivots, time_limit=time_limit, trace=trace)


@dataclass(frozen=True)
class StrictResult:
    """``holds`` iff the strict rows can all hold strictly; ``slack`` the largest common slack (≤ cap)."""

    holds: bool
    slack: fmpq | None
    result: LPResult


def strict_feasibility(model: Model, strict_rows: Iterable[str], *, cap: Any = 1) -> StrictResult:
    """Decide whether the model's rows hold with the named ``<=``/``>=`` rows *strictly*.

    A fresh variable ``_slack`` ∈ [0, cap] is added to each strict row (a·x + s ≤ b,
    resp. a·x − s ≥ b) and maximised.  The rows can hold strictly iff the maximum is
    > 0 — an exact comparison with 0, certified by the LP's dual (or Farkas)
    certificate.  ``cap`` keeps the LP bounded; any positive cap decides the question.
    """
    p = model.to_problem()
    strict = set(strict_rows)
    known = {r["name"] for r in p["constraints"]}
    for name in strict:
        if name not in known:
            raise LPError(f"strict row {name!r} is not a row of the model")
    if "_slack" in p["variables"]:
        raise LPError("the model already has a variable named '_slack'")
    capq = Q(cap, name="cap")
    if capq <= 0:
        raise LPError(f"cap={fmt(capq)} must be positive")
    p["variables"]["_slack"] = ["0", fmt(capq)]
    for r in p["constraints"]:
        if r["name"] in strict:
            if r["op"] == "==":
                raise LPError(f"row {r['name']!r} is an equation; it cannot hold strictly")
            r["coeffs"]["_slack"] = "1" if r["op"] == "<=" else "-1"
    p["sense"] = "max"
    p["objective"] = {"_slack": "1"}
    res = solve_problem(p)
    if res.status.value != "optimal":
        return StrictResult(False, None, res)
    value = res.value
    assert value is not None  # an optimal result carries its value
    return StrictResult(value > 0, value, res)
