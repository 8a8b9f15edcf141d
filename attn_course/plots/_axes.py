"""The one plotting convention of :mod:`attn_course.plots`.

Every ``plot_*`` function takes its data first, then keyword options, among
them ``ax=None``: it draws on the ``Axes`` it is given or, without one, on a
new figure, and returns the ``Figure`` it drew on. None calls ``plt.show()``:
the notebook decides when to show.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.colorbar import Colorbar


def axes_or_new(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax`` itself, or the axes of a new pyplot figure of ``figsize`` inches (shown inline in Jupyter)."""
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
        return ax
    import matplotlib.pyplot as plt  # only when a new figure is needed

    return plt.subplots(figsize=figsize, layout="constrained")[1]


def shared_colorbar(
    axes: Axes | Sequence[Axes], *, vmin: float = 0.0, vmax: float = 1.0, cmap: str = "viridis",
    label: str = "attention weight",
) -> Colorbar:
    """One colourbar for panels drawn on the same ``vmin``..``vmax`` scale with ``cmap``.

    For overlays (words, patches, curves), which have no image of their own to attach a
    colourbar to: it is built from a ScalarMappable, so it shows exactly the scale the caller used.
    """
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    axes_list = [axes] if isinstance(axes, Axes) else list(axes)
    if not axes_list or not all(isinstance(ax, Axes) for ax in axes_list):
        raise TypeError("axes must be a matplotlib Axes or a non-empty sequence of them")
    if not vmax > vmin:
        raise ValueError(f"vmax must be larger than vmin, got vmin={vmin!r}, vmax={vmax!r}")
    mappable = ScalarMappable(norm=Normalize(vmin=vmin, vmax=vmax), cmap=cmap)
    return axes_list[0].figure.colorbar(mappable, ax=axes_list, fraction=0.046, pad=0.02, label=label)
