"""Property-based tests of attention() over random shapes, masks and dtypes (hypothesis)."""

import torch
from hypothesis import given
from hypothesis import strategies as st

from attn_course import attention, causal_mask

DTYPES = st.sampled_from([torch.float32, torch.float64, torch.float16, torch.bfloat16])


@st.composite
def problems(draw, square=False):
    batch = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    lq = draw(st.integers(1, 9))
    lk = lq if square else draw(st.integers(1, 9))
    dk, dv = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    dtype = draw(DTYPES)
    seed = draw(st.integers(0, 2**31 - 1))
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(*batch, lq, dk, generator=g).to(dtype)
    k = torch.randn(*batch, lk, dk, generator=g).to(dtype)
    v = torch.randn(*batch, lk, dv, generator=g).to(dtype)
    # masks of random broadcastable shape: each dim is either full or 1
    full = (*batch, lq, lk)
    mask_shape = tuple(n if draw(st.booleans()) else 1 for n in full)
    mask_shape = mask_shape[draw(st.integers(0, len(batch))):]  # maybe drop leading dims
    mask = torch.rand(mask_shape, generator=g) < draw(st.floats(0.0, 1.0))
    return q, k, v, mask, seed


def _tol(dtype):
    return {torch.float16: 2e-3, torch.bfloat16: 1e-2}.get(dtype, 1e-5)


@given(problems())
def test_rows_sum_to_one_and_blocked_weights_are_exactly_zero(problem):
    q, k, v, mask, _ = problem
    out, weights = attention(q, k, v, mask)
    allowed = mask.expand(weights.shape)
    assert torch.all(weights[~allowed] == 0)
    assert torch.isfinite(out.float()).all() and torch.isfinite(weights.float()).all()
    has_key = allowed.any(-1)
    sums = weights.float().sum(-1)
    assert torch.allclose(sums[has_key], torch.ones_like(sums[has_key]), atol=_tol(q.dtype) * weights.shape[-1])
    assert torch.all(sums[~has_key] == 0)
    assert torch.all(out[~has_key] == 0)


@given(problems(square=True), st.integers(0, 8))
def test_no_causal_leak(problem, position):
    """Changing tokens after `position` must leave every earlier output unchanged."""
    q, k, v, _, seed = problem
    n = q.shape[-2]
    position = min(position, n - 1)
    mask = causal_mask(n)
    out, _ = attention(q, k, v, mask)
    g = torch.Generator().manual_seed(seed + 1)
    k2, v2 = k.clone(), v.clone()
    k2[..., position + 1 :, :] = torch.randn(k2[..., position + 1 :, :].shape, generator=g).to(k.dtype)
    v2[..., position + 1 :, :] = torch.randn(v2[..., position + 1 :, :].shape, generator=g).to(v.dtype)
    out2, _ = attention(q, k2, v2, mask)
    assert torch.equal(out[..., : position + 1, :], out2[..., : position + 1, :])


@given(problems(), st.randoms(use_true_random=False))
def test_permutation_equivariance(problem, rnd):
    """Permuting queries permutes outputs; permuting key/value pairs (and the mask) changes nothing."""
    q, k, v, mask, _ = problem
    if q.dtype in (torch.float16, torch.bfloat16):
        q, k, v = q.double(), k.double(), v.double()
    mask = mask.expand(*mask.shape[:-2], q.shape[-2], k.shape[-2])
    out, weights = attention(q, k, v, mask)
    pq = torch.tensor(rnd.sample(range(q.shape[-2]), q.shape[-2]))
    pk = torch.tensor(rnd.sample(range(k.shape[-2]), k.shape[-2]))
    out_p, weights_p = attention(q[..., pq, :], k[..., pk, :], v[..., pk, :], mask[..., pq, :][..., pk])
    torch.testing.assert_close(out_p, out[..., pq, :], atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(weights_p, weights[..., pq, :][..., pk], atol=1e-6, rtol=1e-6)


@given(problems())
def test_half_precision_agrees_with_float64(problem):
    q, k, v, mask, _ = problem
    out, _ = attention(q, k, v, mask)
    ref, _ = attention(q.double(), k.double(), v.double(), mask)
    tol = {torch.float16: 5e-3, torch.bfloat16: 3e-2}.get(q.dtype, 1e-5)
    torch.testing.assert_close(out.double(), ref, atol=tol, rtol=tol)
