"""Shared test set-up: hypothesis profiles, one thread pair for torch, and fixtures every folder uses."""

import os

import pytest
import torch
from hypothesis import HealthCheck, settings

# Deterministic, bounded property tests. `HYPOTHESIS_PROFILE=thorough make test`
# runs ten times as many examples.
settings.register_profile(
    "default", max_examples=60, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough", max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Under pytest-xdist (`make unit`: -n 2) each worker gets one thread, so the workers do not contend for the cores.
torch.set_num_threads(1 if os.environ.get("PYTEST_XDIST_WORKER") else min(2, torch.get_num_threads()))


def _make_qkv(*batch, lq=5, lk=7, dk=8, dv=4, dtype=torch.float32, seed=0, requires_grad=False):
    """Seeded random query (*batch, lq, dk), key (*batch, lk, dk) and value (*batch, lk, dv), drawn in that order."""
    g = torch.Generator().manual_seed(seed)

    def draw(length, width):
        return torch.randn(*batch, length, width, generator=g, dtype=dtype).requires_grad_(requires_grad)

    return draw(lq, dk), draw(lk, dk), draw(lk, dv)


@pytest.fixture(scope="session")
def make_qkv():
    """Factory for seeded q, k, v: ``make_qkv(*batch, lq=5, lk=7, dk=8, dv=4, dtype=..., seed=0)``.

    Session-scoped so that hypothesis ``@given`` tests may use it.
    """
    return _make_qkv


def _move_slider(box, name, value):
    before = box.image.value
    box.sliders[name].value = value
    return before, box.image.value


@pytest.fixture(scope="session")
def move_slider():
    """``move_slider(box, name, value)``: set one slider of an explorer's live widget; return the PNGs before, after."""
    return _move_slider


def _dispatch_rank(items) -> int:
    """0 for a file with a slow or browser test, 1 for a chapter notebook, 2 for another notebook, 3 otherwise."""
    if any(item.get_closest_marker("slow") or item.get_closest_marker("browser") for item in items):
        return 0
    path = items[0].path
    if path.suffix == ".ipynb":
        return 1 if path.parent.name == "book" else 2
    return 3


def pytest_collection_modifyitems(items):
    """Order the files longest first, keeping each file's tests together and in their order.

    ``make test`` runs ``-n 2 --dist loadfile``: xdist hands out whole files in collection order, one
    at a time to whichever worker is free. Collected as they come (unit tests, then the chapters last),
    a 20-40 s chapter or a sandboxed grading file could start while the other worker idles at the end.
    The long files (slow or browser tests, then the chapter notebooks under nbval, then the exercise
    notebooks) go first, and the many short unit-test files fill the gaps at the end.
    """
    files: dict = {}
    for item in items:
        files.setdefault(item.path, []).append(item)
    ordered = sorted(files.values(), key=_dispatch_rank)  # stable: the collection order within a rank
    items[:] = [item for group in ordered for item in group]
