"""Independent verifier of ``exactmd-lp-certificate/1`` documents (CERTIFICATES.md).

It imports nothing but ``fractions`` and ``math`` (for ``math.lcm``) from the standard
library, so that the trusted base is this file alone (``exactmd.lp.verify_file`` reads a
file with exactmd's strict JSON reader, ``exactmd.jsonio``, and calls it).  Row
activities are summed in integers: numerators per denominator, then one common
denominator per row.

``verify_certificate(cert)`` returns ``(ok, message)``: the message is written from what
was recomputed (status, value, sizes), never copied from the file; a field the format
does not define for the certificate's status is refused by name.  ``check_certificate``
returns the recomputed facts themselves.  Neither raises on malformed input.

Numbers are read as the contract writes them and nothing else: canonical strings
``"p/q"`` (lowest terms, q > 1) or ``"p"``, ASCII digits, no ``+``, no leading zeros, no
``"-0"``, at most ``MAX_DIGITS`` digits.  Digits are converted (and printed) in pieces
of 4,000, so Python's 4,300-digit limit on ``int(str)`` never applies, and a decimal
exponent (``"1e999999999"``) is not a number here at all.
"""

import math
from fractions import Fraction

#: the format of an LP certificate (``docs/certificates.md``), spelled here once
LP_FORMAT = "exactmd-lp-certificate/1"

#: digits in one number, numerator and denominator together (as exactmd.rational.MAX_DIGITS)
MAX_DIGITS = 100000


class _Bad(Exception):
    pass


_parsed: dict[str, Fraction] = {}  # string -> Fraction; certificates repeat a few coefficients many times
_pair: dict[str, tuple[int, int]] = {}  # string -> (numerator, denominator) of a row coefficient
_pow10: dict[int, int] = {}  # k -> 10**k, for the conversions below


def _ten(k):
    t = _pow10.get(k)
    if t is None:
        t = _pow10[k] = 10**k
    return t


def _int(s):
    """int(s) for a string of ASCII digits of any length (divide and conquer)."""
    if len(s) <= 4000:
        return int(s)
    k = len(s) // 2
    return _int(s[:-k]) * _ten(k) + _int(s[-k:])


def _str(n):
    """str(n) for an integer of any size."""
    if n < 0:
        return "-" + _str(-n)
    if n.bit_length() <= 13000:  # < 10**3913
        return str(n)
    k = n.bit_length() * 3 // 20  # about half the digits
    hi, lo = divmod(n, _ten(k))
    return _str(hi) + _str(lo).rjust(k, "0")


def _show(x):
    r = repr(x) if not isinstance(x, str) or len(x) <= 40 else repr(x[:20]) + "..." + repr(x[-10:]) + " (" + str(len(x)) + " characters)"
    return r if len(r) <= 80 else r[:60] + "..."


def _digits(s, lead_zero_ok):
    return s.isascii() and s.isdigit() and (s[0] != "0" or (lead_zero_ok and s == "0"))


def _parse(x, what):
    if len(x) > MAX_DIGITS + 2:
        raise _Bad(what + " = " + _show(x) + " has more than " + str(MAX_DIGITS) + " digits")
    body = x[1:] if x[:1] == "-" else x
    num, slash, den = body.partition("/")
    if not (num and _digits(num, True) and (not slash or (den and _digits(den, False) and den != "1"))
            and not (body != x and num == "0")):
        raise _Bad(what + " = " + _show(x) + " is not a canonical number 'p/q' or 'p'")
    p = _int(num)
    q = _int(den) if slash else 1
    if q != 1 and math.gcd(p, q) != 1:
        raise _Bad(what + " = " + _show(x) + " is not in lowest terms")
    return Fraction(-p if body != x else p, q)


def _q(x, what):
    if not isinstance(x, str):
        raise _Bad(what + " must be a string 'p/q', got " + _show(x))
    q = _parsed.get(x)
    if q is None:
        q = _parse(x, what)
        if len(_parsed) < 100000 and len(x) <= 64:
            _parsed[x] = q
    return q


def _pairs(x):
    """{key: (numerator, denominator)} of the nonzero entries of a dict of Fractions."""
    return {k: (q.numerator, q.denominator) for k, q in x.items() if q}


def _total(acc):
    """Σ n/d over {d: n}, with one common denominator."""
    if not acc:
        return Fraction(0)
    den = math.lcm(*acc)
    return Fraction(sum(n * (den // d) for d, n in acc.items()), den)


def _dot(a, x):
    """Σ_v a[v]·x[v], both given as {v: (numerator, denominator)} (absent: 0).  Exact, and
    fast in pure Python: integer numerators are summed per denominator, then the few
    distinct denominators are brought to one."""
    acc: dict[int, int] = {}  # denominator -> sum of numerators
    get = x.get
    for v, (n, d) in a.items():
        t = get(v)
        if t is not None:
            dd = d * t[1]
            acc[dd] = acc.get(dd, 0) + n * t[0]
    return _total(acc)


def _fmt(q):
    return _str(q.numerator) if q.denominator == 1 else _str(q.numerator) + "/" + _str(q.denominator)


_EVIDENCE = {"optimal": ("value", "primal", "dual"), "infeasible": ("farkas",), "unbounded": ("primal", "ray")}
_PROBLEM_KEYS = frozenset(("sense", "variables", "objective", "constraints"))
_ROW_KEYS = frozenset(("name", "coeffs", "op", "rhs"))


def _keys(cert):
    """Every field is one the contract defines for the certificate's status, and its
    evidence is present: unknown fields are refused by name, so nothing in the file is
    left unchecked."""
    if not isinstance(cert, dict):
        raise _Bad("a certificate must be a JSON object")
    if cert.get("format") != LP_FORMAT:
        raise _Bad("format " + repr(cert.get("format")) + " is not " + repr(LP_FORMAT))
    status = cert.get("status")
    if status not in _EVIDENCE:
        raise _Bad("status " + repr(status) + " must be 'optimal', 'infeasible' or 'unbounded'")
    allowed = ("format", "problem", "status") + _EVIDENCE[status]
    for k in cert:
        if k not in allowed:
            other = [s for s, ev in _EVIDENCE.items() if k in ev]
            raise _Bad("field " + repr(k) + (" belongs to " + " or ".join(other) + " certificates" if other else " is not in the format")
                       + ": an " + status + " certificate holds " + ", ".join(allowed))
    for k in _EVIDENCE[status]:
        if k not in cert:
            raise _Bad("an " + status + " certificate needs '" + k + "'")
    p = cert.get("problem")
    if isinstance(p, dict):
        for k in p:
            if k not in _PROBLEM_KEYS:
                raise _Bad("'problem' has field " + repr(k) + ", which is not in the format")
        cons = p.get("constraints")
        if isinstance(cons, list) and not all(type(r) is dict and r.keys() == _ROW_KEYS for r in cons):
            for r in cons:
                if isinstance(r, dict):
                    for k in r:
                        if k not in _ROW_KEYS:
                            raise _Bad("row " + repr(r.get("name")) + " has field " + repr(k) + ", which is not in the format")


def _read(cert):
    if not isinstance(cert, dict):
        raise _Bad("a certificate must be a JSON object")
    if cert.get("format") != LP_FORMAT:
        raise _Bad("format " + repr(cert.get("format")) + " is not " + repr(LP_FORMAT))
    p = cert.get("problem")
    if not isinstance(p, dict):
        raise _Bad("'problem' is missing")
    sense = p.get("sense")
    if sense not in ("max", "min"):
        raise _Bad("sense " + repr(sense) + " must be 'max' or 'min'")
    vs = p.get("variables")
    if not isinstance(vs, dict):
        raise _Bad("'variables' must be an object")
    lo, hi = {}, {}
    for v, b in vs.items():
        if not isinstance(b, list) or len(b) != 2:
            raise _Bad("bounds of " + repr(v) + " must be [lower, upper]")
        lo[v] = lower = None if b[0] is None else _q(b[0], "lower bound of " + repr(v))
        hi[v] = upper = None if b[1] is None else _q(b[1], "upper bound of " + repr(v))
        if lower is not None and upper is not None and lower > upper:
            raise _Bad("variable " + repr(v) + " has empty bounds")
    obj = p.get("objective")
    if not isinstance(obj, dict):
        raise _Bad("'objective' must be an object")
    c = {}
    for v, a in obj.items():
        if v not in vs:
            raise _Bad("objective uses unknown variable " + repr(v))
        c[v] = _q(a, "objective coefficient of " + repr(v))
    rows = []
    names = set()
    vkeys = vs.keys()
    cons = p.get("constraints")
    if not isinstance(cons, list):
        raise _Bad("'constraints' must be a list")
    for r in cons:
        if not isinstance(r, dict) or not isinstance(r.get("name"), str):
            raise _Bad("every row needs a string 'name'")
        nm = r["name"]
        if nm in names:
            raise _Bad("row name " + repr(nm) + " is used twice")
        names.add(nm)
        if r.get("op") not in ("<=", ">=", "=="):
            raise _Bad("row " + repr(nm) + " has op " + repr(r.get("op")))
        co = r.get("coeffs")
        if not isinstance(co, dict):
            raise _Bad("row " + repr(nm) + " needs 'coeffs'")
        if not vkeys >= co.keys():
            bad = next(v for v in co if v not in vs)
            raise _Bad("row " + repr(nm) + " uses unknown variable " + repr(bad))
        try:
            a = {v: _pair[x] for v, x in co.items()}  # coefficients seen before (the common case)
        except (KeyError, TypeError):
            a = {}
            for v, x in co.items():
                t = _pair.get(x) if isinstance(x, str) else None
                if t is None:
                    q = _q(x, "coefficient of " + repr(v) + " in row " + repr(nm))
                    t = (q.numerator, q.denominator)
                    if isinstance(x, str) and len(_pair) < 100000 and len(x) <= 64:
                        _pair[x] = t
                a[v] = t
        rows.append((nm, a, r["op"], _q(r.get("rhs"), "rhs of row " + repr(nm))))
    return sense, lo, hi, c, rows


def _vector(d, keys, what):
    if not isinstance(d, dict):
        raise _Bad("'" + what + "' must be an object")
    out = {}
    for k in keys:
        if k not in d:
            raise _Bad("'" + what + "' has no entry for " + repr(k))
        x = d[k]
        q = _parsed.get(x) if isinstance(x, str) else None
        out[k] = q if q is not None else _q(x, what + "[" + repr(k) + "]")
    known = set(keys)
    for k in d:
        if k not in known:
            raise _Bad("'" + what + "' names unknown " + repr(k))
    return out


def _feasible(x, lo, hi, rows):
    for v, val in x.items():
        if lo[v] is not None and val < lo[v]:
            raise _Bad("variable " + repr(v) + " = " + _fmt(val) + " is below its lower bound " + _fmt(lo[v]))
        if hi[v] is not None and val > hi[v]:
            raise _Bad("variable " + repr(v) + " = " + _fmt(val) + " is above its upper bound " + _fmt(hi[v]))
    xp = _pairs(x)
    for nm, a, op, b in rows:
        lhs = _dot(a, xp)
        if (op == "<=" and lhs > b) or (op == ">=" and lhs < b) or (op == "==" and lhs != b):
            raise _Bad("row " + repr(nm) + " violated: lhs " + _fmt(lhs) + " " + op + " " + _fmt(b) + " fails")


def _signs(y, rows, what):
    for nm, a, op, b in rows:
        if op == "<=" and y[nm] < 0:
            raise _Bad(what + " of '<=' row " + repr(nm) + " is " + _fmt(y[nm]) + " < 0")
        if op == ">=" and y[nm] > 0:
            raise _Bad(what + " of '>=' row " + repr(nm) + " is " + _fmt(y[nm]) + " > 0")


def _combine(y, rows, keys):
    """w = Σ_r y_r a_r (per variable) and β = Σ_r y_r b_r, summed as in _dot."""
    acc: dict[str, dict[int, int]] = {v: {} for v in keys}  # variable -> {denominator: numerator sum}
    for nm, a, op, b in rows:
        m = y[nm]
        if m:
            mn, md = m.numerator, m.denominator
            for v, (n, dn) in a.items():
                av, d = acc[v], md * dn
                av[d] = av.get(d, 0) + mn * n
    w = {v: _total(acc[v]) for v in keys}
    beta = _dot(_pairs({nm: b for nm, a, op, b in rows}), _pairs(y))
    return w, beta


def _check(cert):
    """The facts the certificate proves, recomputed: status, sense, value, sizes."""
    _keys(cert)
    sense, lo, hi, c, rows = _read(cert)
    facts = {"status": cert["status"], "sense": sense, "value": None, "rows": len(rows), "variables": len(lo)}
    keys = list(lo)
    rownames = [r[0] for r in rows]
    status = cert.get("status")
    if status == "optimal":
        x = _vector(cert.get("primal"), keys, "primal")
        _feasible(x, lo, hi, rows)
        y = _vector(cert.get("dual"), rownames, "dual")
        cc = dict(c)
        if sense == "min":  # checked as max of −c with multipliers −y
            cc = {v: -q for v, q in c.items()}
            y = {k: -q for k, q in y.items()}
        _signs(y, rows, "dual")
        w, bound = _combine(y, rows, keys)
        for v in keys:
            d = cc.get(v, Fraction(0)) - w[v]
            if d > 0:
                if hi[v] is None:
                    raise _Bad("reduced cost of " + repr(v) + " is " + _fmt(d) + " > 0 but it has no upper bound")
                bound += d * hi[v]
            elif d < 0:
                if lo[v] is None:
                    raise _Bad("reduced cost of " + repr(v) + " is " + _fmt(d) + " < 0 but it has no lower bound")
                bound += d * lo[v]
        val = _dot(_pairs(cc), _pairs(x))
        if val != bound:
            raise _Bad("objective " + _fmt(val) + " differs from the dual bound " + _fmt(bound))
        stated = _q(cert.get("value"), "value")
        own = val if sense == "max" else -val
        if stated != own:
            raise _Bad("stated value " + _fmt(stated) + " differs from c·x = " + _fmt(own))
        facts["value"] = own
        return facts
    if status == "infeasible":
        y = _vector(cert.get("farkas"), rownames, "farkas")
        _signs(y, rows, "farkas multiplier")
        w, beta = _combine(y, rows, keys)
        low = Fraction(0)
        for v in keys:
            if w[v] > 0:
                if lo[v] is None:
                    raise _Bad("combined coefficient of " + repr(v) + " is > 0 but it has no lower bound")
                low += w[v] * lo[v]
            elif w[v] < 0:
                if hi[v] is None:
                    raise _Bad("combined coefficient of " + repr(v) + " is < 0 but it has no upper bound")
                low += w[v] * hi[v]
        if not low > beta:
            raise _Bad("the combination gives min w·x = " + _fmt(low) + " <= " + _fmt(beta) + ": no contradiction")
        facts["used"] = sum(1 for q in y.values() if q)
        facts["low"], facts["beta"] = low, beta
        return facts
    if status == "unbounded":
        x = _vector(cert.get("primal"), keys, "primal")
        _feasible(x, lo, hi, rows)
        ray = cert.get("ray")
        if not isinstance(ray, dict):
            raise _Bad("'ray' must be an object")
        d = {v: Fraction(0) for v in keys}
        for v, q in ray.items():
            if v not in d:
                raise _Bad("'ray' names unknown " + repr(v))
            d[v] = _q(q, "ray[" + repr(v) + "]")
        dp = _pairs(d)
        for nm, a, op, b in rows:
            s = _dot(a, dp)
            if (op == "<=" and s > 0) or (op == ">=" and s < 0) or (op == "==" and s != 0):
                raise _Bad("the ray leaves row " + repr(nm))
        for v in keys:
            if d[v] > 0 and hi[v] is not None:
                raise _Bad("the ray increases " + repr(v) + " which has an upper bound")
            if d[v] < 0 and lo[v] is not None:
                raise _Bad("the ray decreases " + repr(v) + " which has a lower bound")
        gain = _dot(_pairs(c), dp)
        if (sense == "max" and not gain > 0) or (sense == "min" and not gain < 0):
            raise _Bad("the ray does not improve the objective (c·d = " + _fmt(gain) + ")")
        facts["gain"] = gain
        return facts
    raise _Bad("status " + repr(status) + " must be 'optimal', 'infeasible' or 'unbounded'")


def message(facts):
    """What a checked certificate proves, in the verifier's own words (nothing copied
    from the file: the status, the value and the sizes are those just recomputed)."""
    size = _plural(facts["rows"], "row") + ", " + _plural(facts["variables"], "variable")
    st = facts["status"]
    if st == "optimal":
        return ("optimal: value " + _fmt(facts["value"]) + " (" + facts["sense"] + "), primal and dual certificates hold; " + size)
    if st == "infeasible":
        return ("infeasible: the Farkas combination of " + _plural(facts["used"], "row") + " gives "
                + _fmt(facts["low"]) + " <= w·x <= " + _fmt(facts["beta"]) + ", a contradiction; " + size)
    return ("unbounded (" + facts["sense"] + "): a feasible point and an improving ray (c·d = " + _fmt(facts["gain"])
            + ") hold; " + size)


def _plural(n, word):
    return str(n) + " " + word + ("" if n == 1 else "s")


def check_certificate(cert):
    """(facts, None) when the certificate proves its status, (None, reason) otherwise.

    ``facts`` holds what was recomputed: ``status``, ``sense``, ``value`` (a Fraction, in
    the problem's sense; None unless optimal), ``rows`` and ``variables`` (the sizes).
    """
    try:
        return _check(cert), None
    except _Bad as e:
        return None, str(e)


def verify_certificate(cert):
    """(True, message) iff the certificate proves its status; (False, reason) otherwise.
    The message is generated from the recomputed facts (:func:`message`)."""
    facts, why = check_certificate(cert)
    if facts is None:
        return False, why
    return True, message(facts)

