"""Lemma 7's continuation problem (Vartiainen 2014, §5, Lemma 7 and its proof).

The continuation environment on {t, t̄}² with g*'s outcomes of eq. (13), the key step
of case 1 of the proof (steps (a)–(g)) as exact questions, and the continuation devices
r* and r** of eq. (15).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flint import fmpq

from ...environment import Environment
from ...errors import ModelError
from ...rational import Q, fmt

__all__ = ["lemma_7_environment", "lemma_7", "continuation_devices"]


# ---------------------------------------------------------------------------------
# Lemma 7's key step (case 1 of its proof, steps (a)–(g))
def lemma_7_environment(t_lo: Any, t_hi: Any, weights: Sequence[Any]) -> Environment:
    """The continuation problem of Lemma 7: types {t, t̄} for both agents, a belief on
    {(t̄, t̄), (t̄, t), (t, t)} with the given weights (in that order), and the outcomes
    of g* in eq. (13): ``N`` = (0, 0), ``T_lo`` = (1, t), ``T_mid`` = (1, (t̄ + t)/2),
    ``T_hi`` = (1, t̄) — trade at a price from buyer to seller."""
    lo, hi = Q(t_lo, name="t"), Q(t_hi, name="t̄")
    if not lo < hi:
        raise ModelError(f"Lemma 7 needs t < t̄, got t = {fmt(lo)}, t̄ = {fmt(hi)}")
    w = [Q(x, name="weight") for x in weights]
    if len(w) != 3 or any(x <= 0 for x in w) or sum(w, fmpq(0)) != 1:
        raise ModelError("weights must be three positive masses on (t̄,t̄), (t̄,t), (t,t) summing to 1")
    price = {"N": None, "T_lo": lo, "T_mid": (lo + hi) / 2, "T_hi": hi}
    prior = {(hi, hi): w[0], (hi, lo): w[1], (lo, lo): w[2]}

    def u(i: int, x: str, th: tuple) -> fmpq:
        p = price[x]
        if p is None:
            return fmpq(0)
        return th[0] - p if i == 0 else p - th[1]

    return Environment.finite([[lo, hi], [lo, hi]], prior, list(price), u, agents=["buyer", "seller"],
                              name=f"Lemma 7 continuation, t = {fmt(lo)}, t̄ = {fmt(hi)}, weights {[fmt(x) for x in w]}")


def lemma_7(t_lo: Any, t_hi: Any, weights: Sequence[Any], ir: str = "interim-IR") -> tuple[Any, Any]:
    """Lemma 7, case 1, as exact questions under a belief on {(t̄,t̄), (t̄,t), (t,t)}.

    Returns ``(key_step, unrestricted)``:

    * ``key_step`` — steps (a)–(b) of the proof leave only devices whose every signal on
      the support carries a trade outcome of g* (eq. 13); steps (c)–(g) claim that no
      such device is IC and IR.  Decided as the feasibility of IC + IR with f(N : θ) = 0
      on the support (infeasible: Farkas certificate; feasible: a witness).
    * ``unrestricted`` — the largest trade probability of any IC + IR mechanism with
      g*'s outcomes (no (a)–(b)): positive means that the restriction to separating
      signals, not incentives alone, is what rules trade out.

    ``ir`` is ``"interim-IR"`` or ``"ex-post-IR"`` (§4.1).  Outcomes of g* are budget
    balanced by construction.
    """
    from ...constraints import Fixed, fvar
    from ...design import feasible_mechanism, optimal_mechanism

    if ir not in ("interim-IR", "ex-post-IR"):
        raise ModelError(f"ir={ir!r} must be 'interim-IR' or 'ex-post-IR'")
    env = lemma_7_environment(t_lo, t_hi, weights)
    supp = env.prior.support()
    key = feasible_mechanism(env, ["IC", ir, Fixed({fvar("N", th): 0 for th in supp})])
    trade = {fvar(x, th): env.prior[th] for th in supp for x in ("T_lo", "T_mid", "T_hi")}
    unrestricted = optimal_mechanism(env, ["IC", ir], trade)
    return key, unrestricted


def continuation_devices(t_lo: Any, t_hi: Any, weights: Sequence[Any], ir: str = "interim-IR") -> dict[str, Any]:
    """The continuation devices of eq. (15) with g* of eq. (13), checked exactly.

    * case 2: r*(θ) = ⟨t̄, t⟩ at θ = (t̄, t), else 0, under the belief on
      {(t̄,t̄), (t̄,t), (t,t)} with the given weights;
    * case 4: r**(θ) = ⟨t, t⟩ at (t, t), ⟨t̄, t̄⟩ at (t̄, t̄), else 0, under that belief
      conditioned on {(t̄,t̄), (t,t)}.

    Returns ``{"r*": CheckReport, "r**": CheckReport}`` for IC and ``ir``.
    """
    from ...constraints import check
    from ...mechanism import OutcomeFunction

    env = lemma_7_environment(t_lo, t_hi, weights)
    lo, hi = Q(t_lo), Q(t_hi)
    r_case2 = OutcomeFunction(env, lambda th: {"T_mid": 1} if th == (hi, lo) else {"N": 1})
    w = [Q(x) for x in weights]
    diag = {(hi, hi): w[0] / (w[0] + w[2]), (lo, lo): w[2] / (w[0] + w[2])}
    env4 = env.with_prior(diag)
    r_case4 = OutcomeFunction(env4, lambda th: {"T_hi": 1} if th == (hi, hi) else ({"T_lo": 1} if th == (lo, lo) else {"N": 1}))
    return {"r*": check(r_case2, ["IC", ir]), "r**": check(r_case4, ["IC", ir])}
