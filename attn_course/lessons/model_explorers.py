"""Explorers over trained models: retrain with other settings, or browse a model's attention maps.

Both return an :class:`~attn_course.plots.Explorer`, live in Jupyter and
kernel-free (precomputed frames) in the book.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from matplotlib.figure import Figure

from ..plots.explorer import Explorer
from ..plots.heatmaps import plot_attention


def retrain_explorer(
    fit: Callable[..., Any],
    draw: Callable[..., None],
    controls: dict[str, Sequence[Any]],
    *,
    cache: dict[tuple, Any] | None = None,
    static: Sequence[str] | None = None,
    initial: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
    figsize: tuple[float, float] = (7.0, 3.2),
    **options: Any,
) -> Explorer:
    """An :class:`~attn_course.plots.Explorer` whose figure comes from a model trained with the controls.

    ``fit(**params)`` trains and returns a result; ``draw(fig, result, **params)``
    draws it. Results are cached under ``tuple(params[name] for name in controls)``;
    pass ``cache`` pre-filled with results the notebook already computed, so
    the static book frames cost nothing and the live widget retrains only for
    new settings. Other keyword arguments (``title``, ``kinds``, ``play``,
    ``value_labels``, ``describe``, ``readout``) go to the :class:`~attn_course.plots.Explorer`.
    """
    results = {} if cache is None else cache
    names = list(controls)

    def draw_frame(fig: Figure, **params: Any) -> None:
        key = tuple(params[name] for name in names)
        if key not in results:
            results[key] = fit(**params)
        draw(fig, results[key], **params)

    return Explorer(draw_frame, controls, static=static, initial=initial, labels=labels, figsize=figsize, **options)


def attention_map_explorer(maps: dict[str, list[torch.Tensor]], source: list[str], target_in: list[str]
                           ) -> Explorer:
    """A layer/head picker over precomputed maps of one example (batch index 0).

    ``maps`` is the dict returned by :meth:`TinyTransformer.forward`; ``source`` and
    ``target_in`` label the source tokens and the decoder-input tokens.
    """
    kinds = {"encoder self": "encoder", "decoder self": "decoder", "cross": "cross"}
    num_layers = len(maps["encoder"])
    num_heads = maps["encoder"][0].shape[1]
    labels = {"encoder": (source, source), "decoder": (target_in, target_in), "cross": (target_in, source)}

    def draw(fig, kind: str, layer: int, head: int) -> None:
        key = kinds[kind]
        weights = maps[key][layer - 1][0, head - 1].detach()  # (L_q, L_k)
        queries, keys = labels[key]
        plot_attention(weights, queries=queries, keys=keys, ax=fig.subplots(), colorbar=False,
                       title=f"{kind}, layer {layer}, head {head}")

    def describe(params: dict) -> str:
        queries, keys = labels[kinds[params["kind"]]]
        return f"A heat map of {len(queries)} query rows by {len(keys)} key columns."

    # Which attention, which layer, which head: choices, so buttons.
    return Explorer(draw, {"kind": list(kinds), "layer": list(range(1, num_layers + 1)),
                           "head": list(range(1, num_heads + 1))},
                    initial={"kind": "cross", "layer": num_layers, "head": 1}, figsize=(3.6, 3.2),
                    title="Browse the attention maps", kinds={"layer": "buttons", "head": "buttons"},
                    describe=describe)
