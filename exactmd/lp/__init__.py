"""Exact linear programming with certificates (see docs/certificates.md).

``Model`` builds an LP with exact numbers and labelled rows; ``solve_problem`` solves a
problem dict (the ``problem`` object of the certificate format); every result carries a
certificate that :func:`verify_certificate` — which uses nothing but ``fractions`` —
re-checks; :func:`explain_certificate` turns it into a proof in terms of row labels.
"""

from typing import Any

from ..errors import CertificateError, ExactMDError
from .explanation import explain
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


def explain_certificate(cert: dict[str, Any], limit: int | None = 40) -> str:
    """A readable proof of what an LP certificate shows (see :mod:`exactmd.lp.explanation`);
    at most ``limit`` rows are listed (None: all), the rest summarised by family."""

    try:
        return explain(cert, limit)
    except ExactMDError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        raise CertificateError(f"not a complete LP certificate ({type(e).__name__}: {str(e)[:80]}); exactmd verify says what is wrong") from None
