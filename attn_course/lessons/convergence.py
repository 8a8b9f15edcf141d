"""Has a training run converged? The check behind "both models trained to convergence", in code.

A model is trained to convergence when more training no longer changes what it can do, measured on
held-out data. Here that is checked on a *curve*: held-out scores where higher is better (for example,
exact match in each input-length bin) taken every few steps of one run at a constant learning rate.
The run is **converged** if the second half of its budget improved no score by more than ``tolerance``:
doubling the steps from half the budget to all of it bought (almost) nothing. Each end of that
comparison is the mean of ``window`` evaluations, so that one noisy evaluation cannot decide it.
A score that *falls* (the model over-fits its training set) passes: more training did not help.
A constant learning rate matters: with a decaying one, any run ends flat.

This is a *progress* criterion in the spirit of early stopping (Prechelt, "Early stopping, but when?",
1998): stop when the held-out score stops improving. It cannot prove that a much longer run would not
improve again (a run can sit on a plateau before it learns something new); it shows that this budget
was enough for the held-out curve to stop rising.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._validation import check_positive, check_positive_int


def _check_curve(curve: object, window: int) -> list[list[float]]:
    check_positive_int("window", window)
    if not isinstance(curve, Sequence) or not curve or any(not isinstance(row, Sequence) for row in curve):
        raise TypeError("curve must be a non-empty sequence of evaluations, each a sequence of floats")
    width = len(curve[0])
    if width == 0 or any(len(row) != width for row in curve):
        raise ValueError(f"curve's evaluations must all have the same, non-zero length, got {[len(r) for r in curve]}")
    if len(curve) < 2 * window:
        raise ValueError(f"curve needs at least 2 * window = {2 * window} evaluations, got {len(curve)}")
    return [[float(x) for x in row] for row in curve]


def half_budget_gain(curve: Sequence[Sequence[float]], window: int = 4) -> list[float]:
    """Per score: the mean of the last ``window`` evaluations minus the mean of the ``window`` ending at half.

    ``curve`` holds one row per evaluation, taken at equally spaced steps from the start of training;
    evaluation ``len(curve) // 2`` is the one at half the budget.
    """
    rows = _check_curve(curve, window)
    half = len(rows) // 2
    early, late = rows[half - window : half], rows[-window:]
    return [sum(r[i] for r in late) / window - sum(r[i] for r in early) / window for i in range(len(rows[0]))]


def is_converged(curve: Sequence[Sequence[float]], window: int = 4, tolerance: float = 0.02) -> bool:
    """True if no score of :func:`half_budget_gain` rose by more than ``tolerance`` (falling is allowed)."""
    check_positive("tolerance", tolerance)
    return max(half_budget_gain(curve, window)) <= tolerance


def converged_at(steps: Sequence[int], curve: Sequence[Sequence[float]], window: int = 4,
                 tolerance: float = 0.02) -> int | None:
    """The first budget (a step in ``steps``) from which every longer prefix of the run passes :func:`is_converged`.

    ``steps[k]`` is the step after which ``curve[k]`` was measured. ``None`` if the whole run fails the
    check. A prefix of ``j`` evaluations is the run that had been stopped at ``steps[j - 1]``.
    """
    rows = _check_curve(curve, window)
    if len(steps) != len(rows):
        raise ValueError(f"steps and curve must have the same length, got {len(steps)} and {len(rows)}")
    first = None
    for j in range(len(rows), 2 * window - 1, -1):  # from the whole run back to the shortest checkable prefix
        if not is_converged(rows[:j], window, tolerance):
            break
        first = steps[j - 1]
    return first
