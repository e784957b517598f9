"""LP and MPS readers: every construct against a dict written out by hand."""

import gzip

import pytest
from flint import fmpq

from exactmd.errors import LPFormatError
from exactmd.lp import solve_problem
from exactmd.lp.formats import load_problem, read_lp, read_mps, write_lp, write_mps

FIXED_MPS = """\
NAME          TESTLP
ROWS
 N  COST
 L  C0
 L  C1
COLUMNS
    X         COST         1.0   C0           1.0
    X         C1           3.0
    Y         COST         1.0   C0           2.0
    Y         C1           1.0
RHS
    RHS       C0           4.0   C1           6.0
ENDATA
"""

LP = """\\ the textbook LP
Maximize
 obj: x + y
Subject To
 C0: x + 2 y <= 4
 C1: 3 x + y <= 6
End
"""

EXPECTED = {
    "format": "exactmd-lp-problem/1",
    "sense": "max",
    "variables": {"X": ["0", None], "Y": ["0", None]},
    "objective": {"X": "1", "Y": "1"},
    "constraints": [
        {"name": "C0", "coeffs": {"X": "1", "Y": "2"}, "op": "<=", "rhs": "4"},
        {"name": "C1", "coeffs": {"X": "3", "Y": "1"}, "op": "<=", "rhs": "6"},
    ],
}


def test_fixed_mps_with_objsense():
    p = read_mps("OBJSENSE\n    MAX\n" + FIXED_MPS)
    assert p == EXPECTED
    assert str(solve_problem(p).value) == "14/5"


def test_lp_format_same_problem():
    p = read_lp(LP)
    assert p["sense"] == "max"
    assert p["constraints"] == [
        {"name": "C0", "coeffs": {"x": "1", "y": "2"}, "op": "<=", "rhs": "4"},
        {"name": "C1", "coeffs": {"x": "3", "y": "1"}, "op": "<=", "rhs": "6"},
    ]


def test_mps_ranges_bounds_and_objective_constant():
    text = """NAME R
OBJSENSE MIN
ROWS
 N obj
 L lim
 G low
 E eq
 E eqn
COLUMNS
 x obj 1 lim 1
 x low 1 eq 1
 x eqn 1
 y obj -.5 lim 1
 MARKER MARKER INTORG
 z obj 2 eq 1
 MARKER MARKER INTEND
RHS
 RHS lim 10 low 1
 RHS eq 3 eqn 2
 RHS obj -7
RANGES
 RNG lim 4 low 2
 RNG eq 5 eqn -1
BOUNDS
 UP BND x 1.5E+01
 MI BND y
 UP BND y 4
 BV BND z
ENDATA
"""
    p = read_mps(text)
    # L row with range 4: [10-4, 10]; G row with range 2: [1, 3];
    # E row R=5>0: [3, 8]; E row R=-1<0: [1, 2]. Objective constant 7 (minus the RHS).
    assert p["constraints"] == [
        {"name": "lim.lo", "coeffs": {"x": "1", "y": "1"}, "op": ">=", "rhs": "6"},
        {"name": "lim.hi", "coeffs": {"x": "1", "y": "1"}, "op": "<=", "rhs": "10"},
        {"name": "low.lo", "coeffs": {"x": "1"}, "op": ">=", "rhs": "1"},
        {"name": "low.hi", "coeffs": {"x": "1"}, "op": "<=", "rhs": "3"},
        {"name": "eq.lo", "coeffs": {"x": "1", "z": "1"}, "op": ">=", "rhs": "3"},
        {"name": "eq.hi", "coeffs": {"x": "1", "z": "1"}, "op": "<=", "rhs": "8"},
        {"name": "eqn.lo", "coeffs": {"x": "1"}, "op": ">=", "rhs": "1"},
        {"name": "eqn.hi", "coeffs": {"x": "1"}, "op": "<=", "rhs": "2"},
    ]
    assert p["variables"] == {"x": ["0", "15"], "y": [None, "4"], "z": ["0", "1"], "_objective_constant": ["1", "1"]}
    assert p["objective"] == {"x": "1", "y": "-1/2", "z": "2", "_objective_constant": "7"}
    assert p["integer"] == ["z"]
    assert p["sense"] == "min"


def test_negative_upper_bound_frees_lower():
    text = "NAME\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n UP B x -2\nENDATA\n"
    assert read_mps(text)["variables"]["x"] == [None, "-2"]


def test_lp_bounds_ranges_and_constants():
    text = """Minimize
 obj: 2 x - 0.1 y + 3
Subject To
 -3 <= x + y <= 5
 c2: x - y + 1 >= 2 y
Bounds
 x free
 -inf <= y <= 4
 0 <= w <= 1
Generals
 w
End"""
    p = read_lp(text)
    assert p["objective"] == {"x": "2", "y": "-1/10", "_objective_constant": "3"}
    assert p["constraints"] == [
        {"name": "R1.lo", "coeffs": {"x": "1", "y": "1"}, "op": ">=", "rhs": "-3"},
        {"name": "R1.hi", "coeffs": {"x": "1", "y": "1"}, "op": "<=", "rhs": "5"},
        # x - y + 1 >= 2 y  <=>  x - 3 y >= -1
        {"name": "c2", "coeffs": {"x": "1", "y": "-3"}, "op": ">=", "rhs": "-1"},
    ]
    assert p["variables"]["x"] == [None, None] and p["variables"]["y"] == [None, "4"] and p["variables"]["w"] == ["0", "1"]
    assert p["integer"] == ["w"]


def test_round_trips():
    p = read_lp(LP)
    assert read_mps(write_mps(p)) == {**p}
    assert read_lp(write_lp(p)) == p


def test_write_refuses_non_decimal():
    p = read_lp(LP)
    p["constraints"][0]["rhs"] = "1/3"
    with pytest.raises(LPFormatError, match="no finite decimal"):
        write_mps(p)


def test_load_problem_by_extension(tmp_path):
    (tmp_path / "a.lp").write_text(LP)
    (tmp_path / "b.mps.gz").write_bytes(gzip.compress(("OBJSENSE\n MAX\n" + FIXED_MPS).encode()))
    assert load_problem(tmp_path / "a.lp")["sense"] == "max"
    assert load_problem(tmp_path / "b.mps.gz") == EXPECTED
    with pytest.raises(LPFormatError, match="unknown problem format"):
        load_problem(tmp_path / "c.xyz")


@pytest.mark.parametrize(
    "text, fragment",
    [
        pytest.param("NAME\nFOO\nENDATA\n", "unknown section 'FOO'", id="mps unknown section"),
        pytest.param("NAME\nROWS\n N obj\nCOLUMNS\n x obj 1.2.3\nENDATA\n", "'1.2.3' is not a number", id="mps bad number"),
        pytest.param("NAME\nROWS\n N obj\nCOLUMNS\n x c9 1\nENDATA\n", "row 'c9', not declared", id="mps undeclared row"),
        pytest.param("NAME\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n XX B x 1\nENDATA\n", "unknown bound type 'XX'", id="mps unknown bound"),
        pytest.param("NAME\nROWS\n N obj\nCOLUMNS\n x obj 1\nBOUNDS\n SC B x 1\nENDATA\n", "semicontinuous", id="mps SC bound"),
        pytest.param("NAME\nROWS\n N obj\nCOLUMNS\n x obj 1\n", "no ENDATA", id="mps truncated"),
    ],
)
def test_mps_errors(text, fragment):
    with pytest.raises(LPFormatError, match=fragment):
        read_mps(text)


def test_lp_error_has_line_number():
    with pytest.raises(LPFormatError, match=r":4: row 'c0' has no relation"):
        read_lp("Maximize\n obj: x\nSubject To\n c0: x + y\nEnd\n")


@pytest.mark.parametrize(
    "text, rows",
    [
        pytest.param("Maximize\n obj: x + y\nSubject To\n c1: x + y <= 4\n x <= 3\n y <= 2\nEnd\n",
                     [("c1", {"x": "1", "y": "1"}, "<=", "4"), ("R2", {"x": "1"}, "<=", "3"), ("R3", {"y": "1"}, "<=", "2")],
                     id="unnamed rows after a constant"),
        pytest.param("Maximize\n obj: x + y\nSubject To\n c1: x + 2 y <= 4\n 3 x + y <= 6\nEnd\n",
                     [("c1", {"x": "1", "y": "2"}, "<=", "4"), ("R2", {"x": "3", "y": "1"}, "<=", "6")],
                     id="unnamed row starting with a coefficient"),
        pytest.param("Maximize\n obj: x + y + z\nSubject To\n c1: -3 <= x + y\n z <= 4\n c2: x + y <= 2\nEnd\n",
                     [("c1", {"x": "1", "y": "1"}, ">=", "-3"), ("R2", {"z": "1"}, "<=", "4"), ("c2", {"x": "1", "y": "1"}, "<=", "2")],
                     id="constant on the left, then an unnamed row"),
        pytest.param("Minimize\n obj: x\nSubject To\n c1: x + y <= 4\n - x + y >= -1\n x <= 2 y\nEnd\n",
                     [("c1", {"x": "1", "y": "1"}, "<=", "4"), ("R2", {"x": "-1", "y": "1"}, ">=", "-1"), ("R3", {"x": "1", "y": "-2"}, "<=", "0")],
                     id="unnamed row starting with a sign; variables on the right"),
        pytest.param("Minimize\n obj: x\nSubject To\n r: 2 x\n + 3 y\n >= 1\n -2 <= x - y <= 5\nEnd\n",
                     [("r", {"x": "2", "y": "3"}, ">=", "1"), ("R2.lo", {"x": "1", "y": "-1"}, ">=", "-2"), ("R2.hi", {"x": "1", "y": "-1"}, "<=", "5")],
                     id="a row over several lines, then a ranged row"),
    ],
)
def test_lp_rows_end_where_the_next_begins(text, rows):
    # CPLEX LP: the right-hand side is a constant, and terms are joined by + or -, so a
    # term after a complete term with no sign begins the next (unnamed) row.
    p = read_lp(text)
    assert [(c["name"], c["coeffs"], c["op"], c["rhs"]) for c in p["constraints"]] == rows


def test_unnamed_rows_solve_to_the_right_value():
    # max x + y + z, x + y >= -3, z <= 4, x + y <= 2: the optimum is 2 + 4 = 6.
    p = read_lp("Maximize\n obj: x + y + z\nSubject To\n c1: -3 <= x + y\n z <= 4\n c2: x + y <= 2\nEnd\n")
    assert str(solve_problem(p, method="exact").value) == "6"


def test_write_mps_keeps_every_variable_and_refuses_spaces():
    p = {"sense": "max", "variables": {"x": ["0", None], "y": ["0", None], "obj": ["-1", "2"]}, "objective": {"x": "1"},
         "constraints": [{"name": "obj", "coeffs": {"x": "1"}, "op": "<=", "rhs": "2"}]}
    back = read_mps(write_mps(p))
    assert back["variables"] == p["variables"]  # y is in no row and not in the objective
    assert back["constraints"] == p["constraints"]  # a row named like the objective row
    with pytest.raises(LPFormatError, match="'IC\\[agent 1: 0 -> 1\\]' cannot be written"):
        write_mps(dict(p, constraints=[dict(p["constraints"][0], name="IC[agent 1: 0 -> 1]")]))
    with pytest.raises(LPFormatError, match="cannot be written"):
        write_lp(dict(p, variables={"a b": ["0", None]}, objective={}, constraints=[]))


def _mps(bounds: str, extra_head: str = "", rows: str = " N  OBJ\n L  R1\n") -> str:
    return (f"NAME T\n{extra_head}ROWS\n{rows}COLUMNS\n    X  OBJ  1  R1  1\n    Y  OBJ  -1  R1  1\n"
            f"RHS\n    RHS R1 4\nBOUNDS\n{bounds}ENDATA\n")


@pytest.mark.parametrize(
    "bounds, x_bounds",
    [
        pytest.param(" LI BND X -3\n UP BND X -1\n", ["-3", "-1"], id="LI then negative UP keeps the lower bound"),
        pytest.param(" FX BND X -5\n UP BND X -1\n", ["-5", "-1"], id="FX then negative UP keeps the lower bound"),
        pytest.param(" UP BND X -1\n", [None, "-1"], id="negative UP alone frees the lower bound"),
        pytest.param(" FR BND X 0\n", [None, None], id="FR with a value (ignored)"),
        pytest.param(" MI BND X 0\n", [None, None], id="MI with a value (ignored)"),
        pytest.param(" BV BND X 1\n", ["0", "1"], id="BV with a value (ignored)"),
        pytest.param(" PL X\n", ["0", None], id="PL without a set name"),
    ],
)
def test_mps_bound_lines(bounds, x_bounds):
    assert read_mps(_mps(bounds))["variables"]["X"] == x_bounds


def test_mps_objname_picks_the_objective_row():
    rows = " N  COST1\n N  COST2\n L  R1\n"
    text = _mps("", rows=rows).replace("X  OBJ  1", "X  COST2  -1").replace("Y  OBJ  -1", "Y  COST2  -2")
    p = read_mps(text.replace("ROWS\n", "OBJNAME\n    COST2\nROWS\n", 1))
    assert p["objective"] == {"X": "-1", "Y": "-2"}
    # min -x - 2y, x + y <= 4: y = 4, value -8
    assert str(solve_problem(p, method="exact").value) == "-8"
    assert read_mps(text)["objective"] == {}  # without OBJNAME the first N row (COST1, empty)
    with pytest.raises(LPFormatError, match="OBJNAME 'COST9' is not an N row"):
        read_mps(text.replace("ROWS\n", "OBJNAME COST9\nROWS\n", 1))


def _fixed_line(typ="", n1="", n2="", v1="", n3="", v2=""):
    """A fixed-column MPS data line: fields at columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61."""
    line = [" "] * 61
    for start, text in ((1, typ), (4, n1), (14, n2), (24, v1), (39, n3), (49, v2)):
        line[start:start + len(text)] = text
    return "".join(line).rstrip()


# forplan-style: row and column names with blanks, a ranged row, a bound set with a blank name
_FIXED_BLANKS = "\n".join([
    "NAME          BLANKS",
    "ROWS",
    _fixed_line("N", "COST"),
    _fixed_line("L", "C 1"),
    _fixed_line("G", "C 2"),
    "COLUMNS",
    _fixed_line("", "X 1", "COST", "-1", "C 1", "1"),
    _fixed_line("", "X 1", "C 2", "3"),
    _fixed_line("", "Y 1", "COST", "-1", "C 1", "2"),
    _fixed_line("", "Y 1", "C 2", "1"),
    "RHS",
    _fixed_line("", "RHS 1", "C 1", "4", "C 2", "1"),
    "RANGES",
    _fixed_line("", "", "C 2", "5"),
    "BOUNDS",
    _fixed_line("UP", "BND 1", "X 1", "3/2"),
    _fixed_line("LO", "", "Y 1", "1/4"),
    "ENDATA",
]) + "\n"

# the same LP in free MPS, names without blanks, written by hand
_FREE_SAME = """NAME BLANKS
ROWS
 N COST
 L C_1
 G C_2
COLUMNS
 X_1 COST -1 C_1 1
 X_1 C_2 3
 Y_1 COST -1 C_1 2
 Y_1 C_2 1
RHS
 RHS C_1 4 C_2 1
RANGES
 RNG C_2 5
BOUNDS
 UP BND X_1 3/2
 LO BND Y_1 1/4
ENDATA
"""


def test_fixed_column_mps_reads_names_with_blanks():
    fixed = read_mps(_FIXED_BLANKS, fixed=True)
    assert list(fixed["variables"]) == ["X 1", "Y 1"]
    assert [c["name"] for c in fixed["constraints"]] == ["C 1", "C 2.lo", "C 2.hi"]
    assert fixed["variables"]["X 1"] == ["0", "3/2"] and fixed["variables"]["Y 1"] == ["1/4", None]
    free = read_mps(_FREE_SAME)
    rename = {"C_1": "C 1", "C_2.lo": "C 2.lo", "C_2.hi": "C 2.hi", "X_1": "X 1", "Y_1": "Y 1"}
    assert [{**c, "name": rename[c["name"]], "coeffs": {rename[k]: v for k, v in c["coeffs"].items()}}
            for c in free["constraints"]] == fixed["constraints"]
    # min -x - y with x <= 3/2, x + 2y <= 4, 1 <= 3x + y <= 6: by hand, x = 3/2, y = 5/4, value -11/4
    res = solve_problem(fixed)
    assert str(res.value) == "-11/4"
    assert (res.primal["X 1"], res.primal["Y 1"]) == (fmpq(3, 2), fmpq(5, 4))


def test_fixed_column_mps_is_read_when_the_free_reading_fails(tmp_path):
    assert read_mps(_FIXED_BLANKS) == read_mps(_FIXED_BLANKS, fixed=True)  # auto: free fails on 'X 1', fixed reads it
    p = tmp_path / "blanks.mps"
    p.write_text(_FIXED_BLANKS)
    assert load_problem(p)["constraints"] == read_mps(_FIXED_BLANKS, fixed=True)["constraints"]
    with pytest.raises(LPFormatError, match="a ROWS line is"):  # free forced: the free reader's error
        read_mps(_FIXED_BLANKS, fixed=False)
    # both readings fail: one message with each reading's reason (here the fixed one names the number)
    bad = _FIXED_BLANKS.replace(_fixed_line("", "Y 1", "C 2", "1"), _fixed_line("", "Y 1", "C 2", "1e999999999"))
    with pytest.raises(LPFormatError, match=r"a ROWS line is .* \(read as fixed-column MPS: <string>:10: .*1e999999999"):
        read_mps(bad)


def test_fixed_reading_of_a_plain_file_is_the_free_reading():
    plain = "\n".join(["NAME P", "ROWS", _fixed_line("N", "OBJ"), _fixed_line("E", "R1"), "COLUMNS",
                       _fixed_line("", "X", "OBJ", "2", "R1", "1"), _fixed_line("", "Y", "R1", "1"),
                       "RHS", _fixed_line("", "RHS", "R1", "7/2"), "BOUNDS", _fixed_line("FR", "BND", "Y"),
                       "ENDATA"]) + "\n"
    assert read_mps(plain, fixed=True) == read_mps(plain, fixed=False)
    with pytest.raises(LPFormatError, match="COLUMNS line"):  # a field past column 61 is refused, not cut off
        read_mps(plain.replace(_fixed_line("", "Y", "R1", "1"), _fixed_line("", "Y", "R1", "1").ljust(61) + " 9"),
                 fixed=True)
