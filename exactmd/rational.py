"""Exact rational numbers: the one door through which every number enters exactmd.

``Q(x)`` turns an exact value into a python-flint ``fmpq``:

* ``int`` (but not ``bool``), ``fmpz``, ``fmpq``;
* ``fractions.Fraction`` and sympy ``Rational`` / ``Integer``;
* strings ``"3"``, ``"-2/6"``, decimals ``"0.25"``, ``"-1.5e-3"`` (read exactly).

Floats, NaN, infinities, bools, ``Decimal`` and junk strings are refused with an
:class:`~exactmd.errors.ExactMDError` whose message shows how to write the number
exactly.  Never compare an ``fmpq`` with a ``Fraction`` or a float using ``==``: the
answer is silently ``False`` (python-flint 0.9); convert with ``Q`` first.

>>> Q("0.25"), Q("6/8"), Q(3)
(1/4, 3/4, 3)
>>> Q(0.1)
Traceback (most recent call last):
...
exactmd.errors.NotExactError: 0.1 is a float, which is not exact; write it as the string "1/10" (or "0.1"), e.g. Q("1/10")
>>> fmt(Q("-6/4")), latex(Q("-6/4"))
('-3/2', '-\\\\frac{3}{2}')
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any, Union

from flint import fmpq, fmpz

from .errors import InvalidNumberError, NotExactError

__all__ = ["Q", "Rational", "RationalLike", "fmt", "latex", "to_fraction", "is_rational_string"]

Rational = fmpq
RationalLike = Union[int, str, Fraction, fmpq, fmpz, Any]

_INT = re.compile(r"^[+-]?\d+$")
_FRAC = re.compile(r"^([+-]?\d+)\s*/\s*([+-]?\d+)$")
_DEC = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$")


def _float_hint(x: float) -> str:
    if math.isnan(x):
        return f"{x!r} is a float NaN, which is not a number; exact input must be a rational number"
    if math.isinf(x):
        return f"{x!r} is an infinite float; exact input must be a finite rational number"
    short = repr(x)
    meant = _parse_string(short)
    if meant is None:  # pragma: no cover - repr of a finite float always parses
        return f"{short} is a float, which is not exact; write it as a string \"p/q\""
    exact = f"{meant.p}/{meant.q}" if meant.q != 1 else f"{meant.p}"
    return (
        f"{short} is a float, which is not exact; write it as the string "
        f'"{exact}" (or "{short}"), e.g. Q("{exact}")'
    )


def _parse_string(s: str) -> fmpq | None:
    t = s.strip().replace("_", "")
    if not t:
        return None
    if _INT.match(t):
        return fmpq(int(t))
    m = _FRAC.match(t)
    if m:
        den = int(m.group(2))
        if den == 0:
            return None
        return fmpq(int(m.group(1)), den)
    m = _DEC.match(t)
    if m and (m.group(2) or m.group(3)):
        sign = -1 if m.group(1) == "-" else 1
        whole = m.group(2) or "0"
        frac = m.group(3) or ""
        exp = int(m.group(4) or 0) - len(frac)
        num = sign * int(whole + frac)
        if exp >= 0:
            return fmpq(num * 10**exp)
        return fmpq(num, 10 ** (-exp))
    return None


def Q(x: RationalLike, *, name: str | None = None) -> fmpq:
    """Return ``x`` as an exact ``fmpq``, or raise naming the value.

    Parameters
    ----------
    x:
        an int, a string (``"p/q"``, integer or decimal), a ``Fraction``, a sympy
        ``Rational``, an ``fmpz`` or an ``fmpq``.
    name:
        what the value is (``"prior[(1, 2)]"``), used in the error message.

    >>> Q("1/3") + Q(1)
    4/3
    >>> Q(True)
    Traceback (most recent call last):
    ...
    exactmd.errors.NotExactError: True is a bool, not a number; write 1
    >>> Q("one half")
    Traceback (most recent call last):
    ...
    exactmd.errors.InvalidNumberError: 'one half' is not a rational number; write an integer "3", a fraction "3/4" or a decimal "0.75"
    """
    where = f"{name}=" if name else ""
    if isinstance(x, fmpq):
        return x
    if isinstance(x, bool):
        raise NotExactError(f"{where}{x!r} is a bool, not a number; write {int(x)}")
    if isinstance(x, int):
        return fmpq(x)
    if isinstance(x, fmpz):
        return fmpq(x)
    if isinstance(x, Fraction):
        return fmpq(x.numerator, x.denominator)
    if isinstance(x, float):
        raise NotExactError(where + _float_hint(x))
    if isinstance(x, str):
        v = _parse_string(x)
        if v is None:
            raise InvalidNumberError(
                f"{where}{x!r} is not a rational number; write an integer \"3\", "
                f'a fraction "3/4" or a decimal "0.75"'
            )
        return v
    cls = type(x)
    mod = cls.__module__ or ""
    if mod.startswith("sympy"):
        if getattr(x, "is_Rational", False):
            return fmpq(int(x.p), int(x.q))
        if getattr(x, "is_Float", False):
            raise NotExactError(
                f"{where}{x} is a sympy Float, which is not exact; use sympy.Rational "
                f'or a string such as "{x}"'
            )
        raise InvalidNumberError(f"{where}{x} (sympy {cls.__name__}) is not a rational number")
    if cls.__name__ == "Decimal":
        raise NotExactError(
            f'{where}Decimal({str(x)!r}) is not accepted; pass the string "{x}" instead'
        )
    if mod.startswith("numpy"):
        raise NotExactError(
            f"{where}{x!r} is a numpy {cls.__name__}; convert it to int or to a string first"
        )
    raise NotExactError(
        f"{where}{x!r} of type {cls.__name__} is not an exact number; use int, "
        f'"p/q", a decimal string, Fraction or fmpq'
    )


def fmt(x: RationalLike) -> str:
    """The canonical string of an exact number: ``"p/q"``, or ``"p"`` for an integer."""
    q = Q(x)
    return f"{q.p}/{q.q}" if q.q != 1 else f"{q.p}"


def latex(x: RationalLike) -> str:
    """LaTeX for an exact number, ``\\frac{p}{q}`` with the sign outside."""
    q = Q(x)
    if q.q == 1:
        return f"{q.p}"
    sign = "-" if q.p < 0 else ""
    return f"{sign}\\frac{{{abs(int(q.p))}}}{{{q.q}}}"


def to_fraction(x: RationalLike) -> Fraction:
    """Convert to ``fractions.Fraction`` (exactly)."""
    q = Q(x)
    return Fraction(int(q.p), int(q.q))


def is_rational_string(s: str) -> bool:
    """Whether ``s`` is a string ``Q`` accepts."""
    return _parse_string(s) is not None
