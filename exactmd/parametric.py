"""Parametric mechanism design: the optimum as an exact piecewise function of one parameter λ.

Two kinds of parameter (docs/parametric.md):

* **a prior mixture** p_λ = (1 − λ)p₀ + λp₁, λ ∈ [lo, hi] ⊆ [0, 1] (:func:`parametric_design`
  with ``mix=``; CLI ``--param mix=OTHER.toml[:LO:HI]``).  Every row of the families in
  ``LINEAR_IN_BELIEF`` and every objective is linear in the belief (each IC/IR row is
  Σ_θ p(θ)·(…), eq. (1) multiplied by p_i(θ_i)), so the LP's matrix and objective are
  affine in λ — the case in which breakpoints may be irrational;
* **a number of the environment file** addressed by a dotted path, ``NAME=LO:HI``
  (:func:`parametric_file`; e.g. ``valuation.buyer.1.1,*``, ``prior.independent.0.1``,
  list positions counted from 0): the LP is built at λ = 1/3 and 2/3, and refused unless
  at λ = 1/2 it is the affine interpolation (an objective weight, a right-hand side or a
  coefficient that enters linearly).

The result holds the pieces of :func:`exactmd.lp.parametric.solve_parametric` and writes
an ``exactmd-parametric-mechanism/1`` certificate (mixtures: the verifier rebuilds the
parametric LP from the environment and the two priors) or, for a file number, the
``exactmd-parametric-lp/1`` certificate of the parametric LP itself.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flint import fmpq

from .belief import Belief
from .constraints import parse_constraints
from .design import build_problem
from .environment import Environment, _from_dict, _refuse_floats
from .errors import CertificateError, ExactMDError, InputError, ModelError
from .lp.parametric import ParametricProblem, ParametricResult, solve_parametric
from .lp.parametric_check import verify_parametric
from .notebook import Card, Displayable
from .rational import Q, counted, fmt, is_rational_string
from .table import Table

__all__ = ["ParametricDesign", "parametric_design", "parametric_file", "mixture", "parse_param", "verify_document",
           "verify_parametric_mechanism", "PARAMETRIC_MECHANISM_FORMAT", "LINEAR_IN_BELIEF"]

PARAMETRIC_MECHANISM_FORMAT = "exactmd-parametric-mechanism/1"
#: constraint families whose rows are linear in the belief (so a prior mixture is affine in λ)
LINEAR_IN_BELIEF = ("IC", "veto-IC", "interim-IR", "ex-post-IR", "BB", "weak-BB", "ex-ante-BB", "efficiency", "DSIC", "ex-post-IC")



def mixture(p0: Belief, p1: Belief, lam: Any) -> Belief:
    """p_λ = (1 − λ)p₀ + λp₁ (λ in [0, 1])."""
    t = Q(lam, name="λ")
    if t < 0 or t > 1:
        raise ModelError(f"λ = {fmt(t)} must be in [0, 1] for the mixture (1 − λ)p₀ + λp₁")
    if p0.types != p1.types:
        raise ModelError("the two priors of a mixture must be over the same type sets")
    return Belief(p0.types, {th: (1 - t) * p0[th] + t * p1[th] for th in p0.profiles()}, name="p_λ")


@dataclass(repr=False)
class ParametricDesign(Displayable):
    """The optimal value of a mechanism question for every λ in [lo, hi]; ``result`` the pieces."""

    result: ParametricResult
    certificate: dict[str, Any]
    statement: str

    def rows(self) -> list[dict[str, Any]]:
        return self.result.rows()

    def __repr__(self) -> str:
        r = self.result
        return (f"ParametricDesign({r.parameter} in [{fmt(r.lo)}, {fmt(r.hi)}]: {counted(len(r.pieces), 'piece')}, "
                f"{counted(len(r.points), 'breakpoint')}, {counted(r.solves, 'LP solve')})")

    def _card(self) -> Card:
        r = self.result
        facts: tuple[tuple[str, Any], ...] = (("interval", f"{r.parameter} in [{fmt(r.lo)}, {fmt(r.hi)}]"),
                                              ("pieces", len(r.pieces)), ("breakpoints", len(r.points)),
                                              ("certificate", f"{self.certificate.get('format')} (exactmd verify re-checks it)"))
        tables: tuple[tuple[str, Table], ...] = (("the optimal value, piece by piece", Table(None, r.rows())),)
        if r.points:
            tables += (("breakpoints", Table(None, r.point_rows())),)
        return Card(self.statement, facts, tables)

    def value_at(self, t: Any) -> fmpq:
        return self.result.value_at(t)

    def verify(self) -> None:
        ok, why = verify_document(self.certificate)
        if not ok:
            raise CertificateError(f"the parametric certificate fails: {why}")


def verify_document(doc: Mapping[str, Any]) -> tuple[bool, str]:
    if doc.get("format") == PARAMETRIC_MECHANISM_FORMAT:
        return verify_parametric_mechanism(doc)
    return verify_parametric(doc)


def _families(constraints: Any) -> list[Any]:
    fams = parse_constraints(constraints)
    for f in fams:
        if f.name not in LINEAR_IN_BELIEF:
            raise InputError(f"constraint family {f.name!r} is not known to be linear in the belief; a prior mixture "
                             f"supports {', '.join(LINEAR_IN_BELIEF)}")
    return fams


def _mixture_problem(env: Environment, fams: list[Any], objective: Any, sense: str, p0: Belief, p1: Belief) -> ParametricProblem:
    def at(t: fmpq) -> Mapping[str, Any]:
        return build_problem(env, fams, objective, belief=mixture(p0, p1, t), sense=sense).problem
    return ParametricProblem.affine(at, what="the mechanism LP")


def parametric_design(env: Environment, constraints: Any = ("IC", "interim-IR"), objective: Any = "planner", *,
                      mix: Belief | Environment, interval: tuple[Any, Any] = (0, 1), sense: str = "max",
                      method: str | None = None, trace: Callable[[str], None] | None = None) -> ParametricDesign:
    """The optimum under the prior p_λ = (1 − λ)·env.prior + λ·mix for λ in ``interval``.

    >>> from exactmd.belief import independent
    >>> env = Environment.quasilinear([[0, 1], [0, 1]], "uniform", [0, 1],
    ...     lambda i, a, th: a * th[0] if i == 0 else -a * th[1], agents=["b", "s"])
    >>> skewed = independent(env.types, [["1/3", "2/3"], ["1/3", "2/3"]])
    >>> d = parametric_design(env, ["IC", "interim-IR", "BB"], mix=skewed)
    >>> [r["value"] for r in d.rows()]
    ['-1/36 λ + 1/4']
    """
    p1 = mix.prior if isinstance(mix, Environment) else mix
    p0 = env.prior
    if p0.types != p1.types:
        raise InputError("mix: the other prior is over different type sets than the environment's")
    lo, hi = Q(interval[0], name="lower end of λ"), Q(interval[1], name="upper end of λ")
    if not (0 <= lo < hi <= 1):
        raise InputError(f"the mixture weight runs over [{fmt(lo)}, {fmt(hi)}]; it must satisfy 0 ≤ lo < hi ≤ 1")
    if objective is None or not isinstance(objective, str):
        raise InputError(f"objective={objective!r}: a parametric design takes planner, welfare, revenue or agent:NAME")
    fams = _families(constraints)
    pp = _mixture_problem(env, fams, objective, sense, p0, p1)
    res = solve_parametric(pp, lo, hi, method=method, trace=trace)
    specs = [f.spec() for f in fams]
    statement = (f"{sense} {objective} over mechanisms satisfying {', '.join(map(str, specs))} under the prior "
                 f"(1 − λ)·p₀ + λ·p₁, λ in [{fmt(lo)}, {fmt(hi)}]: {counted(len(res.pieces), 'piece')}")
    cert = {"format": PARAMETRIC_MECHANISM_FORMAT, "statement": statement, "environment": env.to_dict(),
            "prior_from": p0.to_dict(), "prior_to": p1.to_dict(), "constraints": specs, "objective": objective,
            "sense": sense, "parametric": res.certificate()}
    return ParametricDesign(res, cert, statement)


def verify_parametric_mechanism(doc: Mapping[str, Any]) -> tuple[bool, str]:
    """Rebuild the parametric LP from the environment and the two priors, compare, then verify it."""
    keys = {"format", "statement", "environment", "prior_from", "prior_to", "constraints", "objective", "sense", "parametric"}
    try:
        if set(doc) != keys:
            return False, f"fields {sorted(set(doc) ^ keys)} are missing or unknown"
        env = Environment.from_dict(doc["environment"], source="environment")
        p0 = Belief(env.types, dict(doc["prior_from"]), name="prior_from")
        p1 = Belief(env.types, dict(doc["prior_to"]), name="prior_to")
        if doc["sense"] not in ("max", "min") or not isinstance(doc["objective"], str):
            return False, "sense / objective: not as exactmd writes them"
        fams = _families(doc["constraints"])
        pp = _mixture_problem(env, fams, doc["objective"], doc["sense"], p0, p1)
        par = doc["parametric"]
        if not isinstance(par, Mapping) or par.get("problem") != pp.to_json():
            return False, "parametric.problem is not the LP of the environment under the mixture of prior_from and prior_to"
        iv = par.get("interval")
        if not (isinstance(iv, list) and len(iv) == 2 and all(isinstance(x, str) and is_rational_string(x) for x in iv)
                and 0 <= Q(iv[0]) and Q(iv[1]) <= 1):
            return False, "parametric.interval must lie in [0, 1]"
        ok, why = verify_parametric(par)
        if not ok:
            return False, f"parametric: {why}"
        fam = ", ".join(map(str, doc["constraints"]))
        return True, (f"{doc['sense']} {doc['objective']} subject to {fam}, prior (1 − λ)·prior_from + λ·prior_to "
                      f"(the LP rebuilt from the environment): {why}")
    except ExactMDError as e:
        return False, str(e)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        return False, f"not a well-formed parametric mechanism certificate ({type(e).__name__}: {str(e)[:80]})"


# --------------------------------------------------------------------------- file numbers
def parse_param(spec: str) -> tuple[str, str | None, fmpq | None, fmpq | None]:
    """``NAME=LO:HI`` → (NAME, None, LO, HI); ``mix=FILE.toml`` or ``mix=FILE.toml:LO:HI`` →
    ("mix", FILE, LO or 0, HI or 1)."""
    if not isinstance(spec, str) or "=" not in spec:
        raise InputError(f"--param {spec!r} must be NAME=LO:HI or mix=OTHER_PRIOR.toml[:LO:HI]")
    name, rest = spec.split("=", 1)
    name = name.strip()
    if name == "mix":
        parts = rest.rsplit(":", 2)
        if len(parts) == 3 and all(is_rational_string(p.strip()) for p in parts[1:]):
            return "mix", parts[0], Q(parts[1].strip()), Q(parts[2].strip())
        return "mix", rest, fmpq(0), fmpq(1)
    parts = rest.split(":")
    if not name or len(parts) != 2 or not all(is_rational_string(p.strip()) for p in parts):
        raise InputError(f"--param {spec!r} must be NAME=LO:HI with exact numbers LO < HI (e.g. valuation.buyer.1.1,*=0:1/2)")
    lo, hi = Q(parts[0].strip()), Q(parts[1].strip())
    if not lo < hi:
        raise InputError(f"--param {spec!r}: LO = {fmt(lo)} must be < HI = {fmt(hi)}")
    return name, None, lo, hi


def _read_toml(path: str | Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise ModelError(f"cannot read environment file {str(path)!r}: {e.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ModelError(f"{path}: not valid TOML: {e}") from None
    _refuse_floats(data, str(path))
    return data


def _set_path(data: dict[str, Any], path: str, value: str) -> dict[str, Any]:
    """A copy of the TOML data with the number at the dotted ``path`` replaced by ``value``."""
    out = copy.deepcopy(data)
    node: Any = out.get("environment", out)
    parts = path.split(".")
    for k, key in enumerate(parts):
        last = k == len(parts) - 1
        where = ".".join(parts[:k + 1])
        if isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                raise InputError(f"--param {path}: {where} is not a position of a list of {len(node)}")
            ix: Any = int(key)
        elif isinstance(node, dict):
            if key not in node:
                raise InputError(f"--param {path}: {where} is not in the file (keys there: {', '.join(map(str, node))})")
            ix = key
        else:
            raise InputError(f"--param {path}: {'.'.join(parts[:k])} is a number, not a table or list")
        if last:
            old = node[ix]
            if isinstance(old, bool) or not (isinstance(old, int) or (isinstance(old, str) and is_rational_string(old))):
                raise InputError(f"--param {path}: the entry there is {old!r}, not a number")
            node[ix] = value
        else:
            node = node[ix]
    return out


def parametric_file(path: str | Path, name: str, lo: Any, hi: Any, constraints: Any = ("IC", "interim-IR"),
                    objective: Any = "planner", *, sense: str = "max", method: str | None = None,
                    trace: Callable[[str], None] | None = None) -> ParametricDesign:
    """The optimum as the number at ``name`` (a dotted path in the TOML file) runs over [lo, hi]."""
    data = _read_toml(path)
    lo_q, hi_q = Q(lo), Q(hi)
    fams = parse_constraints(constraints)
    _set_path(data, name, "0")  # the path is checked before any LP is built

    def at(t: fmpq) -> Mapping[str, Any]:
        body = _set_path(data, name, fmt(lo_q + t * (hi_q - lo_q)))
        env = _from_dict(body.get("environment", body), str(path))
        return build_problem(env, fams, objective, sense=sense).problem

    # λ runs over [0, 1] internally (so the affinity test points lie inside); the pieces are mapped back
    inner = ParametricProblem.affine(at, what=f"the mechanism LP as {name} varies")
    pp = _rescale(inner, lo_q, hi_q)
    res = solve_parametric(pp, lo_q, hi_q, method=method, trace=trace)
    statement = (f"{sense} {objective} over mechanisms satisfying {', '.join(map(str, (f.spec() for f in fams)))} "
                 f"as λ = {name} runs over [{fmt(lo_q)}, {fmt(hi_q)}] in {path}: {counted(len(res.pieces), 'piece')}")
    return ParametricDesign(res, res.certificate(), statement)


def _rescale(pp: ParametricProblem, lo: fmpq, hi: fmpq) -> ParametricProblem:
    """Data affine in s ∈ [0, 1] as data affine in v = lo + s(hi − lo)."""
    h = hi - lo

    def re(p: tuple[fmpq, fmpq]) -> tuple[fmpq, fmpq]:
        return (p[0] - lo * p[1] / h, p[1] / h)

    return ParametricProblem(pp.sense, pp.names, pp.lo, pp.hi, {j: re(p) for j, p in pp.obj.items()},
                             [(n, {j: re(p) for j, p in co.items()}, op, re(b)) for n, co, op, b in pp.rows])
