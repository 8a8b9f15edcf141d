"""scene: the synthetic scene is drawn as labelled, and a feature query lights up what it asks for."""

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from attn_course.lessons.scene import (
    COLORS,
    FEATURES,
    KINDS,
    attention_heatmap,
    feature_query,
    make_scene,
    patch_features,
    scene_explorer,
)
from attn_course.plots import plot_scene_attention

INCLUDE = (("red", "circle"), ("red", "square"), ("blue", "circle"))


@pytest.fixture(scope="module")
def scene():
    return make_scene(include=INCLUDE, seed=3)


def test_scene_is_deterministic_per_seed():
    a, b, c = make_scene(seed=1), make_scene(seed=1), make_scene(seed=2)
    assert torch.equal(a.image, b.image) and a.shapes == b.shapes
    assert not torch.equal(a.image, c.image)


def test_scene_draws_what_its_labels_say(scene):
    assert [(s.color, s.kind) for s in scene.shapes[:3]] == list(INCLUDE)
    assert len(scene.shapes) == 8
    for index, (name, rgb) in enumerate(COLORS.items()):
        pixels = scene.image[scene.color_map == index]  # (n, 3)
        torch.testing.assert_close(pixels, torch.tensor(rgb).expand_as(pixels), msg=name)
    assert ((scene.color_map >= 0) == (scene.kind_map >= 0)).all()
    background = scene.image[scene.color_map < 0]
    assert (background > 0.9).all()
    for shape in scene.shapes:  # each centre pixel carries its own labels
        r, c = shape.center
        assert list(COLORS)[int(scene.color_map[r, c])] == shape.color
        assert KINDS[int(scene.kind_map[r, c])] == shape.kind


def test_patch_features_are_pixel_fractions(scene):
    features = patch_features(scene, patch_size=6)  # (16, 16, 7)
    assert features.shape == (16, 16, len(FEATURES))
    assert (features >= 0).all() and (features <= 1).all()
    torch.testing.assert_close(features[..., :4].sum(-1), features[..., 4:].sum(-1))
    patch = scene.color_map[12:18, 30:36]
    expected_red = (patch == list(COLORS).index("red")).float().mean()
    torch.testing.assert_close(features[2, 5, FEATURES.index("red")], expected_red)


def test_feature_query_is_one_hot_over_what_is_asked():
    assert feature_query("red", None).tolist() == [1.0, 0, 0, 0, 0, 0, 0]
    assert feature_query("blue", "triangle").tolist() == [0, 0, 1.0, 0, 0, 0, 1.0]
    assert feature_query(None, None).sum() == 0


def _mass_on(weights, scene, color, kind, patch_size=6):
    """Total weight on patches that contain a pixel of a (color, kind) shape."""
    n = weights.shape[0]
    hit = (scene.color_map == list(COLORS).index(color)) & (scene.kind_map == KINDS.index(kind))
    hit = hit.reshape(n, patch_size, n, patch_size).any(dim=3).any(dim=1)  # (n, n)
    return float(weights[hit].sum())


def test_heatmap_lights_up_the_queried_object(scene):
    weights = attention_heatmap(scene, "red", "circle")
    assert weights.shape == (16, 16)
    torch.testing.assert_close(weights.sum(), torch.tensor(1.0))
    row, col = np.unravel_index(int(weights.argmax()), (16, 16))
    block = (slice(6 * row, 6 * row + 6), slice(6 * col, 6 * col + 6))
    assert (scene.color_map[block] == 0).any() and (scene.kind_map[block] == 0).any()
    target = _mass_on(weights, scene, "red", "circle")
    partial_red = _mass_on(weights, scene, "red", "square")
    partial_circle = _mass_on(weights, scene, "blue", "circle")
    assert target > 0.5
    assert target > partial_red and target > partial_circle
    assert partial_red > 1e-3 and partial_circle > 1e-3  # half matches still get some weight


def test_lower_temperature_concentrates_the_weights(scene):
    sharp = attention_heatmap(scene, "red", "circle", temperature=0.1)
    soft = attention_heatmap(scene, "red", "circle", temperature=2.0)
    assert sharp.max() > soft.max()
    assert _mass_on(sharp, scene, "red", "circle") > _mass_on(soft, scene, "red", "circle")


def test_spotlight_keeps_the_top_patch_and_dims_the_rest(scene):
    weights = torch.zeros(16, 16)
    weights[0, 0] = 1.0
    fig, ax = plt.subplots()
    assert plot_scene_attention(scene, weights, ax=ax, floor=0.25) is fig  # the convention: the Figure
    shown = ax.images[0].get_array()
    np.testing.assert_allclose(shown[:6, :6], scene.image[:6, :6].numpy(), rtol=1e-6)
    np.testing.assert_allclose(shown[50:, 50:], 0.25 * scene.image[50:, 50:].numpy(), rtol=1e-5)
    assert len(ax.patches) == 1  # the glimpse box
    plt.close(fig)


def test_explorer_redraws_when_the_query_changes(scene, move_slider):
    explorer = scene_explorer(scene)
    assert len(explorer.frames()) == 12
    assert explorer.kinds == {"color": "buttons", "kind": "buttons", "temperature": "slider"}  # categories: buttons
    top = float(attention_heatmap(scene, "blue", "square", temperature=0.25).max())
    assert explorer.alt_text({"color": "blue", "kind": "square"}).endswith(f"the top patch weight is {top:.2f}.")
    box = explorer.widget()
    for name, value in (("color", "blue"), ("kind", "square"), ("temperature", 2.0)):
        before, after = move_slider(box, name, value)
        assert after != before, name


@pytest.mark.parametrize(
    ("call", "msg"),
    [
        (lambda s: make_scene(size=50, grid=4), "size must be a multiple of grid"),
        (lambda s: make_scene(num_shapes=17, grid=4), r"num_shapes <= grid\*\*2"),
        (lambda s: make_scene(include=(("purple", "circle"),)), r"include colour must be one of \['red'"),
        (lambda s: patch_features(s, patch_size=7), "patch_size must divide the scene size 96, got 7"),
        (lambda s: attention_heatmap(s, "red", "hexagon"), "kind must be one of"),
        (lambda s: attention_heatmap(s, "red", "circle", temperature=0), "temperature must be a positive"),
        (lambda s: plot_scene_attention(s, torch.ones(5, 5), ax=None), r"square \(n, n\) grid with n dividing 96"),
    ],
)
def test_bad_inputs(scene, call, msg):
    with pytest.raises(ValueError, match=msg):
        call(scene)
