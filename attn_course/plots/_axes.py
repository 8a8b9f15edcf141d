"""The one plotting convention of :mod:`attn_course.plots`.

Every ``plot_*`` function takes its data first, then keyword options, among
them ``ax=None``: it draws on the ``Axes`` it is given or, without one, on a
new figure, and returns the ``Figure`` it drew on. None calls ``plt.show()``:
the notebook decides when to show.
"""

from __future__ import annotations

from matplotlib.axes import Axes


def axes_or_new(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax`` itself, or the axes of a new pyplot figure of ``figsize`` inches (shown inline in Jupyter)."""
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
        return ax
    import matplotlib.pyplot as plt  # only when a new figure is needed

    return plt.subplots(figsize=figsize, layout="constrained")[1]
