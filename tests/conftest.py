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


#: Tests that pytest-xdist may run on any worker, one by one, even under ``--dist loadfile``: the pages of the
#: book (tests/browser/test_book.py; each opens one page and needs nothing the others set up).
SPREAD = ("tests/browser/test_book.py::test_page_renders_offline[",)


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to under ``--dist loadfile``: its file, or the test itself if in SPREAD.

    A file stays on one worker: a notebook's cells share one kernel under nbval, and a module's module-scoped
    fixture runs once. (xdist's ``xdist_group`` marks cannot do this here: xdist 3.8 renames a marked test by
    assigning ``item._nodeid``, which pytest 9 no longer reads, so every mark is silently ignored.)
    """
    return nodeid if nodeid.startswith(SPREAD) else nodeid.split("::", 1)[0]


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's own, which would pick LoadFileScheduling
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileOrSpreadScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return FileOrSpreadScheduling(config, log)


def _make_qkv(*batch, lq=5, lk=7, dk=8, dv=4, dtype=torch.float32, seed=0, requires_grad=False):
    """Seeded random query (*batch, lq, dk), key (*batch, lk, dk) and value (*batch, lk, dv), drawn in that order."""
    g = torch.Generator().manual_seed(seed)

    def draw(length, width):
        return torch.randn(*batch, length, width, generator=g, dtype=dtype).requires_grad_(requires_grad)

    return draw(lq, dk), draw(lk, dk), draw(lk, dv)


@pytest.fixture(autouse=True)
def _environment_restored():
    """Each test leaves ``os.environ`` as it found it (as it was after the module and session fixtures' set-up).

    Some torch code sets variables as it runs (``FlopCounterMode`` sets ``TORCHINDUCTOR_CACHE_DIR``). Leaked
    into the worker, such a variable reaches every kernel nbval starts there later, and the ``python3-fork``
    zygote, which serves only the environment it was started with, refuses them all: each notebook then
    imports torch and the course in a normal kernel (tools/fork_kernel).
    """
    before = dict(os.environ)
    yield
    for key in set(os.environ) - set(before):
        del os.environ[key]
    for key, value in before.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


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
