"""Bilateral trade on the grid (Vartiainen §5): virtual values, regularity, thresholds."""

import pytest
import sympy
from flint import fmpq

from exactmd.bargaining import (
    bilateral_trade,
    breakpoints,
    cumulative,
    is_regular,
    named_prior,
    threshold_allocation,
    threshold_family,
    virtual_value_expressions,
    virtual_values,
)
from exactmd.errors import ModelError


def test_uniform_K3_virtual_values_by_hand():
    # p = 1/4, P(k/3) = (k+1)/4, (1 - P1)/p1 = 3 - k, P2/p2 = k + 1.
    env = bilateral_trade(3)
    c1, c2 = virtual_values(env, "1/2")
    assert [c1[fmpq(k, 3)] for k in range(4)] == [fmpq(k, 3) - fmpq(3 - k, 2) for k in range(4)]
    assert [c2[fmpq(k, 3)] for k in range(4)] == [fmpq(k, 3) + fmpq(k + 1, 2) for k in range(4)]
    assert is_regular(env)


def test_uniform_K3_breakpoints_and_family_by_hand():
    # Profile with k1 - k2 = j > 0 trades iff γ ≤ j / (3 (4 - j)): 1/9, 1/3, 1.
    env = bilateral_trade(3)
    assert breakpoints(env) == [fmpq(1, 9), fmpq(1, 3), fmpq(1)]
    fam = threshold_family(env)
    assert [g for g, _ in fam] == [fmpq(1, 9), fmpq(1, 3), fmpq(1)]
    assert [sum(a.values()) for _, a in fam] == [6, 3, 1]  # j ≥ 1, j ≥ 2, j = 3


def test_threshold_allocation_is_monotone_in_gamma():
    env = bilateral_trade(4, "increasing", "decreasing")
    prev = None
    for g in ["1/100", "1/10", "1/3", "1/2", "1"]:
        a = threshold_allocation(env, g)
        if prev is not None:
            assert all(a[th] <= prev[th] for th in a)  # a larger γ trades less
        prev = a


def test_symbolic_virtual_values_agree_with_exact_ones():
    env = bilateral_trade(3, "increasing", "uniform")
    s1, s2 = virtual_value_expressions(env)
    g = sympy.Symbol("gamma")
    for gamma in [fmpq(0), fmpq(1, 3), fmpq(1)]:
        c1, c2 = virtual_values(env, gamma)
        for t in env.types[0]:
            val = s1[t].subs(g, sympy.Rational(int(gamma.p), int(gamma.q)))
            assert fmpq(int(val.p), int(val.q)) == c1[t]


def test_named_priors_and_cumulative():
    assert named_prior(2, "increasing") == [fmpq(1, 6), fmpq(2, 6), fmpq(3, 6)]
    assert named_prior(2, "decreasing") == [fmpq(3, 6), fmpq(2, 6), fmpq(1, 6)]
    assert cumulative(["1/2", "1/4", "1/4"]) == [fmpq(1, 2), fmpq(3, 4), fmpq(1)]


@pytest.mark.parametrize(
    "call, fragment",
    [
        pytest.param(lambda: bilateral_trade(0), "K=0", id="bilateral_trade(0)"),
        pytest.param(lambda: bilateral_trade(2, ["1/2", "1/2"]), "needs 3 masses", id="bilateral_trade(2, short prior)"),
        pytest.param(lambda: bilateral_trade(1, ["1", "0"]), "full support", id="bilateral_trade(1, zero mass)"),
        pytest.param(lambda: bilateral_trade(1, ["1/2", "1/3"]), "sums to 5/6", id="bilateral_trade(1, sum 5/6)"),
        pytest.param(lambda: bilateral_trade(1, "triangular"), "'triangular'", id="bilateral_trade(1, unknown name)"),
    ],
)
def test_bad_calls(call, fragment):
    with pytest.raises(ModelError, match=fragment):
        call()
