"""The committed proofs/ directory: every certificate verifies, the manifest lists them
with their sha256, and it is not stale."""

import hashlib
import json
from pathlib import Path

import pytest

from exactmd.certificates import verify_document
from exactmd.jsonio import load_strict
from exactmd.reproduce import MANIFEST_FORMAT, load_manifest
from exactmd.claims import CLAIMS, HEADLINE_STATUSES, READING_STATUSES

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
FILES = sorted(p for p in PROOFS.rglob("*.json") if p.name != "manifest.json")


def test_proofs_directory_is_populated():
    assert (PROOFS / "manifest.json").is_file(), "run `exactmd reproduce` to regenerate proofs/"
    assert FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(PROOFS).as_posix())
def test_committed_certificate_verifies(path):
    ok, why = verify_document(load_strict(path))  # as `exactmd verify` reads it
    assert ok, why


def test_manifest_lists_every_file_with_its_hash_and_every_claim():
    assert json.loads((PROOFS / "manifest.json").read_text(encoding="utf-8"))["format"] == MANIFEST_FORMAT
    manifest = load_manifest(PROOFS / "manifest.json")
    listed = {c["path"]: c["sha256"] for e in manifest for r in e["readings"] for c in r["certificates"]}
    assert set(listed) == {p.relative_to(PROOFS).as_posix() for p in FILES}
    for rel, sha in listed.items():
        assert hashlib.sha256((PROOFS / rel).read_bytes()).hexdigest() == sha, rel
    assert {e["claim"] for e in manifest} == set(CLAIMS)
    assert all(e["status"] in HEADLINE_STATUSES for e in manifest)
    assert all(r["status"] in READING_STATUSES for e in manifest for r in e["readings"])
    for e in manifest:  # every reading the claim declares is decided in every entry
        assert {r["reading"] for r in e["readings"]} == {r.id for r in CLAIMS[e["claim"]].readings}, e["claim"]


#: `exactmd reproduce` as README command 1 runs it: the plain install, without the test extra
_WITHOUT_HYPOTHESIS = """
import sys
class _NoHypothesis:
    def find_spec(self, name, path=None, target=None):
        if name == "hypothesis" or name.startswith("hypothesis."):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked: the plain install has no test extra)")
        return None
sys.meta_path.insert(0, _NoHypothesis())
from exactmd.cli import main
sys.exit(main(["reproduce", "--out", sys.argv[1], "--no-progress"]))
"""


@pytest.mark.slow
def test_proofs_are_not_stale(tmp_path):
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-c", _WITHOUT_HYPOTHESIS, str(tmp_path)], capture_output=True, text=True,
                       timeout=900)
    assert p.returncode == 0, p.stderr[-2000:]
    fresh = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(PROOFS).as_posix() for p in PROOFS.rglob("*") if p.is_file())
    assert fresh == committed
    for rel in fresh:
        assert (tmp_path / rel).read_bytes() == (PROOFS / rel).read_bytes(), f"proofs/{rel} is stale: run exactmd reproduce"


@pytest.mark.slow
@pytest.mark.slow
def test_committed_manifest_verifies_by_deciding_every_entry_again():
    from exactmd.reproduce import verify_manifest

    ok, why = verify_manifest(PROOFS / "manifest.json")
    assert ok, why
