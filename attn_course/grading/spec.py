"""What an exercise set is: graded parts with points, a hidden test each, and shortcuts to refuse."""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

INSTRUCTOR_ENV = "ATTN_COURSE_INSTRUCTOR"
INSTRUCTOR_DEFAULT = "instructor_exercises"  # looked for in the current directory
STUDENTS_DEFAULT = Path("book") / "student_exercises"  # likewise

HiddenTest = Callable[..., Generator]  # hidden(generator) yields Calls, is sent back their results


class MissingFolder(ValueError):
    """The instructor (or student) notebook folder was not given and is not where it is looked for."""


def instructor_dir(given: str | Path | None = None) -> Path:
    """The folder of instructor notebooks (solutions and hidden-test markers, one per set).

    ``given`` (the ``--course`` option) if set, else ``$ATTN_COURSE_INSTRUCTOR``, else
    ``./instructor_exercises`` if it exists. The package holds no notebooks, so an installed
    grader needs one of these.
    """
    if given is None:
        given = os.environ.get(INSTRUCTOR_ENV) or None
    if given is None:
        if not Path(INSTRUCTOR_DEFAULT).is_dir():
            raise MissingFolder(
                f"no course: pass --course DIR (the folder with the instructor notebooks, "
                f"e.g. a course checkout's {INSTRUCTOR_DEFAULT}/), or set {INSTRUCTOR_ENV}; "
                f"./{INSTRUCTOR_DEFAULT} does not exist in {Path.cwd()}"
            )
        given = INSTRUCTOR_DEFAULT
    folder = Path(given)
    if not folder.is_dir():
        raise MissingFolder(f"the course folder {folder} is not a directory "
                            f"(from --course or {INSTRUCTOR_ENV})")
    return folder


def students_dir(given: str | Path | None = None) -> Path:
    """Where ``attn-course release`` writes the student notebooks: ``given`` (``--students``),
    else ``./book/student_exercises`` if it exists."""
    if given is not None:
        return Path(given)
    if not STUDENTS_DEFAULT.is_dir():
        raise MissingFolder(f"pass --students DIR (where to write the student notebooks); "
                            f"./{STUDENTS_DEFAULT} does not exist in {Path.cwd()}")
    return STUDENTS_DEFAULT


@dataclass(frozen=True, kw_only=True)
class Part:
    """One graded part: the student writes ``function``; it is checked twice.

    - ``visible_points``: the notebook's check cell (tag ``check-<id>``) must reproduce the
      instructor's stored output under nbval *and* the hidden tests must pass.
    - ``hidden_points``: ``hidden(generator)`` is a generator (:mod:`.expect`) that runs in the
      grader: it draws inputs from a seed chosen at grading time, yields ``call(...)`` for the
      student's function, which runs in a sandboxed runner, gets the result back as plain data,
      and raises ``AssertionError`` on a miss.
    - ``forbidden``: names of shortcuts (``"attn_course"``, ``"scaled_dot_product_attention"``,
      ``"softmax"``, ...) that the part's code may not use: found in the source, and refused in
      the runner's dispatcher whatever name reached them (:mod:`.sandboxed.refuse`) -> 0 points.
    """

    id: str
    function: str
    title: str
    visible_points: int
    hidden_points: int
    hidden: HiddenTest
    forbidden: tuple[str, ...] = ("attn_course",)
    hint: str = ""

    @property
    def points(self) -> int:
        return self.visible_points + self.hidden_points


@dataclass(frozen=True, kw_only=True)
class ExerciseSet:
    name: str  # e.g. "01_scores_softmax": also the notebook's file name
    title: str
    parts: tuple[Part, ...]

    def solution(self, instructor: Path) -> Path:
        """The instructor notebook in the folder ``instructor`` (see :func:`instructor_dir`)."""
        return Path(instructor) / f"{self.name}.ipynb"

    def student(self, students: Path) -> Path:
        """The student notebook in the folder ``students`` (see :func:`students_dir`)."""
        return Path(students) / f"{self.name}.ipynb"

    @property
    def points(self) -> int:
        return sum(part.points for part in self.parts)

    def part(self, part_id: str) -> Part:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(f"{self.name} has no part {part_id!r}")


def all_sets() -> tuple[ExerciseSet, ...]:
    """Every exercise set, in book order."""
    from .sets import SETS

    return SETS


def get_set(name: str) -> ExerciseSet:
    for exercise in all_sets():
        if exercise.name == name:
            return exercise
    raise KeyError(f"unknown exercise set {name!r}; known: {[s.name for s in all_sets()]}")
