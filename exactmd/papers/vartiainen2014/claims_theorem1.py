"""Vartiainen (2014), §4, Theorem 1 and Proposition 1, as claims: ``vartiainen2014/prop-1``
(the σ of (5)–(6) is structurally consistent, strategically consistent and ε-optimal)
and ``vartiainen2014/theorem-1`` (some σ is), decided on the history classes σ reaches
from the prior (:mod:`.sigma`; certificates :mod:`.sigma_certificates`).

Importing this module registers nothing: :func:`exactmd.papers.vartiainen2014.plugin.register`
registers :data:`CLAIMS`.
"""

from __future__ import annotations

from typing import Any

from ...claims import Claim, Domain, Reading, ReadingVerdict, Verdict
from ...environment import Environment
from .instances import example_environment, three_aligned_types
from .sigma_certificates import sigma_certificate

__all__ = ["CLAIMS", "sorting_environment", "status_quo_environment"]

_EPS = "1/10"

_HISTORIES = "every history h ∈ H (beliefs in Δ, any status quo)"
_DOMAIN_CHOICE = Domain(
    _HISTORIES, "a history class (p, x) that σ reaches from the prior, σ built with r^p the fully revealing device of an "
    "IC optimum", False,
    "(5)–(6) let r^p be any UC*-covering device that no other covering device beats by ε (\"identify a mechanism r^p "
    "that UC*-covers p, such that there is no other mechanism r that UC*-covers p with the property that "
    "v(r, p) − ε ≥ v(r^p, p)\"). UC* is decided on Δ itself (every UCᵗ on Δ is UC⁰ = {p : V*(p) < v̄(p) + ε}, revelation "
    "theorem) and the class that fails is a genuine history of the paper's game, but only for this "
    "choice of r^p: other admissible choices are not searched, so a failure refutes this variant of σ only")
_DOMAIN_U = Domain(
    _HISTORIES, "the classes U × X (U: the beliefs σ reaches from the prior)", False,
    "a finite stand-in: omits the histories whose belief σ does not reach (reached only after a deviation to a device "
    "that is not constant), and under uc-action=best-constant Definition 2 is checked for devices whose posteriors "
    "outside UC* lie in U; a confirmation covers these classes only")

_KEEP = Reading(
    "uc-action=keep",
    "At a belief in UC* σ keeps the signal just sent, σ(h, (r', s')) = 1_s: the status quo g(s) is implemented, as the "
    "first line of (6) writes it; elsewhere σ plays r^p (the fully revealing device of an IC optimum, the "
    "planner-optimal-ex-post one when it exists).",
    r"$$\sigma(h, (r', s')) = \begin{cases} 1_s, & \text{if } P(r', p|_h) \subseteq UC^* … "
    r"On the other hand, $\sigma(h, (r, s)) = 1_{g(s)}$ means that the planner does not change the suggested outcome; "
    r"she chooses the constant mechanism that implements $g(s)$. … "
    r"That is, the mechanism design strategy depends on the phase, the current belief of the planner, and the status quo outcome.")
_BEST = Reading(
    "uc-action=best-constant",
    "At a belief p ∈ UC* σ implements a v̄-attaining outcome: it keeps the signal when v(g(s), p) = v̄(p), else plays the "
    "constant 1_{x(p)}, as the proof's ε-optimality step takes 1_s to attain v̄; elsewhere σ plays r^p as under "
    "uc-action=keep.",
    r"Thus $1_s \in \arg \max_{s'} v(1_{s'}, p|_{h'}) = \bar{v}(p|_{h'})$. … "
    r"r^{p|_h, (r', s')}, & \text{if } p_{|h, (r', s')} \notin UC^*")
_READINGS = {"keep": _KEEP, "best-constant": _BEST}

_VIA = Reading(
    "via=sigma-5-6",
    "The witness tried is the σ of (5)–(6) under each reading of its action at UC* (uc-action=keep, "
    "uc-action=best-constant); the theorem is confirmed on the classes σ reaches when one of them passes every check "
    "there, and not decided otherwise (another σ is not searched for).",
    r"Proposition 1 *The mechanism design strategy σ constructed in (5) and (6) is structurally consistent, strategically "
    r"consistent, and ε -optimal.*")


def sorting_environment() -> Environment:
    """One agent with types L, H who ranks a > b > none whatever her type; the planner values a at
    H and b at L at 3, none at 1, the rest at 0.  The planner-optimal rule (a at H, b at L) is not
    IC; V*(uniform) = 5/2 (a with probability 1/2 at H, b at L)."""
    u = {"none": 0, "b": 1, "a": 2}
    v = {("none", "L"): 1, ("none", "H"): 1, ("a", "L"): 0, ("a", "H"): 3, ("b", "L"): 3, ("b", "H"): 0}
    return Environment.finite([["L", "H"]], "uniform", ["none", "a", "b"], lambda i, x, th: u[x],
                              lambda x, th: v[(x, th[0])], name="sorting 1x2")


def status_quo_environment() -> Environment:
    """One agent with types L, H, indifferent between x and y; the planner values x at 1, y at 0."""
    return Environment.finite([["L", "H"]], "uniform", ["x", "y"], lambda i, x, th: 0,
                              lambda x, th: 1 if x == "x" else 0, name="status quo 1x2")


def _instances() -> list[tuple[str, Any]]:
    return [("commitment-2x2", example_environment()), ("three-aligned-types", three_aligned_types()),
            ("sorting-1x2", sorting_environment()), ("status-quo-1x2", status_quo_environment())]


def _strategy() -> Any:
    from hypothesis import strategies as st

    from .strategies import commitment_environments

    return st.one_of(commitment_environments(n_agents=1, n_types=2, max_outcomes=3),
                     commitment_environments(n_agents=2, n_types=2, max_outcomes=2))


def _analyse(env: Environment) -> dict[str, tuple[dict[str, Any], str]]:
    """Per reading: the sigma certificate and its outcome (``fails``, ``not decided``, ``holds``)."""
    out = {}
    for action in _READINGS:
        doc = sigma_certificate(env, env.prior, _EPS, action)
        out[action] = (doc, "fails" if doc["failures"] else "not decided" if doc["not decided"] else "holds")
    return out


def _decide_prop1(env: Environment) -> Verdict:
    cid = "vartiainen2014/prop-1"
    readings = []
    for action, (doc, outcome) in _analyse(env).items():
        certs = ((f"sigma-{action}", doc),)
        rid = _READINGS[action].id
        if outcome == "fails":
            n = len(doc['failures'])
            text = (f"{n} of the {3 * len(doc['states'])} checks {'fails' if n == 1 else 'fail'} over {len(doc['states'])} classes; "
                    f"first: {doc['failures'][0]}")
            readings.append(ReadingVerdict(rid, "refuted", text, certs, _DOMAIN_CHOICE))
        elif outcome == "not decided":
            readings.append(ReadingVerdict(rid, "not-applicable", f"not decided: {doc['not decided'][0]}", certs, _DOMAIN_U))
        else:
            readings.append(ReadingVerdict(rid, "confirmed", f"Definitions 1–3 hold at each of the {len(doc['states'])} classes "
                                           f"over {len(doc['universe'])} reached beliefs", certs, _DOMAIN_U))
    note = ("Under keep, ε-optimality fails wherever the status quo at a belief of UC* is worth less than V*(p) − ε; under "
            "best-constant, consistency fails wherever r^p sends a signal whose outcome is not planner-optimal at its "
            "posterior (no IC rule is planner-optimal ex post there)")
    return Verdict(cid, instance=env.name, readings=readings, note=note)


def _decide_theorem1(env: Environment) -> Verdict:
    cid = "vartiainen2014/theorem-1"
    res = _analyse(env)
    passing = [a for a, (_, o) in res.items() if o == "holds"]
    certs = tuple((f"sigma-{a}", d) for a, (d, _) in res.items())
    if passing:
        doc = res[passing[0]][0]
        return Verdict(cid, instance=env.name, readings=[ReadingVerdict(
            _VIA.id, "confirmed", f"σ of (5)–(6) under uc-action={passing[0]} is strategically and structurally consistent "
            f"and ε-optimal (ε = {_EPS}) at each of its {len(doc['states'])} classes over {len(doc['universe'])} reached "
            "beliefs", certs, _DOMAIN_U)])
    why = "; ".join(f"uc-action={a}: {(d['failures'] or d['not decided'])[0]}" for a, (d, _) in res.items())
    return Verdict(cid, instance=env.name, readings=[ReadingVerdict(
        _VIA.id, "not-applicable", f"not decided: the σ of (5)–(6) fails under both readings ({why}); whether some other σ "
        "exists is not decided", certs, _DOMAIN_U)])


_CHECKS_SIGMA = (
    "σ of (5)–(6) built on Δ: UC* = {p : V*(p) < v̄(p) + ε} (every UCᵗ on Δ is UC⁰, revelation theorem; one exact LP per "
    "belief), r^p the fully revealing device of an IC optimum (of one that is planner-optimal at every profile of supp p "
    "when one exists), and at p ∈ UC* the action of the reading (keep the status quo, or a v̄-attaining constant). The "
    "beliefs σ reaches from the prior are computed (the prior and vertices); at every class (p, x) of U × X, Definition 1 "
    "(σ keeps every signal of σ(h)), Definition 3 (V*(p) bounds sup C^σ(h); a device of C^σ(h) worth more than "
    "v(σ(h)) + ε refutes) and Definition 2 (an argument over the final signals of r∘σ, or the witness r = 1_y) are "
    "decided exactly, ε = 1/10. Certificates: exactmd-sigma-certificate/1, rebuilt and compared by exactmd verify.")

#: the claims of this module; :func:`.plugin.register` registers them
CLAIMS = (
    Claim(
        id="vartiainen2014/prop-1",
        statement="The mechanism design strategy σ constructed in (5) and (6) is structurally consistent, strategically "
                  "consistent, and ε-optimal.",
        where="§4, Proposition 1 (and the construction (5)–(6) before it)",
        decide=_decide_prop1,
        strategy=_strategy,
        readings=(_KEEP, _BEST),
        domains=(_DOMAIN_CHOICE, _DOMAIN_U),
        paper_instances=_instances,
        checks=_CHECKS_SIGMA + " A failing class refutes σ built with this r^p (it is a genuine history, but (5)–(6) allow other r^p, not searched): refuted-on-variant at most; a pass is for the reached classes only.",
    ),
    Claim(
        id="vartiainen2014/theorem-1",
        statement="For any ε > 0, there is a strategically consistent, structurally consistent, and ε-optimal mechanism "
                  "design strategy σ.",
        where="§4, Theorem 1",
        decide=_decide_theorem1,
        strategy=_strategy,
        readings=(_VIA,),
        domains=(_DOMAIN_U,),
        paper_instances=_instances,
        checks=_CHECKS_SIGMA + " Existence: confirmed on the reached classes when σ passes under one reading; not decided "
               "(not-applicable) when both fail, since another σ is not searched for.",
    ),
)
