"""The modelling layer: operators, validation, round trip, strict inequalities, explain."""

import pytest
from flint import fmpq

from exactmd.errors import LPError, NotExactError
from exactmd.lp import Model, explain_certificate, strict_feasibility, verify_certificate


def test_expressions_and_solve():
    m = Model("min")
    x = m.var("x", lb=None)
    y = m.var("y", lb="-1/2", ub=3)
    m.add(x - y >= "1/3", name="gap")
    m.add((x + y) / 2 == 1, name="mean")
    m.set_objective(2 * x + y - 5)  # the constant is the fixed variable _objective_constant
    r = m.solve()
    # x - y >= 1/3, x + y = 2: objective 2x + y = 2(2 - y) + y = 4 - y, minimised at the
    # largest y with x - y = 2 - 2y >= 1/3, i.e. y = 5/6, x = 7/6: value 4 - 5/6 - 5 = -11/6.
    assert r.value == fmpq(-11, 6)
    assert r.primal == {"x": fmpq(7, 6), "y": fmpq(5, 6), "_objective_constant": 1}
    assert Model.from_problem(m.to_problem()).to_problem() == m.to_problem()
    assert verify_certificate(r.certificate())[0]


def test_round_trip_through_problem_dict():
    m = Model("max")
    a, b = m.var("a", ub=1), m.var("b", lb=-2, ub=None)
    m.add(a + b <= 3, name="IC[agent 1: 0 -> 1]")
    m.maximize(a - b)
    p = m.to_problem()
    assert Model.from_problem(p).to_problem() == p
    assert p["constraints"][0]["name"] == "IC[agent 1: 0 -> 1]"


@pytest.mark.parametrize(
    "call, err, fragment",
    [
        pytest.param(lambda m: m.var("x", lb=2, ub=1), LPError, "lower bound 2 > upper bound 1", id="m.var(lb > ub)"),
        pytest.param(lambda m: m.var("x", ub=0.5), NotExactError, '"1/2"', id="m.var(ub=0.5)"),
        pytest.param(lambda m: m.add_row("r", {"zz": 1}, "<=", 0), LPError, "unknown variable 'zz'", id="m.add_row(unknown var)"),
        pytest.param(lambda m: m.add_row("r", {}, "<", 0), LPError, "op '<'", id="m.add_row(op '<')"),
        pytest.param(lambda m: m.add(m.var("p") * m.var("q") <= 1), LPError, "not linear", id="m.add(x*y <= 1)"),
    ],
)
def test_bad_calls(call, err, fragment):
    with pytest.raises(err, match=fragment):
        call(Model())


def test_strict_feasibility_decides_strictness_exactly():
    m = Model()
    x = m.var("x", ub=1)
    m.add(x >= 1, name="low")
    m.add(x <= 1, name="high")
    # x = 1 is feasible, but x > 1 strictly is not.
    r = strict_feasibility(m, ["low"])
    assert not r.holds and r.slack == 0
    m2 = Model()
    y = m2.var("y", ub=5)
    m2.add(y >= 1, name="low")
    r2 = strict_feasibility(m2, ["low"])
    assert r2.holds and r2.slack == 1  # capped at 1
    assert verify_certificate(r2.result.certificate())[0]


def test_explain_infeasible_names_the_rows():
    m = Model()
    x = m.var("x")
    m.add(x >= 2, name="IR[agent 1: a]")
    m.add(x <= 1, name="BB[a]")
    r = m.solve()
    text = explain_certificate(r.certificate())
    assert "IR[agent 1: a]" in text and "BB[a]" in text and "contradiction" in text


def test_default_row_names_do_not_collide_with_given_ones():
    m = Model("max")
    x = m.var("x", ub=5)
    m.add(x <= 3, name="c1")
    assert m.add(x >= 1) == "c2"  # c1 is taken
    m.set_objective(x)
    assert m.solve(method="exact").value == 3


def test_the_objective_constant_name_is_reserved():
    m = Model("max")
    with pytest.raises(LPError, match="reserved"):
        m.var("_objective_constant")
