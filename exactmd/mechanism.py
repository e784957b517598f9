"""Mechanisms: outcome functions, information devices and implementations (Vartiainen §2–3).

* An *outcome function* f : Θ → ΔX gives a lottery over outcomes at every profile
  (:class:`OutcomeFunction`).  For quasi-linear environments an outcome is a
  :class:`~exactmd.environment.QLOutcome` (allocation, transfers).
* An *information device* r : Θ → ΔS sends a public signal (:class:`Device`); an
  *implementation* g : S → X maps signals to outcomes.  The composite g∘r is an outcome
  function: f(x : θ) = Σ_{s ∈ g⁻¹(x)} r(s : θ) (§3).
* The constant device 1_s sends s at every profile (§2).
* The compound r∘ρ of a device and a response plan ρ (signal ↦ device) is
  (r∘ρ)(s : θ) = Σ_{s'} r(s' : θ) ρ(s')(s : θ) (§3, "r∘σ").
* P(r, p): the posteriors p|(r, s) of the signals s sent with positive probability,
  with those probabilities (§2).

Every table is defined on *all* of Θ (off-support profiles matter to incentive
constraints: deviations evaluate r there).  Missing profiles are an error.

>>> from exactmd.belief import uniform
>>> r = Device([["a", "b"]], {("a",): {"s": 1}, ("b",): {"s": "1/2", "t": "1/2"}})
>>> [(s, prob, post.to_dict()) for s, prob, post in r.posteriors(uniform([["a", "b"]]))]
[('s', 3/4, {'a': '2/3', 'b': '1/3'}), ('t', 1/4, {'b': '1'})]
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flint import fmpq

from .belief import Belief, label, normalize_types, profile_label, resolve_type
from .environment import Environment, QLOutcome
from .errors import ModelError
from .notebook import Card, Displayable, MAX_ROWS, brief, shown
from .rational import Q, fmt
from .table import Column, Table

__all__ = [
    "Device",
    "OutcomeFunction",
    "constant_device",
    "implement",
    "direct_device",
    "deterministic",
]


def _hashable(x: Any) -> Any:
    if isinstance(x, list):
        return tuple(_hashable(v) for v in x)
    if isinstance(x, tuple) and not isinstance(x, QLOutcome):
        return tuple(_hashable(v) for v in x)
    return x


def _lottery(d: Any, where: str) -> dict[Any, fmpq]:
    if not isinstance(d, Mapping):
        # a single point: probability one
        return {_hashable(d): fmpq(1)}
    out: dict[Any, fmpq] = {}
    for k, v in d.items():
        q = Q(v, name=f"{where}[{label(k)}]")
        if q < 0:
            raise ModelError(f"{where}: probability of {label(k)!r} is negative ({fmt(q)})")
        if q != 0:
            k = _hashable(k)
            out[k] = out.get(k, fmpq(0)) + q
    tot = sum(out.values(), fmpq(0))
    if tot != 1:
        raise ModelError(f"{where}: probabilities sum to {fmt(tot)}, not 1")
    return out


def _table(types: tuple, table: Mapping[Any, Any] | Callable[[tuple], Any], what: str) -> dict[tuple, dict[Any, fmpq]]:
    profiles = list(itertools.product(*types))
    out: dict[tuple, dict[Any, fmpq]] = {}
    if callable(table) and not isinstance(table, Mapping):
        for th in profiles:
            out[th] = _lottery(table(th), f"{what}({profile_label(th)})")
        return out
    if not isinstance(table, Mapping):
        raise ModelError(f"{what} must be a mapping profile -> lottery or a callable")
    for key, lot in table.items():
        parts = tuple(s.strip() for s in key.split(",")) if isinstance(key, str) else (key if isinstance(key, tuple) else (key,))
        if len(parts) != len(types):
            raise ModelError(f"{what}: profile {key!r} has {len(parts)} entries, expected {len(types)}")
        th = tuple(resolve_type(t, ts, i) for i, (t, ts) in enumerate(zip(parts, types)))
        out[th] = _lottery(lot, f"{what}({profile_label(th)})")
    missing = [th for th in profiles if th not in out]
    if missing:
        raise ModelError(
            f"{what} is not defined at profile ({profile_label(missing[0])})"
            + (f" and {len(missing) - 1} more" if len(missing) > 1 else "")
        )
    return out


class Device(Displayable):
    """An information device r : Θ → ΔS (Vartiainen §2).

    ``table`` maps each profile to a lottery ``{signal: probability}`` (or a single
    signal, meaning probability one), or is a callable of the profile.
    """

    __slots__ = ("types", "_r")

    def __init__(self, types: Sequence[Sequence[Any]], table: Mapping[Any, Any] | Callable[[tuple], Any]) -> None:
        self.types = normalize_types(types)
        self._r = _table(self.types, table, "r")

    def __call__(self, theta: tuple) -> dict[Any, fmpq]:
        """r(· : θ) as a dict signal → probability (positive entries only)."""
        return dict(self._r[theta])

    def prob(self, s: Any, theta: tuple) -> fmpq:
        """r(s : θ)."""
        return self._r[theta].get(s, fmpq(0))

    def profiles(self) -> list[tuple]:
        return list(self._r)

    def signals(self, profiles: Sequence[tuple] | None = None) -> list[Any]:
        """r(Θ') : the signals sent with positive probability at some profile of Θ' (default Θ)."""
        seen: dict[Any, None] = {}
        for th in profiles if profiles is not None else self._r:
            for s in self._r[th]:
                seen.setdefault(s, None)
        return list(seen)

    def likelihood(self, s: Any) -> dict[tuple, fmpq]:
        """θ ↦ r(s : θ)."""
        return {th: lot.get(s, fmpq(0)) for th, lot in self._r.items()}

    def posteriors(self, p: Belief) -> list[tuple[Any, fmpq, Belief]]:
        """P(r, p): ``(s, Pr(s), p|(r, s))`` for each s ∈ r(supp p), in signal order."""
        if p.types != self.types:
            raise ModelError("the belief's type sets differ from the device's")
        out = []
        for s in self.signals(p.support()):
            post, prob = p.update(self.likelihood(s))
            out.append((s, prob, post))
        return out

    def then(self, plan: Mapping[Any, "Device"]) -> "Device":
        """The compound r∘ρ: play r, then at signal s' play ρ(s') (identity 1_{s'} if absent).

        (r∘ρ)(s : θ) = Σ_{s'} r(s' : θ) ρ(s')(s : θ)  (Vartiainen §3).
        """
        table = {}
        for th, lot in self._r.items():
            acc: dict[Any, fmpq] = {}
            for s1, w in lot.items():
                nxt = plan.get(s1)
                if nxt is None:
                    acc[s1] = acc.get(s1, fmpq(0)) + w
                    continue
                if nxt.types != self.types:
                    raise ModelError(f"the response to signal {label(s1)!r} has different type sets")
                for s2, w2 in nxt._r[th].items():
                    acc[s2] = acc.get(s2, fmpq(0)) + w * w2
            table[th] = acc
        return Device(self.types, table)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device) and self.types == other.types and self._r == other._r

    def __hash__(self) -> int:
        return hash((self.types, tuple(tuple(sorted(((repr(k), v) for k, v in lot.items()), key=repr)) for lot in self._r.values())))

    def __repr__(self) -> str:
        rows = brief(
            f"{profile_label(th)} -> " + ", ".join(f"{label(s)}: {fmt(q)}" for s, q in lot.items())
            for th, lot in self._r.items()
        )
        return f"Device({rows})"

    def table(self, max_rows: int | None = None) -> Table:
        """One row per type profile (the first ``max_rows``): θ and r(s : θ) of every signal s."""
        sig = self.signals()
        cols = [Column("theta", "θ", r"$\theta$")] + [Column(f"s{k}", f"r({label(s)})") for k, s in enumerate(sig)]
        items = list(self._r.items())
        return Table(cols, [{"theta": profile_label(th), **{f"s{k}": lot.get(s, fmpq(0)) for k, s in enumerate(sig)}}
                            for th, lot in items[:shown(len(items), max_rows)]])

    def _card(self) -> Card:
        n, sig = len(self._r), self.signals()
        more = (("", n - MAX_ROWS),) if n > MAX_ROWS else ()
        return Card("information device", (("type profiles", n), ("signals", brief((label(s) for s in sig), 200, ", "))),
                    (("", self.table(MAX_ROWS)),), note="r(s): probability that signal s is sent at θ", more=more)


def constant_device(types: Sequence[Sequence[Any]], s: Any) -> Device:
    """1_s: the device that sends signal s with probability one at every profile."""
    ts = normalize_types(types)
    return Device(ts, lambda th: {s: 1})


class OutcomeFunction(Displayable):
    """An outcome function f : Θ → ΔX of an environment (Vartiainen §2).

    For a quasi-linear environment each outcome is a ``QLOutcome(a, t)`` (or a pair
    ``(a, [t_1, …, t_n])``, converted).
    """

    __slots__ = ("env", "_f")

    def __init__(self, env: Environment, table: Mapping[Any, Any] | Callable[[tuple], Any]) -> None:
        self.env = env
        raw = _table(env.types, table, "f")
        self._f = {th: self._norm_lottery(th, lot) for th, lot in raw.items()}

    def _norm_lottery(self, th: tuple, lot: dict[Any, fmpq]) -> dict[Any, fmpq]:
        out: dict[Any, fmpq] = {}
        for x, q in lot.items():
            x = self._norm_outcome(x, th)
            out[x] = out.get(x, fmpq(0)) + q
        return out

    def _norm_outcome(self, x: Any, th: tuple) -> Any:
        env = self.env
        if env.kind == "finite":
            return env.resolve_outcome(x)
        if isinstance(x, QLOutcome):
            a, t = x
        elif isinstance(x, tuple) and len(x) == 2:
            a, t = x
        else:
            raise ModelError(f"f({profile_label(th)}): outcome {x!r} must be (allocation, transfers)")
        a = env.resolve_outcome(a)
        t = tuple(Q(v, name=f"transfer at ({profile_label(th)})") for v in t)
        if len(t) != env.n:
            raise ModelError(f"f({profile_label(th)}): {len(t)} transfers for {env.n} agents")
        return QLOutcome(a, t)

    def __call__(self, theta: tuple) -> dict[Any, fmpq]:
        return dict(self._f[theta])

    def prob(self, x: Any, theta: tuple) -> fmpq:
        """f(x : θ)."""
        return self._f[theta].get(x, fmpq(0))

    def profiles(self) -> list[tuple]:
        return list(self._f)

    def allocation_prob(self, a: Any, theta: tuple) -> fmpq:
        """Probability of allocation a at θ (quasi-linear) or of outcome a (finite)."""
        if self.env.kind == "finite":
            return self.prob(a, theta)
        return sum((q for x, q in self._f[theta].items() if x.allocation == a), fmpq(0))

    def expected_transfer(self, i: int, theta: tuple) -> fmpq:
        """E[t_i | θ] (quasi-linear environments)."""
        if self.env.kind != "quasilinear":
            raise ModelError("transfers exist only in quasilinear environments")
        return sum((q * x.transfers[i] for x, q in self._f[theta].items()), fmpq(0))

    def utility(self, i: int, theta: tuple, report: tuple | None = None) -> fmpq:
        """Σ_x u_i(x, θ) f(x : report) — agent i's payoff at θ when the profile reported is ``report``."""
        rep = theta if report is None else report
        return sum((q * self.env.utility(i, x, theta) for x, q in self._f[rep].items()), fmpq(0))

    def value(self, p: Belief | None = None) -> fmpq:
        """v(f, p) = Σ_θ p(θ) Σ_x v(x, θ) f(x : θ) (Vartiainen §2)."""
        p = self.env.prior if p is None else p
        return sum(
            (w * q * self.env.value(x, th) for th, w in p.items() if w != 0 for x, q in self._f[th].items()),
            fmpq(0),
        )

    def is_deterministic(self) -> bool:
        return all(len(lot) == 1 for lot in self._f.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON form: profile → list of ``[outcome, probability]`` (transfers as strings)."""
        out: dict[str, Any] = {}
        for th, lot in self._f.items():
            row = []
            for x, q in lot.items():
                if isinstance(x, QLOutcome):
                    row.append({"allocation": label(x.allocation), "transfers": [fmt(t) for t in x.transfers], "p": fmt(q)})
                else:
                    row.append({"outcome": label(x), "p": fmt(q)})
            out[profile_label(th)] = row
        return out

    @classmethod
    def from_dict(cls, env: Environment, d: Mapping[str, Any]) -> "OutcomeFunction":
        table: dict[str, dict[Any, Any]] = {}
        for key, row in d.items():
            lot: dict[Any, Any] = {}
            for e in row:
                if "allocation" in e:
                    x: Any = QLOutcome(env.resolve_outcome(e["allocation"]), tuple(Q(t) for t in e["transfers"]))
                else:
                    x = env.resolve_outcome(e["outcome"])
                lot[x] = Q(e["p"]) + lot.get(x, fmpq(0))
            table[key] = lot
        return cls(env, table)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OutcomeFunction) and self.env is other.env and self._f == other._f

    def __repr__(self) -> str:
        rows = brief(
            f"{profile_label(th)} -> " + ", ".join(f"{x!r}: {fmt(q)}" if isinstance(x, QLOutcome) else f"{label(x)}: {fmt(q)}" for x, q in lot.items())
            for th, lot in self._f.items()
        )
        return f"OutcomeFunction({rows})"

    def table(self, max_rows: int | None = None) -> Table:
        """One row per type profile (the first ``max_rows``): θ, the probability of every
        allocation a (quasilinear: q(a), with every agent's expected transfer E t_i) or of
        every outcome x (finite: f(x))."""
        env = self.env
        ql = env.kind == "quasilinear"
        cols = [Column("theta", "θ", r"$\theta$")]
        cols += [Column(f"x{k}", f"{'q' if ql else 'f'}({label(x)})") for k, x in enumerate(env.outcomes)]
        if ql:
            cols += [Column(f"t{i}", f"E t_{a}", f"$E\\,t_{{{i + 1}}}$") for i, a in enumerate(env.agents)]
        profiles = self.profiles()
        rows = []
        for th in profiles[:shown(len(profiles), max_rows)]:
            row: dict[str, Any] = {"theta": profile_label(th)}
            row.update({f"x{k}": self.allocation_prob(x, th) for k, x in enumerate(env.outcomes)})
            if ql:
                row.update({f"t{i}": self.expected_transfer(i, th) for i in range(env.n)})
            rows.append(row)
        return Table(cols, rows)

    def _card(self) -> Card:
        env, n = self.env, len(self._f)
        ql = env.kind == "quasilinear"
        note = ("q(a): probability of allocation a; E t_i: expected transfer to agent i (a payment is negative)" if ql
                else "f(x): probability of outcome x")
        facts: tuple[tuple[str, Any], ...] = (("environment", env.name or env.kind), ("type profiles", n),
                                              ("deterministic", "yes" if self.is_deterministic() else "no"),
                                              ("expected planner value", self.value()))
        more = (("", n - MAX_ROWS),) if n > MAX_ROWS else ()
        return Card("mechanism (outcome function)", facts, (("", self.table(MAX_ROWS)),), note=note, more=more)


def implement(env: Environment, device: Device, g: Mapping[Any, Any] | Callable[[Any], Any]) -> OutcomeFunction:
    """The composite g∘r: f(x : θ) = Σ_{s ∈ g⁻¹(x)} r(s : θ) (Vartiainen §3).

    ``g`` maps every signal the device can send to an outcome (for quasilinear
    environments an ``(allocation, transfers)`` pair).
    """
    if device.types != env.types:
        raise ModelError("the device's type sets differ from the environment's")

    def gx(s: Any) -> Any:
        if callable(g) and not isinstance(g, Mapping):
            return g(s)
        if s not in g:
            raise ModelError(f"the implementation g does not map signal {label(s)!r}")
        return g[s]

    table = {}
    for th in device.profiles():
        lot: dict[Any, fmpq] = {}
        for s, q in device(th).items():
            x = gx(s)
            x = QLOutcome(x[0], tuple(Q(t) for t in x[1])) if env.kind == "quasilinear" and not isinstance(x, QLOutcome) else x
            lot[x] = lot.get(x, fmpq(0)) + q
        table[th] = lot
    return OutcomeFunction(env, table)


def direct_device(f: OutcomeFunction) -> tuple[Device, dict[Any, Any]]:
    """The direct mechanism of f: signals are the outcomes themselves, g the identity."""
    table = {th: f(th) for th in f.profiles()}
    signals: dict[Any, Any] = {}
    for lot in table.values():
        for x in lot:
            signals[x] = x
    return Device(f.env.types, table), signals


def deterministic(env: Environment, rule: Callable[[tuple], Any]) -> OutcomeFunction:
    """An outcome function that picks one outcome per profile: ``rule(θ) -> x``."""
    return OutcomeFunction(env, lambda th: {rule(th): 1} if not isinstance(rule(th), Mapping) else rule(th))
