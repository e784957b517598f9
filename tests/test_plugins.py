"""Plug-ins: a user's theory goes through the same doors as the papers — its certificate
format through the registry of `exactmd verify`, its claims through `exactmd claims`,
`check` and `reproduce` — and the kernel runs without any paper."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from exactmd.certificates import LP_FORMAT, register_format, registered_formats
from exactmd.errors import PluginError

TOY = textwrap.dedent('''
    """A toy theory: Gauss's sum, with its own certificate format."""
    from exactmd.certificates import register_format
    from exactmd.claims import Claim, Verdict, register

    FORMAT = "toypaper-sum/1"

    def verify(doc):
        n = doc.get("n")
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 10**6:
            return False, "n: must be an integer in 0..1000000"
        s = sum(range(n + 1))
        if doc.get("sum") != str(s):
            return False, f"sum: the file says {doc.get('sum')!r}, the computation gives {s}"
        return True, f"0 + 1 + ... + {n} = {s}"

    def decide(n):
        doc = {"format": FORMAT, "n": n, "sum": str(sum(range(n + 1)))}
        ok = sum(range(n + 1)) == n * (n + 1) // 2
        return Verdict("toypaper/gauss", "confirmed" if ok else "refuted", f"the sum up to {n} is {doc['sum']}", f"n = {n}",
                       (("sum", doc),))

    def strategy():
        from hypothesis import strategies as st
        return st.integers(0, 50)

    def gauss_arguments(parser):
        parser.add_argument("--n", type=int, required=True)

    def gauss(args):
        from exactmd.commands import check_range, echo
        check_range("--n", args.n, 0, 10**6)
        echo(sum(range(args.n + 1)))
        return 0

    def register_all():
        from exactmd.commands import register_command
        register_format(FORMAT, verify, owner="toypaper")
        register_command("gauss", help="0 + 1 + ... + n", arguments=gauss_arguments, run=gauss, owner="toypaper")
        register(Claim(id="toypaper/gauss", statement="0 + 1 + ... + n = n(n + 1)/2", where="folklore", decide=decide,
                       strategy=strategy, paper_instances=lambda: [("n10", 10)]))
''')


def _run(args, tmp_path, plugins, cwd=None):
    (tmp_path / "toyplugin.py").write_text(TOY, encoding="utf-8")
    env = dict(os.environ, EXACTMD_PLUGINS=plugins, PYTHONPATH=str(tmp_path))
    return subprocess.run([sys.executable, "-m", "exactmd", *args], capture_output=True, text=True, env=env,
                          cwd=cwd or tmp_path, timeout=300)


def test_a_users_plugin_goes_through_reproduce_verify_claims_and_check(tmp_path):
    out = tmp_path / "run"
    r = _run(["reproduce", "--out", str(out)], tmp_path, "toyplugin:register_all")
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(e["claim"], e["instance"], e["status"]) for e in manifest["entries"]] == [("toypaper/gauss", "n10", "confirmed")]
    cert = out / "toypaper" / "gauss" / "n10" / "sum.json"
    assert json.loads(cert.read_text())["sum"] == "55"
    r = _run(["verify", str(cert), str(out / "manifest.json")], tmp_path, "toyplugin:register_all")
    assert r.returncode == 0 and "0 + 1 + ... + 10 = 55" in r.stdout, r.stdout + r.stderr
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({"format": "toypaper-sum/1", "n": 10, "sum": "56"}))
    r = _run(["verify", str(forged)], tmp_path, "toyplugin:register_all")
    assert r.returncode == 1 and "the computation gives 55" in r.stdout
    r = _run(["claims"], tmp_path, "toyplugin:register_all")
    assert r.returncode == 0 and r.stdout.startswith("toypaper/gauss  (folklore)") and "vartiainen2014" not in r.stdout
    r = _run(["check", "toypaper/gauss", "--examples", "5", "--seed", "1"], tmp_path, "toyplugin:register_all")
    assert r.returncode == 0 and "never refuted on 5 random instances" in r.stdout, r.stdout + r.stderr
    r = _run(["gauss", "--n", "4"], tmp_path, "toyplugin:register_all")
    assert r.returncode == 0 and r.stdout == "10\n"
    r = _run(["gauss", "--n", "-1"], tmp_path, "toyplugin:register_all")
    assert r.returncode == 2 and r.stderr == "exactmd: error: --n -1 is outside 0..1000000\n"


def test_the_kernel_runs_without_the_papers(tmp_path):
    proofs = Path(__file__).resolve().parents[1] / "proofs"
    lp_cert = proofs / "neemanpavlov2007" / "prop-2" / "example-1" / "bb-vcg.json"
    rp_cert = proofs / "neemanpavlov2007" / "example-2" / "paper-1-5-2-6" / "no-rp-mechanism.json"
    r = _run(["verify", str(lp_cert), str(rp_cert)], tmp_path, "")
    assert r.returncode == 1
    ok, fail = r.stdout.splitlines()
    assert ok.startswith("OK ")
    assert fail.endswith("format: 'exactmd-renegotiation-certificate/1' is not a certificate format (known: "
                         "exactmd-lp-certificate/1, exactmd-mechanism-certificate/1, exactmd-symbolic-check/1, "
                         "exactmd-deterministic-certificate/1, exactmd-lexicographic-certificate/1, exactmd-parametric-lp/1, "
                         "exactmd-parametric-mechanism/1)")
    r = _run(["claims"], tmp_path, "")
    assert r.returncode == 0 and r.stdout == ""
    r = _run(["uc", "examples/commitment-2x2.toml", "--grid", "2"], tmp_path, "")
    assert r.returncode == 2 and "invalid choice: 'uc'" in r.stderr


@pytest.mark.parametrize("spec, says", [("nosuchmodule:register", "cannot be loaded: ModuleNotFoundError"),
                                        ("toyplugin:nosuchfunction", "cannot be loaded: AttributeError"),
                                        ("toyplugin", "must be written 'module:function'")])
def test_a_broken_plugin_is_one_line_and_exit_2(tmp_path, spec, says):
    r = _run(["claims"], tmp_path, spec)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and says in r.stderr and spec in r.stderr


def test_a_command_registered_twice_or_over_the_kernel_is_refused():
    from exactmd.commands import register_command, registered_commands

    assert ("table", "bargaining") in [c.path for c in registered_commands()]  # loads the papers
    for path in ("verify", ("table", "bargaining")):
        with pytest.raises(PluginError, match="registered by .* and again by someone"):
            register_command(path, help="", arguments=lambda p: None, run=lambda a: 0, owner="someone")
    with pytest.raises(PluginError, match="must be a name or"):
        register_command(("a", "b"), help="", arguments=lambda p: None, run=lambda a: 0, owner="someone")


def test_a_format_registered_twice_names_both_owners():
    with pytest.raises(PluginError, match="exactmd-lp-certificate/1.*registered by exactmd and again by someone"):
        register_format(LP_FORMAT, lambda doc: (True, ""), owner="someone")
    names = [f.name for f in registered_formats()]
    assert names[:3] == ["exactmd-lp-certificate/1", "exactmd-mechanism-certificate/1", "exactmd-symbolic-check/1"]
    assert {"exactmd-commitment-certificate/1", "exactmd-renegotiation-certificate/1"} <= set(names)
