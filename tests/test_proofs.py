"""The committed proofs/ directory: every certificate verifies, and it is not stale."""

import json
from pathlib import Path

import pytest

from exactmd.design import verify_document
from exactmd.jsonio import load_strict
from exactmd.reproduce import reproduce
from exactmd.theorems import CLAIMS

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
FILES = sorted(p for p in PROOFS.rglob("*.json") if p.name != "manifest.json")


def test_proofs_directory_is_populated():
    assert (PROOFS / "manifest.json").is_file(), "run `exactmd reproduce` to regenerate proofs/"
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(PROOFS).as_posix())
def test_committed_certificate_verifies(path):
    ok, why = verify_document(load_strict(path))  # as `exactmd verify` reads it
    assert ok, why


def test_manifest_lists_every_file_and_every_claim():
    manifest = json.loads((PROOFS / "manifest.json").read_text(encoding="utf-8"))
    listed = {c for e in manifest for c in e["certificates"]}
    assert listed == {p.relative_to(PROOFS).as_posix() for p in FILES}
    assert {e["claim"] for e in manifest} == set(CLAIMS)
    assert all(e["status"] in ("confirmed", "refuted", "not-applicable") for e in manifest)


def test_proofs_are_not_stale(tmp_path):
    rc = reproduce(tmp_path, log=lambda s: None, echo=lambda s: None)
    assert rc == 0
    fresh = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(PROOFS).as_posix() for p in PROOFS.rglob("*") if p.is_file())
    assert fresh == committed
    for rel in fresh:
        assert (tmp_path / rel).read_bytes() == (PROOFS / rel).read_bytes(), f"proofs/{rel} is stale: run exactmd reproduce"
