"""The result of an exact LP solve: status, exact values and the certificate."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flint import fmpq

from ..errors import CertificateError, LPError
from ..notebook import Card, Displayable, MAX_ROWS
from ..progress import finish, step
from ..rational import Q, fmt
from ..table import Column, Table
from .checker import verify_certificate
from .exact import canonical_problem
from .revised import revised_simplex
from . import hint


class Status(StrEnum):
    """The status of an LP (and of a mechanism question's answer): a string enum, so
    ``status == "optimal"`` holds and ``f"{status}"`` is ``optimal``."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"
    FEASIBLE = "feasible"  # a feasibility question's answer (DesignResult); an LP's status is never this


@dataclass(frozen=True, repr=False)
class LPResult(Displayable):
    """A frozen LP answer; ``certificate()`` is the ``exactmd-lp-certificate/1`` document."""

    status: Status
    value: fmpq | None
    primal: dict[str, fmpq] | None
    dual: dict[str, fmpq] | None
    farkas: dict[str, fmpq] | None
    ray: dict[str, fmpq] | None
    problem: dict[str, Any]
    pivots: int
    method: str
    _cert: dict[str, Any]

    def certificate(self) -> dict[str, Any]:
        """A copy of the certificate (the caller may change it)."""
        return json.loads(json.dumps(self._cert))

    def shared_certificate(self) -> dict[str, Any]:
        """The certificate itself, not a copy, for embedding a large LP in another document
        without copying it; read-only by contract (it belongs to this frozen result)."""
        return self._cert

    def to_json(self) -> str:
        """The certificate as JSON: indented, or one line when it has more than
        ``COMPACT_ABOVE`` rows (Python's fast JSON encoder only writes compact JSON)."""
        return dump_json(self._cert)

    def verify(self) -> None:
        ok, why = verify_certificate(self._cert)
        if not ok:
            raise CertificateError(f"the solver's own certificate fails: {why}")

    def size(self) -> tuple[int, int]:
        """(rows, variables) of the problem."""
        return len(self.problem.get("constraints") or ()), len(self.problem.get("variables") or ())

    def evidence(self) -> tuple[str, dict[str, fmpq]]:
        """The certificate's evidence by name: ``("dual", y)`` (optimal), ``("farkas", y)``
        (infeasible) or ``("ray", d)`` (unbounded)."""
        for name in ("dual", "farkas", "ray"):
            d = getattr(self, name)
            if d is not None:
                return name, d
        return "", {}

    def __repr__(self) -> str:
        rows, cols = self.size()
        v = "" if self.value is None else f", value={fmt(self.value)}"
        name, ev = self.evidence()
        nz = sum(1 for q in ev.values() if q != 0)
        return (f"LPResult(status={self.status}{v}, {rows:,} rows × {cols:,} variables, "
                f"{'Farkas' if name == 'farkas' else name}: {nz:,} nonzero, pivots={self.pivots}, method={self.method!r})")

    def tables(self, max_rows: int | None = MAX_ROWS) -> list[tuple[str, Table, int]]:
        """The nonzero primal values and the nonzero multipliers of the evidence, as tables
        (heading, table of the first ``max_rows`` entries, entries left out)."""
        out = []
        name, ev = self.evidence()
        what = {"dual": "row multipliers (dual)", "farkas": "Farkas multipliers (a weighted sum of rows that is impossible)",
                "ray": "unbounded ray"}
        for heading, d, key in (("primal values (nonzero)", self.primal, "variable"),
                                (f"{what.get(name, name)} (nonzero)", ev if name else None, "row" if name != "ray" else "variable")):
            if d is None:
                continue
            items = [(k, q) for k, q in d.items() if q != 0]
            shown_ = items if max_rows is None else items[:max_rows]
            t = Table([Column("name", key), Column("value", "value", "value")], [{"name": k, "value": q} for k, q in shown_])
            out.append((heading, t, len(items) - len(shown_)))
        return out

    def _card(self) -> Card:
        rows, cols = self.size()
        facts: tuple[tuple[str, Any], ...] = (("status", str(self.status)),)
        if self.value is not None:
            facts += (("value", self.value),)
        facts += (("problem", f"{self.problem.get('sense', 'max')}, {rows:,} rows × {cols:,} variables"),
                  ("method", self.method), ("pivots", self.pivots),
                  ("certificate", "exactmd-lp-certificate/1, verified (exactmd verify re-checks it)"))
        tabs = self.tables()
        return Card("LP result", facts, tuple((h, t) for h, t, _ in tabs), more=tuple((h, n) for h, _, n in tabs if n))


COMPACT_ABOVE = 5000


def dump_json(doc: Mapping[str, Any]) -> str:
    """A certificate as JSON text: indented for reading, or compact for large problems."""
    problem = doc.get("problem") or doc.get("lp", {}).get("problem") or {}
    if len(problem.get("constraints") or ()) > COMPACT_ABOVE:
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(doc, indent=1, ensure_ascii=False)


def _qmap(d: Mapping[str, str] | None) -> dict[str, fmpq] | None:
    return None if d is None else {k: Q(v) for k, v in d.items()}


METHODS = ("auto", "exact", "hint")
HINT_MIN_SIZE = 50_000  # rows × variables from which "auto" uses the float hint
SLOW_FALLBACK_SIZE = 100_000_000  # rows × variables from which a fallback to the exact simplex is warned about

_default_method: ContextVar[str] = ContextVar("exactmd_lp_method", default="auto")


@contextmanager
def default_method(method: str) -> Iterator[None]:
    """Within the block, ``solve_problem`` calls that do not name a method use ``method``
    (``exactmd reproduce`` pins ``"exact"`` so that its output never depends on which
    extras are installed)."""
    if method not in METHODS:
        raise LPError(f"method={method!r} must be one of {', '.join(METHODS)}")
    token = _default_method.set(method)
    try:
        yield
    finally:
        _default_method.reset(token)


def solve_problem(
    problem: Mapping[str, Any],
    *,
    method: str | None = None,
    max_pivots: int | None = None,
    time_limit: float | None = None,  # float-ok: a wall-clock budget, never a decision
    trace: Callable[[str], None] | None = None,
    _verify: bool = True,
) -> LPResult:
    """Solve an ``exactmd-lp-problem/1`` dict exactly and return a verified :class:`LPResult`.

    ``method``: ``"exact"`` — the exact simplex alone; ``"hint"`` — HiGHS's optimal basis
    re-solved exactly (:mod:`exactmd.lp.hint`, needs ``highspy``), falling back to
    the exact simplex (started from HiGHS's last basis) when the hint does not yield a
    verified certificate; ``"auto"``
    (default) — ``"hint"`` when ``highspy`` is installed and the LP has at least
    ``HINT_MIN_SIZE`` rows × variables (below that the exact simplex is as fast), else
    ``"exact"``.  ``None`` means the :func:`default_method` in force.  Every method returns
    the same status and optimal value (a degenerate LP may have several optimal
    vertices, and the methods may return different ones); the certificate is always
    verified (``_verify=False`` is for :func:`~exactmd.lp.lazy.solve_lazy` alone: it
    solves sub-LPs whose answers it turns into a certificate of the full LP, and verifies
    that one).
    """

    if method is not None and method not in METHODS:
        raise LPError(f"method={method!r} must be one of {', '.join(METHODS)}")
    if method == "hint" and not hint.available():
        raise LPError("method='hint' needs highspy, which is not installed: pip install highspy (or use method='exact')")
    body = canonical_problem({k: v for k, v in problem.items() if k != "format"})
    cert = None
    name = "exact-simplex/dantzig+bland"
    if method is None:
        method = _default_method.get()
    size = len(body.get("constraints") or ()) * len(body.get("variables") or ())
    hint_basis: list[tuple[list[int], list[int]]] = []
    if method == "hint" or (method == "auto" and size >= HINT_MIN_SIZE and hint.available()):
        step("float hint", None, None, "(HiGHS, then exact refinement)")
        try:
            cert = hint.solve_hinted(body, time_limit=time_limit, trace=trace, basis_out=hint_basis)
        finally:
            finish("float hint")
        if cert is not None:
            name = "highs-basis+exact-refinement"
        else:
            if trace:
                trace("falling back to the exact simplex" + (" from HiGHS's basis" if hint_basis else ""))
            if size >= SLOW_FALLBACK_SIZE and time_limit is None and max_pivots is None:
                warnings.warn(
                    f"the float hint did not give an exact optimal basis for this LP ({len(body.get('constraints') or ())} rows); "
                    "the exact simplex alone may take hours at this size — pass time_limit= (CLI: --time-limit) to bound it",
                    RuntimeWarning, stacklevel=2)
    if cert is None:
        # from HiGHS's last basis when the hint failed (its values repaired exactly), else cold
        cert = revised_simplex(body, max_pivots=max_pivots, time_limit=time_limit, trace=trace,
                               basis=hint_basis[0] if hint_basis else None)
    pivots = cert.pop("pivots")
    cert.pop("basis", None)
    res = LPResult(
        Status(cert["status"]),
        Q(cert["value"]) if "value" in cert else None,
        _qmap(cert.get("primal")),
        _qmap(cert.get("dual")),
        _qmap(cert.get("farkas")),
        _qmap(cert.get("ray")),
        cert["problem"],
        pivots,
        name,
        cert,
    )
    if name.startswith("exact") and _verify:
        res.verify()  # the hinted certificate was verified before it was accepted
    return res
