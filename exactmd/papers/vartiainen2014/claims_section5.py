"""Vartiainen (2014), §5 and Appendix A.1, as claims: bilateral bargaining without
commitment — ``vartiainen2014/myerson-satterthwaite`` (§5), ``prop-2`` (Proposition 2,
eqs. (8)–(9)), ``remark-1``, ``lemma-5`` (Appendix A.1, eqs. (23)–(25)), ``lemma-6``
(eqs. (10)–(12)), ``lemma-7`` (case 1, steps (a)–(g)), ``lemma-7-cases`` (σ* of
eqs. (13)–(15), cases 1–9), ``theorem-2`` (through its proof's steps) and ``eq-16-17``
(Appendix A.1, eqs. (16)–(17), symbolic), with their decide functions, random-instance
strategies, readings and domains.

Importing this module registers nothing: :func:`exactmd.papers.vartiainen2014.plugin.register`
registers :data:`CLAIMS`.

>>> from exactmd.claims import get_claim
>>> get_claim("vartiainen2014/prop-2").id
'vartiainen2014/prop-2'
>>> get_claim("vartiainen2014/prop-2").decide((1, "uniform", "uniform")).status
'confirmed'
"""

from __future__ import annotations

from typing import Any

from ...claims import Claim, Domain, Reading, ReadingVerdict, Verdict, get_claim
from ...design import feasible_mechanism
from ...environment import Environment
from ...rational import Q, fmt
from .identities import discrete_envelope, summation_by_parts
from .bargaining import bilateral_trade, breakpoints, is_regular, lemma_5, lemma_6, proposition_2
from .certificates import lemma_7_cases_certificate
from .continuation import continuation_devices, lemma_7
from .reversion import reversion_certificate, reversion_witness


# ---------------------------------------------------------------------------------
# Vartiainen §5 (Myerson–Satterthwaite): "any incentive compatible, individually
# rational, and budget balanced mechanism implements an inefficient outcome with strictly
# positive probability"
def _decide_ms(instance: tuple[int, Any, Any]) -> Verdict:
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

    from ...strategies import distributions

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


# ---------------------------------------------------------------------------------
# Vartiainen §5, Proposition 2 and Remark 1
def _bargaining_env(instance: tuple[int, Any, Any]) -> Environment:
    K, p1, p2 = instance
    return bilateral_trade(K, p1, p2)


_PROP2_CACHE: dict[Any, Any] = {}


def _key(instance: tuple[int, Any, Any]) -> Any:
    return tuple(x if isinstance(x, (int, str)) else tuple(fmt(v) for v in x) for x in instance)


def _prop2(instance: tuple[int, Any, Any]) -> Any:
    """Proposition 2's computation, shared by prop-2, remark-1 and lemma-5 (cached per instance)."""
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

    from ...strategies import distributions

    return st.integers(1, max_K).flatmap(
        lambda K: st.tuples(st.just(K), distributions(K + 1, full_support=True), distributions(K + 1, full_support=True))
    )


def _bargaining_instances() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [(f"K{K}-uniform", (K, "uniform", "uniform")) for K in range(1, 7)]
    out += [("K3-increasing-decreasing", (3, "increasing", "decreasing")), ("K4-decreasing-increasing", (4, "decreasing", "increasing"))]
    return out


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


def _decide_lemma5(instance: tuple[int, Any, Any]) -> Verdict:
    cid = "vartiainen2014/lemma-5"
    env = _bargaining_env(instance)
    if not is_regular(env):
        return Verdict(cid, "not-applicable", "priors not regular", env.name)
    best = _prop2(instance).best
    if best is None:
        return Verdict(cid, "not-applicable", "no γ-threshold allocation admits IC, IR, BB transfers", env.name)
    r = lemma_5(env, best.gamma)
    name = "zero-transfer-mechanism" if r.lp.feasible else "no-zero-transfer-mechanism"
    certs = ((name, r.lp.certificate),)
    eq = "(24) and (25) agree" if r.equations_consistent else f"(24) needs m(1,0) = {fmt(r.m10_24)} but (25) needs {fmt(r.m10_25)}"
    cons = "the proof's construction is IC, IR and BB" if r.construction_check.ok else f"the proof's construction fails: {r.construction_check.violations[0]}"
    if r.lp.feasible:
        return Verdict(cid, "confirmed", f"a^γ (γ = {fmt(r.gamma)}) has IC, IR, BB transfers that are 0 without trade (witness); {eq}; {cons}", env.name, certs)
    return Verdict(cid, "refuted", f"no IC, IR, BB transfers for a^γ (γ = {fmt(r.gamma)}) are 0 without trade (Farkas); {eq}; {cons}", env.name, certs)


def _decide_lemma6(instance: tuple[int, Any, Any]) -> Verdict:
    cid = "vartiainen2014/lemma-6"
    env = _bargaining_env(instance)
    if not is_regular(env):
        return Verdict(cid, "not-applicable", "priors not regular", env.name)
    best = _prop2(instance).best
    if best is None:
        return Verdict(cid, "not-applicable", "no γ-threshold allocation admits IC, IR, BB transfers", env.name)
    l5 = lemma_5(env, best.gamma)
    if not l5.lp.feasible:
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


_IR_READINGS = {
    "interim-IR": Reading(
        "ir=interim", "Admissible devices satisfy interim individual rationality (§4.1).",
        "Interim individual rationality The first alternative leads to the standard interim participation constraint."),
    "ex-post-IR": Reading(
        "ir=ex-post", "Admissible devices satisfy ex post individual rationality (§4.1).",
        "and it is *ex post individually rational* if⁹"),
}


def _decide_lemma7(instance: tuple[Any, Any, Any]) -> Verdict:
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

    from ...strategies import distributions

    return st.tuples(st.integers(0, 3), st.integers(1, 3), distributions(3, full_support=True)).map(
        lambda x: (x[0], x[0] + x[1], x[2])
    )


def _lemma7_instances() -> list[tuple[str, Any]]:
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
            w = [post[(Q(hi), Q(hi))], post[(Q(hi), Q(lo))], post[(Q(lo), Q(lo))]]
            out.append((f"K5-uniform-signal-{hi.replace('/', '_')}-{lo.replace('/', '_')}", (Q(lo), Q(hi), w)))
    return out


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


def _theorem2_steps(instance: tuple[int, Any, Any]) -> ReadingVerdict:
    """Reading via=proof-steps: the proof's decidable steps on the instance."""
    rid = _THEOREM2_READING.id
    env = _bargaining_env(instance)
    verdicts = [get_claim(c).decide(instance) for c in ("vartiainen2014/prop-2", "vartiainen2014/lemma-5", "vartiainen2014/lemma-6")]
    if any(v.status == "not-applicable" for v in verdicts):
        bad = next(v for v in verdicts if v.status == "not-applicable")
        return ReadingVerdict(rid, "not-applicable", f"{bad.claim}: {bad.summary}")

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
        return ReadingVerdict(rid, "not-applicable", "not decided: the proof's construction fails here — "
                              + "; ".join(f"{v.claim} {v.status}: {v.summary}" for v in failed[:2])
                              + " (whether some other σ exists is not decided)", certs)
    return ReadingVerdict(rid, "confirmed", f"prop-2, lemma-5, lemma-6 confirmed and lemma-7's key step holds at all {len(verdicts) - 3} inefficient no-trade signals", certs)


def _theorem2_search(instance: tuple[int, Any, Any]) -> ReadingVerdict:
    """Reading via=search: the reversion rule of the best IC, ex post IR, BB plan, checked at
    every class of histories (:mod:`.reversion`)."""
    rid = _THEOREM2_SEARCH.id
    env = _bargaining_env(instance)
    if not is_regular(env):
        return ReadingVerdict(rid, "not-applicable", "priors not regular", domain=_THEOREM2_SEARCH_DOMAIN)
    w = reversion_witness(*instance, second=_prop2(instance).second_best)
    certs = (("reversion-witness", reversion_certificate(w)),)
    if not w.ok:  # no witness of this form: nothing is decided about other σ
        return ReadingVerdict(rid, "not-applicable", f"not decided: the reversion rule of the best IC, ex post IR, BB plan is no witness "
                              f"({w.failures[0]}); other σ are not searched", certs, _THEOREM2_SEARCH_DOMAIN)
    return ReadingVerdict(rid, "confirmed",
                          f"witness: the reversion rule of an IC, ex post IR, BB direct mechanism of value {fmt(w.value)} = the second best "
                          f"(plan r at ∅, keep r's {len(w.signals)} signals, revert to no trade at every other history) is consistent "
                          f"and Bellman optimal at every history", certs, _THEOREM2_SEARCH_DOMAIN)


def _decide_theorem2(instance: tuple[int, Any, Any]) -> Verdict:
    env = _bargaining_env(instance)
    return Verdict("vartiainen2014/theorem-2", instance=env.name, readings=[_theorem2_steps(instance), _theorem2_search(instance)])


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


_THEOREM2_SEARCH = Reading(
    "via=search", "σ ranges over all choice rules on H (any function of the public history, §3); decided by a witness: the "
    "reversion rule of a plan r (play r at ∅, keep its signals, revert to no trade at every other history), whose "
    "Definitions 1–3 (ε = 0) hold at every history when r is IC, ex post IR and budget balanced and every posterior "
    "value v(g(s), p|(r, s)) is ≥ 0; it implements g∘r, incentive efficient when its value is the second best.",
    "The planner can condition her design strategy on the past design history … including the off-equilibrium ones")
_THEOREM2_SEARCH_DOMAIN = Domain(
    "every history of the mechanism selection game and every consistent, Bellman optimal σ",
    "every history, in the three classes of the reversion rule (∅, plan histories, reversion histories)", True,
    "an existence statement needs one σ: the witness is defined at every history of the instance (one of the paper's "
    "environments), and Definitions 1–3 with ε = 0 hold at each class of histories against every device over any signal set")


def _decide_symbolic(n: int) -> Verdict:
    cid = "vartiainen2014/eq-16-17"
    docs = [("identities-16-17", summation_by_parts(n)), ("discrete-envelope", discrete_envelope(n))]
    ok = all(e["holds"] for _, d in docs for e in d["identities"])
    return Verdict(cid, "confirmed" if ok else "refuted",
                   f"(16), (17) and the discrete envelope identity hold symbolically for {n} types (masses and trade rates symbolic; the rent carries the grid step Δ)",
                   f"{n} types", tuple(docs))


def _symbolic_strategy() -> Any:
    from hypothesis import strategies as st

    return st.integers(2, 5)


#: the claims of this module; :func:`.plugin.register` registers them
CLAIMS = (
    Claim(
        id="vartiainen2014/myerson-satterthwaite",
        statement="any incentive compatible, individually rational, and budget balanced mechanism implements an inefficient outcome with strictly positive probability",
        where="§5 (Myerson and Satterthwaite 1983, as restated for the grid)",
        decide=_decide_ms,
        strategy=_ms_strategy,
        domains=(_MS_DOMAIN,),
        paper_instances=_ms_instances,
        checks="On the grid {0, 1/K, …, 1} with independent full-support priors: feasibility of IC (eq. 1), interim IR, ex post budget balance and ex post efficiency (trade only where θ1 − θ2 is maximal surplus; trade at θ1 = θ2 left free). Infeasible (Farkas certificate) confirms; a witness refutes.",
    ),
    Claim(
        id="vartiainen2014/prop-2",
        extra={"test_strategy": lambda: _bargaining_strategy(6)},
        statement="Let θ1 and θ2 be independently distributed with regular distribution functions p1 and p2. Then there is an incentive efficient direct mechanism (a^γ, m^γ) such that, for some γ ∈ (0, 1], a^γ = 1 if c1(θ1, γ) − c2(θ2, γ) ≥ 0 and a^γ = 0 otherwise.",
        where="§5, Proposition 2, eqs. (8)–(9)",
        decide=_decide_prop2,
        strategy=_bargaining_strategy,
        paper_instances=_bargaining_instances,
        checks="The second best (max expected gains from trade under IC, interim IR, ex post BB) by exact LP; every distinct γ-threshold allocation for γ ∈ (0, 1] (exact breakpoints), tried in decreasing value until one admits IC + interim-IR + BB transfers (better ones: Farkas certificates). Confirmed iff its value equals the second best; not-applicable if the priors are not regular (c_i(·, 1) weakly increasing).",
    ),
    Claim(
        id="vartiainen2014/remark-1",
        extra={"test_strategy": lambda: _bargaining_strategy(6)},
        statement="Let (a^γ, m^γ) be an incentive efficient direct mechanism as defined in (8)-(9). Then a^γ(θ1, θ2) = 0 implies a^γ(θ1', θ2) = 0 for all θ1' ≤ θ1 and a^γ(θ1, θ2') = 0 for all θ2' ≥ θ2.",
        where="§5, Remark 1",
        decide=_decide_remark1,
        strategy=_bargaining_strategy,
        paper_instances=_bargaining_instances,
        checks="On the best γ-threshold allocation that admits IC, interim-IR, BB transfers (see prop-2): the no-trade region is checked for monotonicity exactly. The summary also says whether the LP second best's trade probability is monotone.",
    ),
    Claim(
        id="vartiainen2014/lemma-5",
        extra={"test_strategy": lambda: _bargaining_strategy(6)},
        statement="Then there is an incentive efficient direct mechanism (a^γ, m^γ) as defined in (8)-(9) such that the transfer rule m^γ prescribes zero monetary transfer when trade does not take place.",
        where="§5, Lemma 5; proof in Appendix A.1, eqs. (23)–(25)",
        decide=_decide_lemma5,
        strategy=_bargaining_strategy,
        paper_instances=_bargaining_instances,
        checks="For the best γ-threshold allocation a^γ (see prop-2): feasibility of IC, interim IR, ex post BB with m(θ) = 0 wherever a^γ(θ) = 0 (witness or Farkas certificate). The summary also reports whether (24) and (25) determine the same m(1, 0), and the exact IC/IR/BB check of the proof's construction with m(1, 0) from (24), its payments m_i^γ taken from the discrete envelope formula.",
    ),
    Claim(
        id="vartiainen2014/lemma-6",
        extra={"test_strategy": lambda: _bargaining_strategy(6)},
        statement="Let p1 and p2 be regular distributions. Then the mechanism g* ∘ r* is incentive efficient.",
        where="§5, Lemma 6, eqs. (10)–(12)",
        decide=_decide_lemma6,
        strategy=_bargaining_strategy,
        paper_instances=_bargaining_instances,
        checks="With a^γ the best threshold allocation (prop-2) and m the zero-on-no-trade transfers found for Lemma 5: the composite g*∘r* of eqs. (11)–(12) (κ counting the terms of both sums) equals (a^γ, m^γ) exactly at a γ strictly inside its interval of breakpoints; the summary also reports the breakpoint γ itself, and the posterior and support of every inefficient no-trade signal ⟨t̄, t⟩. Incentive efficiency itself is prop-2's verdict.",
    ),
    Claim(
        id="vartiainen2014/lemma-7",
        statement="Let supp(p|∅) = {(t̄, t̄), (t̄, t), (t, t)} with t̄ > t. There is a consistent, Bellman optimal, and admissible choice rule σ* such that σ*(h) = (0, 0).",
        where="§5, Lemma 7, case 1 of the proof, steps (a)–(g)",
        decide=_decide_lemma7,
        strategy=_lemma7_strategy,
        readings=tuple(_IR_READINGS.values()),
        paper_instances=_lemma7_instances,
        checks="The key step of case 1: after (a)–(b) every signal on the support carries a trade outcome of g* (eq. 13: prices t, (t̄+t)/2, t̄); (c)–(g) claim no such device is IC and IR. Decided as an LP feasibility question for interim IR and for ex post IR (Farkas certificates confirm). Also reported: the largest trade probability of IC + IR devices without (a)–(b), and the exact IC/IR check of the continuation devices r* (case 2) and r** (case 4) of eq. (15) with g* of eq. (13). Cases 2–9 and the consistency of σ* over all histories are not checked here.",
    ),
    Claim(
        id="vartiainen2014/lemma-7-cases",
        statement="σ* of (13)–(15) is consistent and Bellman optimal; its choice sets are as in cases 1–9 of the proof of Lemma 7.",
        where="§5, Lemma 7, proof, cases 1–9 and the consistency / Bellman optimality paragraphs",
        decide=_decide_lemma7_cases,
        strategy=_lemma7_strategy,
        readings=tuple(_PHASE_READINGS.values()),
        paper_instances=lambda: [("t0-t1-uniform", (0, 1, ["1/3", "1/3", "1/3"]))],
        checks="σ* is a finite-state rule (phase by eq. 14, support of the current belief, last signal) with g* of eq. (13). For each case's support (belief: the weights conditioned on it) and each last signal s ∈ {<t̄,t̄>, <t̄,t>, <t,t>, 0}: σ*(h); the choice set C^σ*(h) over devices with signals in S* that are IC and interim IR, enumerated by their signal patterns (s ↦ posterior support; each pattern an exact strict-feasibility LP); sup v over it against v(σ*(h)) (Bellman optimality, ε = 0); strategic consistency σ*(h) ∈ C^σ*(h); structural consistency (an IC r with r∘σ* IC but not in C^σ*(h)). Both readings of whose phase (15) tests are reported. Zero-probability signals get the current belief (as the proof's case 4 does).",
    ),
    Claim(
        id="vartiainen2014/theorem-2",
        statement="Let θ1 and θ2 be independently distributed with regular distribution functions p1 and p2. Then there is a consistent and Bellman optimal mechanism selection strategy σ that implements an incentive efficient mechanism under (p1, p2).",
        where="§5, Theorem 2",
        decide=_decide_theorem2,
        strategy=lambda: _bargaining_strategy(3),
        readings=(_THEOREM2_READING, _THEOREM2_SEARCH),
        domains=(_THEOREM2_DOMAIN, _THEOREM2_SEARCH_DOMAIN),
        paper_instances=lambda: [(f"K{K}-uniform", (K, "uniform", "uniform")) for K in (3, 5)] + [("K3-increasing-decreasing", (3, "increasing", "decreasing"))],
        checks="Theorem 2 through its proof's construction (a refutation refutes the construction, not the existence of every σ). The decidable parts of the proof on the instance: Proposition 2 (a threshold allocation is incentive efficient), Lemma 5 (zero transfers without trade), Lemma 6 (g*∘r* implements it) and Lemma 7's key step at the posterior of every inefficient no-trade signal of r*. Consistency and Bellman optimality of σ* over all histories (cases 2–9 of Lemma 7, Theorem 1) are not checked. Reading via=search: the reversion rule of the LP optimum under IC, ex post IR, BB (play it, keep its signals, revert to no trade elsewhere) — its value against the certified second best and its posterior values, which decide Definitions 1–3 at all three classes of histories (exactmd-reversion-witness/1).",
    ),
    Claim(
        id="vartiainen2014/eq-16-17",
        statement="P1(θ1)A1(θ1) = … Thus Σ_t p1(t)A1(t') = Σ_t a1(t)(1 − P1(t)) (16), and similarly Σ_t p2(t)[A2(1) − A2(t')] = Σ_t a2(t)P2(t) (17).",
        where="Appendix A.1, proof of Proposition 2, eqs. (16)–(17)",
        decide=_decide_symbolic,
        strategy=_symbolic_strategy,
        paper_instances=lambda: [(f"n{n}", n) for n in (2, 3, 4, 6)],
        checks="Symbolic (sympy) identities with symbolic masses p_k (summing to 1) and trade rates a_k, for a given number of types: (16), (17), and the discrete envelope rent Σ_k p_k V(θ_k) = V(θ_0) + Δ Σ_k a_k (1 − P(θ_k)), which shows the grid step Δ the text's virtual values omit. Stored as exactmd-symbolic-check/1 documents; verify re-derives them with sympy.",
    ),
)
