"""The reversal task of the tiny Transformer: copy a digit sequence backwards.

A perfect model must *move* information from source position ``n - 1 - i``
to target position ``i``, so its cross-attention shows the anti-diagonal.
Drawn from a seeded ``torch.Generator``; nothing is downloaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from .._validation import check_positive_int

if TYPE_CHECKING:
    from ..models.tiny_transformer import TinyConfig


def reversal_batch(batch_size: int, config: TinyConfig, generator: torch.Generator
                   ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Sample ``(source, decoder_input, target)``, each (batch_size, seq_len), int64.

    ``target`` is ``source`` reversed; ``decoder_input`` is ``target`` shifted right
    behind a BOS token (teacher forcing).
    """
    check_positive_int("batch_size", batch_size)
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    source = torch.randint(0, config.num_symbols, (batch_size, config.seq_len), generator=generator)  # (B, n)
    target = source.flip(-1)  # (B, n)
    bos = torch.full((batch_size, 1), config.bos, dtype=torch.long)
    return source, torch.cat([bos, target[:, :-1]], dim=1), target
