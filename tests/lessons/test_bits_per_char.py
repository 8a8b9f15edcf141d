"""Bits per character: the count baselines against hand computations, and a model's bpc against its loss."""

import math

import pytest
import torch

from attn_course.lessons.bits_per_char import bigram_bits, bigram_probs, model_bits, unigram_bits, unigram_probs
from attn_course.models import CharGPT

TRAIN = torch.tensor([0, 1, 0, 1, 0, 2])  # counts 3, 2, 1; pairs 0->1 twice, 1->0 twice, 0->2 once


def test_unigram_and_bigram_probabilities_are_smoothed_counts():
    torch.testing.assert_close(unigram_probs(TRAIN, 3, alpha=1.0), torch.tensor([4, 3, 2], dtype=torch.float64) / 9)
    probs = bigram_probs(TRAIN, 3, alpha=0.5)
    torch.testing.assert_close(probs[0], torch.tensor([0.5, 2.5, 1.5], dtype=torch.float64) / 4.5)
    torch.testing.assert_close(probs[2], torch.full((3,), 1 / 3, dtype=torch.float64))  # never seen: uniform


def test_bits_are_the_mean_negative_log2_probability_of_the_next_characters():
    val = torch.tensor([1, 0, 2])
    expected_unigram = -(math.log2(4 / 9) + math.log2(2 / 9)) / 2  # scores val[1:], like the other models
    assert unigram_bits(TRAIN, val, 3) == pytest.approx(expected_unigram)
    expected_bigram = -(math.log2(3 / 5) + math.log2(2 / 6)) / 2  # p(0 | 1) = 3/5, p(2 | 0) = 2/6 with alpha = 1
    assert bigram_bits(TRAIN, val, 3) == pytest.approx(expected_bigram)


@pytest.mark.parametrize("context", [4, 5, 16])
def test_model_bits_scores_every_character_once(context):
    model = CharGPT(7, 8, 2, 1, 16, seed=0)
    val = torch.randint(0, 7, (41,), generator=torch.Generator().manual_seed(0))
    bits = model_bits(model, val, context, batch_size=3)
    if context == 16:  # windows of 16 with stride 8: compare with scoring each character by hand
        with torch.no_grad():
            total = 0.0
            for target in range(40):
                start = 0 if target < 16 else min(target - target % 8 - 8, 40 - 16)
                start = max(0, min(start, 40 - 16))
                logits = model(val[start:start + 16][None])[0, target - start]
                total -= torch.log_softmax(logits, -1)[val[target + 1]].item()
        assert bits == pytest.approx(total / 40 / math.log(2), rel=1e-5)
    assert 0 < bits < 2 * math.log2(7)


def test_bad_inputs():
    with pytest.raises(ValueError, match="outside"):
        unigram_bits(TRAIN, torch.tensor([0, 5]), 3)
    with pytest.raises(TypeError, match="val_ids must be a 1-D LongTensor"):
        bigram_bits(TRAIN, torch.tensor([[0, 1]]), 3)
    with pytest.raises(ValueError, match="alpha"):
        unigram_probs(TRAIN, 3, alpha=0.0)
    with pytest.raises(ValueError, match="longer than context"):
        model_bits(CharGPT(3, 4, 1, 1, 8, seed=0), torch.tensor([0, 1, 2]), 8)
