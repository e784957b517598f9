"""Optimal and feasible mechanisms: exact values worked out by hand, certificates checked first."""

import copy
import json
from fractions import Fraction

import pytest
from flint import fmpq

from exactmd.papers.vartiainen2014 import bilateral_trade
from exactmd.constraints import check
from exactmd.certificates import verify_document
from exactmd.design import (
    build_problem,
    feasible_mechanism,
    optimal_mechanism,
    verify_mechanism_certificate,
)
from exactmd.environment import Environment
from exactmd.lp.reference import sympy_lp_value
from exactmd.errors import ModelError


def np_example_2():
    # Neeman–Pavlov Example 2 as a Bayesian environment: buyer 1 or 5, seller 2 or 6,
    # independent and equally likely; trade surplus θ1 − θ2.
    return Environment.quasilinear(
        [[1, 5], [2, 6]], {"independent": [["1/2", "1/2"], ["1/2", "1/2"]]}, ["none", "trade"],
        lambda i, a, th: 0 if a == "none" else (th[0] if i == 0 else -th[1]),
        agents=["buyer", "seller"], name="np-example-2",
    )


CASES = [
    # K = 1, uniform: the only profitable trade is (1, 0), surplus 1 with probability 1/4;
    # the posted price 1/2 attains it, so the second best equals the first best 1/4.
    pytest.param(lambda: bilateral_trade(1), ["IC", "interim-IR", "BB"], fmpq(1, 4), id="bilateral-K1-uniform"),
    # K = 2, uniform: the posted price 1/2 trades at every profile with θ1 > θ2
    # ((1/2,0), (1,0), (1,1/2)), so the value is the first best (1/2 + 1 + 1/2)/9 = 2/9.
    pytest.param(lambda: bilateral_trade(2), ["IC", "interim-IR", "BB"], fmpq(2, 9), id="bilateral-K2-uniform"),
    # NP Example 2 environment: trade only at (5, 2), surplus 3 w.p. 1/4; a posted
    # price in [2, 5] attains it: 3/4.
    pytest.param(np_example_2, ["IC", "interim-IR", "BB"], fmpq(3, 4), id="np-example-2-second-best"),
    # Without IR the planner still cannot beat the first best 3/4.
    pytest.param(np_example_2, ["IC", "BB"], fmpq(3, 4), id="np-example-2-no-IR"),
]


@pytest.mark.parametrize("make, constraints, expected", CASES)
def test_optimal_value_matches_hand_derivation(make, constraints, expected):
    res = optimal_mechanism(make(), constraints)
    ok, why = verify_mechanism_certificate(res.certificate)
    assert ok, why
    assert res.status == "optimal"
    assert res.value == expected
    assert check(res.mechanism, constraints).ok
    assert res.mechanism.value() == expected


@pytest.mark.parametrize(
    "K, p1, p2",
    [(1, "uniform", "increasing"), (2, "increasing", "decreasing"), (2, ["1/2", "1/4", "1/4"], "uniform")],
)
def test_second_best_agrees_with_sympy_simplex(K, p1, p2):
    env = bilateral_trade(K, p1, p2)
    problem = build_problem(env, ["IC", "interim-IR", "BB"]).problem
    res = optimal_mechanism(env, ["IC", "interim-IR", "BB"])
    res.verify()
    assert Fraction(int(res.value.p), int(res.value.q)) == sympy_lp_value(problem)


def test_infeasible_answer_carries_farkas_certificate():
    # Ex post IR with a single outcome that is bad for agent 1 everywhere: no mechanism.
    env = Environment.finite([["a"], ["b"]], "uniform", ["x"], lambda i, x, th: -1 if i == 0 else 1)
    res = feasible_mechanism(env, ["ex-post-IR"])
    assert res.status == "infeasible"
    assert res.mechanism is None
    ok, why = verify_document(res.certificate)
    assert ok, why
    assert "farkas" in res.certificate["lp"]


def test_feasible_answer_has_a_witness_that_passes_the_check():
    env = np_example_2()
    res = feasible_mechanism(env, ["IC", "interim-IR", "BB", "efficiency"])
    assert res.status == "feasible" and res.feasible and res.value is None  # issue 16: a feasibility answer says feasible
    assert res.lp.status == "optimal" and res.certificate["lp"]["status"] == "optimal"  # its LP (certificate) unchanged
    assert "status=feasible" in repr(res)
    assert check(res.mechanism, ["IC", "interim-IR", "BB", "efficiency"]).ok
    res.verify()


def test_tampered_mechanism_certificate_is_rejected():
    res = optimal_mechanism(bilateral_trade(1), ["IC", "interim-IR", "BB"])
    cert = json.loads(res.to_json())
    # Claiming the question was asked without IR changes the LP: must be rejected.
    bad = copy.deepcopy(cert)
    bad["constraints"] = ["IC", "BB"]
    ok, why = verify_mechanism_certificate(bad)
    assert not ok and "not the LP" in why
    # A different environment (prior) is a different question too.
    bad = copy.deepcopy(cert)
    bad["environment"]["prior"] = {"joint": {"0,0": "1/2", "1,1": "1/2"}}
    assert not verify_mechanism_certificate(bad)[0]
    # A tampered value fails the LP verifier.
    bad = copy.deepcopy(cert)
    bad["lp"]["value"] = "1/3"
    assert not verify_mechanism_certificate(bad)[0]


def test_a_stated_mechanism_other_than_the_lp_point_is_checked_directly():
    res = optimal_mechanism(bilateral_trade(1), ["IC", "interim-IR", "BB"])
    cert = json.loads(res.to_json())
    # a mechanism that always trades at price 1 is not the LP's point; the buyer with value 0
    # then pays 1 for a good worth 0, which interim IR forbids
    from exactmd.environment import QLOutcome
    from exactmd.mechanism import OutcomeFunction

    bad = copy.deepcopy(cert)
    env = bilateral_trade(1)
    always = OutcomeFunction(env, {th: {QLOutcome(1, (-1, 1)): 1} for th in env.profiles()})
    bad["mechanism"] = always.to_dict()
    ok, why = verify_mechanism_certificate(bad)
    assert not ok and "violates IR[agent buyer: 0]" in why


def test_objective_errors_name_the_value():
    env = bilateral_trade(1)
    with pytest.raises(ModelError, match="unknown agent 'nobody'"):
        optimal_mechanism(env, ["IC"], "agent:nobody")
    with pytest.raises(ModelError, match="unknown mechanism variable 'zzz'"):
        optimal_mechanism(env, ["IC"], {"zzz": 1})
    with pytest.raises(ModelError, match="unknown constraint 'ICC'"):
        optimal_mechanism(env, ["ICC"])


@pytest.mark.parametrize("K, p1, p2", [(3, "uniform", "uniform"), (4, "increasing", ["1/10", "2/5", "1/10", "1/5", "1/5"])])
def test_lazy_rows_give_the_full_lp_answer_and_certificate(K, p1, p2):
    env = bilateral_trade(K, p1, p2)
    lazy = optimal_mechanism(env, ["IC", "interim-IR", "BB"])
    full = optimal_mechanism(env, ["IC", "interim-IR", "BB"], lazy=False)
    assert lazy.value == full.value
    assert "lazy" in lazy.lp.method and "lazy" not in full.lp.method
    problem = build_problem(env, ["IC", "interim-IR", "BB"]).problem
    assert set(lazy.certificate["lp"]["dual"]) == {c["name"] for c in problem["constraints"]}
    assert verify_mechanism_certificate(lazy.certificate)[0]


def test_lazy_generation_adds_rows_when_adjacent_ic_is_not_enough():
    # A private-values environment where the only tempting lie is to a non-adjacent type:
    # types 0, 1, 2; outcome "b" is worth 5 to type 0 and is given to type 2 only.
    env = Environment.finite(
        [[0, 1, 2]], "uniform", ["a", "b"],
        lambda i, x, th: {("a", 0): 1, ("b", 0): 5, ("a", 1): 1, ("b", 1): 0, ("a", 2): 0, ("b", 2): 1}[(x, int(th[0]))],
        value=lambda x, th: 1 if (x == "b") == (th[0] == 2) else 0,
    )
    lines = []
    from exactmd.design import _initial_rows
    from exactmd.lp.lazy import solve_lazy

    built = build_problem(env, ["IC"])
    res = solve_lazy(built.problem, _initial_rows(env, built.rows), log=lines.append)
    full = optimal_mechanism(env, ["IC"], lazy=False)
    assert res.value == full.value
    assert len(lines) >= 2 and "0 violated" not in lines[0]  # a second round was needed
