"""Neeman–Pavlov (2007), §3.1: Proposition 1 (n ≥ 3), the punishment mechanism of its proof.

If players 1 and 2 report the same state θ the outcome is (a(θ), t(θ)), otherwise
(a₀, −M, −M, 2M, 0, …, 0) (:func:`punishment_mechanism`); the proof's bound on M
(:func:`paper_M_bound`), the least M at which the mechanism is ex post renegotiation-proof,
exactly (:func:`required_M`), and the mechanism checked at both (:func:`proposition_1`); a
sufficient bound in closed form, for a given a₀ (:func:`sufficient_M`, equal to the least M)
and for every a₀ at once (:func:`uniform_sufficient_M`) — derived in
``derivations/punishment-bound.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.rational import Q

from .complete_information import DirectMechanism, RPViolation, _reports, check_rp, rp_slacks
from .welfare import efficient_alternatives


# ---------------------------------------------------------------------------------
# Proposition 1 (n ≥ 3): the punishment mechanism
def punishment_mechanism(env: Environment, decision: Mapping[tuple, Any], transfers: Mapping[tuple, Sequence[Any]],
                         M: Any, a0: Any = None) -> DirectMechanism:
    """The mechanism of the proof of Proposition 1: if players 1 and 2 report the same
    state θ the outcome is (a(θ), t(θ)); otherwise (a₀, −M, −M, 2M, 0, …, 0)."""
    if env.n < 3:
        raise ModelError(f"the punishment mechanism needs n ≥ 3 players, not {env.n}")
    M = Q(M, name="M")
    a0 = env.outcomes[0] if a0 is None else a0
    states = env.profiles()
    table = {}
    for r in _reports(env):
        rep = tuple(states[k] for k in r)
        if r[0] == r[1]:
            th = states[r[0]]
            table[rep] = ({decision[th]: fmpq(1)}, tuple(Q(x) for x in transfers[th]))
        else:
            table[rep] = ({a0: fmpq(1)}, (-M, -M, 2 * M) + (fmpq(0),) * (env.n - 3))
    return DirectMechanism(env, table)


def paper_M_bound(env: Environment, transfers: Mapping[tuple, Sequence[Any]]) -> fmpq:
    """max_{i, a, θ} |v_i(a, θ) + t_i(θ)|: the proof of Proposition 1 takes any M above it."""
    return max(abs(env.valuation(i, a, th) + Q(transfers[th][i]))
               for i in range(env.n) for a in env.outcomes for th in env.profiles())


def _welfare(env: Environment, a: Any, th: tuple) -> fmpq:
    return sum((env.valuation(j, a, th) for j in range(env.n)), fmpq(0))


def sufficient_M(env: Environment, decision: Mapping[tuple, Any], transfers: Mapping[tuple, Sequence[Any]], a0: Any = None) -> fmpq:
    """B(a₀) = max(0, max_{θ, i ∈ {1, 2}} [S(θ) − W(a₀, θ) + v_i(a₀, θ) − v_i(a(θ), θ) − t_i(θ)])
    (0 with a single state: no report can differ): the punishment mechanism with this a₀
    is ex post RP for every M ≥ B(a₀) (derivations/punishment-bound.md), and for no
    smaller M when B(a₀) > 0."""
    a0 = env.outcomes[0] if a0 is None else a0
    states = env.profiles()
    if len(states) < 2:
        return fmpq(0)
    need = fmpq(0)
    for th in states:
        loss = max(_welfare(env, a, th) for a in env.outcomes) - _welfare(env, a0, th)
        for i in (0, 1):
            need = max(need, loss + env.valuation(i, a0, th) - env.valuation(i, decision[th], th) - Q(transfers[th][i]))
    return need


def uniform_sufficient_M(env: Environment, decision: Mapping[tuple, Any], transfers: Mapping[tuple, Sequence[Any]]) -> fmpq:
    """B* = max(0, max_θ [S(θ) − min_a W(a, θ)] + max_{θ, i ∈ {1, 2}} [max_a v_i(a, θ) −
    v_i(a(θ), θ) − t_i(θ)]) ≥ B(a₀) for every a₀: enough whichever a₀ the punishment uses."""
    states = env.profiles()
    if len(states) < 2:
        return fmpq(0)
    spread = max(max(_welfare(env, a, th) for a in env.outcomes) - min(_welfare(env, a, th) for a in env.outcomes) for th in states)
    gain = max(max(env.valuation(i, a, th) for a in env.outcomes) - env.valuation(i, decision[th], th) - Q(transfers[th][i])
               for th in states for i in (0, 1))
    return max(fmpq(0), spread + gain)


def required_M(env: Environment, decision: Mapping[tuple, Any], transfers: Mapping[tuple, Sequence[Any]], a0: Any = None) -> fmpq:
    """The least M ≥ 0 at which the punishment mechanism is ex post RP.  Every row's
    slack is affine in M (slack(M) = slack(0) + M·(slack(1) − slack(0))), so this is
    exact: the largest M that some row needs."""
    s0 = rp_slacks(punishment_mechanism(env, decision, transfers, 0, a0))
    s1 = rp_slacks(punishment_mechanism(env, decision, transfers, 1, a0))
    need = fmpq(0)
    for row, a in s0.items():
        d = s1[row] - a
        if a < 0:
            if d <= 0:
                raise ModelError(f"row {row} fails at M = 0 and no larger M helps")
            need = max(need, -a / d)
    return need


@dataclass(frozen=True)
class Prop1Report:
    """Proposition 1 on one instance: the paper's M bound, the least M that works, and the
    check of the mechanism at both."""

    paper_bound: fmpq
    least_M: fmpq
    at_paper: tuple[RPViolation, ...]  # violations at M = paper bound + 1
    at_least: tuple[RPViolation, ...]  # violations at the least M (empty: RP, IC, BB)


def proposition_1(env: Environment, decision: Mapping[tuple, Any] | None = None,
                  transfers: Mapping[tuple, Sequence[Any]] | None = None, a0: Any = None) -> Prop1Report:
    """Build the punishment mechanism for an ex post efficient ``decision`` (default: the
    first efficient alternative) and budget-balanced ``transfers`` (default 0) and check
    it at M = (paper's bound) + 1 and at the least M that works."""
    if env.n < 3:
        raise ModelError(f"Proposition 1 needs n ≥ 3 players, not {env.n}")
    states = env.profiles()
    decision = decision or {th: efficient_alternatives(env, th)[0] for th in states}
    transfers = transfers or {th: (0,) * env.n for th in states}
    for th in states:
        if decision[th] not in efficient_alternatives(env, th):
            raise ModelError(f"decision {label(decision[th])} at {profile_label(th)} is not ex post efficient")
        if sum((Q(x) for x in transfers[th]), fmpq(0)) != 0:
            raise ModelError(f"transfers at {profile_label(th)} do not sum to 0")
    bound = paper_M_bound(env, transfers)
    least = required_M(env, decision, transfers, a0)
    at_paper = check_rp(punishment_mechanism(env, decision, transfers, bound + 1, a0))
    at_least = check_rp(punishment_mechanism(env, decision, transfers, least, a0))
    return Prop1Report(bound, least, at_paper, at_least)
