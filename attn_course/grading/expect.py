"""Calls and assertions for hidden tests, which run in the grader and never touch student code.

A hidden test is a generator: ``got = yield call(x, k=2)`` asks the grader to call the student's
function with those arguments *in the sandboxed runner*, and resumes with what came back, as
plain data (a tensor, a tuple, a number, or :class:`~attn_course.grading.sandboxed.wire.Opaque`
for anything else). The test then compares it with the reference, here in the grader.

Integer draws: :func:`attn_course._random.randint` (half-open, ``[low, high)``).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field

import torch

from .sandboxed.wire import Opaque


@dataclass(frozen=True)
class Call:
    """One call of the student's function: positional and keyword arguments (plain data and tensors)."""

    args: tuple
    kwargs: dict = field(default_factory=dict)


def call(*args: object, **kwargs: object) -> Call:
    return Call(args, kwargs)


HiddenTest = Generator[Call, object, None]


def randn(generator: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=generator, dtype=torch.float64).float()


def random_mask(generator: torch.Generator, *shape: int, p_allowed: float = 0.7) -> torch.Tensor:
    return torch.rand(*shape, generator=generator) < p_allowed


def expect_tensor(actual: object, what: str) -> torch.Tensor:
    if type(actual) is not torch.Tensor:  # values arrive as plain data; Opaque names what the student returned
        got = actual.type_name if isinstance(actual, Opaque) else type(actual).__name__
        raise AssertionError(f"{what}: expected a torch.Tensor, got {got}")
    return actual


def expect_pair(actual: object, what: str) -> tuple[torch.Tensor, torch.Tensor]:
    if type(actual) is not tuple or len(actual) != 2:
        raise AssertionError(f"{what}: expected a tuple (output, weights), got {type(actual).__name__}")
    return expect_tensor(actual[0], f"{what} output"), expect_tensor(actual[1], f"{what} weights")


def expect_close(actual: object, expected: torch.Tensor, what: str, *, atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """``actual`` must be a plain tensor with ``expected``'s shape and dtype and close values."""
    tensor = expect_tensor(actual, what)
    if tuple(tensor.shape) != tuple(expected.shape):
        raise AssertionError(f"{what}: expected shape {tuple(expected.shape)}, got {tuple(tensor.shape)}")
    if tensor.dtype != expected.dtype:
        raise AssertionError(f"{what}: expected dtype {expected.dtype}, got {tensor.dtype}")
    got, want = tensor.detach().double(), expected.detach().double()
    if expected.dtype == torch.bool:
        if not torch.equal(got, want):
            raise AssertionError(f"{what}: {int((got != want).sum())} entries differ from the reference")
        return
    if bool((torch.isnan(got) != torch.isnan(want)).any()):
        raise AssertionError(f"{what}: NaN where the reference has a number (or the reverse)")
    ok = torch.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    if not bool(ok.all()):
        err = (got - want).abs().nan_to_num(nan=0.0).max().item()
        raise AssertionError(f"{what}: {int((~ok).sum())} of {ok.numel()} values differ (max |error| {err:.3g})")


def expect(condition: object, message: str) -> None:
    if condition is not True and not (isinstance(condition, torch.Tensor) and bool(condition)):
        raise AssertionError(message)
