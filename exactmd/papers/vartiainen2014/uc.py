"""The UC sequence and the readings of UC* (Vartiainen 2014, §4), decided exactly.

- ``grid(types, N)`` — the universe G_N = {p : N·p(θ) ∈ ℤ} of beliefs;
- ``uncovered`` / ``uc_sequence`` — UC_G(B) and the iterates UC⁰, UC¹, … on a finite
  universe G of beliefs (one independent covering question per belief, run by
  :func:`exactmd.sweep.run`);
- ``reachable`` — the beliefs reachable from a prior by playing given devices;
- the readings of "Denote UC* = ∩_t UCᵗ" (``uc_star``, ``uc_limit``, ``uc_cycle``,
  ``uc_converges``) and Lemmas 3–4 at a candidate UC* (``lemma_3_at``, ``lemma_4_at``,
  ``unblocked_constant``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flint import fmpq

from ...belief import Belief
from ...environment import Environment
from ...errors import ModelError
from ...lp.model import LinExpr
from ...rational import fmt
from .commitment import ALL, Composite, _belief_set, _check_belief, _need_finite, check_eps, vbar
from .covering import Covering, _Redesign, covered
from exactmd.sweep import run

__all__ = [
    "grid", "uncovered", "uc_sequence", "UCSequence", "reachable", "UCSTAR_READINGS", "uc_cycle", "uc_limit",
    "uc_converges", "uc_star", "lemma_3_at", "lemma_4_at", "unblocked_constant",
]


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
