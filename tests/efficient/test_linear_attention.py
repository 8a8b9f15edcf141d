"""Linear attention (Katharopoulos et al., 2020): the feature map, parallel and recurrent forms, bad inputs."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from attn_course import causal_mask, elu_feature_map, linear_attention, linear_attention_recurrent
from attn_course.efficient.linear import EPS

SIZES = {"dk": 5, "dv": 3, "dtype": torch.float64}  # with lq = lk = 6 unless a test says otherwise


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


def test_non_causal_matches_the_quadratic_formula(make_qkv):
    q, k, v = make_qkv(2, lq=4, lk=9, **SIZES)
    torch.testing.assert_close(linear_attention(q, k, v), _quadratic_reference(q, k, v))


@given(length=st.integers(1, 30), chunk=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_recurrent_and_parallel_causal_forms_agree(length, chunk, seed, make_qkv):
    q, k, v = make_qkv(2, lq=length, lk=length, seed=seed, **SIZES)
    recurrent = linear_attention_recurrent(q, k, v)
    parallel = linear_attention(q, k, v, causal=True, chunk_size=chunk)
    torch.testing.assert_close(recurrent, parallel)
    torch.testing.assert_close(parallel, _quadratic_reference(q, k, v, causal_mask(length)))


def test_first_causal_output_is_the_first_value(make_qkv):
    q, k, v = make_qkv(lq=5, lk=5, **SIZES)
    out = linear_attention_recurrent(q, k, v)
    torch.testing.assert_close(out[0], v[0], atol=1e-5, rtol=1e-5)  # only one key to attend to


def test_linear_attention_gradcheck(make_qkv):
    q, k, v = make_qkv(lq=5, lk=5, dk=3, dv=2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda q, k, v: linear_attention(q, k, v, causal=True, chunk_size=2), (q, k, v))


@pytest.mark.parametrize("fn", [linear_attention_recurrent, lambda q, k, v: linear_attention(q, k, v, causal=True)])
def test_causal_forms_need_equal_lengths(fn, make_qkv):
    q, k, v = make_qkv(lq=4, lk=6, **SIZES)
    with pytest.raises(ValueError, match=r"L_q == L_k.*query has shape \(4, 5\), key has shape \(6, 5\)"):
        fn(q, k, v)


def test_linear_attention_rejects_bad_chunk_size(make_qkv):
    with pytest.raises(ValueError, match="chunk_size must be positive"):
        linear_attention(*make_qkv(lq=6, lk=6, **SIZES), causal=True, chunk_size=0)
