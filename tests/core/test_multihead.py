"""MultiHeadAttention against nn.MultiheadAttention, masks of every accepted shape."""

import pytest
import torch
from torch import nn

from attn_course import MultiHeadAttention, causal_mask, merge_heads, padding_mask, split_heads

B, L_Q, L_K, D, H = 2, 5, 6, 16, 4
SIZES = {"lq": L_Q, "lk": L_K, "dk": D, "dv": D}


def _pair(bias=True, seed=0):
    torch.manual_seed(seed)
    ref = nn.MultiheadAttention(D, H, bias=bias, batch_first=True).eval()
    return ref, MultiHeadAttention.from_torch(ref).eval()


@pytest.mark.parametrize("bias", [True, False])
def test_from_torch_matches_outputs_and_per_head_weights(bias, make_qkv):
    ref, ours = _pair(bias)
    q, k, v = make_qkv(B, seed=1, **SIZES)
    expected, expected_w = ref(q, k, v, need_weights=True, average_attn_weights=False)
    out, weights = ours(q, k, v)
    assert out.shape == (B, L_Q, D) and weights.shape == (B, H, L_Q, L_K)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(weights, expected_w, atol=1e-5, rtol=1e-5)


def test_from_torch_with_masks_torch_uses_the_opposite_bool_convention(make_qkv):
    ref, ours = _pair()
    q, k, v = make_qkv(B, seed=1, **SIZES)
    lengths = [6, 3]
    ours_mask = padding_mask(lengths, L_K)  # (B, 1, L_K), True = may attend
    expected, expected_w = ref(q, k, v, key_padding_mask=~ours_mask[:, 0],
                               need_weights=True, average_attn_weights=False)
    out, weights = ours(q, k, v, ours_mask)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(weights, expected_w, atol=1e-5, rtol=1e-5)

    x = q
    expected, _ = ref(x, x, x, attn_mask=~causal_mask(L_Q), need_weights=False)
    out, _ = ours(x, x, x, causal_mask(L_Q))
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)


def test_from_torch_in_float64_and_training_flag():
    torch.manual_seed(0)
    ref = nn.MultiheadAttention(8, 2, batch_first=True, dropout=0.1).double()
    ours = MultiHeadAttention.from_torch(ref)
    assert ours.training and ours.q_proj.weight.dtype == torch.float64
    assert ours.dropout.p == 0.1


@pytest.mark.parametrize(
    "shape",
    [(L_Q, L_K), (B, 1, L_K), (B, L_Q, L_K), (B, H, L_Q, L_K), (1, 1, L_Q, L_K), (B, 1, 1, L_K)],
)
def test_every_accepted_mask_shape_blocks_what_it_says(shape, make_qkv):
    _, ours = _pair()
    q, k, v = make_qkv(B, seed=1, **SIZES)
    g = torch.Generator().manual_seed(3)
    mask = torch.rand(*shape, generator=g) > 0.5
    _, weights = ours(q, k, v, mask)
    full = {2: lambda m: m[None, None], 3: lambda m: m[:, None], 4: lambda m: m}[mask.dim()](mask)
    full = full.expand(B, H, L_Q, L_K)
    assert torch.all(weights[~full] == 0)
    allowed_rows = full.any(-1)
    torch.testing.assert_close(weights.sum(-1)[allowed_rows], torch.ones(int(allowed_rows.sum())))


def test_split_and_merge_heads_are_inverse():
    x = torch.randn(2, 5, 12)
    heads = split_heads(x, 3)
    assert heads.shape == (2, 3, 5, 4)
    torch.testing.assert_close(heads[:, 1], x[..., 4:8])
    torch.testing.assert_close(merge_heads(heads), x)


def test_self_attention_gradcheck_float64():
    torch.manual_seed(0)
    mha = MultiHeadAttention(6, 2).double()
    x = torch.randn(1, 3, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: mha(t, t, t, causal_mask(3))[0], (x,))


@pytest.mark.parametrize(
    ("call", "exc", "msg"),
    [
        (lambda: MultiHeadAttention(10, 3), ValueError, "d_model=10 must be divisible by num_heads=3"),
        (lambda: MultiHeadAttention(8, 0), ValueError, "num_heads must be positive"),
        (lambda: MultiHeadAttention(8, 2, dropout=1.5), ValueError, "dropout must be a probability"),
        (lambda: MultiHeadAttention.from_torch(nn.Linear(2, 2)), TypeError, "nn.MultiheadAttention"),
        (lambda: MultiHeadAttention.from_torch(nn.MultiheadAttention(8, 2, add_bias_kv=True)),
         ValueError, "add_bias_kv"),
        (lambda: MultiHeadAttention.from_torch(nn.MultiheadAttention(8, 2, kdim=4, vdim=4)),
         ValueError, "kdim=4"),
        (lambda: split_heads(torch.randn(2, 5, 10), 3), ValueError, r"\(2, 5, 10\)"),
    ],
)
def test_construction_errors(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


@pytest.mark.parametrize(
    ("args", "exc", "msg"),
    [
        ((torch.randn(B, L_Q, 8), None), ValueError, r"query must have shape \(B, L, d_model=16\), got \(2, 5, 8\)"),
        ((torch.randn(L_Q, D), None), ValueError, r"query must have shape \(B, L, d_model=16\), got \(5, 16\)"),
        (([[1.0]], None), TypeError, "query must be a torch.Tensor, got list"),
        ((None, torch.ones(L_Q, 3, dtype=torch.bool)), ValueError, r"mask must have shape .* got \(5, 3\)"),
        ((None, torch.ones(3, L_Q, L_K, dtype=torch.bool)), ValueError, r"got \(3, 5, 6\)"),
        ((None, torch.ones(L_K, dtype=torch.bool)), ValueError, r"got \(6\)"),
        ((None, torch.ones(L_Q, L_K)), TypeError, "mask must be bool or integer"),
    ],
)
def test_forward_errors_name_the_argument_and_shape(args, exc, msg, make_qkv):
    _, ours = _pair()
    q, k, v = make_qkv(B, seed=1, **SIZES)
    query, mask = args
    with pytest.raises(exc, match=msg):
        ours(q if query is None else query, k, v, mask)


def test_batch_and_length_mismatch_errors(make_qkv):
    _, ours = _pair()
    q, k, v = make_qkv(B, seed=1, **SIZES)
    with pytest.raises(ValueError, match="same batch size B"):
        ours(q, k[:1], v[:1])
    with pytest.raises(ValueError, match=r"key has shape \(2, 6, 16\), value has shape \(2, 5, 16\)"):
        ours(q, k, v[:, :5])
