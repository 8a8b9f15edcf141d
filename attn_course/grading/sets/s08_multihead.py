"""Set 8: multi-head attention with projections, as ``nn.MultiheadAttention`` has it (Vaswani et al., 2017, §3.2.2).

The reference is :meth:`attn_course.MultiHeadAttention.from_torch` of a randomly initialised
``nn.MultiheadAttention``, and torch's own output is checked too where its mask convention allows.
"""

from __future__ import annotations

import torch
from torch import nn

from attn_course._random import randint
from attn_course.grading.expect import HiddenTest, call, expect_close, expect_pair, randn, random_mask
from attn_course.grading.spec import ExerciseSet, Part
from attn_course.multihead import MultiHeadAttention

_SHORTCUTS = ("attn_course", "scaled_dot_product_attention", "MultiheadAttention", "multi_head_attention_forward")


def _module(g: torch.Generator, d_model: int, num_heads: int) -> nn.MultiheadAttention:
    module = nn.MultiheadAttention(d_model, num_heads, batch_first=True).eval()
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(randn(g, *parameter.shape) * 0.5)
    return module


def _weights(module: nn.MultiheadAttention) -> list[torch.Tensor]:
    return [module.in_proj_weight.detach(), module.in_proj_bias.detach(), module.out_proj.weight.detach(),
            module.out_proj.bias.detach()]


def hidden_unpack(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        d_model = randint(g, 1, 5) * randint(g, 1, 4)
        weight, bias = randn(g, 3 * d_model, d_model), randn(g, 3 * d_model)
        got = yield call(weight, bias)
        if type(got) is not tuple or len(got) != 6:
            raise AssertionError(f"unpack_in_projection: expected a tuple of 6 tensors, got {type(got).__name__}")
        expected = (*weight.chunk(3), *bias.chunk(3))
        for name, value, want in zip(("w_q", "w_k", "w_v", "b_q", "b_k", "b_v"), got, expected, strict=True):
            expect_close(value, want, f"unpack_in_projection {name}, d_model={d_model} #{trial + 1}")


def hidden_forward(g: torch.Generator) -> HiddenTest:
    for trial in range(4):
        num_heads, d_head = randint(g, 1, 5), randint(g, 1, 5)
        d_model, batch = num_heads * d_head, randint(g, 1, 4)
        len_q, len_k = randint(g, 1, 7), randint(g, 1, 8)
        module = _module(g, d_model, num_heads)
        query = randn(g, batch, len_q, d_model)
        key = query if trial == 0 else randn(g, batch, len_k, d_model)  # #1: self-attention
        value = query if trial == 0 else randn(g, batch, key.shape[1], d_model)
        mask = None if trial < 2 else random_mask(g, batch, 1, key.shape[1])
        if mask is not None:
            mask[..., 0] = True
        with torch.no_grad():
            want_out, want_w = MultiHeadAttention.from_torch(module).eval()(query, key, value, mask)
            torch_out, _ = module(query, key, value, need_weights=False)
        got = yield call(query, key, value, *_weights(module), num_heads, mask)
        out, weights = expect_pair(got, "mha_forward")
        expect_close(out, want_out, f"output, {num_heads} heads, mask {'no' if mask is None else 'yes'} #{trial + 1}")
        expect_close(weights, want_w, f"per-head weights (B, h, L_q, L_k) #{trial + 1}")
        if mask is None:
            expect_close(out, torch_out, f"output equals nn.MultiheadAttention's #{trial + 1}")


SET = ExerciseSet(
    name="08_multihead",
    title="Multi-head attention with projections",
    parts=(
        Part(id="a", function="unpack_in_projection", title="W_Q, W_K, W_V and their biases from the packed tensors",
             visible_points=1, hidden_points=1, hidden=hidden_unpack,
             forbidden=("attn_course",),
             hint="in_proj_weight stacks W_Q, W_K, W_V along its first axis: chunk(3)."),
        Part(id="b", function="mha_forward", title="projections, heads, attention, output projection",
             visible_points=1, hidden_points=4, hidden=hidden_forward,
             forbidden=_SHORTCUTS,
             hint="x @ W.T + b for q, k, v; split heads; masked softmax(q kᵀ / √d_head) v; merge; output projection."),
    ),
)
