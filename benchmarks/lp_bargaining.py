"""The bargaining LP benchmark of the foundation issue: K = 4, 8, 16, 32, 64, uniform priors.

    python benchmarks/lp_bargaining.py [--time-limit 600]

A thin front to ``benchmarks/run.py`` (which documents the solvers and columns): exactmd's
generic exact path (``exactmd lp solve``), its structured path (``second_best``), HiGHS
in floating point, and sympy's exact simplex as the reference, each in its own process
in the same run, with ratios.  ``run.py`` adds cddlib, glpsol --exact, K = 128 and the
increasing prior.
"""

import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    run = Path(__file__).resolve().parent / "run.py"
    args = ["--K", "4,8,16,32,64", "--priors", "uniform", "--solvers", "exactmd-lp,second-best,highs,sympy",
            "--max", "sympy=8", *sys.argv[1:]]
    sys.exit(subprocess.call([sys.executable, str(run), *args]))
