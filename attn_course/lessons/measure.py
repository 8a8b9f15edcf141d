"""Measuring for the chapters: bytes allocated, wall time, and growth rates on log-log axes.

**Memory.** Count the bytes that PyTorch operators allocate, to measure a peak without a GPU.

On a GPU one reads ``torch.cuda.max_memory_allocated()``; on a CPU there is no
such counter. :class:`AllocationTracker` watches every operator call (a
``TorchDispatchMode``), adds the size of each new tensor storage an operator
returns, and subtracts it when the last tensor using that storage is freed.
Its ``peak`` is the largest number of tracked bytes alive at once.

It sees the tensors that operators return, not the scratch buffers inside a
fused kernel (so it cannot measure ``F.scaled_dot_product_attention``'s
internals; ``benchmarks/attention.py`` measures the process's peak resident
memory for that). The count is exact and repeatable, which suits a chapter.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

from .._validation import check_positive_int


class AllocationTracker(TorchDispatchMode):
    """``with AllocationTracker() as tracker: ...``; then read ``tracker.peak`` (bytes)."""

    def __init__(self) -> None:
        super().__init__()
        self.current = 0
        self.peak = 0
        self._users: dict[int, int] = {}  # storage address -> live tensors that use it
        self._known: set[int] = set()

    def _release(self, address: int, nbytes: int) -> None:
        self._users[address] -= 1
        if self._users[address] == 0:
            del self._users[address]
            self.current -= nbytes

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        inputs = [t for t in tree_leaves((args, kwargs or {})) if isinstance(t, torch.Tensor)]
        input_ids = {id(t) for t in inputs}
        input_storages = {t.untyped_storage().data_ptr() for t in inputs}
        result = func(*args, **(kwargs or {}))
        for tensor in tree_leaves(result):
            if not isinstance(tensor, torch.Tensor) or id(tensor) in input_ids or id(tensor) in self._known:
                continue
            storage = tensor.untyped_storage()
            address, nbytes = storage.data_ptr(), storage.nbytes()
            if address not in self._users:
                if address in input_storages:  # a view of (or in-place op on) memory made elsewhere
                    continue
                self._users[address] = 0
                self.current += nbytes
                self.peak = max(self.peak, self.current)
            self._users[address] += 1
            self._known.add(id(tensor))
            weakref.finalize(tensor, self._release, address, nbytes)
            weakref.finalize(tensor, self._known.discard, id(tensor))
        return result


def peak_allocated_bytes(fn: Callable[[], Any]) -> int:
    """Largest number of bytes of operator outputs alive at once while ``fn()`` runs.

    The result of ``fn`` is kept until the count is read, so it counts too.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    with torch.no_grad(), AllocationTracker() as tracker:
        result = fn()
        peak = tracker.peak
    del result
    return peak


def median_seconds(fn: Callable[[], object], repeats: int = 5, *,
                   clock: Callable[[], float] = time.perf_counter) -> float:
    """Median time of ``fn()`` over ``repeats`` calls, after one warm-up call.

    ``clock`` is wall time by default; ``time.process_time`` counts only this process's CPU
    time, which other programs on a busy machine disturb much less (for one-thread work).
    """
    check_positive_int("repeats", repeats)
    if not callable(clock):
        raise TypeError(f"clock must be callable, e.g. time.process_time, got {type(clock).__name__}")
    fn()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return sorted(times)[len(times) // 2]


def fit_exponent(xs: list[float], ys: list[float]) -> float:
    """Slope of log(ys) against log(xs): the p in ys ∝ xs**p (least squares on log-log axes)."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError(f"xs and ys must have the same length >= 2, got {len(xs)} and {len(ys)}")
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])
