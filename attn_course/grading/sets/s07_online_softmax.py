"""Set 7 (advanced): online softmax and tiled attention (Milakov & Gimelshein, 2018; Dao et al., 2022)."""

from __future__ import annotations

import torch

from ..._random import randint
from ...attention import attention
from ..spec import ExerciseSet, Part
from ._expect import expect_close, randn

_NO_SOFTMAX = ("attn_course", "softmax", "log_softmax", "scaled_dot_product_attention", "logsumexp")


def hidden_online(online_softmax, g: torch.Generator) -> None:
    for trial in range(3):
        x = randn(g, randint(g, 1, 5), randint(g, 1, 21)) * 10
        block = randint(g, 1, 7)
        got = online_softmax(x.clone(), block)
        expect_close(got, torch.softmax(x, -1), f"online_softmax(block_size={block}) #{trial + 1}")
    big = torch.tensor([[1000.0, -1000.0, 999.0, 998.0]])
    expect_close(online_softmax(big.clone(), 1), torch.softmax(big, -1), "online_softmax on logits of ±1000")


def hidden_tiled(tiled_attention, g: torch.Generator) -> None:
    for trial in range(3):
        len_k = randint(g, 1, 13)
        q, k, v = randn(g, 2, randint(g, 1, 7), 4), randn(g, 2, len_k, 4), randn(g, 2, len_k, 3)
        expected = attention(q, k, v)[0]
        for block in (1, randint(g, 2, 6), len_k + 3):
            got = tiled_attention(q.clone(), k.clone(), v.clone(), block)
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
