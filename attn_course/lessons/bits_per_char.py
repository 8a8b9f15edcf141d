"""Bits per character: how surprised a language model is by text it has not seen (Shannon, 1951).

A model that gives the next character probability ``p(x_t | x_<t)`` pays
``-log2 p`` bits for it, the length of its code for that character under
arithmetic coding. The mean over a held-out text is the cross-entropy in bits per
character (bpc): 0 is perfect prediction, ``log2 V`` is a uniform guess over V characters.

Two count-based baselines set the bar for a Transformer:

- **unigram**: ``p(x_t)``, each character's frequency in the training text;
- **bigram**: ``p(x_t | x_{t-1})``, the frequency of each character after the one before it.

Both add ``alpha`` to every count (additive, "Laplace" smoothing), so a pair never seen in
training does not cost infinitely many bits.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .._validation import check_positive, check_positive_int


def _check_ids(name: str, ids: object, vocab_size: int) -> torch.Tensor:
    if not isinstance(ids, torch.Tensor) or ids.dim() != 1 or ids.dtype != torch.long or len(ids) < 2:
        raise TypeError(f"{name} must be a 1-D LongTensor of at least 2 token ids")
    if int(ids.min()) < 0 or int(ids.max()) >= vocab_size:
        raise ValueError(f"{name} holds ids outside [0, vocab_size={vocab_size})")
    return ids


def unigram_probs(train_ids: torch.Tensor, vocab_size: int, alpha: float = 1.0) -> torch.Tensor:
    """(V,) smoothed character frequencies of ``train_ids``."""
    check_positive_int("vocab_size", vocab_size)
    counts = torch.bincount(_check_ids("train_ids", train_ids, vocab_size), minlength=vocab_size).double()
    counts += check_positive("alpha", alpha)
    return counts / counts.sum()


def bigram_probs(train_ids: torch.Tensor, vocab_size: int, alpha: float = 1.0) -> torch.Tensor:
    """(V, V) smoothed transition probabilities: row ``a`` is ``p(next | a)``."""
    check_positive_int("vocab_size", vocab_size)
    ids = _check_ids("train_ids", train_ids, vocab_size)
    pairs = ids[:-1] * vocab_size + ids[1:]  # one index per (previous, next) pair
    counts = torch.bincount(pairs, minlength=vocab_size * vocab_size).double().view(vocab_size, vocab_size)
    counts += check_positive("alpha", alpha)
    return counts / counts.sum(dim=1, keepdim=True)


def unigram_bits(train_ids: torch.Tensor, val_ids: torch.Tensor, vocab_size: int, alpha: float = 1.0) -> float:
    """Bits per character of the unigram model of ``train_ids`` on ``val_ids[1:]``."""
    probs = unigram_probs(train_ids, vocab_size, alpha)
    val = _check_ids("val_ids", val_ids, vocab_size)
    return float(-probs[val[1:]].log2().mean())  # the same characters the other models predict


def bigram_bits(train_ids: torch.Tensor, val_ids: torch.Tensor, vocab_size: int, alpha: float = 1.0) -> float:
    """Bits per character of the bigram model of ``train_ids`` on ``val_ids[1:]``."""
    probs = bigram_probs(train_ids, vocab_size, alpha)
    val = _check_ids("val_ids", val_ids, vocab_size)
    return float(-probs[val[:-1], val[1:]].log2().mean())


@torch.no_grad()
def model_bits(model: nn.Module, val_ids: torch.Tensor, context: int, batch_size: int = 128) -> float:
    """Bits per character of a language model ``model(idx) -> logits (B, T, V)`` on ``val_ids[1:]``.

    The text is read in windows of ``context`` characters that overlap by half; each character
    after the first window is scored in the second half of a window, so it sees at least
    ``context // 2`` characters before it (the first window's characters see what there is).
    """
    check_positive_int("context", context)
    val = _check_ids("val_ids", val_ids, 2**62)
    targets_total = len(val) - 1
    if targets_total < context:
        raise ValueError(f"val_ids must be longer than context={context}, got {len(val)} ids")
    half = max(1, context // 2)
    starts = list(range(0, targets_total - context + 1, half))
    if starts[-1] + context < targets_total:
        starts.append(targets_total - context)  # a last window that ends with the text
    was_training = model.training
    model.eval()
    total, covered = 0.0, 0  # covered: targets scored so far are those with index < covered
    try:
        for begin in range(0, len(starts), batch_size):
            chunk = torch.tensor(starts[begin:begin + batch_size])  # (b,)
            where = chunk[:, None] + torch.arange(context)  # (b, context) input positions
            logits = model(val[where])  # (b, context, V)
            nll = nn.functional.cross_entropy(logits.transpose(1, 2), val[where + 1], reduction="none")  # (b, ctx)
            for row, start in enumerate(chunk.tolist()):
                first = max(covered, start) - start  # skip targets an earlier window scored
                total += float(nll[row, first:].sum())
                covered = start + context
    finally:
        model.train(was_training)
    assert covered == targets_total
    return total / targets_total / math.log(2)
