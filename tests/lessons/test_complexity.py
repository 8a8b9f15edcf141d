"""Table 1 measurements: counted multiply-adds, graph depth and path lengths follow the theory."""

import math

import pytest
import torch

from attn_course.lessons.complexity import PAPER_TABLE1, count_macs, graph_depth, path_length, sequential_operations
from attn_course.lessons.layer_types import KINDS as TABLE1_KINDS
from attn_course.lessons.layer_types import make_layer
from attn_course.lessons.measure import fit_exponent


@pytest.mark.parametrize(
    ("kind", "formula"),
    [
        ("self-attention", lambda n, d, w: 2 * n * n * d),  # Q Kᵀ and weights · V
        ("recurrent", lambda n, d, w: 2 * n * d * d),  # W x_t and U h_{t-1} at each step
        ("convolutional", lambda n, d, w: n * w * d * d),
        ("dilated convolutional", lambda n, d, w: n * w * d * d),
        ("restricted self-attention", lambda n, d, w: 2 * n * w * d),
    ],
)
@pytest.mark.parametrize(("n", "d", "width"), [(8, 4, 3), (16, 8, 5), (32, 4, 3)])
def test_counted_macs_equal_the_closed_form(kind, formula, n, d, width):
    assert count_macs(make_layer(kind, d, width=width), n, d) == formula(n, d, width)


@pytest.mark.parametrize(
    ("kind", "exp_n", "exp_d"),
    [("self-attention", 2, 1), ("recurrent", 1, 2), ("convolutional", 1, 2), ("restricted self-attention", 1, 1)],
)
def test_fitted_exponents_match_table_1(kind, exp_n, exp_d):
    ns, ds = [16, 32, 64], [4, 8, 16]
    macs_n = [count_macs(make_layer(kind, 8), n, 8) for n in ns]
    macs_d = [count_macs(make_layer(kind, d), 32, d) for d in ds]
    assert fit_exponent(ns, macs_n) == pytest.approx(exp_n, abs=1e-6)
    assert fit_exponent(ds, macs_d) == pytest.approx(exp_d, abs=1e-6)


@pytest.mark.parametrize("kind", TABLE1_KINDS)
def test_sequential_operations_are_constant_except_for_the_recurrence(kind):
    depths = [sequential_operations(kind, n) for n in (4, 8, 16, 32)]
    if kind == "recurrent":
        steps = [b - a for a, b in zip(depths, depths[1:], strict=False)]
        assert steps[1] == 2 * steps[0] and steps[2] == 2 * steps[1], depths  # depth = c·n + const
    else:
        assert len(set(depths)) == 1, depths


def test_graph_depth_counts_a_chain_and_rejects_leaves():
    x = torch.ones(2, requires_grad=True)
    y = x
    for _ in range(5):
        y = torch.sin(y)
    assert graph_depth(y) - graph_depth(torch.sin(x)) == 4
    with pytest.raises(ValueError, match="no autograd graph"):
        graph_depth(torch.ones(2))


@pytest.mark.parametrize("n", [2, 5, 9, 17, 33])
@pytest.mark.parametrize("width", [2, 3, 5])
def test_path_lengths_follow_the_receptive_field(n, width):
    assert path_length("self-attention", n) == 1
    assert path_length("recurrent", n) == n
    assert path_length("convolutional", n, width=width) == math.ceil((n - 1) / (width - 1))
    assert path_length("restricted self-attention", n, width=width) == math.ceil((n - 1) / (width - 1))
    # dilations 1, k, k², ...: after L layers the receptive field spans k**L positions
    assert path_length("dilated convolutional", n, width=width) == math.ceil(math.log(n, width) - 1e-9)


def test_path_length_refuses_when_the_stack_is_too_shallow():
    with pytest.raises(ValueError, match="within max_layers=3"):
        path_length("convolutional", 20, width=3, max_layers=3)
    with pytest.raises(ValueError, match="kind must be one of"):
        path_length("transformer", 8)


def test_restricted_attention_equals_banded_full_attention():
    """The windowed implementation computes exactly full attention under a band mask."""
    from attn_course import attention

    x = torch.randn(2, 10, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    got = make_layer("restricted self-attention", 4, width=3)(x)
    i = torch.arange(10)
    band = (i[None, :] <= i[:, None]) & (i[None, :] > i[:, None] - 3)  # keys i-2..i
    expected, _ = attention(x, x, x, mask=band)
    torch.testing.assert_close(got, expected)
    full = make_layer("self-attention", 4)(x)
    torch.testing.assert_close(full, attention(x, x, x)[0])


def test_paper_table_has_every_row_and_make_layer_validates():
    assert set(PAPER_TABLE1) <= set(TABLE1_KINDS)
    with pytest.raises(ValueError, match="kind must be one of"):
        make_layer("lstm", 4)
    with pytest.raises(ValueError, match="width must be positive"):
        make_layer("convolutional", 4, width=0)
