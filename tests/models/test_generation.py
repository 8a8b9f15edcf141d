"""generate() and next_token_probs(): every decoding rule, seeding, the KV cache, and every bad argument."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from attn_course.models import CharGPT, generate, next_token_probs


def _model(seed=0, max_len=48):
    return CharGPT(vocab_size=13, d_model=16, num_heads=2, num_layers=2, max_len=max_len, seed=seed).eval()


def _prompt(batch=3, length=4, seed=0):
    return torch.randint(0, 13, (batch, length), generator=torch.Generator().manual_seed(seed))


def _greedy_reference(model, prompt, steps):
    """Greedy decoding written out: append the arg-max of a full forward pass, step by step."""
    tokens = prompt
    with torch.no_grad():
        for _ in range(steps):
            tokens = torch.cat([tokens, model(tokens)[:, -1].argmax(-1, keepdim=True)], dim=1)
    return tokens


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_temperature_zero_top_k_one_and_the_reference_are_the_same_greedy_tokens(seed):
    model, prompt = _model(seed), _prompt(seed=seed)
    greedy = generate(model, prompt, 20, temperature=0)
    assert greedy.shape == (3, 24) and torch.equal(greedy[:, :4], prompt)
    assert torch.equal(greedy, _greedy_reference(model, prompt, 20))
    top_1 = generate(model, prompt, 20, temperature=1.3, top_k=1, generator=torch.Generator().manual_seed(seed))
    assert torch.equal(top_1, greedy)
    assert torch.equal(generate(model, prompt, 20, temperature=0, use_cache=False), greedy)


@pytest.mark.parametrize("rule", [dict(temperature=0), dict(), dict(temperature=0.7, top_k=5),
                                  dict(temperature=1.5, top_p=0.9), dict(top_k=4, top_p=0.8)])
def test_cached_and_uncached_generation_give_the_same_tokens(rule):
    model, prompt = _model(), _prompt(length=6)
    cached = generate(model, prompt, 40, use_cache=True, generator=torch.Generator().manual_seed(7), **rule)
    uncached = generate(model, prompt, 40, use_cache=False, generator=torch.Generator().manual_seed(7), **rule)
    assert torch.equal(cached, uncached)
    assert len(set(cached[0, 6:].tolist())) > 1  # not a degenerate constant sequence


def test_the_same_seed_gives_the_same_sample_and_another_seed_another():
    model, prompt = _model(), _prompt()

    def sample(seed):
        return generate(model, prompt, 30, temperature=1.0, generator=torch.Generator().manual_seed(seed))

    assert torch.equal(sample(3), sample(3))
    assert not torch.equal(sample(3), sample(4))
    torch.manual_seed(0)  # without a generator, the global RNG decides
    first = generate(model, prompt, 30)
    torch.manual_seed(0)
    assert torch.equal(generate(model, prompt, 30), first)


def test_sampled_tokens_stay_inside_the_top_k():
    model, prompt = _model(), _prompt(batch=1, length=1)
    with torch.no_grad():
        allowed = set(model(prompt)[0, -1].topk(3).indices.tolist())
    firsts = {int(generate(model, prompt, 1, top_k=3, generator=torch.Generator().manual_seed(s))[0, 1])
              for s in range(60)}
    assert firsts == allowed


def test_generate_restores_training_mode_and_accepts_zero_new_tokens():
    model = _model().train()
    out = generate(model, _prompt(), 0)
    assert torch.equal(out, _prompt()) and model.training


def test_next_token_probs_on_a_hand_built_distribution():
    probs = torch.tensor([0.05, 0.5, 0.15, 0.3])
    logits = probs.log()
    torch.testing.assert_close(next_token_probs(logits), probs)
    # top-p: the smallest set of most likely tokens with mass >= p, renormalised
    torch.testing.assert_close(next_token_probs(logits, top_p=0.45), torch.tensor([0.0, 1.0, 0.0, 0.0]))
    torch.testing.assert_close(next_token_probs(logits, top_p=0.75), torch.tensor([0.0, 0.625, 0.0, 0.375]))
    torch.testing.assert_close(next_token_probs(logits, top_p=0.9), torch.tensor([0, 0.5, 0.15, 0.3]) / 0.95)
    torch.testing.assert_close(next_token_probs(logits, top_p=1.0), probs)
    # top-k keeps the k largest
    torch.testing.assert_close(next_token_probs(logits, top_k=2), torch.tensor([0.0, 0.625, 0.0, 0.375]))
    torch.testing.assert_close(next_token_probs(logits, top_k=10), probs)
    # temperature: p^(1/T), renormalised; T = 0 is the arg-max
    squared = probs**2 / (probs**2).sum()
    torch.testing.assert_close(next_token_probs(logits, temperature=0.5), squared)
    assert torch.equal(next_token_probs(logits, temperature=0), torch.tensor([0.0, 1.0, 0.0, 0.0]))
    # ties: the lower token id wins, as torch.argmax does
    tied = torch.tensor([1.0, 3.0, 3.0, 0.0])
    assert torch.equal(next_token_probs(tied, top_k=1), torch.tensor([0.0, 1.0, 0.0, 0.0]))
    assert torch.equal(next_token_probs(tied, temperature=0), torch.tensor([0.0, 1.0, 0.0, 0.0]))


@given(seed=st.integers(0, 2**16), temperature=st.floats(0.05, 5.0), top_k=st.none() | st.integers(1, 9),
       top_p=st.none() | st.floats(0.01, 1.0))
def test_next_token_probs_is_a_distribution_over_the_best_tokens(seed, temperature, top_k, top_p):
    logits = torch.randn(2, 9, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * 3
    probs = next_token_probs(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    torch.testing.assert_close(probs.sum(-1), torch.ones(2, dtype=torch.float64))
    assert bool((probs >= 0).all())
    kept = probs > 0
    assert bool(kept[torch.arange(2), logits.argmax(-1)].all())  # the arg-max always survives
    if top_k is not None:
        assert bool((kept.sum(-1) <= top_k).all())
    for row in range(2):  # a kept token is never less likely than a dropped one
        if (~kept[row]).any():
            assert logits[row][kept[row]].min() > logits[row][~kept[row]].max()
    if top_p is None and top_k is None:
        torch.testing.assert_close(probs, torch.softmax(logits / temperature, -1))


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    (dict(temperature=-0.1), ValueError, "temperature must be a finite number >= 0"),
    (dict(temperature=math.nan), ValueError, "temperature must be a finite number >= 0"),
    (dict(temperature=math.inf), ValueError, "temperature must be a finite number >= 0"),
    (dict(temperature="hot"), TypeError, "temperature must be a number"),
    (dict(top_k=0), ValueError, r"top_k must be >= 1"),
    (dict(top_k=2.0), TypeError, "top_k must be an int"),
    (dict(top_k=True), TypeError, "top_k must be an int"),
    (dict(top_p=0.0), ValueError, r"top_p must be in \(0, 1\]"),
    (dict(top_p=1.5), ValueError, r"top_p must be in \(0, 1\]"),
    (dict(top_p="all"), TypeError, "top_p must be a number"),
    (dict(max_new_tokens=-1), ValueError, "max_new_tokens must be >= 0"),
    (dict(max_new_tokens=2.0), TypeError, "max_new_tokens must be an int"),
    (dict(max_new_tokens=45), ValueError, r"idx \(4 tokens\) \+ max_new_tokens=45 exceeds max_len=48"),
    (dict(idx=torch.zeros(2, 4)), TypeError, r"idx must be a 2-D \(B, T\) LongTensor"),
    (dict(idx=torch.zeros(4, dtype=torch.long)), TypeError, r"idx must be a 2-D \(B, T\) LongTensor"),
    (dict(idx=torch.zeros(1, 49, dtype=torch.long)), ValueError, "idx holds 49 tokens, more than max_len=48"),
    (dict(idx=torch.zeros(2, 0, dtype=torch.long)), ValueError, "idx must hold at least one token"),
    (dict(generator=0), TypeError, "generator must be a torch.Generator"),
    (dict(use_cache=1), TypeError, "use_cache must be a bool"),
])
def test_every_bad_argument_is_named(kwargs, error, match):
    call = {"idx": _prompt(), "max_new_tokens": 3, **kwargs}
    with pytest.raises(error, match=match):
        generate(_model(), call.pop("idx"), call.pop("max_new_tokens"), **call)


def test_next_token_probs_checks_its_arguments():
    with pytest.raises(TypeError, match="logits must be a torch.Tensor"):
        next_token_probs([1.0, 2.0])
    with pytest.raises(ValueError, match=r"top_p must be in \(0, 1\]"):
        next_token_probs(torch.zeros(3), top_p=-1)
