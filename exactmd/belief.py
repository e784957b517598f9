"""Beliefs: exact probability distributions over type profiles (Vartiainen §2).

A :class:`Belief` is a distribution p ∈ ΔΘ over the finite set of profiles
Θ = Θ_1 × … × Θ_n.  It knows the type sets, so that marginals p_i(θ_i),
conditionals p_i(· : θ_i) and Bayes updates p|(r, s) are computed exactly.

Conventions: a *profile* is a tuple ``(θ_1, …, θ_n)`` of type labels; a type label is
an ``fmpq`` (numeric types) or a ``str``.  Profiles are ordered as
``itertools.product`` of the type sets, so every iteration is deterministic.

>>> from exactmd.belief import Belief, independent
>>> p = independent([["L", "H"], ["l", "h"]], [["1/3", "2/3"], ["1/2", "1/2"]])
>>> p[("H", "l")]
1/3
>>> p.marginal(0)
{'L': 1/3, 'H': 2/3}
>>> post, prob = p.update({("H", "h"): 1, ("L", "h"): "1/2"})
>>> prob, post[("H", "h")]
(5/12, 4/5)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Hashable

from flint import fmpq, fmpq_mat

from .errors import ModelError
from .notebook import Card, Displayable, MAX_ROWS, brief
from .rational import Q, fmt, is_rational_string
from .table import Column, Table

__all__ = [
    "Belief",
    "Profile",
    "TypeLabel",
    "independent",
    "uniform",
    "degenerate",
    "label",
    "profile_label",
    "normalize_types",
    "conditional_matrix",
    "full_rank_conditionals",
]

TypeLabel = Hashable
Profile = tuple


def label(t: Any) -> str:
    """The printed form of a type (or outcome) label: ``p/q`` for numbers."""
    return fmt(t) if isinstance(t, fmpq) else str(t)


def profile_label(theta: Sequence[Any]) -> str:
    """``(θ_1,…,θ_n)`` printed as ``1/2,0`` (no spaces, comma separated)."""
    hit = _profile_labels.get(id(theta))
    if hit is not None and hit[0] is theta:
        return hit[1]
    text = ",".join(label(t) for t in theta)
    if isinstance(theta, tuple) and len(_profile_labels) < 1_000_000:
        _profile_labels[id(theta)] = (theta, text)  # holds θ, so its id is not reused
    return text


# profile tuples are shared (environments list each profile once) and printed many times
# when LP variables are named; the cache is keyed by identity (hashing exact numbers is slow)
_profile_labels: dict[int, tuple[tuple, str]] = {}


def _normalize_label(t: Any, where: str) -> Any:
    if isinstance(t, fmpq):
        return t
    if isinstance(t, bool):
        raise ModelError(f"{where}={t!r} is a bool; use a number or a string as a type label")
    if isinstance(t, int):
        return fmpq(t)
    if isinstance(t, float):
        Q(t, name=where)  # raises with the exact spelling
    if isinstance(t, str):
        if "," in t or not t.strip():
            raise ModelError(f"{where}={t!r}: labels must be non-empty and contain no comma")
        if is_rational_string(t):  # the one rule for labels: numbers when they read as numbers
            return Q(t, name=where)
        return t
    if isinstance(t, Hashable):
        try:
            return Q(t)
        except Exception:
            return t
    raise ModelError(f"{where}={t!r} is not a usable label (not hashable)")


def normalize_types(types: Sequence[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    """Validate and freeze type sets: non-empty, no duplicates, labels numbers or strings.

    The rule for type labels, the same in Python and in environment files: a label that
    reads as a number — an integer, ``fmpq``, ``Fraction``, or a string :func:`~exactmd.rational.Q`
    accepts (``"3"``, ``"1/2"``, ``"0.25"``) — becomes that exact number (``fmpq``); any
    other string stays a string.  So ``"1"`` and ``1`` are the same label, and
    ``"0.25"`` is printed ``1/4``.

    >>> normalize_types([["1", "1/2", "L"]])
    ((1, 1/2, 'L'),)
    >>> normalize_types([["1", "1.0"]])
    Traceback (most recent call last):
    ...
    exactmd.errors.ModelError: agent 1 lists type 1 twice ('1' and '1.0' are the same number)
    """
    if isinstance(types, (str, bytes)) or not isinstance(types, Sequence) or len(types) == 0:
        raise ModelError(f"types={types!r} must be a non-empty list of type lists, one per agent")
    out = []
    for i, ts in enumerate(types):
        if isinstance(ts, (str, bytes)) or not isinstance(ts, Iterable):
            raise ModelError(f"types[{i}]={ts!r} must be a list of type labels")
        raw = list(ts)
        ts = [_normalize_label(t, f"types[{i}][{k}]") for k, t in enumerate(raw)]
        if not ts:
            raise ModelError(f"agent {i + 1} has an empty type set")
        seen: dict[Any, Any] = {}
        for t, r in zip(ts, raw):
            if t in seen:
                if isinstance(t, fmpq) and (type(r) is not type(seen[t]) or r != seen[t]):
                    raise ModelError(f"agent {i + 1} lists type {label(t)} twice ({seen[t]!r} and {r!r} are the same number)")
                raise ModelError(f"agent {i + 1} lists type {label(t)!r} twice")
            seen[t] = r
        out.append(tuple(ts))
    return tuple(out)


class Belief(Mapping[tuple, fmpq], Displayable):
    """A probability distribution over the profiles of given type sets.

    Parameters
    ----------
    types:
        one list of type labels per agent.
    probs:
        mapping profile → probability (exact; through ``Q``).  Profiles not listed
        get probability 0.  The masses must be non-negative and sum to exactly 1.

    Raises
    ------
    ModelError
        naming the offending profile or the exact sum, e.g. "prior sums to 9/10, not 1".
    """

    __slots__ = ("types", "_p", "_hash", "name")

    def __init__(
        self,
        types: Sequence[Sequence[Any]],
        probs: Mapping[Any, Any] | Callable[[tuple], Any],
        *,
        name: str = "belief",
    ) -> None:
        self.types = normalize_types(types)
        self.name = name
        profiles = list(itertools.product(*self.types))
        index = {th: th for th in profiles}
        p: dict[tuple, fmpq] = {th: fmpq(0) for th in profiles}
        if callable(probs) and not isinstance(probs, Mapping):
            for th in profiles:
                p[th] = Q(probs(th), name=f"{name}[{profile_label(th)}]")
        else:
            if not isinstance(probs, Mapping):
                raise ModelError(f"{name}={probs!r} must be a mapping profile -> probability")
            for key, val in probs.items():
                th = self._resolve(key, index)
                p[th] = Q(val, name=f"{name}[{profile_label(th)}]")
        for th, v in p.items():
            if v < 0:
                raise ModelError(f"{name}[{profile_label(th)}] = {fmt(v)} is negative")
        total = sum(p.values(), fmpq(0))
        if total != 1:
            raise ModelError(f"{name} sums to {fmt(total)}, not 1")
        self._p = p
        self._hash: int | None = None

    def _resolve(self, key: Any, index: dict[tuple, tuple]) -> tuple:
        if isinstance(key, str):
            parts = tuple(s.strip() for s in key.split(","))
        elif isinstance(key, tuple):
            parts = key
        else:
            parts = (key,)
        if len(parts) != len(self.types):
            raise ModelError(
                f"{self.name}: profile {key!r} has {len(parts)} entries, expected {len(self.types)}"
            )
        th = []
        for i, (t, ts) in enumerate(zip(parts, self.types)):
            th.append(resolve_type(t, ts, i))
        return tuple(th)

    # Mapping interface -------------------------------------------------
    def __getitem__(self, theta: tuple) -> fmpq:
        try:
            return self._p[theta]
        except KeyError:
            th = self._resolve(theta, {})
            return self._p[th]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._p)

    def __len__(self) -> int:
        return len(self._p)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Belief) and self.types == other.types and self._p == other._p

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((self.types, tuple(self._p.values())))
        return self._hash

    def __repr__(self) -> str:
        body = brief((f"{profile_label(th)}: {fmt(v)}" for th, v in self._p.items() if v != 0), sep=", ")
        return f"Belief({{{body}}})"

    def table(self, max_rows: int | None = None) -> Table:
        """θ and p(θ) for the profiles of the support (the first ``max_rows``)."""
        sup = self.support()
        sup = sup if max_rows is None else sup[:max_rows]
        return Table([Column("theta", "θ", r"$\theta$"), Column("p", "p(θ)", r"$p(\theta)$")],
                     [{"theta": profile_label(th), "p": self._p[th]} for th in sup])

    def _card(self) -> Card:
        n = len(self.support())
        return Card("belief", (("support", f"{n} of {len(self.profiles())} type profiles"),),
                    (("", self.table(MAX_ROWS)),), more=(("", n - MAX_ROWS),) if n > MAX_ROWS else ())

    # paper objects -------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.types)

    def profiles(self) -> list[tuple]:
        """Θ, in the fixed product order."""
        return list(self._p)

    def support(self) -> list[tuple]:
        """supp(p) = {θ : p(θ) > 0} (Vartiainen fn. 5), in profile order."""
        return [th for th, v in self._p.items() if v != 0]

    def is_degenerate(self) -> bool:
        """Whether the support is a single profile (Vartiainen Lemma 1)."""
        return len(self.support()) == 1

    def marginal(self, i: int) -> dict[Any, fmpq]:
        """p_i(θ_i) = Σ_{θ_-i} p(θ_i, θ_-i) (Vartiainen fn. 4)."""
        self._check_agent(i)
        out = {t: fmpq(0) for t in self.types[i]}
        for th, v in self._p.items():
            out[th[i]] += v
        return out

    def conditional(self, i: int, theta_i: Any) -> dict[tuple, fmpq]:
        """p_i(θ_-i : θ_i), keyed by the full profile θ = (θ_i, θ_-i).

        Raises ``ModelError`` when p_i(θ_i) = 0 (the conditional is undefined).
        """
        self._check_agent(i)
        t = resolve_type(theta_i, self.types[i], i)
        mass = self.marginal(i)[t]
        if mass == 0:
            raise ModelError(
                f"p_{i + 1}({label(t)}) = 0: the conditional belief of agent {i + 1} "
                f"of type {label(t)} is undefined"
            )
        return {th: v / mass for th, v in self._p.items() if th[i] == t}

    def update(self, likelihood: Mapping[Any, Any] | Callable[[tuple], Any]) -> tuple["Belief", fmpq]:
        """Bayes' rule: p(θ)(r, s) = p(θ) r(s:θ) / Σ_θ' p(θ') r(s:θ') (Vartiainen §2).

        ``likelihood`` gives r(s : θ) for one signal s (missing profiles: 0).
        Returns the posterior and the signal's probability Σ_θ p(θ) r(s:θ).
        Raises ``ModelError`` if the signal has probability 0 under this belief.
        """
        if callable(likelihood) and not isinstance(likelihood, Mapping):
            lk = {th: Q(likelihood(th), name=f"likelihood[{profile_label(th)}]") for th in self._p}
        else:
            lk = {th: fmpq(0) for th in self._p}
            for key, val in likelihood.items():
                lk[self._resolve(key, {})] = Q(val, name=f"likelihood[{key}]")
        for th, v in lk.items():
            if v < 0 or v > 1:
                raise ModelError(f"likelihood[{profile_label(th)}] = {fmt(v)} is not in [0, 1]")
        prob = sum((self._p[th] * lk[th] for th in self._p), fmpq(0))
        if prob == 0:
            raise ModelError("the signal has probability 0 under this belief: no Bayes update")
        post = Belief(self.types, {th: self._p[th] * lk[th] / prob for th in self._p}, name="posterior")
        return post, prob

    def expectation(self, f: Callable[[tuple], Any]) -> fmpq:
        """Σ_θ p(θ) f(θ), exactly."""
        return sum((v * Q(f(th)) for th, v in self._p.items() if v != 0), fmpq(0))

    def to_dict(self) -> dict[str, str]:
        """JSON form: ``{"θ1,θ2": "p/q"}`` over the support."""
        return {profile_label(th): fmt(v) for th, v in self._p.items() if v != 0}

    def _check_agent(self, i: int) -> None:
        if not isinstance(i, int) or not 0 <= i < self.n:
            raise ModelError(f"agent index {i!r} is not in 0..{self.n - 1}")


_LABELS: dict[int, tuple[Sequence[Any], dict[str, Any]]] = {}


def _label_index(ts: Sequence[Any]) -> dict[str, Any]:
    """label(c) ↦ c for a type set, built once per type-set object (kept alive with it)."""
    hit = _LABELS.get(id(ts))
    if hit is None or hit[0] is not ts:
        if len(_LABELS) > 256:
            _LABELS.clear()
        hit = (ts, {label(c): c for c in ts})
        _LABELS[id(ts)] = hit
    return hit[1]


def resolve_type(t: Any, ts: Sequence[Any], i: int) -> Any:
    """Find the label in ``ts`` that ``t`` denotes (``"1/2"`` finds ``fmpq(1,2)``)."""
    if isinstance(t, str):
        hit = _label_index(ts).get(t.strip())
        if hit is not None:
            return hit
    elif t in ts and not isinstance(t, bool):
        return t
    s = t.strip() if isinstance(t, str) else t
    for cand in ts:
        if isinstance(cand, fmpq):
            try:
                if not isinstance(s, bool) and Q(s) == cand:
                    return cand
            except Exception:
                pass
        elif isinstance(cand, str) and isinstance(s, str) and cand == s:
            return cand
    known = ", ".join(label(c) for c in ts)
    raise ModelError(f"type {label(t) if not isinstance(t, str) else t!r} of agent {i + 1} is not in its type set {{{known}}}")


def independent(types: Sequence[Sequence[Any]], marginals: Sequence[Sequence[Any]], *, name: str = "prior") -> Belief:
    """The product belief p(θ) = Π_i p_i(θ_i) from one marginal per agent: a list in the
    order of the agent's types, or a mapping type → probability (types not listed: 0).

    Each marginal is validated on its own ("marginal of agent 2 sums to 3/4, not 1").
    """
    ts = normalize_types(types)
    if len(marginals) != len(ts):
        raise ModelError(f"{len(marginals)} marginals given for {len(ts)} agents")
    ms: list[list[fmpq]] = []
    for i, (m, t) in enumerate(zip(marginals, ts)):
        if isinstance(m, Mapping):  # type -> probability (types not listed: 0)
            by_type = {resolve_type(k, t, i): x for k, x in m.items()}
            m = [by_type.get(c, 0) for c in t]
        if len(m) != len(t):
            raise ModelError(
                f"marginal of agent {i + 1} has {len(m)} entries but the agent has {len(t)} types"
            )
        qs = [Q(x, name=f"marginal[{i}][{k}]") for k, x in enumerate(m)]
        for k, q in enumerate(qs):
            if q < 0:
                raise ModelError(f"marginal of agent {i + 1} gives type {label(t[k])} negative mass {fmt(q)}")
        tot = sum(qs, fmpq(0))
        if tot != 1:
            raise ModelError(f"marginal of agent {i + 1} sums to {fmt(tot)}, not 1")
        ms.append(qs)
    probs = {}
    for idx in itertools.product(*(range(len(t)) for t in ts)):
        v = fmpq(1)
        for i, k in enumerate(idx):
            v *= ms[i][k]
        probs[tuple(ts[i][k] for i, k in enumerate(idx))] = v
    return Belief(ts, probs, name=name)


def uniform(types: Sequence[Sequence[Any]], *, name: str = "prior") -> Belief:
    """The uniform belief on all profiles."""
    ts = normalize_types(types)
    n = 1
    for t in ts:
        n *= len(t)
    return Belief(ts, {th: fmpq(1, n) for th in itertools.product(*ts)}, name=name)


def degenerate(types: Sequence[Sequence[Any]], theta: Sequence[Any]) -> Belief:
    """The point mass on one profile."""
    ts = normalize_types(types)
    th = tuple(resolve_type(t, tt, i) for i, (t, tt) in enumerate(zip(theta, ts)))
    return Belief(ts, {th: 1}, name="belief")


def conditional_matrix(p: Belief, i: int) -> fmpq_mat:
    """Agent i's beliefs as a matrix: row θ_i (types of positive mass, in type order),
    column θ_-i (profiles of the others, in product order), entry p(θ_-i : θ_i)."""
    others = [ts for j, ts in enumerate(p.types) if j != i]
    marg = p.marginal(i)
    rows = []
    for t in p.types[i]:
        if marg[t] == 0:
            continue
        rows.append([p[rest[:i] + (t,) + rest[i:]] / marg[t] for rest in itertools.product(*others)])
    return fmpq_mat(rows)


def full_rank_conditionals(p: Belief) -> bool:
    """Whether every agent's :func:`conditional_matrix` has full row rank (exactly): the
    condition of Crémer and McLean (1988) under which a revenue-maximising seller
    extracts the full surplus with BIC and interim IR (no row is a combination of the
    others, so each type can be charged a lottery only its own beliefs accept)."""
    for i in range(p.n):
        m = conditional_matrix(p, i)
        if m.rank() != m.nrows():
            return False
    return True
