"""plot_score_surface: draws the scores it is given over the key plane, on a scale symmetric about 0."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from attn_course.plots import QKV_COLOURS, plot_score_surface  # noqa: E402


def test_draws_the_surface_query_and_keys():
    xs, ys = torch.linspace(-1, 2, 4), torch.linspace(0, 1, 3)
    scores = torch.arange(12.0).reshape(3, 4) - 3.0  # from -3 to 8
    fig, ax = plt.subplots()
    assert plot_score_surface(scores, xs, ys, query=torch.tensor([0.0, 0.5]), keys=torch.tensor([[1.0, 1.0]]),
                              key_labels=["k"], ax=ax, title="t") is fig
    image = ax.images[0]
    np.testing.assert_allclose(image.get_array(), scores.numpy())
    assert image.get_extent() == [-1.0, 2.0, 0.0, 1.0]
    assert image.get_clim() == (-8.0, 8.0)  # symmetric about 0: white means a score of 0
    assert image.origin == "lower"
    assert [t.get_text() for t in ax.texts] == ["k"]
    assert len(ax.collections) == 2  # the keys and the query star
    keys, star = ax.collections  # in the course's key and query colours (QKV_COLOURS), as in diagrams and equations
    assert to_hex(keys.get_facecolor()[0]) == QKV_COLOURS["key"].lower()
    assert to_hex(star.get_facecolor()[0]) == QKV_COLOURS["query"].lower()
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title() == "t"
    assert len(fig.axes) == 2  # and a colour bar
    plt.close(fig)


def test_bad_inputs():
    scores = torch.zeros(3, 4)
    with pytest.raises(ValueError, match=r"xs must be a 1-D tensor of 4 coordinates to match scores of shape"):
        plot_score_surface(scores, torch.zeros(3), torch.zeros(3))
    with pytest.raises(ValueError, match=r"ys must be a 1-D tensor of 3 coordinates"):
        plot_score_surface(scores, torch.zeros(4), [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match="key_labels has 2 names for 1 keys"):
        plot_score_surface(scores, torch.zeros(4), torch.zeros(3), keys=torch.zeros(1, 2), key_labels=["a", "b"])
    with pytest.raises(ValueError, match=r"scores must be 2-D \(len\(ys\), len\(xs\)\), got shape \(4,\)"):
        plot_score_surface(torch.zeros(4), torch.zeros(4), torch.zeros(3))
    new = plot_score_surface(scores, torch.arange(4.0), torch.arange(3.0), colorbar=False)  # no ax: a new figure
    assert len(new.axes) == 1
    plt.close(new)
