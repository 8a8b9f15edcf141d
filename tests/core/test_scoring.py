"""Scoring functions: dot product, scaled dot product, additive (Bahdanau) and general (Luong) attention."""

import pytest
import torch

from attn_course import (
    AdditiveAttention,
    GeneralAttention,
    causal_mask,
    dot_product_scores,
    padding_mask,
    scaled_dot_product_scores,
)


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
