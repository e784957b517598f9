"""Lazy row generation with a certificate for the *full* LP.

Solve with a subset of the rows; check every other row exactly at the solution; add
the violated ones; repeat.  When no row is violated, the primal solution is feasible for
the full LP and the duals of the subset, extended by 0 on the rows never added, are a
valid dual certificate for it (those rows carry no multiplier, so the reduced costs and
the dual bound are unchanged).  An infeasible subset is infeasible for the full LP: its
Farkas multipliers, extended by 0, are a Farkas certificate.  Unbounded subsets fall
back to the full LP (a ray of a subset may leave rows not yet added).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flint import fmpq

from ..progress import finish, step
from ..rational import Q, fmt
from .checker import LP_FORMAT
from .exact import parse_problem, problem_copy
from .solution import LPResult, Status, solve_problem

__all__ = ["solve_lazy"]


def _violated(coeffs: dict[str, fmpq], op: str, b: fmpq, x: dict[str, fmpq]) -> bool:
    lhs = sum((a * x[j] for j, a in coeffs.items()), fmpq(0))
    return (op == "<=" and lhs > b) or (op == ">=" and lhs < b) or (op == "==" and lhs != b)


def solve_lazy(problem: dict[str, Any], initial: Iterable[str], *, log: Callable[[str], None] | None = None,
               parsed: list[tuple[str, dict[str, fmpq], str, fmpq]] | None = None, share_problem: bool = False,
               **solve_kwargs: Any) -> LPResult:
    """Solve ``problem`` starting from the rows named in ``initial``; the result's
    certificate is for the full problem (every row listed).  ``parsed``: the rows over
    exact numbers — (name, {variable: coefficient}, op, rhs) in the problem's order — when
    the caller already has them; the problem is then not re-parsed.
    ``share_problem``: the certificate holds ``problem`` itself instead of a copy (for
    callers that built it for this call and will not change it)."""

    rows = problem["constraints"]
    if parsed is None:
        _, names, _, _, _, rows_ = parse_problem(problem)  # validates the whole problem once
        parsed = [(name, {names[j]: c for j, c in coeffs.items()}, op, b) for name, coeffs, op, b in rows_]
        del rows_
    active = set(initial)
    try:
        return _rounds(problem, rows, parsed, active, log, share_problem, solve_kwargs)
    finally:
        finish("lazy rows")


def _rounds(problem: dict[str, Any], rows: list[dict[str, Any]], parsed: list[Any], active: set[str],
            log: Callable[[str], None] | None, share_problem: bool, solve_kwargs: dict[str, Any]) -> LPResult:
    rounds = 0
    total_pivots = 0
    while True:
        rounds += 1
        step("lazy rows", None, None, f"round {rounds} ({len(active)} of {len(rows)} rows)")
        sub = dict(problem, constraints=[r for r in rows if r["name"] in active])
        res = solve_problem(sub, _verify=False, **solve_kwargs)  # the full LP's certificate is verified below
        total_pivots += res.pivots
        if res.status is Status.UNBOUNDED:
            return solve_problem(problem, **solve_kwargs)
        if res.status is Status.INFEASIBLE:
            farkas = res.farkas
            assert farkas is not None  # an infeasible result carries its Farkas multipliers
            far = {r["name"]: (farkas.get(r["name"], fmpq(0)) if r["name"] in active else fmpq(0)) for r in rows}
            return _full(problem, res, {"status": "infeasible", "farkas": {k: fmt(v) for k, v in far.items()}}, total_pivots, rounds, share_problem)
        x = res.primal
        assert x is not None  # neither unbounded nor infeasible: optimal, with a primal solution
        new = [name for name, coeffs, op, b in parsed if name not in active and _violated(coeffs, op, b, x)]
        if log:
            log(f"lazy round {rounds}: {len(active)} rows, {len(new)} violated rows added")
        if not new:
            y = res.dual
            assert y is not None  # optimal: with the dual solution
            dual = {r["name"]: (y.get(r["name"], fmpq(0)) if r["name"] in active else fmpq(0)) for r in rows}
            return _full(problem, res, {"status": "optimal", "value": fmt(res.value),
                                        "primal": {k: fmt(v) for k, v in x.items()},
                                        "dual": {k: fmt(v) for k, v in dual.items()}}, total_pivots, rounds, share_problem)
        active.update(new)


def _full(problem: dict[str, Any], res: LPResult, body: dict[str, Any], pivots: int, rounds: int, share: bool = False) -> LPResult:

    p = {k: problem[k] for k in ("sense", "variables", "objective", "constraints")} if share else problem_copy(problem)
    cert = {"format": LP_FORMAT, "problem": p, **body}

    def qmap(key: str) -> dict[str, fmpq] | None:
        return None if key not in body else {k: Q(v) for k, v in body[key].items()}

    out = LPResult(
        Status(body["status"]), Q(body["value"]) if "value" in body else None, qmap("primal"), qmap("dual"),
        qmap("farkas"), None, cert["problem"], pivots, f"{res.method}+lazy-rows({rounds} rounds)", cert,
    )
    out.verify()
    return out
