"""Benchmark peers shared by the benchmark scripts (not part of exactmd)."""

from __future__ import annotations

import time
from typing import Any


def highs_float(problem: dict[str, Any]) -> tuple[float, str, int, int]:  # float-ok: a report
    """HiGHS in double precision on an ``exactmd-lp-problem/1`` dict, built into the same
    float model as exactmd's hint: (seconds of ``run()`` alone, the float objective value,
    rows, variables)."""
    import highspy

    from exactmd.lp.exact import parse_problem
    from exactmd.lp.refine import _f  # the same float model as the hint

    sense, names, lo, hi, obj, rows = parse_problem(problem)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    for j in range(len(names)):
        h.addVar(-inf if lo[j] is None else _f(lo[j]), inf if hi[j] is None else _f(hi[j]))
        if j in obj:
            h.changeColCost(j, _f(obj[j]))
    for _, co, op, b in rows:
        h.addRow(_f(b) if op in (">=", "==") else -inf, _f(b) if op in ("<=", "==") else inf,
                 len(co), list(co), [_f(a) for a in co.values()])
    h.changeObjectiveSense(highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize)
    t0 = time.perf_counter()
    h.run()
    return time.perf_counter() - t0, repr(h.getInfo().objective_function_value), len(rows), len(names)
