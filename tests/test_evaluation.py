"""exactmd.evaluate and ``exactmd evaluate`` (issue 16, item 4): every number below is
derived by hand from the mechanism's definition, not read from the code under test."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from flint import fmpq

import exactmd
import exactmd.cli as cli
from exactmd.cli import main
from exactmd.design import feasible_mechanism, optimal_mechanism
from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.evaluation import evaluate, load_mechanism, virtual_values
from exactmd.mechanism import OutcomeFunction

AUCTION_TOML = """name = "two bidders, values 1..3"
kind = "quasilinear"
types = [[1, 2, 3], [1, 2, 3]]
allocations = ["none", "win1", "win2"]
[prior]
independent = [["1/3", "1/3", "1/3"], ["1/3", "1/3", "1/3"]]
[valuation.1.none]
"*" = 0
[valuation.1.win1]
"1,*" = 1
"2,*" = 2
"3,*" = 3
[valuation.1.win2]
"*" = 0
[valuation.2.none]
"*" = 0
[valuation.2.win1]
"*" = 0
[valuation.2.win2]
"*,1" = 1
"*,2" = 2
"*,3" = 3
"""


def auction(prior="uniform"):
    return Environment.quasilinear([[1, 2, 3], [1, 2, 3]], prior, ["none", "win1", "win2"],
                                   lambda i, a, th: th[i] if a == f"win{i + 1}" else 0, name="two bidders, values 1..3")


def second_price(env):
    """Vickrey: the higher bid wins and pays the lower; a tie is a fair coin, the winner pays the bid."""
    def rule(th):
        b1, b2 = th
        if b1 > b2:
            return {("win1", (-b2, 0)): 1}
        if b2 > b1:
            return {("win2", (0, -b1)): 1}
        return {("win1", (-b1, 0)): fmpq(1, 2), ("win2", (0, -b2)): fmpq(1, 2)}
    return OutcomeFunction(env, rule)


def test_second_price_auction_by_hand() -> None:
    env = auction()
    r = evaluate(env, second_price(env))
    # revenue E[min(θ_1, θ_2)] = (1·5 + 2·3 + 3·1)/9; surplus E[max] = (1 + 2·3 + 3·5)/9
    assert r.revenue == fmpq(14, 9) and r.surplus == fmpq(22, 9) and r.welfare == fmpq(8, 9)
    assert r.planner_value == r.surplus  # planner value = total surplus by default
    # bidder 1 of value 3: wins against 1 and 2, half the time against 3; pays 1, 2 and 3/2 in expectation
    assert r.interim_allocation[0][fmpq(3)] == {"none": 0, "win1": fmpq(5, 6), "win2": fmpq(1, 6)}
    assert r.interim_transfer[0][fmpq(3)] == fmpq(-3, 2) and r.interim_utility[0][fmpq(3)] == 1
    assert r.interim_allocation[1][fmpq(1)]["win2"] == fmpq(1, 6) and r.interim_utility[1][fmpq(1)] == 0
    # uniform on {1, 2, 3}: φ(1) = 1 − 1·(2/3)/(1/3) = −1, φ(2) = 2 − 1·(1/3)/(1/3) = 1, φ(3) = 3
    assert r.virtual_values == ({1: -1, 2: 1, 3: 3},) * 2
    holds = {f.family: f.holds for f in r.constraints}
    assert holds == {"IC": True, "interim-IR": True, "ex-post-IR": True, "BB": False, "weak-BB": True,
                     "ex-ante-BB": False, "efficiency": True}
    # tightest IC: e.g. value 2 reporting 1 keeps 1/6 less (U(2) = 1/3, U(2 -> 1) = 1/6)
    assert r.family("IC").min_slack == fmpq(1, 6)
    assert r.family("interim-IR").min_slack == 0  # the lowest type gets 0
    assert r.family("weak-BB").min_slack == 1  # the designer collects at least the lower bid, 1
    bb = r.family("BB")
    assert bb.min_slack == -3 and bb.tightest == "BB[3,3]" and len(bb.violations) == 9
    assert r.family("ex-ante-BB").worst.amount == fmpq(14, 9)
    assert r.check_report().ok is False and exactmd.evaluate is evaluate


def test_violated_ic_names_the_row_and_the_gain() -> None:
    # one buyer with value 1 or 2 who pays what she reports: value 2 gains 1 by reporting 1
    env = Environment.quasilinear([[1, 2]], "uniform", ["keep", "sell"], lambda i, a, th: th[0] if a == "sell" else 0)
    r = evaluate(env, lambda th: {("sell", (-th[0],)): 1}, "IC,interim-IR")
    ic = r.family("IC")
    assert not ic.holds and ic.min_slack == -1 and ic.tightest == "IC[agent 1: 2 -> 1]"
    assert ic.worst.label == "IC[agent 1: 2 -> 1]" and ic.worst.gain == 1
    assert r.holds("interim-IR") and r.family("interim-IR").min_slack == 0
    assert "| IC | no (1 row) | 2 | -1 | IC[agent 1: 2 -> 1] | 1 |" in r.to_text()
    with pytest.raises(ModelError, match="family 'BB' was not checked"):
        r.family("BB")


def test_virtual_values_uneven_prior() -> None:
    # f = (1/2, 1/4, 1/4) on {1, 2, 4}: φ(1) = 1 − 1·(1/2)/(1/2) = 0, φ(2) = 2 − 2·(1/4)/(1/4) = 0, φ(4) = 4
    env = Environment.quasilinear([[1, 2, 4]], {"independent": [["1/2", "1/4", "1/4"]]}, ["keep", "sell"],
                                  lambda i, a, th: th[0] if a == "sell" else 0)
    assert virtual_values(env) == ({1: 0, 2: 0, 4: 4},)
    # a type of mass 0 is skipped: the next type of positive mass is used
    env0 = env.with_prior({"independent": [["1/2", "0", "1/2"]]})
    assert virtual_values(env0) == ({1: -2, 2: None, 4: 4},)


@pytest.mark.parametrize("env, why", [
    (auction({(1, 1): "1/2", (3, 3): "1/2"}), "independent private values; p(1,1) = 1/2"),
    (Environment.quasilinear([["L", "H"]], "uniform", ["keep", "sell"], lambda i, a, th: 1), "numeric types; type 'L'"),
    (Environment.quasilinear([[1, 2]], "uniform", ["keep", "sell"], lambda i, a, th: th[0] + 1 if a == "sell" else 0),
     "not single-parameter"),
    (Environment.finite([[1, 2]], "uniform", ["a", "b"], lambda i, x, th: 1), "quasilinear environment"),
], ids=["correlated", "string-types", "affine-value", "finite"])
def test_virtual_values_refused_where_undefined(env, why) -> None:
    with pytest.raises(ModelError, match=re.escape(why)):
        virtual_values(env)
    f = OutcomeFunction(env, lambda th: {env.outcomes[0]: 1} if env.kind == "finite" else {(env.outcomes[0], (0,) * env.n): 1})
    r = evaluate(env, f)
    assert r.virtual_values is None and why.split(";")[0] in r.virtual_values_note
    assert "Virtual values: not defined here" in r.to_text()


def test_a_certificate_a_table_and_a_mechanism_are_the_same_mechanism(tmp_path) -> None:
    env = auction()
    res = optimal_mechanism(env, "IC,interim-IR", "revenue")
    f = tmp_path / "opt.json"
    f.write_text(res.to_json())
    a = evaluate(env, str(f))
    b = evaluate(env, res.certificate["mechanism"])
    c = evaluate(env, res.mechanism)
    assert a.mechanism == b.mechanism == c.mechanism == res.mechanism
    # Myerson, by hand: φ = (−1, 1, 3) per bidder; E[max(φ_1, φ_2, 0)] = (0 + 1·3 + 3·5)/9 = 2
    assert a.revenue == res.value == 2 and a.holds("IC") and a.holds("interim-IR")


def test_feasibility_answer_says_feasible_and_evaluates() -> None:
    env = auction()
    res = feasible_mechanism(env, "IC,ex-post-IR,weak-BB")
    assert res.status == "feasible" and res.lp.status == "optimal"
    r = evaluate(env, res.certificate)
    assert r.holds("IC") and r.holds("ex-post-IR") and r.holds("weak-BB")


@pytest.mark.parametrize("doc, message", [
    ({"format": "exactmd-lp-certificate/1"}, "holds no mechanism"),
    ({"1,1": [{"allocation": "none", "p": "1"}]}, "an entry has the fields ['allocation', 'transfers', 'p']"),
    ({"1,1": [{"allocation": "none", "transfers": ["0"], "p": "1"}]}, "must be a list of 2 numbers"),
    ({"1,1": [{"allocation": "none", "transfers": ["0", "0"], "p": "1"}]}, "f is not defined at profile (1,2) and 7 more"),
    ({"1,1": [{"allocation": "nobody", "transfers": ["0", "0"], "p": "1"}]}, "allocation 'nobody' is not one of"),
    ({"1,1": [{"allocation": "none", "transfers": ["0", "0"], "p": "1/2"}]}, "probabilities sum to 1/2, not 1"),
], ids=["no-mechanism", "no-transfers", "one-transfer", "missing-profile", "unknown-allocation", "sum-half"])
def test_bad_mechanisms_are_refused_by_name(doc, message) -> None:
    with pytest.raises(ModelError) as e:
        load_mechanism(auction(), doc)
    assert message in str(e.value)


def test_cli_evaluate(tmp_path, capsys) -> None:
    env_file = tmp_path / "auction.toml"
    env_file.write_text(AUCTION_TOML)
    cert = tmp_path / "opt.json"
    assert main(["design", str(env_file), "--constraints", "IC,interim-IR", "--objective", "revenue", "-o", str(cert)]) == 0
    capsys.readouterr()
    assert main(["evaluate", str(env_file), str(cert), "--constraints", "IC,interim-IR,BB"]) == 0
    out, err = capsys.readouterr()
    assert "| revenue −Σ p(θ) Σ_i t_i(θ) | 2 |" in out and "| U_i | φ_i |" in out
    assert "| 1 | 3 | 1/3 | 0 | 2/3 | 1/3 |" in out or "| 1 | 3 | 1/3 |" in out  # agent 1, type 3, mass 1/3
    assert "| IC | yes |" in out and "| BB | no (" in out and err == ""
    # another environment than the certificate's: evaluated in the one given, with a note
    other = tmp_path / "other.toml"
    other.write_text(AUCTION_TOML.replace('"3,*" = 3', '"3,*" = 4'))
    assert main(["evaluate", str(other), str(cert)]) == 0
    out, err = capsys.readouterr()
    assert "differs from" in err and "Mechanism evaluated in environment" in out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"1,1": [{"allocation": "none", "transfers": ["0", "0"], "p": "1"}]}))
    assert main(["evaluate", str(env_file), str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not defined at profile (1,2)" in err


def test_cli_design_prints_a_lottery_with_expected_transfers(tmp_path, capsys, monkeypatch) -> None:
    env_file = tmp_path / "auction.toml"
    env_file.write_text(AUCTION_TOML)
    env = exactmd.load_environment(env_file)
    # an LP point encodes expected transfers: at a tie both bidders "pay" 1 = half of 2
    mech = OutcomeFunction(env, lambda th: {("win1", (-1, -1)): fmpq(1, 2), ("win2", (-1, -1)): fmpq(1, 2)})
    fake = SimpleNamespace(certificate={"statement": "stated"}, mechanism=mech, to_json=lambda: "{}")
    monkeypatch.setattr(cli, "optimal_mechanism", lambda *a, **k: fake)
    assert main(["design", str(env_file)]) == 0
    out = capsys.readouterr().out
    assert "  2,2: win1 w.p. 1/2, win2 w.p. 1/2; expected transfers (-1, -1)" in out
    assert "(win1; -1, -1)" not in out  # not shown as if the winner and the loser both paid


def test_a_document_whose_mechanism_field_is_not_a_table_is_one_line():
    env = auction()
    with pytest.raises(ModelError, match=r"^mechanism: must map profiles to lists of entries$"):
        load_mechanism(env, {"mechanism": 5})
