"""Certificates explained in terms of their labelled rows.

For an infeasible LP the Farkas multipliers y combine the rows into one inequality
w·x ≤ β (a ``<=`` row is used as it stands with weight y ≥ 0; a ``>=`` row is multiplied
by −1 first, so its weight is |y|; an ``==`` row may be used either way).  Every
feasible x would satisfy it, but over the bounds of the variables w·x is at least
L > β: the contradiction.  For an optimal LP the same combination with the dual y
bounds the objective: c·x = y·(Ax) + d·x ≤ y·b + Σ bound terms = value.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..errors import CertificateError
from ..rational import fmt, to_fraction

__all__ = ["explain"]


def _f(s: Any) -> Fraction:
    if not isinstance(s, str):
        raise CertificateError(f"{s!r} is not a number string \"p/q\"")
    return to_fraction(s)  # bounded, and no 4,300-digit limit (exactmd.rational)


def _fmt(q: Fraction) -> str:
    return fmt(q)


def _terms(w: dict[str, Fraction], limit: int = 12) -> str:
    items = [(v, q) for v, q in w.items() if q != 0]
    if not items:
        return "0"
    parts = []
    for k, (v, q) in enumerate(items[:limit]):
        sign = "-" if q < 0 else "+"
        mag = abs(q)
        coef = "" if mag == 1 else f"{_fmt(mag)}·"
        parts.append(("-" if sign == "-" else "") + f"{coef}{v}" if k == 0 else f" {sign} {coef}{v}")
    if len(items) > limit:
        parts.append(f" + … ({len(items) - limit} more terms)")
    return "".join(parts)


def _family(name: str) -> str:
    return name.split("[", 1)[0] if "[" in name else "other"


def _combination(problem: dict[str, Any], y: dict[str, Fraction], limit: int | None = None) -> tuple[list[str], dict[str, Fraction], Fraction]:
    lines = []
    w: dict[str, Fraction] = {v: Fraction(0) for v in problem["variables"]}
    beta = Fraction(0)
    used = [(r, y.get(r["name"], Fraction(0))) for r in problem["constraints"]]
    used = [(r, m) for r, m in used if m != 0]
    used.sort(key=lambda rm: -abs(rm[1]))
    fams: dict[str, int] = {}
    for r, _ in used:
        fams[_family(r["name"])] = fams.get(_family(r["name"]), 0) + 1
    if limit is not None and len(used) > limit:
        lines.append("  (" + ", ".join(f"{n} {f} rows" for f, n in fams.items()) + f"; the {limit} heaviest are listed)")
    for k, (r, m) in enumerate(used):
        how = {"<=": "", ">=": " (a >= row, taken with sign −)", "==": " (an equation" + (", taken with sign −)" if m < 0 else ")")}[r["op"]]
        if limit is None or k < limit:
            lines.append(f"  {r['name']} × {_fmt(abs(m))}{how}")
        elif k == limit:
            lines.append(f"  … and {len(used) - limit} more rows (exactmd explain --full lists them all)")
        for v, a in r["coeffs"].items():
            w[v] += m * _f(a)
        beta += m * _f(r["rhs"])
    return lines, w, beta


def explain(cert: dict[str, Any], limit: int | None = 40) -> str:
    """A readable proof of what the certificate shows (``limit`` rows listed; None: all)."""
    p = cert["problem"]
    status = cert["status"]
    if status == "infeasible":
        y = {k: _f(v) for k, v in cert["farkas"].items()}
        lines, w, beta = _combination(p, y, limit)
        low = Fraction(0)
        bounds = []
        for v, q in w.items():
            lo, hi = p["variables"][v]
            if q > 0:
                low += q * _f(lo)
                if _f(lo) != 0:
                    bounds.append(f"{v} ≥ {lo}")
            elif q < 0:
                low += q * _f(hi)
                bounds.append(f"{v} ≤ {hi}")
        out = ["No point satisfies these constraints. Add up"] + lines
        out.append(f"to get  {_terms(w)} ≤ {_fmt(beta)}.")
        if any(q != 0 for q in w.values()):
            shown = ", ".join(bounds[:8]) + (f", … {len(bounds) - 8} more" if len(bounds) > 8 else "")
            out.append(f"But the bounds of the variables ({shown if bounds else 'all ≥ 0'}) make the left side at least {_fmt(low)},")
        out.append(f"so {_fmt(low)} ≤ {_fmt(beta)}, a contradiction.")
        return "\n".join(out)
    if status == "optimal":
        y = {k: _f(v) for k, v in cert["dual"].items()}
        if p["sense"] == "min":
            y = {k: -v for k, v in y.items()}
        lines, _, _ = _combination(p, y, limit)
        word = "at most" if p["sense"] == "max" else "at least"
        out = [f"Optimal value {cert['value']}: the objective is {word} {cert['value']} because it is bounded by"]
        out += lines or ["  (the variable bounds alone)"]
        out.append("plus the bounds of the variables, and the primal solution attains it.")
        tight = [r["name"] for r in p["constraints"] if y.get(r["name"], 0) != 0]
        if tight:
            out.append(f"Binding rows with nonzero multipliers: {len(tight)}.")
        return "\n".join(out)
    if status == "unbounded":
        ray = cert.get("ray", {})
        return "Unbounded: from the feasible point given, moving along the ray " + _terms({k: _f(v) for k, v in ray.items()}) + " stays feasible and improves the objective without limit."
    return f"unknown status {status!r}"
