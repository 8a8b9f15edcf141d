"""KV cache: a decoder fed one token at a time through the cache gives the logits of a full forward pass."""

import pytest
import torch

from attn_course import KVCache
from attn_course.models import CharGPT


def test_cached_logits_equal_full_forward_logits_and_the_cache_size_is_counted():
    model = CharGPT(32, 32, 4, 2, 64, seed=3).eval()
    tokens = torch.randint(0, 32, (2, 12), generator=torch.Generator().manual_seed(0))
    full = model(tokens)  # (B, 12, vocab)
    cache = KVCache(model.num_layers)
    assert cache.length == 0 and cache.nbytes == 0
    first = model(tokens[:, :7], cache)
    rest = [model(tokens[:, i : i + 1], cache) for i in range(7, 12)]
    torch.testing.assert_close(torch.cat([first, *rest], dim=1), full, atol=1e-5, rtol=1e-5)
    assert cache.length == 12
    assert cache.keys[1].shape == (2, 4, 12, 8)  # (B, h, t, d_head)
    assert cache.nbytes == 2 * 2 * 2 * 12 * 32 * 4  # keys and values x layers x B x t x d_model x 4 bytes


def test_kv_cache_bad_inputs():
    with pytest.raises(ValueError, match="num_layers must be positive"):
        KVCache(0)
