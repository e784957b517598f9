"""Readable text tables of the objects a claim is decided on: environments, beliefs,
mechanisms — the shrunk counterexample that ``exactmd check`` and
:mod:`exactmd.testing` print.

:func:`describe` renders any instance: an :class:`~exactmd.environment.Environment` as
one row per type profile (prior mass, every agent's payoff of every outcome, the
planner's value), a :class:`~exactmd.belief.Belief` as its masses, an
:class:`~exactmd.mechanism.OutcomeFunction` as its lottery at each profile, a tuple or
list item by item, anything with a ``describe()`` method by that method, and anything
else by ``repr``.  Every number is exact (``fmt``).

>>> from exactmd.environment import Environment
>>> env = Environment.quasilinear([[0, 1]], "uniform", ["keep", "sell"], lambda i, a, th: th[0] if a == "sell" else 0)
>>> print(describe(env))
quasilinear environment: 1 agent (1), 2 type profiles, allocations keep, sell
| θ | p(θ) | v_1(keep) | v_1(sell) | value(keep) | value(sell) |
| --- | --- | --- | --- | --- | --- |
| 0 | 1/2 | 0 | 0 | 0 | 0 |
| 1 | 1/2 | 0 | 1 | 0 | 1 |
"""

from __future__ import annotations

from typing import Any

from .belief import Belief, label, profile_label
from .environment import Environment
from .mechanism import OutcomeFunction
from .rational import fmt

__all__ = ["describe", "markdown_table"]

#: rows shown of a large table before the rest is counted (the full object is in the certificate)
MAX_ROWS = 200


def markdown_table(header: list[str], rows: list[list[str]], *, max_rows: int = MAX_ROWS) -> str:
    """A Markdown table; past ``max_rows`` rows the rest is counted, not shown."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows[:max_rows]]
    if len(rows) > max_rows:
        lines.append(f"({len(rows) - max_rows} more rows)")
    return "\n".join(lines)


def _environment(env: Environment) -> str:
    n = env.n
    what = "outcomes" if env.kind == "finite" else "allocations"
    u = "u" if env.kind == "finite" else "v"
    xs = env.outcomes
    head = (f"{env.kind} environment{' ' + repr(env.name) if env.name else ''}: {n} agent{'s' if n != 1 else ''} "
            f"({', '.join(env.agents)}), {len(env.profiles())} type profiles, {what} {', '.join(label(x) for x in xs)}")
    header = ["θ", "p(θ)"] + [f"{u}_{a}({label(x)})" for a in env.agents for x in xs] + [f"value({label(x)})" for x in xs]
    rows = []
    for th in env.profiles():
        row = [profile_label(th), fmt(env.prior[th])]
        row += [fmt(env.valuation(i, x, th)) for i in range(n) for x in xs]
        row += [fmt(env.value(x, th)) for x in xs]
        rows.append(row)
    return head + "\n" + markdown_table(header, rows)


def _belief(p: Belief) -> str:
    return markdown_table(["θ", "p(θ)"], [[profile_label(th), fmt(p[th])] for th in p.profiles()])


def _mechanism(m: OutcomeFunction) -> str:
    env = m.env
    rows = []
    if env.kind == "quasilinear":
        header = ["θ"] + [f"q({label(a)})" for a in env.outcomes] + [f"E t_{a}" for a in env.agents]
        for th in m.profiles():
            rows.append([profile_label(th)] + [fmt(m.allocation_prob(a, th)) for a in env.outcomes]
                        + [fmt(m.expected_transfer(i, th)) for i in range(env.n)])
        note = "q(a): probability of allocation a; E t_i: expected transfer to agent i (a payment is negative)"
    else:
        header = ["θ"] + [f"f({label(x)})" for x in env.outcomes]
        for th in m.profiles():
            rows.append([profile_label(th)] + [fmt(m.prob(x, th)) for x in env.outcomes])
        note = "f(x): probability of outcome x"
    return markdown_table(header, rows) + "\n" + note


def describe(obj: Any) -> str:
    """A readable, exact text rendering of ``obj`` (see the module text)."""
    if isinstance(obj, Environment):
        return _environment(obj)
    if isinstance(obj, OutcomeFunction):
        return _mechanism(obj)
    if isinstance(obj, Belief):
        return _belief(obj)
    own = getattr(obj, "describe", None)
    if callable(own) and not isinstance(obj, type):
        return str(own())
    if isinstance(obj, (tuple, list)) and any(isinstance(x, (Environment, OutcomeFunction, Belief)) for x in obj):
        return "\n\n".join(f"[{k}] " + describe(x) for k, x in enumerate(obj))
    if isinstance(obj, dict) and any(isinstance(x, (Environment, OutcomeFunction, Belief)) for x in obj.values()):
        return "\n\n".join(f"{k}: " + describe(x) for k, x in obj.items())
    return repr(obj)
