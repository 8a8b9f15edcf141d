"""Scaled dot-product attention: the source article's function, done right.

    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V        (Vaswani et al., 2017, eq. 1)

The steps are numbered as in the "algorithm" chapter:

1. scores  = Q Kᵀ / √d_k          how well each query matches each key
2. weights = softmax(scores)       one probability distribution per query
3. output  = weights V             a weighted average of the values
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from ._validation import check_qkv, check_query_key, check_scores_value
from .softmax import masked_softmax

Dropout = Callable[[torch.Tensor], torch.Tensor]

_HALF_DTYPES = (torch.float16, torch.bfloat16)


def scaled_dot_product_scores(query: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
    """Step 1: scores = Q Kᵀ / √d_k (Vaswani et al., 2017, §3.2.1).

    Args:
        query: (..., L_q, d_k)
        key: (..., L_k, d_k)

    Returns:
        scores: (..., L_q, L_k)
    """
    check_query_key(query, key)
    d_k = query.shape[-1]
    # Scaling q before the product keeps intermediate values small.
    return torch.matmul(query / math.sqrt(d_k), key.transpose(-2, -1))  # (..., L_q, L_k)


def attend(
    scores: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
    dropout: Dropout | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Steps 2 and 3 for any score function: masked softmax, then weighted sum.

    Args:
        scores: (..., L_q, L_k) logits from any scoring function (dot product,
            additive, bilinear, ...).
        value: (..., L_k, d_v)
        mask: bool/int broadcastable to (..., L_q, L_k), True = may attend.
        dropout: optional callable applied to the weights, e.g. ``nn.Dropout(p)``.

    Returns:
        output: (..., L_q, d_v) and weights: (..., L_q, L_k).
    """
    check_scores_value(scores, value)
    if dropout is not None and not callable(dropout):
        raise TypeError(f"dropout must be callable (e.g. nn.Dropout(p)), got {type(dropout).__name__}")
    weights = masked_softmax(scores, mask)  # (..., L_q, L_k)    step 2
    if dropout is not None:
        weights = dropout(weights)
    output = torch.matmul(weights, value.to(weights.dtype))  # (..., L_q, d_v)    step 3
    return output, weights


def attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
    dropout: Dropout | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Scaled dot-product attention, returning the output *and* the weights.

    softmax(Q Kᵀ / √d_k) V, Vaswani et al. (2017), eq. 1.

    Args:
        query: (..., L_q, d_k)
        key: (..., L_k, d_k)
        value: (..., L_k, d_v)
        mask: optional bool or integer tensor broadcastable to (..., L_q, L_k).
            True/nonzero = may attend, False/0 = blocked (the article's
            ``mask == 0`` convention). Float masks are rejected.
        dropout: optional callable applied to the attention weights.

    Returns:
        output: (..., L_q, d_v), weights: (..., L_q, L_k).

    Blocked keys get a weight of exactly 0, and a query whose keys are all
    blocked gets zero weights and a zero output (never NaN). float16 and
    bfloat16 inputs are computed in float32 and cast back, so neither the
    masking nor large logits can overflow.
    """
    check_qkv(query, key, value)
    in_dtype = query.dtype
    if in_dtype in _HALF_DTYPES:
        query, key, value = query.float(), key.float(), value.float()
    scores = scaled_dot_product_scores(query, key)  # (..., L_q, L_k)    step 1
    output, weights = attend(scores, value, mask, dropout)  # steps 2 and 3
    return output.to(in_dtype), weights.to(in_dtype)
