"""The fixed-vector bottleneck, measured: accuracy against input length with and without attention.

Cho et al. (2014) found that an RNN encoder-decoder, which reads a sentence
into one fixed-length vector, translates short sentences well and long ones
badly; Bahdanau et al. (2015) let the decoder attend to every encoder state
instead, and its quality held up as sentences grew. Here the task is spelled
call signs (:mod:`attn_course.data.spelling`) read as words, one token per
letter: "hotel echo lima lima oscar" -> "HELLO". Each extra letter adds one
input token and 4.7 bits that the decoder must recover.

The protocol, identical for both models except the one line that differs:

1. data: a test set of call signs drawn first, then ``steps * batch_size``
   training pairs that never contain a test call sign, sorted by input length
   into batches (:func:`attn_course.data.length_batches`);
2. models: :class:`attn_course.models.Seq2Seq` with the same sizes and
   initialisation seed, ``attention=True`` or ``False`` (without attention the
   decoder gets the encoder's final summary, 2 * d_hidden numbers, at every step);
3. training: the same batches in the same order, Adam with the same
   learning-rate schedule (linear decay to ``final_lr``), the same number of
   optimisation steps;
4. evaluation: greedy decoding, **exact match** (the whole call sign right,
   then ``<eos>``), per bin of input length in tokens.

What this measures is an **equal budget**, not convergence. At the defaults
(400 steps, about 13 s of one CPU core for both models) attention is at or
above 0.95 in every bin on seed 0 (0.82 on the longest bin of seed 2), and the
model without attention falls from about 0.93 on 3-4 words to 0 on 11-12. But
the model without attention has *not* converged: trained 2x and 4x as long on
the same test set it gains up to 0.37 and 0.59 in a bin (seeds 0-2), and at
16x it reaches 0.35 on 11-12 words (:func:`budget_check`,
``benchmarks/bottleneck.py --budgets 1 2 4``). So the curves say how much
harder long inputs are for a fixed vector to *learn*; they are not its
capacity limit at this size.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import torch

from .._validation import check_count_range, check_nonnegative_int, check_positive, check_positive_int
from ..data import length_batches, spelling_pairs, spelling_tokens, spelling_vocabs
from ..data.spelling import TOKENS
from ..models import Seq2Seq, accuracy_by_length, seq2seq_loss, train, translate

#: The curve names of :class:`BottleneckResult`, by the value of ``attention``.
MODEL_NAMES = {True: "with attention", False: "without attention"}


@dataclass(frozen=True)
class BottleneckSetup:
    """Everything :func:`run_bottleneck` needs besides the seed; the two models share all of it."""

    lengths: range = range(3, 13)  # letters per call sign, half-open: 3 to 12
    tokens: str = "words"  # input tokens: one per code word ("words") or per character ("characters")
    bins: tuple[int, ...] = (3, 5, 7, 9, 11, 13)  # input tokens, [bins[i], bins[i + 1]): all of 3 to 12 words
    d_embed: int = 16
    d_hidden: int = 32  # each GRU; the summary a decoder without attention gets is 2 * d_hidden numbers
    batch_size: int = 64
    steps: int = 400  # optimisation steps, the same for both models
    lr: float = 1e-2  # Adam, falling linearly to final_lr at the last step
    final_lr: float = 1e-3
    test_size: int = 1000

    def __post_init__(self) -> None:
        for name in ("d_embed", "d_hidden", "batch_size", "steps", "test_size"):
            check_positive_int(name, getattr(self, name))
        check_positive("lr", self.lr)
        check_positive("final_lr", self.final_lr)
        check_count_range("lengths", self.lengths)
        if self.tokens not in TOKENS:
            raise ValueError(f"tokens must be one of {TOKENS}, got {self.tokens!r}")
        ints = all(isinstance(b, int) and not isinstance(b, bool) for b in self.bins)
        if len(self.bins) < 2 or not ints or any(a >= b for a, b in zip(self.bins[:-1], self.bins[1:], strict=True)):
            raise ValueError(f"bins must be at least two increasing ints, got {self.bins!r}")


@dataclass
class BottleneckResult:
    """What :func:`run_bottleneck` measured. Curves are keyed by :data:`MODEL_NAMES`."""

    bins: list[int]
    counts: list[int]  # test call signs per input-length bin
    accuracy: dict[str, list[float]]  # exact match per bin (NaN for an empty bin)
    by_letters: dict[str, list[float]]  # exact match per letter count in setup.lengths
    losses: dict[str, list[float]]  # training loss at every optimisation step
    steps: int
    seconds: dict[str, float] = field(default_factory=dict)  # training wall time: volatile, never print it
    models: dict[str, Seq2Seq] = field(default_factory=dict, repr=False)


def _check_setup(setup: object) -> BottleneckSetup:
    if not isinstance(setup, BottleneckSetup):
        raise TypeError(f"setup must be a BottleneckSetup, got {type(setup).__name__}")
    return setup


def bottleneck_data(seed: int, setup: BottleneckSetup) -> tuple[list[tuple[str, str]], torch.Tensor, torch.Tensor]:
    """Step 1 of the protocol: ``(test pairs, src batches (steps, B, L), tgt batches (steps, B, T))``.

    The test set is drawn first, so it does not depend on ``setup.steps``; no training pair repeats a
    test call sign.
    """
    check_nonnegative_int("seed", seed)
    _check_setup(setup)
    generator = torch.Generator().manual_seed(seed)
    test = spelling_pairs(setup.test_size, generator, lengths=setup.lengths)
    held_out = {sign for _, sign in test}
    training = spelling_pairs(setup.steps * setup.batch_size, generator, lengths=setup.lengths, exclude=held_out)
    source, target = spelling_vocabs(setup.tokens)
    tokenized = [(spelling_tokens(spelled, setup.tokens), sign) for spelled, sign in training]
    src, tgt = length_batches(tokenized, source, target, setup.batch_size)
    return test, src, tgt


def _batch_loss(model: Seq2Seq, src: torch.Tensor, tgt: torch.Tensor) -> torch.Tensor:
    """Loss of one premade batch: src (1, B, L_max), tgt (1, B, T_max), cut to the batch's own lengths."""
    src, tgt = src[0], tgt[0]  # (B, L_max), (B, T_max)
    width, steps = int((src != 0).sum(1).max()), int((tgt != 0).sum(1).max())
    return seq2seq_loss(model, src[:, :width], tgt[:, :steps])


def run_bottleneck(seed: int = 0, setup: BottleneckSetup | None = None, *,
                   attention: tuple[bool, ...] = (True, False)) -> BottleneckResult:
    """Train a :class:`~attn_course.models.Seq2Seq` per value in ``attention`` and measure it by input length.

    ``seed`` fixes the data, the initialisation and the batch order. For a longer budget, pass
    ``dataclasses.replace(setup, steps=...)``: the test set stays the same.
    """
    setup = BottleneckSetup() if setup is None else setup
    if not attention or any(not isinstance(a, bool) for a in attention) or len(set(attention)) != len(attention):
        raise ValueError(f"attention must hold True and/or False, each once, got {attention!r}")
    test, src, tgt = bottleneck_data(seed, setup)  # pairs; (steps, B, L), (steps, B, T)
    source, target = spelling_vocabs(setup.tokens)
    texts, references = [spelling_tokens(s, setup.tokens) for s, _ in test], [sign for _, sign in test]
    bins = list(setup.bins)
    result = BottleneckResult(
        bins=bins, counts=[sum(lo <= len(t) < hi for t in texts) for lo, hi in zip(bins[:-1], bins[1:], strict=True)],
        accuracy={}, by_letters={}, losses={}, steps=setup.steps,
    )
    for use_attention in attention:
        name = MODEL_NAMES[use_attention]
        with torch.random.fork_rng(devices=[]):  # seeded initialisation, the caller's RNG untouched
            torch.manual_seed(seed)
            model = Seq2Seq(len(source), len(target), d_embed=setup.d_embed, d_hidden=setup.d_hidden,
                            attention=use_attention)
        losses: list[float] = []
        history = train(model, _batch_loss, (src, tgt), epochs=1, batch_size=1, lr=setup.lr, final_lr=setup.final_lr,
                        seed=seed, step_callback=losses.append)
        predictions, _ = translate(model, texts, source, target, max_len=setup.lengths.stop)
        result.accuracy[name] = accuracy_by_length(texts, predictions, references, bins)
        counts = list(range(setup.lengths.start, setup.lengths.stop + 1))  # bins of one letter count each
        result.by_letters[name] = accuracy_by_length(references, predictions, references, counts)
        result.losses[name], result.seconds[name], result.models[name] = losses, history.seconds, model
    return result



def budget_check(seed: int = 0, setup: BottleneckSetup | None = None, budgets: tuple[int, ...] = (2, 4), *,
                 attention: bool = False) -> dict[int, list[float]]:
    """Exact match per bin of one model trained for ``k * setup.steps`` steps, for k = 1 and each of ``budgets``.

    The evidence for or against "trained to convergence": if more steps no longer change the curve,
    the model has learned what it can at this size. Everything but the step count (and so the
    learning-rate schedule's length) is the same, the test set included. Costs ``1 + sum(budgets)``
    trainings of the budget in ``setup``.
    """
    setup = BottleneckSetup() if setup is None else _check_setup(setup)
    if not budgets or any(not isinstance(k, int) or isinstance(k, bool) or k < 2 for k in budgets):
        raise ValueError(f"budgets must be ints >= 2, got {budgets!r}")
    curves = {}
    for k in (1, *budgets):
        result = run_bottleneck(seed, replace(setup, steps=k * setup.steps), attention=(attention,))
        curves[k] = result.accuracy[MODEL_NAMES[attention]]
    return curves
