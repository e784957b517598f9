"""Benchmarks: the discrete bilateral-trade second-best LP (Vartiainen §5), exactmd against exact peers.

    python benchmarks/run.py [--K 8,16,32,64,128] [--priors uniform,increasing]
                             [--solvers exactmd-lp,second-best,highs,sympy,cdd,glpk]
                             [--time-limit 300] [--max sympy=8,cdd=8,glpk=32,highs=64,exactmd-lp=64]

The LP (IC, interim IR, ex post budget balance, max expected gains from trade) on the
grid {0, 1/K, …, 1} has 2(K+1)² variables.  For every K and prior each solver runs in
its own process with a wall-clock limit (``--time-limit`` seconds; a solver that
exceeds it is reported as ``>limit``), and reports its time, the optimal value and its
own peak resident memory:

* ``exactmd-lp`` — ``exactmd lp solve FILE -o CERT`` on the full LP (the generic path:
  read the JSON problem, solve — float hint re-solved exactly when ``highspy`` is
  installed —, verify the certificate with the independent checker, write it);
* ``exactmd-exact`` — the same with ``--method exact``: the pure exact path (the exact
  revised simplex on an exact sparse LU, :mod:`exactmd.lp.revised`; no HiGHS);
* ``second-best`` — ``exactmd.papers.vartiainen2014.second_best`` (the structured path: IC rows
  generated lazily, certificate for the full LP verified), then ``exactmd verify`` on
  the written mechanism certificate, timed separately (column ``verify s``);
* ``highs`` — HiGHS in double precision on the same LP (no certificate, float value);
* ``sympy`` — sympy's exact simplex (``sympy.solvers.simplex.linprog``);
* ``cdd`` — cddlib's exact (GMP) LP through pycddlib;
* ``glpk`` — ``glpsol --exact`` (each row scaled to integer coefficients, so the MPS
  file holds the LP exactly; glpsol prints its value as a double).

Exact peers must agree with exactmd's value exactly (``glpk`` to the printed digits); a
disagreement is printed as ``MISMATCH``.  Ratios are each solver's time divided by
exactmd's time on the same problem (``exactmd-lp`` for the full-LP peers, or
``exactmd-exact`` when ``exactmd-lp`` is not run).  Peers that
are not installed are skipped with a note.  Results are written down in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SOLVERS = ["exactmd-lp", "exactmd-exact", "second-best", "highs", "sympy", "cdd", "glpk"]
DEFAULT_MAX = {"sympy": 8, "cdd": 8, "glpk": 32, "highs": 64, "exactmd-lp": 64, "exactmd-exact": 32}


def _peak_mib() -> float:  # float-ok: a report
    """This process's peak resident memory (VmHWM: of this program only — getrusage's
    ru_maxrss would include the parent's peak, which Linux carries across fork and exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _problem(K: int, prior: str) -> dict:
    from exactmd.papers.vartiainen2014 import bilateral_trade
    from exactmd.design import build_problem

    problem = build_problem(bilateral_trade(K, prior, prior), ["IC", "interim-IR", "BB"]).problem
    return problem


def _dense(problem: dict) -> tuple[list[str], list[list[Fraction]], list[int], list[Fraction]]:
    """Rows b − a·x ≥ 0 (cdd's layout [b, −a]), bounds as rows, equality row indices, objective."""
    names = list(problem["variables"])
    idx = {v: k for k, v in enumerate(names)}
    n = len(names)
    rows, lin = [], []
    for c in problem["constraints"]:
        a = [Fraction(0)] * n
        for v, q in c["coeffs"].items():
            a[idx[v]] = Fraction(q)
        b = Fraction(c["rhs"])
        if c["op"] == ">=":
            a, b = [-x for x in a], -b
        if c["op"] == "==":
            lin.append(len(rows))
        rows.append([b] + [-x for x in a])
    for v, (lo, hi) in problem["variables"].items():
        j = idx[v]
        if lo is not None:
            rows.append([-Fraction(lo)] + [Fraction(int(k == j)) for k in range(n)])
        if hi is not None:
            rows.append([Fraction(hi)] + [Fraction(-int(k == j)) for k in range(n)])
    obj = [Fraction(0)] + [Fraction(problem["objective"].get(v, "0")) for v in names]
    return names, rows, lin, obj


def _integer_mps(problem: dict) -> tuple[str, int]:
    """Free MPS with every row scaled to integers and names x0…, r0…; returns (text, objective
    scale).  No OBJSENSE section (glpsol does not read it): the sense goes on its command line."""
    names = list(problem["variables"])
    idx = {v: f"x{k}" for k, v in enumerate(names)}
    kinds = {"<=": "L", ">=": "G", "==": "E"}
    cols: dict[str, list[str]] = {idx[v]: [] for v in names}
    rows, rhs = [], []
    for r, c in enumerate(problem["constraints"]):
        qs = {v: Fraction(q) for v, q in c["coeffs"].items()}
        b = Fraction(c["rhs"])
        s = math.lcm(*(q.denominator for q in qs.values()), b.denominator)
        rows.append(f" {kinds[c['op']]} r{r}")
        for v, q in qs.items():
            cols[idx[v]].append(f"    {idx[v]} r{r} {int(q * s)}")
        if b:
            rhs.append(f"    RHS r{r} {int(b * s)}")
    obj = {v: Fraction(q) for v, q in problem["objective"].items()}
    so = math.lcm(*(q.denominator for q in obj.values())) if obj else 1
    for v, q in obj.items():
        cols[idx[v]].insert(0, f"    {idx[v]} obj {int(q * so)}")
    bounds = []
    for v, (lo, hi) in problem["variables"].items():
        if lo is None and hi is None:
            bounds.append(f" FR BND {idx[v]}")
            continue
        if lo is None:
            bounds.append(f" MI BND {idx[v]}")
        elif Fraction(lo) != 0:
            bounds.append(f" LO BND {idx[v]} {Fraction(lo)}")
        if hi is not None:
            bounds.append(f" UP BND {idx[v]} {Fraction(hi)}")
    text = "\n".join(["NAME bench", "ROWS", " N obj", *rows, "COLUMNS",
                      *[ln for c in cols.values() for ln in c], "RHS", *rhs, "BOUNDS", *bounds, "ENDATA"]) + "\n"
    return text, so


# ---------------------------------------------------------------------------------
# one solver in a child process: prints one JSON line
def child(solver: str, K: int, prior: str, problem_file: str, workdir: str) -> dict:
    out: dict = {}
    if solver == "build":  # the problem file, built here so that the parent process stays small
        p = _problem(K, prior)
        Path(problem_file).write_text(json.dumps(dict(p, format="exactmd-lp-problem/1")))
        return {"seconds": 0.0, "peak_mib": _peak_mib()}
    if solver in ("exactmd-lp", "exactmd-exact"):
        from exactmd.cli import main as cli

        cert = os.path.join(workdir, "lp-cert.json")
        t0 = time.perf_counter()
        rc = cli(["lp", "solve", problem_file, "--method", "auto" if solver == "exactmd-lp" else "exact", "-o", cert])
        out["seconds"] = time.perf_counter() - t0
        doc = json.loads(Path(cert).read_text())
        out["value"], out["method"] = doc.get("value"), "rc=%d" % rc
    elif solver == "second-best":
        from exactmd.papers.vartiainen2014 import bilateral_trade, second_best
        from exactmd.cli import main as cli

        env = bilateral_trade(K, prior, prior)
        t0 = time.perf_counter()
        res = second_best(env)
        out["seconds"] = time.perf_counter() - t0
        out["value"], out["method"] = str(res.value), res.lp.method
        out["peak_mib"] = _peak_mib()
        cert = os.path.join(workdir, "second-best.json")
        Path(cert).write_text(res.to_json())
        del res
        t1 = time.perf_counter()
        rc = cli(["verify", cert])
        out["verify_seconds"] = time.perf_counter() - t1
        out["verified"] = rc == 0
        return out
    else:
        problem = json.loads(Path(problem_file).read_text())
        if solver == "highs":
            from peers import highs_float

            out["seconds"], out["value"], _, _ = highs_float(problem)
        elif solver == "sympy":
            from exactmd.lp.reference import sympy_lp_value

            t0 = time.perf_counter()
            v = sympy_lp_value(problem)
            out["seconds"] = time.perf_counter() - t0
            out["value"] = str(v)
        elif solver == "cdd":
            import cdd
            import cdd.gmp

            names, rows, lin, obj = _dense(problem)
            t0 = time.perf_counter()
            mat = cdd.gmp.matrix_from_array(rows, lin_set=lin, rep_type=cdd.RepType.INEQUALITY,
                                            obj_type=cdd.LPObjType.MAX if problem["sense"] == "max" else cdd.LPObjType.MIN,
                                            obj_func=obj)
            lp = cdd.gmp.linprog_from_matrix(mat)
            cdd.gmp.linprog_solve(lp)
            out["seconds"] = time.perf_counter() - t0
            out["value"] = str(Fraction(lp.obj_value))
        elif solver == "glpk":
            text, scale = _integer_mps(problem)
            mps = os.path.join(workdir, "p.mps")
            sol = os.path.join(workdir, "p.sol")
            Path(mps).write_text(text)
            t0 = time.perf_counter()
            subprocess.run(["glpsol", "--exact", "--" + problem["sense"], "--freemps", mps, "-w", sol], check=True, capture_output=True)
            out["seconds"] = time.perf_counter() - t0
            for ln in Path(sol).read_text().splitlines():  # "s bas m n pst dst obj" line
                if ln.startswith("s "):
                    out["value"] = repr(float(ln.split()[-1]) / scale)  # float-ok: glpsol prints a double
    out["peak_mib"] = _peak_mib()
    return out


def _available(solver: str) -> str | None:
    mods = {"highs": "highspy", "cdd": "cdd", "sympy": "sympy"}
    if solver in mods:
        import importlib.util

        if importlib.util.find_spec(mods[solver]) is None:
            return f"{mods[solver]} not installed"
    if solver == "glpk" and shutil.which("glpsol") is None:
        return "glpsol not installed (Debian: glpk-utils)"
    return None


def _agree(value: str | None, ref: str | None, solver: str) -> str:
    if value is None or ref is None:
        return ""
    if solver in ("highs", "glpk"):  # float answers: agreement to 1e-9
        ok = abs(Fraction(value) - Fraction(ref)) <= Fraction(1, 10**9) * max(1, abs(Fraction(ref)))
    else:
        ok = Fraction(value) == Fraction(ref)
    return "" if ok else " MISMATCH"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--K", default="8,16,32,64,128")
    ap.add_argument("--priors", default="uniform,increasing")
    ap.add_argument("--solvers", default=",".join(SOLVERS))
    ap.add_argument("--time-limit", type=float, default=300)  # float-ok: wall-clock budget
    ap.add_argument("--max", default="", help="per-solver largest K, e.g. sympy=8,cdd=8")
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        solver, K, prior, pfile, wd = args.child
        print(json.dumps(child(solver, int(K), prior, pfile, wd)), flush=True)
        return
    kmax = dict(DEFAULT_MAX)
    for item in filter(None, args.max.split(",")):
        k, v = item.split("=")
        kmax[k] = int(v)
    solvers = args.solvers.split(",")
    for s in solvers:
        why = _available(s)
        if why:
            print(f"# {s}: skipped, {why}")
    print(f"# {time.strftime('%Y-%m-%d')}, python {sys.version.split()[0]}, time limit {args.time_limit:g} s per solve")
    print(f"{'K':>4} {'prior':>10} {'solver':>12} {'seconds':>9} {'ratio':>7} {'peak MiB':>9} {'verify s':>8}  value")
    for prior in args.priors.split(","):
        for K in [int(k) for k in args.K.split(",")]:
            with tempfile.TemporaryDirectory() as wd:
                pfile = os.path.join(wd, "problem.json")
                need_file = any(s not in ("second-best",) and K <= kmax.get(s, 10**9) for s in solvers)
                if need_file:
                    subprocess.run([sys.executable, __file__, "--child", "build", str(K), prior, pfile, wd], check=True, capture_output=True)
                ref_value, ref_time = None, {}
                for s in solvers:
                    if _available(s) or K > kmax.get(s, 10**9):
                        continue
                    cmd = [sys.executable, __file__, "--child", s, str(K), prior, pfile, wd]
                    try:
                        r = subprocess.run(cmd, capture_output=True, text=True, timeout=args.time_limit)
                    except subprocess.TimeoutExpired:
                        print(f"{K:>4} {prior:>10} {s:>12} {'>' + format(args.time_limit, 'g'):>9}", flush=True)
                        continue
                    if r.returncode != 0 or not r.stdout.strip():
                        err = (r.stderr.strip().splitlines() or ["?"])[-1]
                        print(f"{K:>4} {prior:>10} {s:>12} {'error':>9}  {err[:100]}", flush=True)
                        continue
                    o = json.loads(r.stdout.strip().splitlines()[-1])
                    if s in ("exactmd-lp", "exactmd-exact", "second-best"):
                        ref_time[s] = o["seconds"]
                        ref_value = ref_value or o.get("value")
                    base = ref_time.get("exactmd-lp", ref_time.get("exactmd-exact", ref_time.get("second-best")))
                    ratio = "" if base is None or s in ("exactmd-lp", "second-best") else f"{o['seconds'] / base:7.1f}"
                    if s == "exactmd-exact" and "exactmd-lp" not in ref_time:
                        ratio = ""
                    if s == "second-best" and "exactmd-lp" in ref_time:
                        ratio = f"{o['seconds'] / ref_time['exactmd-lp']:7.2f}"
                    ver = f"{o['verify_seconds']:8.2f}" if "verify_seconds" in o else ""
                    val = o.get("value")
                    note = _agree(val, ref_value, s) if s != "exactmd-lp" else ""
                    print(f"{K:>4} {prior:>10} {s:>12} {o['seconds']:9.2f} {ratio:>7} {o['peak_mib']:9.0f} {ver:>8}  {val}{note}", flush=True)


if __name__ == "__main__":
    main()
