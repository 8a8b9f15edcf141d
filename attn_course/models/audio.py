"""A keyword spotter that attends over spectrogram frames.

Each frame (one column of the spectrogram, a slice of time) is mixed with
its neighbours by two small 1-D convolutions over time, so a frame's vector
can tell a rising sweep from a falling one. One learned
query then pools the frames with additive attention, the mechanism that
attention-based speech recognisers use to align audio frames with output
symbols (Chorowski et al., 2015; Chan et al., 2016). The weights over time
show where the model heard the keyword.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_positive_int, check_tensor, shape_str
from .pooling import AttentionPooling


class FrameAttentionClassifier(nn.Module):
    """``forward(frames (B, T, n_bins), mask (B, T) | None)`` -> ``(logits (B, num_classes), weights (B, T))``."""

    def __init__(self, n_bins: int, d_model: int = 32, num_classes: int = 4, kernel_size: int = 5) -> None:
        super().__init__()
        for name, n in (("n_bins", n_bins), ("d_model", d_model), ("num_classes", num_classes),
                        ("kernel_size", kernel_size)):
            check_positive_int(name, n)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd (to keep T frames), got {kernel_size}")
        self.n_bins = n_bins
        self.norm = nn.LayerNorm(n_bins)
        # Two convolutions over time: each output frame sees 2 * kernel_size - 1 input frames of the full spectrum.
        self.conv1 = nn.Conv1d(n_bins, d_model, kernel_size, padding=kernel_size // 2)
        self.conv2 = nn.Conv1d(d_model, d_model, kernel_size, padding=kernel_size // 2)
        self.pool = AttentionPooling(d_model)
        self.head = nn.Linear(d_model, num_classes)

    def forward(self, frames: torch.Tensor, mask: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        check_tensor("frames", frames)
        if frames.dim() != 3 or frames.shape[-1] != self.n_bins:
            raise ValueError(f"frames must have shape (B, T, n_bins={self.n_bins}), got {shape_str(frames)}")
        x = self.norm(frames).transpose(1, 2)  # (B, n_bins, T): channels first for Conv1d
        x = torch.relu(self.conv2(torch.relu(self.conv1(x)))).transpose(1, 2)  # (B, T, d)
        pooled, weights = self.pool(x, mask)  # (B, d), (B, T)
        return self.head(pooled), weights
