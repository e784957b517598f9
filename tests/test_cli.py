"""The exactmd command: one-line errors, exit codes, and the public JSON contract."""

import json
import subprocess
import sys

import pytest

from exactmd.cli import main

PROBLEM = {
    "format": "exactmd-lp-problem/1",
    "sense": "max",
    "variables": {"x": ["0", None], "y": ["0", None]},
    "objective": {"x": "1", "y": "1"},
    "constraints": [
        {"name": "c0", "coeffs": {"x": "1", "y": "2"}, "op": "<=", "rhs": "4"},
        {"name": "c1", "coeffs": {"x": "3", "y": "1"}, "op": "<=", "rhs": "6"},
    ],
}


def run(*args):
    return subprocess.run([sys.executable, "-m", "exactmd.cli", *args], capture_output=True, text=True)


def test_lp_solve_prints_the_certificate_of_the_contract(tmp_path, capsys):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(PROBLEM))
    assert main(["lp", "solve", str(f)]) == 0
    cert = json.loads(capsys.readouterr().out)
    # Hand solution: x + 2y = 4 and 3x + y = 6 give x = 8/5, y = 6/5, value 14/5,
    # duals 2/5 and 1/5 (CERTIFICATES.md).
    assert cert["status"] == "optimal" and cert["value"] == "14/5"
    assert cert["primal"] == {"x": "8/5", "y": "6/5"}
    assert cert["dual"] == {"c0": "2/5", "c1": "1/5"}


@pytest.mark.parametrize("method", ["exact", "hint"])
def test_lp_solve_methods_give_the_hand_solution(tmp_path, capsys, method):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(PROBLEM))
    assert main(["lp", "solve", str(f), "--method", method, "--trace"]) == 0
    out = capsys.readouterr()
    cert = json.loads(out.out)
    assert cert["value"] == "14/5" and cert["dual"] == {"c0": "2/5", "c1": "1/5"}  # a nondegenerate vertex: unique
    assert ("float hint" in out.err) == (method == "hint")


def test_lp_solve_stdout_is_only_the_certificate_with_the_hint(tmp_path):
    # HiGHS prints a banner on file descriptor 1 when created; stdout must stay pure JSON
    f = tmp_path / "p.json"
    f.write_text(json.dumps(PROBLEM))
    r = run("lp", "solve", str(f), "--method", "hint")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["value"] == "14/5"


def test_lp_solve_rejects_an_unknown_method(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(PROBLEM))
    r = run("lp", "solve", str(f), "--method", "fastest")
    assert r.returncode == 2 and "invalid choice: 'fastest'" in r.stderr and "Traceback" not in r.stderr


def test_verify_exit_codes_and_one_line_per_file(tmp_path, capsys):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(PROBLEM))
    good = tmp_path / "good.json"
    assert main(["lp", "solve", str(f), "-o", str(good)]) == 0
    bad = tmp_path / "bad.json"
    cert = json.loads(good.read_text())
    cert["value"] = "3"
    bad.write_text(json.dumps(cert))
    capsys.readouterr()
    assert main(["verify", str(good)]) == 0
    assert main(["verify", str(good), str(bad)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-2].startswith("OK") and lines[-1].startswith("FAIL")


def test_error_is_one_line_and_nonzero():
    r = run("lp", "solve", "/nonexistent/problem.json")
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_max_pivots_gives_up_cleanly(tmp_path):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(PROBLEM))
    r = run("lp", "solve", str(f), "--method", "exact", "--max-pivots", "1")
    assert r.returncode == 2 and "gave up" in r.stderr and "Traceback" not in r.stderr


def test_design_writes_a_verifiable_certificate(tmp_path, capsys):
    env = tmp_path / "env.toml"
    env.write_text(
        'kind = "quasilinear"\nagents = ["buyer", "seller"]\ntypes = [["0", "1"], ["0", "1"]]\n'
        'allocations = ["0", "1"]\n[prior]\nuniform = true\n'
        '[valuation.buyer.0]\n"*" = "0"\n[valuation.buyer.1]\n"0,*" = "0"\n"1,*" = "1"\n'
        '[valuation.seller.0]\n"*" = "0"\n[valuation.seller.1]\n"*,0" = "0"\n"*,1" = "-1"\n'
    )
    out = tmp_path / "cert.json"
    assert main(["design", str(env), "--constraints", "IC,interim-IR,BB", "-o", str(out)]) == 0
    assert "is 1/4" in capsys.readouterr().out  # posted price 1/2 attains the first best 1/4
    assert main(["verify", str(out)]) == 0


def test_float_in_environment_file_is_refused_with_exact_spelling(tmp_path):
    env = tmp_path / "env.toml"
    env.write_text('kind = "finite"\ntypes = [["a"]]\noutcomes = ["x"]\n[utility.1.x]\n"*" = 0.1\n')
    r = run("design", str(env))
    assert r.returncode == 2 and '"1/10"' in r.stderr and "Traceback" not in r.stderr


def test_lp_solve_reads_mps_and_traces_with_row_labels(tmp_path):
    f = tmp_path / "m.mps"
    f.write_text("NAME T\nOBJSENSE MAX\nROWS\n N obj\n L cap\nCOLUMNS\n x obj 1 cap 1\nRHS\n RHS cap 2.5\nENDATA\n")
    r = run("lp", "solve", str(f), "--trace")
    assert r.returncode == 0
    assert json.loads(r.stdout)["value"] == "5/2"
    assert "pivot 1" in r.stderr and "cap" in r.stderr


EXAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "examples"


def test_uc_prints_the_sequence_and_writes_a_verifiable_report(tmp_path, capsys):
    rep = tmp_path / "uc.json"
    assert main(["uc", str(EXAMPLES / "commitment-2x2.toml"), "--grid", "2", "--eps", "1/10", "-o", str(rep)]) == 0
    out = capsys.readouterr().out
    assert "universe: G_2 (10 beliefs)" in out and "|UC^0|" in out and "UC^1 = UC^0" in out
    assert main(["verify", str(rep)]) == 0


def test_uc_with_two_workers_prints_the_same(tmp_path, capsys):
    args = ["uc", str(EXAMPLES / "commitment-2x2.toml"), "--grid", "2", "--universe", "no-vertices"]
    assert main(args) == 0
    serial = capsys.readouterr().out
    assert main([*args, "--workers", "2"]) == 0
    assert capsys.readouterr().out == serial


def test_covers_decides_and_writes_a_certificate(tmp_path, capsys):
    cert = tmp_path / "c.json"
    env = str(EXAMPLES / "commitment-2x2.toml")
    assert main(["covers", env, "--belief", "L,L=1/4; L,H=1/4; H,L=1/4; H,H=1/4", "-o", str(cert)]) == 0
    out = capsys.readouterr().out
    assert "p is covered under Δ" in out and "witness device" in out
    assert main(["verify", str(cert)]) == 0
    # a given device: the constant status quo is worth v̄ = 1 < 1 + ε — clause 1
    dev = tmp_path / "d.json"
    dev.write_text(json.dumps({"device": {p: {"s": "1"} for p in ["L,L", "L,H", "H,L", "H,H"]}, "g": {"s": "none"}}))
    assert main(["covers", env, "--belief", "L,L=1/2; H,H=1/2", "--device", str(dev), "--B", "grid:2"]) == 1
    assert "does not cover (clause 1)" in capsys.readouterr().out


def test_covers_and_uc_errors_are_one_line():
    env = str(EXAMPLES / "commitment-2x2.toml")
    for args, msg in [
        (["covers", env, "--belief", "L,L=1/2"], "sums to 1/2, not 1"),
        (["covers", env, "--belief", "L,L=1/2; H,H=1/2", "--B", "cube:3"], "--B 'cube:3'"),
        (["covers", env, "--belief", "L,L=1/2; H,H"], "not 'profile=probability'"),
        (["uc", env, "--grid", "2", "--eps=-1/10"], "eps=-1/10 must be positive"),
        (["uc", env, "--grid", "0"], "grid N=0"),
        (["uc", env, "--grid", "2", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    ]:
        r = run(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_commitment_example_file_is_the_package_example():
    from exactmd.papers.vartiainen2014 import example_environment
    from exactmd.environment import load_environment

    assert load_environment(EXAMPLES / "commitment-2x2.toml").to_dict() == example_environment().to_dict()
