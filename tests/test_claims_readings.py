"""Readings and domains as data (issue 13) and the certified manifest (issue 14)."""

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest

from exactmd.claims import INSTANCE_DOMAIN, Claim, Domain, Reading, ReadingVerdict, Verdict, headline_status
from exactmd.errors import ClaimError
from exactmd.reproduce import load_manifest, reproduce, verify_manifest
from exactmd.claims import CLAIMS, get_claim

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
PAPERS = Path("/work/shared/papers")


# ---------------------------------------------------------------------------------
# the headline rule: a truth table written out by hand
C, R, N = "confirmed", "refuted", "not-applicable"
RULE = [
    pytest.param([("a", C, True)], "confirmed", id="one-reading-confirmed"),
    pytest.param([("a", R, True)], "refuted", id="one-reading-refuted"),
    pytest.param([("a", N, True)], "not-applicable", id="one-reading-not-applicable"),
    pytest.param([("a", N, True), ("b", N, False)], "not-applicable", id="all-not-applicable"),
    pytest.param([("a", C, True), ("b", C, True)], "confirmed", id="two-readings-agree-confirmed"),
    pytest.param([("a", R, True), ("b", R, True)], "refuted", id="two-readings-agree-refuted"),
    pytest.param([("a", C, True), ("b", R, True)], "depends-on-reading", id="two-readings-disagree"),
    pytest.param([("a", C, True), ("a", R, False)], "refuted-on-variant", id="refuted-only-without-vertices"),
    pytest.param([("a", C, True), ("a", C, False)], "confirmed", id="confirmed-on-both-universes"),
    pytest.param([("a", R, True), ("a", C, False)], "refuted", id="refuted-on-the-full-universe"),
    pytest.param([("a", R, False)], "refuted-on-variant", id="only-a-stand-in-that-omits"),
    pytest.param([("a", C, False)], "confirmed-on-variant", id="confirmed-only-on-a-stand-in"),
    pytest.param([("a", C, True), ("b", C, False)], "confirmed-on-variant", id="second-reading-only-on-a-stand-in"),
    pytest.param([("a", R, True), ("b", C, False)], "depends-on-reading", id="refuted-but-second-reading-undecided-in-full"),
    pytest.param([("a", R, True), ("b", N, True)], "refuted", id="not-applicable-reading-set-aside"),
    pytest.param([("a", C, True), ("b", R, False), ("b", C, True)], "refuted-on-variant", id="variant-refutes-second-reading"),
]


@pytest.mark.parametrize("rows, expected", RULE)
def test_headline_rule_truth_table(rows, expected):
    assert headline_status(rows) == expected
    assert headline_status(list(reversed(rows))) == expected  # the order of readings does not matter


def test_headline_rule_exhaustively_on_two_reading_verdicts():
    # every pair of (status, contains) under one or two readings: the rule's promises
    cells = list(itertools.product((C, R, N), (True, False)))
    for (s1, c1), (s2, c2) in itertools.product(cells, repeat=2):
        for rows in ([("a", s1, c1), ("a", s2, c2)], [("a", s1, c1), ("b", s2, c2)]):
            h = headline_status(rows)
            decided = [(rid, s, c) for rid, s, c in rows if s != N]
            if h in ("confirmed", "refuted"):  # every decided reading has a full verdict, all of them h
                assert {(rid, s) for rid, s, c in decided if c} == {(rid, h) for rid, _, _ in decided}
            if h == "confirmed":
                assert R not in {s for _, s, _ in decided}
            if h == "refuted-on-variant":
                assert any(s == R and not c for _, s, c in decided) and not any(s == R and c for _, s, c in decided)
            if h == "not-applicable":
                assert not decided
            if h == "confirmed-on-variant":
                assert R not in {s for _, s, _ in decided} and any(not c for _, _, c in decided)


def test_headline_rule_refuses_unknown_statuses():
    with pytest.raises(ClaimError, match="maybe"):
        headline_status([("a", "maybe", True)])


# ---------------------------------------------------------------------------------
# the API a claim uses
def _toy_claim(decide, readings=(), domains=()):
    return Claim(id="vartiainen2014/toy", statement="Every toy holds.", where="nowhere", decide=decide,
                 strategy=lambda: None, paper_instances=lambda: [("one", 1)], readings=readings, domains=domains)


X = Reading("x=one", "One way.", "Every toy holds.")
Y = Reading("x=two", "Another way.", "Every toy holds.")
OMIT = Domain("all toys", "toys without corners", False, "omits the corner toys")


def test_single_reading_shorthand_keeps_working():
    claim = _toy_claim(lambda i: Verdict("vartiainen2014/toy", "refuted", "a toy fails", "one", (("c", {"k": 1}),)))
    v = claim.decide(1)
    assert v.status == "refuted" and v.summary == "a toy fails"
    (r,) = v.readings
    assert r.reading == "as-stated" and r.domain == INSTANCE_DOMAIN and v.certificates == (("c", {"k": 1}),)


def test_shorthand_takes_the_one_declared_reading_and_domain():
    claim = _toy_claim(lambda i: Verdict("vartiainen2014/toy", "refuted", "a toy fails", "one"), readings=(X,), domains=(OMIT,))
    v = claim.decide(1)
    assert v.readings[0].reading == "x=one" and v.status == "refuted-on-variant"


def test_not_applicable_shorthand_spreads_over_every_declared_reading():
    claim = _toy_claim(lambda i: Verdict("vartiainen2014/toy", "not-applicable", "no toys", "one"), readings=(X, Y))
    v = claim.decide(1)
    assert [r.reading for r in v.readings] == ["x=one", "x=two"] and v.status == "not-applicable"


def test_two_readings_that_disagree_depend_on_reading():
    def decide(i):
        return Verdict("vartiainen2014/toy", instance="one", readings=[
            ReadingVerdict("x=one", "confirmed", "holds"), ReadingVerdict("x=two", "refuted", "fails")], note="It depends.")

    v = _toy_claim(decide, readings=(X, Y)).decide(1)
    assert v.status == "depends-on-reading"
    assert v.summary == "[x=one on the instance] holds; [x=two on the instance] fails. It depends."


@pytest.mark.parametrize("readings, match", [
    pytest.param([ReadingVerdict("x=one", "confirmed", "holds")], "no verdict under the declared reading 'x=two'", id="missing-reading"),
    pytest.param([ReadingVerdict("x=one", "confirmed", "a"), ReadingVerdict("x=two", "confirmed", "b"),
                  ReadingVerdict("x=three", "confirmed", "c")], "'x=three' is not declared", id="undeclared-reading"),
    pytest.param([ReadingVerdict("x=one", "confirmed", "a", (("c", {"k": 1}),)),
                  ReadingVerdict("x=two", "confirmed", "b", (("c", {"k": 2}),))], "two different certificates", id="name-clash"),
    pytest.param([ReadingVerdict("x=one", "confirmed", "a"), ReadingVerdict("x=one", "refuted", "b"),
                  ReadingVerdict("x=two", "confirmed", "b")], "decided twice", id="reading-twice-on-one-domain"),
])
def test_decide_checks_the_declared_readings(readings, match):
    claim = _toy_claim(lambda i: Verdict("vartiainen2014/toy", instance="one", readings=readings), readings=(X, Y))
    with pytest.raises(ClaimError, match=match):
        claim.decide(1)


def test_a_shorthand_verdict_cannot_decide_a_two_reading_claim():
    claim = _toy_claim(lambda i: Verdict("vartiainen2014/toy", "confirmed", "holds", "one"), readings=(X, Y))
    with pytest.raises(ClaimError, match="one per reading"):
        claim.decide(1)


@pytest.mark.parametrize("make, match", [
    pytest.param(lambda: Reading("Bad Id", "s", "q"), "short lower-case id", id="reading-id"),
    pytest.param(lambda: Reading("a=b", "s", " "), "paper's words", id="reading-without-support"),
    pytest.param(lambda: Domain("p", "d", "yes", "m"), "True or False", id="domain-contains-not-bool"),
    pytest.param(lambda: ReadingVerdict("a", "maybe", "s"), "status='maybe'", id="reading-status"),
    pytest.param(lambda: Verdict("c", "confirmed", "s", readings=[]), "computed", id="status-and-readings"),
])
def test_malformed_declarations_are_refused(make, match):
    with pytest.raises(ClaimError, match=match):
        make()


# ---------------------------------------------------------------------------------
# the converted claims: their readings and domains, and the paper's words
def test_every_support_is_quoted_from_the_paper():
    if not PAPERS.is_dir():
        pytest.skip(f"the papers are not at {PAPERS}")
    text = {p: re.sub(r"\s+", " ", (PAPERS / f).read_text(encoding="utf-8")) for p, f in [
        ("vartiainen2014", "vartiainen-2014-mechanism-design-without-commitment.txt"),
        ("neemanpavlov2007", "neeman-pavlov-2007-renegotiation-proof-mechanism-design.txt")]}
    quoted = 0
    for claim in CLAIMS.values():
        for r in claim.readings:
            if r.id == "as-stated":
                continue
            for piece in r.support.split(" … "):
                assert re.sub(r"\s+", " ", piece) in text[claim.paper], f"{claim.id} {r.id}: {piece!r} is not in the paper"
                quoted += 1
    assert quoted >= 4


def test_converted_claims_declare_their_readings_and_domains():
    assert [r.id for r in get_claim("vartiainen2014/lemma-7-cases").readings] == ["phase=current", "phase=previous"]
    assert [r.id for r in get_claim("vartiainen2014/lemma-3").readings] == ["ucstar=intersection", "ucstar=limit", "ucstar=union"]
    assert [r.id for r in get_claim("vartiainen2014/lemma-7").readings] == ["ir=interim", "ir=ex-post"]
    assert [(d.decided, d.contains) for d in get_claim("vartiainen2014/uc-monotone").domains] == [
        ("G_N", True), ("G_N without the vertices", False)]
    assert [r.id for r in get_claim("neemanpavlov2007/example-5").readings] == [
        "proposals=menu+timing=after-lottery", "proposals=with-transfers+timing=after-lottery",
        "proposals=menu+timing=before-lottery", "proposals=with-transfers+timing=before-lottery"]
    assert get_claim("neemanpavlov2007/example-5").domains[0].contains
    assert [r.id for r in get_claim("neemanpavlov2007/example-3").readings] == ["votes=by-preference", "votes=any-equilibrium"]
    assert [r.id for r in get_claim("neemanpavlov2007/lemma-2").readings] == ["rp=definition", "rp=proof-step-13"]
    assert [r.id for r in get_claim("neemanpavlov2007/remark-bilateral-trade").readings] == [
        "rp=ex-post", "rp=ex-post+ir=ex-post", "rp=oracle", "rp=oracle+ir=interim"]
    assert not get_claim("neemanpavlov2007/remark-bilateral-trade").domains[0].contains
    assert [r.id for r in get_claim("neemanpavlov2007/prop-1-proof-bound").readings] == ["a0=every", "a0=some"]


def _entries():
    return {(e["claim"], e["instance"]): e for e in load_manifest(PROOFS / "manifest.json")}


def test_committed_reading_verdicts_of_the_converted_claims():
    # regression: these change only if a reading's verdict changes
    e = _entries()
    got = {k: (v["status"], [(r["reading"], r["domain"], r["status"]) for r in v["readings"]]) for k, v in e.items()}
    assert got[("vartiainen2014/lemma-3", "commitment-2x2-G4")] == ("refuted-on-variant", [
        ("ucstar=intersection", "G_4", "confirmed"), ("ucstar=limit", "G_4", "confirmed"), ("ucstar=union", "G_4", "confirmed"),
        ("ucstar=intersection", "G_4 without the vertices", "refuted"), ("ucstar=limit", "G_4 without the vertices", "confirmed"),
        ("ucstar=union", "G_4 without the vertices", "confirmed")])
    assert got[("vartiainen2014/uc-monotone", "commitment-2x2-G4")] == ("refuted-on-variant", [
        ("as-stated", "G_4", "confirmed"), ("as-stated", "G_4 without the vertices", "refuted")])
    assert got[("vartiainen2014/lemma-7-cases", "t0-t1-uniform")] == ("refuted", [
        ("phase=current", "the instance", "refuted"), ("phase=previous", "the instance", "refuted")])
    assert got[("vartiainen2014/lemma-7", "t0-t1-uniform")] == ("confirmed", [
        ("ir=interim", "the instance", "confirmed"), ("ir=ex-post", "the instance", "confirmed")])
    assert got[("vartiainen2014/lemma-4", "commitment-2x2-G4")][0] == "depends-on-reading"
    continuum = "no trade and trade at p ∈ [2, 5]"
    for prices in ("prices-2-3-4-5", "prices-step-1-2"):
        assert got[("neemanpavlov2007/example-5", prices)] == ("depends-on-reading", [
            ("proposals=menu+timing=after-lottery", continuum, "refuted"),
            ("proposals=with-transfers+timing=after-lottery", continuum, "confirmed"),
            ("proposals=menu+timing=before-lottery", continuum, "refuted"),
            ("proposals=with-transfers+timing=before-lottery", continuum, "confirmed")])
    assert got[("neemanpavlov2007/example-3", "paper")] == ("depends-on-reading", [
        ("votes=by-preference", "the instance", "confirmed"), ("votes=any-equilibrium", "the instance", "refuted")])
    stand_in = "decisions (a, t) with a deterministic alternative, any transfers"
    for inst in ("example-3-values", "example-5-values"):
        assert got[("neemanpavlov2007/lemma-2", inst)] == ("confirmed-on-variant", [
            ("rp=definition", stand_in, "confirmed"), ("rp=proof-step-13", stand_in, "confirmed")])
    two_point = "bilateral trade with independent uniform two-point values"
    assert got[("neemanpavlov2007/remark-bilateral-trade", "example-5-values")] == ("refuted-on-variant", [
        ("rp=oracle", two_point, "refuted"), ("rp=oracle+ir=interim", two_point, "confirmed"),
        ("rp=ex-post", two_point, "refuted"), ("rp=ex-post+ir=ex-post", two_point, "confirmed")])
    assert got[("neemanpavlov2007/remark-bilateral-trade", "example-3-values")] == ("refuted-on-variant", [
        ("rp=oracle", two_point, "refuted"), ("rp=oracle+ir=interim", two_point, "confirmed"),
        ("rp=ex-post", two_point, "refuted"), ("rp=ex-post+ir=ex-post", two_point, "refuted")])
    grid = "the grid {0, 1/K, …, 1} with independent full-support priors"
    for K in (1, 2, 3, 4):
        assert got[("vartiainen2014/myerson-satterthwaite", f"K{K}-uniform")] == ("refuted-on-variant", [("as-stated", grid, "refuted")])
    for K in (5, 6):
        assert got[("vartiainen2014/myerson-satterthwaite", f"K{K}-uniform")] == ("confirmed-on-variant", [("as-stated", grid, "confirmed")])
    steps = "the proof's steps on the instance"
    every = "every history, in the three classes of the reversion rule (∅, plan histories, reversion histories)"
    assert got[("vartiainen2014/theorem-2", "K3-uniform")] == ("confirmed-on-variant", [
        ("via=proof-steps", steps, "confirmed"), ("via=search", every, "confirmed")])
    assert got[("vartiainen2014/theorem-2", "K5-uniform")] == ("confirmed", [
        ("via=proof-steps", steps, "not-applicable"), ("via=search", every, "confirmed")])
    # the headline 'refuted' is left only where every reading refutes on a domain containing the paper's
    for (cid, inst), e in got.items():
        if e[0] == "refuted":
            assert cid in ("vartiainen2014/prop-2", "vartiainen2014/lemma-7-cases", "vartiainen2014/veto-ic",
                           "neemanpavlov2007/conjecture-correlated-n2"), (cid, inst)
    assert got[("neemanpavlov2007/prop-1-proof-bound", "three-players")] == ("depends-on-reading", [
        ("a0=every", "the instance", "refuted"), ("a0=some", "the instance", "confirmed")])


def test_summary_shows_the_reading_statuses_and_domains():
    text = (PROOFS / "summary.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| vartiainen2014/lemma-3 |"))
    assert "| refuted-on-variant |" in row
    assert "ucstar=intersection on G_4: confirmed;" in row and "ucstar=intersection on G_4 without the vertices: refuted;" in row
    assert "G_4 without the vertices (omits part of Δ" in row
    row = next(line for line in text.splitlines() if line.startswith("| vartiainen2014/lemma-7-cases |"))
    assert "phase=current: refuted; phase=previous: refuted" in row


# ---------------------------------------------------------------------------------
# the manifest is a certificate: forgeries fail, naming the entry
@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    assert reproduce(d, claims=["vartiainen2014/lemma-3", "vartiainen2014/veto-ic"], log=lambda s: None, echo=lambda s: None) == 0
    return d


def _copy(run, tmp_path):
    d = tmp_path / "copy"
    shutil.copytree(run, d)
    return d, json.loads((d / "manifest.json").read_text(encoding="utf-8"))


def _write(d, doc):
    (d / "manifest.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
    return verify_manifest(d / "manifest.json")


def test_small_run_manifest_verifies(small_run):
    ok, why = verify_manifest(small_run / "manifest.json")
    assert ok, why
    assert "3 entries of 2 claims decided again" in why


@pytest.mark.parametrize("reading_too", [False, True], ids=["headline-only", "headline-and-reading"])
def test_flipped_verdict_fails_naming_the_entry(small_run, tmp_path, reading_too):
    d, doc = _copy(small_run, tmp_path)
    e = next(e for e in doc["entries"] if e["instance"] == "veto-2x2")
    assert e["status"] == "refuted"
    e["status"] = "confirmed"
    if reading_too:
        e["readings"][0]["status"] = "confirmed"
    ok, why = _write(d, doc)
    assert not ok and "vartiainen2014/veto-ic [veto-2x2]" in why
    assert ("decided again" in why) if reading_too else ("headline rule" in why)


def test_edited_summary_fails(small_run, tmp_path):
    d, doc = _copy(small_run, tmp_path)
    doc["entries"][1]["readings"][0]["summary"] = "all is well"
    ok, why = _write(d, doc)
    assert not ok and "decided again" in why and "summary" in why


def test_tampered_certificate_hash_fails(small_run, tmp_path):
    d, doc = _copy(small_run, tmp_path)
    c = doc["entries"][0]["readings"][0]["certificates"][0]
    c["sha256"] = "0" * 64
    ok, why = _write(d, doc)
    assert not ok and "sha256" in why and c["path"] in why


def test_tampered_certificate_file_fails(small_run, tmp_path):
    d, doc = _copy(small_run, tmp_path)
    rel = doc["entries"][2]["readings"][0]["certificates"][0]["path"]
    p = d / rel
    p.write_text(p.read_text(encoding="utf-8").replace('"format"', ' "format"', 1), encoding="utf-8")
    ok, why = verify_manifest(d / "manifest.json")
    assert not ok and rel in why and "sha256" in why


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.json", "a/../../outside.json", "a\\b.json", "", "./x.json",
                                  "C:/x.json", "a\0b.json", "//host/x.json"])
def test_paths_outside_the_folder_are_refused(small_run, tmp_path, path):
    d, doc = _copy(small_run, tmp_path)
    doc["entries"][0]["readings"][0]["certificates"][0]["path"] = path
    ok, why = _write(d, doc)
    assert not ok and "path" in why


def test_symlink_out_of_the_folder_is_refused(small_run, tmp_path):
    d, doc = _copy(small_run, tmp_path)
    rel = doc["entries"][0]["readings"][0]["certificates"][0]["path"]
    outside = tmp_path / "outside.json"
    shutil.copy(d / rel, outside)
    (d / rel).unlink()
    (d / rel).symlink_to(outside)
    ok, why = verify_manifest(d / "manifest.json")
    assert not ok and "leaves the manifest's folder" in why


def test_duplicate_keys_are_refused(small_run, tmp_path):
    d, doc = _copy(small_run, tmp_path)
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    text = text.replace('"status": "refuted"', '"status": "confirmed", "status": "refuted"', 1)
    (d / "manifest.json").write_text(text, encoding="utf-8")
    ok, why = verify_manifest(d / "manifest.json")
    assert not ok and 'duplicate key "status"' in why


@pytest.mark.parametrize("edit, match", [
    pytest.param(lambda doc: doc["entries"][0].update(claim="vartiainen2014/no-such"), "not in the registry", id="unknown-claim"),
    pytest.param(lambda doc: doc["entries"][1].update(instance="made-up"), "not a paper instance", id="unknown-instance"),
    pytest.param(lambda doc: doc["entries"].append(dict(doc["entries"][1])), "listed twice", id="duplicate-entry"),
    pytest.param(lambda doc: doc["entries"][0].update(code="__import__('os')"), "exactly the keys", id="extra-key"),
    pytest.param(lambda doc: doc["entries"][0]["domain"][1].update(contains=True), "headline rule", id="domain-contains-flipped"),
    pytest.param(lambda doc: doc.update(format="exactmd-manifest/2"), "not an exactmd-manifest/1", id="format"),
])
def test_other_forgeries_fail(small_run, tmp_path, edit, match):
    d, doc = _copy(small_run, tmp_path)
    edit(doc)
    ok, why = _write(d, doc)
    assert not ok and match in why


# ---------------------------------------------------------------------------------
# reproduce CLAIM into a full run: keeps every other entry
def test_one_claim_reproduce_keeps_every_other_entry(tmp_path):
    d = tmp_path / "proofs"
    shutil.copytree(PROOFS, d)
    before = json.loads((d / "manifest.json").read_text(encoding="utf-8"))["entries"]
    files_before = sorted(p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file())
    assert reproduce(d, claims=["vartiainen2014/veto-ic"], log=lambda s: None, echo=lambda s: None) == 0
    after = json.loads((d / "manifest.json").read_text(encoding="utf-8"))["entries"]
    assert len(after) == len(before)
    for b, a in zip(before, after):
        if b["claim"] != "vartiainen2014/veto-ic":
            assert json.dumps(a, ensure_ascii=False) == json.dumps(b, ensure_ascii=False)
    assert sorted(p.relative_to(d).as_posix() for p in d.rglob("*") if p.is_file()) == files_before
    for rel in files_before:
        assert (d / rel).read_bytes() == (PROOFS / rel).read_bytes(), rel


def test_reproduce_removes_files_a_rerun_claim_no_longer_lists(small_run, tmp_path):
    d, doc = _copy(small_run, tmp_path)
    stale = d / "vartiainen2014" / "veto-ic" / "veto-2x2" / "old-name.json"
    stale.write_text("{}", encoding="utf-8")
    e = next(e for e in doc["entries"] if e["instance"] == "veto-2x2")
    e["readings"][0]["certificates"].append({"path": stale.relative_to(d).as_posix(), "sha256": "0" * 64})
    unrelated = d / "notes.txt"
    unrelated.write_text("mine", encoding="utf-8")
    (d / "manifest.json").write_text(json.dumps({"format": doc["format"], "entries": doc["entries"]}), encoding="utf-8")
    assert reproduce(d, claims=["veto-ic"], log=lambda s: None, echo=lambda s: None) == 0
    assert not stale.exists() and unrelated.read_text() == "mine"
    ok, why = verify_manifest(d / "manifest.json")
    assert ok, why


def test_partial_reproduce_refuses_an_old_list_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text("[]", encoding="utf-8")
    with pytest.raises(Exception, match="old list format"):
        reproduce(tmp_path, claims=["veto-ic"], log=lambda s: None, echo=lambda s: None)
    assert (tmp_path / "manifest.json").read_text() == "[]"


def _consistent(d):
    """Every file the manifest in ``d`` lists exists with its recorded sha256."""
    import hashlib

    entries = load_manifest(d / "manifest.json")
    for e in entries:
        for r in e["readings"]:
            for c in r["certificates"]:
                assert hashlib.sha256((d / c["path"]).read_bytes()).hexdigest() == c["sha256"], c["path"]
    return entries


def test_interrupted_reproduce_leaves_a_manifest_consistent_with_its_files(small_run, tmp_path, monkeypatch):
    import hashlib

    import exactmd.reproduce as rp

    d, doc = _copy(small_run, tmp_path)
    # a listed certificate whose content a new run changes (as after a code change), recorded consistently
    e = next(e for e in doc["entries"] if e["instance"] == "veto-2x2")
    c = e["readings"][0]["certificates"][0]
    data = (d / c["path"]).read_bytes() + b"\n"
    (d / c["path"]).write_bytes(data)
    c["sha256"] = hashlib.sha256(data).hexdigest()
    (d / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")
    real = rp._write_atomic

    def interrupted(path, data):
        if path.name != "manifest.json":
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(rp, "_write_atomic", interrupted)
    with pytest.raises(KeyboardInterrupt):
        reproduce(d, claims=["veto-ic"], log=lambda s: None, echo=lambda s: None)
    entries = _consistent(d)  # the shorter manifest: the entry whose file changes is withdrawn first
    assert [(x["claim"], x["instance"]) for x in entries] == [
        ("vartiainen2014/lemma-3", "commitment-2x2-G4"), ("vartiainen2014/veto-ic", "veto-nonneg-2x2")]
    assert not list(d.rglob("*.tmp"))
    monkeypatch.undo()
    assert reproduce(d, claims=["veto-ic"], log=lambda s: None, echo=lambda s: None) == 0
    assert len(_consistent(d)) == 3
    ok, why = verify_manifest(d / "manifest.json")
    assert ok, why


# ---------------------------------------------------------------------------------
# the command line shows readings and domains, and verifies a manifest
def test_cli_verify_on_a_manifest(small_run, tmp_path, capsys):
    from exactmd.cli import main

    assert main(["verify", str(small_run / "manifest.json")]) == 0
    out = capsys.readouterr()
    assert out.out.startswith("OK") and "decided again" in out.out and "[1/3]" in out.err
    d, doc = _copy(small_run, tmp_path)
    doc["entries"][2]["status"] = doc["entries"][2]["readings"][0]["status"] = "refuted"  # veto-nonneg-2x2 was confirmed
    (d / "manifest.json").write_text(json.dumps(doc), encoding="utf-8")
    assert main(["verify", str(d / "manifest.json")]) == 1
    assert "FAIL" in (line := capsys.readouterr().out) and "veto-nonneg-2x2" in line


def test_cli_claims_shows_readings_with_the_papers_words_and_domains(capsys):
    from exactmd.cli import main

    assert main(["claims"]) == 0
    out = capsys.readouterr().out
    block = out[out.index("vartiainen2014/lemma-3 "):out.index("vartiainen2014/lemma-4 ")]
    assert "reading ucstar=intersection:" in block and "Denote $$UC^* = \\cap_t UC^t.$$" in block
    assert "domain: G_N without the vertices, for Δ (all beliefs over Θ) (omits part of it)" in block
    plain = sum(1 for c in CLAIMS.values() if [r.id for r in c.readings] == ["as-stated"])
    assert plain >= 15 and out.count("reading as-stated: the statement read literally") == plain


def test_neeman_pavlov_table_has_readings_and_domain():
    from exactmd.papers.neemanpavlov2007.cli import NEEMAN_PAVLOV_COLUMNS, neeman_pavlov_rows
    from exactmd.tables import render

    rows = neeman_pavlov_rows(claims=[CLAIMS[c] for c in ("neemanpavlov2007/example-5", "neemanpavlov2007/example-4")])
    row = next(r for r in rows if r["instance"] == "prices-2-3-4-5")
    assert row["verdict"] == "depends-on-reading"
    assert row["readings"].startswith("proposals=menu+timing=after-lottery on no trade and trade at p ∈ [2, 5]: refuted; "
                                      "proposals=with-transfers+timing=after-lottery on no trade and trade at p ∈ [2, 5]: confirmed")
    assert row["domain"].startswith("no trade and trade at p ∈ [2, 5]")
    assert next(r for r in rows if r["claim"] == "example-4")["readings"] == "as-stated on the instance: confirmed"
    csv = render(rows, "csv", NEEMAN_PAVLOV_COLUMNS)
    assert csv.splitlines()[0] == "claim,where,instance,verdict,readings,domain,summary"
