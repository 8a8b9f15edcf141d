"""A KV cache for autoregressive decoding.

Greedy decoding appends one token at a time. Without a cache, step t runs the
whole prefix of t tokens through every layer again: O(t) projections and an
O(t²) attention per step. But the keys and values of earlier tokens never
change (a causal decoder never lets a token see the future), so they can be
kept: step t then projects only the new token and attends its single query
against the cached keys, O(t) work (Pope et al., 2023, discuss the memory
this cache takes at scale).

The decoder that uses it is :class:`attn_course.models.CharGPT`;
:func:`attn_course.models.generate` decodes with or without it. Per layer it
holds a key and a value tensor of (B, h, t, d_head), so the whole cache takes
2 x layers x B x t x d_model numbers.
"""

from __future__ import annotations

import torch

from .._validation import check_positive_int


class KVCache:
    """Per-layer keys and values of the tokens decoded so far, each (B, h, t, d_head)."""

    def __init__(self, num_layers: int) -> None:
        check_positive_int("num_layers", num_layers)
        self.keys: list[torch.Tensor | None] = [None] * num_layers
        self.values: list[torch.Tensor | None] = [None] * num_layers

    @property
    def length(self) -> int:
        """Number of cached positions (0 when empty)."""
        return 0 if self.keys[0] is None else self.keys[0].shape[-2]

    @property
    def nbytes(self) -> int:
        """Memory the cached keys and values take, in bytes."""
        return sum(t.nbytes for t in (*self.keys, *self.values) if t is not None)

    def update(self, layer: int, key: torch.Tensor, value: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Append the new positions' key/value (B, h, n, d_head) and return the whole cache of ``layer``."""
        if self.keys[layer] is not None:
            key = torch.cat([self.keys[layer], key], dim=-2)  # (B, h, t + n, d_head)
            value = torch.cat([self.values[layer], value], dim=-2)
        self.keys[layer], self.values[layer] = key, value
        return key, value
