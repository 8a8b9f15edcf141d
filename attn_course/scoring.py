"""Other ways to score a query against a key.

The source article says the match between query and key is computed "by a dot
product or other functions". The classic alternatives are:

========================  ===============================  ======================
name                      score(q, k)                      paper
========================  ===============================  ======================
dot                       qᵀ k                             Luong et al. (2015)
scaled dot                qᵀ k / √d_k                      Vaswani et al. (2017)
general (bilinear)        qᵀ W k                           Luong et al. (2015)
additive (concat / MLP)   vᵀ tanh(W_q q + W_k k)           Bahdanau et al. (2015)
========================  ===============================  ======================

All of them feed the same masked softmax and weighted sum
(:func:`attn_course.attention.attend`), so they share the mask semantics:
True = may attend, blocked weights are exactly 0.
"""

from __future__ import annotations

import torch
from torch import nn

from ._validation import check_key_value, check_positive_int, check_query_key, check_tensor, shape_str
from .attention import Dropout, attend


def dot_product_scores(query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
    """Unscaled dot-product scores qᵀk (Luong et al., 2015, "dot").

    Args:
        query: (..., L_q, d), key: (..., L_k, d)

    Returns:
        scores: (..., L_q, L_k)
    """
    check_query_key(query, key)
    return torch.matmul(query, key.transpose(-2, -1))  # (..., L_q, L_k)


def _check_last_dim(name: str, tensor: object, expected: int) -> torch.Tensor:
    t = check_tensor(name, tensor, min_dim=2)
    if t.shape[-1] != expected:
        raise ValueError(f"{name} must have last dimension {expected}, got shape {shape_str(t)}")
    return t


class _ScoredAttention(nn.Module):
    """Shared ``forward``: score, then masked softmax and weighted sum."""

    def score(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:  # pragma: no cover
        raise NotImplementedError

    def forward(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, mask: torch.Tensor | None = None,
                dropout: Dropout | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(output (..., L_q, d_v), weights (..., L_q, L_k))``."""
        scores = self.score(query, key)  # (..., L_q, L_k)
        check_key_value(key, value)
        return attend(scores, value, mask, dropout)


class AdditiveAttention(_ScoredAttention):
    """Additive ("concat", MLP) attention of Bahdanau et al. (2015), eq. 6 / App. A.1.1.

    score(q, k) = vᵀ tanh(W_q q + W_k k). Query and key may have different
    sizes, which is why Bahdanau's decoder could score its hidden state
    against encoder annotations of another width.
    """

    def __init__(self, d_query: int, d_key: int, d_hidden: int) -> None:
        super().__init__()
        for name, n in (("d_query", d_query), ("d_key", d_key), ("d_hidden", d_hidden)):
            check_positive_int(name, n)
        self.d_query, self.d_key = d_query, d_key
        self.query_proj = nn.Linear(d_query, d_hidden, bias=False)  # W_q
        self.key_proj = nn.Linear(d_key, d_hidden, bias=False)  # W_k
        self.v = nn.Linear(d_hidden, 1, bias=False)  # vᵀ

    def score(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        """query: (..., L_q, d_query), key: (..., L_k, d_key) -> scores (..., L_q, L_k)."""
        _check_last_dim("query", query, self.d_query)
        _check_last_dim("key", key, self.d_key)
        q = self.query_proj(query).unsqueeze(-2)  # (..., L_q, 1, d_hidden)
        k = self.key_proj(key).unsqueeze(-3)  # (..., 1, L_k, d_hidden)
        return self.v(torch.tanh(q + k)).squeeze(-1)  # (..., L_q, L_k)


class GeneralAttention(_ScoredAttention):
    """Bilinear ("general") attention of Luong et al. (2015), eq. 8: score(q, k) = qᵀ W k."""

    def __init__(self, d_query: int, d_key: int) -> None:
        super().__init__()
        check_positive_int("d_query", d_query)
        check_positive_int("d_key", d_key)
        self.d_query, self.d_key = d_query, d_key
        self.bilinear = nn.Linear(d_key, d_query, bias=False)  # W: maps keys into query space

    def score(self, query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
        """query: (..., L_q, d_query), key: (..., L_k, d_key) -> scores (..., L_q, L_k)."""
        _check_last_dim("query", query, self.d_query)
        _check_last_dim("key", key, self.d_key)
        return torch.matmul(query, self.bilinear(key).transpose(-2, -1))  # (..., L_q, L_k)
