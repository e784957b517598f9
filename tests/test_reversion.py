"""The reversion-rule witness of Vartiainen (2014) Theorem 2 (exactmd.papers.vartiainen2014.reversion)."""

import copy
import json

from flint import fmpq

from exactmd.certificates import verify_document
from exactmd.papers.vartiainen2014.reversion import _check_plan, reversion_certificate, reversion_witness

HALF = fmpq(1, 2)


def test_k1_witness_matches_the_hand_derivation():
    # K = 1, uniform: only (1, 0) has gains (1, with mass 1/4), so the first best is 1/4; the posted
    # price 1/2 (trade iff θ1 = 1 and θ2 = 0) is dominant-strategy IC, ex post IR and BB and reaches it,
    # so the second best is 1/4, and any mechanism of value 1/4 trades surely at (1, 0), never at (0, 1).
    w = reversion_witness(1)
    assert w.ok, w.failures
    assert w.second_best.value == fmpq(1, 4) and w.value == fmpq(1, 4)
    rows = {tuple(str(x) for x in th): lot for th, lot in
            ((r["profile"], r["lottery"]) for r in reversion_certificate(w)["plan"])}
    assert [e["trade"] for e in rows[("1", "0")]] == ["1"]
    assert [e["trade"] for e in rows[("0", "1")]] == ["0"]
    # the trade signal's posterior lies on (1, 0), where the gain is 1 — and no posterior value is negative
    assert all(fmpq(s["posterior value"]) >= 0 for s in w.signals)


def test_a_plan_that_is_not_ic_is_no_witness():
    # trade at (1, 0) at price 1/2 and at (1, 1) at price 1, nothing else (ex post IR holds).  Seller 0
    # reporting 1: against buyer 1 she gets 1 instead of 1/2, against buyer 0 nothing changes:
    # Σ p(θ)[u(truth) − u(lie)] = 1/4 · (1/2 − 1) = −1/8.
    T = [fmpq(0), fmpq(1)]
    q = [HALF, HALF]
    rows = [((T[0], T[0]), [(0, fmpq(0), fmpq(1))]), ((T[0], T[1]), [(0, fmpq(0), fmpq(1))]),
            ((T[1], T[0]), [(1, HALF, fmpq(1))]), ((T[1], T[1]), [(1, fmpq(1), fmpq(1))])]
    value, _, fails = _check_plan(T, q, q, rows, fmpq(1, 4))
    assert value == fmpq(1, 4)  # mass 1/4 at (1, 0), gain 1; the trade at (1, 1) gains 0
    assert fails == ["plan is not IC: seller 0 gains 1/8 by reporting 1"]


def test_certificate_verifies_and_tampering_is_named():
    doc = json.loads(json.dumps(reversion_certificate(reversion_witness(2))))
    ok, msg = verify_document(doc)
    assert ok, msg
    assert "second best 2/9" in msg
    for path, value, named in [
        (("value",), "1/3", "'value'"),
        (("second best value",), "1/3", "'second best value'"),
        (("statement",), "anything", "'statement'"),
        (("plan", 0, "lottery", 0, "probability"), "1/2", "plan"),
        (("signals", 0, "probability"), "1/9", "'signals'"),
        (("K",), 9, "'K'"),
    ]:
        bad = copy.deepcopy(doc)
        d = bad
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
        ok, msg = verify_document(bad)
        assert not ok and named in msg, (path, msg)
    bad = copy.deepcopy(doc)
    bad["extra"] = 1
    assert verify_document(bad) == (False, "unknown key 'extra' in a reversion certificate")
