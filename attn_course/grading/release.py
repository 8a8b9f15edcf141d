"""``attn-course release``: instructor notebook -> student notebook.

Markers in the instructor's code cells:

    ### BEGIN SOLUTION
    ### HINT: one line shown to the student
    ...the solution...
    ### END SOLUTION

becomes the hint as ``# Hint: ...`` comment lines (wrapped, so that nothing runs off the editor) and
``raise NotImplementedError("part (b)")`` at the marker's indentation, and

    ### BEGIN HIDDEN TESTS
    ...instructor-only checks...
    ### END HIDDEN TESTS

is removed. Check cells (tag ``check-<part>``) call functions that raise until the student
writes them, so their code is put under ``with pending("<part>"):``
(:func:`attn_course.grading.checks.pending`), which prints a one-line note instead of a
traceback. A cell left empty is dropped. The result is then executed (any error fails the
release, so no error output is ever committed) and normalised, so it can be committed and
tested with nbval.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from .. import _notebooks
from .._nbformat import nbformat
from .notebook import check_part, tags
from .spec import ExerciseSet

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_HINT = re.compile(r"^\s*### HINT:\s*(.*)$")
KEEP_CELL_METADATA = ("tags", "editable", "deletable")
HINT_WIDTH = 88  # characters per hint comment line, indentation included: fits JupyterLab's editor


class MarkerError(ValueError):
    pass


def strip_source(source: str, part: str) -> str:
    """Apply the solution and hidden-test markers to one cell's source."""
    out: list[str] = []
    mode, indent, hint = None, "", ""
    for number, line in enumerate(source.splitlines(), 1):
        marker = line.strip()
        if marker == BEGIN_SOLUTION and mode is None:
            mode, indent, hint = "solution", line[: len(line) - len(line.lstrip())], ""
        elif marker == END_SOLUTION and mode == "solution":
            if hint:
                out += textwrap.wrap(f"Hint: {hint}", HINT_WIDTH, initial_indent=f"{indent}# ",
                                     subsequent_indent=f"{indent}# ", break_on_hyphens=False)
            out.append(f'{indent}raise NotImplementedError("part ({part})")')
            mode = None
        elif marker == BEGIN_HIDDEN and mode is None:
            mode = "hidden"
        elif marker == END_HIDDEN and mode == "hidden":
            mode = None
        elif marker.startswith("### ") and marker.split(":")[0] in (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN,
                                                                     END_HIDDEN):
            raise MarkerError(f"line {number}: unexpected {marker!r}")
        elif mode == "solution":
            match = _HINT.match(line)
            if match and not hint:
                hint = match.group(1).strip()
        elif mode is None:
            out.append(line)
    if mode is not None:
        raise MarkerError(f"unterminated {mode} block")
    return "\n".join(out).rstrip() + "\n" if any(ln.strip() for ln in out) else ""


def guard_check(source: str, part: str) -> str:
    """Put a check cell's code under ``with pending(part):`` (see the module docstring)."""
    body = "\n".join(f"    {line}" if line.strip() else "" for line in source.splitlines())
    return f"from attn_course.grading.checks import pending\n\nwith pending(\"{part}\"):\n{body}"


def _part_of_solution(source: str, exercise: ExerciseSet) -> str:
    for part in exercise.parts:
        if re.search(rf"^def {re.escape(part.function)}\(", source, re.MULTILINE):
            return part.id
    return "?"


def student_notebook(exercise: ExerciseSet, instructor: Path) -> nbformat.NotebookNode:
    """The student version of ``exercise``'s notebook in the folder ``instructor``, not executed."""
    source = exercise.solution(instructor)
    source_nb = nbformat.read(source, as_version=4)
    cells = []
    for cell in source_nb.cells:
        cell_tags = tags(cell)
        if cell.cell_type == "code":
            part = check_part(cell) or _part_of_solution(cell.source, exercise)
            try:
                text = strip_source(cell.source, part).rstrip("\n")
            except MarkerError as exc:
                raise MarkerError(f"{source}: {exc}") from exc
            if not text.strip():
                continue
            if check_part(cell):
                text = guard_check(text, check_part(cell))
            new = nbformat.v4.new_code_cell(text)
        else:
            new = nbformat.v4.new_markdown_cell(cell.source) if cell.cell_type == "markdown" else cell
        if cell_tags:
            new.metadata["tags"] = cell_tags
        cells.append(new)
    notebook = nbformat.v4.new_notebook(cells=cells)
    normalise(notebook, exercise)
    return notebook


def normalise(notebook: nbformat.NotebookNode, exercise: ExerciseSet) -> None:
    _notebooks.normalise(
        notebook, extra_metadata={"attn_course": {"exercise": exercise.name}}, keep_cell_metadata=KEEP_CELL_METADATA
    )


def execute(notebook: nbformat.NotebookNode, exercise: ExerciseSet, workdir: Path) -> None:
    _notebooks.execute(notebook, workdir)  # raises on any error: a released notebook holds no error output
    normalise(notebook, exercise)


def release(exercise: ExerciseSet, instructor: Path, students: Path) -> Path:
    """Write the executed student notebook of ``instructor``'s notebook into ``students``; returns its path."""
    target = exercise.student(students)
    target.parent.mkdir(parents=True, exist_ok=True)
    notebook = student_notebook(exercise, instructor)
    execute(notebook, exercise, target.parent)
    nbformat.validate(notebook)
    nbformat.write(notebook, target)
    return target


def same_sources(a: nbformat.NotebookNode, b: nbformat.NotebookNode) -> bool:
    """Equal up to outputs, execution counts (the executed outputs are checked by nbval) and the Python version
    in ``language_info`` (the interpreter's that wrote the notebook)."""

    def shape(nb):
        metadata = {**nb.metadata, "language_info": {**nb.metadata.get("language_info", {}), "version": None}}
        return [(c.cell_type, c.source, c.get("id"), sorted(c.metadata.get("tags", []))) for c in nb.cells], metadata

    return shape(a) == shape(b)
