"""Set 6: sinusoidal positional encoding (Vaswani et al., 2017, §3.5)."""

from __future__ import annotations

import torch

from ...positional import sinusoidal_positional_encoding
from ..spec import ExerciseSet, Part
from ._expect import expect, expect_close, randint, randn


def hidden_table(positional_encoding, g: torch.Generator) -> None:
    for _ in range(3):
        length, d_model = randint(g, 1, 40), 2 * randint(g, 1, 16)
        pe = positional_encoding(length, d_model)
        expect_close(pe, sinusoidal_positional_encoding(length, d_model), f"positional_encoding({length}, {d_model})")
    expect(bool((pe.abs() <= 1.0 + 1e-6).all()), "every entry is a sine or cosine, so |PE| <= 1")


def hidden_add(add_positional_encoding, g: torch.Generator) -> None:
    for trial in range(3):
        x = randn(g, randint(g, 1, 3), randint(g, 1, 12), 2 * randint(g, 1, 8))
        expected = x + sinusoidal_positional_encoding(x.shape[1], x.shape[2])
        expect_close(add_positional_encoding(x.clone()), expected, f"add_positional_encoding, random #{trial + 1}")


SET = ExerciseSet(
    name="06_positional",
    title="Sinusoidal positional encoding",
    parts=(
        Part("a", "positional_encoding", "the (length, d_model) sine/cosine table", 1, 3, hidden_table,
             ("attn_course",), "angle = pos / 10000^(2i / d_model); sines in even columns, cosines in odd."),
        Part("b", "add_positional_encoding", "add the table to a batch of embeddings", 1, 1, hidden_add,
             ("attn_course",), "Build the table for x.shape[1] positions and let it broadcast over the batch."),
    ),
)
