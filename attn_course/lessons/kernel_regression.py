"""Queries, keys and values: from a dictionary lookup to Nadaraya–Watson kernel regression.

* A **hard lookup** is a dictionary: the query must equal a key, and you get
  that key's value (weights are one-hot).
* A **soft lookup** scores every key by its similarity to the query, turns the
  scores into weights with a softmax, and returns the weighted average of the
  values. As the temperature goes to 0 it becomes a hard lookup.
* With a Gaussian similarity this is **Nadaraya–Watson kernel regression**
  (Nadaraya, 1964; Watson, 1964): ŷ(q) = Σᵢ K(q, kᵢ) yᵢ / Σⱼ K(q, kⱼ), which is
  attention pooling with scores -‖q - k‖² / (2h²) (Zhang et al., *Dive into
  Deep Learning*, §11.2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import torch
from matplotlib.figure import Figure

from .._validation import check_positive, check_positive_int, check_tensor, shape_str
from ..attention import attend
from ..plots.explorer import Explorer
from ..plots.style import QKV_COLOURS


def _check_lookup(query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor) -> None:
    for name, tensor in (("query", query), ("keys", keys), ("values", values)):
        check_tensor(name, tensor, min_dim=2)
        if tensor.dim() != 2:
            raise ValueError(f"{name} must be 2-D, got shape {shape_str(tensor)}")
    if query.shape[1] != keys.shape[1]:
        raise ValueError(
            f"query (L_q, d) and keys (L_k, d) must share d: got query {shape_str(query)}, keys {shape_str(keys)}"
        )
    if keys.shape[0] != values.shape[0]:
        raise ValueError(
            f"keys (L_k, d) and values (L_k, d_v) must have the same L_k: got keys {shape_str(keys)}, "
            f"values {shape_str(values)}"
        )


def hard_lookup(query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A dictionary lookup: each query must equal one of the keys exactly.

    Args:
        query: (L_q, d), keys: (L_k, d), values: (L_k, d_v).

    Returns:
        output: (L_q, d_v), the value of the first matching key, and
        weights: (L_q, L_k), one-hot.

    Raises:
        KeyError: if some query matches no key (a dictionary has no "nearly").
    """
    _check_lookup(query, keys, values)
    matches = (query[:, None, :] == keys[None, :, :]).all(dim=-1)  # (L_q, L_k)
    missing = (~matches.any(dim=-1)).nonzero().flatten().tolist()
    if missing:
        raise KeyError(f"query row {missing[0]} = {query[missing[0]].tolist()} matches no key")
    first = matches.int().argmax(dim=-1)  # (L_q,) index of the first match
    weights = torch.nn.functional.one_hot(first, keys.shape[0]).to(values.dtype)  # (L_q, L_k)
    return weights @ values, weights  # (L_q, d_v), (L_q, L_k)


def squared_distances(query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
    """‖qᵢ - kⱼ‖² for every pair: query (L_q, d), keys (L_k, d) -> (L_q, L_k)."""
    return (query[:, None, :] - keys[None, :, :]).pow(2).sum(dim=-1)  # (L_q, L_k)


def soft_lookup(
    query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, *, temperature: float = 1.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Attention pooling: weights = softmax(-‖q - k‖² / temperature), output = weights · values.

    Args:
        query: (L_q, d), keys: (L_k, d), values: (L_k, d_v).
        temperature: > 0. Small = close to a hard lookup of the nearest key;
            large = close to the plain mean of the values.

    Returns:
        output: (L_q, d_v), weights: (L_q, L_k).
    """
    _check_lookup(query, keys, values)
    temperature = check_positive("temperature", temperature)
    return attend(-squared_distances(query, keys) / temperature, values)


def gaussian_kernel_scores(query: torch.Tensor, keys: torch.Tensor, bandwidth: float) -> torch.Tensor:
    """Log of the Gaussian kernel, -‖q - k‖² / (2h²): query (L_q, d), keys (L_k, d) -> (L_q, L_k)."""
    bandwidth = check_positive("bandwidth", bandwidth)
    return -squared_distances(query, keys) / (2.0 * bandwidth**2)


def _as_column(name: str, x: torch.Tensor) -> torch.Tensor:
    check_tensor(name, x, min_dim=1)
    if x.dim() == 1:
        return x[:, None]  # (n,) -> (n, 1)
    if x.dim() == 2:
        return x
    raise ValueError(f"{name} must be 1-D (n,) or 2-D (n, d), got shape {shape_str(x)}")


def nadaraya_watson(
    query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, *, bandwidth: float = 0.5,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Nadaraya–Watson estimate with a Gaussian kernel of width ``bandwidth`` (Nadaraya, 1964; Watson, 1964).

    ŷ(q) = Σᵢ K(q, kᵢ) yᵢ / Σⱼ K(q, kⱼ),  K(q, k) = exp(-‖q - k‖² / (2h²)).

    Args:
        query: (L_q,) or (L_q, d) points to predict at.
        keys: (L_k,) or (L_k, d) training inputs.
        values: (L_k,) or (L_k, d_v) training targets.

    Returns:
        prediction with the shape of ``values`` but L_q rows, and weights (L_q, L_k).
    """
    q, k, v = _as_column("query", query), _as_column("keys", keys), _as_column("values", values)
    _check_lookup(q, k, v)
    output, weights = attend(gaussian_kernel_scores(q, k, bandwidth), v)  # (L_q, d_v), (L_q, L_k)
    return (output[:, 0] if values.dim() == 1 else output), weights


def gaussian_kernel_as_dot_product(
    query: torch.Tensor, keys: torch.Tensor, bandwidth: float,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Rewrite the Gaussian-kernel score as a *scaled dot product* of augmented vectors.

    -‖q - k‖²/(2h²) = (q·k - ‖k‖²/2)/h² - ‖q‖²/(2h²). The last term is the same
    for every key, so the softmax ignores it. With q' = √(d+1)/h² · [q, 1] and
    k' = [k, -‖k‖²/2], q'·k'/√(d+1) equals the rest, so
    ``attention(q', k', values)`` equals :func:`nadaraya_watson`.

    Args:
        query: (L_q,) or (L_q, d), keys: (L_k,) or (L_k, d).

    Returns:
        query': (L_q, d + 1), keys': (L_k, d + 1).
    """
    q, k = _as_column("query", query), _as_column("keys", keys)
    bandwidth = check_positive("bandwidth", bandwidth)
    if q.shape[1] != k.shape[1]:
        raise ValueError(f"query and keys must share d: got query {shape_str(q)}, keys {shape_str(k)}")
    scale = math.sqrt(q.shape[1] + 1) / bandwidth**2
    q_aug = scale * torch.cat([q, torch.ones_like(q[:, :1])], dim=1)  # (L_q, d + 1)
    k_aug = torch.cat([k, -0.5 * k.pow(2).sum(dim=1, keepdim=True)], dim=1)  # (L_k, d + 1)
    return q_aug, k_aug


def toy_function(x: torch.Tensor) -> torch.Tensor:
    """The noiseless curve of the 1-D toy: sin(2x) + 0.4 x."""
    return torch.sin(2.0 * x) + 0.4 * x


@dataclass(frozen=True)
class RegressionToy:
    x_train: torch.Tensor  # (n_train,) sorted, in [0, 5)
    y_train: torch.Tensor  # (n_train,) noisy targets
    x_test: torch.Tensor  # (n_test,) evenly spaced on [0, 5]
    y_test: torch.Tensor  # (n_test,) the noiseless curve


def make_regression_toy(*, n_train: int = 40, n_test: int = 100, noise: float = 0.3, seed: int = 0) -> RegressionToy:
    """Noisy samples of :func:`toy_function` at sorted uniform inputs on [0, 5)."""
    check_positive_int("n_train", n_train)
    check_positive_int("n_test", n_test)
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or noise < 0:
        raise ValueError(f"noise must be a non-negative number, got {noise!r}")
    gen = torch.Generator().manual_seed(seed)
    x_train = torch.sort(5.0 * torch.rand(n_train, generator=gen)).values  # (n_train,)
    y_train = toy_function(x_train) + noise * torch.randn(n_train, generator=gen)  # (n_train,)
    x_test = torch.linspace(0.0, 5.0, n_test)  # (n_test,)
    return RegressionToy(x_train, y_train, x_test, toy_function(x_test))


DEFAULT_KEYS = ((-1.5, -1.0), (-1.0, 1.3), (0.2, 0.1), (1.4, 1.1), (1.2, -1.4))
DEFAULT_VALUES = (1.0, 4.0, 2.5, 5.0, 3.0)


def draw_query(
    fig: Figure, x: float, y: float, temperature: float, *, keys: torch.Tensor, values: torch.Tensor,
) -> None:
    """Draw one frame of :func:`query_explorer`: keys sized by weight, then weights as bars."""
    query = torch.tensor([[x, y]], dtype=keys.dtype)  # (1, 2)
    output, weights = soft_lookup(query, keys, values[:, None], temperature=temperature)
    w = weights[0]  # (L_k,)
    # A fixed layout: the explorer draws many frames, and constrained layout would double the cost.
    fig.set_layout_engine("none")
    plane, bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1], "left": 0.06, "right": 0.98,
                                                  "bottom": 0.16, "top": 0.9, "wspace": 0.22})
    plane.scatter(keys[:, 0], keys[:, 1], s=30 + 1500 * w, c=values, cmap="viridis",
                  vmin=float(values.min()), vmax=float(values.max()), edgecolors="black", zorder=2)
    for i, (kx, ky) in enumerate(keys.tolist()):
        plane.annotate(f"k{i}  v={float(values[i]):g}", (kx, ky), textcoords="offset points",
                       xytext=(0, -22), ha="center", fontsize=8)
    plane.scatter([x], [y], marker="*", s=260, color=QKV_COLOURS["query"], edgecolors="black", zorder=3)
    plane.set(xlim=(-2.7, 2.7), ylim=(-2.7, 2.7), aspect="equal", title="keys (size = weight), query ★",
              xticks=[-2, 0, 2], yticks=[-2, 0, 2])
    labels = [f"k{i}\nv={float(v):g}" for i, v in enumerate(values)]
    bars.bar(labels, w.tolist(), color="tab:blue")
    for i, wi in enumerate(w.tolist()):
        bars.text(i, wi + 0.02, f"{wi:.2f}", ha="center", fontsize=8)
    bars.set(ylim=(0, 1.1), yticks=[0, 0.5, 1], ylabel="weight", title=f"output = Σ w·v = {float(output):.2f}")
    bars.tick_params(axis="x", labelsize=8)


def query_explorer(
    keys: torch.Tensor | None = None, values: torch.Tensor | None = None, *,
    x_values: Sequence[float] = (-2.0, -1.0, 0.0, 1.0, 2.0), y_values: Sequence[float] = (-2.0, -1.0, 0.0, 1.0, 2.0),
    temperature: float = 0.5,
) -> Explorer:
    """Move a 2-D query with x and y sliders; watch the weights over the keys and the output move.

    Args:
        keys: (L_k, 2) key positions (default: five fixed points).
        values: (L_k,) one number per key (default: 1, 4, 2.5, 5, 3).
        x_values, y_values: the positions each slider offers; the book precomputes
            len(x_values) × len(y_values) frames.
        temperature: initial softmax temperature; a live-only slider varies it.
    """
    keys = torch.tensor(DEFAULT_KEYS) if keys is None else keys
    values = torch.tensor(DEFAULT_VALUES) if values is None else values
    check_tensor("keys", keys, min_dim=2)
    check_tensor("values", values, min_dim=1)
    if keys.dim() != 2 or keys.shape[1] != 2 or values.shape != (keys.shape[0],):
        raise ValueError(
            f"keys must be (L_k, 2) and values (L_k,), got keys {shape_str(keys)}, values {shape_str(values)}"
        )
    temperatures = sorted({0.1, 0.25, 0.5, 1.0, 2.0, check_positive("temperature", temperature)})
    controls = {"x": list(x_values), "y": list(y_values), "temperature": temperatures}
    initial = {"x": controls["x"][len(x_values) // 2], "y": controls["y"][len(y_values) // 2],
               "temperature": temperature}

    def describe(params: dict) -> str:
        query = torch.tensor([[params["x"], params["y"]]], dtype=keys.dtype)  # (1, 2)
        output, weights = soft_lookup(query, keys, values[:, None], temperature=params["temperature"])
        top = int(weights[0].argmax())
        return f"The largest weight, {float(weights[0, top]):.2f}, is on k{top}; the output is {float(output):.2f}."

    return Explorer(partial(draw_query, keys=keys, values=values), controls, initial=initial, static=["x", "y"],
                    figsize=(6.8, 3.4), title="Move the query", labels={"temperature": "temperature T"},
                    describe=describe)
