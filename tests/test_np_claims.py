"""Neeman–Pavlov's remaining statements as claims: §3.2 (interim RP under complete
information), §4.1.4 (the generalized Vickrey auction), §4.1.3 (correlated private
values) and a sufficient bound for Proposition 1's punishment mechanism.

Expected values are computed by hand in the comments, or by an independent method
(brute force over states, without the LP rows) in the property tests."""

from __future__ import annotations

import copy

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from exactmd.certificates import verify_document
from exactmd.claims import get_claim
from exactmd.encoding import qvar, tvar
from exactmd.papers.neemanpavlov2007.claims_beyond_ipv import (
    correlated_majority, full_support_counterexample, never_winning_bidder_auction, perfectly_correlated_counterexample)
from exactmd.papers.neemanpavlov2007.complete_information import pareto_improvement, renegotiation_proof_mechanism
from exactmd.papers.neemanpavlov2007.examples import example_1, three_players
from exactmd.papers.neemanpavlov2007.interdependent import (
    generalized_vickrey, oracle_check_certificate, oracle_violations, single_crossing)
from exactmd.papers.neemanpavlov2007.welfare import surplus
from exactmd.papers.neemanpavlov2007.complete_information import check_rp
from exactmd.papers.neemanpavlov2007.punishment import punishment_mechanism, required_M, sufficient_M, uniform_sufficient_M
from exactmd.papers.neemanpavlov2007.questions import solve_certified
from exactmd.papers.neemanpavlov2007.welfare import _unique_maximizer, efficient_alternatives
from exactmd.strategies import (
    correlated_private_values, full_rank_conditionals, interdependent_auctions, quasilinear_environments)


# ---------------------------------------------------------------------------------
# §3.2
def test_interim_rp_on_the_papers_instances() -> None:
    c = get_claim("neemanpavlov2007/interim-rp-complete-info")
    for _, inst in c.instances():
        v = c.decide(inst)
        assert v.status == "confirmed", v
        for _, cert in v.certificates:
            ok, why = verify_document(cert)
            assert ok, why


def test_feasible_budget_leaves_no_money_at_truthful_outcomes() -> None:
    # three players: before condition 1's rows C1 the feasible-budget LP let a truthful outcome burn money
    env = three_players()
    res = renegotiation_proof_mechanism(env, "feasible")
    assert res.status == "optimal" and res.mechanism is not None
    for th in env.profiles():
        lot, t = res.mechanism([th] * env.n)
        assert sum(t) == 0
        # independent check (Lemma 1's construction): no feasible outcome Pareto dominates the truthful one
        assert pareto_improvement(env, th, lot, t) is None


@settings(max_examples=15, deadline=None)
@given(quasilinear_environments(n_agents=2, max_types=2, max_allocations=3))
def test_ex_post_rp_witness_is_interim_rp(env) -> None:  # type: ignore[no-untyped-def]
    for budget in ("balanced", "feasible"):
        res = renegotiation_proof_mechanism(env, budget)
        if res.mechanism is None:
            continue
        for th in env.profiles():
            lot, t = res.mechanism([th] * env.n)
            total = sum((p * sum((env.valuation(i, a, th) for i in range(env.n)), fmpq(0)) for a, p in lot.items()), fmpq(0))
            assert total + sum(t, fmpq(0)) == surplus(env, th)


# ---------------------------------------------------------------------------------
# §4.1.4: the generalized Vickrey auction
def _brute_oracle_gains(env, mech, players=None):  # type: ignore[no-untyped-def]
    """For every bidder i, signal s_i and report s'_i: E[max(U_i(dev), S − Σ_{j≠i} U_j(dev)) − U_i(truth) | s_i],
    from the definition (state by state, the oracle renegotiates when the liar gains)."""
    def U(j, rep, th):  # type: ignore[no-untyped-def]
        a, t = mech[rep]
        return env.valuation(j, a, th) + t[j]

    out = {}
    for i in range(env.n - 1) if players is None else players:
        marg = env.prior.marginal(i)
        for si in env.types[i]:
            for ri in env.types[i]:
                if ri == si:
                    continue
                g = fmpq(0)
                for th in env.profiles():
                    if th[i] != si:
                        continue
                    dev = th[:i] + (ri,) + th[i + 1:]
                    lie = max(U(i, dev, th), surplus(env, th) - sum(U(j, dev, th) for j in range(env.n) if j != i))
                    g += env.prior[th] / marg[si] * (lie - U(i, th, th))
                out[(i, si, ri)] = g
    return out


def test_never_winning_bidder_gains_exactly_one() -> None:
    env = never_winning_bidder_auction()
    mech = generalized_vickrey(env)
    # s3 = 0: values (3, 4, 0), bidder 2 wins at max(v1, v3) = 3; s3 = 1: values (5, 4, 3), bidder 1 wins at 4
    z, o = fmpq(0), fmpq(1)
    assert mech[(z, z, z, z)] == ("win2", (z, fmpq(-3), z, fmpq(3)))
    assert mech[(z, z, o, z)] == ("win1", (fmpq(-4), z, z, fmpq(4)))
    # bidder 3 with s3 = 0 reports 1: bidder 1 pays 4 for a good worth 3 (U1 = −1), the seller has 4, the surplus is 4:
    # renegotiating to bidder 2 leaves bidder 3 with 4 − (−1 + 0 + 4) = 1; with s3 = 1 reporting 0: 5 − (0 + 1 + 3) = 1
    assert _brute_oracle_gains(env, mech)[(2, z, o)] == 1
    assert _brute_oracle_gains(env, mech)[(2, o, z)] == 1
    viol = oracle_violations(env, mech)
    assert viol == {"ORP[3: 0 -> 1]": fmpq(1, 2), "ORP[3: 1 -> 0]": fmpq(1, 2)}
    v = get_claim("neemanpavlov2007/gva-three-bidders").decide(env)
    assert v.status == "confirmed" and {r.reading: r.status for r in v.readings} == {
        "witness=any-bidder": "confirmed", "witness=never-winning-bidder": "confirmed"}


@settings(max_examples=25, deadline=None)
@given(interdependent_auctions(n_bidders=2))
def test_two_bidder_gva_no_oracle_gain_by_brute_force(env) -> None:  # type: ignore[no-untyped-def]
    assert single_crossing(env)
    mech = generalized_vickrey(env)
    assert all(g <= 0 for g in _brute_oracle_gains(env, mech).values())
    assert not oracle_violations(env, mech)
    assert get_claim("neemanpavlov2007/gva-two-bidders").decide(env).status == "confirmed"


@settings(max_examples=25, deadline=None)
@given(interdependent_auctions(n_bidders=2, max_signals=4, max_weight=4, prior="any"))
def test_two_bidder_gva_holds_state_by_state(env) -> None:  # type: ignore[no-untyped-def]
    # docs/claims.md: with two bidders no lie gains even ex post (the winner's price depends on the other signal
    # only), so the prior does not matter: correlated signals included
    mech = generalized_vickrey(env)

    def U(j, rep, th):  # type: ignore[no-untyped-def]
        a, t = mech[rep]
        return env.valuation(j, a, th) + t[j]

    for th in env.profiles():
        for i in range(2):
            for r in env.types[i]:
                dev = th[:i] + (r,) + th[i + 1:]
                others = sum(U(j, dev, th) for j in range(env.n) if j != i)
                assert max(U(i, dev, th), surplus(env, th) - others) <= U(i, th, th)


@settings(max_examples=25, deadline=None)
@given(interdependent_auctions(n_bidders=3, max_signals=2))
def test_three_bidder_rows_agree_with_brute_force(env) -> None:  # type: ignore[no-untyped-def]
    mech = generalized_vickrey(env)
    gains = _brute_oracle_gains(env, mech)
    rows = {r: x for r, x in oracle_violations(env, mech).items() if r.startswith("ORP[")}
    brute = {f"ORP[{env.agents[i]}: {si} -> {ri}]": g * env.prior.marginal(i)[si] for (i, si, ri), g in gains.items() if g > 0}
    assert rows == {k: v for k, v in brute.items()}
    assert not {r for r in oracle_violations(env, mech) if not r.startswith("ORP[")}  # efficient and budget balanced


def test_oracle_check_certificate_verifies_and_refuses_a_changed_price() -> None:
    env = never_winning_bidder_auction()
    cert = oracle_check_certificate(env, generalized_vickrey(env))
    ok, why = verify_document(cert)
    assert ok, why
    bad = copy.deepcopy(cert)
    bad["outcomes"]["0,0,1,0"]["transfers"] = ["-4", "0", "0", "3"]  # the seller receives 3 of the 4 paid
    ok, why = verify_document(bad)
    assert not ok and "violations" in why
    for change, named in ((["-8/2", "0", "0", "4"], "lowest terms"), (["-4", "0", "0"], "3 entries")):
        bad = copy.deepcopy(cert)
        bad["outcomes"]["0,0,1,0"]["transfers"] = change
        ok, why = verify_document(bad)
        assert not ok and named in why and "outcomes" in why, why
    bad = copy.deepcopy(cert)
    bad["outcomes"]["0,0,1,0"]["note"] = "trust me"
    ok, why = verify_document(bad)
    assert not ok and "note" in why


def test_interdependent_auctions_bounds_are_checked() -> None:
    with pytest.raises(InvalidArgument):
        interdependent_auctions(n_bidders=0)
    with pytest.raises(InvalidArgument):
        interdependent_auctions(min_signals=3, max_signals=2)


def test_example_1_claim_instances_unchanged_by_condition_1() -> None:
    # Example 1's RP set is the same with either budget: the least total utility is Σ S = 0 + 3 (state 1: no trade; 5: 5 − 2)
    v = get_claim("neemanpavlov2007/interim-rp-complete-info").decide(example_1())
    assert all("is 3 = Σ_θ S(θ)" in r.summary for r in v.readings)


# ---------------------------------------------------------------------------------
# §4.1.3: correlated private values
def _lp_mechanism(env, primal):  # type: ignore[no-untyped-def]
    """The deterministic mechanism of an LP witness (the efficient rule is unique: q is 0/1)."""
    out = {}
    for th in env.profiles():
        a = next(a for a in env.outcomes if primal[qvar(a, th)] == 1)
        out[th] = (a, tuple(primal[tvar(env, i, th)] for i in range(env.n)))
    return out


def test_two_players_perfect_correlation_is_a_counterexample() -> None:
    env = perfectly_correlated_counterexample()
    assert full_rank_conditionals(env.prior)
    # by hand (t = t_1, t_2 = −t_1; a0 efficient at (0,0), a1 elsewhere): player 1 at 0 reporting 1 (a1, S = 0) gives
    # t(0,0) ≥ 1 + t(1,0); player 2 at 1 reporting 0 gives t(1,0) ≥ t(1,1); player 1 at 1 reporting 0 gives
    # t(1,1) ≥ t(0,1); player 2 at 0 reporting 1 gives t(0,1) ≥ t(0,0) − 1/3: together t(0,0) ≥ t(0,0) + 2/3
    assert [efficient_alternatives(env, th)[0] for th in env.profiles()] == ["a0", "a1", "a1", "a1"]
    v = get_claim("neemanpavlov2007/conjecture-correlated-n2").decide(env)
    assert v.status == "refuted"
    for _, cert in v.certificates:
        assert verify_document(cert)[0]
    assert get_claim("neemanpavlov2007/conjecture-correlated-n2").decide(full_support_counterexample()).status == "refuted"


def test_three_player_witness_passes_the_brute_force_oracle() -> None:
    env = correlated_majority()
    res, _ = solve_certified(env, "oracle", "balanced")
    mech = _lp_mechanism(env, res.primal)
    assert all(sum(t) == 0 for _, t in mech.values())
    assert all(g <= 0 for g in _brute_oracle_gains(env, mech, range(3)).values())


@settings(max_examples=10, deadline=None)
@given(correlated_private_values(n_agents=3, max_types=2))
def test_three_player_conjecture_witnesses_by_brute_force(env) -> None:  # type: ignore[no-untyped-def]
    if not _unique_maximizer(env):
        return
    res, _ = solve_certified(env, "oracle", "balanced")
    assert res.status.value == "optimal"  # held on every instance drawn (a sample, not a proof)
    mech = _lp_mechanism(env, res.primal)
    assert all(g <= 0 for g in _brute_oracle_gains(env, mech, range(3)).values())


def test_committed_verdicts_of_the_new_claims() -> None:
    # regression: these change only if a verdict in proofs/ changes
    import json
    from pathlib import Path

    man = json.loads((Path(__file__).resolve().parent.parent / "proofs" / "manifest.json").read_text(encoding="utf-8"))
    got = {(e["claim"], e["instance"]): e["status"] for e in man["entries"]}
    assert got[("neemanpavlov2007/interim-rp-complete-info", "three-players")] == "confirmed"
    assert got[("neemanpavlov2007/gva-two-bidders", "symmetric-2s1-plus-s2")] == "confirmed"
    assert got[("neemanpavlov2007/gva-three-bidders", "never-winning-bidder")] == "confirmed"
    assert got[("neemanpavlov2007/conjecture-correlated", "correlated-majority")] == "confirmed"
    assert got[("neemanpavlov2007/conjecture-correlated-n2", "perfect-correlation")] == "refuted"
    assert got[("neemanpavlov2007/conjecture-correlated-n2", "full-support")] == "refuted"


# ---------------------------------------------------------------------------------
# Proposition 1: the derived bound (proofs/derivations/punishment-bound.md)
def test_bound_on_the_papers_three_players() -> None:
    env = three_players()
    eff = {th: "y" for th in env.profiles()}
    zero = {th: (0, 0, 0) for th in env.profiles()}
    # a0 = x: D_1 = (S − W(x)) + v_1(x) − v_1(y) = (5 − (−5)) + 5 − (−5) = 20; D_2 = 10 + (−10) − 10 = −10
    assert sufficient_M(env, eff, zero, "x") == 20
    assert sufficient_M(env, eff, zero, "y") == 0
    # B* = max_θ [S − min W] + max_{i ∈ {1,2}} [max_a v_i − v_i(y)] = 10 + max(10, 0) = 20
    assert uniform_sufficient_M(env, eff, zero) == 20
    assert check_rp(punishment_mechanism(env, eff, zero, 20, "x")) == ()
    gains = check_rp(punishment_mechanism(env, eff, zero, 11, "x"))  # the proof's bound 10, plus 1
    assert {v.amount for v in gains} == {fmpq(9)}  # player 1 lies: 20 − 11
    v = get_claim("neemanpavlov2007/prop-1-bound").decide((env, eff, zero))
    assert v.status == "confirmed"
    for _, cert in v.certificates:
        assert verify_document(cert)[0]


@st.composite
def _rules(draw, n):  # type: ignore[no-untyped-def]
    env = draw(quasilinear_environments(n_agents=n, max_types=2, max_allocations=3))
    dec = {th: draw(st.sampled_from(efficient_alternatives(env, th))) for th in env.profiles()}
    tr = {}
    for th in env.profiles():
        t = draw(st.lists(st.integers(-3, 3), min_size=n - 1, max_size=n - 1))
        tr[th] = tuple(t) + (-sum(t),)
    return env, dec, tr


@settings(max_examples=20, deadline=None)
@given(_rules(3))
def test_bound_equals_the_least_M_from_the_rows(inst) -> None:  # type: ignore[no-untyped-def]
    env, dec, tr = inst
    star = uniform_sufficient_M(env, dec, tr)
    for a0 in env.outcomes:
        B = sufficient_M(env, dec, tr, a0)
        assert B == required_M(env, dec, tr, a0)  # independent: the largest M some row's affine slack needs
        assert star >= B
        assert check_rp(punishment_mechanism(env, dec, tr, star, a0)) == ()
        if B > 0:
            assert check_rp(punishment_mechanism(env, dec, tr, B - fmpq(1, 7), a0)) != ()
