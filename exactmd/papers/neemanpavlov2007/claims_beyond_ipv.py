"""Neeman & Pavlov (2007), beyond independent private values, as claims: §4.1.4 (the
generalized Vickrey auction with interdependent values: two bidders, three bidders) and
§4.1.3 (the conjecture on correlated private values, n = 3 and n = 2).

Each claim is a :class:`exactmd.claims.Claim` in :data:`CLAIMS`; the plug-in registers them.
"""

from __future__ import annotations

from typing import Any

from flint import fmpq

from exactmd.belief import full_rank_conditionals, independent, label, profile_label
from exactmd.claims import Claim, Domain, Reading, ReadingVerdict, Verdict
from exactmd.environment import Environment
from exactmd.rational import fmt

from .interdependent import (
    bidders, generalized_vickrey, linear_auction, oracle_check_certificate, oracle_slacks, oracle_violations, single_crossing)
from .questions import solve_certified
from .welfare import _private_values, _unique_maximizer


# ---------------------------------------------------------------------------------
# §4.1.4: the generalized Vickrey auction
_GVA_WORDS = ("consider a single-good auction environment where bidders have one-dimensional signals and a single-crossing "
              "condition is satisfied")
_GVA_ROWS = ("The restrictions on the payments come from the requirement that no player should benefit from misrepresenting her "
             "type, and then renegotiating to an ex-post efficient outcome and capturing the difference in the social surplus.")

_GVA_READING = Reading(
    "seller=player+rp=oracle-rows",
    "The seller is a player with no private information and value 0 who receives the payments (mechanism and proposals balance "
    "the budget; a renegotiation needs her vote too), and ex post oracle renegotiation-proofness is decided by its rows as the "
    "paper describes them: the truthful allocation is efficient, and no type gains by misreporting and then letting the oracle "
    "renegotiate, state by state, to an efficient outcome that keeps every other player's utility.",
    _GVA_ROWS + " … " + _GVA_WORDS)

_NEVER_WINS_WORDS = ("Assume that it is never efficient to allocate a good to bidder i , but the knowledge of her signal is essential "
                     "for an efficient allocation of the good among the rest of the bidders. In a generalized Vickrey auction the "
                     "bidder i 's payment is zero. However, bidder i may wish to misrepresent her signal to force an inefficient "
                     "allocation, and later renegotiate to an efficient allocation and capture the difference in the social surplus.")

_THREE_READINGS = (
    Reading("witness=any-bidder", "The instance is a witness when the generalized Vickrey auction violates a row of ex post oracle "
            "renegotiation-proofness there (seller a player, as for the two-bidder claim).",
            "Interestingly, this is not necessarily true when there are more than two bidders."),
    Reading("witness=never-winning-bidder", "The instance is a witness of the paper's mechanism of failure: a bidder who wins at no "
            "signal profile, pays nothing, and gains by misreporting and renegotiating.", _NEVER_WINS_WORDS),
)


def _gva_text(env: Environment, viol: dict[str, fmpq], head: str = "the generalized Vickrey auction violates") -> str:
    first = next(iter(viol))
    agent = first[len("ORP["):].split(":")[0] if first.startswith("ORP[") else ""
    tail = (f"; bidder {agent} with that signal gains {fmt(viol[first] / _type_prob(env, first))} in expectation" if agent else "")
    return f"{head} {len(viol)} rows, first {first} by {fmt(viol[first])}{tail}"


def _type_prob(env: Environment, row: str) -> fmpq:
    """p_i(θ_i) of the type in an ORP row name (rows are multiplied by it)."""
    agent, rest = row[len("ORP["):].split(": ", 1)
    i = list(env.agents).index(agent)
    t = rest.split(" -> ")[0]
    ti = next(x for x in env.types[i] if label(x) == t)
    return env.prior.marginal(i)[ti]


def _gva_applicable(env: Environment, want_two: bool) -> str:
    n = bidders(env)
    if want_two and n != 2:
        return f"{n} bidders; the claim is about two"
    if not want_two and n < 3:
        return f"{n} bidders; the claim is about more than two"
    if not single_crossing(env):
        return "the single-crossing condition fails"
    if not _independent_signals(env):
        return "the signals are not independent (the paper's characterization assumes independently distributed information)"
    return ""


def _independent_signals(env: Environment) -> bool:
    p = env.prior
    margs = [p.marginal(i) for i in range(env.n)]
    return all(p[th] == _prod(margs[i][th[i]] for i in range(env.n)) for th in env.profiles())


def _prod(xs: Any) -> fmpq:
    out = fmpq(1)
    for x in xs:
        out *= x
    return out


def _decide_gva_two(env: Environment) -> Verdict:
    cid = "neemanpavlov2007/gva-two-bidders"
    inst = env.name or repr(env)
    why = _gva_applicable(env, True)
    if why:
        return Verdict(cid, "not-applicable", why, inst)
    mech = generalized_vickrey(env)
    viol = oracle_violations(env, mech)
    cert = oracle_check_certificate(env, mech)
    if viol:
        return Verdict(cid, "refuted", _gva_text(env, viol), inst, (("generalized-vickrey", cert),))
    return Verdict(cid, "confirmed", f"the generalized Vickrey auction ({_prices(env, mech)}) satisfies all "
                   f"{len(oracle_slacks(env, mech))} rows of ex post "
                   "oracle renegotiation-proofness (efficiency, budget balance, no gain from misreport-then-renegotiate)",
                   inst, (("generalized-vickrey", cert),))


def _prices(env: Environment, mech: Any) -> str:
    shown = [f"{profile_label(th[:-1])} ↦ {label(a)} at {fmt(-t[int(a[3:]) - 1])}" for th, (a, t) in list(mech.items())[:4]]
    return "; ".join(shown) + ("; …" if len(mech) > 4 else "")


def _never_winners(env: Environment, mech: Any) -> list[int]:
    n = bidders(env)
    won = {int(a[3:]) - 1 for a, _ in mech.values()}
    return [i for i in range(n) if i not in won]


def _decide_gva_three(env: Environment) -> Verdict:
    cid = "neemanpavlov2007/gva-three-bidders"
    inst = env.name or repr(env)
    why = _gva_applicable(env, False)
    if why:
        return Verdict(cid, "not-applicable", why, inst)
    mech = generalized_vickrey(env)
    viol = oracle_violations(env, mech)
    cert = oracle_check_certificate(env, mech)
    certs = (("generalized-vickrey", cert),)
    if not viol:
        none = "not a witness: the generalized Vickrey auction satisfies every row of ex post oracle renegotiation-proofness here"
        return Verdict(cid, instance=inst, readings=[ReadingVerdict("witness=any-bidder", "not-applicable", none, certs),
                                                     ReadingVerdict("witness=never-winning-bidder", "not-applicable", none, certs)])
    never = _never_winners(env, mech)
    names = [env.agents[i] for i in never]
    theirs = {r: x for r, x in viol.items() if r.startswith("ORP[") and r[4:].split(":")[0] in names}
    any_v = ReadingVerdict("witness=any-bidder", "confirmed", _gva_text(env, viol), certs)
    if theirs:
        nw = ReadingVerdict("witness=never-winning-bidder", "confirmed",
                            _gva_text(env, theirs, f"bidder {', '.join(names)} never wins and pays nothing, yet gains by "
                                      "misreporting and renegotiating, violating"), certs)
    else:
        nw = ReadingVerdict("witness=never-winning-bidder", "not-applicable",
                            ("no bidder who never wins gains here" if never else "every bidder wins at some profile")
                            + "; the failure is another bidder's", certs)
    return Verdict(cid, instance=inst, readings=[any_v, nw])


def _gva_strategy(n: int) -> Any:
    from exactmd.strategies import interdependent_auctions

    return interdependent_auctions(n_bidders=n, max_signals=3 if n == 2 else 2)


def _uniform(signals: list[list[int]]) -> Any:
    return independent(signals, [[fmpq(1, len(s))] * len(s) for s in signals])


def _gva_two_instances() -> list[tuple[str, Any]]:
    s = [[0, 1, 2], [0, 1, 2]]
    return [("symmetric-2s1-plus-s2", linear_auction(s, [[2, 1], [1, 2]], [0, 0], _uniform(s),
                                                      "two bidders, v1 = 2·s1 + s2, v2 = s1 + 2·s2, signals 0–2 uniform")),
            ("asymmetric", linear_auction(s, [[3, 1], [2, 3]], [1, 0], _uniform(s),
                                          "two bidders, v1 = 1 + 3·s1 + s2, v2 = 2·s1 + 3·s2, signals 0–2 uniform"))]


def never_winning_bidder_auction() -> Environment:
    """The paper's three-bidder story made concrete: bidder 3 (signal 0 or 1, equally likely)
    never wins (v3 = 3·s3 ≤ 3), but her signal decides between bidders 1 (v1 = 3 + 2·s3) and
    2 (v2 = 4), who have no private information; single crossing holds (3 > 2)."""
    s = [[0], [0], [0, 1]]
    return linear_auction(s, [[0, 0, 2], [0, 0, 0], [0, 0, 3]], [3, 4, 0], _uniform(s),
                          "three bidders, v1 = 3 + 2·s3, v2 = 4, v3 = 3·s3, s3 ∈ {0, 1} uniform")


# ---------------------------------------------------------------------------------
# §4.1.3: correlated private values (a conjecture for n ≥ 3; open for n = 2)
_CM_WORDS = ("When there are at least three players with correlated types, then we believe that the technique of Crémer and "
             "McLean (1985, 1988) can be adapted to establish the existence of an ex-post oracle renegotiation-proof mechanism "
             "that implements any ex-post efficient decision rule.")
_TWO_WORDS = ("We do not know yet what rules can be implemented in a way that is ex-post renegotiation-proof when there are only "
              "two players.")

_FEASIBLE_WORDS = "we require that the sum of these monetary transfer be non-positive"

_CM_READINGS = (
    Reading("budget=balanced",
            "On environments with a unique welfare maximiser in every state (so 'any ex-post efficient decision rule' is the "
            "one rule), a direct mechanism implementing it, its transfers summing to 0 at every report profile, satisfies every "
            "row of ex post oracle renegotiation-proofness (no type gains by misreporting and letting the oracle renegotiate to "
            "the efficient outcome; the rows of the proof of Proposition 3, weighted by the correlated prior). Crémer and "
            "McLean's condition: full-rank conditionals.", _CM_WORDS + " … " + "while maintaining budget balanced"),
    Reading("budget=feasible",
            "As budget=balanced, with §2's feasibility (transfers summing to at most 0): an LP without a mechanism is a "
            "refutation; a balanced witness confirms.", _CM_WORDS + " … " + _FEASIBLE_WORDS),
)
_TWO_SUPPORT = _TWO_WORDS + " It is a difficult problem, and it is possible that there is no “elegant” characterization for this case."
_TWO_READINGS = (
    Reading("budget=balanced", "The conclusion of the conjecture with two players, as budget=balanced of conjecture-correlated "
            "(the paper leaves the case open).", _TWO_SUPPORT),
    Reading("budget=feasible", "The same with transfers summing to at most 0 (§2).", _TWO_SUPPORT + " … " + _FEASIBLE_WORDS),
)


def _cm_applicable(env: Environment, n: int) -> str:
    if env.n != n:
        return f"{env.n} players; this claim is about {n}"
    if not _private_values(env):
        return "values are not private"
    if not full_rank_conditionals(env.prior):
        return "some player's conditional beliefs p(θ_-i : θ_i) do not have full row rank (the Crémer–McLean condition)"
    if not _unique_maximizer(env):
        return "some state has two welfare maximisers (the claim is decided for the unique efficient rule)"
    return ""


def _decide_cm(env: Environment, cid: str, n: int) -> Verdict:
    inst = env.name or repr(env)
    why = _cm_applicable(env, n)
    if why:
        return Verdict(cid, "not-applicable", why, inst)
    k = len(env.types[0])
    head = f"{n} players with {k} types each, full-rank conditionals: "
    bal, bcert = solve_certified(env, "oracle", "balanced")
    readings = []
    if bal.status.value == "optimal":
        readings.append(ReadingVerdict("budget=balanced", "confirmed", head + "a budget-balanced mechanism implementing the efficient "
                                       "rule satisfies every row of ex post oracle renegotiation-proofness (LP witness, exact)",
                                       (("oracle-rp-balanced", bcert),)))
        readings.append(ReadingVerdict("budget=feasible", "confirmed", "the budget-balanced witness is feasible",
                                       (("oracle-rp-balanced", bcert),)))
    else:
        readings.append(ReadingVerdict("budget=balanced", "refuted", head + "no budget-balanced mechanism implementing the efficient "
                                       "rule satisfies every row of ex post oracle renegotiation-proofness (Farkas certificate)",
                                       (("oracle-rp-balanced", bcert),)))
        fea, fcert = solve_certified(env, "oracle", "feasible")
        if fea.status.value == "infeasible":
            readings.append(ReadingVerdict("budget=feasible", "refuted", "nor one whose transfers sum to at most 0 (Farkas "
                                           "certificate)", (("oracle-rp-feasible", fcert),)))
        else:
            readings.append(ReadingVerdict("budget=feasible", "not-applicable", "a mechanism whose transfers sum to less than 0 "
                                           "somewhere meets the rows, but money left over at a truthful outcome can be handed "
                                           "back: not decided", (("oracle-rp-feasible", fcert),)))
    return Verdict(cid, instance=inst, readings=readings)


def _tie_broken(env: Environment) -> Environment:
    """The environment with player 1's value of the j-th alternative raised by j/(m + 1)
    (m alternatives): welfare differences between alternatives are then never 0, so the
    efficient rule is unique (values stay private)."""
    m = len(env.outcomes)
    bump = {a: fmpq(j, m + 1) for j, a in enumerate(env.outcomes)}
    return Environment.quasilinear(env.types, env.prior, env.outcomes,
                                   lambda i, a, th: env.valuation(i, a, th) + (bump[a] if i == 0 else 0),
                                   agents=env.agents, name=env.name + ", ties broken")


def _cm_strategy(n: int) -> Any:
    from exactmd.strategies import correlated_private_values

    return correlated_private_values(n_agents=n, max_types=3).map(_tie_broken)


def correlated_trade(weights: tuple[int, int, int, int] = (2, 1, 1, 2)) -> Environment:
    """Bilateral trade with correlated values (a two-player instance for §4.1.3): the buyer
    values the good at 0 or 3, the seller at 1 or 2; p(b, s) ∝ ``weights`` in the order
    (0, 1), (0, 2), (3, 1), (3, 2); alternatives no trade (0) and trade (1), any transfers."""
    tot = sum(weights)
    joint = {f"{b},{s}": fmt(fmpq(w, tot)) for (b, s), w in zip([(0, 1), (0, 2), (3, 1), (3, 2)], weights)}
    return Environment.quasilinear([[0, 3], [1, 2]], {"joint": joint}, [0, 1], lambda i, a, th: a * th[0] if i == 0 else -a * th[1],
                                   agents=["buyer", "seller"], name=f"correlated-trade: buyer 0 or 3, seller 1 or 2, p ∝ {weights}")


def correlated_majority() -> Environment:
    """Three players vote on a project (a three-player instance for §4.1.3): v_i(build) =
    2θ_i − 1 with θ_i ∈ {0, 1}, v_i(skip) = 0, so building is efficient iff two or more
    have θ_i = 1 (a unique maximiser in every state); p(θ) ∝ 1 + 3·[all θ_i equal]."""
    import itertools

    profiles = list(itertools.product([0, 1], repeat=3))
    w = {th: 1 + (3 if len(set(th)) == 1 else 0) for th in profiles}
    tot = sum(w.values())
    joint = {",".join(map(str, th)): fmt(fmpq(x, tot)) for th, x in w.items()}
    return Environment.quasilinear([[0, 1]] * 3, {"joint": joint}, ["skip", "build"],
                                   lambda i, a, th: 2 * th[i] - 1 if a == "build" else 0, agents=["1", "2", "3"],
                                   name="correlated-majority: build iff two of three have θ_i = 1, p ∝ 1 + 3·[unanimous]")


def two_player_table(values: dict[tuple[int, int], tuple[Any, Any, Any, Any]], weights: tuple[int, int, int, int],
                     name: str) -> Environment:
    """Two players with types 0, 1 and allocations a0, a1: ``values[(θ_1, θ_2)] = (v_1(a0),
    v_1(a1), v_2(a0), v_2(a1))`` (private: v_i depends on θ_i only), p(θ) ∝ ``weights`` in
    the order (0,0), (0,1), (1,0), (1,1)."""
    tot = sum(weights)
    order = [(0, 0), (0, 1), (1, 0), (1, 1)]
    joint = {f"{a},{b}": fmt(fmpq(w, tot)) for (a, b), w in zip(order, weights)}
    return Environment.quasilinear([[0, 1], [0, 1]], {"joint": joint}, ["a0", "a1"],
                                   lambda i, a, th: values[(int(th[0]), int(th[1]))][2 * i + (a == "a1")], name=name)


def perfectly_correlated_counterexample() -> Environment:
    """The two-player counterexample ``exactmd check neemanpavlov2007/conjecture-correlated-n2
    --seed 7`` finds and shrinks: θ_1 = θ_2 with probability 1 (full-rank conditionals: the
    identity), v_i(a0) = 0, v_1(a1) = 1/3 + θ_1, v_2(a1) = θ_2 − 1; a0 is efficient at (0, 0),
    a1 at the other states."""
    third = fmpq(1, 3)
    v = {(0, 0): (0, third, 0, -1), (0, 1): (0, third, 0, 0), (1, 0): (0, 1 + third, 0, -1), (1, 1): (0, 1 + third, 0, 0)}
    return two_player_table(v, (1, 0, 0, 1), "two players, perfectly correlated types")


def full_support_counterexample() -> Environment:
    """A two-player counterexample with a full-support prior (found by the engine's search):
    p ∝ (5, 3, 1, 7), v_1 = (2, 0) at θ_1 = 0 and (2, −1) at θ_1 = 1, v_2 = (−2, 2) at θ_2 = 0
    and (1, 0) at θ_2 = 1 (values of a0, a1)."""
    v = {(0, 0): (2, 0, -2, 2), (0, 1): (2, 0, 1, 0), (1, 0): (2, -1, -2, 2), (1, 1): (2, -1, 1, 0)}
    return two_player_table(v, (5, 3, 1, 7), "two players, full-support correlated prior (5, 3, 1, 7)/16")


def _cm_instances(n: int) -> list[tuple[str, Any]]:
    if n == 3:
        return [("correlated-majority", correlated_majority())]
    return [("correlated-trade-2-1-1-2", correlated_trade()), ("perfect-correlation", perfectly_correlated_counterexample()),
            ("full-support", full_support_counterexample())]


CLAIMS = (
    Claim(
        id="neemanpavlov2007/gva-two-bidders",
        statement="We can show that if there are two bidders then a generalized Vickrey auction (see for example Dasgupta and Maskin "
                  "(2000)) is ex-post oracle renegotiation-proof.",
        where="§4.1.4",
        decide=_decide_gva_two,
        strategy=lambda: _gva_strategy(2),
        readings=(_GVA_READING,),
        paper_instances=_gva_two_instances,
        checks="Two bidders with linear values v_i(s) = c_i + Σ_k w[i][k]·s_k on finite signal grids, single crossing "
               "(w[i][i] > w[j][i], checked exactly), independent signals; a seller with value 0 receives the payments. The "
               "generalized Vickrey auction: the good goes to a highest value (ties to the lowest index), the winner pays the "
               "highest other value at her least winning signal. Every row of the oracle-RP LP (prob, BB, EFF, ORP) is evaluated "
               "exactly at it (certificate question oracle-check, recomputed by verify); a violated row refutes.",
    ),
    Claim(
        id="neemanpavlov2007/gva-three-bidders",
        statement="Interestingly, this is not necessarily true when there are more than two bidders.",
        where="§4.1.4",
        decide=_decide_gva_three,
        strategy=lambda: _gva_strategy(3),
        readings=_THREE_READINGS,
        paper_instances=lambda: [("never-winning-bidder", never_winning_bidder_auction())],
        checks="An existential statement: an instance confirms it when the generalized Vickrey auction (as for gva-two-bidders) "
               "violates a row of ex post oracle renegotiation-proofness there, with the violated row and the liar's exact gain "
               "(certificate question oracle-check); witness=never-winning-bidder asks that the liar be a bidder who wins at no "
               "profile. Instances where the auction passes are not witnesses (not-applicable).",
    ),
    Claim(
        id="neemanpavlov2007/conjecture-correlated",
        statement=_CM_WORDS,
        where="§4.1.3 (a conjecture)",
        decide=lambda env: _decide_cm(env, "neemanpavlov2007/conjecture-correlated", 3),
        strategy=lambda: _cm_strategy(3),
        readings=_CM_READINGS,
        paper_instances=lambda: _cm_instances(3),
        checks="Three players, private values, a correlated prior with full-rank conditionals (Crémer–McLean; checked exactly), a "
               "unique welfare maximiser in every state (else not-applicable): feasibility of the exact oracle-RP LP (EFF, BB, "
               "ORP rows weighted by the joint prior): a witness mechanism confirms on the instance, a Farkas certificate refutes. "
               "A universal conjecture: random instances (two types each) say on how many it held, never that it is proved.",
    ),
    Claim(
        id="neemanpavlov2007/conjecture-correlated-n2",
        statement=_TWO_WORDS,
        where="§4.1.3 (open with two players)",
        decide=lambda env: _decide_cm(env, "neemanpavlov2007/conjecture-correlated-n2", 2),
        strategy=lambda: _cm_strategy(2),
        readings=_TWO_READINGS,
        paper_instances=lambda: _cm_instances(2),
        checks="The conjecture's conclusion with two players (the paper leaves the case open): as conjecture-correlated, with "
               "n = 2 and two or three types each. A Farkas certificate on an instance shows that there no budget-balanced "
               "mechanism implementing the efficient rule is ex post oracle renegotiation-proof, full-rank conditionals "
               "notwithstanding.",
    ),
)

__all__ = ["CLAIMS", "never_winning_bidder_auction", "correlated_trade", "correlated_majority"]
