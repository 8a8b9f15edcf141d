"""Count the work one call does: multiply-adds, elementwise operations and the largest tensor it makes.

Three numbers describe the cost of a scoring function well enough to compare
them (Vaswani et al., 2017, §3.2.1 compare additive and dot-product attention
in "theoretical complexity" and in speed and space "in practice"):

* ``multiply_adds``: the multiply-adds of the matrix products (``matmul``, ``@``,
  ``mm``, ``bmm``, ``linear``, ...): for each, the size of its output times the
  length of the summed dimension;
* ``elementwise``: for every other function that computes a new tensor (``add``,
  ``tanh``, ``div``, ...), how many numbers it computed. Views and reshapes,
  whose output shares its input's memory, cost nothing and are not counted;
* ``largest_tensor``: the number of elements of the largest tensor the call
  computes, intermediates included: a proxy for the memory it needs.

:func:`count_work` counts by running the call once under a ``TorchFunctionMode``,
so it sees the PyTorch functions the code calls, nothing more. (The tests check
its multiply-adds against ``torch.utils.flop_counter.FlopCounterMode``, which
works one level lower and takes seconds to import.) A fused function counts as
one elementwise operation of its output's size; contractions it cannot size,
such as ``einsum``, raise ``NotImplementedError`` rather than be miscounted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch.overrides import TorchFunctionMode

# name -> index of the argument whose last dimension is summed over
_CONTRACTIONS = {"matmul": 0, "__matmul__": 0, "mm": 0, "bmm": 0, "mv": 0, "dot": 0, "inner": 0, "linear": 1}
_UNSUPPORTED = {"einsum", "tensordot", "bilinear", "addmm", "addbmm", "baddbmm", "addmv", "addr", "__rmatmul__",
                "chain_matmul", "multi_dot", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                "conv_transpose3d", "scaled_dot_product_attention"}


@dataclass(frozen=True)
class Work:
    """What one call costs. Two ``Work`` are equal when every count is."""

    multiply_adds: int  # in matrix products
    elementwise: dict[str, int] = field(default_factory=dict)  # function name -> numbers computed
    largest_tensor: int = 0  # elements of the largest tensor computed
    parameters: int = 0  # learned numbers the call uses (0 for a plain function)

    @property
    def elementwise_total(self) -> int:
        """Numbers computed by all elementwise functions together."""
        return sum(self.elementwise.values())


def _storages(values: object) -> set[int]:
    """Addresses of the memory of every tensor in ``values`` (nested lists, tuples and dicts included)."""
    if isinstance(values, torch.Tensor):
        return {values.untyped_storage().data_ptr()}
    if isinstance(values, (list, tuple)):
        return set().union(*(_storages(v) for v in values)) if values else set()
    if isinstance(values, dict):
        return _storages(list(values.values()))
    return set()


class _Census(TorchFunctionMode):
    """Records the multiply-adds of contractions and the numbers computed by every other function."""

    def __init__(self) -> None:
        super().__init__()
        self.multiply_adds = 0
        self.elementwise: Counter[str] = Counter()
        self.largest = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        name = getattr(func, "__name__", str(func))
        if name == "__get__":  # a property such as x.T or x.mT: name it after the property
            name = getattr(getattr(func, "__self__", None), "__name__", name)
        in_place = name.endswith("_") and not name.startswith("__") or name.startswith("__i")  # add_, __iadd__
        if name in _UNSUPPORTED:
            raise NotImplementedError(f"count_work cannot count {name}: write it with matmul or linear")
        out = func(*args, **kwargs)
        outputs = [out] if isinstance(out, torch.Tensor) else list(out) if isinstance(out, (list, tuple)) else []
        inputs = _storages([args, kwargs])
        # a view shares its input's memory and costs nothing; an in-place function (add_, __iadd__) does compute
        fresh = [t for t in outputs if isinstance(t, torch.Tensor)
                 and (t.untyped_storage().data_ptr() not in inputs or in_place)]
        for t in fresh:
            self.largest = max(self.largest, t.numel())
        if name in _CONTRACTIONS and fresh:
            summed = args[_CONTRACTIONS[name]].shape[-1]
            self.multiply_adds += fresh[0].numel() * summed
            if name == "linear" and (len(args) > 2 and args[2] is not None or kwargs.get("bias") is not None):
                self.elementwise["add"] += fresh[0].numel()  # the bias
        else:
            for t in fresh:
                self.elementwise[name.strip("_")] += t.numel()
        return out


def count_work(fn: Callable[..., torch.Tensor], *inputs: torch.Tensor, parameters: int = 0) -> Work:
    """Run ``fn(*inputs)`` once, without autograd, and count its :class:`Work`.

    Args:
        fn: any function of tensors, e.g. ``dot_product_scores`` or ``AdditiveAttention(2, 2, 4).score``.
        inputs: its tensor arguments.
        parameters: reported as ``Work.parameters`` (e.g. ``attn_course.models.count_parameters(module)``).
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    for index, value in enumerate(inputs):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"inputs[{index}] must be a torch.Tensor, got {type(value).__name__}")
    with torch.no_grad(), _Census() as census:
        fn(*inputs)
    return Work(census.multiply_adds, dict(sorted(census.elementwise.items())), census.largest, parameters)

