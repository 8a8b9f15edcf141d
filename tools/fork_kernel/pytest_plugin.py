"""pytest plugin (``-p tools.fork_kernel.pytest_plugin``, in pyproject's addopts): forked kernels for nbval.

With ``--nbval-kernel-name=python3-fork``, the ``python3-fork`` kernelspec is put on JUPYTER_PATH and,
in each process that collected notebook cells (each xdist worker), a zygote starts as soon as
collection ends, so that its imports overlap with the first tests; it stops when pytest does.
A notebook whose kernel was not forked (the zygote refused it: see tools/fork_kernel/zygote.py) gets a
warning that says why, in pytest's warnings summary. Without that option this plugin does nothing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import warnings

import pytest

from tools import fork_kernel

LOG_ENV = "ATTN_KERNEL_ZYGOTE_LOG"  # where the zygote and the launchers write a line per kernel
_SERVING = pytest.StashKey[contextlib.ExitStack]()
_ZYGOTE = pytest.StashKey[fork_kernel.Zygote | None]()
_LOG = pytest.StashKey[list]()  # [log path, its size when the current notebook's kernel started]


def _enabled(config: pytest.Config) -> bool:
    return config.getoption("nbval_kernel_name", None) == fork_kernel.KERNEL_NAME


def pytest_configure(config: pytest.Config) -> None:
    if _enabled(config):
        fork_kernel.use_kernelspec()


def pytest_collection_finish(session: pytest.Session) -> None:
    if _enabled(session.config) and any(type(item).__module__.startswith("nbval") for item in session.items):
        stack = contextlib.ExitStack()
        if not os.environ.get(LOG_ENV):  # a log of our own, read by pytest_runtest_teardown below
            folder = tempfile.mkdtemp(prefix="attn-zygote-log-")
            os.environ[LOG_ENV] = os.path.join(folder, "log")
            stack.callback(shutil.rmtree, folder, ignore_errors=True)
            stack.callback(os.environ.pop, LOG_ENV, None)
        session.config.stash[_LOG] = [os.environ[LOG_ENV], 0]
        session.config.stash[_ZYGOTE] = stack.enter_context(fork_kernel.serving())
        session.config.stash[_SERVING] = stack


def _log_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _is_cell(item: pytest.Item) -> bool:
    return type(item).__module__.startswith("nbval")


@pytest.hookimpl(tryfirst=True)  # before pytest's own, which starts the notebook's kernel (nbval's IPyNbFile.setup)
def pytest_runtest_setup(item: pytest.Item) -> None:
    log = item.config.stash.get(_LOG, None)
    if log is not None and _is_cell(item) and getattr(item.parent, "kernel", None) is None:  # its kernel starts now
        log[1] = _log_size(log[0])


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After a notebook's last cell: a warning if its kernel was not forked (a normal kernel imports everything,
    seconds of CPU), with the launcher's reason (a variable a test left in os.environ, say)."""
    log = item.config.stash.get(_LOG, None)
    if log is None or not _is_cell(item) or (nextitem is not None and nextitem.parent is item.parent):
        return
    with contextlib.suppress(OSError), open(log[0], errors="replace") as file:
        file.seek(log[1])
        for line in file:
            if ": a normal kernel: " in line:
                reason = line.split(": a normal kernel: ", 1)[1].strip()
                warnings.warn(f"{item.parent.name}: its kernel was not forked from the zygote: {reason}", stacklevel=1)


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
