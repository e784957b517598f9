"""Neeman–Pavlov (2007): the format ``exactmd-renegotiation-certificate/1`` and its statements.

The format name; the field checks every reader of a certificate uses (numbers written
canonically as "p" or "p/q", JSON objects with exactly the allowed keys, failures that
name the field); and the one-line statements, generated from the data certified: of an LP
question (§3's ex post renegotiation-proof set, §4.1.2's oracle and VCG-in-expectation
sets, §4.1.1's random mechanisms and proposals with transfers), of the §4.1.1 voting cases
(against ψ, against the oracle ψ̂, every voting equilibrium) and of Example 5's enumeration.
The verifier (:mod:`exactmd.papers.neemanpavlov2007.certificates`) regenerates every
statement from the data it has re-checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.environment import Environment
from exactmd.errors import CertificateError
from exactmd.rational import Q, fmt


RP_FORMAT = "exactmd-renegotiation-certificate/1"
_PSI_KINDS = ("psi", "psi-any-equilibrium")
MAX_NUMBER_CHARS = 4000  # characters of one number in a certificate
MAX_SHOWN_TERMS = 4  # objective terms written out in a statement
_CANONICAL = re.compile(r"-?(0|[1-9][0-9]*)(/[1-9][0-9]*)?")
_MODEL_WORDS = {  # model: (singular, plural)
    "complete": ("ex post renegotiation-proof direct mechanism", "ex post renegotiation-proof direct mechanisms"),
    "oracle": ("ex post oracle renegotiation-proof mechanism", "ex post oracle renegotiation-proof mechanisms"),
    "oracle-interim-ir": ("interim IR, ex post oracle renegotiation-proof mechanism",
                          "interim IR, ex post oracle renegotiation-proof mechanisms"),
    "vcg-in-expectation": ("mechanism that is VCG in expectation", "mechanisms that are VCG in expectation"),
    "random-rp": ("random direct mechanism that is ex post renegotiation-proof against every ψ",
                  "random direct mechanisms that are ex post renegotiation-proof against every ψ"),
    "random-rp-ex-post-ir": ("ex post IR random direct mechanism that is ex post renegotiation-proof against every ψ",
                             "ex post IR random direct mechanisms that are ex post renegotiation-proof against every ψ"),
    "menu-transfer-proposals": (
        "random direct mechanism on the menu that meets the necessary conditions of ex post renegotiation-proofness "
        "against every ψ with transfers (efficiency; no gain from a misreport that reaches a forced outcome)",
        "random direct mechanisms on the menu that meet the necessary conditions of ex post renegotiation-proofness "
        "against every ψ with transfers"),
    "transfer-proposals": (
        "direct mechanism that meets the necessary conditions of ex post renegotiation-proofness against every ψ with "
        "transfers (efficiency; no gain from a misreport that reaches a forced outcome)",
        "direct mechanisms that meet the necessary conditions of ex post renegotiation-proofness against every ψ with transfers"),
    "transfer-proposals-ex-post-ir": (
        "ex post IR direct mechanism that meets the necessary conditions of ex post renegotiation-proofness against "
        "every ψ with transfers (efficiency; no gain from a misreport that reaches a forced outcome)",
        "ex post IR direct mechanisms that meet the necessary conditions of ex post renegotiation-proofness against "
        "every ψ with transfers"),
}


def _where(env: Environment) -> str:
    """The environment's name, quoted (a label from the file, not a claim)."""
    return json.dumps(env.name, ensure_ascii=False) if env.name else "an unnamed environment"


def _clip(x: Any, n: int = 160) -> str:
    s = x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)
    return repr(s if len(s) <= n else s[:n] + "…")


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON (so that 1 and true, or "1" and 1, differ)."""
    return json.dumps(a, sort_keys=True, ensure_ascii=False) == json.dumps(b, sort_keys=True, ensure_ascii=False)


def _refuse(field: str, why: str) -> CertificateError:
    return CertificateError(f"{field}: {why}")


def _number(x: Any, field: str) -> fmpq:
    """A number as the writers store it: a string "p" or "p/q" in lowest terms."""
    if not isinstance(x, str) or len(x) > MAX_NUMBER_CHARS or not _CANONICAL.fullmatch(x):
        raise _refuse(field, f"{_clip(x, 60)} is not a number written \"p\" or \"p/q\" (at most {MAX_NUMBER_CHARS} characters)")
    q = Q(x)
    if fmt(q) != x:
        raise _refuse(field, f"{x!r} is not in lowest terms ({fmt(q)!r})")
    return q


def _object(d: Any, field: str, keys: Sequence[str] | None = None) -> Mapping[str, Any]:
    """A JSON object; with ``keys``, exactly those keys (unknown and missing ones named)."""
    if not isinstance(d, Mapping):
        raise _refuse(field, "must be a JSON object")
    if keys is not None:
        for k in d:
            if k not in keys:
                raise _refuse(field, f"unknown key {k!r} (allowed: {', '.join(keys)})")
        for k in keys:
            if k not in d:
                raise _refuse(field, f"missing key {k!r}")
    return d


def _terms_text(terms: Mapping[str, str]) -> str:
    items = list(terms.items())
    shown = " + ".join(f"{c}·{v}" for v, c in items[:MAX_SHOWN_TERMS if len(items) <= MAX_SHOWN_TERMS else MAX_SHOWN_TERMS - 1])
    return shown if len(items) <= MAX_SHOWN_TERMS else f"{shown} + … ({len(items)} terms, see the objective)"


def _lp_statement(env: Environment, model: str, budget: str | None, terms: Mapping[str, str], sense: str,
                  status: str, value: fmpq | None) -> str:
    """The one-line verdict of an LP question, from the model, the objective and the
    LP's (checked) status and value."""
    one, many = _MODEL_WORDS[model]
    b = f" with {budget} budget" if budget else ""
    where = _where(env)
    if not terms:
        if status == "infeasible":
            return f"No {one}{b} exists in {where} (Farkas certificate)."
        if status == "optimal":
            art = "An" if one[0] in "aeiou" else "A"
            return f"{art} {one}{b} exists in {where} (witness in the LP's primal)."
        return f"The LP of the {many}{b} in {where} is {status}."
    text = _terms_text(terms)
    over = f"over the {many}{b} in {where}"
    if status == "optimal":
        return f"The {sense}imum of {text} {over} is {fmt(value)}."
    if status == "infeasible":
        return f"No {one}{b} exists in {where} (Farkas certificate), so {text} has no {sense}imum over them."
    return f"{text} is unbounded {'above' if sense == 'max' else 'below'} {over} (ray in the LP certificate)."


def _psi_text(psi: Mapping[str, str]) -> str:
    """ψ by its proposals (the decisions it leaves alone are not shown)."""
    moved = [f"{d} ↦ {x}" for d, x in psi.items() if d != x]
    return "{" + ", ".join(moved) + "}" if moved else "the identity (no proposal)"


def _psi_part(env: Environment, f: Mapping[tuple, Any], psis: Sequence[Mapping[str, Any]], kind: str) -> str:
    """The part of a voting statement that the ψ cases of one kind give."""
    votes = "" if kind == "psi" else " with every voting equilibrium counted, weakly dominated votes included"
    reach = list(dict.fromkeys(f[th] for th in env.profiles()))
    every = len(env.outcomes) ** len(reach)
    fails = [c for c in psis if not c["holds"]]
    if not fails:
        if len(psis) == every:
            return f"is ex post renegotiation-proof against every ψ (all {every} maps from the reached decisions to the alternatives){votes}"
        if len(psis) == 1:
            return f"is ex post renegotiation-proof against ψ = {_psi_text(psis[0]['psi'])}{votes}"
        return f"is ex post renegotiation-proof against each of the {len(psis)} ψ listed (of {every}){votes}"
    c = fails[0]
    why = []
    if c["switch"]:
        why.append("condition (1) fails (a voting equilibrium on the path switches to ψ(d), a type strictly gaining)")
    if Q(c["gain"]) > 0:
        why.append(f"condition (2) fails (a type gains {c['gain']} by misreporting and then voting)")
    more = f" ({len(fails)} of the {len(psis)} ψ listed fail)" if len(psis) > 1 else ""
    return f"is not ex post renegotiation-proof against ψ = {_psi_text(c['psi'])}{votes}: {' and '.join(why)}{more}"


def _voting_statement(env: Environment, f: Mapping[tuple, Any], cases: Sequence[Mapping[str, Any]]) -> str:
    """The verdict of a voting certificate, from its recomputed cases."""
    P = env.profiles()
    mech = ("(" + ", ".join(f"{profile_label(th)} ↦ {label(f[th])}" for th in P) + ")") if len(P) <= 16 else f"on {len(P)} profiles"
    parts = []
    for kind in _PSI_KINDS:
        psis = [c for c in cases if c["kind"] == kind]
        if psis:
            parts.append(_psi_part(env, f, psis, kind))
    for c in cases:
        if c["kind"] == "oracle":
            who = f"type {c['type']} of {env.agents[c['agent']]}"
            verdict = ("; so it is not ex post oracle renegotiation-proof against ψ̂" if Q(c["deviation"]) > Q(c["truth"]) else "")
            parts.append(f"against the given oracle ψ̂ {who} expects {c['deviation']} by reporting {c['report']} and "
                         f"renegotiating, against {c['truth']} when truthful{verdict}")
        elif c["kind"] == "uninformed":
            parts.append(f"at {c['decision']} {'a' if c['switch'] else 'no'} voting equilibrium switches to {c['proposal']} "
                         f"(the informed player: {env.agents[c['informed']]})")
    sep = " " if parts[0].startswith("is") else ": "
    return f"In {_where(env)} truth-telling in the deterministic direct mechanism {mech}{sep}" + "; ".join(parts) + "."


def _enumeration_statement(env: Environment, n: int) -> str:
    if n == 0:
        return f"No deterministic direct mechanism of {_where(env)} is ex post IR."
    what = "mechanism is" if n == 1 else "mechanisms are"
    return (f"Exactly {n} deterministic direct {what} ex post IR in {_where(env)} "
            "(every player's payoff ≥ 0 at every profile), all listed.")
