"""Reading LP problems: JSON (``exactmd-lp-problem/1``), MPS (fixed and free) and CPLEX LP.

Every reader returns the ``problem`` object of the certificate format plus
``"format": "exactmd-lp-problem/1"``: numbers as canonical ``"p/q"`` strings (decimals
such as ``1.5E-3`` are read exactly), ``None`` for infinite bounds, variables in order
of first appearance, rows in file order, zero coefficients dropped.  See
``docs/lp-formats.md``.

Two conventions, shared by both text formats:

* a *ranged* row L ≤ a·x ≤ U becomes two rows, ``NAME.lo`` (``>= L``) and ``NAME.hi``
  (``<= U``); a range that collapses (L = U) is one ``==`` row named ``NAME``;
* an objective constant c becomes a fixed variable ``_objective_constant`` with bounds
  [1, 1] and objective coefficient c (present only when c ≠ 0).

Integrality markers are read and the integer columns listed under ``"integer"``; exactmd
solves the LP relaxation.

>>> p = read_lp("Maximize\\n obj: x + y\\nSubject To\\n c0: x + 2 y <= 4\\n c1: 3 x + y <= 6\\nEnd\\n")
>>> p["constraints"][0]
{'name': 'c0', 'coeffs': {'x': '1', 'y': '2'}, 'op': '<=', 'rhs': '4'}
"""

from __future__ import annotations

import gzip
import re
import zlib
from pathlib import Path
from typing import Any

from flint import fmpq, fmpz

from ..errors import InputError, InvalidNumberError, LPFormatError
from ..jsonio import MAX_BYTES, loads_strict
from ..rational import Q, fmt, is_rational_string
from .model import OBJECTIVE_CONSTANT as CONST
from .writing import write_lp, write_mps  # re-exported: the readers' counterparts

__all__ = ["read_mps", "read_lp", "read_problem_json", "load_problem", "write_mps", "write_lp"]

FORMAT = "exactmd-lp-problem/1"


def _num(tok: str, src: str, line: int) -> fmpq:
    try:
        if is_rational_string(tok):
            return Q(tok)
    except InvalidNumberError as e:  # a number beyond exactmd's bounds (rational.MAX_EXPONENT, MAX_DIGITS)
        raise LPFormatError(f"{src}:{line}: {e}") from None
    raise LPFormatError(f"{src}:{line}: {tok!r} is not a number")


class _Builder:
    def __init__(self, src: str) -> None:
        self.src = src
        self.sense = "min"
        self.vars: dict[str, list[fmpq | None]] = {}
        self.obj: dict[str, fmpq] = {}
        self.obj_const = fmpq(0)
        self.rows: list[dict[str, Any]] = []  # name, coeffs, lo, hi
        self.integer: list[str] = []

    def var(self, v: str) -> None:
        if v not in self.vars:
            self.vars[v] = [fmpq(0), None]

    def finish(self) -> dict[str, Any]:
        cons = []
        for r in self.rows:
            co = {v: fmt(a) for v, a in r["coeffs"].items() if a != 0}
            lo, hi = r["lo"], r["hi"]
            if lo is not None and hi is not None and lo == hi:
                cons.append({"name": r["name"], "coeffs": co, "op": "==", "rhs": fmt(lo)})
            elif lo is not None and hi is not None:
                cons.append({"name": r["name"] + ".lo", "coeffs": co, "op": ">=", "rhs": fmt(lo)})
                cons.append({"name": r["name"] + ".hi", "coeffs": dict(co), "op": "<=", "rhs": fmt(hi)})
            elif lo is not None:
                cons.append({"name": r["name"], "coeffs": co, "op": ">=", "rhs": fmt(lo)})
            elif hi is not None:
                cons.append({"name": r["name"], "coeffs": co, "op": "<=", "rhs": fmt(hi)})
            else:  # a free row constrains nothing
                continue
        variables = {v: [None if b[0] is None else fmt(b[0]), None if b[1] is None else fmt(b[1])] for v, b in self.vars.items()}
        obj = {v: fmt(c) for v, c in self.obj.items() if c != 0}
        if self.obj_const != 0:
            variables[CONST] = ["1", "1"]
            obj[CONST] = fmt(self.obj_const)
        out: dict[str, Any] = {"format": FORMAT, "sense": self.sense, "variables": variables, "objective": obj, "constraints": cons}
        if self.integer:
            out["integer"] = list(self.integer)
        return out


# ---------------------------------------------------------------------------------
# MPS
_SECTIONS = {"NAME", "ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS", "ENDATA", "OBJSENSE", "OBJSENS", "OBJNAME"}


def _fixed_tokens(raw: str, section: str | None) -> list[str]:
    """The fields of a fixed-column MPS data line (columns 2-3, 5-12, 15-22, 25-36, 40-47,
    50-61), so that names may hold blanks; in the order the free reader expects."""
    line = raw.expandtabs(8).rstrip("\n").ljust(61)
    f = [line[1:3].strip(), line[4:12].strip(), line[14:22].strip(), line[24:36].strip(),
         line[39:47].strip(), line[49:61].strip()]
    if line[61:].strip():
        f.append(line[61:].strip())  # past column 61: kept, so that the line is refused, not cut
    typ, n1, n2, v1, n3, v2 = f[:6]
    if section == "ROWS":
        out = [typ, n1]
    elif section == "COLUMNS":
        out = [n1, n2, n3] if n2.strip("'").upper() == "MARKER" else [n1, n2, v1, n3, v2]
    elif section in ("RHS", "RANGES"):
        out = [n1, n2, v1, n3, v2]
        if not n1:
            out = out[1:]
    elif section == "BOUNDS":
        out = [typ, n1, n2, v1] if n1 else [typ, n2, v1]
    else:
        out = [typ, n1, n2, v1, n3, v2]
    while out and not out[-1]:
        out.pop()
    return out + f[6:]


def read_mps(text: str, *, source: str = "<string>", fixed: bool | None = None) -> dict[str, Any]:
    """Read MPS, free (fields separated by white space) or fixed (fields in columns 2-3,
    5-12, 15-22, 25-36, 40-47, 50-61, so that names may hold blanks, as in netlib's forplan).

    ``fixed``: ``False`` free, ``True`` fixed, ``None`` (default) free, and fixed when the
    free reading fails; when both fail, the error says why each reading failed.
    """
    if fixed is None:
        try:
            return _read_mps(text, source, False)
        except LPFormatError as free_error:
            try:
                return _read_mps(text, source, True)
            except LPFormatError as fixed_error:
                if str(fixed_error) == str(free_error):
                    raise free_error from None
                raise LPFormatError(f"{free_error} (read as fixed-column MPS: {fixed_error})") from None
    return _read_mps(text, source, fixed)


def _read_mps(text: str, source: str, fixed: bool) -> dict[str, Any]:
    b = _Builder(source)
    section = None
    obj_row: str | None = None
    rowtype: dict[str, str] = {}
    rowidx: dict[str, dict[str, Any]] = {}
    rhs: dict[str, fmpq] = {}
    ranges: dict[str, fmpq] = {}
    integer = False
    ended = False
    bounded_lo: set[str] = set()
    objname: str | None = None  # OBJNAME: which N row is the objective (default: the first)
    for ln, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("*"):
            continue
        tok = _fixed_tokens(raw, section) if fixed and raw[0].isspace() else raw.split()
        if not tok:
            raise LPFormatError(f"{source}:{ln}: no fields in columns 2-61 of a fixed-column MPS line: {raw.strip()!r}")
        head = tok[0].upper()
        if not raw[0].isspace() and head in _SECTIONS:
            section = head
            if head == "ENDATA":
                ended = True
                break
            if head in ("OBJSENSE", "OBJSENS") and len(tok) > 1:
                b.sense = _sense(tok[1], source, ln)
            if head == "OBJNAME" and len(tok) > 1:
                objname = tok[1]
            continue
        if not raw[0].isspace() and section not in ("OBJSENSE", "OBJSENS", "OBJNAME"):
            raise LPFormatError(f"{source}:{ln}: unknown section {tok[0]!r}")
        if section in ("OBJSENSE", "OBJSENS"):
            b.sense = _sense(tok[0], source, ln)
        elif section == "OBJNAME":
            objname = tok[0]
        elif section == "ROWS":
            if len(tok) != 2 or tok[0].upper() not in ("N", "L", "G", "E"):
                raise LPFormatError(f"{source}:{ln}: a ROWS line is 'N|L|G|E name', got {raw.strip()!r}")
            t, name = tok[0].upper(), tok[1]
            if t == "N":
                if (objname is None and obj_row is None) or name == objname:
                    obj_row = name
                rowtype[name] = "N"
                continue
            rowtype[name] = t
            r: dict[str, Any] = {"name": name, "coeffs": {}, "lo": None, "hi": None, "type": t}
            rowidx[name] = r
            b.rows.append(r)
        elif section == "COLUMNS":
            if len(tok) >= 3 and tok[1].strip("'").upper() == "MARKER":
                m = tok[2].strip("'").upper()
                integer = m == "INTORG" if m in ("INTORG", "INTEND") else integer
                continue
            if len(tok) not in (3, 5):
                raise LPFormatError(f"{source}:{ln}: a COLUMNS line is 'column row value [row value]'")
            col = tok[0]
            b.var(col)
            if integer and col not in b.integer:
                b.integer.append(col)
            for k in range(1, len(tok), 2):
                row, val = tok[k], _num(tok[k + 1], source, ln)
                if row not in rowtype:
                    raise LPFormatError(f"{source}:{ln}: column {col!r} uses row {row!r}, not declared in ROWS")
                if row == obj_row:
                    b.obj[col] = b.obj.get(col, fmpq(0)) + val
                elif rowtype[row] != "N":
                    co = rowidx[row]["coeffs"]
                    co[col] = co.get(col, fmpq(0)) + val
        elif section in ("RHS", "RANGES"):
            pairs = tok[1:] if len(tok) % 2 == 1 else tok
            if len(pairs) not in (2, 4):
                raise LPFormatError(f"{source}:{ln}: a {section} line is '[set] row value [row value]'")
            for k in range(0, len(pairs), 2):
                row, val = pairs[k], _num(pairs[k + 1], source, ln)
                if row not in rowtype:
                    raise LPFormatError(f"{source}:{ln}: {section} names row {row!r}, not declared in ROWS")
                if section == "RHS":
                    if row == obj_row:
                        b.obj_const = -val  # RHS on the objective row is minus the constant
                    else:
                        rhs[row] = val
                else:
                    ranges[row] = val
        elif section == "BOUNDS":
            t = tok[0].upper()
            if t in ("FR", "MI", "PL", "BV"):
                # '{t} [set] column'; a value after the column is ignored, as most readers do
                if len(tok) == 4 or (len(tok) == 3 and _is_value(tok[2])):
                    col = tok[-2]
                elif len(tok) in (2, 3):
                    col = tok[-1]
                else:
                    raise LPFormatError(f"{source}:{ln}: a {t} bound is '{t} [set] column'")
                val = None
            else:
                if len(tok) not in (3, 4):
                    raise LPFormatError(f"{source}:{ln}: a {t} bound is '{t} [set] column value'")
                col, val = tok[-2], _num(tok[-1], source, ln)
            b.var(col)
            bd = b.vars[col]
            if t == "UP":
                bd[1] = val
                if val is not None and val < 0 and col not in bounded_lo:
                    bd[0] = None  # the common convention: a negative upper bound frees the lower one
            elif t == "LO":
                bd[0] = val
                bounded_lo.add(col)
            elif t == "FX":
                bd[0] = bd[1] = val
                bounded_lo.add(col)
            elif t == "FR":
                bd[0] = bd[1] = None
            elif t == "MI":
                bd[0] = None
            elif t == "PL":
                bd[1] = None
            elif t == "BV":
                bd[0], bd[1] = fmpq(0), fmpq(1)
                if col not in b.integer:
                    b.integer.append(col)
            elif t in ("LI", "UI"):
                bd[0 if t == "LI" else 1] = val
                if t == "LI":
                    bounded_lo.add(col)
                if col not in b.integer:
                    b.integer.append(col)
            elif t == "SC":
                raise LPFormatError(f"{source}:{ln}: semicontinuous bound (SC) on {col!r}: not a linear program")
            else:
                raise LPFormatError(f"{source}:{ln}: unknown bound type {tok[0]!r}")
        elif section == "NAME":
            continue
        else:
            raise LPFormatError(f"{source}:{ln}: data outside a section: {raw.strip()!r}")
    if not ended:
        raise LPFormatError(f"{source}: no ENDATA line (the file looks truncated)")
    if obj_row is None:
        if objname is not None:
            raise LPFormatError(f"{source}: OBJNAME {objname!r} is not an N row in ROWS")
        raise LPFormatError(f"{source}: no objective (N) row in ROWS")
    for r in b.rows:
        v = rhs.get(r["name"], fmpq(0))
        t = r["type"]
        R = ranges.get(r["name"])
        if t == "L":
            r["hi"] = v
            r["lo"] = None if R is None else v - abs(R)
        elif t == "G":
            r["lo"] = v
            r["hi"] = None if R is None else v + abs(R)
        else:
            if R is None or R == 0:
                r["lo"] = r["hi"] = v
            elif R > 0:
                r["lo"], r["hi"] = v, v + R
            else:
                r["lo"], r["hi"] = v + R, v
    return b.finish()


def _is_value(tok: str) -> bool:
    try:
        return is_rational_string(tok)
    except InvalidNumberError:  # a number, if one exactmd would refuse: ignored like any value there
        return True


def _sense(tok: str, src: str, ln: int) -> str:
    t = tok.upper()
    if t in ("MAX", "MAXIMIZE", "MAXIMISE"):
        return "max"
    if t in ("MIN", "MINIMIZE", "MINIMISE"):
        return "min"
    raise LPFormatError(f"{src}:{ln}: OBJSENSE {tok!r} must be MAX or MIN")


# ---------------------------------------------------------------------------------
# CPLEX LP
_TOKEN = re.compile(r"\s*(<=|=<|>=|=>|<|>|=|[+-]|[A-Za-z_!\"#$%&()/,;?@_`'{}|~][A-Za-z0-9_!\"#$%&()/,.;?@_`'{}|~\[\]]*|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|:)")
_KEYWORDS = {
    "maximize": "max", "maximise": "max", "max": "max", "maximum": "max",
    "minimize": "min", "minimise": "min", "min": "min", "minimum": "min",
    "subject": "st", "such": "st", "st": "st", "s.t.": "st", "st.": "st",
    "bounds": "bounds", "bound": "bounds",
    "general": "int", "generals": "int", "gen": "int", "integer": "int", "integers": "int",
    "binary": "bin", "binaries": "bin", "bin": "bin",
    "end": "end",
}


def _lex(text: str, src: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for ln, raw in enumerate(text.splitlines(), 1):
        line = raw.split("\\", 1)[0]
        pos = 0
        while pos < len(line):
            if line[pos:].strip() == "":
                break
            m = _TOKEN.match(line, pos)
            if not m or m.end() == pos:
                raise LPFormatError(f"{src}:{ln}: cannot read {line[pos:].strip()[:20]!r}")
            out.append((m.group(1), ln))
            pos = m.end()
    return out


def _section_of(tokens: list[tuple[str, int]], i: int) -> tuple[str | None, int]:
    t = tokens[i][0].lower()
    if t == "subject" and i + 1 < len(tokens) and tokens[i + 1][0].lower() == "to":
        return "st", i + 2
    if t == "such" and i + 1 < len(tokens) and tokens[i + 1][0].lower() == "that":
        return "st", i + 2
    if t == "s" and i + 3 < len(tokens) and tokens[i + 1][0] == "." and tokens[i + 2][0].lower() == "t":
        return "st", i + 4
    if t in _KEYWORDS and not (i + 1 < len(tokens) and tokens[i + 1][0] == ":"):
        # a keyword followed by ':' is a row name (e.g. "min: ..." is not allowed by CPLEX anyway)
        return _KEYWORDS[t], i + 1
    return None, i


def _is_num(t: str) -> bool:
    return bool(re.fullmatch(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", t))


_RELATIONS = ("<=", "=<", ">=", "=>", "<", ">", "=")


def _expr(tokens: list[tuple[str, int]], i: int, src: str, stop: set[str]) -> tuple[dict[str, fmpq], fmpq, int]:
    """Parse Σ ±coef var ± const up to a relation, the next section or row name, or the
    start of the next unnamed row: terms are joined by + or −, so a term that follows a
    complete term without a sign begins a new row (``x + y <= 4`` then ``3 x + y <= 6``),
    and a number is a variable's coefficient only on the variable's line."""
    co: dict[str, fmpq] = {}
    const = fmpq(0)
    sign = 1
    coef: fmpq | None = None
    coef_line = 0
    after_term = False  # a variable term was just completed
    while i < len(tokens):
        t, ln = tokens[i]
        if t in stop or t in _RELATIONS:
            break
        sec, _ = _section_of(tokens, i)
        if sec is not None:
            break
        if i + 1 < len(tokens) and tokens[i + 1][0] == ":" and not _is_num(t):
            break  # the next row's name
        if t in ("+", "-"):
            if coef is not None:
                const += sign * coef
                coef = None
            sign = -1 if t == "-" else 1
            after_term = False
        elif _is_num(t):
            if after_term:
                break  # a new unnamed row
            if coef is not None:
                if ln != coef_line:
                    break  # the pending number was a constant; a new unnamed row
                raise LPFormatError(f"{src}:{ln}: two numbers in a row ({fmt(coef)} {t})")
            coef, coef_line = _num(t, src, ln), ln
        elif t.lower() in ("inf", "infinity"):
            raise LPFormatError(f"{src}:{ln}: 'infinity' may appear only in bounds")
        elif t == ":":
            raise LPFormatError(f"{src}:{ln}: unexpected ':'")
        else:
            if after_term or (coef is not None and ln != coef_line):
                break  # a new unnamed row
            c = sign * (coef if coef is not None else fmpq(1))
            co[t] = co.get(t, fmpq(0)) + c
            sign, coef, after_term = 1, None, True
        i += 1
    if coef is not None:
        const += sign * coef
    return co, const, i


def _rhs(tokens: list[tuple[str, int]], i: int, src: str) -> tuple[dict[str, fmpq], fmpq, int]:
    """The right-hand side after a relation: a signed constant (CPLEX's form), or an
    expression when a variable follows (``x <= 2 y``, also accepted)."""
    j = i
    sign = 1
    while j < len(tokens) and tokens[j][0] in ("+", "-"):
        sign = -sign if tokens[j][0] == "-" else sign
        j += 1
    if j < len(tokens) and _is_num(tokens[j][0]):
        nxt = tokens[j + 1] if j + 1 < len(tokens) else None
        is_coef = (nxt is not None and nxt[1] == tokens[j][1] and not _is_num(nxt[0])
                   and nxt[0] not in ("+", "-", ":") and nxt[0] not in _RELATIONS
                   and _section_of(tokens, j + 1)[0] is None
                   and not (j + 2 < len(tokens) and tokens[j + 2][0] == ":"))
        if not is_coef:
            return {}, sign * _num(tokens[j][0], src, tokens[j][1]), j + 1
    return _expr(tokens, i, src, set())


def _require_side(toks: list[tuple[str, int]], j: int, i: int, src: str, name: str, line: int) -> None:
    """A side of a relation must hold a number or a variable: ``x + 2 y <=`` with nothing
    after the relation is refused, not read as ``<= 0``."""
    if not any(t not in ("+", "-") for t, _ in toks[j:i]):
        where = f"before {toks[i][0]!r}" if i < len(toks) else "at the end of the file"
        raise LPFormatError(f"{src}:{line}: row {name!r} has no right-hand side (nothing after the relation, {where})")


def read_lp(text: str, *, source: str = "<string>") -> dict[str, Any]:
    """Read a CPLEX LP file (objective, constraints, bounds, integrality sections)."""
    b = _Builder(source)
    toks = _lex(text, source)
    i = 0
    section = None
    nrow = 0
    seen_obj = False
    while i < len(toks):
        sec, j = _section_of(toks, i)
        if sec is not None:
            if sec == "end":
                break
            if sec in ("max", "min"):
                b.sense = sec
                seen_obj = True
                section = "obj"
            else:
                section = sec
            i = j
            continue
        t, ln = toks[i]
        if section is None:
            raise LPFormatError(f"{source}:{ln}: expected Maximize or Minimize, got {t!r}")
        if section == "obj":
            if i + 1 < len(toks) and toks[i + 1][0] == ":":
                i += 2
            co, const, i = _expr(toks, i, source, set())
            for v, c in co.items():
                b.var(v)
                b.obj[v] = b.obj.get(v, fmpq(0)) + c
            b.obj_const += const
            if i < len(toks) and _section_of(toks, i)[0] is None:
                raise LPFormatError(f"{source}:{toks[i][1]}: unexpected {toks[i][0]!r} in the objective")
        elif section == "st":
            start_line = ln
            name = None
            if i + 1 < len(toks) and toks[i + 1][0] == ":":
                name = t
                i += 2
            nrow += 1
            name = name or f"R{nrow}"
            start_tok = i
            lhs_co, lhs_c, i = _expr(toks, i, source, set())
            if i >= len(toks) or toks[i][0] not in ("<=", "=<", ">=", "=>", "<", ">", "="):
                raise LPFormatError(f"{source}:{start_line}: row {name!r} has no relation (<=, >=, =)")
            if i == start_tok:
                raise LPFormatError(f"{source}:{toks[i][1]}: row {name!r} has nothing before {toks[i][0]!r}")
            op1 = _op(toks[i][0])
            i += 1
            j = i
            if lhs_co:  # expression (op) constant
                rhs_co, rhs_c, i = _rhs(toks, i, source)
            else:  # constant (op) expression, or L <= expression <= U
                rhs_co, rhs_c, i = _expr(toks, i, source, set())
            _require_side(toks, j, i, source, name, start_line)
            op2 = None
            if i < len(toks) and toks[i][0] in _RELATIONS:
                op2 = _op(toks[i][0])
                i += 1
                j = i
                r3_co, r3_c, i = _rhs(toks, i, source)
                _require_side(toks, j, i, source, name, start_line)
                # L <= expr <= U : lhs is a constant
                if lhs_co or r3_co:
                    raise LPFormatError(f"{source}: ranged row {name!r} must read 'L <= expression <= U'")
                co, lo, hi = rhs_co, None, None
                if op1 == "<=" and op2 == "<=":
                    lo, hi = lhs_c - rhs_c, r3_c - rhs_c
                elif op1 == ">=" and op2 == ">=":
                    lo, hi = r3_c - rhs_c, lhs_c - rhs_c
                else:
                    raise LPFormatError(f"{source}: ranged row {name!r} mixes <= and >=")
                for v in co:
                    b.var(v)
                b.rows.append({"name": name, "coeffs": co, "lo": lo, "hi": hi})
                continue
            if not lhs_co and rhs_co:  # constant (op) expression: the expression on the left
                lhs_co, lhs_c, rhs_co, rhs_c = rhs_co, rhs_c, {}, lhs_c
                op1 = {"<=": ">=", ">=": "<=", "==": "=="}[op1]
            co = dict(lhs_co)
            for v, c in rhs_co.items():
                co[v] = co.get(v, fmpq(0)) - c
            rhs = rhs_c - lhs_c
            for v in co:
                b.var(v)
            lo = rhs if op1 in (">=", "==") else None
            hi = rhs if op1 in ("<=", "==") else None
            b.rows.append({"name": name, "coeffs": co, "lo": lo, "hi": hi})
        elif section == "bounds":
            i = _bound(b, toks, i, source)
        elif section in ("int", "bin"):
            if _is_num(t) or t in ("+", "-", ":"):
                raise LPFormatError(f"{source}:{ln}: expected a variable name, got {t!r}")
            b.var(t)
            if t not in b.integer:
                b.integer.append(t)
            if section == "bin":
                b.vars[t][0], b.vars[t][1] = fmpq(0), fmpq(1)
            i += 1
    if not seen_obj:
        raise LPFormatError(f"{source}: no Maximize/Minimize section")
    return b.finish()


def _op(t: str) -> str:
    return {"<": "<=", "<=": "<=", "=<": "<=", ">": ">=", ">=": ">=", "=>": ">=", "=": "=="}[t]


def _bnum(toks: list[tuple[str, int]], i: int, src: str) -> tuple[fmpq | None | str, int]:
    sign = 1
    if i < len(toks) and toks[i][0] in ("+", "-"):
        sign = -1 if toks[i][0] == "-" else 1
        i += 1
    if i >= len(toks):
        return None, i
    t = toks[i][0]
    if t.lower() in ("inf", "infinity"):
        return ("-inf" if sign < 0 else "+inf"), i + 1
    if _is_num(t):
        return sign * _num(t, src, toks[i][1]), i + 1
    return None, i


def _set_bound(b: _Builder, var: str, op: str, val: fmpq | str, src: str, ln: int) -> None:
    """var op val (op "<=": an upper bound, ">=": a lower bound, "==": both).  An
    infinite bound on its own side means "no bound"; on the other side (``x >= inf``,
    ``x <= -inf``, ``x = inf``) it is refused, not dropped."""
    sides = {"<=": (1,), ">=": (0,), "==": (0, 1)}[op]
    for side in sides:
        if isinstance(val, str):
            if (side == 0 and val == "+inf") or (side == 1 and val == "-inf"):
                word = "lower" if side == 0 else "upper"
                raise LPFormatError(f"{src}:{ln}: {word} bound {val} for {var!r} leaves no feasible value")
            b.vars[var][side] = None
        else:
            b.vars[var][side] = val


def _bound_var(toks: list[tuple[str, int]], k: int, src: str, ln: int) -> str:
    if (k >= len(toks) or _is_num(toks[k][0]) or toks[k][0] in ("+", "-", ":") or toks[k][0] in _RELATIONS
            or _section_of(toks, k)[0] is not None):
        got = repr(toks[k][0]) if k < len(toks) else "the end of the file"
        raise LPFormatError(f"{src}:{ln}: expected a variable in the bound, got {got}")
    return toks[k][0]


def _bound(b: _Builder, toks: list[tuple[str, int]], i: int, src: str) -> int:
    ln = toks[i][1]
    first, j = _bnum(toks, i, src)
    if first is not None:  # L <= x [<= U]  or  L >= x
        if j >= len(toks) or toks[j][0] not in _RELATIONS:
            raise LPFormatError(f"{src}:{ln}: bad bound: expected <=, >= or = after {toks[i][0]!r}")
        op = _op(toks[j][0])
        var = _bound_var(toks, j + 1, src, ln)
        b.var(var)
        _set_bound(b, var, {"<=": ">=", ">=": "<=", "==": "=="}[op], first, src, ln)  # L <= x is x >= L
        k = j + 2
        if k < len(toks) and toks[k][0] in ("<=", "=<", ">=", "=>", "<", ">"):
            op2 = _op(toks[k][0])
            second, k = _bnum(toks, k + 1, src)
            if second is None:
                raise LPFormatError(f"{src}:{ln}: bad bound for {var!r}")
            _set_bound(b, var, op2, second, src, ln)
        return k
    var = _bound_var(toks, i, src, ln)
    b.var(var)
    if i + 1 < len(toks) and toks[i + 1][0].lower() == "free":
        b.vars[var][0] = b.vars[var][1] = None
        return i + 2
    if i + 1 >= len(toks) or toks[i + 1][0] not in _RELATIONS:
        raise LPFormatError(f"{src}:{ln}: incomplete bound for {var!r}")
    op = _op(toks[i + 1][0])
    val, k = _bnum(toks, i + 2, src)
    if val is None:
        raise LPFormatError(f"{src}:{ln}: bad bound for {var!r}")
    _set_bound(b, var, op, val, src, ln)
    return k


# ---------------------------------------------------------------------------------
def read_problem_json(text: str, *, source: str = "<string>") -> dict[str, Any]:
    """Read an ``exactmd-lp-problem/1`` JSON document.  Its envelope is checked here; its
    variables, numbers and rows are validated by the solver (``parse_problem``), which
    names the offending value — so a large problem is parsed once, not twice.  The JSON
    is read strictly (:mod:`exactmd.jsonio`: no duplicate keys, NaN, floats, deep nesting)."""
    try:
        doc = loads_strict(text, source=source)
    except InputError as e:
        raise LPFormatError(str(e)) from None
    if not isinstance(doc, dict):
        raise LPFormatError(f"{source}: a problem must be a JSON object")
    if doc.get("format", FORMAT) != FORMAT:
        raise LPFormatError(f"{source}: format {doc.get('format')!r} is not {FORMAT!r}")
    return doc


def load_problem(path: str | Path) -> dict[str, Any]:
    """Read a problem from ``.json``, ``.lp``, ``.mps`` (or ``.lp.gz`` / ``.mps.gz``)."""
    p = Path(path)
    name = p.name.lower()
    gz = name.endswith(".gz")
    base = name[:-3] if gz else name
    readers = {".json": read_problem_json, ".lp": read_lp, ".mps": read_mps, ".freemps": read_mps}
    ext = next((e for e in readers if base.endswith(e)), None)
    if ext is None:
        raise LPFormatError(f"{p}: unknown problem format; use .json, .lp, .mps (optionally .gz)")
    try:
        if p.stat().st_size > MAX_BYTES:
            raise LPFormatError(f"{p}: {p.stat().st_size:,} bytes; exactmd reads problem files of at most {MAX_BYTES:,} bytes")
        if gz:
            with gzip.open(p, "rb") as f:
                data = f.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise LPFormatError(f"{p}: more than {MAX_BYTES:,} bytes uncompressed; exactmd reads problem files of at most {MAX_BYTES:,} bytes")
        else:
            data = p.read_bytes()
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise LPFormatError(f"{p}: not a complete gzip file ({e})") from None
    except OSError as e:
        raise LPFormatError(f"cannot read {str(p)!r}: {e.strerror}") from None
    return readers[ext](data.decode("utf-8", errors="replace"), source=str(p))


#: The most bytes a compressed problem may expand to.
MAX_GUNZIPPED_BYTES = 2**30


def _gunzip(data: bytes, p: Path) -> bytes:
    """A .gz file's content, refusing a truncated or corrupt file and one that expands
    beyond ``MAX_GUNZIPPED_BYTES`` (decompressed in pieces, so a bomb stops early)."""
    import zlib

    out: list[bytes] = []
    total = 0
    rest = data
    try:
        while True:  # one gzip member per round (``cat a.gz b.gz`` is a valid .gz)
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            mv = memoryview(rest)
            pos = 0
            while not d.eof and pos < len(mv):
                out.append(d.decompress(mv[pos:pos + 65536]))
                pos += 65536
                total += len(out[-1])
                if total > MAX_GUNZIPPED_BYTES:
                    raise LPFormatError(f"{p}: expands to more than {MAX_GUNZIPPED_BYTES // 2**20} MiB")
            if not d.eof:
                raise LPFormatError(f"{p}: the compressed file is truncated (the gzip stream does not end)")
            rest = d.unused_data + bytes(mv[pos:]) if pos < len(mv) else d.unused_data
            if not rest.strip(b"\0"):
                break
            if not rest.startswith(b"\x1f\x8b"):
                raise LPFormatError(f"{p}: data after the end of the gzip stream")
    except zlib.error as e:
        raise LPFormatError(f"{p}: not a valid gzip file ({e})") from None
    return b"".join(out)
