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
