"""Input checks shared by the public functions of :mod:`attn_course`.

Every public function validates its inputs at the boundary and raises a
``TypeError`` or ``ValueError`` whose message names the offending argument and
the shapes it received, so that a learner sees *what* is wrong, not a stack of
``RuntimeError: mat1 and mat2 shapes cannot be multiplied``.
"""

from __future__ import annotations

import math

import torch

_FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def shape_str(t: torch.Tensor) -> str:
    """Render a tensor's shape as ``(2, 3, 4)``."""
    return "(" + ", ".join(str(s) for s in t.shape) + ")"


def check_tensor(name: str, value: object, *, min_dim: int = 0, floating: bool = True) -> torch.Tensor:
    """Check that ``value`` is a tensor with at least ``min_dim`` dimensions.

    ``floating=True`` also requires a floating-point dtype (fp16, bf16, fp32, fp64).
    """
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if value.dim() < min_dim:
        raise ValueError(
            f"{name} must have at least {min_dim} dimensions, got shape {shape_str(value)}"
        )
    if floating and value.dtype not in _FLOAT_DTYPES:
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {value.dtype}")
    return value


def check_positive_int(name: str, value: object) -> int:
    """Check that ``value`` is a positive Python int (bools are rejected)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


def check_nonnegative_int(name: str, value: object) -> int:
    """Check that ``value`` is a Python int >= 0, such as a window of neighbours (bools are rejected)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def check_count_range(name: str, value: object) -> range:
    """Check that ``value`` is a non-empty ``range`` of counts >= 1 with step 1, such as ``range(3, 7)``."""
    if not isinstance(value, range):
        raise TypeError(f"{name} must be a range of counts, e.g. range(3, 7), got {type(value).__name__}")
    if value.step != 1 or len(value) == 0 or value.start < 1:
        raise ValueError(f"{name} must be a non-empty range of counts >= 1 with step 1, got {value!r}")
    return value


def check_positive(name: str, value: object) -> float:
    """Check that ``value`` is a finite real number > 0, such as a temperature (bools are rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or math.isinf(value):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return float(value)


def check_probability(name: str, value: object) -> float:
    """Check that ``value`` is a dropout-style probability in [0, 1) (bools are rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1), got {value!r}")
    return float(value)


def check_model_input(name: str, value: object, d_model: int) -> torch.Tensor:
    """Check a layer's input: a floating-point tensor of shape (B, L, d_model)."""
    t = check_tensor(name, value)
    if t.dim() != 3 or t.shape[-1] != d_model:
        raise ValueError(f"{name} must have shape (B, L, d_model={d_model}), got {shape_str(t)}")
    return t


def _check_matching(names: tuple[str, str], tensors: tuple[object, object], dims: tuple[int, int],
                    rule: str, size: str) -> None:
    """Check two tensors of >= 2 dimensions whose sizes along ``dims`` must agree (``size`` names that size)."""
    a, b = (check_tensor(name, t, min_dim=2) for name, t in zip(names, tensors, strict=True))
    if a.shape[dims[0]] != b.shape[dims[1]]:
        raise ValueError(
            f"{names[0]} and {names[1]} must {rule}: {names[0]} has shape {shape_str(a)} "
            f"({size}={a.shape[dims[0]]}), {names[1]} has shape {shape_str(b)} ({size}={b.shape[dims[1]]})"
        )


def check_query_key(query: object, key: object) -> None:
    """Check q (..., L_q, d_k) and k (..., L_k, d_k): tensors that share d_k."""
    _check_matching(("query", "key"), (query, key), (-1, -1), "have the same last dimension d_k", "d_k")


def check_scores_value(scores: object, value: object) -> None:
    """Check scores (..., L_q, L_k) against value (..., L_k, d_v): one score column per value row."""
    _check_matching(("scores", "value"), (scores, value), (-1, -2),
                    "agree on L_k, one score column per value row", "L_k")


def check_key_value(key: torch.Tensor, value: object) -> None:
    """Check that value (..., L_k, d_v) has one row per key (..., L_k, d_k)."""
    check_tensor("value", value, min_dim=2)
    if key.shape[-2] != value.shape[-2]:
        raise ValueError(
            "key and value must have the same length L_k (dimension -2): "
            f"key has shape {shape_str(key)}, value has shape {shape_str(value)}"
        )


def check_qkv(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor) -> None:
    """Check the shapes of an attention call: q (..., L_q, d_k), k (..., L_k, d_k), v (..., L_k, d_v)."""
    check_query_key(query, key)
    check_tensor("value", value, min_dim=2)
    if not (query.dtype == key.dtype == value.dtype):
        raise TypeError(
            f"query, key and value must share a dtype, got {query.dtype}, {key.dtype} and {value.dtype}"
        )
    check_key_value(key, value)
    if query.shape[:-2] == key.shape[:-2] == value.shape[:-2]:
        return  # the common case, without torch.broadcast_shapes (~20 us)
    try:
        torch.broadcast_shapes(query.shape[:-2], key.shape[:-2], value.shape[:-2])
    except RuntimeError:
        raise ValueError(
            "the batch dimensions of query, key and value must broadcast: got "
            f"query {shape_str(query)}, key {shape_str(key)}, value {shape_str(value)}"
        ) from None


def check_mask(mask: object, target_shape: torch.Size, *, name: str = "mask") -> torch.Tensor:
    """Check an attention mask and return it as a bool tensor (True = may attend).

    The mask must be bool or integer (nonzero = may attend) and broadcast to
    ``target_shape`` without enlarging it. A float mask is rejected with a
    ``TypeError``: it would be ambiguous (0/1 flags or an additive bias?).
    """
    if not isinstance(mask, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of bool or int, got {type(mask).__name__}")
    if mask.is_floating_point() or mask.is_complex():
        raise TypeError(
            f"{name} must be bool or integer (True/nonzero = may attend), got dtype {mask.dtype}; "
            "a float mask is ambiguous (0/1 flags or an additive bias?), convert it with mask.bool()"
        )
    target = tuple(target_shape)
    # Broadcasting without enlarging: no extra dimensions, and each size is 1 or
    # the target's (a loop, ~20 times faster than torch.broadcast_shapes).
    fits = mask.dim() <= len(target) and all(
        m in (1, t) for m, t in zip(reversed(mask.shape), reversed(target), strict=False)
    )
    if not fits:
        raise ValueError(
            f"{name} of shape {shape_str(mask)} cannot broadcast to the attention scores of "
            f"shape ({', '.join(str(s) for s in target)}) = (..., L_q, L_k)"
        )
    return mask if mask.dtype == torch.bool else mask != 0
