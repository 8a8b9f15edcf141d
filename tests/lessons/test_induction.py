"""Induction-head metrics on hand-built attention patterns, and the repeated-block data."""

import pytest
import torch

from attn_course.lessons.induction import (
    copy_loss,
    induction_scores,
    induction_targets,
    previous_token_scores,
    repeated_blocks,
)

TOKENS = torch.tensor([[5, 1, 2, 3, 1, 2, 3, 0]])  # "1 2 3" repeats; 5 and 0 occur once


def _pattern(targets):
    """A (1, 1, T, T) map in which query t puts all its weight on key targets[t]."""
    length = len(targets)
    weights = torch.zeros(1, 1, length, length)
    weights[0, 0, torch.arange(length), torch.tensor(targets)] = 1.0
    return weights


def test_induction_targets_point_after_the_previous_occurrence():
    # query 4 holds 1, seen at 1, so its target is 2; queries whose token is new get -1
    assert induction_targets(TOKENS).tolist() == [[-1, -1, -1, -1, 2, 3, 4, -1]]
    latest = torch.tensor([[7, 7, 7]])  # the latest earlier occurrence counts
    assert induction_targets(latest).tolist() == [[-1, 1, 2]]


def test_a_perfect_induction_head_and_a_perfect_previous_token_head_score_one_on_their_own_metric():
    induction = _pattern([0, 1, 2, 3, 2, 3, 4, 7])  # queries 4-6 look at the token after the earlier copy
    previous = _pattern([0, 0, 1, 2, 3, 4, 5, 6])  # every query looks one back
    uniform = torch.ones(1, 1, 8, 8).tril() / torch.arange(1, 9).view(1, 1, 8, 1)
    maps = [torch.cat([induction, previous, uniform], dim=1)] * 2  # 2 layers x 3 heads
    ind = induction_scores(maps, TOKENS)
    prev = previous_token_scores(maps)
    assert ind.shape == prev.shape == (2, 3)
    torch.testing.assert_close(ind[0], torch.tensor([1.0, 0.0, (1 / 5 + 1 / 6 + 1 / 7) / 3]))
    torch.testing.assert_close(prev[0], torch.tensor([0.0, 1.0, sum(1 / t for t in range(2, 9)) / 7]))
    torch.testing.assert_close(ind[1], ind[0])


def test_repeated_blocks_repeat_a_block_at_a_random_place():
    tokens, predictable = repeated_blocks(200, 24, 16, torch.Generator().manual_seed(0), min_block=3)
    assert tokens.shape == predictable.shape == (200, 24) and predictable.dtype == torch.bool
    starts, sizes = set(), set()
    for row, mask in zip(tokens, predictable, strict=True):
        where = mask.nonzero()[:, 0]
        n = len(where) + 1  # the block length: n - 1 predictable queries
        first = int(where[0])  # = s + n
        assert torch.equal(row[first:first + n], row[first - n:first])  # the copy equals the block
        assert 3 <= n <= 12 and bool((where == torch.arange(first, first + n - 1)).all())
        starts.add(first - n)
        sizes.add(n)
    assert len(starts) > 5 and len(sizes) > 5  # neither the position nor the offset is fixed
    with pytest.raises(ValueError, match="min_block"):
        repeated_blocks(2, 10, 4, torch.Generator(), min_block=6)


def test_copy_loss_separates_the_predictable_positions():
    tokens, predictable = repeated_blocks(8, 16, 10, torch.Generator().manual_seed(1))
    logits = torch.zeros(8, 16, 10)
    logits[:, :-1] = torch.nn.functional.one_hot(tokens[:, 1:], 10) * 50.0  # an oracle for every next token
    oracle, _ = copy_loss(logits, tokens, predictable)
    assert oracle < 1e-6
    repeat, rest = copy_loss(torch.zeros(8, 16, 10), tokens, predictable)  # uniform guesses
    assert repeat == pytest.approx(torch.log(torch.tensor(10.0)).item()) == rest


def test_bad_inputs():
    with pytest.raises(TypeError, match="attn_maps must be a non-empty list"):
        induction_scores(torch.zeros(1, 1, 3, 3), TOKENS[:, :3])
    with pytest.raises(ValueError, match="one shape"):
        previous_token_scores([torch.zeros(1, 1, 3, 3), torch.zeros(1, 1, 4, 4)])
    with pytest.raises(ValueError, match="tokens"):
        induction_scores([torch.zeros(1, 1, 8, 8)], TOKENS[:, :5])
    with pytest.raises(ValueError, match="no token of tokens occurs twice"):
        induction_scores([torch.zeros(1, 1, 3, 3)], torch.tensor([[1, 2, 3]]))
    with pytest.raises(TypeError, match="tokens must be a"):
        induction_targets(torch.zeros(1, 3))
