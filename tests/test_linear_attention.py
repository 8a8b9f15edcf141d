"""Linear attention (parallel and recurrent), sliding windows, the recall task and the allocation tracker."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from attn_course import (
    attention,
    causal_mask,
    elu_feature_map,
    flash_attention,
    linear_attention,
    linear_attention_recurrent,
    sliding_window_attention,
    sliding_window_mask,
)
from attn_course.efficient.linear import EPS
from attn_course.lessons.measure import peak_allocated_bytes
from attn_course.lessons.recall_task import make_recall_task, recall_accuracy


def _qkv(*batch, lq=6, lk=6, d=5, dv=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.randn(*batch, lq, d, generator=g, dtype=torch.float64),
            torch.randn(*batch, lk, d, generator=g, dtype=torch.float64),
            torch.randn(*batch, lk, dv, generator=g, dtype=torch.float64))


def _quadratic_reference(q, k, v, mask=None):
    """Katharopoulos et al. (2020), eq. 2 with sim = φ(q)·φ(k), written out as an L x L matrix."""
    sim = elu_feature_map(q) @ elu_feature_map(k).transpose(-2, -1)
    if mask is not None:
        sim = sim * mask
    return (sim @ v) / (sim.sum(-1, keepdim=True) + EPS)


def test_feature_map_is_positive_elu_plus_one():
    x = torch.tensor([-30.0, -1.0, 0.0, 2.0])
    torch.testing.assert_close(elu_feature_map(x), torch.tensor([torch.exp(torch.tensor(-30.0)), 1 / torch.e, 1, 3]))
    assert (elu_feature_map(torch.randn(100)) > 0).all()


def test_non_causal_matches_the_quadratic_formula():
    q, k, v = _qkv(2, lq=4, lk=9)
    torch.testing.assert_close(linear_attention(q, k, v), _quadratic_reference(q, k, v))


@given(length=st.integers(1, 30), chunk=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_recurrent_and_parallel_causal_forms_agree(length, chunk, seed):
    q, k, v = _qkv(2, lq=length, lk=length, seed=seed)
    recurrent = linear_attention_recurrent(q, k, v)
    parallel = linear_attention(q, k, v, causal=True, chunk_size=chunk)
    torch.testing.assert_close(recurrent, parallel)
    torch.testing.assert_close(parallel, _quadratic_reference(q, k, v, causal_mask(length)))


def test_first_causal_output_is_the_first_value():
    q, k, v = _qkv(lq=5, lk=5)
    out = linear_attention_recurrent(q, k, v)
    torch.testing.assert_close(out[0], v[0], atol=1e-5, rtol=1e-5)  # only one key to attend to


def test_linear_attention_gradcheck():
    q, k, v = (t.requires_grad_() for t in _qkv(lq=5, lk=5, d=3, dv=2))
    assert torch.autograd.gradcheck(lambda q, k, v: linear_attention(q, k, v, causal=True, chunk_size=2), (q, k, v))


@pytest.mark.parametrize("fn", [linear_attention_recurrent, lambda q, k, v: linear_attention(q, k, v, causal=True)])
def test_causal_forms_need_equal_lengths(fn):
    q, k, v = _qkv(lq=4, lk=6)
    with pytest.raises(ValueError, match=r"L_q == L_k.*query has shape \(4, 5\), key has shape \(6, 5\)"):
        fn(q, k, v)


def test_linear_attention_rejects_bad_chunk_size():
    with pytest.raises(ValueError, match="chunk_size must be positive"):
        linear_attention(*_qkv(), causal=True, chunk_size=0)


@given(length=st.integers(1, 40), window=st.integers(0, 45), causal=st.booleans(), seed=st.integers(0, 2**16))
def test_sliding_window_attention_matches_masked_attention(length, window, causal, seed):
    q, k, v = _qkv(2, lq=length, lk=length, seed=seed)
    mask = sliding_window_mask(length, window, causal=causal)
    expected, _ = attention(q, k, v, mask)
    torch.testing.assert_close(sliding_window_attention(q, k, v, window, causal=causal), expected)
    torch.testing.assert_close(flash_attention(q, k, v, mask, block_size=7), expected)


def test_sliding_window_mask_is_a_band():
    mask = sliding_window_mask(6, 1)
    assert mask.shape == (6, 6) and mask.dtype == torch.bool
    assert mask.sum().item() == 6 + 2 * 5  # the diagonal and one neighbour on each side
    assert torch.equal(sliding_window_mask(6, 1, causal=True), mask & causal_mask(6))
    assert torch.equal(sliding_window_mask(4, 10), torch.ones(4, 4, dtype=torch.bool))
    assert torch.equal(sliding_window_mask(3, 0), torch.eye(3, dtype=torch.bool))


@pytest.mark.parametrize(
    ("args", "exc", "msg"),
    [((5, -1), ValueError, "window must be >= 0, got -1"), ((5, 1.5), TypeError, "window must be an int, got float"),
     ((0, 1), ValueError, "n must be positive, got 0")],
)
def test_sliding_window_mask_bad_inputs(args, exc, msg):
    with pytest.raises(exc, match=msg):
        sliding_window_mask(*args)


def test_sliding_window_attention_bad_inputs():
    q, k, v = _qkv(lq=4, lk=6)
    with pytest.raises(ValueError, match=r"L_q == L_k"):
        sliding_window_attention(q, k, v, 2)
    with pytest.raises(ValueError, match="window must be >= 0"):
        sliding_window_attention(*_qkv(), -2)


def test_recall_task_separates_the_methods():
    task = make_recall_task(512, 32, max_distance=32, heads=2, generator=torch.Generator().manual_seed(0))
    assert task.query.shape == (2, 512, 32) and task.target.shape == (2, 512)
    assert ((torch.arange(512) - task.target >= 0) & (torch.arange(512) - task.target <= 32)).all()
    exact = recall_accuracy(flash_attention(task.query, task.key, task.value), task)
    window = recall_accuracy(sliding_window_attention(task.query, task.key, task.value, 32), task)
    narrow = recall_accuracy(sliding_window_attention(task.query, task.key, task.value, 4), task)
    linear = recall_accuracy(linear_attention(task.query, task.key, task.value), task)
    assert exact > 0.95 and window > 0.95
    assert narrow < 0.4  # only targets within 4 steps (5 of 33 offsets) are inside the window
    assert linear < 0.2


def test_recall_task_bad_inputs():
    with pytest.raises(ValueError, match="max_distance must be positive"):
        make_recall_task(8, max_distance=0)
    with pytest.raises(ValueError, match="sharpness must be a positive finite number"):
        make_recall_task(8, sharpness=0.0)
    task = make_recall_task(8, 4)
    with pytest.raises(ValueError, match=r"shape of task.value \(1, 8, 4\), got \(8, 4\)"):
        recall_accuracy(torch.zeros(8, 4), task)


def test_allocation_tracker_sees_the_quadratic_scores():
    q, k, v = (torch.randn(1, 2, 64, 16) for _ in range(3))
    naive = peak_allocated_bytes(lambda: attention(q, k, v))
    flash = peak_allocated_bytes(lambda: flash_attention(q, k, v, block_size=16))
    scores = 2 * 64 * 64 * 4
    assert naive >= 2 * scores  # scores and weights are alive together
    assert flash < scores  # never a full score matrix
    assert peak_allocated_bytes(lambda: torch.zeros(1000)) == 4000
    with pytest.raises(TypeError, match="fn must be callable"):
        peak_allocated_bytes(3)
