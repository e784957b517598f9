"""Vartiainen (2014), "Mechanism design without commitment", decided exactly.

The paper's sections and the modules that hold them:

- §2, §4 (g∘r composites, v̄ and x(p), IC of eq. (1), V*(p), simple plans, blocking
  (i)–(iii)) — :mod:`.commitment`;
- §4 (covering, checked from the definition; its existence by revelation or elimination;
  Lemma 2 on partition devices) — :mod:`.covering`;
- §4 (G_N, UC_G(B), the UC sequence, the readings of UC*, Lemmas 3–4 at a candidate UC*,
  reachable beliefs) — :mod:`.uc`;
- §3, Definitions 1–3 (finite-state choice rules, choice sets, strategic and structural
  consistency) — :mod:`.choice_rules`;
- §5 and Appendix A.1 (bilateral bargaining: the grid, priors, virtual values and the
  γ-threshold allocations of eqs. (8)–(9), first and second best, Proposition 2, Lemma 5,
  r* of eqs. (10)–(11), g* of eq. (12), Lemma 6) — :mod:`.bargaining`;
- §5, Lemma 7 (the continuation problem, the key step (a)–(g), the continuation devices
  of eq. (15), σ* of eqs. (13)–(15), the nine cases of the proof) — :mod:`.continuation`;
- exactmd's instances for §4 and §4.1 (the commitment 2×2 environment, the veto 2×2
  environments, three aligned types) — :mod:`.instances`;
- the certificate format ``exactmd-commitment-certificate/1`` of §4 and Lemma 7 (five
  questions: covered, covers, redesign, uc-sequence, lemma-7-cases; writers and the
  verifier) — :mod:`.certificates`;
- the claims of §4 and §4.1 (lemma-1, lemma-2, lemma-3, lemma-4, uc-monotone, veto-ic) —
  :mod:`.claims_section4`; of §5 and Appendix A.1 (myerson-satterthwaite, prop-2,
  remark-1, lemma-5, lemma-6, lemma-7, lemma-7-cases, theorem-2, eq-16-17) —
  :mod:`.claims_section5`; hypothesis strategies of random §3–5 environments —
  :mod:`.strategies`; :mod:`.plugin` registers the format and the claims.

This package re-exports their public names.  ``grid`` is the belief grid G_N of
:mod:`.uc`; the type grid {0, 1/K, …, 1} of §5 is
:func:`exactmd.papers.vartiainen2014.bargaining.grid`.
"""

from .bargaining import (
    Lemma5, Lemma6, Proposition2, ThresholdCandidate, allocation_value, bilateral_trade, breakpoints, cumulative,
    envelope_payments, first_best, first_best_attainable, fixed_allocation, g_star, interim_trade, is_regular, kappa,
    lemma_5, lemma_6, named_prior, proposition_2, r_star, second_best, signal, threshold_allocation, threshold_family,
    virtual_value_expressions, virtual_values,
)
from .certificates import (
    COMMITMENT_FORMAT, MAX_BELIEFS, QUESTIONS, composite_from_dict, covering_certificate, covers_certificate,
    lemma_7_cases_certificate, redesign_certificate, uc_sequence_certificate, universe_name, verify_commitment_certificate,
    verify_uc_verdict,
)
from .choice_rules import STOP, FiniteStateRule, RuleCheck, check_rule_at, in_choice_set
from .commitment import (
    ALL, AllBeliefs, BlockVerdict, Composite, SimplePlan, blocks, check_eps, commitment_value, compound, constant, ic_slacks,
    in_ic, planner_value, vbar,
)
from .continuation import continuation_devices, lemma_7, lemma_7_cases, lemma_7_environment, sigma_star
from .covering import CoverVerdict, Covering, covered, covers, fully_revealing, lemma_2_instances, vertices
from .instances import example_environment
from .uc import (
    UCSTAR_READINGS, UCSequence, grid, lemma_3_at, lemma_4_at, reachable, uc_converges, uc_cycle, uc_limit, uc_sequence,
    uc_star, uncovered, unblocked_constant,
)

__all__ = [
    # commitment, covering, uc, choice_rules, continuation, instances (§2–5): the old commitment module
    "ALL", "AllBeliefs", "Composite", "SimplePlan", "BlockVerdict", "CoverVerdict", "Covering",
    "compound", "vbar", "planner_value", "ic_slacks", "in_ic", "commitment_value", "fully_revealing",
    "blocks", "covers", "covered", "grid", "vertices", "uncovered", "uc_sequence", "UCSequence", "constant",
    "check_eps", "STOP", "FiniteStateRule", "RuleCheck", "check_rule_at", "sigma_star", "lemma_7_cases",
    "lemma_2_instances", "reachable", "in_choice_set", "example_environment",
    "UCSTAR_READINGS", "uc_cycle", "uc_limit", "uc_converges", "uc_star", "lemma_3_at", "lemma_4_at", "unblocked_constant",
    # certificates (§4, Lemma 7): the format exactmd-commitment-certificate/1, its writers and its verifier
    "covering_certificate", "covers_certificate", "redesign_certificate", "uc_sequence_certificate",
    "lemma_7_cases_certificate", "verify_commitment_certificate", "composite_from_dict", "COMMITMENT_FORMAT",
    "QUESTIONS", "MAX_BELIEFS", "verify_uc_verdict", "universe_name",
    # bargaining (§5, Appendix A.1)
    "bilateral_trade", "named_prior", "cumulative", "virtual_values", "virtual_value_expressions", "is_regular",
    "threshold_allocation", "breakpoints", "threshold_family", "first_best", "first_best_attainable", "second_best",
    "allocation_value", "fixed_allocation", "proposition_2", "Proposition2", "ThresholdCandidate", "interim_trade",
    "envelope_payments", "lemma_5", "Lemma5", "signal", "kappa", "r_star", "g_star", "lemma_6", "Lemma6",
    # continuation (§5, Lemma 7)
    "lemma_7_environment", "lemma_7", "continuation_devices",
]
