"""The papers' claims as named, runnable checks.

A :class:`Claim` has an id ``<paper>/<label>`` (here paper ``vartiainen2014`` or
``neemanpavlov2007``; registered in :mod:`exactmd.claims` by the papers' plug-ins), the statement it checks (quoted from the paper), a
``decide(instance)`` function returning a :class:`Verdict`, a hypothesis strategy of
random instances (``exactmd check``) and named paper instances (``exactmd reproduce``).

A claim declares the readings it is decided under and the domains it is decided on
(:mod:`exactmd.claims`: :class:`Reading`, :class:`Domain`).  A verdict gives, per reading
and domain, ``confirmed`` (with the certificates that prove it on the instance),
``refuted`` (with an exact counterexample and its certificates) or ``not-applicable``
(the instance is outside the claim's hypotheses; the summary says which one fails), and
a headline status computed from them by :func:`exactmd.claims.headline_status`.
Every certificate is one that ``exactmd verify`` re-checks from the file alone.

>>> get_claim("vartiainen2014/prop-2").id
'vartiainen2014/prop-2'
>>> get_claim("vartiainen2014/prop-2").decide((1, "uniform", "uniform")).status
'confirmed'
"""

from __future__ import annotations

from typing import Any

from .belief import label, profile_label
from .claims import (AS_STATED, CLAIMS, HEADLINE_STATUSES, INSTANCE_DOMAIN, READING_STATUSES, Claim, Domain, Reading,
                     ReadingVerdict, Verdict, as_stated, get_claim, headline_status, instance_strategy, register)
from .constraints import fvar, rows
from .design import feasible_mechanism, optimal_mechanism
from .environment import Environment
from .rational import fmt

__all__ = ["Claim", "Verdict", "Reading", "ReadingVerdict", "Domain", "headline_status", "as_stated", "AS_STATED",
           "INSTANCE_DOMAIN", "READING_STATUSES", "HEADLINE_STATUSES", "CLAIMS", "register", "get_claim", "instance_strategy"]


# ---------------------------------------------------------------------------------
# Vartiainen §4.1: "any veto-incentive compatible mechanism is incentive compatible and
# ex post individually rational"
def _decide_veto_ic(env: Environment) -> Verdict:
    cid = "vartiainen2014/veto-ic"
    inst = env.name or repr(env)
    if env.kind != "finite":
        return Verdict(cid, "not-applicable", "veto-IC (eq. 7) is defined for finite outcome sets", inst)
    certs: list[tuple[str, dict[str, Any]]] = []
    # (a) ex post IR: is some outcome with u_i(x, θ) < 0 used by a veto-IC mechanism?
    for th in env.profiles():
        for x in env.outcomes:
            bad = [i for i in range(env.n) if env.valuation(i, x, th) < 0]
            if not bad:
                continue
            res = optimal_mechanism(env, ["veto-IC"], {fvar(x, th): 1})
            if res.status == "optimal" and res.value is not None and res.value > 0:
                cert = res.counterexample(["ex-post-IR"])
                certs.append(("expost-ir-counterexample", cert))
                i = bad[0]
                return Verdict(
                    cid, "refuted",
                    f"a veto-IC mechanism uses outcome {label(x)} at ({profile_label(th)}) with probability "
                    f"{fmt(res.value)}, where u_{env.agents[i]} = {fmt(env.valuation(i, x, th))} < 0: not ex post IR",
                    inst, tuple(certs),
                )
    # (b) IC: minimise each IC row over the veto-IC mechanisms
    proofs: list[tuple[str, dict[str, Any]]] = []
    for row in rows(env, ["IC"]):
        res = optimal_mechanism(env, ["veto-IC"], dict(row.coeffs), sense="min")
        if res.status != "optimal" or res.value is None:
            continue  # cannot happen: the feasible set is non-empty and bounded
        if res.value < 0:
            gain = -res.value / row.meta["weight"]
            cert = res.counterexample(["IC"])
            return Verdict(
                cid, "refuted",
                f"a veto-IC mechanism violates {row.label}: the lie gains {fmt(gain)} (interim)",
                inst, (("ic-counterexample", cert),),
            )
        proofs.append((f"ic-min-{len(proofs)}", res.certificate))
    return Verdict(cid, "confirmed", f"every veto-IC mechanism is IC and ex post IR here ({len(proofs)} IC rows minimised, all ≥ 0)", inst, tuple(proofs))


def _veto_strategy() -> Any:
    from .strategies import finite_environments

    return finite_environments(n_agents=2, max_types=2, max_outcomes=3)


def _veto_instances() -> list[tuple[str, Any]]:
    from .environment import Environment

    # Two agents with private values, two types each, three outcomes, one of which
    # gives agent 1 a negative payoff (so that ex post IR has content).
    types = [["l", "h"], ["l", "h"]]

    def u(i: int, x: str, th: tuple) -> int:
        own = th[i]
        table = {"a": {"l": 1, "h": 2}, "b": {"l": 0, "h": 3}, "c": {"l": -1, "h": 1}}
        return table[x][own] if i == 0 else table[x]["h" if own == "l" else "l"]

    env1 = Environment.finite(types, "uniform", ["a", "b", "c"], u, name="veto-2x2")

    def u2(i: int, x: str, th: tuple) -> int:
        # non-negative utilities, a type-dependent ranking of two outcomes
        if x == "a":
            return 2 if th[i] == "h" else 1
        return 1 if th[i] == "h" else 2

    env2 = Environment.finite(types, "uniform", ["a", "b"], u2, name="veto-nonneg-2x2")
    return [("veto-2x2", env1), ("veto-nonneg-2x2", env2)]


register(Claim(
    id="vartiainen2014/veto-ic",
    statement="It is easy to see that any veto-incentive compatible mechanism is incentive compatible and ex post individually rational (but not vice versa).",
    where="§4.1, after eq. (7)",
    decide=_decide_veto_ic,
    strategy=_veto_strategy,
    paper_instances=_veto_instances,
    checks="On a finite environment: (a) for each (x, θ) with some u_i(x, θ) < 0, max f(x:θ) over veto-IC mechanisms (> 0 refutes ex post IR); (b) for each IC row of eq. (1), its minimum over veto-IC mechanisms (< 0 refutes IC). Confirmed only if every minimum is ≥ 0 and no negative-utility outcome is usable. The 'not vice versa' part is not checked.",
))


# ---------------------------------------------------------------------------------
# Vartiainen §5 (Myerson–Satterthwaite): "any incentive compatible, individually
# rational, and budget balanced mechanism implements an inefficient outcome with strictly
# positive probability"
def _decide_ms(instance: tuple[int, Any, Any]) -> Verdict:
    from .papers.vartiainen2014 import bilateral_trade

    K, p1, p2 = instance
    env = bilateral_trade(K, p1, p2)
    cid = "vartiainen2014/myerson-satterthwaite"
    res = feasible_mechanism(env, ["IC", "interim-IR", "BB", "efficiency"])
    if res.status == "infeasible":
        return Verdict(cid, "confirmed", "no IC, interim-IR, budget-balanced, ex post efficient mechanism exists (Farkas certificate)",
                       env.name, (("no-efficient-mechanism", res.certificate),))
    return Verdict(cid, "refuted", "an IC, interim-IR, budget-balanced, ex post efficient mechanism exists on this grid (witness given)",
                   env.name, (("efficient-mechanism", res.certificate),))


def _ms_strategy() -> Any:
    from hypothesis import strategies as st

    from .strategies import distributions

    return st.integers(1, 3).flatmap(
        lambda K: st.tuples(st.just(K), distributions(K + 1, full_support=True), distributions(K + 1, full_support=True))
    )


def _ms_instances() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for K in (1, 2, 3, 4, 5, 6):
        out.append((f"K{K}-uniform", (K, "uniform", "uniform")))
    out.append(("K3-increasing-decreasing", (3, "increasing", "decreasing")))
    out.append(("K5-increasing-increasing", (5, "increasing", "increasing")))
    return out


_MS_DOMAIN = Domain(
    "θ_1 and θ_2 independently distributed on an interval, absolutely continuous overlapping distributions",
    "the grid {0, 1/K, …, 1} with independent full-support priors", False,
    "the classic result is stated for a continuum of types; the paper's §5 model has grid types, and the grid is a stand-in "
    "for the interval: a grid witness does not contradict the continuum result")


register(Claim(
    id="vartiainen2014/myerson-satterthwaite",
    statement="any incentive compatible, individually rational, and budget balanced mechanism implements an inefficient outcome with strictly positive probability",
    where="§5 (Myerson and Satterthwaite 1983, as restated for the grid)",
    decide=_decide_ms,
    strategy=_ms_strategy,
    domains=(_MS_DOMAIN,),
    paper_instances=_ms_instances,
    checks="On the grid {0, 1/K, …, 1} with independent full-support priors: feasibility of IC (eq. 1), interim IR, ex post budget balance and ex post efficiency (trade only where θ1 − θ2 is maximal surplus; trade at θ1 = θ2 left free). Infeasible (Farkas certificate) confirms; a witness refutes.",
))


# ---------------------------------------------------------------------------------
# Vartiainen §5, Proposition 2 and Remark 1
def _bargaining_env(instance: tuple[int, Any, Any]) -> Environment:
    from .papers.vartiainen2014 import bilateral_trade

    K, p1, p2 = instance
    return bilateral_trade(K, p1, p2)


_PROP2_CACHE: dict[Any, Any] = {}


def _key(instance: tuple[int, Any, Any]) -> Any:
    return tuple(x if isinstance(x, (int, str)) else tuple(fmt(v) for v in x) for x in instance)


def _prop2(instance: tuple[int, Any, Any]) -> Any:
    """Proposition 2's computation, shared by prop-2, remark-1 and lemma-5 (cached per instance)."""
    from .papers.vartiainen2014 import proposition_2

    k = _key(instance)
    if k not in _PROP2_CACHE:
        if len(_PROP2_CACHE) > 64:
            _PROP2_CACHE.clear()
        _PROP2_CACHE[k] = proposition_2(_bargaining_env(instance))
    return _PROP2_CACHE[k]


def _decide_prop2(instance: tuple[int, Any, Any]) -> Verdict:
    cid = "vartiainen2014/prop-2"
    env = _bargaining_env(instance)
    r = _prop2(instance)
    certs: list[tuple[str, dict[str, Any]]] = [("second-best", r.second_best.certificate)]
    for c in r.candidates:
        certs.append((f"threshold-gamma-{fmt(c.gamma).replace('/', '_')}-{'feasible' if c.feasible else 'infeasible'}", c.result.certificate))
    sb = fmt(r.second_best.value)
    if r.best is None:
        summary = f"second best {sb}; no γ-threshold allocation admits IC, IR, BB transfers"
    else:
        summary = f"second best {sb}; best threshold allocation (γ = {fmt(r.best.gamma)}) {fmt(r.best.value)}; gap {fmt(r.gap)}"
    if not r.regular:
        return Verdict(cid, "not-applicable", "priors not regular; " + summary, env.name, tuple(certs))
    return Verdict(cid, "confirmed" if r.confirmed else "refuted", summary, env.name, tuple(certs))


def _bargaining_strategy(max_K: int = 6) -> Any:
    from hypothesis import strategies as st

    from .strategies import distributions

    return st.integers(1, max_K).flatmap(
        lambda K: st.tuples(st.just(K), distributions(K + 1, full_support=True), distributions(K + 1, full_support=True))
    )


def _bargaining_instances() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [(f"K{K}-uniform", (K, "uniform", "uniform")) for K in range(1, 7)]
    out += [("K3-increasing-decreasing", (3, "increasing", "decreasing")), ("K4-decreasing-increasing", (4, "decreasing", "increasing"))]
    return out


register(Claim(
    id="vartiainen2014/prop-2",
    extra={"test_strategy": lambda: _bargaining_strategy(6)},
    statement="Let θ1 and θ2 be independently distributed with regular distribution functions p1 and p2. Then there is an incentive efficient direct mechanism (a^γ, m^γ) such that, for some γ ∈ (0, 1], a^γ = 1 if c1(θ1, γ) − c2(θ2, γ) ≥ 0 and a^γ = 0 otherwise.",
    where="§5, Proposition 2, eqs. (8)–(9)",
    decide=_decide_prop2,
    strategy=_bargaining_strategy,
    paper_instances=_bargaining_instances,
    checks="The second best (max expected gains from trade under IC, interim IR, ex post BB) by exact LP; every distinct γ-threshold allocation for γ ∈ (0, 1] (exact breakpoints), tried in decreasing value until one admits IC + interim-IR + BB transfers (better ones: Farkas certificates). Confirmed iff its value equals the second best; not-applicable if the priors are not regular (c_i(·, 1) weakly increasing).",
))


def _decide_remark1(instance: tuple[int, Any, Any]) -> Verdict:
    cid = "vartiainen2014/remark-1"
    env = _bargaining_env(instance)
    r = _prop2(instance)
    if not r.regular:
        return Verdict(cid, "not-applicable", "priors not regular", env.name)
    if r.best is None:
        return Verdict(cid, "not-applicable", "no γ-threshold allocation admits IC, IR, BB transfers", env.name)
    a = r.best.allocation
    T1, T2 = env.types
    certs = (("threshold-mechanism", r.best.result.certificate),)
    for (t1, t2), v in a.items():
        if v != 0:
            continue
        for s1 in T1:
            if s1 <= t1 and a[(s1, t2)] != 0:
                return Verdict(cid, "refuted", f"a^γ({fmt(t1)},{fmt(t2)}) = 0 but a^γ({fmt(s1)},{fmt(t2)}) = 1 with a lower buyer value", env.name, certs)
        for s2 in T2:
            if s2 >= t2 and a[(t1, s2)] != 0:
                return Verdict(cid, "refuted", f"a^γ({fmt(t1)},{fmt(t2)}) = 0 but a^γ({fmt(t1)},{fmt(s2)}) = 1 with a higher seller value", env.name, certs)
    sb = r.second_best.mechanism
    lp_monotone = all(
        sb.allocation_prob(1, (s1, t2)) <= sb.allocation_prob(1, (t1, t2))
        for t1 in T1 for t2 in T2 for s1 in T1 if s1 <= t1
    ) and all(
        sb.allocation_prob(1, (t1, s2)) <= sb.allocation_prob(1, (t1, t2))
        for t1 in T1 for t2 in T2 for s2 in T2 if s2 >= t2
    )
    return Verdict(cid, "confirmed",
                   f"the no-trade region of the best threshold allocation (γ = {fmt(r.best.gamma)}) is monotone; "
                   f"the LP second best's trade probability is {'also' if lp_monotone else 'not'} monotone",
                   env.name, certs)


register(Claim(
    id="vartiainen2014/remark-1",
    extra={"test_strategy": lambda: _bargaining_strategy(6)},
    statement="Let (a^γ, m^γ) be an incentive efficient direct mechanism as defined in (8)-(9). Then a^γ(θ1, θ2) = 0 implies a^γ(θ1', θ2) = 0 for all θ1' ≤ θ1 and a^γ(θ1, θ2') = 0 for all θ2' ≥ θ2.",
    where="§5, Remark 1",
    decide=_decide_remark1,
    strategy=_bargaining_strategy,
    paper_instances=_bargaining_instances,
    checks="On the best γ-threshold allocation that admits IC, interim-IR, BB transfers (see prop-2): the no-trade region is checked for monotonicity exactly. The summary also says whether the LP second best's trade probability is monotone.",
))


def _decide_lemma5(instance: tuple[int, Any, Any]) -> Verdict:
    from .papers.vartiainen2014 import is_regular, lemma_5

    cid = "vartiainen2014/lemma-5"
    env = _bargaining_env(instance)
    if not is_regular(env):
        return Verdict(cid, "not-applicable", "priors not regular", env.name)
    best = _prop2(instance).best
    if best is None:
        return Verdict(cid, "not-applicable", "no γ-threshold allocation admits IC, IR, BB transfers", env.name)
    r = lemma_5(env, best.gamma)
    name = "zero-transfer-mechanism" if r.lp.status == "optimal" else "no-zero-transfer-mechanism"
    certs = ((name, r.lp.certificate),)
    eq = "(24) and (25) agree" if r.equations_consistent else f"(24) needs m(1,0) = {fmt(r.m10_24)} but (25) needs {fmt(r.m10_25)}"
    cons = "the proof's construction is IC, IR and BB" if r.construction_check.ok else f"the proof's construction fails: {r.construction_check.violations[0]}"
    if r.lp.status == "optimal":
        return Verdict(cid, "confirmed", f"a^γ (γ = {fmt(r.gamma)}) has IC, IR, BB transfers that are 0 without trade (witness); {eq}; {cons}", env.name, certs)
    return Verdict(cid, "refuted", f"no IC, IR, BB transfers for a^γ (γ = {fmt(r.gamma)}) are 0 without trade (Farkas); {eq}; {cons}", env.name, certs)


register(Claim(
    id="vartiainen2014/lemma-5",
    extra={"test_strategy": lambda: _bargaining_strategy(6)},
    statement="Then there is an incentive efficient direct mechanism (a^γ, m^γ) as defined in (8)-(9) such that the transfer rule m^γ prescribes zero monetary transfer when trade does not take place.",
    where="§5, Lemma 5; proof in Appendix A.1, eqs. (23)–(25)",
    decide=_decide_lemma5,
    strategy=_bargaining_strategy,
    paper_instances=_bargaining_instances,
    checks="For the best γ-threshold allocation a^γ (see prop-2): feasibility of IC, interim IR, ex post BB with m(θ) = 0 wherever a^γ(θ) = 0 (witness or Farkas certificate). The summary also reports whether (24) and (25) determine the same m(1, 0), and the exact IC/IR/BB check of the proof's construction with m(1, 0) from (24), its payments m_i^γ taken from the discrete envelope formula.",
))


def _decide_lemma6(instance: tuple[int, Any, Any]) -> Verdict:
    from .papers.vartiainen2014 import breakpoints, is_regular, lemma_5, lemma_6

    cid = "vartiainen2014/lemma-6"
    env = _bargaining_env(instance)
    if not is_regular(env):
        return Verdict(cid, "not-applicable", "priors not regular", env.name)
    best = _prop2(instance).best
    if best is None:
        return Verdict(cid, "not-applicable", "no γ-threshold allocation admits IC, IR, BB transfers", env.name)
    l5 = lemma_5(env, best.gamma)
    if l5.lp.status != "optimal":
        return Verdict(cid, "not-applicable", "no zero-on-no-trade transfers exist (Lemma 5 fails here)", env.name)
    m = {th: l5.lp.mechanism.expected_transfer(1, th) for th in env.profiles()}
    below = [b for b in breakpoints(env) if b < best.gamma]
    interior = ((below[-1] if below else 0) + best.gamma) / 2
    inner = lemma_6(env, interior, m)
    edge = lemma_6(env, best.gamma, m)
    certs = (("zero-transfer-mechanism", l5.lp.certificate),)
    posts = "; ".join(
        f"{s} (prob {fmt(pr)}) has support {{" + ", ".join(f"({fmt(a)},{fmt(b)})" for a, b in post.support()) + "}"
        for s, pr, post in inner.no_trade_posteriors
    ) or "no inefficient no-trade signal"
    edge_note = "" if edge.equal else f"; at the breakpoint γ = {fmt(best.gamma)} the weak inequality of (11) makes r* send trade signals from the diagonal ({edge.differences[0]})"
    if inner.equal:
        return Verdict(cid, "confirmed", f"g*∘r* = (a^γ, m^γ) exactly at γ = {fmt(interior)}; {posts}{edge_note}", env.name, certs)
    return Verdict(cid, "refuted", f"g*∘r* ≠ (a^γ, m^γ) at γ = {fmt(interior)}: {inner.differences[0]}", env.name, certs)


register(Claim(
    id="vartiainen2014/lemma-6",
    extra={"test_strategy": lambda: _bargaining_strategy(6)},
    statement="Let p1 and p2 be regular distributions. Then the mechanism g* ∘ r* is incentive efficient.",
    where="§5, Lemma 6, eqs. (10)–(12)",
    decide=_decide_lemma6,
    strategy=_bargaining_strategy,
    paper_instances=_bargaining_instances,
    checks="With a^γ the best threshold allocation (prop-2) and m the zero-on-no-trade transfers found for Lemma 5: the composite g*∘r* of eqs. (11)–(12) (κ counting the terms of both sums) equals (a^γ, m^γ) exactly at a γ strictly inside its interval of breakpoints; the summary also reports the breakpoint γ itself, and the posterior and support of every inefficient no-trade signal ⟨t̄, t⟩. Incentive efficiency itself is prop-2's verdict.",
))


_IR_READINGS = {
    "interim-IR": Reading(
        "ir=interim", "Admissible devices satisfy interim individual rationality (§4.1).",
        "Interim individual rationality The first alternative leads to the standard interim participation constraint."),
    "ex-post-IR": Reading(
        "ir=ex-post", "Admissible devices satisfy ex post individual rationality (§4.1).",
        "and it is *ex post individually rational* if⁹"),
}


def _decide_lemma7(instance: tuple[Any, Any, Any]) -> Verdict:
    from .papers.vartiainen2014 import continuation_devices, lemma_7

    cid = "vartiainen2014/lemma-7"
    t_lo, t_hi, weights = instance
    readings = []
    name = ""
    for ir in ("interim-IR", "ex-post-IR"):
        key, free = lemma_7(t_lo, t_hi, weights, ir)
        name = key.certificate["environment"]["name"]
        certs = ((f"key-step-{ir}", key.certificate), (f"max-trade-without-a-b-{ir}", free.certificate))
        cont = continuation_devices(t_lo, t_hi, weights, ir)
        bad = [f"{k} fails: {rep.violations[0]}" for k, rep in cont.items() if not rep.ok]
        ok = key.status == "infeasible" and not bad
        text = (f"{'no' if key.status == 'infeasible' else 'an'} IC device trades at every support profile with g*'s outcomes "
                f"({'Farkas' if key.status == 'infeasible' else 'witness'}); without steps (a)-(b) the trade probability can reach {fmt(free.value)}; "
                + ("; ".join(bad) if bad else "the continuation devices r*, r** of eq. (15) are IC and IR"))
        readings.append(ReadingVerdict(_IR_READINGS[ir].id, "confirmed" if ok else "refuted", text, certs))
    return Verdict(cid, instance=name, readings=readings)


def _lemma7_strategy() -> Any:
    from hypothesis import strategies as st

    from .strategies import distributions

    return st.tuples(st.integers(0, 3), st.integers(1, 3), distributions(3, full_support=True)).map(
        lambda x: (x[0], x[0] + x[1], x[2])
    )


def _lemma7_instances() -> list[tuple[str, Any]]:
    from .papers.vartiainen2014 import bilateral_trade, breakpoints, lemma_5, lemma_6

    out: list[tuple[str, Any]] = [("t0-t1-uniform", (0, 1, ["1/3", "1/3", "1/3"]))]
    # the posterior of each inefficient no-trade signal of r* on the K = 5 uniform grid
    inst = (5, "uniform", "uniform")
    env = bilateral_trade(*inst)
    best = _prop2(inst).best
    if best is not None:
        l5 = lemma_5(env, best.gamma)
        m = {th: l5.lp.mechanism.expected_transfer(1, th) for th in env.profiles()}
        below = [b for b in breakpoints(env) if b < best.gamma]
        g = ((below[-1] if below else 0) + best.gamma) / 2
        for s, _, post in lemma_6(env, g, m).no_trade_posteriors:
            hi, lo = (x for x in s[1:-1].split(","))
            from .rational import Q

            w = [post[(Q(hi), Q(hi))], post[(Q(hi), Q(lo))], post[(Q(lo), Q(lo))]]
            out.append((f"K5-uniform-signal-{hi.replace('/', '_')}-{lo.replace('/', '_')}", (Q(lo), Q(hi), w)))
    return out


register(Claim(
    id="vartiainen2014/lemma-7",
    statement="Let supp(p|∅) = {(t̄, t̄), (t̄, t), (t, t)} with t̄ > t. There is a consistent, Bellman optimal, and admissible choice rule σ* such that σ*(h) = (0, 0).",
    where="§5, Lemma 7, case 1 of the proof, steps (a)–(g)",
    decide=_decide_lemma7,
    strategy=_lemma7_strategy,
    readings=tuple(_IR_READINGS.values()),
    paper_instances=_lemma7_instances,
    checks="The key step of case 1: after (a)–(b) every signal on the support carries a trade outcome of g* (eq. 13: prices t, (t̄+t)/2, t̄); (c)–(g) claim no such device is IC and IR. Decided as an LP feasibility question for interim IR and for ex post IR (Farkas certificates confirm). Also reported: the largest trade probability of IC + IR devices without (a)–(b), and the exact IC/IR check of the continuation devices r* (case 2) and r** (case 4) of eq. (15) with g* of eq. (13). Cases 2–9 and the consistency of σ* over all histories are not checked here.",
))


def _decide_theorem2(instance: tuple[int, Any, Any]) -> Verdict:
    cid = "vartiainen2014/theorem-2"
    env = _bargaining_env(instance)
    verdicts = [get_claim(c).decide(instance) for c in ("vartiainen2014/prop-2", "vartiainen2014/lemma-5", "vartiainen2014/lemma-6")]
    if any(v.status == "not-applicable" for v in verdicts):
        bad = next(v for v in verdicts if v.status == "not-applicable")
        return Verdict(cid, "not-applicable", f"{bad.claim}: {bad.summary}", env.name)
    from .papers.vartiainen2014 import breakpoints, lemma_5, lemma_6
    from .rational import Q

    best = _prop2(instance).best
    l5 = lemma_5(env, best.gamma)
    m = {th: l5.lp.mechanism.expected_transfer(1, th) for th in env.profiles()}
    below = [b for b in breakpoints(env) if b < best.gamma]
    g = ((below[-1] if below else 0) + best.gamma) / 2
    for s, _, post in lemma_6(env, g, m).no_trade_posteriors:
        hi, lo = (Q(x) for x in s[1:-1].split(","))
        v7 = _decide_lemma7((lo, hi, [post[(hi, hi)], post[(hi, lo)], post[(lo, lo)]]))
        verdicts.append(Verdict(v7.claim, "confirmed" if v7.status == "confirmed" else "refuted",  # both IR readings must hold
                                f"at signal {s}: {v7.summary}", v7.instance, v7.certificates))
    failed = [v for v in verdicts if v.status != "confirmed"]
    certs = tuple((f"{v.claim.split('/')[1]}-{k}-{name}", c) for k, v in enumerate(verdicts) for name, c in v.certificates)
    if failed:  # a failed step refutes the proof, not the theorem
        return Verdict(cid, "not-applicable", "not decided: the proof's construction fails here — "
                       + "; ".join(f"{v.claim} {v.status}: {v.summary}" for v in failed[:2])
                       + " (whether some other σ exists is not decided)", env.name, certs)
    return Verdict(cid, "confirmed", f"prop-2, lemma-5, lemma-6 confirmed and lemma-7's key step holds at all {len(verdicts) - 3} inefficient no-trade signals", env.name, certs)


_THEOREM2_READING = Reading(
    "via=proof-steps", "Decided through the steps of the proof that are decidable on an instance: confirmed when Proposition 2, "
    "Lemmas 5–6 and Lemma 7's key step hold there; where a step fails the theorem is not decided (not-applicable), since "
    "another σ might implement the second best.",
    "Then there is a consistent and Bellman optimal mechanism selection strategy σ that implements an incentive efficient mechanism")
_THEOREM2_DOMAIN = Domain(
    "every history of the mechanism selection game and every consistent, Bellman optimal σ",
    "the proof's steps on the instance", False,
    "the consistency and Bellman optimality of σ over all histories (Theorem 1, cases 2–9 of Lemma 7; see "
    "vartiainen2014/lemma-7-cases) are not decided here, so a confirmation covers the proof's decidable steps only")


register(Claim(
    id="vartiainen2014/theorem-2",
    statement="Let θ1 and θ2 be independently distributed with regular distribution functions p1 and p2. Then there is a consistent and Bellman optimal mechanism selection strategy σ that implements an incentive efficient mechanism under (p1, p2).",
    where="§5, Theorem 2",
    decide=_decide_theorem2,
    strategy=lambda: _bargaining_strategy(3),
    readings=(_THEOREM2_READING,),
    domains=(_THEOREM2_DOMAIN,),
    paper_instances=lambda: [(f"K{K}-uniform", (K, "uniform", "uniform")) for K in (3, 5)] + [("K3-increasing-decreasing", (3, "increasing", "decreasing"))],
    checks="Theorem 2 through its proof's construction (a refutation refutes the construction, not the existence of every σ). The decidable parts of the proof on the instance: Proposition 2 (a threshold allocation is incentive efficient), Lemma 5 (zero transfers without trade), Lemma 6 (g*∘r* implements it) and Lemma 7's key step at the posterior of every inefficient no-trade signal of r*. Consistency and Bellman optimality of σ* over all histories (cases 2–9 of Lemma 7, Theorem 1) are not checked.",
))


def _decide_symbolic(n: int) -> Verdict:
    from .papers.vartiainen2014.identities import discrete_envelope, summation_by_parts

    cid = "vartiainen2014/eq-16-17"
    docs = [("identities-16-17", summation_by_parts(n)), ("discrete-envelope", discrete_envelope(n))]
    ok = all(e["holds"] for _, d in docs for e in d["identities"])
    return Verdict(cid, "confirmed" if ok else "refuted",
                   f"(16), (17) and the discrete envelope identity hold symbolically for {n} types (masses and trade rates symbolic; the rent carries the grid step Δ)",
                   f"{n} types", tuple(docs))


def _symbolic_strategy() -> Any:
    from hypothesis import strategies as st

    return st.integers(2, 5)


register(Claim(
    id="vartiainen2014/eq-16-17",
    statement="P1(θ1)A1(θ1) = … Thus Σ_t p1(t)A1(t') = Σ_t a1(t)(1 − P1(t)) (16), and similarly Σ_t p2(t)[A2(1) − A2(t')] = Σ_t a2(t)P2(t) (17).",
    where="Appendix A.1, proof of Proposition 2, eqs. (16)–(17)",
    decide=_decide_symbolic,
    strategy=_symbolic_strategy,
    paper_instances=lambda: [(f"n{n}", n) for n in (2, 3, 4, 6)],
    checks="Symbolic (sympy) identities with symbolic masses p_k (summing to 1) and trade rates a_k, for a given number of types: (16), (17), and the discrete envelope rent Σ_k p_k V(θ_k) = V(θ_0) + Δ Σ_k a_k (1 − P(θ_k)), which shows the grid step Δ the text's virtual values omit. Stored as exactmd-symbolic-check/1 documents; verify re-derives them with sympy.",
))


# ---------------------------------------------------------------------------------
# Vartiainen §4: covering, UC*, Lemmas 1, 3, 4 — decided on finite universes of beliefs
# (exactmd.papers.vartiainen2014; the revelation theorem and the readings are in its modules' docstrings)

_COMMIT_EPS = "1/10"


def _commitment_universes(env: Environment, N: int) -> list[tuple[str, list[Any]]]:
    from .papers.vartiainen2014 import grid

    G = grid(env.types, N)
    return [(f"G_{N}", G), (f"G_{N} without the vertices", [b for b in G if len(b.support()) >= 2])]


_DELTA = "Δ (all beliefs over Θ)"


def _universe_domain(name: str) -> Domain:
    """The domain of a finite universe of beliefs standing in for the paper's Δ."""
    if name.endswith("without the vertices"):
        return Domain(_DELTA, name, False,
                      "omits the degenerate beliefs δ_θ of Δ: a universe without them changes which beliefs are covered "
                      "(covering asks for posteriors in B), so its UC sequence is not the paper's")
    return Domain(_DELTA, name, True,
                  "contains the vertices δ_θ of Δ; by the revelation theorem (proofs/derivations/commitment.md) p is covered "
                  "under any B containing them iff V*(p) ≥ v̄(p) + ε, so each iterate on this universe is the paper's UCᵗ "
                  "restricted to it")


#: the declared (templated) universes of the §4 claims
_UNIVERSE_DOMAINS = (_universe_domain("G_N"), _universe_domain("G_N without the vertices"))

_UCSTAR_INTERSECTION = Reading(
    "ucstar=intersection", "UC* is the intersection ∩_t UCᵗ of the iterates, taken literally.",
    "Denote $$UC^* = \\cap_t UC^t.$$ … It suffices to show that there is p that is not covered in any iteration of UC^t")
_UCSTAR_LIMIT = Reading(
    "ucstar=limit",
    "UC* is the limit of the iterates, read as limsup_t UCᵗ = ⋂_T ⋃_{t≥T} UCᵗ (the beliefs uncovered at infinitely many t): "
    "the limit set when the sequence is eventually constant, ∪_t UCᵗ when it increases as asserted, and in every case a set "
    "containing each iterate from some t on, as Lemma 3's proof uses (P(ρ_t^∞, p) ⊆ UCᵗ⁺¹ ⊆ UC*).",
    "By construction $UC^t \\subseteq UC^{t+1}$ for all t … Then UC^* , the *ultimate uncovered set*, … "
    "the mechanism $\\rho_t^\\infty(p)$ is well defined, UC^t -covers p , and has the property … "
    "$$P(\\rho_t^\\infty, p) \\subseteq UC^{t+1}.$$ … By induction on t ,")
_UCSTAR_UNION = Reading(
    "ucstar=union",
    "UC* is the union ∪_t UCᵗ of the iterates: the limit of the increasing sequence the text asserts, outside which "
    "a belief is UCᵗ-covered for every t.",
    "By construction $UC^t \\subseteq UC^{t+1}$ for all t … We now argue that any p not in UC^* is not only "
    "UC^t -covered by some r^t for all t but also UC^* -covered by some r .")
_UCSTAR_READINGS = (_UCSTAR_INTERSECTION, _UCSTAR_LIMIT, _UCSTAR_UNION)

_LEMMA4_FORMS = {
    "stated": (
        "Lemma 4 as stated: its only hypotheses are p ∈ UC* and r ∈ IC(p)",
        "Lemma 4 *Let $p \\in UC^*$ and $r \\in IC(p)$. Then there is ρ_s that UC^* -blocks r .*"),
    "clauses-1-2": (
        "Lemma 4 with covering's clauses 1–2 as hypotheses, the form (5)–(6) use: p ∈ UC*, r ∈ IC(p), v(r, p) − ε ≥ v̄(p) "
        "and P(r, p) ⊆ UC*; it holds at p when some simple plan UC*-blocks every such r, vacuously when there is none",
        "For any pair (p, r) such that $p \\in UC^*$, $v(r, p) - \\varepsilon \\geq \\bar{v}(p)$, $r \\in IC(p)$, and "
        "$P(r, p) \\subseteq UC^*$, identify a simple response plan $\\rho_s^{p,r}$ that UC^* -blocks r given p … "
        "By Lemma 4, and since the planner's payoffs are bounded, such a $\\rho_s^{p,r}$ exists."),
}
_LEMMA4_READINGS = tuple(
    Reading(f"hyp={form}+{u.id}", f"{sentence}; {u.sentence[0].lower()}{u.sentence[1:]}", f"{support} … {u.support}")
    for form, (sentence, support) in _LEMMA4_FORMS.items() for u in _UCSTAR_READINGS)


def _belief_text(p: Any) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in p.to_dict().items()) + "}"


def _star_text(seq: Any, S: list[Any]) -> str:
    """UC* named by the iterates it equals (e.g. 'UC* = UC^2 = UC^3 (22 beliefs)')."""
    fs = frozenset(S)
    same = [t for t, it in enumerate(seq.iterates) if frozenset(it) == fs]
    return "UC* = " + "".join(f"UC^{t} = " for t in same[:2]).removesuffix(" = ") + f" ({len(S)} beliefs)" if same else f"UC* ({len(S)} beliefs)"


def _star_sets(seq: Any) -> list[tuple[Reading, list[Any], str]]:
    """(reading, UC* under it, certificate tag) per ucstar reading; readings that give the
    same set share the tag of the first (so their certificates are written once)."""
    from .papers.vartiainen2014 import uc_star

    tags: dict[frozenset, str] = {}
    out = []
    for rd in _UCSTAR_READINGS:
        S = uc_star(seq, rd.id.split("=", 1)[1])
        out.append((rd, S, tags.setdefault(frozenset(S), rd.id.split("=", 1)[1])))
    return out


def _decide_commit_lemma1(env: Environment) -> Verdict:
    from .papers.vartiainen2014 import ALL, covered, vertices
    from .papers.vartiainen2014.certificates import covering_certificate

    cid = "vartiainen2014/lemma-1"
    certs = []
    bad = []
    for d in vertices(env):
        c = covered(env, d, ALL, _COMMIT_EPS)
        certs.append((f"vertex-{profile_label(d.support()[0])}", covering_certificate(env, d, ALL, _COMMIT_EPS, c)))
        if c.covered:
            bad.append(profile_label(d.support()[0]))
    if bad:
        return Verdict(cid, "refuted", f"the degenerate belief at {bad[0]} is covered", env.name, tuple(certs))
    return Verdict(cid, "confirmed", f"none of the {len(certs)} degenerate beliefs is covered under Δ (ε = {_COMMIT_EPS}): "
                   "at each, V*(δ_θ) = v̄(δ_θ) < v̄ + ε (LP certificates), so δ_θ ∈ UC^t for every t and UC* ≠ ∅", env.name, tuple(certs))


def _commitment_strategy() -> Any:
    from .strategies import commitment_environments

    return commitment_environments()


def _commitment_instances() -> list[tuple[str, Any]]:
    from .papers.vartiainen2014 import example_environment

    return [("commitment-2x2", example_environment())]


register(Claim(
    id="vartiainen2014/lemma-1",
    statement="The set UC* is nonempty.",
    where="§4, Lemma 1 (and its proof: degenerate beliefs are never covered)",
    decide=_decide_commit_lemma1,
    strategy=_commitment_strategy,
    paper_instances=_commitment_instances,
    checks="For every profile θ, the degenerate belief δ_θ is not covered under B = Δ with ε = 1/10: the certificate is the LP optimum V*(δ_θ) = max{v(f, δ_θ) : f ∈ IC(δ_θ)} < v̄(δ_θ) + ε, which rules out a covering device for every B. Hence δ_θ ∈ UC^t for all t.",
))


_UC_SEQUENCES: dict[str, list[tuple[str, Any, Any]]] = {}


def _uc_sequence_for(env: Environment, N: int) -> list[tuple[str, Any, Any]]:
    """The UC sequences of an instance on its two universes, computed once and shared by
    the claims uc-monotone, lemma-3 and lemma-4 (keyed by the environment's content)."""
    import json

    from .papers.vartiainen2014 import uc_sequence

    key = json.dumps([env.to_dict(), N], sort_keys=True, default=str)
    if key not in _UC_SEQUENCES:
        if len(_UC_SEQUENCES) > 32:
            _UC_SEQUENCES.clear()
        _UC_SEQUENCES[key] = [(name, G, uc_sequence(env, G, _COMMIT_EPS, name=name, progress=False))
                              for name, G in _commitment_universes(env, N)]
    return _UC_SEQUENCES[key]


def _decide_uc_monotone(instance: tuple[Environment, int]) -> Verdict:
    from .papers.vartiainen2014 import uc_converges, uc_cycle
    from .papers.vartiainen2014.certificates import uc_sequence_certificate

    env, N = instance
    cid = "vartiainen2014/uc-monotone"
    readings = []
    ok = True
    for name, G, seq in _uc_sequence_for(env, N):
        d = seq.to_dict()
        text = f"|UC^t| = {d['sizes']}, {d['repeats']}, monotone: {seq.monotone_increasing}"
        if not seq.monotone_increasing:
            ok = False
            t = next(t for t in range(len(seq.iterates) - 1) if not set(seq.iterates[t]) <= set(seq.iterates[t + 1]))
            lost = next(b for b in seq.iterates[t] if b not in set(seq.iterates[t + 1]))
            text += f" (UC^{t} ⊄ UC^{t + 1}: {_belief_text(lost)} is uncovered at t = {t}, covered at t = {t + 1})"
        cyc = len(uc_cycle(seq))
        text += (f"; the sequence converges (UC^t = UC^{seq.repeats_at} for t ≥ {seq.repeats_at})" if uc_converges(seq)
                 else f"; the sequence cycles with period {cyc} from t = {seq.repeats_at} (no limit: liminf ≠ limsup)")
        readings.append(ReadingVerdict(AS_STATED, "confirmed" if seq.monotone_increasing else "refuted", text,
                                       ((f"sequence-{name}", uc_sequence_certificate(env, G, seq)),), _universe_domain(name)))
    note = ("On a universe containing the vertices every iterate equals UC⁰ = {p : V*(p) < v̄(p) + ε} (revelation theorem), as on Δ itself; "
            "the assertion fails only on universes that omit beliefs the designer needs" if not ok else "Every sequence is monotone")
    note += ". The assertion is about the iterates, which no reading of UC* changes"
    return Verdict(cid, instance=env.name, readings=readings, note=note)


def _uc_monotone_strategy() -> Any:
    from hypothesis import strategies as st

    from .strategies import commitment_environments

    return st.tuples(commitment_environments(max_outcomes=2), st.just(2))


register(Claim(
    id="vartiainen2014/uc-monotone",
    statement="By construction UC^t ⊆ UC^{t+1} for all t. Denote UC* = ∩_t UC^t.",
    where="§4, after the definition of UC(B)",
    decide=_decide_uc_monotone,
    strategy=_uc_monotone_strategy,
    domains=_UNIVERSE_DOMAINS,
    paper_instances=lambda: [("commitment-2x2-G4", (_commitment_instances()[0][1], 4))],
    checks="The iterates UC^0 = UC_G(Δ), UC^{t+1} = UC_G(UC^t) are computed exactly on two finite universes (the grid G_N, and G_N without its vertices) until one repeats, and UC^t ⊆ UC^{t+1} is tested for every t; whether the sequence converges (is eventually constant) is reported. Each sequence is a certificate that exactmd verify recomputes. On the paper's Δ the sequence is constant (revelation theorem: fully revealing devices are never blocked), so the assertion holds there; a refutation on the universe without the vertices is for that stand-in only. The assertion does not involve UC*, so it has one reading.",
))


def _decide_commit_lemma3(instance: tuple[Environment, int]) -> Verdict:
    from .papers.vartiainen2014 import lemma_3_at
    from .papers.vartiainen2014.certificates import covering_certificate

    env, N = instance
    cid = "vartiainen2014/lemma-3"
    readings = []
    for name, G, seq in _uc_sequence_for(env, N):
        dom = _universe_domain(name)
        for rd, S, tag in _star_sets(seq):
            res = lemma_3_at(env, G, S, _COMMIT_EPS)
            fails = [p for p, c in res if not c.covered]
            certs = []
            shown = 0
            for k, (p, c) in enumerate(res):
                if not c.covered:
                    certs.append((f"{name}-{tag}-not-covered-{k}", covering_certificate(env, p, S, _COMMIT_EPS, c)))
                elif shown < 3:
                    shown += 1
                    certs.append((f"{name}-{tag}-covered-{k}", covering_certificate(env, p, S, _COMMIT_EPS, c)))
            head = f"{_star_text(seq, S)} of {name}"
            if fails:
                text = (f"{head}: {len(fails)} of the {len(res)} beliefs outside UC* are not UC*-covered, e.g. {_belief_text(fails[0])} "
                        "(certificates for every failure)")
            elif res:
                text = f"{head}: each of the {len(res)} beliefs outside UC* is UC*-covered (witnesses re-checked; the first three written)"
            else:
                text = f"{head}: every belief of {name} is in UC* (nothing to cover)"
            readings.append(ReadingVerdict(rd.id, "refuted" if fails else "confirmed", text, tuple(certs), dom))
    note = ("Lemma 3 at a candidate S says UC_G(S) ⊆ S. On a universe containing the vertices every reading gives UC* = UC⁰, and each "
            "p ∉ UC⁰ is covered by the fully revealing device of its commitment optimum, whose posteriors are vertices (revelation "
            "theorem) — as on Δ")
    return Verdict(cid, instance=env.name, readings=readings, note=note)


register(Claim(
    id="vartiainen2014/lemma-3",
    statement="If p ∉ UC*, then there is r that UC*-covers p.",
    where="§4, Lemma 3",
    decide=_decide_commit_lemma3,
    strategy=_uc_monotone_strategy,
    readings=_UCSTAR_READINGS,
    domains=_UNIVERSE_DOMAINS,
    paper_instances=lambda: [("commitment-2x2-G4", (_commitment_instances()[0][1], 4))],
    checks="On each finite universe G (G_N and G_N without vertices) the UC sequence is computed exactly and UC* is taken under each reading (∩_t UC^t; the limit limsup_t UC^t; ∪_t UC^t); for every p ∈ G \\ UC*, covered(p, B = UC*) must find a covering device (witness re-checked from the definition). Certificates: per reading and universe the first three witnesses and every failure; readings that give the same set share them.",
))


def _decide_commit_lemma4(instance: tuple[Environment, int]) -> Verdict:
    from .papers.vartiainen2014 import lemma_4_at, unblocked_constant
    from .papers.vartiainen2014.certificates import covering_certificate, redesign_certificate

    env, N = instance
    cid = "vartiainen2014/lemma-4"
    readings = []
    for name, G, seq in _uc_sequence_for(env, N):
        dom = _universe_domain(name)
        for rd, S, tag in _star_sets(seq):
            head = f"{_star_text(seq, S)} of {name}"
            r_stated = f"hyp=stated+{rd.id}"
            r_hyp = f"hyp=clauses-1-2+{rd.id}"
            if not S:
                for rid in (r_stated, r_hyp):
                    readings.append(ReadingVerdict(rid, "not-applicable", f"{head}: UC* is empty, there is no p to check", (), dom))
                continue
            # as stated: the constant device 1_{x(p)} at a p ∈ UC* (one of UC⁰ if possible) is IC and not blocked
            p, x, admissible = unblocked_constant(env, S, _COMMIT_EPS, prefer=seq.iterates[0])
            cert = redesign_certificate(env, p, S, _COMMIT_EPS)
            why = ("no redesign at p is IC, worth v̄(p) + ε and has its posteriors in UC* (Farkas certificate), so its one signal "
                   "cannot be redesigned" if not admissible else
                   "a redesign of its one signal that meets blocking's (i)–(ii) exists (certificate), but r∘ρ_s is that redesign, "
                   "IC and worth v̄(p) + ε, so (iii) fails")
            readings.append(ReadingVerdict(r_stated, "refuted", (
                f"{head}: p = {_belief_text(p)} ∈ UC* and r = 1_{label(x)} ∈ IC(p), but no simple plan UC*-blocks r: {why}"),
                ((f"{name}-{tag}-stated-redesign", cert),), dom))
            # with covering's clauses 1–2: every such r is blocked (or there is none) iff p is not UC*-covered
            res = lemma_4_at(env, S, _COMMIT_EPS)
            kinds = {k: [p for p, kk, _ in res if kk == k] for k in ("vacuous", "blocked", "covered")}
            certs = []
            for j, (q, kind, c) in enumerate(res):
                if kind == "covered" or sum(1 for n, _ in certs if f"-{kind}-" in n) < 2:
                    doc = redesign_certificate(env, q, S, _COMMIT_EPS) if kind == "vacuous" else covering_certificate(env, q, S, _COMMIT_EPS, c)
                    certs.append((f"{name}-{tag}-{kind}-{j}", doc))
            parts = [f"at {n} no r ∈ IC(p) has v(r, p) − ε ≥ v̄(p) and P(r, p) ⊆ UC* (redesign LP infeasible)" if k == "vacuous" else
                     f"at {n} such r exist and each is blocked (p is not UC*-covered)" if k == "blocked" else
                     f"at {n} one is not blocked (it UC*-covers p), e.g. at {_belief_text(kinds['covered'][0])}"
                     for k, n in ((k, len(v)) for k, v in kinds.items()) if n]
            text = f"{head}: of the {len(res)} beliefs p ∈ UC*, " + "; ".join(parts)
            if not kinds["covered"] and not kinds["blocked"]:
                text += " — the form holds vacuously"
            readings.append(ReadingVerdict(r_hyp, "refuted" if kinds["covered"] else "confirmed", text, tuple(certs), dom))
    note = ("As stated the lemma fails at every p ∈ UC* under every reading of UC*: 1_{x(p)} is IC and no simple plan blocks it; "
            "the proof's step 'no r covers p, thus r is blocked' drops covering's clauses 1–2. With them as hypotheses it says "
            "UC* ⊆ UC_G(UC*); under ∩ it is vacuous (∩_t UC^t ⊆ UC⁰, where no IC device is worth v̄(p) + ε)")
    return Verdict(cid, instance=env.name, readings=readings, note=note)


register(Claim(
    id="vartiainen2014/lemma-4",
    statement="Let p ∈ UC* and r ∈ IC(p). Then there is ρ_s that UC*-blocks r.",
    where="§4, Lemma 4 (and the operators before (5)–(6))",
    decide=_decide_commit_lemma4,
    strategy=_uc_monotone_strategy,
    readings=_LEMMA4_READINGS,
    domains=_UNIVERSE_DOMAINS,
    paper_instances=lambda: [("commitment-2x2-G4", (_commitment_instances()[0][1], 4))],
    checks="On G_N and G_N without the vertices, UC* under each reading (∩, limit, ∪). As stated: at the p ∈ UC* with the largest support (one in UC⁰ if any) the constant device r = 1_{x(p)} is IC and a simple plan can redesign only its one signal, whose posterior is p; the redesign LP at p (IC, v ≥ v̄(p) + ε, posteriors in UC*) is decided exactly — infeasible (Farkas) means nothing can redesign it, feasible means r∘ρ_s is IC and worth v̄(p) + ε — so no plan blocks r and the lemma is refuted. With covering's clauses 1–2 as hypotheses: for every p ∈ UC*, the same LP decides whether such r exist (none: vacuous) and covered(p, B = UC*) whether one escapes blocking (covering device as certificate).",
))


_PHASE_READINGS = {
    "current": Reading(
        "phase=current", "The phase condition 'h ∈ H⁰' of (15) tests the phase of the history at which σ* acts, as the cases of the proof use it.",
        "1. $\\text{supp}(p|_h) = \\{(\\bar{t}, \\bar{t}), (\\bar{t}, \\underline{t}), (\\underline{t}, \\underline{t})\\}$ and $h \\in H^0$. "
        "Then $C^{\\sigma^*}(h) \\setminus \\{1_0\\} = \\emptyset$."),
    "previous": Reading(
        "phase=previous", "The phase condition 'h ∈ H⁰' of (15) tests the phase of the predecessor h of h' = (h, (r, s)), as (15) is written.",
        "Construct a choice rule σ^* such that, for any $h' = (h, (r, s)) \\in H$, … "
        "\\text{stop}, & \\text{if } \\text{supp}(p_{|h'}) = \\{(\\bar{t}, \\bar{t}), (\\bar{t}, \\underline{t}), (\\underline{t}, \\underline{t})\\}, s = 0, \\text{ and } h \\in H^0"),
}


def _decide_lemma7_cases(instance: tuple[Any, Any, Any]) -> Verdict:
    from .papers.vartiainen2014.certificates import lemma_7_cases_certificate

    cid = "vartiainen2014/lemma-7-cases"
    t_lo, t_hi, weights = instance
    readings = []
    ok = True
    for reading in ("current", "previous"):
        doc = lemma_7_cases_certificate(t_lo, t_hi, weights, "interim-IR", reading)
        ok = ok and not doc["failures"]
        cases = {c["case"]: c for c in doc["cases"]}
        typo = [f"case {k}: C = {{1_{cases[k]['choice set'][0]['pattern'] and next(iter(cases[k]['choice set'][0]['pattern']))}}}, not {cases[k]['stated choice set']}"
                for k in (7, 9) if len(cases[k]["choice set"]) == 1]
        text = ((f"{len(doc['failures'])} failing (case, signal) states, e.g. {doc['failures'][0]}" if doc["failures"] else "all nine cases hold")
                + ("; " + "; ".join(typo) if typo else ""))
        readings.append(ReadingVerdict(_PHASE_READINGS[reading].id, "refuted" if doc["failures"] else "confirmed", text,
                                       ((f"cases-{reading}-phase", doc),)))
    note = ("Whichever phase (15) tests, 1_0 at a history with (t̄,t̄) and (t,t) in the support moves the next history to the other phase (eq. 14), "
            "where σ* redesigns (r* or r**): 1_0 ∉ C^σ*(h)." if not ok else "")
    return Verdict(cid, instance=f"t = {t_lo}, t̄ = {t_hi}", readings=readings, note=note)


register(Claim(
    id="vartiainen2014/lemma-7-cases",
    statement="σ* of (13)–(15) is consistent and Bellman optimal; its choice sets are as in cases 1–9 of the proof of Lemma 7.",
    where="§5, Lemma 7, proof, cases 1–9 and the consistency / Bellman optimality paragraphs",
    decide=_decide_lemma7_cases,
    strategy=_lemma7_strategy,
    readings=tuple(_PHASE_READINGS.values()),
    paper_instances=lambda: [("t0-t1-uniform", (0, 1, ["1/3", "1/3", "1/3"]))],
    checks="σ* is a finite-state rule (phase by eq. 14, support of the current belief, last signal) with g* of eq. (13). For each case's support (belief: the weights conditioned on it) and each last signal s ∈ {<t̄,t̄>, <t̄,t>, <t,t>, 0}: σ*(h); the choice set C^σ*(h) over devices with signals in S* that are IC and interim IR, enumerated by their signal patterns (s ↦ posterior support; each pattern an exact strict-feasibility LP); sup v over it against v(σ*(h)) (Bellman optimality, ε = 0); strategic consistency σ*(h) ∈ C^σ*(h); structural consistency (an IC r with r∘σ* IC but not in C^σ*(h)). Both readings of whose phase (15) tests are reported. Zero-probability signals get the current belief (as the proof's case 4 does).",
))


def _decide_commit_lemma2(env: Environment) -> Verdict:
    from .papers.vartiainen2014 import ALL, SimplePlan, lemma_2_instances
    from .papers.vartiainen2014.certificates import covers_certificate

    cid = "vartiainen2014/lemma-2"
    p = env.prior
    found = lemma_2_instances(env, p, ALL, _COMMIT_EPS)
    if not found:
        return Verdict(cid, "not-applicable", "no partition device that covers p has a covered posterior (the hypothesis never holds here)", env.name)
    bad = [f for f in found if not f[3].covers]
    certs = []
    for k, (r, s, rho, _) in enumerate((bad or found)[:3]):
        certs.append((f"r-{k}", covers_certificate(env, r, p, ALL, _COMMIT_EPS, "r")))
        certs.append((f"r-then-rho-{k}", covers_certificate(env, SimplePlan(s, rho).compound(r), p, ALL, _COMMIT_EPS, f"r∘ρ_{s}")))
    if bad:
        return Verdict(cid, "refuted", f"{len(bad)} of {len(found)} compounds r∘ρ_s do not cover p: {bad[0][3].reason}", env.name, tuple(certs))
    return Verdict(cid, "confirmed", f"for each of the {len(found)} (partition device r covering p, signal s with a covered posterior) pairs, "
                   "r∘ρ_s covers p, ρ_s(s) the covering witness at the posterior (checked from the definition)", env.name, tuple(certs))


def _lemma2_environment() -> Environment:
    """One agent with three types; agent and planner agree on the outcome that matches the type."""
    u = {"l": {"lo": 2, "mid": 1, "hi": 0}, "m": {"lo": 1, "mid": 2, "hi": 0}, "h": {"lo": 0, "mid": 0, "hi": 2}}
    match = {"l": "lo", "m": "mid", "h": "hi"}
    return Environment.finite([["l", "m", "h"]], "uniform", ["lo", "mid", "hi"], lambda i, x, th: u[th[0]][x],
                              lambda x, th: 3 if match[th[0]] == x else 0, name="three aligned types")


def _lemma2_strategy() -> Any:
    from hypothesis import strategies as st

    @st.composite
    def aligned(draw: Any) -> Environment:
        xs = ["x0", "x1", "x2"]
        v = {(x, (t,)): draw(st.integers(0, 3)) for x in xs for t in ("l", "m", "h")}
        u = {(0, x, th): v[(x, th)] + draw(st.integers(-1, 1)) for (x, th) in v}
        return Environment.finite([["l", "m", "h"]], "uniform", xs, u, v, name="aligned random")

    return aligned()


register(Claim(
    id="vartiainen2014/lemma-2",
    statement="Let r B-cover p and let ρ_s(s) B-cover p|(r,s). Then (r∘ρ_s) B-covers p.",
    where="§4, Lemma 2",
    decide=_decide_commit_lemma2,
    strategy=_lemma2_strategy,
    paper_instances=lambda: [("three-aligned-types", _lemma2_environment())],
    checks="At the prior p with B = Δ and ε = 1/10: every partition device r (the cell of the true profile is the signal, one outcome per cell) that covers p; for each of its signals s whose posterior is covered, ρ_s(s) = the covering witness of covered(); the compound r∘ρ_s must cover p (covers(), i.e. the definition). Devices other than partition devices are not enumerated; on random environments the hypothesis rarely holds (then: not-applicable).",
))
