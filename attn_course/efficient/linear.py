"""Linear attention: replace exp(q·k) by a feature-map product φ(q)·φ(k).

Katharopoulos et al. (2020) write attention with a similarity sim(q, k):

    out_i = Σ_j sim(q_i, k_j) v_j / Σ_j sim(q_i, k_j)

With sim(q, k) = φ(q)·φ(k) and φ(x) = elu(x) + 1 (positive, so the
denominator never vanishes), the sums factor:

    out_i = φ(q_i)ᵀ (Σ_j φ(k_j) v_jᵀ) / φ(q_i)ᵀ (Σ_j φ(k_j))

The d_k x d_v matrix S = Σ_j φ(k_j) v_jᵀ and the vector z = Σ_j φ(k_j) are
computed once, so the cost is O(L d_k d_v) instead of O(L² d). In the causal
case the sums run over j <= i only, and S_i, z_i become the hidden state of an
RNN updated once per token: "Transformers are RNNs". The price: φ(q)·φ(k) is
a smooth similarity that cannot be as sharp as exp(q·k / √d_k), so the
output is an approximation of softmax attention, not a copy.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .._validation import check_positive_int, check_qkv, shape_str

EPS = 1e-6  # added to the denominator, as in Katharopoulos et al. (2020)


def elu_feature_map(x: torch.Tensor) -> torch.Tensor:
    """φ(x) = elu(x) + 1, elementwise and strictly positive (Katharopoulos et al., 2020, eq. 7)."""
    return F.elu(x) + 1.0


def _check_causal_lengths(query: torch.Tensor, key: torch.Tensor) -> None:
    if query.shape[-2] != key.shape[-2]:
        raise ValueError(
            "causal linear attention needs as many queries as keys (L_q == L_k): "
            f"query has shape {shape_str(query)}, key has shape {shape_str(key)}"
        )


def linear_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    *,
    causal: bool = False,
    chunk_size: int = 64,
) -> torch.Tensor:
    """Linear attention in its parallel form.

    Args:
        query: (..., L_q, d_k)
        key: (..., L_k, d_k)
        value: (..., L_k, d_v)
        causal: token i attends tokens 0..i (needs L_q == L_k).
        chunk_size: causal only; tokens are processed in chunks of this size:
            inside a chunk the masked matrix (φ(Q) φ(K)ᵀ ⊙ M) V is used, across
            chunks the running state S, z. ``chunk_size >= L`` is the fully
            parallel masked form; the result does not depend on it.

    Returns:
        output: (..., L_q, d_v)
    """
    check_qkv(query, key, value)
    check_positive_int("chunk_size", chunk_size)
    phi_q, phi_k = elu_feature_map(query), elu_feature_map(key)  # (..., L, d_k)
    if not causal:
        state = phi_k.transpose(-2, -1) @ value  # (..., d_k, d_v) = Σ_j φ(k_j) v_jᵀ
        norm = phi_k.sum(dim=-2, keepdim=True)  # (..., 1, d_k) = Σ_j φ(k_j)
        numerator = phi_q @ state  # (..., L_q, d_v)
        denominator = (phi_q * norm).sum(dim=-1, keepdim=True)  # (..., L_q, 1)
        return numerator / (denominator + EPS)
    _check_causal_lengths(query, key)
    batch = torch.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    length = query.shape[-2]
    state = phi_q.new_zeros(*batch, query.shape[-1], value.shape[-1])  # (..., d_k, d_v)
    norm = phi_q.new_zeros(*batch, 1, query.shape[-1])  # (..., 1, d_k)
    outputs = []
    for start in range(0, length, chunk_size):
        stop = min(start + chunk_size, length)
        q_c, k_c, v_c = phi_q[..., start:stop, :], phi_k[..., start:stop, :], value[..., start:stop, :]
        within = (q_c @ k_c.transpose(-2, -1)).tril()  # (..., c, c): φ(q_i)·φ(k_j) for j <= i in the chunk
        numerator = q_c @ state + within @ v_c  # (..., c, d_v): earlier chunks + this one
        denominator = (q_c * norm).sum(dim=-1, keepdim=True) + within.sum(dim=-1, keepdim=True)  # (..., c, 1)
        outputs.append(numerator / (denominator + EPS))
        state = state + k_c.transpose(-2, -1) @ v_c
        norm = norm + k_c.sum(dim=-2, keepdim=True)
    return torch.cat(outputs, dim=-2)  # (..., L, d_v)


def linear_attention_recurrent(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """Causal linear attention as an RNN: one state update per token (Katharopoulos et al., 2020, §3.4).

        S_i = S_{i-1} + φ(k_i) v_iᵀ,   z_i = z_{i-1} + φ(k_i),   out_i = φ(q_i)ᵀ S_i / (φ(q_i)ᵀ z_i)

    The state (S, z) has a fixed size d_k x (d_v + 1) whatever the length, which
    is why decoding with it costs O(1) per token. Same result as
    ``linear_attention(..., causal=True)``.

    Args:
        query, key: (..., L, d_k); value: (..., L, d_v)

    Returns:
        output: (..., L, d_v)
    """
    check_qkv(query, key, value)
    _check_causal_lengths(query, key)
    phi_q, phi_k = elu_feature_map(query), elu_feature_map(key)
    batch = torch.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    state = phi_q.new_zeros(*batch, query.shape[-1], value.shape[-1])  # S: (..., d_k, d_v)
    norm = phi_q.new_zeros(*batch, query.shape[-1])  # z: (..., d_k)
    outputs = []
    for i in range(query.shape[-2]):
        q_i, k_i, v_i = phi_q[..., i, :], phi_k[..., i, :], value[..., i, :]  # (..., d)
        state = state + k_i.unsqueeze(-1) * v_i.unsqueeze(-2)  # (..., d_k, d_v)
        norm = norm + k_i
        numerator = (q_i.unsqueeze(-2) @ state).squeeze(-2)  # (..., d_v)
        denominator = (q_i * norm).sum(dim=-1, keepdim=True)  # (..., 1)
        outputs.append(numerator / (denominator + EPS))
    return torch.stack(outputs, dim=-2)  # (..., L, d_v)
