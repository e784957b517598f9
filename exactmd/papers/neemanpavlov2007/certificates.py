"""Neeman–Pavlov (2007): writing and verifying ``exactmd-renegotiation-certificate/1``.

Certificates are ``exactmd-renegotiation-certificate/1`` documents: the environment, the
question and its evidence.  Questions (:data:`QUESTION_KEYS`): ``exists``, ``min``, ``max``
(§3's LP), ``lp`` (any LP of :func:`~exactmd.papers.neemanpavlov2007.questions.model_for`:
§3, §4.1.1, §4.1.2), ``check`` (a given mechanism against §3's rows), ``voting`` (§4.1.1's
cases against ψ and ψ̂), ``enumeration`` (Example 5's ex post IR deterministic mechanisms),
``transfer-check`` (§4.1.1, proposals with transfers), ``lemma-2`` (Lemma 2 from the
definition) and ``oracle-check`` (§4.1.4: a type-report mechanism's ``outcomes`` against every
row of the oracle-RP LP).  :func:`verify_rp_certificate` rebuilds the LP or the computation from the
environment alone and re-checks it (``exactmd verify``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from exactmd.belief import label, profile_label, resolve_type
from exactmd.environment import Environment
from exactmd.errors import CertificateError, ExactMDError, ModelError
from exactmd.lp import LinExpr
from exactmd.lp.checker import LP_FORMAT
from exactmd.lp.verify import verify_certificate
from exactmd.rational import Q, fmt

from .complete_information import BUDGETS, DirectMechanism, RPViolation, _reports, check_rp, rp_slacks
from .document import (
    RP_FORMAT, _PSI_KINDS, _clip, _enumeration_statement, _lp_statement, _number, _object, _refuse, _same,
    _voting_statement, _where)
from .questions import MODELS, _NO_BUDGET, model_for
from .interdependent import verify_oracle_check
from .transfer_proposals import verify_lemma_2, verify_transfer_check
from .voting import (
    ex_post_ir_deterministic, oracle_deviation_gain, rp_against_psi, rp_against_psi_any_equilibrium,
    switching_equilibrium_uninformed)
from .welfare import _private_values, _u


# Every writer below generates the ``statement`` from the data it certifies, and
# :func:`verify_rp_certificate` regenerates it from the data it has re-checked: a file
# whose statement, question or any result differs from the recomputation fails, naming
# the field.  The rules are documented in docs/renegotiation.md ("Certificates").
_LP_KEYS = ("format", "question", "statement", "environment", "budget", "objective", "sense", "lp")
QUESTION_KEYS: dict[str, tuple[str, ...]] = {
    "exists": _LP_KEYS,  # §3: does an ex post RP mechanism exist (rp_model, no objective)
    "min": _LP_KEYS,  # §3: min / max of a linear expression over the RP set
    "max": _LP_KEYS,
    "lp": _LP_KEYS + ("model",),  # any LP of model_for (no "budget" for random mechanisms)
    "check": ("format", "question", "statement", "environment", "budget", "mechanism", "violations"),
    "voting": ("format", "question", "statement", "environment", "mechanism", "cases"),
    "enumeration": ("format", "question", "statement", "environment", "mechanisms"),
    "transfer-check": ("format", "question", "statement", "environment", "mechanism", "holds", "gain", "switch"),
    "lemma-2": ("format", "question", "statement", "environment", "pairs"),
    "oracle-check": ("format", "question", "statement", "environment", "budget", "outcomes", "violations"),
}
CASE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # kind: (inputs, results)
    "psi": (("kind", "psi"), ("holds", "gain", "switch")),
    "psi-any-equilibrium": (("kind", "psi"), ("holds", "gain", "switch")),  # votes=any-equilibrium
    "oracle": (("kind", "psihat", "agent", "type", "report"), ("truth", "deviation")),
    "uninformed": (("kind", "informed", "decision", "proposal"), ("switch",)),
}
MAX_CASES = 10_000  # voting cases in one certificate
MAX_ENUMERATION = 100_000  # deterministic mechanisms an enumeration may list
MAX_VOTING_TYPES = 8  # types of both players in a two-player voting game with interdependent values


def _check_statement(env: Environment, budget: str, n_reports: int, rows: int, bad: Sequence[RPViolation]) -> str:
    head = f"In {_where(env)} the given direct mechanism ({n_reports} report profiles)"
    if not bad:
        return f"{head} is ex post renegotiation-proof with {budget} budget: all {rows} rows of the LP hold."
    return (f"{head} is not ex post renegotiation-proof with {budget} budget: {len(bad)} of {rows} rows fail, "
            f"first {bad[0]}.")


def check_certificate(mechanism: DirectMechanism, budget: str = "balanced") -> dict[str, Any]:
    """A certificate that a given mechanism satisfies every RP row, or violates the listed
    rows by the listed exact amounts (``exactmd verify`` recomputes them and the statement)."""
    why = _not_a_probability(mechanism)
    if why:
        raise ModelError(f"the mechanism is not a direct mechanism: {why}")
    slacks = rp_slacks(mechanism, budget)
    bad = check_rp(mechanism, budget)
    return {
        "format": RP_FORMAT,
        "question": "check",
        "statement": _check_statement(mechanism.env, budget, len(mechanism.table), len(slacks), bad),
        "environment": mechanism.env.to_dict(),
        "budget": budget,
        "mechanism": mechanism.to_dict(),
        "violations": {v.row: fmt(v.amount) for v in bad},
    }


def _not_a_probability(mechanism: DirectMechanism) -> str:
    """"" iff 0 ≤ q[a | r] ≤ 1 everywhere (the rows prob[r] give Σ_a q[a | r] = 1; the
    bounds are not rows, so :func:`check_rp` does not see them); else what fails."""
    for rep, (lot, _) in mechanism.table.items():
        for a, p in lot.items():
            if not 0 <= p <= 1:
                return f"the probability {fmt(p)} of {label(a)} at {';'.join(profile_label(s) for s in rep)} is not in [0, 1]"
    return ""


def _case_inputs(env: Environment, f: Mapping[tuple, Any], case: Mapping[str, Any], field: str, strict: bool) -> dict[str, Any]:
    """The inputs of one §4.1 case in the form the writers store (labels as strings,
    player indices as integers); ``strict``: they must already be in that form."""
    kind = case.get("kind")
    if kind not in CASE_KEYS:
        raise _refuse(f"{field}.kind", f"{_clip(kind, 40)} is not one of {', '.join(CASE_KEYS)}")
    reach = list(dict.fromkeys(f[th] for th in env.profiles()))

    def outcome(x: Any, where: str) -> Any:
        if strict and not isinstance(x, str):
            raise _refuse(where, f"{_clip(x, 40)} must be an alternative's label (a string)")
        return env.resolve_outcome(x)

    def player(x: Any, where: str) -> int:
        if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < env.n:
            raise _refuse(where, f"{_clip(x, 40)} must be a player index 0…{env.n - 1}")
        return x

    def decision_map(m: Any, where: str) -> dict[str, str]:
        """decision ↦ proposal, total on the reached decisions, in their order (ψ(d) = d
        where the input does not say: no renegotiation)."""
        given = {}
        for d, x in _object(m, where).items():
            dd = outcome(d, where)
            if dd not in reach:
                raise _refuse(where, f"{label(dd)!r} is not a decision the mechanism reaches")
            given[dd] = outcome(x, f"{where}[{d!r}]")
        return {label(d): label(given.get(d, d)) for d in reach}

    out: dict[str, Any] = {"kind": kind}
    if kind in _PSI_KINDS:
        out["psi"] = decision_map(case.get("psi"), f"{field}.psi")
    elif kind == "oracle":
        given = {}
        for th, m in _object(case.get("psihat"), f"{field}.psihat").items():
            given[env.resolve_profile(th)] = decision_map(m, f"{field}.psihat[{th!r}]")
        out["psihat"] = {profile_label(th): given.get(th) or decision_map({}, "") for th in env.profiles()}
        i = out["agent"] = player(case.get("agent"), f"{field}.agent")
        for k in ("type", "report"):
            if strict and not isinstance(case.get(k), str):
                raise _refuse(f"{field}.{k}", f"{_clip(case.get(k), 40)} must be a type's label (a string)")
            out[k] = label(resolve_type(case.get(k), env.types[i], i))
    else:
        out["informed"] = player(case.get("informed"), f"{field}.informed")
        out["decision"] = label(outcome(case.get("decision"), f"{field}.decision"))
        out["proposal"] = label(outcome(case.get("proposal"), f"{field}.proposal"))
    if strict:
        for k, v in out.items():
            if not _same(v, case.get(k)):
                raise _refuse(f"{field}.{k}", f"{_clip(case.get(k), 60)} is not in the form exactmd writes ({_clip(v, 60)})")
    return out


def _voting_case(env: Environment, f: Mapping[tuple, Any], inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Recompute one §4.1 case (see :func:`voting_certificate`) from its canonical inputs."""
    out = dict(inputs)
    kind = inputs["kind"]
    if kind in _PSI_KINDS:
        psi = {env.resolve_outcome(d): env.resolve_outcome(x) for d, x in inputs["psi"].items()}
        if kind == "psi-any-equilibrium" and env.n != 2:
            raise ModelError("a psi-any-equilibrium case decides two-player voting games")
        r = rp_against_psi(env, f, psi) if kind == "psi" else rp_against_psi_any_equilibrium(env, f, psi)
        out.update(holds=r.holds, gain=fmt(r.gain), switch=bool(r.switch))
    elif kind == "oracle":
        if not _private_values(env):
            raise ModelError("an oracle case is oracle_deviation_gain, which decides private values only")
        i = inputs["agent"]
        ph = {env.resolve_profile(th): {env.resolve_outcome(d): env.resolve_outcome(x) for d, x in m.items()}
              for th, m in inputs["psihat"].items()}
        ti, tj = (resolve_type(inputs[k], env.types[i], i) for k in ("type", "report"))
        truth, dev = oracle_deviation_gain(env, f, i, ti, tj, ph)
        out.update(truth=fmt(truth), deviation=fmt(dev))
    else:
        sw = switching_equilibrium_uninformed(env, inputs["informed"], env.resolve_outcome(inputs["decision"]),
                                              env.resolve_outcome(inputs["proposal"]))
        out.update(switch=bool(sw))
    return out


def voting_certificate(env: Environment, f: Mapping[tuple, Any], cases: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """A certificate of §4.1 computations on a deterministic direct mechanism ``f``
    (profile ↦ alternative), finite alternatives: each case is ``{"kind": "psi", "psi":
    {decision: proposal}}`` (:func:`rp_against_psi`; ``"psi-any-equilibrium"``:
    :func:`rp_against_psi_any_equilibrium`), ``{"kind": "oracle", "psihat":
    {profile: {decision: proposal}}, "agent", "type", "report"}``
    (:func:`oracle_deviation_gain`, private values) or ``{"kind": "uninformed", "informed",
    "decision", "proposal"}`` (:func:`switching_equilibrium_uninformed`); labels as
    strings, players as indices.  The results are stored with the inputs and the
    statement is generated from them; ``exactmd verify`` recomputes all three."""
    if not cases:
        raise ModelError("a voting certificate needs at least one case")
    inputs = [_case_inputs(env, f, c, f"cases[{k}]", strict=False) for k, c in enumerate(cases)]
    psis = [(c["kind"],) + tuple(c["psi"].values()) for c in inputs if c["kind"] in _PSI_KINDS]
    if len(set(psis)) != len(psis):
        raise ModelError("a voting certificate lists each ψ once")
    done = [_voting_case(env, f, c) for c in inputs]
    return {
        "format": RP_FORMAT,
        "question": "voting",
        "statement": _voting_statement(env, f, done),
        "environment": env.to_dict(),
        "mechanism": {profile_label(th): label(f[th]) for th in env.profiles()},
        "cases": done,
    }


def _ex_post_ir_count(env: Environment) -> int:
    """How many mechanisms :func:`ex_post_ir_deterministic` lists, without listing them."""
    n = 1
    for th in env.profiles():
        n *= sum(1 for x in env.outcomes if all(_u(env, i, x, th) >= 0 for i in range(env.n)))
    return n


def enumeration_certificate(env: Environment) -> dict[str, Any]:
    """Every deterministic direct mechanism of a finite environment that is ex post IR
    (:func:`ex_post_ir_deterministic`), listed; ``exactmd verify`` recomputes the list."""
    if _ex_post_ir_count(env) > MAX_ENUMERATION:
        raise ModelError(f"more than {MAX_ENUMERATION} ex post IR deterministic mechanisms: too many to list")
    ir = ex_post_ir_deterministic(env)
    return {
        "format": RP_FORMAT, "question": "enumeration",
        "statement": _enumeration_statement(env, len(ir)),
        "environment": env.to_dict(),
        "mechanisms": [{profile_label(th): label(x) for th, x in f.items()} for f in ir],
    }


def verify_rp_certificate(cert: Mapping[str, Any]) -> tuple[bool, str]:
    """(True, verdict) iff the certificate holds, rebuilt from the environment alone; the
    verdict is regenerated from the re-checked data and must equal the file's
    ``statement``.  For an LP question the LP inside is the LP of the environment (model,
    budget, objective, sense) and its certificate holds; for ``"check"`` the mechanism's
    rows are recomputed and the stated violations are exactly the true ones; for
    ``"voting"`` every case is recomputed; for ``"enumeration"`` the list is.  Unknown
    or missing keys, a question that does not fit the content, non-canonical numbers
    and empty evidence fail, naming the field."""
    try:
        verdict, detail = _verify_rp(cert)
        return True, f"{verdict} [{detail}]"
    except CertificateError as e:
        return False, str(e)
    except ExactMDError as e:
        return False, f"malformed renegotiation certificate: {e}"
    except (KeyError, TypeError, AttributeError, ValueError, IndexError) as e:
        return False, f"malformed renegotiation certificate: {type(e).__name__} {e}"


def _verify_rp(cert: Any) -> tuple[str, str]:
    _object(cert, "certificate")
    if cert.get("format") != RP_FORMAT:
        raise _refuse("format", f"{_clip(cert.get('format'), 60)} is not {RP_FORMAT!r}")
    q = cert.get("question")
    if not isinstance(q, str) or q not in QUESTION_KEYS:
        raise _refuse("question", f"{_clip(q, 60)} is not one of {', '.join(QUESTION_KEYS)}")
    keys = QUESTION_KEYS[q]
    for k in cert:
        if k not in keys:
            raise _refuse(k, f"unknown key for question {q!r} (its keys: {', '.join(keys)})")
    model = "complete"
    if q == "lp":
        if "model" not in cert:
            raise _refuse("model", f"missing, and question {q!r} needs it (its keys: {', '.join(keys)})")
        model = cert["model"]
        if not isinstance(model, str) or model not in MODELS:
            raise _refuse("model", f"{_clip(model, 60)} is not one of {', '.join(MODELS)}")
        if model in _NO_BUDGET:
            if "budget" in cert:
                raise _refuse("budget", f"model {model!r} (random mechanisms on a finite menu) has no transfers, so no budget")
            keys = tuple(k for k in keys if k != "budget")
    for k in keys:
        if k not in cert:
            raise _refuse(k, f"missing, and question {q!r} needs it (its keys: {', '.join(keys)})")
    if not isinstance(cert["statement"], str):
        raise _refuse("statement", "must be a string")
    try:
        env = Environment.from_dict(_object(cert["environment"], "environment"), source="certificate")
    except ExactMDError as e:
        raise _refuse("environment", str(e)) from None
    if not _same(env.to_dict(), cert["environment"]):
        raise _refuse("environment", "not in the form exactmd writes (Environment.to_dict of the environment it describes)")
    budget = cert.get("budget")
    if "budget" in keys and budget not in BUDGETS:
        raise _refuse("budget", f"{_clip(budget, 40)} is not one of {', '.join(BUDGETS)}")

    if q == "voting":
        verdict, detail = _verify_voting(env, cert)
    elif q == "enumeration":
        verdict, detail = _verify_enumeration(env, cert)
    elif q == "check":
        verdict, detail = _verify_check(env, cert, budget)
    elif q == "transfer-check":
        verdict, detail = verify_transfer_check(env, cert)
    elif q == "lemma-2":
        verdict, detail = verify_lemma_2(env, cert)
    elif q == "oracle-check":
        verdict, detail = verify_oracle_check(env, cert)
    else:
        obj = _object(cert["objective"], "objective")
        terms = {}
        for v, c in obj.items():
            _number(c, f"objective[{v!r}]")
            terms[v] = c
        sense = cert["sense"]
        if sense not in ("min", "max"):
            raise _refuse("sense", f"{_clip(sense, 40)} is not 'min' or 'max'")
        if not terms and sense != "max":
            raise _refuse("sense", f"{sense!r} without an objective (a feasibility question is written 'max')")
        if q == "exists" and terms:
            raise _refuse("question", "'exists' is a feasibility question, but the certificate has an objective")
        if q in ("min", "max") and not terms:
            raise _refuse("question", f"{q!r} needs an objective, the certificate has none")
        if q in ("min", "max") and sense != q:
            raise _refuse("question", f"{q!r} is not the LP's sense {sense!r}")
        m = model_for(env, model, budget or "balanced")
        if terms:
            m.sense = sense
            try:
                m.set_objective(LinExpr({v: Q(c) for v, c in terms.items()}))
            except ExactMDError as e:
                raise _refuse("objective", str(e)) from None
        lp = _object(cert["lp"], "lp")
        if lp.get("format") != LP_FORMAT:
            raise _refuse("lp", f"format {_clip(lp.get('format'), 60)} is not {LP_FORMAT!r}")
        if not _same(m.to_problem(), lp.get("problem")):
            raise _refuse("lp", f"the LP in the certificate is not the {model!r} LP of the stated environment"
                          + (f" with {budget} budget" if "budget" in keys else "") + " and objective")
        if "value" in lp:
            _number(lp["value"], "lp.value")
        ok, why = verify_certificate(lp)
        if not ok:
            raise _refuse("lp", why)
        status = lp["status"]
        value = Q(lp["value"]) if status == "optimal" and terms else None
        verdict = _lp_statement(env, model, budget if "budget" in keys else None, terms, sense, status, value)
        detail = why
    if cert["statement"] != verdict:
        raise _refuse("statement", f"the file says {_clip(cert['statement'])}, the checked data give {_clip(verdict)}")
    return verdict, detail


def _verify_voting(env: Environment, cert: Mapping[str, Any]) -> tuple[str, str]:
    mech = _object(cert["mechanism"], "mechanism")
    f = {}
    for th, x in mech.items():
        if not isinstance(x, str):
            raise _refuse(f"mechanism[{th!r}]", f"{_clip(x, 40)} must be an alternative's label (a string)")
        f[env.resolve_profile(th)] = env.resolve_outcome(x)
    P = env.profiles()
    if set(f) != set(P) or len(f) != len(mech):
        raise _refuse("mechanism", "must name one alternative at every profile, each profile once")
    if not _same({profile_label(th): label(f[th]) for th in P}, dict(mech)):
        raise _refuse("mechanism", "not in the form exactmd writes (profile label -> alternative label, in profile order)")
    cases = cert["cases"]
    if not isinstance(cases, list):
        raise _refuse("cases", "must be a list")
    if not cases:
        raise _refuse("cases", "empty: nothing is certified")
    if len(cases) > MAX_CASES:
        raise _refuse("cases", f"{len(cases)} cases, more than the limit {MAX_CASES}")
    every_eq = any(isinstance(c, Mapping) and c.get("kind") == "psi-any-equilibrium" for c in cases)
    if (every_eq or not _private_values(env)) and sum(len(ts) for ts in env.types) > MAX_VOTING_TYPES:
        raise _refuse("environment", f"{'every voting equilibrium' if every_eq else 'interdependent values'} with more than "
                      f"{MAX_VOTING_TYPES} types in all: the voting-equilibrium computation enumerates 3^(types) vote assignments")
    done: list[dict[str, Any]] = []
    seen: dict[tuple, int] = {}  # a ψ (with its kind) ↦ the first case that has it
    for k, case in enumerate(cases):
        field = f"cases[{k}]"
        _object(case, field)
        try:
            inputs = _case_inputs(env, f, case, field, strict=True)
        except CertificateError:
            raise
        except ExactMDError as e:
            raise _refuse(field, str(e)) from None
        ins, outs = CASE_KEYS[inputs["kind"]]
        _object(case, field, ins + outs)
        if inputs["kind"] in _PSI_KINDS:
            total = (inputs["kind"],) + tuple(inputs["psi"].values())  # total on the reached decisions
            if total in seen:
                raise _refuse(field, f"the same ψ as cases[{seen[total]}]")
            seen[total] = k
        try:
            again = _voting_case(env, f, inputs)
        except ExactMDError as e:
            raise _refuse(field, str(e)) from None
        for key in outs:
            if not _same(case[key], again[key]):
                raise _refuse(f"{field}.{key}", f"the file says {_clip(case[key], 60)}, the computation gives {_clip(again[key], 60)}")
        done.append(again)
    return _voting_statement(env, f, done), f"recomputed: {len(done)} case(s)"


def _verify_enumeration(env: Environment, cert: Mapping[str, Any]) -> tuple[str, str]:
    stated = cert["mechanisms"]
    if not isinstance(stated, list):
        raise _refuse("mechanisms", "must be a list")
    n = _ex_post_ir_count(env)
    if n > MAX_ENUMERATION:
        raise _refuse("environment", f"{n} ex post IR deterministic mechanisms, more than the limit {MAX_ENUMERATION}")
    if len(stated) != n:
        raise _refuse("mechanisms", f"{len(stated)} listed, but the environment has {n} ex post IR deterministic mechanisms")
    again = [{profile_label(th): label(x) for th, x in f.items()} for f in ex_post_ir_deterministic(env)]
    for k, (a, b) in enumerate(zip(stated, again)):
        if not _same(a, b):
            raise _refuse(f"mechanisms[{k}]", f"is not the {k}-th ex post IR deterministic mechanism {_clip(b, 80)}")
    return _enumeration_statement(env, n), f"recomputed: {n} mechanisms"


def _verify_check(env: Environment, cert: Mapping[str, Any], budget: str) -> tuple[str, str]:
    mech_d = _object(cert["mechanism"], "mechanism")
    for key, body in mech_d.items():
        field = f"mechanism[{key!r}]"
        _object(body, field, ("lottery", "transfers"))
        for a, p in _object(body["lottery"], f"{field}.lottery").items():
            _number(p, f"{field}.lottery[{a!r}]")
        if not isinstance(body["transfers"], list):
            raise _refuse(f"{field}.transfers", "must be a list")
        for k, x in enumerate(body["transfers"]):
            _number(x, f"{field}.transfers[{k}]")
    try:
        mech = DirectMechanism.from_dict(env, mech_d)
    except ExactMDError as e:
        raise _refuse("mechanism", str(e)) from None
    states = env.profiles()
    reached = {tuple(states[k] for k in r) for r in _reports(env)}
    if set(mech.table) != reached or len(mech.table) != len(mech_d):
        raise _refuse("mechanism", f"must give one outcome at each of the {len(reached)} report profiles reached by "
                      "truth-telling or one player's lie, and nowhere else")
    if not _same(mech.to_dict(), dict(mech_d)):
        raise _refuse("mechanism", "not in the form exactmd writes (DirectMechanism.to_dict)")
    if _not_a_probability(mech):
        raise _refuse("mechanism", _not_a_probability(mech))
    viol = _object(cert["violations"], "violations")
    for row, x in viol.items():
        _number(x, f"violations[{row!r}]")
    slacks = rp_slacks(mech, budget)
    if not slacks:
        raise _refuse("environment", "the LP has no rows: nothing is certified")
    bad = check_rp(mech, budget)
    true = {v.row: fmt(v.amount) for v in bad}
    for row in list(viol) + [r for r in true if r not in viol]:
        if true.get(row) != viol.get(row):
            actual = f"violated by {true[row]}" if row in true else ("holds" if row in slacks else "is not a row of the LP")
            raise _refuse(f"violations[{row!r}]", f"the file says {_clip(viol.get(row, 'holds'), 40)}, the row {actual}")
    return _check_statement(env, budget, len(mech.table), len(slacks), bad), f"recomputed: {len(slacks)} rows, {len(bad)} violated"
