"""exactmd type-checks, the kernel and the papers (``exactmd/papers/``) alike: ``mypy exactmd``
with the settings of ``[tool.mypy]`` in pyproject.toml exits 0."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 600  # seconds; a cold cache takes about 25 s, a warm one about 1 s


def test_mypy_kernel() -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (it is in the test extra: pip install -e '.[test]')")
    # mypy's cache outside the repository (one per checkout), so the tree stays clean
    cache = Path(tempfile.gettempdir()) / f"exactmd-mypy-cache-{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}"
    cmd = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(cache), "exactmd"]
    try:
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as e:  # its captured output is bytes, whatever text= says
        so_far = b"".join(x for x in (e.stdout, e.stderr) if isinstance(x, bytes)).decode(errors="replace")
        pytest.fail(f"mypy did not finish in {TIMEOUT} s; output so far:\n{so_far}")
    assert p.returncode == 0, f"mypy exactmd exited {p.returncode}:\n{p.stdout}{p.stderr}"
