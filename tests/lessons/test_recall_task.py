"""recall_task: exact and wide-window attention recall a distant token; a narrow window and linear attention do not."""

import pytest
import torch

from attn_course import flash_attention, linear_attention, sliding_window_attention
from attn_course.lessons.recall_task import make_recall_task, recall_accuracy


def test_recall_task_separates_the_methods():
    task = make_recall_task(512, 32, max_distance=32, heads=2, generator=torch.Generator().manual_seed(0))
    assert task.query.shape == (2, 512, 32) and task.target.shape == (2, 512)
    assert ((torch.arange(512) - task.target >= 0) & (torch.arange(512) - task.target <= 32)).all()
    exact = recall_accuracy(flash_attention(task.query, task.key, task.value), task)
    window = recall_accuracy(sliding_window_attention(task.query, task.key, task.value, 32), task)
    narrow = recall_accuracy(sliding_window_attention(task.query, task.key, task.value, 4), task)
    linear = recall_accuracy(linear_attention(task.query, task.key, task.value), task)
    assert exact > 0.95 and window > 0.95
    assert narrow < 0.4  # only targets within 4 steps (5 of 33 offsets) are inside the window
    assert linear < 0.2


def test_recall_task_bad_inputs():
    with pytest.raises(ValueError, match="max_distance must be positive"):
        make_recall_task(8, max_distance=0)
    with pytest.raises(ValueError, match="sharpness must be a positive finite number"):
        make_recall_task(8, sharpness=0.0)
    task = make_recall_task(8, 4)
    with pytest.raises(ValueError, match=r"shape of task.value \(1, 8, 4\), got \(8, 4\)"):
        recall_accuracy(torch.zeros(8, 4), task)
