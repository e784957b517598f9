"""Exact linear programming with certificates (see docs/certificates.md).

``Model`` builds an LP with exact numbers and labelled rows; ``solve_problem`` solves a
problem dict (the ``problem`` object of the certificate format); every result carries a
certificate that :func:`verify_certificate` — which uses nothing but ``fractions`` —
re-checks; :func:`explain_certificate` writes it out as a proof a referee can check by hand.
"""

from typing import Any

from ..errors import CertificateError, ExactMDError
from .proof import build_proof
from .proof_render import proof_text
from .verify import verify_certificate, verify_file
from .model import Constraint, LinExpr, Model, StrictResult, Var, strict_feasibility
from .solution import LPResult, Status, solve_problem

__all__ = [
    "Constraint",
    "LPResult",
    "LinExpr",
    "Model",
    "Status",
    "StrictResult",
    "Var",
    "explain_certificate",
    "solve_problem",
    "strict_feasibility",
    "verify_certificate",
    "verify_file",
]


def explain_certificate(cert: dict[str, Any], limit: int | None = None) -> str:
    """The proof an LP certificate carries, as text (:mod:`exactmd.lp.proof`): every row
    with a nonzero weight written out, the weighted sum, the contradiction or the bound.
    Nothing is cut; ``limit`` is accepted for compatibility and ignored."""

    try:
        return proof_text(build_proof(cert))
    except ExactMDError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        raise CertificateError(f"not a complete LP certificate ({type(e).__name__}: {str(e)[:80]}); exactmd verify says what is wrong") from None
