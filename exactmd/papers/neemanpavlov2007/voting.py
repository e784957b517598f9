"""Neeman–Pavlov (2007), §4.1.1: renegotiation against a given ψ or an oracle ψ̂, through voting games.

Truth-telling in a deterministic direct mechanism (finite alternatives) against one ψ,
every ψ, or the oracle's ψ̂: condition (1), no on-path switch that a voting equilibrium
makes with some type strictly gaining (:func:`switching_equilibrium`,
:func:`switching_equilibrium_uninformed`), and condition (2), no gain from a misreport
followed by a vote (:func:`deviation_gain`, :func:`oracle_deviation_gain`), with private
values or, for two players, interdependent values, and under both readings of the votes
(undominated, or every equilibrium: :func:`rp_against_psi_any_equilibrium`).  For Example 5
(§4.1.1): every ex post IR deterministic mechanism (:func:`ex_post_ir_deterministic`) and
the first ψ that breaks one (:func:`first_breaking_psi`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.environment import Environment
from exactmd.errors import ModelError
from exactmd.lp import LinExpr, Model
from exactmd.rational import fmt

from .welfare import _cond_others, _private_values, _u, _weak_pareto_gain


@dataclass(frozen=True)
class PsiReport:
    """Ex post renegotiation-proofness of truth-telling in a deterministic direct mechanism
    against one ψ (reached decision ↦ proposed alternative), private values."""

    psi: dict[Any, Any]
    switch: str  # "" or: the on-path decision and state where a switching voting equilibrium exists
    deviation: str  # "" or: the most profitable misreport-then-vote and its exact gain
    gain: fmpq  # the largest gain from a misreport followed by renegotiation (0 if none)

    @property
    def holds(self) -> bool:
        return not self.switch and self.gain <= 0


def rp_against_psi(env: Environment, f: Mapping[tuple, Any], psi: Mapping[Any, Any]) -> PsiReport:
    """Decide Neeman–Pavlov's two conditions (§4.1.1) for truth-telling in the direct
    mechanism ``f`` (profile ↦ alternative) against ``psi``, with private values.

    Votes: a type votes for ψ(d) when it strictly prefers it and against when it strictly
    prefers d; an indifferent type may vote either way, and since the definition asks the
    conditions for *every* voting equilibrium, the choice most favourable to a switch (1)
    or to the deviator (2) is taken.  (1) fails if some on-path decision d, reached at a
    state θ with p(θ) > 0, has every player's type weakly and one strictly preferring ψ(d).
    (2) fails if some type gains, in expectation over the others' types, by misreporting,
    then voting, with the others voting as above.

    With interdependent values (two players only) the votes are those of voting
    equilibria: (1) by :func:`switching_equilibrium` at every on-path decision, (2) by
    :func:`deviation_gain`."""
    if not _private_values(env):
        if env.n != 2:
            raise ModelError("rp_against_psi decides interdependent values for two players only "
                             "(with more players the pivotal gains are multilinear in the others' votes)")
        return _against_psi_by_equilibria(env, f, psi, "undominated")
    n = env.n

    def delta(j: int, d: Any, th: tuple) -> fmpq:
        return _u(env, j, psi.get(d, d), th) - _u(env, j, d, th)

    switch = ""
    for th in env.profiles():
        if env.prior[th] == 0:
            continue
        d = f[th]
        if _weak_pareto_gain(env, psi.get(d, d), d, th):
            switch = f"at {label(d)} (state {profile_label(th)}) every type weakly prefers {label(psi.get(d, d))}, one strictly"
            break
    best, what = fmpq(0), ""
    for i in range(n):
        for ti in env.types[i]:
            cond = _cond_others(env, i, ti)
            if not cond:
                continue
            truth = sum((w * _u(env, i, f[th], th) for th, w in cond), fmpq(0))
            for tj in env.types[i]:
                dev = fmpq(0)
                for th, w in cond:
                    rep = th[:i] + (tj,) + th[i + 1:]
                    d = f[rep]
                    others_yes = all(delta(j, d, th) >= 0 for j in range(n) if j != i)
                    own = delta(i, d, th)
                    dev += w * (_u(env, i, d, th) + (own if others_yes and own > 0 else 0))
                if dev - truth > best:
                    best = dev - truth
                    what = (f"type {label(ti)} of {env.agents[i]} reports {label(tj)} and renegotiates: "
                            f"expected payoff {fmt(dev)} against {fmt(truth)} when truthful")
    return PsiReport(dict(psi), switch, what, best)


def rp_against_psi_any_equilibrium(env: Environment, f: Mapping[tuple, Any], psi: Mapping[Any, Any]) -> PsiReport:
    """Both conditions of §4.1.1 against ``psi`` with "every equilibrium voting profile"
    read literally (reading ``votes=any-equilibrium``): weakly dominated votes count.
    Two players, any values: (1) :func:`switching_equilibrium` at every on-path
    decision ψ moves (it enumerates every vote assignment), (2) :func:`deviation_gain`
    with ``votes="any"``."""
    if env.n != 2:
        raise ModelError("rp_against_psi_any_equilibrium decides two-player voting games")
    return _against_psi_by_equilibria(env, f, psi, "any")


def _against_psi_by_equilibria(env: Environment, f: Mapping[tuple, Any], psi: Mapping[Any, Any], votes: str) -> PsiReport:
    """Two players: condition (1) by :func:`switching_equilibrium` at every on-path
    decision ψ moves, condition (2) by :func:`deviation_gain` with ``votes``."""
    switch = ""
    for d in dict.fromkeys(f[th] for th in env.profiles() if env.prior[th] > 0):
        x = psi.get(d, d)
        if x != d:
            found = switching_equilibrium(env, f, d, x)
            if found:
                switch = f"at {label(d)} a voting equilibrium switches to {label(x)}: {found}"
                break
    gain, what = deviation_gain(env, f, psi, votes=votes)
    return PsiReport(dict(psi), switch, what, gain)


def rp_against_all_psi(env: Environment, f: Mapping[tuple, Any]) -> tuple[bool, list[PsiReport]]:
    """Every ψ from the mechanism's reachable decisions to the alternatives (finite):
    ``(True, reports)`` iff truth-telling is ex post RP against each one."""
    reach = list(dict.fromkeys(f[th] for th in env.profiles()))
    reports = []
    for choice in itertools.product(env.outcomes, repeat=len(reach)):
        reports.append(rp_against_psi(env, f, dict(zip(reach, choice))))
    return all(r.holds for r in reports), reports


def oracle_deviation_gain(env: Environment, f: Mapping[tuple, Any], i: int, ti: Any, tj: Any,
                          psihat: Mapping[tuple, Mapping[Any, Any]]) -> tuple[fmpq, fmpq]:
    """(truthful payoff, payoff of reporting tj and renegotiating) for type ti of player i,
    when the oracle proposes ``psihat[θ][d]`` in state θ after decision d (private values;
    others vote for a proposal they weakly prefer)."""
    cond = _cond_others(env, i, ti)
    truth = sum((w * _u(env, i, f[th], th) for th, w in cond), fmpq(0))
    dev = fmpq(0)
    for th, w in cond:
        d = f[th[:i] + (tj,) + th[i + 1:]]
        x = psihat.get(th, {}).get(d, d)
        yes = all(_u(env, j, x, th) >= _u(env, j, d, th) for j in range(env.n) if j != i)
        dev += w * (_u(env, i, x, th) if yes and _u(env, i, x, th) > _u(env, i, d, th) else _u(env, i, d, th))
    return truth, dev


def oracle_rp_against(env: Environment, f: Mapping[tuple, Any], psihat: Mapping[tuple, Mapping[Any, Any]]) -> PsiReport:
    """Both conditions of ex post *oracle* renegotiation-proofness against ``psihat``
    (state ↦ decision ↦ proposal; §4.1.1) for truth-telling in the deterministic direct
    mechanism ``f``.  Private values, any number of players: (1) no on-path state θ at
    which every player weakly, one strictly, prefers ψ̂(θ, f(θ)); (2) no type gains by
    misreporting and voting (:func:`oracle_deviation_gain`, others voting by preference).
    Interdependent values, two players: (1) :func:`switching_equilibrium` in each voting
    game (d, x) reached on the path, (2) :func:`deviation_gain` with the oracle.  The
    report's ``psi`` field holds ψ̂ as {state label: {decision: proposal}}."""
    shown = {profile_label(th): dict(m) for th, m in psihat.items()}
    if not _private_values(env):
        if env.n != 2:
            raise ModelError("oracle_rp_against decides interdependent values for two players only")
        switch = ""
        for th in env.profiles():
            d = f[th]
            x = psihat.get(th, {}).get(d, d)
            if env.prior[th] > 0 and x != d:
                found = switching_equilibrium(env, f, d, x, psihat)
                if found:
                    switch = f"at {label(d)} with the proposal {label(x)}: {found}"
                    break
        gain, what = deviation_gain(env, f, {}, psihat)
        return PsiReport(shown, switch, what, gain)
    switch = ""
    for th in env.profiles():
        d = f[th]
        x = psihat.get(th, {}).get(d, d)
        if env.prior[th] == 0 or x == d:
            continue
        if _weak_pareto_gain(env, x, d, th):
            switch = f"at {label(d)} (state {profile_label(th)}) every type weakly prefers {label(x)}, one strictly"
            break
    best, what = fmpq(0), ""
    for i in range(env.n):
        for ti in env.types[i]:
            if not _cond_others(env, i, ti):
                continue
            for tj in env.types[i]:
                truth, dev = oracle_deviation_gain(env, f, i, ti, tj, psihat)
                if dev - truth > best:
                    best = dev - truth
                    what = (f"type {label(ti)} of {env.agents[i]} reports {label(tj)} and renegotiates with the oracle: "
                            f"expected payoff {fmt(dev)} against {fmt(truth)} when truthful")
    return PsiReport(shown, switch, what, best)


def switching_equilibrium_uninformed(env: Environment, informed: int, d: Any, proposal: Any) -> str:
    """Two players, player ``1 − informed`` with a single type (interdependent values
    allowed): is there a voting equilibrium at decision d (reached at every state) in which
    the switch to ``proposal`` happens with positive probability and some type strictly
    prefers it?  The informed player's yes-set Y must contain every type that strictly
    gains and no type that strictly loses (when pivotal); the uninformed player votes yes
    only if its expected gain given θ ∈ Y is ≥ 0.  Returns a description, or "" if none."""
    if env.n != 2 or len(env.types[1 - informed]) != 1:
        raise ModelError("switching_equilibrium_uninformed needs two players, the other with one type")
    j = 1 - informed
    p = env.prior
    gains = {th[informed]: (_u(env, informed, proposal, th) - _u(env, informed, d, th),
                            _u(env, j, proposal, th) - _u(env, j, d, th), p[th]) for th in env.profiles()}
    must = [t for t, (g, _, w) in gains.items() if g > 0 and w > 0]
    free = [t for t, (g, _, w) in gains.items() if g == 0 and w > 0]
    for k in range(len(free) + 1):
        for extra in itertools.combinations(free, k):
            Y = list(must) + list(extra)
            mass = sum((gains[t][2] for t in Y), fmpq(0))
            if mass == 0:
                continue
            exp_j = sum((gains[t][2] * gains[t][1] for t in Y), fmpq(0)) / mass
            strict = any(gains[t][0] > 0 for t in Y) or exp_j > 0
            if exp_j >= 0 and strict:
                return f"the informed player's types {[label(t) for t in Y]} vote yes and the other expects {fmt(exp_j)} ≥ 0"
    return ""


def _voting_game(env: Environment, f: Mapping[tuple, Any], d: Any,
                 psihat: Mapping[tuple, Mapping[Any, Any]] | None = None, x: Any = None) -> tuple[list[tuple], list[list[Any]]]:
    """The states of positive probability at which the mechanism reaches d (and, with an
    oracle ``psihat``, at which the oracle then proposes x), and each player's types among
    them (the players' information in the voting game at d, resp. at (d, x))."""
    supp = [th for th in env.profiles() if env.prior[th] > 0 and f[th] == d
            and (psihat is None or psihat.get(th, {}).get(d, d) == x)]
    types = [sorted({th[i] for th in supp}, key=lambda t: env.types[i].index(t)) for i in range(2)]
    return supp, types


def _voting_model(env: Environment, supp: Sequence[tuple], types: Sequence[Sequence[Any]], d: Any, proposal: Any,
                  a: Sequence[Mapping[Any, str]], strict: tuple[int, Any] | None = None) -> tuple[Any, Any, list[dict[Any, Any]]]:
    """The exact LP of the voting equilibria at d in which each type votes as ``a`` says
    (Y yes, N no, M mixing): ρ_i(t) ∈ {1, 0} or a variable in [t, 1 − t] (t the model's
    strictness variable), and the pivotal gain G_i(t) = Σ_θ_j p(t, θ_j) ρ_j(θ_j) Δ_i(t, θ_j)
    ≥ 0, ≤ 0 or = 0 (posterior ∝ prior on ``supp``); ``strict`` = (i, t): that type's
    G ≥ t.  Returns (model, t, ρ)."""
    m = Model("max")
    tvar = m.var("t", 0, 1)
    rho: list[dict[Any, Any]] = [{}, {}]
    for i in range(2):
        for t in types[i]:
            if a[i][t] == "M":
                v = m.var(f"rho{i}[{label(t)}]", 0, 1)
                m.add(v - tvar >= 0, name=f"mix-low{i}[{label(t)}]")
                m.add(v + tvar <= 1, name=f"mix-high{i}[{label(t)}]")
                rho[i][t] = v
            else:
                rho[i][t] = LinExpr.of(1 if a[i][t] == "Y" else 0)
    for i in range(2):
        j = 1 - i
        for t in types[i]:
            G = LinExpr()
            for th in supp:
                if th[i] == t:
                    G = G + rho[j][th[j]] * (env.prior[th] * (_u(env, i, proposal, th) - _u(env, i, d, th)))
            tag = f"{i}[{label(t)}]"
            if a[i][t] == "Y":
                m.add(G - tvar >= 0 if strict == (i, t) else G >= 0, name=f"yes{tag}")
            elif a[i][t] == "N":
                m.add(G <= 0, name=f"no{tag}")
            else:
                m.add(G == 0, name=f"indifferent{tag}")
    return m, tvar, rho


def _undominated_votes(env: Environment, i: int, t: Any, d: Any, proposal: Any) -> str:
    """The votes of type t of player i at d that are not weakly dominated: voting yes
    only changes the outcome when the other votes yes, so yes is dominated when the
    switch loses in every state of positive probability (and strictly in one), no when it
    gains in every one.  Returns "N", "Y" or "YNM"."""
    ds = [_u(env, i, proposal, th) - _u(env, i, d, th) for th in env.profiles() if th[i] == t and env.prior[th] > 0]
    if ds and all(x <= 0 for x in ds) and any(x < 0 for x in ds):
        return "N"
    if ds and all(x >= 0 for x in ds) and any(x > 0 for x in ds):
        return "Y"
    return "YNM"


def _best_equilibrium_votes(env: Environment, game: tuple[list[tuple], list[list[Any]]], d: Any, proposal: Any,
                            voter: int, coef: Mapping[Any, fmpq], dominated: bool = False) -> tuple[fmpq, str]:
    """The largest Σ_t coef[t]·ρ_voter(t) over the voting equilibria at the on-path decision
    d in which no type casts a weakly dominated vote (``dominated=True``: over every
    voting equilibrium) — the supremum over the equilibria of each vote assignment is the
    LP maximum over their closure — with a description."""
    supp, types = game
    choices = [["YNM" if dominated else _undominated_votes(env, i, t, d, proposal) for t in types[i]] for i in range(2)]
    best: fmpq | None = None
    what = ""
    for assign in itertools.product(*choices[0], *choices[1]):
        a = [dict(zip(types[0], assign[:len(types[0])])), dict(zip(types[1], assign[len(types[0]):]))]
        m, tvar, rho = _voting_model(env, supp, types, d, proposal, a)
        m.maximize(tvar)  # the assignment has an equilibrium iff t can be > 0 (or = 0 without mixing)
        res = m.solve()
        if res.status.value != "optimal" or (res.value == 0 and "M" in assign):
            continue
        obj = LinExpr()
        for t, c in coef.items():
            obj = obj + rho[voter][t] * c
        val = obj.const
        if obj.terms:  # the objective's constant is not part of the LP
            m.maximize(LinExpr(obj.terms))
            val += m.solve().value
        if best is None or val > best:
            best = val
            what = ", ".join(f"{label(t)}: {a[voter][t]}" for t in types[voter])
    return (fmpq(0), "") if best is None else (best, what)


def deviation_gain(env: Environment, f: Mapping[tuple, Any], psi: Mapping[Any, Any],
                   psihat: Mapping[tuple, Mapping[Any, Any]] | None = None, votes: str = "undominated") -> tuple[fmpq, str]:
    """Condition (2) of §4.1.1 for two players with any values (private or interdependent):
    the largest gain, over every type, misreport and voting equilibrium, from misreporting
    and then voting, and its description ("" if no deviation gains).

    After a misreport the mechanism reaches d' = f(θ'_i, θ_j).  Where type θ_j of the other
    player reaches d' on the equilibrium path, its vote is that of a voting equilibrium at
    d' (the definition quantifies over every equilibrium: the one best for the deviator is
    taken, by exact LPs over each assignment of votes, weakly dominated votes excluded);
    where it does not, its belief is free and it may vote yes iff the switch does not lose
    at some type of the deviator (a belief on that type makes yes a best response).  The
    deviator votes yes at d' iff that gains in expectation.  Truth-telling payoffs are
    those of the mechanism's decisions (condition (1) excludes switches that change them).

    With an oracle ``psihat`` (state ↦ decision ↦ proposal; ``psi`` is then ignored) the
    proposal after a misreport is ψ̂(true state, d'): the players vote knowing (d', x),
    and the voting games are indexed by the pair — the same computation, for ex post
    oracle renegotiation-proofness (§4.1.1) with any values.

    ``votes="any"`` (reading ``votes=any-equilibrium``): every voting equilibrium counts,
    weakly dominated votes included — a type that is never pivotal may vote for a switch
    it loses from, and an off-path type may vote yes whatever the switch does to it."""
    if env.n != 2:
        raise ModelError("deviation_gain decides two-player voting games")
    if votes not in ("undominated", "any"):
        raise ModelError(f"votes={votes!r} must be 'undominated' or 'any'")
    anyvote = votes == "any"
    best, what = fmpq(0), ""
    for i in range(2):
        j = 1 - i
        for ti in env.types[i]:
            cond = _cond_others(env, i, ti)
            if not cond:
                continue
            truth = sum((w * _u(env, i, f[th], th) for th, w in cond), fmpq(0))
            for tr in env.types[i]:
                total = fmpq(0)
                by_decision: dict[Any, list[tuple[tuple, fmpq]]] = {}
                for th, w in cond:
                    d = f[th[:i] + (tr,) + th[i + 1:]]
                    total += w * _u(env, i, d, th)
                    x = psi.get(d, d) if psihat is None else psihat.get(th, {}).get(d, d)
                    by_decision.setdefault((d, x), []).append((th, w))
                parts = []
                for (d, x), states in by_decision.items():
                    if x == d:
                        continue
                    game = _voting_game(env, f, d, psihat, x)
                    on_path = set(game[1][j])
                    coef: dict[Any, fmpq] = {}
                    off = fmpq(0)
                    for th, w in states:
                        g = w * (_u(env, i, x, th) - _u(env, i, d, th))
                        if th[j] in on_path:
                            coef[th[j]] = coef.get(th[j], fmpq(0)) + g
                        elif g > 0 and (anyvote or any(env.prior[o] > 0 and _u(env, j, x, o) >= _u(env, j, d, o)
                                                       for o in env.profiles() if o[j] == th[j])):
                            off += g
                    on, cast = _best_equilibrium_votes(env, game, d, x, j, coef, anyvote) if coef else (fmpq(0), "")
                    if on + off > 0:
                        total += on + off
                        parts.append(f"at {label(d)} the switch to {label(x)} adds {fmt(on + off)}"
                                     + (f" ({env.agents[j]} votes {cast})" if cast else ""))
                if total - truth > best:
                    best = total - truth
                    what = (f"type {label(ti)} of {env.agents[i]} reports {label(tr)} and renegotiates: expected payoff "
                            f"{fmt(total)} against {fmt(truth)} when truthful" + ("; " + "; ".join(parts) if parts else ""))
    return best, what


def switching_equilibrium(env: Environment, f: Mapping[tuple, Any], d: Any, proposal: Any,
                          psihat: Mapping[tuple, Mapping[Any, Any]] | None = None) -> str:
    """Condition (1) of §4.1.1 at one reached decision, for two players with any values
    (private or interdependent, both possibly informed): is there a voting equilibrium —
    mixed strategies allowed — in which (i) the switch from ``d`` to ``proposal`` happens
    with positive probability and (ii) some type strictly gains from it when pivotal?

    The posterior is the prior on f⁻¹(d).  Player i's type t votes yes with probability
    ρ_i(t); its pivotal gain G_i(t) = Σ_θ_j q(t, θ_j) ρ_j(θ_j) Δ_i(t, θ_j) is linear in the
    other player's ρ_j, so for every assignment of each type to yes / no / mixing the
    equilibrium conditions (G ≥ 0, ≤ 0, = 0 with 0 < ρ < 1) are linear: each assignment in
    which some yes-type of each player meet at a state of positive posterior, and each
    candidate type for (ii), is one exact strict-feasibility LP.  Returns a description of
    an equilibrium, or "" if none exists.  With an oracle ``psihat`` the game is the one
    at (d, proposal): the states at which f reaches d and the oracle proposes it."""
    if env.n != 2:
        raise ModelError("switching_equilibrium decides two-player voting games")
    supp, types = _voting_game(env, f, d, psihat, proposal)
    if not supp:
        return ""
    for assign in itertools.product("YNM", repeat=len(types[0]) + len(types[1])):
        a = [dict(zip(types[0], assign[:len(types[0])])), dict(zip(types[1], assign[len(types[0]):]))]
        if not any(a[0][th[0]] != "N" and a[1][th[1]] != "N" for th in supp):
            continue  # the switch never happens
        for strict_i in range(2):
            for strict_t in types[strict_i]:
                if a[strict_i][strict_t] != "Y":
                    continue
                m, tvar, _ = _voting_model(env, supp, types, d, proposal, a, (strict_i, strict_t))
                m.maximize(LinExpr.of(tvar))
                res = m.solve()
                if res.status.value == "optimal" and res.value > 0:
                    def show(i: int) -> str:
                        return ", ".join(f"{label(t)}: {a[i][t] if a[i][t] != 'M' else fmt(res.primal[f'rho{i}[{label(t)}]'])}" for t in types[i])
                    return (f"votes (Y yes, N no, or the probability of yes) — {env.agents[0]}: {show(0)}; {env.agents[1]}: {show(1)}; "
                            f"type {label(strict_t)} of {env.agents[strict_i]} strictly gains when pivotal")
    return ""


def ex_post_ir_deterministic(env: Environment) -> list[dict[tuple, Any]]:
    """Every deterministic direct mechanism (profile ↦ alternative, finite alternatives)
    that gives every player a non-negative payoff at every profile, in a fixed order."""
    P = env.profiles()
    opts = [[x for x in env.outcomes if all(_u(env, i, x, th) >= 0 for i in range(env.n))] for th in P]
    return [dict(zip(P, choice)) for choice in itertools.product(*opts)]


def first_breaking_psi(env: Environment, f: Mapping[tuple, Any]) -> dict[Any, Any] | None:
    """The first ψ (reached decision ↦ alternative, in product order) against which
    truth-telling in ``f`` is not ex post RP; None if there is none."""
    reach = list(dict.fromkeys(f[th] for th in env.profiles()))
    for choice in itertools.product(env.outcomes, repeat=len(reach)):
        psi = dict(zip(reach, choice))
        if not rp_against_psi(env, f, psi).holds:
            return psi
    return None
