"""Canonical optima: lexicographic objectives solved exactly in stages, and the symmetrised optimum.

An optimal mechanism is usually one vertex among many.  :func:`lexicographic_mechanism`
breaks the ties with further objectives: given stages (obj_1, sense_1), …, (obj_m, sense_m),

* stage 1 solves the mechanism LP of the constraints for obj_1 (:func:`exactmd.design.build_problem`),
  with exact optimum v_1;
* stage k solves it for obj_k with the extra rows ``LEX[j]: obj_j · x ≥ v_j`` (``≤`` for a
  ``min`` stage) for every earlier stage j < k;

so the last stage's point is best for obj_1, then among those for obj_2, and so on.
Objectives (``"min transfers"`` … as written on the command line, a leading ``max``/``min``
choosing the sense):

================ ======================================================================
``planner``      Σ_θ p(θ) Σ_x v(x, θ) f(x : θ) (default sense max; as in :mod:`exactmd.design`)
``welfare``      Σ_θ p(θ) Σ_i U_i(θ | θ) (max)
``revenue``      −Σ_θ p(θ) Σ_i t_i(θ) (max; quasilinear)
``agent:NAME``   Σ_θ p(θ) U_NAME(θ | θ) (max)
``transfers``    Σ_θ p(θ) Σ_i |t_i(θ)|, t_i(θ) agent i's expected transfer at θ (min only;
                 quasilinear): variables ``abs-t[i|θ] ≥ 0`` with rows ``ABS[i|θ]: +``
                 abs-t − t ≥ 0 and ``ABS[i|θ]: -`` abs-t + t ≥ 0, on the prior's support
``losses``       Σ_θ p(θ) Σ_i max(0, −U_i(θ | θ)), the expected ex post losses (min only):
                 variables ``loss[i|θ] ≥ 0`` with rows ``LOSS[i|θ]: loss + U_i(θ | θ) ≥ 0``
================ ======================================================================

The two convex objectives are minimised only: at a stage that minimises one, its
auxiliary variables are tight, and at later stages the row ``LEX[j]`` bounds the convex
function itself.

The **symmetrised optimum** (``symmetrise=True``) averages the last stage's mechanism
over the *symmetries* of the environment (:func:`symmetries`): the agent permutations π
(agent i takes the place of agent π(i)) that keep every type set, the prior and, through
a bijection σ of the outcomes found by matching payoffs, every utility and the planner
value: p(πθ) = p(θ), u_{π(i)}(σ(x), πθ) = u_i(x, θ), v(σ(x), πθ) = v(x, θ), where
(πθ)_{π(i)} = θ_i.  A permutation acts on a mechanism by f'(x' : πθ) = f(x : θ),
transfers t'_{π(i)}(πθ) = t_i(θ).  The average is then checked exactly: it is invariant
under every symmetry, satisfies the constraints (:func:`exactmd.constraints.check`), and
has each stage's value (recomputed) — so it is lexicographically optimal too.  An
environment with no symmetry but the identity is refused.

The certificate (``exactmd-lexicographic-certificate/1``,
``docs/canonical-mechanisms.md``) holds the environment, the constraints and,
per stage, its objective, sense and LP certificate minus the problem (sparse);
:func:`verify_lexicographic_certificate` rebuilds every stage's LP from the environment,
the constraints and the earlier stages' *checked* values, checks each with
:func:`exactmd.lp.checker.check_certificate`, and checks the final and symmetrised
mechanisms as above.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flint import fmpq

from .belief import profile_label
from .constraints import check, parse_constraints
from .design import _objective, _objective_words, _family_words, build_problem
from .deterministic import _Refused as _DeterministicRefused, _full as _sparse_full
from .encoding import MechanismEncoding
from .environment import Environment
from .errors import CertificateError, ExactMDError, ModelError
from .lp import solve_problem
from .lp.checker import LP_FORMAT, check_certificate
from .lp.solution import dump_json
from .mechanism import OutcomeFunction
from .notebook import Card, Displayable, mechanism_part
from .rational import Q, fmt, is_rational_string

__all__ = ["CONVEX", "LEXICOGRAPHIC_FORMAT", "MAX_STAGES", "MAX_SYMMETRY_AGENTS", "Stage", "LexicographicResult",
           "parse_stage", "symmetries", "average_over_symmetries", "lexicographic_mechanism", "verify_lexicographic_certificate"]

LEXICOGRAPHIC_FORMAT = "exactmd-lexicographic-certificate/1"
MAX_STAGES = 16
MAX_SYMMETRY_AGENTS = 8  # n! agent permutations are tried

_LINEAR = ("planner", "welfare", "revenue")
CONVEX = ("transfers", "losses")  # the objectives minimised through auxiliary variables
_CONVEX = CONVEX
_WORDS = {"transfers": "expected absolute transfers", "losses": "expected ex post losses"}


@dataclass(frozen=True)
class Stage:
    """One stage: ``objective`` (a name of the module table, or a map variable →
    coefficient) and ``sense`` (``"max"``/``"min"``)."""

    objective: Any
    sense: str

    def spec(self) -> dict[str, Any]:
        obj = self.objective if isinstance(self.objective, str) else {k: fmt(Q(v)) for k, v in self.objective.items()}
        return {"objective": obj, "sense": self.sense}

    def words(self) -> str:
        word = "maximum" if self.sense == "max" else "minimum"
        what = _WORDS.get(self.objective) if isinstance(self.objective, str) else None
        return f"the {word} of {what or _objective_words(self.objective)}"


def parse_stage(spec: Any, sense: str | None = None) -> Stage:
    """A :class:`Stage` from ``"min transfers"``, ``"max planner"``, ``"welfare"`` (its
    default sense), a :class:`Stage`, or an objective with ``sense``.

    >>> parse_stage("min transfers")
    Stage(objective='transfers', sense='min')
    >>> parse_stage("agent:buyer")
    Stage(objective='agent:buyer', sense='max')
    >>> parse_stage("max losses")
    Traceback (most recent call last):
    ...
    exactmd.errors.ModelError: objective 'max losses': losses can only be minimised (it is convex: Σ p(θ) Σ_i max(0, −U_i))
    """
    if isinstance(spec, Stage):
        return spec
    written = spec
    if isinstance(spec, str):
        words = spec.split()
        if len(words) == 2 and words[0] in ("max", "min"):
            if sense is not None and sense != words[0]:
                raise ModelError(f"objective {written!r} with sense={sense!r}: the senses differ")
            sense, spec = words[0], words[1]
        elif len(words) != 1:
            raise ModelError(f"objective {written!r} must be NAME or 'max NAME' / 'min NAME' (names: "
                             f"{', '.join(_LINEAR + _CONVEX)}, agent:NAME)")
        else:
            spec = words[0]
        if spec in _CONVEX:
            if sense == "max":
                what = "Σ p(θ) Σ_i |t_i(θ)|" if spec == "transfers" else "Σ p(θ) Σ_i max(0, −U_i)"
                raise ModelError(f"objective {written!r}: {spec} can only be minimised (it is convex: {what})")
            return Stage(spec, "min")
        if spec not in _LINEAR and not spec.startswith("agent:"):
            raise ModelError(f"objective {written!r} is not known; names: {', '.join(_LINEAR + _CONVEX)}, agent:NAME")
        return Stage(spec, sense or "max")
    if isinstance(spec, Mapping) and spec:
        if sense not in ("max", "min"):
            raise ModelError(f"a linear objective given as a map needs sense='max' or 'min', not {sense!r}")
        return Stage(dict(spec), sense)
    raise ModelError(f"objective {written!r} must be a name ('min transfers', 'max planner', ...) or a map variable -> coefficient")


# ---------------------------------------------------------------------------------
# the stage LPs
def _aux(env: Environment, name: str) -> tuple[dict[str, list[Any]], list[dict[str, Any]], dict[str, str]]:
    """The auxiliary variables (with bounds), rows and objective of a convex objective."""
    if name == "transfers" and env.kind != "quasilinear":
        raise ModelError("objective 'transfers' needs a quasilinear environment (finite outcomes carry no transfers)")
    enc = MechanismEncoding(env)
    p = env.prior
    cols: dict[str, list[Any]] = {}
    rows: list[dict[str, Any]] = []
    obj: dict[str, str] = {}
    for th in p.support():
        w = fmt(p[th])
        for i in range(env.n):
            where = f"{env.agents[i]}|{profile_label(th)}"
            if name == "transfers":
                a, t = f"abs-t[{where}]", enc.transfer(i, th)
                cols[a] = ["0", None]
                rows.append({"name": f"ABS[{where}]: +", "coeffs": {a: "1", t: "-1"}, "op": ">=", "rhs": "0"})
                rows.append({"name": f"ABS[{where}]: -", "coeffs": {a: "1", t: "1"}, "op": ">=", "rhs": "0"})
                obj[a] = w
            else:
                s = f"loss[{where}]"
                cols[s] = ["0", None]
                coeffs = {s: "1"}
                for x in env.outcomes:
                    c = env.valuation(i, x, th)
                    if c != 0:
                        coeffs[enc.allocation(x, th)] = fmt(c)
                if env.kind == "quasilinear":
                    coeffs[enc.transfer(i, th)] = "1"
                rows.append({"name": f"LOSS[{where}]", "coeffs": coeffs, "op": ">=", "rhs": "0"})
                obj[s] = w
    return cols, rows, obj


def _stage_problem(env: Environment, base: Mapping[str, Any], stages: Sequence[Stage], values: Sequence[fmpq]) -> dict[str, Any]:
    """The LP of stage k = len(values) + 1: the base LP, the auxiliary variables and rows of
    the convex objectives of stages 1..k (once each), the rows ``LEX[j]`` of the earlier
    stages with their values, and stage k's objective."""
    k = len(values)
    variables = dict(base["variables"])
    rows = list(base["constraints"])
    objs: list[dict[str, str]] = []
    done: dict[str, dict[str, str]] = {}
    for st in stages[: k + 1]:
        if isinstance(st.objective, str) and st.objective in _CONVEX:
            if st.objective not in done:
                cols, extra, obj = _aux(env, st.objective)
                variables.update(cols)
                rows += extra
                done[st.objective] = obj
            objs.append(done[st.objective])
        else:
            objs.append({v: fmt(c) for v, c in _objective(env, st.objective, env.prior).items()})
    for j in range(k):
        rows.append({"name": f"LEX[{j + 1}]", "coeffs": objs[j], "op": ">=" if stages[j].sense == "max" else "<=",
                     "rhs": fmt(values[j])})
    return {"sense": stages[k].sense, "variables": variables, "objective": objs[k], "constraints": rows}


def _sparse(vec: Mapping[str, fmpq] | None, order: Iterable[str]) -> dict[str, str]:
    vec = vec or {}
    return {k: fmt(vec[k]) for k in order if k in vec and vec[k] != 0}


# ---------------------------------------------------------------------------------
# symmetries
Symmetry = tuple[tuple[int, ...], dict[Any, Any]]


def _signature(env: Environment, pi: tuple[int, ...], x: Any, image: bool) -> tuple:
    """The payoffs of outcome x at every (agent, profile), read through π when ``image``:
    u_{π(i)}(x, πθ) at (i, θ); else u_i(x, θ)."""
    out = []
    for th in env.profiles():
        pth = _act(pi, th) if image else th
        out.append(env.value(x, pth))
        for i in range(env.n):
            out.append(env.valuation(pi[i] if image else i, x, pth))
    return tuple(out)


def _act(pi: Sequence[int], th: tuple) -> tuple:
    """πθ: (πθ)_{π(i)} = θ_i."""
    out: list[Any] = [None] * len(th)
    for i, t in enumerate(th):
        out[pi[i]] = t
    return tuple(out)


def symmetries(env: Environment) -> list[Symmetry]:
    """The agent permutations that leave ``env`` invariant, each with its outcome map σ
    (module text); the identity first.  Refuses more than ``MAX_SYMMETRY_AGENTS`` agents."""
    if env.n > MAX_SYMMETRY_AGENTS:
        raise ModelError(f"symmetries of {env.n} agents: at most {MAX_SYMMETRY_AGENTS} agents are tried (n! permutations)")
    out: list[Symmetry] = []
    own = {x: _signature(env, tuple(range(env.n)), x, False) for x in env.outcomes}
    for pi in itertools.permutations(range(env.n)):
        if any(env.types[pi[i]] != env.types[i] for i in range(env.n)):
            continue
        if any(env.prior[_act(pi, th)] != env.prior[th] for th in env.profiles()):
            continue
        # σ(x) = y needs u_{π(i)}(y, πθ) = u_i(x, θ) and v(y, πθ) = v(x, θ) everywhere
        images = {y: _signature(env, pi, y, True) for y in env.outcomes}
        cands = {x: [y for y in env.outcomes if images[y] == own[x]] for x in env.outcomes}
        sigma = _bijection(list(env.outcomes), cands)
        if sigma is not None:
            out.append((pi, sigma))
    return out


def _bijection(xs: list[Any], cands: Mapping[Any, list[Any]]) -> dict[Any, Any] | None:
    """The first bijection x ↦ y ∈ cands[x] (backtracking in the outcomes' order), or None."""
    used: set[Any] = set()
    chosen: dict[Any, Any] = {}

    def go(k: int) -> bool:
        if k == len(xs):
            return True
        for y in cands[xs[k]]:
            if y not in used:
                used.add(y)
                chosen[xs[k]] = y
                if go(k + 1):
                    return True
                used.discard(y)
        return False

    return dict(chosen) if go(0) else None


def _var_map(env: Environment, g: Symmetry) -> dict[str, str]:
    """φ_g: each mechanism variable to the variable it becomes under g."""
    pi, sigma = g
    enc = MechanismEncoding(env)
    out = {}
    for th in env.profiles():
        pth = _act(pi, th)
        for x in env.outcomes:
            out[enc.allocation(x, th)] = enc.allocation(sigma[x], pth)
        if env.kind == "quasilinear":
            for i in range(env.n):
                out[enc.transfer(i, th)] = enc.transfer(pi[i], pth)
    return out


def average_over_symmetries(mechanism: OutcomeFunction, group: Sequence[Symmetry] | None = None) -> OutcomeFunction:
    """The average of ``mechanism`` over ``group`` (default: :func:`symmetries` of its
    environment), in the LP encoding (allocation probabilities and expected transfers)."""
    env = mechanism.env
    group = symmetries(env) if group is None else group
    enc = MechanismEncoding(env)
    x = enc.assignment(mechanism)
    acc = {v: fmpq(0) for v in x}
    for g in group:
        phi = _var_map(env, g)
        for v, val in x.items():
            acc[phi[v]] += val
    n = fmpq(len(group))
    return enc.mechanism({v: val / n for v, val in acc.items()})


def _permutation_spec(env: Environment, g: Symmetry) -> list[str]:
    return [env.agents[j] for j in g[0]]


# ---------------------------------------------------------------------------------
def _stage_value(env: Environment, st: Stage, point: Mapping[str, fmpq]) -> fmpq:
    """The value of a stage's objective at a mechanism (its variable values), computed directly."""
    p = env.prior
    if isinstance(st.objective, str) and st.objective in _CONVEX:
        enc = MechanismEncoding(env)
        total = fmpq(0)
        for th in p.support():
            for i in range(env.n):
                if st.objective == "transfers":
                    total += p[th] * abs(point[enc.transfer(i, th)])
                else:
                    u = sum((env.valuation(i, x, th) * point[enc.allocation(x, th)] for x in env.outcomes), fmpq(0))
                    if env.kind == "quasilinear":
                        u += point[enc.transfer(i, th)]
                    total += p[th] * max(fmpq(0), -u)
        return total
    return sum((c * point[v] for v, c in _objective(env, st.objective, p).items()), fmpq(0))


@dataclass(frozen=True)
class LexicographicResult(Displayable):
    """A lexicographic optimum (frozen): ``stages`` and their exact ``values``, the last
    stage's ``mechanism``, the ``symmetrised`` one (or None) with the symmetries used, and
    the ``exactmd-lexicographic-certificate/1`` document."""

    stages: tuple[Stage, ...]
    values: tuple[fmpq, ...]
    mechanism: OutcomeFunction
    symmetrised: OutcomeFunction | None
    symmetries: tuple[tuple[str, ...], ...]
    certificate: dict[str, Any]
    constraints: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def best(self) -> OutcomeFunction:
        """The symmetrised mechanism when asked for, else the last stage's."""
        return self.symmetrised if self.symmetrised is not None else self.mechanism

    def __repr__(self) -> str:
        st = ", ".join(f"{s.sense} {s.objective if isinstance(s.objective, str) else 'map'} = {fmt(v)}"
                       for s, v in zip(self.stages, self.values))
        return f"LexicographicResult({st}; symmetrised={self.symmetrised is not None})"

    def _card(self) -> Card:
        facts: tuple[tuple[str, Any], ...] = tuple(
            (f"stage {k + 1}: {s.sense} {s.objective if isinstance(s.objective, str) else 'a linear objective'}", v)
            for k, (s, v) in enumerate(zip(self.stages, self.values)))
        facts += (("constraints", ", ".join(self.constraints)),
                  ("symmetrised", "yes" if self.symmetrised is not None else "no"),
                  ("certificate", f"{self.certificate.get('format')}, verified (exactmd verify re-checks it)"))
        return Card(str(self.certificate.get("statement", "lexicographic optimum")), facts, **mechanism_part(self.best))

    def to_json(self) -> str:
        return dump_json(self.certificate)

    def verify(self) -> None:
        ok, why = verify_lexicographic_certificate(self.certificate)
        if not ok:
            raise CertificateError(why)


def _statement(env: Environment, constraints: list[Any], stages: Sequence[Stage], values: Sequence[fmpq], sym: int | None) -> str:
    where = f"environment {env.name!r}" if env.name else (
        f"the unnamed environment with {env.n} agent{'s' if env.n != 1 else ''} and {len(env.profiles())} type profiles")
    cons = ", ".join(map(_family_words, constraints)) if constraints else "no constraints"
    parts = [f"{st.words()} is {fmt(v)}" for st, v in zip(stages, values)]
    text = f"Lexicographically under {cons} in {where}: " + "; then ".join(parts) + "."
    if sym is not None:
        text += (f" The average of the optimum over the {sym} agent permutations that leave the environment invariant "
                 "is symmetric, satisfies the constraints and attains every value.")
    return text


def lexicographic_mechanism(
    env: Environment,
    constraints: Iterable[Any] | str,
    objectives: Sequence[Any],
    *,
    symmetrise: bool = False,
    method: str | None = None,
    max_pivots: int | None = None,
    time_limit: float | None = None,  # float-ok: a wall-clock budget per stage, never a decision
) -> LexicographicResult:
    """Optimise ``objectives`` lexicographically under ``constraints`` (module text),
    exactly, one certified LP per stage; ``symmetrise=True`` also averages the optimum
    over the environment's symmetries and checks the average.

    >>> from exactmd.environment import Environment
    >>> env = Environment.quasilinear([[1, 2], [1, 2]], "uniform", ["none", "1", "2"],
    ...     lambda i, a, th: th[i] if a == str(i + 1) else 0, agents=["1", "2"])
    >>> r = lexicographic_mechanism(env, ["IC", "interim-IR"], ["revenue", "min losses"], symmetrise=True)
    >>> [fmt(v) for v in r.values]
    ['3/2', '0']
    """
    stages = [parse_stage(o) for o in objectives]
    if not 1 <= len(stages) <= MAX_STAGES:
        raise ModelError(f"{len(stages)} objectives: give 1 to {MAX_STAGES}")
    fams = parse_constraints(constraints)
    specs = [f.spec() for f in fams]
    group = symmetries(env) if symmetrise else []
    if symmetrise and len(group) < 2:
        raise ModelError("the environment is not symmetric: no permutation of its agents but the identity keeps its "
                         "type sets, prior, utilities and planner value (with some relabelling of the outcomes)")
    base = build_problem(env, fams, None).problem
    kw: dict[str, Any] = dict(method=method, max_pivots=max_pivots, time_limit=time_limit)
    values: list[fmpq] = []
    docs: list[dict[str, Any]] = []
    primal: dict[str, fmpq] = {}
    for k, st in enumerate(stages):
        problem = _stage_problem(env, base, stages, values)
        res = solve_problem(problem, **kw)
        if res.status == "infeasible":
            raise ModelError(f"no mechanism satisfies {', '.join(map(_family_words, specs)) or 'the constraints'}: "
                             "exactmd design --feasible gives the Farkas certificate")
        if res.status == "unbounded":
            raise ModelError(f"stage {k + 1} ({st.words()}) is unbounded under the constraints and the earlier stages: "
                             "give a bounded objective")
        assert res.value is not None and res.primal is not None
        values.append(res.value)
        primal = res.primal
        docs.append({**st.spec(), "lp": {"status": "optimal", "value": fmt(res.value),
                                         "primal": _sparse(res.primal, problem["variables"]),
                                         "dual": _sparse(res.dual, [r["name"] for r in problem["constraints"]])}})
    enc = MechanismEncoding(env)
    mech = enc.mechanism(primal)
    sym_mech: OutcomeFunction | None = None
    sym_specs: tuple[tuple[str, ...], ...] = ()
    cert: dict[str, Any] = {"format": LEXICOGRAPHIC_FORMAT, "statement": "", "environment": env.to_dict(),
                            "constraints": specs, "stages": docs, "mechanism": mech.to_dict()}
    if symmetrise:
        sym_mech = average_over_symmetries(mech, group)
        _check_symmetrised(env, fams, stages, values, sym_mech, group, ModelError)
        sym_specs = tuple(tuple(_permutation_spec(env, g)) for g in group)
        cert["symmetrised"] = {"permutations": [list(p) for p in sym_specs], "mechanism": sym_mech.to_dict()}
    cert["statement"] = _statement(env, specs, stages, values, len(sym_specs) if symmetrise else None)
    return LexicographicResult(tuple(stages), tuple(values), mech, sym_mech, sym_specs, cert,
                               tuple(f.name for f in fams), kw)


def _check_symmetrised(env: Environment, fams: list[Any], stages: Sequence[Stage], values: Sequence[fmpq],
                       mech: OutcomeFunction, group: Sequence[Symmetry], error: type[Exception]) -> None:
    """The symmetrised mechanism is invariant, feasible and attains every stage's value."""
    enc = MechanismEncoding(env)
    x = enc.assignment(mech)
    for g in group:
        phi = _var_map(env, g)
        moved = {phi[v]: val for v, val in x.items()}
        if moved != x:
            raise error(f"the average is not invariant under the permutation {_permutation_spec(env, g)}")
    rep = check(mech, fams)
    if not rep.ok:
        raise error(f"the symmetrised mechanism violates {rep.violations[0]}")
    for k, (st, v) in enumerate(zip(stages, values)):
        w = _stage_value(env, st, x)
        if w != v:
            raise error(f"symmetrising changes stage {k + 1} ({st.words()}) from {fmt(v)} to {fmt(w)}: the objective "
                        "is not invariant under the environment's agent permutations")


# ---------------------------------------------------------------------------------
# the verifier
_FIELDS = ("format", "statement", "environment", "constraints", "stages", "mechanism", "symmetrised")


class _Refused(Exception):
    """A lexicographic certificate that does not prove what it states; the message names the field."""


def _full(sparse: Any, keys: list[str], what: str) -> dict[str, str]:
    """A sparse vector of the file filled with zeros (:func:`exactmd.deterministic._full`)."""
    try:
        return _sparse_full(sparse, keys, what, "the stage's LP")
    except _DeterministicRefused as e:
        raise _Refused(str(e)) from None


def _read_stage(doc: Any, k: int) -> Stage:
    where = f"stages[{k}]"
    if not isinstance(doc, Mapping) or tuple(doc) != ("objective", "sense", "lp"):
        raise _Refused(f"{where}: a stage holds exactly objective, sense, lp (in that order)")
    obj, sense = doc["objective"], doc["sense"]
    if sense not in ("max", "min"):
        raise _Refused(f"{where}: sense {sense!r} must be 'max' or 'min'")
    if isinstance(obj, Mapping):
        for v, c in obj.items():
            if not (isinstance(c, str) and is_rational_string(c) and fmt(Q(c)) == c):
                raise _Refused(f"{where}: coefficient {c!r} of {v!r} is not a canonical number 'p/q'")
    elif not isinstance(obj, str) or " " in obj:
        raise _Refused(f"{where}: objective {obj!r} must be a name or a map variable -> coefficient")
    try:
        st = parse_stage(obj if isinstance(obj, Mapping) else f"{sense} {obj}", sense if isinstance(obj, Mapping) else None)
    except ExactMDError as e:
        raise _Refused(f"{where}: {e}") from None
    if st.spec() != {"objective": obj, "sense": sense}:
        raise _Refused(f"{where}: not written as exactmd writes it")
    return st


def _check(cert: Any) -> str:
    if not isinstance(cert, Mapping):
        raise _Refused("a certificate must be a JSON object")
    if cert.get("format") != LEXICOGRAPHIC_FORMAT:
        raise _Refused(f"format: {cert.get('format')!r} is not {LEXICOGRAPHIC_FORMAT!r}")
    for k in cert:
        if k not in _FIELDS:
            raise _Refused(f"{k}: unknown field (a lexicographic certificate holds {', '.join(_FIELDS)})")
    for k in _FIELDS[:-1]:
        if k not in cert:
            raise _Refused(f"{k}: missing field")
    if not isinstance(cert["statement"], str):
        raise _Refused("statement: must be a string")
    try:
        env = Environment.from_dict(cert["environment"], source="certificate")
    except (ExactMDError, KeyError, TypeError, AttributeError, ValueError) as e:
        raise _Refused(f"environment: {e}") from None
    if env.to_dict() != cert["environment"]:
        raise _Refused("environment: not written as exactmd writes it")
    if not isinstance(cert["constraints"], list):
        raise _Refused("constraints: must be a list of constraint families")
    try:
        fams = parse_constraints(cert["constraints"])
    except (ExactMDError, TypeError, AttributeError) as e:
        raise _Refused(f"constraints: {e}") from None
    if [f.spec() for f in fams] != cert["constraints"]:
        raise _Refused(f"constraints: {cert['constraints']!r} is not written as exactmd writes it")
    docs = cert["stages"]
    if not isinstance(docs, list) or not 1 <= len(docs) <= MAX_STAGES:
        raise _Refused(f"stages: must be a list of 1 to {MAX_STAGES} stages")
    stages = [_read_stage(d, k) for k, d in enumerate(docs)]
    try:
        base = build_problem(env, fams, None).problem
        for st in stages:  # every objective is one of this environment (agents, variables, kind)
            if isinstance(st.objective, str) and st.objective in _CONVEX:
                _aux(env, st.objective)
            else:
                _objective(env, st.objective, env.prior)
    except ExactMDError as e:
        raise _Refused(f"stages: {e}") from None

    values: list[fmpq] = []
    point: dict[str, str] = {}
    for k, (st, d) in enumerate(zip(stages, docs)):
        where = f"stages[{k}]: lp"
        problem = _stage_problem(env, base, stages, values)  # the earlier stages' checked values as bounds
        lp = d["lp"]
        if not isinstance(lp, Mapping) or tuple(lp) != ("status", "value", "primal", "dual"):
            raise _Refused(f"{where}: holds exactly status, value, primal, dual (an optimal LP certificate without its problem)")
        if lp["status"] != "optimal":
            raise _Refused(f"{where}: status {lp['status']!r}; every stage is optimal")
        cols, rows = list(problem["variables"]), [r["name"] for r in problem["constraints"]]
        point = _full(lp["primal"], cols, f"{where}: primal")
        full = {"format": LP_FORMAT, "problem": problem, "status": "optimal", "value": lp["value"],
                "primal": point, "dual": _full(lp["dual"], rows, f"{where}: dual")}
        facts, why = check_certificate(full)
        if facts is None:
            raise _Refused(f"{where}: the stage's LP certificate fails: {why}")
        values.append(Q(facts["value"]))

    enc = MechanismEncoding(env)
    names = set(enc.names())
    mech = enc.mechanism({v: Q(x) for v, x in point.items() if v in names})
    if mech.to_dict() != cert["mechanism"]:
        raise _Refused("mechanism: not the mechanism the last stage's LP point encodes")
    sym = None
    if "symmetrised" in cert:
        s = cert["symmetrised"]
        if not isinstance(s, Mapping) or tuple(s) != ("permutations", "mechanism"):
            raise _Refused("symmetrised: holds exactly permutations, mechanism")
        try:
            group = symmetries(env)
        except ExactMDError as e:
            raise _Refused(f"symmetrised: {e}") from None
        own = [_permutation_spec(env, g) for g in group]
        if len(group) < 2:
            raise _Refused("symmetrised: the environment is not symmetric (no agent permutation but the identity keeps it)")
        if s["permutations"] != own:
            raise _Refused(f"symmetrised: permutations {s['permutations']!r} are not the environment's symmetries {own!r}")
        avg = average_over_symmetries(mech, group)
        if avg.to_dict() != s["mechanism"]:
            raise _Refused("symmetrised: mechanism: not the average of the mechanism over the symmetries")
        try:
            _check_symmetrised(env, fams, stages, values, avg, group, _Refused)
        except _Refused as e:
            raise _Refused(f"symmetrised: {e}") from None
        sym = len(group)
    own_text = _statement(env, cert["constraints"], stages, values, sym)
    if cert["statement"] != own_text:
        raise _Refused(f"statement: the file says {cert['statement']!r}, the checked certificate proves {own_text!r}")
    detail = (f"{len(stages)} stage LP{'s' if len(stages) != 1 else ''} rebuilt from the environment, the constraints and "
              "the earlier stages' checked values, each certificate checked; the mechanism is the last stage's point")
    if sym is not None:
        detail += f"; its average over {sym} symmetries recomputed, invariant, feasible, every value recomputed"
    return f"{own_text} [{detail}]"


def verify_lexicographic_certificate(cert: Mapping[str, Any]) -> tuple[bool, str]:
    """(True, message) iff the certificate proves what it states; (False, reason) otherwise.

    Every stage's LP is rebuilt (module text), never read from the file; the message is
    the statement regenerated from the checked values, with what was checked.  Never raises.
    """
    try:
        return True, _check(cert)
    except _Refused as e:
        return False, str(e)
    except ExactMDError as e:
        return False, f"malformed lexicographic certificate: {e}"
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        return False, f"malformed lexicographic certificate: {type(e).__name__} {e}"
