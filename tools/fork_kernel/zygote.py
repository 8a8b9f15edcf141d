"""The zygote: one process that imports ipykernel, torch and the course once, then forks a kernel per request.

Run by :class:`tools.fork_kernel.Zygote` (never imported by the kernels' parent), as
``python -c BOOT LISTEN_FD LIFELINE_FD MODULE...``: standalone, so that the repository root is
not on its ``sys.path`` (a fresh kernel's path is its cwd, ``PYTHONPATH`` and the site folders).

1. It imports ``ipykernel.kernelapp`` and the ``MODULE``s, and starts no thread of its own (numpy's
   OpenBLAS starts one; OpenBLAS stops it before a fork). ``MPLBACKEND`` is set first, as
   ipykernel sets it before a notebook can import matplotlib, which reads it at import.
2. It accepts launchers (``kernels/python3-fork/launcher.py``) on the listening socket. A launcher
   sends its argv, cwd, umask, environment and executable, with its stdin, stdout and stderr.
3. It refuses (the launcher then execs a normal kernel) when the request could not give the same
   kernel as a fresh process: another Python, another environment (apart from ``VOLATILE``
   variables, which nothing it imported reads), a relative ``PYTHONPATH``, or a cwd
   holding a ``matplotlibrc`` or something named like a module it imported (a fresh kernel would
   import that instead).
4. Otherwise it forks. The child starts a session of its own, takes the launcher's stdio, cwd,
   umask and environment, reseeds from the OS the RNGs a fork would share (torch's default generator
   and numpy's global one: fresh processes seed them so), puts the warning filters the imports added
   after those the kernel adds as it starts (in a fresh kernel, the notebook imports later), and runs
   ``ipykernel_launcher`` as ``python -m`` would.
5. It sends the launcher the child's pid, and its exit code once it has ended; when the launcher's
   connection closes first, it kills the child's process group. When the lifeline (the other end is
   held by whoever started it) closes, it kills every kernel and exits. Kernels die with it too
   (``PR_SET_PDEATHSIG``).

Not the same as in a fresh process: the string hash seed (shared by the kernels of one zygote) and
the thread OpenBLAS starts at import (restarted on first use).
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import importlib
import json
import os
import runpy
import selectors
import signal
import socket
import sys
import tempfile
import threading
import traceback
import warnings

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel's init_gui_pylab sets
#: Read at run time only (ATTN_KERNEL_ZYGOTE*: by the launcher), so they may differ between the zygote and a kernel.
VOLATILE = ("JPY_", "PYTEST_CURRENT_TEST", "ATTN_KERNEL_ZYGOTE")
PR_SET_PDEATHSIG = 1


def _top_level(modules) -> set[str]:
    return {name.partition(".")[0] for name in modules}


class Server:
    """The state the zygote keeps, and what the child must close or reset."""

    def __init__(self, listener: socket.socket, lifeline: socket.socket, modules: list[str]) -> None:
        self.env, self.modules = dict(os.environ), modules  # the environment every request is compared with
        self.base_path = list(sys.path)  # sys.path without the cwd: PYTHONPATH, stdlib, site
        for name in ("JPY_PARENT_PID", "JPY_INTERRUPT_EVENT"):  # ipykernel reads them at import, as defaults
            os.environ.pop(name, None)
        if not os.environ.get("MPLBACKEND"):
            os.environ["MPLBACKEND"] = INLINE_BACKEND
        importlib.import_module("ipykernel.kernelapp")
        startup, filters = _top_level(sys.modules), list(warnings.filters)
        with _captured_output() as output:
            for module in modules:
                importlib.import_module(module)
        # what the imports print (a warning, say) shows in a fresh kernel's first cell: then serve no kernel
        self.printed = output.read().decode(errors="replace").strip()
        self.preloaded = _top_level(sys.modules) - startup  # a fresh kernel imports these from sys.path, cwd first
        added = len(warnings.filters) - len(filters)  # the imports' warning filters (they prepend them)
        self.filters = (filters, warnings.filters[:added]) if warnings.filters[added:] == filters else None
        os.environ.clear()
        os.environ.update(self.env)
        self.listener, self.lifeline, self.selector = listener, lifeline, selectors.DefaultSelector()
        self.kernels: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, launcher connection)

    def refusal(self, request: dict) -> str | None:
        """Why this zygote cannot start the kernel ``request`` asks for as a fresh process would; None if it can."""
        if self.printed:
            return f"importing {' '.join(self.modules)} prints {self.printed[:200]!r}"
        if request["executable"] != sys.executable:
            return f"another Python ({request['executable']})"
        env = request["env"]
        keys = {k for k in set(self.env) | set(env) if self.env.get(k) != env.get(k) and not k.startswith(VOLATILE)}
        if keys:
            return "another environment: " + ", ".join(f"{k}={env.get(k)!r}, not {self.env.get(k)!r}"
                                                       for k in sorted(keys))
        if any(not os.path.isabs(p) for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p):
            return "a relative PYTHONPATH entry"
        shadows = sorted(e for e in os.listdir(request["cwd"])
                         if e == "matplotlibrc" or e.partition(".")[0] in self.preloaded)
        return f"the cwd holds {', '.join(shadows)}" if shadows else None

    def serve(self) -> None:
        self.listener.setblocking(True)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(self.lifeline, selectors.EVENT_READ, "lifeline")
        while True:
            for key, _ in self.selector.select():
                if key.data == "accept":
                    self.accept()
                elif key.data == "lifeline":
                    self.stop()
                elif key.data == "exited":
                    self.reap(key.fd)
                elif key.fileobj.fileno() >= 0:  # the launcher closed its end (it was killed), or broke the protocol
                    self.selector.unregister(key.fileobj)
                    key.fileobj.close()
                    self.kill(key.data)

    def accept(self) -> None:
        conn, _ = self.listener.accept()
        conn.settimeout(10)
        try:
            request, fds = _receive(conn)
        except (OSError, ValueError) as exc:  # a broken request: that launcher falls back
            _log(f"zygote: a bad request: {exc!r}")
            conn.close()
            return
        try:
            reason = self.refusal(request)
            if reason is None:
                pid = os.fork()
                if pid == 0:
                    self.become_kernel(request, fds, conn)
        except (KeyError, TypeError, OSError) as exc:
            reason = f"a bad request ({exc!r})"
        finally:
            for fd in fds:
                os.close(fd)
        _log(f"zygote: refused a kernel in {request.get('cwd')}: {reason}" if reason else f"zygote: kernel {pid}")
        if reason is not None:
            _send(conn, {"refused": reason})
            conn.close()
            return
        pidfd = os.pidfd_open(pid)
        self.kernels[pidfd] = (pid, conn)
        self.selector.register(pidfd, selectors.EVENT_READ, "exited")
        self.selector.register(conn, selectors.EVENT_READ, pid)
        _send(conn, {"pid": pid})

    def reap(self, pidfd: int) -> None:
        pid, conn = self.kernels.pop(pidfd)
        self.selector.unregister(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        if conn.fileno() >= 0:
            self.selector.unregister(conn)
            _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
            conn.close()

    def kill(self, pid: int) -> None:
        """SIGKILL to a kernel not yet reaped, and to its process group (what it started, as for a fresh kernel)."""
        for send in (os.kill, os.killpg):
            with contextlib.suppress(ProcessLookupError):  # no group yet: killed before its setsid()
                send(pid, signal.SIGKILL)

    def stop(self) -> None:
        for pid, _ in self.kernels.values():
            self.kill(pid)
        for pidfd, (pid, _) in list(self.kernels.items()):
            os.waitpid(pid, 0)
            os.close(pidfd)
        os._exit(0)

    def become_kernel(self, request: dict, fds: list[int], conn: socket.socket) -> None:
        """In the child: turn into what ``python -m ipykernel_launcher ARGV`` in the launcher's place would be."""
        code = 1
        try:
            zygote = os.getppid()
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != zygote:
                os._exit(1)
            os.setsid()
            self.selector.close()
            for sock in [self.listener, self.lifeline, conn] + [c for _, c in self.kernels.values()]:
                sock.close()
            for pidfd in self.kernels:
                os.close(pidfd)
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            os.umask(request["umask"])
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            code = _run_kernel(self, request)
        except BaseException:  # noqa: BLE001 - whatever happens, the child must never return into the zygote
            traceback.print_exc()
        finally:
            os._exit(code)


def _run_kernel(server: Server, request: dict) -> int:
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
    sys.argv = ["-m", *request["argv"]]
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


@contextlib.contextmanager
def _captured_output():
    """Within: file descriptors 1 and 2 write to the file yielded (read it after)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved, file = [os.dup(1), os.dup(2)], tempfile.TemporaryFile()
    try:
        for fd in (1, 2):
            os.dup2(file.fileno(), fd)
        yield file
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, original in zip((1, 2), saved, strict=True):
            os.dup2(original, fd)
            os.close(original)
        file.seek(0)


def _set_filters(filters: list[tuple]) -> None:
    """Make ``filters`` the warning filters, entries as they are (some hold a module name as a str, not a regex)."""
    warnings.filters[:] = filters
    getattr(warnings, "_filters_mutated", lambda: None)()  # what filterwarnings() calls: drops cached decisions


def _log(line: str) -> None:
    """One line in the file ``ATTN_KERNEL_ZYGOTE_LOG`` names, if any (the launchers write there too)."""
    if os.environ.get("ATTN_KERNEL_ZYGOTE_LOG"):
        with open(os.environ["ATTN_KERNEL_ZYGOTE_LOG"], "a") as file:
            file.write(line + "\n")


def _send(conn: socket.socket, message: dict) -> None:
    with contextlib.suppress(OSError):  # a launcher gone: its connection reads as closed next
        conn.sendall(json.dumps(message).encode() + b"\n")


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    """One request: a JSON line, with the launcher's stdin, stdout and stderr attached to its first bytes."""
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    try:
        if len(fds) != 3:
            raise ValueError(f"{len(fds)} file descriptors, expected 3")
        while not data.endswith(b"\n"):
            chunk = conn.recv(1 << 16)
            if not chunk:
                raise ValueError("the launcher hung up mid-request")
            data += chunk
        return json.loads(data), fds
    except (OSError, ValueError):
        for fd in fds:
            os.close(fd)
        raise


def main(argv: list[str]) -> None:
    listener = socket.socket(fileno=int(argv[0]))
    lifeline = socket.socket(fileno=int(argv[1]))
    Server(listener, lifeline, argv[2:]).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
