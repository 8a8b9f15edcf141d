"""attn_course: the attention mechanism, from one formula to a Transformer.

Everything the chapters, exercises and grader use is exported here.
"""

from .attention import attend, attention, scaled_dot_product_scores
from .masks import causal_mask, padding_mask
from .multihead import MultiHeadAttention, merge_heads, split_heads
from .naive import naive_attention, naive_attention_without_math
from .positional import sinusoidal_positional_encoding
from .scaling import dot_product_variance, softmax_jacobian, softmax_saturation, temperature_explorer
from .scoring import AdditiveAttention, GeneralAttention, dot_product_scores
from .softmax import masked_softmax
from .walkthrough import WorkedExample, format_shape_trace, shape_trace, step_explorer, worked_example

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
]
