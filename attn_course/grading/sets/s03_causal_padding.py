"""Set 3: causal and padding masks, and their combination for a decoder (Vaswani et al., 2017, §3.2.3)."""

from __future__ import annotations

import torch

from ...masks import causal_mask, padding_mask
from ..spec import ExerciseSet, Part
from ._expect import expect_close, randint


def hidden_causal(build_causal_mask, g: torch.Generator) -> None:
    for n in (1, randint(g, 2, 6), randint(g, 7, 20)):
        expect_close(build_causal_mask(n), causal_mask(n), f"build_causal_mask({n})")


def _lengths(g: torch.Generator) -> tuple[list[int], int]:
    max_len = randint(g, 2, 9)
    return [randint(g, 0, max_len) for _ in range(randint(g, 1, 4))], max_len


def hidden_padding(build_padding_mask, g: torch.Generator) -> None:
    for _ in range(3):
        lengths, max_len = _lengths(g)
        expect_close(build_padding_mask(torch.tensor(lengths), max_len), padding_mask(lengths, max_len),
                     f"build_padding_mask(lengths={lengths}, max_len={max_len})")


def hidden_decoder(build_decoder_mask, g: torch.Generator) -> None:
    for _ in range(3):
        lengths, max_len = _lengths(g)
        expected = causal_mask(max_len) & padding_mask(lengths, max_len)  # (B, L, L)
        expect_close(build_decoder_mask(torch.tensor(lengths), max_len), expected,
                     f"build_decoder_mask(lengths={lengths}, max_len={max_len})")


SET = ExerciseSet(
    name="03_causal_padding",
    title="Causal and padding masks",
    parts=(
        Part("a", "build_causal_mask", "a causal mask", 1, 1, hidden_causal, ("attn_course",),
             "Query i may see keys 0..i: a lower triangle."),
        Part("b", "build_padding_mask", "a padding mask", 1, 2, hidden_padding, ("attn_course",),
             "Compare torch.arange(max_len) with each length; keep a singleton query axis."),
        Part("c", "build_decoder_mask", "causal AND padding", 1, 2, hidden_decoder, ("attn_course",),
             "Both rules must hold: AND your two masks and let them broadcast."),
    ),
)
