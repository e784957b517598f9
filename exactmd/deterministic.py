"""Deterministic mechanisms: an exact branch and bound over the exact mechanism LP.

A direct mechanism is *deterministic* when every allocation variable of its LP
(:mod:`exactmd.encoding`) is 0 or 1: ``q[a|θ] ∈ {0, 1}`` (quasilinear; the transfers
``t[i|θ]`` stay free) or ``f[x|θ] ∈ {0, 1}`` (finite outcomes), at every profile θ ∈ Θ.
:func:`deterministic_mechanism` finds the best one under chosen constraint families,
exactly:

* the **base LP** is :func:`exactmd.design.build_problem` (the relaxation, every
  allocation variable in [0, 1]);
* a **node** is a set of *fixings* ``v = 0`` or ``v = 1`` of allocation variables; its LP
  is the base LP with the bounds of each fixed variable set to [0, 0] or [1, 1], solved
  exactly (:func:`exactmd.lp.solve_problem`, every answer verified);
* a node whose LP is infeasible, or whose optimum is no better than the best
  deterministic mechanism found (the *incumbent*), or whose optimal point is itself
  deterministic, is a **leaf**; any other node is split on one fractional allocation
  variable v into the children ``fix ∪ {v = 0}`` and ``fix ∪ {v = 1}`` (depth first).

Every deterministic mechanism satisfies the fixings of exactly one leaf, so the leaves'
LP certificates together prove that none beats the incumbent.  The certificate (format
``exactmd-deterministic-certificate/1``, ``docs/canonical-mechanisms.md``)
lists the nodes in preorder (the ``= 0`` child first), each with its fixings, and each
leaf with its LP certificate minus the problem (sparse: zero entries left out).
:func:`verify_deterministic_certificate` rebuilds the base LP from the environment, each
leaf's LP from it and the leaf's fixings (never reading an LP from the file), re-checks
each leaf with :func:`exactmd.lp.checker.check_certificate`, checks that the nodes form
a complete binary tree whose internal nodes split one allocation variable into its two
values, and that the incumbent is deterministic, satisfies the constraints and has the
stated value — recomputed.

The search stops with :class:`NodeLimitError` after ``max_nodes`` node LPs (default
:data:`DEFAULT_MAX_NODES`).  An unbounded node LP is refused (its ray moves transfers
only, so the deterministic problem is unbounded too, or infeasible): ask
:func:`exactmd.design.optimal_mechanism` for the ray's certificate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flint import fmpq

from .constraints import check, parse_constraints
from .design import MechanismLP, Status, _family_words, _objective_words, build_problem
from .encoding import MechanismEncoding
from .environment import Environment
from .errors import BudgetExceededError, CertificateError, ExactMDError, ModelError
from .lp import hint, solve_problem
from .lp.checker import LP_FORMAT, check_certificate
from .lp.solution import dump_json
from .mechanism import OutcomeFunction
from .notebook import Card, Displayable, mechanism_part
from .progress import step
from .rational import Q, counted, fmt, is_rational_string

__all__ = ["DETERMINISTIC_FORMAT", "DEFAULT_MAX_NODES", "MAX_NODES", "NodeLimitError", "DeterministicResult",
           "allocation_variables", "deterministic_mechanism", "verify_deterministic_certificate"]

DETERMINISTIC_FORMAT = "exactmd-deterministic-certificate/1"
DEFAULT_MAX_NODES = 2000
MAX_NODES = 1_000_000  # the largest max_nodes accepted (and the most nodes a certificate may list)


class NodeLimitError(BudgetExceededError):
    """The branch and bound needed more node LPs than ``max_nodes`` allows."""


def allocation_variables(env: Environment) -> list[str]:
    """The allocation variables ``q[a|θ]`` / ``f[x|θ]`` of ``env``'s mechanism LP, in its order."""
    enc = MechanismEncoding(env)
    return [enc.allocation(x, th) for th in env.profiles() for x in env.outcomes]


def _node_problem(base: Mapping[str, Any], fix: Mapping[str, int]) -> dict[str, Any]:
    """The base LP with the bounds of each fixed variable set to [v, v] (rows shared, not copied)."""
    variables = dict(base["variables"])
    for v, x in fix.items():
        variables[v] = [str(x), str(x)]
    return {"sense": base["sense"], "variables": variables, "objective": base["objective"], "constraints": base["constraints"]}


def _sparse(vec: Mapping[str, fmpq] | None, order: Iterable[str]) -> dict[str, str]:
    vec = vec or {}
    return {k: fmt(vec[k]) for k in order if k in vec and vec[k] != 0}


@dataclass(frozen=True)
class DeterministicResult(Displayable):
    """The best deterministic mechanism (frozen): ``status`` ``optimal`` (``value``,
    ``mechanism``) or ``infeasible`` (no deterministic mechanism satisfies the
    constraints); ``nodes`` the number of node LPs solved; ``certificate`` the
    ``exactmd-deterministic-certificate/1`` document."""

    status: Status
    value: fmpq | None
    mechanism: OutcomeFunction | None
    nodes: int
    certificate: dict[str, Any]
    constraints: tuple[str, ...]
    options: Mapping[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        v = "" if self.value is None else f", value={fmt(self.value)}"
        return f"DeterministicResult(status={self.status}{v}, nodes={self.nodes}, constraints={list(self.constraints)})"

    def _card(self) -> Card:
        facts: tuple[tuple[str, Any], ...] = (("status", str(self.status)),)
        if self.value is not None:
            facts += (("value", self.value),)
        facts += (("constraints", ", ".join(self.constraints)), ("node LPs solved", self.nodes),
                  ("certificate", f"{self.certificate.get('format')}, verified (exactmd verify re-checks it)"))
        return Card(str(self.certificate.get("statement", "best deterministic mechanism")), facts,
                    **mechanism_part(self.mechanism))

    def to_json(self) -> str:
        return dump_json(self.certificate)

    def verify(self) -> None:
        ok, why = verify_deterministic_certificate(self.certificate)
        if not ok:
            raise CertificateError(why)


class _Node:
    __slots__ = ("fix", "branch", "children", "leaf")

    def __init__(self, fix: dict[str, int]) -> None:
        self.fix = fix
        self.branch: str | None = None
        self.children: list[_Node] = []
        self.leaf: dict[str, Any] | None = None


def _better(a: fmpq, b: fmpq, sense: str) -> bool:
    return a > b if sense == "max" else a < b


def _statement(env: Environment, status: str, constraints: list[Any], objective: Any, value: fmpq | None, sense: str) -> str:
    """The claim a deterministic certificate proves, in words (regenerated by the verifier)."""
    if env.name:
        where = f"environment {env.name!r}"
    else:
        where = f"the unnamed environment with {env.n} agent{'s' if env.n != 1 else ''} and {len(env.profiles())} type profiles"
    cons = ", ".join(map(_family_words, constraints)) if constraints else "no constraints"
    word = "maximum" if sense == "max" else "minimum"
    if status == "infeasible":  # the question asked (objective, sense) is named: every field is in the claim
        return (f"No deterministic mechanism (every allocation probability 0 or 1) satisfies {cons} in {where}, "
                f"so there is no {word} of {_objective_words(objective)} over them.")
    return (f"The {word} of {_objective_words(objective)} over deterministic mechanisms (every allocation "
            f"probability 0 or 1) under {cons} in {where} is {fmt(value)}.")


def _objective_spec(objective: Any) -> Any:
    return objective if isinstance(objective, str) else {k: fmt(Q(v)) for k, v in objective.items()}


def deterministic_mechanism(
    env: Environment,
    constraints: Iterable[Any] | str = ("IC", "interim-IR"),
    objective: Any = "planner",
    *,
    sense: str = "max",
    max_nodes: int = DEFAULT_MAX_NODES,
    method: str | None = None,
    max_pivots: int | None = None,
    time_limit: float | None = None,  # float-ok: a wall-clock budget per node LP, never a decision
) -> DeterministicResult:
    """The best deterministic mechanism under ``constraints`` for ``objective``, by an
    exact branch and bound (module text), with its certificate.

    ``method`` is that of :func:`exactmd.lp.solve_problem` for every node LP, except that
    ``None``/``"auto"`` means ``"hint"`` whenever ``highspy`` is installed (each node LP is
    small, but there are many; every answer is verified exactly either way).  The
    methods may reach different optimal vertices, hence different trees and incumbents
    of the same value.

    >>> from exactmd.environment import Environment
    >>> env = Environment.quasilinear([[1, 2, 3]], "uniform", ["keep", "sell"],
    ...     lambda i, a, th: th[0] if a == "sell" else 0, name="posted price")
    >>> r = deterministic_mechanism(env, ["IC", "interim-IR"], "revenue")
    >>> print(r.status, r.value)
    optimal 4/3
    >>> deterministic_mechanism(env, ["IC"], "revenue", max_nodes=0)
    Traceback (most recent call last):
    ...
    exactmd.errors.ModelError: max_nodes=0 must be an integer in [1, 1000000]
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or not 1 <= max_nodes <= MAX_NODES:
        raise ModelError(f"max_nodes={max_nodes!r} must be an integer in [1, {MAX_NODES}]")
    if sense not in ("max", "min"):
        raise ModelError(f"sense={sense!r} must be 'max' or 'min'")
    if objective is None or objective == "none":
        raise ModelError("a deterministic optimum needs an objective (planner, welfare, revenue, agent:NAME or a mapping)")
    fams = parse_constraints(constraints)
    specs = [f.spec() for f in fams]
    built = build_problem(env, fams, objective, sense=sense)
    base = built.problem
    alloc = allocation_variables(env)
    order = list(base["variables"])
    rownames = [r["name"] for r in base["constraints"]]
    if method in (None, "auto") and hint.available():
        method = "hint"  # HiGHS's basis, re-solved exactly, for every node LP (many small LPs: much faster)
    kw: dict[str, Any] = dict(method=method, max_pivots=max_pivots, time_limit=time_limit)

    root = _Node({})
    stack = [root]
    solved = 0
    best: fmpq | None = None
    incumbent: dict[str, fmpq] | None = None
    while stack:
        node = stack.pop()
        if solved >= max_nodes:
            raise NodeLimitError(f"the branch and bound for a deterministic mechanism needs more than max_nodes={max_nodes} "
                                 f"node LPs ({len(alloc)} allocation variables); raise the limit with max_nodes= "
                                 "(command line: --max-nodes N)")
        step("branch and bound", solved + 1, max_nodes, "node LPs")
        res = solve_problem(_node_problem(base, node.fix), **kw)
        solved += 1
        if res.status == "unbounded":
            raise ModelError(f"the objective is unbounded {'above' if sense == 'max' else 'below'} under the constraints "
                             f"(at fixings {_fix_words(node.fix)}): no deterministic optimum exists; exactmd design "
                             "without --deterministic gives the ray's certificate")
        if res.status == "infeasible":
            node.leaf = {"status": "infeasible", "farkas": _sparse(res.farkas, rownames)}
            continue
        value, x = res.value, res.primal or {}
        assert value is not None
        leaf = {"status": "optimal", "value": fmt(value), "primal": _sparse(x, order), "dual": _sparse(res.dual, rownames)}
        if best is not None and not _better(value, best, sense):
            node.leaf = leaf  # its LP bound is no better than the incumbent
            continue
        frac = [v for v in alloc if x.get(v, fmpq(0)) not in (0, 1)]
        if not frac:  # the LP's optimum is itself deterministic
            node.leaf = leaf
            best, incumbent = value, dict(x)
            continue
        # branch on the most fractional allocation variable (first in LP order on ties)
        half = fmpq(1, 2)
        v = min(frac, key=lambda name: abs(x[name] - half))
        node.branch = v
        zero, one = _Node({**node.fix, v: 0}), _Node({**node.fix, v: 1})
        node.children = [zero, one]
        # depth first, the child the LP point leans to explored first
        stack += [zero, one] if x[v] >= half else [one, zero]

    nodes: list[dict[str, Any]] = []
    todo = [root]
    while todo:  # preorder, the "= 0" child first
        n = todo.pop()
        entry: dict[str, Any] = {"fix": {k: str(b) for k, b in n.fix.items()}}
        if n.branch is not None:
            entry["branch"] = n.branch
            todo += [n.children[1], n.children[0]]
        else:
            entry["leaf"] = n.leaf
        nodes.append(entry)

    status = Status.OPTIMAL if incumbent is not None else Status.INFEASIBLE
    mech = built.mechanism(incumbent) if incumbent is not None else None
    cert: dict[str, Any] = {
        "format": DETERMINISTIC_FORMAT,
        "statement": _statement(env, status, specs, objective, best, sense),
        "environment": env.to_dict(),
        "constraints": specs,
        "objective": _objective_spec(objective),
        "sense": sense,
        "status": str(status),
    }
    if mech is not None and best is not None:
        cert["value"] = fmt(best)
        cert["mechanism"] = mech.to_dict()
    cert["nodes"] = nodes
    options = {"max_nodes": max_nodes, **kw}
    return DeterministicResult(status, best, mech, solved, cert, tuple(f.name for f in fams), options)


def _fix_words(fix: Mapping[str, Any]) -> str:
    if not fix:
        return "none, the root"
    items = list(fix.items())
    text = ", ".join(f"{k} = {v}" for k, v in items[:4])
    return text + (f" and {len(items) - 4} more" if len(items) > 4 else "")


# ---------------------------------------------------------------------------------
# the verifier
_FIELDS = ("format", "statement", "environment", "constraints", "objective", "sense", "status", "value", "mechanism", "nodes")


class _Refused(Exception):
    """A deterministic certificate that does not prove what it states; the message names the field."""


def _canonical_number(x: Any) -> bool:
    return isinstance(x, str) and is_rational_string(x) and fmt(Q(x)) == x


def _read_environment(d: Any) -> Environment:
    try:
        env = Environment.from_dict(d, source="certificate")
    except (ExactMDError, KeyError, TypeError, AttributeError, ValueError) as e:
        raise _Refused(f"environment: {e}") from None
    if env.to_dict() != d:
        raise _Refused("environment: not written as exactmd writes it")
    return env


def _read_constraints(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Refused("constraints: must be a list of constraint families")
    try:
        fams = parse_constraints(value)
    except (ExactMDError, TypeError, AttributeError) as e:
        raise _Refused(f"constraints: {e}") from None
    if [f.spec() for f in fams] != value:
        raise _Refused(f"constraints: {value!r} is not written as exactmd writes it")
    return fams


def _read_objective(objective: Any) -> None:
    if isinstance(objective, str):
        if objective in ("planner", "welfare", "revenue") or objective.startswith("agent:"):
            return
        raise _Refused(f"objective: {objective!r} must be 'planner', 'welfare', 'revenue', 'agent:NAME' or a map")
    if not isinstance(objective, Mapping) or not objective:
        raise _Refused("objective: must be a name or a non-empty map variable -> coefficient")
    for v, c in objective.items():
        if not _canonical_number(c):
            raise _Refused(f"objective: coefficient {c!r} of {v!r} is not a canonical number 'p/q'")


def _full(sparse: Any, keys: list[str], what: str, lp: str = "the LP") -> dict[str, str]:
    """A sparse vector of the file (nonzero entries, in the LP's order) filled with zeros;
    ``lp`` names the LP in the refusal (also used by :mod:`exactmd.lexicographic`)."""
    if not isinstance(sparse, Mapping):
        raise _Refused(f"{what}: must be a map")
    known = set(keys)
    for k, x in sparse.items():
        if k not in known:
            raise _Refused(f"{what}: names {k!r}, which is not in {lp}")
        if x == "0":
            raise _Refused(f"{what}: lists the zero entry {k!r} (exactmd leaves zeros out)")
    if list(sparse) != [k for k in keys if k in sparse]:
        raise _Refused(f"{what}: entries are not in the LP's order")
    return {k: sparse.get(k, "0") for k in keys}


def _check_leaf(base: Mapping[str, Any], fix: dict[str, int], leaf: Any, where: str, alloc: set[str]) -> tuple[dict, bool]:
    """The leaf's LP (the base LP with its fixings) and its certificate, checked; returns
    the checker's facts and whether the leaf's optimal point is deterministic."""
    if not isinstance(leaf, Mapping):
        raise _Refused(f"{where}: 'leaf' must be an LP certificate without its problem")
    status = leaf.get("status")
    fields = {"infeasible": ("status", "farkas"), "optimal": ("status", "value", "primal", "dual")}.get(str(status))
    if fields is None:
        raise _Refused(f"{where}: leaf status {status!r} must be 'infeasible' or 'optimal'")
    if tuple(leaf) != fields:
        raise _Refused(f"{where}: an {status} leaf holds exactly {', '.join(fields)} (in that order)")
    problem = _node_problem(base, fix)
    cols, rows = list(problem["variables"]), [r["name"] for r in problem["constraints"]]
    cert: dict[str, Any] = {"format": LP_FORMAT, "problem": problem, "status": status}
    if status == "infeasible":
        cert["farkas"] = _full(leaf["farkas"], rows, f"{where}: farkas")
    else:
        cert["value"] = leaf["value"]
        cert["primal"] = _full(leaf["primal"], cols, f"{where}: primal")
        cert["dual"] = _full(leaf["dual"], rows, f"{where}: dual")
    facts, why = check_certificate(cert)
    if facts is None:
        raise _Refused(f"{where}: the leaf's LP certificate fails: {why}")
    integral = status == "optimal" and all(cert["primal"][v] in ("0", "1") for v in alloc)
    return facts, integral


def _check(cert: Any) -> str:
    if not isinstance(cert, Mapping):
        raise _Refused("a certificate must be a JSON object")
    if cert.get("format") != DETERMINISTIC_FORMAT:
        raise _Refused(f"format: {cert.get('format')!r} is not {DETERMINISTIC_FORMAT!r}")
    for k in cert:
        if k not in _FIELDS:
            raise _Refused(f"{k}: unknown field (a deterministic certificate holds {', '.join(_FIELDS)})")
    status = cert.get("status")
    if status not in ("optimal", "infeasible"):
        raise _Refused(f"status: {status!r} must be 'optimal' or 'infeasible'")
    need = [k for k in _FIELDS if status == "optimal" or k not in ("value", "mechanism")]
    for k in need:
        if k not in cert:
            raise _Refused(f"{k}: missing field")
    if status == "infeasible":
        for k in ("value", "mechanism"):
            if k in cert:
                raise _Refused(f"{k}: given, but the status is 'infeasible'")
    sense = cert["sense"]
    if sense not in ("max", "min"):
        raise _Refused(f"sense: {sense!r} must be 'max' or 'min'")
    if not isinstance(cert["statement"], str):
        raise _Refused("statement: must be a string")
    env = _read_environment(cert["environment"])
    fams = _read_constraints(cert["constraints"])
    _read_objective(cert["objective"])
    try:
        built: MechanismLP = build_problem(env, fams, cert["objective"], sense=sense)
    except ExactMDError as e:
        raise _Refused(f"objective: {e}") from None
    base = built.problem
    alloc = allocation_variables(env)
    alloc_set = set(alloc)

    # the incumbent: deterministic, feasible, its value recomputed
    value: fmpq | None = None
    if status == "optimal":
        if not _canonical_number(cert["value"]):
            raise _Refused(f"value: {cert['value']!r} is not a canonical number 'p/q'")
        try:
            mech = OutcomeFunction.from_dict(env, cert["mechanism"])
        except (ExactMDError, KeyError, TypeError, AttributeError, ValueError) as e:
            raise _Refused(f"mechanism: {e}") from None
        if not isinstance(cert["mechanism"], Mapping) or mech.to_dict() != cert["mechanism"]:
            raise _Refused("mechanism: not written as exactmd writes it")
        point = built.encoding.assignment(mech)
        odd = [v for v in alloc if point[v] not in (0, 1)]
        if odd:
            raise _Refused(f"mechanism: not deterministic ({odd[0]} = {fmt(point[odd[0]])})")
        rep = check(mech, fams)
        if not rep.ok:
            raise _Refused(f"mechanism: violates {rep.violations[0]}")
        value = sum((Q(c) * point[v] for v, c in base["objective"].items()), fmpq(0))
        if value != Q(cert["value"]):
            raise _Refused(f"value: the file says {cert['value']}, the mechanism's {_objective_words(cert['objective'])} "
                           f"is {fmt(value)}")

    # the tree: preorder, every internal node split into "= 0" then "= 1"
    nodes = cert["nodes"]
    if not isinstance(nodes, list) or not nodes:
        raise _Refused("nodes: must be a non-empty list")
    if len(nodes) > 2 * MAX_NODES:
        raise _Refused(f"nodes: {len(nodes)} nodes, more than {2 * MAX_NODES}")
    expect: list[dict[str, int]] = [{}]
    k = 0
    leaves = {"infeasible": 0, "bound": 0, "integral": 0}
    while expect:
        fix = expect.pop()
        where = f"nodes[{k}]"
        if k >= len(nodes):
            raise _Refused(f"nodes: the tree is incomplete: a node with fixings {_fix_words(fix)} is missing")
        node = nodes[k]
        k += 1
        if not isinstance(node, Mapping) or "fix" not in node or not (set(node) == {"fix", "branch"} or set(node) == {"fix", "leaf"}):
            raise _Refused(f"{where}: a node holds 'fix' and either 'branch' or 'leaf'")
        written = {v: str(b) for v, b in fix.items()}
        if node["fix"] != written or list(node["fix"]) != list(written):
            raise _Refused(f"{where}: its fixings are not those of its place in the tree ({_fix_words(written)})")
        if "branch" in node:
            v = node["branch"]
            if v not in alloc_set:
                raise _Refused(f"{where}: branch {v!r} is not an allocation variable of the environment")
            if v in fix:
                raise _Refused(f"{where}: branch {v!r} is already fixed at this node")
            expect += [{**fix, v: 1}, {**fix, v: 0}]
            continue
        facts, integral = _check_leaf(base, fix, node["leaf"], where, alloc_set)
        if facts["status"] == "infeasible":
            leaves["infeasible"] += 1
            continue
        if value is None:
            raise _Refused(f"{where}: an optimal leaf (LP value {fmt(Q(facts['value']))}) in a certificate of "
                           "infeasibility")
        lv = Q(facts["value"])
        if _better(lv, value, sense):
            raise _Refused(f"{where}: the leaf's LP value {fmt(lv)} is better than the incumbent's {fmt(value)}: "
                           "the subtree is not closed")
        leaves["integral" if integral else "bound"] += 1
    if k != len(nodes):
        raise _Refused(f"nodes: {len(nodes) - k} node(s) after the end of the tree (nodes[{k}] on)")

    own = _statement(env, status, cert["constraints"], cert["objective"], value, sense)
    if cert["statement"] != own:
        raise _Refused(f"statement: the file says {cert['statement']!r}, the checked certificate proves {own!r}")
    nleaf = sum(leaves.values())
    detail = (f"{counted(k, 'node')}, {counted(nleaf, 'leaf', 'leaves')} ({leaves['infeasible']} infeasible, "
              f"{leaves['bound']} bounded by the incumbent, "
              f"{leaves['integral']} with a deterministic optimum), each leaf's LP rebuilt from the environment and its "
              f"fixings and checked")
    if status == "optimal":
        detail += "; the incumbent is deterministic, satisfies the constraints and has the stated value"
    return f"{own} [{detail}]"


def verify_deterministic_certificate(cert: Mapping[str, Any]) -> tuple[bool, str]:
    """(True, message) iff the certificate proves what it states; (False, reason) otherwise.

    The message is the statement regenerated from the checked fields, with what was
    checked (module text); a refusal names the field.  Never raises.
    """
    try:
        return True, _check(cert)
    except _Refused as e:
        return False, str(e)
    except ExactMDError as e:
        return False, f"malformed deterministic certificate: {e}"
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        return False, f"malformed deterministic certificate: {type(e).__name__} {e}"
