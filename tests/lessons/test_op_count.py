"""count_work: multiply-adds agree with torch's FlopCounterMode, views are free, the largest tensor is found."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from attn_course import AdditiveAttention, GeneralAttention, dot_product_scores, scaled_dot_product_scores
from attn_course.lessons.op_count import Work, count_work


def torch_multiply_adds(fn, *inputs):
    """The reference: torch counts a multiply-add of a matrix product as 2 FLOPs."""
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        fn(*inputs)
    return counter.get_total_flops() // 2


def test_hand_count_of_additive_scores():
    # L_q = 3, L_k = 5, d = 2, h = 4: W_q q is 3·2·4 = 24, W_k k is 5·2·4 = 40, vᵀ(·) is 3·5·4 = 60
    att = AdditiveAttention(2, 2, 4)
    work = count_work(att.score, torch.randn(3, 2), torch.randn(5, 2), parameters=20)
    assert work == Work(multiply_adds=124, elementwise={"add": 60, "tanh": 60}, largest_tensor=60, parameters=20)
    assert work.elementwise_total == 120


SCORERS = {
    "dot": lambda d_q, d_k: dot_product_scores,
    "scaled dot": lambda d_q, d_k: scaled_dot_product_scores,
    "general": lambda d_q, d_k: GeneralAttention(d_q, d_k).score,
    "additive": lambda d_q, d_k: AdditiveAttention(d_q, d_k, 3).score,
}


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(sorted(SCORERS)), l_q=st.integers(1, 6), l_k=st.integers(1, 6),
       d_q=st.integers(1, 5), d_k=st.integers(1, 5), batch=st.integers(0, 2))
def test_multiply_adds_agree_with_flop_counter(name, l_q, l_k, d_q, d_k, batch):
    if name in ("dot", "scaled dot"):
        d_k = d_q
    lead = (2,) * batch  # batched inputs go through bmm / batched linear
    fn = SCORERS[name](d_q, d_k)
    q, k = torch.randn(*lead, l_q, d_q), torch.randn(*lead, l_k, d_k)
    work = count_work(fn, q, k)
    assert work.multiply_adds == torch_multiply_adds(fn, q, k)
    assert work.largest_tensor >= l_q * l_k * 2**batch  # at least the score matrix


def test_linear_with_bias_counts_the_bias_as_additions():
    layer = nn.Linear(4, 3)
    x = torch.randn(5, 4)
    work = count_work(layer, x)
    assert work.multiply_adds == torch_multiply_adds(layer, x) == 5 * 4 * 3
    assert work.elementwise == {"add": 15}


def test_views_are_free_and_in_place_functions_are_not():
    def views(x):
        return x.reshape(-1).unsqueeze(0).squeeze(0).view(4, 3).transpose(0, 1).mT.T

    assert count_work(views, torch.randn(3, 4)) == Work(0, {}, 0, 0)
    # reshaping a transposed (non-contiguous) tensor copies it: 12 numbers written
    assert count_work(lambda x: x.T.reshape(-1), torch.randn(3, 4)) == Work(0, {"reshape": 12}, 12, 0)

    def in_place(x):
        y = x.clone()  # a copy computes 12 numbers
        y.mul_(2.0)  # and so does an in-place product
        y += 1.0  # (torch calls add_)
        return y

    assert count_work(in_place, torch.randn(3, 4)).elementwise == {"add": 12, "clone": 12, "mul": 12}


def test_operators_without_a_size_rule_are_refused():
    with pytest.raises(NotImplementedError, match="count_work cannot count einsum"):
        count_work(lambda a, b: torch.einsum("ij,kj->ik", a, b), torch.randn(2, 3), torch.randn(4, 3))


def test_bad_inputs():
    with pytest.raises(TypeError, match="fn must be callable, got int"):
        count_work(3, torch.randn(2))
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a torch.Tensor, got list"):
        count_work(dot_product_scores, torch.randn(2, 2), [[1.0, 2.0]])
