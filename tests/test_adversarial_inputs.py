"""Hostile input to the command line (issue 14, deliverable 8): no code run, no hang, no
traceback, nothing overwritten.

Each case runs ``exactmd`` in a subprocess with a hang guard (``TIMEOUT`` seconds: a guard,
not a speed assertion) and asserts the exit status (2 for bad input, 1 for a failing
``verify``), exactly one error line on stderr (after argparse's usage block, when there
is one), and no ``Traceback`` anywhere.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TIMEOUT = 30
HUGE = "1e999999999"


def run(args, cwd, timeout=TIMEOUT):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    try:
        p = subprocess.run([sys.executable, "-m", "exactmd.cli", *map(str, args)], cwd=cwd, capture_output=True,
                           text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"exactmd {' '.join(map(str, args))}: no answer within {timeout} s (a hang)")
    return p.returncode, p.stdout, p.stderr


def _error_lines(stderr: str) -> list[str]:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    if lines and lines[0].startswith("usage:"):  # argparse: usage block, then "exactmd ...: error: ..."
        k = next((i for i, ln in enumerate(lines) if ": error:" in ln), len(lines))
        lines = lines[k:]
    return lines


def refused(args, cwd, *, code=2):
    """exactmd ARGS exits with ``code`` and one stderr line; returns that line."""
    rc, out, err = run(args, cwd)
    where = f"exactmd {' '.join(map(str, args))}"
    assert "Traceback" not in err + out, f"{where}: traceback:\n{err[-1500:]}"
    assert rc == code, f"{where}: exit {rc}, expected {code}; stderr: {err[-500:]!r}; stdout: {out[-300:]!r}"
    lines = _error_lines(err)
    assert len(lines) == 1, f"{where}: expected one error line on stderr, got {len(lines)}: {lines[:5]}"
    return lines[0]


def verify_fails(path, cwd):
    """exactmd verify PATH prints one FAIL line and exits 1 (no traceback, at most one stderr line)."""
    rc, out, err = run(["verify", path], cwd)
    assert "Traceback" not in err + out, f"verify {path}: traceback:\n{err[-1500:]}"
    assert rc == 1, f"verify {path}: exit {rc}; stdout {out[-300:]!r}; stderr {err[-300:]!r}"
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("FAIL"), out[-500:]
    assert len(_error_lines(err)) <= 1, err[-500:]
    return lines[0]


def _lp(rhs="4", **extra):
    doc = {"sense": "max", "variables": {"x": ["0", None], "y": ["0", None]}, "objective": {"x": "1", "y": "1"},
           "constraints": [{"name": "c0", "coeffs": {"x": "1", "y": "2"}, "op": "<=", "rhs": rhs}]}
    doc.update(extra)
    return doc


def _env_text(old: str = '"*" = "2"', new: str | None = None) -> str:
    text = (EXAMPLES / "commitment-2x2.toml").read_text(encoding="utf-8")
    if new is not None:
        assert old in text
        text = text.replace(old, new, 1)
    return text


# ---------------------------------------------------------------------------------
# no code from the file is ever run
PAYLOADS = [
    "__import__('os').system('touch PWNED') * 0 + x",
    "(lambda: __import__('os').system('touch PWNED'))() * 0 + x",
    "x + 0*[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == 'Popen'][0](['touch', 'PWNED']).wait()",
]


@pytest.mark.parametrize("payload", PAYLOADS, ids=["import", "lambda", "subclasses"])
@pytest.mark.parametrize("where", ["lhs", "rhs", "symbol"])
def test_a_symbolic_identity_is_never_evaluated(tmp_path, payload, where):
    ident = {"name": "payload", "lhs": "x", "rhs": "x", "holds": True}
    symbols = ["x"]
    if where == "symbol":
        symbols = ["x", payload]
        ident["lhs"] = payload
    else:
        ident[where] = payload
    doc = {"format": "exactmd-symbolic-check/1", "statement": "x = x", "symbols": symbols, "identities": [ident]}
    (tmp_path / "payload.json").write_text(json.dumps(doc), encoding="utf-8")
    rc, out, err = run(["verify", "payload.json"], tmp_path)
    assert not (tmp_path / "PWNED").exists(), "verify ran code from the file"
    assert "Traceback" not in out + err
    assert rc == 1 and out.startswith("FAIL"), (rc, out, err)


def test_a_safe_identity_still_verifies(tmp_path):
    from exactmd.papers.vartiainen2014.identities import summation_by_parts

    doc = summation_by_parts(3)  # the engine's own document: the parser must still read it
    (tmp_path / "ok.json").write_text(json.dumps(doc), encoding="utf-8")
    rc, out, err = run(["verify", "ok.json"], tmp_path)
    assert rc == 0 and out.startswith("OK"), (rc, out, err)


# ---------------------------------------------------------------------------------
# numbers that are too large, and structures that are too deep
def test_huge_exponent_in_an_lp_json(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps(_lp(HUGE)), encoding="utf-8")
    refused(["lp", "solve", "p.json"], tmp_path)


def test_huge_json_number_in_an_lp_json(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps(_lp("4")).replace('"rhs": "4"', f'"rhs": {HUGE}'), encoding="utf-8")
    refused(["lp", "solve", "p.json"], tmp_path)


def test_huge_exponent_in_an_lp_file(tmp_path):
    (tmp_path / "p.lp").write_text(f"Maximize\n obj: x + y\nSubject To\n c0: x + 2 y <= {HUGE}\nEnd\n", encoding="utf-8")
    refused(["lp", "solve", "p.lp"], tmp_path)


def test_huge_exponent_in_an_environment_file(tmp_path):
    (tmp_path / "env.toml").write_text(_env_text(new=f'"*" = "{HUGE}"'), encoding="utf-8")
    refused(["design", "env.toml"], tmp_path)


def test_huge_exponent_as_eps(tmp_path):
    (tmp_path / "env.toml").write_text(_env_text(), encoding="utf-8")
    refused(["uc", "env.toml", "--grid", "2", "--eps", HUGE], tmp_path)


def test_huge_exponent_in_a_belief(tmp_path):
    (tmp_path / "env.toml").write_text(_env_text(), encoding="utf-8")
    refused(["covers", "env.toml", "--belief", f"L,L={HUGE}; H,H=1/2"], tmp_path)


def test_huge_exponent_in_a_certificate(tmp_path):
    from exactmd.lp import solve_problem

    cert = solve_problem(_lp("4"))._cert
    cert["value"] = HUGE
    (tmp_path / "c.json").write_text(json.dumps(cert), encoding="utf-8")
    verify_fails("c.json", tmp_path)


def test_nan_in_a_certificate(tmp_path):
    from exactmd.lp import solve_problem

    text = json.dumps(solve_problem(_lp("4"))._cert).replace('"value": "4"', '"value": NaN')
    assert "NaN" in text
    (tmp_path / "c.json").write_text(text, encoding="utf-8")
    verify_fails("c.json", tmp_path)


def test_a_valid_lp_with_an_optimum_beyond_4300_digits_solves_exactly(tmp_path):
    big = "1" + "0" * 4919 + "7"  # 10^4920 + 7, 4,921 digits: beyond Python's default int-string limit
    (tmp_path / "p.json").write_text(json.dumps(_lp(big)), encoding="utf-8")
    rc, out, err = run(["lp", "solve", "p.json", "-o", "c.json"], tmp_path)
    assert rc == 0 and "Traceback" not in err, err[:300]
    cert = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert cert["status"] == "optimal" and cert["value"] == big  # max x + y, x + 2y <= b: x = b, y = 0
    rc, out, err = run(["verify", "c.json"], tmp_path)
    assert rc == 0 and out.startswith("OK"), (out, err[-500:])


@pytest.mark.parametrize("where", ["root", "inside"])
def test_deeply_nested_json_is_refused(tmp_path, where):
    deep = "[" * 100_000 + "]" * 100_000
    text = deep if where == "root" else '{"format": "exactmd-lp-certificate/1", "problem": ' + deep + "}"
    (tmp_path / "deep.json").write_text(text, encoding="utf-8")
    verify_fails("deep.json", tmp_path)
    refused(["lp", "solve", "deep.json"], tmp_path)
    refused(["explain", "deep.json"], tmp_path)


def test_duplicate_keys_are_refused(tmp_path):
    text = json.dumps(_lp("4")).replace('"rhs": "4"', '"rhs": "1", "rhs": "4"')
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    refused(["lp", "solve", "p.json"], tmp_path)
    from exactmd.lp import solve_problem

    cert = json.dumps(solve_problem(_lp("4"))._cert)
    (tmp_path / "c.json").write_text(cert.replace('"status": "optimal"', '"status": "infeasible", "farkas": {}, "status": "optimal"'),
                                     encoding="utf-8")
    verify_fails("c.json", tmp_path)


def test_a_truncated_mps_gz_is_refused(tmp_path):
    mps = ("NAME tiny\nROWS\n N obj\n L c0\nCOLUMNS\n x obj -1 c0 1\n y obj -1 c0 2\nRHS\n rhs c0 4\nENDATA\n")
    data = gzip.compress(mps.encode())
    (tmp_path / "p.mps.gz").write_bytes(data[: len(data) // 2])
    refused(["lp", "solve", "p.mps.gz"], tmp_path)


def test_an_lp_row_with_a_list_of_coefficients_is_refused(tmp_path):
    doc = _lp("4")
    doc["constraints"][0]["coeffs"] = [1, 1]
    (tmp_path / "p.json").write_text(json.dumps(doc), encoding="utf-8")
    refused(["lp", "solve", "p.json"], tmp_path)


def test_an_lp_row_without_a_right_hand_side_is_refused(tmp_path):
    (tmp_path / "p.lp").write_text("Maximize\n obj: x + y\nSubject To\n c0: x + 2 y <=\nEnd\n", encoding="utf-8")
    refused(["lp", "solve", "p.lp"], tmp_path)


# ---------------------------------------------------------------------------------
# sizes and arguments
@pytest.mark.parametrize("K", ["1..1000000000000", "99999999999999999999", "0", "-3..2"])
def test_table_bargaining_refuses_a_huge_or_empty_K(tmp_path, K):
    refused(["table", "bargaining", "--K", K], tmp_path)


def test_uc_refuses_a_huge_grid(tmp_path):
    (tmp_path / "env.toml").write_text(_env_text(), encoding="utf-8")
    refused(["uc", "env.toml", "--grid", "1000000"], tmp_path)


def test_uc_refuses_a_bad_scheduler_address(tmp_path):
    (tmp_path / "env.toml").write_text(_env_text(), encoding="utf-8")
    refused(["uc", "env.toml", "--grid", "2", "--scheduler", "not-an-address"], tmp_path)


def test_check_refuses_a_negative_example_count(tmp_path):
    refused(["check", "vartiainen2014/lemma-1", "--examples", "-1"], tmp_path)


def test_plot_refuses_an_output_that_is_not_a_picture(tmp_path):
    refused(["plot", "bargaining", "--K", "2", "-o", "out.toml"], tmp_path)
    assert not (tmp_path / "out.toml").exists()


def test_types_written_as_strings_are_refused(tmp_path):
    # types = ["LH", "LH"] is not two type lists (it was read as types L, H)
    (tmp_path / "env.toml").write_text(_env_text('types = [["L", "H"], ["L", "H"]]', 'types = ["LH", "LH"]'), encoding="utf-8")
    refused(["design", "env.toml"], tmp_path)


@pytest.mark.parametrize("doc", [[1, 2], {}, {"format": "exactmd-mechanism-certificate/1"}], ids=["list", "empty", "fieldless"])
def test_explain_refuses_what_is_not_a_certificate(tmp_path, doc):
    (tmp_path / "c.json").write_text(json.dumps(doc), encoding="utf-8")
    refused(["explain", "c.json"], tmp_path)


def test_covers_refuses_a_device_that_is_not_a_device(tmp_path):
    (tmp_path / "env.toml").write_text(_env_text(), encoding="utf-8")
    (tmp_path / "dev.json").write_text("[]", encoding="utf-8")
    refused(["covers", "env.toml", "--belief", "L,L=1/2; H,H=1/2", "--device", "dev.json"], tmp_path)


# ---------------------------------------------------------------------------------
# nothing lost: -o naming the command's own input
ENV_COMMANDS = {
    "design": ["design", "env.toml", "-o", "env.toml"],
    "uc": ["uc", "env.toml", "--grid", "2", "-o", "env.toml"],
    "covers": ["covers", "env.toml", "--belief", "L,L=1/2; H,H=1/2", "-o", "env.toml"],
}


@pytest.mark.parametrize("name", sorted(ENV_COMMANDS))
def test_output_naming_the_input_is_refused(tmp_path, name):
    text = _env_text()
    (tmp_path / "env.toml").write_text(text, encoding="utf-8")
    refused(ENV_COMMANDS[name], tmp_path)
    assert (tmp_path / "env.toml").read_text(encoding="utf-8") == text


def test_renegotiation_output_naming_the_input_is_refused(tmp_path):
    text = (EXAMPLES / "neeman-pavlov-example-1.toml").read_text(encoding="utf-8")
    (tmp_path / "env.toml").write_text(text, encoding="utf-8")
    refused(["renegotiation", "env.toml", "-o", "./env.toml"], tmp_path)
    assert (tmp_path / "env.toml").read_text(encoding="utf-8") == text


def test_lp_solve_output_naming_the_input_is_refused(tmp_path):
    text = json.dumps(_lp("4"))
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    refused(["lp", "solve", "p.json", "-o", "p.json"], tmp_path)
    assert (tmp_path / "p.json").read_text(encoding="utf-8") == text


def test_a_float_with_a_large_exponent_gets_a_short_hint():
    from exactmd.errors import InputError
    from exactmd.jsonio import loads_strict

    with pytest.raises(InputError) as e:
        loads_strict("[1e999]")
    assert len(str(e.value)) < 200 and 'write it as a string "p/q"' in str(e.value)
    with pytest.raises(InputError) as e:
        loads_strict("[0.5]")
    assert 'e.g. "1/2"' in str(e.value)
