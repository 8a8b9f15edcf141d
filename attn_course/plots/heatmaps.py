"""Heat maps: attention weights and masks as (L_q, L_k) grids, queries down, keys across.

Both follow the package's convention (:mod:`attn_course.plots._axes`): data
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
    vmax: float | None = None,
) -> Figure:
    """Draw a (L_q, L_k) weight matrix as a heatmap: rows are queries, columns keys.

    ``annotate=True`` writes each weight (2 decimals) in its cell, for small
    matrices a reader can check by hand. The colour scale runs from 0 to ``vmax``
    (default: the largest weight); give panels that are compared the same ``vmax``.
    """
    matrix = _as_matrix("weights", weights)
    ax = axes_or_new(ax, (1 + 0.5 * matrix.shape[1], 1 + 0.5 * matrix.shape[0]))
    top = max(1e-12, float(matrix.max())) if vmax is None else vmax
    image = ax.imshow(matrix.numpy(), cmap=cmap, vmin=0.0, vmax=top, aspect="auto")
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
