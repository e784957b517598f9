"""The independent certificate verifier (re-exported from :mod:`exactmd.lp.checker`)."""

from .checker import verify_certificate, verify_file

__all__ = ["verify_certificate", "verify_file"]
