"""measure: the allocation tracker sees the L x L scores; fit_exponent recovers a power law."""

import pytest
import torch

from attn_course import attention, flash_attention
from attn_course.lessons.measure import fit_exponent, peak_allocated_bytes


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
