"""A table of exact values, rendered for a paper: CSV, Markdown, booktabs LaTeX, JSON, HTML.

A :class:`Table` holds rows (mappings key → value) and a column spec (:class:`Column`:
key, header text, header LaTeX, alignment, format).  A cell is an exact number (``int``,
``fmpq``, ``fmpz``, ``Fraction``), a ``bool``, a ``str`` (text, never read as a number) or
``None`` (empty).  Nothing is rounded:

* CSV: the keys as header; numbers ``p/q``; booleans ``true``/``false``; ``None`` empty.
* Markdown: the header texts; numeric columns right-aligned (``---:``); booleans
  ``yes``/``no`` (or ✓/— with ``booleans="marks"``).
* LaTeX: a booktabs ``tabular`` (``\\toprule``, ``\\midrule``, ``\\bottomrule``; needs
  ``\\usepackage{booktabs}``) with the header LaTeX, numeric columns right-aligned,
  numbers in math mode as ``\\frac{p}{q}`` (``fractions="frac"``) or ``p/q``
  (``fractions="slash"``) with the sign outside (``$-\\frac{1}{3}$``: a true minus),
  booleans ``\\checkmark``/--- (``booleans="marks"``, the default; ``\\checkmark`` needs
  ``amssymb``) or yes/no (``"words"``), text escaped.  With a caption or a label the
  tabular sits in a centred ``table`` float.  The first line is the comment
  ``% exactmd table: KEYS``, which marks the file as exactmd's (:mod:`exactmd.files`).
* JSON: a list of objects key → value; numbers as exact strings ``"p/q"`` (a Python
  ``int`` stays a JSON integer), booleans and ``null`` as themselves.

>>> from exactmd.rational import Q
>>> t = Table([Column("x", latex="$x$"), Column("v", "value"), Column("ok", "attained")],
...           [{"x": 0, "v": Q("-1/3"), "ok": True}, {"x": 1, "v": Q("1/2"), "ok": False}])
>>> t
Table(2 rows × 3 columns: x, v, ok)
>>> print(t.to_csv(), end="")
x,v,ok
0,-1/3,true
1,1/2,false
>>> print(t.to_markdown(), end="")
| x | value | attained |
| ---: | ---: | :---: |
| 0 | -1/3 | yes |
| 1 | 1/2 | no |
>>> print(t.to_latex(), end="")
% exactmd table: x,v,ok
\\begin{tabular}{rrc}
\\toprule
$x$ & value & attained \\\\
\\midrule
$0$ & $-\\frac{1}{3}$ & $\\checkmark$ \\\\
$1$ & $\\frac{1}{2}$ & --- \\\\
\\bottomrule
\\end{tabular}
>>> Table(["x"], [{"y": 1}])
Traceback (most recent call last):
...
exactmd.errors.ModelError: row 1 has no value for column 'x' (its keys: 'y')
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flint import fmpq, fmpz

from .errors import ModelError
from .rational import Q, fmt, latex

__all__ = ["Column", "Table", "STYLES", "latex_caption", "latex_escape"]

#: the renderings :meth:`Table.render` knows
STYLES = ("csv", "markdown", "latex", "json", "html")

_ALIGN = ("l", "r", "c")
_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                  "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    r"""Text for LaTeX's text mode: the ten special characters escaped.

    >>> print(latex_escape("first_best & 50%"))
    first\_best \& 50\%
    """
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def latex_caption(text: str) -> str:
    r"""A caption for LaTeX: text escaped, math between paired ``$`` kept as written (an odd
    number of ``$`` escapes them all).

    >>> print(latex_caption("Revenue against $\\rho$ (50% of it)"))
    Revenue against $\rho$ (50\% of it)
    """
    parts = str(text).split("$")
    if len(parts) % 2 == 0:  # an unpaired $: all text
        return latex_escape(text)
    return "".join(latex_escape(p) if k % 2 == 0 else f"${p}$" for k, p in enumerate(parts))


def _is_number(v: Any) -> bool:
    return not isinstance(v, bool) and isinstance(v, (int, fmpq, fmpz, Fraction))


@dataclass(frozen=True)
class Column:
    """One column: ``key`` (the rows' key, and the CSV/JSON header), ``header`` (the text
    header of Markdown/HTML; default the key), ``latex`` (the LaTeX header, written as
    given; default the header escaped), ``align`` (``"l"``, ``"r"``, ``"c"``; default
    ``"r"`` for a column of numbers, ``"c"`` for one of booleans, else ``"l"``) and
    ``format`` (a function value → str for the text of a cell, e.g. a verdict's wording;
    default: the exact value)."""

    key: str
    header: str | None = None
    latex: str | None = None
    align: str | None = None
    format: Callable[[Any], str] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ModelError(f"column key={self.key!r} must be a non-empty string")
        if self.align is not None and self.align not in _ALIGN:
            raise ModelError(f"column {self.key!r}: align={self.align!r} must be one of l, r, c")

    @property
    def text(self) -> str:
        return self.key if self.header is None else self.header

    @property
    def tex(self) -> str:
        return latex_escape(self.text) if self.latex is None else self.latex


class Table:
    """Rows of exact values under a column spec (see the module text).

    ``columns``: :class:`Column` objects or keys (strings); default the keys of the first
    row.  ``rows``: mappings with a value for every column key.  ``caption`` (text,
    escaped in LaTeX) and ``label`` (a LaTeX label) go into the LaTeX float and the HTML
    caption.  The rows are copied: the caller's data is never changed."""

    def __init__(self, columns: Iterable[Column | str] | None, rows: Iterable[Mapping[str, Any]], *,
                 caption: str | None = None, label: str | None = None) -> None:
        rows_ = [dict(r) for r in rows]
        if columns is None:
            columns = list(rows_[0]) if rows_ else []
        cols = tuple(c if isinstance(c, Column) else Column(c) for c in columns)
        keys = [c.key for c in cols]
        if len(set(keys)) != len(keys):
            raise ModelError(f"columns {keys!r} name a key twice")
        for n, r in enumerate(rows_, 1):
            for k in keys:
                if k not in r:
                    raise ModelError(f"row {n} has no value for column {k!r} (its keys: {', '.join(map(repr, r))})")
                v = r[k]
                if not (v is None or isinstance(v, (bool, str)) or _is_number(v)):
                    raise ModelError(f"row {n}, column {k!r}: {v!r} ({type(v).__name__}) is not an exact value "
                                     "(int, fmpq, Fraction, str, bool or None)")
        self.columns = cols
        self.rows = rows_
        self.caption = caption
        self.label = label

    # -- helpers ------------------------------------------------------------------
    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def _align(self, c: Column) -> str:
        if c.align is not None:
            return c.align
        vals = [r[c.key] for r in self.rows if r[c.key] is not None]
        if vals and all(_is_number(v) for v in vals) and c.format is None:
            return "r"
        if vals and all(isinstance(v, bool) for v in vals):
            return "c"
        return "l"

    @staticmethod
    def _plain(c: Column, v: Any, booleans: str) -> str:
        """The cell's text (Markdown, HTML); numbers as p/q."""
        if c.format is not None and v is not None:
            return str(c.format(v))
        if v is None:
            return ""
        if isinstance(v, bool):
            return ("✓" if v else "—") if booleans == "marks" else ("yes" if v else "no")
        if _is_number(v):
            return fmt(Q(v))
        return str(v)

    @staticmethod
    def _check(option: str, value: str, allowed: Sequence[str]) -> None:
        if value not in allowed:
            raise ModelError(f"{option}={value!r} must be one of {', '.join(allowed)}")

    # -- renderings -----------------------------------------------------------------
    def to_csv(self) -> str:
        """CSV: keys as header, numbers ``p/q``, booleans ``true``/``false``, ``None`` empty."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(self.keys)
        for r in self.rows:
            cells = []
            for c in self.columns:
                v = r[c.key]
                if isinstance(v, bool):
                    cells.append("true" if v else "false")
                elif c.format is not None and v is not None:
                    cells.append(str(c.format(v)))
                else:
                    cells.append("" if v is None else fmt(Q(v)) if _is_number(v) else str(v))
            w.writerow(cells)
        return buf.getvalue()

    def to_markdown(self, *, booleans: str = "words") -> str:
        """Markdown (GitHub tables): header texts, numeric columns right-aligned; ``|`` in a cell escaped."""
        self._check("booleans", booleans, ("words", "marks"))
        rule = {"l": "---", "r": "---:", "c": ":---:"}

        def cell(s: str) -> str:
            return s.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(cell(c.text) for c in self.columns) + " |",
                 "| " + " | ".join(rule[self._align(c)] if self.rows else "---" for c in self.columns) + " |"]
        lines += ["| " + " | ".join(cell(self._plain(c, r[c.key], booleans)) for c in self.columns) + " |" for r in self.rows]
        return "\n".join(lines) + "\n"

    def _tex_cell(self, c: Column, v: Any, fractions: str, booleans: str) -> str:
        if c.format is not None and v is not None:
            return latex_escape(str(c.format(v)))
        if v is None:
            return "--"
        if isinstance(v, bool):
            if booleans == "marks":
                return r"$\checkmark$" if v else "---"
            return "yes" if v else "no"
        if _is_number(v):
            q = Q(v)
            return f"${latex(q) if fractions == 'frac' else fmt(q)}$"
        return latex_escape(v)

    def to_latex(self, *, fractions: str = "frac", booleans: str = "marks") -> str:
        """Booktabs LaTeX (see the module text); ``fractions`` is ``"frac"`` or ``"slash"``,
        ``booleans`` ``"marks"`` or ``"words"``."""
        self._check("fractions", fractions, ("frac", "slash"))
        self._check("booleans", booleans, ("marks", "words"))
        body = [r"\begin{tabular}{" + "".join(self._align(c) for c in self.columns) + "}", r"\toprule",
                " & ".join(c.tex for c in self.columns) + r" \\", r"\midrule"]
        body += [" & ".join(self._tex_cell(c, r[c.key], fractions, booleans) for c in self.columns) + r" \\" for r in self.rows]
        body += [r"\bottomrule", r"\end{tabular}"]
        if self.caption is not None or self.label is not None:
            head = [r"\begin{table}[ht]", r"\centering"]
            if self.caption is not None:
                head.append(r"\caption{" + latex_caption(self.caption) + "}")
            if self.label is not None:
                head.append(r"\label{" + self.label + "}")
            body = head + body + [r"\end{table}"]
        return "\n".join(["% exactmd table: " + ",".join(self.keys), *body]) + "\n"

    def to_json(self) -> str:
        """JSON: a list of objects; numbers as exact strings (an ``int`` as a JSON integer)."""
        def value(c: Column, v: Any) -> Any:
            if v is None or isinstance(v, (bool, int, str)):
                return v
            return fmt(Q(v))

        return json.dumps([{c.key: value(c, r[c.key]) for c in self.columns} for r in self.rows], indent=1,
                          ensure_ascii=False) + "\n"

    def to_html(self) -> str:
        """An HTML ``<table>``: header texts, exact ``p/q`` numbers, right-aligned numeric columns, escaped text."""
        style = {"l": "left", "r": "right", "c": "center"}
        al = [style[self._align(c)] for c in self.columns]
        out = ["<table>"]
        if self.caption is not None:
            out.append(f"<caption>{html.escape(self.caption)}</caption>")
        out.append("<thead><tr>" + "".join(f'<th style="text-align:{a}">{html.escape(c.text)}</th>'
                                           for a, c in zip(al, self.columns)) + "</tr></thead>")
        out.append("<tbody>")
        for r in self.rows:
            out.append("<tr>" + "".join(f'<td style="text-align:{a}">{html.escape(self._plain(c, r[c.key], "words"))}</td>'
                                        for a, c in zip(al, self.columns)) + "</tr>")
        out += ["</tbody>", "</table>"]
        return "\n".join(out)

    def render(self, style: str, **options: Any) -> str:
        """``to_csv``, ``to_markdown``, ``to_latex``, ``to_json`` or ``to_html`` by name."""
        self._check("format", style, STYLES)
        return getattr(self, "to_" + style)(**options)

    # -- display ----------------------------------------------------------------------
    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_latex_(self) -> str:
        r"""MathJax-renderable LaTeX (an ``array``: MathJax has no ``tabular``)."""
        def text(s: str) -> str:
            return r"\text{" + latex_escape(s) + "}"

        def cell(c: Column, v: Any) -> str:
            if _is_number(v) and c.format is None:
                return latex(Q(v))
            return text(self._plain(c, v, "words"))

        head = " & ".join(text(c.text) for c in self.columns) + r" \\ \hline"
        rows = [" & ".join(cell(c, r[c.key]) for c in self.columns) + r" \\" for r in self.rows]
        return "$$\\begin{array}{" + "".join(self._align(c) for c in self.columns) + "}" + head + " ".join(rows) + r"\end{array}$$"

    def __repr__(self) -> str:
        keys = ", ".join(self.keys[:8]) + (", …" if len(self.keys) > 8 else "")
        cap = f"; {self.caption!r}" if self.caption else ""
        return f"Table({len(self.rows)} rows × {len(self.columns)} columns: {keys}{cap})"

    def __str__(self) -> str:
        return self.to_markdown()

    def __len__(self) -> int:
        return len(self.rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and self.to_json() == other.to_json() and [c.text for c in self.columns] == [
            c.text for c in other.columns]

    __hash__ = None  # type: ignore[assignment]
