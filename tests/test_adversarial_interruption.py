"""Interrupted and partial runs (issue 14, deliverable 8): nothing lost, no traceback.

* a local worker of ``exactmd uc --workers 2`` killed mid-run: the run either finishes with
  the serial run's answer, or fails with one error line (exit 2) — never a traceback;
* ``exactmd reproduce CLAIM`` into a folder that holds a full run keeps every claim in its
  manifest (or refuses, leaving the manifest as it was);
* ``exactmd lp solve … -o OUT`` whose write fails part way (a file-size limit, as on a full
  disk) leaves the older OUT whole, and no temporary file.

Subprocesses run with a hang guard (``TIMEOUT`` seconds; a guard, not a speed assertion).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PROOFS = ROOT / "proofs"
TIMEOUT = 180


def _cmd(*args):
    return [sys.executable, "-m", "exactmd.cli", *map(str, args)]


def _parents() -> dict[int, int]:
    out = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            out[int(d.name)] = int(stat[stat.rindex(")") + 2:].split()[1])
    return out


def _workers(pid: int) -> list[int]:
    """The pool's worker processes under ``pid``: descendants without children of their own,
    other than multiprocessing's resource tracker (a forkserver's workers are its children)."""
    parent = _parents()
    desc, frontier = set(), {pid}
    while frontier:
        frontier = {c for c, par in parent.items() if par in frontier} - desc
        desc |= frontier
    out = []
    for c in sorted(desc):
        if any(parent.get(k) == c for k in desc):
            continue
        try:
            cmd = Path(f"/proc/{c}/cmdline").read_bytes()
        except OSError:
            continue
        if b"resource_tracker" not in cmd:
            out.append(c)
    return out


def _limit_file_size(limit: int):
    def pre():  # in the child: writes beyond `limit` bytes fail with EFBIG instead of killing it
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return pre


def test_a_write_that_fails_midway_leaves_the_old_file(tmp_path):
    """`lp solve -o OUT` whose write of OUT fails part way (the file-size limit is hit, as on
    a full disk): OUT still holds the older certificate, whole; one error line, exit 2."""
    from exactmd.lp import solve_problem

    n = 40
    problem = {"sense": "max", "variables": {f"x{i}": ["0", "1"] for i in range(n)},
               "objective": {f"x{i}": str(i % 7 + 1) for i in range(n)},
               "constraints": [{"name": f"r{j}", "coeffs": {f"x{i}": str((i * j) % 5 + 1) for i in range(n)}, "op": "<=", "rhs": str(n + j)}
                               for j in range(n)]}
    (tmp_path / "p.json").write_text(json.dumps(problem), encoding="utf-8")
    old = json.dumps({"sense": "max", "variables": {"x": ["0", "1"]}, "objective": {"x": "1"}, "constraints": []})
    old = json.dumps(solve_problem(json.loads(old))._cert)
    limit = 4096
    assert len(old) < limit < len(json.dumps(solve_problem(problem)._cert))
    (tmp_path / "out.json").write_text(old, encoding="utf-8")
    p = subprocess.run(_cmd("lp", "solve", "p.json", "-o", "out.json"), cwd=tmp_path, capture_output=True, text=True,
                       timeout=TIMEOUT, preexec_fn=_limit_file_size(limit))
    assert "Traceback" not in p.stderr, p.stderr[-1500:]
    assert p.returncode == 2, (p.returncode, p.stderr[-300:])
    assert len([ln for ln in p.stderr.splitlines() if ln.strip()]) == 1, p.stderr[-500:]
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == old, "the old certificate was truncated"
    assert sorted(q.name for q in tmp_path.iterdir()) == ["out.json", "p.json"], "a temporary file was left behind"
