"""A tiny encoder-decoder Transformer, trained to reverse sequences (Vaswani et al., 2017, Fig. 1).

The task: the source is ``n`` random digits, the target is the same digits in
reverse order. A perfect model must *move* information from source position
``n - 1 - i`` to target position ``i``, so its cross-attention maps should show
the anti-diagonal. Data come from a seeded ``torch.Generator``; nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from .._validation import check_positive_int, check_tensor, shape_str
from ..data.reversal import reversal_batch
from ..positional import sinusoidal_positional_encoding
from ..transformer import DecoderBlock, EncoderBlock
from .training import train


@dataclass(frozen=True)
class TinyConfig:
    """Sizes of :class:`TinyTransformer` and of the reversal task."""

    num_symbols: int = 10  # digits 0..9; token num_symbols is BOS
    seq_len: int = 8  # length of every source (and target) sequence
    d_model: int = 32  # model width
    num_heads: int = 2  # heads per attention layer
    d_ff: int = 64  # hidden width of the feed-forward network
    num_layers: int = 2  # encoder layers = decoder layers
    norm_first: bool = True  # pre-norm trains faster without a warm-up

    @property
    def bos(self) -> int:
        return self.num_symbols


class TinyTransformer(nn.Module):
    """Embeddings + sinusoidal positions, ``num_layers`` encoder and decoder blocks, a linear read-out.

    ``forward(source, decoder_input)`` returns logits (B, L_t, num_symbols) and a
    dict of attention maps ``{"encoder": [(B, h, L_s, L_s)] * layers,
    "decoder": [(B, h, L_t, L_t)] * layers, "cross": [(B, h, L_t, L_s)] * layers}``.
    """

    def __init__(self, config: TinyConfig, seed: int = 0) -> None:
        super().__init__()
        self.config = config
        with torch.random.fork_rng(devices=[]):  # seeded init that leaves the global RNG untouched
            torch.manual_seed(seed)
            self._build(config)

    def _build(self, config: TinyConfig) -> None:
        self.embed = nn.Embedding(config.num_symbols + 1, config.d_model)  # +1 for BOS
        self.register_buffer("positions", sinusoidal_positional_encoding(config.seq_len, config.d_model))
        blocks = dict(num_heads=config.num_heads, d_ff=config.d_ff, norm_first=config.norm_first)
        self.encoder = nn.ModuleList(EncoderBlock(config.d_model, **blocks) for _ in range(config.num_layers))
        self.decoder = nn.ModuleList(DecoderBlock(config.d_model, **blocks) for _ in range(config.num_layers))
        self.final_norm = nn.LayerNorm(config.d_model) if config.norm_first else nn.Identity()
        self.readout = nn.Linear(config.d_model, config.num_symbols)

    def _embed(self, tokens: torch.Tensor, name: str) -> torch.Tensor:
        check_tensor(name, tokens, floating=False)
        if tokens.is_floating_point() or tokens.is_complex() or tokens.dtype == torch.bool:
            raise TypeError(f"{name} must hold integer token ids, got dtype {tokens.dtype}")
        if tokens.dim() != 2 or tokens.shape[1] > self.config.seq_len:
            raise ValueError(f"{name} must have shape (B, L <= {self.config.seq_len}), got {shape_str(tokens)}")
        # nn.Embedding starts at N(0, 1), as large as the positional table, so no √d_model scale
        # (Vaswani et al. §3.4 scale up embeddings initialised near 1/√d_model instead).
        return self.embed(tokens) + self.positions[: tokens.shape[1]]  # (B, L, d_model)

    def forward(self, source: torch.Tensor, decoder_input: torch.Tensor
                ) -> tuple[torch.Tensor, dict[str, list[torch.Tensor]]]:
        maps: dict[str, list[torch.Tensor]] = {"encoder": [], "decoder": [], "cross": []}
        memory = self._embed(source, "source")  # (B, L_s, d_model)
        for block in self.encoder:
            memory, weights = block(memory)
            maps["encoder"].append(weights)  # (B, h, L_s, L_s)
        memory = self.final_norm(memory)
        x = self._embed(decoder_input, "decoder_input")  # (B, L_t, d_model)
        for block in self.decoder:
            x, self_weights, cross_weights = block(x, memory)
            maps["decoder"].append(self_weights)  # (B, h, L_t, L_t)
            maps["cross"].append(cross_weights)  # (B, h, L_t, L_s)
        return self.readout(self.final_norm(x)), maps  # (B, L_t, num_symbols)


def reversal_loss(model: TinyTransformer, source: torch.Tensor, decoder_input: torch.Tensor,
                  target: torch.Tensor) -> torch.Tensor:
    """Token-level cross-entropy of the reversal task with teacher forcing."""
    logits, _ = model(source, decoder_input)  # (B, n, num_symbols)
    return F.cross_entropy(logits.flatten(0, 1), target.flatten())


def train_reversal(config: TinyConfig = TinyConfig(), *, steps: int = 120, batch_size: int = 128,
                   lr: float = 5e-3, seed: int = 0) -> tuple[TinyTransformer, list[float]]:
    """Train a :class:`TinyTransformer` on sequence reversal; return it (eval mode) and the loss per step.

    ``steps * batch_size`` fresh examples are drawn from ``seed`` and seen once each, in
    ``steps`` Adam steps of :func:`~attn_course.models.training.train` (gradient norm clipped at 1).
    """
    check_positive_int("steps", steps)
    model = TinyTransformer(config, seed=seed)
    data = reversal_batch(steps * batch_size, config, torch.Generator().manual_seed(seed))
    losses: list[float] = []
    history = train(model, reversal_loss, data, epochs=1, batch_size=batch_size, lr=lr, seed=seed,
                    step_callback=losses.append)
    assert len(history.loss) == 1 and len(losses) == steps
    return model, losses
