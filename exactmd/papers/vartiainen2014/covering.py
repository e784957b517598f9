"""Covering (Vartiainen 2014, §4), checked from the definition and decided exactly.

- ``covers(env, r, p, B, eps)`` — does r B-cover p?  The definition of §4 checked
  directly (one LP per signal and IC constraint);
- ``covered(env, p, B, eps)`` — *is there* an r that B-covers p?  A witness device or
  the evidence that none exists (by revelation or by elimination, below);
- ``lemma_2_instances`` — Lemma 2 (§4) on every partition device of supp p.

Reading 3 of the paper (readings 1–2 are in the docstring of
:mod:`exactmd.papers.vartiainen2014.commitment`):

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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from ...belief import Belief, label, profile_label
from ...environment import Environment
from ...errors import ModelError
from ...lp.model import LinExpr, Model, Var
from ...lp.solution import LPResult, solve_problem
from ...mechanism import Device
from ...rational import Q, fmt
from .commitment import (
    ALL, BlockVerdict, Composite, SimplePlan, _belief_set, _check_belief, _ic_expr, _ic_keys, _ic_label, _need_finite,
    blocks, check_eps, commitment_value, ic_slacks, planner_value, vbar,
)

__all__ = ["CoverVerdict", "Covering", "covers", "covered", "fully_revealing", "vertices", "lemma_2_instances"]


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
        row, v = next(iter(neg.items()))
        return CoverVerdict(False, "1", f"r is not IC at p: {row} = {fmt(v)} < 0")
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
        def lik(th: tuple, s: Any = s) -> fmpq:
            return r.device.prob(s, th)

        for k in _ic_keys(env):
            obj = _delta_ic(env, p, lik, r.g[s], red.F, k)
            res = red.solve(obj)
            if res.status.value == "infeasible":
                minima[label(s)] = {"redesign": "none admissible"}
                break
            # the redesign's variables are bounded (F in [0, 1], μ a split of b), so a feasible LP is optimal
            assert res.value is not None and res.primal is not None
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
            if res.status.value == "infeasible":
                self._val[key] = {y: None for y in env.outcomes}
            else:
                # the redesign's variables are bounded (F in [0, 1], μ a split of c), so a feasible LP is optimal
                assert res.value is not None
                least = res.value
                self._val[key] = {y: least + _delta_ic(env, p, lik, y, {}, k).const for y in env.outcomes}
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
        # the objective Σ s_k has every s_k in [0, 1], so a feasible LP is optimal
        assert res.primal is not None
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


def _witness(env: Environment, p: Belief, B: frozenset, e: fmpq, V: fmpq, vp: fmpq, res: LPResult,
             lam: dict[tuple[int, Any], Var], phi: dict[tuple[tuple, Any], Var], members: list[Belief], D: _Threats,
             keys: list[tuple[int, Any, Any]], off: list[tuple], rounds: list[dict[str, Any]], check: bool) -> Covering:
    assert res.primal is not None  # _eliminate calls this with an optimal answer
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
    f: dict[tuple, dict[Any, fmpq]] = {th: {} for th in env.profiles()}
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
                    assert cb.witness is not None  # a covered answer carries its witness (Covering(True, …))
                    comp = SimplePlan(s, cb.witness).compound(r)
                    out.append((r, s, cb.witness, covers(env, comp, p, B, e)))
    return out
