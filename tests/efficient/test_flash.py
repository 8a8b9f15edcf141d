"""flash_attention: agreement with SDPA and attention(), masks, causal, half precision, gradients, bad inputs."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from attn_course import attention, causal_mask, flash_attention, padding_mask, sliding_window_mask
from attn_course.efficient._tiles import MaskTiles


@given(
    lq=st.integers(1, 70), lk=st.integers(1, 70), block_q=st.integers(1, 40), block_k=st.integers(1, 40),
    causal=st.booleans(), seed=st.integers(0, 2**16),
)
def test_matches_sdpa_for_any_length_and_block(lq, lk, block_q, block_k, causal, seed, make_qkv):
    q, k, v = make_qkv(2, 3, lq=lq, lk=lk, dk=16, dv=8, seed=seed)
    out = flash_attention(q, k, v, causal=causal, block_size=(block_q, block_k))
    if causal:  # a query row with no key (lq > lk) is zero here; compare with attention()
        expected = attention(q, k, v, torch.ones(lq, lk, dtype=torch.bool).tril())[0]
    else:
        expected = F.scaled_dot_product_attention(q, k, v)
    assert (out - expected).abs().max().item() <= 1e-5


@pytest.mark.parametrize("length", [1, 255, 256, 257, 1000])
def test_default_blocks_match_sdpa_causal_and_not(length, make_qkv):
    q, k, v = make_qkv(1, 2, lq=length, lk=length, dk=32, dv=32)
    for causal in (False, True):
        out = flash_attention(q, k, v, causal=causal)
        expected = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        assert (out - expected).abs().max().item() <= 1e-5


@given(lq=st.integers(1, 40), lk=st.integers(1, 40), block=st.integers(1, 16), p=st.floats(0.0, 1.0),
       seed=st.integers(0, 2**16))
def test_random_masks_match_attention_including_fully_masked_rows(lq, lk, block, p, seed, make_qkv):
    q, k, v = make_qkv(2, lq=lq, lk=lk, seed=seed)
    mask = torch.rand(2, lq, lk, generator=torch.Generator().manual_seed(seed)) < p
    out = flash_attention(q, k, v, mask, block_size=block)
    expected, _ = attention(q, k, v, mask)
    assert not out.isnan().any()
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)
    empty = ~mask.any(-1)  # queries with no allowed key get exactly zero
    assert torch.all(out[empty] == 0)


@pytest.mark.parametrize(
    "mask",
    [causal_mask(9), padding_mask([9, 4], 9).unsqueeze(1), sliding_window_mask(9, 2),
     torch.ones(2, 3, 9, 9, dtype=torch.int64),
     torch.rand(1, 3, 9, 9, generator=torch.Generator().manual_seed(3)) > 0.5],
    ids=["causal", "padding", "window", "int", "per-head"],
)
def test_mask_broadcasting_matches_attention(mask, make_qkv):
    q, k, v = make_qkv(2, 3, lq=9, lk=9)
    torch.testing.assert_close(flash_attention(q, k, v, mask, block_size=4), attention(q, k, v, mask)[0])


def test_causal_and_mask_combine(make_qkv):
    q, k, v = make_qkv(2, lq=12, lk=12)
    window = sliding_window_mask(12, 3)
    out = flash_attention(q, k, v, window, causal=True, block_size=(5, 3))
    torch.testing.assert_close(out, attention(q, k, v, window & causal_mask(12))[0])


def test_causal_skips_blocks_above_the_diagonal():
    tiles = MaskTiles(None, (2,), 8, 8, causal=True)
    assert tiles.tile(0, 4, 4, 8) is False  # keys 4..7 are all after queries 0..3
    assert tiles.tile(4, 8, 0, 4) is None  # all before: nothing to mask
    partial = tiles.tile(0, 4, 0, 4)
    assert torch.equal(partial, causal_mask(4))


def test_fully_masked_blocks_are_skipped_and_give_zero(make_qkv):
    tiles = MaskTiles(torch.zeros(6, 6, dtype=torch.bool), (1,), 6, 6, causal=False)
    assert tiles.tile(0, 3, 0, 3) is False
    q, k, v = make_qkv(lq=6, lk=6)
    out = flash_attention(q, k, v, torch.zeros(6, 6, dtype=torch.bool))
    assert torch.all(out == 0)


@pytest.mark.parametrize(("dtype", "tol"), [(torch.float16, 2e-3), (torch.bfloat16, 1.6e-2)])
def test_half_precision_is_accumulated_in_float32(dtype, tol, make_qkv):
    q, k, v = make_qkv(2, lq=300, lk=300, dk=32, dv=16, dtype=dtype)
    q = q * 8  # large logits: exp would overflow in half precision without the max subtraction
    out = flash_attention(q, k, v, causal=True, block_size=64)
    assert out.dtype == dtype and torch.isfinite(out).all()
    expected = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), is_causal=True)
    assert (out.float() - expected).abs().max().item() <= tol


def test_float64_stays_float64_and_matches_to_1e12(make_qkv):
    q, k, v = make_qkv(3, lq=33, lk=21, dtype=torch.float64)
    out = flash_attention(q, k, v, block_size=(8, 5))
    assert out.dtype == torch.float64
    assert (out - F.scaled_dot_product_attention(q, k, v)).abs().max().item() < 1e-12


@pytest.mark.parametrize(
    ("kwargs", "lq", "lk"),
    [({}, 9, 7), ({"causal": True}, 9, 9), ({"causal": True}, 7, 9), ({"mask": "random"}, 8, 6)],
)
def test_gradcheck_float64(kwargs, lq, lk, make_qkv):
    q, k, v = make_qkv(2, lq=lq, lk=lk, dk=4, dv=3, dtype=torch.float64, requires_grad=True)
    if kwargs.get("mask") == "random":
        mask = torch.rand(lq, lk, generator=torch.Generator().manual_seed(1)) > 0.5
        mask[2] = False  # a fully masked row: its gradient must be 0, not NaN
        kwargs = {"mask": mask}
    fn = lambda q, k, v: flash_attention(q, k, v, block_size=(4, 3), **kwargs)  # noqa: E731
    assert torch.autograd.gradcheck(fn, (q, k, v))


def test_gradients_match_sdpa_in_float32(make_qkv):
    q, k, v = make_qkv(2, 4, lq=70, lk=70, dk=16, dv=16, requires_grad=True)
    grad = torch.randn(2, 4, 70, 16, generator=torch.Generator().manual_seed(5))
    ours = torch.autograd.grad(flash_attention(q, k, v, causal=True, block_size=(16, 32)), (q, k, v), grad)
    theirs = torch.autograd.grad(F.scaled_dot_product_attention(q, k, v, is_causal=True), (q, k, v), grad)
    for a, b in zip(ours, theirs, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


def test_broadcast_batch_dims_and_half_grads():
    q = torch.randn(2, 3, 6, 8, requires_grad=True)
    k, v = torch.randn(1, 3, 5, 8), torch.randn(3, 5, 4)
    out = flash_attention(q, k, v, block_size=2)
    assert out.shape == (2, 3, 6, 4)
    torch.testing.assert_close(out, attention(q, k, v)[0])
    out.sum().backward()
    assert q.grad.shape == q.shape


Q, K, V = torch.randn(2, 5, 8), torch.randn(2, 7, 8), torch.randn(2, 7, 3)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "msg"),
    [
        ((Q, torch.randn(2, 7, 6), V), {}, ValueError, r"query has shape \(2, 5, 8\) \(d_k=8\)"),
        ((Q, K, V), {"mask": torch.ones(5, 6, dtype=torch.bool)}, ValueError,
         r"mask of shape \(5, 6\) cannot broadcast to the attention scores of shape \(2, 5, 7\)"),
        ((Q, K, V), {"mask": torch.ones(5, 7)}, TypeError, "mask must be bool or integer"),
        ((Q, K, V), {"block_size": 0}, ValueError, r"block_size must be a positive int .* got 0"),
        ((Q, K, V), {"block_size": (4, 2, 1)}, ValueError, r"got \(4, 2, 1\)"),
        ((Q, K, V), {"block_size": 2.5}, ValueError, "got 2.5"),
        ((Q, K, V), {"causal": 1}, TypeError, "causal must be a bool, got int"),
        ((Q.long(), K.long(), V.long()), {}, TypeError, "query must be a floating-point tensor"),
        ((Q, K, [1]), {}, TypeError, "value must be a torch.Tensor, got list"),
    ],
)
def test_bad_inputs(args, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        flash_attention(*args, **kwargs)
