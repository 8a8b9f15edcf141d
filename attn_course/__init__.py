"""attn_course: the attention mechanism, from one formula to a Transformer.

Everything the chapters, exercises and grader use is exported here.
"""

from .attention import attend, attention, scaled_dot_product_scores
from .masks import causal_mask, padding_mask
from .multihead import MultiHeadAttention, merge_heads, split_heads
from .positional import sinusoidal_positional_encoding
from .scoring import AdditiveAttention, GeneralAttention, dot_product_scores
from .softmax import masked_softmax

__version__ = "0.1.0"

__all__ = [
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
