"""Forged certificates of every kind against ``exactmd verify`` (issue 14, deliverable 8).

Inputs: small certificates of every format and question, made here by the engine, and
the smallest committed ``proofs/`` file of each (format, question).  Each input's
forgeries (tests/forgery.py: every single-step mutation of the JSON tree, sampled with a
fixed seed for large documents) must be rejected, or accepted with exactly the original's
verdict message; duplicate keys and edits of ``statement``/``question`` must be rejected.
A hypothesis test does the same for certificates of random LPs (``exactmd.strategies``),
with one or two mutations at once.

Run thoroughly (every forgery of more documents, ~1500 per document):
``HYPOTHESIS_PROFILE=thorough python -m pytest tests/test_adversarial_certificates.py``;
``EXACTMD_FORGERY_REPORT=findings.jsonl`` writes every finding as a JSON line.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import json
from collections import defaultdict
from pathlib import Path

import pytest
from flint import fmpq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import forgery
from forgery import BAD, THOROUGH, enum_vocabulary, forgeries, judge, run_forgeries, summary, verify_value

PROOFS = Path(__file__).resolve().parent.parent / "proofs"


# ---------------------------------------------------------------------------------
# inputs made by the engine
def _lp(problem):
    from exactmd.lp import solve_problem

    return solve_problem(problem)._cert


def lp_optimal():
    return _lp({"sense": "max", "variables": {"x": ["0", None], "y": ["0", "3"]}, "objective": {"x": "1", "y": "2"},
                "constraints": [{"name": "c1", "coeffs": {"x": "1", "y": "1"}, "op": "<=", "rhs": "4"},
                                {"name": "c2", "coeffs": {"x": "1", "y": "-1"}, "op": ">=", "rhs": "-1/2"}]})


def lp_infeasible():
    return _lp({"sense": "min", "variables": {"x": ["0", None], "y": [None, None]}, "objective": {"y": "1"},
                "constraints": [{"name": "lo", "coeffs": {"x": "1", "y": "1"}, "op": ">=", "rhs": "3"},
                                {"name": "hi", "coeffs": {"x": "2", "y": "2"}, "op": "<=", "rhs": "5"}]})


def lp_unbounded():
    return _lp({"sense": "max", "variables": {"x": ["0", None], "y": ["0", None]}, "objective": {"x": "1", "y": "-1"},
                "constraints": [{"name": "c", "coeffs": {"x": "1", "y": "-1"}, "op": ">=", "rhs": "-1"}]})


def mechanism_optimal():
    from exactmd.papers.vartiainen2014 import bilateral_trade
    from exactmd.design import optimal_mechanism

    return optimal_mechanism(bilateral_trade(2, "uniform", "uniform"), ["IC", "interim-IR", "BB"]).certificate


def mechanism_feasible():
    from exactmd.papers.vartiainen2014 import bilateral_trade
    from exactmd.design import feasible_mechanism

    return feasible_mechanism(bilateral_trade(1, "uniform", "uniform"), ["IC", "interim-IR", "BB", "efficiency"]).certificate


def mechanism_infeasible():
    # Myerson–Satterthwaite on the grid K = 5 (K ≤ 4 still admits an efficient mechanism)
    from exactmd.papers.vartiainen2014 import bilateral_trade
    from exactmd.design import feasible_mechanism

    r = feasible_mechanism(bilateral_trade(5, "uniform", "uniform"), ["IC", "interim-IR", "BB", "efficiency"])
    assert r.status == "infeasible"
    return r.certificate


def _call(fn, *args, statement):
    """``fn(*args, statement)`` where the writer still takes a caller's statement, else ``fn(*args)``
    (writers that generate the statement from the data)."""
    if "statement" in inspect.signature(fn).parameters:
        return fn(*args, statement)
    return fn(*args)


def _rp():
    from exactmd.papers import neemanpavlov2007 as renegotiation

    return renegotiation


def renegotiation_exists():
    rn = _rp()
    return rn.renegotiation_proof_mechanism(rn.example_1()).certificate


def renegotiation_infeasible():
    rn = _rp()
    return rn.renegotiation_proof_mechanism(rn.example_2()).certificate


def renegotiation_max():
    rn = _rp()
    return rn.rp_range(rn.example_1(), {"q[1|5,2;1,2]": 1})[1].certificate


def renegotiation_check():
    # Example 1, price 4: renegotiated by the high buyer (tests/test_renegotiation.py)
    from exactmd.papers.neemanpavlov2007 import DirectMechanism

    rn = _rp()
    env = rn.example_1()
    table = {}
    for r in itertools.product(env.profiles(), repeat=2):
        trade = r[0][0] == 5
        table[r] = ({1: fmpq(1)} if trade else {0: fmpq(1)}, (fmpq(-4 if trade else 0), fmpq(4 if trade else 0)))
    return _call(rn.check_certificate, DirectMechanism(env, table), statement="price 4")


def renegotiation_voting():
    from exactmd.environment import Environment

    rn = _rp()

    def u(i, x, th):
        if x == "none":
            return 0
        pr = int(x[1:])
        return th[0] - pr if i == 0 else pr - th[1]

    env = Environment.finite([[1, 5], [2]], "uniform", ["none", "p3", "p4"], u)
    f = {th: ("p4" if th[0] == 5 else "none") for th in env.profiles()}
    return _call(rn.voting_certificate, env, f, [{"kind": "psi", "psi": {"none": "p3"}}], statement="Example 4")


def _commit():
    from exactmd.belief import Belief
    from exactmd.papers import vartiainen2014 as commitment

    env = commitment.example_environment()
    p = Belief(env.types, {("L", "L"): fmpq(1, 2), ("H", "H"): fmpq(1, 2)})
    G = commitment.grid(env.types, 2)
    return commitment, env, p, G


def commitment_not_covered_revelation():
    c, env, p, G = _commit()
    return c.covering_certificate(env, c.vertices(env)[0], c.ALL, "1/10")


def commitment_covered():
    c, env, p, G = _commit()
    return c.covering_certificate(env, p, c.ALL, "1/10")


def commitment_not_covered_elimination():
    c, env, p, G = _commit()
    inner = frozenset(b for b in G if len(b.support()) >= 2)
    return c.covering_certificate(env, p, inner, "1/10")


def commitment_covers():
    c, env, p, G = _commit()
    w = c.covered(env, p, c.ALL, "1/10").witness
    return c.covers_certificate(env, w, p, c.ALL, "1/10", "w")


def commitment_redesign():
    c, env, p, G = _commit()
    return c.redesign_certificate(env, p, c.ALL, "1/10")


def commitment_uc_sequence():
    c, env, p, G = _commit()
    return c.uc_sequence_certificate(env, G, c.uc_sequence(env, G, "1/10", name="G_2", progress=False))


def symbolic_summation_by_parts():
    from exactmd.papers.vartiainen2014.identities import summation_by_parts

    return summation_by_parts(3)


ENGINE = {f.__name__.replace("_", "-"): f for f in (
    lp_optimal, lp_infeasible, lp_unbounded, mechanism_optimal, mechanism_feasible, mechanism_infeasible,
    renegotiation_exists, renegotiation_infeasible, renegotiation_max, renegotiation_check, renegotiation_voting,
    commitment_not_covered_revelation, commitment_covered, commitment_not_covered_elimination, commitment_covers,
    commitment_redesign, commitment_uc_sequence, symbolic_summation_by_parts)}


# ---------------------------------------------------------------------------------
# the committed proofs: the smallest file(s) of each (format, question)
def _proof_sample(per_kind: int) -> dict[str, Path]:
    kinds = defaultdict(list)
    for p in sorted(PROOFS.rglob("*.json")):
        if p.name == "manifest.json":
            continue
        d = json.loads(p.read_text(encoding="utf-8"))
        if isinstance(d, dict):
            kinds[(str(d.get("format")), str(d.get("question")))].append((p.stat().st_size, p.relative_to(PROOFS).as_posix(), p))
    out = {}
    for k in sorted(kinds):
        for _, rel, p in sorted(kinds[k])[:per_kind]:
            out["proofs/" + rel] = p
    return out


PROOF_FILES = _proof_sample(3 if THOROUGH else 1)
NAMES = sorted(ENGINE) + sorted(PROOF_FILES)


@functools.lru_cache(maxsize=None)
def _text(name: str) -> str:
    doc = ENGINE[name]() if name in ENGINE else json.loads(PROOF_FILES[name].read_text(encoding="utf-8"))
    return json.dumps(doc, ensure_ascii=False)


def document(name: str):
    return json.loads(_text(name))  # a fresh copy each time


@functools.lru_cache(maxsize=None)
def _vocab():
    """Enumeration-like fields (status, question, method, ...) with their values over every input."""
    return enum_vocabulary(json.loads(_text(n)) for n in NAMES)


def test_every_format_and_question_is_an_input():
    formats = {json.loads(_text(n)).get("format") for n in NAMES}
    assert set(forgery.KNOWN_FORMATS) <= formats
    questions = {(json.loads(_text(n)).get("format"), json.loads(_text(n)).get("question")) for n in NAMES}
    assert len(questions) >= 15, sorted(questions, key=str)


@pytest.mark.parametrize("name", NAMES)
def test_the_original_verifies(name):
    ok, why = verify_value(document(name))
    assert ok, why
    assert why.strip()


@pytest.mark.parametrize("name", NAMES)
def test_forgeries_are_rejected_or_prove_the_same(name, tmp_path):
    outs, counts = run_forgeries(name, document(name), _vocab(), tmp_path / "forged.json")
    assert len(outs) >= 4  # the budget's floor (tests/forgery.py): expensive recomputations get at least 4
    assert counts["rejected"] > 0, f"{name}: no forgery was rejected ({dict(counts)})"
    assert not any(o.verdict in BAD for o in outs), summary(name, outs, counts)


def test_the_generator_makes_every_kind_of_mutation():
    doc = document("lp-optimal")
    fs = list(forgeries(doc, cap=None, vocab=_vocab()))
    kinds = {f.kind for f in fs}
    assert {"rational", "noncanonical", "text", "list", "key", "duplicate-key", "format", "enum", "null"} <= kinds, kinds
    descs = [f.description for f in fs]
    assert "value: rational: 25/4 → 29/4 (p/q + 1)" in descs
    assert "value: rational: 25/4 → -25/4 (−p/q)" in descs
    assert "status: enum: 'optimal' → 'infeasible'" in descs
    # a duplicate key is text that json.loads reads as the original (the last key wins)
    dup = next(f for f in fs if f.kind == "duplicate-key" and f.path == ("status",))
    assert json.loads(dup.text) == doc and dup.text.count('"status"') == 2
    # deterministic, and a smaller cap is a prefix
    again = [f.description for f in forgeries(doc, cap=40, vocab=_vocab())]
    assert again == descs[:40]
    for f in fs:  # every document forgery differs from the original
        assert f.raw or f.doc != doc, f.description
    words = [f.description for f in forgeries(document("mechanism-optimal"), cap=None) if f.path == ("statement",)]
    assert any("digit" in w for w in words) and any("'not' inserted" in w for w in words), words


def test_the_judge_tells_a_changed_message_from_the_same_one(tmp_path):
    """The judge itself: a verifier that echoes the file's words is caught."""
    doc = document("symbolic-summation-by-parts")
    ok, base = verify_value(doc)
    f = forgery.Forgery("no edit", ("identities", 0, "name"), "text", doc=doc)
    assert judge(f, base, None, tmp_path / "f.json").verdict == "same"
    assert judge(f, base + " (another claim)", None, tmp_path / "f.json").verdict == "changed"
    lp = document("lp-optimal")
    ok, lp_base = verify_value(lp)
    h = forgery.Forgery("no edit", ("value",), "rational", doc=lp)
    assert judge(h, lp_base + " (another claim)", None, tmp_path / "f.json").verdict == "new-theorem"  # re-solved: true
    # an embedded certificate that no longer holds is caught even when the outer verdict is unchanged
    outer = {"format": "exactmd-commitment-certificate/1", "lp": lp}
    assert forgery.nested_certificates(outer) == [("lp",)]
    bad_lp = json.loads(json.dumps(outer))
    bad_lp["lp"]["value"] = "-1"
    e = forgery.Forgery("lp.value edited", ("lp", "value"), "rational", doc=bad_lp)
    assert "fails on its own" in forgery._broken_nested(e, [("lp",)])
    assert forgery._broken_nested(forgery.Forgery("none", ("lp", "value"), "rational", doc=outer), [("lp",)]) is None
    g = forgery.Forgery("statement edited", ("statement",), "text", doc=doc, key="statement")
    assert judge(g, base, None, tmp_path / "f.json").verdict == "strict-accepted"
    bad = forgery.Forgery("not a certificate", (), "text", doc=[1, 2])
    assert judge(bad, base, None, tmp_path / "f.json").verdict == "rejected"


# ---------------------------------------------------------------------------------
# forgeries of certificates of random LPs, one or two mutations at once
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None,
          max_examples=200 if THOROUGH else 25)
@given(data=st.data())
def test_forgeries_of_random_lp_certificates(data, tmp_path_factory):
    from exactmd.lp import solve_problem
    from exactmd.strategies import lp_problems

    problem = data.draw(lp_problems(max_vars=4, max_rows=4), label="problem")
    doc = solve_problem(problem)._cert
    ok, base = verify_value(doc)
    assert ok, base
    fs = [f for f in forgeries(doc, cap=None, vocab=_vocab()) if not f.raw]
    f = data.draw(st.sampled_from(fs), label="forgery")
    if data.draw(st.booleans(), label="second mutation"):
        inner = [g for g in forgeries(f.doc, cap=None, vocab=_vocab(), seed=1) if not g.raw]
        if inner:
            g = data.draw(st.sampled_from(inner), label="second forgery")
            f = forgery.Forgery(f"{f.description}; then {g.description}", g.path, g.kind, doc=g.doc, old=g.old, new=g.new, key=g.key)
    out = judge(f, base, None, tmp_path_factory.mktemp("lp") / "f.json")
    assert out.verdict not in BAD, f"[{out.verdict}] {f.description} -> {out.message}\nproblem: {json.dumps(problem)}"


# ---------------------------------------------------------------------------------
# the manifest's verdicts (issue 14, deliverable 4)
VERDICTS = ("confirmed", "refuted", "not-applicable")


def _verdict_paths(doc):
    return [path for path, v in forgery._walk(doc) if v in VERDICTS and path and path[-1] in ("status", "verdict")]
