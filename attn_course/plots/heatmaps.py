"""Heat maps: attention weights and masks as (L_q, L_k) grids, queries down, keys across,
and one query's scores over a plane of 2-D keys (:func:`plot_score_surface`).

All follow the package's convention (:mod:`attn_course.plots._axes`): data
first, keyword ``ax=None`` (``axes=None`` for several panels), the ``Figure`` returned.
Panels that are compared share one colour scale and one colourbar
(:func:`plot_attention_panels`); a lone heatmap always gets its own colourbar.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import axes_or_new
from .style import QKV_COLOURS


def _as_matrix(name: str, values: torch.Tensor) -> torch.Tensor:
    if not isinstance(values, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(values).__name__}")
    if values.dim() != 2:
        raise ValueError(f"{name} must be 2-D (L_q, L_k), got shape {tuple(values.shape)}")
    return values.detach().float().cpu()


def plot_attention(
    weights: torch.Tensor,
    *,
    queries: Sequence[str] | None = None,
    keys: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    annotate: bool = False,
    cmap: str = "viridis",
    colorbar: bool = True,
    vmin: float | None = None,
    vmax: float | None = None,
    label: str = "attention weight",
) -> Figure:
    """Draw a (L_q, L_k) weight matrix as a heatmap: rows are queries, columns keys.

    The colour scale runs from ``vmin`` (default 0, or the smallest entry if negative, as scores
    can be) to ``vmax`` (default: the largest entry); compared panels should share one, which
    :func:`plot_attention_panels` does. ``annotate=True`` writes
    each weight (2 decimals) in its cell, for small matrices a reader can check by hand.
    ``label`` names the colourbar (scores are not weights).
    """
    matrix = _as_matrix("weights", weights)
    low = min(0.0, float(matrix.min())) if vmin is None else float(vmin)
    top = max(low + 1e-12, float(matrix.max())) if vmax is None else float(vmax)
    if not top > low:
        raise ValueError(f"vmax must be larger than vmin, got vmin={low!r}, vmax={top!r}")
    ax = axes_or_new(ax, (1 + 0.5 * matrix.shape[1], 1 + 0.5 * matrix.shape[0]))
    image = ax.imshow(matrix.numpy(), cmap=cmap, vmin=low, vmax=top, aspect="auto")
    ax.set_xlabel("key")
    ax.set_ylabel("query")
    if keys is not None:
        ax.set_xticks(range(matrix.shape[1]), list(keys), rotation=90 if max(map(len, keys), default=0) > 2 else 0)
    if queries is not None:
        ax.set_yticks(range(matrix.shape[0]), list(queries))
    if title:
        ax.set_title(title)
    if annotate:
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                value = float(matrix[i, j])
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
                        color="black" if value > low + 0.6 * (top - low) else "white")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=label)
    return ax.figure


def plot_attention_panels(
    panels: Sequence[torch.Tensor],
    *,
    titles: Sequence[str] | None = None,
    queries: Sequence[Sequence[str] | None] | None = None,
    keys: Sequence[Sequence[str] | None] | None = None,
    axes: Sequence[Axes] | None = None,
    ncols: int | None = None,
    panel_size: tuple[float, float] = (3.0, 2.8),
    label: str = "attention weight",
    cmap: str = "viridis",
) -> Figure:
    """Draw compared (L_q, L_k) matrices on ONE colour scale (0, or the smallest entry if negative,
    to the largest entry), with ONE colourbar.

    ``queries``/``keys`` give tick labels per panel (None for none). Without ``axes``, a grid of
    ``ncols`` columns (default: all in one row) of ``panel_size`` inches each is made; pass
    ``axes`` to choose the layout yourself (for example width ratios).
    """
    if isinstance(panels, torch.Tensor) or not isinstance(panels, Sequence) or not panels:
        raise TypeError("panels must be a non-empty sequence of 2-D tensors")
    matrices = [_as_matrix(f"panels[{i}]", panel) for i, panel in enumerate(panels)]
    for name, per_panel in (("titles", titles), ("queries", queries), ("keys", keys), ("axes", axes)):
        if per_panel is not None and len(per_panel) != len(matrices):
            raise ValueError(f"{name} must have one entry per panel ({len(matrices)}), got {len(per_panel)}")
    if axes is None:
        ncols = len(matrices) if ncols is None else ncols
        if not isinstance(ncols, int) or ncols < 1:
            raise ValueError(f"ncols must be a positive int, got {ncols!r}")
        nrows = -(-len(matrices) // ncols)
        fig, grid = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols + 0.8, panel_size[1] * nrows),
                                 layout="constrained", squeeze=False)
        axes = list(grid.flat)
        for spare in axes[len(matrices):]:
            spare.set_visible(False)
        axes = axes[: len(matrices)]
    low = min(0.0, min(float(m.min()) for m in matrices))
    top = max(low + 1e-12, max(float(m.max()) for m in matrices))
    for i, (matrix, ax) in enumerate(zip(matrices, axes, strict=True)):
        plot_attention(matrix, ax=ax, colorbar=False, vmin=low, vmax=top, cmap=cmap,
                       title=None if titles is None else titles[i],
                       queries=None if queries is None else queries[i], keys=None if keys is None else keys[i])
    fig = axes[0].figure
    fig.colorbar(axes[0].images[0], ax=list(axes), fraction=0.046, pad=0.02, label=label)
    return fig


def plot_mask(mask: torch.Tensor, *, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Draw a (L_q, L_k) bool mask: filled = may attend, empty = blocked."""
    matrix = _as_matrix("mask", mask.bool().float() if isinstance(mask, torch.Tensor) else mask)
    ax = axes_or_new(ax, (3, 3))
    ax.imshow(matrix.numpy(), cmap="Greys", vmin=0, vmax=1)
    ax.set_xlabel("key position")
    ax.set_ylabel("query position")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_score_surface(
    scores: torch.Tensor,
    xs: torch.Tensor,
    ys: torch.Tensor,
    *,
    query: torch.Tensor | None = None,
    keys: torch.Tensor | None = None,
    key_labels: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    colorbar: bool = True,
) -> Figure:
    """Draw one query's scores s(q, k) over a grid of 2-D keys k = (x, y): x across, y up.

    ``scores`` is (len(ys), len(xs)), as :func:`attn_course.lessons.scoring_compare.score_surface`
    returns it. The colours diverge from 0 (red positive, blue negative) on a scale of ±max|score|
    of this panel. ``query`` (2,) is drawn as a star, ``keys`` (n, 2) as dots named by ``key_labels``.
    """
    if isinstance(scores, torch.Tensor) and scores.dim() != 2:
        raise ValueError(f"scores must be 2-D (len(ys), len(xs)), got shape {tuple(scores.shape)}")
    matrix = _as_matrix("scores", scores)
    for name, axis, size in (("xs", xs, matrix.shape[1]), ("ys", ys, matrix.shape[0])):
        if not isinstance(axis, torch.Tensor) or axis.dim() != 1 or axis.numel() != size:
            raise ValueError(f"{name} must be a 1-D tensor of {size} coordinates to match scores of shape "
                             f"{tuple(matrix.shape)}, got {getattr(axis, 'shape', type(axis).__name__)}")
    if keys is not None and key_labels is not None and len(key_labels) != len(keys):
        raise ValueError(f"key_labels has {len(key_labels)} names for {len(keys)} keys")
    ax = axes_or_new(ax, (3.4, 2.8))
    limit = max(1e-12, float(matrix.abs().max()))
    image = ax.imshow(matrix.numpy(), origin="lower", cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="equal",
                      extent=(float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])))
    if keys is not None:
        points = keys.detach().float().cpu()
        ax.scatter(points[:, 0], points[:, 1], s=26, color=QKV_COLOURS["key"], edgecolors="white", zorder=3)
        for i, label in enumerate(key_labels or []):
            ax.annotate(label, (float(points[i, 0]), float(points[i, 1])), xytext=(5, -12),
                        textcoords="offset points", fontsize=9)
    if query is not None:
        q = query.detach().float().cpu()
        ax.scatter([float(q[0])], [float(q[1])], marker="*", s=180, color=QKV_COLOURS["query"], edgecolors="white",
                   zorder=4, label="query")
    ax.set_xlabel("key coordinate k₁")
    ax.set_ylabel("key coordinate k₂")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="score s(q, k)")
    return ax.figure
