"""Vartiainen (2014) as an exactmd plug-in: :func:`register` registers its certificate
format and its claims through the same public functions a user's plug-in calls."""

from __future__ import annotations

from exactmd.certificates import register_format
from exactmd.claims import register as register_claim
from . import claims_section4, claims_section5
from .certificates import COMMITMENT_FORMAT, verify_commitment_certificate

OWNER = "exactmd.papers.vartiainen2014"


def register() -> None:
    register_format(COMMITMENT_FORMAT, verify_commitment_certificate, owner=OWNER,
                    summary="covering, redesign, UC sequences and Lemma 7's cases (Vartiainen §3–5)")
    for claim in claims_section4.CLAIMS + claims_section5.CLAIMS:
        register_claim(claim)
