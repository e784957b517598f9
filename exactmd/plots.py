"""Pictures (extra ``plot``: matplotlib).  Floats appear here only to draw; every number
printed on a picture is the exact fraction.

The kernel's part: :func:`pyplot` (matplotlib, or one line saying how to install it),
:func:`check_image_path`, :func:`check_ternary` and :func:`save_figure` (atomic, tagged
as exactmd's output).  The papers' plug-ins draw their pictures with them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ExactMDError
from .files import IMAGE_EXTENSIONS, IMAGE_METADATA, atomic_path

__all__ = ["pyplot", "check_image_path", "require_matplotlib", "check_ternary", "save_figure"]


def pyplot() -> Any:
    """matplotlib.pyplot with the Agg backend, or one line saying how to install it."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ExactMDError('pictures need matplotlib: pip install "exactmd[plot]"') from None
    return plt


def check_image_path(path: str | Path) -> Path:
    """``path`` if it names a picture format exactmd writes (.png, .pdf, .svg), else refuse."""
    p = Path(path)
    if p.suffix.lower() not in IMAGE_EXTENSIONS:
        raise ExactMDError(f"picture file {str(p)!r} must end in {', '.join(IMAGE_EXTENSIONS)}")
    return p


def require_matplotlib() -> None:
    """Refuse (one line) before any work when the plot extra is not installed."""
    pyplot()


def check_ternary(env: Any) -> None:
    """Refuse an environment whose beliefs cannot be drawn on a triangle (|Θ| ≠ 3)."""
    m = len(env.profiles())
    if m != 3:
        raise ExactMDError(f"a ternary plot needs exactly 3 profiles; {env.name or 'the environment'} has {m}")


def save_figure(fig: Any, path: str | Path, **kw: Any) -> Path:
    """Save atomically (temporary file, then rename), tagged as exactmd's (exactmd.files)."""
    out = check_image_path(path)
    with atomic_path(out) as tmp:
        fig.savefig(tmp, format=out.suffix.lower()[1:], metadata=IMAGE_METADATA[out.suffix.lower()], **kw)
    return out
