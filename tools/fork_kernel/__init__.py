"""A pre-warmed, forking Jupyter kernel for nbval and the book's execution (``python3-fork``).

A fresh ``python3`` kernel spends about 3 s importing torch, numpy, matplotlib and the course
before a notebook's first line runs. :class:`Zygote` starts one process that pays those imports
once (:mod:`tools.fork_kernel.zygote`) and forks a kernel from it for each notebook, in a few
hundredths of a second. The ``python3-fork`` kernelspec (``kernels/python3-fork/``, found through
``JUPYTER_PATH``) runs a small launcher that asks the zygote, through the socket named by
``ATTN_KERNEL_ZYGOTE``, and stands in for the forked kernel towards jupyter_client; with no zygote,
or one that cannot give the same kernel as a fresh process would, it execs a normal ipykernel.

    with serving():  # JUPYTER_PATH and ATTN_KERNEL_ZYGOTE set, a zygote started; both undone after
        ...  # start kernels named KERNEL_NAME (nbval: --nbval-kernel-name=python3-fork)

The notebooks keep their ``python3`` kernelspec: readers run them in a normal kernel.
Linux only (pidfds); elsewhere :func:`serving` starts no zygote and the launcher falls back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

KERNEL_NAME = "python3-fork"
SOCKET_ENV = "ATTN_KERNEL_ZYGOTE"
#: The folder to put on JUPYTER_PATH: it holds kernels/python3-fork/.
JUPYTER_DIR = Path(__file__).resolve().parent
#: What the zygote imports, in this order: torch first, so its RNG state is recorded before anything draws.
PRELOAD = ("torch", "numpy", "matplotlib.pyplot", "attn_course", "attn_course.plots", "attn_course.models",
           "attn_course.data", "attn_course.lessons.glue", "attn_course.grading.checks")
# The zygote runs without the repository root (nor the cwd) on sys.path, as a fresh kernel would.
_BOOT = "import runpy, sys; sys.path[:1] = [] if sys.path[:1] == [''] else sys.path[:1]; " \
        "runpy.run_path({path!r}, run_name='__main__')"


def supported() -> bool:
    """Whether this platform can run a zygote (it waits on its kernels through pidfds)."""
    return hasattr(os, "pidfd_open") and hasattr(socket, "send_fds") and hasattr(os, "fork")


class Zygote:
    """A running zygote, listening on ``self.path``. Start it with the environment its kernels will have."""

    def __init__(self, modules: Sequence[str] = PRELOAD) -> None:
        self.folder = tempfile.mkdtemp(prefix="attn-zygote-")
        self.path = os.path.join(self.folder, "socket")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        listener.listen(64)  # launchers wait here while the zygote imports
        self._lifeline, theirs = socket.socketpair()
        script = JUPYTER_DIR / "zygote.py"
        fds = [listener.fileno(), theirs.fileno()]
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOT.format(path=str(script)), *map(str, fds), *modules],
            pass_fds=fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, cwd="/", start_new_session=True,
            env=dict(os.environ),  # as jupyter_client passes it: the C environ can differ (readline sets COLUMNS)
        )
        listener.close()
        theirs.close()

    def stop(self) -> None:
        """Close the lifeline: the zygote kills its kernels and exits."""
        self._lifeline.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def use_kernelspec() -> None:
    """Put this folder first on JUPYTER_PATH, so that jupyter_client finds ``python3-fork``."""
    paths = os.environ.get("JUPYTER_PATH", "").split(os.pathsep)
    if str(JUPYTER_DIR) not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(JUPYTER_DIR), *filter(None, paths)])


@contextlib.contextmanager
def serving(modules: Sequence[str] = PRELOAD) -> Iterator[Zygote | None]:
    """Within: ``python3-fork`` kernels are forked from a zygote (None where :func:`supported` is false)."""
    before = {key: os.environ.get(key) for key in ("JUPYTER_PATH", SOCKET_ENV)}
    use_kernelspec()
    zygote = Zygote(modules) if supported() else None
    if zygote is not None:
        os.environ[SOCKET_ENV] = zygote.path
    try:
        yield zygote
    finally:
        if zygote is not None:
            zygote.stop()
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
