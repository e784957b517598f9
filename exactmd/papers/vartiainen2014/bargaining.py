"""Bilateral bargaining on a grid (Vartiainen 2014, §5 and Appendix A.1).

This module holds §5 up to Lemma 6: the type grid and the named priors, the virtual
values and the γ-threshold allocations of eqs. (8)–(9), the first and second best,
Proposition 2, Lemma 5 (Appendix A.1, eqs. 23–25), the device r* (eqs. 10–11), the
implementation g* (eq. 12) and Lemma 6.  Lemma 7's continuation problem is in
:mod:`exactmd.papers.vartiainen2014.continuation`.

A buyer (agent 1) and a seller (agent 2) have values on Θ_1 = Θ_2 = {0, 1/K, …, 1},
independently distributed with full-support priors p_1, p_2.  Outcomes (a, m): a ∈ {0, 1}
is trade, m ∈ ℚ the payment from buyer to seller; u_1 = aθ_1 − m, u_2 = m − aθ_2.  In
exactmd's quasi-linear form the transfers to the agents are t = (−m, m).  The planner
("impartial mediator") maximises the expected gains from trade
v((a, m), p) = Σ_θ p(θ) a(θ) (θ_1 − θ_2).

Named priors: ``uniform``; ``increasing`` (p(k/K) ∝ k + 1); ``decreasing``
(p(k/K) ∝ K + 1 − k); or an explicit list of K + 1 exact masses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from ...belief import independent
from ...environment import Environment
from ...errors import ModelError
from ...rational import Q, fmt
from exactmd.design import feasible_mechanism, optimal_mechanism
from exactmd.constraints import Fixed, check, qvar, tvar
from exactmd.mechanism import Device, OutcomeFunction, implement

__all__ = [
    "bilateral_trade",
    "named_prior",
    "grid",
    "cumulative",
    "virtual_values",
    "virtual_value_expressions",
    "is_regular",
    "threshold_allocation",
    "breakpoints",
    "threshold_family",
    "first_best",
    "first_best_attainable",
    "second_best",
    "allocation_value",
    "fixed_allocation",
    "proposition_2",
    "Proposition2",
    "ThresholdCandidate",
    "interim_trade",
    "envelope_payments",
    "lemma_5",
    "Lemma5",
    "signal",
    "kappa",
    "r_star",
    "g_star",
    "lemma_6",
    "Lemma6",
]


def grid(K: int) -> list[fmpq]:
    """{0, 1/K, …, 1}."""
    if isinstance(K, bool) or not isinstance(K, int) or K < 1:
        raise ModelError(f"K={K!r} must be a positive integer")
    return [fmpq(k, K) for k in range(K + 1)]


def named_prior(K: int, prior: Any) -> list[fmpq]:
    """The masses of a named prior (``uniform``, ``increasing``, ``decreasing``) or a given list."""
    grid(K)
    if isinstance(prior, str):
        if prior == "uniform":
            w = [1] * (K + 1)
        elif prior == "increasing":
            w = [k + 1 for k in range(K + 1)]
        elif prior == "decreasing":
            w = [K + 1 - k for k in range(K + 1)]
        else:
            raise ModelError(f"prior {prior!r} must be 'uniform', 'increasing', 'decreasing' or a list of {K + 1} masses")
        tot = sum(w)
        return [fmpq(x, tot) for x in w]
    masses = [Q(x, name="prior") for x in prior]
    if len(masses) != K + 1:
        raise ModelError(f"a prior on {{0, 1/{K}, …, 1}} needs {K + 1} masses, got {len(masses)}")
    for k, m in enumerate(masses):
        if m <= 0:
            raise ModelError(f"prior mass of type {fmt(fmpq(k, K))} is {fmt(m)}; §5 assumes full support (> 0)")
    total = sum(masses, fmpq(0))
    if total != 1:
        raise ModelError(f"prior sums to {fmt(total)}, not 1")
    return masses


def bilateral_trade(K: int, buyer_prior: Any = "uniform", seller_prior: Any = "uniform") -> Environment:
    """The bilateral trade environment of Vartiainen §5 on the grid {0, 1/K, …, 1}.

    >>> env = bilateral_trade(2)
    >>> env.agents, [str(t) for t in env.types[0]]
    (('buyer', 'seller'), ['0', '1/2', '1'])
    """
    T = grid(K)
    p1 = named_prior(K, buyer_prior)
    p2 = named_prior(K, seller_prior)
    prior = independent([T, T], [p1, p2])

    def valuation(i: int, a: Any, th: Sequence[fmpq]) -> fmpq:
        return a * th[0] if i == 0 else -a * th[1]

    def name(p: Any) -> str:
        return p if isinstance(p, str) else "[" + ",".join(fmt(Q(x)) for x in p) + "]"

    return Environment.quasilinear(
        [T, T], prior, [0, 1], valuation, agents=["buyer", "seller"],
        name=f"bilateral trade K={K}, buyer {name(buyer_prior)}, seller {name(seller_prior)}",
    )


# ---------------------------------------------------------------------------------
# Virtual values and the γ-threshold allocations (Vartiainen §5, eqs. 8–9)
def cumulative(masses: Sequence[Any]) -> list[fmpq]:
    """P_i(θ_i) = Σ_{t ≤ θ_i} p_i(t), on the grid in increasing order."""
    out, acc = [], fmpq(0)
    for m in masses:
        acc += Q(m)
        out.append(acc)
    return out


def _marginals(env: Environment) -> tuple[list[fmpq], list[fmpq]]:
    m1 = env.prior.marginal(0)
    m2 = env.prior.marginal(1)
    return [m1[t] for t in env.types[0]], [m2[t] for t in env.types[1]]


def virtual_values(env: Environment, gamma: Any) -> tuple[dict[fmpq, fmpq], dict[fmpq, fmpq]]:
    """(c_1(·, γ), c_2(·, γ)) exactly (Vartiainen §5):

    c_1(θ, γ) = θ − γ (1 − P_1(θ)) / p_1(θ),   c_2(θ, γ) = θ + γ P_2(θ) / p_2(θ).
    """
    g = Q(gamma, name="gamma")
    p1, p2 = _marginals(env)
    P1, P2 = cumulative(p1), cumulative(p2)
    T1, T2 = env.types
    c1 = {t: t - g * (1 - P1[k]) / p1[k] for k, t in enumerate(T1)}
    c2 = {t: t + g * P2[k] / p2[k] for k, t in enumerate(T2)}
    return c1, c2


def virtual_value_expressions(env: Environment) -> tuple[dict[fmpq, Any], dict[fmpq, Any]]:
    """c_1(θ, γ) and c_2(θ, γ) as sympy expressions in the symbol ``gamma``."""
    import sympy

    g = sympy.Symbol("gamma")
    p1, p2 = _marginals(env)
    P1, P2 = cumulative(p1), cumulative(p2)

    def r(q: fmpq) -> Any:
        return sympy.Rational(int(q.p), int(q.q))

    c1 = {t: r(t) - g * r((1 - P1[k]) / p1[k]) for k, t in enumerate(env.types[0])}
    c2 = {t: r(t) + g * r(P2[k] / p2[k]) for k, t in enumerate(env.types[1])}
    return c1, c2


def is_regular(env: Environment) -> bool:
    """Whether c_1(·, 1) and c_2(·, 1) are increasing (weakly; the paper says "increasing")."""
    c1, c2 = virtual_values(env, 1)
    v1 = [c1[t] for t in env.types[0]]
    v2 = [c2[t] for t in env.types[1]]
    return all(a <= b for a, b in zip(v1, v1[1:])) and all(a <= b for a, b in zip(v2, v2[1:]))


def threshold_allocation(env: Environment, gamma: Any) -> dict[tuple, int]:
    """a^γ of eqs. (8)–(9): trade (1) iff c_1(θ_1, γ) − c_2(θ_2, γ) ≥ 0."""
    c1, c2 = virtual_values(env, gamma)
    return {th: 1 if c1[th[0]] - c2[th[1]] >= 0 else 0 for th in env.profiles()}


def breakpoints(env: Environment) -> list[fmpq]:
    """The γ ∈ (0, 1] at which a^γ changes, increasing.

    c_1 − c_2 = (θ_1 − θ_2) − γ h(θ) with h = (1 − P_1)/p_1 + P_2/p_2 > 0, so profile θ
    trades iff γ ≤ (θ_1 − θ_2)/h(θ): the breakpoints are these ratios within (0, 1].
    """
    p1, p2 = _marginals(env)
    P1, P2 = cumulative(p1), cumulative(p2)
    out = set()
    for k1, t1 in enumerate(env.types[0]):
        for k2, t2 in enumerate(env.types[1]):
            h = (1 - P1[k1]) / p1[k1] + P2[k2] / p2[k2]
            b = (t1 - t2) / h
            if 0 < b <= 1:
                out.add(b)
    return sorted(out)


def threshold_family(env: Environment) -> list[tuple[fmpq, dict[tuple, int]]]:
    """Every distinct a^γ for γ ∈ (0, 1], each with the largest γ that yields it.

    a^γ is constant on each interval (b_j, b_{j+1}] between consecutive breakpoints and
    on (b_m, 1]; the representative of an interval is its right end.
    """
    gammas = breakpoints(env)
    if not gammas or gammas[-1] != 1:
        gammas.append(fmpq(1))
    out: list[tuple[fmpq, dict[tuple, int]]] = []
    for g in gammas:
        a = threshold_allocation(env, g)
        if not out or out[-1][1] != a:
            out.append((g, a))
    return out


# ---------------------------------------------------------------------------------
# First best, second best and Proposition 2
SECOND_BEST = ("IC", "interim-IR", "BB")


def first_best(env: Environment) -> fmpq:
    """The first-best expected gains from trade Σ_θ p(θ) max(θ_1 − θ_2, 0)."""
    return sum((w * max(th[0] - th[1], fmpq(0)) for th, w in env.prior.items()), fmpq(0))


def first_best_attainable(env: Environment, ir: str = "interim-IR") -> Any:
    """Whether an IC, IR, budget-balanced, ex post efficient mechanism exists.

    Returns the :class:`~exactmd.design.DesignResult` of the feasibility question: a
    witness (``status == "feasible"``) or a Farkas certificate (``"infeasible"``).
    ``ir`` is ``"interim-IR"`` or ``"ex-post-IR"`` (Vartiainen §4.1).
    """
    return feasible_mechanism(env, ["IC", ir, "BB", "efficiency"])


def second_best(env: Environment, **solve_kwargs: Any) -> Any:
    """The incentive-efficient (expected-surplus maximising) mechanism under IC,
    interim IR and ex post budget balance, by exact LP, with its certificate."""
    return optimal_mechanism(env, list(SECOND_BEST), "planner", **solve_kwargs)


def allocation_value(env: Environment, a: dict[tuple, Any]) -> fmpq:
    """Σ_θ p(θ) a(θ) (θ_1 − θ_2): the planner's value of an allocation rule."""
    return sum((w * Q(a[th]) * (th[0] - th[1]) for th, w in env.prior.items()), fmpq(0))


def fixed_allocation(env: Environment, a: dict[tuple, Any]) -> Any:
    """The constraint family that fixes the trade probabilities q[1|θ] = a(θ)."""
    return Fixed({qvar(1, th): a[th] for th in env.profiles()})


@dataclass(frozen=True)
class ThresholdCandidate:
    """One γ-threshold allocation: γ (the largest that yields it), the allocation, its
    value and whether IC + interim-IR + BB transfers exist (with the certificate)."""

    gamma: fmpq
    allocation: dict[tuple, int]
    value: fmpq
    feasible: bool
    result: Any


@dataclass(frozen=True)
class Proposition2:
    """Proposition 2 on one instance: the second best against the best threshold allocation."""

    regular: bool
    second_best: Any
    candidates: tuple[ThresholdCandidate, ...]
    best: ThresholdCandidate | None

    @property
    def gap(self) -> fmpq:
        """second-best value − best threshold value (≥ 0)."""
        sb = self.second_best.value
        return sb - (self.best.value if self.best is not None else fmpq(0))

    @property
    def confirmed(self) -> bool:
        return self.best is not None and self.gap == 0


def proposition_2(env: Environment) -> Proposition2:
    """Decide Proposition 2 on an instance (Vartiainen §5, eqs. 8–9).

    Every distinct γ-threshold allocation (γ ∈ (0, 1]) is tried in decreasing order of
    value; the first that admits IC, interim-IR and ex post budget-balanced transfers
    is the best threshold allocation.  Better ones are shown infeasible by Farkas
    certificates.  The proposition holds on the instance iff the best threshold value
    equals the second-best value (an LP optimum with its dual certificate).
    """
    sb = second_best(env)
    fam = sorted(threshold_family(env), key=lambda ga: (-allocation_value(env, ga[1]), ga[0]))
    cands: list[ThresholdCandidate] = []
    best = None
    for g, a in fam:
        val = allocation_value(env, a)
        res = feasible_mechanism(env, list(SECOND_BEST) + [fixed_allocation(env, a)])
        cand = ThresholdCandidate(g, a, val, res.feasible, res)
        cands.append(cand)
        if cand.feasible:
            best = cand
            break
    return Proposition2(is_regular(env), sb, tuple(cands), best)


# ---------------------------------------------------------------------------------
# Lemma 5: zero transfers when there is no trade (Appendix A.1, eqs. 23–25)
def interim_trade(env: Environment, a: dict[tuple, Any]) -> tuple[dict[fmpq, fmpq], dict[fmpq, fmpq]]:
    """a_1(θ_1) = Σ_θ2 p_2(θ_2) a(θ_1, θ_2) and a_2(θ_2) = Σ_θ1 p_1(θ_1) a(θ_1, θ_2)."""
    p1, p2 = _marginals(env)
    T1, T2 = env.types
    a1 = {t1: sum((p2[k] * Q(a[(t1, t2)]) for k, t2 in enumerate(T2)), fmpq(0)) for t1 in T1}
    a2 = {t2: sum((p1[k] * Q(a[(t1, t2)]) for k, t1 in enumerate(T1)), fmpq(0)) for t2 in T2}
    return a1, a2


def envelope_payments(env: Environment, a: dict[tuple, Any]) -> tuple[dict[fmpq, fmpq], dict[fmpq, fmpq]]:
    """Expected payments m_1^γ(θ_1) (from the buyer) and m_2^γ(θ_2) (to the seller) with
    IR binding for the lowest buyer and the highest seller and local downward IC binding:

    m_1(θ_k) = a_1(θ_k) θ_k − Δ Σ_{j<k} a_1(θ_j),  m_2(θ_k) = a_2(θ_k) θ_k + Δ Σ_{j>k} a_2(θ_j),

    Δ = 1/K the grid step.  (The paper's formula in the proof of Lemma 5 omits Δ and
    sums over t < θ'_1; this is the discrete envelope formula it stands for.)
    """
    a1, a2 = interim_trade(env, a)
    T1, T2 = env.types
    step = T1[1] - T1[0] if len(T1) > 1 else fmpq(1)
    m1 = {t: a1[t] * t - step * sum((a1[s] for s in T1 if s < t), fmpq(0)) for t in T1}
    m2 = {t: a2[t] * t + step * sum((a2[s] for s in T2 if s > t), fmpq(0)) for t in T2}
    return m1, m2


@dataclass(frozen=True)
class Lemma5:
    """Lemma 5 on one instance.

    ``lp`` answers "do IC, interim-IR, BB transfers exist for a^γ with m = 0 wherever
    a^γ = 0?" (witness or Farkas certificate).  ``construction`` is the transfer rule of
    the proof (eqs. 23–25) as written, ``m10_24``/``m10_25`` the values of m(1, 0) that
    (24) and (25) each require, and ``construction_check`` the exact IC/IR/BB check of
    the construction with m(1, 0) from (24).
    """

    gamma: fmpq
    allocation: dict[tuple, int]
    lp: Any
    m10_24: fmpq
    m10_25: fmpq
    construction: Any
    construction_check: Any

    @property
    def equations_consistent(self) -> bool:
        return self.m10_24 == self.m10_25


def lemma_5(env: Environment, gamma: Any = None) -> Lemma5:
    """Decide Lemma 5 for a^γ (default: the best threshold allocation of Proposition 2)."""
    if gamma is None:
        r = proposition_2(env)
        if r.best is None:
            raise ModelError("no γ-threshold allocation admits IC, IR, BB transfers on this instance")
        g, a = r.best.gamma, r.best.allocation
    else:
        g = Q(gamma, name="gamma")
        a = threshold_allocation(env, g)
    fixed = {qvar(1, th): a[th] for th in env.profiles()}
    for th in env.profiles():
        if a[th] == 0:
            fixed[tvar(env, 0, th)] = 0
            fixed[tvar(env, 1, th)] = 0
    res = feasible_mechanism(env, list(SECOND_BEST) + [Fixed(fixed)])
    # the construction of the proof, as written
    p1, p2 = _marginals(env)
    T1, T2 = env.types
    m1, m2 = envelope_payments(env, a)
    lo2, hi1 = T2[0], T1[-1]
    m: dict[tuple, fmpq] = {}
    for t1 in T1:
        for t2 in T2:
            if t2 == lo2 and t1 != hi1:
                m[(t1, t2)] = m1[t1]
            elif t1 == hi1 and t2 != lo2:
                m[(t1, t2)] = m2[t2]
            else:
                m[(t1, t2)] = fmpq(0)
    s1 = sum((p1[k] * m1[t] for k, t in enumerate(T1) if t != hi1), fmpq(0))
    s2 = sum((p2[k] * m2[t] for k, t in enumerate(T2) if t != lo2), fmpq(0))
    m10_24 = (m2[lo2] - s1) / p1[-1]          # (24): p1(1) m(1,0) + Σ_{t<1} p1(t) m1(t) = m2(0)
    m10_25 = (m1[hi1] - s2) / p2[0]           # (25): p2(0) m(1,0) + Σ_{t>0} p2(t) m2(t) = m1(1)
    m[(hi1, lo2)] = m10_24
    construction = OutcomeFunction(env, {th: {(a[th], (-m[th], m[th])): 1} for th in env.profiles()})
    return Lemma5(g, a, res, m10_24, m10_25, construction, check(construction, list(SECOND_BEST)))


# ---------------------------------------------------------------------------------
# The device r* (eqs. 10–11), the implementation g* (eq. 12) and Lemma 6
def signal(t1: Any, t2: Any) -> str:
    """The signal ⟨θ_1, θ_2⟩ of S* (eq. 10), printed ``<t1,t2>``; ``"0"`` is the no-trade signal."""
    return f"<{fmt(Q(t1))},{fmt(Q(t2))}>"


def kappa(env: Environment, gamma: Any, t: fmpq, *, strict: bool = False) -> int:
    """κ(t): the number of terms of the two sums of eq. (11) at the diagonal profile (t, t).

    The text defines κ(t) as the size of a *set* of t' (and writes t ≥ t' in both
    clauses); for r*(· : t, t) to be a probability distribution it must count the terms
    of the two sums of (11), where t' = t appears in both.  This is what is computed.
    """
    c1, c2 = virtual_values(env, gamma)
    T = env.types[0]
    le = (lambda a, b: a < b) if strict else (lambda a, b: a <= b)
    first = [s for s in T if s <= t and le(c1[t], c2[s])]
    second = [s for s in T if s >= t and le(c1[s], c2[t])]
    return len(first) + len(second)


def r_star(env: Environment, gamma: Any, *, strict: bool = False) -> Any:
    """The information device r* of eq. (11).

    ``strict=False`` uses the paper's weak inequality c_1 ≤ c_2 in the sums of (11);
    ``strict=True`` uses c_1 < c_2 (the reading under which a signal sent from the
    diagonal never carries a trade outcome, see :func:`lemma_6`).
    """
    g = Q(gamma, name="gamma")
    c1, c2 = virtual_values(env, g)
    T = env.types[0]
    le = (lambda a, b: a < b) if strict else (lambda a, b: a <= b)
    table: dict[tuple, dict[str, fmpq]] = {}
    for th in env.profiles():
        t1, t2 = th
        if t1 > t2:
            table[th] = {signal(t1, t2): fmpq(1)}
        elif t1 < t2:
            table[th] = {"0": fmpq(1)}
        else:
            t = t1
            k = kappa(env, g, t, strict=strict)
            lot: dict[str, fmpq] = {}
            for s in T:
                if s <= t and le(c1[t], c2[s]):
                    lot[signal(t, s)] = lot.get(signal(t, s), fmpq(0)) + fmpq(1, k)
                if s >= t and le(c1[s], c2[t]):
                    lot[signal(s, t)] = lot.get(signal(s, t), fmpq(0)) + fmpq(1, k)
            table[th] = lot
    return Device(env.types, table)


def g_star(env: Environment, gamma: Any, m: dict[tuple, Any]) -> dict[str, Any]:
    """The implementation g* of eq. (12): ⟨θ_1, θ_2⟩ ↦ (1, m(θ_1, θ_2)) if c_1 − c_2 ≥ 0,
    else (0, 0); ``"0"`` ↦ (0, 0).  Outcomes are (allocation, transfers to the agents)."""
    c1, c2 = virtual_values(env, gamma)
    zero = (0, (fmpq(0), fmpq(0)))
    out: dict[str, Any] = {"0": zero}
    for t1 in env.types[0]:
        for t2 in env.types[1]:
            if t1 >= t2:
                if c1[t1] - c2[t2] >= 0:
                    pay = Q(m[(t1, t2)])
                    out[signal(t1, t2)] = (1, (-pay, pay))
                else:
                    out[signal(t1, t2)] = zero
    return out


@dataclass(frozen=True)
class Lemma6:
    """g*∘r* against (a^γ, m^γ) at one γ, and the posteriors of the no-trade signals."""

    gamma: fmpq
    strict: bool
    equal: bool
    differences: tuple[str, ...]
    no_trade_posteriors: tuple[tuple[str, fmpq, Any], ...]


def lemma_6(env: Environment, gamma: Any, m: dict[tuple, Any], *, strict: bool = False) -> Lemma6:
    """Check g*∘r* = (a^γ, m^γ) exactly (Lemma 6), with m the transfers of (a^γ, m^γ).

    Also lists, for every no-trade signal ⟨t̄, t⟩ (t̄ > t, c_1(t̄) < c_2(t)), its
    probability and posterior under the prior (support should be
    {(t̄, t̄), (t̄, t), (t, t)}, as in the text before Lemma 7).
    """
    g = Q(gamma, name="gamma")
    a = threshold_allocation(env, g)
    r = r_star(env, g, strict=strict)
    composite = implement(env, r, g_star(env, g, m))
    target = OutcomeFunction(env, {th: {(a[th], (-Q(m[th]) if a[th] else fmpq(0), Q(m[th]) if a[th] else fmpq(0))): 1} for th in env.profiles()})
    diffs = []
    for th in env.profiles():
        if composite(th) != target(th):
            diffs.append(f"at ({fmt(th[0])},{fmt(th[1])}): g*∘r* gives {composite(th)}, (a^γ, m^γ) gives {target(th)}")
    c1, c2 = virtual_values(env, g)
    posts = []
    for s, prob, post in r.posteriors(env.prior):
        if s == "0":
            continue
        t1, t2 = (Q(x) for x in s[1:-1].split(","))
        if t1 > t2 and c1[t1] < c2[t2]:
            posts.append((s, prob, post))
    return Lemma6(g, strict, not diffs, tuple(diffs), tuple(posts))
