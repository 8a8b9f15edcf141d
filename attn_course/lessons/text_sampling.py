"""Sampling text from a character model, and an explorer of temperature x top-k.

:func:`sample_text` turns a prompt string into a continuation with
:func:`attn_course.models.generate`; :func:`sampling_explorer` shows, for each
decoding rule, the next-character distribution after a prompt and a sample drawn
with that rule from one fixed seed, so that the frames differ only by the rule.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import torch
from matplotlib.figure import Figure
from torch import nn

from ..data.vocab import Vocab
from ..models.generation import generate, next_token_probs
from ..plots.bars import plot_token_probs
from ..plots.explorer import Explorer

TopK = int | str  # an int, or "all" for no top-k


def sample_text(model: nn.Module, vocab: Vocab, prompt: str, new_tokens: int, *, seed: int = 0,
                temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None) -> str:
    """The ``new_tokens`` characters ``model`` writes after ``prompt``, drawn from ``seed`` (without the prompt).

    A special token (``<pad>``, ``<bos>``, ``<eos>``: never in the training text) is shown as ``�``.
    """
    idx = torch.tensor([vocab.encode(prompt)], dtype=torch.long)  # (1, T)
    out = generate(model, idx, new_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                   generator=torch.Generator().manual_seed(seed))
    tokens = [vocab.itos[int(i)] for i in out[0, idx.shape[1]:]]
    return "".join(token if len(token) == 1 else "\ufffd" for token in tokens)


def _top_k(value: TopK) -> int | None:
    return None if value == "all" else int(value)


def sampling_explorer(model: nn.Module, vocab: Vocab, prompt: str, *,
                      temperatures: Sequence[float] = (0.0, 0.5, 1.0, 2.0),
                      top_ks: Sequence[TopK] = (1, 5, "all"), new_tokens: int = 40, seed: int = 0,
                      figsize: tuple[float, float] = (6.8, 3.2)) -> Explorer:
    """An :class:`~attn_course.plots.Explorer` over temperature x top-k for one prompt.

    Each frame: bars of the next-character distribution after ``prompt`` under the rule, and
    the continuation of ``new_tokens`` characters sampled with it from ``seed``. It starts at
    ``temperatures[len(temperatures) // 2]`` without top-k.
    """
    with torch.no_grad():
        logits = model(torch.tensor([vocab.encode(prompt)], dtype=torch.long))[0, -1]  # (V,)
    labels = list(vocab.itos)
    cache: dict[tuple[float, TopK], str] = {}

    def draw(fig: Figure, temperature: float, top_k: TopK) -> None:
        bars, text = fig.subplots(2, 1, height_ratios=[4, 1])
        probs = next_token_probs(logits, temperature=temperature, top_k=_top_k(top_k))
        rule = "greedy" if temperature == 0 else f"T = {temperature:g}, top-k = {top_k}"
        plot_token_probs(probs, labels, ax=bars, title=f"after {prompt[-32:]!r}: {rule}")
        key = (temperature, top_k)
        if key not in cache:
            cache[key] = sample_text(model, vocab, prompt, new_tokens, seed=seed, temperature=temperature,
                                     top_k=_top_k(top_k))
        sample = (prompt + cache[key]).replace("\n", "↵")
        text.axis("off")
        text.text(0, 1, "sample: " + "\n        ".join(textwrap.wrap(sample, 72, drop_whitespace=False)[:2]),
                  family="monospace", fontsize=9, va="top")

    def describe(params: dict) -> str:
        probs = next_token_probs(logits, temperature=params["temperature"], top_k=_top_k(params["top_k"]))
        kept = int((probs > 0).sum())
        return (f"Bars of the next-character probabilities: the likeliest is {float(probs.max()):.2f}, "
                f"{kept} characters can be drawn; below them, the sampled continuation.")

    return Explorer(draw, {"temperature": list(temperatures), "top_k": list(top_ks)},
                    initial={"top_k": top_ks[-1]}, title="Sampling with temperature and top-k",
                    kinds={"top_k": "buttons"}, describe=describe,
                    labels={"temperature": "temperature T", "top_k": "top-k"}, figsize=figsize)
