"""Random draws from a ``torch.Generator`` (no global RNG state), for the data sets and the grader.

Integer ranges are half-open, ``[low, high)``, as in ``torch.randint`` and ``range``:
``randint(g, 0, len(items))`` is a valid index.
"""

from __future__ import annotations

import torch


def as_generator(seed: int | torch.Generator) -> torch.Generator:
    """Return ``seed`` if it is a ``torch.Generator``, else a new CPU generator seeded with it."""
    if isinstance(seed, torch.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int or a torch.Generator, got {type(seed).__name__}")
    return torch.Generator().manual_seed(seed)


def randint(generator: torch.Generator, low: int, high: int) -> int:
    """One integer uniformly from [low, high)."""
    return int(torch.randint(low, high, (1,), generator=generator))


def uniform(generator: torch.Generator, low: float, high: float) -> float:
    """One float uniformly from [low, high)."""
    return low + (high - low) * float(torch.rand((), generator=generator))
