"""exactmd's instances for Vartiainen (2014), §4 and §4.1: the commitment 2×2 environment
(``examples/commitment-2x2.toml`` as code), the two veto 2×2 environments of §4.1 (the
claim ``vartiainen2014/veto-ic``) and the three aligned types of Lemma 2 (§4)."""

from __future__ import annotations

from typing import Any

from ...environment import Environment

__all__ = ["example_environment", "veto_environments", "three_aligned_types"]


def example_environment() -> Environment:
    """``examples/commitment-2x2.toml``: two agents, each pushing its own project (docs/commitment.md)."""
    def u(i: int, x: str, th: tuple) -> int:
        own, other = ("a", "b") if i == 0 else ("b", "a")
        if x == own:
            return 2
        if x == other:
            return 1 if th[i] == "L" else -1
        return 0

    def v(x: str, th: tuple) -> int:
        if x == "none":
            return 1
        return 3 if th[0 if x == "a" else 1] == "H" else 0

    return Environment.finite([["L", "H"], ["L", "H"]], "uniform", ["none", "a", "b"], u, v, agents=["A", "B"], name="commitment 2x2")


def veto_environments() -> list[tuple[str, Any]]:
    # Two agents with private values, two types each, three outcomes, one of which
    # gives agent 1 a negative payoff (so that ex post IR has content).
    types = [["l", "h"], ["l", "h"]]

    def u(i: int, x: str, th: tuple) -> int:
        own = th[i]
        table = {"a": {"l": 1, "h": 2}, "b": {"l": 0, "h": 3}, "c": {"l": -1, "h": 1}}
        return table[x][own] if i == 0 else table[x]["h" if own == "l" else "l"]

    env1 = Environment.finite(types, "uniform", ["a", "b", "c"], u, name="veto-2x2")

    def u2(i: int, x: str, th: tuple) -> int:
        # non-negative utilities, a type-dependent ranking of two outcomes
        if x == "a":
            return 2 if th[i] == "h" else 1
        return 1 if th[i] == "h" else 2

    env2 = Environment.finite(types, "uniform", ["a", "b"], u2, name="veto-nonneg-2x2")
    return [("veto-2x2", env1), ("veto-nonneg-2x2", env2)]


def three_aligned_types() -> Environment:
    """One agent with three types; agent and planner agree on the outcome that matches the type."""
    u = {"l": {"lo": 2, "mid": 1, "hi": 0}, "m": {"lo": 1, "mid": 2, "hi": 0}, "h": {"lo": 0, "mid": 0, "hi": 2}}
    match = {"l": "lo", "m": "mid", "h": "hi"}
    return Environment.finite([["l", "m", "h"]], "uniform", ["lo", "mid", "hi"], lambda i, x, th: u[th[0]][x],
                              lambda x, th: 3 if match[th[0]] == x else 0, name="three aligned types")
