"""Set 4: splitting and merging heads for multi-head attention (Vaswani et al., 2017, §3.2.2)."""

from __future__ import annotations

import torch

from attn_course._random import randint
from attn_course.grading.expect import HiddenTest, call, expect_close, randn
from attn_course.grading.references import heads_attention
from attn_course.grading.spec import ExerciseSet, Part
from attn_course.multihead import split_heads

_SHORTCUTS = ("attn_course", "scaled_dot_product_attention", "MultiheadAttention", "multi_head_attention_forward")


def _x(g: torch.Generator) -> tuple[torch.Tensor, int]:
    num_heads = randint(g, 1, 5)
    return randn(g, randint(g, 1, 4), randint(g, 1, 7), num_heads * randint(g, 1, 6)), num_heads


def hidden_split(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        x, h = _x(g)
        expect_close((yield call(x, h)), split_heads(x, h), f"split_into_heads, random #{trial + 1}")


def hidden_merge(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        x, h = _x(g)
        heads = split_heads(x, h)
        expect_close((yield call(heads)), x, f"merge_from_heads(split_heads(x)) == x, random #{trial + 1}")


def hidden_heads_attention(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        x, h = _x(g)
        y = randn(g, x.shape[0], randint(g, 1, 7), x.shape[-1])
        got = yield call(x, y, y, h)
        expect_close(got, heads_attention(x, y, y, h), f"heads_attention, random #{trial + 1}")


SET = ExerciseSet(
    name="04_heads",
    title="Splitting and merging heads",
    parts=(
        Part(id="a", function="split_into_heads", title="(B, L, d_model) -> (B, h, L, d_head)",
             visible_points=1, hidden_points=2, hidden=hidden_split,
             forbidden=("attn_course",),
             hint="reshape to (B, L, h, d_head), then transpose(1, 2)."),
        Part(id="b", function="merge_from_heads", title="(B, h, L, d_head) -> (B, L, d_model)",
             visible_points=1, hidden_points=2, hidden=hidden_merge,
             forbidden=("attn_course",),
             hint="transpose back, then reshape (a transposed tensor needs .reshape, not .view)."),
        Part(id="c", function="heads_attention", title="attention in every head at once",
             visible_points=1, hidden_points=2, hidden=hidden_heads_attention,
             forbidden=_SHORTCUTS,
             hint="Split q, k, v; softmax(q kᵀ / √d_head) v per head; merge."),
    ),
)
