"""Mechanism design without commitment (Vartiainen 2014, §3–4), decided exactly.

The objects of §3–4 for a *finite* environment (finite X, u_i(x, θ), planner value
v(x, θ) ≥ 0) and a rational ε > 0:

- ``vbar(env, p)`` — v̄(p) = max_x v(x, p) and x(p) (§4);
- ``ic_slacks`` / ``in_ic`` — the IC expressions of eq. (1) for a device under p;
- :class:`Composite` — a mechanism g∘r: a :class:`~exactmd.mechanism.Device` r and an
  implementation g (signal → outcome); ``posteriors`` is P(r, p);
- :class:`SimplePlan` — the simple response plan ρ_s: signal s redesigned by the
  composite ρ_s(s), every other signal kept (ρ_s(s') = 1_{s'});
- ``blocks(env, plan, r, p, B, eps)`` and ``covers(env, r, p, B, eps)`` — the definitions
  of §4 checked directly (one LP per signal and IC constraint for covering);
- ``covered(env, p, B, eps)`` — *is there* an r that B-covers p?  A witness device or
  the evidence that none exists;
- ``uncovered`` / ``uc_sequence`` — UC_G(B) and the iterates UC⁰, UC¹, … on a finite
  universe G of beliefs (``grid(types, N)`` is G_N).

Readings of the paper (each says which text it reads and why):

1. **Blocking clause (i)** reads "v(ρ(s), p|(r,s)) − ε ≥ v̄(p|(r,s)), for all s".  For a
   *simple* plan every kept signal s' has ρ(s') = 1_{s'} and v(1_{s'}, ·) ≤ v̄(·), so the
   literal "for all s" would make every simple plan non-blocking and covering vacuous.
   The engine reads (i) at the redesigned signal only (as Lemma 2's proof does).
2. **Zero-probability signals.**  After a signal with probability 0 under p the
   posterior is unrestricted (§2); the planner's off-path belief can be degenerate, where
   no redesign meets (i) (Lemma 1).  So only signals of r(supp p) can be redesigned.
3. **Off-support profiles.**  A candidate device sends fresh signals at profiles outside
   supp(p) (their outcome lotteries are free in IC's deviation terms and never exposed
   to blocking, by reading 2), and signals sent on supp(p) are sent only there.  Every
   *covered* verdict carries a witness checked by :func:`covers` against the definition;
   an *uncovered* verdict found by elimination (below) is relative to devices of this
   form when supp(p) ≠ Θ.  For interior beliefs the form is no restriction, and the
   certificate of the revelation theorem below needs no form at all.

The revelation theorem (``proofs/commitment-derivation.md``).  A *fully revealing*
device sends, at θ, a signal (θ, x) with probability f(x | θ); each of its signals has a
degenerate posterior, where no redesign reaches v̄ + ε (Lemma 1), so no simple plan blocks
it.  Hence, whenever B contains every degenerate belief δ_θ with θ ∈ supp(p) (B = Δ, and
every UCᵗ on a universe containing the vertices, by Lemma 1):

    p is B-covered  ⟺  V*(p) := max{v(f, p) : f ∈ IC(p)} ≥ v̄(p) + ε,

and "⟸" has a witness while "⟹" holds for every B (a covering r is IC with value
≥ v̄(p) + ε).  So on such universes UCᵗ = UC⁰ for every t: the iteration stops at once.
The certificate of an uncovered verdict is then the LP certificate that V*(p) < v̄(p)+ε.

For a finite B without some vertex, covering is decided by *elimination*: a candidate
is a split of p into pairs (b, x) ∈ B × X (weights λ_{b,x}); blocking a copy of weight
w of pair (b, x) moves IC expression k by at least w·D_k(b, x) (an LP over the
admissible redesigns); since S is infinite the designer splits each pair into copies
of arbitrarily small weight, so p is covered iff some split has IC_k > 0 for every k
that some used pair threatens (D_k < 0).  The engine finds the implicit equalities of
the split polytope (one LP), removes the pairs they forbid, and repeats (§
``covered``'s docstring).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flint import fmpq

from .belief import Belief, label, profile_label
from .environment import Environment
from .errors import ExactMDError, ModelError
from .lp.model import LinExpr, Model
from .lp.solution import LPResult, solve_problem
from .mechanism import Device
from .rational import Q, fmt

__all__ = [
    "ALL", "AllBeliefs", "Composite", "SimplePlan", "BlockVerdict", "CoverVerdict", "Covering",
    "compound", "vbar", "planner_value", "ic_slacks", "in_ic", "commitment_value", "fully_revealing",
    "blocks", "covers", "covered", "grid", "vertices", "uncovered", "uc_sequence", "UCSequence", "constant",
    "check_eps", "covering_certificate", "covers_certificate", "redesign_certificate", "STOP", "FiniteStateRule", "RuleCheck", "check_rule_at", "sigma_star", "lemma_7_cases", "lemma_7_cases_certificate", "lemma_2_instances", "reachable", "in_choice_set", "uc_sequence_certificate", "example_environment", "verify_commitment_certificate", "composite_from_dict", "COMMITMENT_FORMAT",
]


# ---------------------------------------------------------------------------
# beliefs sets


class AllBeliefs:
    """Δ, the set of all beliefs (the B of UC⁰ = UC(Δ))."""

    name = "Δ (all beliefs)"

    def __contains__(self, b: object) -> bool:
        return isinstance(b, Belief)

    def __repr__(self) -> str:
        return "ALL"


ALL = AllBeliefs()


def _belief_set(B: Any) -> Any:
    if B is ALL or isinstance(B, AllBeliefs):
        return ALL
    if isinstance(B, (frozenset, set)):
        out = frozenset(B)
    else:
        out = frozenset(B)
    for b in out:
        if not isinstance(b, Belief):
            raise ModelError(f"B must be ALL or a collection of beliefs; {b!r} is not a Belief")
    return out


def _need_finite(env: Environment) -> None:
    if env.kind != "finite":
        raise ModelError(
            "covering and blocking are implemented for finite outcome sets X; "
            f"environment {env.name!r} is quasi-linear (write its outcomes as a finite list)"
        )


def check_eps(eps: Any) -> fmpq:
    """ε as an exact positive rational (refusing floats and ε ≤ 0)."""
    e = Q(eps, name="eps")
    if e <= 0:
        raise ModelError(f"eps={fmt(e)} must be positive")
    return e


def _check_belief(env: Environment, p: Belief, what: str = "p") -> None:
    if not isinstance(p, Belief):
        raise ModelError(f"{what}={p!r} is not a Belief")
    if p.types != env.types:
        raise ModelError(f"the type sets of {what} differ from the environment's")


# ---------------------------------------------------------------------------
# values and IC (eq. 1)


def vbar(env: Environment, p: Belief) -> tuple[fmpq, Any]:
    """v̄(p) = max_x v(x, p) and the first maximiser x(p) in outcome order (§4)."""
    best = None
    for x in env.outcomes:
        val = sum((p[th] * env.value(x, th) for th in p.support()), fmpq(0))
        if best is None or val > best[0]:
            best = (val, x)
    assert best is not None
    return best


def planner_value(env: Environment, f: Callable[[tuple], Mapping[Any, Any]], p: Belief) -> fmpq:
    """v(f, p) = Σ_θ p(θ) Σ_x v(x, θ) f(x : θ)."""
    return sum((p[th] * Q(q) * env.value(x, th) for th in p.support() for x, q in f(th).items()), fmpq(0))


def _ic_keys(env: Environment) -> list[tuple[int, Any, Any]]:
    return [(i, t, t2) for i in range(env.n) for t in env.types[i] for t2 in env.types[i] if t != t2]


def _ic_label(env: Environment, k: tuple[int, Any, Any]) -> str:
    i, t, t2 = k
    return f"IC[{env.agents[i]}: {label(t)} -> {label(t2)}]"


_ROWS: dict[tuple[int, Belief, str], tuple[Environment, list[tuple[Any, list[tuple[Any, tuple, fmpq]]]]]] = {}


def _family_terms(env: Environment, p: Belief, family: str) -> list[tuple[Any, list[tuple[Any, tuple, fmpq]]]]:
    """The rows of a constraint family of :mod:`exactmd.constraints` (the one definition of
    IC, interim IR, …) under p, cached per (environment, belief, family), each as
    ``(row, [(x, θ, coefficient of f(x : θ))])``."""
    from .constraints import fvar, rows

    key = (id(env), p, family)
    hit = _ROWS.get(key)
    if hit is None or hit[0] is not env:
        if len(_ROWS) > 512:
            _ROWS.clear()
        where = {fvar(x, th): (x, th) for th in env.profiles() for x in env.outcomes}
        hit = (env, [(row, [(*where[v], c) for v, c in row.coeffs.items()]) for row in rows(env, [family], p)])
        _ROWS[key] = hit
    return hit[1]


def _substitute(terms: Sequence[tuple[Any, tuple, fmpq]], F: Callable[[tuple], Mapping[Any, Any]]) -> LinExpr:
    """Σ c·F(x : θ) over a row's terms: the row evaluated at the outcome function F."""
    acc = LinExpr()
    cache: dict[tuple, Mapping[Any, Any]] = {}
    for x, th, c in terms:
        row = cache.get(th)
        if row is None:
            row = cache[th] = F(th)
        q = row.get(x)
        if q is not None:
            acc = acc + LinExpr.of(q) * c
    return acc


def _ic_expr(env: Environment, p: Belief, F: Callable[[tuple], Mapping[Any, Any]], k: tuple[int, Any, Any]) -> LinExpr:
    """IC_k of eq. (1) under p for the outcome function F (values fmpq or LinExpr):
    Σ_{θ: θ_i = t} p(θ) Σ_x u_i(x, θ) [F(x : θ) − F(x : θ_{−i}, t')] — the row of
    :class:`exactmd.constraints.IC` with F(x : θ) in place of the variable f(x : θ)."""
    i, t, t2 = k
    for row, terms in _family_terms(env, p, "IC"):
        m = row.meta
        if m["agent"] == i and label(m["type"]) == label(t) and label(m["report"]) == label(t2):
            return _substitute(terms, F)
    return LinExpr()


def ic_slacks(env: Environment, f: Callable[[tuple], Mapping[Any, Any]], p: Belief) -> dict[str, fmpq]:
    """Every IC expression of eq. (1) under p, by label (≥ 0 iff that constraint holds)."""
    _check_belief(env, p)
    return {_ic_label(env, k): _ic_expr(env, p, f, k).const for k in _ic_keys(env)}


def in_ic(env: Environment, f: Callable[[tuple], Mapping[Any, Any]], p: Belief) -> bool:
    """f ∈ IC(p) (eq. 1)."""
    return all(v >= 0 for v in ic_slacks(env, f, p).values())


def commitment_value(env: Environment, p: Belief) -> Any:
    """V*(p) = max{v(f, p) : f ∈ IC(p)}, the full-commitment benchmark, with its certificate
    (a :class:`~exactmd.design.DesignResult`)."""
    from .design import optimal_mechanism

    _check_belief(env, p)
    return optimal_mechanism(env, ["IC"], "planner", belief=p, lazy=False)


# ---------------------------------------------------------------------------
# composites and plans


@dataclass(frozen=True)
class Composite:
    """A mechanism g∘r: device r : Θ → ΔS and implementation g : S → X (§2)."""

    device: Device
    g: Mapping[Any, Any]

    def outcome(self, th: tuple) -> dict[Any, fmpq]:
        """(g∘r)(· : θ) as a lottery over outcomes."""
        lot: dict[Any, fmpq] = {}
        for s, q in self.device(th).items():
            if s not in self.g:
                raise ModelError(f"the implementation g does not map signal {label(s)!r}")
            x = self.g[s]
            lot[x] = lot.get(x, fmpq(0)) + q
        return lot

    def posteriors(self, p: Belief) -> list[tuple[Any, fmpq, Belief]]:
        """P(r, p) with the signals and their probabilities: ``(s, Pr(s), p|(r, s))``."""
        return self.device.posteriors(p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "device": {profile_label(th): {label(s): fmt(q) for s, q in self.device(th).items()} for th in self.device.profiles()},
            "g": {label(s): label(x) for s, x in self.g.items()},
        }


def constant(env: Environment, x: Any, s: Any = None) -> Composite:
    """1_s with g(s) = x: the constant mechanism implementing x."""
    x = env.resolve_outcome(x)
    s = label(x) if s is None else s
    return Composite(Device(env.types, lambda th: {s: 1}), {s: x})


def compound(r: Composite, plan: Mapping[Any, Composite]) -> Composite:
    """r∘ρ for a response plan ρ (§4): after signal s of r play ρ(s) (absent: keep s, 1_s).

    (r∘ρ)((s, s') : θ) = r(s : θ)·ρ(s)(s' : θ); the signal (s, s') is named ``s>s'``.
    """
    names: dict[tuple[Any, Any], str] = {}
    for s, resp in plan.items():
        for s2 in resp.device.signals():
            names[(s, s2)] = f"{label(s)}>{label(s2)}"
    kept = {s for s in r.g if s not in plan}
    if set(names.values()) & kept:
        raise ModelError("the compound's signal names collide with the device's; rename the response's signals")
    table = {}
    for th in r.device.profiles():
        acc: dict[Any, fmpq] = {}
        for s, q in r.device(th).items():
            if s in plan:
                for s2, q2 in plan[s].device(th).items():
                    acc[names[(s, s2)]] = acc.get(names[(s, s2)], fmpq(0)) + q * q2
            else:
                acc[s] = acc.get(s, fmpq(0)) + q
        table[th] = acc
    g = {s: x for s, x in r.g.items() if s not in plan}
    g.update({names[(s, s2)]: plan[s].g[s2] for (s, s2) in names})
    return Composite(Device(r.device.types, table), g)


@dataclass(frozen=True)
class SimplePlan:
    """ρ_s: after signal ``signal`` play ``response`` (a :class:`Composite`); keep every other signal."""

    signal: Any
    response: Composite

    def compound(self, r: Composite) -> Composite:
        """r∘ρ_s (§4); see :func:`compound`."""
        return compound(r, {self.signal: self.response})


@dataclass(frozen=True)
class BlockVerdict:
    """Whether ``plan`` B-blocks r at p; each clause of the definition with its exact numbers."""

    blocks: bool
    reason: str
    clauses: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.blocks


def blocks(env: Environment, plan: SimplePlan, r: Composite, p: Belief, B: Any, eps: Any) -> BlockVerdict:
    """Does the simple plan ρ_s B-block r at p (§4)?

    (i) v(ρ(s), p|(r,s)) − ε ≥ v̄(p|(r,s)) at the redesigned signal (reading 1);
    (ii) P(r∘ρ, p) ⊆ B;  (iii) r∘ρ ∉ IC(p) or v(r∘ρ, p) − ε < v̄(p).
    ρ(s) must be in IC(p|(r,s)) (a response plan), and s must have positive probability
    under p (reading 2).
    """
    _need_finite(env)
    e = check_eps(eps)
    B = _belief_set(B)
    posts = {s: (w, b) for s, w, b in r.posteriors(p)}
    if plan.signal not in posts:
        return BlockVerdict(False, f"signal {label(plan.signal)!r} has probability 0 under p: its posterior is free, nothing to redesign")
    w, b = posts[plan.signal]
    resp = plan.response
    sl = ic_slacks(env, resp.outcome, b)
    bad = {k: v for k, v in sl.items() if v < 0}
    if bad:
        k, v = next(iter(bad.items()))
        return BlockVerdict(False, f"ρ(s) is not in IC(p|(r,s)): {k} = {fmt(v)} < 0 (not a response plan)")
    vb, _ = vbar(env, b)
    vr = planner_value(env, resp.outcome, b)
    cl: dict[str, Any] = {"weight": fmt(w), "posterior": b.to_dict(), "value of ρ(s)": fmt(vr), "vbar(posterior)": fmt(vb)}
    if vr - e < vb:
        cl["(i)"] = False
        return BlockVerdict(False, f"(i) fails: v(ρ(s), p|(r,s)) − ε = {fmt(vr - e)} < v̄ = {fmt(vb)}", cl)
    cl["(i)"] = True
    comp = plan.compound(r)
    outside = [q for _, _, q in comp.posteriors(p) if q not in B]
    if outside:
        cl["(ii)"] = False
        return BlockVerdict(False, f"(ii) fails: posterior {outside[0]!r} of r∘ρ is not in B", cl)
    cl["(ii)"] = True
    slc = ic_slacks(env, comp.outcome, p)
    neg = {k: v for k, v in slc.items() if v < 0}
    vc = planner_value(env, comp.outcome, p)
    vp, _ = vbar(env, p)
    cl["IC of r∘ρ"] = {k: fmt(v) for k, v in slc.items()}
    cl["value of r∘ρ"] = fmt(vc)
    if neg:
        k, v = min(neg.items(), key=lambda kv: kv[1])
        cl["(iii)"] = True
        return BlockVerdict(True, f"blocks: r∘ρ_s is not IC at p ({k} = {fmt(v)} < 0)", cl)
    if vc - e < vp:
        cl["(iii)"] = True
        return BlockVerdict(True, f"blocks: v(r∘ρ_s, p) − ε = {fmt(vc - e)} < v̄(p) = {fmt(vp)}", cl)
    cl["(iii)"] = False
    return BlockVerdict(False, "(iii) fails: r∘ρ_s is IC at p and worth at least v̄(p) + ε", cl)


# ---------------------------------------------------------------------------
# the redesign LP: admissible ρ(s) at a posterior b


def _support_sub(b: Belief, p: Belief) -> bool:
    return all(p[th] > 0 for th in b.support())


def _members(B: Any, b: Belief) -> list[Belief]:
    """The beliefs of finite B whose support lies inside supp(b), in a fixed order."""
    sb = set(b.support())
    out = [c for c in B if set(c.support()) <= sb]
    out.sort(key=lambda c: tuple(c[th] for th in c.profiles()))
    return out


class _Redesign:
    """LP variables and rows describing every admissible ρ(s) at posterior b:
    ρ(s) ∈ IC(b), v(ρ(s), b) ≥ v̄(b) + ε, P(ρ(s), b) ⊆ B.

    For B = Δ the redesign is any outcome function F.  For a finite B it is a split
    μ_{c,y} ≥ 0 of b into beliefs c ∈ B (Σ μ_{c,y} c = b) with outcomes y, so on supp(b)
    F(y : θ) = Σ_c μ_{c,y} c(θ)/b(θ); off supp(b) F is free (fresh signals).
    """

    def __init__(self, env: Environment, b: Belief, B: Any, e: fmpq) -> None:
        self.env, self.b = env, b
        m = Model("min")
        F: dict[tuple, dict[Any, LinExpr]] = {}
        sb = set(b.support())
        self.split: list[tuple[str, Belief, Any]] = []
        self.finite = B is not ALL
        if B is ALL:
            free = env.profiles()
        else:
            free = [th for th in env.profiles() if th not in sb]
            members = _members(B, b)
            for j, c in enumerate(members):
                for y in env.outcomes:
                    name = f"mu[{j}|{label(y)}]"
                    m.var(name)
                    self.split.append((name, c, y))
            for th in b.support():
                F[th] = {}
                for name, c, y in self.split:
                    if c[th] != 0:
                        F[th][y] = F[th].get(y, LinExpr()) + LinExpr({name: c[th] / b[th]})
                m.add_row(f"split[{profile_label(th)}]", {n: c[th] for n, c, _ in self.split if c[th] != 0}, "==", b[th])
        for th in free:
            F[th] = {}
            for y in env.outcomes:
                name = f"F[{label(y)}|{profile_label(th)}]"
                m.var(name, 0, 1)
                F[th][y] = LinExpr({name: fmpq(1)})
            m.add_row(f"prob[{profile_label(th)}]", {f"F[{label(y)}|{profile_label(th)}]": 1 for y in env.outcomes}, "==", 1)
        self.F = F
        for k in _ic_keys(env):
            ex = _ic_expr(env, b, lambda th: F[th], k)
            if ex.terms:
                m.add_row(_ic_label(env, k), ex.terms, ">=", -ex.const)
            elif ex.const < 0:
                m.add_row(_ic_label(env, k), {}, ">=", -ex.const)
        vb, _ = vbar(env, b)
        val = LinExpr()
        for th in b.support():
            for y, ex in F[th].items():
                val = val + ex * (b[th] * env.value(y, th))
        m.add_row("value", val.terms, ">=", vb + e - val.const)
        self.model = m
        self.problem = m.to_problem()

    def solve(self, objective: LinExpr) -> LPResult:
        prob = dict(self.problem)
        prob["sense"] = "min"
        prob["objective"] = {v: fmt(c) for v, c in objective.terms.items() if c != 0}
        return solve_problem(prob)

    def response(self, primal: Mapping[str, fmpq]) -> Composite:
        """The redesign as a composite device: for B = Δ one signal per (profile, outcome)
        (fully revealing); for finite B one signal per used (c, y) plus fresh signals off supp(b)."""
        env, b = self.env, self.b
        sb = set(b.support())
        table: dict[tuple, dict[str, fmpq]] = {th: {} for th in env.profiles()}
        g: dict[str, Any] = {}
        for name, c, y in self.split:
            mu = primal.get(name, fmpq(0))
            if mu == 0:
                continue
            s = f"split{name[2:]}"
            g[s] = y
            for th in b.support():
                if c[th] != 0:
                    table[th][s] = mu * c[th] / b[th]
        for th, row in self.F.items():
            if self.finite and th in sb:
                continue
            for y, ex in row.items():
                q = sum((cf * primal.get(v, fmpq(0)) for v, cf in ex.terms.items()), fmpq(0))
                if q != 0:
                    s = f"{profile_label(th)}:{label(y)}"
                    g[s] = y
                    table[th][s] = q
        return Composite(Device(env.types, table), g)


def _delta_ic(env: Environment, p: Belief, lik: Callable[[tuple], fmpq], x0: Any, F: Mapping[tuple, Mapping[Any, Any]], k: tuple[int, Any, Any]) -> LinExpr:
    """The change of IC_k(r, p) when a signal with likelihood θ ↦ r(s : θ) = ``lik(θ)`` and
    outcome g(s) = x0 is redesigned into the outcome function F.  IC_k is linear in the
    outcome function, so this is IC_k of G(θ) = r(s : θ)·(F(θ) − δ_{x0}):
    Σ_{θ: θ_i=t} p(θ)[r(s:θ)(U(F(θ),θ) − u(x0,θ)) − r(s:θ̂)(U(F(θ̂),θ) − u(x0,θ))], θ̂ = (θ_{−i}, t')."""
    def G(th: tuple) -> dict[Any, Any]:
        q = lik(th)
        if q == 0:
            return {}
        out: dict[Any, Any] = {x: LinExpr.of(ex) * q for x, ex in F.get(th, {}).items()}
        out[x0] = LinExpr.of(out.get(x0, 0)) - q
        return out

    return _ic_expr(env, p, G, k)


@dataclass(frozen=True)
class CoverVerdict:
    """Whether r B-covers p; when not, the failing clause and (clause 3) the blocking plan."""

    covers: bool
    clause: str | None
    reason: str
    plan: SimplePlan | None = None
    block: BlockVerdict | None = None
    certificate: dict[str, Any] | None = None

    def __bool__(self) -> bool:
        return self.covers


def covers(env: Environment, r: Composite, p: Belief, B: Any, eps: Any) -> CoverVerdict:
    """Does r B-cover p (§4)?  Checked directly from the definition:

    1. r ∈ IC(p) and v(r, p) − ε ≥ v̄(p);  2. P(r, p) ⊆ B;
    3. no simple plan ρ_s B-blocks r: for every signal s of r(supp p) and every IC
       constraint k, the least value of IC_k(r∘ρ_s, p) over every admissible ρ_s(s)
       (an exact LP) is ≥ 0.  (Given clause 1, the value clause of (iii) cannot hold:
       redesigning s raises v by at least Pr(s)·ε.)

    A "not covered" verdict through clause 3 carries the blocking plan, re-checked by
    :func:`blocks`; a "covered" verdict carries the LP minima (each certified).
    """
    _need_finite(env)
    _check_belief(env, p)
    e = check_eps(eps)
    B = _belief_set(B)
    sl = ic_slacks(env, r.outcome, p)
    neg = {k: v for k, v in sl.items() if v < 0}
    if neg:
        k, v = next(iter(neg.items()))
        return CoverVerdict(False, "1", f"r is not IC at p: {k} = {fmt(v)} < 0")
    vr = planner_value(env, r.outcome, p)
    vp, _ = vbar(env, p)
    if vr - e < vp:
        return CoverVerdict(False, "1", f"v(r, p) − ε = {fmt(vr - e)} < v̄(p) = {fmt(vp)}")
    posts = r.posteriors(p)
    for s, _, b in posts:
        if b not in B:
            return CoverVerdict(False, "2", f"posterior after signal {label(s)!r} is not in B: {b.to_dict()}")
    minima: dict[str, dict[str, str]] = {}
    for s, _, b in posts:
        red = _Redesign(env, b, B, e)
        minima[label(s)] = {}
        for k in _ic_keys(env):
            obj = _delta_ic(env, p, lambda th, s=s: r.device.prob(s, th), r.g[s], red.F, k)
            res = red.solve(obj)
            if res.status.value == "infeasible":
                minima[label(s)] = {"redesign": "none admissible"}
                break
            low = res.value + obj.const
            minima[label(s)][_ic_label(env, k)] = fmt(low)
            if sl[_ic_label(env, k)] + low < 0:
                plan = SimplePlan(s, red.response(res.primal))
                bv = blocks(env, plan, r, p, B, e)
                if not bv.blocks:  # pragma: no cover - the two computations disagree
                    raise ModelError(f"internal: the LP's blocking plan at {label(s)!r} does not block ({bv.reason})")
                return CoverVerdict(False, "3", f"a simple plan at signal {label(s)!r} blocks r: {bv.reason}", plan, bv)
    cert = {"IC": {k: fmt(v) for k, v in sl.items()}, "value": fmt(vr), "vbar": fmt(vp), "least IC change per signal": minima}
    return CoverVerdict(True, None, "r covers p: IC, value ≥ v̄ + ε, posteriors in B, and no simple plan breaks an IC constraint", certificate=cert)


# ---------------------------------------------------------------------------
# existence: is p covered by some r?


def fully_revealing(env: Environment, f: Callable[[tuple], Mapping[Any, Any]]) -> Composite:
    """The fully revealing device of f: at θ signal ``θ:x`` with probability f(x : θ)."""
    table: dict[tuple, dict[str, fmpq]] = {}
    g: dict[str, Any] = {}
    for th in env.profiles():
        table[th] = {}
        for x, q in f(th).items():
            if Q(q) != 0:
                s = f"{profile_label(th)}:{label(x)}"
                table[th][s] = Q(q)
                g[s] = x
    return Composite(Device(env.types, table), g)


def vertices(env: Environment) -> list[Belief]:
    """The degenerate beliefs δ_θ (Lemma 1: never covered)."""
    return [Belief(env.types, {th: 1}, name=f"delta[{profile_label(th)}]") for th in env.profiles()]


@dataclass
class Covering:
    """The answer to "is p B-covered by some r?".

    ``covered``; ``method`` ("revelation" or "elimination"); ``witness`` (a
    :class:`Composite` checked by :func:`covers`); ``evidence`` (JSON-ready: the LP
    certificate of V*(p), or the elimination rounds and the final Farkas certificate).
    """

    covered: bool
    method: str
    value: fmpq
    vbar: fmpq
    witness: Composite | None
    evidence: dict[str, Any]
    commitment_certificate: dict[str, Any] | None = None  # the LP certificate of V*(p)

    def to_dict(self) -> dict[str, Any]:
        return {
            "covered": self.covered, "method": self.method, "commitment value": fmt(self.value), "vbar": fmt(self.vbar),
            "witness": None if self.witness is None else self.witness.to_dict(), "evidence": self.evidence,
        }


def covered(env: Environment, p: Belief, B: Any = ALL, eps: Any = "1/10", *, check: bool = True) -> Covering:
    """Is there an r that B-covers p?  (B = ``ALL`` or a finite collection of beliefs.)

    *Revelation* (B contains δ_θ for every θ ∈ supp p): covered iff V*(p) ≥ v̄(p) + ε; the
    witness is the fully revealing device of the LP optimum; the evidence is the LP
    certificate of V*(p) (module docstring).

    *Elimination* (otherwise): pairs A = {(c, x) : c ∈ B, supp c ⊆ supp p, x ∈ X}; for
    each pair and IC constraint k, D_k(c, x) = least change of IC_k per unit weight over
    the admissible redesigns (+∞ if none).  Repeat: maximise Σ_k s_k over the homogenised
    split polytope {Σ λ_{c,x} c = τp, Σ_x φ(x|θ̂) = τ off supp p, v ≥ τ(v̄(p)+ε),
    IC_k ≥ s_k, 0 ≤ s_k ≤ 1, τ ≥ 1}; if infeasible, p is not covered (Farkas certificate);
    otherwise the rows with s_k = 0 are exactly the implicit equalities (any feasible
    point scales and averages into one with slack ≥ 1 on every other row), the pairs
    (c, x) with D_k(c, x) < 0 for such a k can never be used, and they are removed.  When
    nothing is removed, the optimum, with every used pair split into ⌈λ|D_k|/IC_k⌉
    copies, covers p.  ``check`` re-checks every witness with :func:`covers`.
    """
    _need_finite(env)
    _check_belief(env, p)
    e = check_eps(eps)
    B = _belief_set(B)
    vp, _ = vbar(env, p)
    star = commitment_value(env, p)
    V = star.value
    if V - e < vp:
        ev = {"reason": f"V*(p) = {fmt(V)} < v̄(p) + ε = {fmt(vp + e)}: no IC device is worth v̄(p) + ε",
              "certificate": star.certificate}
        return Covering(False, "revelation", V, vp, None, ev, star.certificate)
    if B is ALL or all(d in B for d in vertices(env) if _support_sub(d, p)):
        w = fully_revealing(env, star.mechanism)
        if check:
            cv = covers(env, w, p, B, e)
            if not cv.covers:  # pragma: no cover - contradicts the revelation theorem
                raise ModelError(f"internal: the fully revealing witness does not cover p ({cv.reason})")
        ev = {"reason": f"V*(p) = {fmt(V)} ≥ v̄(p) + ε = {fmt(vp + e)}; the fully revealing device of the optimum covers p",
              "certificate": star.certificate}
        return Covering(True, "revelation", V, vp, w, ev, star.certificate)
    res = _eliminate(env, p, B, e, V, vp, check)
    res.commitment_certificate = star.certificate
    return res


class _Threats:
    """D_k(c, x) — the least change of IC_k per unit weight of a copy of pair (c, x) over
    the admissible redesigns (None: none admissible) — computed on demand and cached: one
    LP per (posterior, IC row) gives every outcome x at once (x enters only as a constant)."""

    def __init__(self, env: Environment, p: Belief, members: list[Belief], B: Any, e: fmpq) -> None:
        self.env, self.p, self.members, self.B, self.e = env, p, members, B, e
        self.sp = set(p.support())
        self._red: dict[int, _Redesign] = {}
        self._val: dict[tuple[int, tuple], dict[Any, fmpq | None]] = {}

    def get(self, jx: tuple[int, Any], k: tuple[int, Any, Any]) -> fmpq | None:
        j, x = jx
        key = (j, k)
        if key not in self._val:
            env, p, c = self.env, self.p, self.members[j]
            if j not in self._red:
                self._red[j] = _Redesign(env, c, self.B, self.e)
            red = self._red[j]

            def lik(th: tuple) -> fmpq:
                return c[th] / p[th] if th in self.sp else fmpq(0)

            res = red.solve(_delta_ic(env, p, lik, env.outcomes[0], red.F, k))
            # the redesign's part is the LP's minimum; the kept outcome's part a constant
            self._val[key] = {y: None if res.status.value == "infeasible" else res.value + _delta_ic(env, p, lik, y, {}, k).const
                              for y in env.outcomes}
        return self._val[key][x]

    def negative(self, jx: tuple[int, Any], k: tuple[int, Any, Any]) -> bool:
        d = self.get(jx, k)
        return d is not None and d < 0


def _eliminate(env: Environment, p: Belief, B: frozenset, e: fmpq, V: fmpq, vp: fmpq, check: bool) -> Covering:
    keys = _ic_keys(env)
    sp = set(p.support())
    off = [th for th in env.profiles() if th not in sp]
    members = _members(B, p)
    pairs = [(j, c, x) for j, c in enumerate(members) for x in env.outcomes]
    D = _Threats(env, p, members, B, e)
    allowed = {(j, x) for j, _, x in pairs}
    rounds: list[dict[str, Any]] = []
    while True:
        m = Model("max")
        tau = m.var("tau", 1, None)
        lam = {jx: m.var(f"lam[{jx[0]}|{label(jx[1])}]") for jx in sorted(allowed, key=lambda t: (t[0], env.outcomes.index(t[1])))}
        phi = {(th, x): m.var(f"phi[{label(x)}|{profile_label(th)}]") for th in off for x in env.outcomes}
        for th in p.support():
            ex = LinExpr()
            for (j, _), v in lam.items():
                if members[j][th] != 0:
                    ex = ex + v * members[j][th]
            m.add(ex - tau * p[th] == 0, name=f"split[{profile_label(th)}]")
        for th in off:
            m.add(sum((phi[(th, x)] for x in env.outcomes), LinExpr()) - tau == 0, name=f"prob[{profile_label(th)}]")

        def Fh(th: tuple, lam: dict = lam, phi: dict = phi) -> dict[Any, LinExpr]:
            if th in sp:
                row: dict[Any, LinExpr] = {}
                for (j, x), v in lam.items():
                    c = members[j]
                    if c[th] != 0:
                        row[x] = row.get(x, LinExpr()) + v * (c[th] / p[th])
                return row
            return {x: LinExpr.of(phi[(th, x)]) for x in env.outcomes}

        val = LinExpr()
        for (j, x), v in lam.items():
            c = members[j]
            val = val + v * sum((c[th] * env.value(x, th) for th in c.support()), fmpq(0))
        m.add(val - tau * (vp + e) >= 0, name="value")
        svars = {}
        for k in keys:
            sk = m.var(f"s[{_ic_label(env, k)}]", 0, 1)
            svars[k] = sk
            m.add(_ic_expr(env, p, Fh, k) - sk >= 0, name=_ic_label(env, k))
        m.maximize(sum(svars.values(), LinExpr()))
        res = m.solve()
        if res.status.value == "infeasible":
            ev = {"reason": "no split of p into the remaining pairs is IC with value ≥ v̄(p) + ε",
                  "rounds": rounds, "certificate": res.certificate()}
            return Covering(False, "elimination", V, vp, None, ev)
        implicit = [k for k in keys if res.primal[f"s[{_ic_label(env, k)}]"] == 0]
        removed = {jx for jx in allowed if any(D.negative(jx, k) for k in implicit)}
        if not removed:
            return _witness(env, p, B, e, V, vp, res, lam, phi, members, D, keys, off, rounds, check)
        rounds.append({
            "implicit equalities": [_ic_label(env, k) for k in implicit],
            "removed pairs": [{"posterior": members[j].to_dict(), "outcome": label(x),
                               "threat": {_ic_label(env, k): fmt(D.get((j, x), k)) for k in implicit if D.negative((j, x), k)}}
                              for j, x in sorted(removed, key=lambda t: (t[0], env.outcomes.index(t[1])))],
            "certificate": res.certificate(),
        })
        allowed -= removed


def _witness(env, p, B, e, V, vp, res, lam, phi, members, D, keys, off, rounds, check):  # type: ignore[no-untyped-def]
    tau = res.primal["tau"]
    point = {jx: res.primal[v.name] / tau for jx, v in lam.items() if res.primal[v.name] != 0}
    ics: dict[tuple, fmpq] = {}
    table: dict[tuple, dict[str, fmpq]] = {th: {} for th in env.profiles()}
    g: dict[str, Any] = {}
    for th in off:
        for x in env.outcomes:
            q = res.primal[phi[(th, x)].name] / tau
            if q != 0:
                s = f"{profile_label(th)}:{label(x)}"
                table[th][s] = q
                g[s] = x
    f = {th: {} for th in env.profiles()}
    for (j, x), lamq in point.items():
        for th in members[j].support():
            f[th][x] = f[th].get(x, fmpq(0)) + lamq * members[j][th] / p[th]
    for th in off:
        for s, q in table[th].items():
            f[th][g[s]] = f[th].get(g[s], fmpq(0)) + q
    for k in keys:
        ics[k] = _ic_expr(env, p, lambda th: f[th], k).const
    for (j, x), lamq in point.items():
        n = 1
        for k in keys:
            d = D.get((j, x), k)
            if d is not None and d < 0:
                n = max(n, _ceil(lamq * (-d) / ics[k]))  # ics[k] > 0: k is not an implicit equality
        for copy in range(n):
            s = f"b{j}:{label(x)}#{copy}"
            g[s] = x
            for th in members[j].support():
                table[th][s] = lamq / n * members[j][th] / p[th]
    w = Composite(Device(env.types, table), g)
    if check:
        cv = covers(env, w, p, B, e)
        if not cv.covers:  # pragma: no cover - the elimination argument fails
            raise ModelError(f"internal: the elimination witness does not cover p ({cv.reason})")
    ev = {"reason": "a split of p into copies of small weight covers p", "rounds": rounds, "certificate": res.certificate()}
    return Covering(True, "elimination", V, vp, w, ev)


def _ceil(q: fmpq) -> int:
    n, d = int(q.p), int(q.q)
    return -((-n) // d)


# ---------------------------------------------------------------------------
# universes and the UC sequence


#: the most beliefs :func:`grid` builds (checked before any work)
MAX_GRID_BELIEFS = 100_000


def grid(types: Sequence[Sequence[Any]], N: int) -> list[Belief]:
    """G_N = {p : N·p(θ) ∈ ℤ for all θ}, in lexicographic order of (N·p(θ))_θ."""
    if not isinstance(N, int) or isinstance(N, bool) or N < 1:
        raise ModelError(f"grid N={N!r} must be a positive integer")
    profiles = list(itertools.product(*types))
    m = len(profiles)
    if m > 1 and (N > MAX_GRID_BELIEFS or math.comb(N + m - 1, m - 1) > MAX_GRID_BELIEFS):
        count = "more than" if N > MAX_GRID_BELIEFS else f"{math.comb(N + m - 1, m - 1)}, more than"
        raise ModelError(f"grid N={N} over {m} profiles has {count} {MAX_GRID_BELIEFS} beliefs (the limit)")
    out = []
    for bars in itertools.combinations(range(N + m - 1), m - 1):
        cuts = (-1,) + bars + (N + m - 1,)
        counts = [cuts[i + 1] - cuts[i] - 1 for i in range(m)]
        out.append(Belief(types, {th: fmpq(c, N) for th, c in zip(profiles, counts)}, name="p"))
    out.sort(key=lambda b: tuple(-b[th] for th in b.profiles()))
    return out


_DECODED: dict[tuple[int, int], tuple[Any, Any, Environment, Any]] = {}


def _decode(env_dict: Any, B_dicts: Any) -> tuple[Environment, Any]:
    """Environment and B of a job, decoded once per process and unpickled object: the jobs
    of one chunk (and every job of a serial run) share the same dicts (pickle memoises them)."""
    key = (id(env_dict), id(B_dicts))
    hit = _DECODED.get(key)
    if hit is None or hit[0] is not env_dict or hit[1] is not B_dicts:
        if len(_DECODED) > 8:
            _DECODED.clear()
        env = Environment.from_dict(env_dict)
        B = ALL if B_dicts is None else frozenset(Belief(env.types, d) for d in B_dicts)
        hit = (env_dict, B_dicts, env, B)  # the dicts are kept, so their ids stay theirs
        _DECODED[key] = hit
    return hit[2], hit[3]


def _decide_one(args: tuple) -> tuple:
    env_dict, p_dict, B_dicts, eps = args[:4]
    env, B = _decode(env_dict, B_dicts)
    p = Belief(env.types, p_dict)
    cv = covered(env, p, B, eps)
    if len(args) > 4 and args[4]:
        # standalone evidence: the witness of a covered verdict, the V*(p) LP of an uncovered revelation verdict
        lp = cv.commitment_certificate if not cv.covered and cv.method == "revelation" else None
        return cv.covered, cv.method, None if cv.witness is None else cv.witness.to_dict(), lp
    return cv.covered, cv.method


def uncovered(env: Environment, universe: Sequence[Belief], B: Any = ALL, eps: Any = "1/10", *, evidence: bool = False,
              **sweep: Any) -> list[tuple]:
    """UC_G(B) on the universe G: for each p ∈ G, ``(p, covered, method)`` — with
    ``evidence=True`` ``(p, covered, method, witness, lp)``: the covering witness as JSON
    (covered), the V*(p) LP certificate (uncovered by revelation), else None.

    One independent job per belief, run by :func:`exactmd.sweep.run` (``workers``,
    ``scheduler``, ``executor``, ``progress``, ``chunksize`` are passed on; in parallel
    the default is about eight chunks per worker).
    """
    from .sweep import run

    _need_finite(env)
    e = check_eps(eps)
    B = _belief_set(B)
    ed = env.to_dict()
    Bd = None if B is ALL else [b.to_dict() for b in sorted(B, key=lambda c: tuple(c[th] for th in c.profiles()))]
    jobs = [(ed, p.to_dict(), Bd, fmt(e), True) if evidence else (ed, p.to_dict(), Bd, fmt(e)) for p in universe]
    if sweep.get("chunksize") is None and (sweep.get("executor") or sweep.get("scheduler") or (sweep.get("workers") or 1) > 1):
        # a few chunks per worker: the environment and B travel (and are decoded) once per chunk
        sweep["chunksize"] = max(1, -(-len(jobs) // (8 * max(2, sweep.get("workers") or 2))))
    res = run(_decide_one, jobs, desc="beliefs", **sweep)
    return [(p, *r) for p, r in zip(universe, res)]


@dataclass
class UCSequence:
    """UC⁰, UC¹, … on a named universe until an iterate repeats; UC* = ∩ UCᵗ."""

    universe: str
    eps: fmpq
    iterates: list[list[Belief]]
    repeats_at: int
    monotone_increasing: bool
    monotone_decreasing: bool
    beliefs: list[Belief] = field(default_factory=list)  # the universe G, in order
    evidence: list[list[tuple]] | None = None  # per iterate, per belief of G: (covered, method, witness, lp)

    @property
    def star(self) -> list[Belief]:
        s = set(self.iterates[0])
        for it in self.iterates[1:]:
            s &= set(it)
        return [b for b in self.iterates[0] if b in s]

    def to_dict(self) -> dict[str, Any]:
        return {
            "universe": self.universe, "eps": fmt(self.eps),
            "sizes": [len(it) for it in self.iterates], "repeats": f"UC^{len(self.iterates) - 1} = UC^{self.repeats_at}",
            "monotone (UC^t ⊆ UC^t+1)": self.monotone_increasing, "monotone (UC^t+1 ⊆ UC^t)": self.monotone_decreasing,
            "iterates": [[b.to_dict() for b in it] for it in self.iterates],
            "UC*": [b.to_dict() for b in self.star],
        }


def uc_sequence(env: Environment, universe: Sequence[Belief], eps: Any = "1/10", *, name: str = "G", max_iter: int = 50,
                evidence: bool = False, **sweep: Any) -> UCSequence:
    """The iterates UC⁰ = UC_G(Δ), UCᵗ⁺¹ = UC_G(UCᵗ) until one repeats; whether the sequence is
    monotone (the paper asserts UCᵗ ⊆ UCᵗ⁺¹ — reported, not assumed); UC* = ∩_t UCᵗ.
    ``evidence=True`` keeps, per iterate and belief, the evidence of :func:`uncovered`."""
    e = check_eps(eps)
    G = list(universe)
    its: list[list[Belief]] = []
    ev: list[list[tuple]] = []
    B: Any = ALL
    while True:
        res = uncovered(env, G, B, e, evidence=evidence, **sweep)
        it = [r[0] for r in res if not r[1]]
        if evidence:
            ev.append([tuple(r[1:]) for r in res])
        sets = [frozenset(x) for x in its]
        fs = frozenset(it)
        its.append(it)
        if fs in sets:
            rep = sets.index(fs)
            break
        if len(its) > max_iter:
            raise ModelError(f"the UC sequence did not repeat within {max_iter} iterates")
        B = fs
    inc = all(set(a) <= set(b) for a, b in zip(its, its[1:]))
    dec = all(set(b) <= set(a) for a, b in zip(its, its[1:]))
    return UCSequence(name, e, its, rep, inc, dec, G, ev if evidence else None)


# ---------------------------------------------------------------------------
# certificates (format exactmd-commitment-certificate/1)

COMMITMENT_FORMAT = "exactmd-commitment-certificate/1"


def _B_to_json(B: Any) -> Any:
    if B is ALL:
        return "all"
    return [b.to_dict() for b in sorted(B, key=lambda c: tuple(c[th] for th in c.profiles()))]


def composite_from_dict(env: Environment, d: Mapping[str, Any]) -> Composite:
    """Inverse of :meth:`Composite.to_dict` (signals are strings; outcomes resolved in env)."""
    if not isinstance(d, Mapping) or not isinstance(d.get("device"), Mapping) or not isinstance(d.get("g"), Mapping) \
            or set(d) != {"device", "g"}:
        raise ModelError("a device must be an object {\"device\": {profile: {signal: probability}}, \"g\": {signal: outcome}}")
    for k, v in d["device"].items():
        if not isinstance(v, Mapping):
            raise ModelError(f"device row {k!r} must be an object {{signal: probability}}")
    dev = Device(env.types, {k: dict(v) for k, v in d["device"].items()})
    g = {s: env.resolve_outcome(x) for s, x in d["g"].items()}
    return Composite(dev, g)


def json_belief(p: Belief) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in p.to_dict().items()) + "}"


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


# ---------------------------------------------------------------------------
# finite-state choice rules (§3 Definitions 1–3; the σ* of eqs. (13)–(15))

STOP = "stop"


@dataclass(frozen=True)
class FiniteStateRule:
    """A choice rule σ that depends on (phase of h, supp p|h, last signal s) only, over a
    finite signal set S with a fixed implementation g : S → X (as σ* of eqs. (13)–(15)).

    ``action(phase, support, s)`` is :data:`STOP` (implement g(s): σ(h) = 1_s) or a
    :class:`Composite` over ``signals`` to play next; ``next_phase(phase, support)`` is the
    phase of h' = (h, (r, s)) from the phase of h and supp p|h' (eq. 14).  ``ir`` adds
    participation to IC(p): ``None``, ``"interim-IR"`` or ``"ex-post-IR"`` (§4.1).

    Readings: (a) ``reading="current"``: ``action`` gets the phase of the history h at which
    σ acts (as the cases of Lemma 7's proof use it); ``reading="previous"``: it gets the
    phase of h's predecessor, as (15) is written ("σ*(h') = … if … h ∈ H⁰" for
    h' = (h, (r, s))); (b) a signal of r(Θ) with probability 0 gets the current
    belief as its off-path posterior (as in case 4 of that proof); (c) devices use the
    signals S only, and the compound r∘σ names each final signal by its label in S.
    """

    env: Environment
    signals: tuple[str, ...]
    g: Mapping[str, Any]
    action: Callable[[int, frozenset, str], Any]
    next_phase: Callable[[int, frozenset], int]
    ir: str | None = None
    reading: str = "current"

    def after(self, phase: int, S: frozenset, s: str) -> Any:
        """σ(h, (r, s)) for h of phase ``phase`` when the posterior has support S."""
        nxt = self.next_phase(phase, S)
        return self.action(phase if self.reading == "previous" else nxt, S, s)


def _subsets(xs: Sequence[tuple]) -> list[frozenset]:
    return [frozenset(c) for k in range(len(xs) + 1) for c in itertools.combinations(xs, k)]


def _pattern_model(rule: FiniteStateRule, p: Belief, pattern: Mapping[str, frozenset], off_ok: Mapping[str, bool],
                   compound: Mapping[str, Any] | None = None) -> tuple[Model, dict, dict[tuple, dict[Any, LinExpr]]]:
    """Devices r over S with on-support positivity pattern ``pattern`` (s ↦ the profiles of
    supp p that send s), IC(p) (+ IR), and, when ``compound`` (s ↦ STOP or the device σ plays
    after s) is given, IC(p) of r∘σ too.  Returns the model, r's variables, r's outcome rows."""
    env = rule.env
    sp = set(p.support())
    m = Model("max")
    r: dict[tuple, Any] = {}
    for th in env.profiles():
        for s in rule.signals:
            on = th in sp
            allowed = (th in pattern[s]) if on else off_ok[s]
            if allowed and rule.ir == "ex-post-IR" and any(env.utility(i, rule.g[s], th) < 0 for i in range(env.n)):
                allowed = False
            if allowed:
                r[(s, th)] = m.var(f"r[{s}|{profile_label(th)}]", 0, 1)
        m.add(sum((r[(s, th)] for s in rule.signals if (s, th) in r), LinExpr()) == 1, name=f"prob[{profile_label(th)}]")
    F = {th: {} for th in env.profiles()}
    for (s, th), v in r.items():
        F[th][rule.g[s]] = F[th].get(rule.g[s], LinExpr()) + v

    def rows(Fx: Mapping[tuple, Mapping[Any, LinExpr]], tag: str) -> None:
        for k in _ic_keys(env):
            ex = _ic_expr(env, p, lambda th: Fx[th], k)
            m.add(ex >= 0, name=f"{tag}{_ic_label(env, k)}")
        if rule.ir == "interim-IR":
            for row, terms in _family_terms(env, p, "interim-IR"):
                ex = _substitute(terms, lambda th: Fx[th])
                if ex.terms:
                    m.add_row(f"{tag}{row.label}", ex.terms, row.op, row.rhs - ex.const)

    rows(F, "")
    if compound is not None:
        Fc = {th: {} for th in env.profiles()}
        for (s, th), v in r.items():
            nxt = compound[s]
            if nxt is STOP:
                Fc[th][rule.g[s]] = Fc[th].get(rule.g[s], LinExpr()) + v
            else:
                for s2, q in nxt.device(th).items():
                    x = nxt.g[s2]
                    Fc[th][x] = Fc[th].get(x, LinExpr()) + v * q
        rows(Fc, "compound ")
    return m, r, F


@dataclass
class RuleCheck:
    """Definitions 1–3 for a finite-state rule at one state (phase, p|h, s).

    ``choice_set`` lists the realisable signal patterns of C^σ(h) (s ↦ posterior support)
    with the best planner value of each; ``sup`` is sup{v(r, p) : r ∈ C^σ(h)} (None if
    C^σ(h) is empty); ``value`` is v(σ(h), p); ``strategic``/``structural`` the verdicts
    with reasons.  Every LP answer behind them is certified.
    """

    phase: int
    belief: Belief
    signal: str
    action: Any
    choice_set: list[dict[str, Any]]
    sup: fmpq | None
    value: fmpq
    strategic: tuple[bool, str]
    structural: tuple[bool, str]

    def eps_optimal(self, eps: Any = 0) -> bool:
        e = Q(eps, name="eps")
        return self.sup is None or self.value >= self.sup - e


def _stop_after(rule: FiniteStateRule, phase: int, S: frozenset, s: str) -> bool:
    return rule.after(phase, S, s) is STOP


def _patterns(rule: FiniteStateRule, p: Belief, *, in_choice_set: bool, phase: int) -> Iterable[tuple[dict, dict]]:
    supp = p.support()
    full = frozenset(supp)
    opts = {}
    for s in rule.signals:
        opts[s] = [S for S in _subsets(supp) if not in_choice_set or not S or _stop_after(rule, phase, S, s)]
    off_ok = {s: True for s in rule.signals}
    for combo in itertools.product(*(opts[s] for s in rule.signals)):
        pattern = dict(zip(rule.signals, combo))
        if frozenset().union(*combo) != full:
            continue
        if in_choice_set:
            # a signal sent only off the support gets the current belief (reading b)
            off = {s: bool(pattern[s]) or _stop_after(rule, phase, full, s) for s in rule.signals}
        else:
            off = off_ok
        yield pattern, off


def _strictly(m: Model, r: dict, pattern: Mapping[str, frozenset]) -> LPResult:
    t = m.var("_t", 0, 1)
    for s, S in pattern.items():
        for th in S:
            if (s, th) not in r:
                return None  # type: ignore[return-value]
            m.add(r[(s, th)] - t >= 0, name=f"pos[{s}|{profile_label(th)}]")
    m.maximize(LinExpr.of(t))
    return m.solve()


def _choice_set(rule: FiniteStateRule, phase: int, p: Belief) -> tuple[list[dict[str, Any]], fmpq | None]:
    """C^σ(h) at a history of phase ``phase`` with belief p: its realisable signal patterns
    (σ stops after every signal) with the best planner value of each, and the sup."""
    env = rule.env
    cs: list[dict[str, Any]] = []
    sup: fmpq | None = None
    for pattern, off in _patterns(rule, p, in_choice_set=True, phase=phase):
        m, r, _ = _pattern_model(rule, p, pattern, off)
        res = _strictly(m, r, pattern)
        if res is None or res.status.value != "optimal" or res.value <= 0:
            continue
        m2, _, F2 = _pattern_model(rule, p, pattern, off)
        val = LinExpr()
        for th in p.support():
            for x, e in F2[th].items():
                val = val + e * (p[th] * env.value(x, th))
        m2.maximize(val)
        best = m2.solve()
        cs.append({"pattern": {k: sorted(profile_label(th) for th in S) for k, S in pattern.items() if S}, "best value": best.value})
        sup = best.value if sup is None or best.value > sup else sup
    return cs, sup


def _structural(rule: FiniteStateRule, phase: int, p: Belief) -> tuple[bool, str]:
    """Definition 2 at a history of phase ``phase``: is there an IC device r with r∘σ IC but
    not in C^σ(h)?  One strict-feasibility LP per signal pattern of r."""
    full = frozenset(p.support())
    for pattern, off in _patterns(rule, p, in_choice_set=False, phase=phase):
        comp: dict[str, Any] = {}
        finals: dict[str, set] = {}
        for s1 in rule.signals:
            S = pattern[s1] or full
            nxt = rule.after(phase, S, s1)
            comp[s1] = nxt
            for th in pattern[s1]:
                if nxt is STOP:
                    finals.setdefault(s1, set()).add(th)
                else:
                    for s2 in nxt.device(th):
                        finals.setdefault(s2, set()).add(th)
        if all(_stop_after(rule, phase, frozenset(S), s2) for s2, S in finals.items()):
            continue  # r∘σ is in C^σ(h) whenever it is IC
        m, r, _ = _pattern_model(rule, p, pattern, off, comp)
        res = _strictly(m, r, pattern)
        if res is not None and res.status.value == "optimal" and res.value > 0:
            return (False, "an IC device with signal pattern " + json.dumps(
                {k: sorted(profile_label(th) for th in S) for k, S in pattern.items() if S}, ensure_ascii=False)
                + " has r∘σ ∈ IC(p|h) but σ redesigns after a signal of r∘σ")
    return (True, "no IC device r with r∘σ ∈ IC(p|h) \\ C^σ(h)")


def check_rule_at(rule: FiniteStateRule, prev_phase: int, p: Belief, s: str, *,
                  _memo: dict[tuple, Any] | None = None) -> RuleCheck:
    """Strategic consistency (Def. 1), the sup for ε-optimality (Def. 3) and structural
    consistency (Def. 2) of a finite-state rule at a history h = (h⁻, (r, s)) whose
    predecessor h⁻ has phase ``prev_phase``, with belief p|h = ``p``.  The choice set and
    structural consistency depend on (phase of h, p) only; ``_memo`` shares them between
    the last signals of one state."""
    env = rule.env
    full = frozenset(p.support())
    phase = rule.next_phase(prev_phase, full)
    act = rule.action(prev_phase if rule.reading == "previous" else phase, full, s)
    key = (phase, p)
    if _memo is not None and key in _memo:
        cs, sup, structural = _memo[key]
    else:
        cs, sup = _choice_set(rule, phase, p)
        structural = _structural(rule, phase, p)
        if _memo is not None:
            _memo[key] = (cs, sup, structural)
    if act is STOP:
        value = sum((p[th] * env.value(rule.g[s], th) for th in p.support()), fmpq(0))
        strategic = (True, "σ(h) = stop: g(s) is implemented (consistent by definition)")
    else:
        value = planner_value(env, act.outcome, p)
        bad = []
        sl = ic_slacks(env, act.outcome, p)
        neg = [k for k, v in sl.items() if v < 0]
        if neg:
            bad.append(f"σ(h) is not IC at p|h ({neg[0]} = {fmt(sl[neg[0]])})")
        posts = {s2: b for s2, _, b in act.posteriors(p)}
        for s2 in act.device.signals():
            S = frozenset(posts[s2].support()) if s2 in posts else full
            if not _stop_after(rule, phase, S, s2):
                bad.append(f"after σ(h)'s signal {s2} (posterior support {sorted(profile_label(t) for t in S)}) σ does not stop")
        strategic = (not bad, "; ".join(bad) if bad else "σ(h) is IC and σ stops after each of its signals: σ(h) ∈ C^σ(h)")
    return RuleCheck(phase, p, s, act, cs, sup, value, strategic, structural)


# ---------------------------------------------------------------------------------
# Lemma 7's choice rule σ* (eqs. 13–15) as a finite-state rule, and the nine cases
SIGNALS_13 = ("<hi,hi>", "<hi,lo>", "<lo,lo>", "0")
G_STAR_13 = {"<hi,hi>": "T_hi", "<hi,lo>": "T_mid", "<lo,lo>": "T_lo", "0": "N"}


def sigma_star(t_lo: Any, t_hi: Any, weights: Sequence[Any] = ("1/3", "1/3", "1/3"), ir: str | None = "interim-IR",
               reading: str = "current") -> Any:
    """σ* of eq. (15) with g* of eq. (13) on :func:`lemma_7_environment`, as a
    :class:`~exactmd.commitment.FiniteStateRule` (phases by eq. 14; ``reading`` says whose
    phase (15)'s conditions test — see :class:`~exactmd.commitment.FiniteStateRule`)."""
    from .papers.vartiainen2014.continuation import lemma_7_environment

    env = lemma_7_environment(t_lo, t_hi, weights)
    lo, hi = Q(t_lo), Q(t_hi)
    HH, HL, LL = (hi, hi), (hi, lo), (lo, lo)

    def dev(rule: Any) -> Any:
        return Composite(Device(env.types, lambda th: {rule(th): 1}), dict(G_STAR_13))

    one = {s: dev(lambda th, s=s: s) for s in SIGNALS_13}
    r_star = dev(lambda th: "<hi,lo>" if th == HL else "0")
    r_2star = dev(lambda th: "<lo,lo>" if th == LL else ("<hi,hi>" if th == HH else "0"))
    own = {frozenset({HL, LL}): "<lo,lo>", frozenset({HH, HL}): "<hi,hi>", frozenset({HH}): "<hi,hi>",
           frozenset({HL}): "<hi,lo>", frozenset({LL}): "<lo,lo>"}

    def action(phase: int, S: frozenset, s: str) -> Any:
        if S == frozenset({HH, HL, LL}):
            return (STOP if s == "0" else one["0"]) if phase == 0 else r_star
        if S == frozenset({HH, LL}):
            return (STOP if s == "0" else one["0"]) if phase == 0 else r_2star
        if S in own:
            return STOP if s == own[S] else one[own[S]]
        raise ModelError(f"σ* is not defined at support {sorted(profile_label(t) for t in S)}")

    def next_phase(phase: int, S: frozenset) -> int:
        return 1 if phase == 0 and {HH, LL} <= S else 0

    if reading not in ("current", "previous"):
        raise ModelError(f"reading={reading!r} must be 'current' or 'previous'")
    return FiniteStateRule(env, SIGNALS_13, dict(G_STAR_13), action, next_phase, ir, reading)


LEMMA_7_CASES = (  # (case, support, phase of h, the choice set the proof states)
    (1, ("HH", "HL", "LL"), 0, "C \\ {1_0} = ∅"),
    (2, ("HH", "HL", "LL"), 1, "{r ∈ IC : g*(s) = σ*(h, (r, s)) for all s}"),
    (3, ("HH", "LL"), 0, "{r ∈ IC : g*(s) = σ*(h, (r, s)) for all s}"),
    (4, ("HH", "LL"), 1, "{r ∈ IC : g*(s) = σ*(h, (r, s)) for all s}"),
    (5, ("HL", "LL"), 0, "{1_<lo,lo>}"),
    (6, ("HH", "HL"), 0, "{1_<hi,hi>}"),
    (7, ("HH",), 0, "{1_<lo,lo>}"),
    (8, ("HL",), 0, "{1_<hi,lo>}"),
    (9, ("LL",), 0, "{1_<hi,hi>}"),
)


def lemma_7_cases(t_lo: Any, t_hi: Any, weights: Sequence[Any] = ("1/3", "1/3", "1/3"), ir: str | None = "interim-IR",
                  reading: str = "current") -> list[dict[str, Any]]:
    """The nine cases of Lemma 7's proof, decided for σ* at the belief ``weights`` on
    {(t̄,t̄), (t̄,t), (t,t)} conditioned on each case's support: for each last signal s,
    σ*(h), the choice set C^σ*(h) (realisable signal patterns), sup v over it, v(σ*(h)),
    strategic and structural consistency (:func:`~exactmd.commitment.check_rule_at`)."""
    rule = sigma_star(t_lo, t_hi, weights, ir, reading)
    env = rule.env
    lo, hi = Q(t_lo), Q(t_hi)
    names = {"HH": (hi, hi), "HL": (hi, lo), "LL": (lo, lo)}
    w = dict(zip(("HH", "HL", "LL"), (Q(x) for x in weights)))
    out = []
    for case, supp, phase, stated in LEMMA_7_CASES:
        tot = sum((w[k] for k in supp), fmpq(0))
        p = Belief(env.types, {names[k]: w[k] / tot for k in supp})
        rows = []
        # the predecessor's phase: with (t̄,t̄) and (t,t) both in the support, h ∈ H¹ iff h⁻ ∈ H⁰ (eq. 14)
        prev = 1 - phase if {"HH", "LL"} <= set(supp) else 0
        memo: dict[tuple, Any] = {}
        for s in SIGNALS_13:
            rows.append(check_rule_at(rule, prev, p, s, _memo=memo))
        out.append({"case": case, "support": list(supp), "phase": f"H{phase}", "stated choice set": stated, "belief": p.to_dict(),
                    "choice set": rows[0].choice_set, "sup": rows[0].sup, "by signal": rows})
    return out



def _action_json(a: Any) -> Any:
    if a is STOP:
        return "stop"
    return a.to_dict()


def lemma_7_cases_json(t_lo: Any, t_hi: Any, weights: Sequence[Any], ir: str | None, reading: str) -> list[dict[str, Any]]:
    """:func:`lemma_7_cases` as JSON (exact numbers as strings)."""
    out = []
    for c in lemma_7_cases(t_lo, t_hi, weights, ir, reading):
        out.append({
            "case": c["case"], "support": c["support"], "phase": c["phase"], "stated choice set": c["stated choice set"],
            "belief": c["belief"],
            "choice set": [{"pattern": x["pattern"], "best value": fmt(x["best value"])} for x in c["choice set"]],
            "sup": None if c["sup"] is None else fmt(c["sup"]),
            "by signal": [{"s": r.signal, "sigma": _action_json(r.action), "value": fmt(r.value),
                           "strategic consistency": list(r.strategic), "Bellman optimal (eps = 0)": r.eps_optimal(0),
                           "structural consistency": list(r.structural)} for r in c["by signal"]],
        })
    return out


def _partitions(xs: Sequence[Any]) -> Iterable[list[list[Any]]]:
    if not xs:
        yield []
        return
    first, rest = xs[0], list(xs[1:])
    for part in _partitions(rest):
        for i in range(len(part)):
            yield part[:i] + [[first] + part[i]] + part[i + 1:]
        yield [[first]] + part


def lemma_2_instances(env: Environment, p: Belief, B: Any = ALL, eps: Any = "1/10") -> list[tuple[Composite, Any, Composite, CoverVerdict]]:
    """Lemma 2 (§4) on every *partition device* of supp p: r sends the cell of the true
    profile (each cell one outcome).  For each r that B-covers p and each signal s whose
    posterior is B-covered (by the witness ρ_s(s) of :func:`covered`), the verdict of
    ``covers(r∘ρ_s, p, B)`` — the lemma's conclusion.  Returns ``(r, s, ρ_s(s), verdict)``."""
    _need_finite(env)
    e = check_eps(eps)
    B = _belief_set(B)
    supp = p.support()
    off = [th for th in env.profiles() if th not in set(supp)]
    out = []
    for part in _partitions(supp):
        for xs in itertools.product(env.outcomes, repeat=len(part)):
            table: dict[tuple, dict[str, int]] = {}
            g: dict[str, Any] = {}
            for k, (cell, x) in enumerate(zip(part, xs)):
                for th in cell:
                    table[th] = {f"cell{k}": 1}
                g[f"cell{k}"] = x
            for th in off:
                table[th] = {f"off:{profile_label(th)}": 1}
                g[f"off:{profile_label(th)}"] = xs[0]
            r = Composite(Device(env.types, table), g)
            if not covers(env, r, p, B, e).covers:
                continue
            for s, _, b in r.posteriors(p):
                cb = covered(env, b, B, e)
                if cb.covered:
                    comp = SimplePlan(s, cb.witness).compound(r)
                    out.append((r, s, cb.witness, covers(env, comp, p, B, e)))
    return out


def reachable(env: Environment, prior: Belief, devices: Sequence[Composite], depth: int = 1) -> list[Belief]:
    """The universe of beliefs reachable from ``prior`` by playing up to ``depth`` of the
    given devices in sequence (each posterior of each device from each belief reached so
    far), the prior included — in order of discovery, without repeats."""
    if not isinstance(depth, int) or depth < 0:
        raise ModelError(f"depth={depth!r} must be a non-negative integer")
    _check_belief(env, prior, "prior")
    seen = {prior: None}
    frontier = [prior]
    for _ in range(depth):
        nxt = []
        for b in frontier:
            for d in devices:
                for _, _, q in d.posteriors(b):
                    if q not in seen:
                        seen[q] = None
                        nxt.append(q)
        frontier = nxt
    return list(seen)


# ---------------------------------------------------------------------------
# Readings of UC* (§4 "Denote UC* = ∩_t UC^t") and Lemmas 3–4 at a candidate UC*

#: the ``ucstar=`` readings (docs/commitment.md, "Readings of UC*")
UCSTAR_READINGS = ("intersection", "limit", "union")


def _universe_order(seq: UCSequence) -> list[Belief]:
    order = list(seq.beliefs)
    seen = set(order)
    for it in seq.iterates:
        for b in it:
            if b not in seen:
                seen.add(b)
                order.append(b)
    return order


def uc_cycle(seq: UCSequence) -> list[frozenset]:
    """The iterates the sequence runs through forever: UC_G maps the finitely many subsets
    of G to themselves, so from UC^{repeats_at} on the sequence cycles through
    UC^{repeats_at}, …, UC^{n−1} (UC^n = UC^{repeats_at}, n = the last index computed)."""
    its = [frozenset(it) for it in seq.iterates]
    return its[seq.repeats_at:len(its) - 1] or its[-1:]


def uc_limit(seq: UCSequence) -> tuple[list[Belief], list[Belief]]:
    """(liminf, limsup) of the iterates, in the universe's order:

        liminf_t UCᵗ = ⋃_T ⋂_{t≥T} UCᵗ   (uncovered at every t from some T on),
        limsup_t UCᵗ = ⋂_T ⋃_{t≥T} UCᵗ   (uncovered at infinitely many t).

    For an eventually periodic sequence these are the intersection and the union of its
    cycle (:func:`uc_cycle`).  They are equal iff the cycle has length 1: the sequence
    converges, to a fixed point S = UC_G(S).  For an increasing sequence (as §4 asserts
    "UCᵗ ⊆ UCᵗ⁺¹") both are ∪_t UCᵗ.
    """
    cyc = uc_cycle(seq)
    lo = frozenset.intersection(*cyc)
    hi = frozenset.union(*cyc)
    order = _universe_order(seq)
    return [b for b in order if b in lo], [b for b in order if b in hi]


def uc_converges(seq: UCSequence) -> bool:
    """Whether the sequence is eventually constant (liminf = limsup: the limit exists)."""
    return len(uc_cycle(seq)) == 1


def uc_star(seq: UCSequence, reading: str = "intersection") -> list[Belief]:
    """UC* under a reading of "Denote UC* = ∩_t UCᵗ" (§4), in the universe's order.

    - ``intersection``: ∩_t UCᵗ, literally (the computed iterates include one full cycle,
      so the intersection over them is the intersection over all t);
    - ``limit``: limsup_t UCᵗ = ⋂_T ⋃_{t≥T} UCᵗ (:func:`uc_limit`) — the limit when the
      sequence converges, ∪_t UCᵗ when it increases; it contains every iterate from
      UC^{repeats_at} on, which is what Lemma 3's proof uses (P(ρ_t^∞, p) ⊆ UCᵗ⁺¹ ⊆ UC*);
    - ``union``: ∪_t UCᵗ (the limit of the increasing sequence §4 asserts).
    """
    its = [frozenset(it) for it in seq.iterates]
    if reading == "intersection":
        s = frozenset.intersection(*its)
    elif reading == "union":
        s = frozenset.union(*its)
    elif reading == "limit":
        s = frozenset(uc_limit(seq)[1])
    else:
        raise ModelError(f"UC* reading {reading!r} is not one of {', '.join(UCSTAR_READINGS)}")
    return [b for b in _universe_order(seq) if b in s]


def lemma_3_at(env: Environment, universe: Sequence[Belief], star: Any, eps: Any = "1/10") -> list[tuple[Belief, Covering]]:
    """Lemma 3 ("if p ∉ UC*, then there is r that UC*-covers p") at a candidate UC* = S on
    the universe G: ``(p, covered(env, p, S, eps))`` for every p ∈ G \\ S, in G's order.
    The lemma holds on G iff every one is covered, i.e. iff UC_G(S) ⊆ S."""
    S = _belief_set(star)
    if S is ALL:
        raise ModelError("Lemma 3 is checked at a finite candidate UC*, not at Δ")
    e = check_eps(eps)
    return [(p, covered(env, p, S, e)) for p in universe if p not in S]


def lemma_4_at(env: Environment, star: Any, eps: Any = "1/10") -> list[tuple[Belief, str, Covering | None]]:
    """Lemma 4 with covering's clauses 1–2 as hypotheses — "let p ∈ UC*, r ∈ IC(p),
    v(r, p) − ε ≥ v̄(p) and P(r, p) ⊆ UC*; then some simple plan UC*-blocks r", the form
    (5)–(6) use — at a candidate UC* = S, for each p ∈ S (in the order of ``star``):

    - ``"vacuous"``: no such r exists — the redesign LP at p with B = S (IC at p, worth
      v̄(p) + ε, posteriors in S: exactly clauses 1–2) is infeasible; Covering ``None``;
    - ``"blocked"``: such r exist and none S-covers p, so each is blocked by a simple plan;
    - ``"covered"``: some r S-covers p (the Covering's witness) — the form fails at p.

    The form holds on S iff no p is ``"covered"``, i.e. iff S ⊆ UC_G(S).
    """
    S = _belief_set(star)
    if S is ALL:
        raise ModelError("Lemma 4 is checked at a finite candidate UC*, not at Δ")
    e = check_eps(eps)
    out: list[tuple[Belief, str, Covering | None]] = []
    for p in star:
        if _Redesign(env, p, S, e).solve(LinExpr()).status.value == "infeasible":
            out.append((p, "vacuous", None))
            continue
        c = covered(env, p, S, e)
        out.append((p, "covered" if c.covered else "blocked", c))
    return out


def unblocked_constant(env: Environment, star: Any, eps: Any = "1/10", prefer: Iterable[Belief] = ()) -> tuple[Belief, Any, bool] | None:
    """A counterexample to Lemma 4 as stated ("let p ∈ UC* and r ∈ IC(p); then some ρ_s
    UC*-blocks r") at a candidate UC* = S: ``(p, x(p), admissible)`` with p ∈ S (one in
    ``prefer`` if any, then the largest support, then S's order) and r = 1_{x(p)}, which is
    IC at every belief.  No simple plan S-blocks r: its only signal has posterior p; if no
    redesign at p is admissible (IC, worth v̄(p) + ε, posteriors in S — ``admissible`` is
    False, the redesign LP is infeasible) nothing can redesign it, and if one is, r∘ρ_s
    is that redesign, in IC(p) and worth v̄(p) + ε, so blocking clause (iii) fails.
    ``None`` when S is empty."""
    S = _belief_set(star)
    if S is ALL:
        raise ModelError("Lemma 4 is checked at a finite candidate UC*, not at Δ")
    e = check_eps(eps)
    pref = set(prefer)
    cands = list(star)
    if not cands:
        return None
    p = min(cands, key=lambda b: (b not in pref, -len(b.support()), cands.index(b)))
    admissible = _Redesign(env, p, S, e).solve(LinExpr()).status.value != "infeasible"
    return p, vbar(env, p)[1], admissible


__all__ += ["UCSTAR_READINGS", "uc_cycle", "uc_limit", "uc_converges", "uc_star", "lemma_3_at", "lemma_4_at", "unblocked_constant"]


def in_choice_set(rule: FiniteStateRule, prev_phase: int, p: Belief, r: Composite) -> tuple[bool, str]:
    """Is r ∈ C^σ(h) (§3) at a history h with belief p whose predecessor has phase
    ``prev_phase``: r ∈ IC(p) (+ the rule's IR) and σ(h, (r, s)) = stop for every s ∈ r(Θ)
    (a signal of probability 0 gets the current belief, reading (b))?"""
    env = rule.env
    phase = rule.next_phase(prev_phase, frozenset(p.support()))
    sl = ic_slacks(env, r.outcome, p)
    neg = [k for k, v in sl.items() if v < 0]
    if neg:
        return False, f"r is not IC at p ({neg[0]} = {fmt(sl[neg[0]])})"
    if rule.ir == "interim-IR":
        for row, terms in _family_terms(env, p, "interim-IR"):
            val = _substitute(terms, r.outcome).const
            if val < row.rhs:
                return False, f"r violates {row.label} ({fmt(val)})"
    if rule.ir == "ex-post-IR":
        for th in env.profiles():
            for x in r.outcome(th):
                if any(env.utility(i, x, th) < 0 for i in range(env.n)):
                    return False, f"r violates ex post IR at {profile_label(th)} (outcome {label(x)})"
    posts = {s: b for s, _, b in r.posteriors(p)}
    for s in r.device.signals():
        S = frozenset(posts[s].support()) if s in posts else frozenset(p.support())
        if rule.after(phase, S, s) is not STOP:
            return False, f"σ redesigns after signal {label(s)} (posterior support {sorted(profile_label(t) for t in S)})"
    return True, "r is IC and σ keeps every signal of r"


_CERTIFICATE_NAMES = frozenset({"covering_certificate", "covers_certificate", "redesign_certificate", "uc_sequence_certificate",
                                "lemma_7_cases_certificate", "verify_commitment_certificate", "verify_uc_verdict", "universe_name"})


def __getattr__(name: str) -> Any:
    """The certificate writers and the verifier live in :mod:`exactmd.commitment_certificates`."""
    if name in _CERTIFICATE_NAMES:
        from . import commitment_certificates

        return getattr(commitment_certificates, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
