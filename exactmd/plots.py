"""Pictures (extra ``plot``: matplotlib).  Floats appear here only to draw; every number
printed on a picture is the exact fraction.

``bargaining_regions(K, prior, path)`` draws the trade region a(θ_1, θ_2) of the LP second
best and of the best γ-threshold allocation side by side (Vartiainen §5); fractional
trade is shaded and labelled with its exact probability.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ExactMDError
from .rational import fmt

__all__ = ["bargaining_regions"]


def _plt() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ExactMDError('pictures need matplotlib: pip install "exactmd[plot]"') from None
    return plt


def bargaining_regions(K: int, prior: str = "uniform", path: str | Path = "region.png") -> Path:
    """Write a PNG with the second-best and best-threshold trade regions; return its path."""
    from .bargaining import bilateral_trade, proposition_2

    plt = _plt()
    p1, _, p2 = prior.partition(":")
    env = bilateral_trade(K, p1, p2 or p1)
    r = proposition_2(env)
    T1, T2 = env.types
    panels = [("second best (LP), value " + fmt(r.second_best.value),
               {th: r.second_best.mechanism.allocation_prob(1, th) for th in env.profiles()})]
    if r.best is not None:
        panels.append((f"best threshold a^γ, γ = {fmt(r.best.gamma)}, value {fmt(r.best.value)}", r.best.allocation))
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 5), squeeze=False)
    for ax, (title, a) in zip(axes[0], panels):
        grid = [[float(a[(t1, t2)]) for t1 in T1] for t2 in T2]  # float-ok: drawing only
        ax.imshow(grid, origin="lower", cmap="Greens", vmin=0, vmax=1)
        for j, t2 in enumerate(T2):
            for i, t1 in enumerate(T1):
                v = a[(t1, t2)]
                if v != 0 and v != 1:
                    ax.text(i, j, fmt(v), ha="center", va="center", fontsize=8, color="black")
        ax.set_xticks(range(len(T1)), [fmt(t) for t in T1])
        ax.set_yticks(range(len(T2)), [fmt(t) for t in T2])
        ax.set_xlabel("buyer value θ1")
        ax.set_ylabel("seller value θ2")
        ax.set_title(title, fontsize=9)
    fig.suptitle(f"{env.name}: probability of trade (dark = 1)", fontsize=10)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
