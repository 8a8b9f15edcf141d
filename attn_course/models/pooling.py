"""Attention pooling: one learned query reads a whole sequence.

Instead of averaging the token vectors (or keeping the last RNN state), a
trained query vector scores every position with additive attention
(Bahdanau et al., 2015) and the sequence summary is the weighted average.
The weights say which positions the classifier relied on, one number per
word or frame (the "attention-based" classifiers discussed by Jain &
Wallace, 2019, who also warn that weights are not a full explanation).
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_model_input, check_positive_int, shape_str
from ..scoring import AdditiveAttention


class AttentionPooling(nn.Module):
    """``forward(x (B, L, d_model), mask (B, L) bool)`` -> ``(pooled (B, d_model), weights (B, L))``.

    ``mask`` is True where a position may be attended (real tokens) and False on
    padding; padded positions get weight exactly 0.
    """

    def __init__(self, d_model: int, d_hidden: int | None = None) -> None:
        super().__init__()
        check_positive_int("d_model", d_model)
        self.d_model = d_model
        self.query = nn.Parameter(torch.randn(1, 1, d_model) / d_model**0.5)  # the learned question
        self.score = AdditiveAttention(d_model, d_model, d_hidden or d_model)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        check_model_input("x", x, self.d_model)
        if mask is not None:
            if not isinstance(mask, torch.Tensor) or tuple(mask.shape) != tuple(x.shape[:2]):
                got = shape_str(mask) if isinstance(mask, torch.Tensor) else type(mask).__name__
                raise ValueError(f"mask must have shape (B, L)={tuple(x.shape[:2])}, got {got}")
            mask = mask[:, None, :]  # (B, 1, L): one query row
        query = self.query.expand(x.shape[0], 1, self.d_model)  # (B, 1, d_model)
        pooled, weights = self.score(query, x, x, mask)  # (B, 1, d_model), (B, 1, L)
        return pooled.squeeze(1), weights.squeeze(1)  # (B, d_model), (B, L)
