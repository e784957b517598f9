"""``exactmd explain CERT``: a certificate as a proof a referee can check by hand.

:func:`proof_document` finds every LP certificate a document carries — the document
itself (``exactmd-lp-certificate/1``), its ``lp`` (a mechanism certificate and the
formats that wrap one), or any number of them deeper inside (a σ certificate holds one
per belief) — and writes each as a proof (:mod:`exactmd.lp.proof`), headed by the
document's ``statement`` and a legend of the variables and row families met, in the
terms of the mechanism encoding (``docs/mechanism-certificates.md``).
:func:`render` writes it as text, Markdown or LaTeX (:mod:`exactmd.lp.proof_render`,
:mod:`exactmd.lp.proof_latex`).  Only a document that ``exactmd verify`` accepts is
explained; one with no LP certificate and no statement is refused in one line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .certificates import LP_FORMAT, get_format, verify_document
from .errors import CertificateError, ExactMDError
from .lp.proof import Proof, build_proof, family_of
from .lp.proof_latex import render_latex
from .lp.proof_render import ProofDocument, render_markdown, render_text

__all__ = ["FORMATS", "find_lp_certificates", "proof_document", "render", "explain_document"]

FORMATS = ("text", "markdown", "latex")

#: what the variables of the mechanism encoding mean (exactmd.encoding): prefix -> (label pattern, symbol, meaning)
VARIABLES = {
    "q": (r"q\[[^|]+\|[^|]+\]", "q[a|θ]", "the probability of allocation a at the report profile θ"),
    "t": (r"t\[[^|]+\|[^|]+\]", "t[i|θ]", "the expected transfer to agent i at the report profile θ"),
    "f": (r"f\[[^|]+\|[^|]+\]", "f[x|θ]", "the probability of outcome x at the report profile θ"),
}
#: what the rows of the kernel's constraint families say: family -> (label pattern, symbol, meaning)
ROWS = {
    "prob": (r"prob\[[^:]*\]", "prob[θ]", "the probabilities at θ sum to one"),
    "IC": (r"IC\[agent [^:]+: .+ -> .+\]", "IC[agent i: θ -> θ']", "agent i of type θ gains nothing by reporting θ'"),
    "IR": (r"IR\[agent [^:]+: [^:]+\]", "IR[agent i: θ]",
           "agent i of type θ expects at least its outside option (interim participation)"),
    "EPIR": (r"EPIR\[agent .+\]", "EPIR[agent i: θ: x]", "participation at each report profile (ex post)"),
    "BB": (r"BB\[[^:]*\]", "BB[θ]", "the transfers at θ balance (budget balance)"),
    "EFF": (r"EFF\[.+: .+\]", "EFF[θ: x]", "an outcome x that is not efficient at θ has probability 0"),
    "FIX": (r"FIX\[.+\]", "FIX[v]", "the variable v is fixed at a given value"),
}


def find_lp_certificates(doc: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """(path, certificate) of every LP certificate in ``doc``, in document order; the path
    names the keys and list positions (``beliefs[0] / V* lp / lp``), empty for ``doc`` itself."""
    if isinstance(doc, dict):
        if doc.get("format") == LP_FORMAT:
            return [(where, doc)]
        out = []
        for k, v in doc.items():
            out += find_lp_certificates(v, f"{where} / {k}" if where else str(k))
        return out
    if isinstance(doc, list):
        out = []
        for i, v in enumerate(doc):
            out += find_lp_certificates(v, f"{where}[{i}]")
        return out
    return []


def _legend(proofs: list[tuple[str, Proof]]) -> tuple[tuple[str, str], ...]:
    """The symbols of :data:`VARIABLES` and :data:`ROWS` whose every occurrence in the
    proofs has the kernel's form (a paper's family of the same name but another form is
    not described)."""
    names: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    for _, p in proofs:
        for r in p.rows:
            labels.setdefault(r.family, set()).add(r.label)
            for v, _ in r.coeffs:
                names.setdefault(family_of(v), set()).add(v)
        for v, _ in p.objective:
            names.setdefault(family_of(v), set()).add(v)
    out = []
    for table, seen in ((VARIABLES, names), (ROWS, labels)):
        for k, (pattern, symbol, meaning) in table.items():
            if k in seen and all(re.fullmatch(pattern, x) for x in seen[k]):
                out.append((symbol, meaning))
    return tuple(out)


def _build(cert: dict[str, Any], where: str) -> Proof:
    try:
        return build_proof(cert)
    except ExactMDError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        raise CertificateError(f"the LP certificate{' at ' + where if where else ''} is not complete "
                               f"({type(e).__name__}: {str(e)[:80]}); exactmd verify says what is wrong") from None


def proof_document(doc: Any, source: str) -> ProofDocument:
    """The proof of a document ``exactmd verify`` accepts (checked here first)."""
    if not isinstance(doc, dict):
        raise ExactMDError(f"{source}: a certificate must be a JSON object")
    ok, why = verify_document(doc)
    if not ok:
        raise ExactMDError(f"{source}: not a valid certificate ({why}); nothing to explain")
    found = find_lp_certificates(doc)
    fmt = get_format(doc.get("format"))
    states = fmt is not None and fmt.states
    explainer = fmt.explain if fmt is not None else None
    statement = doc.get("statement", "") if states or found or explainer is not None else ""
    if not found and not states and explainer is None:
        raise ExactMDError(f"{source}: a {doc.get('format')!r} document has no LP certificate to explain; "
                           f"exactmd verify {source} re-checks it")
    proofs = [(where, _build(c, where)) for where, c in found]
    notes: tuple[str, ...] = ()
    if not found and explainer is not None:  # the format's own proof, recomputed
        notes = tuple(explainer(doc))
    elif not found:  # a recomputable check of a stated mechanism
        viol = doc.get("violations") or {}
        notes = tuple(f"{row}: violated by {amount}" for row, amount in viol.items()) or \
            ("every row holds (exactmd verify recomputes them)",)
    legend = _legend(proofs) if "environment" in doc else ()  # a bare LP's labels are only labels
    return ProofDocument(Path(source).name, statement if isinstance(statement, str) else "", legend,
                         tuple(proofs), notes)


def render(doc: ProofDocument, style: str = "text") -> str:
    """``doc`` as ``text``, ``markdown`` or ``latex``."""
    if style == "text":
        return render_text(doc)
    if style == "markdown":
        return render_markdown(doc)
    if style == "latex":
        return render_latex(doc)
    raise ExactMDError(f"--format {style!r} must be one of {', '.join(FORMATS)}")


def explain_document(doc: Any, source: str, style: str = "text") -> str:
    """The proof of ``doc`` (read from ``source``) in ``style``."""
    return render(proof_document(doc, source), style)
