"""Set 11: sampling the next token with temperature and top-k (Fan et al., 2018; Holtzman et al., 2020).

The reference is :func:`attn_course.models.next_token_probs`, the distribution
:func:`attn_course.models.generate` draws from.
"""

from __future__ import annotations

import torch

from ..._random import randint, uniform
from ...models.generation import next_token_probs
from ..spec import ExerciseSet, Part
from ._expect import expect, expect_close, expect_tensor, randn


def _logits(g: torch.Generator) -> torch.Tensor:
    return randn(g, randint(g, 1, 5), randint(g, 2, 12)) * uniform(g, 0.5, 4.0)  # (B, V), no ties


def hidden_temperature(temperature_softmax, g: torch.Generator) -> None:
    for _ in range(3):
        logits, temperature = _logits(g), uniform(g, 0.1, 3.0)
        expect_close(temperature_softmax(logits.clone(), temperature),
                     next_token_probs(logits, temperature=temperature), f"temperature_softmax, T={temperature:.3f}")
    big = torch.tensor([[1000.0, 999.0, -1000.0]])
    out = temperature_softmax(big.clone(), 0.5)
    expect_close(out, next_token_probs(big, temperature=0.5), "temperature_softmax on logits of ±1000")
    batch = randn(g, 2, 3, 7)  # any leading dimensions
    expect_close(temperature_softmax(batch.clone(), 2.0), next_token_probs(batch, temperature=2.0),
                 "temperature_softmax on (2, 3, V) logits")


def hidden_top_k(top_k_logits, g: torch.Generator) -> None:
    for trial in range(3):
        logits = _logits(g)
        k = randint(g, 1, logits.shape[-1] + 1)
        got = expect_tensor(top_k_logits(logits.clone(), k), "top_k_logits")
        kth = logits.topk(k, dim=-1).values[..., -1:]  # (B, 1): the k-th largest logit
        expected = logits.masked_fill(logits < kth, float("-inf"))
        expect_close(got, expected, f"top_k_logits(k={k}) #{trial + 1}")
    logits = _logits(g)
    expect_close(top_k_logits(logits.clone(), 100), logits, "top_k_logits with k larger than the vocabulary")


def hidden_sample(sample_next, g: torch.Generator) -> None:
    for _ in range(2):
        logits = _logits(g)
        seed = randint(g, 0, 2**31)
        greedy = logits.argmax(dim=-1)
        for kwargs in (dict(temperature=0.0, k=None), dict(temperature=uniform(g, 0.2, 2.0), k=1)):
            got = expect_tensor(sample_next(logits.clone(), generator=torch.Generator().manual_seed(seed), **kwargs),
                                "sample_next")
            expect(got.dtype == torch.long and tuple(got.shape) == (logits.shape[0],),
                   f"sample_next must return a (B,) LongTensor, got {got.dtype} {tuple(got.shape)}")
            expect(bool(torch.equal(got, greedy)), f"sample_next({kwargs}) must give the arg-max")
    row = randn(g, 1, 6) * 2
    temperature, k = uniform(g, 0.5, 2.0), randint(g, 2, 5)
    draws = 4000
    seed = randint(g, 0, 2**31)
    got = sample_next(row.expand(draws, -1).clone(), temperature=temperature, k=k,
                      generator=torch.Generator().manual_seed(seed))
    got = expect_tensor(got, "sample_next")
    expect(tuple(got.shape) == (draws,) and got.dtype == torch.long, "sample_next must return a (B,) LongTensor")
    again = sample_next(row.expand(draws, -1).clone(), temperature=temperature, k=k,
                        generator=torch.Generator().manual_seed(seed))
    expect(bool(torch.equal(got, again)), "the same generator seed must give the same sample")
    reference = next_token_probs(row[0], temperature=temperature, top_k=k)
    outside = int((reference[got] == 0).sum())
    expect(outside == 0, f"{outside} of {draws} draws fell outside the top-{k} tokens")
    frequency = torch.bincount(got, minlength=6).double() / draws
    error = float((frequency - reference.double()).abs().max())
    expect(error < 0.05, f"sample frequencies differ from softmax(top-k(logits) / T) by up to {error:.3f}")


SET = ExerciseSet(
    name="11_sampling",
    title="Sampling with temperature and top-k",
    parts=(
        Part(id="a", function="temperature_softmax", title="probabilities at temperature T",
             visible_points=1, hidden_points=2, hidden=hidden_temperature,
             hint="Divide the logits by T before a stable softmax over the last dimension."),
        Part(id="b", function="top_k_logits", title="keep the k largest logits",
             visible_points=1, hidden_points=2, hidden=hidden_top_k,
             forbidden=("attn_course",),
             hint="torch.topk gives the k-th largest value of each row; set everything below it to -inf."),
        Part(id="c", function="sample_next", title="draw the next token",
             visible_points=1, hidden_points=3, hidden=hidden_sample,
             hint="T = 0 is the arg-max; otherwise sample from softmax(top_k_logits(logits, k) / T) with "
                  "torch.multinomial and the generator."),
    ),
)
