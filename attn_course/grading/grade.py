"""Grade one submission: nbval run and hidden tests, each in its own process, combined into a score.

A part's points come in two kinds (see :class:`.spec.Part`):

- hidden points: the hidden tests passed (and no forbidden shortcut was used);
- visible points: the instructor's check cell reproduced its stored output under nbval, the
  hidden tests passed too, and the notebook does not tamper with the checks. The check cells
  run in the student's kernel, which the student controls, so their output alone proves nothing.
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .extract import extract
from .hidden_runner import run_child
from .kernel_run import CellResult, run_nbval
from .notebook import Submission, grading_notebook
from .workers import run_isolated


@dataclass(kw_only=True)
class TestResult:
    name: str
    score: float
    max_score: float
    status: str  # "passed" or "failed"
    message: str


@dataclass(kw_only=True)
class Report:
    path: str
    exercise: str
    seed: int
    score: float = 0.0
    max_score: float = 0.0
    tests: list[TestResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    isolation: str = ""  # how the network was blocked: "network namespace" or "python socket guard"
    cpu_seconds: float = 0.0  # of the nbval run (with its kernel) and the hidden tests

    def as_json(self) -> dict:
        data = asdict(self)
        keys = ("path", "exercise", "seed", "score", "max_score", "tests", "notes", "isolation", "cpu_seconds")
        return {key: data[key] for key in keys}


def run_hidden(submission: Submission, seed: int, part_timeout: float,
               total_timeout: float) -> tuple[dict, str, float]:
    request = {"set": submission.exercise.name, "seed": seed, "cells": submission.own_code_cells(),
               "part_timeout": part_timeout}
    result, _, cpu = run_isolated(run_child, (request,), total_timeout)
    if isinstance(result, TimeoutError):
        return {}, f"the hidden tests did not finish within {total_timeout:g} s", cpu
    if isinstance(result, BaseException):
        return {}, f"the hidden-test process failed: {type(result).__name__}: {result}", cpu
    return result, "", cpu


def _cell_error(result: CellResult) -> str:
    if "Timeout of" in result.text:
        return "Timeout: the cell ran past the time limit and was interrupted (an infinite loop?)"
    lines = [ln for ln in result.text.strip().splitlines() if ln.strip()]
    return lines[-1].strip() if lines else result.outcome


def _visible_message(result: CellResult | None, hidden_ok: bool, tampering: list[str]) -> tuple[bool, str]:
    if result is None or result.outcome == "not run":
        return False, "the check cell did not run (the notebook was stopped at the time limit)"
    if result.outcome != "passed":  # "failed", or "skipped" (xfail) after an earlier cell timed out
        text = result.text
        if "Timeout" in text:
            return False, "the check cell timed out (an infinite loop?)"
        if "Cell outputs differ" in text:
            return False, "the check cell's output differs from the expected output: run it and read its ✗ line"
        return False, f"the check cell raised an error: {_cell_error(result)}"
    if tampering:
        return False, "output matched, but the notebook tampers with the checks: " + "; ".join(tampering[:3])
    if not hidden_ok:
        return False, "output matched, but the hidden tests failed, so the match cannot be trusted"
    return True, "the check cell reproduced the expected output"


def grade(submission: Submission, *, instructor: Path, cell_timeout: float = 10.0, total_timeout: float = 120.0,
          seed: int | None = None) -> Report:
    """Grade ``submission`` against its set's notebook in the instructor folder ``instructor``."""
    exercise = submission.exercise
    seed = secrets.randbits(31) if seed is None else seed
    report = Report(path=str(submission.path), exercise=exercise.name, seed=seed, max_score=float(exercise.points))
    with tempfile.TemporaryDirectory(prefix="attn-grade-") as tmp:
        notebook, roles = grading_notebook(submission, instructor)
        hidden_cmd = _start_hidden(submission, seed, cell_timeout, total_timeout)
        cells, note, isolation, kernel_cpu = run_nbval(notebook, Path(tmp), cell_timeout, total_timeout)
        hidden, hidden_note, hidden_cpu = hidden_cmd()
    report.isolation = isolation
    report.cpu_seconds = round(kernel_cpu + hidden_cpu, 2)
    for note_text in (note, hidden_note):
        if note_text:
            report.notes.append(note_text)
    report.notes += hidden.get("errors", []) if hidden else extract(submission.own_code_cells()).errors
    tampering = hidden.get("tampering", [])
    report.notes += [f"tampering: {t}" for t in tampering]
    for index, role in roles.items():
        if role.startswith("student:") and cells[index].outcome == "failed":
            number = int(role.split(":")[1]) + 1
            report.notes.append(f"cell {number} failed when run: {_cell_error(cells[index])}")
    check_cells = {role.split(":")[1]: cells[i] for i, role in roles.items() if role.startswith("check:")}
    for part in exercise.parts:
        outcome = hidden.get("parts", {}).get(part.id, {"passed": False, "message": hidden_note or "not run"})
        hidden_ok = bool(outcome["passed"])
        hint = "" if hidden_ok else f" Hint: {part.hint}"
        label = f"{exercise.name} ({part.id}) {part.function}"
        report.tests.append(TestResult(name=f"{label}: hidden tests", score=part.hidden_points if hidden_ok else 0,
                                       max_score=part.hidden_points, status="passed" if hidden_ok else "failed",
                                       message=outcome["message"] + hint))
        visible_ok, message = _visible_message(check_cells.get(part.id), hidden_ok, tampering)
        report.tests.append(TestResult(name=f"{label}: visible check", score=part.visible_points if visible_ok else 0,
                                       max_score=part.visible_points, status="passed" if visible_ok else "failed",
                                       message=message))
    report.score = float(sum(t.score for t in report.tests))
    return report


def _start_hidden(submission: Submission, seed: int, part_timeout: float, total_timeout: float):
    """Start the hidden tests in a thread now, return a function that waits for them."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(run_hidden, submission, seed, part_timeout, total_timeout)

    def wait() -> tuple[dict, str, float]:
        try:
            return future.result()
        finally:
            pool.shutdown()

    return wait
