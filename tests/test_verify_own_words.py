"""`verify` states what it proved in its own words, and every field is checked or refused.

Each forgery below changes one field of a real certificate (built here, or committed under
proofs/); the verifier must refuse it with a reason that names that field.  The untouched
certificate must verify with a message that carries the value recomputed here from the
certificate's own primal point (fractions only, not the engine).
"""

import copy
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exactmd.papers.vartiainen2014 import bilateral_trade
from exactmd.constraints import Fixed
from exactmd.certificates import verify_document
from exactmd.design import feasible_mechanism, optimal_mechanism, verify_mechanism_certificate
from exactmd.errors import ModelError
from exactmd.lp import solve_problem, verify_certificate
from exactmd.strategies import finite_environments, quasilinear_environments

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
COMMITTED = {  # one committed certificate of each kind of mechanism certificate exactmd writes
    "optimal-planner": "vartiainen2014/prop-2/K1-uniform/second-best.json",
    "optimal-map": "vartiainen2014/lemma-7/K5-uniform-signal-1-4_5/max-trade-without-a-b-ex-post-IR.json",
    "min-map": "vartiainen2014/veto-ic/veto-nonneg-2x2/ic-min-0.json",
    "violates": "vartiainen2014/veto-ic/veto-2x2/expost-ir-counterexample.json",
    "feasible-fixed": "vartiainen2014/lemma-5/K1-uniform/zero-transfer-mechanism.json",
    "infeasible-fixed": "vartiainen2014/lemma-7/K5-uniform-signal-1-4_5/key-step-ex-post-IR.json",
    "belief": "vartiainen2014/lemma-1/commitment-2x2/vertex-H-H.json#lp",  # inside a commitment certificate
}


def _load(rel: str) -> dict:
    path, _, inner = rel.partition("#")
    doc = json.loads((PROOFS / path).read_text(encoding="utf-8"))
    return doc[inner] if inner else doc


def _c_dot_x(lp: dict) -> Fraction:
    """c·x of an LP certificate's primal point, in fractions (independent of the engine)."""
    obj = lp["problem"]["objective"]
    return sum((Fraction(c) * Fraction(lp["primal"][v]) for v, c in obj.items()), Fraction(0))


def _text(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


@pytest.fixture(scope="module")
def second_best() -> dict:
    res = optimal_mechanism(bilateral_trade(2, "uniform", "uniform"), ["IC", "interim-IR", "BB"])
    return json.loads(res.to_json())


@pytest.fixture(scope="module")
def witness() -> dict:
    res = feasible_mechanism(bilateral_trade(2, "uniform", "uniform"), ["IC", "interim-IR", "BB", "efficiency"])
    assert res.status == "feasible"
    return json.loads(res.to_json())


@pytest.fixture(scope="module")
def impossible() -> dict:
    res = feasible_mechanism(bilateral_trade(5, "uniform", "uniform"), ["IC", "interim-IR", "BB", "efficiency"])
    assert res.status == "infeasible"
    return json.loads(res.to_json())


def _refused(cert: dict, field: str) -> str:
    ok, why = verify_document(cert)
    assert not ok, f"forged {field} accepted: {why}"
    assert why.startswith(field + ":"), why
    return why


# ---------------------------------------------------------------------------------
# the untouched certificates: OK, with the statement regenerated and the recomputed value
def test_untouched_optimal_certificate_states_the_recomputed_value(second_best):
    ok, why = verify_mechanism_certificate(second_best)
    assert ok, why
    value = _c_dot_x(second_best["lp"])
    assert value == Fraction(2, 9)  # the second best of the K = 2 uniform grid (Vartiainen §5)
    assert why.startswith(second_best["statement"] + " [")
    assert f"is {_text(value)}." in why and f"value {_text(value)} (max)" in why
    assert "9 type profiles" in why and "36 rows" in why


def test_untouched_feasible_and_infeasible_certificates_verify(witness, impossible):
    ok, why = verify_mechanism_certificate(witness)
    assert ok and why.startswith("A mechanism satisfying IC, interim-IR, BB, efficiency exists") and "LP's point" in why
    ok, why = verify_mechanism_certificate(impossible)
    assert ok and why.startswith("No mechanism satisfies IC, interim-IR, BB, efficiency") and "Farkas" in why


@pytest.mark.parametrize("kind", sorted(COMMITTED))
def test_committed_certificates_verify_in_their_own_words(kind):
    cert = _load(COMMITTED[kind])
    ok, why = verify_mechanism_certificate(cert)
    assert ok, why
    assert why.startswith(cert["statement"] + " [")
    if cert["lp"]["status"] == "optimal" and cert["question"] == "optimal":
        assert f" is {_text(_c_dot_x(cert['lp']))}." in cert["statement"]


# ---------------------------------------------------------------------------------
# forging one field
def _forge_statement_value(c):
    assert " is 2/9." in c["statement"]
    c["statement"] = c["statement"].replace(" is 2/9.", " is 1/2.")


FORGERIES = [
    ("statement", _forge_statement_value),
    ("statement", lambda c: c.update(statement=c["statement"].replace("maximum", "minimum"))),
    ("statement", lambda c: c.update(statement="")),
    ("statement", lambda c: c["environment"].update(name="bilateral trade K=3, buyer uniform, seller uniform")),
    ("question", lambda c: c.update(question="feasible")),
    ("question", lambda c: c.update(question="unbounded")),
    ("lp", lambda c: c["lp"].update(value="1/2")),
    ("sense", lambda c: c.update(sense="min")),
    ("sense", lambda c: c.update(sense="maximum")),
    ("constraints", lambda c: c.update(constraints=["BB", "IC", "interim-IR"])),
    ("constraints", lambda c: c.update(constraints=["IC", "IC", "interim-IR", "BB"])),
    ("constraints", lambda c: c.update(constraints=["IC", "IR", "BB"])),
    ("constraints", lambda c: c.update(constraints=["IC", "interim-IR"])),
    ("constraints", lambda c: c.update(constraints=[])),
    ("constraints", lambda c: c.update(constraints="IC,interim-IR,BB")),
    ("objective", lambda c: c.update(objective="welfare")),
    ("objective", lambda c: c.update(objective="profit")),
    ("objective", lambda c: c.update(objective={"q[1|1,0]": "2/4"})),
    ("objective", lambda c: c.update(objective="agent:nobody")),
    ("objective", lambda c: c.update(objective={"zzz": "1"})),
    ("constraints", lambda c: c["constraints"].append({"family": "fixed", "values": {"zzz": "1"}})),
    ("question", lambda c: c.update(objective=None)),
    ("belief", lambda c: c.update(belief={"0,0": "2/4", "1,1": "1/2"})),
    ("objective", lambda c: c.update(belief={"0,0": "1/2", "1,1": "1/2"})),  # another belief: another objective
    ("belief", lambda c: c.update(belief="uniform")),
    ("violates", lambda c: c.update(violates=["IC"])),
    ("violates", lambda c: c.update(violates=[])),
    ("mechanism", lambda c: c["mechanism"]["1/2,1/2"][0].update(p="1/2")),
    ("mechanism", lambda c: c["mechanism"].update({"1/2,1/2": [{"allocation": "1", "transfers": ["-1/2", "1/2"], "p": "1"}]})),
    ("mechanism", lambda c: c.update(mechanism={})),
    ("environment", lambda c: c["environment"].update(note="a field exactmd does not write")),
    ("environment", lambda c: c["environment"].update(name=5)),
    ("environment", lambda c: c["environment"]["valuation"]["buyer"]["1"].update({"1,0": "2"})),
    ("format", lambda c: c.update(format="exactmd-mechanism-certificate/2")),
    ("note", lambda c: c.update(note="an extra field")),
    ("lp", lambda c: c.update(lp={})),
    ("lp", lambda c: c["lp"].update(farkas={})),
    ("lp", lambda c: c["lp"].update(dual={})),
]


@pytest.mark.parametrize("field, forge", FORGERIES, ids=[f"{f}-{k}" for k, (f, _) in enumerate(FORGERIES)])
def test_each_forged_field_is_refused_by_name(second_best, field, forge):
    bad = copy.deepcopy(second_best)
    forge(bad)
    why = _refused(bad, field)
    if "belief" in bad and bad["belief"] != second_best["belief"]:
        assert "belief" in why
    if field == "statement":  # both texts are shown
        assert "the file says" in why and "the checked certificate proves" in why


@pytest.mark.parametrize("field", ["format", "question", "statement", "environment", "belief", "constraints",
                                   "objective", "sense", "lp", "mechanism"])
def test_each_removed_field_is_refused_by_name(second_best, field):
    bad = copy.deepcopy(second_best)
    del bad[field]
    _refused(bad, field)


def test_a_forged_statement_shows_what_was_proved(second_best):
    bad = copy.deepcopy(second_best)
    _forge_statement_value(bad)
    why = _refused(bad, "statement")
    assert "is 1/2." in why and "is 2/9." in why


def test_feasibility_questions(witness, impossible):
    bad = copy.deepcopy(witness)
    bad["objective"] = "planner"
    assert "question" in _refused(bad, "question")
    bad = copy.deepcopy(witness)
    bad["question"] = "optimal"  # an optimisation question needs an objective
    _refused(bad, "question")
    bad = copy.deepcopy(witness)
    bad["sense"] = "min"
    _refused(bad, "question")
    bad = copy.deepcopy(witness)
    del bad["mechanism"]
    _refused(bad, "mechanism")
    bad = copy.deepcopy(impossible)
    bad["mechanism"] = witness["mechanism"]
    _refused(bad, "mechanism")
    bad = copy.deepcopy(impossible)
    bad["violates"] = ["IC"]
    _refused(bad, "violates")
    bad = copy.deepcopy(impossible)
    bad["statement"] = bad["statement"].replace("No mechanism satisfies", "A mechanism satisfies")
    _refused(bad, "statement")


@pytest.mark.parametrize("kind", sorted(COMMITTED))
def test_committed_certificates_refuse_forged_fields(kind):
    cert = _load(COMMITTED[kind])
    forged = [
        ("statement", lambda c: c.update(statement=c["statement"][:-1] + " (forged).")),
        ("question", lambda c: c.update(question="optimal" if c["question"] == "feasible" else "feasible")),
        # a feasibility question is always written with sense max: the question field is named
        ("sense" if cert["question"] == "optimal" else "question", lambda c: c.update(sense="min" if c["sense"] == "max" else "max")),
        ("constraints", lambda c: c.update(constraints=c["constraints"][::-1] if len(c["constraints"]) > 1 else [])),
        ("note", lambda c: c.update(note=1)),
        ("lp", lambda c: c["lp"].update(pivots=3)),
        ("environment", lambda c: c["environment"].update(agents=c["environment"]["agents"][::-1])),
    ]
    if cert["lp"]["status"] == "optimal":
        forged.append(("mechanism", lambda c: c.update(mechanism=dict(list(c["mechanism"].items())[1:]))))
        forged.append(("lp", lambda c: c["lp"].update(value=_text(_c_dot_x(c["lp"]) + 1))))
    else:
        forged.append(("mechanism", lambda c: c.update(mechanism={})))
    if "violates" in cert:
        forged.append(("statement", lambda c: c.pop("violates")))  # the statement still says it violates ex-post-IR
        forged.append(("violates", lambda c: c.update(violates=["veto-IC"])))
    if cert["belief"] is not None:
        forged.append(("belief", lambda c: c.update(belief={k: "1/2" for k in list(c["belief"])[:1]})))
    for field, forge in forged:
        bad = copy.deepcopy(cert)
        forge(bad)
        _refused(bad, field)


def test_a_counterexample_is_stated_and_refused_when_it_is_none():
    res = optimal_mechanism(bilateral_trade(1), ["IC", "interim-IR", "BB"])
    with pytest.raises(ModelError, match="satisfies IC"):
        res.counterexample(["IC"])
    with pytest.raises(ModelError, match="at least one"):
        res.counterexample([])
    with pytest.raises(ModelError, match="needs an objective"):
        optimal_mechanism(bilateral_trade(1), ["IC"], None)


def test_fixed_values_are_counted_in_the_statement():
    env = bilateral_trade(1)
    res = feasible_mechanism(env, ["IC", "interim-IR", "BB", Fixed({"t[buyer|0,0]": 0, "t[seller|0,0]": 0})])
    cert = json.loads(res.to_json())
    ok, why = verify_document(cert)
    assert ok and "2 fixed variable values" in cert["statement"]
    bad = copy.deepcopy(cert)
    bad["constraints"][-1]["values"]["t[buyer|0,0]"] = "0/1"
    _refused(bad, "constraints")


# ---------------------------------------------------------------------------------
# LP certificates
_LP = {
    "sense": "max",
    "variables": {"x": ["0", None], "y": ["0", None]},
    "objective": {"x": "1", "y": "1"},
    "constraints": [
        {"name": "c0", "coeffs": {"x": "1", "y": "2"}, "op": "<=", "rhs": "4"},
        {"name": "c1", "coeffs": {"x": "3", "y": "1"}, "op": "<=", "rhs": "6"},
    ],
}


def test_lp_messages_are_generated_from_the_checked_data():
    cert = solve_problem(_LP).certificate()
    ok, why = verify_certificate(cert)
    assert ok and why == "optimal: value 14/5 (max), primal and dual certificates hold; 2 rows, 2 variables"
    assert _c_dot_x(cert) == Fraction(14, 5)
    infeasible = dict(_LP, constraints=_LP["constraints"] + [{"name": "c2", "coeffs": {"x": "1"}, "op": ">=", "rhs": "5"}])
    ok, why = verify_certificate(solve_problem(infeasible).certificate())
    assert ok and why.startswith("infeasible: ") and why.endswith("; 3 rows, 2 variables")
    ok, why = verify_certificate(solve_problem(dict(_LP, constraints=[])).certificate())
    assert ok and why.startswith("unbounded (max): ") and why.endswith("; 0 rows, 2 variables")


@pytest.mark.parametrize("forge, fragment", [
    (lambda c: c.update(note="x"), "field 'note'"),
    (lambda c: c.update(farkas={"c0": "1", "c1": "0"}), "field 'farkas'"),
    (lambda c: c.update(ray={"x": "1"}), "field 'ray'"),
    (lambda c: c.pop("dual"), "'dual'"),
    (lambda c: c.pop("value"), "'value'"),
    (lambda c: c.pop("primal"), "'primal'"),
    (lambda c: c.update(status="infeasible"), "field 'value'"),
    (lambda c: c.update(status="unbounded"), "field 'value'"),
    (lambda c: c["problem"].update(name="p"), "field 'name'"),
    (lambda c: c["problem"]["constraints"][1].update(strict=True), "field 'strict'"),
    (lambda c: c.update(dual={}), "'dual' has no entry"),
    (lambda c: c.update(value="3"), "value"),
])
def test_lp_fields_are_checked_or_refused(forge, fragment):
    cert = solve_problem(_LP).certificate()
    forge(cert)
    ok, why = verify_certificate(cert)
    assert not ok and fragment in why, why


def test_a_removed_infeasible_evidence_is_refused():
    infeasible = dict(_LP, constraints=_LP["constraints"] + [{"name": "c2", "coeffs": {"x": "1"}, "op": ">=", "rhs": "5"}])
    cert = solve_problem(infeasible).certificate()
    for forge in (lambda c: c.pop("farkas"), lambda c: c.update(farkas={}), lambda c: c.update(value="0")):
        bad = copy.deepcopy(cert)
        forge(bad)
        assert not verify_certificate(bad)[0]
    zero = copy.deepcopy(cert)
    zero["farkas"] = {k: "0" for k in zero["farkas"]}
    ok, why = verify_certificate(zero)
    assert not ok and "no contradiction" in why


# ---------------------------------------------------------------------------------
# property: the statement of any certificate exactmd writes is the one verify regenerates
@given(
    env=st.one_of(finite_environments(max_types=2, max_outcomes=2), quasilinear_environments(max_types=2, max_allocations=2)),
    question=st.sampled_from(["optimal", "feasible"]),
    families=st.lists(st.sampled_from(["IC", "interim-IR", "ex-post-IR", "BB"]), max_size=3, unique=True),
    sense=st.sampled_from(["max", "min"]),
)
def test_statements_are_regenerated_exactly(env, question, families, sense):
    if env.kind == "finite":
        families = [f for f in families if f != "BB"]
    if question == "feasible":
        res = feasible_mechanism(env, families)
    else:
        res = optimal_mechanism(env, families, "welfare", sense=sense)
    cert = json.loads(res.to_json())
    ok, why = verify_document(cert)
    assert ok, why
    assert why.startswith(cert["statement"] + " [")
    if res.status == "optimal" and question == "optimal":
        value = _c_dot_x(cert["lp"])
        assert cert["statement"].endswith(f" is {_text(value)}.")
    bad = copy.deepcopy(cert)
    bad["statement"] = bad["statement"].replace("No mechanism", "A mechanism").replace(" exists", " does not exist")
    bad["statement"] = bad["statement"].replace("maximum", "supremum").replace("minimum", "infimum").replace("unbounded", "bounded")
    assert bad["statement"] != cert["statement"]
    assert not verify_document(bad)[0]
