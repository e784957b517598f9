"""Vartiainen (2014), "Mechanism design without commitment", decided exactly.

The paper's sections and the modules that hold them:

- §5 and Appendix A.1 (bilateral bargaining: the grid, priors, virtual values and the
  γ-threshold allocations of eqs. (8)–(9), first and second best, Proposition 2, Lemma 5,
  r* of eqs. (10)–(11), g* of eq. (12), Lemma 6) — :mod:`.bargaining`;
- §5, Lemma 7 (the continuation problem, the key step (a)–(g), the continuation devices
  of eq. (15)) — :mod:`.continuation`.

This package re-exports their public names; ``grid`` is not re-exported (the type grid
{0, 1/K, …, 1} is :func:`exactmd.papers.vartiainen2014.bargaining.grid`).
"""

from .bargaining import (
    Lemma5, Lemma6, Proposition2, ThresholdCandidate, allocation_value, bilateral_trade, breakpoints, cumulative,
    envelope_payments, first_best, first_best_attainable, fixed_allocation, g_star, interim_trade, is_regular, kappa,
    lemma_5, lemma_6, named_prior, proposition_2, r_star, second_best, signal, threshold_allocation, threshold_family,
    virtual_value_expressions, virtual_values,
)
from .continuation import continuation_devices, lemma_7, lemma_7_environment

__all__ = [
    # bargaining (§5, Appendix A.1)
    "bilateral_trade", "named_prior", "cumulative", "virtual_values", "virtual_value_expressions", "is_regular",
    "threshold_allocation", "breakpoints", "threshold_family", "first_best", "first_best_attainable", "second_best",
    "allocation_value", "fixed_allocation", "proposition_2", "Proposition2", "ThresholdCandidate", "interim_trade",
    "envelope_payments", "lemma_5", "Lemma5", "signal", "kappa", "r_star", "g_star", "lemma_6", "Lemma6",
    # continuation (§5, Lemma 7)
    "lemma_7_environment", "lemma_7", "continuation_devices",
]
