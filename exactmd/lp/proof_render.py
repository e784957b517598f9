"""A proof (:mod:`exactmd.lp.proof`) written as plain text or Markdown; LaTeX is
:mod:`exactmd.lp.proof_latex`.

Nothing is cut: every used row, every bound and every term of the sums is written.
The text form is also meant to be read back by a program (docs/explain.md, "Reading
the text form"): a row is a line ``(k) LABEL, weight W:`` followed by its inequality
indented below it; a bound is ``[k] VAR ≤ B, weight W`` (or ``≥``); after the line
``Weighted sum of the rows:`` comes the rows' combination, after ``Adding the bounds:``
the final inequality, after ``Primal point`` the point's nonzero coordinates as
``VAR = X``.  A term is ``COEF·VAR`` (``VAR`` alone for coefficient 1), joined by
`` + `` and `` − `` (U+2212); numbers are ``p/q`` with ``−`` for a minus; long lines
wrap at a term, the continuation indented two more spaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..rational import fmt
from .proof import Inequality, Proof, Terms

__all__ = ["ProofDocument", "proof_text", "render_text", "render_markdown", "num", "term_tokens", "SYMBOL"]

MINUS = "\u2212"
SYMBOL = {"<=": "≤", ">=": "≥", "==": "="}
WIDTH = 100


@dataclass(frozen=True)
class ProofDocument:
    """Everything one ``exactmd explain`` output holds.

    ``source``: the certificate file's name; ``statement``: what the certificate states
    (empty for a bare LP certificate); ``legend``: (symbol, meaning) pairs for the
    variables and row families met; ``proofs``: (where in the document, proof) for each
    LP certificate it carries; ``notes``: lines for a document with no LP certificate
    (a stated mechanism's recomputed rows)."""

    source: str
    statement: str = ""
    legend: tuple[tuple[str, str], ...] = ()
    proofs: tuple[tuple[str, Proof], ...] = ()
    notes: tuple[str, ...] = field(default=())


def num(q: Fraction) -> str:
    """``−3/4`` (with U+2212), ``5``."""
    s = fmt(q)
    return MINUS + s[1:] if s.startswith("-") else s


def _coef_term(a: Fraction, v: str) -> str:
    m = abs(a)
    return v if m == 1 else f"{num(m)}·{v}"


def term_tokens(terms: Terms) -> list[str]:
    """``[(x, 1/2), (y, -1)]`` → ``["1/2·x", "− y"]``: the pieces a line may wrap between."""
    out = []
    for k, (v, a) in enumerate(terms):
        t = _coef_term(a, v)
        if k == 0:
            out.append(MINUS + t if a < 0 else t)
        else:
            out.append(("− " if a < 0 else "+ ") + t)
    return out or ["0"]


def _wrap(tokens: list[str], indent: int, width: int = WIDTH) -> list[str]:
    lines: list[str] = []
    cur = " " * indent
    start = True
    for t in tokens:
        if not start and len(cur) + 1 + len(t) > width:
            lines.append(cur)
            cur = " " * (indent + 2) + t
        else:
            cur = cur + ("" if start else " ") + t
        start = False
    lines.append(cur)
    return lines


def _para(text: str, indent: int = 0) -> list[str]:
    """Prose wrapped at WIDTH, every line at ``indent``."""
    return [line[2:] if k else line for k, line in enumerate(_wrap(text.split(" "), indent))] if indent == 0 else \
        [" " * indent + line.strip() for line in _wrap(text.split(" "), indent)]


def inequality_tokens(terms: Terms, op: str, rhs: Fraction) -> list[str]:
    return term_tokens(terms) + [f"{SYMBOL[op]} {num(rhs)}"]


def _weighted_sum_tokens(proof: Proof) -> list[str]:
    items = [(w, f"({k})") for k, w in enumerate((r.weight for r in proof.rows), 1)]
    items += [(w, f"[{k}]") for k, w in enumerate((b.weight for b in proof.bounds), 1)]
    out = []
    for k, (w, ref) in enumerate(items):
        t = ref if abs(w) == 1 else f"{num(abs(w))}·{ref}"
        out.append(f"{MINUS if w < 0 else ''}{t}" if k == 0 else f"{'−' if w < 0 else '+'} {t}")
    return out or ["0"]


def _families(proof: Proof) -> list[tuple[str, list[tuple[str, list[tuple[int, Inequality]]]]]]:
    fams: dict[str, dict[str, list[tuple[int, Inequality]]]] = {}
    for k, r in enumerate(proof.rows, 1):
        fams.setdefault(r.family, {}).setdefault(r.type, []).append((k, r))
    return [(f, list(types.items())) for f, types in fams.items()]


def _rows_word(n: int) -> str:
    return f"{n} row" + ("" if n == 1 else "s")


def claim(proof: Proof) -> str:
    if proof.status == "infeasible":
        return f"no point satisfies the {_rows_word(proof.n_rows)} and the bounds of the {proof.n_variables} variables."
    if proof.status == "optimal":
        word = "maximum" if proof.sense == "max" else "minimum"
        return f"the {word} of the objective over the {_rows_word(proof.n_rows)} and the bounds is {num(proof.value or Fraction(0))}."
    return "the objective is unbounded " + ("above" if proof.sense == "max" else "below") + " on the rows and bounds."


def sign_rule(proof: Proof) -> str:
    rel = SYMBOL[proof.rel]
    same, other = ("≤", "≥") if proof.rel == "<=" else ("≥", "≤")
    return (f"Each row is multiplied by the weight beside it: a {same} row by a weight ≥ 0, a {other} row by a weight "
            f"≤ 0 (multiplying by a negative number turns {other} into {same}), an equation by a weight of either "
            f"sign; the bounds of the variables are used in the same way. So every weight × row is an inequality "
            f"{rel}, and so is their sum.")


def conclusion(proof: Proof) -> str:
    if proof.status == "infeasible":
        return (f"Every variable cancels and {num(proof.total_rhs)} < 0: the sum says 0 {SYMBOL[proof.rel]} "
                f"{num(proof.total_rhs)}, which no point satisfies. So no point satisfies the rows and bounds.")
    word, bound = ("more", "an upper") if proof.sense == "max" else ("less", "a lower")
    return (f"The left side is the objective, so no point satisfying the rows and bounds has an objective {word} "
            f"than {num(proof.total_rhs)} ({bound} bound, the dual bound). The point below satisfies every row and "
            f"bound and attains it (primal value = dual bound = {num(proof.total_rhs)}), so it is the optimal value.")


def how_to_check(proof: Proof) -> str:
    if proof.status == "unbounded":
        return ("Check that the point satisfies every row and bound, that every ≤ row has a·d ≤ 0, every ≥ row "
                "a·d ≥ 0 and every equation a·d = 0 along the ray d, that d moves only variables whose bound "
                "in that direction is infinite, and that the objective grows along d.")
    first = ("For each numbered row, check that it is the row of the problem the label names "
             "(for a mechanism certificate, exactmd verify rebuilds the problem from its environment and compares it "
             "row by row), "
             "and that its weight has the sign the rule above asks. Multiply each row and bound by its weight and "
             "add: the coefficient of each variable is the sum of weight × coefficient over the rows and bounds "
             "that contain it, and the right side is the sum of weight × right side. ")
    if proof.status == "infeasible":
        return first + "Every coefficient must come out 0 and the right side negative: that is the contradiction."
    return (first + "The coefficients must come out as the objective's and the right side as the value. Then put the "
            "primal point into every row of the problem — those of weight 0 too, which are not printed here; exactmd "
            "verify checks them all — and every bound (all must hold), and into the objective (it must give the value).")


def _objective_at(proof: Proof) -> list[str]:
    x = dict(proof.primal)
    toks = []
    for k, (v, c) in enumerate(proof.objective):
        t = f"{num(abs(c))}·({num(x.get(v, Fraction(0)))})"
        toks.append((MINUS + t if c < 0 else t) if k == 0 else ("− " if c < 0 else "+ ") + t)
    val = sum((c * x.get(v, Fraction(0)) for v, c in proof.objective), Fraction(0))
    return (toks or ["0"]) + [f"= {num(val)}"]


def _text_proof(where: str, proof: Proof) -> list[str]:
    out = [f"== LP certificate{' at ' + where if where else ''}: {proof.status}; "
           f"{_rows_word(proof.n_rows)}, {proof.n_variables} variables ==", ""]
    out.append("Claim: " + claim(proof))
    out.append("")
    if proof.status != "infeasible":
        out.append("Objective:")
        out += _wrap(term_tokens(proof.objective), 6)
        out.append("")
    if proof.status == "unbounded":
        out.append("Primal point (variables not listed are 0):")
        out += [f"      {v} = {num(x)}" for v, x in proof.primal]
        out.append("Ray (variables not listed are 0):")
        out += [f"      {v} = {num(d)}" for v, d in proof.ray]
        out += ["", "How to check this", *_para(how_to_check(proof), 2)]
        return out
    out += _para(sign_rule(proof))
    out.append("")
    fams = _families(proof)
    summary = ", ".join(f"{f} {sum(len(rs) for _, rs in types)}" for f, types in fams)
    out.append(f"Rows used: {len(proof.rows)} of {proof.n_rows}" + (f" ({summary})" if summary else "") + ".")
    for f, types in fams:
        out.append("")
        out.append(f"{f} ({_rows_word(sum(len(rs) for _, rs in types))})")
        for t, rs in types:
            if t:
                out.append(f"  {f} · {t} ({_rows_word(len(rs))})")
            for k, r in rs:
                out.append(f"    ({k}) {r.label}, weight {num(r.weight)}:")
                out += _wrap(inequality_tokens(r.coeffs, r.op, r.rhs), 8)
    out.append("")
    out.append(f"Bounds used: {len(proof.bounds)}.")
    for k, b in enumerate(proof.bounds, 1):
        out.append(f"    [{k}] {b.coeffs[0][0]} {SYMBOL[b.op]} {num(b.rhs)}, weight {num(b.weight)}")
    out.append("")
    n, m = len(proof.rows), len(proof.bounds)
    refs = ", ".join(s for s in (f"rows (1)–({n})" if n else "", f"bounds [1]–[{m}]" if m else "") if s)
    out.append(f"The sum of weight × inequality over {refs or 'nothing'}:")
    out += _wrap(_weighted_sum_tokens(proof), 6)
    out.append("Weighted sum of the rows:")
    out += _wrap(inequality_tokens(proof.combination, proof.rel, proof.combination_rhs), 6)
    out.append("Adding the bounds:")
    out += _wrap(inequality_tokens(proof.total, proof.rel, proof.total_rhs), 6)
    out += _para(conclusion(proof))
    if proof.status == "optimal":
        out.append("")
        out.append("Primal point (variables not listed are 0):")
        out += [f"      {v} = {num(x)}" for v, x in proof.primal]
        out.append("Objective at the primal point:")
        out += _wrap(_objective_at(proof), 6)
    out += ["", "How to check this"]
    out += _para(how_to_check(proof), 2)
    return out


def _head(doc: ProofDocument) -> list[str]:
    out = []
    if doc.statement:
        out += _para(doc.statement)
    if doc.legend:
        out += ["", "Variables and rows:"] if out else ["Variables and rows:"]
        out += [f"  {s}: {m}" for s, m in doc.legend]
    return out


def proof_text(proof: Proof) -> str:
    """One LP certificate's proof as text, without a document's heading."""
    return "\n".join(line.rstrip() for line in _text_proof("", proof)) + "\n"


def render_text(doc: ProofDocument) -> str:
    """The proof as plain text (the default of ``exactmd explain``)."""
    out = [f"exactmd proof: {doc.source}"]
    head = _head(doc)
    out += [""] + head if head else []
    out += [f"  {n}" for n in doc.notes]
    if len(doc.proofs) > 1:
        out += ["", f"This document carries {len(doc.proofs)} LP certificates; each is proved below."]
    for where, proof in doc.proofs:
        out += ["", *_text_proof(where, proof)]
    return "\n".join(line.rstrip() for line in out) + "\n"


def _md_code(s: str) -> str:
    tick = "``" if "`" in s else "`"
    return f"{tick}{s}{tick}"


def _md_proof(where: str, proof: Proof) -> list[str]:
    out = [f"## LP certificate{' at ' + _md_code(where) if where else ''}: {proof.status}", "",
           f"{_rows_word(proof.n_rows)}, {proof.n_variables} variables. **Claim:** {claim(proof)}", ""]
    if proof.status != "infeasible":
        out += ["**Objective:**", "", "```", *_wrap(term_tokens(proof.objective), 0), "```", ""]
    if proof.status == "unbounded":
        out += ["**Primal point** (variables not listed are 0):", ""]
        out += [f"- {_md_code(f'{v} = {num(x)}')}" for v, x in proof.primal]
        out += ["", "**Ray** (variables not listed are 0):", ""]
        out += [f"- {_md_code(f'{v} = {num(d)}')}" for v, d in proof.ray]
        out += ["", "### How to check this", "", how_to_check(proof), ""]
        return out
    out += [sign_rule(proof), ""]
    for f, types in _families(proof):
        out += [f"### {f} ({_rows_word(sum(len(rs) for _, rs in types))})", ""]
        for t, rs in types:
            if t:
                out += [f"#### {f} · {t} ({_rows_word(len(rs))})", ""]
            for k, r in rs:
                ineq = " ".join(inequality_tokens(r.coeffs, r.op, r.rhs))
                out.append(f"- **({k})** {_md_code(r.label)}, weight **{num(r.weight)}**:  ")
                out.append(f"  {_md_code(ineq)}")
            out.append("")
    out += [f"### Bounds used ({len(proof.bounds)})", ""]
    out += [f"- **[{k}]** {_md_code(f'{b.coeffs[0][0]} {SYMBOL[b.op]} {num(b.rhs)}')}, weight **{num(b.weight)}**"
            for k, b in enumerate(proof.bounds, 1)]
    out += ["", "### The sum", "", "Weight × inequality, over every row and bound above:", "", "```",
            *_wrap(_weighted_sum_tokens(proof), 0), "```", "", "The rows alone give:", "", "```",
            *_wrap(inequality_tokens(proof.combination, proof.rel, proof.combination_rhs), 0), "```", "",
            "Adding the bounds:", "", "```", *_wrap(inequality_tokens(proof.total, proof.rel, proof.total_rhs), 0),
            "```", "", conclusion(proof), ""]
    if proof.status == "optimal":
        out += ["**Primal point** (variables not listed are 0):", ""]
        out += [f"- {_md_code(f'{v} = {num(x)}')}" for v, x in proof.primal]
        out += ["", "Objective at the primal point:", "", "```", *_wrap(_objective_at(proof), 0), "```", ""]
    out += ["### How to check this", "", how_to_check(proof), ""]
    return out


def render_markdown(doc: ProofDocument) -> str:
    """The proof as Markdown (headings per family and type, inequalities as code)."""
    out = [f"<!-- exactmd proof: {doc.source} -->", f"# Proof: {_md_code(doc.source)}", ""]
    if doc.statement:
        out += [doc.statement, ""]
    if doc.legend:
        out += ["Variables and rows:", ""] + [f"- {_md_code(s)}: {m}" for s, m in doc.legend] + [""]
    out += [f"- {n}" for n in doc.notes]
    for where, proof in doc.proofs:
        out += _md_proof(where, proof)
    return "\n".join(out).rstrip("\n") + "\n"
