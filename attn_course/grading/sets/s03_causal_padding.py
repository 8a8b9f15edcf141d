"""Set 3: causal and padding masks, and their combination for a decoder (Vaswani et al., 2017, §3.2.3)."""

from __future__ import annotations

import torch

from attn_course._random import randint
from attn_course.grading.expect import HiddenTest, call, expect_close
from attn_course.grading.references import decoder_mask
from attn_course.grading.spec import ExerciseSet, Part
from attn_course.masks import causal_mask, padding_mask


def hidden_causal(g: torch.Generator) -> HiddenTest:
    for n in (1, randint(g, 2, 7), randint(g, 7, 21)):
        expect_close((yield call(n)), causal_mask(n), f"build_causal_mask({n})")


def _lengths(g: torch.Generator) -> tuple[list[int], int]:
    max_len = randint(g, 2, 10)
    return [randint(g, 0, max_len + 1) for _ in range(randint(g, 1, 5))], max_len


def hidden_padding(g: torch.Generator) -> HiddenTest:
    for _ in range(3):
        lengths, max_len = _lengths(g)
        expect_close((yield call(torch.tensor(lengths), max_len)), padding_mask(lengths, max_len),
                     f"build_padding_mask(lengths={lengths}, max_len={max_len})")


def hidden_decoder(g: torch.Generator) -> HiddenTest:
    for _ in range(3):
        lengths, max_len = _lengths(g)
        expect_close((yield call(torch.tensor(lengths), max_len)), decoder_mask(lengths, max_len),
                     f"build_decoder_mask(lengths={lengths}, max_len={max_len})")


SET = ExerciseSet(
    name="03_causal_padding",
    title="Causal and padding masks",
    parts=(
        Part(id="a", function="build_causal_mask", title="a causal mask",
             visible_points=1, hidden_points=1, hidden=hidden_causal,
             forbidden=("attn_course",),
             hint="Query i may see keys 0..i: a lower triangle."),
        Part(id="b", function="build_padding_mask", title="a padding mask",
             visible_points=1, hidden_points=2, hidden=hidden_padding,
             forbidden=("attn_course",),
             hint="Compare torch.arange(max_len) with each length; keep a singleton query axis."),
        Part(id="c", function="build_decoder_mask", title="causal AND padding",
             visible_points=1, hidden_points=2, hidden=hidden_decoder,
             forbidden=("attn_course",),
             hint="Both rules must hold: AND your two masks and let them broadcast."),
    ),
)
