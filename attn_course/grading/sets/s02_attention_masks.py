"""Set 2: attention with a mask, returning (output, weights) (Vaswani et al., 2017, eq. 1 and §3.2.3)."""

from __future__ import annotations

import torch

from attn_course._random import randint
from attn_course.attention import attention
from attn_course.grading.expect import HiddenTest, call, expect, expect_close, expect_pair, randn, random_mask
from attn_course.grading.spec import ExerciseSet, Part


def _qkv_mask(g: torch.Generator):
    batch, len_q, len_k = randint(g, 1, 4), randint(g, 1, 7), randint(g, 2, 8)
    d_k, d_v = randint(g, 2, 9), randint(g, 1, 7)
    q, k, v = randn(g, batch, len_q, d_k), randn(g, batch, len_k, d_k), randn(g, batch, len_k, d_v)
    mask = random_mask(g, batch, len_q, len_k)
    mask[..., 0] = True  # every query may attend to at least one key
    return q, k, v, mask


def hidden_apply_mask(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        scores = randn(g, randint(g, 1, 4), randint(g, 1, 6), randint(g, 1, 7))
        mask = random_mask(g, *scores.shape)
        got = yield call(scores, mask)
        expect_close(got, scores.masked_fill(~mask, float("-inf")), f"apply_mask, random mask #{trial + 1}")
    scores = randn(g, 2, 3, 4)
    row_mask = random_mask(g, 2, 1, 4)  # broadcast over queries
    got = yield call(scores, row_mask)
    expect_close(got, scores.masked_fill(~row_mask, float("-inf")),
                 "apply_mask with a (B, 1, L_k) mask that broadcasts")


def hidden_attention(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        q, k, v, mask = _qkv_mask(g)
        want_out, want_w = attention(q, k, v, mask)
        out, w = expect_pair((yield call(q, k, v, mask)), "attention(..., mask)")
        expect_close(out, want_out, f"output with a random mask #{trial + 1}")
        expect_close(w, want_w, f"weights with a random mask #{trial + 1}")
        expect(bool((w[~mask.expand_as(w)] == 0).all()), "blocked weights must be exactly 0 (fill with -inf)")
    q, k, v, _ = _qkv_mask(g)
    out, w = expect_pair((yield call(q, k, v)), "attention without a mask")
    want_out, want_w = attention(q, k, v)
    expect_close(out, want_out, "output without a mask")
    expect_close(w, want_w, "weights without a mask")
    blocked = torch.ones(q.shape[0], q.shape[1], k.shape[1], dtype=torch.bool)
    blocked[:, 0] = False  # the first query may attend to nothing
    out, w = expect_pair((yield call(q, k, v, blocked)), "attention, fully masked row")
    expect(bool(torch.isfinite(out).all() and torch.isfinite(w).all()), "a fully masked row must not give NaN")
    expect_close(w, attention(q, k, v, blocked)[1], "a fully masked row gets all-zero weights")


SET = ExerciseSet(
    name="02_attention_masks",
    title="Attention with masks",
    parts=(
        Part(id="a", function="apply_mask", title="blocked scores become -inf",
             visible_points=1, hidden_points=2, hidden=hidden_apply_mask,
             forbidden=("attn_course",),
             hint="masked_fill fills where its mask is True; invert yours."),
        Part(id="b", function="attention", title="masked attention returning (output, weights)",
             visible_points=1, hidden_points=4, hidden=hidden_attention,
             forbidden=("attn_course", "scaled_dot_product_attention", "MultiheadAttention",
                        "multi_head_attention_forward"),
             hint="Rows with no allowed key: replace NaN weights by 0."),
    ),
)
