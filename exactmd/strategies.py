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

from .belief import Belief, conditional_matrix, full_rank_conditionals, independent
from .environment import Environment
from .lp.parametric import ParametricProblem
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
    "parametric_lps",
    "value_grids",
    "ipv_environments",
    "correlated_priors",
    "conditional_matrix",
    "full_rank_conditionals",
    "auctions",
    "public_goods",
    "interdependent_auctions",
    "correlated_private_values",
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


# ---------------------------------------------------------------------------------
# users' environments: auctions, independent private values, correlated priors, public goods
def _check_prior_kind(prior: str, allowed: tuple[str, ...]) -> None:
    if prior not in allowed:
        raise InvalidArgument(f"prior={prior!r} must be one of {', '.join(map(repr, allowed))}")


@st.composite
def _value_grid(draw: Any, k: int, max_value: int) -> tuple[fmpq, ...]:
    values = draw(st.lists(st.integers(0, max_value), min_size=k, max_size=k, unique=True))
    return tuple(fmpq(x) for x in sorted(values))


def value_grids(k: int, *, max_value: int = 6) -> st.SearchStrategy[tuple[fmpq, ...]]:
    """``k`` increasing integer values in [0, max_value] (a bidder's value grid; shrinks
    towards 0, 1, …, k − 1)."""
    _check_int("k", k, 1, 20)
    _check_int("max_value", max_value, k - 1, 1000)
    return _value_grid(k, max_value)


@st.composite
def _correlated(draw: Any, types: Any, max_weight: int) -> Belief:
    import itertools

    k = len(types[0])
    profiles = list(itertools.product(*types))
    index = [{t: a for a, t in enumerate(ts)} for ts in types]
    # w(θ) = r(θ) + D·[every agent's type has the same index]: on the columns θ_-i = (b, …, b)
    # agent i's matrix is strictly diagonally dominant (D > (k − 1)·max_weight), so it has full
    # row rank (Levy–Desplanques), and so do its rows scaled by 1/p_i(θ_i)
    big = (k - 1) * max_weight + draw(st.integers(1, max_weight))
    w = [draw(st.integers(0, max_weight)) + (big if len({index[j][t] for j, t in enumerate(th)}) == 1 else 0) for th in profiles]
    tot = sum(w)
    p = Belief(types, {th: fmpq(x, tot) for th, x in zip(profiles, w)}, name="prior")
    assert full_rank_conditionals(p), "the construction gives full-rank conditionals"
    return p


def correlated_priors(types: Sequence[Sequence[Any]], *, max_weight: int = 3) -> st.SearchStrategy[Belief]:
    """Correlated priors with full-rank conditionals (:func:`full_rank_conditionals`,
    checked exactly on every value drawn), for ``types`` in which every agent has the same
    number k of types: integer weights r(θ) ∈ [0, max_weight] plus a weight D >
    (k − 1)·max_weight on the profiles where all agents have the same type index,
    normalised (shrinks towards the perfectly correlated prior on those profiles)."""
    _check_int("max_weight", max_weight, 1, 100)
    ts = [tuple(t) for t in types]
    if not ts or len({len(t) for t in ts}) != 1:
        raise InvalidArgument(f"types={types!r}: every agent needs the same number of types")
    return _correlated(tuple(ts), max_weight)


@st.composite
def _ipv(draw: Any, n_agents: int, max_types: int, max_allocations: int, value_range: int, full_support: bool) -> Environment:
    types = draw(type_spaces(n_agents=n_agents, max_types=max_types))
    margs = [draw(distributions(len(t), full_support=full_support)) for t in types]
    k = draw(st.integers(2, max_allocations))
    allocs = [f"a{j}" for j in range(k)]
    own = {(i, a, t): draw(st.integers(-value_range, value_range)) for i in range(n_agents) for a in allocs for t in types[i]}
    return Environment.quasilinear(types, independent(types, margs), allocs, lambda i, a, th: own[(i, a, th[i])])


def ipv_environments(*, n_agents: int = 2, max_types: int = 3, max_allocations: int = 3, value_range: int = 3,
                     full_support: bool = True) -> st.SearchStrategy[Environment]:
    """Quasi-linear environments with independent private values: v_i(a, θ) = v_i(a, θ_i),
    integers in [−value_range, value_range], and a product prior p(θ) = Π_i p_i(θ_i)
    (marginals from :func:`distributions`; ``full_support``: every type has positive mass)."""
    _check_int("n_agents", n_agents, 1, 4)
    _check_int("max_types", max_types, 1, 5)
    _check_int("max_allocations", max_allocations, 2, 6)
    _check_int("value_range", value_range, 1, 100)
    return _ipv(n_agents, max_types, max_allocations, value_range, full_support)


@st.composite
def _auction(draw: Any, n: int, min_types: int, max_types: int, max_value: int, prior: str, full_support: bool) -> Environment:
    kind = draw(st.sampled_from(["independent", "correlated"])) if prior == "any" else prior
    if kind == "correlated":
        k = draw(st.integers(min_types, max_types))
        sizes = [k] * n
    else:
        sizes = [draw(st.integers(min_types, max_types)) for _ in range(n)]
    types = tuple(draw(value_grids(k, max_value=max_value)) for k in sizes)
    if kind == "correlated":
        p = draw(correlated_priors(types))
    else:
        p = independent(types, [draw(distributions(len(t), full_support=full_support)) for t in types])
    allocs = ["none"] + [f"win{i + 1}" for i in range(n)]
    return Environment.quasilinear(types, p, allocs, lambda i, a, th: th[i] if a == f"win{i + 1}" else 0,
                                   name=f"auction, {n} bidders")


def auctions(*, n_bidders: int = 2, min_types: int = 2, max_types: int = 3, max_value: int = 6,
             prior: str = "independent", full_support: bool = True) -> st.SearchStrategy[Environment]:
    """Single-item auctions: allocations ``none``, ``win1`` … ``winN``; bidder i's value
    for ``win{i}`` is her type θ_i (a :func:`value_grids` grid in [0, max_value]), 0 for
    the others.  ``prior``: ``"independent"`` (independent private values, marginals
    from :func:`distributions`), ``"correlated"`` (:func:`correlated_priors`: full-rank
    conditionals, every bidder with the same number of types) or ``"any"``."""
    _check_int("n_bidders", n_bidders, 1, 4)
    _check_int("min_types", min_types, 1, 6)
    _check_int("max_types", max_types, min_types, 6)
    _check_int("max_value", max_value, max_types - 1, 1000)
    _check_prior_kind(prior, ("independent", "correlated", "any"))
    return _auction(n_bidders, min_types, max_types, max_value, prior, full_support)


@st.composite
def _public_good(draw: Any, n: int, max_types: int, max_value: int, max_cost: int, prior: str, full_support: bool) -> Environment:
    kind = draw(st.sampled_from(["independent", "correlated"])) if prior == "any" else prior
    k0 = draw(st.integers(1, max_types))
    sizes = [k0] * n if kind == "correlated" else [draw(st.integers(1, max_types)) for _ in range(n)]
    types = tuple(draw(value_grids(k, max_value=max_value)) for k in sizes)
    if kind == "correlated":
        p = draw(correlated_priors(types))
    else:
        p = independent(types, [draw(distributions(len(t), full_support=full_support)) for t in types])
    cost = fmpq(draw(st.integers(0, max_cost)))
    share = cost / n
    return Environment.quasilinear(types, p, ["skip", "build"], lambda i, a, th: th[i] - share if a == "build" else 0,
                                   name=f"public good, {n} agents, cost {cost}")


def public_goods(*, n_agents: int = 2, max_types: int = 2, max_value: int = 4, max_cost: int = 6,
                 prior: str = "independent", full_support: bool = True) -> st.SearchStrategy[Environment]:
    """A public good: allocations ``skip`` and ``build``; building costs c (an integer in
    [0, max_cost]) shared equally, so v_i(build, θ) = θ_i − c/n and v_i(skip, θ) = 0, θ_i
    on a :func:`value_grids` grid in [0, max_value]; the transfers are the agents' money
    beyond their cost shares, so budget balance (``BB``) means the cost is exactly paid.
    ``prior`` as for :func:`auctions`."""
    _check_int("n_agents", n_agents, 1, 4)
    _check_int("max_types", max_types, 1, 5)
    _check_int("max_value", max_value, max_types - 1, 1000)
    _check_int("max_cost", max_cost, 0, 1000)
    _check_prior_kind(prior, ("independent", "correlated", "any"))
    return _public_good(n_agents, max_types, max_value, max_cost, prior, full_support)


@st.composite
def _correlated_pv(draw: Any, n: int, min_types: int, max_types: int, max_allocations: int, value_range: int) -> Environment:
    k = draw(st.integers(min_types, max_types))
    types = tuple(tuple(fmpq(t) for t in range(k)) for _ in range(n))
    p = draw(correlated_priors(types))
    m = draw(st.integers(2, max_allocations))
    allocs = [f"a{j}" for j in range(m)]
    own = {(i, a, t): draw(st.integers(-value_range, value_range)) for i in range(n) for a in allocs for t in types[i]}
    return Environment.quasilinear(types, p, allocs, lambda i, a, th: own[(i, a, th[i])],
                                   name=f"correlated private values, {n} agents")


def correlated_private_values(*, n_agents: int = 3, min_types: int = 2, max_types: int = 2, max_allocations: int = 3,
                              value_range: int = 3) -> st.SearchStrategy[Environment]:
    """Quasi-linear environments with private values v_i(a, θ_i) (integers in
    [−value_range, value_range]) and a correlated prior with full-rank conditionals
    (:func:`correlated_priors`: every agent's matrix p(θ_-i : θ_i) has full row rank —
    the condition of Crémer and McLean); every agent has the same number of types
    0, 1, …, k − 1 with k ∈ [min_types, max_types]."""
    _check_int("n_agents", n_agents, 1, 4)
    _check_int("min_types", min_types, 1, 4)
    _check_int("max_types", max_types, min_types, 4)
    _check_int("max_allocations", max_allocations, 2, 6)
    _check_int("value_range", value_range, 1, 100)
    return _correlated_pv(n_agents, min_types, max_types, max_allocations, value_range)


@st.composite
def _interdependent_auction(draw: Any, n: int, min_signals: int, max_signals: int, max_weight: int, max_constant: int,
                            prior: str, seller: bool) -> Environment:
    kind = draw(st.sampled_from(["independent", "correlated"])) if prior == "any" else prior
    k0 = draw(st.integers(max(min_signals, 2) if kind == "correlated" else min_signals, max_signals))
    sizes = [k0] * n if kind == "correlated" else [draw(st.integers(min_signals, max_signals)) for _ in range(n)]
    signals = tuple(tuple(fmpq(s) for s in range(k)) for k in sizes)
    own = [draw(st.integers(1, max_weight)) for _ in range(n)]
    # w[i][k]: the weight of s_k in v_i; single crossing: w[j][i] < w[i][i] for j ≠ i
    w = [[fmpq(own[i]) if k == i else fmpq(draw(st.integers(0, own[k] - 1))) for k in range(n)] for i in range(n)]
    c = [fmpq(draw(st.integers(0, max_constant))) for _ in range(n)]
    if kind == "correlated":
        p = draw(correlated_priors(signals))
    else:
        p = independent(signals, [draw(distributions(k, full_support=True)) for k in sizes])
    types = signals + (((fmpq(0),),) if seller else ())
    probs = {th + ((fmpq(0),) if seller else ()): x for th, x in p.items()}

    def value(i: int, a: Any, th: tuple) -> fmpq:
        if i >= n or a != f"win{i + 1}":
            return fmpq(0)
        return c[i] + sum((w[i][k] * th[k] for k in range(n)), fmpq(0))

    agents = [str(i + 1) for i in range(n)] + (["seller"] if seller else [])
    return Environment.quasilinear(types, Belief(types, probs, name="prior"), [f"win{i + 1}" for i in range(n)], value,
                                   agents=agents, name=f"interdependent auction, {n} bidders")


def interdependent_auctions(*, n_bidders: int = 2, min_signals: int = 1, max_signals: int = 3, max_weight: int = 3,
                            max_constant: int = 3, prior: str = "independent",
                            seller: bool = True) -> st.SearchStrategy[Environment]:
    """Single-good auctions with interdependent values and one-dimensional signals s_i ∈
    {0, 1, …, k_i − 1}: allocations ``win1`` … ``winN`` (the good is always sold), bidder i's
    value v_i(s) = c_i + Σ_k w[i][k]·s_k with integers c_i ∈ [0, max_constant],
    w[i][i] ∈ [1, max_weight] and 0 ≤ w[j][i] < w[i][i] — the *single-crossing* condition
    (raising s_i raises i's value strictly more than any other bidder's).  ``seller``: a
    last player ``seller`` with one type and value 0 who receives the payments (so budget
    balance means the bidders' payments go to her).  ``prior``: ``"independent"`` (full
    support), ``"correlated"`` (:func:`correlated_priors`, every bidder with the same
    number of signals) or ``"any"``.  Shrinks towards private values, one signal, c = 0."""
    _check_int("n_bidders", n_bidders, 1, 4)
    _check_int("min_signals", min_signals, 1, 5)
    _check_int("max_signals", max_signals, min_signals, 5)
    _check_int("max_weight", max_weight, 1, 100)
    _check_int("max_constant", max_constant, 0, 1000)
    _check_prior_kind(prior, ("independent", "correlated", "any"))
    return _interdependent_auction(n_bidders, min_signals, max_signals, max_weight, max_constant, prior, seller)


@st.composite
def _parametric_lp(draw: Any, n: int, m: int, matrix: bool) -> Any:
    names = [f"x{j}" for j in range(n)]
    ub = [draw(_rational(1, 3, 2)) for _ in range(n)]
    rows = []
    for r in range(m):
        co = {}
        for j in range(n):
            a0 = draw(_rational(-2, 2, 3))
            a1 = draw(_rational(-2, 2, 3)) if matrix else fmpq(0)
            if a0 != 0 or a1 != 0:
                co[j] = (a0, a1)
        b0 = draw(_rational(0, 3, 2))
        b1 = draw(_rational(-1, 2, 2))
        if b0 + b1 < 0:
            b1 = -b0
        rows.append((f"c{r}", co, "<=", (b0, b1)))
    obj = {j: (draw(_rational(-2, 2, 2)), draw(_rational(-2, 2, 2))) for j in range(n)}
    return ParametricProblem(draw(st.sampled_from(["max", "min"])), names, [fmpq(0)] * n, ub, obj, rows)


def parametric_lps(*, max_variables: int = 3, max_rows: int = 3, matrix: bool = True) -> st.SearchStrategy[Any]:
    """Small :class:`~exactmd.lp.parametric.ParametricProblem` instances, feasible and bounded for every λ in
    [0, 1]: variables in [0, u], rows a(λ)·x ≤ b(λ) with b ≥ 0 on [0, 1] (x = 0 is feasible); objective,
    matrix (if ``matrix``) and right-hand sides affine in λ.  Built from integer draws (small numerators
    and denominators shrink first)."""
    _check_int("max_variables", max_variables, 1, 6)
    _check_int("max_rows", max_rows, 1, 6)
    return st.integers(1, max_variables).flatmap(
        lambda n: st.integers(1, max_rows).flatmap(lambda m: _parametric_lp(n, m, matrix)))
