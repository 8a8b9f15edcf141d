"""sliding_window_attention: equals attention() (and flash_attention) under the band mask; bad inputs."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from attn_course import attention, flash_attention, sliding_window_attention, sliding_window_mask

SIZES = {"dk": 5, "dv": 3, "dtype": torch.float64}


@given(length=st.integers(1, 40), window=st.integers(0, 45), causal=st.booleans(), seed=st.integers(0, 2**16))
def test_sliding_window_attention_matches_masked_attention(length, window, causal, seed, make_qkv):
    q, k, v = make_qkv(2, lq=length, lk=length, seed=seed, **SIZES)
    mask = sliding_window_mask(length, window, causal=causal)
    expected, _ = attention(q, k, v, mask)
    torch.testing.assert_close(sliding_window_attention(q, k, v, window, causal=causal), expected)
    torch.testing.assert_close(flash_attention(q, k, v, mask, block_size=7), expected)


def test_sliding_window_attention_bad_inputs(make_qkv):
    q, k, v = make_qkv(lq=4, lk=6, **SIZES)
    with pytest.raises(ValueError, match=r"L_q == L_k"):
        sliding_window_attention(q, k, v, 2)
    with pytest.raises(ValueError, match="window must be >= 0"):
        sliding_window_attention(*make_qkv(lq=6, lk=6, **SIZES), -2)
