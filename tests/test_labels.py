"""One rule for type labels in Python and TOML (issue 16, item 6): labels that read as
numbers become exact numbers, other strings stay strings; joint priors take tuple keys."""

from __future__ import annotations

import pytest
from flint import fmpq

from exactmd.belief import Belief, independent, normalize_types
from exactmd.design import optimal_mechanism
from exactmd.environment import Environment, load_environment
from exactmd.errors import ModelError
from exactmd.mechanism import Device


def _auction(types, prior):
    return Environment.quasilinear(types, prior, ["none", "win1", "win2"],
                                   lambda i, a, th: th[i] if a == f"win{i + 1}" else 0)


@pytest.mark.parametrize("types", [[["1", "2"], ["1", "2"]], [[1, 2], [1, 2]], [["1", "2.0"], [fmpq(1), "4/2"]]],
                         ids=["strings", "ints", "mixed-spellings"])
def test_labels_that_read_as_numbers_are_numbers(types) -> None:
    ts = normalize_types(types)
    assert ts == ((fmpq(1), fmpq(2)), (fmpq(1), fmpq(2)))
    assert all(isinstance(t, fmpq) for row in ts for t in row)


def test_other_labels_stay_strings() -> None:
    assert normalize_types([["L", "high", "x1", "1/0"]]) == (("L", "high", "x1", "1/0"),)
    assert normalize_types([["L", "3"]]) == (("L", fmpq(3)),)


def test_decimal_label_prints_canonically() -> None:
    env = _auction([["0.25", "1"], ["1/4", "1"]], "uniform")
    assert env.types[0] == env.types[1] == (fmpq(1, 4), fmpq(1))
    assert env.to_dict()["types"] == [["1/4", "1"], ["1/4", "1"]]


@pytest.mark.parametrize("raw, message", [
    (["1", "1.0"], "agent 1 lists type 1 twice ('1' and '1.0' are the same number)"),
    (["1/2", 1, "2/4"], "agent 1 lists type 1/2 twice ('1/2' and '2/4' are the same number)"),
    (["3", 3], "agent 1 lists type 3 twice ('3' and 3 are the same number)"),
    (["L", "L"], "agent 1 lists type 'L' twice"),
], ids=["1-and-1.0", "1/2-and-2/4", "str-and-int", "same-string"])
def test_two_labels_that_are_the_same_number_are_refused(raw, message) -> None:
    with pytest.raises(ModelError) as e:
        normalize_types([raw])
    assert str(e.value) == message


def test_valuation_callable_does_arithmetic_on_string_labels() -> None:
    # before the rule, th[i] was the string "1" and th[i] - 1 raised TypeError: str - int
    env = Environment.quasilinear([["1", "2"], ["1", "2"]], "uniform", ["none", "win1", "win2"],
                                  lambda i, a, th: th[i] - 1 if a == f"win{i + 1}" else 0)
    assert env.valuation(0, "win1", (fmpq(2), fmpq(1))) == 1
    # the same environment written with integer labels is the same environment
    same = Environment.quasilinear([[1, 2], [1, 2]], "uniform", ["none", "win1", "win2"],
                                   lambda i, a, th: th[i] - 1 if a == f"win{i + 1}" else 0)
    assert env.to_dict() == same.to_dict()


def test_joint_prior_tuple_and_string_keys_agree() -> None:
    by_string = {"1,1": "1/4", "1,2": "1/8", "2,1": "1/8", "2,2": "1/2"}
    by_tuple = {(1, 1): "1/4", ("1", "2"): "1/8", (fmpq(2), "1"): "1/8", ("2", 2): "1/2"}
    a = _auction([["1", "2"], ["1", "2"]], {"joint": by_string})
    b = _auction([["1", "2"], ["1", "2"]], {"joint": by_tuple})
    c = _auction([[1, 2], [1, 2]], by_tuple)  # a bare mapping is a joint prior too
    assert a.prior == b.prior == c.prior
    assert a.prior[(fmpq(1), fmpq(2))] == fmpq(1, 8)
    assert Belief([["1", "2"]], {("2",): 1})[(fmpq(2),)] == 1


def test_tuple_keys_with_string_labels() -> None:
    p = Belief([["L", "H"], ["1", "2"]], {("L", 1): "1/2", ("H", "2"): "1/2"})
    assert p[("H", fmpq(2))] == fmpq(1, 2) and p[("L", fmpq(2))] == 0


def test_independent_marginals_as_mappings() -> None:
    p = independent([["1", "2"], ["L", "H"]], [{"2": "1/3", 1: "2/3"}, {"H": 1}])
    q = independent([[1, 2], ["L", "H"]], [["2/3", "1/3"], [0, 1]])
    assert p == q


def test_device_labels_follow_the_rule() -> None:
    r = Device([["1", "2"]], {(1,): "s", ("2",): "t"})
    assert r.types == ((fmpq(1), fmpq(2)),) and r.prob("t", (fmpq(2),)) == 1


def test_python_and_toml_give_the_same_environment(tmp_path) -> None:
    f = tmp_path / "auction.toml"
    f.write_text('kind = "quasilinear"\ntypes = [["1", 2], [1, "2"]]\nallocations = ["none", "win1", "win2"]\n'
                 '[prior]\njoint = {"1,1" = "1/4", "1,2" = "1/4", "2,1" = "1/4", "2,2" = "1/4"}\n'
                 '[valuation.1.none]\n"*" = 0\n[valuation.1.win1]\n"1,*" = 1\n"2,*" = 2\n[valuation.1.win2]\n"*" = 0\n'
                 '[valuation.2.none]\n"*" = 0\n[valuation.2.win1]\n"*" = 0\n[valuation.2.win2]\n"*,1" = 1\n"*,2" = 2\n')
    toml = load_environment(f)
    py = _auction([["1", "2"], ["1", "2"]], {(1, 1): "1/4", (1, 2): "1/4", (2, 1): "1/4", (2, 2): "1/4"})
    assert toml.to_dict() == py.to_dict()
    # and the answers agree (revenue of the optimal BIC, interim-IR auction)
    assert optimal_mechanism(toml, "IC,interim-IR", "revenue").value == optimal_mechanism(py, "IC,interim-IR", "revenue").value


def test_numeric_types_contradicting_the_rule_is_refused() -> None:
    d = _auction([[1, 2], [1, 2]], "uniform").to_dict()
    d["numeric_types"] = [[False, True], [True, True]]
    with pytest.raises(ModelError, match=r"numeric_types\[0\]\[0\] is false but type '1' reads as a number"):
        Environment.from_dict(d)
