"""Renegotiation proposals that carry transfers (Neeman–Pavlov 2007, §4.1.1); Lemma 2 from the definition.

§4.1.1 writes a renegotiation proposal as ψ(a, t) = (a′, t′) ∈ A × ℝⁿ: after the
mechanism's decision d = (a, t) a proposal may move to another alternative *and* move
money.  :func:`~exactmd.papers.neemanpavlov2007.voting.rp_against_psi` and
:func:`~exactmd.papers.neemanpavlov2007.random_mechanisms.random_rp_model` read proposals
as alternatives of a finite menu only (reading ``proposals=menu``); this module decides the reading
``proposals=with-transfers`` for two players with private values.  Payoffs are linear in
money: a player's payoff from (a′, t′) is u_i(a′, θ) + t′_i, where u_i is the finite
environment's utility (Example 5: the price is already in it) or the quasi-linear
valuation v_i.  Proposals must be feasible: Σ_i t′_i ≤ 0.

Votes follow preferences (private values make this a weakly dominant strategy); an
indifferent type may vote either way and, since the definition asks the conditions for
every voting equilibrium, the vote most favourable to the switch or the deviator counts
(as in :func:`~exactmd.papers.neemanpavlov2007.voting.rp_against_psi`).  Then, over every ψ:

* condition (1) fails at an on-path decision d reached at a state θ of positive
  probability exactly when d is inefficient at θ: (a*, t′) with t′ splitting the surplus
  gap makes both players strictly better off at θ, both vote for it, and it is accepted
  with positive probability (:func:`rp_against_every_psi_with_transfers`);
* condition (2): after a misreport, ψ chooses one proposal per decision reached.  For a
  decision d reached at the states (θ_i, θ_j) with weights w, the deviator's best
  proposal (a′, t′_j = τ, t′_i = −τ) is accepted by the types θ_j with
  u_j(d, θ_j) − u_j(a′, θ_j) ≤ τ and gains u_i(a′) − τ − u_i(d) when positive; the
  maximum over τ is at one of these thresholds (:func:`best_proposal_gain`).

For mechanisms to be searched, :func:`transfer_proposals_model` writes **necessary**
conditions as one exact LP over lotteries (and transfers, in a quasi-linear
environment): truthful outcomes efficient (condition (1)), and for every misreport the
deviator's payoff — where the misreport reaches a *forced* outcome (the only one the
other rows allow: a unique efficient alternative, and transfers pinned by ex post IR and
budget balance) the best proposal is added, elsewhere renegotiation is left out, which
only lowers the deviator's payoff.  Infeasible means no mechanism is ex post RP against
every ψ with transfers, whichever lottery timing: forced outcomes are degenerate, so a
proposal made before the lottery is drawn and one made after it see the same decision.
Feasible decides nothing by itself; a candidate from it is checked exactly.

Lemma 2 (§4.1.1) is decided from the definition in a quasi-linear environment with private
values (:func:`lemma_2_pairs`, certificate question ``"lemma-2"``): at every state of
positive probability, every inefficient decision (a, 0) is renegotiated in a voting
equilibrium by the Pareto-improving proposal of Lemma 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.encoding import qvar, tvar
from exactmd.environment import Environment
from exactmd.errors import ExactMDError, ModelError
from exactmd.lp import Model
from exactmd.rational import Q, fmt

from .complete_information import pareto_improvement
from .document import RP_FORMAT, _clip, _number, _object, _refuse, _same, _where
from .welfare import _cond_others, _private_values, _u, efficient_alternatives


__all__ = ["Outcome", "best_proposal_gain", "TransferPsiReport", "rp_against_every_psi_with_transfers",
           "transfer_proposals_model", "deterministic_from_primal", "transfer_check_certificate", "TRANSFER_MODELS"]

#: a deterministic outcome: an alternative and one transfer per player
Outcome = tuple[Any, tuple[fmpq, ...]]

#: the LPs of this module, by the name a renegotiation certificate's ``model`` field gives
TRANSFER_MODELS = ("menu-transfer-proposals", "transfer-proposals", "transfer-proposals-ex-post-ir")


def _welfare(env: Environment, a: Any, th: tuple) -> fmpq:
    return sum((_u(env, i, a, th) for i in range(env.n)), fmpq(0))


def _efficient(env: Environment, th: tuple) -> list[Any]:
    best = max(_welfare(env, a, th) for a in env.outcomes)
    return [a for a in env.outcomes if _welfare(env, a, th) == best]


def _require(env: Environment) -> None:
    if env.n != 2:
        raise ModelError(f"proposals with transfers are decided for two players, not {env.n}")
    if not _private_values(env):
        raise ModelError("proposals with transfers are decided with private values (votes by preference)")


def _payoff(env: Environment, i: int, o: Outcome, th: tuple) -> fmpq:
    return _u(env, i, o[0], th) + o[1][i]


def best_proposal_gain(env: Environment, i: int, d: Outcome, states: Sequence[tuple[tuple, fmpq]]) -> tuple[fmpq, str]:
    """The most player ``i`` gains, in expectation, from one proposal (a′, t′) made after
    the decision ``d``, which it reaches at the true ``states`` (θ, weight; its own type
    is the same in all): the other player's type at θ accepts when it weakly gains, ``i``
    when it strictly gains.  The best transfer to the other is one of its acceptance
    thresholds u_j(d, θ_j) − u_j(a′, θ_j).  Returns (gain ≥ 0, the proposal in words)."""
    j = 1 - i
    best, what = fmpq(0), ""
    for a in env.outcomes:
        need = [(_payoff(env, j, d, th) - _u(env, j, a, th), w) for th, w in states]
        for tau, _ in need:
            g = _u(env, i, a, states[0][0]) - tau - _payoff(env, i, d, states[0][0])
            if g <= 0:
                continue
            mass = sum((w for t, w in need if t <= tau), fmpq(0))
            if g * mass > best:
                best = g * mass
                what = f"{label(a)} with {fmt(tau)} to {env.agents[j]}"
    return best, what


@dataclass(frozen=True)
class TransferPsiReport:
    """Ex post renegotiation-proofness of truth-telling in a deterministic direct
    mechanism with transfers against **every** ψ with transfers."""

    switch: str  # "" or: the on-path state where an inefficient decision is renegotiated
    deviation: str  # "" or: the most profitable misreport and the proposal after it
    gain: fmpq  # the largest gain from a misreport followed by renegotiation (0 if none)

    @property
    def holds(self) -> bool:
        return not self.switch and self.gain <= 0


def _check_outcomes(env: Environment, mechanism: Mapping[tuple, Outcome]) -> dict[tuple, Outcome]:
    out = {}
    for th in env.profiles():
        if th not in mechanism:
            raise ModelError(f"the mechanism gives no outcome at {profile_label(th)}")
        a, t = mechanism[th]
        env.resolve_outcome(a)
        t = tuple(Q(x, name="transfer") for x in t)
        if len(t) != env.n:
            raise ModelError(f"the transfers at {profile_label(th)} are {len(t)} numbers, not {env.n}")
        if env.kind == "finite" and any(t):
            raise ModelError(f"a mechanism of a finite environment moves no money; at {profile_label(th)} it does")
        if sum(t, fmpq(0)) != 0:
            raise ModelError(f"the transfers at {profile_label(th)} do not sum to 0 (budget balance)")
        out[th] = (a, t)
    return out


def rp_against_every_psi_with_transfers(env: Environment, mechanism: Mapping[tuple, Outcome]) -> TransferPsiReport:
    """Decide both conditions of §4.1.1, against every ψ with transfers, for truth-telling
    in the deterministic direct mechanism ``mechanism`` (profile ↦ (alternative,
    budget-balanced transfers)); two players, private values (see the module text)."""
    _require(env)
    mech = _check_outcomes(env, mechanism)
    switch = ""
    for th in env.profiles():
        if env.prior[th] > 0 and mech[th][0] not in _efficient(env, th):
            a = _efficient(env, th)[0]
            switch = (f"at {profile_label(th)} the decision {label(mech[th][0])} is inefficient: {label(a)} with the "
                      f"surplus gain {fmt(_welfare(env, a, th) - _welfare(env, mech[th][0], th))} split makes both strictly better off")
            break
    best, what = fmpq(0), ""
    for i in range(2):
        for ti in env.types[i]:
            cond = _cond_others(env, i, ti)
            if not cond:
                continue
            truth = sum((w * _payoff(env, i, mech[th], th) for th, w in cond), fmpq(0))
            for tr in env.types[i]:
                if tr == ti:
                    continue
                groups: dict[tuple[str, tuple[str, ...]], list[tuple[tuple, fmpq]]] = {}
                dev = fmpq(0)
                for th, w in cond:
                    o = mech[th[:i] + (tr,) + th[i + 1:]]
                    dev += w * _payoff(env, i, o, th)
                    groups.setdefault((label(o[0]), tuple(fmt(x) for x in o[1])), []).append((th, w))
                said = []
                for states in groups.values():
                    o = mech[states[0][0][:i] + (tr,) + states[0][0][i + 1:]]
                    g, prop = best_proposal_gain(env, i, o, states)
                    if g > 0:
                        dev += g
                        said.append(f"after {label(o[0])} it proposes {prop}")
                if dev - truth > best:
                    best = dev - truth
                    what = (f"type {label(ti)} of {env.agents[i]} reports {label(tr)} and renegotiates: expected payoff "
                            f"{fmt(dev)} against {fmt(truth)} when truthful" + ("; " + "; ".join(said) if said else ""))
    return TransferPsiReport(switch, what, best)


def _forced(env: Environment, th: tuple, ex_post_ir: bool) -> Outcome | None:
    """The one outcome the model's other rows allow at profile θ, or None."""
    if env.prior[th] == 0:
        return None
    eff = _efficient(env, th)
    if len(eff) != 1:
        return None
    a = eff[0]
    if env.kind == "finite":
        return a, (fmpq(0),) * env.n
    if ex_post_ir and _welfare(env, a, th) == 0:  # IR for both and Σ t = 0 pin t_i = −v_i
        return a, tuple(-_u(env, i, a, th) for i in range(env.n))
    return None


def transfer_proposals_model(env: Environment, ex_post_ir: bool = False) -> Model:
    """Necessary conditions for ex post renegotiation-proofness against every ψ with
    transfers, as one exact LP (module text).  Variables: the lottery ``q[a|θ]`` at every
    profile, and in a quasi-linear environment the transfers ``t[i|θ]``.  Rows:

    * ``prob[θ]``: Σ_a q[a|θ] = 1; ``BB[θ]`` (quasi-linear): Σ_i t[i|θ] = 0;
    * ``IR[i|θ]`` (``ex_post_ir``, p(θ) > 0): Σ_a q[a|θ] u_i(a, θ) + t[i|θ] ≥ 0 — in a
      finite environment ``IR[θ: a]``: q[a|θ] = 0 when a gives a player less than 0;
    * ``EFF[θ: a]`` (p(θ) > 0, a inefficient at θ): q[a|θ] = 0 — condition (1);
    * ``RP2[i: θ_i -> θ'_i]``: Σ_θ_-i p(θ_-i|θ_i) [U_i(θ; θ) − U_i(θ'_i, θ_-i; θ)] ≥ the
      best proposals' gains after the forced outcomes the misreport reaches (grouped by
      outcome, :func:`best_proposal_gain`), the U_i terms of forced outcomes moved to the
      right as constants — condition (2), renegotiation after other outcomes left out."""
    _require(env)
    transfers = env.kind != "finite"
    m = Model("max")
    P, X = env.profiles(), env.outcomes
    for th in P:
        for a in X:
            m.var(qvar(a, th), 0, 1)
        m.add_row(f"prob[{profile_label(th)}]", {qvar(a, th): 1 for a in X}, "==", 1)
        if transfers:
            for i in range(env.n):
                m.var(tvar(env, i, th), None, None)
            m.add_row(f"BB[{profile_label(th)}]", {tvar(env, i, th): 1 for i in range(env.n)}, "==", 0)
    for th in P:
        if env.prior[th] == 0:
            continue
        if ex_post_ir:
            for i in range(env.n):
                if transfers:
                    terms = {qvar(a, th): _u(env, i, a, th) for a in X if _u(env, i, a, th) != 0}
                    terms[tvar(env, i, th)] = fmpq(1)
                    m.add_row(f"IR[{env.agents[i]}|{profile_label(th)}]", terms, ">=", 0)
            if not transfers:
                for a in X:
                    if any(_u(env, i, a, th) < 0 for i in range(env.n)):
                        m.add_row(f"IR[{profile_label(th)}: {label(a)}]", {qvar(a, th): 1}, "==", 0)
        eff = _efficient(env, th)
        for a in X:
            if a not in eff:
                m.add_row(f"EFF[{profile_label(th)}: {label(a)}]", {qvar(a, th): 1}, "==", 0)

    def U(acc: dict[str, fmpq], i: int, rep: tuple, th: tuple, w: fmpq) -> None:
        for a in X:
            c = w * _u(env, i, a, th)
            if c != 0:
                acc[qvar(a, rep)] = acc.get(qvar(a, rep), fmpq(0)) + c
        if transfers:
            acc[tvar(env, i, rep)] = acc.get(tvar(env, i, rep), fmpq(0)) + w

    for i in range(env.n):
        for ti in env.types[i]:
            cond = _cond_others(env, i, ti)
            if not cond:
                continue
            for tr in env.types[i]:
                if tr == ti:
                    continue
                acc: dict[str, fmpq] = {}
                rhs = fmpq(0)
                groups: dict[tuple[str, tuple[str, ...]], list[tuple[tuple, fmpq]]] = {}
                for th, w in cond:
                    U(acc, i, th, th, w)
                    rep = th[:i] + (tr,) + th[i + 1:]
                    o = _forced(env, rep, ex_post_ir)
                    if o is None:
                        U(acc, i, rep, th, -w)
                    else:
                        rhs += w * _payoff(env, i, o, th)
                        groups.setdefault((label(o[0]), tuple(fmt(x) for x in o[1])), []).append((th, w))
                for states in groups.values():
                    rep = states[0][0][:i] + (tr,) + states[0][0][i + 1:]
                    rhs += best_proposal_gain(env, i, _forced(env, rep, ex_post_ir), states)[0]  # type: ignore[arg-type]
                m.add_row(f"RP2[{env.agents[i]}: {label(ti)} -> {label(tr)}]",
                          {v: c for v, c in acc.items() if c != 0}, ">=", rhs)
    return m


def deterministic_from_primal(env: Environment, primal: Mapping[str, Any]) -> dict[tuple, Outcome] | None:
    """The deterministic mechanism of a solution of :func:`transfer_proposals_model` (or
    of :func:`~exactmd.papers.neemanpavlov2007.oracle.oracle_rp_model`: the variable names agree), or None
    when some lottery is not degenerate."""
    out = {}
    for th in env.profiles():
        sure = [a for a in env.outcomes if Q(primal.get(qvar(a, th), 0)) == 1]
        if len(sure) != 1:
            return None
        t = tuple(Q(primal.get(tvar(env, i, th), 0)) for i in range(env.n)) if env.kind != "finite" else (fmpq(0),) * env.n
        out[th] = (sure[0], t)
    return out


def model_for(env: Environment, kind: str) -> Model:
    """The LP of :data:`TRANSFER_MODELS` named ``kind``."""
    if kind == "menu-transfer-proposals":
        if env.kind != "finite":
            raise ModelError("model 'menu-transfer-proposals' is for finite menus (Environment.finite)")
        return transfer_proposals_model(env)
    if kind in ("transfer-proposals", "transfer-proposals-ex-post-ir"):
        if env.kind != "quasilinear":
            raise ModelError(f"model {kind!r} is for quasi-linear environments (mechanisms with transfers)")
        return transfer_proposals_model(env, ex_post_ir=kind.endswith("ex-post-ir"))
    raise ModelError(f"model={kind!r} must be one of {', '.join(TRANSFER_MODELS)}")


# ---------------------------------------------------------------------------------
# the certificate: question "transfer-check" of exactmd-renegotiation-certificate/1
CHECK_KEYS = ("format", "question", "statement", "environment", "mechanism", "holds", "gain", "switch")


def _mechanism_text(env: Environment, mech: Mapping[tuple, Outcome]) -> str:
    P = env.profiles()
    if len(P) > 16:
        return f"on {len(P)} profiles"
    return "(" + "; ".join(f"{profile_label(th)} ↦ {label(a)}, transfers ({', '.join(fmt(x) for x in t)})"
                           for th, (a, t) in ((th, mech[th]) for th in P)) + ")"


def _check_statement(env: Environment, mech: Mapping[tuple, Outcome], r: TransferPsiReport) -> str:
    head = (f"In {_where(env)} truth-telling in the deterministic direct mechanism {_mechanism_text(env, mech)} is "
            + ("" if r.holds else "not ") + "ex post renegotiation-proof against every ψ with transfers "
            "(proposals (a′, t′) with Σ t′ ≤ 0, votes by preference, two players, private values)")
    why = []
    if r.switch:
        why.append("condition (1) fails (an inefficient decision on the path is renegotiated)")
    if r.gain > 0:
        why.append(f"condition (2) fails (a type gains {fmt(r.gain)} by misreporting and then renegotiating)")
    return head + (": " + " and ".join(why) if why else "") + "."


def transfer_check_certificate(env: Environment, mechanism: Mapping[tuple, Outcome]) -> dict[str, Any]:
    """A certificate of :func:`rp_against_every_psi_with_transfers` on a deterministic
    direct mechanism; ``exactmd verify`` recomputes the verdict and the statement."""
    mech = _check_outcomes(env, mechanism)
    r = rp_against_every_psi_with_transfers(env, mech)
    return {
        "format": RP_FORMAT, "question": "transfer-check",
        "statement": _check_statement(env, mech, r),
        "environment": env.to_dict(),
        "mechanism": {profile_label(th): {"alternative": label(a), "transfers": [fmt(x) for x in t]} for th, (a, t) in mech.items()},
        "holds": r.holds, "gain": fmt(r.gain), "switch": bool(r.switch),
    }


def verify_transfer_check(env: Environment, cert: Mapping[str, Any]) -> tuple[str, str]:
    """Recompute a ``transfer-check`` certificate (the keys are checked by the caller)."""
    body = _object(cert["mechanism"], "mechanism")
    mech: dict[tuple, Outcome] = {}
    for key, o in body.items():
        field = f"mechanism[{key!r}]"
        o = _object(o, field, ("alternative", "transfers"))
        try:
            th = env.resolve_profile(key)
            a = env.resolve_outcome(o["alternative"])
        except ExactMDError as e:
            raise _refuse(field, str(e)) from None
        if not isinstance(o["alternative"], str) or not isinstance(o["transfers"], list) or len(o["transfers"]) != env.n:
            raise _refuse(field, f"must be an alternative's label and a list of {env.n} transfers")
        mech[th] = (a, tuple(_number(x, f"{field}.transfers[{k}]") for k, x in enumerate(o["transfers"])))
    if set(mech) != set(env.profiles()) or len(mech) != len(body):
        raise _refuse("mechanism", "must give one outcome at every profile, each profile once")
    if not _same({profile_label(th): {"alternative": label(a), "transfers": [fmt(x) for x in t]}
                  for th, (a, t) in ((th, mech[th]) for th in env.profiles())}, dict(body)):
        raise _refuse("mechanism", "not in the form exactmd writes (profile label -> alternative and transfers, in profile order)")
    try:
        r = rp_against_every_psi_with_transfers(env, mech)
    except ExactMDError as e:
        raise _refuse("mechanism", str(e)) from None
    for key, again in (("holds", r.holds), ("gain", fmt(r.gain)), ("switch", bool(r.switch))):
        if not _same(cert[key], again):
            raise _refuse(key, f"the file says {_clip(cert[key], 60)}, the computation gives {_clip(again, 60)}")
    return _check_statement(env, mech, r), "recomputed: every misreport against its best proposals"


# ---------------------------------------------------------------------------------
# Lemma 2 from the definition: an inefficient outcome is renegotiated in a voting equilibrium
def _switch_equilibrium(env: Environment, support: Sequence[tuple], yes: Sequence[Mapping[Any, bool]],
                        gain: Sequence[Mapping[Any, fmpq]]) -> fmpq:
    """Check that the pure votes ``yes`` form a voting equilibrium of the unanimity vote
    on the states ``support`` (posterior ∝ prior; gain[i][t]: type t of player i's gain
    from the switch, private values): every type's vote is a best response to its
    pivotal gain Σ_θ p(θ) Π_{j≠i} yes_j(θ_j) · gain_i(t).  Returns the probability of the
    switch under the prior (Σ over the support of p(θ) Π_j yes_j(θ_j)); raises
    ModelError naming a type whose vote is not a best response."""
    p = env.prior
    for i in range(env.n):
        for t in {th[i] for th in support}:
            piv = sum((p[th] for th in support if th[i] == t and all(yes[j][th[j]] for j in range(env.n) if j != i)), fmpq(0))
            g = piv * gain[i][t]
            if (yes[i][t] and g < 0) or (not yes[i][t] and g > 0):
                raise ModelError(f"type {label(t)} of {env.agents[i]}: voting {'yes' if yes[i][t] else 'no'} is not a best response")
    return sum((p[th] for th in support if all(yes[j][th[j]] for j in range(env.n))), fmpq(0))


def lemma_2_pairs(env: Environment) -> list[dict[str, Any]]:
    """Lemma 2 decided from the definition (§4.1.1, condition (1)), quasi-linear
    environment with private values, any number of players: for every state θ of positive
    probability and every alternative a inefficient at θ, the decision d = (a, 0) is
    renegotiated — ψ(d) = (a*, t′) of :func:`~exactmd.papers.neemanpavlov2007.complete_information.pareto_improvement`,
    every type votes by its preference between d and ψ(d), and that vote profile is a
    voting equilibrium (checked: every vote a best response to its pivotal gain) of the
    game at d both when d is reached at θ only and when it is reached at every state of
    positive probability; the switch happens with positive probability and type θ_i
    strictly gains, so condition (1) fails and no mechanism with decision (a, 0) at θ is
    ex post RP.  One record per pair."""
    if not _private_values(env):
        raise ModelError("Lemma 2 is about private values")
    if env.kind != "quasilinear":
        raise ModelError("Lemma 2 is decided in a quasi-linear environment (Environment.quasilinear)")
    zero = (fmpq(0),) * env.n
    out = []
    everywhere = [th for th in env.profiles() if env.prior[th] > 0]
    for th in everywhere:
        eff = efficient_alternatives(env, th)
        for a in env.outcomes:
            if a in eff:
                continue
            a2, t2 = pareto_improvement(env, th, {a: 1}, zero)  # type: ignore[misc]
            out.append(_lemma_2_record(env, th, a, (a2, t2), everywhere))
    return out


def _lemma_2_record(env: Environment, th: tuple, a: Any, proposal: Outcome, everywhere: Sequence[tuple]) -> dict[str, Any]:
    a2, t2 = proposal
    if sum(t2, fmpq(0)) > 0:
        raise ModelError(f"the proposal at {profile_label(th)} pays out {fmt(sum(t2, fmpq(0)))} more than it collects")
    gain = [{t: env.valuation(i, a2, _with(th, i, t)) + t2[i] - env.valuation(i, a, _with(th, i, t)) for t in env.types[i]}
            for i in range(env.n)]
    yes = [{t: g >= 0 for t, g in gain[i].items()} for i in range(env.n)]
    alone = _switch_equilibrium(env, [th], yes, gain)
    every = _switch_equilibrium(env, everywhere, yes, gain)
    if not all(gain[i][th[i]] > 0 for i in range(env.n)) or alone <= 0 or every <= 0:
        raise ModelError(f"the proposal at {profile_label(th)} is not accepted with a strict gain")
    return {"state": profile_label(th), "alternative": label(a),
            "proposal": {"alternative": label(a2), "transfers": [fmt(x) for x in t2]},
            "gains": [fmt(gain[i][th[i]]) for i in range(env.n)], "switch": [fmt(alone), fmt(every)]}


def _with(th: tuple, i: int, t: Any) -> tuple:
    return th[:i] + (t,) + th[i + 1:]


def _lemma_2_statement(env: Environment, n: int) -> str:
    if n == 0:
        return f"In {_where(env)} every alternative is efficient at every state of positive probability: Lemma 2 has nothing to renegotiate."
    return (f"In {_where(env)} each of the {n} decisions (a, 0) inefficient at a state θ of positive probability is renegotiated: "
            "ψ(a, 0) = (a*, t′) with Σ t′ ≤ 0 gives every player's type at θ a strict gain, and voting by preference is a voting "
            "equilibrium (each vote a best response to its pivotal gain) that switches with positive probability whether (a, 0) "
            "is reached at θ only or at every state; so condition (1) fails wherever the decision is inefficient (Lemma 2).")


def lemma_2_certificate(env: Environment) -> dict[str, Any]:
    """The records of :func:`lemma_2_pairs` as an ``exactmd-renegotiation-certificate/1``
    (question ``"lemma-2"``); ``exactmd verify`` re-checks every proposal and equilibrium."""
    pairs = lemma_2_pairs(env)
    return {"format": RP_FORMAT, "question": "lemma-2", "statement": _lemma_2_statement(env, len(pairs)),
            "environment": env.to_dict(), "pairs": pairs}


LEMMA_2_KEYS = ("format", "question", "statement", "environment", "pairs")
_PAIR_KEYS = ("state", "alternative", "proposal", "gains", "switch")


def verify_lemma_2(env: Environment, cert: Mapping[str, Any]) -> tuple[str, str]:
    """Re-check a ``lemma-2`` certificate: the pairs are exactly the inefficient (state,
    alternative) pairs, in order; each given proposal (not regenerated: it is the
    evidence) is budget-feasible, the gains and switch probabilities are recomputed and
    every vote is a best response."""
    if env.kind != "quasilinear" or not _private_values(env):
        raise _refuse("environment", "Lemma 2 is decided in quasi-linear environments with private values")
    pairs = cert["pairs"]
    if not isinstance(pairs, list):
        raise _refuse("pairs", "must be a list")
    everywhere = [th for th in env.profiles() if env.prior[th] > 0]
    want = [(profile_label(th), label(a)) for th in everywhere for a in env.outcomes if a not in efficient_alternatives(env, th)]
    if [(_object(p, f"pairs[{k}]").get("state"), p.get("alternative")) for k, p in enumerate(pairs)] != want:
        raise _refuse("pairs", f"must list the {len(want)} inefficient (state, alternative) pairs in order, each once")
    for k, rec in enumerate(pairs):
        field = f"pairs[{k}]"
        _object(rec, field, _PAIR_KEYS)
        prop = _object(rec["proposal"], f"{field}.proposal", ("alternative", "transfers"))
        if not isinstance(prop["transfers"], list) or len(prop["transfers"]) != env.n:
            raise _refuse(f"{field}.proposal.transfers", f"must be a list of {env.n} numbers")
        try:
            th = env.resolve_profile(rec["state"])
            a = env.resolve_outcome(rec["alternative"])
            a2 = env.resolve_outcome(prop["alternative"])
            t2 = tuple(_number(x, f"{field}.proposal.transfers[{j}]") for j, x in enumerate(prop["transfers"]))
            again = _lemma_2_record(env, th, a, (a2, t2), everywhere)
        except ExactMDError as e:
            raise _refuse(field, str(e)) from None
        for key in _PAIR_KEYS:
            if not _same(rec[key], again[key]):
                raise _refuse(f"{field}.{key}", f"the file says {_clip(rec[key], 60)}, the computation gives {_clip(again[key], 60)}")
    return _lemma_2_statement(env, len(pairs)), f"recomputed: {len(pairs)} proposals and their voting equilibria"
