"""rnn_limits: the RNN's gradient vanishes with distance, one attention layer's does not."""

import pytest
import torch

from attn_course.lessons.rnn_limits import (
    attention_gradient_by_distance,
    make_rnn_weights,
    rnn_gradient_by_distance,
    time_rnn_vs_attention,
    vanilla_rnn,
)


def test_vanilla_rnn_matches_torch_nn_rnn():
    weights = make_rnn_weights(3, 5, recurrent_scale=0.9, seed=1)
    inputs = torch.randn(7, 3, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    reference = torch.nn.RNN(3, 5, nonlinearity="tanh", dtype=torch.float64)
    with torch.no_grad():
        reference.weight_ih_l0.copy_(weights.w_xh.T)
        reference.weight_hh_l0.copy_(weights.w_hh.T)
        reference.bias_ih_l0.copy_(weights.bias)
        reference.bias_hh_l0.zero_()
    expected, _ = reference(inputs)
    torch.testing.assert_close(vanilla_rnn(inputs, weights), expected)


def test_vanilla_rnn_gradcheck():
    weights = make_rnn_weights(2, 3, seed=0)
    inputs = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: vanilla_rnn(x, weights), (inputs,))


def test_recurrent_scale_sets_the_spectral_radius():
    weights = make_rnn_weights(4, 256, recurrent_scale=0.7, seed=0)
    radius = torch.linalg.eigvals(weights.w_hh).abs().max().item()
    assert 0.6 < radius < 0.8


def test_rnn_gradient_vanishes_with_distance():
    norms = rnn_gradient_by_distance(32, recurrent_scale=1.0)
    assert norms.shape == (32,)
    assert norms[30] < 1e-3 * norms[1]
    # the decay is (almost) monotone: every 4 steps further, smaller
    assert (norms[4::4] < norms[:-4:4]).all()
    # smaller recurrent weights vanish faster
    assert rnn_gradient_by_distance(32, recurrent_scale=0.5)[16] < norms[16]


def test_distance_zero_is_the_last_input():
    weights = make_rnn_weights(8, 32, seed=0)
    inputs = torch.randn(6, 8, generator=torch.Generator().manual_seed(10_000), dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda x: vanilla_rnn(x, weights)[-1], inputs)  # (H, L, d)
    norms = rnn_gradient_by_distance(6, seeds=(0,))
    torch.testing.assert_close(norms[0], jac[:, -1].norm())
    torch.testing.assert_close(norms[5], jac[:, 0].norm())


def test_attention_gradient_does_not_decay_with_distance():
    norms = attention_gradient_by_distance(32, seeds=tuple(range(8)))
    assert norms.shape == (32,)
    near, far = norms[1:16].mean(), norms[16:].mean()
    assert 0.5 < float(far / near) < 2.0
    assert norms[31] > 0.2 * norms[1]
    assert (norms > 0).all()


def test_timings_are_returned_not_printed(capsys):
    timings = time_rnn_vs_attention([4, 8], d_model=8, batch=2, repeats=2)
    assert timings.lengths == [4, 8]
    assert len(timings.rnn_seconds) == len(timings.attention_seconds) == 2
    assert all(t > 0 for t in timings.rnn_seconds + timings.attention_seconds)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("call", "error", "msg"),
    [
        (lambda: rnn_gradient_by_distance(1), ValueError, "seq_len must be at least 2"),
        (lambda: rnn_gradient_by_distance(8, seeds=()), ValueError, "seeds must contain"),
        (lambda: attention_gradient_by_distance(8, d_model=0), ValueError, "d_model must be positive"),
        (lambda: make_rnn_weights(2, 3, recurrent_scale=-1.0), ValueError, "recurrent_scale must be a positive"),
        (lambda: make_rnn_weights(2.0, 3), TypeError, "input_size must be an int"),
        (lambda: vanilla_rnn(torch.zeros(5, 4), make_rnn_weights(3, 2)), ValueError,
         r"inputs must have shape \(L, input_size=3\), got \(5, 4\)"),
        (lambda: time_rnn_vs_attention([]), ValueError, "lengths must contain"),
        (lambda: time_rnn_vs_attention([8, 0]), ValueError, r"lengths\[i\] must be positive"),
    ],
)
def test_bad_inputs(call, error, msg):
    with pytest.raises(error, match=msg):
        call()
