"""The planner's problem: optimal and feasible direct mechanisms, with certificates.

:func:`optimal_mechanism` maximises (or minimises) an objective over the direct
mechanisms that satisfy chosen constraint families (:mod:`exactmd.constraints`) and
returns the exact value, the mechanism, and a *mechanism certificate*;
:func:`feasible_mechanism` returns a witness mechanism or a Farkas certificate that
none exists.

A mechanism certificate (format ``exactmd-mechanism-certificate/1``, documented in
``docs/certificates.md``) holds the environment, the belief, the constraint names, the
objective and the LP certificate.  :func:`verify_mechanism_certificate` rebuilds the LP
from the environment alone, checks that it is the LP inside the certificate, and
re-checks the LP certificate with the independent verifier — so the claim ("no IC,
IR, budget-balanced, efficient mechanism exists here") is proved by the file alone.

Objectives: ``"planner"`` — v(f, p) = Σ_θ p(θ) Σ_x v(x, θ) f(x : θ) (Vartiainen §2);
``"welfare"`` — Σ_θ p(θ) Σ_i U_i(θ | θ); ``"agent:NAME"`` — Σ_θ p(θ) U_i(θ | θ);
``"revenue"`` — −Σ_θ p(θ) Σ_i t_i(θ) (quasilinear); or a mapping variable → coefficient.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from .belief import Belief
from .constraints import (
    Row,
    _payoff,
    fvar,
    parse_constraints,
    probability_rows,
    qvar,
    rows,
    tvar,
    variables,
)
from .environment import Environment, QLOutcome
from .errors import CertificateError, ModelError
from .mechanism import OutcomeFunction
from .rational import Q, fmt

__all__ = [
    "DesignResult",
    "build_problem",
    "optimal_mechanism",
    "feasible_mechanism",
    "mechanism_from_primal",
    "verify_mechanism_certificate",
    "MECHANISM_FORMAT",
    "verify_document",
]

MECHANISM_FORMAT = "exactmd-mechanism-certificate/1"


def _objective(env: Environment, objective: Any, p: Belief) -> dict[str, fmpq]:
    acc: dict[str, fmpq] = {}

    def add(v: str, c: fmpq) -> None:
        acc[v] = acc.get(v, fmpq(0)) + c

    if objective is None or objective == "none":
        return {}
    if isinstance(objective, Mapping):
        known = {name for name, _, _ in variables(env)}
        for v, c in objective.items():
            if v not in known:
                raise ModelError(f"objective uses unknown mechanism variable {v!r}")
            add(v, Q(c, name=f"objective[{v}]"))
        return {v: c for v, c in acc.items() if c != 0}
    if not isinstance(objective, str):
        raise ModelError(f"objective={objective!r} must be 'planner', 'welfare', 'agent:NAME', 'revenue' or a mapping")
    var = fvar if env.kind == "finite" else qvar
    if objective == "planner":
        for th in p.support():
            for x in env.outcomes:
                add(var(x, th), p[th] * env.value(x, th))
    elif objective == "welfare":
        for th in p.support():
            for i in range(env.n):
                for v, c in _payoff(env, i, th, th).items():
                    add(v, p[th] * c)
    elif objective.startswith("agent:"):
        name = objective.split(":", 1)[1]
        if name not in env.agents:
            raise ModelError(f"objective {objective!r}: unknown agent {name!r}; agents are {list(env.agents)}")
        i = env.agents.index(name)
        for th in p.support():
            for v, c in _payoff(env, i, th, th).items():
                add(v, p[th] * c)
    elif objective == "revenue":
        if env.kind != "quasilinear":
            raise ModelError("objective 'revenue' needs a quasilinear environment")
        for th in p.support():
            for i in range(env.n):
                add(tvar(env, i, th), -p[th])
    else:
        raise ModelError(f"objective={objective!r} must be 'planner', 'welfare', 'agent:NAME', 'revenue' or a mapping")
    return {v: c for v, c in acc.items() if c != 0}


def _bound(x: fmpq | None) -> str | None:
    return None if x is None else fmt(x)


def build_problem(
    env: Environment,
    constraints: Iterable[Any] | str,
    objective: Any = "planner",
    *,
    belief: Belief | None = None,
    sense: str = "max",
    extra_rows: Iterable[Row] = (),
) -> tuple[dict[str, Any], list[Row]]:
    """The LP (certificate ``problem`` object) of the mechanism question, and its rows.

    Rows are the probability rows ``prob[θ]`` followed by each family's rows, in order.
    """
    if sense not in ("max", "min"):
        raise ModelError(f"sense={sense!r} must be 'max' or 'min'")
    p = env.prior if belief is None else belief
    rs = probability_rows(env) + rows(env, constraints, p) + list(extra_rows)
    obj = _objective(env, objective, p)
    text: dict[int, str] = {}  # fmt by object: rows share their coefficient objects (all alive here)
    look = text.__getitem__

    def f(coeffs: dict[str, fmpq]) -> dict[str, str]:
        try:  # at C speed when every coefficient object has been printed before
            return dict(zip(coeffs, map(look, map(id, coeffs.values()))))
        except KeyError:
            for c in coeffs.values():
                if id(c) not in text:
                    text[id(c)] = fmt(c)
            return dict(zip(coeffs, map(look, map(id, coeffs.values()))))

    problem = {
        "sense": sense,
        "variables": {name: [_bound(lo), _bound(hi)] for name, lo, hi in variables(env)},
        "objective": {v: fmt(c) for v, c in obj.items()},
        "constraints": [
            {"name": r.label, "coeffs": f(r.coeffs), "op": r.op, "rhs": fmt(r.rhs)}
            for r in rs
        ],
    }
    return problem, rs


def mechanism_from_primal(env: Environment, primal: Mapping[str, Any]) -> OutcomeFunction:
    """The outcome function encoded by LP variable values (see :mod:`exactmd.constraints`)."""
    table = {}
    for th in env.profiles():
        lot: dict[Any, fmpq] = {}
        if env.kind == "finite":
            for x in env.outcomes:
                q = Q(primal.get(fvar(x, th), 0))
                if q != 0:
                    lot[x] = q
        else:
            t = tuple(Q(primal.get(tvar(env, i, th), 0)) for i in range(env.n))
            for a in env.outcomes:
                q = Q(primal.get(qvar(a, th), 0))
                if q != 0:
                    lot[QLOutcome(a, t)] = q
        table[th] = lot
    return OutcomeFunction(env, table)


@dataclass(frozen=True)
class DesignResult:
    """The answer to a mechanism question, with its evidence.

    ``status`` is ``"optimal"``, ``"infeasible"`` or ``"unbounded"`` (of the LP);
    ``value`` the exact optimum (None unless optimal); ``mechanism`` a witness
    (optimal or feasible); ``lp`` the :class:`~exactmd.lp.LPResult`; ``certificate``
    the mechanism certificate (JSON-ready dict).
    """

    question: str
    status: str
    value: fmpq | None
    mechanism: OutcomeFunction | None
    lp: Any
    certificate: dict[str, Any]
    constraints: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        return self.status != "infeasible"

    def to_json(self) -> str:
        from .lp.solution import dump_json

        return dump_json(self.certificate)

    def explain(self) -> str:
        from .lp import explain_certificate

        return self.certificate["statement"] + "\n" + explain_certificate(self.certificate["lp"])

    def verify(self) -> None:
        ok, why = verify_mechanism_certificate(self.certificate)
        if not ok:
            raise CertificateError(why)


def _statement(env: Environment, question: str, status: str, names: list[str], objective: Any, value: Any, sense: str) -> str:
    where = f"environment {env.name!r}" if env.name else "this environment"
    cons = ", ".join(names) if names else "no constraints"
    if status == "infeasible":
        return f"No mechanism satisfies {cons} in {where}."
    if question == "feasible":
        return f"A mechanism satisfying {cons} exists in {where} (witness given)."
    if status == "unbounded":
        return f"The objective {objective!r} is unbounded under {cons} in {where}."
    word = "maximum" if sense == "max" else "minimum"
    obj = {"planner": "the planner's expected value", "welfare": "expected welfare", "revenue": "expected revenue"}.get(
        objective, objective) if isinstance(objective, str) else "the given objective"
    return f"The {word} of {obj} under {cons} in {where} is {fmt(value)}."


def _solve(env: Environment, question: str, constraints: Any, objective: Any, belief: Belief | None, sense: str, solve_kwargs: dict) -> DesignResult:
    from .lp import solve_problem

    fams = parse_constraints(constraints)
    names = [f.name for f in fams]
    specs = [f.spec() for f in fams]
    problem, rows_ = build_problem(env, fams, objective, belief=belief, sense=sense)
    lazy = solve_kwargs.pop("lazy", True)
    initial = _initial_rows(env, rows_)
    if lazy and len(initial) < len(rows_):
        from .lp.lazy import solve_lazy

        parsed = [(r.label, r.coeffs, r.op, r.rhs) for r in rows_]
        del rows_
        res = solve_lazy(problem, initial, parsed=parsed, share_problem=True, **solve_kwargs)
        del parsed
    else:
        del rows_
        res = solve_problem(problem, **solve_kwargs)
    status = res.status.value
    mech = mechanism_from_primal(env, res.primal) if res.primal is not None else None
    value = res.value if status == "optimal" else None
    cert = {
        "format": MECHANISM_FORMAT,
        "question": question,
        "statement": _statement(env, question, status, names, objective, value, sense),
        "environment": env.to_dict(),
        "belief": None if belief is None else belief.to_dict(),
        "constraints": specs,
        "objective": objective if isinstance(objective, (str, type(None))) else {k: fmt(Q(v)) for k, v in objective.items()},
        "sense": sense,
        "lp": res._cert,  # shared with the LPResult (both frozen by convention); no copy of a large LP
    }
    if mech is not None:
        cert["mechanism"] = mech.to_dict()
    return DesignResult(question, status, value, mech, res, cert, tuple(names))


def _initial_rows(env: Environment, rows_: list[Row]) -> set[str]:
    """Rows to start lazy generation from: every row except the non-adjacent IC rows
    (a misreport to a type that is not next to the true one in the agent's type list)."""
    out = set()
    for r in rows_:
        if r.family in ("IC", "veto-IC"):
            ts = env.types[r.meta["agent"]]
            if abs(ts.index(r.meta["type"]) - ts.index(r.meta["report"])) > 1:
                continue
        out.add(r.label)
    return out


def optimal_mechanism(
    env: Environment,
    constraints: Iterable[Any] | str = ("IC", "interim-IR"),
    objective: Any = "planner",
    *,
    belief: Belief | None = None,
    sense: str = "max",
    **solve_kwargs: Any,
) -> DesignResult:
    """The best direct mechanism under ``constraints`` for ``objective``, exactly.

    Incentive rows are generated lazily (adjacent misreports first, then every row
    violated at the current solution, until none is); the certificate is always for the
    full LP.  Pass ``lazy=False`` to solve the full LP at once.

    >>> from exactmd.environment import Environment
    >>> env = Environment.quasilinear([[0, 1], [0, 1]], "uniform", [0, 1],
    ...     lambda i, a, th: a * th[0] if i == 0 else -a * th[1], agents=["b", "s"])
    >>> r = optimal_mechanism(env, ["IC", "interim-IR", "BB"])
    >>> r.status, r.value
    ('optimal', 1/4)
    """
    return _solve(env, "optimal", constraints, objective, belief, sense, solve_kwargs)


def feasible_mechanism(
    env: Environment,
    constraints: Iterable[Any] | str,
    *,
    belief: Belief | None = None,
    **solve_kwargs: Any,
) -> DesignResult:
    """A mechanism satisfying ``constraints`` (``status == "optimal"``, witness in
    ``.mechanism``), or ``status == "infeasible"`` with a Farkas certificate that none exists."""
    return _solve(env, "feasible", constraints, None, belief, "max", solve_kwargs)


def verify_mechanism_certificate(cert: Mapping[str, Any]) -> tuple[bool, str]:
    """True iff the certificate's LP is the LP of its stated question and the LP certificate holds."""
    from .lp.verify import verify_certificate

    try:
        if cert.get("format") != MECHANISM_FORMAT:
            return False, f"format {cert.get('format')!r} is not {MECHANISM_FORMAT!r}"
        env = Environment.from_dict(cert["environment"], source="certificate")
        belief = None if cert.get("belief") is None else Belief(env.types, cert["belief"], name="belief")
        problem, _ = build_problem(env, cert["constraints"], cert.get("objective"), belief=belief, sense=cert.get("sense", "max"))
        lp = cert["lp"]
        if not _same_problem(problem, lp.get("problem")):
            return False, "the LP in the certificate is not the LP of the stated question"
        ok, why = verify_certificate(lp)
        if not ok:
            return False, why
        status = lp.get("status")
        q = cert.get("question")
        if q == "feasible" and status not in ("optimal", "infeasible"):
            return False, f"a feasibility question cannot have LP status {status!r}"
        if "mechanism" in cert:
            from .constraints import check

            mech = OutcomeFunction.from_dict(env, cert["mechanism"])
            primal = lp.get("primal") if lp.get("status") == "optimal" else None
            if primal is None or mechanism_from_primal(env, primal).to_dict() != mech.to_dict():
                # not the LP's own (verified feasible) point: check every constraint directly
                rep = check(mech, cert["constraints"], belief)
                if not rep.ok:
                    return False, f"the stated mechanism violates {rep.violations[0]}"
            for fam in cert.get("violates", []):
                bad = check(mech, [fam], belief)
                if bad.ok:
                    return False, f"the stated counterexample does not violate {fam}"
        elif cert.get("violates"):
            return False, "'violates' is given but no mechanism is stated"
        return True, f"{cert.get('statement', '')} [{why}]"
    except (KeyError, TypeError, AttributeError) as e:
        return False, f"malformed mechanism certificate: {type(e).__name__} {e}"
    except ModelError as e:
        return False, f"malformed mechanism certificate: {e}"


def _same_problem(built: Mapping[str, Any], stated: Any) -> bool:
    """The stated LP is the built one: same sense, bounds, rows (names, coefficients as
    written, ops, right-hand sides) and objective (zero coefficients aside).  The rows
    are compared as JSON values in one C-level comparison; a mismatch is re-checked in
    the canonical form."""
    if not isinstance(stated, Mapping):
        return False
    if (built.get("sense") == stated.get("sense") and built.get("constraints") == stated.get("constraints")
            and built.get("variables") == stated.get("variables")
            and _canon_objective(built) == _canon_objective(stated)):
        return True
    return _canon(built) == _canon(stated)


def _canon_objective(problem: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (problem.get("objective") or {}).items() if Q(v) != 0}


def _canon(problem: Any) -> Any:
    if not isinstance(problem, Mapping):
        return None
    return {
        "sense": problem.get("sense"),
        "variables": {k: list(v) for k, v in problem.get("variables", {}).items()},
        "objective": {k: v for k, v in problem.get("objective", {}).items() if Q(v) != 0},
        "constraints": [
            (c["name"], {k: v for k, v in c["coeffs"].items()}, c["op"], c["rhs"]) for c in problem.get("constraints", [])
        ],
    }


def verify_document(doc: Any) -> tuple[bool, str]:
    """Verify any certificate exactmd writes, dispatching on its ``format``.

    ``exactmd-lp-certificate/1`` → :func:`exactmd.lp.verify.verify_certificate`;
    ``exactmd-mechanism-certificate/1`` → :func:`verify_mechanism_certificate`.
    """
    from .lp.verify import verify_certificate

    if not isinstance(doc, Mapping):
        return False, "a certificate must be a JSON object"
    fmt_ = doc.get("format")
    if fmt_ == "exactmd-lp-certificate/1":
        return verify_certificate(dict(doc))
    if fmt_ == MECHANISM_FORMAT:
        return verify_mechanism_certificate(doc)
    if fmt_ == "exactmd-symbolic-check/1":
        from .symbolic import verify_symbolic

        return verify_symbolic(dict(doc))
    if fmt_ == "exactmd-renegotiation-certificate/1":
        # defined by a higher layer; imported only to verify its own documents
        from .renegotiation import verify_rp_certificate

        return verify_rp_certificate(doc)
    if fmt_ == "exactmd-commitment-certificate/1":
        from .commitment import verify_commitment_certificate

        return verify_commitment_certificate(doc)
    return False, f"unknown certificate format {fmt_!r}"
