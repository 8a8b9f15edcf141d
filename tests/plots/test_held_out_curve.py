"""plot_held_out_curve: one line per measured column against the training step, and the marked step."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from attn_course.plots import plot_held_out_curve  # noqa: E402


def test_each_column_is_a_line_against_the_steps_and_the_mark_is_a_vertical_line():
    fig, ax = plt.subplots()
    curve = [[0.1, 0.0], [0.5, 0.2], [0.9, 0.3]]
    assert plot_held_out_curve([10, 20, 30], curve, ["3-4", "5-6"], ax=ax, mark=20, title="t") is fig
    short, long, mark = ax.lines
    np.testing.assert_allclose(short.get_xdata(), [10, 20, 30])
    np.testing.assert_allclose(long.get_ydata(), [0.0, 0.2, 0.3])
    np.testing.assert_allclose(mark.get_xdata(), [20, 20])
    assert [short.get_label(), long.get_label(), mark.get_label()] == ["3-4", "5-6", "converged"]
    assert ax.get_xlabel() == "training step" and ax.get_ylabel() == "exact match" and ax.get_title() == "t"
    with pytest.raises(ValueError, match="one row per step \\(3\\) and one column per label \\(1\\)"):
        plot_held_out_curve([10, 20, 30], curve, ["3-4"], ax=ax)
    plt.close(fig)
    new = plot_held_out_curve([1], [[1.0]], ["all"])  # no ax: a new figure, returned
    assert len(new.axes[0].lines) == 1
    plt.close(new)
