"""What a KV cache saves, and what it costs: time per generated token, and bytes.

Without a cache, generating token ``t`` runs the whole sequence of ``t`` tokens
through the model again, so the time per token grows with the length (and the
total like ``t²``). With a cache, each step projects one new token and attends it
to the cached keys: the time per token stays almost flat (Pope et al., 2023).
The price is memory: per layer, a key and a value vector per head per position,
``2 x layers x B x t x d_model`` numbers in all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import torch
from torch import nn

from .._validation import check_positive_int
from ..models.generation import generate
from .measure import median_seconds


def seconds_per_token(model: nn.Module, prompt: torch.Tensor, lengths: Sequence[int], *, repeats: int = 3,
                      clock: Callable[[], float] = time.process_time) -> dict[str, list[float]]:
    """Median seconds per generated token, greedy, with and without the KV cache, for each number of new tokens.

    The two are measured one after the other at each length, in the same run. The default clock
    is the process's CPU time, which other programs on a busy machine disturb much less than wall
    time; it measures the work when torch runs on one thread (``torch.set_num_threads(1)``).
    """
    check_positive_int("repeats", repeats)
    times: dict[str, list[float]] = {"cached": [], "uncached": []}
    for length in lengths:
        check_positive_int("lengths", length)
        for name, use_cache in (("cached", True), ("uncached", False)):
            seconds = median_seconds(lambda n=length, c=use_cache: generate(model, prompt, n, temperature=0,
                                                                           use_cache=c), repeats, clock=clock)
            times[name].append(seconds / length)
    return times


def cache_bytes(num_layers: int, batch: int, length: int, d_model: int, bytes_per_number: int = 4) -> int:
    """Bytes of a full KV cache: a key and a value of ``d_model`` numbers per layer, sequence and position."""
    for name, value in (("num_layers", num_layers), ("batch", batch), ("length", length), ("d_model", d_model),
                        ("bytes_per_number", bytes_per_number)):
        check_positive_int(name, value)
    return 2 * num_layers * batch * length * d_model * bytes_per_number
