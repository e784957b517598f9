"""Exact linear programming with certificates (see docs/certificates.md)."""
