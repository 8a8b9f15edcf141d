"""Encoder/decoder blocks against torch's layers; causality; gradients; bad inputs."""

import pytest
import torch
from torch import nn

from attn_course import DecoderBlock, EncoderBlock, FeedForward, padding_mask


def _torch_encoder(norm_first, activation="relu", seed=0):
    torch.manual_seed(seed)
    layer = nn.TransformerEncoderLayer(16, 4, dim_feedforward=32, dropout=0.1, activation=activation,
                                       batch_first=True, norm_first=norm_first)
    with torch.no_grad():  # non-trivial LayerNorm parameters, so a swapped norm would show
        for norm in (layer.norm1, layer.norm2):
            norm.weight.uniform_(0.5, 1.5)
            norm.bias.uniform_(-0.5, 0.5)
    return layer.eval()


@pytest.mark.parametrize("norm_first", [False, True], ids=["post-norm", "pre-norm"])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
def test_encoder_block_matches_torch_encoder_layer(norm_first, activation):
    ref = _torch_encoder(norm_first, activation)
    ours = EncoderBlock.from_torch(ref)
    assert not ours.training and ours.norm_first is norm_first
    x = torch.randn(3, 7, 16, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = ref(x)
        got, weights = ours(x)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    assert weights.shape == (3, 4, 7, 7)
    torch.testing.assert_close(weights.sum(-1), torch.ones(3, 4, 7))


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_block_padding_mask_matches_torch_key_padding_mask(norm_first):
    ref = _torch_encoder(norm_first)
    ours = EncoderBlock.from_torch(ref)
    x = torch.randn(2, 5, 16, generator=torch.Generator().manual_seed(2))
    keep = padding_mask([5, 3])  # (B, 1, 5), True = real token
    with torch.no_grad():
        expected = ref(x, src_key_padding_mask=~keep[:, 0])  # torch: True = padding
        got, weights = ours(x, mask=keep)
    torch.testing.assert_close(got[0], expected[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(got[1, :3], expected[1, :3], atol=1e-5, rtol=1e-5)  # torch's fast path zeroes pads
    assert (weights[1, :, :, 3:] == 0).all()


def test_pre_and_post_norm_are_what_the_docstring_says():
    torch.manual_seed(0)
    x = torch.randn(2, 4, 8)
    post = EncoderBlock(8, 2, 16, norm_first=False).eval()
    pre = EncoderBlock(8, 2, 16, norm_first=True).eval()
    pre.load_state_dict(post.state_dict())
    with torch.no_grad():
        attn, _ = post.self_attn(x, x, x)
        by_hand_post = post.norm1(x + attn)
        by_hand_post = post.norm2(by_hand_post + post.feed_forward(by_hand_post))
        h = pre.norm1(x)
        by_hand_pre = x + pre.self_attn(h, h, h)[0]
        by_hand_pre = by_hand_pre + pre.feed_forward(pre.norm2(by_hand_pre))
        torch.testing.assert_close(post(x)[0], by_hand_post)
        torch.testing.assert_close(pre(x)[0], by_hand_pre)
        # post-norm outputs are normalised (LayerNorm last); pre-norm outputs are not
        assert post(x)[0].mean(-1).abs().max() < 1e-5
        assert pre(x)[0].mean(-1).abs().max() > 1e-2


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_block_matches_torch_decoder_layer(norm_first):
    torch.manual_seed(3)
    ref = nn.TransformerDecoderLayer(16, 4, dim_feedforward=32, batch_first=True, norm_first=norm_first).eval()
    ours = DecoderBlock.from_torch(ref)
    gen = torch.Generator().manual_seed(4)
    x, memory = torch.randn(2, 6, 16, generator=gen), torch.randn(2, 9, 16, generator=gen)
    causal = nn.Transformer.generate_square_subsequent_mask(6)  # float, -inf above the diagonal
    with torch.no_grad():
        expected = ref(x, memory, tgt_mask=causal, tgt_is_causal=True)
        got, self_w, cross_w = ours(x, memory)
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)
    assert self_w.shape == (2, 4, 6, 6) and cross_w.shape == (2, 4, 6, 9)
    assert (self_w.triu(1) == 0).all()


def test_decoder_is_causal_changing_future_tokens_leaves_earlier_outputs_unchanged():
    torch.manual_seed(5)
    block = DecoderBlock(16, 2, 32).eval()
    gen = torch.Generator().manual_seed(6)
    x, memory = torch.randn(1, 8, 16, generator=gen), torch.randn(1, 5, 16, generator=gen)
    changed = x.clone()
    changed[:, 5:] = torch.randn(1, 3, 16, generator=gen)
    with torch.no_grad():
        before, after = block(x, memory)[0], block(changed, memory)[0]
    torch.testing.assert_close(before[:, :5], after[:, :5], atol=0, rtol=0)
    assert not torch.allclose(before[:, 5:], after[:, 5:])


def test_decoder_target_mask_combines_with_causal_and_memory_mask_blocks_keys():
    torch.manual_seed(7)
    block = DecoderBlock(8, 2, 16).eval()
    x, memory = torch.randn(2, 4, 8), torch.randn(2, 6, 8)
    with torch.no_grad():
        _, self_w, cross_w = block(x, memory, target_mask=padding_mask([4, 2]), memory_mask=padding_mask([6, 3]))
    assert (self_w[1, :, :, 2:] == 0).all() and (self_w.triu(1) == 0).all()
    assert (cross_w[1, :, :, 3:] == 0).all() and (cross_w[0] > 0).all()


@pytest.mark.parametrize("norm_first", [False, True])
def test_gradcheck_tiny_blocks_in_float64(norm_first):
    torch.manual_seed(8)
    enc = EncoderBlock(4, 2, 6, norm_first=norm_first).double()
    dec = DecoderBlock(4, 2, 6, norm_first=norm_first).double()
    x = torch.randn(1, 3, 4, dtype=torch.float64, requires_grad=True)
    memory = torch.randn(1, 2, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: enc(t)[0], (x,))
    assert torch.autograd.gradcheck(lambda t, m: dec(t, m)[0], (x, memory))


@pytest.mark.parametrize(
    ("call", "error", "msg"),
    [
        (lambda: EncoderBlock(8, 3, 16), ValueError, "d_model=8 must be divisible by num_heads=3"),
        (lambda: EncoderBlock(8, 2, 16, norm_first="yes"), TypeError, "norm_first must be a bool"),
        (lambda: EncoderBlock(8, 2, 16, dropout=1.5), ValueError, "dropout must be a probability"),
        (lambda: FeedForward(8, 16, activation="tanh"), ValueError, "activation must be one of"),
        (lambda: FeedForward(8, 0), ValueError, "d_ff must be positive"),
        (lambda: EncoderBlock(8, 2, 16)(torch.randn(2, 5, 6)), ValueError,
         r"x must have shape \(B, L, d_model=8\), got \(2, 5, 6\)"),
        (lambda: DecoderBlock(8, 2, 16)(torch.randn(2, 5, 8), torch.randn(3, 4, 8)), ValueError,
         r"x and memory must share the batch size: x \(2, 5, 8\), memory \(3, 4, 8\)"),
        (lambda: DecoderBlock(8, 2, 16)(torch.randn(1, 5, 8), torch.randn(1, 4, 8), target_mask=torch.ones(5, 5)),
         TypeError, "target_mask must be a bool or integer tensor"),
        (lambda: EncoderBlock.from_torch(nn.Linear(2, 2)), TypeError, "must be a torch.nn.TransformerEncoderLayer"),
    ],
)
def test_bad_inputs(call, error, msg):
    with pytest.raises(error, match=msg):
        call()
