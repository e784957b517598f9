"""Vartiainen §3–4: covering, blocking, UC — hand examples, the revelation theorem against
elimination, witnesses against the definition, random devices against "uncovered"."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest
from flint import fmpq
from hypothesis import given, settings
from hypothesis import strategies as st

from exactmd.belief import Belief
from exactmd.papers.vartiainen2014 import (
    ALL, Composite, SimplePlan, blocks, commitment_value, constant, covered, covers, fully_revealing, grid,
    ic_slacks, uc_sequence, uncovered, vbar, vertices,
)
from exactmd.papers.vartiainen2014.covering import _eliminate
from exactmd.environment import Environment
from exactmd.errors import ExactMDError, ModelError
from exactmd.mechanism import Device
from exactmd.papers.vartiainen2014.strategies import commitment_environments
from exactmd.strategies import grid_beliefs


def aligned() -> Environment:
    """One agent, types L/H; the agent and the planner both want a at L and b at H."""
    u = {(0, "a", ("L",)): 1, (0, "b", ("L",)): 0, (0, "a", ("H",)): 0, (0, "b", ("H",)): 1}
    v = {("a", ("L",)): 1, ("b", ("L",)): 0, ("a", ("H",)): 0, ("b", ("H",)): 1}
    return Environment.finite([["L", "H"]], "uniform", ["a", "b"], u, v, name="aligned")


def B1(env: Environment, pl: str) -> Belief:
    return Belief(env.types, {("L",): fmpq(pl), ("H",): 1 - fmpq(pl)})


# --- hand examples ---------------------------------------------------------------


def test_aligned_covering_by_hand() -> None:
    env = aligned()
    # full information is IC and worth 1; v̄(p) = max(p_L, p_H): covered iff 1 ≥ max + ε
    for pl, expect in [("1/2", True), ("9/10", True), ("19/20", False), ("1/20", False), ("1", False)]:
        p = B1(env, pl)
        assert vbar(env, p)[0] == max(fmpq(pl), 1 - fmpq(pl))
        c = covered(env, p, ALL, "1/10")
        assert c.covered is expect, pl
        assert c.value == (1 if pl != "1" else 1)
        if expect:
            assert covers(env, c.witness, p, ALL, "1/10").covers


def test_one_signal_device_is_never_blocked_when_ic() -> None:
    # r = 1_a at p = (1/2, 1/2): value 1/2 < v̄ + ε, so clause 1 fails (and not clause 3)
    env = aligned()
    p = B1(env, "1/2")
    v = covers(env, constant(env, "a"), p, ALL, "1/10")
    assert not v.covers and v.clause == "1" and "1/2" in v.reason


def test_blocks_clauses_by_hand() -> None:
    env = aligned()
    p = B1(env, "1/2")
    r = constant(env, "a")
    reveal = fully_revealing(env, lambda th: {"a": 1} if th == ("L",) else {"b": 1})
    # (i) holds: v = 1 ≥ 1/2 + 1/10; (ii) B = Δ; (iii) r∘ρ = reveal is IC and worth 1 ≥ 1/2 + 1/10
    bv = blocks(env, SimplePlan("a", reveal), r, p, ALL, "1/10")
    assert not bv.blocks and bv.clauses["(i)"] and bv.clauses["(ii)"] and not bv.clauses["(iii)"]
    # the same plan with ε = 1/2 fails (i) exactly at the boundary 1 − 1/2 = 1/2 ≥ 1/2 … holds, ε = 3/5 fails
    assert blocks(env, SimplePlan("a", reveal), r, p, ALL, "1/2").clauses["(i)"]
    assert not blocks(env, SimplePlan("a", reveal), r, p, ALL, "3/5").clauses["(i)"]
    # (ii) fails when B excludes the degenerate posteriors of the redesign
    bv = blocks(env, SimplePlan("a", reveal), r, p, [p], "1/10")
    assert bv.clauses["(ii)"] is False
    # a signal with probability 0 cannot be redesigned (reading 2)
    assert "probability 0" in blocks(env, SimplePlan("zzz", reveal), r, p, ALL, "1/10").reason


def test_blocking_through_ic_checked_independently() -> None:
    """An engine-found blocking plan: recompute the compound's IC by hand in Fractions."""
    rng = random.Random(7)
    T = [["L", "H"], ["L", "H"]]
    prof = list(itertools.product(*T))
    found = 0
    for _ in range(40):
        X = ["x0", "x1", "x2"]
        U = {(i, x, th): rng.randint(-3, 3) for i in range(2) for x in X for th in prof}
        V = {(x, th): rng.randint(0, 3) for x in X for th in prof}
        env = Environment.finite(T, "uniform", X, U, V)
        p = env.prior
        # the direct device of the full-commitment optimum: signal = outcome
        star = commitment_value(env, p).mechanism
        r = Composite(Device(T, lambda th: star(th)), {x: x for x in X})
        v = covers(env, r, p, ALL, "1/10")
        if v.clause != "3":
            continue
        found += 1
        comp = v.plan.compound(r)
        # independent IC computation in Fractions
        def U_(i, x, th):
            return Fraction(str(env.utility(i, x, th)))
        for (i, t, t2) in [(i, t, t2) for i in range(2) for t in T[i] for t2 in T[i] if t != t2]:
            tot = Fraction(0)
            for th in prof:
                if th[i] != t:
                    continue
                dv = th[:i] + (t2,) + th[i + 1:]
                for s, q in comp.device(th).items():
                    tot += Fraction(1, 4) * Fraction(str(q)) * U_(i, comp.g[s], th)
                for s, q in comp.device(dv).items():
                    tot -= Fraction(1, 4) * Fraction(str(q)) * U_(i, comp.g[s], th)
            assert Fraction(str(ic_slacks(env, comp.outcome, p)[f"IC[{env.agents[i]}: {t} -> {t2}]"])) == tot
        assert any(val < 0 for val in ic_slacks(env, comp.outcome, p).values()) or v.block.reason.startswith("blocks: v(")
    assert found >= 1


# --- Lemma 1 and the revelation theorem ---------------------------------------------


@given(commitment_environments(), st.sampled_from(["1/10", "1/3", "1"]))
def test_lemma_1_degenerate_beliefs_never_covered(env: Environment, eps: str) -> None:
    G = grid(env.types, 2)
    for d in vertices(env):
        assert not covered(env, d, ALL, eps).covered
        assert not covered(env, d, G, eps).covered


@settings(max_examples=15)
@given(commitment_environments(), st.data())
def test_revelation_agrees_with_elimination(env: Environment, data: st.DataObject) -> None:
    """Two independent decision methods on B = G_3 (which contains the vertices)."""
    G = grid(env.types, 3)
    p = data.draw(grid_beliefs(env.types, 3))
    eps = fmpq(1, 10)
    a = covered(env, p, G, eps)
    vp, _ = vbar(env, p)
    b = _eliminate(env, p, frozenset(G), eps, a.value, vp, True)
    assert a.covered == b.covered, (p.to_dict(), a.evidence.get("reason"), b.evidence.get("reason"))


def _random_split(env: Environment, p: Belief, B: list[Belief], rng: random.Random) -> Composite | None:
    """A random device whose posteriors lie in B: a random convex split of p into members of B."""
    sp = set(p.support())
    cand = [b for b in B if set(b.support()) <= sp]
    if not cand:
        return None
    # solve Σ λ_b b = p greedily: take random members and the remainder
    pick = rng.sample(cand, min(len(cand), rng.randint(1, 4)))
    pick = [b for b in pick if b != p] + [p]
    # mix: λ·b_j (small) + rest·q where q must itself lie in B; use only p and members
    # proportional to p: find t with p − t·b ≥ 0 for one b, the rest is ∝ p − t b (kept only if in B)
    b = pick[0]
    ratios = [p[th] / b[th] for th in b.support()]
    tmax = min(ratios + [fmpq(1)])
    t = tmax * fmpq(rng.randint(1, 4), 4)
    if t == 1:
        parts = [(fmpq(1), b)]
    else:
        rest = Belief(env.types, {th: (p[th] - t * b[th]) / (1 - t) for th in env.profiles()})
        if rest not in set(B):
            parts = [(fmpq(1), p)] if p in set(B) else [(fmpq(1), b)] if b == p else None
            if parts is None:
                return None
        else:
            parts = [(t, b), (1 - t, rest)]
    table = {th: {} for th in env.profiles()}
    g = {}
    for j, (w, c) in enumerate(parts):
        x = rng.choice(env.outcomes)
        g[f"s{j}"] = x
        for th in c.support():
            table[th][f"s{j}"] = table[th].get(f"s{j}", fmpq(0)) + w * c[th] / p[th]
    for th in env.profiles():
        if th not in sp:
            x = rng.choice(env.outcomes)
            table[th] = {f"off:{th}": 1}
            g[f"off:{th}"] = x
    return Composite(Device(env.types, table), g)


@settings(max_examples=10)
@given(commitment_environments(), st.integers(0, 10**6))
def test_no_random_device_covers_an_uncovered_belief(env: Environment, seed: int) -> None:
    rng = random.Random(seed)
    G = grid(env.types, 4)
    B = [b for b in G if len(b.support()) >= 2]  # no vertex: the elimination path
    for p in rng.sample(G, 5):
        c = covered(env, p, B, "1/10")
        if c.covered:
            assert covers(env, c.witness, p, B, "1/10").covers
            continue
        for _ in range(8):
            r = _random_split(env, p, B, rng)
            if r is not None:
                assert not covers(env, r, p, B, "1/10").covers


@settings(max_examples=10)
@given(commitment_environments(), st.integers(0, 10**6))
def test_witnesses_resist_random_redesigns(env: Environment, seed: int) -> None:
    """Random simple plans (outcome lotteries drawn at random, checked by ``blocks`` alone)
    never block a witness the engine calls covering."""
    rng = random.Random(seed)
    G = grid(env.types, 4)
    B = [b for b in G if len(b.support()) >= 2]
    for p in rng.sample(G, 4):
        c = covered(env, p, B, "1/10")
        if not c.covered:
            continue
        for s, _, b in c.witness.posteriors(p):
            for _ in range(5):
                resp = _random_split(env, b, B, rng)
                if resp is not None:
                    assert not blocks(env, SimplePlan(s, resp), c.witness, p, B, "1/10").blocks


# --- UC sequence ------------------------------------------------------------------


def test_uc_sequence_on_the_grid_stops_at_once() -> None:
    env = aligned()
    G = grid(env.types, 10)
    seq = uc_sequence(env, G, "1/10", name="G_10", progress=False)
    # covered iff 1 ≥ max(p_L, p_H) + 1/10, i.e. p_L ∈ [1/10, 9/10]
    uc = {b[("L",)] for b in seq.iterates[0]}
    assert uc == {fmpq(0), fmpq(1)}
    assert seq.repeats_at == 0 and len(seq.iterates) == 2 and seq.monotone_increasing
    assert [b[("L",)] for b in seq.star] == [fmpq(1), fmpq(0)]
    assert seq.to_dict()["universe"] == "G_10"


def test_uncovered_same_answers_with_two_workers() -> None:
    env = aligned()
    G = grid(env.types, 6)
    a = uncovered(env, G, ALL, "1/10", progress=False)
    b = uncovered(env, G, ALL, "1/10", workers=2, progress=False)
    assert [(p.to_dict(), c, m) for p, c, m in a] == [(p.to_dict(), c, m) for p, c, m in b]


# --- errors ---------------------------------------------------------------------


def test_errors_name_the_value() -> None:
    env = aligned()
    p = B1(env, "1/2")
    with pytest.raises(ModelError, match="eps=0 must be positive"):
        covered(env, p, ALL, 0)
    with pytest.raises(ExactMDError, match="0.1"):
        covered(env, p, ALL, 0.1)  # float-ok: the refusal is the point
    with pytest.raises(ModelError, match="grid N=0"):
        grid(env.types, 0)
    with pytest.raises(ModelError, match="not a Belief"):
        covered(env, p, ["x"], "1/10")
    ql = Environment.quasilinear([[0, 1]], "uniform", [0, 1], lambda i, a, th: a * th[0])
    with pytest.raises(ModelError, match="quasi-linear"):
        covered(ql, ql.prior, ALL, "1/10")


def test_tutorial_blocked_direct_device() -> None:
    """docs/commitment.md: the direct device of the optimum at p = (LL 2/3, LH 1/6, HH 1/6) is
    blocked at signal a; the posterior and the compound's IC row are recomputed by hand."""
    from exactmd.papers.vartiainen2014 import example_environment

    env = example_environment()
    # v̄ by hand at the uniform prior: v(a) = v(b) = 3 · 1/2, v(none) = 1
    assert vbar(env, env.prior) == (fmpq(3, 2), "a")
    p = Belief(env.types, {"L,L": "2/3", "L,H": "1/6", "H,H": "1/6"})
    opt = commitment_value(env, p).mechanism
    direct = Composite(Device(env.types, opt), {x: x for x in env.outcomes})
    v = covers(env, direct, p, ALL, "1/10")
    assert not v.covers and v.clause == "3" and v.plan.signal == "a"
    # posterior after a: p(θ) f(a|θ) normalised
    fa = {th: Fraction(str(opt(th).get("a", 0))) for th in env.profiles()}
    pr = {th: Fraction(str(p[th])) for th in env.profiles()}
    tot = sum(pr[th] * fa[th] for th in env.profiles())
    post = dict(v.block.clauses["posterior"])
    assert {k: Fraction(q) for k, q in post.items()} == {
        ",".join(th): pr[th] * fa[th] / tot for th in env.profiles() if pr[th] * fa[th]}
    assert covered(env, p).covered


# --- finite-state choice rules: σ* of Lemma 7 (eqs. 13–15) ------------------------


def test_sigma_star_cases_by_hand() -> None:
    from exactmd.papers.vartiainen2014 import STOP, check_rule_at, lemma_7_cases, sigma_star

    cases = {c["case"]: c for c in lemma_7_cases(0, 1, ["1/3", "1/3", "1/3"])}
    # case 8: at the degenerate belief on (t̄, t) σ* stops only after <hi,lo>: C = {1_<hi,lo>}, worth t̄ − t = 1
    assert [x["pattern"] for x in cases[8]["choice set"]] == [{"<hi,lo>": ["1,0"]}] and cases[8]["sup"] == 1
    # case 5: support {(t̄,t), (t,t)}; only pooling on <lo,lo> survives IC; gains 1 at (t̄,t) w.p. 1/2
    assert [x["pattern"] for x in cases[5]["choice set"]] == [{"<lo,lo>": ["0,0", "1,0"]}] and cases[5]["sup"] == fmpq(1, 2)
    # case 2: σ* = r*, worth (t̄ − t)·p(t̄, t) = 1/3 (the proof's formula), consistent and Bellman optimal
    for r in cases[2]["by signal"]:
        assert r.action is not STOP and r.value == fmpq(1, 3) and r.strategic[0] and r.eps_optimal(0)
    assert cases[2]["sup"] == fmpq(1, 3)
    # case 1 (h ∈ H⁰, full support): after 1_0 the posterior keeps (t̄,t̄) and (t,t), the phase flips
    # to H¹ (eq. 14) and σ* plays r*: 1_0 is redesigned, so C^σ*(h) is empty
    assert cases[1]["choice set"] == [] and cases[1]["sup"] is None
    bad = [r for r in cases[1]["by signal"] if r.signal != "0"]
    assert all(not r.strategic[0] and "signal 0" in r.strategic[1] for r in bad)
    # the rule itself: at phase 0 with full support and s = 0, σ* stops
    rule = sigma_star(0, 1)
    full = frozenset(rule.env.prior.support())
    assert rule.action(0, full, "0") is STOP and rule.action(1, full, "0") is not STOP
    assert check_rule_at(rule, 1, rule.env.prior, "0").action is STOP


def test_sigma_star_errors() -> None:
    from exactmd.papers.vartiainen2014 import sigma_star

    with pytest.raises(ModelError, match="reading='both'"):
        sigma_star(0, 1, reading="both")
    with pytest.raises(ModelError, match="t < t̄"):
        sigma_star(1, 1)


def test_uncovered_on_a_dask_local_cluster_is_identical() -> None:
    import logging

    from distributed import Client, LocalCluster

    env = aligned()
    G = grid(env.types, 6)
    serial = uncovered(env, G, ALL, "1/10", progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.CRITICAL) as cl, Client(cl) as client:
        dask = uncovered(env, G, ALL, "1/10", executor=client, progress=False)
    assert [(p.to_dict(), c) for p, c, _ in dask] == [(p.to_dict(), c) for p, c, _ in serial]
    # by hand: covered iff 1 ≥ max(p_L, p_H) + 1/10
    assert [c for _, c, _ in serial] == [fmpq(1, 10) <= b[("L",)] <= fmpq(9, 10) for b in G]


def test_lemma_2_partition_devices_by_hand() -> None:
    from exactmd.papers.vartiainen2014 import lemma_2_instances
    from exactmd.papers.vartiainen2014.instances import three_aligned_types

    env = three_aligned_types()
    found = lemma_2_instances(env, env.prior, ALL, "1/10")
    # pooling {l, m} on lo (or mid) and revealing h: IC since l, m get 0 from hi and h gets 0 from lo/mid;
    # worth 3·(1/3) + 3·(1/3) = 2 ≥ v̄ + ε = 1 + 1/10; the pooled posterior {l, m} is covered (reveal l vs m: 3)
    assert len(found) == 2 and all(v.covers for *_, v in found)
    assert sorted(r.g[s] for r, s, _, _ in found) == ["lo", "mid"]


def test_reachable_universe_and_choice_set_membership() -> None:
    from exactmd.papers.vartiainen2014 import in_choice_set, reachable, sigma_star

    env = aligned()
    p = B1(env, "1/2")
    # a noisy signal: at L send u w.p. 3/4, at H w.p. 1/4 -> posteriors (3/4, 1/4) and (1/4, 3/4)
    noisy = Composite(Device(env.types, {"L": {"u": "3/4", "d": "1/4"}, "H": {"u": "1/4", "d": "3/4"}}), {"u": "a", "d": "b"})
    one = reachable(env, p, [noisy], 1)
    assert [b[("L",)] for b in one] == [fmpq(1, 2), fmpq(3, 4), fmpq(1, 4)]
    two = reachable(env, p, [noisy], 2)  # (3/4)·(3/4) / ((3/4)(3/4) + (1/4)(1/4)) = 9/10, and 1/10
    assert {b[("L",)] for b in two} == {fmpq(1, 2), fmpq(3, 4), fmpq(1, 4), fmpq(9, 10), fmpq(1, 10)}
    # σ*: at the full-support belief with h ∈ H¹ (predecessor in H⁰), r* is in C^σ*(h) and 1_0 is not
    rule = sigma_star(0, 1)
    prior = rule.env.prior
    r_star = rule.action(1, frozenset(prior.support()), "0")
    assert in_choice_set(rule, 0, prior, r_star)[0]
    zero = rule.action(0, frozenset(prior.support()), "<hi,hi>")  # 1_0
    ok, why = in_choice_set(rule, 1, prior, zero)
    assert not ok and "signal 0" in why


def test_many_random_devices_never_cover_an_uncovered_belief() -> None:
    """The 2×2 example on G_4 without vertices, B = UC⁰ of that universe: for every belief
    the engine calls uncovered, random two- and three-way splits of p into members of B with
    *every* assignment of outcomes, each pair split into 1–3 copies; none may cover p.  Where
    the engine's evidence is that no split into B is IC with value ≥ v̄ + ε (no elimination
    round), every device must already fail clause 1 or 2 — one passing them would contradict
    that LP's Farkas certificate."""
    from exactmd.papers.vartiainen2014 import example_environment

    env = example_environment()
    G = [b for b in grid(env.types, 4) if len(b.support()) >= 2]
    B = frozenset(p for p, c, _ in uncovered(env, G, ALL, "1/10", progress=False) if not c)
    rng = random.Random(2026)
    tried = 0
    for p, c, _ in uncovered(env, G, B, "1/10", progress=False):
        if c:
            continue
        no_split = not covered(env, p, B, "1/10").evidence.get("rounds")
        sp = set(p.support())
        cand = [b for b in B if set(b.support()) <= sp and b != p]
        for _ in range(6):
            if len(cand) < 2:
                break
            parts = rng.sample(cand, 2)
            # p = t·b1 + (1 − t)·q: find the q on the line through b1 and p, keep it if it is in B
            b1, b2 = parts
            # mix b1, b2 and p itself when p ∈ B is not allowed, so solve with two members only
            ts = [(p[th] - b2[th], b1[th] - b2[th]) for th in env.profiles()]
            t = next((a / d for a, d in ts if d != 0), None)
            if t is None or not 0 < t < 1 or any(t * b1[th] + (1 - t) * b2[th] != p[th] for th in env.profiles()):
                continue
            for xs in itertools.product(env.outcomes, repeat=2):
                copies = rng.randint(1, 3)
                table = {th: {} for th in env.profiles()}
                g = {}
                for j, (w, b, x) in enumerate(((t, b1, xs[0]), (1 - t, b2, xs[1]))):
                    for cpy in range(copies):
                        s = f"s{j}#{cpy}"
                        g[s] = x
                        for th in b.support():
                            table[th][s] = w / copies * b[th] / p[th]
                for th in env.profiles():
                    if th not in sp:
                        table[th] = {f"off{th}": 1}
                        g[f"off{th}"] = env.outcomes[0]
                v = covers(env, Composite(Device(env.types, table), g), p, B, "1/10")
                tried += 1
                assert not v.covers, (p.to_dict(), xs)
                if no_split:
                    assert v.clause in ("1", "2"), (p.to_dict(), xs, v.reason)
    assert tried >= 50, tried


def test_compound_of_a_response_plan_by_hand() -> None:
    from exactmd.papers.vartiainen2014 import compound

    env = aligned()
    r = Composite(Device(env.types, {"L": {"u": "3/4", "d": "1/4"}, "H": {"u": "1/4", "d": "3/4"}}), {"u": "a", "d": "b"})
    reveal = fully_revealing(env, lambda th: {"a": 1} if th == ("L",) else {"b": 1})
    both = compound(r, {"u": reveal, "d": reveal})
    # every path ends in the revealing outcome: the compound's outcome function is a at L, b at H
    assert both.outcome(("L",)) == {"a": 1} and both.outcome(("H",)) == {"b": 1}
    assert both.device(("L",)) == {"u>L:a": fmpq(3, 4), "d>L:a": fmpq(1, 4)}
    one = compound(r, {"d": reveal})  # a simple plan: keep u
    assert one.outcome(("H",)) == {"a": fmpq(1, 4), "b": fmpq(3, 4)} and one == SimplePlan("d", reveal).compound(r)
