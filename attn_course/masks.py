"""Attention masks: which keys each query may look at.

Convention used everywhere in this course (and in the source article's
``mask == 0`` test): a mask is a bool tensor, **True = may attend**,
False = blocked. Integer masks are accepted with nonzero = may attend.

Careful: PyTorch's own ``attn_mask`` of bool dtype in
``nn.MultiheadAttention`` uses the *opposite* convention (True = blocked),
while ``F.scaled_dot_product_attention`` uses ours (True = may attend).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from ._validation import check_nonnegative_int, check_positive_int


def causal_mask(n: int, *, device: torch.device | str | None = None) -> torch.Tensor:
    """Lower-triangular mask of shape (n, n): query i may attend to keys 0..i.

    This is the decoder self-attention mask of Vaswani et al. (2017), §3.2.3,
    which keeps the model auto-regressive: no position can see the future.
    """
    check_positive_int("n", n)
    return torch.ones(n, n, dtype=torch.bool, device=device).tril()  # (n, n)


def padding_mask(
    lengths: torch.Tensor | Sequence[int],
    max_len: int | None = None,
    *,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Mask of shape (B, 1, max_len) that is True at real tokens, False at padding.

    Args:
        lengths: (B,) true lengths of the sequences in a right-padded batch.
        max_len: padded length; defaults to ``max(lengths)``.

    The singleton middle dimension lets the mask broadcast over every query
    position: (B, 1, L_k) against scores of shape (B, L_q, L_k).
    """
    if isinstance(lengths, torch.Tensor):
        if lengths.is_floating_point() or lengths.dtype == torch.bool or lengths.dim() != 1:
            raise TypeError(
                f"lengths must be a 1-D integer tensor, got dtype {lengths.dtype} "
                f"and shape {tuple(lengths.shape)}"
            )
        lengths_t = lengths.to(device=device or lengths.device, dtype=torch.long)
    elif isinstance(lengths, Sequence) and all(
        isinstance(n, int) and not isinstance(n, bool) for n in lengths
    ):
        lengths_t = torch.tensor(list(lengths), dtype=torch.long, device=device)
    else:
        raise TypeError(f"lengths must be a 1-D integer tensor or a list of ints, got {lengths!r}")
    if lengths_t.numel() == 0:
        raise ValueError("lengths must hold at least one sequence length, got an empty batch")
    if (lengths_t < 0).any():
        raise ValueError(f"lengths must be non-negative, got {lengths_t.tolist()}")
    longest = int(lengths_t.max())
    if max_len is None:
        max_len = max(longest, 1)
    check_positive_int("max_len", max_len)
    if longest > max_len:
        raise ValueError(f"lengths must not exceed max_len={max_len}, got {lengths_t.tolist()}")
    positions = torch.arange(max_len, device=lengths_t.device)  # (max_len,)
    return (positions[None, :] < lengths_t[:, None]).unsqueeze(1)  # (B, 1, max_len)


def sliding_window_mask(
    n: int, window: int, *, causal: bool = False, device: torch.device | str | None = None
) -> torch.Tensor:
    """Banded mask of shape (n, n): query i may attend key j iff |i - j| <= window.

    The local attention of Longformer (Beltagy et al., 2020): each token sees
    ``window`` neighbours on each side plus itself (2 * window + 1 keys, the
    paper's window size w = 2 * window), so attention costs O(n * window)
    instead of O(n²). ``causal=True`` keeps only the past side (j <= i), the
    pattern of a sliding-window decoder. ``window=0`` lets a token see itself only.
    """
    check_positive_int("n", n)
    check_nonnegative_int("window", window)
    positions = torch.arange(n, device=device)
    offset = positions[:, None] - positions[None, :]  # (n, n): i - j
    allowed = offset.abs() <= window
    return allowed & (offset >= 0) if causal else allowed  # (n, n)
