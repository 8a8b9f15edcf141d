"""attn_course: the attention mechanism, from one formula to a Transformer.

Everything the chapters, exercises and grader use is exported here.
"""

from . import data, models
from .appviz import plot_accuracy_by_length, plot_patch_attention, plot_spectrogram_attention, plot_word_weights
from .attention import attend, attention, scaled_dot_product_scores
from .complexity import PAPER_TABLE1, count_macs, graph_depth, measure_table1, path_length, sequential_operations
from .flash import flash_attention
from .kernel_regression import (
    gaussian_kernel_as_dot_product,
    gaussian_kernel_scores,
    hard_lookup,
    make_regression_toy,
    nadaraya_watson,
    query_explorer,
    soft_lookup,
)
from .kv_cache import KVCache, TinyDecoder, greedy_decode
from .layer_types import KINDS as TABLE1_KINDS
from .layer_types import make_layer
from .linear_attention import elu_feature_map, linear_attention, linear_attention_recurrent
from .masks import causal_mask, padding_mask, sliding_window_mask
from .memory import AllocationTracker, peak_allocated_bytes
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
from .naive import naive_attention, naive_attention_without_math
from .online_softmax import OnlineSoftmaxStep, format_trace, online_softmax, online_softmax_explorer
from .positional import sinusoidal_positional_encoding
from .recall_task import RecallTask, make_recall_task, median_seconds, recall_accuracy
from .rnn_limits import attention_gradient_by_distance, rnn_gradient_by_distance, time_rnn_vs_attention
from .scaling import dot_product_variance, softmax_jacobian, softmax_saturation, temperature_explorer
from .scene import attention_heatmap, make_scene, plot_scene_attention, scene_explorer
from .scoring import AdditiveAttention, GeneralAttention, dot_product_scores
from .sliding_window import sliding_window_attention
from .softmax import masked_softmax
from .tiny_transformer import TinyConfig, TinyTransformer, attention_map_explorer, reversal_batch, train_reversal
from .transformer import DecoderBlock, EncoderBlock, FeedForward
from .walkthrough import WorkedExample, format_shape_trace, shape_trace, step_explorer, worked_example

__version__ = "0.1.0"

__all__ = [
    "flash_attention",
    "KVCache",
    "TinyDecoder",
    "greedy_decode",
    "elu_feature_map",
    "linear_attention",
    "linear_attention_recurrent",
    "sliding_window_mask",
    "AllocationTracker",
    "peak_allocated_bytes",
    "OnlineSoftmaxStep",
    "format_trace",
    "online_softmax",
    "online_softmax_explorer",
    "RecallTask",
    "make_recall_task",
    "median_seconds",
    "recall_accuracy",
    "sliding_window_attention",
    "AdditiveAttention",
    "DecoderBlock",
    "EncoderBlock",
    "FeedForward",
    "GeneralAttention",
    "MultiHeadAttention",
    "PAPER_TABLE1",
    "TABLE1_KINDS",
    "TinyConfig",
    "TinyTransformer",
    "AttentionPooling",
    "FrameAttentionClassifier",
    "GeneralAttention",
    "MultiHeadAttention",
    "SentimentClassifier",
    "Seq2Seq",
    "TinyViT",
    "attend",
    "attention",
    "attention_map_explorer",
    "causal_mask",
    "count_macs",
    "cls_attention",
    "data",
    "dot_product_scores",
    "graph_depth",
    "make_layer",
    "masked_softmax",
    "measure_table1",
    "merge_heads",
    "models",
    "padding_mask",
    "path_length",
    "reversal_batch",
    "plot_accuracy_by_length",
    "plot_patch_attention",
    "plot_spectrogram_attention",
    "plot_word_weights",
    "retrain_explorer",
    "scaled_dot_product_scores",
    "sequential_operations",
    "sinusoidal_positional_encoding",
    "split_heads",
    "train",
    # part1b: chapters 3-5 (walkthrough, scaling, naive)
    "WorkedExample",
    "dot_product_variance",
    "format_shape_trace",
    "naive_attention",
    "naive_attention_without_math",
    "shape_trace",
    "softmax_jacobian",
    "softmax_saturation",
    "step_explorer",
    "temperature_explorer",
    "worked_example",
    # part1a: chapters 1-2 (rnn_limits, scene, kernel_regression)
    "attention_gradient_by_distance",
    "attention_heatmap",
    "gaussian_kernel_as_dot_product",
    "gaussian_kernel_scores",
    "hard_lookup",
    "make_regression_toy",
    "make_scene",
    "nadaraya_watson",
    "plot_scene_attention",
    "query_explorer",
    "rnn_gradient_by_distance",
    "scene_explorer",
    "soft_lookup",
    "time_rnn_vs_attention",
    "train_reversal",
]
