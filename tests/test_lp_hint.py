"""The float-hinted path (HiGHS's basis re-solved exactly) against the pure exact simplex."""

from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import given

from exactmd.papers.vartiainen2014 import bilateral_trade
from exactmd.design import build_problem
from exactmd.errors import LPError
from exactmd.lp import solve_problem, verify_certificate
from exactmd.lp import hint
from exactmd.lp import refine
from exactmd.lp.refine import simplest_between
from exactmd.lp.solution import default_method
from exactmd.strategies import lp_problems, rationals


def _brute_simplest(lo: Fraction, hi: Fraction) -> Fraction:
    """Smallest denominator d with an integer multiple of 1/d in [lo, hi], by search."""
    d = 1
    while True:
        n = -((-lo.numerator * d) // lo.denominator)  # ceil(lo·d)
        if Fraction(n, d) <= hi:
            return Fraction(n, d)
        d += 1


@given(rationals(min_value=-5, max_value=5, max_denominator=40), rationals(min_value=0, max_value=1, max_denominator=60))
def test_simplest_between_is_the_smallest_denominator(lo, width):
    hi = lo + width
    got = simplest_between(lo, hi)
    assert lo <= got <= hi
    flo, fhi = Fraction(int(lo.p), int(lo.q)), Fraction(int(hi.p), int(hi.q))
    want = Fraction(0) if flo <= 0 <= fhi else (_brute_simplest(flo, fhi) if flo > 0 else -_brute_simplest(-fhi, -flo))
    assert Fraction(int(got.p), int(got.q)) == want


@given(lp_problems())
def test_hint_and_exact_give_the_same_answer(problem):
    a = solve_problem(problem, method="exact")
    b = solve_problem(problem, method="hint")
    assert verify_certificate(b.certificate())[0]
    assert a.status == b.status
    assert a.value == b.value


@pytest.mark.slow
@pytest.mark.parametrize("K, prior", [(6, "uniform"), (8, "increasing"), (10, "decreasing")])
def test_hint_on_the_second_best_lp(K, prior):
    problem = build_problem(bilateral_trade(K, prior, prior), ["IC", "interim-IR", "BB"]).problem
    b = solve_problem(problem, method="hint")
    assert b.method == "highs-basis+exact-refinement"  # the hint was used, not the fallback
    a = solve_problem(problem, method="exact")
    assert verify_certificate(b.certificate())[0]
    assert a.value == b.value


def test_a_wrong_hint_falls_back_to_the_exact_simplex(monkeypatch):
    import highspy

    class LogicalBasis(highspy.Highs):
        def run(self):  # solve, then replace the optimal basis by the all-slack one
            status = super().run()
            self.setBasis()
            return status

    monkeypatch.setattr(hint, "_new_highs", LogicalBasis)
    problem = build_problem(bilateral_trade(3, "uniform", "uniform"), ["IC", "interim-IR", "BB"]).problem
    lines = []
    res = solve_problem(problem, method="hint", trace=lines.append)
    assert res.method.startswith("exact-simplex")
    assert any("falling back" in ln for ln in lines)
    assert res.value == solve_problem(problem, method="exact").value


def test_infeasible_and_unbounded_fall_back_with_their_certificates():
    inf = {"sense": "max", "variables": {"x": ["0", None]}, "objective": {"x": "1"},
           "constraints": [{"name": "a", "coeffs": {"x": "1"}, "op": "<=", "rhs": "1"},
                           {"name": "b", "coeffs": {"x": "1"}, "op": ">=", "rhs": "2"}]}
    unb = {"sense": "max", "variables": {"x": ["0", None], "y": ["0", None]}, "objective": {"x": "1"},
           "constraints": [{"name": "a", "coeffs": {"x": "1", "y": "-1"}, "op": "<=", "rhs": "1"}]}
    assert solve_problem(inf, method="hint").certificate()["status"] == "infeasible"
    assert solve_problem(unb, method="hint").certificate()["status"] == "unbounded"


def test_method_is_validated_and_default_method_pins_it():
    p = {"sense": "max", "variables": {"x": ["0", "1"]}, "objective": {"x": "1"},
         "constraints": [{"name": "a", "coeffs": {"x": "1"}, "op": "<=", "rhs": "1/2"}]}
    with pytest.raises(LPError, match="method='fast'"):
        solve_problem(p, method="fast")
    with default_method("hint"):
        assert solve_problem(p).method == "highs-basis+exact-refinement"
    with default_method("exact"):
        assert solve_problem(p).method.startswith("exact-simplex")
    assert solve_problem(p).value == fmpq(1, 2)


def test_a_wrong_first_basis_is_continued_by_highs_with_tight_tolerances(monkeypatch):
    import highspy

    class FirstRunSabotaged(highspy.Highs):
        runs = 0

        def run(self):  # the first solve ends on the all-slack basis; later ones are honest
            status = super().run()
            FirstRunSabotaged.runs += 1
            if FirstRunSabotaged.runs == 1:
                self.setBasis()
            return status

        def getModelStatus(self):  # report the first solve as optimal, as a wrong hint would be
            return highspy.HighsModelStatus.kOptimal if FirstRunSabotaged.runs == 1 else super().getModelStatus()

    monkeypatch.setattr(hint, "_new_highs", FirstRunSabotaged)
    problem = build_problem(bilateral_trade(3, "uniform", "uniform"), ["IC", "interim-IR", "BB"]).problem
    lines = []
    res = solve_problem(problem, method="hint", trace=lines.append)
    assert FirstRunSabotaged.runs == 2
    assert res.method == "highs-basis+exact-refinement"
    assert any("continued" in ln for ln in lines)
    assert res.value == solve_problem(problem, method="exact").value


def test_without_highspy_auto_is_exact_and_hint_is_refused(monkeypatch):
    monkeypatch.setattr(hint, "available", lambda: False)
    problem = build_problem(bilateral_trade(8, "uniform", "uniform"), ["IC", "interim-IR", "BB"]).problem  # above HINT_MIN_SIZE
    assert solve_problem(problem).method.startswith("exact-simplex")
    with pytest.raises(LPError, match=r"pip install highspy"):
        solve_problem(problem, method="hint")


def test_refinement_runs_until_the_denominators_are_reached(monkeypatch):
    # A dense 25 × 25 system with six-digit decimal coefficients: its basic solution has
    # denominators of ~500 bits, and reconstructing them needs the error below 2^-1000 —
    # more than 12 rounds of ~50 bits; the hint must still be re-solved exactly (not fall
    # back), and agree with the exact simplex.
    import random

    rnd = random.Random(7)
    n = 25
    names = [f"x{j}" for j in range(n)]
    p = {"sense": "max", "variables": {v: [None, None] for v in names}, "objective": {v: "1" for v in names},
         "constraints": [{"name": f"r{i}", "coeffs": {v: f"{rnd.randint(-999999, 999999)}/1000000" for v in names},
                          "op": "==", "rhs": str(rnd.randint(1, 9))} for i in range(n)]}
    hinted = solve_problem(p, method="hint")
    assert hinted.method == "highs-basis+exact-refinement"
    assert max(int(hinted.primal[v].q).bit_length() for v in names) > 500
    assert hinted.value == solve_problem(p, method="exact").value
    monkeypatch.setattr(refine, "MAX_ROUNDS", 12)  # the earlier cap: the hint fell back
    assert solve_problem(p, method="hint").method.startswith("exact")


def test_when_the_hint_fails_the_exact_simplex_starts_from_highss_basis(monkeypatch):
    # every exact check of HiGHS's (optimal) basis is made to fail, and the exact pivots
    # from it refused: the exact revised simplex then starts from that basis, not from scratch
    monkeypatch.setattr(hint, "certificate", lambda *a: (None, "refused here"))
    monkeypatch.setattr(hint, "continue_exactly", lambda *a, **k: ("neither", 0, None, None))
    problem = build_problem(bilateral_trade(3, "uniform", "uniform"), ["IC", "interim-IR", "BB"]).problem
    lines = []
    res = solve_problem(problem, method="hint", trace=lines.append)
    cold = solve_problem(problem, method="exact")
    assert res.method.startswith("exact-simplex") and res.value == cold.value
    assert any(ln.startswith("warm start from the given basis") for ln in lines)
    assert res.pivots < cold.pivots
    assert verify_certificate(res.certificate())[0]
