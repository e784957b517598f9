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
from .table import Table

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


def _markdown(t: Table, max_rows: int = MAX_ROWS) -> str:
    """A :class:`~exactmd.table.Table` as :func:`markdown_table` (every cell exact, ``p/q``)."""
    rows = [[fmt(v) if not isinstance(v, str) else v for v in (r[k] for k in t.keys)] for r in t.rows]
    return markdown_table([c.text for c in t.columns], rows, max_rows=max_rows)


def _environment(env: Environment) -> str:
    n = env.n
    what = "outcomes" if env.kind == "finite" else "allocations"
    xs = env.outcomes
    head = (f"{env.kind} environment{' ' + repr(env.name) if env.name else ''}: {n} agent{'s' if n != 1 else ''} "
            f"({', '.join(env.agents)}), {len(env.profiles())} type profiles, {what} {', '.join(label(x) for x in xs)}")
    return head + "\n" + _markdown(env.table())


def _belief(p: Belief) -> str:
    return markdown_table(["θ", "p(θ)"], [[profile_label(th), fmt(p[th])] for th in p.profiles()])


def _mechanism(m: OutcomeFunction) -> str:
    if m.env.kind == "quasilinear":
        note = "q(a): probability of allocation a; E t_i: expected transfer to agent i (a payment is negative)"
    else:
        note = "f(x): probability of outcome x"
    return _markdown(m.table()) + "\n" + note


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
