"""The scoring chapter's worked example, checked by hand, and what bilinear and additive scores can express."""

import math

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from attn_course.lessons.scoring_compare import (
    WORKED_VECTORS,
    accepts_different_widths,
    additive_scorer,
    bilinear_search,
    general_scorer,
    nearest_key_additive,
    prefers_itself,
    ranks_first,
    score_surface,
    worked_scores,
)

tanh = math.tanh


def test_worked_example_by_hand():
    scores = worked_scores()
    # x1 = (1, 1), x2 = (3, 3), x3 = (2, 0): dot products written out
    dot = torch.tensor([[1 + 1, 3 + 3, 2 + 0], [3 + 3, 9 + 9, 6 + 0], [2 + 0, 6 + 0, 4 + 0]], dtype=torch.float32)
    torch.testing.assert_close(scores["dot"], dot)
    torch.testing.assert_close(scores["scaled dot"], dot / math.sqrt(2))
    # W = [[1, 1], [0, 1]]: W x1 = (2, 1), W x2 = (6, 3), W x3 = (2, 0), then dotted with the query
    general = torch.tensor([[3, 9, 2], [9, 27, 6], [4, 12, 4]], dtype=torch.float32)
    torch.testing.assert_close(scores["general"], general)
    # additive: f_c(k1 - q1) + f_c(k2 - q2), f_c(t) = tanh(t + c) - tanh(t - c), c = (q1 + q2) / 2
    additive = torch.tensor([
        [4 * tanh(1), 2 * (tanh(3) - tanh(1)), 2 * tanh(2)],
        [2 * (tanh(1) + tanh(5)), 4 * tanh(3), tanh(2) + tanh(4) + tanh(6)],
        [2 * tanh(2), tanh(4) - tanh(2) + tanh(2), 4 * tanh(1)],
    ])
    torch.testing.assert_close(scores["additive"], additive)
    assert prefers_itself(scores["additive"]).all()
    assert prefers_itself(scores["dot"]).tolist() == [False, True, False]


@settings(max_examples=60, deadline=None)
@given(q1=st.floats(-3, 3), q2=st.floats(-3, 3), k1=st.floats(-4, 4), k2=st.floats(-4, 4))
def test_nearest_key_additive_peaks_at_the_query(q1, q2, k1, k2):
    c = (q1 + q2) / 2
    assume(c > 0.1 and math.hypot(k1 - q1, k2 - q2) > 1e-2)
    att = nearest_key_additive()
    q, k = torch.tensor([[q1, q2]], dtype=torch.float64), torch.tensor([[k1, k2]], dtype=torch.float64)
    att = att.double()
    at_query = att.score(q, q).item()
    assert at_query == pytest.approx(4 * tanh(c))
    assert at_query > att.score(q, k).item()


def test_nearest_key_additive_dips_when_the_offset_is_negative():
    att = nearest_key_additive()
    q = torch.tensor([[-1.0, -1.0]])  # c = -1: the bump turns into a dip
    assert att.score(q, q).item() == pytest.approx(-4 * tanh(1), abs=1e-6)
    assert att.score(q, q + 1.0).item() > att.score(q, q).item()


def test_general_and_additive_scorers_use_the_given_weights():
    w = torch.tensor([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])  # (d_q, d_k) = (2, 3)
    q, k = torch.randn(4, 2), torch.randn(5, 3)
    torch.testing.assert_close(general_scorer(w).score(q, k), q @ w @ k.T)
    wq, wk, v = torch.randn(6, 2), torch.randn(6, 3), torch.randn(6)
    expected = torch.tanh((q @ wq.T)[:, None, :] + (k @ wk.T)[None, :, :]) @ v  # (4, 5)
    torch.testing.assert_close(additive_scorer(wq, wk, v).score(q, k), expected)


def test_scorer_builders_reject_bad_weights():
    with pytest.raises(ValueError, match=r"weight must have shape \(any, any\), got \(3\)"):
        general_scorer(torch.ones(3))
    with pytest.raises(TypeError, match="weight must be a floating-point tensor"):
        general_scorer(torch.ones(2, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"w_key must have shape \(4, any\), got \(3, 2\)"):
        additive_scorer(torch.ones(4, 2), torch.ones(3, 2), torch.ones(4))
    with pytest.raises(ValueError, match=r"v must have shape \(4\), got \(1, 4\)"):
        additive_scorer(torch.ones(4, 2), torch.ones(4, 2), torch.ones(1, 4))


def test_ranks_first():
    scores = torch.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 5.0]])
    assert ranks_first(scores).tolist() == [True, False]  # row 1: a tie is not a strict first
    assert ranks_first(scores, [0, 2]).tolist() == [True, False]
    assert ranks_first(scores, [2, 0]).tolist() == [False, False]
    with pytest.raises(ValueError, match=r"wanted must hold one key index in \[0, 3\) per query \(2\)"):
        ranks_first(scores, [0, 3])
    with pytest.raises(ValueError, match="wanted must hold one key index"):
        ranks_first(scores, [0])
    with pytest.raises(ValueError, match="wanted must hold one key index"):
        ranks_first(scores, [0.0, 1.0])
    with pytest.raises(ValueError, match=r"scores must be a square \(L, L\) matrix, got shape \(2, 3\)"):
        prefers_itself(scores)
    with pytest.raises(ValueError, match=r"scores must be a \(L_q, L_k\) matrix, got shape \(1, 2, 3\)"):
        ranks_first(scores[None])


def test_bilinear_search_finds_what_is_possible_and_nothing_else():
    # x2 = 3·x1 in the worked example: no W makes every vector rank itself (or its farthest key) first
    assert bilinear_search(WORKED_VECTORS, num_trials=500, seed=0) == 0
    assert bilinear_search(WORKED_VECTORS, wanted=[1, 2, 1], num_trials=500, seed=0) == 0
    # three unit vectors at 120°: W = I already works, so random W succeed a fair share of the time
    at_120 = tuple((math.cos(a), math.sin(a)) for a in (0.0, 2 * math.pi / 3, 4 * math.pi / 3))
    found = bilinear_search(at_120, num_trials=500, seed=0)
    assert 0 < found < 500
    assert found == bilinear_search(at_120, num_trials=500, seed=0)  # seeded
    with pytest.raises(ValueError, match="num_trials must be positive"):
        bilinear_search(WORKED_VECTORS, num_trials=0)


def test_accepts_different_widths():
    assert [accepts_different_widths(n) for n in ("dot", "scaled dot", "general", "additive")] == [
        False, False, True, True]
    with pytest.raises(ValueError, match="name must be one of"):
        accepts_different_widths("cosine")


def test_score_surface_matches_pointwise_scores():
    att = nearest_key_additive()
    q = torch.tensor([1.0, 1.0])
    xs, ys = torch.linspace(-1, 3, 5), torch.linspace(0, 2, 3)
    surface = score_surface(att.score, q, xs, ys)
    assert surface.shape == (3, 5)  # rows are y, columns x
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            torch.testing.assert_close(surface[i, j], att.score(q[None], torch.stack([x, y])[None])[0, 0])
    with pytest.raises(ValueError, match=r"query must be a single 2-D vector of shape \(2\), got \(1, 2\)"):
        score_surface(att.score, q[None], xs, ys)
    with pytest.raises(ValueError, match=r"xs must be a non-empty 1-D tensor of coordinates, got \(0\)"):
        score_surface(att.score, q, torch.tensor([]), ys)


def test_the_worked_example_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    worked_scores()
    bilinear_search(WORKED_VECTORS, num_trials=3)
    additive_scorer(torch.ones(2, 2), torch.ones(2, 2), torch.ones(2))
    assert torch.equal(torch.random.get_rng_state(), state)
