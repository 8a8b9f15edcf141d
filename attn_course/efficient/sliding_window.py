"""Sliding-window attention in O(L · window) time and memory (Beltagy et al., 2020).

``attention(q, k, v, sliding_window_mask(L, w))`` gives the right answer but
still builds the (L, L) score matrix and throws most of it away. Here the
sequence is cut into chunks of c = max(w, 1) positions; a query can only see
keys in its own chunk and the two neighbouring ones, so each chunk does one
dense (c, 3c) score product (the "sliding chunks" of Longformer's
implementation). Scores have shape (..., L/c, c, 3c): 3 L c numbers instead of L².
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .._validation import check_nonnegative_int, check_qkv, shape_str
from ..softmax import masked_softmax


def sliding_window_attention(
    query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, window: int, *, causal: bool = False
) -> torch.Tensor:
    """Attention where query i sees keys i - window .. i + window (only i - window .. i if causal).

    Same output as ``attention(query, key, value, sliding_window_mask(L, window, causal=causal))[0]``.

    Args:
        query, key: (..., L, d_k); value: (..., L, d_v)
        window: neighbours on each side (>= 0).

    Returns:
        output: (..., L, d_v)
    """
    check_qkv(query, key, value)
    check_nonnegative_int("window", window)
    length = query.shape[-2]
    if key.shape[-2] != length:
        raise ValueError(
            "sliding-window attention needs L_q == L_k: "
            f"query has shape {shape_str(query)}, key has shape {shape_str(key)}"
        )
    chunk = max(window, 1)  # every key a query may see lies in its own chunk or a neighbouring one
    n_chunks = -(-length // chunk)
    pad = n_chunks * chunk - length

    def windows(x: torch.Tensor) -> torch.Tensor:  # (..., L, d) -> (..., n, 3c, d): chunks t-1, t, t+1
        padded = F.pad(x, (0, 0, chunk, chunk + pad))  # (..., (n + 2) c, d)
        return padded.unfold(-2, 3 * chunk, chunk).transpose(-2, -1)

    q_chunks = F.pad(query, (0, 0, 0, pad)).unflatten(-2, (n_chunks, chunk))  # (..., n, c, d_k)
    scores = q_chunks @ windows(key).transpose(-2, -1) / math.sqrt(query.shape[-1])  # (..., n, c, 3c)
    q_pos = torch.arange(n_chunks * chunk, device=query.device).view(n_chunks, chunk, 1)  # (n, c, 1)
    k_pos = (torch.arange(n_chunks, device=query.device).view(n_chunks, 1, 1) - 1) * chunk + torch.arange(
        3 * chunk, device=query.device
    )  # (n, 1, 3c)
    offset = k_pos - q_pos  # (n, c, 3c): key position - query position
    allowed = (offset.abs() <= window) & (k_pos >= 0) & (k_pos < length)
    if causal:
        allowed = allowed & (offset <= 0)
    weights = masked_softmax(scores, allowed)  # (..., n, c, 3c)
    out = weights @ windows(value)  # (..., n, c, d_v)
    return out.flatten(-3, -2)[..., :length, :]  # (..., L, d_v)
