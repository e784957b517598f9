"""Vartiainen (2014), Appendix A.1, proof of Proposition 2: identities (16)–(17) and the
discrete envelope, as symbolic checks (``exactmd-symbolic-check/1``, :mod:`exactmd.symbolic`).

``summation_by_parts(n)`` and ``discrete_envelope(n)`` write the documents; the
generators are registered by the plug-in as the checks ``summation-by-parts`` and
``discrete-envelope``, so that ``exactmd verify`` regenerates them.
"""

from __future__ import annotations

from typing import Any

from exactmd.symbolic import document

__all__ = ["CHECKS", "summation_by_parts", "discrete_envelope"]


def _masses(n: int) -> tuple[Any, Any, dict[Any, Any]]:
    import sympy

    p = sympy.symbols(f"p0:{n}")
    a = sympy.symbols(f"a0:{n}")
    return p, a, {p[-1]: 1 - sum(p[:-1])}  # masses sum to one


def _summation_by_parts(n: int) -> tuple[str, list[str], list[tuple[str, Any, Any]]]:
    p, a, sub = _masses(n)
    P = [sum(p[: k + 1]) for k in range(n)]
    A = [sum(a[: k + 1]) for k in range(n)]
    Aprev = [0] + A[:-1]
    lhs16 = sum(p[k] * Aprev[k] for k in range(n)).subs(sub)
    rhs16 = sum(a[k] * (1 - P[k]) for k in range(n)).subs(sub)
    lhs17 = sum(p[k] * (A[-1] - Aprev[k]) for k in range(n)).subs(sub)
    rhs17 = sum(a[k] * P[k] for k in range(n)).subs(sub)
    return (
        f"Vartiainen (2014), proof of Proposition 2, identities (16) and (17) for {n} types",
        [str(s) for s in p + a],
        [("(16)", lhs16, rhs16), ("(17)", lhs17, rhs17)],
    )


def _discrete_envelope(n: int) -> tuple[str, list[str], list[tuple[str, Any, Any]]]:
    import sympy

    p, a, sub = _masses(n)
    V0, D = sympy.symbols("V0 Delta")
    V = [V0 + D * sum(a[:k]) for k in range(n)]
    P = [sum(p[: k + 1]) for k in range(n)]
    lhs = sum(p[k] * V[k] for k in range(n)).subs(sub)
    rhs = (V0 + D * sum(a[k] * (1 - P[k]) for k in range(n))).subs(sub)
    return (
        f"Discrete envelope for {n} types on a grid of step Delta: expected information rent",
        [str(s) for s in p + a] + ["V0", "Delta"],
        [("rent", lhs, rhs)],
    )


#: the checks this paper registers: name → generator of (statement, symbols, identities)
CHECKS = {"summation-by-parts": _summation_by_parts, "discrete-envelope": _discrete_envelope}


def summation_by_parts(n: int) -> dict[str, Any]:
    """Vartiainen (16) and (17) for n types with symbolic masses p_k and trade rates a_k.

    (16): Σ_t p_1(t) A_1(t') = Σ_t a_1(t)(1 − P_1(t)), with A_1(t') the cumulative of a_1
    up to the predecessor t' of t (0 for the lowest type) and Σ p = 1;
    (17): Σ_t p_2(t)[A_2(1) − A_2(t')] = Σ_t a_2(t) P_2(t).
    """
    return document("summation-by-parts", _summation_by_parts, n)


def discrete_envelope(n: int) -> dict[str, Any]:
    """With binding local downward IC on a grid of step Δ, V_1(θ_k) = V_1(θ_0) + Δ Σ_{j<k} a_1(θ_j),
    and the buyer's expected rent is Σ_k p_k V_1(θ_k) = V_1(θ_0) + Δ Σ_k a_1(θ_k)(1 − P_1(θ_k)):
    the virtual value is θ − Δ(1 − P_1(θ))/p_1(θ), with the grid step Δ that the text's c_1 omits."""
    return document("discrete-envelope", _discrete_envelope, n)
