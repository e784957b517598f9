"""``exactmd explain``: the proof it prints is complete and checks out by itself.

The text proof of every LP certificate in ``proofs/`` is read back with a parser written
here (``re`` and ``fractions.Fraction`` only, nothing of exactmd) and the final
inequality recomputed from the printed rows, bounds and weights alone; the printed rows
are compared with the certificate's JSON, read with ``json``.  Markdown and LaTeX are
produced for the same certificates and checked for completeness and structure; one LaTeX
document is compiled with ``pdflatex`` (CI installs it: ``.ci/run`` sets
``EXACTMD_EXPECT_PDFLATEX=1``, and then a missing ``pdflatex`` fails the test).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest

from exactmd.cli import main
from exactmd.explain import find_lp_certificates, proof_document, render
from exactmd.lp import Model, explain_certificate
from exactmd.lp.proof import build_proof
from exactmd.lp.proof_render import ProofDocument

ROOT = Path(__file__).resolve().parent.parent
PROOFS = ROOT / "proofs"
SMALL_LP = PROOFS / "neemanpavlov2007/prop-3/example-3-values/only-if-buyer-0-3-max.json"  # renegotiation, optimal
MECH_INFEASIBLE = PROOFS / "vartiainen2014/prop-2/K6-uniform/threshold-gamma-1_36-infeasible.json"


def _lp_documents() -> list[tuple[Path, list[tuple[str, dict]]]]:
    out = []
    for f in sorted(PROOFS.rglob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        found = find_lp_certificates(doc)
        if found:
            out.append((f, found))
    return out


DOCS = _lp_documents()


# ---- an independent reader of the text form (docs/explain.md, "Reading the text form") ----
def number(s: str) -> Fraction:
    return Fraction(s.replace("\u2212", "-"))


def terms(s: str) -> dict[str, Fraction]:
    s = s.strip()
    if s == "0":
        return {}
    sign = 1
    if s.startswith("\u2212"):
        sign, s = -1, s[1:]
    parts = re.split(r" ([+\u2212]) ", s)
    pieces = [(sign, parts[0])] + [(1 if parts[i] == "+" else -1, parts[i + 1]) for i in range(1, len(parts), 2)]
    out: dict[str, Fraction] = {}
    for sg, t in pieces:
        c, dot, v = t.partition("·")
        coef, var = (number(c), v) if dot else (Fraction(1), t)
        assert var not in out, f"{var} written twice in {s!r}"
        out[var] = sg * coef
    return out


def inequality(s: str) -> tuple[dict[str, Fraction], str, Fraction]:
    lhs, rel, rhs = s.rsplit(" ", 2)
    assert rel in ("≤", "≥", "="), s
    return terms(lhs), rel, number(rhs)


def block(lines: list[str], i: int) -> tuple[str, int]:
    """Line i and its continuation lines (indented deeper), joined; the index after them."""
    indent = len(lines[i]) - len(lines[i].lstrip(" "))
    parts = [lines[i].strip()]
    j = i + 1
    while j < len(lines) and lines[j].strip() and len(lines[j]) - len(lines[j].lstrip(" ")) > indent:
        parts.append(lines[j].strip())
        j += 1
    return " ".join(parts), j


ROW = re.compile(r"^    \((\d+)\) (.*), weight (\S+):$")
BOUND = re.compile(r"^    \[(\d+)\] (.*) (≤|≥) (\S+), weight (\S+)$")
POINT = re.compile(r"^      (.*) = (\S+)$")


def parse_section(text: str) -> dict:
    lines = text.splitlines()
    out: dict = {"rows": [], "bounds": [], "primal": {}}
    i = 0
    while i < len(lines):
        line = lines[i]
        m = ROW.match(line)
        if m:
            ineq, i = block(lines, i + 1)
            out["rows"].append((int(m.group(1)), m.group(2), number(m.group(3)), inequality(ineq)))
            continue
        m = BOUND.match(line)
        if m:
            out["bounds"].append((m.group(2), m.group(3), number(m.group(4)), number(m.group(5))))
        elif line in ("Weighted sum of the rows:", "Adding the bounds:", "Objective:"):
            text_, i = block(lines, i + 1)
            key = {"Weighted sum of the rows:": "combination", "Adding the bounds:": "total", "Objective:": "objective"}[line]
            out[key] = terms(text_) if key == "objective" else inequality(text_)
            continue
        elif line.startswith("Primal point"):
            i += 1
            while i < len(lines) and POINT.match(lines[i]):
                v, x = POINT.match(lines[i]).groups()
                out["primal"][v] = number(x)
                i += 1
            continue
        elif line.startswith("Claim: "):
            out["claim"] = line
            while i + 1 < len(lines) and lines[i + 1].strip():
                i += 1
                out["claim"] += " " + lines[i].strip()
        i += 1
    return out


def sections(text: str) -> list[tuple[str, str, str]]:
    """(where, status, body) of each LP certificate's section."""
    heads = list(re.finditer(r"^== LP certificate(?: at (.*))?: (infeasible|optimal|unbounded); .* ==$", text, re.M))
    return [(h.group(1) or "", h.group(2), text[h.end():(heads[k + 1].start() if k + 1 < len(heads) else len(text))])
            for k, h in enumerate(heads)]


def _json_rows(cert: dict) -> dict[str, tuple[dict[str, Fraction], str, Fraction]]:
    return {r["name"]: ({v: Fraction(a) for v, a in r["coeffs"].items() if Fraction(a) != 0}, r["op"], Fraction(r["rhs"]))
            for r in cert["problem"]["constraints"]}


def recheck(section: dict, status: str, cert: dict) -> None:
    """Recompute the proof's final inequality from the printed rows, bounds and weights."""
    comb_lhs, rel, comb_rhs = section["combination"]
    assert rel in ("≤", "≥")
    w: dict[str, Fraction] = {}
    beta = Fraction(0)
    for _, label, y, (coeffs, op, rhs) in section["rows"]:
        assert y != 0
        if op != "=":  # the sign rule: weight × row is an inequality `rel`
            assert (y > 0) == (op == rel), (label, op, y, rel)
        for v, a in coeffs.items():
            w[v] = w.get(v, Fraction(0)) + y * a
        beta += y * rhs
    w = {v: a for v, a in w.items() if a != 0}
    assert w == comb_lhs and beta == comb_rhs, "the printed sum of the rows is not the sum of the printed rows"
    for var, op, b, y in section["bounds"]:
        assert y != 0 and (y > 0) == (op == rel), (var, op, y)
        w[var] = w.get(var, Fraction(0)) + y
        beta += y * b
    w = {v: a for v, a in w.items() if a != 0}
    total_lhs, total_rel, total_rhs = section["total"]
    assert total_rel == rel and w == total_lhs and beta == total_rhs
    # against the certificate itself (plain json + Fraction)
    rows = _json_rows(cert)
    mult = cert["farkas"] if status == "infeasible" else cert["dual"]
    assert len(section["rows"]) == sum(1 for y in mult.values() if Fraction(y) != 0)
    sym = {"<=": "≤", ">=": "≥", "==": "="}
    for _, label, y, (coeffs, op, rhs) in section["rows"]:
        jc, jop, jrhs = rows[label]
        assert (coeffs, op, rhs) == (jc, sym[jop], jrhs), label
        assert y == Fraction(mult[label]), label
    for var, op, b, _ in section["bounds"]:
        lo, hi = cert["problem"]["variables"][var]
        assert b == Fraction(hi if op == "≤" else lo)
    if status == "infeasible":
        assert total_lhs == {} and total_rhs < 0  # 0 ≤ negative: the contradiction
    else:
        value = Fraction(cert["value"])
        objective = {v: Fraction(c) for v, c in cert["problem"]["objective"].items() if Fraction(c) != 0}
        assert section["objective"] == objective == total_lhs
        assert total_rhs == value and section["claim"].endswith(f"is {cert['value'].replace('-', '−')}.")
        x = section["primal"]
        assert {v: Fraction(q) for v, q in cert["primal"].items() if Fraction(q) != 0} == x
        assert sum((c * x.get(v, Fraction(0)) for v, c in objective.items()), Fraction(0)) == value  # primal = dual


def test_every_lp_certificate_in_proofs_is_found():
    assert len(DOCS) >= 240 and sum(len(found) for _, found in DOCS) >= 290


def test_every_text_proof_in_proofs_rechecks_from_the_printed_rows_alone():
    statuses = set()
    for f, found in DOCS:
        text = render(ProofDocument(f.name, proofs=tuple((w, build_proof(c)) for w, c in found)), "text")
        secs = sections(text)
        assert [w for w, _, _ in secs] == [w for w, _ in found], f
        for (where, status, body), (_, cert) in zip(secs, found):
            assert status == cert["status"]
            statuses.add((status, cert["problem"]["sense"]))
            recheck(parse_section(body), status, cert)
    assert statuses == {("infeasible", "max"), ("infeasible", "min"), ("optimal", "max"), ("optimal", "min")}


def _without_statement(out: str, doc: ProofDocument) -> str:
    return out.replace(doc.statement, "") if doc.statement else out


def _latex_structure(tex: str) -> None:
    assert tex.startswith("% exactmd proof: ") and "\\documentclass{article}" in tex
    body = tex.split("\\begin{document}", 1)[1]
    assert body.rstrip().endswith("\\end{document}") and tex.count("\\begin{document}") == 1
    stack = []
    for m in re.finditer(r"\\(begin|end)\{(\w+)\}", tex):
        if m.group(1) == "begin":
            stack.append(m.group(2))
        else:
            assert stack and stack.pop() == m.group(2), m.group(0)
    assert not stack
    for line in tex.splitlines():
        if line.startswith("%"):
            continue
        assert line.count("$") % 2 == 0 or "\\$" in line, line  # inline maths closed on its line


def test_markdown_and_latex_of_every_certificate_in_proofs_are_complete():
    for f, found in DOCS:
        doc = ProofDocument(f.name, proofs=tuple((w, build_proof(c)) for w, c in found))
        n_rows = sum(len(p.rows) for _, p in doc.proofs)
        md, tex, text = render(doc, "markdown"), render(doc, "latex"), render(doc, "text")
        for out in (md, tex, text):
            assert "…" not in out and "more terms" not in out and "more rows" not in out, f
        assert md.startswith("<!-- exactmd proof: ") and len(re.findall(r"^- \*\*\(\d+\)\*\* ", md, re.M)) == n_rows
        assert len(re.findall(r"^\\item\[\(\d+\)\] ", tex, re.M)) == n_rows
        _latex_structure(tex)


def test_the_command_prints_the_statement_and_writes_each_format(tmp_path, capsys):
    assert main(["explain", str(MECH_INFEASIBLE)]) == 0
    text = capsys.readouterr().out
    doc = json.loads(MECH_INFEASIBLE.read_text(encoding="utf-8"))
    assert text.startswith("exactmd proof: ") and doc["statement"] in text.replace("\n", " ")
    assert "IC[agent buyer: 1/6 -> 0]" in text and "t[i|θ]: the expected transfer" in text
    (where, status, body), = sections(text)
    assert where == "lp" and status == "infeasible"
    recheck(parse_section(body), status, doc["lp"])
    for style, ext in (("markdown", "md"), ("latex", "tex"), ("text", "txt")):
        out = tmp_path / f"proof.{ext}"
        assert main(["explain", str(MECH_INFEASIBLE), "--format", style, "-o", str(out)]) == 0
        assert out.read_text(encoding="utf-8") == render(proof_document(doc, str(MECH_INFEASIBLE)), style)
        assert main(["explain", str(SMALL_LP), "--format", style, "-o", str(out)]) == 0  # its own output: replaced
        assert SMALL_LP.name in out.read_text(encoding="utf-8")
    assert "proof written to" in capsys.readouterr().err


def _one_line_error(capsys, argv, *named):
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    for word in named:
        assert word in lines[0], (word, lines[0])


def test_o_refuses_an_existing_file_unless_force_and_never_the_input(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my own notes\n", encoding="utf-8")
    _one_line_error(capsys, ["explain", str(SMALL_LP), "-o", str(notes)], "notes.txt", "--force")
    assert notes.read_text(encoding="utf-8") == "my own notes\n"
    assert main(["explain", str(SMALL_LP), "-o", str(notes), "--force"]) == 0
    assert notes.read_text(encoding="utf-8").startswith("exactmd proof: ")
    capsys.readouterr()
    copy = tmp_path / "c.json"
    copy.write_bytes(SMALL_LP.read_bytes())
    _one_line_error(capsys, ["explain", str(copy), "-o", str(copy), "--force"], "input")
    assert copy.read_bytes() == SMALL_LP.read_bytes()


@pytest.mark.parametrize("content, named", [
    (b"{not json", "c.json"),
    (b"[1, 2]", "JSON object"),
    (json.dumps({"format": "exactmd-lp-certificate/1", "status": "infeasible"}).encode(), "not a valid certificate"),
])
def test_hostile_input_is_one_line_exit_2(tmp_path, capsys, content, named):
    f = tmp_path / "c.json"
    f.write_bytes(content)
    _one_line_error(capsys, ["explain", str(f)], named)


def test_a_forged_weight_is_refused_before_a_word_is_printed(tmp_path, capsys):
    doc = json.loads(SMALL_LP.read_text(encoding="utf-8"))
    row = next(k for k, y in doc["lp"]["dual"].items() if y != "0")
    doc["lp"]["dual"][row] = str(Fraction(doc["lp"]["dual"][row]) * 2)
    f = tmp_path / "forged.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    _one_line_error(capsys, ["explain", str(f), "--format", "latex"], "forged.json", "not a valid certificate")
    assert capsys.readouterr().out == ""
    with pytest.raises(SystemExit) as e:  # argparse's refusal: one line, exit 2
        main(["explain", str(SMALL_LP), "--format", "pdf"])
    assert e.value.code == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and "--format" in lines[0] and "'pdf'" in lines[0]


def test_unbounded_and_the_python_api():
    m = Model("max")
    x = m.var("x")
    y = m.var("y", ub=1)
    m.add(x - y >= 0, name="c")
    m.set_objective(x + y)
    r = m.solve()
    assert r.status.value == "unbounded"
    doc = ProofDocument("m", proofs=(("", build_proof(r.certificate())),))
    for style in ("text", "markdown", "latex"):
        out = render(doc, style)
        assert "unbounded" in out and "Ray" in out and "How to check this" in out
    _latex_structure(render(doc, "latex"))
    text = explain_certificate(r.certificate())
    assert "Ray (variables not listed are 0):" in text


HOSTILE = {"format": "exactmd-lp-certificate/1", "status": "infeasible",
           "problem": {"sense": "min", "variables": {"x_1 & {y}%#$^~\\ θ ☃": ["0", "1"]}, "objective": {},
                       "constraints": [{"name": "low[a_b: 1 -> 2 & $]", "coeffs": {"x_1 & {y}%#$^~\\ θ ☃": "1"}, "op": ">=", "rhs": "2"}]},
           "farkas": {"low[a_b: 1 -> 2 & $]": "-1/2"}}


def test_latex_compiles_with_pdflatex(tmp_path):
    exe = shutil.which("pdflatex")
    if exe is None:
        if os.environ.get("EXACTMD_EXPECT_PDFLATEX"):
            pytest.fail("EXACTMD_EXPECT_PDFLATEX is set but pdflatex is not on PATH (.ci/run installs "
                        "texlive-latex-base and texlive-latex-recommended)")
        pytest.skip("pdflatex is not installed here (CI installs it; the structure is tested above)")
    cert = json.loads(MECH_INFEASIBLE.read_text(encoding="utf-8"))
    doc = proof_document(cert, str(MECH_INFEASIBLE))
    doc = ProofDocument(doc.source, doc.statement, doc.legend, doc.proofs + (("hostile & labels", build_proof(HOSTILE)),))
    tex = tmp_path / "proof.tex"
    tex.write_text(render(doc, "latex"), encoding="utf-8")
    r = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:]
    assert (tmp_path / "proof.pdf").read_bytes().startswith(b"%PDF")
    log = (tmp_path / "proof.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log and "Undefined control sequence" not in log


def test_the_worked_example_in_the_docs_is_the_real_output(capsys):
    md = (ROOT / "docs/explain.md").read_text(encoding="utf-8")
    cert = "proofs/vartiainen2014/lemma-7/t0-t1-uniform/key-step-interim-IR.json"
    shown = md.split(f"`exactmd explain {cert}`:\n\n```\n", 1)[1].split("\n```\n", 1)[0]
    assert main(["explain", str(ROOT / cert)]) == 0
    assert capsys.readouterr().out == shown + "\n"
    sigma = "proofs/vartiainen2014/prop-1/status-quo-1x2/sigma-keep.json"
    part = md.split(f"`exactmd explain {sigma}`:\n\n```\n", 1)[1].split("\n```\n", 1)[0]
    assert main(["explain", str(ROOT / sigma)]) == 0
    assert part.startswith("== LP certificate at beliefs[0]") and part + "\n" in capsys.readouterr().out


def test_a_symbolic_check_is_explained_by_its_expansions(capsys):
    """Each identity of a symbolic check is written with both sides multiplied out; the
    expansions are re-derived here with sympy from the JSON (not from exactmd's parser)."""
    import sympy

    f = Path(__file__).resolve().parents[1] / "proofs/vartiainen2014/eq-16-17/n3/discrete-envelope.json"
    doc = json.loads(f.read_text(encoding="utf-8"))
    assert main(["explain", str(f)]) == 0
    out = capsys.readouterr().out
    assert doc["statement"] in out
    syms = {s: sympy.Symbol(s) for s in doc["symbols"]}
    lines = out.splitlines()
    for e in doc["identities"]:
        k = next(i for i, ln in enumerate(lines) if ln.strip().startswith(e["name"] + ": "))
        left = lines[k + 1].split("left side multiplied out: ", 1)[1]
        right = lines[k + 2].split("right side multiplied out: ", 1)[1]
        lhs = sympy.sympify(e["lhs"].replace("^", "**"), locals=syms)
        rhs = sympy.sympify(e["rhs"].replace("^", "**"), locals=syms)
        assert sympy.expand(sympy.sympify(left, locals=syms) - lhs) == 0
        assert sympy.expand(sympy.sympify(right, locals=syms) - rhs) == 0
        assert ("the identity holds" in lines[k + 3]) == (sympy.expand(lhs - rhs) == 0) == e["holds"]


def test_a_covering_device_is_explained_clause_by_clause(capsys):
    """Clause 1 of covering re-derived from the JSON alone (one agent, a deterministic device):
    each IC slack p(θ)·(u_θ(g(r(θ))) − u_θ(g(r(θ')))) and the value Σ_θ p(θ)·v(g(r(θ)), θ)."""
    f = Path(__file__).resolve().parents[1] / "proofs/vartiainen2014/lemma-2/three-aligned-types/r-0.json"
    doc = json.loads(f.read_text(encoding="utf-8"))
    assert main(["explain", str(f)]) == 0
    out = capsys.readouterr().out
    env, dev = doc["environment"], doc["device"]
    u, v, p = env["utility"]["1"], env["value"], {k: Fraction(q) for k, q in doc["belief"].items()}
    outcome = {th: dev["g"][next(iter(sig))] for th, sig in dev["device"].items()}  # each type sends one signal
    assert all(list(sig.values()) == ["1"] for sig in dev["device"].values())
    for th in outcome:
        for rep in outcome:
            if rep != th:
                slack = p[th] * (Fraction(u[outcome[th]][th]) - Fraction(u[outcome[rep]][th]))
                assert f"IC[1: {th} -> {rep}] = {slack.numerator if slack.denominator == 1 else slack} ≥ 0" in out
    value = sum(p[th] * Fraction(v[outcome[th]][th]) for th in outcome)
    assert f"v(r, p) − ε = {value} − {doc['eps']} ≥ v̄(p) = " in out
    assert "So r covers p." in out and doc["covers"] is True


@pytest.mark.parametrize("rel", [
    "proofs/vartiainen2014/uc-monotone/commitment-2x2-G4/sequence-G_4.json",
    "proofs/vartiainen2014/lemma-7-cases/t0-t1-uniform/cases-previous-phase.json",
])
def test_commitment_documents_without_lp_are_explained_in_full(rel, capsys):
    f = Path(__file__).resolve().parents[1] / rel
    doc = json.loads(f.read_text(encoding="utf-8"))
    for style in ("text", "markdown", "latex"):
        assert main(["explain", str(f), "--format", style]) == 0
        out = capsys.readouterr().out
        if style != "text":
            continue
        if doc["question"] == "uc-sequence":  # one line per belief and iterate, the iterates' members marked
            for t, it in enumerate(doc["iterates"]):
                assert out.count(f"in UC^{t}") == len(it)
        else:  # every failing (case, signal) named
            for fail in doc["failures"]:
                case = fail.split(" (s = ")[0]
                assert case.replace("case", "Case") in out
        assert "How to check this" in out
