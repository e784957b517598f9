"""sympy's exact simplex on a problem dict: an independent reference for tests and benchmarks.

It shares no code with exactmd's simplex; it is slow (use it on small LPs only).

The problem is handed to ``sympy.solvers.simplex.linprog`` as matrices in the
problem's own variable and row order. (``lpmax``/``lpmin`` order the columns by
the free symbols of the expressions, a set whose order depends on the string hash
seed; on some seeds its pivoting then runs for minutes on an 18-variable LP. The
matrix form is the same algorithm with one fixed order, so every run does the same
pivots.)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

__all__ = ["ReferenceSolverError", "sympy_lp_value"]


class ReferenceSolverError(AssertionError):
    """sympy's simplex returned a point that breaks a constraint of the problem."""


def sympy_lp_value(problem: dict[str, Any]) -> Fraction:
    """The optimal value of a bounded, feasible problem by ``sympy.solvers.simplex.linprog``.

    Bounds are turned into nonnegative columns here (x = lo + y, x = hi − y, or
    x = y⁺ − y⁻, and a row y ≤ hi − lo), so sympy sees only its standard form.
    """
    import sympy
    from sympy.solvers.simplex import linprog

    R = sympy.Rational
    # Column map: variable -> list of (column, sign); constant shift per variable.
    cols: dict[str, list[tuple[int, int]]] = {}
    shift: dict[str, Any] = {}
    extra: list[tuple[int, Any]] = []  # rows y_col <= width
    n = 0
    for v, (lo, hi) in problem["variables"].items():
        if lo is not None:
            cols[v], shift[v] = [(n, 1)], R(lo)
            if hi is not None:
                extra.append((n, R(hi) - R(lo)))
            n += 1
        elif hi is not None:
            cols[v], shift[v] = [(n, -1)], R(hi)
            n += 1
        else:
            cols[v], shift[v] = [(n, 1), (n + 1, -1)], R(0)
            n += 2

    def row(coeffs: dict[str, str], sign: int = 1) -> tuple[list[Any], Any]:
        r, const = [sympy.Integer(0)] * n, sympy.Integer(0)
        for v, a in coeffs.items():
            a = sign * R(a)
            for k, s in cols[v]:
                r[k] += s * a
            const += a * shift[v]
        return r, const

    A, b, A_eq, b_eq = [], [], [], []
    for c in problem["constraints"]:
        if c["op"] == "==":
            r, const = row(c["coeffs"])
            A_eq.append(r)
            b_eq.append(R(c["rhs"]) - const)
        else:
            sign = 1 if c["op"] == "<=" else -1
            r, const = row(c["coeffs"], sign)
            A.append(r)
            b.append(sign * R(c["rhs"]) - const)
    for k, width in extra:
        r = [sympy.Integer(0)] * n
        r[k] = sympy.Integer(1)
        A.append(r)
        b.append(width)
    sign = -1 if problem["sense"] == "max" else 1
    c, const = row(problem["objective"], sign)
    A_, b_ = (sympy.Matrix(A), sympy.Matrix(b)) if A else (None, None)
    Ae, be = (sympy.Matrix(A_eq), sympy.Matrix(b_eq)) if A_eq else (None, None)
    from sympy.solvers.simplex import InfeasibleLPError, UnboundedLPError

    try:
        val, point = linprog(sympy.Matrix([c]), A_, b_, Ae, be)
    except (InfeasibleLPError, UnboundedLPError) as e:
        # Only bounded, feasible problems are handed to the reference; sympy's
        # simplex can still give up on one ("Oscillating system ...").
        raise ReferenceSolverError(f"sympy's linprog failed: {str(e).strip()}") from e
    # sympy 1.14's simplex can return an infeasible point (e.g. max y with y = 1
    # written as two inequalities returns y = 2), so its answer is checked here.
    point = list(point)
    bad = [k for k, (r, rhs) in enumerate(zip(A, b)) if sum(a * p for a, p in zip(r, point)) > rhs]
    bad += [k for k, (r, rhs) in enumerate(zip(A_eq, b_eq)) if sum(a * p for a, p in zip(r, point)) != rhs]
    if bad or any(p < 0 for p in point):
        raise ReferenceSolverError(f"sympy's linprog returned an infeasible point {point}")
    val = sign * (sympy.Rational(val) + const)
    return Fraction(int(val.p), int(val.q))
