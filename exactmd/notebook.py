"""The notebook display of exactmd's objects (Jupyter) and their short ``repr``.

Every object a notebook shows — an environment, a mechanism, a device, a design result,
an LP result — describes itself by a :class:`Card`: a title, a few facts (name → exact
number or text) and tables (:class:`~exactmd.table.Table`, whose renderings this module
reuses).  :class:`Displayable` turns the card into Jupyter's ``_repr_html_`` (an HTML
fragment, every name escaped, numbers ``p/q``) and ``_repr_latex_`` (MathJax: facts and
tables as ``array``\\ s, numbers ``\\frac{p}{q}``).  Nothing is rounded; a table longer
than ``MAX_ROWS`` shows its first rows and counts the rest (the full object is in the
certificate, or in :func:`exactmd.display.describe`).

:func:`brief` keeps a ``repr`` short: items are joined until ``limit`` characters, then
the rest is counted.

>>> from exactmd.rational import Q
>>> card = Card("result <x>", (("status", "optimal"), ("value", Q("71/25"))))
>>> print(card.html())
<div class="exactmd">
<p><strong>result &lt;x&gt;</strong></p>
<ul><li>status: optimal</li><li>value: 71/25</li></ul>
</div>
>>> print(card.latex())
$$\\begin{array}{l}\\textbf{result <x>} \\\\ \\text{status: optimal} \\\\ \\text{value} = \\frac{71}{25}\\end{array}$$
>>> brief(["a", "bb", "ccc", "dddd"], limit=6)
'a; bb; … (2 more)'
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .rational import Q, fmt, latex
from .table import Table, _is_number, latex_escape

__all__ = ["Card", "Displayable", "MAX_ROWS", "brief", "shown", "mechanism_part"]

#: rows of a table shown in a notebook before the rest is counted
MAX_ROWS = 50


def brief(items: Iterable[str], limit: int = 400, sep: str = "; ") -> str:
    """``items`` joined by ``sep`` up to about ``limit`` characters, then ``… (N more)``."""
    items = list(items)
    out: list[str] = []
    size = 0
    for k, s in enumerate(items):
        if out and size + len(s) > limit:
            return sep.join(out) + f"{sep}… ({len(items) - k} more)"
        out.append(s)
        size += len(s) + len(sep)
    return sep.join(out)


def shown(n: int, max_rows: int | None) -> int:
    """How many of ``n`` rows a table of at most ``max_rows`` rows shows."""
    return n if max_rows is None else min(n, max_rows)


def mechanism_part(mechanism: Any, heading: str = "the mechanism, by type profile") -> dict[str, Any]:
    """The ``tables`` and ``more`` of a card that shows ``mechanism`` (an
    :class:`~exactmd.mechanism.OutcomeFunction`, or None: nothing)."""
    if mechanism is None:
        return {"tables": (), "more": ()}
    n = len(mechanism.profiles())
    return {"tables": ((heading, mechanism.table(MAX_ROWS)),), "more": ((heading, n - MAX_ROWS),) if n > MAX_ROWS else ()}


def _text(v: Any) -> str:
    return fmt(Q(v)) if _is_number(v) else str(v)


def _tex(name: str, v: Any) -> str:
    if _is_number(v):
        return r"\text{" + latex_escape(name) + "} = " + latex(Q(v))
    return r"\text{" + latex_escape(f"{name}: {v}") + "}"


@dataclass(frozen=True)
class Card:
    """What a notebook shows of an object: ``title``, ``facts`` (pairs name → exact number
    or text), ``tables`` (pairs heading → :class:`~exactmd.table.Table`), ``more``
    (heading → rows not shown, for a truncated table) and a closing ``note``."""

    title: str
    facts: tuple[tuple[str, Any], ...] = ()
    tables: tuple[tuple[str, Table], ...] = ()
    note: str = ""
    more: tuple[tuple[str, int], ...] = ()

    def _more(self, heading: str) -> int:
        return dict(self.more).get(heading, 0)

    def html(self) -> str:
        """An HTML fragment: every text escaped, numbers ``p/q``."""
        out = ['<div class="exactmd">', f"<p><strong>{html.escape(self.title)}</strong></p>"]
        if self.facts:
            out.append("<ul>" + "".join(f"<li>{html.escape(k)}: {html.escape(_text(v))}</li>" for k, v in self.facts) + "</ul>")
        for heading, t in self.tables:
            if heading:
                out.append(f"<p>{html.escape(heading)}</p>")
            out.append(t.to_html())
            if self._more(heading):
                out.append(f"<p>… {self._more(heading)} more rows</p>")
        if self.note:
            out.append(f"<p><small>{html.escape(self.note)}</small></p>")
        out.append("</div>")
        return "\n".join(out)

    def latex(self) -> str:
        r"""MathJax LaTeX: the title and facts in one ``array``, then each table's (``\frac``)."""
        lines = [r"\textbf{" + latex_escape(self.title) + "}"] + [_tex(k, v) for k, v in self.facts]
        out = ["$$\\begin{array}{l}" + r" \\ ".join(lines) + r"\end{array}$$"]
        for heading, t in self.tables:
            if heading:
                out.append("$$\\text{" + latex_escape(heading) + "}$$")
            out.append(t._repr_latex_())
            if self._more(heading):
                out.append("$$\\text{" + latex_escape(f"… {self._more(heading)} more rows") + "}$$")
        if self.note:
            out.append("$$\\text{" + latex_escape(self.note) + "}$$")
        return "\n".join(out)


class Displayable:
    """Mix-in: Jupyter's ``_repr_html_`` and ``_repr_latex_`` from the object's ``_card()``."""

    __slots__ = ()

    def _card(self) -> Card:  # pragma: no cover - every displayable class defines it
        raise NotImplementedError

    def _repr_html_(self) -> str:
        return self._card().html()

    def _repr_latex_(self) -> str:
        return self._card().latex()
