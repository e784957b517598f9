"""Exact parametric LP (exactmd.lp.parametric, exactmd.parametric): pieces against direct exact solves."""

from __future__ import annotations

import copy
import json

import pytest
import sympy
from flint import fmpq, fmpq_poly
from hypothesis import given, settings

from exactmd.certificates import verify_document
from exactmd.design import optimal_mechanism
from exactmd.environment import Environment
from exactmd.belief import independent
from exactmd.lp import Model, solve_problem
from exactmd.lp.algebraic import Real, real_roots, sign_at
from exactmd.lp.parametric import ParametricProblem, solve_parametric
from exactmd.parametric import mixture, parametric_design, parse_param
from exactmd.errors import ExactMDError, LPError
from exactmd.rational import Q
from exactmd.strategies import parametric_lps


def _lp(build):
    def at(t):
        m = Model("max")
        build(m, Q(t))
        return m.to_problem()
    return ParametricProblem.affine(at)


def _objective_lp(m, t):  # (a): max (1+λ)x + (1−λ)y, x + 2y ≤ 4, 3x + y ≤ 6
    x, y = m.var("x"), m.var("y")
    m.add(x + 2 * y <= 4, name="c0")
    m.add(3 * x + y <= 6, name="c1")
    m.set_objective((1 + t) * x + (1 - t) * y)


def _rhs_lp(m, t):  # (b): max x + y, x + 2y ≤ 4 − 2λ, 3x + y ≤ 6λ
    x, y = m.var("x"), m.var("y")
    m.add(x + 2 * y <= 4 - 2 * t, name="c0")
    m.add(3 * x + y <= 6 * t, name="c1")
    m.set_objective(x + y)


def _matrix_lp(m, t):  # (c): the matrix moves; a breakpoint at a root of 2λ² + λ − 2
    x, y = m.var("x", 0, 5), m.var("y", 0, 5)
    m.add(t * x + y <= 2, name="c0")
    m.add(x + t * y <= 3, name="c1")
    m.add(x <= 2 * t + 1, name="c2")
    m.set_objective(x + t * y)


def _probe_points(res):
    """Each breakpoint, and rational points just below and above it (for an irrational one: the
    ends of its isolating interval, refined until they are inside the neighbouring pieces)."""
    out = []
    for pt in res.points:
        x = pt.at
        for _ in range(8):
            x.refine()
        a, b = x.bounds()
        eps = fmpq(1, 10**6)
        out += [a - eps, b + eps] if not x.is_rational else [a - eps, a, a + eps]
    return out


@pytest.mark.parametrize("build,lo,hi,n_pieces", [
    pytest.param(_objective_lp, -1, 1, 3, id="objective-c+λd"),
    pytest.param(_rhs_lp, "1/10", 1, None, id="rhs-b+λe"),
    pytest.param(_matrix_lp, 0, 3, 4, id="matrix-irrational-breakpoint"),
])
def test_breakpoints_against_direct_solves(build, lo, hi, n_pieces):
    pp = _lp(build)
    res = solve_parametric(pp, lo, hi)
    if n_pieces is not None:
        assert len(res.pieces) == n_pieces
    pts = _probe_points(res) + [Q(lo), Q(hi), (Q(lo) + Q(hi)) / 2, Q(lo) + (Q(hi) - Q(lo)) / 7]
    for t in pts:
        direct = solve_problem(pp.at(t), method="exact")
        assert direct.status == "optimal"
        assert res.value_at(t) == direct.value, t
    ok, why = verify_document(json.loads(json.dumps(res.certificate())))
    assert ok, why


def test_piecewise_affine_shapes():
    """(a) gives a convex piecewise-affine value (max), (b) a concave one: checked on the pieces."""
    for build, lo, hi, convex in ((_objective_lp, -1, 1, True), (_rhs_lp, "1/10", 1, False)):
        res = solve_parametric(_lp(build), lo, hi)
        slopes = []
        for pc in res.pieces:
            num, den = pc.value
            assert den.degree() == 0 and num.degree() <= 1
            slopes.append(fmpq(num.coeffs()[1]) if num.degree() == 1 else fmpq(0))
        assert slopes == sorted(slopes, reverse=not convex)


def test_irrational_breakpoint_is_the_root():
    res = solve_parametric(_lp(_matrix_lp), 0, 3)
    irr = [pt.at for pt in res.points if not pt.at.is_rational]
    assert len(irr) == 1
    # an independent description: sympy's root of 2λ² + λ − 2 in (0, 1)
    lam = sympy.symbols("lam")
    (iv, _), = [r for r in sympy.Poly(2 * lam**2 + lam - 2, lam).intervals() if r[0][0] >= 0]
    root = irr[0]
    assert sign_at(fmpq_poly([-2, 1, 2]), root) == 0
    assert Real.of(str(iv[0])) <= root <= Real.of(str(iv[1]))


def test_root_isolation_against_sympy():
    p = fmpq_poly([3, -7, 0, 5, -1]) * fmpq_poly([-1, 3])
    mine = real_roots(p, Real.of(-10), Real.of(10))
    lam = sympy.symbols("lam")
    theirs = sympy.Poly(sympy.expand(sum(int(c) * lam**k for k, c in enumerate(p.coeffs()))), lam).intervals()
    assert len(mine) == len(theirs)
    for x, ((a, b), _) in zip(mine, theirs):
        assert Real.of(str(a)) <= x <= Real.of(str(b))


@settings(max_examples=15, deadline=None)
@given(parametric_lps())
def test_random_parametric_lps(pp):
    res = solve_parametric(pp, 0, 1)
    for t in [fmpq(0), fmpq(1), fmpq(1, 3), fmpq(5, 7)] + _probe_points(res):
        if 0 <= t <= 1:
            assert res.value_at(t) == solve_problem(pp.at(t), method="exact").value
    ok, why = verify_document(res.certificate())
    assert ok, why


def _env():
    return Environment.quasilinear([[0, 1, 2], [0, 1, 2]], "uniform", [0, 1],
                                   lambda i, a, th: a * th[0] if i == 0 else -a * th[1], agents=["b", "s"])


def test_prior_mixture_against_direct_design():
    env = _env()
    p1 = independent(env.types, [["1/6", "1/3", "1/2"], ["1/2", "1/3", "1/6"]])
    d = parametric_design(env, ["IC", "interim-IR", "BB"], mix=p1)
    for t in [fmpq(0), fmpq(1), fmpq(1, 2), fmpq(2, 9)] + _probe_points(d.result):
        if 0 <= t <= 1:
            direct = optimal_mechanism(env.with_prior(mixture(env.prior, p1, t)), ["IC", "interim-IR", "BB"], method="exact")
            assert d.value_at(t) == direct.value, t
    d.verify()


@pytest.mark.parametrize("path,value,field", [
    pytest.param(("pieces", 0, "value", 0, 0), "7", "value", id="value-numerator"),
    pytest.param(("pieces", 0, "denominator", 0), "3", "pieces[0]", id="denominator"),
    pytest.param(("pieces", 0, "to"), {"rational": "1/2"}, "pieces[1].from", id="gap-between-pieces"),
    pytest.param(("problem", "constraints", 0, "rhs", 0), "5", "pieces[0]", id="problem-rhs"),
    pytest.param(("interval", 0), "0.5", "interval", id="number-not-as-written"),
])
def test_tampered_certificate_is_rejected(path, value, field):
    cert = solve_parametric(_lp(_matrix_lp), 0, 3).certificate()
    bad = copy.deepcopy(cert)
    node = bad
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    ok, why = verify_document(bad)
    assert not ok and field in why, why


def test_tampered_mechanism_certificate_names_the_prior():
    env = _env()
    p1 = independent(env.types, [["1/6", "1/3", "1/2"], ["1/2", "1/3", "1/6"]])
    cert = parametric_design(env, ["IC", "interim-IR", "BB"], mix=p1).certificate
    bad = copy.deepcopy(cert)
    key = next(iter(bad["prior_to"]))
    other = list(bad["prior_to"])[1]
    bad["prior_to"][key], bad["prior_to"][other] = bad["prior_to"][other], bad["prior_to"][key]
    ok, why = verify_document(bad)
    assert not ok and "prior_to" in why, why


@pytest.mark.parametrize("spec", ["mix", "x=1", "x=1:0", "x=a:b", "=0:1"])
def test_bad_param_specs(spec):
    with pytest.raises(ExactMDError):
        parse_param(spec)


def test_infeasible_point_is_refused_naming_lambda():
    def build(m, t):
        x = m.var("x", 0, 1)
        m.add(x >= 2 * t, name="c0")
        m.set_objective(x)
    with pytest.raises(LPError, match=r"at λ = \S+ the LP is infeasible"):
        solve_parametric(_lp(build), 0, 1)


def test_a_jump_at_an_isolated_point_is_a_value_change():
    """The correlated auction from ρ = −1/2 (λ = 0) to ρ = 1/2 (λ = 1): ρ = λ − 1/2.  For ρ ≠ 0 the
    seller extracts the full surplus E[max v] = 2 − P(1, 1) = 2 − (1 + ρ)/4 (Crémer–McLean); at
    ρ = 0 (independent values) she cannot, so the value drops at λ = 1/2 alone, while both sides
    have the same formula.  The kind must say the value changes there."""
    from pathlib import Path

    ex = Path(__file__).resolve().parents[1] / "examples"
    env = Environment.load(ex / "auction-correlated-2x2-negative.toml")
    other = Environment.load(ex / "auction-correlated-2x2.toml")
    d = parametric_design(env, ["IC", "interim-IR"], objective="revenue", mix=other)
    (pt,) = d.result.points
    assert pt.at.is_rational and pt.at.q == fmpq(1, 2)
    assert pt.kind == "value changes"
    half = fmpq(1, 2)
    for lam in (fmpq(0), half - fmpq(1, 10**6), half, half + fmpq(1, 10**6), fmpq(1)):
        direct = optimal_mechanism(env.with_prior(mixture(env.prior, other.prior, lam)), ["IC", "interim-IR"],
                                   objective="revenue", method="exact").value
        assert d.value_at(lam) == direct, lam
        if lam != half:
            rho = lam - half
            assert direct == 2 - (1 + rho) / 4, lam  # full extraction, by hand
    assert d.value_at(half) < 2 - fmpq(1, 4)  # strictly below the limit 7/4: a jump
    ok, why = verify_document(json.loads(json.dumps(d.certificate)))
    assert ok and "on [0, 1/2): " in why and "on {1/2}: 3/2" in why and "on (1/2, 1]: " in why, why


def test_kinds_of_the_matrix_example():
    res = solve_parametric(_lp(_matrix_lp), 0, 3)
    assert [pt.kind for pt in res.points] == ["value continuous, formula changes"] * 3


def test_the_plot_marks_the_isolated_value_and_the_open_ends(tmp_path):
    from pathlib import Path

    from exactmd.parametric_output import plot, plotted_points

    ex = Path(__file__).resolve().parents[1] / "examples"
    env = Environment.load(ex / "auction-correlated-2x2-negative.toml")
    d = parametric_design(env, ["IC", "interim-IR"], objective="revenue", mix=Environment.load(ex / "auction-correlated-2x2.toml"))
    # by hand: 3/2 at λ = 1/2, and the limit 15/8 − 1/8 = 7/4 from both sides, not included in either piece
    assert sorted(plotted_points(d)) == [(0.5, 1.5, True), (0.5, 1.75, False), (0.5, 1.75, False)]
    out = plot(d, tmp_path / "v.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
