"""The zygote: one process that imports ipykernel, torch and the course once, then forks a kernel per request.

Started by :class:`tools.fork_kernel.Zygote` as ``python -c BOOT LISTEN_FD LIFELINE_FD MODULE...``,
standalone: its ``sys.path`` is a fresh kernel's without the cwd (``PYTHONPATH``, stdlib, site).

1. It imports ``ipykernel.kernelapp``, then the ``MODULE``s (with ``MPLBACKEND`` set as ipykernel sets it
   before a notebook runs: matplotlib reads it at import). It starts no thread (numpy's OpenBLAS starts
   one, and stops it before a fork).
2. A launcher (``kernels/python3-fork/launcher.py``) sends its argv, cwd, umask, environment and
   executable, with its stdin, stdout and stderr. The zygote refuses (the launcher then execs a normal
   kernel) when a fresh process could differ: another Python or environment (``VOLATILE`` variables
   apart: nothing imported reads them), a relative ``PYTHONPATH``, a cwd holding a ``matplotlibrc`` or
   something named like an imported module (a fresh kernel would import that), or imports that printed.
3. Otherwise it forks. The child takes the launcher's stdio, cwd, umask and environment in a session
   of its own, reseeds from the OS the RNGs a fork would share (torch's and numpy's global ones, seeded
   so in a fresh process), puts the imports' warning filters after those the kernel adds as it starts
   (as when a notebook imports), and runs ``ipykernel_launcher`` as ``python -m`` does.
4. The launcher gets the child's pid, then its exit code. If the launcher's connection closes first,
   the child's process group is killed; if the lifeline closes, every kernel is, and the zygote exits.
   Kernels die with the zygote (``PR_SET_PDEATHSIG``).

Unlike fresh processes, the kernels of one zygote share the string hash seed, and import-time
``atexit`` handlers run after the kernel's own rather than before.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import selectors
import signal
import socket
import sys
import tempfile
import warnings

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"  # what ipykernel's init_gui_pylab sets
#: Read at run time only (ATTN_KERNEL_ZYGOTE*: by the launcher), so they may differ between the zygote and a kernel.
VOLATILE = ("JPY_", "PYTEST_CURRENT_TEST", "ATTN_KERNEL_ZYGOTE")
HERE = os.path.dirname(os.path.abspath(__file__))


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
        self.child = _load_child()

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
                    self.child.become_kernel(self, request, fds, conn)
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


def _load_child():
    """tools/fork_kernel/child.py, loaded from its file: the zygote's folder is not on sys.path."""
    spec = importlib.util.spec_from_file_location("_attn_fork_kernel_child", os.path.join(HERE, "child.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
