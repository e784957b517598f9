"""Lemma 7's continuation problem and choice rule (Vartiainen 2014, §5, Lemma 7 and its proof).

The continuation environment on {t, t̄}² with g*'s outcomes of eq. (13), the key step
of case 1 of the proof (steps (a)–(g)) as exact questions, the continuation devices
r* and r** of eq. (15), the choice rule σ* of eqs. (13)–(15) as a finite-state rule
(:mod:`exactmd.papers.vartiainen2014.choice_rules`), and the nine cases of the proof.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flint import fmpq

from ...belief import Belief, profile_label
from ...environment import Environment
from ...errors import ModelError
from ...mechanism import Device
from ...rational import Q, fmt
from .choice_rules import STOP, FiniteStateRule, check_rule_at
from .commitment import Composite
from exactmd.constraints import Fixed, check, fvar
from exactmd.design import feasible_mechanism, optimal_mechanism
from exactmd.mechanism import OutcomeFunction

__all__ = ["lemma_7_environment", "lemma_7", "continuation_devices", "sigma_star", "lemma_7_cases"]


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
    env = lemma_7_environment(t_lo, t_hi, weights)
    lo, hi = Q(t_lo), Q(t_hi)
    r_case2 = OutcomeFunction(env, lambda th: {"T_mid": 1} if th == (hi, lo) else {"N": 1})
    w = [Q(x) for x in weights]
    diag = {(hi, hi): w[0] / (w[0] + w[2]), (lo, lo): w[2] / (w[0] + w[2])}
    env4 = env.with_prior(diag)
    r_case4 = OutcomeFunction(env4, lambda th: {"T_hi": 1} if th == (hi, hi) else ({"T_lo": 1} if th == (lo, lo) else {"N": 1}))
    return {"r*": check(r_case2, ["IC", ir]), "r**": check(r_case4, ["IC", ir])}


# ---------------------------------------------------------------------------------
# Lemma 7's choice rule σ* (eqs. 13–15) as a finite-state rule, and the nine cases
SIGNALS_13 = ("<hi,hi>", "<hi,lo>", "<lo,lo>", "0")
G_STAR_13 = {"<hi,hi>": "T_hi", "<hi,lo>": "T_mid", "<lo,lo>": "T_lo", "0": "N"}


def sigma_star(t_lo: Any, t_hi: Any, weights: Sequence[Any] = ("1/3", "1/3", "1/3"), ir: str | None = "interim-IR",
               reading: str = "current") -> Any:
    """σ* of eq. (15) with g* of eq. (13) on :func:`lemma_7_environment`, as a
    :class:`~exactmd.papers.vartiainen2014.choice_rules.FiniteStateRule` (phases by eq. 14;
    ``reading`` says whose phase (15)'s conditions test — see
    :class:`~exactmd.papers.vartiainen2014.choice_rules.FiniteStateRule`)."""
    env = lemma_7_environment(t_lo, t_hi, weights)
    lo, hi = Q(t_lo), Q(t_hi)
    HH, HL, LL = (hi, hi), (hi, lo), (lo, lo)

    def dev(rule: Any) -> Any:
        return Composite(Device(env.types, lambda th: {rule(th): 1}), dict(G_STAR_13))

    one = {s: dev(lambda th, s=s: s) for s in SIGNALS_13}
    r_star = dev(lambda th: "<hi,lo>" if th == HL else "0")
    r_2star = dev(lambda th: "<lo,lo>" if th == LL else ("<hi,hi>" if th == HH else "0"))
    own = {frozenset({HL, LL}): "<lo,lo>", frozenset({HH, HL}): "<hi,hi>", frozenset({HH}): "<hi,hi>",
           frozenset({HL}): "<hi,lo>", frozenset({LL}): "<lo,lo>"}

    def action(phase: int, S: frozenset, s: str) -> Any:
        if S == frozenset({HH, HL, LL}):
            return (STOP if s == "0" else one["0"]) if phase == 0 else r_star
        if S == frozenset({HH, LL}):
            return (STOP if s == "0" else one["0"]) if phase == 0 else r_2star
        if S in own:
            return STOP if s == own[S] else one[own[S]]
        raise ModelError(f"σ* is not defined at support {sorted(profile_label(t) for t in S)}")

    def next_phase(phase: int, S: frozenset) -> int:
        return 1 if phase == 0 and {HH, LL} <= S else 0

    if reading not in ("current", "previous"):
        raise ModelError(f"reading={reading!r} must be 'current' or 'previous'")
    return FiniteStateRule(env, SIGNALS_13, dict(G_STAR_13), action, next_phase, ir, reading)


LEMMA_7_CASES = (  # (case, support, phase of h, the choice set the proof states)
    (1, ("HH", "HL", "LL"), 0, "C \\ {1_0} = ∅"),
    (2, ("HH", "HL", "LL"), 1, "{r ∈ IC : g*(s) = σ*(h, (r, s)) for all s}"),
    (3, ("HH", "LL"), 0, "{r ∈ IC : g*(s) = σ*(h, (r, s)) for all s}"),
    (4, ("HH", "LL"), 1, "{r ∈ IC : g*(s) = σ*(h, (r, s)) for all s}"),
    (5, ("HL", "LL"), 0, "{1_<lo,lo>}"),
    (6, ("HH", "HL"), 0, "{1_<hi,hi>}"),
    (7, ("HH",), 0, "{1_<lo,lo>}"),
    (8, ("HL",), 0, "{1_<hi,lo>}"),
    (9, ("LL",), 0, "{1_<hi,hi>}"),
)


def lemma_7_cases(t_lo: Any, t_hi: Any, weights: Sequence[Any] = ("1/3", "1/3", "1/3"), ir: str | None = "interim-IR",
                  reading: str = "current") -> list[dict[str, Any]]:
    """The nine cases of Lemma 7's proof, decided for σ* at the belief ``weights`` on
    {(t̄,t̄), (t̄,t), (t,t)} conditioned on each case's support: for each last signal s,
    σ*(h), the choice set C^σ*(h) (realisable signal patterns), sup v over it, v(σ*(h)),
    strategic and structural consistency
    (:func:`~exactmd.papers.vartiainen2014.choice_rules.check_rule_at`)."""
    rule = sigma_star(t_lo, t_hi, weights, ir, reading)
    env = rule.env
    lo, hi = Q(t_lo), Q(t_hi)
    names = {"HH": (hi, hi), "HL": (hi, lo), "LL": (lo, lo)}
    w = dict(zip(("HH", "HL", "LL"), (Q(x) for x in weights)))
    out = []
    for case, supp, phase, stated in LEMMA_7_CASES:
        tot = sum((w[k] for k in supp), fmpq(0))
        p = Belief(env.types, {names[k]: w[k] / tot for k in supp})
        rows = []
        # the predecessor's phase: with (t̄,t̄) and (t,t) both in the support, h ∈ H¹ iff h⁻ ∈ H⁰ (eq. 14)
        prev = 1 - phase if {"HH", "LL"} <= set(supp) else 0
        memo: dict[tuple, Any] = {}
        for s in SIGNALS_13:
            rows.append(check_rule_at(rule, prev, p, s, _memo=memo))
        out.append({"case": case, "support": list(supp), "phase": f"H{phase}", "stated choice set": stated, "belief": p.to_dict(),
                    "choice set": rows[0].choice_set, "sup": rows[0].sup, "by signal": rows})
    return out



def _action_json(a: Any) -> Any:
    if a is STOP:
        return "stop"
    return a.to_dict()


def lemma_7_cases_json(t_lo: Any, t_hi: Any, weights: Sequence[Any], ir: str | None, reading: str) -> list[dict[str, Any]]:
    """:func:`lemma_7_cases` as JSON (exact numbers as strings)."""
    out = []
    for c in lemma_7_cases(t_lo, t_hi, weights, ir, reading):
        out.append({
            "case": c["case"], "support": c["support"], "phase": c["phase"], "stated choice set": c["stated choice set"],
            "belief": c["belief"],
            "choice set": [{"pattern": x["pattern"], "best value": fmt(x["best value"])} for x in c["choice set"]],
            "sup": None if c["sup"] is None else fmt(c["sup"]),
            "by signal": [{"s": r.signal, "sigma": _action_json(r.action), "value": fmt(r.value),
                           "strategic consistency": list(r.strategic), "Bellman optimal (eps = 0)": r.eps_optimal(0),
                           "structural consistency": list(r.structural)} for r in c["by signal"]],
        })
    return out
