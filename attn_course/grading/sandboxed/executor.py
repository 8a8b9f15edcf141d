"""The notebook executor: runs the grading notebook's cells one at a time, like a fresh kernel.

The grader sends ``{"cell_timeout": s, "output_limit": n}``, then one ``{"cell": i, "name": ..., "source": ...}``
at a time (a cell never sees the cells after it), and gets back for each
``{"cell": i, "status": "ok" | "error" | "timeout", "stdout": ..., "result": ..., "error": ...}``.
``stdout`` is what the cell printed (``print``, ``display``, ``sys.stdout``/``sys.stderr``),
``result`` the ``repr`` of a last expression that is not None. Output past ``output_limit``
characters in all is dropped here, and the grader refuses oversized frames anyway. The grader
compares the check cells' output with the instructor's, so nothing here is trusted.
"""

from __future__ import annotations

import ast
import builtins
import io
import signal
import socket
import sys
import traceback

from . import wire


class CellTimeout(BaseException):
    """Raised by SIGALRM; a BaseException, so ``except Exception`` in a cell does not swallow it."""


class _Capped(io.TextIOBase):
    def __init__(self, budget: list[int]) -> None:
        self.parts: list[str] = []
        self.budget = budget

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        if self.budget[0] > 0:
            self.parts.append(text[: self.budget[0]])
            if len(text) > self.budget[0]:
                self.parts.append("\n[output truncated by the grader]\n")
            self.budget[0] -= len(text)
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.parts)


def _alarm(_signum, _frame):
    raise CellTimeout


def _run(source: str, namespace: dict, name: str) -> object:
    tree = ast.parse(source, name)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, "exec"), namespace)  # noqa: S102 - the point
    if last is not None:
        return eval(compile(ast.Expression(last.value), name, "eval"), namespace)  # noqa: S307
    return None


def _error(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<")]
    where = f" ({frames[-1].filename[1:-1]}, line {frames[-1].lineno})" if frames else ""
    return "".join(traceback.format_exception_only(type(exc), exc)).strip().splitlines()[-1][:500] + where


def serve(sock: socket.socket) -> None:
    import torch

    torch.set_num_threads(1)  # sandboxes run side by side; one thread each keeps them from contending
    setup, _ = wire.recv(sock)
    budget = [int(setup["output_limit"])]
    cell_timeout = float(setup["cell_timeout"])
    namespace: dict = {"__name__": "__main__", "__builtins__": builtins}
    builtins.display = lambda *objects, **_: print(*(repr(o) for o in objects))  # what IPython would show as text
    signal.signal(signal.SIGALRM, _alarm)
    send = wire.send
    while True:
        request, _ = wire.recv(sock)
        if not isinstance(request, dict) or "cell" not in request:
            return
        index = int(request["cell"])
        out = _Capped(budget)
        sys.stdout = sys.stderr = out
        status, result, error = "ok", None, ""
        signal.setitimer(signal.ITIMER_REAL, cell_timeout)
        try:
            value = _run(request["source"], namespace, f"<{str(request.get('name', index))[:40]}>")
            if value is not None:
                result = repr(value)[:10_000]
        except CellTimeout:
            status, error = "timeout", f"Timeout: the cell ran past {cell_timeout:g} s and was interrupted"
        except BaseException as exc:  # noqa: BLE001 - the cell's error is its result
            status, error = "error", _error(exc)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        send(sock, {"cell": index, "status": status, "stdout": out.getvalue(), "result": result, "error": error})
