"""Masks (True = may attend): causal, padding and sliding-window; bad inputs."""

import pytest
import torch

from attn_course import causal_mask, padding_mask, sliding_window_mask


def test_causal_mask():
    m = causal_mask(4)
    assert m.dtype == torch.bool and m.shape == (4, 4)
    assert m.tolist() == [
        [True, False, False, False],
        [True, True, False, False],
        [True, True, True, False],
        [True, True, True, True],
    ]


def test_padding_mask_shapes_and_values():
    m = padding_mask(torch.tensor([1, 3, 0]), 4)
    assert m.shape == (3, 1, 4) and m.dtype == torch.bool
    assert m[:, 0].tolist() == [
        [True, False, False, False],
        [True, True, True, False],
        [False, False, False, False],
    ]
    assert padding_mask([2, 5]).shape == (2, 1, 5)


@pytest.mark.parametrize(
    ("lengths", "max_len", "exc", "msg"),
    [
        ([3, 9], 4, ValueError, "must not exceed max_len=4"),
        ([-1], 4, ValueError, "non-negative"),
        (torch.tensor([1.5]), 4, TypeError, "lengths must be a 1-D integer tensor"),
        ("abc", 4, TypeError, "lengths must be"),
        ([], 4, ValueError, "empty"),
        ([1], 0, ValueError, "max_len must be positive"),
    ],
)
def test_padding_mask_bad_input(lengths, max_len, exc, msg):
    with pytest.raises(exc, match=msg):
        padding_mask(lengths, max_len)


@pytest.mark.parametrize(("n", "exc"), [(0, ValueError), (2.0, TypeError), (True, TypeError)])
def test_causal_mask_bad_input(n, exc):
    with pytest.raises(exc, match="n must"):
        causal_mask(n)


def test_sliding_window_mask_is_a_band():
    mask = sliding_window_mask(6, 1)
    assert mask.shape == (6, 6) and mask.dtype == torch.bool
    assert mask.sum().item() == 6 + 2 * 5  # the diagonal and one neighbour on each side
    assert torch.equal(sliding_window_mask(6, 1, causal=True), mask & causal_mask(6))
    assert torch.equal(sliding_window_mask(4, 10), torch.ones(4, 4, dtype=torch.bool))
    assert torch.equal(sliding_window_mask(3, 0), torch.eye(3, dtype=torch.bool))


@pytest.mark.parametrize(
    ("args", "exc", "msg"),
    [((5, -1), ValueError, "window must be >= 0, got -1"), ((5, 1.5), TypeError, "window must be an int, got float"),
     ((0, 1), ValueError, "n must be positive, got 0")],
)
def test_sliding_window_mask_bad_inputs(args, exc, msg):
    with pytest.raises(exc, match=msg):
        sliding_window_mask(*args)
