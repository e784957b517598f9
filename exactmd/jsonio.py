"""Strict JSON: the one way exactmd reads a JSON document it did not just write itself.

``json.loads`` accepts more than a verifier should: with a key written twice it keeps
the last value (another reader keeps the first, so two readers see two documents);
it reads ``NaN`` and ``Infinity``; it turns ``0.1`` into a binary float and
``1e999999999`` into ``inf``; a deeply nested list ends in ``RecursionError``; an
integer of more than 4,300 digits in ``ValueError``.  :func:`loads_strict` and
:func:`load_strict` refuse, with the key path of the offending value
(``duplicate key "status" at $.lp``), before any of it reaches exactmd:

* a key written twice in one object;
* ``NaN``, ``Infinity``, ``-Infinity``;
* JSON floats (any number with a fraction or an exponent): exact numbers are strings
  ``"p/q"`` (certificates, devices) or, in LP problems, also JSON integers;
* integers of more than :data:`~exactmd.rational.MAX_DIGITS` digits;
* nesting deeper than :data:`MAX_DEPTH` (found by a scan of the brackets before the
  parser recurses);
* documents larger than :data:`MAX_BYTES` (checked on the file's size before reading).

Every refusal is an :class:`~exactmd.errors.InputError`; its ``reason`` is the message
without the file name.

>>> loads_strict('{"status": "optimal", "status": "infeasible"}', source="c.json")
Traceback (most recent call last):
...
exactmd.errors.InputError: c.json: duplicate key "status" at $: a key may appear once in an object
>>> loads_strict('{"rows": [{"rhs": 0.5}]}')
Traceback (most recent call last):
...
exactmd.errors.InputError: <string>: the JSON number 0.5 at $.rows[0].rhs: not exact; write it as a string, e.g. "1/2"
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .errors import InputError
from .rational import MAX_DIGITS
from .rational import Q, fmt

__all__ = ["MAX_DEPTH", "MAX_BYTES", "loads_strict", "load_strict", "json_path"]

#: arrays and objects nest at most this deep.  exactmd's own documents nest at most 8
#: levels (a lemma-7 case list); 100 leaves room for any reasonable producer and keeps
#: every recursive reader far from Python's recursion limit.
MAX_DEPTH = 100
#: at most this many bytes (1 GiB) in one document.  The largest certificate exactmd
#: writes, the K = 128 second-best mechanism certificate, is 585 MB.
MAX_BYTES = 1 << 30

_KEEP = bytes(c for c in range(256) if c not in b'"[]{}')
_ESCAPE = re.compile(rb"\\.", re.S)
_STRING = re.compile(rb'"[^"]*"')
_PARENS = bytes.maketrans(b"[{]}", b"(())")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


class _Refused:
    """A value the parser met and exactmd refuses; the walk below finds its key path."""

    __slots__ = ("what", "advice")

    def __init__(self, what: str, advice: str) -> None:
        self.what, self.advice = what, advice


class _Duplicated(dict[str, Any]):
    __slots__ = ("key",)
    key: str  # the first key that appears twice


def json_path(path: list[Any]) -> str:
    """``["lp", "primal", "x y", 3]`` → ``$.lp.primal["x y"][3]`` (long keys shortened)."""
    out = ["$"]
    for k in path:
        if isinstance(k, int):
            out.append(f"[{k}]")
        else:
            s = k if len(k) <= 60 else k[:40] + "…"
            out.append(f".{s}" if _IDENT.match(s) else "[" + json.dumps(s, ensure_ascii=False) + "]")
    return "".join(out)


def _depth(data: bytes) -> int:
    """The deepest nesting of ``[`` and ``{`` outside strings (at least ``MAX_DEPTH + 1``
    when deeper than the limit), found without recursion in C-speed passes over the bytes
    (about 0.5 s per 64 MB)."""
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return 0  # cannot nest deeper than the limit
    if b"\\" in data:
        data = _ESCAPE.sub(b"", data)  # escaped characters: \" does not end a string
    marks = data.translate(None, _KEEP)  # only quotes and brackets are left
    # Two adjacent quotes enclose either nothing or nothing outside strings: drop them
    # (the quotes left still alternate open / close), then drop the strings themselves.
    marks = _STRING.sub(b"", marks.replace(b'""', b"")).replace(b'"', b"").translate(_PARENS)
    # Each pass removes the innermost pairs: the number of passes is the depth.
    depth = 0
    while b"()" in marks and depth <= MAX_DEPTH:
        marks = marks.replace(b"()", b"")
        depth += 1
    if depth > MAX_DEPTH:
        return depth
    return depth + marks.count(b"(")  # unmatched openings (a truncated file) nest further


def _float_hint(text: str) -> str:
    m = re.fullmatch(r"(-?)([0-9]+)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,3}))?", text)
    if m is None or len(text) > 40:
        return 'write it as a string "p/q"'

    exact = fmt(Q(text))
    if len(exact) > 40:  # 1e999: a thousand digits help nobody
        return 'write it as a string "p/q"'
    return f'write it as a string, e.g. "{exact}"'


def _walk(doc: Any) -> tuple[list[Any], str, str] | None:
    """The key path, reason and advice of the first refused value, in document order."""
    stack: list[tuple[list[Any], Any]] = [([], doc)]
    while stack:
        path, x = stack.pop()
        if isinstance(x, _Refused):
            return path, x.what, x.advice
        if isinstance(x, _Duplicated):
            return path, f"duplicate key {json.dumps(x.key, ensure_ascii=False)}", "a key may appear once in an object"
        if isinstance(x, dict):
            stack.extend((path + [k], v) for k, v in reversed(list(x.items())))
        elif isinstance(x, list):
            stack.extend((path + [i], v) for i, v in reversed(list(enumerate(x))))
    return None  # pragma: no cover - called only when a refusal was recorded


def _refuse(source: str | None, reason: str) -> InputError:
    err = InputError(f"{source}: {reason}" if source else reason)
    err.reason = reason  # type: ignore[attr-defined]
    return err


def loads_strict(text: str | bytes, *, source: str | None = "<string>") -> Any:
    """Parse a JSON document strictly (see the module docstring); raise :class:`InputError`."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise _refuse(source, f"{len(data):,} bytes; exactmd reads JSON documents of at most {MAX_BYTES:,} bytes")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise _refuse(source, f"not UTF-8 text (byte {e.start})") from None
    depth = _depth(data)
    if depth > MAX_DEPTH:
        raise _refuse(source, f"nested more than {MAX_DEPTH} levels deep; exactmd reads JSON nested at most {MAX_DEPTH} levels")
    refused = False

    def pairs(kv: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal refused
        d = dict(kv)
        if len(d) != len(kv):
            seen: set[str] = set()
            dup = next(k for k, _ in kv if k in seen or seen.add(k))  # type: ignore[func-returns-value]
            d = _Duplicated(d)
            d.key = dup
            refused = True
        return d

    def constant(name: str) -> _Refused:
        nonlocal refused
        refused = True
        return _Refused(name, 'not a number; exact numbers are strings "p/q"')

    def floating(s: str) -> _Refused:
        nonlocal refused
        refused = True
        shown = s if len(s) <= 24 else s[:16] + "…"
        return _Refused(f"the JSON number {shown}", "not exact; " + _float_hint(s))

    def integer(s: str) -> Any:
        if len(s) <= 4000:
            return int(s)
        if len(s.lstrip("-")) > MAX_DIGITS:
            nonlocal refused
            refused = True
            return _Refused(f"a JSON integer of {len(s.lstrip('-')):,} digits", f"exactmd reads numbers of at most {MAX_DIGITS:,} digits")
        from flint import fmpz

        return int(fmpz(s))  # no 4,300-digit limit

    try:
        doc = json.loads(text, object_pairs_hook=pairs, parse_constant=constant, parse_float=floating, parse_int=integer)
    except json.JSONDecodeError as e:
        raise _refuse(source, f"not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:  # pragma: no cover - the depth scan above comes first
        raise _refuse(source, f"nested more than {MAX_DEPTH} levels deep") from None
    except MemoryError:  # pragma: no cover - depends on the machine
        raise _refuse(source, "too large to read into memory") from None
    if refused:
        found = _walk(doc)
        if found is not None:
            path, what, advice = found
            raise _refuse(source, f"{what} at {json_path(path)}: {advice}")
    return doc


def load_strict(path: str | os.PathLike[str], *, source: str | None = None) -> Any:
    """Read and parse a JSON file strictly; its size is checked before it is read.

    ``source`` (default: the path) starts every message; ``OSError`` passes through.
    """
    p = Path(path)
    src = str(p) if source is None else source
    size = p.stat().st_size
    if size > MAX_BYTES:
        raise _refuse(src, f"{size:,} bytes; exactmd reads JSON documents of at most {MAX_BYTES:,} bytes")
    return loads_strict(p.read_bytes(), source=src)
