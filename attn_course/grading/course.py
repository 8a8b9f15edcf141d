"""A course: its instructor notebooks and its exercise sets, possibly kept outside the public repository.

``--course DIR`` (or ``--instructor DIR``, ``$ATTN_COURSE_INSTRUCTOR``, ``./instructor_exercises``)
names a folder with one instructor notebook per set (solutions, hidden-test markers, expected
check outputs). If it also holds ``sets/``, the sets come from there: Python modules
``sets/s*.py`` that each define ``SET`` (an :class:`~.spec.ExerciseSet` whose hidden tests use
:mod:`attn_course.grading.expect`), or a ``sets/__init__.py`` that defines ``SETS``. So a course
keeps its solutions *and* its hidden tests private, and ships only the student notebooks. Without
``sets/``, the sets bundled with the package (the book's worked example) are used.

Loading a course's sets runs its Python code in the grader: it is the instructor's code, trusted
like the grader itself. The sandboxes never see the course folder.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import types
from dataclasses import dataclass
from pathlib import Path

from .spec import ExerciseSet, all_sets, instructor_dir


@dataclass(frozen=True)
class Course:
    folder: Path  # the instructor notebooks
    sets: tuple[ExerciseSet, ...]
    sets_folder: Path | None = None  # where the sets came from, when not bundled

    def get(self, name: str) -> ExerciseSet:
        for exercise in self.sets:
            if exercise.name == name:
                return exercise
        raise KeyError(f"unknown exercise set {name!r}; known: {[s.name for s in self.sets]}")

    @property
    def private(self) -> list[Path]:
        """Folders no sandbox may see."""
        return [self.folder, *([self.sets_folder] if self.sets_folder else [])]


class CourseError(ValueError):
    """The course's sets could not be loaded."""


def _load_sets(folder: Path) -> tuple[ExerciseSet, ...]:
    name = "attn_course_course_" + hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:12]
    init = folder / "__init__.py"
    if init.exists():
        spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(folder)])
        if spec is None or spec.loader is None:
            raise CourseError(f"cannot load {folder} as a package")
        package = importlib.util.module_from_spec(spec)
    else:
        spec, package = None, types.ModuleType(name)
        package.__path__ = [str(folder)]
    sys.modules[name] = package
    try:
        if spec is not None:
            spec.loader.exec_module(package)
        sets = getattr(package, "SETS", None)
        if sets is None:
            modules = [importlib.import_module(f"{name}.{p.stem}") for p in sorted(folder.glob("s*.py"))]
            sets = tuple(m.SET for m in modules if hasattr(m, "SET"))
    except Exception as exc:  # noqa: BLE001 - the instructor's code: say which folder failed
        raise CourseError(f"the exercise sets in {folder} failed to load: {type(exc).__name__}: {exc}") from exc
    if not sets or not all(isinstance(s, ExerciseSet) for s in sets):
        raise CourseError(f"{folder} defines no exercise sets (s*.py with SET = ExerciseSet(...), or SETS)")
    return tuple(sets)


def load_course(given: str | Path | None = None) -> Course:
    """The course in ``given`` (see the module docstring).

    Raises :class:`~.spec.MissingFolder` or :class:`CourseError`."""
    folder = instructor_dir(given)
    sets_folder = folder / "sets"
    if sets_folder.is_dir():
        return Course(folder, _load_sets(sets_folder), sets_folder)
    return Course(folder, all_sets())
