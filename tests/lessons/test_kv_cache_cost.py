"""kv_cache_cost: the work per generated token with and without the cache, and the cache's size in bytes."""

import pytest
import torch

from attn_course.lessons.kv_cache_cost import cache_bytes, seconds_per_token
from attn_course.models import CharGPT


class CountingModel(CharGPT):
    """A CharGPT that counts the token positions it processes: a clock that ticks once per position."""

    processed = 0

    def forward(self, idx, cache=None):
        CountingModel.processed += idx.shape[1]
        return super().forward(idx, cache)


def test_without_the_cache_each_step_reprocesses_the_whole_sequence():
    model = CountingModel(9, 8, 2, 1, 40, seed=0)
    prompt = torch.zeros(2, 4, dtype=torch.long)
    work = seconds_per_token(model, prompt, [5, 20], repeats=1, clock=lambda: CountingModel.processed)
    # cached: the prompt once, then one position per step; uncached: 4 + 5 + ... + (4 + n - 1) positions
    assert work["cached"] == [pytest.approx((4 + 4) / 5), pytest.approx((4 + 19) / 20)]
    assert work["uncached"] == [pytest.approx(sum(range(4, 9)) / 5), pytest.approx(sum(range(4, 24)) / 20)]
    assert work["uncached"][1] / work["cached"][1] > work["uncached"][0] / work["cached"][0]  # grows with length


def test_cache_bytes_counts_keys_and_values_of_every_layer_sequence_and_position():
    model = CharGPT(9, 16, 4, 3, 40, seed=0)
    cache = model.new_cache()
    with torch.no_grad():
        model(torch.zeros(2, 7, dtype=torch.long), cache)
    assert cache.nbytes == cache_bytes(3, 2, 7, 16) == 2 * 3 * 2 * 7 * 16 * 4
    assert cache_bytes(3, 2, 7, 16, bytes_per_number=2) == cache.nbytes // 2
    with pytest.raises(ValueError, match="length must be positive"):
        cache_bytes(3, 2, 0, 16)
    with pytest.raises(ValueError, match="lengths must be positive"):
        seconds_per_token(model, torch.zeros(1, 2, dtype=torch.long), [0])
