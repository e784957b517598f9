"""The papers' claims as named, runnable checks.

A :class:`Claim` has an id ``<paper>/<label>`` (here paper ``vartiainen2014`` or
``neemanpavlov2007``; registered in :mod:`exactmd.claims` by the papers' plug-ins), the statement it checks (quoted from the paper), a
``decide(instance)`` function returning a :class:`Verdict`, a hypothesis strategy of
random instances (``exactmd check``) and named paper instances (``exactmd reproduce``).

A claim declares the readings it is decided under and the domains it is decided on
(:mod:`exactmd.claims`: :class:`Reading`, :class:`Domain`).  A verdict gives, per reading
and domain, ``confirmed`` (with the certificates that prove it on the instance),
``refuted`` (with an exact counterexample and its certificates) or ``not-applicable``
(the instance is outside the claim's hypotheses; the summary says which one fails), and
a headline status computed from them by :func:`exactmd.claims.headline_status`.
Every certificate is one that ``exactmd verify`` re-checks from the file alone.
"""

from __future__ import annotations

import itertools
from typing import Any

from flint import fmpq

from .belief import label, profile_label
from .claims import (AS_STATED, CLAIMS, HEADLINE_STATUSES, INSTANCE_DOMAIN, READING_STATUSES, Claim, Domain, Reading,
                     ReadingVerdict, Verdict, as_stated, get_claim, headline_status, instance_strategy, register)
from .environment import Environment
from .rational import fmt

__all__ = ["Claim", "Verdict", "Reading", "ReadingVerdict", "Domain", "headline_status", "as_stated", "AS_STATED",
           "INSTANCE_DOMAIN", "READING_STATUSES", "HEADLINE_STATUSES", "CLAIMS", "register", "get_claim", "instance_strategy"]


# =================================================================================
# Neeman & Pavlov (2007), complete information (§3)
def _np_env(instance: Any) -> Environment:
    return instance


def _trade_env(b: tuple[Any, ...], s: tuple[Any, ...], name: str) -> Environment:
    from .environment import Environment as Env

    return Env.quasilinear([list(b), list(s)], "uniform", [0, 1],
                           lambda i, a, th: a * th[0] if i == 0 else -a * th[1], agents=["buyer", "seller"], name=name)


def _decide_example1(instance: tuple[Any, Any, Any]) -> Verdict:
    from .rational import Q
    from .papers.neemanpavlov2007 import rp_range, rp_shape
    from .papers.neemanpavlov2007.complete_information import tname

    lo, hi, c = (Q(x) for x in instance)
    cid = "neemanpavlov2007/example-1"
    env = _trade_env((lo, hi), (c,), f"buyer {fmt(lo)} or {fmt(hi)}, seller {fmt(c)}")
    inst = env.name
    if not lo < c < hi:
        return Verdict(cid, "not-applicable", "the example needs low buyer value < seller value < high buyer value", inst)
    L, H = 0, 1  # state indices: (lo, c), (hi, c)
    tb = lambda r: tname(env, 0, r)  # noqa: E731  buyer's transfer = −(buyer's payment)
    # the paper's q_{b,s}: b = buyer's report, s = seller's report (report profile (b, s))
    q = {"q_{1,5}": ((L, H), 0), "q_{5,1}": ((H, L), 1), "q_{1,1}": ((L, L), 0), "q_{5,5}": ((H, H), 1)}
    prices = {  # p_{b,s} = −t_buyer[b; s]
        "B1: p_{5,1} − p_{1,1}": ({tb((H, L)): -1, tb((L, L)): 1}, c),
        "B5: p_{5,5} − p_{1,5}": ({tb((H, H)): -1, tb((L, H)): 1}, c),
        "S1: p_{1,1} − p_{1,5}": ({tb((L, L)): -1, tb((L, H)): 1}, 0),
        "S5: p_{5,5} − p_{5,1}": ({tb((H, H)): -1, tb((H, L)): 1}, 0),
    }
    from .papers.neemanpavlov2007.complete_information import qname

    certs: list[tuple[str, dict[str, Any]]] = []
    bad = []
    for nm, (r, want) in q.items():
        lo_, hi_ = rp_range(env, {qname(env, 1, r): 1})
        certs += [(f"{nm}-min", lo_.certificate), (f"{nm}-max", hi_.certificate)]
        if not (lo_.value == hi_.value == want):
            bad.append(f"{nm} ranges over [{fmt(lo_.value)}, {fmt(hi_.value)}], the paper says {want}")
    for nm, (e, want) in prices.items():
        lo_, hi_ = rp_range(env, e)
        certs += [(f"{nm.split(':')[0]}-min", lo_.certificate), (f"{nm.split(':')[0]}-max", hi_.certificate)]
        if not (lo_.value == hi_.value == want):
            bad.append(f"{nm} ranges over [{fmt(lo_.value)}, {fmt(hi_.value)}], the paper says {fmt(Q(want))}")
    shape = rp_shape(env, variables=[])
    if len(shape.binding) != 4:
        bad.append(f"only {len(shape.binding)} of the 4 RP rows bind throughout")
    if bad:
        return Verdict(cid, "refuted", "; ".join(bad), inst, tuple(certs))
    return Verdict(cid, "confirmed",
                   f"every RP mechanism trades iff the buyer reports {fmt(hi)} (q_{{1,5}} = 0, q_{{5,1}} = 1) and the buyer pays exactly "
                   f"{fmt(c)} more with trade (B1, B5) and the seller's report does not move the price (S1, S5); all four RP rows bind",
                   inst, tuple(certs))


def _example1_strategy() -> Any:
    from hypothesis import strategies as st

    return st.tuples(st.integers(0, 4), st.integers(1, 4), st.integers(1, 4)).map(lambda t: (t[0], t[0] + t[1] + t[2], t[0] + t[1]))


register(Claim(
    id="neemanpavlov2007/example-1",
    statement="We show that the buyer is the one who determines if the trade takes place, and pays exactly 2 more than she pays if there is no trade.",
    where="§3.1, Example 1 (continued), appendix",
    decide=_decide_example1,
    strategy=_example1_strategy,
    paper_instances=lambda: [("paper-1-5-2", (1, 5, 2))],
    checks="Complete information, the buyer's value l or h, the seller's c (l < c < h), alternatives no trade / trade, any transfers, ex post budget balance. Over the set of ex post renegotiation-proof direct mechanisms (players report the state; exact LP): min and max of q_{1,5}, q_{5,1}, q_{1,1}, q_{5,5} and of the four price relations B1, B5, S1, S5 (the paper's 2 is c in general), each with its LP certificate; and which RP rows bind throughout. Random instances vary l, c, h.",
))


def _decide_example2(instance: tuple[Any, Any, Any, Any]) -> Verdict:
    from .rational import Q
    from .papers.neemanpavlov2007 import renegotiation_proof_mechanism

    b1, b2, s1, s2 = (Q(x) for x in instance)
    cid = "neemanpavlov2007/example-2"
    env = _trade_env((b1, b2), (s1, s2), f"buyer {fmt(b1)} or {fmt(b2)}, seller {fmt(s1)} or {fmt(s2)}")
    res = renegotiation_proof_mechanism(env)
    if res.status == "infeasible":
        return Verdict(cid, "confirmed", "no ex post renegotiation-proof, budget-balanced mechanism exists (Farkas certificate)",
                       env.name, (("no-rp-mechanism", res.certificate),))
    return Verdict(cid, "refuted", "an ex post renegotiation-proof mechanism exists (witness given)", env.name,
                   (("rp-mechanism", res.certificate),))


def _example2_strategy() -> Any:
    from hypothesis import strategies as st

    # the example's shape: trade efficient exactly when b2 > s1, b1 < s1, b2 < s2 … with two-point values
    return st.tuples(st.integers(0, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)).map(
        lambda t: (t[0], t[0] + t[1] + t[2], t[0] + t[1], t[0] + t[1] + t[2] + t[3]))


register(Claim(
    id="neemanpavlov2007/example-2",
    statement="We show that no renegotiation-proof mechanism exist in this environment.",
    where="§3.1, Example 2, appendix",
    decide=_decide_example2,
    strategy=_example2_strategy,
    paper_instances=lambda: [("paper-1-5-2-6", (1, 5, 2, 6))],
    checks="Complete information, buyer values b1 < b2, seller values s1 < s2 (random instances keep b1 < s1 < b2 < s2, trade efficient only at (b2, s1)), ex post budget balance: feasibility of the ex post renegotiation-proofness LP (EFF, BB, RP rows). Infeasible (Farkas certificate, `exactmd explain` prints the sum of RP rows) confirms.",
))


def _decide_np_prop2(env: Environment) -> Verdict:
    from .papers.neemanpavlov2007 import proposition_2

    cid = "neemanpavlov2007/prop-2"
    inst = env.name or repr(env)
    rep = proposition_2(env)
    if not rep.applicable:
        return Verdict(cid, "not-applicable", rep.why_not, inst)
    certs: list[tuple[str, dict[str, Any]]] = [("rp-set", rep.rp.certificate)] if rep.rp is not None else []
    if rep.bb_vcg is not None:
        certs.append(("bb-vcg", rep.bb_vcg.certificate()))
    certs += [(f"only-if-{k}", c.certificate) for k, c in enumerate(rep.checks[1:])]
    ok = bool(rep.if_holds and rep.only_if_holds)
    parts = ["IF: every budget-balanced VCG mechanism is ex post RP" if rep.if_holds else "IF fails",
             "ONLY IF: every budget-balanced ex post RP mechanism ignores cross reports and pays VCG transfers"
             + (" (vacuous: no RP mechanism exists)" if rep.rp is not None and rep.rp.status == "infeasible" else "")
             if rep.only_if_holds else "ONLY IF fails"]
    summary = "; ".join(parts) + (f" — {rep.counterexample}" if rep.counterexample else "")
    return Verdict(cid, "confirmed" if ok else "refuted", summary, inst, tuple(certs))


def _np_prop2_strategy() -> Any:
    from .strategies import private_value_environments

    return private_value_environments(n_agents=2, max_types=2, max_allocations=3)


def _np_prop2_instances() -> list[tuple[str, Any]]:
    from .papers.neemanpavlov2007 import example_1, example_2

    return [("example-1", example_1()), ("example-2", example_2())]


register(Claim(
    id="neemanpavlov2007/prop-2",
    statement="Consider a complete information mechanism design environment with two players. A budget balanced mechanism is ex-post renegotiation-proof if and only if it is a VCG mechanism.",
    where="§3.1, Proposition 2 (proof in the appendix)",
    decide=_decide_np_prop2,
    strategy=_np_prop2_strategy,
    paper_instances=_np_prop2_instances,
    checks="Two players, private values, a unique welfare maximiser in every state (else not-applicable). IF: the budget-balanced VCG mechanisms are h* + c·(1, −1) (h* from an exact LP, or a Farkas certificate that none exists); the RP slack of every row at their embedding (each player's own-type report used) is affine in c, so all are RP iff every slack has slope 0 and is ≥ 0. ONLY IF: over the budget-balanced RP set (exact LPs, certificates), q and t at every report profile equal their values at the profile of own reports, and t_i differs across own types exactly as VCG requires. 'Mechanism' means a direct mechanism in which players report the state (the revelation principle of the proof).",
))


def _efficient_zero_transfers(env: Environment) -> tuple[dict[tuple, Any], dict[tuple, tuple[int, ...]]]:
    """The social choice function (a, t) that Proposition 1's claims implement: the first
    welfare-maximising alternative in every state, zero transfers."""
    from .papers.neemanpavlov2007 import efficient_alternatives

    states = env.profiles()
    return {th: efficient_alternatives(env, th)[0] for th in states}, {th: (0,) * env.n for th in states}


def _decide_np_prop1(env: Environment) -> Verdict:
    from .papers.neemanpavlov2007 import check_certificate, proposition_1, punishment_mechanism

    cid = "neemanpavlov2007/prop-1"
    inst = env.name or repr(env)
    if env.n < 3:
        return Verdict(cid, "not-applicable", f"{env.n} players; Proposition 1 needs n ≥ 3", inst)
    decision, transfers = _efficient_zero_transfers(env)
    rep = proposition_1(env, decision, transfers)
    mech = punishment_mechanism(env, decision, transfers, rep.least_M)
    cert = check_certificate(mech)
    status = "confirmed" if not rep.at_least else "refuted"
    note = ("the proof's bound M > max|v_i + t_i| = " + fmt(rep.paper_bound) + (" suffices" if not rep.at_paper else
            f" does not: at M = {fmt(rep.paper_bound + 1)} {rep.at_paper[0]}"))
    return Verdict(cid, status, f"implements the efficient decision with zero transfers; with a₀ = {label(env.outcomes[0])} (the first "
                   f"alternative) the punishment mechanism works from M = {fmt(rep.least_M)}; {note}",
                   inst, (("punishment-mechanism", cert),))


_A0_TEXT = "where $a_0 \\in A$ is some fixed social alternative, and the constant M is chosen such that"
_PROP1_BOUND_READINGS = (
    Reading("a0=every", "The bound suffices whichever fixed alternative a₀ the punishment uses (the proof leaves a₀ free).", _A0_TEXT),
    Reading("a0=some", "The bound suffices for some choice of the fixed alternative a₀.", _A0_TEXT),
)


def _decide_np_prop1_bound(env: Environment) -> Verdict:
    from .papers.neemanpavlov2007 import check_certificate, proposition_1, punishment_mechanism

    cid = "neemanpavlov2007/prop-1-proof-bound"
    inst = env.name or repr(env)
    if env.n < 3:
        return Verdict(cid, "not-applicable", f"{env.n} players; the proof needs n ≥ 3", inst)
    decision, transfers = _efficient_zero_transfers(env)
    per = []
    certs = []
    for a0 in env.outcomes:
        rep = proposition_1(env, decision, transfers, a0)
        M = rep.paper_bound + 1
        certs.append((f"bound-plus-one-a0-{label(a0)}", check_certificate(punishment_mechanism(env, decision, transfers, M, a0))))
        per.append((a0, rep, M))
    bad = [(a0, rep, M) for a0, rep, M in per if rep.at_paper]
    good = [(a0, rep, M) for a0, rep, M in per if not rep.at_paper]

    def one(a0: Any, rep: Any, M: Any) -> str:
        return (f"a₀ = {label(a0)}: M = {fmt(M)} (bound {fmt(rep.paper_bound)} + 1) " + (f"fails, {rep.at_paper[0]}" if rep.at_paper else "works")
                + f"; the least M is {fmt(rep.least_M)}")

    every = ReadingVerdict("a0=every", "refuted" if bad else "confirmed",
                           "; ".join(one(*x) for x in (bad[:1] + good[:1] if bad else per)), tuple(certs))
    some = ReadingVerdict("a0=some", "confirmed" if good else "refuted",
                          one(*good[0]) if good else "; ".join(one(*x) for x in per), tuple(certs))
    return Verdict(cid, instance=inst, readings=[every, some])


def _np_prop1_strategy() -> Any:
    from .strategies import private_value_environments

    return private_value_environments(n_agents=3, max_types=2, max_allocations=3)


def _np_prop1_instances() -> list[tuple[str, Any]]:
    from .environment import Environment as Env

    V = {(0, "x"): (5, 5), (0, "y"): (-5, -5), (1, "x"): (-10, -10), (1, "y"): (10, 10), (2, "x"): (0, 0), (2, "y"): (0, 0)}
    env = Env.quasilinear([[0, 1], [0], [0]], "uniform", ["x", "y"], lambda i, a, th: V[(i, a)][int(th[0])],
                          agents=["1", "2", "3"], name="three players, a0 = x costly to player 2")
    return [("three-players", env)]


register(Claim(
    id="neemanpavlov2007/prop-1",
    statement="Consider a complete information mechanism design environment with n ≥ 3 players. Let a be an ex-post efficient decision rule, and let t be a budget balanced vector of transfer functions, then there exists an incentive compatible, budget balanced, and ex-post renegotiation-proof mechanism that implements (a, t).",
    where="§3.1, Proposition 1 (proof in the appendix)",
    decide=_decide_np_prop1,
    strategy=_np_prop1_strategy,
    paper_instances=_np_prop1_instances,
    checks="For the efficient decision (first maximiser) and zero transfers: the proof's punishment mechanism (players 1 and 2 disagree → (a₀, −M, −M, 2M, 0, …)); every RP row's slack is affine in M, so the least M that makes all rows hold is computed exactly, and the mechanism is checked there (budget balance, EFF, RP; RP implies IC under budget balance). The certificate lists the mechanism and is recomputed by `exactmd verify`.",
))

register(Claim(
    id="neemanpavlov2007/prop-1-proof-bound",
    statement="the constant M is chosen such that M > max_{i∈N, a∈A, θ∈Θ} |v_i(a, θ) + t_i(θ)|. The (direct revelation) mechanism (α, τ) is incentive compatible, budget balanced, and ex-post renegotiation-proof",
    where="Appendix, proof of Proposition 1",
    decide=_decide_np_prop1_bound,
    strategy=_np_prop1_strategy,
    readings=_PROP1_BOUND_READINGS,
    paper_instances=_np_prop1_instances,
    checks="The punishment mechanism at M = (the proof's bound) + 1, for the efficient decision and zero transfers, once for every choice of the fixed alternative a₀: every RP row recomputed exactly; a violated row (a player who lies, is punished, and renegotiates to the efficient outcome) refutes the bound for that a₀. a0=every needs the bound to suffice for each a₀, a0=some for one. Each certificate lists the mechanism and each violated row with its exact gain.",
))


def _three_player_environments() -> Any:
    from .strategies import quasilinear_environments

    return quasilinear_environments(n_agents=3, max_types=2, max_allocations=3)


def _two_player_private_values() -> Any:
    from .strategies import private_value_environments

    return private_value_environments(n_agents=2, max_types=3, max_allocations=3)


def _decide_np_lemma1(env: Environment) -> Verdict:
    from .papers.neemanpavlov2007 import efficient_alternatives, pareto_improvement, surplus

    cid = "neemanpavlov2007/lemma-1"
    inst = env.name or repr(env)
    checked = 0
    for th in env.profiles():
        eff = efficient_alternatives(env, th)
        for a in env.outcomes:
            if a in eff:
                continue
            imp = pareto_improvement(env, th, {a: 1}, (0,) * env.n)
            checked += 1
            if imp is None:
                return Verdict(cid, "refuted", f"no Pareto improvement on {label(a)} at {profile_label(th)}", inst)
            a2, t2 = imp
            gains = [env.valuation(i, a2, th) + t2[i] - env.valuation(i, a, th) for i in range(env.n)]
            if not (all(g > 0 for g in gains) and sum(t2) <= 0 and surplus(env, th) > sum(env.valuation(i, a, th) for i in range(env.n))):
                return Verdict(cid, "refuted", f"the constructed alternative at {profile_label(th)} does not strictly benefit everyone", inst)
    return Verdict(cid, "confirmed", f"each of the {checked} inefficient (state, alternative) pairs with zero transfers has a feasible alternative that every player strictly prefers (exact transfers)", inst)


register(Claim(
    id="neemanpavlov2007/lemma-1",
    statement="In a complete information mechanism design environment, an ex-post renegotiation-proof Nash equilibrium is ex-post efficient.",
    where="§3.1, Lemma 1",
    decide=_decide_np_lemma1,
    strategy=_three_player_environments,
    paper_instances=_np_prop2_instances,
    checks="For every state θ and every alternative a that is not welfare-maximising (with zero transfers), the alternative (a*, t') with a* efficient and t'_i = u_i − v_i(a*, θ) + (S(θ) − Σ_j u_j)/(2n) is feasible (Σ t' ≤ 0) and strictly preferred by every player — computed exactly. (The lemma's content: an inefficient outcome is renegotiated.)",
))


# Neeman & Pavlov (2007), incomplete information with independent private values (§4.1.2)
def _decide_np_prop3(env: Environment) -> Verdict:
    from .papers.neemanpavlov2007 import proposition_3

    cid = "neemanpavlov2007/prop-3"
    inst = env.name or repr(env)
    rep = proposition_3(env)
    if not rep.applicable:
        return Verdict(cid, "not-applicable", rep.why_not, inst)
    certs = list(rep.certificates)
    ok = bool(rep.if_holds and rep.only_if_holds)
    exists = rep.orp.status.value == "optimal"
    summary = ("IF: every budget-balanced VCG-in-expectation mechanism satisfies every oracle-RP row" if rep.if_holds else "IF fails") + "; " + (
        ("ONLY IF: every budget-balanced oracle-RP mechanism is VCG in expectation" + ("" if exists else " (vacuous: none exists)"))
        if rep.only_if_holds else "ONLY IF fails")
    if rep.counterexample:
        summary += f" — {rep.counterexample}"
    return Verdict(cid, "confirmed" if ok else "refuted", summary, inst, tuple(certs))


def _np_prop3_strategy() -> Any:
    from hypothesis import strategies as st

    from .environment import Environment as Env
    from .strategies import distributions, private_value_environments

    def with_prior(env: Env) -> Any:
        return st.tuples(*[distributions(len(ts), full_support=True) for ts in env.types]).map(
            lambda ms: Env.quasilinear(env.types, {"independent": [[fmt(x) for x in m] for m in ms]}, env.outcomes,
                                       {k: v for k, v in env._u.items()}))

    return private_value_environments(n_agents=2, max_types=3, max_allocations=3).flatmap(with_prior)


def _np_prop3_instances() -> list[tuple[str, Any]]:
    return [("example-3-values", _trade_env((0, 3), (1, 2), "buyer 0 or 3, seller 1 or 2, any price")),
            ("example-5-values", _trade_env((1, 5), (2, 6), "buyer 1 or 5, seller 2 or 6, any price"))]


register(Claim(
    id="neemanpavlov2007/prop-3",
    statement="Consider an incomplete information mechanism design environment with independent private values. In such an environment, a feasible mechanism is ex-post oracle renegotiation-proof if and only if it is a VCG in expectation mechanism.",
    where="§4.1.2, Proposition 3 (proof in the appendix)",
    decide=_decide_np_prop3,
    strategy=_np_prop3_strategy,
    paper_instances=_np_prop3_instances,
    checks="Direct type-report mechanisms with lotteries and ex post budget balance. Oracle RP is taken in the form the proof derives: truthful outcomes efficient (Lemma 2) and, for each player and pair of types, E[U_i(θ; θ)] ≥ E[S(θ) − Σ_{j≠i} U_j(θ'_i, θ_-i; θ)] (the inequality before (16)). IF: each such row's minimum over the budget-balanced VCG-in-expectation mechanisms (exact LP per row) is ≥ its right side; ONLY IF: over the oracle-RP set, the expected VCG residual E[t_i − Σ_{j≠i} v_j] is the same for consecutive types (min = max = 0). The oracle-RP rows themselves are the paper's characterization, not re-derived from the voting game.",
))


_LEMMA2_READINGS = (
    Reading("rp=definition", "Decided from the definition of §4.1.1: at an inefficient decision, a proposal and a voting equilibrium of "
            "the voting game that switches with positive probability, a type strictly gaining (condition (1) fails), are built "
            "and checked.", "there is no equilibrium in which (i) the players change the reached decision in favor of the alternative "
            "with a positive probability; (ii) a nontrivial set of players' types strictly prefer to switch to the alternative."),
    Reading("rp=proof-step-13", "Decided by the proof's step (13): an inefficient decision has a feasible alternative every type "
            "weakly, and at the state strictly, prefers; the voting equilibrium is the proof's observation, not computed.",
            "and a feasible alternative decision $(a', t') \\in A \\times \\mathbb{R}^n$ such that"),
)
_LEMMA2_DOMAIN = Domain(
    "every mechanism and every Bayesian–Nash equilibrium of it", "decisions (a, t) with a deterministic alternative, any transfers", False,
    "the records are for t = 0; payoffs are linear in money, so the proposal t + t′ gives every type the same gains and votes "
    "after (a, t); lotteries renegotiated before their draw are not decided")


def _decide_np_lemma2(env: Environment) -> Verdict:
    cid = "neemanpavlov2007/lemma-2"
    from .papers.neemanpavlov2007 import lemma_2_certificate
    from .papers.neemanpavlov2007.welfare import _private_values

    if not _private_values(env):
        return Verdict(cid, "not-applicable", "values are not private", env.name or repr(env))
    v = _decide_np_lemma1(env)
    step = v.summary.replace("every player strictly prefers", "every player's type strictly prefers, whatever the others' types (private values)")
    cert = lemma_2_certificate(env)
    n = len(cert["pairs"])
    by_def = (f"each of the {n} inefficient (state, alternative) decisions is renegotiated in a voting equilibrium: votes by preference "
              "are checked best responses to their pivotal gains, and the switch has positive probability whether the decision "
              "is reached at that state only or at every state" if n else "no decision is inefficient at a state of positive probability")
    return Verdict(cid, instance=v.instance, readings=[
        ReadingVerdict("rp=definition", "confirmed", by_def, (("voting-equilibria", cert),)),
        ReadingVerdict("rp=proof-step-13", v.status, step, v.certificates)])


register(Claim(
    id="neemanpavlov2007/lemma-2",
    statement="In an incomplete information mechanism design environment with independent private values, an ex-post renegotiation-proof Bayesian-Nash equilibrium is ex-post efficient.",
    where="§4.1.2, Lemma 2 (proof in the appendix)",
    decide=_decide_np_lemma2,
    strategy=_two_player_private_values,
    readings=_LEMMA2_READINGS,
    domains=(_LEMMA2_DOMAIN,),
    paper_instances=_np_prop3_instances,
    checks="rp=definition: for every state θ of positive probability and alternative a inefficient at θ, the decision (a, 0), the proposal (a*, t′) of Lemma 1 and the votes by preference; each vote is checked a best response to its exact pivotal gain in the voting game where (a, 0) is reached at θ only and where it is reached at every state, and the switch probability is positive (certificate question 'lemma-2', re-checked by verify). rp=proof-step-13: the alternative (a*, t′) with Σ t′ ≤ 0 that every type strictly prefers (exact).",
))


_REMARK_TEXT = ("The fact that for several economically important mechanism design problems, such as bilateral trade, regulation, "
                "and litigation and settlement, no feasible ex-post efficient mechanisms exists implies that no ex-post "
                "renegotiation-proof mechanisms exist in such mechanism design problems either.")
_REMARK_ORACLE = ("When this equivalence holds, Proposition 3 implies that there exists a feasible ex-post oracle renegotiation-proof "
                  "mechanism if and only if there exists a feasible, ex-post efficient, Bayesian incentive compatible, direct revelation mechanism.")
_REMARK_READINGS = (
    Reading("rp=ex-post", "No budget-balanced direct mechanism is ex post renegotiation-proof against every ψ (proposals with "
            "transfers), as the remark's last sentence says; feasibility is budget balance (§2), no participation constraint.",
            _REMARK_TEXT),
    Reading("rp=ex-post+ir=ex-post", "As rp=ex-post, with 'feasible' read to include ex post individual rationality "
            "(the sense in which bilateral trade has no feasible efficient mechanism).", _REMARK_TEXT),
    Reading("rp=oracle", "No budget-balanced direct mechanism is ex post oracle renegotiation-proof (the mechanisms Proposition 3 "
            "characterizes, from which the remark argues); no participation constraint.", _REMARK_ORACLE + " … " + _REMARK_TEXT),
    Reading("rp=oracle+ir=interim", "As rp=oracle, with interim individual rationality added to 'feasible'.",
            _REMARK_ORACLE + " … " + _REMARK_TEXT),
)
_REMARK_DOMAIN = Domain(
    "bilateral trade, regulation, litigation and settlement: problems with no feasible ex post efficient mechanism",
    "bilateral trade with independent uniform two-point values", False,
    "the remark's premise (no feasible efficient mechanism; Myerson–Satterthwaite needs a continuum of types) does not hold on "
    "two-point values, where efficient, ex post IR, budget-balanced mechanisms exist: these instances stand in for the problems "
    "the remark names and do not contain them")


def _ex_post_witness(env: Environment, candidates: list[Any]) -> tuple[Any, dict[str, Any]] | None:
    """The first deterministic candidate mechanism that is ex post RP against every ψ with
    transfers, with its transfer-check certificate."""
    from .papers.neemanpavlov2007 import (deterministic_from_primal, rp_against_every_psi_with_transfers,
                                          transfer_check_certificate)

    for primal in candidates:
        mech = deterministic_from_primal(env, primal)
        if mech is not None and rp_against_every_psi_with_transfers(env, mech).holds:
            return mech, transfer_check_certificate(env, mech)
    return None


def _decide_np_remark_williams(instance: tuple[Any, Any, Any, Any]) -> Verdict:
    from .rational import Q
    from .papers.neemanpavlov2007 import solve_certified

    b1, b2, s1, s2 = (Q(x) for x in instance)
    cid = "neemanpavlov2007/remark-bilateral-trade"
    env = _trade_env((b1, b2), (s1, s2), f"buyer {fmt(b1)} or {fmt(b2)}, seller {fmt(s1)} or {fmt(s2)}, independent uniform")
    plain, c1 = solve_certified(env, "oracle")  # no participation constraint
    with_ir, c2 = solve_certified(env, "oracle-interim-ir")
    readings = [
        ReadingVerdict("rp=oracle", "refuted" if plain.status.value == "optimal" else "confirmed",
                       "a budget-balanced ex post oracle-RP mechanism exists (witness; budget balance without participation constraints "
                       "does not rule out efficiency)" if plain.status.value == "optimal" else
                       "no budget-balanced ex post oracle-RP mechanism exists (Farkas certificate)", (("oracle-rp", c1),)),
        ReadingVerdict("rp=oracle+ir=interim", "refuted" if with_ir.status.value == "optimal" else "confirmed",
                       "an interim IR, budget-balanced ex post oracle-RP mechanism exists (witness)" if with_ir.status.value == "optimal"
                       else "no interim IR, budget-balanced ex post oracle-RP mechanism exists (Farkas certificate)",
                       (("oracle-rp-interim-ir", c2),)),
    ]
    for rid, kind, lp_kind in (("rp=ex-post", "transfer-proposals", [plain]), ("rp=ex-post+ir=ex-post", "transfer-proposals-ex-post-ir", [])):
        res, cert = solve_certified(env, kind)
        ir = "ex post IR, " if rid.endswith("ex-post") and "+ir" in rid else ""
        if res.status.value == "infeasible":
            readings.append(ReadingVerdict(rid, "confirmed", f"no {ir}budget-balanced direct mechanism is ex post RP against every ψ with "
                                           "transfers: the necessary conditions (efficient outcomes; no gain from a misreport that reaches a "
                                           "forced outcome, with the best proposal after it) are infeasible (Farkas certificate)",
                                           ((f"{kind}", cert),)))
            continue
        cands = [res.primal] + [r.primal for r in lp_kind if r.status.value == "optimal"]
        found = _ex_post_witness(env, cands)
        if found is None:
            readings.append(ReadingVerdict(rid, "not-applicable", "the necessary conditions are satisfiable but no candidate mechanism "
                                           "checked is ex post RP against every ψ: not decided", ((f"{kind}", cert),)))
            continue
        mech, wcert = found
        shown = "; ".join(f"{profile_label(th)} ↦ {'trade' if a == 1 else 'no trade'}, buyer pays {fmt(-t[0])}" for th, (a, t) in mech.items())
        readings.append(ReadingVerdict(rid, "refuted", f"the {ir}budget-balanced mechanism ({shown}) is ex post RP against every ψ with "
                                       "transfers (every misreport checked against its best proposals)", ((f"{kind}-witness", wcert),)))
    note = ("What the remark needs is its premise, which two-point values do not satisfy; the conclusion 'no ex post RP mechanism' is "
            "decided here as stated and beside the oracle-RP statements Proposition 3 characterizes")
    return Verdict(cid, instance=env.name, readings=readings, note=note)


register(Claim(
    id="neemanpavlov2007/remark-bilateral-trade",
    statement=_REMARK_TEXT,
    where="§4.1.2, Remark after Proposition 3",
    decide=_decide_np_remark_williams,
    strategy=_example2_strategy,
    readings=_REMARK_READINGS,
    domains=(_REMARK_DOMAIN,),
    paper_instances=lambda: [("example-5-values", (1, 5, 2, 6)), ("example-3-values", (0, 3, 1, 2))],
    checks="Bilateral trade with independent uniform two-point values, no trade or trade at any price, ex post budget balance. rp=oracle / rp=oracle+ir=interim: feasibility of the oracle-RP LP of Proposition 3's characterization, without and with interim IR. rp=ex-post / rp=ex-post+ir=ex-post: one LP of necessary conditions for ex post RP against every ψ with transfers (proposals.transfer_proposals_model; Farkas when none exists), and otherwise a candidate deterministic mechanism (the LP's solution, or the oracle-RP witness) checked against every ψ with transfers exactly (transfer-check certificate).",
))


# Neeman & Pavlov (2007), §4.1 examples with finite alternatives
def _paper_instance_only() -> Any:
    """Examples fixed by the paper: `exactmd check` runs them on the paper's numbers only."""
    from hypothesis import strategies as st

    return st.just(None)


def _the_paper_instance() -> list[tuple[str, Any]]:
    return [("paper", None)]


def _priced_trade_env(b: tuple[Any, ...], s: tuple[Any, ...], prices: tuple[Any, ...], name: str) -> Environment:
    from .environment import Environment as Env
    from .rational import Q

    X = ["no trade"] + [f"trade at {fmt(Q(p))}" for p in prices]
    pr = {x: Q(p) for x, p in zip(X[1:], prices)}

    def u(i: int, x: str, th: tuple) -> Any:
        if x == "no trade":
            return 0
        return th[0] - pr[x] if i == 0 else pr[x] - th[1]

    return Env.finite([list(b), list(s)], "uniform", X, u, agents=["buyer", "seller"], name=name)


_EXAMPLE3_READINGS = (
    Reading("votes=by-preference", "In every voting game each type votes for the proposal it weakly prefers (an indifferent type "
            "either way; weakly dominated votes are not cast), as the example's own computation has the seller with value 2 object.",
            "because the seller whose reservation value is 2 would object to renegotiation"),
    Reading("votes=any-equilibrium", "Condition (2) quantifies over every equilibrium voting profile, weakly dominated votes "
            "included: a type that is never pivotal on the path may vote for a switch it loses from.",
            "For every equilibrium voting strategy profile $(\\rho_i)_{i \\in N}$ for the collection of subgames that begin after the "
            "players have played σ the following must be true."),
)


def _decide_np_example3(_: Any) -> Verdict:
    from .papers.neemanpavlov2007 import (oracle_deviation_gain, rp_against_all_psi, rp_against_psi_any_equilibrium,
                                          voting_certificate)

    cid = "neemanpavlov2007/example-3"
    env = _priced_trade_env((0, 3), (1, 2), (1, 2), "buyer 0 or 3, seller 1 or 2; no trade, trade at 1, trade at 2")
    f = {th: ("trade at 2" if th[0] == 3 else "no trade") for th in env.profiles()}
    ok, reps = rp_against_all_psi(env, f)
    hi = env.types[0][1]
    psihat = {th: {"no trade": "trade at 1" if th[1] == 1 else "trade at 2"} for th in env.profiles()}
    truth, dev = oracle_deviation_gain(env, f, 0, hi, env.types[0][0], psihat)
    oracle_case = {"kind": "oracle", "agent": 0, "type": label(hi), "report": label(env.types[0][0]),
                   "psihat": {profile_label(th): {label(d): label(x) for d, x in m.items()} for th, m in psihat.items()}}
    not_oracle = dev > truth
    oracle_text = (f"not oracle RP: the buyer with value 3 reports 0 and the oracle proposes trade at the seller's value: payoff "
                   f"{fmt(dev)} > {fmt(truth)}" if not_oracle else f"the oracle deviation gives {fmt(dev)}, not more than {fmt(truth)}")
    readings = []
    for rid, kind, check in (("votes=by-preference", "psi", None), ("votes=any-equilibrium", "psi-any-equilibrium", rp_against_psi_any_equilibrium)):
        rs = reps if check is None else [check(env, f, r.psi) for r in reps]
        cases = [{"kind": kind, "psi": {label(d): label(x) for d, x in r.psi.items()}} for r in rs]
        cert = voting_certificate(env, f, cases + [oracle_case])
        bad = [r for r in rs if not r.holds]
        if not bad:
            text = (f"ex post RP against all {len(rs)} ψ (largest gain from misreport-then-renegotiate: 0); {oracle_text}")
        else:
            r = bad[0]
            text = (f"not ex post RP: {len(bad)} of the {len(rs)} ψ break it, e.g. ψ = {{"
                    + ", ".join(f"{label(d)} ↦ {label(x)}" for d, x in r.psi.items() if d != x) + f"}}: {r.switch or r.deviation}; {oracle_text}")
        readings.append(ReadingVerdict(rid, "confirmed" if not bad and not_oracle else "refuted", text, ((f"voting-{rid.split('=')[1]}", cert),)))
    return Verdict(cid, instance=env.name, readings=readings)


register(Claim(
    id="neemanpavlov2007/example-3",
    statement="This mechanism is ex-post renegotiation-proof. … However, the mechanism is not ex-post oracle renegotiation-proof because the expected payoff to the buyer whose valuation is 3 if she announces that its valuation is zero and then renegotiates … is 1/2·2 + 1/2·1 = 3/2 > 1.",
    where="§4.1.1, Example 3",
    decide=_decide_np_example3,
    strategy=_paper_instance_only,
    readings=_EXAMPLE3_READINGS,
    paper_instances=_the_paper_instance,
    checks="The paper's instance (no random variants). Every ψ from the reachable decisions {no trade, trade at 2} to the three alternatives (9 maps): condition (1) (no switching voting equilibrium on path) and condition (2) (no type gains by misreporting and voting), private values, indifferent votes resolved in favour of renegotiation — exact expected payoffs; under votes=any-equilibrium the same 9 ψ with every voting equilibrium of the two-player games (weakly dominated votes included; exact LPs per vote assignment). Then the paper's oracle ψ̂ (trade at the seller's value after no trade): the buyer's exact payoff.",
))



def _decide_np_example4(_: Any) -> Verdict:
    from .papers.neemanpavlov2007 import rp_against_psi, voting_certificate

    cid = "neemanpavlov2007/example-4"
    env = _priced_trade_env((1, 5), (2,), (3, 4), "buyer 1 or 5, seller 2; no trade, trade at 3, trade at 4")
    f = {th: ("trade at 4" if th[0] == 5 else "no trade") for th in env.profiles()}
    r = rp_against_psi(env, f, {"no trade": "trade at 3"})
    cert = voting_certificate(env, f, [{"kind": "psi", "psi": {"no trade": "trade at 3"}}])
    if not r.holds:
        return Verdict(cid, "confirmed", f"not ex post RP against ψ(no trade) = trade at 3: {r.deviation} (gain {fmt(r.gain)})", env.name,
                       (("voting", cert),))
    return Verdict(cid, "refuted", "ex post RP against ψ(no trade) = trade at 3", env.name, (("voting", cert),))


register(Claim(
    id="neemanpavlov2007/example-4",
    statement="despite the fact that the Bayesian-Nash equilibrium is both ex-post efficient and in dominant strategies, it is not ex-post renegotiation-proof according to our definition",
    where="§4.1.2, Example 4",
    decide=_decide_np_example4,
    strategy=_paper_instance_only,
    paper_instances=_the_paper_instance,
    checks="The paper's instance: the mechanism 'trade at 4 iff the buyer asks', ψ(no trade) = trade at 3; conditions (1) and (2) of §4.1.1 with exact expected payoffs (the buyer with value 5 says no, the seller with value 2 accepts trade at 3).",
))


def _decide_np_example6(_: Any) -> Verdict:
    from .environment import Environment as Env
    from .papers.neemanpavlov2007 import rp_against_psi, switching_equilibrium_uninformed, voting_certificate

    cid = "neemanpavlov2007/example-6"
    pay = {("beta", "a"): (5, -5), ("beta", "b"): (1, 1)}
    env = Env.finite([["a", "b"], ["-"]], "uniform", ["alpha", "beta"], lambda i, x, th: pay.get((x, th[0]), (0, 0))[i],
                     agents=["1", "2"], name="Example 6: player 1 a or b, player 2 uninformed")
    sw = switching_equilibrium_uninformed(env, 0, "alpha", "beta")
    b_state = next(th for th in env.profiles() if th[0] == "b")
    inefficient = sum(env.utility(i, "beta", b_state) for i in range(2)) > sum(env.utility(i, "alpha", b_state) for i in range(2))
    f = {th: "alpha" for th in env.profiles()}
    both = rp_against_psi(env, f, {"alpha": "beta"})  # conditions (1) and (2) by voting equilibria (two players)
    cert = voting_certificate(env, f, [{"kind": "uninformed", "informed": 0, "decision": "alpha", "proposal": "beta"},
                                       {"kind": "psi", "psi": {"alpha": "beta"}}])
    if not sw and both.holds and inefficient:
        return Verdict(cid, "confirmed", "no voting equilibrium switches from α to β (player 1 votes yes in both types; player 2 then expects (−5 + 1)/2 = −2 < 0), so always-α is RP against β; it is not ex post efficient in state b (β gives 2 > 0)", env.name,
                       (("voting", cert),))
    return Verdict(cid, "refuted", sw or both.switch or both.deviation or "always-α is ex post efficient", env.name, (("voting", cert),))


register(Claim(
    id="neemanpavlov2007/example-6",
    statement="A mechanism that always reaches the decision α is ex-post renegotiation-proof against the alternative decision β … Such a mechanism is not ex-post efficient in state b.",
    where="§4.1.4, Example 6",
    decide=_decide_np_example6,
    strategy=_paper_instance_only,
    paper_instances=_the_paper_instance,
    checks="The paper's instance (interdependent values): every yes-set of player 1's types consistent with its strict preferences, and player 2's exact expected gain given a yes vote; a switching equilibrium exists iff some yes-set gives player 2 an expected gain ≥ 0 with a strict gain somewhere. Cross-checked by rp_against_psi for two players with interdependent values: condition (1) by the mixed-vote equilibrium LPs of switching_equilibrium, condition (2) (here a deviation in votes only: the mechanism ignores reports) by deviation_gain. Efficiency in state b by exact comparison.",
))


def _decide_np_corollary(instance: tuple[Environment, dict, dict]) -> Verdict:
    from .rational import Q
    from .papers.neemanpavlov2007 import (check_certificate, efficient_alternatives, pareto_improvement, proposition_1,
                                          punishment_mechanism)

    env, decision, transfers = instance
    cid = "neemanpavlov2007/corollary-1"
    inst = env.name or repr(env)
    if env.n < 3:
        return Verdict(cid, "not-applicable", f"{env.n} players; the Corollary needs n ≥ 3", inst)
    states = env.profiles()
    bad = [th for th in states if decision[th] not in efficient_alternatives(env, th) or sum(Q(x) for x in transfers[th]) != 0]
    if not bad:
        rep = proposition_1(env, decision, transfers)
        mech = punishment_mechanism(env, decision, transfers, rep.least_M)
        cert = check_certificate(mech)
        status = "confirmed" if not rep.at_least else "refuted"
        return Verdict(cid, status, f"a is efficient and t budget balanced: implemented in an ex post RP way (punishment mechanism, M = {fmt(rep.least_M)})",
                       inst, (("implementation", cert),))
    th = bad[0]
    if sum(Q(x) for x in transfers[th]) > 0:
        return Verdict(cid, "confirmed", f"t is infeasible at {profile_label(th)} (Σ t > 0): no mechanism implements it", inst)
    imp = pareto_improvement(env, th, {decision[th]: 1}, transfers[th])
    if imp is None:
        return Verdict(cid, "refuted", f"(a, t) at {profile_label(th)} is inefficient or not budget balanced, yet no Pareto improvement was found", inst)
    a2, t2 = imp
    gains = ", ".join(fmt(env.valuation(i, a2, th) + t2[i] - env.valuation(i, decision[th], th) - Q(transfers[th][i])) for i in range(env.n))
    return Verdict(cid, "confirmed", f"at {profile_label(th)} the outcome ({label(decision[th])}, {[fmt(Q(x)) for x in transfers[th]]}) is renegotiated to "
                   f"({label(a2)}, {[fmt(x) for x in t2]}) with Σ t' = {fmt(sum(t2))} and gains ({gains}) > 0: not implementable in an ex post RP way", inst)


def _np_corollary_strategy() -> Any:
    from hypothesis import strategies as st

    from .strategies import private_value_environments

    def rule(env: Environment) -> Any:
        states = env.profiles()
        return st.tuples(
            st.just(env),
            st.fixed_dictionaries({th: st.sampled_from(list(env.outcomes)) for th in states}),
            st.fixed_dictionaries({th: st.tuples(st.integers(-2, 2), st.integers(-2, 2), st.integers(0, 1)).map(
                lambda t: (t[0], t[1], -t[0] - t[1] - t[2]))
                                   for th in states}),
        )

    return private_value_environments(n_agents=3, max_types=2, max_allocations=3).flatmap(rule)


def _np_corollary_instances() -> list[tuple[str, Any]]:
    from .papers.neemanpavlov2007 import efficient_alternatives

    env = _np_prop1_instances()[0][1]
    states = env.profiles()
    eff = {th: efficient_alternatives(env, th)[0] for th in states}
    zero = {th: (0, 0, 0) for th in states}
    ineff = {th: "x" for th in states}
    return [("efficient-zero-transfers", (env, eff, zero)), ("inefficient-x", (env, ineff, zero))]


register(Claim(
    id="neemanpavlov2007/corollary-1",
    statement="Consider a complete information mechanism design environment with n ≥ 3 players. A social choice function (a, t) : Θ → A × R^n is implementable in a way that is ex-post renegotiation-proof if and only if a is ex-post efficient and t is budget balanced.",
    where="§3.1, Corollary",
    decide=_decide_np_corollary,
    strategy=_np_corollary_strategy,
    paper_instances=_np_corollary_instances,
    checks="For a given (a, t): if a is efficient and t budget balanced, the punishment mechanism at the least M (Proposition 1) is checked row by row (certificate recomputed by verify); otherwise, at a state where a is inefficient or Σ t < 0, an exact feasible alternative that every player strictly prefers is constructed (so the truthful outcome would be renegotiated); Σ t > 0 is infeasible outright.",
))


def _decide_np_example5(prices: tuple[Any, ...]) -> Verdict:
    from .rational import Q
    from .papers.neemanpavlov2007 import (enumeration_certificate, ex_post_ir_deterministic, example_5_environment,
                                          first_breaking_psi, rp_against_all_psi, solve_certified, voting_certificate)

    cid = "neemanpavlov2007/example-5"
    env = example_5_environment(prices)
    P = env.profiles()
    menu = "{" + ", ".join(fmt(Q(p)) for p in prices) + "}"
    # proposals=menu: with ex post IR (not in the example's statement), every mechanism on the menu is broken
    ir_certs: list[tuple[str, dict[str, Any]]] = [("ex-post-IR-mechanisms", enumeration_certificate(env))]
    ir = ex_post_ir_deterministic(env)
    unbroken = 0
    for k, f in enumerate(ir):
        psi = first_breaking_psi(env, f)
        if psi is None:
            unbroken += 1
            continue
        ir_certs.append((f"ex-post-IR-mechanism-{k}", voting_certificate(
            env, f, [{"kind": "psi", "psi": {label(d): label(x) for d, x in psi.items()}}])))
    rres, rcert = solve_certified(env, "random-rp-ex-post-ir")
    ir_certs.append(("random-ex-post-ir", rcert))
    n = len(ir)
    ir_text = (f"with ex post IR (which the example does not state): {'none' if not unbroken else unbroken} of the {n} deterministic "
               f"mechanisms on the menu {'is' if unbroken <= 1 else 'are'} ex post RP"
               + (" (each has a breaking ψ)" if not unbroken else "")
               + ("; no random one renegotiated after its draw is (Farkas certificate of the LP over lotteries)"
                  if rres.status.value == "infeasible" else "; a random one renegotiated after its draw is (witness of the LP over lotteries)"))
    # without a participation constraint: the first deterministic mechanism that is RP against every ψ on the menu
    witness = None
    for choice in itertools.product(env.outcomes, repeat=len(P)):
        f = dict(zip(P, choice))
        if first_breaking_psi(env, f) is None:
            witness = f
            break
    menu_certs = list(ir_certs)
    if witness is None:
        menu_status = "confirmed"
        menu_text = (f"no deterministic mechanism on the menu {menu} is ex post RP against every ψ into the menu, even without a "
                     f"participation constraint; {ir_text}")
    else:
        # every ψ into the continuum: a price matters only where a player's payoff from it equals its payoff at a
        # reached decision (a vote or the best proposal changes there), so the menu extended by those prices decides it
        reach = list(dict.fromkeys(witness[th] for th in P))
        cut = {Q(p) for p in prices}
        for th in P:
            for d in reach:
                for c in (th[0] - env.utility(0, d, th), th[1] + env.utility(1, d, th)):
                    if 2 <= c <= 5:
                        cut.add(c)
        wide = example_5_environment(tuple(sorted(cut)))
        fw = {th: witness[th] for th in P}
        ok, _ = rp_against_all_psi(wide, fw)
        cases = [{"kind": "psi", "psi": {label(d): label(x) for d, x in zip(reach, c)}}
                 for c in itertools.product(wide.outcomes, repeat=len(reach))]
        menu_certs.append(("rp-without-ir", voting_certificate(wide, fw, cases)))
        shown = ", ".join(f"{profile_label(th)} ↦ {label(x)}" for th, x in witness.items())
        bad = [th for th in P if _example5_welfare(env, witness[th], th) < max(_example5_welfare(env, x, th) for x in env.outcomes)]
        why = ("; it trades inefficiently at " + ", ".join(profile_label(th) for th in bad)
               + ", where no alternative is better for both, and no misreport gains once renegotiated") if bad else ""
        menu_status = "refuted" if ok else "confirmed"
        menu_text = (f"without a participation constraint the deterministic mechanism ({shown}) is ex post RP against every ψ into "
                     f"no trade or a price in [2, 5] (checked on the menu {{{', '.join(fmt(c) for c in sorted(cut))}}}: the menu and every "
                     f"price at which a player's payoff equals its payoff at a reached decision, the only prices at which a vote or "
                     f"the best proposal changes){why}; {ir_text}" if ok else
                     "the deterministic mechanism that resists every ψ into the menu is broken by a price off the menu; " + ir_text)
    tres, tcert = solve_certified(env, "menu-transfer-proposals")
    tr_certs = (("transfer-proposals", tcert),)
    if tres.status.value == "infeasible":
        rows = [r for r, y in (tres.farkas or {}).items() if y != 0 and r.startswith("RP2[")]
        tr_status = "confirmed"
        tr_text = ("mechanisms choose lotteries over no trade and trade at p ∈ [2, 5] (no other transfers), proposals "
                   "ψ(a) = (a′, t′) may move money (Σ t′ ≤ 0): no mechanism, deterministic or random, is ex post RP against every "
                   "such ψ — the necessary conditions (efficient outcomes; no gain from a misreport that reaches a forced outcome, "
                   "with the best proposal after it) are infeasible (Farkas certificate; its weights fall on "
                   + ", ".join(rows) + "). A lottery over [2, 5] gives at every state the expected payoffs of one over trade at 2 "
                   "and trade at 5 with the same trade probability, so the menu decides the continuum")
    else:
        tr_status = "not-applicable"
        tr_text = "the necessary conditions with proposals that move money are satisfiable on this menu: not decided"
    cont = _example5_domain()
    readings = []
    for timing in ("after-lottery", "before-lottery"):
        when = ("renegotiated after the lottery is drawn" if timing == "after-lottery" else
                "renegotiated before the lottery is drawn (footnote 6)")
        readings.append(ReadingVerdict(f"proposals=menu+timing={timing}", menu_status,
                                       f"{menu_text}. Random mechanisms {when}: a deterministic witness has no lottery" if menu_status == "refuted"
                                       else menu_text, tuple(menu_certs), cont if menu_status == "refuted" else _price_menu_domain(menu)))
        readings.append(ReadingVerdict(f"proposals=with-transfers+timing={timing}", tr_status,
                                       f"{tr_text}; forced outcomes are degenerate, so the conditions are the same {when.split(' (')[0].replace('renegotiated ', 'whether renegotiated ')} or not"
                                       if tr_status == "confirmed" else tr_text, tr_certs, cont if tr_status == "confirmed" else _price_menu_domain(menu)))
    note = ("The example's claim holds when proposals may carry transfers (§4.1.1 writes ψ(a, t) = (a′, t′) ∈ A × ℝⁿ) and fails when "
            "they are alternatives of the example only; the paper's argument (the buyer can secure price 2, the seller price 5) "
            "uses proposals at prices the mechanism need not use") if menu_status != tr_status else ""
    return Verdict(cid, instance=env.name, readings=readings, note=note)


def _example5_welfare(env: Environment, x: Any, th: tuple) -> Any:
    return env.utility(0, x, th) + env.utility(1, x, th)


_EXAMPLE_5_ALTERNATIVES = ("The set of social alternatives consists of a continuum of alternatives: “no trade,” and “trade at the price p ,” "
                           "where $p \\in [2, 5]$.")
_PSI_WITH_TRANSFERS = "$$\\psi : \\{(a, t) \\in A \\times \\mathbb{R}^n \\mid \\exists \\tilde{\\sigma} \\in S : m(\\tilde{\\sigma}) = (a, t)\\} \\rightarrow A \\times \\mathbb{R}^n.$$"
_FOOTNOTE_6 = "⁶The outcome may involve a lottery. If so, ex-post renegotiation takes place before the lottery is carried through."


def _example5_readings() -> tuple[Reading, ...]:
    out = []
    for timing in ("after-lottery", "before-lottery"):
        when = ("A random mechanism is renegotiated after its lottery is drawn: ψ sees the alternative drawn."
                if timing == "after-lottery" else "A random mechanism is renegotiated before its lottery is drawn: ψ sees the lottery.")
        t_support = "" if timing == "after-lottery" else " … " + _FOOTNOTE_6
        out.append(Reading(f"proposals=menu+timing={timing}",
                           "Mechanisms and renegotiation proposals ψ(a) choose among the example's alternatives only (no trade, or trade "
                           "at a price in [2, 5]), without further transfers. " + when, _EXAMPLE_5_ALTERNATIVES + t_support))
        out.append(Reading(f"proposals=with-transfers+timing={timing}",
                           "Mechanisms choose among the example's alternatives; a renegotiation proposal ψ(a, t) = (a′, t′) may also "
                           "move money between the players (Σ t′ ≤ 0). " + when,
                           _EXAMPLE_5_ALTERNATIVES + " … " + _PSI_WITH_TRANSFERS + t_support))
    return tuple(out)


def _example5_domain() -> Domain:
    return Domain("a continuum of alternatives: no trade, and trade at p ∈ [2, 5]", "no trade and trade at p ∈ [2, 5]", True,
                  "decided for every mechanism and every ψ into the continuum: a lottery over [2, 5] gives the expected payoffs of one "
                  "over the menu's end points, and a price decides a vote or a best proposal only where a player's payoff "
                  "equals its payoff at a reached decision, so a finite menu containing those prices decides every ψ")


def _price_menu_domain(menu: str) -> Domain:
    return Domain("a continuum of alternatives: no trade, and trade at p ∈ [2, 5]", f"price menu {menu}", False,
                  "a finite menu of prices in [2, 5] containing 2 and 5: the prices between the listed ones are omitted, "
                  "as alternatives of a mechanism and of a proposal ψ")


def _example5_instances() -> list[tuple[str, Any]]:
    return [("prices-2-3-4-5", (2, 3, 4, 5)), ("prices-step-1-2", (2, "5/2", 3, "7/2", 4, "9/2", 5))]


def _example5_strategy() -> Any:
    from hypothesis import strategies as st

    return st.lists(st.integers(1, 17), min_size=0, max_size=3, unique=True).map(
        lambda ks: tuple([2] + [fmpq(12 + k, 6) for k in sorted(ks)] + [5]))


register(Claim(
    id="neemanpavlov2007/example-5",
    statement="Buyer values 1 or 5, seller costs 2 or 6 (equally likely); alternatives: no trade, trade at p ∈ [2, 5]. There does not exist any ex-post renegotiation-proof mechanism for this environment.",
    where="§4.1.1, Example 5",
    decide=_decide_np_example5,
    strategy=_example5_strategy,
    readings=_example5_readings(),
    domains=(_example5_domain(),),
    paper_instances=_example5_instances,
    checks="Four readings: proposals from the example's alternatives only, or with transfers (ψ(a, t) = (a′, t′) ∈ A × ℝⁿ), each with a random mechanism renegotiated after or before its lottery is drawn; mechanisms choose among the alternatives (no transfers). Menu proposals: the first deterministic mechanism that is ex post RP against every ψ without a participation constraint, re-checked against every ψ on the menu extended by every price at which a player's payoff equals its payoff at a reached decision (which decides every ψ into [2, 5]); with ex post IR, every deterministic mechanism on the menu (enumerated, each with a breaking ψ) and the random ones (one LP over lotteries, Farkas). Proposals with transfers: one LP of necessary conditions over lotteries (efficient outcomes; no gain from a misreport that reaches a forced outcome, with the best proposal after it; proposals.transfer_proposals_model), infeasible with a Farkas certificate; a lottery over [2, 5] has the expected payoffs of one over {2, 5}, so the menu decides the continuum."
))
