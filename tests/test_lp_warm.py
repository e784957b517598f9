"""Exact pivots from a HiGHS basis (exactmd.lp.warm) against the pure exact simplex.

Each test starts HiGHS on the slack basis (every row basic, B₀ = I), with the columns at
bounds chosen so that the start is dual feasible (the dual simplex runs) or primal
feasible (the primal simplex runs), and lets :func:`continue_exactly` finish the LP.  Its
answer must be the exact simplex's, and its optimal (x, y) must pass the independent
certificate checker.
"""

import pytest

highspy = pytest.importorskip("highspy", reason="the fast extra (highspy) is not installed: pip install -e '.[fast]'")
from flint import fmpq
from hypothesis import given

from exactmd.papers.vartiainen2014 import bilateral_trade
from exactmd.design import build_problem
from exactmd.lp import hint, solve_problem, verify_certificate, warm
from exactmd.lp.exact import parse_problem
from exactmd.lp.hint import certificate, highs_model
from exactmd.lp.warm import continue_exactly
from exactmd.strategies import lp_problems

S = highspy.HighsBasisStatus


def _slack_start(problem, where):
    """HiGHS with the slack basis; ``where(name, lo, hi, c)`` places each column ("lower",
    "upper" or "zero"); returns what continue_exactly needs."""
    sense, names, lo, hi, obj, rows = parse_problem(problem)
    h = highs_model(sense, lo, hi, obj, rows)
    sign = 1 if sense == "max" else -1
    x, status = [], []
    for j in range(len(lo)):
        at = where(names[j], lo[j], hi[j], sign * obj.get(j, fmpq(0)))
        x.append({"lower": lo[j], "upper": hi[j], "zero": fmpq(0)}[at])
        status.append({"lower": S.kLower, "upper": S.kUpper, "zero": S.kZero}[at])
    basis = highspy.HighsBasis()
    basis.col_status = status
    basis.row_status = [S.kBasic] * len(rows)
    basis.valid = True
    h.setBasis(basis)
    return h, sense, lo, hi, obj, rows, x, [fmpq(0)] * len(rows)


def _dual_feasible(name, lo, hi, c):
    if c > 0 or (c == 0 and lo is None):
        return "upper" if hi is not None else "zero"
    return "lower"


def _check(problem, outcome, x, y):
    exact = solve_problem(problem, method="exact")
    if outcome == "optimal":
        cert, why = certificate(problem, x, y)
        assert cert is not None, why
        assert exact.status.value == "optimal"
        assert fmpq(cert["value"]) == exact.value
    else:
        assert outcome == exact.status.value, (outcome, exact.status)


@given(lp_problems(bounds=("box", "fixed")))
def test_the_dual_simplex_from_a_dual_feasible_slack_basis_matches_the_exact_simplex(problem):
    args = _slack_start(problem, _dual_feasible)
    outcome, pivots, x, y = continue_exactly(*args)
    assert outcome in ("optimal", "infeasible")
    _check(problem, outcome, x, y)


@given(lp_problems(bounds=("box", "lower", "fixed"), origin_feasible=True))
def test_the_primal_simplex_from_a_feasible_slack_basis_matches_the_exact_simplex(problem):
    args = _slack_start(problem, lambda j, lo, hi, c: "lower")
    outcome, pivots, x, y = continue_exactly(*args)
    assert outcome in ("optimal", "unbounded")
    _check(problem, outcome, x, y)


@given(lp_problems(bounds=("box", "fixed"), max_vars=6, max_rows=6))
def test_blands_rule_from_the_first_pivot_gives_the_same_answers(problem):
    import unittest.mock

    with unittest.mock.patch.object(warm, "BLAND_AFTER", 0):
        args = _slack_start(problem, _dual_feasible)
        outcome, _, x, y = continue_exactly(*args)
        _check(problem, outcome, x, y)
        args = _slack_start(problem, lambda j, lo, hi, c: "lower")
        if all(r["op"] == "<=" and fmpq(r["rhs"]) >= 0 for r in problem["constraints"]) and \
                all(fmpq(b[0]) == 0 for b in problem["variables"].values()):
            outcome, _, x, y = continue_exactly(*args)
            _check(problem, outcome, x, y)


def test_a_start_that_is_neither_primal_nor_dual_feasible_is_refused():
    # x at its lower bound 0 violates x + y ≥ 1 (primal) and has reduced cost 1 > 0 (dual)
    problem = {"sense": "max", "variables": {"x": ["0", "2"], "y": ["0", "2"]}, "objective": {"x": "1", "y": "-1"},
               "constraints": [{"name": "r", "coeffs": {"x": "1", "y": "1"}, "op": ">=", "rhs": "1"}]}
    outcome, pivots, _, _ = continue_exactly(*_slack_start(problem, lambda v, lo, hi, c: "lower"))
    assert (outcome, pivots) == ("neither", 0)
    # from y at its upper bound the start is primal feasible and the primal simplex finishes
    outcome, pivots, x, y = continue_exactly(*_slack_start(problem, lambda v, lo, hi, c: "upper" if v == "y" else "lower"))
    assert outcome == "optimal" and pivots > 0
    _check(problem, outcome, x, y)


def test_the_pivot_limit_gives_up():
    problem = build_problem(bilateral_trade(2, "uniform", "uniform"), ["IC", "interim-IR", "BB"]).problem
    args = _slack_start(problem, _dual_feasible)
    outcome, pivots, _, _ = continue_exactly(*args, max_pivots=1)
    assert (outcome, pivots) == ("gave up", 1)


def test_a_hint_ending_on_a_wrong_dual_feasible_basis_is_finished_by_exact_pivots(monkeypatch):
    class SlackAtTheEnd(highspy.Highs):
        def run(self):  # solve, then move to the dual feasible slack basis (optimal for no LP here)
            status = super().run()
            lp = self.getLp()
            sign = 1 if lp.sense_ == highspy.ObjSense.kMaximize else -1
            basis = highspy.HighsBasis()
            basis.col_status = [S.kUpper if sign * c > 0 else S.kLower for c in lp.col_cost_]
            basis.row_status = [S.kBasic] * lp.num_row_
            basis.valid = True
            self.setBasis(basis)
            return status

    monkeypatch.setattr(hint, "_new_highs", SlackAtTheEnd)
    env = bilateral_trade(3, "uniform", "uniform")
    problem = build_problem(env, ["IC", "interim-IR", "BB"]).problem
    for v in problem["variables"]:  # transfers bounded, so that the slack start is dual feasible
        problem["variables"][v] = ["-2", "2"] if problem["variables"][v][0] is None else problem["variables"][v]
    lines = []
    res = solve_problem(problem, method="hint", trace=lines.append)
    assert res.method == "highs-basis+exact-refinement"
    assert any("exact dual simplex" in ln for ln in lines), lines
    assert res.pivots > 0
    assert verify_certificate(res.certificate())[0]
    assert res.value == solve_problem(problem, method="exact").value


@pytest.mark.parametrize("K, prior", [(4, "increasing"), (6, "decreasing")])
def test_exact_pivots_solve_the_second_best_lp_from_its_slack_basis(K, prior):
    problem = build_problem(bilateral_trade(K, prior, prior), ["IC", "interim-IR", "BB"]).problem
    # no trade (the lottery on allocation 0), no transfers: primal feasible
    args = _slack_start(problem, lambda v, lo, hi, c: "zero" if lo is None else "upper" if v.startswith("q[0|") else "lower")
    outcome, pivots, x, y = continue_exactly(*args)
    assert outcome == "optimal" and pivots > 0
    _check(problem, outcome, x, y)


@given(lp_problems(bounds=("box", "fixed"), max_vars=6, max_rows=6))
def test_when_refinement_on_highs_factorisation_fails_the_exact_lu_solves(problem):
    # refinement refuses every solve: exactmd's own LU of B₀ takes over, with the same answers
    import unittest.mock

    with unittest.mock.patch.object(warm, "refine", lambda *a, **k: None):
        args = _slack_start(problem, _dual_feasible)
        outcome, _, x, y = continue_exactly(*args)
    assert outcome in ("optimal", "infeasible")
    _check(problem, outcome, x, y)
