"""The exact revised simplex on an exact sparse LU (:mod:`exactmd.lp.lu`): the pure exact path.

The LP.  Every row ``a_r·x (op) b_r`` is ``a_r·x − s_r = 0`` with a row variable s_r
bounded by the row (``<=``: s_r ≤ b_r; ``>=``: s_r ≥ b_r; ``==``: s_r = b_r), and has an
artificial column ``−σ_r w_r`` (w_r ≥ 0), so that the matrix is M = [A | −I | −σI].
Variables are bounded: a nonbasic variable sits at a bound (or at 0 when free), and an
entering variable with two bounds may just flip from one to the other.

The start.  Every variable is at its lower bound (else its upper bound, else 0).  A row
that holds there gets its row variable in the basis; a row that does not gets its
artificial, with σ_r the sign of its residual and w_r = |residual| (``rules="tableau"``
gives every row its artificial).  Phase 1 maximises −Σ w_r; if it ends below 0 the LP is
infeasible and π = B⁻ᵀc_B of the final basis is the Farkas certificate.  Phase 2 fixes the
artificials at 0 (they never enter again) and maximises c·x (``min``: max −c); its π is the
optimal certificate's duals, and an entering column with no blocking bound the
unbounded ray.

The rules.  Pricing is Dantzig's (largest |reduced cost|, ties to the smaller index);
the ratio test takes the smallest step and, among the rows that tie, the largest |pivot|
(on the degenerate mechanism-design LPs this leaves a degenerate vertex in far fewer
pivots than ties to the smaller index; ties again to the smaller basic index).  After ``BLAND_AFTER`` consecutive degenerate pivots Bland's rule
(smallest eligible index enters, smallest basic index leaves among ties) takes over until
a pivot makes strict progress, so the method cannot cycle: each objective level is left
after finitely many pivots, and the objective takes finitely many values.

The linear algebra.  Each pivot solves with the factorised basis instead of updating a
tableau:

* FTRAN α = B⁻¹a_q (the entering column: ratio test, values, the unbounded ray),
* BTRAN ρ = B⁻ᵀe_p (the pivot row ρᵀM, summed over A's sparse rows: the reduced costs are
  updated as d ← d − (d_q/α_p)·ρᵀM),

with a product-form update of the LU after every basis change and a fresh Markowitz LU
when the eta file has grown as large as the factors (or after ``REFACTOR_AFTER`` updates).  All of it is exact (fmpq); the certificate is checked by
:mod:`exactmd.lp.checker` by the caller before it is returned.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from flint import fmpq

from ..errors import LPError
from ..progress import finish, step
from ..rational import fmt
from .checker import LP_FORMAT
from .exact import Budget, parse_problem, problem_copy
from .lu import LU, REFACTOR_AFTER, SingularBasisError

__all__ = ["RULES", "revised_simplex"]

#: consecutive degenerate pivots after which Bland's rule takes over (until strict progress)
BLAND_AFTER = 300

#: ``rules``: the default ones, or those of the dense tableau (:func:`exactmd.lp.exact.simplex`:
#: an artificial for every row, ratio ties to the smaller basic index, Bland after 50
#: degenerate pivots), with which both visit the same bases and return the same certificate
RULES = ("default", "tableau")
_TABLEAU_BLAND_AFTER = 50


class _Revised:
    def __init__(self, n: int, lo: list[fmpq | None], hi: list[fmpq | None],
                 rows: list[tuple[str, dict[int, fmpq], str, fmpq]], names: list[str],
                 trace: Callable[[str], None] | None, tableau: bool) -> None:
        slack = not tableau
        self.tableau = tableau
        m = len(rows)
        self.n, self.m, self.N = n, m, n + 2 * m + 1
        self.G = n + 2 * m  # the single artificial column of a warm start (unused otherwise)
        self.g: dict[int, fmpq] = {}
        self.art_enter, self.g_enter = True, False  # may the row artificials / the column G enter?
        self.names = names + [f"row {r[0]}" for r in rows] + [f"artificial {r[0]}" for r in rows] + ["artificial"]
        self.lo: list[fmpq | None] = list(lo) + [None] * m + [fmpq(0)] * m + [fmpq(0)]
        self.hi: list[fmpq | None] = list(hi) + [None] * m + [None] * m + [fmpq(0)]
        for r, (_, _, op, b) in enumerate(rows):
            if op in ("<=", "=="):
                self.hi[n + r] = b
            if op in (">=", "=="):
                self.lo[n + r] = b
        self.val: list[fmpq] = []
        for j in range(self.N):
            lo_j, hi_j = self.lo[j], self.hi[j]
            self.val.append(lo_j if lo_j is not None else hi_j if hi_j is not None else fmpq(0))
        self.A = [coeffs for _, coeffs, _, _ in rows]  # row-wise
        self.cols: list[dict[int, fmpq]] = [{} for _ in range(n)]  # column-wise
        for r, coeffs in enumerate(self.A):
            for j, a in coeffs.items():
                self.cols[j][r] = a
        self.sigma: list[int] = []
        self.basis = []
        for r, coeffs in enumerate(self.A):
            act = sum((a * self.val[j] for j, a in coeffs.items()), fmpq(0))
            lo_r, hi_r = self.lo[n + r], self.hi[n + r]
            if slack and (lo_r is None or act >= lo_r) and (hi_r is None or act <= hi_r):
                self.val[n + r] = act  # the row holds: its row variable is basic, no artificial needed
                self.sigma.append(1)
                self.basis.append(n + r)
                continue
            if slack and lo_r is not None and act < lo_r:
                self.val[n + r] = lo_r
            resid = act - self.val[n + r]
            self.sigma.append(-1 if resid < 0 else 1)
            self.val[n + m + r] = abs(resid)
            self.basis.append(n + m + r)
        self.is_basic = [False] * self.N
        for j in self.basis:
            self.is_basic[j] = True
        self.lu = LU(m, [self.column(j) for j in self.basis])
        self.trace = trace
        self.pivots = 0
        self.c: dict[int, fmpq] = {}
        self.d: dict[int, fmpq] = {}
        self.elig: dict[int, int] = {}  # nonbasic j that may enter -> its direction (±1)
        self.obj = fmpq(0)
        self.stall: int | None = None  # Bland's degenerate pivots in a row before giving up (_Stalled)

    def export_basis(self) -> tuple[list[int], list[int]] | None:
        """The current basis for :meth:`warm`: an artificial still basic (at 0) of row r is
        replaced by that row's variable, whose column is parallel to it (so it is still a
        basis); None if the warm start's artificial G is basic (it has no such partner)."""
        n, m = self.n, self.m
        if self.is_basic[self.G]:
            return None
        return ([j if j < n + m else j - m for j in self.basis],
                [j for j in range(n + m) if not self.is_basic[j] and self.val[j] != self.lo[j] and self.val[j] == self.hi[j]])

    def warm(self, basic: Sequence[int], upper: Collection[int]) -> bool:
        """Start from a given basis instead: ``basic`` the m basic columns (j < n a variable,
        n + r the row variable of row r), ``upper`` the nonbasic ones at their upper bound.
        Basic values out of bounds are clamped into them and the difference goes to one
        artificial column G = B·(z − clamp(z)) at 1 (bounds [0, 1]): phase 1 takes it to 0.
        False (nothing changed) if the basis is not m distinct columns or is singular."""
        n, m = self.n, self.m
        basic = list(basic)
        upper = set(upper)
        if len(basic) != m or len(set(basic)) != m or not all(0 <= j < n + m for j in basic):
            return False
        try:
            lu = LU(m, [self.column(j) for j in basic])
        except SingularBasisError:
            return False
        val = list(self.val)
        is_basic = [False] * self.N
        for j in basic:
            is_basic[j] = True
        for j in range(n + m):
            lo_j, hi_j = self.lo[j], self.hi[j]
            if j in upper and hi_j is not None:
                val[j] = hi_j
            else:
                val[j] = lo_j if lo_j is not None else hi_j if hi_j is not None else fmpq(0)
        for r in range(m):
            val[n + m + r] = fmpq(0)
            self.hi[n + m + r] = fmpq(0)
        b: dict[int, fmpq] = {}
        for j in range(n + m):
            if not is_basic[j] and val[j]:
                for i, a in self.column(j).items():
                    b[i] = b.get(i, fmpq(0)) - a * val[j]
        z = lu.ftran(b)
        g: dict[int, fmpq] = {}
        for p, j in enumerate(basic):
            zj = z.get(p, fmpq(0))
            lo_j, hi_j = self.lo[j], self.hi[j]
            if lo_j is not None and zj < lo_j:
                x = lo_j
            elif hi_j is not None and zj > hi_j:
                x = hi_j
            else:
                x = zj
            val[j] = x
            if zj != x:
                for i, a in self.column(j).items():
                    g[i] = g.get(i, fmpq(0)) + a * (zj - x)
        self.g = {i: a for i, a in g.items() if a}
        val[self.G] = fmpq(1) if self.g else fmpq(0)
        self.hi[self.G] = val[self.G]
        self.val, self.basis, self.is_basic, self.lu = val, basic, is_basic, lu
        self.art_enter, self.g_enter = False, bool(self.g)
        return True

    def column(self, j: int) -> dict[int, fmpq]:
        """Column j of M = [A | −I | −σI]."""
        n, m = self.n, self.m
        if j < n:
            return self.cols[j]
        if j < n + m:
            return {j - n: fmpq(-1)}
        if j == self.G:
            return self.g
        r = j - n - m
        return {r: fmpq(-self.sigma[r])}

    def row_times(self, y: Mapping[int, fmpq]) -> dict[int, fmpq]:
        """yᵀM on the columns that may enter (and the basic ones), zero entries omitted."""
        n, m = self.n, self.m
        art = self.art_enter
        out: dict[int, fmpq] = {}
        get = out.get
        for i, yi in y.items():
            for j, a in self.A[i].items():
                v = get(j)
                out[j] = a * yi if v is None else v + a * yi
            out[n + i] = -yi
            if art:
                out[n + m + i] = -yi if self.sigma[i] > 0 else yi
        if self.g_enter:
            out[self.G] = sum((a * yg for i, a in self.g.items() if (yg := y.get(i))), fmpq(0))
        return {j: v for j, v in out.items() if v}

    def duals(self) -> dict[int, fmpq]:
        """π = B⁻ᵀc_B (by row)."""
        return self.lu.btran({i: cb for i, b in enumerate(self.basis) if (cb := self.c.get(b))})

    def set_costs(self, c: dict[int, fmpq]) -> None:
        self.c = dict(c)
        d = dict(c)
        for j, v in self.row_times(self.duals()).items():
            d[j] = d.get(j, fmpq(0)) - v
        self.d = {j: v for j, v in d.items() if v and not self.is_basic[j]}
        self.elig = {}
        for j in self.d:
            self._mark(j)
        self.obj = sum((cj * self.val[j] for j, cj in self.c.items()), fmpq(0))

    def run(self, phase: int, budget: Budget) -> tuple[str, int | None, int, dict[int, fmpq]]:
        """Pivot until optimal; return ("optimal"|"unbounded", entering column, direction, its α)."""
        degenerate = 0
        while True:
            bland = degenerate >= (_TABLEAU_BLAND_AFTER if self.tableau else BLAND_AFTER)
            q, direction = self._entering(bland)
            if q is None:
                return "optimal", None, 0, {}
            budget.tick(self.pivots, phase, self.obj)
            col = self.lu.ftran(self.column(q))
            t, leave, to_upper = self._ratio(q, direction, col, bland)
            if t is None:
                return "unbounded", q, direction, col
            dq = self.d[q]
            self._pivot(q, direction, col, t, leave, to_upper)
            self.pivots += 1
            step("exact simplex", None, None, f"phase {phase}, {self.pivots} pivots")
            before = self.obj
            self.obj = before + dq * direction * t
            degenerate = 0 if t != 0 else degenerate + 1
            if self.trace:
                lv = "bound flip" if leave is None else f"leave {self.names[self.basis_left]}"
                self.trace(
                    f"phase {phase} pivot {self.pivots}: enter {self.names[q]} "
                    f"({'up' if direction > 0 else 'down'}, reduced cost {fmt(dq)}), "
                    f"{lv}, step {fmt(t)}, objective {fmt(self.obj)}" + (" [Bland]" if bland else "")
                )
            if self.stall is not None and degenerate >= BLAND_AFTER + self.stall:
                raise _Stalled(self.pivots)

    def _mark(self, j: int) -> None:
        """Record whether nonbasic j may enter, and in which direction (``self.elig``)."""
        dj = self.d.get(j)
        e = 0
        if dj:
            if dj > 0:
                e = 1 if (h := self.hi[j]) is None or self.val[j] < h else 0
            else:
                e = -1 if (lo := self.lo[j]) is None or self.val[j] > lo else 0
        if e:
            self.elig[j] = e
        else:
            self.elig.pop(j, None)

    def _entering(self, bland: bool) -> tuple[int | None, int]:
        """Dantzig: the eligible j of largest |d_j|, ties to the smaller j (Bland: the smallest eligible j)."""
        elig, d = self.elig, self.d
        if not elig:
            return None, 0
        if bland:
            j = min(elig)
            return j, elig[j]
        best = -1
        top = fmpq(0)  # |d_best|
        for j, e in elig.items():
            a = d[j] if e > 0 else -d[j]
            if a > top or (a == top and j < best):
                best, top = j, a
        return best, elig[best]

    def _ratio(self, q: int, direction: int, col: dict[int, fmpq], bland: bool) -> tuple[fmpq | None, int | None, bool]:
        big = fmpq(0)
        t_best: fmpq | None = None
        leave: int | None = None
        to_upper = False
        lo_q, hi_q = self.lo[q], self.hi[q]
        if lo_q is not None and hi_q is not None:
            t_best = hi_q - lo_q
        for i in col:  # the winner does not depend on the order (ties: smallest basic index)
            rate = -col[i] * direction
            b = self.basis[i]
            if rate < 0 and (lo_b := self.lo[b]) is not None:
                t, up = (self.val[b] - lo_b) / (-rate), False
            elif rate > 0 and (hi_b := self.hi[b]) is not None:
                t, up = (hi_b - self.val[b]) / rate, True
            else:
                continue
            if t_best is None or t < t_best:
                t_best, leave, to_upper, big = t, i, up, abs(rate)
            elif t == t_best and leave is not None:
                if bland or self.tableau:
                    if b < self.basis[leave]:
                        t_best, leave, to_upper = t, i, up
                else:
                    a = abs(rate)
                    if a > big or (a == big and b < self.basis[leave]):
                        t_best, leave, to_upper, big = t, i, up, a
        return t_best, leave, to_upper

    def _pivot(self, q: int, direction: int, col: dict[int, fmpq], t: fmpq, leave: int | None, to_upper: bool) -> None:
        step = direction * t
        if step:
            for i, a in col.items():
                b = self.basis[i]
                self.val[b] -= a * step
            self.val[q] += step
        if leave is None:
            self._mark(q)  # it flipped to its other bound
            return
        b_out = self.basis[leave]
        self.basis_left = b_out
        bound = self.hi[b_out] if to_upper else self.lo[b_out]
        assert bound is not None  # the ratio test stopped it at this bound
        self.val[b_out] = bound
        # the pivot row ρᵀM with ρ = B⁻ᵀe_p, and the reduced costs d ← d − (d_q/α_p)·ρᵀM
        prow = self.row_times(self.lu.btran({leave: fmpq(1)}))
        f = self.d[q] / col[leave]
        d = self.d
        get = d.get
        for j, a in prow.items():
            v = get(j)
            v = -f * a if v is None else v - f * a
            if v:
                d[j] = v
            elif j in d:
                del d[j]
        d.pop(q, None)  # (ρᵀM is 0 on the other basic columns, exactly: their d stays 0)
        self.elig.pop(q, None)
        for j in prow:
            self._mark(j)
        self.basis[leave] = q
        self.is_basic[q] = True
        self.is_basic[b_out] = False
        self.lu.update(leave, col)
        if self.lu.stale or self.lu.updates >= REFACTOR_AFTER:
            self.lu = LU(self.m, [self.column(j) for j in self.basis])


def revised_simplex(problem: Mapping[str, Any], *, max_pivots: int | None = None,
                    time_limit: float | None = None,  # float-ok: wall clock
                    trace: Callable[[str], None] | None = None, rules: str = "default",
                    basis: tuple[Sequence[int], Collection[int]] | None = None) -> dict[str, Any]:
    """Solve a problem dict exactly; return the certificate dict (CERTIFICATES.md) plus ``pivots``.

    ``basis=(basic, upper)`` starts from that basis (e.g. a float solver's): ``basic`` the m
    basic columns by index (j < n the j-th variable, n + r the activity of row r), ``upper``
    the nonbasic columns at their upper bound (the others sit at their lower bound, or at 0
    when free).  Basic values off their bounds are repaired by phase 1 with one artificial
    column; a list that is not a basis of the LP is ignored (cold start).

    Stalling: if Bland's rule makes ``STALL_AFTER`` degenerate pivots in a row without
    leaving the vertex, the LP is solved afresh with every bound relaxed by a small
    distinct rational (its vertices are then rarely degenerate), and the LP itself from the
    final basis of that one (a warm start: the basic values repaired exactly, then phase 2).
    If the relaxed LP is not optimal (or stalls too), the LP is solved again from the start
    without the limit."""
    parsed = parse_problem(problem)
    if rules not in RULES:
        raise LPError(f"rules={rules!r} must be one of {', '.join(RULES)}")
    budget = Budget(max_pivots, time_limit)
    try:
        return _stall_proof(problem, parsed, budget, trace, rules, basis)
    finally:
        finish("exact simplex")


def _stall_proof(problem: Mapping[str, Any], parsed: Any, budget: Budget, trace: Callable[[str], None] | None, rules: str,
                 basis: tuple[Sequence[int], Collection[int]] | None) -> dict[str, Any]:
    """:func:`revised_simplex` with its way out of a stall."""
    stall = STALL_AFTER if rules == "default" else None
    try:
        return _solve(problem, parsed, budget, trace, rules, basis, stall, 0)
    except _Stalled as e:
        done = e.pivots
    if trace:
        trace(f"stalled at a degenerate vertex after {done} pivots: solving with every bound relaxed a little")
    try:
        relaxed = _solve(problem, _relaxed(parsed), budget, trace, rules, None, stall, done)
    except _Stalled as e:
        relaxed, done = {}, e.pivots
    else:
        done = relaxed["pivots"]
    if relaxed.get("basis") is not None:
        if trace:
            trace("the relaxed LP is solved: the LP itself from its final basis")
        return _solve(problem, parsed, budget, trace, rules, relaxed["basis"], None, done)
    return _solve(problem, parsed, budget, trace, rules, None, None, done)


#: Bland's degenerate pivots in a row after which the LP is solved relaxed first (see
#: :func:`revised_simplex`)
STALL_AFTER = 1000


class _Stalled(Exception):
    def __init__(self, pivots: int) -> None:
        self.pivots = pivots


def _relaxed(parsed: Any) -> Any:
    """The parsed LP with every finite bound of its variables and inequality rows moved
    outwards, and the right-hand side of every equation moved up, by
    δ_k = (1 + 7919k mod 997)/(997·2²⁰), distinct for most k."""
    sense, names, lo, hi, obj, rows = parsed
    k = 0

    def delta() -> fmpq:
        nonlocal k
        k += 1
        return fmpq(1 + (7919 * k) % 997, 997 * 2**20)

    lo2 = [None if v is None else v - delta() for v in lo]
    hi2 = [None if v is None else v + delta() for v in hi]
    rows2 = []
    for name, coeffs, op, b in rows:
        if op == "<=":
            rows2.append((name, coeffs, op, b + delta()))
        elif op == ">=":
            rows2.append((name, coeffs, op, b - delta()))
        else:
            rows2.append((name, coeffs, op, b + delta()))
    return sense, names, lo2, hi2, obj, rows2


def _solve(problem: Mapping[str, Any], parsed: Any, budget: Budget, trace: Callable[[str], None] | None, rules: str,
           basis: tuple[Sequence[int], Collection[int]] | None, stall: int | None, pivots: int) -> dict[str, Any]:
    sense, names, lo, hi, obj, rows = parsed
    n, m = len(names), len(rows)
    tab = _Revised(n, lo, hi, rows, names, trace, rules == "tableau")
    tab.pivots = pivots
    tab.stall = stall
    if trace:
        trace(f"exact revised simplex: {n} variables, {m} rows, sense {sense}")
    warm = basis is not None and tab.warm(*basis)
    if trace and basis is not None:
        trace("warm start from the given basis" + (f" ({len(tab.g)} rows off, one artificial)" if tab.g else "")
              if warm else "the given basis is not a basis of this LP: cold start")
    tab.set_costs({tab.G: fmpq(-1)} if warm else {n + m + r: fmpq(-1) for r in range(m)})
    tab.run(1, budget)
    infeas = tab.obj
    cert: dict[str, Any] = {"format": LP_FORMAT, "problem": problem_copy(problem)}
    if infeas < 0:
        pi = tab.duals()  # the Farkas multipliers: π of the phase-1 optimum
        cert.update(status="infeasible", farkas={rows[r][0]: fmt(pi.get(r, fmpq(0))) for r in range(m)})
        if trace:
            trace(f"phase 1 ends at {fmt(infeas)} < 0: infeasible")
        cert["pivots"] = tab.pivots
        return cert
    for r in range(m):
        tab.hi[n + m + r] = fmpq(0)
    tab.hi[tab.G] = fmpq(0)
    tab.art_enter = tab.g_enter = False  # the artificials may not enter again: their reduced costs are not kept
    tab.set_costs({j: (v if sense == "max" else -v) for j, v in obj.items()})
    status, q, direction, col = tab.run(2, budget)
    primal = {names[j]: tab.val[j] for j in range(n)}
    if status == "unbounded":
        assert q is not None
        ray = {names[j]: fmpq(0) for j in range(n)}
        if q < n:
            ray[names[q]] = fmpq(direction)
        for i, a in col.items():
            b = tab.basis[i]
            if b < n:
                ray[names[b]] = -a * direction
        cert.update(status="unbounded", primal={k: fmt(v) for k, v in primal.items()},
                    ray={k: fmt(v) for k, v in ray.items() if v != 0})
        if trace:
            trace("unbounded: the entering variable has no blocking bound")
        cert["pivots"] = tab.pivots
        return cert
    if (final := tab.export_basis()) is not None:
        cert["basis"] = final
    pi = tab.duals()
    sign = 1 if sense == "max" else -1
    value = sum((v * primal[names[j]] for j, v in obj.items()), fmpq(0))
    cert.update(status="optimal", value=fmt(value), primal={k: fmt(v) for k, v in primal.items()},
                dual={rows[r][0]: fmt(sign * pi.get(r, fmpq(0))) for r in range(m)})
    if trace:
        trace(f"optimal after {tab.pivots} pivots: value {fmt(value)}")
    cert["pivots"] = tab.pivots
    return cert
