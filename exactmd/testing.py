"""A claim as a pytest test: random instances, the shrunk counterexample as a table.

:func:`claim_test` turns a :class:`~exactmd.claims.Claim` (or a registered claim's id)
into a test function.  The test decides the claim on random instances drawn from the
claim's own hypothesis strategy and passes when no reading is refuted on any of them;
when one is, hypothesis shrinks the instance, and the test fails with an
``AssertionError`` whose message is the verdict, the shrunk counterexample rendered as
an exact table (:func:`exactmd.display.describe`) and the paths of its certificates,
written (atomically) under ``out`` — by default the folder named by the environment
variable ``EXACTMD_COUNTEREXAMPLES``, else ``exactmd-counterexamples`` in the current
directory — so that ``exactmd verify`` can re-check it.

A sample never confirms a universal statement: a passing test means "held on the
instances drawn", and the test also fails when no drawn instance met the claim's
hypotheses (every reading ``not-applicable``), which would test nothing.

In a test file::

    from exactmd.testing import claim_test
    from mypaper_claims import LEMMA_3          # a Claim

    test_lemma_3 = claim_test(LEMMA_3)          # examples: the hypothesis profile's max_examples

The number of examples is the active hypothesis profile's unless ``examples`` is given.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .claims import Claim, Verdict, get_claim
from .display import describe
from .errors import ClaimError
from .reproduce import write_verdict

__all__ = ["claim_test", "ClaimRefuted", "counterexample_report", "DEFAULT_OUT", "OUT_ENV"]

OUT_ENV = "EXACTMD_COUNTEREXAMPLES"
DEFAULT_OUT = "exactmd-counterexamples"


class ClaimRefuted(AssertionError):
    """A claim refuted on an instance (raised inside the property; carries the verdict)."""

    def __init__(self, verdict: Verdict, instance: Any) -> None:
        super().__init__(str(verdict))
        self.verdict = verdict
        self.instance = instance


def counterexample_report(verdict: Verdict, instance: Any, paths: list[str] | None = None) -> str:
    """The text of a refutation: which readings fail, the summary, the instance as a
    table, and where its certificates are."""
    bad = [r for r in verdict.readings if r.status == "refuted"]
    under = ", ".join(f"{r.reading} on {r.domain_name}" for r in bad)
    lines = [f"{verdict.claim} is REFUTED on {verdict.instance} under {under}: {verdict.summary}",
             "the counterexample (shrunk by hypothesis):", describe(instance)]
    for r in bad:
        if r.summary and r.summary != verdict.summary:
            lines.append(f"  {r.reading}: {r.summary}")
    stated = [(name, cert["statement"]) for name, cert in verdict.certificates if isinstance(cert.get("statement"), str)]
    if stated:
        lines.append("what the certificates state:")
        lines += [f"  {name}: {s}" for name, s in stated]
    if paths:
        lines.append("certificates (check them with `exactmd verify FILE`):")
        lines += [f"  {p}" for p in paths]
    return "\n".join(lines)


def claim_test(claim: Claim | str, *, examples: int | None = None, out: str | Path | None = None,
               seed: int | None = None) -> Callable[[], None]:
    """A pytest test function for ``claim`` (see the module text).  ``seed`` fixes the
    random instances; ``out`` is where a counterexample's certificates go."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    c = claim if isinstance(claim, Claim) else get_claim(claim)
    if not isinstance(c, Claim):
        raise ClaimError(f"claim_test takes a Claim or a claim id, not {type(claim).__name__}")
    if examples is not None and (isinstance(examples, bool) or not isinstance(examples, int) or examples < 1):
        raise ClaimError(f"examples={examples!r} must be a positive integer")

    def test() -> None:
        __tracebackhide__ = True  # pytest shows the report, not this frame
        applied = [0]
        drawn = [0]

        def prop(inst: Any) -> None:
            v = c.decide(inst)
            drawn[0] += 1
            if any(r.status != "not-applicable" for r in v.readings):
                applied[0] += 1
            if any(r.status == "refuted" for r in v.readings):
                raise ClaimRefuted(v, inst)

        kw: dict[str, Any] = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
        if examples is not None:
            kw["max_examples"] = examples
        run = settings(**kw)(given(c.search_strategy())(prop))
        if seed is not None:
            run = hseed(seed)(run)
        try:
            run()
        except ClaimRefuted as e:  # the shrunk example (hypothesis raises it last)
            where = Path(out if out is not None else os.environ.get(OUT_ENV, DEFAULT_OUT))
            paths = [str(where / p) for p in write_verdict(e.verdict, where, e.verdict.instance)]
            raise AssertionError(counterexample_report(e.verdict, e.instance, paths)) from None
        if applied[0] == 0:
            raise AssertionError(f"{c.id}: none of the {drawn[0]} instances drawn met the claim's hypotheses "
                                 "(every reading not-applicable): the test tested nothing")

    test.__name__ = "test_" + c.label.replace("-", "_").replace(".", "_").replace("+", "_")
    test.__qualname__ = test.__name__
    test.__doc__ = f"{c.id}: {c.statement}"
    return test
