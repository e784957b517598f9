"""Theorem 2 of Vartiainen (2014) by a witness over all choice rules on H: the
*reversion rule* of a plan, and its certificate ``exactmd-reversion-witness/1``.

§3 lets the choice rule σ "specify her mechanism choice for each history h ∈ H" ("The
planner can condition her design strategy on the past design history").  Given a plan —
an IC, ex post IR, budget-balanced direct mechanism g∘r on the bargaining grid of §5
(signals = outcomes x = (a, m), g the identity) — its reversion rule σ_r is

- σ_r(∅) = r;
- at a *plan history* ((r, s), (1_s, s), …, (1_s, s)) (the plan's signal s, then
  nothing but 1_s): σ_r = 1_s (stop: g(s) is implemented);
- at every other history h = (h⁻, (r', s')): σ_r(h) = 1_{s'} if g(s') = x₀ = (0; 0) (no
  trade, no payment), and 1_{s₀} with g(s₀) = x₀ otherwise ("revert to no trade").

σ_r has three classes of histories, and Definitions 1–3 (ε = 0: Bellman optimality)
hold at each of them, for *every* device r' (the signal set S is arbitrary):

- reversion histories: r' ∈ C^σ(h) iff every signal of r' has g = x₀, so
  sup{v(r') : r' ∈ C^σ(h)} = 0 = v(σ_r(h)); σ_r(h) ∈ C^σ(h) (Def. 1); r'∘σ_r only sends
  x₀-signals, after which σ_r keeps them (Def. 2).  This needs only u_i(x₀, θ) = 0 and
  v(x₀, θ) = 0 (1_{x₀} is IC and IR under every belief);
- the plan history of a signal s with posterior p_s = p|(r, s): C^σ = {1_s} ∪ {x₀-only
  devices}, so Bellman optimality is v(g(s), p_s) ≥ 0; 1_s is IR at p_s because g∘r is
  ex post IR; r'∘σ_r is 1_s (r' = 1_s) or x₀-only;
- ∅: C^σ(∅) = {r} ∪ {x₀-only devices}: v(r, p) ≥ 0; r ∈ IC(p) and σ_r keeps its
  signals (Def. 1); r'∘σ_r is r (r' = r) or x₀-only (Def. 2).

So σ_r is consistent and Bellman optimal, and it implements g∘r.  If v(g∘r, p) equals the
second best (max v under IC, interim IR, ex post BB), g∘r is incentive efficient: an IC,
IR, BB mechanism that interim-Pareto-dominated it would raise the expected total surplus
(transfers cancel), which is v.  Under ex post IR every trade has θ₂ ≤ m ≤ θ₁, so every
posterior value v(g(s), p_s) is ≥ 0; the certificate recomputes each anyway.

What is checked on an instance (:func:`reversion_witness`, :func:`verify_reversion_certificate`):
the plan's probabilities, IC (eq. 1) for every type and misreport of both agents, ex post
IR, budget balance (payments m from buyer to seller), v(g∘r, p) = the certified second
best, and v(g(s), p_s) ≥ 0 at each of its signals.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from ...design import optimal_mechanism, verify_mechanism_certificate
from ...environment import Environment
from ...errors import ExactMDError
from ...rational import Q, fmt
from .bargaining import bilateral_trade, grid, named_prior

__all__ = ["REVERSION_FORMAT", "MAX_K", "ReversionWitness", "reversion_witness", "reversion_certificate",
           "verify_reversion_certificate"]

REVERSION_FORMAT = "exactmd-reversion-witness/1"
#: the largest grid the verifier accepts (checked before any work)
MAX_K = 8
_KEYS = ("format", "K", "buyer prior", "seller prior", "second best", "second best value", "plan", "value", "signals",
         "failures", "statement")
_SECOND_BEST = ["IC", "interim-IR", "BB"]


class _Fail(Exception):
    """A reversion certificate that does not prove what it states; the message names the field."""


def _need(cond: bool, msg: str) -> None:
    if not cond:
        raise _Fail(msg)


Row = tuple[tuple[fmpq, fmpq], list[tuple[int, fmpq, fmpq]]]  # (θ1, θ2), [(a, m, probability)]


def _check_plan(types: Sequence[fmpq], p1: Sequence[fmpq], p2: Sequence[fmpq], rows: Sequence[Row],
                V: fmpq) -> tuple[fmpq, list[dict[str, str]], list[str]]:
    """The plan's value, its signals (outcome, probability, posterior value) and every
    failed condition, computed from the rows alone (u_1 = aθ_1 − m, u_2 = m − aθ_2,
    v = a(θ_1 − θ_2); joint prior p_1 × p_2)."""
    fails: list[str] = []
    f = {th: lot for th, lot in rows}
    prob = {(t1, t2): p1[i] * p2[j] for i, t1 in enumerate(types) for j, t2 in enumerate(types)}
    for th, lot in rows:
        tot = sum((q for _, _, q in lot), fmpq(0))
        if tot != 1 or any(q <= 0 for _, _, q in lot):
            fails.append(f"plan at ({fmt(th[0])},{fmt(th[1])}): probabilities must be positive and sum to 1 (sum {fmt(tot)})")
        for a, m, q in lot:
            if a * th[0] - m < 0 or m - a * th[1] < 0:
                fails.append(f"plan at ({fmt(th[0])},{fmt(th[1])}): outcome (a={a}, m={fmt(m)}) violates ex post IR")

    def u(i: int, a: int, m: fmpq, th: tuple[fmpq, fmpq]) -> fmpq:
        return a * th[0] - m if i == 0 else m - a * th[1]

    for i in (0, 1):
        for t in types:
            for t2 in types:
                if t2 == t:
                    continue
                gain = fmpq(0)  # eq. (1): Σ_θ-i p(θ) Σ_x u_i(x, θ) [f(x : θ) − f(x : θ-i, θ'_i)]
                for o in types:
                    th = (t, o) if i == 0 else (o, t)
                    lie = (t2, o) if i == 0 else (o, t2)
                    gain += prob[th] * (sum((q * u(i, a, m, th) for a, m, q in f[th]), fmpq(0))
                                        - sum((q * u(i, a, m, th) for a, m, q in f[lie]), fmpq(0)))
                if gain < 0:
                    fails.append(f"plan is not IC: {'buyer' if i == 0 else 'seller'} {fmt(t)} gains {fmt(-gain)} by reporting {fmt(t2)}")
    value = sum((prob[th] * q * a * (th[0] - th[1]) for th, lot in rows for a, m, q in lot), fmpq(0))
    if value != V:
        fails.append(f"the plan's value {fmt(value)} is not the second best {fmt(V)}")
    mass: dict[tuple[int, fmpq], fmpq] = {}
    gains: dict[tuple[int, fmpq], fmpq] = {}
    for th, lot in rows:
        for a, m, q in lot:
            mass[(a, m)] = mass.get((a, m), fmpq(0)) + prob[th] * q
            gains[(a, m)] = gains.get((a, m), fmpq(0)) + prob[th] * q * a * (th[0] - th[1])
    signals = []
    for x in sorted(mass):
        post = gains[x] / mass[x]
        if post < 0:
            fails.append(f"after signal (a={x[0]}, m={fmt(x[1])}) the posterior value {fmt(post)} < 0: stopping is not Bellman optimal")
        signals.append({"trade": str(x[0]), "payment": fmt(x[1]), "probability": fmt(mass[x]), "posterior value": fmt(post)})
    return value, signals, fails


def _statement(name: str, V: fmpq, value: fmpq, signals: Sequence[Mapping[str, str]], fails: Sequence[str]) -> str:
    if fails:
        return (f"{name}: the reversion rule of this plan is not a witness of Theorem 2 ({len(fails)} failed conditions, "
                f"e.g. {fails[0]})")
    return (f"{name}: the reversion rule σ_r of the plan r (an IC, ex post IR, budget-balanced direct mechanism of value "
            f"{fmt(value)} = the second best {fmt(V)}) is strategically and structurally consistent and Bellman optimal "
            f"(ε = 0) at every history — at ∅ (v(r) ≥ 0), at the plan histories of its {len(signals)} signals (each "
            f"posterior value ≥ 0) and at every reversion history (σ_r keeps only (0; 0) signals) — so σ_r implements an "
            f"incentive efficient mechanism")


def _prior_json(prior: Any) -> Any:
    return prior if isinstance(prior, str) else [fmt(Q(x)) for x in prior]


def _rows(env: Environment, f: Any) -> list[Row]:
    """The plan's rows from a mechanism's trade probabilities q(θ) and expected payments
    M(θ) to the seller: trade at the price M/q with probability q, else (0; 0).  Expected
    utilities (so IC and value) are those of f; ex post IR of the realised outcomes is
    q θ_2 ≤ M ≤ q θ_1, the LP's ex post IR rows."""
    out: list[Row] = []
    for th in env.profiles():
        for x in f(th):
            if sum(x.transfers, fmpq(0)) != 0:  # u = (aθ1 − m, m − aθ2) needs t = (−m, m)
                raise ExactMDError(f"the plan's outcome {x!r} at {th!r} is not budget balanced")
        q, M = f.allocation_prob(1, th), f.expected_transfer(1, th)
        lot: list[tuple[int, fmpq, fmpq]] = []
        if q != 1:
            lot.append((0, fmpq(0) if q != 0 else M, 1 - q))
        if q != 0:
            lot.append((1, M / q, q))
        out.append(((th[0], th[1]), lot))
    return out


def _rows_json(rows: Sequence[Row]) -> list[dict[str, Any]]:
    return [{"profile": [fmt(th[0]), fmt(th[1])],
             "lottery": [{"trade": str(a), "payment": fmt(m), "probability": fmt(q)} for a, m, q in lot]} for th, lot in rows]


@dataclass(frozen=True)
class ReversionWitness:
    """The plan (the direct mechanism of max v under IC, ex post IR, BB), the certified
    second best V, the plan's value and signals, and every failed condition (none: σ_r is
    a witness of Theorem 2 on the instance)."""

    instance: tuple[int, Any, Any]
    second_best: Any
    plan: Any
    value: fmpq
    signals: list[dict[str, str]]
    failures: list[str]

    @property
    def ok(self) -> bool:
        return not self.failures


def reversion_witness(K: int, buyer_prior: Any = "uniform", seller_prior: Any = "uniform", *, second: Any = None) -> ReversionWitness:
    """Search the plans for σ_r: the direct mechanism of an optimum of max v under IC, ex post
    IR and BB (exact LP), checked against the second best ``second`` (computed if not given).

    >>> w = reversion_witness(1)
    >>> w.ok, str(w.value)
    (True, '1/4')
    """
    env = bilateral_trade(K, buyer_prior, seller_prior)
    second = second if second is not None else optimal_mechanism(env, _SECOND_BEST, "planner")
    plan = optimal_mechanism(env, ["IC", "ex-post-IR", "BB"], "planner")
    rows = _rows(env, plan.mechanism)
    T = grid(K)
    value, signals, fails = _check_plan(T, named_prior(K, buyer_prior), named_prior(K, seller_prior), rows, second.value)
    return ReversionWitness((K, buyer_prior, seller_prior), second, plan, value, signals, fails)


def reversion_certificate(w: ReversionWitness) -> dict[str, Any]:
    """The ``exactmd-reversion-witness/1`` document of a witness search."""
    K, b, s = w.instance
    env = bilateral_trade(K, b, s)
    rows = _rows(env, w.plan.mechanism)
    return {
        "format": REVERSION_FORMAT, "K": K, "buyer prior": _prior_json(b), "seller prior": _prior_json(s),
        "second best": w.second_best.certificate, "second best value": fmt(w.second_best.value),
        "plan": _rows_json(rows), "value": fmt(w.value), "signals": w.signals, "failures": w.failures,
        "statement": _statement(env.name, w.second_best.value, w.value, w.signals, w.failures),
    }


def _number(s: Any, field: str) -> fmpq:
    _need(isinstance(s, str) and len(s) <= 64, f"{field!r} must be an exact number written as a string")
    q = Q(s, name=field)
    _need(fmt(q) == s, f"{field!r} = {s!r} is not written canonically ({fmt(q)!r})")
    return q


def _same(doc: Mapping[str, Any], key: str, value: Any) -> None:
    if json.dumps(doc[key], sort_keys=True, ensure_ascii=False) != json.dumps(value, sort_keys=True, ensure_ascii=False):
        raise _Fail(f"{key!r}: the file says {json.dumps(doc[key], ensure_ascii=False)[:80]}, recomputed "
                    f"{json.dumps(value, ensure_ascii=False)[:80]}")


def _read_rows(doc: Mapping[str, Any], T: Sequence[fmpq]) -> list[Row]:
    plan = doc["plan"]
    want = [(a, b) for a in T for b in T]
    _need(isinstance(plan, list) and len(plan) == len(want), f"'plan' must list the {len(want)} profiles of the grid once each")
    rows: list[Row] = []
    for k, (row, th) in enumerate(zip(plan, want)):
        _need(isinstance(row, Mapping) and set(row) == {"profile", "lottery"}, f"'plan'[{k}] must have the keys profile and lottery")
        _need(row["profile"] == [fmt(th[0]), fmt(th[1])], f"'plan'[{k}]: profile {row['profile']!r} is not ({fmt(th[0])},{fmt(th[1])}) (grid order)")
        lot = row["lottery"]
        _need(isinstance(lot, list) and 0 < len(lot) <= 8, f"'plan'[{k}]: lottery must list 1 to 8 outcomes")
        out = []
        for e in lot:
            _need(isinstance(e, Mapping) and set(e) == {"trade", "payment", "probability"},
                  f"'plan'[{k}]: an outcome must have the keys trade, payment, probability")
            _need(e["trade"] in ("0", "1"), f"'plan'[{k}]: trade {e['trade']!r} must be '0' or '1'")
            out.append((int(e["trade"]), _number(e["payment"], f"plan[{k}] payment"), _number(e["probability"], f"plan[{k}] probability")))
        _need(out == sorted(out) and len({(a, m) for a, m, _ in out}) == len(out), f"'plan'[{k}]: outcomes must be listed once each, in order")
        rows.append((th, out))
    return rows


def _verify(doc: Mapping[str, Any]) -> str:
    for k in doc:
        _need(k in _KEYS, f"unknown key {k!r} in a reversion certificate")
    for k in _KEYS:
        _need(k in doc, f"missing key {k!r} in a reversion certificate")
    K = doc["K"]
    _need(isinstance(K, int) and not isinstance(K, bool) and 1 <= K <= MAX_K, f"'K' = {K!r} must be an integer from 1 to {MAX_K}")
    priors = []
    for key in ("buyer prior", "seller prior"):
        pr = doc[key]
        if isinstance(pr, list):
            _need(len(pr) == K + 1, f"{key!r} must list {K + 1} masses")
            pr = [fmt(_number(x, key)) for x in pr]
        else:
            _need(pr in ("uniform", "increasing", "decreasing"), f"{key!r} = {pr!r} must be a named prior or a list of masses")
        priors.append(pr)
    env = bilateral_trade(K, priors[0], priors[1])
    T = grid(K)
    sb = doc["second best"]
    _need(isinstance(sb, Mapping), "'second best' must be a mechanism certificate")
    ok, why = verify_mechanism_certificate(sb)
    _need(ok, f"'second best': the certificate does not hold: {why}")
    _need(Environment.from_dict(sb["environment"], source="certificate").to_dict() == env.to_dict(),
          "'second best' is for another environment than the grid and priors of 'K', 'buyer prior', 'seller prior'")
    _need(sb.get("constraints") == _SECOND_BEST and sb.get("objective") == "planner" and sb.get("sense") == "max"
          and sb.get("belief") is None, "'second best' is not max v over IC, interim IR, ex post BB under the prior")
    _need(isinstance(sb.get("lp"), Mapping) and sb["lp"].get("status") == "optimal", "'second best': its LP is not solved to optimality")
    V = Q(sb["lp"]["value"])
    _same(doc, "second best value", fmt(V))
    rows = _read_rows(doc, T)
    value, signals, fails = _check_plan(T, named_prior(K, priors[0]), named_prior(K, priors[1]), rows, V)
    _same(doc, "failures", fails)  # first: a tampered plan is named by the condition it breaks
    _same(doc, "value", fmt(value))
    _same(doc, "signals", signals)
    stmt = _statement(env.name, V, value, signals, fails)
    _need(doc["statement"] == stmt, f"'statement' is not what was checked: the file says {str(doc['statement'])[:100]!r}")
    return f"{stmt} [recomputed: {len(rows)} profiles, IC for {2 * len(T) * (len(T) - 1)} misreports, {len(signals)} signals]"


def verify_reversion_certificate(doc: Mapping[str, Any]) -> tuple[bool, str]:
    """``(True, verdict)`` iff the document holds, recomputed from K, the priors and the
    plan's rows: the second best's mechanism certificate is valid, of this environment, for
    IC + interim IR + BB; the plan's value, signals, failures and statement are recomputed
    and compared (a mismatch names the field).  A document whose recomputed failures are
    non-empty verifies as what it is: a plan that is not a witness."""
    try:
        if not isinstance(doc, Mapping):
            return False, "a reversion certificate must be a JSON object"
        if doc.get("format") != REVERSION_FORMAT:
            return False, f"format {doc.get('format')!r} is not {REVERSION_FORMAT!r}"
        return True, _verify(doc)
    except _Fail as ex:
        return False, str(ex)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as ex:
        return False, f"malformed reversion certificate: {type(ex).__name__}: {ex}"
    except ExactMDError as ex:
        return False, f"the certificate does not hold: {ex}"
    except RecursionError:
        return False, "malformed reversion certificate: nested too deeply"
