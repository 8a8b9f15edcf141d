"""The visible checks: the grading notebook runs in a sandboxed executor, the grader compares the check cells.

The grading notebook is the instructor's setup cells, the student's code cells (minus refused
ones) and the instructor's check cells (:func:`.notebook.grading_cells`). The executor
(:mod:`.sandboxed.executor`) runs them in order, one cell sent at a time, and returns what each
printed. The check cells' expected outputs never leave the grader: :func:`matches` compares here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .sandbox import Sandbox, SandboxError, sandbox_config
from .sandboxed import wire

OUTPUT_LIMIT = 100_000  # characters the notebook may print in all
MAX_CELL_FRAME = 1024 * 1024  # bytes per cell answer


@dataclass
class CellResult:
    status: str  # "ok", "error", "timeout" or "not run"
    stdout: str = ""
    result: str | None = None
    error: str = ""


@dataclass
class NotebookRun:
    cells: list[CellResult]
    note: str = ""
    isolation: str = ""


def run_notebook(cells: list[tuple[str, str]], cell_timeout: float, total_timeout: float,
                 hide: list[Path]) -> NotebookRun:
    """Run ``cells``, ``(name, source)`` pairs (the name appears in tracebacks: "cell 4", "check (b)")."""
    run = NotebookRun([CellResult("not run") for _ in cells])
    try:
        box = Sandbox("executor", sandbox_config(hide=hide, cpu_seconds=total_timeout, executor=True))
    except SandboxError as exc:
        run.note = str(exc)
        return run
    run.isolation = box.isolation
    end = time.monotonic() + total_timeout
    try:
        box.send({"cell_timeout": cell_timeout, "output_limit": OUTPUT_LIMIT})
        for index, (name, source) in enumerate(cells):
            box.send({"cell": index, "name": name, "source": source})
            try:
                answer = box.recv(min(end, time.monotonic() + cell_timeout + 2.0), MAX_CELL_FRAME)
            except TimeoutError:
                run.cells[index] = CellResult("timeout", error="Timeout: the cell did not finish and was stopped")
                run.note = ("the notebook did not finish within the total time limit of "
                            f"{total_timeout:g} s" if time.monotonic() >= end else "")
                break
            status = answer.get("status")
            if answer.get("cell") != index or status not in ("ok", "error", "timeout"):
                raise wire.ProtocolError("an answer for another cell")
            result = answer.get("result")
            run.cells[index] = CellResult(status, str(answer.get("stdout", ""))[:OUTPUT_LIMIT + 100],
                                          None if result is None else str(result)[:10_000],
                                          str(answer.get("error", ""))[:2000])
    except (EOFError, wire.ProtocolError) as exc:
        run.note = f"the notebook process stopped ({exc})"
    finally:
        box.close()
    return run


def run_in_background(cells: list[tuple[str, str]], cell_timeout: float, total_timeout: float, hide: list[Path]):
    """Start :func:`run_notebook` in a thread; returns a function that waits for its :class:`NotebookRun`."""
    box: dict[str, NotebookRun] = {}
    thread = threading.Thread(target=lambda: box.setdefault("run", run_notebook(cells, cell_timeout,
                                                                                total_timeout, hide)),
                              daemon=True)
    thread.start()

    def wait() -> NotebookRun:
        thread.join()
        return box.get("run") or NotebookRun([CellResult("not run") for _ in cells], "the notebook run failed")

    return wait


def expected_text(outputs: list) -> tuple[str, str | None]:
    """What a check cell printed in the instructor's notebook, and its execute_result text if any."""
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    results = [o["data"].get("text/plain", "") for o in outputs if o.get("output_type") == "execute_result"]
    return printed, ("".join(results) if results else None)


def matches(result: CellResult, outputs: list) -> bool:
    printed, value = expected_text(outputs)
    return result.status == "ok" and result.stdout.rstrip() == printed.rstrip() and result.result == value
