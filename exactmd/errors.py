"""The exception hierarchy of exactmd.

Every error the engine raises on bad input derives from :class:`ExactMDError`, and
also from the matching built-in (``TypeError`` or ``ValueError``) so that callers who
catch those keep working.  Messages name the offending value and say what was
expected.  Infeasible and unbounded LPs are *results*, not exceptions.
"""

from __future__ import annotations

__all__ = [
    "ExactMDError",
    "NotExactError",
    "InvalidNumberError",
    "ModelError",
    "LPError",
    "LPFormatError",
    "BudgetExceededError",
    "CertificateError",
    "ClaimError",
    "InputError",
    "PluginError",
]


class ExactMDError(Exception):
    """Base class of every error exactmd raises on purpose."""


class NotExactError(ExactMDError, TypeError):
    """A value that is not exact (a float, a bool, a Decimal, ...) was given as a number."""


class InvalidNumberError(ExactMDError, ValueError):
    """A string or object that does not denote a rational number."""


class ModelError(ExactMDError, ValueError):
    """An environment, belief, mechanism or constraint that is malformed."""


class LPError(ExactMDError, ValueError):
    """A malformed linear program (unknown variable, bad bound, bad operator, ...)."""


class LPFormatError(LPError):
    """A file in the LP, MPS or JSON problem format that cannot be read."""


class BudgetExceededError(ExactMDError, RuntimeError):
    """A work budget (pivots or seconds) ran out before an exact answer was found.

    The solver never guesses: it stops and says how far it got.
    """


class CertificateError(ExactMDError, ValueError):
    """A certificate file that is malformed or does not prove what it claims."""


class ClaimError(ExactMDError, ValueError):
    """An unknown claim id, or a claim asked to run on an instance it cannot take."""


class InputError(ExactMDError, ValueError):
    """A file exactmd refuses to read: JSON with duplicate keys, NaN, floats, too deep or too large."""


class PluginError(ExactMDError, RuntimeError):
    """A plug-in failed to load or to register (a name registered twice, an import error)."""
