"""Finite mechanism-design environments (Vartiainen §2; Neeman–Pavlov §2).

An :class:`Environment` has n agents, finite type sets Θ_i, a joint prior p ∈ ΔΘ
(correlated priors allowed), utilities and a planner value.  Two kinds cover both papers:

``finite``
    a finite outcome set X, utilities u_i(x, θ) and planner value v(x, θ), θ the whole
    profile (interdependent values allowed; Vartiainen's u_i(x, θ_i) is the special case).
``quasilinear``
    outcomes (a, t): an allocation a from a finite set A and a transfer vector
    t ∈ ℚⁿ *to* the agents, u_i((a, t), θ) = v_i(a, θ) + t_i (Neeman–Pavlov §2;
    Vartiainen §5 is t = (−m, m)).  The planner value v(a, θ) depends on the allocation.

The planner value defaults to the total surplus Σ_i u_i (finite) or Σ_i v_i (quasilinear).
Agents are indexed from 0 in the API and printed from 1 (``agent 1``), as in the papers.

>>> from exactmd.environment import Environment
>>> env = Environment.quasilinear(
...     types=[[1, 5], [2]], prior={("1", "2"): "1/2", ("5", "2"): "1/2"},
...     allocations=["none", "trade"],
...     valuation=lambda i, a, th: (th[0] if i == 0 else -th[1]) if a == "trade" else 0,
...     agents=["buyer", "seller"])
>>> env.value("trade", env.profiles()[1])   # planner value = surplus 5 - 2
3
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from flint import fmpq

from .belief import Belief, independent, label, normalize_types, profile_label, resolve_type, uniform
from .errors import ModelError
from .notebook import Card, Displayable, MAX_ROWS, brief, shown
from .rational import Q, fmt
from .table import Column, Table
from .rational import MAX_DIGITS, int_digits, is_rational_string

__all__ = ["Environment", "QLOutcome", "load_environment", "MAX_AGENTS", "MAX_PROFILES", "MAX_OUTCOMES",
           "MAX_TABLE_ENTRIES", "MAX_FILE_BYTES", "check_size", "read_environment_toml"]

FORMAT = "exactmd-environment/1"

# Size limits (docs/environment-format.md), checked before any table is built.  The
# largest environment exactmd's own instances and benchmarks build is bilateral trade
# at K = 128: 16,641 profiles, 2 allocations, 2 agents (99,846 table entries).
MAX_AGENTS = 32
MAX_PROFILES = 50_000  # |Θ| = |Θ_1| × … × |Θ_n| (3 bidders × 30 values: 27,000)
MAX_OUTCOMES = 1_000  # |X| (finite) or |A| (quasi-linear)
MAX_TABLE_ENTRIES = 1_000_000  # |Θ| × |X| × (n + 1): every utility and planner value
MAX_FILE_BYTES = 16 * 2**20  # an environment file (TOML)


class QLOutcome(NamedTuple):
    """A quasi-linear outcome (a, t): allocation label and transfers to each agent."""

    allocation: Any
    transfers: tuple[fmpq, ...]

    def __repr__(self) -> str:
        return f"({label(self.allocation)}; {', '.join(fmt(t) for t in self.transfers)})"


def _normalize_outcomes(xs: Sequence[Any], what: str) -> tuple[Any, ...]:
    if isinstance(xs, (str, bytes)) or not isinstance(xs, Sequence) or len(xs) == 0:
        raise ModelError(f"{what}={xs!r} must be a non-empty list of labels")
    out = []
    for k, x in enumerate(xs):
        if isinstance(x, bool) or isinstance(x, float):
            raise ModelError(f"{what}[{k}]={x!r} must be a string or an integer label")
        if isinstance(x, int):
            x = fmpq(x)
        if isinstance(x, str) and not x.strip():
            raise ModelError(f"{what}[{k}] is an empty label")
        if x in out:
            raise ModelError(f"{what} lists {label(x)!r} twice")
        out.append(x)
    return tuple(out)


@dataclass(frozen=True, eq=False)
class Environment(Displayable):
    """A finite environment; build it with :meth:`finite` or :meth:`quasilinear`.

    Attributes
    ----------
    kind: ``"finite"`` or ``"quasilinear"``.
    agents: printed names of the agents.
    types: Θ_1, …, Θ_n.
    prior: the common prior p ∈ ΔΘ.
    outcomes: X (finite) or the allocation set A (quasilinear).
    """

    kind: str
    agents: tuple[str, ...]
    types: tuple[tuple[Any, ...], ...]
    prior: Belief
    outcomes: tuple[Any, ...]
    _u: dict  # (i, x, θ) -> fmpq: u_i(x, θ) (finite) or v_i(a, θ) (quasilinear)
    _v: dict  # (x, θ) -> fmpq: planner value
    name: str = ""

    # construction ------------------------------------------------------------
    @classmethod
    def finite(
        cls,
        types: Sequence[Sequence[Any]],
        prior: Any,
        outcomes: Sequence[Any],
        utility: Any,
        value: Any = None,
        *,
        agents: Sequence[str] | None = None,
        name: str = "",
    ) -> "Environment":
        """An environment with a finite outcome set X and utilities u_i(x, θ).

        ``utility`` is a callable ``(i, x, θ) -> number``, a mapping ``(i, x, θ) ->
        number`` or the nested table of the file format (agent → outcome → profile
        pattern → number).  ``value`` likewise with ``(x, θ)``; default Σ_i u_i.
        """
        return cls._build("finite", types, prior, outcomes, utility, value, agents, name)

    @classmethod
    def quasilinear(
        cls,
        types: Sequence[Sequence[Any]],
        prior: Any,
        allocations: Sequence[Any],
        valuation: Any,
        value: Any = None,
        *,
        agents: Sequence[str] | None = None,
        name: str = "",
    ) -> "Environment":
        """Quasi-linear outcomes (a, t) with u_i = v_i(a, θ) + t_i (Neeman–Pavlov §2).

        ``valuation`` gives v_i(a, θ) as for ``utility`` in :meth:`finite`; ``value``
        the planner value v(a, θ), default Σ_i v_i(a, θ).
        """
        return cls._build("quasilinear", types, prior, allocations, valuation, value, agents, name)

    @classmethod
    def _build(
        cls,
        kind: str,
        types: Sequence[Sequence[Any]],
        prior: Any,
        outcomes: Sequence[Any],
        utility: Any,
        value: Any,
        agents: Sequence[str] | None,
        name: str,
    ) -> "Environment":
        if not isinstance(types, (str, bytes)) and isinstance(types, Sequence) and len(types) > MAX_AGENTS:
            raise ModelError(f"{len(types)} agents: at most {MAX_AGENTS} are allowed")
        ts = normalize_types(types)
        n = len(ts)
        if not isinstance(outcomes, (str, bytes)) and isinstance(outcomes, Sequence):
            check_size(ts, len(outcomes))
        if agents is None:
            agents = tuple(str(i + 1) for i in range(n))
        agents = tuple(str(a) for a in agents)
        if len(agents) != n:
            raise ModelError(f"{len(agents)} agent names given for {n} type sets")
        if len(set(agents)) != n:
            raise ModelError(f"agent names {list(agents)} are not distinct")
        what = "outcomes" if kind == "finite" else "allocations"
        xs = _normalize_outcomes(outcomes, what)
        belief = _make_prior(ts, prior)
        profiles = belief.profiles()
        u = _tabulate_agents(utility, ts, agents, xs, profiles, "utility" if kind == "finite" else "valuation")
        if value is None:
            v = {(x, th): sum((u[(i, x, th)] for i in range(n)), fmpq(0)) for x in xs for th in profiles}
        else:
            v = _tabulate_value(value, ts, xs, profiles)
        return cls(kind, agents, ts, belief, xs, u, v, name)

    # accessors -------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.types)

    @property
    def quasi_linear(self) -> bool:
        return self.kind == "quasilinear"

    def profiles(self) -> list[tuple]:
        """Θ in the fixed product order."""
        return self.prior.profiles()

    def agent_name(self, i: int) -> str:
        return self.agents[i]

    def resolve_profile(self, theta: Any) -> tuple:
        """The profile that ``theta`` denotes (``"1/2,0"``, a tuple of labels or strings)."""
        parts = tuple(s.strip() for s in theta.split(",")) if isinstance(theta, str) else tuple(theta)
        if len(parts) != self.n:
            raise ModelError(f"profile {theta!r} has {len(parts)} entries, expected {self.n}")
        return tuple(resolve_type(t, ts, i) for i, (t, ts) in enumerate(zip(parts, self.types)))

    def resolve_outcome(self, x: Any) -> Any:
        if x in self.outcomes and not isinstance(x, bool):
            return x
        for c in self.outcomes:
            if label(c) == (label(x) if not isinstance(x, str) else x.strip()):
                return c
        raise ModelError(
            f"{'outcome' if self.kind == 'finite' else 'allocation'} {x!r} is not one of "
            f"{{{', '.join(label(c) for c in self.outcomes)}}}"
        )

    def utility(self, i: int, x: Any, theta: tuple) -> fmpq:
        """u_i(x, θ).  For quasilinear environments ``x`` is a :class:`QLOutcome`."""
        if self.kind == "finite":
            return self._u[(i, x, theta)]
        if not isinstance(x, QLOutcome):
            raise ModelError(f"outcome {x!r} of a quasilinear environment must be a QLOutcome(a, t)")
        return self._u[(i, x.allocation, theta)] + x.transfers[i]

    def valuation(self, i: int, a: Any, theta: tuple) -> fmpq:
        """v_i(a, θ): the non-transfer part of utility (u_i(x, θ) for finite environments)."""
        return self._u[(i, a, theta)]

    def value(self, x: Any, theta: tuple) -> fmpq:
        """The planner's value v(x, θ) (of the allocation, for quasilinear outcomes)."""
        if isinstance(x, QLOutcome):
            x = x.allocation
        return self._v[(x, theta)]

    def with_prior(self, prior: Any) -> "Environment":
        """The same environment under another prior (a Belief, mapping or "uniform")."""
        return Environment(self.kind, self.agents, self.types, _make_prior(self.types, prior), self.outcomes, self._u, self._v, self.name)

    # serialisation ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (strings for every number); :meth:`from_dict` inverts it."""
        profiles = self.profiles()
        key = "outcomes" if self.kind == "finite" else "allocations"
        table_key = "utility" if self.kind == "finite" else "valuation"
        return {
            "format": FORMAT,
            "name": self.name,
            "kind": self.kind,
            "agents": list(self.agents),
            "types": [[label(t) for t in ts] for ts in self.types],
            "numeric_types": [[isinstance(t, fmpq) for t in ts] for ts in self.types],
            key: [label(x) for x in self.outcomes],
            "prior": {"joint": self.prior.to_dict()},
            table_key: {
                self.agents[i]: {
                    label(x): {profile_label(th): fmt(self._u[(i, x, th)]) for th in profiles}
                    for x in self.outcomes
                }
                for i in range(self.n)
            },
            "value": {label(x): {profile_label(th): fmt(self._v[(x, th)]) for th in profiles} for x in self.outcomes},
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, source: str = "environment") -> "Environment":
        """Build from the dict form used by environment files (TOML) and certificates."""
        return _from_dict(d, source)

    @classmethod
    def load(cls, path: str | Path) -> "Environment":
        """Read an environment file (TOML, see docs/environment-format.md)."""
        return load_environment(path)

    def __repr__(self) -> str:
        def items(xs: Sequence[Any]) -> str:
            return "[" + brief((repr(label(x)) for x in xs), 120, ", ") + "]"

        name = f"{self.name!r}, " if self.name else ""
        return (
            f"Environment({self.kind}, {name}agents={items(self.agents)}, "
            f"types=[{brief((items(ts) for ts in self.types), 240, ', ')}], "
            f"{'outcomes' if self.kind == 'finite' else 'allocations'}={items(self.outcomes)})"
        )

    def table(self, max_rows: int | None = None) -> Table:
        """One row per type profile (the first ``max_rows``): θ, p(θ), every agent's payoff
        u_i(x, θ) (finite) or v_i(a, θ) (quasilinear) of every outcome, the planner's value."""
        u = "u" if self.kind == "finite" else "v"
        xs = self.outcomes
        cols = [Column("theta", "θ", r"$\theta$"), Column("p", "p(θ)", r"$p(\theta)$")]
        cols += [Column(f"u{i}.{k}", f"{u}_{a}({label(x)})") for i, a in enumerate(self.agents) for k, x in enumerate(xs)]
        cols += [Column(f"value.{k}", f"value({label(x)})") for k, x in enumerate(xs)]
        profiles = self.profiles()
        rows = []
        for th in profiles[:shown(len(profiles), max_rows)]:
            row: dict[str, Any] = {"theta": profile_label(th), "p": self.prior[th]}
            row.update({f"u{i}.{k}": self.valuation(i, x, th) for i in range(self.n) for k, x in enumerate(xs)})
            row.update({f"value.{k}": self.value(x, th) for k, x in enumerate(xs)})
            rows.append(row)
        return Table(cols, rows)

    def _card(self) -> Card:
        n, profiles = self.n, len(self.profiles())
        what = "outcomes" if self.kind == "finite" else "allocations"
        facts: tuple[tuple[str, Any], ...] = (
            ("agents", f"{n}: {brief(self.agents, 200, ', ')}"),
            ("types", brief((f"{a}: {brief((label(t) for t in ts), 120, ', ')}" for a, ts in zip(self.agents, self.types)), 300)),
            (what, brief((label(x) for x in self.outcomes), 200, ", ")),
            ("type profiles", profiles))
        more = (("", profiles - MAX_ROWS),) if profiles > MAX_ROWS else ()
        return Card(f"{self.kind} environment{' ' + self.name if self.name else ''}", facts, (("", self.table(MAX_ROWS)),),
                    more=more)


# ---------------------------------------------------------------------------------
def check_size(types: Sequence[Sequence[Any]], n_outcomes: int = 1) -> int:
    """|Θ| for these type sets, refusing environments over the size limits (before any
    profile is enumerated): at most ``MAX_AGENTS`` agents, ``MAX_PROFILES`` profiles,
    ``MAX_OUTCOMES`` outcomes and ``MAX_TABLE_ENTRIES`` utilities and values.

    >>> check_size([["L", "H"], ["L", "H"]], 3)
    4
    >>> check_size([range(1000), range(1000)])
    Traceback (most recent call last):
    ...
    exactmd.errors.ModelError: 1000 × 1000 = 1000000 type profiles: at most 50000 are allowed
    """
    if len(types) > MAX_AGENTS:
        raise ModelError(f"{len(types)} agents: at most {MAX_AGENTS} are allowed")
    m = 1
    for ts in types:
        m *= len(ts)
        if m > MAX_PROFILES:
            break
    if m > MAX_PROFILES:
        sizes = [len(ts) for ts in types]
        shown = " × ".join(map(str, sizes)) if len(sizes) <= 6 else f"{' × '.join(map(str, sizes[:6]))} × …"
        total = m if len(sizes) <= 6 else "more than " + str(MAX_PROFILES)
        raise ModelError(f"{shown} = {total} type profiles: at most {MAX_PROFILES} are allowed")
    if n_outcomes > MAX_OUTCOMES:
        raise ModelError(f"{n_outcomes} outcomes: at most {MAX_OUTCOMES} are allowed")
    if m * n_outcomes * (len(types) + 1) > MAX_TABLE_ENTRIES:
        raise ModelError(f"{m} profiles × {n_outcomes} outcomes × {len(types) + 1} tables = "
                         f"{m * n_outcomes * (len(types) + 1)} entries: at most {MAX_TABLE_ENTRIES} are allowed")
    return m


def _make_prior(ts: tuple, prior: Any) -> Belief:
    if isinstance(prior, Belief):
        if prior.types != ts:
            raise ModelError("the prior's type sets differ from the environment's")
        return prior
    if isinstance(prior, str) and prior == "uniform":
        return uniform(ts)
    if isinstance(prior, Mapping):
        if "independent" in prior:
            marg = prior["independent"]
            if isinstance(marg, (str, bytes)) or not isinstance(marg, Sequence) or len(marg) != len(ts):
                raise ModelError(f"prior.independent={marg!r:.60} must be a list of {len(ts)} marginals, one per agent")
            for i, m in enumerate(marg):
                if not isinstance(m, (Mapping, Sequence)) or isinstance(m, (str, bytes)):
                    raise ModelError(f"prior.independent[{i}]={m!r:.60} must map agent {i + 1}'s types to probabilities")
            return independent(ts, marg)
        if "joint" in prior:
            if not isinstance(prior["joint"], Mapping):
                raise ModelError(f"prior.joint={prior['joint']!r:.60} must map profiles to probabilities")
            return Belief(ts, prior["joint"], name="prior")
        if prior.get("uniform") is True:
            return uniform(ts)
        return Belief(ts, prior, name="prior")
    if callable(prior):
        return Belief(ts, prior, name="prior")
    raise ModelError(f"prior={prior!r} must be a Belief, a mapping profile -> probability, "
                     f"{{'independent': [...]}}, {{'joint': {{...}}}} or 'uniform'")


def _compile(pattern: str, ts: tuple, by_label: list[dict[str, Any]]) -> tuple | None:
    """A profile pattern as a tuple of types, ``None`` entries for "*"; ``None`` for "*" alone."""
    parts = [s.strip() for s in pattern.split(",")]
    if len(parts) == 1 and parts[0] == "*":
        return None
    if len(parts) != len(ts):
        raise ModelError(f"profile pattern {pattern!r} has {len(parts)} entries, expected {len(ts)}")
    out: list[Any] = []  # a type label, or None for "*"
    for i, p in enumerate(parts):
        if p == "*":
            out.append(None)
        else:
            t = by_label[i].get(p)
            out.append(t if t is not None else resolve_type(p, ts[i], i))
    return tuple(out)


def _apply_patterns(table: Mapping[str, Any], profiles: list[tuple], ts: tuple, where: str) -> dict[tuple, fmpq]:
    """Later patterns override earlier ones ("*" matches any type)."""
    if not isinstance(table, Mapping):
        return {th: Q(table, name=where) for th in profiles}
    by_label = [{label(t): t for t in types} for types in ts]
    index = {tuple(map(id, th)): th for th in profiles}  # types are the objects of ts
    out: dict[tuple, fmpq] = {}
    for pattern, val in table.items():
        q = Q(val, name=f"{where}[{pattern}]")
        pat = _compile(str(pattern), ts, by_label)
        if pat is not None and all(t is not None for t in pat):
            hits = [index[tuple(map(id, pat))]] if tuple(map(id, pat)) in index else []
        else:
            hits = [th for th in profiles if pat is None or all(p is None or p is t for p, t in zip(pat, th))]
        if not hits:
            raise ModelError(f"{where}: pattern {pattern!r} matches no profile")
        for th in hits:
            out[th] = q
    return out


def _tabulate_agents(spec: Any, ts: tuple, agents: tuple, xs: tuple, profiles: list[tuple], what: str) -> dict:
    n = len(ts)
    out: dict = {}
    if callable(spec) and not isinstance(spec, Mapping):
        for i in range(n):
            for x in xs:
                for th in profiles:
                    out[(i, x, th)] = Q(spec(i, x, th), name=f"{what}(agent {i + 1}, {label(x)}, {profile_label(th)})")
        return out
    if not isinstance(spec, Mapping):
        raise ModelError(f"{what} must be a callable (i, x, θ) -> number or a table")
    keys = list(spec)
    if keys and isinstance(keys[0], tuple):
        for (i, x, th), val in spec.items():
            out[(i, x, tuple(th))] = Q(val, name=f"{what}{(i, x, th)}")
    else:
        for agent, rows in spec.items():
            i = _agent_index(agent, agents)
            if not isinstance(rows, Mapping):
                raise ModelError(f"{what}.{agent} must map outcomes to profile tables")
            for xlab, table in rows.items():
                x = _find_outcome(xlab, xs, what)
                for th, q in _apply_patterns(table, profiles, ts, f"{what}.{agent}.{xlab}").items():
                    out[(i, x, th)] = q
    for i in range(n):
        for x in xs:
            for th in profiles:
                if (i, x, th) not in out:
                    raise ModelError(
                        f"{what} of agent {agents[i]} at outcome {label(x)!r} and profile "
                        f"({profile_label(th)}) is missing"
                    )
    return out


def _tabulate_value(spec: Any, ts: tuple, xs: tuple, profiles: list[tuple]) -> dict:
    out: dict = {}
    if callable(spec) and not isinstance(spec, Mapping):
        for x in xs:
            for th in profiles:
                out[(x, th)] = Q(spec(x, th), name=f"value({label(x)}, {profile_label(th)})")
        return out
    if not isinstance(spec, Mapping):
        raise ModelError("value must be a callable (x, θ) -> number or a table")
    keys = list(spec)
    if keys and isinstance(keys[0], tuple):
        for (x, th), val in spec.items():
            out[(x, tuple(th))] = Q(val, name=f"value{(x, th)}")
    else:
        for xlab, table in spec.items():
            x = _find_outcome(xlab, xs, "value")
            for th, q in _apply_patterns(table, profiles, ts, f"value.{xlab}").items():
                out[(x, th)] = q
    for x in xs:
        for th in profiles:
            if (x, th) not in out:
                raise ModelError(f"planner value at outcome {label(x)!r} and profile ({profile_label(th)}) is missing")
    return out


def _agent_index(agent: Any, agents: tuple) -> int:
    if str(agent) in agents:
        return agents.index(str(agent))
    raise ModelError(f"unknown agent {agent!r}; agents are {list(agents)}")


def _find_outcome(xlab: Any, xs: tuple, what: str) -> Any:
    for x in xs:
        if label(x) == str(xlab).strip() or x == xlab:
            return x
    raise ModelError(f"{what}: unknown outcome {xlab!r}; outcomes are {[label(x) for x in xs]}")


def _from_dict(d: Mapping[str, Any], source: str) -> Environment:
    if not isinstance(d, Mapping):
        raise ModelError(f"{source}: an environment must be a table")
    if "format" in d and d["format"] != FORMAT:
        raise ModelError(f"{source}: format {d['format']!r} is not {FORMAT!r}")
    kind = d.get("kind", "finite")
    if kind not in ("finite", "quasilinear"):
        raise ModelError(f"{source}: kind={kind!r} must be 'finite' or 'quasilinear'")
    if "types" not in d:
        raise ModelError(f"{source}: 'types' is missing")
    numeric = d.get("numeric_types")
    raw_types = d["types"]
    if not isinstance(raw_types, list) or not raw_types:
        raise ModelError(f"{source}: types={raw_types!r} must be a non-empty list of type lists, one per agent")
    for i, ts in enumerate(raw_types):
        if not isinstance(ts, list):
            hint = f' (write [{", ".join(repr(c) for c in ts[:8])}] for one-letter types)' if isinstance(ts, str) else ""
            raise ModelError(f"{source}: types[{i}]={ts!r} must be a list of type labels{hint}")
    key = "outcomes" if kind == "finite" else "allocations"
    xs_raw = d.get(key)
    check_size(raw_types, len(xs_raw) if isinstance(xs_raw, list) else 1)
    if numeric is not None and (
        not isinstance(numeric, list) or len(numeric) != len(raw_types)
        or any(not isinstance(r, list) or len(r) != len(ts) or any(not isinstance(b, bool) for b in r)
               for r, ts in zip(numeric, raw_types))
    ):
        raise ModelError(f"{source}: numeric_types must be a list of true/false lists shaped like types")
    types = []
    for i, ts in enumerate(raw_types):
        row = []
        for k, t in enumerate(ts):
            is_num = _looks_numeric(t)  # the one rule for type labels (docs/environment-format.md)
            if numeric is not None and numeric[i][k] != is_num:
                raise ModelError(f"{source}: numeric_types[{i}][{k}] is {str(numeric[i][k]).lower()} but type {t!r} "
                                 f"{'reads' if is_num else 'does not read'} as a number (labels that read as numbers are numbers)")
            row.append(Q(t, name=f"types[{i}][{k}]") if is_num else t)
        types.append(row)
    if key not in d:
        raise ModelError(f"{source}: '{key}' is missing (kind = {kind!r})")
    table_key = "utility" if kind == "finite" else "valuation"
    if table_key not in d:
        raise ModelError(f"{source}: '{table_key}' table is missing")
    prior = d.get("prior", "uniform")
    agents = d.get("agents")
    if agents is not None and (not isinstance(agents, list) or not all(isinstance(a, (str, int)) and not isinstance(a, bool) for a in agents)):
        raise ModelError(f"{source}: agents={agents!r} must be a list of names")
    build = Environment.finite if kind == "finite" else Environment.quasilinear
    return build(
        types, prior, d[key], d[table_key], d.get("value"), agents=agents, name=str(d.get("name", ""))
    )


def _looks_numeric(t: Any) -> bool:
    if isinstance(t, bool):
        return False
    if isinstance(t, int):
        return True
    if isinstance(t, str):
        return is_rational_string(t)
    return False


def load_environment(path: str | Path) -> Environment:
    """Read a TOML environment file (format: docs/environment-format.md)."""
    data = read_environment_toml(path)
    body = data.get("environment", data)
    return _from_dict(body, str(path))


def read_environment_toml(path: str | Path) -> dict[str, Any]:
    """The TOML document of an environment file, read with the environment reader's rules
    (size bounded, UTF-8, exact integers, floats refused), before it is built."""
    import tomllib

    p = Path(path)
    try:
        if p.is_dir():
            raise ModelError(f"environment file {str(p)!r} is a directory")
        with open(p, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise ModelError(f"cannot read environment file {str(p)!r}: {e.strerror}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ModelError(f"environment file {str(p)!r} is over {MAX_FILE_BYTES // 2**20} MiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ModelError(f"{p}: not UTF-8 text (byte {e.start})") from None

    try:
        with int_digits():  # TOML integers of up to MAX_DIGITS digits, read exactly
            data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ModelError(f"{p}: not valid TOML: {e}") from None
    except ValueError:  # an integer literal beyond the limit (tomllib converts with int)
        raise ModelError(f"{p}: an integer has more than {MAX_DIGITS:,} digits; exactmd reads numbers of at most {MAX_DIGITS:,} digits") from None
    except RecursionError:
        raise ModelError(f"{p}: nested too deeply") from None
    _refuse_floats(data, str(p))
    return data


def _refuse_floats(obj: Any, where: str) -> None:
    """TOML floats (``0.1``) are binary: refuse them with the exact spelling."""
    if isinstance(obj, float):
        Q(obj, name=where)
    elif isinstance(obj, Mapping):
        for k, v in obj.items():
            _refuse_floats(v, f"{where}: {k}")
    elif isinstance(obj, list):
        for k, v in enumerate(obj):
            _refuse_floats(v, f"{where}[{k}]")
