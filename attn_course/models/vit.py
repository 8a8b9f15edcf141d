"""A tiny Vision Transformer (Dosovitskiy et al., 2021): an image is a sequence of patches.

Takeaway: nothing in the encoder knows it is looking at an image. The
picture is cut into ``patch_size`` x ``patch_size`` tiles, each tile becomes a
token (a linear map of its pixels), a learned ``[CLS]`` token is prepended and
learned position embeddings are added; then standard pre-norm encoder
blocks (:class:`attn_course.EncoderBlock` with ``norm_first=True``, built on
:class:`attn_course.MultiHeadAttention`) mix the tokens, and
the ``[CLS]`` token's final vector is classified. The ``[CLS]`` row of each
attention matrix says which patches the classifier read.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_positive_int, check_tensor, shape_str
from ..transformer import EncoderBlock


class TinyViT(nn.Module):
    """``forward(images (B, C, H, W))`` -> ``(logits (B, num_classes), [weights (B, h, N+1, N+1)] per layer)``.

    N = (image_size / patch_size)² patches; token 0 is ``[CLS]``.
    """

    def __init__(self, image_size: int = 24, patch_size: int = 4, channels: int = 1, d_model: int = 32,
                 num_heads: int = 4, num_layers: int = 2, num_classes: int = 4) -> None:
        super().__init__()
        for name, n in (("image_size", image_size), ("patch_size", patch_size), ("channels", channels),
                        ("d_model", d_model), ("num_heads", num_heads), ("num_layers", num_layers),
                        ("num_classes", num_classes)):
            check_positive_int(name, n)
        if image_size % patch_size:
            raise ValueError(f"image_size={image_size} must be divisible by patch_size={patch_size}")
        self.image_size, self.patch_size, self.channels = image_size, patch_size, channels
        self.grid = image_size // patch_size
        # A strided convolution is a linear map applied to each non-overlapping patch.
        self.patch_embed = nn.Conv2d(channels, d_model, kernel_size=patch_size, stride=patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d_model))
        self.pos_embed = nn.Parameter(0.02 * torch.randn(1, self.grid**2 + 1, d_model))
        # Pre-norm blocks (x + Sublayer(LN(x)), Xiong et al., 2020) with a GELU MLP of width 2 * d_model.
        self.blocks = nn.ModuleList(
            EncoderBlock(d_model, num_heads, d_ff=2 * d_model, norm_first=True, activation="gelu")
            for _ in range(num_layers)
        )
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        check_tensor("images", images)
        expected = (self.channels, self.image_size, self.image_size)
        if images.dim() != 4 or tuple(images.shape[1:]) != expected:
            raise ValueError(f"images must have shape (B, {', '.join(map(str, expected))}), got {shape_str(images)}")
        patches = self.patch_embed(images).flatten(2).transpose(1, 2)  # (B, N, d)
        cls = self.cls_token.expand(images.shape[0], -1, -1)  # (B, 1, d)
        x = torch.cat([cls, patches], dim=1) + self.pos_embed  # (B, N+1, d)
        all_weights = []
        for block in self.blocks:
            x, weights = block(x)  # weights: (B, h, N+1, N+1)
            all_weights.append(weights)
        return self.head(self.norm(x[:, 0])), all_weights


def cls_attention(weights: list[torch.Tensor], grid: int, *, rollout: bool = False) -> torch.Tensor:
    """Where ``[CLS]`` looked, as a (B, grid, grid) map over patches that sums to at most 1.

    ``rollout=False`` uses the last layer's ``[CLS]`` row, averaged over heads.
    ``rollout=True`` multiplies the head-averaged matrices of all layers, each
    mixed with the identity for the residual path (Abnar & Zuidema, 2020).
    """
    if not weights:
        raise ValueError("weights must be a non-empty list of (B, h, N+1, N+1) tensors")
    if weights[-1].shape[-1] != grid * grid + 1:
        raise ValueError(f"weights have {weights[-1].shape[-1]} tokens, expected grid² + 1 = {grid * grid + 1}")
    if rollout:
        eye = torch.eye(weights[0].shape[-1])
        joint = eye
        for w in weights:
            layer = 0.5 * w.mean(1) + 0.5 * eye  # (B, N+1, N+1)
            joint = layer @ joint
        row = joint[:, 0, 1:]  # (B, N)
    else:
        row = weights[-1].mean(1)[:, 0, 1:]  # (B, N)
    return row.reshape(-1, grid, grid)
