"""Small, readable models for the application chapters, one module per model.

* :mod:`.seq2seq`: GRU encoder-decoder with or without additive attention (Bahdanau et al., 2015)
* :mod:`.sentiment`: attention-pooling sentence classifier
* :mod:`.vit`: a tiny Vision Transformer (Dosovitskiy et al., 2021)
* :mod:`.audio`: frame-attention keyword spotter
* :mod:`.training`: a seeded training loop and a retraining explorer
"""

from .audio import FrameAttentionClassifier
from .pooling import AttentionPooling
from .sentiment import SentimentClassifier
from .seq2seq import Seq2Seq, accuracy_by_length, translate
from .training import (
    History,
    accuracy,
    classifier_loss,
    count_parameters,
    retrain_explorer,
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
    "TinyViT",
    "accuracy",
    "accuracy_by_length",
    "classifier_loss",
    "cls_attention",
    "count_parameters",
    "retrain_explorer",
    "seq2seq_loss",
    "train",
    "translate",
]
