"""Renegotiation-proof mechanisms under complete information (Neeman–Pavlov 2007, §3).

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
* ``RP[i: θ -> θ']`` — player i gains nothing by reporting θ' and then renegotiating
  to the efficient outcome, capturing the surplus S(θ) = max_a Σ_j v_j(a, θ) net of the
  others' utilities at the misreport's outcome:
  U_i(θ, …, θ; θ) ≥ S(θ) − Σ_{j≠i} U_j(θ, …, θ', …, θ; θ),
  where U_j(r; θ) = Σ_a q[a | r] v_j(a, θ) + t_j[r].  (This row implies the plain
  incentive constraint, since the others' utilities plus i's own at any outcome sum
  to at most S(θ) under budget balance.)

Everything here is an exact LP with its certificate: a witness mechanism or a Farkas
proof that none exists (:func:`renegotiation_proof_mechanism`), the exact range of every
variable over the renegotiation-proof set and the rows that bind throughout
(:func:`rp_shape`), VCG mechanisms (:func:`vcg_mechanism`, :func:`is_vcg`), Proposition
2 in both directions (:func:`proposition_2`) and the punishment mechanism of
Proposition 1 (:func:`punishment_mechanism`, :func:`proposition_1`).

Certificates are ``exactmd-renegotiation-certificate/1`` documents: the environment,
the question and the LP certificate; :func:`verify_rp_certificate` rebuilds the LP
from the environment alone and re-checks the LP certificate (``exactmd verify``).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from .belief import label, profile_label, resolve_type
from .environment import Environment
from .errors import CertificateError, ExactMDError, ModelError
from .lp import LinExpr, Model
from .lp.solution import LPResult
from .rational import Q, fmt

__all__ = [
    "RP_FORMAT",
    "ex_post_ir_deterministic",
    "switching_equilibrium",
    "deviation_gain",
    "oracle_rp_against",
    "random_rp_model",
    "random_mechanism_from",
    "first_breaking_psi",
    "example_5_environment",
    "DirectMechanism",
    "RPResult",
    "RPViolation",
    "efficient_alternatives",
    "surplus",
    "rp_model",
    "check_rp",
    "rp_slacks",
    "renegotiation_proof_mechanism",
    "rp_range",
    "rp_shape",
    "vcg_mechanism",
    "is_vcg",
    "bb_vcg_exists",
    "embed_type_mechanism",
    "proposition_2",
    "punishment_mechanism",
    "proposition_1",
    "pareto_improvement",
    "oracle_rp_model",
    "rp_against_psi",
    "rp_against_all_psi",
    "rp_against_psi_any_equilibrium",
    "oracle_deviation_gain",
    "switching_equilibrium_uninformed",
    "voting_certificate",
    "check_certificate",
    "enumeration_certificate",
    "vcg_in_expectation_rows",
    "proposition_3",
    "vcge_model",
    "model_for",
    "solve_certified",
    "verify_rp_certificate",
]

RP_FORMAT = "exactmd-renegotiation-certificate/1"
BUDGETS = ("balanced", "feasible")


# ---------------------------------------------------------------------------------
# the environment's efficient alternatives
def _require_quasilinear(env: Environment) -> None:
    if env.kind != "quasilinear":
        raise ModelError("renegotiation-proofness (Neeman–Pavlov §2) needs a quasi-linear environment: "
                         "build it with Environment.quasilinear")


def _welfare(env: Environment, a: Any, th: tuple) -> fmpq:
    return sum((env.valuation(i, a, th) for i in range(env.n)), fmpq(0))


def surplus(env: Environment, th: tuple) -> fmpq:
    """S(θ) = max_{a ∈ A} Σ_i v_i(a, θ) (proof of Proposition 2)."""
    return max(_welfare(env, a, th) for a in env.outcomes)


def efficient_alternatives(env: Environment, th: tuple) -> list[Any]:
    """argmax_{a ∈ A} Σ_i v_i(a, θ), in the order of A."""
    s = surplus(env, th)
    return [a for a in env.outcomes if _welfare(env, a, th) == s]


def _unique_maximizer(env: Environment) -> bool:
    return all(len(efficient_alternatives(env, th)) == 1 for th in env.profiles())


def _private_values(env: Environment) -> bool:
    for i in range(env.n):
        for a in env.outcomes:
            seen: dict[Any, fmpq] = {}
            for th in env.profiles():
                v = env.valuation(i, a, th)
                if seen.setdefault(th[i], v) != v:
                    return False
    return True


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
    for name, co, op, b in m._rows:
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
        ok, why = verify_rp_certificate(self.certificate)
        if not ok:
            raise CertificateError(why)

    def to_json(self) -> str:
        from .lp.solution import dump_json

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
    names = list(variables) if variables is not None else list(m._vars)
    ranges, forced, results = {}, {}, [feas]
    for v in names:
        lo, hi = rp_range(env, {v: 1}, budget)
        results += [lo, hi]
        if lo.status == "optimal" and hi.status == "optimal":
            ranges[v] = (lo.value, hi.value)
            if lo.value == hi.value:
                forced[v] = lo.value
    binding = []
    for name, co, op, b in m._rows:
        if op == "==":
            continue
        # slack of a ">=" row is co·x − b ≥ 0; it binds throughout iff its max is b
        _, hi = rp_range(env, co if op == ">=" else {v: -c for v, c in co.items()}, budget)
        results.append(hi)
        if hi.status == "optimal" and hi.value == (b if op == ">=" else -b):
            binding.append(name)
    return Shape(feas, ranges, forced, tuple(binding), tuple(results))


# ---------------------------------------------------------------------------------
# VCG mechanisms (players report their own types)
def _efficient_rule(env: Environment) -> dict[tuple, Any]:
    if not _unique_maximizer(env):
        raise ModelError("this needs a unique welfare-maximising alternative in every state (Neeman–Pavlov's 'Unique Maximizer')")
    return {th: efficient_alternatives(env, th)[0] for th in env.profiles()}


def vcg_mechanism(env: Environment, h: Mapping[int, Mapping[tuple, Any]] | None = None) -> dict[tuple, tuple[Any, tuple[fmpq, ...]]]:
    """A VCG mechanism with type reports: a(θ) efficient, t_i(θ) = Σ_{j≠i} v_j(a(θ), θ) + h_i(θ_-i)
    (Neeman–Pavlov §3.1).  ``h[i]`` maps θ_-i (a tuple) to a number; default 0."""
    a = _efficient_rule(env)
    out = {}
    for th in env.profiles():
        t = []
        for i in range(env.n):
            rest = th[:i] + th[i + 1:]
            hi = Q((h or {}).get(i, {}).get(rest, 0))
            t.append(sum((env.valuation(j, a[th], th) for j in range(env.n) if j != i), fmpq(0)) + hi)
        out[th] = (a[th], tuple(t))
    return out


def is_vcg(env: Environment, mech: Mapping[tuple, tuple[Any, Sequence[Any]]]) -> bool:
    """Whether a type-report mechanism θ ↦ (a, t) is VCG: a efficient and
    t_i(θ) − Σ_{j≠i} v_j(a(θ), θ) independent of θ_i, for every i."""
    for th in env.profiles():
        if mech[th][0] not in efficient_alternatives(env, th):
            return False
    for i in range(env.n):
        h: dict[tuple, fmpq] = {}
        for th in env.profiles():
            a, t = mech[th]
            rest = th[:i] + th[i + 1:]
            val = Q(t[i]) - sum((env.valuation(j, a, th) for j in range(env.n) if j != i), fmpq(0))
            if h.setdefault(rest, val) != val:
                return False
    return True


def bb_vcg_exists(env: Environment) -> tuple[bool, LPResult]:
    """Whether some budget-balanced VCG mechanism exists: h_i(θ_-i) with
    Σ_i [Σ_{j≠i} v_j(a(θ), θ) + h_i(θ_-i)] = 0 for every θ — an exact LP, with certificate."""
    a = _efficient_rule(env)
    m = Model("max")
    hv: dict[tuple[int, tuple], str] = {}
    for i in range(env.n):
        for th in env.profiles():
            rest = th[:i] + th[i + 1:]
            if (i, rest) not in hv:
                hv[(i, rest)] = m.var(f"h[{env.agents[i]}|{profile_label(rest)}]", None, None).name
    for th in env.profiles():
        const = sum((env.valuation(j, a[th], th) for i in range(env.n) for j in range(env.n) if j != i), fmpq(0))
        m.add_row(f"BB[{profile_label(th)}]", {hv[(i, th[:i] + th[i + 1:])]: 1 for i in range(env.n)}, "==", -const)
    res = m.solve()
    return res.status.value == "optimal", res


def embed_type_mechanism(env: Environment, mech: Mapping[tuple, tuple[Any, Sequence[Any]]]) -> DirectMechanism:
    """The state-report mechanism that uses only each player's report of its *own* type:
    r = (θ̂¹, …, θ̂ⁿ) ↦ mech(θ̂¹_1, …, θ̂ⁿ_n)."""
    states = env.profiles()
    table = {}
    for r in _reports(env):
        own = tuple(states[r[i]][i] for i in range(env.n))
        a, t = mech[own]
        table[tuple(states[k] for k in r)] = ({a: fmpq(1)}, tuple(Q(x) for x in t))
    return DirectMechanism(env, table)


# ---------------------------------------------------------------------------------
# Proposition 2 (two players): budget balanced + ex post RP  ⟺  VCG
@dataclass(frozen=True)
class Prop2Report:
    """Proposition 2 decided on one instance, both directions, with their evidence."""

    applicable: bool
    why_not: str
    if_holds: bool | None  # every BB VCG mechanism is ex post RP
    only_if_holds: bool | None  # every BB ex post RP mechanism is (the embedding of) a VCG mechanism
    bb_vcg: LPResult | None
    rp: RPResult | None
    checks: tuple[RPResult, ...]
    counterexample: str = ""


def _free_h_rp_model(env: Environment) -> tuple[Model, list[str]]:
    """The RP rows over the BB VCG mechanisms with h free (a linear family), for the IF direction."""
    a = _efficient_rule(env)
    states = env.profiles()
    m = Model("max")
    hv: dict[tuple[int, tuple], str] = {}
    for i in range(env.n):
        for th in states:
            rest = th[:i] + th[i + 1:]
            if (i, rest) not in hv:
                hv[(i, rest)] = m.var(f"h[{env.agents[i]}|{profile_label(rest)}]", None, None).name
    for th in states:
        const = sum((env.valuation(j, a[th], th) for i in range(env.n) for j in range(env.n) if j != i), fmpq(0))
        m.add_row(f"BB[{profile_label(th)}]", {hv[(i, th[:i] + th[i + 1:])]: 1 for i in range(env.n)}, "==", -const)
    return m, list(hv.values())


def proposition_2(env: Environment) -> Prop2Report:
    """Decide Proposition 2 on a two-player instance with private values and unique maximizers.

    IF: the slack of every RP row is computed at the embedding of the VCG mechanism with
    h as free variables, restricted to budget balance; its minimum over that affine
    family (an exact LP) must be ≥ 0.  ONLY IF: over the set of BB ex post RP
    mechanisms, the LP ranges of (i) q[a | r] − q[a | own reports], (ii) t_i[r] − t_i[own
    reports] and (iii) the VCG residual t_1(θ) − v_2(a(θ), θ) − [t_1(θ'_1, θ_2) − v_2(a(θ'_1, θ_2), θ)]
    (and symmetrically for player 2) must all be {0}.  An empty RP set makes ONLY IF
    vacuous (Farkas certificate); then IF needs the BB VCG set to be empty too.
    """
    if env.n != 2:
        return Prop2Report(False, f"{env.n} players; Proposition 2 is about two", None, None, None, None, ())
    if not _private_values(env):
        return Prop2Report(False, "values are not private", None, None, None, None, ())
    if not _unique_maximizer(env):
        return Prop2Report(False, "some state has two welfare-maximising alternatives", None, None, None, None, ())
    states = env.profiles()
    exists, bbres = bb_vcg_exists(env)
    rp = renegotiation_proof_mechanism(env)
    checks: list[RPResult] = [rp]
    # IF
    if_holds = True
    counter = ""
    if exists:
        # The BB VCG mechanisms are h* + c·(1, −1) (h_1 ≡ h*_1 + c, h_2 ≡ h*_2 − c); every RP
        # slack is affine in c, so all of them are RP iff each slack has slope 0 in c and
        # is ≥ 0 at c = 0.
        h0, h1 = _h_family(env, bbres)
        s0 = rp_slacks(embed_type_mechanism(env, vcg_mechanism(env, h0)))
        s1 = rp_slacks(embed_type_mechanism(env, vcg_mechanism(env, h1)))
        for row, a in s0.items():
            slope = s1[row] - a
            if a < 0 or slope != 0:
                if_holds = False
                c = fmpq(0) if a < 0 else (-a / slope - (1 if slope > 0 else -1))
                counter = (f"the BB VCG mechanism h* + {fmt(c)}·(1, −1) (h* = {_hfmt(h0)}) violates {row} "
                           f"by {fmt(-(a + c * slope))}")
                break
    # ONLY IF
    only_if = True
    if rp.status == "optimal":
        a = _efficient_rule(env)
        for r in _reports(env):
            own = tuple(states[r[i]][i] for i in range(env.n))
            kown = states.index(own)
            diag = (kown,) * env.n
            if r == diag:
                continue
            exprs = [{qname(env, x, r): 1, qname(env, x, diag): -1} for x in env.outcomes]
            exprs += [{tname(env, i, r): 1, tname(env, i, diag): -1} for i in range(env.n)]
            for e in exprs:
                lo, hi = rp_range(env, e)
                checks += [lo, hi]
                if lo.value != 0 or hi.value != 0:
                    only_if = False
                    counter = counter or f"an RP mechanism uses cross reports: {' − '.join(e)} ranges over [{fmt(lo.value)}, {fmt(hi.value)}]"
        for i in range(2):
            j = 1 - i
            for th in states:
                for th2 in states:
                    if th2[j] != th[j] or th2[i] == th[i]:
                        continue
                    k, k2 = states.index(th), states.index(th2)
                    e = {tname(env, i, (k, k)): 1, tname(env, i, (k2, k2)): -1}
                    const = env.valuation(j, a[th], th) - env.valuation(j, a[th2], th2)
                    lo, hi = rp_range(env, e)
                    checks += [lo, hi]
                    if lo.value != const or hi.value != const:
                        only_if = False
                        counter = counter or (f"t_{env.agents[i]} differs from VCG: t({profile_label(th)}) − t({profile_label(th2)}) "
                                              f"ranges over [{fmt(lo.value)}, {fmt(hi.value)}], VCG needs {fmt(const)}")
    else:
        if exists:
            if_holds = False  # a BB VCG mechanism exists but no BB RP mechanism does
            counter = counter or "a budget-balanced VCG mechanism exists but no renegotiation-proof one"
    return Prop2Report(True, "", if_holds, only_if, bbres, rp, tuple(checks), counter)


def _h_family(env: Environment, bbres: LPResult) -> tuple[dict[int, dict[tuple, fmpq]], dict[int, dict[tuple, fmpq]]]:
    """h* (the LP's budget-balancing h) and h* + (1, −1)."""
    base: dict[int, dict[tuple, fmpq]] = {0: {}, 1: {}}
    idx = {f"h[{env.agents[i]}|{label(t)}]": (i, (t,)) for i in range(2) for t in env.types[1 - i]}
    for v, x in (bbres.primal or {}).items():
        i, rest = idx[v]
        base[i][rest] = x
    shifted = {0: {k: v + 1 for k, v in base[0].items()}, 1: {k: v - 1 for k, v in base[1].items()}}
    return base, shifted


def _hfmt(h: Mapping[int, Mapping[tuple, fmpq]]) -> str:
    return "; ".join(f"h_{i + 1}({profile_label(k)}) = {fmt(v)}" for i in h for k, v in h[i].items())


# ---------------------------------------------------------------------------------
# Proposition 1 (n ≥ 3): the punishment mechanism
def punishment_mechanism(env: Environment, decision: Mapping[tuple, Any], transfers: Mapping[tuple, Sequence[Any]],
                         M: Any, a0: Any = None) -> DirectMechanism:
    """The mechanism of the proof of Proposition 1: if players 1 and 2 report the same
    state θ the outcome is (a(θ), t(θ)); otherwise (a₀, −M, −M, 2M, 0, …, 0)."""
    if env.n < 3:
        raise ModelError(f"the punishment mechanism needs n ≥ 3 players, not {env.n}")
    M = Q(M, name="M")
    a0 = env.outcomes[0] if a0 is None else a0
    states = env.profiles()
    table = {}
    for r in _reports(env):
        rep = tuple(states[k] for k in r)
        if r[0] == r[1]:
            th = states[r[0]]
            table[rep] = ({decision[th]: fmpq(1)}, tuple(Q(x) for x in transfers[th]))
        else:
            table[rep] = ({a0: fmpq(1)}, (-M, -M, 2 * M) + (fmpq(0),) * (env.n - 3))
    return DirectMechanism(env, table)


def paper_M_bound(env: Environment, transfers: Mapping[tuple, Sequence[Any]]) -> fmpq:
    """max_{i, a, θ} |v_i(a, θ) + t_i(θ)|: the proof of Proposition 1 takes any M above it."""
    return max(abs(env.valuation(i, a, th) + Q(transfers[th][i]))
               for i in range(env.n) for a in env.outcomes for th in env.profiles())


def required_M(env: Environment, decision: Mapping[tuple, Any], transfers: Mapping[tuple, Sequence[Any]], a0: Any = None) -> fmpq:
    """The least M ≥ 0 at which the punishment mechanism is ex post RP.  Every row's
    slack is affine in M (slack(M) = slack(0) + M·(slack(1) − slack(0))), so this is
    exact: the largest M that some row needs."""
    s0 = rp_slacks(punishment_mechanism(env, decision, transfers, 0, a0))
    s1 = rp_slacks(punishment_mechanism(env, decision, transfers, 1, a0))
    need = fmpq(0)
    for row, a in s0.items():
        d = s1[row] - a
        if a < 0:
            if d <= 0:
                raise ModelError(f"row {row} fails at M = 0 and no larger M helps")
            need = max(need, -a / d)
    return need


@dataclass(frozen=True)
class Prop1Report:
    """Proposition 1 on one instance: the paper's M bound, the least M that works, and the
    check of the mechanism at both."""

    paper_bound: fmpq
    least_M: fmpq
    at_paper: tuple[RPViolation, ...]  # violations at M = paper bound + 1
    at_least: tuple[RPViolation, ...]  # violations at the least M (empty: RP, IC, BB)


def proposition_1(env: Environment, decision: Mapping[tuple, Any] | None = None,
                  transfers: Mapping[tuple, Sequence[Any]] | None = None, a0: Any = None) -> Prop1Report:
    """Build the punishment mechanism for an ex post efficient ``decision`` (default: the
    first efficient alternative) and budget-balanced ``transfers`` (default 0) and check
    it at M = (paper's bound) + 1 and at the least M that works."""
    if env.n < 3:
        raise ModelError(f"Proposition 1 needs n ≥ 3 players, not {env.n}")
    states = env.profiles()
    decision = decision or {th: efficient_alternatives(env, th)[0] for th in states}
    transfers = transfers or {th: (0,) * env.n for th in states}
    for th in states:
        if decision[th] not in efficient_alternatives(env, th):
            raise ModelError(f"decision {label(decision[th])} at {profile_label(th)} is not ex post efficient")
        if sum((Q(x) for x in transfers[th]), fmpq(0)) != 0:
            raise ModelError(f"transfers at {profile_label(th)} do not sum to 0")
    bound = paper_M_bound(env, transfers)
    least = required_M(env, decision, transfers, a0)
    at_paper = check_rp(punishment_mechanism(env, decision, transfers, bound + 1, a0))
    at_least = check_rp(punishment_mechanism(env, decision, transfers, least, a0))
    return Prop1Report(bound, least, at_paper, at_least)


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


# ---------------------------------------------------------------------------------
# §4.1.2: incomplete information, independent private values — oracle RP and Proposition 3
def _is_independent(env: Environment) -> bool:
    p = env.prior
    margs = [p.marginal(i) for i in range(env.n)]
    for th in env.profiles():
        prod = fmpq(1)
        for i, t in enumerate(th):
            prod *= margs[i][t]
        if p[th] != prod:
            return False
    return True


def ipv_qname(env: Environment, a: Any, th: tuple) -> str:
    return f"q[{label(a)}|{profile_label(th)}]"


def ipv_tname(env: Environment, i: int, th: tuple) -> str:
    return f"t[{env.agents[i]}|{profile_label(th)}]"


def _ipv_U(env: Environment, i: int, rep: tuple, th: tuple) -> dict[str, fmpq]:
    out = {ipv_qname(env, a, rep): env.valuation(i, a, th) for a in env.outcomes}
    out[ipv_tname(env, i, rep)] = fmpq(1)
    return out


def _acc(acc: dict[str, fmpq], terms: Mapping[str, fmpq], w: fmpq) -> None:
    for v, c in terms.items():
        acc[v] = acc.get(v, fmpq(0)) + w * c


def oracle_rp_model(env: Environment, budget: str = "balanced", interim_ir: bool = False) -> Model:
    """Direct mechanisms with type reports θ ↦ (q[· | θ], t[θ]) that are ex post *oracle*
    renegotiation-proof, by the characterization in the proof of Proposition 3 (IPV):

    * ``EFF[θ]``: truthful outcomes are ex post efficient (Lemma 2);
    * ``BB[θ]``: Σ_i t_i[θ] = 0 (or ≤ 0);
    * ``IR[i: θ_i]`` (only with ``interim_ir=True``; the paper imposes no participation
      constraint): Σ_{θ_-i} p(θ) U_i(θ; θ) ≥ 0;
    * ``ORP[i: θ_i -> θ'_i]``: Σ_{θ_-i} p(θ) U_i(θ; θ) ≥ Σ_{θ_-i} p(θ) [S(θ) − Σ_{j≠i} U_j(θ'_i, θ_-i; θ)]
      — type θ_i gains nothing by reporting θ'_i and letting the oracle renegotiate, state by
      state, to the efficient outcome while the others keep their utilities (the
      inequality before (16), multiplied by p_i(θ_i)).
    """
    _require_quasilinear(env)
    if budget not in BUDGETS:
        raise ModelError(f"budget={budget!r} must be one of {', '.join(BUDGETS)}")
    m = Model("max")
    states = env.profiles()
    _lotteries_and_transfers(m, env, states, lambda a, th: ipv_qname(env, a, th), lambda i, th: ipv_tname(env, i, th),
                             profile_label, budget)
    for th in states:
        eff = set(efficient_alternatives(env, th))
        bad = {ipv_qname(env, a, th): 1 for a in env.outcomes if a not in eff}
        if bad:
            m.add_row(f"EFF[{profile_label(th)}]", bad, "==", 0)
    p = env.prior
    for i in range(env.n):
        for ti in env.types[i]:
            for tj in env.types[i]:
                if tj == ti:
                    continue
                acc: dict[str, fmpq] = {}
                rhs = fmpq(0)
                for th in states:
                    if th[i] != ti or p[th] == 0:
                        continue
                    dev = th[:i] + (tj,) + th[i + 1:]
                    _acc(acc, _ipv_U(env, i, th, th), p[th])
                    for j in range(env.n):
                        if j != i:
                            _acc(acc, _ipv_U(env, j, dev, th), p[th])
                    rhs += p[th] * surplus(env, th)
                m.add_row(f"ORP[{env.agents[i]}: {label(ti)} -> {label(tj)}]", {v: c for v, c in acc.items() if c != 0}, ">=", rhs)
    if interim_ir:  # not part of the paper's model; for the remark after Proposition 3
        for i in range(env.n):
            for ti in env.types[i]:
                acc = {}
                for th in states:
                    if th[i] == ti and p[th] != 0:
                        _acc(acc, _ipv_U(env, i, th, th), p[th])
                m.add_row(f"IR[{env.agents[i]}: {label(ti)}]", {v: c for v, c in acc.items() if c != 0}, ">=", 0)
    return m


def vcg_in_expectation_rows(env: Environment, m: Model) -> None:
    """Add to ``m`` the variables H_i and the rows ``VCGE[i: θ_i]``:
    Σ_{θ_-i} p(θ)[t_i(θ) − Σ_{j≠i} Σ_a q[a|θ] v_j(a, θ)] = p_i(θ_i) H_i (VCG in expectation)."""
    p = env.prior
    for i in range(env.n):
        H = m.var(f"H[{env.agents[i]}]", None, None).name
        marg = p.marginal(i)
        for ti in env.types[i]:
            if marg[ti] == 0:
                continue
            acc: dict[str, fmpq] = {}
            for th in env.profiles():
                if th[i] != ti or p[th] == 0:
                    continue
                acc[ipv_tname(env, i, th)] = acc.get(ipv_tname(env, i, th), fmpq(0)) + p[th]
                for a in env.outcomes:
                    w = sum((env.valuation(j, a, th) for j in range(env.n) if j != i), fmpq(0))
                    if w != 0:
                        acc[ipv_qname(env, a, th)] = acc.get(ipv_qname(env, a, th), fmpq(0)) - p[th] * w
            acc[H] = -marg[ti]
            m.add_row(f"VCGE[{env.agents[i]}: {label(ti)}]", {v: c for v, c in acc.items() if c != 0}, "==", 0)


def vcge_model(env: Environment, budget: str = "balanced") -> Model:
    """Budget-balanced mechanisms with efficient truthful outcomes that are VCG in
    expectation: :func:`oracle_rp_model` without its ORP rows, plus :func:`vcg_in_expectation_rows`."""
    m = oracle_rp_model(env, budget)
    m._rows = [r for r in m._rows if not r[0].startswith("ORP[")]
    m._names = {r[0] for r in m._rows}
    vcg_in_expectation_rows(env, m)
    return m


MODELS = ("complete", "oracle", "oracle-interim-ir", "vcg-in-expectation", "random-rp", "random-rp-ex-post-ir",
          "menu-transfer-proposals", "transfer-proposals", "transfer-proposals-ex-post-ir")


def random_rp_model(env: Environment, ex_post_ir: bool = True) -> Model:
    """Random direct mechanisms — a lottery q[· | θ] over the finite alternatives at every
    profile — under which truth-telling is ex post renegotiation-proof against **every**
    ψ (§4.1.1), private values, any number of players, as one exact LP.

    The decision reached is the lottery's draw; votes follow preferences (an indifferent
    type may vote either way; the definition asks for every voting equilibrium, so the
    vote most favourable to the switch or to the deviator counts, as in
    :func:`rp_against_psi`).  Over all ψ the two conditions become linear:

    * ``RP1[θ: d -> y]`` — q[d | θ] = 0 whenever p(θ) > 0 and some y is weakly better
      than d for every player at θ and strictly for one (ψ(d) = y would switch);
    * ``RP2[i: θ_i -> θ'_i]`` — type θ_i's truthful payoff is at least its payoff from
      reporting θ'_i, plus Σ_d z[d], where ``SW[i: θ_i -> θ'_i | d -> y]`` makes z[d] at
      least the gain Σ_θ_-i p(θ_-i | θ_i) q[d | θ'_i, θ_-i] (u_i(y) − u_i(d)) over the
      states where every other player weakly prefers y, for every y that type θ_i
      strictly prefers to d.  ψ chooses one y per decision, so max over ψ of the
      deviation payoff is this sum of maxima, and z[d] ≥ each term is its epigraph;
    * ``IR[θ: d]`` (``ex_post_ir``) — q[d | θ] = 0 when d gives some player a negative
      payoff at θ;
    * ``prob[θ]`` — Σ_d q[d | θ] = 1.

    Feasible: a witness mechanism; infeasible: a Farkas certificate that no random
    mechanism on these alternatives is ex post RP (with ex post IR if asked)."""
    if env.kind != "finite":
        raise ModelError("random_rp_model needs finite alternatives (Environment.finite)")
    if not _private_values(env):
        raise ModelError("random_rp_model decides private-value environments (votes by preference)")
    m = Model("max")
    P, X = env.profiles(), env.outcomes
    q = {(x, th): m.var(f"q[{label(x)}|{profile_label(th)}]", 0, 1) for th in P for x in X}
    for th in P:
        m.add(sum((LinExpr.of(q[x, th]) for x in X), LinExpr()) == 1, name=f"prob[{profile_label(th)}]")

    def u(i: int, x: Any, th: tuple) -> fmpq:
        return _u(env, i, x, th)

    for th in P:
        if env.prior[th] == 0:
            continue
        for d in X:
            if ex_post_ir and any(u(i, d, th) < 0 for i in range(env.n)):
                m.add(LinExpr.of(q[d, th]) == 0, name=f"IR[{profile_label(th)}: {label(d)}]")
                continue
            for y in X:
                if _weak_pareto_gain(env, y, d, th):
                    m.add(LinExpr.of(q[d, th]) == 0, name=f"RP1[{profile_label(th)}: {label(d)} -> {label(y)}]")
                    break
    for i in range(env.n):
        for ti in env.types[i]:
            cond = _cond_others(env, i, ti)
            if not cond:
                continue
            for tr in env.types[i]:
                tag = f"{env.agents[i]}: {label(ti)} -> {label(tr)}"
                slack = LinExpr()
                for th, w in cond:
                    rep = th[:i] + (tr,) + th[i + 1:]
                    for x in X:
                        slack = slack + q[x, th] * (w * u(i, x, th)) - q[x, rep] * (w * u(i, x, th))
                for d in X:
                    gains = {y: u(i, y, cond[0][0]) - u(i, d, cond[0][0]) for y in X}  # private values
                    rows = []
                    for y, g in gains.items():
                        if g <= 0:
                            continue
                        c = LinExpr()
                        for th, w in cond:
                            if all(u(j, y, th) >= u(j, d, th) for j in range(env.n) if j != i):
                                c = c + q[d, th[:i] + (tr,) + th[i + 1:]] * (w * g)
                        if c.terms:
                            rows.append((y, c))
                    if not rows:
                        continue
                    z = m.var(f"z[{tag} | {label(d)}]", 0, None)
                    for y, c in rows:
                        m.add(LinExpr.of(z) - c >= 0, name=f"SW[{tag} | {label(d)} -> {label(y)}]")
                    slack = slack - z
                m.add(slack >= 0, name=f"RP2[{tag}]")
    return m


def random_mechanism_from(env: Environment, primal: Mapping[str, fmpq]) -> dict[tuple, dict[Any, fmpq]]:
    """The lotteries of a solution of :func:`random_rp_model` (nonzero probabilities)."""
    out = {}
    for th in env.profiles():
        lot = {x: Q(primal[f"q[{label(x)}|{profile_label(th)}]"]) for x in env.outcomes}
        out[th] = {x: v for x, v in lot.items() if v != 0}
    return out


def model_for(env: Environment, kind: str, budget: str = "balanced") -> Model:
    """The LP named in a renegotiation certificate's ``model`` field."""
    if kind == "complete":
        return rp_model(env, budget)
    if kind == "oracle":
        return oracle_rp_model(env, budget)
    if kind == "oracle-interim-ir":
        return oracle_rp_model(env, budget, interim_ir=True)
    if kind == "vcg-in-expectation":
        return vcge_model(env, budget)
    if kind == "random-rp":
        return random_rp_model(env, ex_post_ir=False)
    if kind == "random-rp-ex-post-ir":
        return random_rp_model(env, ex_post_ir=True)
    if kind in ("menu-transfer-proposals", "transfer-proposals", "transfer-proposals-ex-post-ir"):
        from . import proposals  # §4.1.1 with ψ(a, t) = (a', t'): proposals.py builds on this module

        return proposals.model_for(env, kind)
    raise ModelError(f"model={kind!r} must be one of {', '.join(MODELS)}")


def solve_certified(env: Environment, kind: str, budget: str = "balanced",
                    objective: Mapping[str, Any] | None = None, sense: str = "max") -> tuple[LPResult, dict[str, Any]]:
    """Solve the LP ``model_for(env, kind)`` (with an optional objective) and return the
    result with an ``exactmd-renegotiation-certificate/1`` that verify rebuilds.  Its
    ``statement`` is generated from the model, the objective and the LP's status and
    value (:func:`verify_rp_certificate` regenerates it).  Random mechanisms on finite
    menus have no transfers: their certificates carry no ``budget``."""
    if kind in _NO_BUDGET and budget != "balanced":
        raise ModelError(f"model={kind!r} (random mechanisms on a finite menu) has no transfers: budget={budget!r} does not apply")
    m = model_for(env, kind, budget)
    if objective:
        m.sense = sense
        m.set_objective(LinExpr({v: Q(c) for v, c in objective.items()}))
    elif sense != "max":
        raise ModelError(f"sense={sense!r} without an objective: the LP is a feasibility question")
    res = m.solve()
    status = res.status.value
    terms = _objective_terms(objective)
    value = res.value if status == "optimal" and objective else None
    cert: dict[str, Any] = {
        "format": RP_FORMAT,
        "question": "lp",
        "statement": _lp_statement(env, kind, None if kind in _NO_BUDGET else budget, terms, sense, status, value),
        "environment": env.to_dict(),
        "model": kind,
    }
    if kind not in _NO_BUDGET:
        cert["budget"] = budget
    cert.update({"objective": terms, "sense": sense, "lp": res.certificate()})
    return res, cert


@dataclass(frozen=True)
class Prop3Report:
    """Proposition 3 decided on one IPV instance, both directions."""

    applicable: bool
    why_not: str
    if_holds: bool | None  # every BB VCG-in-expectation mechanism satisfies every ORP row
    only_if_holds: bool | None  # every BB oracle-RP mechanism is VCG in expectation
    orp: LPResult | None
    vcge: LPResult | None
    checks: tuple[LPResult, ...]
    counterexample: str = ""
    certificates: tuple[tuple[str, dict[str, Any]], ...] = ()


def proposition_3(env: Environment, budget: str = "balanced") -> Prop3Report:
    """Decide Proposition 3 (independent private values): a feasible mechanism is ex post
    oracle renegotiation-proof iff it is VCG in expectation.

    IF: for every ORP row, its minimum slack over the budget-balanced VCG-in-expectation
    mechanisms (efficient truthful outcomes, rows ``VCGE``) is ≥ 0 — one LP per row.
    ONLY IF: over the ORP set, each difference D_i(θ_i) − D_i(θ'_i) of the expected VCG
    residuals D_i(θ_i) = E[t_i − Σ_{j≠i} v_j] has min = max = 0 — two LPs per pair.
    """
    if not _private_values(env):
        return Prop3Report(False, "values are not private", None, None, None, None, ())
    if not _is_independent(env):
        return Prop3Report(False, "types are not independent", None, None, None, None, ())
    checks: list[LPResult] = []
    certs: list[tuple[str, dict[str, Any]]] = []
    orp, c = solve_certified(env, "oracle", budget)
    certs.append(("oracle-rp-set", c))
    vcge, c = solve_certified(env, "vcg-in-expectation", budget)
    certs.append(("vcg-in-expectation-set", c))
    if_holds, counter = True, ""
    if vcge.status.value == "optimal":
        full = oracle_rp_model(env, budget)
        for name, co, op, b in full._rows:
            if not name.startswith("ORP["):
                continue
            r, c = solve_certified(env, "vcg-in-expectation", budget, co, "min")  # min of the left side of the ORP row
            checks.append(r)
            certs.append((f"if-{name}", c))
            if r.status.value != "optimal" or r.value < b:
                if_holds = False
                counter = (f"a VCG-in-expectation mechanism violates {name}: min lhs "
                           f"{fmt(r.value) if r.value is not None else '-inf'} < {fmt(b)}")
                break
    only_if = True
    if orp.status.value == "optimal":
        p = env.prior
        for i in range(env.n):
            marg = p.marginal(i)
            types = [t for t in env.types[i] if marg[t] != 0]
            for ti, tj in zip(types, types[1:]):
                expr: dict[str, fmpq] = {}
                for sign, tt in ((1, ti), (-1, tj)):
                    for th in env.profiles():
                        if th[i] != tt or p[th] == 0:
                            continue
                        w = sign * p[th] / marg[tt]  # E over θ_-i given θ_i = tt
                        expr[ipv_tname(env, i, th)] = expr.get(ipv_tname(env, i, th), fmpq(0)) + w
                        for a in env.outcomes:
                            vj = sum((env.valuation(j, a, th) for j in range(env.n) if j != i), fmpq(0))
                            if vj != 0:
                                expr[ipv_qname(env, a, th)] = expr.get(ipv_qname(env, a, th), fmpq(0)) - w * vj
                expr = {v: c for v, c in expr.items() if c != 0}
                for sense in ("min", "max"):
                    what = f"D_{env.agents[i]}({label(ti)}) − D_{env.agents[i]}({label(tj)})"
                    r, c = solve_certified(env, "oracle", budget, expr, sense)
                    checks.append(r)
                    certs.append((f"only-if-{env.agents[i]}-{label(ti)}-{label(tj)}-{sense}", c))
                    if r.status.value != "optimal" or r.value != 0:
                        only_if = False
                        counter = counter or (f"an oracle-RP mechanism is not VCG in expectation: {what} has {sense} "
                                              f"{fmt(r.value) if r.value is not None else r.status.value}")
    return Prop3Report(True, "", if_holds, only_if, orp, vcge, tuple(checks), counter, tuple(certs))


# ---------------------------------------------------------------------------------
# §4.1.1: renegotiation against a given ψ (finite alternatives, deterministic direct mechanisms)
def _u(env: Environment, i: int, x: Any, th: tuple) -> fmpq:
    return env.utility(i, x, th) if env.kind == "finite" else env.valuation(i, x, th)


def _weak_pareto_gain(env: Environment, x: Any, d: Any, th: tuple) -> bool:
    """Every player weakly prefers x to d at θ and one strictly (a switch all would vote for)."""
    ds = [_u(env, j, x, th) - _u(env, j, d, th) for j in range(env.n)]
    return all(v >= 0 for v in ds) and any(v > 0 for v in ds)


@dataclass(frozen=True)
class PsiReport:
    """Ex post renegotiation-proofness of truth-telling in a deterministic direct mechanism
    against one ψ (reached decision ↦ proposed alternative), private values."""

    psi: dict[Any, Any]
    switch: str  # "" or: the on-path decision and state where a switching voting equilibrium exists
    deviation: str  # "" or: the most profitable misreport-then-vote and its exact gain
    gain: fmpq  # the largest gain from a misreport followed by renegotiation (0 if none)

    @property
    def holds(self) -> bool:
        return not self.switch and self.gain <= 0


def _cond_others(env: Environment, i: int, ti: Any) -> list[tuple[tuple, fmpq]]:
    """(θ, p(θ_-i | θ_i)) over the profiles with θ_i = ti."""
    p = env.prior
    tot = sum((p[th] for th in env.profiles() if th[i] == ti), fmpq(0))
    return [(th, p[th] / tot) for th in env.profiles() if th[i] == ti and p[th] != 0]


def rp_against_psi(env: Environment, f: Mapping[tuple, Any], psi: Mapping[Any, Any]) -> PsiReport:
    """Decide Neeman–Pavlov's two conditions (§4.1.1) for truth-telling in the direct
    mechanism ``f`` (profile ↦ alternative) against ``psi``, with private values.

    Votes: a type votes for ψ(d) when it strictly prefers it and against when it strictly
    prefers d; an indifferent type may vote either way, and since the definition asks the
    conditions for *every* voting equilibrium, the choice most favourable to a switch (1)
    or to the deviator (2) is taken.  (1) fails if some on-path decision d, reached at a
    state θ with p(θ) > 0, has every player's type weakly and one strictly preferring ψ(d).
    (2) fails if some type gains, in expectation over the others' types, by misreporting,
    then voting, with the others voting as above.

    With interdependent values (two players only) the votes are those of voting
    equilibria: (1) by :func:`switching_equilibrium` at every on-path decision, (2) by
    :func:`deviation_gain`."""
    if not _private_values(env):
        if env.n != 2:
            raise ModelError("rp_against_psi decides interdependent values for two players only "
                             "(with more players the pivotal gains are multilinear in the others' votes)")
        return _against_psi_by_equilibria(env, f, psi, "undominated")
    n = env.n

    def delta(j: int, d: Any, th: tuple) -> fmpq:
        return _u(env, j, psi.get(d, d), th) - _u(env, j, d, th)

    switch = ""
    for th in env.profiles():
        if env.prior[th] == 0:
            continue
        d = f[th]
        if _weak_pareto_gain(env, psi.get(d, d), d, th):
            switch = f"at {label(d)} (state {profile_label(th)}) every type weakly prefers {label(psi.get(d, d))}, one strictly"
            break
    best, what = fmpq(0), ""
    for i in range(n):
        for ti in env.types[i]:
            cond = _cond_others(env, i, ti)
            if not cond:
                continue
            truth = sum((w * _u(env, i, f[th], th) for th, w in cond), fmpq(0))
            for tj in env.types[i]:
                dev = fmpq(0)
                for th, w in cond:
                    rep = th[:i] + (tj,) + th[i + 1:]
                    d = f[rep]
                    others_yes = all(delta(j, d, th) >= 0 for j in range(n) if j != i)
                    own = delta(i, d, th)
                    dev += w * (_u(env, i, d, th) + (own if others_yes and own > 0 else 0))
                if dev - truth > best:
                    best = dev - truth
                    what = (f"type {label(ti)} of {env.agents[i]} reports {label(tj)} and renegotiates: "
                            f"expected payoff {fmt(dev)} against {fmt(truth)} when truthful")
    return PsiReport(dict(psi), switch, what, best)


def rp_against_psi_any_equilibrium(env: Environment, f: Mapping[tuple, Any], psi: Mapping[Any, Any]) -> PsiReport:
    """Both conditions of §4.1.1 against ``psi`` with "every equilibrium voting profile"
    read literally (reading ``votes=any-equilibrium``): weakly dominated votes count.
    Two players, any values: (1) :func:`switching_equilibrium` at every on-path
    decision ψ moves (it enumerates every vote assignment), (2) :func:`deviation_gain`
    with ``votes="any"``."""
    if env.n != 2:
        raise ModelError("rp_against_psi_any_equilibrium decides two-player voting games")
    return _against_psi_by_equilibria(env, f, psi, "any")


def _against_psi_by_equilibria(env: Environment, f: Mapping[tuple, Any], psi: Mapping[Any, Any], votes: str) -> PsiReport:
    """Two players: condition (1) by :func:`switching_equilibrium` at every on-path
    decision ψ moves, condition (2) by :func:`deviation_gain` with ``votes``."""
    switch = ""
    for d in dict.fromkeys(f[th] for th in env.profiles() if env.prior[th] > 0):
        x = psi.get(d, d)
        if x != d:
            found = switching_equilibrium(env, f, d, x)
            if found:
                switch = f"at {label(d)} a voting equilibrium switches to {label(x)}: {found}"
                break
    gain, what = deviation_gain(env, f, psi, votes=votes)
    return PsiReport(dict(psi), switch, what, gain)


def rp_against_all_psi(env: Environment, f: Mapping[tuple, Any]) -> tuple[bool, list[PsiReport]]:
    """Every ψ from the mechanism's reachable decisions to the alternatives (finite):
    ``(True, reports)`` iff truth-telling is ex post RP against each one."""
    reach = list(dict.fromkeys(f[th] for th in env.profiles()))
    reports = []
    for choice in itertools.product(env.outcomes, repeat=len(reach)):
        reports.append(rp_against_psi(env, f, dict(zip(reach, choice))))
    return all(r.holds for r in reports), reports


def oracle_deviation_gain(env: Environment, f: Mapping[tuple, Any], i: int, ti: Any, tj: Any,
                          psihat: Mapping[tuple, Mapping[Any, Any]]) -> tuple[fmpq, fmpq]:
    """(truthful payoff, payoff of reporting tj and renegotiating) for type ti of player i,
    when the oracle proposes ``psihat[θ][d]`` in state θ after decision d (private values;
    others vote for a proposal they weakly prefer)."""
    cond = _cond_others(env, i, ti)
    truth = sum((w * _u(env, i, f[th], th) for th, w in cond), fmpq(0))
    dev = fmpq(0)
    for th, w in cond:
        d = f[th[:i] + (tj,) + th[i + 1:]]
        x = psihat.get(th, {}).get(d, d)
        yes = all(_u(env, j, x, th) >= _u(env, j, d, th) for j in range(env.n) if j != i)
        dev += w * (_u(env, i, x, th) if yes and _u(env, i, x, th) > _u(env, i, d, th) else _u(env, i, d, th))
    return truth, dev


def oracle_rp_against(env: Environment, f: Mapping[tuple, Any], psihat: Mapping[tuple, Mapping[Any, Any]]) -> PsiReport:
    """Both conditions of ex post *oracle* renegotiation-proofness against ``psihat``
    (state ↦ decision ↦ proposal; §4.1.1) for truth-telling in the deterministic direct
    mechanism ``f``.  Private values, any number of players: (1) no on-path state θ at
    which every player weakly, one strictly, prefers ψ̂(θ, f(θ)); (2) no type gains by
    misreporting and voting (:func:`oracle_deviation_gain`, others voting by preference).
    Interdependent values, two players: (1) :func:`switching_equilibrium` in each voting
    game (d, x) reached on the path, (2) :func:`deviation_gain` with the oracle.  The
    report's ``psi`` field holds ψ̂ as {state label: {decision: proposal}}."""
    shown = {profile_label(th): dict(m) for th, m in psihat.items()}
    if not _private_values(env):
        if env.n != 2:
            raise ModelError("oracle_rp_against decides interdependent values for two players only")
        switch = ""
        for th in env.profiles():
            d = f[th]
            x = psihat.get(th, {}).get(d, d)
            if env.prior[th] > 0 and x != d:
                found = switching_equilibrium(env, f, d, x, psihat)
                if found:
                    switch = f"at {label(d)} with the proposal {label(x)}: {found}"
                    break
        gain, what = deviation_gain(env, f, {}, psihat)
        return PsiReport(shown, switch, what, gain)
    switch = ""
    for th in env.profiles():
        d = f[th]
        x = psihat.get(th, {}).get(d, d)
        if env.prior[th] == 0 or x == d:
            continue
        if _weak_pareto_gain(env, x, d, th):
            switch = f"at {label(d)} (state {profile_label(th)}) every type weakly prefers {label(x)}, one strictly"
            break
    best, what = fmpq(0), ""
    for i in range(env.n):
        for ti in env.types[i]:
            if not _cond_others(env, i, ti):
                continue
            for tj in env.types[i]:
                truth, dev = oracle_deviation_gain(env, f, i, ti, tj, psihat)
                if dev - truth > best:
                    best = dev - truth
                    what = (f"type {label(ti)} of {env.agents[i]} reports {label(tj)} and renegotiates with the oracle: "
                            f"expected payoff {fmt(dev)} against {fmt(truth)} when truthful")
    return PsiReport(shown, switch, what, best)


def switching_equilibrium_uninformed(env: Environment, informed: int, d: Any, proposal: Any) -> str:
    """Two players, player ``1 − informed`` with a single type (interdependent values
    allowed): is there a voting equilibrium at decision d (reached at every state) in which
    the switch to ``proposal`` happens with positive probability and some type strictly
    prefers it?  The informed player's yes-set Y must contain every type that strictly
    gains and no type that strictly loses (when pivotal); the uninformed player votes yes
    only if its expected gain given θ ∈ Y is ≥ 0.  Returns a description, or "" if none."""
    if env.n != 2 or len(env.types[1 - informed]) != 1:
        raise ModelError("switching_equilibrium_uninformed needs two players, the other with one type")
    j = 1 - informed
    p = env.prior
    gains = {th[informed]: (_u(env, informed, proposal, th) - _u(env, informed, d, th),
                            _u(env, j, proposal, th) - _u(env, j, d, th), p[th]) for th in env.profiles()}
    must = [t for t, (g, _, w) in gains.items() if g > 0 and w > 0]
    free = [t for t, (g, _, w) in gains.items() if g == 0 and w > 0]
    for k in range(len(free) + 1):
        for extra in itertools.combinations(free, k):
            Y = list(must) + list(extra)
            mass = sum((gains[t][2] for t in Y), fmpq(0))
            if mass == 0:
                continue
            exp_j = sum((gains[t][2] * gains[t][1] for t in Y), fmpq(0)) / mass
            strict = any(gains[t][0] > 0 for t in Y) or exp_j > 0
            if exp_j >= 0 and strict:
                return f"the informed player's types {[label(t) for t in Y]} vote yes and the other expects {fmt(exp_j)} ≥ 0"
    return ""


# ---------------------------------------------------------------------------------
# certificates
#
# Every writer below generates the ``statement`` from the data it certifies, and
# :func:`verify_rp_certificate` regenerates it from the data it has re-checked: a file
# whose statement, question or any result differs from the recomputation fails, naming
# the field.  The rules are documented in docs/renegotiation.md ("Certificates").
_NO_BUDGET = ("random-rp", "random-rp-ex-post-ir", "menu-transfer-proposals")  # lotteries on a finite menu, no transfers
_LP_KEYS = ("format", "question", "statement", "environment", "budget", "objective", "sense", "lp")
QUESTION_KEYS: dict[str, tuple[str, ...]] = {
    "exists": _LP_KEYS,  # §3: does an ex post RP mechanism exist (rp_model, no objective)
    "min": _LP_KEYS,  # §3: min / max of a linear expression over the RP set
    "max": _LP_KEYS,
    "lp": _LP_KEYS + ("model",),  # any LP of model_for (no "budget" for random mechanisms)
    "check": ("format", "question", "statement", "environment", "budget", "mechanism", "violations"),
    "voting": ("format", "question", "statement", "environment", "mechanism", "cases"),
    "enumeration": ("format", "question", "statement", "environment", "mechanisms"),
    "transfer-check": ("format", "question", "statement", "environment", "mechanism", "holds", "gain", "switch"),
    "lemma-2": ("format", "question", "statement", "environment", "pairs"),
}
CASE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # kind: (inputs, results)
    "psi": (("kind", "psi"), ("holds", "gain", "switch")),
    "psi-any-equilibrium": (("kind", "psi"), ("holds", "gain", "switch")),  # votes=any-equilibrium
    "oracle": (("kind", "psihat", "agent", "type", "report"), ("truth", "deviation")),
    "uninformed": (("kind", "informed", "decision", "proposal"), ("switch",)),
}
_PSI_KINDS = ("psi", "psi-any-equilibrium")
MAX_CASES = 10_000  # voting cases in one certificate
MAX_ENUMERATION = 100_000  # deterministic mechanisms an enumeration may list
MAX_VOTING_TYPES = 8  # types of both players in a two-player voting game with interdependent values
MAX_NUMBER_CHARS = 4000  # characters of one number in a certificate
MAX_SHOWN_TERMS = 4  # objective terms written out in a statement
_CANONICAL = re.compile(r"-?(0|[1-9][0-9]*)(/[1-9][0-9]*)?")
_MODEL_WORDS = {  # model: (singular, plural)
    "complete": ("ex post renegotiation-proof direct mechanism", "ex post renegotiation-proof direct mechanisms"),
    "oracle": ("ex post oracle renegotiation-proof mechanism", "ex post oracle renegotiation-proof mechanisms"),
    "oracle-interim-ir": ("interim IR, ex post oracle renegotiation-proof mechanism",
                          "interim IR, ex post oracle renegotiation-proof mechanisms"),
    "vcg-in-expectation": ("mechanism that is VCG in expectation", "mechanisms that are VCG in expectation"),
    "random-rp": ("random direct mechanism that is ex post renegotiation-proof against every ψ",
                  "random direct mechanisms that are ex post renegotiation-proof against every ψ"),
    "random-rp-ex-post-ir": ("ex post IR random direct mechanism that is ex post renegotiation-proof against every ψ",
                             "ex post IR random direct mechanisms that are ex post renegotiation-proof against every ψ"),
    "menu-transfer-proposals": (
        "random direct mechanism on the menu that meets the necessary conditions of ex post renegotiation-proofness "
        "against every ψ with transfers (efficiency; no gain from a misreport that reaches a forced outcome)",
        "random direct mechanisms on the menu that meet the necessary conditions of ex post renegotiation-proofness "
        "against every ψ with transfers"),
    "transfer-proposals": (
        "direct mechanism that meets the necessary conditions of ex post renegotiation-proofness against every ψ with "
        "transfers (efficiency; no gain from a misreport that reaches a forced outcome)",
        "direct mechanisms that meet the necessary conditions of ex post renegotiation-proofness against every ψ with transfers"),
    "transfer-proposals-ex-post-ir": (
        "ex post IR direct mechanism that meets the necessary conditions of ex post renegotiation-proofness against "
        "every ψ with transfers (efficiency; no gain from a misreport that reaches a forced outcome)",
        "ex post IR direct mechanisms that meet the necessary conditions of ex post renegotiation-proofness against "
        "every ψ with transfers"),
}


def _where(env: Environment) -> str:
    """The environment's name, quoted (a label from the file, not a claim)."""
    return json.dumps(env.name, ensure_ascii=False) if env.name else "an unnamed environment"


def _clip(x: Any, n: int = 160) -> str:
    s = x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)
    return repr(s if len(s) <= n else s[:n] + "…")


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON (so that 1 and true, or "1" and 1, differ)."""
    return json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(b, sort_keys=True, ensure_ascii=False)


def _refuse(field: str, why: str) -> CertificateError:
    return CertificateError(f"{field}: {why}")


def _number(x: Any, field: str) -> fmpq:
    """A number as the writers store it: a string "p" or "p/q" in lowest terms."""
    if not isinstance(x, str) or len(x) > MAX_NUMBER_CHARS or not _CANONICAL.fullmatch(x):
        raise _refuse(field, f"{_clip(x, 60)} is not a number written \"p\" or \"p/q\" (at most {MAX_NUMBER_CHARS} characters)")
    q = Q(x)
    if fmt(q) != x:
        raise _refuse(field, f"{x!r} is not in lowest terms ({fmt(q)!r})")
    return q


def _object(d: Any, field: str, keys: Sequence[str] | None = None) -> Mapping[str, Any]:
    """A JSON object; with ``keys``, exactly those keys (unknown and missing ones named)."""
    if not isinstance(d, Mapping):
        raise _refuse(field, "must be a JSON object")
    if keys is not None:
        for k in d:
            if k not in keys:
                raise _refuse(field, f"unknown key {k!r} (allowed: {', '.join(keys)})")
        for k in keys:
            if k not in d:
                raise _refuse(field, f"missing key {k!r}")
    return d


def _terms_text(terms: Mapping[str, str]) -> str:
    items = list(terms.items())
    shown = " + ".join(f"{c}·{v}" for v, c in items[:MAX_SHOWN_TERMS if len(items) <= MAX_SHOWN_TERMS else MAX_SHOWN_TERMS - 1])
    return shown if len(items) <= MAX_SHOWN_TERMS else f"{shown} + … ({len(items)} terms, see the objective)"


def _lp_statement(env: Environment, model: str, budget: str | None, terms: Mapping[str, str], sense: str,
                  status: str, value: fmpq | None) -> str:
    """The one-line verdict of an LP question, from the model, the objective and the
    LP's (checked) status and value."""
    one, many = _MODEL_WORDS[model]
    b = f" with {budget} budget" if budget else ""
    where = _where(env)
    if not terms:
        if status == "infeasible":
            return f"No {one}{b} exists in {where} (Farkas certificate)."
        if status == "optimal":
            art = "An" if one[0] in "aeiou" else "A"
            return f"{art} {one}{b} exists in {where} (witness in the LP's primal)."
        return f"The LP of the {many}{b} in {where} is {status}."
    text = _terms_text(terms)
    over = f"over the {many}{b} in {where}"
    if status == "optimal":
        return f"The {sense}imum of {text} {over} is {fmt(value)}."
    if status == "infeasible":
        return f"No {one}{b} exists in {where} (Farkas certificate), so {text} has no {sense}imum over them."
    return f"{text} is unbounded {'above' if sense == 'max' else 'below'} {over} (ray in the LP certificate)."


def _check_statement(env: Environment, budget: str, n_reports: int, rows: int, bad: Sequence[RPViolation]) -> str:
    head = f"In {_where(env)} the given direct mechanism ({n_reports} report profiles)"
    if not bad:
        return f"{head} is ex post renegotiation-proof with {budget} budget: all {rows} rows of the LP hold."
    return (f"{head} is not ex post renegotiation-proof with {budget} budget: {len(bad)} of {rows} rows fail, "
            f"first {bad[0]}.")


def check_certificate(mechanism: DirectMechanism, budget: str = "balanced") -> dict[str, Any]:
    """A certificate that a given mechanism satisfies every RP row, or violates the listed
    rows by the listed exact amounts (``exactmd verify`` recomputes them and the statement)."""
    why = _not_a_probability(mechanism)
    if why:
        raise ModelError(f"the mechanism is not a direct mechanism: {why}")
    slacks = rp_slacks(mechanism, budget)
    bad = check_rp(mechanism, budget)
    return {
        "format": RP_FORMAT,
        "question": "check",
        "statement": _check_statement(mechanism.env, budget, len(mechanism.table), len(slacks), bad),
        "environment": mechanism.env.to_dict(),
        "budget": budget,
        "mechanism": mechanism.to_dict(),
        "violations": {v.row: fmt(v.amount) for v in bad},
    }


def _not_a_probability(mechanism: DirectMechanism) -> str:
    """"" iff 0 ≤ q[a | r] ≤ 1 everywhere (the rows prob[r] give Σ_a q[a | r] = 1; the
    bounds are not rows, so :func:`check_rp` does not see them); else what fails."""
    for rep, (lot, _) in mechanism.table.items():
        for a, p in lot.items():
            if not 0 <= p <= 1:
                return f"the probability {fmt(p)} of {label(a)} at {';'.join(profile_label(s) for s in rep)} is not in [0, 1]"
    return ""


def _psi_text(psi: Mapping[str, str]) -> str:
    """ψ by its proposals (the decisions it leaves alone are not shown)."""
    moved = [f"{d} ↦ {x}" for d, x in psi.items() if d != x]
    return "{" + ", ".join(moved) + "}" if moved else "the identity (no proposal)"


def _case_inputs(env: Environment, f: Mapping[tuple, Any], case: Mapping[str, Any], field: str, strict: bool) -> dict[str, Any]:
    """The inputs of one §4.1 case in the form the writers store (labels as strings,
    player indices as integers); ``strict``: they must already be in that form."""
    kind = case.get("kind")
    if kind not in CASE_KEYS:
        raise _refuse(f"{field}.kind", f"{_clip(kind, 40)} is not one of {', '.join(CASE_KEYS)}")
    reach = list(dict.fromkeys(f[th] for th in env.profiles()))

    def outcome(x: Any, where: str) -> Any:
        if strict and not isinstance(x, str):
            raise _refuse(where, f"{_clip(x, 40)} must be an alternative's label (a string)")
        return env.resolve_outcome(x)

    def player(x: Any, where: str) -> int:
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < env.n:
            raise _refuse(where, f"{_clip(x, 40)} must be a player index 0…{env.n - 1}")
        return x

    def decision_map(m: Any, where: str) -> dict[str, str]:
        """decision ↦ proposal, total on the reached decisions, in their order (ψ(d) = d
        where the input does not say: no renegotiation)."""
        given = {}
        for d, x in _object(m, where).items():
            dd = outcome(d, where)
            if dd not in reach:
                raise _refuse(where, f"{label(dd)!r} is not a decision the mechanism reaches")
            given[dd] = outcome(x, f"{where}[{d!r}]")
        return {label(d): label(given.get(d, d)) for d in reach}

    out: dict[str, Any] = {"kind": kind}
    if kind in _PSI_KINDS:
        out["psi"] = decision_map(case.get("psi"), f"{field}.psi")
    elif kind == "oracle":
        given = {}
        for th, m in _object(case.get("psihat"), f"{field}.psihat").items():
            given[env.resolve_profile(th)] = decision_map(m, f"{field}.psihat[{th!r}]")
        out["psihat"] = {profile_label(th): given.get(th) or decision_map({}, "") for th in env.profiles()}
        i = out["agent"] = player(case.get("agent"), f"{field}.agent")
        for k in ("type", "report"):
            if strict and not isinstance(case.get(k), str):
                raise _refuse(f"{field}.{k}", f"{_clip(case.get(k), 40)} must be a type's label (a string)")
            out[k] = label(resolve_type(case.get(k), env.types[i], i))
    else:
        out["informed"] = player(case.get("informed"), f"{field}.informed")
        out["decision"] = label(outcome(case.get("decision"), f"{field}.decision"))
        out["proposal"] = label(outcome(case.get("proposal"), f"{field}.proposal"))
    if strict:
        for k, v in out.items():
            if not _same(v, case.get(k)):
                raise _refuse(f"{field}.{k}", f"{_clip(case.get(k), 60)} is not in the form exactmd writes ({_clip(v, 60)})")
    return out


def _voting_case(env: Environment, f: Mapping[tuple, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Recompute one §4.1 case (see :func:`voting_certificate`) from its canonical inputs."""
    out = dict(inputs)
    kind = inputs["kind"]
    if kind in _PSI_KINDS:
        psi = {env.resolve_outcome(d): env.resolve_outcome(x) for d, x in inputs["psi"].items()}
        if kind == "psi-any-equilibrium" and env.n != 2:
            raise ModelError("a psi-any-equilibrium case decides two-player voting games")
        r = rp_against_psi(env, f, psi) if kind == "psi" else rp_against_psi_any_equilibrium(env, f, psi)
        out.update(holds=r.holds, gain=fmt(r.gain), switch=bool(r.switch))
    elif kind == "oracle":
        if not _private_values(env):
            raise ModelError("an oracle case is oracle_deviation_gain, which decides private values only")
        i = inputs["agent"]
        ph = {env.resolve_profile(th): {env.resolve_outcome(d): env.resolve_outcome(x) for d, x in m.items()}
              for th, m in inputs["psihat"].items()}
        ti, tj = (resolve_type(inputs[k], env.types[i], i) for k in ("type", "report"))
        truth, dev = oracle_deviation_gain(env, f, i, ti, tj, ph)
        out.update(truth=fmt(truth), deviation=fmt(dev))
    else:
        sw = switching_equilibrium_uninformed(env, inputs["informed"], env.resolve_outcome(inputs["decision"]),
                                              env.resolve_outcome(inputs["proposal"]))
        out.update(switch=bool(sw))
    return out


def _psi_part(env: Environment, f: Mapping[tuple, Any], psis: Sequence[Mapping[str, Any]], kind: str) -> str:
    """The part of a voting statement that the ψ cases of one kind give."""
    votes = "" if kind == "psi" else " with every voting equilibrium counted, weakly dominated votes included"
    reach = list(dict.fromkeys(f[th] for th in env.profiles()))
    every = len(env.outcomes) ** len(reach)
    fails = [c for c in psis if not c["holds"]]
    if not fails:
        if len(psis) == every:
            return f"is ex post renegotiation-proof against every ψ (all {every} maps from the reached decisions to the alternatives){votes}"
        if len(psis) == 1:
            return f"is ex post renegotiation-proof against ψ = {_psi_text(psis[0]['psi'])}{votes}"
        return f"is ex post renegotiation-proof against each of the {len(psis)} ψ listed (of {every}){votes}"
    c = fails[0]
    why = []
    if c["switch"]:
        why.append("condition (1) fails (a voting equilibrium on the path switches to ψ(d), a type strictly gaining)")
    if Q(c["gain"]) > 0:
        why.append(f"condition (2) fails (a type gains {c['gain']} by misreporting and then voting)")
    more = f" ({len(fails)} of the {len(psis)} ψ listed fail)" if len(psis) > 1 else ""
    return f"is not ex post renegotiation-proof against ψ = {_psi_text(c['psi'])}{votes}: {' and '.join(why)}{more}"


def _voting_statement(env: Environment, f: Mapping[tuple, Any], cases: Sequence[Mapping[str, Any]]) -> str:
    """The verdict of a voting certificate, from its recomputed cases."""
    P = env.profiles()
    mech = ("(" + ", ".join(f"{profile_label(th)} ↦ {label(f[th])}" for th in P) + ")") if len(P) <= 16 else f"on {len(P)} profiles"
    parts = []
    for kind in _PSI_KINDS:
        psis = [c for c in cases if c["kind"] == kind]
        if psis:
            parts.append(_psi_part(env, f, psis, kind))
    for c in cases:
        if c["kind"] == "oracle":
            who = f"type {c['type']} of {env.agents[c['agent']]}"
            verdict = ("; so it is not ex post oracle renegotiation-proof against ψ̂" if Q(c["deviation"]) > Q(c["truth"]) else "")
            parts.append(f"against the given oracle ψ̂ {who} expects {c['deviation']} by reporting {c['report']} and "
                         f"renegotiating, against {c['truth']} when truthful{verdict}")
        elif c["kind"] == "uninformed":
            parts.append(f"at {c['decision']} {'a' if c['switch'] else 'no'} voting equilibrium switches to {c['proposal']} "
                         f"(the informed player: {env.agents[c['informed']]})")
    sep = " " if parts[0].startswith("is") else ": "
    return f"In {_where(env)} truth-telling in the deterministic direct mechanism {mech}{sep}" + "; ".join(parts) + "."


def voting_certificate(env: Environment, f: Mapping[tuple, Any], cases: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A certificate of §4.1 computations on a deterministic direct mechanism ``f``
    (profile ↦ alternative), finite alternatives: each case is ``{"kind": "psi", "psi":
    {decision: proposal}}`` (:func:`rp_against_psi`; ``"psi-any-equilibrium"``:
    :func:`rp_against_psi_any_equilibrium`), ``{"kind": "oracle", "psihat":
    {profile: {decision: proposal}}, "agent", "type", "report"}``
    (:func:`oracle_deviation_gain`, private values) or ``{"kind": "uninformed", "informed",
    "decision", "proposal"}`` (:func:`switching_equilibrium_uninformed`); labels as
    strings, players as indices.  The results are stored with the inputs and the
    statement is generated from them; ``exactmd verify`` recomputes all three."""
    if not cases:
        raise ModelError("a voting certificate needs at least one case")
    inputs = [_case_inputs(env, f, c, f"cases[{k}]", strict=False) for k, c in enumerate(cases)]
    psis = [(c["kind"],) + tuple(c["psi"].values()) for c in inputs if c["kind"] in _PSI_KINDS]
    if len(set(psis)) != len(psis):
        raise ModelError("a voting certificate lists each ψ once")
    done = [_voting_case(env, f, c) for c in inputs]
    return {
        "format": RP_FORMAT,
        "question": "voting",
        "statement": _voting_statement(env, f, done),
        "environment": env.to_dict(),
        "mechanism": {profile_label(th): label(f[th]) for th in env.profiles()},
        "cases": done,
    }


def _enumeration_statement(env: Environment, n: int) -> str:
    if n == 0:
        return f"No deterministic direct mechanism of {_where(env)} is ex post IR."
    what = "mechanism is" if n == 1 else "mechanisms are"
    return (f"Exactly {n} deterministic direct {what} ex post IR in {_where(env)} "
            "(every player's payoff ≥ 0 at every profile), all listed.")


def _ex_post_ir_count(env: Environment) -> int:
    """How many mechanisms :func:`ex_post_ir_deterministic` lists, without listing them."""
    n = 1
    for th in env.profiles():
        n *= sum(1 for x in env.outcomes if all(_u(env, i, x, th) >= 0 for i in range(env.n)))
    return n


def enumeration_certificate(env: Environment) -> dict[str, Any]:
    """Every deterministic direct mechanism of a finite environment that is ex post IR
    (:func:`ex_post_ir_deterministic`), listed; ``exactmd verify`` recomputes the list."""
    if _ex_post_ir_count(env) > MAX_ENUMERATION:
        raise ModelError(f"more than {MAX_ENUMERATION} ex post IR deterministic mechanisms: too many to list")
    ir = ex_post_ir_deterministic(env)
    return {
        "format": RP_FORMAT, "question": "enumeration",
        "statement": _enumeration_statement(env, len(ir)),
        "environment": env.to_dict(),
        "mechanisms": [{profile_label(th): label(x) for th, x in f.items()} for f in ir],
    }


def verify_rp_certificate(cert: Mapping[str, Any]) -> tuple[bool, str]:
    """(True, verdict) iff the certificate holds, rebuilt from the environment alone; the
    verdict is regenerated from the re-checked data and must equal the file's
    ``statement``.  For an LP question the LP inside is the LP of the environment (model,
    budget, objective, sense) and its certificate holds; for ``"check"`` the mechanism's
    rows are recomputed and the stated violations are exactly the true ones; for
    ``"voting"`` every case is recomputed; for ``"enumeration"`` the list is.  Unknown
    or missing keys, a question that does not fit the content, non-canonical numbers
    and empty evidence fail, naming the field."""
    try:
        verdict, detail = _verify_rp(cert)
        return True, f"{verdict} [{detail}]"
    except CertificateError as e:
        return False, str(e)
    except ExactMDError as e:
        return False, f"malformed renegotiation certificate: {e}"
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        return False, f"malformed renegotiation certificate: {type(e).__name__} {e}"


def _verify_rp(cert: Any) -> tuple[str, str]:
    from .lp.verify import verify_certificate

    _object(cert, "certificate")
    if cert.get("format") != RP_FORMAT:
        raise _refuse("format", f"{_clip(cert.get('format'), 60)} is not {RP_FORMAT!r}")
    q = cert.get("question")
    if not isinstance(q, str) or q not in QUESTION_KEYS:
        raise _refuse("question", f"{_clip(q, 60)} is not one of {', '.join(QUESTION_KEYS)}")
    keys = QUESTION_KEYS[q]
    for k in cert:
        if k not in keys:
            raise _refuse(k, f"unknown key for question {q!r} (its keys: {', '.join(keys)})")
    model = "complete"
    if q == "lp":
        if "model" not in cert:
            raise _refuse("model", f"missing, and question {q!r} needs it (its keys: {', '.join(keys)})")
        model = cert["model"]
        if not isinstance(model, str) or model not in MODELS:
            raise _refuse("model", f"{_clip(model, 60)} is not one of {', '.join(MODELS)}")
        if model in _NO_BUDGET:
            if "budget" in cert:
                raise _refuse("budget", f"model {model!r} (random mechanisms on a finite menu) has no transfers, so no budget")
            keys = tuple(k for k in keys if k != "budget")
    for k in keys:
        if k not in cert:
            raise _refuse(k, f"missing, and question {q!r} needs it (its keys: {', '.join(keys)})")
    if not isinstance(cert["statement"], str):
        raise _refuse("statement", "must be a string")
    try:
        env = Environment.from_dict(_object(cert["environment"], "environment"), source="certificate")
    except ExactMDError as e:
        raise _refuse("environment", str(e)) from None
    if not _same(env.to_dict(), cert["environment"]):
        raise _refuse("environment", "not in the form exactmd writes (Environment.to_dict of the environment it describes)")
    budget = cert.get("budget")
    if "budget" in keys and budget not in BUDGETS:
        raise _refuse("budget", f"{_clip(budget, 40)} is not one of {', '.join(BUDGETS)}")

    if q == "voting":
        verdict, detail = _verify_voting(env, cert)
    elif q == "enumeration":
        verdict, detail = _verify_enumeration(env, cert)
    elif q == "check":
        verdict, detail = _verify_check(env, cert, budget)
    elif q == "transfer-check":
        from .proposals import verify_transfer_check  # §4.1.1 with ψ(a, t) = (a', t'): proposals.py builds on this module

        verdict, detail = verify_transfer_check(env, cert)
    elif q == "lemma-2":
        from .proposals import verify_lemma_2

        verdict, detail = verify_lemma_2(env, cert)
    else:
        obj = _object(cert["objective"], "objective")
        terms = {}
        for v, c in obj.items():
            _number(c, f"objective[{v!r}]")
            terms[v] = c
        sense = cert["sense"]
        if sense not in ("min", "max"):
            raise _refuse("sense", f"{_clip(sense, 40)} is not 'min' or 'max'")
        if not terms and sense != "max":
            raise _refuse("sense", f"{sense!r} without an objective (a feasibility question is written 'max')")
        if q == "exists" and terms:
            raise _refuse("question", "'exists' is a feasibility question, but the certificate has an objective")
        if q in ("min", "max") and not terms:
            raise _refuse("question", f"{q!r} needs an objective, the certificate has none")
        if q in ("min", "max") and sense != q:
            raise _refuse("question", f"{q!r} is not the LP's sense {sense!r}")
        m = model_for(env, model, budget or "balanced")
        if terms:
            m.sense = sense
            try:
                m.set_objective(LinExpr({v: Q(c) for v, c in terms.items()}))
            except ExactMDError as e:
                raise _refuse("objective", str(e)) from None
        lp = _object(cert["lp"], "lp")
        if lp.get("format") != "exactmd-lp-certificate/1":
            raise _refuse("lp", f"format {_clip(lp.get('format'), 60)} is not 'exactmd-lp-certificate/1'")
        if not _same(m.to_problem(), lp.get("problem")):
            raise _refuse("lp", f"the LP in the certificate is not the {model!r} LP of the stated environment"
                          + (f" with {budget} budget" if "budget" in keys else "") + " and objective")
        if "value" in lp:
            _number(lp["value"], "lp.value")
        ok, why = verify_certificate(lp)
        if not ok:
            raise _refuse("lp", why)
        status = lp["status"]
        value = Q(lp["value"]) if status == "optimal" and terms else None
        verdict = _lp_statement(env, model, budget if "budget" in keys else None, terms, sense, status, value)
        detail = why
    if cert["statement"] != verdict:
        raise _refuse("statement", f"the file says {_clip(cert['statement'])}, the checked data give {_clip(verdict)}")
    return verdict, detail


def _verify_voting(env: Environment, cert: Mapping[str, Any]) -> tuple[str, str]:
    mech = _object(cert["mechanism"], "mechanism")
    f = {}
    for th, x in mech.items():
        if not isinstance(x, str):
            raise _refuse(f"mechanism[{th!r}]", f"{_clip(x, 40)} must be an alternative's label (a string)")
        f[env.resolve_profile(th)] = env.resolve_outcome(x)
    P = env.profiles()
    if set(f) != set(P) or len(f) != len(mech):
        raise _refuse("mechanism", "must name one alternative at every profile, each profile once")
    if not _same({profile_label(th): label(f[th]) for th in P}, dict(mech)):
        raise _refuse("mechanism", "not in the form exactmd writes (profile label -> alternative label, in profile order)")
    cases = cert["cases"]
    if not isinstance(cases, list):
        raise _refuse("cases", "must be a list")
    if not cases:
        raise _refuse("cases", "empty: nothing is certified")
    if len(cases) > MAX_CASES:
        raise _refuse("cases", f"{len(cases)} cases, more than the limit {MAX_CASES}")
    every_eq = any(isinstance(c, Mapping) and c.get("kind") == "psi-any-equilibrium" for c in cases)
    if (every_eq or not _private_values(env)) and sum(len(ts) for ts in env.types) > MAX_VOTING_TYPES:
        raise _refuse("environment", f"{'every voting equilibrium' if every_eq else 'interdependent values'} with more than "
                      f"{MAX_VOTING_TYPES} types in all: the voting-equilibrium computation enumerates 3^(types) vote assignments")
    done, seen = [], {}
    for k, case in enumerate(cases):
        field = f"cases[{k}]"
        _object(case, field)
        try:
            inputs = _case_inputs(env, f, case, field, strict=True)
        except CertificateError:
            raise
        except ExactMDError as e:
            raise _refuse(field, str(e)) from None
        ins, outs = CASE_KEYS[inputs["kind"]]
        _object(case, field, ins + outs)
        if inputs["kind"] in _PSI_KINDS:
            total = (inputs["kind"],) + tuple(inputs["psi"].values())  # total on the reached decisions
            if total in seen:
                raise _refuse(field, f"the same ψ as cases[{seen[total]}]")
            seen[total] = k
        try:
            again = _voting_case(env, f, inputs)
        except ExactMDError as e:
            raise _refuse(field, str(e)) from None
        for key in outs:
            if not _same(case[key], again[key]):
                raise _refuse(f"{field}.{key}", f"the file says {_clip(case[key], 60)}, the computation gives {_clip(again[key], 60)}")
        done.append(again)
    return _voting_statement(env, f, done), f"recomputed: {len(done)} case(s)"


def _verify_enumeration(env: Environment, cert: Mapping[str, Any]) -> tuple[str, str]:
    stated = cert["mechanisms"]
    if not isinstance(stated, list):
        raise _refuse("mechanisms", "must be a list")
    n = _ex_post_ir_count(env)
    if n > MAX_ENUMERATION:
        raise _refuse("environment", f"{n} ex post IR deterministic mechanisms, more than the limit {MAX_ENUMERATION}")
    if len(stated) != n:
        raise _refuse("mechanisms", f"{len(stated)} listed, but the environment has {n} ex post IR deterministic mechanisms")
    again = [{profile_label(th): label(x) for th, x in f.items()} for f in ex_post_ir_deterministic(env)]
    for k, (a, b) in enumerate(zip(stated, again)):
        if not _same(a, b):
            raise _refuse(f"mechanisms[{k}]", f"is not the {k}-th ex post IR deterministic mechanism {_clip(b, 80)}")
    return _enumeration_statement(env, n), f"recomputed: {n} mechanisms"


def _verify_check(env: Environment, cert: Mapping[str, Any], budget: str) -> tuple[str, str]:
    mech_d = _object(cert["mechanism"], "mechanism")
    for key, body in mech_d.items():
        field = f"mechanism[{key!r}]"
        _object(body, field, ("lottery", "transfers"))
        for a, p in _object(body["lottery"], f"{field}.lottery").items():
            _number(p, f"{field}.lottery[{a!r}]")
        if not isinstance(body["transfers"], list):
            raise _refuse(f"{field}.transfers", "must be a list")
        for k, x in enumerate(body["transfers"]):
            _number(x, f"{field}.transfers[{k}]")
    try:
        mech = DirectMechanism.from_dict(env, mech_d)
    except ExactMDError as e:
        raise _refuse("mechanism", str(e)) from None
    states = env.profiles()
    reached = {tuple(states[k] for k in r) for r in _reports(env)}
    if set(mech.table) != reached or len(mech.table) != len(mech_d):
        raise _refuse("mechanism", f"must give one outcome at each of the {len(reached)} report profiles reached by "
                      "truth-telling or one player's lie, and nowhere else")
    if not _same(mech.to_dict(), dict(mech_d)):
        raise _refuse("mechanism", "not in the form exactmd writes (DirectMechanism.to_dict)")
    if _not_a_probability(mech):
        raise _refuse("mechanism", _not_a_probability(mech))
    viol = _object(cert["violations"], "violations")
    for row, x in viol.items():
        _number(x, f"violations[{row!r}]")
    slacks = rp_slacks(mech, budget)
    if not slacks:
        raise _refuse("environment", "the LP has no rows: nothing is certified")
    bad = check_rp(mech, budget)
    true = {v.row: fmt(v.amount) for v in bad}
    for row in list(viol) + [r for r in true if r not in viol]:
        if true.get(row) != viol.get(row):
            actual = f"violated by {true[row]}" if row in true else ("holds" if row in slacks else "is not a row of the LP")
            raise _refuse(f"violations[{row!r}]", f"the file says {_clip(viol.get(row, 'holds'), 40)}, the row {actual}")
    return _check_statement(env, budget, len(mech.table), len(slacks), bad), f"recomputed: {len(slacks)} rows, {len(bad)} violated"


# ---------------------------------------------------------------------------------
# the paper's examples (complete information)
def example_1() -> Environment:
    """Example 1 (continued): buyer values 1 or 5, seller's value 2; alternatives no trade
    (0) and trade (1), any price (transfers)."""
    return Environment.quasilinear(
        [[1, 5], [2]], "uniform", [0, 1],
        lambda i, a, th: a * th[0] if i == 0 else -a * th[1],
        agents=["buyer", "seller"], name="Neeman-Pavlov Example 1",
    )


def _voting_game(env: Environment, f: Mapping[tuple, Any], d: Any,
                 psihat: Mapping[tuple, Mapping[Any, Any]] | None = None, x: Any = None) -> tuple[list[tuple], list[list[Any]]]:
    """The states of positive probability at which the mechanism reaches d (and, with an
    oracle ``psihat``, at which the oracle then proposes x), and each player's types among
    them (the players' information in the voting game at d, resp. at (d, x))."""
    supp = [th for th in env.profiles() if env.prior[th] > 0 and f[th] == d
            and (psihat is None or psihat.get(th, {}).get(d, d) == x)]
    types = [sorted({th[i] for th in supp}, key=lambda t: env.types[i].index(t)) for i in range(2)]
    return supp, types


def _voting_model(env: Environment, supp: Sequence[tuple], types: Sequence[Sequence[Any]], d: Any, proposal: Any,
                  a: Sequence[Mapping[Any, str]], strict: tuple[int, Any] | None = None) -> tuple[Any, Any, list[dict[Any, Any]]]:
    """The exact LP of the voting equilibria at d in which each type votes as ``a`` says
    (Y yes, N no, M mixing): ρ_i(t) ∈ {1, 0} or a variable in [t, 1 − t] (t the model's
    strictness variable), and the pivotal gain G_i(t) = Σ_θ_j p(t, θ_j) ρ_j(θ_j) Δ_i(t, θ_j)
    ≥ 0, ≤ 0 or = 0 (posterior ∝ prior on ``supp``); ``strict`` = (i, t): that type's
    G ≥ t.  Returns (model, t, ρ)."""
    from .lp.model import LinExpr, Model

    m = Model("max")
    tvar = m.var("t", 0, 1)
    rho: list[dict[Any, Any]] = [{}, {}]
    for i in range(2):
        for t in types[i]:
            if a[i][t] == "M":
                v = m.var(f"rho{i}[{label(t)}]", 0, 1)
                m.add(v - tvar >= 0, name=f"mix-low{i}[{label(t)}]")
                m.add(v + tvar <= 1, name=f"mix-high{i}[{label(t)}]")
                rho[i][t] = v
            else:
                rho[i][t] = LinExpr.of(1 if a[i][t] == "Y" else 0)
    for i in range(2):
        j = 1 - i
        for t in types[i]:
            G = LinExpr()
            for th in supp:
                if th[i] == t:
                    G = G + rho[j][th[j]] * (env.prior[th] * (_u(env, i, proposal, th) - _u(env, i, d, th)))
            tag = f"{i}[{label(t)}]"
            if a[i][t] == "Y":
                m.add(G - tvar >= 0 if strict == (i, t) else G >= 0, name=f"yes{tag}")
            elif a[i][t] == "N":
                m.add(G <= 0, name=f"no{tag}")
            else:
                m.add(G == 0, name=f"indifferent{tag}")
    return m, tvar, rho


def _undominated_votes(env: Environment, i: int, t: Any, d: Any, proposal: Any) -> str:
    """The votes of type t of player i at d that are not weakly dominated: voting yes
    only changes the outcome when the other votes yes, so yes is dominated when the
    switch loses in every state of positive probability (and strictly in one), no when it
    gains in every one.  Returns "N", "Y" or "YNM"."""
    ds = [_u(env, i, proposal, th) - _u(env, i, d, th) for th in env.profiles() if th[i] == t and env.prior[th] > 0]
    if ds and all(x <= 0 for x in ds) and any(x < 0 for x in ds):
        return "N"
    if ds and all(x >= 0 for x in ds) and any(x > 0 for x in ds):
        return "Y"
    return "YNM"


def _best_equilibrium_votes(env: Environment, game: tuple[list[tuple], list[list[Any]]], d: Any, proposal: Any,
                            voter: int, coef: Mapping[Any, fmpq], dominated: bool = False) -> tuple[fmpq, str]:
    """The largest Σ_t coef[t]·ρ_voter(t) over the voting equilibria at the on-path decision
    d in which no type casts a weakly dominated vote (``dominated=True``: over every
    voting equilibrium) — the supremum over the equilibria of each vote assignment is the
    LP maximum over their closure — with a description."""
    from .lp.model import LinExpr

    supp, types = game
    choices = [["YNM" if dominated else _undominated_votes(env, i, t, d, proposal) for t in types[i]] for i in range(2)]
    best: fmpq | None = None
    what = ""
    for assign in itertools.product(*choices[0], *choices[1]):
        a = [dict(zip(types[0], assign[:len(types[0])])), dict(zip(types[1], assign[len(types[0]):]))]
        m, tvar, rho = _voting_model(env, supp, types, d, proposal, a)
        m.maximize(tvar)  # the assignment has an equilibrium iff t can be > 0 (or = 0 without mixing)
        res = m.solve()
        if res.status.value != "optimal" or (res.value == 0 and "M" in assign):
            continue
        obj = LinExpr()
        for t, c in coef.items():
            obj = obj + rho[voter][t] * c
        val = obj.const
        if obj.terms:  # the objective's constant is not part of the LP
            m.maximize(LinExpr(obj.terms))
            val += m.solve().value
        if best is None or val > best:
            best = val
            what = ", ".join(f"{label(t)}: {a[voter][t]}" for t in types[voter])
    return (fmpq(0), "") if best is None else (best, what)


def deviation_gain(env: Environment, f: Mapping[tuple, Any], psi: Mapping[Any, Any],
                   psihat: Mapping[tuple, Mapping[Any, Any]] | None = None, votes: str = "undominated") -> tuple[fmpq, str]:
    """Condition (2) of §4.1.1 for two players with any values (private or interdependent):
    the largest gain, over every type, misreport and voting equilibrium, from misreporting
    and then voting, and its description ("" if no deviation gains).

    After a misreport the mechanism reaches d' = f(θ'_i, θ_j).  Where type θ_j of the other
    player reaches d' on the equilibrium path, its vote is that of a voting equilibrium at
    d' (the definition quantifies over every equilibrium: the one best for the deviator is
    taken, by exact LPs over each assignment of votes, weakly dominated votes excluded);
    where it does not, its belief is free and it may vote yes iff the switch does not lose
    at some type of the deviator (a belief on that type makes yes a best response).  The
    deviator votes yes at d' iff that gains in expectation.  Truth-telling payoffs are
    those of the mechanism's decisions (condition (1) excludes switches that change them).

    With an oracle ``psihat`` (state ↦ decision ↦ proposal; ``psi`` is then ignored) the
    proposal after a misreport is ψ̂(true state, d'): the players vote knowing (d', x),
    and the voting games are indexed by the pair — the same computation, for ex post
    oracle renegotiation-proofness (§4.1.1) with any values.

    ``votes="any"`` (reading ``votes=any-equilibrium``): every voting equilibrium counts,
    weakly dominated votes included — a type that is never pivotal may vote for a switch
    it loses from, and an off-path type may vote yes whatever the switch does to it."""
    if env.n != 2:
        raise ModelError("deviation_gain decides two-player voting games")
    if votes not in ("undominated", "any"):
        raise ModelError(f"votes={votes!r} must be 'undominated' or 'any'")
    anyvote = votes == "any"
    best, what = fmpq(0), ""
    for i in range(2):
        j = 1 - i
        for ti in env.types[i]:
            cond = _cond_others(env, i, ti)
            if not cond:
                continue
            truth = sum((w * _u(env, i, f[th], th) for th, w in cond), fmpq(0))
            for tr in env.types[i]:
                total = fmpq(0)
                by_decision: dict[Any, list[tuple[tuple, fmpq]]] = {}
                for th, w in cond:
                    d = f[th[:i] + (tr,) + th[i + 1:]]
                    total += w * _u(env, i, d, th)
                    x = psi.get(d, d) if psihat is None else psihat.get(th, {}).get(d, d)
                    by_decision.setdefault((d, x), []).append((th, w))
                parts = []
                for (d, x), states in by_decision.items():
                    if x == d:
                        continue
                    game = _voting_game(env, f, d, psihat, x)
                    on_path = set(game[1][j])
                    coef: dict[Any, fmpq] = {}
                    off = fmpq(0)
                    for th, w in states:
                        g = w * (_u(env, i, x, th) - _u(env, i, d, th))
                        if th[j] in on_path:
                            coef[th[j]] = coef.get(th[j], fmpq(0)) + g
                        elif g > 0 and (anyvote or any(env.prior[o] > 0 and _u(env, j, x, o) >= _u(env, j, d, o)
                                                       for o in env.profiles() if o[j] == th[j])):
                            off += g
                    on, cast = _best_equilibrium_votes(env, game, d, x, j, coef, anyvote) if coef else (fmpq(0), "")
                    if on + off > 0:
                        total += on + off
                        parts.append(f"at {label(d)} the switch to {label(x)} adds {fmt(on + off)}"
                                     + (f" ({env.agents[j]} votes {cast})" if cast else ""))
                if total - truth > best:
                    best = total - truth
                    what = (f"type {label(ti)} of {env.agents[i]} reports {label(tr)} and renegotiates: expected payoff "
                            f"{fmt(total)} against {fmt(truth)} when truthful" + ("; " + "; ".join(parts) if parts else ""))
    return best, what


def switching_equilibrium(env: Environment, f: Mapping[tuple, Any], d: Any, proposal: Any,
                          psihat: Mapping[tuple, Mapping[Any, Any]] | None = None) -> str:
    """Condition (1) of §4.1.1 at one reached decision, for two players with any values
    (private or interdependent, both possibly informed): is there a voting equilibrium —
    mixed strategies allowed — in which (i) the switch from ``d`` to ``proposal`` happens
    with positive probability and (ii) some type strictly gains from it when pivotal?

    The posterior is the prior on f⁻¹(d).  Player i's type t votes yes with probability
    ρ_i(t); its pivotal gain G_i(t) = Σ_θ_j q(t, θ_j) ρ_j(θ_j) Δ_i(t, θ_j) is linear in the
    other player's ρ_j, so for every assignment of each type to yes / no / mixing the
    equilibrium conditions (G ≥ 0, ≤ 0, = 0 with 0 < ρ < 1) are linear: each assignment in
    which some yes-type of each player meet at a state of positive posterior, and each
    candidate type for (ii), is one exact strict-feasibility LP.  Returns a description of
    an equilibrium, or "" if none exists.  With an oracle ``psihat`` the game is the one
    at (d, proposal): the states at which f reaches d and the oracle proposes it."""
    from .lp.model import LinExpr

    if env.n != 2:
        raise ModelError("switching_equilibrium decides two-player voting games")
    supp, types = _voting_game(env, f, d, psihat, proposal)
    if not supp:
        return ""
    for assign in itertools.product("YNM", repeat=len(types[0]) + len(types[1])):
        a = [dict(zip(types[0], assign[:len(types[0])])), dict(zip(types[1], assign[len(types[0]):]))]
        if not any(a[0][th[0]] != "N" and a[1][th[1]] != "N" for th in supp):
            continue  # the switch never happens
        for strict_i in range(2):
            for strict_t in types[strict_i]:
                if a[strict_i][strict_t] != "Y":
                    continue
                m, tvar, _ = _voting_model(env, supp, types, d, proposal, a, (strict_i, strict_t))
                m.maximize(LinExpr.of(tvar))
                res = m.solve()
                if res.status.value == "optimal" and res.value > 0:
                    def show(i: int) -> str:
                        return ", ".join(f"{label(t)}: {a[i][t] if a[i][t] != 'M' else fmt(res.primal[f'rho{i}[{label(t)}]'])}" for t in types[i])
                    return (f"votes (Y yes, N no, or the probability of yes) — {env.agents[0]}: {show(0)}; {env.agents[1]}: {show(1)}; "
                            f"type {label(strict_t)} of {env.agents[strict_i]} strictly gains when pivotal")
    return ""


def ex_post_ir_deterministic(env: Environment) -> list[dict[tuple, Any]]:
    """Every deterministic direct mechanism (profile ↦ alternative, finite alternatives)
    that gives every player a non-negative payoff at every profile, in a fixed order."""
    P = env.profiles()
    opts = [[x for x in env.outcomes if all(_u(env, i, x, th) >= 0 for i in range(env.n))] for th in P]
    return [dict(zip(P, choice)) for choice in itertools.product(*opts)]


def first_breaking_psi(env: Environment, f: Mapping[tuple, Any]) -> dict[Any, Any] | None:
    """The first ψ (reached decision ↦ alternative, in product order) against which
    truth-telling in ``f`` is not ex post RP; None if there is none."""
    reach = list(dict.fromkeys(f[th] for th in env.profiles()))
    for choice in itertools.product(env.outcomes, repeat=len(reach)):
        psi = dict(zip(reach, choice))
        if not rp_against_psi(env, f, psi).holds:
            return psi
    return None


def example_5_environment(prices: Sequence[Any]) -> Environment:
    """Example 5 with the prices restricted to a finite menu in [2, 5]: buyer values 1 or 5,
    seller costs 2 or 6, equally likely and independent; alternatives "no trade" and
    "trade at p" (the buyer pays p to the seller), p in ``prices``."""
    ps = [Q(p, name="price") for p in prices]
    if any(not (2 <= p <= 5) for p in ps):
        raise ModelError(f"Example 5's prices lie in [2, 5]; got {[fmt(p) for p in ps]}")
    X = ["no trade"] + [f"trade at {fmt(p)}" for p in ps]
    pr = dict(zip(X[1:], ps))

    def u(i: int, x: str, th: tuple) -> Any:
        if x == "no trade":
            return 0
        return th[0] - pr[x] if i == 0 else pr[x] - th[1]

    return Environment.finite([[1, 5], [2, 6]], "uniform", X, u, agents=["buyer", "seller"],
                              name=f"Example 5, prices {', '.join(fmt(p) for p in ps)}")


def example_2() -> Environment:
    """Example 2: buyer values 1 or 5, seller values 2 or 6; no trade or trade at any price."""
    return Environment.quasilinear(
        [[1, 5], [2, 6]], "uniform", [0, 1],
        lambda i, a, th: a * th[0] if i == 0 else -a * th[1],
        agents=["buyer", "seller"], name="Neeman-Pavlov Example 2",
    )

