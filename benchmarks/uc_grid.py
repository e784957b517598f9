"""Beliefs decided per second: the UC operator over a grid of beliefs (Vartiainen §4).

    python benchmarks/uc_grid.py [--N 8,16] [--workers 1,2] [--eps 1/10] [--elimination-max 8]

Environment: the 2×2 example ``examples/commitment-2x2.toml`` (|Θ| = 4, |X| = 3).  For
each grid G_N and each worker count, in the same run:

* ``UC^0`` on G_N — one covering question per belief under B = Δ (the revelation
  path: one exact LP per belief, certificate verified);
* ``UC^1`` on G_N without its vertices, under B = UC^0 of that universe — the
  elimination path (one redesign LP per (posterior, IC row), then the split LPs).

Printed: beliefs, seconds, beliefs per second, and the speed-up of K workers over the
serial run measured in the same invocation.  Results of every worker count are
compared and must be identical.
"""

from __future__ import annotations

import argparse
import time

from exactmd.papers.vartiainen2014 import ALL, example_environment, grid, uncovered


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--N", default="8,16")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--eps", default="1/10")
    ap.add_argument("--elimination-max", type=int, default=8, help="largest N for the elimination task")
    args = ap.parse_args()
    env = example_environment()
    Ns = [int(n) for n in args.N.split(",")]
    Ws = [int(w) for w in args.workers.split(",")]
    print(f"| task | N | beliefs | workers | seconds | beliefs/s | speed-up vs 1 worker |")
    print(f"| --- | --- | --- | --- | --- | --- | --- |")
    for N in Ns:
        G = grid(env.types, N)
        interior = [b for b in G if len(b.support()) >= 2]
        tasks = [("UC^0 on G_N (revelation)", G, ALL)]
        if N <= args.elimination_max:
            uc0_int = frozenset(p for p, c, _ in uncovered(env, interior, ALL, args.eps, progress=False) if not c)
            tasks.append(("UC^1 on G_N minus vertices (elimination)", interior, uc0_int))
        for task, universe, B in tasks:
            base = None
            ref = None
            for w in Ws:
                t0 = time.perf_counter()
                res = uncovered(env, universe, B, args.eps, workers=w, progress=False)
                dt = time.perf_counter() - t0
                key = [(p.to_dict(), c) for p, c, _ in res]
                if ref is None:
                    ref = key
                elif key != ref:
                    raise SystemExit(f"results differ between worker counts at N = {N}")
                base = base or dt
                print(f"| {task} | {N} | {len(universe)} | {w} | {dt:.2f} | {len(universe) / dt:.1f} | {base / dt:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
