"""Hostile input: strict JSON (duplicate keys, NaN, floats, depth, size) and bounded numbers
(exponents, digit counts) at every entry point — one line and an exit code, never a
traceback or a hang — and exact numbers beyond Python's 4,300-digit string limit."""

import gzip
import json
from pathlib import Path

import pytest
from flint import fmpq, fmpz

from exactmd import jsonio
from exactmd.cli import main
from exactmd.errors import ExactMDError, InputError, InvalidNumberError
from exactmd.jsonio import MAX_DEPTH, load_strict, loads_strict
from exactmd.lp import solve_problem, verify_certificate
from exactmd.rational import MAX_DIGITS, MAX_EXPONENT, Q, fmt, latex

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HUGE = "1e999999999"

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


def one_line_error(capsys, rc, want_rc=2):
    out = capsys.readouterr()
    assert rc == want_rc, out
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("exactmd: error:"), out.err
    assert "Traceback" not in out.err
    return lines[0]


# ---------------------------------------------------------------------------------
# strict JSON
def test_duplicate_key_is_refused_with_its_path():
    with pytest.raises(InputError, match=r'duplicate key "status" at \$\.lp'):
        loads_strict('{"lp": {"status": "infeasible", "farkas": {}, "status": "optimal"}}')


@pytest.mark.parametrize("const", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinities_are_refused_with_their_path(const):
    with pytest.raises(InputError, match=rf"{const} at \$\.primal\[\"x y\"\]"):
        loads_strict('{"primal": {"x y": %s}}' % const)


def test_a_json_float_is_refused_with_the_exact_spelling():
    with pytest.raises(InputError, match=r'0\.25 at \$\.c\[1\]: not exact; write it as a string, e.g\. "1/4"'):
        loads_strict('{"c": [1, 0.25]}')
    with pytest.raises(InputError, match=r"1e999999999 at \$\.rhs"):
        loads_strict('{"rhs": 1e999999999}')


def test_integers_beyond_the_str_limit_are_read_exactly():
    doc = loads_strict("[" + "7" * 5000 + "]")
    assert doc[0] == (10**5000 - 1) // 9 * 7
    with pytest.raises(InputError, match=r"100,001 digits at \$\[0\]"):
        loads_strict("[" + "7" * (MAX_DIGITS + 1) + "]")


def test_nesting_is_bounded_exactly_at_the_limit():
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert loads_strict(ok) is not None
    with pytest.raises(InputError, match="nested more than 100 levels"):
        loads_strict("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    with pytest.raises(InputError, match="nested more than 100 levels"):
        loads_strict('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")


def test_a_truncated_deep_file_is_refused_not_recursed_into():
    with pytest.raises(InputError, match="nested more than 100 levels"):
        loads_strict("[" * 100_000)
    with pytest.raises(InputError, match="not JSON"):
        loads_strict('{"a": [1' + ", [2]" * 200)


def test_brackets_inside_strings_do_not_count():
    s = '{"k": "' + "[" * 500 + '\\"' + "{" * 500 + '", "rows": ["IC[a: 1 -> 2]"]}'
    assert loads_strict(s)["rows"] == ["IC[a: 1 -> 2]"]
    # an escaped quote does not end the string: the brackets after it are still inside
    t = '["\\"' + "[" * 300 + '"]'
    assert loads_strict(t) == ['"' + "[" * 300]


def test_unbalanced_brackets_in_strings_cannot_hide_real_depth():
    deep = '["' + "]" * 300 + '", ' + "[" * 200 + "]" * 200 + "]"
    with pytest.raises(InputError, match="nested more than 100 levels"):
        loads_strict(deep)


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    f = tmp_path / "big.json"
    f.write_text(json.dumps({"x": "1" * 200}))
    monkeypatch.setattr(jsonio, "MAX_BYTES", 100)
    with pytest.raises(InputError, match="at most 100 bytes"):
        load_strict(f)


def test_invalid_utf8_and_bad_json_are_one_error(tmp_path):
    f = tmp_path / "x.json"
    f.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(InputError, match="not UTF-8"):
        load_strict(f)
    with pytest.raises(InputError, match="not JSON: Expecting"):
        loads_strict('{"a": 1', source="y.json")


def lp_certificate():
    return json.loads(solve_problem(PROBLEM).to_json())


def test_verify_refuses_the_duplicate_status_forgery(tmp_path, capsys):
    cert = lp_certificate()
    body = json.dumps(cert)[1:]  # '"format": ..., "status": "optimal", ...}'
    f = tmp_path / "dup.json"
    f.write_text('{"status": "infeasible", "farkas": {}, ' + body)
    assert main(["verify", str(f)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and 'duplicate key "status" at $' in out


def test_verify_refuses_nan_and_floats_in_a_certificate(tmp_path, capsys):
    text = json.dumps(lp_certificate()).replace('"value": "14/5"', '"value": NaN')
    f = tmp_path / "nan.json"
    f.write_text(text)
    g = tmp_path / "float.json"
    g.write_text(json.dumps(lp_certificate()).replace('"value": "14/5"', '"value": 2.8'))
    assert main(["verify", str(f), str(g)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "FAIL" in out[0] and "NaN at $.value" in out[0]
    assert "FAIL" in out[1] and "2.8 at $.value" in out[1] and '"14/5"' in out[1]


@pytest.mark.parametrize("value", ["28/10", "2.8", "+14/5", "014/5", "14/05", " 14/5", "14/5 ", "1.4e1/5", "١٤/5"])
def test_the_checker_reads_only_canonical_numbers(value):
    cert = lp_certificate()
    cert["value"] = value
    ok, why = verify_certificate(cert)
    assert not ok and "value" in why


@pytest.mark.parametrize("value", ["-0", "3/1", "0/5", "1e3", HUGE])
def test_the_checker_refuses_non_canonical_forms_of_valid_numbers(value):
    cert = lp_certificate()
    cert["problem"]["constraints"][0]["rhs"] = value
    ok, why = verify_certificate(cert)
    assert not ok and "rhs of row 'c0'" in why


def test_deep_json_to_verify_explain_and_lp_solve(tmp_path, capsys):
    f = tmp_path / "deep.json"
    f.write_text("[" * 100_000 + "]" * 100_000)
    assert main(["verify", str(f)]) == 1
    out = capsys.readouterr()
    assert out.out.count("\n") == 1 and out.out.startswith("FAIL") and "nested more than 100 levels" in out.out
    assert "nested more than 100 levels" in one_line_error(capsys, main(["explain", str(f)]))
    assert "nested more than 100 levels" in one_line_error(capsys, main(["lp", "solve", str(f)]))


@pytest.mark.parametrize("text", ["[1, 2]", "{}", '{"format": "exactmd-lp-certificate/1", "status": "optimal"}'])
def test_explain_of_a_non_certificate_is_one_line(tmp_path, capsys, text):
    f = tmp_path / "c.json"
    f.write_text(text)
    one_line_error(capsys, main(["explain", str(f)]))


def test_covers_device_is_read_strictly(tmp_path, capsys):
    f = tmp_path / "dev.json"
    f.write_text('{"device": {}, "device": {}, "g": {}}')
    line = one_line_error(capsys, main(["covers", str(EXAMPLES / "commitment-2x2.toml"), "--belief", "L,L=1", "--device", str(f)]))
    assert 'duplicate key "device"' in line


def test_lp_solve_refuses_a_duplicate_key_in_a_problem(tmp_path, capsys):
    f = tmp_path / "p.json"
    f.write_text(json.dumps(PROBLEM)[:-1] + ', "sense": "min"}')
    assert 'duplicate key "sense" at $' in one_line_error(capsys, main(["lp", "solve", str(f)]))


# ---------------------------------------------------------------------------------
# bounded numbers
def test_q_bounds_the_exponent_and_the_digits():
    assert Q(f"1e{MAX_EXPONENT}") == fmpq(fmpz(10) ** MAX_EXPONENT)
    assert Q(f"1e-{MAX_EXPONENT}") == fmpq(1, fmpz(10) ** MAX_EXPONENT)
    for bad in (f"1e{MAX_EXPONENT + 1}", f"2.5E-{MAX_EXPONENT + 1}", HUGE, "1e" + "9" * 5000):
        with pytest.raises(InvalidNumberError, match="exponent"):
            Q(bad)
    assert Q("9" * MAX_DIGITS) == fmpq(fmpz(10) ** MAX_DIGITS - 1)
    with pytest.raises(InvalidNumberError, match="100,001 digits") as e:
        Q("9" * (MAX_DIGITS + 1), name="rhs")
    assert len(str(e.value)) < 200  # the value is shortened in the message


def test_numbers_beyond_the_str_limit_parse_and_print_exactly():
    digits = "1" + "0" * 5999 + "7"
    q = Q(digits + "/3")
    assert q * 3 == fmpq(fmpz(10) ** 6000 + 7)
    assert fmt(q) == digits + "/3"
    assert latex(-q) == "-\\frac{" + digits + "}{3}"
    assert Q("0." + "0" * 5000 + "1") == fmpq(1, fmpz(10) ** 5001)


def test_an_lp_whose_optimum_has_over_5000_digits_solves_and_verifies(tmp_path, capsys):
    n = "1" + "0" * 5200 + "1"  # N = 10^5201 + 1
    problem = json.loads(json.dumps(PROBLEM))
    problem["constraints"] = [
        {"name": "c0", "coeffs": {"x": "3"}, "op": "<=", "rhs": n},
        {"name": "c1", "coeffs": {"y": "2"}, "op": "<=", "rhs": "1"},
    ]
    f = tmp_path / "p.json"
    f.write_text(json.dumps(problem))
    cert_file = tmp_path / "cert.json"
    assert main(["lp", "solve", str(f), "-o", str(cert_file)]) == 0
    cert = json.loads(cert_file.read_text())
    # by hand: x = N/3, y = 1/2, value N/3 + 1/2 = (2N + 3)/6
    want = fmpq(2 * fmpz(n) + 3, 6)
    assert cert["status"] == "optimal" and cert["value"] == f"{want.p}/{want.q}"
    assert len(cert["value"]) > 5000
    capsys.readouterr()
    assert main(["verify", str(cert_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK") and "optimal" in out
    assert main(["explain", str(cert_file)]) == 0
    assert cert["value"] in capsys.readouterr().out


def test_huge_exponent_in_an_lp_json_rhs(tmp_path, capsys):
    problem = json.loads(json.dumps(PROBLEM))
    problem["constraints"][0]["rhs"] = HUGE
    f = tmp_path / "p.json"
    f.write_text(json.dumps(problem))
    line = one_line_error(capsys, main(["lp", "solve", str(f)]))
    assert "rhs of row 'c0'" in line and HUGE in line and "10,000" in line


@pytest.mark.parametrize("row", ["c0: x + 2 y <= 1e999999999", "c0: 1e999999999 x + 2 y <= 4", "c0: x + y <= 4\nBounds\n x <= 1e999999999"])
def test_huge_exponent_in_an_lp_file(tmp_path, capsys, row):
    f = tmp_path / "p.lp"
    f.write_text(f"Maximize\n obj: x + y\nSubject To\n {row}\nEnd\n")
    line = one_line_error(capsys, main(["lp", "solve", str(f)]))
    assert f"{f}:" in line and HUGE in line


def test_huge_exponent_in_an_mps_file(tmp_path, capsys):
    f = tmp_path / "p.mps"
    f.write_text(f"NAME t\nROWS\n N obj\n L c0\nCOLUMNS\n    x obj 1 c0 1\nRHS\n    RHS c0 {HUGE}\nENDATA\n")
    line = one_line_error(capsys, main(["lp", "solve", str(f)]))
    assert f"{f}:" in line and HUGE in line


@pytest.mark.parametrize("rows", ["c0: x + 2 y <=\n c1: 3 x + y <= 6", "c0: x + 2 y <=", "c0: 0 <= x + y <="])
def test_an_lp_row_without_right_hand_side_is_refused(tmp_path, capsys, rows):
    # it was read as "<= 0"
    f = tmp_path / "p.lp"
    f.write_text(f"Maximize\n obj: x + y\nSubject To\n {rows}\nEnd\n")
    line = one_line_error(capsys, main(["lp", "solve", str(f)]))
    assert f"{f}:4: row 'c0' has no" in line


@pytest.mark.parametrize(
    "edit, said",
    [
        (lambda p: p["constraints"][0].update(coeffs=[1, 1]), "'coeffs' of row 'c0' must map variables"),
        (lambda p: p.update(constraints={}), "'constraints' must be a list"),
        (lambda p: p.update(objective=["x"]), "'objective' must map variables"),
    ],
)
def test_malformed_lp_json_is_one_line(tmp_path, capsys, edit, said):
    problem = json.loads(json.dumps(PROBLEM))
    edit(problem)
    f = tmp_path / "p.json"
    f.write_text(json.dumps(problem))
    assert said in one_line_error(capsys, main(["lp", "solve", str(f)]))


def test_a_truncated_gzip_problem_is_one_line(tmp_path, capsys):
    data = gzip.compress(b"Maximize\n obj: x\nSubject To\n c0: x <= 1\nEnd\n" * 20)
    f = tmp_path / "p.lp.gz"
    f.write_bytes(data[: len(data) // 2])
    assert "gzip" in one_line_error(capsys, main(["lp", "solve", str(f)]))


def _env_with(tmp_path, old, new):
    text = (EXAMPLES / "bilateral-trade-K2.toml").read_text()
    assert old in text
    f = tmp_path / "env.toml"
    f.write_text(text.replace(old, new, 1))
    return f


@pytest.mark.parametrize(
    "value, said",
    [(f'"{HUGE}"', "'1e999999999' has the decimal exponent 999999999"),  # a string
     (HUGE, "inf is an infinite float")],  # a TOML float literal, which tomllib reads as inf
)
def test_huge_number_in_a_toml_environment(tmp_path, capsys, value, said):
    f = _env_with(tmp_path, '"1/2,*" = "1/2"', f'"1/2,*" = {value}')
    assert said in one_line_error(capsys, main(["design", str(f)]))


def test_a_toml_integer_beyond_the_str_limit_is_read_exactly(tmp_path, capsys):
    from exactmd.environment import load_environment

    f = _env_with(tmp_path, '"1,*" = "1"', '"1,*" = ' + "1" + "0" * 5000)
    env = load_environment(f)
    assert any(v == fmpq(fmpz(10) ** 5000) for v in _valuations(env))
    g = _env_with(tmp_path, '"1,*" = "1"', '"1,*" = ' + "1" * (MAX_DIGITS + 1))
    assert "100,000 digits" in one_line_error(capsys, main(["design", str(g)]))


def _valuations(env):
    d = env.to_dict()
    out = []

    def walk(x):
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str):
            try:
                out.append(Q(x))
            except ExactMDError:
                pass

    walk(d.get("valuation"))
    return out


@pytest.mark.parametrize("cmd", ["uc", "covers"])
def test_huge_eps_is_one_line(capsys, cmd):
    extra = ["--grid", "2"] if cmd == "uc" else ["--belief", "L,L=1/2; H,H=1/2"]
    line = one_line_error(capsys, main([cmd, str(EXAMPLES / "commitment-2x2.toml"), *extra, "--eps", HUGE]))
    assert "eps" in line and HUGE in line


def test_huge_belief_is_one_line(capsys):
    line = one_line_error(capsys, main(["covers", str(EXAMPLES / "commitment-2x2.toml"), "--belief", f"L,L={HUGE}; H,H=0"]))
    assert "belief[L,L]" in line and HUGE in line


def test_huge_numbers_in_a_certificate_fail_verify_quickly(tmp_path, capsys):
    cert = lp_certificate()
    cert["primal"]["x"] = HUGE
    cert["dual"]["c0"] = "9" * (MAX_DIGITS + 1)
    f = tmp_path / "c.json"
    f.write_text(json.dumps(cert))
    assert main(["verify", str(f)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and len(out) < 300


def test_a_huge_number_inside_a_mechanism_certificate_is_a_fail_line(tmp_path, capsys):
    src = Path(__file__).resolve().parent.parent / "proofs" / "vartiainen2014" / "lemma-5" / "K1-uniform" / "zero-transfer-mechanism.json"
    cert = json.loads(src.read_text())
    cert["environment"]["types"][0][0] = HUGE
    f = tmp_path / "c.json"
    f.write_text(json.dumps(cert))
    assert main(["verify", str(f)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and out.count("\n") == 1 and HUGE in out


@pytest.mark.parametrize("text", ["[]", "{}", '{"device": [], "g": {}}', '{"device": {"L,L": {"s": "1"}}, "g": 5}'])
def test_a_malformed_device_is_one_line(tmp_path, capsys, text):
    f = tmp_path / "dev.json"
    f.write_text(text)
    line = one_line_error(capsys, main(["covers", str(EXAMPLES / "commitment-2x2.toml"), "--belief", "L,L=1", "--device", str(f)]))
    assert str(f) in line
