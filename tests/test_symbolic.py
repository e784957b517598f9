"""Symbolic checks: the identities hold, a tampered document is rejected, and nothing in
the file is ever evaluated."""

import copy
import json

import pytest
import sympy

from exactmd.cli import main
from exactmd.papers.vartiainen2014.identities import discrete_envelope, summation_by_parts
from exactmd.symbolic import MAX_POWER, SymbolicError, parse_expression, verify_symbolic


def test_identities_16_17_hold_for_three_types():
    d = summation_by_parts(3)
    assert [e["holds"] for e in d["identities"]] == [True, True]
    assert verify_symbolic(d)[0]


def test_tampered_identity_is_rejected():
    d = discrete_envelope(3)
    bad = copy.deepcopy(d)
    bad["identities"][0]["rhs"] += " + Delta"  # an extra term: no longer an identity
    ok, why = verify_symbolic(bad)
    assert not ok and "rent" in why


def test_the_message_is_the_verifiers_own():
    d = summation_by_parts(5)
    ok, why = verify_symbolic(d)
    assert ok
    assert why == ("Vartiainen (2014), proof of Proposition 2, identities (16) and (17) for 5 types: "
                   "2 identities hold (expanded with sympy)")


@pytest.mark.parametrize("n", [2, 3, 4, 7])
def test_documents_are_self_describing_and_round_trip_through_json(n):
    for make, check in ((summation_by_parts, "summation-by-parts"), (discrete_envelope, "discrete-envelope")):
        d = json.loads(json.dumps(make(n)))
        assert d["check"] == check and d["n"] == n
        assert verify_symbolic(d)[0]


PAYLOAD = "__import__('os').system('touch {path}') * 0 + "


def test_the_python_payload_is_never_run(tmp_path, monkeypatch, capsys):
    # With sympy.parse_expr this printed OK and created the file.
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "PWNED"
    d = summation_by_parts(2)
    d["identities"][0]["lhs"] = PAYLOAD.format(path=target) + d["identities"][0]["lhs"]
    d["identities"][0]["rhs"] = d["identities"][0]["rhs"]
    f = tmp_path / "evil.json"
    f.write_text(json.dumps(d))
    assert main(["verify", str(f)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and "field 'lhs' refused" in out
    assert not target.exists()


@pytest.mark.parametrize(
    "expr",
    [
        "x.__class__",
        "exp(x)",
        "Symbol('y')",
        "lambda: 0",
        "x if x else x",
        "[x][0]",
        "x; import os",
        "x @ x",
        "x == x",
        "1.5*x",
        "x**0.5",
        "x^(1/2)",
        "x^-1",
        "x/x",
    ],
)
def test_the_parser_refuses_everything_outside_its_grammar(expr):
    with pytest.raises(SymbolicError):
        parse_expression(expr, {"x": sympy.Symbol("x")})


def test_the_parser_builds_the_polynomial_it_reads():
    x, y = sympy.symbols("x y")
    got = parse_expression("-(x + 1/2)^2 * 3 - y**2/4 + 7", {"x": x, "y": y})
    # by hand: -3x² - 3x - 3/4 - y²/4 + 7
    assert sympy.expand(got) == -3 * x**2 - 3 * x + sympy.Rational(25, 4) - y**2 / 4


def test_a_forged_statement_fails_naming_the_field():
    d = summation_by_parts(3)
    d["statement"] = d["statement"].replace("3 types", "4 types")
    ok, why = verify_symbolic(d)
    assert not ok and "'statement'" in why


def test_another_claims_statement_fails():
    d = summation_by_parts(3)
    d["statement"] = discrete_envelope(3)["statement"]
    ok, why = verify_symbolic(d)
    assert not ok and "'statement'" in why


def test_changing_n_without_the_identities_fails():
    d = summation_by_parts(3)
    d["n"] = 4
    d["statement"] = summation_by_parts(4)["statement"]
    ok, why = verify_symbolic(d)
    assert not ok and "'symbols'" in why


def test_empty_identities_fail():
    d = discrete_envelope(3)
    d["identities"] = []
    ok, why = verify_symbolic(d)
    assert not ok and "empty" in why


def test_a_true_identity_that_is_not_the_papers_fails():
    d = summation_by_parts(3)
    d["identities"][0]["lhs"] = d["identities"][0]["rhs"] = "a0"  # true, but not (16)
    ok, why = verify_symbolic(d)
    assert not ok and "(16)" in why and "'lhs'" in why


def test_holds_false_is_checked_like_any_claim():
    d = summation_by_parts(3)
    d["identities"][1]["holds"] = False  # (17) holds: the claim that it fails is refuted
    ok, why = verify_symbolic(d)
    assert not ok and "'holds'" in why and "(17)" in why


def test_duplicate_symbols_fail():
    d = summation_by_parts(2)
    d["symbols"] = d["symbols"] + ["p0"]
    ok, why = verify_symbolic(d)
    assert not ok and "'p0' is declared twice" in why


@pytest.mark.parametrize("name", ["0p", "p-0", "__import__", "a" * 40, "p 0", ""])
def test_symbol_names_are_validated(name):
    d = summation_by_parts(2)
    d["symbols"][0] = name
    ok, why = verify_symbolic(d)
    assert not ok and "'symbols'" in why


def test_undeclared_symbols_fail():
    d = summation_by_parts(2)
    d["identities"][0]["lhs"] += " + q7 - q7"  # the same polynomial, with an undeclared name
    ok, why = verify_symbolic(d)
    assert not ok and "'q7'" in why and "not a declared symbol" in why


def test_a_huge_exponent_is_refused_before_any_algebra():
    d = summation_by_parts(2)
    d["identities"][0]["lhs"] += " + p0^99999999 - p0^99999999"
    ok, why = verify_symbolic(d)
    assert not ok and "exponent 99999999" in why and f"larger than {MAX_POWER}" in why


def test_an_exploding_expansion_is_refused_before_expanding():
    d = summation_by_parts(2)
    d["identities"][0]["lhs"] += " + ((p0 + p1 + a0 + a1)^16)^16 - ((p0 + p1 + a0 + a1)^16)^16"
    ok, why = verify_symbolic(d)
    assert not ok and "more than 100,000 terms" in why


def test_deep_nesting_is_refused():
    d = summation_by_parts(2)
    d["identities"][0]["lhs"] = "(" * 5000 + d["identities"][0]["lhs"] + ")" * 5000
    ok, why = verify_symbolic(d)
    assert not ok and "nested more than" in why
    d["identities"][0]["lhs"] = "-" * 5000 + "a0"
    ok, why = verify_symbolic(d)
    assert not ok and "nested more than" in why


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda d: d.update(check="import os"), "'check'"),
        (lambda d: d.update(n=True), "'n'"),
        (lambda d: d.update(n=10**9), "'n'"),
        (lambda d: d.update(n="3"), "'n'"),
        (lambda d: d.update(extra="x"), "unknown field 'extra'"),
        (lambda d: d.pop("check"), "'check' is missing"),
        (lambda d: d["identities"][0].update(holds="true"), "'holds'"),
        (lambda d: d["identities"][0].update(name="(17)"), "'name'"),
        (lambda d: d["identities"][0].update(lhs=5), "must be a string"),
        (lambda d: d["identities"].pop(), "has 1 entries"),
    ],
)
def test_malformed_fields_fail_naming_them(edit, field):
    d = summation_by_parts(2)
    edit(d)
    ok, why = verify_symbolic(d)
    assert not ok and field in why, why
