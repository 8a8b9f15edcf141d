"""attn_course: the attention mechanism, from one formula to a Transformer.

Everything the chapters, exercises and grader use is exported here.
"""

from .attention import attend, attention, scaled_dot_product_scores
from .complexity import PAPER_TABLE1, count_macs, graph_depth, measure_table1, path_length, sequential_operations
from .layer_types import KINDS as TABLE1_KINDS
from .layer_types import make_layer
from .masks import causal_mask, padding_mask
from .multihead import MultiHeadAttention, merge_heads, split_heads
from .positional import sinusoidal_positional_encoding
from .scoring import AdditiveAttention, GeneralAttention, dot_product_scores
from .softmax import masked_softmax
from .tiny_transformer import TinyConfig, TinyTransformer, attention_map_explorer, reversal_batch, train_reversal
from .transformer import DecoderBlock, EncoderBlock, FeedForward

__version__ = "0.1.0"

__all__ = [
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
    "attend",
    "attention",
    "attention_map_explorer",
    "causal_mask",
    "count_macs",
    "dot_product_scores",
    "graph_depth",
    "make_layer",
    "masked_softmax",
    "measure_table1",
    "merge_heads",
    "padding_mask",
    "path_length",
    "reversal_batch",
    "scaled_dot_product_scores",
    "sequential_operations",
    "sinusoidal_positional_encoding",
    "split_heads",
    "train_reversal",
]
