"""``exactmd explain`` of the commitment certificates that carry no LP certificate (§3–4).

A ``covers`` document (does device r B-cover p?), a ``uc-sequence`` (the iterates UC⁰,
UC¹, … on a finite universe) and a ``lemma-7-cases`` document (σ* of eqs. (13)–(15) case by
case) are explained by the facts their verifier recomputes, written out with their exact
values: the IC slacks, v(r, p) − ε against v̄(p), each posterior and whether it lies in B, and
for clause 3 of covering the least change of every IC constraint a simple plan at a signal
can make (an exact LP per signal and constraint); for a sequence, each belief's verdict at
each iterate with the numbers that decide it (V*(p) against v̄(p) + ε by the revelation
theorem, or the covering device); for Lemma 7, each case and signal with the definitions
that fail and why.  :func:`explain_commitment` is registered with the format
(:mod:`.plugin`) and is called only on a document ``exactmd verify`` accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exactmd.belief import label
from exactmd.rational import fmt

from .certificates import _beliefs, _common, _environment, _where, composite_from_dict, json_belief
from .commitment import ALL, check_eps
from .covering import covered, covers

__all__ = ["explain_commitment"]


def _covers_lines(doc: Mapping[str, Any]) -> list[str]:
    env, p, B, e = _common(doc)
    name = doc["device name"]
    r = composite_from_dict(env, doc["device"], strict=True)
    v = covers(env, r, p, B, e)
    out = [f"Does {name} {('B-' if B is not ALL else '')}cover p = {json_belief(p)} (ε = {fmt(e)}, B = {_where(B)})?",
           f"The device {name}: at each type profile θ, the probabilities of its signals s, and the outcome g(s):"]
    for th, row in doc["device"]["device"].items():
        out.append(f"  θ = {th}: " + ", ".join(f"s = {s} with probability {q}" for s, q in row.items()))
    out.append("  g: " + ", ".join(f"g({s}) = {x}" for s, x in doc["device"]["g"].items()))
    out.append("How to check this: each line below is one clause of the definition of covering (Section 4), with its exact "
               "numbers; a clause fails at the first line that says so.")
    if v.certificate is None:  # not covered: the failing clause, as recomputed
        out.append(f"Clause {v.clause} fails: {v.reason}.")
        if v.plan is not None:
            out.append(f"The blocking plan: at signal {label(v.plan.signal)!r} the planner redesigns; {v.block.reason if v.block else ''}".rstrip("; "))
        out.append(f"So {name} does not cover p.")
        return out
    c = v.certificate
    out.append("Clause 1, r ∈ IC(p): every IC constraint's slack, p(θ_i) times (the expected utility of type θ_i "
               "reporting the truth minus that of the misreport θ_i'), is ≥ 0:")
    out += [f"  {row} = {val} ≥ 0" for row, val in c["IC"].items()]
    out.append(f"Clause 1, value: v(r, p) − ε = {c['value']} − {fmt(e)} ≥ v̄(p) = {c['vbar']}.")
    out.append("Clause 2, P(r, p) ⊆ B: the posterior after each signal:")
    for s, pr, b in r.posteriors(p):
        out.append(f"  after s = {label(s)} (probability {fmt(pr)}): {json_belief(b)}, in {_where(B)}")
    out.append("Clause 3, no simple plan ρ_s blocks r: at each signal s, the least change a redesign at s can make to "
               "each IC constraint (an exact LP over every admissible redesign), added to its slack, stays ≥ 0:")
    for s, per in c["least IC change per signal"].items():
        if per.get("redesign") == "none admissible":
            out.append(f"  at s = {s}: no redesign is admissible (the LP is infeasible), so no plan at s blocks r")
            continue
        for row, low in per.items():
            out.append(f"  at s = {s}: {row}: {c['IC'][row]} + ({low}) ≥ 0")
    out.append(f"So {name} covers p.")
    return out


def _sequence_lines(doc: Mapping[str, Any]) -> list[str]:
    env = _environment(doc)
    G = _beliefs(env, doc["beliefs"], "beliefs")
    e = check_eps(doc["eps"])
    its = [frozenset(_beliefs(env, it, "iterates")) for it in doc["iterates"]]
    out = [f"The universe {doc['universe']} ({len(G)} beliefs), ε = {fmt(e)}. UC^0 is the set of beliefs of the universe "
           "that no device covers (B = Δ); UC^(t+1) those that no device UC^t-covers.",
           "How to check this: for each iterate and belief, the line gives the numbers that decide whether p is covered "
           "(by the revelation theorem when B holds the vertices δ_θ of supp p: covered iff V*(p) ≥ v̄(p) + ε, V*(p) the "
           "commitment optimum, an exact LP; otherwise by a covering device or by elimination)."]
    for t in range(len(its)):
        B = ALL if t == 0 else its[t - 1]
        out.append(f"Iterate t = {t} (B = {'Δ' if t == 0 else f'UC^{t - 1}'}): |UC^{t}| = {len(its[t])}")
        for p in G:
            cv = covered(env, p, B, e, check=False)
            inside = p in its[t]
            if cv.covered == inside:  # pragma: no cover - verify recomputed the same iterates
                raise AssertionError("internal: the recomputed verdict disagrees with a verified iterate")
            how = (f"V*(p) = {fmt(cv.value)} {'≥' if cv.covered else '<'} v̄(p) + ε = {fmt(cv.vbar + e)}"
                   if cv.method == "revelation" else f"by {cv.method}")
            out.append(f"  p = {json_belief(p)}: {'covered' if cv.covered else 'not covered, in UC^' + str(t)} ({how})")
    rep = doc["repeats"]
    out.append(f"UC^{len(its) - 1} = UC^{rep}: the sequence repeats, and UC* has {len(doc['UC*'])} beliefs.")
    out.append(f"UC^t ⊆ UC^(t+1) for every t: {doc['monotone (UC^t ⊆ UC^t+1)']}; UC^(t+1) ⊆ UC^t for every t: "
               f"{doc['monotone (UC^t+1 ⊆ UC^t)']} (compare the lists above).")
    return out


def _lemma7_lines(doc: Mapping[str, Any]) -> list[str]:
    out = [f"σ* of eqs. (13)–(15) with t = {doc['t_lo']}, t̄ = {doc['t_hi']}, weights {', '.join(doc['weights'])}, "
           f"participation {doc['ir'] or 'none'}, phase reading {doc['reading']!r}.",
           "How to check this: each case of the proof is a support of the belief and a phase; at each signal of the "
           "case, σ's device and implementation are given with the verdict of each definition and the reason it fails."]
    for c in doc["cases"]:
        out.append(f"Case {c['case']}: support {', '.join(c['support'])}, phase {c['phase']}, the proof's choice set "
                   f"{c['stated choice set']}; belief {_belief_text(c['belief'])}; choice set found: {len(c['choice set'])} "
                   f"device{'' if len(c['choice set']) == 1 else 's'}; "
                   f"sup = {c['sup'] if c['sup'] is not None else 'none (empty)'}")
        for st in c["by signal"]:
            sc, tc = st["strategic consistency"], st["structural consistency"]
            bell = next((v for k, v in st.items() if k.startswith("Bellman optimal")), None)
            out.append(f"  s = {st['s']}: σ's value {st['value']}; strategically consistent: "
                       f"{'yes' if sc[0] else 'no — ' + sc[1]}; structurally consistent: {'yes' if tc[0] else 'no — ' + tc[1]}"
                       + ("" if bell is None else f"; Bellman optimal: {'yes' if bell else 'no'}"))
    n = len(doc["failures"])
    out.append(f"{n} (case, signal) state{'' if n == 1 else 's'} fail{'s' if n == 1 else ''}" + (": " + "; ".join(doc["failures"]) if n else "."))
    return out


def _belief_text(b: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{th}: {q}" for th, q in b.items()) + "}"


_EXPLAINERS = {"covers": _covers_lines, "uc-sequence": _sequence_lines, "lemma-7-cases": _lemma7_lines}


def explain_commitment(doc: Mapping[str, Any]) -> tuple[str, ...]:
    """The proof lines of a commitment certificate without LP certificates (module text);
    the questions that carry one (``covered``, ``redesign``) are explained from their LP."""
    f = _EXPLAINERS.get(doc.get("question"))  # type: ignore[arg-type]
    if f is None:
        return ("The certificate's LP certificates are explained below.",)
    return tuple(f(doc))
