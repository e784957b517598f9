"""DSIC and ex-post-IC (exactmd.families): hand-derived optima, implied strength, zero-mass profiles."""

from __future__ import annotations

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from exactmd import Environment, OutcomeFunction, QLOutcome, Q
from exactmd.constraints import check, rows
from exactmd.design import optimal_mechanism
from exactmd.strategies import private_value_environments, quasilinear_environments


def auction(values: list, prior: object = "uniform") -> Environment:
    """Two bidders with private values in ``values``; allocations none, win1, win2."""
    return Environment.quasilinear([values, values], prior, ["none", "win1", "win2"],
                                   lambda i, a, th: th[i] if a == f"win{i + 1}" else 0)


# Hand derivation (Myerson, discrete types, uniform prior on m values v_1 < … < v_m):
# the virtual value of v_k is φ(v_k) = v_k − (v_{k+1} − v_k)·(1 − F(v_k))/f(v_k), and the
# optimal revenue is E[max(φ(θ_1), φ(θ_2), 0)]; it is attained by a DSIC, ex post IR
# mechanism (allocate to the highest nonnegative virtual value, threshold payments).
# * values {0, 1}: φ(0) = 0 − 1·(1/2)/(1/2) = −1, φ(1) = 1: revenue = P(some 1)·1 = 3/4.
# * values {1, 2}: φ(1) = 1 − 1·1 = 0, φ(2) = 2: revenue = P(some 2)·2 = 3/4·2 = 3/2.
# * values {1, 2, 3}: φ(1) = 1 − 1·(2/3)/(1/3) = −1, φ(2) = 2 − 1·1 = 1, φ(3) = 3:
#   5 of 9 profiles hold a 3 (15/9), 3 more hold a 2 and no 3 (3/9), (1,1) gives 0: 18/9 = 2.
@pytest.mark.parametrize("values, expected", [
    pytest.param([0, 1], "3/4", id="values-0-1"),
    pytest.param([1, 2], "3/2", id="values-1-2"),
    pytest.param([1, 2, 3], "2", id="values-1-2-3"),
])
def test_dsic_revenue_is_myersons_by_hand(values: list, expected: str) -> None:
    r = optimal_mechanism(auction(values), "DSIC,ex-post-IR", "revenue")
    r.verify()
    assert r.value == Q(expected)
    assert check(r.mechanism, "DSIC,ex-post-IR").ok


def test_ex_post_ic_revenue_equals_dsic_on_full_support() -> None:
    env = auction([1, 2, 3])
    a = optimal_mechanism(env, "ex-post-IC,ex-post-IR", "revenue")
    a.verify()
    assert a.value == Q(2)


def _zero_mass_env() -> Environment:
    # p(1,1) = 0: the profile where both value the good at 1 cannot occur
    return auction([0, 1], {"0,0": "1/3", "0,1": "1/3", "1,0": "1/3"})


def test_a_dsic_violation_at_a_zero_mass_profile_is_caught_by_dsic_only() -> None:
    env = _zero_mass_env()
    t0 = (fmpq(0), fmpq(0))
    table = {th: {QLOutcome("none", t0): 1} for th in env.profiles()}
    table[(fmpq(0), fmpq(1))] = {QLOutcome("win1", t0): 1}  # bidder 1 wins for free when reporting 0 against a 1
    m = OutcomeFunction(env, table)
    assert check(m, "IC").ok
    assert check(m, "ex-post-IC").ok
    rep = check(m, "DSIC")
    assert not rep.ok
    (v,) = rep.violations  # at (1,1) bidder 1 gains 1 by reporting 0; nothing else fails
    assert v.label == "DSIC[agent 1: 1 -> 0 at 1,1]"
    assert v.gain == 1 and v.amount == 1
    assert "gain from lying 1" in str(v)


def test_dsic_binds_at_zero_mass_profiles_in_the_optimum() -> None:
    env = _zero_mass_env()
    ic = optimal_mechanism(env, "IC,ex-post-IR", "revenue")
    ds = optimal_mechanism(env, "DSIC,ex-post-IR", "revenue")
    ic.verify()
    ds.verify()
    assert ds.value <= ic.value
    assert check(ds.mechanism, "DSIC").ok


def _coeffs(rs: list) -> set:
    return {(tuple(sorted((v, str(c)) for v, c in r.coeffs.items())), r.op, str(r.rhs)) for r in rs}


@settings(max_examples=25, deadline=None)
@given(private_value_environments(n_agents=2, max_types=3, max_allocations=3))
def test_private_values_full_support_dsic_and_ex_post_rows_agree(env: Environment) -> None:
    ds, ep = rows(env, "DSIC"), rows(env, "ex-post-IC")
    assert _coeffs(ds) == _coeffs(ep)
    assert [r.label.replace("DSIC[", "") for r in ds] == [r.label.replace("EPIC[", "") for r in ep]


@settings(max_examples=25, deadline=None)
@given(quasilinear_environments(n_agents=2, max_types=3, max_allocations=3))
def test_each_ic_row_is_the_prior_weighted_sum_of_ex_post_rows(env: Environment) -> None:
    """Σ_{θ_-i} p(θ)·EPIC[i: θ_i -> θ'_i at θ] = IC[i: θ_i -> θ'_i], coefficient by coefficient."""
    ep = rows(env, "ex-post-IC")
    for r in rows(env, "IC"):
        acc: dict = {}
        for e in ep:
            m = e.meta
            if (m["agent"], m["type"], m["report"]) == (r.meta["agent"], r.meta["type"], r.meta["report"]):
                for v, c in e.coeffs.items():
                    acc[v] = acc.get(v, fmpq(0)) + env.prior[m["profile"]] * c
        assert {v: c for v, c in acc.items() if c != 0} == r.coeffs


@settings(max_examples=15, deadline=None)
@given(quasilinear_environments(n_agents=2, max_types=2, max_allocations=3), st.sampled_from(["DSIC", "ex-post-IC"]))
def test_an_ex_post_optimum_is_bayesian_ic_and_worth_no_more(env: Environment, family: str) -> None:
    strong = optimal_mechanism(env, f"{family},ex-post-IR", "revenue")
    weak = optimal_mechanism(env, "IC,ex-post-IR", "revenue")
    strong.verify()
    assert strong.status == weak.status == "optimal"
    assert check(strong.mechanism, "IC").ok
    assert check(strong.mechanism, "ex-post-IC").ok
    assert strong.value <= weak.value
