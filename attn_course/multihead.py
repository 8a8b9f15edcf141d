"""Multi-head attention (Vaswani et al., 2017, §3.2.2).

    MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W^O
    head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V)

All heads are computed at once: project to d_model, *split* the last
dimension into h heads of size d_head = d_model / h, run
:func:`attn_course.attention` on the (B, h, L, d_head) tensors, then *merge*
the heads back and apply the output projection.
"""

from __future__ import annotations

import torch
from torch import nn

from ._validation import (
    check_key_value,
    check_model_input,
    check_positive_int,
    check_probability,
    check_tensor,
    shape_str,
)
from .attention import attention


def split_heads(x: torch.Tensor, num_heads: int) -> torch.Tensor:
    """(..., L, d_model) -> (..., num_heads, L, d_head), d_head = d_model / num_heads."""
    check_tensor("x", x, min_dim=2)
    check_positive_int("num_heads", num_heads)
    d_model = x.shape[-1]
    if d_model % num_heads:
        raise ValueError(
            f"the last dimension of x ({d_model}, shape {shape_str(x)}) is not divisible "
            f"by num_heads={num_heads}"
        )
    x = x.reshape(*x.shape[:-1], num_heads, d_model // num_heads)  # (..., L, h, d_head)
    return x.transpose(-3, -2)  # (..., h, L, d_head)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(..., num_heads, L, d_head) -> (..., L, num_heads * d_head); inverse of :func:`split_heads`."""
    check_tensor("x", x, min_dim=3)
    x = x.transpose(-3, -2)  # (..., L, h, d_head)
    return x.reshape(*x.shape[:-2], x.shape[-2] * x.shape[-1])  # (..., L, d_model)


class MultiHeadAttention(nn.Module):
    """Batch-first multi-head attention that returns per-head weights.

    Takeaway: h small attentions in parallel, each in its own d_model / h
    dimensional subspace, cost about as much as one full-width attention but
    can attend to different things (Vaswani et al., 2017, §3.2.2).

    ``forward(query, key, value, mask=None)`` returns
    ``(output (B, L_q, d_model), weights (B, h, L_q, L_k))``.

    ``mask`` (True = may attend) may have any of the shapes
    (L_q, L_k), (B, 1, L_k), (B, L_q, L_k) or (B, h, L_q, L_k) (singleton
    dimensions broadcast); a 2-D or 3-D mask is applied to every head.
    """

    def __init__(self, d_model: int, num_heads: int, dropout: float = 0.0, bias: bool = True) -> None:
        super().__init__()
        check_positive_int("d_model", d_model)
        check_positive_int("num_heads", num_heads)
        if d_model % num_heads:
            raise ValueError(
                f"d_model={d_model} must be divisible by num_heads={num_heads} "
                f"(each head gets d_model / num_heads dimensions)"
            )
        check_probability("dropout", dropout)
        self.d_model = d_model
        self.num_heads = num_heads
        self.d_head = d_model // num_heads
        self.q_proj = nn.Linear(d_model, d_model, bias=bias)  # W^Q for all heads
        self.k_proj = nn.Linear(d_model, d_model, bias=bias)  # W^K
        self.v_proj = nn.Linear(d_model, d_model, bias=bias)  # W^V
        self.out_proj = nn.Linear(d_model, d_model, bias=bias)  # W^O
        self.dropout = nn.Dropout(dropout)

    def _check_input(self, name: str, x: object) -> torch.Tensor:
        return check_model_input(name, x, self.d_model)

    def _heads_mask(self, mask: torch.Tensor, batch: int, len_q: int, len_k: int) -> torch.Tensor:
        """Reshape an accepted mask to broadcast against scores (B, h, L_q, L_k)."""
        if not isinstance(mask, torch.Tensor):
            raise TypeError(f"mask must be a torch.Tensor of bool or int, got {type(mask).__name__}")
        accepted = (
            f"(L_q, L_k)=({len_q}, {len_k}), (B, 1, L_k)=({batch}, 1, {len_k}), "
            f"(B, L_q, L_k)=({batch}, {len_q}, {len_k}) or "
            f"(B, h, L_q, L_k)=({batch}, {self.num_heads}, {len_q}, {len_k})"
        )
        got = shape_str(mask)
        if mask.dim() == 2:
            mask = mask[None, None]  # (1, 1, L_q, L_k)
        elif mask.dim() == 3:
            mask = mask[:, None]  # (B, 1, L_q or 1, L_k)
        elif mask.dim() != 4:
            raise ValueError(f"mask must have shape {accepted}; got {got}")
        target = (batch, self.num_heads, len_q, len_k)
        ok = all(m in (1, t) for m, t in zip(mask.shape, target, strict=True))
        if not ok:
            raise ValueError(
                f"mask must have shape {accepted} (1s broadcast); got {got}"
            )
        return mask

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """query: (B, L_q, d_model); key, value: (B, L_k, d_model).

        Returns output (B, L_q, d_model) and weights (B, h, L_q, L_k).
        """
        query = self._check_input("query", query)
        key = self._check_input("key", key)
        value = self._check_input("value", value)
        if not (query.shape[0] == key.shape[0] == value.shape[0]):
            raise ValueError(
                "query, key and value must have the same batch size B: got "
                f"query {shape_str(query)}, key {shape_str(key)}, value {shape_str(value)}"
            )
        check_key_value(key, value)
        batch, len_q, len_k = query.shape[0], query.shape[1], key.shape[1]
        if mask is not None:
            mask = self._heads_mask(mask, batch, len_q, len_k)  # broadcasts to (B, h, L_q, L_k)
        q = split_heads(self.q_proj(query), self.num_heads)  # (B, h, L_q, d_head)
        k = split_heads(self.k_proj(key), self.num_heads)  # (B, h, L_k, d_head)
        v = split_heads(self.v_proj(value), self.num_heads)  # (B, h, L_k, d_head)
        heads, weights = attention(q, k, v, mask, self.dropout)  # (B, h, L_q, d_head), (B, h, L_q, L_k)
        return self.out_proj(merge_heads(heads)), weights  # (B, L_q, d_model)

    @classmethod
    def from_torch(cls, module: nn.MultiheadAttention) -> MultiHeadAttention:
        """Build a :class:`MultiHeadAttention` with the weights of a ``nn.MultiheadAttention``.

        With the same inputs (and torch's bool ``attn_mask`` inverted: torch uses
        True = blocked), outputs and per-head weights
        (``need_weights=True, average_attn_weights=False``) agree with torch's.
        ``batch_first`` does not matter: this module is always batch-first.
        """
        if not isinstance(module, nn.MultiheadAttention):
            raise TypeError(f"module must be a torch.nn.MultiheadAttention, got {type(module).__name__}")
        if module.bias_k is not None or module.add_zero_attn:
            raise ValueError("module uses add_bias_kv or add_zero_attn, which MultiHeadAttention does not have")
        if not module._qkv_same_embed_dim:
            raise ValueError(
                f"module has kdim={module.kdim}, vdim={module.vdim} != embed_dim={module.embed_dim}; "
                "only equal sizes are supported"
            )
        bias = module.in_proj_bias is not None
        ref = module.in_proj_weight
        new = cls(module.embed_dim, module.num_heads, dropout=module.dropout, bias=bias)
        new = new.to(device=ref.device, dtype=ref.dtype)
        with torch.no_grad():
            for i, proj in enumerate((new.q_proj, new.k_proj, new.v_proj)):
                rows = slice(i * module.embed_dim, (i + 1) * module.embed_dim)
                proj.weight.copy_(module.in_proj_weight[rows])
                if bias:
                    proj.bias.copy_(module.in_proj_bias[rows])
            new.out_proj.weight.copy_(module.out_proj.weight)
            if bias:
                new.out_proj.bias.copy_(module.out_proj.bias)
        return new.train(module.training)
