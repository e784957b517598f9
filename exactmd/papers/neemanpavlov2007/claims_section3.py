"""Neeman & Pavlov (2007), §3 (complete information), as claims: Example 1 (continued) and
Example 2 (§3.1 and the appendix), Proposition 1 and the bound on M in its proof
(appendix), Proposition 2, Lemma 1 and the Corollary (§3.1).

Each claim is a :class:`exactmd.claims.Claim` in :data:`CLAIMS` (its ``decide``, strategy of
random instances and paper instances beside it).  Importing this module registers nothing:
:func:`exactmd.papers.neemanpavlov2007.plugin.register` registers :data:`CLAIMS`.
"""

from __future__ import annotations

from typing import Any

from exactmd.belief import label, profile_label
from exactmd.claims import Claim, Reading, ReadingVerdict, Verdict
from exactmd.environment import Environment
from exactmd.rational import Q, fmt

from .certificates import check_certificate
from .complete_information import pareto_improvement, qname, renegotiation_proof_mechanism, rp_range, rp_shape, tname
from .examples import example_1, example_2, three_players, trade_environment
from .punishment import proposition_1, punishment_mechanism
from .vcg import proposition_2
from .welfare import efficient_alternatives, surplus

def _np_env(instance: Any) -> Environment:
    return instance


def _decide_example1(instance: tuple[Any, Any, Any]) -> Verdict:
    lo, hi, c = (Q(x) for x in instance)
    cid = "neemanpavlov2007/example-1"
    env = trade_environment((lo, hi), (c,), f"buyer {fmt(lo)} or {fmt(hi)}, seller {fmt(c)}")
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

    certs: list[tuple[str, dict[str, Any]]] = []
    bad = []
    for nm, (r, want) in q.items():
        lo_, hi_ = rp_range(env, {qname(env, 1, r): 1})
        certs += [(f"{nm}-min", lo_.certificate), (f"{nm}-max", hi_.certificate)]
        if not (lo_.value == hi_.value == want):
            bad.append(f"{nm} ranges over [{fmt(lo_.value)}, {fmt(hi_.value)}], the paper says {want}")
    for nm, (e, price) in prices.items():
        lo_, hi_ = rp_range(env, e)
        certs += [(f"{nm.split(':')[0]}-min", lo_.certificate), (f"{nm.split(':')[0]}-max", hi_.certificate)]
        if not (lo_.value == hi_.value == price):
            bad.append(f"{nm} ranges over [{fmt(lo_.value)}, {fmt(hi_.value)}], the paper says {fmt(Q(price))}")
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


def _decide_example2(instance: tuple[Any, Any, Any, Any]) -> Verdict:
    b1, b2, s1, s2 = (Q(x) for x in instance)
    cid = "neemanpavlov2007/example-2"
    env = trade_environment((b1, b2), (s1, s2), f"buyer {fmt(b1)} or {fmt(b2)}, seller {fmt(s1)} or {fmt(s2)}")
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


def _decide_np_prop2(env: Environment) -> Verdict:
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
    from exactmd.strategies import private_value_environments

    return private_value_environments(n_agents=2, max_types=2, max_allocations=3)


def _np_prop2_instances() -> list[tuple[str, Any]]:
    return [("example-1", example_1()), ("example-2", example_2())]


def _efficient_zero_transfers(env: Environment) -> tuple[dict[tuple, Any], dict[tuple, tuple[int, ...]]]:
    """The social choice function (a, t) that Proposition 1's claims implement: the first
    welfare-maximising alternative in every state, zero transfers."""

    states = env.profiles()
    return {th: efficient_alternatives(env, th)[0] for th in states}, {th: (0,) * env.n for th in states}


def _decide_np_prop1(env: Environment) -> Verdict:
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
    from exactmd.strategies import private_value_environments

    return private_value_environments(n_agents=3, max_types=2, max_allocations=3)


def _np_prop1_instances() -> list[tuple[str, Any]]:
    return [("three-players", three_players())]


def _three_player_environments() -> Any:
    from exactmd.strategies import quasilinear_environments

    return quasilinear_environments(n_agents=3, max_types=2, max_allocations=3)


def _decide_np_lemma1(env: Environment) -> Verdict:
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


def _decide_np_corollary(instance: tuple[Environment, dict, dict]) -> Verdict:
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

    from exactmd.strategies import private_value_environments

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
    env = _np_prop1_instances()[0][1]
    states = env.profiles()
    eff = {th: efficient_alternatives(env, th)[0] for th in states}
    zero = {th: (0, 0, 0) for th in states}
    ineff = {th: "x" for th in states}
    return [("efficient-zero-transfers", (env, eff, zero)), ("inefficient-x", (env, ineff, zero))]


CLAIMS = (
    Claim(
        id="neemanpavlov2007/example-1",
        statement="We show that the buyer is the one who determines if the trade takes place, and pays exactly 2 more than she pays if there is no trade.",
        where="§3.1, Example 1 (continued), appendix",
        decide=_decide_example1,
        strategy=_example1_strategy,
        paper_instances=lambda: [("paper-1-5-2", (1, 5, 2))],
        checks="Complete information, the buyer's value l or h, the seller's c (l < c < h), alternatives no trade / trade, any transfers, ex post budget balance. Over the set of ex post renegotiation-proof direct mechanisms (players report the state; exact LP): min and max of q_{1,5}, q_{5,1}, q_{1,1}, q_{5,5} and of the four price relations B1, B5, S1, S5 (the paper's 2 is c in general), each with its LP certificate; and which RP rows bind throughout. Random instances vary l, c, h.",
    ),
    Claim(
        id="neemanpavlov2007/example-2",
        statement="We show that no renegotiation-proof mechanism exist in this environment.",
        where="§3.1, Example 2, appendix",
        decide=_decide_example2,
        strategy=_example2_strategy,
        paper_instances=lambda: [("paper-1-5-2-6", (1, 5, 2, 6))],
        checks="Complete information, buyer values b1 < b2, seller values s1 < s2 (random instances keep b1 < s1 < b2 < s2, trade efficient only at (b2, s1)), ex post budget balance: feasibility of the ex post renegotiation-proofness LP (EFF, BB, RP rows). Infeasible (Farkas certificate, `exactmd explain` prints the sum of RP rows) confirms.",
    ),
    Claim(
        id="neemanpavlov2007/prop-2",
        statement="Consider a complete information mechanism design environment with two players. A budget balanced mechanism is ex-post renegotiation-proof if and only if it is a VCG mechanism.",
        where="§3.1, Proposition 2 (proof in the appendix)",
        decide=_decide_np_prop2,
        strategy=_np_prop2_strategy,
        paper_instances=_np_prop2_instances,
        checks="Two players, private values, a unique welfare maximiser in every state (else not-applicable). IF: the budget-balanced VCG mechanisms are h* + c·(1, −1) (h* from an exact LP, or a Farkas certificate that none exists); the RP slack of every row at their embedding (each player's own-type report used) is affine in c, so all are RP iff every slack has slope 0 and is ≥ 0. ONLY IF: over the budget-balanced RP set (exact LPs, certificates), q and t at every report profile equal their values at the profile of own reports, and t_i differs across own types exactly as VCG requires. 'Mechanism' means a direct mechanism in which players report the state (the revelation principle of the proof).",
    ),
    Claim(
        id="neemanpavlov2007/prop-1",
        statement="Consider a complete information mechanism design environment with n ≥ 3 players. Let a be an ex-post efficient decision rule, and let t be a budget balanced vector of transfer functions, then there exists an incentive compatible, budget balanced, and ex-post renegotiation-proof mechanism that implements (a, t).",
        where="§3.1, Proposition 1 (proof in the appendix)",
        decide=_decide_np_prop1,
        strategy=_np_prop1_strategy,
        paper_instances=_np_prop1_instances,
        checks="For the efficient decision (first maximiser) and zero transfers: the proof's punishment mechanism (players 1 and 2 disagree → (a₀, −M, −M, 2M, 0, …)); every RP row's slack is affine in M, so the least M that makes all rows hold is computed exactly, and the mechanism is checked there (budget balance, EFF, RP; RP implies IC under budget balance). The certificate lists the mechanism and is recomputed by `exactmd verify`.",
    ),
    Claim(
        id="neemanpavlov2007/prop-1-proof-bound",
        statement="the constant M is chosen such that M > max_{i∈N, a∈A, θ∈Θ} |v_i(a, θ) + t_i(θ)|. The (direct revelation) mechanism (α, τ) is incentive compatible, budget balanced, and ex-post renegotiation-proof",
        where="Appendix, proof of Proposition 1",
        decide=_decide_np_prop1_bound,
        strategy=_np_prop1_strategy,
        readings=_PROP1_BOUND_READINGS,
        paper_instances=_np_prop1_instances,
        checks="The punishment mechanism at M = (the proof's bound) + 1, for the efficient decision and zero transfers, once for every choice of the fixed alternative a₀: every RP row recomputed exactly; a violated row (a player who lies, is punished, and renegotiates to the efficient outcome) refutes the bound for that a₀. a0=every needs the bound to suffice for each a₀, a0=some for one. Each certificate lists the mechanism and each violated row with its exact gain.",
    ),
    Claim(
        id="neemanpavlov2007/lemma-1",
        statement="In a complete information mechanism design environment, an ex-post renegotiation-proof Nash equilibrium is ex-post efficient.",
        where="§3.1, Lemma 1",
        decide=_decide_np_lemma1,
        strategy=_three_player_environments,
        paper_instances=_np_prop2_instances,
        checks="For every state θ and every alternative a that is not welfare-maximising (with zero transfers), the alternative (a*, t') with a* efficient and t'_i = u_i − v_i(a*, θ) + (S(θ) − Σ_j u_j)/(2n) is feasible (Σ t' ≤ 0) and strictly preferred by every player — computed exactly. (The lemma's content: an inefficient outcome is renegotiated.)",
    ),
    Claim(
        id="neemanpavlov2007/corollary-1",
        statement="Consider a complete information mechanism design environment with n ≥ 3 players. A social choice function (a, t) : Θ → A × R^n is implementable in a way that is ex-post renegotiation-proof if and only if a is ex-post efficient and t is budget balanced.",
        where="§3.1, Corollary",
        decide=_decide_np_corollary,
        strategy=_np_corollary_strategy,
        paper_instances=_np_corollary_instances,
        checks="For a given (a, t): if a is efficient and t budget balanced, the punishment mechanism at the least M (Proposition 1) is checked row by row (certificate recomputed by verify); otherwise, at a state where a is inefficient or Σ t < 0, an exact feasible alternative that every player strictly prefers is constructed (so the truthful outcome would be renegotiated); Σ t > 0 is infeasible outright.",
    ),
)
