"""Seeded synthetic data for the application chapters: nothing is downloaded.

One module per domain: :mod:`.dates` (translation), :mod:`.sentiment`
(classification), :mod:`.shapes` (vision), :mod:`.audio` (speech),
:mod:`.reversal` (the tiny Transformer's task), :mod:`.spelling` (NATO-alphabet
call signs, the bottleneck's long inputs). Every
generator takes a seed or a ``torch.Generator``.
"""

from .audio import KEYWORDS, AudioConfig, frame_span, keyword_clips, spectrogram
from .dates import DATE_FORMATS, date_pairs, date_split, date_vocabs, encode_dates, format_date, random_dates
from .reversal import reversal_batch
from .sentiment import Sentence, encode_sentences, sentiment_label, sentiment_sentences, sentiment_vocab
from .shapes import SHAPES, draw_shape, shape_images
from .spelling import NATO_ALPHABET, call_signs, spell, spelling_pairs, spelling_tokens, spelling_vocabs
from .vocab import Vocab, length_batches

__all__ = [
    "DATE_FORMATS",
    "KEYWORDS",
    "NATO_ALPHABET",
    "SHAPES",
    "AudioConfig",
    "Sentence",
    "Vocab",
    "call_signs",
    "date_pairs",
    "date_split",
    "date_vocabs",
    "draw_shape",
    "encode_dates",
    "encode_sentences",
    "format_date",
    "frame_span",
    "keyword_clips",
    "length_batches",
    "random_dates",
    "reversal_batch",
    "sentiment_label",
    "sentiment_sentences",
    "sentiment_vocab",
    "shape_images",
    "spectrogram",
    "spell",
    "spelling_pairs",
    "spelling_tokens",
    "spelling_vocabs",
]
