"""Neeman & Pavlov (2007), §3–4, as an exactmd plug-in: :func:`register` registers its
certificate format, claims and commands through the same public functions a user's
plug-in calls."""

from __future__ import annotations

from exactmd.certificates import register_format
from exactmd.commands import register_command

from . import cli
from .certificates import RP_FORMAT, verify_rp_certificate

OWNER = "exactmd.papers.neemanpavlov2007"


def register() -> None:
    register_format(RP_FORMAT, verify_rp_certificate, owner=OWNER, states=True,
                    summary="renegotiation-proofness: LPs, checks, voting cases (Neeman–Pavlov §3–4)")
    # the claims of both papers are declared in exactmd.theorems until they move here; importing it registers them
    import exactmd.theorems  # noqa: F401
    for path, help_, arguments, run in cli.COMMANDS:
        register_command(path, help=help_, arguments=arguments, run=run, owner=OWNER)
