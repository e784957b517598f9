"""Figures of a user's sweep and of a mechanism's allocation: the data plotted equals the exact
values (checked against Myerson's auction by hand), and PNG / PDF files are written with their headers."""

import json
from pathlib import Path

import pytest

from exactmd.cli import main
from exactmd.design import optimal_mechanism
from exactmd.environment import load_environment
from exactmd.errors import ModelError
from exactmd.figures import allocation_grid, sweep_series
from exactmd.rational import Q

ROOT = Path(__file__).resolve().parent.parent
AUCTION = str(ROOT / "examples" / "auction-2x3.toml")


def test_sweep_series_are_the_table_values(tmp_path, capsys):
    out = tmp_path / "s.json"
    assert main(["sweep", AUCTION, "--param", 'valuation.1.1."3,*"=3,4', "--objective", "revenue", "-o", str(out)]) == 0
    pts, other = sweep_series(json.loads(out.read_text()), 'valuation.1.1."3,*"')
    assert pts == [(Q(3), Q(2)), (Q(4), Q("20/9"))] and other == []  # Myerson by hand (tests/test_sweep_param.py)
    with pytest.raises(ModelError, match="no column 'rho'"):
        sweep_series(json.loads(out.read_text()), "rho")
    capsys.readouterr()


def test_allocation_grid_is_myersons_auction():
    env = load_environment(AUCTION)
    mech = optimal_mechanism(env, ["IC", "interim-IR"], "revenue").mechanism
    # virtual values -1, 1, 3 for both: nobody gets it at (1, 1); the higher virtual value wins; ties at (2,2), (3,3)
    none = allocation_grid(env, mech, "none")
    assert none[0][0] == 1 and all(v == 0 for j, row in enumerate(none) for i, v in enumerate(row) if (i, j) != (0, 0))
    g1, g2 = allocation_grid(env, mech, "1"), allocation_grid(env, mech, "2")
    for j in range(3):
        for i in range(3):
            assert g1[j][i] + g2[j][i] + none[j][i] == 1
            if i > j:
                assert g1[j][i] == 1
            if j > i:
                assert g2[j][i] == 1


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "s.csv"
    assert main(["sweep", AUCTION, "--param", 'valuation.1.1."3,*"=3,4', "--objective", "revenue", "-o", str(out)]) == 0
    return out


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF-")])
def test_figures_are_written(tmp_path, table, suffix, magic, capsys):
    pytest.importorskip("matplotlib", reason="the plot extra is not installed")
    for argv in (["plot", "sweep", str(table), "--x", 'valuation.1.1."3,*"'], ["plot", "allocation", AUCTION, "--objective", "revenue"]):
        out = tmp_path / f"{argv[1]}{suffix}"
        assert main([*argv, "-o", str(out)]) == 0
        data = out.read_bytes()
        assert data.startswith(magic) and len(data) > 2000
        if suffix == ".png":  # IHDR: width and height of a 5.5 x 3.8 in (sweep) or 3-panel (allocation) figure at 110 dpi
            w, h = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
            assert (w, h) == ((605, 418) if argv[1] == "sweep" else (1254, 396))
        assert main([*argv, "-o", str(out)]) == 0  # its own picture is redrawn without --force
    capsys.readouterr()


def test_allocation_figure_needs_two_agents(capsys):
    assert main(["plot", "allocation", str(ROOT / "examples" / "public-good-3-agents.toml"), "-o", "/tmp/never.png"]) == 2
    assert "needs two agents" in capsys.readouterr().err
