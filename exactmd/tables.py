"""Exact tables for papers: CSV, Markdown, booktabs LaTeX (``\\frac``) and JSON.

``render(rows, style, columns)`` prints rows of exact values through
:class:`exactmd.table.Table` (``columns``: keys or :class:`~exactmd.table.Column` specs
with headers); :func:`claim_rows` builds the table of a paper's claim verdicts
(``exactmd table neeman-pavlov`` is one, with the headers of :data:`CLAIM_SPEC`).  A
plug-in that writes tables registers their column specs with :func:`register_columns`,
and a table whose columns vary (a sweep's) a pattern of its header line with
:func:`register_header`, so that ``-o`` recognises an existing table as exactmd's output
(:mod:`exactmd.files`).  :func:`add_table_options` and :func:`table_options` give a
command the options ``--format``, ``--fractions``, ``--booleans``, ``--caption`` and
``--label``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable
from typing import Any

from .claims import Claim, registered_claims
from .errors import ModelError
from .plugins import load_plugins
from .table import Column, Table

__all__ = ["CLAIM_COLUMNS", "CLAIM_SPEC", "FORMATS", "claim_rows", "render", "register_columns", "registered_columns",
           "registered_specs", "register_header", "header_patterns", "add_table_options", "table_options"]

#: the formats of ``exactmd table ...`` (a :class:`~exactmd.table.Table` also renders html)
FORMATS = ("csv", "markdown", "latex", "json")

_SPECS: list[tuple[Column, ...]] = []
_HEADERS: list[re.Pattern[str]] = []


def _spec(columns: Iterable[Column | str]) -> tuple[Column, ...]:
    return tuple(c if isinstance(c, Column) else Column(str(c)) for c in columns)


def register_columns(columns: Iterable[Column | str]) -> list[str]:
    """Register the column spec (keys or :class:`~exactmd.table.Column` objects) of a table a
    plug-in writes (see the module text); return its keys."""
    spec = _spec(columns)
    if spec not in _SPECS:
        _SPECS.append(spec)
    return [c.key for c in spec]


def registered_specs() -> list[tuple[Column, ...]]:
    """The column specs of every table exactmd writes: claim tables and the registered ones."""
    load_plugins()
    return [CLAIM_SPEC] + [s for s in _SPECS if s != CLAIM_SPEC]


def registered_columns() -> list[list[str]]:
    """The column keys of every table exactmd writes (:func:`registered_specs`)."""
    return [[c.key for c in s] for s in registered_specs()]


def register_header(pattern: str) -> re.Pattern[str]:
    """Register a regular expression that the first line of a CSV or Markdown table exactmd
    writes with varying columns (a sweep's) matches in full."""
    rx = re.compile(pattern)
    if rx not in _HEADERS:
        _HEADERS.append(rx)
    return rx


def header_patterns() -> list[re.Pattern[str]]:
    """The registered header patterns (:func:`register_header`)."""
    return list(_HEADERS)


#: the columns of a table of claim verdicts (:func:`claim_rows`)
CLAIM_COLUMNS = ["claim", "where", "instance", "verdict", "readings", "domain", "summary"]
#: their spec: the same keys with the headers of a paper's table
CLAIM_SPEC = tuple(Column(k, k.capitalize()) for k in CLAIM_COLUMNS)


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


def render(rows: list[dict[str, Any]], style: str, columns: Iterable[Column | str] | None = None, *,
           caption: str | None = None, label: str | None = None, **options: Any) -> str:
    """Render rows as ``csv``, ``markdown``, ``latex`` or ``json`` (exact values) through
    :class:`~exactmd.table.Table`; the columns default to the keys of the first row.
    ``options``: ``fractions`` and ``booleans`` (:meth:`~exactmd.table.Table.to_latex`)."""
    if style not in FORMATS:
        raise ModelError(f"format={style!r} must be one of {', '.join(FORMATS)}")
    table = Table(columns, rows, caption=caption, label=label)
    if style == "latex":
        return table.to_latex(**options)
    if style == "markdown" and "booleans" in options:
        return table.to_markdown(booleans=options["booleans"])
    return table.render(style)


def add_table_options(parser: argparse.ArgumentParser, default: str | None = "markdown") -> None:
    """``--format``, ``--fractions``, ``--booleans``, ``--caption``, ``--label`` of a table command."""
    parser.add_argument("--format", default=default, choices=list(FORMATS))
    parser.add_argument("--fractions", default="frac", choices=["frac", "slash"],
                        help="LaTeX numbers as \\frac{p}{q} (default) or p/q")
    parser.add_argument("--booleans", default=None, choices=["marks", "words"],
                        help="yes/no as \\checkmark/--- or words (default: marks in LaTeX, words in Markdown)")
    parser.add_argument("--caption", default=None, help="the LaTeX table's caption (text, with math between $…$ kept; default: the table's own)")
    parser.add_argument("--label", default=None, help="the LaTeX table's \\label")


def table_options(args: argparse.Namespace, *, caption: str | None = None) -> dict[str, Any]:
    """The keyword arguments of :func:`render` from :func:`add_table_options`' options
    (``caption``: the table's own, which ``--caption`` replaces)."""
    opts: dict[str, Any] = {"caption": caption if args.caption is None else args.caption, "label": args.label}
    if args.format == "latex":
        opts["fractions"] = args.fractions
    if args.booleans is not None and args.format in ("latex", "markdown"):
        opts["booleans"] = args.booleans
    return opts
