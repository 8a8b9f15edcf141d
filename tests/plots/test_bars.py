"""plot_token_probs: the most likely tokens first, zero-probability tokens left out, labels made visible."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from attn_course.plots import plot_token_probs  # noqa: E402
from attn_course.plots.bars import visible  # noqa: E402


def test_bars_are_sorted_and_skip_removed_tokens():
    probs = torch.tensor([0.1, 0.0, 0.6, 0.3])
    fig, ax = plt.subplots()
    assert plot_token_probs(probs, ["a", " ", "\n", "b"], top=3, ax=ax, title="t") is fig
    heights = [patch.get_height() for patch in ax.patches]
    assert heights == pytest.approx([0.6, 0.3, 0.1])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["↵", "b", "a"]
    assert ax.get_ylabel() == "probability" and ax.get_ylim() == (0, 1)
    plt.close(fig)


def test_visible_and_bad_inputs():
    assert visible("a b\n\t") == "a␣b↵⇥"
    with pytest.raises(ValueError, match="labels must name each of the 2 tokens"):
        plot_token_probs(torch.tensor([0.5, 0.5]), ["a"])
    with pytest.raises(ValueError, match="probs must be a 1-D tensor"):
        plot_token_probs(torch.ones(2, 2), ["a", "b"])
