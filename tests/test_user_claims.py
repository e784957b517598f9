"""A user's own claims file through `exactmd check`, `reproduce --claims`, `verify --claims`
and the pytest helper `exactmd.testing.claim_test` — the doors the papers' claims use."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from exactmd.certificates import verify_document

CLAIMS_FILE = textwrap.dedent('''
    """Two claims of a user's own: one true (the revenue of a one-buyer posted price is at
    most the buyer's expected value), one false (an efficient, IC, interim-IR,
    budget-balanced mechanism always exists with two private-value agents)."""
    from exactmd import optimal_mechanism, feasible_mechanism
    from exactmd.claims import Claim, Verdict, register
    from exactmd.environment import Environment

    def revenue_decide(env):
        r = optimal_mechanism(env, ["IC", "interim-IR"], "revenue")
        bound = sum(env.prior[th] * max(env.valuation(0, a, th) for a in env.outcomes) for th in env.profiles())
        ok = r.value <= bound
        return Verdict("mypaper/revenue-bound", "confirmed" if ok else "refuted",
                       f"optimal revenue {r.value}, expected highest value {bound}", f"{len(env.profiles())} types",
                       (("revenue", r.certificate),))

    def revenue_strategy():
        from hypothesis import strategies as st
        from exactmd.strategies import private_value_environments
        return private_value_environments(n_agents=1, max_types=3, value_range=4)

    def ms_decide(env):
        r = feasible_mechanism(env, ["IC", "interim-IR", "BB", "efficiency"])
        ok = r.status != "infeasible"
        return Verdict("mypaper/efficient-trade", "confirmed" if ok else "refuted",
                       "such a mechanism exists" if ok else "no IC, interim-IR, budget-balanced, efficient mechanism exists",
                       f"types {[len(t) for t in env.types]}", (("trade", r.certificate),))

    def ms_strategy():
        from exactmd.strategies import private_value_environments
        return private_value_environments(n_agents=2, max_types=2, max_allocations=2, value_range=4)

    def trade():  # a seller who loses 2 whether or not she trades: IR and BB cannot both hold
        return Environment.quasilinear([[0], [0]], "uniform", ["keep", "trade"],
                                       lambda i, a, th: -2 if i == 1 else (1 if a == "trade" else 0),
                                       agents=["buyer", "seller"])

    register(Claim(id="mypaper/revenue-bound", statement="revenue never exceeds the expected highest value",
                   where="Lemma 1", decide=revenue_decide, strategy=revenue_strategy,
                   paper_instances=lambda: [("three-types", Environment.quasilinear(
                       [[1, 2, 3]], "uniform", ["no", "yes"], lambda i, a, th: th[0] if a == "yes" else 0))]))
    register(Claim(id="mypaper/efficient-trade", statement="an efficient, IC, IR, budget-balanced mechanism exists",
                   where="Conjecture 2", decide=ms_decide, strategy=ms_strategy,
                   paper_instances=lambda: [("trade", trade())]))
''')


def _exactmd(args, tmp_path, **env_extra):
    env = dict(os.environ, PYTHONPATH=str(tmp_path), **env_extra)
    return subprocess.run([sys.executable, "-m", "exactmd", *args], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=600)


@pytest.fixture
def claims_file(tmp_path):
    p = tmp_path / "mypaper_claims.py"
    p.write_text(CLAIMS_FILE, encoding="utf-8")
    return p


def test_a_users_claims_file_runs_under_reproduce_and_its_manifest_verifies(tmp_path, claims_file):
    out = tmp_path / "run"
    r = _exactmd(["reproduce", "--claims", str(claims_file), "--out", str(out)], tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads((out / "manifest.json").read_text())
    assert sorted({e["claim"] for e in doc["entries"]}) == ["mypaper/efficient-trade", "mypaper/revenue-bound"]
    statuses = {e["claim"]: e["status"] for e in doc["entries"]}
    assert statuses == {"mypaper/revenue-bound": "confirmed", "mypaper/efficient-trade": "refuted"}
    trade = json.loads((out / "mypaper/efficient-trade/trade/trade.json").read_text())
    ok, why = verify_document(trade)  # in-process: the kernel's mechanism format, independent LP checker
    assert ok, why
    assert trade["lp"]["status"] == "infeasible" and "farkas" in json.dumps(trade["lp"]).lower()
    # the manifest decides every entry again — once the claims are loaded
    r = _exactmd(["verify", "--claims", str(claims_file), str(out / "manifest.json")], tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("OK"), r.stdout + r.stderr
    r = _exactmd(["verify", str(out / "manifest.json")], tmp_path)
    assert r.returncode == 1 and "--claims" in r.stdout
    # a user's run never replaces a manifest of other claims (the papers' proofs/, say)
    (tmp_path / "proofs").mkdir()
    (tmp_path / "proofs" / "manifest.json").write_text(json.dumps(
        {"format": "exactmd-manifest/1", "entries": [{"claim": "vartiainen2014/prop-2", "readings": []}]}))
    r = _exactmd(["reproduce", "--claims", str(claims_file), "--out", str(tmp_path / "proofs")], tmp_path)
    assert r.returncode == 2 and "other claims" in r.stderr and r.stderr.count("\n") == 1
    assert "vartiainen2014" in (tmp_path / "proofs" / "manifest.json").read_text()


def test_check_of_a_file_prints_the_shrunk_counterexample_as_a_table_and_writes_its_certificate(tmp_path, claims_file):
    r = _exactmd(["check", str(claims_file), "mypaper/efficient-trade", "--examples", "60", "--seed", "3",
                  "--out", str(tmp_path / "cex"), "--shrink-seconds", "30"], tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "mypaper/efficient-trade: REFUTED" in r.stdout
    assert "the counterexample:" in r.stdout and "| θ | p(θ) |" in r.stdout
    certs = list((tmp_path / "cex").rglob("*.json"))
    assert len(certs) == 1
    doc = json.loads(certs[0].read_text())
    ok, _ = verify_document(doc)
    assert ok and doc["lp"]["status"] == "infeasible"
    # the true claim: a sample never confirms, it counts
    r = _exactmd(["check", str(claims_file), "revenue-bound", "--examples", "8"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "never refuted on" in r.stdout and "held on" in r.stdout
    # a module on the path works as well as a file
    r = _exactmd(["check", "mypaper_claims", "revenue-bound", "--examples", "3"], tmp_path)
    assert r.returncode == 0 and "mypaper/revenue-bound: never refuted" in r.stdout, r.stdout + r.stderr
    # a claim that is not the source's is refused in one line
    r = _exactmd(["check", str(claims_file), "vartiainen2014/prop-2"], tmp_path)
    assert r.returncode == 2 and "not one of the claims of" in r.stderr


@pytest.mark.parametrize("content, says", [
    ("raise RuntimeError('no licence')", "RuntimeError: no licence"),
    ("def f(:\n", "syntax error at line 1"),
    ("x = 1\n", "registers no claims"),
])
def test_a_broken_claims_file_is_one_line_and_exit_2(tmp_path, content, says):
    (tmp_path / "bad.py").write_text(content, encoding="utf-8")
    r = _exactmd(["check", str(tmp_path / "bad.py")], tmp_path)
    assert r.returncode == 2 and says in r.stderr and r.stderr.count("\n") == 1, r.stderr
    r = _exactmd(["reproduce", "--claims", str(tmp_path / "missing.py"), "--out", str(tmp_path / "o")], tmp_path)
    assert r.returncode == 2 and "does not exist" in r.stderr


BUGGY = textwrap.dedent('''
    from exactmd.claims import Claim, register
    from hypothesis import strategies as st

    def boom(n):
        return 1 // (n - n)

    register(Claim(id="bug/decide-raises", statement="s", where="w", decide=boom,
                   strategy=lambda: st.integers(0, 3), paper_instances=lambda: [("one", 1)]))
    register(Claim(id="bug/not-a-verdict", statement="s", where="w", decide=lambda n: 42,
                   strategy=lambda: st.integers(0, 3), paper_instances=lambda: [("one", 1)]))
    register(Claim(id="bug/not-a-strategy", statement="s", where="w", decide=lambda n: 42,
                   strategy=lambda: 5, paper_instances=lambda: [("one", 1), ("one", 2)]))
''')


@pytest.mark.parametrize("args, says", [
    (["check", "{f}", "bug/decide-raises"], "claim bug/decide-raises: its decide function raised ZeroDivisionError"),
    (["reproduce", "--claims", "{f}", "--out", "{o}", "bug/decide-raises"], "raised ZeroDivisionError: integer division or modulo by zero ({f}, line 6)"),
    (["check", "{f}", "bug/not-a-verdict"], "its decide function returned int 42, not a Verdict"),
    (["check", "{f}", "bug/not-a-strategy"], "strategy() must return a hypothesis strategy, not int"),
    (["reproduce", "--claims", "{f}", "--out", "{o}", "bug/not-a-strategy"], "names an instance twice"),
])
def test_a_bug_in_a_users_claim_is_one_line_that_says_where_and_exit_2(tmp_path, args, says):
    f = tmp_path / "buggy.py"
    f.write_text(BUGGY, encoding="utf-8")
    o = tmp_path / "out"
    r = _exactmd([a.format(f=f, o=o) for a in args], tmp_path)
    err = [l for l in r.stderr.splitlines() if not l.startswith("[")]  # progress lines start with [
    assert r.returncode == 2 and len(err) == 1 and says.format(f=f) in err[0], r.stderr
    assert "Traceback" not in r.stderr and not o.exists()  # nothing written


def _load(claims_file):
    import importlib.util

    spec = importlib.util.spec_from_file_location("mypaper_claims_testing", claims_file)
    mod = importlib.util.module_from_spec(spec)
    # the file registers its claims: here, take them from the module without registering twice
    from exactmd import claims as registry

    before = dict(registry._REGISTRY)
    spec.loader.exec_module(mod)
    new = {k: v for k, v in registry._REGISTRY.items() if k not in before}
    for k in new:
        del registry._REGISTRY[k]
    return new


def test_claim_test_fails_with_the_table_and_writes_the_certificate(tmp_path, claims_file):
    from exactmd.testing import claim_test

    claims = _load(claims_file)
    bad = claim_test(claims["mypaper/efficient-trade"], examples=60, seed=3, out=tmp_path / "cex")
    assert bad.__name__ == "test_efficient_trade"
    with pytest.raises(AssertionError) as e:
        bad()
    text = str(e.value)
    assert "mypaper/efficient-trade is REFUTED" in text
    assert "| θ | p(θ) | v_1(a0) |" in text  # the environment, exactly, one row per profile
    paths = [line.strip() for line in text.splitlines() if line.strip().endswith(".json")]
    assert paths and all(verify_document(json.loads(Path(p).read_text()))[0] for p in paths)
    good = claim_test(claims["mypaper/revenue-bound"], examples=5, seed=1, out=tmp_path / "none")
    good()
    assert not (tmp_path / "none").exists()


def test_claim_test_of_a_claim_whose_hypotheses_never_hold_fails():
    from hypothesis import strategies as st

    from exactmd.claims import Claim, Verdict
    from exactmd.testing import claim_test

    c = Claim(id="mypaper/vacuous", statement="for every n > 10: n > 5", where="nowhere",
              decide=lambda n: Verdict("mypaper/vacuous", "not-applicable" if n <= 10 else "confirmed", "n", f"n = {n}"),
              strategy=lambda: st.integers(0, 10), paper_instances=lambda: [])
    with pytest.raises(AssertionError, match="tested nothing"):
        claim_test(c, examples=5)()
