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
    # Rows with no allowed key are found on the mask, which is small next to the
    # scores when it broadcasts (e.g. (L_q, L_k) against (B, h, L_q, L_k)).
    any_allowed = allowed.any(dim=-1, keepdim=True)  # (..., L_q, 1)
    # Blocked scores become -inf, so their weights are exactly 0: exp(-inf) == 0.
    # A row with no allowed key keeps its finite scores, since the softmax of
    # (-inf, ..., -inf) would be 0/0 = NaN; its weights are zeroed below.
    keep = allowed | ~any_allowed  # on the mask's shape, not the scores'
    weights = torch.softmax(torch.where(keep, scores, float("-inf")), dim=-1)
    if not any_allowed.all():  # a second pass over the weights only when needed
        weights = weights.masked_fill(~any_allowed, 0.0)  # zero output, zero gradient
    return weights
