"""Generating tokens: one :func:`generate` for greedy decoding and every sampling rule of the course.

A language model gives, after each prefix, logits over the next token. Generation
appends one token at a time, "consuming the previously generated symbols as
additional input when generating the next" (Vaswani et al., 2017, §3). Which token
is appended is the *decoding rule*, applied to the last position's logits ``z``:

1. **temperature** ``T``: ``p = softmax(z / T)``. ``T < 1`` sharpens the distribution,
   ``T > 1`` flattens it, and ``T = 0`` is its limit, **greedy** decoding (the arg-max);
2. **top-k** keeps the ``k`` most likely tokens and renormalises (Fan et al., 2018);
3. **top-p** (nucleus) keeps the smallest set of most likely tokens whose probability
   adds up to at least ``p`` (Holtzman et al., 2020);
4. a token is drawn from what is left with ``torch.multinomial`` and the caller's
   ``torch.Generator``, so a seed gives the same sample every time.

:func:`next_token_probs` computes steps 1-3, :func:`generate` runs the loop, with or
without a :class:`~attn_course.efficient.KVCache`. It drives both the decoder-only
:class:`~attn_course.models.CharGPT` and, with ``source=``, the encoder-decoder
:class:`~attn_course.models.TinyTransformer`.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._validation import check_nonnegative_int, check_tensor, shape_str


def check_sampling(temperature: object, top_k: object, top_p: object) -> tuple[float, int | None, float | None]:
    """Validate a decoding rule: temperature >= 0, top_k a positive int or None, top_p in (0, 1] or None."""
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise TypeError(f"temperature must be a number >= 0, got {type(temperature).__name__}")
    if not (temperature >= 0 and math.isfinite(temperature)):
        raise ValueError(f"temperature must be a finite number >= 0 (0 = greedy), got {temperature!r}")
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, int):
            raise TypeError(f"top_k must be an int >= 1 or None, got {type(top_k).__name__}")
        if top_k < 1:
            raise ValueError(f"top_k must be >= 1 (1 = greedy), got {top_k}")
    if top_p is not None:
        if isinstance(top_p, bool) or not isinstance(top_p, (int, float)):
            raise TypeError(f"top_p must be a number in (0, 1] or None, got {type(top_p).__name__}")
        if not 0 < top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1] (1 keeps every token), got {top_p!r}")
    return float(temperature), top_k, None if top_p is None else float(top_p)


def next_token_probs(logits: torch.Tensor, *, temperature: float = 1.0, top_k: int | None = None,
                     top_p: float | None = None) -> torch.Tensor:
    """The distribution a decoding rule samples from: logits (..., V) -> probabilities (..., V).

    ``temperature=0`` gives all the mass to the arg-max (the first one on a tie), like
    ``torch.argmax``. Ties at the top-k or top-p boundary are broken by token id, the
    lower id kept, so ``top_k=1`` keeps the arg-max too. Rows sum to 1.
    """
    check_tensor("logits", logits, min_dim=1)
    temperature, top_k, top_p = check_sampling(temperature, top_k, top_p)
    if temperature == 0:  # 1. greedy: the limit T -> 0 of softmax(z / T)
        return nn.functional.one_hot(logits.argmax(dim=-1), logits.shape[-1]).to(logits.dtype)
    scaled = logits / temperature  # 1. temperature
    order = torch.sort(scaled, dim=-1, descending=True, stable=True).indices  # (..., V), best first
    positions = torch.arange(order.shape[-1], device=order.device).expand_as(order)
    rank = torch.empty_like(order).scatter_(-1, order, positions)  # rank[v] = place of token v in that order
    if top_k is not None:  # 2. top-k: keep ranks 0 .. k-1
        scaled = scaled.masked_fill(rank >= top_k, float("-inf"))
    probs = torch.softmax(scaled, dim=-1)  # (..., V)
    if top_p is not None and top_p < 1:  # 3. nucleus: keep a token while the mass before it is < p
        sorted_probs = probs.gather(-1, order)  # (..., V), descending
        mass_before = sorted_probs.cumsum(dim=-1) - sorted_probs
        keep = (mass_before < top_p).gather(-1, rank)  # back to token order
        probs = probs * keep
        probs = probs / probs.sum(dim=-1, keepdim=True)
    return probs


def _check_prompt(idx: object) -> torch.Tensor:
    if not isinstance(idx, torch.Tensor) or idx.dtype != torch.long or idx.dim() != 2:
        got = f"shape {shape_str(idx)}, dtype {idx.dtype}" if isinstance(idx, torch.Tensor) else type(idx).__name__
        raise TypeError(f"idx must be a 2-D (B, T) LongTensor of token ids, got {got}")
    if idx.shape[1] == 0:
        raise ValueError(f"idx must hold at least one token per row, got shape {shape_str(idx)}")
    return idx


@torch.no_grad()
def generate(model: nn.Module, idx: torch.Tensor, max_new_tokens: int, *, temperature: float = 1.0,
             top_k: int | None = None, top_p: float | None = None, use_cache: bool = True,
             generator: torch.Generator | None = None, source: torch.Tensor | None = None) -> torch.Tensor:
    """Append ``max_new_tokens`` tokens to the prompt ``idx`` (B, T); returns (B, T + max_new_tokens).

    Args:
        model: a decoder-only model, ``model(idx) -> logits (B, T, V)`` and, for ``use_cache``,
            ``model(idx, cache)`` and ``model.new_cache()`` (:class:`~attn_course.models.CharGPT`);
            or, with ``source``, an encoder-decoder ``model(source, idx) -> (logits, maps)``.
        temperature, top_k, top_p: the decoding rule (see :func:`next_token_probs`);
            ``temperature=0`` is greedy decoding.
        use_cache: feed the prompt once, then one token per step against a KV cache; ``False``
            reruns the whole sequence at every step. Both give the same tokens.
        generator: the ``torch.Generator`` that draws the samples (None: the global RNG).
        source: (B, L_s) source ids of an encoder-decoder model (then ``use_cache=False``).

    The model runs in eval mode (restored afterwards). No crop rule: the prompt and the new
    tokens must fit in ``model.max_len`` positions when the model has one.
    """
    tokens = _check_prompt(idx)
    check_nonnegative_int("max_new_tokens", max_new_tokens)
    temperature, top_k, top_p = check_sampling(temperature, top_k, top_p)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None, got {type(generator).__name__}")
    if not isinstance(use_cache, bool):
        raise TypeError(f"use_cache must be a bool, got {type(use_cache).__name__}")
    if use_cache and source is not None:
        raise ValueError("use_cache=True is for decoder-only models; pass use_cache=False with source")
    limit = getattr(model, "max_len", None)  # the model's table of positions
    if limit is not None and tokens.shape[1] > limit:
        raise ValueError(f"idx holds {tokens.shape[1]} tokens, more than max_len={limit}; crop the prompt")
    if limit is not None and tokens.shape[1] + max_new_tokens > limit:
        raise ValueError(f"idx ({tokens.shape[1]} tokens) + max_new_tokens={max_new_tokens} exceeds "
                         f"max_len={limit}")

    def pick(logits: torch.Tensor) -> torch.Tensor:  # (B, V) -> (B, 1)
        if temperature == 0:
            return logits.argmax(dim=-1, keepdim=True)
        probs = next_token_probs(logits, temperature=temperature, top_k=top_k, top_p=top_p)
        return torch.multinomial(probs, 1, generator=generator)  # 4. draw

    was_training = model.training
    model.eval()
    try:
        cache = model.new_cache() if use_cache else None
        new = tokens  # what the model has not seen yet
        for _ in range(max_new_tokens):
            if source is not None:
                logits = model(source, tokens)[0]  # (B, t, V)
            else:
                logits = model(new, cache) if use_cache else model(tokens)  # (B, n, V)
            next_token = pick(logits[:, -1])  # (B, 1)
            tokens = torch.cat([tokens, next_token], dim=1)
            new = next_token
    finally:
        model.train(was_training)
    return tokens
