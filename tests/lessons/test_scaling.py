"""Var(q·k) = d_k; unscaled softmax saturates as d_k grows, scaled does not; the explorer redraws."""

import matplotlib
import pytest
import torch

from attn_course.lessons.scaling import dot_product_variance, softmax_jacobian, softmax_saturation, temperature_explorer

matplotlib.use("Agg")

D_KS = [1, 4, 16, 64, 256]


def test_empirical_variance_matches_d_k():
    result = dot_product_variance(D_KS, num_samples=40000, seed=0)
    assert torch.equal(result.theoretical, torch.tensor(D_KS, dtype=torch.float64))
    # Var of a sample variance of q·k: Var(q·k) = d, fourth moment 3d² + 6d -> relative std ~ sqrt(2(1+3/d)/N)
    relative = (result.empirical / result.theoretical - 1).abs()
    assert (relative < 0.05).all(), relative
    assert ((result.scaled - 1).abs() < 0.05).all(), result.scaled


def test_variance_is_seeded():
    a = dot_product_variance([3, 9], num_samples=500, seed=7)
    b = dot_product_variance([3, 9], num_samples=500, seed=7)
    c = dot_product_variance([3, 9], num_samples=500, seed=8)
    assert torch.equal(a.empirical, b.empirical)
    assert not torch.equal(a.empirical, c.empirical)


def test_softmax_jacobian_matches_autograd():
    logits = torch.randn(5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    expected = torch.autograd.functional.jacobian(lambda z: torch.softmax(z, -1), logits)
    torch.testing.assert_close(softmax_jacobian(logits), expected)
    batch = torch.randn(3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    jac = softmax_jacobian(batch)
    assert jac.shape == (3, 4, 4)
    torch.testing.assert_close(jac[1], torch.autograd.functional.jacobian(lambda z: torch.softmax(z, -1), batch[1]))
    # rows of J sum to 0: softmax outputs always sum to 1
    torch.testing.assert_close(jac.sum(-1), torch.zeros(3, 4, dtype=torch.float64))


def test_unscaled_softmax_saturates_as_d_k_grows():
    unscaled = softmax_saturation(D_KS, scaled=False, num_samples=1000)
    assert (unscaled.max_weight.diff() > 0).all(), unscaled.max_weight
    assert (unscaled.jacobian_norm[1:].diff() < 0).all(), unscaled.jacobian_norm
    assert unscaled.max_weight[-1] > 0.9
    assert unscaled.jacobian_norm[-1] < 0.5 * unscaled.jacobian_norm[1]


def test_scaled_softmax_does_not_saturate():
    scaled = softmax_saturation(D_KS, scaled=True, num_samples=1000)
    unscaled = softmax_saturation(D_KS, scaled=False, num_samples=1000)
    # with 1/√d_k the logits have unit variance whatever d_k: the statistics stay in a narrow band
    assert scaled.max_weight.max() - scaled.max_weight.min() < 0.1, scaled.max_weight
    assert scaled.jacobian_norm.min() > 0.5 * scaled.jacobian_norm.max()
    assert scaled.max_weight[-1] < unscaled.max_weight[-1]
    # d_k = 1: scaling changes nothing (same samples, same seed)
    torch.testing.assert_close(scaled.max_weight[0], unscaled.max_weight[0])


@pytest.mark.parametrize(
    ("call", "exc", "msg"),
    [
        (lambda: dot_product_variance([]), TypeError, "d_ks must be a non-empty sequence"),
        (lambda: dot_product_variance([4, 0]), ValueError, "each entry of d_ks must be positive, got 0"),
        (lambda: dot_product_variance([4], num_samples=1), ValueError, "num_samples must be at least 2"),
        (lambda: softmax_saturation([4], scaled="yes"), TypeError, "scaled must be a bool, got str"),
        (lambda: softmax_saturation([4.0], scaled=True), TypeError, "each entry of d_ks must be an int, got float"),
        (lambda: softmax_jacobian([1.0, 2.0]), TypeError, "logits must be a torch.Tensor, got list"),
        (lambda: temperature_explorer(temperatures=[1.0, 0.0]), ValueError,
         r"temperatures\[1\] must be a positive finite number, got 0.0"),
        (lambda: temperature_explorer(temperatures=[]), ValueError, "temperatures must be a non-empty list"),
    ],
)
def test_bad_inputs(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


def test_temperature_explorer_redraws_when_sliders_move(move_slider):
    explorer = temperature_explorer()
    assert len(explorer.frames()) == 15
    # What the figure's title says (T = 1, dₖ), not "1.0" or TeX's d_k.
    assert explorer.display_value("temperature", 1.0) == "1" and explorer.labels["d_k"] == "dₖ"
    assert explorer.summary({"d_k": 8, "temperature": 4.0}) == "dₖ: 8, temperature T: 4"
    box = explorer.widget()
    for name, value in (("d_k", 512), ("temperature", 0.25)):
        before, after = move_slider(box, name, value)
        assert after != before, name


def test_temperature_logits_are_the_explorer_panels():
    from attn_course.lessons.scaling import temperature_logits

    unscaled, scaled = temperature_logits(512, 4.0)
    torch.testing.assert_close(scaled, unscaled / 512**0.5)
    # A prefix of one draw: d_k = 8 uses the first 8 coordinates of the d_k = 512 vectors.
    small, _ = temperature_logits(8, 1.0)
    generator = torch.Generator().manual_seed(0)
    q = torch.randn(512, generator=generator, dtype=torch.float64)
    k = torch.randn(8, 512, generator=generator, dtype=torch.float64)
    torch.testing.assert_close(small, k[:, :8] @ q[:8])
    with pytest.raises(ValueError, match="d_k must be at most largest=512, got 600"):
        temperature_logits(600, 1.0)
    with pytest.raises(ValueError, match="temperature must be a positive finite number"):
        temperature_logits(8, -1.0)
