"""Forged exactmd-renegotiation-certificate/1 documents: every kind the engine writes
(questions exists / min / max / lp / check / voting / enumeration), each field forged —
the statement negated, the question changed, the evidence emptied, a verdict flipped, a
value changed, a key added or removed — is refused with a reason that names the field;
the untouched documents verify with the verdict the verifier recomputes."""

import copy
import functools
import itertools
import json
from pathlib import Path

import pytest
from flint import fmpq
from hypothesis import given, settings

from exactmd.cli import main
from exactmd.certificates import verify_document
from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.papers.neemanpavlov2007 import (
    DirectMechanism,
    check_certificate,
    enumeration_certificate,
    example_1,
    example_2,
    example_5_environment,
    renegotiation_proof_mechanism,
    rp_range,
    solve_certified,
    verify_rp_certificate,
    voting_certificate,
)
from exactmd.papers.neemanpavlov2007.certificates import MAX_CASES, QUESTION_KEYS
from exactmd.papers.neemanpavlov2007.complete_information import tname
from exactmd.strategies import private_value_environments

PROOFS = Path(__file__).resolve().parent.parent / "proofs"


def _priced(b, s, prices, name):
    """Bilateral trade on a price menu (§4.1.1, Examples 3 and 4): buyer values b,
    seller costs s, alternatives "none" and "p<price>"."""
    X = ["none"] + [f"p{p}" for p in prices]

    def u(i, x, th):
        if x == "none":
            return 0
        pr = int(x[1:])
        return th[0] - pr if i == 0 else pr - th[1]

    return Environment.finite([list(b), list(s)], "uniform", X, u, agents=["buyer", "seller"], name=name)


def _price_mechanism(env, price):
    """Example 1's original contract as a state-report mechanism: trade at `price` iff
    the buyer's report says value 5."""
    table = {}
    for r in itertools.product(env.profiles(), repeat=2):
        trade = r[0][0] == 5
        table[r] = ({1: fmpq(1)} if trade else {0: fmpq(1)}, (fmpq(-price if trade else 0), fmpq(price if trade else 0)))
    return DirectMechanism(env, table)


def _example_6():
    pay = {("beta", "a"): (5, -5), ("beta", "b"): (1, 1)}
    return Environment.finite([["a", "b"], ["-"]], "uniform", ["alpha", "beta"], lambda i, x, th: pay.get((x, th[0]), (0, 0))[i],
                              agents=["1", "2"], name="Example 6")


@functools.lru_cache(maxsize=None)
def _built(kind):
    """One real document of each kind, built on a small instance (JSON text, so that
    each test gets a fresh copy)."""
    if kind == "exists-none":
        doc = renegotiation_proof_mechanism(example_2()).certificate
    elif kind == "exists-some":
        doc = renegotiation_proof_mechanism(example_1()).certificate
    elif kind in ("min", "max"):
        env = example_1()
        lo, hi = rp_range(env, {tname(env, 0, (0, 0)): 1, tname(env, 0, (1, 0)): -1})
        doc = (lo if kind == "min" else hi).certificate
    elif kind == "lp-random":
        doc = solve_certified(example_5_environment([2, 5]), "random-rp-ex-post-ir")[1]
    elif kind in ("lp-oracle-max", "lp-unbounded"):
        env = Environment.quasilinear([[1, 5], [2, 6]], "uniform", [0, 1], lambda i, a, th: a * th[0] if i == 0 else -a * th[1],
                                      agents=["buyer", "seller"], name="bilateral trade 1/5, 2/6")
        # the probability of trade at (1, 6) (inefficient: 0), or a transfer level (free under budget balance)
        obj = {"q[1|1,6]": 1} if kind == "lp-oracle-max" else {"t[buyer|1,2]": 1}
        doc = solve_certified(env, "oracle", "balanced", obj, "max")[1]
    elif kind == "check-fails":
        doc = check_certificate(_price_mechanism(example_1(), 4))
    elif kind == "check-holds":
        doc = check_certificate(_price_mechanism(example_1(), 2))
    elif kind == "voting-psi":
        env = _priced((1, 5), (2,), (3, 4), "Example 4")
        f = {th: ("p4" if th[0] == 5 else "none") for th in env.profiles()}
        doc = voting_certificate(env, f, [{"kind": "psi", "psi": {"none": "p3"}}, {"kind": "psi", "psi": {"none": "none"}}])
    elif kind == "voting-oracle":
        env = _priced((0, 3), (1, 2), (1, 2), "Example 3")
        f = {th: ("p2" if th[0] == 3 else "none") for th in env.profiles()}
        psihat = {f"{b},{s}": {"none": "p1" if s == 1 else "p2"} for b, s in env.profiles()}
        doc = voting_certificate(env, f, [{"kind": "oracle", "agent": 0, "type": "3", "report": "0", "psihat": psihat}])
    elif kind == "voting-uninformed":
        env = _example_6()
        f = {th: "alpha" for th in env.profiles()}
        doc = voting_certificate(env, f, [{"kind": "uninformed", "informed": 0, "decision": "alpha", "proposal": "beta"}])
    elif kind == "enumeration":
        doc = enumeration_certificate(example_5_environment([2, 5]))
    elif kind == "oracle-check":
        from exactmd.papers.neemanpavlov2007.claims_beyond_ipv import never_winning_bidder_auction
        from exactmd.papers.neemanpavlov2007.interdependent import generalized_vickrey, oracle_check_certificate

        env = never_winning_bidder_auction()
        doc = oracle_check_certificate(env, generalized_vickrey(env))
    else:  # pragma: no cover
        raise AssertionError(kind)
    return json.dumps(doc)


KINDS = ["exists-none", "exists-some", "min", "max", "lp-random", "lp-oracle-max", "lp-unbounded", "check-fails", "check-holds",
         "voting-psi", "voting-oracle", "voting-uninformed", "enumeration", "oracle-check"]


def _doc(kind):
    return json.loads(_built(kind))


def _fails_naming(doc, *names):
    ok, why = verify_rp_certificate(doc)
    assert not ok, f"forgery accepted: {why}"
    assert any(n in why for n in names), f"the reason does not name {names}: {why}"
    assert verify_document(doc)[0] is False  # the dispatcher of `exactmd verify` agrees
    return why


def _negate(statement):
    """A statement saying the opposite (or something else) about the same data."""
    for a, b in (("No ", "An "), (" is not ", " is "), (" is ex post", " is not ex post"), (" is ", " is not "), ("Exactly ", "At least ")):
        if a in statement:
            return statement.replace(a, b, 1)
    return "It is not the case that " + statement


# ---------------------------------------------------------------------------------
# the untouched documents: OK, with the verdict recomputed (numbers from the paper)
EXPECTED = {
    # Example 2: no ex post RP mechanism exists (balanced budget)
    "exists-none": ["No ex post renegotiation-proof direct mechanism with balanced budget exists", "Neeman-Pavlov Example 2", "infeasible"],
    "exists-some": ["An ex post renegotiation-proof direct mechanism with balanced budget exists", "Neeman-Pavlov Example 1"],
    # Example 1 (continued), B1: the buyer pays exactly 2 more with trade
    "min": ["minimum", "is 2."],
    "max": ["maximum", "is 2."],
    # Example 5 on the menu {2, 5}: no ex post IR random mechanism (Farkas)
    "lp-random": ["No ex post IR random direct mechanism", "against every ψ", "infeasible"],
    # Lemma 2: truthful outcomes are efficient, so no trade when the buyer's value 1 < 6
    "lp-oracle-max": ["The maximum of 1·q[1|1,6] over the ex post oracle renegotiation-proof mechanisms", "is 0."],
    "lp-unbounded": ["is unbounded above", "ray"],
    # Example 1: price 4 — the buyer with value 5 reports 1 and renegotiates, gaining 5 − 2 − 1 = 2
    "check-fails": ["is not ex post renegotiation-proof", "RP[buyer: 5,2 -> 1,2]: gain from lying and renegotiating 2"],
    "check-holds": ["is ex post renegotiation-proof with balanced budget", "rows of the LP hold"],
    # Example 4: the buyer with value 5 gains exactly 1
    "voting-psi": ["is not ex post renegotiation-proof against ψ = {none ↦ p3}", "gains 1 "],
    # Example 3: the oracle gives the buyer of value 3 an expected 3/2 > 1
    "voting-oracle": ["expects 3/2 by reporting 0", "against 1 when truthful", "not ex post oracle renegotiation-proof"],
    # Example 6: player 2 would expect −2 from a switch, so none happens
    "voting-uninformed": ["no voting equilibrium switches to beta"],
    # §4.1.4: bidder 3 (never wins) gains 1 with probability 1/2 by misreporting either way
    "oracle-check": ["violates 2 of the 8 rows", "ORP[3: 0 -> 1] by 1/2"],
    # Example 5 on {2, 5}: only the (5, 2) state may trade, at 2 or 5, or not: 3 mechanisms
    "enumeration": ["Exactly 3 deterministic direct mechanisms are ex post IR"],
}


@pytest.mark.parametrize("kind", KINDS)
def test_untouched_document_verifies_with_the_recomputed_verdict(kind):
    doc = _doc(kind)
    ok, why = verify_rp_certificate(doc)
    assert ok, why
    for part in EXPECTED[kind]:
        assert part in why, (part, why)
    assert why.startswith(doc["statement"] + " [")


# ---------------------------------------------------------------------------------
# forgeries common to every kind
@pytest.mark.parametrize("kind", KINDS)
def test_negated_statement_fails_naming_statement(kind):
    doc = _doc(kind)
    doc["statement"] = _negate(doc["statement"])
    _fails_naming(doc, "statement")
    doc["statement"] = ""
    _fails_naming(doc, "statement")
    doc["statement"] = ["a list"]
    _fails_naming(doc, "statement")


@pytest.mark.parametrize("kind", KINDS)
def test_changed_question_fails_naming_it(kind):
    doc = _doc(kind)
    for q in list(QUESTION_KEYS) + ["Exists", "", None, 1]:
        if q == doc["question"]:
            continue
        forged = copy.deepcopy(doc)
        forged["question"] = q
        _fails_naming(forged, "question")


@pytest.mark.parametrize("kind", KINDS)
def test_extra_key_fails_naming_it(kind):
    for extra in ("note", "verdict", "STATEMENT", "model" if "model" not in _doc(kind) else "mechanisms"):
        doc = _doc(kind)
        doc[extra] = "trust me"
        why = _fails_naming(doc, repr(extra), extra)
        assert why.startswith(extra + ":")


@pytest.mark.parametrize("kind", KINDS)
def test_removed_key_fails_naming_it(kind):
    for key in _doc(kind):
        doc = _doc(kind)
        del doc[key]
        _fails_naming(doc, key)


@pytest.mark.parametrize("kind", KINDS)
def test_changed_environment_fails(kind):
    doc = _doc(kind)
    doc["environment"]["name"] = "another environment"  # the statement names it: no longer the verdict
    _fails_naming(doc, "statement")
    doc = _doc(kind)
    doc["environment"]["extra"] = 1
    _fails_naming(doc, "environment")
    doc = _doc(kind)
    table = doc["environment"].get("valuation") or doc["environment"]["utility"]
    # another environment, in which the verdict differs
    if kind == "voting-psi":
        table["buyer"]["p4"]["5,2"] = "3"  # trade at price 2 for the buyer: truth-telling now pays 3 > 2
    elif kind == "enumeration":
        table["buyer"]["trade at 2"]["1,2"] = "0"  # now the buyer of value 1 accepts trade at 2: more IR mechanisms
    else:
        agent = list(table)[-1]
        alt = list(table[agent])[-1]
        prof = next(iter(table[agent][alt]))
        table[agent][alt][prof] = str(int(table[agent][alt][prof]) + 7)
    assert not verify_rp_certificate(doc)[0]


def test_format_must_be_the_renegotiation_format():
    doc = _doc("exists-none")
    doc["format"] = "exactmd-renegotiation-certificate/2"
    assert not verify_document(doc)[0]
    _fails_naming(doc, "format")
    assert not verify_rp_certificate([doc])[0]


# ---------------------------------------------------------------------------------
# LP questions: exists, min, max, lp
def test_issue_forgery_no_mechanism_exists_to_one_exists():
    doc = _doc("exists-none")
    assert doc["statement"].startswith("No ex post renegotiation-proof")
    doc["statement"] = doc["statement"].replace("No ex post", "An ex post")
    _fails_naming(doc, "statement")


LP_KINDS = ["exists-none", "exists-some", "min", "max", "lp-random", "lp-oracle-max", "lp-unbounded"]


@pytest.mark.parametrize("kind", LP_KINDS)
def test_lp_evidence_missing_or_emptied_fails(kind):
    doc = _doc(kind)
    doc["lp"] = {}
    _fails_naming(doc, "lp")
    doc = _doc(kind)
    del doc["lp"]["problem"]
    _fails_naming(doc, "lp")
    doc = _doc(kind)
    doc["lp"]["problem"]["constraints"] = []
    _fails_naming(doc, "lp")
    doc = _doc(kind)
    doc["lp"]["format"] = "exactmd-mechanism-certificate/1"
    _fails_naming(doc, "lp")


@pytest.mark.parametrize("kind", LP_KINDS)
def test_lp_status_flipped_fails(kind):
    for status in ("optimal", "infeasible", "unbounded"):
        doc = _doc(kind)
        if status != doc["lp"]["status"]:
            doc["lp"]["status"] = status
            _fails_naming(doc, "lp")


@pytest.mark.parametrize("kind", ["min", "max", "lp-oracle-max"])
def test_lp_value_changed_fails(kind):
    doc = _doc(kind)
    doc["lp"]["value"] = str(fmpq(doc["lp"]["value"]) + 1)
    _fails_naming(doc, "lp")
    doc = _doc(kind)
    doc["statement"] = doc["statement"].replace(f"is {doc['lp']['value']}.", "is -1.")
    _fails_naming(doc, "statement")


def test_min_max_question_sense_and_objective_must_agree():
    doc = _doc("min")
    doc["question"], doc["sense"] = "max", "max"  # the max question on the min LP: the LP's sense differs
    _fails_naming(doc, "lp")
    doc = _doc("min")
    doc["sense"] = "max"
    _fails_naming(doc, "question")
    doc = _doc("max")
    doc["objective"] = {}
    _fails_naming(doc, "question", "sense")
    doc = _doc("exists-some")
    doc["objective"] = {"q[1|1,2;1,2]": "1"}
    _fails_naming(doc, "question")
    doc = _doc("exists-some")
    doc["sense"] = "min"
    _fails_naming(doc, "sense")
    doc = _doc("min")
    v = next(iter(doc["objective"]))
    doc["objective"][v] = "2"  # another expression: not the LP in the file
    _fails_naming(doc, "lp")
    doc = _doc("min")
    doc["objective"][v] = "2/2"
    _fails_naming(doc, "objective")
    doc = _doc("min")
    doc["objective"]["no such variable"] = "1"
    _fails_naming(doc, "objective")
    doc = _doc("min")
    doc["objective"][v] = "1e999999999"
    _fails_naming(doc, "objective")
    doc = _doc("min")
    doc["lp"]["value"] = "4/2"  # the same number, not in the form the contract fixes
    _fails_naming(doc, "lp.value")


def test_budget_and_model_forgeries():
    doc = _doc("exists-none")
    doc["budget"] = "feasible"  # the LP of Σ t ≤ 0 has other rows
    _fails_naming(doc, "lp")
    doc["budget"] = "weak"
    _fails_naming(doc, "budget")
    doc = _doc("lp-oracle-max")
    doc["model"] = "vcg-in-expectation"
    _fails_naming(doc, "lp")
    doc["model"] = "complete!"
    _fails_naming(doc, "model")
    doc = _doc("lp-random")
    assert "budget" not in doc  # lotteries on a menu: no transfers, no budget
    doc["budget"] = "balanced"
    _fails_naming(doc, "budget")
    doc = _doc("lp-random")
    doc["model"] = "random-rp"  # without ex post IR the LP has witnesses: other rows
    _fails_naming(doc, "lp")
    doc = _doc("exists-none")
    doc["model"] = "complete"  # "model" belongs to question "lp" only
    _fails_naming(doc, "model")


def test_solve_certified_refuses_what_its_certificate_could_not_state():
    with pytest.raises(ModelError, match="budget"):
        solve_certified(example_5_environment([2, 5]), "random-rp", "feasible")
    with pytest.raises(ModelError, match="sense"):
        solve_certified(example_5_environment([2, 5]), "random-rp", sense="min")
    with pytest.raises(ModelError, match="non-empty"):
        rp_range(example_1(), {})


# ---------------------------------------------------------------------------------
# check: a given mechanism's rows
def test_check_violations_forged():
    doc = _doc("check-fails")
    assert doc["violations"] == {"RP[buyer: 5,2 -> 1,2]": "2"}  # by hand: 3 − 1 (§3.1)
    doc["violations"] = {}  # the verdict flipped: "every row holds"
    _fails_naming(doc, "violations")
    doc = _doc("check-fails")
    doc["violations"]["RP[buyer: 5,2 -> 1,2]"] = "1"
    _fails_naming(doc, "violations")
    doc = _doc("check-fails")
    doc["violations"]["RP[buyer: 5,2 -> 1,2]"] = "4/2"
    _fails_naming(doc, "violations")
    doc = _doc("check-holds")
    doc["violations"]["RP[seller: 1,2 -> 5,2]"] = "1"
    _fails_naming(doc, "violations")
    doc = _doc("check-holds")
    doc["violations"]["no such row"] = "1"
    _fails_naming(doc, "violations")


def test_check_mechanism_forged():
    doc = _doc("check-holds")
    key = next(iter(doc["mechanism"]))
    doc["mechanism"][key]["transfers"][0] = "1"  # budget balance fails now
    _fails_naming(doc, "violations")
    doc = _doc("check-holds")
    del doc["mechanism"][key]
    _fails_naming(doc, "mechanism")
    doc = _doc("check-holds")
    doc["mechanism"][key]["note"] = "x"
    _fails_naming(doc, "mechanism")
    doc = _doc("check-holds")
    doc["mechanism"][key]["transfers"][0] = 0
    _fails_naming(doc, "mechanism")
    doc = _doc("check-holds")
    doc["mechanism"][key]["lottery"] = {"0": "2", "1": "-1"}  # sums to 1 but is no lottery
    _fails_naming(doc, "mechanism")


def test_check_certificate_refuses_a_mechanism_that_is_not_a_lottery():
    env = example_1()
    mech = _price_mechanism(env, 2)
    r = next(iter(mech.table))
    mech.table[r] = ({0: fmpq(2), 1: fmpq(-1)}, mech.table[r][1])
    with pytest.raises(ModelError, match=r"not in \[0, 1\]"):
        check_certificate(mech)


# ---------------------------------------------------------------------------------
# voting: §4.1 cases
@pytest.mark.parametrize("kind", ["voting-psi", "voting-oracle", "voting-uninformed"])
def test_voting_cases_emptied_or_not_a_list(kind):
    doc = _doc(kind)
    doc["cases"] = []
    _fails_naming(doc, "cases")
    doc["cases"] = {}
    _fails_naming(doc, "cases")
    with pytest.raises(ModelError):
        voting_certificate(Environment.from_dict(doc["environment"]), {}, [])


@pytest.mark.parametrize("kind", ["voting-psi", "voting-oracle", "voting-uninformed"])
def test_voting_case_results_forged(kind):
    doc = _doc(kind)
    for k, case in enumerate(doc["cases"]):
        for key, v in case.items():
            if key in ("kind",):
                continue
            if isinstance(v, bool):
                forged_values = [not v, int(v), str(v).lower()]
            elif isinstance(v, str):
                forged_values = [v + "0", " " + v] + ([str(fmpq(v) + 1)] if key in ("gain", "truth", "deviation") else [])
            elif isinstance(v, int):
                forged_values = [v + 1, str(v), float(v)]
            else:  # a map: ψ or ψ̂
                forged_values = [{}, {"x": "y"}]
            for fv in forged_values:
                forged = copy.deepcopy(doc)
                forged["cases"][k][key] = fv
                _fails_naming(forged, f"cases[{k}]")
        forged = copy.deepcopy(doc)
        forged["cases"][k]["note"] = 1
        _fails_naming(forged, f"cases[{k}]")
        for key in case:
            forged = copy.deepcopy(doc)
            del forged["cases"][k][key]
            _fails_naming(forged, f"cases[{k}]")


def test_voting_verdict_flipped_and_cases_duplicated():
    doc = _doc("voting-psi")
    assert doc["cases"][0]["holds"] is False and doc["cases"][0]["gain"] == "1"  # Example 4: the buyer gains 1
    doc["cases"][0].update(holds=True, gain="0")
    _fails_naming(doc, "cases[0].holds", "cases[0].gain")
    doc = _doc("voting-psi")
    doc["cases"].append(copy.deepcopy(doc["cases"][0]))
    _fails_naming(doc, "cases[2]")
    doc = _doc("voting-psi")
    doc["cases"][1]["psi"] = {"p3": "none"}  # p3 is never reached by the mechanism
    _fails_naming(doc, "cases[1].psi")
    doc = _doc("voting-psi")
    doc["cases"] = doc["cases"] * (MAX_CASES // 2 + 1)
    _fails_naming(doc, "cases")


def test_voting_mechanism_forged():
    doc = _doc("voting-psi")
    prof = next(p for p, x in doc["mechanism"].items() if x == "p4")
    doc["mechanism"][prof] = "p3"  # another mechanism: the recomputation differs
    assert not verify_rp_certificate(doc)[0]
    doc = _doc("voting-psi")
    del doc["mechanism"][prof]
    _fails_naming(doc, "mechanism")
    doc = _doc("voting-psi")
    doc["mechanism"][prof] = 4
    _fails_naming(doc, "mechanism")


def test_voting_certificate_refuses_a_repeated_psi():
    env = _priced((1, 5), (2,), (3, 4), "Example 4")
    f = {th: ("p4" if th[0] == 5 else "none") for th in env.profiles()}
    with pytest.raises(ModelError, match="once"):
        voting_certificate(env, f, [{"kind": "psi", "psi": {"none": "p3"}}, {"kind": "psi", "psi": {"none": "p3", "p4": "p4"}}])


def test_oracle_case_needs_private_values():
    env = _example_6()
    f = {th: "alpha" for th in env.profiles()}
    with pytest.raises(ModelError, match="private values"):
        voting_certificate(env, f, [{"kind": "oracle", "agent": 0, "type": "a", "report": "b",
                                     "psihat": {"a,-": {"alpha": "beta"}}}])


# ---------------------------------------------------------------------------------
# enumeration
def test_enumeration_forged():
    doc = _doc("enumeration")
    doc["mechanisms"] = []
    _fails_naming(doc, "mechanisms")
    doc = _doc("enumeration")
    doc["mechanisms"].pop()
    _fails_naming(doc, "mechanisms")
    doc = _doc("enumeration")
    doc["mechanisms"][0], doc["mechanisms"][1] = doc["mechanisms"][1], doc["mechanisms"][0]
    _fails_naming(doc, "mechanisms[0]")
    doc = _doc("enumeration")
    doc["mechanisms"][0]["5,2"] = "trade at 3"
    _fails_naming(doc, "mechanisms[0]")
    doc = _doc("enumeration")
    doc["statement"] = doc["statement"].replace("Exactly 3", "Exactly 2")
    _fails_naming(doc, "statement")


# ---------------------------------------------------------------------------------
# the committed proofs/ and the command line
FILES = sorted(p for p in PROOFS.rglob("*.json") if '"exactmd-renegotiation-certificate/1"' in p.read_text(encoding="utf-8")[:200])


def test_committed_documents_cover_every_question():
    assert {json.loads(p.read_text(encoding="utf-8"))["question"] for p in FILES} == set(QUESTION_KEYS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(PROOFS).as_posix())
def test_committed_document_forgeries(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    ok, why = verify_rp_certificate(doc)
    assert ok and why.startswith(doc["statement"] + " ["), why
    forged = copy.deepcopy(doc)
    forged["statement"] = _negate(doc["statement"])
    _fails_naming(forged, "statement")
    for q in QUESTION_KEYS:
        if q != doc["question"]:
            forged = dict(doc, question=q)
            _fails_naming(forged, "question")
    _fails_naming(dict(doc, extra=True), "extra")
    for key in doc:
        _fails_naming({k: v for k, v in doc.items() if k != key}, key)
    if doc["question"] == "voting":
        _fails_naming(dict(doc, cases=[]), "cases")


def test_cli_verify_prints_the_reason(tmp_path, capsys):
    doc = _doc("exists-none")
    doc["statement"] = doc["statement"].replace("No ex post", "An ex post")
    bad = tmp_path / "forged.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    good = tmp_path / "np2.json"
    good.write_text(_built("exists-none"), encoding="utf-8")
    assert main(["verify", str(good)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK") and "No ex post renegotiation-proof direct mechanism" in out
    assert main(["verify", str(bad)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and "statement:" in out and "Traceback" not in out


# ---------------------------------------------------------------------------------
# random environments: a written certificate verifies, its negation does not
@settings(max_examples=15, deadline=None)
@given(private_value_environments(n_agents=2, max_types=2, max_allocations=2))
def test_random_existence_certificates_verify_and_their_negation_fails(env):
    doc = renegotiation_proof_mechanism(env).certificate
    ok, why = verify_rp_certificate(doc)
    assert ok, why
    exists = doc["lp"]["status"] == "optimal"
    assert why.startswith("An " if exists else "No ")
    doc["statement"] = _negate(doc["statement"])
    _fails_naming(doc, "statement")
