"""Induction heads: how a two-layer attention-only model learns to copy in context.

Elhage et al. (2021) and Olsson et al. (2022) found a two-head circuit in small
attention-only Transformers. A *previous-token head* in layer 1 writes, at each
position, which token came just before it. An *induction head* in layer 2 then
looks for an earlier position whose previous token equals the current token,
that is the token *after* the previous occurrence of the current token, and
copies it: ``... A B ... A`` -> predict ``B``.

Here the model is :class:`~attn_course.models.CharGPT` with ``attention_only=True``,
the data are sequences in which a random block of tokens repeats
(:func:`repeated_blocks`), and two metrics score every head of a model:

- :func:`previous_token_scores`: the mean weight a query puts on the key just before it;
- :func:`induction_scores`: the mean weight a query puts on the token after the
  previous occurrence of its own token (over queries whose token occurred before).

:func:`copy_task_loss` trains on the copied positions only; :func:`copy_loss` evaluates them.

Both are in [0, 1]; a head that does the job exactly scores 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch.nn import functional as F

from .._validation import check_positive_int, shape_str


def repeated_blocks(count: int, length: int, vocab_size: int, generator: torch.Generator, *,
                    min_block: int = 4, max_block: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Random token sequences in which a random block of tokens is repeated at once.

    Each row is random tokens, except that at a random start ``s`` a block of ``n`` tokens
    (``n`` uniform in ``[min_block, max_block]``, default ``max_block = length // 2``) is
    followed by a copy of itself. Neither ``s`` nor ``n`` is fixed, so no position or offset
    gives the answer away: only the content can. Returns tokens (count, length) and a bool
    mask (count, length) that is True at the queries whose *next* token is predictable by
    copying, positions ``s + n .. s + 2n - 2``.
    """
    max_block = length // 2 if max_block is None else max_block
    for name, value in (("count", count), ("length", length), ("vocab_size", vocab_size),
                        ("min_block", min_block), ("max_block", max_block)):
        check_positive_int(name, value)
    if not 2 <= min_block <= max_block <= length // 2:
        raise ValueError(f"need 2 <= min_block <= max_block <= length // 2 = {length // 2}, "
                         f"got min_block={min_block}, max_block={max_block}")
    tokens = torch.randint(0, vocab_size, (count, length), generator=generator)  # (count, length)
    sizes = torch.randint(min_block, max_block + 1, (count, 1), generator=generator)  # (count, 1) block lengths n
    starts = (torch.rand(count, 1, generator=generator) * (length - 2 * sizes + 1)).long()  # s in [0, length - 2n]
    where = torch.arange(length)  # (length,)
    second = (where >= starts + sizes) & (where < starts + 2 * sizes)  # (count, length): the copy
    tokens = tokens.gather(1, torch.where(second, where - sizes, where))  # a copy position reads n back
    predictable = second & (where < starts + 2 * sizes - 1)  # the last copy position's next token is random
    return tokens, predictable


def copy_task_loss(model: torch.nn.Module, tokens: torch.Tensor, predictable: torch.Tensor) -> torch.Tensor:
    """Training loss for :func:`~attn_course.models.train`: next-token cross-entropy at the ``predictable`` positions.

    ``tokens`` (B, T + 1) and ``predictable`` (B, T + 1) come from :func:`repeated_blocks`; the model reads
    ``tokens[:, :-1]``. The other targets are random, so the model is not asked to predict them.
    """
    logits = model(tokens[:, :-1])  # (B, T, V)
    nll = F.cross_entropy(logits.transpose(1, 2), tokens[:, 1:], reduction="none")  # (B, T)
    return nll[predictable[:, :-1]].mean()


def copy_loss(logits: torch.Tensor, tokens: torch.Tensor, predictable: torch.Tensor) -> tuple[float, float]:
    """Mean next-token cross-entropy (nats) at the ``predictable`` positions, and at all the others.

    The second number stays near ``log(vocab_size)``: those tokens are random.
    """
    nll = F.cross_entropy(logits[:, :-1].flatten(0, 1), tokens[:, 1:].flatten(), reduction="none")
    nll = nll.view(tokens.shape[0], -1)  # (B, T - 1): loss of predicting token t + 1 at position t
    repeat = predictable[:, :-1]
    return float(nll[repeat].mean()), float(nll[~repeat].mean())


def _check_maps(attn_maps: Sequence[torch.Tensor]) -> torch.Tensor:
    """Stack per-layer maps (B, h, T, T) into (layers, B, h, T, T)."""
    if isinstance(attn_maps, torch.Tensor) or not attn_maps:
        raise TypeError("attn_maps must be a non-empty list of per-layer weights (B, h, T, T)")
    shapes = {tuple(m.shape) if isinstance(m, torch.Tensor) else None for m in attn_maps}
    if len(shapes) != 1 or None in shapes or len(next(iter(shapes))) != 4:
        raise ValueError(f"attn_maps must hold tensors of one shape (B, h, T, T), got {sorted(map(str, shapes))}")
    maps = torch.stack(list(attn_maps)).detach().float()  # (layers, B, h, T, T)
    if maps.shape[-1] != maps.shape[-2]:
        raise ValueError(f"attn_maps must be square self-attention maps (B, h, T, T), got {shape_str(maps[0])}")
    return maps


def previous_token_scores(attn_maps: Sequence[torch.Tensor]) -> torch.Tensor:
    """Per (layer, head): the mean weight from query ``t`` to key ``t - 1`` over ``t >= 1`` and the batch."""
    maps = _check_maps(attn_maps)  # (layers, B, h, T, T)
    if maps.shape[-1] < 2:
        raise ValueError("previous_token_scores needs at least 2 positions")
    return maps.diagonal(offset=-1, dim1=-2, dim2=-1).mean(dim=(1, 3))  # (layers, h)


def induction_targets(tokens: torch.Tensor) -> torch.Tensor:
    """(B, T) token ids -> (B, T) the position after the previous occurrence of each token, or -1 if none.

    For query ``t`` with an earlier ``j < t`` such that ``tokens[j] == tokens[t]`` (the latest such ``j``),
    the target is ``j + 1``: the token that followed the previous occurrence.
    """
    if not isinstance(tokens, torch.Tensor) or tokens.dim() != 2 or tokens.is_floating_point():
        raise TypeError(f"tokens must be a (B, T) integer tensor, got {tokens!r:.60}")
    length = tokens.shape[1]
    same = tokens[:, :, None] == tokens[:, None, :]  # (B, T_q, T_k): key j holds the query's token
    earlier = torch.ones(length, length, dtype=torch.bool).tril(diagonal=-1)  # j < t
    where = torch.arange(length).expand(length, length)  # (T_q, T_k): the key index j
    latest = torch.where(same & earlier, where, -1).amax(dim=-1)  # (B, T): latest j, or -1
    return torch.where(latest >= 0, latest + 1, -1)


def induction_scores(attn_maps: Sequence[torch.Tensor], tokens: torch.Tensor) -> torch.Tensor:
    """Per (layer, head): the mean weight on the token after the previous occurrence of the query's token.

    ``attn_maps`` is a list of per-layer weights (B, h, T, T), as returned by
    :meth:`CharGPT.forward_with_attention`, and ``tokens`` (B, T) the ids they were computed on.
    Queries whose token did not occur before are left out. Returns (layers, heads).
    """
    maps = _check_maps(attn_maps)  # (layers, B, h, T, T)
    targets = induction_targets(tokens)  # (B, T)
    if tuple(targets.shape) != tuple(maps.shape[1:2]) + tuple(maps.shape[-1:]):
        raise ValueError(f"tokens {shape_str(tokens)} must be (B, T) = {tuple(maps.shape[1:2] + maps.shape[-1:])}")
    has = targets >= 0  # (B, T)
    if not bool(has.any()):
        raise ValueError("no token of tokens occurs twice, so no query has an induction target")
    index = targets.clamp(min=0)[None, :, None, :, None].expand(*maps.shape[:-1], 1)  # (layers, B, h, T, 1)
    weight = maps.gather(-1, index).squeeze(-1)  # (layers, B, h, T): weight on the target key
    mask = has[None, :, None, :].float()  # (1, B, 1, T)
    return (weight * mask).sum(dim=(1, 3)) / has.sum()  # (layers, h)
