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

__version__ = "0.1.0"

__all__ = [
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
