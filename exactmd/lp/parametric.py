"""Exact parametric linear programming in one rational parameter λ.

The LP (CERTIFICATES.md conventions, ``max`` or ``min``)

    opt  c(λ)·x   subject to   a_r(λ)·x (op_r) b_r(λ),   l ≤ x ≤ u,

has data affine in λ: c(λ) = c⁰ + λc¹, a_r(λ) = a_r⁰ + λa_r¹, b_r(λ) = b_r⁰ + λb_r¹; the
bounds l, u are constants.  This covers (a) an objective c + λd (the value is then
piecewise affine and convex for ``max``), (b) right-hand sides b + λe (piecewise affine,
concave for ``max``) and (c) a matrix that moves with λ, as a prior mixture
p_λ = (1 − λ)p₀ + λp₁ does in a mechanism LP (:mod:`exactmd.parametric`): the value is
then piecewise *rational* in λ and the breakpoints may be irrational algebraic numbers
(:class:`~exactmd.lp.algebraic.Real`).

**Bases as functions of λ.**  With a row variable s_r = a_r(λ)·x bounded by its row, a
basis B (m columns of [A(λ) | −I]) and the nonbasic variables at their bounds w_N(λ),
Cramer's rule gives x_B(λ) = N_x(λ)/D(λ) and duals y(λ) = N_y(λ)/D(λ) with polynomials
D = det B(λ) / g, N_x, N_y (g a common factor) of degree ≤ k, the number of basic
columns that depend on λ.  They are computed by exact solves at k + 2 rational points
and interpolation (exact: the degree bound is a theorem), and reduced.  The basis is
optimal at λ iff D(λ) ≠ 0 and every *condition polynomial* is ≥ 0 there:
(N_j − l_j D)·D and (u_j D − N_j)·D for the basic j; ∓(reduced cost numerator)·D for the
nonbasic ones (at the lower bound the reduced cost must be ≤ 0 in the max form, at the
upper ≥ 0, free: = 0).  The set where it holds is a union of intervals whose ends are
real roots of these polynomials, found exactly (Sturm sequences).

**The method.**  From the left end λ_lo, an optimal basis at a rational point r (the
exact LP solve of :func:`~exactmd.lp.solve_problem`, with the float hint where it is
used, read off as a basis from its primal and dual) is extended to its maximal interval
[α, β] ∋ r; then the search continues just right of β (a rational point between β and
the next root of the basis's polynomials), and any gap left between two intervals is
filled the same way, until [λ_lo, λ_hi] is covered.  This is the parametric simplex
with each "pivot" made by an exact re-solve at a point of the next piece; the pieces
and their certificates are the same.  A breakpoint at which both neighbouring bases are
singular is decided by an exact solve there when it is rational, and reported as
undecided otherwise.

Supported: optimal pieces, with one certified basis each.  A rational λ in the interval
at which the LP is infeasible or unbounded is refused with a message naming it (the
certificate of that LP says why); pieces of infeasibility or unboundedness are not
computed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flint import fmpq, fmpq_mat, fmpq_poly

from ..errors import BudgetExceededError, LPError
from ..rational import Q, fmt
from .algebraic import Real, between, poly_str, poly_to_json, real_roots, sign_at
from .exact import parse_problem
from .parametric_check import PARAMETRIC_FORMAT
from .solution import solve_problem

__all__ = ["ParametricProblem", "ParametricResult", "Piece", "PointStatus", "solve_parametric", "PARAMETRIC_FORMAT"]

MAX_SOLVES = 2000  # exact solves before the analysis gives up (BudgetExceededError)

Pair = tuple[fmpq, fmpq]  # (v⁰, v¹): the affine function v⁰ + λ v¹
ZERO = fmpq(0)


def _aff(p: Pair) -> fmpq_poly:
    return fmpq_poly([p[0], p[1]])


@dataclass(frozen=True)
class ParametricProblem:
    """An LP whose objective, matrix and right-hand sides are affine in λ (bounds constant).

    ``obj[j]``, ``rows[r][1][j]`` and ``rows[r][3]`` are pairs (v⁰, v¹) meaning v⁰ + λv¹."""

    sense: str
    names: list[str]
    lo: list[fmpq | None]
    hi: list[fmpq | None]
    obj: dict[int, Pair]
    rows: list[tuple[str, dict[int, Pair], str, Pair]]

    @classmethod
    def affine(cls, at: Callable[[fmpq], Mapping[str, Any]], points: Sequence[Any] = ("1/3", "2/3"), check: Any = "1/2",
               what: str = "the LP") -> "ParametricProblem":
        """The parametric LP through the problem dicts ``at(λ)`` at two points, refused (naming the
        first entry that differs) unless ``at(check)`` is its value there — an exact test that
        the data are affine in λ (necessary; :func:`exactmd.parametric` proves it for mixtures)."""
        l1, l2, l3 = (Q(x) for x in (*points, check))
        s1, n1, lo1, hi1, o1, r1 = parse_problem(at(l1))
        s2, n2, lo2, hi2, o2, r2 = parse_problem(at(l2))
        if s1 != s2 or n1 != n2 or lo1 != lo2 or hi1 != hi2 or [r[0] for r in r1] != [r[0] for r in r2] or [r[2] for r in r1] != [r[2] for r in r2]:
            raise LPError(f"{what} at λ = {fmt(l1)} and λ = {fmt(l2)} differ in their variables, bounds or rows; "
                          "only the coefficients may depend on λ")
        h = l2 - l1

        def fit(u: fmpq, v: fmpq) -> Pair:
            slope = (v - u) / h
            return (u - l1 * slope, slope)

        def dfit(d1: Mapping[int, fmpq], d2: Mapping[int, fmpq]) -> dict[int, Pair]:
            return {j: fit(d1.get(j, ZERO), d2.get(j, ZERO)) for j in sorted(set(d1) | set(d2))}

        pp = cls(s1, n1, lo1, hi1, dfit(o1, o2),
                 [(a[0], dfit(a[1], b[1]), a[2], fit(a[3], b[3])) for a, b in zip(r1, r2)])
        third = at(l3)
        s3, n3, lo3, hi3, o3, r3 = parse_problem(third)
        mine = parse_problem(pp.at(l3))
        if (s3, n3, lo3, hi3) != mine[:4] or o3 != mine[4] or r3 != mine[5]:
            bad = next((r[0] for r, s in zip(r3, mine[5]) if r != s), "the objective")
            raise LPError(f"{what} is not affine in λ: at λ = {fmt(l3)} {bad} is not the interpolation of λ = {fmt(l1)} and {fmt(l2)}")
        return pp

    def at(self, lam: Any) -> dict[str, Any]:
        """The LP at λ (an ``exactmd-lp-problem/1`` dict)."""
        t = Q(lam)
        ev = lambda p: p[0] + t * p[1]  # noqa: E731
        return {
            "sense": self.sense,
            "variables": {v: [None if self.lo[k] is None else fmt(self.lo[k]), None if self.hi[k] is None else fmt(self.hi[k])]
                          for k, v in enumerate(self.names)},
            "objective": {self.names[j]: fmt(ev(p)) for j, p in self.obj.items() if ev(p) != 0},
            "constraints": [{"name": n, "coeffs": {self.names[j]: fmt(ev(p)) for j, p in co.items() if ev(p) != 0},
                             "op": op, "rhs": fmt(ev(b))} for n, co, op, b in self.rows],
        }

    def to_json(self) -> dict[str, Any]:
        pair = lambda p: [fmt(p[0]), fmt(p[1])]  # noqa: E731
        return {
            "sense": self.sense,
            "variables": {v: [None if self.lo[k] is None else fmt(self.lo[k]), None if self.hi[k] is None else fmt(self.hi[k])]
                          for k, v in enumerate(self.names)},
            "objective": {self.names[j]: pair(p) for j, p in self.obj.items()},
            "constraints": [{"name": n, "coeffs": {self.names[j]: pair(p) for j, p in co.items()}, "op": op, "rhs": pair(b)}
                            for n, co, op, b in self.rows],
        }


# --------------------------------------------------------------------------- bases
@dataclass
class _Basis:
    """Basic columns (j < n structural, n + r the row variable of row r) and the nonbasic
    columns at their upper bound."""

    basic: list[int]
    upper: frozenset[int]


@dataclass
class _Analysis:
    basis: _Basis
    D: fmpq_poly
    Nx: dict[int, fmpq_poly]  # basic column -> numerator
    Ny: list[fmpq_poly]
    V: fmpq_poly  # value numerator in the problem's own sense
    conditions: list[tuple[str, fmpq_poly]]  # each must be ≥ 0 where the basis is used


class _Std:
    """The LP over w = (x, s), A(λ)x − s = 0, maximising sign·c(λ)·x."""

    def __init__(self, pp: ParametricProblem) -> None:
        self.pp = pp
        self.n, self.m = len(pp.names), len(pp.rows)
        self.sign = 1 if pp.sense == "max" else -1
        self.cols: list[dict[int, Pair]] = [{} for _ in range(self.n)]
        for r, (_, co, _, _) in enumerate(pp.rows):
            for j, p in co.items():
                self.cols[j][r] = p
        self.moving = [any(p[1] != 0 for p in c.values()) for c in self.cols]

    def bounds(self, j: int) -> tuple[fmpq_poly | None, fmpq_poly | None]:
        if j < self.n:
            lo, hi = self.pp.lo[j], self.pp.hi[j]
            return (None if lo is None else fmpq_poly([lo]), None if hi is None else fmpq_poly([hi]))
        _, _, op, b = self.pp.rows[j - self.n]
        bp = _aff(b)
        return (bp if op in (">=", "==") else None, bp if op in ("<=", "==") else None)

    def cost(self, j: int) -> fmpq_poly:
        if j >= self.n:
            return fmpq_poly([])
        p = self.pp.obj.get(j)
        return fmpq_poly([]) if p is None else self.sign * _aff(p)

    def nonbasic_value(self, j: int, upper: bool) -> fmpq_poly:
        lo, hi = self.bounds(j)
        if upper and hi is not None:
            return hi
        if lo is not None:
            return lo
        return hi if hi is not None else fmpq_poly([])

    def col_at(self, j: int, t: fmpq) -> dict[int, fmpq]:
        if j >= self.n:
            return {j - self.n: fmpq(-1)}
        return {r: p[0] + t * p[1] for r, p in self.cols[j].items()}


def _basis_at(std: _Std, t: fmpq, res: Any) -> _Basis:
    """An optimal basis at λ = t read off the exact optimum (x, y): every column strictly
    inside its bounds is basic; the rest of the basis is completed by columns of zero
    reduced cost (y is a basic dual solution, so they span), preferring structural ones."""
    n, m = std.n, std.m
    names = std.pp.names
    x = [res.primal[v] for v in names]
    y = [std.sign * res.dual[r[0]] for r in std.pp.rows]
    w = x + [ZERO] * m
    for r, (_, co, _, _) in enumerate(std.pp.rows):
        w[n + r] = sum(((p[0] + t * p[1]) * x[j] for j, p in co.items()), ZERO)
    must, cand, upper = [], [], set()
    for j in range(n + m):
        lo, hi = std.bounds(j)
        lv = None if lo is None else lo(t)
        hv = None if hi is None else hi(t)
        inside = (lv is None or w[j] > lv) and (hv is None or w[j] < hv)
        if j < n:
            d = std.cost(j)(t) - sum((a * y[r] for r, a in std.col_at(j, t).items()), ZERO)
        else:
            d = y[j - n]
        if inside and not (lv is None and hv is None and w[j] == 0):
            must.append(j)
        elif d == 0:
            cand.append(j)
        if not inside and hv is not None and w[j] == hv and lv != hv:
            upper.add(j)
    order = must + cand
    M = fmpq_mat(m, len(order))
    for k, j in enumerate(order):
        for r, a in std.col_at(j, t).items():
            M[r, k] = a
    R, rank = M.rref()
    if rank < m:
        raise LPError(f"λ = {fmt(t)}: the exact optimum is not a basic solution (rank {rank} < {m}); no basis to continue from")
    basic, k = [], 0
    for i in range(m):
        while R[i, k] == 0:
            k += 1
        basic.append(order[k])
    if any(j not in basic for j in must):
        raise LPError(f"λ = {fmt(t)}: the exact optimum is not a vertex; no basis to continue from")
    return _Basis(sorted(basic), frozenset(upper - set(basic)))


def _interpolate(xs: list[fmpq], Y: fmpq_mat) -> list[fmpq_poly]:
    """The polynomials of degree < len(xs) through the columns of Y (rows: points)."""
    k = len(xs)
    V = fmpq_mat(k, k)
    for i, t in enumerate(xs):
        v = fmpq(1)
        for j in range(k):
            V[i, j] = v
            v *= t
    C = V.solve(Y)
    return [fmpq_poly([C[i, c] for i in range(k)]) for c in range(Y.ncols())]


def _analyse(std: _Std, basis: _Basis) -> _Analysis:
    """The rational functions of a basis and its condition polynomials (see the module docstring)."""
    n, m = std.n, std.m
    B = basis.basic
    pos = {j: i for i, j in enumerate(B)}
    k = sum(1 for j in B if j < n and std.moving[j])
    need = k + 2
    nonbasic = [j for j in range(n + m) if j not in pos]
    wN = {j: std.nonbasic_value(j, j in basis.upper) for j in nonbasic}
    xs: list[fmpq] = []
    rows_y: list[list[fmpq]] = []
    t_int = 0
    while len(xs) < need:
        t = fmpq(t_int)
        t_int = -t_int if t_int > 0 else -t_int + 1
        Bt = fmpq_mat(m, m)
        for i, j in enumerate(B):
            for r, a in std.col_at(j, t).items():
                Bt[r, i] = a
        det = Bt.det()
        if det == 0:
            if len(xs) + abs(t_int) > 4 * need + 20:
                raise LPError("a basis of the parametric LP is singular at every sample point")
            continue
        rhs = fmpq_mat(m, 1)
        for j in nonbasic:
            v = wN[j](t)
            if v != 0:
                for r, a in std.col_at(j, t).items():
                    rhs[r, 0] -= a * v
        cb = fmpq_mat(m, 1)
        for i, j in enumerate(B):
            cb[i, 0] = std.cost(j)(t)
        zx = Bt.solve(rhs)
        zy = Bt.transpose().solve(cb)
        xs.append(t)
        rows_y.append([det] + [det * zx[i, 0] for i in range(m)] + [det * zy[r, 0] for r in range(m)])
    Y = fmpq_mat(need, 1 + 2 * m)
    for i, row in enumerate(rows_y):
        for c, v in enumerate(row):
            Y[i, c] = v
    polys = _interpolate(xs, Y)
    D, nx, ny = polys[0], polys[1:1 + m], polys[1 + m:]
    g = D
    for p in nx + ny:
        if g.degree() <= 0:
            break
        g = g.gcd(p)
    if g.degree() > 0:
        D = divmod(D, g)[0]
        nx = [divmod(p, g)[0] for p in nx]
        ny = [divmod(p, g)[0] for p in ny]
    lc = D.leading_coefficient() if hasattr(D, "leading_coefficient") else fmpq(D.coeffs()[-1])
    D, nx, ny = D / lc, [p / lc for p in nx], [p / lc for p in ny]
    Nx = {j: nx[i] for i, j in enumerate(B)}
    conds: list[tuple[str, fmpq_poly]] = []
    names = std.pp.names
    label = lambda j: names[j] if j < n else f"row {std.pp.rows[j - n][0]}"  # noqa: E731
    for j in B:
        lo, hi = std.bounds(j)
        if lo is not None:
            conds.append((f"{label(j)} ≥ its lower bound", (Nx[j] - lo * D) * D))
        if hi is not None:
            conds.append((f"{label(j)} ≤ its upper bound", (hi * D - Nx[j]) * D))
    V = fmpq_poly([])
    for j in B:
        V += std.cost(j) * Nx[j]
    for j in nonbasic:
        cj = std.cost(j)
        if not cj.is_zero():
            V += cj * wN[j] * D
        dD = _reduced_numerator(std, j, D, ny)
        lo, hi = std.bounds(j)
        if lo is not None and hi is not None and lo == hi:
            continue
        if j in basis.upper:
            conds.append((f"reduced cost of {label(j)} (at its upper bound) ≥ 0", dD * D))
        elif lo is not None:
            conds.append((f"reduced cost of {label(j)} (at its lower bound) ≤ 0", -dD * D))
        else:
            conds.append((f"reduced cost of free {label(j)} = 0", dD * D))
            conds.append((f"reduced cost of free {label(j)} = 0", -dD * D))
    return _Analysis(basis, D, Nx, ny, std.sign * V, conds)


def _reduced_numerator(std: _Std, j: int, D: fmpq_poly, ny: list[fmpq_poly]) -> fmpq_poly:
    """D·d_j: d_j = c_j − y·a_j for a structural column, y_r for the row variable s_r (column −e_r)."""
    if j >= std.n:
        return ny[j - std.n]
    out = std.cost(j) * D
    for r, p in std.cols[j].items():
        out -= _aff(p) * ny[r]
    return out


# --------------------------------------------------------------------------- intervals
def _first_bad(q: fmpq_poly, start: Real, stop: Real, right: bool) -> Real | None:
    """The first point beyond ``start`` (towards ``stop``) after which q < 0, or None if q ≥ 0 on
    the whole open stretch (q(start) ≥ 0 is given)."""
    if q.degree() < 1:
        return None if q.is_zero() or q.coeffs()[0] > 0 else start
    lo, hi = (start, stop) if right else (stop, start)
    roots = [r for r in real_roots(q, lo, hi) if r != start]
    if not right:
        roots.reverse()
    pts = [start] + roots + [stop]
    for u, v in zip(pts, pts[1:]):
        if u == v:
            continue
        mid = between(u, v) if right else between(v, u)
        if q(mid) < 0:
            return u
    return None


def _reach(an: _Analysis, t: fmpq, lo: Real, hi: Real) -> tuple[Real, Real]:
    """The maximal interval [α, β] ∋ t within [lo, hi] on which the basis's conditions hold and
    D has no root (except possibly α or β themselves)."""
    here = Real.of(t)
    ends = []
    for right, stop in ((True, hi), (False, lo)):
        best = stop
        if an.D.degree() > 0:
            rs = [r for r in real_roots(an.D, lo if not right else here, here if not right else hi) if r != here]
            if rs:
                best = rs[0] if right else rs[-1]
        for _, q in an.conditions:
            if (right and best <= here) or (not right and best >= here):
                break
            bad = _first_bad(q, here, best, right)
            if bad is not None and ((right and bad < best) or (not right and bad > best)):
                best = bad
        ends.append(best)
    return ends[1], ends[0]


def _next_root(an: _Analysis, x: Real, hi: Real) -> Real:
    """The smallest root > x of the basis's polynomials in (x, hi], or hi."""
    best = hi
    for q in [an.D] + [q for _, q in an.conditions]:
        if q.degree() > 0:
            for r in real_roots(q, x, best):
                if r > x:
                    if r < best:
                        best = r
                    break
    return best


# --------------------------------------------------------------------------- results
@dataclass
class Piece:
    """One basis, optimal for every λ in [lo, hi] (an end is included iff ``closed`` says so;
    ``lo == hi`` for a basis found optimal at a single point)."""

    lo: Real
    hi: Real
    closed: tuple[bool, bool]
    analysis: _Analysis
    value: tuple[fmpq_poly, fmpq_poly]  # reduced numerator, denominator (monic)
    basic_names: list[str] = field(default_factory=list)

    def value_str(self, var: str = "λ") -> str:
        num, den = self.value
        if den.degree() == 0:
            return poly_str(num, var)
        return f"({poly_str(num, var)}) / ({poly_str(den, var)})"

    def value_at(self, t: Any) -> fmpq:
        num, den = self.value
        q = Q(t)
        return num(q) / den(q)

    def interval_str(self) -> str:
        if self.lo == self.hi:
            return f"{{{self.lo}}}"
        return ("[" if self.closed[0] else "(") + f"{self.lo}, {self.hi}" + ("]" if self.closed[1] else ")")


@dataclass
class PointStatus:
    """The status at a breakpoint: ``optimal`` (value exact; ``by``: which evidence) or ``undecided``."""

    at: Real
    status: str
    value: fmpq | None
    by: str
    kind: str  # "value changes", "value continuous, formula changes", "basis change only"
    lp: dict[str, Any] | None = None
    formula: str = ""  # the value's formula, when the point is irrational


@dataclass
class ParametricResult:
    """The optimal value of a parametric LP on [lo, hi] as pieces, with breakpoint statuses."""

    problem: ParametricProblem
    lo: fmpq
    hi: fmpq
    pieces: list[Piece]
    points: list[PointStatus]
    solves: int
    parameter: str = "λ"

    def value_at(self, t: Any) -> fmpq:
        """The optimal value at rational λ = t, from the pieces."""
        x = Real.of(t)
        for pc in self.pieces:
            inside = (pc.lo < x < pc.hi) or (pc.closed[0] and x == pc.lo) or (pc.closed[1] and x == pc.hi)
            if inside:
                return pc.value_at(t)
        for pt in self.points:
            if pt.at == x and pt.value is not None:
                return pt.value
        raise LPError(f"λ = {fmt(Q(t))} is not decided by this analysis (outside [{fmt(self.lo)}, {fmt(self.hi)}] or undecided)")

    def breakpoints(self) -> list[Real]:
        return [pt.at for pt in self.points]

    def rows(self) -> list[dict[str, Any]]:
        """The table of pieces (for :func:`exactmd.tables.render`)."""
        return [{"piece": k + 1, "interval": pc.interval_str(), "value": pc.value_str(self.parameter),
                 "basis": _basis_summary(pc)} for k, pc in enumerate(self.pieces)]

    def point_rows(self) -> list[dict[str, Any]]:
        return [{"breakpoint": str(pt.at), "approx": "≈ " + pt.at.decimal(), "status": pt.status,
                 "value": fmt(pt.value) if pt.value is not None else (f"{pt.formula} there" if pt.formula else ""), "kind": pt.kind, "by": pt.by} for pt in self.points]

    def certificate(self) -> dict[str, Any]:
        """The ``exactmd-parametric-lp/1`` document (docs/parametric.md)."""
        std = _Std(self.problem)
        names = self.problem.names
        rn = [r[0] for r in self.problem.rows]
        pieces = []
        for pc in self.pieces:
            an = pc.analysis
            B = an.basis.basic
            pieces.append({
                "from": pc.lo.to_json(), "to": pc.hi.to_json(), "closed": list(pc.closed), "status": "optimal",
                "basic_variables": [names[j] for j in B if j < std.n],
                "basic_rows": [rn[j - std.n] for j in B if j >= std.n],
                "upper_variables": sorted(names[j] for j in an.basis.upper if j < std.n),
                "upper_rows": sorted(rn[j - std.n] for j in an.basis.upper if j >= std.n),
                "denominator": poly_to_json(an.D),
                "primal": {names[j] if j < std.n else f"row {rn[j - std.n]}": poly_to_json(an.Nx[j]) for j in B},
                "dual": {rn[r]: poly_to_json(p) for r, p in enumerate(an.Ny) if not p.is_zero()},
                "value": [poly_to_json(pc.value[0]), poly_to_json(pc.value[1])],
            })
        points = []
        for pt in self.points:
            d: dict[str, Any] = {"at": pt.at.to_json(), "status": pt.status, "by": pt.by}
            if pt.value is not None:
                d["value"] = fmt(pt.value)
            if pt.lp is not None:
                d["lp"] = pt.lp
            points.append(d)
        return {"format": PARAMETRIC_FORMAT, "parameter": self.parameter, "interval": [fmt(self.lo), fmt(self.hi)],
                "problem": self.problem.to_json(), "pieces": pieces, "points": points}


def _basis_summary(pc: Piece) -> str:
    names = pc.basic_names
    if len(names) <= 4:
        return ", ".join(names)
    return ", ".join(names[:3]) + f", … ({len(names)} basic)"


def _reduced_value(an: _Analysis) -> tuple[fmpq_poly, fmpq_poly]:
    num, den = an.V, an.D
    g = num.gcd(den) if not num.is_zero() else den
    if g.degree() > 0:
        num, den = divmod(num, g)[0], divmod(den, g)[0]
    if num.is_zero():
        return fmpq_poly([]), fmpq_poly([1])
    lc = fmpq(den.coeffs()[-1])
    return num / lc, den / lc


# --------------------------------------------------------------------------- the method
def solve_parametric(pp: ParametricProblem, lo: Any, hi: Any, *, parameter: str = "λ", method: str | None = None,
                     trace: Callable[[str], None] | None = None, max_solves: int = MAX_SOLVES) -> ParametricResult:
    """The optimal value of ``pp`` for every λ in [lo, hi], as certified pieces (module docstring)."""
    lo_q, hi_q = Q(lo, name="lower end of the parameter interval"), Q(hi, name="upper end of the parameter interval")
    if not lo_q < hi_q:
        raise LPError(f"the parameter interval [{fmt(lo_q)}, {fmt(hi_q)}] must have lower end < upper end")
    std = _Std(pp)
    LO, HI = Real.of(lo_q), Real.of(hi_q)
    pieces: list[Piece] = []
    # uncovered stretches (a, b), whether a and b themselves are uncovered, and a point to try first
    gaps: list[tuple[Real, Real, bool, bool, fmpq | None]] = [(LO, HI, True, True, None)]
    solves = 0
    while gaps:
        a, b, ina, inb, hint = gaps.pop(0)
        if a == b:
            if not (ina and inb) or not a.is_rational:
                continue  # covered, or an irrational point no basis covers: its status is decided below
            t = a.q
        elif ina and a.is_rational:
            t = a.q
        else:
            t = hint if hint is not None else _sample(a, b, solves)
        assert t is not None
        solves += 1
        if solves > max_solves:
            raise BudgetExceededError(f"parametric analysis gave up after {max_solves} exact solves ({len(pieces)} pieces so far)")
        res = solve_problem(pp.at(t), method=method)
        if res.status != "optimal":
            raise LPError(f"at {parameter} = {fmt(t)} the LP is {res.status}; parametric analysis covers optimal pieces only "
                          f"(solve the LP at {parameter} = {fmt(t)} for its {'Farkas' if res.status == 'infeasible' else 'ray'} certificate)")
        an = _analyse(std, _basis_at(std, t, res))
        alpha, beta = _reach(an, t, a, b)
        closed = (sign_at(an.D, alpha) != 0, sign_at(an.D, beta) != 0)
        pc = Piece(alpha, beta, closed, an, _reduced_value(an),
                   [pp.names[j] if j < std.n else f"row {pp.rows[j - std.n][0]}" for j in an.basis.basic])
        pieces.append(pc)
        if trace:
            trace(f"{parameter} = {fmt(t)}: basis optimal on {pc.interval_str()}, value {pc.value_str(parameter)}")
        new: list[tuple[Real, Real, bool, bool, fmpq | None]] = []
        if a < alpha or (a == alpha and ina and not closed[0]):
            new.append((a, alpha, ina, not closed[0], None))
        if beta < b or (beta == b and inb and not closed[1]):
            nxt = None
            if beta < b:  # the next basis is tried just right of β: before the next root of this basis's polynomials
                nr = _next_root(an, beta, b)
                nxt = between(beta, nr)
            new.append((beta, b, not closed[1], inb, nxt))
        gaps = new + gaps
    pieces.sort(key=lambda p: _SortKey(p))
    # a one-point piece whose point a longer piece also covers adds nothing
    pieces = [p for p in pieces if not (p.lo == p.hi and any(
        q is not p and not q.lo == q.hi and ((q.lo == p.lo and q.closed[0]) or (q.hi == p.lo and q.closed[1])) for q in pieces))]
    points = _breakpoints(pp, pieces, LO, HI, method, parameter)
    return ParametricResult(pp, lo_q, hi_q, pieces, points, solves, parameter)


class _SortKey:
    def __init__(self, p: Piece) -> None:
        self.p = p

    def __lt__(self, o: "_SortKey") -> bool:
        if self.p.lo == o.p.lo:
            return self.p.hi < o.p.hi
        return self.p.lo < o.p.lo


def _sample(a: Real, b: Real, k: int) -> fmpq:
    """A rational point in (a, b): the simplest one between a and the midpoint-ish."""
    al, ah = a.bounds()
    bl, bh = b.bounds()
    while not ah < bl:
        a.refine()
        b.refine()
        al, ah = a.bounds()
        bl, bh = b.bounds()
    frac = (fmpq(1, 2), fmpq(1, 3), fmpq(2, 3), fmpq(1, 5), fmpq(4, 7))[k % 5]
    return ah + (bl - ah) * frac


def _same_value(p: Piece, q: Piece) -> bool:
    return p.value[0] == q.value[0] and p.value[1] == q.value[1]


def _kind(near: list[Piece], x: Real, solved: fmpq | None) -> str:
    """How the value behaves at the breakpoint x: the limits from the pieces on either side and the
    value at x itself (of the piece that holds x, or of an exact solve there) are compared exactly.
    A difference anywhere is a jump (``value changes``, also for an isolated point such as {x}
    whose value differs from the limits on both sides); otherwise the same value function on
    every side is a ``basis change only``, and different functions meeting at x are
    ``value continuous, formula changes``."""
    ps = list({id(p): p for p in near}.values())
    for i, p in enumerate(ps):
        for q in ps[i + 1:]:
            if not _same_value(p, q) and sign_at(p.value[0] * q.value[1] - q.value[0] * p.value[1], x) != 0:
                return "value changes"
    if solved is not None and x.q is not None and any(p.value_at(x.q) != solved for p in ps):
        return "value changes"
    if all(_same_value(ps[0], q) for q in ps[1:]):
        return "basis change only"
    return "value continuous, formula changes"


def _breakpoints(pp: ParametricProblem, pieces: list[Piece], LO: Real, HI: Real, method: str | None, parameter: str) -> list[PointStatus]:
    """Every end of a piece strictly inside (lo, hi), with its status and kind."""
    ends: list[Real] = []
    for pc in pieces:
        for x in (pc.lo, pc.hi):
            if LO < x < HI and not any(x == e for e in ends):
                ends.append(x)
    ends.sort(key=_Key)
    out = []
    for x in ends:
        touching = [pc for pc in pieces if pc.lo == x or pc.hi == x or (pc.lo < x < pc.hi)]
        closing = [pc for pc in touching if (pc.lo == x and pc.closed[0]) or (pc.hi == x and pc.closed[1]) or (pc.lo < x < pc.hi)]
        left = [pc for pc in touching if pc.hi == x and pc.lo < x]
        right = [pc for pc in touching if pc.lo == x and pc.hi > x]
        value: fmpq | None = None
        lpcert = None
        formula = ""
        if closing:
            pc = closing[0]
            status, by = "optimal", f"piece basis ({pc.interval_str()})"
            if x.is_rational:
                value = pc.value_at(x.q)
            else:
                formula = pc.value_str(parameter)
        elif x.is_rational:
            res = solve_problem(pp.at(x.q), method=method)
            status, by = str(res.status), f"exact solve at {parameter} = {x}"
            value = res.value
            lpcert = res.certificate()
        else:
            status, by = "undecided", "every basis found here is singular at this point"
        at_x = closing[0] if closing else None
        kind = _kind([pc for pc in (left[:1] + right[:1] + ([at_x] if at_x else [])) if pc is not None], x,
                     None if at_x is not None else value)
        out.append(PointStatus(x, status, value, by, kind, lpcert, formula))
    return out


class _Key:
    def __init__(self, x: Real) -> None:
        self.x = x

    def __lt__(self, o: "_Key") -> bool:
        return self.x < o.x
