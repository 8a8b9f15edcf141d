"""Greedy decoding: one function for every model of the course that generates tokens.

Autoregressive generation appends, at each step, the token the model scores
highest after the sequence so far (Vaswani et al., 2017, §3: "at each step the
model is auto-regressive, consuming the previously generated symbols as
additional input when generating the next").

- A decoder-only model (:class:`~attn_course.models.decoder.TinyDecoder`)
  is called as ``model(tokens)`` or ``model(tokens, cache)`` and returns logits.
- An encoder-decoder (:class:`~attn_course.models.tiny_transformer.TinyTransformer`)
  is called as ``model(source, tokens)`` and returns ``(logits, attention maps)``;
  pass ``source=``.
"""

from __future__ import annotations

import torch
from torch import nn

from .._validation import check_positive_int
from ..efficient.kv_cache import KVCache


def _check_prompt(prompt: object) -> torch.Tensor:
    if not isinstance(prompt, torch.Tensor) or prompt.dtype != torch.long or prompt.dim() != 2:
        shape = tuple(prompt.shape) if isinstance(prompt, torch.Tensor) else type(prompt).__name__
        raise TypeError(f"prompt must be a (B, n) LongTensor, got {shape}")
    return prompt


@torch.no_grad()
def greedy_decode(
    model: nn.Module, prompt: torch.Tensor, steps: int, *, source: torch.Tensor | None = None,
    use_cache: bool = False,
) -> torch.Tensor:
    """Append ``steps`` greedily chosen tokens to ``prompt`` (B, n); returns (B, n + steps).

    Args:
        model: a decoder-only model ``model(tokens[, cache]) -> logits (B, n, V)``, or, with
            ``source``, an encoder-decoder ``model(source, tokens) -> (logits (B, n, V), maps)``.
        prompt: (B, n) token ids to continue, e.g. a single BOS column.
        steps: how many tokens to append.
        source: (B, L_s) source ids of an encoder-decoder model.
        use_cache: feed the prompt once, then one token per step against a
            :class:`~attn_course.efficient.KVCache` (decoder-only models with ``model.layers``).
            ``False`` reruns the whole sequence at every step. Both give the same tokens.
    """
    check_positive_int("steps", steps)
    tokens = _check_prompt(prompt)
    if use_cache and source is not None:
        raise ValueError("use_cache=True is for decoder-only models; pass source=None")
    limit = getattr(model, "max_len", None)  # a decoder's table of positions
    if limit is not None and tokens.shape[1] + steps > limit:
        raise ValueError(f"a prompt of {tokens.shape[1]} tokens + {steps} steps exceeds max_len={limit}")

    def logits_of(sequence: torch.Tensor) -> torch.Tensor:  # (B, t) -> (B, t, V)
        return model(sequence) if source is None else model(source, sequence)[0]

    if not use_cache:
        for _ in range(steps):
            next_token = logits_of(tokens)[:, -1].argmax(dim=-1, keepdim=True)  # (B, 1)
            tokens = torch.cat([tokens, next_token], dim=1)
        return tokens
    cache = KVCache(len(model.layers))
    logits = model(tokens, cache)  # fills the cache with the prompt
    for step in range(steps):
        next_token = logits[:, -1].argmax(dim=-1, keepdim=True)  # (B, 1)
        tokens = torch.cat([tokens, next_token], dim=1)
        if step + 1 < steps:
            logits = model(next_token, cache)  # one new position
    return tokens
