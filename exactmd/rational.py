"""Exact rational numbers: the one door through which every number enters exactmd.

``Q(x)`` turns an exact value into a python-flint ``fmpq``:

* ``int`` (but not ``bool``), ``fmpz``, ``fmpq``;
* ``fractions.Fraction`` and sympy ``Rational`` / ``Integer``;
* strings ``"3"``, ``"-2/6"``, decimals ``"0.25"``, ``"-1.5e-3"`` (read exactly).

Written numbers are bounded *before* any big-integer work (``MAX_DIGITS`` digits,
decimal exponents up to ``MAX_EXPONENT`` in absolute value), so ``"1e999999999"`` is
refused at once instead of building a billion-digit integer.  Within the bounds there is
no other limit: digits are converted by python-flint's ``fmpz``, which (unlike ``int``)
has no 4,300-digit string limit, and ``fmt`` prints any ``fmpq`` in full.

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

import contextlib
import math
import re
import sys
from collections.abc import Iterator
from fractions import Fraction
from typing import Any, Union

from flint import fmpq, fmpz

from .errors import InvalidNumberError, NotExactError

__all__ = ["Q", "Rational", "RationalLike", "fmt", "counted", "latex", "to_fraction", "is_rational_string",
           "MAX_DIGITS", "MAX_EXPONENT", "show_value", "int_digits"]

Rational = fmpq
RationalLike = Union[int, str, Fraction, fmpq, fmpz, Any]

#: at most this many digits in one written number (numerator and denominator, or the
#: digits of a decimal, together): 20 times the 4,921-digit optimum of the largest LP
#: we have seen, and still parsed in milliseconds.
MAX_DIGITS = 100_000
#: at most this |e| in a decimal exponent ``1.5e-3``: 30 times a double's range (±308),
#: so every number an LP or MPS file writes in scientific notation fits.
MAX_EXPONENT = 10_000

_INT = re.compile(r"^[+-]?[0-9]+$")
_FRAC = re.compile(r"^([+-]?[0-9]+)\s*/\s*([+-]?[0-9]+)$")
_DEC = re.compile(r"^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$")


def show_value(s: str, limit: int = 40) -> str:
    """``repr(s)``, shortened to about ``limit`` characters for an error message."""
    if len(s) <= limit:
        return repr(s)
    return f"{s[: limit // 2]!r}…{s[-10:]!r} ({len(s):,} characters)"


@contextlib.contextmanager
def int_digits(limit: int = MAX_DIGITS) -> Iterator[None]:
    """Within the block, ``int(str)`` and ``str(int)`` take up to ``limit`` digits (Python's
    default is 4,300); for readers that convert with ``int`` themselves (``tomllib``).  The
    limit is process-wide while the block runs, and restored after it."""
    get = getattr(sys, "get_int_max_str_digits", None)
    old = get() if get is not None else 0
    if old == 0 or old >= limit:  # already unlimited or high enough (or Python < 3.11)
        yield
        return
    sys.set_int_max_str_digits(limit)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


def _z(digits: str) -> fmpz:
    """An ASCII integer string (already matched) as ``fmpz``: no 4,300-digit limit."""
    return fmpz(digits[1:] if digits[:1] == "+" else digits)


def _bounded(s: str, t: str, ndigits: int, exp: str | None = None) -> None:
    if ndigits > MAX_DIGITS:
        raise InvalidNumberError(
            f"{show_value(s)} has {ndigits:,} digits; exactmd reads numbers of at most {MAX_DIGITS:,} digits"
        )
    if exp is not None:
        e = exp.lstrip("+-").lstrip("0")
        if len(e) > len(str(MAX_EXPONENT)) or int(e or "0") > MAX_EXPONENT:
            raise InvalidNumberError(
                f"{show_value(s)} has the decimal exponent {exp if len(exp) <= 20 else exp[:12] + '…'}; "
                f"exactmd reads decimal exponents of at most {MAX_EXPONENT:,} in absolute value"
            )


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
    """The number ``s`` writes, ``None`` if it writes none; raises if it is beyond the bounds."""
    t = s.strip().replace("_", "")
    if not t:
        return None
    if len(t) > 2 * MAX_DIGITS + 64:  # more digits than allowed, whatever the form
        _bounded(s, t, sum(map(str.isdigit, t)))
        return None  # pragma: no cover - so long a string has too many digits or is not a number
    if _INT.match(t):
        _bounded(s, t, len(t))
        return fmpq(_z(t))
    m = _FRAC.match(t)
    if m:
        _bounded(s, t, len(m.group(1)) + len(m.group(2)))
        den = _z(m.group(2))
        if den == 0:
            return None
        return fmpq(_z(m.group(1)), den)
    m = _DEC.match(t)
    if m and (m.group(2) or m.group(3)):
        whole = m.group(2) or "0"
        frac = m.group(3) or ""
        _bounded(s, t, len(whole) + len(frac), m.group(4))
        exp = int(m.group(4) or 0) - len(frac)
        num = _z(m.group(1) + whole + frac)
        if exp >= 0:
            return fmpq(num * fmpz(10) ** exp)
        return fmpq(num, fmpz(10) ** (-exp))
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
        try:
            v = _parse_string(x)
        except InvalidNumberError as e:
            raise InvalidNumberError(f"{where}{e}") from None
        if v is None:
            raise InvalidNumberError(
                f"{where}{show_value(x)} is not a rational number; write an integer \"3\", "
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


def counted(n: int, one: str, many: str | None = None) -> str:
    """A count written with its noun, singular for one: ``counted(1, "piece")`` is ``1 piece``,
    ``counted(3, "leaf", "leaves")`` is ``3 leaves``."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def latex(x: RationalLike) -> str:
    """LaTeX for an exact number, ``\\frac{p}{q}`` with the sign outside."""
    q = Q(x)
    if q.q == 1:
        return f"{q.p}"
    sign = "-" if q.p < 0 else ""
    return f"{sign}\\frac{{{abs(q.p)}}}{{{q.q}}}"


def to_fraction(x: RationalLike) -> Fraction:
    """Convert to ``fractions.Fraction`` (exactly)."""
    q = Q(x)
    return Fraction(int(q.p), int(q.q))


def is_rational_string(s: str) -> bool:
    """Whether ``s`` is a string ``Q`` accepts.

    A number beyond the bounds (``"1e999999999"``) is a number, but one exactmd refuses:
    this raises :class:`~exactmd.errors.InvalidNumberError` naming it, rather than
    letting a caller read it as a label.
    """
    return _parse_string(s) is not None
