"""Vartiainen (2014) as an exactmd plug-in: :func:`register` registers its certificate
format and its claims through the same public functions a user's plug-in calls."""

from __future__ import annotations

from exactmd.certificates import register_format
from .certificates import COMMITMENT_FORMAT, verify_commitment_certificate

OWNER = "exactmd.papers.vartiainen2014"


def register() -> None:
    register_format(COMMITMENT_FORMAT, verify_commitment_certificate, owner=OWNER,
                    summary="covering, redesign, UC sequences and Lemma 7's cases (Vartiainen §3–5)")
    # the claims of both papers are declared in exactmd.theorems until they move here; importing it registers them
    import exactmd.theorems  # noqa: F401
