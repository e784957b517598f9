"""Vartiainen (2014): pictures of §5's trade regions and of §4's UC sequence (extra ``plot``).

``bargaining_regions(K, prior, path)`` draws the trade region a(θ_1, θ_2) of the LP second
best and of the best γ-threshold allocation side by side (§5, Proposition 2); fractional
trade is shaded and labelled with its exact probability.  ``uc_ternary(env, seq, path)``
draws each iterate UCᵗ on the simplex for |Θ| = 3 (§4).  Floats appear only to draw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exactmd.belief import profile_label
from exactmd.errors import ExactMDError
from exactmd.plots import check_image_path, check_ternary, pyplot, save_figure
from exactmd.rational import fmt

from .bargaining import bilateral_trade, proposition_2
from .tables import MAX_K, parse_prior

__all__ = ["bargaining_regions", "uc_ternary"]


def bargaining_regions(K: int, prior: str = "uniform", path: str | Path = "region.png") -> Path:
    """Write a PNG with the second-best and best-threshold trade regions; return its path."""
    check_image_path(path)
    if isinstance(K, bool) or not isinstance(K, int) or not 1 <= K <= MAX_K:
        raise ExactMDError(f"K={K!r} must be an integer in 1..{MAX_K}")
    p1, p2 = parse_prior(prior)
    plt = pyplot()
    env = bilateral_trade(K, p1, p2)
    r = proposition_2(env)
    T1, T2 = env.types
    panels = [("second best (LP), value " + fmt(r.second_best.value),
               {th: r.second_best.mechanism.allocation_prob(1, th) for th in env.profiles()})]
    if r.best is not None:
        panels.append((rf"best threshold $a^{{\gamma}}$, $\gamma = {fmt(r.best.gamma)}$, value {fmt(r.best.value)}", r.best.allocation))
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 5), squeeze=False)  # float-ok: drawing coordinates, never a decision
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
        ax.set_xlabel(r"buyer value $\theta_1$")
        ax.set_ylabel(r"seller value $\theta_2$")
        ax.set_title(title, fontsize=9)
    fig.suptitle(f"{env.name}: probability of trade (dark = 1)", fontsize=10)
    fig.tight_layout()
    try:
        return save_figure(fig, path, dpi=110)
    finally:
        plt.close(fig)


def uc_ternary(env: Any, seq: Any, path: str | Path = "uc.png") -> Path:
    """Draw each iterate UC^t of a :class:`~exactmd.papers.vartiainen2014.uc.UCSequence` on the simplex
    Δ(Θ) for |Θ| = 3 (one panel per iterate; uncovered beliefs filled, covered hollow)."""
    check_image_path(path)
    check_ternary(env)
    plt = pyplot()
    profiles = env.profiles()

    corners = [(0.0, 0.0), (1.0, 0.0), (0.5, 0.8660254)]  # float-ok: drawing only

    def xy(b: Any) -> tuple[float, float]:
        w = [float(b[th]) for th in profiles]  # float-ok: drawing only
        return (sum(wi * c[0] for wi, c in zip(w, corners)), sum(wi * c[1] for wi, c in zip(w, corners)))

    allb = list(seq.beliefs) or list(dict.fromkeys(b for it in seq.iterates for b in it))
    n = len(seq.iterates)
    fig, axes = plt.subplots(1, n, figsize=(3.2 * n, 3.2), squeeze=False)  # float-ok: drawing coordinates, never a decision
    for t, (ax, it) in enumerate(zip(axes[0], seq.iterates)):
        ax.plot([c[0] for c in corners + corners[:1]], [c[1] for c in corners + corners[:1]], color="black", lw=0.8)  # float-ok: drawing coordinates, never a decision
        for c, th in zip(corners, profiles):
            ax.text(c[0], c[1] + (0.04 if c[1] > 0 else -0.06), profile_label(th), ha="center", va="center", fontsize=8)  # float-ok: drawing coordinates, never a decision
        s = set(it)
        for b in allb:
            x, y = xy(b)
            ax.scatter([x], [y], s=14, facecolors="tab:red" if b in s else "none", edgecolors="tab:red" if b in s else "grey", linewidths=0.6)  # float-ok: drawing coordinates, never a decision
        ax.set_title(rf"$UC^{{{t}}}$: {len(it)} uncovered", fontsize=9)
        ax.set_xlim(-0.08, 1.08)  # float-ok: drawing coordinates, never a decision
        ax.set_ylim(-0.12, 0.96)  # float-ok: drawing coordinates, never a decision
        ax.set_aspect("equal")
        ax.axis("off")
    fig.suptitle(rf"{env.name or 'environment'} on {seq.universe}, $\varepsilon = {fmt(seq.eps)}$ (filled: uncovered)", fontsize=9)
    try:
        return save_figure(fig, path, dpi=120, bbox_inches="tight")
    finally:
        plt.close(fig)
