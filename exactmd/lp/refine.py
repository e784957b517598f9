"""Iterative refinement with rational reconstruction: M z = b solved exactly from a
float solve of M (as exact LP solvers such as SoPlex and QSopt_ex do).

Each round solves M δ = r in floating point with the caller's factorisation of M, adds
the dyadic correction exactly, replaces every component by the simplest rational within
the current error bound (:func:`simplest_between`) and accepts the candidate only if
M z = b holds *exactly*.  Used by :mod:`exactmd.lp.hint` (HiGHS's basis) and
:mod:`exactmd.lp.warm` (exact pivots on that basis).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flint import fmpq

__all__ = ["refine", "simplest_between", "MAX_ROUNDS", "STALL"]

MAX_ROUNDS = 200  # refinement rounds at most (~50 bits each); stops earlier when a round stalls
STALL = fmpq(2) ** 4


def _f(q: fmpq) -> float:  # float-ok: a hint for HiGHS, never a decision
    return int(q.p) / int(q.q) if q.q != 1 else float(int(q.p))  # float-ok: correctly rounded, for HiGHS only


def _dyadic(x: float) -> fmpq:  # float-ok: a float correction turned into its exact value
    n, d = x.as_integer_ratio()
    return fmpq(n, d)


def simplest_between(lo: fmpq, hi: fmpq) -> fmpq:
    """The rational with the smallest denominator in the closed interval [lo, hi]
    (continued fractions; for lo ≤ 0 ≤ hi it is 0)."""
    if lo > hi:
        lo, hi = hi, lo
    if lo <= 0 <= hi:
        return fmpq(0)
    if hi < 0:
        return -simplest_between(-hi, -lo)
    # 0 < lo ≤ hi: collect partial quotients, lo = a_n/a_d, hi = b_n/b_d
    a_n, a_d, b_n, b_d = int(lo.p), int(lo.q), int(hi.p), int(hi.q)
    quotients: list[int] = []
    while True:
        fl = a_n // a_d
        if fl * a_d == a_n or (fl + 1) * b_d <= b_n:
            quotients.append(fl if fl * a_d == a_n else fl + 1)  # an integer in [lo, hi]
            break
        # lo, hi in (fl, fl + 1): x = fl + 1/x' with x' in [1/(hi − fl), 1/(lo − fl)]
        quotients.append(fl)
        a_n, a_d, b_n, b_d = b_d, b_n - fl * b_d, a_d, a_n - fl * a_d
    num, den = quotients[-1], 1
    for a in reversed(quotients[:-1]):
        num, den = a * num + den, num
    return fmpq(num, den)


def _reconstruct(z: list[fmpq], err: fmpq) -> list[fmpq]:
    return [zi if zi.q == 1 else simplest_between(zi - err, zi + err) for zi in z]


def refine(
    matvec: Callable[[list[fmpq]], list[fmpq]],
    fsolve: Callable[[list[float]], Any],  # float-ok: HiGHS's solve with its factorisation
    b: list[fmpq],
) -> list[fmpq] | None:
    """Solve M z = b exactly, M given by its exact product and its float solve."""
    m = len(b)
    z = [fmpq(0)] * m
    r = list(b)
    prev: fmpq | None = None
    for _ in range(MAX_ROUNDS):
        if all(ri == 0 for ri in r):
            return z
        big = max(abs(ri) for ri in r)
        e = int(big.p).bit_length() - int(big.q).bit_length()  # 2^(e−1) < |r|max·2 roughly
        scale = fmpq(2) ** e if e >= 0 else fmpq(1, 2 ** (-e))
        delta = fsolve([_f(ri / scale) for ri in r])
        corr = [_dyadic(float(d)) * scale for d in delta]  # float-ok: exact dyadic value of HiGHS's correction
        z = [zi + ci for zi, ci in zip(z, corr)]
        size = max((abs(c) for c in corr), default=fmpq(0))
        if size == 0:
            return None
        if prev is not None and size * STALL > prev:  # under 4 bits gained in a round: give up
            return None
        prev = size
        cand = _reconstruct(z, size)
        rc = [bi - mi for bi, mi in zip(b, matvec(cand))]
        if all(x == 0 for x in rc):
            return cand
        r = [bi - mi for bi, mi in zip(b, matvec(z))]
    return None
