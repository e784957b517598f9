"""A floating-point LP as a hint: HiGHS's final basis, re-solved exactly.

The float solver (HiGHS, through ``highspy``, a dependency of exactmd) is used only to
*guess an optimal basis*.  Nothing it computes reaches the answer:

1. HiGHS solves the LP in double precision and reports its final basis — which columns
   and which row activities are basic, and at which bound each nonbasic one sits.
2. The basic solution of that basis is computed exactly.  With HiGHS's basis matrix
   B = [A | I] restricted to the basic columns (the logical of row i is −(a_i·x)), the
   basic values z solve B z = b, where b moves every nonbasic column and row activity
   to the right-hand side at its exact bound.  The duals solve Bᵀ y = c_B.
3. Both systems are solved by *iterative refinement with rational reconstruction*
   (as exact solvers such as SoPlex and QSopt_ex do): HiGHS's own factorisation of B
   solves B δ = r in floating point, the residual r = b − B z is computed exactly in
   rationals and the dyadic correction added exactly; after each round every
   component is replaced by the simplest rational within the current error bound,
   and the candidate is accepted only if it satisfies B z = b *exactly*.
4. The candidate certificate (primal x, duals y) is checked by the independent
   verifier of :mod:`exactmd.lp.checker`: every row, every bound, every dual sign and
   the equality of primal and dual values, in exact arithmetic.

If the basis fails in exact arithmetic — typically a basic variable off its bound by less
than HiGHS's tolerance (at K = 128 of the second-best LP, by 1/2999817600), while every
reduced cost has the right sign — exact simplex pivots continue from it
(:mod:`exactmd.lp.warm`: the dual simplex from a dual feasible basis, the primal simplex
from a primal feasible one; solves by refinement on HiGHS's factorisation of *its* basis
and an exact eta file).  If the basis is neither primal nor dual feasible, HiGHS continues
from it with its feasibility tolerances tightened to 1e-10 and the new basis is tried once
more.  If that fails too, or HiGHS does not report an optimal basis at all,
:func:`solve_hinted` returns ``None`` and the caller solves with the pure exact simplex,
starting from HiGHS's last basis (:mod:`exactmd.lp.revised`'s warm start).
A wrong hint can cost time, never correctness.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from flint import fmpq

from ..rational import Q, fmt
from .checker import LP_FORMAT, verify_certificate
from .exact import parse_problem, problem_copy
from .refine import _f, refine
from .warm import continue_exactly

__all__ = ["available", "solve_hinted"]

MAX_PIVOTS = 1000  # exact pivots from HiGHS's basis before giving up on the hint
TIGHT = 1e-10  # float-ok: HiGHS's feasibility tolerances for the second attempt (a hint only)


def available() -> bool:
    """True when the float hint (``highspy``) is installed."""
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def _new_highs() -> Any:
    """A HiGHS instance.  HiGHS prints a banner on standard output (file descriptor 1)
    when it is created, which would corrupt ``exactmd lp solve``'s JSON output: it is sent
    to /dev/null."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def highs_model(sense: str, lo: list[fmpq | None], hi: list[fmpq | None], obj: dict[int, fmpq],
                rows: list[tuple[str, dict[int, fmpq], str, fmpq]], *, time_limit: float | None = None) -> Any:  # float-ok: wall clock
    """A HiGHS instance holding the LP (as :func:`exactmd.lp.exact.parse_problem` returns
    it) rounded to doubles, not yet solved."""
    import highspy
    import numpy as np

    n, m = len(lo), len(rows)
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = np.array([_f(obj.get(j, fmpq(0))) for j in range(n)])
    lp.col_lower_ = np.array([-inf if v is None else _f(v) for v in lo])
    lp.col_upper_ = np.array([inf if v is None else _f(v) for v in hi])
    lp.row_lower_ = np.array([_f(b) if op in (">=", "==") else -inf for _, _, op, b in rows])
    lp.row_upper_ = np.array([_f(b) if op in ("<=", "==") else inf for _, _, op, b in rows])
    lp.sense_ = highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize
    start: list[int] = [0]  # the row-wise sparse matrix: row starts, column indices, values
    index: list[int] = []
    value: list[float] = []  # float-ok: HiGHS's copy of the coefficients
    by_id: dict[int, float] = {}  # float-ok: the rows share coefficient objects (all alive here)
    look = by_id.__getitem__
    for _, coeffs, _, _ in rows:
        index.extend(coeffs)
        try:
            fl = list(map(look, map(id, coeffs.values())))
        except KeyError:
            by_id.update((id(c), _f(c)) for c in coeffs.values())
            fl = list(map(look, map(id, coeffs.values())))
        value.extend(fl)
        start.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
    lp.a_matrix_.start_ = np.array(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value)
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("presolve", "on")  # HiGHS postsolves: the basis it reports is of this LP
    h.setOptionValue("solver", "simplex")
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))  # float-ok: wall clock
    h.passModel(lp)
    return h


def certificate(problem: Mapping[str, Any], x: list[fmpq], y: list[fmpq]) -> tuple[dict[str, Any] | None, str]:
    """The optimal certificate of primal ``x`` and duals ``y`` (by column and row index),
    if the independent checker accepts it; else ``None`` and the checker's reason."""

    names = list(problem["variables"])
    rows = problem.get("constraints") or []
    index = {v: j for j, v in enumerate(names)}
    value = sum((Q(c) * x[index[v]] for v, c in (problem.get("objective") or {}).items()), fmpq(0))
    cert: dict[str, Any] = {
        "format": LP_FORMAT,
        "problem": problem_copy(problem),
        "status": "optimal",
        "value": fmt(value),
        "primal": {names[j]: fmt(x[j]) for j in range(len(names))},
        "dual": {rows[i]["name"]: fmt(y[i]) for i in range(len(rows))},
    }
    ok, why = verify_certificate(cert)
    if not ok:
        return None, f"HiGHS's basis is not optimal in exact arithmetic ({why})"
    return cert, f"value {fmt(value)}"


def solve_hinted(problem: Mapping[str, Any], *, time_limit: float | None = None,  # float-ok: wall clock
                 trace: Callable[[str], None] | None = None,
                 basis_out: list[tuple[list[int], list[int]]] | None = None) -> dict[str, Any] | None:
    """A verified optimal certificate from HiGHS's basis re-solved exactly, or ``None``
    when the hint does not yield one (the caller then uses the exact simplex) — also when
    a number of the LP does not fit in a double (|x| > 1.8·10³⁰⁸).  When it returns ``None``
    after HiGHS reported a basis, that basis is appended to ``basis_out`` as
    ``(basic, upper)`` in the indexing of :func:`exactmd.lp.revised.revised_simplex`
    (j < n a column, n + i the activity of row i), for the exact simplex to start from."""
    last: list[tuple[list[int], list[int]]] = []
    try:
        cert = _solve_hinted(problem, time_limit=time_limit, trace=trace, last=last)
    except OverflowError:
        if trace:
            trace("float hint: a number of this LP does not fit in a double; no hint")
        return None
    if cert is None and last and basis_out is not None:
        basis_out.append(last[-1])
    return cert


def _solve_hinted(problem: Mapping[str, Any], *, time_limit: float | None,  # float-ok: wall clock
                  trace: Callable[[str], None] | None, last: list[tuple[list[int], list[int]]]) -> dict[str, Any] | None:
    import highspy
    import numpy as np


    started = time.monotonic()
    sense, names, lo, hi, obj, rows = parse_problem(problem)
    n, m = len(names), len(rows)
    if m == 0:
        return None
    h = highs_model(sense, lo, hi, obj, rows, time_limit=time_limit)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        if trace:
            trace(f"float hint: HiGHS reports {h.modelStatusToString(h.getModelStatus())}; no hint")
        return None

    def attempt() -> tuple[Any, ...]:
        basis = h.getBasis()
        if not basis.valid:
            return None, "HiGHS reports no valid basis", None, None
        h.setBasis(basis)  # makes HiGHS factorise B even when it solved the LP without doing so
        S = highspy.HighsBasisStatus
        cstat, rstat = list(basis.col_status), list(basis.row_status)
        basic = [int(k) for k in h.getBasicVariables()[1]]  # ≥ 0: column; < 0: row −1−k
        if len(basic) != m:
            return None, "HiGHS's basis has the wrong size", None, None
        last.append(([k if k >= 0 else n - 1 - k for k in basic],
                     [j for j, st in enumerate(cstat) if st == S.kUpper] + [n + i for i, st in enumerate(rstat) if st == S.kUpper]))
        # exact values of the nonbasic columns and row activities
        x: list[fmpq | None] = [None] * n
        for j, s in enumerate(cstat):
            if s == S.kBasic:
                continue
            if s == S.kLower and lo[j] is not None:
                x[j] = lo[j]
            elif s == S.kUpper and hi[j] is not None:
                x[j] = hi[j]
            elif lo[j] is None and hi[j] is None:
                x[j] = fmpq(0)
            elif lo[j] is not None and (hi[j] is None or s != S.kUpper):
                x[j] = lo[j]
            else:
                x[j] = hi[j]
        b = []
        fixed = {j: v for j, v in enumerate(x) if v}  # the nonzero nonbasic values
        for i, (_, coeffs, op, bi) in enumerate(rows):
            rhs = -sum((a * v for j, a in coeffs.items() if (v := fixed.get(j)) is not None), fmpq(0))
            if rstat[i] != S.kBasic:
                rhs += bi  # activity at its bound (the row's only finite bound)
            b.append(rhs)
        cols: dict[int, list[tuple[int, fmpq]]] = {}  # basic structural columns, column-wise
        pos = {k: t for t, k in enumerate(basic)}
        for i, (_, coeffs, _, _) in enumerate(rows):
            for j, a in coeffs.items():
                if j in pos:
                    cols.setdefault(j, []).append((i, a))

        def bvec(z: list[fmpq]) -> list[fmpq]:  # B z
            out = [fmpq(0)] * m
            for t, k in enumerate(basic):
                zt = z[t]
                if zt == 0:
                    continue
                if k >= 0:
                    for i, a in cols.get(k, ()):
                        out[i] += a * zt
                else:
                    out[-1 - k] += zt
            return out

        def btvec(y: list[fmpq]) -> list[fmpq]:  # Bᵀ y, row by row over the nonzero y_i
            out = [y[-1 - k] if k < 0 else fmpq(0) for k in basic]
            for i, yi in enumerate(y):
                if yi:
                    for j, a in rows[i][1].items():
                        t = pos.get(j)
                        if t is not None:
                            out[t] += a * yi
            return out

        def fsolve(v: list[float]) -> Any:  # float-ok: HiGHS's factorisation of B
            return h.getBasisSolve(np.array(v))[1]

        def ftsolve(v: list[float]) -> Any:  # float-ok: HiGHS's factorisation of Bᵀ
            return h.getBasisTransposeSolve(np.array(v))[1]

        z = refine(bvec, fsolve, b)
        if z is None:
            return None, "the basic solution was not reconstructed exactly", None, None
        for t, k in enumerate(basic):
            if k >= 0:
                x[k] = z[t]
        cb = [obj.get(k, fmpq(0)) if k >= 0 else fmpq(0) for k in basic]
        y = refine(btvec, ftsolve, cb)
        if y is None:
            return None, "the duals were not reconstructed exactly", None, None
        cert, why = certificate(problem, x, y)  # type: ignore[arg-type]
        return cert, why, x, y

    pivots = 0
    warm: tuple[list[fmpq], list[fmpq]] | None = None
    for round_ in range(2):
        if warm is not None:  # the exact pivots' own basic solution and duals
            cert, why = certificate(problem, *warm)
            xs, ys = warm
        else:
            cert, why, xs, ys = attempt()
        if cert is not None:
            if trace:
                trace(f"float hint: HiGHS's basis re-solved exactly and verified ({why})"
                      + (f" after {pivots} exact pivot{'s' if pivots != 1 else ''} from it" if pivots else "")
                      + (" after HiGHS continued from its first basis with tighter tolerances" if round_ and not pivots else ""))
            cert["pivots"] = pivots
            return cert
        if trace:
            trace(f"float hint: {why}")
        if round_ == 1:
            break
        if xs is not None and ys is not None:

            deadline = None if time_limit is None else started + time_limit
            outcome, pivots, xw, yw = continue_exactly(h, sense, lo, hi, obj, rows, xs, ys, max_pivots=MAX_PIVOTS,
                                                       deadline=deadline, trace=trace)
            if trace:
                trace(f"float hint: {pivots} exact pivot{'s' if pivots != 1 else ''} from HiGHS's basis: {outcome}")
            if outcome == "optimal":
                warm = (xw, yw)
                continue
            if outcome != "neither":
                break
        # let HiGHS continue from this basis with tolerances near the double limit
        h.setOptionValue("primal_feasibility_tolerance", TIGHT)
        h.setOptionValue("dual_feasibility_tolerance", TIGHT)
        h.setBasis(h.getBasis())
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            break
        if trace:
            trace("float hint: HiGHS continued from its basis with tolerances 1e-10")
    return None
