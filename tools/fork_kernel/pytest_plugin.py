"""pytest plugin (``-p tools.fork_kernel.pytest_plugin``, in pyproject's addopts): forked kernels for nbval.

With ``--nbval-kernel-name=python3-fork``, the ``python3-fork`` kernelspec is put on JUPYTER_PATH and,
in each process that collected notebook cells (each xdist worker), a zygote starts as soon as
collection ends, so that its imports overlap with the first tests; it stops when pytest does.
Without that option this plugin does nothing.
"""

from __future__ import annotations

import contextlib

import pytest

from tools import fork_kernel

_SERVING = pytest.StashKey[contextlib.ExitStack]()
_ZYGOTE = pytest.StashKey[fork_kernel.Zygote | None]()


def _enabled(config: pytest.Config) -> bool:
    return config.getoption("nbval_kernel_name", None) == fork_kernel.KERNEL_NAME


def pytest_configure(config: pytest.Config) -> None:
    if _enabled(config):
        fork_kernel.use_kernelspec()


def pytest_collection_finish(session: pytest.Session) -> None:
    if _enabled(session.config) and any(type(item).__module__.startswith("nbval") for item in session.items):
        stack = contextlib.ExitStack()
        session.config.stash[_ZYGOTE] = stack.enter_context(fork_kernel.serving())
        session.config.stash[_SERVING] = stack


def serving_zygote(config: pytest.Config) -> fork_kernel.Zygote | None:
    """The zygote this plugin started in this process (None if it started none, or it has exited).

    Tests of the zygote itself fork their kernels from it too, rather than importing torch and the course
    once more in a zygote of their own (tests/tools/test_fork_kernel.py).
    """
    zygote = config.stash.get(_ZYGOTE, None)
    return zygote if zygote is not None and zygote.process.poll() is None else None


def pytest_unconfigure(config: pytest.Config) -> None:
    stack = config.stash.get(_SERVING, None)
    if stack is not None:
        stack.close()
