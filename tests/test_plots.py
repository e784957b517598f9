"""Pictures: the bargaining trade regions render to a PNG (matplotlib is in the test extra)."""

from exactmd.cli import main


def test_plot_bargaining_writes_a_png(tmp_path):
    out = tmp_path / "region.png"
    assert main(["plot", "bargaining", "--K", "3", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_uc_ternary_one_panel_per_iterate(tmp_path):
    from pathlib import Path

    out = tmp_path / "uc.png"
    env = str(Path(__file__).resolve().parent.parent / "examples" / "commitment-three-types.toml")
    assert main(["uc", env, "--grid", "4", "--universe", "no-vertices", "--plot", str(out)]) == 0
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_uc_ternary_refuses_four_profiles(tmp_path):
    import pytest

    from exactmd.papers.vartiainen2014 import example_environment, grid, uc_sequence
    from exactmd.errors import ExactMDError
    from exactmd.papers.vartiainen2014.plots import uc_ternary

    env = example_environment()
    seq = uc_sequence(env, grid(env.types, 1), progress=False)
    with pytest.raises(ExactMDError, match="exactly 3 profiles; commitment 2x2 has 4"):
        uc_ternary(env, seq, tmp_path / "x.png")
