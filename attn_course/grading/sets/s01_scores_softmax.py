"""Set 1: scaled dot-product scores and a numerically stable softmax (Vaswani et al., 2017, eq. 1)."""

from __future__ import annotations

import torch

from attn_course._random import randint
from attn_course.attention import scaled_dot_product_scores
from attn_course.grading.expect import HiddenTest, call, expect, expect_close, expect_tensor, randn
from attn_course.grading.spec import ExerciseSet, Part


def _qk(g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    batch, len_q, len_k, d_k = randint(g, 1, 4), randint(g, 1, 7), randint(g, 1, 8), randint(g, 2, 17)
    return randn(g, batch, len_q, d_k), randn(g, batch, len_k, d_k)


def hidden_scores(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        q, k = _qk(g)
        got = yield call(q, k)
        expect_close(got, scaled_dot_product_scores(q, k), f"scaled_scores, random inputs #{trial + 1}")
    q, k = _qk(g)
    got = yield call(q[0], k[0])
    expect_close(got, scaled_dot_product_scores(q[0], k[0]), "scaled_scores on 2-D inputs")


def hidden_softmax(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        x = randn(g, randint(g, 1, 5), randint(g, 1, 10)) * 5
        got = yield call(x)
        expect_close(got, torch.softmax(x, dim=-1), f"stable_softmax, random scores #{trial + 1}")
    big = torch.tensor([[1000.0, 999.0, -1000.0], [-1e4, -1e4, -1e4]])
    out = yield call(big)
    expect_close(out, torch.softmax(big, dim=-1), "stable_softmax on logits of ±1000 (subtract the row max)")
    x = randn(g, 3, 5)
    shifted, plain = (yield call(x + 50.0)), (yield call(x))
    expect_close(shifted, expect_tensor(plain, "stable_softmax(x)"), "shift invariance: softmax(x + c) == softmax(x)")
    expect(bool(torch.isfinite(out).all()), "stable_softmax returned inf or NaN on large logits")


def hidden_weights(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        q, k = _qk(g)
        expected = torch.softmax(scaled_dot_product_scores(q, k), dim=-1)
        weights = yield call(q, k)
        expect_close(weights, expected, f"attention_weights, random inputs #{trial + 1}")
    expect_close(weights.sum(-1), torch.ones(expected.shape[:-1]), "each row of weights sums to 1")


SET = ExerciseSet(
    name="01_scores_softmax",
    title="Scores and softmax",
    parts=(
        Part(id="a", function="scaled_scores", title="scores Q Kᵀ / √d_k",
             visible_points=1, hidden_points=2, hidden=hidden_scores,
             forbidden=("attn_course", "scaled_dot_product_attention"),
             hint="Transpose the last two dimensions of key."),
        Part(id="b", function="stable_softmax", title="a stable softmax without torch.softmax",
             visible_points=1, hidden_points=3, hidden=hidden_softmax,
             forbidden=("attn_course", "softmax", "log_softmax"),
             hint="Subtract the row maximum before exp()."),
        Part(id="c", function="attention_weights", title="weights = softmax(scores)",
             visible_points=1, hidden_points=1, hidden=hidden_weights,
             forbidden=("attn_course", "scaled_dot_product_attention"),
             hint="Combine your two functions."),
    ),
)
