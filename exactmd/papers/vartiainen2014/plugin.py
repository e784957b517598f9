"""Vartiainen (2014), §3–5 and Appendix A.1, as an exactmd plug-in: :func:`register`
registers its certificate format, claims, commands, table columns, derivation and
symbolic checks through the same public functions a user's plug-in calls."""

from __future__ import annotations

from importlib.resources import files

from exactmd.certificates import register_format
from exactmd.claims import register as register_claim
from exactmd.commands import register_command
from exactmd.reproduce import register_derivation
from exactmd.symbolic import register_check
from exactmd.tables import register_columns

from . import claims_section4, claims_section5, claims_theorem1, cli, identities
from .certificates import COMMITMENT_FORMAT, verify_commitment_certificate
from .commitment_proofs import explain_commitment
from .reversion import REVERSION_FORMAT, verify_reversion_certificate
from .sigma_certificates import SIGMA_FORMAT, verify_sigma_certificate
from .tables import BARGAINING_SPEC

OWNER = "exactmd.papers.vartiainen2014"


def register() -> None:
    register_format(COMMITMENT_FORMAT, verify_commitment_certificate, owner=OWNER,
                    summary="covering, redesign, UC sequences and Lemma 7's cases (Vartiainen §3–5)",
                    explain=explain_commitment)
    register_format(REVERSION_FORMAT, verify_reversion_certificate, owner=OWNER,
                    summary="a reversion-rule witness of Theorem 2 on a bargaining grid (Vartiainen §3, §5)")
    register_format(SIGMA_FORMAT, verify_sigma_certificate, owner=OWNER,
                    summary="the strategy σ of (5)–(6) checked against Definitions 1–3 at every reached history class (Vartiainen §4)")
    for claim in claims_section4.CLAIMS + claims_section5.CLAIMS + claims_theorem1.CLAIMS:
        register_claim(claim)
    for path, help_, arguments, run in cli.COMMANDS:
        register_command(path, help=help_, arguments=arguments, run=run, owner=OWNER)
    register_columns(BARGAINING_SPEC)
    register_derivation("commitment.md", (files("exactmd.papers.vartiainen2014") / "derivations" / "commitment.md").read_bytes,
                        owner=OWNER, paper="vartiainen2014")
    for name, generate in identities.CHECKS.items():
        register_check(name, generate, owner=OWNER)
