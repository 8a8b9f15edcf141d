"""Small, readable models for the application chapters, one module per model.

* :mod:`.seq2seq`: GRU encoder-decoder with or without additive attention (Bahdanau et al., 2015)
* :mod:`.sentiment`: attention-pooling sentence classifier
* :mod:`.vit`: a tiny Vision Transformer (Dosovitskiy et al., 2021)
* :mod:`.audio`: frame-attention keyword spotter
* :mod:`.tiny_transformer`: an encoder-decoder Transformer trained to reverse sequences (Vaswani et al., 2017)
* :mod:`.decoder`: a GPT-style causal decoder that decodes with a KV cache
* :mod:`.training`: the one seeded training loop every model uses
* :mod:`.decoding`: the one greedy decoder, for decoder-only and encoder-decoder models
"""

from .audio import FrameAttentionClassifier
from .decoder import TinyDecoder
from .decoding import greedy_decode
from .pooling import AttentionPooling
from .sentiment import SentimentClassifier
from .seq2seq import Seq2Seq, accuracy_by_length, translate
from .tiny_transformer import TinyConfig, TinyTransformer, reversal_loss, train_reversal
from .training import (
    History,
    accuracy,
    classifier_loss,
    count_parameters,
    seq2seq_loss,
    train,
)
from .vit import TinyViT, cls_attention

__all__ = [
    "AttentionPooling",
    "FrameAttentionClassifier",
    "History",
    "SentimentClassifier",
    "Seq2Seq",
    "TinyConfig",
    "TinyDecoder",
    "TinyTransformer",
    "TinyViT",
    "accuracy",
    "accuracy_by_length",
    "classifier_loss",
    "cls_attention",
    "count_parameters",
    "seq2seq_loss",
    "greedy_decode",
    "reversal_loss",
    "train",
    "train_reversal",
    "translate",
]
