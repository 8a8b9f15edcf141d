"""Fresh, isolated child processes, started quickly.

Every nbval run and every hidden-test run happens in its own child process, forked from a
``multiprocessing`` *forkserver* that has already imported torch, pytest and nbval. The child
starts with nothing from any earlier submission (the forkserver never runs student code), but
skips ~2 s of imports, which is what makes a 100-submission batch fit in minutes.

Each child first moves into new user and network namespaces (Linux ``unshare(2)``) where only
a loopback device exists, so student code has no network even through native code. Where that
is not permitted (macOS, locked-down containers) the Python-level guard of
:func:`.sandbox.block_network` is what remains; :func:`run_isolated` says which one applied.
"""

from __future__ import annotations

import ctypes
import fcntl
import functools
import multiprocessing
import resource
import socket
import struct
from collections.abc import Callable

_PRELOAD = ["torch", "attn_course", "attn_course.grading.hidden_runner", "attn_course.grading.kernel_run",
            "pytest", "nbval.plugin", "jupyter_client"]
_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000
_SIOCSIFFLAGS, _IFF_UP, _IFF_LOOPBACK, _IFF_RUNNING = 0x8914, 0x1, 0x8, 0x40


@functools.cache
def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def isolate_network() -> str:
    """Enter empty user+network namespaces with loopback up. Returns how the network is blocked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare")
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:  # bring `lo` up for ZeroMQ
            fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH", b"lo", _IFF_UP | _IFF_LOOPBACK | _IFF_RUNNING))
        return "network namespace"
    except (OSError, AttributeError):
        return "python socket guard"


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it waited for (e.g. the kernel)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _child(conn, target: Callable, args: tuple) -> None:
    isolation = isolate_network()
    try:
        result = target(*args)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
        result = exc
    try:
        conn.send((result, isolation, _cpu_seconds()))
    finally:
        conn.close()


def run_isolated(target: Callable, args: tuple, timeout: float) -> tuple[object, str, float]:
    """Run ``target(*args)`` in a fresh isolated child; ``(result, isolation, cpu_seconds)``.

    ``result`` is the return value, the exception raised, or ``TimeoutError`` if the child did
    not finish within ``timeout`` seconds (it is then killed, and a kernel it started shuts
    itself down when it sees its parent gone).
    """
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, target, args), daemon=False)
    process.start()
    send.close()
    try:
        if receive.poll(timeout):
            result = receive.recv()
            process.join(5)
            return result
        return TimeoutError(f"did not finish within {timeout:g} s"), "", 0.0
    except EOFError:
        return RuntimeError(f"the grading process died (exit code {process.exitcode})"), "", 0.0
    finally:
        if process.is_alive():
            process.kill()
            process.join()
        receive.close()
