"""The parameters of a sweep: which number of an environment file, and which exact values.

A sweep (:mod:`exactmd.sweeps`) re-solves an environment file's question with some of
its numbers replaced.  This module reads the three things a sweep is told:

**Paths** name one number of the TOML file: its keys joined by dots, in the file's own
spelling (under ``[environment]`` or at the top level alike).  A key with a dot, a quote,
``=`` or a space is written in double quotes, as in TOML::

    valuation.buyer.trade."5,*"     the buyer's value of trade when his type is 5
    utility.A.b."L,*"               agent A's utility of outcome b when A's type is L
    value.none."*"                  the planner's value of the status quo
    cost.build                      the production cost of "build" (a [cost] table)
    prior.joint."H,H"               a joint prior's mass on the profile (H, H)
    prior.independent.buyer.5       the buyer's marginal mass on type 5 (agent name, type label)

``prior.independent`` is the one list the file holds numbers in; it is addressed by
agent name and type label (a numeric label matches by value: ``1/2`` and ``0.5`` are
the same type).  A path that names no number of the file is refused, listing the keys
that are there; the pattern must be written as in the file (the sweep changes the
number, never which profiles a pattern covers).

**Values**: a comma-separated list of exact numbers (``0,1/4,1/2``; a decimal ``0.1`` is
the exact decimal 1/10, never a binary float) and ranges ``START:STOP:STEP`` (exact;
STOP included when the steps reach it exactly: ``0:1:1/4`` is 0, 1/4, 1/2, 3/4, 1).

**Expressions** (``--set PATH=EXPR``) tie a number of the file to named parameters:
``+ - * /``, parentheses, exact numbers and the names of ``--param`` parameters, e.g.
``(1+rho)/4``.  They are parsed here (never evaluated as Python) and computed exactly.

>>> parse_path('valuation.buyer.trade."5,*"')
('valuation', 'buyer', 'trade', '5,*')
>>> [fmt(v) for v in parse_values("p", "0:1:1/4,2")]
['0', '1/4', '1/2', '3/4', '1', '2']
>>> fmt(Expr.parse("(1+rho)/4").value({"rho": Q("1/3")}))
'1/3'
>>> parse_values("p", "0:1:0")
Traceback (most recent call last):
...
exactmd.errors.ModelError: --param p=0:1:0: the step 0 must be positive
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flint import fmpq

from .errors import ExactMDError, ModelError
from .rational import Q, fmt, is_rational_string

__all__ = ["MAX_VALUES", "Param", "Expr", "parse_path", "path_text", "parse_values", "parse_param", "parse_set",
           "number_at", "assign"]

#: at most this many values of one parameter (and points in a grid: exactmd.sweeps.MAX_POINTS)
MAX_VALUES = 10_000

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BARE = re.compile(r'[^."=\s]+')
_PLAIN = re.compile(r"[A-Za-z0-9_/+-]+")  # keys printed without quotes

def parse_path(text: str) -> tuple[str, ...]:
    """The keys of a path (see the module text); at least two, as a number never sits at the top."""
    s, i, keys = str(text), 0, []
    while True:
        if i < len(s) and s[i] == '"':
            j, buf = i + 1, []
            while j < len(s) and s[j] != '"':
                if s[j] == "\\" and j + 1 < len(s):
                    j += 1
                buf.append(s[j])
                j += 1
            if j >= len(s):
                raise ModelError(f"path {text!r}: a quoted key is not closed")
            keys.append("".join(buf))
            i = j + 1
        else:
            m = _BARE.match(s, i)
            if not m:
                raise ModelError(f"path {text!r} must be keys joined by dots, e.g. prior.joint.\"H,H\" or cost.build "
                                 "(quote a key with a dot, a quote or a space)")
            keys.append(m.group())
            i = m.end()
        if i == len(s):
            break
        if s[i] != ".":
            raise ModelError(f"path {text!r}: expected a dot after the key {keys[-1]!r}")
        i += 1
    if len(keys) < 2:
        raise ModelError(f"path {text!r} names no number of an environment file (write e.g. cost.build or "
                         "prior.independent.buyer.high; a bare name is a parameter for --set)")
    return tuple(keys)


def path_text(path: Sequence[str]) -> str:
    """The path written back, keys quoted where needed."""
    return ".".join(k if _PLAIN.fullmatch(k) else '"' + k.replace("\\", "\\\\").replace('"', '\\"') + '"' for k in path)


def _number(name: str, text: str) -> fmpq:
    t = text.strip()
    if not t or not is_rational_string(t):
        raise ModelError(f"--param {name}: {t!r} is not an exact number (write 1/10 or 0.1, integers, fractions p/q)")
    return Q(t)


def parse_values(name: str, text: str) -> list[fmpq]:
    """The exact values ``0,1/4,1/2`` / ranges ``START:STOP:STEP`` of one parameter."""
    out: list[fmpq] = []
    spec = f"--param {name}={text}"
    for part in str(text).split(","):
        if not part.strip():
            raise ModelError(f"{spec}: an empty value (two commas, or a comma at an end)")
        bits = part.split(":")
        if len(bits) == 1:
            out.append(_number(name, bits[0]))
        elif len(bits) == 3:
            a, b, h = (_number(name, x) for x in bits)
            if h <= 0:
                raise ModelError(f"{spec}: the step {fmt(h)} must be positive")
            if b < a:
                raise ModelError(f"{spec}: the range {part.strip()!r} is empty (STOP {fmt(b)} < START {fmt(a)})")
            n = int(((b - a) / h).floor()) + 1
            if len(out) + n > MAX_VALUES:
                raise ModelError(f"{spec} names more than {MAX_VALUES} values")
            out += [a + k * h for k in range(n)]
        else:
            raise ModelError(f"{spec}: {part.strip()!r} must be a number or START:STOP:STEP")
        if len(out) > MAX_VALUES:
            raise ModelError(f"{spec} names more than {MAX_VALUES} values")
    seen: set[str] = set()
    for v in out:
        if fmt(v) in seen:
            raise ModelError(f"{spec} lists the value {fmt(v)} twice")
        seen.add(fmt(v))
    return out


@dataclass(frozen=True)
class Param:
    """One ``--param``: ``name`` as written; ``path`` the file's number it replaces, or None
    for a named parameter that ``--set`` expressions use; its exact ``values``."""

    name: str
    path: tuple[str, ...] | None
    values: tuple[fmpq, ...]


def parse_param(spec: str) -> Param:
    """``NAME=VALUES`` (NAME a path or a bare name: see the module text)."""
    name, sep, values = str(spec).partition("=")
    name = name.strip()
    if not sep or not name:
        raise ModelError(f"--param {spec!r} must be NAME=VALUES, e.g. cost.build=0:2:1/2 or rho=0,1/2")
    path = None if _NAME.fullmatch(name) else parse_path(name)
    return Param(name if path is None else path_text(path), path, tuple(parse_values(name, values)))


# ---------------------------------------------------------------------------------
# expressions: + - * / ( ), exact numbers, parameter names
_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(.))")


class Expr:
    """An exact arithmetic expression in named parameters (parsed, never evaluated as code)."""

    def __init__(self, text: str, tree: Any, names: frozenset[str]) -> None:
        self.text, self._tree, self.names = text, tree, names

    @classmethod
    def parse(cls, text: str) -> "Expr":
        toks: list[tuple[str, str]] = []
        for m in _TOKEN.finditer(str(text)):
            num, name, op = m.groups()
            if num is not None:
                toks.append(("num", num))
            elif name is not None:
                toks.append(("name", name))
            elif op is not None:
                if op not in "+-*/()":
                    raise ModelError(f"expression {text!r}: {op!r} is not one of + - * / ( ), a number or a name")
                toks.append(("op", op))
        pos = 0
        names: set[str] = set()

        def peek() -> tuple[str, str] | None:
            return toks[pos] if pos < len(toks) else None

        def take() -> tuple[str, str]:
            nonlocal pos
            if pos >= len(toks):
                raise ModelError(f"expression {text!r} ends too early")
            pos += 1
            return toks[pos - 1]

        def expr() -> Any:
            node = term()
            while peek() in (("op", "+"), ("op", "-")):
                node = (take()[1], node, term())
            return node

        def term() -> Any:
            node = unary()
            while peek() in (("op", "*"), ("op", "/")):
                node = (take()[1], node, unary())
            return node

        def unary() -> Any:
            if peek() in (("op", "-"), ("op", "+")):
                return ("neg" if take()[1] == "-" else "pos", unary())
            kind, tok = take()
            if kind == "num":
                return ("num", Q(tok))
            if kind == "name":
                names.add(tok)
                return ("name", tok)
            if tok == "(":
                node = expr()
                if take() != ("op", ")"):
                    raise ModelError(f"expression {text!r}: a parenthesis is not closed")
                return node
            raise ModelError(f"expression {text!r}: unexpected {tok!r}")

        if not toks:
            raise ModelError("an expression must not be empty")
        tree = expr()
        if pos != len(toks):
            raise ModelError(f"expression {text!r}: unexpected {toks[pos][1]!r}")
        return cls(str(text), tree, frozenset(names))

    def value(self, at: Mapping[str, fmpq]) -> fmpq:
        """The exact value at the parameter values ``at``; division by zero is refused, naming the point."""
        def ev(node: Any) -> fmpq:
            op = node[0]
            if op == "num":
                return node[1]
            if op == "name":
                return at[node[1]]
            if op == "neg":
                return -ev(node[1])
            if op == "pos":
                return ev(node[1])
            a, b = ev(node[1]), ev(node[2])
            if op == "/" and b == 0:
                point = ", ".join(f"{k}={fmt(v)}" for k, v in at.items())
                raise ModelError(f"expression {self.text!r} divides by zero at {point}")
            return a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b

        return ev(self._tree)

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"


def parse_set(spec: str) -> tuple[tuple[str, ...], Expr]:
    """``PATH=EXPR`` of ``--set``."""
    path, sep, ex = str(spec).partition("=")
    if not sep or not path.strip() or not ex.strip():
        raise ModelError(f"--set {spec!r} must be PATH=EXPRESSION, e.g. 'prior.joint.\"H,H\"=(1+rho)/4'")
    return parse_path(path.strip()), Expr.parse(ex)


# ---------------------------------------------------------------------------------
# the file's numbers
def _agents(body: Mapping[str, Any]) -> list[str]:
    agents = body.get("agents")
    types = body.get("types")
    n = len(types) if isinstance(types, list) else 0
    return [str(a) for a in agents] if isinstance(agents, list) else [str(i + 1) for i in range(n)]


def _same_type(label: Any, written: str) -> bool:
    if str(label) == written:
        return True
    try:
        return (is_rational_string(str(label)) or isinstance(label, int)) and is_rational_string(written) and Q(
            label if isinstance(label, int) else str(label)) == Q(written)
    except ExactMDError:
        return False


def _slot(body: Any, path: tuple[str, ...], file: str) -> tuple[Any, Any]:
    """The container and key (or index) of the number ``path`` names in ``body``."""
    where = path_text(path)
    if len(path) == 4 and path[:2] == ("prior", "independent"):
        prior = body.get("prior") if isinstance(body, Mapping) else None
        marg = prior.get("independent") if isinstance(prior, Mapping) else None
        if not isinstance(marg, list):
            raise ModelError(f"{where}: {file} has no independent prior (prior.independent) to change")
        agents = _agents(body)
        if path[2] not in agents:
            raise ModelError(f"{where}: {path[2]!r} is not an agent of {file} (agents: {', '.join(agents)})")
        i = agents.index(path[2])
        types = body["types"][i] if isinstance(body.get("types"), list) and i < len(body["types"]) else []
        hits = [k for k, t in enumerate(types) if _same_type(t, path[3])]
        if not hits or not isinstance(marg[i], list) or hits[0] >= len(marg[i]):
            raise ModelError(f"{where}: {path[3]!r} is not a type of agent {path[2]} in {file} "
                             f"(types: {', '.join(map(str, types))})")
        return marg[i], hits[0]
    node: Any = body
    for n, k in enumerate(path):
        if not isinstance(node, Mapping):
            raise ModelError(f"{where}: {path_text(path[:n])} in {file} is {node!r:.40}, not a table")
        if k not in node:
            there = f" (in {path_text(path[:n])}" if n else " (at the top"
            raise ModelError(f"{where}: {file} has no {path_text(path[:n + 1])}{there}: {', '.join(map(repr, list(node)[:12]))})")
        if n == len(path) - 1:
            return node, k
        node = node[k]
    raise ModelError(f"{where}: an empty path names no number in {file}")


def number_at(body: Mapping[str, Any], path: tuple[str, ...], file: str = "the file") -> fmpq:
    """The number the file holds at ``path`` (refused, naming it, if that is not a number)."""
    node, key = _slot(body, path, file)
    v = node[key]
    if isinstance(v, bool) or not (isinstance(v, int) or (isinstance(v, str) and is_rational_string(v))):
        raise ModelError(f"{path_text(path)} in {file} is {v!r:.60}, not a number")
    return Q(v)


def assign(body: Mapping[str, Any], values: Mapping[tuple[str, ...], fmpq], file: str = "the file") -> dict[str, Any]:
    """A copy of ``body`` with each path's number replaced by its exact value (``"p/q"``)."""
    out = copy.deepcopy(dict(body))
    for path, v in values.items():
        number_at(out, path, file)
        node, key = _slot(out, path, file)
        node[key] = fmt(v)
    return out
