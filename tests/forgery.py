"""Forged certificates: every single-step mutation of a valid certificate document.

:func:`forgeries` takes a valid certificate (a JSON value, as ``json.loads`` returns it)
and yields :class:`Forgery` objects, each one mutation with a description naming the
JSON path and the edit.  Nothing here knows what a certificate format means: the
mutations are made on the JSON tree alone, so they reach fields nobody listed.

Mutations, for every leaf and container (``path`` is the list of keys and indices):

* strings: a rational ``p/q`` becomes ``p/q + 1``, ``−p/q``, ``0`` and the non-canonical
  ``2p/2q``; other text gets a word replaced by another word of the document, a digit
  changed, ``not`` inserted (after ``is``/``does``/``are``) or removed, ``No`` ↔ ``An``,
  ``no`` ↔ ``some``, ``True`` ↔ ``False``, ``covered`` ↔ ``not covered``;
* JSON numbers: ``n + 1``, ``−n``, ``0``; booleans flipped; ``null`` → ``"0"``;
* lists: an element removed (first, middle, last), the first duplicated, the first two
  swapped, the list emptied;
* objects: a key removed, an unknown key added, and (as raw JSON text, since a dict
  cannot hold it) a *duplicate key* injected before the real one with a mutated value —
  a reader that keeps the first occurrence sees the forgery, Python's ``json`` the
  original, so only refusing duplicates is safe;
* ``format`` replaced by every other known format and by a version bump;
* enumeration-like fields (a key whose values across the corpus are a few short
  non-numeric strings, e.g. ``status``, ``question``, ``method``, ``budget``): each other
  observed value.

Large documents are sampled: mutations on the top two levels of the tree, format and
enumeration swaps are always kept; the others are sampled with a fixed seed, so the same
document always gives the same forgeries (a smaller cap gives a prefix of a larger one).

The judge (:func:`judge`, :func:`run_forgeries`) states the property the suite asserts:
a forgery is either *rejected* (FAIL, exit 1) or *accepted with exactly the verdict
message of the original* (the edit did not change what is proved, e.g. another optimal
primal).  Stricter for three kinds:

* a duplicate JSON key must be rejected (a reader keeping the first key sees another
  document than Python's ``json``, which keeps the last);
* an edit of ``statement`` or ``question`` must be rejected (a reader of the file reads
  them; a stated claim that is not the checked one is a failure naming the field);
* an unknown key must be rejected (every field is checked or refused), and so must a
  number written in another form than the canonical ``p/q`` (``1/2`` → ``2/4``);
* a top-level field's value (``value``, ``covered``, ``commitment value``, ``rounds``, …)
  edited and accepted with the *same* message is a finding: the verdict did not notice
  that the file now says something else (every stored result field is recomputed or
  refused);
* a certificate embedded in the document (an object with a known ``format``, e.g. the
  V*(p) mechanism certificate inside a covering verdict) that the forgery edited must
  verify on its own when the document is accepted: unchecked evidence is a finding;
* ``eps`` (an input of the question) may change the message, but only by that number;
* a ``name`` leaf (a label) may change the message, but only by that label:
  message(forgery) == message(original) with the old label replaced by the new one;
* an edited LP certificate (the document, or the evidence in its ``lp`` field) that is
  accepted with another message is a finding unless the exact simplex, re-solving the
  LP it states, finds the stated status and value (then it is a true certificate of
  another true statement, e.g. a right-hand side changed that keeps the LP infeasible).

Anything else — accepted with another message, an exception, no answer within
``TIMEOUT`` seconds — is a finding.  Documents are verified in-process
(:func:`exactmd.certificates.verify_document`); raw-text forgeries (duplicate keys) through the
command line entry point :func:`exactmd.cli.main` with its output captured.

Sizes (environment variables): ``EXACTMD_FORGERIES`` forgeries per document at most
(120; 1500 when ``HYPOTHESIS_PROFILE=thorough`` or ``EXACTMD_ADVERSARIAL=thorough``),
``EXACTMD_FORGERY_SECONDS`` CPU-time budget per document that bounds the count at the
original's verification time (1.5 s, at least 4 forgeries; 120 s thorough); ``EXACTMD_FORGERY_REPORT`` a file
to which every finding is appended as a JSON line.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import random
import re
import signal
import time
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

__all__ = ["Forgery", "forgeries", "enum_vocabulary", "KNOWN_FORMATS", "apply_path", "dumps"]

KNOWN_FORMATS = (
    "exactmd-lp-certificate/1",
    "exactmd-mechanism-certificate/1",
    "exactmd-renegotiation-certificate/1",
    "exactmd-commitment-certificate/1",
    "exactmd-symbolic-check/1",
)

UNKNOWN_KEY = "unexpected field"
_RATIONAL = re.compile(r"^-?\d+(/\d+)?$")
_WORD = re.compile(r"[A-Za-z]{3,}")
_DIGIT = re.compile(r"\d")
_SWAPS = (  # (pattern, replacement) applied once each, when the pattern occurs
    (re.compile(r"^No "), "An "),
    (re.compile(r"^An "), "No "),
    (re.compile(r"^A "), "No "),
    (re.compile(r"\bno\b"), "some"),
    (re.compile(r"\bsome\b"), "no"),
    (re.compile(r"\bTrue\b"), "False"),
    (re.compile(r"\bFalse\b"), "True"),
    (re.compile(r"\bnot covered\b"), "covered"),
    (re.compile(r"(?<!not )\bcovered\b"), "not covered"),
    (re.compile(r"\bdoes not\b"), "does"),
    (re.compile(r"\bmaximum\b"), "minimum"),
    (re.compile(r"\bminimum\b"), "maximum"),
    (re.compile(r"\bholds\b"), "fails"),
    (re.compile(r"\bconfirmed\b"), "refuted"),
    (re.compile(r"\brefuted\b"), "confirmed"),
)
_NOT_AFTER = re.compile(r"\b(is|are|does|exists|holds)\b(?! not)")
_NOT_PRESENT = re.compile(r"\bnot ")

JSONPath = tuple  # of str | int


@dataclass(frozen=True)
class Forgery:
    """One mutation of a document.

    ``doc`` is the mutated JSON value, or None when the forgery only exists as text
    (``text``, e.g. a duplicate key); ``path`` the JSON path edited; ``kind`` a short
    class name (``"number"``, ``"text"``, ``"duplicate-key"``, ...); ``old``/``new`` the
    leaf before and after (for label substitutions), when the mutation is a leaf edit.
    """

    description: str
    path: JSONPath
    kind: str
    doc: Any = None
    text: str | None = None
    old: Any = None
    new: Any = None
    key: str | None = field(default=None)

    @property
    def raw(self) -> bool:
        return self.text is not None


def dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False)


def _show(path: JSONPath) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if re.match(r"^[A-Za-z_][\w-]*$", p) else f"[{p!r}]")
    return out.lstrip(".") or "<root>"


def _short(v: Any, n: int = 60) -> str:
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= n else s[: n - 1] + "…"


def apply_path(doc: Any, path: JSONPath) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def _walk(doc: Any, path: JSONPath = ()) -> Iterator[tuple[JSONPath, Any]]:
    yield path, doc
    if isinstance(doc, Mapping):
        for k, v in doc.items():
            yield from _walk(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _walk(v, path + (i,))


def enum_vocabulary(docs: Iterable[Any], *, max_values: int = 16, max_len: int = 40) -> dict[str, list[str]]:
    """Keys whose string values, over all ``docs``, are 2 to ``max_values`` distinct short
    non-numeric strings (and never a long or numeric one): key → sorted values."""
    seen: dict[str, set[str]] = {}
    bad: set[str] = set()
    for d in docs:
        for path, v in _walk(d):
            if not path or not isinstance(path[-1], str) or not isinstance(v, str):
                continue
            if len(v) > max_len or _RATIONAL.match(v):
                bad.add(path[-1])
            else:
                seen.setdefault(path[-1], set()).add(v)
    return {k: sorted(vs) for k, vs in seen.items() if k not in bad and 2 <= len(vs) <= max_values}


def _rational_edits(s: str) -> list[tuple[str, str]]:
    q = Fraction(s)
    out = []
    for new, what in ((q + 1, "p/q + 1"), (-q, "−p/q"), (Fraction(0), "0")):
        if new != q:
            out.append((str(new), what))
    return out


def _text_edits(s: str, words: list[str], rng: random.Random) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    ws = list(_WORD.finditer(s))
    if ws:
        m = ws[rng.randrange(len(ws))]
        choices = [w for w in words if w != m.group(0)] or ["nothing"]
        w = choices[rng.randrange(len(choices))]
        out.append((s[: m.start()] + w + s[m.end():], f"word {m.group(0)!r} → {w!r}"))
    ds = list(_DIGIT.finditer(s))
    if ds:
        for m in {ds[0].start(): ds[0], ds[-1].start(): ds[-1]}.values():
            d = str((int(m.group(0)) + 1) % 10)
            out.append((s[: m.start()] + d + s[m.end():], f"digit {m.group(0)} → {d} at {m.start()}"))
    m = _NOT_AFTER.search(s)
    if m:
        out.append((s[: m.end()] + " not" + s[m.end():], f"'not' inserted after {m.group(0)!r}"))
    m = _NOT_PRESENT.search(s)
    if m:
        out.append((s[: m.start()] + s[m.end():], "'not' removed"))
    for pat, rep in _SWAPS:
        new = pat.sub(rep, s, count=1)
        if new != s:
            out.append((new, f"{pat.pattern!r} → {rep!r}"))
    if not s:
        out.append(("x", "empty string → 'x'"))
    seen = {s}
    uniq = []
    for new, what in out:
        if new not in seen:
            seen.add(new)
            uniq.append((new, what))
    return uniq


@dataclass
class _Spec:
    path: JSONPath
    kind: str
    what: str
    make: Any  # callable(doc) -> None (edits a fresh copy in place), or str: raw text builder
    old: Any = None
    new: Any = None
    core: bool = False  # always kept when sampling
    raw: bool = False


def _set(path: JSONPath, value: Any) -> Any:
    def f(doc: Any) -> Any:
        if not path:
            return value
        apply_path(doc, path[:-1])[path[-1]] = value
        return doc
    return f


def _delete(path: JSONPath) -> Any:
    def f(doc: Any) -> Any:
        del apply_path(doc, path[:-1])[path[-1]]
        return doc
    return f


def _edit_list(path: JSONPath, op: Any) -> Any:
    def f(doc: Any) -> Any:
        lst = apply_path(doc, path)
        lst[:] = op(list(lst))
        return doc
    return f


def _add_key(path: JSONPath, key: str, value: Any) -> Any:
    def f(doc: Any) -> Any:
        apply_path(doc, path)[key] = value
        return doc
    return f


def _dup_key_text(base: Any, path: JSONPath, key: str, first: Any) -> str:
    """The document as JSON text with ``key`` of the object at ``path`` written twice: first
    with the value ``first``, then with its real value (Python's json keeps the last)."""
    marker = "\u0000DUP\u0000"
    doc = json.loads(json.dumps(base))
    obj = apply_path(doc, path)
    items = list(obj.items())
    obj.clear()
    for k, v in items:
        if k == key:
            obj[marker] = None
        obj[k] = v
    text = dumps(doc)
    return text.replace(json.dumps(marker) + ": null", json.dumps(key, ensure_ascii=False) + ": " + dumps(first), 1)


def _specs(doc: Any, vocab: Mapping[str, list[str]], rng: random.Random) -> list[_Spec]:
    words = sorted({w for _, v in _walk(doc) if isinstance(v, str) for w in _WORD.findall(v)})
    out: list[_Spec] = []
    dups: list[_Spec] = []
    for path, v in _walk(doc):
        core = len(path) <= 2
        key = path[-1] if path and isinstance(path[-1], str) else None
        if isinstance(v, bool):
            out.append(_Spec(path, "boolean", f"{v} → {not v}", _set(path, not v), v, not v, core))
        elif isinstance(v, (int, float)):
            for new in {v + 1, -v, 0} - {v}:
                out.append(_Spec(path, "number", f"{v} → {new}", _set(path, new), v, new, core))
        elif v is None:
            out.append(_Spec(path, "null", "null → \"0\"", _set(path, "0"), v, "0", core))
        elif isinstance(v, str):
            if key == "format" and len(path) == 1:
                for f in list(KNOWN_FORMATS) + [re.sub(r"/(\d+)$", lambda m: f"/{int(m.group(1)) + 1}", v)]:
                    if f != v:
                        out.append(_Spec(path, "format", f"{v!r} → {f!r}", _set(path, f), v, f, True))
                continue
            if key in vocab and v in vocab[key]:
                for other in vocab[key]:
                    if other != v:
                        out.append(_Spec(path, "enum", f"{v!r} → {other!r}", _set(path, other), v, other, True))
            if _RATIONAL.match(v):
                for new, what in _rational_edits(v):
                    out.append(_Spec(path, "rational", f"{v} → {new} ({what})", _set(path, new), v, new, core))
                q = Fraction(v)
                same = f"{2 * q.numerator}/{2 * q.denominator}"  # the same number, not in canonical form
                out.append(_Spec(path, "noncanonical", f"{v} → {same} (same value, not canonical)", _set(path, same), v, same, core))
            else:
                for new, what in _text_edits(v, words, rng):
                    out.append(_Spec(path, "text", f"{what}: {_short(new)}", _set(path, new), v, new, core))
        elif isinstance(v, list):
            n = len(v)
            if n:
                for i in sorted({0, n // 2, n - 1}):
                    out.append(_Spec(path, "list", f"element [{i}] of {n} removed",
                                     _edit_list(path, lambda lst, i=i: lst[:i] + lst[i + 1:]), core=core))
                out.append(_Spec(path, "list", "first element duplicated", _edit_list(path, lambda lst: lst[:1] + lst), core=core))
                out.append(_Spec(path, "list", f"emptied ({n} elements)", _edit_list(path, lambda lst: []), core=core))
            if n >= 2 and v[0] != v[1]:
                out.append(_Spec(path, "list", "first two elements swapped",
                                 _edit_list(path, lambda lst: [lst[1], lst[0]] + lst[2:]), core=core))
        if isinstance(v, Mapping):
            for k in v:
                out.append(_Spec(path + (k,), "key", f"key {k!r} removed", _delete(path + (k,)), core=len(path) <= 1))
            out.append(_Spec(path + (UNKNOWN_KEY,), "key", f"unknown key {UNKNOWN_KEY!r} added",
                             _add_key(path, UNKNOWN_KEY, "0"), core=len(path) <= 1))
            for k, val in v.items():
                first = _dup_value(val, key=k, vocab=vocab)
                dups.append(_Spec(path + (k,), "duplicate-key", f"key {k!r} written twice (first: {_short(first, 40)})",
                                  (path, k, first), core=not path, raw=True))
    # duplicate keys: every top-level one, and a few deeper ones (each needs the text route)
    deep = [d for d in dups if not d.core]
    rng.shuffle(deep)
    return out + [d for d in dups if d.core] + deep[:6]


def _dup_value(val: Any, *, key: str, vocab: Mapping[str, list[str]]) -> Any:
    """A different value for a duplicated key: another observed value of an enumeration
    field, a changed number, or an empty container."""
    if isinstance(val, str):
        others = [o for o in vocab.get(key, []) if o != val]
        if others:
            return others[0]
        if _RATIONAL.match(val):
            return str(Fraction(val) + 1)
        return val + " (edited)"
    if isinstance(val, bool):
        return not val
    if isinstance(val, (int, float)):
        return val + 1
    if isinstance(val, Mapping):
        return {}
    if isinstance(val, list):
        return []
    return "0"


def _round_robin(specs: list[_Spec]) -> list[_Spec]:
    """One forgery per top-level field before a second one of any: a small cap still
    reaches every field."""
    groups: dict[Any, list[_Spec]] = {}
    for s in specs:
        groups.setdefault(s.path[:1], []).append(s)
    out = []
    for layer in itertools.zip_longest(*groups.values()):
        out.extend(s for s in layer if s is not None)
    return out


def forgeries(doc: Any, *, cap: int | None = 150, seed: int = 0, vocab: Mapping[str, list[str]] | None = None) -> Iterator[Forgery]:
    """Single mutations of ``doc`` (a JSON value), at most ``cap`` (None: all), deterministic
    for a given ``seed``: the core ones (top two levels, ``format``, enumeration swaps) first,
    then a seeded sample of the rest."""
    base_text = json.dumps(doc)
    rng = random.Random(seed)
    specs = _specs(doc, vocab if vocab is not None else enum_vocabulary([doc]), rng)
    core = _round_robin([s for s in specs if s.core])
    rest = [s for s in specs if not s.core]
    random.Random(seed + 1).shuffle(rest)
    chosen = core + rest
    if cap is not None:
        chosen = chosen[:cap]
    for s in chosen:
        desc = f"{_show(s.path)}: {s.kind}: {s.what}"
        key = s.path[-1] if s.path and isinstance(s.path[-1], str) else None
        if s.raw:
            path, k, first = s.make
            yield Forgery(desc, s.path, s.kind, text=_dup_key_text(doc, path, k, first), key=key)
        else:
            new = s.make(json.loads(base_text))
            yield Forgery(desc, s.path, s.kind, doc=new, old=s.old, new=s.new, key=key)


# ---------------------------------------------------------------------------------
# the judge
THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough" or os.environ.get("EXACTMD_ADVERSARIAL") == "thorough"
CAP = int(os.environ.get("EXACTMD_FORGERIES", "1500" if THOROUGH else "120"))  # per document
BUDGET = float(os.environ.get("EXACTMD_FORGERY_SECONDS", "120" if THOROUGH else "1.5"))  # float-ok: CPU seconds per document
TIMEOUT = 60  # seconds per verification: a hang guard, not a speed assertion
REPORT = os.environ.get("EXACTMD_FORGERY_REPORT")  # append one JSON line per finding here

STRICT_KEYS = {"statement", "question"}
LABEL_KEYS = {"name"}
INPUT_KEYS = {"eps"}
BAD = ("changed", "ignored-field", "nested-invalid", "unknown-key-accepted", "noncanonical-accepted", "strict-accepted", "duplicate-accepted", "crash", "hang")


class _Hang(BaseException):
    pass


@contextlib.contextmanager
def _deadline(seconds: int):
    def alarm(signum, frame):  # noqa: ARG001
        raise _Hang()

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def verify_value(doc: Any) -> tuple[bool, str]:
    from exactmd.certificates import verify_document

    with _deadline(TIMEOUT):
        ok, why = verify_document(doc)
    return bool(ok), str(why)


def verify_text(text: str, path: Path) -> tuple[bool, str]:
    """``exactmd verify PATH`` in-process on ``text``: (exit status 0, message after 'PATH: ')."""
    from exactmd.cli import main

    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with _deadline(TIMEOUT), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = main(["verify", str(path)])
        except SystemExit as e:  # argparse
            rc = e.code
    o = out.getvalue()
    if rc not in (0, 1):
        raise RuntimeError(f"exit status {rc!r}; stderr: {err.getvalue().strip()[:200]}")
    lines = o.strip().splitlines()
    if len(lines) != 1:
        raise RuntimeError(f"verify printed {len(lines)} lines: {o[:200]!r}")
    head = ("OK  " if rc == 0 else "FAIL") + f" {path}: "
    if not lines[0].startswith(head):
        raise RuntimeError(f"exit status {rc} but output {lines[0][:120]!r}")
    return rc == 0, lines[0][len(head):]


@dataclass
class Outcome:
    forgery: Forgery
    verdict: str  # rejected | same | relabelled | reparametrised | new-theorem (allowed); BAD ones
    message: str


def nested_certificates(doc: Any) -> list[JSONPath]:
    """Paths (not the root) of the certificates embedded in ``doc`` (objects with a known
    ``format``), innermost first."""
    return sorted((p for p, v in _walk(doc) if p and isinstance(v, Mapping) and v.get("format") in KNOWN_FORMATS),
                  key=len, reverse=True)


def _broken_nested(f: Forgery, nested: list[JSONPath]) -> str | None:
    """An embedded certificate that the forgery edited and that fails on its own."""
    for p in nested:
        if f.path[: len(p)] != p or len(f.path) == len(p):
            continue
        try:
            sub = apply_path(f.doc, p)
        except (KeyError, IndexError, TypeError):
            continue
        ok, why = verify_value(sub)
        if not ok:
            return f"the embedded certificate at {_show(p)} fails on its own: {why}"
    return None


def judge(f: Forgery, base: str, base_cli: str | None, tmp: Path, nested: list[JSONPath] | None = None) -> Outcome:
    """Run one forgery and classify it (module docstring); ``nested``: the embedded
    certificates of the original (default: those of the forged document)."""
    try:
        if f.raw:
            ok, why = verify_text(f.text, tmp)
            ref = base_cli
        else:
            ok, why = verify_value(f.doc)
            ref = base
    except _Hang:
        return Outcome(f, "hang", f"no answer within {TIMEOUT} s")
    except RecursionError:
        return Outcome(f, "crash", "RecursionError")
    except Exception as e:  # noqa: BLE001 — a crash is what we are looking for
        tb = traceback.extract_tb(e.__traceback__)[-1]
        return Outcome(f, "crash", f"{type(e).__name__}: {str(e)[:160]} (at {Path(tb.filename).name}:{tb.lineno})")
    if not ok:
        return Outcome(f, "rejected", why)
    if f.kind == "duplicate-key":
        return Outcome(f, "duplicate-accepted", why)
    if f.key in STRICT_KEYS:
        return Outcome(f, "strict-accepted", why)
    if f.kind == "noncanonical":
        return Outcome(f, "noncanonical-accepted", why)
    if f.kind == "key" and f.path and f.path[-1] == UNKNOWN_KEY:
        return Outcome(f, "unknown-key-accepted", why)
    if not f.raw:
        broken = _broken_nested(f, nested if nested is not None else nested_certificates(f.doc))
        if broken:
            return Outcome(f, "nested-invalid", f"{why} — but {broken}")
    if why == ref:
        if len(f.path) == 1 and f.kind != "key" and not isinstance(f.old, (Mapping, list)) and "swapped" not in f.description:
            return Outcome(f, "ignored-field", why)
        return Outcome(f, "same", why)
    if f.key in INPUT_KEYS and isinstance(f.old, str) and f.old in ref and why == ref.replace(f.old, f.new):
        return Outcome(f, "reparametrised", why)
    if (f.key in LABEL_KEYS and isinstance(f.old, str) and isinstance(f.new, str) and f.old and f.old in ref
            and why == ref.replace(f.old, f.new)):
        return Outcome(f, "relabelled", why)
    if _lp_still_true(f):
        return Outcome(f, "new-theorem", why)
    return Outcome(f, "changed", why)


def _lp_still_true(f: Forgery) -> bool:
    """The forgery edited an LP certificate (the document, or its ``lp`` field outside the
    ``problem``, which the outer verifier rebuilds) and that LP, re-solved by the exact
    simplex, has the stated status and value: a true certificate of a true statement about
    the LP it states (e.g. the same Farkas ray scaled, another right-hand side that keeps
    the LP infeasible), whose message may name other evidence numbers."""
    from exactmd.lp import solve_problem

    if f.doc is None or not isinstance(f.doc, Mapping):
        return False
    if f.doc.get("format") == KNOWN_FORMATS[0]:
        lp = f.doc
    elif f.path[:1] == ("lp",) and f.path[1:2] != ("problem",) and isinstance(f.doc.get("lp"), Mapping):
        lp = f.doc["lp"]
    else:
        return False
    try:
        res = solve_problem(lp["problem"], method="exact")
    except Exception:  # noqa: BLE001 — not a well-formed LP: no second opinion
        return False
    if res.status.value != lp.get("status"):
        return False
    return res.status.value != "optimal" or str(res.value) == lp.get("value")


def run_forgeries(name: str, doc: Any, vocab: dict, tmp: Path) -> tuple[list[Outcome], Counter]:
    """Every forgery of ``doc`` judged (at most CAP, and as many as fit in about BUDGET CPU
    seconds at the original's verification time, at least 4)."""
    t0 = time.process_time()
    ok, base = verify_value(doc)
    dt = max(time.process_time() - t0, 1e-3)  # float-ok: a CPU-time budget, never a decision
    assert ok, f"{name}: the original does not verify: {base}"
    base_cli = None
    nested = nested_certificates(doc)
    cap = max(4, min(CAP, int(BUDGET / dt)))
    outs = []
    for f in forgeries(doc, cap=cap, vocab=vocab):
        if f.raw and base_cli is None:
            okc, base_cli = verify_text(json.dumps(doc, ensure_ascii=False), tmp)
            assert okc, f"{name}: the original does not verify through the CLI: {base_cli}"
        outs.append(judge(f, base, base_cli, tmp, nested))
    counts = Counter(o.verdict for o in outs)
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"document": name, "counts": dict(counts), "base": base,
                                 "findings": [{"verdict": o.verdict, "forgery": o.forgery.description, "kind": o.forgery.kind,
                                               "message": o.message[:300]} for o in outs if o.verdict in BAD]},
                                ensure_ascii=False) + "\n")
    return outs, counts


def summary(name: str, outs: list[Outcome], counts: Counter, limit: int = 25) -> str:
    bad = [o for o in outs if o.verdict in BAD]
    lines = [f"{name}: {len(bad)} of {len(outs)} forgeries broke the property ({dict(counts)}):"]
    for o in bad[:limit]:
        lines.append(f"  [{o.verdict}] {o.forgery.description}\n      -> {o.message[:200]}")
    if len(bad) > limit:
        lines.append(f"  ... and {len(bad) - limit} more")
    return "\n".join(lines)
