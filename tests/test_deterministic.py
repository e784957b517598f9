"""Deterministic mechanisms by exact branch and bound (exactmd.deterministic).

The differential tests compare against brute force: every 0/1 allocation rule is fixed
in turn (the ``Fixed`` family, through ``optimal_mechanism``) and the best one kept.
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
from exactmd.constraints import Fixed, check
from exactmd.certificates import verify_document
from exactmd.design import optimal_mechanism
from exactmd.deterministic import (
    NodeLimitError,
    deterministic_mechanism,
    verify_deterministic_certificate,
)
from exactmd.encoding import MechanismEncoding
from exactmd.environment import load_environment
from exactmd.errors import BudgetExceededError, ExactMDError, ModelError
from exactmd.strategies import finite_environments, quasilinear_environments

import forgery

PROFILES = ["0,0", "0,1", "1,0", "1,1"]
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def brute_force(env, constraints, objective="planner", sense="max"):
    """The best value over every deterministic allocation rule (None: none is feasible),
    each rule's transfers (if any) chosen by the exact LP."""
    enc = MechanismEncoding(env)
    best = None
    for choice in itertools.product(env.outcomes, repeat=len(env.profiles())):
        fixed = {enc.allocation(x, th): (1 if x == c else 0) for th, c in zip(env.profiles(), choice) for x in env.outcomes}
        r = optimal_mechanism(env, list(constraints) + [Fixed(fixed)], objective, sense=sense, lazy=False, method="exact")
        if r.status == "optimal" and (best is None or (r.value > best if sense == "max" else r.value < best)):
            best = r.value
    return best


def table_env(kind, weights, u):
    """An environment on types {0, 1} × {0, 1} from utility lists over the profiles 00, 01, 10, 11."""
    tot = sum(weights)
    prior = {p: f"{w}/{tot}" for p, w in zip(PROFILES, weights)}
    outcomes = list(u[0])
    table = {(i, x, th): u[i][x][k] for i in (0, 1) for x in outcomes for k, th in enumerate(itertools.product([0, 1], [0, 1]))}
    make = Environment.finite if kind == "finite" else Environment.quasilinear
    return make([[0, 1], [0, 1]], prior, outcomes, table, name=f"table {kind}")


# four small environments in which the relaxation is fractional, so the tree branches
CASES = {
    "finite-IC-random-optimum": ("finite", ["IC"], [3, 2, 3, 1],
                                 {0: {"a": [2, -2, -1, 3], "b": [-3, 2, 0, 3], "c": [0, 1, -1, 1]},
                                  1: {"a": [0, 3, 1, 0], "b": [-3, 0, 3, -1], "c": [-2, -1, 0, -3]}}),
    "quasilinear-IC-IR-BB": ("quasilinear", ["IC", "interim-IR", "BB"], [2, 1, 1, 2],
                             {0: {"a": [-3, 0, 1, 1], "b": [0, -3, 2, -1], "c": [-1, -2, 0, 2]},
                              1: {"a": [1, -3, -2, 1], "b": [0, 1, -3, -3], "c": [2, 1, -2, 3]}}),
    "finite-no-deterministic-mechanism": ("finite", ["IC", "interim-IR"], [1, 1, 3, 1],
                                          {0: {"a": [2, -2, 2, 2], "b": [-1, 2, -3, 0]},
                                           1: {"a": [2, 2, -2, 2], "b": [3, 0, 3, -1]}}),
    "quasilinear-ex-post-IR-weak-BB": ("quasilinear", ["IC", "ex-post-IR", "weak-BB"], [1, 3, 3, 3],
                                       {0: {"a": [-1, 3, -1, 1], "b": [-3, 0, -1, 0], "c": [0, -1, 2, 0]},
                                        1: {"a": [3, -3, 1, 3], "b": [-3, -2, -3, 1], "c": [0, 1, 3, -1]}}),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_branch_and_bound_matches_brute_force(case):
    kind, cons, w, u = CASES[case]
    env = table_env(kind, w, u)
    r = deterministic_mechanism(env, cons, "planner", method="exact")
    assert r.nodes > 1  # the relaxation is fractional here: the tree branches
    ok, why = verify_deterministic_certificate(r.certificate)
    assert ok, why
    want = brute_force(env, cons)
    if want is None:
        assert r.status == "infeasible" and r.mechanism is None
        # ... while a randomised mechanism exists
        assert optimal_mechanism(env, cons, "planner").status == "optimal"
    else:
        assert r.status == "optimal" and r.value == want
        assert r.mechanism.is_deterministic() and check(r.mechanism, cons).ok
        assert r.mechanism.value() == want  # the planner's value, recomputed from the mechanism


def test_commitment_example_matches_brute_force():
    # examples/commitment-2x2.toml under IC: the best randomised mechanism (23/12, from
    # design) beats every deterministic one; the tree branches to find the best of those
    env = load_environment(EXAMPLES / "commitment-2x2.toml")
    r = deterministic_mechanism(env, ["IC"], "planner", method="exact")
    assert r.nodes > 1 and verify_deterministic_certificate(r.certificate)[0]
    assert r.value == brute_force(env, ["IC"]) < optimal_mechanism(env, ["IC"], "planner").value


@settings(max_examples=12, deadline=None)
@given(quasilinear_environments(n_agents=2, max_types=2, max_allocations=2))
def test_quasilinear_differential(env):
    cons = ["IC", "interim-IR", "BB"]
    r = deterministic_mechanism(env, cons, "planner", method="exact")
    want = brute_force(env, cons)
    assert (r.value if r.status == "optimal" else None) == want
    assert verify_deterministic_certificate(r.certificate)[0]


@settings(max_examples=12, deadline=None)
@given(finite_environments(n_agents=2, max_types=2, max_outcomes=2))
def test_finite_differential(env):
    cons = ["IC", "interim-IR"]
    r = deterministic_mechanism(env, cons, "welfare", sense="min", method="exact")
    want = brute_force(env, cons, "welfare", "min")
    assert (r.value if r.status == "optimal" else None) == want
    assert verify_deterministic_certificate(r.certificate)[0]


def test_posted_price_by_hand():
    # one buyer, values 1, 2, 3 with probabilities 1/5, 2/5, 2/5: a deterministic IC, IR
    # mechanism is a posted price; revenue p·P(v ≥ p) is 1, 8/5, 6/5 at p = 1, 2, 3
    env = Environment.quasilinear([[1, 2, 3]], {"1": "1/5", "2": "2/5", "3": "2/5"}, ["keep", "sell"],
                                  lambda i, a, th: th[0] if a == "sell" else 0)
    r = deterministic_mechanism(env, ["IC", "interim-IR"], "revenue")
    assert r.value == fmpq(8, 5)
    assert [r.mechanism.allocation_prob("sell", (fmpq(v),)) for v in (1, 2, 3)] == [0, 1, 1]


# ---------------------------------------------------------------------------------
# forged certificates
@pytest.fixture(scope="module")
def branching():
    kind, cons, w, u = CASES["quasilinear-IC-IR-BB"]
    env = table_env(kind, w, u)
    return env, cons, deterministic_mechanism(env, cons, "planner", method="exact")


def _leaf_index(cert, status):
    return next(k for k, n in enumerate(cert["nodes"]) if "leaf" in n and n["leaf"]["status"] == status)


def forge_missing_branch(c):
    c["nodes"].pop()  # the last leaf: the tree has an internal node with one child


def forge_missing_subtree(c):
    del c["nodes"][_leaf_index(c, "optimal")]  # the first leaf: every later node is out of place


def forge_extra_node(c):
    c["nodes"].append(copy.deepcopy(c["nodes"][-1]))


def forge_branch_variable(c):
    root = c["nodes"][0]
    other = next(v for v in c["nodes"][-1]["leaf"]["primal"] if v.startswith("q[") and v != root["branch"])
    root["branch"] = other


def forge_leaf_dual(c):
    leaf = c["nodes"][_leaf_index(c, "optimal")]["leaf"]
    k = next(iter(leaf["dual"]))
    leaf["dual"][k] = "-1/7" if leaf["dual"][k] != "-1/7" else "1/7"


def forge_leaf_value(c):
    leaf = c["nodes"][_leaf_index(c, "optimal")]["leaf"]
    leaf["value"] = "-100"


def forge_zero_entry(c):
    leaf = c["nodes"][_leaf_index(c, "optimal")]["leaf"]
    missing = next(r for r in ("prob[0,0]", "prob[0,1]", "BB[0,0]", "BB[1,1]") if r not in leaf["dual"])
    leaf["dual"][missing] = "0"


def forge_incumbent_value(c):
    c["value"] = "1000"


def forge_statement(c):
    c["statement"] = c["statement"].replace("is ", "is at least ", 1)


def forge_unknown_field(c):
    c["note"] = "trust me"


FORGERIES = {
    "tree missing a branch": (forge_missing_branch, "incomplete"),
    "tree missing a leaf": (forge_missing_subtree, "nodes"),
    "extra node": (forge_extra_node, "after the end of the tree"),
    "branch on another variable": (forge_branch_variable, "fixings"),
    "altered leaf dual": (forge_leaf_dual, "LP certificate fails"),
    "altered leaf value": (forge_leaf_value, "LP certificate fails"),
    "explicit zero": (forge_zero_entry, "zero entry"),
    "wrong incumbent value": (forge_incumbent_value, "value"),
    "altered statement": (forge_statement, "statement"),
    "unknown field": (forge_unknown_field, "note"),
}


@pytest.mark.parametrize("name", list(FORGERIES), ids=list(FORGERIES))
def test_forged_certificate_rejected(branching, name):
    _, _, r = branching
    forge, word = FORGERIES[name]
    c = copy.deepcopy(r.certificate)
    forge(c)
    ok, why = verify_document(c)
    assert not ok and word in why, why


@pytest.mark.parametrize("case", ["quasilinear-IC-IR-BB", "finite-no-deterministic-mechanism"])
def test_every_single_step_forgery_rejected_or_proves_the_same(case, tmp_path):
    # tests/forgery.py: every one-step JSON edit (sampled) is refused, or accepted with the
    # original's verdict (e.g. another optimal point of a leaf LP)
    kind, cons, w, u = CASES[case]
    doc = json.loads(json.dumps(deterministic_mechanism(table_env(kind, w, u), cons, "planner", method="exact").certificate))
    outs, counts = forgery.run_forgeries(case, doc, forgery.enum_vocabulary([doc]), tmp_path / "forged.json")
    assert counts["rejected"] > 0
    assert not any(o.verdict in forgery.BAD for o in outs), forgery.summary(case, outs, counts)


def test_worse_incumbent_rejected(branching):
    # a genuine tree, with a feasible deterministic mechanism that is not the best as incumbent
    env, cons, r = branching
    enc = MechanismEncoding(env)
    for choice in itertools.product(env.outcomes, repeat=4):
        fixed = {enc.allocation(x, th): int(x == c) for th, c in zip(env.profiles(), choice) for x in env.outcomes}
        other = optimal_mechanism(env, cons + [Fixed(fixed)], "planner")
        if other.status == "optimal" and other.value < r.value:
            break
    else:
        pytest.skip("no worse deterministic mechanism")
    c = copy.deepcopy(r.certificate)
    c["mechanism"] = other.mechanism.to_dict()
    c["value"] = str(other.value)
    c["statement"] = r.certificate["statement"].replace(f"is {r.value}.", f"is {other.value}.")
    ok, why = verify_deterministic_certificate(c)
    assert not ok and "not closed" in why, why


def test_randomised_incumbent_rejected(branching):
    env, cons, r = branching
    c = copy.deepcopy(r.certificate)
    c["mechanism"] = optimal_mechanism(env, cons, "planner").mechanism.to_dict()  # the relaxation's optimum
    ok, why = verify_deterministic_certificate(c)
    assert not ok and "not deterministic" in why, why


# ---------------------------------------------------------------------------------
# the node limit
def test_node_limit_refused(branching):
    env, cons, r = branching
    with pytest.raises(NodeLimitError) as e:
        deterministic_mechanism(env, cons, "planner", max_nodes=r.nodes - 1, method="exact")
    msg = str(e.value)
    assert isinstance(e.value, BudgetExceededError) and isinstance(e.value, ExactMDError)
    assert f"max_nodes={r.nodes - 1}" in msg and "--max-nodes" in msg and "\n" not in msg
    assert deterministic_mechanism(env, cons, "planner", max_nodes=r.nodes, method="exact").value == r.value


@pytest.mark.parametrize("bad", [0, -1, True, "10", 10**7], ids=lambda b: f"max_nodes={b!r}")
def test_bad_max_nodes(bad):
    env = table_env(*[CASES["quasilinear-IC-IR-BB"][k] for k in (0, 2, 3)])
    with pytest.raises(ModelError, match="max_nodes"):
        deterministic_mechanism(env, ["IC"], "planner", max_nodes=bad)


TOML = """name = "table quasilinear"
kind = "quasilinear"
agents = ["1", "2"]
types = [["0", "1"], ["0", "1"]]
allocations = ["a", "b", "c"]
[prior.joint]
"0,0" = "1/3"
"0,1" = "1/6"
"1,0" = "1/6"
"1,1" = "1/3"
"""


def _toml(u):
    text = TOML
    for i in (0, 1):
        for x, vals in u[i].items():
            text += f"[valuation.{i + 1}.{x}]\n" + "".join(f'"{p}" = "{v}"\n' for p, v in zip(PROFILES, vals))
    return text


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "exactmd", *args], capture_output=True, text=True)


def test_cli_round_trip_and_limit(tmp_path, branching):
    env_file = tmp_path / "env.toml"
    env_file.write_text(_toml(CASES["quasilinear-IC-IR-BB"][3]))
    out = tmp_path / "det.json"
    p = _cli("design", str(env_file), "--constraints", "IC,interim-IR,BB", "--deterministic", "--method", "exact",
             "-o", str(out))
    assert p.returncode == 0, p.stderr
    assert "over deterministic mechanisms" in p.stdout and f"is {branching[2].value}." in p.stdout
    assert json.loads(out.read_text())["format"] == "exactmd-deterministic-certificate/1"
    v = _cli("verify", str(out))
    assert v.returncode == 0 and v.stdout.startswith("OK"), v.stdout
    p = _cli("design", str(env_file), "--constraints", "IC,interim-IR,BB", "--deterministic", "--max-nodes", "1")
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "max_nodes=1" in p.stderr and "--max-nodes" in p.stderr
