"""Curves: measured quantities against a size, for comparing models or layer types.

These functions follow the package's convention (:mod:`attn_course.plots._axes`):
data first, keyword ``ax=None``, the ``Figure`` returned.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import axes_or_new


def plot_accuracy_by_length(bins: Sequence[int], curves: dict[str, Sequence[float]], *, ax: Axes | None = None,
                            title: str | None = None, unit: str = "characters") -> Figure:
    """Exact-match rate per input-length bin, one line per model; ``unit`` names what the length counts."""
    ax = axes_or_new(ax, (5.0, 3.0))
    labels = [f"{low}-{high - 1}" for low, high in zip(bins[:-1], bins[1:], strict=True)]
    for name, rates in curves.items():
        if len(rates) != len(labels):
            raise ValueError(f"curve {name!r} has {len(rates)} values for {len(labels)} bins")
        ax.plot(range(len(labels)), rates, marker="o", label=name)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_xlabel(f"input length ({unit})")
    ax.set_ylabel("exact match")
    ax.set_ylim(-0.02, 1.02)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax.figure


def plot_table1(results: dict[str, dict[str, object]], ns: Sequence[int] = (16, 32, 64, 128), *,
                ax: Sequence[Axes] | None = None) -> Figure:
    """Three log-log panels against n: multiply-adds, sequential operations, path length.

    ``results`` is :func:`attn_course.lessons.complexity.measure_table1`'s; ``ax`` takes three axes
    (default: a new 2 x 2 ``Figure`` for the text column, the fourth cell holding the legend).
    """
    legend_ax = None
    if ax is None:  # a figure outside pyplot: it shows where the notebook displays it
        grid = Figure(figsize=(6.8, 5.4), layout="constrained").subplots(2, 2)
        axes, legend_ax = [grid[0, 0], grid[0, 1], grid[1, 0]], grid[1, 1]
    elif len(ax) != 3:
        raise ValueError(f"ax must hold 3 axes, got {len(ax)}")
    else:
        axes = list(ax)
    panels = [("macs_n", "complexity", "multiply-adds per layer"),
              ("depth", "sequential operations", "autograd depth (operations)"),
              ("path", "maximum path length", "layers (or steps) from x₀ to y₍ₙ₋₁₎")]
    for ax, (key, title, ylabel) in zip(axes, panels, strict=True):
        for i, (kind, row) in enumerate(results.items()):  # distinct styles: some curves coincide
            ax.plot(ns, row[key], marker="os^vD"[i % 5], linestyle=["-", "-", "-", "--", ":"][i % 5],
                    markersize=7 - i, label=kind)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log", base=2)
        ax.set_xticks(list(ns), [str(n) for n in ns])
        ax.set_xlabel("sequence length n")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
    if legend_ax is not None:
        legend_ax.axis("off")
        legend_ax.legend(*axes[0].get_legend_handles_labels(), loc="center", title="layer type")
    else:
        axes[0].legend(fontsize=8)
    return axes[0].figure


def plot_held_out_curve(steps: Sequence[int], curve: Sequence[Sequence[float]], labels: Sequence[str], *,
                        ax: Axes | None = None, title: str | None = None, mark: int | None = None,
                        mark_label: str = "converged") -> Figure:
    """Held-out measurements during training, one line per column of ``curve`` (one row per step in ``steps``).

    ``labels`` names the columns (e.g. input-length bins); ``mark`` draws a dashed vertical line at that step.
    """
    if len(steps) != len(curve) or any(len(row) != len(labels) for row in curve):
        raise ValueError(f"curve must have one row per step ({len(steps)}) and one column per label "
                         f"({len(labels)}), got {[len(row) for row in curve]}")
    ax = axes_or_new(ax, (5.0, 3.0))
    for i, label in enumerate(labels):
        ax.plot(steps, [row[i] for row in curve], label=label)
    if mark is not None:
        ax.axvline(mark, color="0.3", linestyle="--", linewidth=1, label=mark_label)
    ax.set_xlabel("training step")
    ax.set_ylabel("exact match")
    ax.set_ylim(-0.02, 1.02)
    if title:
        ax.set_title(title)
    return ax.figure
