"""Set 10: greedy decoding with a KV cache (Vaswani et al., 2017, §3; Pope et al., 2023).

The model is :class:`attn_course.models.CharGPT`, randomly initialised, given to the student as its
``state_dict`` and run by ``decoder_logits``, a function of the notebook's setup cell that calls the
student's cache functions. The reference is :func:`attn_course.models.generate` with
``temperature=0`` (greedy) and ``use_cache=True``.
"""

from __future__ import annotations

import torch

from attn_course._random import randint
from attn_course.grading.expect import HiddenTest, call, expect, expect_close, expect_pair, randn
from attn_course.grading.references import append_to_cache, cached_attention
from attn_course.grading.spec import ExerciseSet, Part
from attn_course.models import CharGPT, generate

_SHORTCUTS = ("attn_course", "scaled_dot_product_attention", "MultiheadAttention", "multi_head_attention_forward")


def hidden_append(g: torch.Generator) -> HiddenTest:
    batch, heads, d_head = randint(g, 1, 3), randint(g, 1, 4), randint(g, 1, 5)
    keys = randn(g, batch, heads, randint(g, 1, 4), d_head)
    values = randn(g, *keys.shape)
    keys_out, values_out = expect_pair((yield call(None, keys, values)), "append_to_cache(None, ...)")
    expect_close(keys_out, keys, "an empty cache becomes the new keys")
    expect_close(values_out, values, "an empty cache becomes the new values")
    cache = (keys, values)
    for step in range(3):
        new_k = randn(g, batch, heads, randint(g, 1, 3), d_head)
        new_v = randn(g, *new_k.shape)
        got = expect_pair((yield call(cache, new_k, new_v)), "append_to_cache")
        cache = append_to_cache(cache, new_k, new_v)
        expect_close(got[0], cache[0], f"keys after step {step + 1}: old positions first, along the length axis")
        expect_close(got[1], cache[1], f"values after step {step + 1}")


def hidden_cached_attention(g: torch.Generator) -> HiddenTest:
    for trial in range(4):
        batch, heads, d_head = randint(g, 1, 3), randint(g, 1, 4), randint(g, 1, 6)
        total = randint(g, 1, 9)
        new = 1 if trial < 2 else randint(g, 1, total + 1)  # one new token, then a prompt of several
        q = randn(g, batch, heads, new, d_head)
        k, v = randn(g, batch, heads, total, d_head), randn(g, batch, heads, total, randint(g, 1, 5))
        got = yield call(q, k, v)
        expect_close(got, cached_attention(q, k, v), f"cached_attention, {new} new of {total} positions #{trial + 1}")


def _clear_margins(model: CharGPT, tokens: torch.Tensor) -> bool:
    """Every greedy choice wins by a clear margin, so that float rounding cannot flip it."""
    with torch.no_grad():
        logits = model(tokens)[:, tokens.shape[1] // 2:]  # (B, t, V)
    top = logits.topk(2, dim=-1).values
    return bool((top[..., 0] - top[..., 1] > 1e-3).all())


def hidden_decode(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        vocab, heads, d_head = randint(g, 5, 20), randint(g, 1, 4), randint(g, 2, 6)
        model = CharGPT(vocab, heads * d_head, heads, randint(g, 1, 3), max_len=32, seed=randint(g, 0, 10_000)).eval()
        for _ in range(20):
            prompt = torch.randint(0, vocab, (randint(g, 1, 3), randint(g, 1, 5)), generator=g)
            steps = randint(g, 1, 8)
            expected = generate(model, prompt, steps, temperature=0, use_cache=True)
            if _clear_margins(model, expected):
                break
        params = {name: value.detach() for name, value in model.state_dict().items()}
        got = yield call(params, prompt, steps, heads)
        expect_close(got, expected, f"greedy_decode: {steps} tokens after a prompt of {prompt.shape[1]} #{trial + 1}")
        expect(bool((got[:, :prompt.shape[1]] == prompt).all()), "the prompt is kept at the start")


SET = ExerciseSet(
    name="10_kv_cache",
    title="Greedy decoding with a KV cache",
    parts=(
        Part(id="a", function="append_to_cache", title="append the new keys and values",
             visible_points=1, hidden_points=1, hidden=hidden_append,
             forbidden=("attn_course",),
             hint="None means empty; otherwise torch.cat along the length axis (-2), old positions first."),
        Part(id="b", function="cached_attention", title="the new queries against every cached position",
             visible_points=1, hidden_points=2, hidden=hidden_cached_attention,
             forbidden=_SHORTCUTS,
             hint="New query i sits at position t - n + i and may see keys 0..t - n + i."),
        Part(id="c", function="greedy_decode", title="prefill, then one token per step",
             visible_points=1, hidden_points=3, hidden=hidden_decode,
             forbidden=_SHORTCUTS,
             hint="Feed the prompt once, then only the newest token; take the argmax of the last logits."),
    ),
)
