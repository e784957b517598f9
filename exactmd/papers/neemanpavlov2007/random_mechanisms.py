"""Neeman–Pavlov (2007), §4.1.1: random mechanisms on a finite menu, ex post RP against every ψ.

A lottery q[· | θ] over the finite alternatives at every profile; over all ψ, conditions
(1) and (2) of §4.1.1 become linear, so renegotiation-proofness against every ψ (private
values, any number of players, with or without ex post IR) is one exact LP
(:func:`random_rp_model`); :func:`random_mechanism_from` reads the lotteries of a solution.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.encoding import qvar
from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.lp import LinExpr, Model
from exactmd.rational import Q

from .welfare import _cond_others, _private_values, _u, _weak_pareto_gain


def random_rp_model(env: Environment, ex_post_ir: bool = True) -> Model:
    """Random direct mechanisms — a lottery q[· | θ] over the finite alternatives at every
    profile — under which truth-telling is ex post renegotiation-proof against **every**
    ψ (§4.1.1), private values, any number of players, as one exact LP.

    The decision reached is the lottery's draw; votes follow preferences (an indifferent
    type may vote either way; the definition asks for every voting equilibrium, so the
    vote most favourable to the switch or to the deviator counts, as in
    :func:`rp_against_psi`).  Over all ψ the two conditions become linear:

    * ``RP1[θ: d -> y]`` — q[d | θ] = 0 whenever p(θ) > 0 and some y is weakly better
      than d for every player at θ and strictly for one (ψ(d) = y would switch);
    * ``RP2[i: θ_i -> θ'_i]`` — type θ_i's truthful payoff is at least its payoff from
      reporting θ'_i, plus Σ_d z[d], where ``SW[i: θ_i -> θ'_i | d -> y]`` makes z[d] at
      least the gain Σ_θ_-i p(θ_-i | θ_i) q[d | θ'_i, θ_-i] (u_i(y) − u_i(d)) over the
      states where every other player weakly prefers y, for every y that type θ_i
      strictly prefers to d.  ψ chooses one y per decision, so max over ψ of the
      deviation payoff is this sum of maxima, and z[d] ≥ each term is its epigraph;
    * ``IR[θ: d]`` (``ex_post_ir``) — q[d | θ] = 0 when d gives some player a negative
      payoff at θ;
    * ``prob[θ]`` — Σ_d q[d | θ] = 1.

    Feasible: a witness mechanism; infeasible: a Farkas certificate that no random
    mechanism on these alternatives is ex post RP (with ex post IR if asked)."""
    if env.kind != "finite":
        raise ModelError("random_rp_model needs finite alternatives (Environment.finite)")
    if not _private_values(env):
        raise ModelError("random_rp_model decides private-value environments (votes by preference)")
    m = Model("max")
    P, X = env.profiles(), env.outcomes
    q = {(x, th): m.var(f"q[{label(x)}|{profile_label(th)}]", 0, 1) for th in P for x in X}
    for th in P:
        m.add(sum((LinExpr.of(q[x, th]) for x in X), LinExpr()) == 1, name=f"prob[{profile_label(th)}]")

    def u(i: int, x: Any, th: tuple) -> fmpq:
        return _u(env, i, x, th)

    for th in P:
        if env.prior[th] == 0:
            continue
        for d in X:
            if ex_post_ir and any(u(i, d, th) < 0 for i in range(env.n)):
                m.add(LinExpr.of(q[d, th]) == 0, name=f"IR[{profile_label(th)}: {label(d)}]")
                continue
            for y in X:
                if _weak_pareto_gain(env, y, d, th):
                    m.add(LinExpr.of(q[d, th]) == 0, name=f"RP1[{profile_label(th)}: {label(d)} -> {label(y)}]")
                    break
    for i in range(env.n):
        for ti in env.types[i]:
            cond = _cond_others(env, i, ti)
            if not cond:
                continue
            for tr in env.types[i]:
                tag = f"{env.agents[i]}: {label(ti)} -> {label(tr)}"
                slack = LinExpr()
                for th, w in cond:
                    rep = th[:i] + (tr,) + th[i + 1:]
                    for x in X:
                        slack = slack + q[x, th] * (w * u(i, x, th)) - q[x, rep] * (w * u(i, x, th))
                for d in X:
                    gains = {y: u(i, y, cond[0][0]) - u(i, d, cond[0][0]) for y in X}  # private values
                    rows = []
                    for y, g in gains.items():
                        if g <= 0:
                            continue
                        c = LinExpr()
                        for th, w in cond:
                            if all(u(j, y, th) >= u(j, d, th) for j in range(env.n) if j != i):
                                c = c + q[d, th[:i] + (tr,) + th[i + 1:]] * (w * g)
                        if c.terms:
                            rows.append((y, c))
                    if not rows:
                        continue
                    z = m.var(f"z[{tag} | {label(d)}]", 0, None)
                    for y, c in rows:
                        m.add(LinExpr.of(z) - c >= 0, name=f"SW[{tag} | {label(d)} -> {label(y)}]")
                    slack = slack - z
                m.add(slack >= 0, name=f"RP2[{tag}]")
    return m


def random_mechanism_from(env: Environment, primal: Mapping[str, fmpq]) -> dict[tuple, dict[Any, fmpq]]:
    """The lotteries of a solution of :func:`random_rp_model` (nonzero probabilities)."""
    out = {}
    for th in env.profiles():
        lot = {x: Q(primal[qvar(x, th)]) for x in env.outcomes}
        out[th] = {x: v for x, v in lot.items() if v != 0}
    return out
