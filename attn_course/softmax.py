"""A masked softmax that is exact, NaN-free and safe in half precision.

The source article fills blocked scores with ``-1e9`` before the softmax. That
has three problems, each demonstrated in the "code" chapter:

1. ``-1e9`` does not fit in float16 (whose largest value is 65504), so
   ``scores.masked_fill(mask == 0, -1e9)`` on a float16 tensor raises
   ``RuntimeError: value cannot be converted to type c10::Half without
   overflow``.
2. A blocked weight is zero only because ``exp(-1e9 - m)`` underflows; the
   fill is a finite score that still competes with real scores of similar
   size.
3. A row whose keys are all blocked becomes a *uniform* distribution over the
   blocked keys, silently attending to padding.

Here blocked scores become ``-inf`` (so their weight is exactly 0), and rows
with no allowed key return all-zero weights instead of NaN.
"""

from __future__ import annotations

import torch

from ._validation import check_mask, check_tensor


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Softmax over the last dimension that ignores blocked positions.

    Args:
        scores: (..., L_q, L_k) attention logits.
        mask: bool or integer, broadcastable to ``scores``; True/nonzero = may
            attend, False/0 = blocked.

    Returns:
        weights: (..., L_q, L_k). Each row sums to 1 over its allowed keys;
        blocked weights are exactly 0; a row with no allowed key is all 0.
    """
    check_tensor("scores", scores, min_dim=1)
    if mask is None:
        return torch.softmax(scores, dim=-1)
    allowed = check_mask(mask, scores.shape)
    scores = scores.masked_fill(~allowed, float("-inf"))  # exp(-inf) == 0 exactly
    any_allowed = allowed.any(dim=-1, keepdim=True)  # (..., L_q, 1)
    # A fully blocked row would be softmax([-inf, ..., -inf]) = NaN. Give it
    # finite scores for the softmax, then zero its weights afterwards; the
    # gradient through those rows is then exactly 0, not NaN.
    scores = scores.masked_fill(~any_allowed, 0.0)
    weights = torch.softmax(scores, dim=-1)
    return weights.masked_fill(~any_allowed, 0.0)
