"""The readings of Neeman–Pavlov's claims that proposals with transfers, every voting
equilibrium and the proof's free choices decide (exactmd/papers/neemanpavlov2007/transfer_proposals.py
and the claims).

Expected values are derived by hand from the paper's numbers (the comments give the
derivation), or come from an independent method (an LP per proposal, a brute force over
mechanisms); none is read off the code under test."""

from __future__ import annotations

import copy
import itertools

import pytest
from flint import fmpq
from hypothesis import given
from hypothesis import strategies as st

from exactmd.claims import get_claim
from exactmd.lp import Model
from exactmd.papers.neemanpavlov2007 import (best_proposal_gain, example_5_environment, lemma_2_certificate, proposition_1,
                                             rp_against_every_psi_with_transfers, rp_against_psi, rp_against_psi_any_equilibrium,
                                             solve_certified, transfer_check_certificate, transfer_proposals_model,
                                             verify_rp_certificate, voting_certificate)
from exactmd.papers.neemanpavlov2007.examples import priced_trade_environment, three_players, trade_environment
from exactmd.rational import Q
from exactmd.strategies import private_value_environments


def _statuses(cid, inst):
    v = get_claim(cid).decide(inst)
    return v.status, {r.reading: r.status for r in v.readings}


# ---------------------------------------------------------------------------------
# Example 5: proposals with transfers
@pytest.mark.parametrize("prices", [(2, 5), (2, 3, 4, 5), (2, "7/2", 5)])
def test_example_5_no_deterministic_mechanism_resists_proposals_with_transfers(prices):
    # brute force, independent of the LP: every deterministic mechanism on the menu, each checked exactly
    env = example_5_environment(prices)
    P = env.profiles()
    for choice in itertools.product(env.outcomes, repeat=len(P)):
        mech = {th: (x, (fmpq(0), fmpq(0))) for th, x in zip(P, choice)}
        assert not rp_against_every_psi_with_transfers(env, mech).holds
    # and the LP of necessary conditions agrees (it covers the random mechanisms too)
    assert transfer_proposals_model(env).solve().status.value == "infeasible"


def test_example_5_the_paper_argument_is_the_farkas_certificate():
    # by hand: with trade at (5, 2) at price P, the buyer who reports 1 and proposes trade at 2 gains (P − 2)/2,
    # the seller who reports 6 and proposes trade at 5 gains (5 − P)/2: both rows must carry weight
    res = transfer_proposals_model(example_5_environment((2, 3, 4, 5))).solve()
    weighted = {r for r, y in res.farkas.items() if y != 0}
    assert {"RP2[buyer: 5 -> 1]", "RP2[seller: 2 -> 6]"} <= weighted


def test_example_5_readings():
    status, per = _statuses("neemanpavlov2007/example-5", (2, 3, 4, 5))
    assert status == "depends-on-reading"
    assert per == {"proposals=menu+timing=after-lottery": "refuted", "proposals=menu+timing=before-lottery": "refuted",
                   "proposals=with-transfers+timing=after-lottery": "confirmed",
                   "proposals=with-transfers+timing=before-lottery": "confirmed"}


def test_example_5_menu_witness_resists_every_price_in_the_interval():
    # trade at 2 whenever the buyer reports 5: checked against ψ on a fine grid of [2, 5] (the claim uses the
    # thresholds only); a finer menu must not break it
    env = example_5_environment(tuple(fmpq(12 + k, 6) for k in range(19)))
    f = {th: ("trade at 2" if th[0] == 5 else "no trade") for th in env.profiles()}
    for x, y in itertools.product(env.outcomes, repeat=2):
        assert rp_against_psi(env, f, {"trade at 2": x, "no trade": y}).holds


def test_example_5_witness_is_broken_by_a_proposal_with_transfers():
    # by hand: at (5, 6) trade at 2 is inefficient (5 < 6); no trade with the seller paying the buyer 7/2 gives the
    # buyer 7/2 > 3 and the seller −7/2 > −4, so both vote for it on the path: condition (1) fails
    env = example_5_environment((2, 3, 4, 5))
    z = (fmpq(0), fmpq(0))
    mech = {th: ("trade at 2" if th[0] == 5 else "no trade", z) for th in env.profiles()}
    r = rp_against_every_psi_with_transfers(env, mech)
    assert r.switch.startswith("at 5,6")  # trade at (5, 6) is inefficient: 5 < 6


# ---------------------------------------------------------------------------------
# the best proposal against an independent LP per acceptance set
def _lp_best(env, i, d, states):
    j = 1 - i
    best = fmpq(0)
    th0 = states[0][0]
    for k in range(1, len(states) + 1):
        for S in itertools.combinations(states, k):
            mass = sum((w for _, w in S), fmpq(0))
            for a in env.outcomes:
                m = Model("max")
                tau = m.var("tau", None, None)
                for th, _ in S:
                    need = env.valuation(j, d[0], th) + d[1][j] - env.valuation(j, a, th)
                    m.add(tau >= need)
                m.maximize(-1 * tau)
                res = m.solve()
                gain = env.valuation(i, a, th0) + res.value - env.valuation(i, d[0], th0) - d[1][i]
                if gain > 0:
                    best = max(best, gain * mass)
    return best


@given(private_value_environments(n_agents=2, max_types=3, max_allocations=3), st.data())
def test_best_proposal_gain_agrees_with_an_lp_per_acceptance_set(env, data):
    i = data.draw(st.integers(0, 1))
    ti = data.draw(st.sampled_from(env.types[i]))
    a = data.draw(st.sampled_from(env.outcomes))
    t = data.draw(st.integers(-3, 3))
    d = (a, (Q(t), Q(-t)) if i == 0 else (Q(-t), Q(t)))
    states = [(th, fmpq(1, len(env.types[1 - i]))) for th in env.profiles() if th[i] == ti]
    assert best_proposal_gain(env, i, d, states)[0] == _lp_best(env, i, d, states)


def _rows_hold_at_a_passing_mechanism(env):
    """Every deterministic budget-balanced mechanism that passes the exact check satisfies
    the model's rows; False when the environment offers no such mechanism to test."""
    res, _ = solve_certified(env, "oracle")
    if res.status.value != "optimal":
        return False
    from exactmd.papers.neemanpavlov2007 import deterministic_from_primal

    mech = deterministic_from_primal(env, res.primal)
    if mech is None or not rp_against_every_psi_with_transfers(env, mech).holds:
        return False
    from exactmd.encoding import qvar, tvar

    point = {}
    for th, (a, t) in mech.items():
        for x in env.outcomes:
            point[qvar(x, th)] = fmpq(1 if x == a else 0)
        for k in range(env.n):
            point[tvar(env, k, th)] = t[k]
    prob = transfer_proposals_model(env).to_problem()
    for row in prob["constraints"]:
        lhs = sum((Q(c) * point[v] for v, c in row["coeffs"].items()), fmpq(0))
        rhs = Q(row["rhs"])
        assert {"==": lhs == rhs, ">=": lhs >= rhs, "<=": lhs <= rhs}[row["op"]], row["name"]
    return True


@given(private_value_environments(n_agents=2, max_types=2, max_allocations=3))
def test_the_transfer_model_is_a_relaxation_of_the_exact_check(env):
    _rows_hold_at_a_passing_mechanism(env)


@pytest.mark.parametrize("values", [((1, 5), (2, 6)), ((0, 3), (1, 2)), ((1, 4), (2, 5))])
def test_the_transfer_model_is_a_relaxation_on_bilateral_trade(values):
    assert _rows_hold_at_a_passing_mechanism(trade_environment(*values, "trade"))


# ---------------------------------------------------------------------------------
# the remark after Proposition 3, as written
def test_example_3_mechanism_is_ex_post_rp_with_transfer_proposals():
    # the paper's Example 3 mechanism (trade at 2 iff the buyer says 3) with any price allowed in proposals:
    # by hand, buyer 3 reporting 0 can at best propose trade at 1 (seller 1 only: 1/2·2 = 1) or at 2 (both: 1) — no gain
    env = trade_environment((0, 3), (1, 2), "Example 3 values")
    mech = {th: (1, (Q(-2), Q(2))) if th[0] == 3 else (0, (Q(0), Q(0))) for th in env.profiles()}
    assert rp_against_every_psi_with_transfers(env, mech).holds
    # and with price 0 the buyer of value 0 gains 1 by reporting 3 then proposing no trade with 1 from the seller
    cheap = {th: (1, (Q(0), Q(0))) if th[0] == 3 else (0, (Q(0), Q(0))) for th in env.profiles()}
    assert rp_against_every_psi_with_transfers(env, cheap).gain == 1


def test_remark_readings():
    for inst, ex_post_ir in (((1, 5, 2, 6), "confirmed"), ((0, 3, 1, 2), "refuted")):
        status, per = _statuses("neemanpavlov2007/remark-bilateral-trade", inst)
        assert status == "refuted-on-variant"
        assert per == {"rp=oracle": "refuted", "rp=oracle+ir=interim": "confirmed", "rp=ex-post": "refuted",
                       "rp=ex-post+ir=ex-post": ex_post_ir}


# ---------------------------------------------------------------------------------
# Example 3: every voting equilibrium
def test_example_3_any_equilibrium_breaks_exactly_the_proposals_trade_at_1_after_no_trade():
    # by hand: after the buyer of value 3 reports 0 (no trade), the seller of value 2 is never pivotal on the path
    # (the buyer of value 0 votes no to trade at 1), so voting yes is an equilibrium vote; the deviator then gets
    # 1/2·2 + 1/2·2 = 2 > 1.  Trade at 2 after no trade gives her 1 either way.
    env = priced_trade_environment((0, 3), (1, 2), (1, 2), "Example 3")
    f = {th: ("trade at 2" if th[0] == 3 else "no trade") for th in env.profiles()}
    broken = set()
    for x, y in itertools.product(env.outcomes, repeat=2):
        psi = {"trade at 2": x, "no trade": y}
        assert rp_against_psi(env, f, psi).holds
        r = rp_against_psi_any_equilibrium(env, f, psi)
        if not r.holds:
            assert r.gain == 1
            broken.add((x, y))
    assert broken == {(x, "trade at 1") for x in env.outcomes}
    assert _statuses("neemanpavlov2007/example-3", None) == (
        "depends-on-reading", {"votes=by-preference": "confirmed", "votes=any-equilibrium": "refuted"})


def test_any_equilibrium_cases_are_bounded_in_verify():
    env = priced_trade_environment((0, 1, 2, 3, 4), (1, 2, 3, 4), (1, 2), "nine types")
    f = {th: "no trade" for th in env.profiles()}
    cert = voting_certificate(env, f, [{"kind": "psi", "psi": {"no trade": "no trade"}}])
    cert["cases"][0]["kind"] = "psi-any-equilibrium"
    ok, why = verify_rp_certificate(cert)
    assert not ok and "every voting equilibrium with more than 8 types" in why


# ---------------------------------------------------------------------------------
# Lemma 2 from the definition, and the new certificates under forgery
def test_lemma_2_by_definition_and_its_forgeries():
    env = trade_environment((1, 5), (2, 6), "Example 5 values")
    cert = lemma_2_certificate(env)
    # by hand: trade is inefficient at (1, 2), (1, 6), (5, 6); no trade at (5, 2): four pairs
    assert [(p["state"], p["alternative"]) for p in cert["pairs"]] == [("1,2", "1"), ("1,6", "1"), ("5,2", "0"), ("5,6", "1")]
    assert verify_rp_certificate(cert)[0]
    bad = copy.deepcopy(cert)
    bad["pairs"][0]["proposal"]["transfers"] = ["-1", "1"]  # the buyer pays 1 for no trade: she loses
    assert not verify_rp_certificate(bad)[0]
    bad = copy.deepcopy(cert)
    del bad["pairs"][1]
    ok, why = verify_rp_certificate(bad)
    assert not ok and "4 inefficient" in why
    bad = copy.deepcopy(cert)
    bad["pairs"][2]["switch"] = ["1", "1"]
    assert not verify_rp_certificate(bad)[0]
    bad = copy.deepcopy(cert)
    bad["pairs"][0]["proposal"]["transfers"] = ["2", "-1"]  # pays out more than it collects
    assert not verify_rp_certificate(bad)[0]


def test_transfer_check_forgeries():
    env = trade_environment((0, 3), (1, 2), "Example 3 values")
    mech = {th: (1, (Q(0), Q(0))) if th[0] == 3 else (0, (Q(0), Q(0))) for th in env.profiles()}
    cert = transfer_check_certificate(env, mech)
    assert verify_rp_certificate(cert)[0] and cert["holds"] is False
    for key, val in (("holds", True), ("gain", "0"), ("switch", True)):
        bad = copy.deepcopy(cert)
        bad[key] = val
        ok, why = verify_rp_certificate(bad)
        assert not ok and why.startswith(key)
    bad = copy.deepcopy(cert)
    bad["mechanism"]["3,1"]["transfers"] = ["-2", "2"]
    bad["mechanism"]["3,2"]["transfers"] = ["-2", "2"]  # now RP, but the file still says it is not
    assert not verify_rp_certificate(bad)[0]
    bad = copy.deepcopy(cert)
    bad["mechanism"]["3,1"]["transfers"] = ["-2", "1"]  # not budget balanced
    assert not verify_rp_certificate(bad)[0]
    bad = copy.deepcopy(cert)
    bad["statement"] = bad["statement"].replace("is not ex post", "is ex post")
    assert not verify_rp_certificate(bad)[0]


# ---------------------------------------------------------------------------------
# Proposition 1: the proof's free choice of a₀
def test_prop_1_bound_depends_on_the_choice_of_a0():
    # by hand: y is efficient everywhere (welfare 5 against −5), so the decision is y.  Player 1 lies, gets the
    # punishment (a₀, −M, −M, 2M) and renegotiates to y, capturing S − (others' utilities) = 5 − (v_2(a₀) − M) − 2M:
    # with a₀ = y that is −5 − M ≤ −5 (truthful) for every M ≥ 0; with a₀ = x it is 15 − M, which needs M ≥ 20,
    # while the proof's bound max |v_i| = 10 allows M = 11
    env = three_players()
    assert proposition_1(env, a0="y").least_M == 0
    assert proposition_1(env, a0="x").least_M == 20
    assert proposition_1(env, a0="y").at_paper == ()
    assert proposition_1(env, a0="x").at_paper != ()
    assert _statuses("neemanpavlov2007/prop-1-proof-bound", env) == (
        "depends-on-reading", {"a0=every": "refuted", "a0=some": "confirmed"})
