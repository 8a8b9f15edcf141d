"""Set 6: sinusoidal positional encoding (Vaswani et al., 2017, §3.5)."""

from __future__ import annotations

import torch

from attn_course._random import randint
from attn_course.grading.expect import HiddenTest, call, expect, expect_close, expect_tensor, randn
from attn_course.grading.references import add_positional_encoding
from attn_course.grading.spec import ExerciseSet, Part
from attn_course.positional import sinusoidal_positional_encoding


def hidden_table(g: torch.Generator) -> HiddenTest:
    for _ in range(3):
        length, d_model = randint(g, 1, 41), 2 * randint(g, 1, 17)
        pe = yield call(length, d_model)
        expect_close(pe, sinusoidal_positional_encoding(length, d_model), f"positional_encoding({length}, {d_model})")
    pe = expect_tensor(pe, "positional_encoding")
    expect(bool((pe.abs() <= 1.0 + 1e-6).all()), "every entry is a sine or cosine, so |PE| <= 1")


def hidden_add(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        x = randn(g, randint(g, 1, 4), randint(g, 1, 13), 2 * randint(g, 1, 9))
        expect_close((yield call(x)), add_positional_encoding(x), f"add_positional_encoding, random #{trial + 1}")


SET = ExerciseSet(
    name="06_positional",
    title="Sinusoidal positional encoding",
    parts=(
        Part(id="a", function="positional_encoding", title="the (length, d_model) sine/cosine table",
             visible_points=1, hidden_points=3, hidden=hidden_table,
             forbidden=("attn_course",),
             hint="angle = pos / 10000^(2i / d_model); sines in even columns, cosines in odd."),
        Part(id="b", function="add_positional_encoding", title="add the table to a batch of embeddings",
             visible_points=1, hidden_points=1, hidden=hidden_add,
             forbidden=("attn_course",),
             hint="Build the table for x.shape[1] positions and let it broadcast over the batch."),
    ),
)
