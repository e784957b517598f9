"""The pure exact path against glpsol --exact: the bargaining LP at K = 8, 16, 32, both priors.

    python benchmarks/lp_exact.py [--time-limit 300]

A thin front to ``benchmarks/run.py`` (which documents the solvers and columns):
``exactmd lp solve --method exact`` (the exact revised simplex on an exact sparse LU; no
HiGHS) and ``glpsol --exact`` (GLPK's exact simplex, rows scaled to integers), each in its
own process in the same run; ``ratio`` is glpsol's time over exactmd's.
"""

import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    run = Path(__file__).resolve().parent / "run.py"
    args = ["--K", "8,16,32", "--priors", "uniform,increasing", "--solvers", "exactmd-exact,glpk",
            "--max", "glpk=32,exactmd-exact=32", *sys.argv[1:]]
    sys.exit(subprocess.call([sys.executable, str(run), *args]))
