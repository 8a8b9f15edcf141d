"""The online softmax: one pass over the scores with a running max and sum.

A softmax needs the maximum of its row (for stability) and the sum of the
exponentials (to normalise) before it can write a single weight. Milakov &
Gimelshein (2018) showed both can be kept *while* reading the row, block by
block: after block t,

    m_t = max(m_{t-1}, max(block_t))
    l_t = l_{t-1} * exp(m_{t-1} - m_t) + sum(exp(block_t - m_t))

and at the end softmax(x)_j = exp(x_j - m_T) / l_T. The factor
``exp(m_{t-1} - m_t)`` rescales the old sum whenever a larger score appears.
This recurrence is what lets :func:`attn_course.efficient.flash_attention` process keys
in tiles (Dao et al., 2022).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .._validation import check_positive_int, check_tensor


@dataclass(frozen=True)
class OnlineSoftmaxStep:
    """The state after one block of the online softmax (tensors of shape (...))."""

    start: int  # first position of the block
    stop: int  # one past its last position
    block_max: torch.Tensor  # max of the block's scores
    running_max: torch.Tensor  # m_t
    rescale: torch.Tensor  # exp(m_{t-1} - m_t), the factor applied to the old sum
    running_sum: torch.Tensor  # l_t, the sum of exp(x_j - m_t) over the blocks seen so far


def online_softmax(
    scores: torch.Tensor, block_size: int = 1
) -> tuple[torch.Tensor, list[OnlineSoftmaxStep]]:
    """Softmax over the last dimension, reading it ``block_size`` entries at a time.

    Args:
        scores: (..., L) logits; ``-inf`` marks a blocked entry.
        block_size: entries read per step (1 = the element-wise recurrence).

    Returns:
        weights: (..., L), equal to ``torch.softmax(scores, -1)`` (a row that is
        all ``-inf`` gives zeros, not NaN), and the list of states, one per block,
        so a reader can follow the recurrence.
    """
    check_tensor("scores", scores, min_dim=1)
    check_positive_int("block_size", block_size)
    if scores.shape[-1] == 0:
        raise ValueError(f"scores must have at least one entry in its last dimension, got shape {tuple(scores.shape)}")
    batch = scores.shape[:-1]
    running_max = scores.new_full(batch, -math.inf)
    running_sum = scores.new_zeros(batch)
    steps: list[OnlineSoftmaxStep] = []
    for start in range(0, scores.shape[-1], block_size):
        block = scores[..., start : start + block_size]  # (..., b)
        block_max = block.amax(dim=-1)
        new_max = torch.maximum(running_max, block_max)
        shift = new_max.masked_fill(new_max == -math.inf, 0.0)  # nothing seen yet: exp(-inf - 0) = 0
        rescale = torch.exp(running_max - shift)
        running_sum = running_sum * rescale + torch.exp(block - shift.unsqueeze(-1)).sum(dim=-1)
        running_max = new_max
        steps.append(OnlineSoftmaxStep(start, start + block.shape[-1], block_max, new_max, rescale, running_sum))
    shift = running_max.masked_fill(running_max == -math.inf, 0.0).unsqueeze(-1)
    total = running_sum.masked_fill(running_sum == 0, 1.0).unsqueeze(-1)
    return torch.exp(scores - shift) / total, steps


def format_trace(steps: list[OnlineSoftmaxStep], decimals: int = 4) -> str:
    """A table of the recurrence for a single row (each state must hold one number)."""
    lines = [f"{'step':>4} {'block':>9} {'block max':>10} {'m_t':>10} {'rescale':>10} {'l_t':>10}"]
    for index, step in enumerate(steps, start=1):
        values = (step.block_max, step.running_max, step.rescale, step.running_sum)
        if any(v.numel() != 1 for v in values):
            raise ValueError("format_trace needs the trace of a single row: pass scores of shape (L,)")
        cells = " ".join(f"{float(v):>10.{decimals}f}" for v in values)
        lines.append(f"{index:>4} {f'{step.start}:{step.stop}':>9} {cells}")
    return "\n".join(lines)
