"""The encoding of a direct mechanism as LP variables, both ways.

A direct mechanism of an environment is described by LP variables defined on *every*
profile θ ∈ Θ (deviations evaluate the mechanism off the support):

* finite outcomes: ``f[x|θ]`` = f(x : θ) ∈ [0, 1] (:func:`fvar`);
* quasi-linear outcomes: ``q[a|θ]`` = probability of allocation a at θ, in [0, 1]
  (:func:`qvar`), and ``t[i|θ]`` = expected transfer to agent i at θ, free (:func:`tvar`).

:func:`variables` lists them with their bounds, :func:`mechanism_assignment` gives their
values at an :class:`~exactmd.mechanism.OutcomeFunction`, and
:func:`mechanism_from_primal` reads an outcome function back from an LP solution.  The
constraint rows of :mod:`exactmd.constraints` and the LPs of :mod:`exactmd.design` are
written in these variables.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flint import fmpq

from .belief import label, profile_label
from .environment import Environment, QLOutcome
from .mechanism import OutcomeFunction
from .rational import Q

__all__ = ["fvar", "qvar", "tvar", "variables", "mechanism_assignment", "assignment", "mechanism_from_primal"]


def fvar(x: Any, th: tuple) -> str:
    return f"f[{label(x)}|{profile_label(th)}]"


def qvar(a: Any, th: tuple) -> str:
    return f"q[{label(a)}|{profile_label(th)}]"


def tvar(env: Environment, i: int, th: tuple) -> str:
    return f"t[{env.agents[i]}|{profile_label(th)}]"


def variables(env: Environment) -> list[tuple[str, fmpq | None, fmpq | None]]:
    """The mechanism's LP variables ``(name, lower, upper)`` in a fixed order."""
    out: list[tuple[str, fmpq | None, fmpq | None]] = []
    for th in env.profiles():
        if env.kind == "finite":
            out += [(fvar(x, th), fmpq(0), fmpq(1)) for x in env.outcomes]
        else:
            out += [(qvar(a, th), fmpq(0), fmpq(1)) for a in env.outcomes]
    if env.kind == "quasilinear":
        for th in env.profiles():
            out += [(tvar(env, i, th), None, None) for i in range(env.n)]
    return out


def mechanism_assignment(f: Any) -> dict[str, fmpq]:
    """Values of the LP variables for an :class:`~exactmd.mechanism.OutcomeFunction`."""
    env: Environment = f.env
    out: dict[str, fmpq] = {}
    for th in env.profiles():
        for x in env.outcomes:
            out[(fvar if env.kind == "finite" else qvar)(x, th)] = f.allocation_prob(x, th)
        if env.kind == "quasilinear":
            for i in range(env.n):
                out[tvar(env, i, th)] = f.expected_transfer(i, th)
    return out


#: the values of the LP variables at an outcome function (the same as :func:`mechanism_assignment`)
assignment = mechanism_assignment


def mechanism_from_primal(env: Environment, primal: Mapping[str, Any]) -> OutcomeFunction:
    """The outcome function encoded by LP variable values (see :mod:`exactmd.constraints`)."""
    table = {}
    for th in env.profiles():
        lot: dict[Any, fmpq] = {}
        if env.kind == "finite":
            for x in env.outcomes:
                q = Q(primal.get(fvar(x, th), 0))
                if q != 0:
                    lot[x] = q
        else:
            t = tuple(Q(primal.get(tvar(env, i, th), 0)) for i in range(env.n))
            for a in env.outcomes:
                q = Q(primal.get(qvar(a, th), 0))
                if q != 0:
                    lot[QLOutcome(a, t)] = q
        table[th] = lot
    return OutcomeFunction(env, table)
