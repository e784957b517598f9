"""Neeman–Pavlov (2007), §2: welfare, payoffs, and the hypotheses of the propositions.

S(θ) = max_a Σ_i v_i(a, θ) and the efficient alternatives (proof of Proposition 2), the
'Unique Maximizer' condition, private values and independent types (the hypotheses of
Propositions 2 and 3), a player's payoff u_i at an alternative (a finite menu's utility or
a quasi-linear valuation), weak Pareto gains (a switch every player would vote for, §4.1.1)
and the conditional weights p(θ_-i | θ_i) of §4.1.
"""

from __future__ import annotations

from typing import Any

from flint import fmpq

from exactmd.environment import Environment
from exactmd.errors import ModelError


# ---------------------------------------------------------------------------------
# the environment's efficient alternatives
def _require_quasilinear(env: Environment) -> None:
    if env.kind != "quasilinear":
        raise ModelError("renegotiation-proofness (Neeman–Pavlov §2) needs a quasi-linear environment: "
                         "build it with Environment.quasilinear")


def _welfare(env: Environment, a: Any, th: tuple) -> fmpq:
    return sum((env.valuation(i, a, th) for i in range(env.n)), fmpq(0))


def surplus(env: Environment, th: tuple) -> fmpq:
    """S(θ) = max_{a ∈ A} Σ_i v_i(a, θ) (proof of Proposition 2)."""
    return max(_welfare(env, a, th) for a in env.outcomes)


def efficient_alternatives(env: Environment, th: tuple) -> list[Any]:
    """argmax_{a ∈ A} Σ_i v_i(a, θ), in the order of A."""
    s = surplus(env, th)
    return [a for a in env.outcomes if _welfare(env, a, th) == s]


def _unique_maximizer(env: Environment) -> bool:
    return all(len(efficient_alternatives(env, th)) == 1 for th in env.profiles())


def _private_values(env: Environment) -> bool:
    for i in range(env.n):
        for a in env.outcomes:
            seen: dict[Any, fmpq] = {}
            for th in env.profiles():
                v = env.valuation(i, a, th)
                if seen.setdefault(th[i], v) != v:
                    return False
    return True


# ---------------------------------------------------------------------------------
# independent types (§4.1.2)
def _is_independent(env: Environment) -> bool:
    p = env.prior
    margs = [p.marginal(i) for i in range(env.n)]
    for th in env.profiles():
        prod = fmpq(1)
        for i, t in enumerate(th):
            prod *= margs[i][t]
        if p[th] != prod:
            return False
    return True


# ---------------------------------------------------------------------------------
# payoffs at an alternative, weak Pareto gains, conditional weights (§4.1)
def _u(env: Environment, i: int, x: Any, th: tuple) -> fmpq:
    return env.utility(i, x, th) if env.kind == "finite" else env.valuation(i, x, th)


def _weak_pareto_gain(env: Environment, x: Any, d: Any, th: tuple) -> bool:
    """Every player weakly prefers x to d at θ and one strictly (a switch all would vote for)."""
    ds = [_u(env, j, x, th) - _u(env, j, d, th) for j in range(env.n)]
    return all(v >= 0 for v in ds) and any(v > 0 for v in ds)


def _cond_others(env: Environment, i: int, ti: Any) -> list[tuple[tuple, fmpq]]:
    """(θ, p(θ_-i | θ_i)) over the profiles with θ_i = ti and positive probability, in
    the environment's profile order: :meth:`~exactmd.belief.Belief.conditional`, listed;
    empty when p_i(ti) = 0."""
    p = env.prior
    if p.marginal(i)[ti] == 0:
        return []
    c = p.conditional(i, ti)
    return [(th, c[th]) for th in env.profiles() if th[i] == ti and c.get(th, 0) != 0]
