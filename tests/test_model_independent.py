"""The model against independent re-implementations written here from the papers' formulas."""

from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import given
from hypothesis import strategies as st

from exactmd.belief import Belief, independent, uniform
from exactmd.constraints import check
from exactmd.environment import Environment
from exactmd.errors import ModelError, NotExactError
from exactmd.mechanism import Device, OutcomeFunction, constant_device, implement
from exactmd.strategies import devices, environments, outcome_functions, priors, type_spaces


def F(q):
    return Fraction(int(q.p), int(q.q))


def interim(env, f, i, ti, report):
    """Σ_{θ-i} p(θ-i : θ_i) u_i(f(θ-i, report), θ) with Fractions (Vartiainen §3)."""
    marg = sum(F(w) for th, w in env.prior.items() if th[i] == ti)
    total = Fraction(0)
    for th, w in env.prior.items():
        if th[i] != ti or w == 0:
            continue
        dev = th[:i] + (report,) + th[i + 1 :]
        for x, q in f(dev).items():
            total += F(w) / marg * F(q) * F(env.utility(i, x, th))
    return total


def independent_ic_ir(env, f):
    ic, ir = {}, {}
    for i in range(env.n):
        marg = env.prior.marginal(i)
        for ti in env.types[i]:
            if marg[ti] == 0:
                continue
            truth = interim(env, f, i, ti, ti)
            ir[(i, ti)] = truth
            for tj in env.types[i]:
                if tj != ti:
                    ic[(i, ti, tj)] = interim(env, f, i, ti, tj) - truth  # the gain from lying
    return ic, ir


@given(st.data())
def test_ic_and_ir_check_agree_with_independent_interim_computation(data):
    env = data.draw(environments(max_types=2, max_outcomes=2), label="env")
    f = data.draw(outcome_functions(env), label="f")
    ic, ir = independent_ic_ir(env, f)
    rep = check(f, ["IC", "interim-IR"])
    gains = {v.label: F(v.gain) for v in rep.violations if v.family == "IC"}
    expected_ic = {
        f"IC[agent {env.agents[i]}: {lab(ti)} -> {lab(tj)}]": g for (i, ti, tj), g in ic.items() if g > 0
    }
    assert gains == expected_ic
    bad_ir = {v.label for v in rep.violations if v.family == "interim-IR"}
    assert bad_ir == {f"IR[agent {env.agents[i]}: {lab(ti)}]" for (i, ti), u in ir.items() if u < 0}


def lab(t):
    from exactmd.belief import label

    return label(t)


@given(st.data())
def test_posteriors_average_back_to_the_prior(data):
    types = data.draw(type_spaces(max_types=2), label="types")
    p = data.draw(priors(types), label="prior")
    r = data.draw(devices(types), label="r")
    acc = {th: Fraction(0) for th in p}
    for s, prob, post in r.posteriors(p):
        assert prob > 0
        for th in p:
            acc[th] += F(prob) * F(post[th])
    assert acc == {th: F(v) for th, v in p.items()}


def test_bayes_update_by_hand():
    # p(H) = 2/3, r(s | H) = 1/2, r(s | L) = 1: Pr(s) = 1/3 + 1/3 = 2/3, p(H | s) = 1/2.
    p = Belief([["L", "H"]], {("L",): "1/3", ("H",): "2/3"})
    post, prob = p.update({("H",): "1/2", ("L",): 1})
    assert prob == fmpq(2, 3) and post[("H",)] == fmpq(1, 2)


def test_composition_matches_the_formula():
    types = [["a", "b"]]
    r = Device(types, {("a",): {"s": "1/3", "t": "2/3"}, ("b",): {"t": 1}})
    rho = {"t": Device(types, {("a",): {"u": "1/2", "v": "1/2"}, ("b",): {"v": 1}})}
    c = r.then(rho)
    # (r∘ρ)(u : a) = r(t : a) ρ(t)(u : a) = 2/3 · 1/2 = 1/3; s keeps its 1/3.
    assert c(("a",)) == {"s": fmpq(1, 3), "u": fmpq(1, 3), "v": fmpq(1, 3)}
    assert c(("b",)) == {"v": fmpq(1)}
    env = Environment.finite(types, "uniform", ["x", "y"], lambda i, x, th: 1 if x == "x" else 0)
    f = implement(env, c, {"s": "x", "u": "x", "v": "y"})
    assert f(("a",)) == {"x": fmpq(2, 3), "y": fmpq(1, 3)}
    assert [s for s, _, _ in constant_device(types, "z").posteriors(uniform(types))] == ["z"]


def test_independent_prior_and_conditionals():
    p = independent([[0, 1], ["l", "h"]], [["1/4", "3/4"], ["1/3", "2/3"]])
    assert p[(fmpq(1), "h")] == fmpq(1, 2)
    cond = p.conditional(0, 1)
    assert {th[1]: v for th, v in cond.items()} == {"l": fmpq(1, 3), "h": fmpq(2, 3)}


@pytest.mark.parametrize(
    "call, err, fragment",
    [
        pytest.param(lambda: Belief([["a", "b"]], {("a",): "1/2", ("b",): "2/5"}), ModelError, "sums to 9/10, not 1", id="Belief(sum 9/10)"),
        pytest.param(lambda: Belief([["a", "b"]], {("a",): "3/2", ("b",): "-1/2"}), ModelError, "is negative", id="Belief(negative)"),
        pytest.param(lambda: Belief([["a"]], {("z",): 1}), ModelError, "type 'z' of agent 1 is not in its type set", id="Belief(unknown type)"),
        pytest.param(lambda: Belief([[]], {}), ModelError, "empty type set", id="Belief(empty types)"),
        pytest.param(lambda: Belief([["a", "a"]], {("a",): 1}), ModelError, "twice", id="Belief(duplicate type)"),
        pytest.param(lambda: Belief([["a"]], {("a",): 1.0}), NotExactError, '"1"', id="Belief(float)"),
        pytest.param(lambda: independent([["a", "b"]], [["1/2"]]), ModelError, "has 1 entries but the agent has 2 types", id="independent(ragged)"),
        pytest.param(lambda: Environment.finite([["a"]], "uniform", ["x"], {}), ModelError, "is missing", id="finite(missing utility)"),
        pytest.param(lambda: OutcomeFunction(Environment.finite([["a"]], "uniform", ["x"], lambda i, x, th: 0), {("a",): {"x": "1/2"}}), ModelError, "sum to 1/2, not 1", id="OutcomeFunction(sum 1/2)"),
        pytest.param(lambda: Device([["a", "b"]], {("a",): "s"}), ModelError, "not defined at profile (b)", id="Device(undefined profile)"),
    ],
)
def test_bad_input(call, err, fragment):
    with pytest.raises(err, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_posted_price_is_ic_and_ex_post_ir_on_random_priors():
    # Trade iff θ1 ≥ 1/2 ≥ θ2 at price 1/2: dominant-strategy IC and ex post IR.
    from exactmd.papers.vartiainen2014 import bilateral_trade

    for p1, p2 in [("uniform", "increasing"), ("decreasing", ["1/6", "1/2", "1/3"])]:
        env = bilateral_trade(2, p1, p2)
        half = fmpq(1, 2)
        f = OutcomeFunction(env, lambda th: {(1, (-half, half)): 1} if th[0] >= half >= th[1] else {(0, (0, 0)): 1})
        assert check(f, ["IC", "interim-IR", "ex-post-IR", "BB"]).ok
