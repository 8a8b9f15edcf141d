"""attention(): agreement with torch, masking semantics, precision and gradients."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from attn_course import attend, attention, causal_mask, masked_softmax, padding_mask


@pytest.mark.parametrize("batch", [(), (3,), (2, 4)])
def test_matches_sdpa_without_mask(batch, make_qkv):
    q, k, v = make_qkv(*batch)
    out, weights = attention(q, k, v)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v), atol=1e-6, rtol=1e-5)
    assert weights.shape == (*batch, 5, 7)
    torch.testing.assert_close(weights, torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(8), -1))


def test_matches_sdpa_with_bool_and_int_masks(make_qkv):
    q, k, v = make_qkv(2, 3)
    g = torch.Generator().manual_seed(1)
    mask = torch.rand(2, 3, 5, 7, generator=g) > 0.4
    mask[..., 0] = True  # SDPA returns NaN on fully blocked rows, so keep one key per row
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    for m in (mask, mask.long(), mask.to(torch.uint8) * 7):
        out, _ = attention(q, k, v, m)
        torch.testing.assert_close(out, expected, atol=1e-6, rtol=1e-5)


def test_causal_matches_sdpa_is_causal(make_qkv):
    q, k, v = make_qkv(2, lq=6, lk=6)
    out, weights = attention(q, k, v, causal_mask(6))
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True))
    assert torch.all(weights.triu(1) == 0)


def test_blocked_weights_are_exactly_zero_and_rows_sum_to_one(make_qkv):
    q, k, v = make_qkv(2)
    mask = padding_mask([3, 7], 7)  # (2, 1, 7)
    _, weights = attention(q, k, v, mask)
    assert torch.all(weights[0, :, 3:] == 0.0)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 5))


def test_fully_masked_row_gives_zero_weights_and_output_not_nan(make_qkv):
    q, k, v = make_qkv(lq=3, lk=4)
    mask = torch.tensor([[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]])
    out, weights = attention(q, k, v, mask)
    assert not torch.isnan(out).any() and not torch.isnan(weights).any()
    assert torch.all(weights[1] == 0) and torch.all(out[1] == 0)
    torch.testing.assert_close(out[2], v[3])  # a single allowed key is copied


def test_fully_masked_row_has_finite_zero_gradient(make_qkv):
    q, k, v = make_qkv(lq=2, lk=3, dtype=torch.float64)
    for t in (q, k, v):
        t.requires_grad_(True)
    mask = torch.tensor([[True, False, True], [False, False, False]])
    out, _ = attention(q, k, v, mask)
    out.sum().backward()
    for t in (q, k, v):
        assert torch.isfinite(t.grad).all()
    assert torch.all(q.grad[1] == 0)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_masking_is_safe_and_accurate(dtype, make_qkv):
    q, k, v = make_qkv(2, dtype=torch.float32)
    mask = causal_mask(7)[:5]
    mask[0] = False  # one fully blocked row
    ref_out, ref_w = attention(q.double(), k.double(), v.double(), mask)
    out, weights = attention(q.to(dtype), k.to(dtype), v.to(dtype), mask)
    assert out.dtype == dtype and weights.dtype == dtype
    assert torch.isfinite(out).all()
    assert torch.all(weights[..., ~mask] == 0)
    tol = 1e-2 if dtype == torch.float16 else 5e-2
    torch.testing.assert_close(out.double(), ref_out, atol=tol, rtol=tol)
    torch.testing.assert_close(weights.double(), ref_w, atol=tol, rtol=tol)


def test_article_fill_value_overflows_float16():
    """The reason for -inf: the source article's -1e9 fill cannot be stored in float16."""
    scores = torch.zeros(2, 2, dtype=torch.float16)
    with pytest.raises(RuntimeError, match="overflow"):
        scores.masked_fill(torch.eye(2, dtype=torch.bool), -1e9)


def test_huge_logits_are_stable():
    q = torch.tensor([[1e4, 0.0], [-1e4, 0.0]])
    k = torch.tensor([[1e4, 0.0], [0.0, 1.0], [-1e4, 0.0]])
    v = torch.eye(3)
    for dtype in (torch.float32, torch.float16, torch.bfloat16):
        out, weights = attention(q.to(dtype), k.to(dtype), v.to(dtype), torch.tensor([True, True, False]))
        assert torch.isfinite(out.float()).all(), dtype
        # row 0 picks key 0; row 1 may not pick key 2 (blocked), so it picks key 1
        torch.testing.assert_close(weights.float(), torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))


def test_dropout_is_applied_to_the_weights(make_qkv):
    q, k, v = make_qkv(4)
    torch.manual_seed(0)
    drop = nn.Dropout(0.5)
    out, weights = attention(q, k, v, dropout=drop)
    zeros = (weights == 0).float().mean().item()
    assert 0.3 < zeros < 0.7
    torch.testing.assert_close(out, weights @ v)
    drop.eval()
    _, w_eval = attention(q, k, v, dropout=drop)
    torch.testing.assert_close(w_eval.sum(-1), torch.ones(4, 5))


def test_gradcheck_float64(make_qkv):
    q, k, v = make_qkv(2, lq=3, lk=4, dk=3, dv=2, dtype=torch.float64)
    mask = torch.tensor([[1, 1, 0, 1], [0, 0, 0, 0], [1, 0, 0, 0]])
    inputs = tuple(t.requires_grad_(True) for t in (q, k, v))
    assert torch.autograd.gradcheck(lambda a, b, c: attention(a, b, c, mask), inputs)
    assert torch.autograd.gradcheck(lambda a, b, c: attention(a, b, c), inputs)


def test_masked_softmax_without_mask_is_softmax():
    x = torch.randn(3, 4)
    torch.testing.assert_close(masked_softmax(x), torch.softmax(x, -1))


def test_attend_accepts_any_scores():
    scores = torch.tensor([[0.0, 0.0, 100.0]])
    value = torch.tensor([[1.0], [2.0], [3.0]])
    out, weights = attend(scores, value, torch.tensor([True, True, False]))
    torch.testing.assert_close(out, torch.tensor([[1.5]]))
    torch.testing.assert_close(weights, torch.tensor([[0.5, 0.5, 0.0]]))


def test_masked_softmax_leaves_the_callers_scores_unchanged():
    scores = torch.randn(2, 3, 4)
    before = scores.clone()
    masked_softmax(scores, torch.tensor([[True, False, True, False], [False] * 4, [True] * 4]))
    assert torch.equal(scores, before)


@pytest.mark.parametrize("lengths", [[3, 0], [3, 4]])  # with and without a fully blocked sequence
def test_gradcheck_float64_broadcast_padding_mask(lengths, make_qkv):
    q, k, v = make_qkv(2, lq=3, lk=4, dk=3, dv=2, dtype=torch.float64)
    mask = padding_mask(lengths, 4)  # (2, 1, 4), broadcast over the queries
    inputs = tuple(t.requires_grad_(True) for t in (q, k, v))
    assert torch.autograd.gradcheck(lambda a, b, c: attention(a, b, c, mask), inputs)
    out, weights = attention(*inputs, mask)
    assert torch.all(weights[~mask.expand(weights.shape)] == 0)
    if lengths[1] == 0:
        assert torch.all(out[1] == 0) and torch.all(weights[1] == 0)


@pytest.mark.filterwarnings("ignore:Anomaly Detection has been enabled")
def test_fully_masked_row_creates_no_nan_even_inside_autograd(make_qkv):
    """No intermediate NaN in the forward or backward pass: anomaly detection stays silent."""
    q, k, v = (t.requires_grad_(True) for t in make_qkv(2, lq=3, lk=4, dtype=torch.float64))
    mask = torch.tensor([[True, False, True, False], [False] * 4, [True] * 4])
    with torch.autograd.detect_anomaly():
        out, _ = attention(q, k, v, mask)
        out.sum().backward()
    assert all(torch.isfinite(t.grad).all() for t in (q, k, v))
    assert torch.all(q.grad[:, 1] == 0)
