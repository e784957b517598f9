"""sympy's exact simplex on a problem dict: an independent reference for tests and benchmarks.

It shares no code with exactmd's simplex; it is slow (use it on small LPs only).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

__all__ = ["sympy_lp_value"]


def sympy_lp_value(problem: dict[str, Any]) -> Fraction:
    """The optimal value of a bounded, feasible problem by ``sympy.solvers.simplex``."""
    import sympy
    from sympy.solvers.simplex import lpmax, lpmin

    syms = {v: sympy.Symbol(f"x{k}") for k, v in enumerate(problem["variables"])}
    cons = []
    for v, (lo, hi) in problem["variables"].items():
        if lo is not None:
            cons.append(syms[v] >= sympy.Rational(lo))
        if hi is not None:
            cons.append(syms[v] <= sympy.Rational(hi))
    for c in problem["constraints"]:
        lhs = sum(sympy.Rational(a) * syms[v] for v, a in c["coeffs"].items())
        rhs = sympy.Rational(c["rhs"])
        cons.append({"<=": lhs <= rhs, ">=": lhs >= rhs, "==": sympy.Eq(lhs, rhs)}[c["op"]])
    obj = sum(sympy.Rational(a) * syms[v] for v, a in problem["objective"].items())
    val = (lpmax if problem["sense"] == "max" else lpmin)(obj, cons)[0]
    return Fraction(int(val.p), int(val.q))
