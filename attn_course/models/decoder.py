"""A tiny GPT-style causal decoder that decodes with a KV cache (Radford et al., 2018; Pope et al., 2023).

:class:`TinyDecoder` is built from the course's parts (``split_heads``,
``merge_heads``, ``attention``, ``causal_mask``,
``sinusoidal_positional_encoding``) and is randomly initialised from a seed:
the efficient-attention chapter uses it to show that decoding with and
without a :class:`~attn_course.efficient.KVCache` gives the same tokens, not
what the tokens say.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_positive_int
from ..attention import attention
from ..efficient.kv_cache import KVCache
from ..masks import causal_mask
from ..multihead import merge_heads, split_heads
from ..positional import sinusoidal_positional_encoding


class DecoderLayer(nn.Module):
    """Pre-norm decoder block: x + MHA(LN(x)), then x + MLP(LN(x)) (Xiong et al., 2020)."""

    def __init__(self, d_model: int, num_heads: int) -> None:
        super().__init__()
        self.num_heads = num_heads
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.qkv = nn.Linear(d_model, 3 * d_model)  # W^Q, W^K, W^V side by side
        self.out = nn.Linear(d_model, d_model)  # W^O
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))

    def forward(self, x: torch.Tensor, cache: KVCache | None, layer: int) -> torch.Tensor:
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)  # 3 x (B, n, d_model)
        q, k, v = (split_heads(t, self.num_heads) for t in (q, k, v))  # (B, h, n, d_head)
        if cache is not None:
            k, v = cache.update(layer, k, v)  # (B, h, offset + n, d_head)
        n, total = q.shape[-2], k.shape[-2]
        offset = total - n  # positions already cached before this call
        mask = causal_mask(total, device=x.device)[offset:offset + n]  # (n, total): new rows of the causal mask
        heads, _ = attention(q, k, v, mask)  # (B, h, n, d_head)
        x = x + self.out(merge_heads(heads))
        return x + self.mlp(self.norm2(x))


class TinyDecoder(nn.Module):
    """A small GPT-style causal decoder: token embedding + sinusoidal positions, layers, output head."""

    def __init__(
        self, vocab_size: int = 32, d_model: int = 32, num_heads: int = 4, num_layers: int = 2,
        max_len: int = 512, seed: int = 0,
    ) -> None:
        super().__init__()
        for name, value in (("vocab_size", vocab_size), ("d_model", d_model), ("num_heads", num_heads),
                            ("num_layers", num_layers), ("max_len", max_len)):
            check_positive_int(name, value)
        if d_model % num_heads:
            raise ValueError(f"d_model={d_model} must be divisible by num_heads={num_heads}")
        with torch.random.fork_rng(devices=[]):  # seeded weights; the global RNG is restored even on error
            torch.manual_seed(seed)
            self.embed = nn.Embedding(vocab_size, d_model)
            self.layers = nn.ModuleList(DecoderLayer(d_model, num_heads) for _ in range(num_layers))
            self.norm = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab_size)
        self.register_buffer("positions", sinusoidal_positional_encoding(max_len, d_model), persistent=False)
        self.max_len = max_len

    def forward(self, tokens: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        """Logits (B, n, vocab) for ``tokens`` (B, n), which follow the ``cache.length`` cached positions."""
        if not isinstance(tokens, torch.Tensor) or tokens.dtype != torch.long or tokens.dim() != 2:
            raise TypeError(f"tokens must be a (B, n) LongTensor, got {tokens!r:.80}")
        start = 0 if cache is None else cache.length
        if start + tokens.shape[1] > self.max_len:
            raise ValueError(f"sequence of {start + tokens.shape[1]} tokens exceeds max_len={self.max_len}")
        x = self.embed(tokens) + self.positions[start:start + tokens.shape[1]]  # (B, n, d_model)
        for index, layer in enumerate(self.layers):
            x = layer(x, cache, index)
        return self.head(self.norm(x))  # (B, n, vocab)
