"""A sentence classifier that pools its words with attention.

Words are embedded, mixed with their neighbours by a width-3 convolution (so
"not good" can look different from "good"), then one learned query pools
them with additive attention (:class:`AttentionPooling`). The pooling weights
are one number per word: the classifier's answer to "which words decided?".
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_positive_int
from .pooling import AttentionPooling
from .seq2seq import _check_ids


class SentimentClassifier(nn.Module):
    """``forward(ids (B, L))`` -> ``(logits (B, num_classes), weights (B, L))``; id 0 is padding."""

    def __init__(self, vocab_size: int, d_model: int = 32, num_classes: int = 2) -> None:
        super().__init__()
        for name, n in (("vocab_size", vocab_size), ("d_model", d_model), ("num_classes", num_classes)):
            check_positive_int(name, n)
        self.embed = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.mix = nn.Conv1d(d_model, d_model, kernel_size=3, padding=1)  # each word sees its neighbours
        self.pool = AttentionPooling(d_model)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        ids = _check_ids("ids", ids)
        mask = ids != 0  # (B, L)
        x = self.embed(ids)  # (B, L, d)
        x = torch.tanh(self.mix(x.transpose(1, 2)).transpose(1, 2))  # (B, L, d)
        pooled, weights = self.pool(x, mask)  # (B, d), (B, L)
        return self.head(pooled), weights
