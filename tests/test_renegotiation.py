"""Neeman–Pavlov §3 (complete information): hand-derived facts, independent criteria and
differential checks between the exact LP and direct evaluation of mechanisms."""

import itertools
import json
from pathlib import Path

import pytest
from flint import fmpq
from hypothesis import given, settings

from exactmd.cli import main
from exactmd.certificates import verify_document
from exactmd.environment import Environment, load_environment
from exactmd.errors import ModelError
from exactmd.papers.neemanpavlov2007 import (
    DirectMechanism,
    bb_vcg_exists,
    check_certificate,
    check_rp,
    efficient_alternatives,
    embed_type_mechanism,
    example_1,
    example_2,
    is_vcg,
    pareto_improvement,
    proposition_1,
    proposition_2,
    punishment_mechanism,
    renegotiation_proof_mechanism,
    rp_range,
    rp_shape,
    surplus,
    vcg_mechanism,
)
from exactmd.papers.neemanpavlov2007.complete_information import tname
from exactmd.strategies import private_value_environments

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _price_mechanism(env, price):
    """Example 1's original mechanism in state-report form: trade at `price` iff the
    buyer's report says value 5 (the seller's report is ignored)."""
    states = env.profiles()
    table = {}
    for r in itertools.product(states, repeat=2):
        trade = r[0][0] == 5
        table[r] = ({1: fmpq(1)} if trade else {0: fmpq(1)}, (fmpq(-price if trade else 0), fmpq(price if trade else 0)))
    return DirectMechanism(env, table)


def test_example_1_price_4_mechanism_is_renegotiated_by_the_high_buyer():
    # By hand (§3.1): the buyer with value 5 gets 5 − 4 = 1 by telling the truth; reporting 1
    # gives no trade, then trade can be renegotiated capturing S(5) − 0 = 3: gain 3 − 1 = 2.
    bad = check_rp(_price_mechanism(example_1(), 4))
    gains = {v.row: v.amount for v in bad}
    assert gains == {"RP[buyer: 5,2 -> 1,2]": 2}


def test_example_1_price_2_mechanism_is_renegotiation_proof():
    # The VCG price: the buyer pays the seller's value 2 (Example 1 continued).
    assert check_rp(_price_mechanism(example_1(), 2)) == ()


def test_example_1_continued_forced_values_and_binding_rows():
    env = example_1()
    shape = rp_shape(env)
    # the paper: q_{1,1} = 0, q_{5,5} = 1, q_{1,5} = 0, q_{5,1} = 1 (buyer's report first)
    assert shape.forced["q[1|1,2;1,2]"] == 0 and shape.forced["q[1|5,2;5,2]"] == 1
    assert shape.forced["q[1|1,2;5,2]"] == 0 and shape.forced["q[1|5,2;1,2]"] == 1
    assert len(shape.binding) == 4  # "all renegotiation-proof constraints also must hold as equalities"
    # B1: p_{5,1} − p_{1,1} = 2, with p = −t_buyer
    L, H = 0, 1
    lo, hi = rp_range(env, {tname(env, 0, (L, L)): 1, tname(env, 0, (H, L)): -1})
    assert lo.value == hi.value == 2
    lo.verify()
    hi.verify()
    # a transfer level alone is not pinned down (only differences are)
    lo, hi = rp_range(env, {tname(env, 0, (L, L)): 1})
    assert lo.status == "unbounded" and hi.status == "unbounded"


def test_example_2_has_no_renegotiation_proof_mechanism(tmp_path):
    res = renegotiation_proof_mechanism(example_2())
    assert res.status == "infeasible"
    res.verify()
    rows = {k for k, v in res.certificate["lp"]["farkas"].items() if v != "0"}
    assert any(r.startswith("RP[buyer") for r in rows) and any(r.startswith("RP[seller") for r in rows)
    # with Σ t ≤ 0 (money may be burnt) the answer is the same
    assert renegotiation_proof_mechanism(example_2(), "feasible").status == "infeasible"


def test_example_2_from_the_environment_file_via_the_cli(tmp_path, capsys):
    out = tmp_path / "np2.json"
    assert main(["renegotiation", str(EXAMPLES / "neeman-pavlov-example-2.toml"), "-o", str(out)]) == 0
    assert "No ex post renegotiation-proof mechanism" in capsys.readouterr().out
    assert main(["verify", str(out)]) == 0
    doc = json.loads(out.read_text())
    doc["environment"]["types"][1] = ["2", "3"]  # another environment: the LP no longer matches
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    assert main(["verify", str(bad)]) == 1


def test_check_certificates_are_recomputed():
    env = example_1()
    cert = check_certificate(_price_mechanism(env, 4))
    assert cert["violations"] == {"RP[buyer: 5,2 -> 1,2]": "2"}
    assert verify_document(cert)[0]
    cert["violations"] = {}
    assert not verify_document(cert)[0]


def _additively_separable(env):
    S = {th: surplus(env, th) for th in env.profiles()}
    for (a, b), (c, d) in itertools.product(itertools.product(*env.types), repeat=2):
        if S[(a, b)] + S[(c, d)] != S[(a, d)] + S[(c, b)]:
            return False
    return True


@given(private_value_environments(n_agents=2, max_types=3, max_allocations=3))
def test_bb_vcg_exists_iff_surplus_is_additively_separable(env):
    if not all(len(efficient_alternatives(env, th)) == 1 for th in env.profiles()):
        return
    exists, res = bb_vcg_exists(env)
    assert exists == _additively_separable(env)  # h_1(θ2) + h_2(θ1) = −S(θ) is solvable iff S separates


@given(private_value_environments(n_agents=2, max_types=2, max_allocations=3))
def test_vcg_embedding_passes_and_rp_witness_is_vcg(env):
    """Differential: the LP's RP set against the direct definition of VCG (Proposition 2)."""
    if not all(len(efficient_alternatives(env, th)) == 1 for th in env.profiles()):
        with pytest.raises(ModelError):
            vcg_mechanism(env)
        return
    exists, res = bb_vcg_exists(env)
    rp = renegotiation_proof_mechanism(env)
    assert (rp.status == "optimal") == exists  # Proposition 2 on this instance
    if exists:
        # the LP's witness, read at truthful reports, is VCG (is_vcg checks the definition
        # directly), and its own-report embedding passes every RP row
        states = env.profiles()
        mech = {th: (next(iter(rp.mechanism.table[(th, th)][0])), rp.mechanism.table[(th, th)][1]) for th in states}
        assert is_vcg(env, mech)
        assert check_rp(embed_type_mechanism(env, mech)) == ()


def test_proposition_2_on_the_examples():
    for env in (example_1(), example_2()):
        rep = proposition_2(env)
        assert rep.applicable and rep.if_holds and rep.only_if_holds


def _three_player_env():
    V = {(0, "x"): (5, 5), (0, "y"): (-5, -5), (1, "x"): (-10, -10), (1, "y"): (10, 10), (2, "x"): (0, 0), (2, "y"): (0, 0)}
    return Environment.quasilinear([[0, 1], [0], [0]], "uniform", ["x", "y"], lambda i, a, th: V[(i, a)][int(th[0])],
                                   agents=["1", "2", "3"])


def test_proposition_1_bound_by_hand():
    # Player 1 lies (θ' ≠ θ), is punished with a0 = x: others get (−10 − M) + (0 + 2M) = M − 10,
    # so player 1 can renegotiate to S − (M − 10) = 15 − M; telling the truth gives v_1(y) = −5.
    # RP needs −5 ≥ 15 − M, i.e. M ≥ 20, while the proof's bound max|v + t| is 10.
    env = _three_player_env()
    rep = proposition_1(env, a0="x")
    assert rep.paper_bound == 10 and rep.least_M == 20
    assert {v.row: v.amount for v in rep.at_paper}["RP[1: 0,0,0 -> 1,0,0]"] == 9  # 15 − 11 − (−5)
    assert rep.at_least == ()
    states = env.profiles()
    dec = {th: "y" for th in states}
    zero = {th: (0, 0, 0) for th in states}
    assert check_rp(punishment_mechanism(env, dec, zero, fmpq(39, 2), "x")) != ()  # just below 20 fails


@given(private_value_environments(n_agents=3, max_types=2, max_allocations=3))
def test_least_M_is_exactly_the_least(env):
    states = env.profiles()
    dec = {th: efficient_alternatives(env, th)[0] for th in states}
    zero = {th: (0,) * 3 for th in states}
    rep = proposition_1(env, dec, zero)
    assert rep.at_least == ()
    if rep.least_M > 0:
        assert check_rp(punishment_mechanism(env, dec, zero, rep.least_M - fmpq(1, 100))) != ()


@given(private_value_environments(n_agents=3, max_types=2, max_allocations=3))
def test_lemma_1_improvement_is_strict_for_everyone(env):
    for th in env.profiles():
        for a in env.outcomes:
            imp = pareto_improvement(env, th, {a: 1}, (0, 0, 0))
            if a in efficient_alternatives(env, th):
                assert imp is None
                continue
            a2, t2 = imp
            assert sum(t2) <= 0
            assert all(env.valuation(i, a2, th) + t2[i] > env.valuation(i, a, th) for i in range(3))


def test_errors_are_clear():
    env = Environment.finite([[0, 1]], "uniform", ["x"], lambda i, x, th: 0)
    with pytest.raises(ModelError, match="quasi-linear"):
        renegotiation_proof_mechanism(env)
    with pytest.raises(ModelError, match="budget="):
        renegotiation_proof_mechanism(example_1(), "weak")
    with pytest.raises(ModelError, match="n ≥ 3"):
        proposition_1(example_1())


def test_example_files_load_for_renegotiation():
    env = load_environment(EXAMPLES / "neeman-pavlov-example-1-any-price.toml")
    assert renegotiation_proof_mechanism(env).status == "optimal"


# ---------------------------------------------------------------------------------
# §4.1.2: oracle renegotiation-proofness with independent private values (Proposition 3)
from exactmd.papers.neemanpavlov2007 import oracle_rp_model, proposition_3  # noqa: E402
from exactmd.encoding import qvar, tvar  # noqa: E402
from exactmd.strategies import distributions  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _agv(env):
    """The AGV (expected externality) mechanism, from its textbook formula: efficient
    decision, t_i = E_{θ-i}[Σ_{j≠i} v_j] − (1/(n−1)) Σ_{j≠i} E_{θ-j}[Σ_{k≠j} v_k]."""
    n = env.n
    a = {th: efficient_alternatives(env, th)[0] for th in env.profiles()}
    margs = [env.prior.marginal(i) for i in range(n)]

    def ext(i, ti):  # E_{θ-i}[Σ_{j≠i} v_j(a(ti, θ-i), θ)]
        tot = fmpq(0)
        for th in env.profiles():
            if th[i] == ti:
                w = env.prior[th] / margs[i][ti]
                tot += w * sum(env.valuation(j, a[th], th) for j in range(n) if j != i)
        return tot

    t = {th: tuple(ext(i, th[i]) - fmpq(1, n - 1) * sum(ext(j, th[j]) for j in range(n) if j != i) for i in range(n))
         for th in env.profiles()}
    return a, t


def _ipv_envs():
    def with_prior(env):
        return st.tuples(*[distributions(len(ts), full_support=True) for ts in env.types]).map(
            lambda ms: Environment.quasilinear(env.types, {"independent": [[str(x) for x in m] for m in ms]}, env.outcomes, dict(env._u)))

    return private_value_environments(n_agents=2, max_types=3, max_allocations=3).flatmap(with_prior)


@given(_ipv_envs())
def test_agv_satisfies_every_oracle_rp_row(env):
    a, t = _agv(env)
    x = {}
    for th in env.profiles():
        for b in env.outcomes:
            x[qvar(b, th)] = fmpq(1 if b == a[th] else 0)
        for i in range(env.n):
            x[tvar(env, i, th)] = t[th][i]
    assert all(sum(t[th]) == 0 for th in env.profiles())  # AGV is budget balanced
    m = oracle_rp_model(env)
    for name, co, op, b in m._rows:
        lhs = sum((c * x[v] for v, c in co.items()), fmpq(0))
        assert (lhs >= b) if op == ">=" else (lhs == b), name


@given(_ipv_envs())
def test_proposition_3_holds_on_random_ipv_environments(env):
    rep = proposition_3(env)
    assert rep.applicable and rep.if_holds and rep.only_if_holds
    assert rep.orp.status.value == "optimal"  # AGV exists, so the oracle-RP set is never empty


def test_bilateral_trade_remark_needs_participation_constraints():
    env = example_2().with_prior("uniform")
    assert oracle_rp_model(env).solve().status.value == "optimal"  # AGV: no IR, so efficiency is possible
    assert oracle_rp_model(env, interim_ir=True).solve().status.value == "infeasible"  # Myerson–Satterthwaite


def test_proposition_3_not_applicable_with_correlated_types():
    env = Environment.quasilinear([[0, 1], [0, 1]], {"joint": {"0,0": "1/2", "1,1": "1/2"}}, ["x", "y"],
                                  lambda i, a, th: (1 if a == "x" else 0) * (th[i] + 1))
    assert proposition_3(env).why_not == "types are not independent"


# ---------------------------------------------------------------------------------
# §4.1 examples with finite alternatives: the paper's own numbers
from exactmd.papers.neemanpavlov2007 import oracle_deviation_gain, rp_against_all_psi, rp_against_psi, switching_equilibrium_uninformed  # noqa: E402


def _priced(b, s, prices):
    X = ["none"] + [f"p{p}" for p in prices]

    def u(i, x, th):
        if x == "none":
            return 0
        pr = int(x[1:])
        return th[0] - pr if i == 0 else pr - th[1]

    return Environment.finite([list(b), list(s)], "uniform", X, u)


def test_example_3_numbers():
    env = _priced((0, 3), (1, 2), (1, 2))
    f = {th: ("p2" if th[0] == 3 else "none") for th in env.profiles()}
    ok, reps = rp_against_all_psi(env, f)
    assert ok and len(reps) == 9
    # the paper: 1/2·2 + 1/2·0 = 1 against ψ(no trade) = trade at 1 (the seller with value 2 objects)
    r = rp_against_psi(env, f, {"none": "p1"})
    assert r.holds and r.gain == 0
    hi, lo = env.types[0][1], env.types[0][0]
    psihat = {th: {"none": "p1" if th[1] == 1 else "p2"} for th in env.profiles()}
    assert oracle_deviation_gain(env, f, 0, hi, lo, psihat) == (1, fmpq(3, 2))  # 1/2·2 + 1/2·1 = 3/2 > 1


def test_example_4_gain_is_one():
    env = _priced((1, 5), (2,), (3, 4))
    f = {th: ("p4" if th[0] == 5 else "none") for th in env.profiles()}
    r = rp_against_psi(env, f, {"none": "p3"})
    assert not r.holds and r.gain == 1  # 5 − 3 = 2 after renegotiation against 5 − 4 = 1


def test_example_6_no_switching_equilibrium_but_a_switch_when_player_2_gains():
    pay = {("beta", "a"): (5, -5), ("beta", "b"): (1, 1)}
    env = Environment.finite([["a", "b"], ["-"]], "uniform", ["alpha", "beta"], lambda i, x, th: pay.get((x, th[0]), (0, 0))[i])
    assert switching_equilibrium_uninformed(env, 0, "alpha", "beta") == ""
    pay2 = {("beta", "a"): (5, -1), ("beta", "b"): (1, 1)}  # now player 2 expects 0 ≥ 0: a switch can happen
    env2 = Environment.finite([["a", "b"], ["-"]], "uniform", ["alpha", "beta"], lambda i, x, th: pay2.get((x, th[0]), (0, 0))[i])
    assert "expects 0" in switching_equilibrium_uninformed(env2, 0, "alpha", "beta")


def test_voting_certificates_are_recomputed():
    from exactmd.papers.neemanpavlov2007 import voting_certificate

    env = _priced((1, 5), (2,), (3, 4))
    f = {th: ("p4" if th[0] == 5 else "none") for th in env.profiles()}
    cert = voting_certificate(env, f, [{"kind": "psi", "psi": {"none": "p3"}}])
    assert cert["cases"][0]["gain"] == "1" and cert["cases"][0]["holds"] is False
    assert verify_document(cert)[0]
    cert["cases"][0]["gain"] = "0"
    assert not verify_document(cert)[0]


def test_example_5_ex_post_ir_mechanisms_by_hand():
    from exactmd.papers.neemanpavlov2007 import ex_post_ir_deterministic, example_5_environment, first_breaking_psi

    env = example_5_environment([2, 3, 4, 5])
    ir = ex_post_ir_deterministic(env)
    # buyer 1 cannot pay 2, seller 6 cannot accept 5: only (5, 2) may trade, at 2, 3, 4, 5 or not at all
    assert len(ir) == 5
    assert {f[(1, 2)] for f in ir} == {f[(1, 6)] for f in ir} == {f[(5, 6)] for f in ir} == {"no trade"}
    for f in ir:
        psi = first_breaking_psi(env, f)
        assert psi is not None
    # trade at 2 at (5, 2): the seller of cost 2 reports 6, gets no trade and renegotiates to trade at 5
    f2 = next(f for f in ir if f[(5, 2)] == "trade at 2")
    assert first_breaking_psi(env, f2) is not None
    with pytest.raises(Exception, match=r"\[2, 5\]"):
        example_5_environment([1, 3])


def test_switching_equilibrium_two_informed_players_by_hand():
    from exactmd.environment import Environment
    from exactmd.papers.neemanpavlov2007 import switching_equilibrium, switching_equilibrium_uninformed

    # Example 6 (player 2 uninformed): player 1 gains 5 at a and 1 at b, so whenever player 2
    # votes yes with positive probability type a votes yes; then player 2 needs
    # ρ1(b) ≥ 5 ρ1(a) = 5 — impossible: no switching equilibrium, as the one-informed test says
    pay = {("beta", "a"): (5, -5), ("beta", "b"): (1, 1)}
    ex6 = Environment.finite([["a", "b"], ["-"]], "uniform", ["alpha", "beta"], lambda i, x, th: pay.get((x, th[0]), (0, 0))[i])
    always = {th: "alpha" for th in ex6.profiles()}
    assert switching_equilibrium(ex6, always, "alpha", "beta") == ""
    assert switching_equilibrium_uninformed(ex6, 0, "alpha", "beta") == ""
    # both informed, interdependent: player 2 of type h loses 5 at player 1's type a and gains 1 at b;
    # player 1 of type b gains 1 only when player 2 is h; everyone else gains 2
    def u(i, x, th):
        if x == "alpha":
            return 0
        if i == 0:
            return 1 if th[0] == "b" and th[1] == "h" else (2 if th[0] == "a" else -1)
        return (-5 if th[0] == "a" else 1) if th[1] == "h" else 2

    env = Environment.finite([["a", "b"], ["l", "h"]], "uniform", ["alpha", "beta"], u)
    f = {th: "alpha" for th in env.profiles()}
    desc = switching_equilibrium(env, f, "alpha", "beta")
    # e.g. player 2 of type l votes yes, type h no; player 1 of type a gains 2 when pivotal: a switch at (a, l)
    assert desc and "strictly gains" in desc
    # the proposal is worse for everybody in every state: no switching equilibrium
    env2 = Environment.finite([["a", "b"], ["l", "h"]], "uniform", ["alpha", "beta"], lambda i, x, th: -1 if x == "beta" else 0)
    assert switching_equilibrium(env2, f, "alpha", "beta") == ""


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 3), st.lists(st.integers(-3, 3), min_size=12, max_size=12), st.lists(st.integers(1, 3), min_size=3, max_size=3))
def test_switching_equilibrium_agrees_with_the_one_informed_player_method(k, pays, weights):
    """Differential: with player 2 uninformed, the mixed-strategy enumeration and the yes-set
    enumeration of switching_equilibrium_uninformed find a switching equilibrium together."""
    from exactmd.environment import Environment
    from exactmd.papers.neemanpavlov2007 import switching_equilibrium, switching_equilibrium_uninformed

    T1 = [f"t{j}" for j in range(k)]
    prior = {(t, "-"): w for t, w in zip(T1, weights)}
    tot = sum(prior.values())
    env = Environment.finite([T1, ["-"]], {th: fmpq(w, tot) for th, w in prior.items()}, ["d", "x"],
                             lambda i, x, th: 0 if x == "d" else pays[2 * T1.index(th[0]) + i])
    f = {th: "d" for th in env.profiles()}
    assert bool(switching_equilibrium(env, f, "d", "x")) == bool(switching_equilibrium_uninformed(env, 0, "d", "x"))


# ---------------------------------------------------------------------------------
# Condition (2) of §4.1.1 with interdependent values: misreport, then vote
def _interdependent_example(u2_al):
    """Player 1: a, b; player 2: l, h (uniform).  f(a, ·) = x, f(b, ·) = y; ψ(y) = z.
    u_1: x ↦ 2 at a, 0 at b; y ↦ 1; z ↦ 4 at a, 0 at b (so b votes no at y on path).
    u_2: 0 at x, y; at z: ``u2_al`` in state (a, l), −1 at (b, l), −3 at (·, h)."""
    from exactmd.environment import Environment

    u1 = {("x", "a"): 2, ("x", "b"): 0, ("y", "a"): 1, ("y", "b"): 1, ("z", "a"): 4, ("z", "b"): 0}

    def u(i, x, th):
        if i == 0:
            return u1[(x, th[0])]
        if x != "z":
            return 0
        return -3 if th[1] == "h" else (u2_al if th[0] == "a" else -1)

    env = Environment.finite([["a", "b"], ["l", "h"]], "uniform", ["x", "y", "z"], u)
    f = {th: ("x" if th[0] == "a" else "y") for th in env.profiles()}
    return env, f


def test_deviation_gain_with_interdependent_values_by_hand():
    from exactmd.papers.neemanpavlov2007 import deviation_gain

    # on the path at y only type b of player 1 is present and it votes no, so player 2 is
    # never pivotal there: type l (switch gains 2 at (a, l), loses 1 at (b, l)) may vote yes,
    # type h (loses 3 everywhere) may not.  Type a of player 1 reports b: 1 at y, 4 after the
    # switch when player 2 is l: 1/2·4 + 1/2·1 = 5/2 against 2 when truthful — gain 1/2.
    env, f = _interdependent_example(2)
    gain, what = deviation_gain(env, f, {"y": "z"})
    assert gain == fmpq(1, 2)
    assert "reports b" in what and "5/2 against 2" in what
    r = rp_against_psi(env, f, {"y": "z"})
    assert r.gain == fmpq(1, 2) and not r.holds and r.switch == ""
    # if the switch loses for player 2 of type l in every state, its yes is dominated: no gain
    env2, f2 = _interdependent_example(-1)
    assert deviation_gain(env2, f2, {"y": "z"}) == (0, "")
    assert rp_against_psi(env2, f2, {"y": "z"}).holds


def test_deviation_gain_example_6_always_alpha_holds():
    from exactmd.environment import Environment
    from exactmd.papers.neemanpavlov2007 import deviation_gain

    pay = {("beta", "a"): (5, -5), ("beta", "b"): (1, 1)}
    env = Environment.finite([["a", "b"], ["-"]], "uniform", ["alpha", "beta"], lambda i, x, th: pay.get((x, th[0]), (0, 0))[i])
    always = {th: "alpha" for th in env.profiles()}
    # player 1 votes yes in both types (dominant), player 2 then expects −2 and votes no
    assert deviation_gain(env, always, {"alpha": "beta"}) == (0, "")
    assert rp_against_psi(env, always, {"alpha": "beta"}).holds


def test_deviation_gain_off_path_votes_follow_a_free_belief():
    from exactmd.environment import Environment
    from exactmd.papers.neemanpavlov2007 import deviation_gain

    # as the first example, but state (b, l) has probability 0: player 2 of type l never sees y
    # on the path; with a belief on type a (the switch gains 2 there) it may vote yes
    env0, f = _interdependent_example(2)
    prior = {th: (fmpq(0) if th == ("b", "l") else fmpq(1, 3)) for th in env0.profiles()}
    env = Environment.finite([["a", "b"], ["l", "h"]], prior, ["x", "y", "z"], lambda i, x, th: env0.utility(i, x, th))
    gain, _ = deviation_gain(env, f, {"y": "z"})
    # type a: states (a, l), (a, h) equally likely: 1/2·4 + 1/2·1 = 5/2 against 2
    assert gain == fmpq(1, 2)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_deviation_gain_agrees_with_the_private_value_rule(data):
    """Differential: with private values, voting equilibria without dominated votes are
    preference votes, so the LP method and rp_against_psi's direct rule give one gain."""
    from exactmd.papers.neemanpavlov2007 import deviation_gain
    from exactmd.strategies import finite_environments

    env = data.draw(finite_environments(n_agents=2, max_types=3, max_outcomes=3, private_values=True))
    f = {th: data.draw(st.sampled_from(env.outcomes)) for th in env.profiles()}
    psi = {x: data.draw(st.sampled_from(env.outcomes)) for x in env.outcomes}
    assert deviation_gain(env, f, psi)[0] == rp_against_psi(env, f, psi).gain


# ---------------------------------------------------------------------------------
# Random mechanisms that are ex post RP against every ψ: one LP (private values)
@settings(max_examples=30, deadline=None)
@given(st.data())
def test_random_rp_lp_at_a_deterministic_mechanism_agrees_with_enumerating_every_psi(data):
    """Differential: the LP restricted to a deterministic mechanism f is feasible iff
    rp_against_all_psi (every ψ enumerated, both conditions by the direct rule) holds."""
    from exactmd.belief import label, profile_label
    from exactmd.papers.neemanpavlov2007 import random_rp_model
    from exactmd.strategies import finite_environments

    env = data.draw(finite_environments(n_agents=2, max_types=2, max_outcomes=3, private_values=True))
    f = {th: data.draw(st.sampled_from(env.outcomes)) for th in env.profiles()}
    m = random_rp_model(env, ex_post_ir=False)
    for th in env.profiles():
        m.add_row(f"fix[{profile_label(th)}]", {f"q[{label(f[th])}|{profile_label(th)}]": 1}, "==", 1)
    feasible = m.solve().status.value == "optimal"
    assert feasible == rp_against_all_psi(env, f)[0]


def test_example_5_no_random_ex_post_ir_mechanism_but_random_ones_without_ir():
    from exactmd.papers.neemanpavlov2007 import example_5_environment, random_mechanism_from, solve_certified

    env = example_5_environment([2, 3, 4, 5])
    res, cert = solve_certified(env, "random-rp-ex-post-ir")
    assert res.status.value == "infeasible" and verify_document(cert)[0]
    res2, cert2 = solve_certified(env, "random-rp")
    assert res2.status.value == "optimal" and verify_document(cert2)[0]
    mech = random_mechanism_from(env, res2.primal)
    assert all(sum(lot.values()) == 1 for lot in mech.values())


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_oracle_deviation_gain_agrees_with_the_private_value_oracle_rule(data):
    """Differential: with an oracle ψ̂ and private values, the voting-equilibrium method
    gives the largest gain of oracle_deviation_gain over every type and misreport."""
    from exactmd.papers.neemanpavlov2007 import deviation_gain
    from exactmd.strategies import finite_environments

    env = data.draw(finite_environments(n_agents=2, max_types=3, max_outcomes=3, private_values=True))
    f = {th: data.draw(st.sampled_from(env.outcomes)) for th in env.profiles()}
    psihat = {th: {x: data.draw(st.sampled_from(env.outcomes)) for x in env.outcomes} for th in env.profiles()}
    best = fmpq(0)
    for i in range(2):
        for ti in env.types[i]:
            if all(env.prior[th] == 0 for th in env.profiles() if th[i] == ti):
                continue
            for tj in env.types[i]:
                truth, dev = oracle_deviation_gain(env, f, i, ti, tj, psihat)
                best = max(best, dev - truth)
    assert deviation_gain(env, f, {}, psihat)[0] == best


def test_oracle_with_interdependent_values_by_hand():
    from exactmd.papers.neemanpavlov2007 import deviation_gain

    # the first interdependent example with an oracle that proposes z after y only when
    # player 2 is l: type a of player 1 reports b; at (y, z) player 2 of type l is never
    # pivotal on the path (type b votes no) and may vote yes: 1/2·4 + 1/2·1 = 5/2 against 2
    env, f = _interdependent_example(2)
    psihat = {th: ({"y": "z"} if th[1] == "l" else {}) for th in env.profiles()}
    gain, what = deviation_gain(env, f, {}, psihat)
    assert gain == fmpq(1, 2) and "reports b" in what
    # an oracle that proposes z only when player 2 is h: h never votes yes (it loses 3): no gain
    psihat_h = {th: ({"y": "z"} if th[1] == "h" else {}) for th in env.profiles()}
    assert deviation_gain(env, f, {}, psihat_h) == (0, "")


def test_oracle_rp_against_example_3_and_an_interdependent_game():
    from exactmd.papers.neemanpavlov2007 import oracle_rp_against

    # Example 3: the oracle proposes trade at the seller's value after no trade; the buyer
    # with value 3 reports 0: 1/2·(3 − 1) + 1/2·(3 − 2) = 3/2 against 1 — gain 1/2
    env = _priced((0, 3), (1, 2), (1, 2))
    f = {th: ("p2" if th[0] == 3 else "none") for th in env.profiles()}
    psihat = {th: {"none": "p1" if th[1] == 1 else "p2"} for th in env.profiles()}
    r = oracle_rp_against(env, f, psihat)
    assert r.gain == fmpq(1, 2) and not r.holds
    # on the path the buyer with value 0 never gains from trade at 1 or 2: no switch
    assert r.switch == ""
    # interdependent, two players: the gain of the oracle example above, through both conditions
    env2, f2 = _interdependent_example(2)
    psihat2 = {th: ({"y": "z"} if th[1] == "l" else {}) for th in env2.profiles()}
    r2 = oracle_rp_against(env2, f2, psihat2)
    assert r2.gain == fmpq(1, 2) and r2.switch == ""
