"""Readings of UC* (Vartiainen 2014, §4) and Lemmas 3–4 decided under each of them.

The expected verdicts on the paper's instance (the 2×2 example on G_4) are derived here
from the definitions, not from the code under test:

- the sizes |UCᵗ| = 18, 26, 22, 22 on G_4 without the vertices and UCᵗ = UC⁰ (22) with
  them come from an independent computation of the sequence;
- "Lemma 3 fails under ∩ on G_4 without the vertices" is derived by hand below (explicit
  IC mechanisms, checked against eq. (1) by code written in this file);
- "Lemma 3 at S holds iff UC(S) ⊆ S" and "Lemma 4 with clauses 1–2 at S holds iff
  S ⊆ UC(S)" are the definitions; with UC^{t+1} = UC(UCᵗ) they turn the sequence's set
  relations (UC² = UC³, UC⁰ ⊆ UC¹ ⊇ UC²) into verdicts;
- ∩_t UCᵗ ⊆ UC⁰ = {p : V*(p) < v̄(p) + ε} makes Lemma 4's clauses 1–2 unsatisfiable under ∩.
"""

from __future__ import annotations

import itertools

import pytest
from flint import fmpq
from hypothesis import given, settings

from exactmd.belief import Belief
from exactmd.papers.vartiainen2014 import (
    UCSTAR_READINGS, blocks, constant, covered, example_environment, grid, lemma_3_at, lemma_4_at, uc_converges,
    uc_cycle, uc_limit, uc_sequence, uc_star, unblocked_constant, vbar, vertices,
)
from exactmd.papers.vartiainen2014 import SimplePlan  # noqa: F401
from exactmd.papers.vartiainen2014.covering import _Redesign  # noqa: F401  (the redesign LP of Lemma 4's hypothesis set)
from exactmd.errors import ModelError
from exactmd.lp.model import LinExpr
from exactmd.papers.vartiainen2014.strategies import commitment_environments

EPS = "1/10"


@pytest.fixture(scope="module")
def env():
    return example_environment()


@pytest.fixture(scope="module")
def seqs(env):
    G = grid(env.types, 4)
    inner = [b for b in G if len(b.support()) >= 2]
    return {
        "with": (G, uc_sequence(env, G, EPS, name="G_4", progress=False)),
        "without": (inner, uc_sequence(env, inner, EPS, name="G_4 without the vertices", progress=False)),
    }


def _sets(seq):
    return [frozenset(it) for it in seq.iterates]


# ---------------------------------------------------------------------------
# the sequence and the three readings of UC*


def test_sizes_match_the_independent_check(seqs):
    _, with_v = seqs["with"]
    _, without = seqs["without"]
    assert [len(it) for it in without.iterates] == [18, 26, 22, 22]
    assert [len(it) for it in with_v.iterates] == [22, 22]
    assert _sets(with_v)[0] == _sets(with_v)[1]


def _unrolled(seq, n=40):
    """The sequence UC⁰, UC¹, … to t = n − 1, continued by the map S ↦ UC(S) that the
    computed iterates define (each set's successor is the next computed iterate)."""
    its = _sets(seq)
    succ = {its[t]: its[t + 1] for t in range(len(its) - 1)}
    out = [its[0]]
    while len(out) < n:
        out.append(succ[out[-1]])
    return out


@pytest.mark.parametrize("which", ["with", "without"])
def test_readings_are_the_definitions(seqs, which):
    _, seq = seqs[which]
    u = _unrolled(seq)
    half = len(u) // 2
    inter = frozenset.intersection(*u)
    union = frozenset.union(*u)
    limsup = frozenset.intersection(*[frozenset.union(*u[T:]) for T in range(half)])
    liminf = frozenset.union(*[frozenset.intersection(*u[T:]) for T in range(half)])
    assert frozenset(uc_star(seq, "intersection")) == inter
    assert frozenset(uc_star(seq, "union")) == union
    assert frozenset(uc_star(seq, "limit")) == limsup
    lo, hi = uc_limit(seq)
    assert (frozenset(lo), frozenset(hi)) == (liminf, limsup)
    assert uc_converges(seq) == (liminf == limsup)


def test_readings_on_G4(seqs):
    # with the vertices every reading is UC⁰; without them ∩ = UC⁰ (18), ∪ = UC¹ (26), limit = UC² = UC³ (22)
    _, with_v = seqs["with"]
    for r in UCSTAR_READINGS:
        assert frozenset(uc_star(with_v, r)) == _sets(with_v)[0]
    _, seq = seqs["without"]
    its = _sets(seq)
    assert its[0] <= its[1] and its[0] <= its[2] and its[2] <= its[1] and its[2] == its[3]
    assert frozenset(uc_star(seq, "intersection")) == its[0]
    assert frozenset(uc_star(seq, "union")) == its[1]
    assert frozenset(uc_star(seq, "limit")) == its[2]
    assert uc_converges(seq) and uc_cycle(seq) == [its[2]]


def test_unknown_reading_is_refused(seqs):
    _, seq = seqs["with"]
    with pytest.raises(ModelError, match="'closure'"):
        uc_star(seq, "closure")


# ---------------------------------------------------------------------------
# Lemma 3 under each reading, derived by hand where it fails


def _ic_rows(env, b, f):
    """The IC expressions of eq. (1) at belief b for the outcome function f (θ ↦ {x: prob}),
    from the definition: Σ_{θ: θ_i = t} b(θ) [U_i(f(θ), θ) − U_i(f(θ_{−i}, t'), θ)]."""
    def U(i, lottery, th):
        return sum((fmpq(q) * env.valuation(i, x, th) for x, q in lottery.items()), fmpq(0))

    out = []
    for i, Ti in enumerate(env.types):
        for t, t2 in itertools.permutations(Ti, 2):
            tot = fmpq(0)
            for th in env.profiles():
                if th[i] != t or b[th] == 0:
                    continue
                dev = th[:i] + (t2,) + th[i + 1:]
                tot += b[th] * (U(i, f[th], th) - U(i, f[dev], th))
            out.append(tot)
    return out


def _hand_mechanism(env):
    # none at (L, L), a or b with probability 1/2 each at (H, H), none off the segment
    return {th: ({"a": fmpq(1, 2), "b": fmpq(1, 2)} if th == ("H", "H") else {"none": 1}) for th in env.profiles()}


def test_lemma_3_fails_under_intersection_without_vertices_by_hand(env, seqs):
    """p = {LL 1/2, HH 1/2}: every posterior of a device at p lies on the segment LL–HH; on
    G_4 without the vertices that is {LL 3/4, HH 1/4}, p, {LL 1/4, HH 3/4}.  At each, the hand
    mechanism is IC and worth ≥ v̄ + ε, so none is in UC⁰ ⊇ ∩_t UCᵗ (revelation theorem:
    under Δ, covered iff V* ≥ v̄ + ε).  So p ∉ UC* and no device has its posteriors in UC*."""
    f = _hand_mechanism(env)
    seg = [Belief(env.types, {("L", "L"): fmpq(k, 4), ("H", "H"): fmpq(4 - k, 4)}) for k in (1, 2, 3)]
    for b in seg:
        assert all(row >= 0 for row in _ic_rows(env, b, f))
        v = sum((b[th] * sum((fmpq(q) * env.value(x, th) for x, q in f[th].items()), fmpq(0)) for th in b.support()), fmpq(0))
        vb = max(sum((b[th] * env.value(x, th) for th in b.support()), fmpq(0)) for x in env.outcomes)
        assert v >= vb + fmpq(1, 10)
    G, seq = seqs["without"]
    star = uc_star(seq, "intersection")
    assert not set(seg) & set(star)
    p = seg[1]
    res = dict(lemma_3_at(env, G, star, EPS))
    assert p in res and not res[p].covered


def test_lemma_3_verdicts_per_reading(env, seqs):
    """Expected: holds with the vertices under every reading (all readings are UC⁰ and the
    fully revealing device covers every p ∉ UC⁰ with vertex posteriors); without them it
    fails under ∩ (above), holds under the limit (UC² = UC³ = UC(UC²): p ∉ UC² is
    UC²-covered by definition) and under ∪ (UC² = UC(UC¹) ⊆ UC¹)."""
    expected = {("with", r): True for r in UCSTAR_READINGS}
    expected.update({("without", "intersection"): False, ("without", "limit"): True, ("without", "union"): True})
    for (which, r), holds in expected.items():
        G, seq = seqs[which]
        res = lemma_3_at(env, G, uc_star(seq, r), EPS)
        assert res, (which, r)
        assert all(c.covered for _, c in res) == holds, (which, r)
        for _, c in res:
            if c.covered and which == "with":
                assert c.method == "revelation"


# ---------------------------------------------------------------------------
# Lemma 4: as stated, and with covering's clauses 1–2 as hypotheses


def test_lemma_4_clauses_1_2_per_reading(env, seqs):
    """Expected: vacuous under ∩ (∩ ⊆ UC⁰: no IC device is worth v̄ + ε) and with the
    vertices (every reading is UC⁰); holds under the limit (a fixed point S ⊆ UC(S));
    fails under ∪ without the vertices exactly at UC¹ \\ UC² (UC² = UC(UC¹): those are the
    beliefs of UC* = UC¹ that are UC*-covered)."""
    for r in UCSTAR_READINGS:
        _, seq = seqs["with"]
        assert {k for _, k, _ in lemma_4_at(env, uc_star(seq, r), EPS)} == {"vacuous"}
    _, seq = seqs["without"]
    its = _sets(seq)
    assert {k for _, k, _ in lemma_4_at(env, uc_star(seq, "intersection"), EPS)} == {"vacuous"}
    assert "covered" not in {k for _, k, _ in lemma_4_at(env, uc_star(seq, "limit"), EPS)}
    res = lemma_4_at(env, uc_star(seq, "union"), EPS)
    bad = {p for p, k, _ in res if k == "covered"}
    assert bad == its[1] - its[2] and len(bad) == 4
    for p, k, c in res:
        if k == "covered":
            assert c.witness is not None and c.witness.posteriors(p)


@pytest.mark.parametrize("which", ["with", "without"])
@pytest.mark.parametrize("reading", UCSTAR_READINGS)
def test_lemma_4_as_stated_fails_everywhere(env, seqs, which, reading):
    """1_{x(p)} is IC at p and no simple plan blocks it, whatever UC* is: its one signal has
    posterior p, and a redesign there that meets (i)–(ii) makes r∘ρ_s IC and worth v̄ + ε."""
    _, seq = seqs[which]
    star = uc_star(seq, reading)
    out = unblocked_constant(env, star, EPS, prefer=seq.iterates[0])
    assert out is not None
    p, x, admissible = out
    assert p in set(star) and x == vbar(env, p)[1]
    assert p in set(seq.iterates[0])
    # p ∈ UC⁰: no IC device at p is worth v̄(p) + ε, so no redesign at p is admissible
    assert not admissible
    assert not covered(env, p, set(star), EPS).covered


def test_an_admissible_redesign_does_not_block_the_constant(env, seqs):
    # beliefs of UC* outside UC⁰ (union reading, G_4 without the vertices): a redesign that
    # meets (i)–(ii) exists or not; if it does, blocks() says it does not block 1_{x(p)}
    _, seq = seqs["without"]
    star = uc_star(seq, "union")
    extra = [p for p in star if p not in set(seq.iterates[0])]
    assert extra
    seen_admissible = False
    for p in extra:
        red = _Redesign(env, p, frozenset(star), fmpq(1, 10))
        res = red.solve(LinExpr())
        if res.status.value == "infeasible":
            continue
        seen_admissible = True
        r = constant(env, vbar(env, p)[1])
        (s,) = r.g.keys()
        v = blocks(env, SimplePlan(s, red.response(res.primal)), r, p, frozenset(star), EPS)
        assert not v.blocks
    assert seen_admissible


# ---------------------------------------------------------------------------
# theorems on random environments (G_2, two outcomes)


@settings(max_examples=8)
@given(commitment_environments(max_outcomes=2))
def test_fixed_point_and_vertex_theorems(env):
    G = grid(env.types, 2)
    inner = [b for b in G if len(b.support()) >= 2]
    seq = uc_sequence(env, G, EPS, progress=False)
    uc0 = frozenset(seq.iterates[0])
    # with the vertices: every reading is UC⁰, Lemma 3 holds, Lemma 4 (clauses 1–2) is vacuous
    assert set(vertices(env)) <= uc0
    for r in UCSTAR_READINGS:
        assert frozenset(uc_star(seq, r)) == uc0
    assert all(c.covered for _, c in lemma_3_at(env, G, uc0, EPS))
    assert {k for _, k, _ in lemma_4_at(env, uc0, EPS)} <= {"vacuous"}
    seq2 = uc_sequence(env, inner, EPS, progress=False)
    # ∩ ⊆ UC⁰: Lemma 4's clauses 1–2 cannot be met at any p ∈ ∩
    assert {k for _, k, _ in lemma_4_at(env, uc_star(seq2, "intersection"), EPS)} <= {"vacuous"}
    if uc_converges(seq2):
        S = uc_star(seq2, "limit")
        assert all(c.covered for _, c in lemma_3_at(env, inner, S, EPS))
        assert "covered" not in {k for _, k, _ in lemma_4_at(env, S, EPS)}


def test_a_cycling_sequence():
    # UC_G need not converge: a synthetic sequence UC⁰ = A, then B, C, B, C, … (UC³ = UC¹)
    from exactmd.papers.vartiainen2014 import UCSequence

    env = example_environment()
    G = grid(env.types, 2)
    A, B, C = set(G[:4]), set(G[2:7]), set(G[5:9])
    seq = UCSequence("synthetic", fmpq(1, 10), [sorted(A, key=G.index), sorted(B, key=G.index), sorted(C, key=G.index),
                                                 sorted(B, key=G.index)], 1, False, False, G)
    assert uc_cycle(seq) == [frozenset(B), frozenset(C)] and not uc_converges(seq)
    assert set(uc_star(seq, "limit")) == B | C
    assert set(uc_limit(seq)[0]) == B & C
    assert set(uc_star(seq, "intersection")) == A & B & C
    assert set(uc_star(seq, "union")) == A | B | C
    assert uc_star(seq, "union") == [b for b in G if b in A | B | C]
    u = _unrolled(seq)
    assert frozenset.intersection(*[frozenset.union(*u[T:]) for T in range(20)]) == frozenset(B | C)


# ---------------------------------------------------------------------------
# the claims as registered: one verdict per reading and domain, the headline computed


_WITH, _WITHOUT = "G_4", "G_4 without the vertices"

#: the verdicts derived above (tests of lemma_3_at / lemma_4_at and their docstrings)
EXPECTED = {
    "vartiainen2014/uc-monotone": ("refuted-on-variant", {
        ("as-stated", _WITH): "confirmed", ("as-stated", _WITHOUT): "refuted"}),
    "vartiainen2014/lemma-3": ("refuted-on-variant", {
        **{(f"ucstar={r}", _WITH): "confirmed" for r in UCSTAR_READINGS},
        ("ucstar=intersection", _WITHOUT): "refuted", ("ucstar=limit", _WITHOUT): "confirmed",
        ("ucstar=union", _WITHOUT): "confirmed"}),
    "vartiainen2014/lemma-4": ("depends-on-reading", {
        **{(f"hyp=stated+ucstar={r}", d): "refuted" for r in UCSTAR_READINGS for d in (_WITH, _WITHOUT)},
        **{(f"hyp=clauses-1-2+ucstar={r}", _WITH): "confirmed" for r in UCSTAR_READINGS},
        ("hyp=clauses-1-2+ucstar=intersection", _WITHOUT): "confirmed",
        ("hyp=clauses-1-2+ucstar=limit", _WITHOUT): "confirmed",
        ("hyp=clauses-1-2+ucstar=union", _WITHOUT): "refuted"}),
}


@pytest.mark.parametrize("cid", sorted(EXPECTED))
def test_claim_verdicts_per_reading_and_domain(cid):
    from exactmd.claims import get_claim

    claim = get_claim(cid)
    ((_, inst),) = claim.paper_instances()
    v = claim.decide(inst)
    headline, table = EXPECTED[cid]
    got = {(r.reading, r.domain_name): r.status for r in v.readings}
    assert got == table
    assert v.status == headline
    for r in v.readings:
        assert r.domain_name in r.summary or cid.endswith("uc-monotone")  # the summary names its universe
        assert (r.domain is not None) and r.domain.contains == (r.domain_name == _WITH)
        if r.status == "refuted" or cid.endswith("lemma-3"):
            assert r.certificates, (r.reading, r.domain_name)


def test_claim_readings_quote_the_paper():
    from exactmd.claims import get_claim

    assert [r.id for r in get_claim("vartiainen2014/lemma-3").readings] == [f"ucstar={r}" for r in UCSTAR_READINGS]
    assert [r.id for r in get_claim("vartiainen2014/lemma-4").readings] == [
        f"hyp={f}+ucstar={r}" for f in ("stated", "clauses-1-2") for r in UCSTAR_READINGS]
    union = get_claim("vartiainen2014/lemma-3").reading("ucstar=union")
    assert "for all t but also UC^* -covered" in union.support


def test_lemma_3_failure_certificate_verifies(env):
    from exactmd.claims import get_claim
    from exactmd.papers.vartiainen2014 import verify_commitment_certificate

    claim = get_claim("vartiainen2014/lemma-3")
    v = claim.decide(claim.paper_instances()[0][1])
    (r,) = [r for r in v.readings if r.reading == "ucstar=intersection" and r.domain_name == _WITHOUT]
    p = Belief(env.types, {("L", "L"): fmpq(1, 2), ("H", "H"): fmpq(1, 2)})
    docs = [doc for _, doc in r.certificates if Belief(env.types, doc["belief"]) == p]
    assert len(docs) == 1 and docs[0]["covered"] is False
    ok, why = verify_commitment_certificate(docs[0])
    assert ok, why
    forged = dict(docs[0], covered=True)
    assert not verify_commitment_certificate(forged)[0]
