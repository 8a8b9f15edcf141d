"""A GRU encoder-decoder, with or without additive attention (Bahdanau et al., 2015).

Takeaway: the two models differ in one line. Without attention, the decoder
gets the same fixed summary vector of the input at every step, so the whole
input must squeeze through it (the "bottleneck" of Cho et al., 2014 that
Bahdanau et al. measured on long sentences). With attention, at every step
the decoder state is a query that scores every encoder annotation, and the
context is their weighted average: a soft alignment we can plot.

Numbered steps of one decoder step (Bahdanau et al., 2015, §3.1 and App. A):

1. scores   e_tj = vᵀ tanh(W s_{t-1} + U h_j)     (``AdditiveAttention``)
2. weights  α_tj = softmax_j(e_tj), 0 on padding
3. context  c_t  = Σ_j α_tj h_j
4. state    s_t  = GRU([y_{t-1}; c_t], s_{t-1})
5. output   p(y_t) = softmax(W_o [s_t; c_t; y_{t-1}])
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .._validation import check_positive_int, shape_str
from ..data.vocab import Vocab
from ..scoring import AdditiveAttention


def _check_ids(name: str, ids: object) -> torch.Tensor:
    if not isinstance(ids, torch.Tensor) or ids.dtype != torch.long or ids.dim() != 2:
        got = f"{ids.dtype} {shape_str(ids)}" if isinstance(ids, torch.Tensor) else type(ids).__name__
        raise ValueError(f"{name} must be a long tensor of token ids (B, L), got {got}")
    return ids


class Seq2Seq(nn.Module):
    """Character-level translator. ``attention=False`` gives the fixed-context baseline.

    Args:
        src_vocab: source vocabulary size (id 0 = padding).
        tgt_vocab: target vocabulary size (id 0 = padding, 1 = ``<bos>``, 2 = ``<eos>``).
        d_embed: character embedding size.
        d_hidden: GRU size; the encoder is bidirectional, so annotations have 2 * d_hidden.
        attention: use additive attention (True) or a fixed context (False).
    """

    def __init__(self, src_vocab: int, tgt_vocab: int, d_embed: int = 32, d_hidden: int = 64,
                 attention: bool = True) -> None:
        super().__init__()
        for name, n in (("src_vocab", src_vocab), ("tgt_vocab", tgt_vocab), ("d_embed", d_embed),
                        ("d_hidden", d_hidden)):
            check_positive_int(name, n)
        self.use_attention = bool(attention)
        self.src_embed = nn.Embedding(src_vocab, d_embed, padding_idx=0)
        self.tgt_embed = nn.Embedding(tgt_vocab, d_embed, padding_idx=0)
        self.encoder = nn.GRU(d_embed, d_hidden, batch_first=True, bidirectional=True)
        self.init_state = nn.Linear(2 * d_hidden, d_hidden)
        self.attention = AdditiveAttention(d_hidden, 2 * d_hidden, d_hidden) if attention else None
        self.cell = nn.GRUCell(d_embed + 2 * d_hidden, d_hidden)
        self.out = nn.Linear(d_hidden + 2 * d_hidden + d_embed, tgt_vocab)

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """src (B, L) -> annotations (B, L, 2h), summary (B, 2h), mask (B, L) True on real characters."""
        src = _check_ids("src", src)
        mask = src != 0  # (B, L)
        if bool(mask.all()):  # no padding: same numbers as packing, and on CPU 2-4x faster to backpropagate
            annotations, last = self.encoder(self.src_embed(src))  # last: (2, B, h), forward end and backward start
        else:
            lengths = mask.sum(1).clamp(min=1).cpu()
            packed = pack_padded_sequence(self.src_embed(src), lengths, batch_first=True, enforce_sorted=False)
            annotations, last = self.encoder(packed)
            annotations, _ = pad_packed_sequence(annotations, batch_first=True, total_length=src.shape[1])
        summary = torch.cat([last[0], last[1]], dim=-1)  # (B, 2h)
        return annotations, summary, mask

    def _step(self, prev: torch.Tensor, state: torch.Tensor, annotations: torch.Tensor, summary: torch.Tensor,
              mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        embedded = self.tgt_embed(prev)  # (B, d_embed)
        if self.attention is not None:
            context, weights = self.attention(state[:, None], annotations, annotations, mask[:, None])  # steps 1-3
            context, weights = context[:, 0], weights[:, 0]  # (B, 2h), (B, L)
        else:
            context, weights = summary, None  # the same vector at every step
        state = self.cell(torch.cat([embedded, context], dim=-1), state)  # step 4: (B, h)
        logits = self.out(torch.cat([state, context, embedded], dim=-1))  # step 5: (B, V)
        return logits, state, weights

    def forward(self, src: torch.Tensor, tgt: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Teacher forcing: src (B, L_src), tgt (B, T) -> logits (B, T, V), weights (B, T, L_src) or None.

        The decoder input at step t is ``<bos>`` for t = 0, else ``tgt[:, t - 1]``.
        """
        tgt = _check_ids("tgt", tgt)
        annotations, summary, mask = self.encode(src)
        if tgt.shape[0] != src.shape[0]:
            raise ValueError(f"src and tgt must have the same batch size, got {shape_str(src)} and {shape_str(tgt)}")
        state = torch.tanh(self.init_state(summary))  # (B, h)
        prev = torch.full_like(tgt[:, 0], 1)  # <bos>
        all_logits, all_weights = [], []
        for t in range(tgt.shape[1]):
            logits, state, weights = self._step(prev, state, annotations, summary, mask)
            all_logits.append(logits)
            all_weights.append(weights)
            prev = tgt[:, t]
        weights = torch.stack(all_weights, 1) if self.attention is not None else None  # (B, T, L_src)
        return torch.stack(all_logits, 1), weights  # (B, T, V)

    @torch.no_grad()
    def generate(self, src: torch.Tensor, max_len: int = 11) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Greedy decoding: src (B, L_src) -> ids (B, max_len), weights (B, max_len, L_src) or None."""
        check_positive_int("max_len", max_len)
        annotations, summary, mask = self.encode(src)
        state = torch.tanh(self.init_state(summary))
        prev = torch.ones(src.shape[0], dtype=torch.long)  # <bos>
        ids, all_weights = [], []
        for _ in range(max_len):
            logits, state, weights = self._step(prev, state, annotations, summary, mask)
            prev = logits.argmax(-1)  # (B,)
            ids.append(prev)
            all_weights.append(weights)
        weights = torch.stack(all_weights, 1) if self.attention is not None else None
        return torch.stack(ids, 1), weights


def translate(model: Seq2Seq, texts: list[str], source: Vocab, target: Vocab, *, max_len: int = 11,
              batch_size: int = 1024) -> tuple[list[str], list[torch.Tensor | None]]:
    """Greedy translations of ``texts`` and, per text, its (T_out, L_in) alignment (None without attention)."""
    model.eval()
    outputs: list[str] = []
    alignments: list[torch.Tensor | None] = []
    for begin in range(0, len(texts), batch_size):
        chunk = texts[begin : begin + batch_size]
        ids, weights = model.generate(source.batch(chunk), max_len)
        for row, text in enumerate(chunk):
            decoded = target.decode(ids[row].tolist())
            outputs.append(decoded)
            if weights is None:
                alignments.append(None)
            else:  # rows: output characters (+ <eos>), columns: input characters
                alignments.append(weights[row, : len(decoded) + 1, : len(text)])
    return outputs, alignments


def accuracy_by_length(texts: list[str], predictions: list[str], references: list[str],
                       bins: list[int]) -> list[float]:
    """Exact-match rate of ``predictions`` per input-length bin [bins[i], bins[i+1]) (NaN if empty)."""
    if not len(texts) == len(predictions) == len(references):
        raise ValueError(f"need equal lengths, got {len(texts)}, {len(predictions)}, {len(references)}")
    rates = []
    for low, high in zip(bins[:-1], bins[1:], strict=True):
        hits = [p == r for t, p, r in zip(texts, predictions, references, strict=True) if low <= len(t) < high]
        rates.append(sum(hits) / len(hits) if hits else float("nan"))
    return rates
