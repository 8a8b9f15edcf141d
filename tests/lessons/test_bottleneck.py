"""attn_course.lessons.bottleneck: the experiment's protocol and record, on a tiny budget."""

import dataclasses
import math

import pytest
import torch

from attn_course.data import spelling_vocabs
from attn_course.lessons.bottleneck import (
    CONVERGENCE_RUN,
    MODEL_NAMES,
    RECORD,
    BottleneckSetup,
    bottleneck_data,
    convergence_steps,
    load_record,
    run_bottleneck,
    save_record,
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


def test_a_fixed_training_set_is_passed_over_once_per_epoch_and_a_shorter_run_is_a_prefix_of_a_longer_one():
    # 2 batches a pass, 3 passes; a constant learning rate, or a shorter schedule would decay faster
    fixed = dataclasses.replace(TINY, train_size=16, steps=6, eval_every=2, final_lr=TINY.lr)
    test, src, tgt = bottleneck_data(0, fixed)
    assert src.shape[:2] == tgt.shape[:2] == (2, TINY.batch_size)
    assert bottleneck_data(0, dataclasses.replace(fixed, steps=2))[0] == test  # same test set at any budget
    long = run_bottleneck(0, fixed, attention=(True,))
    short = run_bottleneck(0, dataclasses.replace(fixed, steps=4), attention=(True,))
    name = MODEL_NAMES[True]
    assert long.eval_steps == [2, 4, 6] and short.eval_steps == [2, 4]
    assert long.losses[name][:4] == short.losses[name] and long.curves[name][:2] == short.curves[name]
    assert long.curves[name][-1] == long.accuracy[name]  # the last evaluation is the trained model's


def test_a_record_survives_a_round_trip_through_json(tmp_path):
    setup = dataclasses.replace(TINY, eval_every=1)
    result = run_bottleneck(0, setup)
    save_record(result, setup, 0, tmp_path / "record.json", command="python make.py")
    loaded, loaded_setup, seed, command = load_record(tmp_path / "record.json")
    assert loaded_setup == setup and seed == 0 and command == "python make.py"
    assert loaded.bins == result.bins and loaded.counts == result.counts and loaded.eval_steps == [1, 2, 3]
    for name in MODEL_NAMES.values():
        assert loaded.curves[name] == [[round(x, 4) for x in row] for row in result.curves[name]]
        assert loaded.accuracy[name] == [round(x, 4) for x in result.accuracy[name]]
        assert loaded.losses[name] == [round(x, 4) for x in result.losses[name]]  # one loss per eval_every steps


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
    with pytest.raises(ValueError, match="train_size must fill whole batches"):
        dataclasses.replace(TINY, train_size=12)  # 1.5 batches of 8
    with pytest.raises(ValueError, match="train_size must fill whole batches"):
        dataclasses.replace(TINY, train_size=16)  # 3 steps of 8 are 1.5 passes over 16
    with pytest.raises(ValueError, match="eval_every must be"):
        dataclasses.replace(TINY, eval_every=-1)


@pytest.mark.slow
def test_the_record_converges_separates_and_its_start_is_re_derived():
    # the chapter's claims, read from the committed record: both models pass the convergence check within the
    # same budget, attention holds in every bin, the fixed vector falls, by a wide margin
    record, setup, seed, command = load_record(RECORD)
    assert setup == CONVERGENCE_RUN and seed == 0 and command == "python benchmarks/bottleneck.py --record"
    converged = convergence_steps(record)
    assert list(converged) == list(MODEL_NAMES.values()) and None not in converged.values(), converged
    with_attention, without = record.accuracy[MODEL_NAMES[True]], record.accuracy[MODEL_NAMES[False]]
    assert min(with_attention) >= 0.9
    assert all(a >= b for a, b in zip(without[:-1], without[1:], strict=True)) and without[0] - without[-1] >= 0.5
    assert all(curve[-1] == record.accuracy[name] for name, curve in record.curves.items())
    # and the record comes from this code: its first evaluation and loss mean, re-derived by the shortest run of
    # whole passes that reaches them (210 steps, as the chapter's live run)
    passes = -(-setup.eval_every // (setup.train_size // setup.batch_size))
    short = run_bottleneck(seed, dataclasses.replace(setup, steps=passes * setup.train_size // setup.batch_size))
    evaluations = short.steps // setup.eval_every
    assert evaluations >= 1 and short.eval_steps == record.eval_steps[:evaluations]
    for name, curve in short.curves.items():
        assert [[round(x, 4) for x in row] for row in curve] == record.curves[name][:evaluations], name
        means = [round(sum(short.losses[name][k : k + setup.eval_every]) / setup.eval_every, 4)
                 for k in range(0, evaluations * setup.eval_every, setup.eval_every)]
        assert means == record.losses[name][:evaluations], name
