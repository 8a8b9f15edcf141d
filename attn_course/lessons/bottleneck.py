"""The fixed-vector bottleneck, measured: accuracy against input length with and without attention.

Cho et al. (2014) found that an RNN encoder-decoder, which reads a sentence
into one fixed-length vector, translates short sentences well and long ones
badly; Bahdanau et al. (2015) let the decoder attend to every encoder state
instead, and its quality held up as sentences grew. Here the task is spelled
call signs (:mod:`attn_course.data.spelling`) read as words, one token per
letter: "hotel echo lima lima oscar" -> "HELLO". Each extra letter adds one
input token and 4.7 bits that the decoder must recover.

The protocol, identical for both models except the one line that differs:

1. data: a test set of call signs drawn first, then training pairs that never
   contain a test call sign, sorted by input length into batches
   (:func:`attn_course.data.length_batches`): ``train_size`` of them, passed
   over once per epoch in a new order, or (``train_size=0``) new ones at every step;
2. models: :class:`attn_course.models.Seq2Seq` with the same sizes and
   initialisation seed, ``attention=True`` or ``False`` (without attention the
   decoder gets the encoder's final summary, 2 * d_hidden numbers, at every step);
3. training: the same batches in the same order, Adam with the same
   learning-rate schedule (constant if ``final_lr == lr``, else a linear decay),
   the same number of optimisation steps;
4. evaluation: greedy decoding, **exact match** (the whole call sign right,
   then ``<eos>``), per bin of input length in tokens, after training and, with
   ``eval_every``, during it.

:data:`CONVERGENCE_RUN` is the chapter's setup: 1,920 training call signs, 9,600
steps at a constant learning rate (3e-3). On seed 0 both models pass the
convergence check of :func:`convergence_steps` (:mod:`.convergence`) within that
budget, and the held-out curves separate: attention at or above 0.93 in every
bin, the fixed vector falling from about 0.88 on 3-4 letters to 0 on 11-12
(``benchmarks/bottleneck.py``, whose ``--record`` run is stored in :data:`RECORD`).
The model without attention peaks around step 5,000 and then over-fits its
training set; at 4,800 steps it was still gaining 0.05 on 7-8 letters. At a
constant learning rate a run of fewer steps (whole passes) is the beginning of
a longer one, so a short run re-derives the record's start. With new call signs
at every step instead (``train_size=0``), the model without attention keeps
improving on long inputs for many thousands of steps: a fixed vector makes long
inputs harder to learn from a given amount of data, which is what is measured.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .._validation import check_count_range, check_nonnegative_int, check_positive, check_positive_int
from ..data import length_batches, spelling_pairs, spelling_tokens, spelling_vocabs
from ..data.spelling import TOKENS
from ..models import Seq2Seq, accuracy_by_length, seq2seq_loss, train, translate
from .convergence import converged_at

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
    train_size: int = 0  # distinct training call signs, one pass per epoch (0: new ones at every step, one epoch)
    lr: float = 1e-2  # Adam, falling linearly to final_lr at the last step
    final_lr: float = 1e-3
    test_size: int = 1000
    eval_every: int = 0  # steps between held-out evaluations during training (0: only after the last step)

    def __post_init__(self) -> None:
        for name in ("d_embed", "d_hidden", "batch_size", "steps", "test_size"):
            check_positive_int(name, getattr(self, name))
        check_nonnegative_int("eval_every", self.eval_every)
        check_nonnegative_int("train_size", self.train_size)
        if self.train_size and (self.train_size % self.batch_size or self.steps * self.batch_size % self.train_size):
            raise ValueError(f"train_size must fill whole batches of {self.batch_size} and steps whole passes over it, "
                             f"got train_size={self.train_size}, steps={self.steps}")
        check_positive("lr", self.lr)
        check_positive("final_lr", self.final_lr)
        check_count_range("lengths", self.lengths)
        if self.tokens not in TOKENS:
            raise ValueError(f"tokens must be one of {TOKENS}, got {self.tokens!r}")
        ints = all(isinstance(b, int) and not isinstance(b, bool) for b in self.bins)
        if len(self.bins) < 2 or not ints or any(a >= b for a, b in zip(self.bins[:-1], self.bins[1:], strict=True)):
            raise ValueError(f"bins must be at least two increasing ints, got {self.bins!r}")


#: The chapter's long run, checked for convergence (see the module docstring); seed 0's is stored in :data:`RECORD`.
CONVERGENCE_RUN = BottleneckSetup(train_size=1920, steps=9600, lr=3e-3, final_lr=3e-3, eval_every=200)
#: Where ``benchmarks/bottleneck.py --record`` writes that run (:func:`save_record`, :func:`load_record`).
RECORD = Path(__file__).parent / "data" / "bottleneck_record.json"
#: The convergence check of :func:`convergence_steps`: means of WINDOW evaluations, changes up to TOLERANCE.
WINDOW, TOLERANCE = 4, 0.02


@dataclass
class BottleneckResult:
    """What :func:`run_bottleneck` measured. Curves are keyed by :data:`MODEL_NAMES`."""

    bins: list[int]
    counts: list[int]  # test call signs per input-length bin
    accuracy: dict[str, list[float]]  # exact match per bin (NaN for an empty bin)
    by_letters: dict[str, list[float]]  # exact match per letter count in setup.lengths
    losses: dict[str, list[float]]  # training loss, the mean over each loss_every steps
    steps: int
    eval_steps: list[int] = field(default_factory=list)  # the steps after which curves were measured
    curves: dict[str, list[list[float]]] = field(default_factory=dict)  # exact match per bin at each eval step
    loss_every: int = 1  # optimisation steps per entry of losses
    seconds: dict[str, float] = field(default_factory=dict)  # training wall time: volatile, never print it
    models: dict[str, Seq2Seq] = field(default_factory=dict, repr=False)


def _check_setup(setup: object) -> BottleneckSetup:
    if not isinstance(setup, BottleneckSetup):
        raise TypeError(f"setup must be a BottleneckSetup, got {type(setup).__name__}")
    return setup


def bottleneck_data(seed: int, setup: BottleneckSetup) -> tuple[list[tuple[str, str]], torch.Tensor, torch.Tensor]:
    """Step 1 of the protocol: ``(test pairs, src batches (N_b, B, L), tgt batches (N_b, B, T))``.

    ``N_b`` is ``setup.steps`` (fresh call signs at every step) or ``train_size // batch_size`` (one pass
    over a fixed training set; :func:`run_bottleneck` makes ``steps // N_b`` passes, each in a new order).
    The test set is drawn first, so it does not depend on ``setup.steps``; no training pair repeats a
    test call sign.
    """
    check_nonnegative_int("seed", seed)
    _check_setup(setup)
    generator = torch.Generator().manual_seed(seed)
    test = spelling_pairs(setup.test_size, generator, lengths=setup.lengths)
    held_out = {sign for _, sign in test}
    source, target = spelling_vocabs(setup.tokens)
    size = setup.train_size or setup.steps * setup.batch_size
    training = spelling_pairs(size, generator, lengths=setup.lengths, exclude=held_out)
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
    result.eval_steps = list(range(setup.eval_every, setup.steps + 1, setup.eval_every)) if setup.eval_every else []
    counts = list(range(setup.lengths.start, setup.lengths.stop + 1))  # bins of one letter count each

    def evaluate(model: Seq2Seq) -> tuple[list[float], list[float]]:  # exact match per bin, per letter count
        predictions, _ = translate(model, texts, source, target, max_len=setup.lengths.stop)
        return (accuracy_by_length(texts, predictions, references, bins),
                accuracy_by_length(references, predictions, references, counts))

    for use_attention in attention:
        name = MODEL_NAMES[use_attention]
        with torch.random.fork_rng(devices=[]):  # seeded initialisation, the caller's RNG untouched
            torch.manual_seed(seed)
            model = Seq2Seq(len(source), len(target), d_embed=setup.d_embed, d_hidden=setup.d_hidden,
                            attention=use_attention)
        losses: list[float] = []
        curve: list[list[float]] = []

        def record(loss: float, model: Seq2Seq = model, losses: list[float] = losses,
                   curve: list[list[float]] = curve) -> None:
            losses.append(loss)
            if setup.eval_every and len(losses) % setup.eval_every == 0:
                curve.append(evaluate(model)[0])  # greedy decoding: no dropout, no random numbers drawn
                model.train()

        history = train(model, _batch_loss, (src, tgt), epochs=setup.steps // len(src), batch_size=1, lr=setup.lr,
                        final_lr=setup.final_lr, seed=seed, step_callback=record)
        result.accuracy[name], result.by_letters[name] = evaluate(model)
        result.curves[name], result.losses[name], result.seconds[name] = curve, losses, history.seconds
        result.models[name] = model
    return result


def convergence_steps(result: BottleneckResult) -> dict[str, int | None]:
    """Per model, the step from which its held-out curve passes the check (``None``: not converged).

    :func:`attn_course.lessons.convergence.converged_at` with :data:`WINDOW` and :data:`TOLERANCE`: every
    run stopped at or after that step gained (or lost) at most TOLERANCE in every length bin over the
    second half of its steps. Needs a run with ``eval_every`` set.
    """
    return {name: converged_at(result.eval_steps, curve, WINDOW, TOLERANCE) for name, curve in result.curves.items()}


def save_record(result: BottleneckResult, setup: BottleneckSetup, seed: int, path: str | Path, command: str) -> None:
    """Write ``result`` (without models and timings) as JSON, with the setup, seed and ``command`` that made it.

    Training losses are stored as means over each ``setup.eval_every`` steps (every step if 0), rounded to 4
    decimals; accuracies are exact fractions of the test set, rounded to 4 decimals.
    """
    every = setup.eval_every or 1
    losses = {name: [round(sum(xs[i : i + every]) / len(xs[i : i + every]), 4) for i in range(0, len(xs), every)]
              for name, xs in result.losses.items()}
    fields = {**{f.name: getattr(setup, f.name) for f in dataclasses.fields(setup)},
              "lengths": [setup.lengths.start, setup.lengths.stop], "bins": list(setup.bins)}
    rounded = {"accuracy": result.accuracy, "by_letters": result.by_letters}
    record = {"command": command, "seed": seed, "setup": fields, "bins": result.bins, "counts": result.counts,
              **{key: {n: [round(x, 4) for x in xs] for n, xs in value.items()} for key, value in rounded.items()},
              "eval_steps": result.eval_steps, "steps": result.steps, "loss_every": every,
              "curves": {n: [[round(x, 4) for x in row] for row in rows] for n, rows in result.curves.items()},
              "losses": losses}
    Path(path).write_text(json.dumps(record, indent=1) + "\n")


def load_record(path: str | Path) -> tuple[BottleneckResult, BottleneckSetup, int, str]:
    """Read what :func:`save_record` wrote: ``(result, setup, seed, command)``."""
    record = json.loads(Path(path).read_text())
    fields = dict(record["setup"], lengths=range(*record["setup"]["lengths"]), bins=tuple(record["setup"]["bins"]))
    result = BottleneckResult(bins=record["bins"], counts=record["counts"], accuracy=record["accuracy"],
                              by_letters=record["by_letters"], losses=record["losses"], steps=record["steps"],
                              eval_steps=record["eval_steps"], curves=record["curves"],
                              loss_every=record["loss_every"])
    return result, BottleneckSetup(**fields), record["seed"], record["command"]
