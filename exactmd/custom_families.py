"""A user's own constraint family: registering it, loading its code, verifying without it.

A custom family is a :class:`~exactmd.constraints.ConstraintFamily` subclass with a
``name`` and a ``rows(env, p)`` method returning labelled
:class:`~exactmd.constraints.Row` objects over the mechanism variables
(:mod:`exactmd.encoding`); :func:`exactmd.constraints.register_family` makes its name
known to ``--constraints``, :func:`exactmd.constraints.check` and ``exactmd verify``
(``docs/constraint-families.md``).

``exactmd verify`` meets a certificate that names a family in one of two ways:

* the family is registered (built in, or by a module given with ``--plugin
  MODULE_OR_FILE.py``, which :func:`exactmd.sources.load_source` imports): its rows are
  re-derived from the environment and compared with the LP in the file, like any
  built-in family's;
* it is not: :func:`file_families` takes that family's rows from the LP in the file —
  every other row is still re-derived and must stand exactly where the stated families
  put it, the custom rows may only use mechanism variables, and their labels may not
  begin like a built-in family's (:data:`BUILTIN_TAGS`: ``IC[``, ``BB[``, …; so a
  built-in family renamed in the file is refused) — and the verdict says that those
  rows were taken from the file, not re-derived.

The certificate format does not change: a custom family's rows are the rows of the LP
that the re-derived rows of the known families leave, in their place in the order of
the stated families (the rows of consecutive custom families are attributed to the
first of them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flint import fmpq

from .belief import Belief
from .constraints import ConstraintFamily, FAMILIES, Row, family_name, is_registered, parse_constraints, probability_rows
from .encoding import variables
from .environment import Environment
from .errors import CertificateError
from .rational import Q, fmt, is_rational_string

__all__ = ["file_families", "FileRows", "custom_names", "refuse_custom"]



class FileRows(ConstraintFamily):
    """A stand-in for a family whose code is not loaded: its spec, and the rows the LP of a
    certificate gives it (taken from the file, not re-derived)."""

    def __init__(self, spec: Any, rows: Sequence[Row]) -> None:
        self._spec = spec
        self.name = family_name(spec) or ""
        self._rows = list(rows)

    def spec(self) -> Any:
        return self._spec

    def rows(self, env: Environment, p: Belief) -> list[Row]:
        return list(self._rows)

    def __hash__(self) -> int:
        return hash(self.name)


def custom_names(specs: Any) -> list[str]:
    """The names of the families in a certificate's list that are not registered."""
    if not isinstance(specs, list):
        return []
    return [family_name(s) or repr(s) for s in specs if not is_registered(s)]


def _number(c: Any, where: str) -> fmpq:
    if not isinstance(c, str) or not is_rational_string(c) or fmt(Q(c)) != c:
        raise CertificateError(f"{where} is not a canonical number 'p/q'")
    return Q(c)


#: the label prefixes of the built-in families' rows (``IC[…]``, ``BB[…]``, …), which a custom family's rows may not use
BUILTIN_TAGS = ("prob", "IC", "VIC", "IR", "EPIR", "BB", "EFF", "FIX", "DSIC", "EPIC", "SYM", "BBC")


def _file_row(r: Any, name: str, known: set[str]) -> Row:
    if not isinstance(r, Mapping) or not isinstance(r.get("name"), str) or not isinstance(r.get("coeffs"), Mapping):
        raise CertificateError(f"lp: a row of custom family {name!r} must hold a name and coefficients")
    label = r["name"]
    if label.split("[")[0] in BUILTIN_TAGS:
        raise CertificateError(f"constraints: {name!r} is not a registered family, and the LP gives it the row {label!r}, "
                               "labelled as a built-in family's row (a custom family's rows need labels of their own)")
    coeffs = {}
    for v, c in r["coeffs"].items():
        if v not in known:
            raise CertificateError(f"lp: row {label!r} of custom family {name!r} uses {v!r}, which is not a mechanism "
                                   "variable of this environment")
        coeffs[v] = _number(c, f"lp: coefficient of {v!r} in row {label!r}")
    if r.get("op") not in ("<=", ">=", "=="):
        raise CertificateError(f"lp: row {label!r} of custom family {name!r} has op {r.get('op')!r}")
    return Row(label, coeffs, r["op"], _number(r.get("rhs"), f"lp: rhs of row {label!r}"), name, {})


def file_families(specs: list[Any], env: Environment, p: Belief, stated: Any) -> list[ConstraintFamily]:
    """The families of a certificate's ``constraints``, each unregistered one replaced by a
    :class:`FileRows` holding its rows from the LP ``stated`` (module text).  Raises
    :class:`~exactmd.errors.CertificateError` naming the field when the split fails."""
    fams: list[ConstraintFamily | None] = []
    seen: list[Any] = []
    for k, s in enumerate(specs):
        if s in seen:
            raise CertificateError(f"constraints: {s!r} is listed twice")
        seen.append(s)
        if is_registered(s):
            (fam,) = parse_constraints([s])
            if fam.spec() != s:
                raise CertificateError(f"constraints: {s!r} is not written as exactmd writes it ({fam.spec()!r})")
            fams.append(fam)
            continue
        name = family_name(s)
        if not name or not name.strip() or name != name.strip():
            raise CertificateError(f"constraints: entry {k} ({s!r:.60}) names no constraint family")
        if name in FAMILIES or name == "fixed":
            raise CertificateError(f"constraints: {name!r} is a built-in family, written as exactmd writes it")
        fams.append(None)
    rows = stated.get("constraints") if isinstance(stated, Mapping) else None
    if not isinstance(rows, list):
        raise CertificateError("lp: the LP's 'constraints' must be a list")
    blocks = [None if f is None else f.rows(env, p) for f in fams]
    known = {name for name, _, _ in variables(env)}
    j = len(probability_rows(env))
    out: list[ConstraintFamily] = []
    for k, (s, f, block) in enumerate(zip(specs, fams, blocks)):
        if f is not None:
            out.append(f)
            j += len(block or [])
            continue
        # this custom family's rows: up to the first row of the next known family that has rows
        nxt = next((b for b in blocks[k + 1:] if b), None)
        end = len(rows)
        if nxt is not None:
            first = nxt[0].label
            end = next((m for m in range(j, len(rows)) if isinstance(rows[m], Mapping) and rows[m].get("name") == first), -1)
            if end < 0:
                raise CertificateError(f"constraints: the LP in the certificate has no row {first!r}, which the stated "
                                       "families give")
        if k > 0 and fams[k - 1] is None:
            end = j  # consecutive custom families: the first one holds their rows
        name = family_name(s) or ""
        out.append(FileRows(s, [_file_row(r, name, known) for r in rows[j:end]]))
        j = end
    return out


def refuse_custom(where: str, specs: Any) -> None:
    """``violates`` lists a family whose rows cannot be taken from the file: refuse it."""
    names = custom_names(specs)
    if names:
        raise CertificateError(f"{where}: custom family {names[0]!r} is not loaded, so the mechanism cannot be re-checked "
                               "against it (give --plugin MODULE_OR_FILE.py)")
