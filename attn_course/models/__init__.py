"""Small, readable models for the application chapters, one module per model.

* :mod:`.seq2seq`: GRU encoder-decoder with or without additive attention (Bahdanau et al., 2015)
* :mod:`.sentiment`: attention-pooling sentence classifier
* :mod:`.vit`: a tiny Vision Transformer (Dosovitskiy et al., 2021)
* :mod:`.audio`: frame-attention keyword spotter
* :mod:`.tiny_transformer`: an encoder-decoder Transformer trained to reverse sequences (Vaswani et al., 2017)
* :mod:`.gpt`: :class:`CharGPT`, the one decoder-only Transformer (a character-level GPT, with a KV cache)
* :mod:`.training`: the one seeded training loop every model uses
* :mod:`.generation`: the one ``generate()``: greedy, temperature, top-k and top-p, for every model that writes tokens
"""

from .audio import FrameAttentionClassifier
from .generation import generate, next_token_probs
from .gpt import CharGPT
from .pooling import AttentionPooling
from .sentiment import SentimentClassifier
from .seq2seq import Seq2Seq, accuracy_by_length, translate
from .tiny_transformer import TinyConfig, TinyTransformer, reversal_loss, train_reversal
from .training import (
    History,
    accuracy,
    classifier_loss,
    count_parameters,
    lm_loss,
    seq2seq_loss,
    train,
)
from .vit import TinyViT, cls_attention

__all__ = [
    "AttentionPooling",
    "CharGPT",
    "FrameAttentionClassifier",
    "History",
    "SentimentClassifier",
    "Seq2Seq",
    "TinyConfig",
    "TinyTransformer",
    "TinyViT",
    "accuracy",
    "accuracy_by_length",
    "classifier_loss",
    "cls_attention",
    "count_parameters",
    "lm_loss",
    "next_token_probs",
    "seq2seq_loss",
    "generate",
    "reversal_loss",
    "train",
    "train_reversal",
    "translate",
]
