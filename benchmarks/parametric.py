"""Parametric analysis vs re-solving: the second-best bargaining LP (Vartiainen 2014 §5, IC, interim IR,
BB, planner objective) under the prior mixture (1 − λ)·uniform + λ·increasing (both agents), λ ∈ [0, 1].

    .venv/bin/python benchmarks/parametric.py 2 3 4 8 16 [--method auto|exact|hint]

For each K: the time of exactmd.parametric.parametric_design (every piece certified), the time of its
certificate's verification, and the time of 100 exact solves at λ = k/99 (the default method), with a
check that the pieces give the same 100 values.  Not a test.
"""

from __future__ import annotations

import sys
import time

from flint import fmpq

from exactmd.design import optimal_mechanism
from exactmd.papers.vartiainen2014 import bilateral_trade
from exactmd.parametric import mixture, parametric_design, verify_document

FAMILIES = ["IC", "interim-IR", "BB"]


def run(K: int, points: int = 100, method: str = "auto") -> None:
    env, inc = bilateral_trade(K), bilateral_trade(K, "increasing", "increasing")
    t0 = time.perf_counter()
    d = parametric_design(env, FAMILIES, mix=inc, method=method)
    t_par = time.perf_counter() - t0
    t0 = time.perf_counter()
    ok, why = verify_document(d.certificate)
    t_ver = time.perf_counter() - t0
    assert ok, why
    t0 = time.perf_counter()
    values = []
    for k in range(points):
        lam = fmpq(k, points - 1)
        values.append(optimal_mechanism(env.with_prior(mixture(env.prior, inc.prior, lam)), FAMILIES, method=method).value)
    t_res = time.perf_counter() - t0
    same = all(d.value_at(fmpq(k, points - 1)) == v for k, v in enumerate(values))
    irr = sum(1 for p in d.result.points if not p.at.is_rational)
    print(f"K={K}: LP {len(d.result.problem.names)}x{len(d.result.problem.rows)}; parametric {t_par:.2f} s "
          f"({len(d.result.pieces)} pieces, {len(d.result.points)} breakpoints, {irr} irrational, {d.result.solves} exact solves), "
          f"verify {t_ver:.2f} s; {points} re-solves {t_res:.2f} s; same values: {same}", flush=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    method = "auto"
    if "--method" in args:
        i = args.index("--method")
        method = args[i + 1]
        del args[i:i + 2]
    print(f"method {method}", flush=True)
    for arg in args or ["2", "3", "4"]:
        run(int(arg), method=method)
