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
from dataclasses import dataclass, field
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
from .custom_families import custom_names, file_families, refuse_custom
from .encoding import MechanismEncoding
from .families import family_words
from .environment import Environment
from .errors import CertificateError, ExactMDError, ModelError
from .mechanism import OutcomeFunction
from .notebook import Card, Displayable, mechanism_part
from .progress import finish, step
from .rational import Q, fmt, is_rational_string
from .lp import explain_certificate, solve_problem
from .lp.lazy import solve_lazy
from .lp.checker import check_certificate, message
from .constraints import check
from .lp.solution import LPResult, Status, dump_json

__all__ = [
    "DesignResult",
    "MechanismLP",
    "Status",
    "build_problem",
    "optimal_mechanism",
    "feasible_mechanism",
    "verify_mechanism_certificate",
    "MECHANISM_FORMAT",
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


@dataclass(frozen=True, eq=False)
class MechanismLP:
    """The LP of a mechanism question with the map back to mechanisms.

    ``problem`` is the ``exactmd-lp-problem/1`` object (as a certificate holds it);
    ``rows`` the exact :class:`~exactmd.constraints.Row` objects in its order (the
    probability rows ``prob[θ]``, then each family's rows); ``encoding`` the
    :class:`~exactmd.encoding.MechanismEncoding` of its variables, so that
    ``lp.mechanism(primal)`` is the outcome function an LP point encodes.
    """

    problem: dict[str, Any]
    rows: list[Row]
    encoding: MechanismEncoding

    def mechanism(self, primal: Mapping[str, Any]) -> OutcomeFunction:
        return self.encoding.mechanism(primal)


def build_problem(
    env: Environment,
    constraints: Iterable[Any] | str,
    objective: Any = "planner",
    *,
    belief: Belief | None = None,
    sense: str = "max",
    extra_rows: Iterable[Row] = (),
) -> MechanismLP:
    """The LP of the mechanism question, its rows and its encoding (:class:`MechanismLP`).

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

    enc = MechanismEncoding(env)
    problem = {
        "sense": sense,
        "variables": {name: [_bound(lo), _bound(hi)] for name, lo, hi in enc.variables()},
        "objective": {v: fmt(c) for v, c in obj.items()},
        "constraints": [
            {"name": r.label, "coeffs": f(r.coeffs), "op": r.op, "rhs": fmt(r.rhs)}
            for r in rs
        ],
    }
    return MechanismLP(problem, rs, enc)


_WORD = {"farkas": "Farkas"}


@dataclass(frozen=True)
class DesignResult(Displayable):
    """The answer to a mechanism question, with its evidence (frozen).

    ``question`` is ``"optimal"`` or ``"feasible"``; ``status`` a
    :class:`~exactmd.lp.Status` (a string enum: ``status == "optimal"`` holds, and it
    prints as ``optimal``): the LP's status, except that a feasibility question answered
    with a witness has status ``feasible`` (its LP, ``lp.status``, is ``optimal``);
    ``value`` the exact optimum (None unless optimal);
    ``mechanism`` a witness (optimal or feasible); ``lp`` the
    :class:`~exactmd.lp.LPResult`; ``certificate`` the mechanism certificate (JSON-ready
    dict); ``constraints`` the family names; ``method`` the LP method that gave the
    answer (e.g. ``"exact-simplex/dantzig+bland+lazy-rows(2 rounds)"``) and ``options``
    the solver options it was asked with.
    """

    question: str
    status: Status
    value: fmpq | None
    mechanism: OutcomeFunction | None
    lp: LPResult
    certificate: dict[str, Any]
    constraints: tuple[str, ...]
    method: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        v = "" if self.value is None else f", value={fmt(self.value)}"
        rows, _ = self.lp.size()
        name, ev = self.lp.evidence()
        nz = sum(1 for q in ev.values() if q != 0)
        profiles = len(self.mechanism.profiles()) if self.mechanism is not None else None
        where = f", {profiles:,} profiles" if profiles is not None else ""
        return (f"DesignResult({self.question}, status={self.status}{v}{where}, constraints={','.join(self.constraints)}, "
                f"certificate: {rows:,} rows, {nz:,} nonzero {_WORD.get(name, name)})")

    def _card(self) -> Card:
        rows, cols = self.lp.size()
        name, ev = self.lp.evidence()
        nz = sum(1 for q in ev.values() if q != 0)
        facts: tuple[tuple[str, Any], ...] = (("status", str(self.status)),)
        if self.value is not None:
            facts += (("value", self.value),)
        facts += (("constraints", ", ".join(self.constraints)),
                  ("certificate", f"{self.certificate['format']}: LP of {rows:,} rows × {cols:,} variables, "
                                  f"{nz:,} nonzero {_WORD.get(name, name)} multipliers, verified"),
                  ("method", self.method))
        if self.mechanism is None:  # the proof that none exists (or the ray): the rows with their weights
            tabs = [t for t in self.lp.tables() if not t[0].startswith("primal")]
            return Card(self.certificate["statement"], facts, tuple((h, t) for h, t, _ in tabs),
                        more=tuple((h, n) for h, _, n in tabs if n))
        return Card(self.certificate["statement"], facts, **mechanism_part(self.mechanism))

    @property
    def feasible(self) -> bool:
        return self.status != "infeasible"

    def to_json(self) -> str:
        return dump_json(self.certificate)

    def explain(self) -> str:
        return self.certificate["statement"] + "\n" + explain_certificate(self.certificate["lp"])

    def counterexample(self, violates: Iterable[Any]) -> dict[str, Any]:
        """The certificate with ``violates``: it also proves that the mechanism given breaks
        each of these constraint families (the statement says so)."""
        if self.mechanism is None:
            raise ModelError("a counterexample needs a mechanism; this answer has none")
        fams = parse_constraints(violates)
        if not fams:
            raise ModelError("violates must name at least one constraint family")
        belief = None if self.certificate["belief"] is None else Belief(self.mechanism.env.types, self.certificate["belief"], name="belief")
        for f in fams:
            if check(self.mechanism, [f], belief).ok:
                raise ModelError(f"the mechanism satisfies {f.name}: not a counterexample")
        c = self.certificate
        specs = [f.spec() for f in fams]
        value = self.value if self.question == "optimal" else None
        stmt = _statement(self.mechanism.env, self.question, self.status, c["constraints"], c["objective"], value,
                          c["sense"], belief, specs)
        return dict(c, statement=stmt, violates=specs)

    def verify(self) -> None:
        ok, why = verify_mechanism_certificate(self.certificate)
        if not ok:
            raise CertificateError(why)


_OBJECTIVE_WORDS = {"planner": "the planner's expected value", "welfare": "expected welfare", "revenue": "expected revenue"}


def _family_words(spec: Any) -> str:
    if isinstance(spec, Mapping) and spec.get("family") == "fixed":  # Fixed: {"family": "fixed", "values": {...}}
        n = len(spec.get("values") or {})
        return f"{n} fixed variable value{'s' if n != 1 else ''}"
    if isinstance(spec, Mapping):  # another parametrised family (exactmd.families)
        return family_words(spec)
    return str(spec)


def _objective_words(objective: Any) -> str:
    if isinstance(objective, str):
        if objective.startswith("agent:"):
            return f"the expected payoff of agent {objective.split(':', 1)[1]!r}"
        return _OBJECTIVE_WORDS.get(objective, repr(objective))
    terms = [(v, Q(c)) for v, c in (objective or {}).items() if Q(c) != 0]
    if not terms:
        return "the zero objective"
    if len(terms) > 4:
        return f"a linear objective ({len(terms)} terms, listed in the certificate)"
    text = ""
    for k, (v, c) in enumerate(terms):
        sign = "-" if c < 0 else "+"
        a = abs(c)
        term = v if a == 1 else f"{fmt(a)}·{v}"
        text += (f"-{term}" if sign == "-" else term) if k == 0 else f" {sign} {term}"
    return f"the objective {text}"


def _belief_words(belief: Belief) -> str:
    d = belief.to_dict()
    if len(d) > 8:
        return f"the belief given in the certificate ({len(d)} profiles in its support)"
    return "the belief {" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"


def _statement(env: Environment, question: str, status: str, constraints: list[Any], objective: Any, value: Any,
               sense: str, belief: Belief | None = None, violates: list[Any] | None = None) -> str:
    """The claim a mechanism certificate proves, in words (written by :func:`_solve` and
    regenerated by :func:`verify_mechanism_certificate` from the checked fields: a file whose
    ``statement`` differs from this text is refused).

    ``constraints`` and ``violates`` are family specs (names, or the table of a ``fixed``
    family); ``value`` is the LP's optimum (``status == "optimal"``, question ``"optimal"``).
    """
    if env.name:
        where = f"environment {env.name!r}"
    else:
        where = f"the unnamed environment with {env.n} agent{'s' if env.n != 1 else ''} and {len(env.profiles())} type profiles"
    if belief is not None:
        where += f" with {_belief_words(belief)} in place of the prior"
    cons = ", ".join(map(_family_words, constraints)) if constraints else "no constraints"
    if status == "infeasible":
        text = f"No mechanism satisfies {cons} in {where}."
    elif question == "feasible":
        text = f"A mechanism satisfying {cons} exists in {where} (witness given)."
    elif status == "unbounded":
        obj = _objective_words(objective)
        text = f"{obj[0].upper()}{obj[1:]} is unbounded {'above' if sense == 'max' else 'below'} under {cons} in {where}."
    else:
        word = "maximum" if sense == "max" else "minimum"
        text = f"The {word} of {_objective_words(objective)} under {cons} in {where} is {fmt(value)}."
    if violates:
        text += f" The mechanism given violates {', '.join(map(_family_words, violates))}."
    return text


def _solve(env: Environment, question: str, constraints: Any, objective: Any, belief: Belief | None, sense: str, solve_kwargs: dict) -> DesignResult:
    fams = parse_constraints(constraints)
    names = [f.name for f in fams]
    specs = [f.spec() for f in fams]
    step("design", None, None, f"building the LP ({len(env.profiles()):,} type profiles)")
    built = build_problem(env, fams, objective, belief=belief, sense=sense)
    problem, rows_ = built.problem, built.rows
    step("design", None, None, f"solving the LP ({len(rows_):,} rows × {len(problem['variables']):,} variables)")
    options = dict(solve_kwargs)
    lazy = solve_kwargs.pop("lazy", True)
    initial = _initial_rows(env, rows_)
    if lazy and len(initial) < len(rows_):
        parsed = [(r.label, r.coeffs, r.op, r.rhs) for r in rows_]
        del rows_
        res = solve_lazy(problem, initial, parsed=parsed, share_problem=True, **solve_kwargs)
        del parsed
    else:
        del rows_
        res = solve_problem(problem, **solve_kwargs)
    finish("design")
    status = res.status
    if question == "feasible" and status == "optimal":  # the answer says feasible; the LP (and its certificate) optimal
        status = Status.FEASIBLE
    mech = built.mechanism(res.primal) if res.primal is not None else None
    value = res.value if status == "optimal" else None
    cert = {
        "format": MECHANISM_FORMAT,
        "question": question,
        "statement": _statement(env, question, status, specs, objective, value, sense, belief),
        "environment": env.to_dict(),
        "belief": None if belief is None else belief.to_dict(),
        "constraints": specs,
        "objective": objective if isinstance(objective, (str, type(None))) else {k: fmt(Q(v)) for k, v in objective.items()},
        "sense": sense,
        "lp": res.shared_certificate(),  # shared with the LPResult, read-only: no copy of a large LP
    }
    if mech is not None:
        cert["mechanism"] = mech.to_dict()
    return DesignResult(question, status, value, mech, res, cert, tuple(names), res.method, options)


def _initial_rows(env: Environment, rows_: list[Row]) -> set[str]:
    """Rows to start lazy generation from: every row except the non-adjacent IC rows
    (a misreport to a type that is not next to the true one in the agent's type list)."""
    out = set()
    for r in rows_:
        if r.family in ("IC", "veto-IC", "DSIC", "ex-post-IC"):
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
    >>> print(r.status, r.value)
    optimal 1/4
    """
    if objective is None or objective == "none":
        raise ModelError(f"objective={objective!r}: an optimal mechanism needs an objective (feasible_mechanism asks whether one exists)")
    return _solve(env, "optimal", constraints, objective, belief, sense, solve_kwargs)


def feasible_mechanism(
    env: Environment,
    constraints: Iterable[Any] | str,
    *,
    belief: Belief | None = None,
    **solve_kwargs: Any,
) -> DesignResult:
    """A mechanism satisfying ``constraints`` (``status == "feasible"``, witness in
    ``.mechanism``), or ``status == "infeasible"`` with a Farkas certificate that none exists.

    The LP inside (``.lp``, and the certificate's ``lp``) keeps the LP's own status
    ``optimal`` (of the zero objective); only the answer says ``feasible``."""
    return _solve(env, "feasible", constraints, None, belief, "max", solve_kwargs)


_REQUIRED = ("format", "question", "statement", "environment", "belief", "constraints", "objective", "sense", "lp")
_OPTIONAL = ("mechanism", "violates")


class _Refused(Exception):
    """A mechanism certificate that does not prove what it states; the message names the field."""


def _canonical_families(value: Any, field: str, *, empty: bool) -> list[Any]:
    """The constraint families of a ``constraints``/``violates`` list, which must be written
    exactly as exactmd writes them (no aliases, no repeats, fixed values canonical)."""
    if not isinstance(value, list):
        raise _Refused(f"{field}: must be a list of constraint families, got {type(value).__name__}")
    if not value and not empty:
        raise _Refused(f"{field}: is empty (name at least one constraint family, or leave the field out)")
    try:
        fams = parse_constraints(value)
    except (ModelError, TypeError, AttributeError) as e:
        raise _Refused(f"{field}: {e}") from None
    specs = [f.spec() for f in fams]
    if specs != value:
        raise _Refused(f"{field}: {value!r} is not written as exactmd writes it (aliases, repeats or non-canonical "
                       f"fixed values); the canonical list is {specs!r}")
    return fams


def _check_objective(question: str, objective: Any) -> None:
    """``question`` and ``objective`` as :func:`_solve` writes them: a feasibility question
    has objective null; an optimisation question has a named objective or a map of
    canonical coefficients."""
    if question == "feasible":
        if objective is not None:
            raise _Refused(f"question: 'feasible' is asked with objective null, the file gives objective {objective!r}")
        return
    if objective is None or objective == "none":
        raise _Refused(f"question: 'optimal' needs an objective, the file gives objective {objective!r} "
                       "(a feasibility question is written with question 'feasible')")
    if isinstance(objective, str):
        if objective in _OBJECTIVE_WORDS or objective.startswith("agent:"):
            return
        raise _Refused(f"objective: {objective!r} must be 'planner', 'welfare', 'revenue', 'agent:NAME' or a map variable -> coefficient")
    if not isinstance(objective, Mapping):
        raise _Refused(f"objective: must be a name or a map variable -> coefficient, got {type(objective).__name__}")
    for v, c in objective.items():
        if not isinstance(c, str) or not is_rational_string(c) or fmt(Q(c)) != c:
            raise _Refused(f"objective: coefficient {c!r} of {v!r} is not a canonical number 'p/q'")


def _problem_difference(built: Mapping[str, Any], stated: Any) -> str:
    """Why the LP in a certificate is not the LP of its question, naming the field that
    determines the part that differs (called only when they differ)."""
    if not isinstance(stated, Mapping):
        return "lp: 'problem' is missing"
    if built["sense"] != stated.get("sense"):
        return f"sense: the file gives sense {built['sense']!r}, the LP in the certificate has sense {stated.get('sense')!r}"
    if not isinstance(stated.get("variables"), Mapping) or {k: list(v) for k, v in stated["variables"].items()} != built["variables"]:
        return "environment: its mechanism variables (or their bounds) are not the variables of the LP in the certificate"
    if _canon_objective(built) != _canon_objective(stated):
        return ("objective: the stated objective, in this environment under the stated belief (or prior), is not the "
                "objective of the LP in the certificate")
    rows = stated.get("constraints")
    if not isinstance(rows, list):
        return "lp: the LP's 'constraints' must be a list"
    ours = built["constraints"]
    for k, (a, b) in enumerate(zip(ours, rows)):
        if not isinstance(b, Mapping) or a["name"] != b.get("name"):
            theirs = b.get("name") if isinstance(b, Mapping) else b
            if isinstance(theirs, str) and theirs.split("[")[0] == a["name"].split("[")[0]:  # same family, other labels
                return (f"environment: row {k} of the LP, with the environment's agents and types, is {a['name']!r}; "
                        f"the LP in the certificate has {theirs!r}")
            return f"constraints: row {k} of the stated constraint families is {a['name']!r}, the LP in the certificate has {theirs!r}"
        if (a["coeffs"], a["op"], a["rhs"]) != (b.get("coeffs"), b.get("op"), b.get("rhs")):
            if a["name"].startswith("FIX["):
                return f"constraints: the fixed value of row {a['name']!r} is not the one in the LP in the certificate"
            if a["name"].startswith("BBC["):
                return (f"constraints: row {a['name']!r}, built from the stated production cost, is not the row of "
                        "that name in the LP in the certificate")
            return (f"environment: row {a['name']!r}, built from the environment's payoffs under the stated belief (or "
                    "prior), is not the row of that name in the LP in the certificate")
    if len(ours) != len(rows):
        return (f"constraints: the stated constraint families give {len(ours)} rows, "
                f"the LP in the certificate has {len(rows)}")
    return "lp: the LP in the certificate is written differently from the LP of the stated question"


def _check_mechanism_certificate(cert: Any) -> str:
    if not isinstance(cert, Mapping):
        raise _Refused("a certificate must be a JSON object")
    if cert.get("format") != MECHANISM_FORMAT:
        raise _Refused(f"format: {cert.get('format')!r} is not {MECHANISM_FORMAT!r}")
    for k in cert:
        if k not in _REQUIRED and k not in _OPTIONAL:
            raise _Refused(f"{k}: unknown field (a mechanism certificate holds {', '.join(_REQUIRED + _OPTIONAL)})")
    for k in _REQUIRED:
        if k not in cert:
            raise _Refused(f"{k}: missing field")
    question, sense = cert["question"], cert["sense"]
    if question not in ("optimal", "feasible"):
        raise _Refused(f"question: {question!r} must be 'optimal' or 'feasible'")
    if sense not in ("max", "min"):
        raise _Refused(f"sense: {sense!r} must be 'max' or 'min'")
    if question == "feasible" and sense != "max":
        raise _Refused(f"question: 'feasible' is asked with sense 'max', the file gives sense {sense!r}")
    objective = cert["objective"]
    _check_objective(question, objective)
    if not isinstance(cert["statement"], str):
        raise _Refused("statement: must be a string")
    # the environment, belief and constraints, exactly as exactmd writes them
    try:
        env = Environment.from_dict(cert["environment"], source="certificate")
    except (ModelError, KeyError, TypeError, AttributeError, ValueError) as e:
        raise _Refused(f"environment: {e}") from None
    written = env.to_dict()
    if written != cert["environment"]:
        bad = sorted(k for k in set(written) | set(cert["environment"]) if written.get(k) != cert["environment"].get(k))
        raise _Refused(f"environment: not written as exactmd writes it (field {', '.join(map(repr, bad))} differs "
                       "from the environment it denotes)")
    belief = None
    if cert["belief"] is not None:
        try:
            belief = Belief(env.types, cert["belief"], name="belief")
        except (ModelError, TypeError, AttributeError, ValueError) as e:
            raise _Refused(f"belief: {e}") from None
        if not isinstance(cert["belief"], Mapping) or belief.to_dict() != cert["belief"]:
            raise _Refused(f"belief: not written as exactmd writes it; it denotes {belief.to_dict()!r}")
    lp = cert["lp"]
    if not isinstance(lp, Mapping):
        raise _Refused("lp: must be an LP certificate (a JSON object)")
    custom = custom_names(cert["constraints"])  # families whose code is not loaded: rows taken from the file
    if custom:
        try:
            refuse_custom("violates", cert.get("violates"))
            fams = file_families(cert["constraints"], env, env.prior if belief is None else belief, lp.get("problem"))
        except (CertificateError, ModelError) as e:
            raise _Refused(str(e) if str(e).split(":")[0] in ("lp", "constraints", "violates") else f"constraints: {e}") from None
    else:
        fams = _canonical_families(cert["constraints"], "constraints", empty=True)
    violates = None
    if "violates" in cert:
        violates = _canonical_families(cert["violates"], "violates", empty=False)
    # the LP of this question, rebuilt, is the LP in the file; then its certificate is checked
    try:
        built = build_problem(env, fams, objective, belief=belief, sense=sense)
    except ModelError as e:
        try:  # whose fault: the objective's, or the constraint families'
            _objective(env, objective, env.prior if belief is None else belief)
        except ModelError as e2:
            raise _Refused(f"objective: {e2}") from None
        raise _Refused(f"constraints: {e}") from None
    problem = built.problem
    if not _same_problem(problem, lp.get("problem")):
        raise _Refused(_problem_difference(problem, lp.get("problem")) + ": the LP in the certificate is not the LP of the stated question")
    facts, why = check_certificate(dict(lp))
    if facts is None:
        raise _Refused(f"lp: {why}")
    status = facts["status"]
    if question == "feasible" and status == "unbounded":  # cannot happen with a zero objective; kept as the rule
        raise _Refused("question: 'feasible' cannot have LP status 'unbounded'")
    # the mechanism is the LP's own (verified) point
    done = []
    mech = None
    if status == "infeasible":
        if "mechanism" in cert:
            raise _Refused("mechanism: given, but the LP is infeasible (no mechanism satisfies the constraints)")
    else:
        if "mechanism" not in cert:
            raise _Refused(f"mechanism: missing (an {status} certificate gives the mechanism of its LP point)")
        mech = built.mechanism(lp["primal"])
        if mech.to_dict() != cert["mechanism"]:
            _mechanism_differs(env, cert["mechanism"], fams, belief)
        done.append("the mechanism is the LP's point")
    if violates is not None:
        if mech is None:
            raise _Refused("violates: given, but no mechanism is stated")
        for f in violates:
            if check(mech, [f], belief).ok:
                raise _Refused(f"violates: the mechanism given satisfies {f.name}: not a counterexample")
        done.append(f"it violates {', '.join(map(_family_words, cert['violates']))} (re-checked)")
    value = facts["value"] if question == "optimal" else None
    own = _statement(env, question, status, cert["constraints"], objective, None if value is None else Q(value), sense, belief,
                     cert.get("violates"))
    if cert["statement"] != own:
        raise _Refused(f"statement: the file says {cert['statement']!r}, the checked certificate proves {own!r}")
    size = f"{env.n} agent{'s' if env.n != 1 else ''}, {len(env.profiles())} type profiles"
    if custom:
        which = ", ".join(map(repr, custom))
        own = (f"(rows of custom famil{'ies' if len(custom) > 1 else 'y'} {which} taken from the file, not re-derived; "
               f"give --plugin MODULE_OR_FILE.py to re-derive them) {own}")
    return f"{own} [LP rebuilt from the environment ({size}) and checked: {message(facts)}" + "".join(f"; {d}" for d in done) + "]"


def _mechanism_differs(env: Environment, stated: Any, fams: list[Any], belief: Belief | None) -> None:
    """Refuse a stated mechanism that is not the LP's point, saying what is wrong with it."""
    try:
        other = OutcomeFunction.from_dict(env, stated)
    except (ModelError, KeyError, TypeError, AttributeError, ValueError) as e:
        raise _Refused(f"mechanism: {e}") from None
    rep = check(other, fams, belief)
    if not rep.ok:
        raise _Refused(f"mechanism: the stated mechanism violates {rep.violations[0]}")
    raise _Refused("mechanism: not the mechanism the LP's primal point encodes")


def verify_mechanism_certificate(cert: Mapping[str, Any]) -> tuple[bool, str]:
    """(True, message) iff the certificate proves what it states; (False, reason) otherwise.

    Every field is checked or refused: the environment, belief and constraint families
    rebuild to exactly the LP in ``lp`` (with the objective and sense), the LP
    certificate holds (the independent checker), the mechanism is the LP's point, each
    family in ``violates`` is violated by it, ``question`` agrees with the objective and
    the LP's status, and ``statement`` equals the statement regenerated from the checked
    data by :func:`_statement`.  The message is that regenerated statement with what was
    checked, in the verifier's own words; a refusal names the field.
    """
    try:
        return True, _check_mechanism_certificate(cert)
    except _Refused as e:
        return False, str(e)
    except ExactMDError as e:
        return False, f"malformed mechanism certificate: {e}"
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        return False, f"malformed mechanism certificate: {type(e).__name__} {e}"


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
