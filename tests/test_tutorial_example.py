"""The claims file of docs/your-own-theorem.md (docs/examples/posted_prices.py), run as
the tutorial runs it: the true claim is never refuted, the false one is refuted on a
shrunk instance whose certificate verifies, and the numbers are the ones derived by hand."""

import json
import subprocess
import sys
from pathlib import Path

from exactmd.certificates import verify_document

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "posted_prices.py"


def _exactmd(*args, cwd):
    return subprocess.run([sys.executable, "-m", "exactmd", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_check_refutes_full_extraction_and_never_posted_price(tmp_path):
    r = _exactmd("check", str(EXAMPLE), "--examples", "25", "--seed", "1", "--out", "cex", cwd=tmp_path)
    assert r.returncode == 1, r.stderr  # a refutation is exit 1
    lines = r.stdout.splitlines()
    assert any(l.startswith("textbook/posted-price: never refuted on 25 random instances") for l in lines), r.stdout
    refuted = [l for l in lines if l.startswith("textbook/full-extraction: REFUTED")]
    assert len(refuted) == 1, r.stdout
    certs = sorted((tmp_path / "cex").rglob("*.json"))
    assert certs, "the counterexample's certificate is written"
    for c in certs:
        ok, why = verify_document(json.loads(c.read_text()))
        assert ok, (c, why)
    # the counterexample is printed as a table: a header row with the prior column
    assert "| θ | p(θ) |" in r.stdout


def test_values_one_two_three_by_hand(tmp_path):
    # one buyer, values 1, 2, 3, uniform: posted price 1 earns 1, price 2 earns 2 * 2/3 = 4/3,
    # price 3 earns 3 * 1/3 = 1; the best is 4/3, below the expected value 2.
    r = _exactmd("reproduce", "--claims", str(EXAMPLE), "--out", "run", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    text = json.dumps(manifest)
    assert "optimal revenue 4/3, best posted price revenue 4/3" in text
    assert "optimal revenue 4/3, expected value 2" in text
    assert not (tmp_path / "run" / "derivations").exists(), "the papers' derivations belong to the papers' runs"
    v = _exactmd("verify", "--claims", str(EXAMPLE), "run/manifest.json", cwd=tmp_path)
    assert v.returncode == 0, v.stdout + v.stderr
    assert "2 entries of 2 claims decided again" in v.stdout and "not in this manifest" not in v.stdout, v.stdout
    # one word of a verdict changed, or one number of a certificate: refused
    m = tmp_path / "run" / "manifest.json"
    good = m.read_text()
    m.write_text(good.replace('"status": "refuted"', '"status": "confirmed"', 1))
    v = _exactmd("verify", "--claims", str(EXAMPLE), "run/manifest.json", cwd=tmp_path)
    assert v.returncode == 1 and v.stdout.startswith("FAIL"), v.stdout
    m.write_text(good)
    cert = next((tmp_path / "run" / "textbook" / "posted-price").rglob("*.json"))
    doc = json.loads(cert.read_text())
    assert doc["lp"]["value"] == "4/3"
    doc["lp"]["value"] = "5/3"
    ok, why = verify_document(doc)
    assert not ok, why
