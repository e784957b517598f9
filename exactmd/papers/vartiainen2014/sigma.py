"""The strategy σ of (5)–(6) (Vartiainen 2014, §4, Theorem 1 and Proposition 1), built on
the beliefs it reaches and checked against Definitions 1–3 exactly.

What the construction reduces to on Δ (the derivation is in docs/commitment.md, "σ of
(5)–(6)"):

1. **UC* on Δ.**  By the revelation theorem (:mod:`.covering`) every iterate UCᵗ on Δ is
   UC⁰, so under each reading of UC* (∩, limit, ∪)

       UC* = {p : V*(p) < v̄(p) + ε},   V*(p) = max{v(f, p) : f ∈ IC(p)},

   decided at each belief by one exact LP (its mechanism certificate).  Nothing here is a
   grid: membership is decided at the very beliefs σ reaches.
2. **Phases.**  A phase H_{p,r} of (5) is anchored at a belief p ∈ UC* (or the prior).
   At an anchor p ∈ UC* the test "(r∘r') ∉ IC(p) or v(r∘r', p) − ε ≤ v̄(p)" always
   holds (an IC mechanism is worth at most V*(p) < v̄(p) + ε), so (5)–(6) branch on
   P(r', p|h) ⊆ UC* only; and the redesign ρ^{p,r}(s) of a blocking plan is r^{p'} at a
   posterior p' ∉ UC* and keeps the signal at p' ∈ UC* (no redesign there is worth
   v̄(p') + ε: blocking clause (i) fails).  So σ depends on the current belief p and the
   status quo x = g(s) only:

       σ(p, x) = r^p                                  if p ∉ UC*,
                 the action of the reading (below)    if p ∈ UC*.

3. **r^p** (the choice the paper leaves open: a UC*-covering device no other covering
   device beats by ε).  Every covering device is IC, so worth at most V*(p); the fully
   revealing device of an IC optimum covers p (revelation theorem), so it is an exact
   maximiser.  The engine takes the fully revealing device of an IC outcome function
   that is *planner-optimal at every θ ∈ supp p* when one exists (its value is then
   V*(p)), and otherwise of the V*(p) LP optimum.  Its signal ``θ:x`` names the profile
   that sends it; its posterior is δ_θ, also off the support (where the paper leaves the
   posterior free).
4. **The action at p ∈ UC*** (two readings, :data:`UC_ACTIONS`):

   - ``keep`` — σ(h) = 1_s: the status quo g(s) is implemented, as the first line of (6)
     writes it;
   - ``best-constant`` — σ implements a v̄-attaining outcome: it keeps the signal when
     v(g(s), p) = v̄(p), else plays the constant 1_{x(p)} (x(p) the first maximiser in
     outcome order), as the proof's ε-optimality step takes for granted ("Thus 1_s ∈
     arg max_{s'} v(1_{s'}, p|h') = v̄(p|h')").

History classes.  σ plays constants and fully revealing devices only, so the beliefs it
reaches from the prior are the prior and vertices δ_θ (:meth:`Sigma.universe`).  At each
reached belief p every status quo x ∈ X is the class of a genuine history (the path to p
followed by the constant 1_x), so the classes checked are U × X.

Checks at a class (p, x), with C^σ(h) = {r ∈ IC(p) : σ keeps every signal of r}:

- Definition 1: σ(p, x) ∈ C^σ(h) — σ keeps every signal of σ(p, x) (exact);
- Definition 3: V*(p) bounds sup C^σ(h); v(σ(p, x), p) ≥ V*(p) − ε proves it (LP
  certificate), otherwise a device of C^σ(h) worth more than v(σ(p, x), p) + ε refutes it;
- Definition 2 (depends on p only): under ``keep`` every final signal of r∘σ has its
  posterior in UC* (kept signals at p' ∈ UC*, and the vertex posteriors of r^{p'}, which
  are in UC* by Lemma 1 — each vertex's V* LP is part of the certificate), so σ keeps it:
  it holds for every r.  Under ``best-constant`` r = 1_y refutes it wherever Definition 1
  fails at (p, y) (then r∘σ = σ(p, y) is IC but not in C^σ(h)); otherwise it holds for
  every r whose posteriors outside UC* lie in U when σ keeps r^b's signals at each such b
  with supp b ⊆ supp p, and is *not decided* when it does not at some such b.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from ...belief import Belief, label, profile_label
from ...environment import Environment
from ...errors import ModelError
from ...rational import fmt
from .commitment import Composite, _check_belief, _need_finite, check_eps, commitment_value, constant, planner_value, vbar
from .covering import fully_revealing
from exactmd.constraints import Fixed, fvar
from exactmd.design import optimal_mechanism

__all__ = ["UC_ACTIONS", "STOP", "BeliefFacts", "SigmaState", "Sigma", "sigma_analysis", "analysis_statement",
           "MAX_SIGMA_PROFILES", "MAX_SIGMA_OUTCOMES"]

#: the readings of σ's action at a belief in UC*
UC_ACTIONS = ("keep", "best-constant")

STOP = "stop"

#: size limits, checked before any work (|Θ| and |X|)
MAX_SIGMA_PROFILES = 64
MAX_SIGMA_OUTCOMES = 16


@dataclass(frozen=True)
class BeliefFacts:
    """What σ needs at one belief: v̄(p), x(p), V*(p) with its certificate, p ∈ UC*, and
    for p ∉ UC* the device r^p, how it was chosen and the ex-post-optimal LP's certificate."""

    belief: Belief
    vbar: fmpq
    xbar: Any
    V: fmpq
    in_uc: bool
    star_certificate: dict[str, Any]
    star_device: Composite  # the fully revealing device of the V*(p) optimum
    device: Composite | None  # r^p (p ∉ UC*)
    choice: str | None  # "ex-post-optimal" or "commitment optimum"
    expost_certificate: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {"belief": self.belief.to_dict(), "vbar": fmt(self.vbar), "x(p)": label(self.xbar),
                "commitment value": fmt(self.V), "in UC*": self.in_uc, "V* lp": self.star_certificate,
                "r^p": None if self.device is None else self.device.to_dict(), "r^p choice": self.choice,
                "ex post optimal lp": self.expost_certificate}


@dataclass(frozen=True)
class SigmaState:
    """Definitions 1–3 at one history class (p, status quo x); each verdict is
    ``(status, reason)`` with status ``holds``, ``holds on U``, ``not decided`` or ``fails``."""

    belief: Belief
    status_quo: Any
    action: Any  # STOP or a Composite
    value: fmpq
    strategic: tuple[str, str]
    structural: tuple[str, str]
    eps_optimal: tuple[str, str]

    @property
    def failed(self) -> list[str]:
        return [name for name, (st, _) in (("Definition 1 (strategic consistency)", self.strategic),
                                           ("Definition 2 (structural consistency)", self.structural),
                                           ("Definition 3 (ε-optimality)", self.eps_optimal)) if st == "fails"]

    def to_dict(self) -> dict[str, Any]:
        return {"belief": self.belief.to_dict(), "status quo": label(self.status_quo),
                "sigma": STOP if self.action is STOP else self.action.to_dict(), "value": fmt(self.value),
                "strategic consistency": list(self.strategic), "structural consistency": list(self.structural),
                "eps-optimality": list(self.eps_optimal)}


def _belief_text(p: Belief) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in p.to_dict().items()) + "}"


class Sigma:
    """σ of (5)–(6) for ``env`` from ``prior`` with ε = ``eps`` under the reading ``uc_action``
    (see the module docstring); facts per belief are computed once."""

    def __init__(self, env: Environment, prior: Belief, eps: Any, uc_action: str) -> None:
        _need_finite(env)
        _check_belief(env, prior, "prior")
        if uc_action not in UC_ACTIONS:
            raise ModelError(f"uc_action={uc_action!r} must be one of {', '.join(UC_ACTIONS)}")
        n = len(env.profiles())
        if n > MAX_SIGMA_PROFILES or len(env.outcomes) > MAX_SIGMA_OUTCOMES:
            raise ModelError(f"σ is built for at most {MAX_SIGMA_PROFILES} profiles and {MAX_SIGMA_OUTCOMES} outcomes; "
                             f"this environment has {n} profiles and {len(env.outcomes)} outcomes")
        self.env, self.prior, self.eps, self.uc_action = env, prior, check_eps(eps), uc_action
        self._facts: dict[Belief, BeliefFacts] = {}

    # -- beliefs --------------------------------------------------------------------
    def facts(self, p: Belief) -> BeliefFacts:
        if p not in self._facts:
            env = self.env
            vb, xb = vbar(env, p)
            star = commitment_value(env, p)
            assert star.value is not None and star.mechanism is not None  # IC(p) holds the constants: optimal
            V = star.value
            in_uc = V - self.eps < vb
            dev = choice = expost = None
            if not in_uc:
                fixed = {fvar(x, th): 0 for th in p.support() for x in env.outcomes
                         if env.value(x, th) < max(env.value(y, th) for y in env.outcomes)}
                res = optimal_mechanism(env, ["IC", Fixed(fixed)], "planner", belief=p, lazy=False)
                expost = res.certificate
                if res.status == "optimal" and res.mechanism is not None:
                    if res.value != V:  # pragma: no cover - an IC ex-post-optimal f is worth E_p max v ≥ V*(p)
                        raise ModelError("internal: the ex-post-optimal IC outcome function is not worth V*(p)")
                    dev, choice = fully_revealing(env, res.mechanism), "ex-post-optimal"
                else:
                    dev, choice = fully_revealing(env, star.mechanism), "commitment optimum"
            self._facts[p] = BeliefFacts(p, vb, xb, V, in_uc, star.certificate, fully_revealing(env, star.mechanism),
                                         dev, choice, expost)
        return self._facts[p]

    def vertex(self, th: tuple) -> Belief:
        return Belief(self.env.types, {th: 1})

    def signal_posterior(self, device: Composite, s: Any, p: Belief) -> Belief:
        """The posterior after signal s of a device σ plays at p: p itself for a constant
        (sent at every profile), δ_θ for a fully revealing signal ``θ:x`` (on or off supp p)."""
        senders = [th for th in device.device.profiles() if device.device.prob(s, th) != 0]
        if len(senders) == 1 and len(self.env.profiles()) > 1:
            return self.vertex(senders[0])
        return p

    # -- σ --------------------------------------------------------------------------
    def keeps(self, q: Belief, y: Any) -> bool:
        """σ(h) = 1_s at a history with belief q and status quo y = g(s)."""
        f = self.facts(q)
        if not f.in_uc:
            return False
        if self.uc_action == "keep":
            return True
        return sum((q[th] * self.env.value(y, th) for th in q.support()), fmpq(0)) == f.vbar

    def action(self, q: Belief, y: Any) -> Any:
        """σ at a history with belief q and status quo y: STOP, r^q or 1_{x(q)}."""
        f = self.facts(q)
        if not f.in_uc:
            assert f.device is not None
            return f.device
        return STOP if self.keeps(q, y) else constant(self.env, f.xbar)

    def value(self, q: Belief, y: Any, act: Any) -> fmpq:
        if act is STOP:
            return sum((q[th] * self.env.value(y, th) for th in q.support()), fmpq(0))
        return planner_value(self.env, act.outcome, q)

    def successors(self, device: Composite, q: Belief) -> list[tuple[Any, Belief, Any]]:
        """(signal, posterior, outcome) for every signal of ``device`` (on and off supp q)."""
        return [(s, self.signal_posterior(device, s, q), device.g[s]) for s in device.device.signals()]

    def universe(self) -> list[Belief]:
        """The beliefs reached from the prior under σ (its devices' posteriors, closed), in
        order of discovery."""
        seen: dict[Belief, None] = {self.prior: None}
        frontier = [self.prior]
        while frontier:
            nxt = []
            for q in frontier:
                for y in self.env.outcomes:
                    act = self.action(q, y)
                    if act is STOP:
                        continue
                    for _, b, _ in self.successors(act, q):
                        if b not in seen:
                            seen[b] = None
                            nxt.append(b)
            frontier = nxt
        return list(seen)

    # -- Definitions 1–3 ------------------------------------------------------------
    def _strategic(self, q: Belief, y: Any, act: Any) -> tuple[str, str]:
        if act is STOP:
            return "holds", "σ keeps the signal; after 1_s the belief and status quo are unchanged, and σ keeps it again"
        for s, b, x in self.successors(act, q):
            if not self.keeps(b, x):
                return "fails", (f"after σ(h)'s signal {label(s)} (posterior {_belief_text(b)}, outcome {label(x)}) σ redesigns "
                                 f"({'b ∉ UC*' if not self.facts(b).in_uc else f'v({label(x)}, b) < v̄(b) = {fmt(self.facts(b).vbar)}'})"
                                 ": σ(h) ∉ C^σ(h)")
        return "holds", "σ(h) is IC at p and σ keeps each of its signals: σ(h) ∈ C^σ(h)"

    def _in_choice_set(self, device: Composite, q: Belief) -> bool:
        return all(self.keeps(b, x) for _, b, x in self.successors(device, q))

    def _eps(self, q: Belief, y: Any, val: fmpq) -> tuple[str, str]:
        f, e = self.facts(q), self.eps
        if val >= f.V - e:
            return "holds", (f"v(σ(h), p) = {fmt(val)} ≥ V*(p) − ε = {fmt(f.V - e)}, and V*(p) bounds v over IC(p) ⊇ C^σ(h) "
                             "(LP certificate)")
        cands = [("the fully revealing device of the V*(p) optimum", f.star_device, f.V)]
        cands.append((f"the constant 1_{label(f.xbar)}", constant(self.env, f.xbar), f.vbar))
        for name, dev, v in sorted(cands, key=lambda c: -c[2]):
            if v > val + e and self._in_choice_set(dev, q):
                return "fails", f"{name} is in C^σ(h) (σ keeps its signals) and worth {fmt(v)} > v(σ(h), p) + ε = {fmt(val + e)}"
        raise ModelError(f"ε-optimality at {_belief_text(q)} is not decided by the engine's witnesses")  # pragma: no cover

    def _structural(self, q: Belief, U: list[Belief]) -> tuple[str, str]:
        env = self.env
        if self.uc_action == "keep":
            out = [th for th in env.profiles() if not self.facts(self.vertex(th)).in_uc]
            if out:  # pragma: no cover - Lemma 1
                raise ModelError(f"internal: the vertex at {profile_label(out[0])} is not in UC* (Lemma 1)")
            return "holds", ("every final signal of r∘σ has its posterior in UC* (a kept signal, or a vertex posterior of "
                             "r^b, and every vertex is in UC*: V* LP certificates), where σ keeps it: r∘σ ∈ IC(p) implies "
                             "r∘σ ∈ C^σ(h), for every r")
        for y in env.outcomes:
            st, why = self._strategic(q, y, self.action(q, y))
            if st == "fails":
                return "fails", (f"r = 1_{label(y)} ∈ IC(p) gives r∘σ = σ(h, (1_{label(y)}, s)), which is IC at p, but {why}; "
                                 "so r∘σ ∉ C^σ(h)")
        inside = set(q.support())
        bad = [b for b in U if set(b.support()) <= inside and not self.facts(b).in_uc
               and not self._in_choice_set(self.facts(b).device, b)]  # type: ignore[arg-type]
        if bad:
            return "not decided", (f"σ redesigns after a signal of r^b at b = {_belief_text(bad[0])} ∈ U; whether some r ∈ IC(p) "
                                   "with posterior b has r∘σ ∈ IC(p) is not decided")
        return "holds on U", ("σ keeps every final signal of r∘σ for each r ∈ IC(p) whose posteriors outside UC* lie in U "
                              "(σ keeps r^b's signals at each b ∈ U \\ UC*); devices reaching other beliefs outside UC* are not checked")

    def states(self) -> tuple[list[Belief], list[SigmaState]]:
        """The universe U and Definitions 1–3 at every class (p, x), p ∈ U, x ∈ X."""
        U = self.universe()
        out = []
        for q in U:
            structural = self._structural(q, U)
            for y in self.env.outcomes:
                act = self.action(q, y)
                val = self.value(q, y, act)
                out.append(SigmaState(q, y, act, val, self._strategic(q, y, act), structural, self._eps(q, y, val)))
        return U, out

    def belief_facts(self, U: list[Belief]) -> list[BeliefFacts]:
        """The facts of U's beliefs, then of the vertices not in U (the structural argument uses every vertex)."""
        bs = list(U) + [self.vertex(th) for th in self.env.profiles() if self.vertex(th) not in set(U)]
        return [self.facts(b) for b in bs]


def sigma_analysis(env: Environment, prior: Belief, eps: Any, uc_action: str) -> dict[str, Any]:
    """σ and Definitions 1–3 at every class as JSON-ready data (the body of a sigma
    certificate): the universe U, the facts of each belief, the classes, and the checks
    that fail (``failures``) or are not decided (``not decided``)."""
    sg = Sigma(env, prior, eps, uc_action)
    U, states = sg.states()

    def where(s: SigmaState, d: str) -> str:
        return f"{d} at belief {_belief_text(s.belief)}, status quo {label(s.status_quo)}"

    failures = [where(s, d) for s in states for d in s.failed]
    open_ = [where(s, "Definition 2 (structural consistency)") for s in states if s.structural[0] == "not decided"]
    return {"universe": [b.to_dict() for b in U], "beliefs": [f.to_dict() for f in sg.belief_facts(U)],
            "states": [s.to_dict() for s in states], "failures": failures, "not decided": open_}


def analysis_statement(prior: Belief, eps: fmpq, uc_action: str, body: Mapping[str, Any]) -> str:
    """The one-line statement of a sigma analysis (shared by writer and verifier)."""
    failures, open_ = body["failures"], body["not decided"]
    head = (f"σ of (5)–(6) (action at UC*: {uc_action}) from the prior {_belief_text(prior)}, ε = {fmt(eps)}: "
            f"{len(body['states'])} history classes over {len(body['universe'])} reached beliefs")
    if failures:
        return head + (f"; 1 check fails: {failures[0]}" if len(failures) == 1
                       else f"; {len(failures)} checks fail, first: {failures[0]}")
    if open_:
        return head + f"; no check fails, {len(open_)} are not decided, first: {open_[0]}"
    partial = any(st["structural consistency"][0] == "holds on U" for st in body["states"])
    return head + "; Definitions 1–3 hold at every class" + (
        " (Definition 2 for devices whose posteriors outside UC* lie in U)" if partial else "")
