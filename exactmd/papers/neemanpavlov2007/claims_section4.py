"""Neeman & Pavlov (2007), §4.1 (incomplete information), as claims: Proposition 3, Lemma 2
and the remark on bilateral trade after Proposition 3 (§4.1.2, independent private values),
Examples 3 and 5 (§4.1.1), Example 4 (§4.1.2) and Example 6 (§4.1.4).

Each claim is a :class:`exactmd.claims.Claim` in :data:`CLAIMS` (its ``decide``, strategy of
random instances, readings, domains and paper instances beside it).  Importing this module
registers nothing: :func:`exactmd.papers.neemanpavlov2007.plugin.register` registers
:data:`CLAIMS`.
"""

from __future__ import annotations

import itertools
from typing import Any

from flint import fmpq

from exactmd.belief import label, profile_label
from exactmd.claims import Claim, Domain, Reading, ReadingVerdict, Verdict
from exactmd.environment import Environment
from exactmd.rational import Q, fmt

from .certificates import enumeration_certificate, voting_certificate
from .claims_section3 import _decide_np_lemma1, _example2_strategy
from .examples import example_5_environment, priced_trade_environment, trade_environment
from .independent_private_values import proposition_3
from .questions import solve_certified
from .transfer_proposals import (deterministic_from_primal, lemma_2_certificate, rp_against_every_psi_with_transfers,
                                 transfer_check_certificate)
from .voting import (ex_post_ir_deterministic, first_breaking_psi, oracle_deviation_gain, rp_against_all_psi, rp_against_psi,
                     rp_against_psi_any_equilibrium, switching_equilibrium_uninformed)
from .welfare import _private_values

# Neeman & Pavlov (2007), incomplete information with independent private values (§4.1.2)
def _two_player_private_values() -> Any:
    from exactmd.strategies import private_value_environments

    return private_value_environments(n_agents=2, max_types=3, max_allocations=3)


def _decide_np_prop3(env: Environment) -> Verdict:
    cid = "neemanpavlov2007/prop-3"
    inst = env.name or repr(env)
    rep = proposition_3(env)
    if not rep.applicable:
        return Verdict(cid, "not-applicable", rep.why_not, inst)
    certs = list(rep.certificates)
    ok = bool(rep.if_holds and rep.only_if_holds)
    assert rep.orp is not None  # an applicable report has its oracle-RP LP
    exists = rep.orp.status.value == "optimal"
    summary = ("IF: every budget-balanced VCG-in-expectation mechanism satisfies every oracle-RP row" if rep.if_holds else "IF fails") + "; " + (
        ("ONLY IF: every budget-balanced oracle-RP mechanism is VCG in expectation" + ("" if exists else " (vacuous: none exists)"))
        if rep.only_if_holds else "ONLY IF fails")
    if rep.counterexample:
        summary += f" — {rep.counterexample}"
    return Verdict(cid, "confirmed" if ok else "refuted", summary, inst, tuple(certs))


def _np_prop3_strategy() -> Any:
    from hypothesis import strategies as st

    from exactmd.strategies import distributions, private_value_environments

    def with_prior(env: Environment) -> Any:
        return st.tuples(*[distributions(len(ts), full_support=True) for ts in env.types]).map(
            lambda ms: Environment.quasilinear(env.types, {"independent": [[fmt(x) for x in m] for m in ms]}, env.outcomes,
                                               {k: v for k, v in env._u.items()}))

    return private_value_environments(n_agents=2, max_types=3, max_allocations=3).flatmap(with_prior)


def _np_prop3_instances() -> list[tuple[str, Any]]:
    return [("example-3-values", trade_environment((0, 3), (1, 2), "buyer 0 or 3, seller 1 or 2, any price")),
            ("example-5-values", trade_environment((1, 5), (2, 6), "buyer 1 or 5, seller 2 or 6, any price"))]


_LEMMA2_READINGS = (
    Reading("rp=definition", "Decided from the definition of §4.1.1: at an inefficient decision, a proposal and a voting equilibrium of "
            "the voting game that switches with positive probability, a type strictly gaining (condition (1) fails), are built "
            "and checked.", "there is no equilibrium in which (i) the players change the reached decision in favor of the alternative "
            "with a positive probability; (ii) a nontrivial set of players' types strictly prefer to switch to the alternative."),
    Reading("rp=proof-step-13", "Decided by the proof's step (13): an inefficient decision has a feasible alternative every type "
            "weakly, and at the state strictly, prefers; the voting equilibrium is the proof's observation, not computed.",
            "and a feasible alternative decision $(a', t') \\in A \\times \\mathbb{R}^n$ such that"),
)


_LEMMA2_DOMAIN = Domain(
    "every mechanism and every Bayesian–Nash equilibrium of it", "decisions (a, t) with a deterministic alternative, any transfers", False,
    "the records are for t = 0; payoffs are linear in money, so the proposal t + t′ gives every type the same gains and votes "
    "after (a, t); lotteries renegotiated before their draw are not decided")


def _decide_np_lemma2(env: Environment) -> Verdict:
    cid = "neemanpavlov2007/lemma-2"

    if not _private_values(env):
        return Verdict(cid, "not-applicable", "values are not private", env.name or repr(env))
    v = _decide_np_lemma1(env)
    step = v.summary.replace("every player strictly prefers", "every player's type strictly prefers, whatever the others' types (private values)")
    cert = lemma_2_certificate(env)
    n = len(cert["pairs"])
    by_def = (f"each of the {n} inefficient (state, alternative) decisions is renegotiated in a voting equilibrium: votes by preference "
              "are checked best responses to their pivotal gains, and the switch has positive probability whether the decision "
              "is reached at that state only or at every state" if n else "no decision is inefficient at a state of positive probability")
    return Verdict(cid, instance=v.instance, readings=[
        ReadingVerdict("rp=definition", "confirmed", by_def, (("voting-equilibria", cert),)),
        ReadingVerdict("rp=proof-step-13", v.status, step, v.certificates)])


_REMARK_TEXT = ("The fact that for several economically important mechanism design problems, such as bilateral trade, regulation, "
                "and litigation and settlement, no feasible ex-post efficient mechanisms exists implies that no ex-post "
                "renegotiation-proof mechanisms exist in such mechanism design problems either.")


_REMARK_ORACLE = ("When this equivalence holds, Proposition 3 implies that there exists a feasible ex-post oracle renegotiation-proof "
                  "mechanism if and only if there exists a feasible, ex-post efficient, Bayesian incentive compatible, direct revelation mechanism.")


_REMARK_READINGS = (
    Reading("rp=ex-post", "No budget-balanced direct mechanism is ex post renegotiation-proof against every ψ (proposals with "
            "transfers), as the remark's last sentence says; feasibility is budget balance (§2), no participation constraint.",
            _REMARK_TEXT),
    Reading("rp=ex-post+ir=ex-post", "As rp=ex-post, with 'feasible' read to include ex post individual rationality "
            "(the sense in which bilateral trade has no feasible efficient mechanism).", _REMARK_TEXT),
    Reading("rp=oracle", "No budget-balanced direct mechanism is ex post oracle renegotiation-proof (the mechanisms Proposition 3 "
            "characterizes, from which the remark argues); no participation constraint.", _REMARK_ORACLE + " … " + _REMARK_TEXT),
    Reading("rp=oracle+ir=interim", "As rp=oracle, with interim individual rationality added to 'feasible'.",
            _REMARK_ORACLE + " … " + _REMARK_TEXT),
)


_REMARK_DOMAIN = Domain(
    "bilateral trade, regulation, litigation and settlement: problems with no feasible ex post efficient mechanism",
    "bilateral trade with independent uniform two-point values", False,
    "the remark's premise (no feasible efficient mechanism; Myerson–Satterthwaite needs a continuum of types) does not hold on "
    "two-point values, where efficient, ex post IR, budget-balanced mechanisms exist: these instances stand in for the problems "
    "the remark names and do not contain them")


def _ex_post_witness(env: Environment, candidates: list[Any]) -> tuple[Any, dict[str, Any]] | None:
    """The first deterministic candidate mechanism that is ex post RP against every ψ with
    transfers, with its transfer-check certificate."""

    for primal in candidates:
        mech = deterministic_from_primal(env, primal)
        if mech is not None and rp_against_every_psi_with_transfers(env, mech).holds:
            return mech, transfer_check_certificate(env, mech)
    return None


def _decide_np_remark_williams(instance: tuple[Any, Any, Any, Any]) -> Verdict:
    b1, b2, s1, s2 = (Q(x) for x in instance)
    cid = "neemanpavlov2007/remark-bilateral-trade"
    env = trade_environment((b1, b2), (s1, s2), f"buyer {fmt(b1)} or {fmt(b2)}, seller {fmt(s1)} or {fmt(s2)}, independent uniform")
    plain, c1 = solve_certified(env, "oracle")  # no participation constraint
    with_ir, c2 = solve_certified(env, "oracle-interim-ir")
    readings = [
        ReadingVerdict("rp=oracle", "refuted" if plain.status.value == "optimal" else "confirmed",
                       "a budget-balanced ex post oracle-RP mechanism exists (witness; budget balance without participation constraints "
                       "does not rule out efficiency)" if plain.status.value == "optimal" else
                       "no budget-balanced ex post oracle-RP mechanism exists (Farkas certificate)", (("oracle-rp", c1),)),
        ReadingVerdict("rp=oracle+ir=interim", "refuted" if with_ir.status.value == "optimal" else "confirmed",
                       "an interim IR, budget-balanced ex post oracle-RP mechanism exists (witness)" if with_ir.status.value == "optimal"
                       else "no interim IR, budget-balanced ex post oracle-RP mechanism exists (Farkas certificate)",
                       (("oracle-rp-interim-ir", c2),)),
    ]
    for rid, kind, lp_kind in (("rp=ex-post", "transfer-proposals", [plain]), ("rp=ex-post+ir=ex-post", "transfer-proposals-ex-post-ir", [])):
        res, cert = solve_certified(env, kind)
        ir = "ex post IR, " if rid.endswith("ex-post") and "+ir" in rid else ""
        if res.status.value == "infeasible":
            readings.append(ReadingVerdict(rid, "confirmed", f"no {ir}budget-balanced direct mechanism is ex post RP against every ψ with "
                                           "transfers: the necessary conditions (efficient outcomes; no gain from a misreport that reaches a "
                                           "forced outcome, with the best proposal after it) are infeasible (Farkas certificate)",
                                           ((f"{kind}", cert),)))
            continue
        cands = [res.primal] + [r.primal for r in lp_kind if r.status.value == "optimal"]
        found = _ex_post_witness(env, cands)
        if found is None:
            readings.append(ReadingVerdict(rid, "not-applicable", "the necessary conditions are satisfiable but no candidate mechanism "
                                           "checked is ex post RP against every ψ: not decided", ((f"{kind}", cert),)))
            continue
        mech, wcert = found
        shown = "; ".join(f"{profile_label(th)} ↦ {'trade' if a == 1 else 'no trade'}, buyer pays {fmt(-t[0])}" for th, (a, t) in mech.items())
        readings.append(ReadingVerdict(rid, "refuted", f"the {ir}budget-balanced mechanism ({shown}) is ex post RP against every ψ with "
                                       "transfers (every misreport checked against its best proposals)", ((f"{kind}-witness", wcert),)))
    note = ("What the remark needs is its premise, which two-point values do not satisfy; the conclusion 'no ex post RP mechanism' is "
            "decided here as stated and beside the oracle-RP statements Proposition 3 characterizes")
    return Verdict(cid, instance=env.name, readings=readings, note=note)


# Neeman & Pavlov (2007), §4.1 examples with finite alternatives
def _paper_instance_only() -> Any:
    """Examples fixed by the paper: `exactmd check` runs them on the paper's numbers only."""
    from hypothesis import strategies as st

    return st.just(None)


def _the_paper_instance() -> list[tuple[str, Any]]:
    return [("paper", None)]


_EXAMPLE3_READINGS = (
    Reading("votes=by-preference", "In every voting game each type votes for the proposal it weakly prefers (an indifferent type "
            "either way; weakly dominated votes are not cast), as the example's own computation has the seller with value 2 object.",
            "because the seller whose reservation value is 2 would object to renegotiation"),
    Reading("votes=any-equilibrium", "Condition (2) quantifies over every equilibrium voting profile, weakly dominated votes "
            "included: a type that is never pivotal on the path may vote for a switch it loses from.",
            "For every equilibrium voting strategy profile $(\\rho_i)_{i \\in N}$ for the collection of subgames that begin after the "
            "players have played σ the following must be true."),
)


def _decide_np_example3(_: Any) -> Verdict:
    cid = "neemanpavlov2007/example-3"
    env = priced_trade_environment((0, 3), (1, 2), (1, 2), "buyer 0 or 3, seller 1 or 2; no trade, trade at 1, trade at 2")
    f = {th: ("trade at 2" if th[0] == 3 else "no trade") for th in env.profiles()}
    ok, reps = rp_against_all_psi(env, f)
    hi = env.types[0][1]
    psihat = {th: {"no trade": "trade at 1" if th[1] == 1 else "trade at 2"} for th in env.profiles()}
    truth, dev = oracle_deviation_gain(env, f, 0, hi, env.types[0][0], psihat)
    oracle_case = {"kind": "oracle", "agent": 0, "type": label(hi), "report": label(env.types[0][0]),
                   "psihat": {profile_label(th): {label(d): label(x) for d, x in m.items()} for th, m in psihat.items()}}
    not_oracle = dev > truth
    oracle_text = (f"not oracle RP: the buyer with value 3 reports 0 and the oracle proposes trade at the seller's value: payoff "
                   f"{fmt(dev)} > {fmt(truth)}" if not_oracle else f"the oracle deviation gives {fmt(dev)}, not more than {fmt(truth)}")
    readings = []
    for rid, kind, check in (("votes=by-preference", "psi", None), ("votes=any-equilibrium", "psi-any-equilibrium", rp_against_psi_any_equilibrium)):
        rs = reps if check is None else [check(env, f, r.psi) for r in reps]
        cases = [{"kind": kind, "psi": {label(d): label(x) for d, x in r.psi.items()}} for r in rs]
        cert = voting_certificate(env, f, cases + [oracle_case])
        bad = [r for r in rs if not r.holds]
        if not bad:
            text = (f"ex post RP against all {len(rs)} ψ (largest gain from misreport-then-renegotiate: 0); {oracle_text}")
        else:
            r = bad[0]
            text = (f"not ex post RP: {len(bad)} of the {len(rs)} ψ break it, e.g. ψ = {{"
                    + ", ".join(f"{label(d)} ↦ {label(x)}" for d, x in r.psi.items() if d != x) + f"}}: {r.switch or r.deviation}; {oracle_text}")
        readings.append(ReadingVerdict(rid, "confirmed" if not bad and not_oracle else "refuted", text, ((f"voting-{rid.split('=')[1]}", cert),)))
    return Verdict(cid, instance=env.name, readings=readings)


def _decide_np_example4(_: Any) -> Verdict:
    cid = "neemanpavlov2007/example-4"
    env = priced_trade_environment((1, 5), (2,), (3, 4), "buyer 1 or 5, seller 2; no trade, trade at 3, trade at 4")
    f = {th: ("trade at 4" if th[0] == 5 else "no trade") for th in env.profiles()}
    r = rp_against_psi(env, f, {"no trade": "trade at 3"})
    cert = voting_certificate(env, f, [{"kind": "psi", "psi": {"no trade": "trade at 3"}}])
    if not r.holds:
        return Verdict(cid, "confirmed", f"not ex post RP against ψ(no trade) = trade at 3: {r.deviation} (gain {fmt(r.gain)})", env.name,
                       (("voting", cert),))
    return Verdict(cid, "refuted", "ex post RP against ψ(no trade) = trade at 3", env.name, (("voting", cert),))


def _decide_np_example6(_: Any) -> Verdict:
    cid = "neemanpavlov2007/example-6"
    pay = {("beta", "a"): (5, -5), ("beta", "b"): (1, 1)}
    env = Environment.finite([["a", "b"], ["-"]], "uniform", ["alpha", "beta"], lambda i, x, th: pay.get((x, th[0]), (0, 0))[i],
                             agents=["1", "2"], name="Example 6: player 1 a or b, player 2 uninformed")
    sw = switching_equilibrium_uninformed(env, 0, "alpha", "beta")
    b_state = next(th for th in env.profiles() if th[0] == "b")
    inefficient = sum(env.utility(i, "beta", b_state) for i in range(2)) > sum(env.utility(i, "alpha", b_state) for i in range(2))
    f = {th: "alpha" for th in env.profiles()}
    both = rp_against_psi(env, f, {"alpha": "beta"})  # conditions (1) and (2) by voting equilibria (two players)
    cert = voting_certificate(env, f, [{"kind": "uninformed", "informed": 0, "decision": "alpha", "proposal": "beta"},
                                       {"kind": "psi", "psi": {"alpha": "beta"}}])
    if not sw and both.holds and inefficient:
        return Verdict(cid, "confirmed", "no voting equilibrium switches from α to β (player 1 votes yes in both types; player 2 then expects (−5 + 1)/2 = −2 < 0), so always-α is RP against β; it is not ex post efficient in state b (β gives 2 > 0)", env.name,
                       (("voting", cert),))
    return Verdict(cid, "refuted", sw or both.switch or both.deviation or "always-α is ex post efficient", env.name, (("voting", cert),))


def _decide_np_example5(prices: tuple[Any, ...]) -> Verdict:
    cid = "neemanpavlov2007/example-5"
    env = example_5_environment(prices)
    P = env.profiles()
    menu = "{" + ", ".join(fmt(Q(p)) for p in prices) + "}"
    # proposals=menu: with ex post IR (not in the example's statement), every mechanism on the menu is broken
    ir_certs: list[tuple[str, dict[str, Any]]] = [("ex-post-IR-mechanisms", enumeration_certificate(env))]
    ir = ex_post_ir_deterministic(env)
    unbroken = 0
    for k, f in enumerate(ir):
        psi = first_breaking_psi(env, f)
        if psi is None:
            unbroken += 1
            continue
        ir_certs.append((f"ex-post-IR-mechanism-{k}", voting_certificate(
            env, f, [{"kind": "psi", "psi": {label(d): label(x) for d, x in psi.items()}}])))
    rres, rcert = solve_certified(env, "random-rp-ex-post-ir")
    ir_certs.append(("random-ex-post-ir", rcert))
    n = len(ir)
    ir_text = (f"with ex post IR (which the example does not state): {'none' if not unbroken else unbroken} of the {n} deterministic "
               f"mechanisms on the menu {'is' if unbroken <= 1 else 'are'} ex post RP"
               + (" (each has a breaking ψ)" if not unbroken else "")
               + ("; no random one renegotiated after its draw is (Farkas certificate of the LP over lotteries)"
                  if rres.status.value == "infeasible" else "; a random one renegotiated after its draw is (witness of the LP over lotteries)"))
    # without a participation constraint: the first deterministic mechanism that is RP against every ψ on the menu
    witness = None
    for choice in itertools.product(env.outcomes, repeat=len(P)):
        f = dict(zip(P, choice))
        if first_breaking_psi(env, f) is None:
            witness = f
            break
    menu_certs = list(ir_certs)
    if witness is None:
        menu_status = "confirmed"
        menu_text = (f"no deterministic mechanism on the menu {menu} is ex post RP against every ψ into the menu, even without a "
                     f"participation constraint; {ir_text}")
    else:
        # every ψ into the continuum: a price matters only where a player's payoff from it equals its payoff at a
        # reached decision (a vote or the best proposal changes there), so the menu extended by those prices decides it
        reach = list(dict.fromkeys(witness[th] for th in P))
        cut = {Q(p) for p in prices}
        for th in P:
            for d in reach:
                for c in (th[0] - env.utility(0, d, th), th[1] + env.utility(1, d, th)):
                    if 2 <= c <= 5:
                        cut.add(c)
        wide = example_5_environment(tuple(sorted(cut)))
        fw = {th: witness[th] for th in P}
        ok, _ = rp_against_all_psi(wide, fw)
        cases = [{"kind": "psi", "psi": {label(d): label(x) for d, x in zip(reach, c)}}
                 for c in itertools.product(wide.outcomes, repeat=len(reach))]
        menu_certs.append(("rp-without-ir", voting_certificate(wide, fw, cases)))
        shown = ", ".join(f"{profile_label(th)} ↦ {label(x)}" for th, x in witness.items())
        bad = [th for th in P if _example5_welfare(env, witness[th], th) < max(_example5_welfare(env, x, th) for x in env.outcomes)]
        why = ("; it trades inefficiently at " + ", ".join(profile_label(th) for th in bad)
               + ", where no alternative is better for both, and no misreport gains once renegotiated") if bad else ""
        menu_status = "refuted" if ok else "confirmed"
        menu_text = (f"without a participation constraint the deterministic mechanism ({shown}) is ex post RP against every ψ into "
                     f"no trade or a price in [2, 5] (checked on the menu {{{', '.join(fmt(c) for c in sorted(cut))}}}: the menu and every "
                     f"price at which a player's payoff equals its payoff at a reached decision, the only prices at which a vote or "
                     f"the best proposal changes){why}; {ir_text}" if ok else
                     "the deterministic mechanism that resists every ψ into the menu is broken by a price off the menu; " + ir_text)
    tres, tcert = solve_certified(env, "menu-transfer-proposals")
    tr_certs = (("transfer-proposals", tcert),)
    if tres.status.value == "infeasible":
        rows = [r for r, y in (tres.farkas or {}).items() if y != 0 and r.startswith("RP2[")]
        tr_status = "confirmed"
        tr_text = ("mechanisms choose lotteries over no trade and trade at p ∈ [2, 5] (no other transfers), proposals "
                   "ψ(a) = (a′, t′) may move money (Σ t′ ≤ 0): no mechanism, deterministic or random, is ex post RP against every "
                   "such ψ — the necessary conditions (efficient outcomes; no gain from a misreport that reaches a forced outcome, "
                   "with the best proposal after it) are infeasible (Farkas certificate; its weights fall on "
                   + ", ".join(rows) + "). A lottery over [2, 5] gives at every state the expected payoffs of one over trade at 2 "
                   "and trade at 5 with the same trade probability, so the menu decides the continuum")
    else:
        tr_status = "not-applicable"
        tr_text = "the necessary conditions with proposals that move money are satisfiable on this menu: not decided"
    cont = _example5_domain()
    readings = []
    for timing in ("after-lottery", "before-lottery"):
        when = ("renegotiated after the lottery is drawn" if timing == "after-lottery" else
                "renegotiated before the lottery is drawn (footnote 6)")
        readings.append(ReadingVerdict(f"proposals=menu+timing={timing}", menu_status,
                                       f"{menu_text}. Random mechanisms {when}: a deterministic witness has no lottery" if menu_status == "refuted"
                                       else menu_text, tuple(menu_certs), cont if menu_status == "refuted" else _price_menu_domain(menu)))
        readings.append(ReadingVerdict(f"proposals=with-transfers+timing={timing}", tr_status,
                                       f"{tr_text}; forced outcomes are degenerate, so the conditions are the same {when.split(' (')[0].replace('renegotiated ', 'whether renegotiated ')} or not"
                                       if tr_status == "confirmed" else tr_text, tr_certs, cont if tr_status == "confirmed" else _price_menu_domain(menu)))
    note = ("The example's claim holds when proposals may carry transfers (§4.1.1 writes ψ(a, t) = (a′, t′) ∈ A × ℝⁿ) and fails when "
            "they are alternatives of the example only; the paper's argument (the buyer can secure price 2, the seller price 5) "
            "uses proposals at prices the mechanism need not use") if menu_status != tr_status else ""
    return Verdict(cid, instance=env.name, readings=readings, note=note)


def _example5_welfare(env: Environment, x: Any, th: tuple) -> Any:
    return env.utility(0, x, th) + env.utility(1, x, th)


_EXAMPLE_5_ALTERNATIVES = ("The set of social alternatives consists of a continuum of alternatives: “no trade,” and “trade at the price p ,” "
                           "where $p \\in [2, 5]$.")


_PSI_WITH_TRANSFERS = "$$\\psi : \\{(a, t) \\in A \\times \\mathbb{R}^n \\mid \\exists \\tilde{\\sigma} \\in S : m(\\tilde{\\sigma}) = (a, t)\\} \\rightarrow A \\times \\mathbb{R}^n.$$"


_FOOTNOTE_6 = "⁶The outcome may involve a lottery. If so, ex-post renegotiation takes place before the lottery is carried through."


def _example5_readings() -> tuple[Reading, ...]:
    out = []
    for timing in ("after-lottery", "before-lottery"):
        when = ("A random mechanism is renegotiated after its lottery is drawn: ψ sees the alternative drawn."
                if timing == "after-lottery" else "A random mechanism is renegotiated before its lottery is drawn: ψ sees the lottery.")
        t_support = "" if timing == "after-lottery" else " … " + _FOOTNOTE_6
        out.append(Reading(f"proposals=menu+timing={timing}",
                           "Mechanisms and renegotiation proposals ψ(a) choose among the example's alternatives only (no trade, or trade "
                           "at a price in [2, 5]), without further transfers. " + when, _EXAMPLE_5_ALTERNATIVES + t_support))
        out.append(Reading(f"proposals=with-transfers+timing={timing}",
                           "Mechanisms choose among the example's alternatives; a renegotiation proposal ψ(a, t) = (a′, t′) may also "
                           "move money between the players (Σ t′ ≤ 0). " + when,
                           _EXAMPLE_5_ALTERNATIVES + " … " + _PSI_WITH_TRANSFERS + t_support))
    return tuple(out)


def _example5_domain() -> Domain:
    return Domain("a continuum of alternatives: no trade, and trade at p ∈ [2, 5]", "no trade and trade at p ∈ [2, 5]", True,
                  "decided for every mechanism and every ψ into the continuum: a lottery over [2, 5] gives the expected payoffs of one "
                  "over the menu's end points, and a price decides a vote or a best proposal only where a player's payoff "
                  "equals its payoff at a reached decision, so a finite menu containing those prices decides every ψ")


def _price_menu_domain(menu: str) -> Domain:
    return Domain("a continuum of alternatives: no trade, and trade at p ∈ [2, 5]", f"price menu {menu}", False,
                  "a finite menu of prices in [2, 5] containing 2 and 5: the prices between the listed ones are omitted, "
                  "as alternatives of a mechanism and of a proposal ψ")


def _example5_instances() -> list[tuple[str, Any]]:
    return [("prices-2-3-4-5", (2, 3, 4, 5)), ("prices-step-1-2", (2, "5/2", 3, "7/2", 4, "9/2", 5))]


def _example5_strategy() -> Any:
    from hypothesis import strategies as st

    return st.lists(st.integers(1, 17), min_size=0, max_size=3, unique=True).map(
        lambda ks: tuple([2] + [fmpq(12 + k, 6) for k in sorted(ks)] + [5]))


CLAIMS = (
    Claim(
        id="neemanpavlov2007/prop-3",
        statement="Consider an incomplete information mechanism design environment with independent private values. In such an environment, a feasible mechanism is ex-post oracle renegotiation-proof if and only if it is a VCG in expectation mechanism.",
        where="§4.1.2, Proposition 3 (proof in the appendix)",
        decide=_decide_np_prop3,
        strategy=_np_prop3_strategy,
        paper_instances=_np_prop3_instances,
        checks="Direct type-report mechanisms with lotteries and ex post budget balance. Oracle RP is taken in the form the proof derives: truthful outcomes efficient (Lemma 2) and, for each player and pair of types, E[U_i(θ; θ)] ≥ E[S(θ) − Σ_{j≠i} U_j(θ'_i, θ_-i; θ)] (the inequality before (16)). IF: each such row's minimum over the budget-balanced VCG-in-expectation mechanisms (exact LP per row) is ≥ its right side; ONLY IF: over the oracle-RP set, the expected VCG residual E[t_i − Σ_{j≠i} v_j] is the same for consecutive types (min = max = 0). The oracle-RP rows themselves are the paper's characterization, not re-derived from the voting game.",
    ),
    Claim(
        id="neemanpavlov2007/lemma-2",
        statement="In an incomplete information mechanism design environment with independent private values, an ex-post renegotiation-proof Bayesian-Nash equilibrium is ex-post efficient.",
        where="§4.1.2, Lemma 2 (proof in the appendix)",
        decide=_decide_np_lemma2,
        strategy=_two_player_private_values,
        readings=_LEMMA2_READINGS,
        domains=(_LEMMA2_DOMAIN,),
        paper_instances=_np_prop3_instances,
        checks="rp=definition: for every state θ of positive probability and alternative a inefficient at θ, the decision (a, 0), the proposal (a*, t′) of Lemma 1 and the votes by preference; each vote is checked a best response to its exact pivotal gain in the voting game where (a, 0) is reached at θ only and where it is reached at every state, and the switch probability is positive (certificate question 'lemma-2', re-checked by verify). rp=proof-step-13: the alternative (a*, t′) with Σ t′ ≤ 0 that every type strictly prefers (exact).",
    ),
    Claim(
        id="neemanpavlov2007/remark-bilateral-trade",
        statement=_REMARK_TEXT,
        where="§4.1.2, Remark after Proposition 3",
        decide=_decide_np_remark_williams,
        strategy=_example2_strategy,
        readings=_REMARK_READINGS,
        domains=(_REMARK_DOMAIN,),
        paper_instances=lambda: [("example-5-values", (1, 5, 2, 6)), ("example-3-values", (0, 3, 1, 2))],
        checks="Bilateral trade with independent uniform two-point values, no trade or trade at any price, ex post budget balance. rp=oracle / rp=oracle+ir=interim: feasibility of the oracle-RP LP of Proposition 3's characterization, without and with interim IR. rp=ex-post / rp=ex-post+ir=ex-post: one LP of necessary conditions for ex post RP against every ψ with transfers (proposals.transfer_proposals_model; Farkas when none exists), and otherwise a candidate deterministic mechanism (the LP's solution, or the oracle-RP witness) checked against every ψ with transfers exactly (transfer-check certificate).",
    ),
    Claim(
        id="neemanpavlov2007/example-3",
        statement="This mechanism is ex-post renegotiation-proof. … However, the mechanism is not ex-post oracle renegotiation-proof because the expected payoff to the buyer whose valuation is 3 if she announces that its valuation is zero and then renegotiates … is 1/2·2 + 1/2·1 = 3/2 > 1.",
        where="§4.1.1, Example 3",
        decide=_decide_np_example3,
        strategy=_paper_instance_only,
        readings=_EXAMPLE3_READINGS,
        paper_instances=_the_paper_instance,
        checks="The paper's instance (no random variants). Every ψ from the reachable decisions {no trade, trade at 2} to the three alternatives (9 maps): condition (1) (no switching voting equilibrium on path) and condition (2) (no type gains by misreporting and voting), private values, indifferent votes resolved in favour of renegotiation — exact expected payoffs; under votes=any-equilibrium the same 9 ψ with every voting equilibrium of the two-player games (weakly dominated votes included; exact LPs per vote assignment). Then the paper's oracle ψ̂ (trade at the seller's value after no trade): the buyer's exact payoff.",
    ),
    Claim(
        id="neemanpavlov2007/example-4",
        statement="despite the fact that the Bayesian-Nash equilibrium is both ex-post efficient and in dominant strategies, it is not ex-post renegotiation-proof according to our definition",
        where="§4.1.2, Example 4",
        decide=_decide_np_example4,
        strategy=_paper_instance_only,
        paper_instances=_the_paper_instance,
        checks="The paper's instance: the mechanism 'trade at 4 iff the buyer asks', ψ(no trade) = trade at 3; conditions (1) and (2) of §4.1.1 with exact expected payoffs (the buyer with value 5 says no, the seller with value 2 accepts trade at 3).",
    ),
    Claim(
        id="neemanpavlov2007/example-6",
        statement="A mechanism that always reaches the decision α is ex-post renegotiation-proof against the alternative decision β … Such a mechanism is not ex-post efficient in state b.",
        where="§4.1.4, Example 6",
        decide=_decide_np_example6,
        strategy=_paper_instance_only,
        paper_instances=_the_paper_instance,
        checks="The paper's instance (interdependent values): every yes-set of player 1's types consistent with its strict preferences, and player 2's exact expected gain given a yes vote; a switching equilibrium exists iff some yes-set gives player 2 an expected gain ≥ 0 with a strict gain somewhere. Cross-checked by rp_against_psi for two players with interdependent values: condition (1) by the mixed-vote equilibrium LPs of switching_equilibrium, condition (2) (here a deviation in votes only: the mechanism ignores reports) by deviation_gain. Efficiency in state b by exact comparison.",
    ),
    Claim(
        id="neemanpavlov2007/example-5",
        statement="Buyer values 1 or 5, seller costs 2 or 6 (equally likely); alternatives: no trade, trade at p ∈ [2, 5]. There does not exist any ex-post renegotiation-proof mechanism for this environment.",
        where="§4.1.1, Example 5",
        decide=_decide_np_example5,
        strategy=_example5_strategy,
        readings=_example5_readings(),
        domains=(_example5_domain(),),
        paper_instances=_example5_instances,
        checks="Four readings: proposals from the example's alternatives only, or with transfers (ψ(a, t) = (a′, t′) ∈ A × ℝⁿ), each with a random mechanism renegotiated after or before its lottery is drawn; mechanisms choose among the alternatives (no transfers). Menu proposals: the first deterministic mechanism that is ex post RP against every ψ without a participation constraint, re-checked against every ψ on the menu extended by every price at which a player's payoff equals its payoff at a reached decision (which decides every ψ into [2, 5]); with ex post IR, every deterministic mechanism on the menu (enumerated, each with a breaking ψ) and the random ones (one LP over lotteries, Farkas). Proposals with transfers: one LP of necessary conditions over lotteries (efficient outcomes; no gain from a misreport that reaches a forced outcome, with the best proposal after it; proposals.transfer_proposals_model), infeasible with a Farkas certificate; a lottery over [2, 5] has the expected payoffs of one over {2, 5}, so the menu decides the continuum."
    ),
)
