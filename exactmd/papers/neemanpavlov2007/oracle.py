"""Neeman–Pavlov (2007), §4.1.2: ex post oracle renegotiation-proofness, VCG in expectation.

Direct mechanisms with type reports θ ↦ (q[· | θ], t[θ]) and the rows of the proof of
Proposition 3 (:func:`oracle_rp_model`: efficiency as in Lemma 2, budget balance, and the
oracle rows ``ORP``, the inequality before (16) multiplied by p_i(θ_i)); mechanisms that
are VCG in expectation (:func:`vcg_in_expectation_rows`, :func:`vcge_model`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.encoding import qvar, tvar
from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.lp import Model

from .complete_information import BUDGETS, _lotteries_and_transfers
from .welfare import _require_quasilinear, efficient_alternatives, surplus


def _ipv_U(env: Environment, i: int, rep: tuple, th: tuple) -> dict[str, fmpq]:
    out = {qvar(a, rep): env.valuation(i, a, th) for a in env.outcomes}
    out[tvar(env, i, rep)] = fmpq(1)
    return out


def _acc(acc: dict[str, fmpq], terms: Mapping[str, fmpq], w: fmpq) -> None:
    for v, c in terms.items():
        acc[v] = acc.get(v, fmpq(0)) + w * c


def oracle_rp_model(env: Environment, budget: str = "balanced", interim_ir: bool = False) -> Model:
    """Direct mechanisms with type reports θ ↦ (q[· | θ], t[θ]) that are ex post *oracle*
    renegotiation-proof, by the characterization in the proof of Proposition 3 (IPV):

    * ``EFF[θ]``: truthful outcomes are ex post efficient (Lemma 2);
    * ``BB[θ]``: Σ_i t_i[θ] = 0 (or ≤ 0);
    * ``IR[i: θ_i]`` (only with ``interim_ir=True``; the paper imposes no participation
      constraint): Σ_{θ_-i} p(θ) U_i(θ; θ) ≥ 0;
    * ``ORP[i: θ_i -> θ'_i]``: Σ_{θ_-i} p(θ) U_i(θ; θ) ≥ Σ_{θ_-i} p(θ) [S(θ) − Σ_{j≠i} U_j(θ'_i, θ_-i; θ)]
      — type θ_i gains nothing by reporting θ'_i and letting the oracle renegotiate, state by
      state, to the efficient outcome while the others keep their utilities (the
      inequality before (16), multiplied by p_i(θ_i)).
    """
    _require_quasilinear(env)
    if budget not in BUDGETS:
        raise ModelError(f"budget={budget!r} must be one of {', '.join(BUDGETS)}")
    m = Model("max")
    states = env.profiles()
    _lotteries_and_transfers(m, env, states, lambda a, th: qvar(a, th), lambda i, th: tvar(env, i, th),
                             profile_label, budget)
    for th in states:
        eff = set(efficient_alternatives(env, th))
        bad = {qvar(a, th): 1 for a in env.outcomes if a not in eff}
        if bad:
            m.add_row(f"EFF[{profile_label(th)}]", bad, "==", 0)
    p = env.prior
    for i in range(env.n):
        for ti in env.types[i]:
            for tj in env.types[i]:
                if tj == ti:
                    continue
                acc: dict[str, fmpq] = {}
                rhs = fmpq(0)
                for th in states:
                    if th[i] != ti or p[th] == 0:
                        continue
                    dev = th[:i] + (tj,) + th[i + 1:]
                    _acc(acc, _ipv_U(env, i, th, th), p[th])
                    for j in range(env.n):
                        if j != i:
                            _acc(acc, _ipv_U(env, j, dev, th), p[th])
                    rhs += p[th] * surplus(env, th)
                m.add_row(f"ORP[{env.agents[i]}: {label(ti)} -> {label(tj)}]", {v: c for v, c in acc.items() if c != 0}, ">=", rhs)
    if interim_ir:  # not part of the paper's model; for the remark after Proposition 3
        for i in range(env.n):
            for ti in env.types[i]:
                acc = {}
                for th in states:
                    if th[i] == ti and p[th] != 0:
                        _acc(acc, _ipv_U(env, i, th, th), p[th])
                m.add_row(f"IR[{env.agents[i]}: {label(ti)}]", {v: c for v, c in acc.items() if c != 0}, ">=", 0)
    return m


def vcg_in_expectation_rows(env: Environment, m: Model) -> None:
    """Add to ``m`` the variables H_i and the rows ``VCGE[i: θ_i]``:
    Σ_{θ_-i} p(θ)[t_i(θ) − Σ_{j≠i} Σ_a q[a|θ] v_j(a, θ)] = p_i(θ_i) H_i (VCG in expectation)."""
    p = env.prior
    for i in range(env.n):
        H = m.var(f"H[{env.agents[i]}]", None, None).name
        marg = p.marginal(i)
        for ti in env.types[i]:
            if marg[ti] == 0:
                continue
            acc: dict[str, fmpq] = {}
            for th in env.profiles():
                if th[i] != ti or p[th] == 0:
                    continue
                acc[tvar(env, i, th)] = acc.get(tvar(env, i, th), fmpq(0)) + p[th]
                for a in env.outcomes:
                    w = sum((env.valuation(j, a, th) for j in range(env.n) if j != i), fmpq(0))
                    if w != 0:
                        acc[qvar(a, th)] = acc.get(qvar(a, th), fmpq(0)) - p[th] * w
            acc[H] = -marg[ti]
            m.add_row(f"VCGE[{env.agents[i]}: {label(ti)}]", {v: c for v, c in acc.items() if c != 0}, "==", 0)


def vcge_model(env: Environment, budget: str = "balanced") -> Model:
    """Budget-balanced mechanisms with efficient truthful outcomes that are VCG in
    expectation: :func:`oracle_rp_model` without its ORP rows, plus :func:`vcg_in_expectation_rows`."""
    m = oracle_rp_model(env, budget)
    m.drop_rows("ORP[")
    vcg_in_expectation_rows(env, m)
    return m
