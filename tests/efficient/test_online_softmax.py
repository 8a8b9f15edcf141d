"""online_softmax: equals torch.softmax for any block size; the trace follows the recurrence."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from attn_course import online_softmax
from attn_course.efficient import format_trace


@given(length=st.integers(1, 50), block=st.integers(1, 60), seed=st.integers(0, 2**16), scale=st.floats(0.1, 100.0))
def test_matches_softmax_for_any_block_size(length, block, seed, scale):
    scores = torch.randn(3, length, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * scale
    weights, steps = online_softmax(scores, block)
    torch.testing.assert_close(weights, torch.softmax(scores, -1))
    assert len(steps) == math.ceil(length / block)
    torch.testing.assert_close(steps[-1].running_max, scores.amax(-1))
    torch.testing.assert_close(steps[-1].running_sum, torch.exp(scores - scores.amax(-1, keepdim=True)).sum(-1))


def test_trace_rescales_when_a_larger_score_arrives():
    _, steps = online_softmax(torch.tensor([1.0, 3.0, 2.0]), 1)
    assert [float(s.running_max) for s in steps] == [1.0, 3.0, 3.0]
    assert float(steps[1].rescale) == pytest.approx(math.exp(1.0 - 3.0))  # the old sum shrinks
    assert float(steps[2].rescale) == 1.0  # no new max: nothing to rescale
    assert float(steps[2].running_sum) == pytest.approx(math.exp(-2) + 1 + math.exp(-1))


def test_blocked_entries_and_empty_rows():
    inf = float("inf")
    weights, _ = online_softmax(torch.tensor([[-inf, 0.0, -inf, 0.0], [-inf, -inf, -inf, -inf]]), 2)
    torch.testing.assert_close(weights, torch.tensor([[0.0, 0.5, 0.0, 0.5], [0.0, 0.0, 0.0, 0.0]]))


def test_format_trace_prints_one_line_per_step():
    _, steps = online_softmax(torch.tensor([0.5, 2.0, -1.0, 4.0, 0.0]), 2)
    lines = format_trace(steps).splitlines()
    assert len(lines) == 4 and lines[0].split()[:2] == ["step", "block"]
    assert lines[3].split()[:3] == ["3", "4:5", "0.0000"]


@pytest.mark.parametrize(
    ("args", "exc", "msg"),
    [
        (([1.0, 2.0],), TypeError, "scores must be a torch.Tensor, got list"),
        ((torch.ones(3), 0), ValueError, "block_size must be positive, got 0"),
        ((torch.ones(2, 0),), ValueError, r"at least one entry .* got shape \(2, 0\)"),
        ((torch.ones(3, dtype=torch.long),), TypeError, "scores must be a floating-point tensor"),
    ],
)
def test_bad_inputs(args, exc, msg):
    with pytest.raises(exc, match=msg):
        online_softmax(*args)


def test_format_trace_needs_a_single_row():
    _, steps = online_softmax(torch.ones(2, 3))
    with pytest.raises(ValueError, match="single row"):
        format_trace(steps)


