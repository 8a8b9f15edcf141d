"""Set 5: additive (Bahdanau) attention, score(q, k) = vᵀ tanh(W_q q + W_k k) (Bahdanau et al., 2015)."""

from __future__ import annotations

import torch

from attn_course._random import randint
from attn_course.grading.expect import HiddenTest, call, expect, expect_close, expect_pair, randn, random_mask
from attn_course.grading.spec import ExerciseSet, Part
from attn_course.scoring import AdditiveAttention


def _problem(g: torch.Generator):
    batch, len_q, len_k = randint(g, 1, 4), randint(g, 1, 6), randint(g, 2, 7)
    d_q, d_k, d_h, d_v = randint(g, 1, 7), randint(g, 1, 7), randint(g, 1, 9), randint(g, 1, 5)
    tensors = dict(
        query=randn(g, batch, len_q, d_q), key=randn(g, batch, len_k, d_k), value=randn(g, batch, len_k, d_v),
        w_query=randn(g, d_h, d_q), w_key=randn(g, d_h, d_k), v=randn(g, d_h),
    )
    module = AdditiveAttention(d_q, d_k, d_h)
    with torch.no_grad():
        module.query_proj.weight.copy_(tensors["w_query"])
        module.key_proj.weight.copy_(tensors["w_key"])
        module.v.weight.copy_(tensors["v"][None])
    return tensors, module


def _pick(tensors: dict, *names: str) -> list[torch.Tensor]:
    return [tensors[name] for name in names]


def hidden_scores(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        t, module = _problem(g)
        with torch.no_grad():
            expected = module.score(t["query"], t["key"])
        got = yield call(*_pick(t, "query", "key", "w_query", "w_key", "v"))
        expect_close(got, expected, f"additive_scores, random sizes #{trial + 1}")


def hidden_attention(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        t, module = _problem(g)
        mask = random_mask(g, t["query"].shape[0], 1, t["key"].shape[1])
        mask[..., 0] = True
        with torch.no_grad():
            want_out, want_w = module(t["query"], t["key"], t["value"], mask)
        args = _pick(t, "query", "key", "value", "w_query", "w_key", "v")
        out, w = expect_pair((yield call(*args, mask)), "additive_attention")
        expect_close(out, want_out, f"output, random sizes and mask #{trial + 1}")
        expect_close(w, want_w, f"weights, random sizes and mask #{trial + 1}")
        expect(bool((w[~mask.expand_as(w)] == 0).all()), "blocked weights must be exactly 0")


SET = ExerciseSet(
    name="05_additive",
    title="Additive attention",
    parts=(
        Part(id="a", function="additive_scores", title="vᵀ tanh(W_q q + W_k k) for every (query, key) pair",
             visible_points=1, hidden_points=3, hidden=hidden_scores,
             forbidden=("attn_course", "AdditiveAttention"),
             hint="Project, then unsqueeze: (L_q, 1, d_h) + (1, L_k, d_h)."),
        Part(id="b", function="additive_attention", title="masked additive attention",
             visible_points=1, hidden_points=2, hidden=hidden_attention,
             forbidden=("attn_course", "AdditiveAttention", "scaled_dot_product_attention"),
             hint="Same softmax-and-average as dot-product attention; only the scores change."),
    ),
)
