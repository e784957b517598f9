"""Constraints on direct mechanisms, each written once: as exact *checks* and as *LP rows*.

A direct mechanism of an environment is described by LP variables defined on *every*
profile θ ∈ Θ (deviations evaluate the mechanism off the support):

* finite outcomes: ``f[x|θ]`` = f(x : θ) ∈ [0, 1];
* quasi-linear outcomes: ``q[a|θ]`` = probability of allocation a at θ, in [0, 1], and
  ``t[i|θ]`` = expected transfer to agent i at θ (free).

Agent i's payoff at θ when the report is θ' is linear in these variables:
U_i(θ | θ') = Σ_x u_i(x, θ) f[x|θ'] (finite) or Σ_a v_i(a, θ) q[a|θ'] + t[i|θ'].

Each constraint family yields :class:`Row` objects ``Σ coeffs·vars (op) rhs`` with a
label that says what the row means (``IC[agent 1: 3/5 -> 2/5]``).  :func:`check`
evaluates the very same rows at a given mechanism and reports every violated one with
its exact amount, so the check and the LP can never disagree.

Families (names accepted by :func:`parse_constraints` and the command line):

============== ======================================================================
``IC``         Bayesian incentive compatibility, Vartiainen eq. (1):
               Σ_{θ_-i} p(θ)[U_i(θ|θ) − U_i(θ|θ_-i, θ'_i)] ≥ 0 for all i, θ_i ≠ θ'_i.
``interim-IR`` Σ_{θ_-i} p(θ) U_i(θ|θ) ≥ 0 for all i, θ_i (Vartiainen §4.1).
``ex-post-IR`` finite: f(x : θ) = 0 whenever u_i(x, θ) < 0 (Vartiainen §4.1, every
               outcome sent is acceptable); quasi-linear: U_i(θ|θ) ≥ 0 at every θ.
``veto-IC``    Vartiainen eq. (7), with ũ_i = max(u_i, 0) (finite outcomes only).
``BB``         ex post budget balance Σ_i t[i|θ] = 0 at every θ (quasi-linear).
``weak-BB``    Σ_i t[i|θ] ≤ 0 at every θ (Neeman–Pavlov's feasibility, §2).
``ex-ante-BB`` Σ_θ p(θ) Σ_i t[i|θ] = 0.
``efficiency`` ex post efficiency: only surplus-maximising allocations (outcomes) are
               used at each θ (surplus Σ_i v_i(a, θ), resp. Σ_i u_i(x, θ)).
``Fixed(v)``   given values of some mechanism variables (``{"family": "fixed",
               "values": {...}}`` in certificates).
============== ======================================================================

More families — ``DSIC``, ``ex-post-IC``, ``symmetric``, ``BB-cost`` and its variants —
live in :mod:`exactmd.families`; a user's own family is added with
:func:`register_family` (``docs/constraint-families.md``).

Rows whose coefficients all vanish (e.g. IC of a type with prior mass 0, for which
eq. (1) reads 0 ≥ 0) are omitted.  IC rows are in the scale of eq. (1) (joint
probabilities); the *gain from lying* reported by :func:`check` is the conditional
(interim) gain, the row's shortfall divided by p_i(θ_i).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flint import fmpq

from .belief import Belief, label, profile_label
from .encoding import MechanismEncoding, fvar, qvar, tvar, variables
from .environment import Environment
from .errors import ModelError, PluginError
from .rational import Q, fmt

__all__ = [
    "Row",
    "Violation",
    "CheckReport",
    "ConstraintFamily",
    "IC",
    "InterimIR",
    "ExPostIR",
    "VetoIC",
    "BudgetBalance",
    "ExAnteBudgetBalance",
    "ExPostEfficiency",
    "Fixed",
    "FAMILIES",
    "register_family",
    "family_name",
    "is_registered",
    "parse_constraints",
    "variables",
    "probability_rows",
    "rows",
    "check",
]


@dataclass(frozen=True)
class Row:
    """One labelled linear row ``Σ coeffs[v]·v (op) rhs`` over mechanism variables."""

    label: str
    coeffs: dict[str, fmpq]
    op: str
    rhs: fmpq
    family: str
    meta: dict[str, Any] = field(default_factory=dict)

    def lhs(self, values: Mapping[str, fmpq]) -> fmpq:
        return sum((c * values.get(v, fmpq(0)) for v, c in self.coeffs.items()), fmpq(0))

    def slack(self, values: Mapping[str, fmpq]) -> fmpq:
        """How far the row holds: ≥ 0 iff satisfied (for ``==`` rows, minus |lhs − rhs|)."""
        d = self.lhs(values) - self.rhs
        if self.op == ">=":
            return d
        if self.op == "<=":
            return -d
        return -abs(d)


@dataclass(frozen=True)
class Violation:
    """A violated row: its label, the exact amount by which it fails, and for IC rows the gain from lying."""

    label: str
    family: str
    lhs: fmpq
    op: str
    rhs: fmpq
    amount: fmpq
    gain: fmpq | None = None

    def __str__(self) -> str:
        s = f"{self.label} violated by {fmt(self.amount)} (lhs {fmt(self.lhs)} {self.op} {fmt(self.rhs)} fails)"
        if self.gain is not None:
            s += f"; gain from lying {fmt(self.gain)}"
        return s


@dataclass(frozen=True)
class CheckReport:
    """The result of :func:`check`: ``ok`` iff no row is violated; ``violations`` lists every one."""

    ok: bool
    violations: tuple[Violation, ...]
    checked: int

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return f"all {self.checked} constraints hold"
        return "\n".join(str(v) for v in self.violations)


def probability_rows(env: Environment) -> list[Row]:
    """``prob[θ]``: Σ_x f[x|θ] = 1 (resp. Σ_a q[a|θ] = 1) at every profile."""
    var = fvar if env.kind == "finite" else qvar
    return [
        Row(f"prob[{profile_label(th)}]", {var(x, th): fmpq(1) for x in env.outcomes}, "==", fmpq(1), "prob", {"profile": th})
        for th in env.profiles()
    ]


def _payoff(env: Environment, i: int, th: tuple, rep: tuple, util: Any = None) -> dict[str, fmpq]:
    """U_i(θ | rep) as coefficients over the variables at the reported profile."""
    u = util if util is not None else env.valuation
    out: dict[str, fmpq] = {}
    var = fvar if env.kind == "finite" else qvar
    for x in env.outcomes:
        c = u(i, x, th)
        if c != 0:
            out[var(x, rep)] = c
    if env.kind == "quasilinear":
        out[tvar(env, i, rep)] = fmpq(1)
    return out


_ZERO = fmpq(0)


class _PayoffTable:
    """U_i(θ | θ') as LP coefficients, precomputed once per belief: for every profile θ_k
    of the belief's list, the weighted coefficients p(θ_k)·u_i(x, θ_k) and p(θ_k) (the
    transfer), and the variable names at every profile.  Profiles are handled by index
    (their type indices), which keeps row generation linear in the number of terms."""

    def __init__(self, env: Environment, p: Belief, util: Any) -> None:
        u = util if util is not None else env.valuation
        var = fvar if env.kind == "finite" else qvar
        self.env = env
        self.profiles = env.profiles()
        index_of = [{t: a for a, t in enumerate(ts)} for ts in env.types]
        self.key = [tuple(index_of[i][t] for i, t in enumerate(th)) for th in self.profiles]
        self.where = {key: k for k, key in enumerate(self.key)}
        self.with_type: list[list[list[int]]] = [[[] for _ in ts] for ts in env.types]  # [i][a]: support profiles where i has type a
        self.prob = [p[th] for th in self.profiles]
        for k, key in enumerate(self.key):
            if self.prob[k] != 0:  # the support, supp(p)
                for i, a in enumerate(key):
                    self.with_type[i][a].append(k)
        self.names = [[var(x, th) for x in env.outcomes] for th in self.profiles]
        self.tnames = [[tvar(env, i, th) for i in range(env.n)] for th in self.profiles] if env.kind == "quasilinear" else None
        self.weighted = []  # weighted[k][i] = [p(θ_k)·u_i(x, θ_k) for x]
        for k, th in enumerate(self.profiles):
            w = self.prob[k]
            self.weighted.append([[w * u(i, x, th) for x in env.outcomes] if w != 0 else [] for i in range(env.n)])
        # the negated coefficients, shared by every row that uses them (build_problem prints each object once)
        self.weighted_neg = [[[-c for c in cs] for cs in per_agent] for per_agent in self.weighted]
        self.prob_neg = [-w for w in self.prob]
        self.nonzero = [[[x for x, c in enumerate(cs) if c != 0] for cs in per_agent] for per_agent in self.weighted]

    def extend(self, keys: list[str], vals: list[fmpq], i: int, k: int, rep: int, negated: bool) -> None:
        """Append the nonzero terms of ±p(θ_k)·U_i(θ_k | rep) to ``keys`` and ``vals``."""
        names = self.names[rep]
        nz = self.nonzero[k][i]
        keys.extend([names[x] for x in nz])
        vals.extend([c for c in (self.weighted_neg if negated else self.weighted)[k][i] if c != 0])
        if self.tnames is not None:
            keys.append(self.tnames[rep][i])
            vals.append((self.prob_neg if negated else self.prob)[k])

    def terms(self, i: int, k: int, rep: int, negated: bool = False) -> Iterator[tuple[str, fmpq]]:
        """±p(θ_k)·U_i(θ_k | reported profile rep) as (variable, coefficient) pairs."""
        names = self.names[rep]
        for x, c in enumerate((self.weighted_neg if negated else self.weighted)[k][i]):
            if c != 0:
                yield names[x], c
        if self.tnames is not None:
            yield self.tnames[rep][i], (self.prob_neg if negated else self.prob)[k]


def _add(acc: dict[str, fmpq], coeffs: Mapping[str, fmpq], w: fmpq) -> None:
    for v, c in coeffs.items():
        acc[v] = acc.get(v, fmpq(0)) + w * c


def _clean(acc: dict[str, fmpq]) -> dict[str, fmpq]:
    return {v: c for v, c in acc.items() if c != 0}


# ---------------------------------------------------------------------------------
# families
class ConstraintFamily:
    """A family of constraints; ``rows(env, p)`` gives its labelled LP rows under belief p."""

    name = ""

    def rows(self, env: Environment, p: Belief) -> list[Row]:  # pragma: no cover - abstract
        raise ModelError(f"{type(self).__name__} defines no rows")

    def spec(self) -> Any:
        """The JSON form of this family in certificates (its name, or a table for parametrised ones)."""
        return self.name

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConstraintFamily) and self.spec() == other.spec()

    def __hash__(self) -> int:
        return hash(self.name)


class IC(ConstraintFamily):
    """Bayesian incentive compatibility, Vartiainen eq. (1)."""

    name = "IC"
    _util: Any = None
    _tag = "IC"

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        out = []
        tab = _PayoffTable(env, p, self._utility(env))
        key, where, tnames = tab.key, tab.where, tab.tnames
        for i in range(env.n):
            marg = p.marginal(i)
            for a, ti in enumerate(env.types[i]):
                if marg[ti] == 0:
                    continue
                # the coefficients of every row of type ti, and the variables of its truthful
                # terms, do not depend on the report: built once per type
                ks = tab.with_type[i][a]
                nonzero = [tab.nonzero[k][i] for k in ks]
                true_keys: list[list[str]] = []
                vals: list[fmpq] = []
                for k in ks:
                    seg: list[str] = []
                    tab.extend(seg, vals, i, k, k, False)
                    tab.extend([], vals, i, k, k, True)
                    true_keys.append(seg)
                for b, tj in enumerate(env.types[i]):
                    if b == a:
                        continue
                    # Σ_{θ_-i} p(θ) [U_i(θ | θ) − U_i(θ | tj, θ_-i)]  (eq. 1, multiplied by p_i(ti))
                    keys: list[str] = []
                    for k, seg, nz in zip(ks, true_keys, nonzero):
                        dev = where[key[k][:i] + (b,) + key[k][i + 1:]]  # θ_k with agent i's type b
                        keys.extend(seg)
                        names = tab.names[dev]
                        keys.extend([names[x] for x in nz])
                        if tnames is not None:
                            keys.append(tnames[dev][i])
                    # the true and misreported profiles are all distinct, so every variable
                    # appears once and the row is built at C speed; otherwise add up
                    acc = dict(zip(keys, vals))
                    if len(acc) != len(keys):
                        acc = {}
                        for v, c in zip(keys, vals):
                            acc[v] = acc[v] + c if v in acc else c
                        acc = _clean(acc)
                    if not acc:
                        continue
                    out.append(
                        Row(
                            f"{self._tag}[agent {env.agents[i]}: {label(ti)} -> {label(tj)}]",
                            acc, ">=", fmpq(0), self.name,
                            {"agent": i, "type": ti, "report": tj, "weight": marg[ti]},
                        )
                    )
        return out

    def _utility(self, env: Environment) -> Any:
        return None


class VetoIC(IC):
    """Veto-incentive compatibility, Vartiainen eq. (7): IC with ũ_i = max(u_i, 0)."""

    name = "veto-IC"
    _tag = "VIC"

    def _utility(self, env: Environment) -> Any:
        if env.kind != "finite":
            raise ModelError(
                "veto-IC (Vartiainen eq. 7) uses max(u_i, 0), which is not linear in "
                "transfers; it needs an environment with finite outcomes"
            )
        return lambda i, x, th: max(env.valuation(i, x, th), fmpq(0))


class InterimIR(ConstraintFamily):
    """Interim individual rationality (Vartiainen §4.1)."""

    name = "interim-IR"

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        out = []
        tab = _PayoffTable(env, p, None)
        for i in range(env.n):
            marg = p.marginal(i)
            for a, ti in enumerate(env.types[i]):
                if marg[ti] == 0:
                    continue
                acc: dict[str, fmpq] = {}
                for k in tab.with_type[i][a]:
                    for v, c in tab.terms(i, k, k):
                        acc[v] = acc[v] + c if v in acc else c
                acc = _clean(acc)
                if acc:
                    out.append(Row(f"IR[agent {env.agents[i]}: {label(ti)}]", acc, ">=", fmpq(0), self.name,
                                   {"agent": i, "type": ti, "weight": marg[ti]}))
        return out


class ExPostIR(ConstraintFamily):
    """Ex post individual rationality (Vartiainen §4.1)."""

    name = "ex-post-IR"

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        out = []
        for th in env.profiles():
            for i in range(env.n):
                if env.kind == "finite":
                    for x in env.outcomes:
                        if env.valuation(i, x, th) < 0:
                            out.append(Row(f"EPIR[agent {env.agents[i]}: {profile_label(th)}: {label(x)}]",
                                           {fvar(x, th): fmpq(1)}, "<=", fmpq(0), self.name,
                                           {"agent": i, "profile": th, "outcome": x}))
                else:
                    out.append(Row(f"EPIR[agent {env.agents[i]}: {profile_label(th)}]",
                                   _payoff(env, i, th, th), ">=", fmpq(0), self.name, {"agent": i, "profile": th}))
        return out


def _need_ql(env: Environment, what: str) -> None:
    if env.kind != "quasilinear":
        raise ModelError(f"{what} needs a quasilinear environment (finite outcomes carry no separate transfers)")


class BudgetBalance(ConstraintFamily):
    """Ex post budget balance Σ_i t_i(θ) = 0 (``weak=True``: ≤ 0, Neeman–Pavlov §2)."""

    def __init__(self, weak: bool = False) -> None:
        self.weak = weak
        self.name = "weak-BB" if weak else "BB"

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        _need_ql(env, self.name)
        return [
            Row(f"BB[{profile_label(th)}]", {tvar(env, i, th): fmpq(1) for i in range(env.n)},
                "<=" if self.weak else "==", fmpq(0), self.name, {"profile": th})
            for th in env.profiles()
        ]


class ExAnteBudgetBalance(ConstraintFamily):
    """Ex ante budget balance Σ_θ p(θ) Σ_i t_i(θ) = 0."""

    name = "ex-ante-BB"

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        _need_ql(env, self.name)
        acc = {tvar(env, i, th): p[th] for th in p.support() for i in range(env.n)}
        return [Row("BB[ex ante]", acc, "==", fmpq(0), self.name, {})]


class ExPostEfficiency(ConstraintFamily):
    """Ex post efficiency: only allocations maximising Σ_i v_i(a, θ) are used (Neeman–Pavlov §3)."""

    name = "efficiency"

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        out = []
        var = fvar if env.kind == "finite" else qvar
        for th in env.profiles():
            surplus = {x: sum((env.valuation(i, x, th) for i in range(env.n)), fmpq(0)) for x in env.outcomes}
            best = max(surplus.values())
            for x in env.outcomes:
                if surplus[x] < best:
                    out.append(Row(f"EFF[{profile_label(th)}: {label(x)}]", {var(x, th): fmpq(1)}, "<=", fmpq(0),
                                   self.name, {"profile": th, "outcome": x, "loss": best - surplus[x]}))
        return out


class Fixed(ConstraintFamily):
    """Fix some mechanism variables: ``var = value`` for each entry of ``values``.

    Keys are LP variable names (``q[1|1/2,0]``, ``t[buyer|0,0]``, ``f[x|a,b]``).  Used to
    ask whether a given allocation rule admits transfers with some property
    (Vartiainen Proposition 2: a threshold allocation a^γ with IC, IR, BB transfers;
    Lemma 5: with zero transfers where there is no trade).
    """

    name = "fixed"

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = {str(k): Q(v, name=f"fixed[{k}]") for k, v in values.items()}

    def spec(self) -> Any:
        return {"family": self.name, "values": {k: fmt(v) for k, v in self.values.items()}}

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        known = {name for name, _, _ in variables(env)}
        out = []
        for key, val in self.values.items():
            if key not in known:
                raise ModelError(f"fixed value for {key!r}, which is not a mechanism variable of this environment")
            out.append(Row(f"FIX[{key}]", {key: fmpq(1)}, "==", val, self.name, {"variable": key}))
        return out

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.values.items())))


FAMILIES: dict[str, Any] = {
    "IC": IC,
    "interim-IR": InterimIR,
    "IR": InterimIR,
    "ex-post-IR": ExPostIR,
    "veto-IC": VetoIC,
    "BB": BudgetBalance,
    "weak-BB": lambda: BudgetBalance(weak=True),
    "ex-ante-BB": ExAnteBudgetBalance,
    "efficiency": ExPostEfficiency,
}

#: name -> who registered it ("exactmd" for the kernel's own)
FAMILY_OWNERS: dict[str, str] = {name: "exactmd" for name in FAMILIES}
#: name -> function building the family from its JSON spec (a table ``{"family": name, ...}``)
FROM_SPEC: dict[str, Any] = {"fixed": lambda spec: Fixed(spec.get("values", {}))}
FAMILY_OWNERS["fixed"] = "exactmd"


def register_family(name: str, factory: Any, *, owner: str, from_spec: Any = None) -> None:
    """Make the constraint family ``name`` known to :func:`parse_constraints`, the command
    line's ``--constraints`` and ``exactmd verify`` (which re-derives its rows).

    ``factory()`` returns the :class:`ConstraintFamily` that the name stands for (a class
    with a no-argument constructor will do); ``from_spec(table)``, for a parametrised
    family, builds it from its certificate form ``{"family": name, ...}`` (what its
    ``spec()`` returns).  The family's ``spec()`` must be ``name`` itself (or such a
    table), so that a certificate names it.  A name registered twice raises
    :class:`~exactmd.errors.PluginError` naming both owners.
    """
    if not isinstance(name, str) or not name.strip() or name != name.strip() or "," in name:
        raise PluginError(f"a constraint family needs a name without commas or surrounding blanks, not {name!r}")
    if factory is not None and not callable(factory) or from_spec is not None and not callable(from_spec):
        raise PluginError(f"constraint family {name!r}: factory and from_spec must be functions")
    if name in FAMILY_OWNERS:
        raise PluginError(f"constraint family {name!r} is registered by {FAMILY_OWNERS[name]} and again by {owner}")
    FAMILY_OWNERS[name] = owner
    if factory is not None:
        FAMILIES[name] = factory
    if from_spec is not None:
        FROM_SPEC[name] = from_spec


def family_name(spec: Any) -> str | None:
    """The family a spec names: the string itself, or a table's ``family``; None otherwise."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, Mapping) and isinstance(spec.get("family"), str):
        return spec["family"]
    return None


def is_registered(spec: Any) -> bool:
    """Whether :func:`parse_constraints` knows the family that ``spec`` names."""
    if isinstance(spec, ConstraintFamily):
        return True
    if isinstance(spec, str):
        return spec.strip() in FAMILIES
    return isinstance(spec, Mapping) and family_name(spec) in FROM_SPEC


def parse_constraints(spec: Iterable[Any] | str) -> list[ConstraintFamily]:
    """Constraint families from names (``"IC,interim-IR,BB"`` or a list) or instances."""
    items: list[Any] = [s.strip() for s in spec.split(",") if s.strip()] if isinstance(spec, str) else list(spec)
    out: list[ConstraintFamily] = []
    for s in items:
        if isinstance(s, ConstraintFamily):
            fam = s
        elif isinstance(s, Mapping) and family_name(s) in FROM_SPEC:
            fam = FROM_SPEC[s["family"]](s)
        elif isinstance(s, str) and s in FAMILIES:
            fam = FAMILIES[s]()
        else:
            raise ModelError(f"unknown constraint {s!r}; known: {', '.join(k for k in FAMILIES if k != 'IR')}")
        if fam not in out:
            out.append(fam)
    return out


def rows(env: Environment, constraints: Iterable[Any] | str, belief: Belief | None = None) -> list[Row]:
    """All rows of the given families under ``belief`` (default: the prior), labels unique."""
    p = env.prior if belief is None else belief
    if p.types != env.types:
        raise ModelError("the belief's type sets differ from the environment's")
    out: list[Row] = []
    for fam in parse_constraints(constraints):
        out += fam.rows(env, p)
    seen: set[str] = set()
    for r in out:
        if r.label in seen:
            raise ModelError(f"two constraint rows share the label {r.label!r}")
        seen.add(r.label)
    return out


def check(mechanism: Any, constraints: Iterable[Any] | str, belief: Belief | None = None) -> CheckReport:
    """Check a mechanism against constraint families exactly.

    ``ok`` iff every row of every family holds at the mechanism; each violated row is
    reported with the exact amount by which it fails (and, for IC rows, the interim
    gain from the misreport; for rows whose ``meta`` holds ``gain_scale``, such as
    DSIC's, the shortfall divided by it).
    """
    env: Environment = mechanism.env
    values = MechanismEncoding(env).assignment(mechanism)
    rs = rows(env, constraints, belief)
    bad = []
    for r in rs:
        s = r.slack(values)
        if s < 0:
            scale = r.meta["weight"] if r.family in ("IC", "veto-IC") else r.meta.get("gain_scale")
            gain = None if scale is None else -s / scale
            bad.append(Violation(r.label, r.family, r.lhs(values), r.op, r.rhs, -s, gain))
    return CheckReport(not bad, tuple(bad), len(rs))
