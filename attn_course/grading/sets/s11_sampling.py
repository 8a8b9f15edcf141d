"""Set 11: sampling the next token with temperature and top-k (Fan et al., 2018; Holtzman et al., 2020).

The reference is :func:`attn_course.models.next_token_probs`, the distribution
:func:`attn_course.models.generate` draws from. The student's sampler takes a ``seed`` (an int)
rather than a ``torch.Generator``, because only plain data crosses into the sandbox.
"""

from __future__ import annotations

import torch

from attn_course._random import randint, uniform
from attn_course.grading.expect import HiddenTest, call, expect, expect_close, expect_tensor, randn
from attn_course.grading.spec import ExerciseSet, Part
from attn_course.models.generation import next_token_probs


def _logits(g: torch.Generator) -> torch.Tensor:
    return randn(g, randint(g, 1, 5), randint(g, 2, 12)) * uniform(g, 0.5, 4.0)  # (B, V), no ties


def hidden_temperature(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        logits, temperature = _logits(g), uniform(g, 0.1, 3.0)
        got = yield call(logits, temperature)
        expect_close(got, next_token_probs(logits, temperature=temperature),
                     f"temperature_softmax, T={temperature:.3f} #{trial + 1}")
    big = torch.tensor([[1000.0, 999.0, -1000.0]])
    got = yield call(big, 0.5)
    expect_close(got, next_token_probs(big, temperature=0.5), "temperature_softmax on logits of ±1000")
    batch = randn(g, 2, 3, 7)  # any leading dimensions
    got = yield call(batch, 2.0)
    expect_close(got, next_token_probs(batch, temperature=2.0), "temperature_softmax on (2, 3, V) logits")


def hidden_top_k(g: torch.Generator) -> HiddenTest:
    for trial in range(3):
        logits = _logits(g)
        k = randint(g, 1, logits.shape[-1] + 1)
        kth = logits.topk(k, dim=-1).values[..., -1:]  # (B, 1): the k-th largest logit
        got = yield call(logits, k)
        expect_close(got, logits.masked_fill(logits < kth, float("-inf")), f"top_k_logits(k={k}) #{trial + 1}")
    logits = _logits(g)
    got = yield call(logits, 100)
    expect_close(got, logits, "top_k_logits with k larger than the vocabulary")


def _token_ids(got: object, rows: int, what: str) -> torch.Tensor:
    tensor = expect_tensor(got, what)
    expect(tensor.dtype == torch.long and tuple(tensor.shape) == (rows,),
           f"{what} must return a ({rows},) LongTensor, got {tensor.dtype} {tuple(tensor.shape)}")
    return tensor


def hidden_sample(g: torch.Generator) -> HiddenTest:
    for _ in range(2):
        logits = _logits(g)
        greedy = logits.argmax(dim=-1)
        for temperature, k in ((0.0, None), (uniform(g, 0.2, 2.0), 1)):
            got = _token_ids((yield call(logits, temperature, k=k, seed=randint(g, 0, 2**31))), logits.shape[0],
                             "sample_next")
            expect(bool(torch.equal(got, greedy)), f"sample_next(T={temperature:.3f}, k={k}) must give the arg-max")
    row = randn(g, 1, 6) * 2
    temperature, k, draws = uniform(g, 0.5, 2.0), randint(g, 2, 5), 4000
    seed = randint(g, 0, 2**31)
    got = _token_ids((yield call(row.expand(draws, -1).clone(), temperature, k=k, seed=seed)), draws, "sample_next")
    again = _token_ids((yield call(row.expand(draws, -1).clone(), temperature, k=k, seed=seed)), draws, "sample_next")
    expect(bool(torch.equal(got, again)), "the same seed must give the same sample")
    other = _token_ids((yield call(row.expand(draws, -1).clone(), temperature, k=k, seed=seed + 1)), draws,
                       "sample_next")
    expect(not torch.equal(got, other), "another seed must give another sample of 4000 draws")
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
             forbidden=("attn_course",),
             hint="Divide the logits by T, then take a softmax over the last dimension."),
        Part(id="b", function="top_k_logits", title="keep the k largest logits",
             visible_points=1, hidden_points=2, hidden=hidden_top_k,
             forbidden=("attn_course",),
             hint="torch.topk gives the k-th largest value of each row; set everything below it to -inf."),
        Part(id="c", function="sample_next", title="draw the next token",
             visible_points=1, hidden_points=3, hidden=hidden_sample,
             forbidden=("attn_course",),
             hint="T = 0 is the arg-max; otherwise sample from softmax(top_k_logits(logits, k) / T) with "
                  "torch.multinomial and torch.Generator().manual_seed(seed)."),
    ),
)
