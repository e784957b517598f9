"""Hypothesis strategies for random finite mechanism-design environments.

Every value is built from small integer draws, so a failing example shrinks towards
small numerators and denominators, few types and few outcomes.  Bounds are keyword-only
and validated up front (``hypothesis.errors.InvalidArgument``).

>>> from hypothesis import given
>>> from exactmd.strategies import finite_environments
>>> @given(finite_environments(max_types=2))
... def test(env):
...     assert sum(env.prior.values()) == 1
>>> test()
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flint import fmpq
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from .belief import Belief, independent
from .environment import Environment
from .mechanism import Device, OutcomeFunction

__all__ = [
    "rationals",
    "distributions",
    "type_spaces",
    "priors",
    "finite_environments",
    "quasilinear_environments",
    "environments",
    "outcome_functions",
    "devices",
    "private_value_environments",
    "grid_beliefs",
    "lp_problems",
]


def _check_int(name: str, v: Any, lo: int, hi: int | None = None) -> None:
    if isinstance(v, bool) or not isinstance(v, int) or v < lo or (hi is not None and v > hi):
        raise InvalidArgument(f"{name}={v!r} must be an integer in [{lo}, {hi if hi is not None else '∞'})")


@st.composite
def _rational(draw: Any, lo: int, hi: int, max_den: int) -> fmpq:
    den = draw(st.integers(1, max_den))
    num = draw(st.integers(lo * den, hi * den))
    return fmpq(num, den)


def rationals(*, min_value: int = -3, max_value: int = 3, max_denominator: int = 6) -> st.SearchStrategy[fmpq]:
    """Exact rationals in [min_value, max_value] with denominator ≤ max_denominator (shrinks to 0, small q)."""
    _check_int("max_denominator", max_denominator, 1)
    if not isinstance(min_value, int) or not isinstance(max_value, int) or min_value > max_value:
        raise InvalidArgument(f"min_value={min_value!r}, max_value={max_value!r} must be integers with min ≤ max")
    return _rational(min_value, max_value, max_denominator)


@st.composite
def _distribution(draw: Any, n: int, full_support: bool, max_weight: int) -> list[fmpq]:
    lo = 1 if full_support else 0
    w = draw(st.lists(st.integers(lo, max_weight), min_size=n, max_size=n))
    if sum(w) == 0:
        w[0] = 1
    tot = sum(w)
    return [fmpq(x, tot) for x in w]


def distributions(n: int, *, full_support: bool = False, max_weight: int = 4) -> st.SearchStrategy[list[fmpq]]:
    """Probability vectors of length n summing to exactly 1: integer weights ≤ max_weight, normalised."""
    _check_int("n", n, 1)
    _check_int("max_weight", max_weight, 1)
    return _distribution(n, full_support, max_weight)


def type_spaces(*, n_agents: int = 2, min_types: int = 1, max_types: int = 3) -> st.SearchStrategy[tuple[tuple[fmpq, ...], ...]]:
    """One tuple of distinct numeric types per agent (labels 0, 1, 2, …: shrinks to few types)."""
    _check_int("n_agents", n_agents, 1)
    _check_int("min_types", min_types, 1)
    _check_int("max_types", max_types, min_types)
    sizes = st.lists(st.integers(min_types, max_types), min_size=n_agents, max_size=n_agents)
    return sizes.map(lambda ks: tuple(tuple(fmpq(k) for k in range(m)) for m in ks))


@st.composite
def _prior(draw: Any, types: Any, independent_: bool | None, full_support: bool) -> Belief:
    ind = draw(st.booleans()) if independent_ is None else independent_
    if ind:
        margs = [draw(distributions(len(t), full_support=full_support)) for t in types]
        return independent(types, margs)
    import itertools

    profiles = list(itertools.product(*types))
    probs = draw(distributions(len(profiles), full_support=full_support))
    return Belief(types, dict(zip(profiles, probs)), name="prior")


def priors(types: Any, *, independent: bool | None = None, full_support: bool = False) -> st.SearchStrategy[Belief]:
    """Priors on the given type sets: correlated or independent (``independent=None``: either)."""
    return _prior(types, independent, full_support)


@st.composite
def _finite_env(draw: Any, n_agents: int, max_types: int, max_outcomes: int, private_values: bool, full_support: bool, independent_: bool | None) -> Environment:
    types = draw(type_spaces(n_agents=n_agents, max_types=max_types))
    p = draw(priors(types, independent=independent_, full_support=full_support))
    k = draw(st.integers(1, max_outcomes))
    outcomes = [f"x{j}" for j in range(k)]
    import itertools

    profiles = list(itertools.product(*types))
    table = {}
    for i in range(n_agents):
        for x in outcomes:
            if private_values:
                own = {t: draw(st.integers(-3, 3)) for t in types[i]}
                for th in profiles:
                    table[(i, x, th)] = own[th[i]]
            else:
                for th in profiles:
                    table[(i, x, th)] = draw(st.integers(-3, 3))
    return Environment.finite(types, p, outcomes, table)


def finite_environments(*, n_agents: int = 2, max_types: int = 3, max_outcomes: int = 3, private_values: bool = False,
                        full_support: bool = False, independent: bool | None = None) -> st.SearchStrategy[Environment]:
    """Finite environments with integer utilities in [-3, 3] (shrinks to 0) and random priors."""
    _check_int("n_agents", n_agents, 1, 4)
    _check_int("max_types", max_types, 1, 5)
    _check_int("max_outcomes", max_outcomes, 1, 6)
    return _finite_env(n_agents, max_types, max_outcomes, private_values, full_support, independent)


@st.composite
def _ql_env(draw: Any, n_agents: int, max_types: int, max_allocations: int, full_support: bool, independent_: bool | None) -> Environment:
    import itertools

    types = draw(type_spaces(n_agents=n_agents, max_types=max_types))
    p = draw(priors(types, independent=independent_, full_support=full_support))
    k = draw(st.integers(1, max_allocations))
    allocs = [f"a{j}" for j in range(k)]
    profiles = list(itertools.product(*types))
    table = {(i, a, th): draw(st.integers(-3, 3)) for i in range(n_agents) for a in allocs for th in profiles}
    return Environment.quasilinear(types, p, allocs, table)


def quasilinear_environments(*, n_agents: int = 2, max_types: int = 3, max_allocations: int = 3, full_support: bool = False,
                             independent: bool | None = None) -> st.SearchStrategy[Environment]:
    """Quasi-linear environments with integer valuations in [-3, 3]."""
    _check_int("n_agents", n_agents, 1, 4)
    _check_int("max_types", max_types, 1, 5)
    _check_int("max_allocations", max_allocations, 1, 6)
    return _ql_env(n_agents, max_types, max_allocations, full_support, independent)


@st.composite
def _pv_env(draw: Any, n_agents: int, max_types: int, max_allocations: int, value_range: int) -> Environment:
    types = draw(type_spaces(n_agents=n_agents, max_types=max_types))
    k = draw(st.integers(2, max_allocations))
    allocs = [f"a{j}" for j in range(k)]
    own = {(i, a, t): draw(st.integers(-value_range, value_range)) for i in range(n_agents) for a in allocs for t in types[i]}
    return Environment.quasilinear(types, "uniform", allocs, lambda i, a, th: own[(i, a, th[i])])


def private_value_environments(*, n_agents: int = 2, max_types: int = 2, max_allocations: int = 3,
                               value_range: int = 6) -> st.SearchStrategy[Environment]:
    """Quasi-linear environments with private values v_i(a, θ_i), integers in
    [−value_range, value_range], at least two alternatives, uniform prior (the complete
    information model of Neeman–Pavlov §3 ignores the prior)."""
    _check_int("n_agents", n_agents, 1, 4)
    _check_int("max_types", max_types, 1, 4)
    _check_int("max_allocations", max_allocations, 2, 5)
    _check_int("value_range", value_range, 1, 100)
    return _pv_env(n_agents, max_types, max_allocations, value_range)


def environments(**kw: Any) -> st.SearchStrategy[Environment]:
    """Either kind of environment."""
    fin = {k: v for k, v in kw.items() if k != "max_allocations"}
    ql = {k: v for k, v in kw.items() if k not in ("max_outcomes", "private_values")}
    return st.one_of(finite_environments(**fin), quasilinear_environments(**ql))


@st.composite
def _outcome_function(draw: Any, env: Environment) -> OutcomeFunction:
    table = {}
    for th in env.profiles():
        w = draw(distributions(len(env.outcomes)))
        if env.kind == "finite":
            table[th] = {x: q for x, q in zip(env.outcomes, w) if q != 0}
        else:
            t = tuple(draw(rationals(min_value=-2, max_value=2, max_denominator=3)) for _ in range(env.n))
            table[th] = {(a, t): q for a, q in zip(env.outcomes, w) if q != 0}
    return OutcomeFunction(env, table)


def outcome_functions(env: Environment) -> st.SearchStrategy[OutcomeFunction]:
    """Random (lottery) outcome functions of ``env``; quasilinear ones with small rational transfers."""
    return _outcome_function(env)


@st.composite
def _device(draw: Any, types: Any, max_signals: int) -> Device:
    import itertools

    k = draw(st.integers(1, max_signals))
    signals = [f"s{j}" for j in range(k)]
    table = {}
    for th in itertools.product(*types):
        w = draw(distributions(k))
        table[th] = {s: q for s, q in zip(signals, w) if q != 0}
    return Device(types, table)


def devices(types: Any, *, max_signals: int = 3) -> st.SearchStrategy[Device]:
    """Random information devices r : Θ → ΔS with at most ``max_signals`` signals."""
    _check_int("max_signals", max_signals, 1)
    return _device(types, max_signals)


@st.composite
def _grid_belief(draw: Any, types: Any, N: int) -> Belief:
    import itertools

    profiles = list(itertools.product(*types))
    counts = [0] * len(profiles)
    for _ in range(N):
        counts[draw(st.integers(0, len(profiles) - 1))] += 1
    return Belief(types, {th: fmpq(c, N) for th, c in zip(profiles, counts)})


def grid_beliefs(types: Any, N: int) -> st.SearchStrategy[Belief]:
    """Beliefs on the grid G_N = {p : N·p(θ) ∈ ℤ} over the profiles of ``types``."""
    _check_int("N", N, 1)
    return _grid_belief(types, N)


_BOUND_KINDS = ("box", "lower", "free", "fixed")


@st.composite
def _lp_problem(draw: Any, max_vars: int, max_rows: int, bounds: tuple[str, ...], ops: tuple[str, ...],
                origin_feasible: bool) -> dict[str, Any]:
    n = draw(st.integers(2, max_vars))
    m = draw(st.integers(1, max_rows))
    q = _rational(-4, 4, 5)
    variables: dict[str, list[str | None]] = {}
    for k in range(n):
        kind = draw(st.sampled_from(bounds))
        lo = 0 if origin_feasible else draw(st.integers(-2, 1))
        width = draw(st.integers(1, 3))
        shapes: dict[str, list[str | None]] = {"box": [str(lo), str(lo + width)], "lower": [str(lo), None],
                                                "free": [None, None], "fixed": [str(lo), str(lo)]}
        variables[f"x{k}"] = shapes[kind]
    rows = []
    for k in range(m):
        coeffs = {v: str(draw(q)) for v in variables if draw(st.booleans())}
        op = draw(st.sampled_from(ops))
        rhs = draw(q)
        if origin_feasible:  # the origin (every variable at its lower bound 0) satisfies the row
            rhs = abs(rhs) if op == "<=" else -abs(rhs) if op == ">=" else fmpq(0)
        rows.append({"name": f"r{k}", "coeffs": coeffs, "op": op, "rhs": str(rhs)})
    return {"sense": draw(st.sampled_from(["max", "min"])), "variables": variables,
            "objective": {v: str(draw(q)) for v in variables}, "constraints": rows}


def lp_problems(*, max_vars: int = 8, max_rows: int = 8, bounds: Sequence[str] = _BOUND_KINDS,
                ops: Sequence[str] = ("<=", ">=", "=="), origin_feasible: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """LP problem documents (``exactmd-lp-problem/1`` bodies: sense, variables, objective,
    constraints) with 2 to ``max_vars`` variables, 1 to ``max_rows`` rows, coefficients in
    [-4, 4] with denominators ≤ 5 (about half of them zero).  ``bounds``: the kinds of
    variable bounds to draw from — ``"box"`` [l, l + w], ``"lower"`` [l, ∞), ``"free"``,
    ``"fixed"`` [l, l].  ``origin_feasible``: every lower bound is 0 and every row holds
    at x = 0 (a feasible starting point; ``"free"`` is then still allowed)."""
    _check_int("max_vars", max_vars, 2)
    _check_int("max_rows", max_rows, 1)
    bad = [b for b in bounds if b not in _BOUND_KINDS]
    if bad or not bounds:
        raise InvalidArgument(f"bounds={tuple(bounds)!r} must be a non-empty subset of {_BOUND_KINDS}")
    bad_ops = [o for o in ops if o not in ("<=", ">=", "==")]
    if bad_ops or not ops:
        raise InvalidArgument(f"ops={tuple(ops)!r} must be a non-empty subset of ('<=', '>=', '==')")
    return _lp_problem(max_vars, max_rows, tuple(bounds), tuple(ops), origin_feasible)
