"""Sentiment-style sentences: filler words, one opinion word, maybe a negation.

A sentence is a run of neutral filler words with one polarity word
("good", "awful", ...) somewhere in it. With probability ``p_negation`` a
negation ("not", "never") stands right before the polarity word and flips
the label. So the label depends on one or two words out of up to twenty, and
an attention-pooling classifier should put its weight there (compare the
attention-based document classifiers surveyed by Jain & Wallace, 2019).

Label 1 = positive, 0 = negative.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .._random import as_generator, randint
from .._validation import check_nonnegative_int
from .vocab import Vocab

FILLER = ("the movie was a film this plot and i it with that story actor scene "
          "some of to ending we saw on friday music").split()
POSITIVE = ("good", "great", "excellent", "wonderful", "fun")
NEGATIVE = ("bad", "awful", "boring", "terrible", "dull")
NEGATIONS = ("not", "never")


@dataclass(frozen=True)
class Sentence:
    """One example: its words, its label, and where the deciding words are."""

    words: tuple[str, ...]
    label: int  # 1 = positive, 0 = negative
    polarity_index: int  # position of the polarity word
    negated: bool  # a negation stands at polarity_index - 1


def sentiment_label(words: tuple[str, ...] | list[str]) -> int:
    """The rule the generator follows: polarity of the opinion word, flipped by a negation before it."""
    label = None
    for i, word in enumerate(words):
        if word in POSITIVE or word in NEGATIVE:
            if label is not None:
                raise ValueError(f"expected exactly one polarity word, got {list(words)}")
            label = int(word in POSITIVE)
            if i > 0 and words[i - 1] in NEGATIONS:
                label = 1 - label
    if label is None:
        raise ValueError(f"expected exactly one polarity word, got {list(words)}")
    return label


def sentiment_sentences(
    n: int, seed: int | torch.Generator, *, min_length: int = 5, max_length: int = 16, p_negation: float = 0.4,
) -> list[Sentence]:
    """``n`` sentences of ``min_length`` .. ``max_length`` words (both inclusive)."""
    check_nonnegative_int("n", n)
    if not 3 <= min_length <= max_length:
        raise ValueError(f"need 3 <= min_length <= max_length, got min_length={min_length}, max_length={max_length}")
    if not 0.0 <= p_negation <= 1.0:
        raise ValueError(f"p_negation must be a probability, got {p_negation}")
    generator = as_generator(seed)
    sentences = []
    for _ in range(n):
        length = randint(generator, min_length, max_length + 1)
        words = [FILLER[randint(generator, 0, len(FILLER))] for _ in range(length)]
        positive = bool(randint(generator, 0, 2))
        pool = POSITIVE if positive else NEGATIVE
        negated = float(torch.rand((), generator=generator)) < p_negation
        index = randint(generator, 1, length)  # never first, so a negation always fits
        words[index] = pool[randint(generator, 0, len(pool))]
        if negated:
            words[index - 1] = NEGATIONS[randint(generator, 0, len(NEGATIONS))]
        sentences.append(Sentence(tuple(words), int(positive != negated), index, negated))
    return sentences


def sentiment_vocab() -> Vocab:
    """Word vocabulary: filler, polarity and negation words (plus ``<pad>``, ``<bos>``, ``<eos>``)."""
    return Vocab(FILLER + list(POSITIVE) + list(NEGATIVE) + list(NEGATIONS))


def encode_sentences(sentences: list[Sentence], vocab: Vocab) -> tuple[torch.Tensor, torch.Tensor]:
    """Word ids (N, L_max) padded with 0, and labels (N,)."""
    ids = vocab.batch([s.words for s in sentences])  # (N, L_max)
    labels = torch.tensor([s.label for s in sentences], dtype=torch.long)  # (N,)
    return ids, labels
