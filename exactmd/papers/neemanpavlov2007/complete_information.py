"""Neeman–Pavlov (2007), §3: renegotiation-proof mechanisms under complete information; Lemma 1.

The environment is an :class:`~exactmd.environment.Environment` of kind
``"quasilinear"``: players N, a finite set A of social alternatives, states
θ ∈ Θ = Θ_1 × … × Θ_n (complete information: the state is common knowledge among
the players, its prior is irrelevant here) and payoffs u_i = v_i(a, θ) + t_i.

**Mechanisms.**  A direct mechanism asks every player to report the *state*: a report
profile is r = (θ̂¹, …, θ̂ⁿ) ∈ Θⁿ, and the mechanism gives a lottery q[· | r] over A and
transfers t[r] ∈ ℚⁿ (Example 1 (continued) tabulates exactly these for two players).
Only report profiles reached by truth-telling or by one player's unilateral lie carry
constraints; the LP has variables for those profiles only.

**Ex post renegotiation-proofness as linear constraints** (the proof of Proposition 2
and Example 1 (continued)), for every state θ:

* ``EFF[θ]`` — the truthful outcome is ex post efficient: Σ_{a ∉ argmax Σ_i v_i(·, θ)}
  q[a | θ, …, θ] = 0 (Lemma 1: otherwise an alternative that strictly benefits every
  player exists);
* ``BB[r]`` — Σ_i t_i[r] = 0 (``budget="balanced"``, the mechanisms of Propositions
  1–2) or ≤ 0 (``budget="feasible"``, §2's feasibility);
* ``C1[θ]`` (``budget="feasible"`` only) — Σ_i t_i[θ, …, θ] = 0: condition 1 of the
  definition, since money left over at the truthful outcome can be handed back, a
  feasible alternative that Pareto dominates it (with ``budget="balanced"`` ``BB`` gives it);
* ``RP[i: θ -> θ']`` — player i gains nothing by reporting θ' and then renegotiating
  to the efficient outcome, capturing the surplus S(θ) = max_a Σ_j v_j(a, θ) net of the
  others' utilities at the misreport's outcome:
  U_i(θ, …, θ; θ) ≥ S(θ) − Σ_{j≠i} U_j(θ, …, θ', …, θ; θ),
  where U_j(r; θ) = Σ_a q[a | r] v_j(a, θ) + t_j[r].  (This row implies the plain
  incentive constraint, since the others' utilities plus i's own at any outcome sum
  to at most S(θ) under budget balance.)

Every answer is an exact LP with its certificate: a witness mechanism or a Farkas proof
that none exists (:func:`renegotiation_proof_mechanism`), the exact range of every
variable over the renegotiation-proof set and the rows that bind throughout
(:func:`rp_shape`); a given mechanism's violated rows (:func:`check_rp`); and Lemma 1's
Pareto-improving renegotiation of an inefficient outcome (:func:`pareto_improvement`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.certificates import verify_document
from exactmd.environment import Environment
from exactmd.errors import CertificateError, ModelError
from exactmd.lp import LinExpr, Model
from exactmd.lp.solution import LPResult, dump_json
from exactmd.rational import Q, fmt

from .document import RP_FORMAT, _lp_statement
from .welfare import _require_quasilinear, efficient_alternatives, surplus


BUDGETS = ("balanced", "feasible")


# ---------------------------------------------------------------------------------
# report profiles, variables and the LP
def _reports(env: Environment) -> list[tuple[int, ...]]:
    """Report profiles (state indices, one per player) reached by truth-telling or one lie."""
    S = len(env.profiles())
    out: dict[tuple[int, ...], None] = {}
    for k in range(S):
        out[(k,) * env.n] = None
    for k in range(S):
        for i in range(env.n):
            for k2 in range(S):
                if k2 != k:
                    out[(k,) * i + (k2,) + (k,) * (env.n - i - 1)] = None
    return list(out)


def _rlabel(env: Environment, r: Sequence[int]) -> str:
    states = env.profiles()
    return ";".join(profile_label(states[k]) for k in r)


def qname(env: Environment, a: Any, r: Sequence[int]) -> str:
    return f"q[{label(a)}|{_rlabel(env, r)}]"


def tname(env: Environment, i: int, r: Sequence[int]) -> str:
    return f"t[{env.agents[i]}|{_rlabel(env, r)}]"


def _U(env: Environment, i: int, r: Sequence[int], th: tuple) -> LinExpr:
    """U_i(r; θ) = Σ_a q[a | r] v_i(a, θ) + t_i[r], a linear expression."""
    terms = {qname(env, a, r): env.valuation(i, a, th) for a in env.outcomes}
    terms[tname(env, i, r)] = fmpq(1)
    return LinExpr({v: c for v, c in terms.items() if c != 0})


def _lotteries_and_transfers(m: Model, env: Environment, keys: Sequence[Any], qn: Any, tn: Any, lab: Any, budget: str) -> None:
    """For every key (report profile or state): variables q[a | key] ∈ [0, 1] and free
    t_i[key], then the rows prob[key] (Σ_a q = 1) and BB[key] (Σ_i t_i = 0, or ≤ 0)."""
    for key in keys:
        for a in env.outcomes:
            m.var(qn(a, key), 0, 1)
        for i in range(env.n):
            m.var(tn(i, key), None, None)
    for key in keys:
        m.add_row(f"prob[{lab(key)}]", {qn(a, key): 1 for a in env.outcomes}, "==", 1)
        m.add_row(f"BB[{lab(key)}]", {tn(i, key): 1 for i in range(env.n)}, "==" if budget == "balanced" else "<=", 0)


def rp_model(env: Environment, budget: str = "balanced") -> Model:
    """The LP of ex post renegotiation-proof direct mechanisms (module docstring), no objective."""
    _require_quasilinear(env)
    if budget not in BUDGETS:
        raise ModelError(f"budget={budget!r} must be one of {', '.join(BUDGETS)}")
    states = env.profiles()
    m = Model("max")
    reps = _reports(env)
    _lotteries_and_transfers(m, env, reps, lambda a, r: qname(env, a, r), lambda i, r: tname(env, i, r),
                             lambda r: _rlabel(env, r), budget)
    for k, th in enumerate(states):
        diag = (k,) * env.n
        eff = set(efficient_alternatives(env, th))
        bad = {qname(env, a, diag): 1 for a in env.outcomes if a not in eff}
        if bad:
            m.add_row(f"EFF[{profile_label(th)}]", bad, "==", 0)
        if budget == "feasible":  # condition 1: money left over at the truthful outcome is a Pareto improvement
            m.add_row(f"C1[{profile_label(th)}]", {tname(env, i, diag): 1 for i in range(env.n)}, "==", 0)
    for k, th in enumerate(states):
        diag = (k,) * env.n
        s = surplus(env, th)
        for i in range(env.n):
            for k2, th2 in enumerate(states):
                if k2 == k:
                    continue
                dev = (k,) * i + (k2,) + (k,) * (env.n - i - 1)
                lhs = _U(env, i, diag, th)
                for j in range(env.n):
                    if j != i:
                        lhs = lhs + _U(env, j, dev, th)
                m.add(lhs >= s, name=f"RP[{env.agents[i]}: {profile_label(th)} -> {profile_label(th2)}]")
    return m


# ---------------------------------------------------------------------------------
# mechanisms
@dataclass(frozen=True)
class DirectMechanism:
    """A direct mechanism in which every player reports the state: report profile
    (a tuple of states, one per player) → (lottery over A, transfer vector)."""

    env: Environment
    table: dict[tuple, tuple[dict[Any, fmpq], tuple[fmpq, ...]]]

    def __call__(self, reports: Sequence[tuple]) -> tuple[dict[Any, fmpq], tuple[fmpq, ...]]:
        return self.table[tuple(tuple(r) for r in reports)]

    def assignment(self) -> dict[str, fmpq]:
        """The LP variable values of this mechanism (on the reached report profiles)."""
        states = self.env.profiles()
        out: dict[str, fmpq] = {}
        for r in _reports(self.env):
            lot, t = self.table[tuple(states[k] for k in r)]
            for a in self.env.outcomes:
                out[qname(self.env, a, r)] = Q(lot.get(a, 0))
            for i in range(self.env.n):
                out[tname(self.env, i, r)] = Q(t[i])
        return out

    @classmethod
    def from_primal(cls, env: Environment, primal: Mapping[str, Any]) -> "DirectMechanism":
        states = env.profiles()
        table = {}
        for r in _reports(env):
            lot = {a: Q(primal[qname(env, a, r)]) for a in env.outcomes}
            table[tuple(states[k] for k in r)] = ({a: p for a, p in lot.items() if p != 0},
                                                  tuple(Q(primal[tname(env, i, r)]) for i in range(env.n)))
        return cls(env, table)

    @classmethod
    def from_dict(cls, env: Environment, d: Mapping[str, Any]) -> "DirectMechanism":
        """Inverse of :meth:`to_dict`: keys ``"θ̂¹;θ̂²;…"`` (profile labels)."""
        table = {}
        for key, body in d.items():
            rep = tuple(env.resolve_profile(part) for part in str(key).split(";"))
            if len(rep) != env.n:
                raise ModelError(f"report profile {key!r} has {len(rep)} reports, expected {env.n}")
            lot = {env.resolve_outcome(a): Q(p) for a, p in body["lottery"].items()}
            t = tuple(Q(x) for x in body["transfers"])
            if len(t) != env.n:
                raise ModelError(f"transfers at {key!r} have {len(t)} entries, expected {env.n}")
            table[rep] = (lot, t)
        return cls(env, table)

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for rep, (lot, t) in self.table.items():
            key = ";".join(profile_label(s) for s in rep)
            out[key] = {"lottery": {label(a): fmt(p) for a, p in lot.items()}, "transfers": [fmt(x) for x in t]}
        return out


@dataclass(frozen=True)
class RPViolation:
    """A violated row of the renegotiation-proofness LP at a given mechanism."""

    row: str
    amount: fmpq  # how much the row fails by (> 0); for RP rows: the liar's exact gain

    def __str__(self) -> str:
        what = "gain from lying and renegotiating" if self.row.startswith("RP[") else "violated by"
        return f"{self.row}: {what} {fmt(self.amount)}"


def rp_slacks(mechanism: DirectMechanism, budget: str = "balanced") -> dict[str, fmpq]:
    """The exact slack of every row of :func:`rp_model` at the mechanism (≥ 0 iff the
    row holds; for ``==`` rows minus the absolute gap)."""
    m = rp_model(mechanism.env, budget)
    x = mechanism.assignment()
    out = {}
    for name, co, op, b in m.rows():
        lhs = sum((c * x[v] for v, c in co.items()), fmpq(0))
        out[name] = lhs - b if op == ">=" else (b - lhs if op == "<=" else -abs(lhs - b))
    return out


def check_rp(mechanism: DirectMechanism, budget: str = "balanced") -> tuple[RPViolation, ...]:
    """Every violated row of :func:`rp_model` at the mechanism, with its exact amount
    (empty iff the mechanism is ex post renegotiation-proof, budget condition included)."""
    return tuple(RPViolation(name, -s) for name, s in rp_slacks(mechanism, budget).items() if s < 0)


# ---------------------------------------------------------------------------------
# results with certificates
@dataclass(frozen=True)
class RPResult:
    """An answer about the renegotiation-proof set, with its certificate."""

    question: str
    status: str
    value: fmpq | None
    mechanism: DirectMechanism | None
    lp: LPResult
    certificate: dict[str, Any]

    def verify(self) -> None:
        # through the kernel's registry: this paper's verifier (certificates.py) sits above this module
        ok, why = verify_document(self.certificate)
        if not ok:
            raise CertificateError(why)

    def to_json(self) -> str:
        return dump_json(self.certificate)


def _objective_terms(objective: Mapping[str, Any] | None) -> dict[str, str]:
    return {} if not objective else {v: fmt(Q(c)) for v, c in objective.items()}


def _solve(env: Environment, question: str, budget: str, objective: Mapping[str, Any] | None, sense: str) -> RPResult:
    m = rp_model(env, budget)
    if objective:
        m.sense = sense
        m.set_objective(LinExpr({v: Q(c) for v, c in objective.items()}))
    res = m.solve()
    status = res.status.value
    mech = DirectMechanism.from_primal(env, res.primal) if res.primal is not None else None
    value = res.value if status == "optimal" and objective else None
    terms = _objective_terms(objective)
    cert = {
        "format": RP_FORMAT,
        "question": question,
        "statement": _lp_statement(env, "complete", budget, terms, sense, status, value),
        "environment": env.to_dict(),
        "budget": budget,
        "objective": terms,
        "sense": sense,
        "lp": res.certificate(),
    }
    return RPResult(question, status, value, mech, res, cert)


def renegotiation_proof_mechanism(env: Environment, budget: str = "balanced") -> RPResult:
    """An ex post renegotiation-proof direct mechanism (``status == "optimal"``, witness in
    ``.mechanism``), or ``status == "infeasible"`` with a Farkas certificate that none exists."""
    return _solve(env, "exists", budget, None, "max")


def rp_range(env: Environment, expr: Mapping[str, Any], budget: str = "balanced") -> tuple[RPResult, RPResult]:
    """(min, max) of the linear expression ``expr`` (variable → coefficient) over the
    renegotiation-proof set, each an LP answer with its certificate."""
    if not expr:
        raise ModelError("rp_range needs a non-empty expression (variable -> coefficient)")
    return _solve(env, "min", budget, expr, "min"), _solve(env, "max", budget, expr, "max")


@dataclass(frozen=True)
class Shape:
    """The renegotiation-proof set, variable by variable: exact ranges and binding rows."""

    feasible: RPResult
    ranges: dict[str, tuple[fmpq, fmpq]]
    forced: dict[str, fmpq]  # variables with min = max
    binding: tuple[str, ...]  # inequality rows that hold with equality at every RP mechanism
    results: tuple[RPResult, ...]


def rp_shape(env: Environment, budget: str = "balanced", variables: Iterable[str] | None = None) -> Shape:
    """For each mechanism variable its exact min and max over the renegotiation-proof set,
    the forced ones, and the RP rows that bind throughout (max slack 0).  If the set is
    empty the shape is empty and ``feasible`` holds the Farkas certificate."""
    feas = renegotiation_proof_mechanism(env, budget)
    if feas.status != "optimal":
        return Shape(feas, {}, {}, (), (feas,))
    m = rp_model(env, budget)
    names = list(variables) if variables is not None else m.variable_names()
    ranges: dict[str, tuple[fmpq, fmpq]] = {}
    forced: dict[str, fmpq] = {}
    results = [feas]
    for v in names:
        lo, hi = rp_range(env, {v: 1}, budget)
        results += [lo, hi]
        if lo.status == "optimal" and hi.status == "optimal":
            # an optimal answer to a question with an objective has a value (_solve)
            assert lo.value is not None and hi.value is not None
            ranges[v] = (lo.value, hi.value)
            if lo.value == hi.value:
                forced[v] = lo.value
    binding = []
    for name, co, op, b in m.rows():
        if op == "==":
            continue
        # slack of a ">=" row is co·x − b ≥ 0; it binds throughout iff its max is b
        _, hi = rp_range(env, co if op == ">=" else {v: -c for v, c in co.items()}, budget)
        results.append(hi)
        if hi.status == "optimal" and hi.value == (b if op == ">=" else -b):
            binding.append(name)
    return Shape(feas, ranges, forced, tuple(binding), tuple(results))


# ---------------------------------------------------------------------------------
# Lemma 1: an inefficient outcome has a Pareto-improving feasible alternative
def pareto_improvement(env: Environment, th: tuple, lottery: Mapping[Any, Any], t: Sequence[Any]) -> tuple[Any, tuple[fmpq, ...]] | None:
    """For the outcome (lottery, t) in state θ: ``None`` if it is efficient with Σ t = 0;
    else an alternative (a*, t') with Σ t' ≤ 0 that every player strictly prefers
    (Lemma 1's renegotiation), with exact transfers."""
    a_star = efficient_alternatives(env, th)[0]
    u = [sum((Q(p) * env.valuation(i, a, th) for a, p in lottery.items()), fmpq(0)) + Q(t[i]) for i in range(env.n)]
    gain = surplus(env, th) - sum(u, fmpq(0))  # ≥ 0 whenever Σ t ≤ 0
    if gain <= 0:
        return None
    share = gain / (2 * env.n)
    t2 = tuple(u[i] - env.valuation(i, a_star, th) + share for i in range(env.n))
    return a_star, t2
