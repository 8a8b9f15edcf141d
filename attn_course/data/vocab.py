"""A tiny token vocabulary shared by the language and sentiment generators.

Index 0 is always padding, so a ``(B, L)`` batch of ids can be padded with
zeros and its padding mask is simply ``ids != 0`` (True = may attend).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch

from .._validation import check_positive_int

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
        padded = [e + [self.pad] * (width - len(e)) for e in encoded]  # one tensor call, not one per row
        return torch.tensor(padded, dtype=torch.long).reshape(len(encoded), width)  # (B, L_max)


def length_batches(pairs: Sequence[tuple[Sequence[str], str]], source: Vocab, target: Vocab, batch_size: int
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """Sort ``(source tokens, target text)`` pairs by source length and cut them into whole batches.

    Returns ids ``src`` (N_b, batch_size, L_max) and ``tgt`` (N_b, batch_size, T_max), targets
    ending in ``<eos>``, both padded with 0; batch ``i`` is ``src[i], tgt[i]``. Neighbours in length
    share a batch, so most batches need no padding at all (a recurrent encoder then skips packing)
    and none wastes steps on it. The sort is stable: equal lengths keep their order.
    """
    check_positive_int("batch_size", batch_size)
    if not pairs or len(pairs) % batch_size:
        raise ValueError(f"pairs must fill whole batches of {batch_size}, got {len(pairs)} pairs")
    ordered = sorted(pairs, key=lambda pair: len(pair[0]))
    src = source.batch([s for s, _ in ordered]).view(-1, batch_size, max(len(s) for s, _ in ordered))
    tgt = target.batch([t for _, t in ordered], eos=True)
    return src, tgt.view(-1, batch_size, tgt.shape[1])  # (N_b, B, L_max), (N_b, B, T_max)
