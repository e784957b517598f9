"""The verifier of ``exactmd-parametric-lp/1`` certificates (docs/parametric.md).

It trusts nothing in the file but the LP it states.  For every piece [α, β] it reads the
basis only as bookkeeping and checks, by exact polynomial arithmetic:

1. the claimed numerators X_j (basic columns; nonbasic ones are D·their bound) and D solve
   the rows: Σ_j a_rj(λ) X_j(λ) − X_{s_r}(λ) ≡ 0 for every row r (polynomial identities);
2. the claimed dual numerators Y_r give zero reduced cost to every basic column:
   c_j(λ) D − Σ_r a_rj(λ) Y_r ≡ 0 (structural), Y_r ≡ 0 (row variable of row r);
3. D has no root in the open piece (nor at a closed end), and each condition — X_j within
   its bounds for the basic j, the reduced cost of each nonbasic j of the sign its bound
   needs — multiplied by D, has no sign change in the open piece and the right sign at a
   rational point inside it (at the point itself for a one-point piece);
4. the printed value num/den is in lowest terms and num·D ≡ den·(c(λ)·X) (in the LP's sense).

Then for every λ of the piece with D(λ) ≠ 0, x = X/D is feasible, y = Y/D is dual feasible
with complementary slackness, so x is optimal with the printed value.  The pieces must
cover [lo, hi] end to end; each breakpoint is covered by a closed end, or by an embedded
LP certificate of the LP at that (rational) point, or is said to be undecided.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flint import fmpq, fmpq_poly

from ..errors import CertificateError
from ..rational import counted, fmt
from .algebraic import Real, _q, between, poly_from_json, poly_str, real_roots, sign_at, sign_change_free
from .checker import verify_certificate

__all__ = ["verify_parametric", "PARAMETRIC_FORMAT"]

PARAMETRIC_FORMAT = "exactmd-parametric-lp/1"

MAX_ENTRIES = 2_000_000
MAX_PIECES = 10_000


def verify_parametric(doc: Mapping[str, Any]) -> tuple[bool, str]:
    """(True, what was proved) iff the document is a valid parametric LP certificate; never raises."""
    try:
        return True, _verify(doc)
    except CertificateError as e:
        return False, str(e)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError, ZeroDivisionError) as e:
        return False, f"not a well-formed parametric certificate ({type(e).__name__}: {str(e)[:80]})"


def _aff(p: Any, where: str) -> fmpq_poly:
    if not isinstance(p, list) or len(p) != 2:
        raise CertificateError(f"{where} must be [v0, v1] (the affine function v0 + λ v1)")
    return fmpq_poly([_q(p[0], where), _q(p[1], where)])


def _problem(d: Any) -> tuple[str, list[str], list[Any], list[Any], dict[int, fmpq_poly], list[tuple[str, dict[int, fmpq_poly], str, fmpq_poly]]]:
    if not isinstance(d, Mapping) or set(d) != {"sense", "variables", "objective", "constraints"}:
        raise CertificateError("problem must have exactly sense, variables, objective, constraints")
    sense = d["sense"]
    if sense not in ("max", "min"):
        raise CertificateError(f"problem.sense {sense!r} must be 'max' or 'min'")
    vs = d["variables"]
    if not isinstance(vs, Mapping):
        raise CertificateError("problem.variables must map names to [lower, upper]")
    names = list(vs)
    idx = {v: k for k, v in enumerate(names)}
    lo, hi = [], []
    for v in names:
        b = vs[v]
        if not isinstance(b, list) or len(b) != 2:
            raise CertificateError(f"problem.variables.{v} must be [lower, upper]")
        lo.append(None if b[0] is None else _q(b[0], f"problem.variables.{v}"))
        hi.append(None if b[1] is None else _q(b[1], f"problem.variables.{v}"))
        if lo[-1] is not None and hi[-1] is not None and lo[-1] > hi[-1]:
            raise CertificateError(f"problem.variables.{v}: lower bound > upper bound")
    obj = {}
    for v, p in dict(d["objective"]).items():
        if v not in idx:
            raise CertificateError(f"problem.objective names unknown variable {v!r}")
        obj[idx[v]] = _aff(p, f"problem.objective.{v}")
    rows = []
    seen = set()
    total = 0
    for k, r in enumerate(d["constraints"]):
        name = r["name"]
        if not isinstance(name, str) or name in seen:
            raise CertificateError(f"problem.constraints[{k}].name {name!r} must be a new string")
        seen.add(name)
        if r["op"] not in ("<=", ">=", "=="):
            raise CertificateError(f"problem.constraints[{k}].op {r['op']!r} must be <=, >= or ==")
        co = {}
        for v, p in dict(r["coeffs"]).items():
            if v not in idx:
                raise CertificateError(f"problem.constraints[{k}] ({name}) names unknown variable {v!r}")
            co[idx[v]] = _aff(p, f"problem.constraints[{k}].coeffs.{v}")
        total += len(co)
        if total > MAX_ENTRIES:
            raise CertificateError(f"problem has more than {MAX_ENTRIES} coefficients; refused")
        rows.append((name, co, r["op"], _aff(r["rhs"], f"problem.constraints[{k}].rhs")))
    return sense, names, lo, hi, obj, rows


def _verify(doc: Mapping[str, Any]) -> str:
    keys = {"format", "parameter", "interval", "problem", "pieces", "points"}
    if doc.get("format") != PARAMETRIC_FORMAT:
        raise CertificateError(f"format: {doc.get('format')!r} is not {PARAMETRIC_FORMAT!r}")
    if set(doc) != keys:
        raise CertificateError(f"fields {sorted(set(doc) ^ keys)} are missing or unknown (a parametric certificate has {sorted(keys)})")
    par = doc["parameter"]
    if not isinstance(par, str) or not par or len(par) > 100:
        raise CertificateError("parameter must be a short name")
    iv = doc["interval"]
    if not isinstance(iv, list) or len(iv) != 2:
        raise CertificateError("interval must be [lo, hi]")
    lo, hi = _q(iv[0], "interval"), _q(iv[1], "interval")
    if not lo < hi:
        raise CertificateError(f"interval [{fmt(lo)}, {fmt(hi)}] must have lo < hi")
    sense, names, vlo, vhi, obj, rows = _problem(doc["problem"])
    n, m = len(names), len(rows)
    sign = 1 if sense == "max" else -1
    idx = {v: k for k, v in enumerate(names)}
    ridx = {r[0]: k for k, r in enumerate(rows)}
    pieces = doc["pieces"]
    if not isinstance(pieces, list) or not pieces or len(pieces) > MAX_PIECES:
        raise CertificateError(f"pieces must be a list of 1 to {MAX_PIECES} pieces")
    # column j: bounds (polynomials or None), cost, entries
    def bounds(j: int) -> tuple[fmpq_poly | None, fmpq_poly | None]:
        if j < n:
            return (None if vlo[j] is None else fmpq_poly([vlo[j]]), None if vhi[j] is None else fmpq_poly([vhi[j]]))
        _, _, op, b = rows[j - n]
        return (b if op in (">=", "==") else None, b if op in ("<=", "==") else None)

    cols: list[dict[int, fmpq_poly]] = [{} for _ in range(n)]
    for r, (_, co, _, _) in enumerate(rows):
        for j, p in co.items():
            cols[j][r] = p
    LO, HI = Real.of(lo), Real.of(hi)
    prev_end: Real | None = None
    prev_closed = True
    ends: list[tuple[Real, bool, bool]] = []  # (point, covered by the left piece, covered by the right)
    formulas = []
    for k, pc in enumerate(pieces):
        w = f"pieces[{k}]"
        pk = {"from", "to", "closed", "status", "basic_variables", "basic_rows", "upper_variables", "upper_rows",
              "denominator", "primal", "dual", "value"}
        if not isinstance(pc, Mapping) or set(pc) != pk:
            raise CertificateError(f"{w} must have exactly the fields {sorted(pk)}")
        if pc["status"] != "optimal":
            raise CertificateError(f"{w}.status {pc['status']!r}: only optimal pieces are certified by this format")
        a, b = Real.from_json(pc["from"], f"{w}.from"), Real.from_json(pc["to"], f"{w}.to")
        cl = pc["closed"]
        if not (isinstance(cl, list) and len(cl) == 2 and all(isinstance(c, bool) for c in cl)):
            raise CertificateError(f"{w}.closed must be [bool, bool]")
        if b < a or a < LO or HI < b:
            raise CertificateError(f"{w}: [{a}, {b}] is not an interval inside [{fmt(lo)}, {fmt(hi)}]")
        if prev_end is None:
            if not a == LO:
                raise CertificateError(f"{w}.from {a} must be the interval's lower end {fmt(lo)}")
        elif not a == prev_end:
            raise CertificateError(f"{w}.from {a} is not the previous piece's end {prev_end}: the pieces leave a gap")
        else:
            ends.append((a, prev_closed, cl[0]))
        basic = []
        for v in pc["basic_variables"]:
            if v not in idx:
                raise CertificateError(f"{w}.basic_variables: unknown variable {v!r}")
            basic.append(idx[v])
        for r in pc["basic_rows"]:
            if r not in ridx:
                raise CertificateError(f"{w}.basic_rows: unknown row {r!r}")
            basic.append(n + ridx[r])
        if len(set(basic)) != m or len(basic) != m:
            raise CertificateError(f"{w}: the basis must have {m} distinct columns, it has {len(set(basic))}")
        upper = set()
        for v in pc["upper_variables"]:
            if v not in idx or vhi[idx[v]] is None or idx[v] in basic:
                raise CertificateError(f"{w}.upper_variables: {v!r} is not a nonbasic variable with an upper bound")
            upper.add(idx[v])
        for r in pc["upper_rows"]:
            if r not in ridx or rows[ridx[r]][2] != "<=" or n + ridx[r] in basic:
                raise CertificateError(f"{w}.upper_rows: {r!r} is not a nonbasic '<=' row")
            upper.add(n + ridx[r])
        D = poly_from_json(pc["denominator"], f"{w}.denominator")
        if D.is_zero():
            raise CertificateError(f"{w}.denominator is 0")
        prim = pc["primal"]
        if not isinstance(prim, Mapping):
            raise CertificateError(f"{w}.primal must map the basic columns to numerators")
        X: list[fmpq_poly] = []
        bset = set(basic)
        for j in range(n + m):
            key = names[j] if j < n else f"row {rows[j - n][0]}"
            if j in bset:
                if key not in prim:
                    raise CertificateError(f"{w}.primal: no numerator for basic {key!r}")
                X.append(poly_from_json(prim[key], f"{w}.primal.{key}"))
            else:
                blo, bhi = bounds(j)
                val = bhi if (j in upper) else (blo if blo is not None else (bhi if bhi is not None else fmpq_poly([])))
                assert val is not None
                X.append(val * D)
        if len(prim) != m:
            raise CertificateError(f"{w}.primal has {len(prim)} entries, the basis {m}")
        dual = pc["dual"]
        if not isinstance(dual, Mapping):
            raise CertificateError(f"{w}.dual must map rows to numerators")
        Y = [fmpq_poly([])] * m
        for r, p in dual.items():
            if r not in ridx:
                raise CertificateError(f"{w}.dual: unknown row {r!r}")
            Y[ridx[r]] = poly_from_json(p, f"{w}.dual.{r}")
        # 1. the rows
        for r, (name, co, _, _) in enumerate(rows):
            s = -X[n + r]
            for j, p in co.items():
                s += p * X[j]
            if not s.is_zero():
                raise CertificateError(f"{w}.primal: row {name!r} does not hold identically (residual {poly_str(s)})")
        # 2. zero reduced cost on the basis; the reduced costs of the rest
        def dD(j: int) -> fmpq_poly:
            if j >= n:
                return Y[j - n]
            out = sign * obj.get(j, fmpq_poly([])) * D
            for r, p in cols[j].items():
                out -= p * Y[r]
            return out
        for j in basic:
            if not dD(j).is_zero():
                key = names[j] if j < n else f"row {rows[j - n][0]}"
                raise CertificateError(f"{w}.dual: the basic column {key!r} has a nonzero reduced cost")
        # 3. signs on the piece
        conds: list[tuple[str, fmpq_poly]] = []
        for j in range(n + m):
            key = names[j] if j < n else f"row {rows[j - n][0]}"
            blo, bhi = bounds(j)
            if j in bset:
                if blo is not None:
                    conds.append((f"{key} ≥ lower bound", (X[j] - blo * D) * D))
                if bhi is not None:
                    conds.append((f"{key} ≤ upper bound", (bhi * D - X[j]) * D))
            elif not (blo is not None and bhi is not None and blo == bhi):
                d = dD(j) * D
                if j in upper:
                    conds.append((f"reduced cost of {key} ≥ 0", d))
                elif blo is not None:
                    conds.append((f"reduced cost of {key} ≤ 0", -d))
                else:
                    conds += [(f"reduced cost of free {key} = 0", d), (f"reduced cost of free {key} = 0", -d)]
        if a == b:
            if not (cl[0] and cl[1]) or sign_at(D, a) == 0:
                raise CertificateError(f"{w}: a one-point piece must be closed with a nonzero denominator there")
            for what, q in conds:
                if sign_at(q, a) < 0:
                    raise CertificateError(f"{w}: {what} fails at {a}")
        else:
            if not sign_change_free(D, a, b) or any(a < r < b for r in _roots(D, a, b)):
                raise CertificateError(f"{w}.denominator vanishes inside the piece")
            for end, c in ((a, cl[0]), (b, cl[1])):
                if c and sign_at(D, end) == 0:
                    raise CertificateError(f"{w}.closed: the denominator vanishes at the closed end {end}")
            t = between(a, b)
            for what, q in conds:
                if q(t) < 0 or not sign_change_free(q, a, b):
                    raise CertificateError(f"{w}: {what} fails inside the piece (at {fmt(t)} or by a sign change)")
        # 4. the value
        val = pc["value"]
        if not isinstance(val, list) or len(val) != 2:
            raise CertificateError(f"{w}.value must be [numerator, denominator]")
        num, den = poly_from_json(val[0], f"{w}.value"), poly_from_json(val[1], f"{w}.value")
        if den.is_zero() or (not num.is_zero() and num.gcd(den).degree() > 0) or fmpq(den.coeffs()[-1]) != 1:
            raise CertificateError(f"{w}.value: the denominator must be monic and the fraction in lowest terms")
        V = fmpq_poly([])
        for j, c in obj.items():
            V += c * X[j]
        if not (num * D - den * V).is_zero():
            raise CertificateError(f"{w}.value {poly_str(num)} / ({poly_str(den)}) is not the objective at the piece's solution")
        formulas.append((a, b, num, den, bool(cl[0]), bool(cl[1])))
        prev_end, prev_closed = b, cl[1]
    if not prev_end == HI:
        raise CertificateError(f"the last piece ends at {prev_end}, not at the interval's upper end {fmt(hi)}")
    if not pieces[0]["closed"][0] or not pieces[-1]["closed"][1]:
        uncovered_ends = True
    else:
        uncovered_ends = False
    # breakpoints: each end between pieces that no closed end covers must be decided in `points`
    pts = doc["points"]
    if not isinstance(pts, list):
        raise CertificateError("points must be a list")
    stated: list[tuple[Real, Mapping[str, Any]]] = [(Real.from_json(p["at"], f"points[{k}].at"), p) for k, p in enumerate(pts)]
    undecided = []
    distinct: list[Real] = []
    for x, left, right in ends:
        if not any(x == d for d in distinct):
            distinct.append(x)
    for x in distinct:
        covered = any(e == x and (l or r) for e, l, r in ends)
        if covered:
            continue
        ent = next((p for y, p in stated if y == x), None)
        if ent is None:
            raise CertificateError(f"points: the breakpoint {x} is covered by no closed piece and not listed")
        if ent.get("status") == "undecided":
            undecided.append(x)
            continue
        lp = ent.get("lp")
        xq = x.q if x.is_rational else None
        if xq is None or not isinstance(lp, Mapping):
            raise CertificateError(f"points: the breakpoint {x} needs an LP certificate of the LP at that point")
        _check_point_lp(doc["problem"], xq, lp, f"points at {x}")
    if uncovered_ends:
        raise CertificateError("pieces[0].closed / pieces[-1].closed: the interval's ends must be covered by closed pieces")
    n_irr = sum(1 for x in distinct if not x.is_rational)
    text = "; ".join(f"on {_interval_text(a, b, c0, c1)}: {_value_text(a, b, num, den, par)}"
                     for a, b, num, den, c0, c1 in formulas[:6]) + ("; …" if len(formulas) > 6 else "")
    tail = f"; undecided at {', '.join(map(str, undecided))}" if undecided else ""
    return (f"for every {par} in [{fmt(lo)}, {fmt(hi)}] the {sense} LP ({n} variables, {m} rows, data affine in {par}) "
            f"is optimal with value {text} — {counted(len(formulas), 'piece')}, {'its' if len(formulas) == 1 else 'each a'} basis re-checked by polynomial identities and "
            f"exact sign conditions, {counted(len(distinct), 'breakpoint')} ({n_irr} irrational){tail}")



def _interval_text(a: Real, b: Real, c0: bool, c1: bool) -> str:
    """``[a, b)``, ``{a}`` …: the piece as checked, with its ends included or not."""
    if a == b:
        return "{" + str(a) + "}"
    return f"{'[' if c0 else '('}{a}, {b}{']' if c1 else ')'}"


def _roots(D: fmpq_poly, a: Real, b: Real) -> list[Real]:
    return real_roots(D, a, b) if D.degree() > 0 else []


def _value_text(a: Real, b: Real, num: fmpq_poly, den: fmpq_poly, var: str) -> str:
    """The piece's value: its number on a rational point {a} (the formula of the basis found
    there is one of many that agree at a), else its formula."""
    t = a.q if a == b and a.is_rational else None
    if t is not None:
        return fmt(num(t) / den(t))
    return _fs(num, den, var)


def _fs(num: fmpq_poly, den: fmpq_poly, var: str) -> str:
    return poly_str(num, var) if den.degree() == 0 else f"({poly_str(num, var)}) / ({poly_str(den, var)})"


def _check_point_lp(problem: Mapping[str, Any], t: fmpq, lp: Mapping[str, Any], where: str) -> None:
    """The embedded LP certificate must be of the stated LP at λ = t, and must verify."""
    p = lp.get("problem")
    if not isinstance(p, Mapping):
        raise CertificateError(f"{where}: lp.problem is missing")
    ev = lambda pair: _q(pair[0], where) + t * _q(pair[1], where)  # noqa: E731
    want_obj = {v: fmt(ev(c)) for v, c in problem["objective"].items() if ev(c) != 0}
    want_rows = [(r["name"], {v: fmt(ev(c)) for v, c in r["coeffs"].items() if ev(c) != 0}, r["op"], fmt(ev(r["rhs"])))
                 for r in problem["constraints"]]
    got_rows = [(r.get("name"), dict(r.get("coeffs") or {}), r.get("op"), r.get("rhs")) for r in p.get("constraints") or []]
    if (p.get("sense") != problem["sense"] or dict(p.get("variables") or {}) != dict(problem["variables"])
            or dict(p.get("objective") or {}) != want_obj or got_rows != want_rows):
        raise CertificateError(f"{where}: lp.problem is not the LP at λ = {fmt(t)}")
    ok, why = verify_certificate(dict(lp))
    if not ok:
        raise CertificateError(f"{where}: lp: {why}")
