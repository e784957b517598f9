"""Neeman & Pavlov (2007), §3 (complete information), as claims: §3.2 (every ex post
renegotiation-proof mechanism is interim renegotiation-proof) and a sufficient bound on
the constant M of Proposition 1's punishment mechanism (Appendix, proof of Proposition 1;
the derivation is ``derivations/punishment-bound.md``).

Each claim is a :class:`exactmd.claims.Claim` in :data:`CLAIMS`; the plug-in registers them.
"""

from __future__ import annotations

from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.claims import Claim, Domain, Reading, ReadingVerdict, Verdict
from exactmd.environment import Environment
from exactmd.rational import fmt

from .certificates import check_certificate
from .complete_information import check_rp, qname, tname
from .punishment import punishment_mechanism, required_M, sufficient_M, uniform_sufficient_M
from .examples import example_1, example_2, three_players
from .questions import solve_certified
from .welfare import efficient_alternatives, surplus


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
    "equilibrium strategy of state θ'; its unilateral lies are deviations of the original game), and the LP's rows are "
    "necessary conditions, so its truthful outcomes include those of every mechanism")


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


# ---------------------------------------------------------------------------------
# Proposition 1: a sufficient bound on M (derivations/punishment-bound.md)
_A0_WORDS = "where $a_0 \\in A$ is some fixed social alternative, and the constant M is chosen such that"

_BOUND_READINGS = (
    Reading("bound=given-a0", "For each fixed alternative a₀ of the punishment, the mechanism is ex post renegotiation-proof at "
            "M = B(a₀) = max(0, max_{θ, i ∈ {1, 2}} [S(θ) − W(a₀, θ) + v_i(a₀, θ) − v_i(a(θ), θ) − t_i(θ)]), and (when "
            "B(a₀) > 0) fails just below it.", _A0_WORDS),
    Reading("bound=every-a0", "One bound for every a₀: M = B* = max(0, max_θ [S(θ) − min_a W(a, θ)] + max_{θ, i ∈ {1, 2}} "
            "[max_a v_i(a, θ) − v_i(a(θ), θ) − t_i(θ)]) makes the mechanism ex post renegotiation-proof whichever a₀ it uses.",
            _A0_WORDS),
)


def _decide_bound(instance: tuple[Environment, dict, dict]) -> Verdict:
    env, decision, transfers = instance
    cid = "neemanpavlov2007/prop-1-bound"
    inst = env.name or repr(env)
    if env.n < 3:
        return Verdict(cid, "not-applicable", f"{env.n} players; Proposition 1 needs n ≥ 3", inst)
    bad_rule = [th for th in env.profiles() if decision[th] not in efficient_alternatives(env, th) or sum(transfers[th]) != 0]
    if bad_rule:
        return Verdict(cid, "not-applicable", f"(a, t) is not efficient and budget balanced at {profile_label(bad_rule[0])}", inst)
    given, every = [], []
    g_certs, e_certs = [], []
    ok_given = ok_every = True
    star = uniform_sufficient_M(env, decision, transfers)
    for a0 in env.outcomes:
        B = sufficient_M(env, decision, transfers, a0)
        least = required_M(env, decision, transfers, a0)
        at = punishment_mechanism(env, decision, transfers, B, a0)
        viol = check_rp(at)
        g_certs.append((f"at-bound-a0-{label(a0)}", check_certificate(at)))
        below = ""
        if B > 0:
            under = punishment_mechanism(env, decision, transfers, B - 1, a0)
            uv = check_rp(under)
            g_certs.append((f"below-bound-a0-{label(a0)}", check_certificate(under)))
            below = f", fails at M = {fmt(B - 1)} ({uv[0]})" if uv else f", and also at M = {fmt(B - 1)} (not tight)"
            ok_given &= bool(uv)
        ok_given &= not viol and least == B
        given.append(f"a₀ = {label(a0)}: B = {fmt(B)} " + ("works" if not viol else f"FAILS ({viol[0]})") + below
                     + (f"; the least M from the rows' slopes is {fmt(least)}" + ("" if least == B else " ≠ B")))
        us = punishment_mechanism(env, decision, transfers, star, a0)
        uviol = check_rp(us)
        e_certs.append((f"at-uniform-bound-a0-{label(a0)}", check_certificate(us)))
        ok_every &= not uviol
        every.append(f"a₀ = {label(a0)}: " + ("works" if not uviol else f"FAILS ({uviol[0]})"))
    return Verdict(cid, instance=inst, readings=[
        ReadingVerdict("bound=given-a0", "confirmed" if ok_given else "refuted", "; ".join(given), tuple(g_certs)),
        ReadingVerdict("bound=every-a0", "confirmed" if ok_every else "refuted", f"B* = {fmt(star)}: " + "; ".join(every),
                       tuple(e_certs))])


def _bound_strategy() -> Any:
    from hypothesis import strategies as st

    from exactmd.strategies import quasilinear_environments

    def rule(env: Environment) -> Any:
        states = env.profiles()
        n = env.n
        return st.tuples(
            st.just(env),
            st.fixed_dictionaries({th: st.sampled_from(efficient_alternatives(env, th)) for th in states}),
            st.fixed_dictionaries({th: st.lists(st.integers(-3, 3), min_size=n - 1, max_size=n - 1).map(
                lambda t: tuple(t) + (-sum(t),)) for th in states}))

    return st.one_of(quasilinear_environments(n_agents=3, max_types=2, max_allocations=3),
                     quasilinear_environments(n_agents=4, max_types=2, max_allocations=2).filter(
                         lambda e: len(e.profiles()) <= 4)).flatmap(rule)


def _bound_instances() -> list[tuple[str, Any]]:
    env = three_players()
    states = env.profiles()
    eff = {th: efficient_alternatives(env, th)[0] for th in states}
    zero = {th: (0, 0, 0) for th in states}
    moved = {th: (3, -4, 1) for th in states}
    return [("three-players", (env, eff, zero)), ("three-players-transfers-3-4-1", (env, eff, moved))]


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
    Claim(
        id="neemanpavlov2007/prop-1-bound",
        statement="Consider a complete information mechanism design environment with n ≥ 3 players. Let a be an ex-post efficient "
                  "decision rule, and let t be a budget balanced vector of transfer functions, then there exists an incentive "
                  "compatible, budget balanced, and ex-post renegotiation-proof mechanism that implements (a, t) — the proof's "
                  "punishment mechanism with M ≥ B(a₀) (derived in proofs/derivations/punishment-bound.md).",
        where="§3.1, Proposition 1; Appendix, proof of Proposition 1 (a bound that is enough)",
        decide=_decide_bound,
        strategy=_bound_strategy,
        readings=_BOUND_READINGS,
        paper_instances=_bound_instances,
        checks="For an efficient decision and budget-balanced transfers (random: any efficient choice, integer transfers), and for "
               "every a₀: the punishment mechanism at M = B(a₀) checked row by row (EFF, BB, RP; certificate), at M = B(a₀) − 1 "
               "when B(a₀) > 0 (a violated row shows the bound is the least M up to 1), and B(a₀) compared with the least M "
               "computed independently from the rows' affine slacks (required_M); bound=every-a0 checks the mechanism at B* for "
               "every a₀. Random instances: three players (two types, three alternatives) and four players (up to four states).",
    ),
)
