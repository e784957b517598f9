"""Neeman–Pavlov (2007): the paper's examples as environments.

Examples 1 and 2 (§3, complete information: a buyer and a seller, no trade or trade at any
price) and Example 5 (§4.1.1) with its prices restricted to a finite menu in [2, 5]; and
the instances the claims are decided on: bilateral trade with transfers on two-point values
(:func:`trade_environment`, §3 and §4.1.2), on a finite price menu
(:func:`priced_trade_environment`, Examples 3 and 4 of §4.1), and three players
(:func:`three_players`, §3.1, Proposition 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.rational import Q, fmt


def example_1() -> Environment:
    """Example 1 (continued): buyer values 1 or 5, seller's value 2; alternatives no trade
    (0) and trade (1), any price (transfers)."""
    return Environment.quasilinear(
        [[1, 5], [2]], "uniform", [0, 1],
        lambda i, a, th: a * th[0] if i == 0 else -a * th[1],
        agents=["buyer", "seller"], name="Neeman-Pavlov Example 1",
    )


def example_5_environment(prices: Sequence[Any]) -> Environment:
    """Example 5 with the prices restricted to a finite menu in [2, 5]: buyer values 1 or 5,
    seller costs 2 or 6, equally likely and independent; alternatives "no trade" and
    "trade at p" (the buyer pays p to the seller), p in ``prices``."""
    ps = [Q(p, name="price") for p in prices]
    if any(not (2 <= p <= 5) for p in ps):
        raise ModelError(f"Example 5's prices lie in [2, 5]; got {[fmt(p) for p in ps]}")
    X = ["no trade"] + [f"trade at {fmt(p)}" for p in ps]
    pr = dict(zip(X[1:], ps))

    def u(i: int, x: str, th: tuple) -> Any:
        if x == "no trade":
            return 0
        return th[0] - pr[x] if i == 0 else pr[x] - th[1]

    return Environment.finite([[1, 5], [2, 6]], "uniform", X, u, agents=["buyer", "seller"],
                              name=f"Example 5, prices {', '.join(fmt(p) for p in ps)}")


def example_2() -> Environment:
    """Example 2: buyer values 1 or 5, seller values 2 or 6; no trade or trade at any price."""
    return Environment.quasilinear(
        [[1, 5], [2, 6]], "uniform", [0, 1],
        lambda i, a, th: a * th[0] if i == 0 else -a * th[1],
        agents=["buyer", "seller"], name="Neeman-Pavlov Example 2",
    )


def trade_environment(b: tuple[Any, ...], s: tuple[Any, ...], name: str) -> Environment:
    """Bilateral trade with transfers (§3, §4.1.2): buyer values ``b``, seller values ``s``,
    uniform prior; alternatives no trade (0) and trade (1), any price."""
    return Environment.quasilinear([list(b), list(s)], "uniform", [0, 1],
                                   lambda i, a, th: a * th[0] if i == 0 else -a * th[1], agents=["buyer", "seller"], name=name)


def priced_trade_environment(b: tuple[Any, ...], s: tuple[Any, ...], prices: tuple[Any, ...], name: str) -> Environment:
    """Bilateral trade on a finite menu (§4.1, Examples 3 and 4): buyer values ``b``, seller
    values ``s``, uniform prior; alternatives "no trade" and "trade at p", p in ``prices``."""
    X = ["no trade"] + [f"trade at {fmt(Q(p))}" for p in prices]
    pr = {x: Q(p) for x, p in zip(X[1:], prices)}

    def u(i: int, x: str, th: tuple) -> Any:
        if x == "no trade":
            return 0
        return th[0] - pr[x] if i == 0 else pr[x] - th[1]

    return Environment.finite([list(b), list(s)], "uniform", X, u, agents=["buyer", "seller"], name=name)


def three_players() -> Environment:
    """Three players with complete information (§3.1, Proposition 1 and its Corollary),
    alternatives x and y: player 1 values x at 5 and y at −5, player 2 x at −10 and y at
    10, player 3 neither; player 1's two types change no value.  y is efficient, and the
    punishment alternative a₀ = x is costly to player 2."""
    V = {(0, "x"): (5, 5), (0, "y"): (-5, -5), (1, "x"): (-10, -10), (1, "y"): (10, 10), (2, "x"): (0, 0), (2, "y"): (0, 0)}
    return Environment.quasilinear([[0, 1], [0], [0]], "uniform", ["x", "y"], lambda i, a, th: V[(i, a)][int(th[0])],
                                   agents=["1", "2", "3"], name="three players, a0 = x costly to player 2")
