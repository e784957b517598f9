"""The claims registry, `check` and `reproduce` on small instances."""

import json

import pytest
from hypothesis import given, settings

from exactmd.certificates import verify_document
from exactmd.environment import Environment
from exactmd.errors import ClaimError
from exactmd.reproduce import check_claims, reproduce
from exactmd.claims import CLAIMS, HEADLINE_STATUSES, READING_STATUSES, get_claim, headline_status


def test_ids_follow_the_naming_rule():
    for cid in CLAIMS:
        paper, label = cid.split("/")
        assert paper in ("vartiainen2014", "neemanpavlov2007") and label


def test_unknown_claim_lists_the_known_ones():
    with pytest.raises(ClaimError, match="known claims: .*prop-2"):
        get_claim("no-such-claim")


@pytest.mark.slow
@pytest.mark.parametrize("cid", sorted(CLAIMS))
def test_every_claim_decides_random_instances_with_verifiable_certificates(cid):
    claim = get_claim(cid)

    @settings(max_examples=3, deadline=None, database=None)
    @given(claim.extra.get("test_strategy", claim.strategy)())
    def run(instance):
        v = claim.decide(instance)
        assert v.status in HEADLINE_STATUSES
        assert all(r.status in READING_STATUSES and r.domain is not None for r in v.readings)
        assert {r.reading for r in v.readings} == {r.id for r in claim.readings}
        assert v.status == headline_status((r.reading, r.status, r.domain.contains) for r in v.readings)
        for _, cert in v.certificates:
            ok, why = verify_document(json.loads(json.dumps(cert)))
            assert ok, why

    run()


def test_veto_ic_is_refuted_by_a_negative_utility_outcome():
    # A constant mechanism is veto-IC (eq. 7 reads 0 >= 0) whatever the utilities, so an
    # outcome with u_1 < 0 is used by a veto-IC mechanism: ex post IR fails.
    env = Environment.finite([["a"], ["b"]], "uniform", ["x"], lambda i, x, th: -1 if i == 0 else 0)
    v = get_claim("veto-ic").decide(env)
    assert v.status == "refuted"
    (name, cert), = v.certificates
    assert cert["violates"] == ["ex-post-IR"] and verify_document(cert)[0]


def test_prop2_refuted_on_the_K5_uniform_grid():
    # The K = 5 uniform second best randomises at (2/5, 1/5); every deterministic
    # threshold allocation is worse (gap 1/54), each better one infeasible by Farkas.
    v = get_claim("vartiainen2014/prop-2").decide((5, "uniform", "uniform"))
    assert v.status == "refuted" and "gap 1/54" in v.summary
    assert all(verify_document(c)[0] for _, c in v.certificates)


@pytest.mark.slow
def test_check_reports_a_shrunk_counterexample(tmp_path):
    lines = []
    rc = check_claims(["myerson-satterthwaite"], examples=5, seed=0, out=str(tmp_path), log=lambda s: None, echo=lines.append)
    # On K = 1 the posted price 1/2 is efficient, so random instances refute the claim.
    assert rc == 1 and "REFUTED" in lines[0]
    files = list(tmp_path.rglob("*.json"))
    assert files and all(verify_document(json.loads(f.read_text()))[0] for f in files)


def test_check_stops_shrinking_after_its_time_budget(tmp_path):
    lines, runs = [], []
    rc = check_claims(["myerson-satterthwaite"], examples=5, seed=0, out=str(tmp_path), log=runs.append,
                      echo=lines.append, shrink_seconds=0)
    # no time to shrink: the first refuted instance decided is the one reported, with its certificate
    assert rc == 1 and "shrinking stopped" in lines[0] and "REFUTED" in lines[1]
    assert sum("refuted" in r for r in runs) == 1
    files = list(tmp_path.rglob("*.json"))
    assert files and all(verify_document(json.loads(f.read_text()))[0] for f in files)


def test_reproduce_subset_writes_manifest(tmp_path):
    rc = reproduce(tmp_path, claims=["veto-ic"], log=lambda s: None, echo=lambda s: None)
    assert rc == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["format"] == "exactmd-manifest/1"
    assert {e["claim"] for e in manifest["entries"]} == {"vartiainen2014/veto-ic"}
    assert (tmp_path / "summary.md").read_text().count("| vartiainen2014/veto-ic |") == len(manifest["entries"])


def test_check_counts_per_reading_and_never_says_confirmed():
    lines = []
    rc = check_claims(["vartiainen2014/eq-16-17"], examples=2, seed=0, log=lambda s: None, echo=lines.append)
    assert rc == 0 and len(lines) == 1
    assert "never refuted on 2 random instances (as-stated: held on 2, outside its hypotheses on 0)" in lines[0]
    assert "confirmed" not in lines[0]


def test_check_counts_each_domain_of_a_two_universe_claim():
    lines = []
    rc = check_claims(["vartiainen2014/uc-monotone"], examples=2, seed=0, log=lambda s: None, echo=lines.append)
    assert rc == 0
    assert "as-stated on G_2: held on 2" in lines[0] and "as-stated on G_2 without the vertices: held on 2" in lines[0]
