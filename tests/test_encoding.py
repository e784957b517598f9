"""The mechanism <-> LP-variable encoding, and the shape of a design answer."""

from __future__ import annotations

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from exactmd.design import MechanismLP, build_problem, optimal_mechanism, feasible_mechanism
from exactmd.encoding import MechanismEncoding
from exactmd.errors import ModelError
from exactmd.lp import Status
from exactmd.papers.vartiainen2014.bargaining import bilateral_trade
from exactmd.strategies import environments, outcome_functions


def _by_hand(env, f):
    """The LP variable values of f, summed from its lotteries (not through the encoding)."""
    out = {}
    for th in env.profiles():
        lot = f(th)
        for x in env.outcomes:
            if env.kind == "finite":
                out[("allocation", x, th)] = lot.get(x, fmpq(0))
            else:
                out[("allocation", x, th)] = sum((q for o, q in lot.items() if o.allocation == x), fmpq(0))
        if env.kind == "quasilinear":
            for i in range(env.n):
                out[("transfer", i, th)] = sum((q * o.transfers[i] for o, q in lot.items()), fmpq(0))
    return out


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_assignment_is_the_lotteries_and_mechanism_inverts_it(data):
    env = data.draw(environments())
    f = data.draw(outcome_functions(env))
    enc = MechanismEncoding(env)
    values = enc.assignment(f)
    assert set(values) == set(enc.names()) and len(enc.names()) == len(set(enc.names()))
    assert {enc.meaning(v): c for v, c in values.items()} == _by_hand(env, f)
    g = enc.mechanism(values)
    assert enc.assignment(g) == values  # decoding then encoding changes nothing
    for th in env.profiles():  # and the decoded mechanism gives every agent the same payoff at every report
        for rep in env.profiles():
            for i in range(env.n):
                assert g.utility(i, th, rep) == f.utility(i, th, rep)


@settings(max_examples=30, deadline=None)
@given(environments())
def test_meaning_names_each_variable_and_refuses_others(env):
    enc = MechanismEncoding(env)
    for name, lo, hi in enc.variables():
        kind, a, th = enc.meaning(name)
        assert (enc.allocation(a, th) if kind == "allocation" else enc.transfer(a, th)) == name
        assert (lo, hi) == ((fmpq(0), fmpq(1)) if kind == "allocation" else (None, None))
    with pytest.raises(ModelError, match=r"'f\[nowhere\|0\]' is not a mechanism variable"):
        enc.meaning("f[nowhere|0]")
    if env.kind == "finite":
        with pytest.raises(ModelError, match="quasilinear"):
            enc.transfer(0, env.profiles()[0])


def test_build_problem_returns_the_lp_with_its_inverse():
    env = bilateral_trade(2, "uniform", "uniform")
    built = build_problem(env, ["IC", "interim-IR", "BB"])
    assert isinstance(built, MechanismLP)
    assert list(built.problem["variables"]) == built.encoding.names()
    assert [c["name"] for c in built.problem["constraints"]] == [r.label for r in built.rows]
    res = optimal_mechanism(env, ["IC", "interim-IR", "BB"])
    assert built.mechanism(res.lp.primal).to_dict() == res.mechanism.to_dict()


def test_design_result_has_one_shape():
    env = bilateral_trade(3, "uniform", "uniform")
    res = optimal_mechanism(env, ["IC", "interim-IR", "BB"], method="exact")
    assert res.status is Status.OPTIMAL and res.status == "optimal" and f"{res.status}" == "optimal"
    assert res.method == res.lp.method and res.method.startswith("exact-simplex") and "lazy-rows" in res.method
    assert res.options == {"method": "exact"}
    assert len(repr(res)) < 300 and f"value={res.value}" in repr(res) and "status=optimal" in repr(res)
    with pytest.raises(AttributeError):
        res.status = Status.INFEASIBLE  # frozen
    no = feasible_mechanism(env, [{"family": "fixed", "values": {"q[1|0,0]": "2"}}])  # a probability of 2
    assert no.status is Status.INFEASIBLE and not no.feasible and no.value is None and no.mechanism is None


def test_one_exact_verification_per_design_call(monkeypatch):
    """Lazy row generation verifies the full LP's certificate once, not each sub-LP's."""
    import exactmd.lp.solution as solution

    calls = []
    real = solution.verify_certificate

    def counting(cert):
        calls.append(len(cert["problem"]["constraints"]))
        return real(cert)

    monkeypatch.setattr(solution, "verify_certificate", counting)
    env = bilateral_trade(4, "uniform", "uniform")
    res = optimal_mechanism(env, ["IC", "interim-IR", "BB"], method="exact")
    assert calls == [len(res.certificate["lp"]["problem"]["constraints"])]


def test_a_wrong_sub_lp_answer_is_caught_by_the_full_verification(monkeypatch):
    import exactmd.lp.solution as solution
    from exactmd.errors import CertificateError
    from exactmd.rational import Q, fmt

    real = solution.revised_simplex

    def wrong(body, **kw):
        cert = real(body, **kw)
        if cert.get("status") == "optimal":
            cert["value"] = fmt(Q(cert["value"]) + 1)  # a value one more than the optimum
        return cert

    monkeypatch.setattr(solution, "revised_simplex", wrong)
    with pytest.raises(CertificateError, match="certificate fails"):
        optimal_mechanism(bilateral_trade(3, "uniform", "uniform"), ["IC", "interim-IR", "BB"], method="exact")
