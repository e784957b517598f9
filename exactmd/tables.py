"""Exact tables for papers: CSV, Markdown, LaTeX (``\\frac``) and JSON.

``bargaining_rows(Ks, prior)`` computes, for each grid size K, the bilateral-trade
quantities of Vartiainen §5 (both agents with the same named prior, or
``"buyer:seller"`` for two different ones) and ``render(rows, fmt)`` prints them.  CSV
columns, in this order: ``K,prior,regular,first_best,first_best_attainable,
second_best,best_threshold,gamma,prop2`` — values exact, as ``p/q``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from .errors import ModelError
from .rational import Q, fmt, latex

__all__ = ["BARGAINING_COLUMNS", "NEEMAN_PAVLOV_COLUMNS", "MAX_K", "MAX_K_VALUES", "PRIORS", "bargaining_rows", "parse_prior", "render", "parse_range"]

BARGAINING_COLUMNS = [
    "K", "prior", "regular", "first_best", "first_best_attainable", "second_best", "best_threshold", "gamma", "prop2",
]
NEEMAN_PAVLOV_COLUMNS = ["claim", "where", "instance", "verdict", "summary"]

#: The largest grid size K of a bargaining table or picture: the K = 128 second-best LP
#: (33,282 variables) takes about 45 s and 1.5 GiB (benchmarks/README.md).
MAX_K = 128
#: At most this many grid sizes in one table.
MAX_K_VALUES = 128


def parse_range(spec: str) -> list[int]:
    """``"1..8"``, ``"2,4,6"`` or ``"3"`` → list of integers in 1..``MAX_K``.

    Checked before anything is built: every K in 1..MAX_K (128), at most MAX_K_VALUES
    (128) values.

    >>> parse_range("1..3,8")
    [1, 2, 3, 8]
    """
    out: list[int] = []
    text = str(spec)
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        bounds = part.split("..") if ".." in part else [part]
        if len(bounds) > 2 or not all(re.fullmatch(r"[+-]?\d{1,30}", b.strip()) for b in bounds):
            raise ModelError(f"K={spec!r} must look like 1..8 or 2,4,6 (whole numbers)")
        vals = [int(b) for b in bounds]
        for k in vals:
            if not 1 <= k <= MAX_K:
                raise ModelError(f"K={spec!r}: grid size {k} is outside 1..{MAX_K}")
        lo, hi = vals[0], vals[-1]
        if hi < lo:
            raise ModelError(f"K={spec!r}: the range {part!r} is empty")
        if len(out) + hi - lo + 1 > MAX_K_VALUES:
            raise ModelError(f"K={spec!r} names more than {MAX_K_VALUES} grid sizes")
        out += range(lo, hi + 1)
    if not out:
        raise ModelError(f"K={spec!r} must name positive integers")
    return out


PRIORS = ("uniform", "increasing", "decreasing")


def parse_prior(prior: str) -> tuple[str, str]:
    """``"uniform"`` or ``"BUYER:SELLER"`` → (buyer prior, seller prior), each a named prior.

    >>> parse_prior("increasing:uniform")
    ('increasing', 'uniform')
    """
    p1, sep, p2 = str(prior).partition(":")
    p2 = p2 if sep else p1
    for p in (p1, p2):
        if p not in PRIORS:
            raise ModelError(f"prior {p!r} (in --prior {prior!r}) must be one of {', '.join(PRIORS)}, or BUYER:SELLER")
    return p1, p2


def bargaining_rows(Ks: Iterable[int], prior: str = "uniform", *, log: Callable[[str], None] | None = None) -> list[dict[str, Any]]:
    from .papers.vartiainen2014 import bilateral_trade, first_best, first_best_attainable, proposition_2

    p1, p2 = parse_prior(prior)
    rows = []
    for K in Ks:
        if log:
            log(f"K = {K} ...")
        env = bilateral_trade(K, p1, p2)
        r = proposition_2(env)
        rows.append({
            "K": K,
            "prior": prior,
            "regular": r.regular,
            "first_best": first_best(env),
            "first_best_attainable": first_best_attainable(env).status == "optimal",
            "second_best": r.second_best.value,
            "best_threshold": r.best.value if r.best else None,
            "gamma": r.best.gamma if r.best else None,
            "prop2": ("confirmed" if r.confirmed else "refuted") if r.regular else "not-applicable",
        })
    return rows


NEEMAN_PAVLOV_COLUMNS = ["claim", "where", "instance", "verdict", "readings", "domain", "summary"]


def neeman_pavlov_rows(*, log: Callable[[str], None] | None = None, claims: Iterable[Any] | None = None) -> list[dict[str, Any]]:
    """One row per Neeman–Pavlov claim (of ``claims``, default: every registered one) and
    paper instance: the headline verdict, each reading's status (``reading on domain:
    status``) and the domains decided on."""
    from .claims import registered_claims

    rows = []
    for claim in sorted(registered_claims() if claims is None else claims, key=lambda c: c.id):
        cid = claim.id
        if claim.paper != "neemanpavlov2007":
            continue
        for name, inst in claim.paper_instances():
            if log:
                log(f"[{cid}] {name} ...")
            v = claim.decide(inst)
            rows.append({
                "claim": claim.label, "where": claim.where, "instance": name, "verdict": v.status,
                "readings": "; ".join(f"{r.reading} on {r.domain_name}: {r.status}" for r in v.readings),
                "domain": "; ".join(d.decided if d.decided == "the instance" else
                                    (f"{d.decided} (contains what {d.paper} contains)" if d.contains else f"{d.decided} (omits part of {d.paper})")
                                    for d in v.domains),
                "summary": v.summary,
            })
    return rows


def _cell(v: Any, style: str) -> str:
    if v is None:
        return "" if style != "latex" else "--"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return str(v)
    try:
        q = Q(v)
    except Exception:
        return str(v)
    return f"${latex(q)}$" if style == "latex" else fmt(q)


def render(rows: list[dict[str, Any]], style: str, columns: list[str] = BARGAINING_COLUMNS) -> str:
    """Render rows as ``csv``, ``markdown``, ``latex`` or ``json`` (exact values)."""
    if style == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([("true" if r[c] else "false") if isinstance(r[c], bool) else _cell(r[c], "csv") for c in columns])
        return buf.getvalue()
    if style == "json":
        return json.dumps([{c: (r[c] if isinstance(r[c], (bool, int, str)) or r[c] is None else fmt(r[c])) for c in columns} for r in rows], indent=1) + "\n"
    if style == "markdown":
        lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
        lines += ["| " + " | ".join(_cell(r[c], "md") for c in columns) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    if style == "latex":
        head = " & ".join(c.replace("_", r"\_") for c in columns) + r" \\"
        body = [" & ".join(_cell(r[c], "latex") for c in columns) + r" \\" for r in rows]
        return "\n".join([r"\begin{tabular}{" + "l" * len(columns) + "}", r"\hline", head, r"\hline", *body, r"\hline", r"\end{tabular}"]) + "\n"
    raise ModelError(f"format={style!r} must be one of csv, markdown, latex, json")
