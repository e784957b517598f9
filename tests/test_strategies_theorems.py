"""The users' strategies of exactmd.strategies (issue 16, item 5) at work: textbook
theorems checked as property tests, each against an answer computed independently of
the LP (a formula from the theorem, or a mechanism built by hand and checked exactly)."""

from __future__ import annotations

import itertools

import pytest
from flint import fmpq
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from exactmd.belief import independent
from exactmd.design import feasible_mechanism, optimal_mechanism
from exactmd.evaluation import evaluate
from exactmd.mechanism import OutcomeFunction
from exactmd.strategies import (
    auctions,
    conditional_matrix,
    correlated_priors,
    full_rank_conditionals,
    ipv_environments,
    public_goods,
    value_grids,
)


def _phi(types, f):
    """Discrete virtual values from the textbook formula (types sorted, full support)."""
    out = {}
    for k, t in enumerate(types):
        tail = sum((f[s] for s in types[k + 1:]), fmpq(0))
        out[t] = t if k == len(types) - 1 else t - (types[k + 1] - t) * tail / f[t]
    return out


@given(st.one_of(auctions(n_bidders=2, max_types=3), auctions(n_bidders=3, max_types=2, max_value=4)))
def test_myerson_optimal_revenue_is_expected_positive_virtual_value(env) -> None:
    """Myerson (1981), discrete types: with independent private values and nondecreasing
    virtual values, the revenue-optimal IC, interim-IR auction earns E[max(max_i φ_i(θ_i), 0)]."""
    margs = [env.prior.marginal(i) for i in range(env.n)]
    phis = [_phi(env.types[i], margs[i]) for i in range(env.n)]
    assume(all(all(a <= b for a, b in zip([ph[t] for t in ts], [ph[t] for t in ts][1:])) for ph, ts in zip(phis, env.types)))
    direct = sum((env.prior[th] * max([phis[i][th[i]] for i in range(env.n)] + [fmpq(0)]) for th in env.profiles()), fmpq(0))
    res = optimal_mechanism(env, "IC,interim-IR", "revenue")
    assert res.value == direct
    ev = evaluate(env, res.mechanism, "IC,interim-IR")
    assert ev.revenue == direct and ev.holds("IC") and ev.holds("interim-IR")
    assert ev.virtual_values == tuple(phis)  # exactmd's virtual values are the formula's


@given(auctions(n_bidders=2, min_types=2, max_types=3, prior="correlated"))
def test_cremer_mclean_full_surplus_extraction(env) -> None:
    """Crémer and McLean (1988): with full-rank conditionals the optimal IC, interim-IR
    auction extracts the full surplus E[max_i θ_i] (values ≥ 0), leaving bidders nothing."""
    assert full_rank_conditionals(env.prior)
    surplus = sum((w * max(th) for th, w in env.prior.items()), fmpq(0))
    res = optimal_mechanism(env, "IC,interim-IR", "revenue")
    assert res.value == surplus
    ev = evaluate(env, res.mechanism, "IC,interim-IR")
    assert ev.welfare == 0 and ev.surplus == surplus


def _agv(env):
    """d'Aspremont and Gérard-Varet's expected-externality mechanism, built by hand:
    the efficient allocation a*(θ) (first maximiser of Σ_i v_i), and
    t_i(θ) = ξ_i(θ_i) − Σ_{j≠i} ξ_j(θ_j)/(n − 1), ξ_i(θ_i) = E_{θ_-i} Σ_{j≠i} v_j(a*(θ), θ)."""
    n = env.n
    best = {th: max(env.outcomes, key=lambda a: (sum(env.valuation(i, a, th) for i in range(n)), -env.outcomes.index(a)))
            for th in env.profiles()}
    xi = []
    for i in range(n):
        marg = env.prior.marginal(i)
        xi.append({t: sum((env.prior[th] / marg[t] * sum(env.valuation(j, best[th], th) for j in range(n) if j != i)
                           for th in env.profiles() if th[i] == t), fmpq(0)) for t in env.types[i]})
    def rule(th):
        t = tuple(xi[i][th[i]] - sum((xi[j][th[j]] for j in range(n) if j != i), fmpq(0)) / (n - 1) for i in range(n))
        return {(best[th], t): 1}
    return OutcomeFunction(env, rule)


@given(st.one_of(public_goods(n_agents=2, max_types=3), public_goods(n_agents=3, max_types=2),
                 ipv_environments(n_agents=2, max_types=2)))
def test_agv_efficient_ic_budget_balanced_under_independence(env) -> None:
    """d'Aspremont and Gérard-Varet (1979): with independent private values an efficient,
    Bayesian IC, ex post budget-balanced mechanism exists (the public good's cost paid exactly)."""
    ev = evaluate(env, _agv(env), "IC,BB,efficiency")
    assert ev.holds("IC") and ev.holds("BB") and ev.holds("efficiency"), ev.to_text()
    assert ev.revenue == 0
    assert feasible_mechanism(env, "IC,BB,efficiency").status == "feasible"


@given(public_goods(n_agents=2, max_types=2, max_value=3, prior="any"))
def test_public_good_first_best_bounds_every_mechanism(env) -> None:
    """No mechanism beats the first best E[max(Σ_i θ_i − c, 0)]; with IC and BB alone the
    first best is reached under independence (AGV), so the planner's optimum equals it there."""
    first_best = sum((w * max(sum(env.valuation(i, "build", th) for i in range(env.n)), fmpq(0))
                      for th, w in env.prior.items()), fmpq(0))
    res = optimal_mechanism(env, "IC,BB", "planner")
    assert res.value <= first_best
    if all(env.prior[th] == _product(env, th) for th in env.profiles()):
        assert res.value == first_best


def _product(env, th):
    out = fmpq(1)
    for i, t in enumerate(th):
        out *= env.prior.marginal(i)[t]
    return out


@given(st.data())
def test_correlated_priors_have_full_rank_conditionals(data) -> None:
    n = data.draw(st.integers(2, 3), label="n")
    k = data.draw(st.integers(1, 3), label="k")
    types = [tuple(fmpq(v) for v in range(k))] * n
    p = data.draw(correlated_priors(types), label="prior")
    for i in range(n):
        m = conditional_matrix(p, i)
        assert m.nrows() == k and m.ncols() == k ** (n - 1) and m.rank() == k
        for r in range(m.nrows()):  # each row is a conditional distribution
            assert sum((m[r, c] for c in range(m.ncols())), fmpq(0)) == 1


def test_independent_priors_do_not_have_full_rank_conditionals() -> None:
    # under independence every row of p(θ_-i : θ_i) is the same marginal: rank 1
    p = independent([[0, 1], [0, 1]], [["1/2", "1/2"], ["1/3", "2/3"]])
    assert conditional_matrix(p, 0).rank() == 1 and not full_rank_conditionals(p)


@given(st.data())
def test_value_grids_and_auctions_are_as_documented(data) -> None:
    k = data.draw(st.integers(1, 4), label="k")
    grid = data.draw(value_grids(k, max_value=5), label="grid")
    assert len(grid) == k and list(grid) == sorted(set(grid)) and 0 <= grid[0] and grid[-1] <= 5
    env = data.draw(auctions(n_bidders=3, max_types=2), label="auction")
    assert env.outcomes == ("none", "win1", "win2", "win3")
    for th in itertools.islice(env.profiles(), 4):
        assert [env.valuation(i, f"win{i + 1}", th) for i in range(3)] == list(th)
        assert env.valuation(0, "win2", th) == 0 and env.valuation(2, "none", th) == 0


@pytest.mark.parametrize("call", [
    lambda: auctions(n_bidders=0),
    lambda: auctions(prior="affiliated"),
    lambda: auctions(min_types=3, max_types=2),
    lambda: value_grids(5, max_value=3),
    lambda: correlated_priors([[0, 1], [0, 1, 2]]),
    lambda: public_goods(max_cost=-1),
    lambda: ipv_environments(max_allocations=1),
], ids=["auctions(n_bidders=0)", "auctions(prior='affiliated')", "auctions(min_types=3, max_types=2)",
        "value_grids(5, max_value=3)", "correlated_priors(2 and 3 types)", "public_goods(max_cost=-1)",
        "ipv_environments(max_allocations=1)"])
def test_bad_arguments_are_refused(call) -> None:
    with pytest.raises(InvalidArgument):
        call()
