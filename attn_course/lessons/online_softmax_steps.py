"""The online softmax, step by step: an explorer over the blocks read so far (Milakov & Gimelshein, 2018).

The algorithm itself is :func:`attn_course.efficient.online_softmax`; this
module only draws its trace, one block at a time, for the efficient-attention
chapter.
"""

from __future__ import annotations

from functools import partial

import torch
from matplotlib.figure import Figure

from .._validation import check_tensor
from ..efficient.online_softmax import online_softmax
from ..plots.explorer import Explorer


def draw_online_softmax(fig: Figure, scores: torch.Tensor, step: int, block_size: int) -> None:
    """Bars of a score row; the blocks read so far are coloured, with the running max and sum."""
    weights, steps = online_softmax(scores, block_size)
    state = steps[min(step, len(steps)) - 1]
    ax = fig.subplots()
    positions = range(scores.shape[-1])
    colours = ["tab:blue" if j < state.stop else "lightgrey" for j in positions]
    ax.bar(positions, scores.tolist(), color=colours)
    running_max = float(state.running_max)
    ax.axhline(running_max, color="tab:red", linestyle="--", label=f"running max m = {running_max:.2f}")
    ax.set_xlabel("position j")
    ax.set_ylabel("score")
    ax.set_title(f"after block {min(step, len(steps))}/{len(steps)}: l = {float(state.running_sum):.3f} "
                 f"(final softmax needs l = {float(steps[-1].running_sum):.3f})", fontsize=9)
    ax.legend(loc="lower right", fontsize=8)


def online_softmax_explorer(scores: torch.Tensor | None = None) -> Explorer:
    """Step through the online softmax of one score row (default: 8 fixed scores) block by block."""
    if scores is None:
        scores = torch.tensor([0.5, 1.8, -0.7, 2.9, 0.1, 3.4, -1.2, 1.0])
    check_tensor("scores", scores, min_dim=1)
    if scores.dim() != 1:
        raise ValueError(f"scores must be one row of shape (L,), got shape {tuple(scores.shape)}")
    controls = {"step": list(range(1, scores.shape[0] + 1)), "block_size": [1, 2, 4]}
    # The book's kernel-free version offers the step slider (8 frames); Jupyter also offers the block size.

    def describe(params: dict) -> str:
        _, steps = online_softmax(scores, params["block_size"])
        state = steps[min(params["step"], len(steps)) - 1]
        return (f"Scores as bars, the first {state.stop} read; running max m = {float(state.running_max):.2f}, "
                f"running sum l = {float(state.running_sum):.3f}.")

    return Explorer(partial(draw_online_softmax, scores=scores), controls, initial={"step": 1, "block_size": 1},
                    static=["step"], labels={"step": "blocks read", "block_size": "block size"},
                    title="The online softmax, block by block", play="step", kinds={"block_size": "buttons"},
                    describe=describe)
