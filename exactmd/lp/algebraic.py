"""Exact real algebraic numbers for the breakpoints of a parametric LP.

A :class:`Real` is either a rational number, or the unique root of an irreducible
integer polynomial f (degree ≥ 2, primitive, positive leading coefficient) in an open
*isolating interval* (a, b) with rational endpoints, f(a) ≠ 0 ≠ f(b).  Everything is
decided with exact polynomial arithmetic (python-flint ``fmpq_poly``/``fmpz_poly``):

* real roots are isolated by Sturm sequences — the number of distinct real roots of a
  squarefree p in (a, b] is V(a) − V(b), V the sign changes of the Sturm chain
  p, p', −rem(p, p'), … — and bisection;
* two roots of the same f are equal iff the intersection of their intervals holds a root
  of f; different numbers are ordered by refining their intervals until they are disjoint
  (an irrational root is never equal to a rational);
* the sign of a polynomial P at a root α of f is 0 iff f | P, else the sign of P on an
  interval around α refined until it holds no root of P.

A polynomial is written to JSON as its coefficient strings, constant term first.

>>> from flint import fmpq_poly
>>> r = real_roots(fmpq_poly([-2, 0, 1]), Real.of(0), Real.of(2))
>>> [str(x) for x in r]
['root of x^2 - 2 in (1, 2)']
>>> r[0] < Real.of("3/2"), sign_at(fmpq_poly([-2, 0, 1]), r[0])
(True, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flint import fmpq, fmpq_poly, fmpz_poly

from ..errors import CertificateError
from ..rational import Q, fmt

__all__ = ["Real", "real_roots", "sign_at", "sign_change_free", "poly_to_json", "poly_from_json", "poly_str", "between"]

MAX_DEGREE = 2000  # polynomials read from a file are refused above this degree
MAX_COEFF_CHARS = 20000  # and any coefficient longer than this


def _sgn(q: Any) -> int:
    return (q > 0) - (q < 0)


def sturm_chain(p: fmpq_poly) -> list[fmpq_poly]:
    """p, p', −rem(p₀, p₁), … (p squarefree, nonconstant)."""
    chain = [p, p.derivative()]
    while not chain[-1].is_zero() and chain[-1].degree() > 0:
        _, r = divmod(chain[-2], chain[-1])
        chain.append(-r)
    return [c for c in chain if not c.is_zero()]


def _changes(chain: list[fmpq_poly], x: fmpq) -> int:
    signs = [s for s in (_sgn(c(x)) for c in chain) if s != 0]
    return sum(1 for u, v in zip(signs, signs[1:]) if u != v)


def count_roots(chain: list[fmpq_poly], a: fmpq, b: fmpq) -> int:
    """Distinct real roots in (a, b] of the squarefree polynomial whose Sturm chain is given."""
    return _changes(chain, a) - _changes(chain, b)


def _primitive(f: fmpq_poly) -> fmpz_poly:
    """The primitive integer polynomial with positive leading coefficient proportional to f."""
    z = fmpz_poly([int(c) for c in (f * f.denom()).numer().coeffs()]) if f.denom() != 1 else fmpz_poly([int(c) for c in f.numer().coeffs()])
    c = z.content()
    if z.leading_coefficient() < 0:
        c = -c
    return fmpz_poly([int(x) // int(c) for x in z.coeffs()])


class Real:
    """An exact real number: rational, or a root of an irreducible polynomial in an isolating interval."""

    __slots__ = ("q", "f", "a", "b", "_chain", "_shown")

    def __init__(self, q: fmpq | None = None, f: fmpz_poly | None = None, a: fmpq | None = None, b: fmpq | None = None) -> None:
        self.q, self.f, self.a, self.b = q, f, a, b
        self._chain: list[fmpq_poly] | None = None
        self._shown = (a, b)  # the interval it was found in, printed (refining does not change it)

    @staticmethod
    def of(x: Any) -> "Real":
        return x if isinstance(x, Real) else Real(q=Q(x))

    @property
    def is_rational(self) -> bool:
        return self.q is not None

    def chain(self) -> list[fmpq_poly]:
        if self._chain is None:
            assert self.f is not None
            self._chain = sturm_chain(fmpq_poly(self.f.coeffs()))
        return self._chain

    def bounds(self) -> tuple[fmpq, fmpq]:
        """Rational a ≤ x ≤ b (a = b = x when rational)."""
        if self.q is not None:
            return self.q, self.q
        assert self.a is not None and self.b is not None
        return self.a, self.b

    def refine(self) -> None:
        """Halve the isolating interval (no-op for a rational)."""
        if self.q is not None:
            return
        assert self.a is not None and self.b is not None and self.f is not None
        m = (self.a + self.b) / 2
        fm = fmpq_poly(self.f.coeffs())(m)
        if fm == 0:  # cannot happen for an irreducible f of degree ≥ 2
            raise ArithmeticError("a rational root of an irreducible polynomial")
        if count_roots(self.chain(), self.a, m) == 1:
            self.b = m
        else:
            self.a = m

    def _cmp(self, other: "Real") -> int:
        if self.q is not None and other.q is not None:
            return _sgn(self.q - other.q)
        if self.q is None and other.q is None and self.f == other.f:
            assert self.a is not None and self.b is not None and other.a is not None and other.b is not None
            lo, hi = max(self.a, other.a), min(self.b, other.b)
            if lo < hi and count_roots(self.chain(), lo, hi) == 1:
                return 0
        while True:  # distinct numbers: refine until the intervals are disjoint
            a1, b1 = self.bounds()
            a2, b2 = other.bounds()
            # an irrational number lies strictly inside its interval, so b1 ≤ a2 decides it
            if b1 <= a2:
                return -1
            if b2 <= a1:
                return 1
            self.refine()
            other.refine()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Real) and self._cmp(other) == 0

    def __lt__(self, other: "Real") -> bool:
        return self._cmp(other) < 0

    def __le__(self, other: "Real") -> bool:
        return self._cmp(other) <= 0

    def __gt__(self, other: "Real") -> bool:
        return self._cmp(other) > 0

    def __ge__(self, other: "Real") -> bool:
        return self._cmp(other) >= 0

    __hash__ = None  # type: ignore[assignment]

    def decimal(self, digits: int = 6) -> str:
        """A decimal approximation (display only: printed from an interval narrower than 10^-digits)."""
        scale = 10 ** digits
        while True:
            a, b = self.bounds()
            if (b - a) * scale < 1 or self.q is not None:
                m = (a + b) / 2
                n = int((m.p * scale * 2 + m.q) // (2 * m.q))  # round half up
                s = "-" if n < 0 else ""
                n = abs(n)
                return f"{s}{n // scale}.{n % scale:0{digits}d}"
            self.refine()

    def __str__(self) -> str:
        if self.q is not None:
            return fmt(self.q)
        assert self.f is not None and self.a is not None and self.b is not None
        a, b = self._shown
        assert a is not None and b is not None
        return f"root of {poly_str(fmpq_poly(self.f.coeffs()), 'x')} in ({fmt(a)}, {fmt(b)})"

    def __repr__(self) -> str:
        return f"Real({self})"

    def to_json(self) -> dict[str, Any]:
        if self.q is not None:
            return {"rational": fmt(self.q)}
        assert self.f is not None and self.a is not None and self.b is not None
        return {"root": [str(int(c)) for c in self.f.coeffs()], "interval": [fmt(self.a), fmt(self.b)]}

    @staticmethod
    def from_json(d: Any, where: str) -> "Real":
        """Read a number written by :meth:`to_json`, checking every claim about it."""
        if not isinstance(d, dict):
            raise CertificateError(f"{where}: {d!r:.60} must be {{'rational': ...}} or {{'root': ..., 'interval': ...}}")
        if set(d) == {"rational"}:
            return Real(q=_q(d["rational"], where))
        if set(d) != {"root", "interval"}:
            raise CertificateError(f"{where}: keys {sorted(d)} must be ['rational'] or ['interval', 'root']")
        f = poly_from_json(d["root"], f"{where}.root")
        iv = d["interval"]
        if not isinstance(iv, list) or len(iv) != 2:
            raise CertificateError(f"{where}.interval must be [a, b]")
        a, b = _q(iv[0], f"{where}.interval"), _q(iv[1], f"{where}.interval")
        z = _primitive(f) if f.degree() > 0 else None
        if z is None or z.degree() < 2 or list(z.coeffs()) != [int(c) for c in f.coeffs()]:
            raise CertificateError(f"{where}.root must be a primitive integer polynomial of degree ≥ 2 with positive leading coefficient")
        fac = z.factor()[1]
        if len(fac) != 1 or fac[0][1] != 1:
            raise CertificateError(f"{where}.root {poly_str(f, 'x')} is not irreducible")
        x = Real(f=z, a=a, b=b)
        if not a < b or f(a) == 0 or f(b) == 0 or count_roots(x.chain(), a, b) != 1:
            raise CertificateError(f"{where}.interval ({fmt(a)}, {fmt(b)}) does not isolate one root of {poly_str(f, 'x')}")
        return x


def _q(x: Any, where: str) -> fmpq:
    if not isinstance(x, str) or len(x) > MAX_COEFF_CHARS:
        raise CertificateError(f"{where}: {x!r:.40} must be a string \"p/q\"")
    try:
        q = Q(x)
    except Exception:
        raise CertificateError(f"{where}: {x!r:.40} is not a rational number \"p/q\"") from None
    if fmt(q) != x:
        raise CertificateError(f"{where}: {x!r:.40} is not written as exactmd writes it ({fmt(q)})")
    return q


def poly_to_json(p: fmpq_poly) -> list[str]:
    return [fmt(fmpq(c)) for c in p.coeffs()]


def poly_from_json(d: Any, where: str) -> fmpq_poly:
    if not isinstance(d, list) or len(d) > MAX_DEGREE + 1:
        raise CertificateError(f"{where} must be a list of at most {MAX_DEGREE + 1} coefficients")
    cs = [_q(c, where) for c in d]
    if cs and cs[-1] == 0:
        raise CertificateError(f"{where} has a zero leading coefficient (not as exactmd writes it)")
    return fmpq_poly(cs)


def poly_str(p: fmpq_poly, var: str = "λ") -> str:
    """``3/2 λ^2 - λ + 1/4`` (highest degree first)."""
    cs = [fmpq(c) for c in p.coeffs()]
    if not cs:
        return "0"
    out: list[str] = []
    for k in range(len(cs) - 1, -1, -1):
        c = cs[k]
        if c == 0:
            continue
        mono = "" if k == 0 else (var if k == 1 else f"{var}^{k}")
        a = -c if c < 0 else c
        num = fmt(a) if (a != 1 or not mono) else ""
        term = f"{num} {mono}".strip() if num and mono else (num or mono)
        if not out:
            out.append(("-" if c < 0 else "") + term)
        else:
            out.append(("- " if c < 0 else "+ ") + term)
    return " ".join(out)


def _irreducible_factors(p: fmpq_poly) -> list[fmpz_poly]:
    if p.degree() < 1:
        return []
    return [_primitive(fmpq_poly(g.coeffs())) for g, _ in _primitive(p).factor()[1]]


def real_roots(p: fmpq_poly, lo: Real, hi: Real) -> list[Real]:
    """The distinct real roots of p (not identically 0) in the closed interval [lo, hi], increasing."""
    out: list[Real] = []
    a0, _ = lo.bounds()
    _, b0 = hi.bounds()
    a0 -= 1
    b0 += 1
    for f in _irreducible_factors(p):
        if f.degree() == 1:
            c = f.coeffs()
            r = Real(q=fmpq(-int(c[0]), int(c[1])))
            if lo <= r <= hi:
                out.append(r)
            continue
        chain = sturm_chain(fmpq_poly(f.coeffs()))
        fq = fmpq_poly(f.coeffs())
        stack = [(a0, b0)]
        while stack:
            a, b = stack.pop()
            n = count_roots(chain, a, b)
            if n == 0:
                continue
            if n == 1 and fq(b) != 0:
                r = Real(f=f, a=a, b=b)
                r._chain = chain
                if lo <= r <= hi:
                    r._shown = (r.a, r.b)
                    out.append(r)
                continue
            m = (a + b) / 2
            stack += [(a, m), (m, b)]
    out.sort(key=_Key)
    return out


class _Key:
    __slots__ = ("x",)

    def __init__(self, x: Real) -> None:
        self.x = x

    def __lt__(self, other: "_Key") -> bool:
        return self.x < other.x


def sign_at(p: fmpq_poly, x: Real) -> int:
    """The sign (−1, 0, 1) of the polynomial p at x, exactly."""
    if x.q is not None:
        return _sgn(p(x.q))
    if p.is_zero():
        return 0
    assert x.f is not None
    if (p % fmpq_poly(x.f.coeffs())).is_zero():
        return 0
    g = p.gcd(p.derivative()) if p.degree() > 0 else fmpq_poly([1])
    sq = p if g.degree() < 1 else divmod(p, g)[0]
    chain = sturm_chain(sq) if sq.degree() > 0 else None
    while True:
        a, b = x.bounds()
        if chain is None or (sq(a) != 0 and count_roots(chain, a, b) == 0):
            return _sgn(p(a)) if p(a) != 0 else _sgn(p(b))
        x.refine()


def between(x: Real, y: Real) -> fmpq:
    """A rational number strictly between x < y (the simplest binary fraction found)."""
    while True:
        _, b = x.bounds()
        a, _ = y.bounds()
        if b < a:
            return _simple_between(b, a)
        x.refine()
        y.refine()


def _simple_between(a: fmpq, b: fmpq) -> fmpq:
    """A rational in the open interval (a, b) with a small denominator (a < b)."""
    d = 1
    while True:
        n = (a * d).floor() + 1
        if fmpq(n, d) < b:
            return fmpq(n, d)
        d *= 2


def sign_change_free(p: fmpq_poly, lo: Real, hi: Real) -> bool:
    """True iff p has no root of odd multiplicity in the open interval (lo, hi) — i.e. p keeps
    one weak sign there."""
    if p.degree() < 1:
        return True
    odd = fmpq_poly([1])
    for g, e in _primitive(p).factor_squarefree()[1]:
        if e % 2 == 1:
            odd *= fmpq_poly(g.coeffs())
    if odd.degree() < 1:
        return True
    return not any(lo < r < hi for r in real_roots(odd, lo, hi))


def poly_seq(xs: Sequence[Any]) -> fmpq_poly:
    return fmpq_poly([Q(x) for x in xs])
