"""A proof (:mod:`exactmd.lp.proof`) as a standalone LaTeX document.

``\\documentclass{article}`` with amsmath, booktabs and longtable only (all in TeX Live's
``texlive-latex-base`` and ``texlive-latex-recommended``); it compiles with ``pdflatex``.
Row labels and variable names are set in typewriter type, every TeX special character
escaped and Greek letters and a few symbols set as mathematics and any other character beyond ASCII written as its code point (``<U+2603>``), so
that any label compiles; inequalities are inline mathematics, which TeX breaks after
``+``, ``-`` and the relation sign, so long rows wrap.  The first line is the comment
``% exactmd proof: SOURCE``.
"""

from __future__ import annotations

from fractions import Fraction

from ..rational import fmt
from .proof import Proof, Terms
from .proof_render import ProofDocument, claim, conclusion, how_to_check, sign_rule

__all__ = ["render_latex", "tex_escape"]

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#", "%": r"\%",
            "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}", "<": r"\textless{}",
            ">": r"\textgreater{}", "|": r"\textbar{}", "-": "-{}"}
_PROSE = {"≤": r"$\le$", "≥": r"$\ge$", "×": r"$\times$", "−": "$-$", "·": r"$\cdot$", "–": "--"}
_GREEK = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho varsigma sigma tau upsilon " \
    "phi chi psi omega".split()
_SYMBOLS = {chr(0x3B1 + k): f"$\\{name}$" for k, name in enumerate(_GREEK) if name != "omicron"}  # α–ω, ς at U+03C2
_SYMBOLS.update({chr(0x391 + k): f"$\\{name.capitalize()}$" for k, name in enumerate(_GREEK)
                 if name in ("gamma", "delta", "theta", "lambda", "xi", "pi", "sigma", "upsilon", "phi", "psi", "omega")})
_SYMBOLS.update({"ε": r"$\varepsilon$", "→": r"$\to$", "∪": r"$\cup$", "⊆": r"$\subseteq$",
                 "∈": r"$\in$", "≠": r"$\ne$", "…": r"\dots{}", "—": "---", "’": "'", "é": r"\'e", "ö": r'\"o',
                 "ü": r'\"u', "ä": r'\"a', "∞": r"$\infty$", "±": r"$\pm$"})
_ACCENTS = {"\u0304": "=", "\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0303": "~", "\u0308": '"', "\u0307": "."}
_REL = {"<=": r"\le", ">=": r"\ge", "==": "="}


def tex_escape(s: str, prose: bool = False) -> str:
    """``s`` as text LaTeX sets exactly as written (a code point for each non-ASCII character)."""
    out: list[str] = []
    for ch in s:
        if ch in _ACCENTS and out and len(out[-1]) == 1 and out[-1].isalpha():  # t̄: a letter and a combining accent
            out[-1] = "\\" + _ACCENTS[ch] + "{" + out[-1] + "}"
        elif prose and ch in _PROSE:
            out.append(_PROSE[ch])
        elif ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ord(ch) < 128:
            out.append(ch)
        elif ch in _SYMBOLS:
            out.append(_SYMBOLS[ch])
        else:
            out.append(r"\textless{}U+%04X\textgreater{}" % ord(ch))
    return "".join(out)


def _name(v: str) -> str:
    return r"\V{" + tex_escape(v) + "}"


def _num(q: Fraction) -> str:
    s = fmt(abs(q))
    p, _, d = s.partition("/")
    return (r"\tfrac{" + p + "}{" + d + "}") if d else p


def _signed(q: Fraction) -> str:
    return ("-" if q < 0 else "") + _num(q)


def _terms(terms: Terms) -> str:
    parts = []
    for k, (v, a) in enumerate(terms):
        t = _name(v) if abs(a) == 1 else _num(a) + r"\cdot " + _name(v)
        parts.append(("-" if a < 0 else "") + t if k == 0 else (" - " if a < 0 else " + ") + t)
    return "".join(parts) or "0"


def _ineq(terms: Terms, op: str, rhs: Fraction) -> str:
    return "$" + _terms(terms) + " " + _REL[op] + " " + _signed(rhs) + "$"


def _weighted_sum(proof: Proof) -> str:
    items = [(r.weight, f"({k})") for k, r in enumerate(proof.rows, 1)]
    items += [(b.weight, f"[{k}]") for k, b in enumerate(proof.bounds, 1)]
    parts = []
    for k, (w, ref) in enumerate(items):
        t = _num(w) + r"\cdot\text{" + ref + "}"
        parts.append(("-" if w < 0 else "") + t if k == 0 else (" - " if w < 0 else " + ") + t)
    return "$" + ("".join(parts) or "0") + "$"


def _p(s: str) -> str:
    return tex_escape(s, prose=True)


def _proof(where: str, proof: Proof) -> list[str]:
    out = [r"\section*{LP certificate" + (" at \\V{" + tex_escape(where) + "}" if where else "") + ": " + proof.status + "}",
           r"\textbf{Claim:} " + _p(claim(proof)), ""]
    if proof.status != "infeasible":
        out += [r"\textbf{Objective:} $" + _terms(proof.objective) + "$.", ""]
    if proof.status == "unbounded":
        out += [r"\textbf{Primal point} (variables not listed are 0): " +
                ", ".join("$" + _name(v) + " = " + _signed(x) + "$" for v, x in proof.primal) + ".", "",
                r"\textbf{Ray} (variables not listed are 0): " +
                ", ".join("$" + _name(v) + " = " + _signed(d) + "$" for v, d in proof.ray) + ".", "",
                r"\subsection*{How to check this}", _p(how_to_check(proof)), ""]
        return out
    out += [_p(sign_rule(proof)), ""]
    fams: dict[str, dict[str, list[int]]] = {}
    for k, r in enumerate(proof.rows, 1):
        fams.setdefault(r.family, {}).setdefault(r.type, []).append(k)
    for f, types in fams.items():
        n = sum(len(rs) for rs in types.values())
        out.append(r"\subsection*{\V{" + tex_escape(f) + "} (" + str(n) + " row" + ("" if n == 1 else "s") + ")}")
        for t, rs in types.items():
            if t:
                out.append(r"\paragraph{\V{" + tex_escape(f) + r"} $\cdot$ \V{" + tex_escape(t) + "}}")
            out.append(r"\begin{description}")
            for k in rs:
                row = proof.rows[k - 1]
                out.append(r"\item[(" + str(k) + r")] \V{" + tex_escape(row.label) + "}, weight $" + _signed(row.weight)
                           + r"$:\\" + "\n" + _ineq(row.coeffs, row.op, row.rhs))
            out.append(r"\end{description}")
    out += [r"\subsection*{Bounds used (" + str(len(proof.bounds)) + ")}"]
    if proof.bounds:
        out += [r"\begin{longtable}{rlr}", r"\toprule", r"& bound & weight\\", r"\midrule", r"\endhead"]
        out += ["{[}" + str(k) + "{]} & " + _ineq(b.coeffs, b.op, b.rhs) + " & $" + _signed(b.weight) + r"$\\"
                for k, b in enumerate(proof.bounds, 1)]
        out += [r"\bottomrule", r"\end{longtable}"]
    out += [r"\subsection*{The sum}", r"Weight $\times$ inequality, over every row and bound above:", "",
            r"\begin{flushleft}" + _weighted_sum(proof) + r"\end{flushleft}", "The rows alone give", "",
            r"\begin{flushleft}" + _ineq(proof.combination, proof.rel, proof.combination_rhs) + r"\end{flushleft}",
            "Adding the bounds:", "",
            r"\begin{flushleft}" + _ineq(proof.total, proof.rel, proof.total_rhs) + r"\end{flushleft}",
            _p(conclusion(proof)), ""]
    if proof.status == "optimal":
        x = dict(proof.primal)
        out += [r"\textbf{Primal point} (variables not listed are 0): " +
                (", ".join("$" + _name(v) + " = " + _signed(q) + "$" for v, q in proof.primal) or "all 0") + ".", "",
                r"Objective at the primal point: $" +
                ("".join(("" if k == 0 else " + ") + _signed(c) + r"\cdot(" + _signed(x.get(v, Fraction(0))) + ")"
                         for k, (v, c) in enumerate(proof.objective)) or "0") +
                " = " + _signed(sum((c * x.get(v, Fraction(0)) for v, c in proof.objective), Fraction(0))) + "$.", ""]
    out += [r"\subsection*{How to check this}", _p(how_to_check(proof)), ""]
    return out


def render_latex(doc: ProofDocument) -> str:
    """A standalone LaTeX document of the proof (compiles with ``pdflatex``)."""
    out = ["% exactmd proof: " + " ".join(doc.source.splitlines()),
           r"\documentclass{article}", r"\usepackage[T1]{fontenc}", r"\usepackage{amsmath}",
           r"\usepackage{booktabs}", r"\usepackage{longtable}", r"\usepackage[margin=2cm]{geometry}",
           r"\newcommand{\V}[1]{\mbox{\texttt{#1}}}", r"\sloppy", r"\setlength{\parindent}{0pt}",
           r"\setlength{\parskip}{0.6\baselineskip}", r"\begin{document}",
           r"\section*{Proof: \V{" + tex_escape(doc.source) + "}}", ""]
    if doc.statement:
        out += [_p(doc.statement), ""]
    if doc.legend:
        out += [r"\begin{description}"] + [r"\item[\V{" + tex_escape(s) + "}] " + _p(m) for s, m in doc.legend]
        out += [r"\end{description}", ""]
    if doc.notes:
        out += [r"\begin{itemize}"] + [r"\item " + _p(n) for n in doc.notes] + [r"\end{itemize}", ""]
    for where, proof in doc.proofs:
        out += _proof(where, proof)
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"
