"""Checkers for the visible check cells of the exercise notebooks.

Each prints one deterministic line: the same text for every correct answer, so nbval can
compare it with the instructor's stored output. On a miss it prints what differs and a hint.
These run in *your* kernel, so they are feedback, not proof: the grader re-tests your
functions in a separate process (see the README's student guide).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch


def _describe(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    return type(value).__name__


def check_close(
    part: str, actual: object, expected: torch.Tensor, *, name: str = "", atol: float = 1e-5, rtol: float = 1e-4
) -> None:
    """Print whether ``actual`` matches ``expected`` (same shape, values within tolerance).

    ``name`` says which value is compared when a part returns several, e.g. ``name="weights"``.
    """
    label = f"part ({part}) {name}" if name else f"part ({part})"
    if not isinstance(actual, torch.Tensor):
        print(f"✗ {label}: expected a tensor of shape {tuple(expected.shape)}, got {_describe(actual)}")
        return
    if actual.shape != expected.shape:
        print(f"✗ {label}: expected shape {tuple(expected.shape)}, got {tuple(actual.shape)}")
        return
    if actual.dtype != expected.dtype:
        print(f"✗ {label}: expected dtype {expected.dtype}, got {actual.dtype}")
        return
    if expected.dtype == torch.bool:
        wrong = int((actual != expected).sum())
        if wrong:
            print(f"✗ {label}: {wrong} of {expected.numel()} entries differ from the reference")
            return
    else:
        nan_mismatch = torch.isnan(actual) != torch.isnan(expected)
        if nan_mismatch.any():
            print(f"✗ {label}: NaN at {int(nan_mismatch.sum())} position(s) where the reference has none")
            return
        bad = ~torch.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
        if bad.any():
            first = tuple(int(i) for i in bad.nonzero()[0])
            print(
                f"✗ {label}: {int(bad.sum())} of {expected.numel()} values differ; first at index {first}: "
                f"got {actual[first].item():.4f}, expected {expected[first].item():.4f}"
            )
            return
    print(f"✓ {label}: shape {tuple(expected.shape)}, values match the reference")


def check_true(part: str, condition: bool, what: str) -> None:
    """Print whether a property holds, e.g. ``check_true("b", w.sum(-1).allclose(one), "rows sum to 1")``."""
    mark = "✓" if bool(condition) else "✗"
    print(f"{mark} part ({part}): {what}")


@contextmanager
def pending(part: str) -> Iterator[None]:
    """Wrap a check cell of the *student* notebook: until the part is written, print a note.

    ``attn-course release`` puts every check cell under ``with pending("<part>"):``, so a
    fresh notebook shows "… part (a): not implemented yet" instead of a traceback (the hint is
    the comment above the ``raise``). Whatever the exception says beyond "part (a)" follows in
    brackets. Only ``NotImplementedError`` is caught; any other error still shows. The grader
    does not use these cells: it runs the instructor's own check cells against your functions.
    """
    try:
        yield
    except NotImplementedError as exc:
        detail = str(exc).removeprefix(f"part ({part})").lstrip(":; ").strip()
        print(f"… part ({part}): not implemented yet" + (f" ({detail})" if detail else ""))
