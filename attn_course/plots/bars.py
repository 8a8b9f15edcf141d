"""Bars: a probability distribution over tokens, most likely first.

Follows the package's convention (:mod:`attn_course.plots._axes`): data first,
keyword ``ax=None``, the ``Figure`` returned.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import axes_or_new

#: How invisible characters are drawn on an axis.
VISIBLE = {" ": "␣", "\n": "↵", "\t": "⇥"}


def visible(text: str) -> str:
    """``text`` with spaces, newlines and tabs drawn as ␣, ↵ and ⇥."""
    return "".join(VISIBLE.get(c, c) for c in text)


def plot_token_probs(probs: torch.Tensor, labels: Sequence[str], *, top: int = 12, ax: Axes | None = None,
                     title: str | None = None, color: str = "tab:blue") -> Figure:
    """Bars of the ``top`` most likely tokens of ``probs`` (V,), labelled by ``labels`` (V strings).

    Tokens with probability 0 (removed by top-k or top-p) are not drawn; the y axis is fixed
    to [0, 1] so that panels of one distribution under different rules compare by eye.
    """
    if not isinstance(probs, torch.Tensor) or probs.dim() != 1:
        raise ValueError(f"probs must be a 1-D tensor (V,), got {getattr(probs, 'shape', type(probs).__name__)}")
    if len(labels) != len(probs):
        raise ValueError(f"labels must name each of the {len(probs)} tokens, got {len(labels)} labels")
    ax = axes_or_new(ax, (6.0, 2.6))
    values, order = probs.detach().double().sort(descending=True, stable=True)
    shown = [(float(v), visible(labels[i])) for v, i in zip(values[:top], order[:top].tolist(), strict=True) if v > 0]
    ax.bar(range(len(shown)), [v for v, _ in shown], color=color)
    ax.set_xticks(range(len(shown)), [label for _, label in shown])
    ax.set_xlim(-0.6, top - 0.4)
    ax.set_ylim(0, 1)
    ax.set_xlabel("next token (most likely first)")
    ax.set_ylabel("probability")
    if title:
        ax.set_title(title)
    return ax.figure
