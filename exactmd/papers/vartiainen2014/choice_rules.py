"""Finite-state choice rules (Vartiainen 2014, §3, Definitions 1–3), decided exactly.

A choice rule σ that depends on (phase of h, supp p|h, last signal s) only, over a
finite signal set with a fixed implementation (as σ* of eqs. (13)–(15), built in
:mod:`exactmd.papers.vartiainen2014.continuation`): its choice sets C^σ(h) (realisable
signal patterns, one exact LP each), strategic consistency (Definition 1), structural
consistency (Definition 2) and the sup behind ε-optimality (Definition 3), and
membership r ∈ C^σ(h).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from ...belief import Belief, label, profile_label
from ...environment import Environment
from ...lp.model import LinExpr, Model
from ...lp.solution import LPResult
from ...rational import Q, fmt
from .commitment import Composite, _family_terms, _ic_expr, _ic_keys, _ic_label, _substitute, ic_slacks, planner_value

__all__ = ["STOP", "FiniteStateRule", "RuleCheck", "check_rule_at", "in_choice_set"]


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
    F: dict[tuple, dict[Any, LinExpr]] = {th: {} for th in env.profiles()}
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
        Fc: dict[tuple, dict[Any, LinExpr]] = {th: {} for th in env.profiles()}
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


def _strictly(m: Model, r: dict, pattern: Mapping[str, frozenset]) -> LPResult | None:
    """max t over the pattern's devices with r(s : θ) ≥ t where the pattern sends s at θ
    (t ∈ [0, 1], so a feasible LP is optimal with a value); None if the pattern needs a
    variable that the model does not have."""
    t = m.var("_t", 0, 1)
    for s, S in pattern.items():
        for th in S:
            if (s, th) not in r:
                return None
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
        if res is None or res.status.value != "optimal":
            continue
        assert res.value is not None  # an optimal answer of _strictly has its value
        if res.value <= 0:
            continue
        m2, _, F2 = _pattern_model(rule, p, pattern, off)
        val = LinExpr()
        for th in p.support():
            for x, e in F2[th].items():
                val = val + e * (p[th] * env.value(x, th))
        m2.maximize(val)
        best = m2.solve()
        # m2 is m without _strictly's rows, so feasible, and its variables lie in [0, 1]
        assert best.value is not None
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
        if res is None or res.status.value != "optimal":
            continue
        assert res.value is not None  # an optimal answer of _strictly has its value
        if res.value > 0:
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
