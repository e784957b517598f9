"""symmetric and BB-cost (exactmd.families): anonymity of the optimum, refusals, hand-derived budgets."""

from __future__ import annotations

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from exactmd import Environment, ExactMDError, ModelError, OutcomeFunction, Q, QLOutcome
from exactmd.constraints import check, rows
from exactmd.design import optimal_mechanism
from exactmd.families import BudgetBalanceCost, agent_symmetries, cost_from_file


def auction(values: list, allocations: tuple = ("none", "win1", "win2"), prior: object = "uniform",
            scale: tuple = (1, 1)) -> Environment:
    return Environment.quasilinear([values, values], prior, list(allocations),
                                   lambda i, a, th: scale[i] * th[i] if a == f"win{i + 1}" else 0)


def _swapped(th: tuple) -> tuple:
    return (th[1], th[0])


_SIGMA = {"none": "none", "win1": "win2", "win2": "win1"}


def test_the_symmetric_optimum_is_anonymous() -> None:
    env = auction([1, 2, 3])
    r = optimal_mechanism(env, "DSIC,ex-post-IR,symmetric", "revenue")
    r.verify()
    assert r.value == 2  # Myerson's revenue (tests/test_families_incentives.py): symmetry costs nothing here
    m = r.mechanism
    for th in env.profiles():  # f(σ(a) | πθ) = f(a | θ), t_2(πθ) = t_1(θ), computed here by hand
        for a in env.outcomes:
            assert m.allocation_prob(_SIGMA[a], _swapped(th)) == m.allocation_prob(a, th)
        assert m.expected_transfer(1, _swapped(th)) == m.expected_transfer(0, th)
        assert m.expected_transfer(0, _swapped(th)) == m.expected_transfer(1, th)


def test_the_symmetric_optimum_does_not_depend_on_the_order_of_allocations() -> None:
    a = optimal_mechanism(auction([0, 1, 2]), "IC,interim-IR,symmetric", "revenue")
    b = optimal_mechanism(auction([0, 1, 2], ("win2", "none", "win1")), "IC,interim-IR,symmetric", "revenue")
    a.verify()
    b.verify()
    assert a.value == b.value


def test_symmetric_rows_catch_an_asymmetric_tie_break() -> None:
    env = auction([0, 1])
    t0 = (fmpq(0), fmpq(0))
    m = OutcomeFunction(env, {th: {QLOutcome("win1", t0): 1} for th in env.profiles()})  # bidder 1 always wins
    rep = check(m, "symmetric")
    assert not rep.ok
    assert any(v.label == "SYM[agents 1<->2: q[win1|0,0] = q[win2|0,0]]" and v.amount == 1 for v in rep.violations)


def test_agent_symmetries_match_allocations_by_their_tables() -> None:
    ((k, sigma),) = agent_symmetries(auction([0, 1], ("win2", "none", "win1")))
    assert k == 0 and sigma == {"win2": "win1", "none": "none", "win1": "win2"}


@pytest.mark.parametrize("env, words", [
    pytest.param(Environment.quasilinear([[0, 1], [0, 2]], "uniform", ["none", "win1", "win2"],
                                         lambda i, a, th: th[i] if a == f"win{i + 1}" else 0),
                 "agents 1 and 2 have different type sets", id="type-sets-differ"),
    pytest.param(auction([0, 1], prior={"0,0": "1/2", "0,1": "1/2"}), "the prior is not invariant", id="prior-not-invariant"),
    pytest.param(auction([0, 1], scale=(1, 2)), "no allocation gives each agent", id="valuations-asymmetric"),
    pytest.param(auction([0, 1], ("none", "win1")), "no allocation gives each agent", id="allocation-missing"),
])
def test_an_asymmetric_environment_is_refused_in_one_line(env: Environment, words: str) -> None:
    with pytest.raises(ModelError, match=words) as e:
        rows(env, "symmetric")
    assert "\n" not in str(e.value) and str(e.value).startswith("symmetric: ")


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=1, max_size=3, unique=True))
def test_symmetric_optimum_equals_the_unrestricted_one_in_symmetric_auctions(values: list) -> None:
    """Symmetrising an optimum (averaging it with its permutation) keeps IC, IR and the
    revenue in a symmetric environment, so restricting to anonymous mechanisms costs nothing."""
    env = auction(sorted(values))
    a = optimal_mechanism(env, "IC,interim-IR", "revenue")
    b = optimal_mechanism(env, "IC,interim-IR,symmetric", "revenue")
    b.verify()
    assert a.value == b.value


# ---------------------------------------------------------------------------------
def _maker() -> Environment:
    # one buyer with value 1 or 3 (uniform) for a good that costs 2 to make
    return Environment.quasilinear([[1, 3]], "uniform", ["none", "make"], lambda i, a, th: th[0] if a == "make" else 0)


def test_cost_bb_welfare_by_hand() -> None:
    # BB-cost: t(θ) = −2·q(θ); ex post IR at θ = 1: q(1)·(1 − 2) ≥ 0, so q(1) = 0; at θ = 3
    # the buyer gets q(3)·(3 − 2) ≥ 0 and type 1's lie gives q(3)·(1 − 2) ≤ 0.  Welfare
    # Σ_θ p(θ) U(θ) = 1/2·(3 − 2)·q(3) is at most 1/2, at q(3) = 1.
    env = _maker()
    r = optimal_mechanism(env, ["IC", "ex-post-IR", BudgetBalanceCost({"make": 2})], "welfare")
    r.verify()
    assert r.value == Q("1/2")
    assert r.mechanism.allocation_prob("make", (fmpq(3),)) == 1
    assert r.mechanism.expected_transfer(0, (fmpq(3),)) == -2
    # without the cost the good is given to both types for free: welfare 1/2·1 + 1/2·3 = 2
    assert optimal_mechanism(env, "IC,ex-post-IR,BB", "welfare").value == Q(2)


def test_cost_bb_check_reports_the_deficit_exactly() -> None:
    env = _maker()
    three = (fmpq(3),)
    m = OutcomeFunction(env, {(fmpq(1),): {QLOutcome("none", (fmpq(0),)): 1}, three: {QLOutcome("make", (fmpq(-1),)): 1}})
    (v,) = check(m, [BudgetBalanceCost({"make": 2})]).violations  # −1 + 2 = 1 ≠ 0
    assert (v.label, v.amount) == ("BBC[3]", 1)
    assert check(m, [BudgetBalanceCost({"make": 1})]).ok  # −1 + 1 = 0
    assert check(m, [BudgetBalanceCost({"make": "1/2"}, "weak-BB-cost")]).ok  # −1 + 1/2 ≤ 0
    (w,) = check(m, [BudgetBalanceCost({"make": 2}, "ex-ante-BB-cost")]).violations  # 1/2·(−1 + 2) = 1/2
    assert (w.label, w.amount) == ("BBC[ex ante]", Q("1/2"))


def test_cost_may_depend_on_the_profile() -> None:
    env = _maker()
    fam = BudgetBalanceCost({"make": {"*": 2, "3": 1}})  # later patterns override: c(make, 3) = 1
    (r1, r3) = fam.rows(env, env.prior)
    assert r1.coeffs["q[make|1]"] == 2 and r3.coeffs["q[make|3]"] == 1
    same = BudgetBalanceCost.from_function(env, lambda a, th: (1 if th[0] == 3 else 2) if a == "make" else 0)
    assert [r.coeffs for r in same.rows(env, env.prior)] == [r1.coeffs, r3.coeffs]


@pytest.mark.parametrize("cost, words", [
    pytest.param({"build": 1}, "unknown allocation 'build'", id="unknown-allocation"),
    pytest.param({"make": {"3": 1}}, "at profile \\(1\\) is missing", id="table-misses-a-profile"),
    pytest.param({"make": 0.5}, "1/2", id="float-refused"),
    pytest.param(["make"], "must map allocations", id="not-a-table"),
])
def test_bad_costs_are_refused_naming_the_value(cost: object, words: str) -> None:
    with pytest.raises(ExactMDError, match=words) as e:  # a ModelError, or NotExactError for the float
        rows(_maker(), [BudgetBalanceCost(cost)])
    assert "\n" not in str(e.value)


def test_cost_family_by_name_needs_a_cost() -> None:
    with pytest.raises(ModelError, match="BB-cost needs a production cost"):
        rows(_maker(), "BB-cost")


def test_cost_table_is_read_from_the_environment_file(tmp_path) -> None:
    f = tmp_path / "env.toml"
    f.write_text('kind = "quasilinear"\ntypes = [[1, 3]]\nallocations = ["none", "make"]\n'
                 '[valuation.1.none]\n"*" = 0\n[valuation.1.make]\n"1" = 1\n"3" = 3\n'
                 '[cost]\nmake = 2\n[cost.none]\n"*" = "0"\n')
    assert cost_from_file(f) == {"make": 2, "none": {"*": "0"}}
    assert BudgetBalanceCost(cost_from_file(f)).spec() == {"family": "BB-cost", "cost": {"make": "2", "none": {"*": "0"}}}
