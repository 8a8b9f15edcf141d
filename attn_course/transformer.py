"""Transformer encoder and decoder blocks built from the course's parts (Vaswani et al., 2017, §3.1).

Each block wraps its sub-layers (attention, feed-forward) in a residual
connection and a layer normalisation (Ba et al., 2016). Where the norm goes is
the one switch, ``norm_first``, with the same meaning as in
``torch.nn.TransformerEncoderLayer``:

* ``norm_first=False``, **post-norm** (the original paper, §5.4 and Fig. 1):
  ``x = LayerNorm(x + Sublayer(x))``
* ``norm_first=True``, **pre-norm** (Xiong et al., 2020):
  ``x = x + Sublayer(LayerNorm(x))``

Masks follow the course's convention, **True = may attend**.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn
from torch.nn import functional as F

from ._validation import check_model_input, check_positive_int, check_probability, shape_str
from .masks import causal_mask
from .multihead import MultiHeadAttention

_ACTIVATIONS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {"relu": F.relu, "gelu": F.gelu}


class FeedForward(nn.Module):
    """Position-wise feed-forward network, FFN(x) = W_2 act(W_1 x + b_1) + b_2 (Vaswani et al., 2017, eq. 2)."""

    def __init__(self, d_model: int, d_ff: int, dropout: float = 0.0, activation: str = "relu") -> None:
        super().__init__()
        check_positive_int("d_model", d_model)
        check_positive_int("d_ff", d_ff)
        if activation not in _ACTIVATIONS:
            raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, got {activation!r}")
        self.activation = activation
        self.linear1 = nn.Linear(d_model, d_ff)
        self.linear2 = nn.Linear(d_ff, d_model)
        self.dropout = nn.Dropout(check_probability("dropout", dropout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, L, d_model) -> (B, L, d_model)."""
        hidden = _ACTIVATIONS[self.activation](self.linear1(x))  # (B, L, d_ff)
        return self.linear2(self.dropout(hidden))  # (B, L, d_model)


class _Block(nn.Module):
    """Shared plumbing: the residual + LayerNorm wrapper in its two placements."""

    def __init__(self, d_model: int, num_heads: int, d_ff: int, dropout: float, norm_first: bool,
                 activation: str, layer_norm_eps: float) -> None:
        super().__init__()
        check_positive_int("d_model", d_model)
        if not isinstance(norm_first, bool):
            raise TypeError(f"norm_first must be a bool, got {type(norm_first).__name__}")
        self.d_model = d_model
        self.num_heads = num_heads
        self.norm_first = norm_first
        self.self_attn = MultiHeadAttention(d_model, num_heads, dropout=dropout)
        self.feed_forward = FeedForward(d_model, d_ff, dropout, activation)
        self.dropout = nn.Dropout(check_probability("dropout", dropout))
        self.layer_norm_eps = layer_norm_eps

    def _residual(self, x: torch.Tensor, norm: nn.LayerNorm, sublayer: Callable[[torch.Tensor], torch.Tensor]
                  ) -> torch.Tensor:
        if self.norm_first:
            return x + self.dropout(sublayer(norm(x)))  # pre-norm: x + Sublayer(LN(x))
        return norm(x + self.dropout(sublayer(x)))  # post-norm: LN(x + Sublayer(x))

    def _check_x(self, name: str, x: object) -> torch.Tensor:
        return check_model_input(name, x, self.d_model)


class EncoderBlock(_Block):
    """One encoder layer: self-attention, then feed-forward, each with residual + LayerNorm.

    ``forward(x, mask=None)`` returns ``(output (B, L, d_model), weights (B, h, L, L))``.
    With the same weights, it matches ``nn.TransformerEncoderLayer(batch_first=True,
    norm_first=norm_first)`` in eval mode (see :meth:`from_torch`).
    """

    def __init__(self, d_model: int, num_heads: int, d_ff: int, dropout: float = 0.0, *,
                 norm_first: bool = False, activation: str = "relu", layer_norm_eps: float = 1e-5) -> None:
        super().__init__(d_model, num_heads, d_ff, dropout, norm_first, activation, layer_norm_eps)
        self.norm1 = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.norm2 = nn.LayerNorm(d_model, eps=layer_norm_eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """x: (B, L, d_model); mask (True = may attend): any shape :class:`MultiHeadAttention` accepts."""
        x = self._check_x("x", x)
        store: dict[str, torch.Tensor] = {}

        def attend(h: torch.Tensor) -> torch.Tensor:
            out, store["weights"] = self.self_attn(h, h, h, mask)  # (B, L, d_model), (B, h, L, L)
            return out

        x = self._residual(x, self.norm1, attend)  # 1. self-attention sub-layer
        x = self._residual(x, self.norm2, self.feed_forward)  # 2. feed-forward sub-layer
        return x, store["weights"]

    @classmethod
    def from_torch(cls, layer: nn.TransformerEncoderLayer) -> EncoderBlock:
        """Copy the weights of a ``nn.TransformerEncoderLayer`` (relu or gelu activation)."""
        if not isinstance(layer, nn.TransformerEncoderLayer):
            raise TypeError(f"layer must be a torch.nn.TransformerEncoderLayer, got {type(layer).__name__}")
        new = _empty_like_torch(cls, layer)
        _copy_common(new, layer)
        return new.to(layer.linear1.weight.dtype).train(layer.training)


class DecoderBlock(_Block):
    """One decoder layer: causal self-attention, cross-attention to the encoder memory, feed-forward.

    ``forward(x, memory, target_mask=None, memory_mask=None)`` returns
    ``(output (B, L_t, d_model), self_weights (B, h, L_t, L_t), cross_weights (B, h, L_t, L_s))``.
    The causal mask (Vaswani et al., 2017, §3.2.3) is always applied; ``target_mask``
    (e.g. padding) is combined with it by logical and.
    """

    def __init__(self, d_model: int, num_heads: int, d_ff: int, dropout: float = 0.0, *,
                 norm_first: bool = False, activation: str = "relu", layer_norm_eps: float = 1e-5) -> None:
        super().__init__(d_model, num_heads, d_ff, dropout, norm_first, activation, layer_norm_eps)
        self.cross_attn = MultiHeadAttention(d_model, num_heads, dropout=dropout)
        self.norm1 = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.norm2 = nn.LayerNorm(d_model, eps=layer_norm_eps)
        self.norm3 = nn.LayerNorm(d_model, eps=layer_norm_eps)

    def forward(self, x: torch.Tensor, memory: torch.Tensor, target_mask: torch.Tensor | None = None,
                memory_mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x: (B, L_t, d_model) decoder input; memory: (B, L_s, d_model) encoder output."""
        x = self._check_x("x", x)
        memory = self._check_x("memory", memory)
        if memory.shape[0] != x.shape[0]:
            raise ValueError(f"x and memory must share the batch size: x {shape_str(x)}, memory {shape_str(memory)}")
        mask = causal_mask(x.shape[1], device=x.device)  # (L_t, L_t)
        if target_mask is not None:
            if not isinstance(target_mask, torch.Tensor) or target_mask.is_floating_point():
                raise TypeError("target_mask must be a bool or integer tensor (True = may attend)")
            mask = mask & target_mask.bool()  # broadcasts (B, L_t | 1, L_t) & (L_t, L_t)
        store: dict[str, torch.Tensor] = {}

        def self_attend(h: torch.Tensor) -> torch.Tensor:
            out, store["self"] = self.self_attn(h, h, h, mask)  # (B, h, L_t, L_t)
            return out

        def cross_attend(h: torch.Tensor) -> torch.Tensor:
            out, store["cross"] = self.cross_attn(h, memory, memory, memory_mask)  # (B, h, L_t, L_s)
            return out

        x = self._residual(x, self.norm1, self_attend)  # 1. causal self-attention
        x = self._residual(x, self.norm2, cross_attend)  # 2. cross-attention: queries from x, keys/values memory
        x = self._residual(x, self.norm3, self.feed_forward)  # 3. feed-forward
        return x, store["self"], store["cross"]

    @classmethod
    def from_torch(cls, layer: nn.TransformerDecoderLayer) -> DecoderBlock:
        """Copy the weights of a ``nn.TransformerDecoderLayer`` (relu or gelu activation)."""
        if not isinstance(layer, nn.TransformerDecoderLayer):
            raise TypeError(f"layer must be a torch.nn.TransformerDecoderLayer, got {type(layer).__name__}")
        new = _empty_like_torch(cls, layer)
        new.cross_attn = MultiHeadAttention.from_torch(layer.multihead_attn)
        _copy_common(new, layer)
        with torch.no_grad():
            new.norm3.load_state_dict(layer.norm3.state_dict())
        return new.to(layer.linear1.weight.dtype).train(layer.training)


def _activation_name(layer: nn.Module) -> str:
    act = layer.activation
    if act is F.relu or isinstance(act, nn.ReLU):
        return "relu"
    if act is F.gelu or isinstance(act, nn.GELU):
        return "gelu"
    raise ValueError(f"unsupported activation {act!r}; only relu and gelu are supported")


def _empty_like_torch(cls: type[_Block], layer: nn.Module) -> _Block:
    """A block of ``cls`` with the sizes and options of torch's ``layer`` and its self-attention copied."""
    new = cls(layer.self_attn.embed_dim, layer.self_attn.num_heads, layer.linear1.out_features,
              layer.dropout.p, norm_first=layer.norm_first, activation=_activation_name(layer),
              layer_norm_eps=layer.norm1.eps)
    new.self_attn = MultiHeadAttention.from_torch(layer.self_attn)
    return new


def _copy_common(new: _Block, layer: nn.Module) -> None:
    new.to(layer.linear1.weight.dtype)
    with torch.no_grad():
        new.feed_forward.linear1.load_state_dict(layer.linear1.state_dict())
        new.feed_forward.linear2.load_state_dict(layer.linear2.state_dict())
        new.norm1.load_state_dict(layer.norm1.state_dict())
        new.norm2.load_state_dict(layer.norm2.state_dict())
