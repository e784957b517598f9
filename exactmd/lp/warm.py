"""Exact simplex pivots from a basis that HiGHS has factorised (the warm start of the hint).

When HiGHS's final basis fails in exact arithmetic it is usually a few pivots away from an
exact optimum: its basic solution violates a bound by less than HiGHS's tolerance while
every reduced cost has the right sign (or the other way round).  :func:`continue_exactly`
pivots on from that basis in exact arithmetic:

* the **dual simplex** when the basis is dual feasible (leaving: the basic variable with
  the largest bound violation; entering: the dual ratio test, ties to the largest pivot),
* the **primal simplex** when it is primal feasible (entering: the largest reduced cost of
  the wrong sign; leaving: the primal ratio test, or a bound flip).

After ``BLAND_AFTER`` consecutive degenerate pivots both switch to Bland's rule (smallest
index), which cannot cycle.  Each pivot needs one row of B⁻¹ (ρ = B⁻ᵀe_p, for the reduced
costs and the duals) and one column of B⁻¹A (Δ = B⁻¹a_q, for the values).  Both are
solved *exactly*: by iterative refinement with rational reconstruction on HiGHS's
factorisation of its own basis B₀ (:func:`exactmd.lp.hint.refine`) — or, when that does
not reach an exact solution (HiGHS's factorisation need not match the basis it reports),
with exactmd's own exact LU of B₀ (:mod:`exactmd.lp.lu`) —, followed by the exact eta
file of the pivots made since (B_k = B₀E₁⋯E_k, product form).  HiGHS is never asked to
factorise the new bases: the exact optimum is often a basis that is singular to double
precision — which is why HiGHS stopped short of it.  Values, reduced costs and duals are
updated exactly, so every decision is exact; the caller verifies the final certificate.

Notation (HiGHS's): the LP max c·x, rows a_i·x (op) b_i, is written over w = (x, s) with
A x + s = 0, so the logical s_i = −a_i·x has the bounds the row gives it (``<=``: s_i ≥ −b_i;
``>=``: s_i ≤ −b_i; ``==``: s_i = −b_i) and its column in [A | I] is the unit vector e_i.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flint import fmpq

from .exact import BLAND_AFTER
from .lu import LU, SingularBasisError
from .refine import refine

__all__ = ["BLAND_AFTER", "continue_exactly"]


Bound = fmpq | None


class _State:
    """The LP over w = (x, s), the current basis, exact values and reduced costs."""

    def __init__(self, h: Any, sense: str, lo: list[Bound], hi: list[Bound], obj: dict[int, fmpq],
                 rows: list[tuple[str, dict[int, fmpq], str, fmpq]], x: list[fmpq], y: list[fmpq]) -> None:
        n, m = len(lo), len(rows)
        self.h, self.n, self.m = h, n, m
        self.rows = [coeffs for _, coeffs, _, _ in rows]
        self.cols: list[list[tuple[int, fmpq]]] = [[] for _ in range(n)]
        for i, coeffs in enumerate(self.rows):
            for j, a in coeffs.items():
                self.cols[j].append((i, a))
        self.lo: list[Bound] = list(lo)
        self.hi: list[Bound] = list(hi)
        for _, _, op, b in rows:
            self.lo.append(-b if op in ("<=", "==") else None)
            self.hi.append(-b if op in (">=", "==") else None)
        sign = 1 if sense == "max" else -1
        self.cost = [sign * obj.get(j, fmpq(0)) for j in range(n)] + [fmpq(0)] * m
        self.val: list[fmpq] = list(x) + [-sum((a * x[j] for j, a in c.items()), fmpq(0)) for c in self.rows]
        self.read_basis()
        self.sign = sign
        self.y = yw = [sign * v for v in y]  # the duals of the current basis, maximising sign·c
        self.d = [fmpq(0)] * (n + m)
        for j in range(n):
            if not self.basic[j]:
                self.d[j] = self.cost[j] - sum((a * yw[i] for i, a in self.cols[j]), fmpq(0))
        for i in range(m):
            if not self.basic[n + i]:
                self.d[n + i] = -yw[i]

    # --- the basis: HiGHS's factorised basis B₀ and the exact eta file since ----------
    def read_basis(self) -> None:
        n = self.n
        self.order0 = [k if k >= 0 else n - 1 - k for k in (int(k) for k in self.h.getBasicVariables()[1])]
        self.order = list(self.order0)  # the current basis: position t holds variable order[t]
        self.basic = [False] * (n + self.m)
        for v in self.order:
            self.basic[v] = True
        self.etas: list[tuple[int, dict[int, fmpq]]] = []  # B_k = B₀ E₁ ⋯ E_k, E = I with column p := Δ
        self.lu0: LU | None = None  # exactmd's own exact LU of B₀, when refinement on HiGHS's fails

    def _exact_lu(self) -> LU | None:
        if self.lu0 is None:
            try:
                self.lu0 = LU(self.m, [dict(self.cols[v]) if v < self.n else {v - self.n: fmpq(1)} for v in self.order0])
            except SingularBasisError:
                return None
        return self.lu0

    def pivot(self, p: int, q: int, delta: list[fmpq]) -> None:
        """Variable q replaces the basic variable at position p (Δ = B⁻¹a_q)."""
        self.etas.append((p, {t: v for t, v in enumerate(delta) if v != 0}))
        self.basic[self.order[p]] = False
        self.basic[q] = True
        self.order[p] = q

    # --- exact solves with B and Bᵀ: refinement on HiGHS's B₀, then the etas ------------
    def _bvec(self, z: list[fmpq]) -> list[fmpq]:  # B₀ z
        out = [fmpq(0)] * self.m
        for t, v in enumerate(self.order0):
            zt = z[t]
            if zt == 0:
                continue
            if v < self.n:
                for i, a in self.cols[v]:
                    out[i] += a * zt
            else:
                out[v - self.n] += zt
        return out

    def _btvec(self, y: list[fmpq]) -> list[fmpq]:  # B₀ᵀ y
        return [sum((a * y[i] for i, a in self.cols[v]), fmpq(0)) if v < self.n else y[v - self.n] for v in self.order0]

    def solve(self, b: list[fmpq]) -> list[fmpq] | None:
        """z with B z = b, exactly (positions of the current basis)."""
        import numpy as np


        z = refine(self._bvec, lambda v: self.h.getBasisSolve(np.array(v))[1], b)
        if z is None:  # HiGHS's factorisation does not get there: the exact LU of B₀ does
            lu = self._exact_lu()
            if lu is None:
                return None
            zd = lu.ftran({i: v for i, v in enumerate(b) if v})
            z = [zd.get(t, fmpq(0)) for t in range(self.m)]
        for p, eta in self.etas:  # z ← E⁻¹ z
            zp = z[p] / eta[p]
            if zp != 0:
                for t, v in eta.items():
                    z[t] -= v * zp
            z[p] = zp
        return z

    def solve_transposed(self, c: list[fmpq]) -> list[fmpq] | None:
        """y with Bᵀ y = c, exactly (c indexed by position of the current basis)."""
        import numpy as np


        w = list(c)
        for p, eta in reversed(self.etas):  # w ← E⁻ᵀ w
            w[p] = (w[p] - sum((v * w[t] for t, v in eta.items() if t != p), fmpq(0))) / eta[p]
        y = refine(self._btvec, lambda v: self.h.getBasisTransposeSolve(np.array(v))[1], w)
        if y is None:
            lu = self._exact_lu()
            if lu is None:
                return None
            yd = lu.btran({t: v for t, v in enumerate(w) if v})
            y = [yd.get(i, fmpq(0)) for i in range(self.m)]
        return y

    def column(self, q: int) -> list[fmpq] | None:
        """Δ = B⁻¹ a_q, indexed by basis position."""
        a = [fmpq(0)] * self.m
        if q < self.n:
            for i, c in self.cols[q]:
                a[i] = c
        else:
            a[q - self.n] = fmpq(1)
        return self.solve(a)

    def row(self, t: int) -> dict[int, fmpq] | None:
        """α_j = (e_tᵀ B⁻¹) a_j for every nonbasic j with α_j ≠ 0 (t a basis position)."""
        e = [fmpq(0)] * self.m
        e[t] = fmpq(1)
        rho = self.solve_transposed(e)
        if rho is None:
            return None
        self.rho = rho
        alpha: dict[int, fmpq] = {}
        for i, r in enumerate(rho):
            if r == 0:
                continue
            if not self.basic[self.n + i]:
                alpha[self.n + i] = r
            for j, a in self.rows[i].items():
                if not self.basic[j]:
                    alpha[j] = alpha.get(j, fmpq(0)) + r * a
        return {j: a for j, a in alpha.items() if a != 0}

    # --- feasibility ------------------------------------------------------------------
    def primal_violation(self, v: int) -> fmpq:
        lo, hi, x = self.lo[v], self.hi[v], self.val[v]
        if lo is not None and x < lo:
            return lo - x
        if hi is not None and x > hi:
            return x - hi
        return fmpq(0)

    def dual_wrong(self, j: int) -> bool:
        """A nonbasic variable whose reduced cost has the wrong sign for where it sits."""
        dj, lo, hi, x = self.d[j], self.lo[j], self.hi[j], self.val[j]
        if dj == 0 or (lo is not None and lo == hi):
            return False
        at_lo, at_hi = lo is not None and x == lo, hi is not None and x == hi
        return not ((at_lo and dj < 0) or (at_hi and dj > 0))

    def update_duals(self, alpha: dict[int, fmpq], q: int, leaving: int) -> None:
        """y ← y + tρ with t = d_q/α_q, so that d_q becomes 0 (ρ: the last row computed)."""
        t = self.d[q] / alpha[q]
        for i, r in enumerate(self.rho):
            if r != 0:
                self.y[i] += t * r
        for j, a in alpha.items():
            self.d[j] -= t * a
        self.d[q] = fmpq(0)
        self.d[leaving] = -t


def continue_exactly(h: Any, sense: str, lo: list[Bound], hi: list[Bound], obj: dict[int, fmpq],
                     rows: list[tuple[str, dict[int, fmpq], str, fmpq]], x: list[fmpq], y: list[fmpq], *,
                     max_pivots: int = 1000, deadline: float | None = None,  # float-ok: wall clock
                     trace: Callable[[str], None] | None = None) -> tuple[str, int, list[fmpq], list[fmpq]]:
    """Pivot exactly from HiGHS's current basis, whose exact basic solution is ``x`` with
    duals ``y`` (Bᵀy = c_B, in the problem's own sense).  Returns ``(outcome, pivots, x, y)``
    with the exact basic solution and duals of the last basis (HiGHS holds it):
    ``"optimal"`` (primal and dual feasible in exact arithmetic), ``"infeasible"`` / ``"unbounded"`` (a ratio test found no pivot: the LP has no
    optimum — the caller proves it by other means), ``"neither"`` (the basis is neither
    primal nor dual feasible: no warm start), or ``"gave up"`` (pivot or time limit, or an
    exact solve that did not converge)."""
    st = _State(h, sense, lo, hi, obj, rows, x, y)
    N = st.n + st.m
    primal_ok = all(st.primal_violation(v) == 0 for v in st.order)
    dual_ok = not any(st.dual_wrong(j) for j in range(N) if not st.basic[j])
    def out(outcome: str, pivots: int) -> tuple[str, int, list[fmpq], list[fmpq]]:
        return outcome, pivots, st.val[:st.n], [st.sign * v for v in st.y]

    if primal_ok and dual_ok:
        return out("optimal", 0)
    if not primal_ok and not dual_ok:
        return out("neither", 0)
    pivots, degenerate = 0, 0
    mode = "dual" if dual_ok else "primal"
    if trace:
        trace(f"exact {mode} simplex from HiGHS's basis")
    while True:
        if pivots >= max_pivots or (deadline is not None and time.monotonic() > deadline):
            return out("gave up", pivots)
        bland = degenerate >= BLAND_AFTER
        if mode == "dual":
            step = _dual_pivot(st, bland)
        else:
            step = _primal_pivot(st, bland)
        if step in ("optimal", "infeasible", "unbounded", "gave up"):
            return out(step, pivots)
        pivots += 1
        degenerate = degenerate + 1 if step == "degenerate" else 0
        if trace and pivots % 10 == 0:
            trace(f"exact {mode} simplex: {pivots} pivots")


def _dual_pivot(st: _State, bland: bool) -> str:
    worst, r = fmpq(0), -1
    for v in st.order:
        viol = st.primal_violation(v)
        if viol > 0 and (r < 0 or (v < r if bland else viol > worst)):
            worst, r = viol, v
    if r < 0:
        return "optimal"
    up = (lo_r := st.lo[r]) is not None and st.val[r] < lo_r  # the leaving variable rises to its lower bound
    target = st.lo[r] if up else st.hi[r]
    assert target is not None
    p = st.order.index(r)
    alpha = st.row(p)
    if alpha is None:
        return "gave up"
    best: tuple[fmpq, int] | None = None
    for j, a in alpha.items():
        lo, hi, x, dj = st.lo[j], st.hi[j], st.val[j], st.d[j]
        if lo is not None and lo == hi:
            continue
        can_up, can_down = hi is None or x != hi, lo is None or x != lo  # directions j may move in
        # rising w_j changes the leaving variable by −α_j
        if (up and ((a < 0 and can_up) or (a > 0 and can_down))) or (not up and ((a > 0 and can_up) or (a < 0 and can_down))):
            ratio = abs(dj / a)
            if (best is None or ratio < best[0] or (ratio == best[0] and (j < best[1] if bland else abs(a) > abs(alpha[best[1]])))):
                best = (ratio, j)
    if best is None:
        return "infeasible"
    q = best[1]
    delta = st.column(q)
    if delta is None or delta[p] != alpha[q]:
        return "gave up"
    theta = (st.val[r] - target) / delta[p]
    for t, v in enumerate(st.order):
        if delta[t] != 0:
            st.val[v] -= theta * delta[t]
    st.val[q] += theta
    st.val[r] = target
    degenerate = st.d[q] == 0
    st.update_duals(alpha, q, r)
    st.pivot(p, q, delta)
    return "degenerate" if degenerate else "pivot"


def _primal_pivot(st: _State, bland: bool) -> str:
    best_d, q = fmpq(0), -1
    for j in range(st.n + st.m):
        if not st.basic[j] and st.dual_wrong(j) and (q < 0 or (j < q if bland else abs(st.d[j]) > best_d)):
            best_d, q = abs(st.d[j]), j
    if q < 0:
        return "optimal"
    lo_q, hi_q = st.lo[q], st.hi[q]
    rise = st.d[q] > 0 and (hi_q is None or st.val[q] != hi_q)
    direction = 1 if rise else -1
    delta = st.column(q)
    if delta is None:
        return "gave up"
    # the step θ ≥ 0: w_q += direction·θ, basics change by −direction·θ·Δ
    limit: tuple[fmpq, int] | None = None  # (θ, basis position or −1 for a bound flip)
    if direction > 0 and hi_q is not None:
        limit = (hi_q - st.val[q], -1)
    if direction < 0 and lo_q is not None:
        limit = (st.val[q] - lo_q, -1)
    for t, v in enumerate(st.order):
        g = -direction * delta[t]
        if g == 0:
            continue
        bound = st.lo[v] if g < 0 else st.hi[v]
        if bound is None:
            continue
        theta = (bound - st.val[v]) / g
        if limit is None or theta < limit[0] or (theta == limit[0] and limit[1] >= 0 and
                                                  (v < st.order[limit[1]] if bland else abs(delta[t]) > abs(delta[limit[1]]))):
            limit = (theta, t)
    if limit is None:
        return "unbounded"
    theta, p = limit
    for t, v in enumerate(st.order):
        if delta[t] != 0:
            st.val[v] -= direction * theta * delta[t]
    st.val[q] += direction * theta
    if p < 0:  # bound flip: q moves to its other bound and stays nonbasic
        return "pivot" if theta != 0 else "degenerate"
    r = st.order[p]
    g = -direction * delta[p]
    bound = st.lo[r] if g < 0 else st.hi[r]
    assert bound is not None
    st.val[r] = bound
    alpha = st.row(p)
    if alpha is None or alpha.get(q) != delta[p]:
        return "gave up"
    st.update_duals(alpha, q, r)
    st.pivot(p, q, delta)
    return "pivot" if theta != 0 else "degenerate"
