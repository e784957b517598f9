"""Neeman & Pavlov (2007), *Renegotiation-proof mechanism design*, in exact arithmetic.

Where each part of the paper lives (each module imports only the ones above it and the
exactmd kernel):

* §2, the model: welfare S(θ), efficient alternatives, private values, independence,
  payoffs — :mod:`.welfare`;
* the certificate format ``exactmd-renegotiation-certificate/1``, its field checks and
  statements — :mod:`.document`;
* §3, complete information: the ex post renegotiation-proof LP (EFF, BB, RP rows), direct
  mechanisms, checks, ranges, the shape of the set; Lemma 1 — :mod:`.complete_information`;
* §3.1: VCG mechanisms and Proposition 2 — :mod:`.vcg`; Proposition 1's punishment
  mechanism — :mod:`.punishment`;
* §4.1.2: oracle renegotiation-proofness (the inequality before (16)), VCG in expectation
  — :mod:`.oracle`;
* §4.1.1: random mechanisms on a finite menu against every ψ — :mod:`.random_mechanisms`;
  proposals with transfers and Lemma 2 from the definition — :mod:`.transfer_proposals`;
* the LPs a certificate names, solved with their certificates — :mod:`.questions`;
* §4.1.2: Proposition 3 — :mod:`.independent_private_values`;
* §4.1.1: renegotiation against ψ and ψ̂ through voting games, Example 5's enumeration —
  :mod:`.voting`;
* writers of check / voting / enumeration certificates and :func:`verify_rp_certificate`
  — :mod:`.certificates`;
* Examples 1, 2 and 5, and the environments the claims are decided on — :mod:`.examples`;
* the claims of §3 and of §4.1 as data (``CLAIMS``) — :mod:`.claims_section3`,
  :mod:`.claims_section4`; :mod:`.plugin` registers them and the certificate format.

Everything is an exact LP or an exact computation with a certificate that ``exactmd
verify`` rebuilds from the environment alone.  This package re-exports the names of the
former module ``renegotiation``'s ``__all__``, Examples 1 and 2, and the public names of the
former module ``proposals`` (``__all__`` below).  The rest is imported from its module, e.g.
``qname``, ``tname``, ``Shape`` (:mod:`.complete_information`), the report classes beside their functions, ``QUESTION_KEYS``,
``MAX_CASES`` (:mod:`.certificates`), and ``transfer_proposals.model_for``, to which
:func:`model_for` dispatches.
"""

from .certificates import check_certificate, enumeration_certificate, verify_rp_certificate, voting_certificate
from .complete_information import (
    DirectMechanism, RPResult, RPViolation, check_rp, pareto_improvement, renegotiation_proof_mechanism, rp_model, rp_range,
    rp_shape, rp_slacks)
from .document import RP_FORMAT
from .examples import example_1, example_2, example_5_environment
from .independent_private_values import proposition_3
from .oracle import oracle_rp_model, vcg_in_expectation_rows, vcge_model
from .punishment import proposition_1, punishment_mechanism
from .questions import model_for, solve_certified
from .random_mechanisms import random_mechanism_from, random_rp_model
from .transfer_proposals import (
    CHECK_KEYS, LEMMA_2_KEYS, TRANSFER_MODELS, Outcome, TransferPsiReport, best_proposal_gain, deterministic_from_primal,
    lemma_2_certificate, lemma_2_pairs, rp_against_every_psi_with_transfers, transfer_check_certificate,
    transfer_proposals_model, verify_lemma_2, verify_transfer_check)
from .vcg import bb_vcg_exists, embed_type_mechanism, is_vcg, proposition_2, vcg_mechanism
from .voting import (
    deviation_gain, ex_post_ir_deterministic, first_breaking_psi, oracle_deviation_gain, oracle_rp_against, rp_against_all_psi,
    rp_against_psi, rp_against_psi_any_equilibrium, switching_equilibrium, switching_equilibrium_uninformed)
from .welfare import efficient_alternatives, surplus

__all__ = [
    # the __all__ of the former module renegotiation
    "RP_FORMAT", "ex_post_ir_deterministic", "switching_equilibrium", "deviation_gain", "oracle_rp_against",
    "random_rp_model", "random_mechanism_from", "first_breaking_psi", "example_5_environment", "DirectMechanism",
    "RPResult", "RPViolation", "efficient_alternatives", "surplus", "rp_model", "check_rp", "rp_slacks",
    "renegotiation_proof_mechanism", "rp_range", "rp_shape", "vcg_mechanism", "is_vcg", "bb_vcg_exists",
    "embed_type_mechanism", "proposition_2", "punishment_mechanism", "proposition_1", "pareto_improvement",
    "oracle_rp_model", "rp_against_psi", "rp_against_all_psi", "rp_against_psi_any_equilibrium",
    "oracle_deviation_gain", "switching_equilibrium_uninformed", "voting_certificate", "check_certificate",
    "enumeration_certificate", "vcg_in_expectation_rows", "proposition_3", "vcge_model", "model_for", "solve_certified",
    "verify_rp_certificate",
    # the paper's Examples 1 and 2 (public in the old module, though not in its __all__)
    "example_1", "example_2",
    # the public names of the former module proposals (its model_for: transfer_proposals.model_for)
    "Outcome", "best_proposal_gain", "TransferPsiReport", "rp_against_every_psi_with_transfers",
    "transfer_proposals_model", "deterministic_from_primal", "transfer_check_certificate", "TRANSFER_MODELS",
    "CHECK_KEYS", "verify_transfer_check", "lemma_2_pairs", "lemma_2_certificate", "LEMMA_2_KEYS", "verify_lemma_2",
]
