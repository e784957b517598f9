"""exactmd.progress and --progress/--no-progress: a status line on stderr on a terminal only; stdout and files unchanged."""

import io
import sys
from pathlib import Path

import pytest

from exactmd import progress
from exactmd.cli import main

ROOT = Path(__file__).resolve().parent.parent
AUCTION = str(ROOT / "examples" / "auction-2x3.toml")


class Tty(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self):
        return True


def test_status_line_only_on_a_terminal_or_when_forced():
    tty, pipe = Tty(), io.StringIO()
    with progress.reporting(None, tty, interval=0):
        progress.step("claims", 1, 3, "first")
        progress.step("pivots", 7)
    assert "\rclaims: 1/3 first · pivots: 7 · " in tty.getvalue()
    assert tty.getvalue().endswith("\r")  # the line is erased at the end of the block
    with progress.reporting(None, pipe, interval=0):
        progress.step("claims", 1, 3)
    assert pipe.getvalue() == ""
    off = Tty()
    with progress.reporting(False, off, interval=0):
        progress.step("claims", 1, 3)
    assert off.getvalue() == ""
    forced = io.StringIO()
    with progress.reporting(True, forced, interval=0):
        progress.step("claims", 2, 3)
    assert "claims: 2/3" in forced.getvalue()


def test_outside_a_reporting_block_nothing_is_written(capsys):
    progress.step("claims", 1, 2)
    progress.finish("claims")
    assert capsys.readouterr() == ("", "")


def test_redraws_are_rate_limited():
    tty = Tty()
    with progress.reporting(True, tty, interval=10**6):
        for k in range(1000):
            progress.step("pivots", k)
    assert tty.getvalue().count("\r") == 1 + 2  # the first draw only, then the erase at the end ("\r … \r")


def test_a_note_clears_the_line_first():
    tty = Tty()
    with progress.reporting(True, tty, interval=0):
        progress.step("claims", 1, 2)
        progress.note("certificate written to x", stream=tty)
    text = tty.getvalue()
    line, rest = text.split("certificate written to x\n")
    assert line.startswith("\rclaims: 1/2") and line.endswith("\r") and line.rstrip("\r").endswith(" ")
    assert "\rclaims" not in rest


def test_finished_tasks_leave_the_line():
    tty = Tty()
    with progress.reporting(True, tty, interval=0) as rep:
        progress.step("outer", 1, 2)
        progress.step("inner", 5)
        progress.finish("inner")
        assert rep.line().startswith("outer: 1/2 · ") and "inner" not in rep.line()


def _run(monkeypatch, capsys, argv, tty):
    """stdout and stderr of ``exactmd ARGV`` with stderr a terminal (tty) or a pipe."""
    capsys.readouterr()
    err = Tty() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    rc = main(argv)
    monkeypatch.undo()
    return rc, capsys.readouterr().out, err.getvalue()


DESIGN = ["design", AUCTION, "--objective", "revenue"]
SWEEP = ["sweep", AUCTION, "--param", 'valuation.1.1."3,*"=3,4', "--objective", "revenue"]
CHECK = ["check", "neemanpavlov2007/lemma-1", "--examples", "3"]


@pytest.mark.parametrize("argv,task", [(DESIGN, "\rdesign: building the LP"), (SWEEP, "\rpoints: 0/2"), (CHECK, "\rcheck: 1/1 claims")],
                         ids=["design", "sweep", "check"])
def test_cli_progress_on_a_terminal_and_stdout_unchanged(monkeypatch, capsys, argv, task):
    rc, out_tty, err_tty = _run(monkeypatch, capsys, argv, tty=True)
    assert rc == 0 and task in err_tty
    rc, out_off, err_off = _run(monkeypatch, capsys, argv + ["--no-progress"], tty=True)
    assert rc == 0 and "\r" not in err_off
    rc, out_pipe, err_pipe = _run(monkeypatch, capsys, argv, tty=False)
    assert rc == 0 and "\r" not in err_pipe
    rc, out_forced, err_forced = _run(monkeypatch, capsys, argv + ["--progress"], tty=False)
    assert rc == 0 and task in err_forced
    assert out_tty == out_off == out_pipe == out_forced != ""


def test_files_are_the_same_with_and_without_progress(monkeypatch, capsys, tmp_path):
    rc, out_a, _ = _run(monkeypatch, capsys, ["reproduce", "neemanpavlov2007/lemma-1", "--out", str(tmp_path / "a"),
                                              "--progress"], tty=True)
    rc2, out_b, err_b = _run(monkeypatch, capsys, ["reproduce", "neemanpavlov2007/lemma-1", "--out", str(tmp_path / "b"),
                                                   "--no-progress"], tty=True)
    assert rc == rc2 == 0 and out_a == out_b and "\r" not in err_b
    a, b = sorted(p.name for p in (tmp_path / "a").iterdir()), sorted(p.name for p in (tmp_path / "b").iterdir())
    assert a == b and a
    for name in a:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    cert_a, cert_b = tmp_path / "d1.json", tmp_path / "d2.json"
    _run(monkeypatch, capsys, DESIGN + ["-o", str(cert_a), "--progress"], tty=True)
    _run(monkeypatch, capsys, DESIGN + ["-o", str(cert_b), "--no-progress"], tty=True)
    assert cert_a.read_bytes() == cert_b.read_bytes()


def test_the_option_is_refused_with_a_value(capsys):
    with pytest.raises(SystemExit) as e:
        main(["design", AUCTION, "--progress=yes"])
    assert e.value.code == 2
    assert "--progress" in capsys.readouterr().err


def test_the_line_is_cut_to_the_terminal_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    tty = Tty()
    with progress.reporting(True, tty, interval=0):
        progress.step("design", None, None, "solving the LP (704 rows × 3,584 variables) " * 3)
    drawn = [s for s in tty.getvalue().split("\r") if s.strip()]
    assert drawn and all(len(s) < 40 for s in drawn) and drawn[0].endswith("…")


def test_every_subcommand_takes_the_options():
    import argparse

    from exactmd.cli import _parser

    def leaves(parser, path=()):
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            yield path, parser
        for a in subs:
            for name, p in a.choices.items():
                yield from leaves(p, path + (name,))

    found = list(leaves(_parser()))
    assert len(found) > 10
    for path, p in found:
        assert {"--progress", "--no-progress"} <= set(p._option_string_actions), " ".join(path)
