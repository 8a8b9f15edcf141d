"""sinusoidal_positional_encoding: the paper's formula, relative positions as rotations, bad inputs."""

import math

import pytest
import torch

from attn_course import sinusoidal_positional_encoding


def test_sinusoidal_matches_the_paper_formula():
    pe = sinusoidal_positional_encoding(50, 16)
    assert pe.shape == (50, 16) and pe.dtype == torch.float32
    for pos in (0, 7, 49):
        for i in range(8):
            angle = pos / 10000 ** (2 * i / 16)
            assert pe[pos, 2 * i].item() == pytest.approx(math.sin(angle), abs=1e-6)
            assert pe[pos, 2 * i + 1].item() == pytest.approx(math.cos(angle), abs=1e-6)


def test_sinusoidal_relative_position_is_a_rotation():
    """PE[pos + k] is a fixed linear (rotation) map of PE[pos], as §3.5 of the paper argues."""
    d, k = 8, 3
    pe = sinusoidal_positional_encoding(40, d, dtype=torch.float64)
    for i in range(d // 2):
        w = 1 / 10000 ** (2 * i / d)
        c, s = math.cos(k * w), math.sin(k * w)
        rot = torch.tensor([[c, -s], [s, c]], dtype=torch.float64)
        pair = pe[:, 2 * i : 2 * i + 2]
        torch.testing.assert_close(pair[k:], pair[:-k] @ rot)


def test_sinusoidal_odd_width_and_bad_input():
    assert sinusoidal_positional_encoding(3, 5).shape == (3, 5)
    with pytest.raises(ValueError, match="d_model must be positive"):
        sinusoidal_positional_encoding(3, 0)
    with pytest.raises(TypeError, match="length must be an int"):
        sinusoidal_positional_encoding(3.0, 4)
