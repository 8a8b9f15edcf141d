"""Seeded synthetic data for the application chapters: nothing is downloaded.

One module per domain: :mod:`.dates` (translation), :mod:`.sentiment`
(classification), :mod:`.shapes` (vision), :mod:`.audio` (speech),
:mod:`.reversal` (the tiny Transformer's task). Every
generator takes a seed or a ``torch.Generator``.

One data set is not synthetic: :mod:`.corpus`, the text the generation chapter
trains a language model on, a fixed copy of Python's language reference that
ships with the package (``text/``, PSF licence).
"""

from .audio import KEYWORDS, AudioConfig, frame_span, keyword_clips, spectrogram
from .corpus import char_vocab, encode_text, load_corpus, random_windows, split_ids
from .dates import DATE_FORMATS, date_pairs, date_split, date_vocabs, encode_dates, format_date, random_dates
from .reversal import reversal_batch
from .sentiment import Sentence, encode_sentences, sentiment_label, sentiment_sentences, sentiment_vocab
from .shapes import SHAPES, draw_shape, shape_images
from .vocab import Vocab

__all__ = [
    "DATE_FORMATS",
    "KEYWORDS",
    "SHAPES",
    "AudioConfig",
    "Sentence",
    "Vocab",
    "char_vocab",
    "date_pairs",
    "date_split",
    "date_vocabs",
    "draw_shape",
    "encode_dates",
    "encode_sentences",
    "encode_text",
    "format_date",
    "frame_span",
    "keyword_clips",
    "load_corpus",
    "random_dates",
    "random_windows",
    "reversal_batch",
    "sentiment_label",
    "sentiment_sentences",
    "sentiment_vocab",
    "shape_images",
    "spectrogram",
    "split_ids",
]
