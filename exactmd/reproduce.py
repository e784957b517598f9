"""The main job: regenerate, write and verify every claim's certificates; and property checks.

``reproduce(out)`` runs every registered claim on its named paper instances, writes
each certificate to ``out/<paper>/<label>/<instance>/<name>.json``, a manifest
``out/manifest.json`` (a list of ``{"claim", "instance", "status", "summary",
"certificates": [paths relative to out]}``) and a summary table ``out/summary.md``,
then re-reads every file it wrote and verifies it.  Output is byte-identical from run
to run.

``check_claims(ids)`` runs claims as hypothesis property tests over random instances
("the claim is never refuted") and, when one is refuted, reports the shrunk
counterexample and writes its certificates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .design import verify_document
from .theorems import CLAIMS, Claim, Verdict, get_claim

__all__ = ["reproduce", "check_claims", "write_verdict"]

Log = Callable[[str], None]


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", s).strip("-") or "instance"


def _dump(doc: Any) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def write_verdict(v: Verdict, out: Path, instance_name: str) -> list[str]:
    """Write a verdict's certificates under ``out``; return their paths relative to ``out``."""
    paper, _, label = v.claim.partition("/")
    d = out / paper / label / _slug(instance_name)
    d.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, cert in v.certificates:
        p = d / f"{_slug(name)}.json"
        p.write_text(_dump(cert), encoding="utf-8")
        paths.append(p.relative_to(out).as_posix())
    return paths


def reproduce(out: Path, *, claims: Iterable[str] | None = None, log: Log = print, echo: Log = print) -> int:
    """Run every claim on its paper instances, write and verify the certificates; 0 iff all verify.

    LPs are solved by the exact simplex alone, so that the files are the same whether
    or not the float hint (``exactmd[fast]``) is installed."""
    from .lp.solution import default_method

    with default_method("exact"):
        return _reproduce(out, claims=claims, log=log, echo=echo)


def _reproduce(out: Path, *, claims: Iterable[str] | None, log: Log, echo: Log) -> int:
    out.mkdir(parents=True, exist_ok=True)
    chosen: list[Claim] = [get_claim(c) for c in claims] if claims else [CLAIMS[c] for c in sorted(CLAIMS)]
    manifest = []
    for claim in chosen:
        for name, inst in claim.paper_instances():
            log(f"[{claim.id}] {name} ...")
            v = claim.decide(inst)
            paths = write_verdict(v, out, name)
            manifest.append({"claim": claim.id, "instance": name, "status": v.status, "summary": v.summary, "certificates": paths})
    (out / "manifest.json").write_text(_dump(manifest), encoding="utf-8")
    _write_derivations(out)
    failed = 0
    total = 0
    for entry in manifest:
        for rel in entry["certificates"]:
            total += 1
            ok, why = verify_document(json.loads((out / rel).read_text(encoding="utf-8")))
            if not ok:
                failed += 1
                echo(f"FAIL {rel}: {why}")
    table = summary_table(manifest, total, failed)
    (out / "summary.md").write_text(table, encoding="utf-8")
    echo(table)
    return 1 if failed else 0


def _write_derivations(out: Path) -> None:
    """Copy the written derivations (e.g. the decidability of covering) next to the certificates."""
    from importlib.resources import files

    d = out / "derivations"
    d.mkdir(parents=True, exist_ok=True)
    for f in sorted(files("exactmd").joinpath("derivations").iterdir(), key=lambda f: f.name):
        if f.name.endswith(".md"):
            (d / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")


def summary_table(manifest: list[dict[str, Any]], total: int, failed: int) -> str:
    lines = [
        "# exactmd reproduce — summary",
        "",
        "| claim | instance | verdict | summary | certificates |",
        "| --- | --- | --- | --- | --- |",
    ]
    for e in manifest:
        lines.append(f"| {e['claim']} | {e['instance']} | {e['status']} | {e['summary']} | {len(e['certificates'])} |")
    lines += ["", f"{total - failed} of {total} certificates verified" + ("" if not failed else f"; {failed} FAILED"), ""]
    return "\n".join(lines)


class _Refuted(Exception):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__(str(verdict))
        self.verdict = verdict


def check_claims(
    ids: Iterable[str],
    *,
    examples: int = 25,
    seed: int = 0,
    out: str | None = None,
    log: Log = print,
    echo: Log = print,
    shrink_seconds: float = 60.0,  # float-ok: wall clock
) -> int:
    """Property-test claims over random instances; 1 if any claim is refuted, else 0.

    A refutation is shrunk towards a smaller instance for at most ``shrink_seconds``
    (some claims take seconds per instance); after that the smallest refuted instance
    decided so far is reported — a genuine counterexample, perhaps not the smallest."""
    import time

    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    chosen = [get_claim(c) for c in ids] if ids else [CLAIMS[c] for c in sorted(CLAIMS)]
    rc = 0
    for claim in chosen:
        counts = {"confirmed": 0, "refuted": 0, "not-applicable": 0}
        last: list[Verdict] = []
        first_refuted: list[float] = []  # float-ok: wall clock

        @hseed(seed)
        @settings(max_examples=examples, deadline=None, database=None, derandomize=False, report_multiple_bugs=False,
                  suppress_health_check=list(HealthCheck))
        @given(claim.strategy())
        def prop(inst: Any) -> None:
            if first_refuted and time.monotonic() - first_refuted[0] > shrink_seconds:
                v = last[-1]  # out of shrinking time: stop deciding, keep failing with the last real verdict
            else:
                v = claim.decide(inst)
                counts[v.status] += 1
                log(f"[{claim.id}] run {sum(counts.values())} (shrinking included): {v.status} ({v.instance})")
                if v.status == "refuted":
                    if not first_refuted:
                        first_refuted.append(time.monotonic())
                    last.append(v)
            if v.status == "refuted":  # one raising line: hypothesis compares failures by where they are raised
                raise _Refuted(v)

        try:
            prop()
            echo(f"{claim.id}: never refuted on {sum(counts.values())} random instances "
                 f"({counts['confirmed']} confirmed, {counts['not-applicable']} not applicable)")
        except _Refuted:
            v = last[-1]  # hypothesis re-runs the shrunk example last
            rc = 1
            if first_refuted and time.monotonic() - first_refuted[0] > shrink_seconds:
                echo(f"{claim.id}: shrinking stopped after {shrink_seconds:g} s; reporting the last refuted instance decided")
            echo(f"{claim.id}: REFUTED on {v.instance}: {v.summary}")
            if out:
                paths = write_verdict(v, Path(out), v.instance)
                for p in paths:
                    echo(f"  certificate: {Path(out) / p}")
    return rc
