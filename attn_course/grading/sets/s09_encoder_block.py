"""Set 9: a Transformer encoder block, post-norm and pre-norm (Vaswani et al., 2017, §3.1; Xiong et al., 2020).

The reference is :meth:`attn_course.EncoderBlock.from_torch` of a randomly initialised
``nn.TransformerEncoderLayer``; torch's own output is checked too.
"""

from __future__ import annotations

import torch
from torch import nn

from attn_course._random import randint
from attn_course.grading.expect import HiddenTest, call, expect, expect_close, randn, random_mask
from attn_course.grading.spec import ExerciseSet, Part
from attn_course.transformer import EncoderBlock

_SHORTCUTS = ("attn_course", "scaled_dot_product_attention", "MultiheadAttention", "multi_head_attention_forward",
              "TransformerEncoderLayer")


def hidden_layer_norm(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        d = randint(g, 1, 17)
        x = randn(g, randint(g, 1, 4), randint(g, 1, 6), d) * 3 + 2
        weight, bias = randn(g, d), randn(g, d)
        got = yield call(x, weight, bias)
        expect_close(got, torch.nn.functional.layer_norm(x, (d,), weight, bias), f"layer_norm, d={d} #{trial + 1}")
    x = randn(g, 2, 8)
    got = yield call(x, torch.ones(8), torch.zeros(8), 1e-3)
    expect_close(got, torch.nn.functional.layer_norm(x, (8,), eps=1e-3), "layer_norm with eps=1e-3")
    constant = torch.full((1, 4), 7.0)
    got = yield call(constant, torch.ones(4), torch.zeros(4))
    expect(bool(torch.isfinite(got).all()) if type(got) is torch.Tensor else False,
           "layer_norm of a constant row must be finite (eps inside the square root)")


def _layer(g: torch.Generator, norm_first: bool) -> nn.TransformerEncoderLayer:
    num_heads, d_head = randint(g, 1, 4), randint(g, 1, 5)
    d_model = num_heads * d_head
    layer = nn.TransformerEncoderLayer(d_model, num_heads, randint(g, 2, 17), dropout=0.0, batch_first=True,
                                       norm_first=norm_first).eval()
    with torch.no_grad():
        for name, parameter in layer.named_parameters():
            around = 1.0 if name.startswith("norm") and name.endswith("weight") else 0.0  # LayerNorm gains near 1
            parameter.copy_(randn(g, *parameter.shape) * 0.5 + around)
    return layer


def hidden_block(g: torch.Generator) -> HiddenTest:
    for trial, norm_first in enumerate((False, True, False, True)):
        layer = _layer(g, norm_first)
        x = randn(g, randint(g, 1, 4), randint(g, 1, 7), layer.self_attn.embed_dim)
        mask = None if trial < 2 else random_mask(g, x.shape[0], 1, x.shape[1])
        if mask is not None:
            mask[..., 0] = True
        params = {name: value.detach() for name, value in layer.state_dict().items()}
        with torch.no_grad():
            expected = EncoderBlock.from_torch(layer).eval()(x, mask)[0]
            torch_out = layer(x) if mask is None else None
        got = yield call(x, params, layer.self_attn.num_heads, norm_first, mask)
        kind = "pre-norm" if norm_first else "post-norm"
        expect_close(got, expected, f"encoder_block, {kind}, mask {'no' if mask is None else 'yes'} #{trial + 1}")
        if torch_out is not None:
            expect_close(got, torch_out, f"encoder_block equals nn.TransformerEncoderLayer's, {kind}")


SET = ExerciseSet(
    name="09_encoder_block",
    title="A Transformer encoder block, post-norm and pre-norm",
    parts=(
        Part(id="a", function="layer_norm", title="LayerNorm over the last axis",
             visible_points=1, hidden_points=2, hidden=hidden_layer_norm,
             forbidden=("attn_course", "layer_norm"),
             hint="(x - mean) / sqrt(var + eps) with the biased variance (unbiased=False), then * weight + bias."),
        Part(id="b", function="encoder_block", title="self-attention and feed-forward, each with residual and norm",
             visible_points=1, hidden_points=4, hidden=hidden_block,
             forbidden=_SHORTCUTS,
             hint="post-norm: x = LN(x + f(x)); pre-norm: x = x + f(LN(x)); first attention, then the FFN."),
    ),
)
