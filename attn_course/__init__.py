"""attn_course: the attention mechanism, from one formula to a Transformer.

The front door holds the library only: attention, masks, softmax, scoring
functions, multi-head attention, positional encoding, Transformer blocks and
the efficient kernels. It imports neither matplotlib nor the chapters' code.

The rest lives in subpackages, each imported on its own:

- :mod:`attn_course.efficient`: online softmax, flash, linear and sliding-window attention, KV cache;
- :mod:`attn_course.models`: every trainable model, with one ``train()`` and one ``generate()``;
- :mod:`attn_course.data`: seeded synthetic data sets (nothing is downloaded);
- :mod:`attn_course.lessons`: the chapters' demonstrations, one module per concept;
- :mod:`attn_course.plots`: plots and explorers (imports matplotlib);
- :mod:`attn_course.grading`: the exercise sets and the autograder.
"""

from .attention import attend, attention, scaled_dot_product_scores
from .efficient import (
    KVCache,
    elu_feature_map,
    flash_attention,
    linear_attention,
    linear_attention_recurrent,
    online_softmax,
    sliding_window_attention,
)
from .masks import causal_mask, padding_mask, sliding_window_mask
from .multihead import MultiHeadAttention, merge_heads, split_heads
from .positional import sinusoidal_positional_encoding
from .scoring import AdditiveAttention, GeneralAttention, dot_product_scores
from .softmax import masked_softmax
from .transformer import DecoderBlock, EncoderBlock, FeedForward

__version__ = "0.1.0"

__all__ = [
    # attention itself: softmax(QKᵀ/√d_k)V
    "attention",
    "attend",
    "scaled_dot_product_scores",
    "masked_softmax",
    # masks (True = may attend)
    "causal_mask",
    "padding_mask",
    "sliding_window_mask",
    # scoring functions
    "dot_product_scores",
    "AdditiveAttention",
    "GeneralAttention",
    # multi-head attention and positions
    "MultiHeadAttention",
    "split_heads",
    "merge_heads",
    "sinusoidal_positional_encoding",
    # Transformer blocks
    "EncoderBlock",
    "DecoderBlock",
    "FeedForward",
    # efficient kernels (attn_course.efficient)
    "flash_attention",
    "online_softmax",
    "linear_attention",
    "linear_attention_recurrent",
    "elu_feature_map",
    "sliding_window_attention",
    "KVCache",
]
