"""Sinusoidal positional encoding (Vaswani et al., 2017, §3.5).

Attention is permutation-equivariant: shuffle the tokens and the outputs are
shuffled the same way. To let a model use word order, each position gets a
fixed vector added to its embedding:

    PE[pos, 2i]     = sin(pos / 10000^(2i / d_model))
    PE[pos, 2i + 1] = cos(pos / 10000^(2i / d_model))
"""

from __future__ import annotations

import torch

from ._validation import check_positive_int


def sinusoidal_positional_encoding(
    length: int,
    d_model: int,
    *,
    base: float = 10000.0,
    dtype: torch.dtype = torch.float32,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Return the (length, d_model) sinusoidal table of Vaswani et al. (2017), §3.5.

    Even columns hold sines, odd columns cosines; column pair i has the
    wavelength 2π · base^(2i / d_model). An odd ``d_model`` simply ends on a
    sine column. The table is computed in float64 and cast to ``dtype``.
    """
    check_positive_int("length", length)
    check_positive_int("d_model", d_model)
    if not isinstance(base, (int, float)) or isinstance(base, bool) or base <= 1:
        raise ValueError(f"base must be a number greater than 1, got {base!r}")
    position = torch.arange(length, dtype=torch.float64, device=device).unsqueeze(1)  # (L, 1)
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64, device=device)  # (ceil(d/2),)
    angle = position / base ** (two_i / d_model)  # (L, ceil(d/2))
    pe = torch.empty(length, d_model, dtype=torch.float64, device=device)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return pe.to(dtype)  # (L, d_model)
