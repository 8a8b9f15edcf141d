"""attn_course.lessons.convergence: the half-budget check on held-out curves made by hand."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from attn_course.lessons.convergence import converged_at, half_budget_gain, is_converged


def test_half_budget_gain_compares_the_window_before_half_with_the_last_window():
    curve = [[0.0, 1.0], [0.2, 1.0], [0.4, 0.9], [0.6, 0.9], [0.7, 0.8], [0.8, 0.8], [0.8, 0.7], [0.9, 0.7]]
    # evaluation 4 of 8 is at half the budget: window 2 is [0.4, 0.6] against [0.8, 0.9] in the first column
    assert half_budget_gain(curve, window=2) == pytest.approx([0.85 - 0.5, 0.7 - 0.9])
    assert not is_converged(curve, window=2, tolerance=0.34)  # the first score rose by .35
    assert is_converged(curve, window=2, tolerance=0.36)  # the second fell by .2: no progress either
    assert is_converged([[1.0]] * 4 + [[0.0]] * 4, window=2)  # over-fitting: more steps did not help


def test_a_curve_that_rises_then_stays_flat_converges_where_the_second_half_stops_rising():
    steps = [100 * (k + 1) for k in range(12)]
    curve = [[min(1.0, 0.25 * k)] for k in range(12)]  # 0, .25, .5, .75, then 1 from step 500 on
    assert not is_converged(curve[:8], window=1)  # stopped at step 800: at half (400) it was still at .75
    assert is_converged(curve[:10], window=1)  # stopped at 1000: at half (500) it had reached 1
    assert converged_at(steps, curve, window=1) == 1000
    assert converged_at(steps, curve, window=2) == 1200  # the evaluations at 400 and 500 must both be at 1


def test_a_curve_still_rising_at_the_end_has_not_converged():
    curve = [[0.05 * k, 1.0] for k in range(16)]
    assert converged_at(list(range(16)), curve, window=2, tolerance=0.02) is None


def test_a_late_rise_undoes_an_earlier_plateau():
    # flat at .5 for a while, then learns something new: the plateau was not convergence
    curve = [[0.5]] * 8 + [[0.9]] * 2
    steps = list(range(10))
    assert is_converged(curve[:8], window=2) and not is_converged(curve, window=2)
    assert converged_at(steps, curve, window=2) is None


@given(st.lists(st.floats(0, 1), min_size=8, max_size=30), st.floats(-0.5, 0.5), st.integers(1, 4))
def test_shifting_every_evaluation_by_the_same_amount_changes_nothing(values, shift, window):
    curve, shifted = [[v] for v in values], [[v + shift] for v in values]
    assert half_budget_gain(shifted, window) == pytest.approx(half_budget_gain(curve, window), abs=1e-9)
    steps = [10 * k for k in range(1, len(values) + 1)]
    first = converged_at(steps, curve, window, 0.05)
    if first is not None:  # every run stopped at or after that step passes the check
        assert all(is_converged(curve[:j], window, 0.05) for j in range(steps.index(first) + 1, len(values) + 1))
    else:
        assert not is_converged(curve, window, 0.05)


def test_bad_inputs():
    with pytest.raises(ValueError, match="window"):
        half_budget_gain([[0.0]] * 4, window=0)
    with pytest.raises(ValueError, match="at least 2 \\* window"):
        half_budget_gain([[0.0]] * 3, window=2)
    with pytest.raises(ValueError, match="same, non-zero length"):
        half_budget_gain([[0.0], [0.0, 1.0]], window=1)
    with pytest.raises(TypeError, match="curve must be"):
        half_budget_gain([0.0, 1.0], window=1)
    with pytest.raises(ValueError, match="tolerance must be"):
        is_converged([[0.0]] * 2, window=1, tolerance=0.0)
    with pytest.raises(ValueError, match="steps and curve"):
        converged_at([1, 2, 3], [[0.0]] * 2, window=1)
