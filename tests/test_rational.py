from fractions import Fraction

import pytest
import sympy
from flint import fmpq, fmpz

from exactmd import ExactMDError, NotExactError, InvalidNumberError, Q, fmt, latex


@pytest.mark.parametrize(
    "given, expected",
    [
        pytest.param(3, fmpq(3), id="int"),
        pytest.param(-7, fmpq(-7), id="negative-int"),
        pytest.param("2/6", fmpq(1, 3), id="str-fraction-reduced"),
        pytest.param(" -3 / 4 ", fmpq(-3, 4), id="str-fraction-spaces"),
        pytest.param("0.25", fmpq(1, 4), id="str-decimal"),
        pytest.param("-1.5e-3", fmpq(-3, 2000), id="str-scientific"),
        pytest.param(".5", fmpq(1, 2), id="str-leading-dot"),
        pytest.param("12", fmpq(12), id="str-int"),
        pytest.param(Fraction(5, 10), fmpq(1, 2), id="Fraction"),
        pytest.param(sympy.Rational(2, 3), fmpq(2, 3), id="sympy-Rational"),
        pytest.param(sympy.Integer(4), fmpq(4), id="sympy-Integer"),
        pytest.param(fmpq(7, 9), fmpq(7, 9), id="fmpq"),
        pytest.param(fmpz(5), fmpq(5), id="fmpz"),
    ],
)
def test_Q_accepts_exact_values(given, expected):
    got = Q(given)
    assert isinstance(got, fmpq)
    assert got == expected


@pytest.mark.parametrize(
    "given, err, fragment",
    [
        pytest.param(0.1, NotExactError, '"1/10"', id="Q(0.1)"),
        pytest.param(0.5, NotExactError, '"1/2"', id="Q(0.5)"),
        pytest.param(float("nan"), NotExactError, "NaN", id="Q(nan)"),
        pytest.param(float("inf"), NotExactError, "infinite", id="Q(inf)"),
        pytest.param(True, NotExactError, "bool", id="Q(True)"),
        pytest.param("abc", InvalidNumberError, "'abc'", id="Q('abc')"),
        pytest.param("1/0", InvalidNumberError, "'1/0'", id="Q('1/0')"),
        pytest.param("", InvalidNumberError, "''", id="Q('')"),
        pytest.param("nan", InvalidNumberError, "'nan'", id="Q('nan')"),
        pytest.param(sympy.Float(0.5), NotExactError, "sympy Float", id="Q(sympy.Float)"),
        pytest.param(None, NotExactError, "None", id="Q(None)"),
        pytest.param([1], NotExactError, "list", id="Q([1])"),
    ],
)
def test_Q_refuses_inexact_or_junk(given, err, fragment):
    with pytest.raises(err) as info:
        Q(given)
    assert isinstance(info.value, ExactMDError)
    assert fragment in str(info.value)


def test_Q_names_the_value():
    with pytest.raises(NotExactError, match=r"prior\[a\]=0\.3"):
        Q(0.3, name="prior[a]")


def test_Decimal_refused_with_string_hint():
    from decimal import Decimal

    with pytest.raises(NotExactError, match='"0.3"'):
        Q(Decimal("0.3"))


def test_fmt_and_latex():
    assert fmt(Q("4/2")) == "2"
    assert fmt(Q("-2/4")) == "-1/2"
    assert latex(Q("3/4")) == "\\frac{3}{4}"
    assert latex(Q(-5)) == "-5"
