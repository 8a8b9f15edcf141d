"""Bad input to attention() raises a clear error naming the argument and shapes."""

import pytest
import torch
from torch import nn

from attn_course import attention

Q, K, V = torch.randn(2, 5, 8), torch.randn(2, 7, 8), torch.randn(2, 7, 3)


@pytest.mark.parametrize(
    ("args", "kwargs", "exc", "msg"),
    [
        ((Q, torch.randn(2, 7, 6), V), {}, ValueError,
         r"query has shape \(2, 5, 8\) \(d_k=8\), key has shape \(2, 7, 6\) \(d_k=6\)"),
        ((Q, K, torch.randn(2, 6, 3)), {}, ValueError,
         r"key has shape \(2, 7, 8\), value has shape \(2, 6, 3\)"),
        ((Q, K, V), {"mask": torch.ones(5, 6, dtype=torch.bool)}, ValueError,
         r"mask of shape \(5, 6\) cannot broadcast to the attention scores of shape \(2, 5, 7\)"),
        ((Q, K, V), {"mask": torch.ones(3, 5, 7, dtype=torch.bool)}, ValueError,
         r"mask of shape \(3, 5, 7\) cannot broadcast"),
        ((Q, K, V), {"mask": torch.ones(5, 7)}, TypeError, "mask must be bool or integer.*torch.float32"),
        ((Q, K, V), {"mask": [[1, 0]]}, TypeError, "mask must be a torch.Tensor of bool or int, got list"),
        ((Q.numpy(), K, V), {}, TypeError, "query must be a torch.Tensor, got ndarray"),
        ((Q, K, [1, 2]), {}, TypeError, "value must be a torch.Tensor, got list"),
        ((torch.randn(8), K, V), {}, ValueError, r"query must have at least 2 dimensions, got shape \(8\)"),
        ((Q.long(), K.long(), V.long()), {}, TypeError, "query must be a floating-point tensor, got dtype torch.int64"),
        ((Q, K.double(), V), {}, TypeError, "query, key and value must share a dtype"),
        ((torch.randn(3, 5, 8), K, V), {}, ValueError, r"batch dimensions .* query \(3, 5, 8\), key \(2, 7, 8\)"),
        ((Q, K, V), {"dropout": 0.1}, TypeError, "dropout must be callable"),
    ],
)
def test_bad_input(args, kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        attention(*args, **kwargs)


def test_mask_may_not_enlarge_the_output():
    """A mask with extra batch dims would silently broadcast the output: refused."""
    with pytest.raises(ValueError, match="cannot broadcast"):
        attention(Q[0], K[0], V[0], torch.ones(2, 5, 7, dtype=torch.bool))


def test_dropout_module_is_accepted():
    out, _ = attention(Q, K, V, dropout=nn.Dropout(0.0))
    assert out.shape == (2, 5, 3)
