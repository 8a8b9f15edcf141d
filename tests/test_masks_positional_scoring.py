"""Masks, positional encoding and the alternative scoring functions."""

import math

import pytest
import torch

from attn_course import (
    AdditiveAttention,
    GeneralAttention,
    causal_mask,
    dot_product_scores,
    padding_mask,
    scaled_dot_product_scores,
    sinusoidal_positional_encoding,
)


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


def test_sinusoidal_matches_the_paper_formula():
    pe = sinusoidal_positional_encoding(50, 16)
    assert pe.shape == (50, 16) and pe.dtype == torch.float32
    for pos in (0, 7, 49):
        for i in range(8):
            angle = pos / 10000 ** (2 * i / 16)
            assert pe[pos, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-6)
            assert pe[pos, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-6)


def test_sinusoidal_relative_position_is_a_rotation():
    """PE[pos + k] is a fixed linear (rotation) map of PE[pos], as §3.5 of the paper argues."""
    d, k = 8, 3
    pe = sinusoidal_positional_encoding(40, d, dtype=torch.float64)
    for i in range(d // 2):
        w = 1 / 10000 ** (2 * i / d)
        c, s = math.cos(k * w), math.sin(k * w)
        rot = torch.tensor([[c, -s], [s, c]], dtype=torch.float64)
        pair = pe[:, 2 * i : 2 * i + 2]
        torch.testing.assert_close(pair[k:], pair[:-k] @ rot)


def test_sinusoidal_odd_width_and_bad_input():
    assert sinusoidal_positional_encoding(3, 5).shape == (3, 5)
    with pytest.raises(ValueError, match="d_model must be positive"):
        sinusoidal_positional_encoding(3, 0)
    with pytest.raises(TypeError, match="length must be an int"):
        sinusoidal_positional_encoding(3.0, 4)


def test_dot_and_scaled_scores():
    q, k = torch.randn(2, 3, 4), torch.randn(2, 5, 4)
    torch.testing.assert_close(dot_product_scores(q, k), q @ k.transpose(1, 2))
    torch.testing.assert_close(scaled_dot_product_scores(q, k), q @ k.transpose(1, 2) / 2)


def test_additive_attention_matches_its_formula_and_masks():
    torch.manual_seed(0)
    att = AdditiveAttention(d_query=3, d_key=5, d_hidden=7)
    q, k, v = torch.randn(2, 4, 3), torch.randn(2, 6, 5), torch.randn(2, 6, 2)
    scores = att.score(q, k)
    wq, wk, wv = att.query_proj.weight, att.key_proj.weight, att.v.weight[0]
    expected = torch.stack(
        [torch.stack([torch.tanh(wq @ q[0, i] + wk @ k[0, j]) @ wv for j in range(6)]) for i in range(4)]
    )
    torch.testing.assert_close(scores[0], expected)
    out, weights = att(q, k, v, padding_mask([6, 2]))
    assert out.shape == (2, 4, 2) and weights.shape == (2, 4, 6)
    assert torch.all(weights[1, :, 2:] == 0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 4))


def test_general_attention_is_bilinear():
    att = GeneralAttention(d_query=3, d_key=4)
    q, k, v = torch.randn(5, 3), torch.randn(6, 4), torch.randn(6, 2)
    torch.testing.assert_close(att.score(q, k), q @ att.bilinear.weight @ k.T)
    out, weights = att(q, k, v, causal_mask(6)[:5])
    assert out.shape == (5, 2)
    assert torch.all(weights.triu(1) == 0)


def test_scoring_bad_inputs():
    att = AdditiveAttention(3, 5, 7)
    with pytest.raises(ValueError, match=r"query must have last dimension 3, got shape \(4, 2\)"):
        att(torch.randn(4, 2), torch.randn(6, 5), torch.randn(6, 1))
    with pytest.raises(ValueError, match="key and value must have the same length"):
        att(torch.randn(4, 3), torch.randn(6, 5), torch.randn(5, 1))
    with pytest.raises(TypeError, match="mask must be bool or integer"):
        att(torch.randn(4, 3), torch.randn(6, 5), torch.randn(6, 1), torch.ones(4, 6))
    with pytest.raises(ValueError, match="d_hidden must be positive"):
        AdditiveAttention(3, 5, 0)
