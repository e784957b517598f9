"""Commitment certificates (exactmd-commitment-certificate/1) handed over as untrusted files.

For each question, a real certificate (built on the 2×2 example or taken from proofs/)
verifies; every stored field forged — result fields, the statement, the question label,
unknown and missing keys, empty evidence — fails with a reason naming the field.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactmd.belief import Belief
from exactmd.papers.vartiainen2014 import (
    ALL, commitment_value, constant, covered, covering_certificate, covers_certificate, example_environment, grid,
    redesign_certificate, uc_sequence, uc_sequence_certificate, universe_name, verify_commitment_certificate,
)
from exactmd.mechanism import Device
from exactmd.papers.vartiainen2014.strategies import commitment_environments
from exactmd.strategies import devices, grid_beliefs

PROOFS = Path(__file__).resolve().parent.parent / "proofs" / "vartiainen2014"
ENV = example_environment()
EPS = "1/10"


def _proof(path: str) -> dict:
    return json.loads((PROOFS / path).read_text(encoding="utf-8"))


def _vertex_LL() -> dict:
    d = Belief(ENV.types, {"L,L": 1})
    return covering_certificate(ENV, d, ALL, EPS)


def _uniform_covered() -> dict:
    return covering_certificate(ENV, ENV.prior, ALL, EPS)


def _direct_device_not_covering() -> dict:
    # docs/commitment.md: the direct device of the commitment optimum at this p is blocked (clause 3)
    from exactmd.papers.vartiainen2014 import Composite

    p = Belief(ENV.types, {"L,L": "2/3", "L,H": "1/6", "H,H": "1/6"})
    opt = commitment_value(ENV, p)
    direct = Composite(Device(ENV.types, opt.mechanism), {x: x for x in ENV.outcomes})
    return covers_certificate(ENV, direct, p, ALL, EPS, "direct")


def _constant_not_covering() -> dict:
    p = Belief(ENV.types, {"L,L": "1/2", "H,H": "1/2"})
    return covers_certificate(ENV, constant(ENV, "none"), p, ALL, EPS, "const")


def _uc_G2() -> dict:
    G = grid(ENV.types, 2)
    return uc_sequence_certificate(ENV, G, uc_sequence(ENV, G, EPS, progress=False))


def _uc_G2_inner() -> dict:
    G = [b for b in grid(ENV.types, 2) if len(b.support()) >= 2]
    return uc_sequence_certificate(ENV, G, uc_sequence(ENV, G, EPS, progress=False))


_CACHE: dict[str, dict] = {}


def cert(kind: str) -> dict:
    """A fresh copy of a valid certificate of the given kind (built once)."""
    if kind not in _CACHE:
        _CACHE[kind] = {
            "uncovered-revelation": _vertex_LL,
            "covered-revelation": _uniform_covered,
            "uncovered-elimination": lambda: _proof("lemma-3/commitment-2x2-G4/G_4-without-the-vertices-intersection-not-covered-2.json"),
            "covered-elimination": lambda: _proof("lemma-3/commitment-2x2-G4/G_4-without-the-vertices-intersection-covered-1.json"),
            "covers": lambda: _proof("lemma-2/three-aligned-types/r-0.json"),
            "covers-clause-3": _direct_device_not_covering,
            "covers-clause-1": _constant_not_covering,
            "redesign": lambda: _proof("lemma-4/commitment-2x2-G4/G_4-intersection-stated-redesign.json"),
            "uc-sequence": _uc_G2,
            "uc-sequence-inner": _uc_G2_inner,
            "lemma-7-cases": lambda: _proof("lemma-7-cases/t0-t1-uniform/cases-current-phase.json"),
        }[kind]()
    return copy.deepcopy(_CACHE[kind])


KINDS = ["uncovered-revelation", "covered-revelation", "uncovered-elimination", "covered-elimination", "covers",
         "covers-clause-3", "covers-clause-1", "redesign", "uc-sequence", "uc-sequence-inner", "lemma-7-cases"]


@pytest.mark.parametrize("kind", KINDS)
def test_untouched_certificates_verify(kind):
    doc = cert(kind)
    ok, why = verify_commitment_certificate(doc)
    assert ok, why
    assert why.startswith(doc["statement"] + " [")  # the statement checked equal to the regenerated one


def _set(path, value):
    def f(doc):
        d = doc
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    return f


def _drop(key):
    def f(doc):
        del doc[key]
    return f


def _consistent_wrong_iterates(doc):
    """A covered belief put into UC^0 = UC^1 in place of an uncovered one, sizes, UC* and the
    statement kept consistent: only the recomputation can tell."""
    assert doc["iterates"][0] == doc["iterates"][1]
    x = next(b for b in doc["beliefs"] if b not in doc["iterates"][0])
    for it in doc["iterates"]:
        it[-1] = x
    doc["UC*"] = copy.deepcopy(doc["iterates"][0])


# (kind, forgery, the field the reason must name)
FORGERIES = [
    # the forgeries found by the independent test
    ("uncovered-revelation", _set(["commitment value"], "1/2"), "'commitment value'"),
    ("covered-revelation", _set(["commitment value"], "3"), "'commitment value'"),
    ("covered-revelation", _set(["lp", "lp", "value"], "-1"), "'lp'"),
    ("uncovered-elimination", _set(["rounds"], 7), "'rounds'"),
    ("lemma-7-cases", _set(["failures"], []), "'failures'"),
    ("uc-sequence", _set(["universe"], "G_2 without the vertices"), "'universe'"),
    ("uc-sequence-inner", _set(["universe"], "G_2"), "'universe'"),
    # statements and question labels
    ("uncovered-revelation", _set(["statement"], "belief {L,L: 1} is covered under Δ (all beliefs) with ε = 1/10"), "'statement'"),
    ("covered-revelation", lambda d: d.update(statement=d["statement"].replace("is covered", "is not covered")), "'statement'"),
    ("covers", lambda d: d.update(statement=d["statement"].replace("covers", "does not cover", 1)), "'statement'"),
    ("redesign", lambda d: d.update(statement=d["statement"].replace("no redesign", "some redesign")), "'statement'"),
    ("uc-sequence", lambda d: d.update(statement=d["statement"].replace("True", "False")), "'statement'"),
    ("lemma-7-cases", lambda d: d.update(statement=d["statement"].replace("7 (case, signal)", "0 (case, signal)")), "'statement'"),
    ("covered-revelation", _set(["question"], "lemma-3"), "'question'"),
    ("redesign", _set(["question"], None), "'question'"),
    # covered: every result field
    ("uncovered-revelation", _set(["vbar"], "2"), "'vbar'"),
    ("uncovered-revelation", _set(["covered"], True), "'covered'"),
    ("uncovered-revelation", _set(["method"], "elimination"), "'method'"),
    ("uncovered-revelation", _set(["lp", "lp", "value"], "-1"), "'lp'"),
    ("uncovered-revelation", _set(["eps"], "2/20"), "'eps'"),
    ("uncovered-revelation", _set(["rounds"], 0), "'rounds'"),
    ("uncovered-revelation", _set(["note"], "checked by hand"), "'note'"),
    ("uncovered-revelation", _drop("lp"), "'lp'"),
    ("uncovered-revelation", _set(["belief"], {"L,L": "3/4", "L,H": "1/4"}), "'lp'"),  # same v̄ = 1; the LP is for δ_LL
    ("uncovered-revelation", _set(["belief"], {"L,H": "1"}), "'vbar'"),
    ("covered-revelation", _set(["witness"], None), "'witness'"),
    ("covered-revelation", _set(["covered"], False), "'covered'"),
    ("covered-revelation", lambda d: d.update(witness=constant(ENV, "a").to_dict()), "'witness'"),
    ("covered-revelation", _set(["method"], "elimination"), "'method'"),
    ("uncovered-elimination", _drop("rounds"), "'rounds'"),
    ("uncovered-elimination", _set(["rounds"], "1"), "'rounds'"),
    ("uncovered-elimination", _set(["method"], "revelation"), "'method'"),
    ("uncovered-elimination", _set(["commitment value"], "1"), "'commitment value'"),
    ("uncovered-elimination", _drop("lp"), "'lp'"),
    ("covered-elimination", _set(["rounds"], 0), "'rounds'"),
    ("covered-elimination", _set(["witness"], None), "'witness'"),
    ("covered-elimination", lambda d: d.update(witness=constant(ENV, "none").to_dict()), "'witness'"),
    # covers
    ("covers", _set(["covers"], False), "'covers'"),
    ("covers", _set(["clause"], "2"), "'clause'"),
    ("covers", _set(["device name"], "r covers every belief"), "'device name'"),
    ("covers", _set(["blocking plan"], None), "'blocking plan'"),
    ("covers-clause-3", _drop("blocking plan"), "'blocking plan'"),
    ("covers-clause-3", _set(["blocking plan", "signal"], "b"), "'blocking plan'"),
    ("covers-clause-3", _set(["clause"], "1"), "'clause'"),
    ("covers-clause-1", _set(["clause"], None), "'clause'"),
    ("covers-clause-1", _set(["covers"], True), "'covers'"),
    ("covers-clause-1", _set(["question"], "covered"), "'"),  # as a covered document it lacks its keys
    # redesign
    ("redesign", _set(["admissible"], True), "'admissible'"),
    ("redesign", _set(["lp", "problem", "objective"], {"mu[0|none]": "1"}), "'lp'"),
    ("redesign", _set(["extra"], 1), "'extra'"),
    # uc-sequence
    ("uc-sequence", _set(["sizes"], [9, 9]), "'sizes'"),
    ("uc-sequence", _set(["repeats"], "UC^2 = UC^0"), "'repeats'"),
    ("uc-sequence", _set(["monotone (UC^t ⊆ UC^t+1)"], False), "'monotone (UC^t ⊆ UC^t+1)'"),
    ("uc-sequence", lambda d: d["UC*"].pop(), "'UC*'"),
    ("uc-sequence", lambda d: d["iterates"][0].pop(), "'iterates'"),
    ("uc-sequence", _consistent_wrong_iterates, "'iterates'"),
    ("uc-sequence", _set(["beliefs"], []), "'beliefs'"),
    ("uc-sequence", lambda d: d["beliefs"].append(d["beliefs"][0]), "'beliefs'"),
    ("uc-sequence", _set(["eps"], "1/5"), "'"),
    # lemma-7-cases
    ("lemma-7-cases", _set(["cases"], []), "'cases'"),
    ("lemma-7-cases", _set(["reading"], "literal"), "'reading'"),
    ("lemma-7-cases", _set(["ir"], "no-IR"), "'ir'"),
    ("lemma-7-cases", _set(["t_hi"], "2/2"), "'t_hi'"),
    ("lemma-7-cases", _drop("failures"), "'failures'"),
]


@pytest.mark.parametrize("kind,forge,field", FORGERIES, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(FORGERIES)])
def test_forged_field_fails_naming_it(kind, forge, field):
    doc = cert(kind)
    forge(doc)
    ok, why = verify_commitment_certificate(doc)
    assert not ok, why
    assert field in why, why


@pytest.mark.slow
def test_a_forged_case_of_lemma_7_fails_after_recomputation():
    doc = cert("lemma-7-cases")
    doc["cases"][4]["sup"] = "1"  # case 5: the proof's own numbers are recomputed
    ok, why = verify_commitment_certificate(doc)
    assert not ok and "'cases'" in why, why


def test_the_verdict_line_states_the_recomputed_numbers():
    # at δ_LL only `none` has value (1): v̄ = 1, and no device beats v̄ at a degenerate belief
    ok, why = verify_commitment_certificate(cert("uncovered-revelation"))
    assert ok and "not covered" in why and "V*(p) = 1, v̄(p) = 1" in why and "11/10" in why, why


def test_every_writer_key_is_known_to_the_verifier():
    from exactmd.papers.vartiainen2014.certificates import _KEYS

    for kind in KINDS:
        doc = cert(kind)
        required, optional = _KEYS[doc["question"]]
        assert required <= set(doc) <= required | optional, (kind, set(doc) ^ required)


def test_every_committed_commitment_document_uses_known_keys_only():
    from exactmd.papers.vartiainen2014.certificates import _KEYS

    docs = [json.loads(p.read_text(encoding="utf-8")) for p in PROOFS.rglob("*.json")]
    docs = [d for d in docs if d.get("format") == "exactmd-commitment-certificate/1"]
    assert len(docs) >= 20 and {d["question"] for d in docs} == set(_KEYS)
    for d in docs:
        required, optional = _KEYS[d["question"]]
        assert required <= set(d) <= required | optional


def test_universe_names_follow_from_the_beliefs():
    G = grid(ENV.types, 3)
    assert universe_name(ENV.types, G) == "G_3"
    assert universe_name(ENV.types, [b for b in G if len(b.support()) >= 2]) == "G_3 without the vertices"
    assert universe_name(ENV.types, G[:5]) == "a list of 5 beliefs"
    # G_2 ⊂ G_4, but as a set of beliefs it is G_2 (denominators 2), not G_4
    assert universe_name(ENV.types, grid(ENV.types, 2)) == "G_2"


def test_a_covering_certificate_carries_the_commitment_lp_in_every_verdict():
    for kind in ("uncovered-revelation", "covered-revelation", "uncovered-elimination", "covered-elimination"):
        doc = cert(kind)
        assert doc["lp"]["constraints"] == ["IC"] and doc["lp"]["lp"]["value"] == doc["commitment value"]


def test_a_recomputed_covering_agrees_with_its_certificate():
    # the revelation verdict written for a grid belief under Δ equals the elimination-free recomputation
    p = Belief(ENV.types, {"L,L": "1/2", "H,H": "1/2"})
    c = covered(ENV, p, ALL, EPS)
    doc = covering_certificate(ENV, p, ALL, EPS, c)
    assert verify_commitment_certificate(doc)[0]
    assert doc["covered"] is c.covered and doc["method"] == "revelation"


JUNK = [None, 0, True, "x", [], {}, {"x": "1"}, [1, 2]]


@pytest.mark.parametrize("kind", ["uncovered-revelation", "covered-revelation", "covers-clause-3", "redesign", "uc-sequence"])
def test_junk_in_any_field_is_a_failure_not_a_crash(kind):
    base = cert(kind)
    junk = JUNK if kind != "uc-sequence" else [None, "x", [1, 2]]
    for key in base:
        for value in junk:
            doc = copy.deepcopy(base)
            doc[key] = value
            ok, why = verify_commitment_certificate(doc)
            assert isinstance(why, str) and why
            if json.dumps(value) != json.dumps(base[key]):
                assert not ok, (key, value, why)
    assert verify_commitment_certificate([1, 2]) == (False, "a commitment certificate must be a JSON object")


def test_verify_command_names_the_forged_field(tmp_path, capsys):
    from exactmd.cli import main

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    doc = cert("covered-revelation")
    good.write_text(json.dumps(doc), encoding="utf-8")
    doc["lp"]["lp"]["value"] = "-1"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["verify", str(good)]) == 0
    assert "V*(p) = 23/12" in capsys.readouterr().out  # 2×2 example at the uniform prior (docs/commitment.md)
    assert main(["verify", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and "'lp'" in out


@settings(max_examples=15)
@given(st.data())
def test_random_covering_certificates_verify_and_a_flipped_verdict_fails(data):
    env = data.draw(commitment_environments(max_outcomes=2))
    p = data.draw(grid_beliefs(env.types, 3))
    B = data.draw(st.sampled_from(["all", "no-vertices"]))
    Bset = ALL if B == "all" else [b for b in grid(env.types, 3) if len(b.support()) >= 2]
    doc = covering_certificate(env, p, Bset, EPS)
    ok, why = verify_commitment_certificate(doc)
    assert ok, why
    forged = copy.deepcopy(doc)
    forged["covered"] = not doc["covered"]
    ok, why = verify_commitment_certificate(forged)
    assert not ok and ("'covered'" in why or "'witness'" in why or "'rounds'" in why), why


@settings(max_examples=15)
@given(st.data())
def test_random_covers_certificates_verify_and_a_flipped_verdict_fails(data):
    from exactmd.papers.vartiainen2014 import Composite

    env = data.draw(commitment_environments(max_outcomes=2))
    p = data.draw(grid_beliefs(env.types, 2))
    dev = data.draw(devices(env.types, max_signals=2))
    g = {s: data.draw(st.sampled_from(env.outcomes)) for s in dev.signals()}
    doc = covers_certificate(env, Composite(dev, g), p, ALL, EPS)
    ok, why = verify_commitment_certificate(doc)
    assert ok, why
    forged = copy.deepcopy(doc)
    forged["covers"] = not doc["covers"]
    ok, why = verify_commitment_certificate(forged)
    assert not ok and "'covers'" in why, why
