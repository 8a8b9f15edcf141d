"""Containment for code under grading: no network, bounded output, allow-listed imports.

Two layers, both used when grading:

1. **Process level** (:func:`.workers.isolate_network`): on Linux with user namespaces, the
   student's kernel and the hidden-test process run in a new, empty network namespace: only a
   loopback device, which the kernel needs to talk to nbval over ZeroMQ.
2. **Python level** (:func:`block_network`): ``socket`` connections, DNS lookups and
   ``sendto`` raise ``OSError``. This is what protects platforms without ``unshare``
   (macOS, some containers); determined native code could get around it, so grade untrusted
   work on a machine or container you can throw away.

This is containment for coursework, not a security boundary against a hostile adversary.
"""

from __future__ import annotations

import builtins
import socket
import sys

ALLOWED_IMPORTS = frozenset({
    "__future__", "abc", "attn_course", "cmath", "collections", "dataclasses", "enum", "functools",
    "itertools", "math", "numbers", "numpy", "operator", "statistics", "torch", "typing", "typing_extensions",
})
_REMOVED_BUILTINS = ("open", "exec", "eval", "compile", "input", "breakpoint", "exit", "quit", "help", "memoryview")


def _refuse(*_args, **_kwargs):
    raise OSError("network access is disabled while grading")


def block_network() -> None:
    """Make every outgoing connection and name lookup fail (Python level)."""
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        setattr(socket.socket, name, _refuse)
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse
    socket.gethostbyname = _refuse
    socket.gethostbyname_ex = _refuse


def cap_output(limit: int) -> None:
    """Truncate what the kernel's stdout/stderr carry after ``limit`` characters in total."""
    budget = {"left": limit, "warned": False}

    def capped(write):
        def _write(text):
            if budget["left"] <= 0:
                if not budget["warned"]:
                    budget["warned"] = True
                    write(f"\n[output truncated by the grader after {limit} characters]\n")
                return len(text)
            budget["left"] -= len(text)
            return write(text[: max(budget["left"] + len(text), 0)])

        return _write

    for stream in (sys.stdout, sys.stderr):
        stream.write = capped(stream.write)


def restricted_builtins() -> dict:
    """``builtins`` for re-executed student definitions: no file, eval or unlisted imports."""
    safe = dict(vars(builtins))
    for name in _REMOVED_BUILTINS:
        safe.pop(name, None)
    real_import = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        root = name.split(".")[0]
        grader = name.startswith("attn_course.grading") and name != "attn_course.grading.checks"
        if level or root not in ALLOWED_IMPORTS or grader:
            raise ImportError(f"import of {name!r} is not allowed in graded code")
        return real_import(name, globals, locals, fromlist, level)

    safe["__import__"] = guarded_import
    return safe
