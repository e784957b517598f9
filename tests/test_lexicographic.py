"""Lexicographic and symmetrised optima (exactmd.lexicographic).

Issue 16's motivating example: two bidders with values {1, 2, 3}, uniform, under IC and
interim IR.  The revenue-optimal vertex lets a bidder with value 3 pay 8 at one profile
and breaks ties asymmetrically; revenue, then the fewest ex post losses, then the least
absolute transfers, symmetrised, gives a symmetric mechanism with no absurd payment and
the same revenue.  Every property is recomputed here from the mechanism's own tables.
"""

from __future__ import annotations

import copy
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from flint import fmpq
from hypothesis import given, settings

from exactmd import Environment
from exactmd.certificates import verify_document
from exactmd.constraints import Row, check
from exactmd.design import build_problem, optimal_mechanism
from exactmd.errors import ModelError
from exactmd.lexicographic import (
    lexicographic_mechanism,
    parse_stage,
    symmetries,
    verify_lexicographic_certificate,
)
from exactmd.lp import solve_problem
from exactmd.rational import Q
from exactmd.strategies import quasilinear_environments

import forgery

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
V = [fmpq(1), fmpq(2), fmpq(3)]

# Myerson's optimal auction for two bidders, values {1, 2, 3} each with probability 1/3,
# derived by hand.  Discrete virtual values φ(v_k) = v_k − (v_{k+1} − v_k)(1 − F(v_k))/f(v_k)
# with F(1) = 1/3, F(2) = 2/3, F(3) = 1:
#     φ(1) = 1 − 1·(2/3)/(1/3) = −1,   φ(2) = 2 − 1·(1/3)/(1/3) = 1,   φ(3) = 3.
# They increase (no ironing), so the optimal revenue is E[max(φ(v_1), φ(v_2), 0)]: of the
# 9 equally likely profiles, (1,1) gives 0; (1,2), (2,1), (2,2) give 1; the five profiles
# with a 3 give 3.  Revenue = (3·1 + 5·3)/9 = 2.  (A reserve price of 2, ties split.)
MYERSON_REVENUE = fmpq(2)


def symmetric(mech):
    """Swapping the bidders (and their allocations) maps the mechanism to itself."""
    return all(wins(mech, 0, (a, b)) == wins(mech, 1, (b, a))
               and mech.expected_transfer(0, (a, b)) == mech.expected_transfer(1, (b, a))
               for a, b in itertools.product(V, V))


def auction(values=(1, 2, 3), prior="uniform"):
    return Environment.quasilinear([list(values), list(values)], prior, ["none", "1", "2"],
                                   lambda i, a, th: th[i] if a == str(i + 1) else 0, agents=["1", "2"], name="auction")


def revenue(mech, env):
    return sum((env.prior[th] * -(mech.expected_transfer(0, th) + mech.expected_transfer(1, th)) for th in env.profiles()),
               fmpq(0))


def wins(mech, i, th):
    return mech.allocation_prob(str(i + 1), th)


def interim_ic_ir(mech, values):
    """Bayesian IC and interim IR of a 2-bidder auction, uniform values, computed directly."""
    w = fmpq(1, len(values))
    for i in (0, 1):
        for v in values:
            def payoff(report):
                total = fmpq(0)
                for other in values:
                    th = (report, other) if i == 0 else (other, report)
                    total += w * (v * wins(mech, i, th) + mech.expected_transfer(i, th))
                return total
            truth = payoff(v)
            if truth < 0 or any(payoff(r) > truth for r in values):
                return False
    return True


@pytest.fixture(scope="module")
def tidy():
    env = auction()
    return env, lexicographic_mechanism(env, ["IC", "interim-IR"], ["revenue", "min losses", "min transfers"], symmetrise=True)


def test_issue_16_tidy_auction(tidy):
    env, r = tidy
    plain = optimal_mechanism(env, ["IC", "interim-IR"], "revenue")
    m = r.symmetrised
    # the same revenue as the plain optimum and as Myerson's auction, computed from the transfers
    assert revenue(m, env) == revenue(plain.mechanism, env) == MYERSON_REVENUE
    assert r.values == (MYERSON_REVENUE, 0, MYERSON_REVENUE)
    assert symmetric(m)
    # no absurd payment: nobody is paid, nobody pays more than the value of what they get
    for th in env.profiles():
        for i in (0, 1):
            pay = -m.expected_transfer(i, th)
            assert 0 <= pay <= th[i] * wins(m, i, th)
    # and it is still IC and interim IR (checked directly, and by the constraint rows)
    assert interim_ic_ir(m, V) and check(m, ["IC", "interim-IR"]).ok
    # Myerson's allocation: low bidders excluded, the good sold whenever a value is 2 or more, ties split
    assert wins(m, 0, (V[0], V[0])) == wins(m, 1, (V[0], V[0])) == 0
    assert wins(m, 0, (V[2], V[2])) == wins(m, 0, (V[1], V[1])) == fmpq(1, 2)
    assert wins(m, 0, (V[2], V[1])) == 1


def test_issue_16_symmetrise_alone_and_min_transfers_alone():
    env = auction()
    # --symmetrise alone: symmetric, IC, interim IR, Myerson's revenue
    r = lexicographic_mechanism(env, ["IC", "interim-IR"], ["revenue"], symmetrise=True)
    assert symmetric(r.symmetrised) and interim_ic_ir(r.symmetrised, V)
    assert revenue(r.symmetrised, env) == revenue(r.mechanism, env) == MYERSON_REVENUE
    # --then "min transfers" alone: Σ p|t| ≥ Σ p(−t) = revenue, with equality iff nobody is
    # paid; so its value is the revenue and every transfer is a payment (symmetry is not
    # promised: interim IR leaves who pays how much at which profile partly free)
    r = lexicographic_mechanism(env, ["IC", "interim-IR"], ["revenue", "min transfers"])
    assert r.values == (MYERSON_REVENUE, MYERSON_REVENUE)
    assert revenue(r.mechanism, env) == MYERSON_REVENUE and interim_ic_ir(r.mechanism, V)
    assert all(r.mechanism.expected_transfer(i, th) <= 0 for th in env.profiles() for i in (0, 1))
    assert verify_lexicographic_certificate(r.certificate)[0]


def test_issue_16_certificate_verifies_and_forgeries_fail(tidy):
    _, r = tidy
    ok, why = verify_document(r.certificate)
    assert ok and "symmetric" in why, why
    forgeries = {
        "stage value": lambda c: c["stages"][0]["lp"].__setitem__("value", "3"),
        "multiplier of an earlier stage's row": lambda c: c["stages"][2]["lp"]["dual"].__setitem__("LEX[1]", "3"),
        "a stage's dual": lambda c: c["stages"][2]["lp"]["dual"].pop(next(iter(c["stages"][2]["lp"]["dual"]))),
        "final mechanism": lambda c: c["mechanism"]["1,1"][0].__setitem__("transfers", ["0", "-1"]),
        "symmetrised mechanism": lambda c: c["symmetrised"]["mechanism"]["3,3"][0].__setitem__("p", "1/3"),
        "permutations": lambda c: c["symmetrised"].__setitem__("permutations", [["1", "2"]]),
        "stage order": lambda c: c["stages"].reverse(),
        "sense": lambda c: c["stages"][1].__setitem__("sense", "max"),
        "statement": lambda c: c.__setitem__("statement", c["statement"].replace("is 2", "is 3", 1)),
    }
    for name, forge in forgeries.items():
        c = copy.deepcopy(r.certificate)
        forge(c)
        ok, why = verify_lexicographic_certificate(c)
        assert not ok, name
        assert why.split(":")[0] in ("stages[0]", "stages[1]", "stages[2]", "mechanism", "symmetrised", "statement"), why


def test_every_single_step_forgery_rejected_or_proves_the_same(tidy, tmp_path):
    _, r = tidy  # tests/forgery.py: every one-step JSON edit (sampled) is refused or proves the same
    doc = json.loads(json.dumps(r.certificate))
    outs, counts = forgery.run_forgeries("lexicographic", doc, forgery.enum_vocabulary([doc]), tmp_path / "forged.json")
    assert counts["rejected"] > 0
    assert not any(o.verdict in forgery.BAD for o in outs), forgery.summary("lexicographic", outs, counts)


def test_each_stage_is_optimal_under_the_earlier_values():
    # stage 2 by an independent assembly: build_problem's extra_rows carry "revenue ≥ v1"
    env = auction((1, 2))
    r = lexicographic_mechanism(env, ["IC", "interim-IR"], ["revenue", "max agent:1"])
    rev = build_problem(env, [], "revenue").problem["objective"]
    row = Row("rev", {k: Q(v) for k, v in rev.items()}, ">=", r.values[0], "test")
    lp = solve_problem(build_problem(env, ["IC", "interim-IR"], "agent:1", extra_rows=[row]).problem, method="exact")
    assert lp.value == r.values[1]
    assert revenue(r.mechanism, env) == r.values[0] == fmpq(3, 2)  # 2·P(some value is 2), Myerson


def test_single_buyer_by_hand():
    # values 1, 2, 3 uniform: virtual values −1, 1, 3, so sell to 2 and 3 at price 2
    # (revenue 4/3); then the planner's value is (2 + 3)/3 = 5/3, the ex post losses 0
    env = Environment.quasilinear([[1, 2, 3]], "uniform", ["keep", "sell"], lambda i, a, th: th[0] if a == "sell" else 0)
    r = lexicographic_mechanism(env, ["IC", "interim-IR"], ["revenue", "planner", "min losses"])
    assert r.values == (fmpq(4, 3), fmpq(5, 3), 0)


@settings(max_examples=10, deadline=None)
@given(quasilinear_environments(n_agents=2, max_types=2, max_allocations=2))
def test_values_recomputed_from_the_mechanism(env):
    cons = ["IC", "interim-IR", "weak-BB"]
    if optimal_mechanism(env, cons, "planner").status != "optimal":
        return
    r = lexicographic_mechanism(env, cons, ["planner", "min transfers", "welfare"])
    m = r.mechanism
    assert check(m, cons).ok
    assert m.value() == r.values[0]
    assert sum((env.prior[th] * sum(abs(m.expected_transfer(i, th)) for i in range(env.n)) for th in env.profiles()),
               fmpq(0)) == r.values[1]
    ok, why = verify_lexicographic_certificate(r.certificate)
    assert ok, why


def test_symmetries_detected_by_payoffs():
    env = auction()
    group = symmetries(env)
    assert [g[0] for g in group] == [(0, 1), (1, 0)]
    swap = group[1][1]
    assert {k: v for k, v in swap.items()} == {"none": "none", "1": "2", "2": "1"}


@pytest.mark.parametrize("call, word", [
    (lambda: lexicographic_mechanism(auction((1, 2), {"1,1": "1/2", "1,2": "1/4", "2,1": "1/8", "2,2": "1/8"}),
                                     ["IC"], ["revenue"], symmetrise=True), "not symmetric"),
    (lambda: parse_stage("max transfers"), "only be minimised"),
    (lambda: parse_stage("min nonsense"), "not known"),
    (lambda: parse_stage("min planner please"), "NAME"),
    (lambda: lexicographic_mechanism(auction((1, 2)), ["IC"], []), "objectives"),
    (lambda: lexicographic_mechanism(auction((1, 2)), ["IC"], ["revenue"]), "unbounded"),
    (lambda: lexicographic_mechanism(auction((1, 2)), ["IC", "interim-IR"], ["revenue", "max agent:1"], symmetrise=True),
     "not invariant"),
], ids=["asymmetric-prior", "max-transfers", "unknown-name", "three-words", "no-objective", "unbounded",
        "asymmetric-objective"])
def test_refusals(call, word):
    with pytest.raises(ModelError, match=word):
        call()


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "exactmd", *args], capture_output=True, text=True)


def test_cli_then_symmetrise(tmp_path):
    out = tmp_path / "lex.json"
    p = _cli("design", str(EXAMPLES / "auction-2x3.toml"), "--objective", "revenue", "--then", "min losses",
             "--then", "min transfers", "--symmetrise", "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert "the maximum of expected revenue is 2; then the minimum of expected ex post losses is 0" in p.stdout
    assert "3,3: 1 w.p. 1/2, 2 w.p. 1/2; expected transfers (-3/2, -3/2)" in p.stdout
    assert json.loads(out.read_text())["format"] == "exactmd-lexicographic-certificate/1"
    v = _cli("verify", str(out))
    assert v.returncode == 0 and v.stdout.startswith("OK"), v.stdout
    bad = _cli("design", str(EXAMPLES / "bilateral-trade-K2.toml"), "--symmetrise")
    assert bad.returncode == 2 and "not symmetric" in bad.stderr and bad.stderr.count("\n") == 1


@pytest.mark.parametrize("args, word", [
    (["--objective", "losses"], "can only be minimised"),
    (["--then", "min transfers", "--deterministic"], "--deterministic cannot be combined with --then"),
    (["--objective", "min transfers", "--deterministic"], "--objective 'min transfers'"),
    (["--symmetrise", "--feasible"], "--feasible"),
    (["--then", "min nonsense"], "not known"),
], ids=["max-losses", "then-deterministic", "stage-objective-deterministic", "symmetrise-feasible", "unknown-then"])
def test_cli_refusals(args, word):
    p = _cli("design", str(EXAMPLES / "auction-2x3.toml"), *args)
    assert p.returncode == 2 and word in p.stderr and p.stderr.count("\n") == 1, p.stderr


def test_cli_stage_objective_alone():
    # --objective "min transfers" is answered in stages (one stage): the least money moved
    # under IC and interim IR is 0 (no transfers at all, whoever gets the good)
    p = _cli("design", str(EXAMPLES / "auction-2x3.toml"), "--objective", "min transfers")
    assert p.returncode == 0 and "the minimum of expected absolute transfers is 0." in p.stdout, p.stderr
