"""Readings, domains and verdicts: what a claim was decided under, as data.

A claim of a paper is decided under one or more *readings* (how an ambiguous sentence of
the paper is taken: :class:`Reading`) on one or more *domains* (the paper's own domain, or
a finite stand-in for it: :class:`Domain`).  Deciding it on an instance gives one
:class:`ReadingVerdict` per (reading, domain); the headline status of the
:class:`Verdict` is computed from them by :func:`headline_status`, never written by
hand.  Claims are registered with :func:`register` — the papers' by their plug-ins
(:mod:`exactmd.plugins`), a user's by theirs — and looked up in :data:`CLAIMS` /
:func:`get_claim`, which load the plug-ins first.

>>> headline_status([("ucstar=intersection", "confirmed", True), ("ucstar=intersection", "refuted", False)])
'refuted-on-variant'
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .errors import ClaimError, ExactMDError
from .plugins import load_plugins

__all__ = ["Claim", "Verdict", "Reading", "ReadingVerdict", "Domain", "headline_status", "as_stated", "AS_STATED",
           "CLAIMS", "register", "get_claim", "registered_claims", "instance_strategy",
           "INSTANCE_DOMAIN", "READING_STATUSES", "HEADLINE_STATUSES"]

#: statuses of one reading on one domain
READING_STATUSES = ("confirmed", "refuted", "not-applicable")
#: headline statuses, computed by :func:`headline_status`
HEADLINE_STATUSES = ("confirmed", "refuted", "depends-on-reading", "refuted-on-variant", "confirmed-on-variant", "not-applicable")

_READING_ID = re.compile(r"^[a-z0-9][a-z0-9=._+-]{0,47}$")


@dataclass(frozen=True)
class Reading:
    """One way of reading a claim: a short ``id`` (e.g. ``ucstar=intersection``), one
    ``sentence`` saying what is decided, and ``support``: the paper's own words that
    support it, quoted exactly (pieces of one passage joined by `` … ``)."""

    id: str
    sentence: str
    support: str

    def __post_init__(self) -> None:
        if not _READING_ID.match(self.id):
            raise ClaimError(f"reading id {self.id!r} must be a short lower-case id such as 'ucstar=intersection'")
        if not self.sentence.strip() or not self.support.strip():
            raise ClaimError(f"reading {self.id!r} needs a sentence and the paper's words that support it")

    def to_dict(self) -> dict[str, str]:
        return {"reading": self.id, "sentence": self.sentence, "support": self.support}


@dataclass(frozen=True)
class Domain:
    """Where a claim is decided: ``paper`` names the paper's own domain (e.g. ``Δ(Θ)``, "a
    continuum of prices [2, 5]"), ``decided`` the set actually decided on (e.g. ``G_4
    without the vertices``, ``price menu {2, 3, 4, 5}``; equal to ``paper`` when the paper's
    domain itself is decided), ``contains`` whether ``decided`` contains what the paper's
    domain contains, in the exact sense that ``meaning`` states (e.g. "contains the
    vertices δ_θ of Δ, which decide covering").  Only a verdict on a domain with
    ``contains=True`` can give a headline ``confirmed`` or ``refuted``."""

    paper: str
    decided: str
    contains: bool
    meaning: str

    def __post_init__(self) -> None:
        if not (self.paper.strip() and self.decided.strip() and self.meaning.strip()):
            raise ClaimError("a domain needs the paper's domain, the domain decided and what 'contains' means for it")
        if not isinstance(self.contains, bool):
            raise ClaimError(f"Domain.contains={self.contains!r} must be True or False")

    def to_dict(self) -> dict[str, Any]:
        return {"paper": self.paper, "decided": self.decided, "contains": self.contains, "meaning": self.meaning}


#: the reading of a claim that declares none: its statement, literally
AS_STATED = "as-stated"

#: the domain of a claim that declares none: the instance it is run on
INSTANCE_DOMAIN = Domain(
    paper="the environments the statement quantifies over",
    decided="the instance",
    contains=True,
    meaning="the instance is itself one of the paper's environments: a counterexample on it is a counterexample to the "
            "statement; a confirmation covers this instance only",
)


def as_stated(statement: str) -> Reading:
    """The default reading: the statement as quoted, read literally."""
    return Reading(AS_STATED, "The statement read literally, as quoted.", statement)


Certificates = tuple[tuple[str, dict[str, Any]], ...]


@dataclass(frozen=True)
class ReadingVerdict:
    """The outcome of a claim under one reading on one domain (``None``: the claim's
    declared domain, filled in by :meth:`Claim.decide`)."""

    reading: str
    status: str  # one of READING_STATUSES
    summary: str
    certificates: Certificates = ()
    domain: Domain | None = None

    def __post_init__(self) -> None:
        if self.status not in READING_STATUSES:
            raise ClaimError(f"status={self.status!r} of reading {self.reading!r} must be one of {', '.join(READING_STATUSES)}")
        object.__setattr__(self, "certificates", tuple(self.certificates))

    @property
    def contains(self) -> bool:
        return True if self.domain is None else self.domain.contains

    @property
    def domain_name(self) -> str:
        return (self.domain or INSTANCE_DOMAIN).decided


def headline_status(readings: Iterable[tuple[str, str, bool]]) -> str:
    """The headline status of a claim on an instance, from ``(reading id, status,
    contains)`` per reading verdict — the one rule, documented in docs/claims.md.

    Not-applicable reading verdicts are set aside (the instance is outside that reading's
    hypotheses); if nothing is left, the headline is ``not-applicable``.  Of the rest, a
    verdict is *full* when its domain contains what the paper's domain contains, a
    *variant* otherwise.

    - ``confirmed``: every full verdict confirms, every reading has a full verdict, and no
      variant refutes;
    - ``refuted``: every full verdict refutes and every reading has a full verdict;
    - ``depends-on-reading``: full verdicts disagree, or some full verdict refutes while a
      reading has no full verdict;
    - ``refuted-on-variant``: no full verdict refutes, but a variant does (only a stand-in
      that omits part of the paper's domain refutes);
    - ``confirmed-on-variant``: nothing refutes, but some reading is confirmed only on
      stand-ins that omit part of the paper's domain.

    >>> headline_status([("a", "confirmed", True), ("a", "refuted", False)])
    'refuted-on-variant'
    >>> headline_status([("x", "confirmed", True), ("y", "refuted", True)])
    'depends-on-reading'
    >>> headline_status([("x", "not-applicable", True)])
    'not-applicable'
    """
    rs = list(readings)
    for rid, status, contains in rs:
        if status not in READING_STATUSES or not isinstance(contains, bool):
            raise ClaimError(f"reading {rid!r}: status {status!r} / contains {contains!r} is not a reading verdict")
    decided = [(rid, s, c) for rid, s, c in rs if s != "not-applicable"]
    if not decided:
        return "not-applicable"
    full = {s for _, s, c in decided if c}
    variant = {s for _, s, c in decided if not c}
    covered = {rid for rid, _, _ in decided} == {rid for rid, _, c in decided if c}
    if full == {"confirmed"} and covered and "refuted" not in variant:
        return "confirmed"
    if full == {"refuted"} and covered:
        return "refuted"
    if "refuted" in full:
        return "depends-on-reading"
    if "refuted" in variant:
        return "refuted-on-variant"
    return "confirmed-on-variant"


@dataclass(frozen=True, init=False)
class Verdict:
    """The outcome of one claim on one instance: one :class:`ReadingVerdict` per reading
    (and domain) decided; ``status``, ``summary`` and ``certificates`` are computed.

    ``Verdict(claim, status, summary, instance, certificates)`` is the single-reading
    shorthand (reading ``as-stated``, or the claim's one declared reading, on the claim's
    declared domain); ``Verdict(claim, instance=..., readings=[...], note=...)`` gives
    several.  ``note`` is a sentence about all readings together, appended to the summary.
    """

    claim: str
    instance: str
    readings: tuple[ReadingVerdict, ...]
    note: str

    def __init__(self, claim: str, status: str | None = None, summary: str | None = None, instance: str = "",
                 certificates: Iterable[tuple[str, dict[str, Any]]] = (), *,
                 readings: Iterable[ReadingVerdict] | None = None, note: str = "") -> None:
        if readings is None:
            if status is None or summary is None:
                raise ClaimError(f"verdict of {claim}: give status and summary, or readings")
            rs: tuple[ReadingVerdict, ...] = (ReadingVerdict(AS_STATED, status, summary, tuple(certificates)),)
        else:
            if status is not None or summary is not None or tuple(certificates):
                raise ClaimError(f"verdict of {claim}: with readings, the status, summary and certificates are computed from them")
            rs = tuple(readings)
            if not rs:
                raise ClaimError(f"verdict of {claim}: at least one reading verdict is needed")
        object.__setattr__(self, "claim", claim)
        object.__setattr__(self, "instance", instance)
        object.__setattr__(self, "readings", rs)
        object.__setattr__(self, "note", note)

    @property
    def status(self) -> str:
        return headline_status((r.reading, r.status, r.contains) for r in self.readings)

    @property
    def summary(self) -> str:
        if len(self.readings) == 1:
            text = self.readings[0].summary
        else:
            text = "; ".join(f"[{r.reading} on {r.domain_name}] {r.summary}" for r in self.readings)
        return text + (f". {self.note}" if self.note else "")

    @property
    def certificates(self) -> Certificates:
        """Every certificate of every reading, once each, in order."""
        seen: dict[str, dict[str, Any]] = {}
        for r in self.readings:
            for name, cert in r.certificates:
                seen.setdefault(name, cert)
        return tuple(seen.items())

    @property
    def domains(self) -> tuple[Domain, ...]:
        return tuple(dict.fromkeys(r.domain or INSTANCE_DOMAIN for r in self.readings))

    def __str__(self) -> str:
        return f"{self.claim} [{self.instance}]: {self.status} — {self.summary}"


@dataclass(frozen=True)
class Claim:
    """A named, runnable claim of one of the papers.

    ``readings`` are the readings it is decided under (default: one, ``as-stated``, the
    statement itself); ``domains`` the domains it is decided on (default: the instance).
    A ``decide`` function returns a :class:`Verdict` whose reading verdicts name declared
    readings only, and every declared reading at least once; :meth:`decide` checks that
    and fills in the declared domain where a reading verdict names none.
    """

    id: str
    statement: str
    where: str
    decide: Callable[[Any], Verdict]
    strategy: Callable[[], Any]
    paper_instances: Callable[[], list[tuple[str, Any]]]
    checks: str = ""  # what exactly is decided, for the docs and the summary table
    extra: dict[str, Any] = field(default_factory=dict)
    readings: tuple[Reading, ...] = ()
    domains: tuple[Domain, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "readings", tuple(self.readings) or (as_stated(self.statement),))
        object.__setattr__(self, "domains", tuple(self.domains) or (INSTANCE_DOMAIN,))
        ids = [r.id for r in self.readings]
        if len(set(ids)) != len(ids):
            raise ClaimError(f"claim {self.id!r} declares a reading twice: {ids}")
        raw = self.decide
        object.__setattr__(self, "decide_raw", raw)
        object.__setattr__(self, "decide", self._decide_checked)

    @property
    def paper(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def label(self) -> str:
        return self.id.split("/", 1)[1]

    def reading(self, rid: str) -> Reading:
        for r in self.readings:
            if r.id == rid:
                return r
        raise ClaimError(f"claim {self.id} has no reading {rid!r}; its readings: {', '.join(r.id for r in self.readings)}")

    def _decide_checked(self, instance: Any) -> Verdict:
        return self.resolve(_guarded(self.id, "decide", self.decide_raw, instance))  # type: ignore[attr-defined]

    def instances(self) -> list[tuple[str, Any]]:
        """``paper_instances()``, checked: a list of (name, instance) with distinct names."""
        got = _guarded(self.id, "paper_instances", self.paper_instances)
        try:
            pairs = [(n, i) for n, i in got]
        except (TypeError, ValueError):
            raise ClaimError(f"claim {self.id}: paper_instances() must return a list of (name, instance) pairs, "
                             f"not {type(got).__name__}") from None
        names = [n for n, _ in pairs]
        bad = [n for n in names if not isinstance(n, str) or not 0 < len(n) <= 200]
        if bad:
            raise ClaimError(f"claim {self.id}: instance name {bad[0]!r} must be a string of 1 to 200 characters")
        if len(set(names)) != len(names):
            raise ClaimError(f"claim {self.id}: paper_instances() names an instance twice: {names}")
        return pairs

    def search_strategy(self) -> Any:
        """``strategy()``, checked: a hypothesis strategy."""
        from hypothesis.strategies import SearchStrategy

        s = _guarded(self.id, "strategy", self.strategy)
        if not isinstance(s, SearchStrategy):
            raise ClaimError(f"claim {self.id}: strategy() must return a hypothesis strategy, not {type(s).__name__}")
        return s

    def resolve(self, v: Verdict) -> Verdict:
        """Check a verdict against the declared readings and fill in the declared domain."""
        if not isinstance(v, Verdict):
            raise ClaimError(f"claim {self.id}: its decide function returned {type(v).__name__} {v!r:.60}, not a Verdict")
        if v.claim != self.id:
            raise ClaimError(f"claim {self.id} returned a verdict of {v.claim}")
        declared = [r.id for r in self.readings]
        rs = list(v.readings)
        if len(rs) == 1 and rs[0].reading == AS_STATED and AS_STATED not in declared:
            r0 = rs[0]
            if len(declared) == 1:
                rs = [replace(r0, reading=declared[0])]
            elif r0.status == "not-applicable":
                rs = [replace(r0, reading=d) for d in declared]
            else:
                raise ClaimError(f"claim {self.id} declares readings {declared}: its verdict must give one per reading")
        unknown = [r.reading for r in rs if r.reading not in declared]
        if unknown:
            raise ClaimError(f"claim {self.id}: reading {unknown[0]!r} is not declared (declared: {', '.join(declared)})")
        missing = [d for d in declared if d not in {r.reading for r in rs}]
        if missing:
            raise ClaimError(f"claim {self.id}: no verdict under the declared reading {missing[0]!r}")
        rs = [r if r.domain is not None else replace(r, domain=self.domains[0]) for r in rs]
        pairs = [(r.reading, r.domain_name) for r in rs]
        if len(set(pairs)) != len(pairs):
            raise ClaimError(f"claim {self.id}: reading {pairs[0][0]!r} decided twice on {pairs[0][1]!r}")
        names: dict[str, dict[str, Any]] = {}
        for r in rs:
            for name, cert in r.certificates:
                if name in names and names[name] is not cert and names[name] != cert:
                    raise ClaimError(f"claim {self.id}: two different certificates are named {name!r}")
                names[name] = cert
        return Verdict(v.claim, instance=v.instance, readings=rs, note=v.note)


# ---------------------------------------------------------------------------------
# the registry
_CLAIM_ID = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*/[a-z0-9][a-z0-9.+-]*$")
_REGISTRY: dict[str, Claim] = {}


class _Claims(Mapping[str, Claim]):
    """The registered claims by id (read-only; the plug-ins are loaded on first use)."""

    def __getitem__(self, cid: str) -> Claim:
        load_plugins()
        return _REGISTRY[cid]

    def __iter__(self) -> Iterator[str]:
        load_plugins()
        return iter(dict(_REGISTRY))

    def __len__(self) -> int:
        load_plugins()
        return len(_REGISTRY)


#: every registered claim, by id
CLAIMS: Mapping[str, Claim] = _Claims()


def _guarded(cid: str, what: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Call a claim's own function; a bug in it becomes one ClaimError line saying where."""
    try:
        return fn(*args)
    except (ExactMDError, MemoryError):
        raise
    except Exception as err:
        if type(err).__module__.split(".")[0] == "hypothesis":
            raise  # hypothesis's control flow (assume, …)
        raise ClaimError(f"claim {cid}: its {what} function raised {type(err).__name__}: {err} ({_where(err)})") from err


def _where(err: BaseException) -> str:
    """Where an exception was raised: the innermost frame outside exactmd's own code
    (the user's file and line), else the innermost frame."""
    frames = traceback.extract_tb(err.__traceback__)
    here = os.path.dirname(os.path.abspath(__file__))
    outside = [f for f in frames if not os.path.abspath(f.filename).startswith(here + os.sep)]
    chosen = outside or list(frames)
    if not chosen:
        return "no traceback"
    return f"{chosen[-1].filename}, line {chosen[-1].lineno}"


def register(claim: Claim) -> Claim:
    """Register a claim under its id ``<paper>/<label>`` (both lower-case; they name the
    folders of ``exactmd reproduce``); an id registered twice raises ClaimError."""
    if not isinstance(claim, Claim):
        raise ClaimError(f"register() takes a Claim, not {type(claim).__name__}")
    if not _CLAIM_ID.match(claim.id):
        raise ClaimError(f"claim id {claim.id!r} must be '<paper>/<label>': lower-case letters, digits and - (e.g. 'mypaper/lemma-3')")
    if claim.id in _REGISTRY:
        raise ClaimError(f"claim {claim.id!r} is registered twice")
    _REGISTRY[claim.id] = claim
    return claim


def get_claim(cid: str) -> Claim:
    """The claim with id ``cid``, or the one whose label is ``cid`` or whose id starts
    with it, if exactly one."""
    if cid in CLAIMS:
        return CLAIMS[cid]
    matches = [c for c in CLAIMS if c.endswith("/" + cid) or c.startswith(cid)]
    if len(matches) == 1:
        return CLAIMS[matches[0]]
    raise ClaimError(f"unknown claim {cid!r}; known claims: {', '.join(sorted(CLAIMS))}")


def registered_claims(paper: str | None = None) -> list[Claim]:
    """The registered claims (of one paper), sorted by id."""
    return [CLAIMS[c] for c in sorted(CLAIMS) if paper is None or CLAIMS[c].paper == paper]


def instance_strategy(cid: str) -> Any:
    return get_claim(cid).search_strategy()
