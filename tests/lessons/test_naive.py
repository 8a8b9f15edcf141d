"""The deliberately flawed naive_attention fails exactly where the chapter says, and agrees elsewhere."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from attn_course import attention, causal_mask, padding_mask
from attn_course.lessons.naive import naive_attention, naive_attention_without_math

SIZES = {"lq": 6, "lk": 6, "dk": 8, "dv": 8}  # with batch (2, 4): q, k, v all (2, 4, 6, 8)


def test_agrees_with_attention_without_mask(make_qkv):
    q, k, v = make_qkv(2, 4, **SIZES)
    for ours, theirs in zip(attention(q, k, v), naive_attention(q, k, v), strict=True):
        torch.testing.assert_close(theirs, ours)


@pytest.mark.parametrize("mask", [causal_mask(6), padding_mask([3, 6])[:, None]])
def test_agrees_with_attention_when_no_row_is_fully_masked(mask, make_qkv):
    q, k, v = make_qkv(2, 4, seed=1, **SIZES)
    out, weights = attention(q, k, v, mask)
    naive_out, naive_weights = naive_attention(q, k, v, mask)
    torch.testing.assert_close(naive_out, out)
    torch.testing.assert_close(naive_weights, weights)
    blocked = ~mask.expand_as(weights)
    assert blocked.any() and (naive_weights[blocked] == 0).all()  # exp(-1e9) underflows to 0 in fp32


def test_fully_masked_row_is_uniform_in_naive_and_zero_in_ours(make_qkv):
    q, k, v = make_qkv(lq=3, lk=5, dk=4, dv=4, seed=2)
    mask = torch.ones(3, 5, dtype=torch.bool)
    mask[1] = False  # query 1 may attend to nothing
    naive_out, naive_weights = naive_attention(q, k, v, mask)
    torch.testing.assert_close(naive_weights[1], torch.full((5,), 0.2))
    torch.testing.assert_close(naive_out[1], v.mean(dim=0))  # it averages the blocked values
    out, weights = attention(q, k, v, mask)
    assert torch.equal(weights[1], torch.zeros(5))
    assert torch.equal(out[1], torch.zeros(4))


def test_fp16_mask_fill_overflows_in_naive_but_not_in_ours(make_qkv):
    q, k, v = (t.half() for t in make_qkv(2, 4, seed=3, **SIZES))  # drawn in float32, then cast
    mask = causal_mask(6)
    with pytest.raises(RuntimeError, match=r"value cannot be converted to type c10::Half without overflow"):
        naive_attention(q, k, v, mask)
    out, weights = attention(q, k, v, mask)
    assert out.dtype == torch.float16 and torch.isfinite(out).all()
    assert (weights[..., ~mask] == 0).all()


def test_without_math_raises_name_error(make_qkv):
    broken = naive_attention_without_math()
    q, k, v = make_qkv(2, 4, **SIZES)
    with pytest.raises(NameError, match="name 'math' is not defined"):
        broken(q, k, v)
    # the module's own function works: it imports math
    assert naive_attention(q, k, v)[0].shape == (2, 4, 6, 8)


def test_dropout_is_applied_to_the_weights(make_qkv):
    q, k, v = make_qkv(2, 4, **SIZES)
    _, weights = naive_attention(q, k, v, dropout=lambda w: w * 0)
    assert torch.equal(weights, torch.zeros_like(weights))


@pytest.mark.parametrize(
    ("args", "exc", "msg"),
    [
        ((torch.ones(3, 4), torch.ones(3, 5), torch.ones(3, 2)), ValueError, "same last dimension d_k"),
        ((torch.ones(3, 4), torch.ones(3, 4), [1.0]), TypeError, "value must be a torch.Tensor, got list"),
        ((torch.ones(3, 4), torch.ones(2, 4), torch.ones(3, 2)), ValueError, "same length L_k"),
    ],
)
def test_bad_inputs(args, exc, msg):
    with pytest.raises(exc, match=msg):
        naive_attention(*args)


@given(
    st.integers(1, 3), st.integers(1, 5), st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**31 - 1)
)
def test_property_agrees_whenever_every_row_has_an_allowed_key(batch, len_q, len_k, d_k, seed):
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(batch, len_q, d_k, generator=g)
    k = torch.randn(batch, len_k, d_k, generator=g)
    v = torch.randn(batch, len_k, 3, generator=g)
    mask = torch.rand(batch, len_q, len_k, generator=g) < 0.5
    mask[..., 0] |= ~mask.any(dim=-1)  # guarantee one allowed key per query
    out, weights = attention(q, k, v, mask)
    naive_out, naive_weights = naive_attention(q, k, v, mask)
    torch.testing.assert_close(naive_weights, weights)
    torch.testing.assert_close(naive_out, out)
