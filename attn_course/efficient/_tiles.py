"""Which (query block, key block) tiles of an attention mask are allowed.

Shared by the tiled kernels of :mod:`attn_course.efficient.flash`. A tile is one of

* ``None``: every pair in the tile may attend (no masking work at all);
* ``False``: no pair in the tile may attend (the tile is skipped);
* a bool tensor broadcastable to (N, n_q, n_k): True = may attend.

Only the tile is ever built, never the whole (L_q, L_k) mask, so
``causal=True`` costs no quadratic memory. A user mask is the user's own
tensor; it is sliced, never copied whole.
"""

from __future__ import annotations

import math

import torch


class MaskTiles:
    """Cut a user mask and/or the causal structure into tiles.

    Args:
        mask: bool tensor broadcastable to (*batch, L_q, L_k), or None.
        batch: the broadcast batch shape of the attention call.
        len_q, len_k: sequence lengths.
        causal: query i may attend key j only if j <= i (top-left aligned, as
            ``torch.ones(L_q, L_k).tril()`` and SDPA's ``is_causal=True``).
    """

    def __init__(
        self, mask: torch.Tensor | None, batch: tuple[int, ...], len_q: int, len_k: int, causal: bool
    ) -> None:
        self.causal = causal
        self.batch_size = math.prod(batch)
        self.mask: torch.Tensor | None = None
        self.shared = True  # one mask for every batch element: tiles broadcast over N
        if mask is not None:
            full = mask.reshape((1,) * (len(batch) + 2 - mask.dim()) + tuple(mask.shape))
            if all(s == 1 for s in full.shape[:-2]):
                self.mask = full.reshape(full.shape[-2:]).expand(len_q, len_k)  # (L_q, L_k), a view
            else:
                self.shared = False
                self.mask = full.expand(*batch, len_q, len_k)  # (*batch, L_q, L_k), a view

    @property
    def active(self) -> bool:
        """True if any masking can happen (so rows may be fully blocked)."""
        return self.causal or self.mask is not None

    def tile(self, q0: int, q1: int, k0: int, k1: int) -> torch.Tensor | bool | None:
        """The allowed pairs for queries q0:q1 and keys k0:k1 (see module docstring)."""
        allowed: torch.Tensor | None = None
        if self.causal:
            if k0 > q1 - 1:  # every key lies after every query of the tile
                return False
            if k1 - 1 > q0:  # the tile crosses the diagonal
                rows = torch.arange(q0, q1).unsqueeze(1)  # (n_q, 1)
                allowed = rows >= torch.arange(k0, k1)  # (n_q, n_k)
        if self.mask is not None:
            part = self.mask[..., q0:q1, k0:k1]
            if not self.shared:
                part = part.reshape(self.batch_size, q1 - q0, k1 - k0)  # (N, n_q, n_k), copies the tile only
            if allowed is not None:
                part = part & allowed
            if bool(part.all()):
                return None
            if not bool(part.any()):
                return False
            allowed = part
        return allowed
