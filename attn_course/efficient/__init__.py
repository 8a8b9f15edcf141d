"""Attention that costs less time or memory than the O(L²) matrix: the kernels of the efficiency chapter.

- :mod:`.online_softmax`: softmax in one pass with a running max and sum (Milakov & Gimelshein, 2018);
- :mod:`.flash`: tiled exact attention that never stores the L×L matrix (Dao et al., 2022);
- :mod:`.linear`: kernelised linear attention, parallel and recurrent (Katharopoulos et al., 2020);
- :mod:`.sliding_window`: each query sees a band of keys (Beltagy et al., 2020);
- :mod:`.kv_cache`: keys and values kept between decoding steps (Pope et al., 2023).
"""

from .flash import flash_attention
from .kv_cache import KVCache
from .linear import elu_feature_map, linear_attention, linear_attention_recurrent
from .online_softmax import OnlineSoftmaxStep, format_trace, online_softmax
from .sliding_window import sliding_window_attention

__all__ = [
    "KVCache",
    "OnlineSoftmaxStep",
    "elu_feature_map",
    "flash_attention",
    "format_trace",
    "linear_attention",
    "linear_attention_recurrent",
    "online_softmax",
    "sliding_window_attention",
]
