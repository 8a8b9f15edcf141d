"""CharGPT: the course's one decoder, a decoder-only Transformer language model (Radford et al., 2018; 2019).

Takeaway: a GPT is the Transformer decoder without cross-attention. Each token
looks at itself and the tokens before it (a causal mask), the blocks are
pre-norm (Xiong et al., 2020), positions are learned, and the output layer
reuses the input embedding matrix (weight tying; Press & Wolf, 2017). Every
attention is the course's :class:`~attn_course.MultiHeadAttention`.

Two paths through the attention must agree, as in nanoGPT:

1. without a cache, :class:`CausalSelfAttention` calls ``MultiHeadAttention``
   with a causal mask on the whole sequence;
2. with a :class:`~attn_course.efficient.KVCache`, it projects only the new
   tokens, appends their keys and values to the cache and attends the new
   queries to every cached key (Pope et al., 2023).

``attention_only=True`` drops the feed-forward sub-layers and ``layer_norm=False``
the LayerNorms: the simplified two-layer attention-only model in which Elhage
et al. (2021) and Olsson et al. (2022) found induction heads.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_nonnegative_int, check_positive, check_positive_int, check_probability, shape_str
from ..attention import attention
from ..efficient.kv_cache import KVCache
from ..masks import causal_mask
from ..multihead import MultiHeadAttention, merge_heads, split_heads
from ..transformer import FeedForward


class CausalSelfAttention(nn.Module):
    """Masked multi-head self-attention with an optional KV cache: (B, n, d_model) -> (B, n, d_model)."""

    def __init__(self, d_model: int, num_heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        self.mha = MultiHeadAttention(d_model, num_heads, dropout=dropout)

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """Returns the output (B, n, d_model) and the weights (B, h, n, cached + n)."""
        if cache is None:  # 1. the plain path: the course's block with a causal mask
            return self.mha(x, x, x, causal_mask(x.shape[1], device=x.device))
        mha = self.mha  # 2. the cached path: project the new tokens only
        q = split_heads(mha.q_proj(x), mha.num_heads)  # (B, h, n, d_head)
        k = split_heads(mha.k_proj(x), mha.num_heads)  # (B, h, n, d_head)
        v = split_heads(mha.v_proj(x), mha.num_heads)  # (B, h, n, d_head)
        k, v = cache.update(layer, k, v)  # (B, h, cached + n, d_head)
        n, total = q.shape[-2], k.shape[-2]
        mask = causal_mask(total, device=x.device)[total - n:]  # (n, total): the new rows of the causal mask
        heads, weights = attention(q, k, v, mask, mha.dropout)  # (B, h, n, d_head), (B, h, n, total)
        return mha.out_proj(merge_heads(heads)), weights  # (B, n, d_model)


class GPTBlock(nn.Module):
    """Pre-norm decoder block: ``x = x + attn(LN(x))``, then ``x = x + ffn(LN(x))`` (Xiong et al., 2020)."""

    def __init__(self, d_model: int, num_heads: int, dropout: float = 0.0, attention_only: bool = False,
                 layer_norm: bool = True) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(d_model) if layer_norm else nn.Identity()
        self.attn = CausalSelfAttention(d_model, num_heads, dropout)
        self.drop = nn.Dropout(dropout)
        self.norm2 = nn.LayerNorm(d_model) if layer_norm and not attention_only else nn.Identity()
        self.ffn = None if attention_only else FeedForward(d_model, 4 * d_model, dropout, activation="gelu")

    def forward(self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0
                ) -> tuple[torch.Tensor, torch.Tensor]:
        out, weights = self.attn(self.norm1(x), cache, layer)  # (B, n, d_model), (B, h, n, t)
        x = x + self.drop(out)
        if self.ffn is not None:
            x = x + self.drop(self.ffn(self.norm2(x)))
        return x, weights


class CharGPT(nn.Module):
    """A small GPT: token + learned position embeddings, ``num_layers`` pre-norm blocks, a tied read-out.

    ``forward(idx)`` maps token ids (B, T) to next-token logits (B, T, vocab_size): the
    logits at position t depend on ``idx[:, :t + 1]`` only. ``forward(idx, cache)``
    continues a sequence whose first ``cache.length`` tokens are already in ``cache``.

    Args:
        vocab_size, d_model, num_heads, num_layers: the sizes (d_model divisible by num_heads).
        max_len: the longest sequence the (learned) position table covers.
        dropout: on attention weights and sub-layer outputs while training.
        attention_only: no feed-forward sub-layers, as in the toy models of Elhage et al. (2021).
        layer_norm: ``False`` drops every LayerNorm (pre-norm and final), another simplification
            of those toy models; nothing then rescales the residual stream.
        embed_std: standard deviation of the token and position embeddings at initialisation
            (the linear layers keep PyTorch's defaults). Without LayerNorm it also sets the scale
            of the attention scores at the start of training.
        seed: if given, the weights are drawn from this seed without touching the global RNG.
    """

    def __init__(self, vocab_size: int, d_model: int, num_heads: int, num_layers: int, max_len: int,
                 dropout: float = 0.0, *, attention_only: bool = False, layer_norm: bool = True,
                 embed_std: float = 0.1, seed: int | None = None) -> None:
        super().__init__()
        for name, value in (("vocab_size", vocab_size), ("d_model", d_model), ("num_heads", num_heads),
                            ("num_layers", num_layers), ("max_len", max_len)):
            check_positive_int(name, value)
        check_probability("dropout", dropout)
        check_positive("embed_std", embed_std)
        if d_model % num_heads:
            raise ValueError(f"d_model={d_model} must be divisible by num_heads={num_heads}")
        for name, flag in (("attention_only", attention_only), ("layer_norm", layer_norm)):
            if not isinstance(flag, bool):
                raise TypeError(f"{name} must be a bool, got {type(flag).__name__}")
        self.vocab_size, self.max_len, self.num_layers = vocab_size, max_len, num_layers
        with torch.random.fork_rng(devices=[], enabled=seed is not None):  # seeded: the global RNG is left alone
            if seed is not None:
                torch.manual_seed(check_nonnegative_int("seed", seed))
            self.embed = nn.Embedding(vocab_size, d_model)  # token -> vector; also the read-out
            self.positions = nn.Embedding(max_len, d_model)  # learned positions (Radford et al., 2018)
            for table in (self.embed, self.positions):
                nn.init.normal_(table.weight, mean=0.0, std=embed_std)
            self.drop = nn.Dropout(dropout)
            self.blocks = nn.ModuleList(GPTBlock(d_model, num_heads, dropout, attention_only, layer_norm)
                                        for _ in range(num_layers))
            self.norm = nn.LayerNorm(d_model) if layer_norm else nn.Identity()
            self.head = nn.Linear(d_model, vocab_size, bias=False)
            self.head.weight = self.embed.weight  # weight tying: one (vocab, d_model) matrix, used twice

    def _check_idx(self, idx: object, start: int) -> torch.Tensor:
        if not isinstance(idx, torch.Tensor) or idx.dtype != torch.long or idx.dim() != 2:
            got = f"shape {shape_str(idx)}, dtype {idx.dtype}" if isinstance(idx, torch.Tensor) else type(idx).__name__
            raise TypeError(f"idx must be a 2-D (B, T) LongTensor of token ids, got {got}")
        if start + idx.shape[1] > self.max_len:
            raise ValueError(f"idx has {idx.shape[1]} tokens after {start} cached ones, more than "
                             f"max_len={self.max_len}")
        return idx

    def forward_with_attention(self, idx: torch.Tensor, cache: KVCache | None = None
                               ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Logits (B, T, vocab_size) and each layer's attention weights (B, h, T, cached + T)."""
        start = 0 if cache is None else cache.length
        idx = self._check_idx(idx, start)
        where = torch.arange(start, start + idx.shape[1], device=idx.device)  # (T,) absolute positions
        x = self.drop(self.embed(idx) + self.positions(where))  # (B, T, d_model)
        maps = []
        for layer, block in enumerate(self.blocks):
            x, weights = block(x, cache, layer)
            maps.append(weights)  # (B, h, T, cached + T)
        return self.head(self.norm(x)), maps  # (B, T, vocab_size)

    def forward(self, idx: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        """Next-token logits (B, T, vocab_size) for token ids ``idx`` (B, T)."""
        return self.forward_with_attention(idx, cache)[0]

    def new_cache(self) -> KVCache:
        """An empty :class:`~attn_course.efficient.KVCache` with one slot per layer."""
        return KVCache(self.num_layers)
