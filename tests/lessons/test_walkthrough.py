"""The worked example reproduces attention(); the shape trace matches the module; the explorer redraws."""

import math

import matplotlib
import pytest
import torch

from attn_course import attention
from attn_course.lessons.walkthrough import (
    STEP_NAMES,
    _replay,
    default_inputs,
    format_shape_trace,
    shape_trace,
    step_explorer,
    worked_example,
)

matplotlib.use("Agg")


def test_default_example_intermediates_reproduce_attention():
    ex = worked_example()
    q, k, v = default_inputs()
    output, weights = attention(q, k, v)
    torch.testing.assert_close(ex.weights, weights)
    torch.testing.assert_close(ex.output, output)
    torch.testing.assert_close(ex.raw_scores, q @ k.T)
    torch.testing.assert_close(ex.scores, ex.raw_scores / math.sqrt(2))
    torch.testing.assert_close(ex.exp_scores / ex.row_sums, ex.weights)
    assert ex.d_k == 2 and ex.tokens == ("the", "cat", "sat")


def test_default_example_is_checkable_by_hand():
    ex = worked_example()
    # Q Kᵀ is an integer matrix, the last query scores every key equally.
    assert torch.equal(ex.raw_scores, torch.tensor([[2.0, 0.0, 1.0], [0.0, 2.0, 1.0], [2.0, 2.0, 2.0]]))
    e = math.exp
    first = torch.tensor([e(2 / math.sqrt(2)), 1.0, e(1 / math.sqrt(2))])
    torch.testing.assert_close(ex.weights[0], (first / first.sum()).float())
    # V rows are (1,0), (0,1), (1,1): output row i = (w_i0 + w_i2, w_i1 + w_i2).
    w = ex.weights
    torch.testing.assert_close(ex.output, torch.stack([w[:, 0] + w[:, 2], w[:, 1] + w[:, 2]], dim=-1))
    torch.testing.assert_close(ex.weights.sum(-1), torch.ones(3))


def test_custom_example_matches_attention(make_qkv):
    q, k, v = make_qkv(lq=4, lk=6, dk=5, dv=2, seed=3)
    ex = worked_example(q, k, v)
    output, weights = attention(q, k, v)
    torch.testing.assert_close(ex.output, output)
    torch.testing.assert_close(ex.weights, weights)
    assert ex.tokens == tuple("012345")


@pytest.mark.parametrize(
    ("kwargs", "exc", "msg"),
    [
        ({"query": torch.ones(3, 2)}, ValueError, "give query, key and value together"),
        ({"query": torch.ones(1, 3, 2), "key": torch.ones(1, 3, 2), "value": torch.ones(1, 3, 2)}, ValueError,
         r"query must be 2-D \(L, d\) for the worked example, got shape \(1, 3, 2\)"),
        ({"query": torch.ones(3, 2), "key": torch.ones(3, 4), "value": torch.ones(3, 2)}, ValueError,
         "same last dimension d_k"),
        ({"tokens": ("a", "b")}, ValueError, r"tokens must have one label per key \(L_k=3\), got 2"),
    ],
)
def test_worked_example_bad_inputs(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        worked_example(**kwargs)


def test_shape_trace_shapes_and_replay_equals_module():
    steps = shape_trace(batch=2, length=5, d_model=8, num_heads=2)
    shapes = {s.step: s.shape for s in steps}
    assert shapes["input"] == (2, 5, 8)
    assert shapes["split heads"] == (2, 2, 5, 4)
    assert shapes["transpose K"] == (2, 2, 4, 5)
    assert shapes["1. scores"] == (2, 2, 5, 5)
    assert shapes["2. softmax"] == (2, 2, 5, 5)
    assert shapes["3. weighted sum"] == (2, 2, 5, 4)
    assert shapes["merge heads"] == (2, 5, 8)
    assert shapes["output projection"] == (2, 5, 8)
    _, tensors = _replay(2, 5, 8, 2, seed=0)
    torch.testing.assert_close(tensors["output"], tensors["module_output"])


def test_shape_trace_other_sizes_and_determinism():
    steps = shape_trace(batch=3, length=7, d_model=12, num_heads=3, seed=5)
    assert dict((s.step, s.shape) for s in steps)["1. scores"] == (3, 3, 7, 7)
    assert steps == shape_trace(batch=3, length=7, d_model=12, num_heads=3, seed=5)
    a = _replay(1, 3, 4, 2, seed=1)[1]["output"]
    b = _replay(1, 3, 4, 2, seed=1)[1]["output"]
    assert torch.equal(a, b)
    assert not torch.equal(a, _replay(1, 3, 4, 2, seed=2)[1]["output"])


def test_shape_trace_does_not_touch_global_rng():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    shape_trace()
    assert torch.equal(torch.rand(3), expected)


def test_format_shape_trace():
    text = format_shape_trace(shape_trace())
    lines = text.splitlines()
    assert lines[0].split() == ["step", "expression", "symbolic", "observed"]
    assert len(lines) == 1 + len(shape_trace())
    assert "(B, h, L, L)" in text and "(2, 2, 5, 5)" in text
    with pytest.raises(TypeError, match="steps must be a non-empty list of TraceStep"):
        format_shape_trace([])


@pytest.mark.parametrize(
    ("kwargs", "exc", "msg"),
    [
        ({"d_model": 10, "num_heads": 3}, ValueError, "d_model=10 must be divisible by num_heads=3"),
        ({"batch": 0}, ValueError, "batch must be positive"),
        ({"length": 2.5}, TypeError, "length must be an int"),
    ],
)
def test_shape_trace_bad_inputs(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        shape_trace(**kwargs)


def test_step_explorer_redraws_when_sliders_move(move_slider):
    explorer = step_explorer()
    tokens = list(worked_example().tokens)
    # The query control names the token the figure outlines, not its row index; the step plays.
    assert explorer.kinds == {"step": "slider", "query": "buttons"} and explorer.play == "step"
    assert [explorer.display_value("query", row) for row in range(len(tokens))] == tokens
    assert f"query '{tokens[2]}'" in explorer.alt_text({"query": 2})
    box = explorer.widget()
    for name, value in (("step", STEP_NAMES[2]), ("query", 2)):
        before, after = move_slider(box, name, value)
        assert after != before, name
    assert len(explorer.frames()) == 9


def test_step_explorer_bad_input():
    with pytest.raises(TypeError, match="example must be a WorkedExample, got dict"):
        step_explorer({})
