"""A deliberately flawed attention: the pattern the "code" chapter takes apart.

**Do not use this module for anything but teaching.** :func:`naive_attention`
is the common textbook/blog implementation of scaled dot-product attention
(Vaswani et al., 2017, eq. 1), rewritten here in our own words with its flaws
kept on purpose, so the chapter can show each one failing next to
:func:`attn_course.attention`, which fixes them:

1. The source article's version calls ``math.sqrt`` but never imports
   ``math``. This module does import it (so the function can run), and
   :func:`naive_attention_without_math` rebuilds the function in a namespace
   without ``math`` to reproduce the article's ``NameError``.
2. Blocked scores are filled with the finite value ``-1e9``, which does not
   fit in float16 (largest finite value 65504): on half-precision scores the
   fill raises ``RuntimeError: value cannot be converted to type c10::Half
   without overflow``.
3. A query whose keys are *all* blocked gets ``-1e9`` everywhere, and the
   softmax of a constant row is uniform: the query silently averages the
   padding. :func:`attn_course.attention` returns zero weights instead.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable

import torch
import torch.nn.functional as F  # noqa: N812

from .._validation import check_qkv

#: The finite "minus infinity" of the flawed version.
NAIVE_FILL = -1e9


def naive_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None = None,
    dropout: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """FLAWED on purpose (see the module docstring): attention with a ``-1e9`` mask fill.

    Args:
        query: (..., L_q, d_k); key: (..., L_k, d_k); value: (..., L_k, d_v).
        mask: broadcastable to (..., L_q, L_k); 0 = blocked (the article's convention).
        dropout: optional callable applied to the weights.

    Returns:
        output (..., L_q, d_v) and weights (..., L_q, L_k). Agrees with
        :func:`attn_course.attention` in float32 when every query has at least
        one allowed key; gives uniform weights on a fully blocked row; raises
        ``RuntimeError`` on float16 inputs with a mask.
    """
    check_qkv(query, key, value)
    d_k = query.shape[-1]
    logits = torch.matmul(query, key.transpose(-2, -1)) / math.sqrt(d_k)  # (..., L_q, L_k)
    if mask is not None:
        logits = logits.masked_fill(mask == 0, NAIVE_FILL)  # flaw 2 and 3: a finite fill
    probabilities = F.softmax(logits, dim=-1)  # (..., L_q, L_k)
    if dropout is not None:
        probabilities = dropout(probabilities)
    return torch.matmul(probabilities, value), probabilities  # (..., L_q, d_v), (..., L_q, L_k)


def naive_attention_without_math() -> Callable[..., tuple[torch.Tensor, torch.Tensor]]:
    """Rebuild :func:`naive_attention` where ``math`` was never imported (the article's flaw 1).

    The returned function raises ``NameError: name 'math' is not defined`` as
    soon as it is called, exactly as the article's code does.
    """
    namespace = {"torch": torch, "F": F, "check_qkv": check_qkv, "NAIVE_FILL": NAIVE_FILL}  # no "math"
    source = "from __future__ import annotations\n" + inspect.getsource(naive_attention)
    exec(compile(source, "<article-style attention, no `import math`>", "exec"), namespace)  # noqa: S102
    return namespace["naive_attention"]
