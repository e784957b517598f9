"""Exact tables for papers: CSV, Markdown, LaTeX (``\\frac``) and JSON.

``render(rows, style, columns)`` prints rows of exact values; :func:`claim_rows` builds the
table of a paper's claim verdicts (``exactmd table neeman-pavlov`` is one).  A plug-in
that writes tables registers their column lists with :func:`register_columns`, so that
``-o`` recognises an existing table as exactmd's output (:mod:`exactmd.files`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import Any

from .claims import Claim, registered_claims
from .errors import ModelError
from .plugins import load_plugins
from .rational import Q, fmt, latex

__all__ = ["CLAIM_COLUMNS", "claim_rows", "render", "register_columns", "registered_columns"]

_COLUMNS: list[list[str]] = []


def register_columns(columns: Iterable[str]) -> list[str]:
    """Register the column list of a table a plug-in writes (see the module text)."""
    cols = [str(c) for c in columns]
    if cols not in _COLUMNS:
        _COLUMNS.append(cols)
    return cols


def registered_columns() -> list[list[str]]:
    """The column lists of every table exactmd writes: claim tables and the registered ones."""
    load_plugins()
    return [CLAIM_COLUMNS] + [c for c in _COLUMNS if c != CLAIM_COLUMNS]


#: the columns of a table of claim verdicts (:func:`claim_rows`)
CLAIM_COLUMNS = ["claim", "where", "instance", "verdict", "readings", "domain", "summary"]


def claim_rows(paper: str, *, log: Callable[[str], None] | None = None, claims: Iterable[Claim] | None = None) -> list[dict[str, Any]]:
    """One row per claim of ``paper`` (of ``claims``, default: every registered one) and
    paper instance: the headline verdict, each reading's status (``reading on domain:
    status``) and the domains decided on (columns :data:`CLAIM_COLUMNS`)."""
    rows = []
    for claim in sorted(registered_claims() if claims is None else claims, key=lambda c: c.id):
        cid = claim.id
        if claim.paper != paper:
            continue
        for name, inst in claim.instances():
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


def render(rows: list[dict[str, Any]], style: str, columns: list[str] | None = None) -> str:
    """Render rows as ``csv``, ``markdown``, ``latex`` or ``json`` (exact values); the
    columns default to the keys of the first row."""
    if columns is None:
        columns = list(rows[0]) if rows else []
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
