"""Why attention: the two limits of a recurrent network, measured.

1. **Vanishing gradients.** A vanilla RNN, h_t = tanh(h_{t-1} W_hh + x_t W_xh + b) (row vectors,
   as the code computes it), reaches x_t from h_L only through L - t applications of the recurrent
   Jacobian diag(1 - h²) W_hhᵀ. When its norm is below 1 the gradient shrinks
   geometrically with the distance (Bengio et al., 1994; Pascanu et al., 2013).
   One self-attention layer connects every position to every other in a single
   step, so its gradient does not decay with distance (Vaswani et al., 2017, §4).
2. **No parallelism.** The RNN needs L sequential steps; attention is one
   batched matrix product whose work grows as L² but whose sequential depth
   is constant.

The functions return measurements; the chapter decides what to plot or print.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from .._validation import check_positive, check_positive_int, check_tensor, shape_str
from ..attention import attention


@dataclass(frozen=True)
class RNNWeights:
    """Weights of a vanilla tanh RNN (no global RNG: built from a seed)."""

    w_xh: torch.Tensor  # (input_size, hidden_size)
    w_hh: torch.Tensor  # (hidden_size, hidden_size)
    bias: torch.Tensor  # (hidden_size,)


def make_rnn_weights(
    input_size: int, hidden_size: int, *, recurrent_scale: float = 1.0, seed: int = 0,
    dtype: torch.dtype = torch.float64,
) -> RNNWeights:
    """Random RNN weights; ``w_hh`` has entries N(0, recurrent_scale² / hidden_size).

    For large ``hidden_size`` the spectral radius of ``w_hh`` is close to
    ``recurrent_scale`` (the circular law), so the scale sets how fast
    gradients shrink (< 1) or can grow (> 1).
    """
    check_positive_int("input_size", input_size)
    check_positive_int("hidden_size", hidden_size)
    check_positive("recurrent_scale", recurrent_scale)
    gen = torch.Generator().manual_seed(seed)
    w_xh = torch.randn(input_size, hidden_size, generator=gen, dtype=dtype) / math.sqrt(input_size)
    w_hh = torch.randn(hidden_size, hidden_size, generator=gen, dtype=dtype)
    w_hh = w_hh * (recurrent_scale / math.sqrt(hidden_size))
    bias = torch.zeros(hidden_size, dtype=dtype)
    return RNNWeights(w_xh, w_hh, bias)


def vanilla_rnn(inputs: torch.Tensor, weights: RNNWeights) -> torch.Tensor:
    """Run h_t = tanh(h_{t-1} W_hh + x_t W_xh + b) from h_0 = 0, one step at a time.

    Args:
        inputs: (L, input_size)
        weights: from :func:`make_rnn_weights`.

    Returns:
        hidden states: (L, hidden_size). The loop is the point: step t needs step t - 1.
    """
    check_tensor("inputs", inputs, min_dim=2)
    if inputs.dim() != 2 or inputs.shape[1] != weights.w_xh.shape[0]:
        raise ValueError(
            f"inputs must have shape (L, input_size={weights.w_xh.shape[0]}), got {shape_str(inputs)}"
        )
    hidden = torch.zeros(weights.w_hh.shape[0], dtype=inputs.dtype)  # (H,)
    states = []
    for x_t in inputs:  # L sequential steps
        hidden = torch.tanh(hidden @ weights.w_hh + x_t @ weights.w_xh + weights.bias)  # (H,)
        states.append(hidden)
    return torch.stack(states)  # (L, H)


def _jacobian_norms(fn, inputs: torch.Tensor) -> torch.Tensor:
    """‖∂fn(inputs)/∂inputs[t]‖_F for every position t; fn returns a vector."""
    jac = torch.autograd.functional.jacobian(fn, inputs)  # (out, L, d)
    return jac.pow(2).sum(dim=(0, 2)).sqrt()  # (L,)


def _check_lengths(seq_len: int, seeds: Sequence[int]) -> None:
    check_positive_int("seq_len", seq_len)
    if seq_len < 2:
        raise ValueError(f"seq_len must be at least 2 to measure a distance, got {seq_len}")
    if len(seeds) == 0:
        raise ValueError("seeds must contain at least one seed")


def rnn_gradient_by_distance(
    seq_len: int, *, input_size: int = 8, hidden_size: int = 32, recurrent_scale: float = 1.0,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
) -> torch.Tensor:
    """Mean over seeds of ‖∂h_L/∂x_t‖_F, indexed by distance L - t (Pascanu et al., 2013).

    Returns:
        norms: (seq_len,) where ``norms[k]`` is the gradient norm at distance k
        (k = 0 is the last input itself). Computed in float64.
    """
    _check_lengths(seq_len, seeds)
    totals = torch.zeros(seq_len, dtype=torch.float64)
    for seed in seeds:
        weights = make_rnn_weights(input_size, hidden_size, recurrent_scale=recurrent_scale, seed=seed)
        gen = torch.Generator().manual_seed(10_000 + seed)
        inputs = torch.randn(seq_len, input_size, generator=gen, dtype=torch.float64)  # (L, d_in)
        norms = _jacobian_norms(lambda x, w=weights: vanilla_rnn(x, w)[-1], inputs)  # (L,)
        totals += norms.flip(0)  # position t -> distance L - 1 - t
    return totals / len(seeds)


def attention_gradient_by_distance(
    seq_len: int, *, d_model: int = 16, seeds: Sequence[int] = (0, 1, 2, 3, 4),
) -> torch.Tensor:
    """Mean over seeds of ‖∂y_L/∂x_t‖_F for one self-attention layer, by distance L - t.

    y = attention(X W_q, X W_k, X W_v) with random projections (Vaswani et al.,
    2017): the last output reaches every input through one softmax, so the
    path length is 1 at every distance.

    Returns:
        norms: (seq_len,), ``norms[k]`` at distance k. Computed in float64.
    """
    _check_lengths(seq_len, seeds)
    check_positive_int("d_model", d_model)
    totals = torch.zeros(seq_len, dtype=torch.float64)
    for seed in seeds:
        gen = torch.Generator().manual_seed(seed)
        w_q, w_k, w_v = (torch.randn(d_model, d_model, generator=gen, dtype=torch.float64) / math.sqrt(d_model)
                         for _ in range(3))
        inputs = torch.randn(seq_len, d_model, generator=gen, dtype=torch.float64)  # (L, d)

        def last_output(x: torch.Tensor, w_q=w_q, w_k=w_k, w_v=w_v) -> torch.Tensor:
            output, _ = attention(x @ w_q, x @ w_k, x @ w_v)  # (L, d)
            return output[-1]  # (d,)

        totals += _jacobian_norms(last_output, inputs).flip(0)
    return totals / len(seeds)


@dataclass(frozen=True)
class Timings:
    """Best-of-``repeats`` wall times (seconds) per sequence length."""

    lengths: list[int]
    rnn_seconds: list[float]
    attention_seconds: list[float]


def time_rnn_vs_attention(
    lengths: Sequence[int], *, d_model: int = 64, batch: int = 8, repeats: int = 5, seed: int = 0,
) -> Timings:
    """Time an RNN stepping through L positions against one attention call over L positions.

    The RNN does L dependent (B, d) × (d, d) products; attention does one
    (B, L, d) × (B, d, L) product and one (B, L, L) × (B, L, d) product. Returns the
    best (minimum) of ``repeats`` runs, the least noisy estimate on a shared machine
    (as :mod:`timeit` recommends); nothing is printed (timings are machine-dependent).
    """
    check_positive_int("d_model", d_model)
    check_positive_int("batch", batch)
    check_positive_int("repeats", repeats)
    if len(lengths) == 0:
        raise ValueError("lengths must contain at least one sequence length")
    for length in lengths:
        check_positive_int("lengths[i]", length)
    gen = torch.Generator().manual_seed(seed)
    w_hh = torch.randn(d_model, d_model, generator=gen) / math.sqrt(d_model)
    w_xh = torch.randn(d_model, d_model, generator=gen) / math.sqrt(d_model)

    def rnn(x: torch.Tensor) -> torch.Tensor:  # x: (B, L, d)
        hidden = torch.zeros(x.shape[0], d_model)  # (B, d)
        for t in range(x.shape[1]):
            hidden = torch.tanh(hidden @ w_hh + x[:, t] @ w_xh)
        return hidden

    def attn(x: torch.Tensor) -> torch.Tensor:
        return attention(x, x, x)[0]  # (B, L, d)

    def best_time(fn, x: torch.Tensor) -> float:
        fn(x)  # warm-up
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn(x)
            runs.append(time.perf_counter() - start)
        return min(runs)

    rnn_s, attn_s = [], []
    with torch.no_grad():
        for length in lengths:
            x = torch.randn(batch, length, d_model, generator=gen)  # (B, L, d)
            rnn_s.append(best_time(rnn, x))
            attn_s.append(best_time(attn, x))
    return Timings(list(lengths), rnn_s, attn_s)

