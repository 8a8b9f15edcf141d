"""Table 1 of *Attention Is All You Need* (Vaswani et al., 2017, §4), measured instead of asserted.

For four layer types mapping (B, n, d) -> (B, n, d):

* **complexity per layer**: multiply-adds counted by ``torch.utils.flop_counter``
  for varying n, d and the kernel/window size, with exponents fitted on log-log axes;
* **sequential operations**: the depth (longest path) of the autograd graph, i.e.
  how many operations must run one after another, as n grows;
* **maximum path length**: from gradient connectivity, the number of stacked layers
  (or, for the recurrent layer, of recurrence steps that back-propagation may
  traverse) before the Jacobian block d y_{n-1} / d x_0 becomes nonzero.

The layers (:mod:`attn_course.lessons.layer_types`) are the bare operations the paper counts.
"""

from __future__ import annotations

import torch
import torch.autograd.forward_ad as fwAD
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from .._validation import check_positive_int, check_tensor
from .layer_types import KINDS, make_layer
from .measure import fit_exponent

#: Table 1 of Vaswani et al. (2017), as printed.
PAPER_TABLE1 = {
    "self-attention": ("O(n²·d)", "O(1)", "O(1)"),
    "recurrent": ("O(n·d²)", "O(n)", "O(n)"),
    "convolutional": ("O(k·n·d²)", "O(1)", "O(log_k(n))"),
    "restricted self-attention": ("O(r·n·d)", "O(1)", "O(n/r)"),
}


def count_macs(layer: nn.Module, n: int, d: int, dtype: torch.dtype = torch.float64) -> int:
    """Multiply-adds of matrix products and convolutions in one forward pass on a (1, n, d) input."""
    check_positive_int("n", n)
    x = torch.randn(1, n, d, dtype=dtype, generator=torch.Generator().manual_seed(0))
    with FlopCounterMode(display=False) as counter:
        layer(x)
    return counter.get_total_flops() // 2  # torch counts a multiply-add as 2 FLOPs


def graph_depth(output: torch.Tensor) -> int:
    """Longest chain of autograd nodes ending at ``output``: operations that must run in sequence."""
    check_tensor("output", output)
    if output.grad_fn is None:
        raise ValueError("output has no autograd graph; compute it from an input with requires_grad=True")
    depth: dict[object, int] = {}
    stack = [(output.grad_fn, False)]
    while stack:  # iterative post-order DFS: graphs of long recurrences are deep
        node, expanded = stack.pop()
        if node in depth:
            continue
        children = [c for c, _ in node.next_functions if c is not None]
        if expanded:
            depth[node] = 1 + max((depth[c] for c in children), default=0)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if c not in depth)
    return depth[output.grad_fn]


def sequential_operations(kind: str, n: int, d: int = 8, width: int = 3) -> int:
    """Autograd-graph depth of one layer of ``kind`` applied to a length-n sequence."""
    x = torch.randn(1, n, d, dtype=torch.float64, generator=torch.Generator().manual_seed(0), requires_grad=True)
    return graph_depth(make_layer(kind, d, width=width)(x))


def _probe(n: int, d: int) -> tuple[torch.Tensor, torch.Tensor]:
    """d copies of a random (n, d) input, and tangents: copy b moves x_0 along the unit vector e_b."""
    x = torch.randn(1, n, d, dtype=torch.float64, generator=torch.Generator().manual_seed(1)).expand(d, n, d)
    tangent = torch.zeros(d, n, d, dtype=torch.float64)
    tangent[:, 0, :] = torch.eye(d, dtype=torch.float64)
    return x.contiguous(), tangent


def path_length(kind: str, n: int, d: int = 4, width: int = 3, max_layers: int = 512) -> int:
    """Layers (recurrent: back-propagated steps) needed before y_{n-1} depends on x_0.

    Stacked layers: forward-mode differentiation pushes the tangents of x_0 through
    one more layer at a time until the Jacobian block d y_{n-1} / d x_0 is nonzero.
    Recurrent layer: the smallest truncation ``bptt_steps`` for which the block,
    computed by back-propagation, is nonzero (found by bisection; it is monotone).
    """
    check_positive_int("n", n)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    x, tangent = _probe(n, d)
    if kind == "recurrent":
        layer = make_layer(kind, d)
        low, high = 1, n  # bptt_steps = n always connects x_0
        while low < high:
            mid = (low + high) // 2
            if _backprop_block(layer, x[:1], bptt_steps=mid).abs().max() > 0:
                high = mid
            else:
                low = mid + 1
        return low
    with fwAD.dual_level():
        y = fwAD.make_dual(x, tangent)
        for depth_index in range(max_layers):
            y = make_layer(kind, d, width=width, depth_index=depth_index, seed=depth_index)(y)
            block = fwAD.unpack_dual(y).tangent[:, -1, :]  # (d, d) = d y_{n-1} / d x_0
            if block.abs().max() > 0:
                return depth_index + 1
    raise ValueError(f"{kind} did not connect x_0 to y_{n - 1} within max_layers={max_layers}")


def _backprop_block(layer: nn.Module, x: torch.Tensor, **kwargs: int) -> torch.Tensor:
    """d y_{n-1} / d x_0 by reverse mode, one output coordinate at a time. x: (1, n, d) -> (d, d)."""
    x = x.detach().requires_grad_(True)
    y = layer(x, **kwargs)  # (1, n, d)
    return torch.stack([torch.autograd.grad(y[0, -1, j], x, retain_graph=True)[0][0, 0]
                        for j in range(y.shape[-1])])  # (d, d)


def measure_table1(ns: tuple[int, ...] = (16, 32, 64, 128), ds: tuple[int, ...] = (8, 16, 32, 64),
                   widths: tuple[int, ...] = (3, 5, 9, 17), base_n: int = 64, base_d: int = 16,
                   base_width: int = 3) -> dict[str, dict[str, object]]:
    """Measure every column of Table 1 for every layer in :data:`KINDS`.

    Per kind: ``macs_n`` (multiply-adds at each n), fitted exponents ``exp_n``, ``exp_d``,
    ``exp_width`` (width = k or r; NaN where the layer has none), ``depth`` (autograd
    depth at each n) with its fitted exponent ``exp_depth``, and ``path`` (path length
    at each n) with ``exp_path``, and ``path_width`` (path length at n=base_n for each width).
    """
    results: dict[str, dict[str, object]] = {}
    for kind in KINDS:
        macs_n = [count_macs(make_layer(kind, base_d, width=base_width), n, base_d) for n in ns]
        macs_d = [count_macs(make_layer(kind, d, width=base_width), base_n, d) for d in ds]
        has_width = "convolutional" in kind or "restricted" in kind
        macs_w = [count_macs(make_layer(kind, base_d, width=w), base_n, base_d) for w in widths]
        depth = [sequential_operations(kind, n, width=base_width) for n in ns]
        path = [path_length(kind, n, width=base_width) for n in ns]
        path_w = [path_length(kind, base_n, width=w) for w in widths] if has_width else []
        results[kind] = {
            "macs_n": macs_n, "exp_n": fit_exponent(list(ns), macs_n), "exp_d": fit_exponent(list(ds), macs_d),
            "exp_width": fit_exponent(list(widths), macs_w) if has_width else float("nan"),
            "depth": depth, "exp_depth": fit_exponent(list(ns), depth),
            "path": path, "exp_path": fit_exponent(list(ns), path), "path_width": path_w,
        }
    return results
