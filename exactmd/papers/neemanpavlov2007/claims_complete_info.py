"""Neeman & Pavlov (2007), §3 (complete information), as claims: §3.2 (every ex post
renegotiation-proof mechanism is interim renegotiation-proof) and a sufficient bound on
the constant M of Proposition 1's punishment mechanism (Appendix, proof of Proposition 1).

Each claim is a :class:`exactmd.claims.Claim` in :data:`CLAIMS`; the plug-in registers them.
"""

from __future__ import annotations

from typing import Any

from flint import fmpq

from exactmd.belief import profile_label
from exactmd.claims import Claim, Domain, Reading, ReadingVerdict, Verdict
from exactmd.environment import Environment
from exactmd.rational import fmt

from .complete_information import qname, tname
from .examples import example_1, example_2, three_players
from .questions import solve_certified
from .welfare import surplus


# ---------------------------------------------------------------------------------
# §3.2: ex post renegotiation-proof ⇒ interim renegotiation-proof
_INTERIM_WORDS = ("In a complete information environment, the players do not learn anything about the state of the world from "
                  "the play of the mechanism. It therefore follows that any equilibrium that the players would want to "
                  "renegotiate in the interim stage they would also want to renegotiate ex-post.")

_INTERIM_READINGS = (
    Reading("budget=balanced", "Interim renegotiation at state θ replaces the mechanism and its equilibrium by another mechanism "
            "and an equilibrium of it that every player weakly and some player strictly prefers; a constant mechanism gives any "
            "feasible outcome, so the equilibrium is interim RP at θ iff no feasible outcome Pareto dominates it, i.e. "
            "Σ_i U_i(θ) = S(θ). Mechanisms balance the budget at every message profile (Propositions 1–2).", _INTERIM_WORDS),
    Reading("budget=feasible", "As budget=balanced, with §2's feasibility: the transfers sum to at most 0 at every message "
            "profile.", _INTERIM_WORDS + " … we require that the sum of these monetary transfer be non-positive"),
)

_INTERIM_DOMAIN = Domain(
    "every mechanism ⟨S, m⟩ and every ex post renegotiation-proof Nash equilibrium of it, in every state",
    "direct mechanisms in which every player reports the state (the ex post RP LP of §3)", True,
    "interim renegotiation-proofness at θ depends on the equilibrium outcome only, and the outcomes of ex post RP equilibria "
    "of any mechanism are the truthful outcomes of an ex post RP direct mechanism (each player's report θ' plays her "
    "equilibrium strategy of state θ'; its unilateral lies are deviations of the original game), so the LP's set of "
    "truthful outcomes is every mechanism's")


def _total_utility_objective(env: Environment) -> dict[str, fmpq]:
    """Σ_θ Σ_i U_i(θ, …, θ; θ) as LP terms."""
    obj: dict[str, fmpq] = {}
    for k, th in enumerate(env.profiles()):
        diag = (k,) * env.n
        for i in range(env.n):
            obj[tname(env, i, diag)] = obj.get(tname(env, i, diag), fmpq(0)) + 1
            for a in env.outcomes:
                v = env.valuation(i, a, th)
                obj[qname(env, a, diag)] = obj.get(qname(env, a, diag), fmpq(0)) + v
    return {v: c for v, c in obj.items() if c != 0}


def _decide_interim(env: Environment) -> Verdict:
    cid = "neemanpavlov2007/interim-rp-complete-info"
    inst = env.name or repr(env)
    total = sum((surplus(env, th) for th in env.profiles()), fmpq(0))
    readings = []
    for budget in ("balanced", "feasible"):
        res, cert = solve_certified(env, "complete", budget, objective=_total_utility_objective(env), sense="min")
        status = res.status.value
        name = f"least-total-utility-{budget}"
        if status == "infeasible":
            readings.append(ReadingVerdict(f"budget={budget}", "confirmed", "vacuous: no ex post renegotiation-proof mechanism "
                                           f"with {budget} budget exists (Farkas certificate)", ((name, cert),)))
        elif status == "optimal" and res.value == total:
            readings.append(ReadingVerdict(f"budget={budget}", "confirmed", f"over every ex post RP mechanism with {budget} "
                                           f"budget the least Σ_θ Σ_i U_i(θ) is {fmt(res.value)} = Σ_θ S(θ) (LP certificate): at "
                                           "every state every such mechanism's outcome is Pareto efficient among feasible "
                                           "outcomes, so no alternative mechanism is preferred at the interim stage",
                                           ((name, cert),)))
        else:
            gap = "unbounded below" if status == "unbounded" else f"{fmt(res.value)} < Σ_θ S(θ) = {fmt(total)}"
            readings.append(ReadingVerdict(f"budget={budget}", "refuted", f"an ex post RP mechanism with {budget} budget leaves "
                                           f"surplus at some state: the least Σ_θ Σ_i U_i(θ) is {gap} (LP certificate)",
                                           ((name, cert),)))
    return Verdict(cid, instance=inst, readings=readings)


def _interim_strategy() -> Any:
    from hypothesis import strategies as st

    from exactmd.strategies import quasilinear_environments

    return st.one_of(quasilinear_environments(n_agents=2, max_types=2, max_allocations=3),
                     quasilinear_environments(n_agents=3, max_types=2, max_allocations=2).filter(lambda e: len(e.profiles()) <= 4))


def _interim_instances() -> list[tuple[str, Any]]:
    return [("example-1", example_1()), ("example-2", example_2()), ("three-players", three_players())]


CLAIMS = (
    Claim(
        id="neemanpavlov2007/interim-rp-complete-info",
        statement="In a complete information environment, the players do not learn anything about the state of the world from the "
                  "play of the mechanism. … Thus any mechanism that is ex-post renegotiation-proof is also interim "
                  "renegotiation-proof.",
        where="§3.2",
        decide=_decide_interim,
        strategy=_interim_strategy,
        readings=_INTERIM_READINGS,
        domains=(_INTERIM_DOMAIN,),
        paper_instances=_interim_instances,
        checks="Complete information (the prior plays no role). For each budget: the exact LP min of Σ_θ Σ_i U_i(θ, …, θ; θ) over "
               "the ex post renegotiation-proof direct mechanisms (rows EFF, BB, RP and, with a feasible budget, C1: no money "
               "left over at a truthful outcome); it equals Σ_θ S(θ), the most any feasible outcomes give, iff every such "
               "mechanism's outcome is Pareto efficient at every state — interim RP. An empty RP set (Farkas) confirms vacuously. "
               "Random instances: two players with up to two types each, three players with up to four states.",
    ),
)
