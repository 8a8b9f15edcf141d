"""Call signs spelled in the NATO alphabet -> letters: long inputs whose information grows with their length.

"hotel echo lima lima oscar" -> "HELLO". Each output letter is the first
letter of one input word, so the alignment is monotone and easy to read off,
but a call sign of K random letters carries K·log2(26) ≈ 4.7·K bits that a
decoder must get from *somewhere*. Without attention, all of them have to pass
through the encoder's one fixed-size summary vector: the bottleneck that Cho
et al. (2014) saw as translation quality falling with sentence length, and that
Bahdanau et al. (2015) removed with attention. Spelled out, a letter takes
6.35 characters on average (a 5.35-letter word and a space), so a seven-letter
call sign is about 43 characters long. Read as *words* (``tokens="words"``),
the input has one token per letter, like a sentence of words in machine
translation, and a recurrent encoder takes about 6x fewer steps over it.

The words are the ICAO/NATO spellings ("alfa", "juliett", "x-ray"). Call signs
are uniformly random strings, drawn from a seeded ``torch.Generator``; nothing
is downloaded.
"""

from __future__ import annotations

import string
from collections.abc import Collection

import torch

from .._random import as_generator
from .._validation import check_count_range, check_nonnegative_int
from .vocab import Vocab

#: The ways :func:`spelling_vocabs` and :func:`spelling_tokens` can cut a spelled call sign into tokens.
TOKENS = ("characters", "words")

#: The code word of each letter A..Z, in order.
NATO_ALPHABET: tuple[str, ...] = (
    "alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima",
    "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor", "whiskey",
    "x-ray", "yankee", "zulu",
)
LETTERS = string.ascii_uppercase


def spell(call_sign: str) -> str:
    """The call sign's letters as code words separated by spaces: ``spell("HI") == "hotel india"``."""
    if not isinstance(call_sign, str):
        raise TypeError(f"call_sign must be a str, got {type(call_sign).__name__}")
    if not call_sign or any(c not in LETTERS for c in call_sign):
        raise ValueError(f"call_sign must be a non-empty string of the letters A-Z, got {call_sign!r}")
    return " ".join(NATO_ALPHABET[LETTERS.index(c)] for c in call_sign)


def call_signs(n: int, seed: int | torch.Generator, *, lengths: range = range(3, 7),
               exclude: Collection[str] | None = None) -> list[str]:
    """``n`` random call signs: a letter count drawn uniformly from ``lengths``, then that many letters A-Z.

    ``lengths`` is half-open like every range (``range(3, 7)``: 3 to 6 letters). Call signs in
    ``exclude`` are redrawn, e.g. to keep a test set apart from the training set.
    """
    check_nonnegative_int("n", n)
    check_count_range("lengths", lengths)
    generator = as_generator(seed)
    excluded = set(exclude or ())
    possible = sum(26**k for k in lengths)
    if sum(len(s) in lengths for s in excluded) >= possible:
        raise ValueError(f"exclude leaves no call sign of {lengths.start} to {lengths.stop - 1} letters")
    signs: list[str] = []
    while len(signs) < n:  # draws in blocks; each block is one call of torch.randint per field
        block = n - len(signs)
        counts = torch.randint(lengths.start, lengths.stop, (block,), generator=generator).tolist()
        letters = torch.randint(0, 26, (block, lengths.stop - 1), generator=generator).tolist()
        for count, row in zip(counts, letters, strict=True):
            sign = "".join(LETTERS[i] for i in row[:count])
            if sign not in excluded:
                signs.append(sign)
    return signs


def spelling_pairs(n: int, seed: int | torch.Generator, *, lengths: range = range(3, 7),
                   exclude: Collection[str] | None = None) -> list[tuple[str, str]]:
    """``n`` pairs ``(spelled, call sign)``, e.g. ``("hotel india", "HI")``; arguments as :func:`call_signs`."""
    return [(spell(sign), sign) for sign in call_signs(n, seed, lengths=lengths, exclude=exclude)]


def _check_tokens(tokens: object) -> str:
    if tokens not in TOKENS:
        raise ValueError(f"tokens must be one of {TOKENS}, got {tokens!r}")
    return str(tokens)


def spelling_vocabs(tokens: str = "characters") -> tuple[Vocab, Vocab]:
    """Vocabularies ``(source, target)``; the target is the letters A-Z.

    The source is the code words' characters and a space (``tokens="characters"``) or the 26 code
    words themselves (``tokens="words"``).
    """
    if _check_tokens(tokens) == "words":
        return Vocab(NATO_ALPHABET), Vocab(LETTERS)
    return Vocab(sorted(set(" ".join(NATO_ALPHABET)))), Vocab(LETTERS)


def spelling_tokens(spelled: str, tokens: str = "characters") -> str | tuple[str, ...]:
    """``spelled`` cut into the source tokens of :func:`spelling_vocabs`: itself, or its code words.

    ``spelling_tokens("hotel india", "words") == ("hotel", "india")``; either way ``len`` of the
    result is the input length in tokens.
    """
    if not isinstance(spelled, str):
        raise TypeError(f"spelled must be a str, got {type(spelled).__name__}")
    return tuple(spelled.split(" ")) if _check_tokens(tokens) == "words" else spelled
