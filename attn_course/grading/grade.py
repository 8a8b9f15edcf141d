"""Grade one submission: the notebook run and the hidden tests, each sandboxed, combined into a score here.

A part's points come in two kinds (see :class:`.spec.Part`):

- hidden points: the hidden tests passed (and no forbidden shortcut was used);
- visible points: the instructor's check cell reproduced its stored output, the hidden tests
  passed too, and the notebook does not tamper with the checks. The check cells run in a
  process the student's code controls, so their output alone proves nothing.

Everything that decides a score happens in this process, which never runs student code; the
sandboxes only send data back. A report is built only after every sandbox of the submission has
been killed and reaped (:meth:`.sandbox.Sandbox.close`).
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .extract import extract
from .hidden import run_hidden
from .notebook import Submission, grading_cells
from .visible import CellResult, matches, run_in_background


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
    isolation: str = ""  # how the sandboxes were confined (namespaces, uid, limits), or why they were not
    error: str = ""  # set when the submission could not be graded at all (exit status 2)
    sha256: str = ""  # of the submitted file: `--resume` keeps a report only for the same file

    def as_json(self) -> dict:
        data = asdict(self)
        keys = ("path", "exercise", "seed", "score", "max_score", "tests", "notes", "isolation", "error", "sha256")
        return {key: data[key] for key in keys}

    @classmethod
    def from_json(cls, data: dict) -> Report:
        """A report read back from ``--json`` output (for ``--resume``)."""
        tests = [TestResult(**{k: t[k] for k in ("name", "score", "max_score", "status", "message")})
                 for t in data.get("tests", [])]
        fields = ("path", "exercise", "seed", "score", "max_score", "notes", "isolation", "error", "sha256")
        return cls(**{k: data[k] for k in fields if k in data}, tests=tests)


def _cell_error(result: CellResult) -> str:
    if result.status == "timeout":
        return "Timeout: the cell ran past the time limit and was interrupted (an infinite loop?)"
    return result.error or result.status


def _visible_message(result: CellResult | None, outputs: list, hidden_ok: bool,
                     tampering: list[str]) -> tuple[bool, str]:
    if result is None or result.status == "not run":
        return False, "the check cell did not run (the notebook was stopped at the time limit, or crashed)"
    if result.status == "timeout":
        return False, "the check cell timed out (an infinite loop?)"
    if result.status == "error":
        return False, f"the check cell raised an error: {result.error}"
    if not matches(result, outputs):
        return False, "the check cell's output differs from the expected output: run it and read its ✗ line"
    if tampering:
        return False, "output matched, but the notebook tampers with the checks: " + "; ".join(tampering[:3])
    if not hidden_ok:
        return False, "output matched, but the hidden tests failed, so the match cannot be trusted"
    return True, "the check cell reproduced the expected output"


def grade(submission: Submission, *, instructor: Path, cell_timeout: float = 10.0, total_timeout: float = 120.0,
          seed: int | None = None, hide: list[Path] | None = None) -> Report:
    """Grade ``submission`` against its set's notebook in the instructor folder ``instructor``.

    ``hide``: more folders and files the sandboxes must not see (the course, the other submissions).
    """
    exercise = submission.exercise
    seed = secrets.randbits(31) if seed is None else seed
    report = Report(path=str(submission.path), exercise=exercise.name, seed=seed, max_score=float(exercise.points))
    extracted = extract(submission.own_code_cells())
    private = [Path(instructor), submission.path, *(hide or [])]
    cells = grading_cells(submission, instructor, extracted.refused)
    wait_notebook = run_in_background([(c.name, c.source) for c in cells], cell_timeout, total_timeout, private)
    hidden = run_hidden(exercise, extracted, seed, cell_timeout, private)
    run = wait_notebook()
    report.isolation = run.isolation or hidden.isolation
    report.notes += [n for n in (run.note,) if n]
    report.notes += [f"cell {i + 1} refused and not run: {why}" for i, why in sorted(extracted.refused.items())]
    report.notes += extracted.errors + [e for e in hidden.errors if e not in extracted.errors]
    report.notes += [f"tampering: {t}" for t in extracted.tampering]
    for cell, result in zip(cells, run.cells, strict=True):
        if cell.role.startswith("student:") and result.status in ("error", "timeout"):
            number = int(cell.role.split(":")[1]) + 1
            report.notes.append(f"cell {number} failed when run: {_cell_error(result)}")
    checks = {c.role.split(":")[1]: (r, c.outputs) for c, r in zip(cells, run.cells, strict=True)
              if c.role.startswith("check:")}
    for part in exercise.parts:
        hidden_ok, message = hidden.parts.get(part.id, (False, "not run"))
        message = message.rstrip()
        hint = "" if hidden_ok else f"{'' if message.endswith(('.', ':')) else '.'} Hint: {part.hint}"
        label = f"{exercise.name} ({part.id}) {part.function}"
        report.tests.append(TestResult(name=f"{label}: hidden tests", score=part.hidden_points if hidden_ok else 0,
                                       max_score=part.hidden_points, status="passed" if hidden_ok else "failed",
                                       message=message + hint))
        result, outputs = checks.get(part.id, (None, []))
        visible_ok, message = _visible_message(result, outputs, hidden_ok, extracted.tampering)
        report.tests.append(TestResult(name=f"{label}: visible check", score=part.visible_points if visible_ok else 0,
                                       max_score=part.visible_points, status="passed" if visible_ok else "failed",
                                       message=message))
    report.score = float(sum(t.score for t in report.tests))
    return report
