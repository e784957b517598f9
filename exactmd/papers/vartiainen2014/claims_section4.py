"""Vartiainen (2014), §4 and §4.1, as claims: the claims ``vartiainen2014/lemma-1`` (UC* is
nonempty), ``uc-monotone`` (UCᵗ ⊆ UCᵗ⁺¹), ``lemma-3`` (p ∉ UC* is UC*-covered), ``lemma-4``
(every r ∈ IC(p) at p ∈ UC* is UC*-blocked), ``lemma-2`` (compounds r∘ρ_s cover) and
``veto-ic`` (§4.1, after eq. (7): veto-IC implies IC and ex post IR), with their decide
functions, random-instance strategies, readings of UC* and the finite universes of beliefs
they are decided on.

Importing this module registers nothing: :func:`exactmd.papers.vartiainen2014.plugin.register`
registers :data:`CLAIMS`.
"""

from __future__ import annotations

import json
from typing import Any

from ...belief import label, profile_label
from ...claims import AS_STATED, Claim, Domain, Reading, ReadingVerdict, Verdict
from ...constraints import fvar, rows
from ...design import optimal_mechanism
from ...environment import Environment
from ...rational import fmt
from .certificates import covering_certificate, covers_certificate, redesign_certificate, uc_sequence_certificate
from .commitment import ALL, SimplePlan
from .covering import covered, lemma_2_instances, vertices
from .instances import example_environment, three_aligned_types, veto_environments
from .uc import grid, lemma_3_at, lemma_4_at, uc_converges, uc_cycle, uc_sequence, uc_star, unblocked_constant


# ---------------------------------------------------------------------------------
# Vartiainen §4: covering, UC*, Lemmas 1, 3, 4 — decided on finite universes of beliefs
# (exactmd.papers.vartiainen2014; the revelation theorem and the readings are in its modules' docstrings)

_COMMIT_EPS = "1/10"


def _commitment_universes(env: Environment, N: int) -> list[tuple[str, list[Any]]]:
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
    tags: dict[frozenset, str] = {}
    out = []
    for rd in _UCSTAR_READINGS:
        S = uc_star(seq, rd.id.split("=", 1)[1])
        out.append((rd, S, tags.setdefault(frozenset(S), rd.id.split("=", 1)[1])))
    return out


def _decide_commit_lemma1(env: Environment) -> Verdict:
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
    return [("commitment-2x2", example_environment())]


_UC_SEQUENCES: dict[str, list[tuple[str, Any, Any]]] = {}


def _uc_sequence_for(env: Environment, N: int) -> list[tuple[str, Any, Any]]:
    """The UC sequences of an instance on its two universes, computed once and shared by
    the claims uc-monotone, lemma-3 and lemma-4 (keyed by the environment's content)."""
    key = json.dumps([env.to_dict(), N], sort_keys=True, default=str)
    if key not in _UC_SEQUENCES:
        if len(_UC_SEQUENCES) > 32:
            _UC_SEQUENCES.clear()
        _UC_SEQUENCES[key] = [(name, G, uc_sequence(env, G, _COMMIT_EPS, name=name, progress=False))
                              for name, G in _commitment_universes(env, N)]
    return _UC_SEQUENCES[key]


def _decide_uc_monotone(instance: tuple[Environment, int]) -> Verdict:
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


def _decide_commit_lemma3(instance: tuple[Environment, int]) -> Verdict:
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


def _decide_commit_lemma4(instance: tuple[Environment, int]) -> Verdict:
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
            found = unblocked_constant(env, S, _COMMIT_EPS, prefer=seq.iterates[0])
            assert found is not None  # None only for an empty S, handled above
            p, x, admissible = found
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
            certs: list[tuple[str, dict[str, Any]]] = []
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


def _decide_commit_lemma2(env: Environment) -> Verdict:
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


def _lemma2_strategy() -> Any:
    from hypothesis import strategies as st

    @st.composite
    def aligned(draw: Any) -> Environment:
        xs = ["x0", "x1", "x2"]
        v = {(x, (t,)): draw(st.integers(0, 3)) for x in xs for t in ("l", "m", "h")}
        u = {(0, x, th): v[(x, th)] + draw(st.integers(-1, 1)) for (x, th) in v}
        return Environment.finite([["l", "m", "h"]], "uniform", xs, u, v, name="aligned random")

    return aligned()


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
    from ...strategies import finite_environments

    return finite_environments(n_agents=2, max_types=2, max_outcomes=3)


#: the claims of this module; :func:`.plugin.register` registers them
CLAIMS = (
    Claim(
        id="vartiainen2014/lemma-1",
        statement="The set UC* is nonempty.",
        where="§4, Lemma 1 (and its proof: degenerate beliefs are never covered)",
        decide=_decide_commit_lemma1,
        strategy=_commitment_strategy,
        paper_instances=_commitment_instances,
        checks="For every profile θ, the degenerate belief δ_θ is not covered under B = Δ with ε = 1/10: the certificate is the LP optimum V*(δ_θ) = max{v(f, δ_θ) : f ∈ IC(δ_θ)} < v̄(δ_θ) + ε, which rules out a covering device for every B. Hence δ_θ ∈ UC^t for all t.",
    ),
    Claim(
        id="vartiainen2014/uc-monotone",
        statement="By construction UC^t ⊆ UC^{t+1} for all t. Denote UC* = ∩_t UC^t.",
        where="§4, after the definition of UC(B)",
        decide=_decide_uc_monotone,
        strategy=_uc_monotone_strategy,
        domains=_UNIVERSE_DOMAINS,
        paper_instances=lambda: [("commitment-2x2-G4", (_commitment_instances()[0][1], 4))],
        checks="The iterates UC^0 = UC_G(Δ), UC^{t+1} = UC_G(UC^t) are computed exactly on two finite universes (the grid G_N, and G_N without its vertices) until one repeats, and UC^t ⊆ UC^{t+1} is tested for every t; whether the sequence converges (is eventually constant) is reported. Each sequence is a certificate that exactmd verify recomputes. On the paper's Δ the sequence is constant (revelation theorem: fully revealing devices are never blocked), so the assertion holds there; a refutation on the universe without the vertices is for that stand-in only. The assertion does not involve UC*, so it has one reading.",
    ),
    Claim(
        id="vartiainen2014/lemma-3",
        statement="If p ∉ UC*, then there is r that UC*-covers p.",
        where="§4, Lemma 3",
        decide=_decide_commit_lemma3,
        strategy=_uc_monotone_strategy,
        readings=_UCSTAR_READINGS,
        domains=_UNIVERSE_DOMAINS,
        paper_instances=lambda: [("commitment-2x2-G4", (_commitment_instances()[0][1], 4))],
        checks="On each finite universe G (G_N and G_N without vertices) the UC sequence is computed exactly and UC* is taken under each reading (∩_t UC^t; the limit limsup_t UC^t; ∪_t UC^t); for every p ∈ G \\ UC*, covered(p, B = UC*) must find a covering device (witness re-checked from the definition). Certificates: per reading and universe the first three witnesses and every failure; readings that give the same set share them.",
    ),
    Claim(
        id="vartiainen2014/lemma-4",
        statement="Let p ∈ UC* and r ∈ IC(p). Then there is ρ_s that UC*-blocks r.",
        where="§4, Lemma 4 (and the operators before (5)–(6))",
        decide=_decide_commit_lemma4,
        strategy=_uc_monotone_strategy,
        readings=_LEMMA4_READINGS,
        domains=_UNIVERSE_DOMAINS,
        paper_instances=lambda: [("commitment-2x2-G4", (_commitment_instances()[0][1], 4))],
        checks="On G_N and G_N without the vertices, UC* under each reading (∩, limit, ∪). As stated: at the p ∈ UC* with the largest support (one in UC⁰ if any) the constant device r = 1_{x(p)} is IC and a simple plan can redesign only its one signal, whose posterior is p; the redesign LP at p (IC, v ≥ v̄(p) + ε, posteriors in UC*) is decided exactly — infeasible (Farkas) means nothing can redesign it, feasible means r∘ρ_s is IC and worth v̄(p) + ε — so no plan blocks r and the lemma is refuted. With covering's clauses 1–2 as hypotheses: for every p ∈ UC*, the same LP decides whether such r exist (none: vacuous) and covered(p, B = UC*) whether one escapes blocking (covering device as certificate).",
    ),
    Claim(
        id="vartiainen2014/lemma-2",
        statement="Let r B-cover p and let ρ_s(s) B-cover p|(r,s). Then (r∘ρ_s) B-covers p.",
        where="§4, Lemma 2",
        decide=_decide_commit_lemma2,
        strategy=_lemma2_strategy,
        paper_instances=lambda: [("three-aligned-types", three_aligned_types())],
        checks="At the prior p with B = Δ and ε = 1/10: every partition device r (the cell of the true profile is the signal, one outcome per cell) that covers p; for each of its signals s whose posterior is covered, ρ_s(s) = the covering witness of covered(); the compound r∘ρ_s must cover p (covers(), i.e. the definition). Devices other than partition devices are not enumerated; on random environments the hypothesis rarely holds (then: not-applicable).",
    ),
    Claim(
        id="vartiainen2014/veto-ic",
        statement="It is easy to see that any veto-incentive compatible mechanism is incentive compatible and ex post individually rational (but not vice versa).",
        where="§4.1, after eq. (7)",
        decide=_decide_veto_ic,
        strategy=_veto_strategy,
        paper_instances=veto_environments,
        checks="On a finite environment: (a) for each (x, θ) with some u_i(x, θ) < 0, max f(x:θ) over veto-IC mechanisms (> 0 refutes ex post IR); (b) for each IC row of eq. (1), its minimum over veto-IC mechanisms (< 0 refutes IC). Confirmed only if every minimum is ≥ 0 and no negative-utility outcome is usable. The 'not vice versa' part is not checked.",
    ),
)
