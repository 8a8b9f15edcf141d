"""Synthetic audio for keyword spotting: a short "keyword" hidden in noise and distractors.

Each clip is ``duration`` seconds of noise with one or two steady
distractor tones. Clips of the keyword classes also hold one short keyword
somewhere in time:

* ``"rise"``: a chirp sweeping up;
* ``"fall"``: a chirp sweeping down;
* ``"beeps"``: two short beeps at different pitches.

Class ``"none"`` has no keyword. The clips become log-magnitude spectrogram
frames with ``torch.stft``, the usual front end of attention-based speech
models (Chorowski et al., 2015; Chan et al., 2016). A classifier that
attends over frames should put its weight on the keyword's frames.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .._random import as_generator, randint, uniform
from .._validation import check_nonnegative_int

KEYWORDS = ("none", "rise", "fall", "beeps")


@dataclass(frozen=True)
class AudioConfig:
    sample_rate: int = 4000  # Hz
    duration: float = 0.8  # seconds per clip
    keyword_duration: float = 0.15  # seconds
    n_fft: int = 128  # STFT window length (samples) -> n_fft // 2 + 1 frequency bins
    hop_length: int = 64  # samples between frames
    noise: float = 0.3  # standard deviation of the white noise

    @property
    def n_samples(self) -> int:
        return int(self.sample_rate * self.duration)

    @property
    def n_frames(self) -> int:
        return self.n_samples // self.hop_length + 1

    @property
    def n_bins(self) -> int:
        return self.n_fft // 2 + 1


def _chirp(t: torch.Tensor, f0: float, f1: float) -> torch.Tensor:
    """A linear chirp from f0 to f1 Hz over the time points t (seconds from its start)."""
    span = float(t[-1]) if len(t) > 1 else 1.0
    phase = 2 * math.pi * (f0 * t + 0.5 * (f1 - f0) / span * t**2)
    return torch.sin(phase)


def keyword_clips(
    n: int, seed: int | torch.Generator, config: AudioConfig | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``n`` waveforms with labels and keyword positions.

    Returns:
        waves: (n, n_samples) float32; labels: (n,) long, index into :data:`KEYWORDS`;
        spans: (n, 2) long, the keyword's first and last sample (-1, -1 for ``"none"``).
    """
    check_nonnegative_int("n", n)
    cfg = config or AudioConfig()
    generator = as_generator(seed)
    rate, length = cfg.sample_rate, cfg.n_samples
    t = torch.arange(length, dtype=torch.float32) / rate  # (n_samples,)
    k_len = int(cfg.keyword_duration * rate)
    t_k = torch.arange(k_len, dtype=torch.float32) / rate  # (k_len,)
    envelope = torch.hann_window(k_len, periodic=False)  # smooth on/off
    waves = torch.empty(n, length)
    labels = torch.empty(n, dtype=torch.long)
    spans = torch.full((n, 2), -1, dtype=torch.long)
    nyquist = rate / 2
    for i in range(n):
        wave = cfg.noise * torch.randn(length, generator=generator)
        for _ in range(randint(generator, 1, 3)):  # steady distractor tones
            freq = uniform(generator, 0.1 * nyquist, 0.9 * nyquist)
            wave += uniform(generator, 0.3, 0.8) * torch.sin(2 * math.pi * freq * t + uniform(generator, 0, 6.28))
        label = randint(generator, 0, len(KEYWORDS))
        if label:
            low, high = sorted((uniform(generator, 0.15, 0.45), uniform(generator, 0.55, 0.85)))
            f_low, f_high = low * nyquist, high * nyquist
            if KEYWORDS[label] == "rise":
                keyword = _chirp(t_k, f_low, f_high)
            elif KEYWORDS[label] == "fall":
                keyword = _chirp(t_k, f_high, f_low)
            else:  # two beeps: low then high, with a gap
                half = k_len // 2
                keyword = torch.zeros(k_len)
                keyword[: half - 40] = torch.sin(2 * math.pi * f_low * t_k[: half - 40])
                keyword[half:] = torch.sin(2 * math.pi * f_high * t_k[half:])
            start = randint(generator, 0, length - k_len)
            wave[start : start + k_len] += 2.0 * envelope * keyword
            spans[i] = torch.tensor([start, start + k_len - 1])
        waves[i], labels[i] = wave, label
    return waves, labels, spans


def spectrogram(waves: torch.Tensor, config: AudioConfig | None = None) -> torch.Tensor:
    """Log-magnitude spectrogram frames: waves (N, n_samples) -> (N, n_frames, n_bins).

    One row per time frame, so a model can attend over time.
    """
    if not isinstance(waves, torch.Tensor) or waves.dim() != 2:
        raise ValueError(f"waves must be a 2-D tensor (N, n_samples), got {getattr(waves, 'shape', type(waves))}")
    cfg = config or AudioConfig()
    window = torch.hann_window(cfg.n_fft)
    spec = torch.stft(waves, cfg.n_fft, hop_length=cfg.hop_length, window=window, return_complex=True)
    return torch.log1p(spec.abs()).transpose(1, 2).contiguous()  # (N, n_frames, n_bins)


def frame_span(spans: torch.Tensor, config: AudioConfig | None = None) -> torch.Tensor:
    """Sample spans (N, 2) -> frame spans (N, 2): the frames whose centre lies inside the keyword."""
    cfg = config or AudioConfig()
    first = torch.div(spans[:, 0] + cfg.hop_length - 1, cfg.hop_length, rounding_mode="floor")
    last = torch.div(spans[:, 1], cfg.hop_length, rounding_mode="floor")
    return torch.where(spans >= 0, torch.stack([first, last], dim=1), spans)
