"""Symbolic checks (sympy) of the algebra in the papers' proofs, as re-checkable documents.

A symbolic check (format ``exactmd-symbolic-check/1``) states identities ``lhs == rhs``
between sympy expressions written as strings, over named symbols.  ``verify_symbolic``
re-parses the strings with sympy and checks that ``expand(lhs − rhs)`` is 0 — so the
check is re-done from the file, not trusted.  (This verifier uses sympy, unlike the LP
verifier, which uses only ``fractions``.)
"""

from __future__ import annotations

from typing import Any

__all__ = ["SYMBOLIC_FORMAT", "summation_by_parts", "discrete_envelope", "verify_symbolic"]

SYMBOLIC_FORMAT = "exactmd-symbolic-check/1"


def _doc(statement: str, symbols: list[str], identities: list[tuple[str, Any, Any]]) -> dict[str, Any]:
    import sympy

    out = []
    for name, lhs, rhs in identities:
        ok = sympy.expand(lhs - rhs) == 0
        out.append({"name": name, "lhs": str(lhs), "rhs": str(rhs), "holds": bool(ok)})
    return {"format": SYMBOLIC_FORMAT, "statement": statement, "symbols": symbols, "identities": out}


def summation_by_parts(n: int) -> dict[str, Any]:
    """Vartiainen (16) and (17) for n types with symbolic masses p_k and trade rates a_k.

    (16): Σ_t p_1(t) A_1(t') = Σ_t a_1(t)(1 − P_1(t)), with A_1(t') the cumulative of a_1
    up to the predecessor t' of t (0 for the lowest type) and Σ p = 1;
    (17): Σ_t p_2(t)[A_2(1) − A_2(t')] = Σ_t a_2(t) P_2(t).
    """
    import sympy

    p = sympy.symbols(f"p0:{n}")
    a = sympy.symbols(f"a0:{n}")
    sub = {p[-1]: 1 - sum(p[:-1])}  # masses sum to one
    P = [sum(p[: k + 1]) for k in range(n)]
    A = [sum(a[: k + 1]) for k in range(n)]
    Aprev = [0] + A[:-1]
    lhs16 = sum(p[k] * Aprev[k] for k in range(n)).subs(sub)
    rhs16 = sum(a[k] * (1 - P[k]) for k in range(n)).subs(sub)
    lhs17 = sum(p[k] * (A[-1] - Aprev[k]) for k in range(n)).subs(sub)
    rhs17 = sum(a[k] * P[k] for k in range(n)).subs(sub)
    return _doc(
        f"Vartiainen (2014), proof of Proposition 2, identities (16) and (17) for {n} types",
        [str(s) for s in p + a],
        [("(16)", lhs16, rhs16), ("(17)", lhs17, rhs17)],
    )


def discrete_envelope(n: int) -> dict[str, Any]:
    """With binding local downward IC on a grid of step Δ, V_1(θ_k) = V_1(θ_0) + Δ Σ_{j<k} a_1(θ_j),
    and the buyer's expected rent is Σ_k p_k V_1(θ_k) = V_1(θ_0) + Δ Σ_k a_1(θ_k)(1 − P_1(θ_k)):
    the virtual value is θ − Δ(1 − P_1(θ))/p_1(θ), with the grid step Δ that the text's c_1 omits."""
    import sympy

    p = sympy.symbols(f"p0:{n}")
    a = sympy.symbols(f"a0:{n}")
    V0, D = sympy.symbols("V0 Delta")
    sub = {p[-1]: 1 - sum(p[:-1])}
    V = [V0 + D * sum(a[:k]) for k in range(n)]
    P = [sum(p[: k + 1]) for k in range(n)]
    lhs = sum(p[k] * V[k] for k in range(n)).subs(sub)
    rhs = (V0 + D * sum(a[k] * (1 - P[k]) for k in range(n))).subs(sub)
    return _doc(
        f"Discrete envelope for {n} types on a grid of step Delta: expected information rent",
        [str(s) for s in p + a] + ["V0", "Delta"],
        [("rent", lhs, rhs)],
    )


def verify_symbolic(doc: dict[str, Any]) -> tuple[bool, str]:
    """Re-parse every identity and check expand(lhs − rhs) == 0 where ``holds`` is true (and ≠ 0 where false)."""
    import sympy

    try:
        if doc.get("format") != SYMBOLIC_FORMAT:
            return False, f"format {doc.get('format')!r} is not {SYMBOLIC_FORMAT!r}"
        ids = doc["identities"]
        for e in ids:
            names = {n: sympy.Symbol(n) for n in doc["symbols"]}
            lhs = sympy.parse_expr(e["lhs"], local_dict=names)
            rhs = sympy.parse_expr(e["rhs"], local_dict=names)
            zero = sympy.expand(lhs - rhs) == 0
            if zero != bool(e["holds"]):
                return False, f"identity {e['name']}: stated holds={e['holds']}, but expand(lhs - rhs) == 0 is {zero}"
        return True, f"{doc['statement']}: {len(ids)} identities re-checked with sympy"
    except (KeyError, TypeError, SyntaxError, ValueError, sympy.SympifyError) as err:
        return False, f"malformed symbolic check: {err}"
