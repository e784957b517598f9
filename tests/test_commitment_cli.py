"""The commitment commands: ``exactmd covers`` (with and without --device) and ``exactmd uc``
reports with standalone evidence; the universe named ``no-vertices``; B = UCᵀ of a grid."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from exactmd.cli import main
from exactmd.papers.vartiainen2014 import example_environment, grid, uc_sequence, verify_commitment_certificate, verify_uc_verdict

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ENV = str(EXAMPLES / "commitment-2x2.toml")
PROFILES = ["L,L", "L,H", "H,L", "H,H"]


def _device(tmp_path: Path, table: dict, g: dict) -> str:
    f = tmp_path / "device.json"
    f.write_text(json.dumps({"device": table, "g": g}), encoding="utf-8")
    return str(f)


def test_covers_with_a_device_writes_a_certificate_either_verdict(tmp_path, capsys):
    # the constant status quo: worth v̄ = 1 < 1 + ε at {LL 1/2, HH 1/2} — clause 1
    const = _device(tmp_path, {p: {"s": "1"} for p in PROFILES}, {"s": "none"})
    out = tmp_path / "c.json"
    assert main(["covers", ENV, "--belief", "L,L=1/2; H,H=1/2", "--device", const, "-o", str(out)]) == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["question"] == "covers" and doc["covers"] is False and doc["clause"] == "1"
    capsys.readouterr()
    assert main(["verify", str(out)]) == 0
    assert "does not cover" in capsys.readouterr().out
    # the fully revealing device: a, b or none by the profile, each with a degenerate posterior
    reveal = _device(tmp_path, {"L,L": {"LL": "1"}, "L,H": {"LH": "1"}, "H,L": {"HL": "1"}, "H,H": {"HH": "1"}},
                     {"LL": "none", "LH": "b", "HL": "a", "HH": "a"})
    out2 = tmp_path / "c2.json"
    code = main(["covers", ENV, "--belief", "L,L=1/2; H,H=1/2", "--device", reveal, "-o", str(out2)])
    doc2 = json.loads(out2.read_text(encoding="utf-8"))
    assert code == (0 if doc2["covers"] else 1)
    assert verify_commitment_certificate(doc2)[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "c2.json", "device.json"]  # no temporary file left


def test_covers_writes_atomically_over_an_old_report(tmp_path):
    out = tmp_path / "c.json"
    out.write_text('{"format": "exactmd-commitment-certificate/1", "question": "old"}', encoding="utf-8")  # an old report
    assert main(["covers", ENV, "--belief", "L,L=1/2; H,H=1/2", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["question"] == "covered"
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]


@pytest.mark.parametrize("args,msg", [
    (["uc", ENV, "--grid", "2", "--universe", "interior"], "write 'no-vertices'"),
    (["covers", ENV, "--belief", "L,L=1/2; H,H=1/2", "--B", "interior:4"], "no-vertices:4"),
    (["covers", ENV, "--belief", "L,L=1/2; H,H=1/2", "--B", "uc:1:interior:2"], "no-vertices"),
    (["covers", ENV, "--belief", "L,L=1/2; H,H=1/2", "--B", "uc:x:grid:2"], "uc:T:grid:N"),
    (["uc", ENV, "--grid", "1000"], "more than 100000 beliefs"),
])
def test_refusals_are_one_line(args, msg, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert msg in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("content", ["[]", "{}", '{"device": [], "g": {}}', '{"device": {"L,L": 1}, "g": {}}', "not json"])
def test_a_bad_device_file_is_one_line(tmp_path, capsys, content):
    f = tmp_path / "d.json"
    f.write_text(content, encoding="utf-8")
    assert main(["covers", ENV, "--belief", "L,L=1/2; H,H=1/2", "--device", str(f)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("exactmd: error:") and len(err.strip().splitlines()) == 1, err


def test_no_vertices_universe(capsys):
    assert main(["uc", ENV, "--grid", "2", "--universe", "no-vertices"]) == 0
    # G_2 over four profiles has 10 beliefs, 4 of them vertices
    assert "universe: G_2 without the vertices (6 beliefs)" in capsys.readouterr().out


def _uc_report(tmp_path: Path) -> dict:
    out = tmp_path / "uc.json"
    assert main(["uc", ENV, "--grid", "2", "--universe", "no-vertices", "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_uc_report_carries_evidence_and_verify_rechecks_it(tmp_path, capsys):
    doc = _uc_report(tmp_path)
    ev = doc["evidence"]
    assert len(ev["verdicts"]) == len(doc["iterates"]) and all(len(r) == len(doc["beliefs"]) for r in ev["verdicts"])
    ok, why = verify_commitment_certificate(doc)
    assert ok and "re-checked from their evidence" in why, why
    # without the evidence the report is recomputed, and holds too
    plain = {k: v for k, v in doc.items() if k != "evidence"}
    ok, why = verify_commitment_certificate(plain)
    assert ok and "recomputed" in why, why


def test_one_verdict_is_checked_alone(tmp_path):
    doc = _uc_report(tmp_path)
    LLHH = {"L,L": "1/2", "H,H": "1/2"}
    # under Δ, {LL 1/2, HH 1/2} is covered (V* = 2 ≥ v̄ + ε = 8/5, the fully revealing device);
    # under UC^0 of the universe without vertices the revealing posteriors are gone and it is not
    ok, why = verify_uc_verdict(doc, 0, LLHH)
    assert ok and "is covered under Δ" in why and "∉ UC^0" in why, why
    ok, why = verify_uc_verdict(doc, 1, LLHH)
    assert ok and "not covered under UC^0" in why, why
    assert not verify_uc_verdict(doc, 3, LLHH)[0]
    assert not verify_uc_verdict(doc, 0, {"L,L": "1"})[0]  # a vertex is not in this universe


def _set_witness_to_constant(doc):
    k = next(v["witness"] for v in doc["evidence"]["verdicts"][0] if v["covered"])
    doc["evidence"]["witnesses"][k] = {"device": {p: {"s": "1"} for p in PROFILES}, "g": {"s": "a"}}


def _covered_to_uncovered(doc):
    row = doc["evidence"]["verdicts"][0]
    j = next(j for j, v in enumerate(row) if v["covered"])
    row[j] = {"covered": False, "method": "revelation"}


def _drop_an_lp(doc):
    doc["evidence"]["commitment LPs"].popitem()


def _forge_lp_value(doc):
    lp = next(iter(doc["evidence"]["commitment LPs"].values()))
    lp["lp"]["value"] = "-1"


def _unused_witness(doc):
    doc["evidence"]["witnesses"].append(copy.deepcopy(doc["evidence"]["witnesses"][0]))


def _elimination_to_revelation(doc):
    row = doc["evidence"]["verdicts"][1]
    j = next(j for j, v in enumerate(row) if v.get("method") == "elimination")
    row[j]["method"] = "revelation"


@pytest.mark.parametrize("forge", [_set_witness_to_constant, _covered_to_uncovered, _drop_an_lp, _forge_lp_value,
                                   _unused_witness, _elimination_to_revelation])
def test_forged_evidence_fails(tmp_path, forge):
    doc = _uc_report(tmp_path)
    forge(doc)
    ok, why = verify_commitment_certificate(doc)
    assert not ok and ("'evidence'" in why or "'iterates'" in why), why


def test_B_can_be_an_iterate_of_a_grid(tmp_path, capsys):
    env = example_environment()
    G = [b for b in grid(env.types, 2) if len(b.support()) >= 2]
    seq = uc_sequence(env, G, "1/10", progress=False)  # UC^0 (4 beliefs), UC^1 = UC^2 (6 beliefs)
    for T, it in [(0, seq.iterates[0]), (1, seq.iterates[1]), (7, seq.iterates[1])]:
        out = tmp_path / f"c{T}.json"
        assert main(["covers", ENV, "--belief", "L,L=1/2; H,H=1/2", "--B", f"uc:{T}:no-vertices:2", "-o", str(out)]) == 0
        assert f"under UC^{T} on G_2 without the vertices ({len(it)} beliefs)" in capsys.readouterr().out
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert len(doc["B"]) == len(it) and sorted(map(json.dumps, doc["B"])) == sorted(json.dumps(b.to_dict()) for b in it)
        assert verify_commitment_certificate(doc)[0]
