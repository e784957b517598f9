"""Benchmarks: exact second best of the discrete bilateral-trade LP (Vartiainen §5).

    python benchmarks/run.py [--K 2,4,8,16] [--sympy-max 5] [--time-limit 600]

For each K: exactmd's `second_best` (certificate built and verified) and, as the
reference measured in the same run, sympy's exact simplex (`lpmax`) on the same LP for
K ≤ --sympy-max. Prints times, pivots, peak memory of exactmd's run and the ratio
sympy / exactmd (peak RSS is the process's peak so far; exactmd runs before sympy for
each K). Results are written down in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import sys
import time
import resource
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exactmd.bargaining import bilateral_trade, second_best  # noqa: E402
from exactmd.design import build_problem  # noqa: E402
from exactmd.errors import BudgetExceededError  # noqa: E402
from exactmd.lp.reference import sympy_lp_value  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--K", default="2,4,8,16")
    ap.add_argument("--prior", default="uniform")
    ap.add_argument("--sympy-max", type=int, default=5)
    ap.add_argument("--time-limit", type=float, default=600)  # float-ok: wall-clock budget
    args = ap.parse_args()
    print(f"{'K':>3} {'vars':>5} {'rows':>5} {'exactmd s':>10} {'pivots':>7} {'peak RSS MiB':>12} {'sympy s':>9} {'ratio':>7}  value")
    for K in [int(k) for k in args.K.split(",")]:
        env = bilateral_trade(K, args.prior, args.prior)
        problem, _ = build_problem(env, ["IC", "interim-IR", "BB"])
        t0 = time.perf_counter()
        try:
            res = second_best(env, time_limit=args.time_limit)
            res.verify()
            t = time.perf_counter() - t0
            value, pivots = str(res.value), res.lp.pivots
        except BudgetExceededError:
            t, value, pivots = float("nan"), f"gave up after {args.time_limit:.0f} s", -1  # float-ok: report only
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux; process peak so far
        ref, ratio = "", ""
        if K <= args.sympy_max:
            t1 = time.perf_counter()
            sv = sympy_lp_value(problem)
            ts = time.perf_counter() - t1
            assert f"{sv.numerator}/{sv.denominator}" == value or str(sv) == value, (sv, value)
            ref, ratio = f"{ts:9.2f}", f"{ts / t:7.1f}"
        print(f"{K:>3} {len(problem['variables']):>5} {len(problem['constraints']):>5} {t:10.2f} {pivots:>7} {peak:12.1f} {ref:>9} {ratio:>7}  {value}", flush=True)


if __name__ == "__main__":
    main()
