"""Symbolic checks: the identities hold, and a tampered document is rejected."""

import copy

from exactmd.symbolic import discrete_envelope, summation_by_parts, verify_symbolic


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
