"""attn_course: the attention mechanism, from one formula to a Transformer.

Everything the chapters, exercises and grader use is exported here.
"""

from . import data, models
from .appviz import plot_accuracy_by_length, plot_patch_attention, plot_spectrogram_attention, plot_word_weights
from .attention import attend, attention, scaled_dot_product_scores
from .masks import causal_mask, padding_mask
from .models import (
    AttentionPooling,
    FrameAttentionClassifier,
    SentimentClassifier,
    Seq2Seq,
    TinyViT,
    cls_attention,
    retrain_explorer,
    train,
)
from .multihead import MultiHeadAttention, merge_heads, split_heads
from .positional import sinusoidal_positional_encoding
from .scoring import AdditiveAttention, GeneralAttention, dot_product_scores
from .softmax import masked_softmax

__version__ = "0.1.0"

__all__ = [
    "AdditiveAttention",
    "AttentionPooling",
    "FrameAttentionClassifier",
    "GeneralAttention",
    "MultiHeadAttention",
    "SentimentClassifier",
    "Seq2Seq",
    "TinyViT",
    "attend",
    "attention",
    "causal_mask",
    "cls_attention",
    "data",
    "dot_product_scores",
    "masked_softmax",
    "merge_heads",
    "models",
    "padding_mask",
    "plot_accuracy_by_length",
    "plot_patch_attention",
    "plot_spectrogram_attention",
    "plot_word_weights",
    "retrain_explorer",
    "scaled_dot_product_scores",
    "sinusoidal_positional_encoding",
    "split_heads",
    "train",
]
