"""Reference answers for check cells whose expected value, written out in the cell, would be the answer.

A visible check cell compares the student's function with a reference the student cannot read
off the cell. Where the package has the function itself (``attn_course.causal_mask``,
``attention``, ``AdditiveAttention.score``, ``models.generation.next_token_probs``), the cell calls
it. Where the reference is a composition of the package's functions that *is* the exercise's
solution (``causal_mask(n) & padding_mask(...)``), the composition lives here, so the cell
shows only a call; the hidden tests (``sets/``) use the same functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ..attention import attention
from ..masks import causal_mask, padding_mask
from ..multihead import merge_heads, split_heads
from ..positional import sinusoidal_positional_encoding


def decoder_mask(lengths: torch.Tensor | Sequence[int], max_len: int) -> torch.Tensor:
    """Causal AND padding mask (B, L, L), True = may attend (Vaswani et al., 2017, §3.2.3)."""
    return causal_mask(max_len) & padding_mask(lengths, max_len)


def heads_attention(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, num_heads: int) -> torch.Tensor:
    """Attention per head without projections: (B, L_q, d), (B, L_k, d), (B, L_k, d) -> (B, L_q, d)."""
    heads = attention(*(split_heads(t, num_heads) for t in (query, key, value)))[0]  # (B, h, L_q, d / h)
    return merge_heads(heads)


def add_positional_encoding(x: torch.Tensor) -> torch.Tensor:
    """``x`` (B, L, d) plus the sinusoidal table of its L positions (Vaswani et al., 2017, §3.5)."""
    return x + sinusoidal_positional_encoding(x.shape[1], x.shape[2])


def append_to_cache(
    cache: tuple[torch.Tensor, torch.Tensor] | None, keys: torch.Tensor, values: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """The KV cache (B, h, t, d) after appending ``keys``, ``values`` (B, h, n, d): old positions first."""
    if cache is None:
        return keys, values
    return torch.cat([cache[0], keys], dim=-2), torch.cat([cache[1], values], dim=-2)


def cached_attention(query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor) -> torch.Tensor:
    """The last n of t positions (query (B, h, n, d)) attending causally to all t cached ones -> (B, h, n, d_v)."""
    new, total = query.shape[-2], keys.shape[-2]
    return attention(query, keys, values, causal_mask(total)[total - new:])[0]
