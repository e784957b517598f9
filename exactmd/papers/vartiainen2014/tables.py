"""Vartiainen (2014) §5: the exact table of the bilateral-trade grid (``exactmd table bargaining``).

``bargaining_rows(Ks, prior)`` computes, for each grid size K, the quantities of §5 —
first best, whether it is attainable, the second best and Proposition 2's best
γ-threshold allocation — for both agents with the same named prior, or
``"buyer:seller"`` for two different ones.  CSV columns, in this order:
``K,prior,regular,first_best,first_best_attainable,second_best,best_threshold,gamma,prop2``
— values exact, as ``p/q``; :data:`BARGAINING_SPEC` gives them the headers of a paper's
table (``$K$``, "first best", ``$\\gamma$``, "Prop. 2", ...) and :data:`BARGAINING_CAPTION`
the LaTeX caption.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from exactmd.errors import ModelError
from exactmd.table import Column

from .bargaining import bilateral_trade, first_best, first_best_attainable, proposition_2

__all__ = ["BARGAINING_CAPTION", "BARGAINING_COLUMNS", "BARGAINING_SPEC", "MAX_K", "MAX_K_VALUES", "PRIORS", "bargaining_rows", "parse_prior", "parse_range"]

BARGAINING_COLUMNS = [
    "K", "prior", "regular", "first_best", "first_best_attainable", "second_best", "best_threshold", "gamma", "prop2",
]

#: the columns with their headers (text; LaTeX)
BARGAINING_SPEC = (
    Column("K", latex="$K$"), Column("prior"), Column("regular"), Column("first_best", "first best"),
    Column("first_best_attainable", "first best attained"), Column("second_best", "second best"),
    Column("best_threshold", "best threshold", r"best $a^{\gamma}$"), Column("gamma", "γ", r"$\gamma$"),
    Column("prop2", "Prop. 2"),
)

#: the caption of the LaTeX table
BARGAINING_CAPTION = ("Bilateral trade on the grid of K + 1 equally spaced values in [0, 1] (Vartiainen 2014, Section 5): the first best, the "
                      "second best (IC, interim IR, budget balance) and the best threshold allocation of Proposition 2")

#: The largest grid size K of a bargaining table or picture: the K = 128 second-best LP
#: (33,282 variables) takes about 45 s and 1.5 GiB (benchmarks/README.md).
MAX_K = 128
#: At most this many grid sizes in one table.
MAX_K_VALUES = 128


def parse_range(spec: str) -> list[int]:
    """``"1..8"``, ``"2,4,6"`` or ``"3"`` → list of integers in 1..``MAX_K``.

    Checked before anything is built: every K in 1..MAX_K (128), at most MAX_K_VALUES
    (128) values.

    >>> parse_range("1..3,8")
    [1, 2, 3, 8]
    """
    out: list[int] = []
    text = str(spec)
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        bounds = part.split("..") if ".." in part else [part]
        if len(bounds) > 2 or not all(re.fullmatch(r"[+-]?\d{1,30}", b.strip()) for b in bounds):
            raise ModelError(f"K={spec!r} must look like 1..8 or 2,4,6 (whole numbers)")
        vals = [int(b) for b in bounds]
        for k in vals:
            if not 1 <= k <= MAX_K:
                raise ModelError(f"K={spec!r}: grid size {k} is outside 1..{MAX_K}")
        lo, hi = vals[0], vals[-1]
        if hi < lo:
            raise ModelError(f"K={spec!r}: the range {part!r} is empty")
        if len(out) + hi - lo + 1 > MAX_K_VALUES:
            raise ModelError(f"K={spec!r} names more than {MAX_K_VALUES} grid sizes")
        out += range(lo, hi + 1)
    if not out:
        raise ModelError(f"K={spec!r} must name positive integers")
    return out


PRIORS = ("uniform", "increasing", "decreasing")


def parse_prior(prior: str) -> tuple[str, str]:
    """``"uniform"`` or ``"BUYER:SELLER"`` → (buyer prior, seller prior), each a named prior.

    >>> parse_prior("increasing:uniform")
    ('increasing', 'uniform')
    """
    p1, sep, p2 = str(prior).partition(":")
    p2 = p2 if sep else p1
    for p in (p1, p2):
        if p not in PRIORS:
            raise ModelError(f"prior {p!r} (in --prior {prior!r}) must be one of {', '.join(PRIORS)}, or BUYER:SELLER")
    return p1, p2


def bargaining_rows(Ks: Iterable[int], prior: str = "uniform", *, log: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    p1, p2 = parse_prior(prior)
    rows = []
    for K in Ks:
        if log:
            log(f"K = {K} ...")
        env = bilateral_trade(K, p1, p2)
        r = proposition_2(env)
        rows.append({
            "K": K,
            "prior": prior,
            "regular": r.regular,
            "first_best": first_best(env),
            "first_best_attainable": first_best_attainable(env).feasible,
            "second_best": r.second_best.value,
            "best_threshold": r.best.value if r.best else None,
            "gamma": r.best.gamma if r.best else None,
            "prop2": ("confirmed" if r.confirmed else "refuted") if r.regular else "not-applicable",
        })
    return rows
