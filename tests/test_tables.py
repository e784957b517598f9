"""Exact tables: column order, exact values worked out by hand, formats."""

import csv
import io
import json

import pytest

from exactmd.errors import ModelError
from exactmd.papers.vartiainen2014.tables import BARGAINING_COLUMNS, bargaining_rows, parse_range
from exactmd.tables import render


def test_csv_columns_and_hand_values():
    rows = bargaining_rows([1, 2])
    text = render(rows, "csv")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == "K,prior,regular,first_best,first_best_attainable,second_best,best_threshold,gamma,prop2".split(",")
    # K = 1: first best 1/4 (trade at (1,0) only), attained by the posted price 1/2.
    assert table[1][:7] == ["1", "uniform", "true", "1/4", "true", "1/4", "1/4"]
    # K = 2: first best (1/2 + 1 + 1/2)/9 = 2/9, attained by the posted price 1/2.
    assert table[2][3] == "2/9" and table[2][5] == "2/9"


def test_latex_uses_frac_and_json_is_exact():
    rows = bargaining_rows([2])
    assert r"$\frac{2}{9}$" in render(rows, "latex")
    data = json.loads(render(rows, "json"))
    assert data[0]["first_best"] == "2/9" and list(data[0]) == BARGAINING_COLUMNS


@pytest.mark.parametrize("spec, expected", [("1..3", [1, 2, 3]), ("2,4", [2, 4]), ("5", [5]), ("1..2,6", [1, 2, 6])])
def test_parse_range(spec, expected):
    assert parse_range(spec) == expected


@pytest.mark.parametrize("spec", ["0", "a..b", "", "3..1"])
def test_parse_range_errors(spec):
    with pytest.raises(ModelError):
        parse_range(spec)


def test_unknown_format():
    with pytest.raises(ModelError, match="'html'"):
        render([], "html")
