"""An LP certificate as a proof a referee can check by hand (the data; rendering is
:mod:`exactmd.lp.proof_render`).

Every row ``a·x (op) b`` with a nonzero multiplier ``y`` is *used*: multiplied by its
weight ``y`` it becomes an inequality in one direction ``rel`` — ``≤`` for a Farkas
certificate and for a maximisation, ``≥`` for a minimisation.  The sign rule is the
certificate's own (docs/certificates.md): for ``rel = ≤`` a ``<=`` row takes a weight
y ≥ 0, a ``>=`` row a weight y ≤ 0 (multiplying by a negative number turns ``≥`` into
``≤``), an equation any weight; for ``rel = ≥`` the roles of ``<=`` and ``>=`` swap.
The bounds of the variables are rows too (``x ≤ u``, ``x ≥ l``) and obey the same rule.
Adding every used row and bound times its weight gives

* infeasible: ``0 (rel) β``, with every coefficient cancelled and β < 0 — no point;
* optimal: ``c·x (rel) D`` (the objective is bounded by D), and the primal point
  attains c·x* = D, so D is the optimal value;
* unbounded: a feasible point and a ray along which the rows stay satisfied and the
  objective grows.

Rows are grouped by *family* (the label before ``[``) and *type* (inside the brackets,
the part before ``->``, else before the first ``:``): ``IC[agent buyer: 1/3 -> 2/3]``
is in family ``IC``, type ``agent buyer: 1/3``.  Families and types keep the order in
which the problem first lists them; rows keep the problem's order.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import CertificateError
from ..rational import to_fraction

__all__ = ["Inequality", "Proof", "build_proof", "family_of", "type_of"]

Terms = tuple[tuple[str, Fraction], ...]


@dataclass(frozen=True)
class Inequality:
    """``label``: ``Σ coeffs (op) rhs``, used with ``weight`` (a row, or a variable's bound)."""

    label: str
    coeffs: Terms
    op: str  # "<=", ">=", "=="
    rhs: Fraction
    weight: Fraction
    family: str = ""
    type: str = ""


@dataclass(frozen=True)
class Proof:
    """What an LP certificate proves, written out (:func:`build_proof`)."""

    status: str  # "infeasible", "optimal", "unbounded"
    sense: str  # "max" or "min"
    rel: str  # "<=" or ">=": the direction of every weighted row
    rows: tuple[Inequality, ...]  # the used rows, grouped (family, type), problem order inside
    combination: Terms  # Σ weight·row, left side (nonzero coefficients, in variable order)
    combination_rhs: Fraction  # Σ weight·rhs
    bounds: tuple[Inequality, ...]  # the variable bounds used, weight ≠ 0
    total: Terms  # left side of rows + bounds: () when infeasible, the objective when optimal
    total_rhs: Fraction  # infeasible: < 0; optimal: the value
    objective: Terms = ()
    value: Fraction | None = None
    primal: Terms = ()  # nonzero values of the primal point (optimal, unbounded)
    ray: Terms = ()  # unbounded
    n_rows: int = 0
    n_variables: int = 0


def family_of(label: str) -> str:
    """``IC[agent buyer: 1/3 -> 2/3]`` → ``IC``; a label without ``[`` is its own family."""
    return label.split("[", 1)[0] if "[" in label else label


def type_of(label: str) -> str:
    """``IC[agent buyer: 1/3 -> 2/3]`` → ``agent buyer: 1/3``; ``IR[agent seller: 1]`` →
    ``agent seller``; ``BB[0,1]`` → ``""`` (one group for the family)."""
    if "[" not in label or not label.endswith("]"):
        return ""
    inner = label.split("[", 1)[1][:-1]
    if " -> " in inner:
        return inner.split(" -> ", 1)[0].strip()
    if ": " in inner:
        return inner.split(": ", 1)[0].strip()
    return ""


def _q(s: Any, what: str) -> Fraction:
    if not isinstance(s, str):
        raise CertificateError(f"{what} = {s!r} is not a number string \"p/q\"")
    return to_fraction(s)


def _vec(d: Any, what: str) -> dict[str, Fraction]:
    if not isinstance(d, dict):
        raise CertificateError(f"'{what}' must be an object")
    return {str(k): _q(v, f"{what}[{k!r}]") for k, v in d.items()}


def _terms(w: dict[str, Fraction], order: list[str]) -> Terms:
    return tuple((v, w[v]) for v in order if w.get(v, 0) != 0)


def _allowed(op: str, rel: str, y: Fraction) -> bool:
    if op == "==" or y == 0:
        return True
    return (y > 0) == (op == rel)


def _group(rows: list[Inequality]) -> tuple[Inequality, ...]:
    fams: dict[str, dict[str, list[Inequality]]] = {}
    for r in rows:
        fams.setdefault(r.family, {}).setdefault(r.type, []).append(r)
    return tuple(r for types in fams.values() for rs in types.values() for r in rs)


def build_proof(cert: dict[str, Any]) -> Proof:
    """The proof an ``exactmd-lp-certificate/1`` document carries.

    Raises :class:`~exactmd.errors.CertificateError` when a weight breaks the sign rule
    or a bound the proof needs is infinite (a certificate ``exactmd verify`` accepts
    never does).

    >>> cert = {"format": "exactmd-lp-certificate/1", "status": "infeasible",
    ...         "problem": {"sense": "max", "variables": {"x": ["0", None]}, "objective": {},
    ...                     "constraints": [{"name": "low", "coeffs": {"x": "1"}, "op": ">=", "rhs": "2"},
    ...                                     {"name": "high", "coeffs": {"x": "1"}, "op": "<=", "rhs": "1"}]},
    ...         "farkas": {"low": "-1", "high": "1"}}
    >>> p = build_proof(cert)
    >>> [(r.label, str(r.weight)) for r in p.rows], p.combination, p.total, p.total_rhs
    ([('low', '-1'), ('high', '1')], (), (), Fraction(-1, 1))
    """
    p = cert["problem"]
    status = cert["status"]
    sense = p["sense"]
    variables: dict[str, Any] = p["variables"]
    order = list(variables)
    lo = {v: None if b[0] is None else _q(b[0], f"lower bound of {v!r}") for v, b in variables.items()}
    hi = {v: None if b[1] is None else _q(b[1], f"upper bound of {v!r}") for v, b in variables.items()}
    c = _vec(p.get("objective", {}), "objective")
    if status == "infeasible":
        y, rel = _vec(cert["farkas"], "farkas"), "<="
    elif status == "optimal":
        y, rel = _vec(cert["dual"], "dual"), "<=" if sense == "max" else ">="
    elif status == "unbounded":
        y, rel = {}, "<=" if sense == "max" else ">="
    else:
        raise CertificateError(f"status {status!r} must be 'optimal', 'infeasible' or 'unbounded'")
    used: list[Inequality] = []
    w: dict[str, Fraction] = {}
    beta = Fraction(0)
    for r in p["constraints"]:
        name = r["name"]
        m = y.get(name, Fraction(0))
        if m == 0:
            continue
        if not _allowed(r["op"], rel, m):
            raise CertificateError(f"row {name!r} ({r['op']}) has weight {m} of the wrong sign for a proof of '{rel}'")
        co = tuple((v, _q(a, f"coefficient of {v!r} in row {name!r}")) for v, a in r["coeffs"].items())
        co = tuple((v, a) for v, a in co if a != 0)
        rhs = _q(r["rhs"], f"rhs of row {name!r}")
        used.append(Inequality(name, co, r["op"], rhs, m, family_of(name), type_of(name)))
        for v, a in co:
            w[v] = w.get(v, Fraction(0)) + m * a
        beta += m * rhs
    # what the bounds must cancel: w itself (infeasible), or the reduced costs d = c − w (optimal)
    target = {v: -w.get(v, Fraction(0)) for v in order} if status == "infeasible" else \
        {v: c.get(v, Fraction(0)) - w.get(v, Fraction(0)) for v in order}
    bounds: list[Inequality] = []
    rhs_total = beta
    if status != "unbounded":
        for v in order:
            d = target[v]
            if d == 0:
                continue
            upper = (d > 0) == (rel == "<=")  # the bound whose sign rule admits weight d
            b = hi[v] if upper else lo[v]
            if b is None:
                raise CertificateError(f"variable {v!r} needs a finite {'upper' if upper else 'lower'} bound for this proof")
            bounds.append(Inequality(f"bound of {v}", ((v, Fraction(1)),), "<=" if upper else ">=", b, d))
            rhs_total += d * b
    total = () if status == "infeasible" else _terms(c, order)
    value = None if status != "optimal" else _q(cert["value"], "value")
    primal = _vec(cert["primal"], "primal") if status in ("optimal", "unbounded") else {}
    ray = _vec(cert["ray"], "ray") if status == "unbounded" else {}
    return Proof(status, sense, rel, _group(used), _terms(w, order), beta, tuple(bounds), total, rhs_total,
                 _terms(c, order), value, _terms(primal, order), _terms(ray, order),
                 len(p["constraints"]), len(order))
