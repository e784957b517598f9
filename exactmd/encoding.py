"""The encoding of a direct mechanism as LP variables, both ways.

A direct mechanism of an environment is described by LP variables defined on *every*
profile θ ∈ Θ (deviations evaluate the mechanism off the support):

* finite outcomes: ``f[x|θ]`` = f(x : θ) ∈ [0, 1] (:func:`fvar`);
* quasi-linear outcomes: ``q[a|θ]`` = probability of allocation a at θ, in [0, 1]
  (:func:`qvar`), and ``t[i|θ]`` = expected transfer to agent i at θ, free (:func:`tvar`).

:class:`MechanismEncoding` is the map both ways for one environment: its
``variables()`` (with bounds), ``assignment(f)`` (the values of the variables at an
:class:`~exactmd.mechanism.OutcomeFunction`), ``mechanism(primal)`` (the outcome function
an LP point encodes) and ``meaning(name)`` (what a variable stands for, looked up, never
parsed from its name).  :func:`exactmd.design.build_problem` returns it with the LP, as a
reduction returns its inverse data.  The constraint rows of :mod:`exactmd.constraints` and
the LPs of :mod:`exactmd.design` are written in these variables; :func:`fvar`,
:func:`qvar` and :func:`tvar` are the names, :func:`variables` the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flint import fmpq

from .belief import label, profile_label
from .environment import Environment, QLOutcome
from .errors import ModelError
from .mechanism import OutcomeFunction
from .rational import Q

__all__ = ["MechanismEncoding", "fvar", "qvar", "tvar", "variables"]


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


@dataclass(frozen=True, eq=False)
class MechanismEncoding:
    """The direct mechanisms of ``env`` as LP variables, and back.

    >>> from exactmd.environment import Environment
    >>> env = Environment.finite([[0, 1]], "uniform", ["a", "b"], lambda i, x, th: 1)
    >>> enc = MechanismEncoding(env)
    >>> enc.names()[:2]
    ['f[a|0]', 'f[b|0]']
    >>> enc.meaning('f[b|1]')
    ('allocation', 'b', (1,))
    >>> enc.mechanism({'f[a|0]': 1, 'f[b|1]': 1})((1,))
    {'b': 1}
    """

    env: Environment

    def allocation(self, x: Any, th: tuple) -> str:
        """The variable of outcome (finite) or allocation (quasilinear) ``x`` at profile ``th``."""
        return (fvar if self.env.kind == "finite" else qvar)(x, th)

    def transfer(self, i: int, th: tuple) -> str:
        """The variable of agent ``i``'s expected transfer at ``th`` (quasilinear only)."""
        if self.env.kind != "quasilinear":
            raise ModelError("transfers are variables of a quasilinear environment only")
        return tvar(self.env, i, th)

    def variables(self) -> list[tuple[str, fmpq | None, fmpq | None]]:
        """``(name, lower, upper)`` of every variable, in the LP's order."""
        return variables(self.env)

    def names(self) -> list[str]:
        return [name for name, _, _ in self.variables()]

    @cached_property
    def _meanings(self) -> dict[str, tuple[str, Any, tuple]]:
        env = self.env
        out: dict[str, tuple[str, Any, tuple]] = {}
        for th in env.profiles():
            for x in env.outcomes:
                out[self.allocation(x, th)] = ("allocation", x, th)
            if env.kind == "quasilinear":
                for i in range(env.n):
                    out[tvar(env, i, th)] = ("transfer", i, th)
        return out

    def meaning(self, name: str) -> tuple[str, Any, tuple]:
        """``("allocation", x, θ)`` or ``("transfer", i, θ)``: what variable ``name`` stands for."""
        try:
            return self._meanings[name]
        except KeyError:
            raise ModelError(f"{name!r} is not a mechanism variable of this environment") from None

    def assignment(self, f: OutcomeFunction) -> dict[str, fmpq]:
        """The values of the variables at the outcome function ``f`` of this environment."""
        env = self.env
        out: dict[str, fmpq] = {}
        for th in env.profiles():
            for x in env.outcomes:
                out[self.allocation(x, th)] = f.allocation_prob(x, th)
            if env.kind == "quasilinear":
                for i in range(env.n):
                    out[tvar(env, i, th)] = f.expected_transfer(i, th)
        return out

    def mechanism(self, primal: Mapping[str, Any]) -> OutcomeFunction:
        """The outcome function encoded by the variable values ``primal`` (missing ones are 0)."""
        env = self.env
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
