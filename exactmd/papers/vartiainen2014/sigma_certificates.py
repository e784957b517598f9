"""Certificates of the strategy σ of (5)–(6) (Vartiainen 2014, §4, Theorem 1 and
Proposition 1): the format ``exactmd-sigma-certificate/1``.

A document states an environment, a prior, ε and the reading of σ's action at UC*
(``uc action``: ``keep`` or ``best-constant``, :mod:`.sigma`), and the result: the
reached beliefs U (``universe``), per belief its facts (v̄, x(p), V*(p) with the mechanism
certificate of its LP, UC* membership, r^p and how it was chosen, with the certificate
of the ex-post-optimal LP), per history class (p, x) σ's action, its value and
Definitions 1–3 with reasons, and the lists ``failures`` and ``not decided``.

:func:`verify_sigma_certificate` trusts nothing in the file: the environment, prior and
ε must be written canonically; sizes are bounded first; every embedded LP certificate
is checked by :func:`exactmd.design.verify_mechanism_certificate`; then σ is rebuilt from
the environment, prior, ε and reading alone and every result field is compared (a
mismatch fails naming the field), and the statement must be the one written for the
recomputed data.  Empty evidence (no classes) fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...belief import Belief
from ...environment import Environment
from ...errors import ExactMDError
from ...rational import fmt
from .certificates import _belief, _check_statement, _environment, _Fail, _need, _number, _same
from .commitment import check_eps
from .sigma import MAX_SIGMA_OUTCOMES, MAX_SIGMA_PROFILES, UC_ACTIONS, analysis_statement, sigma_analysis
from exactmd.design import verify_mechanism_certificate

__all__ = ["SIGMA_FORMAT", "sigma_certificate", "verify_sigma_certificate"]

SIGMA_FORMAT = "exactmd-sigma-certificate/1"

_KEYS = frozenset({"format", "statement", "environment", "prior", "eps", "uc action", "universe", "beliefs", "states",
                   "failures", "not decided"})
_RESULTS = ("universe", "beliefs", "states", "failures", "not decided")


def sigma_certificate(env: Environment, prior: Belief, eps: Any, uc_action: str) -> dict[str, Any]:
    """σ of (5)–(6) under the reading ``uc_action``, checked at every history class, as a
    self-contained document that ``exactmd verify`` rebuilds and compares."""
    e = check_eps(eps)
    body = sigma_analysis(env, prior, e, uc_action)
    return {"format": SIGMA_FORMAT, "statement": analysis_statement(prior, e, uc_action, body),
            "environment": env.to_dict(), "prior": prior.to_dict(), "eps": fmt(e), "uc action": uc_action, **body}


def _check_lps(doc: Mapping[str, Any]) -> int:
    """Every embedded LP certificate holds (checked alone, before the recomputation)."""
    _need(isinstance(doc["beliefs"], list) and bool(doc["beliefs"]), "'beliefs' must be a non-empty list")
    _need(len(doc["beliefs"]) <= 2 * MAX_SIGMA_PROFILES + 1, "'beliefs' lists more beliefs than σ can reach")
    n = 0
    for j, b in enumerate(doc["beliefs"]):
        _need(isinstance(b, Mapping), f"'beliefs'[{j}] must be an object")
        for key in ("V* lp", "ex post optimal lp"):
            lp = b.get(key)
            if lp is None and key == "ex post optimal lp":
                continue
            _need(isinstance(lp, Mapping), f"'beliefs'[{j}] {key!r} must be a mechanism certificate")
            ok, why = verify_mechanism_certificate(lp)
            _need(ok, f"'beliefs'[{j}] {key!r}: {why}")
            n += 1
    return n


def verify_sigma_certificate(doc: Mapping[str, Any]) -> tuple[bool, str]:
    """``(True, verdict)`` iff the document is σ's analysis of its own environment, prior,
    ε and reading, recomputed; the verdict is generated from the recomputed data."""
    try:
        if not isinstance(doc, Mapping):
            return False, "a sigma certificate must be a JSON object"
        if doc.get("format") != SIGMA_FORMAT:
            return False, f"format {doc.get('format')!r} is not {SIGMA_FORMAT!r}"
        for k in doc:
            _need(k in _KEYS, f"unknown key {k!r} in a sigma certificate")
        for k in sorted(_KEYS):
            _need(k in doc, f"missing key {k!r} in a sigma certificate")
        env = _environment(doc)
        _need(len(env.profiles()) <= MAX_SIGMA_PROFILES and len(env.outcomes) <= MAX_SIGMA_OUTCOMES,
              f"'environment': at most {MAX_SIGMA_PROFILES} profiles and {MAX_SIGMA_OUTCOMES} outcomes")
        prior = _belief(env, doc["prior"], "prior")
        e = check_eps(_number(doc, "eps"))
        _need(doc["uc action"] in UC_ACTIONS, f"'uc action' = {doc['uc action']!r} must be one of {', '.join(UC_ACTIONS)}")
        _need(isinstance(doc["states"], list) and bool(doc["states"]), "'states' is empty (nothing was decided)")
        n_lp = _check_lps(doc)
        body = sigma_analysis(env, prior, e, doc["uc action"])
        for key in _RESULTS:
            _same(doc, key, body[key])
        stmt = _check_statement(doc, analysis_statement(prior, e, doc["uc action"], body))
        return True, f"{stmt} [recomputed: {len(body['states'])} classes; {n_lp} LP certificates checked]"
    except _Fail as ex:
        return False, str(ex)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as ex:
        return False, f"malformed sigma certificate: {type(ex).__name__}: {ex}"
    except ExactMDError as ex:
        return False, f"the certificate does not hold: {ex}"
    except RecursionError:
        return False, "malformed sigma certificate: nested too deeply"
