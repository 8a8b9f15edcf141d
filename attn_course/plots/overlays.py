"""Overlays: attention weights drawn over the input they weigh (words, image patches, audio frames, a scene).

Every function follows the package's convention (:mod:`attn_course.plots._axes`):
data first, keyword ``ax=None``, the ``Figure`` returned. Word and patch overlays take a fixed
colour scale (``vmax``) so that compared panels agree; :func:`~attn_course.plots.shared_colorbar`
then draws that scale once for all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from torch.nn import functional as F

from ._axes import axes_or_new

if TYPE_CHECKING:
    from ..lessons.scene import Scene


def _vector(name: str, values: torch.Tensor, length: int | None = None) -> torch.Tensor:
    if not isinstance(values, torch.Tensor) or values.dim() != 1:
        raise ValueError(f"{name} must be a 1-D tensor, got {getattr(values, 'shape', type(values).__name__)}")
    if length is not None and len(values) != length:
        raise ValueError(f"{name} must have {length} entries, got shape {tuple(values.shape)}")
    return values.detach().float().cpu()


def plot_word_weights(words: Sequence[str], weights: torch.Tensor, *, ax: Axes | None = None,
                      title: str | None = None, cmap: str = "Oranges") -> Figure:
    """Write ``words`` in a row, each highlighted by its attention weight (0 = white, 1 = darkest).

    The colour scale is absolute, so a row whose weight is spread thinly looks pale.
    """
    w = _vector("weights", weights, len(words))
    ax = axes_or_new(ax, (6.0, 0.6))
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
    return ax.figure


def plot_patch_attention(image: torch.Tensor, attention_map: torch.Tensor, *, ax: Axes | None = None,
                         title: str | None = None, alpha: float = 0.55, vmax: float | None = None,
                         cmap: str = "inferno") -> Figure:
    """Show a (H, W) grayscale image with a (g, g) patch-attention map upsampled over it.

    The map's colour runs from 0 to ``vmax`` (default: its own maximum); pass one ``vmax`` to
    compared panels and draw it once with :func:`~attn_course.plots.shared_colorbar`.
    """
    if not isinstance(image, torch.Tensor) or image.dim() != 2:
        raise ValueError(f"image must be a 2-D tensor (H, W), got {getattr(image, 'shape', type(image).__name__)}")
    if not isinstance(attention_map, torch.Tensor) or attention_map.dim() != 2:
        raise ValueError(f"attention_map must be 2-D (g, g), got {getattr(attention_map, 'shape', None)}")
    ax = axes_or_new(ax, (2.5, 2.5))
    size = image.shape[-2:]
    heat = F.interpolate(attention_map[None, None].float(), size=tuple(size), mode="nearest")[0, 0]  # (H, W)
    ax.imshow(image.detach().cpu().numpy(), cmap="gray")
    top = max(float(heat.max()), 1e-12) if vmax is None else float(vmax)
    if not top > 0:
        raise ValueError(f"vmax must be a positive number, got {vmax!r}")
    ax.imshow(heat.detach().cpu().numpy(), cmap=cmap, alpha=alpha, vmin=0.0, vmax=top)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return ax.figure


def plot_spectrogram_attention(frames: torch.Tensor, weights: torch.Tensor, *, span: tuple[int, int] | None = None,
                               ax: Axes | None = None, title: str | None = None,
                               weight_max: float | None = None, legend: bool = True) -> Figure:
    """A (T, n_bins) spectrogram with the (T,) attention weights over time drawn on top.

    The weight curve has its own axis on the right, in weight units from 0 to ``weight_max``
    (default: the largest weight; pass one value to compared panels). ``span=(first, last)``
    frames marks where the keyword really is (dashed lines).
    """
    if not isinstance(frames, torch.Tensor) or frames.dim() != 2:
        raise ValueError(f"frames must be 2-D (T, n_bins), got {getattr(frames, 'shape', type(frames).__name__)}")
    w = _vector("weights", weights, frames.shape[0])
    n_frames, n_bins = frames.shape
    ax = axes_or_new(ax, (4.0, 2.5))
    ax.imshow(frames.detach().cpu().T.numpy(), origin="lower", aspect="auto", cmap="magma")
    ax.set_xlabel("frame (time)")
    ax.set_ylabel("frequency bin")
    top = max(float(w.max()), 1e-12) if weight_max is None else float(weight_max)
    if not top > 0:
        raise ValueError(f"weight_max must be a positive number, got {weight_max!r}")
    curve_ax = ax.twinx()  # the weights in their own units, on the right
    handles = curve_ax.plot(range(n_frames), w.numpy(), color="cyan", linewidth=2, label="attention weight")
    curve_ax.set_ylim(0, top * 1.05)
    curve_ax.set_ylabel("attention weight")
    if span is not None and span[0] >= 0:
        for edge in (span[0] - 0.5, span[1] + 0.5):
            line = ax.axvline(edge, color="white", linestyle="--", linewidth=1, label="keyword")
        handles.append(line)
    if legend:
        curve_ax.legend(handles=handles, loc="upper right", fontsize=8, framealpha=0.6)
    if title:
        ax.set_title(title, fontsize=10)
    return ax.figure


def plot_scene_attention(
    scene: Scene, weights: torch.Tensor | None = None, *, ax: Axes | None = None, floor: float = 0.25,
    glimpse: bool = True,
) -> Figure:
    """Draw the scene lit by a spotlight: each patch's brightness follows its attention weight.

    A patch with the largest weight is shown as is; a patch with weight 0 is
    dimmed to ``floor`` of its brightness (linear in between). ``glimpse=True``
    outlines the most attended patch. ``weights=None`` draws the plain scene.

    Args:
        weights: (n, n) attention over the patches, n dividing the scene size.

    Returns:
        the figure drawn on.
    """
    size = scene.size
    shown = scene.image  # (H, W, 3)
    if weights is not None:
        if weights.dim() != 2 or weights.shape[0] != weights.shape[1] or size % weights.shape[0] != 0:
            raise ValueError(
                f"weights must be a square (n, n) grid with n dividing {size}, got shape {tuple(weights.shape)}"
            )
        if not 0.0 <= floor <= 1.0:
            raise ValueError(f"floor must be in [0, 1], got {floor}")
        p = size // weights.shape[0]
        relative = weights / weights.max().clamp_min(1e-12)  # (n, n) in [0, 1]
        light = relative.repeat_interleave(p, 0).repeat_interleave(p, 1)  # (H, W)
        shown = shown * (floor + (1.0 - floor) * light)[..., None]  # (H, W, 3)
    ax = axes_or_new(ax, (3.0, 3.0))
    ax.imshow(shown.numpy(), extent=(0, size, size, 0), interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if weights is not None and glimpse:
        row, col = divmod(int(weights.argmax()), weights.shape[1])
        ax.add_patch(Rectangle((col * p, row * p), p, p, fill=False, edgecolor="cyan", linewidth=2))
    return ax.figure
