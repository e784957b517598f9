"""Neeman–Pavlov (2007): the named LPs of a renegotiation certificate (§3, §4.1.1, §4.1.2), solved.

A certificate's ``model`` field names one of :data:`MODELS`: ``complete`` (§3, the ex post
renegotiation-proof set), ``oracle``, ``oracle-interim-ir`` and ``vcg-in-expectation``
(§4.1.2), ``random-rp`` and ``random-rp-ex-post-ir`` (§4.1.1, random mechanisms on a finite
menu) and the three LPs of proposals with transfers (§4.1.1, :mod:`.transfer_proposals`).
:func:`model_for` builds it from the environment alone (the verifier does the same);
:func:`solve_certified` solves it and writes the certificate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.lp import LinExpr, Model
from exactmd.lp.solution import LPResult
from exactmd.rational import Q

from . import transfer_proposals
from .complete_information import _objective_terms, rp_model
from .document import RP_FORMAT, _lp_statement
from .oracle import oracle_rp_model, vcge_model
from .random_mechanisms import random_rp_model


MODELS = ("complete", "oracle", "oracle-interim-ir", "vcg-in-expectation", "random-rp", "random-rp-ex-post-ir",
          "menu-transfer-proposals", "transfer-proposals", "transfer-proposals-ex-post-ir")
_NO_BUDGET = ("random-rp", "random-rp-ex-post-ir", "menu-transfer-proposals")  # lotteries on a finite menu, no transfers


def model_for(env: Environment, kind: str, budget: str = "balanced") -> Model:
    """The LP named in a renegotiation certificate's ``model`` field."""
    if kind == "complete":
        return rp_model(env, budget)
    if kind == "oracle":
        return oracle_rp_model(env, budget)
    if kind == "oracle-interim-ir":
        return oracle_rp_model(env, budget, interim_ir=True)
    if kind == "vcg-in-expectation":
        return vcge_model(env, budget)
    if kind == "random-rp":
        return random_rp_model(env, ex_post_ir=False)
    if kind == "random-rp-ex-post-ir":
        return random_rp_model(env, ex_post_ir=True)
    if kind in ("menu-transfer-proposals", "transfer-proposals", "transfer-proposals-ex-post-ir"):
        return transfer_proposals.model_for(env, kind)
    raise ModelError(f"model={kind!r} must be one of {', '.join(MODELS)}")


def solve_certified(env: Environment, kind: str, budget: str = "balanced",
                    objective: Mapping[str, Any] | None = None, sense: str = "max") -> tuple[LPResult, dict[str, Any]]:
    """Solve the LP ``model_for(env, kind)`` (with an optional objective) and return the
    result with an ``exactmd-renegotiation-certificate/1`` that verify rebuilds.  Its
    ``statement`` is generated from the model, the objective and the LP's status and
    value (:func:`verify_rp_certificate` regenerates it).  Random mechanisms on finite
    menus have no transfers: their certificates carry no ``budget``."""
    if kind in _NO_BUDGET and budget != "balanced":
        raise ModelError(f"model={kind!r} (random mechanisms on a finite menu) has no transfers: budget={budget!r} does not apply")
    m = model_for(env, kind, budget)
    if objective:
        m.sense = sense
        m.set_objective(LinExpr({v: Q(c) for v, c in objective.items()}))
    elif sense != "max":
        raise ModelError(f"sense={sense!r} without an objective: the LP is a feasibility question")
    res = m.solve()
    status = res.status.value
    terms = _objective_terms(objective)
    value = res.value if status == "optimal" and objective else None
    cert: dict[str, Any] = {
        "format": RP_FORMAT,
        "question": "lp",
        "statement": _lp_statement(env, kind, None if kind in _NO_BUDGET else budget, terms, sense, status, value),
        "environment": env.to_dict(),
        "model": kind,
    }
    if kind not in _NO_BUDGET:
        cert["budget"] = budget
    cert.update({"objective": terms, "sense": sense, "lp": res.certificate()})
    return res, cert
