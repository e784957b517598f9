"""Evaluate a given direct mechanism exactly: what it earns, what it gives each type, and
which constraint families it satisfies, with the exact slack.

:func:`evaluate` takes an environment and a mechanism f : Θ → ΔX (an
:class:`~exactmd.mechanism.OutcomeFunction`, the ``mechanism`` of a certificate
``exactmd design -o`` wrote, or that table alone) and returns an :class:`Evaluation`.
Under the belief p (default: the prior), with U_i(θ | θ') agent i's payoff at θ when θ'
is reported (:mod:`exactmd.constraints`), t_i(θ) the expected transfer *to* agent i:

* revenue R = −Σ_θ p(θ) Σ_i t_i(θ) (quasilinear; what the agents pay in expectation);
* welfare W = Σ_θ p(θ) Σ_i U_i(θ | θ) (the agents' expected utility, the objective
  ``welfare`` of :mod:`exactmd.design`);
* total surplus S = Σ_θ p(θ) Σ_a q(a | θ) Σ_i v_i(a, θ) = W + R (quasilinear: the
  agents' surplus plus what the designer collects);
* planner value v(f, p) = Σ_θ p(θ) Σ_x v(x, θ) f(x : θ) (Vartiainen §2);
* interim tables, for each agent i and type θ_i with p_i(θ_i) > 0:
  Q_i(a | θ_i) = Σ_{θ_-i} p(θ_-i : θ_i) q(a | θ) (the probability of each allocation,
  resp. outcome), T_i(θ_i) = Σ_{θ_-i} p(θ_-i : θ_i) t_i(θ) (the expected transfer to i;
  a payment is negative) and U_i(θ_i) = Σ_{θ_-i} p(θ_-i : θ_i) U_i(θ | θ);
* virtual values (:func:`virtual_values`) where the environment is single-parameter
  with independent private values, else the reason they are not defined;
* for each constraint family (default: every family of the kernel that applies to the
  environment's kind), whether it holds, the minimum slack over its rows and the row
  where it is reached, and the violated rows (:func:`exactmd.constraints.check`, whose
  rows are the LP's). The slack of an ``IC``, ``veto-IC`` or ``interim-IR`` row is
  *interim*: the row divided by p_i(θ_i), i.e. U_i(θ_i) − U_i(θ_i → θ'_i) and U_i(θ_i);
  of the other rows it is the row's own (ex post utility, −|Σ_i t_i(θ)|, …).

Every number is exact (``fmpq``).  ``str(evaluation)`` prints the tables.

>>> from exactmd.environment import Environment
>>> env = Environment.quasilinear([[1, 2]], "uniform", ["keep", "sell"],
...     lambda i, a, th: th[0] if a == "sell" else 0)
>>> posted = {(1,): ("keep", [0]), (2,): ("sell", [-2])}    # post the price 2
>>> r = evaluate(env, posted, constraints="IC,interim-IR")
>>> r.revenue, r.welfare, r.surplus, r.virtual_values[0]
(1, 0, 1, {1: 0, 2: 2})
>>> r.holds("IC"), r.family("IC").min_slack
(True, 0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flint import fmpq

from .belief import Belief, label, profile_label
from .constraints import CheckReport, Violation, check, parse_constraints, rows
from .display import describe, markdown_table
from .encoding import MechanismEncoding
from .environment import Environment, QLOutcome
from .errors import ModelError
from .jsonio import load_strict
from .mechanism import OutcomeFunction
from .notebook import Card, Displayable
from .rational import Q, fmt
from .table import Column, Table

__all__ = ["Evaluation", "FamilyReport", "evaluate", "virtual_values", "load_mechanism", "DEFAULT_FAMILIES"]

#: the families :func:`evaluate` checks when none are named, per kind of environment
DEFAULT_FAMILIES = {
    "quasilinear": ("IC", "interim-IR", "ex-post-IR", "BB", "weak-BB", "ex-ante-BB", "efficiency"),
    "finite": ("IC", "interim-IR", "ex-post-IR", "veto-IC", "efficiency"),
}
_INTERIM = ("IC", "veto-IC", "interim-IR")  # families whose rows carry the weight p_i(θ_i)


@dataclass(frozen=True)
class FamilyReport:
    """One constraint family at the mechanism: ``holds`` iff no row is violated;
    ``min_slack`` the least slack over its rows (interim for IC, veto-IC and interim-IR;
    None when the family has no rows), reached at row ``tightest``; ``violations`` every
    violated row (:class:`~exactmd.constraints.Violation`, with the gain from lying for IC)."""

    family: str
    holds: bool
    rows: int
    min_slack: fmpq | None
    tightest: str | None
    violations: tuple[Violation, ...]

    @property
    def worst(self) -> Violation | None:
        """The violated row with the largest gain from lying (IC) or amount (other families)."""
        if not self.violations:
            return None
        return max(self.violations, key=lambda v: v.gain if v.gain is not None else v.amount)


@dataclass(frozen=True, eq=False, repr=False)
class Evaluation(Displayable):
    """The exact evaluation of a mechanism (see the module text for every definition).

    ``interim_allocation[i][θ_i]`` maps each allocation (outcome) to Q_i(a | θ_i);
    ``interim_transfer[i][θ_i]`` is T_i(θ_i) (None for finite environments);
    ``interim_utility[i][θ_i]`` is U_i(θ_i); types with p_i(θ_i) = 0 are left out.
    ``virtual_values[i][θ_i]`` is φ_i(θ_i) (None for types of mass 0), or
    ``virtual_values`` is None and ``virtual_values_note`` says why.
    """

    env: Environment
    mechanism: OutcomeFunction
    belief: Belief
    revenue: fmpq | None
    welfare: fmpq
    surplus: fmpq | None
    planner_value: fmpq
    interim_allocation: tuple[dict[Any, dict[Any, fmpq]], ...]
    interim_transfer: tuple[dict[Any, fmpq], ...] | None
    interim_utility: tuple[dict[Any, fmpq], ...]
    virtual_values: tuple[dict[Any, fmpq | None], ...] | None
    virtual_values_note: str
    constraints: tuple[FamilyReport, ...]

    def family(self, name: str) -> FamilyReport:
        """The report of family ``name`` (as :func:`~exactmd.constraints.parse_constraints` names it)."""
        want = parse_constraints([name])[0].name
        for f in self.constraints:
            if f.family == want:
                return f
        raise ModelError(f"family {name!r} was not checked; checked: {', '.join(f.family for f in self.constraints)}")

    def holds(self, name: str) -> bool:
        return self.family(name).holds

    def check_report(self) -> CheckReport:
        """Every checked family at once, as :func:`exactmd.constraints.check` reports it."""
        bad = tuple(v for f in self.constraints for v in f.violations)
        return CheckReport(not bad, bad, sum(f.rows for f in self.constraints))

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        r = "" if self.revenue is None else f"revenue={fmt(self.revenue)}, "
        fams = ", ".join(f"{f.family} {'holds' if f.holds else 'fails'}" for f in self.constraints)
        return f"Evaluation({r}welfare={fmt(self.welfare)}, planner value={fmt(self.planner_value)}; {fams})"

    def families_table(self) -> Table:
        """One row per checked family: holds, rows, least slack, where, violated rows."""
        cols = [Column("family"), Column("holds"), Column("rows"), Column("min_slack", "least slack"),
                Column("tightest", "at row"), Column("violated", "violated rows")]
        return Table(cols, [{"family": f.family, "holds": f.holds, "rows": f.rows, "min_slack": f.min_slack,
                             "tightest": f.tightest, "violated": len(f.violations)} for f in self.constraints])

    def _card(self) -> Card:
        facts: tuple[tuple[str, Any], ...] = ()
        if self.revenue is not None:
            facts += (("expected revenue", self.revenue),)
        facts += (("expected welfare", self.welfare),)
        if self.surplus is not None:
            facts += (("expected total surplus", self.surplus),)
        facts += (("planner value", self.planner_value),)
        env = self.env
        return Card(f"evaluation of a mechanism in {env.name or 'the unnamed environment'}", facts,
                    (("constraint families", self.families_table()),),
                    note="the interim tables and virtual values: str(evaluation) or Evaluation.to_text()")

    def to_text(self) -> str:
        """The evaluation as Markdown tables (exact numbers)."""
        env = self.env
        where = f"environment {env.name!r}" if env.name else "the unnamed environment"
        prior = "the prior" if self.belief is env.prior or self.belief == env.prior else "the belief given"
        out = [f"Mechanism evaluated in {where} ({env.n} agent{'s' if env.n != 1 else ''}, "
               f"{len(env.profiles())} type profiles) under {prior}.", ""]
        measures = []
        if self.revenue is not None:
            measures.append(["revenue −Σ p(θ) Σ_i t_i(θ)", fmt(self.revenue)])
        measures.append(["welfare Σ p(θ) Σ_i U_i(θ)", fmt(self.welfare)])
        if self.surplus is not None:
            measures.append(["total surplus Σ p(θ) Σ_i v_i(a, θ) (welfare + revenue)", fmt(self.surplus)])
        measures.append(["planner value v(f, p)", fmt(self.planner_value)])
        out += [markdown_table(["measure", "value"], measures), ""]
        out += ["The mechanism at each profile:", describe(self.mechanism), ""]
        out += ["Interim, per agent and type (conditional on the type):", self._interim_table(), ""]
        if self.virtual_values is None:
            out += [f"Virtual values: not defined here: {self.virtual_values_note}", ""]
        out += ["Constraints (slack: interim for IC, veto-IC, interim-IR; per row for the others):",
                self._constraint_table()]
        return "\n".join(out)

    def _interim_table(self) -> str:
        env = self.env
        ql = env.kind == "quasilinear"
        head = ["agent", "θ_i", "p_i(θ_i)"] + [f"Q({label(a)})" for a in env.outcomes]
        if ql:
            head.append("T_i (expected transfer to i)")
        head.append("U_i")
        if self.virtual_values is not None:
            head.append("φ_i")
        body = []
        for i in range(env.n):
            marg = self.belief.marginal(i)
            for t in env.types[i]:
                if marg[t] == 0:
                    continue
                row = [env.agents[i], label(t), fmt(marg[t])]
                row += [fmt(self.interim_allocation[i][t][a]) for a in env.outcomes]
                if ql and self.interim_transfer is not None:
                    row.append(fmt(self.interim_transfer[i][t]))
                row.append(fmt(self.interim_utility[i][t]))
                if self.virtual_values is not None:
                    v = self.virtual_values[i][t]
                    row.append("—" if v is None else fmt(v))
                body.append(row)
        return markdown_table(head, body)

    def _constraint_table(self) -> str:
        body = []
        for f in self.constraints:
            if f.rows == 0:
                body.append([f.family, "yes", "0", "—", "(no rows)", ""])
                continue
            w = f.worst
            body.append([f.family, "yes" if f.holds else f"no ({len(f.violations)} row{'s' if len(f.violations) != 1 else ''})", str(f.rows),
                         fmt(f.min_slack) if f.min_slack is not None else "—", f.tightest or "",
                         "" if w is None or w.gain is None else fmt(w.gain)])
        return markdown_table(["family", "holds", "rows", "min slack", "at row", "gain from lying"], body)


# ---------------------------------------------------------------------------------
def virtual_values(env: Environment, belief: Belief | None = None) -> tuple[dict[Any, fmpq | None], ...]:
    """Discrete virtual values φ_i(θ_k) = θ_k − (θ_{k+1} − θ_k)(1 − F_i(θ_k))/f_i(θ_k).

    Defined for single-parameter environments with independent private values: the
    environment is quasilinear, its types are numbers, v_i(a, θ) = θ_i·w_i(a) for
    constants w_i(a), and the belief is the product of its marginals f_i.  The types of
    positive mass are taken in increasing order (θ_{k+1} the next one; 1 − F_i(θ_k) the
    mass above θ_k, 0 for the highest type, whose φ is θ_K); a type of mass 0 has φ None.
    Anything else is refused with a ModelError that says which condition fails.

    >>> from exactmd.environment import Environment
    >>> env = Environment.quasilinear([[1, 2, 3]], "uniform", ["keep", "sell"], lambda i, a, th: th[0] * (a == "sell"))
    >>> virtual_values(env)
    ({1: -1, 2: 1, 3: 3},)
    """
    p = env.prior if belief is None else belief
    if env.kind != "quasilinear":
        raise ModelError("virtual values need a quasilinear environment (this one has finite outcomes)")
    for i, ts in enumerate(env.types):
        for t in ts:
            if not isinstance(t, fmpq):
                raise ModelError(f"virtual values need numeric types; type {label(t)!r} of agent {env.agents[i]} is not a number")
    profiles = env.profiles()
    for i in range(env.n):
        for a in env.outcomes:
            w: fmpq | None = None
            seen: tuple = ()
            for th in profiles:
                v = env.valuation(i, a, th)
                if th[i] == 0:
                    if v != 0:
                        raise ModelError(f"not single-parameter: v_{env.agents[i]}({label(a)}, {profile_label(th)}) = {fmt(v)}, "
                                         f"but θ_{env.agents[i]} = 0 (v_i(a, θ) = θ_i·w_i(a) is required)")
                    continue
                if w is None:
                    w, seen = v / th[i], th
                elif v != th[i] * w:
                    raise ModelError(f"not single-parameter: v_{env.agents[i]}({label(a)}, θ) is not θ_{env.agents[i]}·w for one w "
                                     f"(at {profile_label(seen)} it is {fmt(env.valuation(i, a, seen))}, "
                                     f"at {profile_label(th)} it is {fmt(v)})")
    margs = [p.marginal(i) for i in range(env.n)]
    for th in profiles:
        prod = fmpq(1)
        for i, t in enumerate(th):
            prod *= margs[i][t]
        if p[th] != prod:
            raise ModelError(f"virtual values need independent private values; p({profile_label(th)}) = {fmt(p[th])} "
                             f"is not the product of the marginals ({fmt(prod)})")
    out = []
    for i in range(env.n):
        f = margs[i]
        pos = sorted(t for t in env.types[i] if f[t] != 0)
        phi: dict[Any, fmpq | None] = {t: None for t in env.types[i]}
        above = fmpq(0)
        for k in range(len(pos) - 1, -1, -1):
            t = pos[k]
            phi[t] = t if k == len(pos) - 1 else t - (pos[k + 1] - t) * above / f[t]
            above += f[t]
        out.append(phi)
    return tuple(out)


# ---------------------------------------------------------------------------------
def load_mechanism(env: Environment, source: Any) -> OutcomeFunction:
    """The mechanism ``source`` denotes, as an outcome function of ``env``.

    ``source`` is an :class:`~exactmd.mechanism.OutcomeFunction` (re-read in ``env``
    when it belongs to another environment object), a path to a JSON file, or a mapping:
    an exactmd document with a ``mechanism`` field (a mechanism certificate), the
    ``mechanism`` table itself (profile → list of ``{"allocation", "transfers", "p"}``,
    resp. ``{"outcome", "p"}``, numbers as strings), or a table
    :class:`~exactmd.mechanism.OutcomeFunction` accepts (profile → lottery).
    """
    if isinstance(source, OutcomeFunction):
        if source.env is env:
            return source
        return _from_json(env, source.to_dict(), "mechanism")
    where = "mechanism"
    if isinstance(source, (str, Path)):
        where = str(source)
        source = load_strict(source)
    if not isinstance(source, Mapping):
        if callable(source):
            return OutcomeFunction(env, source)
        raise ModelError(f"{where}: a mechanism must be a JSON object (a certificate or a table profile -> lottery)")
    if "format" in source:
        if "mechanism" not in source:
            raise ModelError(f"{where}: a {source.get('format')!r} document without a 'mechanism' field holds no mechanism")
        return _from_json(env, source["mechanism"], where if where == "mechanism" else f"{where}: mechanism")
    field = where if where == "mechanism" else f"{where}: mechanism"
    if set(source) == {"mechanism"}:
        return _from_json(env, source["mechanism"], field)
    if source and all(isinstance(v, list) for v in source.values()):
        return _from_json(env, source, where)
    return OutcomeFunction(env, source)


def _from_json(env: Environment, d: Any, where: str) -> OutcomeFunction:
    """The ``mechanism`` table as certificates write it, read strictly (one-line errors)."""
    if not isinstance(d, Mapping):
        raise ModelError(f"{where}: must map profiles to lists of entries")
    want = ("allocation", "transfers", "p") if env.kind == "quasilinear" else ("outcome", "p")
    table: dict[Any, dict[Any, fmpq]] = {}
    for key, entries in d.items():
        if not isinstance(entries, list) or not entries:
            raise ModelError(f"{where}[{key!r}]: must be a non-empty list of {{{', '.join(want)}}} entries")
        lot: dict[Any, fmpq] = {}
        for k, e in enumerate(entries):
            at = f"{where}[{key!r}][{k}]"
            if not isinstance(e, Mapping) or sorted(e) != sorted(want):
                got = sorted(e) if isinstance(e, Mapping) else type(e).__name__
                raise ModelError(f"{at}: an entry has the fields {list(want)}, this one {got}")
            q = Q(e["p"], name=f"{at}.p")
            if env.kind == "quasilinear":
                ts = e["transfers"]
                if not isinstance(ts, list) or len(ts) != env.n:
                    raise ModelError(f"{at}.transfers: must be a list of {env.n} numbers, one per agent")
                x: Any = QLOutcome(env.resolve_outcome(e["allocation"]), tuple(Q(t, name=f"{at}.transfers") for t in ts))
            else:
                x = env.resolve_outcome(e["outcome"])
            lot[x] = lot.get(x, fmpq(0)) + q
        table[key] = lot
    return OutcomeFunction(env, table)


# ---------------------------------------------------------------------------------
def evaluate(env: Environment, mechanism: Any, constraints: Iterable[Any] | str | None = None, *,
             belief: Belief | None = None) -> Evaluation:
    """Evaluate ``mechanism`` in ``env`` exactly (see the module text); ``constraints``
    names the families to check (default :data:`DEFAULT_FAMILIES` of the kind)."""
    f = load_mechanism(env, mechanism)
    p = env.prior if belief is None else belief
    if p.types != env.types:
        raise ModelError("the belief's type sets differ from the environment's")
    ql = env.kind == "quasilinear"
    n = env.n
    revenue = -sum((p[th] * f.expected_transfer(i, th) for th in p.support() for i in range(n)), fmpq(0)) if ql else None
    welfare = sum((p[th] * f.utility(i, th) for th in p.support() for i in range(n)), fmpq(0))
    surplus = None
    if ql:
        surplus = sum((p[th] * f.allocation_prob(a, th) * env.valuation(i, a, th)
                       for th in p.support() for a in env.outcomes for i in range(n)), fmpq(0))
    planner = f.value(p)
    alloc: list[dict[Any, dict[Any, fmpq]]] = []
    transfer: list[dict[Any, fmpq]] = []
    utility: list[dict[Any, fmpq]] = []
    for i in range(n):
        marg = p.marginal(i)
        ai: dict[Any, dict[Any, fmpq]] = {t: {a: fmpq(0) for a in env.outcomes} for t in env.types[i] if marg[t] != 0}
        ti: dict[Any, fmpq] = {t: fmpq(0) for t in ai}
        ui: dict[Any, fmpq] = {t: fmpq(0) for t in ai}
        for th in p.support():
            w = p[th] / marg[th[i]]
            for a in env.outcomes:
                ai[th[i]][a] += w * f.allocation_prob(a, th)
            if ql:
                ti[th[i]] += w * f.expected_transfer(i, th)
            ui[th[i]] += w * f.utility(i, th)
        alloc.append(ai)
        transfer.append(ti)
        utility.append(ui)
    try:
        vv: tuple[dict[Any, fmpq | None], ...] | None = virtual_values(env, p)
        note = ""
    except ModelError as e:
        vv, note = None, str(e)
    fams = parse_constraints(DEFAULT_FAMILIES[env.kind] if constraints is None else constraints)
    values = MechanismEncoding(env).assignment(f)
    reports = []
    for fam in fams:
        rs = rows(env, [fam], p)
        best: tuple[fmpq, str] | None = None
        for r in rs:
            s = r.slack(values)
            if r.family in _INTERIM:
                s = s / r.meta["weight"]
            if best is None or s < best[0]:
                best = (s, r.label)
        bad = check(f, [fam], p).violations if best is not None and best[0] < 0 else ()
        reports.append(FamilyReport(fam.name, not bad, len(rs), None if best is None else best[0],
                                    None if best is None else best[1], tuple(bad)))
    return Evaluation(env, f, p, revenue, welfare, surplus, planner, tuple(alloc), tuple(transfer) if ql else None,
                      tuple(utility), vv, note, tuple(reports))
