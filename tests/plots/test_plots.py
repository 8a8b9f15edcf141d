"""Plot functions: each draws what it is given on the Axes it is given (or a new Figure) and returns the Figure."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from attn_course import causal_mask  # noqa: E402
from attn_course.plots import (  # noqa: E402
    plot_accuracy_by_length,
    plot_attention,
    plot_attention_panels,
    plot_mask,
    plot_patch_attention,
    plot_spectrogram_attention,
    plot_word_weights,
)


def test_plot_attention_and_mask_draw_what_they_are_given():
    weights = torch.tensor([[0.2, 0.8], [1.0, 0.0]])
    fig = plot_attention(weights, queries=["a", "b"], keys=["x", "y"], annotate=True)
    image = fig.axes[0].images[0]  # the convention: the Figure is returned; axes[1] is the colourbar
    np.testing.assert_allclose(image.get_array(), weights.numpy())
    assert [t.get_text() for t in image.axes.texts] == ["0.20", "0.80", "1.00", "0.00"]
    fig = plot_mask(causal_mask(3))
    image = fig.axes[0].images[0]
    np.testing.assert_array_equal(image.get_array(), np.tril(np.ones((3, 3))))
    with pytest.raises(ValueError, match=r"weights must be 2-D \(L_q, L_k\), got shape \(2,\)"):
        plot_attention(torch.ones(2))


def test_application_plots_draw_and_validate():
    fig, axes = plt.subplots(1, 4)
    assert plot_word_weights(["not", "good"], torch.tensor([0.4, 0.6]), ax=axes[0]) is fig
    assert len(axes[0].texts) == 2
    assert plot_patch_attention(torch.rand(12, 12), torch.rand(3, 3), ax=axes[1]) is fig
    assert len(axes[1].images) == 2
    weights = torch.rand(10)
    assert plot_spectrogram_attention(torch.rand(10, 5), weights, span=(2, 4), ax=axes[2]) is fig
    assert len(axes[2].lines) == 2  # the two span edges on the spectrogram
    curve_ax = next(a for a in fig.axes if a is not axes[2] and a.bbox.bounds == axes[2].bbox.bounds)
    np.testing.assert_allclose(curve_ax.lines[0].get_ydata(), weights.numpy())  # in weight units, not bins
    assert curve_ax.get_ylabel() == "attention weight"
    assert [t.get_text() for t in curve_ax.get_legend().get_texts()] == ["attention weight", "keyword"]
    assert plot_accuracy_by_length([0, 5, 10], {"a": [1.0, 0.5], "b": [0.2, 0.1]}, ax=axes[3]) is fig
    assert len(axes[3].lines) == 2
    assert axes[3].get_xlabel() == "input length (characters)"
    assert [t.get_text() for t in axes[3].get_xticklabels()] == ["0-4", "5-9"]
    plot_accuracy_by_length([3, 5], {"a": [1.0]}, ax=axes[3], unit="code words")
    assert axes[3].get_xlabel() == "input length (code words)"
    with pytest.raises(ValueError, match="weights must have 2 entries"):
        plot_word_weights(["a", "b"], torch.rand(3), ax=axes[0])
    with pytest.raises(ValueError, match="curve 'a' has 1 values for 2 bins"):
        plot_accuracy_by_length([0, 5, 10], {"a": [1.0]}, ax=axes[3])
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None, got str"):
        plot_word_weights(["a"], torch.rand(1), ax="axes")
    new = plot_word_weights(["a"], torch.rand(1))  # no ax: a new figure, returned
    assert new is not fig and len(new.axes[0].texts) == 1
    plt.close(new)
    plt.close(fig)


def test_plot_attention_scale_starts_at_zero_or_the_smallest_score():
    fig = plot_attention(torch.tensor([[0.2, 0.4]]))
    assert fig.axes[0].images[0].get_clim() == pytest.approx((0.0, 0.4))
    assert fig.axes[1].get_ylabel() == "attention weight"  # the colourbar says what it measures
    fig = plot_attention(torch.tensor([[-1.5, 2.0]]), label="score")
    assert fig.axes[0].images[0].get_clim() == pytest.approx((-1.5, 2.0))
    assert fig.axes[1].get_ylabel() == "score"
    with pytest.raises(ValueError, match="vmax must be larger than vmin"):
        plot_attention(torch.ones(2, 2), vmin=1.0, vmax=1.0)
    plt.close("all")


def test_compared_panels_share_one_scale_and_one_colourbar():
    sharp, flat = torch.tensor([[0.9, 0.1], [0.2, 0.8]]), torch.full((2, 3), 1 / 3)
    fig = plot_attention_panels([sharp, flat], titles=["sharp", "flat"], keys=[["a", "b"], None], ncols=1)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 2
    assert all(image.get_clim() == pytest.approx((0.0, 0.9)) for image in images)  # not 1/3 for the flat one
    colourbars = [ax for ax in fig.axes if not ax.images and ax.get_ylabel() == "attention weight"]
    assert len(colourbars) == 1 and len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes[:2]] == ["sharp", "flat"]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["a", "b"]
    _, own = plt.subplots(1, 2)
    assert plot_attention_panels([sharp, flat], axes=list(own)) is own[0].figure
    with pytest.raises(ValueError, match=r"titles must have one entry per panel \(2\), got 1"):
        plot_attention_panels([sharp, flat], titles=["one"])
    with pytest.raises(TypeError, match="panels must be a non-empty sequence"):
        plot_attention_panels(sharp)
    with pytest.raises(ValueError, match=r"panels\[1\] must be 2-D"):
        plot_attention_panels([sharp, torch.ones(3)])
    plt.close("all")


def test_overlays_take_a_shared_scale_and_one_colourbar():
    from attn_course.plots import shared_colorbar

    fig, axes = plt.subplots(1, 2)
    maps = [torch.tensor([[0.1, 0.2], [0.3, 0.4]]), torch.tensor([[0.05, 0.05], [0.05, 0.85]])]
    for ax, attention_map in zip(axes, maps, strict=True):
        plot_patch_attention(torch.rand(4, 4), attention_map, ax=ax, vmax=0.85)
    assert all(ax.images[1].get_clim() == pytest.approx((0.0, 0.85)) for ax in axes)
    bar = shared_colorbar(list(axes), vmax=0.85, cmap="inferno", label="[CLS] weight")
    assert bar.ax.get_ylabel() == "[CLS] weight" and bar.norm.vmax == pytest.approx(0.85)
    assert len(fig.axes) == 3  # two panels, one colourbar
    with pytest.raises(ValueError, match="vmax must be larger than vmin"):
        shared_colorbar(axes[0], vmin=1.0, vmax=1.0)
    with pytest.raises(TypeError, match="axes must be a matplotlib Axes"):
        shared_colorbar([])
    with pytest.raises(ValueError, match="vmax must be a positive number"):
        plot_patch_attention(torch.rand(4, 4), maps[0], ax=axes[0], vmax=0.0)
    plt.close("all")


def test_book_style_draws_for_the_column():
    from attn_course.plots import COLUMN_WIDTH, use_book_style
    from attn_course.plots.style import MIN_FONT_PT, SCREEN_DPI

    use_book_style()
    assert matplotlib.rcParams["figure.dpi"] == SCREEN_DPI
    assert COLUMN_WIDTH * SCREEN_DPI <= 688  # the text column at 1280 px
    assert MIN_FONT_PT * SCREEN_DPI / 72 >= 11  # the smallest text is >= 11 px on screen
    sizes = [matplotlib.rcParams[k] for k in ("xtick.labelsize", "ytick.labelsize", "legend.fontsize")]
    assert all(size >= MIN_FONT_PT for size in sizes)


def test_plot_table1_labels_every_axis_and_keeps_a_legend():
    from attn_course.plots import plot_table1

    ns = (16, 32)
    results = {kind: {"macs_n": [1, 4], "depth": [3, 3], "path": [1, 1]} for kind in ("self-attention", "recurrent")}
    fig = plot_table1(results, ns)
    panels = [ax for ax in fig.axes if ax.lines]
    assert len(panels) == 3 and all(ax.get_ylabel() and ax.get_xlabel() == "sequence length n" for ax in panels)
    assert [t.get_text() for t in panels[0].get_xticklabels()] == ["16", "32"]
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert len(legends) == 1 and [t.get_text() for t in legends[0].get_texts()] == ["self-attention", "recurrent"]
    with pytest.raises(ValueError, match="ax must hold 3 axes, got 2"):
        plot_table1(results, ns, ax=list(plt.subplots(1, 2)[1]))
    plt.close("all")
