"""The result of an exact LP solve: status, exact values and the certificate."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from flint import fmpq

from ..errors import CertificateError
from ..rational import Q


class Status(Enum):
    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    UNBOUNDED = "unbounded"


@dataclass(frozen=True)
class LPResult:
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
        return json.loads(json.dumps(self._cert))

    def to_json(self) -> str:
        return json.dumps(self._cert, indent=1, ensure_ascii=False)

    def verify(self) -> None:
        from .checker import verify_certificate

        ok, why = verify_certificate(self._cert)
        if not ok:
            raise CertificateError(f"the solver's own certificate fails: {why}")


def _qmap(d: Mapping[str, str] | None) -> dict[str, fmpq] | None:
    return None if d is None else {k: Q(v) for k, v in d.items()}


def solve_problem(
    problem: Mapping[str, Any],
    *,
    max_pivots: int | None = None,
    time_limit: float | None = None,  # float-ok: a wall-clock budget, never a decision
    trace: Callable[[str], None] | None = None,
) -> LPResult:
    """Solve an ``exactmd-lp-problem/1`` dict exactly and return a verified :class:`LPResult`."""
    from .exact import simplex

    body = {k: v for k, v in problem.items() if k != "format"}
    cert = simplex(body, max_pivots=max_pivots, time_limit=time_limit, trace=trace)
    pivots = cert.pop("pivots")
    res = LPResult(
        Status(cert["status"]),
        Q(cert["value"]) if "value" in cert else None,
        _qmap(cert.get("primal")),
        _qmap(cert.get("dual")),
        _qmap(cert.get("farkas")),
        _qmap(cert.get("ray")),
        cert["problem"],
        pivots,
        "exact-simplex/dantzig+bland",
        cert,
    )
    res.verify()
    return res
