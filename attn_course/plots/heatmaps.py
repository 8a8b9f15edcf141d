"""Heat maps: attention weights and masks as (L_q, L_k) grids, queries down, keys across,
and one query's scores over a plane of 2-D keys (:func:`plot_score_surface`).

All follow the package's convention (:mod:`attn_course.plots._axes`): data
first, keyword ``ax=None``, the ``Figure`` returned.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import axes_or_new


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
) -> Figure:
    """Draw a (L_q, L_k) weight matrix as a heatmap: rows are queries, columns keys.

    ``annotate=True`` writes each weight (2 decimals) in its cell, for small
    matrices a reader can check by hand.
    """
    matrix = _as_matrix("weights", weights)
    ax = axes_or_new(ax, (1 + 0.5 * matrix.shape[1], 1 + 0.5 * matrix.shape[0]))
    image = ax.imshow(matrix.numpy(), cmap=cmap, vmin=0.0, vmax=max(1e-12, float(matrix.max())), aspect="auto")
    ax.set_xlabel("key")
    ax.set_ylabel("query")
    if keys is not None:
        ax.set_xticks(range(matrix.shape[1]), list(keys), rotation=90 if max(map(len, keys), default=0) > 2 else 0)
    if queries is not None:
        ax.set_yticks(range(matrix.shape[0]), list(queries))
    if title:
        ax.set_title(title)
    if annotate:
        top = float(matrix.max())
        for i in range(matrix.shape[0]):
            for j in range(matrix.shape[1]):
                value = float(matrix[i, j])
                ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=8,
                        color="black" if value > 0.6 * top else "white")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    return ax.figure


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
        ax.scatter(points[:, 0], points[:, 1], s=22, color="black", zorder=3)
        for i, label in enumerate(key_labels or []):
            ax.annotate(label, (float(points[i, 0]), float(points[i, 1])), xytext=(5, -12),
                        textcoords="offset points", fontsize=9)
    if query is not None:
        q = query.detach().float().cpu()
        ax.scatter([float(q[0])], [float(q[1])], marker="*", s=160, color="gold", edgecolors="black", zorder=4,
                   label="query")
    ax.set_xlabel("key coordinate k₁")
    ax.set_ylabel("key coordinate k₂")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="score s(q, k)")
    return ax.figure
