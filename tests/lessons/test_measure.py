"""measure: the allocation tracker sees the L x L scores; fit_exponent recovers a power law."""

import pytest
import torch

from attn_course import attention, flash_attention
from attn_course.lessons.measure import fit_exponent, median_seconds, peak_allocated_bytes


def test_allocation_tracker_sees_the_quadratic_scores(make_qkv):
    q, k, v = make_qkv(1, 2, lq=64, lk=64, dk=16, dv=16)
    naive = peak_allocated_bytes(lambda: attention(q, k, v))
    flash = peak_allocated_bytes(lambda: flash_attention(q, k, v, block_size=16))
    scores = 2 * 64 * 64 * 4
    assert naive >= 2 * scores  # scores and weights are alive together
    assert flash < scores  # never a full score matrix
    assert peak_allocated_bytes(lambda: torch.zeros(1000)) == 4000
    with pytest.raises(TypeError, match="fn must be callable"):
        peak_allocated_bytes(3)


def test_fit_exponent_recovers_a_power_and_rejects_bad_input():
    assert fit_exponent([1, 2, 4, 8], [3 * x**1.5 for x in [1, 2, 4, 8]]) == pytest.approx(1.5)
    with pytest.raises(ValueError, match="same length >= 2, got 3 and 2"):
        fit_exponent([1, 2, 3], [1, 2])


def test_median_seconds_uses_the_clock_it_is_given():
    ticks = iter([0.0, 1.0, 10.0, 13.0, 20.0, 22.0])  # three calls after the warm-up: 1, 3 and 2 "seconds"
    calls = []
    assert median_seconds(lambda: calls.append(1), repeats=3, clock=lambda: next(ticks)) == 2.0
    assert len(calls) == 4  # one warm-up call, not timed
    with pytest.raises(TypeError, match="clock must be callable"):
        median_seconds(lambda: None, clock=1.0)
