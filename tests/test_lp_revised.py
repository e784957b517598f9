"""The exact sparse LU and the exact revised simplex (the pure exact path).

The LU's solves are checked against FLINT's own dense ``fmpq_mat.solve``; the simplex
against sympy's exact simplex (``exactmd.lp.reference``, no code shared), against an
enumeration of the vertices of boxed LPs, and through the independent certificate checker.
"""

import json
import unittest.mock
from fractions import Fraction

import pytest
from flint import fmpq, fmpq_mat
from hypothesis import assume, given
from hypothesis import strategies as st

import exactmd.lp.revised as revised
from exactmd.errors import BudgetExceededError, LPError
from exactmd.lp import solve_problem, verify_certificate
from exactmd.lp.exact import simplex as tableau_simplex
from exactmd.lp.lu import LU, SingularBasisError
from exactmd.lp.reference import ReferenceSolverError, sympy_lp_value
from exactmd.lp.revised import revised_simplex
from exactmd.strategies import lp_problems, rationals

from test_lp_exact import HAND, _brute_force, boxed_problems


@st.composite
def sparse_square(draw, max_m=7):
    """A nonsingular m × m matrix, as columns {row: value}, about half its entries zero."""
    m = draw(st.integers(1, max_m))
    entries = [[draw(rationals()) if draw(st.booleans()) else fmpq(0) for _ in range(m)] for _ in range(m)]
    M = fmpq_mat(entries)
    assume(M.det() != 0)
    return m, [{i: entries[i][j] for i in range(m) if entries[i][j]} for j in range(m)], M


def _vec(draw, m):
    return {i: draw(rationals()) for i in range(m) if draw(st.booleans())}


@given(sparse_square(), st.data())
def test_lu_solves_agree_with_flint_dense_solves(case, data):
    m, cols, M = case
    lu = LU(m, cols)
    for _ in range(3):
        b = _vec(data.draw, m)
        bb = fmpq_mat(m, 1, [b.get(i, 0) for i in range(m)])
        z, y = lu.ftran(b), lu.btran(b)
        assert [z.get(i, 0) for i in range(m)] == [M.solve(bb)[i, 0] for i in range(m)]
        assert [y.get(i, 0) for i in range(m)] == [M.transpose().solve(bb)[i, 0] for i in range(m)]
        assert all(v != 0 for v in (*z.values(), *y.values()))  # zeros are omitted
        # replace a column (product-form update) and keep checking against the new matrix
        a = _vec(data.draw, m)
        alpha = lu.ftran(a)
        p = data.draw(st.integers(0, m - 1))
        if not alpha.get(p):
            with pytest.raises(SingularBasisError):
                lu.update(p, alpha)
            continue
        lu.update(p, alpha)
        M = fmpq_mat([[a.get(i, fmpq(0)) if j == p else M[i, j] for j in range(m)] for i in range(m)])
        assert M.det() != 0


def test_lu_refuses_a_singular_matrix():
    with pytest.raises(SingularBasisError, match="singular"):
        LU(2, [{0: fmpq(1), 1: fmpq(2)}, {0: fmpq(2), 1: fmpq(4)}])
    with pytest.raises(SingularBasisError):
        LU(2, [{0: fmpq(1)}, {}])


def _sympy(problem):
    """sympy's value of a problem found feasible, or None where sympy cannot say: rows without
    coefficients (which then hold) are left out, as sympy's linprog cannot take them, and it
    refuses LPs without inequality rows (ValueError) or gives up on some (ReferenceSolverError)."""
    p = dict(problem, constraints=[c for c in problem["constraints"] if any(Fraction(a) for a in c["coeffs"].values())])
    try:
        return sympy_lp_value(p)
    except (ReferenceSolverError, ValueError):
        return None


def _solve(problem):
    cert = revised_simplex(problem)
    pivots = cert.pop("pivots")
    cert.pop("basis", None)  # (the final basis of an optimal solve, for a warm start)
    ok, why = verify_certificate(cert)
    assert ok, why
    return cert, pivots


@given(lp_problems(max_vars=5, max_rows=5))
def test_revised_simplex_agrees_with_sympy(problem):
    # feasible, infeasible and unbounded LPs with box, lower, free and fixed bounds and
    # <=, >=, == rows: every certificate passes the checker, and an optimal value is sympy's
    cert, _ = _solve(problem)
    if cert["status"] == "optimal" and not any(Fraction(c) for c in problem["objective"].values()):
        assert cert["value"] == "0"  # (sympy's linprog cannot take a zero objective)
    elif cert["status"] == "optimal" and (ref := _sympy(problem)) is not None:
        assert Fraction(cert["value"]) == ref


@given(boxed_problems())
def test_revised_simplex_agrees_with_vertex_enumeration(problem):
    cert, _ = _solve(problem)
    best = _brute_force(problem)
    if best is None:
        assert cert["status"] == "infeasible"
    else:
        assert cert["status"] == "optimal"
        assert Fraction(cert["value"]) == best


@given(lp_problems(max_vars=6, max_rows=6, origin_feasible=True))
def test_degenerate_lps_through_the_origin(problem):
    # every row holds at x = 0, most of them with equality (rhs 0 is drawn often): the
    # starting vertex is degenerate; sympy decides the value of the bounded ones
    cert, _ = _solve(problem)
    assert cert["status"] in ("optimal", "unbounded")
    if cert["status"] == "optimal" and any(Fraction(c) for c in problem["objective"].values()):
        ref = _sympy(problem)
        assert ref is None or Fraction(cert["value"]) == ref


@given(lp_problems(max_vars=5, max_rows=5))
def test_revised_with_the_tableau_rules_visits_the_tableau_bases(problem):
    # with the dense tableau's rules the revised simplex (LU solves instead of a tableau)
    # makes the same pivots and ends with the same certificate
    a, b = revised_simplex(problem, rules="tableau"), tableau_simplex(problem)
    a.pop("basis", None)
    assert a == b


@given(lp_problems(max_vars=5, max_rows=5))
def test_default_and_tableau_rules_agree_on_status_and_value(problem):
    # two pivoting paths (slack start, largest-pivot ties / artificial start, index ties)
    a, _ = _solve(problem)
    b = revised_simplex(problem, rules="tableau")
    assert (a["status"], a.get("value")) == (b["status"], b.get("value"))


@pytest.mark.parametrize("problem, status, value", HAND)
def test_anti_cycling_bland_from_the_first_pivot(problem, status, value):
    # with Bland's rule from the start (Chvátal's cycling example among the cases) the
    # answers are the same
    with unittest.mock.patch.object(revised, "BLAND_AFTER", 0):
        cert, _ = _solve(problem)
    assert cert["status"] == status
    if value is not None:
        assert cert["value"] == value


@given(lp_problems(max_vars=6, max_rows=6))
def test_refactorising_after_every_pivot_changes_nothing(problem):
    a = revised_simplex(problem)
    with unittest.mock.patch.object(revised, "REFACTOR_AFTER", 1):
        b = revised_simplex(problem)
    assert a == b


def _bargaining(K):
    from exactmd.design import build_problem
    from exactmd.papers.vartiainen2014 import bilateral_trade

    return build_problem(bilateral_trade(K, "uniform", "uniform"), ["IC", "interim-IR", "BB"]).problem


def test_bargaining_lp_k3_by_the_pure_exact_path_matches_sympy():
    # a real mechanism-design LP (64 variables, 64 rows, refactorisations and degenerate
    # pivots included) against sympy's exact simplex
    problem = json.loads(json.dumps(_bargaining(3)))
    with unittest.mock.patch.object(revised, "REFACTOR_AFTER", 4):
        cert, pivots = _solve(problem)
    assert pivots > 8
    assert Fraction(cert["value"]) == sympy_lp_value(problem)


def test_unknown_rules_are_refused():
    with pytest.raises(LPError, match="rules='bland' must be one of default, tableau"):
        revised_simplex(HAND[0].values[0], rules="bland")


def test_exact_method_is_the_revised_simplex_with_budget():
    problem = HAND[0].values[0]
    res = solve_problem(problem, method="exact")
    assert res.method.startswith("exact-simplex") and res.value == fmpq(14, 5)
    with pytest.raises(BudgetExceededError, match="gave up after 1 pivots"):
        solve_problem(problem, method="exact", max_pivots=1)
    lines = []
    revised_simplex(problem, trace=lines.append)
    assert lines[0].startswith("exact revised simplex") and sum(" pivot " in ln for ln in lines) == res.pivots


@given(lp_problems(max_vars=5, max_rows=5))
def test_a_warm_start_from_the_optimal_basis_makes_no_pivot(problem):
    cold = revised_simplex(problem)
    if cold["status"] != "optimal":
        return
    warm = revised_simplex(problem, basis=cold.pop("basis"))
    warm.pop("basis")
    assert warm.pop("pivots") == 0
    assert verify_certificate(warm)[0] and warm["value"] == cold["value"]


@given(lp_problems(max_vars=5, max_rows=5), st.data())
def test_a_warm_start_from_any_basis_gives_the_same_answer(problem, data):
    # m columns drawn at random (a basis or not: a non-basis is ignored), some nonbasic ones
    # at their upper bound; the basic values are off their bounds as often as not
    n, m = len(problem["variables"]), len(problem["constraints"])
    basic = data.draw(st.lists(st.integers(0, n + m - 1), min_size=m, max_size=m, unique=True), label="basic")
    upper = data.draw(st.sets(st.integers(0, n + m - 1)), label="upper")
    lines = []
    cert = revised_simplex(problem, basis=(basic, upper), trace=lines.append)
    cert.pop("basis", None)
    cert.pop("pivots")
    assert any("warm start" in ln or "cold start" in ln for ln in lines)
    ok, why = verify_certificate(cert)
    assert ok, why
    cold, _ = _solve(problem)
    assert (cert["status"], cert.get("value")) == (cold["status"], cold.get("value"))


def test_a_warm_start_near_the_optimum_of_a_mechanism_lp():
    # the optimal basis of the K = 3 bargaining LP with one of its columns swapped out:
    # where that is still a basis, the warm start needs fewer pivots than the cold one
    problem = json.loads(json.dumps(_bargaining(3)))
    cold = revised_simplex(problem)
    basic, upper = cold.pop("basis")
    n, m = len(problem["variables"]), len(problem["constraints"])
    outside = [j for j in range(n + m) if j not in basic]
    warm_starts = 0
    for k in range(12):
        trial = list(basic)
        trial[(5 * k) % m] = outside[(7 * k) % len(outside)]
        lines = []
        warm = revised_simplex(problem, basis=(trial, upper), trace=lines.append)
        warm.pop("basis")
        pivots = warm.pop("pivots")
        assert verify_certificate(warm)[0] and warm["value"] == cold["value"]
        if any(ln.startswith("warm start") for ln in lines):
            warm_starts += 1
            assert pivots < cold["pivots"]
    assert warm_starts >= 3


@given(lp_problems(max_vars=6, max_rows=6, origin_feasible=True))
def test_a_stall_is_left_through_the_relaxed_lp_with_the_same_answer(problem):
    # Bland from the start and a "stall" after 2 degenerate pivots in a row: the LP is then
    # solved relaxed and finished from the relaxed optimum's basis (or, if that fails, as before)
    plain, _ = _solve(problem)
    lines = []
    with unittest.mock.patch.object(revised, "BLAND_AFTER", 0), unittest.mock.patch.object(revised, "STALL_AFTER", 2):
        cert = revised_simplex(problem, trace=lines.append)
    cert.pop("basis", None)
    assert cert.pop("pivots") == sum(" pivot " in ln for ln in lines)
    ok, why = verify_certificate(cert)
    assert ok, why
    assert (cert["status"], cert.get("value")) == (plain["status"], plain.get("value"))


def test_the_relaxed_lp_path_is_taken_on_a_degenerate_lp():
    problem = json.loads(json.dumps(_bargaining(3)))
    lines = []
    with unittest.mock.patch.object(revised, "BLAND_AFTER", 0), unittest.mock.patch.object(revised, "STALL_AFTER", 5):
        cert = revised_simplex(problem, trace=lines.append)
    assert any(ln.startswith("stalled at a degenerate vertex") for ln in lines)
    assert any(ln.startswith("the relaxed LP is solved") for ln in lines)
    cert.pop("basis", None)
    cert.pop("pivots")
    assert verify_certificate(cert)[0] and Fraction(cert["value"]) == sympy_lp_value(problem)
