"""TinyDecoder and greedy_decode: cached and uncached decoding agree token for token; seeding; bad inputs."""

import pytest
import torch

from attn_course.models import TinyDecoder, greedy_decode


def _prompt(batch=2, length=5, seed=0):
    return torch.randint(0, 32, (batch, length), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cached_and_uncached_greedy_decoding_give_the_same_tokens(seed):
    model = TinyDecoder(seed=seed)
    prompt = _prompt(seed=seed)
    cached = greedy_decode(model, prompt, 30, use_cache=True)
    uncached = greedy_decode(model, prompt, 30, use_cache=False)
    assert cached.shape == (2, 35)
    assert torch.equal(cached[:, :5], prompt)
    assert torch.equal(cached, uncached)
    assert len(set(cached[0, 5:].tolist())) > 1  # not a degenerate constant sequence


def test_seed_makes_weights_deterministic_without_touching_the_global_rng():
    state = torch.random.get_rng_state()
    a, b = TinyDecoder(seed=5), TinyDecoder(seed=5)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters(), strict=True))
    assert not torch.equal(TinyDecoder(seed=6).head.weight, a.head.weight)


def test_bad_inputs():
    model = TinyDecoder(max_len=8)
    with pytest.raises(ValueError, match="exceeds max_len=8"):
        greedy_decode(model, _prompt(length=5), 4)
    with pytest.raises(TypeError, match=r"tokens must be a \(B, n\) LongTensor"):
        model(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="d_model=30 must be divisible by num_heads=4"):
        TinyDecoder(d_model=30)
    with pytest.raises(ValueError, match="steps must be positive"):
        greedy_decode(model, _prompt(), 0)
