"""The exact simplex against hand solutions and an independent brute-force vertex enumeration."""

import itertools
import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exactmd.errors import BudgetExceededError, LPError
from exactmd.lp import solve_problem, verify_certificate


def P(sense, variables, objective, rows):
    return {
        "sense": sense,
        "variables": {v: [None if lo is None else str(lo), None if hi is None else str(hi)] for v, (lo, hi) in variables.items()},
        "objective": {v: str(c) for v, c in objective.items()},
        "constraints": [
            {"name": f"r{k}", "coeffs": {v: str(a) for v, a in co.items()}, "op": op, "rhs": str(b)}
            for k, (co, op, b) in enumerate(rows)
        ],
    }


HAND = [
    # max x + y, x + 2y <= 4, 3x + y <= 6: vertex (8/5, 6/5), value 14/5.
    pytest.param(P("max", {"x": (0, None), "y": (0, None)}, {"x": 1, "y": 1},
                   [({"x": 1, "y": 2}, "<=", 4), ({"x": 3, "y": 1}, "<=", 6)]), "optimal", "14/5", id="textbook-max"),
    # min 2x + 3y, x + y >= 4, x >= 1, y free but y >= -1 via bound: best x = 5, y = -1: 10 - 3 = 7.
    pytest.param(P("min", {"x": (0, None), "y": (-1, None)}, {"x": 2, "y": 3},
                   [({"x": 1, "y": 1}, ">=", 4), ({"x": 1}, ">=", 1)]), "optimal", "7", id="min-negative-lower-bound"),
    # max x, x + y == 3, y >= 1, x free: x = 2.
    pytest.param(P("max", {"x": (None, None), "y": (1, None)}, {"x": 1},
                   [({"x": 1, "y": 1}, "==", 3)]), "optimal", "2", id="free-variable-equation"),
    # fixed variable: x = 2 fixed, max x + y with y <= x: 4.
    pytest.param(P("max", {"x": (2, 2), "y": (0, None)}, {"x": 1, "y": 1},
                   [({"y": 1, "x": -1}, "<=", 0)]), "optimal", "4", id="fixed-variable"),
    # x + y <= 1 and x + y >= 2: infeasible.
    pytest.param(P("max", {"x": (0, None), "y": (0, None)}, {"x": 1},
                   [({"x": 1, "y": 1}, "<=", 1), ({"x": 1, "y": 1}, ">=", 2)]), "infeasible", None, id="infeasible"),
    # max x - y with x - y <= 1 is bounded (1); max x with x - y <= 1 is unbounded.
    pytest.param(P("max", {"x": (0, None), "y": (0, None)}, {"x": 1},
                   [({"x": 1, "y": -1}, "<=", 1)]), "unbounded", None, id="unbounded"),
    pytest.param(P("min", {"x": (None, 0)}, {"x": 1}, []), "unbounded", None, id="unbounded-min-below"),
    # Chvátal's cycling example (Linear Programming, 1983, ch. 3): cycles under the
    # textbook largest-coefficient rule; optimum 1 at x = (1, 0, 1, 0).
    pytest.param(P("max", {f"x{k}": (0, None) for k in range(1, 5)}, {"x1": 10, "x2": -57, "x3": -9, "x4": -24},
                   [({"x1": "1/2", "x2": "-11/2", "x3": "-5/2", "x4": 9}, "<=", 0),
                    ({"x1": "1/2", "x2": "-3/2", "x3": "-1/2", "x4": 1}, "<=", 0),
                    ({"x1": 1}, "<=", 1)]), "optimal", "1", id="chvatal-cycling"),
]


METHODS = ["exact", "hint"]  # the hint path needs highspy, which the test extra installs


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("problem, status, value", HAND)
def test_hand_solved(problem, status, value, method):
    res = solve_problem(problem, method=method)
    cert = res.certificate()
    ok, why = verify_certificate(cert)
    assert ok, why
    assert cert["status"] == status
    if value is not None:
        assert cert["value"] == value


def _brute_force(problem):
    """Best vertex by enumerating tight sets (all variables boxed, so vertices exist)."""
    names = list(problem["variables"])
    n = len(names)
    cons = []  # (a, b) meaning a·x <= b, plus equalities as two rows
    eqs = []
    for c in problem["constraints"]:
        a = [Fraction(c["coeffs"].get(v, "0")) for v in names]
        b = Fraction(c["rhs"])
        if c["op"] == "<=":
            cons.append((a, b))
        elif c["op"] == ">=":
            cons.append(([-x for x in a], -b))
        else:
            cons.append((a, b))
            cons.append(([-x for x in a], -b))
    for k, v in enumerate(names):
        lo, hi = problem["variables"][v]
        e = [Fraction(int(j == k)) for j in range(n)]
        cons.append((e, Fraction(hi)))
        cons.append(([-x for x in e], -Fraction(lo)))
    best = None
    c = [Fraction(problem["objective"].get(v, "0")) for v in names]
    sign = 1 if problem["sense"] == "max" else -1
    for idx in itertools.combinations(range(len(cons)), n):
        M = [list(cons[i][0]) + [cons[i][1]] for i in idx]
        x = _solve(M, n)
        if x is None:
            continue
        if all(sum(a[j] * x[j] for j in range(n)) <= b for a, b in cons):
            val = sum(c[j] * x[j] for j in range(n))
            if best is None or sign * val > sign * best:
                best = val
    return best


def _solve(M, n):
    M = [row[:] for row in M]
    for col in range(n):
        piv = next((r for r in range(col, n) if M[r][col] != 0), None)
        if piv is None:
            return None
        M[col], M[piv] = M[piv], M[col]
        for r in range(n):
            if r != col and M[r][col] != 0:
                f = M[r][col] / M[col][col]
                M[r] = [a - f * b for a, b in zip(M[r], M[col])]
    return [M[k][n] / M[k][k] for k in range(n)]


small = st.integers(-4, 4)


@st.composite
def boxed_problems(draw):
    n = draw(st.integers(2, 3))
    m = draw(st.integers(1, 4))
    names = [f"x{k}" for k in range(n)]
    variables = {}
    for v in names:
        lo = draw(st.integers(-3, 2))
        hi = lo + draw(st.integers(0, 4))
        variables[v] = (lo, hi)
    rows = []
    for _ in range(m):
        co = {v: draw(small) for v in names}
        rows.append((co, draw(st.sampled_from(["<=", ">=", "=="])), draw(st.integers(-6, 6))))
    obj = {v: draw(small) for v in names}
    return P(draw(st.sampled_from(["max", "min"])), variables, obj, rows)


@pytest.mark.parametrize("method", METHODS)
@given(problem=boxed_problems())
def test_agrees_with_vertex_enumeration(problem, method):
    res = solve_problem(problem, method=method)
    cert = res.certificate()
    assert verify_certificate(cert)[0]
    best = _brute_force(problem)
    if best is None:
        assert cert["status"] == "infeasible"
    else:
        assert cert["status"] == "optimal"
        assert Fraction(cert["value"]) == best


def test_budget_gives_up_with_a_message():
    problem = HAND[0].values[0]
    with pytest.raises(BudgetExceededError, match="gave up after 1 pivots"):
        solve_problem(problem, max_pivots=1)


def test_trace_prints_one_line_per_pivot():
    lines = []
    res = solve_problem(HAND[0].values[0], trace=lines.append)
    pivots = [ln for ln in lines if " pivot " in ln]
    assert len(pivots) == res.pivots > 0
    assert "enter" in pivots[0]


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        pytest.param(lambda p: p["constraints"][0]["coeffs"].update(z="1"), "unknown variable 'z'", id="row uses unknown variable"),
        pytest.param(lambda p: p["variables"].update(x=["3", "1"]), "lower bound 3 > upper bound 1", id="empty bounds"),
        pytest.param(lambda p: p["constraints"][0].update(op="<"), "op '<'", id="bad op"),
        pytest.param(lambda p: p["constraints"][0].update(rhs=4.5), "rhs of row .*4.5 is a float.*\"9/2\"", id="json float"),
        pytest.param(lambda p: p.update(sense="maximize"), "sense='maximize'", id="bad sense"),
    ],
)
def test_malformed_problems(mutate, fragment):
    problem = json.loads(json.dumps(HAND[0].values[0]))
    mutate(problem)
    with pytest.raises(LPError, match=fragment):
        solve_problem(problem)


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        pytest.param(lambda c: c["primal"].update(x="2"), "violated", id="primal tampered"),
        pytest.param(lambda c: c["dual"].update(c0="-2/5"), "< 0", id="dual sign"),
        pytest.param(lambda c: c.update(value="3"), "differs", id="value"),
        pytest.param(lambda c: c["dual"].pop("c1"), "no entry", id="missing multiplier"),
        pytest.param(lambda c: c["primal"].update(x=1.6), "must be a string", id="json number"),
        pytest.param(lambda c: c.update(format="other"), "format", id="format"),
    ],
)
def test_verifier_rejects_tampering(mutate, fragment):
    from exactmd.lp import solve_problem as solve

    base = {
        "sense": "max",
        "variables": {"x": ["0", None], "y": ["0", None]},
        "objective": {"x": "1", "y": "1"},
        "constraints": [
            {"name": "c0", "coeffs": {"x": "1", "y": "2"}, "op": "<=", "rhs": "4"},
            {"name": "c1", "coeffs": {"x": "3", "y": "1"}, "op": "<=", "rhs": "6"},
        ],
    }
    cert = solve(base).certificate()
    mutate(cert)
    ok, why = verify_certificate(cert)
    assert not ok
    assert fragment in why


def test_verifier_imports_only_fractions_json_and_math():
    import ast
    from pathlib import Path

    import exactmd.lp.checker as chk

    tree = ast.parse(Path(chk.__file__).read_text())
    mods = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            mods.add(node.module)
    assert mods <= {"fractions", "json", "math"}  # the standard library only


def _reference_or_flagged(problem):
    from exactmd.lp.reference import ReferenceSolverError, sympy_lp_value

    try:
        return sympy_lp_value(problem)
    except ReferenceSolverError:
        return "flagged"


@given(boxed_problems(), st.lists(st.sampled_from(["box", "free", "upper"]), min_size=3, max_size=3))
def test_sympy_reference_agrees_with_vertex_enumeration(problem, kinds):
    # The reference used by the design tests and the benchmarks: the same box written
    # with free or upper-only columns plus explicit rows must give the same value, or
    # the reference must flag sympy's answer as infeasible. It never returns a wrong value.
    best = _brute_force(problem)
    if best is None:
        return
    rewritten = json.loads(json.dumps(problem))
    for (v, (lo, hi)), kind in zip(problem["variables"].items(), kinds):
        if kind == "box":
            continue
        rewritten["variables"][v] = [None, None] if kind == "free" else [None, hi]
        rewritten["constraints"].append({"name": f"lo_{v}", "coeffs": {v: "1"}, "op": ">=", "rhs": lo})
        if kind == "free":
            rewritten["constraints"].append({"name": f"hi_{v}", "coeffs": {v: "1"}, "op": "<=", "rhs": hi})
    assert _reference_or_flagged(problem) in (best, "flagged")
    assert _reference_or_flagged(rewritten) in (best, "flagged")


def test_sympy_reference_flags_sympys_infeasible_answer():
    # max x1 with x1 = 1 and x0 = 0: sympy 1.14's linprog answers x1 = 2 on this input.
    # If a later sympy gets it right, the reference must then return the true value 1.
    problem = P("max", {"x0": (-1, 1), "x1": (0, 2)}, {"x0": 0, "x1": 1},
                [({"x0": 0, "x1": -1}, "==", -1), ({"x0": 1, "x1": -1}, ">=", -2), ({"x0": 1, "x1": 0}, "==", 0)])
    assert _reference_or_flagged(problem) in (Fraction(1), "flagged")


@pytest.mark.parametrize("method", ["exact", "hint"])
@pytest.mark.parametrize(
    "problem, value",
    [
        pytest.param({"sense": "max", "variables": {"x": [0, 4]}, "objective": {"x": 1},
                      "constraints": [{"name": "a", "coeffs": {"x": 1}, "op": "<=", "rhs": 3}]}, "3", id="JSON integers"),
        pytest.param({"sense": "min", "variables": {"x": ["-5", None]}, "objective": {"x": "1"},
                      "constraints": [{"name": "a", "coeffs": {"x": "2/4"}, "op": ">=", "rhs": "1/-2"}]}, "-1", id="'2/4' and '1/-2'"),
        pytest.param({"sense": "max", "variables": {"x": ["0", "1 / 2"]}, "objective": {"x": "0.5"},
                      "constraints": [{"name": "a", "coeffs": {"x": "1"}, "op": ">=", "rhs": "0"}]}, "1/4", id="'1 / 2' and '0.5'"),
    ],
)
def test_any_exact_number_is_accepted_and_the_certificate_is_canonical(problem, value, method):
    # min x s.t. x/2 >= -1/2, x >= -5: x = -1.  max x/2 over [0, 1/2]: 1/4.
    r = solve_problem(problem, method=method)
    assert str(r.value) == value
    cert = r.certificate()
    ok, why = verify_certificate(cert)
    assert ok, why
    numbers = [b for bs in cert["problem"]["variables"].values() for b in bs if b is not None]
    numbers += list(cert["problem"]["objective"].values())
    numbers += [a for c in cert["problem"]["constraints"] for a in [c["rhs"], *c["coeffs"].values()]]
    assert all(isinstance(a, str) and str(Fraction(a)) == a for a in numbers)


def test_a_number_too_large_for_a_double_falls_back_to_the_exact_simplex():
    big = str(10**400)
    p = {"sense": "max", "variables": {"x": ["0", big]}, "objective": {"x": "1"},
         "constraints": [{"name": "a", "coeffs": {"x": "1"}, "op": ">=", "rhs": "0"}]}
    assert str(solve_problem(p, method="hint").value) == big
