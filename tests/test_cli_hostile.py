"""Hostile input to the command line: one line on stderr, exit 2, no traceback, the
offending value named, nothing overwritten; a sweep that loses a worker process still
returns the serial results (issue 14, items 5–7)."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import _sweep_jobs as jobs
from exactmd.cli import main
from exactmd.errors import ExactMDError
from exactmd.files import check_output_path, is_exactmd_output, write_text_atomic
from exactmd.sweep import LostJobsError, run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ENV = str(EXAMPLES / "commitment-2x2.toml")
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
HANG_GUARD = 300  # seconds: only a guard against a hang, not a speed assertion


def one_line_error(capsys, argv, *named):
    """main(argv) exits 2 with exactly one non-empty stderr line naming each of ``named``."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for word in named:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def one_line_error_subprocess(argv, *named, cwd=None):
    r = subprocess.run([sys.executable, "-m", "exactmd", *argv], capture_output=True, text=True,
                       timeout=HANG_GUARD, cwd=cwd)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.returncode == 2, r.stderr
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    for word in named:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def write(tmp_path, name, text):
    f = tmp_path / name
    f.write_bytes(text) if isinstance(text, bytes) else f.write_text(text, encoding="utf-8")
    return str(f)


def env_text(types, outcomes='["a"]'):
    return f'types = {types}\noutcomes = {outcomes}\n[utility.1.a]\n"*" = "0"\n'


# ------------------------------------------------------------------ sizes: refused before work


@pytest.mark.parametrize("K, named", [
    ("1..1000000000000", "1000000000000"),  # was a MemoryError building the list
    ("99999999999999999999", "99999999999999999999"),  # was a hang building the LP
    ("0", "0"),
    ("3..1", "3..1"),
    ("1..2..3", "1..2..3"),
    ("1.5", "1.5"),
    ("1..200", "200"),
])
def test_table_K_out_of_range_is_one_line(K, named):
    one_line_error_subprocess(["table", "bargaining", "--K", K], named)


def test_table_unknown_prior_is_refused_before_any_row(capsys):
    line = one_line_error(capsys, ["table", "bargaining", "--K", "2", "--prior", "uniform:steep"], "steep")
    assert "K = 2" not in line


def test_uc_huge_grid_is_refused_before_it_is_built():
    one_line_error_subprocess(["uc", ENV, "--grid", "1000000"], "N=1000000", "100000")


def test_a_1000_by_1000_type_environment_is_refused(tmp_path):
    types = "[" + ", ".join("[" + ", ".join(f'"t{k}"' for k in range(1000)) + "]" for _ in range(2)) + "]"
    env = write(tmp_path, "big.toml", env_text(types).replace("[utility.1.a]", "[utility.2.a]\n\"*\" = \"0\"\n[utility.1.a]"))
    one_line_error_subprocess(["uc", env, "--grid", "2"], "1000 × 1000", "50000")
    one_line_error_subprocess(["design", env], "1000000 type profiles")


def test_covers_grid_B_is_bounded(capsys):
    one_line_error(capsys, ["covers", ENV, "--belief", "L,L=1", "--B", "grid:99999999999"], "grid:99999999999")
    one_line_error(capsys, ["covers", ENV, "--belief", "L,L=1", "--B", "grid:999999"], "N=999999", "100000")


@pytest.mark.parametrize("argv, named", [
    (["uc", ENV, "--grid", "2", "--scheduler", "not-an-address"], "not-an-address"),
    (["uc", ENV, "--grid", "2", "--scheduler", "tcp://127.0.0.1:99999"], "99999"),
    (["uc", ENV, "--grid", "2", "--workers", "100000"], "100000"),
    (["uc", ENV, "--grid", "2", "--workers", "0"], "workers=0"),
    (["uc", ENV, "--grid", "2", "--plot", "uc.toml"], "uc.toml"),
    (["uc", ENV, "--grid", "2", "--plot", "uc.png"], "3 profiles"),  # |Θ| = 4: before the sweep
    (["check", "--examples", "-1"], "-1"),
    (["check", "--examples", "0"], "--examples 0"),
    (["check", "--seed", "-1"], "--seed -1"),
    (["check", "--shrink-seconds", "nan"], "nan"),
    (["plot", "bargaining", "-o", "out.toml"], "out.toml"),
    (["plot", "bargaining", "--K", "1000"], "1000"),
    (["lp", "solve", "p.json", "--max-pivots", "-1"], "-1"),
    (["lp", "solve", "p.json", "--time-limit", "nan"], "nan"),
    (["design", ENV, "--time-limit", "-5"], "-5"),
])
def test_bad_options_are_one_line(tmp_path, monkeypatch, capsys, argv, named):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.json").write_text(json.dumps(PROBLEM))
    one_line_error(capsys, argv, named)
    assert not (tmp_path / "uc.png").exists() and not (tmp_path / "out.toml").exists()


def test_usage_errors_are_one_line(capsys):
    for argv, named in ((["check", "--examples", "many"], "many"), (["uc", ENV], "--grid"), (["lp"], "lp")):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and named in err, err


# ------------------------------------------------------------------ malformed files


def test_lp_row_with_a_list_of_coefficients(tmp_path, capsys):
    bad = dict(PROBLEM, constraints=[{"name": "c0", "coeffs": [1, 1], "op": "<=", "rhs": "4"}])
    f = write(tmp_path, "p.json", json.dumps(bad))
    one_line_error(capsys, ["lp", "solve", f], "'c0'", "[1, 1]")


def test_truncated_and_corrupt_gzip(tmp_path, capsys):
    mps = b"NAME T\nROWS\n N obj\n L c0\nCOLUMNS\n x obj 1 c0 1\nRHS\n RHS c0 4\nENDATA\n"
    data = gzip.compress(mps)
    trunc = write(tmp_path, "t.mps.gz", data[: len(data) // 2])
    one_line_error(capsys, ["lp", "solve", trunc], "t.mps.gz", "truncated")
    garbage = write(tmp_path, "g.mps.gz", b"\x1f\x8b" + bytes(range(256)))
    one_line_error(capsys, ["lp", "solve", garbage], "g.mps.gz", "gzip")
    whole = write(tmp_path, "w.mps.gz", data)
    assert main(["lp", "solve", whole]) == 0  # the same file complete: MPS minimises x, x in [0, 4]
    assert json.loads(capsys.readouterr().out)["value"] == "0"


def test_lp_row_without_right_hand_side_is_refused(tmp_path, capsys):
    f = write(tmp_path, "p.lp", "Maximize\n obj: x + y\nSubject To\n c0: x + 2 y <=\nEnd\n")
    one_line_error(capsys, ["lp", "solve", f], "'c0'", "right-hand side")
    f2 = write(tmp_path, "q.lp", "Maximize\n obj: x + y\nSubject To\n c0: x + 2 y <=\n c1: x <= 3\nEnd\n")
    one_line_error(capsys, ["lp", "solve", f2], "'c0'")
    f3 = write(tmp_path, "r.lp", "Maximize\n obj: x\nSubject To\n c0: x <= -\nEnd\n")
    one_line_error(capsys, ["lp", "solve", f3], "'c0'")


def test_lp_row_with_a_right_hand_side_still_reads(tmp_path, capsys):
    f = write(tmp_path, "p.lp", "Maximize\n obj: x + y\nSubject To\n c0: x + 2 y <= 4\n c1: 3 x + y <= 6\nEnd\n")
    assert main(["lp", "solve", f]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "14/5"  # the hand solution of tests/test_cli.py


@pytest.mark.parametrize("content, named", [
    ("[1,2]", "JSON object"),
    ("{}", "format"),
    (json.dumps({"format": "exactmd-mechanism-certificate/1"}), "missing field"),
    (json.dumps({"format": "exactmd-lp-certificate/1"}), "status"),
    (json.dumps({"format": "exactmd-lp-certificate/1", "problem": [], "status": "optimal"}), "cert.json"),
])
def test_explain_refuses_what_verify_refuses(tmp_path, capsys, content, named):
    f = write(tmp_path, "cert.json", content)
    line = one_line_error(capsys, ["explain", f], named)
    assert "every row holds" not in line


def test_explain_still_explains_a_valid_certificate(tmp_path, capsys):
    p = write(tmp_path, "p.json", json.dumps(PROBLEM))
    cert = tmp_path / "c.json"
    assert main(["lp", "solve", p, "-o", str(cert)]) == 0
    capsys.readouterr()
    assert main(["explain", str(cert)]) == 0
    assert "c0" in capsys.readouterr().out


@pytest.mark.parametrize("content, named", [
    ("[]", "got list"),
    ("{}", "'device'"),
    ('{"device": [], "g": {}}', "'device'"),
    ('{"device": {"L,L": 1}, "g": {}}', "L,L"),
    ('{"device": {}, "g": {"s": [1]}}', "[1]"),
])
def test_covers_device_file_of_the_wrong_shape(tmp_path, capsys, content, named):
    dev = write(tmp_path, "dev.json", content)
    one_line_error(capsys, ["covers", ENV, "--belief", "L,L=1", "--device", dev], "dev.json", named)


def test_binary_device_file(tmp_path, capsys):
    dev = write(tmp_path, "dev.json", bytes(range(256)))
    one_line_error(capsys, ["covers", ENV, "--belief", "L,L=1", "--device", dev], "dev.json", "UTF-8")


def test_string_type_sets_are_refused_not_split(tmp_path, capsys):
    # types = ["LH", "LH"] used to be read as two agents with types L and H
    text = Path(ENV).read_text(encoding="utf-8").replace('types = [["L", "H"], ["L", "H"]]', 'types = ["LH", "LH"]')
    assert 'types = ["LH", "LH"]' in text
    env = write(tmp_path, "env.toml", text)
    one_line_error(capsys, ["design", env], "'LH'")


def test_duplicate_type_labels_are_refused(tmp_path, capsys):
    env = write(tmp_path, "env.toml", env_text('[["L", "L"]]'))
    one_line_error(capsys, ["design", env], "'L'", "twice")


@pytest.mark.parametrize("name, content, named", [
    ("empty.toml", "", "types"),
    ("bin.toml", bytes(range(256)) * 4, "UTF-8"),
    ("deep.toml", "a = " + "[" * 100000 + "]" * 100000 + "\n", "deep.toml"),
    ("marg.toml", env_text('[["L", "H"]]') + "[prior]\nindependent = 5\n", "independent"),
    ("joint.toml", env_text('[["L", "H"]]') + "[prior]\njoint = 5\n", "joint"),
    ("num.toml", env_text('[[1, 2]]') + "numeric_types = 5\n", "numeric_types"),
    ("agents.toml", 'agents = {a = 1}\n' + env_text('[["L", "H"]]'), "agents"),
])
def test_malformed_environment_files(tmp_path, capsys, name, content, named):
    env = write(tmp_path, name, content)
    one_line_error(capsys, ["design", env], named)


@pytest.mark.parametrize("argv", [
    ["design", "{d}"], ["uc", "{d}", "--grid", "2"], ["lp", "solve", "{d}/x.json"], ["explain", "{d}"],
    ["design", "{d}/missing.toml"], ["lp", "solve", "{d}/missing.lp"], ["explain", "{d}/missing.json"],
])
def test_missing_files_and_directories(tmp_path, capsys, argv):
    (tmp_path / "x.json").mkdir()
    one_line_error(capsys, [a.replace("{d}", str(tmp_path)) for a in argv], str(tmp_path))


def test_deep_nesting_never_reaches_the_user_as_a_traceback(tmp_path):
    f = write(tmp_path, "deep.json", "[" * 100000 + "]" * 100000)
    one_line_error_subprocess(["explain", f])
    one_line_error_subprocess(["lp", "solve", f])


# ------------------------------------------------------------------ nothing lost


def test_output_naming_the_input_is_refused_and_the_input_kept(tmp_path, capsys):
    env = tmp_path / "env.toml"
    env.write_bytes(Path(ENV).read_bytes())
    p = tmp_path / "p.json"
    p.write_text(json.dumps(PROBLEM))
    dev = tmp_path / "dev.json"
    dev.write_text('{"device": {"L,L": {"s": "1"}}, "g": {"s": "none"}}')
    before = {f: f.read_bytes() for f in (env, p, dev)}
    for argv in (
        ["design", str(env), "-o", str(env)],
        ["design", str(env), "-o", str(tmp_path / "." / "env.toml"), "--force"],  # --force does not lift it
        ["lp", "solve", str(p), "-o", str(p)],
        ["uc", str(env), "--grid", "2", "-o", str(env)],
        ["uc", str(env), "--grid", "2", "--plot", str(env)],
        ["covers", str(env), "--belief", "L,L=1", "-o", str(env)],
        ["covers", str(env), "--belief", "L,L=1", "--device", str(dev), "-o", str(dev)],
        ["renegotiation", str(EXAMPLES / "neeman-pavlov-example-1.toml"), "-o", str(EXAMPLES / "neeman-pavlov-example-1.toml")],
    ):
        one_line_error(capsys, argv, "input")
    assert {f: f.read_bytes() for f in (env, p, dev)} == before


def test_output_through_a_link_to_the_input_is_refused(tmp_path, capsys):
    env = tmp_path / "env.toml"
    env.write_bytes(Path(ENV).read_bytes())
    link = tmp_path / "link.json"
    os.symlink(env, link)
    one_line_error(capsys, ["design", str(env), "-o", str(link), "--force"], "input")
    assert env.read_bytes() == Path(ENV).read_bytes()


def test_an_existing_file_that_is_not_an_exactmd_output_needs_force(tmp_path, capsys):
    p = tmp_path / "p.json"
    p.write_text(json.dumps(PROBLEM))
    notes = tmp_path / "notes.json"
    notes.write_text("my notes\n")
    one_line_error(capsys, ["lp", "solve", str(p), "-o", str(notes)], "notes.json", "--force")
    assert notes.read_text() == "my notes\n"
    assert main(["lp", "solve", str(p), "-o", str(notes), "--force"]) == 0
    assert json.loads(notes.read_text())["value"] == "14/5"
    # now an exactmd output: replaced without --force
    notes.write_text(notes.read_text().replace('"14/5"', '"1"'))
    assert main(["lp", "solve", str(p), "-o", str(notes)]) == 0
    assert json.loads(notes.read_text())["value"] == "14/5"


def test_table_output_rule(tmp_path, capsys):
    out = tmp_path / "t.csv"
    out.write_text("K,something else\n")
    one_line_error(capsys, ["table", "bargaining", "--K", "1", "--format", "csv", "-o", str(out)], "t.csv")
    assert out.read_text() == "K,something else\n"
    assert main(["table", "bargaining", "--K", "1", "--format", "csv", "-o", str(out), "--force"]) == 0
    first = out.read_text()
    assert first.startswith("K,prior,regular,")
    assert main(["table", "bargaining", "--K", "2", "--format", "csv", "-o", str(out)]) == 0  # its own table
    assert out.read_text().splitlines()[1].startswith("2,")


def test_output_folder_must_exist_and_not_be_a_directory(tmp_path, capsys):
    p = tmp_path / "p.json"
    p.write_text(json.dumps(PROBLEM))
    one_line_error(capsys, ["lp", "solve", str(p), "-o", str(tmp_path)], "directory")
    one_line_error(capsys, ["lp", "solve", str(p), "-o", str(tmp_path / "no" / "c.json")], "does not exist")


def test_refusal_comes_before_the_work(tmp_path, capsys, monkeypatch):
    import exactmd.design

    def boom(*a, **k):
        raise AssertionError("the mechanism was computed before the output was checked")

    monkeypatch.setattr(exactmd.design, "optimal_mechanism", boom)
    notes = tmp_path / "notes.txt"
    notes.write_text("keep")
    one_line_error(capsys, ["design", ENV, "-o", str(notes)], "notes.txt")


def test_atomic_write_keeps_the_old_file_when_interrupted(tmp_path, monkeypatch):
    out = tmp_path / "c.json"
    write_text_atomic(out, '{"format": "exactmd-x/1"}\n')

    def interrupted(*a):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(out, '{"format": "exactmd-y/1"}\n')
    assert out.read_text() == '{"format": "exactmd-x/1"}\n'
    assert [f.name for f in tmp_path.iterdir()] == ["c.json"]  # no temporary file left


def test_exactmd_output_rule():
    # the rule of exactmd/files.py, checked on files written here by hand
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        cases = {
            "a.json": ('{\n "format": "exactmd-lp-certificate/1"}', True),
            "b.json": ('{"status": "optimal", "format": "exactmd-lp-certificate/1"}', False),  # not first
            "c.json": ('{"format": "other/1"}', False),
            "d.md": ("| K | prior | regular | first_best | first_best_attainable | second_best | best_threshold | gamma | prop2 |\n", True),
            "e.md": ("# my notes\n", False),
            "f.png": (b"\x89PNG\r\n\x1a\n....tEXtSoftware\x00exactmd", True),
            "g.png": (b"\x89PNG\r\n\x1a\n....tEXtSoftware\x00other", False),
        }
        for name, (text, expected) in cases.items():
            f = Path(d) / name
            f.write_bytes(text if isinstance(text, bytes) else text.encode())
            assert is_exactmd_output(f) is expected, name
        with pytest.raises(ExactMDError, match="--force"):
            check_output_path(Path(d) / "e.md", [])
        assert check_output_path(Path(d) / "e.md", [], force=True).name == "e.md"


def test_a_plot_is_tagged_and_can_be_redrawn(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the plot extra is not installed")
    out = tmp_path / "r.png"
    assert main(["plot", "bargaining", "--K", "2", "-o", str(out)]) == 0
    assert is_exactmd_output(out)
    assert main(["plot", "bargaining", "--K", "2", "-o", str(out)]) == 0  # replaced without --force


# ------------------------------------------------------------------ a lost worker


def test_a_killed_worker_is_replaced_and_the_results_are_the_serial_ones(tmp_path):
    items = [(k, str(tmp_path)) for k in range(8)]
    serial = [k * k for k in range(8)]  # die_once returns k² (and dies once at k = 3)
    assert run(jobs.die_once, items, workers=2) == serial
    assert (tmp_path / "died-3").exists()  # the worker did die once


def test_a_worker_that_dies_every_time_fails_naming_the_missing_jobs(tmp_path):
    items = [(k, str(tmp_path)) for k in range(6)]
    with pytest.raises(LostJobsError, match=r"of 6 jobs finished, \d+ missing \(job numbers [\d, ]*3") as exc:
        run(jobs.die_always, items, workers=2)
    # a broken pool also loses the jobs running beside the one that died: which of them
    # are missing after the retries depends on timing, but job 3 always is
    assert 3 in exc.value.missing
    assert all(exc.value.results[k] == k * k for k in range(6) if k not in exc.value.missing)
    assert all(exc.value.results[k] is None for k in exc.value.missing)


@pytest.mark.parametrize("bound, named", [
    ("x >= inf", "+inf"),  # was read as a free variable
    ("x <= -inf", "-inf"),  # was read as no upper bound
    ("-inf <= x <= -inf", "-inf"),
    ("3 <=", "End"),  # was read as a bound on a variable named End
    ("3 <= 4", "'4'"),
])
def test_lp_bounds_that_cannot_hold_are_refused(tmp_path, capsys, bound, named):
    f = write(tmp_path, "b.lp", f"Maximize\n x\nSubject To\n c: x <= 10\nBounds\n {bound}\nEnd\n")
    one_line_error(capsys, ["lp", "solve", f], named, "'x'" if "x" in bound else "bound")


def test_lp_infinite_bounds_on_their_own_side_mean_no_bound(tmp_path, capsys):
    f = write(tmp_path, "b.lp", "Maximize\n x\nSubject To\n c: x <= 10\nBounds\n -inf <= x <= inf\nEnd\n")
    assert main(["lp", "solve", f]) == 0
    cert = json.loads(capsys.readouterr().out)
    assert cert["value"] == "10" and cert["problem"]["variables"]["x"] == [None, None]


def test_a_link_is_written_through_and_a_device_in_place(tmp_path, capsys):
    p = write(tmp_path, "p.json", json.dumps(PROBLEM))
    real = tmp_path / "real.json"
    real.write_text('{"format": "exactmd-lp-certificate/1"}\n')
    link = tmp_path / "link.json"
    os.symlink(real, link)
    assert main(["lp", "solve", p, "-o", str(link)]) == 0
    assert link.is_symlink() and json.loads(real.read_text())["value"] == "14/5"
    assert main(["lp", "solve", p, "-o", os.devnull]) == 0  # a device: no --force, not replaced
    assert Path(os.devnull).is_char_device()


def test_explain_a_nested_lp_and_refuse_a_document_without_one(tmp_path, capsys):
    cover = tmp_path / "cover.json"
    assert main(["covers", ENV, "--belief", "L,L=1/4; L,H=1/4; H,L=1/4; H,H=1/4", "-o", str(cover)]) == 0
    capsys.readouterr()
    assert main(["explain", str(cover)]) == 0  # the V*(p) LP inside the covered verdict
    assert "IC[agent A: L -> H]" in capsys.readouterr().out
    rep = tmp_path / "uc.json"
    assert main(["uc", ENV, "--grid", "1", "-o", str(rep)]) == 0
    capsys.readouterr()
    assert main(["explain", str(rep)]) == 0  # the commitment LPs of its evidence, each proved
    assert "LP certificate at evidence / commitment LPs / 0 / lp" in capsys.readouterr().out
    manifest = Path(__file__).resolve().parent.parent / "proofs/manifest.json"
    one_line_error(capsys, ["explain", str(manifest)], "not a valid certificate", "nothing to explain")


def test_a_belief_listing_a_profile_twice_is_refused(capsys):
    # the second entry used to replace the first silently
    one_line_error(capsys, ["covers", ENV, "--belief", "L,L=1/2; H,H=1/4; L, L=1/4"], "'L, L'", "twice")
