"""The function runner: re-creates the student's functions from source and calls them on the grader's inputs.

One runner per graded part, in its own sandbox. The grader sends
``{"forbidden": [...], "statements": [[cell, source], ...], "imports": [...]}``; the runner
refuses the forbidden operators (:mod:`.refuse`), executes the statements with restricted
builtins, and answers ``{"defined": [...], "errors": [...]}``. Then, for each
``{"call": name, "args": [...], "kwargs": {...}}`` it answers ``{"value": ...}`` or
``{"raised": {...}}``, and ``{"forbidden": label}`` the moment a refused operator is attempted.
It never sees an expected value: the grader compares. Whatever the student's code does to this
process, it can only change what this process sends, which the grader checks as data.
"""

from __future__ import annotations

import builtins
import socket
import sys
import traceback

from . import refuse, wire

_REMOVED_BUILTINS = ("open", "exec", "eval", "compile", "input", "breakpoint", "exit", "quit", "help")


def restricted_builtins(allowed: frozenset[str]) -> dict:
    """``builtins`` without file access or ``eval``, and an ``__import__`` limited to ``allowed`` roots.
    A course rule with a clear message, not the security boundary (that is the sandbox)."""
    safe = dict(vars(builtins))
    for name in _REMOVED_BUILTINS:
        safe.pop(name, None)
    real_import = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level or name.split(".")[0] not in allowed:
            raise ImportError(f"import of {name!r} is not available in graded code")
        return real_import(name, globals, locals, fromlist, level)

    safe["__import__"] = guarded_import
    return safe


def describe(exc: BaseException) -> dict:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell ")]
    where = f"{frames[-1].name}, {frames[-1].filename[1:-1]}, line {frames[-1].lineno}" if frames else ""
    return {"type": type(exc).__name__[:80], "message": str(exc)[:1000], "where": where[:200]}


def define(statements: list, allowed: frozenset[str]) -> tuple[dict, list[str]]:
    namespace: dict = {"__builtins__": restricted_builtins(allowed), "__name__": "submission"}
    errors = []
    for cell, source in statements:
        try:
            exec(compile(source, f"<cell {int(cell) + 1}>", "exec"), namespace)  # noqa: S102 - the point
        except Exception as exc:  # noqa: BLE001 - reported
            first = next((line for line in source.splitlines() if line.strip()), "")[:80]
            errors.append(f"cell {int(cell) + 1}: `{first}` failed: {type(exc).__name__}: {exc}"[:500])
    return namespace, errors


def serve(sock: socket.socket) -> None:
    import torch

    torch.set_num_threads(1)
    setup, _ = wire.recv(sock)
    send = wire.send

    def report(label: str) -> None:
        send(sock, {"forbidden": label})

    refuse.install(list(setup["forbidden"]), report)
    for name in [n for n in sys.modules if n == "attn_course" or n.startswith("attn_course.")]:
        del sys.modules[name]
    namespace, errors = define(setup["statements"], frozenset(setup["imports"]))
    defined = sorted(k for k, v in namespace.items() if callable(v) and not k.startswith("__"))
    send(sock, {"defined": defined, "errors": errors})
    while True:
        request, _ = wire.recv(sock)
        if not isinstance(request, dict) or "call" not in request:
            return
        function = namespace.get(request["call"])
        if not callable(function):
            send(sock, {"raised": {"type": "NameError", "message": f"{request['call']} is not defined", "where": ""}})
            continue
        args = [wire.decode(a) for a in request.get("args", [])]
        kwargs = {k: wire.decode(v) for k, v in request.get("kwargs", {}).items()}
        try:
            reply = {"value": wire.encode(function(*args, **kwargs))}
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are answers too
            reply = {"raised": describe(exc)}
        send(sock, reply)
