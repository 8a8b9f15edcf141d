"""A tiny token vocabulary shared by the language and sentiment generators.

Index 0 is always padding, so a ``(B, L)`` batch of ids can be padded with
zeros and its padding mask is simply ``ids != 0`` (True = may attend).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"


class Vocab:
    """Map tokens (characters or words) to ids and back.

    ``Vocab(tokens)`` puts ``<pad>`` at 0, ``<bos>`` at 1, ``<eos>`` at 2, then
    ``tokens`` in the order given (duplicates dropped).
    """

    def __init__(self, tokens: Iterable[str]) -> None:
        self.itos: list[str] = [PAD, BOS, EOS]
        for token in tokens:
            if not isinstance(token, str):
                raise TypeError(f"tokens must be strings, got {type(token).__name__}: {token!r}")
            if token not in self.itos:
                self.itos.append(token)
        self.stoi = {token: i for i, token in enumerate(self.itos)}
        self.pad, self.bos, self.eos = 0, 1, 2

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens: Sequence[str], *, eos: bool = False) -> list[int]:
        """Token ids of ``tokens`` (a string is a sequence of characters); ``eos`` appends ``<eos>``."""
        unknown = [t for t in tokens if t not in self.stoi]
        if unknown:
            raise ValueError(f"tokens {sorted(set(unknown))!r} are not in the vocabulary")
        return [self.stoi[t] for t in tokens] + ([self.eos] if eos else [])

    def decode(self, ids: Iterable[int], *, sep: str = "") -> str:
        """Tokens of ``ids`` joined by ``sep``, stopping at the first ``<eos>`` and skipping padding."""
        out = []
        for i in ids:
            i = int(i)
            if i == self.eos:
                break
            if i not in (self.pad, self.bos):
                out.append(self.itos[i])
        return sep.join(out)

    def batch(self, sequences: Sequence[Sequence[str]], *, eos: bool = False) -> torch.Tensor:
        """Encode and right-pad with 0: returns ids (B, L_max) of dtype long."""
        encoded = [self.encode(s, eos=eos) for s in sequences]
        width = max((len(e) for e in encoded), default=0)
        ids = torch.zeros(len(encoded), width, dtype=torch.long)  # (B, L_max)
        for row, e in enumerate(encoded):
            ids[row, : len(e)] = torch.tensor(e, dtype=torch.long)
        return ids
