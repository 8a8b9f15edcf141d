"""Why the formula divides by √d_k: variance, saturation and vanishing gradients.

Vaswani et al. (2017, §3.2.1, footnote 4): if the entries of q and k are
independent with mean 0 and variance 1, then q·k = Σ_i q_i k_i has mean 0 and
variance d_k. Large dot products push the softmax into regions where it is
nearly one-hot and its gradient is tiny; dividing by √d_k brings the variance
back to 1 whatever d_k is.

* :func:`dot_product_variance` measures Var(q·k) against d_k;
* :func:`softmax_jacobian` and :func:`softmax_saturation` measure how peaked
  the softmax is and how large its Jacobian stays, with and without scaling;
* :func:`temperature_explorer` lets a reader move d_k and a temperature.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from matplotlib.figure import Figure

from .._validation import check_positive, check_positive_int, check_tensor
from ..plots.explorer import Explorer


def _check_d_ks(d_ks: Sequence[int]) -> list[int]:
    if isinstance(d_ks, (str, bytes)) or not isinstance(d_ks, Sequence) or len(d_ks) == 0:
        raise TypeError(f"d_ks must be a non-empty sequence of positive ints, got {d_ks!r}")
    for d_k in d_ks:
        check_positive_int("each entry of d_ks", d_k)
    return list(d_ks)


@dataclass(frozen=True)
class VarianceResult:
    """Var(q·k) measured for several key sizes."""

    d_k: torch.Tensor  # (n,) the key sizes
    empirical: torch.Tensor  # (n,) sample variance of q·k
    theoretical: torch.Tensor  # (n,) d_k (unit-variance entries)
    scaled: torch.Tensor  # (n,) sample variance of q·k / √d_k (≈ 1)


def dot_product_variance(d_ks: Sequence[int], num_samples: int = 20000, seed: int = 0) -> VarianceResult:
    """Sample q, k with i.i.d. N(0, 1) entries and measure Var(q·k) for each d_k.

    Args:
        d_ks: key sizes to try, e.g. ``[1, 4, 16, 64]``.
        num_samples: pairs (q, k) drawn per d_k.
        seed: seeds a ``torch.Generator``; no global random state is touched.
    """
    d_ks = _check_d_ks(d_ks)
    check_positive_int("num_samples", num_samples)
    if num_samples < 2:
        raise ValueError(f"num_samples must be at least 2 to estimate a variance, got {num_samples}")
    generator = torch.Generator().manual_seed(seed)
    empirical, scaled = [], []
    for d_k in d_ks:
        q = torch.randn(num_samples, d_k, generator=generator, dtype=torch.float64)  # (N, d_k)
        k = torch.randn(num_samples, d_k, generator=generator, dtype=torch.float64)  # (N, d_k)
        dots = (q * k).sum(dim=-1)  # (N,)
        empirical.append(dots.var())
        scaled.append((dots / math.sqrt(d_k)).var())
    d_k_t = torch.tensor(d_ks, dtype=torch.float64)
    return VarianceResult(d_k_t, torch.stack(empirical), d_k_t.clone(), torch.stack(scaled))


def softmax_jacobian(logits: torch.Tensor) -> torch.Tensor:
    """Jacobian of softmax over the last dimension: J = diag(p) − p pᵀ.

    Args:
        logits: (..., n)

    Returns:
        (..., n, n) with J[..., i, j] = ∂p_i / ∂z_j.
    """
    check_tensor("logits", logits, min_dim=1)
    p = torch.softmax(logits, dim=-1)  # (..., n)
    return torch.diag_embed(p) - p.unsqueeze(-1) * p.unsqueeze(-2)  # (..., n, n)


@dataclass(frozen=True)
class SaturationResult:
    """How peaked the softmax of q·K is, and how much gradient flows through it."""

    d_k: torch.Tensor  # (n,) the key sizes
    max_weight: torch.Tensor  # (n,) mean over samples of the largest weight (1/L = flat, 1 = one-hot)
    jacobian_norm: torch.Tensor  # (n,) mean Frobenius norm of the softmax Jacobian
    scaled: bool  # whether the logits were divided by √d_k


def softmax_saturation(
    d_ks: Sequence[int], *, scaled: bool, num_keys: int = 16, num_samples: int = 2000, seed: int = 0
) -> SaturationResult:
    """Softmax of q·k_j over ``num_keys`` random keys, with or without the 1/√d_k.

    Entries of q and k are i.i.d. N(0, 1). Without scaling the logits have
    standard deviation √d_k, so the largest weight tends to 1 and the
    Jacobian norm tends to 0 as d_k grows; with scaling neither depends on d_k.
    """
    d_ks = _check_d_ks(d_ks)
    if not isinstance(scaled, bool):
        raise TypeError(f"scaled must be a bool, got {type(scaled).__name__}")
    check_positive_int("num_keys", num_keys)
    check_positive_int("num_samples", num_samples)
    generator = torch.Generator().manual_seed(seed)
    max_weight, jacobian_norm = [], []
    for d_k in d_ks:
        q = torch.randn(num_samples, 1, d_k, generator=generator, dtype=torch.float64)  # (N, 1, d_k)
        k = torch.randn(num_samples, num_keys, d_k, generator=generator, dtype=torch.float64)  # (N, L, d_k)
        logits = (q @ k.transpose(-2, -1)).squeeze(-2)  # (N, L)
        if scaled:
            logits = logits / math.sqrt(d_k)
        max_weight.append(torch.softmax(logits, dim=-1).amax(dim=-1).mean())
        jacobian_norm.append(torch.linalg.matrix_norm(softmax_jacobian(logits)).mean())
    return SaturationResult(
        torch.tensor(d_ks, dtype=torch.float64), torch.stack(max_weight), torch.stack(jacobian_norm), scaled
    )


def temperature_logits(
    d_k: int, temperature: float, *, largest: int = 512, num_keys: int = 8, seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One query's logits over ``num_keys`` keys, unscaled and scaled: ``(q·k / T, q·k / (T √d_k))``, each (L,).

    q and the keys are the first ``d_k`` coordinates of one seeded draw of width ``largest``, so
    a larger d_k adds dimensions to the same vectors. These are the two panels of
    :func:`temperature_explorer` (with ``largest = max(d_ks)``).
    """
    check_positive_int("largest", largest)
    check_positive_int("num_keys", num_keys)
    check_positive_int("d_k", d_k)
    if d_k > largest:
        raise ValueError(f"d_k must be at most largest={largest}, got {d_k}")
    check_positive("temperature", temperature)
    generator = torch.Generator().manual_seed(seed)
    q = torch.randn(largest, generator=generator, dtype=torch.float64)  # (d_max,)
    k = torch.randn(num_keys, largest, generator=generator, dtype=torch.float64)  # (L, d_max)
    dots = k[:, :d_k] @ q[:d_k]  # (L,)
    return dots / temperature, dots / (temperature * math.sqrt(d_k))


def temperature_explorer(
    d_ks: Sequence[int] = (2, 8, 32, 128, 512),
    temperatures: Sequence[float] = (0.25, 1.0, 4.0),
    num_keys: int = 8,
    seed: int = 0,
) -> Explorer:
    """Weights of one query over ``num_keys`` keys as d_k and a temperature T move.

    Left panel: softmax(q·k / T), unscaled. Right panel: softmax(q·k / (T √d_k)),
    the formula of Vaswani et al. (2017) with a temperature. The vectors for a
    given d_k are the first d_k coordinates of one seeded draw, so moving d_k
    adds dimensions rather than drawing new vectors.
    """
    d_ks = _check_d_ks(d_ks)
    check_positive_int("num_keys", num_keys)
    temperatures = list(temperatures)
    if not temperatures:
        raise ValueError(f"temperatures must be a non-empty list of positive numbers, got {temperatures!r}")
    for index, temperature in enumerate(temperatures):
        check_positive(f"temperatures[{index}]", temperature)
    largest = max(d_ks)

    def draw(fig: Figure, d_k: int, temperature: float) -> None:
        unscaled, scaled = temperature_logits(d_k, temperature, largest=largest, num_keys=num_keys, seed=seed)
        fig.set_layout_engine(None)  # a fixed layout renders ~40% faster than "constrained"
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.76, wspace=0.06)
        axes = fig.subplots(1, 2, sharey=True)
        panels = (("unscaled: q·k / T", unscaled), ("scaled: q·k / (T·√dₖ)", scaled))
        for ax, (title, logits) in zip(axes, panels, strict=True):
            weights = torch.softmax(logits, dim=-1)
            ax.bar(range(num_keys), weights.numpy(), color="tab:blue" if "unscaled" in title else "tab:orange")
            ax.set_ylim(0, 1.05)
            ax.axhline(1 / num_keys, color="0.5", lw=0.8, ls="--")
            ax.set_xticks(range(num_keys))
            ax.set_xlabel("key")
            ax.set_title(f"{title}\nmax weight {float(weights.max()):.2f}, logit std {float(logits.std()):.1f}",
                         fontsize=9)
        axes[0].set_ylabel("attention weight")
        fig.suptitle(f"dₖ = {d_k}, T = {temperature:g}   (dashed: uniform 1/{num_keys})", fontsize=10)

    def describe(params: dict) -> str:
        unscaled, scaled = temperature_logits(params["d_k"], params["temperature"], largest=largest,
                                              num_keys=num_keys, seed=seed)
        top = [float(torch.softmax(logits, dim=-1).max()) for logits in (unscaled, scaled)]
        return f"Bars of {num_keys} weights; the largest is {top[0]:.2f} unscaled and {top[1]:.2f} scaled."

    return Explorer(
        draw, {"d_k": d_ks, "temperature": temperatures},
        labels={"d_k": "dₖ", "temperature": "temperature T"}, figsize=(6.8, 3.0),
        title="Scaled and unscaled weights as dₖ and T change", describe=describe,
    )
