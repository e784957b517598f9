"""Benchmarks: revenue-optimal single-item auctions, BIC and DSIC, exactmd against HiGHS float.

    python benchmarks/auctions.py [--sizes 2x100,3x30,4x10] [--designs BIC,DSIC]
                                  [--solvers design,highs] [--time-limit 900]

The environment: n bidders with private values 1, 2, …, m, independent and uniform; the
allocations are ``none`` and ``win1`` … ``winn``; the objective is expected revenue.
Two designs:

* ``BIC``  — constraints ``IC`` (Bayesian IC, interim) and ``interim-IR``;
* ``DSIC`` — constraints ``DSIC`` (dominant-strategy IC, every profile of the others'
  reports) and ``ex-post-IR``.

Each solver runs in its own process with a wall-clock limit and reports its time, the
optimal value and its own peak resident memory (VmHWM):

* ``design`` — ``exactmd.optimal_mechanism`` (build the LP, HiGHS's basis re-solved
  exactly, the certificate verified by the independent checker before it is returned);
  the certificate is then written and ``exactmd verify`` re-checks it from the file
  (rebuilds the environment and the LP), timed separately (``verify s``);
* ``highs`` — HiGHS in double precision on the same LP (no certificate; float value).

By Myerson (1981), with values 1…m uniform the discrete virtual value of m is m, of
k < m it is 2k − m; for m ≥ 2 the optimal auction sells to the highest bidder whose
value reaches ⌈(m+1)/2⌉ (ties at the reserve split), and BIC and DSIC give the same
revenue (the printed ``same`` column checks that the two exact values agree).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DESIGNS = {"BIC": ["IC", "interim-IR"], "DSIC": ["DSIC", "ex-post-IR"]}
SOLVERS = ["design", "highs"]


def _peak_mib() -> float:  # float-ok: a report
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0  # float-ok: a report


def auction(n: int, m: int):
    from exactmd import Environment

    return Environment.quasilinear([list(range(1, m + 1))] * n, "uniform", ["none"] + [f"win{i + 1}" for i in range(n)],
                                   lambda i, a, th: th[i] if a == f"win{i + 1}" else 0, name=f"auction {n}x{m}")


def child(solver: str, n: int, m: int, design: str, workdir: str) -> dict:
    env = auction(n, m)
    cons = DESIGNS[design]
    out: dict = {}
    if solver == "design":
        from exactmd import optimal_mechanism
        from exactmd.cli import main as cli

        t0 = time.perf_counter()
        res = optimal_mechanism(env, cons, "revenue")
        out["seconds"] = time.perf_counter() - t0
        out["value"], out["method"] = str(res.value), res.lp.method if getattr(res, "lp", None) else ""
        out["peak_mib"] = _peak_mib()
        cert = os.path.join(workdir, "cert.json")
        Path(cert).write_text(json.dumps(res.certificate))
        del res
        t1 = time.perf_counter()
        rc = cli(["verify", cert])
        out["verify_seconds"] = time.perf_counter() - t1
        out["verified"] = rc == 0
        out["peak_mib"] = max(out["peak_mib"], _peak_mib())
        return out
    from exactmd.design import build_problem
    from peers import highs_float

    problem = build_problem(env, cons, "revenue").problem
    out["seconds"], out["value"], out["rows"], out["vars"] = highs_float(problem)
    out["peak_mib"] = _peak_mib()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="2x100,3x30,4x10")
    ap.add_argument("--designs", default="BIC,DSIC")
    ap.add_argument("--solvers", default=",".join(SOLVERS))
    ap.add_argument("--time-limit", type=float, default=900)  # float-ok: wall-clock budget
    ap.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        solver, n, m, design, wd = args.child
        print(json.dumps(child(solver, int(n), int(m), design, wd)), flush=True)
        return
    print(f"# {time.strftime('%Y-%m-%d')}, python {sys.version.split()[0]}, time limit {args.time_limit:g} s per solve")
    print(f"{'size':>6} {'design':>6} {'solver':>7} {'seconds':>9} {'ratio':>7} {'peak MiB':>9} {'verify s':>8}  value")
    for size in args.sizes.split(","):
        n, m = (int(x) for x in size.split("x"))
        values: dict[str, str] = {}
        for design in args.designs.split(","):
            base = None
            for s in args.solvers.split(","):
                with tempfile.TemporaryDirectory() as wd:
                    cmd = [sys.executable, __file__, "--child", s, str(n), str(m), design, wd]
                    try:
                        r = subprocess.run(cmd, capture_output=True, text=True, timeout=args.time_limit)
                    except subprocess.TimeoutExpired:
                        print(f"{size:>6} {design:>6} {s:>7} {'>' + format(args.time_limit, 'g'):>9}", flush=True)
                        continue
                if r.returncode != 0 or not r.stdout.strip():
                    err = (r.stderr.strip().splitlines() or ["?"])[-1]
                    print(f"{size:>6} {design:>6} {s:>7} {'error':>9}  {err[:120]}", flush=True)
                    continue
                o = json.loads(r.stdout.strip().splitlines()[-1])
                if s == "design":
                    base = o["seconds"]
                    values[design] = o["value"]
                ratio = f"{o['seconds'] / base:7.2f}" if base and s != "design" else ""
                ver = f"{o['verify_seconds']:8.2f}" if "verify_seconds" in o else ""
                note = "" if o.get("verified", True) else "  VERIFY FAILED"
                if s == "highs":
                    note += f"  ({o['rows']} rows, {o['vars']} variables)"
                print(f"{size:>6} {design:>6} {s:>7} {o['seconds']:9.2f} {ratio:>7} {o['peak_mib']:9.0f} {ver:>8}  {o['value']}{note}",
                      flush=True)
        if len(values) == 2:
            print(f"{size:>6} BIC and DSIC revenue {'the same' if len(set(values.values())) == 1 else 'DIFFER'}: "
                  f"{', '.join(f'{k} {v}' for k, v in values.items())}", flush=True)


if __name__ == "__main__":
    main()
