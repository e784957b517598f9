"""Mechanism design without commitment (Vartiainen 2014, §2 and §4): the objects the
covering and blocking definitions are built from, decided exactly.

For a *finite* environment (finite X, u_i(x, θ), planner value v(x, θ) ≥ 0) and a
rational ε > 0:

- ``vbar(env, p)`` — v̄(p) = max_x v(x, p) and x(p) (§4);
- ``ic_slacks`` / ``in_ic`` — the IC expressions of eq. (1) for a device under p;
- ``commitment_value`` — V*(p), the full-commitment benchmark (an exact LP);
- :class:`Composite` — a mechanism g∘r (§2): a :class:`~exactmd.mechanism.Device` r and an
  implementation g (signal → outcome); ``posteriors`` is P(r, p);
- :class:`SimplePlan` — the simple response plan ρ_s: signal s redesigned by the
  composite ρ_s(s), every other signal kept (ρ_s(s') = 1_{s'});
- ``blocks(env, plan, r, p, B, eps)`` — the blocking clauses (i)–(iii) of §4 checked
  directly.

Covering is in :mod:`exactmd.papers.vartiainen2014.covering`, the UC sequence in
:mod:`exactmd.papers.vartiainen2014.uc`.

Readings of the paper (each says which text it reads and why; reading 3 is in the
covering module's docstring):

1. **Blocking clause (i)** reads "v(ρ(s), p|(r,s)) − ε ≥ v̄(p|(r,s)), for all s".  For a
   *simple* plan every kept signal s' has ρ(s') = 1_{s'} and v(1_{s'}, ·) ≤ v̄(·), so the
   literal "for all s" would make every simple plan non-blocking and covering vacuous.
   The engine reads (i) at the redesigned signal only (as Lemma 2's proof does).
2. **Zero-probability signals.**  After a signal with probability 0 under p the
   posterior is unrestricted (§2); the planner's off-path belief can be degenerate, where
   no redesign meets (i) (Lemma 1).  So only signals of r(supp p) can be redesigned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flint import fmpq

from ...belief import Belief, label, profile_label
from ...environment import Environment
from ...errors import ModelError
from ...lp.model import LinExpr
from ...mechanism import Device
from ...rational import Q, fmt
from exactmd.constraints import fvar, rows
from exactmd.design import optimal_mechanism

__all__ = [
    "ALL", "AllBeliefs", "Composite", "SimplePlan", "BlockVerdict", "compound", "vbar", "planner_value", "ic_slacks",
    "in_ic", "commitment_value", "blocks", "constant", "check_eps",
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
