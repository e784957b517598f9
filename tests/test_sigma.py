"""σ of (5)–(6) (Vartiainen §4, Theorem 1 and Proposition 1): hand-derived verdicts on two
one-agent instances, tampered sigma certificates, and the invariants of the construction
over random environments."""

from __future__ import annotations

import copy
import json

import pytest
from flint import fmpq
from hypothesis import given, settings

from exactmd.belief import Belief
from exactmd.certificates import verify_document
from exactmd.claims import get_claim
from exactmd.environment import Environment
from exactmd.papers.vartiainen2014.claims_theorem1 import sorting_environment, status_quo_environment
from exactmd.papers.vartiainen2014.sigma import Sigma
from exactmd.papers.vartiainen2014.sigma_certificates import sigma_certificate
from exactmd.papers.vartiainen2014.strategies import commitment_environments


def _statuses(v):
    return {r.reading: r.status for r in v.readings}


# ---------------------------------------------------------------------------------
# status quo 1x2: one agent, indifferent between x and y; the planner values x at 1, y at 0.
# By hand: every outcome function is IC (the agent is indifferent), so V*(p) = 1 = v̄(p) at every p:
# every belief is in UC* (V* < v̄ + 1/10), σ never redesigns the beliefs, U = {prior}.
# keep: at the class (prior, y) σ implements y (worth 0) while 1_x is in C^σ (its posterior is the
#   prior, in UC*, where σ keeps) and worth 1 > 0 + 1/10: Definition 3 fails there; it is the only failure.
# best-constant: at (prior, y) σ plays 1_x (worth 1 ≥ V* − ε); 1_x's signal is kept, so every check holds.

def test_status_quo_instance_by_hand():
    env = status_quo_environment()
    keep = sigma_certificate(env, env.prior, "1/10", "keep")
    assert keep["universe"] == [env.prior.to_dict()]
    assert [f["in UC*"] for f in keep["beliefs"]] == [True, True, True]  # the prior and the two vertices
    assert keep["failures"] == ["Definition 3 (ε-optimality) at belief {L: 1/2, H: 1/2}, status quo y"]
    best = sigma_certificate(env, env.prior, "1/10", "best-constant")
    assert best["failures"] == [] and best["not decided"] == []
    by_sq = {s["status quo"]: s for s in best["states"]}
    assert by_sq["y"]["sigma"] != "stop" and by_sq["y"]["value"] == "1" and by_sq["x"]["sigma"] == "stop"
    assert _statuses(get_claim("vartiainen2014/prop-1").decide(env)) == {"uc-action=keep": "refuted",
                                                                       "uc-action=best-constant": "confirmed"}
    # keep refutes σ with this r^p only (a variant), best-constant passes on the reached classes only (a stand-in)
    assert get_claim("vartiainen2014/prop-1").decide(env).status == "refuted-on-variant"
    assert get_claim("vartiainen2014/theorem-1").decide(env).status == "confirmed-on-variant"


# ---------------------------------------------------------------------------------
# sorting 1x2: one agent ranks a (2) > b (1) > none (0) at both types; v(a, H) = v(b, L) = 3, v(none, ·) = 1.
# By hand: IC ⟺ u(f(L)) = u(f(H)) (both types have the same utility).  With f(H) = a w.p. α, none
# otherwise, and f(L) = b: 2α = 1, α = 1/2, value ½(3/2 + 1/2) + ½·3 = 5/2; no IC rule does better
# (shifting mass to a at L costs 3 per unit, b at H likewise), so V*(uniform) = 5/2 ≥ v̄ + ε = 3/2 + 1/10:
# the prior is outside UC*.  The planner-optimal rule (a at H, b at L) is not IC (L gains 1 by reporting H),
# so r^p is the fully revealing device of that optimum, with signals H:a, H:none, L:b and vertex posteriors.
# keep: at the class (δ_H, none) σ implements none (worth 1) while 1_a ∈ C^σ is worth 3 > 1 + 1/10.
# best-constant: after r^p's signal H:none (posterior δ_H, where v̄ = 3 > 1) σ plays 1_a: r^p ∉ C^σ(prior),
#   Definition 1 fails at the prior (and Definition 2, with r = 1_y).  No admissible r^p could be kept here:
#   'none' attains v̄ at no belief (max(3q_L, 3q_H) ≥ 3/2), so a kept device uses a and b only, IC forces
#   P(a | H) = P(a | L), and such a device is worth 3/2 < v̄ + ε.

def test_sorting_instance_by_hand():
    env = sorting_environment()
    for action in ("keep", "best-constant"):
        doc = sigma_certificate(env, env.prior, "1/10", action)
        prior = doc["beliefs"][0]
        assert prior["commitment value"] == "5/2" and prior["vbar"] == "3/2" and prior["in UC*"] is False
        assert prior["r^p choice"] == "commitment optimum"
        assert sorted(prior["r^p"]["g"]) == ["H:a", "H:none", "L:b"]
        assert sorted(json.dumps(b, sort_keys=True) for b in doc["universe"]) == sorted(
            json.dumps(b, sort_keys=True) for b in [{"L": "1/2", "H": "1/2"}, {"H": "1"}, {"L": "1"}])
    keep = sigma_certificate(env, env.prior, "1/10", "keep")
    assert "Definition 3 (ε-optimality) at belief {H: 1}, status quo none" in keep["failures"]
    assert not any("Definition 1" in f or "Definition 2" in f for f in keep["failures"])
    best = sigma_certificate(env, env.prior, "1/10", "best-constant")
    assert "Definition 1 (strategic consistency) at belief {L: 1/2, H: 1/2}, status quo none" in best["failures"]
    assert not any("Definition 3" in f for f in best["failures"])
    # refuted for this r^p only: (5)–(6) allow any ε-optimal UC*-covering device, and other choices are not searched
    assert get_claim("vartiainen2014/prop-1").decide(env).status == "refuted-on-variant"
    assert get_claim("vartiainen2014/theorem-1").decide(env).status == "not-applicable"


def test_commitment_2x2_prop_1_is_refuted_under_both_readings():
    from exactmd.papers.vartiainen2014.instances import example_environment

    v = get_claim("vartiainen2014/prop-1").decide(example_environment())
    assert _statuses(v) == {"uc-action=keep": "refuted", "uc-action=best-constant": "refuted"}
    assert v.status == "refuted-on-variant"
    assert all(not r.domain.contains and "r^p the fully revealing device" in r.domain.decided for r in v.readings)


# ---------------------------------------------------------------------------------
# tampered certificates

@pytest.fixture(scope="module")
def sorting_doc():
    env = sorting_environment()
    return sigma_certificate(env, env.prior, "1/10", "best-constant")


def test_sigma_certificate_verifies(sorting_doc):
    ok, why = verify_document(sorting_doc)
    assert ok, why
    assert why.startswith("σ of (5)–(6) (action at UC*: best-constant)")


def _tamper(doc, path, value):
    d = copy.deepcopy(doc)
    cur = d
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return d


@pytest.mark.parametrize(("path", "value", "named"), [
    pytest.param(("states", 0, "value"), "7/2", "'states'", id="a-class-value"),
    pytest.param(("states", 0, "strategic consistency"), ["holds", "forged"], "'states'", id="a-definition-verdict"),
    pytest.param(("failures",), [], "'failures'", id="failures-emptied"),
    pytest.param(("beliefs", 0, "in UC*"), True, "'beliefs'", id="uc-star-membership"),
    pytest.param(("beliefs", 0, "commitment value"), "3", "'beliefs'", id="commitment-value"),
    pytest.param(("statement",), "σ of (5)–(6) holds", "'statement'", id="statement"),
    pytest.param(("uc action",), "stop", "'uc action'", id="unknown-reading"),
    pytest.param(("eps",), "2/20", "'eps'", id="eps-not-canonical"),
    pytest.param(("states",), [], "'states'", id="no-classes"),
    pytest.param(("extra",), 1, "'extra'", id="unknown-key"),
])
def test_tampered_sigma_certificate_is_rejected_naming_the_field(sorting_doc, path, value, named):
    ok, why = verify_document(_tamper(sorting_doc, path, value))
    assert not ok
    assert named in why


def test_a_forged_lp_inside_is_rejected(sorting_doc):
    d = copy.deepcopy(sorting_doc)
    d["beliefs"][0]["V* lp"]["lp"]["value"] = "3"
    ok, why = verify_document(d)
    assert not ok and "'beliefs'[0] 'V* lp'" in why


# ---------------------------------------------------------------------------------
# invariants of the construction (derived in the module docstring), over random environments

@settings(max_examples=12)
@given(commitment_environments(n_agents=1, n_types=2, max_outcomes=3) | commitment_environments(n_agents=2, n_types=2, max_outcomes=2))
def test_sigma_invariants(env: Environment):
    for action in ("keep", "best-constant"):
        sg = Sigma(env, env.prior, "1/10", action)
        U, states = sg.states()
        for q in U:  # U is the prior and vertices (σ plays constants and fully revealing devices only)
            assert q == env.prior or len(q.support()) == 1
        for s in states:
            f = sg.facts(s.belief)
            assert f.in_uc == (f.V - fmpq(1, 10) < f.vbar)
            if action == "keep":  # under keep σ is always consistent; only ε-optimality can fail
                assert s.strategic[0] == "holds" and s.structural[0] == "holds"
                assert (s.eps_optimal[0] == "fails") == (f.in_uc and s.value < f.V - fmpq(1, 10))
            else:  # under best-constant σ is always ε-optimal; only consistency can fail
                assert s.eps_optimal[0] == "holds"
                assert (s.strategic[0] == "fails") == (not f.in_uc and f.choice == "commitment optimum" and any(
                    s.belief[th] > 0 and env.value(x, th) < max(env.value(y, th) for y in env.outcomes)
                    for th in env.profiles() for x in f.device.outcome(th)))
        vertices = [Belief(env.types, {th: 1}) for th in env.profiles()]
        assert all(sg.facts(b).in_uc for b in vertices)  # Lemma 1
