"""Bilateral trade on the grid (Vartiainen §5): virtual values, regularity, thresholds."""

import pytest
import sympy
from flint import fmpq

from exactmd.papers.vartiainen2014 import (
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


def test_r_star_at_interior_gamma_by_hand():
    # K = 5 uniform, γ = 7/100: c1(t) ≤ c2(s) for s = t - j iff j/5 ≤ γ(6 - j): j = 0, 1 only.
    # So κ(0) = 1 + 2 = 3 and κ(2/5) = 2 + 2 = 4 (t' = t counted in both sums).
    from exactmd.papers.vartiainen2014 import kappa, r_star, signal

    env = bilateral_trade(5)
    g = fmpq(7, 100)
    t0, t2 = fmpq(0), fmpq(2, 5)
    assert kappa(env, g, t0) == 3 and kappa(env, g, t2) == 4
    r = r_star(env, g)
    assert r((t0, t0)) == {signal(0, 0): fmpq(2, 3), signal("1/5", 0): fmpq(1, 3)}
    assert r((t2, t2)) == {signal("2/5", "2/5"): fmpq(1, 2), signal("2/5", "1/5"): fmpq(1, 4), signal("3/5", "2/5"): fmpq(1, 4)}
    # <1/5,0> is sent by (1/5,0) w.p. 1, (0,0) w.p. 1/3 and (1/5,1/5) w.p. 1/4, each of prior 1/36:
    # probability (1 + 1/3 + 1/4)/36 = 19/432, posterior support those three profiles.
    post = {s: (p, b) for s, p, b in r.posteriors(env.prior)}
    p, b = post[signal("1/5", 0)]
    assert p == fmpq(19, 432)
    assert b.support() == [(fmpq(0), fmpq(0)), (fmpq(1, 5), fmpq(0)), (fmpq(1, 5), fmpq(1, 5))]


def test_lemma_5_equations_by_hand():
    # K = 2 uniform, a^γ trades iff θ1 > θ2. a1 = (0, 1/3, 2/3), a2 = (2/3, 1/3, 0), Δ = 1/2:
    # m1 = (0, 1/6, 1/2), m2 = (1/6, 1/6, 0). (24): m(1,0)/3 + (0 + 1/6)/3 = 1/6 → 1/3;
    # (25): m(1,0)/3 + (1/6 + 0)/3 = 1/2 → 4/3.
    from exactmd.papers.vartiainen2014 import envelope_payments, lemma_5

    env = bilateral_trade(2)
    r = lemma_5(env)
    m1, m2 = envelope_payments(env, r.allocation)
    assert [m1[t] for t in env.types[0]] == [0, fmpq(1, 6), fmpq(1, 2)]
    assert [m2[t] for t in env.types[1]] == [fmpq(1, 6), fmpq(1, 6), 0]
    assert (r.m10_24, r.m10_25) == (fmpq(1, 3), fmpq(4, 3))
    assert r.lp.status == "feasible"  # zero-on-no-trade transfers do exist
    assert not r.construction_check.ok


def test_lemma_7_key_step_and_a_hand_witness():
    # Without (a)-(b): trade at (1,1) and (1,0) at price 1 is IC and ex post IR
    # (trade probability 2/3), so the maximum is at least 2/3.
    from exactmd.papers.vartiainen2014 import lemma_7

    for ir in ("interim-IR", "ex-post-IR"):
        key, free = lemma_7(0, 1, ["1/3", "1/3", "1/3"], ir)
        assert key.status == "infeasible"
        key.verify()
        assert fmpq(2, 3) <= free.value < 1


def test_proposition_2_K5_second_best_randomises():
    from exactmd.papers.vartiainen2014 import proposition_2

    env = bilateral_trade(5)
    r = proposition_2(env)
    assert not r.confirmed and r.gap > 0
    probs = [r.second_best.mechanism.allocation_prob(1, th) for th in env.profiles()]
    assert any(0 < p < 1 for p in probs)  # some profile trades with a probability strictly between 0 and 1


def test_continuation_devices_are_ic_and_ir_by_hand():
    # r*: trade at (t̄, t) at the midpoint price — a posted price, dominant-strategy IC.
    # r**: trade at (t̄,t̄) at t̄ and (t,t) at t: every agent gets 0 whatever it reports.
    from exactmd.papers.vartiainen2014 import continuation_devices

    for ir in ("interim-IR", "ex-post-IR"):
        reps = continuation_devices("1/5", "2/5", ["1/4", "1/2", "1/4"], ir)
        assert reps["r*"].ok and reps["r**"].ok
