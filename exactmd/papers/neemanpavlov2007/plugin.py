"""Neeman & Pavlov (2007), §3–4, as an exactmd plug-in: :func:`register` registers its
certificate format, claims and commands through the same public functions a user's
plug-in calls."""

from __future__ import annotations

from importlib.resources import files

from exactmd.certificates import register_format
from exactmd.claims import register as register_claim
from exactmd.commands import register_command
from exactmd.reproduce import register_derivation

from . import claims_beyond_ipv, claims_complete_info, claims_section3, claims_section4, cli
from .certificates import RP_FORMAT, verify_rp_certificate

OWNER = "exactmd.papers.neemanpavlov2007"


def register() -> None:
    register_format(RP_FORMAT, verify_rp_certificate, owner=OWNER, states=True,
                    summary="renegotiation-proofness: LPs, checks, voting cases (Neeman–Pavlov §3–4)")
    for claim in claims_section3.CLAIMS + claims_section4.CLAIMS + claims_complete_info.CLAIMS + claims_beyond_ipv.CLAIMS:
        register_claim(claim)
    for path, help_, arguments, run in cli.COMMANDS:
        register_command(path, help=help_, arguments=arguments, run=run, owner=OWNER)
    register_derivation("punishment-bound.md",
                        (files("exactmd.papers.neemanpavlov2007") / "derivations" / "punishment-bound.md").read_bytes,
                        owner=OWNER, paper="neemanpavlov2007")
