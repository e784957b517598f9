"""Neeman–Pavlov (2007), §4.1.2: Proposition 3 decided (independent private values).

A feasible mechanism is ex post oracle renegotiation-proof iff it is VCG in expectation:
both directions on one instance, one certified LP per check (:func:`proposition_3`).  (The
module is named for the proposition's hypothesis so that it does not shadow the function
``proposition_3`` that the package re-exports.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flint import fmpq

from exactmd.belief import label
from exactmd.encoding import qvar, tvar
from exactmd.environment import Environment
from exactmd.lp.solution import LPResult
from exactmd.rational import fmt

from .oracle import oracle_rp_model
from .questions import solve_certified
from .welfare import _is_independent, _private_values


@dataclass(frozen=True)
class Prop3Report:
    """Proposition 3 decided on one IPV instance, both directions."""

    applicable: bool
    why_not: str
    if_holds: bool | None  # every BB VCG-in-expectation mechanism satisfies every ORP row
    only_if_holds: bool | None  # every BB oracle-RP mechanism is VCG in expectation
    orp: LPResult | None
    vcge: LPResult | None
    checks: tuple[LPResult, ...]
    counterexample: str = ""
    certificates: tuple[tuple[str, dict[str, Any]], ...] = ()


def proposition_3(env: Environment, budget: str = "balanced") -> Prop3Report:
    """Decide Proposition 3 (independent private values): a feasible mechanism is ex post
    oracle renegotiation-proof iff it is VCG in expectation.

    IF: for every ORP row, its minimum slack over the budget-balanced VCG-in-expectation
    mechanisms (efficient truthful outcomes, rows ``VCGE``) is ≥ 0 — one LP per row.
    ONLY IF: over the ORP set, each difference D_i(θ_i) − D_i(θ'_i) of the expected VCG
    residuals D_i(θ_i) = E[t_i − Σ_{j≠i} v_j] has min = max = 0 — two LPs per pair.
    """
    if not _private_values(env):
        return Prop3Report(False, "values are not private", None, None, None, None, ())
    if not _is_independent(env):
        return Prop3Report(False, "types are not independent", None, None, None, None, ())
    checks: list[LPResult] = []
    certs: list[tuple[str, dict[str, Any]]] = []
    orp, c = solve_certified(env, "oracle", budget)
    certs.append(("oracle-rp-set", c))
    vcge, c = solve_certified(env, "vcg-in-expectation", budget)
    certs.append(("vcg-in-expectation-set", c))
    if_holds, counter = True, ""
    if vcge.status.value == "optimal":
        full = oracle_rp_model(env, budget)
        for name, co, op, b in full.rows():
            if not name.startswith("ORP["):
                continue
            r, c = solve_certified(env, "vcg-in-expectation", budget, co, "min")  # min of the left side of the ORP row
            checks.append(r)
            certs.append((f"if-{name}", c))
            if r.status.value == "optimal":
                assert r.value is not None  # an optimal answer to a question with an objective has its value
                violated = r.value < b
            else:
                violated = True
            if violated:
                if_holds = False
                counter = (f"a VCG-in-expectation mechanism violates {name}: min lhs "
                           f"{fmt(r.value) if r.value is not None else '-inf'} < {fmt(b)}")
                break
    only_if = True
    if orp.status.value == "optimal":
        p = env.prior
        for i in range(env.n):
            marg = p.marginal(i)
            types = [t for t in env.types[i] if marg[t] != 0]
            for ti, tj in zip(types, types[1:]):
                expr: dict[str, fmpq] = {}
                for sign, tt in ((1, ti), (-1, tj)):
                    for th in env.profiles():
                        if th[i] != tt or p[th] == 0:
                            continue
                        w = sign * p[th] / marg[tt]  # E over θ_-i given θ_i = tt
                        expr[tvar(env, i, th)] = expr.get(tvar(env, i, th), fmpq(0)) + w
                        for a in env.outcomes:
                            vj = sum((env.valuation(j, a, th) for j in range(env.n) if j != i), fmpq(0))
                            if vj != 0:
                                expr[qvar(a, th)] = expr.get(qvar(a, th), fmpq(0)) - w * vj
                expr = {v: c for v, c in expr.items() if c != 0}
                for sense in ("min", "max"):
                    what = f"D_{env.agents[i]}({label(ti)}) − D_{env.agents[i]}({label(tj)})"
                    r, c = solve_certified(env, "oracle", budget, expr, sense)
                    checks.append(r)
                    certs.append((f"only-if-{env.agents[i]}-{label(ti)}-{label(tj)}-{sense}", c))
                    if r.status.value != "optimal" or r.value != 0:
                        only_if = False
                        counter = counter or (f"an oracle-RP mechanism is not VCG in expectation: {what} has {sense} "
                                              f"{fmt(r.value) if r.value is not None else r.status.value}")
    return Prop3Report(True, "", if_holds, only_if, orp, vcge, tuple(checks), counter, tuple(certs))
