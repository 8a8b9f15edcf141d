"""Plots for the application chapters: what did the model attend to?

Like :mod:`attn_course.viz`, every function draws on an ``Axes`` it is given
and returns it; none calls ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib import colormaps
from matplotlib.axes import Axes
from torch.nn import functional as F


def _vector(name: str, values: torch.Tensor, length: int | None = None) -> torch.Tensor:
    if not isinstance(values, torch.Tensor) or values.dim() != 1:
        raise ValueError(f"{name} must be a 1-D tensor, got {getattr(values, 'shape', type(values).__name__)}")
    if length is not None and len(values) != length:
        raise ValueError(f"{name} must have {length} entries, got shape {tuple(values.shape)}")
    return values.detach().float().cpu()


def plot_word_weights(ax: Axes, words: Sequence[str], weights: torch.Tensor, *, title: str | None = None,
                      cmap: str = "Oranges") -> Axes:
    """Write ``words`` in a row, each highlighted by its attention weight (0 = white, 1 = darkest).

    The colour scale is absolute, so a row whose weight is spread thinly looks pale.
    """
    w = _vector("weights", weights, len(words))
    colours = colormaps[cmap]
    total = sum(len(word) + 1 for word in words)
    position = 0
    for word, value in zip(words, w.tolist(), strict=True):
        ax.text(position / total, 0.5, word, fontsize=11, va="center", ha="left", family="monospace",
                transform=ax.transAxes, color="white" if value > 0.6 else "black",
                bbox={"facecolor": colours(min(1.0, value)), "edgecolor": "none", "pad": 2})
        position += len(word) + 1
    ax.axis("off")
    if title:
        ax.set_title(title, fontsize=10, loc="left")
    return ax


def plot_patch_attention(ax: Axes, image: torch.Tensor, attention_map: torch.Tensor, *,
                         title: str | None = None, alpha: float = 0.55) -> Axes:
    """Show a (H, W) grayscale image with a (g, g) patch-attention map upsampled over it."""
    if not isinstance(image, torch.Tensor) or image.dim() != 2:
        raise ValueError(f"image must be a 2-D tensor (H, W), got {getattr(image, 'shape', type(image).__name__)}")
    if not isinstance(attention_map, torch.Tensor) or attention_map.dim() != 2:
        raise ValueError(f"attention_map must be 2-D (g, g), got {getattr(attention_map, 'shape', None)}")
    size = image.shape[-2:]
    heat = F.interpolate(attention_map[None, None].float(), size=tuple(size), mode="nearest")[0, 0]  # (H, W)
    ax.imshow(image.detach().cpu().numpy(), cmap="gray")
    ax.imshow(heat.detach().cpu().numpy(), cmap="inferno", alpha=alpha)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def plot_spectrogram_attention(ax: Axes, frames: torch.Tensor, weights: torch.Tensor, *,
                               span: tuple[int, int] | None = None, title: str | None = None) -> Axes:
    """A (T, n_bins) spectrogram with the (T,) attention weights over time drawn on top.

    ``span=(first, last)`` frames marks where the keyword really is (dashed lines).
    """
    if not isinstance(frames, torch.Tensor) or frames.dim() != 2:
        raise ValueError(f"frames must be 2-D (T, n_bins), got {getattr(frames, 'shape', type(frames).__name__)}")
    w = _vector("weights", weights, frames.shape[0])
    n_frames, n_bins = frames.shape
    ax.imshow(frames.detach().cpu().T.numpy(), origin="lower", aspect="auto", cmap="magma")
    ax.set_xlabel("frame (time)")
    ax.set_ylabel("frequency bin")
    scaled = (w / max(float(w.max()), 1e-12)) * (n_bins - 1)  # weight curve in bin units
    ax.plot(range(n_frames), scaled.numpy(), color="cyan", linewidth=2, label="attention")
    if span is not None and span[0] >= 0:
        for edge in (span[0] - 0.5, span[1] + 0.5):
            ax.axvline(edge, color="white", linestyle="--", linewidth=1)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_accuracy_by_length(ax: Axes, bins: Sequence[int], curves: dict[str, Sequence[float]], *,
                            title: str | None = None) -> Axes:
    """Exact-match rate per input-length bin, one line per model."""
    labels = [f"{low}-{high - 1}" for low, high in zip(bins[:-1], bins[1:], strict=True)]
    for name, rates in curves.items():
        if len(rates) != len(labels):
            raise ValueError(f"curve {name!r} has {len(rates)} values for {len(labels)} bins")
        ax.plot(range(len(labels)), rates, marker="o", label=name)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlabel("input length (characters)")
    ax.set_ylabel("exact match")
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax
