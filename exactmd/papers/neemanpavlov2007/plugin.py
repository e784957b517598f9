"""Neeman & Pavlov (2007) as an exactmd plug-in: :func:`register` registers its
certificate format and its claims through the same public functions a user's plug-in
calls."""

from __future__ import annotations

from exactmd.certificates import register_format
from exactmd.claims import register as register_claim
from . import claims_section3, claims_section4
from .certificates import RP_FORMAT, verify_rp_certificate

OWNER = "exactmd.papers.neemanpavlov2007"


def register() -> None:
    register_format(RP_FORMAT, verify_rp_certificate, owner=OWNER, states=True,
                    summary="renegotiation-proofness: LPs, checks, voting cases (Neeman–Pavlov §3–4)")
    for claim in claims_section3.CLAIMS + claims_section4.CLAIMS:
        register_claim(claim)
