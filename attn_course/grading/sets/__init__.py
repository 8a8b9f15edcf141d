"""The exercise sets, one module each: hidden tests and part definitions."""

from .s01_scores_softmax import SET as SET_01
from .s02_attention_masks import SET as SET_02
from .s03_causal_padding import SET as SET_03
from .s04_heads import SET as SET_04
from .s05_additive import SET as SET_05
from .s06_positional import SET as SET_06
from .s07_online_softmax import SET as SET_07
from .s08_multihead import SET as SET_08
from .s09_encoder_block import SET as SET_09
from .s10_kv_cache import SET as SET_10
from .s11_sampling import SET as SET_11

SETS = (SET_01, SET_02, SET_03, SET_04, SET_05, SET_06, SET_07, SET_08, SET_09, SET_10, SET_11)
