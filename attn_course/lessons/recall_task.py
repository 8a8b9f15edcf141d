"""A synthetic recall task to compare exact and approximate attention.

Every position i holds a key k_i and a value v_i (random Gaussian vectors).
Its query is a scaled copy of the key of one *target* position t(i) that lies
at most ``max_distance`` steps before i:

    q_i = sharpness · k_{t(i)}

so the exact attention weights peak at t(i) and the output is close to
v_{t(i)}. A method *recalls* position i when its output is nearer (by dot
product) to v_{t(i)} than to any other value. Exact attention recalls almost
everything; a sliding window recalls only targets inside its window; linear
attention's smooth similarity blurs the peak. No training is involved, so
the comparison isolates the attention operator.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .._validation import check_positive, check_positive_int, check_tensor


@dataclass(frozen=True)
class RecallTask:
    """Inputs (..., L, d) and the target index (..., L) of each query."""

    query: torch.Tensor
    key: torch.Tensor
    value: torch.Tensor
    target: torch.Tensor


def make_recall_task(
    length: int,
    dim: int = 32,
    *,
    max_distance: int = 16,
    sharpness: float = 2.0,
    heads: int = 1,
    generator: torch.Generator | None = None,
) -> RecallTask:
    """Build a recall task of ``heads`` independent sequences of ``length`` positions.

    Targets are drawn uniformly from i - max_distance .. i (clipped at 0).
    Shapes: query/key/value (heads, length, dim), target (heads, length).
    """
    for name, value in (("length", length), ("dim", dim), ("max_distance", max_distance), ("heads", heads)):
        check_positive_int(name, value)
    check_positive("sharpness", sharpness)
    key = torch.randn(heads, length, dim, generator=generator)  # (h, L, d)
    value = torch.randn(heads, length, dim, generator=generator)  # (h, L, d)
    back = torch.randint(0, max_distance + 1, (heads, length), generator=generator)  # (h, L)
    target = (torch.arange(length) - back).clamp(min=0)  # (h, L)
    query = sharpness * torch.gather(key, 1, target.unsqueeze(-1).expand(-1, -1, dim))  # (h, L, d)
    return RecallTask(query, key, value, target)


def recall_accuracy(output: torch.Tensor, task: RecallTask) -> float:
    """Fraction of positions whose output is nearest (dot product) to its target's value."""
    check_tensor("output", output, min_dim=2)
    if output.shape != task.value.shape:
        raise ValueError(
            f"output must have the shape of task.value {tuple(task.value.shape)}, got {tuple(output.shape)}"
        )
    nearest = (output @ task.value.transpose(-2, -1)).argmax(dim=-1)  # (h, L)
    return (nearest == task.target).float().mean().item()
