"""The independent certificate verifier (:mod:`exactmd.lp.checker`) and a file reader for it."""

from __future__ import annotations

import os
from typing import Any

from ..errors import InputError
from ..jsonio import load_strict
from .checker import verify_certificate

__all__ = ["verify_certificate", "verify_file"]


def verify_file(path: str | os.PathLike[str]) -> tuple[bool, str]:
    """Read a JSON certificate strictly (duplicate keys, NaN, floats, deep nesting and
    oversized files are refused: :mod:`exactmd.jsonio`) and verify it."""
    try:
        cert: Any = load_strict(path, source=None)
    except OSError as e:
        return False, f"cannot read {str(path)!r}: {e.strerror}"
    except InputError as e:
        return False, str(e)
    return verify_certificate(cert)
