"""The layer types of Table 1 of Vaswani et al. (2017), as bare (B, n, d) -> (B, n, d) operations.

Self-attention without the Q/K/V projections (those add O(n·d²)), an Elman
recurrence, a causal 1-D convolution (contiguous, or dilated as in WaveNet and
ByteNet) and self-attention restricted to a causal window of r keys.
:mod:`attn_course.lessons.complexity` measures them.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import check_positive_int

KINDS = ("self-attention", "recurrent", "convolutional", "dilated convolutional", "restricted self-attention")


class SelfAttentionLayer(nn.Module):
    """softmax(X Xᵀ / √d) X over all n positions: 2·n²·d multiply-adds."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        scores = x @ x.transpose(-2, -1) / math.sqrt(x.shape[-1])  # (B, n, n)
        return torch.softmax(scores, dim=-1) @ x  # (B, n, d)


class RestrictedSelfAttentionLayer(nn.Module):
    """Each position i attends to the r positions i-r+1..i only: 2·n·r·d multiply-adds."""

    def __init__(self, window: int) -> None:
        super().__init__()
        self.window = check_positive_int("window", window)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, r = x.shape[1], self.window
        padded = F.pad(x, (0, 0, r - 1, 0))  # (B, n + r - 1, d)
        windows = padded.unfold(1, r, 1).transpose(-2, -1)  # (B, n, r, d)
        scores = torch.einsum("bnd,bnrd->bnr", x, windows) / math.sqrt(x.shape[-1])  # (B, n, r)
        before_start = torch.arange(r) < (r - 1 - torch.arange(n))[:, None]  # (n, r) padded slots
        weights = torch.softmax(scores.masked_fill(before_start, float("-inf")), dim=-1)
        return torch.einsum("bnr,bnrd->bnd", weights, windows)  # (B, n, d)


class RecurrentLayer(nn.Module):
    """Elman recurrence h_t = tanh(W x_t + U h_{t-1}): 2·n·d² multiply-adds, n sequential steps.

    ``bptt_steps`` truncates back-propagation for the last output: the state
    entering step n - bptt_steps is detached, so gradients traverse at most
    ``bptt_steps`` cell applications.
    """

    def __init__(self, d: int) -> None:
        super().__init__()
        self.input_to_hidden = nn.Linear(d, d, bias=False)
        self.hidden_to_hidden = nn.Linear(d, d, bias=False)

    def forward(self, x: torch.Tensor, bptt_steps: int | None = None) -> torch.Tensor:
        n = x.shape[1]
        h = x.new_zeros(x.shape[0], x.shape[2])  # (B, d)
        outputs = []
        for t in range(n):  # one step after another: this loop is the O(n) of Table 1
            if bptt_steps is not None and t == n - bptt_steps:
                h = h.detach()
            h = torch.tanh(self.input_to_hidden(x[:, t]) + self.hidden_to_hidden(h))  # (B, d)
            outputs.append(h)
        return torch.stack(outputs, dim=1)  # (B, n, d)


class CausalConvLayer(nn.Module):
    """1-D convolution of width k over positions i-(k-1)·dilation..i: n·k·d² multiply-adds."""

    def __init__(self, d: int, width: int, dilation: int = 1) -> None:
        super().__init__()
        self.width = check_positive_int("width", width)
        self.dilation = check_positive_int("dilation", dilation)
        self.conv = nn.Conv1d(d, d, width, dilation=dilation, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.pad(x.transpose(1, 2), ((self.width - 1) * self.dilation, 0))  # (B, d, n + pad)
        return self.conv(h).transpose(1, 2)  # (B, n, d)


def make_layer(kind: str, d: int, *, width: int = 3, depth_index: int = 0, seed: int = 0,
               dtype: torch.dtype = torch.float64) -> nn.Module:
    """Build one layer of ``kind`` (see :data:`KINDS`) for width ``d``, seeded.

    ``width`` is the kernel size k or window size r; ``depth_index`` l sets the
    dilation k**l of the l-th layer of a dilated stack.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    check_positive_int("d", d)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        if kind == "self-attention":
            layer: nn.Module = SelfAttentionLayer()
        elif kind == "restricted self-attention":
            layer = RestrictedSelfAttentionLayer(width)
        elif kind == "recurrent":
            layer = RecurrentLayer(d)
        else:
            dilation = width**depth_index if kind == "dilated convolutional" else 1
            layer = CausalConvLayer(d, width, dilation)
    return layer.to(dtype)
