"""attn_course.lessons.bottleneck: the experiment's protocol and record, on a tiny budget."""

import dataclasses
import math

import pytest
import torch

from attn_course.data import NATO_ALPHABET, spelling_vocabs
from attn_course.lessons.bottleneck import MODEL_NAMES, BottleneckSetup, bottleneck_data, run_bottleneck

TINY = BottleneckSetup(lengths=range(2, 4), bins=(5, 15, 27), d_embed=4, d_hidden=4, batch_size=8, steps=3,
                       test_size=40)


def test_default_bins_cover_every_input_the_default_lengths_can_spell():
    setup = BottleneckSetup()
    shortest, longest = min(map(len, NATO_ALPHABET)), max(map(len, NATO_ALPHABET))
    k_min, k_max = setup.lengths[0], setup.lengths[-1]
    assert setup.bins[0] <= k_min * shortest + k_min - 1  # words and the spaces between them
    assert k_max * longest + k_max - 1 < setup.bins[-1]


def test_data_holds_the_test_call_signs_out_of_training_and_keeps_them_for_longer_budgets():
    test, src, tgt = bottleneck_data(0, TINY)
    assert len(test) == TINY.test_size and src.shape[:2] == tgt.shape[:2] == (TINY.steps, TINY.batch_size)
    _, target = spelling_vocabs()
    trained = {target.decode(row) for row in tgt.flatten(0, 1)}
    assert trained and not trained & {sign for _, sign in test}
    longer_test, longer_src, _ = bottleneck_data(0, dataclasses.replace(TINY, steps=2 * TINY.steps))
    assert longer_test == test and longer_src.shape[0] == 2 * TINY.steps


def test_record_shape_and_determinism():
    torch.manual_seed(123)
    expected = torch.rand(2)
    torch.manual_seed(123)
    result = run_bottleneck(0, TINY)
    assert torch.equal(torch.rand(2), expected)  # the caller's RNG is untouched
    names = list(MODEL_NAMES.values())
    assert result.bins == [5, 15, 27] and result.steps == TINY.steps
    assert sum(result.counts) == TINY.test_size  # the bins cover every test input
    for record in (result.accuracy, result.by_letters, result.losses, result.seconds, result.models):
        assert list(record) == names
    for name in names:
        assert len(result.accuracy[name]) == 2 and len(result.by_letters[name]) == len(TINY.lengths)
        assert all(math.isnan(a) or 0.0 <= a <= 1.0 for a in result.accuracy[name] + result.by_letters[name])
        assert len(result.losses[name]) == TINY.steps and all(math.isfinite(x) for x in result.losses[name])
    assert result.models[names[0]].use_attention and not result.models[names[1]].use_attention
    again = run_bottleneck(0, TINY, attention=(False,))
    assert list(again.accuracy) == [names[1]]
    assert again.losses[names[1]] == result.losses[names[1]] and again.accuracy[names[1]] == result.accuracy[names[1]]


def test_bad_inputs():
    with pytest.raises(ValueError, match="lengths must be"):
        BottleneckSetup(lengths=range(0, 3))
    with pytest.raises(ValueError, match="bins must be"):
        BottleneckSetup(bins=(10, 5))
    with pytest.raises(ValueError, match="bins must be"):
        BottleneckSetup(bins=(10,))
    with pytest.raises(ValueError, match="steps must be positive"):
        BottleneckSetup(steps=0)
    with pytest.raises(ValueError, match="lr must be a positive"):
        BottleneckSetup(lr=-1.0)
    with pytest.raises(TypeError, match="setup must be a BottleneckSetup"):
        run_bottleneck(0, {"steps": 3})
    with pytest.raises(ValueError, match="attention must hold"):
        run_bottleneck(0, TINY, attention=())
    with pytest.raises(ValueError, match="attention must hold"):
        run_bottleneck(0, TINY, attention=(True, True))
    with pytest.raises(TypeError, match="seed must be an int"):
        run_bottleneck("0", TINY)


@pytest.mark.slow
def test_default_experiment_separates_the_two_models():
    # the chapter's claim, at the chapter's budget: attention holds in every bin, the fixed vector falls
    result = run_bottleneck(0)
    with_attention, without = result.accuracy[MODEL_NAMES[True]], result.accuracy[MODEL_NAMES[False]]
    assert min(with_attention) >= 0.9
    assert all(a >= b for a, b in zip(without[:-1], without[1:], strict=True)) and without[0] - without[-1] >= 0.5
