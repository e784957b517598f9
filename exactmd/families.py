"""More constraint families: ex post incentives, anonymity, and budgets with a production cost.

Each family is, like those of :mod:`exactmd.constraints`, written once as labelled LP
rows over the mechanism variables ``f[x|θ]`` (finite) or ``q[a|θ]``, ``t[i|θ]``
(quasilinear), so that :func:`exactmd.constraints.check` and the LP of
:mod:`exactmd.design` use the very same rows.  U_i(θ | θ') is agent i's payoff at the
true profile θ when the mechanism is run at the reported profile θ' (module text of
:mod:`exactmd.constraints`).  The families register themselves at import
(:func:`exactmd.constraints.register_family`, owner ``exactmd``):

=================== =================================================================
``DSIC``            dominant-strategy IC: U_i(θ | θ) − U_i(θ | θ'_i, θ_-i) ≥ 0 for every
                    agent i, every profile θ ∈ Θ (of positive prior mass or not) and
                    every report θ'_i ≠ θ_i.  Rows ``DSIC[agent 1: 0 -> 1 at 0,1]``.
``ex-post-IC``      the same rows at the profiles θ of positive mass under the belief
                    (the prior unless another belief is given).  Rows ``EPIC[…]``.
``symmetric``       anonymity: f(σ(x) | πθ) = f(x | θ) and t_{π(i)}(πθ) = t_i(θ) for the
                    agent permutations π of an environment symmetric under them, σ the
                    outcome permutation matched to π (:func:`agent_symmetries`).
``BB-cost``         Σ_i t_i(θ) + C(θ) = 0 at every θ, C(θ) = Σ_a c(a, θ) q[a|θ] the
                    expected production cost of the allocation (quasilinear).
``weak-BB-cost``    Σ_i t_i(θ) + C(θ) ≤ 0 at every θ (no deficit).
``ex-ante-BB-cost`` Σ_θ p(θ) [Σ_i t_i(θ) + C(θ)] = 0.
=================== =================================================================

**DSIC and ex post IC.**  In both, the others report their true types θ_-i and the
payoff is evaluated at the true profile θ.  With private values (u_i depending on θ
through θ_i only) ``DSIC`` is dominant-strategy incentive compatibility: truth is a best
reply to *every* report of the others, including reports at profiles the prior deems
impossible — a mechanism may be IC and even ex-post-IC but fail DSIC at a profile of
mass 0.  With interdependent values ``DSIC`` reads as ex post IC at every profile of Θ;
the stronger requirement that truth be best also when the others misreport (their true
and reported types differing) is not this family.  ``ex-post-IC`` is the belief's
statement: ex post equilibrium is a property of the profiles that can occur, so its
rows are the DSIC rows at the profiles of positive mass, θ ∈ supp(p).  For private
values and a full-support belief the two families have the same rows; both imply
Bayesian IC (each IC row of :class:`~exactmd.constraints.IC` is a p-weighted sum of
ex-post-IC rows).  Rows are unweighted; :func:`~exactmd.constraints.check` reports the
shortfall as the exact ex post gain from the misreport.

**Symmetric.**  The permutations are the adjacent transpositions τ_k = (k, k+1) of the
agents; invariance under them is invariance under the group they generate, which holds
every permutation of the agents.  τ_k acts on profiles by swapping entries k and k+1.
The environment must be symmetric under each τ_k: agents k and k+1 have the same type
list, the prior is invariant (p(τθ) = p(θ)), and there is an outcome (allocation)
permutation σ_k with u_{τ(j)}(σ_k(x), τθ) = u_j(x, θ) for every agent j, outcome x and
profile θ (valuations v_j for quasilinear environments).  σ_k is found by matching
utility tables: each outcome x, in the environment's order, is sent to the first
outcome not yet used whose table is the swapped table of x (when some outcomes have
equal tables, this picks one matching deterministically; the rows then say the
mechanism is invariant under that matching).  The planner value need not be symmetric:
``symmetric`` restricts the mechanism only.  An environment that is not symmetric is
refused with one line naming what breaks the symmetry.  Rows ``SYM[agents 1<->2:
q[win1|0,1] = q[win2|1,0]]``, one per pair of variables that must be equal.

**Budget balance with a production cost.**  The cost c(a, θ) ≥ 0 or of any sign, of the
allocation a at profile θ (c(a) when it does not depend on θ) is a parameter of the
family: ``BudgetBalanceCost({"win1": 1, "win2": 1})``, or in an environment file a
``[cost]`` table (``docs/environment-format.md``), in certificates ``{"family":
"BB-cost", "cost": {...}}``.  The rows use expected transfers t_i(θ) and the expected
cost at θ, in the sense of ``BB``, ``weak-BB`` and ``ex-ante-BB``: with risk-neutral
(quasilinear) agents the transfers can be realised allocation by allocation so that
Σ_i t_i + c(a, θ) = 0 (resp. ≤ 0) holds at every realised outcome, by shifting agent 1's
transfer by C(θ) − c(a, θ), which leaves every expected payoff unchanged.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flint import fmpq

from .belief import Belief, label, profile_label
from .constraints import ConstraintFamily, Row, register_family
from .encoding import fvar, qvar, tvar
from .environment import MAX_FILE_BYTES, Environment, _apply_patterns
from .errors import ModelError
from .rational import Q, fmt, int_digits

__all__ = ["DSIC", "ExPostIC", "Symmetric", "BudgetBalanceCost", "agent_symmetries", "cost_from_file", "family_words",
           "COST_FAMILIES"]

_ONE = fmpq(1)
_MINUS_ONE = fmpq(-1)
_ZERO = fmpq(0)


class DSIC(ConstraintFamily):
    """Dominant-strategy IC at every profile of Θ (module text)."""

    name = "DSIC"
    _tag = "DSIC"

    def _profiles(self, env: Environment, p: Belief) -> list[bool]:
        return [True] * len(env.profiles())

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        var = fvar if env.kind == "finite" else qvar
        profiles = env.profiles()
        include = self._profiles(env, p)
        index_of = [{t: a for a, t in enumerate(ts)} for ts in env.types]
        key = [tuple(index_of[i][t] for i, t in enumerate(th)) for th in profiles]
        where = {k: j for j, k in enumerate(key)}
        names = [[var(x, th) for x in env.outcomes] for th in profiles]
        ql = env.kind == "quasilinear"
        out = []
        for i in range(env.n):
            for k, th in enumerate(profiles):
                if not include[k]:
                    continue
                terms = []
                for x_idx, x in enumerate(env.outcomes):
                    c = env.valuation(i, x, th)
                    if c != 0:
                        terms.append((x_idx, c, -c))
                a = key[k][i]
                for b, report in enumerate(env.types[i]):
                    if b == a:
                        continue
                    dev = where[key[k][:i] + (b,) + key[k][i + 1:]]
                    # U_i(θ | θ) − U_i(θ | report, θ_-i): the two profiles differ, so no variable repeats
                    acc: dict[str, fmpq] = {}
                    for x_idx, c, neg in terms:
                        acc[names[k][x_idx]] = c
                        acc[names[dev][x_idx]] = neg
                    if ql:
                        acc[tvar(env, i, th)] = _ONE
                        acc[tvar(env, i, profiles[dev])] = _MINUS_ONE
                    if not acc:
                        continue
                    out.append(Row(
                        f"{self._tag}[agent {env.agents[i]}: {label(th[i])} -> {label(report)} at {profile_label(th)}]",
                        acc, ">=", _ZERO, self.name,
                        {"agent": i, "type": th[i], "report": report, "profile": th, "gain_scale": _ONE}))
        return out


class ExPostIC(DSIC):
    """Ex post IC: the DSIC rows at the profiles of positive mass under the belief (module text)."""

    name = "ex-post-IC"
    _tag = "EPIC"

    def _profiles(self, env: Environment, p: Belief) -> list[bool]:
        return [p[th] != 0 for th in env.profiles()]


# ---------------------------------------------------------------------------------
# symmetric
def _swap(th: tuple, k: int) -> tuple:
    return th[:k] + (th[k + 1], th[k]) + th[k + 2:]


def agent_symmetries(env: Environment) -> list[tuple[int, dict[Any, Any]]]:
    """``[(k, σ_k)]`` for the adjacent transpositions τ_k = (k, k+1) of the agents, σ_k the
    outcome (allocation) permutation matched to τ_k (module text); a
    :class:`~exactmd.errors.ModelError` naming what breaks the symmetry otherwise.

    >>> env = Environment.quasilinear([[0, 1], [0, 1]], "uniform", ["none", "win1", "win2"],
    ...     lambda i, a, th: th[i] if a == f"win{i + 1}" else 0)
    >>> agent_symmetries(env)
    [(0, {'none': 'none', 'win1': 'win2', 'win2': 'win1'})]
    """
    what = "outcome" if env.kind == "finite" else "allocation"
    profiles = env.profiles()
    out = []
    for k in range(env.n - 1):
        a, b = env.agents[k], env.agents[k + 1]
        pair = f"agents {a} and {b}"
        if env.types[k] != env.types[k + 1]:
            raise ModelError(f"symmetric: {pair} have different type sets ({', '.join(map(label, env.types[k]))} and "
                             f"{', '.join(map(label, env.types[k + 1]))}), so the environment is not symmetric")
        for th in profiles:
            if env.prior[th] != env.prior[_swap(th, k)]:
                raise ModelError(f"symmetric: the prior is not invariant under swapping {pair}: p({profile_label(th)}) = "
                                 f"{fmt(env.prior[th])} but p({profile_label(_swap(th, k))}) = {fmt(env.prior[_swap(th, k)])}")
        tau = list(range(env.n))
        tau[k], tau[k + 1] = k + 1, k

        def table(x: Any) -> tuple:
            return tuple(env.valuation(j, x, th) for j in range(env.n) for th in profiles)

        free: dict[tuple, list[Any]] = {}
        for y in env.outcomes:
            free.setdefault(table(y), []).append(y)
        sigma: dict[Any, Any] = {}
        for x in env.outcomes:
            # σ(x) must give agent j at profile θ what agent τ(j) gets from x at τθ
            want = tuple(env.valuation(tau[j], x, _swap(th, k)) for j in range(env.n) for th in profiles)
            if not free.get(want):
                raise ModelError(f"symmetric: the environment is not symmetric under swapping {pair}: no {what} gives "
                                 f"each agent at each profile what the other agent gets from {what} {label(x)!r} at the "
                                 "swapped profile")
            sigma[x] = free[want].pop(0)
        out.append((k, sigma))
    return out


class Symmetric(ConstraintFamily):
    """Anonymous mechanisms of an environment symmetric under permutations of the agents (module text)."""

    name = "symmetric"

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        var = fvar if env.kind == "finite" else qvar
        seen: set[frozenset] = set()
        out = []

        def add(k: int, v1: str, v2: str, meta: dict[str, Any]) -> None:
            pair = frozenset((v1, v2))
            if v1 == v2 or pair in seen:
                return
            seen.add(pair)
            out.append(Row(f"SYM[agents {env.agents[k]}<->{env.agents[k + 1]}: {v1} = {v2}]",
                           {v1: _ONE, v2: _MINUS_ONE}, "==", _ZERO, self.name, meta))

        for k, sigma in agent_symmetries(env):
            for th in env.profiles():
                sw = _swap(th, k)
                for x in env.outcomes:
                    add(k, var(x, th), var(sigma[x], sw), {"swap": k, "profile": th, "outcome": x})
                if env.kind == "quasilinear":
                    for i in range(env.n):
                        j = k + 1 if i == k else k if i == k + 1 else i
                        add(k, tvar(env, i, th), tvar(env, j, sw), {"swap": k, "profile": th, "agent": i})
        return out


# ---------------------------------------------------------------------------------
# budget balance with a production cost
#: name -> (row operator, ex post?)
COST_FAMILIES = {"BB-cost": ("==", True), "weak-BB-cost": ("<=", True), "ex-ante-BB-cost": ("==", False)}


def _cost_key(k: Any) -> str:
    if isinstance(k, bool) or not isinstance(k, (str, int, fmpq)):
        raise ModelError(f"cost: allocation {k!r} must be a label (a string or an integer)")
    text = label(k) if isinstance(k, fmpq) else str(k).strip()
    if not text:
        raise ModelError("cost: an allocation label is empty")
    return text


def _normalize_cost(cost: Any, name: str) -> dict[str, Any]:
    """The canonical form: allocation label -> "c" (c(a)) or {profile pattern -> "c"} (c(a, θ))."""
    if not isinstance(cost, Mapping):
        raise ModelError(f"{name}: cost={cost!r:.60} must map allocations to a number c(a) or to a table "
                         "profile pattern -> number c(a, θ)")
    out: dict[str, Any] = {}
    for k, v in cost.items():
        a = _cost_key(k)
        if a in out:
            raise ModelError(f"{name}: cost of allocation {a!r} is given twice")
        if isinstance(v, Mapping):
            table = {}
            for pat, c in v.items():
                if not isinstance(pat, str) or not pat.strip():
                    raise ModelError(f"{name}: cost.{a}: pattern {pat!r} must be a profile pattern such as \"1,*\"")
                table[",".join(s.strip() for s in pat.split(","))] = fmt(Q(c, name=f"cost.{a}[{pat}]"))
            if not table:
                raise ModelError(f"{name}: cost.{a} is an empty table")
            out[a] = table
        else:
            out[a] = fmt(Q(v, name=f"cost.{a}"))
    return out


class BudgetBalanceCost(ConstraintFamily):
    """Budget balance with a production cost c(a, θ) of the allocation (module text).

    ``cost`` maps allocation labels to a number c(a) or to a table *profile pattern →
    number* c(a, θ) (patterns as in environment files: ``*`` for any type, later
    patterns override earlier ones, every profile covered); allocations not listed cost
    0.  ``kind`` is ``"BB-cost"`` (=, ex post), ``"weak-BB-cost"`` (≤, ex post) or
    ``"ex-ante-BB-cost"`` (=, in expectation under the belief).

    >>> env = Environment.quasilinear([[1, 2]], "uniform", ["none", "make"], lambda i, a, th: th[0] if a == "make" else 0)
    >>> [(r.label, {v: fmt(c) for v, c in r.coeffs.items()}) for r in BudgetBalanceCost({"make": "3/2"}).rows(env, env.prior)][0]
    ('BBC[1]', {'t[1|1]': '1', 'q[make|1]': '3/2'})
    """

    def __init__(self, cost: Any, kind: str = "BB-cost") -> None:
        if kind not in COST_FAMILIES:
            raise ModelError(f"kind={kind!r} must be one of {', '.join(COST_FAMILIES)}")
        self.name = kind
        self.cost = _normalize_cost(cost, kind)

    @classmethod
    def from_function(cls, env: Environment, c: Any, kind: str = "BB-cost") -> "BudgetBalanceCost":
        """The family of the cost function ``c(a, θ)`` tabulated on every allocation and profile."""
        return cls({label(a): {profile_label(th): Q(c(a, th), name=f"cost({label(a)}, {profile_label(th)})")
                               for th in env.profiles()} for a in env.outcomes}, kind)

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> "BudgetBalanceCost":
        extra = sorted(set(spec) - {"family", "cost"})
        if extra:
            raise ModelError(f"{spec['family']}: unknown key {extra[0]!r} (the family holds 'family' and 'cost')")
        if "cost" not in spec:
            raise ModelError(f"{spec['family']}: 'cost' is missing")
        return cls(spec["cost"], spec["family"])

    def spec(self) -> Any:
        return {"family": self.name, "cost": self.cost}

    def __hash__(self) -> int:
        return hash(self.name)

    def costs(self, env: Environment) -> dict[tuple[Any, tuple], fmpq]:
        """c(a, θ) for the listed allocations at every profile (unlisted allocations cost 0)."""
        if env.kind != "quasilinear":
            raise ModelError(f"{self.name} needs a quasilinear environment (finite outcomes carry no separate transfers)")
        profiles = env.profiles()
        out: dict[tuple[Any, tuple], fmpq] = {}
        for text, c in self.cost.items():
            try:
                a = env.resolve_outcome(text)
            except ModelError:
                raise ModelError(f"{self.name}: cost of unknown allocation {text!r}; allocations are "
                                 f"{', '.join(label(x) for x in env.outcomes)}") from None
            if isinstance(c, str):
                table = {th: Q(c) for th in profiles}
            else:
                table = _apply_patterns(c, profiles, env.types, f"{self.name}: cost.{text}")
                missing = [th for th in profiles if th not in table]
                if missing:
                    raise ModelError(f"{self.name}: cost of allocation {text!r} at profile ({profile_label(missing[0])}) "
                                     "is missing (a cost table must cover every profile)")
            for th in profiles:
                out[(a, th)] = table[th]
        return out

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        op, ex_post = COST_FAMILIES[self.name]
        cost = self.costs(env)

        def budget(th: tuple, w: fmpq) -> dict[str, fmpq]:
            acc = {tvar(env, i, th): w for i in range(env.n)}
            for a in env.outcomes:
                c = cost.get((a, th), _ZERO)
                if c != 0:
                    acc[qvar(a, th)] = w * c
            return acc

        if ex_post:
            return [Row(f"BBC[{profile_label(th)}]", budget(th, _ONE), op, _ZERO, self.name, {"profile": th})
                    for th in env.profiles()]
        acc: dict[str, fmpq] = {}
        for th in p.support():
            acc.update(budget(th, p[th]))
        return [Row("BBC[ex ante]", acc, op, _ZERO, self.name, {})]


def _needs_cost(name: str) -> Any:
    def factory() -> Any:
        raise ModelError(f"{name} needs a production cost c(a) or c(a, θ): BudgetBalanceCost(cost, {name!r}) in Python, "
                         "or a [cost] table in the environment file (docs/environment-format.md)")
    return factory


def cost_from_file(path: Any) -> dict[str, Any] | None:
    """The ``[cost]`` table of a TOML environment file (top level or under
    ``[environment]``), or None when it has none; read with the environment reader's
    rules (exact integers, floats refused when the numbers are read)."""
    p = Path(path)
    try:
        with open(p, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
        with int_digits():
            data = tomllib.loads(raw[:MAX_FILE_BYTES].decode("utf-8"))
    except (OSError, ValueError) as e:  # the environment reader has already reported a bad file
        raise ModelError(f"{p}: cannot read its [cost] table: {e}") from None
    body = data.get("environment", data)
    cost = body.get("cost") if isinstance(body, Mapping) else None
    if cost is not None and not isinstance(cost, Mapping):
        raise ModelError(f"{p}: cost={cost!r:.60} must be a table allocation -> number or allocation -> profile table")
    return None if cost is None else dict(cost)


def with_file_cost(spec: Any, path: Any) -> Any:
    """The constraint list of the command line with each cost family given the environment
    file's ``[cost]`` table (other names unchanged)."""
    items = [s.strip() for s in spec.split(",") if s.strip()] if isinstance(spec, str) else list(spec)
    if not any(s in COST_FAMILIES for s in items if isinstance(s, str)):
        return spec
    cost = cost_from_file(path)
    if cost is None:
        name = next(s for s in items if isinstance(s, str) and s in COST_FAMILIES)
        raise ModelError(f"{name} needs a production cost: the environment file {str(path)!r} has no [cost] table "
                         "(docs/environment-format.md)")
    return [BudgetBalanceCost(cost, s) if isinstance(s, str) and s in COST_FAMILIES else s for s in items]


def family_words(spec: Mapping[str, Any]) -> str:
    """A parametrised family's spec in words, for a certificate's statement."""
    name = str(spec.get("family"))
    cost = spec.get("cost")
    if name in COST_FAMILIES and isinstance(cost, Mapping):
        if not cost:
            return f"{name} with zero production cost"
        if len(cost) <= 4 and all(isinstance(c, str) for c in cost.values()):
            return f"{name} with production cost " + ", ".join(f"c({a}) = {c}" for a, c in cost.items())
        return f"{name} with the production cost c(a, θ) given in the certificate"
    return f"{name} (with the parameters given in the certificate)"


register_family("DSIC", DSIC, owner="exactmd")
register_family("ex-post-IC", ExPostIC, owner="exactmd")
register_family("symmetric", Symmetric, owner="exactmd")
for _name in COST_FAMILIES:
    register_family(_name, _needs_cost(_name), owner="exactmd", from_spec=BudgetBalanceCost.from_spec)
