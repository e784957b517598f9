"""Exact linear programming with certificates (see docs/certificates.md)."""

from .checker import verify_certificate, verify_file
from .solution import LPResult, Status, solve_problem

__all__ = ["LPResult", "Status", "solve_problem", "verify_certificate", "verify_file", "explain_certificate"]


def explain_certificate(cert):  # type: ignore[no-untyped-def]
    from .explanation import explain

    return explain(cert)
