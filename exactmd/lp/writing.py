"""Writing LP problems as MPS and CPLEX LP (the counterparts of :mod:`exactmd.lp.formats`).

Both write exact decimals; a coefficient with no finite decimal expansion (1/3) is
refused, and so is a name with blanks (``docs/lp-formats.md``, "Writing").
"""

from __future__ import annotations

from typing import Any

from flint import fmpz

from ..errors import LPFormatError
from ..rational import Q, fmt

__all__ = ["write_mps", "write_lp"]


def _dec(s: str, what: str) -> str:
    q = Q(s)
    den = int(q.q)
    while den % 2 == 0:
        den //= 2
    while den % 5 == 0:
        den //= 5
    if den != 1:
        raise LPFormatError(f"{what} = {s} has no finite decimal expansion; the format cannot hold it exactly")
    if q.q == 1:
        return str(q.p)
    digits = 0
    t = int(q.q)
    while t != 1:
        t = t // 2 if t % 2 == 0 else t // 5
        digits += 1
    scaled = abs(q.p) * fmpz(10) ** digits // q.q  # fmpz: no 4,300-digit limit on str
    txt = str(scaled).rjust(digits + 1, "0")
    out = txt[:-digits] + "." + txt[-digits:]
    out = out.rstrip("0").rstrip(".")
    return ("-" if q.p < 0 else "") + out


def _writable(name: str, what: str) -> str:
    if not name or any(ch.isspace() for ch in name):
        raise LPFormatError(f"{what} {name!r} cannot be written to MPS or LP files (names there have no spaces); keep this problem in JSON")
    return name


def write_mps(problem: dict[str, Any]) -> str:
    """Free MPS with exact decimals (refuses values with no finite decimal expansion).

    Every variable is written, also one in no row and not in the objective (as an
    objective entry 0), so that reading the file back gives the same problem.
    """
    rows = [_writable(c["name"], "row") for c in problem["constraints"]]
    objrow = "obj"
    while objrow in rows:
        objrow += "_"
    lines = ["NAME exactmd", "OBJSENSE", "    " + ("MAX" if problem["sense"] == "max" else "MIN"), "ROWS", f" N {objrow}"]
    kinds = {"<=": "L", ">=": "G", "==": "E"}
    for c in problem["constraints"]:
        lines.append(f" {kinds[c['op']]} {c['name']}")
    lines.append("COLUMNS")
    cols: dict[str, list[str]] = {_writable(v, "variable"): [] for v in problem["variables"]}
    for v, a in problem["objective"].items():
        cols[v].append(f"    {v} {objrow} {_dec(a, v)}")
    for c in problem["constraints"]:
        for v, a in c["coeffs"].items():
            cols[v].append(f"    {v} {c['name']} {_dec(a, v)}")
    for v, entries in cols.items():
        lines.extend(entries or [f"    {v} {objrow} 0"])
    lines.append("RHS")
    for c in problem["constraints"]:
        if Q(c["rhs"]) != 0:
            lines.append(f"    RHS {c['name']} {_dec(c['rhs'], c['name'])}")
    lines.append("BOUNDS")
    for v, (lo, hi) in problem["variables"].items():
        if lo is not None and hi is not None and Q(lo) == Q(hi):
            lines.append(f" FX BND {v} {_dec(lo, v)}")
            continue
        if lo is None and hi is None:
            lines.append(f" FR BND {v}")
            continue
        if lo is None:
            lines.append(f" MI BND {v}")
        elif Q(lo) != 0:
            lines.append(f" LO BND {v} {_dec(lo, v)}")
        if hi is not None:
            lines.append(f" UP BND {v} {_dec(hi, v)}")
    lines.append("ENDATA")
    return "\n".join(lines) + "\n"


def write_lp(problem: dict[str, Any]) -> str:
    """CPLEX LP with exact decimals (refuses values with no finite decimal expansion)."""

    def expr(co: dict[str, str]) -> str:
        parts = []
        for v, a in co.items():
            d = _dec(a, v)
            sign = "-" if d.startswith("-") else "+"
            parts.append(f"{sign} {d.lstrip('-')} {v}")
        s = " ".join(parts) if parts else "0"
        return s[2:] if s.startswith("+ ") else s

    for v in problem["variables"]:
        _writable(v, "variable")
    out = ["Maximize" if problem["sense"] == "max" else "Minimize", " obj: " + expr(problem["objective"]), "Subject To"]
    ops = {"<=": "<=", ">=": ">=", "==": "="}
    for c in problem["constraints"]:
        _writable(c["name"], "row")
        out.append(f" {c['name']}: {expr(c['coeffs'])} {ops[c['op']]} {_dec(c['rhs'], c['name'])}")
    out.append("Bounds")
    for v, (lo, hi) in problem["variables"].items():
        L = "-inf" if lo is None else _dec(lo, v)
        U = "inf" if hi is None else _dec(hi, v)
        out.append(f" {L} <= {v} <= {U}")
    out.append("End")
    return "\n".join(out) + "\n"
