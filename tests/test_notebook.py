"""Notebook display (exactmd.notebook): short reprs, well-formed and escaped HTML, LaTeX with exact fractions."""

import itertools
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings

from exactmd import Environment, optimal_mechanism
from exactmd.lp import solve_problem
from exactmd.mechanism import OutcomeFunction
from exactmd.notebook import MAX_ROWS
from exactmd.rational import Q
from exactmd.strategies import environments, outcome_functions

ALLOWED = {"div", "p", "strong", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "small", "caption"}
VOID: set[str] = set()


def auction(n, m, name=None):
    """n bidders, values 1..m independent and uniform (as benchmarks/auctions.py builds it)."""
    return Environment.quasilinear([list(range(1, m + 1))] * n, "uniform", ["none"] + [f"win{i + 1}" for i in range(n)],
                                   lambda i, a, th: th[i] if a == f"win{i + 1}" else 0, name=name or f"auction {n}x{m}")


class _Cells(HTMLParser):
    """Checks that every tag is closed in order, and collects the text of each table row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags, self.rows, self.text = [], set(), [], []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()
        if tag in ("td", "th"):
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(html):
    p = _Cells()
    p.feed(html)
    p.close()
    assert p.stack == [], f"unclosed tags {p.stack}"
    assert p.tags <= ALLOWED, p.tags - ALLOWED
    return p


def myerson_revenue(m):
    """Expected revenue of the optimal auction of two bidders with values 1..m uniform, by Myerson:
    E max(0, φ(θ_1), φ(θ_2)) with the discrete virtual values φ(k) = 2k − m (k < m), φ(m) = m —
    computed here with Fraction, not by exactmd."""
    def phi(k):
        return m if k == m else 2 * k - m

    total = sum(Fraction(max(0, phi(a), phi(b))) for a, b in itertools.product(range(1, m + 1), repeat=2))
    return total / (m * m)


@pytest.fixture(scope="module")
def design_5x5():
    """The revenue-optimal BIC auction on a 5 × 5 type grid (two bidders, values 1..5)."""
    return optimal_mechanism(auction(2, 5), ["IC", "interim-IR"], "revenue")


def test_reprs_of_a_5x5_design_are_short(design_5x5):
    res = design_5x5
    assert Q(res.value) == Q(myerson_revenue(5))  # the design is the one Myerson's formula prices
    for obj in (res, res.lp, res.mechanism, res.mechanism.env):
        assert len(repr(obj)) < 2048, (type(obj).__name__, len(repr(obj)))
    r = repr(res)
    assert "status=optimal" in r and f"value={myerson_revenue(5).numerator}/{myerson_revenue(5).denominator}" in r
    assert "25 profiles" in r and f"{len(res.lp.problem['constraints'])} rows" in r


def test_html_of_a_design_is_well_formed_and_shows_the_mechanism(design_5x5):
    res = design_5x5
    p = parse(res._repr_html_())
    header, *rows = p.rows
    assert header[0] == "θ" and len(rows) == 25
    env, mech = res.mechanism.env, res.mechanism
    for row, th in zip(rows, env.profiles()):  # each cell read back as an exact number
        assert row[0] == ",".join(str(t) for t in th)
        for k, a in enumerate(env.outcomes):
            assert Q(row[1 + k]) == mech.allocation_prob(a, th)
        for i in range(env.n):
            assert Q(row[1 + len(env.outcomes) + i]) == mech.expected_transfer(i, th)


def test_latex_shows_exact_fractions(design_5x5):
    v = myerson_revenue(5)
    assert rf"\frac{{{v.numerator}}}{{{v.denominator}}}" in design_5x5._repr_latex_()
    env = Environment.finite([["a", "b", "c"]], "uniform", ["x", "y"], lambda i, x, th: 1 if x == "x" else "-2/3")
    assert r"\frac{1}{3}" in env._repr_latex_()  # the prior mass
    f = OutcomeFunction(env, lambda th: {"x": "2/7", "y": "5/7"})
    lt = f._repr_latex_()
    assert r"\frac{2}{7}" in lt and r"\frac{5}{7}" in lt
    assert r"-\frac{2}{3}" in env._repr_latex_()  # the utility -2/3, with its sign
    assert "$$" in lt and lt.count("$$") % 2 == 0


HOSTILE = "<script>alert('x')</script>"


def test_html_escapes_hostile_names():
    env = Environment.finite([["<b>lo", "hi&"]], "uniform", [HOSTILE, "y"], lambda i, x, th: 0,
                             agents=["<img src=x onerror=alert(1)>"], name=HOSTILE)
    f = OutcomeFunction(env, lambda th: {HOSTILE: 1})
    for obj in (env, f):
        h = obj._repr_html_()
        assert "<script" not in h and "<img" not in h and "<b>" not in h
        p = parse(h)
        assert HOSTILE in "".join(p.text)  # shown, as text


def test_large_mechanism_is_cut_in_display_and_repr():
    """A 4-bidder auction with 4 values each (256 profiles): repr under 2 KB, the table cut at MAX_ROWS."""
    env = auction(4, 4)

    def second_price(th):  # the highest bidder wins (lowest index on a tie) and pays the second-highest value
        w = max(range(4), key=lambda i: (th[i], -i))
        price = sorted(th)[-2]
        return {(f"win{w + 1}", tuple(-price if i == w else 0 for i in range(4))): 1}

    f = OutcomeFunction(env, second_price)
    assert len(repr(f)) < 2048 and "more)" in repr(f)
    assert len(repr(env)) < 2048
    p = parse(f._repr_html_())
    assert len(p.rows) == 1 + MAX_ROWS
    assert f"{len(env.profiles()) - MAX_ROWS} more rows" in "".join(p.text)


def test_lp_results_show_their_evidence():
    infeasible = {"sense": "max", "variables": {"x": ["0", None]}, "objective": {"x": "1"},
                  "constraints": [{"name": "low", "coeffs": {"x": "1"}, "op": "<=", "rhs": "1"},
                                  {"name": "high", "coeffs": {"x": "1"}, "op": ">=", "rhs": "2"}]}
    res = solve_problem(infeasible)
    assert "status=infeasible" in repr(res) and "Farkas" in repr(res)
    p = parse(res._repr_html_())
    text = "".join(p.text)
    assert "Farkas" in text
    cells = {row[0]: Q(row[1]) for row in p.rows[1:] if len(row) == 2}
    # the weighted sum of the rows shown is impossible: y_low·x - |y_high|·x ≤ y_low·1 + y_high·2 < min over x ≥ 0
    assert cells["low"] > 0 and cells["high"] < 0 and cells["low"] + cells["high"] >= 0
    assert cells["low"] * 1 + cells["high"] * 2 < 0
    optimal = dict(infeasible, constraints=infeasible["constraints"][:1])
    res = solve_problem(optimal)
    assert r"\text{value} = 1" in res._repr_latex_()


@settings(max_examples=15, deadline=None)
@given(environments(max_types=2).flatmap(lambda env: outcome_functions(env).map(lambda f: (env, f))))
def test_random_environments_and_mechanisms_display_exactly(pair):
    env, f = pair
    rows = parse(env._repr_html_()).rows[1:]
    assert len(rows) == min(len(env.profiles()), MAX_ROWS)
    for row, th in zip(rows, env.profiles()):
        assert Q(row[1]) == env.prior[th]  # p(θ), read back from the page
    rows = parse(f._repr_html_()).rows[1:]
    for row, th in zip(rows, env.profiles()):
        assert sum(Q(c) for c in row[1:1 + len(env.outcomes)]) == 1  # a lottery at every profile


def test_other_results_display_and_stay_short():
    from pathlib import Path

    from exactmd.belief import independent
    from exactmd.deterministic import deterministic_mechanism
    from exactmd.environment import load_environment
    from exactmd.evaluation import evaluate
    from exactmd.lexicographic import lexicographic_mechanism
    from exactmd.parametric import parametric_design
    from exactmd.sweeps import sweep

    file = str(Path(__file__).resolve().parent.parent / "examples" / "auction-2x3.toml")
    env = load_environment(file)
    trade = Environment.quasilinear([[0, 1], [0, 1]], "uniform", [0, 1],
                                    lambda i, a, th: a * th[0] if i == 0 else -a * th[1], agents=["b", "s"])
    results = [deterministic_mechanism(env, ["IC", "interim-IR"], "revenue"),
               lexicographic_mechanism(env, ["IC", "interim-IR"], ["max revenue", "min transfers"]),
               parametric_design(trade, ["IC", "interim-IR", "BB"], mix=independent(trade.types, [["1/3", "2/3"]] * 2)),
               sweep(file, ['valuation.1.1."3,*"=3,4'], [], objective="revenue")]
    results.append(evaluate(env, results[0].mechanism))
    for res in results:
        assert len(repr(res)) < 2048
        p = parse(res._repr_html_())
        assert p.rows, type(res).__name__  # a table is shown
        assert res._repr_latex_().count("$$") % 2 == 0
    # the sweep's table holds each point's exact value, read back from the page
    rows = parse(results[3]._repr_html_()).rows[1:]
    assert [Q(r[-1]) for r in rows] == [pt.value for pt in results[3].points]
    # the evaluation's families, each with its holds cell (a deterministic auction: IC and interim-IR hold)
    fam = {r[0]: r[1] for r in parse(results[4]._repr_html_()).rows[1:]}
    assert fam["IC"] == "yes" and fam["interim-IR"] == "yes"


def test_devices_and_beliefs_display_exactly():
    from exactmd.belief import Belief
    from exactmd.mechanism import Device

    types = [["lo", "<hi>"]]
    r = Device(types, {("lo",): {"s": "1/3", "t": "2/3"}, ("<hi>",): {"t": 1}})
    p = parse(r._repr_html_())
    assert p.rows[0] == ["θ", "r(s)", "r(t)"]
    assert [Q(c) for c in p.rows[1][1:]] == [Q("1/3"), Q("2/3")] and [Q(c) for c in p.rows[2][1:]] == [0, 1]
    assert r"\frac{1}{3}" in r._repr_latex_()
    b = Belief(types, {("lo",): "1/4", ("<hi>",): "3/4"})
    rows = parse(b._repr_html_()).rows
    assert rows[1:] == [["lo", "1/4"], ["<hi>", "3/4"]]  # the name shown as text, after escaping
    assert "&lt;hi&gt;" in b._repr_html_() and r"\frac{3}{4}" in b._repr_latex_()


def test_an_infeasible_design_shows_its_farkas_rows():
    from exactmd.design import feasible_mechanism
    from exactmd.papers.vartiainen2014 import bilateral_trade

    env = bilateral_trade(5, "uniform", "uniform")  # Myerson–Satterthwaite on the grid {0, 1/5, …, 1}
    res = feasible_mechanism(env, ["IC", "interim-IR", "BB", "efficiency"])
    assert res.status == "infeasible"
    assert "Farkas" in repr(res) and len(repr(res)) < 2048
    p = parse(res._repr_html_())
    weights = {row[0]: Q(row[1]) for row in p.rows[1:]}
    assert weights and all(w != 0 for w in weights.values())
    assert set(weights) <= {c["name"] for c in res.lp.problem["constraints"]}  # rows of the LP, by label
    assert len(p.rows) - 1 == min(MAX_ROWS, sum(1 for w in res.lp.farkas.values() if w != 0))
