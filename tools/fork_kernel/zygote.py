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
   umask and environment, resets the RNGs a fork would share (torch to its state right after import,
   numpy's global one from the OS), and runs ``ipykernel_launcher`` as ``python -m`` would.
5. It sends the launcher the child's pid, and its exit code once it has ended; when the launcher's
   connection closes first, it kills the child's process group. When the lifeline (the other end is
   held by whoever started it) closes, it kills every kernel and exits. Kernels die with it too
   (``PR_SET_PDEATHSIG``).

Not the same as in a fresh process: the string hash seed (shared by the kernels of one zygote) and
the thread OpenBLAS starts at import (restarted on first use).
"""

from __future__ import annotations

import atexit
import ctypes
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

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel's init_gui_pylab sets
#: Read at run time only (ATTN_KERNEL_ZYGOTE*: by the launcher), so they may differ between the zygote and a kernel.
VOLATILE = ("JPY_", "PYTEST_CURRENT_TEST", "ATTN_KERNEL_ZYGOTE")
PR_SET_PDEATHSIG = 1


def _top_level(modules) -> set[str]:
    return {name.partition(".")[0] for name in modules}


class Server:
    """The state the zygote keeps, and what the child must close or reset."""

    def __init__(self, listener: socket.socket, lifeline: socket.socket, modules: list[str]) -> None:
        self.env = dict(os.environ)  # the environment every request is compared with
        self.base_path = list(sys.path)  # sys.path without the cwd: PYTHONPATH, stdlib, site
        for name in ("JPY_PARENT_PID", "JPY_INTERRUPT_EVENT"):  # ipykernel reads them at import, as defaults
            os.environ.pop(name, None)
        if not os.environ.get("MPLBACKEND"):
            os.environ["MPLBACKEND"] = INLINE_BACKEND
        importlib.import_module("ipykernel.kernelapp")
        startup = _top_level(sys.modules)
        self.torch_state = None
        for module in modules:
            importlib.import_module(module)
            if self.torch_state is None and "torch" in sys.modules:
                self.torch_state = sys.modules["torch"].get_rng_state()
        self.preloaded = _top_level(sys.modules) - startup  # a fresh kernel imports these from sys.path, cwd first
        os.environ.clear()
        os.environ.update(self.env)
        self.listener, self.lifeline, self.selector = listener, lifeline, selectors.DefaultSelector()
        self.kernels: dict[int, tuple[int, socket.socket]] = {}  # pidfd -> (pid, launcher connection)

    def refusal(self, request: dict) -> str | None:
        """Why this zygote cannot start the kernel ``request`` asks for as a fresh process would; None if it can."""
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
        _send(conn, {"pid": pid})  # a launcher already gone reads as closed next: its kernel is then killed

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
            try:
                send(pid, signal.SIGKILL)
            except ProcessLookupError:  # no group yet: killed before its setsid()
                pass

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
    if server.torch_state is not None:
        sys.modules["torch"].set_rng_state(server.torch_state)
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()  # a fresh process seeds numpy's global RNG from the OS
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
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    return code


def _log(line: str) -> None:
    """One line in the file ``ATTN_KERNEL_ZYGOTE_LOG`` names, if any (the launchers write there too)."""
    if os.environ.get("ATTN_KERNEL_ZYGOTE_LOG"):
        with open(os.environ["ATTN_KERNEL_ZYGOTE_LOG"], "a") as file:
            file.write(line + "\n")


def _send(conn: socket.socket, message: dict) -> None:
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
    except OSError:
        pass


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    """One request: a JSON line, with the launcher's stdin, stdout and stderr attached to its first bytes."""
    data, fds, _, _ = socket.recv_fds(conn, 1 << 16, 3)
    if len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ValueError(f"{len(fds)} file descriptors, expected 3")
    while not data.endswith(b"\n"):
        chunk = conn.recv(1 << 16)
        if not chunk:
            raise ValueError("the launcher hung up mid-request")
        data += chunk
    return json.loads(data), fds


def main(argv: list[str]) -> None:
    listener = socket.socket(fileno=int(argv[0]))
    lifeline = socket.socket(fileno=int(argv[1]))
    Server(listener, lifeline, argv[2:]).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
