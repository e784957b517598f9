"""exactmd: exact-arithmetic engine for finite mechanism design.

Every number is an exact rational (python-flint ``fmpq``); every answer carries a
certificate that :mod:`exactmd.lp.verify` re-checks with ``fractions`` alone.
"""

from .errors import (
    BudgetExceededError,
    CertificateError,
    ClaimError,
    ExactMDError,
    InvalidNumberError,
    LPError,
    LPFormatError,
    ModelError,
    NotExactError,
)
from .rational import Q, fmt, latex, to_fraction
from .belief import Belief, independent, uniform
from .environment import Environment, QLOutcome, load_environment
from .mechanism import Device, OutcomeFunction, constant_device, implement
from .constraints import check
from .design import feasible_mechanism, optimal_mechanism
from .certificates import verify_document
from .evaluation import Evaluation, evaluate

from ._version import __version__

__all__ = [
    "Belief",
    "Device",
    "Environment",
    "Evaluation",
    "OutcomeFunction",
    "QLOutcome",
    "check",
    "evaluate",
    "constant_device",
    "feasible_mechanism",
    "implement",
    "independent",
    "load_environment",
    "optimal_mechanism",
    "uniform",
    "verify_document",
    "BudgetExceededError",
    "CertificateError",
    "ClaimError",
    "ExactMDError",
    "InvalidNumberError",
    "LPError",
    "LPFormatError",
    "ModelError",
    "NotExactError",
    "Q",
    "fmt",
    "latex",
    "to_fraction",
    "__version__",
]
