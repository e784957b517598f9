"""exactmd.table.Table: each rendering of a small table against a hand-written string."""

import json
from fractions import Fraction

import pytest

from exactmd.errors import ModelError
from exactmd.rational import Q
from exactmd.table import Column, Table, latex_escape

SPEC = [Column("K", latex="$K$"), Column("value", "second best"), Column("ok", "attained"), Column("note", "note_1 & more")]
ROWS = [{"K": 1, "value": Q("-1/3"), "ok": True, "note": "50% off"},
        {"K": 2, "value": Fraction(5, 2), "ok": False, "note": None}]


def table(**kw):
    return Table(SPEC, ROWS, **kw)


def test_csv():
    assert table().to_csv() == "K,value,ok,note\n1,-1/3,true,50% off\n2,5/2,false,\n"


def test_markdown_right_aligns_numbers():
    assert table().to_markdown() == (
        "| K | second best | attained | note_1 & more |\n"
        "| ---: | ---: | :---: | --- |\n"
        "| 1 | -1/3 | yes | 50% off |\n"
        "| 2 | 5/2 | no |  |\n")
    assert "| 1 | -1/3 | ✓ |" in table().to_markdown(booleans="marks")


def test_latex_booktabs_frac_minus_caption_label_escaping():
    assert table(caption="Values & 10% more", label="tab:v").to_latex() == (
        "% exactmd table: K,value,ok,note\n"
        "\\begin{table}[ht]\n"
        "\\centering\n"
        "\\caption{Values \\& 10\\% more}\n"
        "\\label{tab:v}\n"
        "\\begin{tabular}{rrcl}\n"
        "\\toprule\n"
        "$K$ & second best & attained & note\\_1 \\& more \\\\\n"
        "\\midrule\n"
        "$1$ & $-\\frac{1}{3}$ & $\\checkmark$ & 50\\% off \\\\\n"
        "$2$ & $\\frac{5}{2}$ & --- & -- \\\\\n"
        "\\bottomrule\n"
        "\\end{tabular}\n"
        "\\end{table}\n")


def test_latex_options_slash_and_words():
    body = table().to_latex(fractions="slash", booleans="words").splitlines()
    assert body[5] == "$1$ & $-1/3$ & yes & 50\\% off \\\\"
    assert "\\hline" not in table().to_latex() and "\\begin{table}" not in table().to_latex()


def test_json_is_exact_strings():
    assert json.loads(table().to_json()) == [{"K": 1, "value": "-1/3", "ok": True, "note": "50% off"},
                                             {"K": 2, "value": "5/2", "ok": False, "note": None}]


def test_html_and_reprs():
    t = table(caption="c<1>")
    h = t._repr_html_()
    assert h.startswith("<table>\n<caption>c&lt;1&gt;</caption>")
    assert '<td style="text-align:right">-1/3</td>' in h
    assert t._repr_latex_().startswith("$$\\begin{array}{rrcl}") and "-\\frac{1}{3}" in t._repr_latex_()
    assert repr(t) == "Table(2 rows × 4 columns: K, value, ok, note; 'c<1>')"


def test_format_function_and_explicit_alignment():
    t = Table([Column("v", format=lambda v: f"≈{v}", align="c")], [{"v": 3}])
    assert t.to_csv() == "v\n≈3\n" and "\\begin{tabular}{c}" in t.to_latex()


def test_rows_are_copied():
    rows = [{"x": 1}]
    t = Table(["x"], rows)
    rows[0]["x"] = 2
    assert t.to_csv() == "x\n1\n"


@pytest.mark.parametrize("columns, rows, named", [
    (["x"], [{"y": 1}], "'x'"),
    (["x"], [{"x": 0.5}], "0.5"),
    (["x", "x"], [], "twice"),
], ids=["missing-key", "float-cell", "duplicate-column"])
def test_bad_tables_are_refused(columns, rows, named):
    with pytest.raises(ModelError, match=named):
        Table(columns, rows)


def test_bad_alignment_is_refused():
    with pytest.raises(ModelError, match="'right'"):
        Column("x", align="right")


def test_bad_options_are_refused():
    with pytest.raises(ModelError, match="fractions='dec'"):
        table().to_latex(fractions="dec")
    with pytest.raises(ModelError, match="format='xml'"):
        table().render("xml")


def test_latex_escape_of_every_special_character():
    assert latex_escape(r"\&%$#_{}~^") == (r"\textbackslash{}\&\%\$\#\_\{\}\textasciitilde{}\textasciicircum{}")


def test_paper_table_has_booktabs_headers_and_caption(capsys):
    from exactmd.cli import main

    assert main(["table", "bargaining", "--K", "2", "--format", "latex", "--label", "tab:b"]) == 0
    out = capsys.readouterr().out
    assert "\\toprule" in out and "\\caption{Bilateral trade" in out and "\\label{tab:b}" in out
    assert "$K$ & prior & regular & first best & first best attained" in out and "first\\_best" not in out
    assert "$2$ & uniform & $\\checkmark$ & $\\frac{2}{9}$" in out  # 2/9: tests/test_tables.py works it out by hand


def test_a_caption_keeps_its_math_and_escapes_its_text():
    t = Table([Column("v", "value")], [{"v": Q("1/2")}], caption=r"Revenue against $\rho$, 50% & more")
    assert r"\caption{Revenue against $\rho$, 50\% \& more}" in t.to_latex()
    t = Table([Column("v", "value")], [{"v": Q("1/2")}], caption="costs $5")  # an unpaired $ is text
    assert r"\caption{costs \$5}" in t.to_latex()
