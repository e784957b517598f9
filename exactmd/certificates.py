"""Certificate formats: one registry, one dispatcher for ``exactmd verify``.

Every document exactmd writes names its ``format``; each format has exactly one
verifier, registered here with :func:`register_format` — the kernel's own three (LP,
mechanism, symbolic check) by this module, a paper's or a user's by its plug-in
(:mod:`exactmd.plugins`).  :func:`verify_document` looks the format up and runs its
verifier, which never raises and answers ``(ok, verdict in its own words)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .design import MECHANISM_FORMAT, verify_mechanism_certificate
from .deterministic import DETERMINISTIC_FORMAT, verify_deterministic_certificate
from .errors import PluginError
from .lexicographic import LEXICOGRAPHIC_FORMAT, verify_lexicographic_certificate
from .lp.checker import LP_FORMAT
from .lp.verify import verify_certificate
from .lp.parametric import PARAMETRIC_FORMAT
from .lp.parametric_check import verify_parametric
from .parametric import PARAMETRIC_MECHANISM_FORMAT, verify_parametric_mechanism
from .plugins import load_plugins
from .symbolic import SYMBOLIC_FORMAT, explain_symbolic, verify_symbolic

__all__ = ["CertificateFormat", "register_format", "get_format", "registered_formats", "verify_document",
           "LP_FORMAT", "SYMBOLIC_FORMAT"]


Verifier = Callable[[Mapping[str, Any]], tuple[bool, str]]


@dataclass(frozen=True)
class CertificateFormat:
    """A certificate format: its ``name`` (the documents' ``format``), its ``verify``
    function (never raises; ``(ok, verdict)``), the ``owner`` that registered it, and
    ``states``: whether its documents carry a ``statement`` that ``exactmd explain``
    prints; ``explain``: for a format that carries no LP certificate, the lines of its
    proof (recomputed from a document ``verify`` accepted), which ``exactmd explain``
    writes under the statement."""

    name: str
    verify: Verifier
    owner: str
    states: bool = False
    summary: str = ""
    explain: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None


_FORMATS: dict[str, CertificateFormat] = {}


def register_format(name: str, verify: Verifier, *, owner: str, states: bool = False, summary: str = "",
                    explain: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None) -> CertificateFormat:
    """Register the verifier of the documents whose ``format`` is ``name``; a name
    registered twice raises :class:`~exactmd.errors.PluginError` naming both owners."""
    if not isinstance(name, str) or not name.strip():
        raise PluginError(f"a certificate format needs a name, not {name!r}")
    if not callable(verify):
        raise PluginError(f"format {name!r}: verify must be a function, not {verify!r}")
    if name in _FORMATS:
        raise PluginError(f"format {name!r} is registered by {_FORMATS[name].owner} and again by {owner}")
    if explain is not None and not callable(explain):
        raise PluginError(f"format {name!r}: explain must be a function, not {explain!r}")
    f = CertificateFormat(name, verify, owner, states, summary, explain)
    _FORMATS[name] = f
    return f


def registered_formats() -> tuple[CertificateFormat, ...]:
    """Every registered format, in registration order (plug-ins loaded first)."""
    load_plugins()
    return tuple(_FORMATS.values())


def get_format(name: Any) -> CertificateFormat | None:
    """The format registered as ``name``, or None."""
    load_plugins()
    return _FORMATS.get(name) if isinstance(name, str) else None


def verify_document(doc: Any) -> tuple[bool, str]:
    """Verify any certificate, dispatching on its ``format`` through the registry."""
    if not isinstance(doc, Mapping):
        return False, "a certificate must be a JSON object"
    fmt_ = doc.get("format")
    f = get_format(fmt_)
    if f is None:
        known = ", ".join(x.name for x in registered_formats())
        return False, f"format: {fmt_!r} is not a certificate format (known: {known})"
    return f.verify(doc)


register_format(LP_FORMAT, lambda doc: verify_certificate(dict(doc)), owner="exactmd",
                summary="an LP and its optimal, infeasible or unbounded certificate")
register_format(MECHANISM_FORMAT, verify_mechanism_certificate, owner="exactmd", states=True,
                summary="a mechanism-design question, its LP and its answer")
register_format(SYMBOLIC_FORMAT, lambda doc: verify_symbolic(dict(doc)), owner="exactmd",
                summary="identities between polynomials, regenerated and expanded", states=True,
                explain=lambda doc: explain_symbolic(dict(doc)))
register_format(DETERMINISTIC_FORMAT, verify_deterministic_certificate, owner="exactmd",
                summary="the best deterministic mechanism, by a branch and bound whose every leaf is certified")
register_format(LEXICOGRAPHIC_FORMAT, verify_lexicographic_certificate, owner="exactmd",
                summary="a lexicographic (and optionally symmetrised) optimum, one certified LP per stage")


def _parametric_proof(verify: Verifier) -> Callable[[Mapping[str, Any]], tuple[str, ...]]:
    """The proof lines of a parametric document: what its verifier recomputed, piece by piece."""
    def lines(doc: Mapping[str, Any]) -> tuple[str, ...]:
        _, why = verify(doc)
        head, _, rest = why.partition(" is optimal with value ")
        pieces, _, tail = rest.partition(" — ")
        return ((f"{head} is optimal, with value",) + tuple(f"  {p}" for p in pieces.split("; ")) +
                (f"— {tail}." if tail else "",
                 "How to check this: on each piece, the basis's primal and dual are rational functions of λ; the rows hold "
                 "as polynomial identities, and every sign condition (a basic value within its bounds, a reduced cost of the "
                 "right sign) is a polynomial with no root of odd multiplicity inside the piece and the right sign at one "
                 "rational point of it, so the basis is optimal on the whole piece; the pieces meet end to end."))
    return lines


register_format(PARAMETRIC_FORMAT, verify_parametric, owner="exactmd",
                summary="an LP with data affine in one parameter λ: its optimal value on an interval, piece by piece",
                explain=_parametric_proof(verify_parametric))
register_format(PARAMETRIC_MECHANISM_FORMAT, verify_parametric_mechanism, owner="exactmd", states=True,
                summary="a mechanism-design optimum under a prior mixture (1 − λ)p₀ + λp₁, piece by piece",
                explain=_parametric_proof(verify_parametric_mechanism))
