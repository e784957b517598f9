"""exactmd sweep: sweep results equal direct solves of environments built independently (in
Python, not by rewriting the file), Myerson's revenue by hand, the Crémer–McLean jump at ρ = 0,
an infeasible point's status, certificates that verify, and bad --param specs as one line."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exactmd.certificates import verify_document
from exactmd.cli import main
from exactmd.design import feasible_mechanism, optimal_mechanism
from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.rational import Q, fmt
from exactmd.strategies import rationals
from exactmd.sweep_params import Expr, parse_path, parse_values, path_text
from exactmd.sweeps import sweep

ROOT = Path(__file__).resolve().parent.parent
AUCTION = str(ROOT / "examples" / "auction-2x3.toml")
CORRELATED = str(ROOT / "examples" / "auction-correlated-2x2.toml")
NP2 = str(ROOT / "examples" / "neeman-pavlov-example-2.toml")
RHO = ["rho=-1/2:1/2:1/4", 'prior.joint."1,1"=(1+rho)/4', 'prior.joint."2,2"=(1+rho)/4',
       'prior.joint."1,2"=(1-rho)/4', 'prior.joint."2,1"=(1-rho)/4']


def auction(top: int) -> Environment:
    """examples/auction-2x3.toml with bidder 1's value 3 replaced by ``top``, built in Python."""
    v1 = {1: 1, 2: 2, 3: top}
    return Environment.quasilinear([[1, 2, 3], [1, 2, 3]], "uniform", ["none", "1", "2"],
                                   lambda i, a, th: (v1[int(th[0])] if i == 0 else th[1]) if a == str(i + 1) else 0,
                                   agents=["1", "2"])


def test_sweep_equals_direct_solves_and_myerson_by_hand():
    r = sweep(AUCTION, ['valuation.1.1."3,*"=3,4,5'], objective="revenue")
    for pt, top in zip(r.points, (3, 4, 5)):
        direct = optimal_mechanism(auction(top), ["IC", "interim-IR"], "revenue")
        assert pt.status == "optimal" and pt.value == direct.value
    # Myerson by hand: virtual values of bidder 2 (-1, 1, 3); of bidder 1 (-1, 0, top); revenue E[max(φ1, φ2, 0)]
    assert [fmt(p.value) for p in r.points[:2]] == ["2", "20/9"]
    assert r.points[2].value == Q(5) / 3 + Q("8/9")  # top 5: (1/3)·5 + (2/3)·(4/3)


def test_correlated_prior_full_extraction_jumps_at_zero():
    r = sweep(CORRELATED, RHO[:1], RHO[1:], objective="revenue")
    full = {fmt(p.params["rho"]): p.value for p in r.points}
    for rho, v in full.items():
        surplus = 2 - (1 + Q(rho)) / 4  # E[max value] = 2 − P(both 1)
        assert v == (surplus if rho != "0" else Q("3/2"))  # ρ = 0: Myerson, 2 · P(some value 2) · φ(2)/2 = 3/2
    assert [fmt(p.numbers['prior.joint."1,1"']) for p in r.points] == ["1/8", "3/16", "1/4", "5/16", "3/8"]


def test_an_infeasible_point_shows_its_status_and_equals_a_direct_solve():
    r = sweep(NP2, ['valuation.seller.trade."*,6"=-6,-4', 'valuation.seller.trade."*,2"=-2,0'],
              constraints="IC,interim-IR,BB,efficiency", feasible=True)
    got = {(fmt(p.params['valuation.seller.trade."*,6"']), fmt(p.params['valuation.seller.trade."*,2"'])): p.status
           for p in r.points}
    for (hi, lo), status in got.items():
        env = Environment.quasilinear([[1, 5], [-Q(lo), -Q(hi)]], "uniform", ["none", "trade"],
                                      lambda i, a, th: 0 if a == "none" else (th[0] if i == 0 else -th[1]),
                                      agents=["buyer", "seller"])
        assert status == feasible_mechanism(env, ["IC", "interim-IR", "BB", "efficiency"]).status
    assert got[("-4", "0")] == "infeasible" and got[("-6", "-2")] == "feasible"


def test_certificates_are_written_and_verify(tmp_path, capsys):
    out = tmp_path / "s.csv"
    argv = ["sweep", CORRELATED, "--param", "rho=0,1/2", *sum((["--set", s] for s in RHO[1:]), []), "--objective", "revenue",
            "--certificates", str(tmp_path / "certs"), "-o", str(out)]
    assert main(argv) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("point,rho,") and lines[0].endswith(",status,value,certificate")
    assert lines[1].split(",")[-3:] == ["optimal", "3/2", "point-1.json"]
    for f in ("point-1.json", "point-2.json"):
        ok, why = verify_document(json.loads((tmp_path / "certs" / f).read_text()))
        assert ok, why
    assert main(argv) == 0  # its own table and certificates are replaced without --force
    capsys.readouterr()


def test_latex_and_json_output(capsys):
    assert main(["sweep", AUCTION, "--param", 'valuation.1.1."3,*"=3,4', "--objective", "revenue", "--format", "latex"]) == 0
    tex = capsys.readouterr().out
    assert "\\toprule" in tex and "$\\frac{20}{9}$" in tex and "\\begin{tabular}{rrlr}" in tex
    assert main(["sweep", AUCTION, "--param", 'valuation.1.1."3,*"=4', "--objective", "revenue", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["value"] == "20/9"


@pytest.mark.parametrize("args, named", [
    (["--param", "rho=0.1x"], "'0.1x'"),
    (["--param", "rho=0:1:0", "--set", 'prior.joint."1,1"=rho'], "step 0"),
    (["--param", "rho=1/2"], "no --set uses it"),
    (["--param", 'prior.joint."1,1"=1/2'], "prior sums to 9/8"),
    (["--param", "rho=0,1", "--set", 'prior.joint."1,1"=(1+rho)/4'], "rho=0"),
    (["--param", "cost.c=1"], "has no cost"),
    (["--param", "prior.independent.1.1=1/2"], "no independent prior"),
    (["--param", "r=0", "--set", 'prior.joint."1,1"=1/r'], "divides by zero"),
    (["--param", "r=0", "--set", 'prior.joint."1,1"=s'], "s is no --param name"),
    (["--param", "valuation.9.x=1"], "no valuation.9"),
    (["--param", "name.x=1"], "not a table"),
    (["--param", "valuation.1.none=1"], "not a number"),
    (["--param", "rho"], "NAME=VALUES"),
], ids=["junk-number", "zero-step", "unused-name", "prior-sum", "prior-sum-at-a-point", "no-cost", "no-independent",
        "divide-by-zero", "unknown-name", "unknown-agent", "not-a-table", "not-a-number", "no-values"])
def test_bad_param_specs_are_one_line_exit_2(args, named, capsys):
    assert main(["sweep", CORRELATED, *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("exactmd: error: ") and named in err, err


def test_paths_round_trip_and_refuse_top_level():
    for text in ['valuation.buyer.trade."5,*"', "prior.independent.buyer.1/2", 'a."x.y"."q\\"t"']:
        assert path_text(parse_path(text)) == text
    with pytest.raises(ModelError, match="names no number"):
        parse_path("name")


@settings(max_examples=25)
@given(a=rationals(), h=rationals(min_value=0, max_value=2).filter(lambda q: q > 0), n=st.integers(0, 6))
def test_ranges_are_exact_arithmetic_progressions(a, h, n):
    b = a + n * h
    assert parse_values("p", f"{fmt(a)}:{fmt(b)}:{fmt(h)}") == [a + k * h for k in range(n + 1)]


@settings(max_examples=25)
@given(x=rationals(), y=rationals())
def test_expressions_compute_exactly(x, y):
    e = Expr.parse("(1 + x) / 4 - 2*y + -x*(y - 1/3)")
    assert e.value({"x": x, "y": y}) == (1 + x) / 4 - 2 * y + (-x) * (y - Q("1/3"))
