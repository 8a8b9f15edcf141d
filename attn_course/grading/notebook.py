"""Read submissions and assemble the cells of the grading notebook.

The grading notebook is built from three sources, so that the stored outputs of the
submission are never used:

1. the instructor's ``setup`` cells (imports);
2. every code cell of the submission except its check cells and refused cells (magics),
   outputs and tags ignored;
3. the instructor's check cells (tag ``check-<part>``); their *stored outputs* stay in the
   grader, which compares the fresh run against them (:mod:`.visible`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._nbformat import nbformat
from .spec import ExerciseSet, all_sets

CHECK_PREFIX = "check-"
SETUP_TAG = "setup"


class InvalidSubmission(Exception):
    """The file is not a notebook we can grade (exit status 2)."""


@dataclass(kw_only=True)
class Submission:
    path: Path
    notebook: nbformat.NotebookNode
    exercise: ExerciseSet

    def own_code_cells(self) -> list[tuple[int, str]]:
        """(index, source) of the submission's code cells, check cells excluded."""
        return [(i, cell.source) for i, cell in enumerate(self.notebook.cells)
                if cell.cell_type == "code" and not check_part(cell)]


def tags(cell: nbformat.NotebookNode) -> list[str]:
    found = cell.get("metadata", {}).get("tags", [])
    return [t for t in found if isinstance(t, str)] if isinstance(found, list) else []


def check_part(cell: nbformat.NotebookNode) -> str | None:
    for tag in tags(cell):
        if tag.startswith(CHECK_PREFIX):
            return tag[len(CHECK_PREFIX):]
    return None


def identify(notebook: nbformat.NotebookNode, path: Path,
             exercise_sets: tuple[ExerciseSet, ...] | None = None) -> ExerciseSet:
    """The set named in the notebook's metadata, else the one whose name is in the file name."""
    sets = {s.name: s for s in (exercise_sets or all_sets())}
    metadata = notebook.get("metadata")
    meta = metadata.get("attn_course") if isinstance(metadata, dict) else None
    name = meta.get("exercise") if isinstance(meta, dict) else None
    if isinstance(name, str) and name in sets:
        return sets[name]
    matches = [s for s in sets.values() if s.name in path.name or s.name[:2] + "_" == path.name[:3]]
    if len(matches) == 1:
        return matches[0]
    raise InvalidSubmission(
        f"{path}: cannot tell which exercise set this is (no attn_course.exercise in the notebook "
        f"metadata, and the file name matches none of {sorted(sets)})"
    )


def read_submission(path: Path, exercise_sets: tuple[ExerciseSet, ...] | None = None) -> Submission:
    """Load and validate ``path`` (read-only), one of ``exercise_sets`` (default: the bundled ones).
    Raises :class:`InvalidSubmission`."""
    notebook = read_notebook(path)
    return Submission(path=path, notebook=notebook, exercise=identify(notebook, path, exercise_sets))


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Load and validate the notebook at ``path``; raises :class:`InvalidSubmission`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidSubmission(f"{path}: cannot read the file ({exc})") from exc
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:  # nbformat raises several types for bad JSON / schema
        raise InvalidSubmission(f"{path}: not a valid Jupyter notebook ({type(exc).__name__}: {exc})") from exc
    return notebook


def instructor_notebook(exercise: ExerciseSet, instructor: Path) -> nbformat.NotebookNode:
    """``exercise``'s notebook in the instructor folder ``instructor``."""
    return nbformat.read(exercise.solution(instructor), as_version=4)


@dataclass
class GradingCell:
    role: str  # "setup", "student:<index in the submission>" or "check:<part>"
    source: str
    outputs: list  # the instructor's stored outputs (check cells), else []

    @property
    def name(self) -> str:
        """How tracebacks name the cell: "setup", "cell 4" (the submission's numbering) or "check (b)"."""
        kind, _, rest = self.role.partition(":")
        if kind == "student":
            return f"cell {int(rest) + 1}"
        return f"check ({rest})" if kind == "check" else kind


def grading_cells(submission: Submission, instructor: Path, refused: dict[int, str]) -> list[GradingCell]:
    """The cells of the grading notebook, in order; ``refused``: submission cells left out (magics)."""
    reference = instructor_notebook(submission.exercise, instructor)
    cells = [GradingCell("setup", c.source, []) for c in reference.cells
             if c.cell_type == "code" and SETUP_TAG in tags(c)]
    cells += [GradingCell(f"student:{i}", source, []) for i, source in submission.own_code_cells() if i not in refused]
    for cell in reference.cells:
        part = check_part(cell) if cell.cell_type == "code" else None
        if part:
            cells.append(GradingCell(f"check:{part}", cell.source, list(cell.outputs)))
    return cells
