"""Certificates of the new families: the command line, tampering, and custom families (--plugin)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from exactmd import Q
from exactmd.cli import main
from exactmd.design import optimal_mechanism, verify_mechanism_certificate
from exactmd.environment import Environment, load_environment

AUCTION = '''name = "2 bidders, values {1,2,3}"
kind = "quasilinear"
types = [[1, 2, 3], [1, 2, 3]]
allocations = ["none", "win1", "win2"]
[valuation.1.none]
"*" = 0
[valuation.1.win1]
"1,*" = 1
"2,*" = 2
"3,*" = 3
[valuation.1.win2]
"*" = 0
[valuation.2.none]
"*" = 0
[valuation.2.win1]
"*" = 0
[valuation.2.win2]
"*,1" = 1
"*,2" = 2
"*,3" = 3
'''


@pytest.fixture()
def env_file(tmp_path: Path) -> Path:
    f = tmp_path / "auction.toml"
    f.write_text(AUCTION + '[cost]\nwin1 = "1/2"\nwin2 = "1/2"\n')
    return f


def test_design_dsic_ex_post_ir_symmetric_from_the_command_line(env_file: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "c.json"
    assert main(["design", str(env_file), "--constraints", "DSIC,ex-post-IR,symmetric", "--objective", "revenue",
                 "-o", str(out)]) == 0
    assert "under DSIC, ex-post-IR, symmetric in environment '2 bidders, values {1,2,3}' is 2." in capsys.readouterr().out
    assert main(["verify", str(out)]) == 0
    line = capsys.readouterr().out
    assert line.startswith("OK") and "is 2." in line and "taken from the file" not in line


def test_design_with_the_files_cost_table(env_file: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "c.json"
    assert main(["design", str(env_file), "--constraints", "DSIC,ex-post-IR,weak-BB-cost", "--objective", "welfare",
                 "-o", str(out)]) == 0
    assert "weak-BB-cost with production cost c(win1) = 1/2, c(win2) = 1/2" in capsys.readouterr().out
    cert = json.loads(out.read_text())
    assert cert["constraints"][2] == {"family": "weak-BB-cost", "cost": {"win1": "1/2", "win2": "1/2"}}
    assert main(["verify", str(out)]) == 0


def test_cost_family_without_a_cost_table_is_one_line(tmp_path: Path, capsys) -> None:
    f = tmp_path / "plain.toml"
    f.write_text(AUCTION)
    assert main(["design", str(f), "--constraints", "IC,BB-cost", "--objective", "revenue"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "BB-cost needs a production cost" in err and "no [cost] table" in err


def test_asymmetric_environment_on_the_command_line_is_one_line(tmp_path: Path, capsys) -> None:
    f = tmp_path / "asym.toml"
    f.write_text(AUCTION.replace('"*,3" = 3', '"*,3" = 4'))
    assert main(["design", str(f), "--constraints", "IC,symmetric", "--objective", "revenue"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "symmetric: the environment is not symmetric under swapping agents 1 and 2" in err


# ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cert() -> dict:
    env = load_environment_text(AUCTION)
    from exactmd.families import BudgetBalanceCost

    r = optimal_mechanism(env, ["DSIC", "ex-post-IR", "symmetric", BudgetBalanceCost({"win1": 1}, "weak-BB-cost")],
                          "revenue")
    return json.loads(r.to_json())


def load_environment_text(text: str) -> Environment:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "e.toml"
        p.write_text(text)
        return load_environment(p)


def _row(c: dict, prefix: str) -> int:
    return next(k for k, r in enumerate(c["lp"]["problem"]["constraints"]) if r["name"].startswith(prefix))


def _change_coefficient(c: dict) -> None:
    r = c["lp"]["problem"]["constraints"][_row(c, "DSIC[")]
    v = next(iter(r["coeffs"]))
    r["coeffs"][v] = "7"


def _drop_row(c: dict) -> None:
    del c["lp"]["problem"]["constraints"][_row(c, "SYM[")]


def _rename(old: str, new: str):
    def f(c: dict) -> None:
        c["constraints"] = [new if s == old else s for s in c["constraints"]]
    return f


def _change_cost(c: dict) -> None:
    c["constraints"][3]["cost"]["win1"] = "2"


def _cost_noncanonical(c: dict) -> None:
    c["constraints"][3]["cost"]["win1"] = "2/2"


@pytest.mark.parametrize("tamper, field", [
    pytest.param(_change_coefficient, "environment: row 'DSIC[", id="dsic-coefficient"),
    pytest.param(_drop_row, "the LP in the certificate has 'SYM[", id="symmetric-row-dropped"),
    pytest.param(_rename("DSIC", "ex-post-IC"), "constraints: row", id="dsic-renamed-ex-post-ic"),
    pytest.param(_rename("symmetric", "anonymous"), "labelled as a built-in family's row", id="renamed-to-unknown"),
    pytest.param(_change_cost, "constraints: row 'BBC[", id="cost-changed"),
    pytest.param(_cost_noncanonical, "constraints:", id="cost-not-canonical"),
])
def test_a_tampered_certificate_is_refused_naming_the_field(cert: dict, tamper, field: str) -> None:
    assert verify_mechanism_certificate(cert)[0]
    bad = copy.deepcopy(cert)
    tamper(bad)
    ok, why = verify_mechanism_certificate(bad)
    assert not ok
    assert field in why, why


# ---------------------------------------------------------------------------------
PLUGIN = '''
from exactmd.constraints import ConstraintFamily, Row, register_family
from exactmd.encoding import tvar
from flint import fmpq


class PriceCap(ConstraintFamily):
    """No agent pays more than 3/2 at any profile: t_i(θ) >= -3/2."""

    name = "{name}"

    def rows(self, env, p):
        return [Row(f"CAP[agent {{env.agents[i]}}: {{','.join(map(str, th))}}]", {{tvar(env, i, th): fmpq(1)}}, ">=",
                    fmpq(-3, 2), self.name, {{}})
                for th in env.profiles() for i in range(env.n)]


register_family("{name}", PriceCap, owner="test plug-in")
'''


def test_verify_with_and_without_the_plugin(tmp_path: Path, capsys, env_file: Path) -> None:
    plugin = tmp_path / "pricecap.py"
    plugin.write_text(PLUGIN.format(name="price-cap-roundtrip"))
    out = tmp_path / "cap.json"
    assert main(["design", str(env_file), "--plugin", str(plugin), "--constraints", "DSIC,ex-post-IR,price-cap-roundtrip",
                 "--objective", "revenue", "-o", str(out)]) == 0
    capsys.readouterr()
    c = json.loads(out.read_text())
    assert Q(c["lp"]["value"]) < 2  # the cap binds: the uncapped optimum, 2, charges 5/2 at (3,2)
    assert all(Q(t) >= Q("-3/2") for lot in c["mechanism"].values() for x in lot for t in x["transfers"])
    # the plug-in loaded: its rows are re-derived, no caveat
    assert main(["verify", "--plugin", str(plugin), str(out)]) == 0
    line = capsys.readouterr().out
    assert line.startswith("OK") and "taken from the file" not in line
    # a fresh process without the plug-in: the rows are taken from the file, and the verdict says so
    run = subprocess.run([sys.executable, "-m", "exactmd", "verify", str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "OK" in run.stdout and "(rows of custom family 'price-cap-roundtrip' taken from the file, not re-derived" in run.stdout
    # a changed cap in the file: with the plug-in, the re-derived row differs and verify names it
    bad = copy.deepcopy(c)
    bad["lp"]["problem"]["constraints"][_row(bad, "CAP[")]["rhs"] = "-2"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    assert main(["verify", "--plugin", str(plugin), str(tmp_path / "bad.json")]) == 1
    assert "row 'CAP[agent 1: 1,1]'" in capsys.readouterr().out


def test_verify_without_the_plugin_takes_the_rows_from_the_file_and_says_so(tmp_path: Path) -> None:
    import importlib.util

    plugin = tmp_path / "pricecap_solo.py"
    plugin.write_text(PLUGIN.format(name="price-cap-solo").replace("register_family(", "_unused = (").replace(
        'owner="test plug-in")', 'dict(owner="x"))'))
    spec = importlib.util.spec_from_file_location("pricecap_solo", plugin)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # the family's code, not registered
    env = load_environment_text(AUCTION)
    r = optimal_mechanism(env, ["DSIC", mod.PriceCap(), "ex-post-IR"], "revenue")
    c = json.loads(r.to_json())
    assert c["constraints"] == ["DSIC", "price-cap-solo", "ex-post-IR"]
    ok, why = verify_mechanism_certificate(c)
    assert ok, why
    assert why.startswith("(rows of custom family 'price-cap-solo' taken from the file, not re-derived")
    # the known families' rows are still re-derived: a changed DSIC coefficient is refused
    bad = copy.deepcopy(c)
    _change_coefficient(bad)
    assert not verify_mechanism_certificate(bad)[0]
    # a custom row over a variable the environment does not have is refused by name
    bad = copy.deepcopy(c)
    bad["lp"]["problem"]["constraints"][_row(bad, "CAP[")]["coeffs"] = {"t[9|1,1]": "1"}
    ok, why = verify_mechanism_certificate(bad)
    assert not ok and "not a mechanism variable" in why
    # violates a family whose code is not loaded: refused
    bad = dict(c, violates=["price-cap-solo"])
    ok, why = verify_mechanism_certificate(bad)
    assert not ok and why.startswith("violates: custom family 'price-cap-solo' is not loaded")


def test_a_plugin_that_fails_is_one_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "broken.py"
    bad.write_text("raise RuntimeError('no')\n")
    assert main(["verify", "--plugin", str(bad), str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be loaded: RuntimeError: no" in err
