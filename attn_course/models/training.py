"""A small, seeded training loop: the one every trainable model of the course uses.

``train`` is deliberately plain: shuffle with its own ``torch.Generator``,
Adam, gradient clipping, one optional evaluation per epoch. It prints
nothing unless given a ``callback``, so notebook outputs stay deterministic
for nbval. It pins the number of intra-op threads (default 2, the course's
reference machine) for the duration of the call, to 1 by default: these models are tiny, so a
second thread has little to split, and on a busy machine threads that wait
for each other made a training step 10-30x *slower* (measured on the course's
shared 2-core machine: about 0.2 s vs 3 s per batch of the date translator).
A fixed count also keeps floating-point reductions, hence results, the same
from run to run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import check_positive, check_positive_int

LossFn = Callable[..., torch.Tensor]


@dataclass
class History:
    """What :func:`train` observed, one entry per epoch."""

    loss: list[float] = field(default_factory=list)  # mean training loss
    metric: list[float] = field(default_factory=list)  # eval_fn(model) after the epoch, if given
    seconds: float = 0.0  # wall time; volatile, so never print it in a compared cell


def classifier_loss(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of a model that returns ``(logits (B, C), ...)``."""
    logits = model(inputs)[0]
    return F.cross_entropy(logits, labels)


def seq2seq_loss(model: nn.Module, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
    """Token-level cross-entropy with teacher forcing; padding (id 0) is ignored."""
    logits = model(src, tgt)[0]  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), tgt.flatten(), ignore_index=0)


@torch.no_grad()
def accuracy(model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, batch_size: int = 512) -> float:
    """Fraction of ``inputs`` whose arg-max logit equals ``labels`` (model returns ``(logits, ...)``)."""
    was_training = model.training
    model.eval()
    correct = 0
    for start in range(0, len(inputs), batch_size):
        logits = model(inputs[start : start + batch_size])[0]
        correct += int((logits.argmax(-1) == labels[start : start + batch_size]).sum())
    model.train(was_training)
    return correct / max(1, len(inputs))


def train(
    model: nn.Module,
    loss_fn: LossFn,
    data: Sequence[torch.Tensor],
    *,
    epochs: int = 10,
    batch_size: int = 64,
    lr: float = 3e-3,
    final_lr: float | None = None,
    seed: int = 0,
    max_grad_norm: float = 1.0,
    eval_fn: Callable[[nn.Module], float] | None = None,
    target: float | None = None,
    callback: Callable[[int, History], None] | None = None,
    step_callback: Callable[[float], None] | None = None,
    num_threads: int | None = 1,
) -> History:
    """Train ``model`` with Adam on mini-batches of ``data`` and return its :class:`History`.

    The model is left in eval mode. The first Adam step of a Python session
    imports ``torch._dynamo`` (about 1 s of CPU, several seconds on a busy
    machine); later calls do not pay it again.

    Args:
        loss_fn: ``loss_fn(model, *batch) -> scalar``, e.g. :func:`classifier_loss`.
        data: tensors sharing their first dimension N, e.g. ``(inputs, labels)``.
        final_lr: if given, the learning rate falls linearly from ``lr`` at the first step to
            ``final_lr`` at the last step of the last epoch (default: ``lr`` throughout).
        seed: seeds the shuffling (own generator) and, inside a forked RNG, dropout.
        eval_fn: ``eval_fn(model) -> float`` run after each epoch (in eval mode).
        target: stop early once ``eval_fn`` reaches it.
        callback: ``callback(epoch, history)`` after each epoch, e.g. to print progress.
        step_callback: ``step_callback(loss)`` after each optimiser step, e.g. to record a loss curve.
        num_threads: intra-op threads during training (restored afterwards); None leaves it alone.
    """
    check_positive_int("epochs", epochs)
    check_positive_int("batch_size", batch_size)
    if not data or any(not isinstance(t, torch.Tensor) for t in data):
        raise TypeError("data must be a non-empty sequence of tensors")
    n = len(data[0])
    if any(len(t) != n for t in data):
        raise ValueError(f"data tensors must share their first dimension, got {[tuple(t.shape) for t in data]}")
    if target is not None and eval_fn is None:
        raise ValueError("target needs an eval_fn to measure it")
    if final_lr is not None:
        check_positive("final_lr", final_lr)
    last_step = epochs * -(-n // batch_size) - 1  # index of the last optimiser step
    previous_threads = torch.get_num_threads()
    if num_threads is not None:
        torch.set_num_threads(check_positive_int("num_threads", num_threads))
    history = History()
    start = time.perf_counter()
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            generator = torch.Generator().manual_seed(seed)
            optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            step = 0
            for epoch in range(epochs):
                model.train()
                order = torch.randperm(n, generator=generator)
                total, batches = 0.0, 0
                for begin in range(0, n, batch_size):
                    index = order[begin : begin + batch_size]
                    loss = loss_fn(model, *(t[index] for t in data))
                    optimizer.zero_grad()
                    loss.backward()
                    nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
                    if final_lr is not None:  # linear decay, one value per optimiser step
                        for group in optimizer.param_groups:
                            group["lr"] = lr + (final_lr - lr) * step / max(1, last_step)
                    optimizer.step()
                    step += 1
                    total, batches = total + loss.item(), batches + 1
                    if step_callback is not None:
                        step_callback(loss.item())
                history.loss.append(total / batches)
                if eval_fn is not None:
                    model.eval()
                    with torch.no_grad():
                        history.metric.append(float(eval_fn(model)))
                history.seconds = time.perf_counter() - start
                if callback is not None:
                    callback(epoch, history)
                if target is not None and history.metric[-1] >= target:
                    break
    finally:
        torch.set_num_threads(previous_threads)
        model.eval()
    return history


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def lm_loss(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Next-token cross-entropy (nats) of a language model ``model(inputs) -> logits (B, T, V)``."""
    logits = model(inputs)  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())
