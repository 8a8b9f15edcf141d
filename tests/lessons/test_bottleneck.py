"""attn_course.lessons.bottleneck: the experiment's protocol and record, on a tiny budget."""

import dataclasses
import math

import pytest
import torch

from attn_course.data import spelling_vocabs
from attn_course.lessons.bottleneck import (
    MODEL_NAMES,
    BottleneckSetup,
    bottleneck_data,
    budget_check,
    run_bottleneck,
)

TINY = BottleneckSetup(lengths=range(2, 4), bins=(2, 3, 4), d_embed=4, d_hidden=4, batch_size=8, steps=3,
                       test_size=40)


def test_default_bins_cover_every_input_the_default_lengths_can_spell():
    setup = BottleneckSetup()
    assert setup.tokens == "words"  # one input token per letter
    assert setup.bins[0] <= setup.lengths[0] and setup.lengths[-1] < setup.bins[-1]


def test_character_tokens_bin_inputs_by_characters():
    setup = dataclasses.replace(TINY, tokens="characters", bins=(5, 15, 27))  # 2-3 words of 4-8 letters, spaces
    result = run_bottleneck(0, setup, attention=(False,))
    assert sum(result.counts) == setup.test_size and all(n > 0 for n in result.counts)
    assert len(result.accuracy[MODEL_NAMES[False]]) == 2


def test_budget_check_trains_one_model_at_each_multiple_on_the_same_test_set():
    curves = budget_check(0, TINY, (2, 3))
    assert list(curves) == [1, 2, 3] and all(len(c) == len(TINY.bins) - 1 for c in curves.values())
    single = run_bottleneck(0, dataclasses.replace(TINY, steps=2 * TINY.steps), attention=(False,))
    assert curves[2] == single.accuracy[MODEL_NAMES[False]]


def test_data_holds_the_test_call_signs_out_of_training_and_keeps_them_for_longer_budgets():
    test, src, tgt = bottleneck_data(0, TINY)
    assert len(test) == TINY.test_size and src.shape[:2] == tgt.shape[:2] == (TINY.steps, TINY.batch_size)
    source, target = spelling_vocabs("words")
    trained = {target.decode(row) for row in tgt.flatten(0, 1)}
    for spelled, sign in zip(src.flatten(0, 1), tgt.flatten(0, 1), strict=True):  # one code word per letter
        assert "".join(word[0] for word in source.decode(spelled, sep=" ").split(" ")).upper() == target.decode(sign)
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
    assert result.bins == [2, 3, 4] and result.steps == TINY.steps
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
    with pytest.raises(ValueError, match="tokens must be one of"):
        BottleneckSetup(tokens="letters")
    for budgets in ((), (1,), (2.0,), (True,)):
        with pytest.raises(ValueError, match="budgets must be ints >= 2"):
            budget_check(0, TINY, budgets)


@pytest.fixture(scope="module")
def chapter_run():
    """Both models at the chapter's budget (seed 0, the default setup): trained once for the two slow tests."""
    return run_bottleneck(0)


@pytest.mark.slow
def test_default_experiment_separates_the_two_models(chapter_run):
    # the chapter's claim, at the chapter's budget: attention holds in every bin, the fixed vector falls
    with_attention, without = chapter_run.accuracy[MODEL_NAMES[True]], chapter_run.accuracy[MODEL_NAMES[False]]
    assert min(with_attention) >= 0.9
    assert all(a >= b for a, b in zip(without[:-1], without[1:], strict=True)) and without[0] - without[-1] >= 0.5


@pytest.mark.slow
def test_the_fixed_vector_model_is_not_converged_at_the_chapter_budget(chapter_run):
    # guards the chapter's caveat: an equal budget, not convergence. Twice the steps still raise some bin of
    # the model without attention by more than 0.1 (benchmarks/bottleneck.py prints 2x and 4x for seeds 0-2).
    # These are budget_check(0, budgets=(2,))'s two curves (test_budget_check_trains_one_model_at_each_multiple_...
    # checks its runs); its budget 1 is the chapter run's fixed-vector model, the same numbers whether or not the
    # attention model trains beside it (test_record_shape_and_determinism), so it is not trained a second time.
    setup = BottleneckSetup()
    doubled = run_bottleneck(0, dataclasses.replace(setup, steps=2 * setup.steps), attention=(False,))
    curves = {1: chapter_run.accuracy[MODEL_NAMES[False]], 2: doubled.accuracy[MODEL_NAMES[False]]}
    assert max(b - a for a, b in zip(curves[1], curves[2], strict=True)) > 0.1, curves
