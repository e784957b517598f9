"""Certificates of Vartiainen (2014), §4 and §5 (Lemma 7): the format
``exactmd-commitment-certificate/1``.

Five questions, each written by one function and re-checked by
:func:`verify_commitment_certificate` (``exactmd verify``):

- ``covered`` (:func:`covering_certificate`) — is p B-covered by some device?  The V*(p)
  LP certificate (always), the covering witness (covered), or, for an uncovered
  elimination verdict, the number of elimination rounds (recomputed);
- ``covers`` (:func:`covers_certificate`) — does a given device B-cover p?  Recomputed
  from the definition (clause, reason and blocking plan compared);
- ``redesign`` (:func:`redesign_certificate`) — is some redesign ρ(s) admissible at p?
  The redesign LP, rebuilt and compared, with its certificate;
- ``uc-sequence`` (:func:`uc_sequence_certificate`) — UC⁰, UC¹, … on a universe of
  beliefs, recomputed; the universe's name is derived from its beliefs
  (:func:`universe_name`);
- ``lemma-7-cases`` (:func:`lemma_7_cases_certificate`) — the nine cases of Lemma 7's
  proof, recomputed.

The verifier trusts nothing in the file: every key is known for its question (an
unknown key is refused by name), every result field is recomputed from the checked data
and compared (a mismatch is a failure naming the field), the ``statement`` must be the one
the engine writes for the checked data, and the one-line verdict is generated from the
checked data, never copied from the file.  Empty evidence (no beliefs, no cases) fails.
Sizes are bounded before any work: at most :data:`MAX_BELIEFS` beliefs in a universe or B.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flint import fmpq

from ...belief import Belief, label
from ...environment import Environment
from ...errors import ExactMDError, ModelError
from ...lp.model import LinExpr
from ...mechanism import Device
from ...rational import Q, fmt
from .commitment import ALL, Composite, _belief_set, check_eps, commitment_value, vbar
from .continuation import lemma_7_cases_json
from .covering import Covering, _Redesign, _support_sub, covered, covers, vertices
from .uc import UCSequence, grid, uc_sequence
from exactmd.design import verify_mechanism_certificate
from exactmd.lp.verify import verify_certificate

__all__ = [
    "QUESTIONS", "MAX_BELIEFS", "covering_certificate", "covers_certificate", "redesign_certificate",
    "uc_sequence_certificate", "lemma_7_cases_certificate", "verify_commitment_certificate", "verify_uc_verdict", "universe_name",
    "composite_from_dict", "COMMITMENT_FORMAT",
]


# ---------------------------------------------------------------------------
# certificates (format exactmd-commitment-certificate/1)

COMMITMENT_FORMAT = "exactmd-commitment-certificate/1"


def _B_to_json(B: Any) -> Any:
    if B is ALL:
        return "all"
    return [b.to_dict() for b in sorted(B, key=lambda c: tuple(c[th] for th in c.profiles()))]


def composite_from_dict(env: Environment, d: Mapping[str, Any], *, strict: bool = False) -> Composite:
    """Inverse of :meth:`Composite.to_dict` (signals are strings; outcomes resolved in env).
    ``strict`` (certificates): every probability as the writers write it — a positive
    "p" or "p/q" in lowest terms (zero entries are not written)."""
    if not isinstance(d, Mapping) or not isinstance(d.get("device"), Mapping) or not isinstance(d.get("g"), Mapping) \
            or set(d) != {"device", "g"}:
        raise ModelError("a device must be an object {\"device\": {profile: {signal: probability}}, \"g\": {signal: outcome}}")
    for k, v in d["device"].items():
        if not isinstance(v, Mapping):
            raise ModelError(f"device row {k!r} must be an object {{signal: probability}}")
        for sig, x in v.items() if strict else ():
            if not isinstance(x, str) or len(x) > 200 or fmt(Q(x)) != x or Q(x) <= 0:
                raise ModelError(f"device row {k!r}: the probability {str(x)[:40]!r} of signal {str(sig)[:40]!r} must be a positive "
                                 "number written \"p\" or \"p/q\" in lowest terms (zero entries are not written)")
    dev = Device(env.types, {k: dict(v) for k, v in d["device"].items()})
    g = {s: env.resolve_outcome(x) for s, x in d["g"].items()}
    return Composite(dev, g)


def json_belief(p: Belief) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in p.to_dict().items()) + "}"


#: the questions a commitment certificate may answer
QUESTIONS = ("covered", "covers", "redesign", "uc-sequence", "lemma-7-cases")

#: the most beliefs a universe (uc-sequence) or a finite B may list; checked before any work
MAX_BELIEFS = 10_000

_MAX_ITERATES = 51  # uc_sequence stops after 50 iterates without a repeat
_MAX_NUMBER_CHARS = 200  # a stated number (ε, v̄, t, t̄, weights) longer than this is refused

# every key each question's document may hold; "optional" keys are required or forbidden by the verdict
_KEYS: dict[str, tuple[frozenset, frozenset]] = {
    "covered": (frozenset({"format", "question", "statement", "environment", "belief", "B", "eps", "covered", "method",
                           "vbar", "commitment value", "witness", "lp"}), frozenset({"rounds"})),
    "covers": (frozenset({"format", "question", "statement", "environment", "belief", "B", "eps", "device", "device name",
                          "covers", "clause"}), frozenset({"blocking plan"})),
    "redesign": (frozenset({"format", "question", "statement", "environment", "belief", "B", "eps", "admissible", "lp"}),
                 frozenset()),
    "uc-sequence": (frozenset({"format", "question", "statement", "environment", "universe", "eps", "sizes", "repeats",
                               "monotone (UC^t ⊆ UC^t+1)", "monotone (UC^t+1 ⊆ UC^t)", "iterates", "UC*", "beliefs"}),
                    frozenset({"evidence"})),
    "lemma-7-cases": (frozenset({"format", "question", "statement", "t_lo", "t_hi", "weights", "ir", "reading", "failures",
                                 "cases"}), frozenset()),
}

_NAME = re.compile(r"[\w∘<>,.:#+-]{1,40}")


class _Fail(Exception):
    """A failed check: the message names the field."""


# ---------------------------------------------------------------------------
# statements (one function per question, shared by the writer and the verifier)


def _where(B: Any) -> str:
    return "Δ (all beliefs)" if B is ALL else f"a set B of {len(B)} beliefs"


def _covered_statement(p: Belief, B: Any, e: fmpq, is_covered: bool, method: str, V: fmpq, vb: fmpq) -> str:
    return (f"belief {json_belief(p)} is {'covered' if is_covered else 'not covered'} under {_where(B)} with ε = {fmt(e)}"
            f" ({method}; V*(p) = {fmt(V)}, v̄(p) = {fmt(vb)})")


def _covers_statement(name: str, p: Belief, B: Any, e: fmpq, ok: bool, reason: str) -> str:
    return f"device {name} {'covers' if ok else 'does not cover'} {json_belief(p)} under {_where(B)} (ε = {fmt(e)}): {reason}"


def _redesign_statement(p: Belief, B: Any, e: fmpq, vb: fmpq, admissible: bool) -> str:
    return (f"at belief {json_belief(p)} {'some' if admissible else 'no'} redesign ρ(s) is IC, worth v̄ + ε = {fmt(vb + e)}"
            f" and has its posteriors in {'Δ' if B is ALL else f'B ({len(B)} beliefs)'}")


def _uc_statement(name: str, n: int, d: Mapping[str, Any], inc: bool, star: int) -> str:
    return (f"on the universe {name} ({n} beliefs), ε = {d['eps']}: |UC^t| = {d['sizes']}, "
            f"{d['repeats']}; UC^t ⊆ UC^t+1 for all t: {inc}; |UC*| = {star}")


def _lemma7_failures(cases: Sequence[Mapping[str, Any]]) -> list[str]:
    return [f"case {c['case']} (s = {r['s']}): " + "; ".join(
        name for name, ok in (("not strategically consistent", r["strategic consistency"][0]),
                              ("not structurally consistent", r["structural consistency"][0]),
                              ("not Bellman optimal", r["Bellman optimal (eps = 0)"])) if not ok)
        for c in cases for r in c["by signal"]
        if not (r["strategic consistency"][0] and r["structural consistency"][0] and r["Bellman optimal (eps = 0)"])]


def _lemma7_statement(t_lo: fmpq, t_hi: fmpq, ir: str | None, reading: str, bad: Sequence[str]) -> str:
    return (f"σ* of eqs. (13)–(15), t = {fmt(t_lo)}, t̄ = {fmt(t_hi)}, {ir or 'no IR'}, reading '{reading}': "
            + ("consistent and Bellman optimal in all nine cases" if not bad
               else f"{len(bad)} (case, signal) states fail: " + "; ".join(bad[:4])))


def universe_name(types: Sequence[Sequence[Any]], beliefs: Sequence[Belief]) -> str:
    """The name of a universe, derived from its beliefs: ``G_N`` when they are exactly the
    grid G_N, ``G_N without the vertices`` when they are G_N minus its degenerate beliefs,
    otherwise ``a list of K beliefs``."""
    bs = set(beliefs)
    m = math.prod(len(t) for t in types)
    N = 1
    for b in bs:
        for th in b.support():
            N = math.lcm(N, int(b[th].q))
    if bs and N <= MAX_BELIEFS:
        full = math.comb(N + m - 1, m - 1)
        if len(bs) in (full, full - m):
            G = set(grid(types, N))
            if bs == G:
                return f"G_{N}"
            if bs == {b for b in G if len(b.support()) >= 2}:
                return f"G_{N} without the vertices"
    return f"a list of {len(bs)} beliefs"


# ---------------------------------------------------------------------------
# writers


def covering_certificate(env: Environment, p: Belief, B: Any, eps: Any, result: Covering | None = None) -> dict[str, Any]:
    """A self-contained, re-checkable document for "is p B-covered?" (``exactmd verify``):
    the verdict, the LP certificate of V*(p) (``lp``), the witness of a covered verdict, and
    the number of elimination rounds of an uncovered elimination verdict."""
    e = check_eps(eps)
    B = _belief_set(B)
    res = result if result is not None else covered(env, p, B, e)
    lp = res.commitment_certificate
    if lp is None:
        lp = res.evidence["certificate"] if res.method == "revelation" else commitment_value(env, p).certificate
    doc = {
        "format": COMMITMENT_FORMAT, "question": "covered",
        "statement": _covered_statement(p, B, e, res.covered, res.method, res.value, res.vbar),
        "environment": env.to_dict(), "belief": p.to_dict(), "B": _B_to_json(B), "eps": fmt(e),
        "covered": res.covered, "method": res.method, "vbar": fmt(res.vbar), "commitment value": fmt(res.value),
        "witness": None if res.witness is None else res.witness.to_dict(), "lp": lp,
    }
    if res.method == "elimination" and not res.covered:
        doc["rounds"] = len(res.evidence.get("rounds", []))
    return doc


def covers_certificate(env: Environment, r: Composite, p: Belief, B: Any, eps: Any, name: str = "r") -> dict[str, Any]:
    """"Does this device B-cover p?" with the engine's verdict; ``exactmd verify`` re-runs
    :func:`~exactmd.papers.vartiainen2014.covering.covers`.  ``name`` labels the device in the statement (letters,
    digits and ``∘ < > , . : # + - _``, at most 40 characters)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ExactMDError(f"device name {name!r} must be 1–40 letters, digits or ∘<>,.:#+-_")
    e = check_eps(eps)
    B = _belief_set(B)
    v = covers(env, r, p, B, e)
    out = {"format": COMMITMENT_FORMAT, "question": "covers", "environment": env.to_dict(), "belief": p.to_dict(),
           "B": _B_to_json(B), "eps": fmt(e), "device": r.to_dict(), "device name": name, "covers": v.covers, "clause": v.clause,
           "statement": _covers_statement(name, p, B, e, v.covers, v.reason)}
    if v.plan is not None:
        out["blocking plan"] = _plan_json(v)
    return out


def _plan_json(v: Any) -> dict[str, Any]:
    return {"signal": label(v.plan.signal), "response": v.plan.response.to_dict()}


def _redesign_problem(env: Environment, p: Belief, B: Any, e: fmpq) -> tuple[_Redesign, dict[str, Any]]:
    red = _Redesign(env, p, B, e)
    return red, {**red.problem, "sense": "min", "objective": {}}


def redesign_certificate(env: Environment, p: Belief, B: Any, eps: Any) -> dict[str, Any]:
    """Certificate that *no* admissible ρ(s) exists at belief p (so no simple plan can redesign
    a signal with posterior p): the redesign LP with its Farkas certificate, or its feasible
    point when one exists."""
    e = check_eps(eps)
    B = _belief_set(B)
    red, _ = _redesign_problem(env, p, B, e)
    res = red.solve(LinExpr())
    admissible = res.status.value != "infeasible"
    return {"format": COMMITMENT_FORMAT, "question": "redesign",
            "statement": _redesign_statement(p, B, e, vbar(env, p)[0], admissible), "environment": env.to_dict(),
            "belief": p.to_dict(), "B": _B_to_json(B), "eps": fmt(e), "admissible": admissible, "lp": res.certificate()}


def uc_sequence_certificate(env: Environment, universe: Sequence[Belief], seq: UCSequence) -> dict[str, Any]:
    """The UC sequence on a universe as a document; ``exactmd verify`` recomputes it, or, when
    the sequence was computed with ``evidence=True``, re-checks its evidence (see
    :func:`verify_uc_verdict`).  The universe is named by :func:`universe_name` (whatever
    name the sequence was computed under)."""
    name = universe_name(env.types, universe)
    d = {**seq.to_dict(), "universe": name}
    doc = {"format": COMMITMENT_FORMAT, "question": "uc-sequence",
           "statement": _uc_statement(name, len(universe), d, seq.monotone_increasing, len(seq.star)),
           "environment": env.to_dict(), **d, "beliefs": [b.to_dict() for b in universe]}
    if seq.evidence is not None:
        doc["evidence"] = _evidence_json(seq.evidence)
    return doc


def _evidence_json(evidence: Sequence[Sequence[tuple]]) -> dict[str, Any]:
    """Per iterate t and belief j of G: ``{"covered": true, "witness": k}`` (the k-th device of
    ``witnesses`` UC^(t-1)-covers p_j; UC^(-1) = Δ), ``{"covered": false, "method": "revelation"}``
    (the V*(p_j) LP certificate ``commitment LPs[j]`` shows V*(p_j) < v̄(p_j) + ε) or
    ``{"covered": false, "method": "elimination"}`` (recomputed by elimination)."""
    witnesses: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    lps: dict[str, Any] = {}
    verdicts = []
    for row in evidence:
        out = []
        for j, (is_covered, method, witness, lp) in enumerate(row):
            if is_covered:
                key = json.dumps(witness, sort_keys=True, ensure_ascii=False)
                if key not in index:
                    index[key] = len(witnesses)
                    witnesses.append(witness)
                out.append({"covered": True, "witness": index[key]})
            else:
                out.append({"covered": False, "method": method})
                if method == "revelation":
                    lps.setdefault(str(j), lp)
        verdicts.append(out)
    return {"witnesses": witnesses, "commitment LPs": lps, "verdicts": verdicts}


def lemma_7_cases_certificate(t_lo: Any, t_hi: Any, weights: Sequence[Any] = ("1/3", "1/3", "1/3"), ir: str | None = "interim-IR",
                              reading: str = "current") -> dict[str, Any]:
    """The nine cases of Lemma 7 as a document; ``exactmd verify`` recomputes it."""
    cases = lemma_7_cases_json(t_lo, t_hi, weights, ir, reading)
    bad = _lemma7_failures(cases)
    return {"format": COMMITMENT_FORMAT, "question": "lemma-7-cases", "statement": _lemma7_statement(Q(t_lo), Q(t_hi), ir, reading, bad),
            "t_lo": fmt(Q(t_lo)), "t_hi": fmt(Q(t_hi)), "weights": [fmt(Q(w)) for w in weights], "ir": ir, "reading": reading,
            "failures": bad, "cases": cases}


# ---------------------------------------------------------------------------
# the verifier


def _need(cond: bool, msg: str) -> None:
    if not cond:
        raise _Fail(msg)


def _same(doc: Mapping[str, Any], key: str, value: Any) -> None:
    """The stored field ``key`` equals the recomputed ``value`` (JSON values, types included)."""
    stated = doc[key]
    if json.dumps(stated, sort_keys=True, ensure_ascii=False) != json.dumps(value, sort_keys=True, ensure_ascii=False):
        shown = json.dumps(stated, ensure_ascii=False)
        raise _Fail(f"{key!r}: the file says {shown[:80] + ('…' if len(shown) > 80 else '')}, recomputed "
                    f"{json.dumps(value, ensure_ascii=False)[:80]}")


def _number(doc: Mapping[str, Any], key: str) -> fmpq:
    s = doc[key]
    _need(isinstance(s, str) and len(s) <= _MAX_NUMBER_CHARS, f"{key!r} must be an exact number written as a string of at most {_MAX_NUMBER_CHARS} characters")
    q = Q(s, name=key)
    _need(fmt(q) == s, f"{key!r} = {s!r} is not written canonically ({fmt(q)!r})")
    return q


def _bool(doc: Mapping[str, Any], key: str) -> bool:
    _need(isinstance(doc[key], bool), f"{key!r} must be true or false")
    return doc[key]


def _keys(doc: Mapping[str, Any], q: str) -> None:
    required, optional = _KEYS[q]
    for k in doc:
        _need(k in required or k in optional, f"unknown key {k!r} in a {q!r} certificate")
    for k in sorted(required):
        _need(k in doc, f"missing key {k!r} in a {q!r} certificate")


def _optional(doc: Mapping[str, Any], key: str, needed: bool, verdict: str) -> None:
    """The optional key ``key`` is present exactly when the checked verdict needs it."""
    if needed:
        _need(key in doc, f"missing key {key!r}: {verdict} carries it")
    else:
        _need(key not in doc, f"key {key!r} does not belong here: {verdict} carries none")


def _environment(doc: Mapping[str, Any]) -> Environment:
    """The document's environment, which must be written as the engine writes it (no unknown
    keys, canonical numbers): what is checked is exactly what the file says."""
    env = Environment.from_dict(doc["environment"], source="certificate")
    _need(env.to_dict() == doc["environment"], "'environment' is not written in the engine's canonical form "
          "(unknown keys, or numbers not in lowest terms)")
    return env


def _belief(env: Environment, d: Any, what: str) -> Belief:
    """A belief written as the engine writes it (canonical numbers, the engine's keys)."""
    _need(isinstance(d, Mapping), f"{what!r} must be an object")
    b = Belief(env.types, d)
    _need(b.to_dict() == d, f"{what!r} is not written in the engine's canonical form (numbers in lowest terms, one key per profile)")
    return b


def _beliefs(env: Environment, ds: Any, what: str) -> list[Belief]:
    _need(isinstance(ds, list), f"{what!r} must be a list of beliefs")
    _need(len(ds) <= MAX_BELIEFS, f"{what!r} lists {len(ds)} beliefs (at most {MAX_BELIEFS})")
    out = [_belief(env, d, what) for d in ds]
    _need(len(set(out)) == len(out), f"{what!r} lists a belief twice")
    return out


def _common(doc: Mapping[str, Any]) -> tuple[Environment, Belief, Any, fmpq]:
    env = _environment(doc)
    p = _belief(env, doc["belief"], "belief")
    B = ALL if doc["B"] == "all" else frozenset(_beliefs(env, doc["B"], "B"))
    _need(B is ALL or _B_to_json(B) == doc["B"], "'B' must list its beliefs once each, in the engine's order")
    e = check_eps(_number(doc, "eps"))
    return env, p, B, e


def _check_statement(doc: Mapping[str, Any], stmt: str) -> str:
    if doc["statement"] != stmt:
        raise _Fail(f"'statement' is not what was checked: the file says {str(doc['statement'])[:120]!r}; checked: {stmt!r}")
    return stmt


def _commitment_lp(env: Environment, p: Belief, lp: Any) -> fmpq:
    """V*(p) from the embedded mechanism certificate: it must be the LP max v(f, p) over IC(p)
    of this environment and belief, optimal, with a valid certificate."""
    _need(isinstance(lp, Mapping), "'lp' must be the mechanism certificate of V*(p)")
    ok, why = verify_mechanism_certificate(lp)
    _need(ok, f"'lp': the V*(p) certificate does not hold: {why}")
    _need(Environment.from_dict(lp["environment"], source="certificate").to_dict() == env.to_dict()
          and lp.get("belief") is not None and Belief(env.types, lp["belief"]) == p,
          "'lp': the V*(p) LP is for another environment or belief")
    _need(lp.get("constraints") == ["IC"] and lp.get("objective") == "planner" and lp.get("sense") == "max",
          "'lp' is not the LP max v(f, p) over IC(p)")
    _need(isinstance(lp.get("lp"), Mapping) and lp["lp"].get("status") == "optimal", "'lp': the V*(p) LP is not solved to optimality")
    return Q(lp["lp"]["value"])


def _verify_covered(doc: Mapping[str, Any]) -> str:
    _keys(doc, "covered")
    env, p, B, e = _common(doc)
    vb = vbar(env, p)[0]
    _same(doc, "vbar", fmt(vb))
    V = _commitment_lp(env, p, doc["lp"])
    _same(doc, "commitment value", fmt(V))
    if V - e < vb:
        method, is_covered, how = "revelation", False, f"V*(p) = {fmt(V)} < v̄(p) + ε = {fmt(vb + e)}: its LP certificate holds"
    elif B is ALL or all(d in B for d in vertices(env) if _support_sub(d, p)):
        method, is_covered = "revelation", True
        how = f"V*(p) = {fmt(V)} ≥ v̄(p) + ε = {fmt(vb + e)} (LP certificate) and B holds the vertices of supp p"
    else:
        method, is_covered, how = "elimination", _bool(doc, "covered"), ""
    _same(doc, "method", method)
    _same(doc, "covered", is_covered)
    _optional(doc, "rounds", method == "elimination" and not is_covered,
              "an uncovered elimination verdict" if method == "elimination" and not is_covered else f"a {'covered' if is_covered else 'revelation'} verdict")
    if is_covered:
        _need(isinstance(doc["witness"], Mapping), "'witness': a covered verdict needs the covering device")
        cv = covers(env, composite_from_dict(env, doc["witness"], strict=True), p, B, e)
        _need(cv.covers, f"'witness' does not cover p: {cv.reason}")
        how = (how + "; " if how else "") + "the witness covers p (re-checked from the definition)"
    else:
        _same(doc, "witness", None)
        if method == "elimination":
            again = covered(env, p, B, e, check=False)
            _need(again.method == "elimination" and not again.covered, "'covered': recomputed, p is covered")
            _same(doc, "rounds", len(again.evidence.get("rounds", [])))
            how = f"recomputed by elimination ({doc['rounds']} rounds; the final split LP is infeasible)"
    return f"{_check_statement(doc, _covered_statement(p, B, e, is_covered, method, V, vb))} [{how}]"


def _verify_covers(doc: Mapping[str, Any]) -> str:
    _keys(doc, "covers")
    name = doc["device name"]
    _need(isinstance(name, str) and bool(_NAME.fullmatch(name)), "'device name' must be 1–40 letters, digits or ∘<>,.:#+-_")
    env, p, B, e = _common(doc)
    _need(isinstance(doc["device"], Mapping), "'device' must be a device object")
    v = covers(env, composite_from_dict(env, doc["device"], strict=True), p, B, e)
    _same(doc, "covers", v.covers)
    _same(doc, "clause", v.clause)
    _optional(doc, "blocking plan", v.plan is not None, "a verdict through clause 3" if v.plan is not None else f"a verdict {'that covers' if v.covers else f'through clause {v.clause}'}")
    if v.plan is not None:
        _same(doc, "blocking plan", _plan_json(v))
    return f"{_check_statement(doc, _covers_statement(name, p, B, e, v.covers, v.reason))} [recomputed from the definition]"


def _verify_redesign(doc: Mapping[str, Any]) -> str:
    _keys(doc, "redesign")
    env, p, B, e = _common(doc)
    lp = doc["lp"]
    _need(isinstance(lp, Mapping) and isinstance(lp.get("problem"), Mapping), "'lp' must be an LP certificate")
    _, problem = _redesign_problem(env, p, B, e)
    _need(json.dumps(problem, sort_keys=True) == json.dumps(lp["problem"], sort_keys=True),
          "'lp' is not the redesign LP of the stated environment, belief, B and ε")
    ok, why = verify_certificate(dict(lp))
    _need(ok, f"'lp': {why}")
    _need(lp.get("status") in ("optimal", "infeasible"), f"'lp': status {lp.get('status')!r} decides nothing here")
    admissible = lp["status"] == "optimal"
    _same(doc, "admissible", admissible)
    stmt = _redesign_statement(p, B, e, vbar(env, p)[0], admissible)
    return f"{_check_statement(doc, stmt)} [{'a feasible point' if admissible else 'a Farkas certificate'} of the rebuilt LP, checked]"


def _verify_uc_sequence(doc: Mapping[str, Any]) -> str:
    _keys(doc, "uc-sequence")
    env = _environment(doc)
    G = _beliefs(env, doc["beliefs"], "beliefs")
    _need(bool(G), "'beliefs': the universe is empty (nothing was decided)")
    e = check_eps(_number(doc, "eps"))
    name = universe_name(env.types, G)
    _same(doc, "universe", name)
    # cheap first: sizes, repeats, monotonicity, UC* and the statement must follow from the stated iterates ...
    _need(isinstance(doc["iterates"], list) and 2 <= len(doc["iterates"]) <= _MAX_ITERATES,
          f"'iterates' must list 2 to {_MAX_ITERATES} iterates (the last repeats an earlier one)")
    its = [_beliefs(env, it, "iterates") for it in doc["iterates"]]
    sets = [frozenset(it) for it in its]
    _need(sets[-1] in sets[:-1], "'iterates': the last iterate repeats no earlier one")
    stated = UCSequence(name, e, its, sets.index(sets[-1]), all(a <= b for a, b in zip(sets, sets[1:])),
                        all(b <= a for a, b in zip(sets, sets[1:])), G)
    d = stated.to_dict()
    for key in ("sizes", "repeats", "monotone (UC^t ⊆ UC^t+1)", "monotone (UC^t+1 ⊆ UC^t)", "UC*"):
        _same(doc, key, d[key])
    _check_statement(doc, _uc_statement(name, len(G), d, stated.monotone_increasing, len(stated.star)))
    if "evidence" in doc:
        # ... and every verdict must hold by its evidence, under B = the stated previous iterate
        chk = _EvidenceCheck(env, G, e, doc)
        for t in range(len(its)):
            again_t = [p for j, p in enumerate(G) if not chk.entry(t, j)]
            _same({"iterates": doc["iterates"][t]}, "iterates", [b.to_dict() for b in again_t])
        chk.all_used()
        how = f"{len(its)} iterates × {len(G)} verdicts re-checked from their evidence ({len(chk.W)} witnesses, {len(chk.lps)} V*(p) LPs, {chk.recomputed} recomputed by elimination)"
        return f"{_check_statement(doc, _uc_statement(name, len(G), d, stated.monotone_increasing, len(stated.star)))} [{how}]"
    # ... and the iterates must be the recomputed ones
    seq = uc_sequence(env, G, e, name=name, progress=False)
    again = seq.to_dict()
    _same(doc, "iterates", again["iterates"])
    stmt = _uc_statement(name, len(G), again, seq.monotone_increasing, len(seq.star))
    return f"{_check_statement(doc, stmt)} [recomputed: {sum(again['sizes'])} uncovered verdicts over {len(again['sizes'])} iterates]"


class _EvidenceCheck:
    """The evidence of a uc-sequence document, checked verdict by verdict (caches the parsed
    witnesses and the checked V*(p) LPs)."""

    def __init__(self, env: Environment, G: Sequence[Belief], e: fmpq, doc: Mapping[str, Any]) -> None:
        ev = doc["evidence"]
        _need(isinstance(ev, Mapping) and set(ev) == {"witnesses", "commitment LPs", "verdicts"},
              "'evidence' must hold exactly 'witnesses', 'commitment LPs' and 'verdicts'")
        self.env, self.G, self.e = env, list(G), e
        self.W, self.lps, self.verdicts = ev["witnesses"], ev["commitment LPs"], ev["verdicts"]
        _need(isinstance(self.W, list) and isinstance(self.lps, Mapping) and isinstance(self.verdicts, list),
              "'evidence': 'witnesses' and 'verdicts' must be lists, 'commitment LPs' an object")
        self.its = doc["iterates"]
        _need(len(self.verdicts) == len(self.its) and all(isinstance(r, list) and len(r) == len(self.G) for r in self.verdicts),
              "'evidence': 'verdicts' must hold one list per iterate with one verdict per belief")
        _need(len(self.W) <= len(self.G) * len(self.its) and len(self.lps) <= len(self.G),
              "'evidence' holds more witnesses or V*(p) LPs than verdicts")
        self._w: dict[int, Composite] = {}
        self._V: dict[int, fmpq] = {}
        self._B: dict[int, Any] = {}
        self.used_w: set[int] = set()
        self.recomputed = 0

    def B(self, t: int) -> Any:
        if t not in self._B:
            self._B[t] = ALL if t == 0 else frozenset(_beliefs(self.env, self.its[t - 1], "iterates"))
        return self._B[t]

    def entry(self, t: int, j: int) -> bool:
        """The verdict on belief j at iterate t holds by its evidence; returns 'covered'."""
        where = f"'evidence': t = {t}, belief {json_belief(self.G[j])}"
        v = self.verdicts[t][j]
        _need(isinstance(v, Mapping) and isinstance(v.get("covered"), bool), f"{where}: a verdict must say 'covered'")
        p, B = self.G[j], self.B(t)
        if v["covered"]:
            _need(set(v) == {"covered", "witness"}, f"{where}: a covered verdict holds 'covered' and 'witness' only")
            k = v["witness"]
            _need(isinstance(k, int) and not isinstance(k, bool) and 0 <= k < len(self.W), f"{where}: witness {k!r} is not in 'witnesses'")
            if k not in self._w:
                self._w[k] = composite_from_dict(self.env, self.W[k], strict=True)
            self.used_w.add(k)
            cv = covers(self.env, self._w[k], p, B, self.e)
            _need(cv.covers, f"{where}: witness {k} does not cover p under {'Δ' if t == 0 else f'UC^{t - 1}'}: {cv.reason}")
            return True
        _need(set(v) == {"covered", "method"} and v["method"] in ("revelation", "elimination"),
              f"{where}: an uncovered verdict holds 'covered' and 'method' ('revelation' or 'elimination') only")
        if v["method"] == "revelation":
            _need(str(j) in self.lps, f"{where}: no V*(p) LP in 'commitment LPs' for belief {j}")
            if j not in self._V:
                try:
                    self._V[j] = _commitment_lp(self.env, p, self.lps[str(j)])
                except _Fail as ex:
                    raise _Fail(f"{where}: 'commitment LPs' [{j}]: {ex}") from None
            vb = vbar(self.env, p)[0]
            _need(self._V[j] - self.e < vb, f"{where}: V*(p) = {fmt(self._V[j])} reaches v̄(p) + ε = {fmt(vb + self.e)}")
            return False
        again = covered(self.env, p, B, self.e, check=False)
        self.recomputed += 1
        _need(not again.covered, f"{where}: recomputed, p is covered")
        return False

    def all_used(self) -> None:
        _need(self.used_w == set(range(len(self.W))), "'evidence': a witness is listed but used by no verdict")
        _need(set(self.lps) == {str(j) for j in self._V}, "'evidence': a V*(p) LP is listed but used by no verdict")


def verify_uc_verdict(doc: Mapping[str, Any], t: int, belief: Any) -> tuple[bool, str]:
    """Check one verdict of a uc-sequence report alone: "``belief`` is covered (or not) at
    iterate ``t``", from its evidence, with B = the report's UC^(t-1) (Δ for t = 0).  The
    other iterates are not re-checked (``exactmd verify`` checks them all)."""
    try:
        _need(isinstance(doc, Mapping) and doc.get("format") == COMMITMENT_FORMAT and doc.get("question") == "uc-sequence",
              "not a uc-sequence certificate")
        _keys(doc, "uc-sequence")
        _need("evidence" in doc, "the report carries no evidence (write it with exactmd uc -o)")
        env = Environment.from_dict(doc["environment"], source="certificate")
        G = _beliefs(env, doc["beliefs"], "beliefs")
        e = check_eps(_number(doc, "eps"))
        _need(isinstance(doc["iterates"], list), "'iterates' must be a list")
        _need(isinstance(t, int) and 0 <= t < len(doc["iterates"]), f"t = {t!r} is not an iterate of the report (0..{len(doc['iterates']) - 1})")
        p = belief if isinstance(belief, Belief) else Belief(env.types, belief)
        _need(p in G, f"belief {json_belief(p)} is not in the universe")
        j = G.index(p)
        chk = _EvidenceCheck(env, G, e, doc)
        is_covered = chk.entry(t, j)
        stated = p.to_dict() not in doc["iterates"][t]
        _need(stated == is_covered, f"'iterates': UC^{t} {'lists' if is_covered else 'omits'} {json_belief(p)}, its evidence says {'covered' if is_covered else 'not covered'}")
        B = "Δ" if t == 0 else f"UC^{t - 1} ({len(chk.B(t))} beliefs)"
        return True, f"belief {json_belief(p)} is {'covered' if is_covered else 'not covered'} under {B} with ε = {fmt(e)}: {'p ∉' if is_covered else 'p ∈'} UC^{t}"
    except _Fail as ex:
        return False, str(ex)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as ex:
        return False, f"malformed commitment certificate: {type(ex).__name__}: {ex}"
    except ExactMDError as ex:
        return False, f"the certificate does not hold: {ex}"


def _verify_lemma7(doc: Mapping[str, Any]) -> str:
    _keys(doc, "lemma-7-cases")
    t_lo, t_hi = _number(doc, "t_lo"), _number(doc, "t_hi")
    _need(isinstance(doc["weights"], list) and len(doc["weights"]) == 3, "'weights' must be three numbers")
    ws = [_number({"weight": w}, "weight") for w in doc["weights"]]
    _need(doc["ir"] in (None, "interim-IR", "ex-post-IR"), f"'ir' = {doc['ir']!r} must be null, 'interim-IR' or 'ex-post-IR'")
    _need(doc["reading"] in ("current", "previous"), f"'reading' = {doc['reading']!r} must be 'current' or 'previous'")
    _need(isinstance(doc["cases"], list) and bool(doc["cases"]), "'cases' is empty (nothing was decided)")
    # cheap first: the failures and the statement must follow from the stated cases ...
    _same(doc, "failures", _lemma7_failures(doc["cases"]))
    _check_statement(doc, _lemma7_statement(t_lo, t_hi, doc["ir"], doc["reading"], doc["failures"]))
    # ... and the stated cases must be the recomputed ones
    cases = lemma_7_cases_json(t_lo, t_hi, ws, doc["ir"], doc["reading"])
    _same(doc, "cases", cases)
    stmt = _lemma7_statement(t_lo, t_hi, doc["ir"], doc["reading"], _lemma7_failures(cases))
    return f"{_check_statement(doc, stmt)} [recomputed: {len(cases)} cases, {sum(len(c['by signal']) for c in cases)} states]"


_VERIFIERS = {"covered": _verify_covered, "covers": _verify_covers, "redesign": _verify_redesign,
              "uc-sequence": _verify_uc_sequence, "lemma-7-cases": _verify_lemma7}


def verify_commitment_certificate(doc: Mapping[str, Any]) -> tuple[bool, str]:
    """``(True, verdict)`` iff the document holds, rebuilt from its own data; the verdict is
    generated from what was checked.

    - ``covered``: v̄(p) recomputed; the V*(p) LP (``lp``) is the LP of this environment and
      belief, optimal, its certificate valid, its value the stated ``commitment value``;
      ``method`` and the verdict follow from them (revelation theorem) except for an
      elimination verdict; a covered verdict's witness passes
      :func:`~exactmd.papers.vartiainen2014.covering.covers`; an uncovered elimination verdict and its ``rounds``
      are recomputed.
    - ``covers``: :func:`~exactmd.papers.vartiainen2014.covering.covers` re-run; verdict, clause and blocking plan compared.
    - ``redesign``: the LP rebuilt and compared, its certificate checked, ``admissible`` from its status.
    - ``uc-sequence``: the universe's name derived from its beliefs; every iterate recomputed.
    - ``lemma-7-cases``: every case recomputed; ``failures`` derived from them.

    In every question the ``statement`` must be the one written for the checked data.
    """
    try:
        if not isinstance(doc, Mapping):
            return False, "a commitment certificate must be a JSON object"
        if doc.get("format") != COMMITMENT_FORMAT:
            return False, f"format {doc.get('format')!r} is not {COMMITMENT_FORMAT!r}"
        q = doc.get("question")
        if q not in _VERIFIERS:
            return False, f"'question' = {q!r} is not one of {', '.join(QUESTIONS)}"
        return True, _VERIFIERS[q](doc)
    except _Fail as ex:
        return False, str(ex)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as ex:
        return False, f"malformed commitment certificate: {type(ex).__name__}: {ex}"
    except ExactMDError as ex:
        return False, f"the certificate does not hold: {ex}"
    except RecursionError:
        return False, "malformed commitment certificate: nested too deeply"

