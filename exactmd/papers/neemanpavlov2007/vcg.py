"""Neeman–Pavlov (2007), §3.1: VCG mechanisms and Proposition 2 (two players: BB + ex post RP ⟺ VCG).

VCG mechanisms with type reports, a(θ) efficient and t_i(θ) = Σ_{j≠i} v_j(a(θ), θ) +
h_i(θ_-i) (:func:`vcg_mechanism`, :func:`is_vcg`); whether a budget-balanced one exists, as
an exact LP (:func:`bb_vcg_exists`); a type-report mechanism embedded as a state-report
mechanism (:func:`embed_type_mechanism`); and Proposition 2 decided on one instance in both
directions, with the LP certificates of every check (:func:`proposition_2`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.lp import Model
from exactmd.lp.solution import LPResult
from exactmd.rational import Q, fmt

from .complete_information import (
    DirectMechanism, RPResult, _reports, qname, renegotiation_proof_mechanism, rp_range, rp_slacks, tname)
from .welfare import _private_values, _unique_maximizer, efficient_alternatives


# ---------------------------------------------------------------------------------
# VCG mechanisms (players report their own types)
def _efficient_rule(env: Environment) -> dict[tuple, Any]:
    if not _unique_maximizer(env):
        raise ModelError("this needs a unique welfare-maximising alternative in every state (Neeman–Pavlov's 'Unique Maximizer')")
    return {th: efficient_alternatives(env, th)[0] for th in env.profiles()}


def vcg_mechanism(env: Environment, h: Mapping[int, Mapping[tuple, Any]] | None = None) -> dict[tuple, tuple[Any, tuple[fmpq, ...]]]:
    """A VCG mechanism with type reports: a(θ) efficient, t_i(θ) = Σ_{j≠i} v_j(a(θ), θ) + h_i(θ_-i)
    (Neeman–Pavlov §3.1).  ``h[i]`` maps θ_-i (a tuple) to a number; default 0."""
    a = _efficient_rule(env)
    out = {}
    for th in env.profiles():
        t = []
        for i in range(env.n):
            rest = th[:i] + th[i + 1:]
            hi = Q((h or {}).get(i, {}).get(rest, 0))
            t.append(sum((env.valuation(j, a[th], th) for j in range(env.n) if j != i), fmpq(0)) + hi)
        out[th] = (a[th], tuple(t))
    return out


def is_vcg(env: Environment, mech: Mapping[tuple, tuple[Any, Sequence[Any]]]) -> bool:
    """Whether a type-report mechanism θ ↦ (a, t) is VCG: a efficient and
    t_i(θ) − Σ_{j≠i} v_j(a(θ), θ) independent of θ_i, for every i."""
    for th in env.profiles():
        if mech[th][0] not in efficient_alternatives(env, th):
            return False
    for i in range(env.n):
        h: dict[tuple, fmpq] = {}
        for th in env.profiles():
            a, t = mech[th]
            rest = th[:i] + th[i + 1:]
            val = Q(t[i]) - sum((env.valuation(j, a, th) for j in range(env.n) if j != i), fmpq(0))
            if h.setdefault(rest, val) != val:
                return False
    return True


def bb_vcg_exists(env: Environment) -> tuple[bool, LPResult]:
    """Whether some budget-balanced VCG mechanism exists: h_i(θ_-i) with
    Σ_i [Σ_{j≠i} v_j(a(θ), θ) + h_i(θ_-i)] = 0 for every θ — an exact LP, with certificate."""
    a = _efficient_rule(env)
    m = Model("max")
    hv: dict[tuple[int, tuple], str] = {}
    for i in range(env.n):
        for th in env.profiles():
            rest = th[:i] + th[i + 1:]
            if (i, rest) not in hv:
                hv[(i, rest)] = m.var(f"h[{env.agents[i]}|{profile_label(rest)}]", None, None).name
    for th in env.profiles():
        const = sum((env.valuation(j, a[th], th) for i in range(env.n) for j in range(env.n) if j != i), fmpq(0))
        m.add_row(f"BB[{profile_label(th)}]", {hv[(i, th[:i] + th[i + 1:])]: 1 for i in range(env.n)}, "==", -const)
    res = m.solve()
    return res.status.value == "optimal", res


def embed_type_mechanism(env: Environment, mech: Mapping[tuple, tuple[Any, Sequence[Any]]]) -> DirectMechanism:
    """The state-report mechanism that uses only each player's report of its *own* type:
    r = (θ̂¹, …, θ̂ⁿ) ↦ mech(θ̂¹_1, …, θ̂ⁿ_n)."""
    states = env.profiles()
    table = {}
    for r in _reports(env):
        own = tuple(states[r[i]][i] for i in range(env.n))
        a, t = mech[own]
        table[tuple(states[k] for k in r)] = ({a: fmpq(1)}, tuple(Q(x) for x in t))
    return DirectMechanism(env, table)


# ---------------------------------------------------------------------------------
# Proposition 2 (two players): budget balanced + ex post RP  ⟺  VCG
@dataclass(frozen=True)
class Prop2Report:
    """Proposition 2 decided on one instance, both directions, with their evidence."""

    applicable: bool
    why_not: str
    if_holds: bool | None  # every BB VCG mechanism is ex post RP
    only_if_holds: bool | None  # every BB ex post RP mechanism is (the embedding of) a VCG mechanism
    bb_vcg: LPResult | None
    rp: RPResult | None
    checks: tuple[RPResult, ...]
    counterexample: str = ""


def _free_h_rp_model(env: Environment) -> tuple[Model, list[str]]:
    """The RP rows over the BB VCG mechanisms with h free (a linear family), for the IF direction."""
    a = _efficient_rule(env)
    states = env.profiles()
    m = Model("max")
    hv: dict[tuple[int, tuple], str] = {}
    for i in range(env.n):
        for th in states:
            rest = th[:i] + th[i + 1:]
            if (i, rest) not in hv:
                hv[(i, rest)] = m.var(f"h[{env.agents[i]}|{profile_label(rest)}]", None, None).name
    for th in states:
        const = sum((env.valuation(j, a[th], th) for i in range(env.n) for j in range(env.n) if j != i), fmpq(0))
        m.add_row(f"BB[{profile_label(th)}]", {hv[(i, th[:i] + th[i + 1:])]: 1 for i in range(env.n)}, "==", -const)
    return m, list(hv.values())


def proposition_2(env: Environment) -> Prop2Report:
    """Decide Proposition 2 on a two-player instance with private values and unique maximizers.

    IF: the slack of every RP row is computed at the embedding of the VCG mechanism with
    h as free variables, restricted to budget balance; its minimum over that affine
    family (an exact LP) must be ≥ 0.  ONLY IF: over the set of BB ex post RP
    mechanisms, the LP ranges of (i) q[a | r] − q[a | own reports], (ii) t_i[r] − t_i[own
    reports] and (iii) the VCG residual t_1(θ) − v_2(a(θ), θ) − [t_1(θ'_1, θ_2) − v_2(a(θ'_1, θ_2), θ)]
    (and symmetrically for player 2) must all be {0}.  An empty RP set makes ONLY IF
    vacuous (Farkas certificate); then IF needs the BB VCG set to be empty too.
    """
    if env.n != 2:
        return Prop2Report(False, f"{env.n} players; Proposition 2 is about two", None, None, None, None, ())
    if not _private_values(env):
        return Prop2Report(False, "values are not private", None, None, None, None, ())
    if not _unique_maximizer(env):
        return Prop2Report(False, "some state has two welfare-maximising alternatives", None, None, None, None, ())
    states = env.profiles()
    exists, bbres = bb_vcg_exists(env)
    rp = renegotiation_proof_mechanism(env)
    checks: list[RPResult] = [rp]
    # IF
    if_holds = True
    counter = ""
    if exists:
        # The BB VCG mechanisms are h* + c·(1, −1) (h_1 ≡ h*_1 + c, h_2 ≡ h*_2 − c); every RP
        # slack is affine in c, so all of them are RP iff each slack has slope 0 in c and
        # is ≥ 0 at c = 0.
        h0, h1 = _h_family(env, bbres)
        s0 = rp_slacks(embed_type_mechanism(env, vcg_mechanism(env, h0)))
        s1 = rp_slacks(embed_type_mechanism(env, vcg_mechanism(env, h1)))
        for row, slack in s0.items():
            slope = s1[row] - slack
            if slack < 0 or slope != 0:
                if_holds = False
                c = fmpq(0) if slack < 0 else (-slack / slope - (1 if slope > 0 else -1))
                counter = (f"the BB VCG mechanism h* + {fmt(c)}·(1, −1) (h* = {_hfmt(h0)}) violates {row} "
                           f"by {fmt(-(slack + c * slope))}")
                break
    # ONLY IF
    only_if = True
    if rp.status == "optimal":
        a = _efficient_rule(env)
        for r in _reports(env):
            own = tuple(states[r[i]][i] for i in range(env.n))
            kown = states.index(own)
            diag = (kown,) * env.n
            if r == diag:
                continue
            exprs = [{qname(env, x, r): 1, qname(env, x, diag): -1} for x in env.outcomes]
            exprs += [{tname(env, i, r): 1, tname(env, i, diag): -1} for i in range(env.n)]
            for e in exprs:
                lo, hi = rp_range(env, e)
                checks += [lo, hi]
                if lo.value != 0 or hi.value != 0:
                    only_if = False
                    counter = counter or f"an RP mechanism uses cross reports: {' − '.join(e)} ranges over [{fmt(lo.value)}, {fmt(hi.value)}]"
        for i in range(2):
            j = 1 - i
            for th in states:
                for th2 in states:
                    if th2[j] != th[j] or th2[i] == th[i]:
                        continue
                    k, k2 = states.index(th), states.index(th2)
                    e = {tname(env, i, (k, k)): 1, tname(env, i, (k2, k2)): -1}
                    const = env.valuation(j, a[th], th) - env.valuation(j, a[th2], th2)
                    lo, hi = rp_range(env, e)
                    checks += [lo, hi]
                    if lo.value != const or hi.value != const:
                        only_if = False
                        counter = counter or (f"t_{env.agents[i]} differs from VCG: t({profile_label(th)}) − t({profile_label(th2)}) "
                                              f"ranges over [{fmt(lo.value)}, {fmt(hi.value)}], VCG needs {fmt(const)}")
    else:
        if exists:
            if_holds = False  # a BB VCG mechanism exists but no BB RP mechanism does
            counter = counter or "a budget-balanced VCG mechanism exists but no renegotiation-proof one"
    return Prop2Report(True, "", if_holds, only_if, bbres, rp, tuple(checks), counter)


def _h_family(env: Environment, bbres: LPResult) -> tuple[dict[int, dict[tuple, fmpq]], dict[int, dict[tuple, fmpq]]]:
    """h* (the LP's budget-balancing h) and h* + (1, −1)."""
    base: dict[int, dict[tuple, fmpq]] = {0: {}, 1: {}}
    idx = {f"h[{env.agents[i]}|{label(t)}]": (i, (t,)) for i in range(2) for t in env.types[1 - i]}
    for v, x in (bbres.primal or {}).items():
        i, rest = idx[v]
        base[i][rest] = x
    shifted = {0: {k: v + 1 for k, v in base[0].items()}, 1: {k: v - 1 for k, v in base[1].items()}}
    return base, shifted


def _hfmt(h: Mapping[int, Mapping[tuple, fmpq]]) -> str:
    return "; ".join(f"h_{i + 1}({profile_label(k)}) = {fmt(v)}" for i in h for k, v in h[i].items())
