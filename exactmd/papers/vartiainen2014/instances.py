"""exactmd's instances for Vartiainen (2014), §4: the commitment 2×2 environment
(``examples/commitment-2x2.toml`` as code)."""

from __future__ import annotations

from ...environment import Environment

__all__ = ["example_environment"]


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
