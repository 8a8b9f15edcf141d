"""attn_course: the attention mechanism, from one formula to a Transformer.

Everything the chapters, exercises and grader use is exported here.
"""

from .attention import attend, attention, scaled_dot_product_scores
from .flash import flash_attention
from .kv_cache import KVCache, TinyDecoder, greedy_decode
from .linear_attention import elu_feature_map, linear_attention, linear_attention_recurrent
from .masks import causal_mask, padding_mask, sliding_window_mask
from .memory import AllocationTracker, peak_allocated_bytes
from .multihead import MultiHeadAttention, merge_heads, split_heads
from .online_softmax import OnlineSoftmaxStep, format_trace, online_softmax, online_softmax_explorer
from .positional import sinusoidal_positional_encoding
from .recall_task import RecallTask, make_recall_task, median_seconds, recall_accuracy
from .scoring import AdditiveAttention, GeneralAttention, dot_product_scores
from .sliding_window import sliding_window_attention
from .softmax import masked_softmax

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
    "GeneralAttention",
    "MultiHeadAttention",
    "attend",
    "attention",
    "causal_mask",
    "dot_product_scores",
    "masked_softmax",
    "merge_heads",
    "padding_mask",
    "scaled_dot_product_scores",
    "sinusoidal_positional_encoding",
    "split_heads",
]
