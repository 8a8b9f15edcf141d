"""Seeded synthetic data for the application chapters: nothing is downloaded.

One module per domain: :mod:`.dates` (translation), :mod:`.sentiment`
(classification), :mod:`.shapes` (vision), :mod:`.audio` (speech),
:mod:`.reversal` (the tiny Transformer's task), :mod:`.spelling` (NATO-alphabet
call signs, the bottleneck's long inputs). Every
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
    "length_batches",
    "load_corpus",
    "random_dates",
    "random_windows",
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
    "split_ids",
]
