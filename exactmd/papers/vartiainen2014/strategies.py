"""Hypothesis strategies for Vartiainen (2014): random bilateral-trade environments of
§5 (the grid {0, 1/K, …, 1} with full-support priors) and random finite environments
of §3–4 (the commitment problem, planner values v ≥ 0).

This module imports hypothesis (the ``test`` extra); the claims modules import it
inside their strategy functions only.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import strategies as st

from ...environment import Environment
from ...strategies import _check_int, distributions
from .bargaining import bilateral_trade, is_regular

__all__ = ["bilateral_trade_environments", "commitment_environments"]


def bilateral_trade_environments(*, max_K: int = 4, regular: bool | None = None) -> st.SearchStrategy[Environment]:
    """Vartiainen §5 environments on {0, 1/K, …, 1} with random full-support priors."""
    _check_int("max_K", max_K, 1, 16)
    envs = st.integers(1, max_K).flatmap(
        lambda K: st.tuples(distributions(K + 1, full_support=True), distributions(K + 1, full_support=True)).map(
            lambda ps: bilateral_trade(K, ps[0], ps[1])
        )
    )
    if regular is None:
        return envs
    return envs.filter(lambda e: is_regular(e) == regular)


@st.composite
def _commitment_env(draw: Any, n_agents: int, n_types: int, max_outcomes: int) -> Environment:
    types = [[f"t{j}" for j in range(n_types)] for _ in range(n_agents)]
    k = draw(st.integers(2, max_outcomes))
    outcomes = [f"x{j}" for j in range(k)]
    profiles = list(itertools.product(*types))
    u = {(i, x, th): draw(st.integers(-3, 3)) for i in range(n_agents) for x in outcomes for th in profiles}
    v = {(x, th): draw(st.integers(0, 3)) for x in outcomes for th in profiles}
    return Environment.finite(types, "uniform", outcomes, u, v, name="commitment")


def commitment_environments(*, n_agents: int = 2, n_types: int = 2, max_outcomes: int = 3) -> st.SearchStrategy[Environment]:
    """Finite environments for Vartiainen §3–4: every agent has ``n_types`` types, 2 to
    ``max_outcomes`` outcomes, utilities u_i(x, θ) in [-3, 3] and planner values v(x, θ) in
    [0, 3] (the paper's v ≥ 0), all integers; the prior is uniform (beliefs are drawn
    separately, e.g. with :func:`grid_beliefs`)."""
    _check_int("n_agents", n_agents, 1, 3)
    _check_int("n_types", n_types, 1, 3)
    _check_int("max_outcomes", max_outcomes, 2, 5)
    return _commitment_env(n_agents, n_types, max_outcomes)
