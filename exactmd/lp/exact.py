"""Problem dicts read exactly, and a compact dense-tableau exact simplex (CERTIFICATES.md).

``parse_problem`` / ``canonical_problem`` / ``problem_copy`` serve every solver.  The
tableau simplex below was the pure exact path; the exact revised simplex of
:mod:`exactmd.lp.revised` (an exact sparse LU instead of a tableau) replaced it, and with
``rules="tableau"`` makes the very pivots made here: the tableau is kept as the
cross-check of that path (tests/test_lp_revised.py).

Conventions.  Every row ``a_r·x (op) b_r`` becomes ``a_r·x − s_r = 0`` with a row
variable s_r bounded by the row (``<=``: s_r ≤ b_r; ``>=``: s_r ≥ b_r; ``==``: s_r = b_r).
Phase 1 adds one artificial per row, ``a_r·x − s_r − σ_r w_r = 0`` with w_r ≥ 0 and
σ_r the sign of the initial residual, and maximises −Σ w_r; phase 2 maximises c·x
(a ``min`` problem is solved as ``max −c``).  The tableau T = B⁻¹[A | −I | −σI] is stored
as sparse rows over fmpq; the artificial columns stay in it so that the duals are read
off exactly: y_r = σ_r (d_{w_r} − c_{w_r}).

Termination: Dantzig's rule (largest |reduced cost|) is used while pivots make strict
progress; after ``BLAND_AFTER`` consecutive degenerate pivots the rule switches to
Bland's (smallest eligible index enters, smallest index leaves among ties), which
cannot cycle, and stays there until the next strictly improving pivot.  Each level of
the objective is therefore left after finitely many pivots, and the objective takes
finitely many values (one per basis), so the method terminates.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from flint import fmpq

from ..errors import BudgetExceededError, InvalidNumberError, LPError
from ..progress import finish, step
from ..rational import Q, fmt
from .checker import LP_FORMAT

BLAND_AFTER = 50

_OPS = ("<=", ">=", "==")


def parse_problem(problem: Mapping[str, Any]) -> tuple[str, list[str], list[fmpq | None], list[fmpq | None], dict[int, fmpq], list[tuple[str, dict[int, fmpq], str, fmpq]]]:
    """Validate a problem dict and return it over exact numbers and column indices."""
    if not isinstance(problem, Mapping):
        raise LPError(f"a problem must be a JSON object, not {type(problem).__name__}")
    sense = problem.get("sense")
    if sense not in ("max", "min"):
        raise LPError(f"sense={sense!r} must be 'max' or 'min'")
    variables = problem.get("variables")
    if not isinstance(variables, Mapping):
        raise LPError("'variables' must map each variable to [lower, upper]")
    names = list(variables)
    index = {v: k for k, v in enumerate(names)}
    lo: list[fmpq | None] = []
    hi: list[fmpq | None] = []
    for v in names:
        b = variables[v]
        if not isinstance(b, (list, tuple)) or len(b) != 2:
            raise LPError(f"bounds of variable {v!r} must be [lower, upper], got {b!r}")
        lb = None if b[0] is None else _num(b[0], f"lower bound of {v!r}")
        ub = None if b[1] is None else _num(b[1], f"upper bound of {v!r}")
        if lb is not None and ub is not None and lb > ub:
            raise LPError(f"variable {v!r} has lower bound {fmt(lb)} > upper bound {fmt(ub)}")
        lo.append(lb)
        hi.append(ub)
    obj: dict[int, fmpq] = {}
    objective = problem.get("objective")
    if objective is not None and not isinstance(objective, Mapping):
        raise LPError(f"'objective' must map variables to coefficients, not a {type(objective).__name__}")
    constraints = problem.get("constraints")
    if constraints is not None and not isinstance(constraints, (list, tuple)):
        raise LPError(f"'constraints' must be a list of rows, not a {type(constraints).__name__}")
    for v, c in (objective or {}).items():
        if v not in index:
            raise LPError(f"the objective uses unknown variable {v!r}")
        q = _num(c, f"objective coefficient of {v!r}")
        if q != 0:
            obj[index[v]] = q
    rows = []
    seen: set[str] = set()
    for k, c in enumerate(constraints or []):
        if not isinstance(c, Mapping):
            raise LPError(f"constraint #{k} must be an object")
        name = c.get("name")
        if not isinstance(name, str):
            raise LPError(f"constraint #{k} has no string 'name'")
        if name in seen:
            raise LPError(f"two rows are named {name!r}")
        seen.add(name)
        op = c.get("op")
        if op not in _OPS:
            raise LPError(f"op {op!r} in row {name!r} must be one of '<=', '>=', '=='")
        co = c.get("coeffs")
        if co is None:
            co = {}
        elif not isinstance(co, Mapping):
            raise LPError(f"'coeffs' of row {name!r} must map variables to coefficients, got {co!r:.60}")
        try:  # every coefficient a nonzero string seen before (the common case), at C speed
            coeffs = {index[v]: _nonzero[a] for v, a in co.items()}
        except (KeyError, TypeError):
            coeffs = {}
            for v, a in co.items():
                j = index.get(v)
                if j is None:
                    raise LPError(f"row {name!r} uses unknown variable {v!r}") from None
                q = _num(a, f"coefficient of {v!r} in row {name!r}")
                if q != 0:
                    coeffs[j] = q
                    if isinstance(a, str) and len(_nonzero) < 100000 and len(a) <= 64:
                        _nonzero[a] = q
        rows.append((name, coeffs, op, _num(c.get("rhs"), f"rhs of row {name!r}")))
    return sense, names, lo, hi, obj, rows


_parsed: dict[str, fmpq] = {}  # problems repeat a few coefficients many times
_nonzero: dict[str, fmpq] = {}  # the nonzero coefficient strings among them


_canonical: set[str] = set()  # strings known to be canonical "p/q" / "p" (bounded cache)


def _is_canonical(x: Any) -> bool:
    if type(x) is not str:
        return False
    if x in _canonical:
        return True
    try:
        ok = fmt(Q(x)) == x
    except Exception:
        return False
    if ok and len(_canonical) < 200000 and len(x) <= 64:
        _canonical.add(x)
    return ok


def canonical_problem(problem: Mapping[str, Any]) -> Mapping[str, Any]:
    """The problem itself if every number in it is a canonical string (``fmt``), else a copy
    in which every number is; a number that is not rational raises :class:`LPError` naming it.

    Problems may be written with any number :func:`~exactmd.rational.Q` reads (JSON
    integers, ``"0.5"``, ``"1 / 2"``); certificates carry the canonical ``"p/q"`` strings
    that CERTIFICATES.md prescribes and ``fractions.Fraction`` reads.

    >>> canonical_problem({"sense": "max", "variables": {"x": [0, "1 / 2"]}, "objective": {"x": "2/4"}, "constraints": []})
    {'sense': 'max', 'variables': {'x': ['0', '1/2']}, 'objective': {'x': '1/2'}, 'constraints': []}
    """
    ok = _is_canonical
    try:
        variables = problem.get("variables") or {}
        objective = problem.get("objective") or {}
        rows = problem.get("constraints") or []
        if (all((b[0] is None or ok(b[0])) and (b[1] is None or ok(b[1])) for b in variables.values())
                and all(map(ok, objective.values()))
                and all(ok(c["rhs"]) and (_canonical.issuperset(c["coeffs"].values()) or all(map(ok, c["coeffs"].values())))
                        for c in rows)):
            return problem
    except (AttributeError, TypeError, KeyError, IndexError):
        pass  # malformed: parse_problem below says what is wrong
    sense, names, lo, hi, obj, parsed = parse_problem(problem)
    out = {k: v for k, v in problem.items() if k not in ("variables", "objective", "constraints")}
    out["variables"] = {v: [None if lo[k] is None else fmt(lo[k]), None if hi[k] is None else fmt(hi[k])] for k, v in enumerate(names)}
    out["objective"] = {names[j]: fmt(c) for j, c in obj.items()}
    out["constraints"] = [{"name": n, "coeffs": {names[j]: fmt(a) for j, a in co.items()}, "op": op, "rhs": fmt(b)} for n, co, op, b in parsed]
    return out


def _num(x: Any, what: str) -> fmpq:
    if isinstance(x, str):
        q = _parsed.get(x)
        if q is not None:
            return q
        q = _num_uncached(x, what)
        if len(_parsed) < 100000 and len(x) <= 64:
            _parsed[x] = q
        return q
    return _num_uncached(x, what)


def _num_uncached(x: Any, what: str) -> fmpq:
    if not isinstance(x, str):
        if isinstance(x, (int, fmpq)) and not isinstance(x, bool):
            return Q(x)
        if isinstance(x, float):  # float-ok: refused, with the exact way to write it
            try:
                Q(x)
            except Exception as e:
                raise LPError(f"{what}: {e}") from None
        raise LPError(f"{what} = {x!r} must be a string \"p/q\" (JSON numbers are not exact)")
    try:
        return Q(x)
    except InvalidNumberError as e:
        raise LPError(f"{what}: {e}") from None


class _Tableau:
    def __init__(self, n: int, lo: list, hi: list, rows: list, trace: Callable[[str], None] | None, names: list[str]) -> None:
        m = len(rows)
        self.n, self.m = n, m
        self.N = n + 2 * m
        self.names = names + [f"row {r[0]}" for r in rows] + [f"artificial {r[0]}" for r in rows]
        self.lo: list[fmpq | None] = list(lo) + [None] * m + [fmpq(0)] * m
        self.hi: list[fmpq | None] = list(hi) + [None] * m + [None] * m
        for r, (_, _, op, b) in enumerate(rows):
            if op in ("<=", "=="):
                self.hi[n + r] = b
            if op in (">=", "=="):
                self.lo[n + r] = b
        # nonbasic values
        self.val: list[fmpq] = []
        for j in range(self.N):
            lo_j, hi_j = self.lo[j], self.hi[j]
            if lo_j is not None:
                self.val.append(lo_j)
            elif hi_j is not None:
                self.val.append(hi_j)
            else:
                self.val.append(fmpq(0))
        self.sigma: list[int] = []
        self.T: list[dict[int, fmpq]] = []
        self.basis: list[int] = []
        for r, (_, coeffs, _, _) in enumerate(rows):
            resid = sum((a * self.val[j] for j, a in coeffs.items()), fmpq(0)) - self.val[n + r]
            s = -1 if resid < 0 else 1
            self.sigma.append(s)
            row = {j: -s * a for j, a in coeffs.items()}
            row[n + r] = fmpq(s)
            row[n + m + r] = fmpq(1)
            self.T.append(row)
            self.basis.append(n + m + r)
            self.val[n + m + r] = abs(resid)
        self.is_basic = [False] * self.N
        for j in self.basis:
            self.is_basic[j] = True
        self.trace = trace
        self.pivots = 0

    # reduced costs d_j = c_j − c_B·T_j, stored sparsely (zero omitted)
    def set_costs(self, c: dict[int, fmpq]) -> None:
        self.c = dict(c)
        d = dict(c)
        for i, row in enumerate(self.T):
            cb = c.get(self.basis[i])
            if cb:
                for j, a in row.items():
                    d[j] = d.get(j, fmpq(0)) - cb * a
        self.d = {j: v for j, v in d.items() if v != 0}

    def objective(self) -> fmpq:
        return sum((cj * self.val[j] for j, cj in self.c.items()), fmpq(0))

    def run(self, phase: int, allowed: Callable[[int], bool], budget: "_Budget") -> tuple[str, int | None, int]:
        """Pivot until optimal; return ("optimal"|"unbounded", entering column, direction)."""
        degenerate = 0
        while True:
            bland = degenerate >= BLAND_AFTER
            q, direction = self._entering(allowed, bland)
            if q is None:
                return "optimal", None, 0
            budget.tick(self.pivots, phase, self.objective())
            col = {i: row[q] for i, row in enumerate(self.T) if q in row}
            t, leave, to_upper = self._ratio(q, direction, col, bland)
            if t is None:
                return "unbounded", q, direction
            before = self.objective()
            self._pivot(q, direction, col, t, leave, to_upper)
            self.pivots += 1
            step("exact simplex", None, None, f"phase {phase}, {self.pivots} pivots")
            after = self.objective()
            degenerate = 0 if after != before else degenerate + 1
            if self.trace:
                lv = "bound flip" if leave is None else f"leave {self.names[self.basis_left]}"
                self.trace(
                    f"phase {phase} pivot {self.pivots}: enter {self.names[q]} "
                    f"({'up' if direction > 0 else 'down'}, reduced cost {fmt(self.d_entering)}), "
                    f"{lv}, step {fmt(t)}, objective {fmt(after)}" + (" [Bland]" if bland else "")
                )

    def _entering(self, allowed: Callable[[int], bool], bland: bool) -> tuple[int | None, int]:
        best: int | None = None
        best_dir = 0
        best_abs = fmpq(0)
        for j in sorted(self.d) if bland else self.d:
            dj = self.d[j]
            if self.is_basic[j] or not allowed(j):
                continue
            if dj > 0 and ((hi_j := self.hi[j]) is None or self.val[j] < hi_j):
                direction = 1
            elif dj < 0 and ((lo_j := self.lo[j]) is None or self.val[j] > lo_j):
                direction = -1
            else:
                continue
            if bland:  # Bland: the smallest eligible index enters
                return j, direction
            a = abs(dj)  # Dantzig: the largest |d_j| enters; ties to the smaller index
            if best is None or a > best_abs or (a == best_abs and j < best):
                best, best_dir, best_abs = j, direction, a
        return best, best_dir

    def _ratio(self, q: int, direction: int, col: dict[int, fmpq], bland: bool) -> tuple[fmpq | None, int | None, bool]:
        t_best: fmpq | None = None
        leave: int | None = None
        to_upper = False
        lo_q, hi_q = self.lo[q], self.hi[q]
        if lo_q is not None and hi_q is not None:
            t_best = hi_q - lo_q  # the entering variable's own bound flip
        for i, a in col.items():
            rate = -a * direction  # basic i changes by rate·t
            b = self.basis[i]
            if rate < 0 and (lo_b := self.lo[b]) is not None:
                t, up = (self.val[b] - lo_b) / (-rate), False
            elif rate > 0 and (hi_b := self.hi[b]) is not None:
                t, up = (hi_b - self.val[b]) / rate, True
            else:
                continue
            # smallest ratio leaves; ties go to the smallest basic index (Bland's leaving rule)
            if t_best is None or t < t_best or (t == t_best and leave is not None and b < self.basis[leave]):
                t_best, leave, to_upper = t, i, up
        return t_best, leave, to_upper

    def _pivot(self, q: int, direction: int, col: dict[int, fmpq], t: fmpq, leave: int | None, to_upper: bool) -> None:
        self.d_entering = self.d.get(q, fmpq(0))
        step = direction * t
        for i, a in col.items():
            b = self.basis[i]
            self.val[b] -= a * step
        self.val[q] += step
        if leave is None:
            return
        b_out = self.basis[leave]
        self.basis_left = b_out
        bound = self.hi[b_out] if to_upper else self.lo[b_out]
        assert bound is not None  # the ratio test stopped it at this bound
        self.val[b_out] = bound  # exact: lands on its bound
        prow = self.T[leave]
        piv = prow[q]
        prow = {j: a / piv for j, a in prow.items()}
        self.T[leave] = prow
        for i, a in col.items():
            if i == leave:
                continue
            row = self.T[i]
            for j, pa in prow.items():
                v = row.get(j, fmpq(0)) - a * pa
                if v == 0:
                    row.pop(j, None)
                else:
                    row[j] = v
        dq = self.d.get(q)
        if dq:
            for j, pa in prow.items():
                v = self.d.get(j, fmpq(0)) - dq * pa
                if v == 0:
                    self.d.pop(j, None)
                else:
                    self.d[j] = v
        self.basis[leave] = q
        self.is_basic[q] = True
        self.is_basic[b_out] = False


class _Budget:
    def __init__(self, max_pivots: int | None, time_limit: float | None) -> None:  # float-ok: wall clock
        self.max_pivots = max_pivots
        self.deadline = None if time_limit is None else time.monotonic() + time_limit  # float-ok: wall clock
        self.time_limit = time_limit

    def tick(self, pivots: int, phase: int, obj: fmpq) -> None:
        if self.max_pivots is not None and pivots >= self.max_pivots:
            raise BudgetExceededError(
                f"gave up after {pivots} pivots (phase {phase}, objective so far {fmt(obj)}); "
                f"limit --max-pivots {self.max_pivots}; no answer"
            )
        if self.deadline is not None and time.monotonic() > self.deadline:  # float-ok: wall clock
            raise BudgetExceededError(
                f"gave up after {self.time_limit} s and {pivots} pivots (phase {phase}, objective so far "
                f"{fmt(obj)}); limit --time-limit {self.time_limit}; no answer"
            )


Budget = _Budget  # shared with the revised simplex (exactmd.lp.revised)


def simplex(problem: Mapping[str, Any], *, max_pivots: int | None = None, time_limit: float | None = None,  # float-ok: wall clock
            trace: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Solve a problem dict exactly; return the certificate dict (CERTIFICATES.md) plus ``pivots``."""
    sense, names, lo, hi, obj, rows = parse_problem(problem)
    n, m = len(names), len(rows)
    tab = _Tableau(n, lo, hi, rows, trace, names)
    budget = _Budget(max_pivots, time_limit)
    if trace:
        trace(f"exact simplex: {n} variables, {m} rows, sense {sense}")
    # phase 1: maximise −Σ w_r
    tab.set_costs({n + m + r: fmpq(-1) for r in range(m)})
    try:
        return _two_phases(problem, tab, budget, trace, sense, names, obj, rows, n, m)
    finally:
        finish("exact simplex")


def _two_phases(problem: Mapping[str, Any], tab: "_Tableau", budget: "_Budget", trace: Callable[[str], None] | None,
                sense: str, names: list[str], obj: dict[int, fmpq], rows: list[Any], n: int, m: int) -> dict[str, Any]:
    """The two phases of :func:`simplex` on its tableau (phase 1's costs set)."""
    tab.run(1, lambda j: True, budget)
    infeas = tab.objective()
    cert: dict[str, Any] = {"format": LP_FORMAT, "problem": problem_copy(problem)}
    if infeas < 0:
        # Farkas multipliers λ_r = σ_r (d_{w_r} − c_{w_r}) of the phase-1 optimum
        far = {rows[r][0]: tab.sigma[r] * (tab.d.get(n + m + r, fmpq(0)) + 1) for r in range(m)}
        cert.update(status="infeasible", farkas={k: fmt(v) for k, v in far.items()})
        if trace:
            trace(f"phase 1 ends at {fmt(infeas)} < 0: infeasible")
        cert["pivots"] = tab.pivots
        return cert
    # phase 2: artificials fixed at 0
    for r in range(m):
        tab.hi[n + m + r] = fmpq(0)
    c = {j: (v if sense == "max" else -v) for j, v in obj.items()}
    tab.set_costs(c)
    status, q, direction = tab.run(2, lambda j: j < n + m, budget)
    primal = {names[j]: tab.val[j] for j in range(n)}
    if status == "unbounded":
        assert q is not None
        ray = {names[j]: fmpq(0) for j in range(n)}
        if q < n:
            ray[names[q]] = fmpq(direction)
        for i, row in enumerate(tab.T):
            b = tab.basis[i]
            if b < n and q in row:
                ray[names[b]] = -row[q] * direction
        cert.update(status="unbounded", primal={k: fmt(v) for k, v in primal.items()},
                    ray={k: fmt(v) for k, v in ray.items() if v != 0})
        if trace:
            trace("unbounded: the entering variable has no blocking bound")
        cert["pivots"] = tab.pivots
        return cert
    y = {rows[r][0]: tab.sigma[r] * tab.d.get(n + m + r, fmpq(0)) for r in range(m)}
    value = sum((v * primal[names[j]] for j, v in obj.items()), fmpq(0))
    if sense == "min":
        y = {k: -v for k, v in y.items()}
    cert.update(status="optimal", value=fmt(value), primal={k: fmt(v) for k, v in primal.items()},
                dual={k: fmt(v) for k, v in y.items()})
    if trace:
        trace(f"optimal after {tab.pivots} pivots: value {fmt(value)}")
    cert["pivots"] = tab.pivots
    return cert


def problem_copy(problem: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "sense": problem["sense"],
        "variables": {k: [v[0], v[1]] for k, v in problem["variables"].items()},
        "objective": dict(problem.get("objective") or {}),
        "constraints": [
            {"name": c["name"], "coeffs": dict(c.get("coeffs") or {}), "op": c["op"], "rhs": c["rhs"]}
            for c in problem.get("constraints") or []
        ],
    }
