"""Plots and explorers for the chapters; this subpackage imports matplotlib, the library does not.

One convention (:mod:`._axes`): data first, keyword ``ax=None``, the ``Figure`` returned.

- :mod:`.heatmaps`: weight matrices and masks as grids, and score surfaces over a plane of keys;
- :mod:`.overlays`: weights drawn over the input they weigh (words, patches, frames, a scene);
- :mod:`.curves`: measured quantities against a size;
- :mod:`.bars`: a distribution over tokens, most likely first;
- :func:`shared_colorbar`: one colourbar for compared panels drawn on one scale;
- :mod:`.style`: :func:`use_book_style` and :data:`COLUMN_WIDTH`, figures drawn for the book's text column;
  :data:`QKV_COLOURS`, the one colour each of queries, keys and values;
- :mod:`.explorer`: :class:`Explorer`, a figure driven by sliders, live in Jupyter and kernel-free in the book.
"""

from ._axes import shared_colorbar
from .bars import plot_token_probs
from .curves import plot_accuracy_by_length, plot_held_out_curve, plot_table1
from .explorer import Explorer
from .heatmaps import plot_attention, plot_attention_panels, plot_mask, plot_score_surface
from .overlays import plot_patch_attention, plot_scene_attention, plot_spectrogram_attention, plot_word_weights
from .style import COLUMN_WIDTH, QKV_COLOURS, use_book_style

__all__ = [
    "COLUMN_WIDTH",
    "Explorer",
    "QKV_COLOURS",
    "plot_accuracy_by_length",
    "plot_attention",
    "plot_attention_panels",
    "plot_held_out_curve",
    "plot_mask",
    "plot_patch_attention",
    "plot_scene_attention",
    "plot_score_surface",
    "plot_spectrogram_attention",
    "plot_table1",
    "plot_token_probs",
    "plot_word_weights",
    "shared_colorbar",
    "use_book_style",
]
