"""The zygote's forked child: it becomes what ``python -m ipykernel_launcher ARGV`` would be in the launcher's place.

Loaded by zygote.py from its file (not from ``sys.path``, so that no name is added for a notebook to
import by mistake). Step 3 of zygote.py's docstring.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import os
import runpy
import signal
import socket
import sys
import tempfile
import threading
import traceback
import warnings
from typing import Any, NoReturn

PR_SET_PDEATHSIG = 1


def become_kernel(server: Any, request: dict, fds: list[int], conn: socket.socket) -> NoReturn:
    """Run the kernel in this (just forked) child, then exit: never return into the zygote's loop."""
    code = 1
    try:
        zygote = os.getppid()
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != zygote:  # it died before prctl
            os._exit(1)
        os.setsid()  # as jupyter_client starts a kernel: a session and process group of its own
        server.selector.close()
        for sock in [server.listener, server.lifeline, conn] + [c for _, c in server.kernels.values()]:
            sock.close()
        for pidfd in server.kernels:
            os.close(pidfd)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.umask(request["umask"])
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        code = _run_kernel(server, request["argv"])
    except BaseException:  # noqa: BLE001 - whatever happens, the child must end here
        traceback.print_exc()
    finally:
        os._exit(code)


def _run_kernel(server: Any, argv: list[str]) -> int:
    from ipykernel.kernelapp import IPKernelApp

    cached = IPKernelApp.__dict__.get("_static_immutable_initial_values", {})  # traitlets' copy of the defaults
    for trait, variable in (("parent_handle", "JPY_PARENT_PID"), ("interrupt", "JPY_INTERRUPT_EVENT")):
        value = int(os.environ.get(variable) or 0)  # the default the class reads at import, in a fresh kernel
        getattr(IPKernelApp, trait).default_value = value
        if trait in cached:
            cached[trait] = value
    if "torch" in sys.modules:
        sys.modules["torch"].seed()  # torch seeds its default generator from the OS at import
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()  # and numpy its global one
    if server.filters is not None:  # a fresh kernel's imports add their warning filters after the kernel's own
        before, added = server.filters
        _set_filters(before)
        initialize = IPKernelApp.initialize

        @functools.wraps(initialize)
        def initialize_then_filter(self, argv=None):
            initialize(self, argv)
            _set_filters(added + warnings.filters)

        IPKernelApp.initialize = initialize_then_filter
    tempfile.tempdir = None
    sys.path[:] = ([] if getattr(sys.flags, "safe_path", False) else [os.getcwd()]) + server.base_path
    sys.argv = ["-m", *argv]
    code = 0
    try:
        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, int | None):
            print(exc.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - as the interpreter does with an uncaught exception
        sys.excepthook(*sys.exc_info())
        code = 1
    getattr(threading, "_shutdown", lambda: None)()  # what interpreter finalisation does, in order
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    return code


def _set_filters(filters: list[tuple]) -> None:
    """Make ``filters`` the warning filters, entries as they are (some hold a module name as a str, not a regex)."""
    warnings.filters[:] = filters
    getattr(warnings, "_filters_mutated", lambda: None)()  # what filterwarnings() calls: drops cached decisions
