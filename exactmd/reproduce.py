"""The main job: regenerate, write and verify every claim's certificates; and property checks.

``reproduce(out)`` runs every registered claim on its named paper instances, writes
each certificate to ``out/<paper>/<label>/<instance>/<name>.json``, a manifest
``out/manifest.json`` (format ``exactmd-manifest/1``, below) and a summary table
``out/summary.md``.  Output is byte-identical from run to run.  ``reproduce(out,
claims=[...])`` into a folder that already holds a manifest updates the entries of the
chosen claims and keeps every other entry and its files.

The manifest is a certificate of the verdicts::

    {"format": "exactmd-manifest/1",
     "entries": [{"claim", "instance", "status", "summary",
                  "domain": [{"paper", "decided", "contains", "meaning"}, ...],
                  "readings": [{"reading", "domain", "status", "summary",
                                "certificates": [{"path", "sha256"}, ...]}, ...]}, ...]}

``verify_manifest(path)`` re-checks it without trusting it: every listed certificate
(paths relative to the manifest's folder, never absolute, never ``..``) exists, has the
recorded sha256 and verifies; every entry's headline status is the rule
:func:`exactmd.claims.headline_status` applied to its reading statuses; and every
entry is decided again — the claim looked up by id in the registry, the instance by
name among the claim's paper instances — and must give the same statuses, summaries,
domains and certificate contents.

Writing order (each file through a temporary file in its folder and ``os.replace``):
the certificates, the derivations, ``summary.md``, and the manifest last.  When a run
would change the content of a file the old manifest lists, the manifest without the
entries listing such files is written first.  An interrupted run therefore leaves the
old manifest, that shorter one, or the new one — each consistent with the files it
lists.  Files the new manifest no longer lists (of re-run claims) are removed after it
is written.

``check_claims(ids)`` runs claims as hypothesis property tests over random instances
("the claim is never refuted under any reading") and, when one is refuted, reports the
shrunk counterexample and writes its certificates.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from .claims import CLAIMS, READING_STATUSES, Claim, Verdict, get_claim, headline_status
from .certificates import verify_document
from .display import describe
from .errors import CertificateError, ClaimError, InputError, PluginError
from .jsonio import loads_strict
from .plugins import load_plugins
from .progress import finish, step
from .sources import source_claims
from .lp.solution import default_method

__all__ = ["reproduce", "check_claims", "write_verdict", "verify_manifest", "load_manifest", "MANIFEST_FORMAT", "register_derivation",
           "summary_table"]

Log = Callable[[str], None]

MANIFEST_FORMAT = "exactmd-manifest/1"
MAX_MANIFEST_BYTES = 64 * 2**20
MAX_CERTIFICATE_BYTES = 256 * 2**20
MAX_ENTRIES = 100_000


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", s).strip("-") or "instance"


def _dump(doc: Any) -> str:
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _strict_loads(text: str | bytes) -> Any:
    """Strict JSON (exactmd.jsonio: duplicate keys, NaN, floats, deep nesting refused) as a CertificateError."""
    try:
        return loads_strict(text, source=None)
    except InputError as e:
        raise CertificateError(str(e)) from None


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------------------------
# verdicts -> manifest entries
def _certificate_paths(v: Verdict, instance_name: str) -> dict[str, str]:
    """Certificate name -> path relative to the output folder (slugs checked distinct)."""
    paper, _, label = v.claim.partition("/")
    base = PurePosixPath(paper, label, _slug(instance_name))
    paths: dict[str, str] = {}
    for name, _ in v.certificates:
        rel = (base / f"{_slug(name)}.json").as_posix()
        if rel in paths.values():
            raise ClaimError(f"{v.claim} [{instance_name}]: two certificates are written to {rel}")
        paths[name] = rel
    return paths


def _entry(v: Verdict, instance_name: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest entry of a verdict and the files it lists (path -> bytes)."""
    paths = _certificate_paths(v, instance_name)
    files = {paths[name]: _dump(cert).encode("utf-8") for name, cert in v.certificates}
    entry = {
        "claim": v.claim,
        "instance": instance_name,
        "status": v.status,
        "summary": v.summary,
        "domain": [d.to_dict() for d in v.domains],
        "readings": [{
            "reading": r.reading,
            "domain": r.domain_name,
            "status": r.status,
            "summary": r.summary,
            "certificates": [{"path": paths[name], "sha256": _sha256(files[paths[name]])} for name, _ in r.certificates],
        } for r in v.readings],
    }
    return entry, files


def write_verdict(v: Verdict, out: Path, instance_name: str) -> list[str]:
    """Write a verdict's certificates under ``out``; return their paths relative to ``out``."""
    _, files = _entry(v, instance_name)
    for rel, data in files.items():
        _write_atomic(out / rel, data)
    return list(files)


def _entry_paths(entry: dict[str, Any]) -> list[str]:
    """Paths an entry lists (this format, or the list format written before it)."""
    if "readings" in entry:
        return list(dict.fromkeys(c["path"] for r in entry["readings"] for c in r["certificates"]))
    return list(entry.get("certificates", []))


# ---------------------------------------------------------------------------------
def reproduce(out: Path, *, claims: Iterable[str] | None = None, source: str | None = None, log: Log = print,
              echo: Log = print) -> int:
    """Run every claim (or the chosen ones) on its paper instances, write and verify the
    certificates and the manifest; 0 iff all verify.

    With ``source`` (a user's claims file or module, :func:`exactmd.plugins.load_source`)
    the run is over that source's claims only (or the chosen ones among them): ``out``
    then holds the manifest of those claims alone, as ``out`` of a full run holds every
    registered claim's.

    LPs are solved by the exact simplex alone, so that the files are the same whether
    or not the float hint (HiGHS) is installed."""
    chosen = list(claims) if claims else None
    full: list[str] | None = None
    if source is not None:
        full = _source_choice(source, chosen)
        chosen = None
    with default_method("exact"):
        return _reproduce(out, claims=chosen, log=log, echo=echo, full=full)


def _source_choice(source: str, chosen: list[str] | None) -> list[str]:
    """The ids of the chosen claims among a source's (all of them if none are chosen)."""
    ids = list(source_claims(source))
    if not chosen:
        return ids
    picked = []
    for c in chosen:
        cid = get_claim(c).id
        if cid not in ids:
            raise ClaimError(f"claim {cid!r} is not one of the claims of {source!r} ({', '.join(ids)})")
        picked.append(cid)
    return list(dict.fromkeys(picked))


def _old_manifest(out: Path, partial: bool) -> list[dict[str, Any]] | None:
    """The entries of the manifest already in ``out`` (None if there is none)."""
    path = out / "manifest.json"
    if not path.exists():
        return None
    try:
        doc = _strict_loads(path.read_text(encoding="utf-8"))
    except (CertificateError, UnicodeDecodeError) as e:
        if partial:
            raise CertificateError(f"{path}: cannot update it ({e}); run a full `exactmd reproduce --out {out}`") from None
        return None
    if isinstance(doc, dict) and doc.get("format") == MANIFEST_FORMAT and isinstance(doc.get("entries"), list):
        entries = doc["entries"]
    elif isinstance(doc, list):  # the list format written before exactmd-manifest/1
        if partial:
            raise CertificateError(f"{path} is in the old list format: run a full `exactmd reproduce --out {out}` first")
        entries = doc
    else:
        if partial:
            raise CertificateError(f"{path} is not an {MANIFEST_FORMAT} document: refusing to update it")
        return None
    if not all(isinstance(e, dict) and isinstance(e.get("claim"), str) for e in entries):
        raise CertificateError(f"{path}: every entry must be an object with a claim id")
    return entries


def _reproduce(out: Path, *, claims: list[str] | None, log: Log, echo: Log, full: list[str] | None = None) -> int:
    if full is not None:  # a full run over these claims (a source's)
        chosen: list[Claim] = [CLAIMS[c] for c in sorted(full)]
    else:
        chosen = [get_claim(c) for c in claims] if claims else [CLAIMS[c] for c in sorted(CLAIMS)]
    old = _old_manifest(out, partial=bool(claims))
    ids = {c.id for c in chosen}
    if full is not None and old:
        others = sorted({e["claim"] for e in old} - ids)
        if others:  # never replace (and so delete) the certificates of claims this run does not decide
            raise ClaimError(f"{out} holds the manifest of other claims ({', '.join(others[:3])}"
                             f"{', ...' if len(others) > 3 else ''}): choose another --out for these claims")

    fresh: dict[str, list[dict[str, Any]]] = {}
    files: dict[str, bytes] = {}
    failed: list[str] = []
    for k, claim in enumerate(chosen):
        fresh[claim.id] = []
        for name, inst in claim.instances():
            step("reproduce", k + 1, len(chosen), f"claims, now {claim.id} [{name}]")
            log(f"[{claim.id}] {name} ...")
            entry, fs = _entry(claim.decide(inst), name)
            fresh[claim.id].append(entry)
            for rel, data in fs.items():
                ok, why = verify_document(json.loads(data))
                if not ok:
                    failed.append(rel)
                    echo(f"FAIL {rel}: {why}")
                files[rel] = data

    finish("reproduce")
    # merge: the chosen claims' entries replace theirs; a partial run keeps every other entry
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in (old or []) if claims else []:
        groups.setdefault(e["claim"], []).append(e)
    groups.update(fresh)
    entries = [e for cid in sorted(groups) for e in groups[cid]]
    kept = [e for e in entries if e["claim"] not in ids]
    for e in kept:  # files of kept entries: unchanged since they were verified (sha256 as recorded)
        for r in e["readings"]:
            for c in r["certificates"]:
                p = out / c["path"]
                if not p.is_file() or _sha256(p.read_bytes()) != c["sha256"]:
                    failed.append(c["path"])
                    echo(f"FAIL {c['path']}: missing or not the file the manifest records")

    # writing order: (shorter manifest), certificates, derivations, summary, manifest
    out.mkdir(parents=True, exist_ok=True)
    listed_before = {rel for e in old or [] for rel in _entry_paths(e)}
    changing = {rel for rel, data in files.items() if rel in listed_before and (out / rel).is_file() and (out / rel).read_bytes() != data}
    if changing and old is not None:
        shorter = [e for e in old if "readings" in e and not set(_entry_paths(e)) & changing]
        _write_atomic(out / "manifest.json", _dump({"format": MANIFEST_FORMAT, "entries": shorter}).encode("utf-8"))
    for rel, data in files.items():
        p = out / rel
        if not (p.is_file() and p.read_bytes() == data):
            _write_atomic(p, data)
    _write_derivations(out, {c.split("/", 1)[0] for c in groups})
    total = sum(len(_entry_paths(e)) for e in entries)
    table = summary_table(entries, total, len(set(failed)))
    _write_atomic(out / "summary.md", table.encode("utf-8"))
    _write_atomic(out / "manifest.json", _dump({"format": MANIFEST_FORMAT, "entries": entries}).encode("utf-8"))
    listed_now = {rel for e in entries for rel in _entry_paths(e)}
    for rel in sorted(listed_before - listed_now):
        _remove_listed(out, rel)
    echo(table)
    return 1 if failed else 0


def _remove_listed(out: Path, rel: str) -> None:
    """Remove a file an old manifest listed (inside ``out`` only) and the folders it empties."""
    try:
        p = _safe_path(out, rel)
    except CertificateError:
        return
    if p.is_file():
        p.unlink()
    root = out.resolve()
    d = p.parent
    while d != root and root in d.parents:
        try:
            d.rmdir()
        except OSError:
            break
        d = d.parent


_DERIVATIONS: dict[str, tuple[Callable[[], bytes], str, str | None]] = {}


def register_derivation(name: str, read: Callable[[], bytes], *, owner: str, paper: str | None = None) -> None:
    """Register a written derivation (a Markdown file a plug-in ships, e.g. the
    decidability of covering) that ``reproduce`` copies to ``OUT/derivations/NAME`` —
    in every run, or with ``paper`` only in runs that hold a claim ``PAPER/...``."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,63}\.md", name):
        raise PluginError(f"derivation name {name!r} must be a lower-case file name ending in .md")
    if name in _DERIVATIONS:
        raise PluginError(f"derivation {name!r} is registered by {_DERIVATIONS[name][1]} and again by {owner}")
    _DERIVATIONS[name] = (read, owner, paper)


def _write_derivations(out: Path, papers: set[str]) -> None:
    """Copy the derivations of a run over these papers' claims next to the certificates,
    sorted by name."""
    load_plugins()
    d = out / "derivations"
    for name in sorted(_DERIVATIONS):
        read, _, paper = _DERIVATIONS[name]
        if paper is not None and paper not in papers:
            continue
        data = read()
        p = d / name
        if not (p.is_file() and p.read_bytes() == data):
            _write_atomic(p, data)


def _domain_cell(entry: dict[str, Any]) -> str:
    parts = []
    for d in entry["domain"]:
        if d["decided"] == "the instance":
            parts.append("the instance")
        else:
            parts.append(f"{d['decided']} (contains what {d['paper']} contains)" if d["contains"] else f"{d['decided']} (omits part of {d['paper']})")
    return "; ".join(parts)


def _readings_cell(entry: dict[str, Any]) -> str:
    one_domain = len(entry["domain"]) == 1
    return "; ".join(f"{r['reading']}{'' if one_domain else ' on ' + r['domain']}: {r['status']}" for r in entry["readings"])


def summary_table(manifest: list[dict[str, Any]], total: int, failed: int) -> str:
    """The Markdown summary of manifest entries: headline verdict, readings, domain."""
    lines = [
        "# exactmd reproduce — summary",
        "",
        "Headline verdicts follow the rule of docs/claims.md: `confirmed` or `refuted` only when every declared "
        "reading agrees on a domain containing what the paper's domain contains.",
        "",
        "| claim | instance | verdict | readings | domain | summary | certificates |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in manifest:
        lines.append(f"| {e['claim']} | {e['instance']} | {e['status']} | {_readings_cell(e)} | {_domain_cell(e)} | {e['summary']} "
                     f"| {len(_entry_paths(e))} |")
    lines += ["", f"{total - failed} of {total} certificates verified" + ("" if not failed else f"; {failed} FAILED"),
              "(`exactmd verify manifest.json` re-checks every one and decides every entry again)", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------
# verifying a manifest
def _safe_path(base: Path, rel: Any) -> Path:
    """``base/rel`` for a relative POSIX path that stays inside ``base``; else CertificateError."""
    if not isinstance(rel, str) or not rel or len(rel) > 1024:
        raise CertificateError(f"certificate path {rel!r} must be a non-empty relative path")
    pp = PurePosixPath(rel)
    if "\\" in rel or ":" in rel or "\0" in rel or pp.is_absolute() or any(part in ("", ".", "..") for part in rel.split("/")):
        raise CertificateError(f"certificate path {rel!r} must stay inside the manifest's folder (no absolute path, no '..')")
    root = base.resolve()
    p = (root / pp).resolve()
    if root not in p.parents:
        raise CertificateError(f"certificate path {rel!r} leaves the manifest's folder")
    return p


def load_manifest(path: Path) -> list[dict[str, Any]]:
    """The entries of an ``exactmd-manifest/1`` file, checked for shape (duplicate keys refused)."""
    size = path.stat().st_size
    if size > MAX_MANIFEST_BYTES:
        raise CertificateError(f"manifest of {size} bytes is over the limit of {MAX_MANIFEST_BYTES}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CertificateError("manifest is not UTF-8 text") from None
    doc = _strict_loads(text)
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
        raise CertificateError(f"not an {MANIFEST_FORMAT} document")
    if set(doc) != {"format", "entries"}:
        raise CertificateError(f"manifest keys {sorted(doc)} must be exactly ['entries', 'format']")
    entries = doc["entries"]
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise CertificateError(f"entries must be a list of at most {MAX_ENTRIES}")
    for k, e in enumerate(entries):
        where = f"entry {k}"
        if not isinstance(e, dict) or set(e) != {"claim", "instance", "status", "summary", "domain", "readings"}:
            raise CertificateError(f"{where}: an entry has exactly the keys claim, instance, status, summary, domain, readings")
        for key in ("claim", "instance", "status", "summary"):
            if not isinstance(e[key], str):
                raise CertificateError(f"{where}: {key} must be a string")
        where = f"entry {k} ({e['claim']} [{e['instance']}])"
        if not isinstance(e["domain"], list) or not e["domain"] or not all(
                isinstance(d, dict) and set(d) == {"paper", "decided", "contains", "meaning"} and isinstance(d["contains"], bool)
                and all(isinstance(d[x], str) for x in ("paper", "decided", "meaning")) for d in e["domain"]):
            raise CertificateError(f"{where}: domain must be a non-empty list of {{paper, decided, contains, meaning}}")
        if not isinstance(e["readings"], list) or not e["readings"]:
            raise CertificateError(f"{where}: readings must be a non-empty list")
        for r in e["readings"]:
            if not isinstance(r, dict) or set(r) != {"reading", "domain", "status", "summary", "certificates"}:
                raise CertificateError(f"{where}: a reading has exactly the keys reading, domain, status, summary, certificates")
            if not all(isinstance(r[x], str) for x in ("reading", "domain", "status", "summary")) or not isinstance(r["certificates"], list):
                raise CertificateError(f"{where}: reading fields must be strings and certificates a list")
            for c in r["certificates"]:
                if not isinstance(c, dict) or set(c) != {"path", "sha256"} or not isinstance(c["sha256"], str):
                    raise CertificateError(f"{where}: a certificate is {{path, sha256}}")
    return entries


def _check_entry_files(base: Path, e: dict[str, Any], verified: dict[str, bool]) -> str | None:
    """The first problem with an entry's listed files and its headline rule, or None."""
    domains = {d["decided"]: d["contains"] for d in e["domain"]}
    rows = []
    for r in e["readings"]:
        if r["status"] not in READING_STATUSES:
            return f"reading {r['reading']!r}: status {r['status']!r} is not one of {', '.join(READING_STATUSES)}"
        if r["domain"] not in domains:
            return f"reading {r['reading']!r}: domain {r['domain']!r} is not among the entry's domains"
        rows.append((r["reading"], r["status"], domains[r["domain"]]))
    rule = headline_status(rows)
    if e["status"] != rule:
        return f"headline status {e['status']!r} is not {rule!r}, which the headline rule gives for its readings"
    for r in e["readings"]:
        for c in r["certificates"]:
            try:
                p = _safe_path(base, c["path"])
            except CertificateError as err:
                return str(err)
            key = f"{c['path']}\0{c['sha256']}"
            if key in verified:
                if not verified[key]:
                    return f"certificate {c['path']} fails"
                continue
            if not p.is_file():
                return f"certificate {c['path']} is missing"
            if p.stat().st_size > MAX_CERTIFICATE_BYTES:
                return f"certificate {c['path']} is over {MAX_CERTIFICATE_BYTES} bytes"
            data = p.read_bytes()
            if _sha256(data) != c["sha256"]:
                return f"certificate {c['path']}: sha256 {_sha256(data)} is not the recorded {c['sha256']}"
            try:
                ok, why = verify_document(_strict_loads(data))
            except CertificateError as err:
                ok, why = False, str(err)
            verified[key] = ok
            if not ok:
                return f"certificate {c['path']} fails: {why}"
    return None


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{where}.{k}" if where else k)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items recorded, {len(b)} recomputed"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{where}[{i}]")
    return f"{where}: recorded {json.dumps(a, ensure_ascii=False)[:120]}, recomputed {json.dumps(b, ensure_ascii=False)[:120]}"


def verify_manifest(path: Path | str, *, log: Log | None = None, source: str | None = None) -> tuple[bool, str]:
    """Re-check an ``exactmd-manifest/1`` file from the registry and its listed files.

    True iff every listed certificate is inside the manifest's folder, has its recorded
    sha256 and verifies, every headline status follows the headline rule, and deciding
    each entry again gives the recorded statuses, summaries, domains and certificates.
    With ``source`` (a user's claims file or module, already loaded) the claims the
    manifest leaves out are counted among that source's, not the whole registry's."""
    path = Path(path)
    log = log or (lambda s: None)
    try:
        entries = load_manifest(path)
    except CertificateError as err:
        return False, str(err)
    base = path.parent
    seen: set[tuple[str, str]] = set()
    instances: dict[str, dict[str, Any]] = {}
    verified: dict[str, bool] = {}
    fails: list[str] = []
    with default_method("exact"):
        for k, e in enumerate(entries):
            label = f"{e['claim']} [{e['instance']}]"
            step("verify", k + 1, len(entries), f"entries, now {label}")
            log(f"[{k + 1}/{len(entries)}] {label} ...")
            key = (e["claim"], e["instance"])
            if key in seen:
                fails.append(f"{label}: listed twice")
                continue
            seen.add(key)
            why = _check_entry_files(base, e, verified)
            if why is None:
                claim = CLAIMS.get(e["claim"])
                if claim is None:
                    why = (f"claim {e['claim']!r} is not in the registry (a user's claim: load its file or module "
                           "with --claims)")
                else:
                    if claim.id not in instances:
                        instances[claim.id] = dict(claim.instances())
                    if e["instance"] not in instances[claim.id]:
                        why = f"instance {e['instance']!r} is not a paper instance of {claim.id}"
                    else:
                        expected, _ = _entry(claim.decide(instances[claim.id][e["instance"]]), e["instance"])
                        if expected != e:
                            why = "decided again, " + _first_difference(e, expected)
            if why is not None:
                fails.append(f"{label}: {why}")
    if fails:
        return False, f"{len(fails)} of {len(entries)} entries fail; first: {fails[0]}"
    claims = {e["claim"] for e in entries}
    universe = set(source_claims(source)) if source is not None else set(CLAIMS)
    missing = len(universe - claims)
    whose = f"claims of {source}" if source is not None else "registered claims"
    return True, (f"{len(entries)} entries of {len(claims)} claims decided again: statuses, summaries, domains and "
                  f"{len(verified)} certificates match (sha256 and contents), every certificate verifies"
                  + (f"; {missing} {whose} are not in this manifest" if missing else ""))


# ---------------------------------------------------------------------------------
class _Refuted(Exception):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__(str(verdict))
        self.verdict = verdict


def _refuting(v: Verdict) -> list[Any]:
    return [r for r in v.readings if r.status == "refuted"]


def check_claims(
    ids: Iterable[str],
    *,
    examples: int = 25,
    seed: int = 0,
    out: str | None = None,
    log: Log = print,
    echo: Log = print,
    shrink_seconds: float = 60.0,  # float-ok: wall clock
    source: str | None = None,
) -> int:
    """Property-test claims over random instances; 1 if any claim is refuted under some
    reading (on some domain), else 0.

    Counts are per reading and per domain; a sample never *confirms* a claim: the report
    says on how many instances each reading held.  A refutation is shrunk towards a
    smaller instance for at most ``shrink_seconds`` (some claims take seconds per
    instance); after that the smallest refuted instance decided so far is reported — a
    genuine counterexample, perhaps not the smallest.  The counterexample is printed as
    a table (:func:`exactmd.display.describe`).  With ``source`` (a user's claims file or
    module) the claims are that source's (or the chosen ones among them)."""
    import time

    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    if source is not None:
        chosen = [CLAIMS[c] for c in _source_choice(source, list(ids))]
    else:
        chosen = [get_claim(c) for c in ids] if ids else [CLAIMS[c] for c in sorted(CLAIMS)]
    rc = 0
    for k, claim in enumerate(chosen):
        step("check", k + 1, len(chosen), f"claims, now {claim.id}")
        counts: dict[str, dict[str, int]] = {}
        runs = [0]
        last: list[tuple[Verdict, Any]] = []
        first_refuted: list[float] = []  # float-ok: wall clock

        @hseed(seed)
        @settings(max_examples=examples, deadline=None, database=None, derandomize=False, report_multiple_bugs=False,
                  suppress_health_check=list(HealthCheck))
        @given(claim.search_strategy())
        def prop(inst: Any) -> None:
            if first_refuted and time.monotonic() - first_refuted[0] > shrink_seconds:
                v = last[-1][0]  # out of shrinking time: stop deciding, keep failing with the last real verdict
            else:
                step("instances", runs[0] + 1, None, "decided")
                v = claim.decide(inst)
                runs[0] += 1
                for r in v.readings:
                    key = r.reading if len(claim.domains) == 1 else f"{r.reading} on {r.domain_name}"
                    c = counts.setdefault(key, {s: 0 for s in READING_STATUSES})
                    c[r.status] += 1
                log(f"[{claim.id}] run {runs[0]} (shrinking included): {v.status} ({v.instance})")
                if _refuting(v):
                    if not first_refuted:
                        first_refuted.append(time.monotonic())
                    last.append((v, inst))
            if _refuting(v):  # one raising line: hypothesis compares failures by where they are raised
                raise _Refuted(v)

        try:
            prop()
            per = "; ".join(f"{k}: held on {c['confirmed']}, outside its hypotheses on {c['not-applicable']}" for k, c in counts.items())
            echo(f"{claim.id}: never refuted on {runs[0]} random instances ({per})")
        except _Refuted:
            v, inst = last[-1]  # hypothesis re-runs the shrunk example last
            rc = 1
            if first_refuted and time.monotonic() - first_refuted[0] > shrink_seconds:
                echo(f"{claim.id}: shrinking stopped after {shrink_seconds:g} s; reporting the last refuted instance decided")
            bad = _refuting(v)
            under = ", ".join(f"{r.reading} on {r.domain_name}" for r in bad)
            echo(f"{claim.id}: REFUTED on {v.instance} under {under}: {v.summary}")
            echo("the counterexample:\n" + describe(inst))
            if out:
                paths = write_verdict(v, Path(out), v.instance)
                for p in paths:
                    echo(f"  certificate: {Path(out) / p}")
        finish("instances")
    finish("check")
    return rc
