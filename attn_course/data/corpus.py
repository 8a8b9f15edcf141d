"""A character-level text corpus that ships with the package: Python's own language reference.

The generation chapter needs English text on every machine, offline. Python's
standard library holds some (``pydoc_data/topics.py``, the pages ``help("for")``
shows), but it changes with every Python release, so the package keeps a fixed
copy of CPython 3.11.7's: 465,048 characters under the PSF licence (see
``text/README.md``). Characters are the tokens, as in Karpathy's char-rnn and
minGPT's ``chargpt`` project.
"""

from __future__ import annotations

from pathlib import Path

import torch

from .._validation import check_positive_int, shape_str
from .vocab import Vocab

CORPUS_FILE = Path(__file__).parent / "text" / "python_reference.txt"


def load_corpus() -> str:
    """The text of ``text/python_reference.txt`` (465,048 characters)."""
    return CORPUS_FILE.read_text(encoding="utf-8")


def char_vocab(text: str) -> Vocab:
    """A :class:`Vocab` of the characters of ``text`` in code-point order (after ``<pad>``, ``<bos>``, ``<eos>``)."""
    if not isinstance(text, str) or not text:
        raise ValueError("text must be a non-empty string")
    return Vocab(sorted(set(text)))


def encode_text(text: str, vocab: Vocab) -> torch.Tensor:
    """Character ids of ``text``, a (N,) LongTensor (the same as ``vocab.encode(text)``, in one table lookup)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not text:
        return torch.empty(0, dtype=torch.long)
    points = torch.frombuffer(bytearray(text.encode("utf-32-le")), dtype=torch.int32).long()  # (N,) code points
    chars = [token for token in vocab.itos if len(token) == 1]  # the specials are longer
    table = torch.full((max(int(points.max()), *map(ord, chars)) + 1,), -1)  # code point -> id, -1 if unknown
    table[[ord(c) for c in chars]] = torch.tensor([vocab.stoi[c] for c in chars])
    ids = table[points]
    if bool((ids < 0).any()):
        unknown = sorted({text[i] for i in (ids < 0).nonzero()[:, 0].tolist()})
        raise ValueError(f"characters {unknown!r} are not in the vocabulary")
    return ids



def split_ids(ids: torch.Tensor, val_fraction: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """Split a (N,) id sequence into its first ``1 - val_fraction`` (training) and the rest (validation)."""
    if not isinstance(ids, torch.Tensor) or ids.dim() != 1:
        raise ValueError(f"ids must be a 1-D tensor, got {shape_str(ids) if isinstance(ids, torch.Tensor) else ids!r}")
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, float) or not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be a float in (0, 1), got {val_fraction!r}")
    cut = round(len(ids) * (1 - val_fraction))
    return ids[:cut], ids[cut:]


def random_windows(ids: torch.Tensor, count: int, length: int, generator: torch.Generator
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` windows of ``length`` tokens at random offsets: inputs (count, length), targets shifted by one."""
    check_positive_int("count", count)
    check_positive_int("length", length)
    if not isinstance(ids, torch.Tensor) or ids.dim() != 1 or len(ids) <= length:
        raise ValueError(f"ids must be a 1-D tensor longer than length={length}")
    starts = torch.randint(0, len(ids) - length, (count, 1), generator=generator)  # (count, 1)
    where = starts + torch.arange(length + 1)  # (count, length + 1)
    windows = ids[where]
    return windows[:, :-1], windows[:, 1:]  # next-character prediction: target t = input t + 1
