"""Pictures: the bargaining trade regions render to a PNG (matplotlib is in the test extra)."""

from exactmd.cli import main


def test_plot_bargaining_writes_a_png(tmp_path):
    out = tmp_path / "region.png"
    assert main(["plot", "bargaining", "--K", "3", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
