"""online_softmax_steps: the step-by-step explorer of the online softmax redraws as its sliders move."""

import pytest
import torch

from attn_course.lessons.online_softmax_steps import online_softmax_explorer


def test_explorer_redraws_when_the_step_moves(move_slider):
    explorer = online_softmax_explorer()
    assert explorer.play == "step" and explorer.initial["step"] == 1 and explorer.kinds["block_size"] == "buttons"
    box = explorer.widget()
    for name, value in (("step", 5), ("block_size", 4)):
        before, after = move_slider(box, name, value)
        assert after != before, name
    with pytest.raises(ValueError, match=r"one row of shape \(L,\)"):
        online_softmax_explorer(torch.ones(2, 3))
