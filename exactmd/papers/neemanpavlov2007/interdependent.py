"""Neeman–Pavlov (2007), §4.1.4: a single-good auction with interdependent values, the
generalized Vickrey auction, and a given type-report mechanism checked against the rows
of ex post oracle renegotiation-proofness.

**The auction.**  Bidders 1 … n have one-dimensional signals s_i (finite, increasing);
bidder i's value for the good is v_i(s) = c_i + Σ_k w[i][k]·s_k (linear, non-negative
weights).  *Single crossing* (Dasgupta and Maskin 2000): raising s_i raises i's own value
strictly more than any other bidder's, w[i][i] > w[j][i] for j ≠ i.  The seller is a
player with no private information and value 0: payments go to her, so the mechanism and
every renegotiation proposal balance the budget (:func:`linear_auction`).

**The generalized Vickrey auction** (:func:`generalized_vickrey`): the good goes to a
bidder of highest value v_i(s) (ties to the lowest index); the winner i pays
max_{j≠i} v_j(s*_i, s_-i), where s*_i is the least signal of i at which i still wins
against s_-i (under single crossing i's winning signals are an up-set); the losers pay
nothing.  With a continuum of signals this is the price v_i(s*_i, s_-i) of Dasgupta and
Maskin; on a grid it is the price that keeps truth-telling an ex post equilibrium.

**The check** (:func:`oracle_slacks`, :func:`oracle_check_certificate`): every row of
:func:`~exactmd.papers.neemanpavlov2007.oracle.oracle_rp_model` (probabilities, budget,
``EFF``, and ``ORP[i: θ_i -> θ'_i]``: type θ_i gains nothing by reporting θ'_i and letting
the oracle renegotiate, state by state, to the efficient outcome while every other player
keeps its utility) evaluated exactly at the mechanism.  A violated ``ORP`` row is the
liar's exact expected gain: the oracle's proposal gives the others their utilities plus
shares of any ε > 0 and the liar the rest, so the others accept and the mechanism is not
ex post oracle renegotiation-proof.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flint import fmpq

from exactmd.belief import Belief, label, profile_label
from exactmd.encoding import qvar, tvar
from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.rational import Q, fmt

from .document import RP_FORMAT, _number, _object, _refuse, _where
from .oracle import oracle_rp_model

Mechanism = dict[tuple, tuple[Any, tuple[fmpq, ...]]]  # type profile ↦ (allocation, transfers)

SELLER = "seller"


def _win(i: int) -> str:
    return f"win{i + 1}"


def linear_auction(signals: Sequence[Sequence[Any]], weights: Sequence[Sequence[Any]], constants: Sequence[Any],
                   prior: Belief | Mapping[tuple, Any], name: str = "") -> Environment:
    """The auction with v_i(s) = constants[i] + Σ_k weights[i][k]·s_k for bidders 1 … n and
    a seller (last player, one type 0, value 0); ``prior`` is over the bidders' signal
    profiles.  Refuses negative weights, negative values and signal grids that are not
    increasing; single crossing is :func:`single_crossing` (not required here)."""
    n = len(signals)
    sig = [tuple(Q(x) for x in s) for s in signals]
    w = [[Q(x) for x in row] for row in weights]
    c = [Q(x) for x in constants]
    if len(w) != n or any(len(r) != n for r in w) or len(c) != n:
        raise ModelError(f"an auction with {n} bidders needs an {n}×{n} weight matrix and {n} constants")
    if any(list(s) != sorted(set(s)) for s in sig):
        raise ModelError("every bidder's signals must be increasing")
    if any(x < 0 for r in w for x in r):
        raise ModelError("the weights of the signals must be ≥ 0 (values increase in every signal)")
    types = [tuple(s) for s in sig] + [(fmpq(0),)]
    p = {tuple(th) + (fmpq(0),): Q(x) for th, x in prior.items()}

    def value(i: int, a: Any, th: tuple) -> fmpq:
        if i == n or a != _win(i):
            return fmpq(0)
        return c[i] + sum((w[i][k] * th[k] for k in range(n)), fmpq(0))

    env = Environment.quasilinear(types, {"joint": {profile_label(th): fmt(x) for th, x in p.items()}},
                                  [_win(i) for i in range(n)], value,
                                  agents=[str(i + 1) for i in range(n)] + [SELLER], name=name or f"auction, {n} bidders")
    for th in env.profiles():
        for i in range(n):
            if env.valuation(i, _win(i), th) < 0:
                raise ModelError(f"bidder {i + 1}'s value at {profile_label(th)} is negative")
    return env


def bidders(env: Environment) -> int:
    """The number of bidders of a :func:`linear_auction` environment (refuses any other)."""
    n = env.n - 1
    if n < 1 or env.agents[-1] != SELLER or list(env.outcomes) != [_win(i) for i in range(n)] or len(env.types[-1]) != 1:
        raise ModelError("not an auction of linear_auction: bidders 1 … n, outcomes win1 … winN and a seller with one type")
    return n


def single_crossing(env: Environment) -> bool:
    """Whether raising s_i raises v_i strictly more than every other bidder's value, at
    every profile and every step of i's grid (exact; for linear values: w[i][i] > w[j][i])."""
    n = bidders(env)
    for th in env.profiles():
        for i in range(n):
            ts = env.types[i]
            k = ts.index(th[i])
            if k + 1 == len(ts):
                continue
            up = th[:i] + (ts[k + 1],) + th[i + 1:]
            own = env.valuation(i, _win(i), up) - env.valuation(i, _win(i), th)
            for j in range(n):
                if j != i and not own > env.valuation(j, _win(j), up) - env.valuation(j, _win(j), th):
                    return False
    return True


def _winner(env: Environment, n: int, th: tuple) -> int:
    vals = [env.valuation(i, _win(i), th) for i in range(n)]
    best = max(vals)
    return vals.index(best)


def generalized_vickrey(env: Environment) -> Mechanism:
    """The generalized Vickrey auction (module docstring): the efficient winner pays the
    highest other value at her least winning signal, paid to the seller."""
    n = bidders(env)
    out: Mechanism = {}
    for th in env.profiles():
        i = _winner(env, n, th)
        least = next(s for s in env.types[i] if _winner(env, n, th[:i] + (s,) + th[i + 1:]) == i)
        at = th[:i] + (least,) + th[i + 1:]
        price = max((env.valuation(j, _win(j), at) for j in range(n) if j != i), default=fmpq(0))
        t = [fmpq(0)] * env.n
        t[i], t[n] = -price, price
        out[th] = (_win(i), tuple(t))
    return out


def assignment(env: Environment, mech: Mapping[tuple, tuple[Any, Sequence[Any]]]) -> dict[str, fmpq]:
    """The LP variables of :func:`oracle_rp_model` at a deterministic type-report mechanism."""
    x: dict[str, fmpq] = {}
    for th in env.profiles():
        a, t = mech[th]
        for b in env.outcomes:
            x[qvar(b, th)] = fmpq(1) if b == a else fmpq(0)
        for i in range(env.n):
            x[tvar(env, i, th)] = Q(t[i])
    return x


def oracle_slacks(env: Environment, mech: Mapping[tuple, tuple[Any, Sequence[Any]]], budget: str = "balanced") -> dict[str, fmpq]:
    """The exact slack of every row of ``oracle_rp_model(env, budget)`` at the mechanism
    (≥ 0 iff the row holds; ``==`` rows: minus the absolute gap)."""
    m = oracle_rp_model(env, budget)
    x = assignment(env, mech)
    out = {}
    for name, co, op, b in m.rows():
        lhs = sum((c * x[v] for v, c in co.items()), fmpq(0))
        out[name] = lhs - b if op == ">=" else (b - lhs if op == "<=" else -abs(lhs - b))
    return out


def oracle_violations(env: Environment, mech: Mapping[tuple, tuple[Any, Sequence[Any]]], budget: str = "balanced") -> dict[str, fmpq]:
    """Every violated row with its exact amount (for ``ORP`` rows: the liar's expected gain
    times the probability of her type)."""
    return {r: -s for r, s in oracle_slacks(env, mech, budget).items() if s < 0}


def _mechanism_dict(env: Environment, mech: Mapping[tuple, tuple[Any, Sequence[Any]]]) -> dict[str, Any]:
    return {profile_label(th): {"allocation": label(mech[th][0]), "transfers": [fmt(Q(x)) for x in mech[th][1]]}
            for th in env.profiles()}


def _mechanism_from_dict(env: Environment, d: Mapping[str, Any]) -> Mechanism:
    out: Mechanism = {}
    for key, raw in d.items():
        body = _object(raw, f"outcomes[{key!r}]", ("allocation", "transfers"))
        th = env.resolve_profile(str(key))
        t = tuple(_number(x, f"outcomes[{key!r}].transfers") for x in body["transfers"])
        if len(t) != env.n:
            raise ModelError(f"transfers at {key!r} have {len(t)} entries, expected {env.n}")
        out[th] = (env.resolve_outcome(body["allocation"]), t)
    missing = [profile_label(th) for th in env.profiles() if th not in out]
    if missing:
        raise ModelError(f"the mechanism has no outcome at {missing[0]}")
    return out


def _oracle_check_statement(env: Environment, budget: str, rows: int, bad: Mapping[str, fmpq]) -> str:
    head = f"In {_where(env)} the given type-report mechanism ({len(env.profiles())} profiles)"
    if not bad:
        return f"{head} satisfies all {rows} rows of ex post oracle renegotiation-proofness with {budget} budget."
    first = next(iter(bad))
    return (f"{head} violates {len(bad)} of the {rows} rows of ex post oracle renegotiation-proofness with {budget} budget, "
            f"first {first} by {fmt(bad[first])}.")


def oracle_check_certificate(env: Environment, mech: Mapping[tuple, tuple[Any, Sequence[Any]]], budget: str = "balanced") -> dict[str, Any]:
    """An ``exactmd-renegotiation-certificate/1`` (question ``oracle-check``): the mechanism
    and its exactly violated rows; ``exactmd verify`` recomputes every row."""
    slacks = oracle_slacks(env, mech, budget)
    bad = {r: -s for r, s in slacks.items() if s < 0}
    return {"format": RP_FORMAT, "question": "oracle-check", "statement": _oracle_check_statement(env, budget, len(slacks), bad),
            "environment": env.to_dict(), "budget": budget, "outcomes": _mechanism_dict(env, mech),
            "violations": {r: fmt(x) for r, x in bad.items()}}


def verify_oracle_check(env: Environment, cert: Mapping[str, Any]) -> tuple[str, str]:
    """Re-check an ``oracle-check`` certificate from its environment and mechanism alone."""
    budget = cert["budget"]
    try:
        mech = _mechanism_from_dict(env, _object(cert["outcomes"], "outcomes"))
    except (ModelError, KeyError, TypeError, AttributeError) as e:
        raise _refuse("outcomes", str(e)) from None
    slacks = oracle_slacks(env, mech, budget)
    bad = {r: -s for r, s in slacks.items() if s < 0}
    stated = _object(cert["violations"], "violations")
    if dict(stated) != {r: fmt(x) for r, x in bad.items()}:
        raise _refuse("violations", f"the file lists {len(stated)} violated rows, the recomputation {len(bad)}"
                      + (f" (first {next(iter(bad))} by {fmt(next(iter(bad.values())))})" if bad else ""))
    return _oracle_check_statement(env, budget, len(slacks), bad), f"recomputed: {len(slacks)} rows, {len(bad)} violated"
