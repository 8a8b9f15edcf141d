"""Set 7 (advanced): online softmax and tiled attention (Milakov & Gimelshein, 2018; Dao et al., 2022)."""

from __future__ import annotations

import torch

from attn_course._random import randint
from attn_course.attention import attention
from attn_course.grading.expect import HiddenTest, call, expect_close, randn
from attn_course.grading.spec import ExerciseSet, Part

_NO_SOFTMAX = ("attn_course", "softmax", "log_softmax", "scaled_dot_product_attention", "logsumexp")


def hidden_online(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        x = randn(g, randint(g, 1, 5), randint(g, 1, 21)) * 10
        block = randint(g, 1, 7)
        got = yield call(x, block)
        expect_close(got, torch.softmax(x, -1), f"online_softmax(block_size={block}) #{trial + 1}")
    big = torch.tensor([[1000.0, -1000.0, 999.0, 998.0]])
    expect_close((yield call(big, 1)), torch.softmax(big, -1), "online_softmax on logits of ±1000")


def hidden_tiled(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        len_k = randint(g, 1, 13)
        q, k, v = randn(g, 2, randint(g, 1, 7), 4), randn(g, 2, len_k, 4), randn(g, 2, len_k, 3)
        expected = attention(q, k, v)[0]
        for block in (1, randint(g, 2, 6), len_k + 3):
            got = yield call(q, k, v, block)
            expect_close(got, expected, f"tiled_attention(block_size={block}) #{trial + 1}", atol=1e-5)


SET = ExerciseSet(
    name="07_online_softmax",
    title="Online softmax and tiled attention (advanced)",
    parts=(
        Part(id="a", function="online_softmax", title="softmax from running max and sum",
             visible_points=1, hidden_points=2, hidden=hidden_online,
             forbidden=_NO_SOFTMAX,
             hint="When the max grows from m to m', rescale the running sum by exp(m - m')."),
        Part(id="b", function="tiled_attention", title="attention one key block at a time",
             visible_points=1, hidden_points=3, hidden=hidden_tiled,
             forbidden=_NO_SOFTMAX,
             hint="Keep per-query running max, sum and output; rescale them when the max changes."),
    ),
)
